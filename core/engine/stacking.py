"""Stacking rules and the recommended plan.

Conflicts come from the data only: a document's `same_class` rule (不得重复享受 / 不重复资助 with
the other measures of that level paying for the same thing) and a measure's `excludes` (不与市级补贴
叠加). Measures of different levels stack unless a text says otherwise. Conflicts are between
results for the same subject (the company, or one project).

The plan is the combination of eligible results with the largest total known maximum that respects
every conflict and shared cap. Per subject, each connected group of conflicting results is a choice
among its maximal independent sets; choices are independent except where projects share a
per-company-per-year cap, and those are searched jointly by branch and bound. Everything is
iterative and bounded by step counts (MAX_*): within them the plan is exact; beyond them it is the
best found by greedy choice and local improvement, and `Plan.optimal` is False (docs/engine.md).
"""
from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial
from itertools import combinations

from core.engine.text import money


@dataclass
class PlanItem:
    measure_id: str
    project_id: str | None
    amount_max: Decimal | None


class GivenUp:
    """A candidate the plan left out, and why. `reason` is written when first read: a large check
    gives up thousands of candidates in dense classes and most reasons are never shown. It may be
    given as a function of no arguments writing it from the plan's own values (never the profile)."""
    __slots__ = ("measure_id", "project_id", "amount_max", "_reason")

    def __init__(self, measure_id: str, project_id: str | None, amount_max: Decimal | None,
                 reason: str | Callable[[], str]):
        self.measure_id, self.project_id, self.amount_max = measure_id, project_id, amount_max
        self._reason = reason

    @property
    def reason(self) -> str:
        reason = self._reason
        if not isinstance(reason, str):
            reason = self._reason = reason()
        return reason

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, GivenUp):
            return NotImplemented
        return ((self.measure_id, self.project_id, self.amount_max, self.reason)
                == (other.measure_id, other.project_id, other.amount_max, other.reason))

    __hash__ = None     # type: ignore[assignment]  # mutable, compared by value (as a dataclass)

    def __repr__(self) -> str:
        return (f"GivenUp(measure_id={self.measure_id!r}, project_id={self.project_id!r}, "
                f"amount_max={self.amount_max!r}, reason={self.reason!r})")


@dataclass
class Plan:
    selected: list[PlanItem] = field(default_factory=list)
    given_up: list[GivenUp] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # False when the search stopped at its work limits: the plan respects every rule but is not
    # proven to be the best (a note says so to the user).
    optimal: bool = True

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


# A block link: every member of a block conflicts with each of `others` (ascending positions),
# with the text `earlier` for those before it and `later` for those after it. One tuple serves a
# whole block, so a class whose members all conflict is stored in members × blocks, not members².
Link = tuple[list[int], str, str]


class SubjectConflicts:
    """The conflicts among one subject's results, by position in that subject's list of measures.

    A subject's results are one per measure of a fixed list (the company measures, or the measures
    of one project type), and conflicts depend on the measures only, never on the profile: so the
    Engine builds this once per list and reuses it for every company and project of that type.

    Kept as each position's block links and its pairs examined one by one; a position's rival map
    (`neighbour`) and rivals' ids (`rivals`) are made when first asked for and kept (the plan asks
    only about its candidates; a dense class would make members² entries up front).
    """

    def __init__(self, ids: list[str], links: list[list[Link]], pairs: dict[int, dict[int, str]]):
        self._ids, self._links, self._pairs = ids, links, pairs
        self._neighbours: list[dict[int, str] | None] = [None] * len(ids)
        self._rivals: list[list[str] | None] = [None] * len(ids)

    def __len__(self) -> int:
        return len(self._ids)

    def has_rivals(self, i: int) -> bool:
        return bool(self._links[i]) or i in self._pairs

    def neighbour(self, i: int) -> dict[int, str]:
        """Position -> {position of a rival: the text that says so}, in position order."""
        built = self._neighbours[i]
        if built is None:
            found: dict[int, str] = {}
            for others, earlier, later in self._links[i]:
                cut = bisect_right(others, i)          # others[:cut] come before i
                found.update(dict.fromkeys(others[:cut], earlier))
                found.update(dict.fromkeys(others[cut:], later))
            found.update(self._pairs.get(i, {}))
            built = self._neighbours[i] = dict(sorted(found.items()))
        return built

    def rivals(self, i: int) -> list[str]:
        """The rivals' measure ids, sorted (shared by every result at that position: read only)."""
        ids = self._rivals[i]
        if ids is None:
            ids = self._rivals[i] = sorted(set(map(self._ids.__getitem__, self.neighbour(i))))
        return ids

    @property
    def neighbours(self) -> list[dict[int, str]]:
        return [self.neighbour(i) for i in range(len(self))]

    @property
    def conflicts_with(self) -> list[list[str]]:
        return [self.rivals(i) for i in range(len(self))]


