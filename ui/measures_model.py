"""Qt list model over the measures summaries (thin: data lives in core)."""
from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QAbstractListModel, QModelIndex, Qt

from core.measures.store import MeasureSummary

ID_ROLE = Qt.UserRole + 1
STATE_ROLE = Qt.UserRole + 2
DOCUMENT_ROLE = Qt.UserRole + 3


class MeasuresModel(QAbstractListModel):
    def __init__(self, short_titles: dict[str, str], parent=None):
        super().__init__(parent)
        self._short_titles = short_titles      # document key -> 罗湖区十条措施
        self._rows: list[MeasureSummary] = []
        self._on = dt.date.today()

    def set_rows(self, rows: list[MeasureSummary], on: dt.date) -> None:
        self.beginResetModel()
        self._rows, self._on = list(rows), on
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 - Qt API
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: QModelIndex, role: int = Qt.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        m = self._rows[index.row()]
        if role == Qt.DisplayRole:
            return f"{self._short_titles.get(m.document, m.document)} {m.clause}  {m.title}"
        if role == Qt.ToolTipRole:
            return m.id
        if role == ID_ROLE:
            return m.id
        if role == STATE_ROLE:
            return m.state(self._on)
        if role == DOCUMENT_ROLE:
            return m.document
        return None
