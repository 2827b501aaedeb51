"""Kiosk mode for district service halls (docs/kiosk.md): a guided, locked, forgetful window.

A visitor walks up, touches 开始, answers the guided interview (the company, its projects, the
deciding questions one per screen, a review: ui/kiosk_interview.py), sees the results and prints the
application checklist; 完成（清除） or an idle timeout wipes everything and the start
screen returns for the next visitor.

- **Nothing on disk.** No profile store, no autosave, no recent files, no file dialogs; the
  checklist goes to the printer as bytes (ui/printing.py: CUPS reads it from ``lp``'s stdin).
  Only the administrator's settings page writes the configuration file.
- **The wipe rebuilds.** The form, the results and the checklist panel are deleted
  (``deleteLater``) and made anew, so no widget, model or rendered page of the last visitor stays
  reachable from the window.
- **Locked.** ``closeEvent`` is refused until an administrator unlocks with the PIN (only its
  salted scrypt hash is stored, core.kiosk); Alt+F4, Ctrl+Q and Ctrl+W are swallowed by an
  application-wide event filter. Wrong PINs are counted on disk with an escalating lockout
  (core.kiosk.PinLock). **Fail closed**: with no usable PIN hash (settings.json missing, damaged,
  or a hash that is empty, malformed or weak) the kiosk serves no visitor and offers no
  administration, only a "not set up" page; the administrator sets the PIN with
  ``main.py kiosk set-pin`` (core/kiosk_cli.py), never on the visitor's screen.
- **No trace.** The wipe also empties the clipboard; a printed job is purged from the CUPS spool
  once it has printed (core.printing.purge_when_done).
- **Touch.** Buttons and inputs are at least 44 px high (56 px here), type is large, lists and
  pages scroll by swiping (QScroller), numeric and date fields ask for the numeric keypad.
- **Measures data.** Behind the PIN, the 措施数据 page shows the data in use and whether it is out
  of date, and imports a signed pack found on a USB stick (or in Downloads): the kiosk has no file
  dialog, so the page lists the ``*.gmpack`` files it finds (ui/measures_update.py). Verifying and
  importing run on the worker thread; the visitor's widgets are then rebuilt on the new data.

Timeouts are constructor arguments (milliseconds) so tests can make them short; the PIN lock's
clock is one too (``pin_clock``), so tests move time instead of sleeping.
"""
from __future__ import annotations

import datetime as dt
import logging
import math
import time
from collections.abc import Callable
from pathlib import Path

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QClipboard, QFont, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QScroller,
    QSpinBox,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from core.engine.evaluate import Engine
from core.i18n import _, current_language, set_language
from core.kiosk import (
    FREE_ATTEMPTS,
    PIN_MAX_LENGTH,
    PinError,
    PinLock,
    PinLocked,
    hash_pin,
    pin_problem,
    stored_hash_problem,
)
from core.measures.installed import import_pack
from core.measures.labels import enum_labels
from core.measures.pack import PackError
from core.measures.staleness import HOW_TO_UPDATE
from core.measures.store import DatabaseError, MeasuresDB
from core.printing import purge_when_done as cups_purge_when_done
from core.settings import Settings, SettingsError
from ui.checklist_dialog import ChecklistPanel
from ui.kiosk_interview import KioskInterview
from ui.language import follow_language
from ui.measures_status import staleness_lines
from ui.measures_update import check_pack_file, find_packs, pack_roots, refusing
from ui.profile_form import ProfileForm
from ui.results_view import ResultsView
from ui.tasks import run_task
from ui.widgets import DateEdit

log = logging.getLogger(__name__)

EVALUATE_DELAY_MS = 150
QR_PIXELS = 400               # the QR code's side: readable by a phone, fits a 768 px high screen
COUNTDOWN_SECONDS = 30        # the idle warning: at least 20 s to read it and tap 继续使用
STEPS = ("interview", "results", "print")
ESCAPE_KEYS = {(Qt.Key.Key_F4, Qt.KeyboardModifier.AltModifier),
               (Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier),
               (Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier)}
ACTIVITY = {QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonRelease, QEvent.Type.MouseMove,
            QEvent.Type.Wheel, QEvent.Type.KeyPress, QEvent.Type.TouchBegin, QEvent.Type.TouchUpdate,
            QEvent.Type.TouchEnd, QEvent.Type.InputMethod}
DISTRICTS = ("futian", "luohu", "yantian", "nanshan", "baoan", "longgang", "longhua", "pingshan",
             "guangming", "dapeng", "shenshan")

# Every interactive widget is at least 48 px both ways (a fingertip, not a mouse pointer):
# buttons, fields, check boxes, tabs, list and tree rows. Colour is never the only cue: a checked
# toggle also has a thick border and a ✓, a disabled button a dashed border.
STYLE = """
KioskWindow { background: #f4f7f5; }
QPushButton { min-height: 56px; min-width: 48px; padding: 6px 28px; font-size: 22px; border-radius: 10px;
              border: 2px solid #1e7b34; background: white; color: #1e7b34; }
QPushButton:disabled { border: 2px dashed #b8c4bb; color: #9aa59d; }
QPushButton:checked { border-width: 4px; }
QPushButton#primary { background: #1e7b34; color: white; }
QPushButton#primary:disabled { background: #b8c4bb; color: white; }
QPushButton#big { min-height: 120px; min-width: 360px; font-size: 40px; background: #1e7b34; color: white; }
QPushButton#lang { min-width: 56px; padding: 6px 12px; }
QPushButton#lang:checked { background: #1e7b34; color: white; }
QPushButton#finish { border-color: #b42318; color: #b42318; }
QPushButton#admin { border: none; background: transparent; color: #6b7770; min-width: 56px; font-size: 18px; }
QPushButton#digit { min-height: 64px; min-width: 96px; font-size: 30px; }
QToolButton { min-height: 48px; min-width: 48px; font-size: 20px; }
QLabel, QCheckBox, QRadioButton, QGroupBox, QListWidget, QTreeView, QTextBrowser, QTabBar { font-size: 20px; }
QCheckBox, QRadioButton { min-height: 48px; min-width: 48px; }
QLabel[role="note"] { font-size: 17px; }
QCheckBox::indicator, QListWidget::indicator, QTreeView::indicator { width: 28px; height: 28px; }
QLineEdit, QComboBox, QAbstractSpinBox { min-height: 48px; min-width: 48px; font-size: 20px; }
QComboBox QAbstractItemView::item { min-height: 48px; }
QLineEdit#pin { font-size: 32px; min-height: 56px; }
QListWidget::item, QListView::item, QTreeView::item { min-height: 48px; }
QTabBar::tab { min-height: 48px; min-width: 48px; padding: 4px 20px; }
QScrollBar:vertical { width: 24px; }
QScrollBar:horizontal { height: 24px; }
QLabel#title { font-size: 40px; font-weight: bold; color: #1e7b34; }
QLabel#subtitle { font-size: 26px; }
QLabel#steps { font-size: 22px; }
QLabel#brand { font-size: 24px; font-weight: bold; color: #1e7b34; }
QLabel#printerNote { font-size: 22px; color: #7a4b00; }
QWidget#overlay { background: rgba(0, 0, 0, 150); }
QFrame#card { background: white; border-radius: 18px; }
QLabel#cardTitle { font-size: 32px; font-weight: bold; }
QLabel#cardText { font-size: 24px; }
QLabel#problem { color: #b42318; font-size: 22px; }
QScrollArea#page { background: transparent; border: none; }
QWidget#pageBody { background: transparent; }
"""
# 大字模式 (for older visitors): larger type everywhere and darker, higher-contrast text and borders.
LARGE_STYLE = """
KioskWindow { background: white; }
QLabel, QCheckBox, QRadioButton, QGroupBox, QListWidget, QTreeView, QTextBrowser, QTabBar {
    font-size: 27px; color: black; }
QLineEdit, QComboBox, QAbstractSpinBox { font-size: 27px; min-height: 56px; color: black; }
QPushButton { font-size: 28px; min-height: 64px; border: 3px solid #0b4d1c; color: #0b4d1c; }
QPushButton#primary, QPushButton#lang:checked { background: #0b4d1c; color: white; }
QPushButton#finish { border-color: #8a1a12; color: #8a1a12; }
QPushButton#admin { color: #333333; font-size: 22px; }
QLabel[role="note"] { font-size: 23px; }
QLabel#title { font-size: 48px; color: #0b4d1c; }
QLabel#subtitle, QLabel#cardText { font-size: 32px; color: black; }
QLabel#steps { font-size: 28px; }
QLabel#cardTitle { font-size: 38px; }
QLabel#problem { color: #8a1a12; font-size: 28px; }
QLabel#printerNote { font-size: 28px; color: #5a3500; }
QTabBar::tab { min-height: 56px; }
QListWidget::item, QListView::item, QTreeView::item { min-height: 56px; }
"""


