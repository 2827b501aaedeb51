"""Evaluate a profile against every measure as of a date.

Company-level measures are evaluated once, project-level measures once per project whose type the
measure names. Each result carries its status, amount range, one reason line per criterion decided
(citing the clause), the facts still missing, the gap to qualify, and the measures it conflicts with.
"""
from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, NamedTuple

from core.engine.amounts import NOTHING, Amount, compile_benefit
from core.engine.context import Context, Facts, Outcome
from core.engine.criteria import Compiled, compile_tree, outcomes_of
from core.engine.stacking import (
    ConflictGraph,
    Plan,
    SubjectConflicts,
    find_conflicts,
    gives_support,
    make_plan,
    subject_conflicts,
)
from core.engine.text import fact_label

ELIGIBLE, NEEDS_INFO, INELIGIBLE, NOT_IN_FORCE = "eligible", "needs_info", "ineligible", "not_in_force"
STATUSES = (ELIGIBLE, NEEDS_INFO, INELIGIBLE, NOT_IN_FORCE)

if TYPE_CHECKING:
    from core.measures.catalog import Release


# Slotted: a large check makes one per measure and subject (tens of thousands).
@dataclass(eq=False, slots=True)
class MeasureResult:
    measure: dict
    document: dict
    project_id: str | None
    status: str
    amount: Amount
    missing: list[str] = field(default_factory=list)
    # The leaves decided, in the order of criteria_tree: kept as the compiled trees' Records (or
    # Outcomes, from a tree walked as data) until `outcomes` is first read.
    _outcomes: list = field(default_factory=list, repr=False)
    gaps: list[str] = field(default_factory=list)
    # The rivals' ids (see conflicts_with), or where to read them: (SubjectConflicts, position).
    _conflicts_with: list[str] | tuple[SubjectConflicts, int] = field(default_factory=list, repr=False)
    project_name: str | None = None
    subject: str = "company"        # "company" or "project": which applicability criteria apply
    # Ineligible with gaps: the most it would pay once the gaps are closed (today's other figures).
    amount_if_met: Decimal | None = None
    # Not in force because it ended: every condition was met on its last day (a user checking
    # today learns that the support existed for them and ended, rather than an empty result).
    matched_until: dt.date | None = None
    # What the reasons are written from (_Why, with this result's fields, which nothing changes
    # after the check), until they are first read; then the lines.
    _reasons: list[str] | _Why | None = field(default=None, repr=False)

    @property
    def outcomes(self) -> list[Outcome]:
        """One Outcome per leaf decided (applicability first, then the measure's criteria), made on
        first read from the values read while checking (never from the profile as it is now)."""
        outcomes = self._outcomes
        if not all(isinstance(o, Outcome) for o in outcomes):
            outcomes = self._outcomes = outcomes_of(outcomes)
        return outcomes

    @property
    def conflicts_with(self) -> list[str]:
        """The measures this result cannot be taken with (same subject), by id, sorted. May be
        shared with other results: do not modify. Made on first read from the subject kind's
        cached conflicts (a dense class would make members² ids up front)."""
        rivals = self._conflicts_with
        if isinstance(rivals, tuple):
            conflicts, k = rivals
            rivals = self._conflicts_with = conflicts.rivals(k)
        return rivals

    @conflicts_with.setter
    def conflicts_with(self, ids: list[str]) -> None:
        self._conflicts_with = ids

    @property
    def reasons(self) -> list[str]:
        """One line per point decided, citing the clause (written when first read: most results of
        a large check are never shown)."""
        reasons = self._reasons
        if not isinstance(reasons, list):
            reasons = self._reasons = [] if reasons is None else _reason_lines(self, reasons)
        return reasons

    @property
    def criteria_tree(self) -> list[dict]:
        """Every criterion checked for this result, in the order of `outcomes`."""
        return applicability_for(self.document, self.subject) + list(self.measure.get("criteria") or [])

    @property
    def measure_id(self) -> str:
        return self.measure["id"]

    @property
    def discretionary(self) -> bool:
        return bool(self.measure.get("discretionary"))

    @property
    def amount_min(self) -> Decimal:
        return self.amount.min

    @property
    def amount_max(self) -> Decimal | None:
        return self.amount.max

    @property
    def company_year_cap(self) -> Decimal | None:
        return self.amount.company_year_cap

    @property
    def citation(self) -> str:
        return f"{self.document['short_title']} {self.measure['clause']}"

    @property
    def plannable(self) -> bool:
        """Eligible (every stated condition checked and met) and paying something."""
        return self.status == ELIGIBLE and gives_support(self.measure)


