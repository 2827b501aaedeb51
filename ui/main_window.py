"""The main window: profile forms beside live results, the measure browser, files and drafts.

Everything is offline: the measures database is the one in use (bundled, or an imported measure
pack: menu 数据), profiles are local files, drafts and recent files live in the local profile store.
Long work (PDF, printing, verifying and importing packs) goes through ui/tasks.py; evaluation is a
few milliseconds and runs on the UI thread.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QDate, QSize, Qt, QTimer
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QLabel,
    QMainWindow,
    QToolBar,
    QWidget,
)

from core.i18n import LOCALES, MSG_LANGUAGE, _, current_language, set_language
from core.problems import ProfileError
from core.settings import Settings, SettingsError
from ui.as_of_date import AsOfDateEdit
from ui.first_paint import BuildInSteps, first_paint_first, later
from ui.help import HelpMenu
from ui.language import follow_language
from ui.text_size import TextSizeMenu, apply_text_scale

# Not imported here: the engine (through ui.session), the form, the interview, the results, the
# measure browser and the warning bar; nor the Qt classes only they, the file dialogs and the
# message boxes use (PySide6 makes each class on its first use, up to 2 ms each: not for the
# frame's first paint). _build_steps imports them after the first paint
# (tests/test_ui_startup.py checks it; ui.app.warm_up imports them on a worker thread first).


# The most of the window's width the form's pane takes when it is widened to fit its fields.
FORM_PANE_MAX = 0.45


def _profile_store():
    """core.profile_store, imported on first use: it imports sqlite-utils (about 0.1 s), which the
    window's first paint need not wait for (ui/app.py opens the store right after that paint)."""
    from core import profile_store
    return profile_store


def window_size_for(available: QSize) -> QSize:
    """The first window's size on a screen with this much room (logical pixels, so 150% scaling
    is already counted): the whole room on a laptop (1366×768, or 1920×1080 at 150% = 1280×720),
    where every pixel is needed; on a larger screen 85% of it, but not less than 1280×760."""
    if available.width() <= 1440 or available.height() <= 900:
        return QSize(available)
    return QSize(max(1280, int(available.width() * 0.85)), max(760, int(available.height() * 0.85)))


def _part(name: str) -> Any:
    """A part of the window made after its first paint (``MainWindow._build_steps``), read as
    ``window.<name>``: whoever asks for it before its turn (a menu action, a test, a script) has
    the rest of the building done at once (``ensure_built``), so nothing depends on the turns."""
    def get(self):
        self.ensure_built()
        return getattr(self, f"_{name}")
    return property(get, doc=f"The window's {name} (built at once if still queued).")


