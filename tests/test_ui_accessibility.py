"""Issue 16 item 5: every input of the window is named by its label, Tab follows the screen, the
whole way from an empty profile to a saved file works with the keyboard alone, and the larger-text
setting scales the window."""
from __future__ import annotations

import re

import pytest
import shiboken6
from PySide6.QtCore import QDate, QPoint, QRect, Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QLineEdit,
    QScrollArea,
    QSplitter,
    QTabBar,
    QWidget,
)

from core.i18n import set_language
from core.profile import load_profile
from core.profile_store import ProfileStore
from core.settings import Settings
from tests.dialogs import close_main_window, refuse_modal_dialogs

USCC = "914403001922038216"      # a published code of a Shenzhen company (tests/test_profile.py)


@pytest.fixture(autouse=True)
def no_unexpected_dialogs(monkeypatch):
    refuse_modal_dialogs(monkeypatch, ("ui.main_window",))


@pytest.fixture()
def settings(tmp_path):
    return Settings(tmp_path / "settings.json")


@pytest.fixture()
def window(qtbot, bundled_db, settings, tmp_path):
    from ui.main_window import MainWindow
    from ui.text_size import apply_text_scale
    store = ProfileStore(tmp_path / "profiles.db")
    w = MainWindow(bundled_db, settings, store)
    w.resize(1366, 768)
    w.show()
    w.activateWindow()
    qtbot.waitExposed(w)
    w.form.ensure_built()
    w.results.ensure_built()
    w.show_full_form()            # these walk the full form; the guided pane has its own test
    w.modes.tabBar().setFocus()
    yield w
    if w.checklist_dialog is not None:
        panel = w.checklist_dialog.panel
        qtbot.waitUntil(lambda: not panel.is_busy(), timeout=20000)
    close_main_window(w, store)
    apply_text_scale(100)
    set_language("zh-Hans")


# -- names ------------------------------------------------------------------------------------------

def spoken_name(w: QWidget) -> str:
    """What a screen reader says for the widget: its accessible name; a button or a tab bar
    without one is read by its own text (Qt's accessibility does so), never a field's value."""
    if w.accessibleName():
        return w.accessibleName()
    if isinstance(w, QAbstractButton):
        return w.text()
    if isinstance(w, QTabBar):
        return w.tabText(w.currentIndex())
    return ""


def _value(w: QWidget) -> str:
    if isinstance(w, QLineEdit):
        return w.text()
    if isinstance(w, QComboBox):
        return w.currentText()
    return ""


def unnamed(root: QWidget) -> list[str]:
    """Every Tab-focusable widget of the window `root` whose name is empty, 未填写, a bare year,
    or its own value."""
    bad = []
    for w in root.findChildren(QWidget):
        if not w.focusPolicy() & Qt.FocusPolicy.TabFocus or w.focusProxy() is not None:
            continue
        if w.window() is not root:          # a combo's popup list is a window of its own
            continue
        name = spoken_name(w).strip()
        value = _value(w).strip()
        if (not name or name == "未填写" or re.fullmatch(r"\d{4} 年(（上一年度）)?", name)
                or (value and name == value)):
            bad.append(f"{type(w).__name__} {name!r} (value {value!r})")
    return bad


def with_everything_built(window, qtbot):
    """The form with a project of a type (its fields shown), a row in a list, the browser built."""
    form = window.form
    form.tabs.setCurrentIndex(1)
    form.add_project()
    type_combo = form.field_widget("project.type", form.current_project_id())
    type_combo.set_value("distributed_pv")
    table = form.field_widget("company.supports_received")
    form.tabs.setCurrentIndex(0)
    table.add_row()
    window.browser.ensure_built()
    qtbot.wait(10)


