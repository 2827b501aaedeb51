"""Kiosk mode (issue 6): a simulated visitor, the wipe, nothing on disk, the PIN gate, languages;
issue 15: fail closed without a usable PIN, brute-force lockout, clipboard, spool, long numbers."""
from __future__ import annotations

import base64
import copy
import datetime as dt
import hashlib
import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QClipboard, QGuiApplication, QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget

from core.i18n import current_language, set_language
from core.kiosk import FREE_ATTEMPTS, LOCKOUT_FIRST, LOCKOUT_MAX, WRONG_PIN_DELAY, hash_pin
from core.settings import Settings, data_dir
from tests.dialogs import refuse_modal_dialogs
from tests.test_checklist import PROFILE
from tests.test_printing import spool_files
from ui.tasks import wait_idle

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils missing")
PIN = "2468"


@pytest.fixture(autouse=True)
def no_native_dialogs(monkeypatch):
    """The kiosk shows everything in its window: a native modal is a failure (and would block)."""
    refuse_modal_dialogs(monkeypatch)


@pytest.fixture()
def private_tmp(tmp_path_factory, monkeypatch):
    """The temporary folder of this process and its children: one nobody else writes to."""
    folder = tmp_path_factory.mktemp("systemp")
    monkeypatch.setenv("TMPDIR", str(folder))
    monkeypatch.setattr(tempfile, "tempdir", None)
    assert Path(tempfile.gettempdir()) == folder
    return folder


def make_settings(**values) -> Settings:
    settings = Settings()          # in GREENMEASURES_CONFIG_DIR (conftest: a temporary folder)
    settings.set("kiosk_pin_hash", hash_pin(PIN))
    for name, value in values.items():
        settings.set(name, value)
    settings.save()
    return settings


class FakeClock:
    """Wall-clock seconds that move only when the test says so (the PIN lock's clock)."""

    def __init__(self, now: float = 1_800_000_000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture()
def clock():
    return FakeClock()


@pytest.fixture()
def make_kiosk(qtbot, bundled_db, clock):
    made = []

    def make(settings=None, **kwargs):
        from ui.kiosk import KioskWindow
        kwargs.setdefault("idle_ms", 60_000)
        kwargs.setdefault("tick_ms", 20)
        kwargs.setdefault("countdown_seconds", 5)
        kwargs.setdefault("pin_clock", clock)
        w = KioskWindow(bundled_db, settings or make_settings(), **kwargs)
        w.resize(1366, 768)
        w.show()
        made.append(w)
        return w

    yield make
    wait_idle()
    for w in made:
        if shiboken6.isValid(w):
            w._unlocked = True
            w.close()
            shiboken6.delete(w)
    set_language("zh-Hans")


def listing(*folders: Path) -> set[str]:
    found = set()
    for folder in folders:
        if folder.exists():
            found |= {str(p) for p in folder.rglob("*")}
    return found


def fill_visitor(kiosk, qtbot, name="深圳市罗湖示例科技有限公司"):
    """By taps, as a visitor would: the interview (the company, a PV project, its questions), the
    review, the results, the print step."""
    from tests.test_ui_kiosk_interview import answer_pv_questions, fill_identity_and_project, tap
    kiosk.start_button.click()
    assert kiosk.current_screen() == "interview"
    w = kiosk.interview
    fill_identity_and_project(w, qtbot, name)
    tap(qtbot, w.next_button)
    answer_pv_questions(w, qtbot)
    assert w.screen.kind == "review"
    tap(qtbot, w.next_button)                     # 查看结果
    assert kiosk.current_screen() == "results"
    assert kiosk.evaluation is not None and kiosk.results.model.rowCount() > 0
    kiosk.next_button.click()
    assert kiosk.current_screen() == "print"
    qtbot.waitUntil(lambda: kiosk.print_button.isEnabled(), timeout=30000)


def assert_wiped(kiosk, old):
    assert kiosk.current_screen() == "start"
    assert kiosk.evaluation is None
    assert kiosk.visitor.profile()["company"] == {} and kiosk.visitor.profile().get("projects", []) == []
    assert kiosk.results.model.rowCount() == 0
    assert kiosk.checklist.rendered is None and kiosk.checklist.evaluation is None
    assert kiosk.checklist.preview.labels == [] and kiosk.checklist.choices.count() == 0
    assert all(w not in (kiosk.visitor, kiosk.results, kiosk.checklist, kiosk.interview) for w in old)
    assert not any(o.isVisible() for o in kiosk.overlays)
    assert kiosk.interview.screen.kind == "name" and not kiosk.interview.large
    assert all(e.value() is None for e in kiosk.interview.editors())


def wait_deleted(qtbot, old):
    qtbot.waitUntil(lambda: not any(shiboken6.isValid(w) for w in old), timeout=5000)


# -- a visitor -------------------------------------------------------------------------------------

@needs_poppler
def test_a_visitor_fills_prints_and_leaves_nothing_on_disk(qtbot, make_kiosk, cups_server, private_tmp):
    settings = make_settings(kiosk_printer="gm-test", kiosk_district="luohu")
    watched = (data_dir(), private_tmp, Path(os.environ["GREENMEASURES_CONFIG_DIR"]))
    before = listing(*watched)
    kiosk = make_kiosk(settings)
    assert "罗湖区" in kiosk.start_district.text()
    fill_visitor(kiosk, qtbot)
    assert kiosk.checklist.profile["company"]["name"] == "深圳市罗湖示例科技有限公司"
    assert not kiosk.checklist.export_button.isVisible() and not kiosk.checklist.print_button.isVisible()

    out = cups_server.fresh_output("gm-test")
    kiosk.print_button.click()
    assert kiosk.confirm.isVisible() and "gm-test" in kiosk.confirm.text.text()
    kiosk.confirm_button.click()
    qtbot.waitUntil(lambda: kiosk.message.isVisible(), timeout=30000)
    assert "gm-test" in kiosk.message.text.text() and kiosk.message.title.text() == "已开始打印"
    job = kiosk.checklist.last_job
    assert job and len(kiosk.purges) == 1
    kiosk.purges[0].join(60)                       # waits for the job to complete, then purges it
    assert not kiosk.purges[0].is_alive(), cups_server.error_log()
    assert out.stat().st_size > 0
    assert spool_files(cups_server, job) == []     # no job file left in the scheduler's spool
    arrived = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True,
                             check=True).stdout.replace("\n", "")
    assert "深圳市罗湖示例科技有限公司" in arrived
    assert listing(*watched) == before            # during the session, printing included

    old = (kiosk.visitor, kiosk.results, kiosk.checklist, kiosk.interview)
    kiosk.finish_button.click()
    assert kiosk.wipe_confirm.isVisible() and kiosk.visitor is old[0]     # asked once, nothing wiped yet
    kiosk.wipe_button.click()
    assert_wiped(kiosk, old)
    wait_deleted(qtbot, old)
    wait_idle()
    assert listing(*watched) == before            # and after it


