"""客户台账 (client book): every company whose profile the user keeps, checked at once (issue 19).

The companies are the profile files in the local profile store's recent list plus the ``*.json``
files of the folders the user adds (remembered in the setting ``client_folders``; not their
sub-folders, as for ``batch``). Each row: company, district, supports 可申请, the recommended
combination's maximum, 需补充信息, the nearest end of validity among its supports expiring soon,
when it was checked, and what the last measures update changed for it. Unreadable files are rows
too, saying why.

The checking is core.batch (the engine of ``check`` and ``batch``) run on the worker thread
(ui/tasks.py) with a progress bar and a cancel button: a cancelled run keeps the companies checked
so far and says so. Everything is checked again when the as-of date, the folders or the measures
data change, or on 重新检查. After a measures update the book compares each company's results on
the old and the new data (core.engine.changes) and shows the count of changes per client.

Export writes the workbook of ``batch`` (core.batch_export) for the whole book or one company.
One click on a company's name opens it in the main window (``openRequested``).
"""
from __future__ import annotations

import contextlib
import datetime as dt
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import (
    QAbstractTableModel,
    QDate,
    QDir,
    QModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
)

from core.batch import Batch, Company, Unreadable, check_files, find_profiles
from core.engine.changes import KIND_TITLES, ChangeReport, compare_evaluations, shown_state
from core.i18n import N_, _, convert_policy_text, format_date, format_money
from core.settings import SettingsError
from ui.language import follow_language
from ui.tasks import TaskHandle, run_task

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
PATH_ROLE = Qt.ItemDataRole.UserRole + 2

(COL_NAME, COL_DISTRICT, COL_ELIGIBLE, COL_TOTAL, COL_NEEDS, COL_EXPIRING, COL_CHECKED,
 COL_CHANGES, COL_FILE) = range(9)
COLUMN_TITLES = (N_("企业"), N_("所在区"), N_("可申请"), N_("推荐组合最高额"), N_("需补充信息"),
                 N_("最近到期"), N_("检查时间"), N_("数据更新后"), N_("档案文件"))
LINK_COLOUR = "#1a5fb4"
WARN_COLOUR = "#b54708"


@dataclass
class ClientRow:
    """One profile file: a checked company, or the problems that kept it from being read."""
    path: Path
    company: Company | None = None
    problems: list[Unreadable] = field(default_factory=list)
    changes: ChangeReport | None = None      # after a measures update: what changed for it


def folders_from(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


class ClientBookModel(QAbstractTableModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.rows: list[ClientRow] = []
        self.money_unit = "wan"

    def set_rows(self, rows: list[ClientRow]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def retranslate(self) -> None:
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(COLUMN_TITLES) - 1)
        if self.rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.rows) - 1, len(COLUMN_TITLES) - 1))

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802 - Qt API
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802 - Qt API
        return 0 if parent.isValid() else len(COLUMN_TITLES)

    def headerData(self, section: int, orientation, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if (orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
                and 0 <= section < len(COLUMN_TITLES)):
            return _(COLUMN_TITLES[section])
        return None

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        row, col = self.rows[index.row()], index.column()
        if role == PATH_ROLE:
            return str(row.path)
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, col)
        if role == SORT_ROLE:
            return self._sort_key(row, col)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, col)
        if role == Qt.ItemDataRole.ForegroundRole:
            if col == COL_NAME and row.company is not None:
                return QBrush(QColor(LINK_COLOUR))
            if row.company is None or (col == COL_EXPIRING and row.company.expiring):
                return QBrush(QColor(WARN_COLOUR))
        if role == Qt.ItemDataRole.FontRole and col == COL_NAME and row.company is not None:
            font = QFont()
            font.setUnderline(True)
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (COL_ELIGIBLE, COL_TOTAL, COL_NEEDS):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _text(self, row: ClientRow, col: int) -> str:
        c = row.company
        if col == COL_FILE:
            return str(row.path)
        if c is None:
            if col == COL_NAME:
                return row.path.name
            if col == COL_ELIGIBLE:
                return _("未能读取")
            return ""
        if col == COL_NAME:
            return c.name
        if col == COL_DISTRICT:
            return convert_policy_text(c.district)
        if col == COL_ELIGIBLE:
            return str(c.eligible)
        if col == COL_TOTAL:
            return format_money(c.total_max, unit=self.money_unit)
        if col == COL_NEEDS:
            return str(c.needs_info)
        if col == COL_EXPIRING:
            end = c.nearest_end
            return _("{date} 到期").format(date=format_date(end)) if end else ""
        if col == COL_CHECKED:
            return c.checked_at.strftime("%Y-%m-%d %H:%M")
        if col == COL_CHANGES:
            return self._changes_text(row)
        return ""

    @staticmethod
    def _changes_text(row: ClientRow) -> str:
        report = row.changes
        if report is None:
            return ""
        if not report.changes:
            return _("无变化")
        return _("{n} 项变化").format(n=len(report.changes))

    def _sort_key(self, row: ClientRow, col: int):
        """Numbers and dates sort as such; unreadable rows sort after the companies."""
        c = row.company
        if col in (COL_NAME, COL_FILE):
            return self._text(row, col)
        if c is None:
            return None
        return {COL_DISTRICT: c.district, COL_ELIGIBLE: c.eligible, COL_TOTAL: float(c.total_max),
                COL_NEEDS: c.needs_info,
                COL_EXPIRING: c.nearest_end.isoformat() if c.nearest_end else "9999",
                COL_CHECKED: c.checked_at.isoformat(),
                COL_CHANGES: len(row.changes.changes) if row.changes else -1}.get(col)

    def _tooltip(self, row: ClientRow, col: int) -> str | None:
        c = row.company
        if c is None:
            return "\n".join(f"{u.field}：{u.message}" for u in row.problems) or None
        if col == COL_NAME:
            return _("单击打开此企业的档案")
        if col == COL_EXPIRING and c.expiring:
            return "\n".join(convert_policy_text(e.text(), source_script=e.script) for e in c.expiring)
        if col == COL_CHANGES and row.changes is not None and row.changes.changes:
            return "\n".join(self._change_line(ch) for ch in row.changes.changes[:20])
        return None


    @staticmethod
    def _change_line(ch) -> str:
        """结论有变化：罗湖区十条措施 第一条　可申请 → 不符合 (statuses as core.engine.changes words them)."""
        old, new = shown_state(ch.old_status, None)[0], shown_state(ch.new_status, None)[0]
        return (f"{_(KIND_TITLES[ch.kind])}：{convert_policy_text(ch.citation)}　"
                f"{_(old)} → {_(new)}")


