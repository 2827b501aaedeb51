"""The kiosk's guided, touch-first interview (ui/kiosk_interview.py, ui/touch_inputs.py), on its
own over a plain host (a profile dict and the engine): a walk by taps only, the number pad, paged
choices, back at every step, the review, 大字模式, sizes, the wipe and the script."""
from __future__ import annotations

import copy
import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QLabel,
    QLineEdit,
    QScrollArea,
    QWidget,
)

from core.i18n import set_language

AS_OF = dt.date(2025, 6, 30)
COMPANY = "罗湖光伏科技有限公司"
PROJECT = "厂房屋顶光伏"
SCREENS = ((1366, 768), (1920, 1080), (1080, 1920))


class Host:
    """What the kiosk gives the interview: the profile, replacing it, and evaluating it."""

    def __init__(self, db):
        from core.engine.evaluate import Engine
        self.engine = Engine.for_database(db)
        self.data: dict = {"format": "greenmeasures.profile/1", "company": {}, "projects": []}
        self.evaluations = 0

    def profile(self) -> dict:
        return copy.deepcopy(self.data)

    def set_profile(self, data: dict) -> None:
        self.data = copy.deepcopy(data)

    def evaluate(self):
        self.evaluations += 1
        return self.engine.evaluate(self.data, AS_OF)


@pytest.fixture()
def host(bundled_db):
    return Host(bundled_db)


@pytest.fixture()
def interview(qtbot, host):
    from ui.kiosk_interview import KioskInterview
    w = KioskInterview(host.profile, host.set_profile, host.evaluate, host.engine.measures,
                       host.engine.documents, today=AS_OF)
    qtbot.addWidget(w)
    w.resize(1366, 768)
    w.show()
    yield w
    set_language("zh-Hans")


# -- touching, never typing ------------------------------------------------------------------------

def tap(qtbot, widget) -> None:
    assert widget.isVisible() and widget.isEnabled(), widget
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def touch_type(edit: QLineEdit, text: str) -> None:
    """What the system's touch keyboard sends: committed text, not key presses."""
    edit.setFocus()
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(edit, event)


def choose(qtbot, grid, label: str) -> None:
    """Tap the choice labelled `label`, turning pages until it is on screen."""
    while grid.page > 0 and label not in [b.plain for b in grid.visible_buttons()]:
        tap(qtbot, grid.prev_button)
    while label not in [b.plain for b in grid.visible_buttons()]:
        tap(qtbot, grid.next_button)
    button = next(b for b in grid.visible_buttons() if b.plain == label)
    tap(qtbot, button)
    assert button.isChecked() and button.label_text().startswith("✓")


def pad_in(qtbot, pad, digits: str) -> None:
    for key in digits:
        tap(qtbot, pad.keys[key])


def editor(w, index: int = 0):
    return w.fields[index].editor


def set_date(qtbot, steppers, date: str) -> None:
    """Tap the steppers until they show `date` (the first tap shows the starting day)."""
    target = dt.date.fromisoformat(date)
    if steppers.value() is None:
        tap(qtbot, steppers.steps[("year", 1)])
    for part in ("year", "month", "day"):
        for _i in range(40):
            now = getattr(dt.date.fromisoformat(steppers.value()), part)
            if now == getattr(target, part):
                break
            tap(qtbot, steppers.steps[(part, 1 if now < getattr(target, part) else -1)])
    assert steppers.value() == date


