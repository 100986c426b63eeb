"""Where bucket bytes come from. The only code that reads the bucket.

Every source ends as a `Bucket`: a folder on disk (the local bucket itself, or the mirror of a
Hub bucket) plus what is known about how fresh it is, and the entries that listing it left out
(`skipped`, each with its reason). Readers get bytes through `Bucket.read`, which refuses any
path that would leave the folder or pass through a symlink.
"""
from __future__ import annotations

import errno
import io
import os
import stat
import time
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import BinaryIO, Mapping

from builder.model import Problem
from builder.relpath import parts_inside

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
    # Hidden entries (a leading "."), never read: the outermost of each, a folder's with a "/".
    hidden: tuple[str, ...] = ()

    def under(self, folder: str) -> tuple[str, ...]:
        """Files below `folder` (a bucket path; "" means everything)."""
        prefix = folder.strip("/") + "/" if folder.strip("/") else ""
        return tuple(p for p in self.files if p.startswith(prefix))

    def has(self, path: str) -> bool:
        return path in self._file_set

    def state(self, path: str) -> FileState:
        """The file's size and modification time (ns), or the name of what stands in the way
        (a symlink, something else than a regular file, a file gone since listing)."""
        try:
            st = os.lstat(self._resolve(path))
        except (OSError, ValueError) as exc:             # OutsideBucket is a ValueError
            return type(exc).__name__
        return (st.st_size, st.st_mtime_ns) if stat.S_ISREG(st.st_mode) else "not a regular file"

    def size(self, path: str) -> int:
        st = os.lstat(self._resolve(path))
        if stat.S_ISLNK(st.st_mode):
            raise OutsideBucket(path)
        return st.st_size

    def read(self, path: str) -> bytes:
        with self._open(path) as fh:
            return fh.readall()

    def read_at_most(self, path: str, limit: int) -> bytes:
        """Up to limit + 1 bytes: a result longer than `limit` means the file is over it."""
        with self._open(path) as fh:
            return _read_up_to(fh, limit + 1)

    def open(self, path: str) -> BinaryIO:
        return io.BufferedReader(self._open(path))

    def _open(self, path: str) -> io.FileIO:
        """The file, opened for reading (unbuffered); a symlink there is refused by the opening
        itself."""
        full = self._resolve(path)
        try:
            fd = os.open(full, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                raise OutsideBucket(path) from None
            raise
        return io.FileIO(fd, "rb")

    @property
    def _file_set(self) -> frozenset[str]:
        cached = self.__dict__.get("_files_cache")
        if cached is None:
            cached = frozenset(self.files)
            object.__setattr__(self, "_files_cache", cached)
        return cached

    def _resolve(self, path: str) -> str:
        """The file's path on disk, as text (reading thousands of files, Path objects cost more
        than the reads)."""
        parts = parts_inside(path)
        if parts is None:
            raise OutsideBucket(path)
        folder = self._resolved_folder("/".join(parts[:-1]))
        if folder is None:
            raise OutsideBucket(path)
        return os.path.join(folder, parts[-1])

    def _resolved_folder(self, folder: str) -> str | None:
        """The folder on disk, or None when resolving it leaves where the path says (a symlink on
        the way). Folders are resolved once each (a bucket has thousands of files in a few)."""
        cache = self.__dict__.setdefault("_folder_cache", {})
        if folder not in cache:
            root = self.__dict__.get("_root_cache") or os.path.realpath(self.root)
            object.__setattr__(self, "_root_cache", root)
            expected = os.path.join(root, folder) if folder else root
            cache[folder] = expected if os.path.realpath(expected) == expected else None
        return cache[folder]


FileState = tuple[int, int] | str         # see Bucket.state
SETTLED_NS = 2_000_000_000                # see FileStates.settled


@dataclass(frozen=True)
class FileStates:
    """Each bucket file's state (Bucket.state), all looked at once, at `taken_ns`: what the
    build's digest of its input is made of, and what tells the readers' cache that a file is
    the one it read before, without reading it."""

    of: Mapping[str, FileState]
    taken_ns: int = 0

    def settled(self, path: str) -> str | None:
        """The file's size and time as text, when it was last written at least `SETTLED_NS`
        before it was looked at; else None. Two writes within one tick of the file system's
        clock give a file the same time, so the state of a file written just before it was
        looked at cannot tell its bytes from those of a write that may follow ("racy" files,
        as git calls them); a file written well before cannot be written again in that tick."""
        state = self.of.get(path)
        if isinstance(state, tuple) and state[1] <= self.taken_ns - SETTLED_NS:
            return f"{state[0]}:{state[1]}"
        return None


def file_states(bucket: Bucket) -> FileStates:
    taken_ns = time.time_ns()
    return FileStates({path: bucket.state(path) for path in bucket.files}, taken_ns)


def _read_up_to(fh: io.FileIO, size: int) -> bytes:
    """At most `size` bytes, read 64 KiB at a time: a read of `size` bytes allocates them first,
    and for a limit of a megabyte that costs more than reading a small file."""
    parts = []
    while size > 0 and (chunk := fh.read(min(size, 1 << 16))):
        parts.append(chunk)
        size -= len(chunk)
    return b"".join(parts)


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
