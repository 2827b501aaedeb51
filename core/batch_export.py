"""The batch as a workbook (XlsxWriter) and as CSV files: what an adviser hands a colleague.

Workbook: the summary sheet first (one row per company), then one sheet per company (one row per
result), then ``未能读取`` when some profiles could not be read. Every sheet has its header row
frozen and an autofilter; amounts are numbers with a 元 number format; column widths fit Chinese
text (a CJK character counts as two). The workbook is built in memory and written with
core.atomic: the target is the whole file or is left as it was.

CSV: ``summary.csv`` and one file per company (named like its sheet), UTF-8 with a BOM so that
Excel opens the Chinese text; each file is written atomically.
"""
from __future__ import annotations

import csv
import io
import os
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from core.atomic import atomic_write_bytes
from core.batch import Batch, Company, ResultRow, Unreadable
from core.engine.report import json_money

SUMMARY_SHEET = "汇总"
UNREADABLE_SHEET = "未能读取"
SHEET_NAME_MAX = 31                       # Excel's limit
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_FILE_FORBIDDEN = re.compile(r'[\\/:*?"<>|\x00-\x1f]')
MAX_COLUMN_WIDTH = 60                     # wider text wraps (reasons)
YUAN_FORMAT = '#,##0" 元"'
YUAN_FEN_FORMAT = '#,##0.00" 元"'

SUMMARY_HEADERS = ("企业名称", "统一社会信用代码", "所在区", "可申请（项）", "推荐组合最高额（元）",
                   "需补充信息（项）", "即将到期", "档案文件", "检查时间")
RESULT_HEADERS = ("措施编号", "措施", "条款", "项目", "状态", "金额下限（元）", "金额上限（元）",
                  "评审制", "推荐组合", "理由", "需补充信息", "不能同时享受")
UNREADABLE_HEADERS = ("档案文件", "字段", "问题")


def text_width(text: str) -> int:
    """Display width in Excel's character units: East Asian wide characters count as two."""
    return sum(2 if unicodedata.east_asian_width(c) in ("W", "F") else 1 for c in text)


def sheet_names(companies: Iterable[Company]) -> list[str]:
    """A valid, unique sheet name per company: no []:*?/\\ , at most 31 characters, not the
    summary's or 未能读取's name (Excel compares names without case)."""
    taken = {SUMMARY_SHEET.casefold(), UNREADABLE_SHEET.casefold()}
    names = []
    for company in companies:
        base = _SHEET_FORBIDDEN.sub("_", company.name).strip().strip("'") or company.file.stem
        base = base[:SHEET_NAME_MAX] or "企业"
        name, n = base, 1
        while name.casefold() in taken:
            n += 1
            suffix = f"（{n}）"
            name = base[:SHEET_NAME_MAX - len(suffix)] + suffix
        taken.add(name.casefold())
        names.append(name)
    return names


def summary_values(c: Company) -> list:
    return [c.name, c.uscc, c.district, c.eligible, json_money(c.total_max), c.needs_info,
            c.expiring_text, str(c.file), c.checked_at.isoformat(sep=" ")]


def result_values(r: ResultRow) -> list:
    return [r.measure_id, r.title, r.citation, r.project, r.status_title, r.amount_min, r.amount_max,
            "是" if r.discretionary else "否", "是" if r.in_plan else "", r.reasons, r.missing,
            r.conflicts_with]


def unreadable_values(u: Unreadable) -> list:
    return [u.file, u.field, u.message]


# -- the workbook ---------------------------------------------------------------------------------