def is_statement(measure: dict) -> bool:
    """A clause with nothing to apply for (a target, task or principle): never a result."""
    return measure.get("role") == "statement"


@dataclass(frozen=True)
class Statement:
    """A statement listed apart from the results (政策信息)."""
    measure: dict
    document: dict

    @property
    def measure_id(self) -> str:
        return self.measure["id"]

    @property
    def title(self) -> str:
        return self.measure["title"]

    @property
    def citation(self) -> str:
        return f"{self.document['short_title']} {self.measure['clause']}"


@dataclass
class Evaluation:
    as_of: dt.date
    database_version: str
    results: list[MeasureResult]
    plan: Plan
    statements: list[Statement] = field(default_factory=list)
    release: Release | None = None    # the data's release (version and date), if known

    def result(self, measure_id: str, project_id: str | None = None) -> MeasureResult:
        for r in self.results:
            if r.measure_id == measure_id and r.project_id == project_id:
                return r
        raise KeyError((measure_id, project_id))


class Engine:
    """Holds the measures (already loaded) so that each evaluation only does the checking."""

    def __init__(self, measures: list[dict], documents: dict[str, dict], version: str = "",
                 release: Release | None = None):
        self.measures = measures
        self.documents = documents
        self.version = version
        self.release = release          # shown to people instead of the content hash
        supports = [m for m in measures if not is_statement(m)]
        self.statements = [Statement(m, documents[m["document"]]) for m in measures if is_statement(m)]
        self.company_measures = [m for m in supports if m["subject"]["company"]]
        # The conflicts among one subject's measures, per subject kind (("company",), or
        # ("project", its type)), built the first time a profile has such a subject (they depend
        # on the measures only).
        self.conflict_cache: dict[tuple, SubjectConflicts] = {}
        # What _one needs of a measure that does not depend on the profile (its compiled criteria,
        # dates, citation), prepared the first time the measure is evaluated; key: id(measure).
        self._prepared: dict[int, _Prepared] = {}
        # A document's applicability compiled, per (document key, "company" or "project"): shared
        # by the document's measures.
        self._applicability: dict[tuple[str, str], Compiled] = {}
        # Per subject kind (as conflict_cache): its measures prepared, and their conflicts.
        self._kinds: dict[tuple, tuple[list[_Prepared], SubjectConflicts]] = {}
        self.by_type: dict[str, list[dict]] = {}
        for m in supports:
            for t in m["subject"]["project_types"]:
                self.by_type.setdefault(t, []).append(m)

    @classmethod
    def for_database(cls, db) -> Engine:
        """The engine for a MeasuresDB (anything with all_measures(), documents() and version)."""
        return cls(db.all_measures(), {d["key"]: d for d in db.documents()}, db.version,
                   getattr(db, "release", None))

    def evaluate(self, profile: dict, as_of: dt.date) -> Evaluation:
        # An evaluation allocates many small objects and makes no reference cycles, so the cyclic
        # collector would only re-traverse the loaded measures over and over (most of the time of
        # a large check); it is paused for the call and restored as it was.
        paused = gc.isenabled()
        gc.disable()
        try:
            return self._evaluate(profile, as_of)
        finally:
            if paused:
                gc.enable()

    def _evaluate(self, profile: dict, as_of: dt.date) -> Evaluation:
        company = profile.get("company") or {}
        projects = profile.get("projects") or []
        ids = [project.get("id") for project in projects]
        # Each subject (the company, each project) is its own unless projects share an id (or
        # have none): then they are one subject, and conflicts take the general path below.
        separate = None not in ids and len(set(ids)) == len(ids)
        results: list[MeasureResult] = []
        segments = []
        for kind, project in [(("company",), None)] + [(("project", p.get("type")), p) for p in projects]:
            prepared, conflicts = self._kind(kind)
            segments.append((len(results), conflicts))
            # The rivals' lists are the cached ones, shared by every subject of a kind (read, never
            # changed): with dense conflicts, copies would grow as results × rivals.
            results.extend(self._results(prepared, company, project, as_of,
                                         conflicts if separate else None))
        edges: Mapping[int, dict[int, str]]
        if separate:
            # Each subject's results are consecutive and one per measure of its kind's list, so
            # the cached conflicts of that list apply as they are.
            edges = ConflictGraph(segments, len(results))
        else:
            # Projects sharing an id (or without one) are one subject: take the general path.
            edges = find_conflicts(results, self.documents)
            for i, r in enumerate(results):
                r.conflicts_with = sorted({results[j].measure["id"] for j in edges.get(i, ())})
        plan = make_plan(results, edges)
        pending = [r for r in results if r.status == NEEDS_INFO]
        if pending:
            plan.notes.append(f"另有 {len(pending)} 项需补充信息，补充后可能加入方案。")
        return Evaluation(as_of, self.version, results, plan, list(self.statements), self.release)

    def _kind(self, kind: tuple) -> tuple[list[_Prepared], SubjectConflicts]:
        """A subject kind's measures prepared, and their conflicts: built the first time a profile
        has such a subject (they depend on the measures only)."""
        known = self._kinds.get(kind)
        if known is None:
            measures = self.company_measures if kind == ("company",) else self.by_type.get(kind[1], [])
            known = self._kinds[kind] = ([self._prepare(m) for m in measures],
                                         self._subject_conflicts(kind, measures))
        return known

    def _subject_conflicts(self, kind: tuple, measures: list[dict]) -> SubjectConflicts:
        conflicts = self.conflict_cache.get(kind)
        if conflicts is None:
            conflicts = self.conflict_cache[kind] = subject_conflicts(measures, self.documents)
        return conflicts

    def _prepare(self, measure: dict) -> _Prepared:
        prepared = self._prepared.get(id(measure))
        if prepared is None or prepared.measure is not measure:
            prepared = self._prepared[id(measure)] = _Prepared.of(measure, self.documents,
                                                                  self._applicability)
        return prepared

    def _one(self, measure: dict, company: dict, project: dict | None, as_of: dt.date) -> MeasureResult:
        """The result of one measure for one subject, sharing nothing with any other result."""
        return self._results([self._prepare(measure)], company, project, as_of)[0]

    def _results(self, prepared: list[_Prepared], company: dict, project: dict | None,
                 as_of: dt.date, conflicts: SubjectConflicts | None = None) -> list[MeasureResult]:
        """The results of one subject (the company, or one project), one per prepared measure;
        `conflicts` (of the subject's kind) gives each its rivals, read when asked (else none
        yet). The results share the subject's facts (each read once), its contexts and the
        documents' applicability.

        One loop for all of a subject's results, not a call per result: a large check makes
        thousands, and this is most of its time."""
        kind = "project" if project is not None else "company"
        pid = project.get("id") if project else None
        pname = project.get("name") if project else None
        facts = Facts(company, project)
        contexts: dict[tuple, Context] = {}       # per validity window (valid_from, valid_to)
        # A document's applicability is the same for all its measures with the same validity:
        # decided once per subject and window (key: document, valid_from, valid_to).
        applicability: dict[tuple, tuple] = {}
        out = []
        for k, p in enumerate(prepared):
            rivals: list[str] | tuple = [] if conflicts is None else (conflicts, k)
            valid_from, valid_to = p.valid_from, p.valid_to
            if valid_to and as_of > valid_to:
                last_day = Context(valid_to, company, project, valid_from, valid_to, facts)
                # every condition met on its last day (not merely not failed): the compiled trees
                matched = (valid_to if p.applicability[kind](last_day, [])[0] is True
                           and p.criteria(last_day, [])[0] is True else None)
                out.append(MeasureResult(p.measure, p.document, pid, NOT_IN_FORCE, NOTHING, [], [],
                                         [], rivals, pname, kind, None, matched,
                                         _Why(p, as_of, ENDED)))
                continue
            if valid_from and as_of < valid_from:
                out.append(MeasureResult(p.measure, p.document, pid, NOT_IN_FORCE, NOTHING, [], [],
                                         [], rivals, pname, kind, None, None,
                                         _Why(p, as_of, NOT_YET)))
                continue

            ctx = contexts.get(p.window)
            if ctx is None:
                ctx = contexts[p.window] = Context(as_of, company, project, valid_from, valid_to, facts)
            known = applicability.get(p.app_key)
            if known is None:
                app_outcomes: list = []
                known = applicability[p.app_key] = (p.applicability[kind](ctx, app_outcomes),
                                                    app_outcomes)
            (app_state, app_missing, app_gaps), app_outcomes = known
            outcomes = list(app_outcomes)
            crit_state, crit_missing, crit_gaps = p.criteria(ctx, outcomes)
            # _and(app_state, crit_state), inline: once per result
            state = (False if app_state is False or crit_state is False
                     else None if app_state is None or crit_state is None else True)

            missing: list[str] = []
            gaps: list[str] = []
            amount_if_met = None
            if state is False:
                status, amount = INELIGIBLE, NOTHING
                failed = [g for s, g in ((app_state, app_gaps), (crit_state, crit_gaps)) if s is False]
                if None not in failed:
                    gaps = [g for some in failed for g in some]
                if gaps:
                    # The amount of an ineligible result is wanted only to say what closing its
                    # gaps pays.
                    reach = p.amount(ctx)
                    if not reach.missing and reach.max:
                        amount_if_met = reach.max
            else:
                amount = p.amount(ctx)
                if state is None or amount.missing:
                    status = NEEDS_INFO
                    wanted = [*app_missing, *crit_missing] if state is None else []
                    missing = list(dict.fromkeys([*wanted, *amount.missing]))
                else:
                    status = ELIGIBLE
            out.append(MeasureResult(p.measure, p.document, pid, status, amount, missing, outcomes,
                                     gaps, rivals, pname, kind, amount_if_met, None,
                                     # _Why(…) made without the named tuple's Python __new__ (one
                                     # per result): the same tuple
                                     _new_why(_Why, (p, as_of, IN_FORCE, len(app_outcomes), state))))
        return out


