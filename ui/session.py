"""One working session under a window: the measures data in use, its engine, the as-of date, the
profile being filled in and its evaluation.

The desktop window (ui/main_window.py) and the kiosk (ui/kiosk/) both hold one; they connect
their views to its signals instead of each keeping the database, the engine, the date, the
debounce timer and the switch of databases themselves.

- **Evaluation** is a few milliseconds and runs on the UI thread. After an edit the window calls
  ``schedule()``; the evaluation follows ``EVALUATE_DELAY_MS`` later (typing stays smooth), or at
  once with ``evaluate()`` when a step needs the answer now. The profile is read through the
  callable the window gives (its form's ``profile``), so the session holds no copy of it.
- **A failure of the engine** (its own bug, a value it cannot compute) is logged with its
  traceback and reported by ``failed``; the evaluation is then None. No traceback reaches a user
  and a kiosk visitor's input never ends the kiosk.
- **Switching the data** (after a pack is imported or rolled back): the engine is made on the new
  database, ``databaseChanged`` lets the views rebuild on it, the profile is evaluated again and
  then the old connection is closed.
"""
from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal

from core.engine.evaluate import Engine, Evaluation
from core.profile import PROFILE_FORMAT

log = logging.getLogger(__name__)

EVALUATE_DELAY_MS = 150      # typing stays smooth; results follow within a blink


def empty_profile() -> dict:
    return {"format": PROFILE_FORMAT, "company": {}, "projects": []}


class Session(QObject):
    databaseChanged = Signal(object)    # the MeasuresDB now in use (the engine is already on it)
    asOfChanged = Signal(object)        # the new as-of date (dt.date)
    evaluated = Signal(object)          # the new Evaluation
    failed = Signal()                   # the engine could not evaluate the profile (logged)

    def __init__(self, db, profile: Callable[[], dict] = empty_profile, *,
                 delay_ms: int = EVALUATE_DELAY_MS, parent: QObject | None = None):
        super().__init__(parent)
        self.db = db
        self.engine = Engine.for_database(db)
        self.as_of = dt.date.today()
        self.evaluation: Evaluation | None = None
        self._profile = profile
        self.timer = QTimer(self, singleShot=True, interval=delay_ms)
        self.timer.timeout.connect(self.evaluate)

    # -- the profile -----------------------------------------------------------------------------
    def set_profile_source(self, profile: Callable[[], dict]) -> None:
        """Where the profile is read from (the kiosk makes a new form for each visitor)."""
        self._profile = profile

    def profile(self) -> dict:
        return self._profile()

    def schedule(self) -> None:
        """Evaluate a little later (after an edit); another edit before then postpones it."""
        self.timer.start()

    def evaluate(self) -> Evaluation | None:
        """Evaluate the profile as it is now; the evaluation, or None when the engine failed."""
        self.timer.stop()
        try:
            evaluation = self.engine.evaluate(self.profile(), self.as_of)
        except Exception:       # the engine's own bug or a value it cannot compute: logged, told
            log.exception("evaluation failed")
            self.evaluation = None
            self.failed.emit()
            return None
        self.evaluation = evaluation
        self.evaluated.emit(evaluation)
        return evaluation

    # -- the date and the data -------------------------------------------------------------------
    def set_as_of(self, date: dt.date) -> None:
        """Check as of another date: the views hear of it, then the profile is evaluated again."""
        if date == self.as_of:
            return
        self.as_of = date
        self.asOfChanged.emit(date)
        self.evaluate()

    def set_database(self, db) -> None:
        """Use another measures database: the engine follows, the views rebuild on it
        (databaseChanged), the profile is evaluated again, and the old connection is closed."""
        old = self.db
        self.db = db
        self.engine = Engine.for_database(db)
        self.evaluation = None
        self.databaseChanged.emit(db)
        self.evaluate()
        if old is not db:
            old.close()

    def forget(self) -> None:
        """Back to a fresh start on the same data (the kiosk's wipe): no evaluation pending or
        kept, and today's date."""
        self.timer.stop()
        self.evaluation = None
        self.as_of = dt.date.today()

    def stop(self) -> None:
        self.timer.stop()


class SessionState:
    """The session's state under the names a window has always had (``window.db``,
    ``window.engine``, ``window.as_of``, ``window.evaluation``: tests and scripts use them). For a
    window that holds its Session as ``self.session``."""

    session: Session

    @property
    def db(self):
        return self.session.db

    @property
    def engine(self) -> Engine:
        return self.session.engine

    @property
    def as_of(self) -> dt.date:
        return self.session.as_of

    @property
    def evaluation(self) -> Evaluation | None:
        return self.session.evaluation
