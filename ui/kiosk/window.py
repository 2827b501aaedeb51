"""Kiosk mode for district service halls (docs/kiosk.md): a guided, locked, forgetful window.

A visitor walks up, touches 开始, answers the guided interview (the company, its projects, the
deciding questions one per screen, a review: ui/kiosk_interview.py), sees the results and prints the
application checklist; 完成（清除） or an idle timeout wipes everything and the start screen returns
for the next visitor.

- **Nothing on disk.** No profile store, no autosave, no recent files, no file dialogs; the
  checklist goes to the printer as bytes (ui/printing.py: CUPS reads it from ``lp``'s stdin).
  Only the administrator's settings page writes the configuration file.
- **The wipe rebuilds.** The form, the results and the checklist panel are deleted
  (``deleteLater``) and made anew, so no widget, model or rendered page of the last visitor stays
  reachable from the window.
- **Locked.** ``closeEvent`` is refused until an administrator unlocks with the PIN (only its
  salted scrypt hash is stored, core.kiosk); Alt+F4, Ctrl+Q and Ctrl+W are swallowed by an
  application-wide event filter. Wrong PINs are counted on disk with an escalating lockout
  (core.kiosk.PinLock). **Fail closed**: with no usable PIN hash (settings.json missing, damaged,
  or a hash that is empty, malformed or weak) the kiosk serves no visitor and offers no
  administration, only a "not set up" page; the administrator sets the PIN with
  ``main.py kiosk set-pin`` (core/kiosk_cli.py), never on the visitor's screen.
- **No trace.** The wipe also empties the clipboard; a printed job is purged from the CUPS spool
  once it has printed (core.printing.purge_when_done).
- **Touch.** Buttons and inputs are at least 44 px high (56 px here), type is large, lists and
  pages scroll by swiping (QScroller), numeric and date fields ask for the numeric keypad.
- **Measures data.** Behind the PIN, the 措施数据 page shows the data in use and whether it is out
  of date, and imports a signed pack found on a USB stick (or in Downloads): the kiosk has no file
  dialog, so the page lists the ``*.gmpack`` files it finds (ui/kiosk/data.py, with core's pack use
  cases). Verifying and importing run on the worker thread; the visitor's widgets are then rebuilt
  on the new data.
- **One session.** The data in use, the engine, the as-of date and the evaluation are a
  ui.session.Session, as in the desktop window; the pages are small modules of this package.

Timeouts are constructor arguments (milliseconds) so tests can make them short; the PIN lock's
clock is one too (``pin_clock``), so tests move time instead of sleeping.
"""
from __future__ import annotations

import logging
import time
from collections.abc import Callable

import shiboken6
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from core.i18n import _, current_language, set_language
from core.kiosk import (
    PinLock,
    stored_hash_problem,
)
from core.settings import Settings
from ui.kiosk.admin import AdminPage
from ui.kiosk.common import (
    LARGE_STYLE,
    STYLE,
    _button,
    _Guard,
    touch_scroll,
)
from ui.kiosk.data import DataPage
from ui.kiosk.forgetting import Forgetting
from ui.kiosk.overlays import Overlay, PinPad
from ui.kiosk.print_step import KioskChecklistPanel, PrintStep
from ui.kiosk.qr import QrOverlay
from ui.kiosk.start import StartScreens
from ui.kiosk.visitor import VisitorProfile
from ui.kiosk_interview import KioskInterview
from ui.language import follow_language
from ui.results_view import ResultsView
from ui.session import Session, SessionState, empty_profile

log = logging.getLogger(__name__)

COUNTDOWN_SECONDS = 30        # the idle warning: at least 20 s to read it and tap 继续使用
STEPS = ("interview", "results", "print")


