"""The local store of recently opened profiles and unsaved drafts (SQLite through sqlite-utils).

``data_dir()/profiles.db`` holds two tables:

- ``recent``  (path PK, company_name, opened_at): the profile files the user opened or saved;
- ``drafts``  (id PK, data, company_name, updated_at, source_path): what the user has typed so
  far, valid or not, saved every few seconds so that a crash or a power cut loses nothing. The id is
  a uuid4 per editing session (``new_draft_id()``) or the profile file's path (``draft_id_for()``).

Robustness, because this file is the one copy of unsaved work:

- every write is one transaction (``db.atomic()``); a crash mid-write leaves the previous state;
- rollback journal (``journal_mode=DELETE``) with ``synchronous=FULL``, not WAL. The store is
  written by one window at a time, a draft every half minute, so WAL's concurrency buys nothing,
  while its costs are real here: WAL needs shared memory and must not be used when the folder is
  on a network share, and ``%APPDATA%`` is the *roaming* folder that companies redirect to a file
  server; WAL also keeps committed data in ``profiles.db-wal`` until a checkpoint, so a user who
  copies just ``profiles.db`` (backup, new PC, USB stick in portable mode) would copy a stale file.
  With DELETE the database is one self-contained file whenever nobody is writing;
- ``busy_timeout`` of 5 s, so a second window waits for the first instead of failing;
- the schema version is ``PRAGMA user_version``. A file written by a newer version is refused
  before anything is written to it (qutebrowser's ``misc/sql.py`` habit), read from the file's
  header without opening it for writing; a file that is not one of ours, or is damaged, is refused
  too. Each refusal is a :class:`StoreError` with a message for the user, never a traceback;
- ``MIGRATIONS[n]`` brings a store from version n-1 to n, in one transaction with the version bump.

``MemoryProfileStore`` has the same API and writes nothing anywhere: the kiosk uses it, because a
visitor's data must not outlive the visit.

Plain Python, no Qt.
"""
from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

import sqlite_utils

from core.settings import data_dir
from core.userfile import UserFileError, open_regular, printable_text

__all__ = [
    "SCHEMA_VERSION", "STORE_FILE", "MIGRATIONS", "StoreError", "RecentEntry", "Draft",
    "ProfileStore", "MemoryProfileStore", "new_draft_id", "draft_id_for", "set_aside",
]

STORE_FILE = "profiles.db"
SCHEMA_VERSION = 1
# PRAGMA application_id marks the file as ours ("GMPS"), so a stranger's SQLite file is not taken
# for an empty store and written into.
APPLICATION_ID = 0x474D5053
BUSY_TIMEOUT_MS = 5000
MAX_RECENT = 200                 # rows kept in ``recent``; the UI shows fewer (recent_limit)

_SQLITE_MAGIC = b"SQLite format 3\x00"

Clock = Callable[[], datetime]


# ---------------------------------------------------------------------------------------------
# errors and records

class StoreError(Exception):
    """The store cannot be used. ``kind`` is newer, corrupt, foreign, locked or io; ``message``
    is English, ``message_zh`` is for the user; the file named by ``path`` was not changed."""

    def __init__(self, kind: str, path: Path | None, message: str, message_zh: str):
        self.kind = kind
        self.path = path
        self.message = message
        self.message_zh = message_zh
        super().__init__(f"{message}（{message_zh}）")


@dataclass(frozen=True)
class RecentEntry:
    path: str
    company_name: str
    opened_at: datetime          # time-zone aware, local time

    def exists(self) -> bool:
        return os.path.isfile(self.path)


@dataclass(frozen=True)
class Draft:
    id: str
    company_name: str
    updated_at: datetime         # time-zone aware, local time
    source_path: str | None      # the profile file this draft edits, if it has one


def new_draft_id() -> str:
    """A fresh draft id for an editing session of a profile that has no file yet."""
    return str(uuid.uuid4())


