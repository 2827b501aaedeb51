"""Layering rules that keep the engine usable by the window, the kiosk and the command line."""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_core_imports_no_qt():
    offenders = []
    for path in (ROOT / "core").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path.relative_to(ROOT)}: {n}" for n in names
                          if n.split(".")[0] in ("PySide6", "shiboken6", "ui")]
    assert offenders == []


def test_bundled_seeds_match_the_shared_originals():
    shared = ROOT.parent / "shared" / "seeds"
    if not shared.is_dir():
        return  # outside the workspace the bundled copies are the originals
    bundled = ROOT / "resources" / "seeds"
    for original in shared.glob("*.txt"):
        assert (bundled / original.name).read_bytes() == original.read_bytes(), original.name
