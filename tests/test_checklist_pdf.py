"""The checklist PDF, read back the way a user's tools read it: pdftotext, pdffonts, pdfinfo
(poppler-utils, installed by .ci/run). And `python main.py checklist` per shared/contract/cli.md."""
from __future__ import annotations

import copy
import datetime as dt
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import opencc
import pytest

import main
from core.checklist.model import build_checklist
from core.checklist.pdf import render_checklist
from core.engine.evaluate import Engine
from core.i18n import unconverted_characters
from tests.test_checklist import AS_OF, PROFILE

ROOT = Path(__file__).resolve().parent.parent
COMPANY = PROFILE["company"]["name"]            # 深圳市绿能发展科技有限公司: Simplified-only 绿 发
PROJECT = PROFILE["projects"][0]["name"]        # 厂房屋顶分布式光伏

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                reason="poppler-utils (pdftotext) is not installed")

EXPECTED = {
    # language: (title, citation, amount, page label, section, a word that differs HK/TW)
    "zh-Hans": ("申请材料清单", "罗湖区十条措施 第七条（一）", "最高 22.5 万元", "第 1 页 / 共",
                "二、分项材料清单", "说明"),
    "zh-Hant": ("申請材料清單", "羅湖區十條措施 第七條（一）", "最高 22.5 萬元", "第 1 頁 / 共",
                "二、分項材料清單", "説明"),
    "zh-Hant-TW": ("申請材料清單", "羅湖區十條措施 第七條（一）", "最高 22.5 萬元", "第 1 頁 / 共",
                   "二、分項材料清單", "說明"),
}


@pytest.fixture(scope="module")
def engine(catalog):
    return Engine(catalog.measures, catalog.documents, catalog.version)


@pytest.fixture(scope="module")
def checklist(engine):
    evaluation = engine.evaluate(PROFILE, AS_OF)
    return build_checklist(evaluation, PROFILE, generated_on=dt.date(2026, 11, 21))


def pdf_text(path: Path, *args: str) -> str:
    return subprocess.run(["pdftotext", *args, str(path), "-"], capture_output=True, text=True,
                          check=True, timeout=60).stdout


def pdf_pages(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True,
                          timeout=60).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M)[1])


@pytest.fixture(scope="module")
def pdfs(checklist, tmp_path_factory):
    """lang → (rendered, path), each rendered once for the module."""
    folder = tmp_path_factory.mktemp("pdf")
    out = {}
    for lang in EXPECTED:
        result = render_checklist(checklist, lang)
        path = folder / f"checklist-{lang}.pdf"
        path.write_bytes(result.pdf)
        out[lang] = (result, path)
    return out


@pytest.fixture(params=list(EXPECTED))
def rendered(request, pdfs):
    return (request.param, *pdfs[request.param])


def test_text_is_extractable_in_the_right_script(rendered):
    lang, result, path = rendered
    title, citation, amount, page_label, section, variant = EXPECTED[lang]
    text = pdf_text(path)
    flat = text.replace("\n", "")
    assert title in text and section in text and variant in flat
    assert citation in flat
    assert amount in flat
    # each measure shows how its amount was reached (issue 14): the PV project's 0.25 元/千瓦时
    calculation = {"zh-Hans": "计算：900000 千瓦时 × 0.25 元/千瓦时 = 22.5 万元"}.get(
        lang, "計算：900000 千瓦時 × 0.25 元/千瓦時 = 22.5 萬元")
    assert calculation.replace(" ", "") in flat.replace(" ", "")
    # pdftotext keeps or drops the thin gaps around the page numbers depending on their width
    assert f"{page_label} {result.pages}".replace(" ", "") in flat.replace(" ", "")
    # what the user typed is printed as typed, in every script
    assert COMPANY in flat and PROJECT in flat and "91440303MA5EXAMP1T" in flat
    # the reading order: title, summary, per measure, merged list
    order = [flat.index(s) for s in (title, EXPECTED[lang][4][:1] + "、", section)]
    assert order == sorted(order)


