"""What the form's pieces share: its messages, the money units and years shown, and the small
helpers that read and write one value of the profile's dicts by path."""
from __future__ import annotations

import re

from PySide6.QtWidgets import QLabel

from core.formspec import FieldSpec
from core.i18n import N_, _, convert_policy_text
from core.measures.facts import fact_registry, label_and_unit

MONEY_UNITS = ("wan", "yuan")
# Fields made per step of a build in steps (build_steps): about 2–7 ms of CPU each, so that a step
# stays well inside the 50 ms a turn of the event loop may take (issue 18).
FIELDS_PER_STEP = 3
YEARS_SHOWN = 3                                   # 上一年度 and the two before it
PERCENT_FIELDS = {"project.energy_saving_rate"}   # fractions, typed as percentages

# The application's own texts.
MSG_COMPANY_TAB = N_("企业信息")
# TRANSLATORS: tab title; {n} is the number of projects
MSG_PROJECTS_TAB = N_("项目（{n}）")
MSG_IDENTITY = N_("基本信息")
MSG_CONDITIONS = N_("申报条件（影响措施多的在前）")
MSG_OTHERS = N_("其他已填写的项")
MSG_OTHERS_COMPANY_NOTE = N_("目前没有措施用到此项；已填的值会保留")
MSG_OTHERS_PROJECT_NOTE = N_("此项目类型的措施不用此项；已填的值会保留")
MSG_PROJECTS = N_("项目")
MSG_ADD_PROJECT = N_("添加项目")
MSG_DUPLICATE_PROJECT = N_("复制")
MSG_REMOVE_PROJECT = N_("删除")
MSG_NO_PROJECT = N_("还没有项目。点击“添加项目”，再选择项目类型。")
MSG_CHOOSE_TYPE = N_("请先选择项目类型：表单会列出该类型的措施需要的信息。")
# TRANSLATORS: {id} is the project's id in the file, e.g. p1
MSG_PROJECT_ID = N_("项目编号：{id}")
MSG_UNNAMED = N_("未命名项目")
MSG_NO_TYPE = N_("未选择类型")
# TRANSLATORS: shown in the project list beside a project that has a problem to correct
MSG_NEEDS_FIX = N_("待改正")
# TRANSLATORS: appended to the name of a duplicated project
MSG_COPY_SUFFIX = N_("（副本）")
MSG_CONFIRM_DELETE_TITLE = N_("删除项目")
# TRANSLATORS: {name} is the project's name as typed (or its id)
MSG_CONFIRM_DELETE = N_("确定删除项目“{name}”吗？它的全部数据将从档案中移除。")
# TRANSLATORS: a yearly field's caption; {year} is a calendar year
MSG_LAST_YEAR = N_("{year} 年（上一年度）")
MSG_YEAR = N_("{year} 年")
# TRANSLATORS: {years} lists calendar years, e.g. 2019、2020
MSG_OTHER_YEARS = N_("另有 {years} 年的数据，此处未显示，保留不变")
# TRANSLATORS: {clauses} names policy clauses, e.g. 罗湖区十条措施 第七条（一）
MSG_NEEDED_BY = N_("{clauses} 需要此项")
# TRANSLATORS: {first} lists some clauses of one document; {n} is how many of its clauses in all
MSG_SOME_CLAUSES = N_("{first} 等 {n} 条")
MSG_NEEDED_BY_TIP = N_("需要此项的条款：")
MSG_PERCENT_NOTE = N_("按百分数填写：12 表示 12%")
# TRANSLATORS: a problem in one row of a list; {row} counts from 1
MSG_ROW = N_("第 {row} 行：{message}")
# TRANSLATORS: {label} is a field's name, {message} says what is wrong with the text typed
MSG_INPUT_PROBLEM = N_("{label}：{message}")

STYLE = """
QLineEdit[problem="true"], QComboBox[problem="true"], QListWidget[problem="true"],
QTableWidget[problem="true"] { border: 2px solid #c62828; }
QLabel[role="error"] { color: #b71c1c; }
QLabel[role="note"] { color: #666666; }
"""

_PROJECT_PATH = re.compile(r"^projects\[(\d+)\](?:\.(.*))?$")
_QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"')


# -- small helpers --------------------------------------------------------------------------------

def _label_of(spec: FieldSpec) -> str:
    if spec.path in PERCENT_FIELDS:          # "（小数，0.1 即 10%）": we ask for a percentage instead
        return re.sub(r"（[^（）]*）$", "", spec.label)
    return spec.label


def _field_spec(path: str) -> FieldSpec | None:
    """A FieldSpec for any profile fact (for fields no current measure reads)."""
    fact = fact_registry().get(path)
    if fact is None:
        return None
    label, unit = label_and_unit(fact.description or path)
    return FieldSpec(path, label, unit, fact.kind, fact.enum, fact.item_fields, [])


def _rel(spec_path: str, year: str | None = None) -> str:
    """company.years.{year}.revenue → years.2024.revenue (the path inside the subject's dict)."""
    rel = spec_path.split(".", 1)[1]
    return rel.replace("{year}", year) if year is not None else rel


def _show_message(message: str) -> str:
    """A validation message (Simplified) in the UI's script; quoted values stay as typed."""
    out, last = [], 0
    for m in _QUOTED.finditer(message):
        out.append(convert_policy_text(message[last:m.start()]))
        out.append(m.group(0))
        last = m.end()
    out.append(convert_policy_text(message[last:]))
    return "".join(out)


def _set_label(label: QLabel, text: str) -> None:
    """Show a message label with this text, hidden when empty; touches Qt only on a change
    (marks are re-applied after every keystroke)."""
    if label.text() != text:
        label.setText(text)
    if label.isHidden() == bool(text):
        label.setHidden(not text)


def _needed_by(spec: FieldSpec) -> tuple[str, str]:
    """(side note, tooltip) naming the clauses that read this field."""
    if not spec.used_by:
        return "", ""
    by_document: dict[str, list[str]] = {}
    for cite in spec.used_by:
        document, _sep, clause = cite.partition(" ")
        by_document.setdefault(document, []).append(clause)
    parts = []
    for document, clauses in by_document.items():
        shown = "、".join(clauses[:2])
        text = f"{document} {shown}"
        if len(clauses) > 2:
            text = _(MSG_SOME_CLAUSES).format(first=convert_policy_text(text), n=len(clauses))
        else:
            text = convert_policy_text(text)
        parts.append(text)
    note = _(MSG_NEEDED_BY).format(clauses="；".join(parts))
    tip = _(MSG_NEEDED_BY_TIP) + "\n" + "\n".join("· " + convert_policy_text(c) for c in spec.used_by)
    return note, tip
