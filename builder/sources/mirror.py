"""The on-disk mirror of a Hub bucket: what the last complete sync brought, and what a sync in
progress has fetched so far.

Layout of the mirror folder:

    state.json    the last COMPLETE sync: bucket id, {path: {hash, size}}, the newest upload
                  time in the listing. No wall-clock time: the same listing gives the same bytes.
    cache-key     one line naming the mirror's content for a CI cache: the digest of the listing
                  (path, size, hash of every file) after a complete sync, or "partial-<digest>"
                  while downloads of an unfinished sync wait in incoming/ (so that they are
                  kept too). It changes only when the content does.
    files/        the mirror tree: the Bucket root (only paths named in state.json are trusted)
    incoming/     downloads of the current sync, one object per content hash (`.part` while
                  streaming). A sync that dies here leaves state.json untouched; finished
                  objects are reused by the next sync, `.part` files are discarded.
    pending.json  the commit point: written (atomically) once every download of a sync is in
                  incoming/. It names the new state and what to move or delete. Applying it is
                  idempotent, so a sync that dies while applying is finished by the next open,
                  before anything else (no network needed).
    .lock         an flock, so two builds never sync the same mirror at once
"""
from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import stat
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator, Mapping

from builder.model import Problem
from builder.sources import Bucket

STATE_VERSION = 2
CACHE_KEY = "cache-key"


@dataclass(frozen=True)
class Entry:
    """One file of the bucket listing."""
    path: str
    hash: str
    size: int


def listing_digest(files: Mapping[str, Mapping]) -> str:
    """sha256 over every (path, size, hash) of a listing, in path order."""
    h = hashlib.sha256()
    for path in sorted(files):
        meta = files[path]
        line = f"{path}\0{meta.get('size')}\0{meta.get('hash')}\n"
        h.update(line.encode("utf-8", "surrogatepass"))
    return h.hexdigest()


def object_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def is_file_of_size(path: Path | str, size: int | None) -> bool:
    try:
        st = os.lstat(path)
    except OSError:
        return False
    return stat.S_ISREG(st.st_mode) and (size is None or st.st_size == size)


class Mirror:
    def __init__(self, root: Path, bucket_id: str):
        self.root = root
        self.bucket_id = bucket_id
        self.files = root / "files"
        self.incoming = root / "incoming"
        self.state_path = root / "state.json"
        self.pending_path = root / "pending.json"

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / ".lock", "a+") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def load_state(self) -> dict | None:
        """The last complete sync of THIS bucket, or None."""
        try:
            state = json.loads(self.state_path.read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError, OSError):
            return None
        if (not isinstance(state, dict) or state.get("version") != STATE_VERSION
                or state.get("bucket") != self.bucket_id
                or not isinstance(state.get("files"), dict)):
            return None
        return state

    def as_of(self, state: dict) -> datetime:
        """When the mirrored data was last changed: the newest upload in its listing (else the
        time the state was written, for a listing that carried no times)."""
        newest = state.get("newest")
        if isinstance(newest, str):
            with contextlib.suppress(ValueError):
                return datetime.fromisoformat(newest.replace("Z", "+00:00"))
        return datetime.fromtimestamp(self.state_path.stat().st_mtime, tz=timezone.utc)

    def bucket(self, state: dict, *, as_of: datetime | None, note: str, usable) -> Bucket:
        root = str(self.files)                   # joined as text: 10,000 Paths cost 0.05 s
        files = tuple(sorted(p for p, meta in state["files"].items()
                             if usable(p) and is_file_of_size(os.path.join(root, p), meta.get("size"))))
        skipped = tuple(Problem(str(path), str(why)) for path, why in state.get("skipped", ()))
        hidden = tuple(str(path) for path in state.get("hidden", ()))
        return Bucket(root=self.files, files=files, as_of=as_of, note=note, skipped=skipped,
                      hidden=hidden)

    def commit(self, state: dict, *, apply: dict[str, str], delete: list[str], reset: bool) -> None:
        """Make `state` the mirror's: the commit point is pending.json; applying is idempotent."""
        pending = {"state": state, "apply": apply, "delete": delete, "reset": reset}
        atomic_write(self.pending_path, json.dumps(pending).encode())
        self._apply(pending)

    def recover(self) -> None:
        """Finish a sync that died after its commit point; discard one that died before it."""
        if self.pending_path.exists():
            try:
                pending = json.loads(self.pending_path.read_text(encoding="utf-8"))
                ok = all((self.incoming / key).is_file() for key in pending["apply"].values())
            except (ValueError, KeyError, AttributeError, OSError):
                ok = False
            if ok:
                self._apply(pending)
            else:  # cannot happen unless someone edited the cache: trust nothing
                with contextlib.suppress(FileNotFoundError):
                    self.state_path.unlink()
                self.pending_path.unlink()
        if self.incoming.is_dir():
            for part in self.incoming.rglob("*.part"):
                with contextlib.suppress(FileNotFoundError):
                    part.unlink()

    def write_cache_key(self) -> str:
        """Name the mirror's content in `cache-key` (see the module docstring) and return it."""
        state = self.load_state()
        key = listing_digest(state["files"]) if state else "empty"
        waiting = sorted(p.name for p in self.incoming.iterdir()
                         if p.is_file()) if self.incoming.is_dir() else []
        if waiting:
            key = "partial-" + object_key(key + "\n" + "\n".join(waiting))
        atomic_write(self.root / CACHE_KEY, (key + "\n").encode())
        return key

    def _apply(self, pending: dict) -> None:
        if pending.get("reset"):
            shutil.rmtree(self.files, ignore_errors=True)
        for path in pending["delete"]:
            target = self.files / path
            if target.is_dir() and not target.is_symlink():
                shutil.rmtree(target, ignore_errors=True)
            else:
                with contextlib.suppress(FileNotFoundError):
                    target.unlink()
            self._prune(target.parent)
        for path, key in pending["apply"].items():
            self._place(self.incoming / key, self.files / path)
        atomic_write(self.state_path, json.dumps(pending["state"], sort_keys=True).encode())
        self.pending_path.unlink()
        shutil.rmtree(self.incoming, ignore_errors=True)

    def _place(self, obj: Path, target: Path) -> None:
        self.files.mkdir(parents=True, exist_ok=True)
        rel = target.relative_to(self.files)
        here = self.files
        for part in rel.parts[:-1]:   # a file (or link) where a folder is needed: remove it
            here = here / part
            if here.is_symlink() or (here.exists() and not here.is_dir()):
                here.unlink()
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.is_dir() and not target.is_symlink():
            shutil.rmtree(target)
        tmp = target.with_name(target.name + ".collab-tmp")
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        try:
            os.link(obj, tmp)
        except OSError:
            shutil.copyfile(obj, tmp)
        os.replace(tmp, target)

    def _prune(self, folder: Path) -> None:
        while folder != self.files and folder.is_relative_to(self.files):
            try:
                folder.rmdir()
            except OSError:
                return
            folder = folder.parent


def atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
