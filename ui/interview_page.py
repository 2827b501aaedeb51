"""The guided interview pane of the desktop window (core.interview decides; this shows it).

Five steps: 基本信息 → 项目 → 申报条件问答 → 核对答案 → 结果与清单. The questions come from the
evaluation of the profile as it stands (the unanswered facts that decide the most open supports
first); their inputs are the profile form's own editors (``ProfileForm.shared_editor``), so the guided
pane and the full form edit one profile and each shows the other's edits at once. A page is built
when the user arrives on it and is never rebuilt under their typing: re-evaluation only updates the
progress line; 下一步 moves on.
"""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from core.engine.evaluate import ELIGIBLE, NEEDS_INFO, Evaluation
from core.i18n import N_, _, convert_policy_text, format_money
from core.interview import (
    IDENTITY_FIELDS,
    PROJECT_FIELDS,
    STEP_TITLES,
    STEPS,
    Interview,
    Question,
    answered,
)
from ui.language import follow_language
from ui.widgets import ItemTableEdit, KeyListEdit, cap_label_column, field_rows, later, width_short

MSG_STEP = N_("第 {n} 步，共 {total} 步：{title}")
# TRANSLATORS: {n} is an estimate: answers can open or close further questions
MSG_REMAINING = N_("还需回答约 {n} 个问题")
MSG_NONE_LEFT = N_("没有待回答的问题了")
MSG_IDENTITY_HINT = N_("先说明企业是谁：所在区和主体类型决定适用哪些区级、市级措施。")
MSG_PROJECTS_HINT = N_("企业有光伏、充电站、绿色建筑、节能改造等项目吗？逐个添加，再选择项目类型；"
                       "没有项目可直接点“下一步”。")
MSG_QUESTIONS_HINT = N_("下面是决定最多措施的问题。不知道的可以跳过，之后在“核对答案”或完整表单中补充。")
MSG_NO_QUESTIONS = N_("所有措施需要的信息都已回答或跳过。点“下一步”核对答案。")
MSG_REVIEW_HINT = N_("以下是已回答的全部信息，可直接修改。确认无误后点“下一步”查看结果。")
MSG_REVIEW_EMPTY = N_("还没有回答任何信息。")
# TRANSLATORS: {n} questions were skipped during the interview
MSG_SKIPPED = N_("跳过了 {n} 个问题。")
MSG_ANSWER_SKIPPED = N_("回答跳过的问题")
MSG_COMPANY = N_("企业")
# TRANSLATORS: {name} is the project's name as typed
MSG_PROJECT = N_("项目：{name}")
MSG_PROJECT_N = N_("项目 {n}")
MSG_ADD_PROJECT = N_("添加项目")
MSG_REMOVE_PROJECT = N_("删除此项目")
MSG_NO_PROJECTS = N_("还没有项目。")
# TRANSLATORS: {clauses} names one or two policy clauses; {n} how many clauses in all
MSG_ASKED_BY = N_("为什么问：{clauses} 需要此项")
MSG_ASKED_BY_MORE = N_("为什么问：{clauses} 等 {n} 条措施需要此项")
# TRANSLATORS: {amount} is the most the supports waiting on this answer could pay together
MSG_AT_STAKE = N_("涉及的措施合计最高约 {amount}")
MSG_SKIP_ONE = N_("跳过此题")
MSG_BACK = N_("上一步")
MSG_NEXT = N_("下一步")
MSG_SKIP_PAGE = N_("跳过这些问题")
MSG_TO_REVIEW = N_("核对答案")
MSG_SHOW_RESULTS = N_("查看结果")
MSG_RESULTS_SUMMARY = N_("可申请 {eligible} 项，推荐组合已知最高额合计 {total}；需补充信息 {needs} 项。")
MSG_RESULTS_HINT = N_("右侧列出每项措施的结论和逐条理由。“可申请”表示该措施写明的每个条件都已按您填写的"
                      "信息核对并符合；评审制措施还须经评审。")
MSG_PRINT = N_("申请材料清单（预览、导出、打印）…")
MSG_MORE_QUESTIONS = N_("继续回答问题（还有约 {n} 个）")
MSG_FULL_FORM = N_("改用完整表单")


