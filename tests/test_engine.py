"""Engine properties: time words, unknown-is-not-zero, amounts, and the exact stacking plan."""
from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.engine.context import Context, anniversary, whole_years
from core.engine.evaluate import ELIGIBLE, INELIGIBLE, NEEDS_INFO, NOT_IN_FORCE, STATUSES, Engine
from core.engine.operators import evaluate_leaf
from core.engine.report import to_text
from core.engine.stacking import make_plan
from core.profile import PROFILE_FORMAT, validate_profile


@pytest.fixture(scope="module")
def engine(catalog):
    return Engine(catalog.measures, catalog.documents, catalog.version)


# -- time words -----------------------------------------------------------------------------------

@pytest.mark.parametrize("start, end, years", [
    ("2024-03-01", "2025-02-28", 0), ("2024-03-01", "2025-03-01", 1), ("2024-02-29", "2025-02-28", 0),
    ("2024-02-29", "2025-03-01", 1), ("2020-02-29", "2024-02-29", 4), ("2025-01-10", "2025-01-09", -1),
])
def test_whole_years(start, end, years):
    assert whole_years(dt.date.fromisoformat(start), dt.date.fromisoformat(end)) == years


def test_anniversary_of_29_february_is_1_march():
    assert anniversary(dt.date(2024, 2, 29), 1) == dt.date(2025, 3, 1)


def _leaf(**kw):
    base = {"id": "x", "label": "测试", "unit": None, "where": [], "unless": [], "vague": None,
            "span": None, "evidence": []}
    return {**base, **kw}


@pytest.mark.parametrize("settled, as_of, index_met", [
    ("2024-03-01", "2025-06-30", True),    # 2024 is the first year, as of 2025 last_year = 2024
    ("2024-12-31", "2025-01-01", True),
    ("2025-03-01", "2025-06-30", False),   # last_year 2024 is before settling
    ("2023-03-01", "2025-06-30", False),   # 2024 is the second year
])
def test_first_year_is_the_calendar_year_of_settling(settled, as_of, index_met):
    leaf = _leaf(fact="company.settled_in_district_on", op="year_index_in", value=[1])
    ctx = Context(dt.date.fromisoformat(as_of), {"settled_in_district_on": settled})
    assert evaluate_leaf(leaf, ctx).state is index_met


def test_first_year_gap_says_when():
    leaf = _leaf(fact="company.settled_in_district_on", op="year_index_in", value=[1], label="首年")
    out = evaluate_leaf(leaf, Context(dt.date(2025, 6, 30), {"settled_in_district_on": "2025-03-01"}))
    assert out.gap == "2026-01-01 起（按 2025 年度数据）首年"


def test_last_year_follows_the_as_of_date_not_the_clock():
    leaf = _leaf(fact="company.years.{last_year}.revenue", op="ge", value=100, unit="元")
    company = {"years": {"2024": {"revenue": 50}, "2025": {"revenue": 500}}}
    assert evaluate_leaf(leaf, Context(dt.date(2025, 6, 30), company)).state is False
    assert evaluate_leaf(leaf, Context(dt.date(2026, 1, 1), company)).state is True
    unknown = evaluate_leaf(leaf, Context(dt.date(2027, 1, 1), company))
    assert unknown.state is None and unknown.missing == ["company.years.2026.revenue"]


@pytest.mark.parametrize("prev, cur, op, value, met", [
    (100, 120, "growth_ge", 0.2, True), (100, 119, "growth_ge", 0.2, False),
    (100, 100, "growth_gt", 0, False), (100, 101, "growth_gt", 0, True),
    (0, 1, "growth_gt", 0, True), (0, 0, "growth_gt", 0, False), (0, 5, "growth_ge", 0.2, True),
])
def test_growth(prev, cur, op, value, met):
    leaf = _leaf(fact="company.years.{year}.sales", op=op, value=value, unit="%")
    company = {"years": {"2023": {"sales": prev}, "2024": {"sales": cur}}}
    assert evaluate_leaf(leaf, Context(dt.date(2025, 3, 1), company)).state is met


