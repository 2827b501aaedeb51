"""Per-user folders and the one typed registry of settings.

Folders. ``data_dir()`` holds the user's own work (the local profile store); ``config_dir()`` holds
``settings.json``. Each is chosen, first match wins, from:

1. the environment: ``GREENMEASURES_DATA_DIR`` / ``GREENMEASURES_CONFIG_DIR`` (tests, admins);
2. portable mode: a file ``portable.txt`` next to the program (the ``.exe`` when frozen, else
   ``main.py``), or ``GREENMEASURES_PORTABLE=1`` — then both are ``<program folder>/data``, so a
   copy on a USB stick carries its settings and drafts with it and leaves nothing on the PC;
   ``GREENMEASURES_PORTABLE=0`` turns portable mode off even when the file is there;
3. a default from the caller (the window may compute one with ``QStandardPaths``; core imports no Qt);
4. the platform's places, the same ones ``QStandardPaths`` gives for ``AppDataLocation`` and
   ``AppConfigLocation``: on Windows ``%APPDATA%\\GreenMeasures`` (data, roams with the user) and
   ``%LOCALAPPDATA%\\GreenMeasures`` (config: window geometry belongs to this machine's screens);
   on Linux the XDG folders ``~/.local/share/greenmeasures`` and ``~/.config/greenmeasures``.

Settings. Every option is declared once in ``OPTIONS`` with its type, default, allowed values and
a translatable title (MusicBrainz Picard's ``picard/options.py`` pattern). ``Settings`` reads
``settings.json`` without ever failing: a wrong value falls back to the default and is reported in
``problems``; keys this version does not know are kept and written back (a newer version's settings
survive a round trip through an older one). ``save()`` writes atomically.

Plain Python, no Qt.
"""
from __future__ import annotations

import base64
import binascii
import json
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.problems import Problem

__all__ = [
    "APP_NAME", "SETTINGS_FILE", "PORTABLE_MARKER", "Option", "OPTIONS", "Settings", "SettingsError",
    "app_dir", "is_portable", "data_dir", "config_dir", "settings_path", "titles",
]

APP_NAME = "GreenMeasures"
SETTINGS_FILE = "settings.json"
PORTABLE_MARKER = "portable.txt"
PORTABLE_FOLDER = "data"

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def N_(message: str) -> str:
    """Mark a string for extraction (Babel's default keywords include N_); translate when shown."""
    return message


# ---------------------------------------------------------------------------------------------
# folders

def app_dir() -> Path:
    """The folder the program runs from: the executable's when frozen, else the one with main.py."""
    if getattr(sys, "frozen", False):
        return Path(sys.executable).resolve().parent
    import core  # the source tree: main.py sits beside the core package
    return Path(next(iter(core.__path__))).resolve().parent


def is_portable(app: Path | None = None) -> bool:
    """Portable mode: GREENMEASURES_PORTABLE=1/0 decides; otherwise portable.txt beside the program."""
    flag = os.environ.get("GREENMEASURES_PORTABLE", "").strip().lower()
    if flag in _TRUE:
        return True
    if flag in _FALSE:
        return False
    return ((app or app_dir()) / PORTABLE_MARKER).is_file()


def _override(variable: str) -> Path | None:
    value = os.environ.get(variable)
    return Path(value).expanduser() if value else None


def _home_subdir(variable: str, *fallback: str) -> Path:
    value = os.environ.get(variable)
    return Path(value) if value else Path.home().joinpath(*fallback)


def data_dir(default: str | os.PathLike | None = None) -> Path:
    """Where the user's own work lives (the profile store). Not created here."""
    override = _override("GREENMEASURES_DATA_DIR")
    if override is not None:
        return override
    if is_portable():
        return app_dir() / PORTABLE_FOLDER
    if default:
        return Path(default)
    if sys.platform == "win32":
        return _home_subdir("APPDATA", "AppData", "Roaming") / APP_NAME
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / APP_NAME
    return _home_subdir("XDG_DATA_HOME", ".local", "share") / APP_NAME.lower()


def config_dir(default: str | os.PathLike | None = None) -> Path:
    """Where settings.json lives. Not created here."""
    override = _override("GREENMEASURES_CONFIG_DIR")
    if override is not None:
        return override
    if is_portable():
        return app_dir() / PORTABLE_FOLDER
    if default:
        return Path(default)
    if sys.platform == "win32":
        return _home_subdir("LOCALAPPDATA", "AppData", "Local") / APP_NAME
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Preferences" / APP_NAME
    return _home_subdir("XDG_CONFIG_HOME", ".config") / APP_NAME.lower()


def settings_path(default_config_dir: str | os.PathLike | None = None) -> Path:
    return config_dir(default_config_dir) / SETTINGS_FILE


# ---------------------------------------------------------------------------------------------
# the registry

