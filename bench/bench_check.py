"""Benchmark of the eligibility check (绿策通 GreenMeasures).

    python bench/bench_check.py [--repeat N] [--profile]

Measures, with time.perf_counter, the median and the interquartile range (IQR) of:

  baseline  json.loads(json.dumps(profile)) on the benchmark profile, and a trivial Python walk
            over the 10,000 synthetic measures' criteria trees, measured in the same run, so that
            every case is also reported as a ratio to the baseline (machines differ; ratios compare);
  (a)       opening the bundled measures database (cache already built) and building the Engine;
  (a0)      the first start: compiling the YAML sources into SQLite, then (a);
  (b)       Engine.evaluate(profile, as_of) on the bundled database (engine already built);
  (c)       the same profile against a synthetic database of 10,000 measures in 100 documents,
            cloned from the real measures and documents (same criteria, formulas, stacking classes
            and subjects; new ids and document keys);
  (c3)      as (c) on the fair database: each clone generation gets its own thresholds in its
            comparisons (`synthesize(distinct_constants=True)`), so that no two generations share
            a numeric predicate (the engine shares the verdict of identical predicates per subject);
  (c2)      diagnostic: as (c), but each clone generation gets its own stacking classes, so the
            conflict graph is the real one repeated instead of ~70 times denser.

`--scaling` instead times the grid of issue 18: 1k / 5k / 10k / 50k synthetic measures (built as
for (c)) × profiles of 1 / 20 / 100 / 300 projects (the benchmark projects, cycled with new ids),
each cell as a median with its ratio to the baseline walk over the same measures, measured in the
same run, then the growth exponents (log-log slopes) along each axis.

The profile is a company with every company fact filled and 20 projects of varied types.
This is a benchmark, not a test: it asserts no times and exits 0. `--profile` also runs cProfile
on (b) and (c) and prints where the time goes. See docs/benchmarks.md.
"""
from __future__ import annotations

import argparse
import copy
import cProfile
import datetime as dt
import gc
import io
import json
import os
import platform
import pstats
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# Issue 18's aim for one profile against 10,000 measures (before it, 200 ms); (b)'s is 5 ms.
AIM_SYNTHETIC_MS = 100.0
AS_OF = dt.date(2025, 6, 30)          # last_year = 2024; every funding document is in force
SYNTHETIC_MEASURES = 10_000
SYNTHETIC_DOCUMENTS = 100

# Samples per case when --repeat is not given: many for the fast cases, fewer for the slow ones.
DEFAULT_SAMPLES = {"baseline_json": 2000, "baseline_walk": 200, "load": 50, "cold": 7,
                   "bundled": 500, "synthetic": 15}


# -- the profile ----------------------------------------------------------------------------------

def _project(pid: str, name: str, ptype: str, *, district: str = "luohu", invest: int,
             commissioned: str = "2024-03-15", **facts) -> dict:
    """A project with the facts every type shares, plus the type's own facts."""
    project = {
        "id": pid, "name": name, "type": ptype, "district": district, "property": "social",
        "investment_total": invest,
        "investment_approved": int(invest * 0.95),
        "investment_actual": invest,
        "investment_social_share": invest,
        "titles": [],
        "commissioned_on": commissioned,
        "completed_on": commissioned,
        "completion_filed": True,
    }
    project.update(facts)
    return project


