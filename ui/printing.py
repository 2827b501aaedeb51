"""Printing a checklist PDF: through CUPS where there is one, else through Qt's print system.

- **CUPS** (Linux, macOS): the PDF itself goes to the queue (`core.printing`), so the printer gets
  vector text; the queue's state (stopped, offline, out of paper) is read before submitting.
- **Qt** (Windows, or no CUPS clients): each page is rasterised with PDFium at the printer's
  resolution (at most 300 dpi) and painted on a `QPrinter`. Qt silently falls back to the default
  printer for a name it does not know, so the name is checked against `QPrinterInfo` first.

Both run on the worker thread (ui/tasks.py): painting on a QPrinter is allowed off the UI thread.
Nothing is written to disk here: the PDF travels as bytes.
"""
from __future__ import annotations

from collections.abc import Callable

import pypdfium2 as pdfium
from PySide6.QtCore import QRectF
from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPainter
from PySide6.QtPrintSupport import QPrinter, QPrinterInfo

from core import printing as cups
from core.printing import PrintError

MAX_PRINT_DPI = 300
Progress = Callable[[int, int], None]


def use_cups() -> bool:
    return cups.available()


def printer_names() -> tuple[list[str], str | None]:
    """(every printer name, the default or None) from the print system that will print."""
    if use_cups():
        infos = cups.printers()
        return [p.name for p in infos], next((p.name for p in infos if p.is_default), None)
    default = QPrinterInfo.defaultPrinterName()
    return list(QPrinterInfo.availablePrinterNames()), default or None


def page_image(page: pdfium.PdfPage, dpi: float) -> QImage:
    """One PDF page as an RGB QImage (a copy: it outlives PDFium's buffer)."""
    bitmap = page.render(scale=dpi / 72, rev_byteorder=True, optimize_mode="print")
    image = QImage(bitmap.buffer, bitmap.width, bitmap.height, bitmap.stride, QImage.Format.Format_RGB888)
    return image.copy()


def render_pages(pdf: bytes, dpi: float, progress: Progress | None = None) -> list[QImage]:
    """Every page of the PDF as an image (the preview)."""
    document = pdfium.PdfDocument(pdf)
    try:
        count = len(document)
        images = []
        for index in range(count):
            images.append(page_image(document[index], dpi))
            if progress:
                progress(index + 1, count)
        return images
    finally:
        document.close()


def page_numbers(page_ranges: str | None, count: int) -> list[int]:
    """1-based page numbers to print from "1-3,5" (validated by core.printing), within the document."""
    if not page_ranges:
        return list(range(1, count + 1))
    numbers = []
    for part in cups.normalize_page_ranges(page_ranges).split(","):
        low, _, high = part.partition("-")
        numbers += range(int(low), int(high or low) + 1)
    return [n for n in numbers if n <= count]


def paint_pdf(printer: QPrinter, pdf: bytes, page_ranges: str | None = None,
              progress: Progress | None = None) -> int:
    """Paint the PDF's pages on `printer`, each filling the paper as the PDF lays it out; pages painted."""
    printer.setFullPage(True)
    printer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait,
                                      printer.pageLayout().margins()))
    document = pdfium.PdfDocument(pdf)
    painter = QPainter()
    try:
        numbers = page_numbers(page_ranges, len(document))
        if not numbers:
            raise PrintError("bad_options", printer.printerName(), detail=f"page ranges {page_ranges!r}")
        if not painter.begin(printer):
            raise PrintError("failed", printer.printerName(), detail="the printer could not be opened")
        dpi = min(printer.resolution(), MAX_PRINT_DPI)
        paper = printer.pageLayout().fullRectPixels(printer.resolution())
        for i, number in enumerate(numbers):
            if i and not printer.newPage():
                raise PrintError("failed", printer.printerName(), detail="the printer refused a new page")
            image = page_image(document[number - 1], dpi)
            painter.drawImage(QRectF(0, 0, paper.width(), paper.height()), image)
            if progress:
                progress(i + 1, len(numbers))
        return len(numbers)
    finally:
        if painter.isActive():
            painter.end()
        document.close()


def qt_printer(name: str | None) -> QPrinter:
    """A QPrinter for exactly `name` (None: the default); PrintError instead of Qt's silent fallback."""
    if name is None:
        info = QPrinterInfo.defaultPrinter()
        if info.isNull():
            raise PrintError("no_default")
    else:
        info = QPrinterInfo.printerInfo(name)
        if info.isNull() or info.printerName() != name:
            raise PrintError("unknown_printer", name)
    if info.state() == QPrinter.PrinterState.Error:
        raise PrintError("offline", info.printerName())
    printer = QPrinter(info, QPrinter.PrinterMode.HighResolution)
    if printer.printerName() != info.printerName():
        raise PrintError("unknown_printer", name)
    return printer


def print_pdf(pdf: bytes, printer: str | None = None, *, copies: int = 1, page_ranges: str | None = None,
              title: str = "", progress: Progress | None = None) -> str:
    """Send the PDF to `printer` (None: the default); returns what to tell the user it went to."""
    cups.check_options(printer, copies, page_ranges)
    if use_cups():
        job = cups.submit_pdf_data(pdf, printer, copies=copies, page_ranges=page_ranges, title=title)
        if progress:
            progress(1, 1)
        return job
    target = qt_printer(printer)
    target.setDocName(title or "GreenMeasures")
    target.setCopyCount(copies)
    target.setCollateCopies(True)
    paint_pdf(target, pdf, page_ranges, progress)
    return target.printerName()
