"""The form asks what the measures read, most deciding first, and says which clauses need it."""
from __future__ import annotations

from core.formspec import company_fields, fact_usage, field_for_missing, project_fields
from core.measures.facts import fact_registry


def test_every_fact_a_measure_reads_is_asked(catalog):
    usage = fact_usage(catalog.measures, catalog.documents)
    asked = {f.path for f in company_fields(catalog.measures, catalog.documents)}
    for project_type in {t for m in catalog.measures for t in m["subject"]["project_types"]}:
        asked |= {f.path for f in project_fields(project_type, catalog.measures, catalog.documents)}
    assert set(usage) <= asked
    assert asked <= set(fact_registry())


def test_identity_first_then_the_facts_deciding_most_measures(catalog):
    fields = company_fields(catalog.measures, catalog.documents)
    assert [f.path for f in fields[:3]] == ["company.name", "company.uscc", "company.district"]
    counts = [len(f.used_by) for f in fields[3:]]
    assert counts == sorted(counts, reverse=True)


def test_pv_project_fields_name_their_clauses_and_units(catalog):
    fields = {f.path: f for f in project_fields("distributed_pv", catalog.measures, catalog.documents)}
    assert fields["project.capacity_kw"].unit == "千瓦"
    assert fields["project.capacity_kw"].label == "装机容量"
    assert "罗湖区十条措施 第七条（一）" in fields["project.capacity_kw"].used_by
    assert fields["project.generation_kwh.{year}"].yearly
    assert "project.daily_capacity_kg" not in fields        # a hydrogen station's fact
    assert "project.investment_actual" in fields            # its cap is a share of it


def test_money_fields_are_marked(catalog):
    fields = {f.path: f
              for f in project_fields("resource_recycling_demo", catalog.measures, catalog.documents)}
    assert fields["project.investment_approved"].is_money


def test_missing_paths_map_to_fields():
    assert field_for_missing("project.generation_kwh.2024") == ("project.generation_kwh.{year}", None, "2024")
    assert field_for_missing("company.years.2024.revenue") == ("company.years.{year}.revenue", None, "2024")
    assert field_for_missing("company.standards[1].published_on") == ("company.standards", 1, None)
    assert field_for_missing("project.capacity_kw") == ("project.capacity_kw", None, None)
