"""Start the desktop application: fonts, languages, settings, the profile store, the window."""
from __future__ import annotations

import sys

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QApplication, QMessageBox

from core.i18n import LOCALES, _, current_language, font_path, on_language_changed, qt_translation_names, set_language
from core.measures.store import DatabaseError, open_bundled
from core.measures.validate import DataError
from core.profile_store import MemoryProfileStore, ProfileStore, StoreError
from core.settings import Settings

_translators: list[QTranslator] = []


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
    folder = QLibraryInfo.path(QLibraryInfo.TranslationsPath)
    for name in qt_translation_names(code):
        translator = QTranslator(app)
        if translator.load(name, folder):
            app.installTranslator(translator)
            _translators.append(translator)
            break
    QLocale.setDefault(QLocale(LOCALES[code].qt_locale))


def create_window(argv: list[str]):
    """Everything up to a shown main window; returns (app, window), or (app, None) when the
    measures database cannot be opened (the user has been told). bench/bench_startup.py times it."""
    from ui.main_window import MainWindow

    app = QApplication.instance() or QApplication(argv)
    app.setApplicationName("GreenMeasures")
    app.setApplicationDisplayName("绿策通")
    register_bundled_font(app)
    settings = Settings()
    set_language(settings.get("language"))
    install_qt_translations(app, current_language())
    on_language_changed(lambda code: install_qt_translations(app, code))
    try:
        db = open_bundled()
    except (DataError, DatabaseError) as exc:
        QMessageBox.critical(None, _("绿策通"), _("无法打开措施数据库：\n{error}").format(error=exc))
        return app, None
    try:
        store = ProfileStore()
    except StoreError as exc:
        QMessageBox.warning(None, _("绿策通"), exc.message_zh + "\n" + _("本次运行不保存草稿和最近打开记录。"))
        store = MemoryProfileStore()
    window = MainWindow(db, settings, store)
    window.show()
    return app, window


def run_app(argv: list[str]) -> int:
    app, window = create_window(argv)
    if window is None:
        return 3
    return app.exec()


if __name__ == "__main__":
    sys.exit(run_app(sys.argv))
