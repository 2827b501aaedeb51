"""What every kiosk page shares: the touch style sheets, buttons, swipe-scrolled pages, the
clipboard wipe, and the application-wide guard (escape keys, activity, keypad hints)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QClipboard, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QLayout,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QScroller,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from core.i18n import convert_policy_text
from core.measures.labels import enum_labels
from ui.widgets import DateEdit

if TYPE_CHECKING:
    from ui.kiosk.window import KioskWindow

ESCAPE_KEYS = {(Qt.Key.Key_F4, Qt.KeyboardModifier.AltModifier),
               (Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier),
               (Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier)}
ACTIVITY = {QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonRelease, QEvent.Type.MouseMove,
            QEvent.Type.Wheel, QEvent.Type.KeyPress, QEvent.Type.TouchBegin, QEvent.Type.TouchUpdate,
            QEvent.Type.TouchEnd, QEvent.Type.InputMethod}
DISTRICTS = ("futian", "luohu", "yantian", "nanshan", "baoan", "longgang", "longhua", "pingshan",
             "guangming", "dapeng", "shenshan")



def district_names() -> dict[str, str]:
    """The districts' names in the script the visitor reads, keyed by code. The names are data
    (core.measures.labels, in Simplified Chinese, like the policy texts), so they go through the
    policy-text conversion as the form's lists do; put into a translated sentence unconverted,
    they mixed scripts (罗湖区政务服务大廳)."""
    return {code: convert_policy_text(name)
            for code, name in enum_labels("company.district", DISTRICTS).items()}


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
QLabel, QCheckBox, QRadioButton, QGroupBox, QListWidget, QTreeView, QTextBrowser, QTabBar, QHeaderView {
    font-size: 20px; }
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
QLabel, QCheckBox, QRadioButton, QGroupBox, QListWidget, QTreeView, QTextBrowser, QTabBar, QHeaderView {
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
