"""A private CUPS scheduler for the tests: the ``cups_server`` fixture (loaded by conftest.py).

cupsd runs from a temporary folder with its own configuration, spool, cache, state and logs,
listening only on a Unix socket there (no TCP port); the system scheduler is never touched.
``CUPS_SERVER`` points at that socket for the session, so ``lp``/``lpstat`` and Qt's CUPS plugin
(libcups) both talk to it. Queues print with the file device into ``<root>/<queue>-out.pdf``
through the generic PDF PPD of cups-filters, so what arrives is a PDF.

The output file must exist before a job prints: Debian's cupsd since 2.4.2-3+deb12u10 opens a
``file://`` device with ``O_WRONLY|O_EXCL`` and no ``O_CREAT`` (nor ``O_TRUNC``), so a missing file
fails the job ("could not open the output file") and an old, longer file would keep its tail.
``CupsServer.fresh_output(queue)`` therefore replaces the file with an empty one (mode 0666, so the
scheduler can write it whichever user it runs the job as); every test that prints calls it before
the job and waits for the file to fill. At start-up one probe job must complete, or the printing
tests fail with the scheduler's own error-log lines.

Where cupsd cannot run (not installed, no PPD, fails to start) the tests that use the fixture are
skipped with the reason, which is also logged; under CI (``CI`` set), where .ci/run installs
everything, they fail instead, so a broken print system is never a silent skip.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import http.client
import logging
import os
import shutil
import socket
import struct
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

log = logging.getLogger(__name__)

PPD_CANDIDATES = (
    "/usr/share/ppd/cupsfilters/Generic-PDF_Printer-PDF.ppd",   # Debian/Ubuntu cups-filters
    "/usr/share/cups/model/Generic-PDF_Printer-PDF.ppd",
)
SBIN = ("/usr/sbin", "/sbin")   # cupsd, lpadmin, cupsdisable, cupsreject live here; not on every PATH

# queue -> what it simulates. gm-test is the default printer.
QUEUES = {
    "gm-test": "a working printer (the default)",
    "gm-stopped": "a stopped queue (cupsdisable)",
    "gm-reject": "a queue rejecting jobs (cupsreject)",
    "gm-nopaper": "printer-state-reasons media-empty-error (set over IPP)",
    "gm-offline": "printer-state-reasons offline-report (set over IPP)",
}


@dataclass
class CupsServer:
    root: Path
    socket: str
    queues: dict[str, str] = field(default_factory=lambda: dict(QUEUES))
    default: str = "gm-test"

    def output(self, queue: str) -> Path:
        """The file the file device writes ``queue``'s jobs to."""
        return self.root / f"{queue}-out.pdf"

    def fresh_output(self, queue: str) -> Path:
        """Replace ``queue``'s output file with an empty one before a job (see the module's note)."""
        return _fresh_file(self.output(queue))

    def error_log(self, last: int = 12) -> str:
        """The scheduler's last error and warning lines (else its last lines), for failure messages."""
        log_file = self.root / "log" / "error_log"
        lines = log_file.read_text(errors="replace").splitlines() if log_file.exists() else []
        problems = [line for line in lines if line[:2] in ("E ", "W ", "C ", "A ")]
        return "\n".join((problems or lines)[-last:]) or "(the error log is empty)"


def _fresh_file(path: Path) -> Path:
    path.unlink(missing_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    os.close(fd)
    path.chmod(0o666)                     # the umask may have taken write bits away
    return path


PROBE_TIMEOUT = 30   # seconds for the start-up probe job; a working queue takes about a second


def _probe(server: CupsServer) -> None:
    """Print one small job on the default queue and wait for it; raise RuntimeError with the log if not."""
    lp, lpstat = _tool("lp"), _tool("lpstat")
    if not lp or not lpstat:
        raise RuntimeError("lp or lpstat is not installed (Debian: cups-client)")
    out = server.fresh_output(server.default)
    env = dict(os.environ, CUPS_SERVER=server.socket, LANG="C", LC_ALL="C")
    pdf = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
           b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
           b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
           b"trailer<</Root 1 0 R>>\n%%EOF\n")
    r = subprocess.run([lp, "-d", server.default, "-t", "gm-probe", "-"], input=pdf, env=env,
                       capture_output=True, timeout=20, check=False)
    if r.returncode != 0:
        raise RuntimeError(f"the probe job was refused: {r.stderr.decode(errors='replace').strip()}")
    deadline = time.monotonic() + PROBE_TIMEOUT
    while time.monotonic() < deadline:
        queued = subprocess.run([lpstat, "-o", server.default], env=env, capture_output=True, text=True,
                                timeout=10, check=False).stdout.strip()
        if not queued and out.exists() and out.stat().st_size > 0:
            server.fresh_output(server.default)
            return
        time.sleep(0.1)
    raise RuntimeError(f"the probe job on {server.default} did not complete in {PROBE_TIMEOUT} s; "
                       f"output file {out} {'has %d bytes' % out.stat().st_size if out.exists() else 'is missing'}; "
                       f"cupsd's error log:\n"
                       f"{server.error_log()}")


