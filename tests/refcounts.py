"""Counting what a loop does to an object's reference count, with the collector kept out.

A collection that frees an earlier test's garbage in the middle of the loop drops references to
None and True too (10,791 once, in a full run) without any Qt call: the count is taken after a
collection, with the collector off.
"""
from __future__ import annotations

import gc
import sys
from collections.abc import Callable


def reference_change(obj: object, loop: Callable[[], object]) -> int:
    """How much ``loop()`` changed ``sys.getrefcount(obj)`` (negative: references were dropped)."""
    gc.collect()
    gc.disable()
    try:
        before = sys.getrefcount(obj)
        loop()
        return sys.getrefcount(obj) - before
    finally:
        gc.enable()
