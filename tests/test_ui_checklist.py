"""The checklist in the window: choose measures, preview, export, print (Qt and a real CUPS queue)."""
from __future__ import annotations

import copy
import shutil
import subprocess
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QMessageBox

from core.engine.evaluate import Engine
from core.printing import PrintError
from tests.test_checklist import AS_OF, PROFILE
from ui import printing
from ui.checklist_dialog import ChecklistPanel
from ui.tasks import wait_idle

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils missing")


@pytest.fixture(scope="module")
def evaluation(catalog):
    return Engine(catalog.measures, catalog.documents, catalog.version).evaluate(PROFILE, AS_OF)


@pytest.fixture()
def warnings(monkeypatch):
    """QMessageBox.warning calls, recorded instead of shown."""
    seen = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *a: seen.append((title, text)))
    return seen


@pytest.fixture()
def panel(qtbot, evaluation):
    widget = ChecklistPanel()
    qtbot.addWidget(widget)
    widget.resize(1000, 700)
    widget.show()
    widget.set_evaluation(evaluation, copy.deepcopy(PROFILE))
    ready(qtbot, widget)
    yield widget
    wait_idle()


def ready(qtbot, widget):
    qtbot.waitUntil(lambda: widget.rendered is not None and not widget.is_busy(), timeout=20000)


