"""The live results panel (ui/results_view.py, ui/results_model.py), driven offscreen."""
from __future__ import annotations

import copy
import datetime as dt

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QTextCursor

import core.i18n as i18n
from core.engine.evaluate import ELIGIBLE, INELIGIBLE, NEEDS_INFO, NOT_IN_FORCE, Engine
from core.i18n import convert_policy_text, format_money
from ui.results_model import (
    COL_AMOUNT,
    COL_NOTES,
    COL_PROJECT,
    COL_TITLE,
    GROUP_ROLE,
    MEASURE_ID_ROLE,
    PROJECT_ID_ROLE,
    RESULT_ROLE,
    STATEMENT,
    STATUS_ROLE,
    ResultsModel,
    missing_label,
)
from ui.results_view import ResultsView

AS_OF = dt.date(2025, 6, 30)
PV = "lh-glc-2024/7.1"          # 罗湖区十条措施 第七条（一）分布式光伏项目扶持
CITY_THIN_FILM = "sz-glc-2022/12"
COMPANY = {"name": "深圳市测试科技有限公司", "district": "luohu", "entity_type": "enterprise",
           "independent_legal_person": True, "supports_received": []}


def pv_project(**changes) -> dict:
    project = {"id": "p1", "name": "罗湖光伏一号", "type": "distributed_pv", "district": "luohu",
               "property": "social", "capacity_kw": 500, "pv_technology": "conventional",
               "grid_connected_on": "2024-03-01", "generation_kwh": {"2024": 900000}}
    project.update(changes)
    return {k: v for k, v in project.items() if v is not None}


def profile(*projects) -> dict:
    return {"format": 1, "company": copy.deepcopy(COMPANY), "projects": list(projects)}


@pytest.fixture(autouse=True)
def _language_state(monkeypatch):
    """Simplified, no listeners left over; whatever a test switches is undone."""
    monkeypatch.setattr(i18n, "_current", i18n.DEFAULT_LANGUAGE)
    monkeypatch.setattr(i18n, "_listeners", [])
    yield


@pytest.fixture(scope="module")
def engine(catalog):
    return Engine(catalog.measures, catalog.documents, catalog.version)


@pytest.fixture()
def view(qtbot):
    v = ResultsView()
    qtbot.addWidget(v)
    v.set_money_unit("wan")
    v.resize(1100, 700)
    v.show()
    qtbot.waitExposed(v)
    return v


def children(model, key):
    group = model.group_index(key)
    return [model.index(row, 0, group) for row in range(model.rowCount(group))]


def row_text(index, column) -> str:
    return index.sibling(index.row(), column).data() or ""


def find_row(model, measure_id, project_id):
    index = model.index_for(measure_id, project_id)
    assert index.isValid(), (measure_id, project_id)
    return index


def click_text(qtbot, browser, text):
    """Click the middle of the first occurrence of ``text`` in a text browser, as a user would."""
    found = browser.document().find(text)
    assert not found.isNull(), f"{text!r} not in {browser.toPlainText()!r}"
    cursor = QTextCursor(browser.document())
    cursor.setPosition(found.selectionStart() + 1)
    browser.setTextCursor(cursor)
    browser.ensureCursorVisible()
    qtbot.mouseClick(browser.viewport(), Qt.MouseButton.LeftButton, pos=browser.cursorRect(cursor).center())


# -- groups, amounts, units -----------------------------------------------------------------------

def test_eligible_pv_project_is_under_keshenqing_with_its_amount(view, engine):
    ev = engine.evaluate(profile(pv_project()), AS_OF)
    assert ev.result(PV, "p1").status == ELIGIBLE
    view.set_evaluation(ev)
    model = view.model

    index = find_row(model, PV, "p1")
    assert index.parent() == model.group_index(ELIGIBLE)
    assert index.parent().data().startswith("可申请（")
    assert index.data(RESULT_ROLE) is ev.result(PV, "p1")
    assert index.data(STATUS_ROLE) == ELIGIBLE
    assert index.data(MEASURE_ID_ROLE) == PV and index.data(PROJECT_ID_ROLE) == "p1"
    assert row_text(index, COL_TITLE) == "分布式光伏项目扶持"
    assert row_text(index, COL_PROJECT) == "罗湖光伏一号"
    assert "22.5 万元" in row_text(index, COL_AMOUNT)

    view.set_money_unit("yuan")
    assert "225,000 元" in row_text(find_row(model, PV, "p1"), COL_AMOUNT)
    assert format_money(ev.plan.total_max, unit="yuan") in view.summary.text()


