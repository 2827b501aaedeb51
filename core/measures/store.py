"""Open the measures database and answer queries on it.

`open_bundled()` gives the database built from the bundled YAML: a prebuilt `resources/measures.db`
when its version matches the sources (frozen builds), otherwise one compiled into the cache folder
on first use (well under a second) and reused while the sources are unchanged.

The cache is verified whenever it is used: the SHA-256 of the file against the one recorded beside
it when it was built (`measures-<version>.db.sha256`), and the schema and data versions inside. A
damaged cache (overwritten bytes, a dropped table, a garbled row, a folder in its place, a stray
`-journal`) is rebuilt from the bundled sources, atomically; when the cache folder cannot be
written, the database is built in memory for this run. Either way the user is told once: the
opened database carries a `CacheNotice` (`MeasuresDB.notice`) that the command line prints on
stderr and the window shows.

Reading needs only the standard library's sqlite3: sqlite-utils (and with it numpy, when that
happens to be installed), the YAML validator and OpenCC are imported only when the cache has to be
built or a search is made, so that opening the window does not wait for them.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from core.i18n import N_
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


@dataclass(frozen=True)
class CacheNotice:
    """What happened to a damaged or unwritable measures cache, for the user, once."""
    rebuilt: bool           # True: repaired in place; False: built in memory for this run only
    folder: Path

    REBUILT = N_("措施数据缓存已损坏，已按程序自带的数据重新生成；检查结果不受影响。")
    IN_MEMORY = N_("措施数据缓存文件夹 {folder} 无法写入，本次在内存中使用程序自带的数据；检查结果不受影响，"
                   "但每次启动会稍慢。")

    def text(self, gettext=lambda s: s) -> str:
        """The notice in the language of `gettext` (the command line passes none: Simplified)."""
        if self.rebuilt:
            return gettext(self.REBUILT)
        return gettext(self.IN_MEMORY).format(folder=self.folder)


class MeasuresDB:
    notice: CacheNotice | None = None       # set by open_bundled / open_in_use when the cache was repaired

    def __init__(self, path: Path):
        self.path = path
        memory = _IN_MEMORY.get(path)
        if memory is None and not path.is_file():
            raise DatabaseError(f"找不到措施数据库：{path}")
        try:
            if memory is not None:
                conn = sqlite3.connect(":memory:")
                memory.backup(conn)
                conn.execute("PRAGMA query_only = ON")
            else:
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


# Databases built in memory because the cache folder could not be written, by the cache path they
# stand in for (MeasuresDB copies one per opening); and the notice not yet given to the user.
_IN_MEMORY: dict[Path, sqlite3.Connection] = {}
_pending_notice: CacheNotice | None = None
# Files SQLite would read beside a database; the cache is only ever written under a temporary
# name, so any of these beside it is stray (left by a crash or copied in) and is removed.
_SIDE_FILES = ("-journal", "-wal", "-shm")
_MISSING, _OUTDATED, _DAMAGED = "missing", "outdated", "damaged"


def take_notice() -> CacheNotice | None:
    """The cache notice not yet given to the user, and forget it (so it is given once)."""
    global _pending_notice
    notice, _pending_notice = _pending_notice, None
    return notice


def bundled_database_path() -> Path:
    """The database for the bundled YAML sources, building (or repairing) it in the cache when
    needed; see the module docstring."""
    global _pending_notice
    version = content_version()
    try:
        prebuilt = resource_dir("measures.db")
    except FileNotFoundError:
        prebuilt = None
    if prebuilt is not None and _version_of(prebuilt) == version:
        return prebuilt
    target = cache_dir() / f"measures-{version}.db"
    if target in _IN_MEMORY:
        return target
    state = _cache_state(target, version)
    if state is None:
        return target
    from core.measures.build import build_database
    from core.measures.catalog import load_catalog

    catalog = load_catalog()
    try:
        _clear(target)
        build_database(catalog, target)
        from core.atomic import atomic_write_bytes
        atomic_write_bytes(_digest_path(target), _file_digest(target).encode("ascii"))
    except OSError:
        _IN_MEMORY[target] = _build_in_memory(catalog)
        _pending_notice = CacheNotice(rebuilt=False, folder=target.parent)
        return target
    if state == _DAMAGED:
        _pending_notice = CacheNotice(rebuilt=True, folder=target.parent)
    _prune_old_builds(target)
    return target


def _digest_path(db: Path) -> Path:
    return db.with_name(db.name + ".sha256")


def _file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def _cache_state(target: Path, version: str) -> str | None:
    """None when the cache file can be used as it is; otherwise why not: _MISSING or _OUTDATED
    (built silently, as on a first start) or _DAMAGED (rebuilt, and the user is told)."""
    if not target.exists() and not target.is_symlink():
        return _MISSING
    if not target.is_file():
        return _DAMAGED                 # a folder or something else where the file should be
    for suffix in _SIDE_FILES:
        side = target.with_name(target.name + suffix)
        if side.exists():
            try:
                side.unlink()
            except OSError:
                return _DAMAGED
    try:
        recorded = _digest_path(target).read_text(encoding="ascii").strip()
        actual = _file_digest(target)
    except (OSError, UnicodeDecodeError):
        return _OUTDATED                # built before caches were verified, or the record is gone
    if recorded != actual:
        return _DAMAGED
    if _version_of(target) != version:
        return _OUTDATED                # another schema version of the program built it
    return None


def _clear(target: Path) -> None:
    """Remove whatever stands at the cache path, so that the new build can take its place."""
    if target.is_dir() and not target.is_symlink():
        shutil.rmtree(target)
    else:
        target.unlink(missing_ok=True)
    _digest_path(target).unlink(missing_ok=True)


def _build_in_memory(catalog) -> sqlite3.Connection:
    import sqlite_utils

    from core.measures.build import write_catalog

    conn = sqlite3.connect(":memory:", check_same_thread=False)
    db = sqlite_utils.Database(conn)
    write_catalog(db, catalog)
    return conn


def _prune_old_builds(keep: Path) -> None:
    """Databases built from earlier sources are dead weight once a new one exists."""
    for old in keep.parent.glob("measures-*.db*"):
        if old not in (keep, _digest_path(keep)) and old.is_file():
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
    db = MeasuresDB(bundled_database_path())
    db.notice = take_notice()
    return db
