"""Issue 18 item 1: reason texts are written when read (`Outcome.text`, `MeasureResult.reasons`),
not while checking. They must read exactly as texts written at once would, and a profile changed
after the check (the form edits its dicts in place) must not change the reasons already given."""
from __future__ import annotations

import copy
import datetime as dt
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings

from bench.bench_check import make_profile
from core.engine.context import Outcome
from core.engine.evaluate import Engine, Evaluation
from core.engine.report import to_json, to_text
from tests.engine_cases import profiles, scramble

_init = Outcome.__init__


def _written_at_once(self, *args, **kwargs) -> None:
    _init(self, *args, **kwargs)
    assert isinstance(self.text, str)       # reading it renders it, now, from the profile as it is


def eager(engine: Engine, profile: dict, as_of: dt.date) -> Evaluation:
    """The evaluation with every text written while checking (as the engine did before)."""
    with mock.patch.object(Outcome, "__init__", _written_at_once):
        ev = engine.evaluate(profile, as_of)
    for r in ev.results:
        assert isinstance(r.reasons, list)
    return ev


def texts(ev: Evaluation) -> list:
    return [(r.measure_id, r.project_id, list(r.reasons), [o.text for o in r.outcomes])
            for r in ev.results]


@pytest.fixture(scope="module")
def engine(catalog):
    return Engine(catalog.measures, catalog.documents, catalog.version)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(profiles())
def test_lazy_texts_equal_texts_written_at_once_even_after_the_profile_changes(engine, case):
    profile, as_of = case
    written = eager(engine, copy.deepcopy(profile), as_of)
    expected_texts, expected_json = texts(written), to_json(written)
    lazy = engine.evaluate(profile, as_of)
    scramble(profile)
    assert texts(lazy) == expected_texts
    assert to_json(lazy) == expected_json


def test_the_bench_profile_reads_the_same_lazily_with_every_status(engine):
    profile, as_of = make_profile(), dt.date(2025, 6, 30)
    written = eager(engine, copy.deepcopy(profile), as_of)
    lazy = engine.evaluate(profile, as_of)
    scramble(profile)
    assert {r.status for r in lazy.results} >= {"eligible", "needs_info", "ineligible"}
    assert texts(lazy) == texts(written)
    assert to_text(lazy) == to_text(written)


def test_an_ended_measures_reasons_are_written_lazily_too(engine):
    profile, as_of = make_profile(), dt.date(2031, 1, 1)
    written, lazy = eager(engine, copy.deepcopy(profile), as_of), engine.evaluate(profile, as_of)
    ended = [r for r in lazy.results if r.status == "not_in_force"]
    assert ended and all("已失效" in r.reasons[0] for r in ended)
    assert texts(lazy) == texts(written)


def test_an_outcome_writes_its_text_once_and_keeps_it():
    calls = []

    def write() -> str:
        calls.append(1)
        return "装机容量 300 千瓦，达到 300 千瓦及以上"

    outcome = Outcome("a", "装机容量", True, write)
    assert calls == []
    assert outcome.text == outcome.text == "装机容量 300 千瓦，达到 300 千瓦及以上"
    assert calls == [1]
    assert Outcome("b", "x", None, "already written").text == "already written"
