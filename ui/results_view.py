"""The live results panel of the main window: the results tree, the selected result's detail, the
recommended plan, and a one-line summary on top.

The panel only shows what core.engine decided (statuses, reasons, amounts, the plan); it decides
nothing. It asks the main window for two things through signals:

- ``missingFieldRequested(path, project_id)``: the user clicked a missing fact (or pressed Enter on
  a result that needs information): jump to that field of the profile form;
- ``measureRequested(measure_id)``: the user wants the measure's full text (the browser).

Selection, expanded groups and the scroll position survive a new evaluation (keyed by
``(measure_id, project_id)`` and the group key), so the panel can follow every keystroke.
Policy text is converted to the UI's script; project names stay as the user typed them.
"""
from __future__ import annotations

import html
import re
from decimal import Decimal

import shiboken6
from PySide6.QtCore import QEvent, QItemSelectionModel, QModelIndex, Qt, QUrl, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QSplitter,
    QTabWidget,
    QTextBrowser,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from core.engine.evaluate import ELIGIBLE, INELIGIBLE, NEEDS_INFO, NOT_IN_FORCE, Evaluation, MeasureResult
from core.engine.report import STATEMENTS_TITLE, STATUS_TITLES
from core.engine.stacking import gives_support
from core.i18n import _, format_amount_range, format_date, format_money, on_language_changed
from ui.results_model import (
    COL_AMOUNT,
    COL_PROJECT,
    COL_TITLE,
    COLLAPSED_BY_DEFAULT,
    GROUP_KEYS,
    GROUP_TITLES,
    KEY_ROLE,
    RESULT_ROLE,
    STATEMENT,
    ResultsModel,
    amount_text,
    missing_label,
    policy_text,
    project_label,
    result_citation,
    result_title,
    validity_text,
)
from ui.widgets import later

# Marks are text first and colour second, so they read in grey-scale print and for colour-blind
# users: ✓ met, ✗ not met, ? unknown.
MARKS = {True: ("✓", "#1e7b34"), False: ("✗", "#b42318"), None: ("?", "#8a5a00")}
STATUS_MARKS = {ELIGIBLE: MARKS[True], NEEDS_INFO: MARKS[None], INELIGIBLE: MARKS[False],
                NOT_IN_FORCE: ("–", "#5f6368")}
MUTED = "#5f6368"
# select a result as the user would: the whole row, and nothing else
SELECT_ROW = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
# Below this many CJK characters of width the panel stacks the tree above the detail.
STACK_BELOW_CHARS = 80     # the tree needs about 42 (title, project, amount, notes), the detail 30+


def _e(text) -> str:
    return html.escape(str(text), quote=True)


class _Links:
    """The anchors of one rendered page: ``link:N`` → an action, rebuilt with every render."""

    def __init__(self):
        self.actions: list[tuple] = []

    def clear(self) -> None:
        self.actions = []

    def add(self, text: str, *action, quiet: bool = False) -> str:
        """An anchor for ``action``; ``quiet`` ones (titles in lists) are not underlined."""
        self.actions.append(action)
        style = " style='text-decoration:none'" if quiet else ""
        return f'<a href="link:{len(self.actions) - 1}"{style}>{_e(text)}</a>'

    def get(self, url: QUrl) -> tuple | None:
        if url.scheme() != "link":
            return None
        try:
            return self.actions[int(url.path())]
        except (ValueError, IndexError):
            return None


