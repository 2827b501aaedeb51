"""Validate one measures YAML file into plain, normalised dicts.

Every problem is reported as `file:line: field: message`, all of them at once, so an editor can
fix a file in one pass. The normalised dicts are JSON-ready and are what the database stores and
the engine reads back (see core.measures.model).
"""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from core.engine.amounts import FORMULAS
from core.engine.operators import OPERATORS, REQUIRED
from core.measures import facts
from core.measures import vocabulary as V
from core.measures.seeds import found_verbatim, normalise
from core.measures.yamlsource import LineDict, LineList, YamlError, load_yaml
from core.resources import seeds_dir

DOCUMENT_KEYS = {
    "key": True, "title": True, "short_title": True, "seed": True, "number": False,
    "issuer": True, "level": True, "region": True, "script": True, "funding": True,
    "published_on": True, "valid_from": True, "valid_to": True, "validity_span": True,
    "validity_note": False, "clean_noise": False, "applicability": False, "stacking": False,
    "key_fields": False,
}
MEASURE_KEYS = {
    "id": True, "clause": True, "title": True, "text": True, "kind": True, "role": True, "subject": True,
    "responsible_departments": False, "reviewing_department": False, "valid_from": False,
    "valid_to": False, "validity_span": False, "discretionary": False, "criteria": False,
    "benefit": False, "stacking": False, "evidence": False, "vague": False, "note": False,
}
LEAF_KEYS = {"id": True, "label": True, "fact": True, "op": True, "value": False, "unit": False,
             "where": False, "unless": False, "span": True, "evidence": False, "vague": False,
             "for": False, "year": False}
BENEFIT_KEYS = {"formula": True, "base": False, "rate": False, "rate_by": False, "items": False,
                "where": False, "unless": False, "amount_per_item": False, "amount_by": False,
                "max_items": False, "amount": False, "ceiling_only": False, "open": False,
                "caps": False, "span": False, "note": False}
DOC_KEY = re.compile(r"^[a-z]+(?:-[a-z]+)*-\d{4}$")
CLAUSE = r"\d+(?:\.\d+)*[a-z]?"


