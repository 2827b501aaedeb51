"""Start-up through ui.app.create_window: the window is painted first, its heavy parts are built
and the profile store is opened right after (ui.first_paint.first_paint_first). Offscreen."""
from __future__ import annotations

import pytest
import shiboken6
from PySide6.QtCore import QObject
from PySide6.QtWidgets import QMessageBox, QWidget

import core.i18n as i18n
import ui.app
from ui.widgets import first_paint_first, later, run_after_first_paint


@pytest.fixture()
def started(qapp, qtbot, monkeypatch):
    """create_window as `python main.py` calls it; app-wide state it sets is put back after."""
    font, name = qapp.font(), qapp.applicationName()
    monkeypatch.setattr(i18n, "_listeners", list(i18n._listeners))   # its language listener
    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: warnings.append(a[2]))
    app, window = ui.app.create_window([])
    assert app is qapp and window is not None
    window.warnings = warnings
    yield window
    if shiboken6.isValid(window):
        window.dirty = False
        window.close()
        window.store.close()
        shiboken6.delete(window)
    for translator in list(ui.app._translators):
        qapp.removeTranslator(translator)
    ui.app._translators.clear()
    qapp.setFont(font)
    qapp.setApplicationName(name)


def helper_of(window) -> QObject:
    helper = window.findChild(QObject, "afterFirstPaint")
    assert helper is not None
    return helper


def test_the_window_is_shown_before_its_parts_are_built(started):
    window = started
    assert window.isVisible()
    # Only the frame is made: the panes, the session (the engine) and the store come after.
    assert not window.panes_built
    assert window._session is None and window._form is None and window._browser is None
    assert window.centralWidget().findChildren(QWidget) == []     # an empty central area
    assert window.menuBar().actions() and window.windowTitle()
    assert window.store._store is None                    # the store is not open yet
    # Nor the measures database: the data's status line waits for it.
    assert window._db is None and window.status_label.text() == ""
    assert window.as_of is not None


def test_the_database_is_opened_by_the_first_step_after_the_paint(started, qtbot):
    window = started
    helper = helper_of(window)
    qtbot.waitUntil(lambda: window._db is not None, timeout=30000)
    assert window._session is not None and window._session.db is window._db
    assert window.db.release.version in window.status_label.text()
    assert window.db.version in window.status_label.text()
    run_until_finished(qtbot, helper)
    assert window.db is window._db                        # once: the session has that database


def test_the_database_is_opened_at_once_when_asked_for_before_its_step(started):
    window = started
    db = window.db                             # e.g. the 帮助 menu's 关于, before any step ran
    assert db is not None and window._db is db and window._session is None
    assert window.form is not None and window.session.db is db     # the build uses it, no second one


def test_after_the_first_paint_everything_is_built_and_the_store_is_open(started, qtbot):
    window = started
    with qtbot.waitSignal(helper_of(window).finished, timeout=10000):
        pass
    assert window.form._company_editors
    assert window.form.field_widget("company.name") is not None
    assert window.results.evaluation is window.evaluation
    assert window.results.tree.model().rowCount() > 0
    assert window.browser._built and window.browser.proxy.rowCount() > 0
    from core.profile_store import ProfileStore
    assert isinstance(window.store._store, ProfileStore)
    assert window.store.recent(5) == []
    assert window.warnings == []


def test_a_part_asked_for_before_the_first_paint_builds_at_once(started):
    window = started
    assert window.form.field_widget("company.name") is not None
    window.browser.show_measure("lh-glc-2024/7.1")
    assert window.browser._built
    assert window.store.drafts() == []                    # opened on first use
    assert window.store._store is not None


def test_edits_made_once_built_are_evaluated_as_before(started, qtbot):
    window = started
    with qtbot.waitSignal(helper_of(window).finished, timeout=10000):
        pass
    before = window.evaluation
    window.form.field_widget("company.name").setText("深圳市示例科技有限公司")
    assert window.dirty
    qtbot.waitUntil(lambda: window.evaluation is not before)
    assert window.results.evaluation is window.evaluation
    assert window.form.profile()["company"]["name"] == "深圳市示例科技有限公司"