@pytest.mark.parametrize("queue, words", [("gm-nopaper", "纸"), ("gm-no-such-printer", "gm-no-such-printer")])
def test_printer_problems_are_told_in_the_window(qtbot, make_kiosk, cups_server, queue, words):
    kiosk = make_kiosk(make_settings(kiosk_printer=queue))
    kiosk.start_button.click()
    kiosk.visitor.set_profile(copy.deepcopy(PROFILE))
    kiosk.show_screen("print")
    qtbot.waitUntil(lambda: kiosk.print_button.isEnabled(), timeout=30000)
    kiosk.ask_print()
    kiosk.confirm_button.click()
    qtbot.waitUntil(lambda: kiosk.message.isVisible(), timeout=30000)
    assert words in kiosk.message.text.text() and "工作人员" in kiosk.message.text.text()
    assert kiosk.message.title.text() == "无法打印"
    kiosk.message_button.click()
    assert kiosk.isVisible() and kiosk.current_screen() == "print"


# -- forgetting ------------------------------------------------------------------------------------

def test_idle_countdown_then_everything_is_rebuilt_empty(qtbot, make_kiosk):
    kiosk = make_kiosk(idle_ms=200)
    kiosk.start_button.click()
    kiosk.visitor.set_profile(copy.deepcopy(PROFILE))
    kiosk.show_screen("print")
    qtbot.waitUntil(lambda: kiosk.checklist.rendered is not None, timeout=30000)
    old = (kiosk.visitor, kiosk.results, kiosk.checklist, kiosk.interview)
    wiped = []
    kiosk.wiped.connect(lambda: wiped.append(True))
    qtbot.waitUntil(lambda: kiosk.countdown.isVisible(), timeout=5000)
    assert "秒后将清除" in kiosk.countdown.text.text()
    qtbot.waitUntil(lambda: bool(wiped), timeout=5000)
    assert_wiped(kiosk, old)
    wait_deleted(qtbot, old)


def test_continue_during_the_countdown_keeps_the_data(qtbot, make_kiosk):
    kiosk = make_kiosk(idle_ms=200, tick_ms=200, countdown_seconds=10)
    kiosk.start_button.click()
    kiosk.visitor.set_profile(copy.deepcopy(PROFILE))
    form = kiosk.visitor
    qtbot.waitUntil(lambda: kiosk.countdown.isVisible(), timeout=5000)
    kiosk.continue_button.click()
    assert not kiosk.countdown.isVisible() and kiosk.idle_timer.isActive()
    assert kiosk.visitor is form and form.profile()["company"]["name"] == PROFILE["company"]["name"]
    assert kiosk.current_screen() == "interview"


def test_activity_postpones_the_countdown(qtbot, make_kiosk):
    kiosk = make_kiosk(idle_ms=400)
    kiosk.start_button.click()
    for _i in range(6):
        qtbot.wait(100)
        QApplication.sendEvent(kiosk.interview, QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_A,
                                                     Qt.KeyboardModifier.NoModifier, "a"))
    assert not kiosk.countdown.isVisible()


def test_the_visitors_language_is_not_kept(make_kiosk):
    kiosk = make_kiosk()
    kiosk.start_button.click()
    kiosk.hant_button.click()
    assert current_language() == "zh-Hant"
    kiosk.wipe()
    assert current_language() == "zh-Hans" and kiosk.hans_button.isChecked()


# -- lock-down -------------------------------------------------------------------------------------

def enter(kiosk, pin: str):
    for digit in pin:
        kiosk.pin_pad.digits[digit].click()
    kiosk.pin_pad.ok_button.click()