class _Proxy(QSortFilterProxyModel):
    def lessThan(self, left: QModelIndex, right: QModelIndex) -> bool:  # noqa: N802 - Qt API
        a, b = left.data(SORT_ROLE), right.data(SORT_ROLE)
        if a is None or b is None:
            # Unreadable rows (no value) go last whichever the direction: Qt reverses the answer
            # for a descending sort, so answer the other way round then.
            last_is_greater = self.sortOrder() == Qt.SortOrder.AscendingOrder
            return (a is not None and b is None) if last_is_greater else (a is None and b is not None)
        return a < b


class ClientBook(QDialog):
    """The window; ``engine`` is the main window's (core.engine.evaluate.Engine)."""

    openRequested = Signal(str)          # a profile file's path
    checked = Signal()                   # a run ended (finished or cancelled): tests, status

    def __init__(self, engine, settings, store, as_of: dt.date | None = None, parent=None):
        super().__init__(parent)
        self.setObjectName("client_book")
        self.engine, self.settings, self.store = engine, settings, store
        self.as_of = as_of or dt.date.today()
        self.batch: Batch | None = None
        self._handle: TaskHandle | None = None
        self._cancel: threading.Event | None = None
        self._pending = False                # a change came while a run was going: run again after
        self._previous: tuple | None = None  # (old engine, {path: Evaluation}) across a data update

        self.model = ClientBookModel(self)
        self.model.money_unit = settings.get("money_unit")
        self.proxy = _Proxy(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setFilterKeyColumn(-1)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(COL_NAME, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.table.clicked.connect(self._clicked)
        self.table.activated.connect(self._open_index)

        self.filter_edit = QLineEdit()
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self.proxy.setFilterFixedString)
        self.as_of_label = QLabel()
        self.as_of_edit = QDateEdit(QDate(self.as_of.year, self.as_of.month, self.as_of.day))
        self.as_of_edit.setCalendarPopup(True)
        self.as_of_edit.setDisplayFormat("yyyy-MM-dd")
        self.as_of_edit.dateChanged.connect(self._as_of_changed)
        self.as_of_label.setBuddy(self.as_of_edit)
        # Push buttons with menus: a tool button's menu arrow overlaps its Chinese text (seen at 1366x768).
        self.folders_button = QPushButton()
        self.folders_menu = QMenu(self)
        self.folders_menu.aboutToShow.connect(self._fill_folders_menu)
        self.folders_button.setMenu(self.folders_menu)
        self.recheck_button = QPushButton()
        self.recheck_button.clicked.connect(self.recheck)
        self.export_button = QPushButton()
        export_menu = QMenu(self)
        self.export_all_action = export_menu.addAction("")
        self.export_all_action.triggered.connect(lambda: self.export())
        self.export_one_action = export_menu.addAction("")
        self.export_one_action.triggered.connect(lambda: self.export(self.selected_path()))
        self.export_button.setMenu(export_menu)
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(200)
        self.progress.hide()
        self.cancel_button = QPushButton()
        self.cancel_button.clicked.connect(self.cancel)
        self.cancel_button.hide()
        self.status = QLabel()
        self.status.setWordWrap(True)

        top = QHBoxLayout()
        top.addWidget(self.as_of_label)
        top.addWidget(self.as_of_edit)
        top.addWidget(self.filter_edit, 1)
        top.addWidget(self.folders_button)
        top.addWidget(self.recheck_button)
        top.addWidget(self.export_button)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(self.progress)
        bottom.addWidget(self.cancel_button)
        column = QVBoxLayout(self)
        column.addLayout(top)
        column.addWidget(self.table, 1)
        column.addLayout(bottom)

        self.resize(1200, 640)
        follow_language(self, self.retranslate)
        self.retranslate()

    # -- texts --------------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.setWindowTitle(_("客户台账 — 绿策通"))
        self.as_of_label.setText(_("评估日期(&D)："))
        self.filter_edit.setPlaceholderText(_("筛选：企业名称、信用代码、所在区、文件…"))
        self.folders_button.setText(_("档案文件夹"))
        self.recheck_button.setText(_("重新检查"))
        self.export_button.setText(_("导出 Excel"))
        self.export_all_action.setText(_("导出整个台账…"))
        self.export_one_action.setText(_("导出所选企业…"))
        self.cancel_button.setText(_("取消"))
        self.model.retranslate()
        self._update_status()

    def _update_status(self) -> None:
        if self._handle is not None:
            return
        b = self.batch
        if b is None:
            self.status.setText(_("尚未检查。"))
            return
        soon = sum(1 for c in b.companies if c.expiring)
        text = _("{n} 家企业，其中 {soon} 家有 {days} 天内到期的可申请措施；评估日 {date}").format(
            n=len(b.companies), soon=soon, days=b.expiring_days, date=format_date(b.as_of))
        failed = len(b.unreadable_files)
        if failed:
            text += _("；{n} 个档案未能读取").format(n=failed)
        if b.cancelled:
            text += _("；检查已取消，只列出已检查的企业")
        if not b.companies and not failed and not b.cancelled:
            text = _("没有档案：请添加放有档案文件（.json）的文件夹，或先在主窗口打开、保存档案。")
        self.status.setText(text)

    # -- sources ------------------------------------------------------------------------------
    def folders(self) -> list[str]:
        return folders_from(self.settings.get("client_folders"))

    def add_folder(self, folder: str | None = None) -> None:
        if folder is None:
            folder = QFileDialog.getExistingDirectory(self, _("添加档案文件夹"), QDir.homePath())
            if not folder:
                return
        folder = os.path.abspath(folder)
        if folder not in self.folders():
            self._save_folders(self.folders() + [folder])
        self.recheck()

    def remove_folder(self, folder: str) -> None:
        self._save_folders([f for f in self.folders() if f != folder])
        self.recheck()

    def _save_folders(self, folders: list[str]) -> None:
        self.settings.set("client_folders", "\n".join(folders))
        try:
            self.settings.save()
        except SettingsError as exc:     # kept for this session; say why it is not remembered
            self.status.setText(exc.problem.message_zh)

    def _fill_folders_menu(self) -> None:
        self.folders_menu.clear()
        self.folders_menu.addAction(_("添加文件夹…")).triggered.connect(lambda: self.add_folder())
        folders = self.folders()
        if folders:
            self.folders_menu.addSeparator()
        for folder in folders:
            action = self.folders_menu.addAction(_("移除 {folder}").format(folder=folder))
            action.triggered.connect(lambda _c=False, f=folder: self.remove_folder(f))

    def sources(self) -> list[str]:
        """The recent profile files that still exist, then the folders."""
        recent: list[str] = []
        with contextlib.suppress(Exception):          # a refused store: the folders still work
            recent = [e.path for e in self.store.recent(None) if e.exists()]
        return recent + self.folders()

    # -- checking -----------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self._handle is not None

    def set_as_of(self, day: dt.date) -> None:
        self.as_of_edit.setDate(QDate(day.year, day.month, day.day))

    def _as_of_changed(self, qdate: QDate) -> None:
        self.as_of = dt.date(qdate.year(), qdate.month(), qdate.day())
        self.recheck()

    def set_engine(self, engine) -> None:
        """The measures data changed (an import or a rollback): check again and compare."""
        if engine is self.engine:
            return
        if self.batch is not None and self._previous is None:
            self._previous = (self.engine, {str(c.file): c.evaluation for c in self.batch.companies})
        self.engine = engine
        self.recheck()

    def recheck(self) -> None:
        if self._handle is not None:
            self._pending = True
            if self._cancel is not None:
                self._cancel.set()
            return
        files, missing = find_profiles(self.sources())
        engine, as_of = self.engine, self.as_of
        days = self.settings.get("expiring_days")
        cancel = self._cancel = threading.Event()

        def work(progress):
            return check_files(files, engine, as_of, expiring_days=days, progress=progress,
                               cancelled=cancel.is_set, unreadable=missing)

        self.progress.setRange(0, max(len(files), 1))
        self.progress.setValue(0)
        self.progress.show()
        self.cancel_button.show()
        self.recheck_button.setEnabled(False)
        self.status.setText(_("正在检查 {n} 个档案…").format(n=len(files)))
        self._handle = run_task(work, self._finished, self._progressed)

    def cancel(self) -> None:
        """Stop after the profile being checked; the companies checked so far stay listed."""
        if self._cancel is not None:
            self._cancel.set()

    def _progressed(self, done: int, total: int) -> None:
        self.progress.setValue(done)
        self.status.setText(_("已检查 {done}/{total}").format(done=done, total=total))

    def _finished(self, batch: Batch | None, error: BaseException | None) -> None:
        self._handle, self._cancel = None, None
        self.progress.hide()
        self.cancel_button.hide()
        self.recheck_button.setEnabled(True)
        if self._pending:                    # the sources or the date changed meanwhile
            self._pending = False
            self.recheck()
            return
        if error is not None or batch is None:
            self.status.setText(_("检查未能完成：{error}").format(error=error))
            self.checked.emit()
            return
        self.batch = batch
        self.model.set_rows(self._rows(batch))
        self.table.resizeColumnsToContents()
        for col in (COL_FILE, COL_EXPIRING):
            self.table.setColumnWidth(col, min(self.table.columnWidth(col), 420))
        self._update_status()
        self.checked.emit()

    def _rows(self, batch: Batch) -> list[ClientRow]:
        rows = [ClientRow(c.file, c) for c in batch.companies]
        problems: dict[str, list[Unreadable]] = {}
        for u in batch.unreadable:
            problems.setdefault(u.file, []).append(u)
        rows += [ClientRow(Path(f), None, p) for f, p in problems.items()]
        if self._previous is not None and not batch.cancelled:
            old_engine, old = self._previous
            self._previous = None
            old_ids = {m["id"] for m in old_engine.measures}
            new_ids = {m["id"] for m in self.engine.measures}
            for row in rows:
                before = old.get(str(row.path))
                if row.company is not None and before is not None and before.as_of == batch.as_of:
                    row.changes = compare_evaluations(before, row.company.evaluation, old_ids, new_ids)
        return rows

    # -- opening and exporting ----------------------------------------------------------------
    def selected_path(self) -> str | None:
        index = self.table.currentIndex()
        return index.data(PATH_ROLE) if index.isValid() else None

    def _clicked(self, index: QModelIndex) -> None:
        if index.column() == COL_NAME:
            self._open_index(index)

    def _open_index(self, index: QModelIndex) -> None:
        path = index.data(PATH_ROLE)
        row = self.model.rows[self.proxy.mapToSource(index).row()]
        if path and row.company is not None:
            self.openRequested.emit(path)

    def export(self, path: str | None = None, target: str | None = None) -> bool:
        """The workbook of ``batch`` for the book (``path`` None) or one company; True when written."""
        from core.batch_export import write_workbook

        if self.batch is None:
            return False
        batch = self.batch
        if path is not None:
            chosen = [c for c in batch.companies if str(c.file) == path]
            if not chosen:
                return False
            batch = Batch(batch.as_of, batch.database_version, batch.expiring_days, chosen, [], 1)
        if target is None:
            name = (chosen[0].name if path is not None else _("客户台账")) + ".xlsx"
            target, _filter = QFileDialog.getSaveFileName(
                self, _("导出 Excel"), str(Path(QDir.homePath()) / name), _("Excel 工作簿 (*.xlsx)"))
            if not target:
                return False
            if not target.lower().endswith(".xlsx"):
                target += ".xlsx"
        try:
            write_workbook(batch, target)
        except OSError as exc:
            QMessageBox.warning(self, _("绿策通"), _("无法写入 {path}：{reason}").format(
                path=target, reason=exc.strerror or exc))
            return False
        self.status.setText(_("已导出到 {path}").format(path=target))
        return True

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt API
        self.cancel()
        super().closeEvent(event)
