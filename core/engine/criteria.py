"""Tri-state criteria: each leaf is met (True), not met (False) or unknown (None).

A fact the profile lacks is unknown — never 0, never false — and its concrete path is reported as
missing (`project.generation_kwh.2024`). Time words are computed from the as-of date only:
上一年度 = the calendar year before it (`{last_year}`), 满N年 = N whole years up to it, 首年 = the
calendar year of settling in (year_index_in), growth = `{last_year}` over `{last_year-1}`.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from core.engine.text import fact_label, money, percent, quantity, value_label, value_list

MISSING = object()


@dataclass(frozen=True)
class Context:
    """What a criterion may read: the profile (one subject), the as-of date, the measure's window."""
    as_of: dt.date
    company: dict
    project: dict | None = None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None

    @property
    def last_year(self) -> int:
        return self.as_of.year - 1

    def concrete(self, path: str) -> str:
        """Fill the year templates: company.years.{last_year}.revenue → company.years.2024.revenue."""
        ly = self.last_year
        return (path.replace("{last_year-2}", str(ly - 2)).replace("{last_year-1}", str(ly - 1))
                .replace("{last_year}", str(ly)))

    def fact(self, path: str):
        """The value at a concrete path, or MISSING."""
        root, *parts = path.split(".")
        node = self.company if root == "company" else self.project
        if node is None:
            return MISSING
        for part in parts:
            if not isinstance(node, dict) or part not in node:
                return MISSING
            node = node[part]
        return MISSING if node is None else node

    def reference_date(self, value) -> dt.date | None:
        if value == "as_of":
            return self.as_of
        if value == "valid_from":
            return self.valid_from
        if value == "valid_to":
            return self.valid_to
        return dt.date.fromisoformat(value)


@dataclass
class Outcome:
    """One decided (or undecidable) leaf, ready to be cited."""
    id: str
    label: str
    state: bool | None
    text: str
    missing: list[str] = field(default_factory=list)
    gap: str | None = None
    final: bool = False           # failed on something that cannot change before the measure ends
    vague: str | None = None
    span: str | None = None
    evidence: list = field(default_factory=list)


def number(value) -> Decimal:
    return Decimal(str(value))


def to_date(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


def anniversary(start: dt.date, years: int) -> dt.date:
    """The date `years` whole years after start (29 Feb → 1 Mar in common years)."""
    try:
        return start.replace(year=start.year + years)
    except ValueError:
        return dt.date(start.year + years, 3, 1)


def whole_years(start: dt.date, end: dt.date) -> int:
    years = end.year - start.year
    if anniversary(start, years) > end:
        years -= 1
    return years


# -- conditions on list items (where / unless) ----------------------------------------------------

SUBJECT = "$subject"        # a condition's value standing for the id of the project evaluated


def condition(item: dict, cond: dict, ctx: Context) -> bool | None:
    value = item.get(cond["field"], cond.get("default"))
    op, target = cond["op"], cond["value"]
    if target == SUBJECT:
        # 每个项目: an item without a project, or a company-level check, is not this project's.
        same = ctx.project is not None and value is not None and value == ctx.project.get("id")
        return same if op == "eq" else not same
    if value is None:
        return None
    if op == "in_year":
        year = {"last_year": ctx.last_year, "last_year-1": ctx.last_year - 1,
                "last_year-2": ctx.last_year - 2}[target]
        return to_date(value).year == year
    if op in ("on_or_after", "on_or_before"):
        ref = ctx.reference_date(target)
        if ref is None:
            return None
        return to_date(value) >= ref if op == "on_or_after" else to_date(value) <= ref
    return compare(op, value, target)


def compare(op: str, actual, target) -> bool:
    if op == "in":
        return actual in target
    if op == "not_in":
        return actual not in target
    if op in ("eq", "ne"):
        same = (number(actual) == number(target)
                if _numeric(actual) and _numeric(target) else actual == target)
        return same if op == "eq" else not same
    a, t = number(actual), number(target)
    return {"ge": a >= t, "gt": a > t, "le": a <= t, "lt": a < t}[op]


def _numeric(value) -> bool:
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)


def unknown_fields(path: str, items: list, indexes: list[int], conds: list[dict]) -> list[str]:
    """The item fields still to fill for the items that might count (a `default` fills one)."""
    return [f"{path}[{i}].{c['field']}" for i in indexes for c in conds
            if items[i].get(c["field"]) is None and c.get("default") is None
            and c.get("value") != SUBJECT]


