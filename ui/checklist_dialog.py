"""The application checklist in the window: choose measures, preview, export as PDF, print.

`ChecklistPanel` does the work and is shared with the kiosk; `ChecklistDialog` puts it in a window
for the desktop. The PDF is built, rendered for the preview and printed on the worker thread
(ui/tasks.py) with a progress bar; the panel stays usable meanwhile, and a newer request replaces
an older one.
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from PySide6.QtCore import QDir, Qt, QTimer, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDialog, QFileDialog, QHBoxLayout, QLabel,
                               QListWidget, QListWidgetItem, QMessageBox, QProgressBar, QPushButton,
                               QScrollArea, QSplitter, QVBoxLayout, QWidget)

from core.atomic import atomic_write_bytes
from core.checklist.model import CHECKLIST_STATUSES, build_checklist
from core.checklist.pdf import RenderedChecklist, render_checklist
from core.engine.evaluate import Evaluation
from core.engine.stacking import gives_support
from core.i18n import LOCALES, _, convert_policy_text, current_language, format_amount_range
from core.printing import PrintError
from ui import printing
from ui.language import follow_language
from ui.tasks import TaskHandle, run_task

PREVIEW_DPI = 110
REFRESH_DELAY_MS = 200
KEY_ROLE = Qt.UserRole + 1


class PagePreview(QScrollArea):
    """The rendered pages one under another, scaled to the width of the view."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setAlignment(Qt.AlignHCenter)
        self.images: list = []
        self.labels: list[QLabel] = []
        holder = QWidget()
        holder.setObjectName("pages")
        self.column = QVBoxLayout(holder)
        self.column.setSpacing(12)
        self.column.setContentsMargins(12, 12, 12, 12)
        self.setWidget(holder)
        self.setStyleSheet("QWidget#pages { background: #7b8794; }")

    def set_pages(self, images: list) -> None:
        self.clear()
        self.images = images
        for _image in images:
            label = QLabel()
            label.setAlignment(Qt.AlignHCenter)
            self.column.addWidget(label)
            self.labels.append(label)
        self._scale()

    def clear(self) -> None:
        """Drop every page: images and labels are deleted, not hidden."""
        for label in self.labels:
            self.column.removeWidget(label)
            label.deleteLater()
        self.labels, self.images = [], []

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        self._scale()

    def _scale(self) -> None:
        width = max(200, self.viewport().width() - 40)
        ratio = self.devicePixelRatioF()
        for label, image in zip(self.labels, self.images):
            pixmap = QPixmap.fromImage(image).scaledToWidth(int(width * ratio), Qt.SmoothTransformation)
            pixmap.setDevicePixelRatio(ratio)
            label.setPixmap(pixmap)


