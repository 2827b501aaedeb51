"""The main window: live results, files, drafts, language, closing — driven offscreen."""
from __future__ import annotations

import datetime as dt
import json

import pytest
import shiboken6
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox

from core.i18n import set_language
from core.profile import load_profile
from core.profile_store import ProfileStore
from core.settings import Settings
from tests.dialogs import close_main_window, refuse_modal_dialogs

PROFILE = {
    "format": "greenmeasures.profile/1",
    "company": {"name": "深圳市罗湖示例科技有限公司", "district": "luohu", "supports_received": []},
    "projects": [{"id": "p1", "name": "罗湖光伏一号", "type": "distributed_pv", "district": "luohu",
                  "property": "social", "capacity_kw": 800, "pv_technology": "conventional",
                  "grid_connected_on": "2024-03-01", "generation_kwh": {"2024": 900000}}],
}


@pytest.fixture(autouse=True)
def no_unexpected_dialogs(monkeypatch):
    """A modal dialog would block the test run; a test that expects one replaces these."""
    refuse_modal_dialogs(monkeypatch, ("ui.main_window",))


@pytest.fixture()
def window(qtbot, bundled_db, tmp_path):
    from ui.main_window import MainWindow
    settings = Settings(tmp_path / "settings.json")
    store = ProfileStore(tmp_path / "profiles.db")
    w = MainWindow(bundled_db, settings, store)
    w.show()          # closed below, not by qtbot: its close would meet the unsaved-changes question
    w.as_of_edit.setDate(QDate(2025, 6, 30))
    yield w
    close_main_window(w, store)


def result(w, measure_id, project_id=None):
    for r in w.evaluation.results:
        if r.measure_id == measure_id and r.project_id == project_id:
            return r
    return None


def test_status_line_names_database_and_date(window, bundled_db):
    text = window.status_label.text()
    assert bundled_db.version in text and "2025-06-30" in text


def test_results_follow_the_profile_and_the_date(window, qtbot):
    window.form.set_profile(PROFILE)
    window.form.changed.emit()
    qtbot.waitUntil(lambda: getattr(result(window, "lh-glc-2024/7.1", "p1"), "status", None) == "eligible")
    assert result(window, "lh-glc-2024/7.1", "p1").amount_max == 225000
    window.as_of_edit.setDate(QDate(2026, 1, 1))
    assert window.evaluation.as_of == dt.date(2026, 1, 1)
    assert result(window, "lh-glc-2024/7.1", "p1").status == "not_in_force"


def test_save_and_reopen_round_trips_exactly(window, tmp_path, monkeypatch):
    window.form.set_profile(PROFILE)
    target = tmp_path / "company.json"
    monkeypatch.setattr("PySide6.QtWidgets.QFileDialog.getSaveFileName", lambda *a, **k: (str(target), ""))
    assert window.save_as()
    # the as-of date is saved with the profile (issue 16 item 4) ...
    assert load_profile(target) == {**window.form.profile(), "as_of": "2025-06-30"}
    assert not window.dirty and window.windowTitle().startswith("company.json")
    window.new_profile()
    window.as_of_edit.setDate(QDate(2026, 12, 3))
    assert window.form.profile()["projects"] == []
    assert window.open_profile(str(target))
    assert window.form.profile() == load_profile(target)
    assert [e.path for e in window.store.recent()] == [str(target.resolve())]
    # ... and restored on open
    assert window.as_of == dt.date(2025, 6, 30) and window.evaluation.as_of == dt.date(2025, 6, 30)


def test_the_save_dialog_suggests_company_and_date(window, tmp_path, monkeypatch):
    window.form.set_profile({**PROFILE, "company": {**PROFILE["company"], "name": 'A/B:公司*?'}})
    offered = []
    monkeypatch.setattr("PySide6.QtWidgets.QFileDialog.getSaveFileName",
                        lambda parent, title, start, *a: offered.append(start) or ("", ""))
    assert not window.save_as()
    assert offered and offered[0].endswith("AB公司-2025-06-30.json")


def test_a_typed_as_of_date_is_taken_as_typed_or_refused_visibly(window, qtbot):
    """Issue 16: typing 2025-06-30 over a QDateEdit's date gave 2026-06-30 with no warning."""
    from PySide6.QtTest import QTest
    edit = window.as_of_edit.edit
    window.as_of_edit.setDate(QDate(2026, 12, 3))
    edit.selectAll()
    QTest.keyClicks(edit, "2025-06-30")
    QTest.keyClick(edit, Qt.Key.Key_Return)
    assert window.as_of == dt.date(2025, 6, 30) and window.evaluation.as_of == dt.date(2025, 6, 30)
    for typed in ("2025-02-30", "2025-6-30", "2024-W01-1", "30/06/2025"):
        edit.selectAll()
        QTest.keyClicks(edit, typed)
        QTest.keyClick(edit, Qt.Key.Key_Return)
        assert window.as_of == dt.date(2025, 6, 30), typed          # refused: the date in use stays
        assert edit.property("problem") is True or "YYYY-MM-DD" in edit.toolTip()
        assert "YYYY-MM-DD" in window.statusBar().currentMessage()
    window.as_of_edit.setDate(QDate(2025, 7, 1))                   # a good date clears the mark
    assert "YYYY-MM-DD" not in edit.toolTip()


