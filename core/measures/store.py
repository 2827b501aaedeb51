"""Open the measures database and answer queries on it.

`open_bundled()` gives the database built from the bundled YAML: a prebuilt `resources/measures.db`
when its version matches the sources (frozen builds), otherwise one compiled into the cache folder
on first use (well under a second) and reused while the sources are unchanged.

Reading needs only the standard library's sqlite3: sqlite-utils (and with it numpy, when that
happens to be installed), the YAML validator and OpenCC are imported only when the cache has to be
built or a search is made, so that opening the window does not wait for them.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import sqlite3
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from core.measures.build import SCHEMA_VERSION
from core.measures.catalog import Release, content_version
from core.resources import resource_dir

if TYPE_CHECKING:
    import sqlite_utils

IN_FORCE, EXPIRED, NOT_YET = "in_force", "expired", "not_yet"
DATABASE_FILE = "measures.db"       # the file name inside the resources, a pack and its folder
# FTS5 trigram needs three characters; shorter queries (光伏, 储能) scan the search column.
TRIGRAM = 3


class DatabaseError(Exception):
    """The database cannot be used; the message says why and what to do."""


def cache_dir() -> Path:
    """Per-user cache folder; GREENMEASURES_CACHE_DIR overrides it (tests, portable installs)."""
    override = os.environ.get("GREENMEASURES_CACHE_DIR")
    if override:
        return Path(override)
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
        return base / "GreenMeasures" / "cache"
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "greenmeasures"


def in_force_state(valid_from: str | None, valid_to: str | None, on: dt.date) -> str:
    if valid_from and on < dt.date.fromisoformat(valid_from):
        return NOT_YET
    if valid_to and on > dt.date.fromisoformat(valid_to):
        return EXPIRED
    return IN_FORCE


@dataclass
class MeasureSummary:
    id: str
    document: str
    clause: str
    title: str
    kind: str
    level: str
    region: str
    valid_from: str | None
    valid_to: str | None
    discretionary: bool
    subject: str            # "company" or comma-separated project types
    role: str = "support"   # support (something to apply for) or statement (政策信息)

    @property
    def is_statement(self) -> bool:
        return self.role == "statement"

    def state(self, on: dt.date) -> str:
        return in_force_state(self.valid_from, self.valid_to, on)


class MeasuresDB:
    def __init__(self, path: Path):
        self.path = path
        if not path.is_file():
            raise DatabaseError(f"找不到措施数据库：{path}")
        try:
            conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            version = conn.execute("PRAGMA user_version").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            raise DatabaseError(f"措施数据库无法读取（{path}）：{exc}") from None
        if version > SCHEMA_VERSION:
            conn.close()
            raise DatabaseError(
                f"措施数据库 {path.name} 由更新版本的绿策通写入（结构版本 {version}，本程序只支持到 "
                f"{SCHEMA_VERSION}）。请升级绿策通，或导入与本版本相符的措施包。")
        if version < SCHEMA_VERSION:
            conn.close()
            raise DatabaseError(f"措施数据库 {path.name} 的结构版本 {version} 过旧，请重新生成。")
        self.conn = conn
        self._utils: sqlite_utils.Database | None = None

    @property
    def db(self) -> sqlite_utils.Database:
        """The same connection through sqlite-utils (tables, counts; for tools and tests)."""
        if self._utils is None:
            import sqlite_utils
            self._utils = sqlite_utils.Database(self.conn)
        return self._utils

    def close(self) -> None:
        self.conn.close()

    def _query(self, sql: str, params=()) -> list[dict]:
        """Rows as dicts, keyed by column name."""
        cursor = self.conn.execute(sql, params)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor]

    # -- metadata ---------------------------------------------------------------------------
    @property
    def version(self) -> str:
        return self.conn.execute("SELECT value FROM meta WHERE key = 'database_version'").fetchone()[0]

    @property
    def release(self) -> Release:
        """The release version and date of the data (release.json when it was built)."""
        meta = dict(self.conn.execute(
            "SELECT key, value FROM meta WHERE key IN ('release_version', 'release_date')").fetchall())
        try:
            return Release.parse(meta.get("release_version"), meta.get("release_date"))
        except ValueError as exc:
            raise DatabaseError(f"措施数据库 {self.path.name} 缺少有效的发布版本（{exc}）。") from None

    def documents(self) -> list[dict]:
        rows = self._query("SELECT * FROM documents ORDER BY key")
        for row in rows:
            for key in ("applicability", "stacking", "key_fields"):
                row[key] = json.loads(row[key]) if row.get(key) else []
        return rows

    def key_fields(self) -> list[dict]:
        return [{**r, "documents": json.loads(r["documents"])}
                for r in self._query("SELECT * FROM key_fields ORDER BY key")]

    # -- measures ---------------------------------------------------------------------------
    _SUMMARY = ("SELECT id, document, clause, title, kind, level, region, valid_from, valid_to, "
                "discretionary, subject_company, project_types, role FROM measures")

    @staticmethod
    def _summary(row: dict) -> MeasureSummary:
        types = json.loads(row["project_types"])
        return MeasureSummary(
            id=row["id"], document=row["document"], clause=row["clause"], title=row["title"],
            kind=row["kind"], level=row["level"], region=row["region"],
            valid_from=row["valid_from"], valid_to=row["valid_to"],
            discretionary=bool(row["discretionary"]),
            subject="company" if row["subject_company"] else ",".join(types), role=row["role"])

    def list_measures(self) -> list[MeasureSummary]:
        return [self._summary(r) for r in self._query(self._SUMMARY + " ORDER BY rowid")]

    def search(self, text: str) -> list[MeasureSummary]:
        """Measures whose id, clause, title or text contain the query (script-insensitive)."""
        from core.measures.search import search_key  # OpenCC: on the first search

        key = search_key(text)
        if not key:
            return self.list_measures()
        if len(key) >= TRIGRAM:
            sql = (self._SUMMARY + " WHERE id IN (SELECT id FROM measures_fts WHERE measures_fts MATCH ?)"
                   " ORDER BY rowid")
            # Quote as one FTS5 string so that punctuation in the query is not syntax.
            args = ['"' + key.replace('"', '""') + '"']
        else:
            sql = self._SUMMARY + " WHERE instr(search_text, ?) > 0 ORDER BY rowid"
            args = [key]
        return [self._summary(r) for r in self._query(sql, args)]

    def measure(self, measure_id: str) -> dict:
        row = self.conn.execute("SELECT data FROM measures WHERE id = ?", [measure_id]).fetchone()
        if row is None:
            raise KeyError(measure_id)
        return json.loads(row[0])

    def all_measures(self) -> list[dict]:
        """The normalised measure dicts, in source order (what the engine evaluates)."""
        return [json.loads(r[0]) for r in self.conn.execute("SELECT data FROM measures ORDER BY rowid")]

    def evidence(self, measure_id: str) -> list[dict]:
        return self._query("SELECT criterion_id, name, note FROM evidence WHERE measure_id = ?",
                           [measure_id])


def bundled_database_path() -> Path:
    """The database for the bundled YAML sources, building it into the cache when needed."""
    version = content_version()
    try:
        prebuilt = resource_dir("measures.db")
    except FileNotFoundError:
        prebuilt = None
    if prebuilt is not None and _version_of(prebuilt) == version:
        return prebuilt
    target = cache_dir() / f"measures-{version}.db"
    if _version_of(target) != version:
        from core.measures.build import build_database
        from core.measures.catalog import load_catalog

        build_database(load_catalog(), target)
        _prune_old_builds(target)
    return target


def _prune_old_builds(keep: Path) -> None:
    """Databases built from earlier sources are dead weight once a new one exists."""
    for old in keep.parent.glob("measures-*.db"):
        if old != keep:
            with contextlib.suppress(OSError):  # still open in another instance (Windows): removed next time
                old.unlink()


def _version_of(path: Path) -> str | None:
    if not path.is_file():
        return None
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            if conn.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
                return None
            row = conn.execute("SELECT value FROM meta WHERE key = 'database_version'").fetchone()
            return row[0] if row else None
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return None


def open_bundled() -> MeasuresDB:
    return MeasuresDB(bundled_database_path())
