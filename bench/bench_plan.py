"""Benchmark of the stacking plan at scale (绿策通 GreenMeasures).

    python bench/bench_plan.py [--repeat N] [--sizes 20,100,300,1000]

For each number of projects, the median and interquartile range, after a warm-up, of:

  baseline   json.loads(json.dumps(profile)) on that profile: a cost linear in the projects,
             measured in the same run; every case is also given as a ratio to it;
  check      Engine.evaluate on the bundled database: a 罗湖 company with that many distributed
             PV projects (tests/test_plan_scale.many_pv_profile; all eligible for the district's
             per-kWh subsidy under one 100 万元 company cap, two in three thin film and half of those
             also eligible for the conflicting municipal subsidy);
  knapsack   core.engine.stacking.make_plan alone on the hard case: every project chooses between a
             capped measure and a smaller rival, and the shared cap binds
             (tests/test_plan_scale._knapsack). Also reported: whether the plan was proven optimal,
             and its distance to an upper bound (the fractional knapsack's optimum).

It asserts nothing and exits 0; docs/benchmarks.md records results.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import sys
import tempfile
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.bench_check import fmt, measure, summary  # noqa: E402

AS_OF = dt.date(2025, 6, 30)


def fractional_bound(results) -> Decimal:
    """An upper bound for the knapsack case: every rival, plus the best gains per yuan of cap
    (capped amount minus its rival) filling the cap, the last one in part."""
    pairs = [(results[i].amount_max, results[i + 1].amount_max) for i in range(0, len(results), 2)]
    cap = results[0].company_year_cap
    bound = sum((b for _, b in pairs), Decimal(0))
    for a, b in sorted(pairs, key=lambda p: (p[1] / p[0], p[0])):
        use = min(a, cap)
        bound += (a - b) * use / a
        cap -= use
        if cap <= 0:
            break
    return bound


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, help="samples per case (default: 20, 7 from 300 projects)")
    parser.add_argument("--sizes", default="20,100,300,1000")
    args = parser.parse_args(argv)
    os.environ.setdefault("GREENMEASURES_CACHE_DIR", tempfile.mkdtemp(prefix="bench-plan-"))

    from core.engine.evaluate import Engine
    from core.engine.stacking import make_plan
    from core.measures.store import open_bundled
    from tests.test_plan_scale import _knapsack, many_pv_profile

    db = open_bundled()
    engine = Engine.for_database(db)
    print(f"Python {platform.python_version()}, {platform.platform()}, {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.2f}")
    print()
    print("| projects | samples | baseline ms | check ms (IQR) | ratio | plan items | "
          "knapsack ms (IQR) | ratio | proven | below bound |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|")
    for n in (int(s) for s in args.sizes.split(",")):
        samples = args.repeat or (20 if n < 300 else 7)
        profile = many_pv_profile(n)
        base, _ = summary(measure(lambda profile=profile: json.loads(json.dumps(profile)), samples * 5))
        ev = engine.evaluate(profile, AS_OF)
        check, check_iqr = summary(measure(lambda profile=profile: engine.evaluate(profile, AS_OF), samples))
        results, edges = _knapsack(n)
        plan = make_plan(results, edges)
        hard, hard_iqr = summary(measure(lambda results=results, edges=edges: make_plan(results, edges),
                                         samples))
        gap = 1 - plan.total_max / fractional_bound(results)
        print(f"| {n} | {samples} | {fmt(base)} | {fmt(check)} ({fmt(check_iqr)}) | {check / base:,.0f}× "
              f"| {len(ev.plan.selected)} | {fmt(hard)} ({fmt(hard_iqr)}) | {hard / base:,.0f}× "
              f"| {'yes' if plan.optimal else 'no'} | {float(gap):.3%} |")
    db.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