def test_a_wrong_pin_never_leaves(qtbot, make_kiosk, clock):
    kiosk = make_kiosk()
    quitting = []
    QApplication.instance().aboutToQuit.connect(lambda: quitting.append(True))
    kiosk.admin_button.click()
    assert kiosk.pin_pad.isVisible()
    enter(kiosk, "1357")
    assert "不正确" in kiosk.pin_pad.problem.text()
    assert not kiosk.pin_pad.ok_button.isEnabled()          # the pause after a wrong PIN
    enter(kiosk, PIN)                                      # ignored during the pause
    assert kiosk.current_screen() == "start" and not kiosk.is_unlocked()
    kiosk.close()
    assert kiosk.isVisible() and not quitting
    clock.advance(WRONG_PIN_DELAY)
    qtbot.waitUntil(lambda: kiosk.pin_pad.ok_button.isEnabled(), timeout=3000)
    enter(kiosk, PIN)
    assert kiosk.current_screen() == "admin" and kiosk.is_unlocked()
    kiosk.lock_button.click()
    assert kiosk.current_screen() == "start" and not kiosk.is_unlocked()
    kiosk.close()
    assert kiosk.isVisible()


def test_escape_shortcuts_and_close_do_nothing(qtbot, make_kiosk):
    kiosk = make_kiosk()
    for key, mods in ((Qt.Key.Key_F4, Qt.KeyboardModifier.AltModifier),
                      (Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier),
                      (Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier)):
        qtbot.keyClick(kiosk, key, mods)
        assert kiosk.isVisible()
    assert kiosk.close() is False and kiosk.isVisible()


def test_settings_are_saved_with_no_clear_pin(qtbot, make_kiosk, cups_server):
    settings = make_settings()
    kiosk = make_kiosk(settings)
    kiosk.admin_button.click()
    enter(kiosk, PIN)
    assert kiosk.current_screen() == "admin"
    kiosk.printer_combo.setCurrentIndex(kiosk.printer_combo.findData("gm-test"))
    kiosk.idle_spin.setValue(300)
    kiosk.district_combo.setCurrentIndex(kiosk.district_combo.findData("nanshan"))
    kiosk.new_pin.setText("97531")
    kiosk.new_pin_again.setText("97531")
    kiosk.save_button.click()
    assert kiosk.admin_status.text() == "设置已保存。"
    text = settings.path.read_text(encoding="utf-8")
    assert "97531" not in text and PIN not in text and "scrypt$" in text
    reread = Settings(settings.path)
    assert reread.get("kiosk_printer") == "gm-test" and reread.get("kiosk_idle_seconds") == 300
    assert reread.get("kiosk_district") == "nanshan"
    assert kiosk.idle_timer.interval() == 60_000            # injected in the test; 300 s otherwise
    kiosk.exit_button.click()
    assert not kiosk.isVisible()


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


SALT = bytes(range(16))
WEAK = f"scrypt$2$1$1${_b64(SALT)}${_b64(hashlib.scrypt(PIN.encode(), salt=SALT, n=2, r=1, p=1, dklen=32))}"
NOT_POWER_OF_TWO = f"scrypt$16385$8$1${_b64(SALT)}${_b64(bytes(32))}"

# settings.json as a stranger might find it: none of these may let anyone set a PIN or get in.
BROKEN_SETTINGS = {
    "missing": None,
    "corrupt JSON": '{"kiosk": true, "kiosk_pin_hash": "scr',
    "a list": "[]",
    "a number": "42",
    "a string": '"scrypt$16384$8$1$AA==$AA=="',
    "hash missing": json.dumps({"kiosk": True}),
    "empty hash": json.dumps({"kiosk": True, "kiosk_pin_hash": ""}),
    "weak parameters": json.dumps({"kiosk_pin_hash": WEAK}),
    "n not a power of two": json.dumps({"kiosk_pin_hash": NOT_POWER_OF_TWO}),
    "garbage": json.dumps({"kiosk_pin_hash": "garbage$$$\u0000\ud800"}),
}


@pytest.mark.parametrize("content", BROKEN_SETTINGS.values(), ids=BROKEN_SETTINGS.keys())
def test_without_a_usable_pin_the_kiosk_fails_closed(qtbot, make_kiosk, content):
    path = Settings().path
    if content is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
    folder = path.parent
    before = {p.name: p.read_bytes() for p in folder.iterdir()} if folder.exists() else {}
    kiosk = make_kiosk(Settings())
    assert kiosk.current_screen() == "unavailable"
    assert "暂停服务" in kiosk.unavailable_title.text() and "kiosk set-pin" in kiosk.unavailable_staff.text()
    # no visitor is served …
    kiosk.start()
    assert kiosk.current_screen() == "unavailable" and not kiosk.start_button.isVisible()
    # … and no administration is offered, nor a way to set a PIN or to leave
    assert not kiosk.admin_button.isVisible() and not kiosk.finish_button.isVisible()
    kiosk.ask_admin()
    assert not kiosk.pin_pad.isVisible() and not kiosk.is_unlocked()
    assert kiosk.close() is False and kiosk.isVisible()
    kiosk.wipe()
    kiosk.idle()
    assert kiosk.current_screen() == "unavailable" and not kiosk.is_unlocked()
    after = {p.name: p.read_bytes() for p in folder.iterdir()} if folder.exists() else {}
    assert after == before                        # nothing written, the broken file kept for staff


# -- guessing the PIN ------------------------------------------------------------------------------

