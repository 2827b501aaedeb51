""""可申请" means checked (issue 14): statements apart, no unanswered condition passes, amounts
bounded by what is known, one-off rules through supports_received, reasons in plain words."""
from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.engine.amounts import compute
from core.engine.context import Context
from core.engine.evaluate import ELIGIBLE, NEEDS_INFO, Engine
from core.engine.operators import evaluate_leaf
from core.engine.report import to_json, to_text
from core.profile import PROFILE_FORMAT, validate_profile

MINIMAL = {"format": PROFILE_FORMAT,
           "company": {"name": "深圳市福田示例贸易有限公司", "uscc": "91440300MA5FXXXX0U",
                       "district": "futian", "entity_type": "enterprise"}}


@pytest.fixture(scope="module")
def engine(catalog):
    return Engine(catalog.measures, catalog.documents, catalog.version)


def _leaf(**kw):
    base = {"id": "x", "label": "测试", "unit": None, "where": [], "unless": [], "vague": None,
            "span": None, "evidence": []}
    return {**base, **kw}


# -- statements ------------------------------------------------------------------------------------

def test_statements_are_listed_apart_and_never_results(engine, catalog):
    ev = engine.evaluate(MINIMAL, dt.date(2025, 6, 30))
    statement_ids = {m["id"] for m in catalog.measures if m["role"] == "statement"}
    assert statement_ids, "the data classifies some clauses as statements"
    assert all(m["role"] == "statement" for m in catalog.measures
               if m["document"] in ("sz-sepi-plan-2022", "sz-lcci-2011"))
    assert {s.measure_id for s in ev.statements} == statement_ids
    assert not statement_ids & {r.measure_id for r in ev.results}
    out = to_json(ev)
    assert {s["measure_id"] for s in out["statements"]} == statement_ids
    assert all(set(s) >= {"measure_id", "title"} for s in out["statements"])
    assert not statement_ids & {i["measure_id"] for i in out["plan"]["selected"]}


# -- nothing unanswered is eligible ----------------------------------------------------------------

def test_a_company_that_said_almost_nothing_can_apply_for_nothing(engine):
    for as_of in (dt.date(2023, 6, 30), dt.date(2025, 6, 30), dt.date(2026, 12, 3)):
        ev = engine.evaluate(MINIMAL, as_of)
        eligible = [r.measure_id for r in ev.results if r.status == ELIGIBLE]
        assert eligible == [], f"{as_of}: {eligible}"
        assert ev.plan.selected == [] and ev.plan.total_max == 0


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(as_of=st.dates(min_value=dt.date(2010, 1, 1), max_value=dt.date(2032, 12, 31)),
       district=st.sampled_from(["futian", "luohu", "nanshan", "baoan"]),
       entity=st.sampled_from(["enterprise", "public_institution", "social_organization",
                               "private_non_enterprise", "individual_business"]))
def test_no_facts_beyond_identity_gives_no_eligible_result_on_any_date(engine, as_of, district, entity):
    profile = json.loads(json.dumps(MINIMAL))
    profile["company"].update(district=district, entity_type=entity)
    ev = engine.evaluate(profile, as_of)
    assert [r.measure_id for r in ev.results if r.status == ELIGIBLE] == []
    assert ev.plan.selected == []


def test_every_needs_info_result_names_a_question(engine):
    ev = engine.evaluate(MINIMAL, dt.date(2025, 6, 30))
    for r in ev.results:
        if r.status == NEEDS_INFO:
            assert r.missing, r.measure_id


# -- list answers ----------------------------------------------------------------------------------

def test_an_empty_list_is_the_answer_none_and_an_absent_list_is_unanswered():
    leaf = _leaf(fact="company.business_lines", op="any_in", value=["carbon_service"])
    day = dt.date(2025, 6, 30)
    assert evaluate_leaf(leaf, Context(day, {})).state is None
    assert evaluate_leaf(leaf, Context(day, {"business_lines": []})).state is False
    assert evaluate_leaf(leaf, Context(day, {"business_lines": ["carbon_service"]})).state is True


# -- what was received before ----------------------------------------------------------------------

RECEIVED = _leaf(fact="company.supports_received", op="count_le", value=0, label="此前未获本项支持",
                 where=[{"field": "measure_id", "op": "in", "value": ["lh-glc-2024/2.4a"]}])


