"""Start-up as a user meets it: ``python main.py`` against ``python bench/bare.py``, plain processes.

    python bench/bench_startup.py [--runs 9]
    xvfb-run -a python bench/bench_startup.py --platform xcb     # with a real X server

Each run spawns the program exactly as a user does, with one difference: the environment variable
GREENMEASURES_STARTUP_PROBE names a file, and ui/startup_probe.py (in both programs, the same code)
writes to it the wall-clock times of the window's first paint and of the moment it became
interactive (the event loop keeps answering within 50 ms for 300 ms; see the probe), and its
peak memory, then leaves the event loop. The parent takes its time just before the spawn, so
the interpreter's start, every import and the window's building are in the figures, and no
harness code runs in the measured process. Peak RSS of the whole process comes from ``wait4``.

The two cases alternate, so a change in machine load hits both; the load average is printed at
the start and the end. Each case's data, settings and caches live in a temporary folder; the
measures cache and Python's bytecode are made once before the timed runs (``PYTHONPYCACHEPREFIX``:
an installed copy has its .pyc files, even where PYTHONDONTWRITEBYTECODE is set). A benchmark, not
a test: it prints a Markdown table and exits 0.
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
sys.path.insert(0, str(ROOT))

from ui.startup_probe import ENV  # noqa: E402 - the probe's variable, one name for both sides

CASES = {"bare window (`python bench/bare.py`)": ["bench/bare.py"],
         "绿策通 (`python main.py`)": ["main.py"]}


def one_run(args: list[str], env: dict, out: Path, cwd: Path = ROOT) -> dict:
    out.unlink(missing_ok=True)
    started = time.time()
    proc = subprocess.Popen([sys.executable, *args], cwd=cwd, env={**env, ENV: str(out)},
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    # wait4, not Popen.wait: it gives this child's own peak RSS (Popen would reap it first).
    deadline = started + 120
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            proc.returncode = os.waitstatus_to_exitcode(status)
            break
        if time.time() > deadline:
            proc.kill()
            raise SystemExit(f"{args[0]} did not finish in 120 s")
        time.sleep(0.005)
    stderr = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if proc.returncode != 0 or not out.exists():
        raise SystemExit(f"{args[0]} failed ({proc.returncode}): {stderr[-2000:]}")
    data = json.loads(out.read_text(encoding="utf-8"))
    if "interactive" not in data:
        raise SystemExit(f"{args[0]} never became interactive: {data}")
    ms = {key: (data[key] - started) * 1000 for key in ("painted", "interactive", "settled")}
    ms["complete"] = (data["complete"] - started) * 1000 if data.get("complete") else ms["interactive"]
    # The CPU time to the first paint (the process's own, interpreter start included) varies far
    # less with the machine's load than the wall-clock time; older probes did not record it.
    cpu = data["paint_cpu_s"] * 1000 if "paint_cpu_s" in data else None
    return {**ms, "paint_cpu": cpu, "paint_rss": data["paint_rss_kb"] / 1024,
            "peak_rss": usage.ru_maxrss / 1024, "late": data["late_ticks_ms"]}


def median_iqr(values: list[float]) -> tuple[float, float]:
    values = sorted(values)
    q = statistics.quantiles(values, n=4) if len(values) > 1 else [values[0]] * 3
    return statistics.median(values), q[2] - q[0]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--platform", default=os.environ.get("QT_QPA_PLATFORM", "offscreen"),
                        help="QT_QPA_PLATFORM for the children (xcb needs a display: xvfb-run)")
    parser.add_argument("--before", type=Path, metavar="DIR",
                        help="also time `python main.py` in DIR, another version of the "
                             "application with ui/startup_probe.py attached the same way")
    args = parser.parse_args()
    temp = Path(tempfile.mkdtemp(prefix="gm-bench-"))
    env = {**os.environ, "QT_QPA_PLATFORM": args.platform,
           "GREENMEASURES_DATA_DIR": str(temp / "data"),
           "GREENMEASURES_CONFIG_DIR": str(temp / "config"),
           "GREENMEASURES_CACHE_DIR": str(temp / "cache"),
           "PYTHONPYCACHEPREFIX": str(temp / "pycache")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    out = temp / "probe.json"
    cases = {name: (case, ROOT) for name, case in CASES.items()}
    if args.before is not None:
        cases[f"before: `python main.py` in {args.before.name}"] = (["main.py"], args.before.resolve())
    load_start = os.getloadavg()
    for case, cwd in cases.values():     # the measures cache and the bytecode, once
        one_run(case, env, out, cwd)
    samples: dict[str, list[dict]] = {name: [] for name in cases}
    for _ in range(args.runs):       # alternating, so that a change in load hits every case
        for name, (case, cwd) in cases.items():
            samples[name].append(one_run(case, env, out, cwd))
    load_end = os.getloadavg()

    bare = next(iter(CASES))
    base = {key: median_iqr([r[key] for r in samples[bare]])[0] for key in ("painted", "interactive")}
    base_cpu = median_iqr([r["paint_cpu"] for r in samples[bare]])[0]
    print(f"# bench_startup — {time.strftime('%Y-%m-%d %H:%M')}\n")
    print(f"Python {platform.python_version()}, {platform.platform()}, {os.cpu_count()} CPUs, "
          f"QT_QPA_PLATFORM={args.platform}, {args.runs} runs each (alternating); load average "
          f"(1/5/15 min) {'/'.join(f'{v:.2f}' for v in load_start)} at the start, "
          f"{'/'.join(f'{v:.2f}' for v in load_end)} at the end\n")
    print("| case | first paint, median ms | IQR | ratio to bare | interactive, median ms | IQR "
          "| ratio to bare | complete, median ms | settled, median ms | CPU to paint, median ms "
          "| ratio to bare | RSS at paint MiB | peak RSS MiB |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, runs in samples.items():
        paint, paint_iqr = median_iqr([r["painted"] for r in runs])
        ready, ready_iqr = median_iqr([r["interactive"] for r in runs])
        complete, _iqr = median_iqr([r["complete"] for r in runs])
        settled, _iqr = median_iqr([r["settled"] for r in runs])
        cpus = [r["paint_cpu"] for r in runs if r["paint_cpu"] is not None]
        cpu = (f"{median_iqr(cpus)[0]:.0f} | {median_iqr(cpus)[0] / base_cpu:.2f}×"
               if len(cpus) == len(runs) else "– | –")
        print(f"| {name} | {paint:.0f} | {paint_iqr:.0f} | {paint / base['painted']:.2f}× "
              f"| {ready:.0f} | {ready_iqr:.0f} | {ready / base['interactive']:.2f}× | {complete:.0f} "
              f"| {settled:.0f} | {cpu} "
              f"| {max(r['paint_rss'] for r in runs):.0f} | {max(r['peak_rss'] for r in runs):.0f} |")
    print("\nAims (issue 18): first paint ≤ 1.3×, interactive ≤ 1.5× the bare window. Interactive: "
          "the start of the first 300 ms after the first paint in which a 10 ms timer is never "
          "more than 50 ms late. Complete: the work deferred past the first paint has run. "
          "Settled: the start of the quiet 300 ms after which no tick was late (= interactive "
          "when nothing stalls the loop later). CPU to paint: the process's CPU time (all its "
          "threads, interpreter start included) at the first paint; on a shared machine it "
          "varies less with the load than the wall-clock times.")
    for name, runs in samples.items():
        late = sorted(ms for r in runs for ms in r["late"])
        if late:
            print(f"\n{name}: ticks late by more than 50 ms after the first paint, all runs: "
                  f"{len(late)}, largest {late[-1]} ms, median {statistics.median(late):.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
