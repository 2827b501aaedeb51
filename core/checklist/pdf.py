"""The checklist as a PDF (reportlab): A4, binding margin, the bundled CJK font embedded as a subset.

Layout: a title block (company name and 统一社会信用代码 as entered, as-of date, database version), a
note that the policy text and the official guide prevail, the summary table, one section per
measure with its documents, and the merged list. Every page has `第 x 页 / 共 y 页` and the
generation date in its footer. Check boxes are drawn, not typed: the font has no ☐.

Rendering never switches the UI language: the application's words come from
`translations(lang).gettext`, policy text through `convert_policy_text`, numbers, money and dates
through Babel for `lang`; what the user typed (company, project names) is printed as typed.
"""
from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path
from threading import Lock
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    LongTable,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    TableStyle,
)

from core.atomic import atomic_write_bytes
from core.checklist.model import Checklist, Document, Entry
from core.engine.report import STATUS_TITLES
from core.i18n import (
    FONT_SUBFONT_INDEX,
    LOCALES,
    convert_policy_text,
    font_path,
    format_amount_range,
    format_date,
    format_money,
    normalize_language,
    translations,
)
from core.userfile import printable_text

FONT = "GreenMeasuresCJK"
PAGE = A4
MARGIN_LEFT = 25 * mm          # binding edge (left on the recto of a stapled or bound set)
MARGIN_RIGHT = 18 * mm
MARGIN_TOP = 18 * mm
MARGIN_BOTTOM = 20 * mm
FRAME_WIDTH = PAGE[0] - MARGIN_LEFT - MARGIN_RIGHT
INK = colors.HexColor("#1F2933")
MUTED = colors.HexColor("#52606D")
RULE = colors.HexColor("#9AA5B1")
SHADE = colors.HexColor("#EEF2F5")
ACCENT = colors.HexColor("#1B6B45")

ALSO_LISTED = 6                # list the other entries' numbers up to this many, else count them

_font_lock = Lock()


def register_font() -> str:
    """Register the bundled font once (about 0.2 s: the .ttc is parsed); safe from any thread."""
    with _font_lock:
        if FONT not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(FONT, str(font_path()), subfontIndex=FONT_SUBFONT_INDEX))
    return FONT


class CheckBox(Flowable):
    """An empty square to tick by hand."""

    def __init__(self, size: float = 3.6 * mm):
        super().__init__()
        self.size = size
        self.width = self.height = size

    def draw(self) -> None:
        self.canv.setStrokeColor(INK)
        self.canv.setLineWidth(0.8)
        self.canv.rect(0, 0, self.size, self.size, stroke=1, fill=0)


def styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName=FONT, fontSize=9.5, leading=13.5, textColor=INK,
                          wordWrap="CJK")
    return {
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=8.5, leading=12, textColor=MUTED),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8.8, leading=12),
        "cell_small": ParagraphStyle("cell_small", parent=base, fontSize=8, leading=11, textColor=MUTED),
        "head": ParagraphStyle("head", parent=base, fontSize=8.8, leading=12, textColor=colors.white),
        "title": ParagraphStyle("title", parent=base, fontSize=19, leading=26, alignment=TA_CENTER,
                                spaceAfter=2 * mm),
        "subtitle": ParagraphStyle("subtitle", parent=base, fontSize=10, leading=14, alignment=TA_CENTER,
                                   textColor=MUTED, spaceAfter=5 * mm),
        "h1": ParagraphStyle("h1", parent=base, fontSize=13.5, leading=19, textColor=ACCENT,
                             spaceBefore=5 * mm, spaceAfter=2.5 * mm),
        "h2": ParagraphStyle("h2", parent=base, fontSize=11, leading=15.5, spaceBefore=4 * mm,
                             spaceAfter=1 * mm),
        "note": ParagraphStyle("note", parent=base, fontSize=9, leading=13, textColor=INK,
                               backColor=SHADE, spaceBefore=2 * mm, spaceAfter=4 * mm,
                               # (top, right, bottom, left): reportlab takes it, its stubs say float
                               borderPadding=(2.5 * mm, 3 * mm, 2.5 * mm, 3 * mm)),  # type: ignore[arg-type]
    }


