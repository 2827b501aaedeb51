"""Which measures database is in use, importing signed packs, and the one-step rollback.

The bundled database ships with the program. Imported packs are unpacked into
``<data folder>/measures/<pack folder>/`` and never changed afterwards; ``state.json`` beside them
names the active pack and the previous one. Switching is one atomic rewrite of ``state.json``, so
an interrupted import leaves the old state in force, and a database that is open in a running
window is never replaced underneath it (new folders only; unreferenced ones are removed later).

The newer of the bundled data and the active pack is used: installing a newer program brings newer
bundled data, and an older pack imported earlier must not hide it.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from core.atomic import atomic_write_bytes
from core.i18n import N_
from core.measures import store
from core.measures.catalog import Release
from core.measures.store import DATABASE_FILE, DatabaseError, MeasuresDB

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    from core.measures.pack import VerifiedPack

STATE_FILE = "state.json"
STATE_FORMAT = "greenmeasures.measures-state/1"
BUNDLED, PACK = "bundled", "pack"


@dataclass(frozen=True)
class Source:
    """One measures database the program can use."""
    kind: str                   # BUNDLED or PACK
    path: Path                  # the database file
    release: Release
    database_version: str
    folder: str | None = None   # the pack's folder name under packs_dir()
    imported_at: str | None = None

    def entry(self) -> dict:
        """As stored in state.json."""
        return {"kind": self.kind, "folder": self.folder, "version": self.release.version,
                "date": self.release.date.isoformat(), "database_version": self.database_version,
                "imported_at": self.imported_at}

    def describe(self, gettext=lambda s: s, day=dt.date.isoformat) -> str:
        """Where the data came from and its release, in the language of `gettext` (the command
        line passes none: Simplified), the dates by `day`."""
        release = self.release.describe(gettext, day)
        if self.kind == BUNDLED:
            return gettext(N_("程序内置数据，{release}")).format(release=release)
        return gettext(N_("导入的措施包（{day} 导入），{release}")).format(
            day=(self.imported_at or "")[:10], release=release)


def packs_dir() -> Path:
    from core.settings import data_dir
    return data_dir() / "measures"


def _read_release(path: Path) -> tuple[Release, str]:
    db = MeasuresDB(path)
    try:
        return db.release, db.version
    finally:
        db.close()


def bundled_source() -> Source:
    path = store.bundled_database_path()     # looked up here, so tests can replace it
    release, version = _read_release(path)
    return Source(BUNDLED, path, release, version)


def _read_state() -> dict:
    try:
        raw = json.loads((packs_dir() / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}      # none yet, or unreadable: the bundled data is used (and the next import rewrites it)
    return raw if isinstance(raw, dict) and raw.get("format") == STATE_FORMAT else {}


def _write_state(active: Source | None, previous: Source | None) -> None:
    state = {"format": STATE_FORMAT,
             "active": active.entry() if active and active.kind == PACK else None,
             "previous": previous.entry() if previous else None}
    atomic_write_bytes(packs_dir() / STATE_FILE,
                       json.dumps(state, ensure_ascii=False, indent=2).encode("utf-8"))


def _resolve(entry: object, bundled: Source) -> Source | None:
    """A state entry as a usable Source, or None when it names nothing usable any more."""
    if not isinstance(entry, dict):
        return None
    if entry.get("kind") == BUNDLED:
        return bundled
    folder = entry.get("folder")
    if entry.get("kind") != PACK or not isinstance(folder, str) or "/" in folder or "\\" in folder:
        return None
    path = packs_dir() / folder / DATABASE_FILE
    try:
        release, version = _read_release(path)
    except DatabaseError:
        return None
    return Source(PACK, path, release, version, folder, entry.get("imported_at"))


@dataclass(frozen=True)
class Installed:
    """What is in use and what a rollback would switch to."""
    in_use: Source
    bundled: Source
    active: Source | None       # the active pack (may be hidden by newer bundled data)
    previous: Source | None

    @property
    def rollback_target(self) -> Source | None:
        """The source a rollback would bring into use, when that differs from the one in use."""
        if self.previous is None:
            return None
        after = _choose(self.previous if self.previous.kind == PACK else None, self.bundled)
        return after if after.path != self.in_use.path else None

    def hidden_pack_note(self, gettext=lambda s: s) -> str | None:
        """Why an imported pack is not the data in use (newer data came with the program)."""
        if self.active and self.in_use.kind == BUNDLED:
            note = N_("已导入的措施包（版本 {pack}）不比程序内置数据（版本 {bundled}）新，现使用内置数据。")
            return gettext(note).format(pack=self.active.release.version,
                                        bundled=self.bundled.release.version)
        return None


def _choose(active: Source | None, bundled: Source) -> Source:
    return active if active is not None and active.release > bundled.release else bundled


def installed() -> Installed:
    bundled = bundled_source()
    state = _read_state()
    active = _resolve(state.get("active"), bundled)
    active = active if active is not None and active.kind == PACK else None
    previous = _resolve(state.get("previous"), bundled)
    return Installed(_choose(active, bundled), bundled, active, previous)


def open_in_use() -> MeasuresDB:
    """The database the program should use now (the start-up path of the window and commands);
    its `notice` says when the bundled data's cache had to be repaired (give it to the user)."""
    db = MeasuresDB(installed().in_use.path)
    db.notice = store.take_notice()
    return db


