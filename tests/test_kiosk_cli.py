"""`python main.py kiosk set-pin`: the administrator provisions the kiosk PIN (issue 15 item 2)."""
from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import main
from core.kiosk import PinLock, stored_hash_problem, verify_pin
from core.settings import Settings

ROOT = Path(__file__).resolve().parent.parent


def set_pin(monkeypatch, capsys, text: str) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(text))        # not a terminal: lines are read
    code = main.main(["kiosk", "set-pin"])
    out, err = capsys.readouterr()
    return code, out, err


def files_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_set_pin_stores_only_a_hash_that_the_kiosk_accepts(monkeypatch, capsys):
    code, out, err = set_pin(monkeypatch, capsys, "48291573\n48291573\n")
    assert code == 0, err
    path = Settings().path
    assert str(path) in out
    text = path.read_text(encoding="utf-8")
    assert "48291573" not in text
    stored = json.loads(text)["kiosk_pin_hash"]
    assert stored_hash_problem(stored) is None and verify_pin("48291573", stored)


def test_one_line_is_enough_from_a_pipe(monkeypatch, capsys):
    assert set_pin(monkeypatch, capsys, "2468\n")[0] == 0
    assert verify_pin("2468", Settings().get("kiosk_pin_hash"))


def test_set_pin_keeps_the_other_settings_and_ends_a_lockout(monkeypatch, capsys):
    settings = Settings()
    settings.set("kiosk_printer", "大厅打印机")
    settings.save()
    lock = PinLock.beside(settings.path)
    lock.failures, lock.until = 9, lock.clock() + 3000
    lock._save()
    assert set_pin(monkeypatch, capsys, "97531\n97531\n")[0] == 0
    assert Settings().get("kiosk_printer") == "大厅打印机"
    assert PinLock.beside(settings.path).remaining() == 0


def test_a_broken_configuration_is_replaced_and_kept_aside(monkeypatch, capsys):
    path = Settings().path
    path.parent.mkdir(parents=True)
    path.write_text("{broken", encoding="utf-8")
    assert set_pin(monkeypatch, capsys, "2468\n")[0] == 0
    assert verify_pin("2468", Settings().get("kiosk_pin_hash"))
    assert path.with_name("settings.json.broken").read_text(encoding="utf-8") == "{broken"


@pytest.mark.parametrize("text, words", [
    ("12\n12\n", "4 至 12 位数字"),
    ("1234567890123\n", "4 至 12 位数字"),
    ("１２３４\n", "4 至 12 位数字"),
    ("0000\n", "同一个数字"),
    ("2468\n2469\n", "不一致"),
    ("", "没有读到"),
    ("\n", "没有读到"),
])
def test_a_bad_pin_is_refused_with_exit_2_and_no_file(monkeypatch, capsys, text, words):
    folder = Settings().path.parent
    before = files_in(folder)
    code, out, err = set_pin(monkeypatch, capsys, text)
    assert code == 2 and words in err and out == ""
    assert files_in(folder) == before                         # nothing written, not even a temp file


def test_a_bad_pin_leaves_an_existing_configuration_as_it_was(monkeypatch, capsys):
    assert set_pin(monkeypatch, capsys, "2468\n")[0] == 0
    path = Settings().path
    before = path.read_bytes()
    assert set_pin(monkeypatch, capsys, "13\n")[0] == 2
    assert path.read_bytes() == before


def test_an_unwritable_configuration_is_exit_2_naming_the_file(monkeypatch, capsys, tmp_path):
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where the configuration folder should be")
    monkeypatch.setenv("GREENMEASURES_CONFIG_DIR", str(blocker / "config"))
    code, _out, err = set_pin(monkeypatch, capsys, "2468\n")
    assert code == 2 and "无法保存设置" in err and str(blocker) in err


def test_the_real_process_exit_codes(tmp_path):
    env = dict(os.environ, GREENMEASURES_CONFIG_DIR=str(tmp_path / "cfg"))
    ok = subprocess.run([sys.executable, "main.py", "kiosk", "set-pin"], input="2468\n2468\n", cwd=ROOT,
                        env=env, capture_output=True, text=True, timeout=60)
    bad = subprocess.run([sys.executable, "main.py", "kiosk", "set-pin"], input="24\n", cwd=ROOT,
                         env=env, capture_output=True, text=True, timeout=60)
    assert (ok.returncode, bad.returncode) == (0, 2), (ok.stderr, bad.stderr)
    assert "Traceback" not in ok.stderr + bad.stderr