class MainWindow(QMainWindow):
    """Before its first paint the window makes only its frame: the menus, the toolbar and the
    status line, over an empty central area. The session (the engine), the form, the interview,
    the results, the measure browser and the warning bar are imported and built after that paint,
    one short step per event-loop turn (``_build_steps``, run by ``ui.first_paint.later``; all at once
    outside a start, as in tests). Anything that needs them before their turn builds them at once:
    the parts are properties that call ``ensure_built``, and so do the window's actions."""

    session = _part("session")        # ui/session.py: the data in use, its engine, the as-of date
    form = _part("form")
    interview = _part("interview")
    modes = _part("modes")
    results = _part("results")
    browser = _part("browser")
    tabs = _part("tabs")
    work = _part("work")
    staleness_bar = _part("staleness_bar")

    def __init__(self, db, settings: Settings, store, parent=None, *,
                 open_db: Callable[[], Any] | None = None):
        """``db`` is the measures database; or None, and ``open_db`` opens it (ui.app.create_window:
        after the first paint, so the frame waits neither for the database's modules nor for its
        check). ``open_db`` returns None when the database cannot be opened (the user has been
        told); the window then makes nothing more."""
        super().__init__(parent)
        self.settings, self.store = settings, store
        # Until the session exists (the first step after the paint): its database and date.
        self._db, self._as_of = db, dt.date.today()
        self._open_db = open_db
        self._session: Any = None
        self._form: Any = None
        self._interview: Any = None
        self._modes: Any = None
        self._results: Any = None
        self._browser: Any = None
        self._tabs: Any = None
        self._work: Any = None
        self._staleness_bar: Any = None
        self.path: Path | None = None          # the file the profile came from, if any
        self._draft_id: str | None = None      # made on first use (draft_id)
        self.dirty = False
        self._loading = False                  # programmatic form changes are not edits
        self.checklist_dialog = None           # built on first Ctrl+P
        self.measures_dialog = None            # built on first use of the 数据 menu
        self.client_book = None                # built on first use (menu 文件 → 客户台账)
        apply_text_scale(settings.get("text_scale"))   # before any widget measures its text

        self._build_actions()
        self._build_toolbar()
        self.status_label = QLabel()
        self.statusBar().addPermanentWidget(self.status_label)
        # An empty central area until the panes are made: the frame paints without them.
        self.setCentralWidget(QWidget())
        self.autosave_timer = QTimer(self, singleShot=True)
        self.autosave_timer.timeout.connect(self.autosave)
        self.fills_screen = False
        self._fit_pane = False             # nothing to fit until the panes are built (_build_steps)
        self.place_on_screen(settings.get("window_geometry"))
        self._build = BuildInSteps(self._build_steps())
        follow_language(self, self.retranslate)
        self.retranslate()
        later(self._build.turns)

    @property
    def draft_id(self) -> str:
        """Where drafts of the profile being typed are kept; a new one is made on first use
        (core.profile_store, with uuid, is imported after the first paint)."""
        if self._draft_id is None:
            self._draft_id = _profile_store().new_draft_id()
        return self._draft_id

    @draft_id.setter
    def draft_id(self, value: str) -> None:
        self._draft_id = value

    # -- the SessionState names (ui/session.py): the database and date answer before the session
    @property
    def db(self):
        """The measures database in use (opened now if the first step has not opened it yet); None
        when it could not be opened."""
        if self._session is not None:
            return self._session.db
        if self._db is None and self._open_db is not None:
            opener, self._open_db = self._open_db, None      # tried once, even when it fails
            self._db = opener()
        return self._db

    @property
    def as_of(self) -> dt.date:
        return self._as_of if self._session is None else self._session.as_of

    @property
    def engine(self):
        return self.session.engine

    @property
    def evaluation(self):
        return self.session.evaluation

    @property
    def panes_built(self) -> bool:
        """Every part exists and is built (False for good when the database could not be opened)."""
        return not self._build.pending and self._session is not None

    def ensure_built(self) -> None:
        """Make at once whatever of the window is still queued (its parts, then their fields);
        nothing from inside a step of that building."""
        self._build.finish()

    def _build_steps(self) -> Iterator[None]:
        """The window's parts, each step short (the imports were done by ui.app.warm_up on a
        worker thread meanwhile). Inside a step the parts are read by their private names."""
        from PySide6.QtWidgets import QSplitter, QTabWidget, QVBoxLayout

        from ui.interview_page import InterviewPage
        from ui.measure_browser import MeasureBrowser
        from ui.measures_status import StalenessBar
        from ui.profile_form import ProfileForm
        from ui.profile_form.form import PROJECT_LIST_EM
        from ui.results_view import ResultsView
        from ui.session import Session

        db = self.db
        if db is None:            # the database cannot be opened: nothing to build (see __init__)
            return
        self._update_status()                  # the data's release, known from now on
        yield
        session = self._session = Session(db, lambda: self._form.profile(), parent=self)
        session.as_of = self._as_of            # the toolbar's date, shown since the start
        engine = session.engine
        yield
        pending: list = []                      # the parts' own deferred building (later())
        with first_paint_first() as queue:
            form = self._form = ProfileForm(engine.measures, engine.documents)
        pending += queue
        yield                                   # the form's shell and the interview: 10-20 ms each
        with first_paint_first() as queue:
            interview = self._interview = InterviewPage(form, self._evaluated)
            # Two ways to fill one profile: the guided interview, or every field at once.
            modes = self._modes = QTabWidget()
            modes.addTab(interview, "")
            modes.addTab(form, "")
            modes.setCurrentIndex(1 if self.settings.get("form_mode") == "form" else 0)
        pending += queue
        interview.printRequested.connect(self.show_checklist)
        interview.resultsRequested.connect(lambda: results.setFocus())
        interview.fullFormRequested.connect(lambda: self.show_full_form())
        modes.currentChanged.connect(self._mode_changed)
        yield
        with first_paint_first() as queue:
            results = self._results = ResultsView()
        pending += queue
        yield
        with first_paint_first() as queue:
            browser = self._browser = MeasureBrowser(db)
        pending += queue
        yield
        tabs = self._tabs = QTabWidget()
        work = self._work = QSplitter()
        work.setObjectName("work")
        work.addWidget(modes)
        work.addWidget(results)
        work.setStretchFactor(0, 1)
        work.setStretchFactor(1, 1)
        work.setChildrenCollapsible(False)        # a pane dragged small stays usable, never gone
        tabs.addTab(work, "")
        tabs.addTab(browser, "")
        bar = self._staleness_bar = StalenessBar()
        bar.importRequested.connect(self.import_pack)
        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(bar)
        column.addWidget(tabs, 1)
        self.setCentralWidget(central)

        session.evaluated.connect(self._show_evaluation)
        session.failed.connect(self._evaluation_failed)
        session.asOfChanged.connect(self._as_of_followed)
        session.databaseChanged.connect(self._database_changed)
        form.changed.connect(self._edited)
        results.missingFieldRequested.connect(self._jump_to_field)
        results.measureRequested.connect(self._show_measure)

        unit = self.settings.get("money_unit")
        form.set_money_unit(unit)
        results.set_money_unit(unit)
        results.set_expiring_days(self.settings.get("expiring_days"))
        form.set_as_of(session.as_of)          # the form starts empty: no second build here
        # The project list needs about ten characters; the project's fields get the rest.
        em = self.fontMetrics().horizontalAdvance("中")
        form.project_splitter.setSizes([em * PROJECT_LIST_EM, max(em * 30, self.width())])
        for splitter, name in ((work, "work_splitter"), (form.project_splitter, "project_splitter")):
            state = self.settings.get(name)
            if state:
                splitter.restoreState(QByteArray(state))
        form.place_project_list()            # beside or above, for this width (a state has either)
        self._retranslate_parts()
        # The keyboard starts at the 引导填写 / 完整表单 tabs (the first Tab reaches 企业名称 in
        # either), unless the user has already gone somewhere in the frame.
        focus = QApplication.focusWidget()
        if focus is None or not self.isAncestorOf(focus):
            modes.tabBar().setFocus(Qt.FocusReason.OtherFocusReason)
        session.evaluate()
        yield
        for fn in pending:                     # the fields, the results' tree, the browser
            result = fn()
            if isinstance(result, Iterator):
                for _step in result:
                    yield
            yield
        # Until the user drags the split (or one they dragged is restored), the form's pane grows
        # to fit its fields (_fit_form_pane).
        self._fit_pane = not self.settings.get("work_splitter")
        work.splitterMoved.connect(self._split_dragged)
        for shown in (interview.stepShown, form.pageShown):
            shown.connect(self._fit_form_pane_soon)
        self._fit_form_pane_soon()
        self.update_staleness()               # reads every measure: last

    def _fit_form_pane_soon(self) -> None:
        QTimer.singleShot(0, self, self._fit_form_pane)     # once the page shown is laid out

    def _split_dragged(self) -> None:
        self._fit_pane = False

    def _fit_form_pane(self) -> None:
        """Widen the pane of the form or the guided questions, up to FORM_PANE_MAX of the window,
        so that the page shown fits without scrolling sideways: the split Qt picks from the panes'
        hints left the form about 40 pixels short at 150% scaling on a 1366×768 laptop. Only
        grows, only the shown page (a hidden page's sizes are stale), and never once the user has
        dragged the split (or one they dragged is restored from the settings)."""
        sizes = self.work.sizes()
        page = self.modes.currentWidget()
        if not self._fit_pane or not page.isVisible() or sum(sizes) <= 0:
            return
        left = min(sizes[0] + page.width_short(), int(sum(sizes) * FORM_PANE_MAX))
        if left > sizes[0]:
            self.work.setSizes([left, sum(sizes) - left])

    # -- construction ------------------------------------------------------------------------
    def _action(self, slot, shortcut=None) -> QAction:
        action = QAction(self)
        if shortcut is not None:
            action.setShortcut(shortcut)
        # Used before the panes' turn (a shortcut pressed at once), the action has them built first.
        action.triggered.connect(lambda _checked=False: self._run_action(slot))
        self.addAction(action)
        return action

    def _run_action(self, slot) -> None:
        self.ensure_built()
        if self._session is not None:   # else the database could not be opened: the window is leaving
            slot()

    def _build_actions(self) -> None:
        self.new_action = self._action(self.new_profile, QKeySequence.StandardKey.New)
        self.open_action = self._action(self.open_profile, QKeySequence.StandardKey.Open)
        self.save_action = self._action(self.save, QKeySequence.StandardKey.Save)
        self.save_as_action = self._action(self.save_as, QKeySequence.StandardKey.SaveAs)
        self.print_action = self._action(self.show_checklist, QKeySequence.StandardKey.Print)
        self.client_book_action = self._action(self.show_client_book, QKeySequence("Ctrl+Shift+B"))
        self.quit_action = self._action(self.close, QKeySequence.StandardKey.Quit)
        self.import_action = self._action(self.import_pack, QKeySequence("Ctrl+Shift+I"))
        self.rollback_action = self._action(self.rollback_measures)
        self.data_info_action = self._action(self.show_measures_info)
        menu = self.menuBar()
        self.file_menu = menu.addMenu("")
        for action in (self.new_action, self.open_action):
            self.file_menu.addAction(action)
        self.recent_menu = self.file_menu.addMenu("")
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        self.drafts_menu = self.file_menu.addMenu("")
        self.drafts_menu.aboutToShow.connect(self._fill_drafts)
        self.file_menu.addSeparator()
        for action in (self.save_action, self.save_as_action, self.print_action, self.client_book_action):
            self.file_menu.addAction(action)
        self.file_menu.addSeparator()
        self.file_menu.addAction(self.quit_action)
        self.data_menu = menu.addMenu("")
        for action in (self.import_action, self.rollback_action):
            self.data_menu.addAction(action)
        self.data_menu.addSeparator()
        self.data_menu.addAction(self.data_info_action)
        self.data_menu.aboutToShow.connect(self._update_data_menu)
        self.text_size_menu = TextSizeMenu(menu, self.settings, self._text_size_changed)
        self.help_menu = HelpMenu(self, menu, lambda: self.db)

    def _build_toolbar(self) -> None:
        bar = QToolBar()
        bar.setObjectName("main")
        bar.setMovable(False)
        self.addToolBar(bar)
        for action in (self.new_action, self.open_action, self.save_action):
            bar.addAction(action)
        bar.addSeparator()
        self.as_of_label = QLabel()
        self.as_of_edit = AsOfDateEdit(QDate(self.as_of.year, self.as_of.month, self.as_of.day))
        self.as_of_edit.dateChanged.connect(self._as_of_changed)
        self.as_of_edit.refused.connect(lambda message: self.statusBar().showMessage(message, 15000))
        self.as_of_label.setBuddy(self.as_of_edit)
        bar.addWidget(self.as_of_label)
        bar.addWidget(self.as_of_edit)
        bar.addSeparator()
        self.unit_combo = QComboBox()
        self.unit_combo.currentIndexChanged.connect(self._unit_changed)
        bar.addWidget(self.unit_combo)
        self.language_combo = QComboBox()
        for code, info in LOCALES.items():
            self.language_combo.addItem(info.name, code)   # each name in its own script
        self.language_combo.setCurrentIndex(self.language_combo.findData(current_language()))
        self.language_combo.currentIndexChanged.connect(
            lambda _i: self.change_language(self.language_combo.currentData()))
        bar.addWidget(self.language_combo)

    def place_on_screen(self, saved: bytes | None = None) -> None:
        """The window's place: where the user left it, kept inside the screen it is on now (a
        saved size from a larger screen or a lower scaling is cut to what is available); the
        first time, from the available screen (window_size_for)."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        available = screen.availableGeometry() if screen is not None else None
        if saved:
            self.restoreGeometry(QByteArray(saved))
        if available is None:
            if not saved:
                self.resize(1280, 800)
            return
        if not saved:
            self.resize(window_size_for(available.size()))
            self.move(available.center() - self.rect().center())
            self.fills_screen = self.size() == available.size()    # ui/app.py shows it maximized
            return
        frame = self.frameGeometry()
        width = min(frame.width(), available.width())
        height = min(frame.height(), available.height())
        if (width, height) != (frame.width(), frame.height()):
            self.resize(width - (frame.width() - self.width()), height - (frame.height() - self.height()))
        frame = self.frameGeometry()
        x = min(max(frame.x(), available.x()), available.right() - frame.width() + 1)
        y = min(max(frame.y(), available.y()), available.bottom() - frame.height() + 1)
        self.move(x, y)

    def _text_size_changed(self) -> None:
        """Widths measured from the text when built (the form's label column, the results'
        columns) are measured again, as after a language switch, and the form and the results
        share the width again (the larger text grew the results' minimum width). Parts not made
        yet are made at the new size anyway."""
        if self._staleness_bar is None:        # the last part made in its step (_build_steps)
            return
        self.form.retranslate()
        self.results.retranslate()
        half = sum(self.work.sizes()) // 2
        self.work.setSizes([half, half])

    def tab_sequence(self) -> list[QWidget]:
        """The window's Tab stops in screen order, top to bottom and left to right: the toolbar,
        the warning bar, the page tabs, then the shown page (the form and the results beside it,
        or the measure browser). Only what can take the focus now is listed; before the panes
        are made, the toolbar's."""
        widgets: list[QWidget] = [self.as_of_edit.edit, self.as_of_edit.calendar_button, self.unit_combo,
                                  self.language_combo]
        if self.panes_built:
            widgets += [*self.staleness_bar.findChildren(QAbstractButton), self.tabs.tabBar()]
        if not self.panes_built:
            pass
        elif self.tabs.currentIndex() == 0:
            widgets.append(self.modes.tabBar())
            widgets += (self.interview.tab_sequence() if self.modes.currentWidget() is self.interview
                        else self.form.tab_sequence())
            widgets += [self.results.tree, self.results.tabs.tabBar(), self.results.tabs.currentWidget()]
        elif self.browser._built:
            b = self.browser
            widgets += [b.search, b.document_filter, b.level_filter, b.region_filter, b.kind_filter,
                        b.state_filter, b.list, b.detail]
        return [w for w in widgets if w.isVisible() and w.isEnabled()
                and w.focusPolicy() & Qt.FocusPolicy.TabFocus]

    def focusNextPrevChild(self, next: bool) -> bool:  # noqa: N802, A002 - Qt API
        """Tab and Shift+Tab follow tab_sequence(): the form's fields are rebuilt after the
        window's first paint and on every project switch, so Qt's focus chain (the order widgets
        were made in) would send Tab through the results and the toolbar before 企业名称."""
        forward = next
        focus = QApplication.focusWidget()
        order = self.tab_sequence()
        here = [i for i, w in enumerate(order) if focus is not None and (w is focus or w.isAncestorOf(focus))]
        if not here:
            return super().focusNextPrevChild(forward)
        target = order[(here[0] + (1 if forward else -1)) % len(order)]
        target.setFocus(Qt.FocusReason.TabFocusReason if forward else Qt.FocusReason.BacktabFocusReason)
        from PySide6.QtWidgets import QScrollArea
        scroll = target.parentWidget()
        while scroll is not None and not isinstance(scroll, QScrollArea):
            scroll = scroll.parentWidget()
        if scroll is not None:
            scroll.ensureWidgetVisible(target)      # as QScrollArea does for its own Tab
        return True

    # -- language ------------------------------------------------------------------------------
    def change_language(self, code: str) -> None:
        set_language(code)
        with contextlib.suppress(ValueError):
            self.settings.set("language", code)

    def retranslate(self) -> None:
        self.new_action.setText(_("新建档案"))
        self.open_action.setText(_("打开档案…"))
        self.save_action.setText(_("保存"))
        self.save_as_action.setText(_("另存为…"))
        self.print_action.setText(_("申请材料清单（预览、导出、打印）…"))
        self.quit_action.setText(_("退出"))
        self.client_book_action.setText(_("客户台账（多家企业、导出 Excel）…"))
        self.file_menu.setTitle(_("文件(&F)"))
        # TRANSLATORS: the staleness warning (core/measures/staleness.py) names this menu "数据"
        self.data_menu.setTitle(_("数据(&M)"))
        self.import_action.setText(_("导入措施包…"))
        self.rollback_action.setText(_("恢复上一版本…"))
        self.data_info_action.setText(_("措施数据信息…"))
        self.recent_menu.setTitle(_("最近打开"))
        self.drafts_menu.setTitle(_("恢复草稿"))
        self.as_of_label.setText(_("评估日期(&D)："))
        self.as_of_edit.setToolTip(_("按此日期判断有效期、上一年度和满一年等时间条件"))
        self.as_of_edit.setAccessibleName(_("评估日期"))
        self.as_of_edit.edit.setAccessibleName(_("评估日期"))
        self.as_of_edit.calendar_button.setAccessibleName(_("从日历选择评估日期"))
        self.unit_combo.setAccessibleName(_("金额单位"))
        self.language_combo.setAccessibleName(_(MSG_LANGUAGE))
        unit = self.settings.get("money_unit")
        self.unit_combo.blockSignals(True)
        self.unit_combo.clear()
        self.unit_combo.addItem(_("金额以万元填写"), "wan")
        self.unit_combo.addItem(_("金额以元填写"), "yuan")
        self.unit_combo.setCurrentIndex(self.unit_combo.findData(unit))
        self.unit_combo.blockSignals(False)
        self.language_combo.blockSignals(True)
        self.language_combo.setCurrentIndex(self.language_combo.findData(current_language()))
        self.language_combo.blockSignals(False)
        self._update_title()
        self._update_status()
        if self._staleness_bar is not None:     # the parts are made (their step calls it then)
            self._retranslate_parts()

    def _retranslate_parts(self) -> None:
        self._tabs.setTabText(0, _("档案与结果"))
        self._modes.setTabText(0, _("引导填写"))
        self._modes.setTabText(1, _("完整表单"))
        self._tabs.setTabText(1, _("措施浏览"))
        if self._staleness_bar.lines:
            self.update_staleness()

    def _update_title(self) -> None:
        """The file's name; Qt adds the application's display name, set here in the same script
        (set once in Simplified, 綠策通 in the title did not match it and Qt added 绿策通 again)."""
        QGuiApplication.setApplicationDisplayName(_("绿策通"))
        name = self.path.name if self.path else _("未命名档案")
        self.setWindowTitle(f"{'*' if self.dirty else ''}{name} — {_('绿策通')}")

    def _update_status(self) -> None:
        db = self._db if self._session is None else self._session.db
        if db is None:            # not opened yet (the first step after the paint fills this line)
            self.status_label.clear()
            return
        self.status_label.setText(
            _("措施数据 {release}，数据库 {version}　|　评估日期 {date}　|　离线运行").format(
                release=db.release.describe(_), version=db.version,
                date=self.as_of.isoformat()))

    # -- the measures data ---------------------------------------------------------------------
    def update_staleness(self) -> None:
        """The warning bar, from the data in use and the real date (not the as-of date)."""
        from ui.measures_status import staleness_lines
        bar = self.staleness_bar if self._staleness_bar is None else self._staleness_bar
        bar.set_lines(staleness_lines(self.db, self.settings.get("stale_after_days")))

    def set_database(self, db) -> None:
        """Use another measures database (after an import or a rollback): the session switches
        (engine, form, browser, results, status line and warning follow, the old connection is
        closed); the profile as typed stays."""
        self.session.set_database(db)
        if self.checklist_dialog is not None and self.checklist_dialog.isVisible():
            self.checklist_dialog.set_evaluation(self.evaluation, self.form.profile())

    def _database_changed(self, db) -> None:
        engine = self.session.engine
        self._loading = True                   # the form's rebuild is not an edit
        try:
            self.form.set_measures(engine.measures, engine.documents)
        finally:
            self._loading = False
        self.browser.set_database(db)
        if self.client_book is not None:       # checks its clients again and shows what changed
            self.client_book.set_engine(engine)
        self._update_status()
        self.update_staleness()

    def _measures_dialog(self):
        from ui.measures_update import MeasuresUpdateDialog  # the PDF and printing: loaded on first use
        if self.measures_dialog is None:
            self.measures_dialog = MeasuresUpdateDialog(self)
        return self.measures_dialog

    def import_pack(self) -> None:
        self._measures_dialog().start_import()

    def rollback_measures(self) -> None:
        self._measures_dialog().start_rollback()

    def show_measures_info(self) -> None:
        self._measures_dialog().show_info()

    def _update_data_menu(self) -> None:
        from core.measures.installed import installed
        from core.measures.store import DatabaseError
        try:
            target = installed().rollback_target
        except DatabaseError:      # an unreadable bundled database: the dialog will say so
            target = None
        self.rollback_action.setEnabled(target is not None)

    # -- evaluation ----------------------------------------------------------------------------
    def _set_form(self, data: dict) -> None:
        self._loading = True
        try:
            self.form.set_profile(data)
        finally:
            self._loading = False

    def _edited(self) -> None:
        if self._loading:
            return
        self.dirty = True
        self._update_title()
        self.session.schedule()
        seconds = self.settings.get("autosave_seconds")
        if seconds:
            self.autosave_timer.start(seconds * 1000)

    def evaluate(self) -> None:
        self.session.evaluate()

    def _show_evaluation(self, evaluation) -> None:
        self.results.set_evaluation(evaluation)
        self.browser.set_evaluation(evaluation, self.settings.get("money_unit"))
        self.interview.set_evaluation(evaluation)

    def _evaluation_failed(self) -> None:
        self.statusBar().showMessage(_("无法计算结果：填写的内容中有无法计算的数值（例如位数过多的数字），"
                                       "请检查后再试。"), 15000)

    def _evaluated(self):
        """The evaluation of the profile as it is this moment (the guided interview's next step)."""
        return self.session.evaluate()

    def show_full_form(self) -> None:
        self.modes.setCurrentWidget(self.form)

    def _mode_changed(self, index: int) -> None:
        self._fit_form_pane_soon()
        with contextlib.suppress(ValueError):
            self.settings.set("form_mode", "form" if self.modes.widget(index) is self.form else "guided")

    def show_checklist(self) -> None:
        """The checklist window for the profile as it is now (the plan ticked)."""
        from ui.checklist_dialog import ChecklistDialog  # reportlab, PDFium: loaded on first use
        self.evaluate()          # a few ms; the checklist must match the form exactly
        if self.checklist_dialog is None:
            self.checklist_dialog = ChecklistDialog(self)
        self.checklist_dialog.set_evaluation(self.evaluation, self.form.profile())
        self.checklist_dialog.show()
        self.checklist_dialog.raise_()
        self.checklist_dialog.activateWindow()

    def show_client_book(self) -> None:
        """The client book (ui/client_book.py): every kept profile checked at once."""
        from ui.client_book import ClientBook
        if self.client_book is None:
            self.client_book = ClientBook(self.engine, self.settings, self.store, self.as_of, self)
            self.client_book.openRequested.connect(self.open_profile)
            self.client_book.recheck()
        self.client_book.show()
        self.client_book.raise_()
        self.client_book.activateWindow()

    def _as_of_changed(self, qdate: QDate) -> None:
        self.session.set_as_of(dt.date(qdate.year(), qdate.month(), qdate.day()))

    def _as_of_followed(self, as_of: dt.date) -> None:
        self.form.set_as_of(as_of)
        self.browser.set_as_of(as_of)
        self._update_status()

    def _unit_changed(self) -> None:
        unit = self.unit_combo.currentData()
        if unit is None:
            return
        self.settings.set("money_unit", unit)
        self.form.set_money_unit(unit)
        self.results.set_money_unit(unit)
        self.browser.set_evaluation(self.evaluation, unit)

    def _jump_to_field(self, path: str, project_id) -> None:
        self.tabs.setCurrentIndex(0)
        self.show_full_form()
        self.form.focus_path(path, project_id)

    def _show_measure(self, measure_id: str) -> None:
        self.tabs.setCurrentIndex(1)
        self.browser.show_measure(measure_id)

    # -- files ---------------------------------------------------------------------------------
    def _confirm_discard(self) -> bool:
        """True when the current profile may be replaced (saved, discarded, or unchanged)."""
        if not self.dirty:
            return True
        from PySide6.QtWidgets import QMessageBox
        answer = QMessageBox.question(
            self, _("绿策通"), _("当前档案有未保存的修改。是否保存？"),
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Save)
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        if answer == QMessageBox.StandardButton.Discard:
            self._store_call(self.store.discard_draft, self.draft_id)
            self.dirty = False
            return True
        return False

    def _load(self, data: dict, path: Path | None, draft_id: str | None = None) -> None:
        from core.profile import parse_strict_date
        self._set_form(data)
        self.interview.reset()
        saved = parse_strict_date(data.get("as_of")) if isinstance(data, dict) else None
        if saved is not None:         # the date the profile was checked as of, saved with it
            self.as_of_edit.setDate(QDate(saved.year, saved.month, saved.day))
        self.path = path
        store = _profile_store()
        self.draft_id = draft_id or (store.draft_id_for(path) if path else store.new_draft_id())
        self.dirty = draft_id is not None       # a restored draft still needs saving
        self._update_title()
        self.evaluate()

    def new_profile(self) -> None:
        if self._confirm_discard():
            from ui.session import empty_profile
            self._load(empty_profile(), None)

    def open_profile(self, path: str | None = None) -> bool:
        if not self._confirm_discard():
            return False
        if not path:
            from PySide6.QtWidgets import QFileDialog
            path, _filter = QFileDialog.getOpenFileName(
                self, _("打开档案"), "", _("绿策通档案 (*.json);;所有文件 (*)"))
            if not path:
                return False
        from core.profile import load_profile  # the format's reader and checks: when a file is opened
        try:
            data = load_profile(path)
        except ProfileError as exc:
            self._show_problems(_("无法打开档案，内容未作任何改动："), exc)
            return False
        self._load(data, Path(path))
        self._remember(Path(path), data)
        return True

    def save(self) -> bool:
        if self.path is None:
            return self.save_as()
        return self._save_to(self.path)

    def suggested_file_name(self) -> str:
        """企业名称-评估日期.json, without the characters a file name cannot hold."""
        name = (self.form.profile().get("company") or {}).get("name")
        name = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', "", name).strip(" .") if isinstance(name, str) else ""
        return f"{name[:60] or _('未命名档案')}-{self.as_of.isoformat()}.json"

    def save_as(self) -> bool:
        from PySide6.QtWidgets import QFileDialog
        start = self.path or (Path.home() / self.suggested_file_name())
        path, _filter = QFileDialog.getSaveFileName(
            self, _("保存档案"), str(start), _("绿策通档案 (*.json)"))
        if not path:
            return False
        if not path.lower().endswith(".json"):
            path += ".json"
        return self._save_to(Path(path))

    def _save_to(self, path: Path) -> bool:
        data = self.form.profile()
        data["as_of"] = self.as_of.isoformat()      # restored when the profile is opened again
        from core.profile import save_profile
        try:
            save_profile(data, path)
        except ProfileError as exc:
            self._show_problems(_("档案未保存，请先改正以下问题："), exc)
            return False
        old_draft = self.draft_id
        self.path, self.dirty = path, False
        self.draft_id = _profile_store().draft_id_for(path)
        for draft in {old_draft, self.draft_id}:
            self._store_call(self.store.discard_draft, draft)
        self._remember(path, data)
        self._update_title()
        self.statusBar().showMessage(_("已保存到 {path}").format(path=path), 5000)
        return True

    def _remember(self, path: Path, data: dict) -> None:
        self._store_call(self.store.add_recent, path, data.get("company", {}).get("name", ""))

    def autosave(self) -> None:
        """The profile as typed so far, valid or not: a crash loses nothing."""
        if self.dirty:
            self._store_call(self.store.save_draft, self.draft_id, self.form.profile(),
                             str(self.path) if self.path else None)

    def _store_call(self, method, *args):
        try:
            return method(*args)
        except _profile_store().StoreError as exc:
            self.statusBar().showMessage(exc.message_zh, 8000)
            return None

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        entries = self._store_call(self.store.recent, self.settings.get("recent_limit")) or []
        for entry in entries:
            label = f"{entry.company_name or Path(entry.path).name} — {entry.path}"
            action = self.recent_menu.addAction(label)
            action.setEnabled(entry.exists())
            action.triggered.connect(lambda _c=False, p=entry.path: self.open_profile(p))
        if not entries:
            self.recent_menu.addAction(_("（无）")).setEnabled(False)

    def _fill_drafts(self) -> None:
        self.drafts_menu.clear()
        drafts = self._store_call(self.store.drafts) or []
        for draft in drafts:
            when = draft.updated_at.strftime("%Y-%m-%d %H:%M")
            action = self.drafts_menu.addAction(f"{draft.company_name or _('未命名')} — {when}")
            action.triggered.connect(lambda _c=False, d=draft: self.restore_draft(d.id))
        if not drafts:
            self.drafts_menu.addAction(_("（无）")).setEnabled(False)

    def restore_draft(self, draft_id: str) -> None:
        if not self._confirm_discard():
            return
        data = self._store_call(self.store.load_draft, draft_id)
        if data is not None:
            source = next((d.source_path for d in self.store.drafts() if d.id == draft_id), None)
            self._load(data, Path(source) if source else None, draft_id=draft_id)

    def _show_problems(self, title: str, exc: ProfileError) -> None:
        import html  # here: html.entities is a large import, not for the first paint

        from PySide6.QtWidgets import QMessageBox
        lines = "".join(f"<li><code>{html.escape(p.path)}</code>：{html.escape(p.message_zh)}</li>"
                        for p in exc.problems[:20])
        more = len(exc.problems) - 20
        if more > 0:
            lines += f"<li>{html.escape(_('另有 {n} 个问题').format(n=more))}</li>"
        box = QMessageBox(QMessageBox.Icon.Warning, _("绿策通"), "", QMessageBox.StandardButton.Ok, self)
        box.setTextFormat(Qt.TextFormat.RichText)
        box.setText(f"<p>{html.escape(title)}</p><ul>{lines}</ul>")
        box.exec()

    # -- closing -------------------------------------------------------------------------------
    def closeEvent(self, event) -> None:  # noqa: N802 - Qt API
        if not self._confirm_discard():
            event.ignore()
            return
        if not self.dirty and self._draft_id is not None:     # no id made: no draft to discard
            self._store_call(self.store.discard_draft, self._draft_id)
        self.settings.set("window_geometry", bytes(self.saveGeometry()))
        if self.panes_built:          # else the splitters were never shown: their states stand
            self.settings.set("work_splitter", bytes(self.work.saveState()))
            self.settings.set("project_splitter", bytes(self.form.project_splitter.saveState()))
        with contextlib.suppress(SettingsError):    # the window still closes; settings are a convenience
            self.settings.save()
        event.accept()
