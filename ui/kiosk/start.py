"""The start screen, and the page a kiosk without a usable PIN shows instead (fail closed)."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QLabel,
    QVBoxLayout,
    QWidget,
)

from core.i18n import _
from ui.kiosk.common import DISTRICTS, _button, district_names


class StartScreens:
    """KioskWindow's start and not-set-up pages."""

    def _build_start(self) -> None:
        page = QWidget()
        self.start_title = QLabel()
        self.start_title.setObjectName("title")
        self.start_district = QLabel()
        self.start_district.setObjectName("subtitle")
        self.start_text = QLabel()
        self.start_text.setObjectName("subtitle")
        self.start_text.setWordWrap(True)
        self.start_button = _button(name="big")
        self.start_button.clicked.connect(self.start)
        self.start_printer = QLabel()       # one line when this kiosk cannot print, before anything is typed
        self.start_printer.setObjectName("printerNote")
        self.start_printer.setWordWrap(True)
        column = QVBoxLayout(page)
        column.setSpacing(32)
        column.addStretch(2)
        for label in (self.start_title, self.start_district, self.start_text, self.start_printer):
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            column.addWidget(label)
        column.addSpacing(24)
        column.addWidget(self.start_button, 0, Qt.AlignmentFlag.AlignHCenter)
        column.addStretch(3)
        column.setContentsMargins(48, 0, 48, 0)
        self.stack.addWidget(page)
        self.screens["start"] = page

    def _build_unavailable(self) -> None:
        """What a kiosk without a usable PIN shows: it serves nobody and offers no administration
        (fail closed, core/kiosk.py); staff provision the PIN with ``kiosk set-pin``."""
        page = QWidget()
        self.unavailable_title = QLabel()
        self.unavailable_title.setObjectName("title")
        self.unavailable_text = QLabel()
        self.unavailable_text.setObjectName("subtitle")
        self.unavailable_text.setWordWrap(True)
        self.unavailable_staff = QLabel()
        self.unavailable_staff.setProperty("role", "note")
        self.unavailable_staff.setWordWrap(True)
        column = QVBoxLayout(page)
        column.setContentsMargins(48, 0, 48, 0)
        column.setSpacing(32)
        column.addStretch(2)
        for label in (self.unavailable_title, self.unavailable_text, self.unavailable_staff):
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            column.addWidget(label)
        column.addStretch(3)
        self.stack.addWidget(page)
        self.screens["unavailable"] = page

    def start(self) -> None:
        if not self.is_set_up():
            return
        district = self.settings.get("kiosk_district")
        if district in DISTRICTS and not self.visitor.profile()["company"]:
            self.visitor.set_profile({"company": {"district": district}, "projects": []})
        self.interview.restart()
        self.show_screen("interview")

    def _retranslate_start(self) -> None:
        self.start_title.setText(_("绿色低碳扶持措施自助查询"))
        district = self.settings.get("kiosk_district")
        names = district_names()
        self.start_district.setText(_("{district}政务服务大厅").format(district=names[district])
                                    if district in names else _("深圳市各区政务服务大厅"))
        self.start_district.setVisible(True)
        self.start_text.setText(_("介绍贵公司和项目，看看可以申请哪些扶持，并打印申请材料清单。"
                                  "本机不保存您填写的任何内容，离开前请按“完成（清除）”。"))
        self.start_button.setText(_("开始"))
        self._show_printer_state()
        self.unavailable_title.setText(_("本机暂停服务"))
        self.unavailable_text.setText(_("这台自助终端尚未设置完成，暂时不能使用。请到服务台咨询工作人员。"))
        self.unavailable_staff.setText(_("工作人员：管理密码未设置或无法读取。请在本机运行"
                                         "“GreenMeasuresCmd.exe kiosk set-pin”设置管理密码后重新启动"
                                         "自助终端（见 docs/kiosk.md）。"))
