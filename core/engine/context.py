"""What a criterion reads, and the tri-state logic every criterion shares.

A fact the profile lacks is unknown — never 0, never false — and its concrete path is reported as
missing (`project.generation_kwh.2024`). Time words are computed from the as-of date only:
上一年度 = the calendar year before it (`{last_year}`), 满N年 = N whole years up to it.
Conditions on list items (`where` / `unless`) are decided here too, for criteria and amounts alike.
"""
from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

MISSING = object()

# A concrete path split at its dots (a check reads the same few hundred paths again and again).
_PATHS: dict[str, tuple[str, ...]] = {}


def _lookup(company: dict, project: dict | None, path: str):
    """The value at a concrete path of one subject (its company and project), or MISSING."""
    parts = _PATHS.get(path)
    if parts is None:
        parts = _PATHS[path] = tuple(path.split("."))
    node = company if parts[0] == "company" else project
    if node is None:
        return MISSING
    for part in parts[1:]:
        if not isinstance(node, dict) or part not in node:
            return MISSING
        node = node[part]
    return MISSING if node is None else node


class Facts(dict):
    """One subject's facts by concrete path (the value, or MISSING), each looked up in the profile
    once per evaluation: a large check reads the same few hundred paths for thousands of leaves.

    A dict whose `__missing__` does the lookup, so that a fact already read costs one subscription
    (`facts[path]`, no Python call). Made per subject and evaluation (never kept between checks:
    the profile may change in between); the values are the profile's own, as `Context.fact` gives.
    """
    __slots__ = ("company", "project")

    def __init__(self, company: dict, project: dict | None):
        super().__init__()
        self.company, self.project = company, project

    def __missing__(self, path: str):
        value = self[path] = _lookup(self.company, self.project, path)
        return value


@dataclass(slots=True)
class Context:
    """What a criterion may read: the profile (one subject), the as-of date, the measure's window.
    `facts` is the subject's lookup cache (made here unless the Engine shares one per subject);
    `decided` the verdicts of the predicates decided in this context (criteria.compile_tree)."""
    as_of: dt.date
    company: dict
    project: dict | None = None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    facts: Facts = None         # type: ignore[assignment]  # always set by __post_init__
    decided: dict = None        # type: ignore[assignment]  # always set by __post_init__

    def __post_init__(self) -> None:
        if self.facts is None:
            self.facts = Facts(self.company, self.project)
        if self.decided is None:
            self.decided = {}

    @property
    def last_year(self) -> int:
        return self.as_of.year - 1

    def concrete(self, path: str) -> str:
        """Fill the year templates: company.years.{last_year}.revenue → company.years.2024.revenue."""
        if "{" not in path:
            return path
        ly = self.last_year
        return (path.replace("{last_year-2}", str(ly - 2)).replace("{last_year-1}", str(ly - 1))
                .replace("{last_year}", str(ly)))

    def fact(self, path: str):
        """The value at a concrete path, or MISSING (read from the profile, not the cache: the
        plain forms of the operators read this way)."""
        return _lookup(self.company, self.project, path)

    def reference_date(self, value) -> dt.date | None:
        if value == "as_of":
            return self.as_of
        if value == "valid_from":
            return self.valid_from
        if value == "valid_to":
            return self.valid_to
        return dt.date.fromisoformat(value)


class Outcome:
    """One decided (or undecidable) leaf, ready to be cited.

    `text` is written when first read: an operator gives either the sentence or a function of no
    arguments that writes it (from values it has already taken from the profile, never the profile
    itself, so that a profile changed after the check cannot change its reasons). A large check
    decides tens of thousands of leaves, and most of their sentences are never shown.
    """
    __slots__ = ("id", "label", "state", "_text", "missing", "gap", "final", "vague", "span",
                 "evidence")

    def __init__(self, id: str, label: str, state: bool | None, text: str | Callable[[], str],
                 missing: list[str] | None = None, gap: str | None = None, final: bool = False,
                 vague: str | None = None, span: str | None = None, evidence: list | None = None):
        self.id, self.label, self.state, self._text = id, label, state, text
        self.missing = [] if missing is None else missing
        self.gap, self.final, self.vague, self.span = gap, final, vague, span
        self.evidence = [] if evidence is None else evidence

    @property
    def text(self) -> str:
        text = self._text
        if not isinstance(text, str):
            text = self._text = text()
        return text

    def __repr__(self) -> str:
        return f"Outcome({self.id!r}, {self.label!r}, {self.state!r}, {self.text!r})"


# An operator decides a leaf as a verdict, a plain tuple (cheap to make: a large check decides
# tens of thousands of leaves, and most are never shown):
#   (state, text, missing, gap, final)
# state True/False/None; text the sentence or a function of no arguments writing it (from values
# already read, never the profile); missing the facts that would decide it (a list or a tuple, read
# only); gap what would make it pass (or None); final: failed for good (no gap can be given).
# The leaf's own words (id, label, vague, span, evidence) stay in the leaf: `outcome_of` joins the
# two into an Outcome when one is read.
Verdict = tuple


def outcome_of(leaf: dict, verdict: Verdict) -> Outcome:
    """The Outcome of a leaf decided as `verdict` (the one place an Outcome is made from one)."""
    state, text, missing, gap, final = verdict
    return Outcome(leaf["id"], leaf["label"], state, text, list(missing), gap, final,
                   leaf.get("vague"), leaf.get("span"), leaf.get("evidence") or [])


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
                if numeric(actual) and numeric(target) else actual == target)
        return same if op == "eq" else not same
    return ORDERED[op](number(actual), number(target))


