"""core.i18n: run-time language switch, catalogs, OpenCC policy text, Babel formatting, the font."""
from __future__ import annotations

import datetime as dt
import gc
import gettext
import io
import re
import shutil
import tomllib
from decimal import Decimal
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

import core.i18n as i18n
from core.i18n import N_, _, ngettext
from i18n import update

ROOT = Path(__file__).resolve().parent.parent
HANT = [info for info in i18n.LOCALES.values() if info.opencc]


@pytest.fixture(autouse=True)
def _fresh_language_state(monkeypatch):
    """Every test starts in Simplified with no listeners and leaves the module as it found it."""
    monkeypatch.setattr(i18n, "_current", i18n.DEFAULT_LANGUAGE)
    monkeypatch.setattr(i18n, "_listeners", [])
    i18n.reload_catalogs()
    yield
    i18n.reload_catalogs()


# -- the current language -----------------------------------------------------------------------

def test_switching_language_changes_messages_at_run_time():
    # `_` was imported at the top of this module, before any switch: it must follow the switch.
    assert i18n.current_language() == "zh-Hans"
    assert _("金额未列明") == "金额未列明"
    assert i18n.set_language("zh-Hant") == "zh-Hant"
    assert _("金额未列明") == "金額未列明"
    assert _("不少于 {low}，上限未列明") == "不少於 {low}，上限未列明"
    i18n.set_language("zh-Hant-TW")
    assert i18n.current_language() == "zh-Hant-TW"
    assert _("{amount} 万元") == "{amount} 萬元"
    i18n.set_language("zh-Hans")
    assert _("金额未列明") == "金额未列明"


def test_n_marks_without_translating_and_ngettext_follows_the_language():
    i18n.set_language("zh-Hant")
    assert N_("金额未列明") == "金额未列明"
    assert ngettext("{n} 项措施", "{n} 项措施", 3) == "{n} 項措施"   # not in a catalog: OpenCC


def test_language_codes_and_aliases():
    assert list(i18n.LOCALES) == ["zh-Hans", "zh-Hant", "zh-Hant-TW"]
    assert [(i.babel, i.catalog, i.opencc) for i in i18n.LOCALES.values()] == [
        ("zh_Hans_CN", "zh_Hans", None), ("zh_Hant_HK", "zh_Hant_HK", "s2hkp"),
        ("zh_Hant_TW", "zh_Hant_TW", "s2twp")]
    assert [i.name for i in i18n.available_languages()] == [
        "简体中文", "繁體中文（香港）", "繁體中文（台灣）"]
    for alias, code in [("zh_Hant_TW", "zh-Hant-TW"), ("zh-TW", "zh-Hant-TW"), ("zh_HK", "zh-Hant"),
                        ("zh-hant", "zh-Hant"), ("zh_CN", "zh-Hans"), ("zh_Hans_CN", "zh-Hans")]:
        assert i18n.normalize_language(alias) == code
    with pytest.raises(ValueError, match="zh-Hans, zh-Hant, zh-Hant-TW"):
        i18n.set_language("en")
    assert i18n.current_language() == "zh-Hans"


def test_listeners_hear_each_switch_once():
    heard = []
    i18n.on_language_changed(heard.append)
    i18n.set_language("zh-Hant")
    i18n.set_language("zh-Hant")          # no change, no call
    i18n.set_language("zh-TW")
    assert heard == ["zh-Hant", "zh-Hant-TW"]
    i18n.remove_language_listener(heard.append)
    i18n.set_language("zh-Hans")
    assert heard == ["zh-Hant", "zh-Hant-TW"]


def test_bound_method_listeners_do_not_keep_their_object_alive():
    class Widget:
        def __init__(self):
            self.texts = []

        def retranslate(self, code):
            self.texts.append(_("金额未列明"))

    widget = Widget()
    i18n.on_language_changed(widget.retranslate)
    i18n.set_language("zh-Hant")
    assert widget.texts == ["金額未列明"]
    del widget
    gc.collect()
    i18n.set_language("zh-Hans")
    assert i18n._listeners == []


