"""Issue 15, items 6, 7, 8, 10, 11 and 13: numbers, text, the checklist PDF's layout, special files,
the --out target, dates, echoed values and stale temporary files. One regression test (or more) per
item; the generated-input suite over the loader and the engine is tests/test_profile_fuzz.py."""
from __future__ import annotations

import copy
import datetime as dt
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import threading
import time
from decimal import Decimal
from pathlib import Path

import pytest

import main
from core import atomic
from core.checklist.model import build_checklist
from core.checklist.pdf import render_checklist
from core.engine.amounts import to_fen
from core.engine.evaluate import Engine
from core.engine.report import to_json, to_text
from core.engine.text import money
from core.i18n import format_amount_range, format_money
from core.profile import (
    MAX_NUMBER_CHARS,
    ProfileError,
    load_profile,
    parse_strict_date,
    profile_schema,
    save_profile,
    validate_profile,
)
from core.userfile import PROFILE_MAX_BYTES, UserFileError, read_user_file
from tests.test_profile import EXAMPLE

ROOT = Path(__file__).resolve().parent.parent
AS_OF = dt.date(2025, 6, 30)
SAMPLE = json.loads((ROOT / "resources" / "samples" / "sample-profile.json").read_text(encoding="utf-8"))
posix_only = pytest.mark.skipif(os.name != "posix", reason="FIFOs and /dev exist on POSIX only")
needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils)")


@pytest.fixture(scope="module")
def engine(catalog):
    return Engine(catalog.measures, catalog.documents, catalog.version)


def write(path: Path, data) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=True), encoding="utf-8")
    return path


def problems_of(path: Path) -> dict[str, str]:
    with pytest.raises(ProfileError) as excinfo:
        load_profile(path)
    return {p.path: f"{p.message} {p.message_zh}" for p in excinfo.value.problems}


def run(argv, capsys):
    code = main.main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def finishes(fn, seconds: float = 15):
    """fn() run in a thread; fails the test (instead of hanging the suite) if it blocks."""
    box: dict = {}

    def target():
        try:
            box["value"] = fn()
        except BaseException as exc:   # noqa: BLE001 - handed back to the test
            box["error"] = exc
    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"still running after {seconds} s (blocked on a special file?)"
    return box


# -- item 6: numbers ------------------------------------------------------------------------------

@pytest.mark.parametrize(("where", "value", "path"), [
    (("projects", 0, "generation_kwh", "2024"), 1e29, "projects[0].generation_kwh.2024"),
    (("company", "years", "2024", "sales"), 1e30, "company.years.2024.sales"),
    (("company", "years", "2024", "revenue"), 1e134, "company.years.2024.revenue"),
    (("company", "years", "2024", "revenue"), 10 ** 15 + 1, "company.years.2024.revenue"),
    (("company", "grid_voltage_kv"), 5000, "company.grid_voltage_kv"),
    (("projects", 0, "capacity_kw"), 10 ** 9, "projects[0].capacity_kw"),
])
def test_absurd_numbers_are_refused_naming_the_field(tmp_path, capsys, where, value, path):
    data = copy.deepcopy(SAMPLE)
    node = data
    for part in where[:-1]:
        node = node[part]
    node[where[-1]] = value
    profile = write(tmp_path / "p.json", data)
    found = problems_of(profile)
    assert list(found) == [path] and "≤" in found[path] and "不能大于" in found[path]
    code, out, err = run(["check", str(profile), "--as-of", AS_OF.isoformat()], capsys)
    assert code == 2 and out == "" and err.startswith(path + ": must be ≤")


def test_every_number_in_the_schema_has_an_upper_bound():
    """No number field is left unbounded (each `number`/`integer` node, or its $ref, has a maximum)."""
    schema = profile_schema()
    defs = schema["$defs"]
    unbounded = []

    def walk(node, where):
        if isinstance(node, dict):
            target = defs.get(node.get("$ref", "").rsplit("/", 1)[-1], {})
            merged = {**target, **node}
            if merged.get("type") in ("number", "integer") and "maximum" not in merged:
                unbounded.append(where)
            for key, child in node.items():
                walk(child, f"{where}/{key}")
        elif isinstance(node, list):
            for i, child in enumerate(node):
                walk(child, f"{where}/{i}")
    walk(schema, "#")
    assert unbounded == []