def subject_conflicts(measures: list[dict], documents: dict) -> SubjectConflicts:
    """The conflict graph among one subject's measures (positions in `measures`).

    Sparse: only measures that pay something and carry a stacking class or an `excludes` rule can
    conflict. Within a class, members are grouped by (document, level): every pair of two blocks
    conflicts alike (a document's same_class rule names a level), so a block pair's text is found
    once and each member gets one link to the other block (`Link`), without examining each pair.
    Pairs involving an `excludes` measure are examined one by one (`conflict_reason`, whose
    excludes come first), but only with the measures that can conflict with it: those of a level
    or an id its rules name, and those of its own class. The text of a pair is the earlier
    measure's rule if it has one, else the later one's; each position's rivals are listed in
    position order (so the plan names them in source order).
    """
    supporting = [i for i, m in enumerate(measures) if gives_support(m)]
    by_class: dict = defaultdict(list)
    excluders = []
    for i in supporting:
        stacking = measures[i]["stacking"]
        if stacking.get("class"):
            by_class[stacking["class"]].append(i)
        if stacking.get("excludes"):
            excluders.append(i)
    links: list[list[Link]] = [[] for _ in measures]
    if len({measures[i]["id"] for i in supporting}) == len(supporting):
        _class_blocks(measures, documents, by_class, set(excluders), links)
        pairs: set[tuple[int, int]] = set()
    else:
        # One measure listed twice (never in the Engine's lists): examine every pair in a class.
        pairs = {pair for group in by_class.values() for pair in combinations(group, 2)}
    by_level: dict = defaultdict(list)
    by_id: dict = defaultdict(list)
    for j in supporting:
        by_level[measures[j]["level"]].append(j)
        by_id[measures[j]["id"]].append(j)
    for i in excluders:
        stacking = measures[i]["stacking"]
        # conflict_reason(i, j) is None unless j has a level or an id that i's rules name, or
        # shares i's class (a same_class rule); conflict_reason(j, i) for an excluder j is found
        # from j's side, and a j without excludes answers by class only.
        partners: set[int] = set(by_class.get(stacking.get("class"), ())) if stacking.get("class") else set()
        for rule in stacking.get("excludes") or []:
            if rule.get("level"):
                partners.update(by_level.get(rule["level"], ()))
            for named in rule.get("measures") or []:
                partners.update(by_id.get(named, ()))
        pairs.update((min(i, j), max(i, j)) for j in partners if j != i)
    found: dict[int, dict[int, str]] = defaultdict(dict)
    for i, j in sorted(pairs):
        a, b = measures[i], measures[j]
        if a["id"] == b["id"]:
            continue
        why = conflict_reason(a, b, documents) or conflict_reason(b, a, documents)
        if why:
            found[i][j] = why
            found[j][i] = why
    return SubjectConflicts([m["id"] for m in measures], links, dict(found))