def test_count_is_unknown_when_an_item_field_is_missing_and_could_decide():
    leaf = _leaf(fact="company.standards", op="count_ge", value=1,
                 where=[{"field": "published_on", "op": "in_year", "value": "last_year"}])
    ctx = Context(dt.date(2025, 3, 1), {"standards": [{"level": "national", "role": "lead"}]})
    out = evaluate_leaf(leaf, ctx)
    assert out.state is None and out.missing == ["company.standards[0].published_on"]


def test_finer_field_key_counts_as_its_parent():
    leaf = _leaf(fact="company.fields", op="any_in", value=["clean_energy"])
    assert evaluate_leaf(leaf, Context(dt.date(2025, 1, 1), {"fields": ["clean_energy.pv"]})).state


# -- unknown is not zero --------------------------------------------------------------------------

def test_missing_capacity_is_needs_info_not_ineligible(engine):
    profile = {"format": PROFILE_FORMAT, "company": {"district": "luohu"}, "projects": [
        {"id": "p1", "type": "distributed_pv", "district": "luohu", "property": "social",
         "grid_connected_on": "2024-03-01", "generation_kwh": {"2024": 900000}}]}
    r = engine.evaluate(profile, dt.date(2025, 6, 30)).result("lh-glc-2024/7.1", "p1")
    assert r.status == NEEDS_INFO
    assert r.missing[:1] == ["project.capacity_kw"] and "project.pv_technology" in r.missing


# -- what would change the answer --------------------------------------------------------------------

PV_COMPANY = {"name": "罗湖光伏", "district": "luohu", "entity_type": "enterprise", "supports_received": []}


def _pv(**changes) -> dict:
    project = {"id": "p1", "type": "distributed_pv", "district": "luohu", "property": "social",
               "capacity_kw": 300, "pv_technology": "conventional", "grid_connected_on": "2024-03-01",
               "generation_kwh": {"2024": 900000}}
    return {"format": PROFILE_FORMAT, "company": dict(PV_COMPANY), "projects": [{**project, **changes}]}


def test_a_gap_says_what_meeting_it_would_pay(engine):
    ev = engine.evaluate(_pv(capacity_kw=250), dt.date(2025, 6, 30))
    r = ev.result("lh-glc-2024/7.1", "p1")
    assert r.status == INELIGIBLE and r.gaps == ["再增加 50 千瓦装机容量验收规模"]
    assert r.amount_if_met == 225000 and r.amount_max == 0
    assert "差距：再增加 50 千瓦装机容量验收规模 → 满足后最高约 22.5 万元" in to_text(ev)
    # a gap on a figure the amount also needs: nothing is promised
    ev = engine.evaluate(_pv(capacity_kw=250, pv_technology=None), dt.date(2025, 6, 30))
    assert ev.result("lh-glc-2024/7.1", "p1").amount_if_met is None


def test_a_support_that_matched_until_it_ended_says_so(engine):
    ev = engine.evaluate(_pv(), dt.date(2026, 6, 30))
    r = ev.result("lh-glc-2024/7.1", "p1")
    assert r.status == NOT_IN_FORCE and r.matched_until == dt.date(2025, 12, 31)
    assert any("但本条已于 2025-12-31 到期" in line for line in r.reasons)
    text = to_text(ev)
    expired = text[text.index("【不在有效期】"):]
    assert expired.index("lh-glc-2024/7.1") < expired.index("lh-glc-2024/1 ")
    assert "符合申请条件，但已于 2025-12-31 到期" in expired
    # not met on its last day (250 kW): ended, and no claim that it matched
    r = engine.evaluate(_pv(capacity_kw=250), dt.date(2026, 6, 30)).result("lh-glc-2024/7.1", "p1")
    assert r.status == NOT_IN_FORCE and r.matched_until is None


# -- random profiles: the engine never raises and its results are coherent ------------------------

