"""Random profiles for the engine's property tests, and a way to change a profile in place.

Shared by tests/test_engine_fast_path.py, test_engine_lazy.py, test_engine_specialised.py and
test_engine_groups.py (a module of its own, so that no test module imports another)."""
from __future__ import annotations

import copy
import datetime as dt
import glob
from pathlib import Path

import yaml
from hypothesis import strategies as st

from bench.bench_check import make_profile
from core.profile import PROFILE_FORMAT

SCENARIOS = Path(__file__).parent / "scenarios"


def _pools() -> tuple[list[dict], list[dict]]:
    """Companies and projects from the benchmark profile and every scenario."""
    bench = make_profile()
    companies, projects = [bench["company"]], list(bench["projects"])
    for path in sorted(glob.glob(str(SCENARIOS / "*.yaml"))):
        for scenario in yaml.safe_load(Path(path).read_text(encoding="utf-8")).get("scenarios") or []:
            profile = scenario.get("profile") or {}
            companies.append(profile.get("company") or {})
            projects.extend(profile.get("projects") or [])
    return companies, projects


COMPANIES, PROJECTS = _pools()
DATES = [dt.date(2023, 6, 30), dt.date(2024, 12, 31), dt.date(2025, 6, 30), dt.date(2026, 12, 3)]


@st.composite
def profiles(draw) -> tuple[dict, dt.date]:
    company = copy.deepcopy(draw(st.sampled_from(COMPANIES)))
    for key in draw(st.lists(st.sampled_from(sorted(company) or ["name"]), max_size=4)):
        company.pop(key, None)            # a company that left some facts out
    projects = []
    for k, project in enumerate(draw(st.lists(st.sampled_from(PROJECTS), max_size=8))):
        project = copy.deepcopy(project)
        # Usually distinct ids; sometimes a repeated one (one subject, the general path).
        project["id"] = draw(st.sampled_from([f"q{k}", f"q{k}", f"q{k}", "q0"]))
        projects.append(project)
    return ({"format": PROFILE_FORMAT, "company": company, "projects": projects},
            draw(st.sampled_from(DATES)))


def scramble(node) -> None:
    """Change every value of a profile in place (as a form being edited would)."""
    items = node.items() if isinstance(node, dict) else enumerate(node)
    for key, value in list(items):
        if isinstance(value, (dict, list)):
            scramble(value)
        elif isinstance(value, bool):
            node[key] = not value
        elif isinstance(value, (int, float)):
            node[key] = value * 7 + 3
        elif isinstance(value, str):
            node[key] = value + "X"
    if isinstance(node, list):
        node.append({"year": 1999, "measure": "x", "level": "national"})