# Where a result stands in its measure's validity window, for its reasons.
IN_FORCE, ENDED, NOT_YET = "in_force", "ended", "not_yet"


class _Why(NamedTuple):
    """What a result's reasons are written from, beyond the result itself (see _reason_lines).
    A tuple: one per result, and a frozen dataclass costs several times as much to make."""
    prepared: _Prepared
    as_of: dt.date
    window: str                  # IN_FORCE, ENDED or NOT_YET
    n_app: int = 0               # the first n_app outcomes are the document's applicability
    state: bool | None = None    # the criteria's verdict (before the amount is considered)


_new_why = tuple.__new__


def _reason_lines(result: MeasureResult, why: _Why) -> list[str]:
    """The reasons of a result: the one place they are written (MeasureResult.reasons reads them)."""
    prepared, as_of = why.prepared, why.as_of
    cite, valid_from, valid_to = prepared.cite, prepared.valid_from, prepared.valid_to
    if why.window == ENDED:
        lines = [f"{cite}：有效期至 {valid_to}，评估日 {as_of} 已失效"]
        if result.matched_until:
            lines.append(f"{cite}：按 {valid_to}（有效期最后一天）的情况符合申请条件，"
                         f"但本条已于 {valid_to} 到期")
        return lines
    if why.window == NOT_YET:
        return [f"{cite}：自 {valid_from} 起施行，评估日 {as_of} 尚未生效"]
    lines = [f"{cite}：评估日 {as_of} 在有效期内（{valid_from or '?'} 至 {valid_to or '?'}）"]
    measure, status, n_app = result.measure, result.status, why.n_app
    short = prepared.document["short_title"]
    for k, o in enumerate(result.outcomes):
        if o.state is None and status != NEEDS_INFO:
            continue          # an unknown that did not matter to the verdict
        if o.state is False and status == ELIGIBLE:
            continue          # a branch not taken (a year-2 company is not told "须为第 1 年")
        line = f"{short}：{o.text}" if k < n_app else f"{cite}：{o.text}"
        if o.state is False and o.gap in result.gaps:
            line += f"；差距：{o.gap}"
        if o.vague:
            line += f"（文本未明确：{o.vague}）"
        lines.append(line)
    for v in measure.get("vague") or []:
        lines.append(f"{cite}：需主管部门认定——{v['note']}")
    if measure.get("discretionary"):
        span = measure["discretionary"].get("span", "")
        lines.append(f"{cite}：评审制（“{span}”），须经评审择优确定，不是符合条件即可获得")
    if status in (ELIGIBLE, NEEDS_INFO):
        amount = result.amount
        lines.extend(f"{cite}：金额——{n}" for n in amount.notes)
        if amount.missing and why.state is True:
            wanted = "、".join(fact_label(p) for p in amount.missing)
            lines.append(f"{cite}：金额——需补充{wanted}才能计算")
    return lines