def test_a_failing_listener_does_not_stop_the_others():
    heard = []

    def broken(code):
        raise RuntimeError("widget already deleted")

    i18n.on_language_changed(broken)
    i18n.on_language_changed(heard.append)
    with pytest.raises(RuntimeError, match="already deleted"):
        i18n.set_language("zh-Hant")
    assert heard == ["zh-Hant"]
    assert i18n.current_language() == "zh-Hant"


def test_rendering_in_another_language_does_not_switch_the_ui():
    # A Traditional PDF printed from a Simplified window (maybe in a worker thread).
    assert i18n.translations("zh-Hant-TW").gettext("金额未列明") == "金額未列明"
    assert i18n.format_amount_range(0, None, "zh-Hant-TW") == "金額未列明"
    assert i18n.current_language() == "zh-Hans"
    assert _("金额未列明") == "金额未列明"


# -- catalogs -----------------------------------------------------------------------------------

def test_catalogs_are_up_to_date_with_the_source():
    problems = update.check()
    assert not problems, (
        "the message catalogs are out of date; run `python i18n/update.py` and include the changed "
        "files under i18n/ in your commit:\n  " + "\n  ".join(problems))


def _po(info) -> Catalog:
    with open(update.po_path(info), "rb") as f:
        return read_po(f, locale=info.catalog)


@pytest.mark.parametrize("info", HANT, ids=lambda i: i.code)
def test_traditional_catalogs_hold_no_simplified_text(info):
    convert = i18n.converter(info.opencc).convert
    catalog = _po(info)
    entries = [m for m in catalog if m.id]
    assert entries, "the catalog is empty"
    for m in entries:
        strings = m.string if isinstance(m.string, (list, tuple)) else [m.string]
        msgid = m.id if isinstance(m.id, str) else m.id[-1]
        for s in strings:
            assert s, f"untranslated: {m.id!r}"
            if update.GENERATED in m.flags:
                assert s == convert(msgid), f"generated entry differs from {info.opencc}: {m.id!r}"
            # OpenCC finds nothing left to convert: no Simplified-only character remains.
            assert i18n.unconverted_characters(s, info.code) == set(), \
                f"Simplified text in {info.catalog}: {s!r}"
            assert set(re.findall(r"{\w*}", s)) == set(re.findall(r"{\w*}", msgid)), \
                f"placeholders differ: {m.id!r} -> {s!r}"


def test_simplified_catalog_translates_to_itself():
    catalog = _po(i18n.LOCALES["zh-Hans"])
    assert {m.id for m in catalog if m.id} == {m.id for m in _po(HANT[0]) if m.id}
    assert i18n.translations("zh-Hans").gettext("金额未列明") == "金额未列明"


def test_missing_compiled_catalog_is_compiled_from_the_po_in_memory(tmp_path, monkeypatch):
    copy = tmp_path / "i18n"
    shutil.copytree(i18n.catalog_dir(), copy, ignore=shutil.ignore_patterns("*.mo", "__pycache__"))
    monkeypatch.setattr(i18n, "catalog_dir", lambda: copy)
    i18n.reload_catalogs()
    t = i18n.translations("zh-Hant")
    assert t.gettext("金额未列明") == "金額未列明"
    assert "金额未列明" in t._catalog   # from the .po, not from the OpenCC fallback
    assert not list(copy.rglob("*.mo")), "nothing is written"


def test_message_missing_from_a_traditional_catalog_is_converted_on_the_fly():
    assert i18n.translations("zh-Hant").gettext("这条消息还没有进入目录") == "這條消息還沒有進入目錄"
    assert i18n.translations("zh-Hant-TW").gettext("厂房里") == "廠房裡"
    assert i18n.translations("zh-Hant").gettext("厂房里") == "廠房裏"
    assert i18n.translations("zh-Hans").gettext("厂房里") == "厂房里"


