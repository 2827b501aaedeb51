"""The administrator's 措施数据 page: the data in use and its age, and importing a signed pack found
on a USB stick (the kiosk has no file dialog). Finding, checking and importing are core's use cases
(core/measures/pack_actions.py), run on the worker thread; the visitor's widgets are then made
anew on the new data."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.i18n import _
from core.measures.pack import PackError
from core.measures.pack_actions import check_pack_file, find_packs, import_pack_data, refusing
from core.measures.staleness import HOW_TO_UPDATE
from core.measures.store import DatabaseError, MeasuresDB
from ui.kiosk.common import _button, _button_row, touch_scroll
from ui.measures_status import staleness_lines
from ui.pack_places import pack_roots
from ui.tasks import run_task


class DataPage:
    """KioskWindow's measures-data page."""

    def _build_data(self) -> None:
        """The administrator's 措施数据 page: the data in use, its age, packs found on drives."""
        page = QWidget()
        self.data_title = QLabel()
        self.data_title.setObjectName("title")
        self.data_status = QLabel()
        self.data_status.setWordWrap(True)
        self.data_warning = QLabel()
        self.data_warning.setObjectName("problem")
        self.data_warning.setWordWrap(True)
        self.packs_label = QLabel()
        self.packs_list = QListWidget()
        self.packs_list.setWordWrap(True)
        self.packs_list.currentItemChanged.connect(lambda item, _old: self.verify_pack(item))
        touch_scroll(self.packs_list)
        self.pack_info = QLabel()
        self.pack_info.setWordWrap(True)
        self.pack_info.setTextFormat(Qt.TextFormat.PlainText)
        self.rescan_button = _button()
        self.rescan_button.clicked.connect(self.scan_packs)
        self.import_pack_button = _button(name="primary")
        self.import_pack_button.clicked.connect(self.import_selected_pack)
        self.data_back_button = _button()
        self.data_back_button.clicked.connect(lambda: self.show_screen("admin"))
        buttons = _button_row([self.rescan_button, self.import_pack_button], self.data_back_button)
        column = QVBoxLayout(page)
        column.setContentsMargins(48, 16, 48, 16)
        column.setSpacing(16)
        column.addWidget(self.data_title)
        column.addWidget(self.data_status)
        column.addWidget(self.data_warning)
        column.addWidget(self.packs_label)
        column.addWidget(self.packs_list, 1)
        column.addWidget(self.pack_info)
        column.addLayout(buttons)
        self.stack.addWidget(page)
        self.screens["data"] = page

    def show_data(self) -> None:
        if not self._unlocked:
            return
        self.show_screen("data")
        self._fill_data_status()
        self.scan_packs()

    def _fill_data_status(self) -> None:
        release = self.db.release
        self.data_status.setText(_("正在使用：{release}，共 {measures} 条措施（数据库 {version}）").format(
            release=release.describe(_), measures=len(self.measures),
            version=self.db.version))
        # Without the desktop's "how to update" line: this page is where a kiosk is updated.
        lines = [line for line in staleness_lines(self.db, self.settings.get("stale_after_days"))
                 if line != _(HOW_TO_UPDATE)]
        self.data_warning.setText("\n".join(lines))
        self.data_warning.setVisible(bool(lines))
        summary = _("措施数据：{release}").format(release=release.describe(_))
        # A damaged or unwritable measures cache (core.measures.store.CacheNotice): the desktop
        # says so in its status bar; a kiosk has none, so staff read it here.
        notice = self.db.notice.text(_) if self.db.notice is not None else None
        shown = [line for line in (notice, lines[0] if lines else None) if line]
        self.admin_data.setText("\n".join([summary, *shown]))
        self.admin_data.setStyleSheet("color: #b42318;" if shown else "")

    def _pack_busy(self, task) -> None:
        self.pack_task = task
        self.rescan_button.setEnabled(task is None)
        self.import_pack_button.setEnabled(task is None and self.verified is not None
                                           and self.verified.refusal is None)

    def scan_packs(self) -> None:
        """List the packs on the drives (on the worker: USB sticks can be slow)."""
        if self.pack_task is not None:
            return
        roots = pack_roots()
        self.verified = None
        self.packs_list.clear()
        self.pack_info.setText(_("正在查找措施包…"))
        self._pack_busy(run_task(lambda _p: find_packs(roots), self._scanned))

    def _scanned(self, found, error) -> None:
        self._pack_busy(None)
        if error is not None or not found:
            self.pack_info.setText(_("没有找到措施包（.gmpack 文件）。"
                                     "请把措施包放在 U 盘的根目录或第一层文件夹中，插入后按“重新查找”。"))
            return
        self.packs_list.blockSignals(True)
        for path in found:
            item = QListWidgetItem(f"{path.name}\n{path.parent}")
            item.setData(Qt.ItemDataRole.UserRole, str(path))
            self.packs_list.addItem(item)
        self.packs_list.blockSignals(False)
        self.pack_info.setText(_("找到 {n} 个措施包：点选一个进行验证。").format(n=len(found)))

    def verify_pack(self, item) -> None:
        if item is None or self.pack_task is not None:
            return
        path = Path(item.data(Qt.ItemDataRole.UserRole))
        self.verified = None
        self.pack_info.setStyleSheet("")
        self.pack_info.setText(_("正在验证 {name}（签名、完整性、数据校验）…").format(name=path.name))
        self._pack_busy(run_task(refusing(lambda: check_pack_file(path)), self._pack_verified))

    def _pack_verified(self, result, error) -> None:
        if error is not None or isinstance(result, PackError):
            self._pack_busy(None)
            self._pack_problem(str(result if error is None else error))
            return
        self.verified = result
        self._pack_busy(None)
        m = result.pack.manifest
        text = _("措施包 {release}：{documents} 份文件，{measures} 条措施；签名有效，数据校验通过。").format(
            release=m.release.describe(_), documents=len(m.documents),
            measures=m.measure_count)
        if result.refusal is not None:
            self._pack_problem(text + "\n" + result.refusal)
        else:
            self.pack_info.setStyleSheet("color: #1e7b34;")
            hint = _("按“导入”改用这份数据；原数据保留，可在桌面版“恢复上一版本”。")
            self.pack_info.setText(text + "\n" + hint)

    def _pack_problem(self, text: str) -> None:
        self.pack_info.setStyleSheet("color: #b42318;")
        self.pack_info.setText(text)

    def import_selected_pack(self) -> None:
        if not self._unlocked or self.verified is None or self.verified.refusal is not None or self.pack_task:
            return
        data = self.verified.data
        self.pack_info.setStyleSheet("")
        self.pack_info.setText(_("正在导入…"))
        self.verified = None
        self._pack_busy(run_task(refusing(lambda: import_pack_data(data)), self._pack_imported))

    def _pack_imported(self, result, error) -> None:
        self._pack_busy(None)
        if error is not None or isinstance(result, PackError):
            self._pack_problem(str(result if error is None else error))
            return
        try:
            db = MeasuresDB(result.switch.after.path)
        except DatabaseError as exc:
            self._pack_problem(str(exc))
            return
        self.set_database(db)
        self.pack_info.setStyleSheet("color: #1e7b34;")
        self.pack_info.setText(_("已导入。本机现使用措施数据 {release}。").format(
            release=result.switch.after.release.describe(_)))

    def _retranslate_data(self) -> None:
        self.data_title.setText(_("措施数据"))
        self.packs_label.setText(_("从 U 盘导入措施包（插入 U 盘后按“重新查找”）"))
        self.rescan_button.setText(_("重新查找"))
        self.import_pack_button.setText(_("导入"))
        self.data_back_button.setText(_("返回设置"))
        self._fill_data_status()
