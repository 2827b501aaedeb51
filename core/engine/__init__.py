"""The eligibility engine: tri-state criteria, amounts, stacking plan and gaps, as of a date.

`evaluate(profile, measures, documents, as_of)` is the one entry point; it never reads the clock,
the network or the disk. See docs/engine.md for the rules it applies.
"""
from core.engine.evaluate import (
    ELIGIBLE,
    INELIGIBLE,
    NEEDS_INFO,
    NOT_IN_FORCE,
    STATUSES,
    Evaluation,
    MeasureResult,
    evaluate,
)
from core.engine.stacking import Plan, PlanItem

__all__ = ["ELIGIBLE", "INELIGIBLE", "NEEDS_INFO", "NOT_IN_FORCE", "STATUSES", "Evaluation",
           "MeasureResult", "Plan", "PlanItem", "evaluate"]