def test_the_pause_after_a_wrong_pin_survives_cancel_and_reopening(qtbot, make_kiosk, clock):
    kiosk = make_kiosk()
    pad = kiosk.pin_pad
    kiosk.admin_button.click()
    enter(kiosk, "1357")
    assert not pad.ok_button.isEnabled() and not pad.digits["1"].isEnabled()
    pad.cancel_button.click()
    assert pad.cancel_button.isEnabled() and not pad.isVisible()
    kiosk.admin_button.click()                     # reopened at once: still waiting
    assert pad.isVisible() and not pad.ok_button.isEnabled()
    assert "后再试" in pad.problem.text()
    enter(kiosk, PIN)
    assert not kiosk.is_unlocked()
    clock.advance(WRONG_PIN_DELAY)
    qtbot.waitUntil(lambda: pad.ok_button.isEnabled(), timeout=3000)
    enter(kiosk, PIN)
    assert kiosk.is_unlocked() and kiosk.current_screen() == "admin"


def wrong_pins(kiosk, clock, count):
    for _i in range(count):
        kiosk.pin_pad.refresh()
        assert kiosk.pin_pad.ok_button.isEnabled()
        enter(kiosk, "1357")
        clock.advance(WRONG_PIN_DELAY)


def test_the_lockout_escalates_and_outlives_a_restart(qtbot, make_kiosk, clock):
    settings = make_settings()
    kiosk = make_kiosk(settings)
    kiosk.admin_button.click()
    wrong_pins(kiosk, clock, FREE_ATTEMPTS - 1)
    kiosk.pin_pad.refresh()                        # what its timer does once a second
    enter(kiosk, "1357")                           # the 5th wrong PIN in a row locks the pad
    pad = kiosk.pin_pad
    assert not pad.ok_button.isEnabled() and "已锁定" in pad.problem.text()
    assert "1 分 0 秒" in pad.problem.text()
    clock.advance(LOCKOUT_FIRST / 2)
    pad.refresh()
    assert "30 秒" in pad.problem.text() and not pad.ok_button.isEnabled()

    # a restart (a new window on the same configuration) finds the pad locked as it was
    kiosk.pin_pad.hide()
    again = make_kiosk(Settings(settings.path))
    again.admin_button.click()
    assert not again.pin_pad.ok_button.isEnabled() and "30 秒" in again.pin_pad.problem.text()
    enter(again, PIN)                              # even the right PIN is not tried while locked
    assert not again.is_unlocked()
    clock.advance(LOCKOUT_FIRST / 2)
    again.pin_pad.refresh()
    assert again.pin_pad.ok_button.isEnabled()
    enter(again, "1357")                           # the 6th: twice as long
    assert "2 分 0 秒" in again.pin_pad.problem.text()
    clock.advance(2 * LOCKOUT_FIRST)
    again.pin_pad.refresh()
    enter(again, PIN)
    assert again.is_unlocked()                     # the right PIN ends the count
    again.lock_button.click()
    again.admin_button.click()
    enter(again, "1357")
    assert "1 秒后" in again.pin_pad.problem.text() and "锁定" not in again.pin_pad.problem.text()


def test_the_lockout_is_capped(qtbot, make_kiosk, clock):
    kiosk = make_kiosk()
    kiosk.admin_button.click()
    for _i in range(FREE_ATTEMPTS + 12):
        kiosk.pin_pad.refresh()
        enter(kiosk, "1357")
        clock.advance(LOCKOUT_MAX)
    clock.advance(-LOCKOUT_MAX + 1)
    kiosk.pin_pad.refresh()
    assert "59 分 59 秒" in kiosk.pin_pad.problem.text()


def test_pins_longer_than_four_digits_work_on_the_pad(qtbot, make_kiosk):
    settings = Settings()
    settings.set("kiosk_pin_hash", hash_pin("907153824617"))
    kiosk = make_kiosk(settings)
    kiosk.admin_button.click()
    enter(kiosk, "9071538246170")                  # a 13th digit is not taken
    assert kiosk.is_unlocked()


# -- leaving no trace ------------------------------------------------------------------------------

def test_the_wipe_empties_the_clipboard(qtbot, make_kiosk):
    kiosk = make_kiosk()
    kiosk.start_button.click()
    name = kiosk.interview.fields[0].editor.edit          # 企业名称, the interview's first question
    assert kiosk.interview.fields[0].fact == "company.name"
    name.insert("隐私测试公司ZQXW")
    name.selectAll()
    name.copy()
    board = QGuiApplication.clipboard()
    assert board.text() == "隐私测试公司ZQXW"
    if board.supportsSelection():
        board.setText("隐私测试公司ZQXW", QClipboard.Mode.Selection)
    kiosk.finish_button.click()
    kiosk.wipe_button.click()
    assert board.text() == ""
    if board.supportsSelection():
        assert board.text(QClipboard.Mode.Selection) == ""


# -- a visitor's numbers ---------------------------------------------------------------------------

def test_31_digits_in_a_number_field_are_refused_visibly(qtbot, make_kiosk):
    from tests.test_ui_kiosk_interview import tap
    kiosk = make_kiosk()
    kiosk.start_button.click()
    kiosk.visitor.set_profile(copy.deepcopy(PROFILE))
    year = kiosk.as_of.year - 1
    kiosk.interview.open_field(f"company.years.{year}.revenue")       # money: up to 10^15 元
    pad = kiosk.interview.fields[0].editor
    for _i in range(31):
        tap(qtbot, pad.keys["9"])
    assert pad.display.text() == "9" * 15 and "位数过多" in pad.note.text()   # the 16th is refused
    tap(qtbot, kiosk.interview.next_button)
    assert kiosk.visitor.profile()["company"]["years"][str(year)]["revenue"] == 10**15 - 1
    tap(qtbot, kiosk.interview.next_button)        # 查看结果: the engine copes with 15 digits
    assert kiosk.current_screen() == "results" and kiosk.evaluation is not None
    assert kiosk.isVisible()