@dataclass(frozen=True)
class _Prepared:
    measure: dict
    document: dict
    cite: str
    valid_from: dt.date | None
    valid_to: dt.date | None
    criteria: Compiled
    applicability: dict[str, Compiled]      # per subject ("company", "project")
    amount: Callable[[Context], Amount]     # the compiled benefit (amounts.compile_benefit)
    window: tuple                           # (valid_from, valid_to)
    app_key: tuple                          # (document key, valid_from, valid_to)

    @classmethod
    def of(cls, measure: dict, documents: dict[str, dict],
           applicability: dict[tuple[str, str], Compiled] | None = None) -> _Prepared:
        """`applicability`: the documents' applicability already compiled (filled here)."""
        document = documents[measure["document"]]
        compiled = {} if applicability is None else applicability
        for s in ("company", "project"):
            if (measure["document"], s) not in compiled:
                compiled[(measure["document"], s)] = compile_tree(applicability_for(document, s))
        valid_from = _date(measure.get("valid_from") or document.get("valid_from"))
        valid_to = _date(measure.get("valid_to") or document.get("valid_to"))
        return cls(measure, document, f"{document['short_title']} {measure['clause']}",
                   valid_from, valid_to,
                   compile_tree(measure.get("criteria") or []),
                   {s: compiled[(measure["document"], s)] for s in ("company", "project")},
                   compile_benefit(measure.get("benefit")),
                   (valid_from, valid_to), (measure["document"], valid_from, valid_to))


def applicability_for(document: dict, subject: str) -> list[dict]:
    """The document-wide criteria that apply to a company ("company") or a project ("project")."""
    return [c for c in document.get("applicability") or [] if c.get("for") in (None, subject)]


def _and(a: bool | None, b: bool | None) -> bool | None:
    if a is False or b is False:
        return False
    if a is None or b is None:
        return None
    return True


def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def evaluate(profile: dict, measures: list[dict], documents: dict[str, dict],
             as_of: dt.date, version: str = "") -> Evaluation:
    return Engine(measures, documents, version).evaluate(profile, as_of)
