"""Start the desktop application: fonts, languages, settings, the profile store, the window.

The window is painted before its heavy parts are built (docs/benchmarks.md, cold start): the
form's fields, the results and the measure browser are built in the event-loop turns right after
the first paint (ui.first_paint.first_paint_first), and the profile store, whose sqlite-utils takes
about 0.1 s to import, is opened after them. Modules that only that later work needs (jsonschema,
Babel, OpenCC, sqlite-utils, YAML) are imported there, not before the first paint: first on a
worker thread (warm_up), so that the event loop keeps answering while they load, then the
window's parts are built one short step per event-loop turn (docs/benchmarks.md, start-up).
"""
from __future__ import annotations

import sys
from collections.abc import Callable

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtGui import QFontDatabase, QIcon
from PySide6.QtWidgets import QApplication

from core.i18n import (
    LOCALES,
    _,
    current_language,
    font_path,
    on_language_changed,
    qt_translation_names,
    set_language,
)
from core.resources import resource_dir
from core.settings import Settings
from ui import startup_probe

_translators: list[QTranslator] = []

# What the work after the first paint imports: the measures database's modules (its first step
# opens it), the window's panes and the session with its engine (ui.main_window builds them then),
# the form's validation, policy-text conversion, the results' number and date formats, the profile
# store. Imported by warm_up, off the UI thread (module imports only: none of these makes a Qt
# object when imported). tests/test_ui_startup.py checks that none is imported before the first
# paint.
DEFERRED_IMPORTS = ("core.measures.installed", "core.engine.evaluate", "ui.session",
                    "ui.profile_form", "ui.interview_page", "ui.results_view", "ui.measure_browser",
                    "ui.measures_status", "jsonschema", "opencc", "babel.numbers", "babel.dates",
                    "core.profile_store")


def warm_up() -> None:
    """Run on a worker thread after the first paint (ui.first_paint.run_after_first_paint), before
    the deferred building: its imports, and the caches its first calls fill (OpenCC's tables,
    Babel's locale data, about 0.1 s of unpickling). Touches no widget; the caches are locked
    or idempotent, so the UI thread using them at the same time is safe."""
    import datetime as dt
    import importlib

    from core.i18n import convert_policy_text, format_date, format_money

    for name in DEFERRED_IMPORTS:
        importlib.import_module(name)
    convert_policy_text("绿色低碳")
    format_money(12345)
    format_date(dt.date.today())


def register_bundled_font(app: QApplication) -> None:
    """WenQuanYi Micro Hei as a fallback family, so Chinese renders where no CJK font is installed."""
    font_id = QFontDatabase.addApplicationFont(str(font_path()))
    families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
    if families:
        font = app.font()
        font.setFamilies([font.family(), *families])
        app.setFont(font)


def install_qt_translations(app: QApplication, code: str) -> None:
    """Qt's own dialogs and buttons (取消, 保存…) in the UI language."""
    for translator in _translators:
        app.removeTranslator(translator)
    _translators.clear()
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    for name in qt_translation_names(code):
        translator = QTranslator(app)
        if translator.load(name, folder):
            app.installTranslator(translator)
            _translators.append(translator)
            break
    QLocale.setDefault(QLocale(LOCALES[code].qt_locale))


class DeferredProfileStore:
    """The local profile store, opened by ``open()`` (after the first paint) or on first use.

    Stands in for a ``ProfileStore`` (attribute access is passed on), so the window can be made
    before core.profile_store and sqlite-utils are imported. When the store cannot be opened the
    user is told once, and this run keeps drafts and recent files in memory only.
    """

    def __init__(self, parent=None):
        self.parent = parent          # the window the warning belongs to
        self._store = None

    def open(self):
        if self._store is None:
            from PySide6.QtWidgets import QMessageBox  # here: the first paint shows no message box

            from core.profile_store import MemoryProfileStore, ProfileStore, StoreError
            try:
                self._store = ProfileStore()
            except StoreError as exc:
                self._store = MemoryProfileStore()
                QMessageBox.warning(self.parent, _("绿策通"),
                                    exc.message_zh + "\n" + _("本次运行不保存草稿和最近打开记录。"))
        return self._store

    def __getattr__(self, name: str):
        return getattr(self.open(), name)


def show_main_window(window) -> None:
    """Show the window as a real start does (the screenshot script calls this too, so what it
    pictures is what users get): maximized on a laptop-sized screen, else at its placed size."""
    if window.fills_screen:         # all of the screen, the frame placed by the system
        window.showMaximized()
    else:
        window.show()


def _measures_errors() -> tuple[type[Exception], ...]:
    # Called only when opening the database failed: DataError's module imports the YAML reader.
    from core.measures.store import DatabaseError
    from core.measures.validate import DataError
    return DataError, DatabaseError