def test_an_engine_failure_is_told_not_fatal(qtbot, make_kiosk, monkeypatch, caplog):
    kiosk = make_kiosk()
    kiosk.start_button.click()

    def broken(*_args, **_kwargs):
        raise ArithmeticError("decimal.InvalidOperation")
    monkeypatch.setattr(kiosk.engine, "evaluate", broken)
    kiosk.interview.open_review()
    kiosk.interview.next_button.click()            # 查看结果: the engine fails
    assert kiosk.current_screen() == "interview" and kiosk.isVisible()
    assert kiosk.message.isVisible() and kiosk.message.title.text() == "无法计算结果"
    assert "evaluation failed" in caplog.text
    kiosk.message_button.click()
    kiosk.finish_button.click()
    kiosk.wipe_button.click()
    assert kiosk.current_screen() == "start"

# -- touch and languages ---------------------------------------------------------------------------

def test_touch_targets_and_no_keyboard_for_numbers_and_dates(qtbot, make_kiosk):
    from PySide6.QtWidgets import QLineEdit, QPushButton, QScrollArea, QScroller

    from ui.touch_inputs import DateSteppers, NumberPad
    kiosk = make_kiosk()
    kiosk.start_button.click()
    kiosk.visitor.set_profile(copy.deepcopy(PROFILE))
    project_id = PROFILE["projects"][0]["id"]
    for fact, kind in (("project.capacity_kw", NumberPad), ("project.grid_connected_on", DateSteppers)):
        kiosk.interview.open_field(fact, project_id)
        qtbot.wait(10)
        assert isinstance(kiosk.interview.fields[0].editor, kind)
        for button in kiosk.findChildren(QPushButton):
            if button.isVisible():
                assert button.height() >= 48, button.text()
        # an on-screen pad or steppers: nothing to type on a keyboard
        assert all(e.isReadOnly() for e in kiosk.findChildren(QLineEdit) if e.isVisible())
    kiosk.interview.open_review()
    lists = [a for a in kiosk.interview.findChildren(QScrollArea) if a.isVisible()]
    assert lists and all(QScroller.hasScroller(a.viewport()) for a in lists)


def test_the_language_toggle_retranslates_the_kiosk(make_kiosk):
    from PySide6.QtWidgets import QLabel
    kiosk = make_kiosk()
    assert kiosk.start_button.text() == "开始" and kiosk.finish_button.text() == "完成（清除）"
    kiosk.hant_button.click()
    assert kiosk.start_button.text() == "開始" and kiosk.finish_button.text() == "完成（清除）"
    assert "自助查詢" in kiosk.start_title.text()
    kiosk.start_button.click()
    assert "回答問題" in kiosk.steps_label.text() and "下一步" in kiosk.interview.next_button.text()
    assert "請填寫企業名稱" in kiosk.interview.findChild(QLabel, "ivQuestion").text()
    kiosk.hans_button.click()
    assert "回答问题" in kiosk.steps_label.text() and kiosk.hans_button.isChecked()
    assert "请填写企业名称" in kiosk.interview.findChild(QLabel, "ivQuestion").text()


# -- issue 17: screen sizes, touch targets, time and mistakes ---------------------------------------

SCREENS = ((1366, 768), (1920, 1080), (1080, 1920))


def visit_every_page(kiosk, qtbot):
    """Each kiosk page and overlay in turn, yielding its name while it is shown."""
    from ui.kiosk_interview import Screen
    kiosk.start_button.click()
    kiosk.visitor.set_profile(copy.deepcopy(PROFILE))
    interview = kiosk.interview
    project_id = PROFILE["projects"][0]["id"]

    def at(show):
        kiosk.show_screen("interview")
        show()
    steps = [("start", lambda: kiosk.show_screen("start")),
             ("interview", lambda: at(interview.restart)),
             ("interview-type", lambda: at(lambda: interview._go(Screen("ptype")))),
             ("interview-projects", lambda: at(lambda: interview._go(Screen("projects")))),
             ("interview-number", lambda: at(lambda: interview.open_field("project.capacity_kw",
                                                                          project_id))),
             ("interview-date", lambda: at(lambda: interview.open_field("project.grid_connected_on",
                                                                        project_id))),
             ("interview-review", lambda: at(interview.open_review)),
             ("results", lambda: kiosk.show_screen("results")),
             ("qr", lambda: (kiosk.show_screen("results"), kiosk.show_qr())),
             ("print", lambda: kiosk.show_screen("print")),
             ("confirm", kiosk.ask_print),
             ("wipe-confirm", kiosk.ask_wipe),
             ("countdown", kiosk.idle),
             ("pin", kiosk.ask_admin),
             ("admin", lambda: kiosk._pin_accepted(PIN)),
             ("data", kiosk.show_data)]
    for name, show in steps:
        for overlay in kiosk.overlays:
            overlay.hide()
        kiosk.tick_timer.stop()
        show()
        qtbot.wait(30)
        yield name


