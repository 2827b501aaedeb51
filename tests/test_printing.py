"""core.printing against a private cupsd (tests/cups_server.py), and its parsers on captured output."""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core import printing
from core.printing import PrinterInfo, PrintError

CHINESE = "绿策通打印测试：节能改造补贴"


def make_pdf(path: Path, pages: list[str]) -> Path:
    """A PDF with one line of text a page, in the bundled CJK font."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    from core.i18n import FONT_SUBFONT_INDEX, font_path

    if "GMPrintTest" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("GMPrintTest", str(font_path()), subfontIndex=FONT_SUBFONT_INDEX))
    c = canvas.Canvas(str(path))
    for text in pages:
        c.setFont("GMPrintTest", 18)
        c.drawString(72, 720, text)
        c.showPage()
    c.save()
    return path


def pages_of(pdf: Path) -> list[str]:
    """The text of each page, by pdftotext (pages end with a form feed)."""
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, check=True,
                         timeout=30).stdout.decode("utf-8")
    return [page.strip() for page in out.split("\f")[:-1]]


def lpstat_jobs() -> str:
    return subprocess.run(["lpstat", "-W", "all", "-o"], capture_output=True, text=True, timeout=10,
                          check=False, env=dict(os.environ, LC_ALL="C")).stdout


def wait_completed(cups_server, job: str) -> None:
    state = printing.wait_for_job(job, timeout=20)
    assert state == "completed", f"job {job} is {state}; cupsd's error log:\n{cups_server.error_log()}"


def print_and_wait(cups_server, pdf: Path, printer: str | None, **options) -> list[str]:
    out = cups_server.fresh_output(printer or cups_server.default)
    job = printing.submit_pdf(pdf, printer, **options)
    assert job.startswith(f"{printer or cups_server.default}-")
    wait_completed(cups_server, job)
    return pages_of(out)


@pytest.fixture()
def no_lp(monkeypatch):
    """Fails the test if any CUPS client runs."""
    def refuse(*args):
        raise AssertionError(f"ran {args}")
    monkeypatch.setattr(printing, "_run", refuse)


# -- against the private scheduler ----------------------------------------------------------------

needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils)")


@needs_pdftotext
def test_chinese_text_arrives_on_the_named_printer(cups_server, tmp_path):
    pdf = make_pdf(tmp_path / "清单.pdf", [CHINESE])
    assert print_and_wait(cups_server, pdf, "gm-test", title="申请清单") == [CHINESE]


@needs_pdftotext
def test_pdf_bytes_in_memory_arrive_too(cups_server, tmp_path):
    data = make_pdf(tmp_path / "mem.pdf", ["内存中的清单"]).read_bytes()
    cups_server.fresh_output("gm-test")
    temp = Path(tempfile.gettempdir())
    before = set(temp.iterdir())
    job = printing.submit_pdf_data(data, "gm-test", title="内存")
    assert set(temp.iterdir()) - before == set()        # piped to lp: nothing written on our side
    wait_completed(cups_server, job)
    assert pages_of(cups_server.output("gm-test")) == ["内存中的清单"]


def spool_files(cups_server, job: str) -> list[str]:
    """The scheduler's files of `job` in its spool: c<id> (attributes) and d<id>-<n> (the document)."""
    number = int(job.rpartition("-")[2])
    return sorted(p.name for p in (cups_server.root / "spool").iterdir()
                  if p.name == f"c{number:05d}" or p.name.startswith(f"d{number:05d}-"))


def test_a_purged_job_leaves_no_file_in_the_spool(cups_server, tmp_path):
    """cupsd keeps a printed document (PreserveJobFiles, a day by default); purge_job removes it."""
    data = make_pdf(tmp_path / "trace.pdf", ["隐私测试公司ZQXW"]).read_bytes()
    cups_server.fresh_output("gm-test")
    job = printing.submit_pdf_data(data, "gm-test", title="trace")
    wait_completed(cups_server, job)
    assert spool_files(cups_server, job)                 # kept by the scheduler after printing
    printing.purge_job(job)
    assert spool_files(cups_server, job) == []
    assert printing.job_state(job) == "unknown"          # its history is gone too


def test_purge_when_done_waits_for_the_job_then_purges(cups_server, tmp_path):
    data = make_pdf(tmp_path / "later.pdf", ["稍后清除"]).read_bytes()
    out = cups_server.fresh_output("gm-test")
    job = printing.submit_pdf_data(data, "gm-test", title="later")
    thread = printing.purge_when_done(job, timeout=30)
    thread.join(60)
    assert not thread.is_alive()
    assert out.stat().st_size > 0                        # printed first …
    assert spool_files(cups_server, job) == []           # … then purged