def test_the_traditional_title_names_the_application_once(window):
    from PySide6.QtGui import QGuiApplication
    set_language("zh-Hant")
    assert window.windowTitle().endswith("— 綠策通")
    assert QGuiApplication.applicationDisplayName() == "綠策通"      # Qt adds nothing more


def test_first_window_size_follows_the_screen():
    from PySide6.QtCore import QSize

    from ui.main_window import window_size_for
    assert window_size_for(QSize(1366, 728)) == QSize(1366, 728)        # laptop: all of it
    assert window_size_for(QSize(1280, 680)) == QSize(1280, 680)        # 1920×1080 at 150%
    big = window_size_for(QSize(2560, 1400))
    assert big.width() < 2560 and big.height() < 1400 and big.width() >= 1280


def test_a_saved_size_larger_than_the_screen_is_cut_to_it(window, tmp_path):
    screen = window.screen().availableGeometry()
    window.resize(screen.width() + 600, screen.height() + 400)
    window.place_on_screen(bytes(window.saveGeometry()))
    frame = window.frameGeometry()
    assert frame.width() <= screen.width() and frame.height() <= screen.height()
    assert screen.contains(frame.topLeft())


def test_splitters_remember_their_place(window, bundled_db, tmp_path):
    from ui.main_window import MainWindow
    window.resize(1300, 760)
    window.work.setSizes([400, 900])
    sizes = window.work.sizes()
    window.close()
    again = MainWindow(bundled_db, window.settings, window.store)
    again.resize(1300, 760)
    again.show()
    try:
        assert again.work.sizes() == sizes
    finally:
        again.dirty = False
        again.close()
        shiboken6.delete(again)


def test_invalid_file_is_refused_and_nothing_changes(window, tmp_path, monkeypatch):
    window.form.set_profile(PROFILE)
    before = window.form.profile()
    bad = tmp_path / "bad.json"
    broken = json.loads(json.dumps(PROFILE))
    broken["projects"][0]["capacity_kw"] = -5
    bad.write_text(json.dumps(broken, ensure_ascii=False), encoding="utf-8")
    shown = []
    monkeypatch.setattr(QMessageBox, "exec",
                        lambda box: shown.append(box.text()) or QMessageBox.StandardButton.Ok)
    assert not window.open_profile(str(bad))
    assert shown and "projects[0].capacity_kw" in shown[0]
    assert window.form.profile() == before


def test_closing_with_unsaved_changes_asks(window, monkeypatch):
    window.form.set_profile(PROFILE)
    window.form.changed.emit()
    asked = []
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: asked.append(a) or QMessageBox.StandardButton.Cancel)
    assert not window.close()
    assert asked and window.isVisible()


def test_autosave_keeps_a_draft_that_can_be_restored(window):
    window.form.set_profile(PROFILE)
    window.form.changed.emit()
    window.autosave()
    drafts = window.store.drafts()
    assert len(drafts) == 1 and drafts[0].company_name == "深圳市罗湖示例科技有限公司"
    window.dirty = False
    window.new_profile()
    window.restore_draft(drafts[0].id)
    assert window.form.profile() == window.store.load_draft(drafts[0].id)
    assert window.dirty        # a restored draft is not saved yet


def test_language_switch_retranslates_without_restart(window):
    window.change_language("zh-Hant")
    assert window.tabs.tabText(1) == "措施瀏覽"
    assert window.file_menu.title().startswith("文件")
    assert window.settings.get("language") == "zh-Hant"
    window.change_language("zh-Hans")
    assert window.tabs.tabText(1) == "措施浏览"


def test_missing_fact_jumps_to_the_form(window):
    profile = json.loads(json.dumps(PROFILE))
    del profile["projects"][0]["capacity_kw"]
    window.form.set_profile(profile)
    window.evaluate()
    window.tabs.setCurrentIndex(1)
    window.results.missingFieldRequested.emit("project.capacity_kw", "p1")
    assert window.tabs.currentIndex() == 0