class PdfText:
    """The three kinds of text on the page, each handled its own way."""

    def __init__(self, lang: str):
        self.lang = lang
        self.gettext = translations(lang).gettext

    def policy(self, text: str | None, script: str | None = "zh-Hans") -> str:
        """Policy or data text (titles, clauses, departments, document names): converted from
        `script`, the document's; None judges the script from the text."""
        return escape(convert_policy_text(text or "", self.lang, source_script=script))

    @staticmethod
    def typed(text: str | None) -> str:
        """What the user typed: escaped for the markup, never converted (a lone surrogate, which
        no font or encoding holds, is shown as �)."""
        return escape(printable_text(text or ""))


def _numbers(numbers: list[int]) -> str:
    return "、".join(str(n) for n in numbers)


@dataclass(frozen=True)
class RenderedChecklist:
    pdf: bytes
    pages: int


def render_checklist(checklist: Checklist, lang: str = "zh-Hans") -> RenderedChecklist:
    """The PDF in memory (nothing touches the disk here), with its page count."""
    lang = normalize_language(lang)
    register_font()
    st = styles()
    tx = PdfText(lang)
    gettext = tx.gettext
    P = Paragraph

    story: list = []
    title = gettext("申请材料清单")
    story.append(P(escape(title), st["title"]))
    story.append(P(escape(gettext("绿策通 · 深圳绿色低碳扶持措施申报准备")), st["subtitle"]))

    meta = [
        (gettext("申请单位"), tx.typed(checklist.company_name) or escape(gettext("（未填写）"))),
        (gettext("统一社会信用代码"), tx.typed(checklist.uscc) or escape(gettext("（未填写）"))),
        (gettext("评估日期"), escape(format_date(checklist.as_of, lang))),
        (gettext("措施数据"), escape(checklist.release.describe(gettext, lambda d: format_date(d, lang)))
         if checklist.release is not None else tx.typed(checklist.database_version)),
        (gettext("生成日期"), escape(format_date(checklist.generated_on, lang))),
        (gettext("清单范围"), escape(gettext("推荐组合中的措施") if checklist.from_plan
                                    else gettext("用户勾选的措施"))),
    ]
    story.append(meta_table(meta, st))
    story.append(P(escape(gettext(
        "本清单依据政策原文和绿策通措施数据库生成，供准备申请材料参考。申请条件、所需材料、金额和受理时间"
        "以政策原文及主管部门发布的申报指南为准；金额为按所填信息估算的上限，最终以审核结果为准。"
        "材料说明中的“复印件加盖公章”“原件核验”等为通常做法，具体要求以申报指南为准。")), st["note"]))

    if not checklist.entries:
        story.append(P(escape(gettext("没有选定的措施：请在结果中勾选要申请的措施，或补充信息后再生成清单。")),
                       st["body"]))
    else:
        story += _summary(checklist, tx, st)
        story += _per_measure(checklist, tx, st)
        story += _merged(checklist, tx, st)

    return render_story(story, tx, title=title, company_name=checklist.company_name,
                        generated_on=checklist.generated_on)


def render_story(story: list, tx: PdfText, *, title: str, company_name: str | None,
                 generated_on: dt.date) -> RenderedChecklist:
    """Lay out the flowables on A4 with the binding margin and the numbered footer (the page
    furniture every printout of the application shares)."""
    gettext = tx.gettext
    buffer = io.BytesIO()
    footer_left = gettext("绿策通 · 生成于 {date} · 以政策原文及申报指南为准").format(
        date=format_date(generated_on, tx.lang))
    page_label = gettext("第 {page} 页 / 共 {pages} 页")
    doc = SimpleDocTemplate(
        buffer, pagesize=PAGE, leftMargin=MARGIN_LEFT, rightMargin=MARGIN_RIGHT,
        topMargin=MARGIN_TOP, bottomMargin=MARGIN_BOTTOM,
        title=printable_text(f"{title} · {company_name or ''}".strip(" ·")), author="绿策通 GreenMeasures",
        subject=title, creator="绿策通 GreenMeasures",
        # The page preamble and table cells default to Helvetica, which would be referenced
        # unembedded (pdffonts: emb no); everything is in the bundled font.
        initialFontName=FONT, lang=LOCALES[tx.lang].qt_locale.replace("_", "-"))
    pages: list[int] = []
    doc.build(story, canvasmaker=_numbered_canvas(footer_left, page_label, pages))
    return RenderedChecklist(buffer.getvalue(), pages[-1])


