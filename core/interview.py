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

import copy
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from core.engine.evaluate import NEEDS_INFO, Evaluation
from core.engine.text import fact_label
from core.formspec import COMPANY_IDENTITY, FieldSpec, company_fields, field_for_missing, project_fields
from core.i18n import N_, _
from core.measures.facts import FactSpec, fact_registry, parse_concrete, value_problems
from core.profile import validate_profile

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


# -- one answer at a time (the kiosk writes each answer as it is given) ----------------------------

# TRANSLATORS: an answer of the wrong kind reached the profile (a bug, never the user's typing)
MSG_WRONG_KIND = N_("这个回答不能用于此项，请重新选择或填写。")
_ITEM_FACT = re.compile(r"(.*?)\[(\d+)\]\.(\w+)")        # company.standards[0].published_on


def _steps(fact: str) -> tuple[list[str], int | None, str | None]:
    """company.years.2024.revenue → (["years", "2024", "revenue"], None, None);
    company.standards[0].published_on → (["standards"], 0, "published_on")."""
    item = _ITEM_FACT.fullmatch(fact)
    if item:
        return item.group(1).split(".")[1:], int(item.group(2)), item.group(3)
    return fact.split(".")[1:], None, None


def fact_spec(fact: str) -> FactSpec | None:
    """The schema's spec of a concrete fact, an item's field included (None if unknown)."""
    parts = parse_concrete(fact)
    spec = fact_registry().get(parts.generic)
    if spec is not None and parts.field is not None:
        return spec.item_fields.get(parts.field)
    return spec


def value_at(data: dict, keys: list[str]) -> Any:
    """The value at `keys` inside `data` (a subject's dict), or None where the path stops."""
    node: Any = data
    for key in keys:
        if not isinstance(node, dict) or key not in node:
            return None
        node = node[key]
    return node


def put_at(data: dict, keys: list[str], value: Any) -> None:
    """Set the value at `keys` inside `data`, making the objects on the way. None removes it, and
    the objects that this leaves empty (a year with no figure left is not an answer); `data`
    itself stays. The form and the kiosk's answers both write through here."""
    if value is not None:
        node = data
        for key in keys[:-1]:
            if not isinstance(node.get(key), dict):
                node[key] = {}
            node = node[key]
        node[keys[-1]] = value
        return
    trail = [data]
    for key in keys[:-1]:
        step = trail[-1].get(key)
        if not isinstance(step, dict):
            return
        trail.append(step)
    if keys[-1] not in trail[-1]:
        return
    del trail[-1][keys[-1]]
    for depth in range(len(trail) - 1, 0, -1):      # never `data` itself
        if trail[depth]:
            break
        del trail[depth - 1][keys[depth - 1]]


def _project_index(profile: dict, project_id: str) -> int:
    for i, project in enumerate(profile.get("projects") or []):
        if isinstance(project, dict) and project.get("id") == project_id:
            return i
    raise KeyError(f"no project {project_id!r} in the profile")


def _subject(profile: dict, project_id: str | None) -> dict:
    if project_id is None:
        company = profile.get("company")
        if not isinstance(company, dict):
            company = profile["company"] = {}
        return company
    return profile["projects"][_project_index(profile, project_id)]


def answer_of(profile: dict, project_id: str | None, fact: str) -> Any:
    """The value the profile holds for `fact` of the company (None) or a project; None if absent."""
    try:
        node: Any = _subject(copy.copy(profile), project_id)
    except KeyError:
        return None
    keys, index, name = _steps(fact)
    node = value_at(node, keys)
    if index is None:
        return node
    if not isinstance(node, list) or index >= len(node) or not isinstance(node[index], dict):
        return None
    return node[index].get(name)


