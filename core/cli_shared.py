"""What the command-line modules share (core.cli, core.pack_cli): exit statuses, the date argument,
reading the profile and checking where a file is written. No Qt here, and no import of either
command module, so that neither imports the other back.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
from pathlib import Path
from typing import TextIO

EXIT_OK, EXIT_USAGE, EXIT_DATA = 0, 2, 3


def parse_date(text: str) -> dt.date:
    """argparse type for YYYY-MM-DD that names the rule when it is broken."""
    try:
        if len(text) != 10:
            raise ValueError
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"must be a real calendar date written YYYY-MM-DD, got {text!r}") from None


def load_profile_or_report(path: str, err: TextIO) -> dict | None:
    """The validated profile, or None after printing one line per problem."""
    from core.profile import ProfileError, load_profile
    try:
        return load_profile(path)
    except ProfileError as exc:
        for problem in exc.problems:
            err.write(f"{problem}\n")
        return None


def output_problem(target: Path, example: str = "申请材料清单.pdf") -> str | None:
    """Why a file cannot be written at `target` (checked before any work), or None."""
    if target.is_dir():
        return f"{target} 是文件夹，请给出文件名（例如 {target / example}）"
    folder = target.parent
    if not folder.is_dir():
        return f"文件夹 {folder} 不存在"
    if not os.access(folder, os.W_OK):
        return f"没有写入文件夹 {folder} 的权限"
    return None
