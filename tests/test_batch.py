"""`python main.py batch` (issue 19): many profiles, one workbook; expiring soon at the boundary."""
from __future__ import annotations

import copy
import csv
import datetime as dt
import json
import subprocess
from pathlib import Path

import openpyxl
import pytest

import main
from core.batch import Company, check_paths, find_profiles
from core.batch_export import SHEET_NAME_MAX, sheet_names, text_width
from core.engine.evaluate import Engine
from core.engine.expiring import expiring_soon
from core.engine.report import STATUS_TITLES, to_text
from tests.test_cli_check import CONTRACT_PROFILE

AS_OF = "2025-10-02"          # 罗湖区十条措施 ends 2025-12-31: 90 days later


def variant(i: int) -> dict:
    """Generated valid profiles that differ in what decides the results."""
    p = copy.deepcopy(CONTRACT_PROFILE)
    p["company"]["name"] = f"深圳市示例{i}号科技有限公司"
    p["company"]["years"]["2024"]["revenue"] = [60000000, 20000000, 45000000][i % 3]
    p["company"]["district"] = ["luohu", "futian", "luohu", "nanshan"][i % 4]
    project = p["projects"][0]
    project["capacity_kw"] = 200 + 150 * i
    if i % 2:
        del project["generation_kwh"]          # needs information
    if i % 5 == 4:
        p["projects"] = []
    return p


BAD = {
    "negative.json": {**copy.deepcopy(CONTRACT_PROFILE),
                      "projects": [{**CONTRACT_PROFILE["projects"][0], "capacity_kw": -5}]},
    "broken.json": "{oops",
}


@pytest.fixture()
def folder(tmp_path):
    profiles = tmp_path / "clients"
    profiles.mkdir()
    for i in range(7):
        (profiles / f"c{i}.json").write_text(json.dumps(variant(i), ensure_ascii=False), encoding="utf-8")
    return profiles


def add_bad(folder: Path) -> None:
    for name, data in BAD.items():
        text = data if isinstance(data, str) else json.dumps(data, ensure_ascii=False)
        (folder / name).write_text(text, encoding="utf-8")


def run(argv, capsys):
    code = main.main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def check_json(path: Path, capsys) -> dict:
    code, out, _err = run(["check", str(path), "--as-of", AS_OF, "--json"], capsys)
    assert code == 0
    return json.loads(out)


def sheet_rows(sheet) -> list[dict]:
    rows = list(sheet.iter_rows(values_only=True))
    head = rows[0]
    return [dict(zip(head, r, strict=True)) for r in rows[1:] if r[0] is not None]


def test_workbook_matches_single_checks(folder, tmp_path, capsys):
    add_bad(folder)
    out_file = tmp_path / "book.xlsx"
    code, out, err = run(["batch", str(folder), "--xlsx", str(out_file), "--as-of", AS_OF], capsys)
    assert code == 2                                  # some could not be read
    assert "7 家企业" in out and "2 个档案未能读取" in out
    book = openpyxl.load_workbook(out_file)
    assert book.sheetnames[0] == "汇总" and book.sheetnames[-1] == "未能读取"
    summary = sheet_rows(book["汇总"])[:7]
    assert len(summary) == 7
    for i, row in enumerate(summary):
        single = check_json(folder / f"c{i}.json", capsys)
        name = f"深圳市示例{i}号科技有限公司"
        assert row["企业名称"] == name
        assert row["推荐组合最高额（元）"] == single["plan"]["total_max"]
        statuses = [r["status"] for r in single["results"]]
        assert row["可申请（项）"] == statuses.count("eligible")
        assert row["需补充信息（项）"] == statuses.count("needs_info")
        profile = variant(i)
        names = {p["id"]: p.get("name") or p["id"] for p in profile["projects"]}
        expected = sorted((r["measure_id"], names.get(r["project_id"], "企业"), STATUS_TITLES[r["status"]],
                           r["amount"]["min"], r["amount"]["max"]) for r in single["results"])
        got = sorted((r["措施编号"], r["项目"], r["状态"], r["金额下限（元）"], r["金额上限（元）"])
                     for r in sheet_rows(book[name]))
        assert got == expected
    assert {s for s in (summary[0]["所在区"], summary[1]["所在区"])} == {"罗湖区", "福田区"}