def visible_interactive(kiosk):
    """(description, QRect in window coordinates) of every widget a finger may need to hit."""
    from PySide6.QtCore import QPoint, QRect
    from PySide6.QtWidgets import (
        QAbstractButton,
        QAbstractItemView,
        QAbstractSpinBox,
        QComboBox,
        QLineEdit,
        QTabBar,
    )
    kinds = (QAbstractButton, QComboBox, QLineEdit, QAbstractSpinBox)
    for widget in kiosk.findChildren(QWidget):
        if not widget.isVisibleTo(kiosk) or not widget.isVisible():
            continue
        if isinstance(widget.parentWidget(), (QComboBox, QAbstractSpinBox)):
            continue                    # the editor inside a combo or spin box: the box is the target
        if widget.metaObject().className() == "QTableCornerButton" and not widget.isEnabled():
            continue                    # a table's corner, switched off in the kiosk: does nothing
        if isinstance(widget, QTabBar):
            for i in range(widget.count()):
                r = widget.tabRect(i)
                yield f"tab {widget.tabText(i)}", QRect(widget.mapTo(kiosk, r.topLeft()), r.size())
        elif isinstance(widget, QAbstractItemView):
            model = widget.model()
            if model is None:
                continue
            for row in range(min(model.rowCount(), 8)):
                r = widget.visualRect(model.index(row, 0))
                if r.isValid() and not r.isEmpty():
                    yield f"row {row} of {widget.objectName() or type(widget).__name__}", r.translated(
                        widget.viewport().mapTo(kiosk, QPoint(0, 0)))
        elif isinstance(widget, kinds):
            text = widget.text() if hasattr(widget, "text") else type(widget).__name__
            yield f"{type(widget).__name__} {text!r}", QRect(widget.mapTo(kiosk, widget.rect().topLeft()),
                                                              widget.size())


def in_scrolled_content(widget) -> bool:
    """True for a widget inside a scroll area's content (a field of a long form), which scrolls;
    the step's own buttons never are."""
    from PySide6.QtWidgets import QAbstractScrollArea
    parent = widget.parentWidget()
    while parent is not None:
        outer = parent.parentWidget()
        if isinstance(outer, QAbstractScrollArea) and parent is outer.viewport():
            return True
        parent = outer
    return False


@pytest.mark.parametrize("large", [False, True])
@pytest.mark.parametrize("width, height", SCREENS)
def test_every_page_fits_the_screen_and_every_target_is_big(qtbot, make_kiosk, width, height, large):
    """At 1366×768, 1920×1080 and portrait 1080×1920 (and in 大字模式) the window takes the screen's
    size (its minimum is smaller), every visible button lies inside it, and every interactive
    widget, tab and list row is at least 48 px both ways."""
    from PySide6.QtWidgets import QAbstractButton
    kiosk = make_kiosk()
    kiosk.large_button.setChecked(large)
    kiosk.setGeometry(0, 0, width, height)
    qtbot.wait(20)
    assert (kiosk.width(), kiosk.height()) == (width, height)
    window = kiosk.rect()
    seen = set()
    for page in visit_every_page(kiosk, qtbot):
        seen.add(page)
        assert (kiosk.width(), kiosk.height()) == (width, height), page
        for button in kiosk.findChildren(QAbstractButton):
            if button.isVisible() and not in_scrolled_content(button):
                r = button.rect().translated(button.mapTo(kiosk, button.rect().topLeft()))
                assert window.contains(r), (page, button.text(), r)
        small = [(what, r.width(), r.height()) for what, r in visible_interactive(kiosk)
                 if r.height() < 48 or r.width() < 48]
        assert not small, (page, small)
    assert len(seen) == 16


def test_no_hint_names_a_key(qtbot, make_kiosk):
    from PySide6.QtWidgets import QLabel, QTextBrowser
    kiosk = make_kiosk()
    for page in visit_every_page(kiosk, qtbot):
        texts = [w.text() for w in kiosk.findChildren(QLabel) if w.isVisible()]
        texts += [w.toPlainText() for w in kiosk.findChildren(QTextBrowser) if w.isVisible()]
        assert not [t for t in texts if "Enter" in t or "按键" in t or " 键" in t], page


def test_the_idle_warning_gives_twenty_seconds_and_one_tap_continues(qtbot, bundled_db, clock):
    from ui.kiosk import COUNTDOWN_SECONDS, KioskWindow
    assert COUNTDOWN_SECONDS >= 20
    kiosk = KioskWindow(bundled_db, make_settings(), pin_clock=clock)     # the real defaults
    qtbot.addWidget(kiosk)
    kiosk.show()
    try:
        assert kiosk.countdown_seconds >= 20
        kiosk.start_button.click()
        kiosk.visitor.set_profile(copy.deepcopy(PROFILE))
        kiosk.idle()
        assert kiosk.countdown.isVisible() and "30 秒" in kiosk.countdown.text.text()
        kiosk.continue_button.click()                      # one tap
        assert not kiosk.countdown.isVisible() and kiosk.visitor.profile()["company"]
        assert not kiosk.tick_timer.isActive()
    finally:
        kiosk._unlocked = True
        kiosk.close()


