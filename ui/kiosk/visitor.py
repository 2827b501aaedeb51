"""The visitor's profile in the kiosk: data only, no form. The guided interview
(ui/kiosk_interview.py) reads and writes it whole; each change asks the session for an evaluation.
The wipe drops the object and makes a new one, so nothing of a visitor outlives them."""
from __future__ import annotations

import copy

from PySide6.QtCore import QObject, Signal

from ui.session import empty_profile


class VisitorProfile(QObject):
    changed = Signal()

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._data = empty_profile()

    def profile(self) -> dict:
        """A copy: a caller that edits it changes nothing here until it sets it back."""
        return copy.deepcopy(self._data)

    def set_profile(self, data: dict) -> None:
        self._data = copy.deepcopy(data) if isinstance(data, dict) else empty_profile()
        self.changed.emit()
