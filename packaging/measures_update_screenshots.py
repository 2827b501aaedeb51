"""Screenshots of the measures update in the window (run under Xvfb or on a desktop):

    xvfb-run -a -s "-screen 0 1600x1000x24" python packaging/measures_update_screenshots.py [--scale 1.5]

Writes docs/screenshots/measures-update-<what>-<lang>[@1.5x].png for <what> = stale (the window
with the out-of-date warning bar), pack (the import dialog showing a verified pack's manifest) and
changes (what the import changed for a Luohu company), and kiosk (the kiosk's 措施数据 page with a
pack found on a "USB stick" and verified, 1366×768), in zh-Hans and zh-Hant; at scale 1 also the
pages of the what-changed PDF in all three scripts (measures-update-pdf-<lang>-<page>.png, through
pdftoppm).

The pack is the test suite's "next release" (tests/packs.py) signed with a throw-away key that
this script alone trusts; the clock is moved to 2028-01-01 so that the bundled data is out of
date. Nothing is written to the user's folders: data, settings and cache go to a temporary folder.
"""
from __future__ import annotations

import argparse
import copy
import datetime as dt
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "packaging"))
from screenshots import settle, wait_for  # noqa: E402  (packaging/screenshots.py)

COMPANY = {
    "format": "greenmeasures.profile/1",
    "company": {"name": "罗湖新能源有限公司", "district": "luohu", "fields": ["new_energy"],
                "settled_in_district_on": "2025-03-01",
                "years": {"2025": {"revenue": 60000000, "in_statistics": True}}},
    "projects": [{"id": "p1", "name": "厂房屋顶分布式光伏", "type": "distributed_pv", "district": "luohu",
                  "property": "social", "investment_actual": 3200000, "capacity_kw": 800,
                  "pv_technology": "conventional", "grid_connected_on": "2026-03-01"}],
}
AS_OF = dt.date(2026, 12, 15)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", default="1")
    parser.add_argument("--out", default="docs/screenshots")
    args = parser.parse_args()
    os.environ["QT_SCALE_FACTOR"] = args.scale
    temp = Path(tempfile.mkdtemp(prefix="gm-update-shots-"))
    os.environ["GREENMEASURES_CONFIG_DIR"] = str(temp / "config")
    os.environ["GREENMEASURES_CACHE_DIR"] = str(temp / "cache")

    import shiboken6
    from PySide6.QtCore import QDate
    from PySide6.QtWidgets import QApplication

    from core.i18n import set_language
    from core.measures import installed as inst
    from core.measures import pack as packmod
    from core.profile_store import MemoryProfileStore
    from core.settings import Settings
    from tests.packs import make_keys, next_release
    from ui import kiosk as kiosk_module
    from ui import measures_status
    from ui.app import install_qt_translations, register_bundled_font
    from ui.main_window import MainWindow

    private, keys = make_keys()
    packmod.trusted_keys = lambda folder=None: dict(keys)          # this script's key only
    measures_status.today = lambda: dt.date(2028, 1, 1)            # the bundled data is old by then
    sources, seeds = next_release(temp / "next")
    pack_file = temp / "绿策通措施包-2026.12.1.gmpack"
    pack_file.write_bytes(packmod.build_pack(private, sources, seeds))
    stick = temp / "U盘"
    (stick / "措施更新").mkdir(parents=True)
    (stick / "措施更新" / pack_file.name).write_bytes(pack_file.read_bytes())
    kiosk_module.pack_roots = lambda: [stick]                     # the kiosk finds only this "stick"

    app = QApplication(sys.argv)
    register_bundled_font(app)
    out = ROOT / args.out
    out.mkdir(parents=True, exist_ok=True)
    suffix = "" if args.scale == "1" else f"@{args.scale}x"
    last_report = None

    for lang in ("zh-Hans", "zh-Hant"):
        os.environ["GREENMEASURES_DATA_DIR"] = str(temp / f"data-{lang}")     # the bundled data again
        set_language(lang)
        install_qt_translations(app, lang)
        settings = Settings(temp / "settings.json")
        window = MainWindow(inst.open_in_use(), settings, MemoryProfileStore())
        window.resize(1366, 820)
        window.show()
        window.as_of_edit.setDate(QDate(AS_OF.year, AS_OF.month, AS_OF.day))
        window._set_form(copy.deepcopy(COMPANY))
        window.evaluate()
        window.results.select("lh-glc-2024/1", None)
        settle(app, 0.8)
        window.grab().save(str(out / f"measures-update-stale-{lang}{suffix}.png"))

        dialog = window._measures_dialog()
        dialog.check_file(pack_file)
        wait_for(app, lambda d=dialog: not d.is_busy())
        settle(app)
        dialog.grab().save(str(out / f"measures-update-pack-{lang}{suffix}.png"))

        dialog.do_import()
        wait_for(app, lambda d=dialog: d.page() == d.CHANGES and not d.is_busy())
        settle(app)
        dialog.grab().save(str(out / f"measures-update-changes-{lang}{suffix}.png"))
        last_report = dialog.switched
        dialog.close()
        window.dirty = False
        window.close()
        db = window.db
        shiboken6.delete(window)        # it follows the language while it exists
        db.close()

        os.environ["GREENMEASURES_DATA_DIR"] = str(temp / f"kiosk-{lang}")    # the bundled data again
        settings.set("kiosk_pin_hash", "scrypt$1$1$1$00$00")             # any: the page is opened directly
        kiosk = kiosk_module.KioskWindow(inst.open_in_use(), settings, idle_ms=600_000)
        kiosk.resize(1366, 768)
        kiosk.show()
        kiosk._unlocked = True
        kiosk.show_data()
        wait_for(app, lambda k=kiosk: k.pack_task is None and k.packs_list.count() > 0)
        kiosk.packs_list.setCurrentRow(0)
        wait_for(app, lambda k=kiosk: k.pack_task is None and k.verified is not None)
        settle(app)
        kiosk.grab().save(str(out / f"measures-update-kiosk-{lang}{suffix}.png"))
        kiosk.shutdown_timers()
        kiosk.close()
        db = kiosk.db
        shiboken6.delete(kiosk)
        db.close()

    if args.scale == "1" and last_report is not None:
        from core.checklist.changes_pdf import render_changes
        for lang in ("zh-Hans", "zh-Hant", "zh-Hant-TW"):
            rendered = render_changes(last_report.report, lang, company_name=COMPANY["company"]["name"],
                                      before=last_report.switch.before, after=last_report.switch.after)
            pdf = temp / f"changes-{lang}.pdf"
            pdf.write_bytes(rendered.pdf)
            subprocess.run(["pdftoppm", "-png", "-r", "80", str(pdf),
                            str(out / f"measures-update-pdf-{lang}")], check=True)
    set_language("zh-Hans")
    return 0


if __name__ == "__main__":
    sys.exit(main())
