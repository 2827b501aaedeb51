"""The application window: for now the measure browser on the bundled database."""
from __future__ import annotations

import datetime as dt
import html
import sys

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QApplication, QComboBox, QHBoxLayout, QLabel, QLineEdit, QListView,
                               QMainWindow, QMessageBox, QSplitter, QTextBrowser, QVBoxLayout, QWidget)

from core.cli import LEVEL_LABELS, STATE_LABELS
from core.measures.store import DatabaseError, MeasuresDB, in_force_state, open_bundled
from core.measures.validate import DataError
from core.measures.vocabulary import PROJECT_TYPES, SUPPORT_KINDS
from ui.measures_model import DOCUMENT_ROLE, ID_ROLE, MeasuresModel

MIN_QUERY = 2   # Chinese terms of two characters (光伏) are meaningful; one is too broad



class MeasureBrowser(QMainWindow):
    def __init__(self, db: MeasuresDB):
        super().__init__()
        self.db = db
        self.today = dt.date.today()
        self.documents = {d["key"]: d for d in db.documents()}
        self.setWindowTitle("绿策通 — 措施浏览")
        self.resize(1100, 720)

        self.search = QLineEdit(placeholderText="搜索，如：光伏、储能")
        self.search.setClearButtonEnabled(True)
        self.document_filter = QComboBox()
        self.document_filter.addItem("全部文件", None)
        for key, doc in self.documents.items():
            self.document_filter.addItem(doc["short_title"], key)
        self.model = MeasuresModel({k: d["short_title"] for k, d in self.documents.items()}, self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterRole(DOCUMENT_ROLE)
        self.list = QListView()
        self.list.setModel(self.proxy)
        self.list.setUniformItemSizes(True)
        self.detail = QTextBrowser()
        self.detail.setOpenExternalLinks(False)
        self.count = QLabel()

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        filters = QHBoxLayout()
        filters.addWidget(self.search, 2)
        filters.addWidget(self.document_filter, 1)
        left_layout.addLayout(filters)
        left_layout.addWidget(self.list)
        left_layout.addWidget(self.count)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([420, 680])
        self.setCentralWidget(splitter)
        self.statusBar().showMessage(f"数据库版本 {db.version}　|　日期 {self.today.isoformat()}　|　离线运行")

        self.search.textChanged.connect(self.refresh)
        self.document_filter.currentIndexChanged.connect(self._filter_document)
        self.list.selectionModel().currentChanged.connect(self._show_current)
        QShortcut(QKeySequence.Find, self, activated=self.search.setFocus)
        self.refresh()

    def refresh(self) -> None:
        text = self.search.text().strip()
        rows = self.db.search(text) if len(text) >= MIN_QUERY else self.db.list_measures()
        self.model.set_rows(rows, self.today)
        self._update_count()
        if self.proxy.rowCount():
            self.list.setCurrentIndex(self.proxy.index(0, 0))
        else:
            self.detail.setHtml("<p>没有符合条件的措施。</p>")

    def _filter_document(self) -> None:
        key = self.document_filter.currentData()
        self.proxy.setFilterFixedString(key or "")
        self._update_count()

    def _update_count(self) -> None:
        self.count.setText(f"共 {self.proxy.rowCount()} 条")

    def _show_current(self, current, _previous=None) -> None:
        if not current.isValid():
            return
        m = self.db.measure(current.data(ID_ROLE))
        doc = self.documents[m["document"]]
        state = STATE_LABELS[in_force_state(m["valid_from"], m["valid_to"], self.today)]
        subject = ("企业" if m["subject"]["company"]
                   else "、".join(PROJECT_TYPES.get(t, t) for t in m["subject"]["project_types"]))
        lines = [
            f"<h2>{html.escape(m['title'])}</h2>",
            f"<p><b>{html.escape(doc['short_title'])} {html.escape(m['clause'])}</b>"
            f"　<span style='color:gray'>{html.escape(m['id'])}</span></p>",
            f"<p>{LEVEL_LABELS.get(m['level'], m['level'])} · {SUPPORT_KINDS.get(m['kind'], m['kind'])}"
            f" · 对象：{html.escape(subject)} · 有效期 {m['valid_from']}～{m['valid_to']}（{state}）"
            + (" · <b>评审制</b>" if m["discretionary"] else "") + "</p>",
        ]
        b = m.get("benefit") or {}
        caps = [c for c in b.get("caps", []) if c["amount"] is not None]
        if caps:
            lines.append("<p>上限：" + "；".join(html.escape(c["span"]) for c in caps) + "</p>")
        if b.get("open"):
            lines.append(f"<p>未明确：{html.escape(b['open'])}</p>")
        lines.append(f"<blockquote style='font-size:larger'>{html.escape(m['text'])}</blockquote>")
        lines.append(f"<p style='color:gray'>出处：{html.escape(doc['title'])}</p>")
        self.detail.setHtml("\n".join(lines))


def run_app(argv: list[str]) -> int:
    app = QApplication.instance() or QApplication(argv)
    app.setApplicationName("GreenMeasures")
    app.setApplicationDisplayName("绿策通")
    try:
        db = open_bundled()
    except (DataError, DatabaseError) as exc:
        QMessageBox.critical(None, "绿策通", f"无法打开措施数据库：\n{exc}")
        return 3
    window = MeasureBrowser(db)
    window.show()
    return app.exec()


if __name__ == "__main__":
    sys.exit(run_app(sys.argv))
