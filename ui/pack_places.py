"""Where a measure pack may be on this machine (the kiosk has no file dialog): the mounted drives
and the Downloads folder. Qt knows the volumes on every platform, so this lives in ui/; looking
for packs there is core's (core.measures.pack_actions.find_packs)."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStandardPaths, QStorageInfo

# File systems that are never a USB stick or a shared folder.
PSEUDO_FILESYSTEMS = frozenset({
    "proc", "sysfs", "devtmpfs", "devpts", "tmpfs", "ramfs", "cgroup", "cgroup2", "securityfs", "pstore",
    "debugfs", "tracefs", "configfs", "fusectl", "mqueue", "hugetlbfs", "bpf", "autofs", "binfmt_misc",
    "overlay", "squashfs", "nsfs", "efivarfs", "rpc_pipefs", "selinuxfs",
})


def pack_roots() -> list[Path]:
    """Where a service hall's administrator may have put a pack: every mounted volume but the
    system's own (the root, pseudo file systems), then the user's Downloads folder."""
    roots: list[Path] = []
    for volume in QStorageInfo.mountedVolumes():
        if not volume.isValid() or not volume.isReady() or volume.isRoot():
            continue
        kind = bytes(volume.fileSystemType().data()).decode("ascii", "replace").lower()
        if kind in PSEUDO_FILESYSTEMS:
            continue
        roots.append(Path(volume.rootPath()))
    downloads = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DownloadLocation)
    if downloads:
        roots.append(Path(downloads))
    return list(dict.fromkeys(roots))
