"""Evaluation → the contract's JSON object, and → the human-readable Chinese report."""
from __future__ import annotations

from decimal import Decimal

from core.engine.evaluate import ELIGIBLE, INELIGIBLE, NEEDS_INFO, NOT_IN_FORCE, Evaluation, MeasureResult
from core.engine.expiring import DEFAULT_EXPIRING_DAYS, expiring_soon
from core.engine.text import fact_label, money
from core.i18n import N_, format_amount_range
from core.userfile import printable_text

STATUS_TITLES = {ELIGIBLE: N_("可申请"), NEEDS_INFO: N_("需补充信息"), INELIGIBLE: N_("不符合"),
                 NOT_IN_FORCE: N_("不在有效期")}
STATEMENTS_TITLE = N_("政策信息")
STATUS_ORDER = (ELIGIBLE, NEEDS_INFO, INELIGIBLE, NOT_IN_FORCE)


def ranked(results: list[MeasureResult]) -> list[MeasureResult]:
    """Results in the order that matters: by status, then the highest known amount first.

    Within 需补充信息, results that would pay the most if answered come first, and among equals the
    one with the fewest questions left; within 不符合, those a gap away from money; within 不在有效期,
    those that matched until they ended. The source order breaks ties (stable sort).
    """
    def key(r: MeasureResult):
        if r.status in (ELIGIBLE, NEEDS_INFO):
            high = r.amount_max
        elif r.status == INELIGIBLE:
            high = r.amount_if_met
        else:
            high = Decimal(0) if r.matched_until else None
        return (STATUS_ORDER.index(r.status), -(high if high is not None else Decimal(-1)),
                len(r.missing))
    return sorted(results, key=key)


def gap_text(r: MeasureResult) -> str:
    """What would change an ineligible answer, with the money it would bring:
    `再增加 50 千瓦装机容量 → 满足后最高约 22.5 万元`."""
    text = "；".join(r.gaps)
    if r.amount_if_met:
        text += f" → 满足后最高约 {money(r.amount_if_met)}"
    return text


def json_money(value: Decimal | None):
    """Yuan as a JSON number: an integer when whole, else to the fen."""
    if value is None:
        return None
    return int(value) if value == value.to_integral() else float(value)


def to_json(ev: Evaluation) -> dict:
    """Exactly the object of shared/contract/cli.md."""
    return {
        "as_of": ev.as_of.isoformat(),
        "database_version": ev.database_version,
        "results": [{
            "measure_id": r.measure_id,
            "project_id": r.project_id,
            "status": r.status,
            "discretionary": r.discretionary,
            "amount": {"min": json_money(r.amount_min), "max": json_money(r.amount_max)},
            "reasons": list(r.reasons),
            "missing": list(r.missing),
            "conflicts_with": list(r.conflicts_with),
        } for r in ev.results],
        "plan": {
            "selected": [{"measure_id": i.measure_id, "project_id": i.project_id,
                          "amount_max": json_money(i.amount_max)} for i in ev.plan.selected],
            "total_max": json_money(ev.plan.total_max),
        },
        "statements": [{"measure_id": st.measure_id, "title": st.title} for st in ev.statements],
    }


def amount_text(r: MeasureResult) -> str:
    return range_text(r.amount_min, r.amount_max)


def range_text(low: Decimal, high: Decimal | None) -> str:
    """The amount phrase of the report: the one phrase of the window and the PDF (core.i18n), in
    Simplified with 万元 from 10,000 up."""
    return format_amount_range(low, high, "zh-Hans", unit="auto")


def _heading(r: MeasureResult) -> str:
    who = ""
    if r.project_id is not None:
        who = f"［项目 {r.project_id}{('：' + r.project_name) if r.project_name else ''}］"
    return f"{r.measure_id}  {r.measure['title']}{who}"


def _others(ev: Evaluation, ids: list[str]) -> str:
    """Measures named by id, with their citation and title (no bare ids in a report)."""
    by_id = {r.measure_id: r for r in ev.results}
    return "、".join(f"{by_id[i].citation}（{by_id[i].measure['title']}）" if i in by_id else i for i in ids)


def to_text(ev: Evaluation, company_name: str | None = None,
            expiring_days: int = DEFAULT_EXPIRING_DAYS) -> str:
    lines = [f"绿策通检查结果{('：' + company_name) if company_name else ''}",
             f"评估日期 {ev.as_of}　措施数据库 {ev.database_version}", ""]
    ordered = ranked(ev.results)
    for status in (ELIGIBLE, NEEDS_INFO, INELIGIBLE):
        group = [r for r in ordered if r.status == status]
        lines.append(f"【{STATUS_TITLES[status]}】{len(group)} 项")
        for r in group:
            lines.append(f"  {_heading(r)}")
            if status != INELIGIBLE:
                extra = "　评审制，须经评审择优，不是符合条件即可获得" if r.discretionary else ""
                lines.append(f"    金额：{amount_text(r)}{extra}")
                if r.amount.calculation:
                    lines.append(f"    计算：{r.amount.calculation}")
            if r.missing:
                lines.append(f"    需补充：{'、'.join(dict.fromkeys(fact_label(p) for p in r.missing))}")
            if r.gaps:
                lines.append(f"    差距：{gap_text(r)}")
            if r.conflicts_with:
                lines.append(f"    不能同时享受：{_others(ev, r.conflicts_with)}")
            lines.extend(f"    · {reason}" for reason in r.reasons)
        lines.append("")
    expired = [r for r in ordered if r.status == NOT_IN_FORCE]
    lines.append(f"【{STATUS_TITLES[NOT_IN_FORCE]}】{len(expired)} 项")
    for r in expired:
        lines.append(f"  {_heading(r)}：{r.reasons[0].split('：', 1)[1]}")
        if r.matched_until:
            lines.append(f"    符合申请条件，但已于 {r.matched_until} 到期")
    lines.append("")
    if ev.statements:
        lines.append(f"【{STATEMENTS_TITLE}】以下条文为目标、任务或原则，没有可申请的事项："
                     f"{len(ev.statements)} 条")
        lines.extend(f"  {st.citation}　{st.title}" for st in ev.statements)
        lines.append("")

    plan = ev.plan
    lines.append(f"【推荐组合】已知最高额合计 {money(plan.total_max)}")
    titles = {(r.measure_id, r.project_id): r for r in ev.results}
    for item in plan.selected:
        r = titles[(item.measure_id, item.project_id)]
        amount = "金额未列明" if item.amount_max is None else f"最高 {money(item.amount_max)}"
        extra = "　评审制" if r.discretionary else ""
        lines.append(f"  ✓ {_heading(r)}　{amount}{extra}")
    for g in plan.given_up:
        r = titles[(g.measure_id, g.project_id)]
        lines.append(f"  ✗ 放弃 {_heading(r)}：{g.reason}")
    lines.extend(f"  注：{n}" for n in plan.notes)
    lines.append("")
    soon = expiring_soon(ev.results, ev.as_of, expiring_days)
    if soon:
        lines.append(f"【即将到期】{expiring_days} 天内到期的可申请措施 {len(soon)} 项，请尽早申报")
        lines.extend(f"  {e.text()}" for e in soon)
        lines.append("")
    lines.append("说明：金额为按政策文本估算的范围；评审制措施须经评审。一切以政策原文和官方申报指南为准。")
    # Names are the user's text: a lone surrogate would make writing the report fail.
    return printable_text("\n".join(lines) + "\n")
