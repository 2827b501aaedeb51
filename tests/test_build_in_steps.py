"""ui.first_paint.BuildInSteps: the one "build in steps, finish at once on demand, superseded by
a newer build" mechanism of the main window and the profile form (issue 18 item 3)."""
from __future__ import annotations

import pytest

from ui.first_paint import BuildInSteps, first_paint_first, later


def steps(log: list, name: str, n: int = 3):
    for i in range(n):
        log.append(f"{name}{i}")
        yield


def test_turns_run_one_step_per_next_and_then_nothing_is_left():
    log: list = []
    build = BuildInSteps(steps(log, "a"))
    turns = build.turns()
    assert build.pending and log == []
    next(turns)
    assert log == ["a0"]
    next(turns)
    assert log == ["a0", "a1"]
    assert list(turns) == [None]             # a2; then the end is found
    assert log == ["a0", "a1", "a2"] and not build.pending


def test_finish_runs_what_is_left_and_the_queued_turns_then_make_nothing():
    log: list = []
    build = BuildInSteps(steps(log, "a"))
    turns = build.turns()
    next(turns)
    build.finish()
    assert log == ["a0", "a1", "a2"] and not build.pending
    assert list(turns) == []                 # nothing made twice
    assert log == ["a0", "a1", "a2"]
    build.finish()                           # nothing left: nothing happens
    assert log == ["a0", "a1", "a2"]


def test_finish_inside_a_step_does_nothing_and_the_build_goes_on():
    log: list = []
    build = BuildInSteps()

    def asking():
        log.append("a0")
        build.finish()                       # the build itself needs the widget: under way
        log.append(("running", build.running))
        yield
        log.append("a1")
        yield
    build.start(asking())
    turns = build.turns()
    next(turns)
    assert log == ["a0", ("running", True)] and build.pending
    assert not build.running                 # between turns
    list(turns)
    assert log == ["a0", ("running", True), "a1"] and not build.pending


def test_a_newer_build_supersedes_the_steps_left():
    log: list = []
    build = BuildInSteps(steps(log, "old"))
    turns = build.turns()
    next(turns)
    build.start(steps(log, "new", 2))
    list(turns)                              # the queued turns go on with the newer build
    assert log == ["old0", "new0", "new1"]


def test_run_supersedes_and_builds_at_once_even_from_inside_a_step():
    log: list = []
    build = BuildInSteps()

    def outer():
        log.append("outer0")
        build.run(steps(log, "inner", 2))    # e.g. another profile shown by a step
        assert build.running                 # still inside the outer step
        yield
        log.append("outer1")                 # never reached: superseded
        yield
    build.start(outer())
    turns = build.turns()
    next(turns)
    assert log == ["outer0", "inner0", "inner1"] and not build.pending
    assert list(turns) == []
    assert log == ["outer0", "inner0", "inner1"]


def test_given_to_later_it_runs_at_once_outside_a_start_and_is_queued_inside_one():
    log: list = []
    build = BuildInSteps(steps(log, "a", 2))
    later(build.turns)
    assert log == ["a0", "a1"]
    queued = BuildInSteps(steps(log, "b", 2))
    with first_paint_first() as queue:
        later(queued.turns)
    assert queue == [queued.turns] and queued.pending
    queued.finish()
    assert log[-2:] == ["b0", "b1"]


def test_a_failing_step_leaves_the_build_not_running():
    build = BuildInSteps()

    def failing():
        yield
        raise ValueError("broken")
    build.start(failing())
    turns = build.turns()
    next(turns)
    with pytest.raises(ValueError, match="broken"):
        next(turns)
    assert not build.running
