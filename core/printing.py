"""Send an already-written PDF to a CUPS printer with the CUPS command-line clients.

No Qt here: the window, the kiosk and the command line share it. Only ``lp`` and ``lpstat`` are
run (``subprocess.run`` with a timeout), so nothing beyond the CUPS client package is needed and
``CUPS_SERVER`` in the environment is honoured like in every other CUPS program. Their output is
read with ``LANG``/``LC_ALL`` forced to ``C``: it is parsed, and CUPS translates it otherwise.
The one exception is :func:`purge_job` (the kiosk removes its own finished job from the spool):
``cancel -x`` refuses completed jobs, so it sends one small IPP request to the scheduler itself.

Every failure is a :class:`PrintError` whose ``kind`` says what went wrong and whose
``message_zh`` tells the user, in the UI's language, which printer and what to do::

    try:
        job = submit_pdf(path, "办公室打印机", copies=2)
        state = wait_for_job(job)          # "completed", or "pending"/"processing" on time-out
    except PrintError as e:
        show(e.message_zh); log.warning("%s", e.message)

A printer is checked before anything is sent (:func:`check_printer`): an unknown name is refused,
never replaced by the default printer; a stopped queue, one rejecting jobs, one out of paper or
offline is refused with its own message, read from the printer-state-reasons CUPS reports.

What lpstat cannot tell (CUPS 2.4): once a job has left the queue, lpstat lists completed,
cancelled and aborted jobs alike under ``-W completed`` and reports the same job-state-reasons
(``processing-to-stop-point``) for all of them, so :func:`job_state` says "completed" for them
unless the reasons say otherwise. A job whose filters failed stays in the queue with
``job-completed-with-errors`` and is reported as "aborted".
"""
from __future__ import annotations

import getpass
import http.client
import logging
import os
import re
import shutil
import socket
import struct
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from core.i18n import N_, _

log = logging.getLogger(__name__)

TIMEOUT = 15.0        # seconds for one lp/lpstat call; a scheduler that takes longer is not usable
FINAL_STATES = frozenset({"completed", "cancelled", "aborted", "unknown"})
_MAX_PAGE = 2**31 - 1  # IPP integers are 32-bit

# kind -> (English for the log, Simplified Chinese for the user); {printer} and {detail} filled in.
_MESSAGES = {
    "no_print_system": ("No CUPS print system: {detail}",
                        N_("找不到打印系统（CUPS），或打印服务没有运行。请安装并启动打印服务后重试。")),
    "unknown_printer": ("No printer named {printer!r}",
                        N_("打印机“{printer}”不存在。请检查名称，或在系统设置中添加该打印机。")),
    "no_default": ("No default printer is set",
                   N_("没有设置默认打印机。请选择一台打印机，或在系统设置中设置默认打印机。")),
    "disabled": ("Printer {printer!r} is stopped (disabled)",
                 N_("打印机“{printer}”已暂停。请在系统的打印机设置中恢复该打印机后重试。")),
    "not_accepting": ("Printer {printer!r} is not accepting jobs",
                      N_("打印机“{printer}”目前不接受打印任务。请在系统的打印机设置中允许其接受任务后重试。")),
    "offline": ("Printer {printer!r} is offline",
                N_("打印机“{printer}”处于离线状态。请检查打印机的电源和网络（或数据线）连接后重试。")),
    "paper_out": ("Printer {printer!r} is out of paper",
                  N_("打印机“{printer}”缺纸。请放入纸张后重试。")),
    "bad_options": ("Invalid print options: {detail}",
                    N_("打印设置无效：份数须为不小于 1 的整数，页码范围须写成“1-3,5”这样从小到大的格式。")),
    "failed": ("Printing to {printer!r} failed: {detail}",
               N_("无法打印到“{printer}”。系统提示：{detail}")),
}


