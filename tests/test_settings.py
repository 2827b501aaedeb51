"""Per-user folders (environment, portable mode, platform defaults) and the typed settings registry."""
from __future__ import annotations

import base64
import json
import os
import sys
from pathlib import Path

import pytest

from core import settings as S
from core.atomic import atomic_write_bytes
from core.settings import (
    OPTIONS,
    Option,
    Settings,
    SettingsError,
    config_dir,
    data_dir,
    is_portable,
)

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture()
def no_overrides(monkeypatch, tmp_path):
    """No folder variables and a program folder without portable.txt."""
    for name in ("GREENMEASURES_DATA_DIR", "GREENMEASURES_CONFIG_DIR", "GREENMEASURES_PORTABLE"):
        monkeypatch.delenv(name, raising=False)
    app = tmp_path / "app"
    app.mkdir()
    monkeypatch.setattr(S, "app_dir", lambda: app)
    return app


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


# ---------------------------------------------------------------------------------------------
# folders

def test_environment_overrides_the_folders(tmp_path, monkeypatch):
    monkeypatch.setenv("GREENMEASURES_DATA_DIR", str(tmp_path / "d"))
    monkeypatch.setenv("GREENMEASURES_CONFIG_DIR", str(tmp_path / "c"))
    assert data_dir() == tmp_path / "d"
    assert config_dir() == tmp_path / "c"
    assert S.settings_path() == tmp_path / "c" / "settings.json"
    assert not (tmp_path / "d").exists()        # computing a folder creates nothing


def test_environment_beats_portable_mode(tmp_path, monkeypatch):
    monkeypatch.setenv("GREENMEASURES_PORTABLE", "1")
    monkeypatch.setenv("GREENMEASURES_DATA_DIR", str(tmp_path / "d"))
    assert data_dir() == tmp_path / "d"


def test_linux_defaults_follow_xdg(no_overrides, monkeypatch, tmp_path):
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "share"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "conf"))
    assert data_dir() == tmp_path / "share" / "greenmeasures"
    assert config_dir() == tmp_path / "conf" / "greenmeasures"
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.delenv("XDG_CONFIG_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert data_dir() == tmp_path / "home" / ".local" / "share" / "greenmeasures"
    assert config_dir() == tmp_path / "home" / ".config" / "greenmeasures"


def test_windows_defaults_match_qstandardpaths(no_overrides, monkeypatch, tmp_path):
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setenv("APPDATA", str(tmp_path / "Roaming"))
    monkeypatch.setenv("LOCALAPPDATA", str(tmp_path / "Local"))
    assert data_dir() == tmp_path / "Roaming" / "GreenMeasures"       # AppDataLocation
    assert config_dir() == tmp_path / "Local" / "GreenMeasures"       # AppConfigLocation


def test_a_default_from_the_caller_is_used_when_nothing_overrides(no_overrides, tmp_path):
    assert data_dir(tmp_path / "qt-data") == tmp_path / "qt-data"
    assert config_dir(str(tmp_path / "qt-config")) == tmp_path / "qt-config"


def test_portable_marker_file_puts_everything_beside_the_program(no_overrides, tmp_path):
    assert not is_portable()
    (no_overrides / "portable.txt").write_text("", encoding="utf-8")
    assert is_portable()
    assert data_dir(tmp_path / "ignored") == no_overrides / "data"
    assert config_dir() == no_overrides / "data"
    assert Settings().path == no_overrides / "data" / "settings.json"


def test_portable_environment_switch(no_overrides, monkeypatch):
    monkeypatch.setenv("GREENMEASURES_PORTABLE", "1")
    assert data_dir() == config_dir() == no_overrides / "data"
    (no_overrides / "portable.txt").write_text("", encoding="utf-8")
    monkeypatch.setenv("GREENMEASURES_PORTABLE", "0")        # an explicit no beats the file
    assert not is_portable()
    assert data_dir() != no_overrides / "data"


def test_program_folder_is_the_one_with_main_py():
    assert S.app_dir() == ROOT
    assert (S.app_dir() / "main.py").is_file()


def test_program_folder_when_frozen_is_the_executables(monkeypatch, tmp_path):
    exe = tmp_path / "dist" / "GreenMeasures.exe"
    exe.parent.mkdir()
    exe.write_bytes(b"")
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(exe))
    assert S.app_dir() == exe.parent.resolve()


# ---------------------------------------------------------------------------------------------
# the registry

