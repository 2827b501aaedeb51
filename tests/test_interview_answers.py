"""One answer at a time into a profile (core.interview): the kiosk's guided interview writes each
answer at its fact path, checks it with the profile's own rules first, and can take it back."""
from __future__ import annotations

import copy

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.interview import (
    answer_of,
    answer_problems,
    fact_spec,
    given_facts,
    new_project_id,
    with_answer,
    with_project,
    without_answer,
    without_project,
)
from core.profile import validate_profile

BASE = {"format": "greenmeasures.profile/1", "company": {"name": "甲", "district": "luohu"},
        "projects": [{"id": "p1", "type": "distributed_pv", "name": "屋顶光伏"}]}


def test_a_company_fact_a_yearly_fact_and_a_project_fact_are_written_where_the_schema_puts_them():
    p = with_answer(BASE, None, "company.years.2024.revenue", 5_000_000)
    p = with_answer(p, "p1", "project.generation_kwh.2024", 900000)
    p = with_answer(p, "p1", "project.capacity_kw", 800)
    assert p["company"]["years"] == {"2024": {"revenue": 5_000_000}}
    assert p["projects"][0]["generation_kwh"] == {"2024": 900000}
    assert p["projects"][0]["capacity_kw"] == 800
    assert validate_profile(p) == []
    assert BASE["projects"][0] == {"id": "p1", "type": "distributed_pv", "name": "屋顶光伏"}   # a copy
    assert answer_of(p, "p1", "project.generation_kwh.2024") == 900000
    assert answer_of(p, "p1", "project.generation_kwh.2023") is None
    assert answer_of(p, "p9", "project.capacity_kw") is None


def test_removing_an_answer_drops_the_year_it_leaves_empty_but_not_the_subject():
    p = with_answer(BASE, None, "company.years.2024.revenue", 1)
    p = with_answer(p, None, "company.years.2024.sales", 2)
    p = without_answer(p, None, "company.years.2024.revenue")
    assert p["company"]["years"] == {"2024": {"sales": 2}}
    p = without_answer(p, None, "company.years.2024.sales")
    assert "years" not in p["company"] and p["company"]["name"] == "甲"
    assert with_answer(p, None, "company.name", None)["company"] == {"district": "luohu"}


def test_an_item_field_of_a_list_is_written_into_that_item_only():
    p = copy.deepcopy(BASE)
    p["company"]["standards"] = [{"level": "national", "role": "lead"}]
    q = with_answer(p, None, "company.standards[0].published_on", "2024-05-10")
    assert q["company"]["standards"] == [{"level": "national", "role": "lead", "published_on": "2024-05-10"}]
    assert fact_spec("company.standards[0].published_on").kind == "date"
    with pytest.raises(KeyError):
        with_answer(p, None, "company.standards[3].published_on", "2024-05-10")
    assert without_answer(q, None, "company.standards[0].published_on") == p


def test_problems_come_from_the_profile_rules_in_chinese_at_that_field_only():
    bad = copy.deepcopy(BASE)
    bad["projects"][0]["capacity_kw"] = -1           # a problem elsewhere is not this answer's
    assert answer_problems(bad, None, "company.name", "乙") == []
    assert "不能小于 0" in answer_problems(BASE, "p1", "project.capacity_kw", -5)[0]
    assert "不能大于" in answer_problems(BASE, "p1", "project.capacity_kw", 10**9)[0]
    assert answer_problems(BASE, "p1", "project.capacity_kw", 10**8) == []
    assert "统一社会信用代码" in answer_problems(BASE, None, "company.uscc", "123")[0]
    assert answer_problems(BASE, None, "company.district", "mars")
    assert answer_problems(BASE, "p1", "project.grid_connected_on", "2024-02-30")
    assert answer_problems(BASE, "p1", "project.grid_connected_on", "2024-02-29") == []


def test_projects_are_added_in_the_company_district_with_a_fresh_id_and_removed():
    p, pid = with_project(BASE, "super_charging_station")
    assert pid == "p2" and p["projects"][1] == {"id": "p2", "type": "super_charging_station",
                                                 "district": "luohu"}
    assert validate_profile(p) == []
    assert new_project_id({"company": {}, "projects": [{"id": "p7"}, {"id": "x"}]}) == "p8"
    assert [q["id"] for q in without_project(p, "p1")["projects"]] == ["p2"]
    empty, first = with_project({"format": "greenmeasures.profile/1", "company": {}}, "distributed_pv")
    assert first == "p1" and "district" not in empty["projects"][0]


def test_given_facts_lists_each_year_answered():
    p = with_answer(BASE, "p1", "project.generation_kwh.2024", 1)
    p = with_answer(p, "p1", "project.generation_kwh.2023", 2)
    assert given_facts(p, "p1", "project.generation_kwh.{year}") == [
        "project.generation_kwh.2023", "project.generation_kwh.2024"]
    assert given_facts(p, "p1", "project.capacity_kw") == []
    assert given_facts(p, None, "company.name") == ["company.name"]


FACTS = st.sampled_from([("company", "company.name"), ("company", "company.years.{y}.revenue"),
                         ("company", "company.years.{y}.in_statistics"), ("p1", "project.capacity_kw"),
                         ("p1", "project.generation_kwh.{y}"), ("p1", "project.declarations.pilot_accepted")])
VALUES = st.one_of(st.integers(0, 10**12), st.booleans(), st.text(max_size=8))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(FACTS, st.integers(2019, 2026), VALUES), max_size=8))
def test_writing_then_removing_answers_leaves_the_profile_as_it_was(answers):
    """Answers written one by one, then taken back in reverse, give the profile back; each answer
    reads back as written; an answer the rules accept keeps the whole profile valid."""
    profiles = [copy.deepcopy(BASE)]
    written = []
    valid = True                      # every answer so far was one the rules accept
    for (who, template), year, value in answers:
        subject = None if who == "company" else who
        fact = template.replace("{y}", str(year))
        if answer_of(profiles[-1], subject, fact) is not None:
            continue                  # taking back an overwrite could not restore the old value
        after = with_answer(profiles[-1], subject, fact, value)
        assert answer_of(after, subject, fact) == value
        valid = valid and not answer_problems(profiles[-1], subject, fact, value)
        if valid:
            assert validate_profile(after) == []
        elif fact.endswith("revenue") and isinstance(value, bool | str):
            assert answer_problems(profiles[-1], subject, fact, value)
        profiles.append(after)
        written.append((subject, fact))
    current = profiles[-1]
    for subject, fact in reversed(written):
        profiles.pop()
        current = without_answer(current, subject, fact)
        assert current == profiles[-1]