def make_profile() -> dict:
    """A realistic profile: a 罗湖 energy-service company with 20 projects of 19 types."""
    company = {
        "name": "深圳市罗湖绿能综合能源服务有限公司",
        "uscc": "91440303MA5GK7QJ2U",      # check character per GB 32100-2015
        "district": "luohu",
        "entity_type": "enterprise",
        "independent_legal_person": True,
        "fields": ["new_energy", "clean_energy.pv", "clean_energy.energy_storage", "energy_saving",
                   "carbon_management", "resource_recycling"],
        "business_lines": ["energy_service", "carbon_service"],
        "settled_in_district_on": "2023-05-01",
        "years": {
            "2022": {"revenue": 41_000_000, "sales": 38_000_000, "nev_sales": 0,
                     "platform_turnover": 0, "in_statistics": False, "above_designated_size": False},
            "2023": {"revenue": 52_000_000, "sales": 47_500_000, "nev_sales": 0,
                     "platform_turnover": 0, "in_statistics": True, "above_designated_size": True},
            "2024": {"revenue": 68_500_000, "sales": 61_200_000, "nev_sales": 0,
                     "platform_turnover": 0, "in_statistics": True, "above_designated_size": True},
        },
        "carbon_footprint_certificates": [
            {"obtained_on": "2024-08-01", "scheme": "gba", "product": "分布式光伏组件"},
            {"obtained_on": "2024-10-15", "scheme": "gba", "product": "储能变流器"},
            {"obtained_on": "2023-11-20", "scheme": "gba", "product": "充电桩"},
        ],
        "standards": [
            {"level": "group", "role": "lead", "domain": "carbon_footprint",
             "published_on": "2024-05-10", "title": "分布式光伏组件碳足迹核算规范"},
            {"level": "national", "role": "participate", "domain": "carbon_metrology",
             "published_on": "2024-09-01", "title": "温室气体排放计量技术规范"},
            {"level": "local", "role": "lead", "domain": "green_low_carbon",
             "published_on": "2023-12-01", "title": "公共建筑能源托管服务规范"},
        ],
        "green_finance_platform_listed": True,
        "green_loans": [{"amount": 20_000_000, "issued_on": "2025-03-01"},
                        {"amount": 8_000_000, "issued_on": "2024-07-18"}],
        "innovation_carriers": [
            {"kind": "municipal_engineering_research_center", "established_on": "2024-06-01"},
            {"kind": "public_technology_service_platform", "established_on": "2023-09-12"},
        ],
        "grid_voltage_kv": 10,
        "load_management_system": True,
        "demand_response": [{"completed_on": "2025-01-10", "compensation": 300_000},
                            {"completed_on": "2024-08-06", "compensation": 120_000}],
    }
    demo = [{"level": "municipal", "kind": "demonstration", "obtained_on": "2024-11-01"}]
    projects = [
        _project("p01", "厂房屋顶分布式光伏", "distributed_pv", invest=3_200_000,
                 commissioned="2024-01-15", capacity_kw=800, pv_technology="conventional",
                 grid_connected_on="2024-03-01",
                 generation_kwh={"2023": 0, "2024": 900_000}),
        _project("p02", "商业综合体薄膜光伏幕墙", "distributed_pv", invest=1_600_000,
                 commissioned="2023-06-20", capacity_kw=350, pv_technology="thin_film",
                 grid_connected_on="2023-07-01",
                 generation_kwh={"2023": 180_000, "2024": 360_000}),
        _project("p03", "东门超级充电站", "super_charging_station", invest=6_800_000,
                 host_max_dc_kw=720, max_terminal_kw=480),
        _project("p04", "园区综合能源站", "integrated_energy", invest=18_000_000,
                 titles=demo, energy_saving_rate=0.14),
        _project("p05", "楼宇虚拟电厂聚合", "vpp_aggregation", invest=2_500_000,
                 connected_to_vpp_center=True),
        _project("p06", "总部超低能耗办公楼", "green_building", invest=85_000_000,
                 commissioned="2024-09-30", public_building=False,
                 building_labels=[{"kind": "ultra_low_energy", "level": "municipal"}],
                 construction_install_cost=50_000_000),
        _project("p07", "笋岗近零碳排放园区", "near_zero_carbon_zone", invest=42_000_000,
                 scope="comprehensive",
                 titles=[{"level": "municipal", "kind": "near_zero_carbon_pilot",
                          "obtained_on": "2023-12-20"}]),
        _project("p08", "数据中心液冷节能改造", "data_center_energy_saving", invest=12_000_000,
                 energy_saving_rate=0.18),
        _project("p09", "再生资源回收示范站", "resource_recycling_demo", invest=7_500_000,
                 titles=demo),
        _project("p10", "动力电池梯次利用示范", "battery_recycling_demo", invest=9_800_000,
                 titles=[{"level": "provincial", "kind": "demonstration", "obtained_on": "2024-06-01"}]),
        _project("p11", "“四新”光储充示范", "four_new_demo", invest=5_600_000, titles=demo),
        _project("p12", "低碳技术成果转化", "tech_commercialization", invest=4_200_000),
        _project("p13", "清水河加氢站", "hydrogen_station", district="luohu", invest=15_000_000,
                 daily_capacity_kg=600, provincial_subsidy=2_000_000),
        _project("p14", "氢燃料电池物流车示范", "hydrogen_demo", invest=8_000_000,
                 provincial_subsidy=1_200_000, titles=demo),
        _project("p15", "工商业储能示范", "energy_storage_demo", district="longgang",
                 invest=11_000_000, capacity_kw=2_000),
        _project("p16", "5G 基站节能改造", "base_station_energy_saving", invest=2_200_000,
                 energy_saving_rate=0.12),
        _project("p17", "老旧变压器更换", "transformer_replacement", invest=3_100_000,
                 property="government", public_building=True, energy_saving_rate=0.09),
        _project("p18", "园区微电网示范", "microgrid_demo", invest=9_000_000, capacity_kw=1_200),
        _project("p19", "车网互动（V2G）示范", "v2g_demo", district="futian", invest=4_800_000,
                 connected_to_vpp_center=True),
        _project("p20", "中央空调合同能源管理", "central_ac_emc", invest=3_600_000,
                 public_building=True, energy_saving_rate=0.21),
    ]
    return {"format": "greenmeasures.profile/1", "company": company, "projects": projects}


