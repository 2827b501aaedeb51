"""The application checklist: which documents to prepare for the measures a company applies for.

Built from an evaluation (core/engine): for each chosen result (the recommended plan by default,
or the results the user ticks), the documents recorded in the data for the criteria it was
decided on plus the measure's own evidence, plus what every application needs
(resources/checklist.yaml: 营业执照, 法定代表人身份证明, 信用承诺书, and 不重复申报承诺书 where a
stacking rule applies). A document shared by several measures appears once in the merged list,
naming every measure that needs it.

The model holds source text only (Simplified application words are added by the renderer through
gettext; policy text keeps its document's script and is converted when rendered), so one model
renders in any language. User-typed names are carried as typed.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING

import yaml

from core.engine.criteria import needed_outcomes
from core.engine.evaluate import ELIGIBLE, Evaluation, MeasureResult
from core.engine.expiring import DEFAULT_EXPIRING_DAYS, Expiring, expiring_soon
from core.resources import resource_dir

# Statuses a user may put on a checklist: only what was checked (issue 14). A result that rests on
# an unanswered question (需补充信息) is answered first; one that failed or is not in force has
# nothing to apply for.
CHECKLIST_STATUSES = (ELIGIBLE,)

Key = tuple[str, "str | None"]          # (measure_id, project_id): one result

if TYPE_CHECKING:
    from core.measures.catalog import Release


class ChecklistError(ValueError):
    """The selection cannot make a checklist; the message says which entry and why."""


@dataclass
class Document:
    """One document to prepare, merged across measures."""
    name: str                       # as the checklist names it (Simplified editorial text)
    common: str | None = None       # key of an every-application document, else None
    notes: list[str] = field(default_factory=list)          # how to hand it in
    details: list[tuple[int, str]] = field(default_factory=list)  # (entry number, what it must show)
    needed_by: list[int] = field(default_factory=list)      # entry numbers, in order
    conditional: set[int] = field(default_factory=set)      # entries that need it only if a
    #                                                          still-undecided condition applies


@dataclass
class Conflict:
    measure_id: str
    project_id: str | None
    citation: str                   # 罗湖区十条措施 第七条（一）
    script: str                     # the cited document's script
    chosen: bool                    # the other measure is on this checklist too
    span: str | None = None         # the text that says they do not stack


@dataclass
class Entry:
    """One measure for one subject (the company or a project)."""
    number: int
    result: MeasureResult
    in_plan: bool
    amount_min: Decimal
    amount_max: Decimal | None      # the plan's figure where a shared cap lowers it
    department_kind: str            # "reviewing" (审核单位) | "responsible" (责任单位) | "none"
    departments: list[str]
    conflicts: list[Conflict]
    documents: list[Document]       # the merged documents this entry needs, in checklist order
    given_up_reason: str | None = None   # the plan's reason, when the user ticked a given-up one

    @property
    def measure(self) -> dict:
        return self.result.measure

    @property
    def script(self) -> str:
        return self.result.document.get("script", "zh-Hans")

    @property
    def citation(self) -> str:
        return self.result.citation

    @property
    def chosen_conflicts(self) -> list[Conflict]:
        return [c for c in self.conflicts if c.chosen]


@dataclass
class Checklist:
    company_name: str
    uscc: str
    as_of: dt.date
    database_version: str
    generated_on: dt.date
    entries: list[Entry]
    documents: list[Document]       # the merged list, common documents first
    from_plan: bool                 # the plan's selection (True) or the user's own (False)
    # the entries' supports whose validity ends soon (core.engine.expiring), soonest first
    expiring: list[Expiring] = field(default_factory=list)
    release: Release | None = None  # the data's release (version and date), shown instead of the hash

    @property
    def total_max(self) -> Decimal | None:
        """Sum of the known maxima; None when any entry's maximum is not stated."""
        known = [e.amount_max for e in self.entries if e.amount_max is not None]
        if len(known) < len(self.entries):
            return None
        return sum(known, Decimal(0))

    @property
    def known_total_max(self) -> Decimal:
        return sum((e.amount_max for e in self.entries if e.amount_max is not None), Decimal(0))


# -- the every-application documents ---------------------------------------------------------

