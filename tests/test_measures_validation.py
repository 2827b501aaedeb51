"""The validator: every kind of bad record is refused with file:line: field: message."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.measures.catalog import load_catalog
from core.measures.validate import DataError, number_forms, stated_in, validate_file
from core.resources import measures_dir

LUOHU = measures_dir() / "lh-glc-2024.yaml"
PROBLEM = re.compile(r"^(?P<file>[\w.-]+\.yaml):(?P<line>\d+): (?P<field>[^:]+): (?P<message>.+)$")


def _variant(tmp_path: Path, old: str, new: str, count: int = 1) -> Path:
    text = LUOHU.read_text(encoding="utf-8")
    assert old in text, f"test setup: {old!r} not in the Luohu file"
    path = tmp_path / LUOHU.name
    path.write_text(text.replace(old, new, count), encoding="utf-8")
    return path


def _problems(path: Path) -> list[dict]:
    _, _, problems = validate_file(path)
    parsed = []
    for line in problems:
        match = PROBLEM.match(line)
        assert match, f"not file:line: field: message — {line!r}"
        parsed.append(match.groupdict())
    return parsed


def _line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(needle)


def test_bundled_files_are_valid():
    for path in sorted(measures_dir().glob("*.yaml")):
        _, measures, problems = validate_file(path)
        assert problems == [], "\n".join(problems)
        assert measures, path.name


def test_changed_number_in_clause_text_is_refused(tmp_path):
    path = _variant(tmp_path, "装机容量验收规模 300 千瓦及以上的分布式光伏项目按照",
                    "装机容量验收规模 350 千瓦及以上的分布式光伏项目按照")
    problems = _problems(path)
    assert [p["field"] for p in problems] == ["measures[10].text"]
    assert problems[0]["file"] == "lh-glc-2024.yaml"
    assert "not found verbatim" in problems[0]["message"]
    assert int(problems[0]["line"]) == _line_of(path, "350 千瓦及以上的分布式光伏项目按照")


def test_changed_threshold_under_a_true_span_is_refused(tmp_path):
    path = _variant(tmp_path, "        value: 300\n", "        value: 350\n")
    problems = _problems(path)
    assert len(problems) == 1
    assert problems[0]["field"] == "measures[10].criteria[1].value"
    assert "350 is not stated in its span" in problems[0]["message"]
    assert int(problems[0]["line"]) == _line_of(path, "value: 350")


def test_changed_cap_is_refused(tmp_path):
    problems = _problems(_variant(tmp_path, "amount: 120000", "amount: 150000"))
    assert [p["field"] for p in problems] == ["measures[11].benefit.caps.amount"]


def test_a_cap_after_a_malformed_one_is_checked_on_its_own_lines(tmp_path):
    path = _variant(tmp_path, "        - scope: company_year\n          amount: 120000",
                    "        - not a mapping\n        - scope: company_year\n          amount: 150000")
    problems = _problems(path)
    assert [p["field"] for p in problems] == ["measures[11].benefit.caps[0]",
                                              "measures[11].benefit.caps.amount"]
    assert int(problems[1]["line"]) == _line_of(path, "amount: 150000")


def test_unknown_key_names_file_line_and_field(tmp_path):
    path = _variant(tmp_path, "    reviewing_department: 区住房和建设局",
                    "    reviewing_dept: 区住房和建设局")
    problems = _problems(path)
    assert len(problems) == 1
    assert problems[0]["field"] == "measures[15].reviewing_dept"
    assert "unknown key" in problems[0]["message"]
    assert int(problems[0]["line"]) == _line_of(path, "reviewing_dept")


@pytest.mark.parametrize("old,new,field,message", [
    ('valid_to: "2025-12-31"', 'valid_to: "2025-02-30"', "document.valid_to", "not a real calendar date"),
    ('valid_to: "2025-12-31"', 'valid_to: "31/12/2025"', "document.valid_to", "must be a date YYYY-MM-DD"),
    ("id: lh-glc-2024/9\n", "id: lh-glc-2024/nine\n", "measures[15].id", "off the id scheme"),
    ("id: lh-glc-2024/9\n", "id: sz-glc-2022/9\n", "measures[15].id", "off the id scheme"),
    ("id: lh-glc-2024/9\n", "id: lh-glc-2024/8.2\n", "measures[15].id", "duplicate id"),
    ("fact: project.capacity_kw", "fact: project.capacity_mw", "measures[10].criteria[1].fact",
     "defines no fact 'project.capacity_mw'"),
    ("op: years_since_ge", "op: older_than", "measures[10].criteria[0].op", "unknown value 'older_than'"),
    ("value: [social, personal]", "value: [social, rented]", "measures[10].criteria[2].value",
     "'rented' is not a value of project.property"),
    ("value: [used_car_sales]", "value: [used_cars]", "measures[2].criteria[0].value",
     "'used_cars' is not a value of company.business_lines"),
    ("project_types: [distributed_pv]", "project_types: [rooftop_pv]", "measures[10].subject.project_types",
     "unknown project type"),
    ("kind: subsidy\n", "kind: gift\n", "measures[8].kind", "unknown value 'gift'"),
])
def test_bad_values_are_refused(tmp_path, old, new, field, message):
    problems = _problems(_variant(tmp_path, old, new))
    assert any(p["field"] == field and message in p["message"] for p in problems), problems


def test_yaml_syntax_error_names_the_line(tmp_path):
    path = _variant(tmp_path, "    title: 绿色建筑扶持\n", "    title: [绿色建筑扶持\n")
    _, _, problems = validate_file(path)
    assert len(problems) == 1
    assert problems[0].startswith("lh-glc-2024.yaml:")


def test_duplicate_yaml_key_is_refused(tmp_path):
    path = _variant(tmp_path, "    title: 绿色建筑扶持\n", "    title: 绿色建筑扶持\n    title: again\n")
    _, _, problems = validate_file(path)
    assert problems and "duplicate key 'title'" in problems[0]


def test_catalog_reports_ids_repeated_across_files(tmp_path):
    shutil.copy(LUOHU, tmp_path / "a.yaml")
    shutil.copy(LUOHU, tmp_path / "b.yaml")
    with pytest.raises(DataError) as info:
        load_catalog(tmp_path)
    assert any("also in a.yaml" in p for p in info.value.problems)


def test_number_forms():
    assert {"5000万", "50000000"} <= number_forms(50000000)
    assert "20亿" in number_forms(2000000000)
    assert "20%" in number_forms(0.2)
    assert "一" in number_forms(1)
    assert stated_in(100000, "分别给予最高不超过100万、50万、30万、1\n0万元资助")
    assert not stated_in(30, "规模 300 千瓦")
    assert not stated_in(0.4, "0.45 元")


_TEXT = LUOHU.read_text(encoding="utf-8")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_any_changed_digit_in_a_clause_text_is_caught(tmp_path, data):
    """Property: change any one digit in any clause text and validation names that text."""
    lines = _TEXT.splitlines(keepends=True)
    text_lines = [i for i, line in enumerate(lines)
                  if line.startswith("    text: ") and re.search(r"\d", line)]
    index = data.draw(st.sampled_from(text_lines))
    line = lines[index]
    positions = [m.start() for m in re.finditer(r"\d", line)]
    pos = data.draw(st.sampled_from(positions))
    new_digit = data.draw(st.sampled_from([d for d in "0123456789" if d != line[pos]]))
    lines[index] = line[:pos] + new_digit + line[pos + 1:]
    path = tmp_path / LUOHU.name
    path.write_text("".join(lines), encoding="utf-8")
    _, _, problems = validate_file(path)
    assert any(p.startswith(f"lh-glc-2024.yaml:{index + 1}: ") and ".text:" in p for p in problems), problems


def test_every_operator_and_formula_is_documented_and_only_those():
    """docs/measures-format.md's operator table and formula row list exactly the registries."""

    from core.engine.amounts import FORMULAS
    from core.engine.operators import OPERATORS

    doc = (Path(__file__).parents[1] / "docs" / "measures-format.md").read_text(encoding="utf-8")
    table = doc[doc.index("| op | fact | meaning |"):]
    table = table[: table.index("\n\n")]
    documented = {name for row in table.splitlines()[2:]
                  for name in re.findall(r"`(\w+)`", row.split("|")[1])}
    assert documented == set(OPERATORS)
    formula_row = next(line for line in doc.splitlines() if line.startswith("| `formula` |"))
    assert set(re.findall(r"`(\w+)`", formula_row.split("|")[2])) == set(FORMULAS)
