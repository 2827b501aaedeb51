"""Many companies at once (issue 19): find profile files, check each one with the engine of
``check``, and give one summary row per company and one row per result.

The command ``batch`` (core/batch_cli.py), the client book (ui/client_book.py) and the workbook and
CSV export (core/batch_export.py) all go through here, so a company reads the same in the window,
the spreadsheet and ``check --json``. No Qt.

Finding profiles: a PATH that is a file is taken as given (whatever its name); a PATH that is a
folder contributes the ``*.json`` files directly inside it, by name, not those in its sub-folders:
an adviser's folder of clients is flat, and walking down would pick up backups and exports kept
below it. Hidden files (``.name``) are skipped. A file reached twice is checked once.

A profile that cannot be read or breaks the format becomes :class:`Unreadable` records (file,
field, message: one per problem, from core.profile), never an exception; the others are checked.
"""
from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from core.engine.evaluate import ELIGIBLE, NEEDS_INFO, Engine, Evaluation, MeasureResult
from core.engine.expiring import DEFAULT_EXPIRING_DAYS, Expiring, expiring_soon, expiring_text
from core.engine.report import STATUS_TITLES, json_money, ranked
from core.engine.text import fact_label
from core.measures.labels import label_of

PROFILE_SUFFIX = ".json"

Progress = Callable[[int, int], None]        # (done, total)


@dataclass(frozen=True)
class Unreadable:
    """One problem with one profile file: ``field`` is the profile path (``projects[0].capacity_kw``)
    or ``(file)`` for the file itself."""
    file: str
    field: str
    message: str

    def line(self) -> str:
        return f"{self.file}：{self.field}：{self.message}"


@dataclass(frozen=True)
class ResultRow:
    """One result as the spreadsheet shows it: numbers as numbers, words instead of fact paths."""
    measure_id: str
    title: str
    citation: str
    project: str                     # 企业, or the project's name as typed (its id when unnamed)
    status: str                      # eligible / needs_info / ineligible / not_in_force
    status_title: str                # 可申请 / 需补充信息 / 不符合 / 不在有效期
    amount_min: int | float | None   # yuan, exactly as check --json writes them
    amount_max: int | float | None
    discretionary: bool
    in_plan: bool
    reasons: str                     # one line per reason, in one cell
    missing: str                     # the questions to answer, in words (、)
    conflicts_with: str              # measure ids (、)


@dataclass
class Company:
    """One checked profile."""
    file: Path
    profile: dict
    evaluation: Evaluation
    checked_at: dt.datetime          # local time, to the second
    expiring_days: int = DEFAULT_EXPIRING_DAYS
    expiring: list[Expiring] = field(default_factory=list)

    @property
    def name(self) -> str:
        return (self.profile.get("company") or {}).get("name") or self.file.stem

    @property
    def uscc(self) -> str:
        return (self.profile.get("company") or {}).get("uscc") or ""

    @property
    def district(self) -> str:
        """The district in words (罗湖区), empty when the profile does not say."""
        code = (self.profile.get("company") or {}).get("district")
        return label_of(code, "company.district") if code else ""

    @property
    def eligible(self) -> int:
        return sum(1 for r in self.evaluation.results if r.status == ELIGIBLE)

    @property
    def needs_info(self) -> int:
        return sum(1 for r in self.evaluation.results if r.status == NEEDS_INFO)

    @property
    def total_max(self) -> Decimal:
        """The recommended combination's known maximum (check --json's plan.total_max)."""
        return self.evaluation.plan.total_max

    @property
    def nearest_end(self) -> dt.date | None:
        """The soonest end of validity among the supports expiring soon (None when none do)."""
        return self.expiring[0].valid_to if self.expiring else None

    @property
    def expiring_text(self) -> str:
        return expiring_text(self.expiring)

    def rows(self) -> list[ResultRow]:
        return result_rows(self.evaluation)


@dataclass
class Batch:
    as_of: dt.date
    database_version: str
    expiring_days: int
    companies: list[Company]
    unreadable: list[Unreadable]
    files_found: int                 # profile files found (read or not)
    cancelled: bool = False

    @property
    def unreadable_files(self) -> list[str]:
        return list(dict.fromkeys(u.file for u in self.unreadable))


