"""One way to replace a file wholly or not at all (profiles, settings; the database build uses
the same temp-then-rename idea for a file sqlite writes itself)."""
from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
from pathlib import Path


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
    temp = folder / f".{target.name}.{secrets.token_hex(6)}.tmp"
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