DATES = st.dates(dt.date(2015, 1, 1), dt.date(2030, 12, 31)).map(dt.date.isoformat)
MONEY = st.one_of(st.integers(0, 3_000_000_000), st.decimals(0, 10**9, places=2).map(float))
YEARS = st.dictionaries(st.sampled_from(["2021", "2022", "2023", "2024", "2025", "2026"]),
                        st.fixed_dictionaries({}, optional={
                            "revenue": MONEY, "sales": MONEY, "nev_sales": MONEY,
                            "platform_turnover": MONEY, "in_statistics": st.booleans(),
                            "above_designated_size": st.booleans()}), max_size=4)
COMPANY = st.fixed_dictionaries({}, optional={
    "name": st.text(min_size=1, max_size=8),
    "district": st.sampled_from(["luohu", "futian", "nanshan"]),
    "entity_type": st.sampled_from(["enterprise", "public_institution", "individual_business"]),
    "independent_legal_person": st.booleans(),
    "fields": st.lists(st.sampled_from(["new_energy", "clean_energy.pv", "energy_saving"]), unique=True),
    "business_lines": st.lists(st.sampled_from(["carbon_service", "gold_buyback", "brand_car_sales",
                                                "used_car_sales", "jewelry_resale_platform"]), unique=True),
    "settled_in_district_on": DATES,
    "years": YEARS,
    "carbon_footprint_certificates": st.lists(st.fixed_dictionaries(
        {"obtained_on": DATES}, optional={"scheme": st.just("gba")}), max_size=5),
    "standards": st.lists(st.fixed_dictionaries(
        {"level": st.sampled_from(["international", "national", "industry", "local", "group"]),
         "role": st.sampled_from(["lead", "participate"])},
        optional={"domain": st.sampled_from(["carbon_footprint", "carbon_metrology", "green_low_carbon"]),
                  "published_on": DATES}), max_size=4),
    "green_finance_platform_listed": st.booleans(),
    "green_loans": st.lists(st.fixed_dictionaries({"issued_on": DATES}, optional={"amount": MONEY}),
                            max_size=3),
    "innovation_carriers": st.lists(st.fixed_dictionaries({"kind": st.sampled_from(
        ["national_engineering_research_center", "national_innovation_center", "key_laboratory"])}),
        max_size=3),
    "grid_voltage_kv": st.integers(0, 500),
    "load_management_system": st.booleans(),
    "demand_response": st.lists(st.fixed_dictionaries({"completed_on": DATES}), max_size=3),
})
PROJECT = st.fixed_dictionaries({
    "type": st.sampled_from(["distributed_pv", "super_charging_station", "integrated_energy",
                             "vpp_aggregation", "green_building", "near_zero_carbon_zone",
                             "data_center_energy_saving", "hydrogen_station", "resource_recycling_demo",
                             "four_new_demo", "energy_trusteeship"])}, optional={
    "district": st.sampled_from(["luohu", "futian"]),
    "property": st.sampled_from(["social", "personal", "government"]),
    "investment_approved": MONEY, "investment_actual": MONEY, "investment_total": MONEY,
    "investment_social_share": MONEY, "capacity_kw": st.integers(0, 5000),
    "pv_technology": st.sampled_from(["conventional", "thin_film"]),
    "grid_connected_on": DATES, "commissioned_on": DATES,
    "generation_kwh": st.dictionaries(st.sampled_from(["2023", "2024", "2025"]), st.integers(0, 10**7)),
    "host_max_dc_kw": st.integers(0, 1000), "max_terminal_kw": st.integers(0, 800),
    "daily_capacity_kg": st.integers(0, 2000), "provincial_subsidy": MONEY,
    "connected_to_vpp_center": st.booleans(), "completion_filed": st.booleans(),
    "titles": st.lists(st.fixed_dictionaries({
        "level": st.sampled_from(["national", "provincial", "municipal", "district"]),
        "kind": st.sampled_from(["demonstration", "pilot", "near_zero_carbon_pilot"])}), max_size=2),
    "energy_saving_rate": st.floats(0, 1), "public_building": st.booleans(),
})
PROFILES = st.builds(
    lambda company, projects: {"format": PROFILE_FORMAT, "company": company,
                               "projects": [{**p, "id": f"p{i}"} for i, p in enumerate(projects)]},
    COMPANY, st.lists(PROJECT, max_size=4))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(profile=PROFILES, as_of=st.dates(dt.date(2020, 1, 1), dt.date(2031, 12, 31)))