@dataclass(frozen=True)
class Option:
    """One setting: its name in settings.json, Python type, default and title (for the UI)."""
    name: str
    type: type                      # bool, int, str or bytes (bytes are stored as base64 text)
    default: Any
    title: str                      # marked with N_; translate with the i18n module when shown
    choices: tuple = ()             # allowed values, when the option is a closed list
    minimum: int | None = None
    maximum: int | None = None

    def check(self, value: Any) -> str | None:
        """None when ``value`` is allowed, else why not (English, naming the option)."""
        if self.type is int:
            ok = isinstance(value, int) and not isinstance(value, bool)
        elif self.type is bytes:
            ok = isinstance(value, (bytes, bytearray))
        else:
            ok = type(value) is self.type
        if not ok:
            return f"setting {self.name!r} must be {_TYPE_WORDS[self.type][0]}, got {_show(value)}"
        if self.choices and value not in self.choices:
            return (f"setting {self.name!r} must be one of {', '.join(map(str, self.choices))}, "
                    f"got {_show(value)}")
        if self.minimum is not None and value < self.minimum:
            return f"setting {self.name!r} must be ≥ {self.minimum}, got {value}"
        if self.maximum is not None and value > self.maximum:
            return f"setting {self.name!r} must be ≤ {self.maximum}, got {value}"
        return None

    def to_json(self, value: Any) -> Any:
        return base64.b64encode(bytes(value)).decode("ascii") if self.type is bytes else value

    def from_json(self, raw: Any) -> Any:
        """The value a JSON value stands for; ValueError when it is not a valid one."""
        if self.type is bytes:
            if not isinstance(raw, str):
                raise ValueError(f"setting {self.name!r} must be base64 text, got {_show(raw)}")
            try:
                value = base64.b64decode(raw.encode("ascii"), validate=True)
            except (binascii.Error, UnicodeEncodeError):
                raise ValueError(f"setting {self.name!r} is not valid base64 text") from None
        else:
            value = raw
        reason = self.check(value)
        if reason:
            raise ValueError(reason)
        return value


_TYPE_WORDS = {bool: ("true or false", "true 或 false"), int: ("a whole number", "整数"),
               str: ("text", "文字"), bytes: ("bytes", "字节")}


def _show(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False) if isinstance(value, (str, int, float, bool, type(None))) \
        else type(value).__name__
    return text if len(text) <= 60 else text[:59] + "…"


LANGUAGES = ("zh-Hans", "zh-Hant", "zh-Hant-TW")
MONEY_UNITS = ("yuan", "wan")
# The window's text size, in percent of the system font (menu 视图 → 字号): 100, 125 or 150.
TEXT_SCALES = (100, 125, 150)

OPTIONS: dict[str, Option] = {o.name: o for o in (
    Option("language", str, "zh-Hans", N_("界面语言"), choices=LANGUAGES),
    Option("money_unit", str, "wan", N_("金额单位（元 / 万元）"), choices=MONEY_UNITS),
    Option("window_geometry", bytes, b"", N_("窗口位置与大小")),
    Option("work_splitter", bytes, b"", N_("表单与结果的分隔位置")),
    Option("project_splitter", bytes, b"", N_("项目列表与项目表单的分隔位置")),
    Option("form_mode", str, "guided", N_("填写方式（引导填写 / 完整表单）"), choices=("guided", "form")),
    Option("text_scale", int, 100, N_("字号（百分比）"), choices=TEXT_SCALES),
    Option("recent_limit", int, 10, N_("最近打开的档案显示条数"), minimum=0, maximum=100),
    Option("autosave_seconds", int, 30, N_("自动保存草稿间隔（秒，0 为不自动保存）"),
           minimum=0, maximum=3600),
    Option("kiosk", bool, False, N_("自助终端模式")),
    Option("kiosk_idle_seconds", int, 120, N_("自助终端无操作后清空的等待时间（秒）"),
           minimum=10, maximum=86400),
    Option("kiosk_printer", str, "", N_("自助终端打印机")),
    Option("kiosk_district", str, "", N_("自助终端所在辖区")),
    Option("kiosk_pin_hash", str, "", N_("自助终端管理密码（散列）")),
    Option("stale_after_days", int, 365, N_("措施数据超过多少天提示更新"), minimum=1, maximum=3650),
    # = core.engine.expiring.DEFAULT_EXPIRING_DAYS (not imported: the settings load before the engine)
    Option("expiring_days", int, 90, N_("可申请措施在多少天内到期时提示"), minimum=0, maximum=3650),
    # the client book's folders of profiles, one absolute path a line (ui/client_book.py)
    Option("client_folders", str, "", N_("客户台账的档案文件夹")),
)}


class SettingsError(Exception):
    """settings.json could not be written; ``problem`` says why, in English and Chinese."""

    def __init__(self, problem: Problem):
        self.problem = problem
        super().__init__(str(problem))