def draft_id_for(path: str | os.PathLike) -> str:
    """The draft id of a saved profile file: its absolute path."""
    return os.path.abspath(os.fspath(path))


# ---------------------------------------------------------------------------------------------
# schema and migrations

def _schema_v1(db: sqlite_utils.Database) -> None:
    db.table("recent").create({"path": str, "company_name": str, "opened_at": str},
                        pk="path", not_null=["company_name", "opened_at"])
    db.table("drafts").create({"id": str, "data": bytes, "company_name": str, "updated_at": str,
                         "source_path": str},
                        pk="id", not_null=["data", "company_name", "updated_at"])
    db.table("recent").create_index(["opened_at"])
    db.table("drafts").create_index(["updated_at"])
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")


# MIGRATIONS[n] takes a store from version n-1 to n. It runs inside the transaction that also sets
# user_version = n, so a failing migration leaves the store as it was. To change the schema: add
# MIGRATIONS[n + 1] and raise SCHEMA_VERSION; never edit a released step.
MIGRATIONS: dict[int, Callable[[sqlite_utils.Database], None]] = {1: _schema_v1}


def _newer_message(path: Path | None, version: int) -> StoreError:
    return StoreError(
        "newer", path,
        f"{path} was written by a newer version of GreenMeasures (store version {version}; this "
        f"version reads up to {SCHEMA_VERSION}). It has not been changed. Update GreenMeasures, or "
        "move the file elsewhere to start with an empty store.",
        f"本地档案库 {path} 由更新版本的绿策通写入（结构版本 {version}，本程序只支持到 "
        f"{SCHEMA_VERSION}），未作任何改动。请升级绿策通；或将该文件移到别处，以新建空的档案库。")


def _corrupt_message(path: Path | None, detail: str) -> StoreError:
    detail = " ".join(detail.replace("***", " ").split())      # quick_check reports span lines
    return StoreError(
        "corrupt", path,
        f"{path} is damaged or is not a SQLite database ({detail}). It has not been changed; "
        "move it elsewhere to start with an empty store.",
        f"本地档案库 {path} 已损坏或不是 SQLite 数据库（{detail}），未作任何改动。"
        "可将该文件移到别处，以新建空的档案库。")


def _foreign_message(path: Path | None) -> StoreError:
    return StoreError(
        "foreign", path,
        f"{path} is a SQLite database of another program, not a GreenMeasures profile store. "
        "It has not been changed.",
        f"{path} 是其他程序的数据库，不是绿策通的本地档案库，未作任何改动。")


def _from_sqlite(exc: sqlite3.Error, path: Path | None) -> StoreError:
    text = str(exc)
    lowered = text.lower()
    if "locked" in lowered or "busy" in lowered:
        return StoreError("locked", path,
                          f"{path} is in use by another program (another GreenMeasures window?); "
                          f"try again ({text})",
                          f"本地档案库 {path} 正被其他程序（或另一个绿策通窗口）使用，请稍后再试（{text}）")
    if "malformed" in lowered or "not a database" in lowered or "corrupt" in lowered:
        return _corrupt_message(path, text)
    return StoreError("io", path, f"cannot use {path}: {text}",
                      f"无法读写本地档案库 {path}：{text}")


def _header(path: Path) -> tuple[int, int] | None:
    """(user_version, application_id) from the file header; None for an empty (new) file.

    Reading 100 bytes cannot change the file, unlike opening it with SQLite. Only a regular file
    is opened: a FIFO in its place would block forever, a device would be no store.
    """
    try:
        fd = open_regular(path)
    except UserFileError as exc:
        raise StoreError("io", path, f"cannot open {path}: {exc.message}",
                         f"无法打开本地档案库：{exc.message_zh}") from None
    with os.fdopen(fd, "rb") as handle:
        head = handle.read(100)
    if not head:
        return None
    if len(head) < 100 or not head.startswith(_SQLITE_MAGIC):
        raise _corrupt_message(path, "file is not a database")
    return int.from_bytes(head[60:64], "big", signed=True), int.from_bytes(head[68:72], "big")


