"""Command-line commands (see shared/contract/cli.md). No Qt here: they must run with no display.

Every command returns an exit status; user errors print one clear line each on stderr and never
a traceback (main.py catches what slips through).
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path
from typing import TextIO

from core.cli_shared import (
    EXIT_OK,
    EXIT_USAGE,
    load_profile_or_report,
    output_problem,
    parse_date,
    write_problem,
)
from core.measures.installed import open_in_use  # the bundled data or a newer imported pack
from core.measures.store import EXPIRED, IN_FORCE, NOT_YET, MeasuresDB

STATE_LABELS = {IN_FORCE: "有效", EXPIRED: "已失效", NOT_YET: "未生效"}
LEVEL_LABELS = {"municipal": "市级", "district": "区级"}


def add_measures_command(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("measures", help="list the measures in the bundled database")
    p.add_argument("--search", metavar="TEXT", help="only measures whose text contains TEXT")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--as-of", type=parse_date, metavar="YYYY-MM-DD",
                   help="date for the in-force state (default: today)")
    p.set_defaults(run=run_measures)


def add_check_command(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("check", help="check a profile against every measure")
    p.add_argument("profile", metavar="PROFILE.json", help="profile file (greenmeasures.profile/1)")
    p.add_argument("--as-of", type=parse_date, metavar="YYYY-MM-DD",
                   help="evaluate as of this date (default: today)")
    p.add_argument("--json", action="store_true", help="print one JSON object (see docs/cli.md)")
    p.set_defaults(run=run_check)


LANGUAGES = ("zh-Hans", "zh-Hant", "zh-Hant-TW")


def add_checklist_command(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("checklist", help="write the application checklist as a PDF")
    p.add_argument("profile", metavar="PROFILE.json", help="profile file (greenmeasures.profile/1)")
    p.add_argument("--out", required=True, metavar="FILE.pdf", help="the PDF to write (replaced atomically)")
    p.add_argument("--lang", choices=LANGUAGES, default="zh-Hans",
                   help="zh-Hans (简体), zh-Hant (繁體, Hong Kong), zh-Hant-TW (繁體, Taiwan)")
    p.add_argument("--as-of", type=parse_date, metavar="YYYY-MM-DD",
                   help="evaluate as of this date (default: today)")
    p.set_defaults(run=run_checklist)


def open_database(err: TextIO) -> MeasuresDB:
    """The database in use; a repaired or in-memory measures cache is said once, on stderr."""
    db = open_in_use()
    if db.notice is not None:
        err.write(f"注意：{db.notice.text()}\n")
    return db


def engine_for(db: MeasuresDB):
    from core.engine.evaluate import Engine
    return Engine.for_database(db)


def run_checklist(args: argparse.Namespace, out: TextIO | None = None,
                  db: MeasuresDB | None = None) -> int:
    from core.checklist.model import build_checklist
    from core.checklist.pdf import write_checklist

    out, err = out or sys.stdout, sys.stderr
    profile = load_profile_or_report(args.profile, err)
    if profile is None:
        return EXIT_USAGE
    target = Path(args.out)
    problem = output_problem(target, inputs=[args.profile])
    if problem:
        err.write(f"--out: {problem}\n")
        return EXIT_USAGE
    evaluation = engine_for(db or open_database(err)).evaluate(profile, args.as_of or dt.date.today())
    checklist = build_checklist(evaluation, profile)
    try:
        pages = write_checklist(checklist, target, args.lang)
    except OSError as exc:
        err.write(f"--out: {write_problem(target, exc)}\n")
        return EXIT_USAGE
    if checklist.entries:
        out.write(f"已写入 {target}：{len(checklist.entries)} 项措施，{len(checklist.documents)} 种材料，"
                  f"共 {pages} 页。\n")
    else:
        out.write(f"已写入 {target}：评估日没有可列入推荐组合的措施，清单只有说明页。\n")
    return EXIT_OK


def run_check(args: argparse.Namespace, out: TextIO | None = None,
              db: MeasuresDB | None = None) -> int:
    from core.engine.report import to_json, to_text

    out, err = out or sys.stdout, sys.stderr
    profile = load_profile_or_report(args.profile, err)
    if profile is None:
        return EXIT_USAGE
    evaluation = engine_for(db or open_database(err)).evaluate(profile, args.as_of or dt.date.today())
    if args.json:
        json.dump(to_json(evaluation), out, ensure_ascii=False, indent=2)
        out.write("\n")
    else:
        out.write(to_text(evaluation, profile["company"].get("name")))
    return EXIT_OK


def run_measures(args: argparse.Namespace, out: TextIO | None = None,
                 db: MeasuresDB | None = None) -> int:
    out = out or sys.stdout   # looked up per call, so redirection works
    db = db or open_database(sys.stderr)
    on = args.as_of or dt.date.today()
    rows = db.search(args.search) if args.search else db.list_measures()
    if args.json:
        payload = {
            "database_version": db.version,
            "as_of": on.isoformat(),
            "count": len(rows),
            "measures": [{
                "id": m.id, "document": m.document, "clause": m.clause, "title": m.title,
                "level": m.level, "region": m.region, "kind": m.kind,
                "subject": m.subject, "discretionary": m.discretionary,
                "valid_from": m.valid_from, "valid_to": m.valid_to, "status": m.state(on),
            } for m in rows],
        }
        json.dump(payload, out, ensure_ascii=False, indent=2)
        out.write("\n")
        return EXIT_OK
    if not rows:
        out.write(f"没有找到包含“{args.search}”的措施。\n")
        return EXIT_OK
    for m in rows:
        state = STATE_LABELS[m.state(on)]
        dates = f"{m.valid_from or '?'}～{m.valid_to or '?'}"
        out.write(f"{m.id:<24} {LEVEL_LABELS.get(m.level, m.level)} {state:<4} {dates}  {m.title}\n")
    out.write(f"共 {len(rows)} 条措施（数据库版本 {db.version}，状态按 {on.isoformat()} 计）。\n")
    return EXIT_OK


def add_pack_command(sub: argparse._SubParsersAction) -> None:
    """`pack build|verify|import|rollback|status`: signed offline measure updates (docs/packs.md)."""
    from core.pack_cli import add_pack_subcommands
    add_pack_subcommands(sub)


def add_kiosk_command(sub: argparse._SubParsersAction) -> None:
    """`kiosk set-pin`: the administrator provisions the kiosk PIN (docs/kiosk.md)."""
    from core.kiosk_cli import add_kiosk_subcommands
    add_kiosk_subcommands(sub)


def add_batch_command(sub: argparse._SubParsersAction) -> None:
    """`batch PATH... --xlsx OUT.xlsx`: many profiles, one workbook (core/batch_cli.py)."""
    from core.batch_cli import add_batch_command as add
    add(sub)