class Settings:
    """The values of every option in ``OPTIONS``, read from and saved to ``settings.json``.

    ``Settings()`` reads ``config_dir()/settings.json``; a missing file gives the defaults. Nothing
    in the file can make this fail: each problem (unreadable file, bad JSON, wrong type, unknown
    key) is a :class:`Problem` in ``problems`` and the affected option keeps its default.
    """

    def __init__(self, path: str | os.PathLike | None = None, *,
                 default_config_dir: str | os.PathLike | None = None,
                 options: dict[str, Option] | None = None):
        self.path = Path(os.fspath(path)) if path is not None else settings_path(default_config_dir)
        self.options = OPTIONS if options is None else options
        self._values: dict[str, Any] = {name: o.default for name, o in self.options.items()}
        self._unknown: dict[str, Any] = {}        # kept and written back, never interpreted
        self._unreadable = False                  # the file exists but is not settings JSON
        self.problems: list[Problem] = []
        self._load()

    # -- reading ------------------------------------------------------------------------------
    def _problem(self, path: str, message: str, message_zh: str) -> None:
        self.problems.append(Problem(path, message, message_zh))

    def _load(self) -> None:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return
        except OSError as exc:
            self._unreadable = True
            self._problem("(file)", f"cannot read {self.path}: {exc.strerror or exc}; using defaults",
                          f"无法读取设置文件 {self.path}（{exc.strerror or exc}），已使用默认设置")
            return
        try:
            data = json.loads(raw.decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
            self._unreadable = True
            self._problem("(file)", f"{self.path} is not valid JSON ({exc}); using defaults, "
                          "the file is kept as settings.json.broken on the next save",
                          f"设置文件 {self.path} 不是有效的 JSON，已使用默认设置；"
                          "下次保存时原文件改名为 settings.json.broken 保留")
            return
        if not isinstance(data, dict):
            self._unreadable = True
            self._problem("(root)", "settings must be a JSON object {…}; using defaults",
                          "设置文件应为 JSON 对象 {…}，已使用默认设置")
            return
        for key, raw_value in data.items():
            option = self.options.get(key)
            if option is None:
                self._unknown[key] = raw_value
                self._problem(key, "unknown setting, ignored (kept in the file)",
                              f"未知的设置项 {key}，已忽略（文件中保留）")
                continue
            try:
                self._values[key] = option.from_json(raw_value)
            except ValueError as exc:
                self._problem(key, f"{exc}; using the default {_show(option.to_json(option.default))}",
                              f"设置项 {key} 的值 {_show(raw_value)} 无效，已使用默认值 "
                              f"{_show(option.to_json(option.default))}")

    # -- values -------------------------------------------------------------------------------
    def option(self, name: str) -> Option:
        try:
            return self.options[name]
        except KeyError:
            raise KeyError(f"no setting named {name!r}") from None

    def get(self, name: str) -> Any:
        self.option(name)
        return self._values[name]

    def __getitem__(self, name: str) -> Any:
        return self.get(name)

    def set(self, name: str, value: Any) -> None:
        """Change a value in memory; ValueError naming the option when the value is not allowed."""
        option = self.option(name)
        reason = option.check(value)
        if reason:
            raise ValueError(reason)
        self._values[name] = bytes(value) if option.type is bytes else value

    def reset(self, name: str) -> None:
        self._values[name] = self.option(name).default

    def as_dict(self) -> dict[str, Any]:
        return dict(self._values)

    # -- writing ------------------------------------------------------------------------------
    def to_json(self) -> dict[str, Any]:
        out = {name: o.to_json(self._values[name]) for name, o in self.options.items()}
        out.update(self._unknown)
        return out

    def save(self) -> None:
        """Write settings.json atomically; SettingsError (never a half-written file) on failure."""
        payload = (json.dumps(self.to_json(), ensure_ascii=False, indent=2) + "\n").encode("utf-8")
        try:
            if self._unreadable and self.path.is_file():
                # Loses nothing: a hand-edited file we could not read is set aside, not overwritten.
                os.replace(self.path, self.path.with_name(self.path.name + ".broken"))
            # Here, not at the top: core.atomic imports secrets (hmac, random), which the window's
            # first paint, reading its settings, does not need.
            from core.atomic import atomic_write_bytes
            atomic_write_bytes(self.path, payload, make_folder=True)
        except OSError as exc:
            raise SettingsError(Problem("(file)", f"cannot write {self.path}: {exc.strerror or exc}",
                                        f"无法保存设置到 {self.path}：{exc.strerror or exc}")) from None
        self._unreadable = False


def titles(translate: Callable[[str], str] = lambda s: s) -> dict[str, str]:
    """Option titles for a settings dialog, passed through the caller's translation function."""
    return {name: translate(o.title) for name, o in OPTIONS.items()}
