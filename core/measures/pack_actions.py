"""The measure-pack use cases, one place for every front end: finding packs on drives, checking a
pack file, importing it, rolling back, and what a switch changed for a company (docs/packs.md).

The desktop's 数据 dialog (ui/measures_update.py), the kiosk's 措施数据 page (ui/kiosk/data.py) and
``main.py pack`` (core/pack_cli.py) all call these. A refusal is a ``PackError`` whose message is
the user's (Simplified Chinese, naming the file or the version); nothing is changed then.

Plain values in, plain values out, and no Qt: the windows run these on the worker thread, and a
database connection opened here is closed here (sqlite3 connections belong to their thread).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from core.engine.changes import ChangeReport
from core.measures.installed import Source, Switch, check_newer, import_pack, installed, rollback
from core.measures.pack import SUFFIX, PackError, VerifiedPack, read_pack_file, verify_pack_bytes
from core.measures.store import MeasuresDB

# A document of a pack beside the one in use: "new", a list of ("validity", old from, old to) and
# ("count", old count, new count), or None when nothing differs.
Difference = str | list[tuple[str, object, object]] | None


@dataclass(frozen=True)
class Checked:
    """A pack read and verified, compared with the data in use."""
    path: Path
    data: bytes
    pack: VerifiedPack
    in_use: Source
    refusal: str | None                  # why it cannot be imported (not newer), or None
    differences: dict[str, Difference]   # document key → "new", what differs, or None (the same)
    removed: list[dict]                  # documents in use that the pack does not have


@dataclass(frozen=True)
class Switched:
    """An import or a rollback done, and what it changed for the company (None: none given)."""
    switch: Switch
    report: ChangeReport | None


# -- finding and checking ------------------------------------------------------------------------

def find_packs(roots: list[Path]) -> list[Path]:
    """``*.gmpack`` files at the top of each root and one folder down (hidden folders skipped);
    unreadable places are passed over. Slow drives: run on the worker."""
    found: list[Path] = []

    def listing(folder: Path) -> list[Path]:
        try:
            return sorted(folder.iterdir())
        except OSError:
            return []

    def is_pack(path: Path) -> bool:
        try:
            return path.suffix.lower() == SUFFIX and path.is_file()
        except OSError:
            return False

    for root in roots:
        for entry in listing(root):
            if is_pack(entry):
                found.append(entry)
            elif not entry.name.startswith(".") and not entry.is_symlink() and entry.is_dir():
                found += [f for f in listing(entry) if is_pack(f)]
    return list(dict.fromkeys(found))


def _document_differences(pack: VerifiedPack, in_use: Source) -> tuple[dict[str, Difference], list[dict]]:
    db = MeasuresDB(in_use.path)
    try:
        current = {d["key"]: d for d in db.documents()}
        counts: dict[str, int] = {}
        for m in db.list_measures():
            counts[m.document] = counts.get(m.document, 0) + 1
    finally:
        db.close()
    out: dict[str, Difference] = {}
    for d in pack.manifest.documents:
        old = current.get(d["key"])
        if old is None:
            out[d["key"]] = "new"
            continue
        notes: list[tuple[str, object, object]] = []
        if (old["valid_from"], old["valid_to"]) != (d.get("valid_from"), d.get("valid_to")):
            notes.append(("validity", old["valid_from"], old["valid_to"]))
        if counts.get(d["key"], 0) != d["measures"]:
            notes.append(("count", counts.get(d["key"], 0), d["measures"]))
        out[d["key"]] = notes or None
    listed = {d["key"] for d in pack.manifest.documents}
    return out, [d for k, d in current.items() if k not in listed]


def check_pack_file(path: Path) -> Checked:
    """Read, verify and compare with the data in use; PackError with the user's message when the
    file cannot be read or the pack is refused. A pack that verifies but is not newer comes back
    with its ``refusal`` set (it can be looked at, not imported)."""
    data = read_pack_file(path)
    pack = verify_pack_bytes(data)
    state = installed()
    try:
        check_newer(pack, state.in_use)
        refusal = None
    except PackError as exc:
        refusal = str(exc)
    differences, removed = _document_differences(pack, state.in_use)
    return Checked(path, data, pack, state.in_use, refusal, differences, removed)


def is_newer(pack: VerifiedPack, in_use: Source) -> bool:
    """True when importing the pack would be accepted (it is newer than the data in use)."""
    try:
        check_newer(pack, in_use)
    except PackError:
        return False
    return True


# -- switching -----------------------------------------------------------------------------------

def compare_switch(switch: Switch, profile: dict | None, as_of: dt.date | None = None) -> Switched:
    """The switch with what it changed for `profile` as of `as_of` (today when None); no report
    when no profile is given."""
    if profile is None:
        return Switched(switch, None)
    from core.engine.changes import compare_databases

    old, new = MeasuresDB(switch.before.path), MeasuresDB(switch.after.path)
    try:
        return Switched(switch, compare_databases(old, new, profile, as_of or dt.date.today()))
    finally:
        old.close()
        new.close()


def import_pack_data(data: bytes, profile: dict | None = None, as_of: dt.date | None = None) -> Switched:
    """Verify the pack's bytes again and make it the data in use (core.measures.installed), then
    compare for `profile`. PackError, nothing changed, on any refusal."""
    return compare_switch(import_pack(data), profile, as_of)


def roll_back(profile: dict | None = None, as_of: dt.date | None = None) -> Switched:
    """Bring the previous data back into use, then compare for `profile`. PackError when there is
    nothing to roll back to or the state cannot be written."""
    return compare_switch(rollback(), profile, as_of)


def refusing(work: Callable[[], object]) -> Callable[[object], object]:
    """`work` as a worker task (ui/tasks.run_task passes a progress callback) whose PackError
    comes back as the result: a refusal is an answer, not a failure (the worker logs real failures
    with their traceback)."""
    def run(_progress):
        try:
            return work()
        except PackError as exc:
            return exc
    return run