class ResultsView(QWidget):
    missingFieldRequested = Signal(str, object)   # fact path, project id (None for the company)
    measureRequested = Signal(str)                # measure id

    def __init__(self, parent=None, money_unit: str = "wan", touch: bool = False):
        super().__init__(parent)
        self.touch = touch          # the kiosk: no hint names a key
        self.model = ResultsModel(self)
        self.model.set_evaluation(None, money_unit)
        self._expanded: dict[str, bool] = {}       # group key -> expanded, as the user left it
        self._current_key = None                    # (measure_id, project_id) or ("group", key)
        self._restoring = False
        self._detail_links = _Links()
        self._plan_links = _Links()
        self._ready = False        # False: an evaluation is held until ensure_built (see there)
        self._held: tuple = ()     # (evaluation,) held until then

        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.tree = QTreeView()
        self.tree.setModel(self.model)
        self.tree.setUniformRowHeights(True)
        self.tree.setAllColumnsShowFocus(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.setExpandsOnDoubleClick(False)    # activation toggles groups (keyboard too)
        header = self.tree.header()
        # Project and amount always show whole (fitted to their texts; an amount is never cut);
        # the title takes the room left (a full title is in the tooltip and the detail) and the
        # notes about 14 characters, elided, whole in their tooltip. So at 1366×768 or 150% no
        # column is pushed out of sight. Widths follow the font.
        header.setStretchLastSection(True)
        header.setSectionResizeMode(COL_TITLE, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(COL_TITLE, self.fontMetrics().horizontalAdvance("中") * 16)
        self.tree.viewport().installEventFilter(self)      # the title's share follows the width
        # Project and amount are fitted to their contents once per update (_fit_columns), not
        # with ResizeToContents, which measures every row again at each expand and collapse.

        self.detail = QTextBrowser()
        self.plan = QTextBrowser()
        for browser in (self.detail, self.plan):
            browser.setOpenLinks(False)
            browser.setOpenExternalLinks(False)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.detail, "")
        self.tabs.addTab(self.plan, "")

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.tree)
        self.splitter.addWidget(self.tabs)
        self.splitter.setStretchFactor(0, 5)
        self.splitter.setStretchFactor(1, 4)

        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.splitter, 1)

        # Keyboard: the tree first, then the detail and the plan.
        self.setFocusProxy(self.tree)
        QWidget.setTabOrder(self.tree, self.tabs)
        QWidget.setTabOrder(self.tabs, self.detail)
        QWidget.setTabOrder(self.detail, self.plan)

        self.tree.selectionModel().currentChanged.connect(self._current_changed)
        self.tree.activated.connect(self._activated)
        self.tree.expanded.connect(lambda index: self._remember_expanded(index, True))
        self.tree.collapsed.connect(lambda index: self._remember_expanded(index, False))
        self.detail.anchorClicked.connect(lambda url: self._follow(self._detail_links, url))
        self.plan.anchorClicked.connect(lambda url: self._follow(self._plan_links, url))

        on_language_changed(self._language_changed)
        self.retranslate()
        later(self.ensure_built)

    def ensure_built(self) -> None:
        """Show the evaluation held so far. Until this runs (at once, or after the window's first
        paint when the window is started with ui.widgets.first_paint_first), set_evaluation only
        holds its evaluation: filling the tree and rendering the pages are the costly part."""
        if self._ready:
            return
        self._ready = True
        if self._held:
            self.set_evaluation(self._held[0])
            self._held = ()

    # -- public API ----------------------------------------------------------------------------
    @property
    def evaluation(self) -> Evaluation | None:
        """The evaluation shown (None while one is held, see ensure_built)."""
        return self.model.evaluation

    @property
    def money_unit(self) -> str:
        return self.model.money_unit

    def set_evaluation(self, ev: Evaluation | None) -> None:
        """Show a new evaluation, keeping the selection, the expanded groups and the scroll."""
        if not self._ready:
            self._held = (ev,)
            return
        key = self._current_key
        scroll = self.tree.verticalScrollBar().value()
        self._restoring = True
        try:
            self.model.set_evaluation(ev)
            self._restore_groups()
            self._fit_columns()
            index = self._index_for_key(key)
            if index.isValid():
                self.tree.selectionModel().setCurrentIndex(index, SELECT_ROW)
            self.tree.verticalScrollBar().setValue(scroll)
            if index.isValid():
                self.tree.scrollTo(index, QAbstractItemView.ScrollHint.EnsureVisible)
        finally:
            self._restoring = False
        self._current_key = key if self._index_for_key(key).isValid() else None
        self._render_all()

    def set_expiring_days(self, days: int) -> None:
        """The 即将到期 window in days (the setting ``expiring_days``)."""
        self.model.set_expiring_days(days)
        if self._ready:          # a held evaluation is shown with the new window when built
            self.set_evaluation(self.evaluation)

    def set_money_unit(self, unit: str) -> None:
        self.model.set_money_unit(unit)
        if self._ready:
            self._fit_columns()
            self._render_all()

    def select(self, measure_id: str, project_id: str | None = None) -> bool:
        """Select a result in the tree (expanding its group); False when it is not shown."""
        self.ensure_built()
        index = self.model.index_for(measure_id, project_id)
        if not index.isValid():
            return False
        self.tree.expand(index.parent())
        self.tree.selectionModel().setCurrentIndex(index, SELECT_ROW)
        self.tree.scrollTo(index)
        return True

    def current_result(self) -> MeasureResult | None:
        self.ensure_built()
        return self.tree.currentIndex().data(RESULT_ROLE)

    def retranslate(self) -> None:
        """Re-read every text in the current language (registered with on_language_changed)."""
        self.tabs.setTabText(0, _("详情"))
        self.tabs.setTabText(1, _("推荐组合"))
        self.tree.setAccessibleName(_("检查结果"))
        self.detail.setAccessibleName(_("所选措施的详情"))
        self.plan.setAccessibleName(_("推荐组合"))
        self.model.retranslate()
        self._fit_columns()
        self._render_all()

    # -- state across updates ------------------------------------------------------------------
    def _remember_expanded(self, index: QModelIndex, expanded: bool) -> None:
        if self._restoring or index.parent().isValid():
            return
        key = index.data(KEY_ROLE)
        if key:
            self._expanded[key[1]] = expanded

    def _restore_groups(self) -> None:
        for row, key in enumerate(self.model.group_keys()):
            index = self.model.index(row, 0)
            self.tree.setFirstColumnSpanned(row, QModelIndex(), True)
            self.tree.setExpanded(index, self._expanded.get(key, key not in COLLAPSED_BY_DEFAULT))

    def _fit_columns(self) -> None:
        # Measured from the texts with the tree's font (fast, and right at any scaling); Qt's
        # resizeColumnToContents asks the model a dozen roles per row and is ten times slower.
        metrics = self.tree.fontMetrics()
        header = self.tree.header()
        pad = metrics.horizontalAdvance("中") * 2
        for column in (COL_PROJECT, COL_AMOUNT):
            texts = self.model.column_texts(column)
            widest = max((metrics.horizontalAdvance(t) for t in texts), default=0)
            header.resizeSection(column, max(widest + pad, header.sectionSizeHint(column)))
        self._share_width()

    def _share_width(self) -> None:
        """Project and amount are whole; of the room left the title takes most (8 to 18
        characters) and the notes (the last, stretching column) the rest, so neither vanishes in
        a narrow pane; past that the tree scrolls sideways rather than cut an amount."""
        em = self.tree.fontMetrics().horizontalAdvance("中")
        header = self.tree.header()
        free = (self.tree.viewport().width() - header.sectionSize(COL_PROJECT)
                - header.sectionSize(COL_AMOUNT))
        header.resizeSection(COL_TITLE, max(8 * em, min(18 * em, free - 8 * em)))

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt API
        if watched is self.tree.viewport() and event.type() == QEvent.Type.Resize:
            self._share_width()
        return super().eventFilter(watched, event)

    def _index_for_key(self, key) -> QModelIndex:
        if not key:
            return QModelIndex()
        if key[0] == "group":
            return self.model.group_index(key[1])
        return self.model.index_for(*key)

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex = QModelIndex()) -> None:
        if self._restoring:
            return        # set_evaluation puts the selection back and renders once
        self._current_key = current.data(KEY_ROLE) if current.isValid() else None
        self._render_detail()

    def _language_changed(self, _code: str) -> None:
        if shiboken6.isValid(self):      # the C++ widget may be gone while Python still holds it
            self.retranslate()

    # -- actions -------------------------------------------------------------------------------
    def _activated(self, index: QModelIndex) -> None:
        r = index.data(RESULT_ROLE)
        if r is None:
            group = self.model.index(index.row(), 0) if not index.parent().isValid() else QModelIndex()
            if group.isValid():
                self.tree.setExpanded(group, not self.tree.isExpanded(group))
            return
        if r.status == NEEDS_INFO and r.missing:
            self.missingFieldRequested.emit(r.missing[0], r.project_id)
        else:
            self.measureRequested.emit(r.measure_id)

    def _follow(self, links: _Links, url: QUrl) -> None:
        action = links.get(url)
        if action is None:
            return
        kind, *args = action
        if kind == "missing":
            self.missingFieldRequested.emit(args[0], args[1])
        elif kind == "measure":
            self.measureRequested.emit(args[0])
        elif kind == "result":
            self.select(*args)
            self.tabs.setCurrentWidget(self.detail)
            self.tree.setFocus()

    # -- rendering -----------------------------------------------------------------------------
    def _render_all(self) -> None:
        self._render_summary()
        self._render_detail()
        self._render_plan()

    def _counts(self) -> dict[str, int]:
        return {key: self.model.count(key) for key in GROUP_KEYS}

    def _money(self, amount) -> str:
        return format_money(amount, unit=self.money_unit)

    def _render_summary(self) -> None:
        ev = self.evaluation
        if ev is None:
            self.summary.setText(_e(_("尚未检查：填写企业和项目信息后，结果会在这里随时更新。")))
            return
        c = self._counts()
        text = _("可申请 {eligible} 项，需补充信息 {needs_info} 项，不符合 {ineligible} 项，"
                 "已失效或未生效 {not_in_force} 项，政策信息 {statement} 条；"
                 "推荐组合已知最高额合计 {total}").format(
            eligible=c[ELIGIBLE], needs_info=c[NEEDS_INFO], ineligible=c[INELIGIBLE],
            not_in_force=c[NOT_IN_FORCE], statement=c[STATEMENT], total=self._money(ev.plan.total_max))
        date = _("评估日 {date}").format(date=format_date(ev.as_of))
        soon = self.model.expiring
        expiring = ""
        if soon:
            # The same item text as the report, the checklist and the workbook (core.engine.expiring).
            items = "；".join(policy_text(e.text(), {"script": e.script}) for e in soon)
            expiring = (f"<br/><span style='color:{MARKS[None][1]}'>"
                        f"{_e(_('即将到期：{items}').format(items=items))}</span>")
        self.summary.setText(f"<b>{_e(text)}</b>　<span style='color:{MUTED}'>{_e(date)}</span>{expiring}")

    def _heading(self, r: MeasureResult) -> str:
        """Title plus the project, as in the report: 分布式光伏项目扶持［项目 罗湖光伏一号］."""
        if r.project_id is None:
            return result_title(r)
        return _("{title}［项目 {project}］").format(title=result_title(r), project=project_label(r))

    def _render_detail(self) -> None:
        self._detail_links.clear()
        index = self.tree.currentIndex()
        r = index.data(RESULT_ROLE) if index.isValid() else None
        if r is not None:
            self.detail.setHtml(self._result_html(r))
        elif index.isValid():
            self.detail.setHtml(self._group_html(index.data(KEY_ROLE)[1]))
        else:
            self.detail.setHtml(self._placeholder_html())

    def _legend(self) -> str:
        parts = [(MARKS[True], _("符合")), (MARKS[False], _("不符合")), (MARKS[None], _("未知，需补充"))]
        return "　".join(f"<span style='color:{colour}'><b>{mark}</b> {_e(label)}</span>"
                        for (mark, colour), label in parts)

    def _placeholder_html(self) -> str:
        if self.evaluation is None:
            return f"<p>{_e(_('填写企业和项目信息后，这里会列出可申请的措施、需补充的信息和推荐组合。'))}</p>"
        text = (f"<p>{_e(_('在列表中选择一项，查看它的条件、金额和需补充的信息。'))}</p>"
                f"<p>{self._legend()}</p>")
        if not self.touch:          # a touch screen (the kiosk) has no keyboard to press keys on
            key_hint = _("按 Enter 键：需补充信息的一项会跳到表单中缺少的第一项。")
            text += f"<p style='color:{MUTED}'>{_e(key_hint)}</p>"
        return text

    def _group_html(self, key: str) -> str:
        explain = {
            ELIGIBLE: _("按已填写的信息，这些措施的条件都已符合。金额是按政策文本估算的最高额，以核定为准。"),
            NEEDS_INFO: _("还缺少一些信息，暂时无法判断。"
                          "选择一项查看需补充的内容，点击即可跳到表单中对应的栏目。"),
            INELIGIBLE: _("按已填写的信息，这些措施的条件未满足。选择一项可查看差距。"),
            NOT_IN_FORCE: _("这些措施在评估日不在有效期内（已失效或尚未施行），不能申请。"),
            STATEMENT: _("这些条文是目标、任务或原则，没有可申请的事项，列出供参考。"),
        }[key]
        title = _("{title}（{n} 项）").format(title=_(GROUP_TITLES[key]), n=self.model.count(key))
        return f"<h3>{_e(title)}</h3><p>{_e(explain)}</p><p>{self._legend()}</p>"

    def _result_html(self, r: MeasureResult) -> str:
        ev = self.evaluation
        links = self._detail_links
        out = [f"<h3>{_e(result_title(r))}</h3>"]
        cite = _e(result_citation(r))
        out.append(f"<p>{cite}　<span style='color:{MUTED}; white-space:nowrap'>{_e(r.measure_id)}</span>　"
                   f"{links.add(_('查看政策原文'), 'measure', r.measure_id)}</p>")
        if r.project_id is None:
            who = _("对象：企业")
        elif r.project_name:
            who = _("项目：{name}（{id}）").format(name=r.project_name, id=r.project_id)
        else:
            who = _("项目：{id}").format(id=r.project_id)
        out.append(f"<p>{_e(who)}</p>")

        if r.status == STATEMENT:
            what = _("本条是目标、任务或原则，没有可申请的事项，列出供参考。")
            out.append(f"<p><b>{_e(_(STATEMENTS_TITLE))}</b>：{_e(what)}</p>")
            out.append(self._source_html(r))
            return "\n".join(out)
        mark, colour = STATUS_MARKS[r.status]
        status = _(STATUS_TITLES[r.status])
        out.append(f"<p><b>{_e(_('状态：'))}</b><span style='color:{colour}'><b>{mark}</b> "
                   f"{_e(status)}</span></p>")

        if r.status == NOT_IN_FORCE:
            out.append(f"<p>{_e(validity_text(r, ev.as_of))}</p>")
            out.append(self._source_html(r))
            return "\n".join(out)

        amount = amount_text(r, self.money_unit)
        if amount:
            out.append(f"<p><b>{_e(_('金额：'))}</b>{_e(amount)}</p>")
            if r.amount.calculation:
                out.append(f"<p><b>{_e(_('计算：'))}</b>{_e(policy_text(r.amount.calculation))}</p>")
        if r.discretionary:
            span = (r.measure.get("discretionary") or {}).get("span")
            quote = _e(_("（原文：“{span}”）").format(span=policy_text(span, r.document))) if span else ""
            out.append(f"<p><b>{_e(_('评审制：'))}</b>{_e(_('须经评审择优，不是符合条件即可获得'))}"
                       f"<span style='color:{MUTED}'>{quote}</span></p>")

        if r.status == NEEDS_INFO and r.missing:
            out.append(f"<p><b>{_e(_('需补充以下信息'))}</b>"
                       f"<span style='color:{MUTED}'>{_e(_('（点击跳到表单中对应的栏目）'))}</span></p><ul>")
            for path in r.missing:
                out.append(f"<li>{links.add(missing_label(path), 'missing', path, r.project_id)}</li>")
            out.append("</ul>")

        outcomes = [o for o in r.outcomes if o.state is not None or r.status == NEEDS_INFO]
        if outcomes:
            out.append(f"<p><b>{_e(_('申请条件'))}</b>　{self._legend()}</p>")
            out.append("<table cellspacing='0' cellpadding='3'>")
            for o in outcomes:
                mark, colour = MARKS[o.state]
                vague = ""
                if o.vague:
                    vague = (f"<br/><span style='color:{MUTED}'>"
                             f"{_e(_('文本未明确：{note}').format(note=policy_text(o.vague)))}</span>")
                out.append(f"<tr><td style='color:{colour}'><b>{mark}</b></td>"
                           f"<td>{_e(policy_text(o.text))}{vague}</td></tr>")
            out.append("</table>")
        elif not r.measure.get("criteria"):
            out.append(f"<p>{_e(_('本条未列明可逐项核对的申请条件。'))}</p>")

        if r.status == INELIGIBLE and r.gaps:
            out.append("<p>" + "<br/>".join(
                f"<b>{_e(_('差距：'))}</b>{_e(policy_text(g))}" for g in r.gaps) + "</p>")
            if r.amount_if_met:
                high = format_money(r.amount_if_met, unit=self.money_unit)
                what = _("满足后最高约 {amount}（按现有其他数据估算）").format(amount=high)
                out.append(f"<p>{_e(what)}</p>")

        if r.conflicts_with:
            names = []
            for other in r.conflicts_with:
                rival = self._find(other, r.project_id)
                title = result_title(rival) if rival else other
                names.append(links.add(title, "result", other, r.project_id) if rival else _e(title))
            out.append(f"<p><b>{_e(_('不能同时享受：'))}</b>{'、'.join(names)}</p>")

        state = self.model.plan_state(r) if gives_support(r.measure) else None
        if state is True:
            out.append(f"<p><span style='color:{MARKS[True][1]}'><b>✓</b></span> "
                       f"{_e(_('已选入推荐组合'))}</p>")
        elif state is not None:
            out.append(f"<p><span style='color:{MARKS[False][1]}'><b>✗</b></span> "
                       f"{_e(_('未选入推荐组合：{reason}').format(reason=self._plain_reason(state.reason)))}</p>")

        vague = [v["note"] for v in r.measure.get("vague") or [] if v.get("note")]
        if vague:
            out.append(f"<p><b>{_e(_('需主管部门认定：'))}</b></p><ul>")
            out.extend(f"<li>{_e(policy_text(v))}</li>" for v in vague)
            out.append("</ul>")
        if r.status in (ELIGIBLE, NEEDS_INFO) and r.amount.notes:
            out.append(f"<p><b>{_e(_('金额说明：'))}</b></p><ul>")
            out.extend(f"<li>{_e(policy_text(n))}</li>" for n in r.amount.notes)
            out.append("</ul>")
        out.append(self._source_html(r))
        return "\n".join(out)

    def _source_html(self, r: MeasureResult) -> str:
        ev = self.evaluation
        source = _("出处：{document}").format(document=policy_text(r.document.get("title"), r.document))
        when = _("评估日 {date}，措施数据库 {version}").format(date=format_date(ev.as_of),
                                                         version=ev.database_version)
        return f"<p style='color:{MUTED}'>{_e(source)}<br/>{_e(when)}</p>"

    def _find(self, measure_id: str, project_id) -> MeasureResult | None:
        ev = self.evaluation
        try:
            return ev.result(measure_id, project_id) if ev is not None else None
        except KeyError:
            return None

    def _plain_reason(self, text: str) -> str:
        """An engine sentence with the measure ids it names written as their titles."""
        ev = self.evaluation
        titles = {r.measure_id: r.measure["title"] for r in ev.results} if ev is not None else {}
        named = [i for i in titles if i in text]
        if named:
            # Longest first, and not inside a longer id: sz-glc-2022/1 must not match sz-glc-2022/12.
            pattern = re.compile("(?<![\\w/.-])(" + "|".join(
                re.escape(i) for i in sorted(named, key=len, reverse=True)) + ")(?![\\w/.-])")
            text = pattern.sub(lambda m: f"“{titles[m.group(1)]}”", text)
        return policy_text(text)

    def _render_plan(self) -> None:
        self._plan_links.clear()
        ev = self.evaluation
        if ev is None:
            self.plan.setHtml(f"<p>{_e(_('尚未检查。'))}</p>")
            return
        links = self._plan_links
        plan = ev.plan
        out = [f"<h3>{_e(_('推荐组合'))}</h3>",
               f"<p>{_e(_('已知最高额合计'))} <b>{_e(self._money(plan.total_max))}</b>　"
               f"<span style='color:{MUTED}'>{_e(_('共 {n} 项').format(n=len(plan.selected)))}</span></p>"]
        if plan.selected:
            out.append("<table cellspacing='0' cellpadding='3'>")
            # Known amounts first, largest first; then those the texts leave unstated.
            for item in sorted(plan.selected, key=lambda i: (i.amount_max is None, -(i.amount_max or 0))):
                r = self._find(item.measure_id, item.project_id)
                if r is None:
                    continue
                amount = format_amount_range(Decimal(0), item.amount_max, unit=self.money_unit)
                extra = f"　<span style='color:{MUTED}'>{_e(_('评审制'))}</span>" if r.discretionary else ""
                title = links.add(self._heading(r), "result", r.measure_id, r.project_id, quiet=True)
                out.append(f"<tr><td style='color:{MARKS[True][1]}'><b>✓</b></td>"
                           f"<td>{title}{extra}</td><td align='right'>{_e(amount)}</td></tr>")
            out.append("</table>")
        else:
            out.append(f"<p>{_e(_('暂无可申请的措施。'))}</p>")
        if plan.given_up:
            out.append(f"<p><b>{_e(_('未选入的措施'))}</b></p>")
            out.append("<table cellspacing='0' cellpadding='3'>")
            for g in plan.given_up:
                r = self._find(g.measure_id, g.project_id)
                if r is None:
                    continue
                title = links.add(self._heading(r), "result", r.measure_id, r.project_id, quiet=True)
                out.append(f"<tr><td style='color:{MARKS[False][1]}'><b>✗</b></td><td>{title}<br/>"
                           f"<span style='color:{MUTED}'>{_e(self._plain_reason(g.reason))}</span></td></tr>")
            out.append("</table>")
        if plan.notes:
            out.append(f"<p><b>{_e(_('说明'))}</b></p><ul>")
            out.extend(f"<li>{_e(self._plain_reason(n))}</li>" for n in plan.notes)
            out.append("</ul>")
        caveat = _("金额为按政策文本估算的最高额，不是核定金额；评审制措施须经评审择优。"
                   "一切以政策原文和官方申报指南为准。")
        out.append(f"<p style='color:{MUTED}'>{_e(caveat)}</p>")
        self.plan.setHtml("\n".join(out))

    # -- layout --------------------------------------------------------------------------------
    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt API
        # Side by side when there is room for both; stacked when narrow (beside the form, or at
        # 150% scaling), measured in characters so it follows the font, not pixels.
        # The tree's own font: the kiosk's style sheet enlarges it, not the view's. A portrait
        # screen stacks them anyway: height to spare, and the titles need the width.
        size = event.size()
        em = self.tree.fontMetrics().horizontalAdvance("中")
        narrow = size.width() < em * STACK_BELOW_CHARS or size.height() > size.width() * 1.2
        orientation = Qt.Orientation.Vertical if narrow else Qt.Orientation.Horizontal
        if self.splitter.orientation() != orientation:
            self.splitter.setOrientation(orientation)
            # Stacked, the list is what is read first: it gets three fifths of the height.
            length = size.height() if narrow else size.width()
            share = (3, 2) if narrow else (5, 4)
            self.splitter.setSizes([length * part // sum(share) for part in share])
        super().resizeEvent(event)