def _class_blocks(measures: list[dict], documents: dict, by_class: dict, excluders: set[int],
                  links: list[list[Link]]) -> None:
    """The same_class conflicts between measures without `excludes`, block pair by block pair
    (what conflict_reason answers for each of their pairs; a test compares both)."""
    rules: dict[tuple[str, str], str | None] = {}

    def rule(document: str, level: str) -> str | None:
        """The document's same_class rule that reaches measures of that level (its text)."""
        key = (document, level)
        if key not in rules:
            rules[key] = next((r["span"] for r in documents[document].get("stacking") or []
                               if r["scope"] == "same_class" and r["level"] == level), None)
        return rules[key]

    for group in by_class.values():
        blocks: dict[tuple[str, str], list[int]] = defaultdict(list)
        for i in group:
            if i not in excluders:
                blocks[(measures[i]["document"], measures[i]["level"])].append(i)
        keys = list(blocks)
        for x, (doc_a, level_a) in enumerate(keys):
            for doc_b, level_b in keys[x + 1:]:
                if doc_a == doc_b:
                    continue            # one document's measures never conflict by class
                a_says, b_says = rule(doc_a, level_b), rule(doc_b, level_a)
                if not (a_says or b_says):
                    continue
                block_a, block_b = blocks[(doc_a, level_a)], blocks[(doc_b, level_b)]
                a_first, b_first = (a_says or b_says or ""), (b_says or a_says or "")
                # A member of A: B's members before it give B's text first, those after it A's.
                to_b: Link = (block_b, b_first, a_first)
                to_a: Link = (block_a, a_first, b_first)
                for i in block_a:
                    links[i].append(to_b)
                for i in block_b:
                    links[i].append(to_a)


class ConflictGraph(Mapping):
    """Result index → {rival result index: text}, for results laid out as consecutive subjects.

    `segments` are (first result index, that subject's SubjectConflicts). A result's rivals are
    mapped to result indexes only when asked for (the plan asks only about its candidates), so an
    evaluation does not copy every edge of a dense conflict graph.
    """

    def __init__(self, segments: list[tuple[int, SubjectConflicts]], size: int):
        self._starts = [start for start, _ in segments]
        self._segments = segments
        self._size = size
        self._built: dict[int, dict[int, str]] = {}

    def _segment(self, i: int) -> tuple[int, SubjectConflicts | None]:
        if not 0 <= i < self._size:
            return 0, None
        return self._segments[bisect_right(self._starts, i) - 1]

    def __getitem__(self, i: int) -> dict[int, str]:
        built = self._built.get(i)
        if built is None:
            start, conflicts = self._segment(i)
            if conflicts is None or not conflicts.has_rivals(i - start):
                raise KeyError(i)
            local = conflicts.neighbour(i - start)
            # The first subject starts at 0: its cached dict is already in result indexes (read
            # only, as every edge map is).
            # (the offset map made by C-level iteration: a dense class gives hundreds of rivals)
            built = self._built[i] = local if start == 0 else dict(
                zip(map(start.__add__, local), local.values(), strict=True))
        return built

    def get(self, i: int, default=None):
        # Mapping.get goes through __getitem__ and a KeyError for every result without rivals
        # (most of the plan's candidates): answered here without raising.
        built = self._built.get(i)
        if built is not None:
            return built
        start, conflicts = self._segment(i)
        if conflicts is None or not conflicts.has_rivals(i - start):
            return default
        return self[i]

    def __iter__(self):
        for start, conflicts in self._segments:
            yield from (start + k for k in range(len(conflicts)) if conflicts.has_rivals(k))

    def __len__(self) -> int:
        return sum(1 for _ in self)


def find_conflicts(results: list, documents: dict) -> dict[int, dict[int, str]]:
    """Index pairs of results (same subject) that exclude each other, with the text that says so.

    The straightforward form of what the Engine does with cached SubjectConflicts: group the
    results by subject and examine each group's measures.
    """
    by_subject: dict = defaultdict(list)
    for i, r in enumerate(results):
        by_subject[r.project_id].append(i)
    edges: dict[int, dict[int, str]] = {}
    for members in by_subject.values():
        conflicts = subject_conflicts([results[i].measure for i in members], documents)
        for local, rivals in enumerate(conflicts.neighbours):
            if rivals:
                edges[members[local]] = {members[j]: why for j, why in rivals.items()}
    return edges


# -- the plan -------------------------------------------------------------------------------------

def _components(nodes: list[int], edges: Mapping[int, dict[int, str]]) -> list[list[int]]:
    allowed, seen, out = set(nodes), set(), []
    for n in nodes:
        if n in seen:
            continue
        stack, comp = [n], []
        seen.add(n)
        while stack:
            x = stack.pop()
            comp.append(x)
            # the rivals among the candidates not yet reached, as set operations (a dense class
            # gives a candidate hundreds of rivals)
            rivals = edges.get(x)
            if rivals:
                new = (rivals.keys() & allowed) - seen
                seen |= new
                stack.extend(new)
        out.append(sorted(comp))
    return out


