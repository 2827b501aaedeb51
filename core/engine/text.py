"""Plain-text rendering of values inside reasons (Chinese, as the policy texts write them).

Reasons are sentences the engine writes; locale-aware formatting of the amounts shown in the UI and
the PDF happens at the edge (core/i18n). Here a value is written the way the clause writes its
threshold, so `5000 万元` in the text and in the reason read alike.
"""
from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

from core.decimals import MONEY_CONTEXT, money_context
from core.measures.facts import FactSpec, label_and_unit, lookup, parse_concrete
from core.measures.labels import label_of

WAN = Decimal(10000)
HUNDRED = Decimal(100)


def plain(number: Decimal) -> str:
    """Decimal without exponent or trailing zeros: 1E+3 → 1000, 0.250 → 0.25."""
    # normalize rounds to the context's digits: keep them all (the wide context, passed rather
    # than entered: a large check writes thousands of numbers)
    return format(number.normalize(MONEY_CONTEXT), "f")


YI = Decimal(100000000)


def money(amount: Decimal | int) -> str:
    """Yuan as the texts write them: 亿元 from 100 million up (20 亿元), 万元 from 10,000 up, 元 below."""
    amount = Decimal(amount)
    if not amount.is_finite() or (amount.is_zero() and amount.is_signed()):
        return _money(amount)           # -0 equals 0 as a cache key but is written "-0"
    return _cached_money(amount)


def _money(amount: Decimal) -> str:
    with money_context():     # the divisions stay exact for every valid figure
        # at most 4 decimals in 亿元 (read from the exponent: quantize would need every digit)
        exponent = (amount / YI).normalize().as_tuple().exponent
        if abs(amount) >= YI and isinstance(exponent, int) and exponent >= -4:
            return f"{plain(amount / YI)} 亿元"
        if abs(amount) >= WAN:
            return f"{plain(amount / WAN)} 万元"
        return f"{plain(amount)} 元"


# money, fact_unit and fact_label depend on their arguments only (a value; a path and the static
# fact registry) and a large check asks for the same few hundred again and again: cached.
_cached_money = lru_cache(maxsize=4096)(_money)


def quantity(value, unit: str | None) -> str:
    """A value with its unit: money in 万元/元, fractions as percent, others as given."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (int, float, Decimal)):
        number = Decimal(str(value))
        if unit == "元":
            return money(number)
        if unit == "%":
            return f"{plain(MONEY_CONTEXT.multiply(number, HUNDRED))}%"
        return f"{plain(number)} {unit}" if unit else plain(number)
    return str(value)


def percent(fraction: Decimal) -> str:
    # A ratio of valid figures can still be vast (growth from 5e-324 to 1): quantize needs a digit
    # for every place down to 0.0001.
    with money_context(fraction):
        return f"{plain(fraction.quantize(Decimal('0.0001')) * 100)}%"


def value_label(value, path: str | None = None) -> str:
    """A value as reasons write it: 是/否, the Chinese name of a listed value (see core.measures.labels)."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, str):
        return label_of(value, path)
    return str(value)


def value_list(values, path: str | None = None) -> str:
    return "、".join(value_label(v, path) for v in values)


# -- facts in words ------------------------------------------------------------------------------
# Reasons name a fact by the form's label, never by its path (issue 14: "no fact paths").

_TEMPLATE_WORDS = (("{last_year-2}", "再前一年度"), ("{last_year-1}", "前一年度"),
                   ("{last_year}", "上一年度"))


def _label(spec: FactSpec | None, fallback: str) -> tuple[str, str | None]:
    return label_and_unit((spec.description if spec is not None else "") or fallback)


@lru_cache(maxsize=4096)
def fact_unit(path: str) -> str | None:
    """The unit the form shows beside a fact (千瓦时 for generation), or None."""
    return _label(lookup(parse_concrete(path).generic), path)[1]


@lru_cache(maxsize=4096)
def fact_label(path: str, with_unit: bool = False) -> str:
    """A fact as the form names it: project.generation_kwh.2024 → 2024 年实际发电量.

    Year templates read as words (上一年度), concrete years as numbers; a list item's field reads
    as `碳足迹标识认证证书第 1 项的取得证书日期`. `with_unit` keeps the form's unit in brackets
    (2024 年实际发电量（千瓦时）), as the window's list of questions shows it. A path the profile
    format does not define reads as itself.
    """
    parts = parse_concrete(path)
    spec = lookup(parts.generic)
    if spec is None:
        return path

    def named(label_unit: tuple[str, str | None]) -> str:
        label, unit = label_unit
        return f"{label}（{unit}）" if with_unit and unit else label

    if parts.index is not None and parts.field is not None:
        owner = _label(spec, parts.generic)[0]
        field = named(_label(spec.item_fields.get(parts.field), parts.field))
        return f"{owner}第 {parts.index + 1} 项的{field}"
    label = named(_label(spec, path.rsplit(".", 1)[-1]))
    if parts.year:
        return f"{parts.year} 年{label}"
    words = next((w for template, w in _TEMPLATE_WORDS if template in path), "")
    return f"{words}{label}"
