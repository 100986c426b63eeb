"""Writing the output tree as pages are rendered: skip unchanged, prune stale, manifest of hashes,
and never a half-written site.

Pages stream in one at a time (from worker processes too), so memory is bounded by a page, not
by the site. Where they go depends on what is already there:

* no site yet: every file goes to a new tree next to it (`.<name>.new`), renamed into place at
  the end: one rename, so an interrupted build leaves nothing behind;
* a site built before: only new or changed files are written, to `.<name>.new`; files whose
  digest matches the previous manifest (and that nothing touched since) are not written at all.
  `commit` then moves the changed files into place, deletes stale ones and writes the manifest
  last, after recording the whole move in a journal (`.<name>.journal`). A build that fails
  before `commit` leaves the previous site as it was; one interrupted during the move is
  completed from the journal by the next build; and until then the manifest does not match the
  files, which `publish` refuses. Unchanged files keep their inode and mtime.

A build replaces or deletes only files a collab-site build wrote: those its manifest lists.
`site_at` refuses a folder that holds files but no manifest of ours; a file the manifest does
not list (a CNAME dropped into the site folder) is left where it is (and, being unlisted, never
published), and `commit` refuses to put a new file in its place. Likewise the folders a build
keeps beside `out` and deletes (`.<name>.new`, `.<name>.old`, and `.<name>.restore` of restore.py)
are deleted only when a build left them (a staging mark or a manifest of ours, or empty): any
other folder of that name is refused, not deleted. The journal beside `out` is ours when it
starts with JOURNAL_MARK: one whose list is whole is finished, one cut short while it was written
(the mark or its list cut short, or an empty file) is deleted, as no file had moved yet; any other
file of that name (or a folder, or a link) is refused, not read, not deleted.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping

from builder.relpath import parts_inside

MANIFEST = "manifest.json"
STAGING_MARK = ".collab-site-staging"   # in `.<name>.new` (`.restore`) until it is swapped in
BESIDE = {                          # the folders a build keeps beside `out`, and what for
    "new": "a build stages the new site in {}",
    "old": "a build sets the previous site aside in {} while it swaps the new one in",
    "restore": "a build restores the last site from the render caches in {}",
}
JOURNAL_MARK = b"collab-site journal 1\n"  # the first line of `.<name>.journal`, then JSON
THREADS = 4                      # file system calls at once, per process, on a slow file system
SLOW_FILE_SECONDS = 100e-6       # what writing a file takes on average there (tmpfs: 16 us)


class OutputRefused(Exception):
    """The output folder holds what a build must not replace (the message says what)."""


@dataclass(frozen=True)
class WriteReport:
    """What a build did to the site folder."""

    written: tuple[str, ...]     # new or changed files
    unchanged: int
    removed: tuple[str, ...]     # stale files of the previous site


@dataclass(frozen=True, slots=True)          # one per file of the site: kept small
class Entry:
    """One file of the new site: its path in the site, sha256, and whether it had to be written."""

    path: str
    digest: str
    changed: bool


@dataclass(frozen=True)
class Staging:
    out: Path
    folder: Path                                # the new tree, or the changed files only
    in_place: bool                              # True when `out` holds a previous site
    previous: Mapping[str, str] = field(default_factory=dict)   # its manifest: path -> sha256
    built_ns: int = 0                           # its manifest's mtime
    written_now: bool = False                   # the previous site was written by this build
    touched: frozenset[str] | None = None       # its files not as built (None: not looked over)

    def unchanged(self, rel: str, digest: str) -> bool:
        """The previous site already has these bytes at `rel` (and nothing wrote there since:
        looked at, unless this build wrote that site itself, from its caches, or looked it
        over already)."""
        if not self.in_place or self.previous.get(rel) != digest:
            return False
        if self.written_now:
            return True
        if self.touched is not None:
            return rel not in self.touched
        return _as_built(self.out, rel, self.built_ns)

    def read(self, entry: Entry) -> bytes:
        """A staged file's bytes (from the new tree, or the previous site where it is unchanged)."""
        return ((self.folder if entry.changed else self.out) / entry.path).read_bytes()

    def put(self, rel: str, data: bytes, digest: str | None = None,
            files: FileWriter | None = None) -> Entry:
        """Stage one file (through `files`' threads when given: it may not be on disk yet)."""
        _check_relative(rel)
        digest = digest or hashlib.sha256(data).hexdigest()
        if self.unchanged(rel, digest):
            return Entry(rel, digest, False)
        if files is not None:
            files.write(os.path.join(self.folder, rel), data)
        else:
            write_file(os.path.join(self.folder, rel), data)
        return Entry(rel, digest, True)