def test_a_store_that_cannot_be_opened_is_reported_after_the_paint(qapp, qtbot, monkeypatch):
    from core import profile_store
    from core.profile_store import MemoryProfileStore, StoreError

    def refuse(*args, **kwargs):
        raise StoreError("newer", None, "written by a newer version", "由更新版本写入")
    monkeypatch.setattr(profile_store, "ProfileStore", refuse)
    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: warnings.append(a[2]))
    store = ui.app.DeferredProfileStore()
    assert warnings == []
    assert store.recent(5) == []                           # falls back to memory
    assert isinstance(store._store, MemoryProfileStore)
    assert len(warnings) == 1 and "由更新版本写入" in warnings[0]
    store.drafts()
    assert len(warnings) == 1                              # told once


@pytest.fixture()
def broken_database(qapp, monkeypatch):
    """The measures database cannot be built; QMessageBox.critical records its text instead."""
    from core.measures import installed
    from core.measures.validate import DataError

    def broken():
        raise DataError(["lh-glc-2024.yaml:12: document.valid_to: not a real calendar date"])
    monkeypatch.setattr(installed, "open_in_use", broken)
    monkeypatch.setattr(i18n, "_listeners", list(i18n._listeners))
    shown = []
    monkeypatch.setattr(QMessageBox, "critical", lambda *a, **k: shown.append(a[2]))
    font = qapp.font()
    yield shown
    for translator in list(ui.app._translators):
        qapp.removeTranslator(translator)
    ui.app._translators.clear()
    qapp.setFont(font)


def test_a_database_that_cannot_be_built_is_reported_after_the_paint(broken_database, qtbot):
    told = []
    app, window = ui.app.create_window([], on_no_database=lambda: told.append("leave"))
    qtbot.addWidget(window)
    assert window.isVisible() and broken_database == []      # the frame first: not opened yet
    assert window.status_label.text() == ""                  # the data's line waits for it
    run_until_finished(qtbot, helper_of(window))
    assert len(broken_database) == 1 and "lh-glc-2024.yaml:12" in broken_database[0]
    assert not window.isVisible()
    assert told == ["leave"]                                  # run_app leaves its loop with 3
    assert window._session is None and window._form is None    # nothing was built on it
    window.open_action.trigger()                             # the window is leaving: nothing happens
    assert window._form is None and len(broken_database) == 1


def test_run_app_leaves_with_exit_code_3_when_the_database_cannot_be_opened(broken_database,
                                                                           monkeypatch):
    from PySide6.QtCore import QTimer
    made = []
    create = ui.app.create_window
    monkeypatch.setattr(ui.app, "create_window",
                        lambda argv, **kw: made.append(create(argv, **kw)) or made[-1])
    guard = QTimer(singleShot=True)              # never hang the suite
    guard.timeout.connect(lambda: ui.app.QApplication.exit(99))
    guard.start(20000)
    try:
        assert ui.app.run_app([]) == ui.app.EXIT_NO_DATABASE == 3
    finally:
        guard.stop()
        for _app, window in made:
            shiboken6.delete(window)
    assert len(broken_database) == 1


def test_event_loops_still_run_after_a_failed_start(broken_database, qtbot):
    # The smoke test makes the window this way, then runs other checks with event loops: a
    # QApplication.exit outside app.exec() would make each of them return at once.
    app, window = ui.app.create_window([])
    qtbot.addWidget(window)
    run_until_finished(qtbot, helper_of(window))
    assert not window.isVisible()
    from PySide6.QtCore import QEventLoop, QTimer
    loop, ran = QEventLoop(), []
    QTimer.singleShot(30, lambda: (ran.append(1), loop.quit()))
    loop.exec()
    assert ran == [1]


def test_the_kiosk_is_not_made_when_the_database_cannot_be_opened(broken_database):
    app, window = ui.app.create_kiosk_window([], show=False)
    assert window is None and len(broken_database) == 1


def test_later_runs_at_once_outside_a_start(qtbot):
    ran = []
    later(lambda: ran.append(1))
    assert ran == [1]


