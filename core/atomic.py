"""One way to replace a file wholly or not at all (profiles, settings; the database build uses
the same temp-then-rename idea for a file sqlite writes itself).

The temporary file is ``.gm-<8 hex>.tmp`` in the target's folder: short, so that any name the file
system accepts for the target can be written (a name derived from the target's would overflow
NAME_MAX first), and ours alone, so that temporaries a killed save left behind can be recognised
and removed the next time the folder is written (``remove_stale_temporaries``).
"""
from __future__ import annotations

import contextlib
import errno
import os
import re
import secrets
import stat
import time
from pathlib import Path

# Ours, and nothing else: the current naming, and the one used before (``.<target>.<12 hex>.tmp``),
# which interrupted saves of older versions may have left.
TEMP_NAME = re.compile(r"\.gm-[0-9a-f]{8}\.tmp")
OLD_TEMP_NAME = re.compile(r"\..+\.[0-9a-f]{12}\.tmp", re.DOTALL)
STALE_AFTER_SECONDS = 3600       # a save takes well under a second; an hour-old one was interrupted


def temp_name() -> str:
    return f".gm-{secrets.token_hex(4)}.tmp"


def remove_stale_temporaries(folder: Path, now: float | None = None) -> list[str]:
    """Delete our own temporary files in ``folder`` older than STALE_AFTER_SECONDS (regular files
    only, never a symlink or anything of another name); the names removed. Best effort: a
    folder that cannot be listed, or a file that cannot be removed, is left as it is."""
    now = time.time() if now is None else now
    removed: list[str] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        name = entry.name
        if not name.startswith(".") or not (TEMP_NAME.fullmatch(name) or OLD_TEMP_NAME.fullmatch(name)):
            continue
        try:
            info = entry.stat(follow_symlinks=False)
            if not stat.S_ISREG(info.st_mode) or now - info.st_mtime < STALE_AFTER_SECONDS:
                continue
            os.unlink(entry.path)
        except OSError:
            continue
        removed.append(name)
    return removed


def atomic_write_bytes(target: str | os.PathLike, payload: bytes, *, make_folder: bool = False) -> None:
    """Replace ``target`` with ``payload`` wholly or not at all.

    A temp file in the same folder is written, flushed and fsynced, then renamed over the target
    with ``os.replace`` (atomic on NTFS and POSIX file systems); on any failure the temp file is
    removed and the old target is untouched. Raises OSError.
    """
    target = Path(os.fspath(target))
    folder = target.parent
    if make_folder:
        folder.mkdir(parents=True, exist_ok=True)
    if target.is_dir():
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(target))
    remove_stale_temporaries(folder)
    temp = folder / temp_name()
    created = False
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
        created = True
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        with contextlib.suppress(OSError):     # keep the permissions of the file being replaced
            os.chmod(temp, stat.S_IMODE(os.stat(target).st_mode))
        os.replace(temp, target)
        created = False
    finally:
        if created:
            with contextlib.suppress(OSError):
                os.unlink(temp)
    sync_folder(folder)


def sync_folder(folder: Path) -> None:
    """Make a rename itself durable where the platform allows (POSIX); best effort."""
    if os.name != "posix":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
