"""What the profile forms ask, in which order, and why — derived from the data, not hand-listed.

A field is asked when some measure reads it; fields that decide more measures come first, so the
interview reaches useful answers early. Each field knows the clauses that need it (for the hover
note "第七条（一）需要此项"). No Qt: the desktop form and the kiosk both build widgets from this.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from core.engine.criteria import iter_leaves
from core.measures.facts import FactSpec, fact_registry, generic_path, label_and_unit, parse_concrete

# Always asked first, whatever the measures read: who the subject is.
COMPANY_IDENTITY = ("company.name", "company.uscc", "company.district")
PROJECT_IDENTITY = ("project.name", "project.type", "project.district")


@dataclass
class FieldSpec:
    path: str                 # generic: company.years.{year}.revenue, project.capacity_kw
    label: str                # 装机容量
    unit: str | None          # 千瓦; 元 for money
    kind: str                 # number boolean string date enum key_list list
    enum: tuple = ()
    item_fields: dict = field(default_factory=dict)
    used_by: list[str] = field(default_factory=list)     # citations: 罗湖区十条措施 第七条（一）

    @property
    def is_money(self) -> bool:
        return self.unit == "元"

    @property
    def yearly(self) -> bool:
        return "{year}" in self.path

    @property
    def name(self) -> str:
        """The last path element: capacity_kw, revenue."""
        return self.path.rsplit(".", 1)[-1]


def _spec(path: str, fact: FactSpec, used_by: list[str]) -> FieldSpec:
    label, unit = label_and_unit(fact.description or path)
    return FieldSpec(path, label, unit, fact.kind, fact.enum, fact.item_fields, used_by)


def fact_usage(measures: list[dict], documents: dict[str, dict]) -> dict[str, list[str]]:
    """generic fact path → the clauses that read it (criteria, applicability, amount)."""
    usage: dict[str, list[str]] = defaultdict(list)

    def use(path: str | None, cite: str) -> None:
        if path:
            g = generic_path(path)
            if cite not in usage[g]:
                usage[g].append(cite)

    for m in measures:
        doc = documents[m["document"]]
        cite = f"{doc['short_title']} {m['clause']}"
        subject = "company" if m["subject"]["company"] else "project"
        for leaf in iter_leaves(m.get("criteria") or []):
            use(leaf["fact"], cite)
        for leaf in iter_leaves(doc.get("applicability") or []):
            if leaf.get("for") in (None, subject):
                use(leaf["fact"], cite)
        b = m.get("benefit") or {}
        use(b.get("base"), cite)
        use(b.get("items"), cite)
        use((b.get("rate_by") or {}).get("fact"), cite)
        for cap in b.get("caps") or []:            # 不超过实际建设投入的一定比例: asked, not computed
            use(cap.get("open_ratio_of"), cite)
    return dict(usage)


def _ordered(prefix: str, identity: tuple, usage: dict[str, list[str]],
             only: set[str] | None = None) -> list[FieldSpec]:
    registry = fact_registry()
    first = [_spec(p, registry[p], usage.get(p, [])) for p in identity]
    rest = [_spec(p, f, usage[p]) for p, f in registry.items()
            if p.startswith(prefix) and p not in identity and p in usage
            and (only is None or p in only)]
    rest.sort(key=lambda s: -len(s.used_by))          # stable: schema order breaks ties
    return first + rest


def company_fields(measures: list[dict], documents: dict[str, dict]) -> list[FieldSpec]:
    return _ordered("company.", COMPANY_IDENTITY, fact_usage(measures, documents))


def project_fields(project_type: str, measures: list[dict], documents: dict[str, dict]) -> list[FieldSpec]:
    """The fields a project of this type is asked: those its measures read, most used first."""
    relevant = [m for m in measures if project_type in m["subject"]["project_types"]]
    usage = fact_usage(relevant, documents)
    return _ordered("project.", PROJECT_IDENTITY, usage, set(usage))


def field_for_missing(missing: str) -> tuple[str, int | None, str | None]:
    """A missing fact path → (generic field path, list index or None, year or None).

    project.generation_kwh.2024 → ("project.generation_kwh.{year}", None, "2024");
    company.standards[0].published_on → ("company.standards", 0, None).
    """
    parts = parse_concrete(missing)
    return parts.generic, parts.index, parts.year
