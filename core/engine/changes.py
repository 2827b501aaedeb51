"""What a measures update changed for one company: the same profile evaluated on the old and the
new database, result by result.

A result is one (measure, project) pair. It *appeared* when its measure is new in the database,
*disappeared* when its measure is gone, changed *verdict* when its status differs (a status of None
means the measure did not apply to this profile at all, e.g. its project type changed), and
changed *amount* when only the estimated range differs. Everything else is unchanged.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from core.engine.evaluate import ELIGIBLE, NEEDS_INFO, STATUSES, Engine, Evaluation, MeasureResult
from core.i18n import N_

APPEARED, DISAPPEARED, VERDICT, AMOUNT = "appeared", "disappeared", "verdict", "amount"
KINDS = (APPEARED, DISAPPEARED, VERDICT, AMOUNT)
KIND_TITLES = {APPEARED: N_("新增措施"), DISAPPEARED: N_("移除的措施"), VERDICT: N_("结论有变化"),
               AMOUNT: N_("金额有变化")}
NOT_APPLICABLE = N_("不适用")

AmountRange = tuple[Decimal, Decimal | None]


@dataclass(frozen=True)
class Change:
    kind: str
    measure_id: str
    project_id: str | None
    project_name: str | None
    title: str
    citation: str
    old_status: str | None
    new_status: str | None
    old_amount: AmountRange | None
    new_amount: AmountRange | None

    @property
    def amount_changed(self) -> bool:
        return self.old_amount != self.new_amount


@dataclass(frozen=True)
class ChangeReport:
    as_of: dt.date
    old_version: str                 # database versions (content hashes)
    new_version: str
    changes: list[Change]
    unchanged: int
    old_total: Decimal               # the recommended combination's total, before and after
    new_total: Decimal
    measures_added: int              # in the whole database, whether or not they apply here
    measures_removed: int

    def of_kind(self, kind: str) -> list[Change]:
        return [c for c in self.changes if c.kind == kind]


def _key(r: MeasureResult) -> tuple[str, str | None]:
    return (r.measure_id, r.project_id)


def _amount(r: MeasureResult | None) -> AmountRange | None:
    return None if r is None else (r.amount_min, r.amount_max)


def compare_evaluations(old: Evaluation, new: Evaluation,
                        old_ids: set[str], new_ids: set[str]) -> ChangeReport:
    """`old_ids`/`new_ids`: every measure id in each database (to tell a measure that is new in
    the data from one that newly applies to this profile)."""
    before = {_key(r): r for r in old.results}
    after = {_key(r): r for r in new.results}
    changes: list[Change] = []
    unchanged = 0
    for key in list(before) + [k for k in after if k not in before]:
        o, n = before.get(key), after.get(key)
        measure_id = key[0]
        if measure_id not in old_ids:
            kind = APPEARED
        elif measure_id not in new_ids:
            kind = DISAPPEARED
        elif (o.status if o else None) != (n.status if n else None):
            kind = VERDICT
        elif _amount(o) != _amount(n):
            kind = AMOUNT
        else:
            unchanged += 1
            continue
        shown = after[key] if key in after else before[key]       # the newer side where there is one
        changes.append(Change(
            kind, measure_id, key[1], shown.project_name, shown.measure["title"], shown.citation,
            o.status if o else None, n.status if n else None, _amount(o), _amount(n)))
    order = {k: i for i, k in enumerate(KINDS)}
    status_order: dict[str | None, int] = {s: i for i, s in enumerate(STATUSES)}
    changes.sort(key=lambda c: (order[c.kind], status_order.get(c.new_status or c.old_status, 9)))
    return ChangeReport(new.as_of, old.database_version, new.database_version, changes, unchanged,
                        old.plan.total_max, new.plan.total_max,
                        len(new_ids - old_ids), len(old_ids - new_ids))


def compare_databases(old_db, new_db, profile: dict, as_of: dt.date) -> ChangeReport:
    """The profile evaluated on both databases (MeasuresDB) as of the same date."""
    old_engine, new_engine = Engine.for_database(old_db), Engine.for_database(new_db)
    return compare_evaluations(
        old_engine.evaluate(profile, as_of), new_engine.evaluate(profile, as_of),
        {m["id"] for m in old_engine.measures}, {m["id"] for m in new_engine.measures})


def shown_state(status: str | None, amount: AmountRange | None) -> tuple[str, AmountRange | None]:
    """What every rendering shows for one side of a change: the untranslated status title (不适用
    when the measure did not apply) and the amount range, given only while the result can still
    be paid (可申请, 需补充信息), as in the results view."""
    from core.engine.report import STATUS_TITLES

    if status is None:
        return NOT_APPLICABLE, None
    return STATUS_TITLES[status], (amount if status in (ELIGIBLE, NEEDS_INFO) else None)


def _who(c: Change) -> str:
    if c.project_id is None:
        return ""
    return f"［项目 {c.project_id}{('：' + c.project_name) if c.project_name else ''}］"


def _state(status: str | None, amount: AmountRange | None) -> str:
    from core.engine.report import range_text

    title, shown = shown_state(status, amount)
    return f"{title}，{range_text(*shown)}" if shown is not None else title


def to_text(report: ChangeReport, old_label: str, new_label: str) -> str:
    """The report for the command line (Simplified Chinese, like the other commands)."""
    from core.engine.text import money

    lines = [f"措施数据更新对本单位的影响（评估日期 {report.as_of.isoformat()}）",
             f"原数据：{old_label}", f"新数据：{new_label}",
             f"整个数据库新增 {report.measures_added} 条、移除 {report.measures_removed} 条措施。",
             f"推荐组合合计最高：{money(report.old_total)} → {money(report.new_total)}"]
    if not report.changes:
        lines.append("")
        lines.append("对本单位的结论和金额都没有变化。")
    for kind in KINDS:
        items = report.of_kind(kind)
        if not items:
            continue
        lines.append("")
        lines.append(f"{KIND_TITLES[kind]}（{len(items)}）")
        for c in items:
            if kind == APPEARED:
                what = _state(c.new_status, c.new_amount)
            elif kind == DISAPPEARED:
                what = f"原为 {_state(c.old_status, c.old_amount)}"
            else:
                what = f"{_state(c.old_status, c.old_amount)} → {_state(c.new_status, c.new_amount)}"
            lines.append(f"  {c.measure_id}  {c.title}{_who(c)}")
            lines.append(f"      {c.citation}：{what}")
    if report.unchanged:
        lines.append("")
        lines.append(f"其余 {report.unchanged} 项结论和金额不变。")
    return "\n".join(lines) + "\n"
