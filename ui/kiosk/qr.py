"""The kiosk's take-away QR code: a compact text summary of the results a visitor can keep on a
phone instead of paper (issue 17 item 6).

The summary holds the company's name, what it can apply for (可申请: citation, title, amount) and
the documents to prepare; never the unified social credit code, which identifies the company to
anyone who scans the screen. Nothing is stored: the text and its picture live in the results
screen's widgets, which the wipe deletes. The code is made by ``segno`` (a kept library), in
memory.
"""
from __future__ import annotations

import io

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QScrollArea

from core.checklist.model import ChecklistError, build_checklist
from core.engine.evaluate import Evaluation
from core.i18n import _, convert_policy_text, current_language, format_amount_range
from ui.kiosk.common import touch_scroll
from ui.kiosk.overlays import Overlay

# A QR code of version 40 (level L) holds 2,953 bytes; a phone camera reads a smaller one far more
# easily at arm's length from a screen, so the text is kept under this and cut with a pointer to
# the printed list when a company qualifies for very many supports.
MAX_BYTES = 1200
QR_PIXELS = 400               # the QR code's side: readable by a phone, fits a 768 px high screen


def _lines(evaluation: Evaluation, profile: dict, lang: str) -> tuple[list[str], list[str], list[str]]:
    """(heading lines, one line per support, one line per document)."""
    company = (profile.get("company") or {}).get("name") or _("（未填写企业名称）")
    head = [_("绿策通 扶持措施查询结果"), _("企业：{name}").format(name=company),
            _("查询日期：{date}").format(date=evaluation.as_of.isoformat())]
    eligible = [r for r in evaluation.results if r.plannable]
    supports = []
    for r in eligible:
        script = r.document.get("script", "zh-Hans")
        title = convert_policy_text(f"{r.citation} {r.measure['title']}", lang, source_script=script)
        who = f"（{r.project_name or r.project_id}）" if r.project_id else ""
        amount = format_amount_range(r.amount_min, r.amount_max, lang, unit="auto")
        supports.append(f"{title}{who}：{amount}")
    documents: list[str] = []
    if eligible:
        try:
            checklist = build_checklist(evaluation, profile, [(r.measure_id, r.project_id) for r in eligible])
        except ChecklistError:
            checklist = None
        if checklist is not None:
            documents = [convert_policy_text(d.name, lang) for d in checklist.documents]
    return head, supports, documents


def summary_text(evaluation: Evaluation, profile: dict) -> str:
    """The QR code's text in the script the visitor reads (the UI's): name, 可申请 supports with
    citation and amount, documents; no USCC."""
    lang = current_language()
    head, supports, documents = _lines(evaluation, profile, lang)
    tail = [_("金额为按政策文本估算的最高额，以主管部门核定为准。")]

    def text(n_supports: int, n_documents: int) -> str:
        parts = list(head)
        parts.append(_("可申请（{n} 项）：").format(n=len(supports)) if supports else _("暂无可申请的措施。"))
        parts += [f"{i}. {line}" for i, line in enumerate(supports[:n_supports], 1)]
        if n_supports < len(supports):
            parts.append(_("……另有 {n} 项，见打印的申请材料清单").format(n=len(supports) - n_supports))
        if documents:
            parts.append(_("需准备的材料："))
            parts += [f"- {line}" for line in documents[:n_documents]]
            if n_documents < len(documents):
                more = len(documents) - n_documents
                parts.append(_("……另有 {n} 份材料，见打印的申请材料清单").format(n=more))
        return "\n".join(parts + tail)

    n_supports, n_documents = len(supports), len(documents)
    while len(text(n_supports, n_documents).encode()) > MAX_BYTES and (n_supports > 1 or n_documents > 0):
        if n_documents > 0:          # the documents go first: the supports are the result
            n_documents -= 1
        else:
            n_supports -= 1
    return text(n_supports, n_documents)


def qr_png(text: str, size_px: int = 400) -> bytes:
    """The QR code of `text` as PNG bytes about `size_px` wide (whole pixels per module, quiet
    zone included), made in memory: nothing is written to disk."""
    import segno
    code = segno.make(text, error="m", micro=False)
    modules = code.symbol_size(scale=1, border=4)[0]
    buffer = io.BytesIO()
    code.save(buffer, kind="png", scale=max(2, size_px // modules), border=4)
    return buffer.getvalue()


class QrOverlay:
    """KioskWindow's take-away QR code, shown over the results."""

    def _build_qr(self) -> None:
        """The results as a QR code beside the text it holds (ui/kiosk/qr.py), in the window."""
        self.qr = Overlay(self)
        self.qr.card.setMaximumWidth(1040)
        self.qr_image = QLabel()
        self.qr_image.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.qr_text = QLabel()
        self.qr_text.setProperty("role", "note")
        self.qr_text.setWordWrap(True)
        self.qr_text.setTextFormat(Qt.TextFormat.PlainText)
        self.qr_text.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(self.qr_text)
        scroll.setMaximumHeight(QR_PIXELS)
        touch_scroll(scroll)
        row = QHBoxLayout()
        row.setSpacing(24)
        row.addWidget(self.qr_image)
        row.addWidget(scroll, 1)
        self.qr.body.insertLayout(2, row)
        self.qr_close = self.qr.add_button("primary")
        self.qr_close.clicked.connect(self.qr.hide)

    def show_qr(self) -> None:
        """The results and the documents to prepare as a QR code (no USCC; gone with the wipe)."""
        from PySide6.QtGui import QPixmap

        from ui.kiosk.qr import qr_png, summary_text
        if not self.evaluate():
            return
        text = summary_text(self.evaluation, self.visitor.profile())
        pixmap = QPixmap()
        pixmap.loadFromData(qr_png(text, QR_PIXELS))
        self.qr_image.setPixmap(pixmap)
        self.qr_text.setText(text)
        self.qr.open(_("用手机扫码带走结果"), _("用手机相机扫描左边的二维码，即可在手机上保存下面这段文字。"
                                           "二维码不含统一社会信用代码，本机不保存。"))

    def _forget_qr(self) -> None:
        self.qr.hide()
        self.qr_image.clear()
        self.qr_text.clear()

    def _retranslate_qr(self) -> None:
        self.qr_button.setText(_("扫码带走"))
        self.qr_close.setText(_("关闭"))