@dataclass(frozen=True)
class Switch:
    """The outcome of an import or a rollback: which source was in use before and after."""
    before: Source
    after: Source


def check_newer(pack: VerifiedPack, current: Source) -> None:
    """PackError unless the pack is newer than the data in use (the same version is refused too)."""
    from core.measures.pack import PackError  # here: the window imports this module at start-up
    new, old = pack.manifest.release, current.release
    if new.key == old.key:
        raise PackError(f"措施包版本 {new.version} 与正在使用的数据相同，无需导入。")
    if new.key < old.key:
        raise PackError(f"措施包版本 {new.version}（数据截至 {new.date.isoformat()}）比正在使用的版本 "
                        f"{old.version}（数据截至 {old.date.isoformat()}）旧，已拒绝。如确需回到旧数据，"
                        f"请使用“恢复上一版本”。")


def import_pack(data: bytes, keys: dict[str, Ed25519PublicKey] | None = None) -> Switch:
    """Verify, then make the pack the data in use; the source in use before becomes the rollback
    target. PackError (nothing changed) when any check fails or the pack is not newer."""
    from core.measures.pack import PackError, verify_pack_bytes
    pack = verify_pack_bytes(data, keys)
    state = installed()
    check_newer(pack, state.in_use)
    root = packs_dir()
    root.mkdir(parents=True, exist_ok=True)
    name = f"pack-{pack.manifest.release.version}-{os.urandom(4).hex()}"
    staging = root / f".incoming-{name}"
    try:
        pack.write_to(staging)
        staging.rename(root / name)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise PackError(f"措施包无法写入数据文件夹 {root}：{exc.strerror or exc}") from None
    now = dt.datetime.now().astimezone().isoformat(timespec="seconds")
    new = Source(PACK, root / name / DATABASE_FILE, pack.manifest.release, pack.manifest.database_version,
                 name, now)
    try:
        _write_state(new, state.in_use)
    except OSError as exc:
        shutil.rmtree(root / name, ignore_errors=True)
        raise PackError(f"无法更新 {root / STATE_FILE}：{exc.strerror or exc}") from None
    _remove_unreferenced()
    return Switch(state.in_use, new)


def rollback() -> Switch:
    """Bring the previous data back into use; the data in use now becomes the new rollback target,
    so a second rollback undoes the first."""
    from core.measures.pack import PackError
    state = installed()
    target = state.rollback_target
    if target is None:
        raise PackError("没有可以恢复的上一版本措施数据。")
    try:
        _write_state(target if target.kind == PACK else None, state.in_use)
    except OSError as exc:
        raise PackError(f"无法更新 {packs_dir() / STATE_FILE}：{exc.strerror or exc}") from None
    _remove_unreferenced()
    return Switch(state.in_use, target)


def _remove_unreferenced() -> None:
    """Pack folders that are neither active nor previous, and abandoned staging folders."""
    state = _read_state()
    keep = {e.get("folder") for e in (state.get("active"), state.get("previous")) if isinstance(e, dict)}
    for folder in packs_dir().iterdir():
        if folder.is_dir() and folder.name not in keep:
            # An instance may still have the database open (Windows refuses): removed next time.
            shutil.rmtree(folder, ignore_errors=True)
