"""`python main.py measures` per shared/contract/cli.md."""
from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

import main

ROOT = Path(__file__).resolve().parent.parent


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        try:
            code = main.main(list(argv))
        except SystemExit as exc:      # argparse usage errors
            code = exc.code
    return code, out.getvalue(), err.getvalue()


def test_json_lists_every_clause_with_its_state_on_a_date():
    code, out, err = run("measures", "--json", "--as-of", "2026-11-21")
    assert code == 0, err
    payload = json.loads(out)
    assert payload["as_of"] == "2026-11-21"
    assert re.fullmatch(r"[0-9a-f]{16}", payload["database_version"])
    measures = payload["measures"]
    assert payload["count"] == len(measures)
    by_doc: dict[str, list[dict]] = {}
    for m in measures:
        by_doc.setdefault(m["document"], []).append(m)
    # Every numbered clause of the funding documents, lettered supports included.
    def clauses(doc):
        return {re.sub(r"[a-z]$", "", m["id"].split("/")[1]) for m in by_doc[doc]}
    assert clauses("sz-sepi-2024") == {str(n) for n in range(1, 25)}
    assert clauses("sz-glc-2022") == {str(n) for n in range(1, 32)}
    assert clauses("lh-glc-2024") == {"1", "2.1", "2.2", "2.3", "2.4", "3", "4", "5", "6", "7.1", "7.2",
                                      "7.3", "8.1", "8.2", "9", "10"}
    funding = sum(len(by_doc[d]) for d in ("sz-sepi-2024", "sz-glc-2022", "lh-glc-2024"))
    assert funding >= 71
    assert by_doc["sz-sepi-plan-2022"] and by_doc["sz-lcci-2011"]
    states = {doc: {m["status"] for m in ms} for doc, ms in by_doc.items()}
    assert states["sz-glc-2022"] == {"expired"}
    assert states["lh-glc-2024"] == {"expired"}
    assert states["sz-sepi-2024"] == {"in_force"}
    assert states["sz-lcci-2011"] == {"expired"}


@pytest.mark.parametrize("as_of,doc,state", [
    ("2024-05-22", "sz-sepi-2024", "not_yet"),
    ("2024-05-23", "sz-sepi-2024", "in_force"),
    ("2029-05-22", "sz-sepi-2024", "in_force"),
    ("2029-05-23", "sz-sepi-2024", "expired"),
    ("2025-12-22", "sz-glc-2022", "in_force"),
    ("2025-12-23", "sz-glc-2022", "expired"),
    ("2024-04-28", "lh-glc-2024", "not_yet"),
    ("2025-12-31", "lh-glc-2024", "in_force"),
    ("2026-01-01", "lh-glc-2024", "expired"),
])
def test_state_at_validity_bounds(as_of, doc, state):
    code, out, _ = run("measures", "--json", "--as-of", as_of)
    assert code == 0
    assert {m["status"] for m in json.loads(out)["measures"] if m["document"] == doc} == {state}


def test_search_text_output():
    code, out, err = run("measures", "--search", "光伏", "--as-of", "2026-11-21")
    assert code == 0, err
    assert "lh-glc-2024/7.1" in out and "已失效" in out
    assert re.search(r"共 \d+ 条措施", out)


def test_search_without_hits_says_so():
    code, out, _ = run("measures", "--search", "完全不存在的词语")
    assert code == 0
    assert "没有找到" in out


@pytest.mark.parametrize("bad", ["2025-02-30", "30/06/2025", "tomorrow"])
def test_bad_date_is_a_usage_error_naming_the_rule(bad):
    code, out, err = run("measures", "--as-of", bad)
    assert code == 2
    assert "--as-of" in err and "YYYY-MM-DD" in err
    assert "Traceback" not in err and out == ""


def test_invalid_data_gives_a_message_not_a_traceback(monkeypatch, tmp_path):
    from core.measures import store
    from core.measures.validate import DataError

    def broken():
        raise DataError(["lh-glc-2024.yaml:12: document.valid_to: not a real calendar date: 2025-02-30"])
    monkeypatch.setattr(store, "bundled_database_path", broken)
    code, _, err = run("measures")
    assert code == 3
    assert "lh-glc-2024.yaml:12: document.valid_to" in err
    assert "Traceback" not in err


def test_real_process_runs_headless(tmp_path):
    env = {**os.environ, "GREENMEASURES_CACHE_DIR": str(tmp_path)}
    env.pop("DISPLAY", None)
    proc = subprocess.run([sys.executable, "main.py", "measures", "--search", "储能", "--json"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["count"] >= 1
