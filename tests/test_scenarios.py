"""Scenario tests as data (tests/scenarios/*.yaml, format in tests/scenarios/README.md).

Each scenario evaluates a profile as of a date and checks the expected results; the coverage tests
then check that the scenarios, taken together, exercise every threshold, validity window, cap and
conflict of the funding measures.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from core.engine.amounts import FORMULAS
from core.engine.criteria import iter_leaves
from core.engine.evaluate import Engine
from core.engine.operators import OPERATORS
from core.profile import PROFILE_FORMAT, validate_profile

SCENARIO_DIR = Path(__file__).parent / "scenarios"
FUNDING_DOCUMENTS = ("sz-sepi-2024", "sz-glc-2022", "lh-glc-2024")
RESULT_KEYS = {"measure", "project", "status", "amount", "missing", "conflicts_with",
               "discretionary", "reasons_include", "gaps_include", "gaps_exclude", "absent"}


def _load():
    cases = []
    for path in sorted(SCENARIO_DIR.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        names = set()
        for sc in data["scenarios"]:
            assert sc["name"] not in names, f"{path.name}: duplicate scenario name {sc['name']!r}"
            names.add(sc["name"])
            cases.append(pytest.param(sc, id=f"{path.stem}::{sc['name']}"))
    return cases


CASES = _load()


@pytest.fixture(scope="module")
def engine(catalog):
    return Engine(catalog.measures, catalog.documents, catalog.version)


def _profile(sc: dict) -> dict:
    return {"format": PROFILE_FORMAT, **sc["profile"]}


def _money(value):
    return None if value is None else Decimal(str(value))


def run_scenario(engine, sc):
    profile = _profile(sc)
    problems = validate_profile(profile)
    assert not problems, "scenario profile is invalid:\n" + "\n".join(map(str, problems))
    return engine.evaluate(profile, dt.date.fromisoformat(str(sc["as_of"])))


@pytest.mark.parametrize("sc", CASES)
def test_scenario(engine, sc):
    ev = run_scenario(engine, sc)
    by_key = {(r.measure_id, r.project_id): r for r in ev.results}
    for exp in sc.get("expect", []):
        unknown = set(exp) - RESULT_KEYS
        assert not unknown, f"unknown expectation keys {unknown}"
        key = (exp["measure"], exp.get("project"))
        if exp.get("absent"):
            assert key not in by_key, f"{key} should not be listed"
            continue
        assert key in by_key, f"no result for {key}"
        r = by_key[key]
        where = f"{key}: reasons were\n  " + "\n  ".join(r.reasons)
        if "status" in exp:
            assert r.status == exp["status"], where
        if "amount" in exp:
            assert (r.amount_min, r.amount_max) == (
                _money(exp["amount"]["min"]), _money(exp["amount"]["max"])), where
        if "missing" in exp:
            assert sorted(r.missing) == sorted(exp["missing"]), where
        if "conflicts_with" in exp:
            assert sorted(r.conflicts_with) == sorted(exp["conflicts_with"]), where
        if "discretionary" in exp:
            assert r.discretionary is exp["discretionary"], where
        for text in exp.get("reasons_include", []):
            assert any(text in line for line in r.reasons), f"{text!r} not in reasons; {where}"
        for text in exp.get("gaps_include", []):
            assert any(text in gap for gap in r.gaps), f"{text!r} not in gaps {r.gaps}; {where}"
        for text in exp.get("gaps_exclude", []):
            assert not any(text in gap for gap in r.gaps), f"{text!r} in gaps {r.gaps}; {where}"
    plan = sc.get("plan")
    if plan:
        if "total_max" in plan:
            assert ev.plan.total_max == _money(plan["total_max"])
        chosen = {(i.measure_id, i.project_id): i for i in ev.plan.selected}
        for item in plan.get("selected_include", []):
            key = (item["measure"], item.get("project"))
            assert key in chosen, f"{key} not selected; given up: {ev.plan.given_up}"
            if "amount_max" in item:
                assert chosen[key].amount_max == _money(item["amount_max"])
        for item in plan.get("selected_exclude", []):
            assert (item["measure"], item.get("project")) not in chosen


# -- coverage over all scenarios ------------------------------------------------------------------

@pytest.fixture(scope="module")
def observed(engine):
    """What the scenarios exercised, counting only results a scenario names in `expect`."""
    seen = defaultdict(set)
    for param in CASES:
        sc = param.values[0]
        ev = run_scenario(engine, sc)
        named = {(e["measure"], e.get("project")) for e in sc.get("expect", []) if not e.get("absent")}
        for r in ev.results:
            if (r.measure_id, r.project_id) not in named:
                continue
            seen[("status", r.measure_id)].add("in_force" if r.status != "not_in_force" else "not_in_force")
            for o in r.outcomes:
                seen[("leaf", r.measure_id, o.id)].add(o.state)
            if r.amount_max is not None and any("按上限" in n or "最多" in n for n in r.amount.notes):
                seen[("cap", r.measure_id)].add("at")
            elif r.amount_max is not None and r.status == "eligible":
                seen[("cap", r.measure_id)].add("under")
        for e in sc.get("expect", []):
            for other in e.get("conflicts_with", []):
                seen["conflicts"].add(frozenset((e["measure"], other)))
    return seen


def _funding_measures(catalog):
    return [m for m in catalog.measures if m["document"] in FUNDING_DOCUMENTS
            and (m.get("benefit") or {}).get("formula", "none") != "none"]


def test_every_funding_measure_in_and_out_of_force(catalog, observed):
    lacking = [m["id"] for m in _funding_measures(catalog)
               if observed[("status", m["id"])] != {"in_force", "not_in_force"}]
    assert not lacking, f"measures not seen both in force and not in force: {lacking}"


def test_every_threshold_seen_met_and_not_met(catalog, observed):
    lacking = []
    for m in _funding_measures(catalog):
        for leaf in iter_leaves(m.get("criteria") or []):
            seen = observed[("leaf", m["id"], leaf["id"])]
            if OPERATORS[leaf["op"]].threshold and not {True, False} <= seen:
                lacking.append(f"{m['id']}:{leaf['id']}")
    assert not lacking, f"thresholds not seen on both sides: {lacking}"


def test_every_computed_cap_seen_under_and_at(catalog, observed):
    lacking = []
    for m in _funding_measures(catalog):
        b = m["benefit"]
        computed = FORMULAS[b["formula"]].computes(b)
        capped = any(c.get("amount") is not None for c in b.get("caps") or []) or b.get("max_items")
        if computed and capped and observed[("cap", m["id"])] != {"under", "at"}:
            lacking.append(m["id"])
    assert not lacking, f"caps not seen both under and at the cap: {lacking}"


def test_every_conflict_expected_somewhere(catalog, observed):
    from core.engine.stacking import conflict_reason
    funding = _funding_measures(catalog)
    pairs = set()
    for i, a in enumerate(funding):
        for b in funding[i + 1:]:
            same_subject = (a["subject"]["company"] and b["subject"]["company"]) or (
                set(a["subject"]["project_types"]) & set(b["subject"]["project_types"]))
            if same_subject and (conflict_reason(a, b, catalog.documents)
                                 or conflict_reason(b, a, catalog.documents)):
                pairs.add(frozenset((a["id"], b["id"])))
    lacking = sorted(sorted(p) for p in pairs - observed["conflicts"])
    assert not lacking, f"conflicts never expected in a scenario: {lacking}"
