"""The smoke test with its Qt step: what ``main.py --smoke-test`` runs (see core/smoke.py).

``core.smoke`` checks the database, the sample evaluation, the PDFs, the catalogs, OpenCC and
Babel; core imports no Qt, so the Qt step lives here and is handed to it. The step starts Qt on
the ``offscreen`` platform (unless QT_QPA_PLATFORM names another), checks that the platform plugin
this system's windows need and Qt's own Chinese translations are in the bundle, then opens the
main window as ``python main.py`` does, lets its deferred parts build, and closes it. A message box
or an exception raised in a Qt slot while it runs fails the step (a modal box would otherwise wait
forever in an unattended build).
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

from core.smoke import SmokeFailure
from core.smoke import run_smoke_test as _run_core_smoke_test

# The platform plugin real windows use here; the check runs offscreen, so it must be looked for.
NATIVE_PLATFORM = {"win32": "qwindows", "darwin": "qcocoa"}.get(sys.platform, "qxcb")
BUILD_TIMEOUT_MS = 30000


def run_smoke_test(out_dir: str | os.PathLike | None = None) -> int:
    """The whole smoke test; 0 when it passed (``main.py --smoke-test`` returns this)."""
    return _run_core_smoke_test(check_window, out_dir)


def check_window() -> str:
    """Start Qt (or reuse the running QApplication), open and close the main window; one line."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")     # before the QApplication exists
    from PySide6.QtCore import QLibraryInfo, QTranslator

    from core.i18n import LOCALES, qt_translation_names

    plugins = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath)) / "platforms"
    found = sorted(p.name for p in plugins.glob("*")) if plugins.is_dir() else []
    # Looked for before a QApplication exists: Qt aborts the process when its platform is missing.
    for platform in dict.fromkeys((NATIVE_PLATFORM, "q" + os.environ["QT_QPA_PLATFORM"].split(":")[0])):
        if not any(platform in name for name in found):
            raise SmokeFailure(f"Qt's {platform} platform plugin is not in {plugins} "
                               f"(found: {', '.join(found) or 'nothing'}); windows could not open")
    translations = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    for code in LOCALES:
        names = qt_translation_names(code)
        if not any(QTranslator().load(name, translations) for name in names):
            raise SmokeFailure(f"none of Qt's translations {', '.join(names)} is in {translations} "
                               "(Qt's own buttons would be in English)")
    app, summary = _open_and_close_window()
    return (f"platform {app.platformName()} ({NATIVE_PLATFORM} also bundled); Qt translations found; "
            f"{summary}")


def _open_and_close_window():
    import shiboken6
    from PySide6.QtCore import QEventLoop, QObject, QTimer
    from PySide6.QtWidgets import QMessageBox

    from ui import app as ui_app

    boxes: list[str] = []
    errors: list[str] = []

    def box(kind):
        def record(parent, title, text, *args, **kwargs):
            boxes.append(f"{kind} box: {' '.join(str(text).split())}")
            return QMessageBox.StandardButton.Ok
        return record

    patched = {name: getattr(QMessageBox, name)
               for name in ("critical", "warning", "information", "question")}
    old_hook = sys.excepthook
    sys.excepthook = lambda kind, value, tb: errors.append(f"{kind.__name__}: {value}")
    for name in patched:
        setattr(QMessageBox, name, staticmethod(box(name)))
    try:
        app, window = ui_app.create_window([sys.argv[0] if sys.argv else "GreenMeasures"])
        if window is None:
            raise SmokeFailure("the main window was not created: " + ("; ".join(boxes) or "no reason given"))
        try:
            helper = window.findChild(QObject, "afterFirstPaint")
            loop = QEventLoop()
            if helper is not None:
                helper.finished.connect(loop.quit)
                QTimer.singleShot(BUILD_TIMEOUT_MS, loop.quit)
                loop.exec()
            if not window.isVisible():
                raise SmokeFailure("the main window is not visible")
            if helper is not None and helper.queue:
                raise SmokeFailure(f"the window's parts were not built within {BUILD_TIMEOUT_MS // 1000} s")
            title = window.windowTitle()
        finally:
            window.dirty = False          # nothing to save: close without asking
            window.close()
            window.store.close()
            shiboken6.delete(window)
        app.processEvents()
    finally:
        for name, original in patched.items():
            setattr(QMessageBox, name, original)
        sys.excepthook = old_hook
    problems = errors + boxes
    if problems:
        raise SmokeFailure("; ".join(problems))
    return app, f"main window “{title}” shown, built and closed"
