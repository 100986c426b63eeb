"""Atomic write of the output tree: skip unchanged, prune stale, manifest of content hashes.

The new tree is assembled next to the old one (`.<name>.new`): unchanged files are hard links
to the old ones (same inode, same mtime: not rewritten), changed files are written fresh. Then
two renames swap the trees. An interrupted build leaves the previous site in place; a crash
between the two renames is repaired on the next run (the `.old` tree is moved back).
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Mapping

MANIFEST = "manifest.json"


@dataclass(frozen=True)
class WriteReport:
    written: tuple[str, ...]     # new or changed files
    unchanged: int
    removed: tuple[str, ...]     # stale files of the previous site


def manifest_bytes(files: Mapping[str, bytes], counts: Mapping[str, int], input_digest: str = "",
                   problems: list[list[str]] | None = None) -> bytes:
    data = {"version": 1, "counts": dict(sorted(counts.items())), "input": input_digest,
            "problems": problems or [],
            "files": {path: hashlib.sha256(files[path]).hexdigest() for path in sorted(files)}}
    return (json.dumps(data, indent=1, sort_keys=True) + "\n").encode()


def write_site(out: Path, files: Mapping[str, bytes]) -> WriteReport:
    out = Path(out)
    new, old = out.with_name(f".{out.name}.new"), out.with_name(f".{out.name}.old")
    _recover(out, old)
    shutil.rmtree(new, ignore_errors=True)
    written, unchanged = [], 0
    made: set[Path] = set()
    for rel in sorted(files):
        _check_relative(rel)
        target, previous = new / rel, out / rel
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        if previous.is_file() and not previous.is_symlink() and _same_bytes(previous, files[rel]):
            os.link(previous, target)
            unchanged += 1
        else:
            target.write_bytes(files[rel])
            written.append(rel)
    removed = sorted(set(_existing(out)) - set(files)) if out.exists() else []
    _swap(out, new, old)
    return WriteReport(tuple(written), unchanged, tuple(removed))


def _same_bytes(path: Path, data: bytes) -> bool:
    return path.stat().st_size == len(data) and path.read_bytes() == data


def _existing(out: Path) -> list[str]:
    return [p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()]


def _check_relative(rel: str) -> None:
    pure = PurePosixPath(rel)
    if pure.is_absolute() or ".." in pure.parts or not pure.parts:
        raise ValueError(f"refusing to write outside the site folder: {rel!r}")


def _swap(out: Path, new: Path, old: Path) -> None:
    if out.exists():
        shutil.rmtree(old, ignore_errors=True)
        os.rename(out, old)
        os.rename(new, out)
        shutil.rmtree(old, ignore_errors=True)
    else:
        out.parent.mkdir(parents=True, exist_ok=True)
        os.rename(new, out)


def _recover(out: Path, old: Path) -> None:
    if not out.exists() and old.exists():
        os.rename(old, out)