def write_checklist(checklist: Checklist, target: str | Path, lang: str = "zh-Hans") -> int:
    """Render and write atomically (the target is the whole PDF or is left as it was); the page
    count. OSError when the target cannot be written."""
    rendered = render_checklist(checklist, lang)
    atomic_write_bytes(Path(target), rendered.pdf)
    return rendered.pages


# -- sections ---------------------------------------------------------------------------------

def _amount(entry: Entry, lang: str) -> str:
    return format_amount_range(entry.amount_min, entry.amount_max, lang, unit="auto")


def _subject(entry: Entry, tx: PdfText) -> str:
    """The project the entry is for (name as typed), or 企业 for a company-level measure."""
    r = entry.result
    if r.project_id is None:
        return escape(tx.gettext("企业"))
    name = tx.typed(r.project_name) or tx.typed(r.project_id)
    return escape(tx.gettext("项目")) + "：" + name


def _choice(entry: Entry, tx: PdfText) -> str:
    gettext = tx.gettext
    parts = []
    if entry.in_plan:
        parts.append(escape(gettext("已列入推荐组合")))
    elif entry.given_up_reason:
        parts.append(escape(gettext("不在推荐组合中，由用户选择")))
    for c in entry.conflicts:
        other = tx.policy(c.citation, c.script)
        if c.chosen:
            text = gettext("与 {other} 不能同时享受，清单中两项都已选：只能择一申报")
            parts.append("<font color='#B42318'>" + escape(text).format(other=other) + "</font>")
        else:
            parts.append(escape(gettext("与 {other} 不能同时享受，已选本项")).format(other=other))
    return "<br/>".join(parts) or escape(gettext("无冲突"))


def meta_table(pairs: list[tuple[str, str]], st) -> LongTable:
    """The block of label / value lines under a printout's title (values are markup). A value
    taller than a page (a name of thousands of characters) splits across pages (splitInRow)."""
    table = LongTable([[Paragraph(escape(k), st["small"]), Paragraph(v, st["body"])] for k, v in pairs],
                      colWidths=[32 * mm, FRAME_WIDTH - 32 * mm], splitInRow=1)
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.3, RULE),
        ("TOPPADDING", (0, 0), (-1, -1), 1.6 * mm), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.6 * mm),
    ]))
    return table


def head_row(labels: list[str], st) -> list:
    return [Paragraph(escape(x), st["head"]) for x in labels]


def data_table(rows: list, widths: list[float], *, zebra: bool = True) -> LongTable:
    # Rows split between pages, the heading row repeats, and a row taller than a page (a cell of
    # hundreds of project names) splits inside itself rather than raising LayoutError.
    table = LongTable(rows, colWidths=widths, repeatRows=1, splitByRow=1, splitInRow=1)
    style: list[tuple[Any, ...]] = [
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BACKGROUND", (0, 0), (-1, 0), ACCENT),
        ("LINEBELOW", (0, 0), (-1, -1), 0.3, RULE),
        ("BOX", (0, 0), (-1, -1), 0.5, RULE),
        ("TOPPADDING", (0, 0), (-1, -1), 1.3 * mm), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5 * mm),
        ("LEFTPADDING", (0, 0), (-1, -1), 1.4 * mm), ("RIGHTPADDING", (0, 0), (-1, -1), 1.4 * mm),
    ]
    if zebra:
        style += [("BACKGROUND", (0, i), (-1, i), SHADE) for i in range(2, len(rows), 2)]
    table.setStyle(TableStyle(style))
    return table


