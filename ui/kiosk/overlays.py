"""In-window layers (never a native modal): the dimmed card for countdowns, confirmations and
messages, and the administrator's PIN pad."""
from __future__ import annotations

import math

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from core.i18n import _
from core.kiosk import FREE_ATTEMPTS, PIN_MAX_LENGTH, PinError, PinLock, PinLocked
from core.settings import Settings
from ui.kiosk.common import _button


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
