"""The Decimal context for money and quantities, used locally where amounts are rounded or printed.

Python's default context holds 28 digits, and ``quantize`` raises InvalidOperation when its result
needs more (10^29 kWh × 0.25 元 rounded to the fen did). The profile schema bounds every number
(money at most 10^15 yuan, quantities at most 10^12, docs/profile-format.md), so products of a
figure and a rate stay near 20 digits; 100 digits and a wide exponent range leave a margin that
no validated profile reaches. The window evaluates what is typed before it is validated (31 digits
in 实际发电量), so ``money_context(value)`` widens the precision further to the size of the value
being rounded: rounding never runs out of digits, and money is never rounded silently.
"""
from __future__ import annotations

import decimal
from contextlib import AbstractContextManager

__all__ = ["MONEY_CONTEXT", "money_context"]

MONEY_CONTEXT = decimal.Context(
    prec=100, rounding=decimal.ROUND_HALF_EVEN, Emin=-999_999, Emax=999_999,
    traps=[decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow])


def money_context(*values: decimal.Decimal) -> AbstractContextManager[decimal.Context]:
    """``with money_context(x):`` arithmetic and rounding of amounts in the wide context, widened
    further to hold every digit of ``values`` down to 10^-8 (rounding to the fen, or 万元 to six
    places, then never runs out of digits, whatever the size: the window evaluates what is typed
    before it is validated)."""
    if not values:
        return decimal.localcontext(MONEY_CONTEXT)      # localcontext works on a copy of it
    context = MONEY_CONTEXT.copy()
    for value in values:
        if value.is_finite() and value:
            context.prec = max(context.prec, value.adjusted() + 10)
    return decimal.localcontext(context)
