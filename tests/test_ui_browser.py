"""The measure browser window, driven through its widgets (offscreen)."""
from __future__ import annotations

import pytest

from core.measures.search import search_key
from ui.app import MeasureBrowser
from ui.measures_model import ID_ROLE


@pytest.fixture()
def window(qtbot, bundled_db):
    w = MeasureBrowser(bundled_db)
    qtbot.addWidget(w)
    w.show()
    return w


def visible_ids(w):
    return [w.proxy.index(r, 0).data(ID_ROLE) for r in range(w.proxy.rowCount())]


def test_lists_every_measure_and_shows_the_verbatim_text(window, bundled_db):
    assert len(visible_ids(window)) == len(bundled_db.list_measures())
    assert window.count.text() == f"共 {window.proxy.rowCount()} 条"
    first = bundled_db.measure(visible_ids(window)[0])
    assert first["text"][:20] in window.detail.toPlainText()
    assert bundled_db.version in window.statusBar().currentMessage()


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
