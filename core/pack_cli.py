"""`main.py pack …`: build, verify, import and roll back signed measure packs (docs/packs.md).

Exit status: 0 done; 2 a usage problem (unreadable profile or key file, unwritable output);
3 the measures data does not validate (build); 4 the pack was refused (tampered, unknown key,
not newer, wrong format) or there is nothing to roll back. A refusal changes nothing.
"""
from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import getpass
import os
import sys
from pathlib import Path

EXIT_REFUSED = 4
PASSPHRASE_ENV = "GREENMEASURES_PACK_PASSPHRASE"


def add_pack_subcommands(sub: argparse._SubParsersAction) -> None:
    from core.cli_shared import parse_date

    p = sub.add_parser("pack", help="signed offline measure updates: build, verify, import, rollback")
    actions = p.add_subparsers(dest="pack_command", metavar="ACTION", required=True)

    a = actions.add_parser("build", help="compile the measures data and sign it into one pack file")
    a.add_argument("out", metavar="FILE.gmpack", help="the pack to write (replaced atomically)")
    a.add_argument("--key", required=True, metavar="PRIVATE.pem",
                   help=f"the publisher's Ed25519 signing key (passphrase: ${PASSPHRASE_ENV} or a prompt)")
    a.add_argument("--sources", metavar="DIR", type=Path,
                   help="folder with the measures YAML and release.json (default: the bundled data)")
    a.add_argument("--seeds", metavar="DIR", type=Path,
                   help="folder with the policy texts the data cites (default: the bundled seeds)")
    a.set_defaults(run=run_build)

    a = actions.add_parser("verify", help="check a pack's signature and contents; changes nothing")
    a.add_argument("file", metavar="FILE.gmpack")
    a.add_argument("--public-key", metavar="PUBLIC.pem", type=Path, action="append", default=[],
                   help="also accept this key (a publisher checking a pack made with a new key)")
    a.set_defaults(run=run_verify)

    for name, helptext, runner in (
            ("import", "verify a pack and make it the measures data in use", run_import),
            ("rollback", "bring back the measures data in use before the last import or rollback",
             run_rollback)):
        a = actions.add_parser(name, help=helptext)
        if name == "import":
            a.add_argument("file", metavar="FILE.gmpack")
        a.add_argument("--profile", metavar="PROFILE.json",
                       help="also print what changed for this company")
        a.add_argument("--as-of", type=parse_date, metavar="YYYY-MM-DD",
                       help="date for the what-changed comparison (default: today)")
        a.set_defaults(run=runner)

    a = actions.add_parser("status", help="which measures data is in use, and whether it is out of date")
    a.add_argument("--as-of", type=parse_date, metavar="YYYY-MM-DD", help="date for the staleness check")
    a.set_defaults(run=run_status)

    a = actions.add_parser("keygen", help="make a new publisher key pair (on the offline signing machine)")
    a.add_argument("--private", required=True, metavar="PRIVATE.pem", type=Path)
    a.add_argument("--public", required=True, metavar="PUBLIC.pem", type=Path)
    a.add_argument("--no-passphrase", action="store_true",
                   help="leave the private key unencrypted (tests only; never for the real key)")
    a.set_defaults(run=run_keygen)


def _passphrase(confirm: bool = False) -> bytes | None:
    if PASSPHRASE_ENV in os.environ:
        return os.environ[PASSPHRASE_ENV].encode("utf-8") or None
    if not sys.stdin.isatty():
        return None
    first = getpass.getpass("私钥口令：")
    if confirm and getpass.getpass("再输入一次：") != first:
        raise ValueError("两次输入的口令不一致")
    return first.encode("utf-8") or None


def _refused(exc: Exception, err) -> int:
    err.write(f"措施包未被接受：{exc}\n")
    return EXIT_REFUSED


def run_build(args, out=None, err=None) -> int:
    out, err = out or sys.stdout, err or sys.stderr
    from core.atomic import atomic_write_bytes
    from core.cli_shared import EXIT_USAGE, output_problem
    from core.measures.pack import PackError, build_pack, key_id, load_private_key

    target = Path(args.out)
    problem = output_problem(target, "measures-2026.12.1.gmpack", inputs=[args.key])
    if problem:
        err.write(f"{problem}\n")
        return EXIT_USAGE
    try:
        key = load_private_key(Path(args.key), _passphrase())
    except PackError as exc:
        err.write(f"{exc}\n")
        return EXIT_USAGE
    data = build_pack(key, args.sources, args.seeds)      # DataError → exit 3 in main.py
    try:
        atomic_write_bytes(target, data)
    except OSError as exc:
        err.write(f"{target}: 无法写入：{exc.strerror or exc}\n")
        return EXIT_USAGE
    out.write(f"已写入 {target}（{len(data) // 1024} KB），签名密钥 {key_id(key.public_key())}\n")
    return 0