@pytest.mark.parametrize("width, height", SCREENS)
def test_finish_asks_once_and_is_far_from_the_language_buttons(qtbot, make_kiosk, width, height):
    kiosk = make_kiosk()
    kiosk.setGeometry(0, 0, width, height)
    kiosk.start_button.click()
    kiosk.visitor.set_profile(copy.deepcopy(PROFILE))
    qtbot.wait(20)
    finish = kiosk.finish_button.geometry()
    for button in (kiosk.hans_button, kiosk.hant_button, kiosk.large_button):
        other = button.geometry()
        assert other.left() - finish.right() >= 200, (button.text(), finish, other)
    form = kiosk.visitor
    kiosk.finish_button.click()
    assert kiosk.wipe_confirm.isVisible() and kiosk.wipe_confirm.title.text() == "清除本次填写的全部内容？"
    kiosk.wipe_cancel.click()                  # a slip costs nothing
    assert kiosk.visitor is form and form.profile()["company"]["name"] == PROFILE["company"]["name"]
    kiosk.finish_button.click()
    kiosk.wipe_button.click()
    assert kiosk.current_screen() == "start" and kiosk.visitor is not form
    assert not kiosk.wipe_confirm.isVisible()


@needs_poppler
def test_the_language_toggle_rerenders_the_checklist_at_the_print_step(qtbot, make_kiosk):
    kiosk = make_kiosk()
    kiosk.start_button.click()
    kiosk.visitor.set_profile(copy.deepcopy(PROFILE))
    kiosk.show_screen("print")

    def pdf_text():
        qtbot.waitUntil(lambda: kiosk.checklist.rendered is not None and not kiosk.checklist.is_busy(),
                        timeout=30000)
        return subprocess.run(["pdftotext", "-", "-"], input=kiosk.checklist.rendered.pdf,
                              capture_output=True, check=True).stdout.decode()

    assert "申请材料清单" in pdf_text()
    kiosk.hant_button.click()
    assert kiosk.current_screen() == "print" and kiosk.checklist.lang() == "zh-Hant"
    assert "申請材料清單" in pdf_text()
    kiosk.hans_button.click()
    assert "申请材料清单" in pdf_text()


def test_the_start_screen_says_when_the_kiosk_cannot_print(qtbot, make_kiosk, cups_server):
    kiosk = make_kiosk(make_settings(kiosk_printer="gm-no-such-printer"))
    qtbot.waitUntil(lambda: kiosk.printer_task is None, timeout=10000)     # asked on the worker
    assert kiosk.start_printer.isVisible()
    assert kiosk.start_printer.text() == "本机暂不能打印，可在屏幕上查看结果"
    assert "gm-no-such-printer" not in kiosk.start_text.text() + kiosk.start_printer.text()
    kiosk.ask_admin()
    enter(kiosk, PIN)
    qtbot.waitUntil(lambda: kiosk.printer_task is None, timeout=10000)
    assert kiosk.current_screen() == "admin" and kiosk.admin_printer.isVisible()
    assert "gm-no-such-printer" in kiosk.admin_printer.text()      # what staff must fix, here only
    ready = make_kiosk(make_settings(kiosk_printer="gm-test"))
    qtbot.waitUntil(lambda: ready.printer_task is None, timeout=10000)
    assert not ready.start_printer.isVisible() and ready.printer_trouble is None


def test_the_printer_is_checked_on_the_worker_and_the_start_screen_stays_responsive(
        qtbot, make_kiosk, monkeypatch):
    """lpstat can hang for seconds: the check runs off the UI thread; its answer shows when it comes."""
    import threading

    asked: list[str] = []
    release = threading.Event()

    def slow_problem(name):
        asked.append(threading.current_thread().name)
        release.wait(10)
        return "lpstat: 打印服务无响应"
    monkeypatch.setattr("ui.kiosk.print_step.printer_problem", slow_problem)
    kiosk = make_kiosk()
    assert kiosk.current_screen() == "start" and kiosk.printer_task is not None
    assert not kiosk.start_printer.isVisible()            # not known yet; the screen is already up
    kiosk.start_button.click()                            # and answers a touch meanwhile
    assert kiosk.current_screen() == "interview"
    release.set()
    qtbot.waitUntil(lambda: kiosk.printer_task is None, timeout=10000)
    assert asked and threading.main_thread().name not in asked
    assert kiosk.printer_trouble == "lpstat: 打印服务无响应"
    kiosk.show_screen("start")
    assert kiosk.start_printer.isVisible()


def test_a_missing_fact_leads_to_its_question(qtbot, make_kiosk):
    kiosk = make_kiosk()
    kiosk.start_button.click()
    profile = copy.deepcopy(PROFILE)
    del profile["projects"][0]["capacity_kw"]
    kiosk.visitor.set_profile(profile)
    kiosk.show_screen("results")
    project = profile["projects"][0]["id"]
    kiosk.results.missingFieldRequested.emit("project.capacity_kw", project)
    assert kiosk.current_screen() == "interview" and "● 1" in kiosk.steps_label.text()
    [field] = kiosk.interview.fields
    assert (field.project_id, field.fact) == (project, "project.capacity_kw")
    assert field.editor.isVisible()
    kiosk.show_screen("results")
    kiosk.results.missingFieldRequested.emit("company.name", None)
    assert kiosk.current_screen() == "interview"
    assert [(f.project_id, f.fact) for f in kiosk.interview.fields] == [(None, "company.name")]


