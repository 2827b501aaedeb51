"""The 数据 menu in the window: import a signed pack through the dialog, what changed for the open
company (shown, exported as PDF), refusals, rollback, the staleness bar — driven offscreen."""
from __future__ import annotations

import copy
import datetime as dt
import shutil
import subprocess

import pytest
import shiboken6
from PySide6.QtCore import QDate
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from core.engine.report import to_json
from core.i18n import set_language
from core.measures import installed as inst
from core.measures import pack as packmod
from core.measures.pack import build_pack
from core.profile_store import MemoryProfileStore
from core.settings import Settings
from tests.dialogs import refuse_modal_dialogs
from tests.packs import make_keys, next_release
from tests.test_pack import LUOHU_COMPANY, TODAY, snapshot
from tests.test_ui_kiosk import PIN, clock, enter, make_kiosk  # noqa: F401  (clock, make_kiosk: fixtures)
from ui.measures_model import ID_ROLE
from ui.tasks import wait_idle

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils missing")
NEXT = "2026.12.1"


@pytest.fixture(scope="module")
def keys():
    return make_keys()


@pytest.fixture(scope="module")
def next_pack(tmp_path_factory, keys):
    """The next release (tests/packs.py), signed with the test key, as a file."""
    base = tmp_path_factory.mktemp("ui-packs")
    sources, seeds = next_release(base / "data")
    path = base / f"measures-{NEXT}.gmpack"
    path.write_bytes(build_pack(keys[0], sources, seeds))
    return path


@pytest.fixture(autouse=True)
def trust_test_key(keys, monkeypatch):
    monkeypatch.setattr(packmod, "trusted_keys", lambda folder=None: dict(keys[1]))


@pytest.fixture(autouse=True)
def no_native_dialogs(monkeypatch):
    """Every modal or native dialog is refused unless a test replaces it."""
    refuse_modal_dialogs(monkeypatch, ("ui.measures_update", "ui.pdf_actions", "ui.main_window"))
    monkeypatch.setattr("ui.pdf_actions.QPrintDialog.exec", lambda *a: pytest.fail("unexpected print dialog"))
    yield
    # nothing modal was left behind: only our own (non-modal) dialog may still be up
    left = [w for w in QApplication.topLevelWidgets()
            if isinstance(w, QDialog) and w.isVisible() and w.objectName() != "measuresUpdate"]
    assert not left, left


@pytest.fixture()
def window(qtbot, tmp_path):
    from ui.main_window import MainWindow
    settings = Settings(tmp_path / "settings.json")
    w = MainWindow(inst.open_in_use(), settings, MemoryProfileStore())
    w.show()
    w.as_of_edit.setDate(QDate(TODAY.year, TODAY.month, TODAY.day))
    yield w
    wait_idle()
    if shiboken6.isValid(w):
        if w.measures_dialog is not None:
            w.measures_dialog.close()
        w.form.changed.disconnect()
        w.dirty = False
        db = w.db
        w.close()
        shiboken6.delete(w)
        db.close()
    set_language("zh-Hans")


def open_company(w, profile=LUOHU_COMPANY) -> None:
    w._load(copy.deepcopy(profile), None)


def choose(monkeypatch, path) -> None:
    monkeypatch.setattr("ui.measures_update.QFileDialog.getOpenFileName",
                        lambda *a, **k: (str(path), ""))


def verified(qtbot, w):
    dialog = w.measures_dialog
    qtbot.waitUntil(lambda: dialog is not None and not dialog.is_busy(), timeout=30000)
    return dialog


def import_through_dialog(qtbot, monkeypatch, w, path):
    choose(monkeypatch, path)
    w.import_action.trigger()
    dialog = verified(qtbot, w)
    assert dialog.page() == dialog.PACK and dialog.import_button.isEnabled(), dialog.message.text()
    dialog.import_button.click()
    qtbot.waitUntil(lambda: dialog.page() == dialog.CHANGES and not dialog.is_busy(), timeout=30000)
    return dialog


