"""Every condition a support's clause states is checked against a profile fact (issue 14).

A support (`role: support`) is something a company or project applies for; a statement
(`role: statement`) is a target, task or principle. The contract says `eligible` means every
condition the clause states was checked against a fact the profile gives, so a condition recorded
only as a note is a bug: a company that typed only its name and district would be told it may apply.

The condition test is mechanical: condition phrases are extracted from each support's verbatim
clause text with the markers the documents use (对…的, 对于…的, 纳入…的, 符合条件的…, 经评定的…,
经认定的…, 取得…的, …入库…, …示范项目, 仅适用于…, 不含…), and each phrase must share a substring of
at least 4 characters (whitespace removed) with the span of a criterion of that measure, of its
document's applicability, or its `discretionary` span — or be listed, with a reason, in
tests/data/not_conditions.yaml. A lettered measure (14a, 14b, …) carries its whole clause as text,
so a phrase matched by a criterion span of a sibling support of the same clause belongs to that
sibling and is not asked of this one. Entries of the list that no longer match are stale and fail.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from core.measures.catalog import load_catalog

DATA = Path(__file__).parent / "data" / "not_conditions.yaml"
FUNDING = ("sz-sepi-2024", "sz-glc-2022", "lh-glc-2024")
STATEMENT_ONLY = ("sz-sepi-plan-2022", "sz-lcci-2011")
MIN_OVERLAP = 4

# Condition markers of the texts; each pattern's whole match is the phrase. A segment never
# crosses a sentence or clause boundary (，。；：).
SEG = r"[^，。；：、]"
SEGC = r"[^，。；：]"          # may cross enumeration commas (、)
MARKERS = [
    re.compile(rf"对于?{SEGC}{{2,60}}?的"),                 # 对…的 / 对于…的
    re.compile(rf"纳入{SEGC}{{2,40}}?的"),                  # 纳入…的
    re.compile(rf"符合条件的{SEGC}{{0,20}}"),               # 符合条件的…
    re.compile(rf"经评定的{SEGC}{{0,20}}"),                 # 经评定的…
    re.compile(rf"经认定的{SEGC}{{0,20}}"),                 # 经认定的…
    re.compile(rf"(?<!经)认定的{SEGC}{{0,20}}"),            # 认定的…
    re.compile(rf"取得{SEGC}{{2,30}}?的"),                  # 取得…的
    re.compile(rf"{SEGC}{{0,20}}入库{SEGC}{{0,10}}"),       # …入库…
    re.compile(rf"{SEGC}{{0,20}}示范项目"),                 # …示范项目
    re.compile(rf"仅适用于{SEGC}+"),                         # 仅适用于…
    re.compile(r"不含[^）)]+"),                              # （不含…）
]


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text or "")


def _spans(node) -> list[str]:
    """Every `span` inside a criteria tree (leaves and groups)."""
    out: list[str] = []
    if isinstance(node, dict):
        if isinstance(node.get("span"), str):
            out.append(node["span"])
        for value in node.values():
            if isinstance(value, (list, dict)):
                out.extend(_spans(value))
    elif isinstance(node, list):
        for item in node:
            out.extend(_spans(item))
    return out


def _leaves(node) -> list[dict]:
    out: list[dict] = []
    if isinstance(node, dict):
        if node.get("type") == "leaf":
            out.append(node)
        for value in node.values():
            if isinstance(value, (list, dict)):
                out.extend(_leaves(value))
    elif isinstance(node, list):
        for item in node:
            out.extend(_leaves(item))
    return out


def overlaps(a: str, b: str, n: int = MIN_OVERLAP) -> bool:
    a, b = _squash(a), _squash(b)
    if len(a) < n or len(b) < n:
        return False
    return any(a[i:i + n] in b for i in range(len(a) - n + 1))


def condition_phrases(text: str) -> list[str]:
    text = _squash(text)
    seen: list[str] = []
    for pattern in MARKERS:
        for m in pattern.finditer(text):
            phrase = m.group(0)
            if len(phrase) >= MIN_OVERLAP and phrase not in seen:
                seen.append(phrase)
    return seen


@pytest.fixture(scope="module")
def data():
    catalog = load_catalog()
    return catalog.measures, catalog.documents


@pytest.fixture(scope="module")
def not_conditions():
    entries = yaml.safe_load(DATA.read_text(encoding="utf-8"))["entries"]
    for e in entries:
        assert set(e) == {"measure", "phrase", "why"}, e
        assert len(e["why"].strip()) >= 8, f"{e['measure']}: 'why' must give a real reason"
    return entries


def _covered_by(m: dict, docs: dict) -> list[str]:
    spans = _spans(m.get("criteria") or [])
    spans += _spans(docs[m["document"]].get("applicability") or [])
    if m.get("discretionary"):
        spans += _spans(m["discretionary"])
    return spans


def _sibling_spans(m: dict, measures: list[dict]) -> list[str]:
    out: list[str] = []
    for other in measures:
        if (other["id"] != m["id"] and other["document"] == m["document"]
                and other["clause"] == m["clause"] and other["role"] == "support"):
            out += _spans(other.get("criteria") or [])
    return out


def uncovered(measures, docs, not_conditions) -> tuple[list[str], list[dict]]:
    listed = {(e["measure"], _squash(e["phrase"])): e for e in not_conditions}
    used: set = set()
    problems: list[str] = []
    for m in measures:
        if m["role"] != "support":
            continue
        own = _covered_by(m, docs)
        siblings = _sibling_spans(m, measures)
        for phrase in condition_phrases(m["text"]):
            if any(overlaps(phrase, s) for s in own):
                continue
            key = (m["id"], phrase)
            if key in listed:
                used.add(key)
                continue
            if any(overlaps(phrase, s) for s in siblings):
                continue
            problems.append(f"{m['id']}: condition {phrase!r} has no criterion")
    stale = [e for k, e in listed.items() if k not in used]
    return problems, stale


def test_every_stated_condition_is_a_criterion(data, not_conditions):
    measures, docs = data
    problems, _ = uncovered(measures, docs, not_conditions)
    assert not problems, "\n".join(problems)


def test_no_stale_not_conditions(data, not_conditions):
    measures, docs = data
    _, stale = uncovered(measures, docs, not_conditions)
    assert not stale, "stale entries in tests/data/not_conditions.yaml:\n" + "\n".join(
        f"{e['measure']}: {e['phrase']}" for e in stale)


def test_every_support_has_a_criterion_beyond_applicability(data):
    measures, _ = data
    bare = []
    for m in measures:
        if m["role"] != "support":
            continue
        leaves = [leaf for leaf in _leaves(m.get("criteria") or []) if leaf["fact"] != "project.type"]
        if not leaves:
            bare.append(m["id"])
    assert not bare, f"supports with no criterion of their own: {bare}"


def test_statements_have_nothing_to_check_or_pay(data):
    measures, _ = data
    wrong = []
    for m in measures:
        if m["role"] != "statement":
            continue
        benefit = m.get("benefit") or {}
        if m.get("criteria") or m.get("discretionary") or m.get("vague") \
                or benefit.get("formula", "none") != "none" \
                or (m.get("stacking") or {}).get("excludes"):
            wrong.append(m["id"])
    assert not wrong, f"statements with criteria, benefit, vague or exclusions: {wrong}"


def test_plans_and_history_are_statements_only(data):
    measures, _ = data
    wrong = [m["id"] for m in measures if m["document"] in STATEMENT_ONLY and m["role"] != "statement"]
    assert not wrong, wrong
    assert any(m["document"] in STATEMENT_ONLY for m in measures)


def test_funding_documents_have_supports(data):
    measures, _ = data
    for doc in FUNDING:
        assert any(m["document"] == doc and m["role"] == "support" for m in measures), doc


def test_the_check_can_fail():
    """The extractor finds the conditions issue 14 named, and an unrelated span does not cover them."""
    text = ("对承运出口汽车的船公司，给予运营费用补贴。对于认定的市级废旧物资示范企业给予奖励。"
            "对纳入国家、省、市首台（套）重大技术装备推广应用指导目录的安全应急首台（套）技术装备，"
            "对国家（深圳）气候投融资项目库入库项目融资给予财政资金支持。")
    phrases = condition_phrases(text)
    for needle in ("承运出口汽车", "市级废旧物资示范企业", "首台（套）重大技术装备", "气候投融资项目库入库"):
        assert any(needle in p for p in phrases), (needle, phrases)
    assert not any(overlaps(p, "给予运营费用补贴") for p in phrases if "承运" in p)
    measure = {"id": "x-2024/1", "document": "x", "clause": "（一）", "role": "support",
               "text": text, "criteria": []}
    problems, _ = uncovered([measure], {"x": {}}, [])
    assert len(problems) >= 4