def workbook_bytes(batch: Batch) -> bytes:
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False,
                                        "strings_to_formulas": False, "strings_to_urls": False})
    formats = {
        "head": book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True,
                                 "valign": "top"}),
        "text": book.add_format({"valign": "top"}),
        "wrap": book.add_format({"valign": "top", "text_wrap": True}),
        "yuan": book.add_format({"valign": "top", "num_format": YUAN_FORMAT}),
        "fen": book.add_format({"valign": "top", "num_format": YUAN_FEN_FORMAT}),
        "note": book.add_format({"italic": True, "font_color": "#52606D"}),
    }
    summary = [summary_values(c) for c in batch.companies]
    _sheet(book, formats, SUMMARY_SHEET, SUMMARY_HEADERS, summary, amounts={4})
    notes = [f"评估日期 {batch.as_of.isoformat()}　措施数据库 {batch.database_version}　"
             f"即将到期：{batch.expiring_days} 天内到期的可申请措施",
             "金额为按政策文本估算的范围；评审制措施须经评审。一切以政策原文和官方申报指南为准。"]
    if batch.unreadable:
        notes.append(f"另有 {len(batch.unreadable_files)} 个档案未能读取，见“{UNREADABLE_SHEET}”表。")
    if batch.cancelled:
        notes.append("检查被中途取消：本表只含已检查的企业。")
    sheet = book.get_worksheet_by_name(SUMMARY_SHEET)
    for k, note in enumerate(notes):
        sheet.write_string(len(summary) + 2 + k, 0, note, formats["note"])
    for company, name in zip(batch.companies, sheet_names(batch.companies), strict=True):
        rows = [result_values(r) for r in company.rows()]
        _sheet(book, formats, name, RESULT_HEADERS, rows, amounts={5, 6}, wrap={9, 10})
    if batch.unreadable:
        _sheet(book, formats, UNREADABLE_SHEET, UNREADABLE_HEADERS,
               [unreadable_values(u) for u in batch.unreadable], wrap={2})
    book.close()
    return buffer.getvalue()


def _sheet(book, formats: dict, name: str, headers: tuple[str, ...], rows: list[list], *,
           amounts: Iterable[int] = (), wrap: Iterable[int] = ()) -> None:
    amounts, wrap = set(amounts), set(wrap)
    sheet = book.add_worksheet(name)
    widths = [text_width(h) for h in headers]
    for col, head in enumerate(headers):
        sheet.write_string(0, col, head, formats["head"])
    for r, values in enumerate(rows, start=1):
        for col, value in enumerate(values):
            if value is None or value == "":
                continue
            if isinstance(value, (int, float)):
                fmt = formats["text"]
                if col in amounts:       # whole yuan without decimals, fen where there are some
                    fmt = formats["yuan"] if float(value).is_integer() else formats["fen"]
                sheet.write_number(r, col, value, fmt)
                widths[col] = max(widths[col], text_width(f"{value:,.2f} 元"))
            else:
                text = str(value)
                sheet.write_string(r, col, text, formats["wrap"] if col in wrap else formats["text"])
                widths[col] = max(widths[col], max(text_width(line) for line in text.split("\n")))
    for col, width in enumerate(widths):
        sheet.set_column(col, col, min(width, MAX_COLUMN_WIDTH) + 2)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(len(rows), 1), len(headers) - 1)


def write_workbook(batch: Batch, target: str | os.PathLike) -> None:
    """Write the workbook atomically; OSError when the target cannot be written (nothing left)."""
    atomic_write_bytes(Path(os.fspath(target)), workbook_bytes(batch))


# -- CSV ------------------------------------------------------------------------------------------

def _csv_bytes(headers: tuple[str, ...], rows: list[list]) -> bytes:
    text = io.StringIO(newline="")
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows([["" if v is None else v for v in row] for row in rows])
    return text.getvalue().encode("utf-8-sig")


def csv_names(companies: list[Company]) -> list[str]:
    """File names for the companies' CSV files: their sheet names, made safe for a file name."""
    names, taken = [], {"summary.csv", f"{UNREADABLE_SHEET}.csv".casefold()}
    for sheet in sheet_names(companies):
        base = _FILE_FORBIDDEN.sub("_", sheet).strip(" .") or "企业"
        name, n = f"{base}.csv", 1
        while name.casefold() in taken:
            n += 1
            name = f"{base}（{n}）.csv"
        taken.add(name.casefold())
        names.append(name)
    return names


def write_csv(batch: Batch, folder: str | os.PathLike) -> list[Path]:
    """summary.csv, one CSV per company and 未能读取.csv (when some failed) in ``folder`` (made
    if missing); each file atomically. The paths written. OSError when a file cannot be written."""
    folder = Path(os.fspath(folder))
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    files: list[tuple[str, tuple[str, ...], list[list]]] = [
        ("summary.csv", SUMMARY_HEADERS, [summary_values(c) for c in batch.companies])]
    files += [(name, RESULT_HEADERS, [result_values(r) for r in c.rows()])
              for c, name in zip(batch.companies, csv_names(batch.companies), strict=True)]
    if batch.unreadable:
        files.append((f"{UNREADABLE_SHEET}.csv", UNREADABLE_HEADERS,
                      [unreadable_values(u) for u in batch.unreadable]))
    for name, headers, rows in files:
        atomic_write_bytes(folder / name, _csv_bytes(headers, rows))
        written.append(folder / name)
    return written
