"""Generated inputs over the profile loader and the engine (issue 15, Tests): take a valid profile,
put any JSON value at any path (huge and tiny numbers, number literals too long to convert, lone
surrogates, dates in other spellings, nested lists and objects), and run what a user's file goes
through: load_profile, the engine, the text and JSON reports and the checklist model. The outcome
is success or the project's own validation error (ProfileError), never any other exception; a few
cases go through the real `python main.py check`, which must exit 0 or 2.
"""
from __future__ import annotations

import copy
import datetime as dt
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from core.checklist.model import build_checklist
from core.engine.evaluate import Engine
from core.engine.report import to_json, to_text
from core.profile import ProfileError, load_profile, profile_schema, validate_profile
from tests.test_profile import EXAMPLE

ROOT = Path(__file__).resolve().parent.parent
DATES = [dt.date(2024, 6, 30), dt.date(2025, 6, 30), dt.date(2026, 12, 31)]


def _paths(value, parts=()):
    """Every path in a JSON value, the root included."""
    yield parts
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, parts + (key,))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _paths(item, parts + (i,))


def _schema_words():
    """Field names and enumerated values of the schema (all, and by field name): generated values
    then reach the engine's branches (another project type, a known field in the wrong place), not
    only the validator."""
    keys, values, by_field = set(), set(), {}
    stack = [profile_schema()]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            for name, child in node.get("properties", {}).items():
                keys.add(name)
                items = child.get("items", {}) if isinstance(child, dict) else {}
                listed = child.get("enum") or (items.get("enum") if isinstance(items, dict) else None)
                if listed:
                    by_field.setdefault(name, set()).update(listed)
            values.update(v for v in node.get("enum", []) if isinstance(v, str))
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return sorted(keys), sorted(values), {k: sorted(v) for k, v in by_field.items()}


def _bounds() -> dict[str, float]:
    """field name → its maximum in the schema (a yearly object's fields under the object's name)."""
    defs = profile_schema()["$defs"]

    def maximum(node):
        ref = defs.get(node.get("$ref", "").rsplit("/", 1)[-1], {})
        return node.get("maximum", ref.get("maximum"))
    found: dict[str, float] = {}
    stack = [profile_schema()]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            for name, child in node.get("properties", {}).items():
                if isinstance(child, dict):
                    inner = child.get("additionalProperties")
                    bound = maximum(inner) if isinstance(inner, dict) else maximum(child)
                    if bound is not None:
                        found[name] = bound
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return found


KEYS, WORDS, ENUMS = _schema_words()
BOUNDS = _bounds()


class Literal:
    """A number literal written into the JSON text as is (one Python's json cannot write: an
    integer of thousands of digits, a float of hundreds); ``value`` is the same number in memory."""

    def __init__(self, text: str, value):
        self.text = text
        self.value = value