@pytest.mark.parametrize("lang", ["zh-Hant", "zh-Hant-TW"])
def test_traditional_has_no_simplified_only_characters(pdfs, lang):
    path = pdfs[lang][1]
    flat = pdf_text(path).replace("\n", "")
    for typed in (COMPANY, PROJECT):
        flat = flat.replace(typed, "")
    assert unconverted_characters(flat, lang) == set()


def test_simplified_has_no_traditional_only_characters(pdfs):
    path = pdfs["zh-Hans"][1]
    to_simplified = opencc.OpenCC("t2s")
    flat = pdf_text(path).replace("\n", "")
    assert {c for c in set(flat) if to_simplified.convert(c) != c} == set()


def test_every_font_is_embedded(rendered):
    _, _, path = rendered
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True,
                         timeout=60).stdout
    rows = out.splitlines()[2:]
    assert rows, out
    for row in rows:
        # name type encoding emb sub uni object ID: emb and sub are the 3rd and 4th from the end
        cols = row.split()
        assert cols[-5] == "yes" and cols[-4] == "yes", row    # embedded, as a subset


def test_page_count_is_plausible(rendered, checklist):
    _, result, path = rendered
    assert pdf_pages(path) == result.pages
    # a summary row, a section and documents per measure: more than one page, under ~1.5 a measure
    assert 2 <= result.pages <= 2 + len(checklist.entries) * 1.5


def test_every_page_has_its_footer(rendered):
    lang, result, path = rendered
    text = pdf_text(path)
    pages = text.split("\f")
    word = "页" if lang == "zh-Hans" else "頁"
    for number, page in enumerate(pages[:result.pages], start=1):
        assert f"第{number}{word}/共{result.pages}{word}" in page.replace(" ", "")


def test_an_empty_checklist_is_one_explanatory_page(engine, tmp_path):
    evaluation = engine.evaluate(PROFILE, AS_OF)
    empty = build_checklist(evaluation, PROFILE, selection=[])
    result = render_checklist(empty, "zh-Hans")
    path = tmp_path / "empty.pdf"
    path.write_bytes(result.pdf)
    assert result.pages == 1
    assert "没有选定的措施" in pdf_text(path).replace("\n", "")


def test_markup_characters_typed_by_the_user_are_printed(engine, tmp_path):
    profile = copy.deepcopy(PROFILE)
    profile["company"]["name"] = "A&B <绿色> 公司"
    evaluation = engine.evaluate(profile, AS_OF)
    result = render_checklist(build_checklist(evaluation, profile), "zh-Hant")
    path = tmp_path / "markup.pdf"
    path.write_bytes(result.pdf)
    assert "A&B <绿色> 公司" in pdf_text(path)


# -- the command line ---------------------------------------------------------------------------

@pytest.fixture()
def profile_file(tmp_path):
    path = tmp_path / "profile.json"
    path.write_text(json.dumps(PROFILE, ensure_ascii=False), encoding="utf-8")
    return path


def run(argv, capsys):
    code = main.main(argv)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("lang", list(EXPECTED))
def test_cli_writes_the_pdf(profile_file, tmp_path, capsys, lang):
    target = tmp_path / "清单.pdf"
    code, out, err = run(["checklist", str(profile_file), "--out", str(target), "--lang", lang,
                          "--as-of", AS_OF.isoformat()], capsys)
    assert code == 0, err
    assert err == ""
    assert target.read_bytes().startswith(b"%PDF-")
    assert EXPECTED[lang][1] in pdf_text(target).replace("\n", "")
    assert str(target) in out and f"共 {pdf_pages(target)} 页" in out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["profile.json", "清单.pdf"]


