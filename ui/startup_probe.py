"""A start-up probe for bench/bench_startup.py, off unless GREENMEASURES_STARTUP_PROBE names a file.

With the variable set, ``python main.py`` (and bench/bare.py, the baseline) records the wall-clock
time of its window's first paint and the time it became interactive, writes them as JSON to that
file and leaves its event loop. Nothing else in the application changes, so the benchmark times
the real process, interpreter start included, against a bare window with this same probe.

"Interactive" follows issue 18: the event loop keeps answering within 50 ms for 300 ms. A 10 ms
timer runs from the moment the window is shown; a tick more than 50 ms later than due means the
loop was blocked. Interactive is the start of the first 300 ms after the first paint in which no
tick was late (the first paint itself, when nothing blocks after it). Where the window has a
deferred-work helper (ui.widgets.run_after_first_paint), the probe also notes when it finished
("complete") and waits for it before leaving, so the process has done all its start-up work;
"settled" is then the start of the last quiet 300 ms, after which no tick was late at all (the
same as interactive when nothing stalls the loop after it first became interactive).
"""
from __future__ import annotations

import os

ENV = "GREENMEASURES_STARTUP_PROBE"
TICK_MS = 10
LATE_MS = 50
QUIET_MS = 300
GIVE_UP_MS = 60_000       # a start that never settles is reported as such, not waited on forever


def _probe_class():
    """The probe's class, made on first use: without the variable set, importing this module
    costs the application nothing (no Qt names, no JSON)."""
    import json
    import resource
    import time

    from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer

    def _rss_kb() -> int:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    class StartupProbe(QObject):
        def __init__(self, window, path: str):
            super().__init__(QCoreApplication.instance())
            self.path = path
            self.report: dict = {"late_ticks_ms": []}
            self.quiet_from: float | None = None
            self.last_tick = time.time()
            helper = window.findChild(QObject, "afterFirstPaint")
            if helper is not None:
                self.report["complete"] = None
                helper.finished.connect(self._complete)
            window.installEventFilter(self)
            self.timer = QTimer(self)
            self.timer.setTimerType(Qt.TimerType.PreciseTimer)
            self.timer.setInterval(TICK_MS)
            self.timer.timeout.connect(self._tick)
            self.timer.start()
            QTimer.singleShot(GIVE_UP_MS, self, self._finish)

        def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt API
            if event.type() == QEvent.Type.Paint and "painted" not in self.report:
                # The CPU time too (the process's, from its start): on a shared machine it varies
                # far less with the load than the wall-clock time does.
                self.report.update(painted=time.time(), paint_rss_kb=_rss_kb(),
                                   paint_cpu_s=time.process_time())
                obj.removeEventFilter(self)
            return False

        def _tick(self) -> None:
            now = time.time()
            late_ms = (now - self.last_tick) * 1000 - TICK_MS
            previous, self.last_tick = self.last_tick, now
            painted = self.report.get("painted")
            if painted is None:
                return
            if late_ms > LATE_MS:
                self.report["late_ticks_ms"].append(round(late_ms))
                self.quiet_from = now
            elif self.quiet_from is None:
                self.quiet_from = max(painted, previous)
            if now - self.quiet_from < QUIET_MS / 1000:
                return
            self.report.setdefault("interactive", self.quiet_from)
            if self.report.get("complete", True) is not None:
                # Settled: no tick was late from here on; the deferred work, if any, is done.
                self.report["settled"] = self.quiet_from
                self._finish()

        def _complete(self) -> None:
            self.report["complete"] = time.time()

        def _finish(self) -> None:
            self.timer.stop()
            self.report["peak_rss_kb"] = _rss_kb()
            with open(self.path, "w", encoding="utf-8") as out:
                json.dump(self.report, out)
            QCoreApplication.exit(0)

    return StartupProbe


def attach_if_asked(window):
    """Attach the probe to ``window`` (just shown) when the environment asks for it; the probe,
    or None."""
    path = os.environ.get(ENV)
    return _probe_class()(window, path) if path else None