def test_purging_an_unknown_job_is_a_print_error(cups_server):
    with pytest.raises(PrintError):
        printing.purge_job("gm-test-999999")
    with pytest.raises(PrintError):
        printing.purge_job("not-a-job")


def test_bytes_that_are_not_a_pdf_are_refused(cups_server):
    with pytest.raises(printing.PrintError) as exc:
        printing.submit_pdf_data(b"hello", "gm-test")
    assert exc.value.kind == "failed"

@needs_pdftotext
def test_none_prints_on_the_default_printer(cups_server, tmp_path):
    assert printing.default_printer() == "gm-test"
    assert printing.check_printer(None).name == "gm-test"
    pdf = make_pdf(tmp_path / "default.pdf", ["默认打印机"])
    assert print_and_wait(cups_server, pdf, None) == ["默认打印机"]


@needs_pdftotext
def test_two_copies_arrive_collated_in_one_file(cups_server, tmp_path):
    # The file device gets one stream: pdftopdf makes the copies, collated because we ask it to.
    pdf = make_pdf(tmp_path / "two.pdf", ["第一页", "第二页"])
    assert print_and_wait(cups_server, pdf, "gm-test", copies=2) == ["第一页", "第二页", "第一页", "第二页"]


@needs_pdftotext
def test_page_ranges_select_pages(cups_server, tmp_path):
    pdf = make_pdf(tmp_path / "three.pdf", ["一", "二", "三"])
    assert print_and_wait(cups_server, pdf, "gm-test", page_ranges=" 1, 3") == ["一", "三"]


def test_names_are_case_insensitive_and_reported_as_cups_spells_them(cups_server):
    assert printing.check_printer("GM-Test").name == "gm-test"


def test_unknown_printer_is_refused_and_nothing_is_submitted(cups_server, tmp_path):
    pdf = make_pdf(tmp_path / "x.pdf", ["不该打印"])
    output = cups_server.output("gm-test")
    before = (output.stat().st_mtime_ns, output.read_bytes()) if output.exists() else None
    jobs = lpstat_jobs()
    with pytest.raises(PrintError) as e:
        printing.submit_pdf(pdf, "gm-nosuch")
    assert (e.value.kind, e.value.printer) == ("unknown_printer", "gm-nosuch")
    assert "“gm-nosuch”不存在" in e.value.message_zh
    assert lpstat_jobs() == jobs
    assert ((output.stat().st_mtime_ns, output.read_bytes()) if output.exists() else None) == before


@pytest.mark.parametrize("queue, kind, words", [
    ("gm-stopped", "disabled", "已暂停"),
    ("gm-reject", "not_accepting", "不接受打印任务"),
    ("gm-nopaper", "paper_out", "缺纸"),
    ("gm-offline", "offline", "离线"),
])
def test_a_printer_that_cannot_print_is_refused_with_its_reason(cups_server, tmp_path, queue, kind, words):
    pdf = make_pdf(tmp_path / "x.pdf", ["x"])
    jobs = lpstat_jobs()
    with pytest.raises(PrintError) as e:
        printing.submit_pdf(pdf, queue)
    assert (e.value.kind, e.value.printer) == (kind, queue)
    assert f"“{queue}”" in e.value.message_zh and words in e.value.message_zh
    assert lpstat_jobs() == jobs


def test_printers_reports_every_queue_as_cups_does(cups_server):
    found = {p.name: p for p in printing.printers()}
    assert set(found) == set(cups_server.queues)
    assert found["gm-test"] == PrinterInfo("gm-test", "idle", True, (), True)
    assert found["gm-stopped"].state == "stopped" and found["gm-stopped"].reasons == ("paused",)
    assert found["gm-reject"].accepting is False
    assert found["gm-nopaper"].reasons == ("media-empty-error",)
    assert found["gm-offline"].reasons == ("offline-report",)
    assert [p.name for p in found.values() if p.is_default] == ["gm-test"]


