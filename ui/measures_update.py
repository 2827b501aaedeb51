"""The 数据 menu's dialog: import a signed measure pack, roll back to the previous data, and see
what the change means for the open company (docs/packs.md).

- **Import**: a ``.gmpack`` file is chosen, read and verified on the worker thread (signature,
  hashes, schema, the data's own checks: core/measures/pack.py); its manifest is shown beside the
  data in use, and 导入 is enabled only for a verified pack newer than that data. A refusal is
  shown in red in the dialog with core's message, never a traceback. The import itself runs on
  the worker too (core verifies again and switches atomically); then the window uses the new
  database and the dialog shows what changed.
- **Rollback**: after a confirmation naming both versions, the previous data is brought back and
  what changed is shown the same way.
- **What changed for you**: the open profile evaluated on the old and the new data as of the
  window's as-of date (core/engine/changes.py), grouped by kind, with the totals of the
  recommended combination; printed or exported as a PDF (core/checklist/changes_pdf.py) in the
  script chosen. With no company open, only the database-level summary is shown.
- **措施数据信息**: the data in use, the bundled data, the rollback target and the age warning.

The work itself (checking, importing, rolling back, comparing) is core's
(core/measures/pack_actions.py), shared with the kiosk and ``main.py pack``; it runs on the worker
thread and touches no widget.
"""
from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import QDir, QModelIndex, QStandardPaths, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QTextBrowser,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.engine.changes import APPEARED, DISAPPEARED, KIND_TITLES, KINDS, ChangeReport, shown_state
from core.i18n import _, convert_policy_text, format_amount_range, format_money
from core.measures.installed import Installed, Source, installed
from core.measures.pack import SUFFIX, PackError
from core.measures.pack_actions import (
    Checked,
    Switched,
    check_pack_file,
    import_pack_data,
    refusing,
    roll_back,
)
from core.measures.store import DatabaseError, MeasuresDB
from ui.language import follow_language
from ui.measures_status import staleness_lines
from ui.pdf_actions import PdfActions, suggested_pdf_name
from ui.tasks import TaskHandle, run_task

ERROR_STYLE = "color: #b42318;"
GOOD_STYLE = "color: #1e7b34;"
MUTED = "#5f6368"
KIND_ROLE = Qt.ItemDataRole.UserRole + 1


def _e(text) -> str:
    return html.escape(str(text), quote=True)


def _has_company(profile: dict) -> bool:
    """False for the empty form (no company facts and no projects)."""
    return bool(profile.get("company")) or bool(profile.get("projects"))


# -- texts ---------------------------------------------------------------------------------

def state_text(status: str | None, amount) -> str:
    """A result's verdict, with the amount while it can still be paid (as in the results view);
    不适用 when the measure did not apply at all."""
    title, shown = shown_state(status, amount)
    text = _(title)
    if shown is not None:
        text += "，" + format_amount_range(shown[0], shown[1], unit="auto")
    return text


def database_summary(report: ChangeReport) -> str:
    return _("整个数据库新增 {added} 条、移除 {removed} 条措施。").format(
        added=report.measures_added, removed=report.measures_removed)


def manifest_html(checked: Checked) -> str:
    """The manifest for people: release, documents with their validity and what differs from the
    data in use, counts, the signing key."""
    m = checked.pack.manifest
    counts = m.counts
    rows = []
    for d in m.documents:
        diff = checked.differences.get(d["key"])
        if diff == "new":
            note = f"<b>{_e(_('新增文件'))}</b>"
        elif diff:
            parts = []
            for kind, a, b in diff:
                if kind == "validity":
                    parts.append(_("有效期原为 {old}").format(old=_period(a, b)))
                else:
                    parts.append(_("措施 {old} → {new} 条").format(old=a, new=b))
            note = f"<b>{_e('；'.join(parts))}</b>"
        else:
            note = f"<span style='color:{MUTED}'>{_e(_('不变'))}</span>"
        rows.append(
            f"<tr><td>{_e(convert_policy_text(d['title']))}<br>"
            f"<span style='color:{MUTED}'>{_e(d['key'])}</span></td>"
            f"<td>{_e(_period(d.get('valid_from'), d.get('valid_to')))}</td>"
            f"<td align='right'>{d['measures']}</td><td>{note}</td></tr>")
    for d in checked.removed:
        rows.append(f"<tr><td>{_e(convert_policy_text(d['title']))}<br>"
                    f"<span style='color:{MUTED}'>{_e(d['key'])}</span></td><td></td><td></td>"
                    f"<td><b>{_e(_('本包中没有（导入后移除）'))}</b></td></tr>")
    head = "".join(f"<th align='left'>{_e(t)}</th>"
                   for t in (_("文件"), _("有效期"), _("措施"), _("与正在使用的数据相比")))
    title = _("措施包 {release}").format(release=m.release.describe(_))
    facts = [
        _("{documents} 份文件，{measures} 条措施，{criteria} 条条件，"
          "{evidence} 项材料，{stacking} 条叠加规则").format(
            documents=len(m.documents), measures=counts["measures"], criteria=counts["criteria"],
            evidence=counts["evidence"], stacking=counts["stacking"]),
        _("数据库版本 {version}，签名密钥 {key}（已验证）").format(version=m.database_version, key=m.key_id),
    ]
    return (f"<h3>{_e(title)}</h3><p>{'<br>'.join(_e(f) for f in facts)}</p>"
            f"<table width='99%' cellspacing='0' cellpadding='4' border='1' style='border-collapse:collapse'>"
            f"<tr>{head}</tr>{''.join(rows)}</table>")