def _old_catalog() -> Catalog:
    old = Catalog(locale="zh_Hant_HK")
    old.add("金额未列明", "金額未列明", flags=["opencc"])                # generated, unchanged
    old.add("打印清单", "列印清單")                                       # written by a person
    old.add("保存草稿", "儲存草稿", flags=["opencc"])                     # generated, then edited
    old.add("申请材料清单", "申請材料清單", flags=["opencc"])              # generated; msgid will change
    old.add("导出全部档案", "匯出全部檔案")                                # a person's; msgid will change
    old.add("旧版功能说明", "舊版功能說明", flags=["opencc"])   # no longer in the source
    return old


def test_fill_generates_refreshes_and_keeps_human_edits():
    template = Catalog()
    for msgid in ["金额未列明", "打印清单", "保存草稿", "申请材料的清单", "导出全部的档案", "新的消息"]:
        template.add(msgid)
    template.add(("{n} 项措施", "{n} 项措施"))
    catalog = _old_catalog()
    catalog.update(template)
    counts = update.fill_traditional(catalog, "s2hk")

    def entry(msgid):
        return catalog[msgid]

    assert entry("金额未列明").string == "金額未列明" and "opencc" in entry("金额未列明").flags
    assert entry("打印清单").string == "列印清單" and "opencc" not in entry("打印清单").flags
    assert entry("保存草稿").string == "儲存草稿" and "opencc" not in entry("保存草稿").flags
    regenerated = entry("申请材料的清单")
    assert regenerated.string == "申請材料的清單" and not regenerated.fuzzy and "opencc" in regenerated.flags
    human = entry("导出全部的档案")
    assert human.string == "匯出全部檔案" and human.fuzzy   # kept for a person to review
    assert entry("新的消息").string == "新的消息" and "opencc" in entry("新的消息").flags
    assert tuple(entry("{n} 项措施").string) == ("{n} 項措施",)
    assert counts == {"generated": 2, "regenerated": 1, "human": 3, "needs review": 1}
    # A fuzzy entry is not compiled: at run time the OpenCC fallback speaks for it.
    po = io.BytesIO()
    write_po(po, catalog)
    compiled = gettext.GNUTranslations(io.BytesIO(i18n.compile_po(po.getvalue())))._catalog
    assert "导出全部的档案" not in compiled and compiled["申请材料的清单"] == "申請材料的清單"


def test_update_drops_stale_generated_entries_but_keeps_a_persons(tmp_path, monkeypatch):
    info = i18n.LOCALES["zh-Hant"]
    old = _old_catalog()
    old.add("关于本软件", "關於本軟體")
    path = tmp_path / "messages.po"
    with open(path, "wb") as f:
        write_po(f, old)
    monkeypatch.setattr(update, "po_path", lambda _info: path)
    template = Catalog()
    template.add("金额未列明")
    catalog, counts = update.updated_catalog(info, template)
    assert [m.id for m in catalog if m.id] == ["金额未列明"]
    obsolete = {m.id for m in catalog.obsolete.values()}
    assert "关于本软件" in obsolete and "打印清单" in obsolete
    assert "旧版功能说明" not in obsolete and "金额未列明" not in obsolete


# -- policy text --------------------------------------------------------------------------------

def test_policy_text_is_converted_for_the_target_script():
    text = "发展节能环保产业"
    assert i18n.convert_policy_text(text, "zh-Hant") == "發展節能環保產業"
    assert i18n.convert_policy_text(text, "zh-Hant-TW") == "發展節能環保產業"
    assert i18n.convert_policy_text(text, "zh-Hans") == text
    # Hong Kong and Taiwan conventions differ.
    assert i18n.convert_policy_text("厂房里着力发展", "zh-Hant") == "廠房裏着力發展"
    assert i18n.convert_policy_text("厂房里着力发展", "zh-Hant-TW") == "廠房裡著力發展"
    # The 2022 plan is in Traditional: Simplified readers get it in Simplified.
    assert i18n.convert_policy_text("發展節能環保產業", "zh-Hans") == text
    assert i18n.convert_policy_text("發展節能環保產業", "zh-Hans", source_script="zh-Hant") == text
    assert (i18n.convert_policy_text("發展節能環保產業", "zh-Hant-TW", source_script="zh-Hant")
            == "發展節能環保產業")
    assert i18n.convert_policy_text("", "zh-Hant") == ""
    assert i18n.detect_script("深圳市培育發展安全節能環保產業集群行動計劃") == "zh-Hant"
    assert i18n.detect_script("深圳市培育发展安全节能环保产业集群行动计划") == "zh-Hans"