# ---------------------------------------------------------------------------------------------
# timestamps and text

def _stamp(moment: datetime) -> str:
    """UTC, fixed width, so that text order is time order. A naive time is taken as local."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def _unstamp(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone()


def _storable(text: str) -> str:
    """Text SQLite can hold: a lone surrogate (an odd file name) becomes U+FFFD."""
    return printable_text(text)


def _check_json(value: Any, where: str = "data") -> None:
    """ValueError unless ``value`` is made of what JSON holds exactly (so a draft round-trips)."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return
    if isinstance(value, list):
        for i, item in enumerate(value):
            _check_json(item, f"{where}[{i}]")
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise ValueError(f"draft {where} has a key that is not text: {key!r}")
            _check_json(item, f"{where}[{key!r}]")
        return
    raise ValueError(f"draft {where} is a {type(value).__name__}, which JSON cannot hold exactly")


def _draft_json(data: dict) -> bytes:
    """The draft as UTF-8 JSON bytes (a BLOB).

    Not TEXT: Python text may hold surrogates (a lone one, or a high and a low one side by side)
    that neither SQLite TEXT nor JSON \\u escapes give back exactly; "surrogatepass" bytes do.
    For ordinary text the bytes are plain UTF-8 JSON. NaN and Infinity are kept as typed.
    """
    if not isinstance(data, dict):
        raise ValueError(f"draft data must be a dict, got {type(data).__name__}")
    try:
        _check_json(data)
        return json.dumps(data, ensure_ascii=False, allow_nan=True).encode("utf-8", "surrogatepass")
    except RecursionError:
        raise ValueError("draft data is nested too deeply") from None
    except ValueError as exc:
        if str(exc).startswith("draft "):
            raise
        raise ValueError(f"draft data cannot be stored: {exc}") from None


def _company_name(data: dict) -> str:
    company = data.get("company")
    name = company.get("name") if isinstance(company, dict) else None
    return _storable(name) if isinstance(name, str) else ""


# ---------------------------------------------------------------------------------------------
# the store

