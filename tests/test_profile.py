"""The profile file format: schema, extra rules, messages, loading and atomic saving."""
from __future__ import annotations

import copy
import json
import math
import os
import stat
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from core import profile as P
from core.profile import (
    PROFILE_FORMAT,
    Problem,
    ProfileError,
    is_valid_uscc,
    load_profile,
    save_profile,
    uscc_check_digit,
    validate_profile,
)

VALID_USCC = "91440303MA5EXAMP1T"    # fictitious 罗湖 code; check character computed and fixed here

# The contract's example (shared/contract/profile-format.md), with a valid 统一社会信用代码, plus a
# project using our extensions.
EXAMPLE = {
    "format": "greenmeasures.profile/1",
    "company": {
        "name": "深圳市示例科技有限公司",
        "uscc": VALID_USCC,
        "district": "luohu",
        "entity_type": "enterprise",
        "independent_legal_person": True,
        "fields": ["new_energy", "clean_energy.pv"],
        "business_lines": ["carbon_service", "energy_service"],
        "settled_in_district_on": "2024-03-01",
        "years": {
            "2024": {
                "revenue": 60000000,
                "sales": 0,
                "nev_sales": 0,
                "platform_turnover": 0,
                "in_statistics": True,
                "above_designated_size": True,
            },
            "2023": {"revenue": 45000000.5},
        },
        "carbon_footprint_certificates": [
            {"obtained_on": "2024-08-01", "scheme": "gba", "product": "光伏组件"}],
        "standards": [{"level": "international", "role": "lead", "domain": "carbon_footprint",
                       "published_on": "2024-05-10", "title": "产品碳足迹 量化要求"}],
        "green_finance_platform_listed": True,
        "green_loans": [{"amount": 20000000, "issued_on": "2025-03-01"}],
        "innovation_carriers": [{"kind": "national_engineering_research_center",
                                 "established_on": "2025-01-10"}],
        "grid_voltage_kv": 10,
        "load_management_system": True,
        "demand_response": [{"completed_on": "2025-01-10", "compensation": 300000}],
    },
    "projects": [
        {
            "id": "p1",
            "name": "厂房屋顶分布式光伏",
            "type": "distributed_pv",
            "district": "luohu",
            "property": "social",
            "investment_total": 3200000,
            "investment_approved": 3000000,
            "investment_actual": 3200000,
            "investment_social_share": 3200000,
            "titles": [{"level": "provincial", "kind": "demonstration", "obtained_on": "2024-06-01"}],
            "commissioned_on": "2024-01-15",
            "completed_on": "2024-01-10",
            "completion_filed": True,
            "capacity_kw": 800,
            "pv_technology": "conventional",
            "grid_connected_on": "2024-03-01",
            "generation_kwh": {"2024": 900000},
            "host_max_dc_kw": 720,
            "max_terminal_kw": 480,
            "daily_capacity_kg": 600,
            "provincial_subsidy": 2000000,
            "connected_to_vpp_center": True,
            "building_labels": [{"kind": "ultra_low_energy", "level": "municipal"}],
            "construction_install_cost": 50000000,
            "scope": "comprehensive",
        },
        {
            "id": "p2",
            "name": "写字楼能源费用托管",
            "type": "energy_trusteeship",
            "public_building": True,
            "energy_saving_rate": 0.12,
            "trusteeship_area_m2": 42000,
            "titles": [{"level": "municipal", "kind": "green_data_center"}],
        },
    ],
}


def example() -> dict:
    return copy.deepcopy(EXAMPLE)


DELETE = object()


def changed(parts: tuple, value) -> dict:
    """The example with one value set (or deleted)."""
    data = example()
    node = data
    for part in parts[:-1]:
        node = node[part]
    if value is DELETE:
        del node[parts[-1]]
    else:
        node[parts[-1]] = value
    return data


# ---------------------------------------------------------------------------------------------
# the valid example and the schema

def test_example_profile_is_valid():
    assert validate_profile(example()) == []


def test_minimal_profile_is_valid():
    assert validate_profile({"format": PROFILE_FORMAT, "company": {}}) == []


def test_schema_is_a_valid_draft_2020_12_schema():
    Draft202012Validator.check_schema(P.profile_schema())


def _properties(node, where=""):
    """(path, property schema) for every property in the schema."""
    node = P._resolve(node)
    for name, sub in node.get("properties", {}).items():
        yield f"{where}.{name}" if where else name, sub
        yield from _properties(sub, f"{where}.{name}" if where else name)
    for key in ("items", "additionalProperties"):
        if isinstance(node.get(key), dict):
            yield from _properties(node[key], f"{where}[]" if key == "items" else f"{where}.<year>")


def test_every_property_has_a_chinese_label():
    missing = [path for path, sub in _properties(P.profile_schema())
               if not any("\u4e00" <= ch <= "\u9fff" for ch in sub.get("description", ""))]
    assert missing == []


