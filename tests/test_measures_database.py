"""Building the SQLite database, refusing what it must refuse, and search."""
from __future__ import annotations

import sqlite3

import pytest

from core.measures import build as build_module
from core.measures.build import SCHEMA_VERSION, build_database
from core.measures.catalog import content_version
from core.measures.store import DatabaseError, MeasuresDB, bundled_database_path


@pytest.fixture()
def built(tmp_path, catalog):
    path = build_database(catalog, tmp_path / "measures.db")
    db = MeasuresDB(path)
    yield db
    db.close()


def test_tables_hold_the_catalog(built, catalog):
    conn = built.db
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert built.version == catalog.version == content_version()
    assert conn["measures"].count == len(catalog.measures)
    assert conn["documents"].count == len(catalog.documents)
    for table in ("criteria", "benefits", "caps", "stacking", "evidence", "key_fields"):
        assert conn[table].count > 0, table
    # A measure read back is the validated dict, unchanged.
    first = catalog.measures[0]
    assert built.measure(first["id"]) == first
    pv = built.measure("lh-glc-2024/7.1")
    assert pv["benefit"]["rate_by"]["rates"] == {"conventional": "0.25", "thin_film": "0.4"}
    assert [c["criterion_id"] for c in conn.query(
        "SELECT criterion_id FROM criteria WHERE measure_id = 'lh-glc-2024/7.1' ORDER BY position")] \
        == ["grid_connected", "capacity", "property", "not_received_before"]
    rules = list(conn.query("SELECT level, span FROM stacking WHERE measure_id = 'lh-glc-2024/7.1'"))
    assert rules == [{"level": "municipal", "span": "该项补贴不与市级补贴叠加享受"}]


def test_build_is_atomic(tmp_path, catalog, monkeypatch):
    def broken(db, cat):
        db["measures"].insert({"id": "half-written"})
        raise RuntimeError("disk full")
    monkeypatch.setattr(build_module, "_write", broken)
    target = tmp_path / "measures.db"
    with pytest.raises(RuntimeError):
        build_database(catalog, target)
    assert list(tmp_path.iterdir()) == []


def test_newer_schema_is_refused(built, tmp_path):
    path = built.path
    built.close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()
    with pytest.raises(DatabaseError, match="更新版本"):
        MeasuresDB(path)


def test_non_database_file_is_refused(tmp_path):
    path = tmp_path / "measures.db"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(DatabaseError, match="无法读取"):
        MeasuresDB(path)


def test_missing_file_is_refused(tmp_path):
    with pytest.raises(DatabaseError, match="找不到"):
        MeasuresDB(tmp_path / "absent.db")


def test_bundled_database_is_built_once_and_reused(shared_cache):
    first = bundled_database_path()
    mtime = first.stat().st_mtime_ns
    assert first.parent == shared_cache
    assert bundled_database_path() == first
    assert first.stat().st_mtime_ns == mtime


@pytest.mark.parametrize("query,expected", [
    ("光伏", "lh-glc-2024/7.1"),          # two characters: scan
    ("储能", "sz-glc-2022/14"),
    ("儲能", "sz-glc-2022/14"),           # Traditional query, Simplified text
    ("虚拟电厂", "lh-glc-2024/8.1"),       # 3+ characters: trigram index
    ("碳足迹标识认证", "lh-glc-2024/3"),
    ("超级快充站", "lh-glc-2024/7.2"),
    ("防灾减灾", "sz-sepi-plan-2022/1.1"),           # Simplified query, Traditional text (防災減災)
    ("lh-glc-2024/9", "lh-glc-2024/9"),
])
def test_search_finds_clauses(built, query, expected):
    ids = [m.id for m in built.search(query)]
    assert expected in ids, (query, ids)


def test_search_results_contain_the_term(built):
    from core.measures.search import search_key
    for query in ("光伏", "加氢站", "碳"):
        results = built.search(query)
        assert results
        for m in results:
            assert search_key(query) in search_key(built.measure(m.id)["text"] + m.title + m.id + m.clause)


def test_search_with_fts_syntax_characters_is_safe(built):
    assert built.search('光伏" OR "') == []
    assert built.search("*") == []          # one character: a plain scan, never an FTS error
    assert built.search("AND OR NOT") == []
