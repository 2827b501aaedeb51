"""The one session under both windows (ui/session.py): signals, the debounce, the as-of date and
switching databases."""
from __future__ import annotations

import datetime as dt

import pytest

from core.measures.store import MeasuresDB, bundled_database_path
from ui.session import Session, empty_profile

LUOHU = {"format": "greenmeasures.profile/1",
         "company": {"name": "罗湖新能源有限公司", "district": "luohu", "entity_type": "enterprise"},
         "projects": []}


@pytest.fixture()
def db():
    return MeasuresDB(bundled_database_path())


@pytest.fixture()
def session(qapp, db):
    made = Session(db, lambda: LUOHU, delay_ms=30)
    yield made
    made.stop()
    made.db.close()


def recorder(signal) -> list:
    seen: list = []
    signal.connect(lambda *args: seen.append(args[0] if args else None))
    return seen


def test_evaluate_emits_the_evaluation_of_the_profile_as_of_the_date(session):
    seen = recorder(session.evaluated)
    evaluation = session.evaluate()
    assert evaluation is session.evaluation and seen == [evaluation]
    assert evaluation.as_of == dt.date.today() and evaluation.database_version == session.db.version


def test_edits_are_debounced_into_one_evaluation(qtbot, session):
    seen = recorder(session.evaluated)
    for _edit in range(5):
        session.schedule()
    assert seen == [] and session.timer.isActive()
    qtbot.waitUntil(lambda: len(seen) == 1, timeout=2000)
    qtbot.wait(100)                       # nothing more follows
    assert len(seen) == 1 and not session.timer.isActive()


def test_evaluating_now_cancels_the_pending_one(qtbot, session):
    seen = recorder(session.evaluated)
    session.schedule()
    session.evaluate()
    qtbot.wait(100)
    assert len(seen) == 1


def test_a_new_as_of_date_is_announced_then_evaluated(session):
    order: list[str] = []
    session.asOfChanged.connect(lambda date: order.append(f"date {date}"))
    session.evaluated.connect(lambda ev: order.append(f"evaluated {ev.as_of}"))
    session.set_as_of(dt.date(2025, 6, 30))
    assert order == ["date 2025-06-30", "evaluated 2025-06-30"]
    assert session.evaluation.as_of == dt.date(2025, 6, 30)
    session.set_as_of(dt.date(2025, 6, 30))          # the same date: nothing to do
    assert len(order) == 2


def test_switching_the_database_rebuilds_evaluates_and_closes_the_old_one(session, monkeypatch):
    old = session.db
    closed: list[MeasuresDB] = []
    monkeypatch.setattr(old, "close", lambda: closed.append(old))
    new = MeasuresDB(bundled_database_path())
    order: list[str] = []
    session.databaseChanged.connect(lambda db: order.append("changed" if db is new else "wrong db"))
    session.evaluated.connect(lambda ev: order.append("evaluated"))
    session.set_database(new)
    assert order == ["changed", "evaluated"]            # the views rebuild first, then the results
    assert session.db is new and session.engine.version == new.version
    assert closed == [old]                              # the old connection is closed, once


def test_switching_to_the_same_database_does_not_close_it(session, monkeypatch):
    closed: list[bool] = []
    monkeypatch.setattr(session.db, "close", lambda: closed.append(True))
    session.set_database(session.db)
    assert closed == []


def test_an_engine_failure_is_logged_and_reported_not_raised(session, monkeypatch, caplog):
    failed = recorder(session.failed)
    evaluated = recorder(session.evaluated)
    session.evaluate()

    def broken(*_args, **_kwargs):
        raise ArithmeticError("decimal.InvalidOperation")
    monkeypatch.setattr(session.engine, "evaluate", broken)
    assert session.evaluate() is None
    assert session.evaluation is None and failed == [None] and len(evaluated) == 1
    assert "evaluation failed" in caplog.text and "ArithmeticError" in caplog.text


def test_forget_drops_the_evaluation_the_date_and_a_pending_evaluation(qtbot, session):
    seen = recorder(session.evaluated)
    session.set_as_of(dt.date(2024, 1, 1))
    session.schedule()
    session.forget()
    qtbot.wait(100)
    assert len(seen) == 1 and session.evaluation is None and session.as_of == dt.date.today()


def test_the_profile_source_can_be_replaced(session):
    session.set_profile_source(empty_profile)
    assert session.profile() == empty_profile()
    assert session.evaluate().as_of == session.as_of
