"""Test setup: Qt offscreen before any Qt import; every data folder in a temporary directory."""
from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import pytest  # noqa: E402

pytest_plugins = ["tests.cups_server"]   # the private CUPS scheduler fixture, cups_server


@pytest.fixture(autouse=True)
def _isolated_folders(tmp_path_factory, monkeypatch):
    """No test reads or writes the real user folders."""
    base = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("GREENMEASURES_DATA_DIR", str(base / "data"))
    monkeypatch.setenv("GREENMEASURES_CONFIG_DIR", str(base / "config"))


@pytest.fixture(scope="session")
def shared_cache(tmp_path_factory):
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(autouse=True)
def _cache_dir(shared_cache, monkeypatch):
    # One cache for the session, so the bundled database is built once, not per test.
    monkeypatch.setenv("GREENMEASURES_CACHE_DIR", str(shared_cache))


@pytest.fixture(scope="session")
def catalog():
    from core.measures.catalog import load_catalog
    return load_catalog()


@pytest.fixture()
def bundled_db(shared_cache):
    from core.measures.store import open_bundled
    db = open_bundled()
    yield db
    db.close()
