"""What a widget that holds a rendered PDF can do with it: export, print through the system dialog,
print straight to a named printer, with the work on the worker thread (ui/tasks.py) and a busy
progress bar. Shared by the checklist panel and the "what changed" view of a measures update.

`PdfActions` is a mixin for a QWidget subclass, which provides:

- ``self.rendered`` — an object with ``.pdf`` (bytes) and ``.pages`` (int), or None;
- ``self.allow_files`` (bool: file and print dialogs allowed);
- signals ``busyChanged(bool)`` and ``printed(str)``;
- ``document_title()`` (the print job's name) and ``suggested_name()`` (the export file name);
- ``_update_buttons()`` (called whenever the busy state changes);
- ``_render_work()``: the work function that renders the PDF now (None: nothing to render), and
  ``_rendered(result, error)``: its outcome, on the UI thread.

The host calls ``_init_pdf_actions()`` early in its constructor, which makes the widgets it lays
out: ``progress`` (QProgressBar), ``status`` (QLabel), ``language`` (the PDF's script),
``export_button`` and ``print_button``. ``refresh()`` renders again (after a short delay, so a burst
of changes renders once), a newer render replacing an older one.
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from PySide6.QtCore import QDir, Qt, QTimer
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QComboBox, QDialog, QFileDialog, QLabel, QMessageBox, QProgressBar, QPushButton

from core.atomic import atomic_write_bytes
from core.i18n import LOCALES, _, current_language
from core.printing import PrintError
from ui import printing
from ui.tasks import TaskHandle, run_task

REFRESH_DELAY_MS = 200


def script_combo() -> QComboBox:
    """The PDF's script (简体 / 繁體（香港） / 繁體（台灣）), chosen apart from the UI's; the UI's first."""
    combo = QComboBox()
    for info in LOCALES.values():
        combo.addItem(info.name, info.code)       # each name in its own script
    combo.setCurrentIndex(combo.findData(current_language()))
    return combo


def suggested_pdf_name(title: str, company: str | None) -> str:
    """``<title>-<company>-<today>.pdf``, the company name as typed without characters file names refuse."""
    company = re.sub(r'[\\/:*?"<>|\s]+', "", company or "")[:40]
    parts = [title, company, dt.date.today().isoformat()]
    return "-".join(p for p in parts if p) + ".pdf"


class PdfActions:
    def _init_pdf_actions(self) -> None:
        self.last_job: str | None = None      # what the last print went to (a CUPS job id, a printer)
        self._busy_tasks: set[TaskHandle] = set()
        self._render_task: TaskHandle | None = None
        self.refresh_timer = QTimer(self, singleShot=True, interval=REFRESH_DELAY_MS)
        self.refresh_timer.timeout.connect(self._generate)
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(220)
        self.progress.setTextVisible(False)
        self.progress.hide()
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.language = script_combo()
        self.language.currentIndexChanged.connect(lambda _i: self.refresh())
        self.export_button = QPushButton()
        self.export_button.clicked.connect(self.export_with_dialog)
        self.print_button = QPushButton()
        self.print_button.clicked.connect(self.print_with_dialog)

    # -- rendering (worker thread) --------------------------------------------------------------
    def lang(self) -> str:
        """The script the PDF is written in."""
        return self.language.currentData()

    def refresh(self, now: bool = False) -> None:
        self.rendered = None
        self._update_buttons()
        if now:
            self._generate()
        else:
            self.refresh_timer.start()

    def _cancel_render(self) -> None:
        """Drop the render under way (its result would be stale); it no longer counts as busy."""
        if self._render_task is not None:
            self._render_task.cancel()
            self._busy_tasks.discard(self._render_task)
            self._render_task = None
            self._show_busy()

    def _generate(self) -> None:
        self.refresh_timer.stop()
        work = self._render_work()
        if work is None:
            return
        self._cancel_render()
        self._render_task = self._start(work, self._generated)

    def _generated(self, result, error) -> None:
        self._render_task = None
        self._rendered(result, error)
        self._update_buttons()

    # -- the worker ------------------------------------------------------------------------------
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

    def _warn(self, title: str, text: str) -> None:
        self.status.setText(text)
        QMessageBox.warning(self, title, text)

    # -- export --------------------------------------------------------------------------------
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
    def print_with_dialog(self) -> None:
        if not self.allow_files or self.rendered is None:
            return
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self.document_title())
        dialog = QPrintDialog(printer, self)
        dialog.setMinMax(1, self.rendered.pages)
        dialog.setOption(QPrintDialog.PrintDialogOption.PrintSelection, False)
        dialog.setOption(QPrintDialog.PrintDialogOption.PrintCurrentPage, False)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.print_to(printer)

    def print_to(self, printer: QPrinter) -> None:
        """What the print dialog chose: a PDF file (written as it is, not re-drawn) or a printer."""
        if printer.outputFormat() == QPrinter.OutputFormat.PdfFormat and printer.outputFileName():
            self.export_to(Path(printer.outputFileName()))
            return
        ranges = None
        if printer.printRange() == QPrinter.PrintRange.PageRange and printer.fromPage() > 0:
            ranges = f"{printer.fromPage()}-{max(printer.fromPage(), printer.toPage())}"
        self.print_direct(printer.printerName() or None, copies=max(1, printer.copyCount()),
                          page_ranges=ranges)

    def print_direct(self, name: str | None, *, copies: int = 1, page_ranges: str | None = None) -> None:
        """Print to the printer called `name` (None: the default), never to another one."""
        if self.rendered is None:
            return
        pdf, title = self.rendered.pdf, self.document_title()

        def work(progress):
            return printing.print_pdf(pdf, name, copies=copies, page_ranges=page_ranges, title=title,
                                      progress=progress)

        def done(result, error):
            if error is None:
                self.last_job = result
                where = name or _("默认打印机")
                self.status.setText(
                    _("已发送到打印机“{printer}”（{job}）。").format(printer=where, job=result))
                self.printed.emit(where)
            elif isinstance(error, PrintError):
                self._warn(_("无法打印"), error.message_zh)
            else:
                self._warn(_("无法打印"), _("打印失败：{error}").format(error=error))

        self.status.setText(_("正在发送到打印机…"))
        self._start(work, done)
