"""A damaged measures cache repairs itself (issue 15 item 12): overwritten bytes, a dropped table, a
garbled row, a folder in its place, a stray journal, a read-only cache folder. The core open gives a
working database and a notice once; `python main.py check` exits 0 and says it on stderr."""
from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from core.measures import store
from core.measures.catalog import content_version
from core.measures.installed import open_in_use
from core.measures.store import bundled_database_path, open_bundled

ROOT = Path(__file__).resolve().parent.parent
PROFILE = ROOT / "tests" / "data" / "cache-damage-profile.json"
REBUILT = "措施数据缓存已损坏，已按程序自带的数据重新生成"
IN_MEMORY = "无法写入，本次在内存中使用程序自带的数据"


@pytest.fixture()
def cache(tmp_path, monkeypatch):
    """A fresh, private cache folder with a good cache in it; returns the cache file."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("GREENMEASURES_CACHE_DIR", str(folder))
    monkeypatch.setattr(store, "_IN_MEMORY", {})
    path = bundled_database_path()
    assert store.take_notice() is None          # a first build is not news
    yield path
    os.chmod(folder, 0o755)                     # the read-only case: let pytest clean up


def _overwrite(path: Path) -> None:
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle:middle + 4096] = b"\xa5" * 4096
    path.write_bytes(bytes(data))


def _sql(path: Path, sql: str) -> None:
    conn = sqlite3.connect(path)
    with conn:
        conn.executescript(sql)
    conn.close()


def _hot_journal(path: Path) -> None:
    """A real hot journal beside the cache, as a writer killed mid-transaction leaves it."""
    copy = path.with_name("copy.db")
    copy.write_bytes(path.read_bytes())
    code = (f"import sqlite3, os; c = sqlite3.connect({str(copy)!r}); c.execute('BEGIN'); "
            "c.execute('DELETE FROM measures'); os._exit(0)")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
    copy.with_name("copy.db-journal").rename(path.with_name(path.name + "-journal"))
    copy.unlink()


DAMAGE = {
    "bytes overwritten": _overwrite,
    "table dropped": lambda p: _sql(p, "DROP TABLE measures_fts; DROP TABLE evidence;"),
    "garbled row": lambda p: _sql(p, "UPDATE measures SET data = '{garbled' WHERE rowid = 3;"),
    "path is a folder": lambda p: (p.unlink(), p.mkdir(), (p / "inside.txt").write_text("x")),
    "stray journal": _hot_journal,
    "garbage journal": lambda p: p.with_name(p.name + "-journal").write_bytes(b"\x17" * 5000),
    "truncated": lambda p: p.write_bytes(p.read_bytes()[:5000]),
    "empty": lambda p: p.write_bytes(b""),
}


def _works(db) -> None:
    measures = db.all_measures()
    assert len(measures) == len(db.list_measures()) > 100
    assert db.version == content_version()
    assert db.search("光伏")                     # the full-text index is there
    assert db.evidence(measures[0]["id"]) is not None


# A journal beside a sound cache file is removed and the file used as it is: nothing was lost, so
# there is nothing to tell. Everything else is rebuilt, and said.
JOURNALS = {"stray journal", "garbage journal"}


@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_the_core_open_repairs_a_damaged_cache_and_says_so_once(cache, damage):
    DAMAGE[damage](cache)
    db = open_bundled()
    try:
        if damage in JOURNALS:
            assert db.notice is None
        else:
            assert db.notice is not None and REBUILT in db.notice.text()
        _works(db)
    finally:
        db.close()
    assert cache.is_file() and not cache.with_name(cache.name + "-journal").exists()
    again = open_in_use()                         # repaired: nothing more to say
    try:
        assert again.notice is None
        _works(again)
    finally:
        again.close()


def _make_read_only(folder: Path, monkeypatch) -> None:
    """The folder refuses every change: by its permissions, or (root ignores them) by failing each
    way the program changes files there with the error a read-only folder gives."""
    os.chmod(folder, 0o555)
    if os.geteuid() != 0:
        return
    import shutil
    import tempfile

    def refuse(path) -> None:
        if Path(path) == folder or folder in Path(path).parents:
            raise PermissionError(13, "Permission denied", str(path))

    real_unlink, real_rmtree, real_mkstemp = Path.unlink, shutil.rmtree, tempfile.mkstemp

    def unlink(self, missing_ok=False):
        refuse(self)
        return real_unlink(self, missing_ok=missing_ok)

    def rmtree(path, *args, **kwargs):
        refuse(path)
        return real_rmtree(path, *args, **kwargs)

    def mkstemp(*args, dir=None, **kwargs):  # noqa: A002 - tempfile's own parameter name
        refuse(dir)
        return real_mkstemp(*args, dir=dir, **kwargs)

    monkeypatch.setattr(Path, "unlink", unlink)
    monkeypatch.setattr(shutil, "rmtree", rmtree)
    monkeypatch.setattr(tempfile, "mkstemp", mkstemp)


@pytest.mark.parametrize("damage", ["bytes overwritten", "garbled row", "stray journal", "path is a folder"])
def test_a_read_only_cache_folder_falls_back_to_memory(cache, damage, monkeypatch):
    DAMAGE[damage](cache)
    before = {p.name: p.read_bytes() if p.is_file() else None for p in cache.parent.iterdir()}
    _make_read_only(cache.parent, monkeypatch)
    db = open_in_use()
    try:
        assert db.notice is not None and IN_MEMORY in db.notice.text()
        _works(db)
    finally:
        db.close()
    assert {p.name: p.read_bytes() if p.is_file() else None for p in cache.parent.iterdir()} == before
    again = open_in_use()                         # the same run: the memory copy, no second notice
    try:
        assert again.notice is None
        _works(again)
    finally:
        again.close()


def test_an_unwritable_cache_path_falls_back_to_memory(tmp_path, monkeypatch):
    """Works as root too: the cache folder's parent is a file, so the folder cannot be created."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    monkeypatch.setenv("GREENMEASURES_CACHE_DIR", str(blocker / "cache"))
    monkeypatch.setattr(store, "_IN_MEMORY", {})
    db = open_in_use()
    try:
        assert db.notice is not None and IN_MEMORY in db.notice.text()
        assert str(blocker / "cache") in db.notice.text()
        _works(db)
    finally:
        db.close()
    assert blocker.read_text() == "x"