def test_queued_work_runs_after_the_first_paint_in_order(qtbot):
    widget = QWidget()
    qtbot.addWidget(widget)
    ran = []
    with first_paint_first() as queue:
        later(lambda: ran.append("a"))
        later(lambda: ran.append("b"))
    later(lambda: ran.append("now"))                       # outside: at once
    assert ran == ["now"] and len(queue) == 2
    helper = run_after_first_paint(widget, queue)
    assert ran == ["now"]
    with qtbot.waitSignal(helper.finished, timeout=5000):
        widget.show()
    assert ran == ["now", "a", "b"]


def test_queued_work_runs_even_without_a_paint(qtbot):
    widget = QWidget()                                     # never shown, so never painted
    qtbot.addWidget(widget)
    ran = []
    with first_paint_first() as queue:
        later(lambda: ran.append("a"))
    helper = run_after_first_paint(widget, queue, fallback_ms=10)
    with qtbot.waitSignal(helper.finished, timeout=5000):
        pass
    assert ran == ["a"]


@pytest.fixture()
def damaged_cache(tmp_path, monkeypatch):
    """A measures cache with bytes overwritten, in a private cache folder (issue 15 item 12)."""
    from core.measures import store
    monkeypatch.setenv("GREENMEASURES_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(store, "_IN_MEMORY", {})
    path = store.bundled_database_path()
    store.take_notice()
    data = bytearray(path.read_bytes())
    data[len(data) // 2:len(data) // 2 + 4096] = b"\xa5" * 4096
    path.write_bytes(bytes(data))


def test_a_repaired_measures_cache_is_said_in_the_status_bar(damaged_cache, started, qtbot):
    assert started._db is None                  # opened after the first paint
    run_until_finished(qtbot, helper_of(started))
    assert "措施数据缓存已损坏，已按程序自带的数据重新生成" in started.statusBar().currentMessage()
    assert started.db.all_measures()


# -- issue 18 item 3: work after the first paint in steps, imports off the UI thread ------------

def run_until_finished(qtbot, helper) -> None:
    if not helper.queue and helper.steps is None and helper.started:
        return
    with qtbot.waitSignal(helper.finished, timeout=30000):
        pass


def test_a_generator_given_to_later_runs_one_step_per_turn(qtbot):
    widget = QWidget()
    qtbot.addWidget(widget)
    ran = []

    def steps():
        for name in ("a", "b", "c"):
            ran.append(name)
            yield
    with first_paint_first() as queue:
        later(steps)
    assert ran == []
    helper = run_after_first_paint(widget, queue, fallback_ms=10)
    turns = []
    helper.finished.connect(lambda: turns.append(helper.step_count))
    with qtbot.waitSignal(helper.finished, timeout=5000):
        pass
    assert ran == ["a", "b", "c"]
    assert turns == [4]                     # three steps, and the turn that finds the end


def test_a_generator_given_to_later_outside_a_start_runs_all_at_once():
    ran = []

    def steps():
        ran.append(1)
        yield
        ran.append(2)
    later(steps)
    assert ran == [1, 2]


def test_queued_work_waits_for_the_warm_up_thread(qtbot):
    import threading
    widget = QWidget()
    qtbot.addWidget(widget)
    release, warm_thread, ran = threading.Event(), [], []

    def warm_up():
        warm_thread.append(threading.get_ident())
        release.wait(10)
    with first_paint_first() as queue:
        later(lambda: ran.append("built"))
    helper = run_after_first_paint(widget, queue, fallback_ms=10, warm_up=warm_up)
    qtbot.waitUntil(lambda: warm_thread != [])
    qtbot.wait(50)                           # the loop turns meanwhile; the work waits
    assert ran == []
    assert warm_thread[0] != threading.get_ident()
    release.set()
    with qtbot.waitSignal(helper.finished, timeout=5000):
        pass
    assert ran == ["built"]


def test_a_failing_warm_up_does_not_stop_the_queued_work(qtbot):
    widget = QWidget()
    qtbot.addWidget(widget)
    ran = []
    with first_paint_first() as queue:
        later(lambda: ran.append("built"))
    helper = run_after_first_paint(widget, queue, fallback_ms=10, warm_up=lambda: 1 / 0)
    with qtbot.waitSignal(helper.finished, timeout=5000):
        pass
    assert ran == ["built"]


def test_the_warm_up_imports_what_the_deferred_work_needs():
    ui.app.warm_up()
    import sys
    assert all(name in sys.modules for name in ui.app.DEFERRED_IMPORTS)


@pytest.fixture()
def counted_editors(monkeypatch):
    """How many field editors the form has made so far."""
    from ui.profile_form import editors
    made = []
    original = editors._Editor.__init__

    def counting(self, *args, **kwargs):
        made.append(self)
        original(self, *args, **kwargs)
    monkeypatch.setattr(editors._Editor, "__init__", counting)
    return made


def test_the_form_is_built_a_few_fields_per_step(qtbot, catalog, counted_editors):
    from ui.profile_form import ProfileForm
    from ui.profile_form.fields import FIELDS_PER_STEP
    with first_paint_first() as queue:
        form = ProfileForm(catalog.measures, catalog.documents)
    qtbot.addWidget(form)
    assert counted_editors == [] and len(queue) == 1
    steps = queue[0]()
    made_per_step = []
    for _step in steps:
        made_per_step.append(len(counted_editors))
    made = len(counted_editors)
    per_step = [b - a for a, b in zip([0, *made_per_step], [*made_per_step, made], strict=True)]
    assert made > 2 * FIELDS_PER_STEP           # a real build, not a trivial one
    assert max(per_step) <= FIELDS_PER_STEP
    assert len(form._company_editors) == made   # every field made is the company's, shown
    assert form.field_widget("company.name") is not None


def test_fields_needed_in_the_middle_of_the_build_are_built_at_once(qtbot, catalog,
                                                                    counted_editors):
    from ui.profile_form import ProfileForm
    with first_paint_first() as queue:
        form = ProfileForm(catalog.measures, catalog.documents)
    qtbot.addWidget(form)
    steps = queue[0]()
    next(steps)
    next(steps)
    assert form._company_editors == []          # not shown yet
    form.field_widget("company.name").setText("深圳市示例科技有限公司")   # finishes the build
    built = len(counted_editors)
    assert len(form._company_editors) == built
    assert list(steps) == []                     # the runner's rest: nothing left, nothing made again
    assert len(counted_editors) == built
    assert form.profile()["company"]["name"] == "深圳市示例科技有限公司"


def test_a_profile_shown_in_the_middle_of_the_build_replaces_it(qtbot, catalog):
    from ui.profile_form import ProfileForm
    with first_paint_first() as queue:
        form = ProfileForm(catalog.measures, catalog.documents)
    qtbot.addWidget(form)
    steps = queue[0]()
    next(steps)
    form.set_profile({"format": 1, "company": {"name": "另一家公司"}, "projects": []})
    list(steps)                                  # the superseded steps end without effect
    from PySide6.QtCore import QCoreApplication, QEvent
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    pages = [w for w in form._company_host.children() if isinstance(w, QWidget)]
    assert pages == [form._company_host.layout().itemAt(0).widget()]   # no half-made page kept
    assert form.field_widget("company.name").text() == "另一家公司"
    names = [e.spec.path for e in form._company_editors]
    assert len(names) == len(set(names))         # each field once
    assert all(e.alive for e in form._company_editors)


def test_the_main_window_is_built_after_the_paint_in_many_short_steps(started, qtbot):
    helper = helper_of(started)
    run_until_finished(qtbot, helper)
    from ui.profile_form.fields import FIELDS_PER_STEP
    assert helper.step_count > len(started.form._company_editors) // FIELDS_PER_STEP
    assert started.form.field_widget("company.name") is not None


def test_the_window_can_be_used_at_once_while_it_is_built(started, qtbot):
    window = started
    window.tabs.setCurrentIndex(1)               # the measure browser, before its turn
    assert window.browser._built and window.browser.proxy.rowCount() > 0
    window.tabs.setCurrentIndex(0)
    window.show_full_form()
    window.form.field_widget("company.name").setText("深圳市示例科技有限公司")
    run_until_finished(qtbot, helper_of(window))
    assert window.form.profile()["company"]["name"] == "深圳市示例科技有限公司"
    names = [e.spec.path for e in window.form._company_editors]
    assert len(names) == len(set(names))


def test_the_window_makes_its_parts_one_per_turn_after_the_paint(started, qtbot):
    window = started
    helper = helper_of(window)
    made = []                       # which parts exist after each turn of the queued work

    def note():
        made.append(tuple(name for name in ("session", "form", "results", "browser", "tabs")
                          if getattr(window, f"_{name}") is not None))
    # The probe of each turn runs after the helper's own step (its timers were started first).
    from PySide6.QtCore import QTimer
    ticker = QTimer(window, interval=0)
    ticker.timeout.connect(note)
    ticker.start()
    run_until_finished(qtbot, helper)
    ticker.stop()
    assert made[-1] == ("session", "form", "results", "browser", "tabs")
    # The session came first, then the form, the results and the browser in turns of their own.
    firsts = [next(i for i, names in enumerate(made) if name in names)
              for name in ("session", "form", "results", "browser", "tabs")]
    assert firsts == sorted(firsts) and len(set(firsts)) == 5
    assert window.panes_built and window.results.evaluation is window.evaluation
    assert window.tabs.tabText(1) == "措施浏览"
    assert window.staleness_bar is window.centralWidget().findChild(type(window.staleness_bar))


def test_an_action_before_the_parts_are_made_makes_them_first(started, tmp_path, monkeypatch, qtbot):
    from core.profile import PROFILE_FORMAT, save_profile
    window = started
    path = tmp_path / "示例.json"
    save_profile({"format": PROFILE_FORMAT, "company": {"name": "早到的公司"}, "projects": []}, path)
    monkeypatch.setattr("PySide6.QtWidgets.QFileDialog.getOpenFileName", lambda *a, **k: (str(path), ""))
    assert not window.panes_built
    window.open_action.trigger()           # Ctrl+O pressed before the first paint's work ran
    assert window.panes_built
    assert window.form.profile()["company"]["name"] == "早到的公司"
    assert window.windowTitle().startswith("示例.json")
    assert window.evaluation is not None and window.results.evaluation is window.evaluation
    run_until_finished(qtbot, helper_of(window))      # the queued turns then make nothing twice
    assert window.form.profile()["company"]["name"] == "早到的公司"
    names = [e.spec.path for e in window.form._company_editors]
    assert len(names) == len(set(names))


def test_the_frame_can_be_used_before_the_parts_are_made(started, qtbot):
    import datetime as dt

    from PySide6.QtCore import QDate
    window = started
    assert not window.panes_built
    window.change_language("zh-Hant-TW")        # the toolbar's language box
    try:
        assert window.as_of_label.text() == "評估日期(&D)："
        assert not window.panes_built           # the frame alone is translated
        window.as_of_edit.setDate(QDate(2025, 6, 30))      # the toolbar's date
        assert window.as_of == dt.date(2025, 6, 30)
        run_until_finished(qtbot, helper_of(window))
        assert window.tabs.tabText(1) == "措施瀏覽"        # parts made in the language in use
        assert window.evaluation.as_of == dt.date(2025, 6, 30)
        assert window.form.as_of() == dt.date(2025, 6, 30)
    finally:
        window.change_language("zh-Hans")
    assert window.tabs.tabText(1) == "措施浏览"


def test_closing_before_the_parts_are_made_keeps_the_saved_splitters(started, tmp_path):
    window = started
    window.settings.set("work_splitter", b"kept")
    window.close()
    assert not window.panes_built             # closing made nothing
    assert window.settings.get("work_splitter") == b"kept"
    assert window.settings.get("window_geometry")


def test_an_empty_command_line_starts_the_window_without_the_commands_parser(monkeypatch):
    import main
    monkeypatch.setattr(main, "build_parser", lambda: pytest.fail("parser built"))
    monkeypatch.setattr(main, "run_window", lambda kiosk: 42 if not kiosk else 0)
    monkeypatch.setattr("sys.argv", ["main.py"])
    assert main.main() == 42
    assert main.main([]) == 42


def test_the_window_imports_its_qt_free_modules_before_pyside6(tmp_path):
    import subprocess
    import sys
    code = ("import sys, main\n"
            "main.window_module()\n"
            "names = list(sys.modules)\n"
            "print(max(names.index(m) for m in ('core.i18n', 'core.settings', 'dataclasses')),"
            " names.index('PySide6'))\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=_plain_env(tmp_path), cwd=str(ui.app.__file__).rsplit("/ui/", 1)[0],
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    last_core, pyside = map(int, proc.stdout.split())
    assert last_core < pyside                     # sys.modules keeps the order of import


def _plain_env(tmp_path) -> dict:
    import os
    return {**os.environ, "QT_QPA_PLATFORM": "offscreen",
            "GREENMEASURES_DATA_DIR": str(tmp_path / "data"),
            "GREENMEASURES_CONFIG_DIR": str(tmp_path / "config")}


def test_nothing_deferred_is_imported_before_the_first_paint(tmp_path):
    import json
    import subprocess
    import sys
    code = ("import json, sys\n"
            "from ui.app import DEFERRED_IMPORTS, create_window\n"
            "app, window = create_window(sys.argv[:1])\n"
            "print(json.dumps([m for m in (*DEFERRED_IMPORTS, *sys.argv[1:]) "
            "if m in sys.modules]))\n")
    # Named here as well, so that shortening DEFERRED_IMPORTS cannot pass unnoticed: the engine,
    # the window's panes and the form's field widgets come after the first paint too, as do the
    # 帮助 texts and the CLI (html and uuid: imported on use, see ui.main_window); the measures
    # database with its modules (opened by the first step), the profile format (read when a file
    # is opened), the atomic writer with secrets (when something is saved).
    also = ["core.engine", "core.engine.evaluate", "ui.session", "ui.profile_form",
            "ui.interview_page", "ui.results_view", "ui.measure_browser", "ui.measures_status",
            "ui.widgets", "html", "uuid", "core.about", "core.cli",
            "core.measures.installed", "core.measures.store", "core.measures.catalog", "sqlite3",
            "core.profile", "core.atomic", "secrets"]
    proc = subprocess.run([sys.executable, "-c", code, *also], capture_output=True, text=True,
                          env=_plain_env(tmp_path), cwd=str(ui.app.__file__).rsplit("/ui/", 1)[0],
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout.strip().splitlines()[-1]) == []


def test_the_startup_probe_reports_paint_interactive_and_complete(tmp_path):
    import json
    import subprocess
    import sys
    from pathlib import Path
    root = Path(ui.app.__file__).resolve().parent.parent
    out = tmp_path / "probe.json"
    env = {**_plain_env(tmp_path), "GREENMEASURES_STARTUP_PROBE": str(out)}
    proc = subprocess.run([sys.executable, "main.py"], capture_output=True, text=True, env=env,
                          cwd=root, timeout=120)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["painted"] <= report["interactive"] <= report["settled"]
    assert report["complete"] is not None and report["complete"] >= report["painted"]
    assert report["peak_rss_kb"] >= report["paint_rss_kb"] > 0
    assert not (tmp_path / "config" / "settings.json").exists()   # left without closing the window


def test_the_as_of_calendar_is_made_when_its_menu_first_opens(qtbot):
    from PySide6.QtCore import QDate

    from ui.as_of_date import AsOfDateEdit
    edit = AsOfDateEdit(QDate(2025, 6, 30))
    qtbot.addWidget(edit)
    assert edit._calendar is None                  # not part of the window's first paint
    menu = edit.calendar_button.menu()
    menu.aboutToShow.emit()                        # as when the ▾ button opens it
    assert edit.calendar.selectedDate() == QDate(2025, 6, 30)
    assert [a.defaultWidget() for a in menu.actions()] == [edit.calendar]
    menu.aboutToShow.emit()                        # opened again: the same calendar, once
    assert len(menu.actions()) == 1
    with qtbot.waitSignal(edit.dateChanged) as changed:
        edit.calendar.clicked.emit(QDate(2024, 1, 2))
    assert changed.args == [QDate(2024, 1, 2)] and edit.date() == QDate(2024, 1, 2)
    assert edit.edit.text() == "2024-01-02"


def test_the_draft_id_is_made_on_first_use_and_kept(started):
    window = started
    assert window._draft_id is None                # uuid and the store: after the first paint
    first = window.draft_id
    assert first and window.draft_id == first
    window.draft_id = "given"
    assert window.draft_id == "given"
