"""What the user hands us: a file they named (a profile, a measures pack, a key), read safely, and
text they typed, made printable.

A path can name anything: a FIFO blocks ``open`` and ``read`` forever, ``/dev/zero`` or
``/dev/urandom`` never end, a folder cannot be read. So the file is opened without blocking
(``O_NONBLOCK``: a FIFO with no writer opens at once instead of waiting), checked with ``fstat`` on
the open descriptor (no race between the check and the read) to be a regular file, and read no
further than its limit plus one byte, whatever size the file claims. The limits are documented
(docs/profile-format.md, docs/packs.md) and named in the message.

Plain Python: the window, the kiosk and the command line all use it.
"""
from __future__ import annotations

import errno
import os
import re
import stat

__all__ = ["UserFileError", "read_user_file", "open_regular", "limit_text", "PROFILE_MAX_BYTES",
           "LONE_SURROGATE", "printable_text"]

# A lone UTF-16 surrogate: JSON can write one ("\\ud800") and Python keeps it in a str, but it is no
# character and UTF-8 cannot encode it. The profile refuses it (core.profile); writers replace any
# that reach them from elsewhere (printable_text) rather than fail.
LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def printable_text(text: str) -> str:
    """``text`` with every lone surrogate replaced by U+FFFD (�), so that it can be written."""
    return LONE_SURROGATE.sub("\ufffd", text)

PROFILE_MAX_BYTES = 5 * 1024 * 1024        # a real profile is a few KB; 5 MB leaves room for long lists

_READ_FLAGS = (os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
               | getattr(os, "O_BINARY", 0))


class UserFileError(Exception):
    """Why a user's file cannot be read: ``kind`` is missing, folder, special, too_large or os."""

    def __init__(self, kind: str, message: str, message_zh: str):
        super().__init__(message_zh)
        self.kind = kind
        self.message = message          # short English
        self.message_zh = message_zh    # the same for the user

    def __str__(self) -> str:
        return self.message_zh


def limit_text(limit: int) -> str:
    """A byte limit as people write it: 5 MB, 128 MB, 64 KB."""
    if limit >= 1024 * 1024 and limit % (1024 * 1024) == 0:
        return f"{limit // (1024 * 1024)} MB"
    if limit >= 1024 and limit % 1024 == 0:
        return f"{limit // 1024} KB"
    return f"{limit} 字节"


def _os_reason_zh(exc: OSError) -> str:
    return {errno.EACCES: "没有权限", errno.EPERM: "没有权限", errno.ENAMETOOLONG: "文件名过长",
            errno.ENOTDIR: "路径中有一部分不是文件夹", errno.ELOOP: "符号链接循环"}.get(
        exc.errno or -1, exc.strerror or type(exc).__name__)


def open_regular(path: str | os.PathLike) -> int:
    """A read-only descriptor of ``path``, which must be an existing regular file (a symlink to
    one is fine); UserFileError otherwise. Never blocks on a FIFO or a device."""
    shown = os.fspath(path)
    try:
        fd = os.open(path, _READ_FLAGS)
    except FileNotFoundError:
        raise UserFileError("missing", f"file not found: {shown}", f"找不到文件：{shown}") from None
    except IsADirectoryError:
        raise UserFileError("folder", f"is a folder, not a file: {shown}",
                            f"这是一个文件夹，不是文件：{shown}") from None
    except OSError as exc:
        if exc.errno == errno.ENXIO:     # a socket, or a FIFO opened for writing only
            raise _special(shown) from None
        raise UserFileError("os", f"cannot read {shown}: {exc.strerror or exc}",
                            f"无法读取 {shown}：{_os_reason_zh(exc)}") from None
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise UserFileError("folder", f"is a folder, not a file: {shown}",
                                f"这是一个文件夹，不是文件：{shown}")
        if not stat.S_ISREG(mode):
            raise _special(shown)
    except BaseException:
        os.close(fd)
        raise
    return fd


def _special(shown: str) -> UserFileError:
    return UserFileError("special", f"not a regular file (a device, pipe or socket): {shown}",
                         f"{shown} 不是普通文件（而是设备、管道或套接字），不能读取")


def read_user_file(path: str | os.PathLike, limit: int) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes; UserFileError otherwise."""
    shown = os.fspath(path)
    fd = open_regular(path)
    try:
        with os.fdopen(fd, "rb") as handle:
            data = handle.read(limit + 1)       # never more, whatever size the file claims
    except OSError as exc:
        raise UserFileError("os", f"cannot read {shown}: {exc.strerror or exc}",
                            f"无法读取 {shown}：{_os_reason_zh(exc)}") from None
    if len(data) > limit:
        raise UserFileError("too_large", f"file is larger than the limit of {limit_text(limit)}: {shown}",
                            f"文件过大：{shown} 超过了 {limit_text(limit)} 的上限")
    return data