def run_verify(args, out=None, err=None) -> int:
    out, err = out or sys.stdout, err or sys.stderr
    from core.cli_shared import EXIT_USAGE
    from core.measures.installed import installed
    from core.measures.pack import (
        PackError,
        describe,
        key_id,
        load_public_key,
        trusted_keys,
        verify_pack_bytes,
    )
    from core.measures.pack_actions import is_newer

    data, status = _read_or_exit(args.file, err)
    if status:
        return status
    try:
        keys = trusted_keys()
        for path in args.public_key:
            key = load_public_key(path)
            keys[key_id(key)] = key
    except PackError as exc:
        err.write(f"{exc}\n")
        return EXIT_USAGE
    try:
        pack = verify_pack_bytes(data, keys)
    except PackError as exc:
        return _refused(exc, err)
    out.write(f"{args.file}：签名有效，内容完整，可由本程序使用。\n")
    for line in describe(pack.manifest):
        out.write(line + "\n")
    in_use = installed().in_use
    newer = is_newer(pack, in_use)
    verdict = "此包较新，可以导入。" if newer else "此包不比正在使用的数据新，导入会被拒绝。"
    out.write(f"正在使用：{in_use.describe()}。{verdict}\n")
    return 0


def _read_or_exit(file: str, err) -> tuple[bytes, int]:
    """The pack file's bytes, or exit status 2 after one line naming why it cannot be read."""
    from core.cli_shared import EXIT_USAGE
    from core.measures.pack import PackError, read_pack_file
    try:
        return read_pack_file(Path(file)), 0
    except PackError as exc:
        err.write(f"{exc}\n")
        return b"", EXIT_USAGE


def _profile_or_exit(args, err) -> tuple[dict | None, int]:
    if not getattr(args, "profile", None):
        return None, 0
    from core.cli_shared import EXIT_USAGE, load_profile_or_report
    profile = load_profile_or_report(args.profile, err)
    return profile, (0 if profile is not None else EXIT_USAGE)


def _print_changes(switched, out) -> None:
    if switched.report is None:
        return
    from core.engine.changes import to_text

    switch = switched.switch
    out.write("\n" + to_text(switched.report, switch.before.describe(), switch.after.describe()))


def run_import(args, out=None, err=None) -> int:
    out, err = out or sys.stdout, err or sys.stderr
    from core.measures.pack import PackError
    from core.measures.pack_actions import import_pack_data

    profile, status = _profile_or_exit(args, err)
    if status:
        return status
    data, status = _read_or_exit(args.file, err)
    if status:
        return status
    try:
        switched = import_pack_data(data, profile, args.as_of)
    except PackError as exc:
        return _refused(exc, err)
    switch = switched.switch
    out.write(f"已导入。正在使用：{switch.after.describe()}。\n")
    out.write(f"如需撤销：python main.py pack rollback（恢复为{switch.before.describe()}）。\n")
    _print_changes(switched, out)
    return 0


def run_rollback(args, out=None, err=None) -> int:
    out, err = out or sys.stdout, err or sys.stderr
    from core.measures.pack import PackError
    from core.measures.pack_actions import roll_back

    profile, status = _profile_or_exit(args, err)
    if status:
        return status
    try:
        switched = roll_back(profile, args.as_of)
    except PackError as exc:
        err.write(f"{exc}\n")
        return EXIT_REFUSED
    switch = switched.switch
    out.write(f"已恢复。正在使用：{switch.after.describe()}（之前为{switch.before.describe()}）。\n")
    _print_changes(switched, out)
    return 0


def run_status(args, out=None, err=None) -> int:
    out, err = out or sys.stdout, err or sys.stderr
    from core.measures.installed import installed
    from core.measures.staleness import staleness, warning_lines
    from core.measures.store import MeasuresDB
    from core.settings import Settings

    state = installed()
    out.write(f"正在使用：{state.in_use.describe()}\n数据库版本 {state.in_use.database_version}，"
              f"文件 {state.in_use.path}\n")
    note = state.hidden_pack_note()
    if note:
        out.write(note + "\n")
    target = state.rollback_target
    out.write(f"可恢复为：{target.describe()}\n" if target else "没有可恢复的上一版本。\n")
    db = MeasuresDB(state.in_use.path)
    try:
        lines = warning_lines(staleness(db, args.as_of or dt.date.today(), Settings()["stale_after_days"]))
    finally:
        db.close()
    for line in lines:
        out.write(f"提示：{line}\n")
    return 0


def run_keygen(args, out=None, err=None) -> int:
    out, err = out or sys.stdout, err or sys.stderr
    from core.atomic import atomic_write_bytes
    from core.cli_shared import EXIT_USAGE, output_problem
    from core.measures.pack import generate_key_pair

    for target in (args.private, args.public):
        problem = output_problem(target, "publisher.pem")
        if problem:
            err.write(f"{problem}\n")
            return EXIT_USAGE
    if args.private.exists():
        err.write(f"{args.private} 已存在：不会覆盖已有的私钥。\n")
        return EXIT_USAGE
    try:
        passphrase = None if args.no_passphrase else _passphrase(confirm=True)
    except ValueError as exc:
        err.write(f"{exc}\n")
        return EXIT_USAGE
    if passphrase is None and not args.no_passphrase:
        err.write(f"私钥必须有口令：在终端中运行并按提示输入，或设置 {PASSPHRASE_ENV}。\n")
        return EXIT_USAGE
    private, public = generate_key_pair(passphrase)
    atomic_write_bytes(args.private, private)
    with contextlib.suppress(OSError):      # Windows: the folder's ACL protects it (docs/packs.md)
        os.chmod(args.private, 0o600)
    atomic_write_bytes(args.public, public)
    out.write(f"已生成密钥对：私钥 {args.private}（离线保存，切勿放入程序或代码库），公钥 {args.public}"
              f"（放入 resources/keys/ 随程序发布）。\n")
    return 0