class DataError(Exception):
    """One or more problems in the measures data; str() lists them one per line."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


class _Checker:
    def __init__(self, file: str, seeds_root: Path | None):
        self.file = file
        self.problems: list[str] = []
        self.seeds_root = seeds_root
        self.seed: str | None = None
        self.clean = False

    # -- reporting -------------------------------------------------------------------------
    def error(self, line: int, where: str, message: str) -> None:
        self.problems.append(f"{self.file}:{line}: {where}: {message}")

    @staticmethod
    def line(node: Any, key: str | None = None, default: int = 1) -> int:
        if isinstance(node, LineDict):
            return node.line_of(key) if key is not None else node.line
        if isinstance(node, LineList):
            return node.line
        return default

    # -- generic shape ---------------------------------------------------------------------
    def mapping(self, node: Any, where: str, allowed: dict[str, bool], line: int) -> bool:
        if not isinstance(node, dict):
            self.error(line, where, f"must be a mapping, got {type(node).__name__}")
            return False
        for key in node:
            if key not in allowed:
                self.error(self.line(node, key), f"{where}.{key}",
                           f"unknown key (allowed: {', '.join(allowed)})")
        for key, required in allowed.items():
            if required and key not in node:
                self.error(self.line(node), where, f"missing required key '{key}'")
        return True

    def string(self, node: dict, key: str, where: str, choices=None) -> str | None:
        if key not in node:
            return None
        value = node[key]
        line = self.line(node, key)
        if not isinstance(value, str) or not value.strip():
            self.error(line, f"{where}.{key}", f"must be non-empty text, got {value!r}")
            return None
        if choices is not None and value not in choices:
            self.error(line, f"{where}.{key}",
                       f"unknown value {value!r} (allowed: {', '.join(choices)})")
            return None
        return value

    def boolean(self, node: dict, key: str, where: str) -> bool | None:
        if key not in node:
            return None
        if not isinstance(node[key], bool):
            self.error(self.line(node, key), f"{where}.{key}",
                       f"must be true or false, got {node[key]!r}")
            return None
        return node[key]

    def date(self, node: dict, key: str, where: str) -> str | None:
        if key not in node:
            return None
        return self.date_value(node[key], self.line(node, key), f"{where}.{key}")

    def date_value(self, value: Any, line: int, where: str) -> str | None:
        problem = facts.date_problem(value)
        if problem:
            self.error(line, where, problem)
            return None
        return value

    def money(self, node: dict, key: str, where: str) -> int | None:
        if key not in node:
            return None
        value = node[key]
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            self.error(self.line(node, key), f"{where}.{key}",
                       f"must be a whole number of yuan ≥ 0, got {value!r}")
            return None
        return value

    def rate(self, value: Any, line: int, where: str) -> str | None:
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            self.error(line, where, f"must be a number, got {value!r}")
            return None
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            self.error(line, where, f"must be a number, got {value!r}")
            return None
        if number < 0:
            self.error(line, where, f"must be ≥ 0, got {value}")
            return None
        return str(number)

    def string_list(self, node: dict, key: str, where: str) -> list[str]:
        if key not in node:
            return []
        value = node[key]
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            self.error(self.line(node, key), f"{where}.{key}", "must be a list of texts")
            return []
        return list(value)

    # -- citations -------------------------------------------------------------------------
    def span(self, node: dict, key: str, where: str, required: bool = False) -> str | None:
        if key not in node:
            if required:
                self.error(self.line(node), where, f"missing required key '{key}'")
            return None
        text = self.string(node, key, where)
        if text is not None:
            self.verbatim(text, self.line(node, key), f"{where}.{key}")
        return text

    def verbatim(self, text: str, line: int, where: str) -> None:
        if self.seed is None:
            return
        try:
            ok = found_verbatim(text, self.seed, self.clean, self.seeds_root)
        except FileNotFoundError:
            return  # reported once where the seed is named
        if not ok:
            shown = text if len(text) <= 40 else text[:38] + "…"
            self.error(line, where, f"text not found verbatim in seed {self.seed}: {shown!r}")

    def evidence(self, node: dict, key: str, where: str) -> list[dict]:
        if key not in node:
            return []
        items = node[key]
        if not isinstance(items, list):
            self.error(self.line(node, key), f"{where}.{key}", "must be a list")
            return []
        out = []
        for i, item in enumerate(items):
            here = f"{where}.{key}[{i}]"
            line = items.item_lines[i] if isinstance(items, LineList) else self.line(node, key)
            if isinstance(item, str) and item.strip():
                out.append({"name": item, "note": None})
            elif isinstance(item, dict):
                if self.mapping(item, here, {"name": True, "note": False}, line):
                    name = self.string(item, "name", here)
                    note = self.string(item, "note", here)
                    if name:
                        out.append({"name": name, "note": note})
            else:
                self.error(line, here, f"must be a document name or {{name, note}}, got {item!r}")
        return out


# ---------------------------------------------------------------------------------------------
# numbers must be stated in the span that cites them

_CHINESE_DIGITS = "零一二三四五六七八九十"


def number_forms(value: Any) -> set[str]:
    """The ways a policy text may write a number: 300, 0.25, 20%, 5000万, 20亿, 一."""
    number = Decimal(str(value))
    forms = {format(number.normalize(), "f")}
    if 0 < number < 1:
        forms.add(format((number * 100).normalize(), "f") + "%")
    if number >= 10000 and number % 100 == 0:
        forms.add(format((number / 10000).normalize(), "f") + "万")
    if number >= 10 ** 8:
        forms.add(format((number / 10 ** 8).normalize(), "f") + "亿")
    if number == number.to_integral_value() and 0 < number <= 10:
        forms.add(_CHINESE_DIGITS[int(number)])
    return forms


def stated_in(value: Any, span: str | None) -> bool:
    if span is None:
        return True   # a missing span is reported on its own
    text = normalise(span)
    # Digit boundaries: 30 must not be found inside 300, nor 0.4 inside 0.45.
    return any(re.search(rf"(?<![0-9.]){re.escape(form)}(?![0-9]|\.[0-9])", text)
               for form in number_forms(value))


def _check_stated(c: _Checker, value: Any, span: str | None, line: int, where: str) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return
    try:
        Decimal(str(value))
    except InvalidOperation:
        return
    if Decimal(str(value)) == 0:
        return   # 正增长, 不含: zero is written in words
    if not stated_in(value, span):
        shown = span if span and len(span) <= 40 else (span or "")[:38] + "…"
        c.error(line, where, f"{value} is not stated in its span {shown!r}")


# ---------------------------------------------------------------------------------------------
# criteria

def _check_value_for(c: _Checker, spec: facts.FactSpec, value: Any, line: int, where: str) -> None:
    """A comparison value must suit the fact it is compared with."""
    for problem in facts.value_problems(spec, value):
        c.error(line, where, problem)


def _conditions(c: _Checker, items: Any, spec: facts.FactSpec, line: int, where: str) -> list[dict]:
    if not isinstance(items, list):
        c.error(line, where, "must be a list of {field, op, value}")
        return []
    out = []
    for i, cond in enumerate(items):
        here = f"{where}[{i}]"
        cline = items.item_lines[i] if isinstance(items, LineList) else line
        if not c.mapping(cond, here, {"field": True, "op": True, "value": True, "default": False}, cline):
            continue
        name = c.string(cond, "field", here)
        op = c.string(cond, "op", here, V.CONDITION_OPS)
        if name is None or op is None:
            continue
        field = spec.item_fields.get(name)
        if field is None:
            c.error(c.line(cond, "field"), f"{here}.field",
                    f"{spec.path} items have no field {name!r} "
                    f"(fields: {', '.join(spec.item_fields)})")
            continue
        value = cond["value"]
        vline = c.line(cond, "value")
        if "default" in cond:
            _check_value_for(c, field, cond["default"], c.line(cond, "default"), f"{here}.default")
        if value == V.SUBJECT_REFERENCE:
            if op not in ("eq", "ne") or field.kind != "string":
                c.error(vline, f"{here}.value", f"{V.SUBJECT_REFERENCE} compares a text field with eq/ne")
        elif op in ("in", "not_in"):
            if not isinstance(value, list) or not value:
                c.error(vline, f"{here}.value", "must be a non-empty list")
            else:
                for v in value:
                    _check_value_for(c, field, v, vline, f"{here}.value")
        elif op == "in_year":
            if field.kind != "date" or value not in V.YEAR_REFERENCES:
                c.error(vline, f"{here}.value",
                        f"in_year needs a date field and one of {', '.join(V.YEAR_REFERENCES)}")
        elif op in ("on_or_after", "on_or_before"):
            if field.kind != "date":
                c.error(c.line(cond, "op"), f"{here}.op", f"{op} needs a date field")
            elif value not in V.DATE_REFERENCES:
                c.date_value(value, vline, f"{here}.value")
        else:
            _check_value_for(c, field, value, vline, f"{here}.value")
        out.append({"field": name, "op": op, "value": value, **(
            {"default": cond["default"]} if "default" in cond else {})})
    return out


def _leaf(c: _Checker, node: dict, where: str, ids: set, allow_for: bool) -> dict | None:
    if not c.mapping(node, where, LEAF_KEYS, c.line(node)):
        return None
    cid = c.string(node, "id", where)
    if cid and cid in ids:
        c.error(c.line(node, "id"), f"{where}.id", f"duplicate criterion id {cid!r}")
    if cid:
        ids.add(cid)
    if "for" in node and not allow_for:
        c.error(c.line(node, "for"), f"{where}.for", "only document applicability criteria take 'for'")
    for_subject = c.string(node, "for", where, ("company", "project"))
    label = c.string(node, "label", where)
    path = c.string(node, "fact", where)
    op = c.string(node, "op", where, tuple(OPERATORS))
    unit = c.string(node, "unit", where, V.UNITS)
    span = c.span(node, "span", where)
    vague = c.string(node, "vague", where)
    evidence = c.evidence(node, "evidence", where)
    if path is None or op is None:
        return None
    spec = facts.lookup(path)
    fline = c.line(node, "fact")
    if spec is None:
        c.error(fline, f"{where}.fact", f"the profile format defines no fact {path!r}")
        return None
    operator = OPERATORS[op]
    lines = {"fact": fline, "op": c.line(node, "op"), "value": c.line(node, "value")}
    kind_problem = operator.fact_problem(op, spec)
    if kind_problem:
        c.error(fline, f"{where}.fact", kind_problem)
    yearly = [name for name, entry in OPERATORS.items() if entry.yearly]
    if "{year}" in path and not operator.yearly:
        c.error(fline, f"{where}.fact", f"{{year}} is only for {'/'.join(yearly)}; use {{last_year}}")
    elif operator.yearly and "{year}" not in path:
        c.error(fline, f"{where}.fact", f"{op} reads a yearly figure: write the path with {{year}}")
    if operator.takes_year:
        if node.get("year", "last_year") not in V.YEAR_REFERENCES:
            c.error(c.line(node, "year"), f"{where}.year", f"must be one of {', '.join(V.YEAR_REFERENCES)}")
    elif "year" in node:
        c.error(c.line(node, "year"), f"{where}.year", f"{op} takes no 'year'")
    has_value = "value" in node
    if not has_value and operator.default is REQUIRED:
        c.error(c.line(node), where, f"missing required key 'value' for op {op}")
    value = node["value"] if has_value else (None if operator.default is REQUIRED else operator.default)
    if has_value and not kind_problem:
        for key, problem in operator.check(op, spec, value):
            c.error(lines[key], f"{where}.{key}", problem)
    where_conds: list = []
    unless_conds: list = []
    if operator.counts and spec.kind == "list":
        if "where" in node:
            where_conds = _conditions(c, node["where"], spec, c.line(node, "where"), f"{where}.where")
        if "unless" in node:
            raw = node["unless"]
            if not isinstance(raw, list):
                c.error(c.line(node, "unless"), f"{where}.unless", "must be a list of condition lists")
            else:
                for j, group in enumerate(raw):
                    unless_conds.append(_conditions(c, group, spec, c.line(node, "unless"),
                                                    f"{where}.unless[{j}]"))
    elif not operator.counts and ("where" in node or "unless" in node):
        counting = "/".join(name for name, entry in OPERATORS.items() if entry.counts)
        c.error(c.line(node), where, f"where/unless go only with {counting}")
    if has_value and operator.stated(spec, value):
        _check_stated(c, value, span, lines["value"], f"{where}.value")
    return {"type": "leaf", "id": cid, "label": label, "fact": path, "op": op, "value": value,
            "unit": unit, "where": where_conds, "unless": unless_conds, "span": span,
            "evidence": evidence, "vague": vague, "for": for_subject,
            **({"year": node["year"]} if operator.takes_year and "year" in node else {})}


def _criteria(c: _Checker, items: Any, line: int, where: str, ids: set,
              allow_for: bool = False) -> list[dict]:
    if not isinstance(items, list):
        c.error(line, where, "must be a list of criteria")
        return []
    out = []
    for i, node in enumerate(items):
        here = f"{where}[{i}]"
        nline = items.item_lines[i] if isinstance(items, LineList) else line
        if not isinstance(node, dict):
            c.error(nline, here, "must be a criterion mapping")
            continue
        group = [k for k in ("all_of", "any_of") if k in node]
        if group:
            mode = group[0]
            if not c.mapping(node, here, {mode: True, "span": False}, nline):
                continue
            children = _criteria(c, node[mode], c.line(node, mode), f"{here}.{mode}", ids, allow_for)
            if len(children) < 2 and isinstance(node[mode], list) and len(node[mode]) < 2:
                c.error(c.line(node, mode), f"{here}.{mode}", "a group needs at least two members")
            out.append({"type": mode, "children": children, "span": c.span(node, "span", here)})
        else:
            leaf = _leaf(c, node, here, ids, allow_for)
            if leaf:
                out.append(leaf)
    return out


# ---------------------------------------------------------------------------------------------
# benefit

def _benefit(c: _Checker, node: Any, line: int, where: str) -> dict | None:
    if not c.mapping(node, where, BENEFIT_KEYS, line):
        return None
    formula = c.string(node, "formula", where, tuple(FORMULAS))
    b: dict[str, Any] = {"formula": formula}
    b["base"] = c.string(node, "base", where)
    if b["base"]:
        spec = facts.lookup(b["base"])
        if spec is None or spec.kind != "number":
            c.error(c.line(node, "base"), f"{where}.base",
                    f"the profile format defines no number fact {b['base']!r}")
        elif "{year}" in b["base"]:
            c.error(c.line(node, "base"), f"{where}.base", "use {last_year} for a yearly base")
    b["rate"] = c.rate(node["rate"], c.line(node, "rate"), f"{where}.rate") if "rate" in node else None
    b["rate_by"] = None
    if "rate_by" in node:
        rb = node["rate_by"]
        rb_where = f"{where}.rate_by"
        if c.mapping(rb, rb_where, {"fact": True, "rates": True}, c.line(node, "rate_by")):
            path = c.string(rb, "fact", rb_where)
            spec = facts.lookup(path) if path else None
            rates = rb.get("rates")
            if path and (spec is None or spec.kind != "enum"):
                c.error(c.line(rb, "fact"), f"{rb_where}.fact", f"must name an enumerated fact, got {path!r}")
            if not isinstance(rates, dict) or not rates:
                c.error(c.line(rb, "rates"), f"{rb_where}.rates", "must map fact values to rates")
            else:
                parsed = {}
                for key, value in rates.items():
                    if spec is not None and spec.kind == "enum" and key not in spec.enum:
                        c.error(c.line(rates, key), f"{rb_where}.rates.{key}",
                                f"{key!r} is not a value of {path}")
                    parsed[key] = c.rate(value, c.line(rates, key), f"{rb_where}.rates.{key}")
                b["rate_by"] = {"fact": path, "rates": parsed}
    b["items"] = c.string(node, "items", where)
    b["where"], b["unless"] = [], []
    item_spec = None
    if b["items"]:
        item_spec = facts.lookup(b["items"])
        if item_spec is None or item_spec.kind != "list":
            c.error(c.line(node, "items"), f"{where}.items", f"must name a list fact, got {b['items']!r}")
            item_spec = None
    if item_spec is not None:
        if "where" in node:
            b["where"] = _conditions(c, node["where"], item_spec, c.line(node, "where"), f"{where}.where")
        if "unless" in node:
            for j, group in enumerate(node["unless"] or []):
                b["unless"].append(_conditions(c, group, item_spec, c.line(node, "unless"),
                                               f"{where}.unless[{j}]"))
    b["amount_per_item"] = c.money(node, "amount_per_item", where)
    b["amount_by"] = None
    if "amount_by" in node:
        ab = node["amount_by"]
        ab_where = f"{where}.amount_by"
        if c.mapping(ab, ab_where, {"field": True, "amounts": True}, c.line(node, "amount_by")):
            name = c.string(ab, "field", ab_where)
            if item_spec is not None and name and name not in item_spec.item_fields:
                c.error(c.line(ab, "field"), f"{ab_where}.field",
                        f"{b['items']} items have no field {name!r}")
            amounts = ab.get("amounts")
            if not isinstance(amounts, dict) or not amounts:
                c.error(c.line(ab, "amounts"), f"{ab_where}.amounts", "must map item values to amounts")
            else:
                b["amount_by"] = {"field": name,
                                  "amounts": {k: c.money(amounts, k, f"{ab_where}.amounts") for k in amounts}}
    b["max_items"] = None
    if "max_items" in node:
        value = node["max_items"]
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            c.error(c.line(node, "max_items"), f"{where}.max_items",
                    f"must be a whole number ≥ 1, got {value!r}")
        else:
            b["max_items"] = value
    b["amount"] = c.money(node, "amount", where)
    b["ceiling_only"] = bool(c.boolean(node, "ceiling_only", where))
    b["open"] = c.string(node, "open", where)
    b["note"] = c.string(node, "note", where)
    b["span"] = c.span(node, "span", where, required=formula not in (None, "none"))
    b["caps"] = []
    raw_caps = []       # the YAML node of each entry of b["caps"]: a cap that is no mapping is in neither
    caps = node.get("caps", [])
    if not isinstance(caps, list):
        c.error(c.line(node, "caps"), f"{where}.caps", "must be a list")
        caps = []
    for i, cap in enumerate(caps):
        here = f"{where}.caps[{i}]"
        cline = caps.item_lines[i] if isinstance(caps, LineList) else line
        allowed = {"scope": True, "amount": False, "open_ratio_of": False, "span": True}
        if not c.mapping(cap, here, allowed, cline):
            continue
        scope = c.string(cap, "scope", here, V.CAP_SCOPES)
        amount = c.money(cap, "amount", here)
        ratio_of = c.string(cap, "open_ratio_of", here)
        if (amount is None) == (ratio_of is None):
            c.error(cline, here, "give exactly one of 'amount' or 'open_ratio_of'")
        if ratio_of is not None:
            spec = facts.lookup(ratio_of)
            if spec is None or spec.kind != "number":
                c.error(c.line(cap, "open_ratio_of"), f"{here}.open_ratio_of",
                        f"the profile format defines no number fact {ratio_of!r}")
        b["caps"].append({"scope": scope, "amount": amount, "open_ratio_of": ratio_of,
                          "span": c.span(cap, "span", here)})
        raw_caps.append(cap)

    for cap, raw_cap in zip(b["caps"], raw_caps, strict=True):
        if cap["amount"] is not None:
            _check_stated(c, cap["amount"], cap["span"], c.line(raw_cap, "amount"), f"{where}.caps.amount")
    for key in ("rate", "amount", "amount_per_item", "max_items"):
        if b.get(key) is not None:
            _check_stated(c, b[key], b["span"], c.line(node, key), f"{where}.{key}")
    for group in ("rate_by", "amount_by"):
        values = (b.get(group) or {}).get("rates" if group == "rate_by" else "amounts") or {}
        for key, value in values.items():
            if value is not None:
                _check_stated(c, value, b["span"], c.line(node, group), f"{where}.{group}.{key}")

    # What each formula needs, and nothing it cannot use.
    entry = FORMULAS.get(formula or "")
    if entry is not None:
        for key in entry.needs:
            if b.get(key) is None:
                c.error(line, where, f"formula {formula} needs '{key}'")
        for problem in entry.check(b):
            c.error(line, where, problem)
    return b


# ---------------------------------------------------------------------------------------------
# document and measures

def _stacking_rules(c: _Checker, node: Any, line: int, where: str, document_level: bool) -> list[dict]:
    if not isinstance(node, list):
        c.error(line, where, "must be a list")
        return []
    out = []
    for i, rule in enumerate(node):
        here = f"{where}[{i}]"
        rline = node.item_lines[i] if isinstance(node, LineList) else line
        allowed = ({"scope": True, "level": True, "span": True} if document_level
                   else {"level": False, "measures": False, "span": True})
        if not c.mapping(rule, here, allowed, rline):
            continue
        scope = c.string(rule, "scope", here, V.STACKING_SCOPES) if document_level else "any"
        level = c.string(rule, "level", here, V.LEVELS)
        ids = c.string_list(rule, "measures", here)
        if not document_level and (level is None) == (not ids):
            c.error(rline, here, "give exactly one of 'level' or 'measures'")
        out.append({"scope": scope, "level": level, "measures": ids,
                    "span": c.span(rule, "span", here)})
    return out


def _document(c: _Checker, node: Any, line: int) -> dict | None:
    where = "document"
    if not c.mapping(node, where, DOCUMENT_KEYS, line):
        return None
    d: dict[str, Any] = {}
    d["key"] = c.string(node, "key", where)
    if d["key"] and not DOC_KEY.fullmatch(d["key"]):
        c.error(c.line(node, "key"), f"{where}.key", f"not a document key like 'sz-sepi-2024': {d['key']!r}")
    for key in ("title", "short_title", "number", "issuer", "validity_note"):
        d[key] = c.string(node, key, where)
    d["seed"] = c.string(node, "seed", where)
    d["clean_noise"] = bool(c.boolean(node, "clean_noise", where))
    if d["seed"]:
        if not ((c.seeds_root or seeds_dir()) / d["seed"]).is_file():
            c.error(c.line(node, "seed"), f"{where}.seed", f"no seed file {d['seed']!r}")
        else:
            c.seed, c.clean = d["seed"], d["clean_noise"]
    if d["title"]:
        c.verbatim(d["title"], c.line(node, "title"), f"{where}.title")
    d["level"] = c.string(node, "level", where, V.LEVELS)
    d["region"] = c.string(node, "region", where, V.REGIONS)
    d["script"] = c.string(node, "script", where, V.SCRIPTS)
    d["funding"] = c.boolean(node, "funding", where)
    for key in ("published_on", "valid_from", "valid_to"):
        d[key] = c.date(node, key, where)
    if d["valid_from"] and d["valid_to"] and d["valid_from"] > d["valid_to"]:
        c.error(c.line(node, "valid_to"), f"{where}.valid_to",
                f"{d['valid_to']} is before valid_from {d['valid_from']}")
    d["validity_span"] = c.span(node, "validity_span", where)
    d["applicability"] = (_criteria(c, node["applicability"], c.line(node, "applicability"),
                                    f"{where}.applicability", set(), allow_for=True)
                          if "applicability" in node else [])
    d["stacking"] = (_stacking_rules(c, node["stacking"], c.line(node, "stacking"), f"{where}.stacking", True)
                     if "stacking" in node else [])
    d["key_fields"] = []
    for i, kf in enumerate(node.get("key_fields") or []):
        here = f"{where}.key_fields[{i}]"
        kline = node["key_fields"].item_lines[i] if isinstance(node["key_fields"], LineList) else line
        if c.mapping(kf, here, {"key": True, "label": True, "span": True}, kline):
            field_key = c.string(kf, "key", here)
            if field_key and not re.fullmatch(r"[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*", field_key):
                c.error(c.line(kf, "key"), f"{here}.key",
                        f"not a field key like 'clean_energy.pv': {field_key!r}")
            d["key_fields"].append({"key": field_key, "label": c.string(kf, "label", here),
                                    "span": c.span(kf, "span", here)})
    return d


def _measure(c: _Checker, node: Any, line: int, where: str, doc: dict) -> dict | None:
    if not c.mapping(node, where, MEASURE_KEYS, line):
        return None
    m: dict[str, Any] = {"document": doc.get("key"), "level": doc.get("level"), "region": doc.get("region")}
    m["id"] = c.string(node, "id", where)
    if m["id"] and doc.get("key") and not re.fullmatch(rf"{re.escape(doc['key'])}/{CLAUSE}", m["id"]):
        c.error(c.line(node, "id"), f"{where}.id",
                f"{m['id']!r} is off the id scheme '{doc['key']}/<clause>' "
                "(Arabic clause numbers, '.' for sub-items, a letter per support: 12, 7.1, 14b)")
    for key in ("clause", "title", "reviewing_department", "note"):
        m[key] = c.string(node, key, where)
    m["text"] = c.span(node, "text", where)
    m["kind"] = c.string(node, "kind", where, tuple(V.SUPPORT_KINDS))
    m["role"] = c.string(node, "role", where, V.ROLES)
    subject = node.get("subject")
    m["subject"] = None
    if subject == "company":
        m["subject"] = {"company": True, "project_types": []}
    elif isinstance(subject, dict):
        if c.mapping(subject, f"{where}.subject", {"project_types": True}, c.line(node, "subject")):
            types = c.string_list(subject, "project_types", f"{where}.subject")
            for t in types:
                if t not in V.PROJECT_TYPES:
                    c.error(c.line(subject, "project_types"), f"{where}.subject.project_types",
                            f"unknown project type {t!r}")
            if not types:
                c.error(c.line(node, "subject"), f"{where}.subject", "project_types must not be empty")
            m["subject"] = {"company": False, "project_types": types}
    elif "subject" in node:
        c.error(c.line(node, "subject"), f"{where}.subject",
                f"must be 'company' or {{project_types: [...]}}, got {subject!r}")
    m["responsible_departments"] = c.string_list(node, "responsible_departments", where)
    m["valid_from"] = c.date(node, "valid_from", where) or doc.get("valid_from")
    m["valid_to"] = c.date(node, "valid_to", where) or doc.get("valid_to")
    m["validity_span"] = c.span(node, "validity_span", where) or doc.get("validity_span")
    if m["valid_from"] and m["valid_to"] and m["valid_from"] > m["valid_to"]:
        c.error(c.line(node), where, f"valid_to {m['valid_to']} is before valid_from {m['valid_from']}")
    m["discretionary"] = None
    if "discretionary" in node:
        disc = node["discretionary"]
        if c.mapping(disc, f"{where}.discretionary", {"span": True}, c.line(node, "discretionary")):
            m["discretionary"] = {"span": c.span(disc, "span", f"{where}.discretionary")}
    m["criteria"] = (_criteria(c, node["criteria"], c.line(node, "criteria"), f"{where}.criteria", set())
                     if "criteria" in node else [])
    m["benefit"] = None
    if "benefit" in node:
        m["benefit"] = _benefit(c, node["benefit"], c.line(node, "benefit"), f"{where}.benefit")
    elif doc.get("funding") and node.get("role") != "statement":
        c.error(c.line(node), where, "a measure of a funding document needs a 'benefit' "
                                     "(formula: none for a non-financial one)")
    m["stacking"] = {"class": None, "excludes": []}
    if "stacking" in node:
        st = node["stacking"]
        here = f"{where}.stacking"
        if c.mapping(st, here, {"class": False, "excludes": False}, c.line(node, "stacking")):
            cls = c.string(st, "class", here)
            if cls and not re.fullmatch(r"[a-z][a-z0-9_]*", cls):
                c.error(c.line(st, "class"), f"{here}.class",
                        f"not a class name like 'pv_generation': {cls!r}")
            m["stacking"]["class"] = cls
            if "excludes" in st:
                m["stacking"]["excludes"] = _stacking_rules(c, st["excludes"], c.line(st, "excludes"),
                                                            f"{here}.excludes", False)
    m["evidence"] = c.evidence(node, "evidence", where)
    m["vague"] = []
    for i, item in enumerate(node.get("vague") or []):
        here = f"{where}.vague[{i}]"
        if c.mapping(item, here, {"span": True, "note": True}, c.line(node, "vague")):
            m["vague"].append({"span": c.span(item, "span", here), "note": c.string(item, "note", here)})
    if m["role"] == "statement":
        _check_statement(c, node, m, line, where)
    elif m["role"] == "support" and not doc.get("funding"):
        c.error(c.line(node, "role"), f"{where}.role",
                "a document with nothing to apply for (funding: false) holds statements only")
    m["source_line"] = line
    return m


def _check_statement(c: _Checker, node: Any, m: dict, line: int, where: str) -> None:
    """A statement offers nothing to apply for, so it has nothing to check or pay (issue 14)."""
    if m["criteria"]:
        c.error(c.line(node, "criteria"), f"{where}.criteria", "a statement has no criteria")
    if m["discretionary"]:
        c.error(c.line(node, "discretionary"), f"{where}.discretionary", "a statement is not awarded")
    if m["benefit"] and m["benefit"].get("formula") != "none":
        c.error(c.line(node, "benefit"), f"{where}.benefit", "a statement pays nothing (formula: none)")
    if m["stacking"]["excludes"]:
        c.error(c.line(node, "stacking"), f"{where}.stacking", "a statement excludes nothing")
    if m["vague"]:
        c.error(c.line(node, "vague"), f"{where}.vague", "a statement states no condition")


def validate_file(path: Path, seeds_root: Path | None = None) -> tuple[dict, list[dict], list[str]]:
    """Validate one YAML file. Returns (document, measures, problems)."""
    c = _Checker(path.name, seeds_root)
    try:
        tree = load_yaml(path)
    except YamlError as exc:
        return {}, [], [str(exc)]
    if not c.mapping(tree, "(file)", {"document": True, "measures": True}, 1):
        return {}, [], c.problems
    doc = _document(c, tree["document"], c.line(tree, "document")) or {}
    measures: list[dict] = []
    raw = tree["measures"]
    if not isinstance(raw, list):
        c.error(c.line(tree, "measures"), "measures", "must be a list")
        raw = []
    seen: dict[str, int] = {}
    for i, node in enumerate(raw):
        nline = raw.item_lines[i] if isinstance(raw, LineList) else 1
        m = _measure(c, node, nline, f"measures[{i}]", doc)
        if m is None:
            continue
        if m["id"] in seen:
            c.error(nline, f"measures[{i}].id", f"duplicate id {m['id']!r} (first at line {seen[m['id']]})")
        elif m["id"]:
            seen[m["id"]] = nline
        measures.append(m)
    doc["source_file"] = path.name
    return doc, measures, c.problems