class PrintError(Exception):
    """A printing failure; ``kind`` is one of the keys of ``_MESSAGES``."""

    def __init__(self, kind: str, printer: str | None = None, detail: str = ""):
        english, chinese = _MESSAGES[kind]
        self.kind = kind
        self.printer = printer
        self.message = english.format(printer=printer, detail=detail)
        self.message_zh = _(chinese).format(printer=printer or "", detail=detail)
        super().__init__(self.message)


@dataclass(frozen=True)
class PrinterInfo:
    name: str
    state: str                  # "idle" | "printing" | "stopped"
    accepting: bool
    reasons: tuple[str, ...]    # IPP printer-state-reasons other than "none"
    is_default: bool


def available() -> bool:
    """True when the CUPS clients ``lp`` and ``lpstat`` are on PATH (the scheduler may still be down)."""
    return shutil.which("lp") is not None and shutil.which("lpstat") is not None


def _run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    """Run a CUPS client; raise PrintError when it is missing, hangs, or finds no scheduler.

    ``stdin`` is fed to the program (``lp`` prints its standard input when given no file)."""
    env = dict(os.environ, LANG="C", LC_ALL="C")
    try:
        result = subprocess.run(args, input=stdin, capture_output=True, env=env, timeout=TIMEOUT,
                                check=False)
    except FileNotFoundError as e:
        raise PrintError("no_print_system", detail=f"{args[0]} not found") from e
    except subprocess.TimeoutExpired as e:
        raise PrintError("no_print_system", detail=f"{' '.join(args)} timed out") from e
    except OSError as e:
        raise PrintError("no_print_system", detail=str(e)) from e
    # bytes in (a PDF on stdin), text out: decoded here, not with text=True
    decoded = subprocess.CompletedProcess(result.args, result.returncode,
                                          result.stdout.decode("utf-8", "replace"),
                                          result.stderr.decode("utf-8", "replace"))
    if decoded.returncode != 0 and re.search(r"scheduler is not running|unable to connect|connection refused",
                                             decoded.stderr, re.IGNORECASE):
        raise PrintError("no_print_system", detail=decoded.stderr.strip())
    return decoded


# -- printers -----------------------------------------------------------------------------------

def parse_printers(lpstat_lp: str, lpstat_a: str, lpstat_d: str) -> list[PrinterInfo]:
    """PrinterInfo for each queue from the outputs of ``lpstat -l -p``, ``lpstat -a`` and ``lpstat -d``.

    ``lpstat -l -p`` prints ``printer NAME is idle.`` / ``now printing JOB.`` / ``disabled since``
    and, indented, ``Alerts: REASON REASON`` (the printer-state-reasons, ``none`` when there are
    none); ``lpstat -a`` prints ``NAME accepting requests since`` or ``NAME not accepting requests``;
    ``lpstat -d`` prints ``system default destination: NAME`` (``NAME/instance`` for an instance).
    """
    states: dict[str, str] = {}
    reasons: dict[str, tuple[str, ...]] = {}
    current = None
    for line in lpstat_lp.splitlines():
        if m := re.match(r"printer (\S+) (is idle|now printing|disabled)", line):
            current = m.group(1)
            states[current] = {"is idle": "idle", "now printing": "printing"}.get(m.group(2), "stopped")
            reasons[current] = ()
        elif current and (m := re.match(r"\s+Alerts:(.*)", line)):
            reasons[current] = tuple(r for r in m.group(1).split() if r != "none")
    accepting = {m.group(1): not m.group(2)
                 for m in re.finditer(r"^(\S+) (not )?accepting requests", lpstat_a, re.MULTILINE)}
    m = re.search(r"system default destination: ([^/\s]+)", lpstat_d)
    default = m.group(1).lower() if m else None
    return [PrinterInfo(name, state, accepting.get(name, True), reasons[name], name.lower() == default)
            for name, state in states.items()]


