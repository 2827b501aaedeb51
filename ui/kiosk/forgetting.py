"""Forgetting a visitor: the idle countdown, 完成（清除） asked once, and the wipe, after which no
widget, model, clipboard text or language choice of the visitor is left (docs/kiosk.md)."""
from __future__ import annotations

from core.i18n import _, current_language, set_language
from ui.kiosk.common import clear_clipboard


class Forgetting:
    """KioskWindow's idle countdown and wipe."""

    def activity(self) -> None:
        if not self.countdown.isVisible():
            self.idle_timer.start()

    def _apply_idle(self) -> None:
        self.idle_timer.setInterval(self._idle_ms if self._idle_ms is not None
                                    else self.settings.get("kiosk_idle_seconds") * 1000)

    def idle(self) -> None:
        if self.current_screen() in ("start", "unavailable"):
            self._reset_language()      # nothing typed to forget; the next visitor reads the default
            for overlay in (self.confirm, self.message):
                overlay.hide()
            self.idle_timer.start()
            return
        self.remaining = self.countdown_seconds
        self.countdown.open(_("还在使用吗？"), self._countdown_text())
        self.tick_timer.start()

    def _countdown_text(self) -> str:
        return _("{seconds} 秒后将清除本次填写的全部内容，回到开始页面。").format(seconds=self.remaining)

    def _tick(self) -> None:
        self.remaining -= 1
        if self.remaining <= 0:
            self.wipe()
        else:
            self.countdown.text.setText(self._countdown_text())

    def ask_wipe(self) -> None:
        """完成（清除）: once asked in the window (a finger can slip); nothing to lose on the start."""
        if self.current_screen() in ("start", "unavailable"):
            self.wipe()
            return
        self._wipe_question()

    def _wipe_question(self) -> None:
        self.wipe_confirm.open(_("清除本次填写的全部内容？"),
                               _("清除后回到开始页面，本机不保留您填写的任何内容。"))

    def keep_going(self) -> None:
        self.tick_timer.stop()
        self.countdown.hide()
        self.idle_timer.start()

    def wipe(self) -> None:
        """Forget the visitor: the visitor's widgets are deleted and made anew; the start returns."""
        self.tick_timer.stop()
        self.session.forget()
        for overlay in self.overlays:
            overlay.hide()
        self._unlocked = False
        self._clear_admin_inputs()
        self._rebuild_visitor_widgets()
        clear_clipboard()
        self.large_button.setChecked(False)      # the next visitor starts in the usual type
        self.check_printer()
        self._reset_language()
        self.show_screen(self._home())
        self.idle_timer.start()
        self.wiped.emit()

    def _reset_language(self) -> None:
        if current_language() != self.settings.get("language"):
            set_language(self.settings.get("language"))