def _note(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setProperty("role", "note")
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class InterviewPage(QWidget):
    """The guided interview over a ProfileForm's profile. ``evaluate()`` must return the
    evaluation of the profile as it is now (the window evaluates on demand)."""
    printRequested = Signal()
    resultsRequested = Signal()
    fullFormRequested = Signal()
    stepShown = Signal()          # a step's page is in place (the main window fits its pane)

    def __init__(self, form, evaluate: Callable[[], Evaluation], parent=None):
        super().__init__(parent)
        self.form = form
        self._evaluate = evaluate
        self.interview = Interview()
        self.evaluation: Evaluation | None = None
        self.editors: list = []
        self.shown_questions: list[Question] = []

        self.step_label = QLabel()
        self.step_label.setWordWrap(True)
        font = self.step_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        font.setBold(True)
        self.step_label.setFont(font)
        self.progress_label = QLabel()
        self.progress_label.setWordWrap(True)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)     # Tab goes to the inputs inside it
        self.back_button = QPushButton()
        self.skip_button = QPushButton()
        self.next_button = QPushButton()
        self.next_button.setDefault(True)
        self.back_button.clicked.connect(self.back)
        self.skip_button.clicked.connect(self.skip_page)
        self.next_button.clicked.connect(self.forward)
        buttons = QHBoxLayout()
        buttons.addWidget(self.back_button)
        buttons.addStretch(1)
        buttons.addWidget(self.skip_button)
        buttons.addWidget(self.next_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.step_label)
        layout.addWidget(self.progress_label)
        layout.addWidget(self.scroll, 1)
        layout.addLayout(buttons)
        follow_language(self, self.retranslate)
        form.replaced.connect(lambda: self.show_step() if self.scroll.widget() is not None else None)
        self._retranslate_frame()
        later(self.show_step)          # the inputs are the form's: after the window's first paint

    # -- public API ------------------------------------------------------------------------------
    def reset(self) -> None:
        """Another profile (new or opened): start again from the first step."""
        self.interview = Interview()
        self.show_step()

    def set_evaluation(self, ev: Evaluation | None) -> None:
        """The profile was re-evaluated: the progress line follows (the page stays as it is)."""
        self.evaluation = ev
        self._update_progress()
        if self.interview.step == "results":
            self.show_step(fresh=False)         # the summary follows (this is the fresh evaluation)

    def go(self, step: str) -> None:
        self.interview.go(step)
        self.show_step()

    def forward(self) -> None:
        step = self.interview.step
        if step == "questions":
            ev = self._fresh()
            # 下一步 over unanswered questions passes them: they are not asked again in this walk
            still = {q.key for q in self.interview.open_questions(ev)}
            self.interview.skip(q for q in self.shown_questions if q.key in still)
            if self.interview.next_questions(ev):
                self.show_step()                 # the next few questions
                return
        if step != STEPS[-1]:
            self.interview.forward()
        self.show_step()

    def back(self) -> None:
        self.interview.back()
        self.show_step()

    def skip_page(self) -> None:
        self.interview.skip(self.shown_questions)
        self._fresh()
        self.show_step()

    def skip_question(self, question: Question) -> None:
        self.interview.skip([question])
        self._fresh()
        self.show_step()

    def tab_sequence(self) -> list[QWidget]:
        """The pane's Tab stops in screen order: the page's inputs and buttons top to bottom and
        left to right, then 上一步 / 跳过这些问题 / 下一步 (the window's Tab follows this list)."""
        page = self.scroll.widget()
        if page is None:
            return [self.back_button, self.skip_button, self.next_button]
        widgets = [w for e in self.editors if e.alive for w in e.focus_widgets() if page.isAncestorOf(w)]
        widgets += page.findChildren(QPushButton)

        def place(w: QWidget) -> tuple[int, int]:
            at = w.mapTo(page, QPoint(0, 0))
            return (at.y(), at.x())
        return sorted(widgets, key=place) + [self.back_button, self.skip_button, self.next_button]

    # -- building pages --------------------------------------------------------------------------
    def _fresh(self) -> Evaluation:
        self.evaluation = self._evaluate()
        return self.evaluation

    def _release(self) -> None:
        self.form.release_editors(self.editors)
        self.editors = []

    def width_short(self) -> int:
        """How many pixels the shown step's fields lack to fit the width they have."""
        return width_short(self.scroll)

    def show_step(self, fresh: bool = True) -> None:
        self._release()
        self.shown_questions = []
        step = self.interview.step
        build = {"identity": self._identity_page, "projects": self._projects_page,
                 "questions": self._questions_page, "review": self._review_page,
                 "results": self._results_page}[step]
        if fresh and step in ("questions", "results"):
            self._fresh()                       # what is asked follows every answer given so far
        page = build()
        old = self.scroll.takeWidget()
        if old is not None:
            old.hide()
            old.deleteLater()
        self.scroll.setWidget(page)
        cap_label_column([e.label for e in self.editors])
        self._retranslate_frame()
        self.stepShown.emit()
        first = next((w for e in self.editors for w in e.focus_widgets()), None)
        if first is not None:
            first.setFocus(Qt.FocusReason.OtherFocusReason)

    def _editor_rows(self, box_layout: QFormLayout, paths, project_id: str | None) -> None:
        for path in paths:
            editor = self.form.shared_editor(path, project_id)
            if editor is None:
                continue
            self.editors.append(editor)
            if isinstance(editor.slots[0].widget, (ItemTableEdit, KeyListEdit)):
                # A table or a list of choices takes the box's whole width, its question above
                # it: beside the question a table of four columns was squeezed to 200 pixels.
                box_layout.addRow(editor.label)
                box_layout.addRow(editor.body)
            else:
                box_layout.addRow(editor.label, editor.body)

    @staticmethod
    def _form_layout(box: QWidget) -> QFormLayout:
        return field_rows(box)

    def _page(self, hint: str) -> tuple[QWidget, QVBoxLayout]:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(_note(hint))
        return page, layout

    def _identity_page(self) -> QWidget:
        page, layout = self._page(_(MSG_IDENTITY_HINT))
        box = QGroupBox(_(MSG_COMPANY))
        self._editor_rows(self._form_layout(box), IDENTITY_FIELDS, None)
        layout.addWidget(box)
        layout.addStretch(1)
        return page

    def _projects_page(self) -> QWidget:
        page, layout = self._page(_(MSG_PROJECTS_HINT))
        ids = self.form.project_ids()
        if not ids:
            layout.addWidget(QLabel(_(MSG_NO_PROJECTS)))
        for n, project_id in enumerate(ids, 1):
            box = QGroupBox(_(MSG_PROJECT_N).format(n=n))
            form = self._form_layout(box)
            self._editor_rows(form, PROJECT_FIELDS, project_id)
            remove = QPushButton(_(MSG_REMOVE_PROJECT))
            remove.clicked.connect(lambda _c=False, pid=project_id: self._remove_project(pid))
            row = QHBoxLayout()
            row.addStretch(1)
            row.addWidget(remove)
            form.addRow(row)
            layout.addWidget(box)
        self.add_button = QPushButton(_(MSG_ADD_PROJECT))
        self.add_button.clicked.connect(self._add_project)
        add_row = QHBoxLayout()
        add_row.addWidget(self.add_button)
        add_row.addStretch(1)
        layout.addLayout(add_row)
        layout.addStretch(1)
        return page

    def _add_project(self) -> None:
        new_id = self.form.add_project(show=False)
        self.show_step()
        # the new project's type is the first thing to say about it
        editor = next((e for e in reversed(self.editors) if e.spec.path == "project.type"
                       and e.subject.data.get("id") == new_id), None)
        if editor is not None:
            editor.slots[0].widget.setFocus(Qt.FocusReason.OtherFocusReason)
            self.scroll.ensureWidgetVisible(editor.body)

    def _remove_project(self, project_id: str) -> None:
        if self.form.remove_project_id(project_id):
            self.show_step()

    def _subject_title(self, project_id: str | None) -> str:
        if project_id is None:
            return _(MSG_COMPANY)
        return _(MSG_PROJECT).format(name=self.form.project_name(project_id))

    def _questions_page(self) -> QWidget:
        ev = self.evaluation
        self.shown_questions = self.interview.next_questions(ev) if ev is not None else []
        page, layout = self._page(_(MSG_QUESTIONS_HINT) if self.shown_questions else _(MSG_NO_QUESTIONS))
        for q in self.shown_questions:
            box = QGroupBox(self._subject_title(q.project_id))
            form = self._form_layout(box)
            before = len(self.editors)
            self._editor_rows(form, [q.path], q.project_id)
            if len(self.editors) == before:          # not a field the form can edit: say it plainly
                form.addRow(QLabel(convert_policy_text(q.label)))
            for editor in self.editors[before:]:
                editor.note.hide()                   # the form's "…需要此项": said below, by title
            clauses = "、".join(convert_policy_text(c) for c in q.asked_by[:2])
            why = (_(MSG_ASKED_BY).format(clauses=clauses) if len(q.asked_by) <= 2
                   else _(MSG_ASKED_BY_MORE).format(clauses=clauses, n=len(q.asked_by)))
            form.addRow(_note(why))
            if q.at_stake:
                form.addRow(_note(_(MSG_AT_STAKE).format(amount=format_money(q.at_stake, unit="auto"))))
            skip = QPushButton(_(MSG_SKIP_ONE))
            skip.clicked.connect(lambda _c=False, question=q: self.skip_question(question))
            row = QHBoxLayout()
            row.addStretch(1)
            row.addWidget(skip)
            form.addRow(row)
            layout.addWidget(box)
        layout.addStretch(1)
        return page

    def _review_page(self) -> QWidget:
        page, layout = self._page(_(MSG_REVIEW_HINT))
        profile = self.form.profile()
        engine_measures, documents = self.form.measures_and_documents()
        items = answered(profile, engine_measures, documents)
        if not items:
            layout.addWidget(QLabel(_(MSG_REVIEW_EMPTY)))
        subjects: list[str | None] = list(dict.fromkeys(a.project_id for a in items))
        for project_id in subjects:
            box = QGroupBox(self._subject_title(project_id))
            self._editor_rows(self._form_layout(box), [a.path for a in items if a.project_id == project_id],
                              project_id)
            layout.addWidget(box)
        if self.interview.skipped:
            row = QHBoxLayout()
            row.addWidget(_note(_(MSG_SKIPPED).format(n=len(self.interview.skipped))))
            again = QPushButton(_(MSG_ANSWER_SKIPPED))
            again.clicked.connect(self._answer_skipped)
            row.addWidget(again)
            row.addStretch(1)
            layout.addLayout(row)
        layout.addStretch(1)
        return page

    def _answer_skipped(self) -> None:
        self.interview.reset_skipped()
        self._fresh()
        self.go("questions")

    def _results_page(self) -> QWidget:
        page, layout = self._page(_(MSG_RESULTS_HINT))
        ev = self.evaluation
        if ev is not None:
            eligible = sum(r.status == ELIGIBLE for r in ev.results)
            needs = sum(r.status == NEEDS_INFO for r in ev.results)
            summary = QLabel(_(MSG_RESULTS_SUMMARY).format(
                eligible=eligible, needs=needs, total=format_money(ev.plan.total_max, unit="auto")))
            summary.setWordWrap(True)
            layout.addWidget(summary)
        buttons = [(_(MSG_SHOW_RESULTS), self.resultsRequested.emit),
                   (_(MSG_PRINT), self.printRequested.emit)]
        left = self.interview.remaining(ev) if ev is not None else 0
        if left:
            buttons.append((_(MSG_MORE_QUESTIONS).format(n=left), lambda: self.go("questions")))
        buttons.append((_(MSG_FULL_FORM), self.fullFormRequested.emit))
        self.result_buttons = []
        for text, slot in buttons:
            button = QPushButton(text)
            button.clicked.connect(lambda _c=False, s=slot: s())
            row = QHBoxLayout()
            row.addWidget(button)
            row.addStretch(1)
            layout.addLayout(row)
            self.result_buttons.append(button)
        layout.addStretch(1)
        return page

    # -- texts -----------------------------------------------------------------------------------
    def _update_progress(self) -> None:
        ev = self.evaluation
        if ev is None:
            self.progress_label.setText("")
            return
        left = self.interview.remaining(ev)
        self.progress_label.setText(_(MSG_REMAINING).format(n=left) if left else _(MSG_NONE_LEFT))

    def _retranslate_frame(self) -> None:
        step = self.interview.step
        self.step_label.setText(_(MSG_STEP).format(n=self.interview.step_number, total=len(STEPS),
                                                   title=_(STEP_TITLES[step])))
        self.back_button.setText(_(MSG_BACK))
        self.back_button.setEnabled(step != STEPS[0])
        self.skip_button.setText(_(MSG_SKIP_PAGE))
        self.skip_button.setVisible(step == "questions" and bool(self.shown_questions))
        following = {"questions": _(MSG_NEXT) if self.shown_questions else _(MSG_TO_REVIEW),
                     "review": _(MSG_SHOW_RESULTS)}
        self.next_button.setText(following.get(step, _(MSG_NEXT)))
        self.next_button.setVisible(step != STEPS[-1])
        self._update_progress()

    def retranslate(self) -> None:
        self.show_step()