def test_the_bounds_are_documented():
    doc = (ROOT / "docs" / "profile-format.md").read_text(encoding="utf-8")
    for figure in ("10^15", "10^12", "1100", "5 MB", str(MAX_NUMBER_CHARS)):
        assert figure in doc


@pytest.mark.parametrize("literal", ["1" + "0" * 5000, "1" + "0" * (MAX_NUMBER_CHARS), "0." + "1" * 60,
                                     "1" * 4301 + ".5"])
def test_a_number_literal_too_long_is_refused_before_conversion(tmp_path, capsys, literal):
    text = json.dumps(SAMPLE).replace('"capacity_kw": 800', f'"capacity_kw": {literal}')
    assert literal in text
    profile = tmp_path / "p.json"
    profile.write_text(text, encoding="utf-8")
    found = problems_of(profile)
    assert list(found) == ["projects[0].capacity_kw"]
    assert f"{len(literal)} characters" in found["projects[0].capacity_kw"]
    code, _, err = run(["check", str(profile)], capsys)
    assert code == 2 and "数字过长" in err and "内部错误" not in err


def _everything_at(value) -> dict:
    """A profile with every number of the schema at ``value`` (capped by each field's own bound)."""
    data = copy.deepcopy(EXAMPLE)
    company = data["company"]
    for year in ("2024", "2025"):
        company["years"][year] = {k: value for k in ("revenue", "sales", "nev_sales", "platform_turnover")}
    company["green_loans"][0]["amount"] = value
    company["demand_response"][0]["compensation"] = value
    company["grid_voltage_kv"] = min(value, 1100)
    company["supports_received"] = [{"measure_id": "lh-glc-2024/7.1", "year": 2024, "amount": value}]
    own = {"capacity_kw": 10 ** 8, "host_max_dc_kw": 10 ** 6, "max_terminal_kw": 10 ** 5,
           "daily_capacity_kg": 10 ** 7, "trusteeship_area_m2": 10 ** 9}
    types = ["distributed_pv", "super_charging_station", "hydrogen_station", "green_building",
             "near_zero_carbon_zone", "energy_trusteeship", "central_ac_emc", "transformer_replacement",
             "energy_storage_demo", "vpp_aggregation"]
    data["projects"] = []
    for i, kind in enumerate(types):
        project = {"id": f"p{i}", "type": kind, "district": "luohu", "property": "social",
                   "commissioned_on": "2024-03-01", "grid_connected_on": "2024-03-01",
                   "generation_kwh": {"2024": min(value, 10 ** 12), "2025": min(value, 10 ** 12)},
                   "energy_saving_rate": 1}
        for k in ("investment_total", "investment_approved", "investment_actual", "investment_social_share",
                  "provincial_subsidy", "construction_install_cost"):
            project[k] = value
        for k, bound in own.items():
            project[k] = min(value, bound)
        data["projects"].append(project)
    return data


@pytest.mark.parametrize("value", [10 ** 15, 999999999999999.9, 123456789.123456789, 5e-324])
def test_the_engine_and_every_writer_take_any_number_validation_lets_through(engine, value):
    data = _everything_at(value)
    assert validate_profile(data) == []
    evaluation = engine.evaluate(data, AS_OF)
    assert to_text(evaluation, data["company"]["name"]).startswith("绿策通检查结果")
    json.dumps(to_json(evaluation))
    checklist = build_checklist(evaluation, data)
    assert checklist.entries
    assert render_checklist(checklist, "zh-Hant").pdf.startswith(b"%PDF")


@pytest.mark.parametrize("value", [10 ** 31 - 1, 10 ** 400, 1e308], ids=["31-digits", "401-digits", "1e308"])
def test_the_engine_survives_figures_typed_before_validation(engine, value):
    """The window and the kiosk evaluate the form as typed, before validation refuses it (31 digits
    typed into 实际发电量 killed the kiosk): rounding and printing hold any finite size."""
    data = copy.deepcopy(SAMPLE)
    data["projects"][0]["generation_kwh"]["2024"] = value
    data["projects"][0]["capacity_kw"] = value
    data["company"]["years"]["2024"]["revenue"] = value
    data["company"]["years"]["2023"] = {"revenue": 5e-324}       # a vast growth ratio too
    assert validate_profile(data) != []
    evaluation = engine.evaluate(data, AS_OF)
    to_text(evaluation, data["company"]["name"])
    json.dumps(to_json(evaluation))
    assert render_checklist(build_checklist(evaluation, data)).pdf.startswith(b"%PDF")


