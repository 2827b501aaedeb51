"""The client book (客户台账, issue 19) driven offscreen: lists, sorts, filters, opens, re-checks,
cancels, exports, and shows what a measures update changed per client."""
from __future__ import annotations

import copy
import datetime as dt
import json
import threading

import openpyxl
import pytest
import shiboken6
from PySide6.QtCore import QDate, Qt

from core.engine.evaluate import Engine
from core.i18n import set_language
from core.profile_store import MemoryProfileStore
from core.settings import Settings
from tests.dialogs import refuse_modal_dialogs
from tests.test_cli_check import CONTRACT_PROFILE
from ui import tasks
from ui.client_book import (
    COL_CHANGES,
    COL_ELIGIBLE,
    COL_EXPIRING,
    COL_NAME,
    COL_TOTAL,
    ClientBook,
)

NAMES = ["深圳市甲公司", "深圳市乙公司", "深圳市丙公司"]


@pytest.fixture(autouse=True)
def no_unexpected_dialogs(monkeypatch):
    refuse_modal_dialogs(monkeypatch, ("ui.client_book",))


def profile(name: str, capacity: int) -> dict:
    p = copy.deepcopy(CONTRACT_PROFILE)
    p["company"]["name"] = name
    p["projects"][0]["capacity_kw"] = capacity
    return p


@pytest.fixture()
def clients(tmp_path):
    folder = tmp_path / "clients"
    folder.mkdir()
    for i, (name, capacity) in enumerate(zip(NAMES, (800, 200, 1500), strict=True)):
        (folder / f"c{i}.json").write_text(json.dumps(profile(name, capacity), ensure_ascii=False),
                                           encoding="utf-8")
    (folder / "bad.json").write_text("{oops", encoding="utf-8")
    return folder


@pytest.fixture()
def engine(bundled_db):
    return Engine.for_database(bundled_db)


@pytest.fixture()
def book(qtbot, engine, tmp_path):
    settings = Settings(tmp_path / "settings.json")
    store = MemoryProfileStore()
    b = ClientBook(engine, settings, store, dt.date(2025, 10, 2))
    qtbot.addWidget(b)
    b.show()
    yield b
    tasks.wait_idle()
    store.close()
    set_language("zh-Hans")


def texts(book, column):
    return [book.proxy.index(r, column).data() for r in range(book.proxy.rowCount())]


def start_and_wait(qtbot, book, action):
    with qtbot.waitSignal(book.checked, timeout=30000):
        action()


def test_lists_folder_and_recent_files_with_unreadable_rows(qtbot, book, clients, tmp_path):
    extra = tmp_path / "elsewhere.json"
    extra.write_text(json.dumps(profile("深圳市丁公司", 800), ensure_ascii=False), encoding="utf-8")
    book.store.add_recent(extra, "深圳市丁公司")
    start_and_wait(qtbot, book, lambda: book.add_folder(str(clients)))
    names = texts(book, COL_NAME)
    assert sorted(names) == sorted(NAMES + ["深圳市丁公司", "bad.json"])
    assert texts(book, COL_ELIGIBLE)[names.index("bad.json")] == "未能读取"
    assert str(clients) in book.settings.get("client_folders")
    assert Settings(book.settings.path).get("client_folders") == str(clients)    # remembered on disk
    assert "1 个档案未能读取" in book.status.text()


def test_sorts_by_number_and_filters(qtbot, book, clients):
    start_and_wait(qtbot, book, lambda: book.add_folder(str(clients)))
    book.table.sortByColumn(COL_TOTAL, Qt.SortOrder.DescendingOrder)
    totals = [book.proxy.index(r, COL_TOTAL).data(Qt.ItemDataRole.UserRole + 1)
              for r in range(book.proxy.rowCount())]
    known = [t for t in totals if t is not None]
    assert known == sorted(known, reverse=True) and len(set(known)) > 1
    assert totals[-1] is None                           # the unreadable row last
    book.filter_edit.setText("乙")
    assert texts(book, COL_NAME) == ["深圳市乙公司"]
    book.filter_edit.setText("")
    assert book.proxy.rowCount() == 4


