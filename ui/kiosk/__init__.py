"""Kiosk mode for district service halls (docs/kiosk.md): the window and its pages.

The window (window.py) is put together from small modules, one per screen or concern; what other
code imports from ``ui.kiosk`` is re-exported here.
"""
from ui.kiosk.window import COUNTDOWN_SECONDS, KioskWindow

__all__ = ["COUNTDOWN_SECONDS", "KioskWindow"]
