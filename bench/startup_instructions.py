"""Instructions executed up to the first paint, counted by Valgrind: a start-up figure that the
machine's load does not change (bench/bench_startup.py times the same starts in milliseconds).

    python bench/startup_instructions.py [--before DIR]

For each case (the bare window of bench/bare.py, ``python main.py`` here, and with ``--before``
the same in another checkout) a child runs the start exactly as that program does, under
``valgrind --tool=callgrind``, and leaves at the window's first paint; the instructions it
executed (callgrind's "Collected") are printed with their ratio to the bare window. The child is a
small harness (``--child``), not the program itself, so the figure is the start's work only, not
its wall-clock time: reading files, waiting for the X server and the CPU's speed are not counted.
About 20 s per case. A benchmark, not a test: it prints a Markdown table and exits 0.
"""
from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def child(case: str) -> None:
    """The start of ``case`` up to its first paint, then leave at once (run under Valgrind)."""
    sys.path.insert(0, os.getcwd())
    # The probe's Qt names (ui/startup_probe.py): both programs import them in the benchmark.
    if case == "bare":
        from PySide6.QtWidgets import QApplication, QLabel, QMainWindow
        app = QApplication(sys.argv[:1])
        window = QMainWindow()
        window.setCentralWidget(QLabel("绿策通"))
        window.resize(1280, 800)
        window.show()
    else:
        import main
        # As main.run_window does; older checkouts import ui.app directly.
        module = main.window_module() if hasattr(main, "window_module") else __import__(
            "ui.app", fromlist=["create_window"])
        app, window = module.create_window(sys.argv[:1])
    from PySide6.QtCore import QEvent, QObject, Qt, QTimer  # noqa: F401 - as the probe does

    class LeaveAtPaint(QObject):
        def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt API
            if event.type() == QEvent.Type.Paint:
                os._exit(0)
            return False
    leave = LeaveAtPaint()
    window.installEventFilter(leave)
    app.exec()


def count(case: str, cwd: Path, env: dict) -> int:
    command = [sys.executable, str(Path(__file__).resolve()), "--child", case]
    subprocess.run(command, cwd=cwd, env=env, capture_output=True, check=True, timeout=120)  # bytecode
    proc = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *command],
                          cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    found = re.search(r"Collected\s*:\s*(\d+)", proc.stderr)
    if proc.returncode != 0 or not found:
        raise SystemExit(f"{case} in {cwd} failed ({proc.returncode}): {proc.stderr[-2000:]}")
    return int(found.group(1))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--before", type=Path, metavar="DIR", help="also count `main.py` in DIR")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return 0
    temp = Path(tempfile.mkdtemp(prefix="gm-instructions-"))
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONHASHSEED": "0",
           "GREENMEASURES_DATA_DIR": str(temp / "data"),
           "GREENMEASURES_CONFIG_DIR": str(temp / "config"),
           "GREENMEASURES_CACHE_DIR": str(temp / "cache"),
           "PYTHONPYCACHEPREFIX": str(temp / "pycache")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    cases = [("bare window", "bare", ROOT), ("绿策通 (`main.py`)", "main", ROOT)]
    if args.before is not None:
        cases.append((f"before: `main.py` in {args.before.name}", "main", args.before.resolve()))
    counts = [(name, count(case, cwd, env)) for name, case, cwd in cases]
    print("| case | instructions to the first paint (millions) | ratio to bare |\n|---|---:|---:|")
    for name, n in counts:
        print(f"| {name} | {n / 1e6:,.0f} | {n / counts[0][1]:.2f}× |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