def test_user_names_stay_as_typed_around_converted_text():
    """Only the template and the policy text are converted; the typed name is inserted after."""
    company = "深圳市绿色发展科技有限公司"
    i18n.set_language("zh-Hant")
    line = _("{low} ～ {high}").format(low=company, high=i18n.convert_policy_text("节能改造", "zh-Hant"))
    assert line == "深圳市绿色发展科技有限公司 ～ 節能改造"


# -- formatting ---------------------------------------------------------------------------------

@pytest.mark.parametrize("code, yuan, wan, at_least, up_to, both", [
    ("zh-Hans", "225,000 元", "22.5 万元", "不少于 5 万元，上限未列明", "最高 22.5 万元",
     "5 万元 ～ 22.5 万元"),
    ("zh-Hant", "225,000 元", "22.5 萬元", "不少於 5 萬元，上限未列明", "最高 22.5 萬元",
     "5 萬元 ～ 22.5 萬元"),
    ("zh-Hant-TW", "225,000 元", "22.5 萬元", "不少於 5 萬元，上限未列明", "最高 22.5 萬元",
     "5 萬元 ～ 22.5 萬元"),
])
def test_money_per_locale(code, yuan, wan, at_least, up_to, both):
    assert i18n.format_money(225000, code) == yuan
    assert i18n.format_money(Decimal(225000), code, unit="wan") == wan
    assert i18n.format_amount_range(50000, None, code, unit="wan") == at_least
    assert i18n.format_amount_range(0, 225000, code, unit="wan") == up_to
    assert i18n.format_amount_range(None, 225000, code, unit="wan") == up_to
    assert i18n.format_amount_range(50000, 225000, code, unit="wan") == both
    assert i18n.format_amount_range(225000, 225000, code, unit="wan") == wan
    assert i18n.format_amount_range(0, None, code) == ("金额未列明" if code == "zh-Hans" else "金額未列明")


def test_money_is_exact():
    assert i18n.format_money(Decimal("1234.5"), "zh-Hans") == "1,234.50 元"
    assert i18n.format_money(225001, "zh-Hans", unit="wan") == "22.5001 万元"
    assert i18n.format_money(Decimal("225000.01"), "zh-Hans", unit="wan") == "22.500001 万元"
    assert i18n.format_money(12_345_678_900, "zh-Hans", unit="wan") == "1,234,567.89 万元"
    assert i18n.format_money(9999, "zh-Hans", unit="auto") == "9,999 元"
    assert i18n.format_money(10000, "zh-Hans", unit="auto") == "1 万元"
    assert i18n.format_money(0, "zh-Hans") == "0 元"
    with pytest.raises(TypeError):
        i18n.format_money(1.5, "zh-Hans")
    with pytest.raises(TypeError):
        i18n.format_money(True, "zh-Hans")
    with pytest.raises(ValueError):
        i18n.format_money(1, "zh-Hans", unit="jiao")
    with pytest.raises(ValueError):
        i18n.format_money(Decimal("NaN"), "zh-Hans")


def test_formatting_follows_the_current_language_when_no_code_is_given():
    assert i18n.format_money(225000, unit="wan") == "22.5 万元"
    i18n.set_language("zh-Hant")
    assert i18n.format_money(225000, unit="wan") == "22.5 萬元"


@pytest.mark.parametrize("code, short", [("zh-Hans", "2025/6/30"), ("zh-Hant", "30/6/2025"),
                                          ("zh-Hant-TW", "2025/6/30")])