def _period(valid_from: str | None, valid_to: str | None) -> str:
    return _("{start} 至 {end}").format(start=valid_from or "—", end=valid_to or _("长期"))


# -- what changed ----------------------------------------------------------------------------

class ChangesView(PdfActions, QWidget):
    """What an update (or a rollback) changed for the open company, with print and export."""

    busyChanged = Signal(bool)
    printed = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.allow_files = True
        self.report: ChangeReport | None = None
        self.before: Source | None = None
        self.after: Source | None = None
        self.company_name: str | None = None
        self.has_company = False
        self.rendered = None
        self._init_pdf_actions()

        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.heading.setTextFormat(Qt.TextFormat.RichText)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.tree = QTreeWidget()
        self.tree.setColumnCount(4)
        self.tree.setRootIsDecorated(False)
        self.tree.setWordWrap(True)
        self.tree.setUniformRowHeights(False)
        self.tree.setAlternatingRowColors(True)
        self.tree.setStyleSheet("QTreeView::item { padding: 1px 12px 1px 0; }")   # air between the columns
        self.tree.setSelectionMode(QTreeWidget.SelectionMode.NoSelection)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        # column 1 holds names as typed, which may be long: wrapped
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)
        self.language_label = QLabel()
        self.language_label.setBuddy(self.language)

        bottom = QHBoxLayout()
        bottom.addWidget(self.progress)
        bottom.addWidget(self.status, 1)
        for w in (self.language_label, self.language, self.print_button, self.export_button):
            bottom.addWidget(w)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.heading)
        layout.addWidget(self.summary)
        layout.addWidget(self.tree, 1)
        layout.addLayout(bottom)

        follow_language(self, self.retranslate)
        self.retranslate()

    # -- content ---------------------------------------------------------------------------
    def set_report(self, switched: Switched, profile: dict) -> None:
        self.report = switched.report
        self.before, self.after = switched.switch.before, switched.switch.after
        self.company_name = (profile.get("company") or {}).get("name")
        self.has_company = _has_company(profile)
        self._fill()
        for w in (self.tree, self.language_label, self.language, self.print_button, self.export_button):
            w.setVisible(self.has_company)
        self.status.clear()
        self.refresh(now=True)

    def _fill(self) -> None:
        report = self.report
        if self.has_company:
            title = _("对 {company} 的影响（评估日期 {date}）").format(
                company=self.company_name or _("（未填写名称）"), date=report.as_of.isoformat())
        else:
            title = _("措施数据已更换")
        self.heading.setText(
            f"<h3>{_e(title)}</h3>"
            f"<p><b>{_e(_('原数据'))}</b>：{_e(self.before.describe(_))}<br>"
            f"<b>{_e(_('新数据'))}</b>：{_e(self.after.describe(_))}</p>")
        lines = [database_summary(report)]
        if not self.has_company:
            lines.append(_("没有打开企业档案，这里只列出整个数据库的变化。打开或填写档案后，"
                           "结果即按新数据评估。"))
        else:
            lines.append(_("推荐组合的金额上限合计：{old} → {new}").format(
                old=format_money(report.old_total, unit="auto"),
                new=format_money(report.new_total, unit="auto")))
            if not report.changes:
                lines.append(_("对本单位的结论和金额都没有变化。"))
            elif report.unchanged:
                lines.append(_("其余 {count} 项结论和金额不变。").format(count=report.unchanged))
        self.summary.setText("\n".join(lines))
        self._fill_tree()

    def _fill_tree(self) -> None:
        self.tree.clear()
        report = self.report
        bold = QFont(self.tree.font())
        bold.setBold(True)
        for kind in KINDS:
            items = report.of_kind(kind)
            if not items:
                continue
            group = QTreeWidgetItem([f"{_(KIND_TITLES[kind])}（{len(items)}）"])
            group.setData(0, KIND_ROLE, kind)
            group.setFont(0, bold)
            self.tree.addTopLevelItem(group)
            group.setFirstColumnSpanned(True)
            for c in items:
                title = convert_policy_text(f"{c.title}（{c.citation}）")
                who = _("企业") if c.project_id is None else (c.project_name or c.project_id)   # as typed
                old = "—" if kind == APPEARED else state_text(c.old_status, c.old_amount)
                new = "—" if kind == DISAPPEARED else state_text(c.new_status, c.new_amount)
                item = QTreeWidgetItem([f"{title}\n{c.measure_id}", who, old, new])
                item.setData(0, Qt.ItemDataRole.UserRole, c.measure_id)
                item.setToolTip(0, title)
                group.addChild(item)
            group.setExpanded(True)
        self.tree.setColumnWidth(1, self.tree.fontMetrics().horizontalAdvance("厂房屋顶分布式光伏") + 12)
        self.tree.setCurrentIndex(QModelIndex())       # no row looks chosen: there is nothing to choose

    def measure_ids(self) -> list[str]:
        """The measure ids listed, in order (tests, the screenshots)."""
        out = []
        for i in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(i)
            out += [group.child(j).data(0, Qt.ItemDataRole.UserRole) for j in range(group.childCount())]
        return out

    def clear(self) -> None:
        self._cancel_render()
        self.report = self.rendered = None
        self.tree.clear()
        self.summary.clear()
        self.heading.clear()
        self.status.clear()

    # -- the PDF (worker thread, PdfActions) ------------------------------------------------------
    def _render_work(self):
        if self.report is None or not self.has_company:
            return None
        report, lang, name = self.report, self.lang(), self.company_name
        before, after = self.before, self.after

        def work(_progress):
            from core.checklist.changes_pdf import render_changes
            return render_changes(report, lang, company_name=name, before=before, after=after)

        return work

    def _rendered(self, result, error) -> None:
        if error is not None:
            self.status.setText(_("无法生成 PDF：{error}").format(error=error))
        else:
            self.rendered = result

    def _update_buttons(self) -> None:
        ready = self.rendered is not None and not self._busy_tasks
        self.print_button.setEnabled(ready)
        self.export_button.setEnabled(ready)

    def document_title(self) -> str:
        return _("措施数据更新：对本单位的影响")

    def suggested_name(self) -> str:
        return suggested_pdf_name(_("措施数据更新"), self.company_name)

    def retranslate(self) -> None:
        self.tree.setHeaderLabels([_("措施"), _("项目"), _("原来"), _("现在")])
        self.language_label.setText(_("PDF 文字"))
        self.print_button.setText(_("打印…"))
        self.export_button.setText(_("导出 PDF…"))
        if self.report is not None:
            self._fill()