# Work limits of the plan search. Within them the plan is proven optimal; beyond them (hundreds of
# projects whose choices are tied by a shared cap, or one subject with a huge conflict group) the
# search stops and keeps the best plan found, and the Plan says it is not proven optimal. Both
# limits are counts of steps, not times, so the same profile gives the same plan on every machine.
MAX_SETS_PER_COMPONENT = 512      # maximal independent sets listed for one conflict group
MAX_ENUMERATION_STEPS = 20_000    # Bron–Kerbosch steps for one conflict group
MAX_SEARCH_NODES = 10_000         # branch-and-bound nodes over the cap-coupled groups
MAX_IMPROVEMENT_PASSES = 50       # passes of local improvement (each pass strictly improves)
# A common Lagrange weight for the caps: min(C, G) <= λ·C + (1 − λ)·G for every λ in [0, 1].
_LAMBDAS = tuple(Decimal(k) / 8 for k in range(9))

NOT_PROVEN_NOTE = ("本组合的冲突和共享上限关系过于复杂，推荐组合是在限定计算量内求得的较优组合，"
                   "未能证明是最优，可能存在已知最高额合计更高的组合。")


def _maximal_independent_sets(comp: list[int], edges) -> list[frozenset[int]] | None:
    """All maximal sets of mutually compatible results in one conflict component (Bron–Kerbosch
    with pivoting on the complement graph, i.e. maximal cliques of 'compatible'), or None when
    there are more than the limits allow. Iterative: an explicit stack, never Python recursion."""
    members = set(comp)
    # False twins, results with the same rivals in this group (a stacking class's block: members of
    # one document and level conflict with the same others, never with each other), are in every
    # maximal set together or not at all. So the sets are listed over one result per twin class
    # and each is then widened to the classes it stands for: the same sets, as many (the limit on
    # sets is unchanged), in fewer steps (a dense class of 71 clones is one node per block).
    twins: dict[frozenset[int], list[int]] = {}
    for v in comp:
        twins.setdefault(frozenset(edges.get(v, {}).keys() & members), []).append(v)
    if len(twins) == len(comp):
        return _maximal_sets_of(comp, edges)
    stand_for = {group[0]: group for group in twins.values()}
    found = _maximal_sets_of(sorted(stand_for), edges)
    if found is None:
        return None
    return [frozenset(v for u in s for v in stand_for[u]) for s in found]


def _maximal_sets_of(comp: list[int], edges) -> list[frozenset[int]] | None:
    """Bron–Kerbosch over `comp` (see _maximal_independent_sets), within the limits, or None."""
    out: list[frozenset[int]] = []
    members = set(comp)
    compatible = {v: members - edges.get(v, {}).keys() - {v} for v in comp}

    def frame(r: frozenset, p: set, x: set) -> list:
        if not p and not x:
            out.append(r)
            return [r, p, x, []]
        pivot = max(p | x, key=lambda u: (len(compatible[u] & p), -u))
        return [r, p, x, sorted(p - compatible[pivot], reverse=True)]

    stack = [frame(frozenset(), set(comp), set())]
    steps = 0
    while stack:
        r, p, x, todo = top = stack[-1]
        if not todo:
            stack.pop()
            continue
        steps += 1
        if steps > MAX_ENUMERATION_STEPS or len(out) > MAX_SETS_PER_COMPONENT:
            return None
        v = todo.pop()
        child = frame(r | {v}, p & compatible[v], x & compatible[v])
        # The parent's candidates change before the child runs (the child has its own copies).
        top[1] = p - {v}
        top[2] = x | {v}
        stack.append(child)
    return out


def _heuristic_sets(comp: list[int], edges, weights: list[dict[int, Decimal]]) -> list[frozenset[int]]:
    """Good maximal independent sets of a conflict group too large to list: for each weighting, a
    greedy pick (heaviest first, then by weight per conflict) improved by swaps that add one result
    and drop its chosen rivals while that gains; distinct sets, best first for the first weighting."""
    found: list[frozenset[int]] = []
    for weight in weights:
        # comp is in source order and sorted() is stable: ties keep source order.
        heaviest = sorted(comp, key=weight.__getitem__, reverse=True)
        density = {v: weight[v] / (len(edges.get(v, {})) + 1) for v in comp}
        densest = sorted(comp, key=density.__getitem__, reverse=True)
        for order in (heaviest, densest):
            chosen = _improve(_complete(set(), comp, edges, order), comp, edges, weight)
            if chosen not in found:
                found.append(chosen)
    return found


