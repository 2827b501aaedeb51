"""The start-up baseline: a bare PySide6 window with one label (bench/bench_startup.py).

    python bench/bare.py

Made the way a minimal PySide6 application is, plus the same start-up probe as ``main.py``
(ui/startup_probe.py; inactive unless GREENMEASURES_STARTUP_PROBE is set).
"""
import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))   # the probe, from the checkout

from ui.startup_probe import attach_if_asked  # noqa: E402 - after the path above

app = QApplication(sys.argv)
window = QMainWindow()
window.setCentralWidget(QLabel("绿策通"))
window.resize(1280, 800)
window.show()
probe = attach_if_asked(window)
sys.exit(app.exec())