@dataclass(frozen=True)
class CommonDocument:
    key: str
    name: str
    names_by_entity_type: dict
    aliases: tuple[str, ...]
    when: str
    notes: tuple[str, ...]


@dataclass(frozen=True)
class Rules:
    common: tuple[CommonDocument, ...]
    default_notes: tuple[str, ...]
    handling_words: tuple[str, ...]


@lru_cache(maxsize=1)
def rules() -> Rules:
    data = yaml.safe_load(resource_dir("checklist.yaml").read_text(encoding="utf-8"))
    common = tuple(CommonDocument(
        key=c["key"], name=c["name"], names_by_entity_type=dict(c.get("names_by_entity_type") or {}),
        aliases=tuple(c.get("aliases") or ()), when=c["when"], notes=tuple(c.get("notes") or ()))
        for c in data["common"])
    return Rules(common, tuple(data.get("default_notes") or ()), tuple(data.get("handling_words") or ()))


_BRACKETED = re.compile(r"^(?P<base>.+?)（(?P<inner>[^（）]*)）$")


def split_name(name: str, handling_words: tuple[str, ...]) -> tuple[str, list[str], list[str]]:
    """`项目竣工验收报告（装机容量）` → (`项目竣工验收报告`, [`装机容量`], []).

    A trailing bracket says what the document must show (a detail) or how to hand it in (a note:
    `（复印件，原件核验）`); the name before it is what merges across measures.
    """
    match = _BRACKETED.match(name.strip())
    if not match:
        return name.strip(), [], []
    details: list[str] = []
    notes: list[str] = []
    for part in re.split(r"[，,、]", match["inner"]):
        part = part.strip()
        if part:
            (notes if any(part.startswith(w) for w in handling_words) else details).append(part)
    if not notes:   # a bracket of details only: keep it joined, as the data wrote it
        details = [match["inner"].strip()] if match["inner"].strip() else []
    return match["base"].strip(), details, notes


def under_stacking_rule(result: MeasureResult) -> bool:
    """A stacking rule applies: the measure excludes others, its document forbids taking alike
    measures twice, or it conflicts with another result."""
    stacking = result.measure.get("stacking") or {}
    if result.conflicts_with or stacking.get("excludes"):
        return True
    return bool(stacking.get("class")) and any(
        rule.get("scope") == "same_class" for rule in result.document.get("stacking") or [])


def _departments(measure: dict) -> tuple[str, list[str]]:
    if measure.get("reviewing_department"):
        return "reviewing", [measure["reviewing_department"]]
    if measure.get("responsible_departments"):
        return "responsible", list(measure["responsible_departments"])
    return "none", []


def _evidence_names(items) -> list[tuple[str, str | None]]:
    out: list[tuple[str, str | None]] = []
    for item in items or []:
        if isinstance(item, str):
            out.append((item, None))
        else:
            out.append((item["name"], item.get("note")))
    return out


def entry_evidence(result: MeasureResult) -> list[tuple[str, str | None, bool]]:
    """(name, note, conditional) for a result: measure evidence, then per criterion it needs."""
    out = [(name, note, False) for name, note in _evidence_names(result.measure.get("evidence"))]
    if result.outcomes:
        for outcome in needed_outcomes(result.criteria_tree, result.outcomes):
            for name, note in _evidence_names(outcome.evidence):
                out.append((name, note, outcome.state is None))
    return out


# -- building ------------------------------------------------------------------------------------

def _need(needed: list[Document], number: int, doc: Document, conditional: bool = False,
          details: Iterable[str] = (), notes: Iterable[str] = ()) -> None:
    """Entry `number` needs `doc` (once in `needed`); it stays conditional only while every
    mention of it for this entry is conditional."""
    if doc not in needed:
        needed.append(doc)
        doc.needed_by.append(number)
        if conditional:
            doc.conditional.add(number)
    elif not conditional:
        doc.conditional.discard(number)
    for d in details:
        if (number, d) not in doc.details:
            doc.details.append((number, d))
    for n in notes:
        if n not in doc.notes:
            doc.notes.append(n)


