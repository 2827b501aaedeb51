"""Issue 18 item 1, last round: groups of leaves compiled into one loop, and maximal sets of a
conflict group listed over its twin classes, give what the reference forms give.

Random trees (hypothesis) of all_of / any_of whose leaves are met, failed with a gap, failed with no
gap, failed for good (final) or unknown, compiled (`compile_tree`) against walked as data
(`evaluate_tree`); random conflict graphs with many twins (results with the same rivals) listed by
`_maximal_independent_sets` against plain Bron–Kerbosch (`_maximal_sets_of`) and brute force; and a
plan's given-up reasons, written when read, against reasons written at once.
"""
from __future__ import annotations

import copy
import datetime as dt
from itertools import combinations

from hypothesis import given, settings
from hypothesis import strategies as st

from bench.bench_check import AS_OF as BENCH_AS_OF
from bench.bench_check import make_profile
from core.engine.context import Context
from core.engine.criteria import compile_tree, evaluate_tree, outcomes_of
from core.engine.evaluate import Engine
from core.engine.stacking import _maximal_independent_sets, _maximal_sets_of
from tests.engine_cases import scramble

AS_OF = dt.date(2025, 6, 30)

# The company's facts the leaves read: revenue 100 (known), staff absent (unknown), one support
# received (so "none received" fails for good, a final verdict), entity type "enterprise".
COMPANY = {"years": {"2024": {"revenue": 100}}, "entity_type": "enterprise",
           "supports_received": [{"measure": "m-x", "year": 2023}]}


def _leaf(n: int, kind: str) -> dict:
    base = {"id": f"c{n}", "label": f"条件{n}"}
    if kind == "met":
        return {**base, "type": "leaf", "fact": "company.years.{last_year}.revenue", "op": "ge",
                "value": 50 + n}
    if kind == "gap":              # failed, a gap to close (再增加 …)
        return {**base, "type": "leaf", "fact": "company.years.{last_year}.revenue", "op": "ge",
                "value": 200 + n, "unit": "万元"}
    if kind == "no_gap":           # failed on a word: no number closes it, yet not final
        return {**base, "type": "leaf", "fact": "company.entity_type", "op": "in",
                "value": [f"other{n}"]}
    if kind == "final":            # received before: failed for good
        return {**base, "type": "leaf", "fact": "company.supports_received", "op": "count_le",
                "value": 0, "where": [{"field": "measure", "op": "eq", "value": "m-x"}]}
    return {**base, "type": "leaf", "fact": f"company.staff_{n}", "op": "ge", "value": n}


def trees():
    counter = iter(range(10**9))
    leaf = st.sampled_from(["met", "gap", "no_gap", "final", "unknown"]).map(
        lambda kind: _leaf(next(counter) % 7, kind))
    return st.recursive(
        leaf,
        lambda kids: st.builds(lambda kind, children: {"type": kind, "children": children},
                               st.sampled_from(["all_of", "any_of"]),
                               st.lists(kids, min_size=0, max_size=4)),
        max_leaves=12)


def _outcome(o) -> tuple:
    return (o.id, o.label, o.state, o.text, o.missing, o.gap, o.final, o.vague, o.span, o.evidence)


@settings(max_examples=200, deadline=None)
@given(st.lists(trees(), max_size=4))
def test_groups_of_leaves_compiled_decide_as_the_tree_walked(nodes):
    compiled_out: list = []
    plain_out: list = []
    state, missing, gaps = compile_tree(nodes)(Context(AS_OF, COMPANY), compiled_out)
    plain = evaluate_tree(nodes, Context(AS_OF, COMPANY), plain_out)
    assert (state, list(missing), gaps) == tuple(plain)
    assert [_outcome(o) for o in outcomes_of(compiled_out)] == [_outcome(o) for o in plain_out]


