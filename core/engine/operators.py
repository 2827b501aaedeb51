"""Criterion operators: one registry entry per operator, carrying everything about it.

An entry says which facts the operator reads, how the data validator checks a leaf that uses it,
whether its value is a threshold that must be found in the cited text and that the scenarios must
see met and not met, and how the engine decides it. The validator (core.measures.validate), the
engine (core.engine.criteria) and the scenario coverage (tests/test_scenarios.py) all read
`OPERATORS`: adding an operator is adding one entry here.

Each evaluation is tri-state: met (True), not met (False) or unknown (None, with the facts that
would decide it). 首年 = the calendar year of settling in (year_index_in); growth = `{last_year}`
over `{last_year-1}`.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from core.engine.context import (
    MISSING,
    ORDERED,
    Context,
    Counter,
    Outcome,
    Verdict,
    anniversary,
    compare,
    compile_item_counts,
    item_counts,
    number,
    numeric,
    outcome_of,
    to_date,
    unknown_fields,
    whole_years,
)
from core.engine.text import fact_label, money, percent, quantity, value_label, value_list
from core.measures.facts import FactSpec, date_problem, generic_path, value_problems

# -- evaluation --------------------------------------------------------------------------------------

# Each operator decides a leaf as a Verdict (context.py: state, text, missing, gap, final).
# Texts are written when read: each operator hands over a function of the values it has already
# read, never of the profile or the context, so a profile changed later changes nothing.

def _unknown_text(label: str, asked: tuple, detail: str | None = None) -> Callable[[], str]:
    def text() -> str:
        wanted = "、".join(dict.fromkeys(fact_label(p) for p in asked))
        return f"{label}：{detail or '未填写'}（需补充：{wanted}）"
    return text


def _unknown(leaf: dict, paths: list[str], detail: str | None = None) -> Verdict:
    return (None, _unknown_text(leaf["label"], tuple(paths), detail), paths, None, False)


def _scalar(leaf: dict, ctx: Context):
    path = ctx.concrete(leaf["fact"])
    return path, ctx.fact(path)


# A comparison's verdict (met, not met); only the one that applies is written.
_VERDICTS = {"ge": ("达到 {}及以上", "未达 {}"), "gt": ("超过 {}", "未超过 {}"),
             "le": ("不超过 {}", "超过 {}"), "lt": ("低于 {}", "未低于 {}"),
             "eq": ("等于 {}", "须为 {}"), "ne": ("不等于 {}", "不得为 {}")}


def _compare_leaf(leaf: dict, ctx: Context) -> Verdict:
    path, actual = _scalar(leaf, ctx)
    if actual is MISSING:
        return _unknown(leaf, [path])
    return _compared(leaf, actual, compare(leaf["op"], actual, leaf["value"]))


def _read_once(leaf: dict) -> Callable[[Context], tuple[str, Any, Verdict]]:
    """For a specialised leaf: a function giving (concrete path, value or MISSING, the verdict of a
    missing value) in a context, the value from the subject's cache (Context.facts). A year
    template (`{last_year}`) is filled once per as-of year; the missing verdict, the same every
    time for one path (a tuple, read only), is made once per path."""
    fact = leaf["fact"]
    if "{" not in fact:
        unknown = _unknown(leaf, [fact])
        return lambda ctx: (fact, ctx.facts[fact], unknown)
    by_year: dict[int, tuple[str, Verdict]] = {}

    def read(ctx: Context) -> tuple[str, Any, Verdict]:
        known = by_year.get(ctx.as_of.year)
        if known is None:
            path = ctx.concrete(fact)
            known = by_year[ctx.as_of.year] = (path, _unknown(leaf, [path]))
        return known[0], ctx.facts[known[0]], known[1]
    return read


def _specialise_compare(leaf: dict) -> Callable[[dict, Context], Verdict]:
    """`_compare_leaf` for a numeric threshold or an equality, with the fact path, the comparison
    and the threshold as a Decimal read once, and the fact read from the subject's cache
    (`_read_once`); anything else is left to `_compare_leaf`."""
    op, target = leaf["op"], leaf["value"]
    same_wanted = op == "eq"
    read = _read_once(leaf)
    if not numeric(target):
        if op not in ("eq", "ne"):
            return _compare_leaf

        def equal(leaf: dict, ctx: Context) -> Verdict:
            # compare() on a yes/no or a word: plain equality
            _path, actual, unknown = read(ctx)
            if actual is MISSING:
                return unknown
            same = actual == target
            return _compared(leaf, actual, same if same_wanted else not same)
        return equal
    wanted, order = number(target), ORDERED.get(op)
    shown = quantity(target, leaf.get("unit"))

    def decide(leaf: dict, ctx: Context) -> Verdict:
        _path, actual, unknown = read(ctx)
        if actual is MISSING:
            return unknown
        if not numeric(actual):
            return _compare_leaf(leaf, ctx)         # a yes/no or a word against a number: rare
        value = number(actual)
        if order is not None:
            return _compared(leaf, actual, order(value, wanted), shown)
        same = value == wanted
        return _compared(leaf, actual, same if same_wanted else not same, shown)
    return decide


def _compared(leaf: dict, actual, met: bool, shown: str | None = None) -> Verdict:
    """The verdict of a comparison decided (`met`), with its text and gap; `shown` is the
    threshold in words when already written (`quantity(value, unit)`, once per leaf)."""
    op, target, label = leaf["op"], leaf["value"], leaf["label"]
    if isinstance(target, (bool, str)) or isinstance(actual, (bool, str)):
        return (met, partial(_equality_words, label, leaf["fact"], op, target, actual, met), (),
                None, False)
    unit = leaf.get("unit")
    text = partial(_comparison_words, label, unit, op, target, shown, actual, met)
    gap = None
    if not met and op in ("ge", "gt"):
        diff = number(target) - number(actual)
        gap = (f"再增加{'超过' if op == 'gt' else ''} {quantity(diff, unit)}{label}" if diff > 0
               else f"{label}须超过 {shown or quantity(target, unit)}")
    elif not met and op in ("le", "lt"):
        gap = f"{label}须{'不超过' if op == 'le' else '低于'} {shown or quantity(target, unit)}"
    return (met, text, (), gap, False)


def _equality_words(label: str, fact: str, op: str, target, actual, met: bool) -> str:
    kind = generic_path(fact)
    text = f"{label}：{value_label(actual, kind)}"
    if not met:
        wanted = value_label(target, kind)
        text += f"，须为{wanted}" if op == "eq" else f"，不得为{wanted}"
    return text


def _comparison_words(label: str, unit: str | None, op: str, target, shown: str | None, actual,
                      met: bool) -> str:
    verdict = _VERDICTS[op][0 if met else 1].format(shown or quantity(target, unit))
    return f"{label} {quantity(actual, unit)}，{verdict}"


def _membership(leaf: dict, ctx: Context) -> Verdict:
    path, actual = _scalar(leaf, ctx)
    if actual is MISSING:
        return _unknown(leaf, [path])
    label, values = leaf["label"], leaf["value"]
    met = (actual in values) if leaf["op"] == "in" else (actual not in values)

    def text() -> str:
        kind = generic_path(leaf["fact"])
        words = f"{label}：{value_label(actual, kind)}"
        if not met:
            words += (f"，须为{value_list(values, kind)}之一" if leaf["op"] == "in"
                      else f"，本条不含{value_list(values, kind)}")
        return words
    return (met, text, (), None, False)


def key_matches(key: str, wanted: str) -> bool:
    """A finer key counts as its parent: clean_energy.pv is in clean_energy."""
    return key == wanted or key.startswith(wanted + ".")


def _any_in(leaf: dict, ctx: Context, matches: Callable[[Any], bool] | None = None,
            read: Callable[[Context], tuple[str, Any, Verdict]] | None = None) -> Verdict:
    if read is None:
        path, actual = _scalar(leaf, ctx)
        if actual is MISSING:
            return _unknown(leaf, [path])
    else:                               # specialised: the fact from the subject's cache
        path, actual, unknown = read(ctx)
        if actual is MISSING:
            return unknown
    label, values = leaf["label"], leaf["value"]
    if matches is None:
        hits = [k for k in actual if any(key_matches(k, v) for v in values)]
    else:
        hits = [k for k in actual if matches(k)]
    if hits:
        return (True, partial(_any_in_words, label, leaf["fact"], hits), (), None, False)
    given = tuple(actual)        # a copy: the profile's list may change after the check

    def text() -> str:
        kind = generic_path(leaf["fact"])
        return f"{label}：{value_list(given, kind) if given else '无'}，不属于{value_list(values, kind)}"
    return (False, text, (), None, False)


def _any_in_words(label: str, fact: str, hits: list) -> str:
    return f"{label}：{value_list(hits, generic_path(fact))}"


def _specialise_any_in(leaf: dict) -> Callable[[dict, Context], Verdict]:
    """`_any_in` with the wanted keys read once: a key matches one of them or starts with one
    and a dot (key_matches over every value, as one test)."""
    values = tuple(leaf["value"])
    prefixes = tuple(v + "." for v in values)

    def matches(key) -> bool:
        return key in values or key.startswith(prefixes)
    return partial(_any_in, matches=matches, read=_read_once(leaf))


def _dated_gap(ctx: Context, day: dt.date, text: str) -> str | None:
    """A gap that opens on `day`, or None when the measure has ended by then."""
    if ctx.valid_to is not None and day > ctx.valid_to:
        return None
    return f"{day} 起{text}"


def _years_since(leaf: dict, ctx: Context) -> Verdict:
    path, actual = _scalar(leaf, ctx)
    if actual is MISSING:
        return _unknown(leaf, [path])
    label, need, as_of = leaf["label"], int(leaf["value"]), ctx.as_of
    start = to_date(actual)
    if start > as_of:
        gap = _dated_gap(ctx, anniversary(start, need), label)
        return (False, lambda: f"{label}：日期 {start} 晚于评估日 {as_of}，尚未开始计算", (), gap,
                gap is None)
    years = whole_years(start, as_of)
    met = years >= need

    def text() -> str:
        return (f"{label}：自 {start} 至 {as_of} 已满 {years} 年" if met
                else f"{label}：自 {start} 至 {as_of} 不满 {need} 年")
    gap = None if met else _dated_gap(ctx, anniversary(start, need), label)
    return (met, text, (), gap, not met and gap is None)


def _date_between(leaf: dict, ctx: Context) -> Verdict:
    path, actual = _scalar(leaf, ctx)
    if actual is MISSING:
        return _unknown(leaf, [path])
    label, as_of = leaf["label"], ctx.as_of
    start, end = (dt.date.fromisoformat(v) for v in leaf["value"])
    day = to_date(actual)
    if day > as_of:
        gap = _dated_gap(ctx, day, label) if start <= day <= end else None
        return (False, lambda: f"{label}：{day} 晚于评估日 {as_of}，尚未发生", (), gap, gap is None)
    met = start <= day <= end
    return (met, lambda: f"{label}：{day}，{'在' if met else '不在'} {start} 至 {end} 之间", (), None,
            not met)


def _year_index(leaf: dict, ctx: Context) -> Verdict:
    path, actual = _scalar(leaf, ctx)
    if actual is MISSING:
        return _unknown(leaf, [path])
    label, wanted, last_year = leaf["label"], [int(v) for v in leaf["value"]], ctx.last_year
    start = to_date(actual)
    index = last_year - start.year + 1
    met = index in wanted

    def text() -> str:
        if index < 1:
            words = f"{label}：{start} 设立或迁入，上一年度（{last_year} 年）尚在此之前"
        else:
            words = f"{label}：{start} 设立或迁入，上一年度（{last_year} 年）为第 {index} 年"
        if not met:
            words += f"，须为第 {'、'.join(map(str, wanted))} 年"
        return words
    gap = None
    if not met and index < min(wanted):
        year = start.year + min(wanted)          # the as-of year whose last_year is that index
        gap = _dated_gap(ctx, dt.date(year, 1, 1), f"（按 {year - 1} 年度数据）{label}")
    return (met, text, (), gap, not met and gap is None)


def _growth(leaf: dict, ctx: Context) -> Verdict:
    template = leaf["fact"].replace("{year}", "{last_year}")
    cur_path = ctx.concrete(template)
    prev_path = ctx.concrete(leaf["fact"].replace("{year}", "{last_year-1}"))
    current, previous = ctx.fact(cur_path), ctx.fact(prev_path)
    missing = [p for p, v in ((prev_path, previous), (cur_path, current)) if v is MISSING]
    if missing:
        return _unknown(leaf, missing)
    label, threshold = leaf["label"], number(leaf["value"])
    cur, prev = number(current), number(previous)
    ly = ctx.last_year
    strict = leaf["op"] == "growth_gt"
    if prev == 0:
        # Growth from nothing: any increase is unbounded growth; none is no growth.
        met = cur > 0 if (strict or threshold > 0) else cur >= 0
        growth = None
    else:
        growth = (cur - prev) / prev
        met = growth > threshold if strict else growth >= threshold

    def text() -> str:
        shown = ("由 0 增长" if cur > 0 else "无增长") if growth is None else f"增长 {percent(growth)}"
        want = (f"{'超过' if strict else '达到'} {percent(threshold)}"
                if threshold else ("正增长" if strict else "不下降"))
        return (f"{label}：{ly - 1} 年 {money(prev)}，{ly} 年 {money(cur)}，{shown}，"
                f"{'符合' if met else '未'}{want}")
    gap = None
    if not met and prev > 0:
        target = prev * (1 + threshold)
        verb = "超过" if strict else "达到"
        more = "超过" if strict else ""
        gap = f"{label}：{ly} 年须{verb} {money(target)}（比现数再增加{more} {money(target - cur)}）"
    return (met, text, (), gap, False)


def _first_time(leaf: dict, ctx: Context) -> Verdict:
    """首次: the yearly figure meets the threshold in `year` (上一年度 by default) and in no earlier
    year the profile gives (a platform that passed 20 亿 in 2022 is not "首次" in 2024). The year
    just before must be given: without it nothing says the figure was not reached then."""
    offset = {"last_year": 0, "last_year-1": 1, "last_year-2": 2}[leaf.get("year") or "last_year"]
    year = ctx.last_year - offset
    head, _sep, tail = leaf["fact"].partition("{year}")
    path = f"{head}{year}{tail}"
    label, target, unit = leaf["label"], leaf["value"], leaf.get("unit")

    def meets(value) -> bool:
        return value is True if isinstance(target, bool) else (
            numeric(value) and number(value) >= number(target))

    actual = ctx.fact(path)
    before = f"{head}{year - 1}{tail}"          # the year just before must be known to say 首次
    unknown = [p for p, v in ((path, actual), (before, ctx.fact(before))) if v is MISSING]
    if unknown:
        return _unknown(leaf, unknown)
    wanted = "是" if isinstance(target, bool) else f"达到 {quantity(target, unit)}"
    if not meets(actual):
        def failed() -> str:
            shown = value_label(actual) if isinstance(actual, bool) else quantity(actual, unit)
            return f"{label}：{year} 年为 {shown}，未{wanted}"
        return (False, failed, (), None, False)
    container = ctx.fact(head.rstrip("."))
    earlier = []
    if isinstance(container, dict):
        for key, entry in container.items():
            value = entry.get(tail.lstrip(".")) if tail and isinstance(entry, dict) else (
                None if tail else entry)
            if key.isdigit() and int(key) < year and value is not None and meets(value):
                earlier.append(int(key))
    if earlier:
        first = min(earlier)
        return (False, lambda: f"{label}：{first} 年已{wanted}，{year} 年不是首次", (), None, True)
    return (True, lambda: f"{label}：{year} 年首次{wanted}", (), None, False)


def _counts(leaf: dict, items: list, ctx: Context, counts: Counter | None) -> tuple[list[int], list[int]]:
    if counts is not None:              # the leaf's conditions compiled (_specialise_count)
        return counts(items, ctx)
    return item_counts(items, leaf.get("where") or [], leaf.get("unless") or [], ctx)


def _specialise_count(leaf: dict) -> Callable[[dict, Context], Verdict]:
    evaluate = _count if leaf["op"] == "count_ge" else _count_at_most
    return partial(evaluate, counts=compile_item_counts(leaf.get("where") or [], leaf.get("unless") or []))


def _count(leaf: dict, ctx: Context, counts: Counter | None = None) -> Verdict:
    path, items = _scalar(leaf, ctx)
    if items is MISSING:
        return _unknown(leaf, [path])
    label, need, unit = leaf["label"], int(leaf["value"]), leaf.get("unit") or "项"
    sure, maybe = _counts(leaf, items, ctx, counts)
    found = len(sure)
    if found >= need:
        return (True, lambda: f"{label}：符合条件的 {found} {unit}", (), None, False)
    if found + len(maybe) >= need:
        missing = unknown_fields(path, items, maybe, leaf.get("where") or [])
        return _unknown(leaf, missing or [path],
                        f"确定符合的 {found} {unit}，另有 {len(maybe)} {unit}信息不全")
    return (False, lambda: f"{label}：符合条件的 {found} {unit}，未达 {need} {unit}", (),
            f"再取得 {need - found} {unit}（{label}）", False)


def _count_at_most(leaf: dict, ctx: Context, counts: Counter | None = None) -> Verdict:
    """At most `value` items match (`value: 0`: none, as in 首次 / 一次性 / not received before)."""
    path, items = _scalar(leaf, ctx)
    if items is MISSING:
        return _unknown(leaf, [path])
    label, limit, unit = leaf["label"], int(leaf["value"]), leaf.get("unit") or "项"
    sure, maybe = _counts(leaf, items, ctx, counts)
    if len(sure) > limit:
        shown = "已有" if limit == 0 else f"已有 {len(sure)} {unit}，超过 {limit} {unit}："
        return (False, f"{label}：{shown}{_item_names(items, sure)}", (), None, True)
    if len(sure) + len(maybe) > limit:
        missing = unknown_fields(path, items, maybe, leaf.get("where") or [])
        return _unknown(leaf, missing or [path], f"另有 {len(maybe)} {unit}信息不全")
    found = len(sure)
    return (True, lambda: f"{label}：{'无' if not found else f'{found} {unit}'}", (), None, False)


def _item_names(items: list, indexes: list[int]) -> str:
    """A short description of list items for a reason (a received support: its year)."""
    parts = []
    for i in indexes[:3]:
        item = items[i]
        year = item.get("year")
        parts.append(f"{year} 年" if year is not None else f"第 {i + 1} 项")
    return "、".join(parts) + ("等" if len(indexes) > 3 else "")


# -- validation --------------------------------------------------------------------------------------

Problem = tuple[str, str]       # (the leaf key at fault: "fact", "op" or "value"; the message)


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _value_list(spec: FactSpec, value) -> list[Problem]:
    if not isinstance(value, list) or not value:
        return [("value", "must be a non-empty list")]
    return [("value", p) for v in value for p in value_problems(spec, v)]


def _check_compare(op: str, spec: FactSpec, value) -> list[Problem]:
    problems = [("value", p) for p in value_problems(spec, value)]
    if op not in ("eq", "ne") and spec.kind != "number":
        problems.append(("op", f"{op} needs a number fact, {spec.path} is {spec.kind}"))
    return problems


def _check_years(op: str, spec: FactSpec, value) -> list[Problem]:
    if not _is_number(value) or value <= 0:
        return [("value", f"must be a number of years > 0, got {value!r}")]
    return []


def _check_between(op: str, spec: FactSpec, value) -> list[Problem]:
    if not isinstance(value, list) or len(value) != 2:
        return [("value", "must be [from, to]")]
    problems = [("value", p) for p in map(date_problem, value) if p]
    if not problems and value[0] > value[1]:
        problems.append(("value", f"from {value[0]} is after to {value[1]}"))
    return problems


def _check_first_time(op: str, spec: FactSpec, value) -> list[Problem]:
    if spec.kind == "boolean":
        return [] if value is True else [("value", "first_time on a yes/no figure takes value: true")]
    if spec.kind != "number" or not _is_number(value):
        return [("value", f"first_time needs a yearly number and a threshold, got {value!r}")]
    return []


def _check_growth(op: str, spec: FactSpec, value) -> list[Problem]:
    if not _is_number(value):
        return [("value", f"must be a growth fraction (0.2 for 20%), got {value!r}")]
    return []


def _check_year_index(op: str, spec: FactSpec, value) -> list[Problem]:
    if (not isinstance(value, list) or not value
            or not all(isinstance(v, int) and not isinstance(v, bool) and v >= 1 for v in value)):
        return [("value", "must be a list of year numbers ≥ 1 ([1] for 首年)")]
    return []


def _check_count(least: int) -> Callable[[str, FactSpec, Any], list[Problem]]:
    def check(op: str, spec: FactSpec, value) -> list[Problem]:
        if not isinstance(value, int) or isinstance(value, bool) or value < least:
            return [("value", f"must be a whole number ≥ {least}, got {value!r}")]
        return []
    return check


def _check_membership(op: str, spec: FactSpec, value) -> list[Problem]:
    return _value_list(spec, value)


# -- the registry ------------------------------------------------------------------------------------

REQUIRED = object()     # an operator whose leaf must give a value


@dataclass(frozen=True)
class Operator:
    evaluate: Callable[[dict, Context], Verdict]
    check: Callable[[str, FactSpec, Any], list[Problem]]   # (op, the fact's spec, the leaf's value)
    fact_kinds: tuple[str, ...] = ()    # the kinds of fact it reads; () for any
    default: Any = REQUIRED             # the value of a leaf that gives none
    yearly: bool = False                # reads a yearly figure: the fact path carries {year}
    counts: bool = False                # counts the items of a list of objects (where / unless)
    takes_year: bool = False            # the leaf may say which year (first_time)
    threshold: bool = False             # the scenarios must see it met and not met
    # Whether the leaf's value must be found in its span (numbers the text states; not a default).
    stated: Callable[[FactSpec, Any], bool] = lambda spec, value: False
    # Given a leaf, `evaluate` for that leaf with its constants read once (compiled trees use it;
    # a test checks it decides as `evaluate` does); None: `evaluate` itself.
    specialise: Callable[[dict], Callable[[dict, Context], Verdict]] | None = None

    def fact_problem(self, op: str, spec: FactSpec) -> str | None:
        if self.fact_kinds and spec.kind not in self.fact_kinds:
            wanted = "/".join(_KIND_NAMES.get(k, k) for k in self.fact_kinds)
            return f"{op} needs a {wanted} fact, {spec.path} is {spec.kind}"
        return None


_KIND_NAMES = {"list": "list of objects", "key_list": "list", "number": "number", "date": "date"}


def _numeric_fact(spec: FactSpec, value) -> bool:
    return spec.kind == "number"


def _always(spec: FactSpec, value) -> bool:
    return True


_COMPARE = Operator(_compare_leaf, _check_compare, stated=_numeric_fact, specialise=_specialise_compare)
_ORDERED = Operator(_compare_leaf, _check_compare, stated=_numeric_fact, threshold=True,
                    specialise=_specialise_compare)
_GROWTH_OP = Operator(_growth, _check_growth, ("number",), yearly=True, threshold=True, stated=_always)

OPERATORS: dict[str, Operator] = {
    "eq": _COMPARE,
    "ne": _COMPARE,
    "gt": _ORDERED,
    "ge": _ORDERED,
    "lt": _ORDERED,
    "le": _ORDERED,
    "in": Operator(_membership, _check_membership),
    "not_in": Operator(_membership, _check_membership),
    "any_in": Operator(_any_in, _check_membership, ("key_list",), specialise=_specialise_any_in),
    "years_since_ge": Operator(_years_since, _check_years, ("date",), threshold=True, stated=_always),
    "date_between": Operator(_date_between, _check_between, ("date",), threshold=True),
    "year_index_in": Operator(_year_index, _check_year_index, ("date",), threshold=True),
    "growth_ge": _GROWTH_OP,
    "growth_gt": _GROWTH_OP,
    "first_time": Operator(_first_time, _check_first_time, ("number", "boolean"), yearly=True,
                           takes_year=True, stated=_numeric_fact),
    # count_ge's default 1 is "at least one"; count_le's 0 is "none" (一次性, not received before):
    # only other values are numbers the text states.
    "count_ge": Operator(_count, _check_count(1), ("list",), default=1, counts=True, threshold=True,
                         stated=lambda spec, value: value != 1, specialise=_specialise_count),
    "count_le": Operator(_count_at_most, _check_count(0), ("list",), counts=True,
                         stated=lambda spec, value: value != 0, specialise=_specialise_count),
}


def evaluate_leaf(leaf: dict, ctx: Context) -> Outcome:
    """The Outcome of one leaf, decided by its operator's plain form (the reference walk)."""
    return outcome_of(leaf, OPERATORS[leaf["op"]].evaluate(leaf, ctx))
