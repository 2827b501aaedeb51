"""The administrator's settings page behind the PIN: printer, idle time, district, kiosk at
start-up, a new PIN; locking again and leaving kiosk mode."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
)

from core.i18n import _
from core.kiosk import PIN_MAX_LENGTH, hash_pin, pin_problem, stored_hash_problem
from core.settings import SettingsError
from ui.kiosk.common import _button, _button_row, _scroll_page, district_names


class AdminPage:
    """KioskWindow's administrator page."""

    def _build_admin(self) -> None:
        self.admin_title = QLabel()
        self.admin_title.setObjectName("title")
        self.printer_combo = QComboBox()
        self.idle_spin = QSpinBox()
        self.idle_spin.setRange(10, 86400)
        self.idle_spin.setInputMethodHints(Qt.InputMethodHint.ImhDigitsOnly)
        self.district_combo = QComboBox()
        self.kiosk_check = QCheckBox()
        self.new_pin = QLineEdit()
        self.new_pin_again = QLineEdit()
        for edit in (self.new_pin, self.new_pin_again):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
            edit.setMaxLength(PIN_MAX_LENGTH)
            edit.setInputMethodHints(Qt.InputMethodHint.ImhDigitsOnly | Qt.InputMethodHint.ImhSensitiveData
                                     | Qt.InputMethodHint.ImhNoPredictiveText)
        self.admin_status = QLabel()
        self.admin_status.setObjectName("problem")
        self.admin_status.setWordWrap(True)
        self.form_labels = [QLabel() for _i in range(6)]
        grid = QFormLayout()
        grid.setVerticalSpacing(20)
        grid.setHorizontalSpacing(24)
        fields = (self.printer_combo, self.idle_spin, self.district_combo, self.kiosk_check, self.new_pin,
                  self.new_pin_again)
        for label, field in zip(self.form_labels, fields, strict=True):
            grid.addRow(label, field)
        self.save_button = _button(name="primary")
        self.save_button.clicked.connect(self.save_admin)
        self.lock_button = _button()
        self.lock_button.clicked.connect(self.lock)
        self.exit_button = _button(name="finish")
        self.exit_button.clicked.connect(self.exit_kiosk)
        self.data_button = _button()
        self.data_button.clicked.connect(self.show_data)
        buttons = _button_row([self.save_button, self.lock_button, self.data_button], self.exit_button)
        column = QVBoxLayout()
        column.setSpacing(24)
        column.addWidget(self.admin_title)
        column.addLayout(grid)
        column.addWidget(self.admin_status)
        self.admin_printer = QLabel()       # what staff must fix for printing, here, not on the start
        self.admin_printer.setObjectName("problem")
        self.admin_printer.setWordWrap(True)
        column.addWidget(self.admin_printer)
        column.addStretch(1)
        self.admin_data = QLabel()          # the data in use and its age, in one line
        self.admin_data.setWordWrap(True)
        column.addWidget(self.admin_data)
        page = _scroll_page(column, buttons)
        self.stack.addWidget(page)
        self.screens["admin"] = page

    def is_set_up(self) -> bool:
        """True when the stored PIN hash can be used; otherwise the kiosk serves nobody."""
        return stored_hash_problem(self.settings.get("kiosk_pin_hash")) is None

    def _home(self) -> str:
        return "start" if self.is_set_up() else "unavailable"

    def ask_admin(self) -> None:
        if self.is_set_up():          # no PIN that can be read: no administration either
            self.pin_pad.ask()

    def _pin_accepted(self, pin: str) -> None:
        self._unlocked = True
        self.check_printer()
        self._fill_admin()
        self.show_screen("admin")

    def _fill_admin(self) -> None:
        from core.printing import PrintError
        from ui import printing
        self.printer_combo.clear()
        self.printer_combo.addItem(_("（系统默认打印机）"), "")
        try:
            names, _default = printing.printer_names()
        except PrintError as exc:
            names = []
            self.admin_status.setText(exc.message_zh)
        else:
            self.admin_status.clear()
        configured = self.settings.get("kiosk_printer")
        for name in names:
            self.printer_combo.addItem(name, name)
        if configured and self.printer_combo.findData(configured) < 0:
            self.printer_combo.addItem(_("{printer}（未找到）").format(printer=configured), configured)
        self.printer_combo.setCurrentIndex(self.printer_combo.findData(configured))
        self.idle_spin.setValue(self.settings.get("kiosk_idle_seconds"))
        self.district_combo.clear()
        self.district_combo.addItem(_("（不指定）"), "")
        for code, name in district_names().items():
            self.district_combo.addItem(name, code)
        district = self.district_combo.findData(self.settings.get("kiosk_district"))
        self.district_combo.setCurrentIndex(max(0, district))
        self.kiosk_check.setChecked(bool(self.settings.get("kiosk")))
        self._clear_admin_inputs()

    def _clear_admin_inputs(self) -> None:
        self.new_pin.clear()
        self.new_pin_again.clear()

    def _save_settings(self) -> bool:
        try:
            self.settings.save()
        except (SettingsError, OSError) as exc:
            self.admin_status.setText(_("无法保存设置：{error}").format(error=exc))
            return False
        return True

    def save_admin(self) -> None:
        if not self._unlocked:
            return
        pin, again = self.new_pin.text(), self.new_pin_again.text()
        if pin or again:
            problem = pin_problem(pin)
            if problem or pin != again:
                self.admin_status.setText(_(problem) if problem else _("两次输入的密码不一致，请重新设置。"))
                return
        try:
            self.settings.set("kiosk_printer", self.printer_combo.currentData() or "")
            self.settings.set("kiosk_idle_seconds", self.idle_spin.value())
            self.settings.set("kiosk_district", self.district_combo.currentData() or "")
            self.settings.set("kiosk", self.kiosk_check.isChecked())
            if pin:
                self.settings.set("kiosk_pin_hash", hash_pin(pin))
                self.pin_lock.reset()
        except ValueError as exc:
            self.admin_status.setText(str(exc))
            return
        self._clear_admin_inputs()
        if self._save_settings():
            self.admin_status.setText(_("设置已保存。"))
        self._apply_idle()
        self.retranslate()

    def lock(self) -> None:
        self._unlocked = False
        self._clear_admin_inputs()
        self.admin_status.clear()
        self.check_printer()
        self.show_screen("start")
        self.idle_timer.start()

    def exit_kiosk(self) -> None:
        """Leave kiosk mode (only from the unlocked settings page): forget everything, close."""
        if not self._unlocked:
            return
        self.wipe()
        self._unlocked = True
        self.close()

    def is_unlocked(self) -> bool:
        return self._unlocked

    def _retranslate_admin(self) -> None:
        self.admin_title.setText(_("自助终端设置"))
        for label, text in zip(self.form_labels, (_("打印机"), _("无操作多少秒后清空"), _("首先显示的辖区"),
                                                  _("启动时进入自助终端模式"), _("新管理密码（不改请留空）"),
                                                  _("再输入一次新密码")), strict=True):
            label.setText(text)
        self.save_button.setText(_("保存设置"))
        self.lock_button.setText(_("返回自助终端"))
        self.exit_button.setText(_("退出自助终端模式"))
        self.data_button.setText(_("措施数据…"))