def test_every_input_of_the_window_has_its_label_as_its_name(window, qtbot):
    with_everything_built(window, qtbot)
    assert unnamed(window) == []
    form = window.form
    assert form.field_widget("company.name").accessibleName() == "企业名称"
    assert form.field_widget("company.years.2024.revenue").accessibleName() == "2024 年 营收（万元）"
    last = str(window.as_of.year - 1)
    assert form.field_widget(f"company.years.{last}.revenue").accessibleName() == \
        f"{last} 年（上一年度） 营收（万元）"
    table = form.field_widget("company.supports_received")
    assert table.table.accessibleName() == "已获得的支持"
    assert table.cell(0, table.columns[0].name).accessibleName().startswith("已获得的支持 第 1 行 ")
    assert window.as_of_edit.accessibleName() == "评估日期"
    assert window.browser.level_filter.accessibleName() == "按层级筛选"


def test_names_follow_the_money_unit_and_the_language(window, qtbot):
    window.unit_combo.setCurrentIndex(window.unit_combo.findData("yuan"))
    assert window.form.field_widget("company.years.2024.revenue").accessibleName() == "2024 年 营收（元）"
    set_language("zh-Hant-TW")
    assert window.form.field_widget("company.years.2024.revenue").accessibleName() == "2024 年 營收（元）"
    assert window.as_of_edit.accessibleName() == "評估日期"
    assert unnamed(window) == []


def test_the_checklist_window_names_every_input(window, qtbot):
    from tests.test_ui_main_window import PROFILE
    window.form.set_profile(PROFILE)
    window.show_checklist()
    dialog = window.checklist_dialog
    qtbot.waitUntil(lambda: dialog.panel.rendered is not None and not dialog.panel.is_busy(), timeout=20000)
    assert unnamed(dialog) == []
    assert dialog.panel.printer.accessibleName() == "打印机"


# -- Tab order ----------------------------------------------------------------------------------------

def _tab(qtbot, window, backwards: bool = False) -> QWidget:
    focus = QApplication.focusWidget() or window
    qtbot.keyClick(focus, Qt.Key.Key_Backtab if backwards else Qt.Key.Key_Tab,
                   Qt.KeyboardModifier.ShiftModifier if backwards else Qt.KeyboardModifier.NoModifier)
    return QApplication.focusWidget()


def _place(w: QWidget, window) -> tuple[QScrollArea | None, QRect]:
    """The widget's rectangle: inside the scrolled content of its scroll area, if it has one (the
    form scrolls as Tab moves, so window coordinates would jump), else in the window."""
    scroll = w.parentWidget()
    while scroll is not None and not isinstance(scroll, QScrollArea):
        scroll = scroll.parentWidget()
    if scroll is not None:
        return scroll, QRect(w.mapTo(scroll.widget(), QPoint(0, 0)), w.size())
    return None, QRect(w.mapTo(window, QPoint(0, 0)), w.size())


def _side(w: QWidget) -> QWidget:
    """The side of the window a widget sits in: the splitter's pane that holds it (the form
    beside the results), else the widget itself (the toolbar)."""
    side = w
    while side.parentWidget() is not None and not isinstance(side.parentWidget(), QSplitter):
        side = side.parentWidget()
    return side if side.parentWidget() is not None else w


def _follows(a: QRect, b: QRect) -> bool:
    """b comes after a in reading order: on a later line, or further right without being above."""
    tolerance = 4
    below = b.top() >= a.bottom() - tolerance or b.top() > a.top() + a.height() // 2
    right = b.left() >= a.left() + tolerance and b.top() >= a.top() - tolerance
    return below or right


