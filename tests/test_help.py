"""Issue 16 item 7: the 帮助 menu — the offline user guide and 关于 — in both scripts."""
from __future__ import annotations

import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from core import about
from core.engine.report import STATUS_TITLES
from core.i18n import _, set_language
from core.profile_store import ProfileStore
from core.settings import Settings
from tests.dialogs import close_main_window, refuse_modal_dialogs

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def no_unexpected_dialogs(monkeypatch):
    refuse_modal_dialogs(monkeypatch, ("ui.main_window",))


@pytest.fixture()
def window(qtbot, bundled_db, tmp_path):
    from ui.main_window import MainWindow
    store = ProfileStore(tmp_path / "profiles.db")
    w = MainWindow(bundled_db, Settings(tmp_path / "settings.json"), store)
    w.show()
    yield w
    close_main_window(w, store)


def test_the_guide_explains_filling_in_statuses_and_data(window, bundled_db):
    guide = window.help_menu.show_guide()
    assert guide.isVisible() and guide.windowTitle() == "使用说明"
    text = guide.browser.toPlainText()
    for words in ("怎样填写", "新建档案", "添加项目", "Tab", "数据来源", "审核单位"):
        assert words in text
    for title in STATUS_TITLES.values():          # the statuses as the results name them
        assert title in text
    assert "逐条核对" in text                       # 可申请: every stated condition was checked
    assert bundled_db.release.version in text and bundled_db.release.date.isoformat()[:4] in text
    assert "{{" not in text


def test_the_guide_in_traditional_taiwan(window, bundled_db):
    set_language("zh-Hant-TW")
    guide = window.help_menu.show_guide()
    text = guide.browser.toPlainText()
    assert guide.windowTitle() == "使用說明"
    assert "怎樣填寫" in text and "審核單位" in text and "統一社會信用代碼" in text
    assert "資訊" in text                          # phrase-level: 信息 → 資訊
    assert "数据" not in text and "说明" not in text
    assert bundled_db.release.version in text


def test_f1_opens_the_guide(window, qtbot):
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_F1)
    assert window.help_menu.guide is not None and window.help_menu.guide.isVisible()


def test_about_names_version_data_font_and_library_licences(window, bundled_db):
    with open(ROOT / "pyproject.toml", "rb") as f:
        version = tomllib.load(f)["project"]["version"]
    dialog = window.help_menu.show_about()
    text = dialog.browser.toPlainText()
    assert about.app_version() == version
    assert f"程序版本：{version}" in text
    assert bundled_db.release.version in text
    assert "WenQuanYi Micro Hei" in text and "Apache License 2.0" in text and "0.2.0-beta" in text
    for name in ("PySide6-Essentials", "reportlab", "Babel", "OpenCC", "sqlite-utils"):
        assert name in text
    assert "LGPL-3.0-only" in text and "BSD-3-Clause" in text and "Apache-2.0" in text
    set_language("zh-Hant")
    assert dialog.windowTitle() == "關於綠策通"
    assert "程序版本" in dialog.browser.toPlainText() or "程式版本" in dialog.browser.toPlainText()


def test_licences_come_from_the_installed_metadata():
    """The fallback table says what the metadata says (a frozen build may lack the metadata)."""
    for component in about.library_licences():
        meta = metadata.metadata(component.name)
        assert component.licence == about.licence_of(meta) == about.STATED_LICENCES[component.name]
        assert component.version == meta["Version"]


def test_the_menu_follows_the_language(window):
    assert window.help_menu.menu.title() == "帮助(&H)"
    set_language("zh-Hant-TW")
    assert window.help_menu.menu.title() == _("帮助(&H)") == "幫助(&H)"
    assert window.help_menu.about_action.text() == "關於綠策通"


def test_licence_of_prefers_a_short_name_to_a_whole_notice():
    from email.message import Message
    notice = Message()
    notice["License"] = "BSD license (see license.txt for details), Copyright (c) 2000-2024"
    notice["Classifier"] = "License :: OSI Approved :: BSD License"
    assert about.licence_of(notice) == "BSD License"
    short = Message()
    short["License"] = "Apache License 2.0"
    short["Classifier"] = "License :: OSI Approved :: Apache Software License"
    assert about.licence_of(short) == "Apache License 2.0"
    spdx = Message()
    spdx["License-Expression"] = "Apache-2.0"
    spdx["License"] = "whatever"
    assert about.licence_of(spdx) == "Apache-2.0"