# The ordered comparisons on Decimals (compare, and the leaves and conditions compiled).
ORDERED = {"ge": operator.ge, "gt": operator.gt, "le": operator.le, "lt": operator.lt}


def numeric(value) -> bool:
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


# -- conditions compiled (the same decisions, with each condition's constants read once) -------------
# A large check decides the same few conditions on thousands of list items: compiling a leaf's
# `where` / `unless` once turns each condition into a closure over its field, its operator and its
# value already converted. `item_counts` (the plain form) stays the reference; a test checks that
# both agree on every condition of the bundled data.

Condition = Callable[[dict, "Context"], "bool | None"]
Counter = Callable[[list, "Context"], tuple[list[int], list[int]]]
_YEAR_OFFSET = {"last_year": 0, "last_year-1": 1, "last_year-2": 2}


def compile_condition(cond: dict) -> Condition:
    """A callable doing `condition(item, cond, ctx)`."""
    name, default, op, target = cond["field"], cond.get("default"), cond["op"], cond["value"]
    if target == SUBJECT and op in ("eq", "ne"):
        same_wanted = op == "eq"

        def subject(item: dict, ctx: Context) -> bool | None:
            # 每个项目: an item without a project, or a company-level check, is not this project's.
            value = item.get(name, default)
            same = ctx.project is not None and value is not None and value == ctx.project.get("id")
            return same if same_wanted else not same
        return subject
    if op in ("on_or_after", "on_or_before") and target in ("as_of", "valid_from", "valid_to"):
        # The reference date is the context's attribute of that name (Context.reference_date).
        after = op == "on_or_after"

        def against_context(item: dict, ctx: Context) -> bool | None:
            value = item.get(name, default)
            if value is None:
                return None
            ref = getattr(ctx, target)
            if ref is None:
                return None
            return to_date(value) >= ref if after else to_date(value) <= ref
        return against_context
    if target == SUBJECT or (op == "in_year" and target not in _YEAR_OFFSET) or (
            op not in ("in_year", "on_or_after", "on_or_before", "in", "not_in", "eq", "ne")
            and op not in ORDERED):
        return lambda item, ctx: condition(item, cond, ctx)     # what the data never holds
    if op == "in_year":
        offset = _YEAR_OFFSET[target]

        def in_year(item: dict, ctx: Context) -> bool | None:
            value = item.get(name, default)
            return None if value is None else to_date(value).year == ctx.last_year - offset
        return in_year
    if op in ("on_or_after", "on_or_before"):
        ref, after = dt.date.fromisoformat(target), op == "on_or_after"

        def dated(item: dict, ctx: Context) -> bool | None:
            value = item.get(name, default)
            if value is None:
                return None
            return to_date(value) >= ref if after else to_date(value) <= ref
        return dated
    if op in ("in", "not_in"):
        inside = op == "in"

        def member(item: dict, ctx: Context) -> bool | None:
            value = item.get(name, default)
            return None if value is None else (value in target) is inside
        return member
    if op in ("eq", "ne"):
        same_wanted, target_number = op == "eq", number(target) if numeric(target) else None

        def equal(item: dict, ctx: Context) -> bool | None:
            value = item.get(name, default)
            if value is None:
                return None
            same = (number(value) == target_number if target_number is not None and numeric(value)
                    else value == target)
            return same if same_wanted else not same
        return equal
    order, target_number = ORDERED[op], number(target)

    def ordered(item: dict, ctx: Context) -> bool | None:
        value = item.get(name, default)
        return None if value is None else order(number(value), target_number)
    return ordered


def compile_item_counts(where: list[dict], unless: list[list[dict]]) -> Counter:
    """A callable doing `item_counts(items, where, unless, ctx)`."""
    wheres = [compile_condition(c) for c in where]
    unlesses = [[compile_condition(c) for c in u] for u in unless]

    def every(conds: list[Condition], item: dict, ctx: Context) -> bool | None:
        # all_of without short-circuit: every condition is decided, as all_conditions does
        states = [c(item, ctx) for c in conds]
        return False if False in states else (None if None in states else True)

    def counts(items: list, ctx: Context) -> tuple[list[int], list[int]]:
        sure, maybe = [], []
        for i, item in enumerate(items):
            # every(wheres, …), inline: this loop runs for every item of every counted list
            states = [c(item, ctx) for c in wheres]
            ok = False if False in states else (None if None in states else True)
            if unlesses:
                hits = [every(u, item, ctx) for u in unlesses]
                excluded = True if True in hits else (None if None in hits else False)
            else:
                excluded = False
            if ok is False or excluded is True:
                continue
            if ok is True and excluded is False:
                sure.append(i)
            else:
                maybe.append(i)
        return sure, maybe
    return counts


# -- tri-state logic -------------------------------------------------------------------------------

# States are True, False or None only, so membership (==) finds exactly the one asked for.

def all_of(states) -> bool | None:
    states = tuple(states)
    if False in states:
        return False
    if None in states:
        return None
    return True


def any_of(states) -> bool | None:
    states = tuple(states)
    if True in states:
        return True
    if None in states:
        return None
    return False
