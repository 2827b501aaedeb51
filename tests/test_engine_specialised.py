"""Issue 18 item 1: what the Engine compiles when it meets a measure decides exactly as the plain
forms do. Compiled criteria trees with specialised leaves (`Operator.specialise`: comparisons and
counts with their constants read once; groups of none or one child) against `evaluate_tree`
walking the same trees as data with each operator's plain `evaluate`; compiled benefits
(`compile_benefit`, one closure per measure reused for every subject, words written when read)
against amounts computed afresh with their words read at once; compiled `where` / `unless`
conditions against `condition`. Random profiles over the bundled data (hypothesis)."""
from __future__ import annotations

import copy
import datetime as dt
import sys
from decimal import Decimal
from functools import partial
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.bench_check import make_profile
from core.decimals import money_context
from core.engine.amounts import compile_benefit, compile_formula, compute, to_fen
from core.engine.context import (
    Context,
    compile_condition,
    compile_item_counts,
    condition,
    item_counts,
    outcome_of,
)
from core.engine.criteria import compile_tree, evaluate_tree, iter_leaves, outcomes_of
from core.engine.evaluate import applicability_for
from core.engine.operators import OPERATORS
from tests.engine_cases import profiles, scramble

FIXTURE_OK = [HealthCheck.function_scoped_fixture]
AMOUNTS = sys.modules["core.engine.amounts"]


def _subjects(catalog, profile: dict, as_of: dt.date):
    """(measure, subject, context) for every measure and every subject it applies to."""
    company = profile["company"]
    for measure in catalog.measures:
        document = catalog.documents[measure["document"]]
        if measure["subject"]["company"]:
            yield measure, document, "company", Context(as_of, company, None)
        for project in profile["projects"]:
            if project.get("type") in measure["subject"]["project_types"]:
                yield measure, document, "project", Context(as_of, company, project)


def _outcome(o) -> tuple:
    return (o.id, o.label, o.state, o.text, o.missing, o.gap, o.final, o.vague, o.span, o.evidence)


@settings(max_examples=40, deadline=None, suppress_health_check=FIXTURE_OK)
@given(profiles())
def test_specialised_trees_decide_as_the_trees_walked_as_data(catalog, case):
    profile, as_of = case
    decided = 0
    for measure, document, subject, ctx in _subjects(catalog, profile, as_of):
        for nodes in (measure.get("criteria") or [], applicability_for(document, subject)):
            compiled_out: list = []
            plain_out: list = []
            state, missing, gaps = compile_tree(nodes)(ctx, compiled_out)
            plain = evaluate_tree(nodes, ctx, plain_out)
            # a compiled tree's missing facts may be a tuple shared between calls (read only)
            assert (state, list(missing), gaps) == tuple(plain), (measure["id"], nodes)
            # the Records become the Outcomes a walk makes (MeasureResult.outcomes reads them)
            assert [_outcome(o) for o in outcomes_of(compiled_out)] == [_outcome(o) for o in plain_out]
            decided += len(plain_out)
    assert decided > 0


def _words(amount) -> tuple:
    return (amount.min, amount.max, amount.missing, amount.company_year_cap, amount.notes,
            amount.calculation)


@settings(max_examples=40, deadline=None, suppress_health_check=FIXTURE_OK)
@given(profiles())
def test_compiled_benefits_give_the_amounts_and_words_computed_afresh(catalog, case):
    profile, as_of = case
    compiled = {m["id"]: compile_benefit(m.get("benefit")) for m in catalog.measures}
    lazy, eager = [], []
    for measure, _document, _subject, ctx in _subjects(catalog, profile, as_of):
        # one closure per measure, reused for every subject; its words are read only later
        lazy.append(compiled[measure["id"]](ctx))
        eager.append(_words(compute(measure.get("benefit"), ctx)))
    scramble(profile)            # a form edited after the check changes no words already given
    assert [_words(a) for a in lazy] == eager
    assert any(a.calculation for a in lazy) or not eager