def test_an_engine_failure_is_told_in_the_status_bar_not_raised(window, monkeypatch, caplog):
    """The window evaluates through its session (ui/session.py): a value the engine cannot compute
    is logged and told in one line; the last results stay on screen and no traceback escapes."""
    window.form.set_profile(json.loads(json.dumps(PROFILE)))
    window.evaluate()
    shown = window.results.model.rowCount()
    assert window.evaluation is not None and shown > 0

    def broken(*_args, **_kwargs):
        raise ArithmeticError("decimal.InvalidOperation")
    monkeypatch.setattr(window.engine, "evaluate", broken)
    window.evaluate()
    assert window.evaluation is None and "无法计算结果" in window.statusBar().currentMessage()
    assert window.results.model.rowCount() == shown and "evaluation failed" in caplog.text


def test_the_as_of_date_is_the_sessions(window):
    window.as_of_edit.setDate(QDate(2025, 6, 30))
    assert window.as_of == window.session.as_of == dt.date(2025, 6, 30)
    assert window.evaluation.as_of == dt.date(2025, 6, 30) and window.form.as_of() == dt.date(2025, 6, 30)
    assert "2025-06-30" in window.status_label.text()


def test_qt_dialogs_are_translated(qapp):
    from ui.app import install_qt_translations
    try:
        install_qt_translations(qapp, "zh-Hans")
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        assert box.button(QDialogButtonBox.StandardButton.Cancel).text() == "取消"
    finally:
        for t in list(__import__("ui.app", fromlist=["_translators"])._translators):
            qapp.removeTranslator(t)


def test_geometry_is_remembered(window, tmp_path):
    window.resize(900, 640)
    window.dirty = False
    assert window.close()
    saved = Settings(tmp_path / "settings.json")
    assert saved.get("window_geometry")


def _choose(combo, label):
    index = combo.findText(label)
    assert index >= 0, label
    combo.setCurrentIndex(index)


def test_a_new_user_fills_a_company_and_a_pv_project_and_sees_results(window, qtbot):
    """The issue's 'done when': through the widgets only, results and the plan follow."""
    form = window.form
    form.field_widget("company.name").insert("深圳市罗湖示例科技有限公司")
    _choose(form.field_widget("company.district"), "罗湖区")
    form.add_project_button.click()
    _choose(form.field_widget("project.type"), "分布式光伏")
    form.field_widget("project.name").insert("罗湖光伏一号")
    _choose(form.field_widget("project.district"), "罗湖区")
    _choose(form.field_widget("project.property"), "社会物业")
    form.field_widget("project.capacity_kw").setText("250")
    form.field_widget("project.grid_connected_on").setText("2024-03-01")
    _choose(form.field_widget("project.pv_technology"), "常规光伏")

    # 250 kW: below the 300 kW line, with the distance to it.
    qtbot.waitUntil(lambda: getattr(result(window, "lh-glc-2024/7.1", "p1"), "status", None) == "ineligible")
    pv = result(window, "lh-glc-2024/7.1", "p1")
    assert any("再增加 50 千瓦" in g for g in pv.gaps)
    model = window.results.model
    assert "再增加 50 千瓦" in model.data(model.index_for("lh-glc-2024/7.1", "p1").siblingAtColumn(3))

    # 800 kW but last year's generation unknown, and whether the project was paid before (每个项目
    # 支持期限为 1 年): needs both, and says which fields.
    form.field_widget("project.capacity_kw").setText("800")
    qtbot.waitUntil(lambda: result(window, "lh-glc-2024/7.1", "p1").status == "needs_info")
    assert set(result(window, "lh-glc-2024/7.1", "p1").missing) == {
        "project.generation_kwh.2024", "company.supports_received"}

    form.field_widget("project.generation_kwh.2024").setText("900000")
    qtbot.waitUntil(lambda: result(window, "lh-glc-2024/7.1", "p1").missing == ["company.supports_received"])
    assert result(window, "lh-glc-2024/7.1", "p1").status == "needs_info"     # never assumed
    # 已获得的支持: the user answers "none" (没有), which is not the same as leaving it empty.
    form.field_widget("company.supports_received").none_box.setChecked(True)
    qtbot.waitUntil(lambda: result(window, "lh-glc-2024/7.1", "p1").status == "eligible")
    assert result(window, "lh-glc-2024/7.1", "p1").amount_max == 225000
    assert any(i.measure_id == "lh-glc-2024/7.1" and i.amount_max == 225000
               for i in window.evaluation.plan.selected)
    assert "22.5 万元" in window.results.plan.toPlainText()