def fill_identity_and_project(w, qtbot, company: str = COMPANY) -> None:
    assert w.screen.kind == "name"
    touch_type(editor(w).edit, company)
    tap(qtbot, w.next_button)
    assert w.screen.kind == "district"
    choose(qtbot, editor(w), "罗湖区")
    tap(qtbot, w.next_button)
    assert w.screen.kind == "entity"
    choose(qtbot, editor(w), "企业")
    tap(qtbot, w.next_button)
    assert w.screen.kind == "projects"
    tap(qtbot, w.add_button)
    assert w.screen.kind == "ptype"
    choose(qtbot, editor(w), "分布式光伏")
    tap(qtbot, w.next_button)
    assert w.screen.kind == "pname"
    touch_type(editor(w).edit, PROJECT)
    tap(qtbot, w.next_button)
    assert w.screen.kind == "pdistrict"
    assert editor(w).value() == "luohu"                # the company's district, already chosen
    tap(qtbot, w.next_button)
    assert w.screen.kind == "projects" and PROJECT in w.project_buttons["p1"].text()


def answer_pv_questions(w, qtbot) -> list[str]:
    """Answer the PV project's deciding questions by taps; skip every other one."""
    asked = []
    for _round in range(80):
        if w.screen.kind != "question":
            break
        fact = w.screen.fact
        asked.append(fact)
        assert "为什么问" in w.why.text() and w.skip_button.isVisible()
        if w.screen.project_id == "p1" and fact == "project.capacity_kw":
            pad_in(qtbot, editor(w), "800")
        elif w.screen.project_id == "p1" and fact.startswith("project.generation_kwh."):
            pad_in(qtbot, editor(w), "900000")
        elif fact == "project.property":
            choose(qtbot, editor(w), "社会物业")
        elif fact == "project.pv_technology":
            choose(qtbot, editor(w), "常规光伏")
        elif fact == "company.supports_received":
            choose(qtbot, editor(w), "没有（无此类记录）")      # the answer "none" of a list
        elif fact == "project.grid_connected_on":
            set_date(qtbot, editor(w), "2024-03-01")
        else:
            tap(qtbot, w.skip_button)
            continue
        tap(qtbot, w.next_button)
    return asked


def test_a_visitor_walks_from_nothing_to_an_eligible_result_by_taps_only(interview, host, qtbot):
    from core.engine.evaluate import ELIGIBLE
    w = interview
    results = []
    w.resultsRequested.connect(lambda: results.append(True))
    assert "第 1 步" in w.progress.text()
    fill_identity_and_project(w, qtbot)
    assert host.data["company"] == {"name": COMPANY, "district": "luohu", "entity_type": "enterprise"}
    tap(qtbot, w.next_button)
    assert w.screen.kind == "question" and "约" in w.progress.text()
    asked = answer_pv_questions(w, qtbot)
    assert {"project.capacity_kw", "project.grid_connected_on"} <= set(asked)
    assert w.screen.kind == "review"
    project = host.data["projects"][0]
    assert project["capacity_kw"] == 800 and project["grid_connected_on"] == "2024-03-01"
    assert project["property"] == "social" and project["pv_technology"] == "conventional"
    assert project["generation_kwh"] == {"2024": 900000} and host.data["company"]["supports_received"] == []
    assert w.interview.skipped                     # the rest were passed over, not answered
    texts = [b.text() for _p, _f, b in w.review_buttons]
    assert any(COMPANY in t for t in texts) and "装机容量：800 千瓦" in texts
    tap(qtbot, w.next_button)                      # 查看结果
    assert results == [True]
    r = host.evaluate().result("lh-glc-2024/7.1", "p1")
    assert r.status == ELIGIBLE and r.amount_max == 225000


def test_a_wrong_answer_is_said_at_the_input_and_not_kept(interview, host, qtbot):
    w = interview
    touch_type(editor(w, 1).edit, "123")             # 统一社会信用代码
    tap(qtbot, w.next_button)
    assert w.screen.kind == "name"
    problem = w.fields[1].problem
    assert problem.isVisible() and "统一社会信用代码" in problem.text()
    assert host.data["company"] == {}


# -- the number pad ----------------------------------------------------------------------------------