@pytest.mark.parametrize("received, state", [
    (None, None),
    ([], True),
    ([{"measure_id": "lh-glc-2024/3", "year": 2024}], True),
    ([{"measure_id": "lh-glc-2024/2.4a", "year": 2022}], False),      # any earlier year counts
])
def test_not_received_before(received, state):
    company = {} if received is None else {"supports_received": received}
    out = evaluate_leaf(RECEIVED, Context(dt.date(2025, 6, 30), company))
    assert out.state is state
    if state is False:
        assert "2022 年" in out.text


def test_per_project_rule_compares_with_the_project_evaluated():
    leaf = _leaf(fact="company.supports_received", op="count_le", value=0,
                 where=[{"field": "measure_id", "op": "eq", "value": "lh-glc-2024/7.1"},
                        {"field": "project_id", "op": "eq", "value": "$subject"}])
    company = {"supports_received": [{"measure_id": "lh-glc-2024/7.1", "year": 2024, "project_id": "p1"}]}
    day = dt.date(2025, 6, 30)
    assert evaluate_leaf(leaf, Context(day, company, {"id": "p1"})).state is False
    assert evaluate_leaf(leaf, Context(day, company, {"id": "p2"})).state is True


def test_a_condition_default_stands_for_an_absent_field():
    leaf = _leaf(fact="company.standards", op="count_ge", value=1,
                 where=[{"field": "kind", "op": "eq", "value": "standard", "default": "standard"}])
    day = dt.date(2025, 6, 30)
    standard = [{"level": "group", "role": "lead"}]
    assert evaluate_leaf(leaf, Context(day, {"standards": standard})).state is True
    spec = [{"level": "national", "role": "lead", "kind": "metrology_spec"}]
    assert evaluate_leaf(leaf, Context(day, {"standards": spec})).state is False


# -- amounts ---------------------------------------------------------------------------------------

def _ctx(project: dict) -> Context:
    return Context(dt.date(2025, 6, 30), {}, project)


def test_an_open_share_of_a_known_base_never_exceeds_the_base():
    benefit = {"formula": "rate_of_base", "base": "project.investment_approved", "open": "一定比例",
               "caps": [{"scope": "subject", "amount": 10000000, "span": "最高1000万元"}]}
    assert compute(benefit, _ctx({"investment_approved": 3000000})).max == Decimal(3000000)
    assert compute(benefit, _ctx({"investment_approved": 30000000})).max == Decimal(10000000)
    assert compute(benefit, _ctx({})).max == Decimal(10000000)


def test_a_cap_that_is_a_share_of_a_known_fact_bounds_the_maximum():
    benefit = {"formula": "open", "open": "一定比例",
               "caps": [{"scope": "subject", "amount": 500000, "span": "最高50万元"},
                        {"scope": "subject", "open_ratio_of": "project.investment_social_share",
                         "span": "不超过社会投资部分的一定比例"}]}
    assert compute(benefit, _ctx({"investment_social_share": 300000})).max == Decimal(300000)
    assert compute(benefit, _ctx({})).max == Decimal(500000)


def test_an_amount_shows_its_calculation():
    benefit = {"formula": "per_unit", "base": "project.generation_kwh.{last_year}", "rate": 0.25,
               "caps": []}
    amount = compute(benefit, _ctx({"generation_kwh": {"2024": 900000}}))
    assert amount.max == Decimal(225000)
    assert amount.calculation == "900000 千瓦时 × 0.25 元/千瓦时 = 22.5 万元"
    rate = {"formula": "rate_of_base", "base": "project.investment_approved", "rate": 0.3,
            "caps": [{"scope": "subject", "amount": 10000000, "span": "最高1000万元"}]}
    assert compute(rate, _ctx({"investment_approved": 3000000})).calculation == \
        "30% × 300 万元 = 90 万元，上限 1000 万元"


# -- reasons a person can read ---------------------------------------------------------------------

FACT_PATH = re.compile(r"\b(company|project)\.[a-z_]+")


def test_reports_carry_no_fact_paths_and_no_english_time_words(engine):
    profile = json.loads(json.dumps(MINIMAL))
    profile["company"]["district"] = "luohu"
    profile["projects"] = [{"id": "p1", "name": "屋顶光伏", "type": "distributed_pv", "district": "luohu",
                            "capacity_kw": 800}]
    assert validate_profile(profile) == []
    ev = engine.evaluate(profile, dt.date(2025, 6, 30))
    text = to_text(ev, "示例")
    assert not FACT_PATH.search(text), FACT_PATH.search(text)
    assert "as-of" not in text and "as_of" not in text
    for r in ev.results:
        for reason in r.reasons:
            assert not FACT_PATH.search(reason), reason
