"""The "what changed for you" PDF, read back with pdftotext/pdffonts in each script."""
from __future__ import annotations

import datetime as dt
import shutil
import subprocess

import pytest

from core.checklist.changes_pdf import write_changes
from core.engine.changes import compare_databases
from core.i18n import unconverted_characters
from core.measures import installed as inst
from core.measures import pack as packmod
from core.measures.store import MeasuresDB
from tests.packs import make_keys, next_release
from tests.test_checklist_pdf import pdf_text
from tests.test_pack import LUOHU_COMPANY, TODAY

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                reason="poppler-utils (pdftotext) is not installed")
COMPANY = LUOHU_COMPANY["company"]["name"]        # 罗湖…: would become 羅湖 if it were converted

EXPECTED = {   # title, a kind heading with its count, the transition of 第一条, the new ceiling
    "zh-Hans": ("措施数据更新：对本单位的影响", "结论有变化（11）", "不在有效期", "300 万元"),
    "zh-Hant": ("措施數據更新：對本單位的影響", "結論有變化（11）", "不在有效期", "300 萬元"),
    "zh-Hant-TW": ("措施資料更新：對本單位的影響", "結論有變化（11）", "不在有效期", "300 萬元"),
}


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory):
    """The update's report for a Luohu company, written once per script."""
    base = tmp_path_factory.mktemp("changes")
    private, keys = make_keys()
    sources, seeds = next_release(base / "data")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("GREENMEASURES_DATA_DIR", str(base / "home"))
        mp.setattr(packmod, "trusted_keys", lambda folder=None: keys)
        switch = inst.import_pack(packmod.build_pack(private, sources, seeds))
        old, new = MeasuresDB(switch.before.path), MeasuresDB(switch.after.path)
        try:
            report = compare_databases(old, new, LUOHU_COMPANY, TODAY)
        finally:
            old.close()
            new.close()
        written = {}
        for lang in EXPECTED:
            path = base / f"{lang}.pdf"
            pages = write_changes(report, path, lang, company_name=COMPANY, before=switch.before,
                                  after=switch.after, generated_on=dt.date(2026, 11, 21))
            written[lang] = (path, pages)
    return written


@pytest.mark.parametrize("lang", list(EXPECTED))
def test_the_report_reads_in_each_script(pdfs, lang):
    path, pages = pdfs[lang]
    title, heading, was, now = EXPECTED[lang]
    flat = pdf_text(path).replace("\n", "")
    assert title in flat and heading in flat and was in flat and now in flat
    assert "lh-glc-2024/1" in flat and "sz-sepi-2024/24b" in flat and "sz-sepi-2024/24 " in flat
    assert "2026.11.21" in flat and "2026.12.1" in flat
    assert COMPANY in flat                          # typed text is never converted
    assert f"{pages} " in flat and pages >= 2
    if lang != "zh-Hans":
        assert unconverted_characters(flat.replace(COMPANY, ""), lang) == set()


def test_every_font_is_the_bundled_one_embedded(pdfs):
    out = subprocess.run(["pdffonts", str(pdfs["zh-Hant"][0])], capture_output=True, text=True,
                         check=True, timeout=60).stdout
    rows = out.splitlines()[2:]
    assert rows and all(r.split()[-5:-3] == ["yes", "yes"] for r in rows), out
