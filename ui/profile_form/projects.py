"""The form's project list: adding, copying, removing and choosing projects."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QListWidgetItem,
    QMessageBox,
)

from core.i18n import _, convert_policy_text
from core.interview import new_project_id
from core.measures.vocabulary import PROJECT_TYPES
from ui.profile_form.editors import _Subject
from ui.profile_form.fields import (
    MSG_CONFIRM_DELETE,
    MSG_CONFIRM_DELETE_TITLE,
    MSG_COPY_SUFFIX,
    MSG_NEEDS_FIX,
    MSG_NO_TYPE,
    MSG_PROJECT_ID,
    MSG_PROJECTS_TAB,
    MSG_UNNAMED,
)


class ProjectList:
    """ProfileForm's project list (a mixin: the form holds the state)."""

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
        return new_project_id({"projects": [s.data for s in self._projects]})   # one rule, the core's

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
