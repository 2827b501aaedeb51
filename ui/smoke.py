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

from core.smoke import Made, SmokeFailure
from core.smoke import run_smoke_test as _run_core_smoke_test

# The platform plugin real windows use here; the check runs offscreen, so it must be looked for.
NATIVE_PLATFORM = {"win32": "qwindows", "darwin": "qcocoa"}.get(sys.platform, "qxcb")
# Qt's print-support plugin where Qt prints (packaging/spec_data.QT_PLUGINS); Linux prints with
# the CUPS clients and bundles none.
NATIVE_PRINT_SUPPORT = {"win32": "windowsprintersupport", "darwin": "cocoaprintersupport"}.get(sys.platform)
BUILD_TIMEOUT_MS = 30000


# Qt's own message every Chinese catalog translates (the standard dialogs' Cancel button).
QT_MESSAGE = ("QPlatformTheme", "Cancel", "取消")
COLLATION_SAMPLE = ("阿", "波")  # a, b in pinyin; U+963F after U+6CE2 in code points
PREVIEW_DPI = 96
SMOKE_PIN = "2468"               # the kiosk's PIN for the check, in memory only
PRINT_RESOLUTION = 150           # dpi of the QPrinter's PDF: enough to see the page, quick to paint


def run_smoke_test(out_dir: str | os.PathLike | None = None) -> int:
    """The whole smoke test; 0 when it passed (``main.py --smoke-test`` returns this)."""
    return _run_core_smoke_test(check_window, out_dir, QT_CHECKS)


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
        try:
            helper = window.findChild(QObject, "afterFirstPaint")
            loop = QEventLoop()
            if helper is not None:
                helper.finished.connect(loop.quit)
                QTimer.singleShot(BUILD_TIMEOUT_MS, loop.quit)
                loop.exec()
            if not window.isVisible():    # hidden when the measures database could not be opened
                raise SmokeFailure("; ".join(["the main window is not visible", *boxes]))
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


# -- the Qt checks (core.smoke.QT_CHECKS), run after the window check: QApplication exists --------

def check_qt_translations(made: Made) -> str:
    """Qt's Chinese catalogs of every language load and translate (not only exist)."""
    from PySide6.QtCore import QLibraryInfo, QTranslator

    from core.i18n import LOCALES, qt_translation_names

    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    context, source, expected = QT_MESSAGE
    loaded = []
    for code in LOCALES:
        translator = QTranslator()
        name = next((n for n in qt_translation_names(code) if translator.load(n, folder)), None)
        if name is None:
            raise SmokeFailure(f"none of {', '.join(qt_translation_names(code))} is in {folder}")
        got = translator.translate(context, source)
        if got != expected:
            raise SmokeFailure(f"{name} translates {context} “{source}” as {got!r}, expected {expected}")
        loaded.append(f"{code} {name}")
    return f"{'; '.join(loaded)}: “{source}” → {expected}"


def check_qt_locale(made: Made) -> str:
    """Qt's Chinese locale works: names sort in pinyin order (阿 before 波, the reverse of their
    code points), which needs the Chinese collation data (ICU's, trimmed by the build, on Linux;
    the system's on Windows)."""
    from PySide6.QtCore import QCollator, QLocale

    from core.i18n import LOCALES

    first, second = COLLATION_SAMPLE
    locale = QLocale(LOCALES["zh-Hans"].qt_locale)
    if QCollator(locale).compare(first, second) >= 0:
        raise SmokeFailure(f"Qt's collation for {locale.name()} does not put {first} before {second} "
                           "(pinyin): its Chinese collation data is missing")
    return f"{locale.name()}: {first} sorts before {second} (pinyin); {locale.toUpper('straße')}"


def _pdf_bytes(made: Made, lang: str = "zh-Hans") -> bytes:
    path = made.pdfs.get(lang)
    if path is None:
        raise SmokeFailure(f"no checklist PDF {lang} was written before this step")
    return path.read_bytes()


