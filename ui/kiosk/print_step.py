"""The print step: the checklist panel without files, the printer bar and its confirmation, and the
printer check made before a visitor starts (issue 17 item 4)."""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
)

from core.i18n import _, current_language
from core.printing import purge_when_done as cups_purge_when_done
from ui.checklist_dialog import ChecklistPanel
from ui.kiosk.common import _button
from ui.tasks import run_task


class KioskChecklistPanel(ChecklistPanel):
    """The checklist panel without files, whose problems are shown in the window, not a modal."""

    problem = Signal(str, str)       # title, text
    stateChanged = Signal()

    def __init__(self, parent=None):
        super().__init__(allow_files=False, parent=parent)
        for w in (self.printer, self.direct_button, self.language, self.language_label):
            w.hide()

    def _warn(self, title: str, text: str) -> None:
        self.status.setText(text)
        self.problem.emit(title, text)

    def _update_buttons(self) -> None:
        super()._update_buttons()
        self.stateChanged.emit()

    def retranslate(self) -> None:
        """The kiosk has no script list of its own: the checklist is written in the script the
        visitor reads (简 / 繁 at any step), so the preview is made again when it changes."""
        super().retranslate()
        index = self.language.findData(current_language())
        if index >= 0 and index != self.language.currentIndex():
            self.language.setCurrentIndex(index)       # re-renders (ui/pdf_actions.py)


def printer_problem(name: str | None) -> str | None:
    """Why the kiosk's printer (None: the default) cannot print now, for staff; None when it can."""
    from core.printing import PrintError, check_printer
    from ui import printing
    try:
        if printing.use_cups():
            check_printer(name)
        else:
            printing.qt_printer(name)
    except PrintError as exc:
        return exc.message_zh
    except OSError as exc:          # lpstat could not be run at all
        return str(exc)
    return None


class PrintStep:
    """KioskWindow's print step and printer check."""

    def _build_print_bar(self) -> None:
        self.printer_label = QLabel()
        self.printer_label.setWordWrap(True)
        self.print_button = _button(name="primary")
        self.print_button.clicked.connect(self.ask_print)
        row = QHBoxLayout()
        row.setContentsMargins(0, 12, 0, 0)
        row.addWidget(self.printer_label, 1)
        row.addWidget(self.print_button)
        self.print_host.layout().addLayout(row)

    def printer_name(self) -> str | None:
        return self.settings.get("kiosk_printer") or None

    def _update_print_button(self) -> None:
        panel = self.checklist
        self.print_button.setEnabled(panel is not None and panel.rendered is not None and not panel.is_busy())

    def ask_print(self) -> None:
        if not self.print_button.isEnabled():
            return
        where = self.printer_name() or _("默认打印机")
        self.confirm.open(_("打印申请材料清单？"), _("共 {pages} 页，将打印到“{printer}”。").format(
            pages=self.checklist.rendered.pages, printer=where))

    def print_now(self) -> None:
        self.confirm.hide()
        self.checklist.print_direct(self.printer_name())

    def _printed(self, where: str) -> None:
        from ui import printing
        job = self.checklist.last_job
        if job and printing.use_cups():
            # The spool would keep the PDF (company name, credit code) for a day: purge it once
            # printed. Windows' spooler deletes printed documents unless told to keep them.
            self.purges.append(cups_purge_when_done(job))
        text = _("请到打印机“{printer}”取走您的申请材料清单。办完后请按“完成（清除）”，"
                 "本机不会保留您填写的任何内容。")
        self.message.open(_("已开始打印"), text.format(printer=where))

    def _print_problem(self, title: str, text: str) -> None:
        self.message.open(title, text + "\n" + _("请联系服务大厅工作人员。"))

    def check_printer(self) -> None:
        """Whether the kiosk can print, asked before a visitor starts: the start screen then says
        so in one line; the reason, for staff, is on the administrator page. Asked on the worker
        thread: ``lpstat`` can take seconds on a busy or broken print server, and the start screen
        must never freeze meanwhile. A newer check replaces one still under way."""
        if self.printer_task is not None:
            self.printer_task.cancel()
        name = self.printer_name()
        self.printer_task = run_task(lambda _progress: printer_problem(name), self._printer_checked)

    def _printer_checked(self, trouble: str | None, error: BaseException | None) -> None:
        self.printer_task = None
        self.printer_trouble = trouble if error is None else str(error)
        self._show_printer_state()

    def _show_printer_state(self) -> None:
        trouble = self.printer_trouble
        self.start_printer.setText(_("本机暂不能打印，可在屏幕上查看结果") if trouble else "")
        self.start_printer.setVisible(bool(trouble))
        self.admin_printer.setText(_("打印机不可用：{problem}").format(problem=trouble) if trouble else "")
        self.admin_printer.setVisible(bool(trouble))
