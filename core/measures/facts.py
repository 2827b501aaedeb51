"""The profile facts that measure criteria may read, derived from the profile JSON Schema.

One source of truth: a criterion may only name a fact that the schema defines, so the data
cannot ask for something the form and the file format cannot hold.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache

from core.measures import vocabulary as V
from core.resources import profile_schema_path

# Year placeholders allowed in fact paths, all standing for one calendar year.
YEAR_TEMPLATE = re.compile(r"\{(year|last_year(?:-[12])?)\}")


@dataclass(frozen=True)
class FactSpec:
    path: str                      # company.years.{year}.revenue
    kind: str                      # number boolean string date enum list key_list
    enum: tuple = ()               # allowed values of an enum, or of a key_list's items
    item_fields: dict = field(default_factory=dict)   # for lists of objects: name -> FactSpec
    description: str = ""
    minimum: float | None = None   # a number's bounds in the schema (the kiosk's pad keeps to them)
    maximum: float | None = None


def _kind(schema: dict, defs: dict) -> tuple[str, tuple, dict]:
    if "$ref" in schema:
        ref = schema["$ref"].split("/")[-1]
        return _kind({**defs[ref], **{k: v for k, v in schema.items() if k != "$ref"}}, defs)
    if "enum" in schema:
        return "enum", tuple(schema["enum"]), schema
    if "const" in schema:
        return "enum", (schema["const"],), schema
    kind = schema.get("type")
    if kind == "string" and schema.get("format") == "date":
        return "date", (), schema
    if kind == "integer":
        kind = "number"
    return kind or "any", (), schema


def _walk(schema: dict, defs: dict, path: str, out: dict) -> None:
    kind, enum, resolved = _kind(schema, defs)
    description = schema.get("description") or resolved.get("description", "")
    if kind == "object":
        for name, sub in resolved.get("properties", {}).items():
            _walk(sub, defs, f"{path}.{name}" if path else name, out)
        extra = resolved.get("additionalProperties")
        if isinstance(extra, dict):        # keyed by calendar year
            _walk(extra, defs, f"{path}.{{year}}", out)
        return
    if kind == "array":
        items = resolved.get("items", {})
        item_kind, item_enum, item_resolved = _kind(items, defs)
        fields: dict = {}
        if item_kind == "object":
            for name, sub in item_resolved.get("properties", {}).items():
                sub_out: dict = {}
                _walk(sub, defs, name, sub_out)
                fields.update(sub_out)
            out[path] = FactSpec(path, "list", (), fields, description)
        else:   # a list of values; enum holds the closed list when the items are an enum
            out[path] = FactSpec(path, "key_list", item_enum if item_kind == "enum" else (), {},
                                 description)
        return
    out[path] = FactSpec(path, kind, enum, {}, description,
                         resolved.get("minimum"), resolved.get("maximum"))


@lru_cache(maxsize=1)
def fact_registry() -> dict[str, FactSpec]:
    schema = json.loads(profile_schema_path().read_text(encoding="utf-8"))
    defs = schema["$defs"]
    out: dict[str, FactSpec] = {}
    _walk(defs["company"], defs, "company", out)
    _walk(defs["project"], defs, "project", out)
    return out


@lru_cache(maxsize=4096)      # a pure function of a path, asked for at every leaf evaluated
def generic_path(path: str) -> str:
    """company.years.{last_year-1}.revenue → company.years.{year}.revenue"""
    return YEAR_TEMPLATE.sub("{year}", path)


def lookup(path: str) -> FactSpec | None:
    return fact_registry().get(generic_path(path))


# Units a description may end with, in full-width brackets: 装机容量（千瓦）. The form shows them
# beside the input; reasons and calculations use them after numbers.
UNIT_SUFFIX = re.compile(r"（([^（）]*)）$")
FORM_UNITS = ("元", "千瓦", "千瓦时", "公斤", "千伏", "平方米")
_CONCRETE_YEAR = re.compile(r"\.(\d{4})(?=\.|$)")
_ITEM = re.compile(r"(.*?)\[(\d+)\]\.(\w+)")     # whole path: fullmatch


def label_and_unit(description: str) -> tuple[str, str | None]:
    """装机容量（千瓦） → ("装机容量", "千瓦"); a bracket that is not a unit stays in the label."""
    m = UNIT_SUFFIX.search(description)
    if m and m.group(1) in FORM_UNITS:
        return description[: m.start()], m.group(1)
    return description, None


@dataclass(frozen=True)
class ConcretePath:
    """A concrete fact path taken apart: project.generation_kwh.2024, company.standards[0].kind."""
    generic: str                  # the registry's path: project.generation_kwh.{year}, company.standards
    index: int | None = None      # list position, for an item's field
    field: str | None = None      # the item's field
    year: str | None = None       # a concrete calendar year


def parse_concrete(path: str) -> ConcretePath:
    item = _ITEM.fullmatch(path)
    if item:
        return ConcretePath(item.group(1), int(item.group(2)), item.group(3))
    year = _CONCRETE_YEAR.search(path)
    if year:
        return ConcretePath(path[: year.start()] + ".{year}" + path[year.end():], year=year.group(1))
    return ConcretePath(generic_path(path))


# -- values the data compares facts with ----------------------------------------------------------

def date_problem(value) -> str | None:
    """Why `value` is not a date written YYYY-MM-DD, or None."""
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return f"must be a date YYYY-MM-DD, got {value!r}"
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return f"not a real calendar date: {value}"
    return None


def _allowed(spec: FactSpec) -> str:
    return ", ".join(map(str, spec.enum))


def value_problems(spec: FactSpec, value) -> list[str]:
    """Why `value` cannot be compared with the fact `spec` (a number with a number, a date or a
    date reference with a date, a listed value with an enum), or nothing."""
    if spec.kind == "number":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return [f"must be a number for {spec.path}, got {value!r}"]
    elif spec.kind == "boolean":
        if not isinstance(value, bool):
            return [f"must be true or false for {spec.path}, got {value!r}"]
    elif spec.kind == "enum":
        if value not in spec.enum:
            return [f"{value!r} is not a value of {spec.path} (allowed: {_allowed(spec)})"]
    elif spec.kind == "date":
        if not (isinstance(value, str) and (value in V.DATE_REFERENCES or value in V.YEAR_REFERENCES)):
            problem = date_problem(value)
            return [problem] if problem else []
    elif spec.kind in ("string", "key_list"):
        if not isinstance(value, str):
            return [f"must be text for {spec.path}, got {value!r}"]
        if spec.enum and value not in spec.enum:
            return [f"{value!r} is not a value of {spec.path} (allowed: {_allowed(spec)})"]
    return []