def test_group_headers_count_their_rows_and_the_summary_agrees(view, engine):
    ev = engine.evaluate(profile(pv_project()), AS_OF)
    view.set_evaluation(ev)
    model = view.model
    assert model.group_keys() == [ELIGIBLE, NEEDS_INFO, INELIGIBLE, NOT_IN_FORCE, STATEMENT]
    total = 0
    for key in model.group_keys():
        rows = children(model, key)
        total += len(rows)
        header = model.group_index(key).data()
        assert header.endswith(f"（{len(rows)} 项）"), header
        assert all(r.data(GROUP_ROLE) == key for r in rows)
    assert total == len(ev.results) + len(ev.statements)
    summary = view.summary.text()
    assert f"可申请 {model.count(ELIGIBLE)} 项" in summary
    assert f"需补充信息 {model.count(NEEDS_INFO)} 项" in summary
    assert "推荐组合已知最高额合计 22.5 万元" in summary


def test_policy_statements_are_apart_and_collapsed(view, engine):
    view.set_evaluation(engine.evaluate(profile(pv_project()), AS_OF))
    model = view.model
    statements = children(model, STATEMENT)
    assert statements, "the catalog has statements (targets, tasks, principles)"
    assert model.group_index(STATEMENT).data().startswith("政策信息（")
    for index in statements:
        r = index.data(RESULT_ROLE)
        assert r.status == STATEMENT and r.measure["role"] == "statement"
        assert row_text(index, COL_AMOUNT) == "" and row_text(index, COL_PROJECT) == ""
    for key in (ELIGIBLE, NEEDS_INFO, INELIGIBLE, NOT_IN_FORCE):
        assert all(i.data(RESULT_ROLE).measure["role"] == "support" for i in children(model, key))
    assert not view.tree.isExpanded(model.group_index(STATEMENT))
    assert view.tree.isExpanded(model.group_index(ELIGIBLE))
    assert view.tree.isExpanded(model.group_index(NEEDS_INFO))
    view.select(statements[0].data(MEASURE_ID_ROLE), None)
    assert "没有可申请的事项" in view.detail.toPlainText()


def test_not_in_force_results_have_their_own_group_with_the_end_date(view, engine):
    later = dt.date(2026, 6, 30)            # 罗湖 (to 2025-12-31) and the 2022 city package have ended
    ev = engine.evaluate(profile(pv_project()), later)
    view.set_evaluation(ev)
    model = view.model
    expired = children(model, NOT_IN_FORCE)
    assert len(expired) == sum(r.status == NOT_IN_FORCE for r in ev.results) > 0
    assert model.group_index(NOT_IN_FORCE).data().startswith("已失效或未生效（")
    for index in expired:
        assert index.data(STATUS_ROLE) == NOT_IN_FORCE
        r = index.data(RESULT_ROLE)
        end = r.measure.get("valid_to") or r.document["valid_to"]
        assert end < later.isoformat()
        y, m, d = (int(x) for x in end.split("-"))
        if r.matched_until is not None:      # met every condition on its last day: said first
            assert row_text(index, COL_NOTES) == f"符合申请条件，但已于 {y}年{m}月{d}日 到期"
        else:
            assert row_text(index, COL_NOTES) == f"有效期至 {y}年{m}月{d}日，已失效"
    matched = [i.data(RESULT_ROLE).matched_until is not None for i in expired]
    assert matched[0] and matched == sorted(matched, reverse=True)
    assert [i.data(RESULT_ROLE).measure_id for i in expired if i.data(RESULT_ROLE).matched_until] == [
        "lh-glc-2024/7.1"]
    for key in (ELIGIBLE, NEEDS_INFO, INELIGIBLE, STATEMENT):
        assert all(i.data(STATUS_ROLE) != NOT_IN_FORCE for i in children(model, key))

    first = expired[0].data(RESULT_ROLE)
    view.select(first.measure_id, first.project_id)
    assert "符合申请条件，但已于 2025年12月31日 到期" in view.detail.toPlainText()
    unmatched = next(i.data(RESULT_ROLE) for i in expired if i.data(RESULT_ROLE).matched_until is None)
    view.select(unmatched.measure_id, unmatched.project_id)
    assert "已失效" in view.detail.toPlainText()


def test_not_yet_in_force_says_when_it_begins(engine):
    ev = engine.evaluate(profile(), dt.date(2022, 1, 1))    # before 罗湖 (2024) and the city (2022-12)
    model = ResultsModel()
    model.set_evaluation(ev, "wan")
    notes = [row_text(i, COL_NOTES) for i in children(model, NOT_IN_FORCE)
             if i.data(MEASURE_ID_ROLE) == "lh-glc-2024/1"]
    assert notes == ["自 2024年4月29日 起施行，尚未生效"]


