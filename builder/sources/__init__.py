"""Where bucket bytes come from. The only code that reads the bucket.

Every source ends as a `Bucket`: a folder on disk (the local bucket itself, or the mirror of a
Hub bucket) plus what is known about how fresh it is, and the entries that listing it left out
(`skipped`, each with its reason). Readers get bytes through `Bucket.read`, which refuses any
path that would leave the folder or pass through a symlink.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath

from builder.model import Problem

# Characters a bucket path may not hold: controls (a newline would forge log lines), lone
# surrogates (bytes that are not UTF-8), line/paragraph separators and invisible formatting.
_REFUSED_CATEGORIES = frozenset({"Cc", "Cs", "Cf", "Zl", "Zp"})


class OutsideBucket(ValueError):
    """A path that would resolve outside the bucket folder (`..`, absolute) or through a symlink."""


@dataclass(frozen=True)
class Bucket:
    root: Path
    files: tuple[str, ...]                 # posix paths relative to root, sorted
    as_of: datetime | None = None          # when the data is not fresh: time of the last good sync
    note: str = ""                         # one-line account of how the data was obtained
    skipped: tuple[Problem, ...] = ()      # entries the listing left out, and why

    def under(self, folder: str) -> tuple[str, ...]:
        """Files below `folder` (a bucket path; "" means everything)."""
        prefix = folder.strip("/") + "/" if folder.strip("/") else ""
        return tuple(p for p in self.files if p.startswith(prefix))

    def has(self, path: str) -> bool:
        return path in self._file_set

    def size(self, path: str) -> int:
        return self._resolve(path).stat().st_size

    def read(self, path: str) -> bytes:
        return self._resolve(path).read_bytes()

    def read_at_most(self, path: str, limit: int) -> bytes:
        """Up to limit + 1 bytes: a result longer than `limit` means the file is over it."""
        with self._resolve(path).open("rb") as fh:
            return fh.read(limit + 1)

    def open(self, path: str):
        return self._resolve(path).open("rb")

    @property
    def _file_set(self) -> frozenset[str]:
        cached = self.__dict__.get("_files_cache")
        if cached is None:
            cached = frozenset(self.files)
            object.__setattr__(self, "_files_cache", cached)
        return cached

    @property
    def _resolved_root(self) -> Path:
        cached = self.__dict__.get("_root_cache")
        if cached is None:
            cached = self.root.resolve()
            object.__setattr__(self, "_root_cache", cached)
        return cached

    def _resolve(self, path: str) -> Path:
        pure = PurePosixPath(path)
        if pure.is_absolute() or ".." in pure.parts or not pure.parts:
            raise OutsideBucket(path)
        folder = self._resolved_folder(pure.parent)
        full = folder / pure.name
        # Resolved, the folder must still be where the path says: no symlink on the way.
        if folder != self._resolved_root.joinpath(*pure.parent.parts) or full.is_symlink():
            raise OutsideBucket(path)
        return full

    def _resolved_folder(self, folder: PurePosixPath) -> Path:
        """Folders are resolved once each (a bucket has thousands of files in a few folders)."""
        cache = self.__dict__.setdefault("_folder_cache", {})
        if folder not in cache:
            cache[folder] = (self._resolved_root / folder).resolve()
        return cache[folder]


def empty_bucket(note: str = "no data") -> Bucket:
    return Bucket(root=Path("/nonexistent-empty-bucket"), files=(), note=note)


def name_problem(path: str) -> str | None:
    """Why `path` cannot be a bucket input (None when it can): the name must be UTF-8 text
    without control or invisible characters."""
    if path.isascii() and path.isprintable():
        return None
    categories = {unicodedata.category(ch) for ch in path}
    if "Cs" in categories:
        return "skipped: the name is not valid UTF-8"
    if categories & _REFUSED_CATEGORIES:
        return "skipped: the name holds control or invisible characters"
    return None
