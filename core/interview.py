"""The guided interview, without Qt: which questions to ask next, how far there is to go, and what
has been answered — for the desktop's guided pane and the kiosk alike.

The interview never decides anything itself. It reads the engine's evaluation of the profile as it
stands: every support still 需补充信息 lists the facts that would decide it (`missing`), and the
next questions are those facts, the ones that decide the most open supports first (then the ones
with the most money waiting on them). Answering a question re-evaluates the profile, so the list
shrinks, grows (a "yes" can open further conditions) or reorders itself as the user goes; progress
is therefore an estimate ("还需回答约 N 个问题").

Steps: 基本信息 (who the company is) → 项目 (what it has built or runs) → 问题 (the deciding
questions, a few at a time, each skippable) → 核对 (every answer, editable in place) → 结果.
Skipped questions stay skipped for the walk (not in the profile: skipping is not an answer).
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from core.engine.evaluate import NEEDS_INFO, Evaluation
from core.engine.text import fact_label
from core.formspec import COMPANY_IDENTITY, FieldSpec, company_fields, field_for_missing, project_fields
from core.i18n import N_

IDENTITY_FIELDS = (*COMPANY_IDENTITY, "company.entity_type")
PROJECT_FIELDS = ("project.type", "project.name", "project.district")
STEPS = ("identity", "projects", "questions", "review", "results")
STEP_TITLES = {"identity": N_("基本信息"), "projects": N_("项目"), "questions": N_("申报条件问答"),
               "review": N_("核对答案"), "results": N_("结果与清单")}
QUESTIONS_PER_PAGE = 3

Key = tuple[str | None, str]        # (project id or None for the company, generic field path)


@dataclass(frozen=True)
class Question:
    """One fact to ask of one subject, with why it is asked."""
    project_id: str | None
    path: str                          # generic field path: project.generation_kwh.{year}
    facts: tuple[str, ...]             # the concrete facts it answers: project.generation_kwh.2024
    asked_by: tuple[str, ...]          # the clauses waiting on it (citation and title)
    decides: int                       # how many open supports wait on it
    at_stake: Decimal | None           # the most they could pay together, where stated

    @property
    def key(self) -> Key:
        return (self.project_id, self.path)

    @property
    def label(self) -> str:
        """The question in words, with its years and unit: 2024 年实际发电量（千瓦时）."""
        labels = list(dict.fromkeys(fact_label(f, with_unit=True) for f in self.facts))
        if len(labels) > 3:
            labels = [*labels[:3], "等"]
        return "、".join(labels)


@dataclass(frozen=True)
class Answered:
    """One answered field of one subject, for the review step."""
    project_id: str | None
    path: str                          # generic field path
    label: str                         # 装机容量（千瓦）


def _subject_of(fact: str, project_id: str | None) -> str | None:
    return project_id if fact.startswith("project.") else None


def questions(evaluation: Evaluation) -> list[Question]:
    """Every open question of the profile evaluated, the most deciding first."""
    waiting: dict[Key, dict] = {}
    for r in evaluation.results:
        if r.status != NEEDS_INFO:
            continue
        who = f"{r.citation} {r.measure['title']}"
        seen_here: set[Key] = set()
        for fact in r.missing:
            generic = field_for_missing(fact)[0]
            key = (_subject_of(fact, r.project_id), generic)
            entry = waiting.setdefault(key, {"facts": [], "asked_by": [], "decides": 0,
                                             "at_stake": Decimal(0), "unstated": False})
            if fact not in entry["facts"]:
                entry["facts"].append(fact)
            if key in seen_here:
                continue
            seen_here.add(key)
            if who not in entry["asked_by"]:
                entry["asked_by"].append(who)
            entry["decides"] += 1
            if r.amount_max is None:
                entry["unstated"] = True
            else:
                entry["at_stake"] += r.amount_max
    out = [Question(key[0], key[1], tuple(e["facts"]), tuple(e["asked_by"]), e["decides"],
                    None if e["unstated"] and not e["at_stake"] else e["at_stake"])
           for key, e in waiting.items()]
    # Most supports decided first, then the most money; the engine's order breaks ties.
    out.sort(key=lambda q: (-q.decides, -(q.at_stake or 0)))
    return out


def missing_identity(profile: dict) -> list[str]:
    """The identity fields (name, USCC, district, entity type) the company has not given."""
    company = profile.get("company") or {}
    return [p for p in IDENTITY_FIELDS if company.get(p.split(".", 1)[1]) in (None, "")]


@dataclass
class Interview:
    """One guided walk through a profile: the step shown and the questions skipped."""
    step: str = STEPS[0]
    skipped: set[Key] = field(default_factory=set)

    def open_questions(self, evaluation: Evaluation) -> list[Question]:
        """Questions neither answered nor skipped, the most deciding first."""
        return [q for q in questions(evaluation) if q.key not in self.skipped]

    def next_questions(self, evaluation: Evaluation, n: int = QUESTIONS_PER_PAGE) -> list[Question]:
        return self.open_questions(evaluation)[:n]

    def remaining(self, evaluation: Evaluation) -> int:
        """About how many questions are left (answers can open or close others)."""
        return len(self.open_questions(evaluation))

    def skip(self, questions_: Iterable[Question]) -> None:
        self.skipped.update(q.key for q in questions_)

    def reset_skipped(self) -> None:
        self.skipped.clear()

    # steps
    @property
    def step_number(self) -> int:
        return STEPS.index(self.step) + 1

    def go(self, step: str) -> None:
        if step not in STEPS:
            raise ValueError(f"no interview step {step!r} (steps: {', '.join(STEPS)})")
        self.step = step

    def forward(self) -> str:
        self.step = STEPS[min(STEPS.index(self.step) + 1, len(STEPS) - 1)]
        return self.step

    def back(self) -> str:
        self.step = STEPS[max(STEPS.index(self.step) - 1, 0)]
        return self.step


def _given(value) -> bool:
    """A value the user gave: anything but absent or blank ([] is the answer "none")."""
    return value is not None and value != "" and value != {}


def _has(data: dict, path: str) -> bool:
    """Whether `data` (the company or one project) holds an answer for the generic field `path`."""
    parts = path.split(".")[1:]
    node = data
    for i, part in enumerate(parts):
        if part == "{year}":
            rest = ".".join(parts[i + 1:])
            return isinstance(node, dict) and any(
                (isinstance(entry, dict) and _has(entry, f"year.{rest}")) if rest else _given(entry)
                for entry in node.values())
        if not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    return _given(node)


def answered(profile: dict, measures: list[dict], documents: dict[str, dict]) -> list[Answered]:
    """Every field the profile answers, company first, then each project, in the form's order."""
    out: list[Answered] = []
    company = profile.get("company") or {}
    specs: list[FieldSpec] = company_fields(measures, documents)
    out.extend(Answered(None, s.path, _field_label(s)) for s in specs if _has(company, s.path))
    by_type: dict[str, list[FieldSpec]] = {}
    for project in profile.get("projects") or []:
        if not isinstance(project, dict):
            continue
        given = project.get("type")
        kind: str = given if isinstance(given, str) else ""
        if kind not in by_type:
            by_type[kind] = project_fields(kind, measures, documents)   # no type: its identity
        specs = by_type[kind]
        out.extend(Answered(project.get("id"), s.path, _field_label(s))
                   for s in specs if _has(project, s.path))
    return out


def _field_label(spec: FieldSpec) -> str:
    return f"{spec.label}（{spec.unit}）" if spec.unit else spec.label
