"""Criteria trees: all_of / any_of over leaves, each leaf met (True), not met (False) or unknown
(None). The leaves are decided by their operator (core.engine.operators); this module combines
them, gathers what is missing and what would close a gap, and picks what an application must prove.
"""
from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import NamedTuple

from core.engine.context import Context, Outcome, Verdict, all_of, any_of, outcome_of
from core.engine.operators import OPERATORS, evaluate_leaf


def needed_outcomes(nodes: list[dict], outcomes: list[Outcome]) -> list[Outcome]:
    """The leaves whose proof an application needs, from a tree evaluated by `evaluate_tree`.

    `outcomes` are the tree's leaf outcomes in evaluation order. Under `all_of` every child is
    needed; under a met `any_of` only the first met branch (one way of qualifying is enough to
    prove); under an undecided `any_of` every undecided branch (which one applies is not known
    yet). Failed leaves and failed branches are never needed.
    """
    pending = iter(outcomes)

    def walk(node: dict) -> tuple[bool | None, list[Outcome]]:
        if node["type"] == "leaf":
            outcome = next(pending)
            return outcome.state, ([] if outcome.state is False else [outcome])
        return group(node["type"], [walk(child) for child in node["children"]])

    def group(kind: str, kids: list) -> tuple[bool | None, list[Outcome]]:
        states = [state for state, _ in kids]
        if kind == "all_of":
            state = all_of(states)
            return state, ([] if state is False else [o for _, needed in kids for o in needed])
        state = any_of(states)
        if state is True:
            return True, next(needed for s, needed in kids if s is True)
        return state, [o for s, needed in kids if s is None for o in needed]

    needed = group("all_of", [walk(node) for node in nodes])[1]
    if next(pending, None) is not None:
        raise ValueError("more outcomes than leaves: not the tree these outcomes came from")
    return needed


def iter_leaves(nodes: list[dict]):
    """Every leaf of a criteria tree, in order."""
    for node in nodes:
        if node["type"] == "leaf":
            yield node
        else:
            yield from iter_leaves(node["children"])


class TreeResult(NamedTuple):
    # A tuple: a large check makes one per leaf and group, and a tuple is the cheapest to make.
    state: bool | None
    missing: list[str]            # facts that would decide, only under undecided branches
    gaps: list[str] | None        # for a failed tree: what would make it pass; None if nothing can


def evaluate_tree(nodes: list[dict], ctx: Context, out: list[Outcome]) -> TreeResult:
    """all_of over the nodes; appends one Outcome per leaf to `out`.

    Missing facts are gathered only under undecided branches, so a branch already failed on a known
    fact asks for nothing. Gaps are gathered only from failed branches that could still pass: a
    branch that also fails on something no number can change (第二、三年 for a company in its first
    year, a date that has passed) offers no gap, so the user is not told to chase it.
    """
    return _group("all_of", nodes, ctx, out)


def _group(kind: str, nodes: list[dict], ctx: Context, out: list[Outcome]) -> TreeResult:
    results = [_node(n, ctx, out) for n in nodes]
    state = (all_of if kind == "all_of" else any_of)(r.state for r in results)
    missing: list[str] = []
    if state is None:
        for r in results:
            if r.state is None:
                missing.extend(p for p in r.missing if p not in missing)
    gaps: list[str] | None = None
    if state is False:
        failed = [r for r in results if r.state is False]
        if kind == "all_of":
            known = [r.gaps for r in failed if r.gaps is not None]
            gaps = [g for r_gaps in known for g in r_gaps] if len(known) == len(failed) else None
        else:
            fixable = [g for r in failed if r.gaps is not None for g in r.gaps]
            gaps = fixable or None
    return TreeResult(state, missing, gaps)


def _node(node: dict, ctx: Context, out: list[Outcome]) -> TreeResult:
    if node["type"] == "leaf":
        outcome = evaluate_leaf(node, ctx)
        out.append(outcome)
        gaps = None
        if outcome.state is False and not outcome.final:
            gaps = [outcome.gap] if outcome.gap else []
        return TreeResult(outcome.state, outcome.missing, gaps)
    return _group(node["type"], node["children"], ctx, out)


# -- compiled trees -----------------------------------------------------------------------------
# The same evaluation as evaluate_tree, with the walk over the tree's dicts done once: a tree
# becomes nested closures over its leaves' OPERATORS entries (the registry stays the one place an
# operator is defined). The Engine compiles each measure's tree when it first meets the measure; a
# test checks that both give the same results.
#
# A compiled tree returns (state, missing, gaps) as a plain tuple, the fields of TreeResult (a named
# tuple costs a Python call to make; a large check makes one per leaf and group). `missing` may be a
# tuple shared between calls: read it, never change it. For each leaf it appends to `out` a Record,
# (the leaf, its Verdict): the Outcome is made only when read (`outcome_of`, MeasureResult.outcomes).

Record = tuple[dict, Verdict]
Compiled = Callable[[Context, list[Record]], tuple]
_NOTHING: tuple = ()


def outcomes_of(records: list) -> list[Outcome]:
    """Outcomes from what a compiled tree appended (Records), or an evaluate_tree walk (Outcomes)."""
    return [r if isinstance(r, Outcome) else outcome_of(*r) for r in records]


def compile_tree(nodes: list[dict]) -> Compiled:
    """A callable doing `evaluate_tree(nodes, ctx, out)`, appending Records to `out`."""
    return _compile_group("all_of", nodes)