def test_ctrl_p_opens_the_checklist_for_the_profile_as_it_is(window, qtbot):
    from PySide6.QtGui import QKeySequence

    from ui.tasks import wait_idle
    window._load(json.loads(json.dumps(PROFILE)), None)
    assert window.print_action.isEnabled()
    assert window.print_action.shortcut() == QKeySequence(QKeySequence.StandardKey.Print)
    window.print_action.trigger()
    dialog = window.checklist_dialog
    assert dialog is not None and dialog.isVisible()
    panel = dialog.panel
    qtbot.waitUntil(lambda: panel.rendered is not None and not panel.is_busy(), timeout=20000)
    planned = {(i.measure_id, i.project_id) for i in window.evaluation.plan.selected}
    assert set(panel.selection()) == planned and planned
    # every result one could apply for is offered, the typed project's PV subsidy among them
    offered = {panel.choices.item(i).data(Qt.ItemDataRole.UserRole + 1) for i in range(panel.choices.count())}
    assert planned <= offered and ("lh-glc-2024/7.1", "p1") in offered
    assert panel.profile["projects"][0]["name"] == "罗湖光伏一号"
    dialog.close()
    wait_idle()


@pytest.mark.parametrize("size", [(1366, 768), (911, 512)])
def test_the_full_form_fits_its_pane_on_a_laptop(window, qtbot, size):
    """At 1366×768, and at its logical size under 150% scaling (911×512), the full form's fields
    fit their pane: no sideways scrolling, the company name a real input (once it was 30 px wide,
    squeezed by a label column as wide as the longest condition sentence), labels wrapped within
    the column's cap."""
    from ui.widgets import LABEL_COLUMN_EM
    window.resize(*size)
    window.show_full_form()
    form = window.form
    scroll = form.company_scroll
    qtbot.waitUntil(lambda: scroll.viewport().width() < 640 and form.width_short() == 0, timeout=3000)
    qtbot.wait(50)
    assert not scroll.horizontalScrollBar().isVisible()
    editors = form._company_editors
    em = editors[0].label.fontMetrics().horizontalAdvance("汉")
    name = next(e for e in editors if e.spec.path == "company.name")
    assert name.slots[0].widget.width() >= 12 * em
    assert max(e.label.width() for e in editors) <= LABEL_COLUMN_EM * em + 4
    long_label = max(editors, key=lambda e: e.label.fontMetrics().horizontalAdvance(e.label.text()))
    assert long_label.label.height() > 2 * em        # wrapped onto more lines, not cut


@pytest.mark.parametrize(("size", "beside"), [((1366, 768), True), ((911, 512), False)])
def test_a_projects_fields_fit_their_pane_on_a_laptop(window, qtbot, size, beside):
    """A project's page fits too: beside the project list at 1366×768, below it at 150%
    (911×512 logical), where beside it the fields scrolled sideways; and every year of a yearly
    field is an input wide enough for 7 digits (the years after the first were 20 px wide)."""
    from ui.profile_form.editors import YEAR_INPUT_DIGITS
    window.resize(*size)
    window.form.set_profile(PROFILE)
    window.show_full_form()
    form = window.form
    form.tabs.setCurrentIndex(1)          # 项目
    wanted = Qt.Orientation.Horizontal if beside else Qt.Orientation.Vertical
    qtbot.waitUntil(lambda: form.project_scroll.isVisible()
                    and form.project_splitter.orientation() == wanted, timeout=3000)
    qtbot.wait(100)
    assert form.project_splitter.orientation() == wanted
    assert not form.project_scroll.horizontalScrollBar().isVisible()
    yearly = [s.widget for e in form._project_editors if e.spec.yearly for s in e.slots]
    assert len(yearly) >= 3
    digits = yearly[0].fontMetrics().horizontalAdvance("0" * YEAR_INPUT_DIGITS)
    assert min(w.width() for w in yearly) >= digits


def test_the_guided_review_fits_its_pane_at_150_percent(window, qtbot):
    """The guided review lists every answer, condition sentences among the labels: at the
    logical size of 1366×768 under 150% scaling it fits without scrolling sideways, its labels
    within the capped column. (Not with a yearly answer: three years with their units need more
    than the pane's 45 % there, a known limit, see the closing note of issue 18.)"""
    from ui.widgets import LABEL_COLUMN_EM
    window.resize(911, 512)
    company = {**PROFILE["company"], "entity_type": "enterprise", "independent_legal_person": True,
               "declarations": {"glc_discipline": True, "glc_new_exhibition": False}}
    window.form.set_profile({**PROFILE, "company": company, "projects": []})
    page = window.modes.widget(0)
    window.modes.setCurrentWidget(page)
    page.go("review")
    qtbot.waitUntil(lambda: page.scroll.isVisible() and page.width_short() == 0, timeout=3000)
    qtbot.wait(50)
    assert not page.scroll.horizontalScrollBar().isVisible()
    em = page.editors[0].label.fontMetrics().horizontalAdvance("汉")
    assert max(e.label.width() for e in page.editors) <= LABEL_COLUMN_EM * em + 4
