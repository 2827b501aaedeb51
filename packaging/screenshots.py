"""Take screenshots of the desktop window in both scripts, as users see it (under Xvfb or a desktop).

    xvfb-run -a -s "-screen 0 1366x768x24" python packaging/screenshots.py
    xvfb-run -a -s "-screen 0 1920x1080x24" python packaging/screenshots.py
    QT_SCALE_FACTOR=1.5 xvfb-run -a -s "-screen 0 1920x1080x24" python packaging/screenshots.py --scale 1.5

The window is made and shown exactly as a real start does (MainWindow, placed from the available
screen, ui.app.show_main_window): no resizing here, so a cut-off pane shows in the pictures. Writes
desktop-<shot>-<lang>-<W>x<H>[@1.5x].png for the guided interview's five steps (guided-1 … guided-5),
the full form (form), a result that needs a fact (needs-info), the plan, the measure browser and the
checklist window; at 1366x768 and scale 1 also the first two pages of the checklist PDF in all three
scripts (checklist-pdf-<lang>-<page>.png). Nothing is written to the user's folders.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SAMPLE = {
    "format": "greenmeasures.profile/1",
    "company": {"name": "深圳市示例科技有限公司", "district": "luohu", "entity_type": "enterprise",
                "independent_legal_person": True, "fields": ["new_energy"],
                "business_lines": ["carbon_service"], "settled_in_district_on": "2024-03-01",
                "years": {"2024": {"revenue": 60000000, "in_statistics": True,
                                   "above_designated_size": True}},
                "supports_received": []},
    "projects": [{"id": "p1", "name": "厂房屋顶分布式光伏", "type": "distributed_pv", "district": "luohu",
                  "property": "social", "investment_actual": 3200000, "capacity_kw": 800,
                  "pv_technology": "conventional", "grid_connected_on": "2024-03-01"}],
}


def wait_for(app, condition, timeout: float = 30.0) -> None:
    import time
    end = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > end:
            raise SystemExit("timed out waiting for the checklist preview")
        app.processEvents()
        time.sleep(0.02)


def settle(app, seconds: float = 0.4) -> None:
    import time
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.02)


def save_pdf_pages(window, out: Path, pages: int = 2, dpi: int = 80) -> None:
    """The checklist PDF's first pages as pictures, in all three scripts (what a printout shows)."""
    import pypdfium2 as pdfium

    from core.checklist.model import build_checklist
    from core.checklist.pdf import render_checklist
    from ui.printing import page_image

    checklist = build_checklist(window.evaluation, window.form.profile())
    for lang in ("zh-Hans", "zh-Hant", "zh-Hant-TW"):
        document = pdfium.PdfDocument(render_checklist(checklist, lang).pdf)
        for index in range(min(pages, len(document))):
            page_image(document[index], dpi).save(str(out / f"checklist-pdf-{lang}-{index + 1}.png"))
        document.close()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", default="1")
    parser.add_argument("--out", default="docs/screenshots")
    args = parser.parse_args()
    os.environ["QT_SCALE_FACTOR"] = args.scale
    temp = tempfile.mkdtemp(prefix="gm-shots-")
    os.environ.setdefault("GREENMEASURES_CONFIG_DIR", temp)
    from PySide6.QtCore import QDate, QTimer
    from PySide6.QtWidgets import QApplication

    from core.i18n import set_language
    from core.measures.store import open_bundled
    from core.profile_store import MemoryProfileStore
    from core.settings import Settings
    from ui.app import install_qt_translations, register_bundled_font, show_main_window
    from ui.main_window import MainWindow

    app = QApplication(sys.argv)
    register_bundled_font(app)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    window = MainWindow(open_bundled(), Settings(Path(temp) / "settings.json"), MemoryProfileStore())
    show_main_window(window)
    window.as_of_edit.setDate(QDate(2025, 6, 30))
    screen = window.screen().size()
    scale = float(args.scale)
    size = f"{round(screen.width() * scale)}x{round(screen.height() * scale)}"
    suffix = "" if args.scale == "1" else f"@{args.scale}x"

    def grab(name: str, lang: str, widget=None) -> None:
        settle(app, 0.2)
        (widget or window).grab().save(str(out / f"desktop-{name}-{lang}-{size}{suffix}.png"))

    def shoot() -> None:
        for lang in ("zh-Hans", "zh-Hant"):
            set_language(lang)
            install_qt_translations(app, lang)
            window.tabs.setCurrentIndex(0)
            # the guided interview, from an empty profile to the results
            window.modes.setCurrentWidget(window.interview)
            window._load(json.loads(json.dumps({"format": SAMPLE["format"], "company": {},
                                                 "projects": []})), None)
            grab("guided-1", lang)
            window._load(json.loads(json.dumps(SAMPLE)), None)
            window.as_of_edit.setDate(QDate(2025, 6, 30))
            for n, step in enumerate(("projects", "questions", "review", "results"), start=2):
                window.interview.go(step)
                grab(f"guided-{n}", lang)
            window.dirty = False
            window.show_full_form()
            window.results.select("lh-glc-2024/1", None)
            grab("form", lang)
            window.form.tabs.setCurrentIndex(1)
            window.results.select("lh-glc-2024/7.1", "p1")
            grab("needs-info", lang)
            window.results.tabs.setCurrentIndex(1)
            grab("plan", lang)
            window.results.tabs.setCurrentIndex(0)
            window.form.tabs.setCurrentIndex(0)
            window.tabs.setCurrentIndex(1)
            window.browser.show_measure("lh-glc-2024/7.1")
            grab("browser", lang)
            window.tabs.setCurrentIndex(0)
            window.show_checklist()
            panel = window.checklist_dialog.panel
            panel.language.setCurrentIndex(panel.language.findData(lang))
            wait_for(app, lambda p=panel: p.rendered is not None and not p.is_busy())
            settle(app)          # let the pages' layout and paint happen before the grab
            grab("checklist", lang, window.checklist_dialog)
            window.checklist_dialog.hide()
        if args.scale == "1" and size == "1366x768":
            save_pdf_pages(window, out)
        window.dirty = False
        app.quit()

    QTimer.singleShot(600, shoot)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