def _compile_group(kind: str, nodes: list[dict]) -> Compiled:
    is_all = kind == "all_of"
    if nodes and all(n["type"] == "leaf" for n in nodes):
        return _compile_leaves(is_all, nodes)
    parts = [_compile_node(n) for n in nodes]
    if not parts:
        # all_of of nothing is met, any_of of nothing is not (with no gap); most measures state
        # no criteria of their own
        empty = (is_all, _NOTHING, None)
        return lambda ctx, out: empty
    if len(parts) == 1:
        return _compile_single(is_all, parts[0])
    # all_of / any_of of context.py over tri-state values (True, False, None), by membership.
    decisive, other = (False, True) if is_all else (True, False)

    def run(ctx: Context, out: list[Record]) -> tuple:
        results = [part(ctx, out) for part in parts]
        states = [r[0] for r in results]
        state = decisive if decisive in states else (None if None in states else other)
        missing: list[str] = []
        gaps: list[str] | None = None
        if state is None:
            for r in results:
                if r[0] is None:
                    missing.extend(p for p in r[1] if p not in missing)
        elif state is False:
            failed = [r for r in results if r[0] is False]
            if is_all:
                known = [r[2] for r in failed if r[2] is not None]
                gaps = [g for r_gaps in known for g in r_gaps] if len(known) == len(failed) else None
            else:
                gaps = [g for r in failed if r[2] is not None for g in r[2]] or None
        return (state, missing, gaps)

    return run


_MET = (True, _NOTHING, None)
_FAILED_FOR_GOOD = (False, _NOTHING, None)


def _compile_single(is_all: bool, part: Compiled) -> Compiled:
    """A group of one: what `run` gives for a single child, without the lists over children."""
    def single(ctx: Context, out: list[Record]) -> tuple:
        state, missing, gaps = part(ctx, out)
        if state is True:
            return _MET
        if state is None:
            return (None, list(dict.fromkeys(missing)), None)
        if gaps is None:
            return _FAILED_FOR_GOOD
        return (False, _NOTHING, list(gaps) if is_all else (list(gaps) or None))
    return single


# A leaf's own words, taken from the leaf itself when its Outcome is made (outcome_of); every other
# key of a leaf (fact, op, value, label, unit, where, unless, year) is what its verdict depends on.
_OWN_WORDS = ("id", "vague", "span", "evidence")


def predicate_key(node: dict) -> str:
    """What decides a leaf's verdict in a context, as a string: two leaves with the same key
    (the same fact, operator, constants and label, whatever their id or citation) get the same
    verdict in the same context. Written from the leaf's data as JSON with sorted keys (equal
    strings mean equal data, 1, 1.0, true and "1" all apart; anything JSON cannot write is
    written by repr)."""
    return sys.intern(json.dumps({k: v for k, v in node.items() if k not in _OWN_WORDS},
                                 sort_keys=True, ensure_ascii=False, default=repr))


def _leaf_evaluation(node: dict) -> tuple[Callable[[dict, Context], Verdict], str]:
    """A leaf's evaluation (specialised where its operator can be) and its predicate key."""
    operator = OPERATORS[node["op"]]
    return (operator.specialise(node) if operator.specialise else operator.evaluate,
            predicate_key(node))


def _compile_leaves(is_all: bool, nodes: list[dict]) -> Compiled:
    """A group whose children are all leaves: what `run` (or `single`) gives, with the leaves
    decided in one loop. Most groups of the real data are of this shape (a measure's own list of
    conditions, a document's applicability), and a closure call and a result tuple per leaf were a
    large part of a check's time. The state, missing facts and gaps follow from the verdicts as
    for leaves in `run`: a leaf failed for good (final) has no gaps, else its gap if it has one."""
    leaves = [(node, *_leaf_evaluation(node)) for node in nodes]
    decisive = not is_all           # False decides an all_of, True an any_of

    def run(ctx: Context, out: list[Record]) -> tuple:
        decided = ctx.decided
        start = len(out)
        settled = undecided = False
        for node, evaluate, key in leaves:
            # An identical predicate already decided in this context takes its verdict (see leaf)
            verdict = decided.get(key)
            if verdict is None:
                verdict = decided[key] = evaluate(node, ctx)
            out.append((node, verdict))
            state = verdict[0]
            if state is decisive:
                settled = True
            elif state is None:
                undecided = True
        if settled:
            if is_all:
                return _failed_all(out, start)
            return _MET
        if undecided:
            return (None, list(dict.fromkeys(p for _, v in out[start:] if v[0] is None for p in v[2])),
                    None)
        if is_all:
            return _MET
        # an any_of with every leaf failed: the gaps of those that could still pass, if any
        return (False, _NOTHING, [v[3] for _, v in out[start:] if not v[4] and v[3]] or None)

    return run


def _failed_all(out: list[Record], start: int) -> tuple:
    """An all_of of leaves with a leaf failed (out[start:] its Records): its gaps, unless a failed
    leaf is failed for good."""
    failed = [v for _, v in out[start:] if v[0] is False]
    if any(v[4] for v in failed):
        return _FAILED_FOR_GOOD
    return (False, _NOTHING, [v[3] for v in failed if v[3]])


def _compile_node(node: dict) -> Compiled:
    if node["type"] != "leaf":
        return _compile_group(node["type"], node["children"])
    evaluate, key = _leaf_evaluation(node)

    def leaf(ctx: Context, out: list[Record]) -> tuple:
        # An identical predicate already decided in this context (the same subject, as-of date
        # and validity window: real data repeats `district == 罗湖` across measures) has this
        # verdict: a tuple read only, its text a function of the values read.
        decided = ctx.decided
        verdict = decided.get(key)
        if verdict is None:
            verdict = decided[key] = evaluate(node, ctx)
        out.append((node, verdict))
        state = verdict[0]
        if state is False and not verdict[4]:
            gap = verdict[3]
            return (False, verdict[2], [gap] if gap else [])
        return (state, verdict[2], None)

    return leaf