# -- the synthetic database -----------------------------------------------------------------------

def synthesize(measures: list[dict], documents: dict[str, dict], n_measures: int = SYNTHETIC_MEASURES,
               n_documents: int = SYNTHETIC_DOCUMENTS,
               class_per_generation: bool = False,
               distinct_constants: bool = False) -> tuple[list[dict], dict[str, dict]]:
    """n_measures clones of the real measures in n_documents clones of the real documents.

    Clone k copies measure k mod len(measures) (so the mix of criteria, formulas, stacking classes
    and subjects is the real one), in generation g = k // len(measures). Each real document is
    copied n_documents / len(documents) times, keeping its level, validity, applicability and
    stacking rules; generation g puts its clones in copy g mod copies. Ids get the new document key
    and a generation suffix; `excludes: {measures: [...]}` is remapped to the same generation.

    With class_per_generation, each `stacking.class` also gets the generation suffix, so a class
    has as many members as in the real database (diagnostic variant: the real conflict structure,
    repeated; without it a class has ~70× its real members and conflicts grow quadratically).

    With distinct_constants (the fair database), each generation's clones keep the criteria's
    shape but get their own thresholds (`scaled_threshold`): no two generations share a numeric
    comparison, as 10,000 different measures would not. Only the texts' own words repeat (a
    `district == 罗湖`, a list of wanted fields), as they do in the real data.
    """
    real_keys = sorted(documents)
    copies = max(1, n_documents // len(real_keys))
    new_docs: dict[str, dict] = {}
    for c in range(copies):
        for key in real_keys:
            doc = copy.deepcopy(documents[key])
            doc["key"] = f"{key}~s{c:02d}"
            doc["short_title"] = f"{documents[key]['short_title']}（副本{c + 1}）"
            new_docs[doc["key"]] = doc

    def new_id(real_id: str, gen: int) -> str:
        doc_key, _, clause = real_id.partition("/")
        return f"{doc_key}~s{gen % copies:02d}/{clause}~g{gen}"

    out: list[dict] = []
    for k in range(n_measures):
        gen, src = divmod(k, len(measures))
        m = copy.deepcopy(measures[src])
        m["id"] = new_id(m["id"], gen)
        m["document"] = f"{m['document']}~s{gen % copies:02d}"
        if class_per_generation and m["stacking"].get("class"):
            m["stacking"]["class"] = f"{m['stacking']['class']}~g{gen}"
        for rule in m["stacking"].get("excludes") or []:
            if rule.get("measures"):
                rule["measures"] = [new_id(i, gen) for i in rule["measures"]]
        if distinct_constants:
            stack = list(m.get("criteria") or [])
            while stack:
                node = stack.pop()
                if node["type"] != "leaf":
                    stack.extend(node["children"])
                elif node["op"] in SCALED_OPS and isinstance(node.get("value"), (int, float)) \
                        and not isinstance(node["value"], bool):
                    node["value"] = scaled_threshold(node["value"], gen)
        out.append(m)
    return out, new_docs


# The comparisons whose threshold the fair database scales per generation: ordered comparisons
# and growth rates (not counts, years or dates: whole numbers whose meaning a factor would change).
SCALED_OPS = ("ge", "gt", "le", "lt", "growth_ge", "growth_gt")


def scaled_threshold(value: int | float, gen: int) -> int | float:
    """value × (1 + gen / 100,000), exact in decimal: generation 0 keeps the real threshold, the
    others move it by at most 0.36 % at 50,000 measures (357 generations), so the verdicts stay the
    real mix (a figure rarely sits that close to a threshold) while every threshold differs."""
    scaled = Decimal(str(value)) * (1 + Decimal(gen) / 100_000)
    return int(scaled) if scaled == scaled.to_integral_value() else float(scaled)


def walk_measures(measures: list[dict], profile: dict) -> int:
    """Baseline: a trivial Python pass over every measure's criteria tree (reads each leaf's fact
    name and looks its last part up in the company dict); no evaluation at all."""
    company = profile["company"]
    hits = 0
    stack: list = []
    for m in measures:
        stack.extend(m.get("criteria") or [])
        while stack:
            node = stack.pop()
            if node["type"] == "leaf":
                if node["fact"].rsplit(".", 1)[-1] in company:
                    hits += 1
            else:
                stack.extend(node["children"])
    return hits


def scaled_profile(n_projects: int) -> dict:
    """The benchmark company with n_projects projects: the 20 benchmark projects, cycled."""
    profile = make_profile()
    base = profile["projects"]
    projects = []
    for k in range(n_projects):
        project = copy.deepcopy(base[k % len(base)])
        project["id"] = f"p{k + 1:03d}"
        projects.append(project)
    profile["projects"] = projects
    return profile


# -- timing ---------------------------------------------------------------------------------------

def measure(fn, samples: int, warmup: int = 2) -> list[float]:
    """`samples` wall-clock durations of fn() in seconds (GC enabled, as in the application)."""
    for _ in range(warmup):
        fn()
    gc.collect()
    times = []
    for _ in range(samples):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return times


def summary(times: list[float]) -> tuple[float, float]:
    """(median, IQR) in milliseconds."""
    ms = [t * 1000 for t in times]
    if len(ms) >= 4:
        q1, _, q3 = statistics.quantiles(ms, n=4, method="inclusive")
    else:
        q1 = q3 = statistics.median(ms)
    return statistics.median(ms), q3 - q1


def fmt(value: float) -> str:
    if value >= 100:
        return f"{value:.0f}"
    if value >= 10:
        return f"{value:.1f}"
    if value >= 0.1:
        return f"{value:.2f}"
    return f"{value:.3f}"


def profile_call(fn, calls: int, top: int = 18) -> str:
    """cProfile of fn() with GC disabled, so that collector pauses (reported apart by gc_cost) are
    not charged to whichever function happened to allocate."""
    prof = cProfile.Profile()
    gc.collect()
    gc.disable()
    try:
        prof.enable()
        for _ in range(calls):
            fn()
        prof.disable()
    finally:
        gc.enable()
    buf = io.StringIO()
    stats = pstats.Stats(prof, stream=buf).strip_dirs()
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)
    return buf.getvalue()


