"""The measures data in use, said to the user: its version line, where it came from, and the warning
bar shown while it is out of date (core/measures/staleness.py).

Light on purpose: the main window imports this before its first paint, the import dialog
(ui/measures_update.py, with the PDF and printing) only when it is opened.
"""
from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QToolButton

from core.i18n import _
from core.measures.staleness import Staleness, staleness, warning_lines
from core.measures.store import MeasuresDB
from ui.language import follow_language


def today() -> dt.date:
    """The real date (a function, so tests can move it)."""
    return dt.date.today()


def current_staleness(db: MeasuresDB, stale_after_days: int) -> Staleness:
    """Staleness as of the real date (not the window's as-of date: that checks other days' rules)."""
    return staleness(db, today(), stale_after_days)


def staleness_lines(db: MeasuresDB, stale_after_days: int) -> list[str]:
    """What to tell the user about the data's age, translated; empty when the data is current."""
    return warning_lines(current_staleness(db, stale_after_days), _)


class StalenessBar(QFrame):
    """A warning across the top of the window while the data is out of date (never a popup):
    the reasons, how to update, and a button that opens the import."""

    importRequested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("stalenessBar")
        self.setStyleSheet("QFrame#stalenessBar { background: #fff4ce; border-bottom: 1px solid #e0c060; }"
                           " QFrame#stalenessBar QLabel { color: #5c4400; }")
        self.lines: list[str] = []
        self.dismissed = False
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.import_button = QPushButton()
        self.import_button.clicked.connect(self.importRequested)
        self.close_button = QToolButton()
        self.close_button.setText("×")
        self.close_button.setAutoRaise(True)
        self.close_button.clicked.connect(self.dismiss)
        row = QHBoxLayout(self)
        row.setContentsMargins(12, 6, 6, 6)
        row.addWidget(self.text, 1)
        row.addWidget(self.import_button, 0, Qt.AlignmentFlag.AlignVCenter)
        row.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignTop)
        self.hide()
        follow_language(self, self.retranslate)
        self.retranslate()

    def set_lines(self, lines: list[str]) -> None:
        """The warning lines (empty: the data is current, the bar goes away)."""
        self.lines = lines
        if not lines:
            self.dismissed = False      # a later warning is shown again
        self.text.setText("\n".join(lines))
        self.setVisible(bool(lines) and not self.dismissed)

    def dismiss(self) -> None:
        """Hidden for this run; the import stays in the 数据 menu."""
        self.dismissed = True
        self.hide()

    def retranslate(self) -> None:
        self.import_button.setText(_("导入措施包…"))
        self.close_button.setToolTip(_("本次不再提示"))
        self.close_button.setAccessibleName(_("关闭提示，本次不再提示"))   # "×" says nothing