def test_tab_reaches_the_company_name_first_and_follows_the_screen(window, qtbot):
    start = QApplication.focusWidget()
    stops = []
    for _ in range(3):
        stops.append(_tab(qtbot, window))
    assert window.form.field_widget("company.name") in stops

    window.as_of_edit.setFocus()
    cycle = [window.as_of_edit]
    for _ in range(500):
        w = _tab(qtbot, window)
        if w is window.as_of_edit or window.as_of_edit.isAncestorOf(w):
            if len(cycle) > 3:
                break
            continue                     # Tab walks the date's year, month and day first
        if w is not cycle[-1]:
            cycle.append(w)
    else:
        pytest.fail("Tab never came back to the as-of date")
    assert start in cycle and window.results.tree in cycle
    assert cycle.index(window.form.field_widget("company.name")) < cycle.index(window.results.tree)
    for a, b in zip(cycle, cycle[1:], strict=False):
        (pane_a, rect_a), (pane_b, rect_b) = _place(a, window), _place(b, window)
        if pane_a is not None and pane_a is pane_b:
            ok = _follows(rect_a, rect_b)
        else:                            # between panes: compare the panes where they sit
            side_a, side_b = _side(pane_a or a), _side(pane_b or b)
            if side_a is side_b:         # one pane: where the two sit in the window
                side_a, side_b = pane_a or a, pane_b or b
            ok = _follows(QRect(side_a.mapTo(window, QPoint(0, 0)), side_a.size()),
                          QRect(side_b.mapTo(window, QPoint(0, 0)), side_b.size()))
        assert ok, f"Tab goes from {spoken_name(a)!r} {rect_a} to {spoken_name(b)!r} {rect_b}"
    # Shift+Tab walks the same way back.
    assert _tab(qtbot, window, backwards=True) is cycle[-1]


def test_the_guided_pane_is_walked_by_tab_in_screen_order(window, qtbot):
    window.modes.setCurrentWidget(window.interview)
    window.interview.show_step()
    window.modes.tabBar().setFocus()
    first = [_tab(qtbot, window) for _ in range(2)]
    name = next(e for e in window.interview.editors if e.spec.path == "company.name")
    assert name.slots[0].widget in first
    order = window.interview.tab_sequence()
    assert order[-1] is window.interview.next_button
    inputs = [w for w in order if w.isVisible() and w not in (
        window.interview.back_button, window.interview.skip_button, window.interview.next_button)]
    places = [w.mapTo(window, w.rect().topLeft()).y() for w in inputs]
    assert places == sorted(places) and len(inputs) >= 4
    for w in inputs:                     # every guided input is named by its label
        assert spoken_name(w) not in ("", "未填写"), w


def test_tab_reaches_the_cells_of_a_row_added_later(window, qtbot):
    table = window.form.field_widget("company.supports_received")
    table.add_button.setFocus()
    qtbot.keyClick(table.add_button, Qt.Key.Key_Space)
    first = table.cell(0, table.columns[0].name)
    assert QApplication.focusWidget() is first
    seen = [first]
    for _ in range(len(table.columns) + 1):
        seen.append(_tab(qtbot, window))
    assert seen[:len(table.columns)] == [table.cell(0, c.name) for c in table.columns]
    assert seen[len(table.columns)] is table.add_button


# -- the keyboard alone ---------------------------------------------------------------------------------

def _type_chinese(widget: QWidget, text: str) -> None:
    """Chinese is typed through an input method, which hands the widget its committed text (QTest
    key clicks are ASCII only)."""
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def _tab_until(qtbot, window, found, limit: int = 400) -> QWidget:
    for _ in range(limit):
        w = _tab(qtbot, window)
        if found(w):
            return w
    pytest.fail("Tab never reached the widget")