def test_amounts_round_and_print_beyond_the_default_decimal_precision():
    """Python's default context (28 digits) raised InvalidOperation for 10^29 kWh × 0.25 元."""
    big = Decimal("25000000000000000000000000000.019")
    assert to_fen(big) == Decimal("25000000000000000000000000000.01")
    assert money(Decimal("1E+40")) == "1" + "0" * 32 + " 亿元"
    assert money(Decimal("123456789")) == "12345.6789 万元"       # 亿元 only up to 4 decimals
    assert format_money(to_fen(big), "zh-Hans") == "25,000,000,000,000,000,000,000,000,000.01 元"
    assert format_amount_range(Decimal(0), Decimal("1E+40"), "zh-Hans", unit="wan").startswith("最高 1,000")


# -- item 7: lone surrogates ---------------------------------------------------------------------

@pytest.mark.parametrize(("mutate", "path"), [
    (lambda d: d["company"].update(name="A\ud800B"), "company.name"),
    (lambda d: d["projects"][0].update(name="\udfff"), "projects[0].name"),
    (lambda d: d["company"].update({"na\ud83dme": "x"}), 'company["na\\ud83dme"]'),
])
def test_a_lone_surrogate_is_refused_at_load_time(tmp_path, capsys, mutate, path):
    data = copy.deepcopy(SAMPLE)
    mutate(data)
    profile = write(tmp_path / "p.json", data)        # ensure_ascii: the file holds "\ud800"
    assert "\\ud" in profile.read_text(encoding="utf-8")
    found = problems_of(profile)
    assert list(found) == [path] and "surrogate" in found[path] and "代理码" in found[path]
    for command in (["check", str(profile)], ["checklist", str(profile), "--out", str(tmp_path / "c.pdf")]):
        code, out, err = run(command, capsys)
        assert code == 2 and "内部错误" not in err and path in err
    assert not (tmp_path / "c.pdf").exists()


def test_writers_print_a_surrogate_that_reaches_them_as_a_replacement(engine):
    data = copy.deepcopy(SAMPLE)
    data["company"]["name"] = "甲\ud800乙"
    data["projects"][0]["name"] = "项目\udc00"
    evaluation = engine.evaluate(data, AS_OF)
    text = to_text(evaluation, data["company"]["name"])
    assert "甲\ufffd乙" in text and "项目\ufffd" in text
    text.encode("utf-8")
    rendered = render_checklist(build_checklist(evaluation, data))
    assert rendered.pdf.startswith(b"%PDF") and rendered.pages >= 1


# -- item 8: the checklist PDF breaks long cells and long tables across pages ---------------------

FOOTER = re.compile(r"绿策通·生成于\d+年\d+月\d+日·以政策原文及申报指南为准第\d+页/共\d+页")


def _pdf_text(rendered, tmp_path: Path) -> str:
    pdf = tmp_path / "c.pdf"
    pdf.write_bytes(rendered.pdf)
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                         check=True, timeout=120).stdout
    # Lines and pages break anywhere; a cell split across pages has the page footer in between.
    return FOOTER.sub("", "".join(out.split()))


@needs_pdftotext
@pytest.mark.parametrize("name", ["深" * 3000, "W" * 3000], ids=["cjk", "latin-unbroken"])
def test_a_very_long_company_name_is_printed_whole(engine, tmp_path, name):
    data = copy.deepcopy(SAMPLE)
    data["company"]["name"] = name
    rendered = render_checklist(build_checklist(engine.evaluate(data, AS_OF), data))
    assert name in _pdf_text(rendered, tmp_path)


@needs_pdftotext
def test_many_projects_all_appear(engine, tmp_path):
    data = copy.deepcopy(SAMPLE)
    base = data["projects"][0]
    data["projects"] = [dict(base, id=f"p{i}", name=f"屋顶光伏{i:03d}号") for i in range(110)]
    rendered = render_checklist(build_checklist(engine.evaluate(data, AS_OF), data))
    text = _pdf_text(rendered, tmp_path)
    assert [i for i in range(110) if f"屋顶光伏{i:03d}号" not in text] == []


