"""Take screenshots of the main screens in both scripts (run under Xvfb or on a desktop).

    xvfb-run -a -s "-screen 0 1600x1000x24" python packaging/screenshots.py [--scale 1.5] [--out docs/screenshots]

Writes main-<lang>.png (profile and live results), needs-info-<lang>.png (a result that needs a
fact, selected), plan-<lang>.png and browser-<lang>.png, with @1.5x for --scale 1.5. Nothing is
written to the user's folders: settings and drafts go to a temporary folder and memory.
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
                                   "above_designated_size": True}}},
    "projects": [{"id": "p1", "name": "厂房屋顶分布式光伏", "type": "distributed_pv", "district": "luohu",
                  "property": "social", "investment_actual": 3200000, "capacity_kw": 800,
                  "pv_technology": "conventional", "grid_connected_on": "2024-03-01"}],
}


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
    from ui.app import install_qt_translations, register_bundled_font
    from ui.main_window import MainWindow

    app = QApplication(sys.argv)
    register_bundled_font(app)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    window = MainWindow(open_bundled(), Settings(Path(temp) / "settings.json"), MemoryProfileStore())
    window.resize(1366, 820)
    window.show()
    window.as_of_edit.setDate(QDate(2025, 6, 30))
    window._set_form(json.loads(json.dumps(SAMPLE)))
    window.evaluate()
    suffix = "" if args.scale == "1" else f"@{args.scale}x"

    def shoot() -> None:
        for lang in ("zh-Hans", "zh-Hant"):
            set_language(lang)
            install_qt_translations(app, lang)
            window.tabs.setCurrentIndex(0)
            window.results.select("lh-glc-2024/1", None)
            app.processEvents()
            window.grab().save(str(out / f"main-{lang}{suffix}.png"))
            window.results.select("lh-glc-2024/7.1", "p1")
            app.processEvents()
            window.grab().save(str(out / f"needs-info-{lang}{suffix}.png"))
            window.results.tabs.setCurrentIndex(1)
            app.processEvents()
            window.grab().save(str(out / f"plan-{lang}{suffix}.png"))
            window.results.tabs.setCurrentIndex(0)
            window.tabs.setCurrentIndex(1)
            window.browser.show_measure("lh-glc-2024/7.1")
            app.processEvents()
            window.grab().save(str(out / f"browser-{lang}{suffix}.png"))
        window.dirty = False
        app.quit()

    QTimer.singleShot(600, shoot)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
