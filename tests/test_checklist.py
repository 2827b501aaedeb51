"""The checklist model (core/checklist/model.py): which documents, merged how, for which measures."""
from __future__ import annotations

import copy
import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.checklist.model import ChecklistError, build_checklist, split_name, under_stacking_rule
from core.engine.context import Outcome, all_of, any_of
from core.engine.criteria import needed_outcomes
from core.engine.evaluate import Engine

AS_OF = dt.date(2025, 6, 30)          # every funding document in force

PROFILE = {
    "format": "greenmeasures.profile/1",
    "company": {
        "name": "深圳市绿能发展科技有限公司", "uscc": "91440303MA5EXAMP1T",
        "district": "luohu", "entity_type": "enterprise",
        "independent_legal_person": True, "fields": ["new_energy"], "business_lines": ["carbon_service"],
        "settled_in_district_on": "2024-03-01",
        "years": {"2024": {"revenue": 60000000, "in_statistics": True, "above_designated_size": True}},
        "supports_received": [],
        # one GBA certificate of 2024: a district (第三条) and two municipal supports read it
        "carbon_footprint_certificates": [
            {"obtained_on": "2024-08-01", "scheme": "gba", "product": "光伏组件"}],
    },
    "projects": [{
        "id": "p1", "name": "厂房屋顶分布式光伏", "type": "distributed_pv", "district": "luohu",
        "property": "social", "investment_actual": 3200000, "capacity_kw": 800,
        "pv_technology": "conventional", "grid_connected_on": "2024-03-01",
        "generation_kwh": {"2024": 900000},
    }],
}


# The plan's district supports and the municipal （二十一） certificate support (eligible, but left
# out of the plan for the higher （十二） of the other municipal package).
WITH_GLC = [("lh-glc-2024/1", None), ("lh-glc-2024/7.1", "p1"), ("sz-glc-2022/21b", None)]


@pytest.fixture(scope="module")
def engine(catalog):
    return Engine(catalog.measures, catalog.documents, catalog.version)


def make(engine, profile=PROFILE, selection=None, as_of=AS_OF):
    evaluation = engine.evaluate(profile, as_of)
    return evaluation, build_checklist(evaluation, profile, selection, generated_on=dt.date(2026, 11, 21))


def entry(checklist, measure_id, project_id=None):
    return next(e for e in checklist.entries
                if e.result.measure_id == measure_id and e.result.project_id == project_id)


def names(e):
    return [d.name for d in e.documents]


def test_the_plan_is_the_default_selection(engine):
    evaluation, checklist = make(engine)
    assert checklist.from_plan
    assert [(e.result.measure_id, e.result.project_id) for e in checklist.entries] == \
        [(i.measure_id, i.project_id) for i in evaluation.plan.selected]
    assert [e.number for e in checklist.entries] == list(range(1, len(checklist.entries) + 1))
    assert checklist.company_name == "深圳市绿能发展科技有限公司"
    assert checklist.uscc == "91440303MA5EXAMP1T"
    assert checklist.known_total_max == evaluation.plan.total_max


def test_every_application_documents_appear_once_naming_every_measure(engine):
    _, checklist = make(engine)
    numbers = [e.number for e in checklist.entries]
    for common in ("licence", "legal_representative", "credit_commitment"):
        docs = [d for d in checklist.documents if d.common == common]
        assert len(docs) == 1, common
        assert docs[0].needed_by == numbers
    # the common documents lead the merged list
    assert [d.common for d in checklist.documents[:3]] == ["licence", "legal_representative",
                                                           "credit_commitment"]
    # an enterprise's licence is the 营业执照
    assert checklist.documents[0].name == "营业执照"
    assert len({d.name for d in checklist.documents}) == len(checklist.documents)


def test_licence_wording_follows_the_entity_type(engine):
    profile = copy.deepcopy(PROFILE)
    profile["company"]["entity_type"] = "public_institution"
    _, checklist = make(engine, profile, selection=[("lh-glc-2024/7.1", "p1")])
    assert checklist.documents[0].name == "法人登记证书"