class _Store:
    """The shared implementation over an open, migrated sqlite-utils Database."""

    path: Path | None
    db: sqlite_utils.Database | None

    def __init__(self, clock: Clock | None):
        self.clock: Clock = clock or partial(datetime.now, UTC)

    # -- plumbing -----------------------------------------------------------------------------
    @contextlib.contextmanager
    def _guard(self) -> Iterator[sqlite_utils.Database]:
        if self.db is None:
            raise RuntimeError("the profile store is closed")
        try:
            yield self.db
        except sqlite3.ProgrammingError:
            raise
        except sqlite3.DatabaseError as exc:
            raise _from_sqlite(exc, self.path) from None

    def _now(self, at: datetime | None) -> str:
        return _stamp(at if at is not None else self.clock())

    def _migrate(self, db: sqlite_utils.Database) -> None:
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:        # written between the header check and now
            raise _newer_message(self.path, version)
        for step in range(version + 1, SCHEMA_VERSION + 1):
            with db.atomic():
                MIGRATIONS[step](db)
                db.execute(f"PRAGMA user_version = {step}")

    @property
    def version(self) -> int:
        with self._guard() as db:
            return db.execute("PRAGMA user_version").fetchone()[0]

    # -- recent files -------------------------------------------------------------------------
    def add_recent(self, path: str | os.PathLike, company_name: str = "", *,
                   at: datetime | None = None) -> None:
        """Put a profile file at the top of the recent list (again, if it was there)."""
        record = {"path": _storable(os.path.abspath(os.fspath(path))),
                  "company_name": _storable(company_name or ""), "opened_at": self._now(at)}
        with self._guard() as db, db.atomic():
            # INSERT OR REPLACE gives the row a new rowid, which breaks ties between equal times.
            db.table("recent").insert(record, replace=True)
            db.execute("DELETE FROM recent WHERE path NOT IN (SELECT path FROM recent "
                       "ORDER BY opened_at DESC, rowid DESC LIMIT ?)", [MAX_RECENT])

    def recent(self, limit: int | None = 10) -> list[RecentEntry]:
        """The recent files, newest first, at most ``limit`` (None: all). Missing files included."""
        if limit is not None and limit < 0:
            raise ValueError(f"limit must be ≥ 0, got {limit}")
        sql = "SELECT path, company_name, opened_at FROM recent ORDER BY opened_at DESC, rowid DESC"
        args: list = []
        if limit is not None:
            sql += " LIMIT ?"
            args.append(limit)
        with self._guard() as db:
            rows = db.execute(sql, args).fetchall()
        return [RecentEntry(p, name, _unstamp(when)) for p, name, when in rows]

    def remove_recent(self, path: str | os.PathLike) -> bool:
        """Take a file off the recent list; False if it was not on it."""
        key = _storable(os.path.abspath(os.fspath(path)))
        with self._guard() as db, db.atomic():
            return db.execute("DELETE FROM recent WHERE path = ?", [key]).rowcount > 0

    def prune_missing(self) -> list[str]:
        """Remove entries whose file no longer exists; the removed paths, newest first."""
        gone = [e.path for e in self.recent(None) if not e.exists()]
        if gone:
            with self._guard() as db, db.atomic():
                for path in gone:
                    db.execute("DELETE FROM recent WHERE path = ?", [path])
        return gone

    # -- drafts -------------------------------------------------------------------------------
    def save_draft(self, draft_id: str | os.PathLike, data: dict,
                   source_path: str | os.PathLike | None = None, *, at: datetime | None = None) -> str:
        """Store what the user has typed so far (valid or not) under ``draft_id``; returns the id.

        A path given as ``draft_id`` is made absolute (``draft_id_for``). ValueError when ``data``
        holds something JSON cannot keep exactly (a tuple, a date, a non-text key).
        """
        key = draft_id_for(draft_id) if isinstance(draft_id, os.PathLike) else draft_id
        if not isinstance(key, str) or not key:
            raise ValueError(f"draft id must be non-empty text, got {draft_id!r}")
        key = _storable(key)
        record = {"id": key, "data": _draft_json(data), "company_name": _company_name(data),
                  "updated_at": self._now(at),
                  "source_path": (_storable(os.path.abspath(os.fspath(source_path)))
                                  if source_path is not None else None)}
        with self._guard() as db, db.atomic():
            db.table("drafts").insert(record, replace=True)
        return key

    def drafts(self) -> list[Draft]:
        """Every draft, newest first (without its data; ``load_draft`` reads that)."""
        with self._guard() as db:
            rows = db.execute("SELECT id, company_name, updated_at, source_path FROM drafts "
                              "ORDER BY updated_at DESC, rowid DESC").fetchall()
        return [Draft(i, name, _unstamp(when), source) for i, name, when, source in rows]

    def load_draft(self, draft_id: str | os.PathLike) -> dict:
        """The data of a draft, exactly as saved; KeyError if there is none."""
        key = _storable(draft_id_for(draft_id) if isinstance(draft_id, os.PathLike) else draft_id)
        with self._guard() as db:
            row = db.execute("SELECT data FROM drafts WHERE id = ?", [key]).fetchone()
        if row is None:
            raise KeyError(draft_id)
        try:
            raw = row[0]
            return json.loads(raw.decode("utf-8", "surrogatepass") if isinstance(raw, bytes) else raw)
        except (TypeError, ValueError, RecursionError) as exc:
            raise _corrupt_message(self.path, f"draft {key!r} is not readable JSON: {exc}") from None

    def discard_draft(self, draft_id: str | os.PathLike) -> bool:
        """Delete a draft; False if there was none."""
        key = _storable(draft_id_for(draft_id) if isinstance(draft_id, os.PathLike) else draft_id)
        with self._guard() as db, db.atomic():
            return db.execute("DELETE FROM drafts WHERE id = ?", [key]).rowcount > 0

    def clear(self) -> None:
        """Forget every recent file and draft (the kiosk's reset between visitors)."""
        with self._guard() as db, db.atomic():
            db.execute("DELETE FROM recent")
            db.execute("DELETE FROM drafts")

    # -- lifetime -----------------------------------------------------------------------------
    def close(self) -> None:
        if self.db is not None:
            try:
                self.db.close()
            finally:
                self.db = None

    def __enter__(self):
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()


