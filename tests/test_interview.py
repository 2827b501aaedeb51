"""The guided interview's model (core/interview.py): which questions come next, and why."""
from __future__ import annotations

import datetime as dt

import pytest

from core.engine.evaluate import ELIGIBLE, NEEDS_INFO, Engine
from core.interview import STEPS, Interview, answered, missing_identity, questions
from core.profile import PROFILE_FORMAT

AS_OF = dt.date(2025, 6, 30)
IDENTITY = {"name": "罗湖光伏科技有限公司", "uscc": "91440300MA5FXXXX0U", "district": "luohu",
            "entity_type": "enterprise"}


@pytest.fixture(scope="module")
def engine(catalog):
    return Engine(catalog.measures, catalog.documents, catalog.version)


def _profile(company=None, projects=None) -> dict:
    return {"format": PROFILE_FORMAT, "company": {**IDENTITY, **(company or {})},
            "projects": projects or []}


def test_questions_are_the_missing_facts_most_deciding_first(engine):
    ev = engine.evaluate(_profile(), AS_OF)
    qs = questions(ev)
    assert qs, "a company that gave only its identity has questions"
    decides = [q.decides for q in qs]
    assert decides == sorted(decides, reverse=True)
    # every question is a fact some open support is missing, and counts them exactly
    for q in qs[:10]:
        waiting = [r for r in ev.results if r.status == NEEDS_INFO
                   and any(f in r.missing for f in q.facts)]
        assert len(waiting) == q.decides
        assert all(f"{r.citation} {r.measure['title']}" in q.asked_by for r in waiting)
    assert "." not in qs[0].label and qs[0].label        # words, never a fact path
    assert missing_identity(_profile()) == []
    assert missing_identity({"company": {"name": "甲"}}) == ["company.uscc", "company.district",
                                                             "company.entity_type"]


def test_a_project_question_names_its_project_and_its_year(engine):
    pv = {"id": "p1", "name": "屋顶光伏", "type": "distributed_pv", "district": "luohu",
          "property": "social", "capacity_kw": 800, "pv_technology": "conventional",
          "grid_connected_on": "2024-03-01"}
    ev = engine.evaluate(_profile({"supports_received": []}, [pv]), AS_OF)
    generation = next(q for q in questions(ev) if q.path == "project.generation_kwh.{year}")
    assert generation.project_id == "p1" and generation.facts == ("project.generation_kwh.2024",)
    assert generation.label == "2024 年实际发电量（千瓦时）"
    assert any("第七条（一）" in c for c in generation.asked_by)
    assert generation.at_stake and generation.at_stake >= 1000000      # 罗湖 7.1's 100 万元 cap


def test_answering_removes_the_question_and_can_make_a_support_eligible(engine):
    pv = {"id": "p1", "name": "屋顶光伏", "type": "distributed_pv", "district": "luohu",
          "property": "social", "capacity_kw": 800, "pv_technology": "conventional",
          "grid_connected_on": "2024-03-01"}
    profile = _profile({"supports_received": []}, [pv])
    before = questions(engine.evaluate(profile, AS_OF))
    pv["generation_kwh"] = {"2024": 900000}
    ev = engine.evaluate(profile, AS_OF)
    after = questions(ev)
    assert ("p1", "project.generation_kwh.{year}") in {q.key for q in before}
    assert ("p1", "project.generation_kwh.{year}") not in {q.key for q in after}
    assert ev.result("lh-glc-2024/7.1", "p1").status == ELIGIBLE


def test_skipping_and_steps(engine):
    ev = engine.evaluate(_profile(), AS_OF)
    walk = Interview()
    first = walk.next_questions(ev, 2)
    total = walk.remaining(ev)
    walk.skip(first)
    assert walk.remaining(ev) == total - 2
    assert not {q.key for q in first} & {q.key for q in walk.next_questions(ev, 50)}
    walk.reset_skipped()
    assert walk.remaining(ev) == total
    assert walk.step == "identity" and walk.step_number == 1
    assert [walk.forward() for _ in STEPS] == [*STEPS[1:], STEPS[-1]]
    assert walk.back() == "review"
    with pytest.raises(ValueError):
        walk.go("nowhere")


def test_nothing_is_asked_when_nothing_is_open(engine):
    ev = engine.evaluate(_profile(), AS_OF)
    for r in ev.results:
        r.status = ELIGIBLE if r.status == NEEDS_INFO else r.status
    assert questions(ev) == [] and Interview().remaining(ev) == 0


def test_review_lists_what_was_answered_in_form_order(catalog):
    pv = {"id": "p1", "name": "屋顶光伏", "type": "distributed_pv", "capacity_kw": 800,
          "generation_kwh": {"2024": 900000}}
    items = answered(_profile({"business_lines": [], "years": {"2024": {"revenue": 1}}},
                              [pv, {"id": "p2"}]), catalog.measures, catalog.documents)
    company = [a.path for a in items if a.project_id is None]
    assert company[:4] == ["company.name", "company.uscc", "company.district", "company.entity_type"]
    assert "company.business_lines" in company                  # [] is an answer ("none")
    assert "company.years.{year}.revenue" in company
    project = [a.label for a in items if a.project_id == "p1"]
    assert "装机容量（千瓦）" in project and "实际发电量（千瓦时）" in project
    assert [a.path for a in items if a.project_id == "p2"] == []    # nothing answered yet
