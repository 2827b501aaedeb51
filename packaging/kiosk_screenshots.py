"""Screenshots of every kiosk screen in both scripts, from the real window shown as a real start
shows it (ui.app.show_kiosk_window: full screen), at the size of the screen it runs on:

    xvfb-run -a -s "-screen 0 1366x768x24" python packaging/kiosk_screenshots.py [--out docs/screenshots]
    xvfb-run -a -s "-screen 0 1920x1080x24" python packaging/kiosk_screenshots.py
    xvfb-run -a -s "-screen 0 1080x1920x24" python packaging/kiosk_screenshots.py

Writes kiosk-<screen>-<lang>-<W>x<H>.png, screens: unavailable (no usable PIN: the kiosk fails
closed), start, start-large (大字模式), the interview's screens (interview-name, -district, -entity,
-projects, -type, -question, -number, -date, -choices, -review, and -type-large, -number-large in
大字模式), results, qr (扫码带走), print, confirm,
wipe-confirm, countdown, pin, pin-locked (after five wrong PINs), admin. Nothing is written to the user's
folders: the configuration and data folders are temporary ones.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "packaging"))

from screenshots import SAMPLE, settle, wait_for  # noqa: E402  (packaging/screenshots.py)

LANGS = {"zh-Hans": "hans", "zh-Hant": "hant"}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    home = tempfile.mkdtemp(prefix="gm-kiosk-shots-")
    os.environ["GREENMEASURES_CONFIG_DIR"] = str(Path(home) / "config")
    os.environ["GREENMEASURES_DATA_DIR"] = str(Path(home) / "data")

    from PySide6.QtWidgets import QApplication

    from core.i18n import set_language
    from core.kiosk import FREE_ATTEMPTS, LOCKOUT_FIRST, hash_pin
    from core.measures.store import open_bundled
    from core.settings import Settings
    from ui.app import register_bundled_font, show_kiosk_window
    from ui.kiosk import KioskWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    register_bundled_font(app)
    db = open_bundled()
    screen = app.primaryScreen().size()
    width, height = screen.width(), screen.height()
    for lang, script in LANGS.items():
        set_language("zh-Hans")
        settings = Settings()
        settings.set("kiosk_pin_hash", "")
        settings.set("kiosk_printer", "hall-printer")
        settings.set("kiosk_district", "luohu")
        window = KioskWindow(db, settings)

        def shot(name: str, window=window, tag=f"{lang}-{width}x{height}") -> None:
            settle(app)
            path = args.out / f"kiosk-{name}-{tag}.png"
            window.grab().save(str(path))
            print(path)

        show_kiosk_window(window)
        window.set_script(script)
        shot("unavailable")
        settings.set("kiosk_pin_hash", hash_pin("2468"))
        window.wipe()
        window.set_script(script)
        shot("start")
        window.large_button.click()
        shot("start-large")
        window.large_button.click()
        window.start()
        window.visitor.set_profile(SAMPLE)
        interview = window.interview
        project_id = SAMPLE["projects"][0]["id"]
        interview.restart()
        shot("interview-name")
        for name in ("district", "entity", "projects"):
            interview.next()
            shot(f"interview-{name}")
        interview.add_button.click()
        shot("interview-type")
        window.large_button.click()
        shot("interview-type-large")
        window.large_button.click()
        interview.back()
        interview.next()                       # the first deciding question
        shot("interview-question")
        for name, fact, pid in (("number", "project.capacity_kw", project_id),
                                ("date", "project.grid_connected_on", project_id),
                                ("choices", "company.business_lines", None)):
            interview.open_field(fact, pid)
            shot(f"interview-{name}")
        interview.open_field("project.capacity_kw", project_id)
        window.large_button.click()
        shot("interview-number-large")
        window.large_button.click()
        interview.open_review()
        shot("interview-review")
        interview.next()                       # 查看结果
        shot("results")
        window.show_qr()
        shot("qr")
        window.qr.hide()
        window.next()
        wait_for(app, lambda w=window: w.checklist.rendered is not None and not w.checklist.is_busy())
        shot("print")
        window.ask_print()
        shot("confirm")
        window.confirm.hide()
        window.ask_wipe()
        shot("wipe-confirm")
        window.wipe_confirm.hide()
        window.idle()
        shot("countdown")
        window.keep_going()
        window.ask_admin()
        for digit in "13":
            window.pin_pad.digits[digit].click()
        shot("pin")
        lock = window.pin_lock                # as after five wrong PINs, 18 s into the lock
        lock.failures, lock.until = FREE_ATTEMPTS, time.time() + LOCKOUT_FIRST - 18
        window.pin_pad.refresh()
        shot("pin-locked")
        lock.reset()
        window.pin_pad.hide()
        window._pin_accepted("2468")       # as after the right PIN
        wait_for(app, lambda w=window: w.printer_task is None)   # the printer check runs on the worker
        shot("admin")
        window.exit_kiosk()
        window.deleteLater()
        settle(app, 0.1)
    set_language("zh-Hans")
    db.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