class FileWriter:
    """Writes files in the caller's thread while the file system keeps up, else on a few threads.

    On a fast file system (tmpfs, a local SSD) creating a file costs the kernel some
    microseconds, and threads only add contention: writing the 10k site's 25,000 files took
    0.39 s in one thread and 1.5 s on four, on tmpfs. On a slow one (a busy virtual disk), a
    file can cost a millisecond of waiting, and four threads finished in half the time. So the
    first `probe` files are written and timed here; once the mean time per file reaches
    `slow` seconds, the rest go to `threads` threads, `batch` at a time (handing over each file
    alone cost more than writing it), with about `pending` files waiting in memory. `close`
    waits for all and raises the first failure."""

    def __init__(self, threads: int = THREADS, pending: int = 32, batch: int = 8,
                 probe: int = 64, slow: float = SLOW_FILE_SECONDS):
        self.threads, self.probe, self.slow = threads, probe, slow
        self.pool: ThreadPoolExecutor | None = None
        self.slots = threading.BoundedSemaphore(max(1, pending // batch))
        self.batch_size = batch
        self.batch: list[tuple[Callable[[Any, Any], None], str | Path, Any]] = []
        self.futures: list[Future] = []
        self.folders: set[str] = set()            # made (or found) by this writer
        self.timed, self.spent = 0, 0.0           # files written in this thread, and their time

    @property
    def threaded(self) -> bool:
        return self.pool is not None

    def write(self, path: str, data: bytes) -> None:
        self._add(self._write, path, data)

    def _write(self, path: str, data: bytes) -> None:
        # Most pages are the first file of a folder of their own: make it first rather than
        # fail to open the file there (each call costs, on slow file systems).
        folder = os.path.dirname(path)
        if folder not in self.folders:
            _make_folder(folder)
            self.folders.add(folder)
        write_file(path, data)

    def link(self, source: Path, target: Path) -> None:
        """`target` becomes another name of `source` (same inode, same mtime)."""
        self._add(_link, source, target)

    def _add(self, action: Callable[[Any, Any], None], path: str | Path, arg: Any) -> None:
        if self.pool is None and (self.timed < self.probe or self.spent < self.timed * self.slow):
            started = time.perf_counter()
            action(path, arg)
            self.spent += time.perf_counter() - started
            self.timed += 1
            return
        if self.pool is None:
            self.pool = ThreadPoolExecutor(self.threads)
        self.batch.append((action, path, arg))
        if len(self.batch) == self.batch_size:
            self._submit()

    def _submit(self) -> None:
        assert self.pool is not None
        batch, self.batch = self.batch, []
        self.slots.acquire()
        future = self.pool.submit(_run_all, batch)
        future.add_done_callback(lambda _: self.slots.release())
        self.futures.append(future)

    def close(self) -> None:
        if self.pool is None:
            return
        if self.batch:
            self._submit()
        self.pool.shutdown(wait=True)
        for future in self.futures:
            future.result()

    def __enter__(self) -> FileWriter:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _run_all(batch: list[tuple[Callable[[Any, Any], None], str | Path, Any]]) -> None:
    for action, path, arg in batch:
        action(path, arg)


def site_at(out: Path) -> dict[str, Any] | None:
    """The manifest of the site a collab-site build left at `out` (None: nothing is there, or
    an empty folder). Raises OutputRefused when `out` holds anything else, which a build would
    replace or delete: it is a file, or a folder with files in it and no manifest of ours (a
    manifest.json of another tool is not one)."""
    refuse_what_is_beside(out)
    if not out.is_dir():
        if os.path.lexists(out):
            raise OutputRefused(f"refusing to build into {out}: it is a file, not a folder")
        return None
    manifest = read_manifest(out / MANIFEST)
    if manifest is not None:
        return manifest
    others = list(islice(_files_in(out), 4))
    if others:
        raise OutputRefused(f"refusing to build into {out}: it holds files that no collab-site "
                            f"build wrote ({_few(others)}); choose another --out, or empty it")
    return None


def refuse_what_is_beside(out: Path) -> None:
    """OutputRefused when one of the folders a build deletes beside `out` (BESIDE), or the
    journal it finishes and deletes, is not one a build left (the user's, of that name)."""
    for kind, what in BESIDE.items():
        folder = _sibling(out, kind)
        if os.path.lexists(folder) and not left_by_a_build(folder):
            raise OutputRefused(f"refusing to build into {out}: {what.format(folder)}, and no "
                                f"collab-site build made what is there; move it away")
    journal = _sibling(out, "journal")
    if os.path.lexists(journal) and read_journal(journal) is None:
        raise OutputRefused(f"refusing to build into {out}: a build records the files it moves "
                            f"into the site in {journal}, and no collab-site build wrote what is "
                            f"there; move it away")


def left_by_a_build(folder: Path) -> bool:
    """A folder a build made beside its output: marked while it is staged, or holding our
    manifest (a staged site from the moment before its swap, the previous site set aside), or
    empty (nothing to lose)."""
    if folder.is_symlink() or not folder.is_dir():
        return False
    if (folder / STAGING_MARK).is_file() or read_manifest(folder / MANIFEST) is not None:
        return True
    with os.scandir(folder) as entries:
        return next(entries, None) is None


def read_journal(path: Path) -> dict[str, list[str]] | None:
    """The moves the journal at `path` records, if a build wrote it (it starts with
    JOURNAL_MARK); {} when that build was stopped while writing it (before it moved a file: there
    is nothing to finish); None when it is not ours (or not a file), or not a journal's shape."""
    if os.path.islink(path) or not os.path.isfile(path):
        return None
    try:
        data = Path(path).read_bytes()
    except OSError:
        return None
    if JOURNAL_MARK.startswith(data):                 # cut short within its first line
        return {}
    if not data.startswith(JOURNAL_MARK):
        return None
    try:
        journal = json.loads(data[len(JOURNAL_MARK):])
    except ValueError:                                # a JSON object cut short never parses
        return {}
    return journal if _journal_shape(journal) else None


def _journal_shape(journal: Any) -> bool:
    """{"move": [path, ...], "remove": [path, ...]}, every path inside the site folder."""
    return (isinstance(journal, dict) and set(journal) == {"move", "remove"}
            and all(isinstance(paths, list) and all(isinstance(rel, str) and parts_inside(rel)
                                                    for rel in paths)
                    for paths in journal.values()))


def journal_bytes(journal: Mapping[str, list[str]]) -> bytes:
    return JOURNAL_MARK + json.dumps(journal).encode()


def read_manifest(path: Path) -> dict[str, Any] | None:
    """The manifest.json at `path` if a collab-site build wrote it (its shape says so: see
    `manifest_bytes`), else None."""
    try:
        return read_manifest_bytes(path.read_bytes())
    except OSError:
        return None


def read_manifest_bytes(raw: bytes) -> dict[str, Any] | None:
    """`read_manifest` of a manifest's bytes."""
    try:
        data = json.loads(raw)
    except ValueError:
        return None
    if not isinstance(data, dict) or data.get("version") != 1:
        return None
    files = data.get("files")
    if not isinstance(files, dict) or not all(isinstance(k, str) and isinstance(v, str)
                                              for k, v in files.items()):
        return None
    return data


def _few(paths: list[str]) -> str:
    return ", ".join(paths[:3]) + (", ..." if len(paths) > 3 else "")


def nothing_at(out: Path) -> bool:
    """No site at `out`, and nothing that a build of it left there (a swap or a move cut short,
    which `begin` would finish)."""
    return not out.exists() and not _cut_short(out)


def _cut_short(out: Path) -> bool:
    return _sibling(out, "old").exists() or _sibling(out, "journal").exists()


@dataclass(frozen=True)
class KeptSite:
    """The site at an output folder, looked over before the build writes there: its manifest's
    time, and the files of that manifest that are not as that build left them."""

    built_ns: int
    touched: frozenset[str]


def look_over(out: Path) -> KeptSite | None:
    """The site at `out`, a look at each of its files (25,000 at 10,000 messages: a build starts
    it on another core while it reads the bucket); None when there is no site with a manifest,
    or a build cut short left one that `begin` will change."""
    if _cut_short(out):
        return None
    previous, built_ns = _previous_manifest(out)
    if not previous:
        return None
    return KeptSite(built_ns, frozenset(rel for rel in previous if not _as_built(out, rel, built_ns)))


def _as_built(out: Path, rel: str, built_ns: int) -> bool:
    """A regular file at `rel`, not written since the manifest was (at `built_ns`)."""
    try:
        st = os.lstat(os.path.join(out, rel))
    except OSError:
        return False
    return st.st_mtime_ns <= built_ns and (st.st_mode & 0o170000) == 0o100000


def begin(out: Path, written_now: bool = False, kept: KeptSite | None = None) -> Staging:
    """Get ready to write a site into `out`, finishing or undoing whatever a crash left.
    `written_now`: the site at `out` was just written, whole, by this build (restore.py);
    `kept`: what `look_over` found there (used when the manifest is still the one it read)."""
    out = Path(out)
    folder, old = _sibling(out, "new"), _sibling(out, "old")
    refuse_what_is_beside(out)
    _recover(out, old)
    if folder.exists():
        remove_tree(folder, last=STAGING_MARK)
    folder.mkdir(parents=True)
    write_file(folder / STAGING_MARK, b"")
    if not out.is_dir():
        return Staging(out, folder, in_place=False)
    previous, built_ns = _previous_manifest(out)
    touched = kept.touched if kept is not None and kept.built_ns == built_ns else None
    return Staging(out, folder, in_place=True, previous=previous, built_ns=built_ns,
                   written_now=written_now, touched=touched)


def commit(staging: Staging, entries: Mapping[str, Entry], manifest: bytes) -> WriteReport:
    """Make the staged site the site. `entries` is every file of the new site (but the manifest).

    Over a previous site, the cheaper of two ways: when most files changed, the few unchanged
    ones are linked into the new tree and the trees are swapped; else the changed files are
    moved in, under a journal. Files the previous manifest does not list stay: their folder is
    never swapped away, and a new file in the place of one is refused (OutputRefused)."""
    changed = sorted(p for p, e in entries.items() if e.changed)
    unchanged = [p for p, e in entries.items() if not e.changed]
    removed = sorted(set(staging.previous) - set(entries) - {MANIFEST})
    swap = not staging.in_place or (len(changed) > len(unchanged) and not _holds_others(staging))
    if not swap:
        _refuse_others_in_the_way(staging, changed)
    write_file(staging.folder / MANIFEST, manifest)
    if swap:
        with FileWriter() as files:
            for rel in unchanged:
                files.link(staging.out / rel, staging.folder / rel)
        (staging.folder / STAGING_MARK).unlink()        # not a file of the site
        _swap_in(staging.out, staging.folder, _sibling(staging.out, "old"))
    else:
        journal = {"move": changed + [MANIFEST], "remove": removed}
        journal_path = _sibling(staging.out, "journal")
        write_file(journal_path, journal_bytes(journal))
        _replay(staging.out, staging.folder, journal)
        journal_path.unlink()
        remove_tree(staging.folder, last=STAGING_MARK)
    return WriteReport(tuple(changed), len(unchanged), tuple(removed))


def remove_tree(root: Path, last: str = "") -> None:
    """rmtree, with the files and then each level's folders removed on a few threads; the file
    `last` (in `root`) after the other files, so that a removal cut short leaves it."""
    files, levels = [], {}
    for dirpath, _, filenames in os.walk(root):
        files.extend(os.path.join(dirpath, name) for name in filenames)
        levels.setdefault(dirpath.count(os.sep), []).append(dirpath)
    final = os.path.join(root, last) if last else ""
    with ThreadPoolExecutor(THREADS) as pool:
        list(pool.map(_quietly(os.unlink), [f for f in files if f != final], chunksize=64))
        if final in files:
            _quietly(os.unlink)(final)
        for depth in sorted(levels, reverse=True):
            list(pool.map(_quietly(os.rmdir), levels[depth], chunksize=64))
    shutil.rmtree(root, ignore_errors=True)           # whatever was left (a folder raced in)


def _quietly(action: Callable[[str], None]) -> Callable[[str], None]:
    def run(path: str) -> None:
        try:
            action(path)
        except OSError:
            pass
    return run


def _holds_others(staging: Staging) -> bool:
    """The site folder holds a file its manifest does not list."""
    return any(rel not in staging.previous and rel != MANIFEST for rel in _files_in(staging.out))


def _refuse_others_in_the_way(staging: Staging, changed: Iterable[str]) -> None:
    """OutputRefused (the staged files removed) if a new file of the site would replace a file
    (or a link) the previous manifest does not list, or go in a folder that is one."""
    seen: set[str] = set()
    others = [rel for path in changed if path not in staging.previous
              for rel in _in_the_way(staging.out, path, seen) if rel not in staging.previous]
    if others:
        remove_tree(staging.folder, last=STAGING_MARK)
        raise OutputRefused(f"refusing to build into {staging.out}: the new site has files where "
                            f"it holds files no collab-site build wrote ({_few(others)}); "
                            f"move them away")


def _in_the_way(out: Path, rel: str, seen: set[str]) -> list[str]:
    """What writing the file `rel` into `out` would replace: the first of its folders that is
    not a folder (`seen`: those found to be folders), or what is at `rel` (a folder's files)."""
    parts = rel.split("/")
    for depth in range(1, len(parts) + 1):
        path = "/".join(parts[:depth])
        if path in seen:
            continue
        try:
            mode = os.lstat(os.path.join(out, path)).st_mode
        except FileNotFoundError:
            return []
        if (mode & 0o170000) != 0o040000:
            return [path]
        if depth == len(parts):
            return [f"{path}/{name}" for name in _files_in(out / path)]
        seen.add(path)
    return []


def manifest_bytes(digests: Mapping[str, str], counts: Mapping[str, int], input_digest: str = "",
                   problems: list[list[str]] | None = None, base: str | None = None,
                   notes: list[list[str]] | None = None) -> bytes:
    """`problems` and `notes`: [path, reason] of the build report's problems and notes.
    `base`: the path the site is served under ("/site/"), so that `check` can follow its
    links from the folder alone; None leaves it out (check then goes by the config)."""
    data = {"version": 1, "counts": dict(sorted(counts.items())), "input": input_digest,
            "problems": problems or [], "notes": notes or [],
            "files": dict(sorted(digests.items()))}
    if base is not None:
        data["base"] = base
    return (json.dumps(data, indent=1, sort_keys=True) + "\n").encode()


def write_site(out: Path, files: Mapping[str, bytes], kept: KeptSite | None = None) -> WriteReport:
    """The whole site at once (small sites and tests): stage every file, then commit."""
    staging = begin(out, kept=kept)
    entries = {rel: staging.put(rel, files[rel]) for rel in sorted(files) if rel != MANIFEST}
    manifest = files.get(MANIFEST) or manifest_bytes({p: e.digest for p, e in entries.items()}, {})
    return commit(staging, entries, manifest)


def _link(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except FileNotFoundError:
        target.parent.mkdir(parents=True, exist_ok=True)
        os.link(source, target)


def _make_folder(folder: str) -> None:
    """os.makedirs, without its look at the parent first when the parent is there (as it is
    for most pages' folders)."""
    try:
        os.mkdir(folder)
    except FileExistsError:
        pass
    except FileNotFoundError:
        os.makedirs(folder, exist_ok=True)


def write_file(path: str | Path, data: bytes) -> None:
    """`data` as the file at `path` (its folder made if need be), through the system calls
    alone: a file object around them cost a fifth of the time of writing a page to tmpfs."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    except FileNotFoundError:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)


def _previous_manifest(out: Path) -> tuple[dict[str, str], int]:
    try:
        built_ns = (out / MANIFEST).stat().st_mtime_ns
    except OSError:
        return {}, 0
    manifest = read_manifest(out / MANIFEST)
    return (manifest["files"], built_ns) if manifest is not None else ({}, 0)


def _replay(out: Path, folder: Path, journal: Mapping[str, list[str]]) -> None:
    """Move staged files into the site and delete stale ones; safe to run twice."""
    for rel in journal.get("move", []):
        _check_relative(rel)
        source, target = folder / rel, out / rel
        if not source.exists():
            continue                                      # moved by an interrupted run
        try:
            os.replace(source, target)
        except FileNotFoundError:
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(source, target)
        except (IsADirectoryError, NotADirectoryError):   # a folder became a file, or back
            _clear_way(out, rel)
            os.replace(source, target)
    for rel in journal.get("remove", []):
        _check_relative(rel)
        try:
            (out / rel).unlink()
        except OSError:
            continue
        _remove_empty_parents(out, (out / rel).parent)


def _clear_way(out: Path, rel: str) -> None:
    target = out / rel
    if target.is_dir() and not target.is_symlink():
        shutil.rmtree(target)
    for parent in reversed(target.parents):
        if parent != out and parent.is_relative_to(out) and parent.is_file():
            parent.unlink()
    target.parent.mkdir(parents=True, exist_ok=True)


def _remove_empty_parents(out: Path, folder: Path) -> None:
    while folder != out and folder.is_relative_to(out):
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent


def _files_in(out: Path) -> Iterator[str]:
    """Every file in `out` (links to folders too: a build does not look into them), as a path
    in it, in order, one at a time."""
    for dirpath, dirnames, filenames in os.walk(out):
        dirnames.sort()
        rel = os.path.relpath(dirpath, out)
        prefix = "" if rel == "." else rel.replace(os.sep, "/") + "/"
        links = [name for name in dirnames if os.path.islink(os.path.join(dirpath, name))]
        yield from (prefix + name for name in sorted(filenames + links))


def _check_relative(rel: str) -> None:
    if parts_inside(rel) is None:
        raise ValueError(f"refusing to write outside the site folder: {rel!r}")


def _sibling(out: Path, kind: str) -> Path:
    return out.with_name(f".{out.name}.{kind}")


def _swap_in(out: Path, new: Path, old: Path) -> None:
    if out.exists():
        if old.exists():
            remove_tree(old, last=MANIFEST)
        os.rename(out, old)
        os.rename(new, out)
        remove_tree(old, last=MANIFEST)         # cut short, it is still a previous site of ours
    else:
        out.parent.mkdir(parents=True, exist_ok=True)
        os.rename(new, out)


def _recover(out: Path, old: Path) -> None:
    """Undo a swap cut in half (the previous site is moved back), or finish a journaled move
    (`refuse_what_is_beside` has made sure that a journal there is ours)."""
    if not out.exists() and old.exists():
        os.rename(old, out)
    journal_path = _sibling(out, "journal")
    journal = read_journal(journal_path)
    if journal is not None:
        if journal and out.is_dir():
            _replay(out, _sibling(out, "new"), journal)
        journal_path.unlink()