def open_database(parent=None):
    """The measures database in use, or None when it cannot be opened (the user has been told).
    core.measures.installed is imported here: the main window opens the database after its first
    paint, and the frame needs none of it."""
    from core.measures import installed
    try:
        return installed.open_in_use()
    except _measures_errors() as exc:   # the tuple is evaluated only when something was raised
        from PySide6.QtWidgets import QMessageBox
        QMessageBox.critical(parent, _("绿策通"), _("无法打开措施数据库：\n{error}").format(error=exc))
        return None


# run_app's exit code when the measures database cannot be opened (as the commands' 3).
EXIT_NO_DATABASE = 3


def _start(argv: list[str]):
    """What both windows need first: the application, the font, the settings and their language,
    Qt's own translations; (app, settings). The database is opened by each window's start."""
    app = QApplication.instance() or QApplication(argv)
    app.setApplicationName("GreenMeasures")
    app.setApplicationDisplayName("绿策通")
    # The title bar and the taskbar; the .exe's own icon comes from the spec (packaging/).
    app.setWindowIcon(QIcon(str(resource_dir("icons", "greenmeasures.png"))))
    register_bundled_font(app)
    settings = Settings()
    set_language(settings.get("language"))
    install_qt_translations(app, current_language())
    on_language_changed(lambda code: install_qt_translations(app, code))
    return app, settings


def create_window(argv: list[str], on_no_database: Callable[[], object] | None = None):
    """Everything up to a shown main window; returns (app, window). bench/bench_startup.py times it.

    The window paints its frame first; the measures database is opened by the first step after
    that paint, then the window's heavy parts are built and the profile store is opened; an event
    loop must run for that (``app.exec()``, or ``processEvents``). When the database cannot be
    opened the user is told, the window is hidden and ``on_no_database`` is called (run_app
    leaves its event loop with ``EXIT_NO_DATABASE``; QApplication.exit outside ``app.exec()``
    would make every later event loop return at once, so it is not called here)."""
    from ui.first_paint import first_paint_first, run_after_first_paint
    from ui.main_window import MainWindow

    app, settings = _start(argv)
    store = DeferredProfileStore()

    def open_db():
        db = open_database(window)
        if db is None:
            window.hide()
            if on_no_database is not None:
                on_no_database()
        elif db.notice is not None:     # the measures cache was repaired or is in memory: say it once
            window.statusBar().showMessage(db.notice.text(_), 30000)
        return db

    with first_paint_first() as queue:
        window = MainWindow(None, settings, store, open_db=open_db)
    store.parent = window
    queue.append(store.open)
    show_main_window(window)
    run_after_first_paint(window, queue, warm_up=warm_up)
    window.startup_probe = startup_probe.attach_if_asked(window)   # bench/bench_startup.py only
    return app, window


def run_app(argv: list[str]) -> int:
    app, _window = create_window(argv, on_no_database=lambda: QApplication.exit(EXIT_NO_DATABASE))
    return app.exec()


def kiosk_configured() -> bool:
    """True when the configuration asks to start in kiosk mode (the setting ``kiosk``)."""
    return bool(Settings().get("kiosk"))


def create_kiosk_window(argv: list[str], *, show: bool = True):
    """The kiosk (docs/kiosk.md): frameless and full screen, nothing written to disk by a visitor.
    Returns (app, window), or (app, None) when the measures database cannot be opened."""
    from ui.kiosk import KioskWindow

    app, settings = _start(argv)
    db = open_database()
    if db is None:
        return app, None
    window = KioskWindow(db, settings)
    if show:
        show_kiosk_window(window)
    return app, window


def show_kiosk_window(window) -> None:
    """Show the kiosk as a real start does (the kiosk screenshot script calls this too): the
    whole screen, whatever its size; the window's minimum fits 1366×768 and portrait 1080×1920.
    The geometry is set too: without a window manager (a bare X session, Xvfb) nothing else
    would honour "full screen"."""
    screen = window.screen() or QApplication.primaryScreen()
    window.setGeometry(screen.geometry())
    window.showFullScreen()


def run_kiosk(argv: list[str]) -> int:
    """Run the kiosk until an administrator leaves it. An uncaught error ends the process (exit
    code 70) instead of leaving a half-working window holding a visitor's data: the watchdog or
    Windows assigned access starts a fresh, empty kiosk (docs/kiosk.md)."""
    import os
    import traceback

    def crash(kind, value, tb):
        traceback.print_exception(kind, value, tb)
        sys.stderr.flush()
        os._exit(70)

    app, window = create_kiosk_window(argv)
    if window is None:
        return EXIT_NO_DATABASE
    sys.excepthook = crash
    return app.exec()


if __name__ == "__main__":
    sys.exit(run_app(sys.argv))
