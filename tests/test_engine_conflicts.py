"""Issue 18 item 1: conflicts built by stacking-class blocks (document, level) rather than pair by
pair give exactly the pairwise answer, on dense data too; and the Engine's cache of them (per
subject kind, built from the measures only) never answers for another profile or database."""
from __future__ import annotations

import copy
import datetime as dt

import pytest

from bench.bench_check import make_profile, synthesize
from core.engine.evaluate import Engine
from core.engine.report import to_json
from core.engine.stacking import conflict_reason, gives_support, subject_conflicts

AS_OF = dt.date(2025, 6, 30)


def pairwise(measures: list[dict], documents: dict) -> list[dict[int, str]]:
    """Every pair examined with conflict_reason, the earlier measure's rule first."""
    out: list[dict[int, str]] = [{} for _ in measures]
    for i, a in enumerate(measures):
        for j in range(i + 1, len(measures)):
            b = measures[j]
            if not (gives_support(a) and gives_support(b)) or a["id"] == b["id"]:
                continue
            why = conflict_reason(a, b, documents) or conflict_reason(b, a, documents)
            if why:
                out[i][j] = out[j][i] = why
    return [dict(sorted(n.items())) for n in out]


@pytest.fixture(scope="module")
def dense(catalog):
    """1,400 clones in 100 documents: every class has about ten members per real one, across
    documents and levels (the benchmark's dense case, smaller)."""
    return synthesize(catalog.measures, catalog.documents, n_measures=1400, n_documents=100)


def kinds(measures: list[dict]) -> dict[tuple, list[dict]]:
    supports = [m for m in measures if m.get("role") != "statement"]
    out: dict[tuple, list[dict]] = {("company",): [m for m in supports if m["subject"]["company"]]}
    for m in supports:
        for t in m["subject"]["project_types"]:
            out.setdefault(("project", t), []).append(m)
    return out


def test_blocks_give_the_pairwise_conflicts_on_dense_data(dense):
    measures, documents = dense
    checked = 0
    for kind, members in kinds(measures).items():
        built = subject_conflicts(members, documents)
        assert built.neighbours == pairwise(members, documents), kind
        assert built.conflicts_with == [sorted({members[j]["id"] for j in n}) for n in built.neighbours]
        checked += sum(map(len, built.neighbours))
    assert checked > 5_000, "dense enough to exercise the blocks"


def test_dense_classes_are_stored_as_links_and_read_when_asked(dense, catalog):
    """Regression (issue 18): a dense class is kept as one link per member and block, not one
    entry per pair (the first check on 50,000 measures built members² entries); a position's
    rivals are made when first asked for, and the same whether asked one by one or all at once."""
    measures, documents = dense
    for members in kinds(measures).values():
        built = subject_conflicts(members, documents)
        if not any(built.has_rivals(k) for k in range(len(members))):
            continue
        assert all(n is None for n in built._neighbours), "nothing made before it is asked for"
        one_by_one = [built.rivals(k) for k in reversed(range(len(members)))][::-1]
        fresh = subject_conflicts(members, documents)
        assert one_by_one == fresh.conflicts_with
        assert [built.has_rivals(k) for k in range(len(members))] == [bool(n) for n in fresh.neighbours]
    # Twenty clones of every measure in the real five documents: blocks of about twenty members.
    measures, documents = synthesize(catalog.measures, catalog.documents, n_measures=2800, n_documents=5)
    company = subject_conflicts(kinds(measures)[("company",)], documents)
    links = sum(map(len, company._links))
    pairs = sum(map(len, company.neighbours))
    assert pairs > 5_000 and links * 10 < pairs, (links, pairs)
    assert company.neighbours == pairwise(kinds(measures)[("company",)], documents)


def test_blocks_give_the_pairwise_conflicts_on_the_bundled_data(catalog):
    for kind, members in kinds(catalog.measures).items():
        assert subject_conflicts(members, catalog.documents).neighbours == pairwise(
            members, catalog.documents), kind


def test_a_measure_listed_twice_takes_the_pairwise_path(catalog):
    members = kinds(catalog.measures)[("company",)]
    doubled = members + members[:5]
    assert subject_conflicts(doubled, catalog.documents).neighbours == pairwise(doubled, catalog.documents)


def test_the_cache_serves_every_profile_as_a_fresh_engine_would(catalog):
    engine = Engine(catalog.measures, catalog.documents, catalog.version)
    profile = make_profile()
    first = to_json(engine.evaluate(profile, AS_OF))
    # Other projects, types swapped between them, one without a type: a profile change.
    changed = copy.deepcopy(profile)
    types = [p["type"] for p in changed["projects"]]
    for project, ptype in zip(changed["projects"], types[1:] + types[:1], strict=True):
        project["type"] = ptype
    changed["projects"][3].pop("type")
    changed["projects"] = changed["projects"][::-1]
    fresh = Engine(catalog.measures, catalog.documents, catalog.version)
    assert to_json(engine.evaluate(changed, AS_OF)) == to_json(fresh.evaluate(changed, AS_OF))
    assert to_json(engine.evaluate(profile, AS_OF)) == first


def test_a_changed_database_never_reuses_stale_conflicts(catalog):
    profile = make_profile()
    engine = Engine(catalog.measures, catalog.documents, catalog.version)
    before = engine.evaluate(profile, AS_OF)
    rivals = next(r for r in before.results if r.conflicts_with)
    # The same data with that measure's class renamed: it conflicts with nothing by class now.
    measures = copy.deepcopy(catalog.measures)
    target = next(m for m in measures if m["id"] == rivals.measure_id)
    target["stacking"] = {**target["stacking"], "class": "unique~class", "excludes": []}
    changed = Engine(measures, catalog.documents, catalog.version)
    after = changed.evaluate(profile, AS_OF)
    mine = after.result(rivals.measure_id, rivals.project_id)
    assert mine.conflicts_with == [] != rivals.conflicts_with
    # ... and the first engine still answers for its own data.
    assert engine.evaluate(profile, AS_OF).result(
        rivals.measure_id, rivals.project_id).conflicts_with == rivals.conflicts_with