# -- the detail ----------------------------------------------------------------------------------

def test_needs_info_lists_the_missing_fact_and_clicking_it_asks_for_the_field(view, engine, qtbot):
    ev = engine.evaluate(profile(pv_project(generation_kwh=None)), AS_OF)
    r = ev.result(PV, "p1")
    assert r.status == NEEDS_INFO and r.missing == ["project.generation_kwh.2024"]
    view.set_evaluation(ev)
    index = find_row(view.model, PV, "p1")
    assert index.parent() == view.model.group_index(NEEDS_INFO)
    assert "需补充 1 项信息" in row_text(index, COL_NOTES)

    assert view.select(PV, "p1")
    text = view.detail.toPlainText()
    assert "需补充以下信息" in text
    assert "2024 年实际发电量（千瓦时）" in text
    assert "project.generation_kwh" not in text      # the user reads words, not paths
    with qtbot.waitSignal(view.missingFieldRequested, timeout=1000) as blocker:
        click_text(qtbot, view.detail, "2024 年实际发电量（千瓦时）")
    assert blocker.args == ["project.generation_kwh.2024", "p1"]


def test_enter_on_a_needs_info_row_jumps_to_its_first_missing_field(view, engine, qtbot):
    ev = engine.evaluate(profile(pv_project(generation_kwh=None, capacity_kw=None)), AS_OF)
    r = ev.result(PV, "p1")
    assert r.status == NEEDS_INFO and r.missing[0] == "project.capacity_kw"
    view.set_evaluation(ev)
    view.select(PV, "p1")
    assert view.focusProxy() is view.tree         # the tree comes first for the keyboard
    with qtbot.waitSignal(view.missingFieldRequested, timeout=1000) as blocker:
        qtbot.keyClick(view.tree, Qt.Key.Key_Return)
    assert blocker.args == ["project.capacity_kw", "p1"]


def test_enter_on_a_group_toggles_it_and_on_another_result_asks_for_the_measure(view, engine, qtbot):
    view.set_evaluation(engine.evaluate(profile(pv_project()), AS_OF))
    group = view.model.group_index(STATEMENT)
    view.tree.setCurrentIndex(group)
    qtbot.keyClick(view.tree, Qt.Key.Key_Return)
    assert view.tree.isExpanded(group)
    view.select(PV, "p1")
    with qtbot.waitSignal(view.measureRequested, timeout=1000) as blocker:
        qtbot.keyClick(view.tree, Qt.Key.Key_Return)
    assert blocker.args == [PV]
    with qtbot.waitSignal(view.measureRequested, timeout=1000) as blocker:
        click_text(qtbot, view.detail, "查看政策原文")
    assert blocker.args == [PV]


def test_detail_shows_citation_status_amount_criteria_and_conflicts(view, engine):
    ev = engine.evaluate(profile(pv_project()), AS_OF)
    view.set_evaluation(ev)
    view.select(PV, "p1")
    text = view.detail.toPlainText()
    assert "分布式光伏项目扶持" in text
    assert "罗湖区十条措施 第七条（一）" in text
    assert "项目：罗湖光伏一号（p1）" in text
    assert "状态：✓ 可申请" in text
    assert "金额：最高 22.5 万元" in text
    assert "✓\n装机容量验收规模 500 千瓦，达到 300 千瓦及以上" in text  # mark cell, text cell
    assert "不能同时享受：鼓励可再生能源发展（薄膜光伏示范项目发电补贴）" in text
    assert "已选入推荐组合" in text
    assert "需主管部门认定" in text          # the measure's vague points

    view.select(CITY_THIN_FILM, "p1")      # conventional PV: the city thin-film subsidy fails
    text = view.detail.toPlainText()
    assert "状态：✗ 不符合" in text
    assert "✗\n薄膜光伏项目：常规光伏，须为薄膜光伏" in text
    assert "金额：" not in text


def test_gap_hints_for_an_ineligible_result(view, engine):
    ev = engine.evaluate(profile(pv_project(capacity_kw=250)), AS_OF)
    r = ev.result(PV, "p1")
    assert r.status == INELIGIBLE and r.gaps
    view.set_evaluation(ev)
    index = find_row(view.model, PV, "p1")
    assert row_text(index, COL_NOTES).startswith(f"差距：{r.gaps[0]}")
    view.select(PV, "p1")
    text = view.detail.toPlainText()
    assert f"差距：{r.gaps[0]}" in text
    assert "✗\n装机容量验收规模 250 千瓦" in text