def _complete(chosen: set[int], comp: list[int], edges, order: list[int]) -> set[int]:
    """Add, in `order`, every result that conflicts with nothing chosen."""
    for v in order:
        if v not in chosen and not any(u in chosen for u in edges.get(v, {})):
            chosen.add(v)
    return chosen


def _improve(chosen: set[int], comp: list[int], edges, weight: dict[int, Decimal]) -> frozenset[int]:
    order = sorted(comp, key=lambda v: (-weight[v], v))
    for _ in range(MAX_IMPROVEMENT_PASSES):
        better = False
        for v in order:
            if v in chosen:
                continue
            rivals = [u for u in edges.get(v, {}) if u in chosen]
            if weight[v] > sum((weight[u] for u in rivals), Decimal(0)):
                chosen.difference_update(rivals)
                chosen.add(v)
                _complete(chosen, comp, edges, order)
                better = True
        if not better:
            break
    return frozenset(chosen)


def make_plan(results: list, edges: Mapping[int, dict[int, str]]) -> Plan:
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
        # Even a lone project is held to the company's cap (its own amount may be above it).
        caps[mid] = results[members[0]].company_year_cap
        for i in members:
            cap_group[i] = mid

    comps = _components(candidates, edges)
    options = {}
    proven = True
    for k, comp in enumerate(comps):
        sets = _maximal_independent_sets(comp, edges) if len(comp) > 1 else [frozenset(comp)]
        if sets is None:
            # Too many ways to choose in one group: a few good choices, one per weighting (the
            # capped results valued in full, and at nothing, since a cap may leave them nothing).
            proven = False
            free_only = {i: (Decimal(0) if i in cap_group else value[i]) for i in comp}
            sets = _heuristic_sets(comp, edges, [value, free_only] if any(i in cap_group for i in comp)
                                   else [value])
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
        picked, complete = _search_coupled(coupled, options, split, caps)
        chosen.update(picked)
        proven = proven and complete

    selected = sorted(i for s in chosen.values() for i in s)
    plan = Plan(optimal=proven)
    if not proven:
        plan.notes.append(NOT_PROVEN_NOTE)
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
        if i not in chosen_set:
            r = results[i]
            plan.given_up.append(GivenUp(r.measure["id"], r.project_id, r.amount_max,
                                         partial(_given_up_reason, i, results, edges, chosen_set,
                                                 value)))
    return plan


def _given_up_reason(i: int, results: list, edges: Mapping[int, dict[int, str]],
                     chosen_set: set[int], value: dict[int, Decimal]) -> str:
    """Why candidate i was left out: the chosen rivals, named in source (index) order, the rule's
    text and the comparison of amounts. Written when GivenUp.reason is first read, from the plan's
    values (results and their conflicts are not changed after the check)."""
    rivals = sorted(edges.get(i, {}).keys() & chosen_set)
    if not rivals:       # only possible through a shared cap; kept for completeness
        return "与所选措施冲突"
    names = "、".join(_cite(results[j]) for j in rivals)
    rival_value = sum(value[j] for j in rivals)
    why = (f"所选措施的已知最高额合计 {money(rival_value)} 高于本项" if rival_value > value[i]
           else "两者已知金额相同或均未列明，按顺序选其一，企业可自主选择申报")
    return f"与 {names} 不能同时享受（“{edges[i][rivals[0]]}”）；{why}"


def _cite(r) -> str:
    """A rival as a person reads it: 罗湖区十条措施 第七条（一）（分布式光伏项目扶持）."""
    citation = getattr(r, "citation", None)
    title = r.measure.get("title")
    if citation and title:
        return f"{citation}（{title}）"
    return citation or r.measure["id"]


