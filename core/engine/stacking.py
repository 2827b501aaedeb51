"""Stacking rules and the recommended plan.

Conflicts come from the data only: a document's `same_class` rule (不得重复享受 / 不重复资助 with
the other measures of that level paying for the same thing) and a measure's `excludes` (不与市级补贴
叠加). Measures of different levels stack unless a text says otherwise. Conflicts are between
results for the same subject (the company, or one project).

The plan is the combination of eligible results with the largest total known maximum that respects
every conflict, found exactly: per subject, each connected group of conflicting results is a small
choice among its maximal independent sets; choices are independent except where several projects
share a per-company-per-year cap, and those are searched jointly by branch and bound.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import combinations

from core.engine.text import money


@dataclass
class PlanItem:
    measure_id: str
    project_id: str | None
    amount_max: Decimal | None


@dataclass
class GivenUp:
    measure_id: str
    project_id: str | None
    amount_max: Decimal | None
    reason: str


@dataclass
class Plan:
    selected: list[PlanItem] = field(default_factory=list)
    given_up: list[GivenUp] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def total_max(self) -> Decimal:
        return sum((i.amount_max for i in self.selected if i.amount_max is not None), Decimal(0))


def gives_support(measure: dict) -> bool:
    return (measure.get("benefit") or {}).get("formula", "none") != "none"


def conflict_reason(a: dict, b: dict, documents: dict) -> str | None:
    """Why measure a cannot be taken with measure b for the same subject (a's text), or None."""
    for rule in a["stacking"].get("excludes") or []:
        if rule.get("level") and b["level"] == rule["level"]:
            return rule["span"]
        if b["id"] in (rule.get("measures") or []):
            return rule["span"]
    cls = a["stacking"].get("class")
    if cls and a["document"] != b["document"] and b["stacking"].get("class") == cls:
        for rule in documents[a["document"]].get("stacking") or []:
            if rule["scope"] == "same_class" and b["level"] == rule["level"]:
                return rule["span"]
    return None


def find_conflicts(results: list, documents: dict,
                   cache: dict | None = None) -> dict[int, dict[int, str]]:
    """Index pairs of results (same subject) that exclude each other, with the text that says so.

    `cache` (kept by the Engine) remembers the answer per pair of measure ids: it depends on the
    measures only, never on the profile.
    """
    cache = {} if cache is None else cache
    by_subject: dict = defaultdict(list)
    for i, r in enumerate(results):
        by_subject[r.project_id].append(i)
    edges: dict[int, dict[int, str]] = defaultdict(dict)
    for members in by_subject.values():
        # Only measures with a stacking rule or class can conflict; skip the rest cheaply.
        # Only measures that give something can be taken twice; policy statements never conflict.
        supporting = [i for i in members if gives_support(results[i].measure)]
        relevant = [i for i in supporting if results[i].measure["stacking"].get("class")
                    or results[i].measure["stacking"].get("excludes")]
        excluders = [i for i in relevant if results[i].measure["stacking"].get("excludes")]
        by_class: dict = defaultdict(list)
        for i in relevant:
            cls = results[i].measure["stacking"].get("class")
            if cls:
                by_class[cls].append(i)
        pairs: set[tuple[int, int]] = set()
        for group in by_class.values():
            pairs.update(combinations(group, 2))
        for i in excluders:
            pairs.update((i, j) for j in supporting if j != i)
        for i, j in pairs:
            a, b = results[i].measure, results[j].measure
            if a["id"] == b["id"]:
                continue
            key = (a["id"], b["id"])
            if key not in cache:
                cache[key] = conflict_reason(a, b, documents) or conflict_reason(b, a, documents)
            why = cache[key]
            if why:
                edges[i][j] = why
                edges[j][i] = why
    return edges


# -- the plan -------------------------------------------------------------------------------------

def _components(nodes: list[int], edges: dict[int, dict[int, str]]) -> list[list[int]]:
    allowed, seen, out = set(nodes), set(), []
    for n in nodes:
        if n in seen:
            continue
        stack, comp = [n], []
        seen.add(n)
        while stack:
            x = stack.pop()
            comp.append(x)
            for y in edges.get(x, {}):
                if y in allowed and y not in seen:
                    seen.add(y)
                    stack.append(y)
        out.append(sorted(comp))
    return out


def _maximal_independent_sets(comp: list[int], edges) -> list[frozenset[int]]:
    """All maximal sets of mutually compatible results in one conflict component (Bron–Kerbosch
    on the complement graph, i.e. maximal cliques of 'compatible')."""
    out: list[frozenset[int]] = []
    members = set(comp)
    compatible = {v: members - edges.get(v, {}).keys() - {v} for v in comp}

    def expand(r: set, p: set, x: set) -> None:
        if not p and not x:
            out.append(frozenset(r))
            return
        pivot = max(p | x, key=lambda u: len(compatible[u] & p))
        for v in sorted(p - compatible[pivot]):
            expand(r | {v}, p & compatible[v], x & compatible[v])
            p = p - {v}
            x = x | {v}

    expand(set(), set(comp), set())
    return out


def make_plan(results: list, edges: dict[int, dict[int, str]]) -> Plan:
    """results: MeasureResult-like objects with .status, .amount_max, .measure, .project_id,
    .company_year_cap; only eligible results with something to apply for are candidates."""
    # A result known to pay nothing (0 元) is never offered as a choice.
    candidates = [i for i, r in enumerate(results) if r.plannable and r.amount_max != 0]
    value = {i: results[i].amount_max if results[i].amount_max is not None else Decimal(0)
             for i in candidates}
    # Shared caps: a company-per-year cap binds the same measure across several projects.
    cap_group: dict[int, str] = {}
    caps: dict[str, Decimal] = {}
    per_measure: dict = defaultdict(list)
    for i in candidates:
        if results[i].company_year_cap is not None and results[i].project_id is not None:
            per_measure[results[i].measure["id"]].append(i)
    for mid, members in per_measure.items():
        if len(members) > 1:
            caps[mid] = results[members[0]].company_year_cap
            for i in members:
                cap_group[i] = mid

    comps = _components(candidates, edges)
    options = {}
    for k, comp in enumerate(comps):
        sets = _maximal_independent_sets(comp, edges) if len(comp) > 1 else [frozenset(comp)]
        # Best first: known value, then more measures, then source order.
        sets.sort(key=lambda s: (-sum(value[i] for i in s), -len(s), sorted(s)))
        options[k] = sets

    def split(s) -> tuple[Decimal, dict[str, Decimal]]:
        free = Decimal(0)
        grouped: defaultdict[str, Decimal] = defaultdict(Decimal)
        for i in s:
            if i in cap_group:
                grouped[cap_group[i]] += value[i]
            else:
                free += value[i]
        return free, grouped

    chosen: dict[int, frozenset[int]] = {}
    coupled = [k for k, comp in enumerate(comps) if any(i in cap_group for i in comp)]
    for k in range(len(comps)):
        if k not in coupled:
            chosen[k] = options[k][0]
    if coupled:
        chosen.update(_search_coupled(coupled, options, split, caps))

    selected = sorted(i for s in chosen.values() for i in s)
    plan = Plan()
    remaining = dict(caps)
    for i in selected:
        r = results[i]
        amount = r.amount_max
        group = cap_group.get(i)
        if group is not None and amount is not None:
            granted = min(amount, remaining[group])
            if granted < amount:
                plan.notes.append(
                    f"{r.measure['id']}（项目 {r.project_id}）：同一企业每年最高 {money(caps[group])}，"
                    f"本项目按剩余额度 {money(granted)} 计")
            remaining[group] -= granted
            amount = granted
        plan.selected.append(PlanItem(r.measure["id"], r.project_id, amount))
    # Highest known amount first; unknown amounts (金额未列明) last; stable otherwise.
    plan.selected.sort(key=lambda item: -(item.amount_max if item.amount_max is not None else Decimal(-1)))
    chosen_set = set(selected)
    for i in candidates:
        if i in chosen_set:
            continue
        r = results[i]
        rivals = [j for j in edges.get(i, {}) if j in chosen_set]
        if not rivals:       # only possible through a shared cap; kept for completeness
            plan.given_up.append(GivenUp(r.measure["id"], r.project_id, r.amount_max, "与所选措施冲突"))
            continue
        names = "、".join(_cite(results[j]) for j in rivals)
        rival_value = sum(value[j] for j in rivals)
        why = (f"所选措施的已知最高额合计 {money(rival_value)} 高于本项" if rival_value > value[i]
               else "两者已知金额相同或均未列明，按顺序选其一，企业可自主选择申报")
        plan.given_up.append(GivenUp(
            r.measure["id"], r.project_id, r.amount_max,
            f"与 {names} 不能同时享受（“{edges[i][rivals[0]]}”）；{why}"))
    return plan


def _cite(r) -> str:
    """A rival as a person reads it: 罗湖区十条措施 第七条（一）（分布式光伏项目扶持）."""
    citation = getattr(r, "citation", None)
    title = r.measure.get("title")
    if citation and title:
        return f"{citation}（{title}）"
    return citation or r.measure["id"]


def _search_coupled(coupled: list[int], options: dict, split, caps: dict[str, Decimal]):
    """Branch and bound over the components tied together by shared caps; exact."""
    parts = {k: [split(s) for s in options[k]] for k in coupled}
    best_free_rest = [Decimal(0)] * (len(coupled) + 1)
    best_group_rest: list[dict] = [defaultdict(Decimal) for _ in range(len(coupled) + 1)]
    for pos in range(len(coupled) - 1, -1, -1):
        k = coupled[pos]
        best_free_rest[pos] = best_free_rest[pos + 1] + max(f for f, _ in parts[k])
        g = defaultdict(Decimal, best_group_rest[pos + 1])
        for name in caps:
            g[name] += max(grp.get(name, Decimal(0)) for _, grp in parts[k])
        best_group_rest[pos] = g

    def total(free, grouped) -> Decimal:
        return free + sum(min(caps[n], v) for n, v in grouped.items())

    best_value = Decimal(-1)
    best_pick: list[int] | None = None

    def go(pos: int, free: Decimal, grouped: dict, pick: list[int]) -> None:
        nonlocal best_value, best_pick
        if pos == len(coupled):
            v = total(free, grouped)
            if v > best_value:
                best_value, best_pick = v, list(pick)
            return
        bound = free + best_free_rest[pos] + sum(
            min(caps[n], grouped.get(n, Decimal(0)) + best_group_rest[pos][n]) for n in caps)
        if bound <= best_value:
            return
        k = coupled[pos]
        for idx, (f, grp) in enumerate(parts[k]):
            merged = dict(grouped)
            for n, v in grp.items():
                merged[n] = merged.get(n, Decimal(0)) + v
            pick.append(idx)
            go(pos + 1, free + f, merged, pick)
            pick.pop()

    go(0, Decimal(0), {}, [])
    # Every component has at least one option and amounts are never negative, so the first
    # complete pick (worth ≥ 0) always beats the starting -1.
    assert best_pick is not None
    return {k: options[k][idx] for k, idx in zip(coupled, best_pick, strict=True)}
