"""A modal dialog would block an offscreen test run: tests refuse them unless they replace one."""
from __future__ import annotations

from PySide6.QtWidgets import QFileDialog, QMessageBox


def refuse_modal_dialogs(monkeypatch, file_dialogs: tuple[str, ...] = ()) -> None:
    """Every QMessageBox, and, when modules that open files are named (``"ui.main_window"``), the
    QFileDialog static functions raise AssertionError naming the dialog. (Patched on the class,
    which every module shares: ui.main_window imports it only where a file is chosen.)"""
    def refuse(*args, **kwargs):
        raise AssertionError(f"unexpected dialog: {args[1:3]}")
    for name in ("question", "warning", "critical", "information"):
        monkeypatch.setattr(QMessageBox, name, refuse)
    monkeypatch.setattr(QMessageBox, "exec", refuse)
    if file_dialogs:
        monkeypatch.setattr(QFileDialog, "getOpenFileName", refuse)
        monkeypatch.setattr(QFileDialog, "getSaveFileName", refuse)


def close_main_window(window, store=None) -> None:
    """Close a test's MainWindow without the unsaved-changes question, delete it (so no language
    listener outlives it), close its profile store, and go back to Simplified."""
    import shiboken6

    from core.i18n import set_language
    if shiboken6.isValid(window):
        window.form.changed.disconnect()
        window.dirty = False
        window.close()
        shiboken6.delete(window)
    if store is not None:
        store.close()
    set_language("zh-Hans")