def test_a_named_variant_merges_with_its_detail(engine):
    # lh-glc-2024's applicability asks for 营业执照（注册地址在罗湖区）: the same licence, with what
    # it must show recorded for that measure only.
    _, checklist = make(engine, selection=WITH_GLC)
    licence = checklist.documents[0]
    lh = entry(checklist, "lh-glc-2024/1")
    assert (lh.number, "注册地址在罗湖区") in licence.details
    glc = [e for e in checklist.entries if e.result.document["key"] == "sz-glc-2022"]
    assert glc and all((e.number, "注册地址在罗湖区") not in licence.details for e in glc)
    assert "营业执照（注册地址在罗湖区）" not in [d.name for d in checklist.documents]


def test_handling_words_in_brackets_become_notes():
    assert split_name("粤港澳大湾区碳足迹标识认证证书（复印件，原件核验）", ("复印件", "原件核验")) == \
        ("粤港澳大湾区碳足迹标识认证证书", [], ["复印件", "原件核验"])
    assert split_name("项目竣工验收报告（装机容量）", ("复印件",)) == ("项目竣工验收报告", ["装机容量"], [])
    assert split_name("营业执照或迁入证明（设立、迁入日期）", ("复印件",)) == \
        ("营业执照或迁入证明", ["设立、迁入日期"], [])
    # brackets inside the name are part of it
    assert split_name("首台（套）重大技术装备推广应用指导目录入选证明", ()) == \
        ("首台（套）重大技术装备推广应用指导目录入选证明", [], [])


def test_no_double_funding_commitment_only_under_a_stacking_rule(engine):
    _, checklist = make(engine)
    pv = entry(checklist, "lh-glc-2024/7.1", "p1")      # 该项补贴不与市级补贴叠加享受
    assert under_stacking_rule(pv.result)
    assert "不重复申报承诺书" in names(pv)
    for e in checklist.entries:
        assert ("不重复申报承诺书" in names(e)) == under_stacking_rule(e.result), e.result.measure_id
    assert any(not under_stacking_rule(e.result) for e in checklist.entries)


def test_only_the_branch_that_qualifies_is_proved(engine):
    # settled in 2024, as of 2025: 第一条 qualifies on its 首年 branch (last year's revenue), not on
    # the 第二、三年 growth branch, so the two-year audit is not asked for.
    _, checklist = make(engine)
    first = entry(checklist, "lh-glc-2024/1")
    assert "上一年度财务审计报告" in names(first)
    assert "近两年度财务审计报告" not in names(first)
    assert "统计部门联网直报纳统证明" in names(first)


def test_pv_project_documents_and_reviewer(engine):
    _, checklist = make(engine)
    pv = entry(checklist, "lh-glc-2024/7.1", "p1")
    assert pv.department_kind == "reviewing" and pv.departments == ["区发展和改革局"]
    for name in ("上年度发电量结算单", "电网企业并网验收意见或并网调度协议", "项目竣工验收报告",
                 "物业产权证明或租赁协议", "项目地址证明"):
        assert name in names(pv)
    settlement = next(d for d in pv.documents if d.name == "上年度发电量结算单")
    assert (pv.number, "电网企业出具") in settlement.details
    assert pv.amount_max == 225000


def test_a_measure_without_a_department_says_so(engine):
    _, checklist = make(engine, selection=WITH_GLC)
    glc = next(e for e in checklist.entries if e.result.document["key"] == "sz-glc-2022")
    assert glc.department_kind == "none" and glc.departments == []


def test_a_result_that_rests_on_an_unanswered_question_is_refused(engine):
    # 可申请 must mean checked: 需补充信息 is answered first, never printed as something to apply for.
    profile = copy.deepcopy(PROFILE)
    del profile["projects"][0]["grid_connected_on"]
    evaluation = engine.evaluate(profile, AS_OF)
    assert evaluation.result("lh-glc-2024/7.1", "p1").status == "needs_info"
    with pytest.raises(ChecklistError, match="第七条（一）"):
        build_checklist(evaluation, profile, [("lh-glc-2024/7.1", "p1")])


def test_ticking_two_measures_that_do_not_stack_is_flagged(engine):
    profile = copy.deepcopy(PROFILE)
    profile["projects"][0]["pv_technology"] = "thin_film"   # municipal （十二） pays thin film too
    profile["projects"][0]["declarations"] = {"thin_film_pv_demo": True}   # …as a 示范项目
    evaluation, _ = make(engine, profile)
    rival = "sz-glc-2022/12"
    assert rival in evaluation.result("lh-glc-2024/7.1", "p1").conflicts_with
    assert evaluation.result(rival, "p1").status == "eligible"
    _, checklist = make(engine, profile, selection=[("lh-glc-2024/7.1", "p1"), (rival, "p1")])
    assert not checklist.from_plan
    pv, other = checklist.entries
    assert [c.measure_id for c in pv.chosen_conflicts] == [rival]
    assert [c.measure_id for c in other.chosen_conflicts] == ["lh-glc-2024/7.1"]
    assert sum(e.in_plan for e in checklist.entries) == 1
    loser = next(e for e in checklist.entries if not e.in_plan)
    assert loser.given_up_reason