def test_keyboard_only_from_a_new_profile_to_a_saved_file(window, qtbot, tmp_path, monkeypatch):
    target = tmp_path / "键盘.json"
    monkeypatch.setattr("PySide6.QtWidgets.QFileDialog.getSaveFileName", lambda *a, **k: (str(target), ""))
    form = window.form
    window.as_of_edit.setDate(QDate(2025, 6, 30))

    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    name = _tab_until(qtbot, window, lambda w: w is form.field_widget("company.name"))
    _type_chinese(name, "深圳市键盘示例科技有限公司")
    qtbot.keyClicks(_tab(qtbot, window), USCC)
    district = _tab(qtbot, window)
    assert district is form.field_widget("company.district")
    for _ in range(30):
        if district.value() == "luohu":
            break
        qtbot.keyClick(district, Qt.Key.Key_Down)
    assert district.value() == "luohu"

    # the projects page (Ctrl+Tab inside the form), 添加项目 with the space bar, its type and name
    qtbot.keyClick(district, Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier)
    assert form.tabs.currentIndex() == 1
    add = _tab_until(qtbot, window, lambda w: w is form.add_project_button)
    qtbot.keyClick(add, Qt.Key.Key_Space)
    project = form.current_project_id()
    assert project is not None
    kind = _tab_until(qtbot, window, lambda w: w is form.field_widget("project.type", project))
    for _ in range(30):
        if kind.value() == "distributed_pv":
            break
        qtbot.keyClick(kind, Qt.Key.Key_Down)
    assert kind.value() == "distributed_pv"
    project_name = _tab_until(qtbot, window, lambda w: w is form.field_widget("project.name", project))
    _type_chinese(project_name, "屋顶光伏")

    # the results, then the checklist window (Ctrl+P), closed with Escape
    tree = _tab_until(qtbot, window, lambda w: w is window.results.tree)
    qtbot.keyClick(tree, Qt.Key.Key_Down)
    assert window.results.tree.currentIndex().isValid()
    qtbot.keyClick(tree, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    dialog = window.checklist_dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(lambda: dialog.panel.rendered is not None and not dialog.panel.is_busy(), timeout=20000)
    qtbot.keyClick(QApplication.focusWidget() or dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()

    # save (Ctrl+S): the file holds what was typed
    window.activateWindow()              # what the desktop does when a dialog closes
    qtbot.waitUntil(lambda: QApplication.focusWidget() is tree)
    qtbot.keyClick(tree, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    saved = load_profile(target)
    assert saved["company"]["name"] == "深圳市键盘示例科技有限公司"
    assert saved["company"]["uscc"] == USCC and saved["company"]["district"] == "luohu"
    assert [(p["type"], p["name"]) for p in saved["projects"]] == [("distributed_pv", "屋顶光伏")]
    assert not window.dirty


# -- larger text ----------------------------------------------------------------------------------------

def test_the_larger_text_setting_scales_the_window_and_is_kept(window, qtbot, settings):
    base = QApplication.font().pointSizeF()
    name = window.form.field_widget("company.name")
    height = name.sizeHint().height()
    actions = window.text_size_menu.actions
    actions[150].trigger()
    assert QApplication.font().pointSizeF() == pytest.approx(base * 1.5)
    # the whole window follows (the change reaches the widgets through posted events); the form
    # was rebuilt to measure its label column again
    name = window.form.field_widget("company.name")
    widgets = [name, window.results.tree, window.as_of_edit, window.staleness_bar.import_button]
    qtbot.waitUntil(lambda: [w.font().pointSizeF() for w in widgets] == [pytest.approx(base * 1.5)] * 4)
    assert name.sizeHint().height() > height
    assert name.accessibleName() == "企业名称"
    assert settings.get("text_scale") == 150 and actions[150].isChecked()
    actions[100].trigger()
    assert QApplication.font().pointSizeF() == pytest.approx(base)


def test_a_new_window_starts_with_the_saved_text_size(qtbot, bundled_db, tmp_path):
    from ui.main_window import MainWindow
    from ui.text_size import apply_text_scale
    base = QApplication.font().pointSizeF()
    settings = Settings(tmp_path / "settings.json")
    settings.set("text_scale", 125)
    store = ProfileStore(tmp_path / "profiles.db")
    try:
        w = MainWindow(bundled_db, settings, store)
        assert QApplication.font().pointSizeF() == pytest.approx(base * 1.25)
        assert w.text_size_menu.actions[125].isChecked()
        shiboken6.delete(w)
    finally:
        apply_text_scale(100)
        store.close()