def all_conditions(item: dict, conds: list[dict], ctx: Context) -> bool | None:
    return all_of(condition(item, c, ctx) for c in conds)


def item_counts(items: list, where: list[dict], unless: list[list[dict]],
                ctx: Context) -> tuple[list[int], list[int]]:
    """Indexes of items that certainly count, and of those that might (a field is unknown)."""
    sure, maybe = [], []
    for i, item in enumerate(items):
        ok = all_conditions(item, where, ctx)
        excluded = any_of(all_conditions(item, u, ctx) for u in unless) if unless else False
        state = all_of([ok, None if excluded is None else not excluded])
        if state is True:
            sure.append(i)
        elif state is None:
            maybe.append(i)
    return sure, maybe


# -- tri-state logic -------------------------------------------------------------------------------

def all_of(states) -> bool | None:
    states = list(states)
    if any(s is False for s in states):
        return False
    if any(s is None for s in states):
        return None
    return True


def any_of(states) -> bool | None:
    states = list(states)
    if any(s is True for s in states):
        return True
    if any(s is None for s in states):
        return None
    return False


def needed_outcomes(nodes: list[dict], outcomes: list[Outcome]) -> list[Outcome]:
    """The leaves whose proof an application needs, from a tree evaluated by `evaluate_tree`.

    `outcomes` are the tree's leaf outcomes in evaluation order. Under `all_of` every child is
    needed; under a met `any_of` only the first met branch (one way of qualifying is enough to
    prove); under an undecided `any_of` every undecided branch (which one applies is not known
    yet). Failed leaves and failed branches are never needed.
    """
    pending = iter(outcomes)

    def walk(node: dict) -> tuple[bool | None, list[Outcome]]:
        if node["type"] == "leaf":
            outcome = next(pending)
            return outcome.state, ([] if outcome.state is False else [outcome])
        return group(node["type"], [walk(child) for child in node["children"]])

    def group(kind: str, kids: list) -> tuple[bool | None, list[Outcome]]:
        states = [state for state, _ in kids]
        if kind == "all_of":
            state = all_of(states)
            return state, ([] if state is False else [o for _, needed in kids for o in needed])
        state = any_of(states)
        if state is True:
            return True, next(needed for s, needed in kids if s is True)
        return state, [o for s, needed in kids if s is None for o in needed]

    needed = group("all_of", [walk(node) for node in nodes])[1]
    if next(pending, None) is not None:
        raise ValueError("more outcomes than leaves: not the tree these outcomes came from")
    return needed


def iter_leaves(nodes: list[dict]):
    """Every leaf of a criteria tree, in order."""
    for node in nodes:
        if node["type"] == "leaf":
            yield node
        else:
            yield from iter_leaves(node["children"])


@dataclass
class TreeResult:
    state: bool | None
    missing: list[str]            # facts that would decide, only under undecided branches
    gaps: list[str] | None        # for a failed tree: what would make it pass; None if nothing can


def evaluate_tree(nodes: list[dict], ctx: Context, out: list[Outcome]) -> TreeResult:
    """all_of over the nodes; appends one Outcome per leaf to `out`.

    Missing facts are gathered only under undecided branches, so a branch already failed on a known
    fact asks for nothing. Gaps are gathered only from failed branches that could still pass: a
    branch that also fails on something no number can change (第二、三年 for a company in its first
    year, a date that has passed) offers no gap, so the user is not told to chase it.
    """
    return _group("all_of", nodes, ctx, out)


def _group(kind: str, nodes: list[dict], ctx: Context, out: list[Outcome]) -> TreeResult:
    results = [_node(n, ctx, out) for n in nodes]
    state = (all_of if kind == "all_of" else any_of)(r.state for r in results)
    missing: list[str] = []
    if state is None:
        for r in results:
            if r.state is None:
                missing.extend(p for p in r.missing if p not in missing)
    gaps: list[str] | None = None
    if state is False:
        failed = [r for r in results if r.state is False]
        if kind == "all_of":
            known = [r.gaps for r in failed if r.gaps is not None]
            gaps = [g for r_gaps in known for g in r_gaps] if len(known) == len(failed) else None
        else:
            fixable = [g for r in failed if r.gaps is not None for g in r.gaps]
            gaps = fixable or None
    return TreeResult(state, missing, gaps)


