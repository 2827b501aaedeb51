"""Widgets follow the UI language: one helper, so every widget unregisters the same way."""
from __future__ import annotations

import weakref
from collections.abc import Callable

import shiboken6
from PySide6.QtCore import QObject

from core.i18n import on_language_changed, remove_language_listener


def follow_language(obj: QObject, retranslate: Callable[[], object]) -> None:
    """Call `retranslate()` (a method of obj) after each language switch, for as long as obj lives.

    The listener holds obj weakly and drops itself once the C++ object is deleted, so a closed
    window is never asked to re-translate (with, say, its database already closed).
    """
    owner = weakref.ref(obj)
    method = retranslate.__func__ if hasattr(retranslate, "__func__") else None

    def listener(_code: str) -> None:
        target = owner()
        if target is None or not shiboken6.isValid(target):
            remove_language_listener(listener)
            return
        if method is not None:
            method(target)
        else:
            retranslate()

    on_language_changed(listener)
    obj.destroyed.connect(lambda *_args: remove_language_listener(listener))