def printers() -> list[PrinterInfo]:
    """Every CUPS queue; [] when there are none. Raises PrintError("no_print_system")."""
    if not available():
        raise PrintError("no_print_system", detail="lp/lpstat not on PATH")
    listing = _run("lpstat", "-l", "-p")
    if listing.returncode != 0:
        return []            # "lpstat: No destinations added."
    return parse_printers(listing.stdout, _run("lpstat", "-a").stdout, _run("lpstat", "-d").stdout)


def default_printer() -> str | None:
    """The queue ``lp`` uses without ``-d`` (LPDEST, PRINTER, lpoptions or the server's default)."""
    if not available():
        raise PrintError("no_print_system", detail="lp/lpstat not on PATH")
    m = re.search(r"system default destination: ([^/\s]+)", _run("lpstat", "-d").stdout)
    return m.group(1) if m else None


def _problem(info: PrinterInfo) -> str | None:
    """The kind of PrintError this printer's state calls for, or None when it can print.

    Reasons carry a severity suffix (-error, -warning, -report); a -warning does not stop printing
    (IPP: e.g. one of several trays empty), so only the others refuse. Paper and offline come
    before "disabled" because a driver often stops the queue for them, and they say what to fix.
    """
    for reason in info.reasons:
        if reason.endswith("-warning"):
            continue
        base = re.sub(r"-(error|report)$", "", reason)
        if base in ("media-empty", "media-needed"):
            return "paper_out"
        if base in ("offline", "shutdown"):
            return "offline"
    if info.state == "stopped":
        return "disabled"
    if not info.accepting:
        return "not_accepting"
    return None


def check_printer(name: str | None) -> PrinterInfo:
    """The printer ``name`` (None: the default) if it can take a job now; raises PrintError otherwise."""
    if name is None:
        name = default_printer()
        if name is None:
            raise PrintError("no_default")
    # CUPS queue names are case-insensitive; the name CUPS reports is the one used from here on.
    info = next((p for p in printers() if p.name.lower() == name.lower()), None)
    if info is None:
        raise PrintError("unknown_printer", name)
    if kind := _problem(info):
        raise PrintError(kind, info.name)
    return info


# -- jobs ---------------------------------------------------------------------------------------

def normalize_page_ranges(text: str) -> str:
    """``" 1 - 3, 5"`` -> ``"1-3,5"``; raises PrintError("bad_options").

    The ranges must go upwards without overlapping, as the CUPS scheduler demands (lp fails with
    "Bad page-ranges values" otherwise); pages count from 1.
    """
    ranges: list[tuple[int, int]] = []
    for item in text.split(","):
        m = re.fullmatch(r"\s*(\d+)\s*(?:-\s*(\d+)\s*)?", item)
        if not m:
            raise PrintError("bad_options", detail=f"page ranges {text!r}")
        low, high = int(m.group(1)), int(m.group(2) or m.group(1))
        if not 1 <= low <= high <= _MAX_PAGE or (ranges and low <= ranges[-1][1]):
            raise PrintError("bad_options", detail=f"page ranges {text!r}")
        ranges.append((low, high))
    return ",".join(str(lo) if lo == hi else f"{lo}-{hi}" for lo, hi in ranges)


def submit_pdf(path: str | os.PathLike, printer: str | None = None, *, copies: int = 1,
               page_ranges: str | None = None, title: str = "") -> str:
    """Queue the PDF at ``path`` on ``printer`` (None: the default); returns the job id ("queue-42").

    Options and the file are checked first, then the printer, then ``lp`` runs. Several copies are
    collated (1,2,1,2): CUPS's pdftopdf would otherwise repeat each page (1,1,2,2).
    """
    ranges = check_options(printer, copies, page_ranges)
    if not Path(path).is_file():
        raise PrintError("failed", printer, detail=f"no such file: {os.fspath(path)}")
    return _submit(printer, copies, ranges, title, ["--", os.fspath(path)], None)