def _node(node: dict, ctx: Context, out: list[Outcome]) -> TreeResult:
    if node["type"] == "leaf":
        outcome = evaluate_leaf(node, ctx)
        out.append(outcome)
        gaps = None
        if outcome.state is False and not outcome.final:
            gaps = [outcome.gap] if outcome.gap else []
        return TreeResult(outcome.state, outcome.missing, gaps)
    return _group(node["type"], node["children"], ctx, out)


# -- leaves ----------------------------------------------------------------------------------------

def evaluate_leaf(leaf: dict, ctx: Context) -> Outcome:
    op = leaf["op"]
    handler = _GROWTH if op in ("growth_ge", "growth_gt") else _HANDLERS[op]
    outcome = handler(leaf, ctx)
    outcome.vague = leaf.get("vague")
    outcome.span = leaf.get("span")
    outcome.evidence = leaf.get("evidence") or []
    return outcome


def _unknown(leaf: dict, paths: list[str], detail: str | None = None) -> Outcome:
    wanted = "、".join(dict.fromkeys(fact_label(p) for p in paths))
    text = f"{leaf['label']}：{detail or '未填写'}（需补充：{wanted}）"
    return Outcome(leaf["id"], leaf["label"], None, text, missing=paths)


def _scalar(leaf: dict, ctx: Context):
    path = ctx.concrete(leaf["fact"])
    return path, ctx.fact(path)


def _compare_leaf(leaf: dict, ctx: Context) -> Outcome:
    path, actual = _scalar(leaf, ctx)
    if actual is MISSING:
        return _unknown(leaf, [path])
    op, target, unit, label = leaf["op"], leaf["value"], leaf.get("unit"), leaf["label"]
    met = compare(op, actual, target)
    if isinstance(target, (bool, str)) or isinstance(actual, (bool, str)):
        text = f"{label}：{value_label(actual)}"
        if not met:
            text += f"，须为{value_label(target)}" if op == "eq" else f"，不得为{value_label(target)}"
        return Outcome(leaf["id"], label, met, text)
    shown, threshold = quantity(actual, unit), quantity(target, unit)
    verdicts = {"ge": (f"达到 {threshold}及以上", f"未达 {threshold}"),
                "gt": (f"超过 {threshold}", f"未超过 {threshold}"),
                "le": (f"不超过 {threshold}", f"超过 {threshold}"),
                "lt": (f"低于 {threshold}", f"未低于 {threshold}"),
                "eq": (f"等于 {threshold}", f"须为 {threshold}"),
                "ne": (f"不等于 {threshold}", f"不得为 {threshold}")}
    text = f"{label} {shown}，{verdicts[op][0 if met else 1]}"
    gap = None
    if not met and op in ("ge", "gt"):
        diff = number(target) - number(actual)
        gap = (f"再增加{'超过' if op == 'gt' else ''} {quantity(diff, unit)}{label}" if diff > 0
               else f"{label}须超过 {threshold}")
    elif not met and op in ("le", "lt"):
        gap = f"{label}须{'不超过' if op == 'le' else '低于'} {threshold}"
    return Outcome(leaf["id"], label, met, text, gap=gap)


def _membership(leaf: dict, ctx: Context) -> Outcome:
    path, actual = _scalar(leaf, ctx)
    if actual is MISSING:
        return _unknown(leaf, [path])
    label, values = leaf["label"], leaf["value"]
    met = (actual in values) if leaf["op"] == "in" else (actual not in values)
    text = f"{label}：{value_label(actual)}"
    if not met:
        text += (f"，须为{value_list(values)}之一" if leaf["op"] == "in"
                 else f"，本条不含{value_list(values)}")
    return Outcome(leaf["id"], label, met, text)


def key_matches(key: str, wanted: str) -> bool:
    """A finer key counts as its parent: clean_energy.pv is in clean_energy."""
    return key == wanted or key.startswith(wanted + ".")