def build_checklist(evaluation: Evaluation, profile: dict,
                    selection: list[Key] | None = None,
                    generated_on: dt.date | None = None,
                    expiring_days: int = DEFAULT_EXPIRING_DAYS) -> Checklist:
    """The checklist for `selection` (default: the recommended plan's results, in plan order)."""
    from_plan = selection is None
    plan_amounts = {(i.measure_id, i.project_id): i.amount_max for i in evaluation.plan.selected}
    given_up = {(g.measure_id, g.project_id): g.reason for g in evaluation.plan.given_up}
    keys = list(plan_amounts) if selection is None else list(dict.fromkeys(selection))
    results: list[MeasureResult] = []
    for measure_id, project_id in keys:
        try:
            result = evaluation.result(measure_id, project_id)
        except KeyError:
            subject = f"（项目 {project_id}）" if project_id else ""
            raise ChecklistError(f"{measure_id}{subject}：本次评估中没有这一项") from None
        if result.status not in CHECKLIST_STATUSES:
            raise ChecklistError(f"{result.citation}：状态为“{result.status}”，不能列入申请清单")
        results.append(result)
    # The plan's supports first, then the rest ticked; each by the highest amount (unstated last),
    # so the checklist reads in the order that matters.
    def order(r: MeasureResult) -> tuple[bool, Decimal]:
        key = (r.measure_id, r.project_id)
        high = plan_amounts.get(key, r.amount_max)
        return key not in plan_amounts, -(high if high is not None else Decimal(-1))
    results.sort(key=order)
    keys = [(r.measure_id, r.project_id) for r in results]

    company = profile.get("company") or {}
    cfg = rules()
    documents: dict[str, Document] = {}
    alias_of = {alias: c for c in cfg.common for alias in c.aliases}

    def document_for(name: str) -> tuple[Document, list[str], list[str]]:
        base, details, notes = split_name(name, cfg.handling_words)
        common = alias_of.get(base) or alias_of.get(name)
        if common is not None:
            key = "common:" + common.key
            if key not in documents:
                documents[key] = Document(_common_name(common, company), common.key, list(common.notes))
            return documents[key], details, notes
        key = base
        if key not in documents:
            documents[key] = Document(base, None, [])
        return documents[key], details, notes

    chosen = set(keys)
    entries: list[Entry] = []
    for number, result in enumerate(results, start=1):
        needed: list[Document] = []
        for common in cfg.common:
            if common.when == "always" or (common.when == "stacking" and under_stacking_rule(result)):
                _need(needed, number, document_for(common.name)[0])
        for name, note, conditional in entry_evidence(result):
            doc, details, notes = document_for(name)
            _need(needed, number, doc, conditional, details, notes + ([note] if note else []))

        kind, names = _departments(result.measure)
        conflicts = []
        for other_id in result.conflicts_with:
            try:
                other = evaluation.result(other_id, result.project_id)
            except KeyError:
                continue
            if other.status not in CHECKLIST_STATUSES:
                continue      # a rival the company cannot apply for is no choice to make
            conflicts.append(Conflict(other_id, result.project_id, other.citation,
                                      other.document.get("script", "zh-Hans"),
                                      (other_id, result.project_id) in chosen))
        key = (result.measure_id, result.project_id)
        entries.append(Entry(
            number=number, result=result, in_plan=key in plan_amounts,
            amount_min=result.amount_min,
            amount_max=plan_amounts.get(key, result.amount_max) if key in plan_amounts else result.amount_max,
            department_kind=kind, departments=names, conflicts=conflicts, documents=needed,
            given_up_reason=given_up.get(key)))

    for doc in documents.values():
        if doc.common is None and not doc.notes:
            doc.notes.extend(cfg.default_notes)
    ordered = ([d for d in documents.values() if d.common is not None]
               + [d for d in documents.values() if d.common is None])
    return Checklist(
        company_name=company.get("name") or "",
        uscc=company.get("uscc") or "",
        as_of=evaluation.as_of,
        database_version=evaluation.database_version,
        release=evaluation.release,
        generated_on=generated_on or dt.date.today(),
        entries=entries, documents=ordered, from_plan=from_plan,
        expiring=expiring_soon(results, evaluation.as_of, expiring_days))


def _common_name(common: CommonDocument, company: dict) -> str:
    return common.names_by_entity_type.get(company.get("entity_type"), common.name)