def test_the_number_pad_keeps_to_the_bounds_and_fifteen_digits(qtbot):
    from ui.touch_inputs import NumberPad
    pad = NumberPad("装机容量", "千瓦", 0, 100_000_000)
    qtbot.addWidget(pad)
    pad.show()
    assert pad.unit_label.text() == "千瓦" and pad.accessibleName() == "装机容量"
    assert pad.minus_button is None                 # never below 0: no minus key
    pad_in(qtbot, pad, "100000000")
    assert pad.value() == 100_000_000
    tap(qtbot, pad.keys["0"])                        # 1,000,000,000 > the schema's maximum
    assert pad.value() == 100_000_000 and "100000000" in pad.note.text()
    tap(qtbot, pad.keys["⌫"])
    assert pad.value() == 10_000_000 and pad.note.text() == ""
    tap(qtbot, pad.clear_button)
    assert pad.value() is None and pad.display.text() == ""
    pad_in(qtbot, pad, ".5.")                         # one decimal point only
    assert pad.display.text() == "0.5" and pad.value() == 0.5

    money = NumberPad("营收", "元", 0, 10**15)
    qtbot.addWidget(money)
    money.show()
    pad_in(qtbot, money, "9" * 15)
    assert money.value() == 10**15 - 1
    tap(qtbot, money.keys["9"])                       # a 16th digit is refused, visibly
    assert money.value() == 10**15 - 1 and "位数过多" in money.note.text()
    pad_in(qtbot, money, "⌫⌫")
    assert money.display.text() == "9" * 13
    money.set_value(3200000.5)
    assert money.display.text() == "3200000.5"


# -- choices -------------------------------------------------------------------------------------------

def test_project_types_are_paged_big_buttons_and_the_chosen_one_has_a_tick(interview, host, qtbot):
    w = interview
    w._go(w.screen.__class__("ptype"))
    grid = editor(w)
    assert len(grid.options) >= 24 and grid.pages() >= 2
    assert len(grid.visible_buttons()) == grid.per_page() < len(grid.options)
    assert grid.pager.isVisible() and not grid.prev_button.isEnabled()
    first_page = [b.plain for b in grid.visible_buttons()]
    tap(qtbot, grid.next_button)
    assert grid.page == 1 and not set(first_page) & {b.plain for b in grid.visible_buttons()}
    assert all(not b.isVisible() for b in grid.buttons if b not in grid.visible_buttons())
    choose(qtbot, grid, "分布式光伏")                  # back on page 1: the pager goes both ways
    assert grid.page == 0 and grid.value() == "distributed_pv"
    chosen = [b for b in grid.buttons if b.label_text().startswith("✓")]
    assert [b.plain for b in chosen] == ["分布式光伏"]     # a mark, not only a colour
    assert all(b.accessibleName() == b.plain for b in grid.buttons)
    tap(qtbot, w.back_button)                  # a type chosen is no project until 下一步 confirms it
    assert w.screen.kind == "name" and host.data["projects"] == []


def test_large_type_has_fewer_choice_buttons_per_page(interview, qtbot):
    w = interview
    w._go(w.screen.__class__("ptype"))
    normal = editor(w).per_page()
    normal_font = editor(w).visible_buttons()[0].caption.fontInfo().pixelSize()
    w.set_large(True)
    grid = editor(w)
    assert grid.per_page() < normal and len(grid.visible_buttons()) < normal
    assert grid.visible_buttons()[0].caption.fontInfo().pixelSize() > normal_font
    assert grid.visible_buttons()[0].height() >= 64
    w.clear()                                        # the wipe turns it off
    assert not w.large and w.screen.kind == "name"
    w._go(w.screen.__class__("ptype"))
    assert editor(w).per_page() == normal


# -- moving ------------------------------------------------------------------------------------------