def test_only_rivals_one_could_apply_for_are_listed_as_conflicts(engine):
    evaluation, checklist = make(engine)        # conventional PV: municipal （十二） is ineligible
    assert "sz-glc-2022/12" in evaluation.result("lh-glc-2024/7.1", "p1").conflicts_with
    pv = entry(checklist, "lh-glc-2024/7.1", "p1")
    assert "sz-glc-2022/12" not in [c.measure_id for c in pv.conflicts]


def test_a_result_that_cannot_be_applied_for_is_refused(engine):
    with pytest.raises(ChecklistError, match="第七条（一）"):
        make(engine, selection=[("lh-glc-2024/7.1", "p1")], as_of=dt.date(2026, 6, 30))  # expired
    with pytest.raises(ChecklistError, match="没有这一项"):
        make(engine, selection=[("lh-glc-2024/7.1", "no-such-project")])


def test_nothing_selected_gives_an_empty_checklist(engine):
    _, checklist = make(engine, selection=[])
    assert checklist.entries == [] and checklist.documents == []
    assert checklist.total_max == 0


# -- needed_outcomes: the proof an application needs ---------------------------------------------

STATES = st.sampled_from([True, False, None])


def trees(depth=3):
    leaf = st.builds(lambda s: {"type": "leaf", "state": s}, STATES)
    return st.recursive(
        leaf,
        lambda children: st.builds(lambda kind, kids: {"type": kind, "children": kids},
                                   st.sampled_from(["all_of", "any_of"]),
                                   st.lists(children, min_size=1, max_size=4)),
        max_leaves=12)


def leaves(node):
    if node["type"] == "leaf":
        return [node]
    return [leaf for child in node["children"] for leaf in leaves(child)]


def state_of(node, states):
    if node["type"] == "leaf":
        return states[id(node)]
    combine = all_of if node["type"] == "all_of" else any_of
    return combine(state_of(child, states) for child in node["children"])


@settings(max_examples=300, deadline=None)
@given(st.lists(trees(), min_size=1, max_size=3))
def test_needed_outcomes_prove_the_verdict(nodes):
    all_leaves = [leaf for node in nodes for leaf in leaves(node)]
    outcomes = [Outcome(str(i), "", leaf["state"], "") for i, leaf in enumerate(all_leaves)]
    needed = needed_outcomes(nodes, outcomes)
    states = {id(leaf): leaf["state"] for leaf in all_leaves}
    verdict = all_of(state_of(n, states) for n in nodes)
    assert all(o.state is not False for o in needed)
    if verdict is False:
        assert needed == []
    if verdict is True:
        # the needed leaves alone prove it: every other leaf may fail and the verdict stands
        kept = {id(o) for o in needed}
        proof = {id(leaf): (leaf["state"] if id(o) in kept else False)
                 for leaf, o in zip(all_leaves, outcomes, strict=True)}
        assert all_of(state_of(n, proof) for n in nodes) is True
        assert all(o.state is True for o in needed)
    if verdict is None:
        # every undecided leaf that could still decide it is asked for
        assert {o.id for o in needed} >= {o.id for o in outcomes if o.state is None
                                            and _matters(nodes, all_leaves, o, states)}


def _matters(nodes, all_leaves, outcome, states) -> bool:
    leaf = all_leaves[int(outcome.id)]
    flipped = dict(states)
    results = set()
    for value in (True, False):
        flipped[id(leaf)] = value
        results.add(all_of(state_of(n, flipped) for n in nodes))
    # a leaf under a failed branch never matters; one whose value changes the verdict does
    return len(results) > 1


def test_needed_outcomes_refuse_a_foreign_tree():
    with pytest.raises(ValueError):
        needed_outcomes([{"type": "leaf"}], [Outcome("a", "", True, ""), Outcome("b", "", True, "")])