def gc_cost(fn) -> str:
    """Collections per generation during one fn() (GC enabled, after a full collection)."""
    counts, spent, started = [0, 0, 0], [0.0, 0.0, 0.0], [0.0]

    def callback(phase, info):
        if phase == "start":
            started[0] = time.perf_counter()
        else:
            counts[info["generation"]] += 1
            spent[info["generation"]] += time.perf_counter() - started[0]

    gc.collect()
    gc.callbacks.append(callback)
    try:
        t0 = time.perf_counter()
        fn()
        total = time.perf_counter() - t0
    finally:
        gc.callbacks.remove(callback)
    return (f"one call {total * 1000:.1f} ms, of which GC "
            + ", ".join(f"gen{g} {counts[g]}× {spent[g] * 1000:.1f} ms" for g in range(3))
            + f"; {len(gc.get_objects()):,} objects tracked in the whole process")


def phase_breakdown(engine, profile: dict, calls: int) -> str:
    """Median wall time of the phases of Engine.evaluate, GC disabled, by wrapping the engine's
    own functions: criteria + amounts (Engine._one, summed), find_conflicts, make_plan, and the
    rest (mainly filling each result's conflicts_with). Skipped if the engine was restructured."""
    import core.engine.evaluate  # noqa: F401  (the package re-exports a function of that name)
    ev_mod = sys.modules["core.engine.evaluate"]
    if not all(hasattr(ev_mod, n) for n in ("find_conflicts", "make_plan")) or \
            not hasattr(ev_mod.Engine, "_one"):
        return "(phase breakdown unavailable: the engine's structure changed)"
    spent: dict[str, float] = {}

    def timed(name, fn):
        def wrapper(*a, **k):
            t0 = time.perf_counter()
            try:
                return fn(*a, **k)
            finally:
                spent[name] = spent.get(name, 0.0) + time.perf_counter() - t0
        return wrapper

    originals = {n: getattr(ev_mod, n) for n in ("find_conflicts", "make_plan")}
    one = ev_mod.Engine._one
    rows = []
    try:
        for n, f in originals.items():
            setattr(ev_mod, n, timed(n, f))
        ev_mod.Engine._one = timed("criteria + amounts (Engine._one)", one)
        for _ in range(calls):
            spent.clear()
            gc.collect()
            gc.disable()
            t0 = time.perf_counter()
            engine.evaluate(profile, AS_OF)
            total = time.perf_counter() - t0
            gc.enable()
            row = dict(spent)
            row["other (conflicts_with, notes)"] = total - sum(spent.values())
            row["total"] = total
            rows.append(row)
    finally:
        gc.enable()
        for n, f in originals.items():
            setattr(ev_mod, n, f)
        ev_mod.Engine._one = one
    names = [n for n in rows[0] if n != "total"]
    med = {n: statistics.median(r[n] for r in rows) * 1000 for n in names + ["total"]}
    return "\n".join(f"  {n:34s} {med[n]:9.2f} ms  {med[n] / med['total']:5.0%}" for n in names) + \
        f"\n  {'total (GC off)':34s} {med['total']:9.2f} ms"


