"""`main.py kiosk set-pin`: the administrator provisions the kiosk PIN (docs/kiosk.md).

The kiosk never offers a visitor's screen to set a PIN (it fails closed, core/kiosk.py), so this
command — run by the administrator at the machine, or by an installer script — is how a PIN is
set or replaced. It reads the PIN twice without echo from the terminal (getpass), or, when
standard input is not a terminal, one line (and, if there is one, a second line that must
repeat it). Only the salted scrypt hash is written, atomically, into ``settings.json``; the wrong
PIN count is reset. Exit status: 0 set; 2 a PIN that breaks the rule, two that differ, no PIN,
or a configuration that cannot be written (nothing is changed then).
"""
from __future__ import annotations

import argparse
import getpass
import sys
from typing import TextIO

from core.cli_shared import EXIT_OK, EXIT_USAGE


def add_kiosk_subcommands(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("kiosk", help="administer the kiosk (docs/kiosk.md)")
    actions = p.add_subparsers(dest="kiosk_command", metavar="ACTION", required=True)
    a = actions.add_parser("set-pin", help="set the kiosk administrator PIN (read twice, not echoed)")
    a.set_defaults(run=run_set_pin)


def _read_pins(stdin: TextIO, err: TextIO) -> tuple[str, str | None]:
    """(the PIN, its repetition or None) from the terminal or from standard input."""
    if stdin.isatty():
        first = getpass.getpass("新管理密码（4 至 12 位数字）：", stream=err)
        return first, getpass.getpass("再输入一次：", stream=err)
    # Two lines at most: a PIN is short, and a huge pipe is not read whole.
    first = stdin.readline(64)
    second = stdin.readline(64)
    return first.rstrip("\r\n"), (second.rstrip("\r\n") or None)


def run_set_pin(args: argparse.Namespace, stdin: TextIO | None = None, out: TextIO | None = None,
                err: TextIO | None = None) -> int:
    from core.kiosk import PinLock, hash_pin, pin_problem
    from core.settings import Settings, SettingsError

    stdin, out, err = stdin or sys.stdin, out or sys.stdout, err or sys.stderr
    try:
        pin, again = _read_pins(stdin, err)
    except EOFError:
        pin, again = "", None
    if not pin:
        err.write("管理密码：没有读到密码（请在终端输入，或从标准输入提供一行数字）\n")
        return EXIT_USAGE
    problem = pin_problem(pin)
    if problem:
        err.write(f"kiosk set-pin：{problem}\n")
        return EXIT_USAGE
    if again is not None and again != pin:
        err.write("管理密码：两次输入的密码不一致，未作更改\n")
        return EXIT_USAGE
    settings = Settings()
    settings.set("kiosk_pin_hash", hash_pin(pin))
    try:
        settings.save()
    except SettingsError as exc:
        err.write(f"{exc.problem.message_zh}\n")
        return EXIT_USAGE
    PinLock.beside(settings.path).reset()
    out.write(f"已设置自助终端管理密码（只保存散列）：{settings.path}\n")
    return EXIT_OK