def _inked(image) -> int:
    """How many pixels of a sample grid over the image are not white (text drawn on the page)."""
    step = max(1, min(image.width(), image.height()) // 200)
    return sum(1 for x in range(0, image.width(), step) for y in range(0, image.height(), step)
               if image.pixelColor(x, y).lightness() < 128)


def check_pdf_preview(made: Made) -> str:
    """The checklist dialog's preview: PDFium renders each page into a QImage (ui.printing), which
    becomes a pixmap with the checklist's text on it."""
    from PySide6.QtGui import QPixmap

    from ui.printing import render_pages

    images = render_pages(_pdf_bytes(made), PREVIEW_DPI)
    if not images or any(image.isNull() for image in images):
        raise SmokeFailure("the preview rendered no page")
    pixmap = QPixmap.fromImage(images[0])
    inked = _inked(images[0])
    if pixmap.isNull() or inked == 0:
        raise SmokeFailure(f"page 1 of the preview is blank ({images[0].width()}×{images[0].height()} px)")
    return (f"{len(images)} pages at {PREVIEW_DPI} dpi, page 1 {pixmap.width()}×{pixmap.height()} px "
            f"with text on it")


def check_printing(made: Made) -> str:
    """Printing through Qt's print system (what Windows uses): the checklist painted page by page on
    a QPrinter that writes a PDF file; the system's print-support plugin is in the bundle."""
    from PySide6.QtCore import QLibraryInfo
    from PySide6.QtPrintSupport import QPrinter, QPrinterInfo

    from ui.printing import paint_pdf, use_cups

    plugins = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath)) / "printsupport"
    found = sorted(p.name for p in plugins.glob("*")) if plugins.is_dir() else []
    if NATIVE_PRINT_SUPPORT and not any(NATIVE_PRINT_SUPPORT in name for name in found):
        raise SmokeFailure(f"Qt's {NATIVE_PRINT_SUPPORT} plugin is not in {plugins} "
                           f"(found: {', '.join(found) or 'nothing'}): no printer would be listed")
    target = made.folder / "printed-zh-Hans.pdf"
    target.unlink(missing_ok=True)
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(target))
    printer.setResolution(PRINT_RESOLUTION)
    pages = paint_pdf(printer, _pdf_bytes(made))
    del printer                       # the PDF is finished when the printer goes
    if not target.is_file() or not target.read_bytes().startswith(b"%PDF-"):
        raise SmokeFailure(f"the QPrinter wrote no PDF at {target}")
    import pypdfium2 as pdfium
    printed = pdfium.PdfDocument(str(target))
    try:
        printed_pages = len(printed)
    finally:
        printed.close()
    if printed_pages != pages:
        raise SmokeFailure(f"{pages} pages were painted but {target.name} has {printed_pages}")
    system = "the CUPS clients (lp)" if use_cups() else "Qt"
    return (f"{pages} pages painted on a QPrinter into {target} ({target.stat().st_size // 1024} kB); "
            f"print support {', '.join(found) or 'none bundled (CUPS prints here)'}; "
            f"{len(QPrinterInfo.availablePrinterNames())} printer(s) known to Qt; "
            f"printing goes through {system}")


def check_kiosk(made: Made) -> str:
    """The kiosk window opens offscreen (its pages, overlays and PIN gate built) and shows the
    sample's results as a QR code made by segno."""
    import shiboken6
    from PySide6.QtGui import QPixmap
    from PySide6.QtWidgets import QApplication

    from core.kiosk import hash_pin
    from core.settings import Settings
    from ui.kiosk import KioskWindow
    from ui.kiosk.qr import qr_png, summary_text

    # A PIN in memory only (never saved): without one the kiosk serves nobody and shows only its
    # closed page. Hashing it proves hashlib's scrypt (OpenSSL) is in the bundle.
    settings = Settings()
    settings.set("kiosk_pin_hash", hash_pin(SMOKE_PIN))
    kiosk = KioskWindow(made.db, settings, idle_ms=60_000)
    try:
        kiosk.resize(1366, 768)
        kiosk.show()
        QApplication.processEvents()
        if not kiosk.isVisible():
            raise SmokeFailure("the kiosk window is not visible")
        text = summary_text(made.evaluation, made.profile)
        pixmap = QPixmap()
        if not pixmap.loadFromData(qr_png(text)) or pixmap.isNull():
            raise SmokeFailure("the QR code's PNG (segno) did not load as an image")
        kiosk.qr_image.setPixmap(pixmap)
        kiosk.qr_text.setText(text)
        title = kiosk.windowTitle() or kiosk.objectName()
    finally:
        kiosk._unlocked = True         # the PIN gate lets a kiosk close only when unlocked
        kiosk.close()
        shiboken6.delete(kiosk)
        QApplication.processEvents()
    return (f"kiosk window “{title}” opened and closed; QR code of {len(text.encode())} bytes of results "
            f"at {pixmap.width()}×{pixmap.height()} px")


QT_CHECKS = {
    "Qt translations": check_qt_translations,
    "Qt locale": check_qt_locale,
    "PDF preview": check_pdf_preview,
    "printing": check_printing,
    "kiosk": check_kiosk,
}
