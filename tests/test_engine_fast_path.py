"""Issue 18 item 1: the Engine's fast path (compiled criteria trees, the applicability shared
between a document's measures, conflicts cached per subject kind and read lazily by the plan)
gives exactly the JSON of a straightforward evaluation: every tree walked as data, every pair of
results of a subject examined, for random profiles."""
from __future__ import annotations

import copy
import datetime as dt
from functools import partial
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings

import core.engine.evaluate  # noqa: F401  (the package re-exports a function of that name)
from bench.bench_check import make_profile
from core.engine.criteria import evaluate_tree
from core.engine.evaluate import NEEDS_INFO, Engine, Evaluation
from core.engine.report import to_json
from core.engine.stacking import ConflictGraph, conflict_reason, gives_support, make_plan
from tests.engine_cases import profiles, scramble

EVALUATE = __import__("sys").modules["core.engine.evaluate"]


def every_pair(results: list, documents: dict) -> dict[int, dict[int, str]]:
    """Every pair of results of one subject examined: the earlier one's rule first."""
    edges: dict[int, dict[int, str]] = {}
    for i, a in enumerate(results):
        for j, b in enumerate(results):
            if i == j or a.project_id != b.project_id or a.measure_id == b.measure_id:
                continue
            if not (gives_support(a.measure) and gives_support(b.measure)):
                continue
            first, second = (a, b) if i < j else (b, a)
            why = (conflict_reason(first.measure, second.measure, documents)
                   or conflict_reason(second.measure, first.measure, documents))
            if why:
                edges.setdefault(i, {})[j] = why
    return edges


def straightforward(engine: Engine, profile: dict, as_of: dt.date) -> Evaluation:
    """What Engine.evaluate computes, the plain way: each measure's trees walked as data (no
    compilation, nothing shared between results) and every pair of a subject's results examined."""
    company = profile.get("company") or {}
    walk = partial(partial, evaluate_tree)          # compile_tree(nodes) → evaluate_tree(nodes, …)
    plain = Engine(engine.measures, engine.documents, engine.version)
    with mock.patch.object(EVALUATE, "compile_tree", walk):
        results = [plain._one(m, company, None, as_of) for m in plain.company_measures]
        for project in profile.get("projects") or []:
            results.extend(plain._one(m, company, project, as_of)
                           for m in plain.by_type.get(project.get("type"), []))
    edges = every_pair(results, engine.documents)
    for i, r in enumerate(results):
        r.conflicts_with = sorted({results[j].measure_id for j in edges.get(i, {})})
    plan = make_plan(results, edges)
    pending = sum(r.status == NEEDS_INFO for r in results)
    if pending:
        plan.notes.append(f"另有 {pending} 项需补充信息，补充后可能加入方案。")
    return Evaluation(as_of, engine.version, results, plan, list(engine.statements), engine.release)


@pytest.fixture(scope="module")
def engine(catalog):
    return Engine(catalog.measures, catalog.documents, catalog.version)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(profiles())
def test_the_fast_path_gives_the_straightforward_json(engine, case):
    profile, as_of = case
    assert to_json(engine.evaluate(profile, as_of)) == to_json(straightforward(engine, profile, as_of))


def _read(ev: Evaluation) -> list:
    """Everything a reader takes from the results beyond the JSON: every outcome's fields, the
    gaps, the amount's words and the rivals."""
    return [(r.measure_id, r.project_id, r.gaps, r.amount_if_met, r.matched_until, r.conflicts_with,
             r.amount.notes, r.amount.calculation,
             [(o.id, o.label, o.state, o.text, o.missing, o.gap, o.final, o.vague, o.span, o.evidence)
              for o in r.outcomes]) for r in ev.results]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(profiles())
def test_what_is_made_when_read_equals_the_straightforward_after_the_profile_changes(engine, case):
    """Regression (issue 18): outcomes (made from verdicts when read, some shared between identical
    predicates), rivals and amount words read after the profile is changed in place equal the
    straightforward evaluation's, read at once."""
    profile, as_of = case
    want = _read(straightforward(engine, copy.deepcopy(profile), as_of))
    fast = engine.evaluate(profile, as_of)
    scramble(profile)
    assert _read(fast) == want


def test_the_bench_profile_is_the_same_both_ways_and_has_conflicts(engine):
    profile = make_profile()
    fast = engine.evaluate(profile, dt.date(2025, 6, 30))
    assert sum(bool(r.conflicts_with) for r in fast.results) > 10, "a profile that exercises conflicts"
    assert fast.plan.given_up, "and makes the plan give something up"
    assert to_json(fast) == to_json(straightforward(engine, profile, dt.date(2025, 6, 30)))


def test_the_conflict_graph_reads_rivals_in_source_order(engine):
    profile = make_profile()
    ev = engine.evaluate(profile, dt.date(2025, 6, 30))
    segments, start = [], 0
    for kind, measures in [(("company",), engine.company_measures)] + [
            (("project", p["type"]), engine.by_type.get(p["type"], [])) for p in profile["projects"]]:
        segments.append((start, engine.conflict_cache[kind]))
        start += len(measures)
    graph = ConflictGraph(segments, len(ev.results))
    # The same edges and texts as examining every pair (texts differ with the order for some
    # pairs of the real data: 19a/25a of sz-sepi-2024 and sz-glc-2022 each cite their own rule).
    assert {i: graph[i] for i in graph} == every_pair(ev.results, engine.documents)
    assert len(graph) == sum(bool(r.conflicts_with) for r in ev.results)
    for i in graph:
        rivals = list(graph[i])
        assert rivals == sorted(rivals)
        assert sorted({ev.results[j].measure_id for j in rivals}) == ev.results[i].conflicts_with
        assert all(graph[j][i] == graph[i][j] for j in rivals)
    assert graph.get(len(ev.results)) is None and graph.get(-1) is None


def test_a_project_without_a_type_is_its_own_empty_subject(engine):
    """Regression: the company's cached conflicts were keyed None, as a project without a type
    would be; such a project then took the company's conflicts and shifted everyone else's."""
    profile = make_profile()
    untyped = {k: v for k, v in profile["projects"][0].items() if k != "type"}
    profile["projects"] = [untyped | {"id": "untyped"}, profile["projects"][0],
                           profile["projects"][1] | {"type": "no_such_type"}]
    as_of = dt.date(2025, 6, 30)
    fast = engine.evaluate(profile, as_of)
    assert not [r for r in fast.results if r.project_id in ("untyped", "p02")]
    assert any(r.conflicts_with for r in fast.results if r.project_id is None)
    assert to_json(fast) == to_json(straightforward(engine, profile, as_of))