def test_engine_never_raises_and_results_are_coherent(engine, profile, as_of):
    assert validate_profile(profile) == []
    ev = engine.evaluate(profile, as_of)
    by_key = {}
    for r in ev.results:
        assert r.status in STATUSES
        assert r.amount_min >= 0
        assert r.amount_max is None or r.amount_min <= r.amount_max
        assert (r.status == NEEDS_INFO) == bool(r.missing) or (r.status == NEEDS_INFO and r.missing)
        if r.status == ELIGIBLE:
            assert not r.missing
        assert r.reasons and all(isinstance(line, str) and line for line in r.reasons)
        by_key[(r.measure_id, r.project_id)] = r
    chosen = [(i.measure_id, i.project_id) for i in ev.plan.selected]
    for key in chosen:
        assert by_key[key].status == ELIGIBLE
        assert not set(by_key[key].conflicts_with) & {m for m, p in chosen if p == key[1]}
    assert ev.plan.total_max == sum((i.amount_max or 0 for i in ev.plan.selected), Decimal(0))


# -- the plan is exact: compare with brute force on random conflict graphs -------------------------

@dataclass
class FakeResult:
    measure: dict
    project_id: str | None
    amount_max: Decimal | None
    company_year_cap: Decimal | None = None
    plannable: bool = True


def _brute_force(results, edges, caps):
    best = Decimal(-1)
    n = len(results)
    for mask in itertools.product([0, 1], repeat=n):
        chosen = [i for i in range(n) if mask[i]]
        if any(j in edges.get(i, {}) for i in chosen for j in chosen):
            continue
        free, grouped = Decimal(0), {}
        for i in chosen:
            r = results[i]
            v = r.amount_max or Decimal(0)
            if r.measure["id"] in caps:
                grouped[r.measure["id"]] = grouped.get(r.measure["id"], Decimal(0)) + v
            else:
                free += v
        best = max(best, free + sum(min(caps[k], v) for k, v in grouped.items()))
    return best


@st.composite
def conflict_problems(draw):
    n = draw(st.integers(1, 10))
    capped = draw(st.sampled_from([None, Decimal(500), Decimal(1500)]))
    results = []
    for i in range(n):
        shared = capped is not None and draw(st.booleans())
        mid = "shared" if shared else f"m{i}"
        value = draw(st.one_of(st.none(), st.integers(0, 1000).map(Decimal)))
        results.append(FakeResult({"id": mid}, f"p{i}" if shared else None,
                                  value, capped if shared else None))
    edges: dict = {}
    for i in range(n):
        for j in range(i + 1, n):
            if results[i].measure["id"] != results[j].measure["id"] and draw(st.booleans()):
                edges.setdefault(i, {})[j] = "rule"
                edges.setdefault(j, {})[i] = "rule"
    return results, edges


@settings(max_examples=300, deadline=None)
@given(conflict_problems())
def test_plan_is_the_exact_optimum(problem):
    results, edges = problem
    caps = {}
    shared = [r for r in results if r.measure["id"] == "shared"]
    if shared:     # a company's yearly cap binds even one project (the engine caps each amount too)
        caps["shared"] = shared[0].company_year_cap
    plan = make_plan(results, edges)
    assert plan.total_max == _brute_force(results, edges, caps)
    chosen = [i for i, r in enumerate(results)
              if any(p.measure_id == r.measure["id"] and p.project_id == r.project_id for p in plan.selected)]
    assert not any(j in edges.get(i, {}) for i in chosen for j in chosen)