def _tool(name: str) -> str | None:
    return shutil.which(name) or shutil.which(name, path=os.pathsep.join(SBIN))


def _reset_libcups_server() -> None:
    """libcups reads CUPS_SERVER once per thread and keeps it; cupsSetServer(NULL) makes it read it again.

    Without this, Qt (which uses libcups in this process) would keep talking to the server it
    found first, e.g. none, if anything printed before the fixture started.
    """
    name = ctypes.util.find_library("cups")
    if name:
        try:
            ctypes.CDLL(name).cupsSetServer(None)
        except (OSError, AttributeError):
            pass


def _set_printer_state_reasons(sock: str, queue: str, reasons: list[str]) -> None:
    """Set a queue's printer-state-reasons with a CUPS-Add-Modify-Printer IPP request.

    cupsd accepts printer-state-reasons there (lpadmin has no option for it), which is how a
    queue that is out of paper or offline is simulated without a real device.
    """
    def attr(tag: int, name: str, value: str) -> bytes:
        n, v = name.encode(), value.encode()
        return struct.pack(">BH", tag, len(n)) + n + struct.pack(">H", len(v)) + v

    body = (struct.pack(">BBHI", 2, 0, 0x4003, 1) + b"\x01"            # IPP 2.0, op, request id
            + attr(0x47, "attributes-charset", "utf-8")
            + attr(0x48, "attributes-natural-language", "en")
            + attr(0x45, "printer-uri", f"ipp://localhost/printers/{queue}")
            + b"\x04" + attr(0x44, "printer-state-reasons", reasons[0])
            + b"".join(attr(0x44, "", r) for r in reasons[1:])          # more values: empty name
            + b"\x03")
    conn = http.client.HTTPConnection("localhost", timeout=10)
    conn.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    conn.sock.settimeout(10)
    conn.sock.connect(sock)
    try:
        conn.request("POST", "/admin/", body, {"Content-Type": "application/ipp"})
        reply = conn.getresponse().read()
    finally:
        conn.close()
    status = struct.unpack(">H", reply[2:4])[0]
    if status >= 0x0100:
        raise RuntimeError(f"CUPS-Add-Modify-Printer {queue}: IPP status 0x{status:04x}")