def test_amounts_are_numbers_in_yuan_with_frozen_headers_and_filters(folder, tmp_path, capsys):
    out_file = tmp_path / "book.xlsx"
    code, _out, err = run(["batch", str(folder), "--xlsx", str(out_file), "--as-of", AS_OF], capsys)
    assert code == 0 and err == ""                    # 7 profiles: no progress lines
    book = openpyxl.load_workbook(out_file)
    assert "未能读取" not in book.sheetnames
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2"
        assert sheet.auto_filter.ref and sheet.auto_filter.ref.startswith("A1:")
    summary = book["汇总"]
    cell = summary["E2"]
    assert isinstance(cell.value, int | float) and "元" in cell.number_format
    company = book.worksheets[1]
    amounts = [c for c in company["G"][1:] if c.value is not None]
    assert amounts and all(isinstance(c.value, int | float) and "元" in c.number_format for c in amounts)
    # the name column is wide enough for its Chinese text (two units a character)
    assert summary.column_dimensions["A"].width >= text_width("深圳市示例0号科技有限公司")


def test_reasons_in_one_cell_and_missing_questions_in_words(folder, tmp_path, capsys):
    out_file = tmp_path / "book.xlsx"
    run(["batch", str(folder / "c1.json"), "--xlsx", str(out_file), "--as-of", AS_OF], capsys)
    rows = sheet_rows(openpyxl.load_workbook(out_file)["深圳市示例1号科技有限公司"])
    pending = [r for r in rows if r["状态"] == "需补充信息" and r["需补充信息"]]
    assert pending
    for r in pending:
        assert "generation_kwh" not in r["需补充信息"] and "project." not in r["需补充信息"]
    assert any("实际发电量" in r["需补充信息"] for r in pending)
    assert all("\n" in r["理由"] or "：" in r["理由"] for r in rows)


def test_unreadable_profiles_on_stderr_and_in_their_sheet(folder, tmp_path, capsys):
    add_bad(folder)
    out_file = tmp_path / "book.xlsx"
    code, _out, err = run(["batch", str(folder), "--xlsx", str(out_file), "--as-of", AS_OF], capsys)
    assert code == 2
    assert f"{folder / 'negative.json'}：projects[0].capacity_kw：" in err
    assert f"{folder / 'broken.json'}：(file)：文件不是有效的 JSON" in err
    rows = sheet_rows(openpyxl.load_workbook(out_file)["未能读取"])
    assert {(Path(r["档案文件"]).name, r["字段"]) for r in rows} == {
        ("negative.json", "projects[0].capacity_kw"), ("broken.json", "(file)")}


def test_all_read_exits_0_and_progress_is_shown_for_long_batches(folder, tmp_path, capsys):
    for i in range(7, 12):
        (folder / f"c{i}.json").write_text(json.dumps(variant(i), ensure_ascii=False), encoding="utf-8")
    code, out, err = run(["batch", str(folder), "--xlsx", str(tmp_path / "b.xlsx"), "--as-of", AS_OF], capsys)
    assert code == 0
    assert err.splitlines() == ["已检查 10/12", "已检查 12/12"]


def test_files_and_folders_mixed_checked_once(folder, tmp_path):
    files, missing = find_profiles([folder / "c0.json", folder, str(folder) + "/", tmp_path / "nope"])
    assert [f.name for f in files] == [f"c{i}.json" for i in range(7)]
    assert [(Path(m.file).name, m.field) for m in missing] == [("nope", "(file)")]
    (folder / "sub").mkdir()
    (folder / "sub" / "deep.json").write_text(json.dumps(variant(1), ensure_ascii=False), encoding="utf-8")
    (folder / ".hidden.json").write_text("{}", encoding="utf-8")
    assert len(find_profiles([folder])[0]) == 7        # not recursive; hidden files skipped


