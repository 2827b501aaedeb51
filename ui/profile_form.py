"""The interview-style form for the company and its projects (the main window owns open/save).

What is asked, in which order and why comes from ``core.formspec`` (derived from the measures
data); this module only turns it into widgets and keeps the profile dict in step with them.

**The data is the source of truth.** The form holds the profile as plain dicts (a deep copy of
what ``set_profile`` received); every edit writes the one value it changed into them. So whatever
the form does not show — years other than the three shown, fields no measure reads — stays in the
dicts untouched, and ``set_profile(p); profile() == p`` holds for every valid ``p``. Widgets are
rebuilt freely (project switch, type change, money unit, as-of date, language) from the dicts.

**Unknown is absent.** An empty text, an untouched 未填写 combo, an empty list: the key is left
out, never written as 0, false or "".

**Text that cannot be read** (letters in a number, 2024-02-30 in a date) stays in its widget as
typed, is flagged under the field with a Chinese message, and is left out of ``profile()``, so the
engine (which evaluates ``profile()`` after each edit) always gets well-typed values and treats the
field as not yet known. The typed text is kept per project and field ("raw" texts) across
rebuilds; ``input_problems()`` lists them, so the window can warn before saving.

**Project type changes** rebuild the project's fields from ``project_fields(type, …)``. Values of
fields that still apply stay where they are. Values of fields the new type does not use are kept
in the project and shown in a group "其他已填写的项" with a note that this type's measures do not
read them: nothing is hidden from the user and nothing is lost, and switching back puts them in
their usual place. The user can clear them there.

Money is typed in 万元 or 元 (``set_money_unit``) and stored in yuan, exactly (``ui.widgets``).

**Cheap re-validation.** Every edit re-validates the whole profile and re-applies the marks; the
marks touch Qt only where something changed. Besides being cheaper, this is a WORKAROUND: with
PySide6 6.12 on Python 3.11 every Qt call that returns None (void methods, an unset property)
drops a reference to None, and ``emit()`` one to a bool, so a form that made a hundred such calls
per keystroke brought the interpreter down (``none_dealloc``) after a few hundred keystrokes.
"""
from __future__ import annotations

import copy
import datetime as dt
import itertools
import re
from collections import defaultdict
from collections.abc import Generator, Iterator

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from core.formspec import (
    COMPANY_IDENTITY,
    PROJECT_IDENTITY,
    FieldSpec,
    company_fields,
    field_for_missing,
    project_fields,
)
from core.i18n import N_, _, convert_policy_text
from core.measures.facts import fact_registry, label_and_unit
from core.measures.labels import enum_labels
from core.measures.vocabulary import PROJECT_TYPES
from core.profile import PROFILE_FORMAT, Problem, validate_profile
from ui.language import follow_language
from ui.widgets import (
    MSG_ROW_FIELD,
    MSG_UNIT_WAN,
    MSG_UNIT_YUAN,
    Column,
    DateEdit,
    EnumCombo,
    ItemTableEdit,
    KeyListEdit,
    MoneyEdit,
    NumberEdit,
    PercentEdit,
    TextEdit,
    TriStateCombo,
    later,
    problem_for,
    run_steps,
    set_problem_mark,
)

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


def _get(data: dict, parts: list[str]):
    node = data
    for part in parts:
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def _set(data: dict, parts: list[str], value) -> None:
    """Set a value (None: remove it, and the objects that this leaves empty)."""
    if value is None:
        trail = [data]
        for part in parts[:-1]:
            node = trail[-1].get(part)
            if not isinstance(node, dict):
                return
            trail.append(node)
        if parts[-1] not in trail[-1]:
            return
        del trail[-1][parts[-1]]
        for i in range(len(trail) - 1, 0, -1):
            if trail[i]:
                break
            del trail[i - 1][parts[i - 1]]
        return
    node = data
    for part in parts[:-1]:
        if not isinstance(node.get(part), dict):
            node[part] = {}
        node = node[part]
    node[parts[-1]] = value


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


class _Subject:
    """The company or one project: its dict, and texts typed that could not be read."""

    def __init__(self, kind: str, data: dict):
        self.kind = kind                       # company / project
        self.data = data
        self.raw: dict[str, tuple[str, str]] = {}   # rel key → (widget kind, text as typed)

    def copy(self) -> _Subject:
        twin = _Subject(self.kind, copy.deepcopy(self.data))
        twin.raw = dict(self.raw)
        return twin


class _Slot:
    """One widget of a field: the whole field, or one year of a yearly field."""

    def __init__(self, key: str, widget: QWidget, year: str | None = None):
        self.key = key                 # rel path: capacity_kw, generation_kwh.2024, years.2024.revenue
        self.parts = key.split(".")
        self.widget = widget
        self.year = year
        self.caption: QLabel | None = None
        self.unit: QLabel | None = None