def test_project_types_match_the_measures_vocabulary():
    from core.measures.vocabulary import PROJECT_TYPES
    schema_types = P.profile_schema()["$defs"]["project"]["properties"]["type"]["enum"]
    assert schema_types == list(PROJECT_TYPES)


# The contract's fixed lists: every value must be accepted with exactly this spelling.
CONTRACT_LISTS = {
    ("company", "fields"): ["safety_emergency", "energy_saving", "environmental_protection",
                            "resource_recycling", "carbon_management", "clean_energy", "new_energy",
                            "new_energy_vehicle", "intelligent_connected_vehicle", "ecological_environment",
                            "green_infrastructure", "green_low_carbon_service", "clean_energy.pv"],
    ("company", "business_lines"): ["brand_car_sales", "used_car_sales", "jewelry_resale_platform",
                                    "gold_buyback", "carbon_service", "energy_service"],
    ("company", "standards", "level"): ["international", "national", "industry", "local", "group"],
    ("company", "standards", "role"): ["lead", "participate"],
    ("company", "standards", "domain"): ["safety_emergency", "carbon_footprint", "carbon_metrology",
                                         "green_low_carbon"],
    ("projects", "titles", "level"): ["national", "provincial", "municipal", "district"],
    ("projects", "titles", "kind"): ["demonstration", "pilot", "near_zero_carbon_pilot"],
    ("projects", "building_labels", "kind"): ["ultra_low_energy", "near_zero_energy", "zero_energy",
                                              "near_zero_carbon", "zero_carbon"],
    ("projects", "building_labels", "level"): ["national", "provincial", "municipal"],
    ("company", "innovation_carriers", "kind"): [
        "national_engineering_research_center", "national_enterprise_technology_center",
        "national_key_laboratory", "national_innovation_center", "municipal_engineering_research_center",
        "public_technology_service_platform", "municipal_enterprise_technology_center", "key_laboratory"],
    ("company", "carbon_footprint_certificates", "scheme"): ["gba"],
    ("projects", "property"): ["social", "personal", "government"],
    ("projects", "pv_technology"): ["conventional", "thin_film"],
    ("projects", "scope"): ["comprehensive", "pure_pv", "pv_storage_dc_flexible", "building_retrofit",
                            "green_building"],
    ("company", "district"): ["futian", "luohu", "yantian", "nanshan", "baoan", "longgang", "longhua",
                              "pingshan", "guangming", "dapeng", "shenshan"],
    ("company", "entity_type"): ["enterprise", "public_institution", "social_organization",
                                 "private_non_enterprise", "individual_business"],
}


@pytest.mark.parametrize("where", list(CONTRACT_LISTS), ids=".".join)
def test_every_contract_value_is_accepted(where):
    for value in CONTRACT_LISTS[where]:
        data = example()
        if where in (("company", "fields"), ("company", "business_lines")):
            data["company"][where[1]] = [value]
        elif where[0] == "company" and len(where) == 2:
            data["company"][where[1]] = value
        elif where[0] == "company":
            data["company"][where[1]][0][where[2]] = value
        elif len(where) == 2:
            data["projects"][0][where[1]] = value
        else:
            data["projects"][0][where[1]][0][where[2]] = value
        assert validate_profile(data) == [], (where, value)


