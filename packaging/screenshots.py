"""Take screenshots of the main screens (run under Xvfb or on a desktop).

    xvfb-run -s "-screen 0 1600x1000x24" python packaging/screenshots.py [--scale 1.5] [--out docs/screenshots]
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", default="1")
    parser.add_argument("--out", default="docs/screenshots")
    args = parser.parse_args()
    os.environ["QT_SCALE_FACTOR"] = args.scale
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from core.measures.store import open_bundled
    from ui.app import MeasureBrowser

    app = QApplication(sys.argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    window = MeasureBrowser(open_bundled())
    window.show()
    suffix = "" if args.scale == "1" else f"@{args.scale}x"

    def shoot() -> None:
        window.grab().save(str(out / f"browser{suffix}.png"))
        window.search.insert("光伏")
        app.processEvents()
        window.list.setCurrentIndex(window.proxy.index(0, 0))
        app.processEvents()
        window.grab().save(str(out / f"browser-search{suffix}.png"))
        # A record of the Traditional-script plan (the one with the cleaned converter noise).
        window.search.clear()
        window.document_filter.setCurrentIndex(window.document_filter.findData("sz-sepi-plan-2022"))
        app.processEvents()
        window.list.setCurrentIndex(window.proxy.index(12, 0))
        app.processEvents()
        window.grab().save(str(out / f"browser-traditional{suffix}.png"))
        app.quit()

    QTimer.singleShot(500, shoot)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
