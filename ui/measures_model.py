"""Qt list model over the measures summaries (thin: data lives in core), and its filter."""
from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QAbstractListModel, QModelIndex, QSortFilterProxyModel, Qt

from core.engine.report import STATEMENTS_TITLE
from core.i18n import _, convert_policy_text
from core.measures.store import MeasureSummary

ID_ROLE = Qt.ItemDataRole.UserRole + 1
STATE_ROLE = Qt.ItemDataRole.UserRole + 2
DOCUMENT_ROLE = Qt.ItemDataRole.UserRole + 3
LEVEL_ROLE = Qt.ItemDataRole.UserRole + 4
REGION_ROLE = Qt.ItemDataRole.UserRole + 5
KIND_ROLE = Qt.ItemDataRole.UserRole + 6


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

    def set_short_titles(self, short_titles: dict[str, str]) -> None:
        """Another database's documents (set_rows follows with its rows)."""
        self._short_titles = short_titles

    def retranslate(self) -> None:
        """Titles are policy text: shown in the UI's script."""
        if self._rows:
            self.dataChanged.emit(self.index(0), self.index(len(self._rows) - 1),
                                  [Qt.ItemDataRole.DisplayRole])

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 - Qt API
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        m = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            text = f"{self._short_titles.get(m.document, m.document)} {m.clause}  {m.title}"
            if m.is_statement:           # nothing to apply for: said in the list itself
                text += f"（{_(STATEMENTS_TITLE)}）"
            return convert_policy_text(text)
        if role == Qt.ItemDataRole.ToolTipRole:
            return m.id
        return {ID_ROLE: m.id, STATE_ROLE: m.state(self._on), DOCUMENT_ROLE: m.document,
                LEVEL_ROLE: m.level, REGION_ROLE: m.region, KIND_ROLE: m.kind}.get(role)


class MeasuresFilter(QSortFilterProxyModel):
    """All the browser's filters at once: each is a (role, wanted value or None)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._wanted: dict[int, str | None] = {}

    def set_filter(self, role: int, value: str | None) -> None:
        # Qt 6.10 replaced invalidateFilter() (deprecated) with begin/endFilterChange().
        self.beginFilterChange()
        self._wanted[role] = value
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, row: int, parent: QModelIndex) -> bool:  # noqa: N802 - Qt API
        index = self.sourceModel().index(row, 0, parent)
        return all(value is None or index.data(role) == value for role, value in self._wanted.items())