def test_dates_numbers_percent_per_locale(code, short):
    day = dt.date(2025, 6, 30)
    assert i18n.format_date(day, code) == "2025年6月30日"
    assert i18n.format_date("2025-06-30", code) == "2025年6月30日"
    assert i18n.format_date(dt.datetime(2025, 6, 30, 23, 59), code) == "2025年6月30日"
    assert i18n.format_date(day, code, "short") == short
    assert i18n.format_number(1234567.891, code) == "1,234,567.891"
    assert i18n.format_number(Decimal("5000"), code) == "5,000"
    assert i18n.format_number(Decimal("2.5"), code, max_decimals=0) == "2"   # half-even
    assert i18n.format_percent(Decimal("0.3"), code) == "30%"
    assert i18n.format_percent(Decimal("0.125"), code) == "12.5%"
    assert i18n.format_percent(Decimal("0.00125"), code) == "0.12%"


def test_formatting_ignores_the_process_locale(monkeypatch):
    for name in ("LC_ALL", "LC_NUMERIC", "LC_TIME", "LANG", "LANGUAGE"):
        monkeypatch.setenv(name, "de_DE.UTF-8")
    assert i18n.format_money(Decimal("1234567.5"), "zh-Hans") == "1,234,567.50 元"
    assert i18n.format_date(dt.date(2025, 6, 30), "zh-Hant-TW") == "2025年6月30日"
    assert i18n.format_percent(Decimal("0.125"), "zh-Hant") == "12.5%"


# -- Qt's own catalogs, the font, packaging ------------------------------------------------------

def test_qt_translation_names_name_files_pyside6_ships():
    from PySide6.QtCore import QLibraryInfo

    folder = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))
    for info in i18n.LOCALES.values():
        names = i18n.qt_translation_names(info.code)
        assert names[0].startswith("qtbase_zh_")
        assert any((folder / f"{n}.qm").is_file() for n in names), (info.code, names)
    assert i18n.qt_translation_names("zh-Hant") == ["qtbase_zh_HK", "qtbase_zh_TW"]


def test_bundled_font_and_its_licence():
    path = i18n.font_path()
    assert path.is_file() and path.stat().st_size > 4_000_000
    assert "Apache License" in i18n.font_licence_path().read_text(encoding="utf-8")
    folder = path.parent
    assert "Apache-2.0" in (folder / "COPYRIGHT.debian.txt").read_text(encoding="utf-8")
    assert "0.2.0-beta" in (folder / "README.md").read_text(encoding="utf-8")


def test_reportlab_registers_the_font():
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    font = TTFont("GreenMeasuresTestCJK", str(i18n.font_path()), subfontIndex=i18n.FONT_SUBFONT_INDEX)
    pdfmetrics.registerFont(font)
    assert font.face.familyName == i18n.FONT_FAMILY.encode()
    assert pdfmetrics.stringWidth("發展节能", "GreenMeasuresTestCJK", 10) > 0
    # Every character of the Traditional and Simplified catalogs has a glyph.
    chars = {c for info in i18n.LOCALES.values() for m in _po(info) if m.id
             for c in (m.id if isinstance(m.id, str) else m.id[-1]) + str(m.string) if ord(c) > 0x2e80}
    missing = sorted(c for c in chars if ord(c) not in font.face.charToGlyph)
    assert not missing, f"characters without a glyph: {''.join(missing)}"


def test_qt_loads_the_font(qapp):
    from PySide6.QtGui import QFontDatabase

    font_id = QFontDatabase.addApplicationFont(str(i18n.font_path()))
    assert font_id != -1
    try:
        assert i18n.FONT_FAMILY in QFontDatabase.applicationFontFamilies(font_id)
    finally:
        QFontDatabase.removeApplicationFont(font_id)


def test_packaging_ships_the_catalogs_and_the_font():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    assert "i18n" in config["packages"]["find"]["include"]
    data = config["package-data"]
    assert "**/*" in data["resources"]          # resources/fonts/* included
    for pattern in ("*/LC_MESSAGES/messages.mo", "*/LC_MESSAGES/messages.po"):
        assert pattern in data["i18n"]
    for info in i18n.LOCALES.values():
        assert update.mo_path(info).is_file(), "run python i18n/update.py"