def test_the_start_screen_names_the_district_in_one_script(qtbot, make_kiosk):
    """The district's name is data in Simplified Chinese: in 繁 it is converted like the rest of
    the line (it read 罗湖区政务服务大廳)."""
    from core.i18n import unconverted_characters

    kiosk = make_kiosk(make_settings(kiosk_district="luohu"))
    assert kiosk.start_district.text() == "罗湖区政务服务大厅"
    kiosk.hant_button.click()
    text = kiosk.start_district.text()
    assert "羅湖區" in text and unconverted_characters(text, current_language()) == set(), text
    kiosk.ask_admin()
    enter(kiosk, PIN)
    names = [kiosk.district_combo.itemText(i) for i in range(kiosk.district_combo.count())]
    assert "羅湖區" in names and not any(unconverted_characters(n, current_language()) for n in names)


def test_the_administrator_page_shows_a_repaired_measures_cache(qtbot, make_kiosk, bundled_db, monkeypatch):
    """The desktop tells a damaged cache in its status bar; the kiosk has none: staff read it on
    the administrator page (the visitor's screens say nothing)."""
    from core.measures.store import CacheNotice

    monkeypatch.setattr(bundled_db, "notice", CacheNotice(rebuilt=True, folder=Path("/tmp")), raising=False)
    kiosk = make_kiosk()
    assert "缓存" not in kiosk.start_text.text() + kiosk.start_district.text()
    kiosk.ask_admin()
    enter(kiosk, PIN)
    assert kiosk.current_screen() == "admin"
    assert CacheNotice.REBUILT in kiosk.admin_data.text()


def test_large_type_on_every_screen_and_the_wipe_resets_it(qtbot, make_kiosk):
    kiosk = make_kiosk()
    normal = kiosk.start_title.fontInfo().pixelSize()
    for page in visit_every_page(kiosk, qtbot):
        if page in ("start", "interview", "results", "print"):
            assert kiosk.large_button.isVisible(), page
    kiosk.show_screen("start")
    kiosk.large_button.click()
    assert kiosk.start_title.fontInfo().pixelSize() > normal
    assert kiosk.large_button.text().startswith("✓")       # on/off told by a mark, not by colour alone
    assert kiosk.hans_button.text().startswith("✓") and not kiosk.hant_button.text().startswith("✓")
    kiosk.start_button.click()
    kiosk.wipe()
    assert not kiosk.large_button.isChecked() and not kiosk.large_button.text().startswith("✓")
    assert kiosk.start_title.fontInfo().pixelSize() == normal


def decode_qr(pixmap) -> str:
    """The text a phone would read from the QR code on the screen (zxing-cpp)."""
    zxingcpp = pytest.importorskip("zxingcpp")
    from PIL import Image
    from PySide6.QtCore import QBuffer, QIODevice
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    pixmap.save(buffer, "PNG")
    import io
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(bytes(buffer.data()))))
    assert len(found) == 1
    return found[0].text


def test_the_qr_summary_names_the_supports_and_documents_but_not_the_uscc(bundled_db):
    from core.engine.evaluate import Engine
    from ui.kiosk.qr import MAX_BYTES, summary_text
    evaluation = Engine.for_database(bundled_db).evaluate(PROFILE, dt.date(2025, 6, 1))
    eligible = [r for r in evaluation.results if r.plannable]
    assert eligible
    text = summary_text(evaluation, PROFILE)
    assert PROFILE["company"]["name"] in text and PROFILE["company"]["uscc"] not in text
    assert f"可申请（{len(eligible)} 项）" in text
    for r in eligible:
        assert r.citation in text
    assert "需准备的材料" in text and "营业执照" in text
    assert len(text.encode()) <= MAX_BYTES
    set_language("zh-Hant")
    try:
        hant = summary_text(evaluation, PROFILE)
    finally:
        set_language("zh-Hans")
    assert "可申請" in hant and "需準備的材料" in hant and "营业执照" not in hant


def test_the_qr_code_holds_the_summary_and_goes_with_the_wipe(qtbot, make_kiosk):
    kiosk = make_kiosk()
    kiosk.start_button.click()
    kiosk.visitor.set_profile(copy.deepcopy(PROFILE))
    kiosk.show_screen("interview")
    assert not kiosk.qr_button.isVisible()
    kiosk.show_screen("results")
    assert kiosk.qr_button.isVisible()
    kiosk.qr_button.click()
    assert kiosk.qr.isVisible()
    text = kiosk.qr_text.text()
    assert PROFILE["company"]["name"] in text and PROFILE["company"]["uscc"] not in text
    assert decode_qr(kiosk.qr_image.pixmap()) == text      # what the phone reads is what is shown
    kiosk.qr_close.click()
    kiosk.finish_button.click()
    kiosk.wipe_button.click()
    assert kiosk.qr_image.pixmap().isNull() and kiosk.qr_text.text() == "" and not kiosk.qr.isVisible()


def test_the_wipe_leaves_no_answer_of_the_interview_in_any_widget(qtbot, make_kiosk):
    from tests.test_ui_kiosk_interview import fill_identity_and_project, visitor_strings
    kiosk = make_kiosk()
    kiosk.start_button.click()
    fill_identity_and_project(kiosk.interview, qtbot)
    kiosk.interview.open_review()
    assert visitor_strings(kiosk)                  # seen while the visitor is there
    old = (kiosk.visitor, kiosk.results, kiosk.checklist, kiosk.interview)
    kiosk.finish_button.click()
    kiosk.wipe_button.click()
    wait_deleted(qtbot, old)
    assert visitor_strings(kiosk) == []
    assert_wiped(kiosk, old)
