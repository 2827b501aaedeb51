"""The larger-text setting (视图 → 字号): the application font scaled to 100, 125 or 150 percent.

Every widget that does not set a font size of its own follows the application font, so scaling it
scales the whole window (and the dialogs it opens); widgets that size themselves from their text
(the form's lists and tables) re-measure on the FontChange event. The choice is the setting
``text_scale`` (core/settings.py), applied when the window is made and whenever it is changed.
"""
from __future__ import annotations

import contextlib

from PySide6.QtGui import QAction, QActionGroup, QFont
from PySide6.QtWidgets import QApplication, QMenu

from core.i18n import N_, _
from core.settings import TEXT_SCALES, Settings
from ui.language import follow_language

_base_font: dict[int, QFont] = {}      # the application's font before the first scaling

MSG_VIEW_MENU = N_("视图(&V)")
MSG_TEXT_SIZE = N_("字号")
SIZE_NAMES = {100: N_("标准字号（100%）"), 125: N_("大字号（125%）"), 150: N_("特大字号（150%）")}


def apply_text_scale(percent: int, app: QApplication | None = None) -> None:
    """Scale the application font to `percent` of the font it had before the first scaling."""
    app = app or QApplication.instance()
    base = _base_font.get(id(app))
    if base is None:
        base = _base_font[id(app)] = QFont(app.font())
    font = app.font()          # the current families (the bundled CJK fallback) stay
    if base.pointSizeF() > 0:
        font.setPointSizeF(base.pointSizeF() * percent / 100)
    else:                      # a pixel-sized system font
        font.setPixelSize(round(base.pixelSize() * percent / 100))
    app.setFont(font)
    # WORKAROUND: a widget with a style sheet of its own (the form, the warning bar) keeps the font
    # it was polished with when the application font changes, and so do its children; setting
    # the same sheet again polishes them afresh from the new font.
    for widget in app.allWidgets():
        sheet = widget.styleSheet()
        if sheet:
            widget.setStyleSheet(sheet)


class TextSizeMenu:
    """视图 → 字号 → 标准 / 大 / 特大, one ticked; a choice is applied at once and kept in settings."""

    def __init__(self, menu_bar, settings: Settings, changed=None):
        self.settings = settings
        self.changed = changed          # called after a new size is applied (re-measure layouts)
        self.menu: QMenu = menu_bar.addMenu("")
        self.size_menu = self.menu.addMenu("")
        self.group = QActionGroup(self.menu)
        self.actions: dict[int, QAction] = {}
        for percent in TEXT_SCALES:
            action = self.size_menu.addAction("")
            action.setCheckable(True)
            action.triggered.connect(lambda _checked=False, p=percent: self.choose(p))
            self.group.addAction(action)
            self.actions[percent] = action
        self.actions[settings.get("text_scale")].setChecked(True)
        follow_language(self.menu, lambda: self.retranslate())   # a method of this, not of the menu
        self.retranslate()

    def retranslate(self) -> None:
        self.menu.setTitle(_(MSG_VIEW_MENU))
        self.size_menu.setTitle(_(MSG_TEXT_SIZE))
        for percent, action in self.actions.items():
            action.setText(_(SIZE_NAMES[percent]))

    def choose(self, percent: int) -> None:
        with contextlib.suppress(ValueError):
            self.settings.set("text_scale", percent)
        self.actions[percent].setChecked(True)
        apply_text_scale(percent)
        if self.changed is not None:
            self.changed()