def test_measures_data_uses_only_known_list_values(catalog):
    """key_fields and any_in values of the measures are in the profile's closed lists."""
    from core.measures.facts import fact_registry
    facts = fact_registry()
    fields = set(facts["company.fields"].enum)
    assert "clean_energy.pv" in fields and "new_energy" in fields
    for doc in catalog.documents.values():
        for kf in doc.get("key_fields") or []:
            assert kf["key"] in fields, (doc["key"], kf["key"])
    seen = []

    def walk(node):
        if isinstance(node, dict):
            if node.get("op") == "any_in":
                allowed = set(facts[node["fact"]].enum)
                assert allowed and set(node["value"]) <= allowed, node["fact"]
                seen.append(node["fact"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk([m["criteria"] for m in catalog.measures])
    walk([d.get("applicability") for d in catalog.documents.values()])
    assert "company.business_lines" in seen and "company.fields" in seen


# ---------------------------------------------------------------------------------------------
# one test per rule: exact path and message, and only that one problem

RULES = [
    # required
    ("format missing", ("format",), DELETE, "format", "required field is missing"),
    ("company missing", ("company",), DELETE, "company", "required field is missing"),
    ("project id missing", ("projects", 0, "id"), DELETE, "projects[0].id", "required field is missing"),
    ("project type missing", ("projects", 1, "type"), DELETE, "projects[1].type",
     "required field is missing"),
    ("standard level missing", ("company", "standards", 0, "level"), DELETE,
     "company.standards[0].level", "required field is missing"),
    ("loan date missing", ("company", "green_loans", 0, "issued_on"), DELETE,
     "company.green_loans[0].issued_on", "required field is missing"),
    # additionalProperties
    ("unknown top-level field", ("comment",), "x", "comment", "unknown field"),
    ("unknown company field", ("company", "nickname"), "x", "company.nickname", "unknown field"),
    ("unknown project field", ("projects", 0, "colour"), "red", "projects[0].colour", "unknown field"),
    ("unknown yearly field", ("company", "years", "2024", "profit"), 1, "company.years.2024.profit",
     "unknown field"),
    ("unknown field with odd name", ("company", "my field"), 1, 'company["my field"]', "unknown field"),
    # type
    ("number as text", ("projects", 0, "capacity_kw"), "800", "projects[0].capacity_kw",
     'must be a number, got "800"'),
    ("boolean is not a number", ("projects", 0, "capacity_kw"), True, "projects[0].capacity_kw",
     "must be a number, got true"),
    ("boolean is not a yearly number", ("company", "years", "2024", "revenue"), False,
     "company.years.2024.revenue", "must be a number, got false"),
    ("null number", ("projects", 0, "investment_total"), None, "projects[0].investment_total",
     "must be a number, got null"),
    ("text as boolean", ("company", "independent_legal_person"), "yes", "company.independent_legal_person",
     'must be true or false, got "yes"'),
    ("number as boolean", ("company", "years", "2024", "in_statistics"), 1,
     "company.years.2024.in_statistics", "must be true or false, got 1"),
    ("number as text field", ("company", "name"), 5, "company.name", "must be text, got 5"),
    ("text as list", ("company", "fields"), "new_energy", "company.fields",
     'must be a list […], got "new_energy"'),
    ("list as object", ("company",), [], "company", "must be an object {…}, got a list"),
    ("list item not an object", ("projects", 1), "p2", "projects[1]", 'must be an object {…}, got "p2"'),
    ("yearly value not an object", ("company", "years", "2024"), 5, "company.years.2024",
     "must be an object {…}, got 5"),
    # minimum / maximum
    ("negative capacity", ("projects", 0, "capacity_kw"), -5, "projects[0].capacity_kw",
     "must be ≥ 0, got -5"),
    ("negative money", ("company", "green_loans", 0, "amount"), -0.5, "company.green_loans[0].amount",
     "must be ≥ 0, got -0.5"),
    ("negative yearly figure", ("projects", 0, "generation_kwh", "2024"), -1,
     "projects[0].generation_kwh.2024", "must be ≥ 0, got -1"),
    ("rate above 1", ("projects", 1, "energy_saving_rate"), 12, "projects[1].energy_saving_rate",
     "must be ≤ 1, got 12"),
    # enum
    ("bad property", ("projects", 0, "property"), "public", "projects[0].property",
     'must be one of social, personal, government, got "public"'),
    ("bad district", ("company", "district"), "Luohu", "company.district",
     'must be one of futian, luohu, yantian, nanshan, baoan, longgang, longhua, pingshan, guangming, '
     'dapeng, shenshan, got "Luohu"'),
    ("bad pv technology", ("projects", 0, "pv_technology"), 1, "projects[0].pv_technology",
     "must be one of conventional, thin_film, got 1"),
    ("bad business line", ("company", "business_lines"), ["car_sales"], "company.business_lines[0]",
     'must be one of brand_car_sales, used_car_sales, jewelry_resale_platform, gold_buyback, carbon_service, '
     'energy_service, export_car_shipping, education_institution, research_institution, '
     'exhibition_organizer, park_operator, recycling_network_operator, got "car_sales"'),
    ("bad title kind", ("projects", 0, "titles", 0, "kind"), "award", "projects[0].titles[0].kind",
     'must be one of demonstration, pilot, near_zero_carbon_pilot, green_data_center, got "award"'),
    ("bad standard role", ("company", "standards", 0, "role"), "leader", "company.standards[0].role",
     'must be one of lead, participate, got "leader"'),
    ("bad scheme", ("company", "carbon_footprint_certificates", 0, "scheme"), "eu",
     "company.carbon_footprint_certificates[0].scheme", 'must be one of gba, got "eu"'),
    # const
    ("other format version", ("format",), "greenmeasures.profile/2", "format",
     'must be "greenmeasures.profile/1", got "greenmeasures.profile/2"'),
    ("format not text", ("format",), 1, "format", 'must be "greenmeasures.profile/1", got 1'),
    # pattern / USCC
    ("uscc too short", ("company", "uscc"), "9144030", "company.uscc",
     "must be 18 characters: digits and capital letters except I, O, S, V, Z, with digits in positions 3–8, "
     'got "9144030"'),
    ("uscc lower case", ("company", "uscc"), VALID_USCC.lower(), "company.uscc",
     "must be 18 characters: digits and capital letters except I, O, S, V, Z, with digits in positions 3–8, "
     f'got "{VALID_USCC.lower()}"'),
    ("uscc with O", ("company", "uscc"), "91440303MA5EXAMPOT", "company.uscc",
     "must be 18 characters: digits and capital letters except I, O, S, V, Z, with digits in positions 3–8, "
     'got "91440303MA5EXAMPOT"'),
    ("uscc trailing newline", ("company", "uscc"), VALID_USCC + "\n", "company.uscc",
     "must be 18 characters: digits and capital letters except I, O, S, V, Z, with digits in positions 3–8, "
     f'got "{VALID_USCC}\\n"'),
    ("uscc check digit", ("company", "uscc"), VALID_USCC[:17] + "0", "company.uscc",
     "check digit is wrong (expected T)"),
    ("uscc typo in body", ("company", "uscc"), "91440303MA5EXAMQ1T", "company.uscc",
     f"check digit is wrong (expected {uscc_check_digit('91440303MA5EXAMQ1')})"),
    # minLength
    ("empty name", ("company", "name"), "", "company.name", "must not be empty"),
    ("empty project id", ("projects", 0, "id"), "", "projects[0].id", "must not be empty"),
    # uniqueItems
    ("repeated field", ("company", "fields"), ["new_energy", "energy_saving", "new_energy"],
     "company.fields[2]",
     'must not repeat "new_energy", already at company.fields[0]'),
    ("repeated business line", ("company", "business_lines"), ["gold_buyback", "gold_buyback"],
     "company.business_lines[1]", 'must not repeat "gold_buyback", already at company.business_lines[0]'),
    # propertyNames: year keys
    ("year key not 4 digits", ("company", "years"), {"24": {}}, "company.years.24",
     'year key must be a 4-digit year from 1949 to 2100, got "24"'),
    ("year key before 1949", ("company", "years"), {"1948": {}}, "company.years.1948",
     'year key must be a 4-digit year from 1949 to 2100, got "1948"'),
    ("year key after 2100", ("projects", 0, "generation_kwh"), {"2101": 5}, "projects[0].generation_kwh.2101",
     'year key must be a 4-digit year from 1949 to 2100, got "2101"'),
    ("year key words", ("company", "years"), {"last year": {"revenue": -1}}, 'company.years["last year"]',
     'year key must be a 4-digit year from 1949 to 2100, got "last year"'),
    # dates
    ("no 30 February", ("company", "settled_in_district_on"), "2024-02-30", "company.settled_in_district_on",
     'must be a real calendar date YYYY-MM-DD, got "2024-02-30"'),
    ("no 29 February 2023", ("projects", 0, "titles", 0, "obtained_on"), "2023-02-29",
     "projects[0].titles[0].obtained_on", 'must be a real calendar date YYYY-MM-DD, got "2023-02-29"'),
    ("month 13", ("company", "standards", 0, "published_on"), "2024-13-01",
     "company.standards[0].published_on",
     'must be a real calendar date YYYY-MM-DD, got "2024-13-01"'),
    ("slashes", ("projects", 0, "commissioned_on"), "2024/01/15", "projects[0].commissioned_on",
     'must be a real calendar date YYYY-MM-DD, got "2024/01/15"'),
    ("no zero padding", ("projects", 0, "completed_on"), "2024-1-10", "projects[0].completed_on",
     'must be a real calendar date YYYY-MM-DD, got "2024-1-10"'),
    ("date and time", ("company", "demand_response", 0, "completed_on"), "2025-01-10T08:00:00",
     "company.demand_response[0].completed_on",
     'must be a real calendar date YYYY-MM-DD, got "2025-01-10T08:00:00"'),
    ("compact ISO date", ("projects", 0, "grid_connected_on"), "20240301", "projects[0].grid_connected_on",
     'must be a real calendar date YYYY-MM-DD, got "20240301"'),
    ("date as number", ("company", "innovation_carriers", 0, "established_on"), 20250110,
     "company.innovation_carriers[0].established_on", "must be text, got 20250110"),
    # finite numbers
    ("NaN", ("projects", 0, "capacity_kw"), math.nan, "projects[0].capacity_kw",
     "must be a finite number, got NaN"),
    ("Infinity", ("company", "years", "2024", "revenue"), math.inf, "company.years.2024.revenue",
     "must be a finite number, got Infinity"),
    ("-Infinity", ("company", "grid_voltage_kv"), -math.inf, "company.grid_voltage_kv",
     "must be a finite number, got -Infinity"),
    ("Infinity above maximum", ("projects", 1, "energy_saving_rate"), math.inf,
     "projects[1].energy_saving_rate",
     "must be a finite number, got Infinity"),
    # unique project ids
    ("repeated project id", ("projects", 1, "id"), "p1", "projects[1].id",
     'must be unique, "p1" is already used by projects[0]'),
]


@pytest.mark.parametrize("parts, value, path, message", [r[1:] for r in RULES], ids=[r[0] for r in RULES])
def test_rule(parts, value, path, message):
    problems = validate_profile(changed(parts, value))
    assert [(p.path, p.message) for p in problems] == [(path, message)]
    assert problems[0].message_zh


@pytest.mark.parametrize("parts, value, path, message_zh", [
    (("projects", 0, "capacity_kw"), -5, "projects[0].capacity_kw",
     "装机容量（千瓦）不能小于 0，填写的是 -5"),
    (("company", "uscc"), VALID_USCC[:17] + "0", "company.uscc", "统一社会信用代码校验位不正确（应为 T）"),
    (("company", "years", "2024", "revenue"), -1, "company.years.2024.revenue",
     "2024 年营收（元）不能小于 0，填写的是 -1"),
    (("projects", 0, "property"), "public", "projects[0].property",
     '物业产权必须是 social、personal、government 之一，填写的是 "public"'),
    (("projects", 0, "type"), DELETE, "projects[0].type", "缺少必填项：项目类型"),
    (("projects", 0, "investment_total"), "320万", "projects[0].investment_total",
     '总投资（元）应为数字，填写的是 "320万"'),
    (("company", "settled_in_district_on"), "2024-02-30", "company.settled_in_district_on",
     '新设立或迁入所在区的日期必须是真实存在的日期（YYYY-MM-DD），填写的是 "2024-02-30"'),
    (("format",), "x", "format", '文件格式版本必须是 "greenmeasures.profile/1"，填写的是 "x"'),
    (("projects", 1, "id"), "p1", "projects[1].id", '项目编号必须唯一，"p1" 已被 projects[0] 使用'),
    (("company", "standards", 0, "level"), "world", "company.standards[0].level",
     '标准级别必须是 international、national、industry、local、group 之一，填写的是 "world"'),
    (("company", "fields"), ["new_energy", "new_energy"], "company.fields[1]",
     '重点支持领域中的 "new_energy" 重复了（已在 company.fields[0]）'),
])
def test_chinese_messages(parts, value, path, message_zh):
    problems = validate_profile(changed(parts, value))
    assert [(p.path, p.message_zh) for p in problems] == [(path, message_zh)]


def test_year_key_bounds_are_inclusive():
    data = changed(("company", "years"), {"1949": {"revenue": 1}, "2100": {"revenue": 2}})
    assert validate_profile(data) == []


def test_leap_day_is_a_real_date():
    assert validate_profile(changed(("company", "settled_in_district_on"), "2024-02-29")) == []


def test_exclusive_minimum_is_translated():
    from jsonschema import validators
    err = next(validators.validator_for({})({"exclusiveMinimum": 0}).iter_errors(0))
    found = list(P._from_schema_error(err))
    assert [(f.message, f.message_zh) for f in found] == [
        ("must be > 0, got 0", "档案必须大于 0，填写的是 0")]


def test_all_problems_at_once_sorted_by_path():
    data = example()
    data["projects"][1]["capacity_kw"] = -1
    data["projects"][0]["capacity_kw"] = "x"
    data["company"]["uscc"] = VALID_USCC[:17] + "1"
    data["format"] = "v2"
    data["extra"] = 1
    data["projects"].extend({"id": f"q{i}", "type": "distributed_pv"} for i in range(9))
    data["projects"][10]["capacity_kw"] = -2
    paths = [p.path for p in validate_profile(data)]
    assert paths == ["company.uscc", "extra", "format", "projects[0].capacity_kw", "projects[1].capacity_kw",
                     "projects[10].capacity_kw"]


def test_nothing_is_reported_inside_an_unknown_field_or_a_wrong_type():
    data = example()
    data["company"]["extra"] = {"a": math.nan, "b": [math.inf]}
    data["company"]["years"] = [{"revenue": math.nan}]
    assert [(p.path, p.message) for p in validate_profile(data)] == [
        ("company.extra", "unknown field"), ("company.years", "must be an object {…}, got a list")]


@pytest.mark.parametrize("data, expected", [
    ([], [("(root)", "must be an object {…}, got a list")]),
    (None, [("(root)", "must be an object {…}, got null")]),
    ("profile", [("(root)", 'must be an object {…}, got "profile"')]),
    (3.5, [("(root)", "must be an object {…}, got 3.5")]),
    ({}, [("company", "required field is missing"), ("format", "required field is missing")]),
])
def test_whole_file_problems(data, expected):
    assert [(p.path, p.message) for p in validate_profile(data)] == expected


def test_problem_and_error_text():
    problem = Problem("projects[0].capacity_kw", "must be ≥ 0, got -5",
                      "装机容量（千瓦）不能小于 0，填写的是 -5")
    assert str(problem) == ("projects[0].capacity_kw: must be ≥ 0, got -5"
                            "（装机容量（千瓦）不能小于 0，填写的是 -5）")
    other = Problem("format", "required field is missing", "缺少必填项：文件格式版本")
    error = ProfileError([problem, other])
    assert error.problems == [problem, other]
    assert str(error) == f"{problem}\n{other}"


# ---------------------------------------------------------------------------------------------
# USCC helpers

@pytest.mark.parametrize("code", [
    "91350100M000100Y43",      # the worked example of GB 32100-2015
    "914403001922038216",      # published codes of Shenzhen companies
    "91440300708461136T",
    VALID_USCC,
])
def test_known_valid_codes(code):
    assert is_valid_uscc(code)
    assert uscc_check_digit(code[:17]) == code[17]


@pytest.mark.parametrize("code", [
    "91350100M000100Y44", "91350100M000100Y4", "91350100M000100Y433", "91350100m000100Y43",
    "9135010OM000100Y43", "91350A00M000100Y43", " 91350100M000100Y43", "", None, 91350100,
])
def test_invalid_codes(code):
    assert not is_valid_uscc(code)


@pytest.mark.parametrize("first17", ["", "9135010", "91350100M000100YI", "91350100m000100Y4", None])
def test_check_digit_needs_17_code_characters(first17):
    with pytest.raises(ValueError):
        uscc_check_digit(first17)


def test_check_value_31_maps_to_0():
    # weighted sum ≡ 0 (mod 31) gives 31 - 0 = 31, written 0
    assert uscc_check_digit("0" * 17) == "0"


# ---------------------------------------------------------------------------------------------
# load_profile

def write(tmp_path, content: bytes | str, name="profile.json"):
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def only_problem(excinfo) -> tuple[str, str]:
    problems = excinfo.value.problems
    assert len(problems) == 1, problems
    assert problems[0].message_zh
    return problems[0].path, problems[0].message


def test_load_valid_file_returns_the_parsed_dict(tmp_path):
    path = write(tmp_path, json.dumps(EXAMPLE, ensure_ascii=False))
    assert load_profile(path) == EXAMPLE
    assert load_profile(str(path)) == EXAMPLE


def test_load_accepts_a_utf8_bom(tmp_path):
    path = write(tmp_path, b"\xef\xbb\xbf" + json.dumps(EXAMPLE, ensure_ascii=False).encode("utf-8"))
    assert load_profile(path) == EXAMPLE


def test_load_bad_json_gives_line_and_column(tmp_path):
    path = write(tmp_path, '{\n  "format": "greenmeasures.profile/1",\n  "company": {"name": "x",}\n}\n')
    with pytest.raises(ProfileError) as excinfo:
        load_profile(path)
    assert only_problem(excinfo) == (
        "(file)", "not valid JSON at line 3, column 27: Expecting property name enclosed in double quotes")
    assert excinfo.value.problems[0].message_zh == (
        "文件不是有效的 JSON：第 3 行第 27 列，字段名必须用英文双引号括起来")


def test_load_empty_file(tmp_path):
    with pytest.raises(ProfileError) as excinfo:
        load_profile(write(tmp_path, ""))
    assert only_problem(excinfo) == ("(file)", "not valid JSON at line 1, column 1: Expecting value")


def test_load_duplicate_key_names_the_path(tmp_path):
    text = ('{"format": "greenmeasures.profile/1", "company": {},'
            ' "projects": [{"id": "p1", "type": "distributed_pv", "capacity_kw": 1, "capacity_kw": 2}]}')
    with pytest.raises(ProfileError) as excinfo:
        load_profile(write(tmp_path, text))
    assert only_problem(excinfo) == (
        "projects[0].capacity_kw", 'duplicate key "capacity_kw": the object names it more than once')


def test_load_duplicate_top_level_key(tmp_path):
    text = '{"format": "greenmeasures.profile/1", "company": {}, "company": {}}'
    with pytest.raises(ProfileError) as excinfo:
        load_profile(write(tmp_path, text))
    assert only_problem(excinfo) == ("company", 'duplicate key "company": the object names it more than once')


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity"])
def test_load_refuses_nan_and_infinity(tmp_path, literal):
    text = ('{"format": "greenmeasures.profile/1", '
            '"company": {"years": {"2024": {"revenue": ' + literal + '}}}}')
    with pytest.raises(ProfileError) as excinfo:
        load_profile(write(tmp_path, text))
    assert only_problem(excinfo) == ("company.years.2024.revenue",
                                     f"{literal} is not allowed: write a finite number")


def test_load_refuses_non_utf8(tmp_path):
    text = '{"format": "greenmeasures.profile/1",\n "company": {"name": "深圳"}}'
    with pytest.raises(ProfileError) as excinfo:
        load_profile(write(tmp_path, text.encode("gbk")))
    assert only_problem(excinfo) == ("(file)", "not UTF-8 text: byte 0xc9 at line 2, column 23")


def test_load_refuses_utf16(tmp_path):
    with pytest.raises(ProfileError) as excinfo:
        load_profile(write(tmp_path, json.dumps(EXAMPLE).encode("utf-16")))
    assert only_problem(excinfo) == ("(file)", "is UTF-16 text; save it as UTF-8")


def test_load_missing_file(tmp_path):
    path = tmp_path / "nowhere.json"
    with pytest.raises(ProfileError) as excinfo:
        load_profile(path)
    assert only_problem(excinfo) == ("(file)", f"file not found: {path}")


def test_load_a_folder(tmp_path):
    with pytest.raises(ProfileError) as excinfo:
        load_profile(tmp_path)
    assert only_problem(excinfo)[0] == "(file)"


def test_load_top_level_array(tmp_path):
    with pytest.raises(ProfileError) as excinfo:
        load_profile(write(tmp_path, "[1, 2]"))
    assert only_problem(excinfo) == ("(root)", "must be an object {…}, got a list")


def test_load_reports_every_content_problem(tmp_path):
    data = example()
    data["projects"][0]["capacity_kw"] = -5
    data["company"]["settled_in_district_on"] = "2024-02-30"
    with pytest.raises(ProfileError) as excinfo:
        load_profile(write(tmp_path, json.dumps(data)))
    assert [p.path for p in excinfo.value.problems] == ["company.settled_in_district_on",
                                                        "projects[0].capacity_kw"]


# ---------------------------------------------------------------------------------------------
# save_profile

def expected_bytes(data) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def test_save_round_trip_is_exact(tmp_path):
    path = tmp_path / "p.json"
    save_profile(example(), path)
    raw = path.read_bytes()
    assert raw == expected_bytes(EXAMPLE)
    assert "深圳市示例科技有限公司".encode() in raw
    assert load_profile(path) == EXAMPLE
    save_profile(load_profile(path), path)
    assert path.read_bytes() == raw
    assert sorted(os.listdir(tmp_path)) == ["p.json"]


def test_save_replaces_an_existing_file(tmp_path):
    path = tmp_path / "p.json"
    path.write_text("old", encoding="utf-8")
    save_profile(example(), path)
    assert path.read_bytes() == expected_bytes(EXAMPLE)
    assert sorted(os.listdir(tmp_path)) == ["p.json"]


def test_save_invalid_data_writes_nothing(tmp_path):
    bad = changed(("projects", 0, "capacity_kw"), -5)
    with pytest.raises(ProfileError) as excinfo:
        save_profile(bad, tmp_path / "new.json")
    assert [p.path for p in excinfo.value.problems] == ["projects[0].capacity_kw"]
    assert os.listdir(tmp_path) == []

    existing = tmp_path / "old.json"
    save_profile(example(), existing)
    before = existing.read_bytes()
    with pytest.raises(ProfileError):
        save_profile(bad, existing)
    assert existing.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["old.json"]


def test_save_into_a_missing_folder(tmp_path):
    path = tmp_path / "missing" / "p.json"
    with pytest.raises(ProfileError) as excinfo:
        save_profile(example(), path)
    where, message = only_problem(excinfo)
    assert where == "(file)" and message.startswith(f"cannot write {path}: ")
    assert os.listdir(tmp_path) == []


def test_save_onto_a_folder(tmp_path):
    (tmp_path / "p.json").mkdir()
    with pytest.raises(ProfileError) as excinfo:
        save_profile(example(), tmp_path / "p.json")
    assert only_problem(excinfo)[0] == "(file)"
    assert os.listdir(tmp_path) == ["p.json"]


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0, reason="needs POSIX permissions, not root")
def test_save_into_an_unwritable_folder(tmp_path):
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(ProfileError) as excinfo:
            save_profile(example(), folder / "p.json")
        assert only_problem(excinfo)[1].startswith(f"cannot write {folder / 'p.json'}: ")
        assert os.listdir(folder) == []
    finally:
        folder.chmod(0o700)


def test_save_permission_error_is_reported(tmp_path, monkeypatch):
    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")
    monkeypatch.setattr(P.os, "open", refuse)
    path = tmp_path / "p.json"
    with pytest.raises(ProfileError) as excinfo:
        save_profile(example(), path)
    assert only_problem(excinfo) == ("(file)", f"cannot write {path}: Permission denied")
    assert excinfo.value.problems[0].message_zh == f"无法保存到 {path}：没有权限"
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("failing", ["fsync", "replace"])
def test_save_failure_leaves_no_temp_file_and_the_old_file_intact(tmp_path, monkeypatch, failing):
    path = tmp_path / "p.json"
    path.write_bytes(b"previous contents")

    def fail(*args, **kwargs):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(P.os, failing, fail)
    with pytest.raises(ProfileError) as excinfo:
        save_profile(example(), path)
    assert only_problem(excinfo) == ("(file)", f"cannot write {path}: No space left on device")
    assert path.read_bytes() == b"previous contents"
    assert os.listdir(tmp_path) == ["p.json"]


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_save_keeps_the_permissions_of_the_file_it_replaces(tmp_path):
    path = tmp_path / "p.json"
    path.write_text("{}", encoding="utf-8")
    path.chmod(0o640)
    save_profile(example(), path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


# ---------------------------------------------------------------------------------------------
# properties

json_scalars = (st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True, allow_infinity=True)
                | st.text(max_size=12))
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)