# -- the dialog ------------------------------------------------------------------------------

class MeasuresUpdateDialog(QDialog):
    """Import, rollback and data information for the main window (one instance, kept)."""

    PACK, CHANGES, INFO = range(3)

    def __init__(self, window):
        super().__init__(window)
        self.main = window
        self.checked: Checked | None = None
        self.switched: Switched | None = None
        self._task: TaskHandle | None = None
        self.setObjectName("measuresUpdate")

        # the pack page
        self.file_label = QLabel()
        self.file_edit = QLineEdit()
        self.file_edit.setReadOnly(True)
        self.choose_button = QPushButton()
        self.choose_button.clicked.connect(self.choose_file)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.setTextVisible(False)
        self.progress.setMaximumHeight(10)
        self.progress.hide()
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.manifest = QTextBrowser()
        self.manifest.setOpenLinks(False)
        self.in_use_label = QLabel()
        self.in_use_label.setWordWrap(True)
        self.verdict = QLabel()
        self.verdict.setWordWrap(True)
        self.verdict.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        pack_page = QWidget()
        row = QHBoxLayout()
        row.addWidget(self.file_label)
        row.addWidget(self.file_edit, 1)
        row.addWidget(self.choose_button)
        column = QVBoxLayout(pack_page)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(row)
        column.addWidget(self.progress)
        column.addWidget(self.manifest, 1)
        column.addWidget(self.in_use_label)
        column.addWidget(self.verdict)
        column.addWidget(self.message)

        self.changes = ChangesView()
        self.info = QTextBrowser()
        self.info.setOpenLinks(False)

        self.pages = QStackedWidget()
        for page in (pack_page, self.changes, self.info):
            self.pages.addWidget(page)

        self.import_button = QPushButton()
        self.import_button.setDefault(True)
        self.import_button.clicked.connect(self.do_import)
        self.close_button = QPushButton()
        self.close_button.clicked.connect(self.close)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages, 1)
        layout.addLayout(buttons)
        self.resize(980, 660)
        follow_language(self, self.retranslate)
        self.retranslate()

    # -- pages -------------------------------------------------------------------------------
    def page(self) -> int:
        return self.pages.currentIndex()

    def _show_page(self, index: int) -> None:
        self.pages.setCurrentIndex(index)
        self.import_button.setVisible(index == self.PACK)
        self._update_buttons()
        self._update_title()
        self.show()
        self.raise_()
        self.activateWindow()

    def is_busy(self) -> bool:
        return self._task is not None or self.changes.is_busy()

    def _busy(self, task: TaskHandle | None) -> None:
        self._task = task
        self.progress.setVisible(task is not None)
        self.choose_button.setEnabled(task is None)
        self._update_buttons()

    def _update_buttons(self) -> None:
        self.import_button.setEnabled(self._task is None and self.checked is not None
                                      and self.checked.refusal is None)

    # -- import --------------------------------------------------------------------------------
    def start_import(self) -> None:
        """The 数据 → 导入措施包… command: choose a file, then verify it here."""
        if self._task is not None:
            self._show_page(self.PACK)
            return
        self.choose_file(show_empty=False)

    def choose_file(self, show_empty: bool = True) -> None:
        start = (self.file_edit.text()
                 or QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DownloadLocation)
                 or QDir.homePath())
        parent = self if self.isVisible() else self.main
        path, _filter = QFileDialog.getOpenFileName(
            parent, _("选择措施包"), str(Path(start).parent if self.file_edit.text() else start),
            _("绿策通措施包 (*{suffix});;所有文件 (*)").format(suffix=SUFFIX))
        if path:
            self.check_file(Path(path))
        elif show_empty:
            self._show_page(self.PACK)

    def check_file(self, path: Path) -> None:
        """Read and verify the pack on the worker; the manifest and the verdict follow."""
        self.checked = None
        self.file_edit.setText(str(path))
        self.manifest.clear()
        self.in_use_label.clear()
        self.verdict.clear()
        self._say(_("正在验证措施包（签名、完整性、数据校验）…"))
        self._busy(run_task(refusing(lambda: check_pack_file(path)), self._checked))
        self._show_page(self.PACK)

    def _checked(self, result, error) -> None:
        self._busy(None)
        if error is not None or isinstance(result, PackError):
            self._refuse(result if error is None else error)
            return
        self._show_checked(result)

    def _show_checked(self, result: Checked) -> None:
        self.checked = result
        self.manifest.setHtml(manifest_html(result))
        self.in_use_label.setText(_("正在使用：{source}").format(source=result.in_use.describe(_)))
        if result.refusal is not None:
            self.verdict.clear()
            self._say(result.refusal, error=True)
        else:
            self.verdict.setStyleSheet(GOOD_STYLE)
            self.verdict.setText(_("签名有效，数据校验通过；此措施包比正在使用的数据新，可以导入。"
                                   "导入后原数据保留，可用“恢复上一版本”找回。"))
            self._say("")
        self._update_buttons()

    def _refuse(self, error: BaseException) -> None:
        text = (str(error) if isinstance(error, PackError)
                else _("无法读取措施包：{error}").format(error=error))
        self.manifest.clear()
        self.in_use_label.clear()
        self.verdict.clear()
        self._say(text, error=True)

    def _say(self, text: str, error: bool = False) -> None:
        self.message.setStyleSheet(ERROR_STYLE if error else "")
        self.message.setText(text)

    def do_import(self) -> None:
        if not self.import_button.isEnabled() or self.checked is None:
            return
        data = self.checked.data
        profile, as_of = self.main.form.profile(), self.main.as_of

        def work():
            return import_pack_data(data, profile, as_of)

        self._say(_("正在导入…"))
        self._busy(run_task(refusing(work), lambda r, e: self._switched(r, e, profile)))

    # -- rollback ------------------------------------------------------------------------------
    def start_rollback(self) -> None:
        if self._task is not None:
            return
        try:
            state = installed()
        except DatabaseError as exc:
            QMessageBox.warning(self.main, _("恢复上一版本"), str(exc))
            return
        target = state.rollback_target
        if target is None:
            QMessageBox.information(self.main, _("恢复上一版本"), _("没有可以恢复的上一版本措施数据。"))
            return
        answer = QMessageBox.question(
            self.main, _("恢复上一版本"),
            _("恢复为 {target}？\n当前数据（{current}）可再次恢复。").format(
                target=target.describe(_), current=state.in_use.describe(_)),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel)
        if answer != QMessageBox.StandardButton.Yes:
            return
        profile, as_of = self.main.form.profile(), self.main.as_of

        def work():
            return roll_back(profile, as_of)

        self.main.statusBar().showMessage(_("正在恢复上一版本的措施数据…"))
        self._busy(run_task(refusing(work), lambda r, e: self._switched(r, e, profile)))

    # -- after either --------------------------------------------------------------------------
    def _switched(self, result, error, profile: dict) -> None:
        self._busy(None)
        self.main.statusBar().clearMessage()
        if error is not None or isinstance(result, PackError):
            self._refuse(result if error is None else error)
            self._show_page(self.PACK)
            return
        try:
            db = MeasuresDB(result.switch.after.path)
        except DatabaseError as exc:
            self._say(str(exc), error=True)
            self._show_page(self.PACK)
            return
        self.main.set_database(db)
        self.checked = None
        self.switched = result
        self.changes.set_report(result, profile)
        self.main.statusBar().showMessage(_("已改用措施数据 {release}").format(
            release=result.switch.after.release.describe(_)), 8000)
        self._show_page(self.CHANGES)

    # -- information ---------------------------------------------------------------------------
    def show_info(self) -> None:
        self.info.setHtml(self._info_html())
        self._show_page(self.INFO)

    def _info_html(self) -> str:
        try:
            state: Installed | None = installed()
        except DatabaseError as exc:
            state, problem = None, str(exc)
        db = self.main.db
        rows: list[tuple[str, str]] = []
        if state is not None:
            target = state.rollback_target
            rows += [(_("正在使用"), state.in_use.describe(_)),
                     (_("程序内置"), state.bundled.describe(_)),
                     (_("可恢复为"), target.describe(_) if target else _("（无）"))]
            note = state.hidden_pack_note(_)
            if note:
                rows.append((_("说明"), note))
        else:
            rows.append((_("说明"), problem))
        documents = db.documents()
        rows += [(_("数据库版本"), db.version),
                 (_("内容"), _("{documents} 份文件，{measures} 条措施").format(
                     documents=len(documents), measures=len(db.list_measures())))]
        body = "".join(f"<tr><td style='padding-right:16px'><b>{_e(k)}</b></td><td>{_e(v)}</td></tr>"
                       for k, v in rows)
        lines = staleness_lines(db, self.main.settings.get("stale_after_days"))
        if lines:
            age = "".join(f"<p style='{ERROR_STYLE}'>{_e(line)}</p>" for line in lines)
        else:
            age = f"<p style='{GOOD_STYLE}'>{_e(_('措施数据未过期。'))}</p>"
        docs = "".join(f"<li>{_e(convert_policy_text(d['title']))}"
                       f"（{_e(_period(d['valid_from'], d['valid_to']))}）</li>" for d in documents)
        return f"<h3>{_e(_('措施数据信息'))}</h3><table>{body}</table>{age}<ul>{docs}</ul>"

    # -- language and closing --------------------------------------------------------------------
    def _update_title(self) -> None:
        titles = {self.PACK: _("导入措施包"), self.CHANGES: _("措施数据更新：对本单位的影响"),
                  self.INFO: _("措施数据信息")}
        self.setWindowTitle(titles[self.page()])

    def retranslate(self) -> None:
        self.file_label.setText(_("措施包文件："))
        self.choose_button.setText(_("选择文件…"))
        self.import_button.setText(_("导入"))
        self.close_button.setText(_("关闭"))
        self._update_title()
        if self.checked is not None:
            self._show_checked(self.checked)
        if self.page() == self.INFO and self.isVisible():
            self.info.setHtml(self._info_html())
