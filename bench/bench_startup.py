"""Cold start to the first painted window: the application against a bare PySide6 window.

    python bench/bench_startup.py [--runs 9]

Each run is a new process (cold as far as Python is concerned; the OS file cache is warm after the
first). The application's child starts the way ``python main.py`` does (the empty command line is
parsed, then ``ui.app.create_window``); the bare child makes a ``QMainWindow`` with one label. Each
reports the wall-clock time of its window's first paint event and its peak resident memory then,
and the application's child also the time and memory once the parts it builds after the first
paint are built and the profile store is open ("complete"). The parent subtracts the time it
started the child. Python's bytecode is compiled once into a temporary folder
(``PYTHONPYCACHEPREFIX``), as it is in an installed copy, even where PYTHONDONTWRITEBYTECODE is
set. The two cases alternate, so a change in machine load hits both; the ratio is comparable
across machines. A benchmark, not a test: it prints a Markdown table and exits 0.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = r"""
import json, os, resource, sys, time
sys.path.insert(0, {root!r})

def rss_kb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

if {bare!r}:
    from PySide6.QtWidgets import QApplication, QLabel, QMainWindow
    app = QApplication(sys.argv)
    window = QMainWindow(); window.setCentralWidget(QLabel("绿策通")); window.resize(1280, 800)
    window.show()
    helper = None
else:
    # What `python main.py` does before its window: the (empty) command line, then ui.app.
    import main
    main.build_parser().parse_args([])
    from ui.app import create_window
    app, window = create_window(sys.argv[:1])
    window.dirty = False
from PySide6.QtCore import QEvent, QObject, QTimer
report = {{}}

def done_if_complete():
    if "painted" in report and "ready" in report:
        print(json.dumps(report), flush=True)
        QTimer.singleShot(0, app.quit)

class FirstPaint(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint and "painted" not in report:
            report.update(painted=time.time(), rss_kb=rss_kb())
            if helper is None:
                report.update(ready=report["painted"], ready_rss_kb=report["rss_kb"])
            QTimer.singleShot(0, done_if_complete)
        return False

def ready():
    report.update(ready=time.time(), ready_rss_kb=rss_kb())
    done_if_complete()

if not {bare!r}:
    # The parts built after the first paint (ui.widgets.run_after_first_paint): "complete".
    # None for a version of the application that builds everything before it (complete = paint).
    helper = window.findChild(QObject, "afterFirstPaint")
    if helper is not None:
        helper.finished.connect(ready)
watcher = FirstPaint()
window.installEventFilter(watcher)
app.exec()
"""


def one_run(bare: bool, env: dict) -> dict:
    code = CHILD.format(root=str(ROOT), bare=bare)
    started = time.time()
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                          timeout=120)
    line = [text for text in proc.stdout.splitlines() if text.startswith("{")]
    if proc.returncode != 0 or not line:
        raise SystemExit(f"child failed ({proc.returncode}): {proc.stderr[-2000:]}")
    data = json.loads(line[-1])
    return {"paint": (data["painted"] - started) * 1000, "rss": data["rss_kb"] / 1024,
            "ready": (data["ready"] - started) * 1000, "ready_rss": data["ready_rss_kb"] / 1024}


def _median_iqr(values: list[float]) -> tuple[float, float]:
    values = sorted(values)
    return statistics.median(values), values[len(values) * 3 // 4] - values[len(values) // 4]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    temp = tempfile.mkdtemp(prefix="gm-bench-")
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen"),
           "GREENMEASURES_DATA_DIR": str(Path(temp) / "data"),
           "GREENMEASURES_CONFIG_DIR": str(Path(temp) / "config"),
           "GREENMEASURES_CACHE_DIR": str(Path(temp) / "cache"),
           # Bytecode as an installed copy has it (pip and PyInstaller compile .pyc), written to a
           # folder of our own so that the working tree is not touched.
           "PYTHONPYCACHEPREFIX": str(Path(temp) / "pycache")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    one_run(False, env)            # builds the measures cache and the bytecode once
    rows = {}
    cases = (("bare PySide6 window", True), ("绿策通 main window", False))
    samples = {name: [] for name, _bare in cases}
    for _ in range(args.runs):      # interleaved, so that a change in machine load hits both
        for name, bare in cases:
            samples[name].append(one_run(bare, env))
    for name, runs in samples.items():
        paint, iqr = _median_iqr([r["paint"] for r in runs])
        ready, ready_iqr = _median_iqr([r["ready"] for r in runs])
        rows[name] = (paint, iqr, max(r["rss"] for r in runs), ready, ready_iqr,
                      max(r["ready_rss"] for r in runs))
    base = rows["bare PySide6 window"][0]
    print(f"# bench_startup — {time.strftime('%Y-%m-%d')}\n")
    print(f"Python {platform.python_version()}, {platform.platform()}, {os.cpu_count()} CPUs, "
          f"QT_QPA_PLATFORM={env['QT_QPA_PLATFORM']}, {args.runs} runs each, "
          f"load average {os.getloadavg()[0]:.2f} at the end\n")
    print("| case | median ms to first paint | IQR ms | ratio to bare | peak RSS MiB at first paint "
          "| median ms to complete | IQR ms | peak RSS MiB when complete |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, (paint, iqr, rss, ready, ready_iqr, ready_rss) in rows.items():
        print(f"| {name} | {paint:.0f} | {iqr:.0f} | {paint / base:.2f}× | {rss:.0f} "
              f"| {ready:.0f} | {ready_iqr:.0f} | {ready_rss:.0f} |")
    print("\nAim: the main window ≤ 1.5× the bare window at first paint. Complete: the parts built "
          "after the first paint are built and the profile store is open (the bare window is "
          "complete at its first paint).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
