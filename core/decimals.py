"""The Decimal context for money and quantities, used locally where amounts are rounded or printed.

Python's default context holds 28 digits, and ``quantize`` raises InvalidOperation when its result
needs more (10^29 kWh × 0.25 元 rounded to the fen did). The profile schema bounds every number
(money at most 10^15 yuan, quantities at most 10^12, docs/profile-format.md), so products of a
figure and a rate stay near 20 digits; 100 digits and a wide exponent range leave a margin that
no validated profile reaches, while a bug still raises rather than rounding money silently.
"""
from __future__ import annotations

import decimal
from contextlib import AbstractContextManager

__all__ = ["MONEY_CONTEXT", "money_context"]

MONEY_CONTEXT = decimal.Context(
    prec=100, rounding=decimal.ROUND_HALF_EVEN, Emin=-999_999, Emax=999_999,
    traps=[decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow])


def money_context() -> AbstractContextManager[decimal.Context]:
    """``with money_context():`` arithmetic and rounding of amounts in the wide context."""
    return decimal.localcontext(MONEY_CONTEXT)
