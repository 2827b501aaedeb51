"""Cold start to the first painted window: the application against a bare PySide6 window.

    python bench/bench_startup.py [--runs 9]

Each run is a new process (cold as far as Python is concerned; the OS file cache is warm after the
first). The child reports the wall-clock time of its window's first paint event and its peak
resident memory; the parent subtracts the time it started the child. Both cases start the same
way in the same run, so the ratio is comparable across machines. A benchmark, not a test: it
prints a Markdown table and exits 0.
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

CHILD = r'''
import json, os, resource, sys, time
sys.path.insert(0, {root!r})
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow, QLabel

class FirstPaint(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Paint and not getattr(self, "done", False):
            self.done = True
            painted = time.time()
            rss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            print(json.dumps({{"painted": painted, "rss_kb": rss_kb}}), flush=True)
            QTimer.singleShot(0, QApplication.instance().quit)
        return False

if {bare!r}:
    app = QApplication(sys.argv)
    window = QMainWindow(); window.setCentralWidget(QLabel("绿策通")); window.resize(1280, 800)
    window.show()
else:
    from ui.app import create_window
    app, window = create_window(sys.argv)
    if window is not None:
        window.dirty = False
watcher = FirstPaint()
window.installEventFilter(watcher)
app.exec()
'''


def one_run(bare: bool, env: dict) -> tuple[float, int]:
    code = CHILD.format(root=str(ROOT), bare=bare)
    started = time.time()
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                          timeout=120)
    line = [l for l in proc.stdout.splitlines() if l.startswith("{")]
    if proc.returncode != 0 or not line:
        raise SystemExit(f"child failed ({proc.returncode}): {proc.stderr[-2000:]}")
    data = json.loads(line[-1])
    return (data["painted"] - started) * 1000, data["rss_kb"]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    temp = tempfile.mkdtemp(prefix="gm-bench-")
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen"),
           "GREENMEASURES_DATA_DIR": str(Path(temp) / "data"),
           "GREENMEASURES_CONFIG_DIR": str(Path(temp) / "config"),
           "GREENMEASURES_CACHE_DIR": str(Path(temp) / "cache")}
    one_run(False, env)            # builds the measures cache once, as a first start would
    rows = {}
    for name, bare in (("bare PySide6 window", True), ("绿策通 main window", False)):
        samples = [one_run(bare, env) for _ in range(args.runs)]
        times = sorted(t for t, _ in samples)
        rows[name] = (statistics.median(times), times[len(times) * 3 // 4] - times[len(times) // 4],
                      max(r for _, r in samples) / 1024)
    base = rows["bare PySide6 window"][0]
    print(f"# bench_startup — {time.strftime('%Y-%m-%d')}\n")
    print(f"Python {platform.python_version()}, {platform.platform()}, {os.cpu_count()} CPUs, "
          f"QT_QPA_PLATFORM={env['QT_QPA_PLATFORM']}, {args.runs} runs each\n")
    print("| case | median ms to first paint | IQR ms | ratio to bare | peak RSS MiB |")
    print("|---|---:|---:|---:|---:|")
    for name, (median, iqr, rss) in rows.items():
        print(f"| {name} | {median:.0f} | {iqr:.0f} | {median / base:.2f}× | {rss:.0f} |")
    print("\nAim: the main window ≤ 1.5× the bare window.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
