"""What the command-line modules share (core.cli, core.pack_cli): exit statuses, the date argument,
reading the profile and checking where a file is written. No Qt here, and no import of either
command module, so that neither imports the other back.
"""
from __future__ import annotations

import argparse
import datetime as dt
import errno
import os
import stat
from collections.abc import Iterable
from pathlib import Path
from typing import TextIO

EXIT_OK, EXIT_USAGE, EXIT_DATA = 0, 2, 3


def parse_date(text: str) -> dt.date:
    """argparse type for YYYY-MM-DD that names the rule when it is broken (strictly that shape:
    not 2024-W01-1 or 20240101, which Python's own parser also takes)."""
    from core.profile import parse_strict_date, shorten

    day = parse_strict_date(text)
    if day is None:
        raise argparse.ArgumentTypeError(
            f"must be a real calendar date written YYYY-MM-DD, got {shorten(text)!r}"
            f"（日期必须是真实存在的日期，写作 YYYY-MM-DD）")
    return day


def load_profile_or_report(path: str, err: TextIO) -> dict | None:
    """The validated profile, or None after printing one line per problem."""
    from core.profile import ProfileError, load_profile
    try:
        return load_profile(path)
    except ProfileError as exc:
        for problem in exc.problems:
            err.write(f"{problem}\n")
        return None


def output_problem(target: Path, example: str = "申请材料清单.pdf",
                   inputs: Iterable[str | os.PathLike] = ()) -> str | None:
    """Why a file cannot be written at `target` (checked before any work), or None.

    Only a new file or an existing regular file is replaced: a symlink or a device would be
    swapped for a regular file by the atomic rename, and an input of the same command (the
    profile being read) would be destroyed.
    """

    try:
        try:
            info = os.lstat(target)
        except (FileNotFoundError, NotADirectoryError):      # the folder is checked below
            info = None
        if info is not None and stat.S_ISDIR(info.st_mode):
            return f"{target} 是文件夹，请给出文件名（例如 {target / example}）"
        if info is not None and stat.S_ISLNK(info.st_mode):
            return f"{target} 是符号链接：不会替换它，请给出普通文件的路径"
        if info is not None and not stat.S_ISREG(info.st_mode):
            return f"{target} 不是普通文件（而是设备、管道或套接字），不会覆盖它"
        for source in inputs:
            if info is not None and os.path.exists(source) and os.path.samefile(target, source):
                return f"{target} 就是要读取的输入文件 {source}：请给出另一个输出文件名，以免覆盖它"
        folder = target.parent
        if not folder.is_dir():
            return f"文件夹 {folder} 不存在"
        if not os.access(folder, os.W_OK):
            return f"没有写入文件夹 {folder} 的权限"
    except OSError as exc:
        return write_problem(target, exc)
    return None


def write_problem(target: Path, exc: OSError) -> str:
    """A write failure in words (the name too long, no permission …)."""
    from core.profile import shorten

    shown = shorten(str(target), 80)
    if exc.errno == errno.ENAMETOOLONG:
        return f"文件名过长：{shown}（文件系统对单个文件名的长度有上限，通常为 255 字节）"
    reason = {errno.EACCES: "没有权限", errno.EPERM: "没有权限", errno.ENOSPC: "磁盘空间不足",
              errno.EROFS: "只读的文件系统", errno.ENOTDIR: "路径中有一部分不是文件夹",
              errno.EISDIR: "这是一个文件夹"}.get(exc.errno or -1)
    system = exc.strerror or str(exc)       # the system's words too, for whoever looks it up
    return f"无法写入 {shown}：{reason}（{system}）" if reason else f"无法写入 {shown}：{system}"