def test_an_old_cache_without_a_recorded_digest_is_rebuilt_quietly(cache):
    store._digest_path(cache).unlink()
    db = open_bundled()
    try:
        assert db.notice is None
        _works(db)
    finally:
        db.close()
    assert store._digest_path(cache).is_file()


def test_a_rebuild_leaves_no_temporary_file(cache):
    _overwrite(cache)
    open_bundled().close()
    assert sorted(p.name for p in cache.parent.iterdir()) == [cache.name, cache.name + ".sha256"]


def _check(cache_dir: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "GREENMEASURES_CACHE_DIR": cache_dir}
    argv = [sys.executable, "main.py", "check", str(PROFILE), "--as-of", "2025-06-30", "--json"]
    return subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("damage", ["bytes overwritten", "table dropped", "garbled row", "path is a folder",
                                    "stray journal"])
def test_the_check_command_repairs_a_damaged_cache(cache, damage):
    DAMAGE[damage](cache)
    first = _check(str(cache.parent))
    assert first.returncode == 0, first.stderr
    assert first.stderr.count(REBUILT) == (0 if damage in JOURNALS else 1)
    assert "Traceback" not in first.stderr
    assert json.loads(first.stdout)["results"]
    second = _check(str(cache.parent))
    assert second.returncode == 0 and second.stderr == ""


def test_the_check_command_with_an_unwritable_cache(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    out = _check(str(blocker / "cache"))
    assert out.returncode == 0, out.stderr
    assert out.stderr.count(IN_MEMORY) == 1 and "Traceback" not in out.stderr
    assert json.loads(out.stdout)["results"]
