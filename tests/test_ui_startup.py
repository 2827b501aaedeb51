"""Start-up through ui.app.create_window: the window is painted first, its heavy parts are built
and the profile store is opened right after (ui.widgets.first_paint_first). Offscreen."""
from __future__ import annotations

import pytest
import shiboken6
from PySide6.QtCore import QObject
from PySide6.QtWidgets import QMessageBox, QWidget

import core.i18n as i18n
import ui.app
from ui.widgets import first_paint_first, later, run_after_first_paint


@pytest.fixture()
def started(qapp, qtbot, monkeypatch):
    """create_window as `python main.py` calls it; app-wide state it sets is put back after."""
    font, name = qapp.font(), qapp.applicationName()
    monkeypatch.setattr(i18n, "_listeners", list(i18n._listeners))   # its language listener
    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: warnings.append(a[2]))
    app, window = ui.app.create_window([])
    assert app is qapp and window is not None
    window.warnings = warnings
    yield window
    if shiboken6.isValid(window):
        window.dirty = False
        window.close()
        window.store.close()
        shiboken6.delete(window)
    for translator in list(ui.app._translators):
        qapp.removeTranslator(translator)
    ui.app._translators.clear()
    qapp.setFont(font)
    qapp.setApplicationName(name)


def helper_of(window) -> QObject:
    helper = window.findChild(QObject, "afterFirstPaint")
    assert helper is not None
    return helper


def test_the_window_is_shown_before_its_parts_are_built(started):
    window = started
    assert window.isVisible()
    assert window.form._company_editors == []            # fields: after the first paint
    assert window.results.evaluation is None              # results held until then
    assert window.evaluation is not None                  # ... but already computed
    assert not window.browser._built
    assert window.store._store is None                    # the store is not open yet


def test_after_the_first_paint_everything_is_built_and_the_store_is_open(started, qtbot):
    window = started
    with qtbot.waitSignal(helper_of(window).finished, timeout=10000):
        pass
    assert window.form._company_editors
    assert window.form.field_widget("company.name") is not None
    assert window.results.evaluation is window.evaluation
    assert window.results.tree.model().rowCount() > 0
    assert window.browser._built and window.browser.proxy.rowCount() > 0
    from core.profile_store import ProfileStore
    assert isinstance(window.store._store, ProfileStore)
    assert window.store.recent(5) == []
    assert window.warnings == []


def test_a_part_asked_for_before_the_first_paint_builds_at_once(started):
    window = started
    assert window.form.field_widget("company.name") is not None
    window.browser.show_measure("lh-glc-2024/7.1")
    assert window.browser._built
    assert window.store.drafts() == []                    # opened on first use
    assert window.store._store is not None


def test_edits_made_once_built_are_evaluated_as_before(started, qtbot):
    window = started
    with qtbot.waitSignal(helper_of(window).finished, timeout=10000):
        pass
    before = window.evaluation
    window.form.field_widget("company.name").setText("深圳市示例科技有限公司")
    assert window.dirty
    qtbot.waitUntil(lambda: window.evaluation is not before)
    assert window.results.evaluation is window.evaluation
    assert window.form.profile()["company"]["name"] == "深圳市示例科技有限公司"


def test_a_store_that_cannot_be_opened_is_reported_after_the_paint(qapp, qtbot, monkeypatch):
    from core import profile_store
    from core.profile_store import MemoryProfileStore, StoreError

    def refuse(*args, **kwargs):
        raise StoreError("newer", None, "written by a newer version", "由更新版本写入")
    monkeypatch.setattr(profile_store, "ProfileStore", refuse)
    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: warnings.append(a[2]))
    store = ui.app.DeferredProfileStore()
    assert warnings == []
    assert store.recent(5) == []                           # falls back to memory
    assert isinstance(store._store, MemoryProfileStore)
    assert len(warnings) == 1 and "由更新版本写入" in warnings[0]
    store.drafts()
    assert len(warnings) == 1                              # told once


def test_a_database_that_cannot_be_built_is_reported(qapp, monkeypatch):
    from core.measures.validate import DataError

    def broken():
        raise DataError(["lh-glc-2024.yaml:12: document.valid_to: not a real calendar date"])
    monkeypatch.setattr(ui.app, "open_in_use", broken)
    monkeypatch.setattr(i18n, "_listeners", list(i18n._listeners))
    shown = []
    monkeypatch.setattr(QMessageBox, "critical", lambda *a, **k: shown.append(a[2]))
    font = qapp.font()
    try:
        app, window = ui.app.create_window([])
    finally:
        for translator in list(ui.app._translators):
            qapp.removeTranslator(translator)
        ui.app._translators.clear()
        qapp.setFont(font)
    assert window is None
    assert len(shown) == 1 and "lh-glc-2024.yaml:12" in shown[0]


def test_later_runs_at_once_outside_a_start(qtbot):
    ran = []
    later(lambda: ran.append(1))
    assert ran == [1]


def test_queued_work_runs_after_the_first_paint_in_order(qtbot):
    widget = QWidget()
    qtbot.addWidget(widget)
    ran = []
    with first_paint_first() as queue:
        later(lambda: ran.append("a"))
        later(lambda: ran.append("b"))
    later(lambda: ran.append("now"))                       # outside: at once
    assert ran == ["now"] and len(queue) == 2
    helper = run_after_first_paint(widget, queue)
    assert ran == ["now"]
    with qtbot.waitSignal(helper.finished, timeout=5000):
        widget.show()
    assert ran == ["now", "a", "b"]


def test_queued_work_runs_even_without_a_paint(qtbot):
    widget = QWidget()                                     # never shown, so never painted
    qtbot.addWidget(widget)
    ran = []
    with first_paint_first() as queue:
        later(lambda: ran.append("a"))
    helper = run_after_first_paint(widget, queue, fallback_ms=10)
    with qtbot.waitSignal(helper.finished, timeout=5000):
        pass
    assert ran == ["a"]


@pytest.fixture()
def damaged_cache(tmp_path, monkeypatch):
    """A measures cache with bytes overwritten, in a private cache folder (issue 15 item 12)."""
    from core.measures import store
    monkeypatch.setenv("GREENMEASURES_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(store, "_IN_MEMORY", {})
    path = store.bundled_database_path()
    store.take_notice()
    data = bytearray(path.read_bytes())
    data[len(data) // 2:len(data) // 2 + 4096] = b"\xa5" * 4096
    path.write_bytes(bytes(data))


def test_a_repaired_measures_cache_is_said_in_the_status_bar(damaged_cache, started):
    assert "措施数据缓存已损坏，已按程序自带的数据重新生成" in started.statusBar().currentMessage()
    assert started.db.all_measures()