def test_cli_invalid_profile_writes_nothing(tmp_path, capsys):
    bad = copy.deepcopy(PROFILE)
    bad["projects"][0]["capacity_kw"] = -5
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad, ensure_ascii=False), encoding="utf-8")
    target = tmp_path / "out.pdf"
    code, out, err = run(["checklist", str(path), "--out", str(target)], capsys)
    assert code == 2
    assert "projects[0].capacity_kw: must be ≥ 0, got -5" in err
    assert not target.exists() and out == ""


@pytest.mark.parametrize("where, message", [
    ("missing/out.pdf", "不存在"),
    (".", "是文件夹"),
    ("profile.json/out.pdf", "不存在"),       # a file where the folder should be
])
def test_cli_unwritable_target_is_refused(profile_file, tmp_path, capsys, where, message):
    before = sorted(p.name for p in tmp_path.iterdir())
    code, out, err = run(["checklist", str(profile_file), "--out", str(tmp_path / where)], capsys)
    assert code == 2
    assert err.startswith("--out: ") and message in err
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_cli_failure_while_writing_keeps_the_old_file(profile_file, tmp_path, capsys, monkeypatch):
    target = tmp_path / "out.pdf"
    target.write_bytes(b"the previous checklist")

    def fail(*args, **kwargs):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr("core.atomic.os.fsync", fail)
    code, out, err = run(["checklist", str(profile_file), "--out", str(target),
                          "--as-of", AS_OF.isoformat()], capsys)
    assert code == 2
    assert "无法写入" in err and "No space left on device" in err
    assert target.read_bytes() == b"the previous checklist"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.pdf", "profile.json"]


def test_cli_bad_language_is_a_usage_error(profile_file, tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        main.main(["checklist", str(profile_file), "--out", str(tmp_path / "x.pdf"), "--lang", "en"])
    assert exc.value.code == 2
    assert "invalid choice: 'en'" in capsys.readouterr().err
    assert not (tmp_path / "x.pdf").exists()


def test_cli_real_process(profile_file, tmp_path):
    target = tmp_path / "out.pdf"
    proc = subprocess.run([sys.executable, str(ROOT / "main.py"), "checklist", str(profile_file),
                           "--out", str(target), "--lang", "zh-Hant", "--as-of", "2025-06-30"],
                          capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "申請材料清單" in pdf_text(target)


def test_the_checklist_reads_in_plan_order_and_names_the_release(catalog, tmp_path):
    """Issue 16 item 8: the selected supports by amount, whatever order they were ticked in; the
    data named by its release (version and date), not a hash; a heading never alone at a page foot."""
    from core.measures.catalog import read_release
    release = read_release()
    engine = Engine(catalog.measures, catalog.documents, catalog.version, release)
    evaluation = engine.evaluate(PROFILE, AS_OF)
    planned = build_checklist(evaluation, PROFILE, generated_on=dt.date(2026, 11, 21))
    highs = [e.amount_max for e in planned.entries]
    known = [h for h in highs if h is not None]
    assert len(known) >= 2 and known == sorted(known, reverse=True)
    assert highs[: len(known)] == known                       # unstated amounts come last
    keys = [(e.result.measure_id, e.result.project_id) for e in planned.entries]
    ticked = build_checklist(evaluation, PROFILE, list(reversed(keys)), generated_on=dt.date(2026, 11, 21))
    assert [(e.result.measure_id, e.result.project_id) for e in ticked.entries] == keys
    assert [e.number for e in ticked.entries] == list(range(1, len(keys) + 1))

    path = tmp_path / "c.pdf"
    path.write_bytes(render_checklist(planned, "zh-Hans").pdf)
    text = pdf_text(path)
    assert f"版本 {release.version}" in text and catalog.version not in text
    pages = text.split("\f")
    with_heading = next(p for p in pages if "二、分项材料清单" in p)
    after = with_heading[with_heading.index("二、分项材料清单"):]
    assert re.search(r"\n1\. ", after), "the section heading is not followed by its first entry"