def test_importing_a_pack_switches_the_window_and_shows_what_changed(qtbot, monkeypatch, window, next_pack):
    open_company(window)
    before = window.evaluation
    choose(monkeypatch, next_pack)
    window.import_action.trigger()
    dialog = verified(qtbot, window)
    manifest = dialog.manifest.toPlainText()
    assert NEXT in manifest and "2026-12-01" in manifest and "已验证" in manifest
    assert "2027-12-31" in manifest and "有效期原为 2024-04-29 至 2025-12-31" in manifest   # lh-glc-2024
    assert "2026.11.21" in dialog.in_use_label.text()
    assert dialog.import_button.isEnabled() and "可以导入" in dialog.verdict.text()

    dialog.import_button.click()
    qtbot.waitUntil(lambda: dialog.page() == dialog.CHANGES and not dialog.is_busy(), timeout=30000)
    assert window.db.release.version == NEXT
    assert window.db.version == inst.installed().in_use.database_version
    assert window.engine.version == window.db.version == window.evaluation.database_version
    assert NEXT in window.status_label.text() and "2026-12-01" in window.status_label.text()
    assert window.evaluation is not before
    first = window.evaluation.result("lh-glc-2024/1", None)
    assert first.status != "not_in_force" and first.amount_max == 3000000        # 300 万元 now

    view = dialog.changes
    ids = view.measure_ids()
    assert "lh-glc-2024/1" in ids
    assert view.report.of_kind("verdict") and view.tree.topLevelItemCount() >= 1
    assert "罗湖新能源有限公司" in view.heading.text() and "2026-11-21" in view.heading.text()
    assert "推荐组合的金额上限合计" in view.summary.text() and "其余" in view.summary.text()
    assert NEXT in view.heading.text() and "2026.11.21" in view.heading.text()
    groups = [view.tree.topLevelItem(i).text(0) for i in range(view.tree.topLevelItemCount())]
    assert any(g.startswith("结论有变化") for g in groups)
    # the browser shows the new data
    window.tabs.setCurrentIndex(1)
    window.browser.show_measure("sz-sepi-2024/24b")
    assert window.browser.list.currentIndex().data(ID_ROLE) == "sz-sepi-2024/24b"
    # the window's title line and the database the form asks from follow
    assert window.form._measures is window.engine.measures