def clear_clipboard() -> None:
    """Empty the clipboard and, where there is one (X11), the selection: a visitor's copied text
    must not be pasted by the next one."""
    board = QGuiApplication.clipboard()
    board.clear(QClipboard.Mode.Clipboard)
    if board.supportsSelection():
        board.clear(QClipboard.Mode.Selection)
    if board.supportsFindBuffer():
        board.clear(QClipboard.Mode.FindBuffer)


def touch_scroll(view) -> None:
    """Swipe to scroll a QAbstractScrollArea (a finger drags the content, with momentum)."""
    if isinstance(view, QAbstractItemView):
        view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
    QScroller.grabGesture(view.viewport(), QScroller.ScrollerGestureType.LeftMouseButtonGesture)


def _button(text: str = "", name: str = "") -> QPushButton:
    button = QPushButton(text)
    if name:
        button.setObjectName(name)
    button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    return button


def _button_row(left: list[QPushButton], right: QPushButton) -> QHBoxLayout:
    """Buttons along the bottom of an administrator's page, the way back (or out) on the right."""
    row = QHBoxLayout()
    row.setSpacing(24)
    for button in left:
        row.addWidget(button)
    row.addStretch(1)
    row.addWidget(right)
    return row


def _scroll_page(body: QLayout, footer: QLayout | None = None, margins: int = 48) -> QWidget:
    """A page whose content scrolls (by swiping) while its buttons stay in a fixed footer, so a
    small or portrait screen never hides the way on below the fold."""
    inner = QWidget()
    inner.setObjectName("pageBody")
    inner.setLayout(body)
    scroll = QScrollArea()
    scroll.setObjectName("page")
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    scroll.setWidget(inner)
    touch_scroll(scroll)
    page = QWidget()
    column = QVBoxLayout(page)
    column.setContentsMargins(margins, 16, margins, 16)
    column.setSpacing(16)
    column.addWidget(scroll, 1)
    if footer is not None:
        column.addLayout(footer)
    return page


class _Guard(QObject):
    """Application-wide: swallows the escape shortcuts, reports activity, sets keypad hints."""

    def __init__(self, window: KioskWindow):
        super().__init__(window)
        self.window = window

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt API
        kind = event.type()
        if kind in (QEvent.Type.KeyPress, QEvent.Type.ShortcutOverride):
            mods = event.modifiers() & (Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.ControlModifier
                                        | Qt.KeyboardModifier.ShiftModifier)
            if (event.key(), mods) in ESCAPE_KEYS:
                event.accept()
                return True
        if kind in ACTIVITY:
            self.window.activity()
        elif kind == QEvent.Type.Polish:
            fit_for_touch(obj)
        return False


def fit_for_touch(obj) -> None:
    """Adapt a widget as it is first shown (the form makes its fields as it goes): keypad hints
    for dates, no 19 px ✕ in line edits, table rows a finger can pick."""
    if isinstance(obj, DateEdit):
        obj.setInputMethodHints(Qt.InputMethodHint.ImhFormattedNumbersOnly
                                | Qt.InputMethodHint.ImhPreferNumbers
                                | Qt.InputMethodHint.ImhNoPredictiveText)
    if isinstance(obj, QLineEdit):
        obj.setClearButtonEnabled(False)     # the on-screen keyboard deletes; the ✕ is too small
    elif isinstance(obj, QTableView):
        obj.verticalHeader().setMinimumSectionSize(48)
        obj.verticalHeader().setDefaultSectionSize(56)
        obj.setCornerButtonEnabled(False)   # the sliver left of the header does nothing then


class Overlay(QWidget):
    """A dimmed in-window layer with a card: countdown, confirmation, message (never a native modal)."""

    def __init__(self, parent: QWidget):
        super().__init__(parent)
        self.setObjectName("overlay")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.card = QFrame()
        self.card.setObjectName("card")
        self.card.setMinimumWidth(640)
        self.card.setMaximumWidth(960)
        self.title = QLabel()
        self.title.setObjectName("cardTitle")
        self.title.setWordWrap(True)
        self.text = QLabel()
        self.text.setObjectName("cardText")
        self.text.setWordWrap(True)
        self.body = QVBoxLayout(self.card)
        self.body.setContentsMargins(40, 32, 40, 32)
        self.body.setSpacing(24)
        self.body.addWidget(self.title)
        self.body.addWidget(self.text)
        self.buttons = QHBoxLayout()
        self.buttons.setSpacing(24)
        self.buttons.addStretch(1)
        self.body.addLayout(self.buttons)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.card, 3)
        row.addStretch(1)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(1)
        self.hide()

    def add_button(self, name: str = "") -> QPushButton:
        button = _button(name=name)
        self.buttons.addWidget(button)
        return button

    def open(self, title: str, text: str) -> None:
        self.title.setText(title)
        self.text.setText(text)
        self.setGeometry(self.parentWidget().rect())
        self.raise_()
        self.show()


