"""The local profile store: recent files, drafts, versioning, damage, transactions, the kiosk store."""
from __future__ import annotations

import datetime as dt
import json
import math
import os
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core import profile_store as PS
from core.profile_store import (
    SCHEMA_VERSION,
    Draft,
    MemoryProfileStore,
    ProfileStore,
    RecentEntry,
    StoreError,
    draft_id_for,
    new_draft_id,
    set_aside,
)
from core.settings import data_dir

ROOT = Path(__file__).resolve().parent.parent
T0 = dt.datetime(2025, 3, 1, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


class Clock:
    """A clock that moves one minute per reading, or stands still."""

    def __init__(self, start: dt.datetime = T0, step: dt.timedelta = dt.timedelta(minutes=1)):
        self.now = start
        self.step = step

    def __call__(self) -> dt.datetime:
        current = self.now
        self.now += self.step
        return current


@pytest.fixture()
def clock():
    return Clock()


@pytest.fixture(params=["disk", "memory"])
def store(request, clock):
    s = ProfileStore(clock=clock) if request.param == "disk" else MemoryProfileStore(clock=clock)
    yield s
    s.close()


def store_path() -> Path:
    return data_dir() / "profiles.db"


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def profile_file(tmp_path: Path, name: str) -> Path:
    path = tmp_path / name
    path.write_text("{}", encoding="utf-8")
    return path


# ---------------------------------------------------------------------------------------------
# opening

def test_default_location_and_folders_are_created(clock):
    assert not data_dir().exists()
    with ProfileStore(clock=clock) as s:
        assert s.path == data_dir() / "profiles.db"
        assert s.version == SCHEMA_VERSION
    assert store_path().is_file()


def test_an_explicit_path_gets_its_folders(tmp_path):
    with ProfileStore(tmp_path / "a" / "b" / "x.db") as s:
        s.add_recent(tmp_path / "p.json", "甲")
    assert (tmp_path / "a" / "b" / "x.db").is_file()


def test_journal_mode_and_busy_timeout():
    with ProfileStore() as s:
        assert s.db.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert s.db.execute("PRAGMA busy_timeout").fetchone()[0] == PS.BUSY_TIMEOUT_MS
        assert s.db.execute("PRAGMA synchronous").fetchone()[0] == 2        # FULL
        s.save_draft("a", {})
    assert sorted(p.name for p in data_dir().iterdir()) == ["profiles.db"]      # one file at rest


def test_an_empty_file_becomes_a_new_store():
    store_path().parent.mkdir(parents=True)
    store_path().write_bytes(b"")
    with ProfileStore() as s:
        s.save_draft("a", {"x": 1})
        assert s.load_draft("a") == {"x": 1}


def test_a_store_from_a_newer_version_is_refused_and_left_unchanged(clock):
    with ProfileStore(clock=clock) as s:
        s.save_draft("a", {"company": {"name": "甲"}})
    conn = sqlite3.connect(store_path())
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    conn.commit()
    conn.close()
    before = snapshot(data_dir())
    with pytest.raises(StoreError) as caught:
        ProfileStore(clock=clock)
    error = caught.value
    assert error.kind == "newer"
    assert error.path == store_path()
    assert f"store version {SCHEMA_VERSION + 5}" in error.message and "newer version" in error.message
    assert "更新版本" in error.message_zh and "未作任何改动" in error.message_zh
    assert snapshot(data_dir()) == before            # byte for byte, and no journal left behind


@pytest.mark.parametrize("content", [
    b"this is not a database at all, just some text " * 20,
    b"SQLite format 3",                                    # shorter than a header
    b"\x00" * 4096,
])
def test_a_file_that_is_not_sqlite_gives_a_clear_error(content):
    store_path().parent.mkdir(parents=True)
    store_path().write_bytes(content)
    with pytest.raises(StoreError) as caught:
        ProfileStore()
    assert caught.value.kind == "corrupt"
    assert "not a database" in caught.value.message
    assert "已损坏" in caught.value.message_zh
    assert store_path().read_bytes() == content


def test_a_damaged_database_gives_a_clear_error_and_can_be_set_aside(clock):
    with ProfileStore(clock=clock) as s:
        for i in range(40):
            s.save_draft(f"d{i}", {"note": "字" * 2000})
    raw = bytearray(store_path().read_bytes())
    raw[4096 * 3:4096 * 5] = b"\xff" * 8192
    store_path().write_bytes(bytes(raw))
    with pytest.raises(StoreError) as caught:
        ProfileStore(clock=clock)
    assert caught.value.kind == "corrupt"
    assert "\n" not in str(caught.value)
    assert store_path().read_bytes() == bytes(raw)

    moved = set_aside(clock=lambda: dt.datetime(2025, 3, 1, 9, 30))
    assert moved.name == "profiles.db.set-aside-20250301-093000"
    assert moved.read_bytes() == bytes(raw)
    with ProfileStore(clock=clock) as fresh:
        assert fresh.drafts() == []


def test_another_programs_database_is_refused():
    store_path().parent.mkdir(parents=True)
    conn = sqlite3.connect(store_path())
    conn.execute("CREATE TABLE songs (title TEXT)")
    conn.commit()
    conn.close()
    before = store_path().read_bytes()
    with pytest.raises(StoreError) as caught:
        ProfileStore()
    assert caught.value.kind == "foreign"
    assert store_path().read_bytes() == before


def test_a_database_with_another_application_id_is_refused():
    store_path().parent.mkdir(parents=True)
    conn = sqlite3.connect(store_path())
    conn.execute("PRAGMA application_id = 1234")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError) as caught:
        ProfileStore()
    assert caught.value.kind == "foreign"