def test_no_profile_found_is_an_error_with_a_message(tmp_path, capsys):
    empty = tmp_path / "empty"
    empty.mkdir()
    code, _out, err = run(["batch", str(empty), "--xlsx", str(tmp_path / "b.xlsx")], capsys)
    assert code == 2 and "没有找到档案" in err
    assert not (tmp_path / "b.xlsx").exists()


@pytest.mark.parametrize("argv, message", [
    (["batch", "x"], "--xlsx"),
    (["batch", "--xlsx", "b.xlsx"], "PATH"),
    (["batch", "x", "--xlsx", "b.xlsx", "--expiring-days", "-1"], "--expiring-days"),
    (["batch", "x", "--xlsx", "b.xlsx", "--as-of", "2025-02-30"], "--as-of"),
])
def test_usage_errors_exit_2(argv, message, capsys):
    with pytest.raises(SystemExit) as exc:
        main.main(argv)
    assert exc.value.code == 2
    assert message in capsys.readouterr().err


@pytest.mark.parametrize("where, message", [("missing/b.xlsx", "不存在"), (".", "是文件夹")])
def test_unwritable_target_is_refused_before_checking(folder, tmp_path, capsys, where, message):
    before = sorted(p.name for p in tmp_path.iterdir())
    code, _out, err = run(["batch", str(folder), "--xlsx", str(tmp_path / where)], capsys)
    assert code == 2 and err.startswith("--xlsx: ") and message in err
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_failure_while_writing_keeps_the_old_workbook(folder, tmp_path, capsys, monkeypatch):
    target = tmp_path / "b.xlsx"
    target.write_bytes(b"the previous workbook")

    def fail(*args, **kwargs):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr("core.atomic.os.fsync", fail)
    code, _out, err = run(["batch", str(folder), "--xlsx", str(target), "--as-of", AS_OF], capsys)
    assert code == 2 and "无法写入" in err
    assert target.read_bytes() == b"the previous workbook"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.xlsx", "clients"]


