"""Work that waits for the window's first paint: ``first_paint_first``, ``later``,
``run_after_first_paint`` (re-exported by ui.widgets), and ``BuildInSteps``, a widget built in
steps that can be finished at once.

Kept apart from ui.widgets (the form's field widgets) so that the window's frame, which is made
and painted before anything else, does not import those.
"""
from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QWidget

# -- work that waits for the window's first paint -------------------------------------------------
#
# ui.app.create_window builds the main window inside ``first_paint_first()``. While that is
# active, the heavy parts of the window (the form's fields, the results, the measure browser) pass
# their building to ``later()`` instead of doing it at once, and ``run_after_first_paint()`` runs
# it in the event-loop turns right after the first paint: the window appears in about a quarter
# of the time, and fills in a few tenths of a second later. Anywhere else (tests, tools) ``later``
# calls at once. A widget whose building is still queued builds on first use (``ensure_built``),
# so nothing depends on the queue having run.

_queue: list | None = None


class first_paint_first:
    """Context manager: ``later(fn)`` queues ``fn`` instead of calling it; yields the queue."""

    def __enter__(self) -> list:
        global _queue
        self._outer, _queue = _queue, []
        return _queue

    def __exit__(self, *exc) -> None:
        global _queue
        _queue = self._outer


def later(fn) -> None:
    """Call ``fn()`` now, or, inside ``first_paint_first()``, after the window's first paint.

    ``fn`` may be a generator function, for work too long for one event-loop turn: after the
    first paint each of its steps (up to a ``yield``) runs in a turn of its own; called at once,
    all its steps run at once."""
    if _queue is None:
        run_steps(fn())
    else:
        _queue.append(fn)


def run_steps(result) -> None:
    """Run what is left of a generator of steps (anything else is a finished result)."""
    if isinstance(result, Iterator):
        for _step in result:
            pass


class BuildInSteps:
    """A widget's building in steps, the one way the main window and the form do it.

    ``start(steps)`` gives it a generator (each ``yield`` ends a step), superseding whatever is
    left of an earlier one. ``turns`` is what ``later()`` runs: one step per event-loop turn after
    the first paint (all at once outside a start). ``finish()`` runs what is left at once, for
    whoever needs the widget complete before its turns are done; called from inside a step (the
    build itself asking), it does nothing, as that build is under way. The turns queued earlier
    then find nothing left, or go on with the newer build; nothing is made twice.
    """

    def __init__(self, steps: Iterator | None = None):
        self._steps: Iterator | None = steps
        self._running = False

    @property
    def pending(self) -> bool:
        """Steps are left."""
        return self._steps is not None

    @property
    def running(self) -> bool:
        """A step is running now (the caller is inside it)."""
        return self._running

    def start(self, steps: Iterator) -> None:
        """Build with ``steps`` from now on; what was left of the earlier build is dropped."""
        self._steps = steps

    def turns(self) -> Iterator[None]:
        """The steps left, one per ``next()``, until none is left (``finish`` may have run them,
        or ``start`` replaced them, meanwhile)."""
        while (steps := self._steps) is not None:
            running, self._running = self._running, True
            try:
                step = next(steps, _DONE)
            finally:
                self._running = running
            if step is _DONE:
                if self._steps is steps:
                    self._steps = None
            else:
                yield

    def finish(self) -> None:
        """Run the steps left at once (not from inside a step: see the class)."""
        if not self._running:
            run_steps(self.turns())

    def run(self, steps: Iterator) -> None:
        """Supersede what is left and run ``steps`` at once (a full rebuild, e.g. another profile
        shown), even from inside a step."""
        self.start(steps)
        run_steps(self.turns())


class _FirstPaint(QObject):
    finished = Signal()          # the queue has run (bench/bench_startup.py and the tests wait)

    def __init__(self, window: QWidget, queue: list, fallback_ms: int, warm_up: Callable[[], object] | None):
        super().__init__(window)
        self.setObjectName("afterFirstPaint")
        self.queue = queue
        self.steps: Iterator | None = None      # the generator whose steps are running
        self.step_count = 0                     # generator steps run (tests)
        self.warm_up = warm_up
        self.warmer: threading.Thread | None = None
        self.started = False
        window.installEventFilter(self)
        # A window that is never painted (started minimised) still gets its parts built.
        QTimer.singleShot(fallback_ms, self, self._start)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.Paint and not self.started:
            # Runs in a later turn of the event loop, once this paint is on the screen.
            QTimer.singleShot(0, self, self._start)
        return False

    def _start(self) -> None:
        if self.started:
            return
        self.started = True
        self.parent().removeEventFilter(self)
        if self.warm_up is not None:
            self.warmer = threading.Thread(target=_quietly, args=(self.warm_up,),
                                           name="startup-warm-up", daemon=True)
            self.warmer.start()
        self._next()

    def _next(self) -> None:
        # The queued work would wait for the warm-up's imports on their import locks, with the
        # event loop stopped: it starts when the warm-up is done, the loop turning meanwhile.
        if self.warmer is not None and self.warmer.is_alive():
            QTimer.singleShot(WARM_UP_POLL_MS, self, self._next)
            return
        # One piece per turn, so that what is built is painted and input is handled in between;
        # a generator's steps one per turn (later()).
        if self.steps is None and self.queue:
            result = self.queue.pop(0)()
            self.steps = result if isinstance(result, Iterator) else None
        if self.steps is not None:
            self.step_count += 1
            if next(self.steps, _DONE) is _DONE:
                self.steps = None
        if self.queue or self.steps is not None:
            QTimer.singleShot(0, self, self._next)
        else:
            self.finished.emit()


WARM_UP_POLL_MS = 5
_DONE = object()


def _quietly(warm_up: Callable[[], object]) -> None:
    # A warm-up is an optimisation: what fails here fails again when the UI thread does the
    # same work, where that error is handled and shown.
    with contextlib.suppress(Exception):
        warm_up()


def run_after_first_paint(window: QWidget, queue: list, fallback_ms: int = 1000,
                          warm_up: Callable[[], object] | None = None) -> QObject:
    """Run the queued work one piece per event-loop turn once ``window`` has painted (or after
    ``fallback_ms`` if it is not painted by then). ``warm_up`` runs first, on a worker thread:
    the imports and caches the queued work needs, touching no widget, so that the event loop is
    not stopped for them (jsonschema, Babel's locale data, sqlite-utils and numpy are tenths of
    a second on an idle machine). Returns the helper, a child of ``window`` named
    ``afterFirstPaint``, whose ``finished`` signal says when all of it has run."""
    return _FirstPaint(window, queue, fallback_ms, warm_up)
