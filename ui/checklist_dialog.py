"""The application checklist in the window: choose measures, preview, export as PDF, print.

`ChecklistPanel` does the work and is shared with the kiosk; `ChecklistDialog` puts it in a window
for the desktop. The PDF is built, rendered for the preview and printed on the worker thread
(ui/tasks.py) with a progress bar; the panel stays usable meanwhile, and a newer request replaces
an older one.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from core.checklist.model import CHECKLIST_STATUSES, build_checklist
from core.checklist.pdf import RenderedChecklist, render_checklist
from core.engine.evaluate import Evaluation
from core.engine.stacking import gives_support
from core.i18n import _, convert_policy_text, current_language, format_amount_range
from core.printing import PrintError
from ui import printing
from ui.language import follow_language
from ui.pdf_actions import PdfActions, suggested_pdf_name

PREVIEW_DPI = 110
KEY_ROLE = Qt.ItemDataRole.UserRole + 1


class PagePreview(QScrollArea):
    """The rendered pages one under another, scaled to the width of the view."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setAlignment(Qt.AlignmentFlag.AlignHCenter)
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
            label.setAlignment(Qt.AlignmentFlag.AlignHCenter)
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
        for label, image in zip(self.labels, self.images, strict=True):
            pixmap = QPixmap.fromImage(image).scaledToWidth(int(width * ratio),
                                                            Qt.TransformationMode.SmoothTransformation)
            pixmap.setDevicePixelRatio(ratio)
            label.setPixmap(pixmap)


class ChecklistPanel(PdfActions, QWidget):
    """Measures to include, script, preview, and the export and print buttons."""

    busyChanged = Signal(bool)
    printed = Signal(str)          # where the job went (the kiosk thanks the visitor)

    def __init__(self, *, allow_files: bool = True, parent=None):
        super().__init__(parent)
        self.allow_files = allow_files
        self.evaluation: Evaluation | None = None
        self.profile: dict | None = None
        self.rendered: RenderedChecklist | None = None
        self._init_pdf_actions()

        self.choices_label = QLabel()
        self.choices = QListWidget()
        self.choices.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.choices.setWordWrap(True)
        self.choices.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.choices.itemChanged.connect(lambda _item: self.refresh())
        self.plan_button = QPushButton()
        self.plan_button.clicked.connect(self.select_plan)
        self.language_label = QLabel()

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
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
            ticked = (r.measure_id, r.project_id) in checked
            item.setCheckState(Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)
            self.choices.addItem(item)
        self.choices.blockSignals(False)

    def selection(self) -> list[tuple[str, str | None]]:
        return [self.choices.item(i).data(KEY_ROLE) for i in range(self.choices.count())
                if self.choices.item(i).checkState() == Qt.CheckState.Checked]

    def select_plan(self) -> None:
        if self.evaluation is not None:
            self.set_evaluation(self.evaluation, self.profile)

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
    def _render_work(self):
        if self.evaluation is None:
            return None
        evaluation, profile, selection, lang = self.evaluation, self.profile, self.selection(), self.lang()
        if set(selection) == {(i.measure_id, i.project_id) for i in evaluation.plan.selected}:
            selection = None          # the plan as it is: the PDF says so, in the plan's order
        dpi = PREVIEW_DPI * self.devicePixelRatioF()

        def work(progress):
            checklist = build_checklist(evaluation, profile, selection)
            rendered = render_checklist(checklist, lang)
            return rendered, printing.render_pages(rendered.pdf, dpi, progress)

        self.status.setText(_("正在生成申请材料清单…"))
        return work

    def _rendered(self, result, error) -> None:
        if error is not None:
            self.status.setText(_("无法生成清单：{error}").format(error=error))
            return
        self.rendered, images = result
        self.preview.set_pages(images)
        self.status.setText(_("共 {pages} 页，{count} 项措施。").format(
            pages=self.rendered.pages, count=len(self.selection())))

    def _update_buttons(self) -> None:
        ready = self.rendered is not None and not self._busy_tasks
        for button in (self.export_button, self.print_button):
            button.setEnabled(ready)
        self.direct_button.setEnabled(ready and self.printer.count() > 0)

    # -- export and printing (the rest in PdfActions) -------------------------------------------
    def document_title(self) -> str:
        return _("申请材料清单")

    def suggested_name(self) -> str:
        return suggested_pdf_name(_("申请材料清单"), (self.profile or {}).get("company", {}).get("name"))

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

    # -- language -----------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.choices_label.setText(_("列入清单的措施（默认为推荐组合）"))
        self.plan_button.setText(_("恢复推荐组合"))
        self.language_label.setText(_("清单文字"))
        self.export_button.setText(_("导出 PDF…"))
        self.print_button.setText(_("打印…"))
        self.direct_button.setText(_("直接打印"))
        self.printer.setToolTip(_("直接打印到这台打印机"))
        # Screen readers: each control by what it is (the combos would otherwise read their value).
        self.choices.setAccessibleName(_("列入清单的措施"))
        self.language.setAccessibleName(_("清单文字"))
        self.printer.setAccessibleName(_("打印机"))
        self.preview.setAccessibleName(_("清单预览"))
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