def test_every_default_is_a_valid_value_and_every_option_has_a_title():
    for name, option in OPTIONS.items():
        assert option.name == name
        assert option.check(option.default) is None, name
        assert option.title
    assert set(OPTIONS) == {"language", "money_unit", "window_geometry", "work_splitter",
                            "project_splitter", "form_mode", "recent_limit",
                            "autosave_seconds", "kiosk", "kiosk_idle_seconds", "kiosk_printer",
                            "kiosk_district", "kiosk_pin_hash", "stale_after_days", "expiring_days",
                            "client_folders", "text_scale"}


def test_the_expiring_window_default_is_the_engine_default():
    from core.engine.expiring import DEFAULT_EXPIRING_DAYS
    assert OPTIONS["expiring_days"].default == DEFAULT_EXPIRING_DAYS == 90


def test_text_scale_takes_only_the_offered_sizes(tmp_path):
    path = tmp_path / "settings.json"
    path.write_text('{"text_scale": 175}', encoding="utf-8")
    s = Settings(path)
    assert s.get("text_scale") == 100 and [p.path for p in s.problems] == ["text_scale"]
    s.set("text_scale", 150)
    s.save()
    assert Settings(path).get("text_scale") == 150
    with pytest.raises(ValueError, match="text_scale"):
        s.set("text_scale", 120)


def test_defaults_without_a_file():
    s = Settings()
    assert s.path == config_dir() / "settings.json"
    assert s.problems == []
    assert s.get("language") == "zh-Hans"
    assert s.get("money_unit") == "wan"
    assert s.get("window_geometry") == b""
    assert s.get("recent_limit") == 10
    assert s.get("autosave_seconds") == 30
    assert s.get("kiosk") is False
    assert s.get("kiosk_idle_seconds") == 120
    assert s.get("kiosk_printer") == s.get("kiosk_district") == s.get("kiosk_pin_hash") == ""
    assert s.get("stale_after_days") == 365
    assert not config_dir().exists()          # reading settings writes nothing


def test_set_get_save_and_read_back():
    s = Settings()
    s.set("language", "zh-Hant-TW")
    s.set("money_unit", "yuan")
    s.set("window_geometry", b"\x01\xd9\xd0\xcb\x00\x03")
    s.set("recent_limit", 0)
    s.set("kiosk", True)
    s.set("kiosk_printer", "大厅打印机 1")
    s.save()
    again = Settings()
    assert again.problems == []
    assert again.as_dict() == s.as_dict()
    assert again["window_geometry"] == b"\x01\xd9\xd0\xcb\x00\x03"
    stored = json.loads(S.settings_path().read_text(encoding="utf-8"))
    assert stored["window_geometry"] == base64.b64encode(b"\x01\xd9\xd0\xcb\x00\x03").decode()
    assert stored["kiosk_printer"] == "大厅打印机 1"     # UTF-8, not \u escapes


@pytest.mark.parametrize("name, value", [
    ("language", "en"), ("language", 1), ("money_unit", "万元"), ("recent_limit", True),
    ("recent_limit", "10"), ("recent_limit", 1.0), ("recent_limit", -1), ("autosave_seconds", None),
    ("kiosk", 1), ("kiosk", "true"), ("kiosk_idle_seconds", 5), ("kiosk_printer", b"x"),
    ("window_geometry", "AdnQyw=="), ("stale_after_days", 0),
])
def test_set_refuses_a_wrong_value_naming_the_option(name, value):
    s = Settings()
    before = s.get(name)
    with pytest.raises(ValueError, match=repr(name)):
        s.set(name, value)
    assert s.get(name) == before


def test_unknown_option_names_are_key_errors():
    s = Settings()
    with pytest.raises(KeyError, match="colour"):
        s.get("colour")
    with pytest.raises(KeyError, match="colour"):
        s.set("colour", "green")


def test_wrong_values_in_the_file_fall_back_to_defaults_and_are_reported():
    path = S.settings_path()
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({
        "language": "zh-Hant", "money_unit": "dollars", "recent_limit": "twenty", "kiosk": 1,
        "autosave_seconds": 15, "kiosk_idle_seconds": 1, "window_geometry": "not base64!",
        "stale_after_days": None,
    }), encoding="utf-8")
    s = Settings()
    assert s.get("language") == "zh-Hant"            # good values are kept
    assert s.get("autosave_seconds") == 15
    assert s.get("money_unit") == "wan"
    assert s.get("recent_limit") == 10
    assert s.get("kiosk") is False
    assert s.get("kiosk_idle_seconds") == 120
    assert s.get("window_geometry") == b""
    assert s.get("stale_after_days") == 365
    reported = {p.path for p in s.problems}
    assert reported == {"money_unit", "recent_limit", "kiosk", "kiosk_idle_seconds", "window_geometry",
                        "stale_after_days"}
    for problem in s.problems:
        assert problem.path in problem.message and problem.path in problem.message_zh
        assert "默认值" in problem.message_zh