def _summary(checklist: Checklist, tx: PdfText, st) -> list:
    gettext = tx.gettext
    rows = [head_row([gettext("序"), gettext("措施"), gettext("条款"), gettext("状态"),
                       gettext("金额估算"), gettext("评审制"), gettext("冲突与选择")], st)]
    for e in checklist.entries:
        r = e.result
        measure = (tx.policy(e.measure["title"], e.script)
                   + "<br/><font size='7.5' color='#52606D'>"
                   + f"{escape(r.measure_id)} · {_subject(e, tx)}</font>")
        rows.append([
            Paragraph(str(e.number), st["cell"]),
            Paragraph(measure, st["cell"]),
            # the clause on a line of its own: （十六） must not break inside
            Paragraph(tx.policy(r.document["short_title"], e.script) + "<br/>"
                      + tx.policy(e.measure["clause"], e.script), st["cell"]),
            Paragraph(escape(gettext(STATUS_TITLES[r.status])), st["cell"]),
            Paragraph(escape(_amount(e, tx.lang)), st["cell"]),
            Paragraph(escape(gettext("是") if r.discretionary else gettext("否")), st["cell"]),
            Paragraph(_choice(e, tx), st["cell_small"]),
        ])
    widths = [10 * mm, 41 * mm, 28 * mm, 15 * mm, 23 * mm, 14 * mm]
    widths.append(FRAME_WIDTH - sum(widths))
    total = checklist.known_total_max
    total_text = gettext("已知金额上限合计：{total}").format(total=format_money(total, tx.lang, unit="auto"))
    if checklist.total_max is None:
        total_text += gettext("（另有措施金额未列明，未计入）")
    out = [Paragraph(escape(gettext("一、申报事项汇总")), st["h1"]), data_table(rows, widths),
           Spacer(0, 2 * mm), Paragraph(escape(total_text), st["body"])]
    if checklist.expiring:
        # The same item text as the report and the workbook (core.engine.expiring), converted
        # from the cited document's script (到期 and the date read alike in every script).
        items = "；".join(tx.policy(e.text(), e.script) for e in checklist.expiring)
        out.append(Paragraph("<font color='#B54708'>" + escape(gettext("即将到期：")) + items + "</font>",
                             st["body"]))
    return out


def _document_cell(doc: Document, entry_number: int | None, tx: PdfText, st) -> Paragraph:
    gettext = tx.gettext
    text = f"<font size='9.5'>{tx.policy(doc.name)}</font>"
    details = [d for n, d in doc.details if entry_number is None or n == entry_number]
    if details:
        label = gettext("须载明")
        text += f"<br/><font size='8' color='#52606D'>{escape(label)}：" + "；".join(
            tx.policy(d) for d in dict.fromkeys(details)) + "</font>"
    if entry_number is not None and entry_number in doc.conditional:
        text += "<br/><font size='8' color='#B54708'>" + escape(gettext(
            "视情况提供：相关条件尚待补充信息确认")) + "</font>"
    return Paragraph(text, st["cell"])


def _notes_cell(doc: Document, tx: PdfText, st, also: list[int] | None = None) -> Paragraph:
    gettext = tx.gettext
    parts = ["；".join(tx.policy(n) for n in doc.notes)] if doc.notes else []
    if also and len(also) <= ALSO_LISTED:
        parts.append(escape(gettext("同一份材料亦用于第 {numbers} 项")).format(numbers=_numbers(also)))
    elif also:
        parts.append(escape(gettext("同一份材料亦用于其他 {count} 项（见合并材料清单）")).format(
            count=len(also)))
    return Paragraph("<br/>".join(parts), st["cell_small"])


