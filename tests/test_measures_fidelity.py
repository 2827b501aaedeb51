"""Fidelity, record by record: every text and span stands in its seed, every number in its span.

The validator already refuses a file that breaks these rules; this test names each record, so a
failure says exactly which clause drifted from its source.
"""
from __future__ import annotations

import pytest

from core.engine.criteria import iter_leaves
from core.measures.catalog import load_catalog
from core.measures.seeds import found_verbatim
from core.measures.validate import stated_in

CATALOG = load_catalog()


def _spans(node):
    """Every cited span inside a normalised measure."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("span", "text", "validity_span") and isinstance(value, str):
                yield value
            else:
                yield from _spans(value)
    elif isinstance(node, list):
        for item in node:
            yield from _spans(item)


@pytest.mark.parametrize("measure", CATALOG.measures, ids=lambda m: m["id"])
def test_record_is_faithful_to_its_seed(measure):
    doc = CATALOG.documents[measure["document"]]
    for span in _spans(measure):
        assert found_verbatim(span, doc["seed"], doc["clean_noise"]), span
    for leaf in iter_leaves(measure["criteria"]):
        if isinstance(leaf["value"], (int, float)) and not isinstance(leaf["value"], bool) \
                and leaf["value"] not in (0, 1) and leaf["op"] not in ("count_ge",):
            assert stated_in(leaf["value"], leaf["span"]), (leaf["id"], leaf["value"], leaf["span"])
    benefit = measure["benefit"] or {}
    for cap in benefit.get("caps", []):
        if cap["amount"] is not None:
            assert stated_in(cap["amount"], cap["span"]), cap
    for key in ("rate", "amount", "amount_per_item", "max_items"):
        if benefit.get(key) is not None:
            assert stated_in(benefit[key], benefit["span"]), (key, benefit[key])


@pytest.mark.parametrize("document", CATALOG.documents.values(), ids=lambda d: d["key"])
def test_document_dates_and_stacking_are_cited(document):
    assert found_verbatim(document["validity_span"], document["seed"], document["clean_noise"])
    for rule in document["stacking"]:
        assert found_verbatim(rule["span"], document["seed"], document["clean_noise"])


def test_stacking_rules_of_the_texts_are_recorded():
    docs = CATALOG.documents
    assert [r["level"] for r in docs["sz-sepi-2024"]["stacking"]] == ["municipal"]
    assert [r["level"] for r in docs["sz-glc-2022"]["stacking"]] == ["municipal"]
    for mid in ("lh-glc-2024/7.1", "lh-glc-2024/8.1"):
        excludes = CATALOG.measure(mid)["stacking"]["excludes"]
        assert [(r["level"], r["span"]) for r in excludes] == [("municipal", "该项补贴不与市级补贴叠加享受")]
    # sz-sepi-2024 （四） pays for what sz-glc-2022 （八） pays for; one class cannot name both.
    excludes = CATALOG.measure("sz-sepi-2024/4")["stacking"]["excludes"]
    assert [(r["measures"], r["span"]) for r in excludes] == [
        (["sz-glc-2022/8a", "sz-glc-2022/8b"], "本措施与我市市级层面其他同类优惠措施不得重复享受")]
    others = [m["id"] for m in CATALOG.measures if m["stacking"]["excludes"]
              and m["id"] not in ("lh-glc-2024/7.1", "lh-glc-2024/8.1", "sz-sepi-2024/4")]
    assert others == []


def test_every_funding_measure_has_a_benefit_and_every_record_a_subject():
    for m in CATALOG.measures:
        assert m["subject"] is not None, m["id"]
        if CATALOG.documents[m["document"]]["funding"]:
            assert m["benefit"] is not None and m["benefit"]["formula"], m["id"]