def test_back_works_at_every_step_and_leaves_at_the_first(interview, host, qtbot):
    w = interview
    left = []
    w.exitRequested.connect(lambda: left.append(True))
    fill_identity_and_project(w, qtbot)
    tap(qtbot, w.next_button)
    for _i in range(2):                         # two questions passed over
        assert w.screen.kind == "question"
        tap(qtbot, w.skip_button)
    seen = []
    for _i in range(20):
        seen.append(w.screen.kind)
        assert w.back_button.isVisible() and w.back_button.isEnabled()
        tap(qtbot, w.back_button)
        if left:
            break
    assert left == [True]
    # the way back: both questions, the project list (not the project's own screens), identity
    assert seen == ["question", "question", "question", "projects", "entity", "district", "name"]
    assert host.data["company"]["name"] == COMPANY          # going back loses nothing


def test_the_review_lists_every_answer_and_a_tap_changes_it(interview, host, qtbot):
    w = interview
    host.data = {"format": "greenmeasures.profile/1",
                 "company": {"name": COMPANY, "district": "luohu", "entity_type": "enterprise"},
                 "projects": [{"id": "p1", "type": "distributed_pv", "name": PROJECT, "district": "luohu",
                               "capacity_kw": 800, "generation_kwh": {"2024": 900000}}]}
    w.open_review()
    assert w.screen.kind == "review" and "第 4 步" in w.progress.text()
    by_fact = {(p, f): b for p, f, b in w.review_buttons}
    assert set(by_fact) >= {(None, "company.name"), (None, "company.district"), ("p1", "project.capacity_kw"),
                            ("p1", "project.generation_kwh.2024")}
    assert by_fact[("p1", "project.generation_kwh.2024")].text() == "2024 年实际发电量：900000 千瓦时"
    capacity = by_fact[("p1", "project.capacity_kw")]
    scroll = next(a for a in w.findChildren(QScrollArea) if a.isAncestorOf(capacity))
    scroll.ensureWidgetVisible(capacity)                  # what a swipe up does
    tap(qtbot, capacity)
    assert w.screen.kind == "edit" and w.next_button.text() == "完成修改"
    pad = editor(w)
    assert pad.value() == 800
    tap(qtbot, pad.keys["⌫"])
    tap(qtbot, pad.keys["5"])
    tap(qtbot, w.next_button)
    assert w.screen.kind == "review" and host.data["projects"][0]["capacity_kw"] == 805
    assert "装机容量：805 千瓦" in [b.text() for _p, _f, b in w.review_buttons]
    tap(qtbot, w.back_button)                   # from the review, back into the walk
    assert w.screen.kind != "edit"


def test_a_missing_fact_from_the_results_opens_its_question(interview, host, qtbot):
    w = interview
    host.data = {"format": "greenmeasures.profile/1", "company": {"district": "luohu"},
                 "projects": [{"id": "p1", "type": "distributed_pv"}]}
    w.open_field("project.generation_kwh.2024", "p1")
    assert w.screen.kind == "edit" and "2024 年实际发电量" in w.findChild(QLabel, "ivQuestion").text()
    pad_in(qtbot, editor(w), "1200")
    tap(qtbot, w.next_button)
    assert host.data["projects"][0]["generation_kwh"] == {"2024": 1200} and w.screen.kind == "review"


def test_a_project_is_removed_after_a_second_tap(interview, host, qtbot):
    w = interview
    host.data["projects"] = [{"id": "p1", "type": "distributed_pv", "name": PROJECT}]
    w._go(w.screen.__class__("projects"))
    tap(qtbot, w.remove_buttons["p1"])
    assert host.data["projects"] and w.remove_buttons["p1"].text() == "确认删除"
    tap(qtbot, w.remove_buttons["p1"])
    assert host.data["projects"] == [] and w.remove_buttons == {}


# -- screens, sizes, the wipe, the script ---------------------------------------------------------------