def test_a_folder_in_place_of_the_file_is_a_clear_error():
    store_path().mkdir(parents=True)
    with pytest.raises(StoreError) as caught:
        ProfileStore()
    assert caught.value.kind == "io"
    assert "无法打开" in caught.value.message_zh


def test_a_store_locked_by_another_writer_reports_locked(monkeypatch):
    monkeypatch.setattr(PS, "BUSY_TIMEOUT_MS", 50)
    s = ProfileStore()
    other = sqlite3.connect(store_path(), isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(StoreError) as caught:
            s.save_draft("a", {})
        assert caught.value.kind == "locked"
        assert "另一个绿策通窗口" in caught.value.message_zh
    finally:
        other.execute("ROLLBACK")
        other.close()
    s.save_draft("a", {"after": True})          # usable again once the other writer is done
    assert s.load_draft("a") == {"after": True}
    s.close()


# ---------------------------------------------------------------------------------------------
# migrations

def test_a_migration_step_runs_once_and_keeps_the_data(monkeypatch, clock):
    with ProfileStore(clock=clock) as s:
        s.save_draft("a", {"x": 1})

    def add_pinned(db):
        db["drafts"].add_column("pinned", int)

    monkeypatch.setattr(PS, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    monkeypatch.setitem(PS.MIGRATIONS, SCHEMA_VERSION + 1, add_pinned)
    with ProfileStore(clock=clock) as s:
        assert s.version == SCHEMA_VERSION + 1
        assert "pinned" in s.db["drafts"].columns_dict
        assert s.load_draft("a") == {"x": 1}
    with ProfileStore(clock=clock) as s:              # not run twice
        assert s.version == SCHEMA_VERSION + 1
    monkeypatch.setattr(PS, "SCHEMA_VERSION", SCHEMA_VERSION)      # not undo(): conftest's folders stay
    with pytest.raises(StoreError) as caught:         # and this version now refuses it
        ProfileStore(clock=clock)
    assert caught.value.kind == "newer"


def test_a_failing_migration_leaves_the_store_as_it_was(monkeypatch, clock):
    with ProfileStore(clock=clock) as s:
        s.save_draft("a", {"x": 1})

    def half_done(db):
        db["drafts"].add_column("pinned", int)
        raise RuntimeError("step failed")

    monkeypatch.setattr(PS, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    monkeypatch.setitem(PS.MIGRATIONS, SCHEMA_VERSION + 1, half_done)
    with pytest.raises(RuntimeError, match="step failed"):
        ProfileStore(clock=clock)
    monkeypatch.setattr(PS, "SCHEMA_VERSION", SCHEMA_VERSION)
    with ProfileStore(clock=clock) as s:
        assert s.version == SCHEMA_VERSION
        assert "pinned" not in s.db["drafts"].columns_dict
        assert s.load_draft("a") == {"x": 1}


# ---------------------------------------------------------------------------------------------
# recent files

def test_recent_round_trip_newest_first(store, tmp_path):
    a, b, c = (profile_file(tmp_path, n) for n in ("a.json", "b.json", "c.json"))
    store.add_recent(a, "甲公司")
    store.add_recent(b, "乙公司")
    store.add_recent(str(c), "丙公司")
    entries = store.recent()
    assert [e.path for e in entries] == [str(c), str(b), str(a)]
    assert [e.company_name for e in entries] == ["丙公司", "乙公司", "甲公司"]
    assert entries[0] == RecentEntry(str(c), "丙公司", T0 + dt.timedelta(minutes=2))
    assert entries[0].opened_at.tzinfo is not None


def test_reopening_moves_an_entry_to_the_top_without_duplicating(store, tmp_path):
    a, b = profile_file(tmp_path, "a.json"), profile_file(tmp_path, "b.json")
    store.add_recent(a, "甲")
    store.add_recent(b, "乙")
    store.add_recent(a, "甲（新名）")
    assert [(e.path, e.company_name) for e in store.recent()] == [(str(a), "甲（新名）"), (str(b), "乙")]


def test_equal_times_keep_the_order_of_opening(tmp_path):
    still = Clock(step=dt.timedelta(0))
    with MemoryProfileStore(clock=still) as s:
        for name in ("a", "b", "c", "b"):
            s.add_recent(tmp_path / name, name)
        assert [Path(e.path).name for e in s.recent()] == ["b", "c", "a"]


def test_time_can_be_passed_in(store, tmp_path):
    late = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
    store.add_recent(tmp_path / "old", at=late)
    store.add_recent(tmp_path / "new")                 # the clock says 2025: older
    assert [Path(e.path).name for e in store.recent()] == ["old", "new"]
    assert store.recent()[0].opened_at == late


def test_recent_limit(store, tmp_path):
    for i in range(15):
        store.add_recent(tmp_path / f"{i}.json", str(i))
    assert [e.company_name for e in store.recent()] == [str(i) for i in range(14, 4, -1)]
    assert len(store.recent(3)) == 3
    assert store.recent(0) == []
    assert len(store.recent(None)) == 15
    with pytest.raises(ValueError):
        store.recent(-1)


def test_the_recent_table_is_bounded(store, tmp_path, monkeypatch):
    monkeypatch.setattr(PS, "MAX_RECENT", 3)
    for i in range(5):
        store.add_recent(tmp_path / f"{i}.json")
    assert [Path(e.path).name for e in store.recent(None)] == ["4.json", "3.json", "2.json"]


def test_missing_files_are_listed_until_pruned(store, tmp_path):
    kept, gone = profile_file(tmp_path, "kept.json"), profile_file(tmp_path, "gone.json")
    store.add_recent(kept, "留")
    store.add_recent(gone, "删")
    gone.unlink()
    assert [e.exists() for e in store.recent()] == [False, True]
    assert store.prune_missing() == [str(gone)]
    assert [e.path for e in store.recent()] == [str(kept)]
    assert store.prune_missing() == []


def test_remove_recent(store, tmp_path):
    store.add_recent(tmp_path / "a.json")
    assert store.remove_recent(tmp_path / "a.json") is True
    assert store.remove_recent(tmp_path / "a.json") is False
    assert store.recent() == []


def test_relative_paths_are_made_absolute(store, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    store.add_recent("rel.json", "x")
    assert store.recent()[0].path == str(tmp_path / "rel.json")
    assert store.remove_recent(tmp_path / "rel.json")


# ---------------------------------------------------------------------------------------------
# drafts

def test_an_incomplete_invalid_profile_is_kept_as_typed(store):
    typed = {"format": "greenmeasures.profile/1",
             "company": {"name": "深圳市示例科技有限公司", "uscc": "91440300ABC", "district": "罗湖？"},
             "projects": [{"capacity_kw": -5, "name": ""}], "years": {"2024": {"revenue": "六千万"}}}
    draft_id = new_draft_id()
    assert store.save_draft(draft_id, typed) == draft_id
    assert store.load_draft(draft_id) == typed
    assert list(store.load_draft(draft_id)) == list(typed)          # key order too
    [d] = store.drafts()
    assert d == Draft(draft_id, "深圳市示例科技有限公司", T0, None)


def test_drafts_newest_first_and_overwrite(store, tmp_path):
    store.save_draft("one", {"company": {"name": "一"}})
    store.save_draft("two", {"company": {"name": "二"}})
    store.save_draft("one", {"company": {"name": "一（改）"}, "x": 1}, source_path=tmp_path / "one.json")
    assert [(d.id, d.company_name) for d in store.drafts()] == [("one", "一（改）"), ("two", "二")]
    assert store.drafts()[0].source_path == str(tmp_path / "one.json")
    assert store.drafts()[0].updated_at == T0 + dt.timedelta(minutes=2)
    assert store.load_draft("one") == {"company": {"name": "一（改）"}, "x": 1}


def test_a_saved_files_draft_is_keyed_by_its_path(store, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    key = store.save_draft(Path("p.json"), {"a": 1}, source_path="p.json")
    assert key == draft_id_for("p.json") == str(tmp_path / "p.json")
    assert store.load_draft(tmp_path / "p.json") == {"a": 1}
    assert store.drafts()[0].source_path == key


def test_company_name_is_empty_when_not_typed_yet(store):
    store.save_draft("a", {"company": "not an object"})
    store.save_draft("b", {"company": {"name": 42}})
    assert {d.company_name for d in store.drafts()} == {""}


def test_discard_and_missing_drafts(store):
    store.save_draft("a", {})
    assert store.discard_draft("a") is True
    assert store.discard_draft("a") is False
    with pytest.raises(KeyError):
        store.load_draft("a")
    assert store.drafts() == []


@pytest.mark.parametrize("data", [
    {"when": dt.date(2024, 1, 1)}, {"pair": (1, 2)}, {1: "int key"}, {"nested": [{"s": {1, 2}}]},
    {"huge": 10 ** 5000}, ["not", "a", "dict"],
])
def test_data_json_cannot_hold_exactly_is_refused_and_nothing_changes(store, data):
    store.save_draft("a", {"before": True})
    with pytest.raises(ValueError, match="draft"):
        store.save_draft("a", data)
    assert store.load_draft("a") == {"before": True}


@pytest.mark.parametrize("bad_id", ["", None, 7])
def test_draft_id_must_be_text(store, bad_id):
    with pytest.raises(ValueError, match="draft id"):
        store.save_draft(bad_id, {})


def test_odd_values_round_trip(store):
    data = {"lone": "\ud800 surrogate", "split_pair": "\ud800\udfff", "astral": "\U000103ff",
            "inf": math.inf, "nan": math.nan, "neg_zero": -0.0,
            "big": 2 ** 80, "float": 1.0, "nested": [[[]], {}], "": None,
            "company": {"name": "名\udcff"}}
    store.save_draft("odd", data)
    back = store.load_draft("odd")
    assert back["lone"] == "\ud800 surrogate"
    assert back["split_pair"] == "\ud800\udfff" and back["astral"] == "\U000103ff"
    assert back["inf"] == math.inf and math.isnan(back["nan"])
    assert math.copysign(1, back["neg_zero"]) == -1
    assert back["big"] == 2 ** 80 and type(back["float"]) is float
    assert back["nested"] == [[[]], {}] and back[""] is None
    assert store.drafts()[0].company_name == "名\ufffd"             # the listing copy is made safe


def test_drafts_survive_reopening_the_store(clock, tmp_path):
    with ProfileStore(clock=clock) as s:
        s.save_draft("a", {"company": {"name": "甲"}, "n": [1, 2, 3]}, source_path=tmp_path / "a.json")
        s.add_recent(tmp_path / "a.json", "甲")
    with ProfileStore(clock=clock) as s:
        assert s.load_draft("a") == {"company": {"name": "甲"}, "n": [1, 2, 3]}
        assert [d.id for d in s.drafts()] == ["a"]
        assert [e.company_name for e in s.recent()] == ["甲"]


def test_a_draft_written_as_damaged_json_gives_a_clear_error(clock):
    with ProfileStore(clock=clock) as s:
        s.save_draft("a", {})
        with s.db.atomic():
            s.db.execute("UPDATE drafts SET data = '{broken' WHERE id = 'a'")
        with pytest.raises(StoreError) as caught:
            s.load_draft("a")
        assert caught.value.kind == "corrupt"


# ---------------------------------------------------------------------------------------------
# transactions

def test_a_write_that_fails_halfway_leaves_the_previous_state(store, tmp_path, monkeypatch):
    """add_recent is an insert plus a prune; if the prune fails the insert is undone too."""
    monkeypatch.setattr(PS, "MAX_RECENT", 2)
    store.add_recent(tmp_path / "a", "a")
    store.add_recent(tmp_path / "b", "b")
    with store.db.atomic():
        store.db.execute("CREATE TRIGGER no_delete BEFORE DELETE ON recent "
                         "BEGIN SELECT RAISE(ABORT, 'refused'); END")
    with pytest.raises(StoreError, match="refused"):
        store.add_recent(tmp_path / "c", "c")
    assert [e.company_name for e in store.recent(None)] == ["b", "a"]
    assert not store.db.conn.in_transaction


def test_a_crash_mid_write_leaves_the_previous_state(tmp_path):
    """A process killed inside a transaction: the next open rolls the hot journal back."""
    script = textwrap.dedent("""
        import os, sys
        sys.path.insert(0, sys.argv[1])
        from core.profile_store import ProfileStore
        s = ProfileStore()
        s.save_draft("a", {"version": 1})
        s.add_recent("/tmp/before.json", "before")
        real = s.db.execute
        def dying(sql, *args):
            if sql.startswith("DELETE FROM recent WHERE path NOT IN"):
                s.db.conn.execute("UPDATE drafts SET data = '{\\"version\\": 2}'")
                os._exit(9)                  # killed after the insert, before the commit
            return real(sql, *args)
        s.db.execute = dying
        s.add_recent("/tmp/after.json", "after")
    """)
    env = dict(os.environ)
    result = subprocess.run([sys.executable, "-c", script, str(ROOT)], env=env, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 9, result.stderr
    with ProfileStore() as s:
        assert [e.company_name for e in s.recent()] == ["before"]
        assert s.load_draft("a") == {"version": 1}
        assert s.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


# ---------------------------------------------------------------------------------------------
# lifetime and the kiosk store

def test_close_is_idempotent_and_a_closed_store_says_so(store):
    store.close()
    store.close()
    with pytest.raises(RuntimeError, match="closed"):
        store.drafts()


def test_clear_forgets_everything(store, tmp_path):
    store.add_recent(tmp_path / "a")
    store.save_draft("a", {})
    store.clear()
    assert store.recent() == [] and store.drafts() == []


def test_memory_store_writes_nothing_to_disk(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with MemoryProfileStore() as s:
        assert s.path is None
        for i in range(300):                    # enough to spill a sort, were temp files allowed
            s.save_draft(new_draft_id(), {"visitor": "访客" * 100, "i": i})
            s.add_recent(tmp_path / f"{i}.json", "访客公司")
        assert len(s.drafts()) == 300
        assert len(s.recent(None)) == PS.MAX_RECENT
        assert s.db.execute("PRAGMA temp_store").fetchone()[0] == 2          # MEMORY
    assert not data_dir().exists()
    assert list(tmp_path.iterdir()) == []


def test_memory_stores_are_separate():
    with MemoryProfileStore() as a, MemoryProfileStore() as b:
        a.save_draft("x", {"who": "a"})
        assert b.drafts() == []


# ---------------------------------------------------------------------------------------------
# any JSON-like draft comes back exactly

json_scalars = (st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False)
                | st.text(alphabet=st.characters(codec="utf-8") | st.sampled_from("\ud800\udfff")))
json_values = st.recursive(
    json_scalars,
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(), children, max_size=5),
    max_leaves=25)


def _same(a, b) -> bool:
    """Equal, including the types of numbers and the order of keys."""
    if isinstance(a, dict):
        return isinstance(b, dict) and list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return isinstance(b, list) and len(a) == len(b) and all(map(_same, a, b))
    return type(a) is type(b) and a == b


@pytest.mark.parametrize("kind", ["disk", "memory"])
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.dictionaries(st.text(), json_values, max_size=6))
def test_any_json_like_draft_round_trips_exactly(kind, data, tmp_path):
    s = ProfileStore(tmp_path / "h.db") if kind == "disk" else MemoryProfileStore()
    try:
        s.save_draft("h", data)
        assert _same(s.load_draft("h"), data)
        assert json.dumps(s.load_draft("h")) == json.dumps(data)
    finally:
        s.close()