def test_discretionary_is_said_plainly(view, engine):
    company = profile()
    company["company"]["business_lines"] = ["carbon_service"]     # （十一）评选优质碳管理服务商
    ev = engine.evaluate(company, AS_OF)
    discretionary = [r for r in ev.results if r.discretionary and r.status == ELIGIBLE]
    assert discretionary
    r = discretionary[0]
    view.set_evaluation(ev)
    assert "评审制" in row_text(find_row(view.model, r.measure_id, None), COL_NOTES)
    view.select(r.measure_id, None)
    assert "评审制：须经评审择优，不是符合条件即可获得" in view.detail.toPlainText()


def test_missing_labels_keep_year_and_list_position():
    assert missing_label("project.generation_kwh.2024") == "2024 年实际发电量（千瓦时）"
    assert missing_label("company.years.2023.revenue") == "2023 年营收（元）"
    assert missing_label("project.capacity_kw") == "装机容量（千瓦）"
    assert (missing_label("company.standards[1].published_on")
            == "主导或参与制定、修订的标准第 2 项的标准发布日期")
    assert missing_label("company.no_such_fact") == "company.no_such_fact"


# -- the plan ------------------------------------------------------------------------------------

def test_plan_shows_total_and_what_was_given_up_and_why(view, engine):
    thin = pv_project(capacity_kw=2500, pv_technology="thin_film", grid_connected_on="2024-01-01",
                      generation_kwh={"2024": 3000000}, declarations={"thin_film_pv_demo": True})
    ev = engine.evaluate(profile(thin), AS_OF)
    assert ev.result(PV, "p1").conflicts_with == [CITY_THIN_FILM]
    [given_up] = [g for g in ev.plan.given_up if g.measure_id == PV]
    view.set_evaluation(ev)
    text = view.plan.toPlainText()
    assert "已知最高额合计 120 万元" in text
    assert "鼓励可再生能源发展（薄膜光伏示范项目发电补贴）［项目 罗湖光伏一号］" in text
    assert "最高 120 万元" in text
    assert "未选入的措施" in text
    assert "✗" in text and "分布式光伏项目扶持［项目 罗湖光伏一号］" in text
    # GivenUp.reason, with the rival's id written as its title
    assert ("与 深圳市绿色低碳产业若干措施 （十二）（鼓励可再生能源发展（薄膜光伏示范项目发电补贴）） "
            "不能同时享受（“该项补贴不与市级补贴叠加享受”）") in text
    assert "所选措施的已知最高额合计 120 万元 高于本项" in text
    assert given_up.reason.split("；")[-1] in text
    assert "一切以政策原文和官方申报指南为准" in text
    assert "最高额" in text
    assert "推荐组合已知最高额合计 120 万元" in view.summary.text()

    # The given-up result says so in the tree and in its detail.
    assert "未选入推荐组合" in row_text(find_row(view.model, PV, "p1"), COL_NOTES)
    view.select(PV, "p1")
    rival = "深圳市绿色低碳产业若干措施 （十二）（鼓励可再生能源发展"
    assert f"未选入推荐组合：与 {rival}" in view.detail.toPlainText()


def test_plan_notes_are_listed(view, engine):
    ev = engine.evaluate(profile(pv_project(generation_kwh=None)), AS_OF)
    assert ev.plan.notes
    view.set_evaluation(ev)
    assert ev.plan.notes[-1] in view.plan.toPlainText()


def test_clicking_a_plan_item_selects_its_result(view, engine, qtbot):
    view.set_evaluation(engine.evaluate(profile(pv_project()), AS_OF))
    view.tabs.setCurrentWidget(view.plan)
    click_text(qtbot, view.plan, "分布式光伏项目扶持［项目 罗湖光伏一号］")
    assert view.current_result().measure_id == PV
    assert view.tabs.currentWidget() is view.detail


# -- updates keep the user's place ---------------------------------------------------------------