def submit_pdf_data(data: bytes, printer: str | None = None, *, copies: int = 1,
                    page_ranges: str | None = None, title: str = "") -> str:
    """:func:`submit_pdf` for a PDF held in memory, piped to ``lp``: no file is written on our side
    (the kiosk must leave nothing of a visitor on its disk; CUPS's own spool is the print system's)."""
    ranges = check_options(printer, copies, page_ranges)
    if not data.startswith(b"%PDF-"):
        raise PrintError("failed", printer, detail="not a PDF document")
    return _submit(printer, copies, ranges, title, [], data)


def check_options(printer: str | None, copies: int, page_ranges: str | None) -> str | None:
    """Copies (an int ≥ 1) and page ranges, checked before any printing; the normalised ranges."""
    if isinstance(copies, bool) or not isinstance(copies, int) or copies < 1:
        raise PrintError("bad_options", printer, detail=f"copies {copies!r}")
    return normalize_page_ranges(page_ranges) if page_ranges is not None else None


def _submit(printer: str | None, copies: int, ranges: str | None, title: str,
            files: list[str], stdin: bytes | None) -> str:
    name = check_printer(printer).name
    args = ["lp", "-d", name, "-n", str(copies)]
    if copies > 1:
        args += ["-o", "collate=true"]
    if ranges:
        args += ["-P", ranges]
    if title:
        args += ["-t", title]
    result = _run(*args, *files, stdin=stdin)
    m = re.search(r"request id is (\S+)", result.stdout)
    if result.returncode != 0 or not m:
        detail = (result.stderr or result.stdout).strip()
        log.warning("lp failed for %s: %s", name, detail)
        if "not accepting" in detail:       # the queue changed between the check and lp
            raise PrintError("not_accepting", name)
        if "does not exist" in detail:
            raise PrintError("unknown_printer", name)
        raise PrintError("failed", name, detail=detail)
    return m.group(1)


def parse_jobs(lpstat_lo: str) -> dict[str, tuple[str, ...]]:
    """Job id (lower case) -> job-state-reasons, from the output of ``lpstat -l -o``.

    Each job is a line starting with its id, then indented ``Status:``, ``Alerts: REASON ...``
    and ``queued for QUEUE`` lines.
    """
    jobs: dict[str, tuple[str, ...]] = {}
    current = None
    for line in lpstat_lo.splitlines():
        if line and not line[0].isspace():
            current = line.split()[0].lower()
            jobs[current] = ()
        elif current and (m := re.match(r"\s+Alerts:(.*)", line)):
            jobs[current] = tuple(r for r in m.group(1).split() if r != "none")
    return jobs


def _state_from_reasons(reasons: tuple[str, ...]) -> str | None:
    if any(r.startswith("job-canceled") for r in reasons):
        return "cancelled"
    if any(r in ("aborted-by-system", "job-completed-with-errors") or r.startswith("job-aborted")
           for r in reasons):
        return "aborted"
    return None


def job_state(job_id: str) -> str:
    """"pending" | "processing" | "completed" | "cancelled" | "aborted" | "unknown" (see the module doc)."""
    queue = job_id.rpartition("-")[0]
    if not queue:
        return "unknown"
    for which in ("not-completed", "completed"):
        result = _run("lpstat", "-l", "-W", which, "-o", queue)
        reasons = parse_jobs(result.stdout).get(job_id.lower())
        if reasons is None:
            continue
        if state := _state_from_reasons(reasons):
            return state
        if which == "completed":
            return "completed"
        return "processing" if "job-printing" in reasons else "pending"
    return "unknown"      # no such queue or job, or the job history was purged


def wait_for_job(job_id: str, timeout: float = 30.0) -> str:
    """Poll :func:`job_state` until the job is final or ``timeout`` seconds pass; returns the last state."""
    deadline = time.monotonic() + timeout
    delay = 0.05
    while True:
        state = job_state(job_id)
        if state in FINAL_STATES or time.monotonic() >= deadline:
            return state
        time.sleep(min(delay, max(0.0, deadline - time.monotonic())))
        delay = min(delay * 2, 0.5)