def test_a_benefit_that_reads_no_profile_is_computed_once_and_copied(catalog):
    """Regression (issue 18): an open or fixed benefit is computed once per measure; every result
    gets the amount the formula gives, in its own Amount with its own lists."""
    ctx = Context(dt.date(2025, 6, 30), make_profile()["company"], make_profile()["projects"][0])
    constant = 0
    for measure in catalog.measures:
        benefit = measure.get("benefit")
        compiled, general = compile_benefit(benefit), compile_formula(benefit)
        first, second = compiled(ctx), compiled(ctx)
        assert _words(first) == _words(second) == _words(general(ctx)), measure["id"]
        assert first is not second and first.notes is not second.notes
        assert first.missing is not second.missing
        constant += compiled.__name__ == "constant"
    assert constant > 20, "the bundled data has many open or fixed amounts"


@settings(max_examples=30, deadline=None, suppress_health_check=FIXTURE_OK)
@given(profiles())
def test_per_item_benefits_compiled_count_as_item_counts(catalog, case):
    """Regression (issue 18): a per_item benefit's where / unless are compiled once; it gives the
    amount and words of the plain item_counts."""
    profile, as_of = case
    plain = partial(mock.patch.object, AMOUNTS, "compile_item_counts",
                    lambda where, unless: partial(_plain_counts, where, unless))
    compared = 0
    for measure, _document, _subject, ctx in _subjects(catalog, profile, as_of):
        benefit = measure.get("benefit")
        if not benefit or benefit["formula"] != "per_item":
            continue
        with plain():
            want = _words(compile_benefit(benefit)(ctx))
        assert _words(compile_benefit(benefit)(ctx)) == want, measure["id"]
        compared += 1
    assert compared > 0


def _conditions(catalog) -> list[dict]:
    found = []
    for measure in catalog.measures:
        trees = [measure.get("criteria") or []] + [d.get("applicability") or []
                                                    for d in catalog.documents.values()]
        holders = [leaf for tree in trees for leaf in iter_leaves(tree)]
        holders.append(measure.get("benefit") or {})
        for holder in holders:
            found.extend(holder.get("where") or [])
            found.extend(c for group in holder.get("unless") or [] for c in group)
    unique = {repr(sorted(c.items())): c for c in found}
    return list(unique.values())


def _item_values(conds: list[dict]):
    """Values a list item's field may hold: each condition's own values, dates around its
    references, numbers, nothing, and the benchmark projects' ids."""
    values: list = [None, "", 0, 1, 2.5, True, False, "p1", "p2", "2023-05-01", "2024-01-01",
                    "2024-12-31", "2025-06-30", "2026-01-01"]
    for c in conds:
        target = c["value"]
        values.extend(target if isinstance(target, list) else [target])
        if c.get("default") is not None:
            values.append(c["default"])
    return st.sampled_from(values)


def test_compiled_conditions_decide_as_condition(catalog):
    conds = _conditions(catalog)
    assert {c["op"] for c in conds} >= {"in", "eq", "on_or_before", "on_or_after", "in_year"}
    fields = sorted({c["field"] for c in conds})
    values = _item_values(conds)

    @settings(max_examples=150, deadline=None)
    @given(st.dictionaries(st.sampled_from(fields), values, max_size=len(fields)),
           st.sampled_from([None, {"id": "p1"}, {"id": "p2"}, {}]),
           st.sampled_from([dt.date(2024, 6, 30), dt.date(2025, 6, 30)]))
    def check(item, project, as_of):
        ctx = Context(as_of, {}, project, dt.date(2024, 1, 1), dt.date(2025, 12, 31))
        for cond in conds:
            assert _decide(compile_condition(cond), item, ctx) == _decide(
                lambda i, c, cond=cond: condition(i, cond, c), item, ctx), cond

    check()


def _decide(fn, item, ctx):
    try:
        return fn(item, ctx)
    except (ValueError, TypeError, AttributeError, ArithmeticError) as exc:     # the same failure
        return type(exc)