def test_selection_and_expanded_groups_survive_a_new_evaluation(view, engine):
    view.set_evaluation(engine.evaluate(profile(pv_project()), AS_OF))
    model = view.model
    view.select(PV, "p1")
    view.tree.collapse(model.group_index(INELIGIBLE))
    view.tree.expand(model.group_index(STATEMENT))

    more = pv_project(generation_kwh={"2024": 1000000})
    view.set_evaluation(engine.evaluate(profile(more), AS_OF))
    current = view.tree.currentIndex()
    assert (current.data(MEASURE_ID_ROLE), current.data(PROJECT_ID_ROLE)) == (PV, "p1")
    assert view.tree.selectionModel().isSelected(current)
    assert "金额：最高 25 万元" in view.detail.toPlainText()      # the new evaluation's detail
    assert not view.tree.isExpanded(model.group_index(INELIGIBLE))
    assert view.tree.isExpanded(model.group_index(STATEMENT))
    assert view.tree.isExpanded(model.group_index(ELIGIBLE))

    # The result moves to another group: the selection follows it.
    view.set_evaluation(engine.evaluate(profile(pv_project(generation_kwh=None)), AS_OF))
    current = view.tree.currentIndex()
    assert current.data(MEASURE_ID_ROLE) == PV and current.data(STATUS_ROLE) == NEEDS_INFO

    # The result is gone (project removed): nothing is selected, the detail says what to do.
    view.set_evaluation(engine.evaluate(profile(), AS_OF))
    assert not view.tree.currentIndex().isValid()
    assert "在列表中选择一项" in view.detail.toPlainText()


def test_no_evaluation_yet(view):
    view.set_evaluation(None)
    assert view.model.rowCount(QModelIndex()) == 0
    assert "尚未检查" in view.summary.text()


# -- languages -----------------------------------------------------------------------------------

def test_traditional_converts_policy_text_but_never_the_project_name(view, engine):
    ev = engine.evaluate(profile(pv_project()), AS_OF)
    view.set_evaluation(ev)
    view.select(PV, "p1")
    title = ev.result(PV, "p1").measure["title"]
    hant_title = convert_policy_text(title, "zh-Hant")
    assert hant_title != title
    try:
        i18n.set_language("zh-Hant")         # the view listens: no call needed
        index = find_row(view.model, PV, "p1")
        assert row_text(index, COL_TITLE) == hant_title
        assert row_text(index, COL_PROJECT) == "罗湖光伏一号"
        assert index.parent().data().startswith("可申請（")
        assert "22.5 萬元" in row_text(index, COL_AMOUNT)
        detail = view.detail.toPlainText()
        assert hant_title in detail
        assert "羅湖區十條措施 第七條（一）" in detail        # the clause citation, converted
        assert "罗湖光伏一号" in detail and "羅湖光伏一號" not in detail
        plan = view.plan.toPlainText()
        assert "罗湖光伏一号" in plan and "羅湖光伏一號" not in plan
        assert view.tabs.tabText(1) == "推薦組合"
        assert view.model.headerData(COL_AMOUNT, Qt.Orientation.Horizontal) == "金額"
    finally:
        i18n.set_language("zh-Hans")
    assert row_text(find_row(view.model, PV, "p1"), COL_TITLE) == title
    assert view.tabs.tabText(1) == "推荐组合"


# -- layout --------------------------------------------------------------------------------------

def test_narrow_panel_stacks_the_detail_under_the_tree(view, qtbot):
    assert view.splitter.orientation() == Qt.Orientation.Horizontal
    view.resize(500, 700)
    qtbot.waitUntil(lambda: view.splitter.orientation() == Qt.Orientation.Vertical, timeout=1000)
    view.resize(1400, 700)
    qtbot.waitUntil(lambda: view.splitter.orientation() == Qt.Orientation.Horizontal, timeout=1000)


def test_portrait_screen_stacks_the_detail_under_the_tree(view, qtbot):
    # The kiosk's portrait 1080×1920: side by side the titles were cut to three characters.
    view.resize(1400, 700)
    qtbot.waitUntil(lambda: view.splitter.orientation() == Qt.Orientation.Horizontal, timeout=1000)
    view.resize(1400, 2000)
    qtbot.waitUntil(lambda: view.splitter.orientation() == Qt.Orientation.Vertical, timeout=1000)


def test_the_trees_larger_font_decides_when_to_stack(view, qtbot):
    # The kiosk enlarges the tree's font by style sheet; the view's own font stays small.
    view.resize(1400, 700)
    qtbot.waitUntil(lambda: view.splitter.orientation() == Qt.Orientation.Horizontal, timeout=1000)
    view.tree.setStyleSheet("font-size: 24px;")
    view.resize(1399, 700)
    qtbot.waitUntil(lambda: view.splitter.orientation() == Qt.Orientation.Vertical, timeout=1000)


def test_screenshot_renders(view, engine, tmp_path):
    view.set_evaluation(engine.evaluate(profile(pv_project()), AS_OF))
    view.select(PV, "p1")
    image = view.grab()
    assert image.width() == 1100 and image.height() == 700
    assert image.save(str(tmp_path / "results.png"))
