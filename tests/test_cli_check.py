"""`python main.py check` per shared/contract/cli.md."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import main

ROOT = Path(__file__).resolve().parent.parent

CONTRACT_PROFILE = {
    "format": "greenmeasures.profile/1",
    "company": {
        "name": "深圳市示例科技有限公司", "district": "luohu", "entity_type": "enterprise",
        "independent_legal_person": True, "fields": ["new_energy"], "business_lines": ["carbon_service"],
        "settled_in_district_on": "2024-03-01",
        "years": {"2024": {"revenue": 60000000, "in_statistics": True, "above_designated_size": True}},
        "supports_received": [],           # the answer "none received before" ([] is "none")
    },
    "projects": [{
        "id": "p1", "name": "厂房屋顶分布式光伏", "type": "distributed_pv", "district": "luohu",
        "property": "social", "investment_actual": 3200000, "capacity_kw": 800,
        "pv_technology": "conventional", "grid_connected_on": "2024-03-01",
        "generation_kwh": {"2024": 900000},
    }],
}


@pytest.fixture()
def profile_file(tmp_path):
    path = tmp_path / "profile.json"
    path.write_text(json.dumps(CONTRACT_PROFILE, ensure_ascii=False), encoding="utf-8")
    return path


def run(argv, capsys):
    code = main.main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_json_has_exactly_the_contract_shape(profile_file, capsys):
    code, out, err = run(["check", str(profile_file), "--as-of", "2025-06-30", "--json"], capsys)
    assert code == 0 and err == ""
    data = json.loads(out)
    assert set(data) == {"as_of", "database_version", "results", "plan", "statements"}
    assert data["statements"] and all(set(s) == {"measure_id", "title"} for s in data["statements"])
    assert not {s["measure_id"] for s in data["statements"]} & {r["measure_id"] for r in data["results"]}
    assert data["as_of"] == "2025-06-30"
    assert set(data["plan"]) == {"selected", "total_max"}
    for r in data["results"]:
        assert set(r) == {"measure_id", "project_id", "status", "discretionary", "amount", "reasons",
                          "missing", "conflicts_with"}
        assert set(r["amount"]) == {"min", "max"}
    for item in data["plan"]["selected"]:
        assert set(item) == {"measure_id", "project_id", "amount_max"}


def test_contract_example_values(profile_file, capsys):
    _, out, _ = run(["check", str(profile_file), "--as-of", "2025-06-30", "--json"], capsys)
    data = json.loads(out)
    pv = next(r for r in data["results"] if r["measure_id"] == "lh-glc-2024/7.1" and r["project_id"] == "p1")
    assert pv["status"] == "eligible"
    assert pv["amount"] == {"min": 0, "max": 225000}
    assert pv["conflicts_with"] == ["sz-glc-2022/12"]
    assert pv["discretionary"] is False
    assert any("装机容量验收规模 800 千瓦" in line and "第七条（一）" in line for line in pv["reasons"])
    selected = {(i["measure_id"], i["project_id"]): i["amount_max"] for i in data["plan"]["selected"]}
    assert selected[("lh-glc-2024/7.1", "p1")] == 225000
    assert data["plan"]["total_max"] == sum(v for v in selected.values() if v is not None)
    # Company-level measures once (project_id null), project-level ones per matching project.
    ids = [(r["measure_id"], r["project_id"]) for r in data["results"]]
    assert len(ids) == len(set(ids))
    assert ("lh-glc-2024/1", None) in ids and ("lh-glc-2024/7.2", "p1") not in ids


def test_missing_generation_is_named(tmp_path, capsys):
    profile = json.loads(json.dumps(CONTRACT_PROFILE))
    del profile["projects"][0]["generation_kwh"]
    path = tmp_path / "p.json"
    path.write_text(json.dumps(profile), encoding="utf-8")
    _, out, _ = run(["check", str(path), "--as-of", "2025-06-30", "--json"], capsys)
    pv = next(r for r in json.loads(out)["results"] if r["measure_id"] == "lh-glc-2024/7.1")
    assert pv["status"] == "needs_info"
    assert pv["missing"] == ["project.generation_kwh.2024"]
    assert pv["amount"] == {"min": 0, "max": 1000000}


def test_human_output_in_chinese(profile_file, capsys):
    code, out, _ = run(["check", str(profile_file), "--as-of", "2025-06-30"], capsys)
    assert code == 0
    assert "深圳市示例科技有限公司" in out
    for heading in ("【可申请】", "【需补充信息】", "【不符合】", "【不在有效期】", "【推荐组合】"):
        assert heading in out
    assert "lh-glc-2024/7.1" in out and "最高 22.5 万元" in out


def test_after_expiry_the_district_measures_are_not_in_force(profile_file, capsys):
    _, out, _ = run(["check", str(profile_file), "--as-of", "2026-01-01", "--json"], capsys)
    pv = next(r for r in json.loads(out)["results"] if r["measure_id"] == "lh-glc-2024/7.1")
    assert pv["status"] == "not_in_force"
    assert "2025-12-31" in pv["reasons"][0]


@pytest.mark.parametrize("mutate, path", [
    (lambda p: p["projects"][0].__setitem__("capacity_kw", -5), "projects[0].capacity_kw"),
    (lambda p: p["company"].__setitem__("uscc", "91440300MA5FAKE000"), "company.uscc"),
    (lambda p: p["company"].__setitem__("settled_in_district_on", "2024-02-30"),
     "company.settled_in_district_on"),
    (lambda p: p.__setitem__("format", "greenmeasures.profile/9"), "format"),
    (lambda p: p["projects"][0].__setitem__("property", "public"), "projects[0].property"),
])
def test_invalid_profile_exits_2_naming_the_field(tmp_path, capsys, mutate, path):
    profile = json.loads(json.dumps(CONTRACT_PROFILE))
    mutate(profile)
    file = tmp_path / "bad.json"
    file.write_text(json.dumps(profile, ensure_ascii=False), encoding="utf-8")
    before = sorted(tmp_path.iterdir())
    code, out, err = run(["check", str(file), "--json"], capsys)
    assert code == 2
    assert out == ""
    lines = err.strip().splitlines()
    assert lines and all(line.strip() for line in lines)
    assert any(line.startswith(path + ":") for line in lines), err
    assert "Traceback" not in err
    assert sorted(tmp_path.iterdir()) == before


def test_unreadable_profile_exits_2(tmp_path, capsys):
    code, out, err = run(["check", str(tmp_path / "nope.json")], capsys)
    assert code == 2 and out == "" and err.strip()
    bad = tmp_path / "bad.json"
    bad.write_text("{\"format\": ", encoding="utf-8")
    code, out, err = run(["check", str(bad)], capsys)
    assert code == 2 and out == "" and "Traceback" not in err


def test_bad_as_of_date_exits_2(profile_file, capsys):
    with pytest.raises(SystemExit) as exc:
        main.main(["check", str(profile_file), "--as-of", "2025-02-30"])
    assert exc.value.code == 2
    assert "YYYY-MM-DD" in capsys.readouterr().err


def test_real_process_prints_one_json_object(profile_file, tmp_path):
    env_cache = {"GREENMEASURES_CACHE_DIR": str(tmp_path / "cache")}
    import os
    proc = subprocess.run([sys.executable, str(ROOT / "main.py"), "check", str(profile_file),
                           "--as-of", "2025-06-30", "--json"], capture_output=True, text=True,
                          encoding="utf-8", env={**os.environ, **env_cache}, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["as_of"] == "2025-06-30"