def _names(node) -> list[str]:
    return list(P._resolve(node).get("properties", {}))


def _profile_like():
    """Dicts shaped like profiles, with known and unknown names and random values."""
    defs = P.profile_schema()["$defs"]
    company_keys = st.sampled_from(_names(defs["company"]) + ["other"])
    project_keys = st.sampled_from(_names(defs["project"]) + ["other"])
    year_keys = st.sampled_from(["2024", "1949", "2100", "1948", "24", "x"])
    year = st.dictionaries(st.sampled_from(_names(defs["company_year"]) + ["other"]), json_values, max_size=4)
    company = st.dictionaries(company_keys, json_values | st.dictionaries(year_keys, year | json_values,
                                                                         max_size=3), max_size=8)
    project = st.dictionaries(project_keys, json_values, max_size=8)
    return st.fixed_dictionaries({}, optional={
        "format": st.just(PROFILE_FORMAT) | json_values,
        "company": company | json_values,
        "projects": st.lists(project | json_values, max_size=4) | json_values,
        "other": json_values,
    })


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(json_values, _profile_like()))
def test_validate_never_raises(data):
    problems = validate_profile(data)
    assert isinstance(problems, list)
    for problem in problems:
        assert isinstance(problem, Problem)
        assert problem.path and problem.message and problem.message_zh
    assert [p.path for p in problems] == [p.path for p in validate_profile(data)]   # deterministic


