"""Amounts in yuan, exact (Decimal), from the benefit recorded for a measure.

Formulas are written once each: rate × base, per unit, per item with a count cap, matching, fixed.
An open rate ("一定比例", "分档", "一事一议") is never invented: the maximum is the stated cap, or
unknown (None) where the text states no cap. Caps per company per year are also returned apart,
because several projects of one company share them (the plan applies that).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, Decimal

from core.engine.criteria import MISSING, Context, item_counts, number
from core.engine.text import money

FEN = Decimal("0.01")


@dataclass
class Amount:
    min: Decimal
    max: Decimal | None
    notes: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    company_year_cap: Decimal | None = None     # shared by every subject of the measure


NOTHING = Amount(Decimal(0), Decimal(0))


def to_fen(value: Decimal) -> Decimal:
    """Round down to the fen: a maximum must never be overstated."""
    if value == value.to_integral():
        return value.quantize(Decimal(1))
    return value.quantize(FEN, rounding=ROUND_FLOOR)


def compute(benefit: dict | None, ctx: Context) -> Amount:
    if not benefit or benefit["formula"] == "none":
        return Amount(Decimal(0), None, ["本条没有直接的资金支持"])
    caps = benefit.get("caps") or []
    stated = [number(c["amount"]) for c in caps if c.get("amount") is not None]
    cap = min(stated) if stated else None
    year_caps = [number(c["amount"]) for c in caps
                 if c.get("amount") is not None and c["scope"] == "company_year"]
    notes = [f"另有上限：{c['span']}（比例未列明，未计入）" for c in caps if c.get("open_ratio_of")]
    formula = benefit["formula"]
    value, missing, open_rate = _raw(benefit, formula, ctx, notes)

    if open_rate:
        if cap is None:
            notes.insert(0, f"{benefit.get('open') or '标准未列明'}：金额无法估算")
        else:
            notes.insert(0, f"{benefit.get('open') or '标准未列明'}：以上限 {money(cap)} 作为最高额")
        amount = Amount(Decimal(0), cap, notes, missing)
    elif value is None:                          # the base is unknown: the cap bounds it
        amount = Amount(Decimal(0), cap, notes, missing)
    else:
        if cap is not None and value > cap:
            notes.append(f"计算值 {money(to_fen(value))}，按上限 {money(cap)} 计")
            value = cap
        value = to_fen(value)
        low = Decimal(0) if benefit.get("ceiling_only") else value
        if benefit.get("ceiling_only"):
            notes.append("文本只规定最高额（最高、不超过），实际金额以核定为准")
        amount = Amount(low, value, notes, missing)
    amount.company_year_cap = min(year_caps) if year_caps else None
    return amount


def _raw(benefit: dict, formula: str, ctx: Context,
         notes: list[str]) -> tuple[Decimal | None, list[str], bool]:
    """(uncapped value or None when unknown, facts missing for it, whether the rate is open)."""
    if formula == "open":
        return None, [], True
    if formula == "fixed":
        return number(benefit["amount"]), [], False
    if formula == "per_item":
        return _per_item(benefit, ctx, notes)
    # rate_of_base, per_unit, matching
    rate, missing = _rate(benefit, ctx, notes)
    if rate is None and not missing:
        return None, [], True                    # 一定比例: no rate stated
    base_path = ctx.concrete(benefit["base"])
    base = ctx.fact(base_path)
    if base is MISSING:
        missing.append(base_path)
    if missing or rate is None:      # no rate here means a fact for it is missing
        return None, missing, False
    return number(base) * rate, [], False


def _rate(benefit: dict, ctx: Context, notes: list[str]) -> tuple[Decimal | None, list[str]]:
    if benefit.get("rate") is not None:
        return number(benefit["rate"]), []
    by = benefit.get("rate_by")
    if not by:
        return None, []
    path = ctx.concrete(by["fact"])
    key = ctx.fact(path)
    rates = {k: number(v) for k, v in by["rates"].items()}
    if key is MISSING:
        return None, [path]
    if key not in rates:
        notes.append("本条未规定该类型的补贴标准")
        return Decimal(0), []
    return rates[key], []


def _per_item(benefit: dict, ctx: Context, notes: list[str]) -> tuple[Decimal | None, list[str], bool]:
    """Sum over the items that count, highest first, at most max_items.

    Items that might count (a field is unknown) are included, since the result is a maximum, and
    their unknown fields become missing facts; an absent list gives max_items × the per-item
    amount where both are stated, else the caps alone.
    """
    path = ctx.concrete(benefit["items"])
    items = ctx.fact(path)
    limit = benefit.get("max_items")
    if items is MISSING:
        if limit is not None and benefit.get("amount_per_item") is not None:
            notes.append(f"每年最多 {limit} 项，每项最高 {money(number(benefit['amount_per_item']))}")
            return number(benefit["amount_per_item"]) * limit, [path], False
        return None, [path], False
    sure, maybe = item_counts(items, benefit.get("where") or [], benefit.get("unless") or [], ctx)

    def amount_of(i: int) -> Decimal:
        if benefit.get("amount_per_item") is not None:
            return number(benefit["amount_per_item"])
        by = benefit["amount_by"]
        key = items[i].get(by["field"])
        if key is None:                                   # unknown kind: the highest it could be
            return max(number(v) for v in by["amounts"].values())
        return number(by["amounts"].get(key, 0))

    ranked = sorted(sure + maybe, key=lambda i: -amount_of(i))
    if limit is not None and len(ranked) > limit:
        notes.append(f"符合条件的 {len(ranked)} 项中，每年最多 {limit} 项受资助")
        ranked = ranked[:limit]
    missing = []
    if any(i in maybe for i in ranked):
        fields = sorted({c["field"] for c in benefit.get("where") or []}
                        | ({benefit["amount_by"]["field"]} if benefit.get("amount_by") else set()))
        missing = [f"{path}[{i}].{f}" for i in sorted(ranked) if i in maybe
                   for f in fields if items[i].get(f) is None]
    return sum((amount_of(i) for i in ranked), Decimal(0)), missing, False
