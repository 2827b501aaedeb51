"""The form's problem marks and finding a field: validation after each edit, the marks under
fields and on the project list, and jumping to a field named by a path."""
from __future__ import annotations

import re
from collections import defaultdict

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QScrollArea,
    QWidget,
)

from core.formspec import field_for_missing
from core.i18n import _, convert_policy_text
from core.profile import Problem, validate_profile
from ui.profile_form.editors import _Editor, _Subject
from ui.profile_form.fields import (
    _PROJECT_PATH,
    MSG_INPUT_PROBLEM,
    _field_spec,
    _label_of,
    _set_label,
    _show_message,
)
from ui.widgets import (
    MSG_ROW_FIELD,
    ItemTableEdit,
    problem_for,
)


class FieldMarks:
    """ProfileForm's marks and field finding (a mixin: the form holds the state)."""

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

    def _validate(self) -> None:
        self.show_problems(validate_profile(self.profile()))

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
