"""Issue 16 item 6: Taiwan and Hong Kong text is converted at phrase level (信息 → 資訊 in Taiwan),
in the interface, the policy text and the checklist PDF; domain words keep their meaning; one word
for the profile and one label for the reviewing body."""
from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from core import i18n
from core.i18n import convert_policy_text, translations

ROOT = Path(__file__).resolve().parent.parent


def test_taiwan_uses_taiwan_phrases_hong_kong_its_own():
    tw = translations("zh-Hant-TW").gettext
    hk = translations("zh-Hant").gettext
    assert tw("措施数据信息…") == "措施資料資訊…"
    assert hk("措施数据信息…") == "措施數據信息…"
    assert tw("申请材料清单（预览、导出、打印）…") == "申請材料清單（預覽、匯出、列印）…"
    assert tw("搜索，如：光伏、储能（至少两个字）").startswith("搜尋")
    assert hk("搜索，如：光伏、储能（至少两个字）").startswith("搜尋")     # s2hkp's one phrase we use
    assert convert_policy_text("信息", "zh-Hant-TW") == "資訊"
    assert convert_policy_text("信息", "zh-Hant") == "信息"


def test_first_unit_follows_opencc_in_each_region(catalog):
    label = next(c["label"] for m in catalog.measures if m["id"] == "sz-sepi-2024/1"
                 for c in _criteria(m["criteria"]) if "首台" in c.get("label", ""))
    assert "首臺（套）" in convert_policy_text(label, "zh-Hant-TW", "zh-Hans")
    assert "首台（套）" in convert_policy_text(label, "zh-Hant", "zh-Hans")
    assert "资讯" not in convert_policy_text(label, "zh-Hans", "zh-Hans")


def _criteria(node):
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _criteria(value)
    elif isinstance(node, list):
        for item in node:
            yield from _criteria(item)


@pytest.mark.parametrize(("simplified", "taiwan"), [
    ("统一社会信用代码", "統一社會信用代碼"),      # not 程式碼
    ("资源循环利用", "資源循環利用"),              # not 迴圈
    ("审核单位", "審核單位"),                      # not 稽核
    ("项目类型", "專案類型"),                      # 專案 yes, 型別 no
    ("支持对象", "支持對象"),                      # not 支援物件
    ("政策文件", "政策文件"),                      # not 檔案
    ("申报程序", "申報程序"),                      # not 程式
    ("区工业和信息化局", "區工業和信息化局"),       # a body's name stays as written
    ("打印机默认设置", "印表機預設設定"),          # the phrases Taiwan does say differently
    ("档案", "檔案"),
])
def test_domain_words_keep_their_meaning_in_taiwan(simplified, taiwan):
    assert convert_policy_text(simplified, "zh-Hant-TW", "zh-Hans") == taiwan
    assert i18n.convert_text(simplified, "zh-Hant-TW") == taiwan


def test_every_generated_catalog_entry_uses_the_phrase_conversion():
    from babel.messages.pofile import read_po
    for info in i18n.LOCALES.values():
        if not info.opencc:
            continue
        assert info.opencc in i18n.PHRASE_CONFIGS
        path = ROOT / "i18n" / info.catalog / "LC_MESSAGES" / "messages.po"
        with open(path, "rb") as f:
            catalog = read_po(f)
        convert = i18n.converter(info.opencc).convert
        for m in catalog:
            if m.id and "opencc" in m.flags and isinstance(m.id, str):
                assert m.string == convert(m.id), m.id


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext) is not installed")
def test_the_checklist_pdf_speaks_taiwan_phrases(catalog, tmp_path):
    from core.checklist.model import build_checklist
    from core.checklist.pdf import render_checklist
    from core.engine.evaluate import Engine
    from tests.test_checklist import AS_OF, PROFILE

    evaluation = Engine(catalog.measures, catalog.documents, catalog.version).evaluate(PROFILE, AS_OF)
    checklist = build_checklist(evaluation, PROFILE, generated_on=dt.date(2026, 11, 21))
    texts = {}
    for lang in ("zh-Hans", "zh-Hant", "zh-Hant-TW"):
        path = tmp_path / f"{lang}.pdf"
        path.write_bytes(render_checklist(checklist, lang).pdf)
        texts[lang] = re.sub(r"\s+", "", subprocess.run(["pdftotext", str(path), "-"], capture_output=True,
                                                        text=True, check=True, timeout=60).stdout)
    assert "所填信息" in texts["zh-Hans"] and "审核单位" in texts["zh-Hans"]
    assert "所填信息" in texts["zh-Hant"] and "審核單位" in texts["zh-Hant"]
    assert "所填資訊" in texts["zh-Hant-TW"] and "審核單位" in texts["zh-Hant-TW"]
    assert "信息" not in texts["zh-Hant-TW"].replace("信息化", "")


# -- one word each -------------------------------------------------------------------------------

def _our_texts() -> dict[str, str]:
    paths = [*ROOT.glob("core/**/*.py"), *ROOT.glob("ui/**/*.py"), ROOT / "main.py",
             *ROOT.glob("docs/*.md"), ROOT / "README.md", *ROOT.glob("resources/help/*"),
             ROOT / "i18n" / "messages.pot"]
    return {str(p.relative_to(ROOT)): p.read_text(encoding="utf-8") for p in paths}


def test_the_profile_is_called_dangan_everywhere():
    """档案, never 画像 (the user's file of facts about the company and its projects)."""
    assert [name for name, text in _our_texts().items() if "画像" in text] == []
    pot = (ROOT / "i18n" / "messages.pot").read_text(encoding="utf-8")
    assert "新建档案" in pot and "保存档案" in pot


def test_the_reviewing_body_has_one_label():
    """审核单位 (the texts' own word, as in 【审核单位：…】); the policies' 责任单位 stays theirs."""
    others = ("审核部门", "审批单位", "受理单位", "受理部门", "审查单位")
    found = [(name, w) for name, text in _our_texts().items() for w in others if w in text]
    assert found == []
    pot = (ROOT / "i18n" / "messages.pot").read_text(encoding="utf-8")
    assert 'msgid "审核单位"' in pot