def test_job_states_of_a_held_up_and_a_cancelled_job(cups_server, tmp_path):
    pdf = make_pdf(tmp_path / "held.pdf", ["x"])
    # lp straight to the stopped queue (submit_pdf refuses it): the job waits there.
    out = subprocess.run(["lp", "-d", "gm-stopped", "--", str(pdf)], capture_output=True, text=True,
                         timeout=10, env=dict(os.environ, LC_ALL="C"), check=True).stdout
    job = out.split()[3]
    assert printing.job_state(job) == "pending"
    assert printing.wait_for_job(job, timeout=0.3) == "pending"
    subprocess.run(["cancel", job], check=True, timeout=10)
    # lpstat (CUPS 2.4) lists cancelled jobs with the completed ones and the same reasons.
    assert printing.wait_for_job(job, timeout=10) in ("cancelled", "completed")
    assert printing.job_state("gm-test-999999") == "unknown"
    assert printing.job_state("nonsense") == "unknown"


def test_qt_sees_the_private_queues(cups_server, qapp):
    from PySide6.QtPrintSupport import QPrinterInfo

    assert os.environ["CUPS_SERVER"] == cups_server.socket
    names = QPrinterInfo.availablePrinterNames()
    assert set(cups_server.queues) <= set(names)
    assert QPrinterInfo.defaultPrinterName() == "gm-test"


def test_a_scheduler_that_is_not_running_is_no_print_system(monkeypatch, tmp_path):
    monkeypatch.setenv("CUPS_SERVER", str(tmp_path / "nothing.sock"))
    if not printing.available():
        pytest.skip("no lp/lpstat")
    with pytest.raises(PrintError) as e:
        printing.check_printer("gm-test")
    assert e.value.kind == "no_print_system"


# -- without a scheduler --------------------------------------------------------------------------