class PinPad(Overlay):
    """Digits on screen (no keyboard needed); checks the administrator PIN through the lockout.

    The pause after a wrong PIN and the lockout live in core.kiosk.PinLock (on disk), not here:
    取消 and reopening the pad, or restarting the kiosk, find the pad as locked as it was. While
    locked the pad shows the time left and its digits and 确定 are disabled."""

    accepted = Signal(str)          # the PIN, once verified

    def __init__(self, parent: QWidget, settings: Settings, lock: PinLock):
        super().__init__(parent)
        self.settings, self.lock = settings, lock
        self.display = QLineEdit()
        self.display.setObjectName("pin")
        self.display.setReadOnly(True)
        self.display.setMaxLength(PIN_MAX_LENGTH)
        self.display.setEchoMode(QLineEdit.EchoMode.Password)
        self.display.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.problem = QLabel()
        self.problem.setObjectName("problem")
        self.problem.setWordWrap(True)
        grid = QGridLayout()
        self.digits: dict[str, QPushButton] = {}
        for i, d in enumerate("123456789"):
            self.digits[d] = self._digit(d, grid, i // 3, i % 3)
        self.clear_button = _button(name="digit")
        self.clear_button.clicked.connect(self.display.clear)
        grid.addWidget(self.clear_button, 3, 0)
        self.digits["0"] = self._digit("0", grid, 3, 1)
        self.back_button = _button("⌫", "digit")
        self.back_button.clicked.connect(self.display.backspace)
        grid.addWidget(self.back_button, 3, 2)
        self.body.insertWidget(2, self.display)
        self.body.insertLayout(3, grid)
        self.body.insertWidget(4, self.problem)
        # Compact enough that the whole pad, 确定 and 取消 included, fits a 768 px high screen.
        self.body.setSpacing(12)
        self.body.setContentsMargins(32, 20, 32, 20)
        grid.setSpacing(10)
        self.cancel_button = self.add_button()
        self.cancel_button.clicked.connect(self.hide)
        self.ok_button = self.add_button("primary")
        self.ok_button.clicked.connect(self.submit)
        self.card.setMaximumWidth(720)
        self.wait_timer = QTimer(self, interval=250)      # counts the lock down on screen
        self.wait_timer.timeout.connect(self.refresh)
        self.retranslate()

    def _digit(self, d: str, grid: QGridLayout, row: int, col: int) -> QPushButton:
        button = _button(d, "digit")
        button.clicked.connect(lambda: self.display.insert(d))
        grid.addWidget(button, row, col)
        return button

    def retranslate(self) -> None:
        self.clear_button.setText(_("清空"))
        self.cancel_button.setText(_("取消"))
        self.ok_button.setText(_("确定"))
        if self.isVisible():
            self.refresh()

    def ask(self) -> None:
        self.display.clear()
        self.problem.clear()
        self.open(_("管理员登录"), _("请输入管理密码（4 至 12 位数字）。"))
        self.refresh()

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt API
        text = event.text()
        if text.isdigit() and text.isascii():
            if self.ok_button.isEnabled():
                self.display.insert(text)
        elif event.key() == Qt.Key.Key_Backspace:
            self.display.backspace()
        elif event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.submit()
        elif event.key() == Qt.Key.Key_Escape:
            self.hide()

    def _enable(self, on: bool) -> None:
        for button in (*self.digits.values(), self.clear_button, self.back_button, self.ok_button):
            button.setEnabled(on)

    def locked_text(self, seconds: float) -> str:
        whole = max(1, math.ceil(seconds))
        left = (_("{minutes} 分 {seconds} 秒").format(minutes=whole // 60, seconds=whole % 60)
                if whole >= 60 else _("{seconds} 秒").format(seconds=whole))
        if self.lock.failures >= FREE_ATTEMPTS:
            return _("密码错误次数过多，管理登录已锁定。请在 {time}后再试。").format(time=left)
        return _("密码不正确，请在 {time}后再试。").format(time=left)

    def refresh(self) -> None:
        """Enable the pad, or disable it and show the time left while the lock holds."""
        left = self.lock.remaining()
        self._enable(left <= 0)
        if left > 0:
            self.display.clear()
            self.problem.setText(self.locked_text(left))
            if not self.wait_timer.isActive():
                self.wait_timer.start()
        else:
            self.wait_timer.stop()
            if self.lock.failures:
                self.problem.setText(_("密码不正确，可以再试。"))

    def submit(self) -> None:
        if not self.ok_button.isEnabled():
            return
        pin = self.display.text()
        self.display.clear()
        try:
            right = self.lock.attempt(pin, self.settings.get("kiosk_pin_hash"))
        except PinLocked:
            self.refresh()
            return
        except PinError as exc:
            self.problem.setText(str(exc))
            return
        if right:
            self.wait_timer.stop()
            self.hide()
            self.accepted.emit(pin)
            return
        self.refresh()


class KioskChecklistPanel(ChecklistPanel):
    """The checklist panel without files, whose problems are shown in the window, not a modal."""

    problem = Signal(str, str)       # title, text
    stateChanged = Signal()

    def __init__(self, parent=None):
        super().__init__(allow_files=False, parent=parent)
        for w in (self.printer, self.direct_button, self.language, self.language_label):
            w.hide()

    def _warn(self, title: str, text: str) -> None:
        self.status.setText(text)
        self.problem.emit(title, text)

    def _update_buttons(self) -> None:
        super()._update_buttons()
        self.stateChanged.emit()

    def retranslate(self) -> None:
        """The kiosk has no script list of its own: the checklist is written in the script the
        visitor reads (简 / 繁 at any step), so the preview is made again when it changes."""
        super().retranslate()
        index = self.language.findData(current_language())
        if index >= 0 and index != self.language.currentIndex():
            self.language.setCurrentIndex(index)       # re-renders (ui/pdf_actions.py)


def printer_problem(name: str | None) -> str | None:
    """Why the kiosk's printer (None: the default) cannot print now, for staff; None when it can."""
    from core.printing import PrintError, check_printer
    from ui import printing
    try:
        if printing.use_cups():
            check_printer(name)
        else:
            printing.qt_printer(name)
    except PrintError as exc:
        return exc.message_zh
    except OSError as exc:          # lpstat could not be run at all
        return str(exc)
    return None


class KioskWindow(QWidget):
    """The kiosk: start → interview → results → print, with wipe, idle and PIN gate."""

    wiped = Signal()

    def __init__(self, db, settings: Settings, *, idle_ms: int | None = None, tick_ms: int = 1000,
                 countdown_seconds: int = COUNTDOWN_SECONDS, pin_clock: Callable[[], float] = time.time,
                 parent=None):
        super().__init__(parent)
        self.setObjectName("kiosk")
        self.settings = settings
        self.db = db
        self.engine = Engine.for_database(db)
        self.measures, self.documents = self.engine.measures, self.engine.documents
        self.purges: list = []                 # threads purging printed jobs from the spool
        self.pack_task = None                  # the scan, verification or import under way
        self.verified = None                   # ui.measures_update.Checked of the pack selected
        self.evaluation = None
        self.as_of = dt.date.today()
        self._unlocked = False
        self._idle_ms = idle_ms
        self.countdown_seconds = countdown_seconds
        self.remaining = 0
        self.setWindowFlags(self.windowFlags() | Qt.WindowType.FramelessWindowHint)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        font = QFont(self.font())
        font.setPixelSize(20)
        self.setFont(font)
        self.setStyleSheet(STYLE)

        # top bar: always there
        self.brand = QLabel()
        self.brand.setObjectName("brand")
        self.steps_label = QLabel()
        self.steps_label.setObjectName("steps")
        self.steps_label.setTextFormat(Qt.TextFormat.RichText)
        self.hans_button = _button("简", "lang")
        self.hant_button = _button("繁", "lang")
        for button, script in ((self.hans_button, "hans"), (self.hant_button, "hant")):
            button.setCheckable(True)
            button.clicked.connect(lambda _c=False, s=script: self.set_script(s))
        self.large_button = _button(name="lang")
        self.large_button.setCheckable(True)
        self.large_button.toggled.connect(self.set_large)
        self.finish_button = _button(name="finish")
        self.finish_button.clicked.connect(self.ask_wipe)
        self.admin_button = _button(name="admin")
        self.admin_button.clicked.connect(self.ask_admin)
        # 完成（清除） sits at the left, by the name, far from 简 / 繁 and 大字模式 on the right:
        # a finger aiming at the language must not wipe the visitor's answers. The step line has
        # a row of its own, so the bar fits a portrait screen 1080 px wide.
        top = QHBoxLayout()
        top.setContentsMargins(24, 12, 24, 4)
        top.setSpacing(16)
        top.addWidget(self.brand)
        top.addSpacing(24)
        top.addWidget(self.finish_button)
        top.addStretch(1)
        top.addWidget(self.large_button)
        top.addSpacing(16)
        top.addWidget(self.hans_button)
        top.addWidget(self.hant_button)
        top.addSpacing(16)
        top.addWidget(self.admin_button)
        self.steps_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.steps_label.setContentsMargins(24, 0, 24, 4)

        # screens
        self.stack = QStackedWidget()
        self.screens: dict[str, QWidget] = {}
        self._build_start()
        self.form_host = self._host("form")         # holds the visitor's profile; never shown
        self.interview_host = self._host("interview")
        self.results_host = self._host("results")
        self.print_host = self._host("print")
        self._build_print_bar()
        self._build_admin()
        self._build_data()
        self._build_unavailable()

        # bottom bar: back / next
        self.back_button = _button()
        self.back_button.clicked.connect(self.back)
        self.next_button = _button(name="primary")
        self.next_button.clicked.connect(self.next)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        bottom = QHBoxLayout()
        bottom.setContentsMargins(24, 12, 24, 24)
        bottom.setSpacing(24)
        bottom.addWidget(self.back_button)
        bottom.addWidget(self.hint, 1)
        self.qr_button = _button()          # the results to take away on a phone
        self.qr_button.clicked.connect(self.show_qr)
        bottom.addWidget(self.qr_button)
        bottom.addWidget(self.next_button)
        self.bottom = QWidget()
        self.bottom.setLayout(bottom)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(top)
        layout.addWidget(self.steps_label)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.bottom)

        # overlays
        self.countdown = Overlay(self)
        self.continue_button = self.countdown.add_button("primary")
        self.continue_button.clicked.connect(self.keep_going)
        self.wipe_now_button = self.countdown.add_button()
        self.wipe_now_button.clicked.connect(self.wipe)
        self.confirm = Overlay(self)
        self.confirm_cancel = self.confirm.add_button()
        self.confirm_cancel.clicked.connect(self.confirm.hide)
        self.confirm_button = self.confirm.add_button("primary")
        self.confirm_button.clicked.connect(self.print_now)
        self.message = Overlay(self)
        self.message_button = self.message.add_button("primary")
        self.message_button.clicked.connect(self.message.hide)
        self._build_qr()
        self.wipe_confirm = Overlay(self)         # 完成（清除） asks once, in the window
        self.wipe_cancel = self.wipe_confirm.add_button()
        self.wipe_cancel.clicked.connect(self.wipe_confirm.hide)
        self.wipe_button = self.wipe_confirm.add_button("finish")
        self.wipe_button.clicked.connect(self.wipe)
        # Beside settings.json: wrong PINs are counted across closing the pad and restarts.
        self.pin_lock = PinLock.beside(settings.path, pin_clock)
        self.pin_pad = PinPad(self, settings, self.pin_lock)
        self.pin_pad.accepted.connect(self._pin_accepted)
        self.overlays = (self.countdown, self.confirm, self.message, self.qr, self.wipe_confirm,
                         self.pin_pad)

        # timers
        self.eval_timer = QTimer(self, singleShot=True, interval=EVALUATE_DELAY_MS)
        self.eval_timer.timeout.connect(self.evaluate)
        self.idle_timer = QTimer(self, singleShot=True)
        self.idle_timer.timeout.connect(self.idle)
        self.tick_timer = QTimer(self, interval=tick_ms)
        self.tick_timer.timeout.connect(self._tick)
        self._apply_idle()

        self.printer_trouble: str | None = None      # why this kiosk cannot print (for staff)
        self.check_printer()
        self.form = self.results = self.checklist = self.interview = None
        self._build_visitor_widgets()
        self.guard = _Guard(self)
        QApplication.instance().installEventFilter(self.guard)
        follow_language(self, self.retranslate)
        self.retranslate()
        problem = stored_hash_problem(settings.get("kiosk_pin_hash"))
        if problem:
            log.warning("kiosk not set up, serving nobody: %s (run: main.py kiosk set-pin)", problem)
        self.show_screen(self._home())
        self.idle_timer.start()

    # -- construction ------------------------------------------------------------------------
    def _host(self, name: str) -> QWidget:
        host = QWidget()
        column = QVBoxLayout(host)
        column.setContentsMargins(24, 0, 24, 0)
        self.stack.addWidget(host)
        self.screens[name] = host
        return host

    def _build_start(self) -> None:
        page = QWidget()
        self.start_title = QLabel()
        self.start_title.setObjectName("title")
        self.start_district = QLabel()
        self.start_district.setObjectName("subtitle")
        self.start_text = QLabel()
        self.start_text.setObjectName("subtitle")
        self.start_text.setWordWrap(True)
        self.start_button = _button(name="big")
        self.start_button.clicked.connect(self.start)
        self.start_printer = QLabel()       # one line when this kiosk cannot print, before anything is typed
        self.start_printer.setObjectName("printerNote")
        self.start_printer.setWordWrap(True)
        column = QVBoxLayout(page)
        column.setSpacing(32)
        column.addStretch(2)
        for label in (self.start_title, self.start_district, self.start_text, self.start_printer):
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            column.addWidget(label)
        column.addSpacing(24)
        column.addWidget(self.start_button, 0, Qt.AlignmentFlag.AlignHCenter)
        column.addStretch(3)
        column.setContentsMargins(48, 0, 48, 0)
        self.stack.addWidget(page)
        self.screens["start"] = page

    def _build_print_bar(self) -> None:
        self.printer_label = QLabel()
        self.printer_label.setWordWrap(True)
        self.print_button = _button(name="primary")
        self.print_button.clicked.connect(self.ask_print)
        row = QHBoxLayout()
        row.setContentsMargins(0, 12, 0, 0)
        row.addWidget(self.printer_label, 1)
        row.addWidget(self.print_button)
        self.print_host.layout().addLayout(row)

    def _build_admin(self) -> None:
        self.admin_title = QLabel()
        self.admin_title.setObjectName("title")
        self.printer_combo = QComboBox()
        self.idle_spin = QSpinBox()
        self.idle_spin.setRange(10, 86400)
        self.idle_spin.setInputMethodHints(Qt.InputMethodHint.ImhDigitsOnly)
        self.district_combo = QComboBox()
        self.kiosk_check = QCheckBox()
        self.new_pin = QLineEdit()
        self.new_pin_again = QLineEdit()
        for edit in (self.new_pin, self.new_pin_again):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
            edit.setMaxLength(PIN_MAX_LENGTH)
            edit.setInputMethodHints(Qt.InputMethodHint.ImhDigitsOnly | Qt.InputMethodHint.ImhSensitiveData
                                     | Qt.InputMethodHint.ImhNoPredictiveText)
        self.admin_status = QLabel()
        self.admin_status.setObjectName("problem")
        self.admin_status.setWordWrap(True)
        self.form_labels = [QLabel() for _i in range(6)]
        grid = QFormLayout()
        grid.setVerticalSpacing(20)
        grid.setHorizontalSpacing(24)
        fields = (self.printer_combo, self.idle_spin, self.district_combo, self.kiosk_check, self.new_pin,
                  self.new_pin_again)
        for label, field in zip(self.form_labels, fields, strict=True):
            grid.addRow(label, field)
        self.save_button = _button(name="primary")
        self.save_button.clicked.connect(self.save_admin)
        self.lock_button = _button()
        self.lock_button.clicked.connect(self.lock)
        self.exit_button = _button(name="finish")
        self.exit_button.clicked.connect(self.exit_kiosk)
        self.data_button = _button()
        self.data_button.clicked.connect(self.show_data)
        buttons = _button_row([self.save_button, self.lock_button, self.data_button], self.exit_button)
        column = QVBoxLayout()
        column.setSpacing(24)
        column.addWidget(self.admin_title)
        column.addLayout(grid)
        column.addWidget(self.admin_status)
        self.admin_printer = QLabel()       # what staff must fix for printing, here, not on the start
        self.admin_printer.setObjectName("problem")
        self.admin_printer.setWordWrap(True)
        column.addWidget(self.admin_printer)
        column.addStretch(1)
        self.admin_data = QLabel()          # the data in use and its age, in one line
        self.admin_data.setWordWrap(True)
        column.addWidget(self.admin_data)
        page = _scroll_page(column, buttons)
        self.stack.addWidget(page)
        self.screens["admin"] = page

    def _build_data(self) -> None:
        """The administrator's 措施数据 page: the data in use, its age, packs found on drives."""
        page = QWidget()
        self.data_title = QLabel()
        self.data_title.setObjectName("title")
        self.data_status = QLabel()
        self.data_status.setWordWrap(True)
        self.data_warning = QLabel()
        self.data_warning.setObjectName("problem")
        self.data_warning.setWordWrap(True)
        self.packs_label = QLabel()
        self.packs_list = QListWidget()
        self.packs_list.setWordWrap(True)
        self.packs_list.currentItemChanged.connect(lambda item, _old: self.verify_pack(item))
        touch_scroll(self.packs_list)
        self.pack_info = QLabel()
        self.pack_info.setWordWrap(True)
        self.pack_info.setTextFormat(Qt.TextFormat.PlainText)
        self.rescan_button = _button()
        self.rescan_button.clicked.connect(self.scan_packs)
        self.import_pack_button = _button(name="primary")
        self.import_pack_button.clicked.connect(self.import_selected_pack)
        self.data_back_button = _button()
        self.data_back_button.clicked.connect(lambda: self.show_screen("admin"))
        buttons = _button_row([self.rescan_button, self.import_pack_button], self.data_back_button)
        column = QVBoxLayout(page)
        column.setContentsMargins(48, 16, 48, 16)
        column.setSpacing(16)
        column.addWidget(self.data_title)
        column.addWidget(self.data_status)
        column.addWidget(self.data_warning)
        column.addWidget(self.packs_label)
        column.addWidget(self.packs_list, 1)
        column.addWidget(self.pack_info)
        column.addLayout(buttons)
        self.stack.addWidget(page)
        self.screens["data"] = page

    def _build_qr(self) -> None:
        """The results as a QR code beside the text it holds (ui/kiosk_qr.py), in the window."""
        self.qr = Overlay(self)
        self.qr.card.setMaximumWidth(1040)
        self.qr_image = QLabel()
        self.qr_image.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.qr_text = QLabel()
        self.qr_text.setProperty("role", "note")
        self.qr_text.setWordWrap(True)
        self.qr_text.setTextFormat(Qt.TextFormat.PlainText)
        self.qr_text.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(self.qr_text)
        scroll.setMaximumHeight(QR_PIXELS)
        touch_scroll(scroll)
        row = QHBoxLayout()
        row.setSpacing(24)
        row.addWidget(self.qr_image)
        row.addWidget(scroll, 1)
        self.qr.body.insertLayout(2, row)
        self.qr_close = self.qr.add_button("primary")
        self.qr_close.clicked.connect(self.qr.hide)

    def show_qr(self) -> None:
        """The results and the documents to prepare as a QR code (no USCC; gone with the wipe)."""
        from PySide6.QtGui import QPixmap

        from ui.kiosk_qr import qr_png, summary_text
        if not self.evaluate():
            return
        text = summary_text(self.evaluation, self.form.profile())
        pixmap = QPixmap()
        pixmap.loadFromData(qr_png(text, QR_PIXELS))
        self.qr_image.setPixmap(pixmap)
        self.qr_text.setText(text)
        self.qr.open(_("用手机扫码带走结果"), _("用手机相机扫描左边的二维码，即可在手机上保存下面这段文字。"
                                           "二维码不含统一社会信用代码，本机不保存。"))

    def _forget_qr(self) -> None:
        self.qr.hide()
        self.qr_image.clear()
        self.qr_text.clear()

    def _build_unavailable(self) -> None:
        """What a kiosk without a usable PIN shows: it serves nobody and offers no administration
        (fail closed, core/kiosk.py); staff provision the PIN with ``kiosk set-pin``."""
        page = QWidget()
        self.unavailable_title = QLabel()
        self.unavailable_title.setObjectName("title")
        self.unavailable_text = QLabel()
        self.unavailable_text.setObjectName("subtitle")
        self.unavailable_text.setWordWrap(True)
        self.unavailable_staff = QLabel()
        self.unavailable_staff.setProperty("role", "note")
        self.unavailable_staff.setWordWrap(True)
        column = QVBoxLayout(page)
        column.setContentsMargins(48, 0, 48, 0)
        column.setSpacing(32)
        column.addStretch(2)
        for label in (self.unavailable_title, self.unavailable_text, self.unavailable_staff):
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            column.addWidget(label)
        column.addStretch(3)
        self.stack.addWidget(page)
        self.screens["unavailable"] = page

    def _build_visitor_widgets(self) -> None:
        """A fresh form, results view and checklist panel: nothing of an earlier visitor."""
        unit = self.settings.get("money_unit")
        self.form = ProfileForm(self.measures, self.documents)
        self.form.tabs.tabBar().hide()
        self.form.set_money_unit(unit)
        self.form.set_as_of(self.as_of)
        self.form.changed.connect(self.eval_timer.start)
        touch_scroll(self.form.company_scroll)
        touch_scroll(self.form.project_scroll)
        touch_scroll(self.form.project_list)
        self.form_host.layout().addWidget(self.form)
        self.interview = KioskInterview(self.form.profile, self.form.set_profile, self._evaluated,
                                        self.measures, self.documents, today=self.as_of)
        self.interview.set_large(self.large_button.isChecked())
        self.interview.resultsRequested.connect(lambda: self.show_screen("results"))
        self.interview.exitRequested.connect(lambda: self.show_screen("start"))
        self.interview_host.layout().addWidget(self.interview)

        self.results = ResultsView(money_unit=unit, touch=True)
        self.results.missingFieldRequested.connect(self._jump_to_field)
        for view in (self.results.tree, self.results.detail, self.results.plan):
            touch_scroll(view)
        self.results_host.layout().addWidget(self.results)

        self.checklist = KioskChecklistPanel()
        self.checklist.problem.connect(self._print_problem)
        self.checklist.printed.connect(self._printed)
        self.checklist.stateChanged.connect(self._update_print_button)
        touch_scroll(self.checklist.preview)
        touch_scroll(self.checklist.choices)
        self.print_host.layout().insertWidget(0, self.checklist, 1)
        self._update_print_button()

    # -- the visitor's way ---------------------------------------------------------------------
    def current_screen(self) -> str:
        page = self.stack.currentWidget()
        return next(n for n, w in self.screens.items() if w is page)

    def show_screen(self, name: str) -> None:
        if name in ("results", "print") and not self.evaluate():
            return                      # the visitor stays where they are and reads the message
        self.stack.setCurrentWidget(self.screens[name])
        if name == "print":
            self.checklist.set_evaluation(self.evaluation, self.form.profile())
        self._update_chrome()

    def start(self) -> None:
        if not self.is_set_up():
            return
        district = self.settings.get("kiosk_district")
        if district in DISTRICTS and not self.form.profile()["company"]:
            self.form.set_profile({"company": {"district": district}, "projects": []})
        self.interview.restart()
        self.show_screen("interview")

    def next(self) -> None:
        screen = self.current_screen()
        if screen in STEPS[:-1]:
            self.show_screen(STEPS[STEPS.index(screen) + 1])

    def back(self) -> None:
        screen = self.current_screen()
        if screen == "results":          # 返回修改: every answer, a tap changes it
            self.interview.open_review()
        if screen in STEPS:
            index = STEPS.index(screen)
            self.show_screen(STEPS[index - 1] if index else "start")

    def _jump_to_field(self, path: str, project_id) -> None:
        self.interview.open_field(path, project_id)
        self.show_screen("interview")

    def _evaluated(self):
        """The evaluation of the visitor's profile now, for the interview (None if it failed)."""
        return self.evaluation if self.evaluate() else None

    def evaluate(self) -> bool:
        """Evaluate what the visitor entered; False (told in the window, logged) when the engine
        fails: a visitor's input must never end the kiosk."""
        self.eval_timer.stop()
        try:
            self.evaluation = self.engine.evaluate(self.form.profile(), self.as_of)
        except Exception:       # the engine's own bug or a value it cannot compute: logged
            log.exception("kiosk evaluation failed")
            self.evaluation = None
            self.results.set_evaluation(None)
            if not self.message.isVisible():
                self.message.open(_("无法计算结果"), _("填写的内容中有无法计算的数值（例如位数过多的数字）。"
                                                     "请检查标红的填写项后再试；如仍有问题，请联系服务大厅工作人员。"))
            return False
        self.results.set_evaluation(self.evaluation)
        return True

    # -- printing ------------------------------------------------------------------------------
    def printer_name(self) -> str | None:
        return self.settings.get("kiosk_printer") or None

    def _update_print_button(self) -> None:
        panel = self.checklist
        self.print_button.setEnabled(panel is not None and panel.rendered is not None and not panel.is_busy())

    def ask_print(self) -> None:
        if not self.print_button.isEnabled():
            return
        where = self.printer_name() or _("默认打印机")
        self.confirm.open(_("打印申请材料清单？"), _("共 {pages} 页，将打印到“{printer}”。").format(
            pages=self.checklist.rendered.pages, printer=where))

    def print_now(self) -> None:
        self.confirm.hide()
        self.checklist.print_direct(self.printer_name())

    def _printed(self, where: str) -> None:
        from ui import printing
        job = self.checklist.last_job
        if job and printing.use_cups():
            # The spool would keep the PDF (company name, credit code) for a day: purge it once
            # printed. Windows' spooler deletes printed documents unless told to keep them.
            self.purges.append(cups_purge_when_done(job))
        text = _("请到打印机“{printer}”取走您的申请材料清单。办完后请按“完成（清除）”，"
                 "本机不会保留您填写的任何内容。")
        self.message.open(_("已开始打印"), text.format(printer=where))

    def _print_problem(self, title: str, text: str) -> None:
        self.message.open(title, text + "\n" + _("请联系服务大厅工作人员。"))

    # -- forgetting ----------------------------------------------------------------------------
    def activity(self) -> None:
        if not self.countdown.isVisible():
            self.idle_timer.start()

    def _apply_idle(self) -> None:
        self.idle_timer.setInterval(self._idle_ms if self._idle_ms is not None
                                    else self.settings.get("kiosk_idle_seconds") * 1000)

    def idle(self) -> None:
        if self.current_screen() in ("start", "unavailable"):
            self._reset_language()      # nothing typed to forget; the next visitor reads the default
            for overlay in (self.confirm, self.message):
                overlay.hide()
            self.idle_timer.start()
            return
        self.remaining = self.countdown_seconds
        self.countdown.open(_("还在使用吗？"), self._countdown_text())
        self.tick_timer.start()

    def _countdown_text(self) -> str:
        return _("{seconds} 秒后将清除本次填写的全部内容，回到开始页面。").format(seconds=self.remaining)

    def _tick(self) -> None:
        self.remaining -= 1
        if self.remaining <= 0:
            self.wipe()
        else:
            self.countdown.text.setText(self._countdown_text())

    def ask_wipe(self) -> None:
        """完成（清除）: once asked in the window (a finger can slip); nothing to lose on the start."""
        if self.current_screen() in ("start", "unavailable"):
            self.wipe()
            return
        self._wipe_question()

    def _wipe_question(self) -> None:
        self.wipe_confirm.open(_("清除本次填写的全部内容？"),
                               _("清除后回到开始页面，本机不保留您填写的任何内容。"))

    def set_large(self, on: bool) -> None:
        """大字模式: larger type and higher contrast on every screen (the wipe turns it off)."""
        self.setStyleSheet(STYLE + (LARGE_STYLE if on else ""))
        if self.interview is not None:
            self.interview.set_large(on)        # fewer choices per page as well
        self._update_chrome()

    def check_printer(self) -> None:
        """Whether the kiosk can print, asked before a visitor starts: the start screen then says
        so in one line; the reason, for staff, is on the administrator page."""
        self.printer_trouble = printer_problem(self.printer_name())
        self._show_printer_state()

    def _show_printer_state(self) -> None:
        trouble = self.printer_trouble
        self.start_printer.setText(_("本机暂不能打印，可在屏幕上查看结果") if trouble else "")
        self.start_printer.setVisible(bool(trouble))
        self.admin_printer.setText(_("打印机不可用：{problem}").format(problem=trouble) if trouble else "")
        self.admin_printer.setVisible(bool(trouble))

    def keep_going(self) -> None:
        self.tick_timer.stop()
        self.countdown.hide()
        self.idle_timer.start()

    def wipe(self) -> None:
        """Forget the visitor: the visitor's widgets are deleted and made anew; the start returns."""
        self.tick_timer.stop()
        self.eval_timer.stop()
        for overlay in self.overlays:
            overlay.hide()
        self.evaluation = None
        self.as_of = dt.date.today()
        self._unlocked = False
        self._clear_admin_inputs()
        self._rebuild_visitor_widgets()
        clear_clipboard()
        self.large_button.setChecked(False)      # the next visitor starts in the usual type
        self.check_printer()
        self._reset_language()
        self.show_screen(self._home())
        self.idle_timer.start()
        self.wiped.emit()

    def _rebuild_visitor_widgets(self) -> None:
        """Delete the form, the results and the checklist panel and make them anew, empty."""
        self._forget_qr()
        self.checklist.clear()
        self.interview.clear()
        for widget in (self.form, self.results, self.checklist, self.interview):
            widget.hide()
            widget.parentWidget().layout().removeWidget(widget)
            widget.deleteLater()
        self.form = self.results = self.checklist = self.interview = None
        self._build_visitor_widgets()

    # -- language ------------------------------------------------------------------------------
    def _reset_language(self) -> None:
        if current_language() != self.settings.get("language"):
            set_language(self.settings.get("language"))

    def set_script(self, script: str) -> None:
        configured = self.settings.get("language")
        if script == "hans":
            code = "zh-Hans"
        else:
            code = configured if configured.startswith("zh-Hant") else "zh-Hant"
        set_language(code)
        self._update_chrome()

    def retranslate(self) -> None:
        self.setWindowTitle(_("绿策通 · 自助服务"))
        self.brand.setText(_("绿策通"))
        self.finish_button.setText(_("完成（清除）"))
        self.admin_button.setText(_("管理"))
        self.admin_button.setToolTip(_("管理员设置（需要管理密码）"))
        self.start_title.setText(_("绿色低碳扶持措施自助查询"))
        district = self.settings.get("kiosk_district")
        names = enum_labels("company.district", DISTRICTS)
        self.start_district.setText(_("{district}政务服务大厅").format(district=names[district])
                                    if district in names else _("深圳市各区政务服务大厅"))
        self.start_district.setVisible(True)
        self.start_text.setText(_("介绍贵公司和项目，看看可以申请哪些扶持，并打印申请材料清单。"
                                  "本机不保存您填写的任何内容，离开前请按“完成（清除）”。"))
        self.start_button.setText(_("开始"))
        self._show_printer_state()
        self.wipe_cancel.setText(_("取消"))
        self.wipe_button.setText(_("清除"))
        self.back_button.setText(_("‹ 上一步"))
        self.print_button.setText(_("打印清单"))
        self.continue_button.setText(_("继续使用"))
        self.wipe_now_button.setText(_("现在清除"))
        self.confirm_cancel.setText(_("取消"))
        self.confirm_button.setText(_("确认打印"))
        self.message_button.setText(_("知道了"))
        self.qr_button.setText(_("扫码带走"))
        self.qr_close.setText(_("关闭"))
        self.admin_title.setText(_("自助终端设置"))
        for label, text in zip(self.form_labels, (_("打印机"), _("无操作多少秒后清空"), _("首先显示的辖区"),
                                                  _("启动时进入自助终端模式"), _("新管理密码（不改请留空）"),
                                                  _("再输入一次新密码")), strict=True):
            label.setText(text)
        self.save_button.setText(_("保存设置"))
        self.lock_button.setText(_("返回自助终端"))
        self.exit_button.setText(_("退出自助终端模式"))
        self.data_button.setText(_("措施数据…"))
        self.data_title.setText(_("措施数据"))
        self.packs_label.setText(_("从 U 盘导入措施包（插入 U 盘后按“重新查找”）"))
        self.rescan_button.setText(_("重新查找"))
        self.import_pack_button.setText(_("导入"))
        self.data_back_button.setText(_("返回设置"))
        self._fill_data_status()
        self.unavailable_title.setText(_("本机暂停服务"))
        self.unavailable_text.setText(_("这台自助终端尚未设置完成，暂时不能使用。请到服务台咨询工作人员。"))
        self.unavailable_staff.setText(_("工作人员：管理密码未设置或无法读取。请在本机运行"
                                         "“GreenMeasuresCmd.exe kiosk set-pin”设置管理密码后重新启动"
                                         "自助终端（见 docs/kiosk.md）。"))
        self.pin_pad.retranslate()
        if self.wipe_confirm.isVisible():
            self._wipe_question()
        if self.countdown.isVisible():
            self.countdown.title.setText(_("还在使用吗？"))
            self.countdown.text.setText(self._countdown_text())
        self._update_chrome()

    def _update_chrome(self) -> None:
        """The step line, the language buttons, back/next and the hint for the current screen."""
        screen = self.current_screen()
        hant = current_language().startswith("zh-Hant")
        self.hans_button.setChecked(not hant)
        self.hant_button.setChecked(hant)
        # A tick as well as the fill: which toggle is on must not be told by colour alone.
        for button, text in ((self.hans_button, "简"), (self.hant_button, "繁"),
                             (self.large_button, _("大字模式"))):
            button.setText(("✓ " if button.isChecked() else "") + text)
        names = {"interview": _("回答问题"), "results": _("结果"), "print": _("打印")}
        parts = []
        for i, step in enumerate(STEPS, 1):
            text = f"{i} {names[step]}"
            parts.append(f"<b style='color:#1e7b34'>● {text}</b>" if step == screen
                         else f"<span style='color:#6b7770'>{text}</span>")
        self.steps_label.setText("　›　".join(parts) if screen in STEPS else "")
        self.steps_label.setVisible(screen in STEPS)
        self.bottom.setVisible(screen in STEPS[1:])     # the interview has its own 上一步 / 下一步
        self.finish_button.setVisible(screen not in ("unavailable", "admin", "data"))
        self.admin_button.setVisible(screen != "unavailable")
        self.next_button.setVisible(screen in STEPS[:-1])
        self.qr_button.setVisible(screen == "results")
        nxt = {"results": _("下一步：打印清单 ›")}
        self.next_button.setText(nxt.get(screen, ""))
        self.back_button.setText(_("‹ 返回修改") if screen == "results" else _("‹ 上一步"))
        self.large_button.setVisible(screen not in ("admin", "data"))
        hints = {"results": _("点选一项措施可看详情；标“?”的措施缺少信息，点它可回到对应的填写项。"),
                 "print": _("勾选要列入清单的措施，右侧为预览。")}
        self.hint.setText(hints.get(screen, ""))
        where = self.printer_name() or _("默认打印机")
        self.printer_label.setText(_("打印机：{printer}").format(printer=where))

    # -- administrator -------------------------------------------------------------------------
    def is_set_up(self) -> bool:
        """True when the stored PIN hash can be used; otherwise the kiosk serves nobody."""
        return stored_hash_problem(self.settings.get("kiosk_pin_hash")) is None

    def _home(self) -> str:
        return "start" if self.is_set_up() else "unavailable"

    def ask_admin(self) -> None:
        if self.is_set_up():          # no PIN that can be read: no administration either
            self.pin_pad.ask()

    def _pin_accepted(self, pin: str) -> None:
        self._unlocked = True
        self.check_printer()
        self._fill_admin()
        self.show_screen("admin")

    def _fill_admin(self) -> None:
        from core.printing import PrintError
        from ui import printing
        self.printer_combo.clear()
        self.printer_combo.addItem(_("（系统默认打印机）"), "")
        try:
            names, _default = printing.printer_names()
        except PrintError as exc:
            names = []
            self.admin_status.setText(exc.message_zh)
        else:
            self.admin_status.clear()
        configured = self.settings.get("kiosk_printer")
        for name in names:
            self.printer_combo.addItem(name, name)
        if configured and self.printer_combo.findData(configured) < 0:
            self.printer_combo.addItem(_("{printer}（未找到）").format(printer=configured), configured)
        self.printer_combo.setCurrentIndex(self.printer_combo.findData(configured))
        self.idle_spin.setValue(self.settings.get("kiosk_idle_seconds"))
        self.district_combo.clear()
        self.district_combo.addItem(_("（不指定）"), "")
        for code, name in enum_labels("company.district", DISTRICTS).items():
            self.district_combo.addItem(name, code)
        district = self.district_combo.findData(self.settings.get("kiosk_district"))
        self.district_combo.setCurrentIndex(max(0, district))
        self.kiosk_check.setChecked(bool(self.settings.get("kiosk")))
        self._clear_admin_inputs()

    def _clear_admin_inputs(self) -> None:
        self.new_pin.clear()
        self.new_pin_again.clear()

    def _save_settings(self) -> bool:
        try:
            self.settings.save()
        except (SettingsError, OSError) as exc:
            self.admin_status.setText(_("无法保存设置：{error}").format(error=exc))
            return False
        return True

    def save_admin(self) -> None:
        if not self._unlocked:
            return
        pin, again = self.new_pin.text(), self.new_pin_again.text()
        if pin or again:
            problem = pin_problem(pin)
            if problem or pin != again:
                self.admin_status.setText(_(problem) if problem else _("两次输入的密码不一致，请重新设置。"))
                return
        try:
            self.settings.set("kiosk_printer", self.printer_combo.currentData() or "")
            self.settings.set("kiosk_idle_seconds", self.idle_spin.value())
            self.settings.set("kiosk_district", self.district_combo.currentData() or "")
            self.settings.set("kiosk", self.kiosk_check.isChecked())
            if pin:
                self.settings.set("kiosk_pin_hash", hash_pin(pin))
                self.pin_lock.reset()
        except ValueError as exc:
            self.admin_status.setText(str(exc))
            return
        self._clear_admin_inputs()
        if self._save_settings():
            self.admin_status.setText(_("设置已保存。"))
        self._apply_idle()
        self.retranslate()

    def lock(self) -> None:
        self._unlocked = False
        self._clear_admin_inputs()
        self.admin_status.clear()
        self.check_printer()
        self.show_screen("start")
        self.idle_timer.start()

    def exit_kiosk(self) -> None:
        """Leave kiosk mode (only from the unlocked settings page): forget everything, close."""
        if not self._unlocked:
            return
        self.wipe()
        self._unlocked = True
        self.close()

    def is_unlocked(self) -> bool:
        return self._unlocked

    # -- measures data (administrator) ------------------------------------------------------------
    def show_data(self) -> None:
        if not self._unlocked:
            return
        self.show_screen("data")
        self._fill_data_status()
        self.scan_packs()

    def _fill_data_status(self) -> None:
        release = self.db.release
        self.data_status.setText(_("正在使用：{release}，共 {measures} 条措施（数据库 {version}）").format(
            release=release.describe(_), measures=len(self.measures),
            version=self.db.version))
        # Without the desktop's "how to update" line: this page is where a kiosk is updated.
        lines = [line for line in staleness_lines(self.db, self.settings.get("stale_after_days"))
                 if line != _(HOW_TO_UPDATE)]
        self.data_warning.setText("\n".join(lines))
        self.data_warning.setVisible(bool(lines))
        summary = _("措施数据：{release}").format(release=release.describe(_))
        self.admin_data.setText(summary + ("\n" + lines[0] if lines else ""))
        self.admin_data.setStyleSheet("color: #b42318;" if lines else "")

    def _pack_busy(self, task) -> None:
        self.pack_task = task
        self.rescan_button.setEnabled(task is None)
        self.import_pack_button.setEnabled(task is None and self.verified is not None
                                           and self.verified.refusal is None)

    def scan_packs(self) -> None:
        """List the packs on the drives (on the worker: USB sticks can be slow)."""
        if self.pack_task is not None:
            return
        roots = pack_roots()
        self.verified = None
        self.packs_list.clear()
        self.pack_info.setText(_("正在查找措施包…"))
        self._pack_busy(run_task(lambda _p: find_packs(roots), self._scanned))

    def _scanned(self, found, error) -> None:
        self._pack_busy(None)
        if error is not None or not found:
            self.pack_info.setText(_("没有找到措施包（.gmpack 文件）。"
                                     "请把措施包放在 U 盘的根目录或第一层文件夹中，插入后按“重新查找”。"))
            return
        self.packs_list.blockSignals(True)
        for path in found:
            item = QListWidgetItem(f"{path.name}\n{path.parent}")
            item.setData(Qt.ItemDataRole.UserRole, str(path))
            self.packs_list.addItem(item)
        self.packs_list.blockSignals(False)
        self.pack_info.setText(_("找到 {n} 个措施包：点选一个进行验证。").format(n=len(found)))

    def verify_pack(self, item) -> None:
        if item is None or self.pack_task is not None:
            return
        path = Path(item.data(Qt.ItemDataRole.UserRole))
        self.verified = None
        self.pack_info.setStyleSheet("")
        self.pack_info.setText(_("正在验证 {name}（签名、完整性、数据校验）…").format(name=path.name))
        self._pack_busy(run_task(refusing(lambda: check_pack_file(path)), self._pack_verified))

    def _pack_verified(self, result, error) -> None:
        if error is not None or isinstance(result, PackError):
            self._pack_busy(None)
            self._pack_problem(str(result if error is None else error))
            return
        self.verified = result
        self._pack_busy(None)
        m = result.pack.manifest
        text = _("措施包 {release}：{documents} 份文件，{measures} 条措施；签名有效，数据校验通过。").format(
            release=m.release.describe(_), documents=len(m.documents),
            measures=m.measure_count)
        if result.refusal is not None:
            self._pack_problem(text + "\n" + result.refusal)
        else:
            self.pack_info.setStyleSheet("color: #1e7b34;")
            hint = _("按“导入”改用这份数据；原数据保留，可在桌面版“恢复上一版本”。")
            self.pack_info.setText(text + "\n" + hint)

    def _pack_problem(self, text: str) -> None:
        self.pack_info.setStyleSheet("color: #b42318;")
        self.pack_info.setText(text)

    def import_selected_pack(self) -> None:
        if not self._unlocked or self.verified is None or self.verified.refusal is not None or self.pack_task:
            return
        data = self.verified.data
        self.pack_info.setStyleSheet("")
        self.pack_info.setText(_("正在导入…"))
        self.verified = None
        self._pack_busy(run_task(refusing(lambda: import_pack(data)), self._pack_imported))

    def _pack_imported(self, result, error) -> None:
        self._pack_busy(None)
        if error is not None or isinstance(result, PackError):
            self._pack_problem(str(result if error is None else error))
            return
        try:
            db = MeasuresDB(result.after.path)
        except DatabaseError as exc:
            self._pack_problem(str(exc))
            return
        self.set_database(db)
        self.pack_info.setStyleSheet("color: #1e7b34;")
        self.pack_info.setText(_("已导入。本机现使用措施数据 {release}。").format(
            release=result.after.release.describe(_)))

    def set_database(self, db) -> None:
        """Use another measures database: the engine follows and the visitor's widgets are made
        anew on it (nothing of a visitor is kept; the administrator is on the data page)."""
        old = self.db
        self.db = db
        self.engine = Engine.for_database(db)
        self.measures, self.documents = self.engine.measures, self.engine.documents
        self.evaluation = None
        self._rebuild_visitor_widgets()
        self._fill_data_status()
        if old is not db:
            old.close()

    # -- lock-down -----------------------------------------------------------------------------
    def closeEvent(self, event) -> None:  # noqa: N802 - Qt API
        if self._unlocked:
            self.shutdown_timers()
            event.accept()
        else:
            event.ignore()

    def shutdown_timers(self) -> None:
        for timer in (self.idle_timer, self.tick_timer, self.eval_timer):
            timer.stop()
        if shiboken6.isValid(self.guard):
            QApplication.instance().removeEventFilter(self.guard)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        for overlay in self.overlays:
            overlay.setGeometry(self.rect())