def test_a_group_of_leaves_gives_each_kind_of_failure_its_gaps():
    # the shapes the loop decides without a closure per leaf, each checked against its meaning
    run = compile_tree([_leaf(1, "met"), _leaf(2, "gap"), _leaf(3, "no_gap")])
    state, missing, gaps = run(Context(AS_OF, COMPANY), [])
    assert state is False and gaps == [evaluate_tree([_leaf(2, "gap")], Context(AS_OF, COMPANY), []).gaps[0]]
    # one leaf failed for good: no gap can make the group pass
    assert compile_tree([_leaf(2, "gap"), _leaf(4, "final")])(Context(AS_OF, COMPANY), [])[2] is None
    # an any_of of failed leaves offers the gaps that could be closed, and none when none can
    any_gap = {"type": "any_of", "children": [_leaf(2, "gap"), _leaf(4, "final")]}
    assert len(compile_tree([any_gap])(Context(AS_OF, COMPANY), [])[2]) == 1
    no_gap = {"type": "any_of", "children": [_leaf(3, "no_gap"), _leaf(4, "final")]}
    assert compile_tree([no_gap])(Context(AS_OF, COMPANY), [])[2] is None
    # unknown: the facts that would decide, each once, only under the undecided group
    state, missing, _ = compile_tree([_leaf(5, "unknown"), _leaf(5, "unknown"), _leaf(1, "met")])(
        Context(AS_OF, COMPANY), [])
    assert state is None and list(missing) == ["company.staff_5"]


# -- maximal sets over twin classes -------------------------------------------------------------------

@st.composite
def twin_graphs(draw):
    """A conflict graph of a few blocks (each block's members are twins: the same rivals) joined by
    random block edges, plus a few random single edges that split some twin classes."""
    sizes = draw(st.lists(st.integers(1, 3), min_size=1, max_size=4))
    nodes, blocks = [], []
    for size in sizes:
        blocks.append(list(range(len(nodes), len(nodes) + size)))
        nodes.extend(blocks[-1])
    edges: dict[int, dict[int, str]] = {n: {} for n in nodes}
    for a, b in combinations(range(len(blocks)), 2):
        if draw(st.booleans()):
            for u in blocks[a]:
                for v in blocks[b]:
                    edges[u][v] = edges[v][u] = "block"
    for u, v in draw(st.lists(st.tuples(st.sampled_from(nodes), st.sampled_from(nodes)), max_size=3)):
        if u != v:
            edges[u][v] = edges[v][u] = "pair"
    return nodes, edges


def _brute_force(nodes: list[int], edges) -> set[frozenset[int]]:
    independent = [frozenset(s) for k in range(len(nodes) + 1) for s in combinations(nodes, k)
                   if not any(v in edges[u] for u, v in combinations(s, 2))]
    return {s for s in independent if not any(s < t for t in independent)}


@settings(max_examples=150, deadline=None)
@given(twin_graphs())
def test_maximal_sets_over_twin_classes_are_the_maximal_sets(graph):
    nodes, edges = graph
    found = _maximal_independent_sets(nodes, edges)
    assert found is not None and len(found) == len(set(found))
    assert set(found) == set(_maximal_sets_of(nodes, edges)) == _brute_force(nodes, edges)


def test_twins_take_fewer_steps_than_the_plain_listing(monkeypatch):
    # 30 blocks of 3 twins, every two blocks in conflict: 30 sets either way, but the plain listing
    # (90 nodes) needs more steps than a limit the twin classes (30 nodes) stay within
    nodes = list(range(90))
    edges = {u: {v: "x" for v in nodes if v // 3 != u // 3} for u in nodes}
    monkeypatch.setattr("core.engine.stacking.MAX_ENUMERATION_STEPS", 45)
    assert _maximal_sets_of(nodes, edges) is None
    found = _maximal_independent_sets(nodes, edges)
    assert found is not None and sorted(sorted(s) for s in found) == [[3 * k, 3 * k + 1, 3 * k + 2]
                                                                      for k in range(30)]


# -- given-up reasons written when read ------------------------------------------------------------

def test_given_up_reasons_written_when_read_are_those_written_at_once(catalog):
    engine = Engine(catalog.measures, catalog.documents, catalog.version)
    profile = make_profile()
    at_once = engine.evaluate(copy.deepcopy(profile), BENCH_AS_OF).plan.given_up
    assert at_once and all("不能同时享受" in g.reason for g in at_once)
    later = engine.evaluate(profile, BENCH_AS_OF).plan
    assert all(not isinstance(g._reason, str) for g in later.given_up), "nothing written yet"
    scramble(profile)              # a form edited after the check changes no reason
    assert later.given_up == at_once
    assert [g.reason for g in later.given_up] == [g.reason for g in at_once]
