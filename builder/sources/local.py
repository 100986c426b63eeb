"""A bucket that is a folder on disk (the demo bucket, or any mirrored copy).

Listing never follows a symlink (it could point anywhere); every symlink, special file, bad
name or unreadable folder is left out and reported with its reason. Hidden entries (a leading
`.`) are not part of the bucket and are passed over silently.
"""
from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from builder.model import Problem
from builder.sources import Bucket, name_problem


def open_local(root: Path) -> Bucket:
    """Every regular file below `root` (posix paths, sorted), and what was left out."""
    root = Path(root)
    if not root.is_dir():
        raise FileNotFoundError(f"bucket folder {root} does not exist")
    resolved_root = root.resolve()
    files: list[str] = []
    skipped: list[Problem] = []

    def unreadable(exc: OSError) -> None:
        where = Path(exc.filename or root).relative_to(root).as_posix() + "/"
        skipped.append(Problem(where, f"skipped: folder not readable ({exc.strerror or exc})"))

    for dirpath, dirnames, filenames in os.walk(root, onerror=unreadable, followlinks=False):
        here = Path(dirpath)
        kept_dirs = []
        for name in sorted(dirnames):
            rel = (here / name).relative_to(root).as_posix()
            reason = _entry_problem(here / name, rel, resolved_root, folder=True)
            if reason:
                skipped.append(Problem(rel + "/", reason))
            elif not name.startswith("."):
                kept_dirs.append(name)
        dirnames[:] = kept_dirs
        for name in filenames:
            rel = (here / name).relative_to(root).as_posix()
            reason = _entry_problem(here / name, rel, resolved_root, folder=False)
            if reason:
                skipped.append(Problem(rel, reason))
            elif not name.startswith("."):
                files.append(rel)
    return Bucket(root=root, files=tuple(sorted(files)), note=f"local folder {root}",
                  skipped=tuple(sorted(skipped, key=lambda p: p.path)))


def _entry_problem(full: Path, rel: str, resolved_root: Path, folder: bool) -> str | None:
    """Why this folder entry is not part of the bucket; None when it is (or is hidden)."""
    bad_name = name_problem(rel)
    if bad_name:
        return bad_name
    if full.name.startswith("."):
        return None
    try:
        mode = full.lstat().st_mode
    except OSError as exc:
        return f"skipped: cannot be examined ({exc.strerror or exc})"
    if stat.S_ISLNK(mode):
        return "skipped: " + _symlink_kind(full, resolved_root)
    if not folder and not stat.S_ISREG(mode):
        return "skipped: not a regular file (a device, socket or pipe)"
    return None


def _symlink_kind(link: Path, resolved_root: Path) -> str:
    try:
        target = link.resolve(strict=True)
    except RuntimeError:
        return "a symlink that loops"
    except (FileNotFoundError, NotADirectoryError):
        return "a symlink to nothing (its target is missing)"
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "a symlink that loops"
        return f"a symlink that cannot be followed ({exc.strerror or exc})"
    if not target.is_relative_to(resolved_root):
        return "a symlink leading out of the bucket"
    return "a symlink (links are not followed, even inside the bucket)"