def _any_in(leaf: dict, ctx: Context) -> Outcome:
    path, actual = _scalar(leaf, ctx)
    if actual is MISSING:
        return _unknown(leaf, [path])
    label, values = leaf["label"], leaf["value"]
    hits = [k for k in actual if any(key_matches(k, v) for v in values)]
    if hits:
        return Outcome(leaf["id"], label, True, f"{label}：{value_list(hits)}")
    given = value_list(actual) if actual else "无"
    return Outcome(leaf["id"], label, False, f"{label}：{given}，不属于{value_list(values)}")


def _dated_gap(ctx: Context, day: dt.date, text: str) -> str | None:
    """A gap that opens on `day`, or None when the measure has ended by then."""
    if ctx.valid_to is not None and day > ctx.valid_to:
        return None
    return f"{day} 起{text}"


def _years_since(leaf: dict, ctx: Context) -> Outcome:
    path, actual = _scalar(leaf, ctx)
    if actual is MISSING:
        return _unknown(leaf, [path])
    label, need = leaf["label"], int(leaf["value"])
    start = to_date(actual)
    if start > ctx.as_of:
        gap = _dated_gap(ctx, anniversary(start, need), label)
        return Outcome(leaf["id"], label, False,
                       f"{label}：日期 {start} 晚于评估日 {ctx.as_of}，尚未开始计算",
                       gap=gap, final=gap is None)
    years = whole_years(start, ctx.as_of)
    met = years >= need
    text = (f"{label}：自 {start} 至 {ctx.as_of} 已满 {years} 年" if met
            else f"{label}：自 {start} 至 {ctx.as_of} 不满 {need} 年")
    gap = None if met else _dated_gap(ctx, anniversary(start, need), label)
    return Outcome(leaf["id"], label, met, text, gap=gap, final=not met and gap is None)


def _date_between(leaf: dict, ctx: Context) -> Outcome:
    path, actual = _scalar(leaf, ctx)
    if actual is MISSING:
        return _unknown(leaf, [path])
    label = leaf["label"]
    start, end = (dt.date.fromisoformat(v) for v in leaf["value"])
    day = to_date(actual)
    if day > ctx.as_of:
        gap = _dated_gap(ctx, day, label) if start <= day <= end else None
        return Outcome(leaf["id"], label, False,
                       f"{label}：{day} 晚于评估日 {ctx.as_of}，尚未发生", gap=gap, final=gap is None)
    met = start <= day <= end
    text = f"{label}：{day}，{'在' if met else '不在'} {start} 至 {end} 之间"
    return Outcome(leaf["id"], label, met, text, final=not met)


def _year_index(leaf: dict, ctx: Context) -> Outcome:
    path, actual = _scalar(leaf, ctx)
    if actual is MISSING:
        return _unknown(leaf, [path])
    label, wanted = leaf["label"], [int(v) for v in leaf["value"]]
    start = to_date(actual)
    index = ctx.last_year - start.year + 1
    if index < 1:
        text = f"{label}：{start} 设立或迁入，上一年度（{ctx.last_year} 年）尚在此之前"
    else:
        text = f"{label}：{start} 设立或迁入，上一年度（{ctx.last_year} 年）为第 {index} 年"
    met = index in wanted
    if not met:
        text += f"，须为第 {'、'.join(map(str, wanted))} 年"
    gap = None
    if not met and index < min(wanted):
        year = start.year + min(wanted)          # the as-of year whose last_year is that index
        gap = _dated_gap(ctx, dt.date(year, 1, 1), f"（按 {year - 1} 年度数据）{label}")
    return Outcome(leaf["id"], label, met, text, gap=gap, final=not met and gap is None)


def _growth(leaf: dict, ctx: Context) -> Outcome:
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
        shown = "由 0 增长" if cur > 0 else "无增长"
    else:
        growth = (cur - prev) / prev
        met = growth > threshold if strict else growth >= threshold
        shown = f"增长 {percent(growth)}"
    want = (f"{'超过' if strict else '达到'} {percent(threshold)}"
            if threshold else ("正增长" if strict else "不下降"))
    text = (f"{label}：{ly - 1} 年 {money(prev)}，{ly} 年 {money(cur)}，{shown}，"
            f"{'符合' if met else '未'}{want}")
    gap = None
    if not met and prev > 0:
        target = prev * (1 + threshold)
        verb = "超过" if strict else "达到"
        more = "超过" if strict else ""
        gap = f"{label}：{ly} 年须{verb} {money(target)}（比现数再增加{more} {money(target - cur)}）"
    return Outcome(leaf["id"], label, met, text, gap=gap)


