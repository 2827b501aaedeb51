"""The cache of the bundled database follows its YAML sources; opening it stays light."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from core.measures import catalog as catalog_module
from core.measures.catalog import content_version
from core.measures.store import MeasuresDB, bundled_database_path
from core.resources import measures_dir

ROOT = Path(__file__).resolve().parent.parent


def test_a_changed_source_file_rebuilds_the_cache(tmp_path, monkeypatch):
    sources = tmp_path / "measures"
    shutil.copytree(measures_dir(), sources)
    monkeypatch.setattr(catalog_module, "measures_dir", lambda: sources)
    monkeypatch.setenv("GREENMEASURES_CACHE_DIR", str(tmp_path / "cache"))
    first = bundled_database_path()
    assert bundled_database_path() == first                 # unchanged sources: reused
    changed = sources / "lh-glc-2024.yaml"
    changed.write_text(changed.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    second = bundled_database_path()
    assert second != first and second.is_file()
    assert not first.exists()                               # the old build is pruned
    db = MeasuresDB(second)
    try:
        assert db.version == content_version(sources) != first.stem.removeprefix("measures-")
    finally:
        db.close()


def test_opening_the_built_database_imports_no_build_tools(shared_cache):
    """Reading needs sqlite3 only: sqlite-utils (and numpy), YAML, OpenCC, jsonschema and Babel are
    imported by later work (a build, a search, a validation, formatting), not by opening the
    window's data. Run in a fresh interpreter, since this process has imported them all."""
    bundled_database_path()                                 # built here, if not yet
    code = ("import sys; from core.measures.store import open_bundled; import core.i18n, "
            "core.profile, core.settings; db = open_bundled(); db.all_measures(); db.documents(); "
            "print(sorted(m for m in ('sqlite_utils', 'numpy', 'yaml', 'opencc', 'jsonschema', "
            "'babel') if m in sys.modules))")
    env = {**os.environ, "GREENMEASURES_CACHE_DIR": str(shared_cache)}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