class _Editor:
    """The widgets of one field on one subject, and how they read and write the subject's dict."""

    def __init__(self, form: ProfileForm, spec: FieldSpec, subject: _Subject, extra: bool = False):
        self.form, self.spec, self.subject, self.extra = form, spec, subject, extra
        self.alive = True
        self.slots: list[_Slot] = []
        self.label = QLabel()
        self.body = QWidget()
        self.note = QLabel()
        self.note.setProperty("role", "note")
        self.note.setWordWrap(True)
        self.error = QLabel()
        self.error.setProperty("role", "error")
        self.error.setWordWrap(True)
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error.hide()
        self.other_years: list[str] = []
        self._build()
        self.retranslate()

    # construction
    def _widget(self) -> QWidget:
        spec, kind = self.spec, self.spec.kind
        if kind == "boolean":
            return TriStateCombo()
        if kind == "enum":
            return EnumCombo(spec.enum, enum_labels(spec.path, spec.enum))
        if kind == "date":
            return DateEdit()
        if kind == "number":
            if spec.path in PERCENT_FIELDS:
                return PercentEdit()
            if spec.is_money:
                return MoneyEdit(unit=self.form.money_unit())
            return NumberEdit()
        if kind == "key_list":
            return KeyListEdit(spec.enum, enum_labels(spec.path, spec.enum))
        if kind == "list":
            columns = []
            for name, fact in spec.item_fields.items():
                label, unit = label_and_unit(fact.description or name)
                column_kind = fact.kind
                if column_kind == "number" and unit == "元":
                    column_kind = "money"
                if spec.path == "company.supports_received" and name == "measure_id":
                    # chosen from the supports in the data, named by clause and title
                    ids, labels = self.form.support_choices()
                    columns.append(Column(name, label, "enum", ids, labels, None))
                    continue
                columns.append(Column(name, label, column_kind, tuple(fact.enum),
                                      enum_labels(f"{spec.path}.{name}", fact.enum),
                                      None if unit == "元" else unit))
            return ItemTableEdit(columns, money_unit=self.form.money_unit())
        return TextEdit()

    def _build(self) -> None:
        layout = QVBoxLayout(self.body)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        if self.spec.yearly:
            # equal columns, so the years of all yearly fields line up under each other
            grid = QGridLayout()
            grid.setContentsMargins(0, 0, 0, 0)
            grid.setVerticalSpacing(1)
            grid.setHorizontalSpacing(2 * grid.horizontalSpacing() if grid.horizontalSpacing() > 0 else 12)
            held = self._years_held()
            shown = self.form.shown_years()
            for column, year in enumerate(shown):
                slot = _Slot(_rel(self.spec.path, year), self._widget(), year)
                slot.widget.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
                slot.caption = QLabel()
                slot.caption.setBuddy(slot.widget)
                grid.addWidget(slot.caption, 0, column)
                grid.addLayout(self._with_unit(slot), 1, column)
                grid.setColumnStretch(column, 1)
                self.slots.append(slot)
            layout.addLayout(grid)
            self.other_years = sorted(y for y in held if y not in shown)
        else:
            slot = _Slot(_rel(self.spec.path), self._widget())
            self.slots.append(slot)
            layout.addLayout(self._with_unit(slot))
        layout.addWidget(self.error)      # right under the input it is about
        layout.addWidget(self.note)
        self.label.setBuddy(self.slots[0].widget)
        for slot in self.slots:
            slot.widget.changed.connect(lambda s=slot: self.form._slot_changed(self, s))

    def _with_unit(self, slot: _Slot) -> QHBoxLayout:
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        stretch = self.spec.yearly or isinstance(slot.widget, (ItemTableEdit, KeyListEdit, TextEdit))
        row.addWidget(slot.widget, 1 if stretch else 0)
        if self._unit_text() is not None:
            slot.unit = QLabel()
            row.addWidget(slot.unit)
        if not stretch and not self.spec.yearly:
            row.addStretch(1)
        return row

    def _years_held(self) -> list[str]:
        """The years the subject's dict holds for this yearly field."""
        head, _sep, tail = _rel(self.spec.path).partition(".{year}")
        container = self.subject.data.get(head)
        if not isinstance(container, dict):
            return []
        if not tail:
            return [y for y in container]
        name = tail.lstrip(".")
        return [y for y, d in container.items() if isinstance(d, dict) and name in d]

    def _unit_text(self) -> str | None:
        if self.spec.path in PERCENT_FIELDS:
            return "%"
        if self.spec.is_money:
            return _(MSG_UNIT_WAN) if self.form.money_unit() == "wan" else _(MSG_UNIT_YUAN)
        return convert_policy_text(self.spec.unit) if self.spec.unit else None

    # texts
    def retranslate(self) -> None:
        self.label.setText(convert_policy_text(_label_of(self.spec)))
        note, tip = _needed_by(self.spec)
        notes = []
        if self.spec.path in PERCENT_FIELDS:
            notes.append(_(MSG_PERCENT_NOTE))
        if self.extra:
            notes.append(_(MSG_OTHERS_PROJECT_NOTE) if self.subject.kind == "project"
                         else _(MSG_OTHERS_COMPANY_NOTE))
        if note:
            notes.append(note)
        if self.other_years:
            notes.append(_(MSG_OTHER_YEARS).format(years="、".join(self.other_years)))
        self.note.setText("\n".join(notes))
        self.note.setVisible(bool(notes))
        self.note.setToolTip(tip)
        self.label.setToolTip(tip)
        self.tooltip = tip
        last = str(self.form.as_of().year - 1)
        unit = self._unit_text()
        # What a screen reader says for each input: the label as shown, with its unit and, for a
        # yearly field, its year ("2024 年 营业收入（万元）") — never the value, never nothing.
        name = self.label.text() + (f"（{unit}）" if unit else "")
        for slot in self.slots:
            if slot.caption is not None:
                slot.caption.setText(_(MSG_LAST_YEAR if slot.year == last else MSG_YEAR)
                                     .format(year=slot.year))
            if slot.unit is not None:
                slot.unit.setText(unit)
            slot.widget.retranslate()
            slot_name = f"{slot.caption.text()} {name}" if slot.caption is not None else name
            if isinstance(slot.widget, (ItemTableEdit, KeyListEdit)):
                slot.widget.set_accessible_label(slot_name)
            else:
                slot.widget.setAccessibleName(slot_name)
            if not slot.widget.toolTip():
                slot.widget.setToolTip(tip)

    # data ⇄ widgets
    def load(self) -> None:
        raw = self.subject.raw
        for slot in self.slots:
            w = slot.widget
            w.set_value(_get(self.subject.data, slot.parts))
            if isinstance(w, ItemTableEdit):
                prefix = slot.key + "["
                for key, (_kind, text) in raw.items():
                    if not key.startswith(prefix):
                        continue
                    m = re.fullmatch(r"\[(\d+)\]\.(\w+)", key[len(slot.key):])
                    cell = w.cell(int(m.group(1)), m.group(2)) if m else None
                    if cell is not None:
                        cell.setText(text)
            elif slot.key in raw:
                w.setText(raw[slot.key][1])

    def write(self, slot: _Slot) -> None:
        w, raw = slot.widget, self.subject.raw
        if isinstance(w, ItemTableEdit):
            for key in [k for k in raw if k.startswith(slot.key + "[")]:
                del raw[key]
            for row, column, _message in w.cell_problems():
                cell = w.cell(row, column.name)
                raw[f"{slot.key}[{row}].{column.name}"] = (cell.kind, cell.text())
            _set(self.subject.data, slot.parts, w.value())
            return
        if w.raw_problem():
            raw[slot.key] = (w.kind, w.text())
            _set(self.subject.data, slot.parts, None)
        else:
            raw.pop(slot.key, None)
            _set(self.subject.data, slot.parts, w.value())

    # problems
    def match(self, rel: str) -> tuple[_Slot, tuple | None] | None:
        """The slot (and table cell) a problem at ``rel`` belongs to, or None."""
        for slot in self.slots:
            if rel == slot.key:
                return slot, None
            if rel.startswith(slot.key + "["):
                m = re.match(r"\[(\d+)\](?:\.(\w+))?", rel[len(slot.key):])
                if isinstance(slot.widget, ItemTableEdit) and m:
                    return slot, (int(m.group(1)), m.group(2))
                return slot, None
        return None

    def set_marks(self, marks: dict) -> None:
        """marks: (slot key, cell or None) → messages. Marks exactly those, clears the others."""
        lines = []
        for slot in self.slots:
            whole = marks.get((slot.key, None), [])
            if isinstance(slot.widget, ItemTableEdit):
                table = slot.widget
                cells = {cell: msgs for (key, cell), msgs in marks.items()
                         if key == slot.key and cell is not None}
                for r in range(table.row_count()):
                    for column in table.columns:
                        msgs = cells.get((r, column.name), [])
                        set_problem_mark(table.cell(r, column.name), "\n".join(msgs) or None)
                for (r, _name), msgs in sorted(cells.items(), key=lambda c: (c[0][0], c[0][1] or "")):
                    lines.extend(_(MSG_ROW).format(row=r + 1, message=m) for m in msgs)
                set_problem_mark(table.table, "\n".join(whole) or None, self.tooltip)
                lines[:0] = whole
                continue
            caption = slot.caption.text() + "：" if slot.caption is not None else ""
            set_problem_mark(slot.widget, "\n".join(whole) or None, self.tooltip)
            lines.extend(caption + m for m in whole)
        _set_label(self.error, "\n".join(lines))

    # focus
    def focus_widgets(self) -> list[QWidget]:
        out = []
        for slot in self.slots:
            w = slot.widget
            out.extend(w.focus_widgets() if isinstance(w, ItemTableEdit) else [w])
        return out

    def target(self, year: str | None = None, row: int | None = None,
               name: str | None = None) -> QWidget | None:
        for slot in self.slots:
            if year is not None and slot.year != year:
                continue
            w = slot.widget
            if isinstance(w, ItemTableEdit):
                if row is not None and row < w.row_count():
                    cell = w.cell(row, name) if name else None
                    return cell or w.cell(row, w.columns[0].name)
                return w.cell(0, w.columns[0].name) if w.row_count() else w.add_button
            return w
        return None