@needs_pdftotext
def test_a_very_long_project_name_is_printed_whole(engine, tmp_path):
    data = copy.deepcopy(SAMPLE)
    name = "超长项目名" + "长" * 2500 + "结束"
    data["projects"][0]["name"] = name
    rendered = render_checklist(build_checklist(engine.evaluate(data, AS_OF), data))
    assert name in _pdf_text(rendered, tmp_path)


# -- item 10: special files ------------------------------------------------------------------------

@posix_only
def test_a_fifo_or_a_device_as_the_profile_is_refused_at_once(tmp_path):
    fifo = tmp_path / "profile.json"
    os.mkfifo(fifo)
    for path in (fifo, Path("/dev/zero")):
        done = subprocess.run([sys.executable, "main.py", "check", str(path)], cwd=ROOT, capture_output=True,
                              text=True, timeout=60)
        assert done.returncode == 2, done.stderr
        assert done.stderr.startswith("(file): not a regular file") and "不是普通文件" in done.stderr


@posix_only
def test_a_fifo_as_a_pack_key_or_store_is_refused_without_blocking(tmp_path):
    from core.measures.pack import PackError, load_private_key, read_pack_file
    from core.profile_store import ProfileStore, StoreError

    fifo = tmp_path / "thing"
    os.mkfifo(fifo)
    for call, error in ((lambda: read_pack_file(fifo), PackError),
                        (lambda: load_private_key(fifo), PackError),
                        (lambda: ProfileStore(fifo), StoreError)):
        box = finishes(call)
        assert isinstance(box.get("error"), error) and "不是普通文件" in str(box["error"])
    box = finishes(lambda: read_pack_file(Path("/dev/zero")))
    assert isinstance(box.get("error"), PackError)


def test_a_profile_over_the_size_limit_is_refused_naming_the_limit(tmp_path, capsys):
    profile = tmp_path / "p.json"
    text = json.dumps(SAMPLE)
    profile.write_text(text + " " * (PROFILE_MAX_BYTES - len(text) + 1), encoding="utf-8")
    found = problems_of(profile)
    assert list(found) == ["(file)"] and "5 MB" in found["(file)"]
    profile.write_text(text + " " * (PROFILE_MAX_BYTES - len(text)), encoding="utf-8")
    assert load_profile(profile)["format"] == SAMPLE["format"]          # exactly at the limit is fine


def test_read_user_file_reads_no_more_than_the_limit(tmp_path):
    path = tmp_path / "f"
    path.write_bytes(b"x" * 11)
    assert read_user_file(path, 11) == b"x" * 11
    with pytest.raises(UserFileError) as excinfo:
        read_user_file(path, 10)
    assert excinfo.value.kind == "too_large" and "10 字节" in str(excinfo.value)
    with pytest.raises(UserFileError) as excinfo:
        read_user_file(tmp_path, 10)
    assert excinfo.value.kind == "folder"


# -- item 11: the --out target, dates, echoed values ----------------------------------------------

def test_out_that_is_the_profile_itself_is_refused(tmp_path, capsys):
    profile = write(tmp_path / "P.json", SAMPLE)
    before = profile.read_bytes()
    code, _, err = run(["checklist", str(profile), "--out", str(profile)], capsys)
    assert code == 2 and "就是要读取的输入文件" in err
    assert profile.read_bytes() == before
    if hasattr(os, "link"):
        os.link(profile, tmp_path / "same.pdf")           # another name of the same file
        code, _, err = run(["checklist", str(profile), "--out", str(tmp_path / "same.pdf")], capsys)
        assert code == 2 and profile.read_bytes() == before


@posix_only
def test_out_that_is_a_symlink_or_a_device_is_refused(tmp_path, capsys):
    profile = write(tmp_path / "P.json", SAMPLE)
    real = tmp_path / "real.pdf"
    real.write_bytes(b"keep")
    link = tmp_path / "link.pdf"
    link.symlink_to(real)
    code, _, err = run(["checklist", str(profile), "--out", str(link)], capsys)
    assert code == 2 and "符号链接" in err
    assert link.is_symlink() and real.read_bytes() == b"keep"
    code, _, err = run(["checklist", str(profile), "--out", "/dev/null"], capsys)
    assert code == 2 and "不是普通文件" in err
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


