"""The measure browser: search, filters, the verbatim clause with its citation, and the open
profile's verdict for the selected measure."""
from __future__ import annotations

import datetime as dt
import html

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QListView,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from core.engine.report import STATEMENTS_TITLE, STATUS_TITLES
from core.i18n import N_, _, convert_policy_text, format_amount_range, format_date
from core.measures.labels import VALUE_LABELS
from core.measures.store import EXPIRED, IN_FORCE, NOT_YET, MeasuresDB, in_force_state
from core.measures.vocabulary import PROJECT_TYPES, SUPPORT_KINDS
from ui.language import follow_language
from ui.measures_model import (
    DOCUMENT_ROLE,
    ID_ROLE,
    KIND_ROLE,
    LEVEL_ROLE,
    REGION_ROLE,
    STATE_ROLE,
    MeasuresFilter,
    MeasuresModel,
)
from ui.widgets import later

MIN_QUERY = 2   # Chinese terms of two characters (光伏) are meaningful; one is too broad

LEVEL_NAMES = {"municipal": N_("市级"), "district": N_("区级")}
STATE_NAMES = {IN_FORCE: N_("有效"), EXPIRED: N_("已失效"), NOT_YET: N_("未生效")}


class MeasureBrowser(QWidget):
    def __init__(self, db: MeasuresDB, parent=None):
        super().__init__(parent)
        self.db = db
        self.as_of = dt.date.today()
        self.money_unit = "wan"
        self.evaluation = None
        self._built = False
        QVBoxLayout(self)
        follow_language(self, self.retranslate)
        later(self.ensure_built)

    def set_database(self, db: MeasuresDB) -> None:
        """Show another measures database (after an update or a rollback); the filters, the search
        and the selected measure are kept where they still mean something."""
        self.db = db
        if not self._built:
            return
        current = self.list.currentIndex().data(ID_ROLE)
        self.model.set_rows([], self.as_of)      # nothing may look up the old rows in the new data
        self._load_documents()
        self.model.set_short_titles(self._short_titles())
        self.retranslate()          # refills the filter lists from the new data, keeping choices
        for combo, (role, _choices) in self._choices.items():
            self.proxy.set_filter(role, combo.currentData())
        self.refresh()
        self._select(current)

    def _load_documents(self) -> None:
        self.documents = {d["key"]: d for d in self.db.documents()}
        rows = self.db.list_measures()
        self._choices = {
            self.document_filter: (DOCUMENT_ROLE, [(k, d["short_title"]) for k, d in self.documents.items()]),
            self.level_filter: (LEVEL_ROLE, list(LEVEL_NAMES.items())),
            self.region_filter: (REGION_ROLE, [(r, VALUE_LABELS.get(r, N_("全市")))
                                               for r in dict.fromkeys(m.region for m in rows)]),
            self.kind_filter: (KIND_ROLE, [(k, SUPPORT_KINDS[k])
                                           for k in dict.fromkeys(m.kind for m in rows)]),
            self.state_filter: (STATE_ROLE, list(STATE_NAMES.items())),
        }

    def _short_titles(self) -> dict[str, str]:
        return {k: d["short_title"] for k, d in self.documents.items()}

    def ensure_built(self) -> None:
        """Make the widgets and fill them (at once, or after the window's first paint when the
        window is started with ui.widgets.first_paint_first; at the latest when first shown)."""
        if self._built:
            return
        self._built = True
        self.search = QLineEdit()
        self.search.setClearButtonEnabled(True)
        self.document_filter = QComboBox()
        self.level_filter = QComboBox()
        self.region_filter = QComboBox()
        self.kind_filter = QComboBox()
        self.state_filter = QComboBox()
        self._load_documents()
        self.model = MeasuresModel(self._short_titles(), self)
        self.proxy = MeasuresFilter(self)
        self.proxy.setSourceModel(self.model)
        self.list = QListView()
        self.list.setModel(self.proxy)
        self.list.setUniformItemSizes(True)
        self.detail = QTextBrowser()
        self.detail.setOpenExternalLinks(False)
        self.count = QLabel()

        left = QWidget()
        grid = QGridLayout(left)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(self.search, 0, 0, 1, 3)
        for i, combo in enumerate(self._choices):
            grid.addWidget(combo, 1 + i // 3, i % 3)
        grid.addWidget(self.list, 3, 0, 1, 3)
        grid.addWidget(self.count, 4, 0, 1, 3)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([460, 640])
        self.layout().addWidget(splitter)

        self.retranslate()
        self.search.textChanged.connect(self.refresh)
        for combo, (role, _choices) in self._choices.items():
            combo.currentIndexChanged.connect(lambda _i, c=combo, r=role: self._filter(c, r))
        self.list.selectionModel().currentChanged.connect(self._show_current)
        QShortcut(QKeySequence.StandardKey.Find, self, activated=self.search.setFocus)
        self.refresh()

    def showEvent(self, event) -> None:  # noqa: N802 - Qt API
        self.ensure_built()
        super().showEvent(event)

    # -- language ----------------------------------------------------------------------------
    def retranslate(self) -> None:
        if not self._built:
            return
        self.search.setPlaceholderText(_("搜索，如：光伏、储能（至少两个字）"))
        # Screen readers name each control by what it is, not by what it currently shows.
        self.search.setAccessibleName(_("搜索措施"))
        names = {self.document_filter: _("按政策文件筛选"), self.level_filter: _("按层级筛选"),
                 self.region_filter: _("按地区筛选"), self.kind_filter: _("按支持方式筛选"),
                 self.state_filter: _("按状态筛选")}
        for combo, name in names.items():
            combo.setAccessibleName(name)
        self.list.setAccessibleName(_("措施列表"))
        self.detail.setAccessibleName(_("所选措施的原文与说明"))
        alls = {self.document_filter: _("全部文件"), self.level_filter: _("全部层级"),
                self.region_filter: _("全部地区"), self.kind_filter: _("全部支持方式"),
                self.state_filter: _("全部状态")}
        for combo, (_role, choices) in self._choices.items():
            current = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(alls[combo], None)
            for value, label in choices:
                # Document names are policy text; the other labels are the application's own.
                shown = convert_policy_text(label) if combo is self.document_filter else _(label)
                combo.addItem(shown, value)
            combo.setCurrentIndex(max(0, combo.findData(current)))
            combo.blockSignals(False)
        self.model.retranslate()
        self._update_count()
        self._show_current(self.list.currentIndex())

    # -- data ----------------------------------------------------------------------------------
    def set_as_of(self, day: dt.date) -> None:
        self.as_of = day
        if self._built:
            self.refresh()

    def set_evaluation(self, evaluation, money_unit: str = "wan") -> None:
        """The open profile's results, shown beside each measure's text (None: no profile)."""
        self.evaluation, self.money_unit = evaluation, money_unit
        if self._built:
            self._show_current(self.list.currentIndex())

    def refresh(self) -> None:
        text = self.search.text().strip()
        current = self.list.currentIndex().data(ID_ROLE)
        rows = self.db.search(text) if len(text) >= MIN_QUERY else self.db.list_measures()
        self.model.set_rows(rows, self.as_of)
        self._update_count()
        self._select(current)

    def _select(self, measure_id: str | None) -> None:
        for row in range(self.proxy.rowCount()):
            if self.proxy.index(row, 0).data(ID_ROLE) == measure_id:
                self.list.setCurrentIndex(self.proxy.index(row, 0))
                return
        if self.proxy.rowCount():
            self.list.setCurrentIndex(self.proxy.index(0, 0))
        else:
            self.detail.setHtml(f"<p>{html.escape(_('没有符合条件的措施。'))}</p>")

    def show_measure(self, measure_id: str) -> None:
        """Clear the filters that hide it, then select it (from the results view)."""
        self.ensure_built()
        self.search.clear()
        for combo in self._choices:
            combo.setCurrentIndex(0)
        self._select(measure_id)

    def _filter(self, combo: QComboBox, role: int) -> None:
        self.proxy.set_filter(role, combo.currentData())
        self._update_count()
        self._select(self.list.currentIndex().data(ID_ROLE))

    def _update_count(self) -> None:
        self.count.setText(_("共 {n} 条").format(n=self.proxy.rowCount()))

    def _show_current(self, current, _previous=None) -> None:
        if not current.isValid():
            return
        m = self.db.measure(current.data(ID_ROLE))
        doc = self.documents[m["document"]]
        p = convert_policy_text
        state = _(STATE_NAMES[in_force_state(m["valid_from"], m["valid_to"], self.as_of)])
        subject = (_("企业") if m["subject"]["company"]
                   else "、".join(_(PROJECT_TYPES.get(t, t)) for t in m["subject"]["project_types"]))
        esc = html.escape
        lines = [
            f"<h2>{esc(p(m['title']))}</h2>",
            f"<p><b>{esc(p(doc['short_title']))} {esc(p(m['clause']))}</b>"
            f"　<span style='color:gray'>{esc(m['id'])}</span></p>",
            f"<p>{esc(_(LEVEL_NAMES[m['level']]))} · {esc(_(SUPPORT_KINDS.get(m['kind'], m['kind'])))}"
            f" · {esc(_('对象'))}：{esc(subject)} · {esc(_('有效期'))} "
            f"{esc(format_date(m['valid_from']))}～{esc(format_date(m['valid_to']))}（{esc(state)}）"
            + (f" · <b>{esc(_('评审制'))}</b>" if m["discretionary"] else "") + "</p>",
        ]
        if m.get("role") == "statement":
            what = _("本条是目标、任务或原则，没有可申请的事项，列出供参考。")
            lines.append(f"<p><b>{esc(_(STATEMENTS_TITLE))}</b>：{esc(what)}</p>")
        lines.extend(self._verdict_html(m["id"]))
        b = m.get("benefit") or {}
        caps = [c for c in b.get("caps", []) if c["amount"] is not None]
        if caps:
            lines.append(f"<p>{esc(_('上限'))}：" + "；".join(esc(p(c["span"])) for c in caps) + "</p>")
        if b.get("open"):
            lines.append(f"<p>{esc(_('未明确'))}：{esc(p(b['open']))}</p>")
        lines.append(f"<blockquote style='font-size:larger'>{esc(p(m['text']))}</blockquote>")
        lines.append(f"<p style='color:gray'>{esc(_('出处'))}：{esc(p(doc['title']))}</p>")
        self.detail.setHtml("\n".join(lines))

    def _verdict_html(self, measure_id: str) -> list[str]:
        if self.evaluation is None:
            return []
        results = [r for r in self.evaluation.results if r.measure_id == measure_id]
        if not results:
            return [f"<p><i>{html.escape(_('本档案没有适用此措施的对象。'))}</i></p>"]
        out = [f"<p><b>{html.escape(_('本档案的判断'))}</b>"]
        for r in results:
            who = _("企业") if r.project_id is None else (r.project_name or r.project_id)  # as typed
            amount = format_amount_range(r.amount_min, r.amount_max, unit=self.money_unit) \
                if r.status in ("eligible", "needs_info") else ""
            out.append(f"<br>{html.escape(who)}：{html.escape(_(STATUS_TITLES[r.status]))}"
                       + (f"，{html.escape(amount)}" if amount else ""))
        out.append("</p>")
        return out