def _per_measure(checklist: Checklist, tx: PdfText, st) -> list:
    gettext = tx.gettext
    out: list = [CondPageBreak(60 * mm)]
    # The section's heading goes with its first entry: never alone at the foot of a page.
    section: list = [Paragraph(escape(gettext("二、分项材料清单")), st["h1"])]
    widths = [9 * mm, 88 * mm]
    widths.append(FRAME_WIDTH - sum(widths))
    for e in checklist.entries:
        head = Paragraph(f"{e.number}. {tx.policy(e.measure['title'], e.script)}"
                         f"<font size='9' color='#52606D'>（{tx.policy(e.citation, e.script)}）</font>",
                         st["h2"])
        names = "、".join(tx.policy(d, e.script) for d in e.departments)
        if e.department_kind == "reviewing":
            dept = escape(gettext("审核单位")) + "：" + names
        elif e.department_kind == "responsible":
            dept = escape(gettext("责任单位")) + "：" + names
        else:
            dept = escape(gettext("审核单位：政策原文未列明，以申报指南为准"))
        calculation = e.result.amount.calculation
        how = (escape(gettext("计算：")) + tx.policy(calculation, None) + "<br/>") if calculation else ""
        meta = Paragraph(" · ".join([_subject(e, tx), escape(gettext(STATUS_TITLES[e.result.status])),
                                     escape(_amount(e, tx.lang))]) + "<br/>" + how + dept, st["small"])
        rows = [head_row(["", gettext("材料"), gettext("说明")], st)]
        for doc in e.documents:
            also = [n for n in doc.needed_by if n != e.number]
            rows.append([CheckBox(), _document_cell(doc, e.number, tx, st), _notes_cell(doc, tx, st, also)])
        table = data_table(rows, widths, zebra=False)
        # Keep the heading with the first rows; a long table may then split across pages.
        if len(rows) <= 8:
            out.append(KeepTogether([*section, head, meta, Spacer(0, 1.5 * mm), table]))
        else:
            # A long table may split across pages, but never leaves its heading alone at the foot
            # of a page: start on a new page unless the heading and a few rows fit.
            out.extend([CondPageBreak(55 * mm), _keep_head([*section, head, meta], table)])
        section = []
    return out + section


def _keep_head(heads: list, table) -> KeepTogether:
    return KeepTogether([*heads, Spacer(0, 1.5 * mm), table], maxHeight=PAGE[1] / 3)


def _merged(checklist: Checklist, tx: PdfText, st) -> list:
    gettext = tx.gettext
    rows = [head_row(["", gettext("材料"), gettext("用于（序号）"), gettext("说明")], st)]
    for doc in checklist.documents:
        numbers = _numbers(doc.needed_by)
        if doc.conditional and set(doc.conditional) == set(doc.needed_by):
            numbers += escape(gettext("（视情况）"))
        rows.append([CheckBox(), _document_cell(doc, None, tx, st),
                     Paragraph(numbers, st["cell"]), _notes_cell(doc, tx, st)])
    widths = [9 * mm, 86 * mm, 24 * mm]
    widths.append(FRAME_WIDTH - sum(widths))
    intro = gettext("下列材料按份准备，同一份材料用于多项申报时只列一次，并注明用于哪几项。")
    return [CondPageBreak(50 * mm), Paragraph(escape(gettext("三、合并材料清单")), st["h1"]),
            Paragraph(escape(intro), st["small"]), Spacer(0, 2 * mm), data_table(rows, widths)]


# -- page furniture -----------------------------------------------------------------------------

def _numbered_canvas(footer_left: str, page_label: str, pages_out: list[int]):
    """A canvas class that knows the page count when it draws each footer (two passes over the
    saved page states: reportlab's usual recipe for `共 y 页`)."""

    class NumberedCanvas(rl_canvas.Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self):   # noqa: N802 (reportlab's name)
            self._pages.append(dict(self.__dict__))
            self._startPage()   # type: ignore[attr-defined]  # private Canvas method, not in its stubs

        def save(self):
            total = len(self._pages)
            pages_out.append(total)
            for state in self._pages:
                self.__dict__.update(state)
                self._footer(total)
                super().showPage()
            super().save()

        def _footer(self, total: int) -> None:
            self.saveState()
            self.setFont(FONT, 8)
            self.setFillColor(MUTED)
            self.setStrokeColor(RULE)
            self.setLineWidth(0.4)
            y = MARGIN_BOTTOM - 8 * mm
            self.line(MARGIN_LEFT, y + 3.5 * mm, PAGE[0] - MARGIN_RIGHT, y + 3.5 * mm)
            self.drawString(MARGIN_LEFT, y, footer_left)
            self.drawRightString(PAGE[0] - MARGIN_RIGHT, y,
                                 page_label.format(page=self.getPageNumber(), pages=total))
            self.restoreState()

    return NumberedCanvas