@pytest.mark.parametrize("length", [246, 251, 252, 255])
def test_any_name_the_file_system_takes_can_be_written(tmp_path, capsys, length):
    profile = write(tmp_path / "P.json", SAMPLE)
    target = tmp_path / ("n" * (length - 4) + ".pdf")
    code, _, err = run(["checklist", str(profile), "--out", str(target), "--as-of", AS_OF.isoformat()],
                       capsys)
    assert code == 0, err
    assert target.read_bytes().startswith(b"%PDF")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["P.json", target.name])


def test_a_name_too_long_is_a_clear_refusal(tmp_path, capsys):
    profile = write(tmp_path / "P.json", SAMPLE)
    code, _, err = run(["checklist", str(profile), "--out", str(tmp_path / ("n" * 300 + ".pdf"))], capsys)
    assert code == 2 and "文件名过长" in err and "内部错误" not in err
    assert len(err) < 400                                         # the name is shortened, not echoed
    assert sorted(p.name for p in tmp_path.iterdir()) == ["P.json"]


@pytest.mark.parametrize("text", ["2024-W01-1", "20240101", "2024-1-01", "2024-01-01T00:00",
                                  "２０２４-01-01", "2024-02-30", "2024-001"])
def test_only_yyyy_mm_dd_is_a_date(tmp_path, capsys, text):
    assert parse_strict_date(text) is None
    profile = write(tmp_path / "P.json", SAMPLE)
    with pytest.raises(SystemExit) as exc:
        main.main(["check", str(profile), "--as-of", text])
    assert exc.value.code == 2 and "YYYY-MM-DD" in capsys.readouterr().err
    data = copy.deepcopy(SAMPLE)
    data["company"]["settled_in_district_on"] = text
    assert [p.path for p in validate_profile(data)] == ["company.settled_in_district_on"]


def test_parse_strict_date_takes_real_days():
    assert parse_strict_date("2024-02-29") == dt.date(2024, 2, 29)
    assert parse_strict_date(None) is None


def test_a_huge_unknown_key_is_not_echoed_whole(tmp_path, capsys):
    data = copy.deepcopy(SAMPLE)
    data["company"]["k" * 1_000_000] = "v" * 1_000_000
    profile = write(tmp_path / "P.json", data)
    code, _, err = run(["check", str(profile)], capsys)
    assert code == 2 and "unknown field" in err
    assert len(err) < 400 and "…" in err


# -- item 13: temporary files of interrupted saves -----------------------------------------------

def test_a_save_removes_our_stale_temporaries_and_nothing_else(tmp_path):
    old = time.time() - 2 * 3600
    ours_stale = [".gm-0123abcd.tmp", ".profile.json.0123456789ab.tmp", ".state.json.abcdefabcdef.tmp"]
    kept = [".gm-89abcdef.tmp",            # ours but recent: a save in progress elsewhere
            ".notes.tmp", ".gm-xyz.tmp", "gm-0123abce.tmp", ".profile.json.tmp", "report.tmp"]
    for name in ours_stale + kept:
        (tmp_path / name).write_bytes(b"x")
    for name in ours_stale + kept[1:]:
        os.utime(tmp_path / name, (old, old))
    if os.name == "posix":
        (tmp_path / "victim").write_bytes(b"x")
        (tmp_path / ".gm-fedcba98.tmp").symlink_to(tmp_path / "victim")
        os.utime(tmp_path / ".gm-fedcba98.tmp", (old, old), follow_symlinks=False)
        kept += [".gm-fedcba98.tmp", "victim"]
    save_profile(SAMPLE, tmp_path / "profile.json")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(kept + ["profile.json"])


def test_the_temporary_name_is_short_and_ours(tmp_path, monkeypatch):
    seen = []
    real_replace = os.replace

    def spy(src, dst):
        seen.append(Path(src).name)
        real_replace(src, dst)
    monkeypatch.setattr(atomic.os, "replace", spy)
    atomic.atomic_write_bytes(tmp_path / ("x" * 250), b"data")
    assert len(seen) == 1 and re.fullmatch(r"\.gm-[0-9a-f]{8}\.tmp", seen[0])
    assert atomic.TEMP_NAME.fullmatch(seen[0])
