"""A bucket that is a folder on disk (the demo bucket, or any mirrored copy).

Listing never follows a symlink (it could point anywhere); every symlink, special file, bad
name or unreadable folder is left out and reported with its reason. Hidden entries (a leading
`.`) are not part of the bucket: they are listed apart (`Bucket.hidden`), not looked into.
"""
from __future__ import annotations

import errno
import os
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
    hidden: list[str] = []
    skipped: list[Problem] = []
    # Folders to list, as (bucket path with a trailing "/", or "" for the root; path on disk).
    # Paths stay text and entries are told apart by their directory entry's type: a listing of
    # ten thousand files makes no Path object and no stat call per file.
    folders = [("", os.fspath(root))]
    while folders:
        prefix, folder = folders.pop()
        try:
            with os.scandir(folder) as listing:
                entries = list(listing)
        except OSError as exc:
            skipped.append(Problem((prefix or "./"), f"skipped: folder not readable "
                                                     f"({exc.strerror or exc})"))
            continue
        for entry in entries:
            rel = prefix + entry.name
            reason, is_folder = _entry_problem(entry, rel, resolved_root)
            if reason:
                skipped.append(Problem(rel + "/" if is_folder else rel, reason))
            elif entry.name.startswith("."):
                hidden.append(rel + "/" if is_folder else rel)
            elif is_folder:
                folders.append((rel + "/", entry.path))
            else:
                files.append(rel)
    return Bucket(root=root, files=tuple(sorted(files)), note=f"local folder {root}",
                  skipped=tuple(sorted(skipped, key=lambda p: p.path)), hidden=tuple(sorted(hidden)))


def _entry_problem(entry: os.DirEntry, rel: str, resolved_root: Path) -> tuple[str | None, bool]:
    """Why this folder entry is not part of the bucket (None when it is, or is hidden), and
    whether it is a folder (a symlink counts as one when it leads to one)."""
    is_folder = _leads_to_folder(entry)
    try:
        bad_name = name_problem(rel)
        if bad_name:
            return bad_name, is_folder
        if entry.name.startswith("."):
            return None, is_folder
        if entry.is_symlink():
            return "skipped: " + _symlink_kind(Path(entry.path), resolved_root), is_folder
        if not is_folder and not entry.is_file(follow_symlinks=False):
            return "skipped: not a regular file (a device, socket or pipe)", False
    except OSError as exc:
        return f"skipped: cannot be examined ({exc.strerror or exc})", False
    return None, is_folder


def _leads_to_folder(entry: os.DirEntry) -> bool:
    try:
        return entry.is_dir()
    except OSError:                     # a symlink that loops
        return False


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
