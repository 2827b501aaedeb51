"""The one helper for long work off the UI thread (PDF building, page rendering, printing).

Picard's rule holds here: a worker never touches a widget. `run_task(work, done)` runs
``work(progress)`` on a worker thread and calls ``done(result, error)`` back on the UI thread;
``progress(done, total)`` may be called from the worker to drive a progress bar (the calls are
delivered on the UI thread too). A task whose handle was cancelled (its dialog closed) delivers
nothing.

All tasks share one worker thread, in submission order: PDFium and reportlab are not meant to be
used from several threads at once, and these jobs take a fraction of a second each, so a queue is
simpler and as fast as a pool.
"""
from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

log = logging.getLogger(__name__)

_pool: QThreadPool | None = None
_running: set[TaskHandle] = set()     # keeps relays alive until they have delivered


def pool() -> QThreadPool:
    global _pool
    if _pool is None:
        _pool = QThreadPool()
        _pool.setMaxThreadCount(1)
        _pool.setObjectName("greenmeasures-worker")
    return _pool


class TaskHandle(QObject):
    """Lives on the UI thread; the worker only emits its signals (queued across threads)."""

    _finished = Signal(object, object)
    _progressed = Signal(int, int)

    def __init__(self, done: Callable[[Any, BaseException | None], None],
                 progress: Callable[[int, int], None] | None):
        super().__init__()
        self.cancelled = False
        self.finished = False
        self._done = done
        self._progress = progress
        self._finished.connect(self._deliver)
        self._progressed.connect(self._report)

    def cancel(self) -> None:
        """Drop the result (the work itself runs to its end: none of it is harmful)."""
        self.cancelled = True

    @Slot(object, object)
    def _deliver(self, result, error) -> None:
        self.finished = True
        _running.discard(self)
        if not self.cancelled:
            self._done(result, error)

    @Slot(int, int)
    def _report(self, done: int, total: int) -> None:
        if not self.cancelled and self._progress is not None:
            self._progress(done, total)


class _Job(QRunnable):
    def __init__(self, work: Callable, handle: TaskHandle):
        super().__init__()
        self.work = work
        self.handle = handle

    def run(self) -> None:
        try:
            result = self.work(self.handle._progressed.emit)
        except Exception as exc:      # delivered to `done`, which tells the user
            log.error("background task failed:\n%s", traceback.format_exc())
            self.handle._finished.emit(None, exc)
        else:
            self.handle._finished.emit(result, None)


def run_task(work: Callable[[Callable[[int, int], None]], Any],
             done: Callable[[Any, BaseException | None], None],
             progress: Callable[[int, int], None] | None = None) -> TaskHandle:
    """Run ``work(progress)`` on the worker thread; ``done(result, error)`` on the UI thread."""
    handle = TaskHandle(done, progress)
    _running.add(handle)
    pool().start(_Job(work, handle))
    return handle


def wait_idle(msecs: int = 30000) -> bool:
    """Block until the worker is idle (tests and shutdown); True when it is."""
    return pool().waitForDone(msecs)