def _leaves(node, parts=()):
    """Every path in the example, containers included."""
    if parts:
        yield parts
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _leaves(value, parts + (key,))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _leaves(value, parts + (i,))


LEAVES = list(_leaves(EXAMPLE))


def _wrong_value_for(current):
    negative = st.integers(max_value=-1) | st.floats(max_value=-1e-9, allow_nan=False, allow_infinity=False)
    others = st.none() | st.text(max_size=5) | st.lists(st.integers(), max_size=2) | st.just({"x": 1})
    if isinstance(current, bool):
        return st.one_of(negative, others, st.integers(min_value=0, max_value=3))
    if isinstance(current, (int, float)):
        return st.one_of(negative, others, st.booleans())
    if isinstance(current, str):
        return st.one_of(negative, st.booleans(), st.none(), st.integers(min_value=0),
                         st.lists(st.integers(), max_size=2), st.just({"x": 1}))
    return st.one_of(negative, st.booleans(), st.none(), st.text(max_size=5))   # a list or an object


@st.composite
def _mutations(draw):
    parts = draw(st.sampled_from(LEAVES))
    node = EXAMPLE
    for part in parts:
        node = node[part]
    return parts, draw(_wrong_value_for(node))


@settings(max_examples=200, deadline=None)
@given(_mutations())
def test_a_wrong_value_is_reported_at_its_field(mutation):
    parts, value = mutation
    data = changed(parts, value)
    field = P._path(parts)
    problems = validate_profile(data)
    assert any(p.path == field or p.path.startswith((field + ".", field + "[")) for p in problems), (
        field, value, problems)


USCC_ANY = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_DIGITS = "0123456789"


def _allowed_at(position: int) -> str:
    return USCC_DIGITS if 2 <= position <= 7 else USCC_ANY


@st.composite
def _uscc_bases(draw):
    return "".join(draw(st.sampled_from(_allowed_at(i))) for i in range(17))


@settings(max_examples=200, deadline=None)
@given(_uscc_bases(), st.integers(min_value=0, max_value=17), st.data())
def test_uscc_check_digit_catches_any_single_change(base, position, data):
    code = base + uscc_check_digit(base)
    assert is_valid_uscc(code)
    assert validate_profile(changed(("company", "uscc"), code)) == []
    replacement = data.draw(st.sampled_from([c for c in _allowed_at(position) if c != code[position]]))
    altered = code[:position] + replacement + code[position + 1:]
    assert not is_valid_uscc(altered)
    problems = validate_profile(changed(("company", "uscc"), altered))
    assert [(p.path, p.message) for p in problems] == [
        ("company.uscc", f"check digit is wrong (expected {uscc_check_digit(altered[:17])})")]