def every_screen(w, host, qtbot):
    """Each kind of interview screen in turn (a pad, steppers, a multiple choice among them)."""
    from ui.kiosk_interview import Screen
    host.data = {"format": "greenmeasures.profile/1",
                 "company": {"name": COMPANY, "district": "luohu", "entity_type": "enterprise"},
                 "projects": [{"id": "p1", "type": "distributed_pv", "name": PROJECT, "district": "luohu"}]}
    shown = [Screen("name"), Screen("district"), Screen("entity"), Screen("projects"), Screen("ptype"),
             Screen("pname", "p1"), Screen("pdistrict", "p1"), Screen("review")]
    for s in shown:
        w._go(s)
        qtbot.wait(5)
        yield s.kind
    for fact, pid in (("project.capacity_kw", "p1"), ("project.grid_connected_on", "p1"),
                      ("company.business_lines", None), ("company.independent_legal_person", None)):
        w.open_field(fact, pid)
        qtbot.wait(5)
        yield f"edit {fact}"


def interactive(w: QWidget):
    from PySide6.QtWidgets import QAbstractSpinBox, QComboBox
    kinds = (QAbstractButton, QLineEdit, QComboBox, QAbstractSpinBox)
    for widget in w.findChildren(QWidget):
        if widget.isVisible() and isinstance(widget, kinds):
            yield widget


@pytest.mark.parametrize("large", [False, True])
@pytest.mark.parametrize("width, height", SCREENS)
def test_every_screen_fits_and_every_target_is_big(interview, host, qtbot, width, height, large):
    from PySide6.QtWidgets import QComboBox
    w = interview
    w.resize(width, height)
    w.set_large(large)
    for name in every_screen(w, host, qtbot):
        assert not w.findChildren(QComboBox), name           # never a drop-down
        window = w.rect()
        for widget in interactive(w):
            r = widget.rect().translated(widget.mapTo(w, widget.rect().topLeft()))
            assert r.width() >= 48 and r.height() >= 48, (name, type(widget).__name__, r)
            assert window.contains(r), (name, widget.accessibleName() or widget.text(), r, width, height)


def visitor_strings(w: QWidget) -> list[str]:
    found = []
    for widget in [w, *w.findChildren(QWidget)]:
        shown = widget.text() if callable(getattr(widget, "text", None)) else ""
        for text in (shown, widget.accessibleName(), widget.toolTip()):
            if isinstance(text, str) and (COMPANY in text or PROJECT in text or "91440300" in text):
                found.append(f"{type(widget).__name__}: {text}")
    return found


def test_clear_leaves_no_visitor_string_in_any_widget(interview, host, qtbot):
    w = interview
    fill_identity_and_project(w, qtbot)
    w.open_review()
    assert visitor_strings(w)                       # the test can see them while they are there
    host.data = {"format": "greenmeasures.profile/1", "company": {}, "projects": []}     # the host's wipe
    w.set_large(True)
    w.clear()
    assert visitor_strings(w) == [] and w.screen.kind == "name" and not w.large
    assert all(e.value() is None for e in w.editors()) and w.history == []


def test_the_interview_follows_the_script(interview, host, qtbot):
    w = interview
    w._go(w.screen.__class__("district"))
    set_language("zh-Hant")
    assert "企業在深圳哪個區" in w.findChild(QLabel, "ivQuestion").text() and "下一步" in w.next_button.text()
    grid = editor(w)
    assert "羅湖區" in [b.plain for b in grid.buttons]
    choose(qtbot, grid, "羅湖區")
    tap(qtbot, w.next_button)
    assert host.data["company"]["district"] == "luohu"
    assert "企業屬於哪類主體" in w.findChild(QLabel, "ivQuestion").text()
    set_language("zh-Hans")
    assert "企业属于哪类主体" in w.findChild(QLabel, "ivQuestion").text()


def test_an_editor_without_value_or_set_value_is_refused_when_defined():
    from ui.touch_inputs import TouchEditor
    with pytest.raises(TypeError, match="value, set_value"):
        type("Broken", (TouchEditor,), {})
