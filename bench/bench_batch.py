"""Benchmark of the batch check (issue 19): 500 companies at once against 500 single checks.

    python bench/bench_batch.py [--companies N] [--repeat N]

Measures, with time.perf_counter, the median and the interquartile range (IQR) of:

  single   the baseline: for each of N profile files, what `check --json` does in process after
           the engine is built: load_profile, Engine.evaluate, report.to_json (and json.dumps);
  batch    core.batch.check_files over the same N files (load, evaluate, expiring soon, one row
           per company), then the rows of every company (core.batch.result_rows);
  workbook core.batch_export.workbook_bytes of that batch (XlsxWriter, in memory);
  csv      core.batch_export.write_csv of that batch into a temporary folder.

Each case is also reported as a ratio to `single`. The N profiles are the benchmark profile of
bench/bench_check.py (a company with 20 projects) and the contract profile, alternating, each
with its own name. This is a benchmark, not a test: it asserts no times and exits 0. See
docs/benchmarks.md.
"""
from __future__ import annotations

import argparse
import copy
import datetime as dt
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

AS_OF = dt.date(2025, 6, 30)


def quartiles(samples: list[float]) -> tuple[float, float]:
    q = statistics.quantiles(samples, n=4)
    return statistics.median(samples), q[2] - q[0]


def timed(fn, repeat: int) -> list[float]:
    fn()                                   # warm-up
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--companies", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    os.environ["GREENMEASURES_CACHE_DIR"] = tempfile.mkdtemp(prefix="gm-bench-cache-")
    from bench.bench_check import make_profile
    from core.batch import check_files, result_rows
    from core.batch_export import workbook_bytes, write_csv
    from core.engine.evaluate import Engine
    from core.engine.report import to_json
    from core.measures.store import open_bundled
    from core.profile import load_profile
    from tests.test_cli_check import CONTRACT_PROFILE

    engine = Engine.for_database(open_bundled())
    folder = Path(tempfile.mkdtemp(prefix="gm-bench-batch-"))
    bases = [make_profile(), CONTRACT_PROFILE]
    files = []
    for i in range(args.companies):
        profile = copy.deepcopy(bases[i % 2])
        profile["company"]["name"] = f"深圳市基准测试{i}号有限公司"
        path = folder / f"c{i:04}.json"
        path.write_text(json.dumps(profile, ensure_ascii=False), encoding="utf-8")
        files.append(path)

    def single():
        for path in files:
            json.dumps(to_json(engine.evaluate(load_profile(path), AS_OF)), ensure_ascii=False)

    held = {}

    def batch():
        b = check_files(files, engine, AS_OF)
        for c in b.companies:
            result_rows(c.evaluation)
        held["batch"] = b

    out_dir = Path(tempfile.mkdtemp(prefix="gm-bench-csv-"))
    cases = [("single (baseline)", single), ("batch", batch),
             ("workbook", lambda: workbook_bytes(held["batch"])),
             ("csv", lambda: write_csv(held["batch"], out_dir))]
    results = []
    for name, fn in cases:
        results.append((name, quartiles(timed(fn, args.repeat))))
    base = results[0][1][0]
    print(f"# batch benchmark: {args.companies} companies, {args.repeat} samples each")
    print(f"python {platform.python_version()}, {platform.machine()}, "
          f"load average {os.getloadavg()[0]:.2f}" if hasattr(os, "getloadavg") else "")
    print()
    print("| case | median (s) | IQR (s) | per company (ms) | ratio to single |")
    print("|---|---:|---:|---:|---:|")
    for name, (median, iqr) in results:
        print(f"| {name} | {median:.3f} | {iqr:.3f} | {median / args.companies * 1000:.2f} | "
              f"{median / base:.2f} |")
    batch_total = sum(m for n, (m, _i) in results if n != "single (baseline)" and n != "csv")
    print()
    print(f"batch + workbook: {batch_total:.3f} s, ratio to single {batch_total / base:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