@settings(max_examples=60, deadline=None, suppress_health_check=FIXTURE_OK)
@given(profiles())
def test_compiled_counts_count_as_item_counts(catalog, case):
    profile, as_of = case
    leaves = [leaf for m in catalog.measures for leaf in iter_leaves(m.get("criteria") or [])
              if OPERATORS[leaf["op"]].counts]
    assert leaves
    for _measure, _document, _subject, ctx in _subjects(catalog, profile, as_of):
        for leaf in leaves:
            items = ctx.fact(ctx.concrete(leaf["fact"]))
            if not isinstance(items, list):
                continue
            where, unless = leaf.get("where") or [], leaf.get("unless") or []
            assert (_decide(compile_item_counts(where, unless), items, ctx)
                    == _decide(partial(_plain_counts, where, unless), items, ctx))


def _plain_counts(where: list, unless: list, items: list, ctx: Context):
    return item_counts(items, where, unless, ctx)


@pytest.mark.parametrize("actual", [True, False, "12", "abc", 12, 12.0, Decimal("11.99"), None])
@pytest.mark.parametrize("op", ["eq", "ne", "ge", "gt", "le", "lt"])
def test_a_specialised_comparison_meets_odd_values_as_the_plain_one(op, actual):
    leaf = {"id": "x", "type": "leaf", "label": "员工人数", "fact": "company.employees", "op": op,
            "value": 12}
    specialised = OPERATORS[op].specialise
    assert specialised is not None
    ctx = Context(dt.date(2025, 6, 30), {"employees": actual}, None)
    decide = specialised(leaf)
    got = _decide(lambda lf, c: _outcome(outcome_of(lf, decide(lf, c))), leaf, ctx)
    want = _decide(lambda lf, c: _outcome(outcome_of(lf, OPERATORS[op].evaluate(lf, c))), leaf, ctx)
    assert got == want


@pytest.mark.parametrize("text", ["0", "1", "0.5", "0.005", "-0.005", "123456.789", "1E+3",
                                  "12345678901234567890123456789012345.678", "1E+95", "1E+120",
                                  "-1E+120", "0.000000001"])
def test_to_fen_without_a_context_rounds_as_in_the_wide_context(text):
    value = Decimal(text)
    with money_context(value):         # the reference: every rounding in the widened context
        expected = (value.quantize(Decimal(1)) if value == value.to_integral()
                    else value.quantize(Decimal("0.01"), rounding="ROUND_FLOOR"))
    got = to_fen(value)
    assert got == expected and str(got) == str(expected)


def test_an_amounts_words_are_written_once_from_the_values_read(catalog):
    benefit = {"formula": "per_unit", "base": "project.generation_kwh.{last_year}", "rate": 0.25,
               "caps": [{"amount": 1000000, "scope": "project", "span": "最高 100 万元"}]}
    project = {"id": "p", "type": "pv", "generation_kwh": {"2024": 900000}}
    amount = compile_benefit(benefit)(Context(dt.date(2025, 6, 30), {}, project))
    project["generation_kwh"]["2024"] = 1                # edited after the check
    assert amount.max == Decimal(225000)
    assert amount.calculation == "900000 千瓦时 × 0.25 元/千瓦时 = 22.5 万元，上限 100 万元"
    assert amount.notes[0] == amount.calculation
    assert copy.copy(amount.notes) == amount.notes       # read again: the same list of strings


@pytest.mark.parametrize("keys", [[], ["clean_energy"], ["clean_energy.pv"], ["clean_energyX"],
                                  ["other", "energy_saving.motor.high"], ["energy_saving"], [5],
                                  [None, "clean_energy"]])
def test_a_specialised_any_in_matches_keys_as_key_matches(keys):
    leaf = {"id": "k", "type": "leaf", "label": "技术类型", "fact": "project.tech", "op": "any_in",
            "value": ["clean_energy", "energy_saving.motor"]}
    specialise = OPERATORS["any_in"].specialise
    assert specialise is not None
    ctx = Context(dt.date(2025, 6, 30), {}, {"tech": keys})
    got = _decide(lambda lf, c: _outcome(outcome_of(lf, specialise(lf)(lf, c))), leaf, ctx)
    want = _decide(lambda lf, c: _outcome(outcome_of(lf, OPERATORS["any_in"].evaluate(lf, c))), leaf, ctx)
    assert got == want
