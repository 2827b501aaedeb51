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
from collections.abc import Generator, Iterator

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from core.formspec import (
    FieldSpec,
    company_fields,
)
from core.i18n import _
from core.profile import PROFILE_FORMAT, Problem
from ui.first_paint import BuildInSteps
from ui.language import follow_language
from ui.profile_form.building import FormBuilding
from ui.profile_form.editors import _Editor, _Slot, _Subject
from ui.profile_form.fields import (
    MONEY_UNITS,
    MSG_ADD_PROJECT,
    MSG_COMPANY_TAB,
    MSG_DUPLICATE_PROJECT,
    MSG_PROJECTS,
    MSG_REMOVE_PROJECT,
    STYLE,
    YEARS_SHOWN,
    _field_spec,
)
from ui.profile_form.marks import FieldMarks
from ui.profile_form.projects import ProjectList
from ui.widgets import (
    ItemTableEdit,
    later,
    run_steps,
    width_short,
)

# The project list's width beside a project's fields, in characters (its titles, 添加项目).
PROJECT_LIST_EM = 10


class ProfileForm(ProjectList, FormBuilding, FieldMarks, QWidget):
    """The company and its projects, edited as an interview; see the module docstring.

    API: ``set_profile(dict)``, ``profile() -> dict``, ``set_as_of(date)``,
    ``set_money_unit("wan"|"yuan")``, ``show_problems(problems)``, ``focus_path(path, project_id)``,
    ``input_problems()``, ``field_widget(path, project_id)``; signal ``changed()`` after each edit.
    """
    changed = Signal()
    replaced = Signal()          # set_profile: another profile (editors shared with a view are gone)
    pageShown = Signal()         # another page or another set of fields is in place (fit the pane)

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
        self._build = BuildInSteps()           # the steps left of build_steps
        self._shared_editors: list[_Editor] = []   # made for another view (the guided interview)

        self.tabs = QTabWidget(self)
        self.tabs.currentChanged.connect(lambda _index: self.pageShown.emit())
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
        self.pageShown.connect(self.place_project_list)
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

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        self.place_project_list()

    def _width_for_projects_beside(self) -> int:
        """The form's width that a project's fields need beside the project list."""
        em = self.fontMetrics().horizontalAdvance("中")
        fields = self.project_scroll.widget().minimumSizeHint().width()
        # what the tab's frame and the scroll area's bar take, as laid out now (at least 2 em)
        frames = max(2 * em, self.width() - self.project_splitter.width()
                     + self.project_scroll.width() - self.project_scroll.viewport().width())
        return self._project_list_width() + self.project_splitter.handleWidth() + fields + frames

    def _project_list_width(self) -> int:
        """The project list's width beside the fields: PROJECT_LIST_EM characters, or what its
        buttons need."""
        em = self.fontMetrics().horizontalAdvance("中")
        return max(em * PROJECT_LIST_EM, self.project_splitter.widget(0).minimumSizeHint().width())

    def place_project_list(self) -> None:
        """The project list beside a project's fields where both fit, above them where they do
        not: on a 1366×768 laptop at 150% the list took a third of the pane and the fields
        scrolled sideways. Decided from the form's own width, so the choice does not flip-flop."""
        beside = self.width() >= self._width_for_projects_beside()
        wanted = Qt.Orientation.Horizontal if beside else Qt.Orientation.Vertical
        if self.project_splitter.orientation() == wanted:
            return
        self.project_splitter.setOrientation(wanted)
        em = self.fontMetrics().horizontalAdvance("中")
        if beside:
            self.project_splitter.setSizes([self._project_list_width(), max(em * 30, self.width())])
        else:                                       # a few rows of the list, the fields below
            self.project_splitter.setSizes([em * 8, max(em * 20, self.height())])

    def width_short(self) -> int:
        """How many pixels the shown page lacks: the company's fields to fit the width they
        have, or a project's fields to fit beside the project list (place_project_list puts the
        list above them when the main window cannot give that much)."""
        if self.tabs.currentWidget() is self.company_scroll:
            return width_short(self.company_scroll)
        return max(0, self._width_for_projects_beside() - self.width())

    def ensure_built(self) -> None:
        """Build the fields for the profile held, at once: also what is left of build_steps
        (nothing when called from a step of that build: it is under way)."""
        if not self._build.running:
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
            self._build.start(self._show_profile_steps())
        yield from self._build.turns()

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
        self._build.run(self._show_profile_steps())   # a build in steps under way is superseded

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
