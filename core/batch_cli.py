"""`python main.py batch PATH... --xlsx OUT.xlsx [--csv DIR] [--as-of YYYY-MM-DD] [--expiring-days N]`
(shared/contract/cli.md, docs/cli.md). No Qt.

Exit status: 0 when every profile found was checked; 2 when some could not be read (each problem
on stderr with its file and field, and in the workbook's 未能读取 sheet), when no profile was found,
or for a usage error. The workbook (and the CSV files) are written atomically whenever at least one
profile file was found; a target that cannot be written is reported before any checking.
"""
from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import TextIO

from core.cli_shared import EXIT_OK, EXIT_USAGE, output_problem, parse_date
from core.engine.expiring import DEFAULT_EXPIRING_DAYS

PROGRESS_EVERY = 10          # a line on stderr every this many profiles, in batches larger than it


def expiring_days(text: str) -> int:
    """argparse type for --expiring-days: a whole number of days, 0 to 3650."""
    try:
        value = int(text)
    except ValueError:
        value = -1
    if not 0 <= value <= 3650:
        raise argparse.ArgumentTypeError(f"须为 0 到 3650 之间的整数天数，填写的是 {text!r}")
    return value


def add_batch_command(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("batch", help="check many profiles and write one workbook (客户台账)")
    p.add_argument("paths", nargs="+", metavar="PATH",
                   help="a profile file, or a folder whose *.json files are profiles (not its sub-folders)")
    p.add_argument("--xlsx", required=True, metavar="OUT.xlsx",
                   help="the workbook to write (replaced atomically)")
    p.add_argument("--csv", metavar="DIR", help="also write summary.csv and one CSV per company into DIR")
    p.add_argument("--as-of", type=parse_date, metavar="YYYY-MM-DD",
                   help="evaluate as of this date (default: today)")
    p.add_argument("--expiring-days", type=expiring_days, default=DEFAULT_EXPIRING_DAYS, metavar="N",
                   help=f"list supports whose validity ends within N days (default {DEFAULT_EXPIRING_DAYS})")
    p.set_defaults(run=run_batch)


def _csv_problem(folder: Path) -> str | None:
    if folder.exists() and not folder.is_dir():
        return f"{folder} 不是文件夹"
    if not folder.exists():
        return output_problem(folder, "")
    return output_problem(folder / "summary.csv")


def run_batch(args: argparse.Namespace, out: TextIO | None = None, db=None) -> int:
    from core.batch import check_files, find_profiles
    from core.batch_export import write_csv, write_workbook
    from core.engine.evaluate import Engine
    from core.measures.installed import open_in_use

    out, err = out or sys.stdout, sys.stderr
    target = Path(args.xlsx)
    problem = output_problem(target, "客户台账.xlsx")
    if problem:
        err.write(f"--xlsx: {problem}\n")
        return EXIT_USAGE
    csv_folder = Path(args.csv) if args.csv else None
    if csv_folder is not None:
        problem = _csv_problem(csv_folder)
        if problem:
            err.write(f"--csv: {problem}\n")
            return EXIT_USAGE

    files, missing = find_profiles(args.paths)
    if not files:
        for u in missing:
            err.write(f"{u.line()}\n")
        err.write("没有找到档案：请给出档案文件（.json）或放有档案文件的文件夹。\n")
        return EXIT_USAGE

    def progress(done: int, all_: int) -> None:
        if all_ > PROGRESS_EVERY and (done % PROGRESS_EVERY == 0 or done == all_):
            err.write(f"已检查 {done}/{all_}\n")
            err.flush()

    # The engine of `check` (core.cli.engine_for), not imported from there: core.cli imports this.
    engine = Engine.for_database(db or open_in_use())
    batch = check_files(files, engine, args.as_of or dt.date.today(), expiring_days=args.expiring_days,
                        progress=progress, unreadable=missing)
    for u in batch.unreadable:
        err.write(f"{u.line()}\n")
    try:
        write_workbook(batch, target)
    except OSError as exc:
        err.write(f"--xlsx: 无法写入 {target}：{exc.strerror or exc}\n")
        return EXIT_USAGE
    if csv_folder is not None:
        try:
            write_csv(batch, csv_folder)
        except OSError as exc:
            err.write(f"--csv: 无法写入 {csv_folder}：{exc.strerror or exc}\n")
            return EXIT_USAGE
    failed = len(batch.unreadable_files)
    out.write(f"已写入 {target}：{len(batch.companies)} 家企业"
              + (f"，{failed} 个档案未能读取（见“未能读取”表）" if failed else "")
              + (f"；CSV 已写入 {csv_folder}" if csv_folder is not None else "") + "。\n")
    return EXIT_USAGE if batch.unreadable else EXIT_OK