def test_without_lp_on_path_there_is_no_print_system(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    assert printing.available() is False
    pdf = make_pdf(tmp_path / "x.pdf", ["x"])
    for call in (lambda: printing.submit_pdf(pdf, "gm-test"), lambda: printing.check_printer(None),
                 printing.printers):
        with pytest.raises(PrintError) as e:
            call()
        assert e.value.kind == "no_print_system"
        assert "CUPS" in e.value.message_zh


@pytest.mark.parametrize("options", [
    {"copies": 0}, {"copies": -1}, {"copies": True}, {"copies": 1.5}, {"copies": "2"},
    {"page_ranges": ""}, {"page_ranges": "0"}, {"page_ranges": "3-1"}, {"page_ranges": "5,1-3"},
    {"page_ranges": "3,3"}, {"page_ranges": "1-2-3"}, {"page_ranges": "a"}, {"page_ranges": "1,,2"},
    {"page_ranges": "1 2"}, {"page_ranges": "1-"}, {"page_ranges": "99999999999"},
])
def test_bad_options_are_refused_before_lp_runs(no_lp, tmp_path, options):
    pdf = make_pdf(tmp_path / "x.pdf", ["x"])
    with pytest.raises(PrintError) as e:
        printing.submit_pdf(pdf, "gm-test", **options)
    assert e.value.kind == "bad_options"


def test_a_missing_file_is_refused_before_lp_runs(no_lp, tmp_path):
    with pytest.raises(PrintError) as e:
        printing.submit_pdf(tmp_path / "none.pdf", "gm-test")
    assert e.value.kind == "failed" and "none.pdf" in e.value.message


ranges = st.lists(st.tuples(st.integers(0, 50), st.integers(0, 50)), min_size=1, max_size=6)


@given(ranges, st.sampled_from(["", " ", "  "]))
def test_ascending_ranges_are_accepted_and_normalized(steps, space):
    bounds, low = [], 0
    for gap, width in steps:              # ascending, non-overlapping: CUPS's rule
        low = low + gap + 1
        bounds.append((low, low + width))
        low += width
    text = f"{space},{space}".join(f"{a}{space}-{space}{b}" for a, b in bounds)
    expected = ",".join(str(a) if a == b else f"{a}-{b}" for a, b in bounds)
    assert printing.normalize_page_ranges(text) == expected


@given(st.text(alphabet="0123456789-, a", max_size=12))
def test_any_accepted_ranges_go_upwards(text):
    try:
        result = printing.normalize_page_ranges(text)
    except PrintError as e:
        assert e.kind == "bad_options"
        return
    assert printing.normalize_page_ranges(result) == result
    last = 0
    for item in result.split(","):
        low, _, high = item.partition("-")
        assert last < int(low) <= int(high or low)
        last = int(high or low)


# -- parsing captured lpstat output (LANG=C, CUPS 2.4) -------------------------------------------

LPSTAT_LP = """\
printer hp-office now printing hp-office-17.  enabled since Sat Nov 21 06:36:22 2026
\tForm mounted:
\tContent types: any
\tDescription: 办公室 HP
\tAlerts: media-empty-error offline-report
\tLocation: 三楼
\tConnection: direct
printer label disabled since Sat Nov 21 06:36:22 2026 -
\tPaused
\tForm mounted:
\tAlerts: paused
printer tray2 is idle.  enabled since Sat Nov 21 06:36:22 2026
\tAlerts: media-empty-warning
printer Reject is idle.  enabled since Sat Nov 21 06:36:22 2026
\tRejecting Jobs
\tAlerts: none
printer net is idle.  enabled since Sat Nov 21 06:36:22 2026
\tThe printer is not responding.
\tAlerts: connecting-to-device offline-report
"""
LPSTAT_A = """\
hp-office accepting requests since Sat Nov 21 06:36:22 2026
label accepting requests since Sat Nov 21 06:36:22 2026
tray2 accepting requests since Sat Nov 21 06:36:22 2026
Reject not accepting requests since Sat Nov 21 06:36:22 2026 -
\tRejecting Jobs
net accepting requests since Sat Nov 21 06:36:22 2026
"""


def test_parse_printers_reads_state_reasons_accepting_and_default():
    found = {p.name: p for p in printing.parse_printers(LPSTAT_LP, LPSTAT_A,
                                                       "system default destination: reject/draft\n")}
    assert found["hp-office"] == PrinterInfo("hp-office", "printing", True,
                                             ("media-empty-error", "offline-report"), False)
    assert found["label"] == PrinterInfo("label", "stopped", True, ("paused",), False)
    assert found["tray2"].reasons == ("media-empty-warning",)
    assert found["Reject"] == PrinterInfo("Reject", "idle", False, (), True)
    assert printing.parse_printers("", "", "no system default destination\n") == []


@pytest.mark.parametrize("name, kind", [
    ("hp-office", "paper_out"), ("label", "disabled"), ("Reject", "not_accepting"), ("net", "offline"),
    ("tray2", None), (None, None),
])
def test_check_printer_on_captured_states(monkeypatch, name, kind):
    infos = printing.parse_printers(LPSTAT_LP, LPSTAT_A, "system default destination: tray2\n")
    monkeypatch.setattr(printing, "printers", lambda: infos)
    monkeypatch.setattr(printing, "default_printer", lambda: "tray2")
    if kind is None:
        assert printing.check_printer(name).name == (name or "tray2")
    else:
        with pytest.raises(PrintError) as e:
            printing.check_printer(name)
        assert (e.value.kind, e.value.printer) == (kind, name)


def test_no_default_printer(monkeypatch):
    monkeypatch.setattr(printing, "default_printer", lambda: None)
    with pytest.raises(PrintError) as e:
        printing.check_printer(None)
    assert e.value.kind == "no_default" and "默认打印机" in e.value.message_zh


def test_parse_jobs_and_the_states_they_give(monkeypatch):
    captured = """\
gm-test-3               root              2048   Sat Nov 21 06:36:41 2026
\tAlerts: job-printing
\tqueued for gm-test
gm-test-4               root              2048   Sat Nov 21 06:36:41 2026
\tAlerts: none
\tqueued for gm-test
gm-test-7               root              1024   Sat Nov 21 06:37:16 2026
\tStatus: loadFilename failed: /var/spool/cups/d00007-001: unable to find trailer dictionary
\tAlerts: job-completed-with-errors
\tqueued for gm-test
"""
    assert printing.parse_jobs(captured) == {
        "gm-test-3": ("job-printing",), "gm-test-4": (), "gm-test-7": ("job-completed-with-errors",)}
    done = ("gm-test-1   root   2048   Sat Nov 21 06:36:36 2026\n\tStatus: \n"
            "\tAlerts: processing-to-stop-point\n"
            "gm-test-2   root   2048   Sat Nov 21 06:36:36 2026\n\tAlerts: job-canceled-by-user\n")

    def fake_run(*args):
        return subprocess.CompletedProcess(args, 0, captured if "not-completed" in args else done, "")
    monkeypatch.setattr(printing, "_run", fake_run)
    assert [printing.job_state(f"gm-test-{n}") for n in (3, 4, 7, 1, 2, 5)] == [
        "processing", "pending", "aborted", "completed", "cancelled", "unknown"]