def _in_memory(value):
    """The value as the window would hold it: each Literal as its Python number."""
    if isinstance(value, Literal):
        return value.value
    if isinstance(value, dict):
        return {k: _in_memory(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_in_memory(v) for v in value]
    return value


def _to_json(value) -> str:
    literals: list[str] = []

    def default(obj):
        if isinstance(obj, Literal):
            literals.append(obj.text)
            return f"@@literal{len(literals) - 1}@@"
        raise TypeError(type(obj).__name__)
    text = json.dumps(value, ensure_ascii=True, allow_nan=True, default=default)
    return re.sub(r'"@@literal(\d+)@@"', lambda m: literals[int(m[1])], text)


characters = st.characters(exclude_categories=())            # surrogates included
numbers = st.one_of(
    st.integers(),
    st.integers(min_value=-2, max_value=10 ** 16),
    st.sampled_from([0, 1, 1100, 1101, 10 ** 8 + 1, 10 ** 12, 10 ** 12 + 1, 10 ** 15, 10 ** 15 + 1,
                     2 ** 63, 10 ** 39, 10 ** 40, 1e29, 1e30, 1e134, 5e-324, 1.7976931348623157e308,
                     999999999999999.9, 0.1, -0.0, 2100, 1949]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.builds(lambda n: Literal("9" * n, 10 ** n - 1), st.integers(min_value=41, max_value=6000)),
    st.builds(lambda n: Literal("0." + "3" * n, 1 / 3), st.integers(min_value=40, max_value=400)),
)
texts = st.one_of(
    st.text(characters, max_size=12),
    st.sampled_from(WORDS),
    st.sampled_from(["2024-03-01", "2024-02-29", "2023-02-29", "2024-W01-1", "20240101", "2024",
                     "A\ud800B", "\udfff", "x" * 3000, "p1", "lh-glc-2024/7.1", "91440303MA5EXAMP1T"]),
)
leaves = st.one_of(st.none(), st.booleans(), numbers, texts)
keys = st.one_of(st.sampled_from(KEYS), st.sampled_from(["2024", "2025", "1948"]),
                 st.text(characters, max_size=8))
json_values = st.recursive(
    leaves,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=4),
    max_leaves=12)


@st.composite
def mutated_profiles(draw):
    """The example profile with one to three values replaced (or keys added) anywhere."""
    data = copy.deepcopy(EXAMPLE)
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        # Deepest first: sampled_from leans to its first elements, and a new root is rarely news.
        paths = sorted(_paths(data), key=len, reverse=True)
        parts = draw(st.sampled_from(paths))
        value = draw(json_values)
        if not parts:
            data = value
            continue
        parent = data
        for part in parts[:-1]:
            parent = parent[part]
        old = parent[parts[-1]]
        how = draw(st.sampled_from(["same", "same", "same", "any", "add"]))
        if isinstance(parent, dict) and how == "add":
            parent[draw(keys)] = value                # a new (or known) field beside this one
        elif how == "same" and isinstance(old, (bool, int, float, str)):
            # a value of the same kind: more of the mutations stay valid and reach the engine
            field = next((p for p in reversed(parts) if isinstance(p, str)), "")
            if isinstance(old, bool):
                same = st.booleans()
            elif isinstance(old, (int, float)):
                top = min(BOUNDS.get(field, 10 ** 6), 10 ** 6)
                same = st.integers(min_value=0, max_value=int(top)) | st.floats(min_value=0, max_value=top)
            elif isinstance(old, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", old):
                same = st.dates(dt.date(1949, 1, 1), dt.date(2100, 12, 31)).map(dt.date.isoformat)
            elif field in ENUMS:
                same = st.sampled_from(ENUMS[field])
            else:
                same = st.text(max_size=20)
            parent[parts[-1]] = draw(same)
        else:
            parent[parts[-1]] = value
    return data


@st.composite
def extreme_valid_profiles(draw):
    """The example profile with its numbers anywhere from 0 to the largest money bound and its
    dates anywhere in the years allowed: mostly valid, so the engine meets extreme figures."""
    data = copy.deepcopy(EXAMPLE)

    def figures(bound):
        return st.one_of(st.integers(min_value=0, max_value=int(bound)),
                         st.floats(min_value=0, max_value=bound),
                         st.sampled_from([0, bound, 5e-324, 0.01]))
    days = st.dates(dt.date(1949, 1, 1), dt.date(2100, 12, 31)).map(dt.date.isoformat)
    stack: list = [("", data)]
    while stack:
        name, node = stack.pop()
        items = list(node.items()) if isinstance(node, dict) else [(name, v) for v in node]
        for i, (key, value) in enumerate(items):
            slot = key if isinstance(node, dict) else i
            if isinstance(value, (dict, list)):
                stack.append((key, value))
            elif isinstance(value, (int, float)) and not isinstance(value, bool) and key != "year":
                bound = BOUNDS.get(key, BOUNDS.get(name)) if isinstance(key, str) else None
                node[slot] = draw(figures(bound if bound is not None else BOUNDS[name]))
            elif isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                node[slot] = draw(days)
    return data


@pytest.fixture(scope="module")
def engine(catalog):
    return Engine(catalog.measures, catalog.documents, catalog.version)


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return tmp_path_factory.mktemp("fuzz")


def _run_everything(engine: Engine, profile: dict, as_of: dt.date) -> None:
    evaluation = engine.evaluate(profile, as_of)
    to_text(evaluation, profile["company"].get("name")).encode("utf-8")
    json.dumps(to_json(evaluation), ensure_ascii=False, allow_nan=False).encode("utf-8")
    build_checklist(evaluation, profile)


def test_the_generated_inputs_reach_both_outcomes():
    """The strategies are not degenerate: valid and invalid profiles alike."""
    from hypothesis import find
    find(mutated_profiles(), lambda d: validate_profile(d) != [])
    find(extreme_valid_profiles(), lambda d: validate_profile(d) == [] and d != EXAMPLE)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=mutated_profiles(), as_of=st.sampled_from(DATES))
def test_a_file_is_checked_or_refused_never_crashes(engine, folder, data, as_of):
    path = folder / "profile.json"
    path.write_text(_to_json(data), encoding="utf-8")
    _load_and_run(engine, path, as_of)


def _load_and_run(engine: Engine, path: Path, as_of: dt.date) -> None:
    try:
        profile = load_profile(path)
    except ProfileError as exc:
        assert exc.problems
        for problem in exc.problems:             # every line can be printed, and is short
            str(problem).encode("utf-8")
            assert len(problem.path) < 400
        event("refused")
        return
    assert validate_profile(profile) == []
    _run_everything(engine, profile, as_of)
    event("checked")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=extreme_valid_profiles(), as_of=st.sampled_from(DATES))
def test_extreme_figures_within_the_bounds_are_checked(engine, folder, data, as_of):
    path = folder / "extreme.json"
    path.write_text(_to_json(data), encoding="utf-8")
    _load_and_run(engine, path, as_of)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=mutated_profiles(), as_of=st.sampled_from(DATES))
def test_data_in_memory_is_validated_or_runs(engine, data, as_of):
    """The window and the kiosk validate data that never was a file (no JSON round trip)."""
    data = _in_memory(data)
    problems = validate_profile(data)
    for problem in problems:
        str(problem).encode("utf-8")
    if not problems:
        _run_everything(engine, data, as_of)


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=mutated_profiles())
def test_the_real_command_exits_0_or_2(folder, data):
    path = folder / "command.json"
    path.write_text(_to_json(data), encoding="utf-8")
    done = subprocess.run([sys.executable, "main.py", "check", str(path), "--as-of", "2025-06-30"],
                          cwd=ROOT, capture_output=True, timeout=120)
    err = done.stderr.decode("utf-8", "replace")
    assert done.returncode in (0, 2), err
    assert "Traceback" not in err and "内部错误" not in err