class KioskWindow(StartScreens, AdminPage, DataPage, PrintStep, QrOverlay, Forgetting, SessionState,
                  QWidget):
    """The kiosk: start → company → projects → results → print, with wipe, idle and PIN gate."""

    wiped = Signal()

    def __init__(self, db, settings: Settings, *, idle_ms: int | None = None, tick_ms: int = 1000,
                 countdown_seconds: int = COUNTDOWN_SECONDS, pin_clock: Callable[[], float] = time.time,
                 parent=None):
        super().__init__(parent)
        self.setObjectName("kiosk")
        self.settings = settings
        # The data in use, its engine, the as-of date and the evaluation (ui/session.py).
        self.session = Session(db, self._visitor_profile, parent=self)
        self.purges: list = []                 # threads purging printed jobs from the spool
        self.pack_task = None                  # the scan, verification or import under way
        self.verified = None                   # core.measures.pack_actions.Checked of the pack selected
        self._unlocked = False
        self._idle_ms = idle_ms
        self.countdown_seconds = countdown_seconds
        self.remaining = 0
        self.setWindowFlags(self.windowFlags() | Qt.WindowType.FramelessWindowHint)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        font = QFont(self.font())
        font.setPixelSize(20)
        self.setFont(font)
        self.setStyleSheet(STYLE)

        # top bar: always there
        self.brand = QLabel()
        self.brand.setObjectName("brand")
        self.steps_label = QLabel()
        self.steps_label.setObjectName("steps")
        self.steps_label.setTextFormat(Qt.TextFormat.RichText)
        self.hans_button = _button("简", "lang")
        self.hant_button = _button("繁", "lang")
        for button, script in ((self.hans_button, "hans"), (self.hant_button, "hant")):
            button.setCheckable(True)
            button.clicked.connect(lambda _c=False, s=script: self.set_script(s))
        self.large_button = _button(name="lang")
        self.large_button.setCheckable(True)
        self.large_button.toggled.connect(self.set_large)
        self.finish_button = _button(name="finish")
        self.finish_button.clicked.connect(self.ask_wipe)
        self.admin_button = _button(name="admin")
        self.admin_button.clicked.connect(self.ask_admin)
        # 完成（清除） sits at the left, by the name, far from 简 / 繁 and 大字模式 on the right:
        # a finger aiming at the language must not wipe the visitor's answers. The step line has
        # a row of its own, so the bar fits a portrait screen 1080 px wide.
        top = QHBoxLayout()
        top.setContentsMargins(24, 12, 24, 4)
        top.setSpacing(16)
        top.addWidget(self.brand)
        top.addSpacing(24)
        top.addWidget(self.finish_button)
        top.addStretch(1)
        top.addWidget(self.large_button)
        top.addSpacing(16)
        top.addWidget(self.hans_button)
        top.addWidget(self.hant_button)
        top.addSpacing(16)
        top.addWidget(self.admin_button)
        self.steps_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.steps_label.setContentsMargins(24, 0, 24, 4)

        # screens
        self.stack = QStackedWidget()
        self.screens: dict[str, QWidget] = {}
        self._build_start()
        self.interview_host = self._host("interview")
        self.results_host = self._host("results")
        self.print_host = self._host("print")
        self._build_print_bar()
        self._build_admin()
        self._build_data()
        self._build_unavailable()

        # bottom bar: back / next
        self.back_button = _button()
        self.back_button.clicked.connect(self.back)
        self.next_button = _button(name="primary")
        self.next_button.clicked.connect(self.next)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        bottom = QHBoxLayout()
        bottom.setContentsMargins(24, 12, 24, 24)
        bottom.setSpacing(24)
        bottom.addWidget(self.back_button)
        bottom.addWidget(self.hint, 1)
        self.qr_button = _button()          # the results to take away on a phone
        self.qr_button.clicked.connect(self.show_qr)
        bottom.addWidget(self.qr_button)
        bottom.addWidget(self.next_button)
        self.bottom = QWidget()
        self.bottom.setLayout(bottom)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(top)
        layout.addWidget(self.steps_label)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.bottom)

        # overlays
        self.countdown = Overlay(self)
        self.continue_button = self.countdown.add_button("primary")
        self.continue_button.clicked.connect(self.keep_going)
        self.wipe_now_button = self.countdown.add_button()
        self.wipe_now_button.clicked.connect(self.wipe)
        self.confirm = Overlay(self)
        self.confirm_cancel = self.confirm.add_button()
        self.confirm_cancel.clicked.connect(self.confirm.hide)
        self.confirm_button = self.confirm.add_button("primary")
        self.confirm_button.clicked.connect(self.print_now)
        self.message = Overlay(self)
        self.message_button = self.message.add_button("primary")
        self.message_button.clicked.connect(self.message.hide)
        self._build_qr()
        self.wipe_confirm = Overlay(self)         # 完成（清除） asks once, in the window
        self.wipe_cancel = self.wipe_confirm.add_button()
        self.wipe_cancel.clicked.connect(self.wipe_confirm.hide)
        self.wipe_button = self.wipe_confirm.add_button("finish")
        self.wipe_button.clicked.connect(self.wipe)
        # Beside settings.json: wrong PINs are counted across closing the pad and restarts.
        self.pin_lock = PinLock.beside(settings.path, pin_clock)
        self.pin_pad = PinPad(self, settings, self.pin_lock)
        self.pin_pad.accepted.connect(self._pin_accepted)
        self.overlays = (self.countdown, self.confirm, self.message, self.qr, self.wipe_confirm,
                         self.pin_pad)

        self.session.evaluated.connect(lambda evaluation: self.results.set_evaluation(evaluation))
        self.session.failed.connect(self._evaluation_failed)
        self.session.databaseChanged.connect(self._database_changed)

        # timers
        self.idle_timer = QTimer(self, singleShot=True)
        self.idle_timer.timeout.connect(self.idle)
        self.tick_timer = QTimer(self, interval=tick_ms)
        self.tick_timer.timeout.connect(self._tick)
        self._apply_idle()

        self.printer_trouble: str | None = None      # why this kiosk cannot print (for staff)
        self.printer_task = None                     # the printer check under way (worker thread)
        self.check_printer()
        self.visitor = self.results = self.checklist = self.interview = None
        self._build_visitor_widgets()
        self.guard = _Guard(self)
        QApplication.instance().installEventFilter(self.guard)
        follow_language(self, self.retranslate)
        self.retranslate()
        problem = stored_hash_problem(settings.get("kiosk_pin_hash"))
        if problem:
            log.warning("kiosk not set up, serving nobody: %s (run: main.py kiosk set-pin)", problem)
        self.show_screen(self._home())
        self.idle_timer.start()

    @property
    def measures(self) -> list[dict]:
        return self.session.engine.measures

    @property
    def documents(self) -> dict[str, dict]:
        return self.session.engine.documents

    def _visitor_profile(self) -> dict:
        return self.visitor.profile() if self.visitor is not None else empty_profile()

    # -- construction ------------------------------------------------------------------------
    def _host(self, name: str) -> QWidget:
        host = QWidget()
        column = QVBoxLayout(host)
        column.setContentsMargins(24, 0, 24, 0)
        self.stack.addWidget(host)
        self.screens[name] = host
        return host

    def _build_visitor_widgets(self) -> None:
        """A fresh profile, interview, results view and checklist panel: nothing of an earlier visitor."""
        unit = self.settings.get("money_unit")
        self.visitor = VisitorProfile(self)       # the profile as data: the interview edits it
        self.visitor.changed.connect(self.session.schedule)
        self.interview = KioskInterview(self.visitor.profile, self.visitor.set_profile, self._evaluated,
                                        self.measures, self.documents, today=self.as_of)
        self.interview.set_large(self.large_button.isChecked())
        self.interview.resultsRequested.connect(lambda: self.show_screen("results"))
        self.interview.exitRequested.connect(lambda: self.show_screen("start"))
        self.interview_host.layout().addWidget(self.interview)

        self.results = ResultsView(money_unit=unit, touch=True)
        self.results.missingFieldRequested.connect(self._jump_to_field)
        for view in (self.results.tree, self.results.detail, self.results.plan):
            touch_scroll(view)
        self.results_host.layout().addWidget(self.results)

        self.checklist = KioskChecklistPanel()
        self.checklist.problem.connect(self._print_problem)
        self.checklist.printed.connect(self._printed)
        self.checklist.stateChanged.connect(self._update_print_button)
        touch_scroll(self.checklist.preview)
        touch_scroll(self.checklist.choices)
        self.print_host.layout().insertWidget(0, self.checklist, 1)
        self._update_print_button()

    # -- the visitor's way ---------------------------------------------------------------------
    def current_screen(self) -> str:
        page = self.stack.currentWidget()
        return next(n for n, w in self.screens.items() if w is page)

    def show_screen(self, name: str) -> None:
        if name in ("results", "print") and not self.evaluate():
            return                      # the visitor stays where they are and reads the message
        self.stack.setCurrentWidget(self.screens[name])
        if name == "print":
            self.checklist.set_evaluation(self.evaluation, self.visitor.profile())
        self._update_chrome()

    def next(self) -> None:
        screen = self.current_screen()
        if screen in STEPS[:-1]:
            self.show_screen(STEPS[STEPS.index(screen) + 1])

    def back(self) -> None:
        screen = self.current_screen()
        if screen == "results":          # 返回修改: every answer, a tap changes it
            self.interview.open_review()
        if screen in STEPS:
            index = STEPS.index(screen)
            self.show_screen(STEPS[index - 1] if index else "start")

    def _jump_to_field(self, path: str, project_id) -> None:
        """To the question of a missing fact: the interview knows which screen asks it."""
        self.interview.open_field(path, project_id)
        self.show_screen("interview")

    def _evaluated(self):
        """The evaluation of the visitor's profile now, for the interview (None if it failed)."""
        return self.evaluation if self.evaluate() else None

    def evaluate(self) -> bool:
        """Evaluate what the visitor entered; False (told in the window, logged by the session)
        when the engine fails: a visitor's input must never end the kiosk."""
        return self.session.evaluate() is not None

    def _evaluation_failed(self) -> None:
        self.results.set_evaluation(None)
        if not self.message.isVisible():
            self.message.open(_("无法计算结果"), _("填写的内容中有无法计算的数值（例如位数过多的数字）。"
                                                 "请检查标红的填写项后再试；如仍有问题，请联系服务大厅工作人员。"))

    # -- look and the visitor's widgets -----------------------------------------------------------
    def set_large(self, on: bool) -> None:
        """大字模式: larger type and higher contrast on every screen (the wipe turns it off)."""
        self.setStyleSheet(STYLE + (LARGE_STYLE if on else ""))
        if self.interview is not None:
            self.interview.set_large(on)        # fewer choices per page as well
        self._update_chrome()

    def _rebuild_visitor_widgets(self) -> None:
        """Delete the form, the results and the checklist panel and make them anew, empty."""
        self._forget_qr()
        self.checklist.clear()
        self.interview.clear()
        for widget in (self.results, self.checklist, self.interview):
            widget.hide()
            widget.parentWidget().layout().removeWidget(widget)
            widget.deleteLater()
        self.visitor.deleteLater()
        self.visitor = self.results = self.checklist = self.interview = None
        self._build_visitor_widgets()

    # -- language ------------------------------------------------------------------------------
    def set_script(self, script: str) -> None:
        configured = self.settings.get("language")
        if script == "hans":
            code = "zh-Hans"
        else:
            code = configured if configured.startswith("zh-Hant") else "zh-Hant"
        set_language(code)
        self._update_chrome()

    def retranslate(self) -> None:
        self.setWindowTitle(_("绿策通 · 自助服务"))
        self.brand.setText(_("绿策通"))
        self.finish_button.setText(_("完成（清除）"))
        self.admin_button.setText(_("管理"))
        self.admin_button.setToolTip(_("管理员设置（需要管理密码）"))
        self._retranslate_start()
        self.wipe_cancel.setText(_("取消"))
        self.wipe_button.setText(_("清除"))
        self.back_button.setText(_("‹ 上一步"))
        self.print_button.setText(_("打印清单"))
        self.continue_button.setText(_("继续使用"))
        self.wipe_now_button.setText(_("现在清除"))
        self.confirm_cancel.setText(_("取消"))
        self.confirm_button.setText(_("确认打印"))
        self.message_button.setText(_("知道了"))
        self._retranslate_qr()
        self._retranslate_admin()
        self._retranslate_data()
        self.pin_pad.retranslate()
        if self.wipe_confirm.isVisible():
            self._wipe_question()
        if self.countdown.isVisible():
            self.countdown.title.setText(_("还在使用吗？"))
            self.countdown.text.setText(self._countdown_text())
        self._update_chrome()

    def _update_chrome(self) -> None:
        """The step line, the language buttons, back/next and the hint for the current screen."""
        screen = self.current_screen()
        hant = current_language().startswith("zh-Hant")
        self.hans_button.setChecked(not hant)
        self.hant_button.setChecked(hant)
        # A tick as well as the fill: which toggle is on must not be told by colour alone.
        for button, text in ((self.hans_button, "简"), (self.hant_button, "繁"),
                             (self.large_button, _("大字模式"))):
            button.setText(("✓ " if button.isChecked() else "") + text)
        names = {"interview": _("回答问题"), "results": _("结果"), "print": _("打印")}
        parts = []
        for i, step in enumerate(STEPS, 1):
            text = f"{i} {names[step]}"
            parts.append(f"<b style='color:#1e7b34'>● {text}</b>" if step == screen
                         else f"<span style='color:#6b7770'>{text}</span>")
        self.steps_label.setText("　›　".join(parts) if screen in STEPS else "")
        self.steps_label.setVisible(screen in STEPS)
        self.bottom.setVisible(screen in STEPS[1:])     # the interview has its own 上一步 / 下一步
        self.finish_button.setVisible(screen not in ("unavailable", "admin", "data"))
        self.admin_button.setVisible(screen != "unavailable")
        self.next_button.setVisible(screen in STEPS[:-1])
        self.qr_button.setVisible(screen == "results")
        nxt = {"results": _("下一步：打印清单 ›")}
        self.next_button.setText(nxt.get(screen, ""))
        self.back_button.setText(_("‹ 返回修改") if screen == "results" else _("‹ 上一步"))
        self.large_button.setVisible(screen not in ("admin", "data"))
        hints = {"results": _("点选一项措施可看详情；标“?”的措施缺少信息，点它可回到对应的填写项。"),
                 "print": _("勾选要列入清单的措施，右侧为预览。")}
        self.hint.setText(hints.get(screen, ""))
        where = self.printer_name() or _("默认打印机")
        self.printer_label.setText(_("打印机：{printer}").format(printer=where))

    def set_database(self, db) -> None:
        """Use another measures database (the session closes the old connection)."""
        self.session.set_database(db)

    def _database_changed(self, _db) -> None:
        """The visitor's widgets are made anew on the new data (nothing of a visitor is kept; the
        administrator is on the data page)."""
        self._rebuild_visitor_widgets()
        self._fill_data_status()

    # -- lock-down -----------------------------------------------------------------------------
    def closeEvent(self, event) -> None:  # noqa: N802 - Qt API
        if self._unlocked:
            self.shutdown_timers()
            event.accept()
        else:
            event.ignore()

    def shutdown_timers(self) -> None:
        for timer in (self.idle_timer, self.tick_timer):
            timer.stop()
        self.session.stop()
        if self.printer_task is not None:       # its answer must not reach a closed window
            self.printer_task.cancel()
            self.printer_task = None
        if shiboken6.isValid(self.guard):
            QApplication.instance().removeEventFilter(self.guard)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        for overlay in self.overlays:
            overlay.setGeometry(self.rect())
