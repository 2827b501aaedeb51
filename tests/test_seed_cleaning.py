"""The seed cleaner (core.measures.seeds): converter noise, mangled spans, the verbatim check.

The examples are real lines of the noisy seed `002_fcefb84033106179.txt` (sz-sepi-plan-2022),
read from the bundled seeds; the properties use generated text.
"""
from __future__ import annotations

import re
import string
import unicodedata

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from core.measures.seeds import UNREADABLE, clean_converter_noise, found_verbatim, normalise
from core.resources import seeds_dir

NOISY_SEED = "002_fcefb84033106179.txt"
PLAIN_SEED = "004_4a6ba6605cf8e143.txt"


def _raw(seed: str) -> str:
    return (seeds_dir() / seed).read_text(encoding="utf-8")


RAW = _raw(NOISY_SEED)
RAW_LINES = RAW.split("\n")


def _line_with(fragment: str) -> str:
    hits = [line for line in RAW_LINES if fragment in line]
    assert len(hits) == 1, f"expected one seed line with {fragment!r}, found {len(hits)}"
    return hits[0]


# ---------------------------------------------------------------------------------------------
# real lines

def test_title_line():
    line = RAW_LINES[0]
    assert "(fā)" in line  # it really is noisy
    result = clean_converter_noise(line)
    assert result.text == "《深圳市培育發展安全節能環保產業集群行動計劃(2022-2025年)》發布"
    assert result.unreadable_spans == ()
    assert result.readings_removed == line.count("(") - 1  # every bracket but (2022-2025年)


def test_latin_and_year_parentheses_are_kept():
    mini_led = clean_converter_noise(_line_with("Mini LED")).text
    assert "Micro-LED(Mini LED)等低碳節能照明技術產品" in mini_led
    assert "變頻控制器技術(芯片)" in mini_led

    notice = clean_converter_noise(_line_with("的通知")).text
    assert notice == "關于發布《深圳市培育發展安全節能環保產業集群行動計劃(2022-2025年)》的通知"


@pytest.mark.parametrize(
    ("raw_span", "cleaned_context"),
    [
        ("?;飞a(chǎn)", "交通基礎設施、" + UNREADABLE + "經營場所"),
        ("?gòu)U", "含重金屬" + UNREADABLE + "水處理"),
        ("?qū)Ш?", "衛星應用領域" + UNREADABLE + "、遙感和污水治理"),
        ("?qū)I(yè)", "安全節能環保領域" + UNREADABLE + "人才"),
    ],
)
def test_mangled_span_becomes_unreadable(raw_span, cleaned_context):
    line = _line_with(raw_span)
    result = clean_converter_noise(line)
    assert result.unreadable_spans == (raw_span,)
    assert result.text.count(UNREADABLE) == 1
    assert cleaned_context in result.text
    assert "?" not in result.text


def test_whole_seed_is_clean():
    result = clean_converter_noise(RAW)
    assert not re.search(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+\)", result.text)
    assert "?" not in result.text
    assert result.unreadable_spans == ("?;飞a(chǎn)", "?gòu)U", "?qū)Ш?", "?qū)I(yè)")
    assert result.text.count(UNREADABLE) == 4
    # Nothing but the readings and the mangled spans went: the text keeps its lines and every
    # bracket that is not a reading.
    assert result.text.count("\n") == RAW.count("\n")
    assert "工程(技術)研究中心" in result.text
    assert "轉移中心(深圳)的研發孵化基地" in result.text


def _independent_reading_count(text: str) -> int:
    """`CJK(pinyin)` occurrences, found without the cleaner's regex: a bracket of lower-case
    letters right after a character whose Unicode name says it is a CJK ideograph."""
    count = 0
    for m in re.finditer(r"\(([^()\s]+)\)", text):
        before = text[m.start() - 1] if m.start() else ""
        inner = m.group(1)
        if before and unicodedata.name(before, "").startswith("CJK") \
                and inner.isalpha() and inner.islower():
            count += 1
    return count