# -- leaving no trace (the kiosk) ---------------------------------------------------------------

PURGE_WAIT = 600.0     # seconds a kiosk job may take to print before it is cancelled and purged
_IPP_CANCEL_JOB = 0x0008
_DEFAULT_SOCKETS = ("/run/cups/cups.sock", "/var/run/cups/cups.sock", "/private/var/run/cupsd")


def _ipp_attr(tag: int, name: str, value: bytes) -> bytes:
    n = name.encode()
    return struct.pack(">BH", tag, len(n)) + n + struct.pack(">H", len(value)) + value


def _scheduler_connection() -> http.client.HTTPConnection:
    """An HTTP connection to the scheduler ``lp`` uses: ``CUPS_SERVER`` (a socket path or
    host[:port]), else the local domain socket, else localhost:631 (client.conf is not read)."""
    server = os.environ.get("CUPS_SERVER", "")
    sock_path = server if server.startswith("/") else ""
    if not server:
        sock_path = next((s for s in _DEFAULT_SOCKETS if os.path.exists(s)), "")
    if sock_path:
        conn = http.client.HTTPConnection("localhost", timeout=TIMEOUT)
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(TIMEOUT)
        sock.connect(sock_path)
        conn.sock = sock
        return conn
    host, _sep, port = (server or "localhost").partition(":")
    return http.client.HTTPConnection(host, int(port) if port.isdigit() else 631, timeout=TIMEOUT)


def purge_job(job_id: str) -> None:
    """Cancel the job if it is not done and delete its files and history from the spool.

    ``cancel -x`` refuses a job that has completed ("already completed - can't cancel"), so the
    IPP request is sent here: Cancel-Job with CUPS's ``purge-job`` attribute, which the job's
    owner may send. Raises PrintError("failed") when the scheduler refuses or cannot be reached.
    """
    number = job_id.rpartition("-")[2]
    if not number.isdigit():
        raise PrintError("failed", detail=f"not a CUPS job id: {job_id!r}")
    body = (struct.pack(">BBHI", 2, 0, _IPP_CANCEL_JOB, 1) + b"\x01"
            + _ipp_attr(0x47, "attributes-charset", b"utf-8")
            + _ipp_attr(0x48, "attributes-natural-language", b"en")
            + _ipp_attr(0x45, "job-uri", f"ipp://localhost/jobs/{int(number)}".encode())
            + _ipp_attr(0x42, "requesting-user-name", getpass.getuser().encode())
            + _ipp_attr(0x22, "purge-job", b"\x01")
            + b"\x03")
    try:
        conn = _scheduler_connection()
        try:
            conn.request("POST", "/jobs/", body, {"Content-Type": "application/ipp"})
            response = conn.getresponse()
            reply = response.read(65536)
        finally:
            conn.close()
    except (OSError, http.client.HTTPException, ValueError) as e:
        raise PrintError("no_print_system", detail=f"purging {job_id}: {e}") from e
    if response.status != 200 or len(reply) < 4:
        raise PrintError("failed", detail=f"purging {job_id}: HTTP {response.status}")
    status = struct.unpack(">H", reply[2:4])[0]
    if status >= 0x0100:
        raise PrintError("failed", detail=f"purging {job_id}: IPP status 0x{status:04x}")


def purge_when_done(job_id: str, timeout: float = PURGE_WAIT) -> threading.Thread:
    """Wait (on a daemon thread) for the job to finish, at most ``timeout`` seconds, then purge it
    (:func:`purge_job`); a job still waiting then — a printer out of paper for ten minutes — is
    cancelled too: the visitor is gone. Failures are logged. Returns the thread (tests join it)."""
    def work() -> None:
        try:
            wait_for_job(job_id, timeout)
            purge_job(job_id)
        except PrintError as e:
            log.warning("print job %s not purged: %s", job_id, e.message)

    thread = threading.Thread(target=work, name=f"purge {job_id}", daemon=True)
    thread.start()
    return thread