def text_of(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "read.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout.replace("\n", "")


def pdf_pages(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(next(line for line in info.splitlines() if line.startswith("Pages:")).split()[1])


def test_the_plan_is_ticked_and_previewed(panel, evaluation):
    planned = [(i.measure_id, i.project_id) for i in evaluation.plan.selected]
    assert panel.selection() == [k for k in panel.selection() if k in planned]
    assert sorted(panel.selection(), key=str) == sorted(planned, key=str)
    assert len(panel.preview.labels) == panel.rendered.pages >= 2
    assert all(not label.pixmap().isNull() for label in panel.preview.labels)
    assert panel.export_button.isEnabled() and panel.print_button.isEnabled()
    assert "页" in panel.status.text()


@needs_poppler
def test_unticking_rebuilds_with_fewer_measures(qtbot, panel, tmp_path):
    keep = panel.selection()[0]
    for i in range(panel.choices.count()):
        item = panel.choices.item(i)
        if item.data(Qt.ItemDataRole.UserRole + 1) != keep:
            item.setCheckState(Qt.CheckState.Unchecked)
    ready(qtbot, panel)
    assert panel.selection() == [keep]
    text = text_of(panel.rendered.pdf, tmp_path)
    assert "用户勾选的措施" in text
    assert text.count("1. ") >= 1 and "2. " not in text.split("二、分项材料清单")[1].split("三、")[0]
    panel.plan_button.click()
    ready(qtbot, panel)
    assert "推荐组合中的措施" in text_of(panel.rendered.pdf, tmp_path)


@needs_poppler
def test_the_script_of_the_checklist_is_chosen_apart_from_the_ui(qtbot, panel, tmp_path):
    panel.language.setCurrentIndex(panel.language.findData("zh-Hant-TW"))
    ready(qtbot, panel)
    text = text_of(panel.rendered.pdf, tmp_path)
    assert "申請材料清單" in text and "說明" in text
    assert PROFILE["company"]["name"] in text          # typed, never converted


def test_export_writes_the_pdf_atomically(qtbot, panel, tmp_path):
    target = tmp_path / "out.pdf"
    panel.export_to(target)
    qtbot.waitUntil(lambda: not panel.is_busy(), timeout=10000)
    assert target.read_bytes() == panel.rendered.pdf
    assert str(target) in panel.status.text()
    assert [p.name for p in tmp_path.iterdir()] == ["out.pdf"]


def test_export_to_a_missing_folder_says_why(qtbot, panel, tmp_path, warnings):
    target = tmp_path / "missing" / "out.pdf"
    panel.export_to(target)
    qtbot.waitUntil(lambda: not panel.is_busy(), timeout=10000)
    assert not target.exists()
    assert warnings and "无法写入" in warnings[0][1] and str(target) in warnings[0][1]


def test_print_dialog_choosing_a_pdf_file_writes_our_pdf(qtbot, panel, tmp_path):
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    panel.print_to(printer)
    qtbot.waitUntil(lambda: not panel.is_busy(), timeout=10000)
    assert (tmp_path / "printed.pdf").read_bytes() == panel.rendered.pdf   # vector, not re-drawn


@needs_poppler
def test_the_qt_print_path_paints_every_page(panel, tmp_path):
    """Windows prints through QPrinter: each page rasterised and painted (here into Qt's PDF)."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "raster.pdf"))
    progress = []
    painted = printing.paint_pdf(printer, panel.rendered.pdf, progress=lambda d, t: progress.append((d, t)))
    assert painted == panel.rendered.pages
    assert pdf_pages(tmp_path / "raster.pdf") == panel.rendered.pages
    assert progress[-1] == (painted, painted)
    printer2 = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer2.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer2.setOutputFileName(str(tmp_path / "two.pdf"))
    assert printing.paint_pdf(printer2, panel.rendered.pdf, page_ranges="2-3") == 2
    assert pdf_pages(tmp_path / "two.pdf") == 2


def test_qt_refuses_a_printer_that_does_not_exist(qapp):
    with pytest.raises(PrintError) as exc:
        printing.qt_printer("没有这台打印机")
    assert exc.value.kind == "unknown_printer"
    assert "没有这台打印机" in exc.value.message_zh


def test_page_numbers():
    assert printing.page_numbers(None, 3) == [1, 2, 3]
    assert printing.page_numbers("2-3", 5) == [2, 3]
    assert printing.page_numbers("1,4-9", 5) == [1, 4, 5]
    with pytest.raises(PrintError):
        printing.page_numbers("3-1", 5)


def test_direct_print_to_an_unknown_printer_is_refused(qtbot, panel, warnings):
    panel.print_direct("no-such-printer-here")
    qtbot.waitUntil(lambda: not panel.is_busy(), timeout=20000)
    assert len(warnings) == 1
    title, text = warnings[0]
    assert title == "无法打印"
    assert "no-such-printer-here" in text or "打印系统" in text


def test_clear_forgets_everything(panel):
    panel.clear()
    assert panel.rendered is None and panel.evaluation is None and panel.profile is None
    assert panel.choices.count() == 0 and panel.preview.labels == [] and panel.preview.images == []
    assert not panel.export_button.isEnabled()


# -- a real print system ---------------------------------------------------------------------------

@needs_poppler
def test_direct_print_reaches_a_real_cups_queue(qtbot, panel, cups_server, warnings):
    panel.fill_printers()
    assert panel.printer.findData("gm-test") >= 0
    out = cups_server.fresh_output("gm-test")
    printed = []
    panel.printed.connect(printed.append)
    panel.print_direct("gm-test")
    qtbot.waitUntil(lambda: not panel.is_busy(), timeout=30000)
    assert warnings == [] and printed == ["gm-test"]
    from core import printing as cups
    assert panel.last_job in panel.status.text()
    assert cups.wait_for_job(panel.last_job, timeout=30) == "completed", cups_server.error_log()
    assert out.stat().st_size > 0
    arrived = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True,
                             check=True).stdout.replace("\n", "")
    assert "申请材料清单" in arrived and PROFILE["company"]["name"] in arrived


def test_a_stopped_queue_is_reported_not_printed(qtbot, panel, cups_server, warnings):
    panel.fill_printers()
    panel.print_direct("gm-stopped")
    qtbot.waitUntil(lambda: not panel.is_busy(), timeout=30000)
    assert len(warnings) == 1 and "gm-stopped" in warnings[0][1] and "暂停" in warnings[0][1]


def test_a_newer_request_replaces_an_older_one(qtbot, panel):
    panel.language.setCurrentIndex(panel.language.findData("zh-Hant"))
    panel.refresh(now=True)
    panel.refresh(now=True)                 # cancels the one before
    ready(qtbot, panel)
    assert not panel.is_busy() and not panel.progress.isVisible()


@needs_poppler
def test_print_dialog_choosing_a_printer_sends_the_chosen_pages(qtbot, panel, cups_server, warnings):
    from PySide6.QtPrintSupport import QPrinterInfo
    info = QPrinterInfo.printerInfo("gm-test")
    assert not info.isNull()
    printer = QPrinter(info, QPrinter.PrinterMode.HighResolution)
    printer.setPrintRange(QPrinter.PrintRange.PageRange)
    printer.setFromTo(2, 3)
    out = cups_server.fresh_output("gm-test")
    panel.print_to(printer)
    qtbot.waitUntil(lambda: not panel.is_busy(), timeout=30000)
    assert warnings == []
    from core import printing as cups
    assert panel.last_job in panel.status.text()
    assert cups.wait_for_job(panel.last_job, timeout=30) == "completed", cups_server.error_log()
    assert pdf_pages(out) == 2
    arrived = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True,
                             check=True).stdout
    arrived = arrived.replace(" ", "")          # pdftotext may drop the thin gaps around numbers
    assert "第2页/共" in arrived and "第1页/共" not in arrived
