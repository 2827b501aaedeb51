"""Amounts in yuan, exact (Decimal), from the benefit recorded for a measure.

Formulas are written once each: rate × base, per unit, per item with a count cap, matching, fixed.
An open rate ("一定比例", "分档", "一事一议") is never invented: the maximum is the stated cap, or
unknown (None) where the text states no cap; a known base bounds it all the same (a share of 300
万元 is never more than 300 万元), and so does a known fact that a cap is an unstated share of
("不超过实际建设投入的一定比例"). Caps per company per year are also returned apart, because several
projects of one company share them (the plan applies that). Every computed amount carries its
calculation in words (`900,000 千瓦时 × 0.25 元/千瓦时 = 22.5 万元`).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal
from functools import partial

from core.decimals import MONEY_CONTEXT, money_context
from core.engine.context import (
    MISSING,
    Context,
    Counter,
    compile_item_counts,
    item_counts,
    number,
    unknown_fields,
)
from core.engine.text import fact_label, fact_unit, money, percent, plain

FEN = Decimal("0.01")
ONE = Decimal(1)
# A formula's uncapped value (None when unknown), the facts missing for it, whether its rate is
# open (一定比例), and the calculation's left-hand side in words.
Raw = tuple[Decimal | None, list[str], bool, str | Callable[[], str]]


class Amount:
    """An amount range; its words (`notes`, `calculation`) are written when first read.

    A large check computes thousands of amounts and shows few: while checking, a note or the
    calculation may be given as a function of no arguments over values already read (numbers,
    labels; never the profile), written on first read, so a profile changed later changes nothing.
    """
    __slots__ = ("min", "max", "_notes", "missing", "company_year_cap", "_calculation")

    def __init__(self, min: Decimal, max: Decimal | None, notes: list | None = None,
                 missing: list[str] | None = None, company_year_cap: Decimal | None = None,
                 calculation: str | Callable[[], str] | None = None):
        self.min, self.max = min, max
        self._notes: list = [] if notes is None else notes
        self.missing = [] if missing is None else missing
        self.company_year_cap = company_year_cap
        self._calculation = calculation

    @property
    def notes(self) -> list[str]:
        notes = self._notes
        if not all(isinstance(n, str) for n in notes):
            notes[:] = [n if isinstance(n, str) else n() for n in notes]
        return notes

    @property
    def calculation(self) -> str | None:
        calculation = self._calculation
        if calculation is not None and not isinstance(calculation, str):
            calculation = self._calculation = calculation()
        return calculation

    def __repr__(self) -> str:
        return f"Amount({self.min!r}, {self.max!r}, missing={self.missing!r})"


NOTHING = Amount(Decimal(0), Decimal(0))


def to_fen(value: Decimal) -> Decimal:
    """Round down to the fen: a maximum must never be overstated."""
    if value.is_finite() and value.adjusted() < MONEY_CONTEXT.prec - 10:
        # What money_context(value) would give (it widens only beyond this), without entering a
        # context: a large check rounds thousands of amounts.
        if value == value.to_integral_value(context=MONEY_CONTEXT):
            return value.quantize(ONE, context=MONEY_CONTEXT)
        return value.quantize(FEN, rounding=ROUND_FLOOR, context=MONEY_CONTEXT)
    with money_context(value):     # quantize needs a digit for every place down to the fen
        if value == value.to_integral():
            return value.quantize(Decimal(1))
        return value.quantize(FEN, rounding=ROUND_FLOOR)


def compute(benefit: dict | None, ctx: Context) -> Amount:
    return compile_benefit(benefit)(ctx)


_NO_MONEY = "本条没有直接的资金支持"


def compile_benefit(benefit: dict | None) -> Callable[[Context], Amount]:
    """`compute(benefit, ·)` with what does not depend on the profile (the stated caps, the
    formula) read once: the Engine compiles each measure's benefit with its criteria.

    A benefit that reads nothing from the profile (an open or fixed amount with no base and no
    open cap) gives every subject the same amount: it is computed once, and each call gets its
    own copy (its own lists: their words may be read, and written, apart)."""
    amount = compile_formula(benefit)
    if benefit and benefit["formula"] in ("open", "fixed") and not _reads_profile(benefit):
        same = amount(None)     # type: ignore[arg-type]  # the context is read nowhere here

        def constant(ctx: Context) -> Amount:
            return Amount(same.min, same.max, list(same._notes), [], same.company_year_cap,
                          same._calculation)
        return constant
    return amount


def _reads_profile(benefit: dict) -> bool:
    """Whether _known_bounds reads anything: an open share's base, or an open cap's fact."""
    return (bool(benefit.get("base")) and benefit["formula"] != "per_item") or any(
        c.get("open_ratio_of") for c in benefit.get("caps") or [])


def compile_formula(benefit: dict | None) -> Callable[[Context], Amount]:
    """The general form of compile_benefit: the formula applied at every call."""
    if not benefit or benefit["formula"] == "none":
        return lambda ctx: Amount(Decimal(0), None, [_NO_MONEY])
    caps = benefit.get("caps") or []
    stated = [number(c["amount"]) for c in caps if c.get("amount") is not None]
    cap = min(stated) if stated else None
    year_caps = [number(c["amount"]) for c in caps
                 if c.get("amount") is not None and c["scope"] == "company_year"]
    year_cap = min(year_caps) if year_caps else None
    raw = FORMULAS[benefit["formula"]].raw
    if raw is _per_item:
        # the items' where / unless compiled once (context.compile_item_counts), as for criteria
        raw = partial(_per_item, counts=compile_item_counts(benefit.get("where") or [],
                                                            benefit.get("unless") or []))
    ceiling_only = bool(benefit.get("ceiling_only"))
    what = benefit.get("open") or "标准未列明"
    # _known_bounds reads nothing unless the benefit has an open share's base or an open cap.
    bounded = _reads_profile(benefit)

    def amount(ctx: Context) -> Amount:
        notes: list = []
        # known figures an open share cannot exceed
        bounds = _known_bounds(benefit, ctx, notes) if bounded else []
        value, missing, open_rate, steps = raw(benefit, ctx, notes)
        if open_rate or value is None:
            return _bounded(cap, bounds, notes, missing, open_rate, what, year_cap)
        capped = value
        for bound, name in bounds:
            if capped > bound:
                notes.append(partial(_words_not_above, name, bound))
                capped = bound
        if cap is not None and capped > cap:
            capped = cap
        capped, whole = to_fen(capped), to_fen(value)
        calculation = partial(_words_calculation, steps, whole, capped, cap)
        low = Decimal(0) if ceiling_only else capped
        if ceiling_only:
            notes.append("文本只规定最高额（最高、不超过），实际金额以核定为准")
        return Amount(low, capped, [calculation, *notes], missing, year_cap, calculation)

    return amount


def _bounded(cap: Decimal | None, bounds: list[tuple[Decimal, str]], notes: list,
             missing: list[str], open_rate: bool, what: str, year_cap: Decimal | None) -> Amount:
    """An open rate, or a formula missing a fact: the most it can be, from the caps and bounds."""
    # A known base bounds a stated cap (a share of 300 万元 is never 1000 万元); with no cap
    # stated the share stays unknown rather than reading as the whole base.
    limit = None if cap is None else min([cap, *(b for b, _ in bounds)])
    # The words are written when read (Amount.notes, Amount.calculation), from these values.
    if cap is None and bounds:
        notes.append(partial(_words_bounds, bounds))
    calculation = None
    if not open_rate:                                # a fact the formula needs is missing
        if limit is not None:
            notes.insert(0, partial(_words_cap_meanwhile, limit))
    elif limit is None:
        notes.insert(0, f"{what}：金额无法估算")
    else:
        calculation = partial(_words_open, what, cap, bounds, limit)
        notes.insert(0, calculation)
    return Amount(Decimal(0), limit, notes, missing, year_cap, calculation)


def _words_bounds(bounds: list[tuple[Decimal, str]]) -> str:
    return "不超过" + "、".join(f"{name} {money(b)}" for b, name in bounds)


def _words_cap_meanwhile(limit: Decimal) -> str:
    return f"计算所需数据未填写，暂以上限 {money(limit)} 作为最高额"


def _words_open(what: str, cap: Decimal | None, bounds: list[tuple[Decimal, str]],
                limit: Decimal) -> str:
    words = [f"上限 {money(cap)}"] if cap is not None else []
    words += [f"{name} {money(b)}" for b, name in bounds]
    return (f"{what}，最高不超过{'、'.join(words)}中较低者：{money(limit)}" if len(words) > 1
            else f"{what}，最高 {money(limit)}")


# The words of a computed amount, written when read (Amount.notes, Amount.calculation).

def _words_not_above(name: str, bound: Decimal) -> str:
    return f"不超过{name} {money(bound)}"


def _words_calculation(steps: str | Callable[[], str], whole: Decimal, capped: Decimal,
                       cap: Decimal | None) -> str:
    steps = steps if isinstance(steps, str) else steps()
    calculation = f"{steps} = {money(whole)}" if steps else money(whole)
    if capped != whole:
        calculation += f"，按上限计 {money(capped)}"
    elif cap is not None:
        calculation += f"，上限 {money(cap)}"
    return calculation


def _known_bounds(benefit: dict, ctx: Context, notes: list[str]) -> list[tuple[Decimal, str]]:
    """Known figures the amount cannot exceed: an open share's base, a cap's unstated share of a fact.

    The formulas read facts through the subject's cache (`ctx.facts`: the profile's values, each
    looked up once per evaluation), as the compiled leaves do."""
    bounds: list[tuple[Decimal, str]] = []
    open_share = benefit["formula"] == "open" or (
        benefit.get("rate") is None and benefit.get("rate_by") is None)
    if benefit.get("base") and open_share and benefit["formula"] != "per_item":
        base = ctx.facts[ctx.concrete(benefit["base"])]
        if base is not MISSING:
            bounds.append((number(base), fact_label(benefit["base"])))
    for c in benefit.get("caps") or []:
        if c.get("open_ratio_of"):
            known = ctx.facts[ctx.concrete(c["open_ratio_of"])]
            if known is MISSING:
                notes.append(f"另有上限：{c['span']}（比例未列明，未计入）")
            else:
                bounds.append((number(known), fact_label(c["open_ratio_of"])))
                notes.append(f"另有上限：{c['span']}（比例未列明）")
    return bounds


def _open(benefit: dict, ctx: Context, notes: list[str]) -> Raw:
    return None, [], True, ""


def _fixed(benefit: dict, ctx: Context, notes: list[str]) -> Raw:
    return number(benefit["amount"]), [], False, ""


def _rated(words: Callable[[dict, Decimal, Decimal], str]) -> Callable[[dict, Context, list[str]], Raw]:
    """rate × base, with the calculation written by `words(benefit, base, rate)`."""
    def raw(benefit: dict, ctx: Context, notes: list[str]) -> Raw:
        rate, missing = _rate(benefit, ctx, notes)
        if rate is None and not missing:
            return None, [], True, ""                # 一定比例: no rate stated
        base_path = ctx.concrete(benefit["base"])
        base = ctx.facts[base_path]
        if base is MISSING:
            missing.append(base_path)
        if missing or rate is None:
            return None, missing, False, ""
        base_value = number(base)
        return base_value * rate, [], False, partial(words, benefit, base_value, rate)
    return raw


def _per_unit_words(benefit: dict, base: Decimal, rate: Decimal) -> str:
    unit = fact_unit(benefit["base"])
    return f"{plain(base)} {unit or ''} × {plain(rate)} 元/{unit or '单位'}".replace("  ", " ")


def _matching_words(benefit: dict, base: Decimal, rate: Decimal) -> str:
    return f"{fact_label(benefit['base'])} {money(base)} × {plain(rate)}"


def _share_words(benefit: dict, base: Decimal, rate: Decimal) -> str:
    return f"{percent(rate)} × {money(base)}"


def _rate(benefit: dict, ctx: Context, notes: list[str]) -> tuple[Decimal | None, list[str]]:
    if benefit.get("rate") is not None:
        return number(benefit["rate"]), []
    by = benefit.get("rate_by")
    if not by:
        return None, []
    path = ctx.concrete(by["fact"])
    key = ctx.facts[path]
    rates = {k: number(v) for k, v in by["rates"].items()}
    if key is MISSING:
        return None, [path]
    if key not in rates:
        notes.append("本条未规定该类型的补贴标准")
        return Decimal(0), []
    return rates[key], []


def _per_item(benefit: dict, ctx: Context, notes: list[str], counts: Counter | None = None) -> Raw:
    """Sum over the items that count, highest first, at most max_items.

    Items that might count (a field is unknown) are included, since the result is a maximum, and
    their unknown fields become missing facts; an absent list gives max_items × the per-item
    amount where both are stated, else the caps alone.
    """
    path = ctx.concrete(benefit["items"])
    items = ctx.facts[path]
    limit = benefit.get("max_items")
    if items is MISSING:
        if limit is not None and benefit.get("amount_per_item") is not None:
            notes.append(f"每年最多 {limit} 项，每项最高 {money(number(benefit['amount_per_item']))}")
            return number(benefit["amount_per_item"]) * limit, [path], False, ""
        return None, [path], False, ""
    if counts is not None:
        sure, maybe = counts(items, ctx)
    else:
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
        conds = list(benefit.get("where") or [])
        if benefit.get("amount_by"):
            conds.append({"field": benefit["amount_by"]["field"]})
        unsure = sorted(i for i in ranked if i in maybe)
        missing = list(dict.fromkeys(unknown_fields(path, items, unsure, conds)))
    per = [amount_of(i) for i in ranked]
    return sum(per, Decimal(0)), missing, False, partial(_per_item_words, per)


def _per_item_words(per: list[Decimal]) -> str:
    if per and len(set(per)) == 1:
        return f"{len(per)} 项 × {money(per[0])}"
    return " + ".join(money(a) for a in per) if per else "0 项"


# -- the registry ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Formula:
    """One benefit formula: what the data must give for it, its further rules, and its value."""
    raw: Callable[[dict, Context, list[str]], Raw]
    needs: tuple[str, ...] = ()                          # benefit keys it cannot do without
    check: Callable[[dict], list[str]] = lambda b: []    # further rules on a normalised benefit
    # Computes an amount from the profile's figures (so scenarios must see it under and at its cap).
    computes: Callable[[dict], bool] = lambda b: False


def _check_rated(b: dict) -> list[str]:
    if b.get("rate") is None and b.get("rate_by") is None and b.get("open") is None:
        return [f"formula {b['formula']} needs 'rate', 'rate_by' or 'open' (for an unstated rate)"]
    return []


def _check_per_item(b: dict) -> list[str]:
    if b.get("amount_per_item") is None and b.get("amount_by") is None:
        return ["formula per_item needs 'amount_per_item' or 'amount_by'"]
    return []


def _check_none(b: dict) -> list[str]:
    if b.get("caps") or b.get("rate") is not None or b.get("amount") is not None:
        return ["formula none takes no rate, amount or caps"]
    return []


def _rate_known(b: dict) -> bool:
    return b.get("rate") is not None or bool(b.get("rate_by"))


FORMULAS: dict[str, Formula] = {
    "rate_of_base": Formula(_rated(_share_words), ("base",), _check_rated, _rate_known),
    "per_unit": Formula(_rated(_per_unit_words), ("base",), _check_rated, _rate_known),
    "matching": Formula(_rated(_matching_words), ("base",), _check_rated, _rate_known),
    "per_item": Formula(_per_item, ("items",), _check_per_item, lambda b: True),
    "fixed": Formula(_fixed, ("amount",)),
    "open": Formula(_open, ("open",)),
    "none": Formula(_open, (), _check_none),     # compute() answers "no money" before reading it
}