class ChecklistPanel(QWidget):
    """Measures to include, script, preview, and the export and print buttons."""

    busyChanged = Signal(bool)
    printed = Signal(str)          # where the job went (the kiosk thanks the visitor)

    def __init__(self, *, allow_files: bool = True, parent=None):
        super().__init__(parent)
        self.allow_files = allow_files
        self.evaluation: Evaluation | None = None
        self.profile: dict | None = None
        self.rendered: RenderedChecklist | None = None
        self.last_job: str | None = None      # what the last print went to (a CUPS job id, a printer)
        self._render_task: TaskHandle | None = None
        self._busy_tasks: set[TaskHandle] = set()

        self.choices_label = QLabel()
        self.choices = QListWidget()
        self.choices.setSelectionMode(QAbstractItemView.NoSelection)
        self.choices.setWordWrap(True)
        self.choices.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.choices.itemChanged.connect(lambda _item: self.refresh())
        self.plan_button = QPushButton()
        self.plan_button.clicked.connect(self.select_plan)
        self.language_label = QLabel()
        self.language = QComboBox()
        for info in LOCALES.values():
            self.language.addItem(info.name, info.code)
        self.language.setCurrentIndex(self.language.findData(current_language()))
        self.language.currentIndexChanged.connect(lambda _i: self.refresh())

        left = QWidget()
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.choices_label)
        column.addWidget(self.choices, 1)
        column.addWidget(self.plan_button)
        column.addWidget(self.language_label)
        column.addWidget(self.language)

        self.preview = PagePreview()
        split = QSplitter()
        split.addWidget(left)
        split.addWidget(self.preview)
        split.setStretchFactor(0, 0)
        split.setStretchFactor(1, 1)
        left.setMinimumWidth(260)
        split.setSizes([400, 700])     # the list's long titles must not squeeze the pages

        self.progress = QProgressBar()
        self.progress.setMaximumWidth(220)
        self.progress.setTextVisible(False)
        self.progress.hide()
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.export_button = QPushButton()
        self.export_button.clicked.connect(self.export_with_dialog)
        self.print_button = QPushButton()
        self.print_button.clicked.connect(self.print_with_dialog)
        self.printer = QComboBox()
        self.printer.setMinimumContentsLength(14)
        self.direct_button = QPushButton()
        self.direct_button.clicked.connect(lambda: self.print_direct(self.printer.currentData()))
        self.export_button.setVisible(allow_files)
        self.print_button.setVisible(allow_files)

        bottom = QHBoxLayout()
        bottom.addWidget(self.progress)
        bottom.addWidget(self.status, 1)
        for w in (self.export_button, self.print_button, self.printer, self.direct_button):
            bottom.addWidget(w)
        layout = QVBoxLayout(self)
        layout.addWidget(split, 1)
        layout.addLayout(bottom)

        self.refresh_timer = QTimer(self, singleShot=True, interval=REFRESH_DELAY_MS)
        self.refresh_timer.timeout.connect(self._generate)
        follow_language(self, self.retranslate)
        self.retranslate()
        self.fill_printers()
        self._update_buttons()

    # -- content ---------------------------------------------------------------------------
    def set_evaluation(self, evaluation: Evaluation, profile: dict) -> None:
        """The results to choose from; the recommended plan is ticked."""
        self.evaluation, self.profile = evaluation, profile
        self._fill_choices({(i.measure_id, i.project_id) for i in evaluation.plan.selected})
        self.refresh(now=True)

    def _fill_choices(self, checked: set) -> None:
        self.choices.blockSignals(True)
        self.choices.clear()
        lang = current_language()
        for r in self.evaluation.results:
            if r.status not in CHECKLIST_STATUSES or not gives_support(r.measure):
                continue
            script = r.document.get("script", "zh-Hans")
            title = convert_policy_text(f"{r.measure['title']}（{r.citation}）", lang, source_script=script)
            who = f" · {r.project_name or r.project_id}" if r.project_id else ""   # as typed
            amount = format_amount_range(r.amount_min, r.amount_max, lang, unit="auto")
            item = QListWidgetItem(f"{title}{who}\n{amount}")
            item.setData(KEY_ROLE, (r.measure_id, r.project_id))
            item.setFlags(Qt.ItemIsEnabled | Qt.ItemIsUserCheckable)
            item.setCheckState(Qt.Checked if (r.measure_id, r.project_id) in checked else Qt.Unchecked)
            self.choices.addItem(item)
        self.choices.blockSignals(False)

    def selection(self) -> list[tuple[str, str | None]]:
        return [self.choices.item(i).data(KEY_ROLE) for i in range(self.choices.count())
                if self.choices.item(i).checkState() == Qt.Checked]

    def select_plan(self) -> None:
        if self.evaluation is not None:
            self.set_evaluation(self.evaluation, self.profile)

    def lang(self) -> str:
        return self.language.currentData()

    def _cancel_render(self) -> None:
        """Drop the render under way (its result would be stale); it no longer counts as busy."""
        if self._render_task is not None:
            self._render_task.cancel()
            self._busy_tasks.discard(self._render_task)
            self._render_task = None
            self._show_busy()

    def clear(self) -> None:
        """Forget everything (the kiosk between visitors): choices, PDF, pages."""
        self._cancel_render()
        self.refresh_timer.stop()
        self.evaluation = self.profile = self.rendered = None
        self.choices.clear()
        self.preview.clear()
        self.status.clear()
        self._update_buttons()

    # -- building and preview (worker thread) ----------------------------------------------
    def refresh(self, now: bool = False) -> None:
        self.rendered = None
        self._update_buttons()
        if now:
            self._generate()
        else:
            self.refresh_timer.start()

    def _generate(self) -> None:
        self.refresh_timer.stop()
        if self.evaluation is None:
            return
        self._cancel_render()
        evaluation, profile, selection, lang = self.evaluation, self.profile, self.selection(), self.lang()
        if set(selection) == {(i.measure_id, i.project_id) for i in evaluation.plan.selected}:
            selection = None          # the plan as it is: the PDF says so, in the plan's order
        dpi = PREVIEW_DPI * self.devicePixelRatioF()

        def work(progress):
            checklist = build_checklist(evaluation, profile, selection)
            rendered = render_checklist(checklist, lang)
            return rendered, printing.render_pages(rendered.pdf, dpi, progress)

        self.status.setText(_("正在生成申请材料清单…"))
        self._render_task = self._start(work, self._generated)

    def _generated(self, result, error) -> None:
        self._render_task = None
        if error is not None:
            self.status.setText(_("无法生成清单：{error}").format(error=error))
            return
        self.rendered, images = result
        self.preview.set_pages(images)
        self.status.setText(_("共 {pages} 页，{count} 项措施。").format(
            pages=self.rendered.pages, count=len(self.selection())))
        self._update_buttons()

    def _start(self, work, done) -> TaskHandle:
        """Run on the worker with the progress bar showing; buttons wait until it is done."""
        handle: TaskHandle

        def finished(result, error):
            self._busy_tasks.discard(handle)
            self._show_busy()
            done(result, error)

        handle = run_task(work, finished, self._progressed)
        self._busy_tasks.add(handle)
        self._show_busy()
        return handle

    def _progressed(self, done: int, total: int) -> None:
        self.progress.setRange(0, total)
        self.progress.setValue(done)

    def _show_busy(self) -> None:
        busy = bool(self._busy_tasks)
        self.progress.setVisible(busy)
        if busy:
            self.progress.setRange(0, 0)      # busy until the first progress report
        self._update_buttons()
        self.busyChanged.emit(busy)

    def is_busy(self) -> bool:
        return bool(self._busy_tasks)

    def _update_buttons(self) -> None:
        ready = self.rendered is not None and not self._busy_tasks
        for button in (self.export_button, self.print_button):
            button.setEnabled(ready)
        self.direct_button.setEnabled(ready and self.printer.count() > 0)

    # -- export --------------------------------------------------------------------------------
    def suggested_name(self) -> str:
        company = (self.profile or {}).get("company", {}).get("name") or ""
        company = re.sub(r'[\\/:*?"<>|\s]+', "", company)[:40]
        parts = [_("申请材料清单"), company, dt.date.today().isoformat()]
        return "-".join(p for p in parts if p) + ".pdf"

    def export_with_dialog(self) -> None:
        if not self.allow_files or self.rendered is None:
            return
        path, _filter = QFileDialog.getSaveFileName(
            self, _("导出 PDF"), str(Path(QDir.homePath()) / self.suggested_name()), _("PDF 文件 (*.pdf)"))
        if path:
            if not path.lower().endswith(".pdf"):
                path += ".pdf"
            self.export_to(Path(path))

    def export_to(self, path: Path) -> None:
        pdf = self.rendered.pdf

        def work(_progress):
            atomic_write_bytes(path, pdf)
            return path

        def done(result, error):
            if error is None:
                self.status.setText(_("已导出：{path}").format(path=result))
            else:
                reason = getattr(error, "strerror", None) or str(error)
                self._warn(_("无法导出"), _("无法写入 {path}：{reason}").format(path=path, reason=reason))

        self._start(work, done)

    # -- printing -----------------------------------------------------------------------------
    def fill_printers(self) -> None:
        """The printers the print system knows, the default first selected."""
        self.printer.clear()
        try:
            names, default = printing.printer_names()
        except PrintError as exc:
            names, default = [], None
            self.printer.setToolTip(exc.message_zh)
        for name in names:
            label = name + ("（" + _("默认") + "）" if name == default else "")
            self.printer.addItem(label, name)
        if default is not None:
            self.printer.setCurrentIndex(self.printer.findData(default))
        self._update_buttons()

    def print_with_dialog(self) -> None:
        if not self.allow_files or self.rendered is None:
            return
        printer = QPrinter(QPrinter.HighResolution)
        printer.setDocName(_("申请材料清单"))
        dialog = QPrintDialog(printer, self)
        dialog.setMinMax(1, self.rendered.pages)
        dialog.setOption(QPrintDialog.PrintSelection, False)
        dialog.setOption(QPrintDialog.PrintCurrentPage, False)
        if dialog.exec() == QDialog.Accepted:
            self.print_to(printer)

    def print_to(self, printer: QPrinter) -> None:
        """What the print dialog chose: a PDF file (written as it is, not re-drawn) or a printer."""
        if printer.outputFormat() == QPrinter.PdfFormat and printer.outputFileName():
            self.export_to(Path(printer.outputFileName()))
            return
        ranges = None
        if printer.printRange() == QPrinter.PageRange and printer.fromPage() > 0:
            ranges = f"{printer.fromPage()}-{max(printer.fromPage(), printer.toPage())}"
        self.print_direct(printer.printerName() or None, copies=max(1, printer.copyCount()),
                          page_ranges=ranges)

    def print_direct(self, name: str | None, *, copies: int = 1, page_ranges: str | None = None) -> None:
        """Print to the printer called `name` (None: the default), never to another one."""
        if self.rendered is None:
            return
        pdf, title = self.rendered.pdf, _("申请材料清单")

        def work(progress):
            return printing.print_pdf(pdf, name, copies=copies, page_ranges=page_ranges, title=title,
                                      progress=progress)

        def done(result, error):
            if error is None:
                self.last_job = result
                where = name or _("默认打印机")
                self.status.setText(_("已发送到打印机“{printer}”（{job}）。").format(printer=where, job=result))
                self.printed.emit(where)
            elif isinstance(error, PrintError):
                self._warn(_("无法打印"), error.message_zh)
            else:
                self._warn(_("无法打印"), _("打印失败：{error}").format(error=error))

        self.status.setText(_("正在发送到打印机…"))
        self._start(work, done)

    def _warn(self, title: str, text: str) -> None:
        self.status.setText(text)
        QMessageBox.warning(self, title, text)

    # -- language -----------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.choices_label.setText(_("列入清单的措施（默认为推荐组合）"))
        self.plan_button.setText(_("恢复推荐组合"))
        self.language_label.setText(_("清单文字"))
        self.export_button.setText(_("导出 PDF…"))
        self.print_button.setText(_("打印…"))
        self.direct_button.setText(_("直接打印"))
        self.printer.setToolTip(_("直接打印到这台打印机"))
        self.printer.setPlaceholderText(_("（没有可用的打印机）"))
        if self.evaluation is not None:
            self._fill_choices(set(self.selection()))     # the list follows; the PDF keeps its script


class ChecklistDialog(QDialog):
    """The desktop's checklist window (Ctrl+P)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.panel = ChecklistPanel(allow_files=True)
        self.close_button = QPushButton()
        self.close_button.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.panel, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.close_button)
        layout.addLayout(row)
        self.resize(1100, 760)
        follow_language(self, self.retranslate)
        self.retranslate()

    def set_evaluation(self, evaluation: Evaluation, profile: dict) -> None:
        self.panel.set_evaluation(evaluation, profile)

    def retranslate(self) -> None:
        self.setWindowTitle(_("申请材料清单"))
        self.close_button.setText(_("关闭"))