# -- the form -------------------------------------------------------------------------------------

class ProfileForm(QWidget):
    """The company and its projects, edited as an interview; see the module docstring.

    API: ``set_profile(dict)``, ``profile() -> dict``, ``set_as_of(date)``,
    ``set_money_unit("wan"|"yuan")``, ``show_problems(problems)``, ``focus_path(path, project_id)``,
    ``input_problems()``, ``field_widget(path, project_id)``; signal ``changed()`` after each edit.
    """
    changed = Signal()
    replaced = Signal()          # set_profile: another profile (editors shared with a view are gone)

    def __init__(self, measures: list[dict], documents: dict[str, dict], parent=None):
        super().__init__(parent)
        self._measures, self._documents = measures, documents
        self._company_specs: list[FieldSpec] | None = None      # made by the first build
        self._project_specs: dict = {}
        self._as_of = dt.date.today()
        self._money_unit = "wan"
        self._extra_years: set[str] = set()
        self._top: dict = {}
        self._company = _Subject("company", {})
        self._projects: list[_Subject] = []
        self._projects_key = True
        self._problems: list[Problem] = []
        self._loading = 0
        self._company_editors: list[_Editor] = []
        self._project_editors: list[_Editor] = []
        self._project_subject: _Subject | None = None
        self._bad_projects: set[int] = set()   # rows of the project list marked 待改正
        self._built = False                    # the fields exist (see ensure_built)
        self._pending_build: Generator[None, None, None] | None = None   # the steps left of build_steps
        self._shared_editors: list[_Editor] = []   # made for another view (the guided interview)

        self.tabs = QTabWidget(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)

        # company
        self.company_scroll = QScrollArea()
        self.company_scroll.setWidgetResizable(True)
        self.company_scroll.setFrameShape(QFrame.Shape.NoFrame)
        # Not a Tab stop itself: Tab goes from field to field, and the scroll area keeps the
        # focused field in view (QScrollArea.focusNextPrevChild).
        self.company_scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._company_host = QWidget()
        QVBoxLayout(self._company_host).setContentsMargins(0, 0, 0, 0)
        self.company_scroll.setWidget(self._company_host)
        self.tabs.addTab(self.company_scroll, "")

        # projects
        page = QWidget()
        self.project_list_label = QLabel()
        self.project_list = QListWidget()
        self.project_list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.project_list.setWordWrap(True)
        self.project_list.setSpacing(2)
        self.project_list.setAlternatingRowColors(True)
        self.project_list_label.setBuddy(self.project_list)
        self.add_project_button = QPushButton()
        self.duplicate_project_button = QPushButton()
        self.remove_project_button = QPushButton()
        self.add_project_button.clicked.connect(lambda: self.add_project())
        self.duplicate_project_button.clicked.connect(self.duplicate_project)
        self.remove_project_button.clicked.connect(self.remove_project)
        # 添加项目 above 复制 / 删除: the list stays narrow (about ten characters at any scaling), so
        # the project's fields beside it get the room.
        buttons = QVBoxLayout()
        buttons.addWidget(self.add_project_button)
        pair = QHBoxLayout()
        pair.addWidget(self.duplicate_project_button)
        pair.addWidget(self.remove_project_button)
        buttons.addLayout(pair)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.project_list_label)
        left_layout.addWidget(self.project_list, 1)
        left_layout.addLayout(buttons)
        self.project_scroll = QScrollArea()
        self.project_scroll.setWidgetResizable(True)
        self.project_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.project_scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._project_host = QWidget()
        QVBoxLayout(self._project_host).setContentsMargins(0, 0, 0, 0)
        self.project_scroll.setWidget(self._project_host)
        self.project_splitter = QSplitter(Qt.Orientation.Horizontal)
        self.project_splitter.addWidget(left)
        self.project_splitter.addWidget(self.project_scroll)
        self.project_splitter.setStretchFactor(0, 0)
        self.project_splitter.setStretchFactor(1, 1)
        self.project_splitter.setChildrenCollapsible(False)
        page_layout = QVBoxLayout(page)
        page_layout.setContentsMargins(0, 0, 0, 0)
        page_layout.addWidget(self.project_splitter)
        self.tabs.addTab(page, "")
        self.project_list.currentRowChanged.connect(self._project_selected)

        follow_language(self, self.retranslate)
        self._retranslate_static()
        self.set_profile({"format": PROFILE_FORMAT, "company": {}, "projects": []})
        later(self.build_steps)


    def support_choices(self) -> tuple[tuple[str, ...], dict[str, str]]:
        """The supports a company may have received before: ids and "clause title" labels."""
        ids, labels = [], {}
        for m in self._measures:
            if m.get("role") == "statement":
                continue
            short = self._documents.get(m["document"], {}).get("short_title", m["document"])
            ids.append(m["id"])
            labels[m["id"]] = f"{short} {m['clause']} {m['title']}"
        return tuple(ids), labels
    def ensure_built(self) -> None:
        """Build the fields for the profile held, at once: also what is left of build_steps."""
        pending = self._pending_build
        if pending is not None and pending.gi_running:
            return                        # called from a step of that build: it is under way
        run_steps(self.build_steps())

    def build_steps(self) -> Iterator[None]:
        """Build the fields a few at a time: after the window's first paint, one step per
        event-loop turn (ui.widgets.later), so that no turn holds up the window for long.
        Whatever needs the fields before the last step calls ensure_built, which runs the rest
        at once; a full rebuild meanwhile (another profile shown) supersedes the steps."""
        if not self._built:
            self._built = True
            self.setStyleSheet(STYLE)     # marks and notes; a style sheet makes every later polish dearer
            self._company_specs = company_fields(self._measures, self._documents)
            self._pending_build = self._show_profile_steps()
        while (steps := self._pending_build) is not None:
            for _step in steps:
                yield
                if self._pending_build is not steps:
                    break                 # finished by ensure_built meanwhile, or superseded
            else:
                self._pending_build = None

    # -- public API ------------------------------------------------------------------------------
    def set_profile(self, data: dict) -> None:
        """Show a profile; the form works on a deep copy, so the caller's dict is never changed."""
        data = copy.deepcopy(data) if isinstance(data, dict) else {}
        company = data.pop("company", {})
        projects = data.pop("projects", None)
        self._projects_key = projects is not None
        self._top = data
        self._company = _Subject("company", company if isinstance(company, dict) else {})
        self._projects = [_Subject("project", p) for p in projects or [] if isinstance(p, dict)]
        self._extra_years = set()
        self._project_subject = None
        self.release_editors(self._shared_editors)     # they edit the old profile's subjects
        self._problems = []                    # the old profile's; validated anew below
        if self._built:
            self._show_profile()
        self.replaced.emit()

    def _show_profile(self) -> None:
        self._pending_build = None        # a build in steps under way is superseded by this one
        run_steps(self._show_profile_steps())

    def _show_profile_steps(self) -> Generator[None, None, None]:
        yield from self._rebuild_company_steps()
        yield
        self._fill_project_list(0 if self._projects else None)
        yield
        self._validate()

    def profile(self) -> dict:
        """The profile as typed: only the fields filled in (a fresh copy)."""
        out = {"format": PROFILE_FORMAT, "company": copy.deepcopy(self._company.data)}
        if self._projects_key or self._projects:
            out["projects"] = [copy.deepcopy(p.data) for p in self._projects]
        for key, value in self._top.items():
            if key not in out:
                out[key] = copy.deepcopy(value)
        return out

    def as_of(self) -> dt.date:
        return self._as_of

    def set_measures(self, measures: list[dict], documents: dict[str, dict]) -> None:
        """Another measures database (an update or a rollback): the fields asked follow its measures;
        what was typed stays as it is, and no ``changed`` is emitted."""
        self._measures, self._documents = measures, documents
        self._project_specs = {}
        if self._built:
            self._company_specs = company_fields(measures, documents)
            self._rebuild()

    def set_as_of(self, date: dt.date) -> None:
        """Yearly fields show 上一年度 (date.year − 1) and the two years before it."""
        changed = date.year != self._as_of.year
        self._as_of = date
        if changed:
            self._rebuild()

    def shown_years(self) -> list[str]:
        last = self._as_of.year - 1
        years = {str(last - i) for i in range(YEARS_SHOWN)} | self._extra_years
        return sorted(years, reverse=True)

    def money_unit(self) -> str:
        return self._money_unit

    def set_money_unit(self, unit: str) -> None:
        """Money is typed in 万元 ("wan") or 元 ("yuan"); the stored yuan never change."""
        if unit not in MONEY_UNITS:
            raise ValueError(f"money unit must be one of {MONEY_UNITS}, not {unit!r}")
        if unit != self._money_unit:
            self._money_unit = unit
            self._rebuild()

    def show_problems(self, problems: list[Problem]) -> None:
        """Mark the fields these problems name (and clear the marks of the others)."""
        self.ensure_built()
        self._problems = list(problems)
        self._apply_marks()

    def input_problems(self) -> list[Problem]:
        """Text typed that could not be read (left out of profile()); one Problem per field."""
        out = []
        subjects = [("company", self._company)] + [(f"projects[{i}]", s)
                                                   for i, s in enumerate(self._projects)]
        for prefix, subject in subjects:
            for key, (kind, text) in sorted(subject.raw.items()):
                message = problem_for(kind, text)
                if message is None:
                    continue
                label = self._label_for(subject, key)
                out.append(Problem(f"{prefix}.{key}", f"cannot read {text!r}",
                                   _(MSG_INPUT_PROBLEM).format(label=label, message=message)))
        return out

    def current_project_id(self) -> str | None:
        self.ensure_built()
        s = self._project_subject
        return s.data.get("id") if s is not None else None

    def select_project(self, project_id: str) -> bool:
        self.ensure_built()
        for i, s in enumerate(self._projects):
            if s.data.get("id") == project_id:
                self.project_list.setCurrentRow(i)
                return True
        return False

    def field_widget(self, path: str, project_id: str | None = None) -> QWidget | None:
        """The widget that edits ``path`` (company.name, company.years.2024.revenue,
        project.generation_kwh.2024, company.standards[0].level) — showing the project first."""
        self.ensure_built()
        found = self._find(path, project_id)
        return found[1] if found else None

    def focus_path(self, path: str, project_id: str | None = None) -> bool:
        """Go to the field of a missing fact (selecting the project, scrolling); True if found."""
        self.ensure_built()
        found = self._find(path, project_id, focus=True)
        if found is None:
            return False
        scroll, widget = found
        self.tabs.setCurrentWidget(self.company_scroll if scroll is self.company_scroll
                                   else self.project_splitter.parentWidget())
        scroll.ensureWidgetVisible(widget)
        widget.setFocus(Qt.FocusReason.OtherFocusReason)
        # The layout of a freshly built form settles in the next event-loop turn.
        QTimer.singleShot(0, self, lambda: self._scroll_to(scroll, widget))
        return True

    # -- editors for another view of the same profile (the guided interview) ---------------------
    def shared_editor(self, path: str, project_id: str | None = None) -> _Editor | None:
        """An editor of one field (generic path) of the company or of a project, for another view:
        it edits the same data as the form, each shows the other's edits at once, and problems
        are marked on both. Give it back with ``release_editors`` when the view drops it."""
        self.ensure_built()
        subject = self._company if path.startswith("company.") else self._project_by_id(project_id)
        spec = _field_spec(path)
        if subject is None or spec is None:
            return None
        used = (self._company_specs if subject is self._company
                else self._specs_for_type(subject.data.get("type")))
        spec = next((s for s in used or [] if s.path == path), spec)     # with the clauses asking
        editor = self._editors([spec], subject)[0]
        self._shared_editors.append(editor)
        self._apply_marks()
        return editor

    def release_editors(self, editors: list[_Editor]) -> None:
        self._discard(editors)
        self._shared_editors = [e for e in self._shared_editors if e.alive]

    def measures_and_documents(self) -> tuple[list[dict], dict[str, dict]]:
        """The measures the form asks for (as given by set_measures)."""
        return self._measures, self._documents

    def project_ids(self) -> list[str]:
        return [s.data.get("id") for s in self._projects]

    def project_name(self, project_id: str | None) -> str:
        """The project as the user named it (never converted), else its type, else its id."""
        subject = self._project_by_id(project_id)
        if subject is None:
            return project_id or ""
        data = subject.data
        if isinstance(data.get("name"), str) and data["name"]:
            return data["name"]
        kind = data.get("type")
        return convert_policy_text(PROJECT_TYPES[kind]) if kind in PROJECT_TYPES else (project_id or "")

    def _project_by_id(self, project_id: str | None) -> _Subject | None:
        return next((s for s in self._projects if s.data.get("id") == project_id), None)

    # -- projects --------------------------------------------------------------------------------
    def add_project(self, show: bool = True) -> str:
        """A new project (in the company's district, which the user may change); its id."""
        self.ensure_built()
        data = {"id": self._new_id()}
        district = self._company.data.get("district")
        if isinstance(district, str) and district:
            data["district"] = district
        subject = _Subject("project", data)
        self._projects.append(subject)
        self._fill_project_list(len(self._projects) - 1)
        self._after_edit()
        if show:
            self.tabs.setCurrentIndex(1)
            target = self._editor_for(self._project_editors, "project.type")
            if target is not None:
                target.slots[0].widget.setFocus(Qt.FocusReason.OtherFocusReason)
        return data["id"]

    def remove_project_id(self, project_id: str, confirm: bool = True) -> bool:
        """Remove a project by id (asking first); True when it was removed."""
        subject = self._project_by_id(project_id)
        if subject is None or (confirm and not self._confirm_delete(subject)):
            return False
        row = self._projects.index(subject)
        del self._projects[row]
        self.release_editors([e for e in self._shared_editors if e.subject is subject])
        self._fill_project_list(min(row, len(self._projects) - 1) if self._projects else None)
        self._after_edit()
        return True

    def duplicate_project(self) -> None:
        self.ensure_built()
        current = self.project_list.currentRow()
        if not 0 <= current < len(self._projects):
            return
        twin = self._projects[current].copy()
        twin.data["id"] = self._new_id()
        if twin.data.get("name"):
            twin.data["name"] = twin.data["name"] + _(MSG_COPY_SUFFIX)
        self._projects.insert(current + 1, twin)
        self._fill_project_list(current + 1)
        self._after_edit()

    def remove_project(self) -> None:
        self.ensure_built()
        current = self.project_list.currentRow()
        if not 0 <= current < len(self._projects):
            return
        if not self._confirm_delete(self._projects[current]):
            return
        del self._projects[current]
        self._fill_project_list(min(current, len(self._projects) - 1) if self._projects else None)
        self._after_edit()

    def _confirm_delete(self, subject: _Subject) -> bool:
        name = subject.data.get("name") or subject.data.get("id")
        answer = QMessageBox.question(
            self, _(MSG_CONFIRM_DELETE_TITLE), _(MSG_CONFIRM_DELETE).format(name=name),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    def _new_id(self) -> str:
        used = {s.data.get("id") for s in self._projects}
        numbers = [int(m.group(1)) for pid in used if isinstance(pid, str)
                   and (m := re.fullmatch(r"p(\d+)", pid))]
        n = max(numbers, default=0) + 1
        while f"p{n}" in used:
            n += 1
        return f"p{n}"

    def _fill_project_list(self, select: int | None) -> None:
        self._bad_projects = set()             # new items start unmarked; _apply_marks marks them
        self.project_list.blockSignals(True)
        try:
            self.project_list.clear()
            for subject in self._projects:
                item = QListWidgetItem()
                self.project_list.addItem(item)
                self._update_project_item(item, subject)
            if select is not None:
                self.project_list.setCurrentRow(select)
        finally:
            self.project_list.blockSignals(False)
        self._project_selected(self.project_list.currentRow())
        self._update_project_texts()

    def _update_project_item(self, item: QListWidgetItem, subject: _Subject, bad: bool = False) -> None:
        data = subject.data
        name = data.get("name") if isinstance(data.get("name"), str) and data.get("name") else None
        kind = data.get("type")
        type_label = (convert_policy_text(PROJECT_TYPES[kind]) if kind in PROJECT_TYPES
                      else _(MSG_NO_TYPE))
        second = f"{data.get('id', '')} · {type_label}"
        if bad:                        # said in words too, not by colour alone
            second += f" · {_(MSG_NEEDS_FIX)}"
        item.setText(f"{name or _(MSG_UNNAMED)}\n{second}")
        item.setForeground(QBrush(QColor("#b71c1c")) if bad else QBrush())
        item.setToolTip(_(MSG_PROJECT_ID).format(id=data.get("id", "")))

    def _update_project_texts(self) -> None:
        self.tabs.setTabText(1, _(MSG_PROJECTS_TAB).format(n=len(self._projects)))
        has = 0 <= self.project_list.currentRow() < len(self._projects)
        self.duplicate_project_button.setEnabled(has)
        self.remove_project_button.setEnabled(has)

    def _project_selected(self, row: int) -> None:
        subject = self._projects[row] if 0 <= row < len(self._projects) else None
        self._project_subject = subject
        self._rebuild_project()
        self._update_project_texts()

    # -- building --------------------------------------------------------------------------------
    def _specs_for_type(self, kind) -> list[FieldSpec]:
        key = kind if kind in PROJECT_TYPES else None
        if key not in self._project_specs:
            specs = project_fields(key or "", self._measures, self._documents)
            self._project_specs[key] = [s for s in specs if s.path != "project.id"]
        return self._project_specs[key]

    def _extras(self, subject: _Subject, shown: set[str]) -> list[FieldSpec]:
        """Fields the subject holds values for that the form would not otherwise ask."""
        registry = fact_registry()
        prefix = subject.kind
        out: list[FieldSpec] = []
        for key, value in subject.data.items():
            if key == "id" and prefix == "project":
                continue
            candidates = []
            if f"{prefix}.{key}" in registry:
                candidates.append(f"{prefix}.{key}")
            elif isinstance(value, dict):
                for path in registry:
                    if path == f"{prefix}.{key}.{{year}}":
                        candidates.append(path)
                    elif path.startswith(f"{prefix}.{key}.{{year}}."):
                        name = path.rsplit(".", 1)[1]
                        if any(isinstance(y, dict) and name in y for y in value.values()):
                            candidates.append(path)
            for path in candidates:
                if path not in shown and path not in {s.path for s in out}:
                    spec = _field_spec(path)
                    if spec is not None:
                        out.append(spec)
        return out

    def _swap(self, host: QWidget, content: QWidget) -> None:
        layout = host.layout()
        while layout.count():
            old = layout.takeAt(0).widget()
            if old is not None:
                old.hide()
                old.deleteLater()     # not now: the signal that led here may come from inside it
        layout.addWidget(content)
        content.show()      # a child added to a shown parent would only appear after the event loop

    def _group(self, title: str, editors: list[_Editor]) -> QGroupBox:
        box = QGroupBox(title)
        form = QFormLayout(box)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        for editor in editors:
            form.addRow(editor.label, editor.body)
        return box

    @staticmethod
    def _align_labels(editors: list[_Editor]) -> None:
        """One label column for all groups of a page (widths from the font, so scaling works)."""
        width = max((e.label.sizeHint().width() for e in editors), default=0)
        for e in editors:
            e.label.setMinimumWidth(width)
            e.label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
            # level with the middle of the first input line (yearly fields: with the year captions)
            first = e.slots[0]
            line = first.caption if first.caption is not None else first.widget
            line_height = (line.sizeHint().height() if not isinstance(line, (ItemTableEdit, KeyListEdit))
                           else e.label.sizeHint().height())
            e.label.setContentsMargins(0, max(0, (line_height - e.label.sizeHint().height()) // 2), 0, 0)

    def _editors(self, specs: list[FieldSpec], subject: _Subject, extra: bool = False) -> list[_Editor]:
        editors = [_Editor(self, spec, subject, extra) for spec in specs]
        self._loading += 1
        try:
            for editor in editors:
                editor.load()
        finally:
            self._loading -= 1
        return editors

    def _discard(self, editors: list[_Editor]) -> None:
        for editor in editors:
            editor.alive = False

    def _rebuild_company(self) -> None:
        run_steps(self._rebuild_company_steps())

    def _rebuild_company_steps(self) -> Iterator[None]:
        """The company's fields, FIELDS_PER_STEP editors per step (build_steps)."""
        self._discard(self._company_editors)
        subject = self._company
        # Made inside the form (hidden until swapped in), so that each step pays the form's style
        # sheet for its own fields: moving the finished content in cost about 80 ms in one turn.
        content = QWidget(self._company_host)
        content.hide()
        layout = QVBoxLayout(content)
        self.company_problems = QLabel()
        self.company_problems.setProperty("role", "error")
        self.company_problems.setWordWrap(True)
        self.company_problems.hide()
        layout.addWidget(self.company_problems)
        identity = [s for s in self._company_specs if s.path in COMPANY_IDENTITY]
        rest = [s for s in self._company_specs if s.path not in COMPANY_IDENTITY]
        extras = self._extras(subject, {s.path for s in self._company_specs})
        groups: list[tuple[QGroupBox, str]] = []
        editors: list[_Editor] = []
        for title, specs, extra in ((MSG_IDENTITY, identity, False), (MSG_CONDITIONS, rest, False),
                                    (MSG_OTHERS, extras, True)):
            if extra and not specs:
                continue
            box = self._group(_(title), [])
            groups.append((box, title))
            layout.addWidget(box)
            for start in range(0, len(specs), FIELDS_PER_STEP):
                for editor in self._editors(specs[start:start + FIELDS_PER_STEP], subject, extra):
                    box.layout().addRow(editor.label, editor.body)
                    editors.append(editor)
                box.ensurePolished()      # the style sheet applied now, not all at once when shown
                try:
                    yield
                except GeneratorExit:     # superseded before the end: its half-made page goes
                    self._discard(editors)
                    content.deleteLater()
                    raise
        layout.addStretch(1)
        self._company_groups = groups
        self._align_labels(editors)
        self._company_editors = editors
        self._swap(self._company_host, content)
        self._set_tab_order()

    def _rebuild_project(self) -> None:
        self._discard(self._project_editors)
        subject = self._project_subject
        content = QWidget()
        layout = QVBoxLayout(content)
        self._project_groups = []
        self.project_problems = QLabel()
        self.project_problems.setProperty("role", "error")
        self.project_problems.setWordWrap(True)
        self.project_problems.hide()
        self.project_header = QLabel()
        self.project_hint = QLabel()
        self.project_hint.setWordWrap(True)
        self.project_hint.setProperty("role", "note")
        editors: list[_Editor] = []
        if subject is None:
            self.project_hint.setText(_(MSG_NO_PROJECT))
            layout.addWidget(self.project_hint)
        else:
            self.project_header.setText(_(MSG_PROJECT_ID).format(id=subject.data.get("id", "")))
            layout.addWidget(self.project_header)
            layout.addWidget(self.project_problems)
            specs = self._specs_for_type(subject.data.get("type"))
            identity = [s for s in specs if s.path in PROJECT_IDENTITY]
            rest = [s for s in specs if s.path not in PROJECT_IDENTITY]
            extras = self._extras(subject, {s.path for s in specs})
            groups = [(MSG_IDENTITY, self._editors(identity, subject))]
            if rest:
                groups.append((MSG_CONDITIONS, self._editors(rest, subject)))
            if extras:
                groups.append((MSG_OTHERS, self._editors(extras, subject, extra=True)))
            for i, (title, group) in enumerate(groups):
                box = self._group(_(title), group)
                self._project_groups.append((box, title))
                layout.addWidget(box)
                editors.extend(group)
                if i == 0 and subject.data.get("type") not in PROJECT_TYPES:
                    self.project_hint.setText(_(MSG_CHOOSE_TYPE))
                    layout.addWidget(self.project_hint)
        layout.addStretch(1)
        self._align_labels(editors)
        self._project_editors = editors
        self._swap(self._project_host, content)
        self._set_tab_order()
        self._apply_marks()

    def _rebuild(self) -> None:
        """Rebuild both forms from the data (unit, date, language), keeping place and focus."""
        if not self._built:
            return                     # ensure_built will build them with what is set by then
        self.ensure_built()            # a build in steps under way is finished first
        focus = self._focused_slot()
        scrolls = [s.verticalScrollBar().value() for s in (self.company_scroll, self.project_scroll)]
        self._rebuild_company()
        self._rebuild_project()
        self._apply_marks()
        for s, v in zip((self.company_scroll, self.project_scroll), scrolls, strict=True):
            QTimer.singleShot(0, s, lambda s=s, v=v: s.verticalScrollBar().setValue(v))
        if focus is not None:
            editors = self._company_editors if focus[0] == "company" else self._project_editors
            editor = self._editor_for(editors, focus[1])
            if editor is not None:
                for slot in editor.slots:
                    if slot.key == focus[2]:
                        slot.widget.setFocus(Qt.FocusReason.OtherFocusReason)

    def _focused_slot(self) -> tuple[str, str, str] | None:
        focus = self.focusWidget()
        if focus is None:
            return None
        for side, editors in (("company", self._company_editors), ("project", self._project_editors)):
            for editor in editors:
                for slot in editor.slots:
                    if slot.widget is focus:
                        return side, editor.spec.path, slot.key
        return None

    def tab_sequence(self) -> list[QWidget]:
        """The form's Tab stops in screen order: its tab bar, then the shown page's inputs (the
        company's fields; or the project list, its buttons and the project's fields). Fields are
        rebuilt and table rows added at any time, so the window asks for this on every Tab
        (MainWindow.focusNextPrevChild) rather than relying on Qt's creation-order focus chain."""
        out = [self.tabs.tabBar()]
        if self.tabs.currentIndex() == 0:
            out += [w for e in self._company_editors if e.alive for w in e.focus_widgets()]
        else:
            out += [self.project_list, self.add_project_button, self.duplicate_project_button,
                    self.remove_project_button]
            out += [w for e in self._project_editors if e.alive for w in e.focus_widgets()]
        return out

    def _set_tab_order(self) -> None:
        """Qt's focus chain in the same order, for the form outside the main window."""
        for first, second in itertools.pairwise(self.tab_sequence()):
            QWidget.setTabOrder(first, second)

    @staticmethod
    def _editor_for(editors: list[_Editor], path: str) -> _Editor | None:
        return next((e for e in editors if e.spec.path == path), None)

    # -- edits -----------------------------------------------------------------------------------
    def _slot_changed(self, editor: _Editor, slot: _Slot) -> None:
        if self._loading or not editor.alive:
            return
        editor.write(slot)
        self._show_in_twins(editor)
        path = editor.spec.path
        if path in ("project.name", "project.type"):
            row = self._projects.index(editor.subject) if editor.subject in self._projects else -1
            if row >= 0:
                item = self.project_list.item(row)
                self._update_project_item(item, editor.subject, row in self._bad_projects)
        if path == "project.type":
            self._rebuild_project()
            again = self._editor_for(self._project_editors, "project.type")
            if again is not None:
                again.slots[0].widget.setFocus(Qt.FocusReason.OtherFocusReason)
        elif isinstance(slot.widget, ItemTableEdit):
            # rows were added or removed: their cells join the tab order in place
            self._set_tab_order()
        self._after_edit()

    def _show_in_twins(self, source: _Editor) -> None:
        """Other editors of the same field of the same subject (the form's and a shared one) show
        the edit at once."""
        self._loading += 1
        try:
            for e in (*self._company_editors, *self._project_editors, *self._shared_editors):
                if e is not source and e.alive and e.subject is source.subject \
                        and e.spec.path == source.spec.path:
                    e.load()
        finally:
            self._loading -= 1

    def _after_edit(self) -> None:
        self._validate()
        self.changed.emit()

    def _validate(self) -> None:
        self.show_problems(validate_profile(self.profile()))

    # -- problems --------------------------------------------------------------------------------
    def _locate(self, path: str) -> tuple[_Subject | None, str]:
        m = _PROJECT_PATH.match(path)
        if m:
            i = int(m.group(1))
            subject = self._projects[i] if i < len(self._projects) else None
            return subject, m.group(2) or ""
        if path.startswith("company."):
            return self._company, path[len("company."):]
        return None, path

    def _marks_for(self, subject: _Subject, editors: list[_Editor]) -> tuple[dict, list[str]]:
        """editor → {(slot key, cell): [messages]}, and the messages no field shows."""
        marks: dict = defaultdict(lambda: defaultdict(list))
        general: list[str] = []
        for key, (kind, text) in subject.raw.items():
            message = problem_for(kind, text)
            if message is None:
                continue
            for editor in editors:
                found = editor.match(key)
                if found:
                    marks[editor][(found[0].key, found[1])].append(message)
                    break
            else:
                general.append(f"{self._label_for(subject, key)}：{message}")
        for problem in self._problems:
            owner, rel = self._locate(problem.path)
            if owner is not subject:
                continue
            message = _show_message(problem.message_zh)
            for editor in editors:
                found = editor.match(rel)
                if found:
                    slot_marks = marks[editor][(found[0].key, found[1])]
                    if not slot_marks:          # a raw-text message says it better
                        slot_marks.append(message)
                    break
            else:
                general.append(message)
        return marks, general

    def _apply_marks(self) -> None:
        if not hasattr(self, "company_problems"):
            return
        marks, general = self._marks_for(self._company, self._company_editors)
        for problem in self._problems:
            owner, rel = self._locate(problem.path)
            if owner is None and not _PROJECT_PATH.match(problem.path):
                general.append(_show_message(problem.message_zh))
        for editor in self._company_editors:
            editor.set_marks(marks.get(editor, {}))
        _set_label(self.company_problems, "\n".join(general))

        subject = self._project_subject
        if subject is not None and hasattr(self, "project_problems"):
            marks, general = self._marks_for(subject, self._project_editors)
            for editor in self._project_editors:
                editor.set_marks(marks.get(editor, {}))
            _set_label(self.project_problems, "\n".join(general))

        subjects = {id(e.subject): e.subject for e in self._shared_editors if e.alive}
        for shared_subject in subjects.values():
            editors = [e for e in self._shared_editors if e.alive and e.subject is shared_subject]
            marks, _general = self._marks_for(shared_subject, editors)
            for editor in editors:
                editor.set_marks(marks.get(editor, {}))

        # the project list shows which projects need attention
        bad = {i for i, s in enumerate(self._projects) if any(
            problem_for(kind, text) for kind, text in s.raw.values())}
        for problem in self._problems:
            m = _PROJECT_PATH.match(problem.path)
            if m:
                bad.add(int(m.group(1)))
        for i in bad ^ self._bad_projects:          # only the rows whose state changed
            item = self.project_list.item(i)
            if item is not None and i < len(self._projects):
                self._update_project_item(item, self._projects[i], i in bad)
        self._bad_projects = bad

    def _label_for(self, subject: _Subject, key: str) -> str:
        """The Chinese label of a field inside a subject, from its rel key."""
        m = re.match(r"^(\w+)\[(\d+)\]\.(\w+)$", key)
        if m:
            spec = _field_spec(f"{subject.kind}.{m.group(1)}")
            item = spec.item_fields.get(m.group(3)) if spec else None
            label = item.description if item else m.group(3)
            return _(MSG_ROW_FIELD).format(list=convert_policy_text(spec.label if spec else m.group(1)),
                                           row=int(m.group(2)) + 1, field=convert_policy_text(label))
        year = re.search(r"\.(\d{4})(?=\.|$)", key)
        generic = key[: year.start()] + ".{year}" + key[year.end():] if year else key
        spec = _field_spec(f"{subject.kind}.{generic}")
        label = _label_of(spec) if spec else key
        if year:
            label = f"{year.group(1)} 年{label}"
        return convert_policy_text(label)

    # -- finding fields --------------------------------------------------------------------------
    def _find(self, path: str, project_id: str | None, focus: bool = False):
        """(scroll area, widget) for a field path: the widget that edits it, or with ``focus``
        the one to put the cursor in (a table's cell, or its 添加一行 button when it is empty)."""
        generic, row, year = field_for_missing(path)
        name = None
        m = re.match(r"^.*?\[\d+\]\.(\w+)", path)
        if m:
            name = m.group(1)
        m = re.match(r"^(.*?)\[(\d+)\]$", generic)
        if m:                                  # company.standards[1]: the item's row
            generic, row = m.group(1), int(m.group(2))
        if generic.startswith("project."):
            if project_id is not None and not self.select_project(project_id):
                return None
            if self._project_subject is None:
                return None
            editors, scroll = (lambda: self._project_editors), self.project_scroll
        elif generic.startswith("company."):
            editors, scroll = (lambda: self._company_editors), self.company_scroll
        else:
            return None
        editor = self._editor_for(editors(), generic)
        if editor is None:
            return None
        if year is not None and editor.spec.yearly and year not in self.shown_years():
            if not focus:
                return None
            self._extra_years.add(year)
            self._rebuild()
            editor = self._editor_for(editors(), generic)
            if editor is None:
                return None
        if year is not None and not editor.spec.yearly:
            return None
        if focus:
            widget = editor.target(year, row, name)
        else:
            slot = next((s for s in editor.slots if year is None or s.year == year), None)
            widget = slot.widget if slot is not None else None
            if isinstance(widget, ItemTableEdit) and row is not None:
                widget = widget.cell(row, name) if name else None
        return (scroll, widget) if widget is not None else None

    def _scroll_to(self, scroll: QScrollArea, widget: QWidget) -> None:
        try:
            if widget.isVisible():
                scroll.ensureWidgetVisible(widget)
        except RuntimeError:                  # rebuilt in between: the widget is gone
            pass

    # -- language --------------------------------------------------------------------------------
    def retranslate(self) -> None:
        """Every text in the current language (fields are rebuilt from the data: nothing is lost)."""
        self._retranslate_static()
        self._rebuild()

    def _retranslate_static(self) -> None:
        self.tabs.setTabText(0, _(MSG_COMPANY_TAB))
        self.project_list_label.setText(_(MSG_PROJECTS))
        self.project_list.setAccessibleName(_(MSG_PROJECTS))
        self.add_project_button.setText(_(MSG_ADD_PROJECT))
        self.duplicate_project_button.setText(_(MSG_DUPLICATE_PROJECT))
        self.remove_project_button.setText(_(MSG_REMOVE_PROJECT))
        for i, subject in enumerate(self._projects):
            item = self.project_list.item(i)
            if item is not None:
                self._update_project_item(item, subject, i in self._bad_projects)
        self._update_project_texts()
