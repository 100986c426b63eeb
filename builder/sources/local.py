"""A bucket that is a folder on disk (the demo bucket, or any mirrored copy)."""
from __future__ import annotations

import os
from pathlib import Path

from builder.sources import Bucket


def open_local(root: Path) -> Bucket:
    """List every regular file below `root` (symlinks are not followed: they could point out)."""
    root = Path(root)
    if not root.is_dir():
        raise FileNotFoundError(f"bucket folder {root} does not exist")
    files = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in filenames:
            full = Path(dirpath) / name
            if name.startswith(".") or full.is_symlink() or not full.is_file():
                continue
            files.append(full.relative_to(root).as_posix())
    return Bucket(root=root, files=tuple(sorted(files)), note=f"local folder {root}")
