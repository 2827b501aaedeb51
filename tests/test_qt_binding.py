"""The Qt binding must not corrupt Python's reference counts (PySide6 6.12.0 did; pyproject pins)."""
from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QPushButton

from tests.refcounts import reference_change


class _Emitter(QObject):
    fired = Signal(bool)


def test_void_calls_keep_the_reference_count_of_none(qapp):
    button = QPushButton()

    def void_calls() -> None:
        for _ in range(1000):
            button.setEnabled(True)

    assert reference_change(None, void_calls) > -100


def test_emitting_a_bool_keeps_the_reference_count_of_true(qapp):
    emitter = _Emitter()

    def emits() -> None:
        for _ in range(200):         # few enough not to abort the run on a broken binding
            emitter.fired.emit(True)

    assert reference_change(True, emits) > -100