def _search_coupled(coupled: list[int], options: dict, split, caps: dict[str, Decimal]):
    """Choose one option per component of `coupled` (components tied together by shared caps) for
    the largest total; returns (choice per component, proven optimal).

    First a good plan by local improvement (cheap, any size), then an iterative depth-first branch
    and bound that proves it or finds better, pruning with the tighter of two admissible bounds,
    within MAX_SEARCH_NODES nodes. When the search completes, the answer is the first optimal
    choice in depth-first order (best options first), whatever the starting plan was.

    A component with one option (a capped result that conflicts with nothing) is no choice: its
    part is added before the search starts, which then runs over the others only (the same
    depth-first order, one level per component that has a choice)."""
    base_free = Decimal(0)
    base_grouped: dict[str, Decimal] = {}
    for k in coupled:
        if len(options[k]) == 1:
            f, grp = split(options[k][0])
            base_free += f
            for n, v in grp.items():
                base_grouped[n] = base_grouped.get(n, Decimal(0)) + v
    forced = {k: options[k][0] for k in coupled if len(options[k]) == 1}
    coupled = [k for k in coupled if len(options[k]) > 1]
    if not coupled:
        return forced, True
    parts = [[split(s) for s in options[k]] for k in coupled]
    names = sorted(caps)
    count = len(coupled)

    def total(free: Decimal, grouped: dict) -> Decimal:
        return free + sum((min(caps[n], v) for n, v in grouped.items()), Decimal(0))

    # Suffix bounds: the best free part and best capped parts of the components from pos on, and,
    # for each λ, the best of f + (1 − λ)·g.
    best_free_rest = [Decimal(0)] * (count + 1)
    best_group_rest: list[dict[str, Decimal]] = [dict.fromkeys(names, Decimal(0)) for _ in range(count + 1)]
    relaxed_rest = [[Decimal(0)] * (count + 1) for _ in _LAMBDAS]
    for pos in range(count - 1, -1, -1):
        best_free_rest[pos] = best_free_rest[pos + 1] + max(f for f, _ in parts[pos])
        for n in names:
            best_group_rest[pos][n] = best_group_rest[pos + 1][n] + max(
                grp.get(n, Decimal(0)) for _, grp in parts[pos])
        for li, lam in enumerate(_LAMBDAS):
            relaxed_rest[li][pos] = relaxed_rest[li][pos + 1] + max(
                f + (1 - lam) * sum(grp.values(), Decimal(0)) for f, grp in parts[pos])
    cap_total = sum(caps.values(), Decimal(0))
    # Per λ: λ·C and 1 − λ, computed once (the same values, in the same order of operations, as
    # computing them at every node of the search).
    weights = [(lam * cap_total, 1 - lam, relaxed_rest[li]) for li, lam in enumerate(_LAMBDAS)]

    # Σ over every cap of min(cap, the best the rest can add to it), for each pos: a node then sums
    # only over the caps it has used so far, not over every cap (there are as many as measures
    # with a company cap). Amounts are yuan to the fen, so these sums are exact in any order.
    untouched = [sum((min(caps[n], best_group_rest[pos][n]) for n in names), Decimal(0))
                 for pos in range(count + 1)]

    def bound(pos: int, free: Decimal, grouped: dict) -> Decimal:
        rest = best_group_rest[pos]
        separate = free + best_free_rest[pos] + untouched[pos] + sum(
            (min(caps[n], v + rest[n]) - min(caps[n], rest[n]) for n, v in grouped.items()), Decimal(0))
        in_groups = sum(grouped.values(), Decimal(0))
        relaxed = min([free + lam_cap + rest * in_groups + rest_bound[pos]
                       for lam_cap, rest, rest_bound in weights])
        return min(separate, relaxed)

    start_pick, start_value = _improved_start(parts, total, base_free, base_grouped)

    # The depth-first search, with an explicit stack of (position, free, grouped, next option).
    best_value, best_pick = Decimal(-1), None
    pick: list[int] = []
    stack: list[list] = [[0, base_free, dict(base_grouped), 0]]
    nodes = 0
    complete = True
    while stack:
        top = stack[-1]
        pos, free, grouped, idx = top
        if pos == count:
            v = total(free, grouped)
            if v > best_value:
                best_value, best_pick = v, list(pick)
            stack.pop()
            if pick:
                pick.pop()
            continue
        if idx == 0:
            nodes += 1
            if nodes > MAX_SEARCH_NODES:
                complete = False
                break
            b = bound(pos, free, grouped)
            # Strictly below the starting plan: nothing optimal here. Not above the best found in
            # this search: nothing better here, and the earlier one wins ties.
            if b < start_value or b <= best_value:
                stack.pop()
                if pick:
                    pick.pop()
                continue
        if idx == len(parts[pos]):
            stack.pop()
            if pick:
                pick.pop()
            continue
        top[3] = idx + 1
        f, grp = parts[pos][idx]
        merged = dict(grouped)
        for n, v in grp.items():
            merged[n] = merged.get(n, Decimal(0)) + v
        pick.append(idx)
        stack.append([pos + 1, free + f, merged, 0])
    if best_pick is None or best_value < start_value:
        best_pick = start_pick
    return forced | {k: options[k][idx] for k, idx in zip(coupled, best_pick, strict=True)}, complete


