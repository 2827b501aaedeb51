"""Validity windows and what is about to expire (issue 19): the one place that says when a result's
measure stops being in force, and which supports a company qualifies for end soon.

A support is *expiring soon* when the company is eligible for it (可申请) and its validity (the
measure's own ``valid_to``, else its document's, as the engine uses) ends within ``days`` days of
the as-of date, both ends inclusive: with the default 90 days and as of 2025-10-02, a support
ending 2025-12-31 (90 days later) is listed, one ending 2026-01-01 (91 days) is not. The text
report, the window's results, the checklist PDF, the client book and the ``batch`` workbook all
call ``expiring_soon`` and write each item with ``Expiring.text``.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from core.engine.evaluate import ELIGIBLE, MeasureResult

DEFAULT_EXPIRING_DAYS = 90


def _day(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def validity_dates(r: MeasureResult) -> tuple[dt.date | None, dt.date | None]:
    """The validity window the engine used (the measure's own, else its document's)."""
    return (_day(r.measure.get("valid_from") or r.document.get("valid_from")),
            _day(r.measure.get("valid_to") or r.document.get("valid_to")))


@dataclass(frozen=True)
class Expiring:
    """One eligible support whose validity ends soon."""
    measure_id: str
    citation: str               # 罗湖区十条措施 第七条（一）, in the document's script
    script: str                 # the cited document's script (for conversion at the edge)
    valid_to: dt.date
    days_left: int              # valid_to - as_of, 0 = ends on the as-of date

    def text(self) -> str:
        """``罗湖区十条措施 第七条（一） 2025-12-31 到期``, in the cited document's script (到期 and the
        date read alike in every script, so the edge converts the whole text from ``script``)."""
        return f"{self.citation} {self.valid_to.isoformat()} 到期"


def expiring_soon(results: Iterable[MeasureResult], as_of: dt.date,
                  days: int = DEFAULT_EXPIRING_DAYS) -> list[Expiring]:
    """Eligible results whose validity ends within ``days`` days of ``as_of`` (inclusive), once per
    measure (a measure taken for two projects ends on one date), soonest first."""
    if days < 0:
        raise ValueError(f"days must be ≥ 0, got {days}")
    found: dict[str, Expiring] = {}
    for r in results:
        if r.status != ELIGIBLE or r.measure_id in found:
            continue
        end = validity_dates(r)[1]
        if end is None:
            continue
        left = (end - as_of).days
        if 0 <= left <= days:
            found[r.measure_id] = Expiring(r.measure_id, r.citation, r.document.get("script", "zh-Hans"),
                                           end, left)
    return sorted(found.values(), key=lambda e: e.valid_to)     # stable: the engine's order within a day


def expiring_text(items: Iterable[Expiring]) -> str:
    """The list in one line (a spreadsheet cell, a report line): items joined with ；."""
    return "；".join(e.text() for e in items)
