"""The measure browser window, driven through its widgets (offscreen)."""
from __future__ import annotations

import datetime as dt

import pytest
import shiboken6

from core.measures.search import search_key
from ui.measure_browser import MeasureBrowser
from ui.measures_model import ID_ROLE


@pytest.fixture()
def window(qtbot, bundled_db):
    w = MeasureBrowser(bundled_db)
    qtbot.addWidget(w)
    w.show()
    yield w
    shiboken6.delete(w)     # before the database fixture closes the database


def visible_ids(w):
    return [w.proxy.index(r, 0).data(ID_ROLE) for r in range(w.proxy.rowCount())]


def test_lists_every_measure_and_shows_the_verbatim_text(window, bundled_db):
    assert len(visible_ids(window)) == len(bundled_db.list_measures())
    assert window.count.text() == f"共 {window.proxy.rowCount()} 条"
    first = bundled_db.measure(visible_ids(window)[0])
    assert first["text"][:20] in window.detail.toPlainText()


def test_two_character_search_filters_and_shows_the_clause(window, qtbot):
    window.search.insert("光伏")  # as an input-method commit: QTest cannot type CJK keys
    ids = visible_ids(window)
    assert "lh-glc-2024/7.1" in ids
    for i in ids:   # the list shows exactly the search hits: term in id, clause, title or text
        m = window.db.measure(i)
        assert "光伏" in search_key(m["id"] + m["clause"] + m["title"] + m["text"])
    row = ids.index("lh-glc-2024/7.1")
    window.list.setCurrentIndex(window.proxy.index(row, 0))
    text = window.detail.toPlainText()
    assert "0.25 元/千瓦时" in text
    assert "罗湖区十条措施 第七条（一）" in text


def test_one_character_does_not_filter(window, qtbot):
    total = window.proxy.rowCount()
    window.search.insert("碳")  # as an input-method commit: QTest cannot type CJK keys
    assert window.proxy.rowCount() == total


def test_document_filter(window):
    index = window.document_filter.findData("lh-glc-2024")
    window.document_filter.setCurrentIndex(index)
    ids = visible_ids(window)
    assert ids and all(i.startswith("lh-glc-2024/") for i in ids)


def test_no_result_says_so(window, qtbot):
    window.search.insert("完全不存在的词语")  # as an input-method commit: QTest cannot type CJK keys
    assert window.proxy.rowCount() == 0
    assert "没有符合条件的措施" in window.detail.toPlainText()


def test_level_and_state_filters_combine(window):
    window.set_as_of(dt.date(2026, 11, 21))
    window.level_filter.setCurrentIndex(window.level_filter.findData("district"))
    ids = visible_ids(window)
    assert ids and all(i.startswith("lh-glc-2024/") for i in ids)
    window.state_filter.setCurrentIndex(window.state_filter.findData("in_force"))
    assert visible_ids(window) == []          # 罗湖 ended on 2025-12-31
    assert "没有符合条件的措施" in window.detail.toPlainText()
    window.set_as_of(dt.date(2025, 6, 30))
    assert "lh-glc-2024/7.1" in visible_ids(window)


def test_kind_and_region_filters(window):
    window.region_filter.setCurrentIndex(window.region_filter.findData("luohu"))
    assert all(i.startswith("lh-glc-2024/") for i in visible_ids(window))
    window.region_filter.setCurrentIndex(0)
    window.kind_filter.setCurrentIndex(window.kind_filter.findData("matching"))
    assert visible_ids(window) == ["sz-glc-2022/13b"]


def test_verdict_of_the_open_profile_is_shown(window, catalog):
    from core.engine.evaluate import Engine
    company = {"district": "luohu", "supports_received": []}
    profile = {"format": "greenmeasures.profile/1", "company": company, "projects": [
        {"id": "p1", "name": "屋顶光伏", "type": "distributed_pv", "district": "luohu",
         "property": "social", "capacity_kw": 800, "pv_technology": "conventional",
         "grid_connected_on": "2024-03-01", "generation_kwh": {"2024": 900000}}]}
    ev = Engine(catalog.measures, catalog.documents).evaluate(profile, dt.date(2025, 6, 30))
    window.set_evaluation(ev, "wan")
    window.show_measure("lh-glc-2024/7.1")
    text = window.detail.toPlainText()
    assert "本档案的判断" in text and "屋顶光伏：可申请" in text and "22.5" in text


def test_traditional_ui_converts_policy_text(window):
    from core.i18n import set_language
    try:
        set_language("zh-Hant")
        window.show_measure("lh-glc-2024/7.1")
        text = window.detail.toPlainText()
        assert "羅湖區十條措施" in text and "分佈式光伏" in text
        assert window.document_filter.itemText(0) == "全部文件"
    finally:
        set_language("zh-Hans")


def test_statements_are_marked_as_policy_information(window, catalog):
    """A clause with nothing to apply for reads 政策信息 in the list and in its detail (issue 14)."""
    roles = {m["id"]: m["role"] for m in catalog.measures}
    for r in range(window.proxy.rowCount()):
        index = window.proxy.index(r, 0)
        marked = index.data().endswith("（政策信息）")
        assert marked == (roles[index.data(ID_ROLE)] == "statement"), index.data()
    window.show_measure("sz-sepi-2024/2")
    assert "政策信息：本条是目标、任务或原则，没有可申请的事项" in window.detail.toPlainText()
    window.show_measure("lh-glc-2024/7.1")
    assert "政策信息" not in window.detail.toPlainText()