def test_csv_files_are_utf8_with_bom_and_match_the_workbook(folder, tmp_path, capsys):
    add_bad(folder)
    out_dir = tmp_path / "csv"
    code, _out, _err = run(["batch", str(folder), "--xlsx", str(tmp_path / "b.xlsx"), "--csv", str(out_dir),
                            "--as-of", AS_OF], capsys)
    assert code == 2
    names = sorted(p.name for p in out_dir.iterdir())
    companies = [f"深圳市示例{i}号科技有限公司.csv" for i in range(7)]
    assert names == sorted(["summary.csv", "未能读取.csv", *companies])
    raw = (out_dir / "summary.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))
    single = check_json(folder / "c0.json", capsys)
    assert rows[0]["企业名称"] == "深圳市示例0号科技有限公司"
    assert float(rows[0]["推荐组合最高额（元）"]) == single["plan"]["total_max"]


def test_csv_folder_that_is_a_file_is_refused(folder, tmp_path, capsys):
    (tmp_path / "afile").write_text("x")
    code, _out, err = run(["batch", str(folder), "--xlsx", str(tmp_path / "b.xlsx"),
                           "--csv", str(tmp_path / "afile")], capsys)
    assert code == 2 and err.startswith("--csv: ")
    assert not (tmp_path / "b.xlsx").exists()


# -- sheet names ----------------------------------------------------------------------------------

def test_sheet_names_are_valid_and_unique(tmp_path):
    def company(name):
        return Company(tmp_path / "x.json", {"company": {"name": name}}, None, dt.datetime.now())   # type: ignore[arg-type]
    long = "深圳市" + "很长" * 30 + "有限公司"
    names = sheet_names([company(n) for n in (long, long, "a[b]:c*d?e/f\\g", "汇总", "A", "a", "'q'")])
    assert len(set(n.casefold() for n in names)) == len(names)
    assert all(len(n) <= SHEET_NAME_MAX and not set(n) & set("[]:*?/\\") for n in names)
    assert names[2] == "a_b__c_d_e_f_g" and names[3] != "汇总" and names[6] == "q"


# -- expiring soon --------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def engine(catalog):
    return Engine(catalog.measures, catalog.documents, catalog.version)


@pytest.mark.parametrize("as_of, days_left, listed", [
    (dt.date(2025, 10, 3), 89, True), (dt.date(2025, 10, 2), 90, True), (dt.date(2025, 10, 1), 91, False)])
def test_expiring_soon_at_the_boundary(engine, as_of, days_left, listed):
    ev = engine.evaluate(CONTRACT_PROFILE, as_of)
    soon = expiring_soon(ev.results, as_of)
    citations = [e.text() for e in soon]
    assert ("罗湖区十条措施 第七条（一） 2025-12-31 到期" in citations) is listed
    assert all(e.days_left == days_left for e in soon if e.valid_to == dt.date(2025, 12, 31))
    assert ("【即将到期】" in to_text(ev)) is listed
    # a wider window takes in the 91st day; only eligible results count
    assert any(e.measure_id == "lh-glc-2024/7.1" for e in expiring_soon(ev.results, as_of, 91))
    assert all(any(r.measure_id == e.measure_id and r.status == "eligible" for r in ev.results) for e in soon)


def test_expiring_in_the_workbook_and_the_option(folder, tmp_path, capsys):
    out_file = tmp_path / "b.xlsx"
    run(["batch", str(folder / "c0.json"), "--xlsx", str(out_file), "--as-of", "2025-10-01"], capsys)
    assert not sheet_rows(openpyxl.load_workbook(out_file)["汇总"])[0]["即将到期"]
    run(["batch", str(folder / "c0.json"), "--xlsx", str(out_file), "--as-of", "2025-10-01",
         "--expiring-days", "91"], capsys)
    cell = sheet_rows(openpyxl.load_workbook(out_file)["汇总"])[0]["即将到期"]
    assert "罗湖区十条措施 第一条 2025-12-31 到期" in cell


def test_checklist_lists_what_expires_soon(engine, tmp_path):
    from core.checklist.model import build_checklist
    from core.checklist.pdf import write_checklist

    ev = engine.evaluate(CONTRACT_PROFILE, dt.date(2025, 10, 2))
    checklist = build_checklist(ev, CONTRACT_PROFILE)
    assert "罗湖区十条措施 第七条（一） 2025-12-31 到期" in [e.text() for e in checklist.expiring]
    write_checklist(checklist, tmp_path / "c.pdf")
    text = subprocess.run(["pdftotext", str(tmp_path / "c.pdf"), "-"], capture_output=True, text=True,
                          check=True, timeout=60).stdout
    assert "即将到期" in text and "2025-12-31 到期" in text
    later = build_checklist(engine.evaluate(CONTRACT_PROFILE, dt.date(2025, 10, 1)), CONTRACT_PROFILE)
    assert later.expiring == []


def test_core_loop_progress_and_cancel(folder, engine):
    seen = []
    batch = check_paths([folder], engine, dt.date(2025, 10, 2), progress=lambda d, t: seen.append((d, t)))
    assert seen == [(i, 7) for i in range(1, 8)] and len(batch.companies) == 7 and not batch.cancelled
    calls = []
    stopped = check_paths([folder], engine, dt.date(2025, 10, 2),
                          cancelled=lambda: calls.append(1) or len(calls) > 3)
    assert stopped.cancelled and len(stopped.companies) == 3