def _first_time(leaf: dict, ctx: Context) -> Outcome:
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
            _numeric(value) and number(value) >= number(target))

    actual = ctx.fact(path)
    before = f"{head}{year - 1}{tail}"          # the year just before must be known to say 首次
    unknown = [p for p, v in ((path, actual), (before, ctx.fact(before))) if v is MISSING]
    if unknown:
        return _unknown(leaf, unknown)
    wanted = "是" if isinstance(target, bool) else f"达到 {quantity(target, unit)}"
    if not meets(actual):
        shown = value_label(actual) if isinstance(actual, bool) else quantity(actual, unit)
        return Outcome(leaf["id"], label, False, f"{label}：{year} 年为 {shown}，未{wanted}")
    container = ctx.fact(head.rstrip("."))
    earlier = []
    if isinstance(container, dict):
        for key, entry in container.items():
            value = entry.get(tail.lstrip(".")) if tail and isinstance(entry, dict) else (
                None if tail else entry)
            if key.isdigit() and int(key) < year and value is not None and meets(value):
                earlier.append(int(key))
    if earlier:
        return Outcome(leaf["id"], label, False,
                       f"{label}：{min(earlier)} 年已{wanted}，{year} 年不是首次", final=True)
    return Outcome(leaf["id"], label, True, f"{label}：{year} 年首次{wanted}")


def _count(leaf: dict, ctx: Context) -> Outcome:
    path, items = _scalar(leaf, ctx)
    if items is MISSING:
        return _unknown(leaf, [path])
    label, need, unit = leaf["label"], int(leaf["value"]), leaf.get("unit") or "项"
    sure, maybe = item_counts(items, leaf.get("where") or [], leaf.get("unless") or [], ctx)
    if len(sure) >= need:
        return Outcome(leaf["id"], label, True, f"{label}：符合条件的 {len(sure)} {unit}")
    if len(sure) + len(maybe) >= need:
        missing = unknown_fields(path, items, maybe, leaf.get("where") or [])
        return _unknown(leaf, missing or [path],
                        f"确定符合的 {len(sure)} {unit}，另有 {len(maybe)} {unit}信息不全")
    text = f"{label}：符合条件的 {len(sure)} {unit}，未达 {need} {unit}"
    return Outcome(leaf["id"], label, False, text, gap=f"再取得 {need - len(sure)} {unit}（{label}）")


def _count_at_most(leaf: dict, ctx: Context) -> Outcome:
    """At most `value` items match (`value: 0`: none, as in 首次 / 一次性 / not received before)."""
    path, items = _scalar(leaf, ctx)
    if items is MISSING:
        return _unknown(leaf, [path])
    label, limit, unit = leaf["label"], int(leaf["value"]), leaf.get("unit") or "项"
    sure, maybe = item_counts(items, leaf.get("where") or [], leaf.get("unless") or [], ctx)
    if len(sure) > limit:
        shown = "已有" if limit == 0 else f"已有 {len(sure)} {unit}，超过 {limit} {unit}："
        return Outcome(leaf["id"], label, False, f"{label}：{shown}{_item_names(items, sure)}",
                       final=True)
    if len(sure) + len(maybe) > limit:
        missing = unknown_fields(path, items, maybe, leaf.get("where") or [])
        return _unknown(leaf, missing or [path], f"另有 {len(maybe)} {unit}信息不全")
    return Outcome(leaf["id"], label, True, f"{label}：{'无' if not sure else f'{len(sure)} {unit}'}")


def _item_names(items: list, indexes: list[int]) -> str:
    """A short description of list items for a reason (a received support: its year)."""
    parts = []
    for i in indexes[:3]:
        item = items[i]
        year = item.get("year")
        parts.append(f"{year} 年" if year is not None else f"第 {i + 1} 项")
    return "、".join(parts) + ("等" if len(indexes) > 3 else "")


_HANDLERS = {op: _compare_leaf for op in ("eq", "ne", "gt", "ge", "lt", "le")}
_HANDLERS.update({"in": _membership, "not_in": _membership, "any_in": _any_in,
                  "years_since_ge": _years_since, "date_between": _date_between,
                  "year_index_in": _year_index, "count_ge": _count, "count_le": _count_at_most,
                  "first_time": _first_time})
_GROWTH = _growth