def test_one_click_on_the_name_opens_the_company(qtbot, book, clients):
    start_and_wait(qtbot, book, lambda: book.add_folder(str(clients)))
    row = texts(book, COL_NAME).index("深圳市丙公司")
    rect = book.table.visualRect(book.proxy.index(row, COL_NAME))
    with qtbot.waitSignal(book.openRequested) as signal:
        qtbot.mouseClick(book.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert signal.args == [str(clients / "c2.json")]


def test_changing_the_as_of_date_checks_again(qtbot, book, clients):
    start_and_wait(qtbot, book, lambda: book.add_folder(str(clients)))
    row = texts(book, COL_NAME).index("深圳市甲公司")
    assert book.proxy.index(row, COL_EXPIRING).data()          # 2025-12-31 is 90 days away
    start_and_wait(qtbot, book, lambda: book.as_of_edit.setDate(QDate(2025, 10, 1)))
    assert book.batch.as_of == dt.date(2025, 10, 1)
    row = texts(book, COL_NAME).index("深圳市甲公司")
    assert not book.proxy.index(row, COL_EXPIRING).data()      # 91 days: not yet


def test_cancel_keeps_what_was_checked_and_says_so(qtbot, book, clients):
    gate = threading.Event()
    tasks.run_task(lambda _p: gate.wait(10), lambda *_a: None)     # holds the worker
    book.settings.set("client_folders", str(clients))
    book.recheck()
    assert book.running and book.cancel_button.isVisible()
    book.cancel()
    with qtbot.waitSignal(book.checked, timeout=30000):
        gate.set()
    assert book.batch.cancelled and book.batch.companies == []
    assert "检查已取消" in book.status.text()
    assert not book.cancel_button.isVisible() and book.recheck_button.isEnabled()


def test_a_measures_update_shows_what_changed_per_client(qtbot, book, clients, engine):
    start_and_wait(qtbot, book, lambda: book.add_folder(str(clients)))
    keep = [m for m in engine.measures if m["id"] != "lh-glc-2024/1"]
    newer = Engine(keep, engine.documents, "newer")
    start_and_wait(qtbot, book, lambda: book.set_engine(newer))
    rows = {r.company.name: r for r in book.model.rows if r.company is not None}
    for name in NAMES:
        changes = rows[name].changes
        assert changes is not None
        assert [c.measure_id for c in changes.changes] == ["lh-glc-2024/1"]
    row = texts(book, COL_NAME).index("深圳市甲公司")
    assert book.proxy.index(row, COL_CHANGES).data() == "1 项变化"
    tip = book.proxy.index(row, COL_CHANGES).data(Qt.ItemDataRole.ToolTipRole)
    assert "移除的措施：罗湖区十条措施 第一条" in tip


def test_export_the_book_and_one_company(qtbot, book, clients, tmp_path):
    start_and_wait(qtbot, book, lambda: book.add_folder(str(clients)))
    assert book.export(target=str(tmp_path / "all.xlsx"))
    sheets = openpyxl.load_workbook(tmp_path / "all.xlsx").sheetnames
    assert sheets[0] == "汇总" and set(NAMES) <= set(sheets) and "未能读取" in sheets
    assert book.export(str(clients / "c1.json"), target=str(tmp_path / "one.xlsx"))
    assert openpyxl.load_workbook(tmp_path / "one.xlsx").sheetnames == ["汇总", "深圳市乙公司"]


def test_follows_the_language(qtbot, book, clients):
    start_and_wait(qtbot, book, lambda: book.add_folder(str(clients)))
    set_language("zh-Hant")
    assert book.model.headerData(COL_ELIGIBLE, Qt.Orientation.Horizontal) == "可申請"
    assert "台賬" in book.windowTitle()          # OpenCC s2hk keeps 户 (Hong Kong usage)


def test_main_window_opens_the_book_and_a_company(qtbot, bundled_db, tmp_path, clients, monkeypatch):
    from ui.main_window import MainWindow
    refuse_modal_dialogs(monkeypatch, ("ui.main_window",))
    settings = Settings(tmp_path / "settings.json")
    settings.set("client_folders", str(clients))
    store = MemoryProfileStore()
    w = MainWindow(bundled_db, settings, store)
    try:
        w.client_book_action.trigger()
        qtbot.waitUntil(lambda: w.client_book.batch is not None, timeout=30000)
        assert len(w.client_book.batch.companies) == 3
        assert w.client_book.isVisible()
        w.client_book.openRequested.emit(str(clients / "c1.json"))
        assert w.path == clients / "c1.json"
        assert w.form.profile()["company"]["name"] == "深圳市乙公司"
    finally:
        tasks.wait_idle()
        w.dirty = False
        w.close()
        shiboken6.delete(w)
        store.close()
