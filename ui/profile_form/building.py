"""Building the form's fields: the company page and a project's page, from core.formspec, with
the values the form holds but would not otherwise ask grouped apart (其他已填写的项)."""
from __future__ import annotations

from collections.abc import Iterator

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QGroupBox,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from core.formspec import (
    COMPANY_IDENTITY,
    PROJECT_IDENTITY,
    FieldSpec,
    project_fields,
)
from core.i18n import _
from core.measures.facts import fact_registry
from core.measures.vocabulary import PROJECT_TYPES
from ui.profile_form.editors import _Editor, _Subject
from ui.profile_form.fields import (
    FIELDS_PER_STEP,
    MSG_CHOOSE_TYPE,
    MSG_CONDITIONS,
    MSG_IDENTITY,
    MSG_NO_PROJECT,
    MSG_OTHERS,
    MSG_PROJECT_ID,
    _field_spec,
)
from ui.widgets import (
    ItemTableEdit,
    KeyListEdit,
    cap_label_column,
    field_rows,
    run_steps,
)


class FormBuilding:
    """ProfileForm's page building (a mixin: the form holds the state)."""

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
        self.pageShown.emit()

    def _group(self, title: str, editors: list[_Editor]) -> QGroupBox:
        box = QGroupBox(title)
        form = field_rows(box)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        for editor in editors:
            form.addRow(editor.label, editor.body)
        return box

    @staticmethod
    def _align_labels(editors: list[_Editor]) -> None:
        """One label column for all groups of a page (ui.widgets.cap_label_column)."""
        cap_label_column([e.label for e in editors])
        for e in editors:
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