@needs_poppler
def test_export_writes_the_what_changed_pdf(qtbot, monkeypatch, window, next_pack, tmp_path):
    open_company(window)
    dialog = import_through_dialog(qtbot, monkeypatch, window, next_pack)
    view = dialog.changes
    qtbot.waitUntil(lambda: view.rendered is not None and not view.is_busy(), timeout=30000)
    assert view.export_button.isEnabled() and view.print_button.isEnabled()
    target = tmp_path / "changes.pdf"
    monkeypatch.setattr("ui.pdf_actions.QFileDialog.getSaveFileName", lambda *a, **k: (str(target), ""))
    view.export_button.click()
    qtbot.waitUntil(lambda: not view.is_busy(), timeout=30000)
    assert str(target) in view.status.text()
    text = subprocess.run(["pdftotext", str(target), "-"], capture_output=True, text=True, check=True).stdout
    assert "lh-glc-2024/1" in text and "罗湖新能源有限公司" in text and "300 万元" in text

    view.language.setCurrentIndex(view.language.findData("zh-Hant"))       # the script of the PDF
    qtbot.waitUntil(lambda: view.rendered is not None and not view.is_busy(), timeout=30000)
    view.export_to(tmp_path / "hant.pdf")
    qtbot.waitUntil(lambda: not view.is_busy(), timeout=30000)
    text = subprocess.run(["pdftotext", str(tmp_path / "hant.pdf"), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "對本單位的影響" in text and "罗湖新能源有限公司" in text           # the name as typed


def test_a_tampered_pack_is_refused_in_red_and_nothing_changes(qtbot, monkeypatch, window, next_pack,
                                                               tmp_path):
    open_company(window)
    version, evaluation = window.db.version, to_json(window.evaluation)
    data = bytearray(next_pack.read_bytes())
    data[len(data) // 2] ^= 0x01
    tampered = tmp_path / "tampered.gmpack"
    tampered.write_bytes(bytes(data))
    folder = inst.packs_dir()
    files_before = snapshot(folder)
    choose(monkeypatch, tampered)
    window.import_action.trigger()
    dialog = verified(qtbot, window)
    assert "已损坏或被改动过" in dialog.message.text()
    assert "b42318" in dialog.message.styleSheet()                       # red
    assert "Traceback" not in dialog.message.text()
    assert not dialog.import_button.isEnabled()
    assert dialog.manifest.toPlainText() == ""
    assert window.db.version == version and to_json(window.evaluation) == evaluation
    assert snapshot(folder) == files_before


def test_an_older_or_same_pack_is_shown_but_cannot_be_imported(qtbot, monkeypatch, window, next_pack):
    dialog = import_through_dialog(qtbot, monkeypatch, window, next_pack)
    choose(monkeypatch, next_pack)              # the same pack again: now in use
    dialog.choose_button.click()
    verified(qtbot, window)
    assert dialog.page() == dialog.PACK
    assert NEXT in dialog.manifest.toPlainText()                         # the manifest is shown …
    assert "无需导入" in dialog.message.text() and not dialog.import_button.isEnabled()   # … but refused


def test_no_company_open_shows_only_the_database_summary(qtbot, monkeypatch, window, next_pack):
    dialog = import_through_dialog(qtbot, monkeypatch, window, next_pack)
    view = dialog.changes
    assert "没有打开企业档案" in view.summary.text()
    assert "新增 1 条、移除 1 条措施" in view.summary.text()
    assert view.tree.isHidden() and view.export_button.isHidden() and view.print_button.isHidden()


def test_rollback_restores_the_previous_evaluation_exactly(qtbot, monkeypatch, window, next_pack):
    open_company(window)
    original = to_json(window.evaluation)
    bundled_version = window.db.version
    dialog = import_through_dialog(qtbot, monkeypatch, window, next_pack)
    assert to_json(window.evaluation) != original
    asked = []

    def answer(parent, title, text, *args):
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", answer)
    window._update_data_menu()
    assert window.rollback_action.isEnabled()
    window.rollback_action.trigger()
    qtbot.waitUntil(lambda: not dialog.is_busy() and window.db.version == bundled_version, timeout=30000)
    assert asked and "2026.11.21" in asked[0] and NEXT in asked[0] and "可再次恢复" in asked[0]
    assert to_json(window.evaluation) == original
    assert dialog.page() == dialog.CHANGES
    assert "lh-glc-2024/1" in dialog.changes.measure_ids()
    assert "2026.11.21" in window.status_label.text()


def test_rollback_with_nothing_to_restore_says_so(monkeypatch, window):
    said = []
    monkeypatch.setattr(QMessageBox, "information", lambda parent, title, text, *a: said.append(text))
    window._update_data_menu()
    assert not window.rollback_action.isEnabled()
    window.rollback_measures()
    assert said == ["没有可以恢复的上一版本措施数据。"]


def test_the_information_page_names_the_data(qtbot, monkeypatch, window, next_pack):
    dialog = import_through_dialog(qtbot, monkeypatch, window, next_pack)
    window.data_info_action.trigger()
    assert dialog.page() == dialog.INFO
    text = dialog.info.toPlainText()
    assert NEXT in text and "程序内置数据" in text and "可恢复为" in text and "措施数据未过期" in text


def test_the_staleness_bar_shows_while_the_data_is_old_and_goes_after_an_import(
        qtbot, monkeypatch, tmp_path, next_pack):
    from ui import measures_status
    from ui.main_window import MainWindow

    monkeypatch.setattr(measures_status, "today", lambda: dt.date(2028, 1, 1))
    settings = Settings(tmp_path / "settings.json")
    settings.set("stale_after_days", 400)      # bundled data (2026-11-21) is 406 days old, the pack 396
    w = MainWindow(inst.open_in_use(), settings, MemoryProfileStore())
    try:
        w.show()
        bar = w.staleness_bar
        assert bar.isVisible()
        assert "已有 406 天未更新" in bar.text.text() and "数据 → 导入措施包…" in bar.text.text()
        set_language("zh-Hant")
        assert "已有 406 天未更新" in bar.text.text() and "數據 → 導入措施包…" in bar.text.text()
        assert w.data_menu.title().startswith("數據")            # the menu the warning names
        set_language("zh-Hans")
        choose(monkeypatch, next_pack)
        bar.import_button.click()
        dialog = verified(qtbot, w)
        dialog.import_button.click()
        qtbot.waitUntil(lambda: dialog.page() == dialog.CHANGES and not dialog.is_busy(), timeout=30000)
        assert not bar.isVisible() and bar.lines == []
        dialog.close()
    finally:
        wait_idle()
        w.form.changed.disconnect()
        db = w.db
        w.close()
        shiboken6.delete(w)
        db.close()
        set_language("zh-Hans")


def test_the_staleness_bar_is_hidden_while_the_data_is_current(window):
    assert not window.staleness_bar.isVisible() and window.staleness_bar.lines == []
    assert window.data_menu.title() == "数据(&M)"


# -- the kiosk: no file dialog, packs found on drives ------------------------------------------

def test_pack_roots_skip_the_system_root(qapp):
    from pathlib import Path

    from ui.pack_places import pack_roots
    roots = pack_roots()
    assert Path("/") not in roots and all(isinstance(r, Path) for r in roots)


def test_the_kiosk_imports_a_pack_from_a_usb_stick(
        qtbot, monkeypatch, make_kiosk, next_pack, tmp_path):  # noqa: F811  the fixture imported above
    stick = tmp_path / "stick"
    (stick / "绿策通").mkdir(parents=True)
    shutil.copy(next_pack, stick / "绿策通" / next_pack.name)
    monkeypatch.setattr("ui.kiosk.data.pack_roots", lambda: [stick])
    kiosk = make_kiosk()
    old_interview, bundled = kiosk.interview, kiosk.engine.version
    kiosk.admin_button.click()
    enter(kiosk, PIN)
    assert "2026.11.21" in kiosk.admin_data.text()
    kiosk.data_button.click()
    assert kiosk.current_screen() == "data"
    assert "2026.11.21" in kiosk.data_status.text()
    qtbot.waitUntil(lambda: kiosk.pack_task is None and kiosk.packs_list.count() == 1, timeout=10000)
    kiosk.packs_list.setCurrentRow(0)
    qtbot.waitUntil(lambda: kiosk.pack_task is None and kiosk.verified is not None, timeout=30000)
    assert NEXT in kiosk.pack_info.text() and kiosk.import_pack_button.isEnabled()
    kiosk.import_pack_button.click()
    qtbot.waitUntil(lambda: kiosk.pack_task is None and kiosk.engine.version != bundled, timeout=30000)
    assert kiosk.db.release.version == NEXT and kiosk.engine.version == kiosk.db.version
    assert "已导入" in kiosk.pack_info.text() and NEXT in kiosk.data_status.text()
    # rebuilt on the new data
    assert kiosk.interview is not old_interview and kiosk.interview.measures is kiosk.measures
    kiosk.data_back_button.click()
    assert kiosk.current_screen() == "admin" and NEXT in kiosk.admin_data.text()


def test_the_kiosk_refuses_a_tampered_pack_in_the_window(
        qtbot, monkeypatch, make_kiosk, next_pack, tmp_path):  # noqa: F811  the fixture imported above
    stick = tmp_path / "stick"
    stick.mkdir()
    data = bytearray(next_pack.read_bytes())
    data[-100] ^= 0x40
    (stick / "tampered.gmpack").write_bytes(bytes(data))
    monkeypatch.setattr("ui.kiosk.data.pack_roots", lambda: [stick])
    kiosk = make_kiosk()
    version = kiosk.engine.version
    kiosk.admin_button.click()
    enter(kiosk, PIN)
    kiosk.data_button.click()
    qtbot.waitUntil(lambda: kiosk.pack_task is None and kiosk.packs_list.count() == 1, timeout=10000)
    kiosk.packs_list.setCurrentRow(0)
    qtbot.waitUntil(lambda: kiosk.pack_task is None and "损坏" in kiosk.pack_info.text(), timeout=30000)
    assert not kiosk.import_pack_button.isEnabled() and kiosk.engine.version == version