def test_readings_removed_match_an_independent_count():
    result = clean_converter_noise(RAW)
    expected = _independent_reading_count(RAW)
    assert expected > 1000  # sanity: the seed is thick with readings
    assert result.readings_removed == expected


# ---------------------------------------------------------------------------------------------
# properties

HAN = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF) | \
    st.characters(min_codepoint=0x3400, max_codepoint=0x4DBF)
PUNCTUATION = sorted(set(string.punctuation) - set("()"))
PUNCTUATION_NO_QMARK = sorted(set(PUNCTUATION) - {"?"})
PINYIN_LETTERS = string.ascii_lowercase + "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü"


@given(st.text(HAN | st.sampled_from(PUNCTUATION)))
@example("是否?")
@example("是否?中;好")
def test_identity_on_han_and_ascii_punctuation(text):
    """A genuine question mark is kept: only '?' with letter debris is a mangled span."""
    assert clean_converter_noise(text).text == text


@given(st.text(HAN | st.sampled_from(PUNCTUATION_NO_QMARK)))
def test_identity_on_han_and_ascii_punctuation_without_question_mark(text):
    result = clean_converter_noise(text)
    assert result.text == text
    assert result.readings_removed == 0
    assert result.unreadable_spans == ()


@st.composite
def text_with_readings(draw):
    """(original, noisy, number of readings inserted)."""
    parts = draw(st.lists(HAN | st.sampled_from(PUNCTUATION_NO_QMARK)))
    noisy, inserted = [], 0
    for ch in parts:
        noisy.append(ch)
        if unicodedata.name(ch, "").startswith("CJK") and draw(st.booleans()):
            noisy.append("(" + draw(st.text(st.sampled_from(PINYIN_LETTERS), min_size=1, max_size=6)) + ")")
            inserted += 1
    return "".join(parts), "".join(noisy), inserted


@given(text_with_readings())
@example(("發展", "發(fā)展(zhǎn)", 2))
def test_inserted_readings_are_removed(case):
    original, noisy, inserted = case
    result = clean_converter_noise(noisy)
    assert result.text == original
    assert result.readings_removed == inserted


@given(st.text())
@example("1\n0万元")
@example("全\u3000角\u00a0空\t格")
def test_normalise_is_idempotent_and_removes_all_whitespace(text):
    once = normalise(text)
    assert normalise(once) == once
    assert not any(ch.isspace() for ch in once)
    assert once == "".join(ch for ch in text if not ch.isspace())


def test_normalise_removes_ideographic_space():
    assert normalise("\u3000\u3000工商业\u3000低碳 发展\n") == "工商业低碳发展"


# ---------------------------------------------------------------------------------------------
# found_verbatim

def test_found_verbatim_real_clause():
    assert found_verbatim("实现工业能耗下降7%，商业能耗下降5%", PLAIN_SEED)
    # across a line break and the full-width indentation of the seed
    assert found_verbatim("（二）工作目标。 通过3年的低碳发展行动", PLAIN_SEED)
    # the noisy seed: found in the cleaned text only
    clause = "培育年產值超百億企業3家以上、年產值超10億元企業20家以上"
    assert found_verbatim(clause, NOISY_SEED, clean=True)
    assert not found_verbatim(clause, NOISY_SEED, clean=False)
    assert found_verbatim("交通基礎設施、" + UNREADABLE + "經營場所", NOISY_SEED, clean=True)


def test_found_verbatim_changed_digit():
    assert not found_verbatim("实现工业能耗下降8%，商业能耗下降5%", PLAIN_SEED)
    assert not found_verbatim("培育年產值超百億企業4家以上", NOISY_SEED, clean=True)


def test_found_verbatim_empty_excerpt():
    assert not found_verbatim(" \u3000\n", PLAIN_SEED)


def test_readings_after_rare_han_characters_are_removed():
    assert clean_converter_noise("二〇(líng)二二").text == "二〇二二"
    assert clean_converter_noise("\U00020000(a)字").text == "\U00020000字"
