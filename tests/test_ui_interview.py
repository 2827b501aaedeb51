"""The guided interview pane in the main window: steps, shared inputs, skipping, review, results."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QDate

from core.profile_store import ProfileStore
from core.settings import Settings
from tests.dialogs import close_main_window, refuse_modal_dialogs


@pytest.fixture(autouse=True)
def no_unexpected_dialogs(monkeypatch):
    refuse_modal_dialogs(monkeypatch, ("ui.main_window",))


@pytest.fixture()
def window(qtbot, bundled_db, tmp_path):
    from ui.main_window import MainWindow
    store = ProfileStore(tmp_path / "profiles.db")
    w = MainWindow(bundled_db, Settings(tmp_path / "settings.json"), store)
    w.resize(1366, 768)
    w.show()
    w.as_of_edit.setDate(QDate(2025, 6, 30))
    w.interview.show_step()
    yield w
    close_main_window(w, store)


def editor(page, path, project_id=None):
    return next(e for e in page.editors if e.spec.path == path
                and (project_id is None or e.subject.data.get("id") == project_id))


def test_a_first_time_user_walks_from_nothing_to_the_checklist(window, qtbot):
    page = window.interview
    assert window.modes.currentWidget() is page            # guided by default
    assert page.interview.step == "identity"
    assert {e.spec.path for e in page.editors} == {"company.name", "company.uscc",
                                                   "company.district", "company.entity_type"}
    editor(page, "company.name").slots[0].widget.setText("罗湖光伏科技有限公司")
    # the guided input and the full form's are one field
    assert window.form.field_widget("company.name").text() == "罗湖光伏科技有限公司"
    district = editor(page, "company.district").slots[0].widget
    district.setCurrentIndex(district.findText("罗湖区"))
    entity = editor(page, "company.entity_type").slots[0].widget
    entity.setCurrentIndex(entity.findText("企业"))
    assert window.form.profile()["company"]["district"] == "luohu"

    page.forward()                                           # 项目
    assert page.interview.step == "projects"
    page._add_project()
    kind = editor(page, "project.type").slots[0].widget
    kind.setCurrentIndex(kind.findText("分布式光伏"))
    project = window.form.profile()["projects"][0]
    assert project["type"] == "distributed_pv" and project["district"] == "luohu"   # the company's

    page.forward()                                           # 问题
    assert page.interview.step == "questions" and page.shown_questions
    before = page.interview.remaining(page.evaluation)
    assert f"约 {before} 个" in page.progress_label.text()
    # the questions are the facts that decide the most open supports, with the clauses asking
    first = page.shown_questions[0]
    assert first.decides >= page.shown_questions[-1].decides
    box_texts = " ".join(lbl.text() for lbl in page.scroll.widget().findChildren(type(page.step_label)))
    assert "为什么问" in box_texts

    # answer the PV project's questions through the guided inputs, skipping the rest
    answers = {"project.capacity_kw": "800", "project.generation_kwh.{year}": "900000"}
    for _round in range(40):
        shown = {q.path: q for q in page.shown_questions}
        for path, value in answers.items():
            if path in shown:
                slots = editor(page, path, shown[path].project_id).slots
                slots[0].widget.setText(value)
        for path, choice in (("project.property", "社会物业"), ("project.pv_technology", "常规光伏")):
            if path in shown:
                combo = editor(page, path, "p1").slots[0].widget
                combo.setCurrentIndex(combo.findText(choice))
        if "project.grid_connected_on" in shown:
            editor(page, "project.grid_connected_on", "p1").slots[0].widget.setText("2024-03-01")
        if "company.supports_received" in shown:
            editor(page, "company.supports_received").slots[0].widget.none_box.setChecked(True)
        page.forward()
        if page.interview.step != "questions":
            break
    assert page.interview.step == "review"
    reviewed = {(e.subject.data.get("id"), e.spec.path) for e in page.editors}
    assert (None, "company.name") in reviewed and ("p1", "project.capacity_kw") in reviewed
    assert page.interview.skipped                               # what was passed over is counted

    page.forward()                                              # 结果
    assert page.interview.step == "results"
    r = window.evaluation.result("lh-glc-2024/7.1", "p1")
    assert r.status == "eligible" and r.amount_max == 225000
    printed = []
    window.show_checklist = lambda: printed.append(True)
    page.printRequested.disconnect()
    page.printRequested.connect(window.show_checklist)
    next(b for b in page.result_buttons if "清单" in b.text()).click()
    assert printed


def test_skipping_a_question_moves_on_and_it_can_be_asked_again(window):
    page = window.interview
    window._set_form({"format": "greenmeasures.profile/1", "company": {
        "name": "甲", "uscc": "91440300MA5FXXXX0U", "district": "futian", "entity_type": "enterprise"}})
    page.go("questions")
    first = page.shown_questions[0]
    page.skip_question(first)
    assert first.key not in {q.key for q in page.shown_questions}
    page.go("review")
    page._answer_skipped()
    assert page.interview.step == "questions" and not page.interview.skipped
    assert first.key in {q.key for q in page.shown_questions}


def test_an_edit_in_the_full_form_shows_in_the_guided_input(window):
    page = window.interview
    window.form.field_widget("company.name").setText("乙公司")
    assert editor(page, "company.name").slots[0].widget.text() == "乙公司"


def test_opening_another_profile_starts_the_walk_again(window):
    page = window.interview
    page.go("review")
    window.new_profile()
    assert page.interview.step == "identity"
    assert all(e.alive for e in page.editors) and editor(page, "company.name").slots[0].widget.text() == ""


def test_the_guided_pane_follows_the_language(window):
    from core.i18n import set_language
    set_language("zh-Hant-TW")
    try:
        assert window.interview.step_label.text() == "第 1 步，共 5 步：基本資訊"
        assert window.modes.tabText(0) == "引導填寫"
        assert "企業名稱" in [e.label.text() for e in window.interview.editors]
    finally:
        set_language("zh-Hans")