def engine_fingerprint() -> str:
    import hashlib
    h = hashlib.sha256()
    for f in sorted((ROOT / "core" / "engine").glob("*.py")):
        h.update(f.name.encode())
        h.update(f.read_bytes())
    return h.hexdigest()[:12]


# -- main -----------------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    defaults = ", ".join(f"{k} {v}" for k, v in DEFAULT_SAMPLES.items())
    parser.add_argument("--repeat", type=int, metavar="N", help=f"samples per case (default: {defaults})")
    parser.add_argument("--scaling", action="store_true",
                        help="time the grid of measures × projects instead (see the docstring)")
    parser.add_argument("--profile", action="store_true",
                        help="also profile (b), (c) and (c2): phases, GC and cProfile top functions")
    args = parser.parse_args(argv)
    samples = {k: (args.repeat if args.repeat else v) for k, v in DEFAULT_SAMPLES.items()}
    if args.scaling:
        return scaling(args.repeat)

    # A private cache folder: the first open compiles the YAML (timed as a0), later ones reuse it,
    # and the user's own cache is never touched.
    cache = tempfile.TemporaryDirectory(prefix="gm-bench-")
    os.environ["GREENMEASURES_CACHE_DIR"] = cache.name

    from core.engine.evaluate import ELIGIBLE, NEEDS_INFO, Engine
    from core.measures import store

    profile = make_profile()

    def load_engine() -> Engine:
        db = store.open_bundled()
        try:
            measures = db.all_measures()
            documents = {d["key"]: d for d in db.documents()}
            return Engine(measures, documents, db.version)
        finally:
            db.close()

    def cold_start() -> Engine:
        os.environ["GREENMEASURES_CACHE_DIR"] = tempfile.mkdtemp(dir=cache.name)
        try:
            return load_engine()
        finally:
            os.environ["GREENMEASURES_CACHE_DIR"] = cache.name

    def counts(e) -> str:
        by: dict[str, int] = {}
        for r in e.results:
            by[r.status] = by.get(r.status, 0) + 1
        return (f"{len(e.results):,} results ({by.get(ELIGIBLE, 0):,} eligible, "
                f"{by.get(NEEDS_INFO, 0):,} needs_info), plan {len(e.plan.selected):,} selected")

    cases = []      # (label, times, target_ms)
    # The bundled-database cases first, while only the bundled database is in memory (as in the
    # application); the synthetic databases are built afterwards.
    engine = load_engine()                      # builds the private cache once
    base = measure(lambda: json.loads(json.dumps(profile)), samples["baseline_json"], warmup=20)
    cases.append(("baseline: `json.loads(json.dumps(profile))`", base, None))
    cases.append(("(a) open bundled DB + build Engine (cache warm)",
                  measure(load_engine, samples["load"]), None))
    cases.append(("(a0) first start: compile YAML → SQLite, then (a)",
                  measure(cold_start, samples["cold"], warmup=1), None))
    cases.append((f"(b) evaluate, bundled DB ({len(engine.measures)} measures)",
                  measure(lambda: engine.evaluate(profile, AS_OF), samples["bundled"], warmup=5), 5.0))

    def diagnostics(name: str, eng, calls: int) -> str:
        out = io.StringIO()
        print(f"\n## {name}", file=out)
        print("GC: " + gc_cost(lambda: eng.evaluate(profile, AS_OF)), file=out)
        print(f"phases (median of {calls} calls, GC disabled):", file=out)
        print(phase_breakdown(eng, profile, calls), file=out)
        print(f"cProfile ({max(1, calls // 2)} calls, GC disabled):", file=out)
        print(profile_call(lambda: eng.evaluate(profile, AS_OF), max(1, calls // 2)), file=out)
        return out.getvalue()

    info = [f"bundled DB {engine.version}: {len(engine.measures)} measures, "
            f"{len(engine.documents)} documents → {counts(engine.evaluate(profile, AS_OF))}"]
    profiles = [diagnostics("(b) bundled DB", engine, 200)] if args.profile else []

    # One synthetic database in memory at a time, as an application would hold: a second one
    # would double the objects that a full garbage collection has to traverse.
    syn_engine = Engine(*synthesize(engine.measures, engine.documents), "synthetic")
    info.append(f"synthetic DB: {len(syn_engine.measures):,} measures, "
                f"{len(syn_engine.documents)} documents → {counts(syn_engine.evaluate(profile, AS_OF))}")
    cases.insert(1, ("baseline: Python walk over 10,000 measures' criteria",
                     measure(lambda e=syn_engine: walk_measures(e.measures, profile),
                             samples["baseline_walk"]), None))
    cases.append((f"(c) evaluate, synthetic DB ({len(syn_engine.measures):,} measures)",
                  measure(lambda e=syn_engine: e.evaluate(profile, AS_OF), samples["synthetic"]),
                  AIM_SYNTHETIC_MS))
    if args.profile:
        profiles.append(diagnostics("(c) synthetic DB", syn_engine, 5))
    del syn_engine
    gc.collect()

    # The variants of (c): the same clones with other thresholds, or other stacking classes.
    variants = (("(c3)", "as (c), fair DB: thresholds distinct per clone generation",
                 "thresholds per generation", {"distinct_constants": True},
                 "synthetic-distinct-constants", AIM_SYNTHETIC_MS),
                ("(c2)", "diagnostic: as (c), stacking classes renamed per clone generation",
                 "classes per generation", {"class_per_generation": True},
                 "synthetic-separate-classes", None))
    for case, title, what, options, name, target in variants:
        variant = Engine(*synthesize(engine.measures, engine.documents, **options), name)
        info.append(f"synthetic DB, {what} → {counts(variant.evaluate(profile, AS_OF))}")
        cases.append((f"{case} {title}",
                      measure(lambda e=variant: e.evaluate(profile, AS_OF), samples["synthetic"]), target))
        if args.profile:
            profiles.append(diagnostics(f"{case} synthetic DB, {what}", variant, 5))
        del variant
        gc.collect()

    base_median, _ = summary(base)
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    print(f"# bench_check — {dt.date.today().isoformat()}")
    print()
    print(f"Python {platform.python_version()} ({platform.python_implementation()}), "
          f"{platform.platform()}, {os.cpu_count()} CPUs"
          + (f", load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}" if load else ""))
    print(f"engine sources sha256 {engine_fingerprint()}; profile: 1 company, "
          f"{len(profile['projects'])} projects; as_of {AS_OF}")
    for line in info:
        print(line)
    print()
    print("| case | samples | median ms | IQR ms | ratio to baseline | target |")
    print("|---|---:|---:|---:|---:|---|")
    for label, times, target in cases:
        med, iqr = summary(times)
        verdict = "—" if target is None else f"≤ {target:g} ms: {'met' if med <= target else 'missed'}"
        print(f"| {label} | {len(times)} | {fmt(med)} | {fmt(iqr)} | {med / base_median:,.0f}× | {verdict} |")
    print()
    print("ratio = median / median of the first baseline row (measured in this run).")
    for text in profiles:
        print(text, end="")

    cache.cleanup()
    return 0


SCALING_MEASURES = (1_000, 5_000, 10_000, 50_000)
SCALING_PROJECTS = (1, 20, 100, 300)
CELL_BUDGET_S = 6.0         # per cell: samples until this much time is spent (at least 3, at most 15)


def timed_cell(fn, repeat: int | None) -> list[float]:
    """Samples of fn() (GC enabled): `repeat` of them, or as many as CELL_BUDGET_S allows (3–15)."""
    fn()                    # warm-up: the first check after loading prepares measures and conflicts
    times: list[float] = []
    gc.collect()
    while True:
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
        if repeat and len(times) >= repeat:
            return times
        if not repeat and len(times) >= 3 and (sum(times) > CELL_BUDGET_S or len(times) >= 15):
            return times


def slope(xs: list[float], ys: list[float]) -> float:
    """Least-squares slope of log y over log x: the exponent k of y ∝ x^k."""
    import math
    lx, ly = [math.log(x) for x in xs], [math.log(y) for y in ys]
    mx, my = statistics.fmean(lx), statistics.fmean(ly)
    return sum((a - mx) * (b - my) for a, b in zip(lx, ly, strict=True)) / sum((a - mx) ** 2 for a in lx)


def scaling(repeat: int | None) -> int:
    cache = tempfile.TemporaryDirectory(prefix="gm-bench-")
    os.environ["GREENMEASURES_CACHE_DIR"] = cache.name
    from core.engine.evaluate import Engine
    from core.measures import store

    db = store.open_bundled()
    try:
        real_measures, real_documents = db.all_measures(), {d["key"]: d for d in db.documents()}
    finally:
        db.close()
    profiles = {n: scaled_profile(n) for n in SCALING_PROJECTS}
    cells: dict[tuple[int, int], tuple[float, float, int, int]] = {}   # median ms, ratio, samples, results
    walks: dict[int, float] = {}
    first: dict[int, float] = {}
    for n_measures in SCALING_MEASURES:
        engine = Engine(*synthesize(real_measures, real_documents, n_measures), "synthetic")
        walk = statistics.median(measure(lambda e=engine: walk_measures(e.measures, profiles[20]),
                                         repeat or 30)) * 1000
        walks[n_measures] = walk
        t0 = time.perf_counter()
        engine.evaluate(profiles[20], AS_OF)        # the first check after loading, timed apart
        first[n_measures] = (time.perf_counter() - t0) * 1000
        for n_projects in SCALING_PROJECTS:
            p = profiles[n_projects]
            n_results = len(engine.evaluate(p, AS_OF).results)
            times = timed_cell(lambda e=engine, p=p: e.evaluate(p, AS_OF), repeat)
            med = statistics.median(times) * 1000
            cells[(n_measures, n_projects)] = (med, med / walk, len(times), n_results)
            print(f"  {n_measures:>6,} measures × {n_projects:>3} projects: {med:9.1f} ms "
                  f"({med / walk:.1f}× walk {walk:.1f} ms, {n_results:,} results, {len(times)} samples)",
                  file=sys.stderr, flush=True)
        del engine
        gc.collect()

    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    print(f"# bench_check --scaling — {dt.date.today().isoformat()}")
    print()
    print(f"Python {platform.python_version()} ({platform.python_implementation()}), "
          f"{platform.platform()}, {os.cpu_count()} CPUs"
          + (f", load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} at the end" if load else ""))
    print(f"engine sources sha256 {engine_fingerprint()}; as_of {AS_OF}")
    print()
    print("median ms of Engine.evaluate (ratio to the baseline walk over the same measures; results)")
    print()
    print("| measures | walk ms | first check, 20 projects | "
          + " | ".join(f"{n} project{'s' if n > 1 else ''}" for n in SCALING_PROJECTS) + " |")
    print("|---:|---:|---:|" + "---:|" * len(SCALING_PROJECTS))
    for m in SCALING_MEASURES:
        row = [f"{m:,}", fmt(walks[m]), f"{fmt(first[m])} ms"]
        for n in SCALING_PROJECTS:
            med, ratio, count, results = cells[(m, n)]
            row.append(f"{fmt(med)} ({ratio:.1f}×; {results:,})")
        print("| " + " | ".join(row) + " |")
    print()
    print("growth exponent k of time ∝ size^k (log-log least squares):")
    for n in SCALING_PROJECTS:
        k = slope(list(SCALING_MEASURES), [cells[(m, n)][0] for m in SCALING_MEASURES])
        print(f"  along measures, {n} project(s): k = {k:.2f}")
    for m in SCALING_MEASURES:
        k = slope(list(SCALING_PROJECTS[1:]), [cells[(m, n)][0] for n in SCALING_PROJECTS[1:]])
        print(f"  along projects (20–300), {m:,} measures: k = {k:.2f}")
    cache.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
