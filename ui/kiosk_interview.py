"""The kiosk's guided, touch-first interview (core.interview decides what to ask; this shows it).

One question, or one small group, per screen, in large type: 基本信息 (name and credit code; the
district; the kind of entity) → 项目 (a list; adding one asks its type with big buttons, then its
name, then its district) → the deciding questions one per screen, each with why it is asked, 跳过 /
上一步 / 下一步 → 核对答案 (every answer; a tap changes it) → the visitor asks for the results
(``resultsRequested``). 上一步 is there at every step; at the first screen it asks the host to go
back to its start (``exitRequested``).

The widget works on callables from the host, not on a window: ``profile()`` and
``set_profile(dict)`` read and replace the visitor's profile, ``evaluate()`` returns the evaluation
of the profile as it is now (or None when the engine could not). So the kiosk's form or a shared
session can sit behind it. Each answer is checked with the profile's own rules
(core.interview.answer_problems) before it goes in; a problem is said in words under the input and
the visitor stays on the screen.

大字模式 (``set_large``): larger type, darker text, fewer choice buttons per page; ``clear()`` (the
host's wipe) leaves no visitor string in any widget and turns it off.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, NamedTuple

import shiboken6
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QScroller,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from core.engine.evaluate import Evaluation
from core.engine.text import fact_label
from core.i18n import N_, _, convert_policy_text, format_money
from core.interview import (
    STEP_TITLES,
    STEPS,
    Interview,
    Question,
    answer_of,
    answer_problems,
    answered,
    fact_spec,
    given_facts,
    with_answer,
    with_project,
    without_project,
)
from core.measures.facts import label_and_unit
from core.measures.labels import label_of
from ui import touch_inputs
from ui.interview_page import (
    MSG_ADD_PROJECT,
    MSG_ASKED_BY,
    MSG_ASKED_BY_MORE,
    MSG_AT_STAKE,
    MSG_BACK,
    MSG_COMPANY,
    MSG_NEXT,
    MSG_NO_PROJECTS,
    MSG_NONE_LEFT,
    MSG_PROJECT,
    MSG_REMAINING,
    MSG_REVIEW_EMPTY,
    MSG_SHOW_RESULTS,
    MSG_STEP,
)
from ui.language import follow_language
from ui.touch_inputs import MIN_TARGET, ChoiceGrid, TouchEditor, editor_for, shown_value

MSG_SKIP = N_("跳过")
MSG_NAME_HINT = N_("请填写企业名称（点输入框会出现屏幕键盘）。统一社会信用代码可以不填。")
MSG_DISTRICT_Q = N_("企业在深圳哪个区？")
MSG_ENTITY_Q = N_("企业属于哪类主体？")
MSG_PROJECTS_HINT = N_("企业有光伏、充电站、绿色建筑、节能改造等项目吗？点“添加项目”逐个添加；"
                       "没有项目可直接点“下一步”。")
MSG_TYPE_Q = N_("这是什么类型的项目？")
MSG_PNAME_Q = N_("项目叫什么名称？（可以不填）")
MSG_PDISTRICT_Q = N_("项目在哪个区？")
MSG_CHOOSE_TYPE = N_("请先点选一个项目类型。")
MSG_REMOVE = N_("删除")
MSG_CONFIRM_REMOVE = N_("确认删除")
MSG_UNNAMED = N_("未命名项目")
# TRANSLATORS: one project in the kiosk's list: its name, then its type
MSG_PROJECT_ROW = N_("{name}（{type}）")
MSG_REVIEW_HINT = N_("以下是您的全部回答。点一项可以修改；确认无误后点“查看结果”。")
MSG_EDIT_HINT = N_("修改后点“完成修改”回到核对页。")
MSG_DONE_EDIT = N_("完成修改")
MSG_LIST_NOTE = N_("如有此类记录，需要逐条填写，本机不便填写：可以跳过，或到服务台咨询。")
MSG_CANNOT_TOUCH = N_("此项需要逐条填写记录，本机不便填写，可以跳过，或到服务台咨询。")

STYLE = touch_inputs.STYLE + """
QPushButton { min-height: 56px; min-width: 48px; font-size: 22px; padding: 6px 20px; }
QPushButton#reviewItem { text-align: left; padding: 6px 16px; }
QLabel#ivProgress { font-size: 20px; color: #33413a; }
QLabel#ivSubject { font-size: 22px; color: #1e7b34; font-weight: bold; }
QLabel#ivQuestion { font-size: 30px; font-weight: bold; }
QLabel#ivNote { font-size: 18px; color: #33413a; }
QLabel#ivProblem { color: #b42318; font-size: 22px; font-weight: bold; }
"""
LARGE_STYLE = touch_inputs.LARGE_STYLE + """
QPushButton { min-height: 64px; font-size: 28px; }
QLabel#ivProgress { font-size: 26px; color: black; }
QLabel#ivSubject { font-size: 28px; color: #0b4d1c; }
QLabel#ivQuestion { font-size: 38px; color: black; }
QLabel#ivNote { font-size: 23px; color: black; }
QLabel#ivProblem { color: #8a1a12; font-size: 28px; }
"""

IDENTITY_SCREENS = ("name", "district", "entity")
PROJECT_SCREENS = ("projects", "ptype", "pname", "pdistrict")
STEP_OF = {**dict.fromkeys(IDENTITY_SCREENS, "identity"), **dict.fromkeys(PROJECT_SCREENS, "projects"),
           "question": "questions", "review": "review", "edit": "review"}
# Where 上一步 goes when there is no way back remembered (the visitor came from the results).
BEFORE = {"district": "name", "entity": "district", "projects": "entity", "ptype": "projects",
          "pname": "projects", "pdistrict": "projects", "question": "projects", "review": "projects",
          "edit": "review"}


class Screen(NamedTuple):
    kind: str                  # name district entity projects ptype pname pdistrict question review edit
    project_id: str | None = None
    question: Question | None = None
    fact: str | None = None            # the concrete fact asked (question, edit)


class Field(NamedTuple):
    project_id: str | None
    fact: str
    editor: TouchEditor
    problem: QLabel


def _label(text: str = "", name: str = "ivNote") -> QLabel:
    label = QLabel(text)
    label.setObjectName(name)
    label.setWordWrap(True)
    return label


def _button(text: str = "", name: str = "") -> QPushButton:
    button = QPushButton(text)
    if name:
        button.setObjectName(name)
    button.setMinimumSize(MIN_TARGET + 8, MIN_TARGET + 8)
    button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    return button


class KioskInterview(QWidget):
    resultsRequested = Signal()
    exitRequested = Signal()           # 上一步 at the first screen: back to the host's start

    def __init__(self, profile: Callable[[], dict], set_profile: Callable[[dict], None],
                 evaluate: Callable[[], Evaluation | None], measures: list[dict],
                 documents: dict[str, dict], today: dt.date | None = None, parent=None):
        super().__init__(parent)
        self.setObjectName("kioskInterview")
        self._profile, self._set_profile, self._evaluate = profile, set_profile, evaluate
        self.measures, self.documents = measures, documents
        self.today = today
        self.interview = Interview()
        self.evaluation: Evaluation | None = None
        self.large = False
        self.screen = Screen("name")
        self.history: list[Screen] = []
        self.fields: list[Field] = []
        self.removing: str | None = None            # the project whose 删除 was tapped once
        self.page: QWidget | None = None

        self.progress = _label(name="ivProgress")
        self.body = QVBoxLayout()
        self.body.setContentsMargins(0, 0, 0, 0)
        self.back_button = _button()
        self.skip_button = _button()
        self.next_button = _button(name="primary")
        self.back_button.clicked.connect(self.back)
        self.skip_button.clicked.connect(self.skip)
        self.next_button.clicked.connect(self.next)
        footer = QHBoxLayout()
        footer.setSpacing(24)
        footer.addWidget(self.back_button)
        footer.addStretch(1)
        footer.addWidget(self.skip_button)
        footer.addWidget(self.next_button)
        column = QVBoxLayout(self)
        column.setContentsMargins(24, 8, 24, 16)
        column.setSpacing(12)
        column.addWidget(self.progress)
        column.addLayout(self.body, 1)
        column.addLayout(footer)
        self.setStyleSheet(STYLE)
        follow_language(self, self.retranslate)
        self.render()

    # -- public API ------------------------------------------------------------------------------
    def restart(self) -> None:
        """A new visitor's walk from the first screen (the profile is the host's)."""
        self.interview = Interview()
        self.history = []
        self.removing = None
        self.screen = Screen("name")
        self.render()

    def clear(self) -> None:
        """Forget the visitor: the first screen, every input empty, the usual type size."""
        self.evaluation = None
        self.set_large(False)
        self.restart()
        for f in self.fields:
            f.editor.clear()
            f.problem.clear()
        self.progress.clear()
        self._update_frame()

    def set_large(self, on: bool) -> None:
        """大字模式: larger type and fewer choices per page (the screen is built again)."""
        if on == self.large:
            return
        self.large = on
        self.setStyleSheet(STYLE + (LARGE_STYLE if on else ""))
        self.render(keep_inputs=True)

    def open_review(self) -> None:
        """Back from the results (返回修改): the review of every answer."""
        self.history = []
        self._go(Screen("review"), remember=False)

    def open_field(self, fact: str, project_id: str | None = None) -> None:
        """The question of one fact (a result's missing information); 完成修改 leads to the review."""
        ids = {p.get("id") for p in self._profile().get("projects") or [] if isinstance(p, dict)}
        if project_id not in ids:
            project_id = None
        self.history = [Screen("review")]
        self._go(Screen("edit", project_id, None, fact), remember=False)

    def editors(self) -> list[TouchEditor]:
        return [f.editor for f in self.fields]

    # -- moving ----------------------------------------------------------------------------------
    def _go(self, screen: Screen, remember: bool = True) -> None:
        if remember:
            self.history.append(self.screen)
        self.screen = screen
        self.removing = None
        self.render()

    def back(self) -> None:
        if self.history:
            self.screen = self.history.pop()
            self.removing = None
            self.render()
        elif self.screen.kind in BEFORE:
            self._go(Screen(BEFORE[self.screen.kind]), remember=False)
        else:
            self.exitRequested.emit()

    def next(self) -> None:
        s = self.screen
        if s.kind == "review":
            self.resultsRequested.emit()
            return
        if s.kind == "ptype":
            s = self._commit_type()
            if s is None:
                return
        elif self.fields and not self._commit():
            return
        following = self._following(s)
        if s.kind == "edit":                 # the change is made: back to the review
            self.history = [h for h in self.history if h.kind != "review"]
            self._go(following, remember=False)
        elif s.kind == "pdistrict":          # the project is complete: its list, not its screens
            while self.history and self.history[-1].kind in ("ptype", "pname", "pdistrict"):
                self.history.pop()
            self._go(following, remember=False)
            self.history = [h for h in self.history if h.kind != "projects"]
        else:
            self.screen = s
            self._go(following)

    def skip(self) -> None:
        """跳过: this question is not asked again in this walk (it is not an answer)."""
        q = self.screen.question
        if self.screen.kind != "question" or q is None:
            return
        self.interview.skip([q])
        self._go(self._question_after())

    def _following(self, s: Screen) -> Screen:
        order = {"name": "district", "district": "entity", "entity": "projects"}
        if s.kind in order:
            return Screen(order[s.kind])
        if s.kind == "projects":
            return self._question_after()
        if s.kind == "ptype":
            return Screen("pname", s.project_id)
        if s.kind == "pname":
            return Screen("pdistrict", s.project_id)
        if s.kind == "pdistrict":
            return Screen("projects")
        if s.kind == "question" and s.question is not None:
            facts = s.question.facts
            at = facts.index(s.fact) if s.fact in facts else len(facts) - 1
            if at + 1 < len(facts):             # the next year of the same question
                return s._replace(fact=facts[at + 1])
            ev = self._fresh()
            if ev is not None and s.question.key in {q.key for q in self.interview.open_questions(ev)}:
                self.interview.skip([s.question])     # passed over: not asked again in this walk
            return self._question_after()
        return Screen("review")

    def _question_after(self) -> Screen:
        ev = self._fresh()
        open_ = self.interview.open_questions(ev) if ev is not None else []
        if not open_:
            return Screen("review")
        q = open_[0]
        profile = self._profile()
        fact = next((f for f in q.facts if answer_of(profile, q.project_id, f) is None), q.facts[0])
        return Screen("question", q.project_id, q, fact)

    def _fresh(self) -> Evaluation | None:
        self.evaluation = self._evaluate()
        return self.evaluation

    # -- answers ---------------------------------------------------------------------------------
    def _commit(self) -> bool:
        """Check every input of the screen with the profile's rules; write them all or none."""
        original = self._profile()
        profile = original
        ok = True
        for f in self.fields:
            value = f.editor.value()
            problems = answer_problems(profile, f.project_id, f.fact, value)
            f.problem.setText("\n".join(problems))
            f.problem.setVisible(bool(problems))
            if problems:
                ok = False
                continue
            if value is None and self.screen.kind == "question":
                continue                     # nothing entered: passed over, not erased
            profile = with_answer(profile, f.project_id, f.fact, value)
        if ok and profile != original:
            self._set_profile(profile)
            self._fresh()
        return ok

    def _commit_type(self) -> Screen | None:
        f = self.fields[0]
        kind = f.editor.value()
        if kind is None:
            f.problem.setText(_(MSG_CHOOSE_TYPE))
            f.problem.show()
            return None
        profile = self._profile()
        project_id = self.screen.project_id
        if project_id is None:
            profile, project_id = with_project(profile, kind)
        elif answer_of(profile, project_id, "project.type") != kind:
            profile = with_answer(profile, project_id, "project.type", kind)
        self._set_profile(profile)
        self._fresh()
        return self.screen._replace(project_id=project_id)

    def _remove_project(self, project_id: str) -> None:
        if self.removing != project_id:          # the first tap asks; the second removes
            self.removing = project_id
            self.render()
            return
        self.removing = None
        self._set_profile(without_project(self._profile(), project_id))
        self._fresh()
        self.render()

    # -- building screens ------------------------------------------------------------------------
    def render(self, keep_inputs: bool = False) -> None:
        kept = {(f.project_id, f.fact): f.editor.value() for f in self.fields} if keep_inputs else {}
        self.fields = []
        if self.page is not None and shiboken6.isValid(self.page):
            self.body.removeWidget(self.page)
            self.page.hide()
            self.page.setParent(None)            # out of reach at once, deleted soon after
            self.page.deleteLater()
        self.interview.step = STEP_OF[self.screen.kind]
        build = getattr(self, f"_build_{self.screen.kind}")
        self.page = QWidget()
        layout = QVBoxLayout(self.page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(12)
        build(layout)
        for f in self.fields:
            if (f.project_id, f.fact) in kept:
                f.editor.set_value(kept[(f.project_id, f.fact)])
        self.body.addWidget(self.page)
        self.page.show()            # at once: a layout would show it only after the next events
        self._update_frame()

    def _title(self, layout: QVBoxLayout, question: str, subject: str | None = None) -> None:
        if subject:
            layout.addWidget(_label(subject, "ivSubject"))
        layout.addWidget(_label(question, "ivQuestion"))

    def _field(self, layout: QVBoxLayout, project_id: str | None, fact: str,
               heading: bool = False) -> TouchEditor | None:
        spec = fact_spec(fact)
        if spec is None:
            return None
        label = fact_label(fact)
        unit = label_and_unit(spec.description)[1]
        generic = fact.split("[", 1)[0] if "[" in fact else fact
        path = spec.path if "[" not in fact else f"{generic}.{spec.path}"
        editor = editor_for(spec, path, label, unit, self.today)
        if editor is None:
            layout.addWidget(_label(_(MSG_CANNOT_TOUCH)))
            return None
        if heading:
            layout.addWidget(_label(convert_policy_text(fact_label(fact, with_unit=True)), "ivSubject"))
        if spec.kind == "list":             # by touch only "none"; records go in on the desktop
            layout.addWidget(_label(_(MSG_LIST_NOTE)))
        editor.set_large(self.large)
        editor.set_value(answer_of(self._profile(), project_id, fact))
        problem = _label(name="ivProblem")
        problem.hide()
        layout.addWidget(editor)
        layout.addWidget(problem)
        self.fields.append(Field(project_id, fact, editor, problem))
        return editor

    def _subject(self, project_id: str | None) -> str:
        if project_id is None:
            return _(MSG_COMPANY)
        project = next((p for p in self._profile().get("projects") or []
                        if isinstance(p, dict) and p.get("id") == project_id), {})
        return _(MSG_PROJECT).format(name=project.get("name") or _(MSG_UNNAMED))

    def _build_name(self, layout: QVBoxLayout) -> None:
        self._title(layout, _(MSG_NAME_HINT), _(MSG_COMPANY))
        for fact in ("company.name", "company.uscc"):
            self._field(layout, None, fact, heading=True)
        layout.addStretch(1)

    def _build_district(self, layout: QVBoxLayout) -> None:
        self._title(layout, _(MSG_DISTRICT_Q), _(MSG_COMPANY))
        self._field(layout, None, "company.district")
        layout.addStretch(1)

    def _build_entity(self, layout: QVBoxLayout) -> None:
        self._title(layout, _(MSG_ENTITY_Q), _(MSG_COMPANY))
        self._field(layout, None, "company.entity_type")
        layout.addStretch(1)

    def _scrolled(self, layout: QVBoxLayout) -> QVBoxLayout:
        """A swipeable list inside the screen (the projects, the review), the footer fixed."""
        inner = QWidget()
        column = QVBoxLayout(inner)
        column.setContentsMargins(0, 0, 12, 0)
        column.setSpacing(10)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(inner)
        QScroller.grabGesture(scroll.viewport(), QScroller.ScrollerGestureType.LeftMouseButtonGesture)
        layout.addWidget(scroll, 1)
        return column

    def _build_projects(self, layout: QVBoxLayout) -> None:
        layout.addWidget(_label(_(MSG_PROJECTS_HINT), "ivQuestion"))
        projects = [p for p in self._profile().get("projects") or [] if isinstance(p, dict)]
        self.add_button = _button(_(MSG_ADD_PROJECT), "primary")
        self.add_button.clicked.connect(lambda: self._go(Screen("ptype")))
        add_row = QHBoxLayout()
        add_row.addWidget(self.add_button)
        add_row.addStretch(1)
        layout.addLayout(add_row)
        rows = self._scrolled(layout)
        if not projects:
            rows.addWidget(_label(_(MSG_NO_PROJECTS)))
        self.project_buttons: dict[str, QPushButton] = {}
        self.remove_buttons: dict[str, QPushButton] = {}
        for project in projects:
            pid = project.get("id")
            kind = project.get("type")
            text = _(MSG_PROJECT_ROW).format(
                name=project.get("name") or _(MSG_UNNAMED),
                type=convert_policy_text(label_of(kind, "project.type")) if isinstance(kind, str) else "")
            change = _button(text, "reviewItem")
            change.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            change.clicked.connect(lambda _c=False, p=pid: self._go(Screen("ptype", p)))
            remove = _button(_(MSG_CONFIRM_REMOVE) if self.removing == pid else _(MSG_REMOVE), "finish")
            remove.clicked.connect(lambda _c=False, p=pid: self._remove_project(p))
            row = QHBoxLayout()
            row.addWidget(change, 1)
            row.addWidget(remove)
            rows.addLayout(row)
            self.project_buttons[pid] = change
            self.remove_buttons[pid] = remove
        rows.addStretch(1)

    def _build_ptype(self, layout: QVBoxLayout) -> None:
        self._title(layout, _(MSG_TYPE_Q), self._subject(self.screen.project_id)
                    if self.screen.project_id else None)
        if self.screen.project_id:
            self._field(layout, self.screen.project_id, "project.type")
        else:
            self._type_chooser(layout)
        layout.addStretch(1)

    def _type_chooser(self, layout: QVBoxLayout) -> None:
        """The type of a project not made yet: it is made when 下一步 confirms the type."""
        spec = fact_spec("project.type")
        assert spec is not None
        editor = ChoiceGrid(fact_label("project.type"), touch_inputs.choices_for(spec, "project.type"))
        editor.set_large(self.large)
        problem = _label(name="ivProblem")
        problem.hide()
        layout.addWidget(editor)
        layout.addWidget(problem)
        self.fields.append(Field(None, "project.type", editor, problem))

    def _build_pname(self, layout: QVBoxLayout) -> None:
        self._title(layout, _(MSG_PNAME_Q), self._subject(self.screen.project_id))
        self._field(layout, self.screen.project_id, "project.name")
        layout.addStretch(1)

    def _build_pdistrict(self, layout: QVBoxLayout) -> None:
        self._title(layout, _(MSG_PDISTRICT_Q), self._subject(self.screen.project_id))
        self._field(layout, self.screen.project_id, "project.district")
        layout.addStretch(1)

    def _build_question(self, layout: QVBoxLayout) -> None:
        s = self.screen
        q, fact = s.question, s.fact
        assert q is not None and fact is not None
        self._title(layout, convert_policy_text(fact_label(fact, with_unit=True)),
                    self._subject(s.project_id))
        clauses = "、".join(convert_policy_text(c) for c in q.asked_by[:2])
        why = (_(MSG_ASKED_BY).format(clauses=clauses) if len(q.asked_by) <= 2
               else _(MSG_ASKED_BY_MORE).format(clauses=clauses, n=len(q.asked_by)))
        if q.at_stake:
            why += "　" + _(MSG_AT_STAKE).format(amount=format_money(q.at_stake, unit="auto"))
        self.why = _label(why)
        layout.addWidget(self.why)
        self._field(layout, s.project_id, fact)
        layout.addStretch(1)

    def _build_edit(self, layout: QVBoxLayout) -> None:
        s = self.screen
        assert s.fact is not None
        self._title(layout, convert_policy_text(fact_label(s.fact, with_unit=True)),
                    self._subject(s.project_id))
        layout.addWidget(_label(_(MSG_EDIT_HINT)))
        self._field(layout, s.project_id, s.fact)
        layout.addStretch(1)

    def _build_review(self, layout: QVBoxLayout) -> None:
        layout.addWidget(_label(_(MSG_REVIEW_HINT), "ivQuestion"))
        rows = self._scrolled(layout)
        profile = self._profile()
        items = answered(profile, self.measures, self.documents)
        if not items:
            rows.addWidget(_label(_(MSG_REVIEW_EMPTY)))
        self.review_buttons: list[tuple[str | None, str, QPushButton]] = []
        subject: Any = object()
        for item in items:
            if item.project_id != subject:
                subject = item.project_id
                rows.addWidget(_label(self._subject(subject), "ivSubject"))
            for fact in given_facts(profile, item.project_id, item.path):
                spec = fact_spec(fact)
                value = answer_of(profile, item.project_id, fact)
                unit = label_and_unit(spec.description)[1] if spec else None
                shown = shown_value(spec, item.path, value, unit)
                text = f"{convert_policy_text(fact_label(fact))}：{shown}"
                if spec is not None and spec.kind == "list" and value:
                    rows.addWidget(_label(text))     # records are changed on the desktop form
                    continue
                button = _button(text, "reviewItem")
                button.clicked.connect(lambda _c=False, p=item.project_id, f=fact:
                                       self._go(Screen("edit", p, None, f)))
                rows.addWidget(button)
                self.review_buttons.append((item.project_id, fact, button))
        rows.addStretch(1)

    # -- texts -----------------------------------------------------------------------------------
    def remaining(self) -> int | None:
        ev = self.evaluation
        return None if ev is None else self.interview.remaining(ev)

    def _update_frame(self) -> None:
        step = self.interview.step
        line = _(MSG_STEP).format(n=self.interview.step_number, total=len(STEPS), title=_(STEP_TITLES[step]))
        left = self.remaining()
        if left is not None:
            line += "　·　" + (_(MSG_REMAINING).format(n=left) if left else _(MSG_NONE_LEFT))
        self.progress.setText(line)
        kind = self.screen.kind
        self.back_button.setText("‹ " + _(MSG_BACK))
        self.skip_button.setText(_(MSG_SKIP))
        self.skip_button.setVisible(kind == "question")
        following = {"review": _(MSG_SHOW_RESULTS) + " ›", "edit": _(MSG_DONE_EDIT)}
        self.next_button.setText(following.get(kind, _(MSG_NEXT) + " ›"))

    def retranslate(self) -> None:
        self.render(keep_inputs=True)