def with_answer(profile: dict, project_id: str | None, fact: str, value: Any) -> dict:
    """A copy of `profile` with `value` at `fact` of the subject (None removes the answer).
    KeyError for a project that is not there or an item of a list that is not there."""
    if value is None:
        return without_answer(profile, project_id, fact)
    out = copy.deepcopy(profile)
    node = _subject(out, project_id)
    keys, index, name = _steps(fact)
    if index is None:
        put_at(node, keys, value)
        return out
    items = value_at(node, keys)
    if not isinstance(items, list) or index >= len(items) or not isinstance(items[index], dict):
        raise KeyError(f"no item {index} in {keys[-1]}")
    items[index][name] = value
    return out


def without_answer(profile: dict, project_id: str | None, fact: str) -> dict:
    """A copy of `profile` without the answer at `fact`; objects it leaves empty on the way (a
    year with no figure left) go too, since an empty year is not an answer."""
    out = copy.deepcopy(profile)
    try:
        subject = _subject(out, project_id)
    except KeyError:
        return out
    keys, index, name = _steps(fact)
    if index is None:
        put_at(subject, keys, None)
        return out
    items = value_at(subject, keys)
    if isinstance(items, list) and index < len(items) and isinstance(items[index], dict):
        items[index].pop(name, None)
    return out


def _profile_path(profile: dict, project_id: str | None, fact: str) -> str:
    """Where validate_profile reports a problem of `fact`: projects[0].capacity_kw."""
    rest = fact.split(".", 1)[1]
    if project_id is None:
        return f"company.{rest}"
    return f"projects[{_project_index(profile, project_id)}].{rest}"


def answer_problems(profile: dict, project_id: str | None, fact: str, value: Any) -> list[str]:
    """Why `value` cannot be the answer to `fact`, in the user's words (the schema's rules, as
    core.profile checks a file, and the data's kind of the fact); [] when it can."""
    if value is None:
        return []
    candidate = with_answer(profile, project_id, fact, value)
    where = _profile_path(candidate, project_id, fact)
    found = [p.message_zh for p in validate_profile(candidate)
             if p.path == where or p.path.startswith((where + ".", where + "["))]
    spec = fact_spec(fact)
    if not found and spec is not None and spec.kind != "list" and value_problems(spec, value):
        found.append(_(MSG_WRONG_KIND))
    return found


def new_project_id(profile: dict) -> str:
    """The next free project id: p1, p2, … (after the highest pN in use)."""
    used = {p.get("id") for p in profile.get("projects") or [] if isinstance(p, dict)}
    numbers = [int(m.group(1)) for pid in used if isinstance(pid, str)
               and (m := re.fullmatch(r"p(\d+)", pid))]
    n = max(numbers, default=0) + 1
    while f"p{n}" in used:
        n += 1
    return f"p{n}"


def with_project(profile: dict, project_type: str) -> tuple[dict, str]:
    """A copy of `profile` with a new project of this type, in the company's district; its id."""
    out = copy.deepcopy(profile)
    project_id = new_project_id(out)
    project: dict[str, Any] = {"id": project_id, "type": project_type}
    district = (out.get("company") or {}).get("district")
    if isinstance(district, str) and district:
        project["district"] = district
    if not isinstance(out.get("projects"), list):
        out["projects"] = []
    out["projects"].append(project)
    return out, project_id


def without_project(profile: dict, project_id: str) -> dict:
    out = copy.deepcopy(profile)
    out["projects"] = [p for p in out.get("projects") or []
                       if not (isinstance(p, dict) and p.get("id") == project_id)]
    return out


def given_facts(profile: dict, project_id: str | None, path: str) -> list[str]:
    """The concrete facts of the generic field `path` that the subject answers:
    project.generation_kwh.{year} → [project.generation_kwh.2023, project.generation_kwh.2024]."""
    if "{year}" not in path:
        return [path] if _given(answer_of(profile, project_id, path)) else []
    head, tail = path.split(".{year}", 1)
    years = answer_of(profile, project_id, head)
    if not isinstance(years, dict):
        return []
    facts = [f"{head}.{year}{tail}" for year in sorted(years)]
    return [f for f in facts if _given(answer_of(profile, project_id, f))]
