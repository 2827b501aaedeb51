"""One field's editor: the company or a project it edits (_Subject), the widget per value
(_Slot), and the editor that builds, loads, writes and marks them (_Editor)."""
from __future__ import annotations

import copy
import re
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from core.formspec import FieldSpec
from core.i18n import _, convert_policy_text
from core.interview import put_at, value_at
from core.measures.facts import label_and_unit
from core.measures.labels import enum_labels
from ui.profile_form.fields import (
    MSG_LAST_YEAR,
    MSG_OTHER_YEARS,
    MSG_OTHERS_COMPANY_NOTE,
    MSG_OTHERS_PROJECT_NOTE,
    MSG_PERCENT_NOTE,
    MSG_ROW,
    MSG_YEAR,
    PERCENT_FIELDS,
    _label_of,
    _needed_by,
    _rel,
    _set_label,
)
from ui.widgets import (
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
    set_problem_mark,
)

if TYPE_CHECKING:
    from ui.profile_form.form import ProfileForm


# The digits a yearly input shows at least (ui/profile_form/editors.py _build).
YEAR_INPUT_DIGITS = 7

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
            grid.setHorizontalSpacing(max(grid.horizontalSpacing(), 8))
            held = self._years_held()
            shown = self.form.shown_years()
            for column, year in enumerate(shown):
                slot = _Slot(_rel(self.spec.path, year), self._widget(), year)
                slot.widget.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
                # Room for a number of 7 digits at least: beside the first year's longer caption
                # (2024 年（上一年度）) the other years' inputs were squeezed to 20 pixels.
                digits = slot.widget.fontMetrics().horizontalAdvance("0" * YEAR_INPUT_DIGITS)
                slot.widget.setMinimumWidth(digits + 12)
                slot.caption = QLabel()
                slot.caption.setWordWrap(True)     # 2024 年（上一年度） on two lines where narrow
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
            w.set_value(value_at(self.subject.data, slot.parts))
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
            put_at(self.subject.data, slot.parts, w.value())
            return
        if w.raw_problem():
            raw[slot.key] = (w.kind, w.text())
            put_at(self.subject.data, slot.parts, None)
        else:
            raw.pop(slot.key, None)
            put_at(self.subject.data, slot.parts, w.value())

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