def _start(root: Path) -> tuple[subprocess.Popen, str]:
    """Write the configuration, start cupsd and wait until it answers; raise RuntimeError otherwise."""
    cupsd, lpstat = _tool("cupsd"), _tool("lpstat")
    if not cupsd or not lpstat:
        raise RuntimeError("cupsd or lpstat is not installed (Debian: cups, cups-bsd)")
    for folder in ("spool", "cache", "state", "tmp", "log", "conf"):
        (root / folder).mkdir()
    sock = str(root / "cups.sock")
    # The conf folder is ServerRoot: cupsd keeps printers.conf and the queues' PPDs there.
    (root / "cups-files.conf").write_text(
        f"ServerRoot {root}/conf\nRequestRoot {root}/spool\nCacheDir {root}/cache\n"
        f"StateDir {root}/state\nTempDir {root}/tmp\nPrintcap {root}/printcap\n"
        f"AccessLog {root}/log/access_log\nErrorLog {root}/log/error_log\nPageLog {root}/log/page_log\n"
        "FileDevice Yes\n")                              # lets queues print to file:// URIs
    # No Port: only the socket. The policy lets anyone on it administer, so lpadmin works as root
    # and as an ordinary user alike (no @SYSTEM group, no authentication).
    (root / "cupsd.conf").write_text(
        f"Listen {sock}\nLogLevel info\nBrowsing No\nWebInterface No\nDefaultAuthType None\n"
        "<Location />\n  Order allow,deny\n  Allow all\n</Location>\n"
        "<Policy default>\n  <Limit All>\n    Order allow,deny\n    Allow all\n  </Limit>\n</Policy>\n")
    with open(root / "log" / "cupsd.out", "wb") as out:
        command = [cupsd, "-f", "-c", str(root / "cupsd.conf"), "-s", str(root / "cups-files.conf")]
        proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT)
    env = dict(os.environ, CUPS_SERVER=sock, LANG="C", LC_ALL="C")
    deadline = time.monotonic() + 15
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            if os.path.exists(sock):
                r = subprocess.run([lpstat, "-r"], env=env, capture_output=True, text=True, timeout=10,
                                   check=False)
                if r.stdout.strip() == "scheduler is running":
                    return proc, sock
            time.sleep(0.05)
    except BaseException:
        _stop(proc)
        raise
    _stop(proc)
    text = (root / "log" / "cupsd.out").read_text(errors="replace").strip()
    raise RuntimeError(f"cupsd did not start (exit {proc.returncode}): {text[-500:]}")


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def _admin(*args: str) -> None:
    tool = _tool(args[0])
    if not tool:
        raise RuntimeError(f"{args[0]} is not installed")
    r = subprocess.run([tool, *args[1:]], capture_output=True, text=True, timeout=20, check=False,
                       env=dict(os.environ, LANG="C", LC_ALL="C"))
    if r.returncode != 0:
        raise RuntimeError(f"{' '.join(args)}: {r.stderr.strip()}")


@pytest.fixture(scope="session")
def cups_server():
    """A running private cupsd with the queues of QUEUES; CUPS_SERVER points at it meanwhile."""
    ppd = next((p for p in PPD_CANDIDATES if os.path.isfile(p)), None)
    # /tmp directly: the socket path must stay short (108 bytes) and pytest's 0700 base folder
    # would keep the filters, which cupsd runs as user lp, out of the spool.
    root = Path(tempfile.mkdtemp(prefix="gm-cups-", dir="/tmp" if os.path.isdir("/tmp") else None))
    root.chmod(0o755)
    proc = None
    try:
        with pytest.MonkeyPatch.context() as mp:
            try:
                if ppd is None:
                    raise RuntimeError("no generic PDF PPD (Debian: cups-filters)")
                proc, sock = _start(root)
                mp.setenv("CUPS_SERVER", sock)
                for name in ("LPDEST", "PRINTER"):     # they would override the default printer
                    mp.delenv(name, raising=False)
                _reset_libcups_server()
                for queue in QUEUES:
                    _admin("lpadmin", "-p", queue, "-E", "-v", f"file://{root}/{queue}-out.pdf", "-P", ppd)
                _admin("lpadmin", "-d", "gm-test")
                _admin("cupsdisable", "gm-stopped")
                _admin("cupsreject", "gm-reject")
                _set_printer_state_reasons(sock, "gm-nopaper", ["media-empty-error"])
                _set_printer_state_reasons(sock, "gm-offline", ["offline-report"])
            except (RuntimeError, OSError, subprocess.SubprocessError) as e:
                if os.environ.get("CI"):
                    pytest.fail(f"private CUPS server unavailable under CI: {e}", pytrace=False)
                log.warning("private CUPS server unavailable, printing tests skipped: %s", e)
                pytest.skip(f"private CUPS server unavailable: {e}")
            server = CupsServer(root=root, socket=sock)
            for queue in QUEUES:
                server.fresh_output(queue)
            try:
                _probe(server)
            except (RuntimeError, OSError, subprocess.SubprocessError) as e:
                pytest.fail(f"the private CUPS server runs but cannot print: {e}", pytrace=False)
            yield server
    finally:
        if proc is not None:
            _stop(proc)
        _reset_libcups_server()
        shutil.rmtree(root, ignore_errors=True)