# -- finding --------------------------------------------------------------------------------------

def find_profiles(paths: Iterable[str | os.PathLike]) -> tuple[list[Path], list[Unreadable]]:
    """The profile files under ``paths`` (see the module notes) and the paths that do not exist."""
    found: dict[str, Path] = {}
    missing: list[Unreadable] = []
    for raw in paths:
        path = Path(os.fspath(raw))
        if path.is_dir():
            try:
                children = sorted(path.iterdir(), key=lambda p: p.name)
            except OSError as exc:
                missing.append(Unreadable(str(path), "(file)",
                                          f"无法读取文件夹：{exc.strerror or exc}"))
                continue
            for child in children:
                if (child.suffix.lower() == PROFILE_SUFFIX and not child.name.startswith(".")
                        and child.is_file()):
                    found.setdefault(_identity(child), child)
        elif path.exists():
            found.setdefault(_identity(path), path)
        else:
            missing.append(Unreadable(str(path), "(file)", "找不到这个文件或文件夹"))
    return list(found.values()), missing


def _identity(path: Path) -> str:
    try:
        return os.path.normcase(str(path.resolve()))
    except OSError:
        return os.path.normcase(os.path.abspath(path))


# -- checking -------------------------------------------------------------------------------------

def load(path: Path) -> dict | list[Unreadable]:
    """The profile, or its problems as records (never an exception for a bad file)."""
    from core.profile import ProfileError, load_profile
    try:
        return load_profile(path)
    except ProfileError as exc:
        return [Unreadable(str(path), p.path, p.message_zh) for p in exc.problems]


def check_company(path: Path, profile: dict, engine: Engine, as_of: dt.date,
                  expiring_days: int = DEFAULT_EXPIRING_DAYS) -> Company:
    evaluation = engine.evaluate(profile, as_of)
    return Company(path, profile, evaluation, dt.datetime.now().replace(microsecond=0), expiring_days,
                   expiring_soon(evaluation.results, as_of, expiring_days))


def check_files(files: list[Path], engine: Engine, as_of: dt.date, *,
                expiring_days: int = DEFAULT_EXPIRING_DAYS, progress: Progress | None = None,
                cancelled: Callable[[], bool] | None = None,
                unreadable: Iterable[Unreadable] = ()) -> Batch:
    """Check each file in turn. ``progress(done, total)`` after each one; ``cancelled()`` is asked
    before each one and, when true, stops the loop (the batch says ``cancelled``)."""
    batch = Batch(as_of, engine.version, expiring_days, [], list(unreadable), len(files))
    total = len(files)
    for done, path in enumerate(files, start=1):
        if cancelled is not None and cancelled():
            batch.cancelled = True
            break
        loaded = load(path)
        if isinstance(loaded, list):
            batch.unreadable.extend(loaded)
        else:
            batch.companies.append(check_company(path, loaded, engine, as_of, expiring_days))
        if progress is not None:
            progress(done, total)
    return batch


def check_paths(paths: Iterable[str | os.PathLike], engine: Engine, as_of: dt.date, **options) -> Batch:
    """find_profiles, then check_files (paths that do not exist are listed as unreadable)."""
    files, missing = find_profiles(paths)
    return check_files(files, engine, as_of, unreadable=missing, **options)


# -- rows -----------------------------------------------------------------------------------------

def _project(r: MeasureResult) -> str:
    if r.project_id is None:
        return "企业"
    return r.project_name or r.project_id


def result_rows(ev: Evaluation) -> list[ResultRow]:
    """Every result, in the report's order (可申请 first, the largest amounts first)."""
    chosen = {(i.measure_id, i.project_id) for i in ev.plan.selected}
    return [ResultRow(
        measure_id=r.measure_id, title=r.measure["title"], citation=r.citation, project=_project(r),
        status=r.status, status_title=STATUS_TITLES[r.status],
        amount_min=json_money(r.amount_min), amount_max=json_money(r.amount_max),
        discretionary=r.discretionary, in_plan=(r.measure_id, r.project_id) in chosen,
        reasons="\n".join(r.reasons),
        missing="、".join(dict.fromkeys(fact_label(p) for p in r.missing)),
        conflicts_with="、".join(r.conflicts_with),
    ) for r in ranked(ev.results)]