class ProfileStore(_Store):
    """The store in ``path`` (default ``data_dir()/profiles.db``; folders are created).

    Raises StoreError, leaving the file untouched, when it was written by a newer version, belongs
    to another program, is damaged, or cannot be opened.
    """

    def __init__(self, path: str | os.PathLike | None = None, *, clock: Clock | None = None,
                 default_data_dir: str | os.PathLike | None = None):
        super().__init__(clock)
        self.db = None
        self.path = Path(os.fspath(path)) if path is not None else data_dir(default_data_dir) / STORE_FILE
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            header = _header(self.path) if self.path.exists() else None
        except OSError as exc:
            raise StoreError("io", self.path, f"cannot open {self.path}: {exc.strerror or exc}",
                             f"无法打开本地档案库 {self.path}：{exc.strerror or exc}") from None
        if header is not None:
            version, app_id = header
            if version > SCHEMA_VERSION:
                raise _newer_message(self.path, version)
            if app_id not in (0, APPLICATION_ID):
                raise _foreign_message(self.path)
        try:
            conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000)
        except sqlite3.Error as exc:
            raise _from_sqlite(exc, self.path) from None
        try:
            db = sqlite_utils.Database(conn, execute_plugins=False)
            self._check_existing(db, header)
            db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            db.disable_wal()                            # journal_mode=DELETE; see the module notes
            db.execute("PRAGMA synchronous = FULL")
            self._migrate(db)
        except StoreError:
            conn.close()
            raise
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise _from_sqlite(exc, self.path) from None
        self.db = db

    def _check_existing(self, db: sqlite_utils.Database, header: tuple[int, int] | None) -> None:
        """Refuse, before any write, a damaged file or one with tables that are not ours."""
        if header is None:
            return
        result = db.execute("PRAGMA quick_check(1)").fetchone()[0]
        if result != "ok":
            raise _corrupt_message(self.path, result)
        version, app_id = header
        if version == 0 and app_id == 0 and db.table_names():
            raise _foreign_message(self.path)


class MemoryProfileStore(_Store):
    """The same API with nothing on disk, not even temp files: for the kiosk."""

    def __init__(self, *, clock: Clock | None = None):
        super().__init__(clock)
        self.path = None
        db = sqlite_utils.Database(memory=True, execute_plugins=False)
        db.execute("PRAGMA temp_store = MEMORY")       # sorts and temp tables stay in memory too
        self._migrate(db)
        self.db = db


def set_aside(path: str | os.PathLike | None = None, *, clock: Clock | None = None) -> Path:
    """Rename a store the program refused (damaged, newer) so a fresh one can be made; loses nothing.

    Returns the new name, ``profiles.db.set-aside-YYYYMMDD-HHMMSS``. Raises OSError.
    """
    source = Path(os.fspath(path)) if path is not None else data_dir() / STORE_FILE
    moment = (clock or datetime.now)()
    target = source.with_name(f"{source.name}.set-aside-{moment:%Y%m%d-%H%M%S}")
    n = 1
    while target.exists():
        n += 1
        target = source.with_name(f"{source.name}.set-aside-{moment:%Y%m%d-%H%M%S}-{n}")
    os.replace(source, target)
    for suffix in ("-journal", "-wal", "-shm"):       # a hot journal belongs with its database
        companion = source.with_name(source.name + suffix)
        if companion.exists():
            os.replace(companion, target.with_name(target.name + suffix))
    return target