def test_unknown_keys_are_noted_and_kept_on_save():
    path = S.settings_path()
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"language": "zh-Hant", "from_a_newer_version": {"x": [1, 2]}}),
                    encoding="utf-8")
    s = Settings()
    assert [p.path for p in s.problems] == ["from_a_newer_version"]
    assert "unknown" in s.problems[0].message
    s.set("money_unit", "yuan")
    s.save()
    stored = json.loads(path.read_text(encoding="utf-8"))
    assert stored["from_a_newer_version"] == {"x": [1, 2]}
    assert stored["money_unit"] == "yuan" and stored["language"] == "zh-Hant"


@pytest.mark.parametrize("content", [b"{not json", b"\xff\xfe\x00garbage", b"[1, 2]", b"", b"null"])
def test_an_unreadable_file_gives_defaults_and_is_kept_aside_on_save(content):
    path = S.settings_path()
    path.parent.mkdir(parents=True)
    path.write_bytes(content)
    s = Settings()
    assert s.as_dict() == Settings(path.parent / "absent.json").as_dict()
    assert len(s.problems) == 1 and s.problems[0].path in ("(file)", "(root)")
    assert path.read_bytes() == content              # reading never rewrites
    s.save()
    assert (path.parent / "settings.json.broken").read_bytes() == content
    assert Settings().problems == []


def test_a_utf8_bom_is_accepted():
    path = S.settings_path()
    path.parent.mkdir(parents=True)
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps({"money_unit": "yuan"}).encode())
    s = Settings()
    assert s.problems == [] and s.get("money_unit") == "yuan"


def test_a_folder_in_place_of_the_file_is_a_problem_not_a_crash():
    S.settings_path().mkdir(parents=True)
    s = Settings()
    assert [p.path for p in s.problems] == ["(file)"]
    with pytest.raises(SettingsError):
        s.save()


def test_save_creates_the_folder_and_leaves_no_temp_files():
    s = Settings()
    s.save()
    folder = config_dir()
    assert sorted(p.name for p in folder.iterdir()) == ["settings.json"]
    s.set("recent_limit", 20)
    s.save()
    assert sorted(p.name for p in folder.iterdir()) == ["settings.json"]


def test_a_failed_save_keeps_the_old_file_and_removes_the_temp_file(monkeypatch):
    s = Settings()
    s.save()
    before = S.settings_path().read_bytes()

    def broken_replace(src, dst):
        raise PermissionError(13, "Permission denied", str(dst))

    monkeypatch.setattr(S.os, "replace", broken_replace)
    s.set("money_unit", "yuan")
    with pytest.raises(SettingsError) as caught:
        s.save()
    assert "无法保存设置" in caught.value.problem.message_zh
    assert S.settings_path().read_bytes() == before
    assert leftovers(config_dir()) == []


def test_a_failed_write_removes_the_temp_file(monkeypatch, tmp_path):
    target = tmp_path / "x.json"
    target.write_bytes(b"old")

    def broken_fsync(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(S.os, "fsync", broken_fsync)
    with pytest.raises(OSError):
        atomic_write_bytes(target, b"new")
    assert target.read_bytes() == b"old"
    assert leftovers(tmp_path) == []


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
def test_save_keeps_the_files_permissions():
    s = Settings()
    s.save()
    os.chmod(S.settings_path(), 0o600)
    s.set("kiosk", True)
    s.save()
    assert S.settings_path().stat().st_mode & 0o777 == 0o600


def test_a_custom_registry_is_possible():
    options = {"n": Option("n", int, 3, "n", minimum=1)}
    s = Settings(config_dir() / "other.json", options=options)
    s.set("n", 4)
    s.save()
    assert Settings(config_dir() / "other.json", options=options).get("n") == 4


def test_titles_go_through_the_callers_translation():
    shown = S.titles(lambda text: "«" + text + "»")
    assert shown["language"] == "«界面语言»"