def _improved_start(parts: list, total, base_free: Decimal = Decimal(0),
                   base_grouped: dict | None = None) -> tuple[list[int], Decimal]:
    """A good choice to start from, the best of three: every component's best option counting
    capped amounts in full; its best option counting them as nothing; and the latter with moves
    to capped options taken in order of gain per yuan of cap used (the knapsack greedy). Each is
    then improved by changing one component's option at a time while that raises the total."""
    def full(f: Decimal, grp: dict) -> Decimal:
        return f + sum(grp.values(), Decimal(0))

    def state(pick: list[int]) -> tuple[Decimal, dict[str, Decimal]]:
        # (base_free, base_grouped: the components with no choice, added before the search)
        free = sum((parts[pos][i][0] for pos, i in enumerate(pick)), base_free)
        grouped: dict[str, Decimal] = dict(base_grouped or {})
        for pos, i in enumerate(pick):
            for n, v in parts[pos][i][1].items():
                grouped[n] = grouped.get(n, Decimal(0)) + v
        return free, grouped

    def move(pick: list[int], free: Decimal, grouped: dict, pos: int, i: int):
        old_f, old_g = parts[pos][pick[pos]]
        f, grp = parts[pos][i]
        trial = dict(grouped)
        for n, v in old_g.items():
            trial[n] -= v
        for n, v in grp.items():
            trial[n] = trial.get(n, Decimal(0)) + v
        return free - old_f + f, trial

    def ascend(pick: list[int], passes: int = MAX_IMPROVEMENT_PASSES) -> tuple[list[int], Decimal]:
        free, grouped = state(pick)
        current = total(free, grouped)
        for _ in range(passes):
            better = False
            for pos, opts in enumerate(parts):
                for i in range(len(opts)):
                    if i == pick[pos]:
                        continue
                    new_free, trial = move(pick, free, grouped, pos, i)
                    value = total(new_free, trial)
                    if value > current:
                        pick[pos], free, grouped, current = i, new_free, trial, value
                        better = True
            if not better:
                break
        return pick, current

    def best_by(score) -> list[int]:
        pick = []
        for opts in parts:
            scores = [score(f, grp) for f, grp in opts]
            pick.append(scores.index(max(scores)))      # the first best: options are best first
        return pick

    free_pick = best_by(lambda f, grp: f)
    knapsack = list(free_pick)
    moves = []
    for pos, opts in enumerate(parts):
        base_f, base_g = opts[free_pick[pos]]
        for i, (f, grp) in enumerate(opts):
            used = sum(grp.values(), Decimal(0)) - sum(base_g.values(), Decimal(0))
            gain = full(f, grp) - full(base_f, base_g)
            if i != free_pick[pos] and gain > 0:
                moves.append((-(gain / used) if used > 0 else Decimal("-Infinity"), pos, i))
    moves.sort()
    free, grouped = state(knapsack)
    current = total(free, grouped)
    for _, pos, i in moves:
        new_free, trial = move(knapsack, free, grouped, pos, i)
        value = total(new_free, trial)
        if value > current:
            knapsack[pos], free, grouped, current = i, new_free, trial, value

    starts = [best_by(full), free_pick, knapsack]
    improved = [ascend(list(pick)) for pick in starts]
    return max(improved, key=lambda found: found[1])
