"""Qt tree model over one evaluation: five groups of results, one row per result (thin: the data
and every decision live in core.engine; this only shows them).

Groups, in the order of the text report (core/engine/report.py), each header with its count; within
可申请 and 需补充信息 the largest known amounts come first (the report keeps the engine's order):

    可申请 · 需补充信息 · 不符合 · 已失效或未生效 · 政策信息

Statements (targets, tasks, principles: nothing to apply for) are never results; the engine lists
them apart and the last group shows them as 政策信息, collapsed, with no status or amount.
Columns:
conflicts, plan, validity dates).

Policy text (titles, engine sentences) is converted to the UI script with convert_policy_text; the
project names the user typed are shown exactly as typed.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from PySide6.QtCore import QAbstractItemModel, QModelIndex, Qt
from PySide6.QtGui import QFont

from core.engine.evaluate import (
    ELIGIBLE,
    INELIGIBLE,
    NEEDS_INFO,
    NOT_IN_FORCE,
    Evaluation,
    MeasureResult,
    Statement,
)
from core.engine.expiring import DEFAULT_EXPIRING_DAYS, expiring_soon, validity_dates
from core.engine.report import STATEMENTS_TITLE, ranked
from core.engine.text import fact_label
from core.i18n import N_, _, convert_policy_text, format_amount_range, format_date, format_money

RESULT_ROLE = Qt.ItemDataRole.UserRole + 1        # the MeasureResult (None on group rows)
STATUS_ROLE = Qt.ItemDataRole.UserRole + 2        # eligible / needs_info / ineligible / not_in_force
MEASURE_ID_ROLE = Qt.ItemDataRole.UserRole + 3
PROJECT_ID_ROLE = Qt.ItemDataRole.UserRole + 4    # None for company-level results
GROUP_ROLE = Qt.ItemDataRole.UserRole + 5         # the group key, on group rows and on result rows
# (measure_id, project_id) on result rows, ("group", key) on groups
KEY_ROLE = Qt.ItemDataRole.UserRole + 6
# what a change of language or money unit changes
TEXT_ROLES = [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole]

_ANSWERED = frozenset(int(r) for r in (
    Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.FontRole, RESULT_ROLE,
    STATUS_ROLE, MEASURE_ID_ROLE, PROJECT_ID_ROLE, GROUP_ROLE, KEY_ROLE))

STATEMENT = "statement"              # the group of statements (政策信息): nothing to apply for
GROUP_KEYS = (ELIGIBLE, NEEDS_INFO, INELIGIBLE, NOT_IN_FORCE, STATEMENT)
GROUP_TITLES = {
    ELIGIBLE: N_("可申请"),
    NEEDS_INFO: N_("需补充信息"),
    INELIGIBLE: N_("不符合"),
    NOT_IN_FORCE: N_("已失效或未生效"),
    STATEMENT: STATEMENTS_TITLE,
}
COLLAPSED_BY_DEFAULT = frozenset({STATEMENT})

COL_TITLE, COL_PROJECT, COL_AMOUNT, COL_NOTES = range(4)


class StatementRow:
    """A statement in the 政策信息 group, read like a result by the view: no status of its own to
    apply for, no amount, no conditions."""
    status = STATEMENT
    project_id: str | None = None
    project_name: str | None = None
    discretionary = False
    amount_min = Decimal(0)
    amount_max: Decimal | None = None
    # empty and immutable: shared by every statement row, read only
    reasons: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    gaps: tuple[str, ...] = ()
    outcomes: tuple = ()
    conflicts_with: tuple[str, ...] = ()

    def __init__(self, statement: Statement):
        self.measure, self.document = statement.measure, statement.document
        self.measure_id, self.citation = statement.measure_id, statement.citation
COLUMN_TITLES = (N_("措施"), N_("项目"), N_("金额"), N_("备注"))


# -- text helpers shared with the view (no widgets here) --------------------------------------------

def policy_text(text: str | None, document: dict | None = None) -> str:
    """Text from the measures data or written by the engine, in the UI's script.

    Titles and clause citations pass their document's script; the engine's sentences (Simplified,
    possibly quoting a Traditional document) are judged from their characters.
    """
    if not text:
        return text or ""
    return convert_policy_text(text, source_script=(document or {}).get("script"))


def result_title(r: MeasureResult) -> str:
    return policy_text(r.measure["title"], r.document)


def result_citation(r: MeasureResult) -> str:
    return policy_text(r.citation, r.document)


def project_label(r: MeasureResult) -> str:
    """The project as the user typed its name (never converted), else its id; the company."""
    if r.status == STATEMENT:
        return ""
    if r.project_id is None:
        return _("企业")
    return r.project_name or r.project_id


def missing_label(path: str) -> str:
    """A concrete missing fact path in words, keeping its year, list position and unit:
    ``project.generation_kwh.2024`` → ``2024 年实际发电量（千瓦时）`` (the engine's own phrase)."""
    return policy_text(fact_label(path, with_unit=True))


def validity_text(r: MeasureResult, as_of: dt.date) -> str:
    """For a result not in force: when it ended (and that it matched until then), or when it begins."""
    start, end = validity_dates(r)
    if r.matched_until is not None:
        return _("符合申请条件，但已于 {date} 到期").format(date=format_date(r.matched_until))
    if end and as_of > end:
        return _("有效期至 {date}，已失效").format(date=format_date(end))
    if start and as_of < start:
        return _("自 {date} 起施行，尚未生效").format(date=format_date(start))
    return _("不在有效期内")


def group_of(r: MeasureResult | StatementRow) -> str:
    return r.status


def amount_text(r: MeasureResult, unit: str) -> str:
    """The estimated range for results that can still be paid; empty for the others."""
    if r.status not in (ELIGIBLE, NEEDS_INFO):
        return ""
    return format_amount_range(r.amount_min, r.amount_max, unit=unit)


@dataclass
class _Group:
    key: str
    rows: list[MeasureResult] = field(default_factory=list)


# -- the model -------------------------------------------------------------------------------------

class ResultsModel(QAbstractItemModel):
    """Two levels: group rows (internal id 0) and result rows (internal id = group row + 1)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._ev: Evaluation | None = None
        self._unit = "wan"
        self._groups: list[_Group] = []
        self._selected: set = set()          # (measure_id, project_id) chosen by the plan
        self._given_up: dict = {}            # (measure_id, project_id) -> GivenUp
        self._expiring_days = DEFAULT_EXPIRING_DAYS
        self._expiring: dict = {}            # measure_id -> core.engine.expiring.Expiring
        # (group, row) -> (display texts, tooltips) per column: the view asks for them many times
        # while it lays out; formatting through Babel and OpenCC once per change is enough.
        self._texts: dict[tuple[int, int], tuple[tuple, tuple]] = {}

    # -- updates ------------------------------------------------------------------------------
    @property
    def evaluation(self) -> Evaluation | None:
        return self._ev

    @property
    def money_unit(self) -> str:
        return self._unit

    def set_evaluation(self, ev: Evaluation | None, money_unit: str | None = None) -> None:
        """Show a new evaluation. A reset: building ~100 rows takes well under a millisecond,
        and the view keeps its selection and expanded groups across it by key."""
        self.beginResetModel()
        self._texts.clear()
        self._ev = ev
        if money_unit is not None:
            self._unit = money_unit
        self._groups = [_Group(k) for k in GROUP_KEYS] if ev is not None else []
        by_key = {g.key: g for g in self._groups}
        for r in ev.results if ev is not None else []:
            by_key[group_of(r)].rows.append(r)
        for st in ev.statements if ev is not None else []:
            by_key[STATEMENT].rows.append(StatementRow(st))
        for key in (ELIGIBLE, NEEDS_INFO, INELIGIBLE, NOT_IN_FORCE) if ev is not None else ():
            # core.engine.report.ranked: the largest known amounts first (for 不符合, what closing
            # the gap would pay; for 不在有效期, what matched until it ended), then the engine's order.
            by_key[key].rows = ranked(by_key[key].rows)
        plan = ev.plan if ev is not None else None
        self._selected = {(i.measure_id, i.project_id) for i in plan.selected} if plan else set()
        self._given_up = {(g.measure_id, g.project_id): g for g in plan.given_up} if plan else {}
        self._expiring = ({e.measure_id: e for e in expiring_soon(ev.results, ev.as_of, self._expiring_days)}
                          if ev is not None else {})
        self.endResetModel()

    @property
    def expiring(self) -> list:
        """The eligible supports ending within the window (core.engine.expiring), soonest first."""
        return list(self._expiring.values())

    def set_expiring_days(self, days: int) -> None:
        """The window of 即将到期 (the setting ``expiring_days``); takes effect with the next
        set_evaluation (the view sets it again, keeping its selection)."""
        self._expiring_days = days

    def set_money_unit(self, unit: str) -> None:
        if unit == self._unit:
            return
        self._unit = unit
        self._texts.clear()
        self._children_changed(COL_AMOUNT, COL_AMOUNT, TEXT_ROLES)

    def retranslate(self) -> None:
        """The language changed: every text may read differently; nothing else did."""
        self._texts.clear()
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(COLUMN_TITLES) - 1)
        if self._groups:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._groups) - 1, 0),
                                  TEXT_ROLES)
        self._children_changed(0, len(COLUMN_TITLES) - 1, TEXT_ROLES)

    def _children_changed(self, first: int, last: int, roles: list) -> None:
        for g, group in enumerate(self._groups):
            if group.rows:
                parent = self.index(g, 0)
                self.dataChanged.emit(self.index(0, first, parent),
                                      self.index(len(group.rows) - 1, last, parent), roles)

    # -- lookups for the view ----------------------------------------------------------------
    def group_keys(self) -> list[str]:
        return [g.key for g in self._groups]

    def group_index(self, key: str) -> QModelIndex:
        for g, group in enumerate(self._groups):
            if group.key == key:
                return self.index(g, 0)
        return QModelIndex()

    def count(self, key: str) -> int:
        for group in self._groups:
            if group.key == key:
                return len(group.rows)
        return 0

    def index_for(self, measure_id: str, project_id: str | None) -> QModelIndex:
        for g, group in enumerate(self._groups):
            for row, r in enumerate(group.rows):
                if r.measure_id == measure_id and r.project_id == project_id:
                    return self.index(row, 0, self.index(g, 0))
        return QModelIndex()

    def result(self, index: QModelIndex) -> MeasureResult | None:
        group, row = self._locate(index)
        return group.rows[row] if group is not None and row is not None else None

    def column_texts(self, column: int) -> list[str]:
        """The display texts of one column over all result rows (for fitting its width)."""
        return [self._cached(g, row)[0][column]
                for g, group in enumerate(self._groups) for row in range(len(group.rows))]

    def _cached(self, g: int, row: int) -> tuple[tuple, tuple]:
        texts = self._texts.get((g + 1, row))
        if texts is None:
            group = self._groups[g]
            texts = self._texts[(g + 1, row)] = self._row_texts(group, group.rows[row])
        return texts

    def plan_state(self, r: MeasureResult):
        """True when the plan chose it, the GivenUp when the plan left it out, else None."""
        key = (r.measure_id, r.project_id)
        if key in self._selected:
            return True
        return self._given_up.get(key)

    # -- QAbstractItemModel --------------------------------------------------------------------
    def _locate(self, index: QModelIndex):
        """(group, row within the group or None for the group row itself)."""
        if not index.isValid():
            return None, None
        gid = index.internalId()
        if gid == 0:
            return (self._groups[index.row()], None) if index.row() < len(self._groups) else (None, None)
        group = self._groups[gid - 1] if gid - 1 < len(self._groups) else None
        if group is None or index.row() >= len(group.rows):
            return None, None
        return group, index.row()

    def index(self, row: int, column: int, parent: QModelIndex = QModelIndex()) -> QModelIndex:
        if not self.hasIndex(row, column, parent):
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, column, 0)
        if parent.internalId() != 0:
            return QModelIndex()
        return self.createIndex(row, column, parent.row() + 1)

    def parent(self, index: QModelIndex = QModelIndex()) -> QModelIndex:  # type: ignore[override]
        if not index.isValid() or index.internalId() == 0:
            return QModelIndex()
        return self.createIndex(index.internalId() - 1, 0, 0)

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802 - Qt API
        if not parent.isValid():
            return len(self._groups)
        if parent.internalId() != 0 or parent.column() != 0 or parent.row() >= len(self._groups):
            return 0
        return len(self._groups[parent.row()].rows)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802 - Qt API
        return len(COLUMN_TITLES)

    def headerData(self, section: int, orientation, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if (orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
                and 0 <= section < len(COLUMN_TITLES)):
            return _(COLUMN_TITLES[section])
        return None

    def flags(self, index: QModelIndex):
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if role not in _ANSWERED:      # the view asks for many roles while laying out; be quick
            return None
        group, row = self._locate(index)
        if group is None:
            return None
        if row is None:
            return self._group_data(group, index.column(), role)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            texts = self._cached(index.internalId() - 1, row)
            return texts[0 if role == Qt.ItemDataRole.DisplayRole else 1][index.column()]
        return self._result_data(group, group.rows[row], role)

    def _group_data(self, group: _Group, column: int, role: int):
        if role == Qt.ItemDataRole.DisplayRole and column == COL_TITLE:
            # TRANSLATORS: a group header of the results tree: 可申请（3 项）
            return _("{title}（{n} 项）").format(title=_(GROUP_TITLES[group.key]), n=len(group.rows))
        if role == Qt.ItemDataRole.FontRole and column == COL_TITLE:
            font = QFont()
            font.setBold(True)
            return font
        if role == GROUP_ROLE:
            return group.key
        if role == KEY_ROLE:
            return ("group", group.key)
        return None

    def _row_texts(self, group: _Group, r: MeasureResult) -> tuple[tuple, tuple]:
        title, project, amount = result_title(r), project_label(r), amount_text(r, self._unit)
        display = (title, project, amount, "　".join(self._notes(group, r)))
        tips = (f"{title}\n{result_citation(r)}　{r.measure_id}", project, amount or None,
                "\n".join(self._notes(group, r, full=True)) or None)
        return display, tips

    def _result_data(self, group: _Group, r: MeasureResult, role: int):
        if role == RESULT_ROLE:
            return r
        if role == STATUS_ROLE:
            return r.status
        if role == MEASURE_ID_ROLE:
            return r.measure_id
        if role == PROJECT_ID_ROLE:
            return r.project_id
        if role == GROUP_ROLE:
            return group.key
        if role == KEY_ROLE:
            return (r.measure_id, r.project_id)
        return None

    def _notes(self, group: _Group, r: MeasureResult, full: bool = False) -> list[str]:
        notes: list[str] = []
        if r.status == STATEMENT:
            return [_("目标、任务或原则，没有可申请的事项")]
        if r.status == NOT_IN_FORCE:
            return [validity_text(r, self._ev.as_of)]
        if r.discretionary:
            notes.append(_("评审制"))
        if r.status == NEEDS_INFO and r.missing:
            notes.append(_("需补充 {n} 项信息").format(n=len(r.missing)))
        if r.status == INELIGIBLE and r.gaps:
            gap = r.gaps[0] if not full else "；".join(r.gaps)
            notes.append(_("差距：{gap}").format(gap=policy_text(gap)))
            if r.amount_if_met:
                notes.append(_("满足后最高约 {amount}").format(
                    amount=format_money(r.amount_if_met, unit=self.money_unit)))
        if r.conflicts_with:
            notes.append(_("不能同时享受 {n} 项").format(n=len(r.conflicts_with)))
        if group.key == ELIGIBLE and r.measure_id in self._expiring:
            # TRANSLATORS: a note on an eligible result whose validity ends soon: 2025-12-31 到期
            notes.append(_("{date} 到期").format(date=format_date(self._expiring[r.measure_id].valid_to)))
        state = self.plan_state(r) if group.key == ELIGIBLE else None
        if state is not None and state is not True:     # chosen is the rule; say only the exception
            notes.append(_("未选入推荐组合"))
        return notes
