"""Benchmark of measure packs (绿策通 GreenMeasures).

    python bench/bench_pack.py [--repeat N]

Median and interquartile range, after a warm-up, of:

  baseline   reading the pack's ZIP members and hashing each with SHA-256: the floor any
             integrity check of the same bytes pays, measured in the same run; every case is
             also given as a ratio to it;
  signature  the Ed25519 check over the whole file (what refuses a tampered pack);
  verify     every check of core.measures.pack.verify_pack_bytes (signature, hashes, schema,
             the database's quick_check and counts, the sources through the validator);
  import     verify + unpack + atomic switch (core.measures.installed.import_pack), into a fresh
             temporary data folder each time;
  rollback   the switch back (state.json rewrite);
  build      validating, compiling and signing the bundled data (publisher side);
  changes    what changed for one company: the profile evaluated on both databases and compared.

It asserts nothing and exits 0; docs/benchmarks.md records results.
"""
from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import io
import os
import platform
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.bench_check import fmt, measure, summary  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="bench-pack-"))
    os.environ["GREENMEASURES_DATA_DIR"] = str(work / "data")
    os.environ.setdefault("GREENMEASURES_CACHE_DIR", str(work / "cache"))

    from core.engine.changes import compare_databases
    from core.measures import installed as inst
    from core.measures import pack as packmod
    from core.measures.store import MeasuresDB
    from tests.packs import make_keys, next_release
    from tests.test_pack import LUOHU_COMPANY

    private, keys = make_keys()
    packmod.trusted_keys = lambda folder=None: keys       # the benchmark's own publisher key
    sources, seeds = next_release(work / "next")
    data = packmod.build_pack(private, sources, seeds)
    archive = data[packmod.HEADER_LENGTH:]

    def baseline():
        with zipfile.ZipFile(io.BytesIO(archive)) as z:
            for name in z.namelist():
                hashlib.sha256(z.read(name)).digest()

    def signature():
        packmod._check_signature(data, keys)

    counter = iter(range(10**9))

    def fresh_import():
        os.environ["GREENMEASURES_DATA_DIR"] = str(work / f"data-{next(counter)}")
        inst.import_pack(data)

    def rollback():
        inst.rollback()

    inst.import_pack(data)
    switch = inst.rollback()
    switch = inst.rollback()     # back to the pack: before = bundled, after = pack
    old, new = MeasuresDB(switch.before.path), MeasuresDB(switch.after.path)

    rows = []
    base = summary(measure(baseline, args.repeat))
    rows.append(("baseline: read + SHA-256 every member", base))
    rows.append(("signature: Ed25519 over the whole file", summary(measure(signature, args.repeat))))
    rows.append(("verify: every check",
                 summary(measure(lambda: packmod.verify_pack_bytes(data), args.repeat))))
    rows.append(("import: verify + unpack + switch", summary(measure(fresh_import, args.repeat))))
    rows.append(("rollback: switch back", summary(measure(rollback, args.repeat))))
    rows.append(("build: validate + compile + sign", summary(
        measure(lambda: packmod.build_pack(private, sources, seeds), max(3, args.repeat // 3)))))
    rows.append(("changes: one company, both databases", summary(measure(
        lambda: compare_databases(old, new, LUOHU_COMPANY, dt.date(2026, 11, 21)), args.repeat))))
    old.close()
    new.close()

    print(f"# Measure pack benchmark — {dt.date.today()} · Python {platform.python_version()} · "
          f"{platform.machine()} · pack {len(data) // 1024} KB\n")
    print("| case | median ms | IQR ms | ratio to baseline |")
    print("|---|---:|---:|---:|")
    for name, (median, iqr) in rows:
        print(f"| {name} | {fmt(median)} | {fmt(iqr)} | {median / base[0]:.2f}× |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
