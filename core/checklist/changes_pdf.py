""""What changed for you" as a PDF: the effect of a measures update (or rollback) on one company.

It shares the checklist's page furniture (A4, binding margin, bundled font, numbered footer) and
its three kinds of text: the application's words through gettext for the chosen script, policy
text (titles, clauses) converted, and what the user typed (company and project names) as typed.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer

from core.atomic import atomic_write_bytes
from core.checklist.pdf import (
    FRAME_WIDTH,
    PdfText,
    RenderedChecklist,
    data_table,
    head_row,
    meta_table,
    register_font,
    render_story,
    styles,
)
from core.engine.changes import APPEARED, DISAPPEARED, KIND_TITLES, KINDS, Change, ChangeReport, shown_state
from core.i18n import format_amount_range, format_date, format_money, normalize_language


def _source(source, tx: PdfText) -> str:
    return escape(source.describe(tx.gettext, lambda day: format_date(day, tx.lang)))


def _state(status: str | None, amount, tx: PdfText) -> str:
    title, shown = shown_state(status, amount)
    text = escape(tx.gettext(title))
    if shown is not None:
        text += "<br/>" + escape(format_amount_range(shown[0], shown[1], tx.lang, unit="auto"))
    return text


def _measure_cell(c: Change, tx: PdfText) -> str:
    who = escape(tx.gettext("企业"))
    if c.project_id is not None:
        who = escape(tx.gettext("项目")) + "：" + (tx.typed(c.project_name) or tx.typed(c.project_id))
    return (tx.policy(c.title, None) + f"<br/><font size='7.5' color='#52606D'>{escape(c.measure_id)} · "
            f"{tx.policy(c.citation, None)} · {who}</font>")


def render_changes(report: ChangeReport, lang: str = "zh-Hans", *, company_name: str | None,
                   before, after, generated_on: dt.date | None = None) -> RenderedChecklist:
    """`before`/`after`: the core.measures.installed.Source of each side."""
    lang = normalize_language(lang)
    register_font()
    st = styles()
    tx = PdfText(lang)
    gettext = tx.gettext
    generated_on = generated_on or dt.date.today()
    title = gettext("措施数据更新：对本单位的影响")
    story: list = [Paragraph(escape(title), st["title"]),
                   Paragraph(escape(gettext("绿策通 · 深圳绿色低碳扶持措施申报准备")), st["subtitle"])]
    story.append(meta_table([
        (gettext("申请单位"), tx.typed(company_name) or escape(gettext("（未填写）"))),
        (gettext("原数据"), _source(before, tx)),
        (gettext("新数据"), _source(after, tx)),
        (gettext("评估日期"), escape(format_date(report.as_of, lang))),
        (gettext("生成日期"), escape(format_date(generated_on, lang))),
    ], st))
    summary = [
        gettext("整个数据库新增 {added} 条、移除 {removed} 条措施。").format(
            added=report.measures_added, removed=report.measures_removed),
        gettext("推荐组合的金额上限合计：{old} → {new}").format(
            old=format_money(report.old_total, lang, unit="auto"),
            new=format_money(report.new_total, lang, unit="auto")),
    ]
    if not report.changes:
        summary.append(gettext("对本单位的结论和金额都没有变化。"))
    elif report.unchanged:
        summary.append(gettext("其余 {count} 项结论和金额不变。").format(count=report.unchanged))
    story.append(Paragraph("<br/>".join(escape(line) for line in summary), st["note"]))

    for kind in KINDS:
        items = report.of_kind(kind)
        if not items:
            continue
        story.append(Paragraph(escape(f"{gettext(KIND_TITLES[kind])}（{len(items)}）"), st["h1"]))
        rows = [head_row([gettext("措施"), gettext("原来"), gettext("现在")], st)]
        for c in items:
            old = "—" if kind == APPEARED else _state(c.old_status, c.old_amount, tx)
            new = "—" if kind == DISAPPEARED else _state(c.new_status, c.new_amount, tx)
            rows.append([Paragraph(_measure_cell(c, tx), st["cell"]), Paragraph(old, st["cell"]),
                         Paragraph(new, st["cell"])])
        widths = [FRAME_WIDTH - 2 * 36 * mm, 36 * mm, 36 * mm]
        story += [data_table(rows, widths), Spacer(0, 2 * mm)]
    story.append(Paragraph(escape(gettext(
        "结论按所填信息和新旧两版措施数据分别评估得出，供了解更新的影响；申请条件和金额以政策原文及主管部门"
        "发布的申报指南为准。")), st["small"]))
    return render_story(story, tx, title=title, company_name=company_name, generated_on=generated_on)


def write_changes(report: ChangeReport, target: str | Path, lang: str = "zh-Hans", *,
                  company_name: str | None, before, after, generated_on: dt.date | None = None) -> int:
    """Render and write atomically; the page count. OSError when the target cannot be written."""
    rendered = render_changes(report, lang, company_name=company_name, before=before, after=after,
                              generated_on=generated_on)
    atomic_write_bytes(Path(target), rendered.pdf)
    return rendered.pages
