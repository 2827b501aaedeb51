"""The 帮助 menu: the offline user guide (使用说明) and 关于 (version, data, licences).

Both dialogs read what they say from core.about (the guide file under resources/help, the
version, the libraries' and the font's licences) and the data in use from
core.measures.installed; they follow the UI language like every window.
"""
from __future__ import annotations

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QDialog, QMenu, QWidget

from core.i18n import N_, _, format_date
from ui.language import follow_language

MSG_HELP_MENU = N_("帮助(&H)")
MSG_GUIDE = N_("使用说明")
MSG_ABOUT = N_("关于绿策通")


def data_in_use(db=None) -> str:
    """Where the measures data in use comes from and how current it is, in the UI language."""
    from core.measures.installed import installed
    from core.measures.store import DatabaseError
    try:
        return installed().in_use.describe(_, format_date)
    except (DatabaseError, OSError):       # an unreadable state: at least the open database's release
        return db.release.describe(_, format_date) if db is not None else _("未知")


class _TextDialog(QDialog):
    """A read-only text (a QTextBrowser, so screen readers and the keyboard can move through it)
    and a 关闭 button."""

    def __init__(self, parent=None):
        # Here, not at the top: the menu is part of the window's first paint, the dialogs are not
        # (PySide6 makes each Qt class on its first use).
        from PySide6.QtWidgets import QDialogButtonBox, QTextBrowser, QVBoxLayout

        super().__init__(parent)
        self.browser = QTextBrowser()
        self.browser.setOpenExternalLinks(False)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser, 1)
        layout.addWidget(self.buttons)
        follow_language(self, self.retranslate)

    def retranslate(self) -> None:
        from PySide6.QtWidgets import QDialogButtonBox
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setText(_("关闭"))


class GuideDialog(_TextDialog):
    """使用说明: resources/help/guide.md in the current script, with the data in use."""

    def __init__(self, db=None, parent=None):
        self.db = db
        super().__init__(parent)
        self.resize(760, 640)
        self.retranslate()

    def retranslate(self) -> None:
        super().retranslate()
        self.setWindowTitle(_(MSG_GUIDE))
        self.browser.setAccessibleName(_(MSG_GUIDE))
        from core.about import guide_text  # email and importlib.metadata: on first use, not at start
        self.browser.setMarkdown(guide_text(data_in_use(self.db)))


class AboutDialog(_TextDialog):
    """关于: the program's version, the data release, and the licences of the font and libraries."""

    def __init__(self, db=None, parent=None):
        self.db = db
        super().__init__(parent)
        self.resize(640, 560)
        self.retranslate()

    def retranslate(self) -> None:
        super().retranslate()
        self.setWindowTitle(_(MSG_ABOUT))
        self.browser.setAccessibleName(_(MSG_ABOUT))
        self.browser.setHtml(self.text())

    def text(self) -> str:
        import html  # here, not at the top: html.entities is a large import before the first paint

        from core.about import app_version, bundled_fonts, library_licences  # as in the guide
        e = html.escape
        version = app_version() or _("未知")

        def rows(components) -> str:
            return "".join(f"<tr><td>{e(c.name)}</td><td>{e(c.version)}</td><td>{e(c.licence)}</td></tr>"
                           for c in components)

        head = (f"<tr><th align='left'>{e(_('名称'))}</th><th align='left'>{e(_('版本'))}</th>"
                f"<th align='left'>{e(_('许可协议'))}</th></tr>")
        return (f"<h2>{e(_('绿策通'))} GreenMeasures</h2>"
                f"<p>{e(_('程序版本：{version}').format(version=version))}</p>"
                f"<p>{e(_('措施数据：{data}').format(data=data_in_use(self.db)))}</p>"
                f"<p>{e(_('离线运行：填写的信息只保存在这台电脑上。'))}</p>"
                f"<h3>{e(_('随程序提供的字体'))}</h3>"
                f"<table cellpadding='3'>{head}{rows(bundled_fonts())}</table>"
                f"<h3>{e(_('使用的主要程序库'))}</h3>"
                f"<table cellpadding='3'>{head}{rows(library_licences())}</table>"
                f"<p>{e(_('许可协议以各程序库随附的许可文件为准。'))}</p>")


class HelpMenu:
    """The 帮助 menu of a main window: 使用说明 (F1) and 关于; the dialogs are made on first use."""

    def __init__(self, window: QWidget, menu_bar, db_of):
        self.window, self.db_of = window, db_of     # db_of(): the window's database now
        self.menu: QMenu = menu_bar.addMenu("")
        self.guide_action = self.menu.addAction("")
        self.guide_action.setShortcut(QKeySequence.StandardKey.HelpContents)
        self.guide_action.triggered.connect(self.show_guide)
        self.about_action = self.menu.addAction("")
        self.about_action.triggered.connect(self.show_about)
        self.guide: GuideDialog | None = None
        self.about: AboutDialog | None = None
        follow_language(self.menu, lambda: self.retranslate())   # a method of this, not of the menu
        self.retranslate()

    def retranslate(self) -> None:
        self.menu.setTitle(_(MSG_HELP_MENU))
        self.guide_action.setText(_(MSG_GUIDE))
        self.about_action.setText(_(MSG_ABOUT))

    def _show(self, dialog: QDialog) -> QDialog:
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()
        return dialog

    def show_guide(self) -> GuideDialog:
        if self.guide is None:
            self.guide = GuideDialog(self.db_of(), self.window)
        else:
            self.guide.db = self.db_of()
            self.guide.retranslate()            # the data in use may have changed since
        self._show(self.guide)
        return self.guide

    def show_about(self) -> AboutDialog:
        if self.about is None:
            self.about = AboutDialog(self.db_of(), self.window)
        else:
            self.about.db = self.db_of()
            self.about.retranslate()
        self._show(self.about)
        return self.about
