"""The as-of date field of the window's toolbar (re-exported by ui.widgets).

Kept apart from ui.widgets (the form's field widgets) because it is part of the window's frame,
made and painted before anything else: importing the field widgets can wait until after that.
"""
from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLineEdit,
    QMenu,
    QSizePolicy,
    QToolButton,
    QWidget,
)

from core.i18n import N_, _

if TYPE_CHECKING:
    from PySide6.QtWidgets import QCalendarWidget

# -- the as-of date --------------------------------------------------------------------------------

MSG_DATE_AS_TYPED = N_("日期须按 YYYY-MM-DD 填写，例如 2025-06-30；按回车生效。仍按 {date} 评估。")


class AsOfDateEdit(QWidget):
    """The as-of date, typed as YYYY-MM-DD and taken exactly as typed, or refused visibly.

    A QDateEdit edits section by section: typing 2025-06-30 over a selected 2026-12-03 gave
    2026-06-30 with no warning (issue 16). Here the text is read whole when the user presses Enter
    or leaves the field: a real date in that form is taken; anything else is marked, said in the
    tooltip and the ``refused`` signal, and the date in use stays. A calendar button picks a date
    without typing. Same API as QDateEdit where the window uses it (date, setDate, dateChanged).
    """
    dateChanged = Signal(QDate)
    refused = Signal(str)

    def __init__(self, date: QDate, parent=None):
        super().__init__(parent)
        self._date = QDate(date)
        self.edit = QLineEdit(date.toString("yyyy-MM-dd"))
        self.edit.setPlaceholderText("YYYY-MM-DD")
        self.edit.setMaxLength(10)
        width = self.edit.fontMetrics().horizontalAdvance("0000-00-00") + 24
        self.edit.setMinimumWidth(width)
        self.edit.setMaximumWidth(width * 2)         # a toolbar would stretch it across the window
        self.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        self.edit.editingFinished.connect(self._take_typed)
        self.calendar_button = QToolButton()
        self.calendar_button.setText("▾")
        self.calendar_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        # The calendar is made when its menu first opens: it is the costliest widget of the
        # window's frame (about 10 ms), which is painted before anything else is built.
        self._calendar: QCalendarWidget | None = None
        menu = QMenu(self.calendar_button)
        menu.aboutToShow.connect(lambda: self.calendar.setSelectedDate(self._date))
        self.calendar_button.setMenu(menu)
        self.setFocusProxy(self.edit)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(2)
        row.addWidget(self.edit)
        row.addWidget(self.calendar_button)

    @property
    def calendar(self) -> QCalendarWidget:
        if self._calendar is None:
            from PySide6.QtWidgets import QCalendarWidget, QWidgetAction  # with the calendar
            self._calendar = QCalendarWidget()
            self._calendar.clicked.connect(self._picked)
            menu = self.calendar_button.menu()
            action = QWidgetAction(menu)
            action.setDefaultWidget(self._calendar)
            menu.addAction(action)
        return self._calendar

    def date(self) -> QDate:
        return QDate(self._date)

    def setDate(self, date: QDate) -> None:  # noqa: N802 - as QDateEdit
        self.edit.setText(date.toString("yyyy-MM-dd"))
        self._mark(None)
        if date != self._date:
            self._date = QDate(date)
            self.dateChanged.emit(QDate(date))

    def setToolTip(self, text: str) -> None:  # noqa: N802 - Qt API
        self._tip = text
        self.edit.setToolTip(text)

    def _picked(self, date: QDate) -> None:
        self.calendar_button.menu().hide()
        self.setDate(date)

    def _take_typed(self) -> None:
        text = unicodedata.normalize("NFKC", self.edit.text()).strip()
        if text == self._date.toString("yyyy-MM-dd"):
            self._mark(None)
            return
        from ui.widgets import date_problem  # the field widgets: loaded after the first paint
        if date_problem(text) or not text:
            message = _(MSG_DATE_AS_TYPED).format(date=self._date.toString("yyyy-MM-dd"))
            self._mark(message)
            self.refused.emit(message)
            return
        year, month, day = (int(part) for part in text.split("-"))
        self.setDate(QDate(year, month, day))

    def _mark(self, message: str | None) -> None:
        if message is None and not getattr(self.edit, "_problem_flag", False):
            return                  # nothing marked: no need to load ui.widgets for it
        from ui.widgets import set_problem_mark
        set_problem_mark(self.edit, message, getattr(self, "_tip", ""))
        self.edit.setStyleSheet("QLineEdit { border: 2px solid #c62828; }" if message else "")
