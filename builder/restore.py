"""A new runner's output folder starts as the last site, rebuilt from the render caches on
another core while the build reads the bucket: the build then writes only what changed, as over
a site it kept.

A cron job on a fresh runner restores the caches but has no site folder, so every build would
write every file of the site again (25,000 at 10,000 messages), though all but a few are in the
caches already. Each build lists where the caches hold its site's files (`remember`): its pages
by page key, its search index by the key of each folder's files. The next build of the same
config with nothing at its output folder has those files written to a folder beside it, with a
manifest, and renamed into place (`start`) before it stages its own files (`finish`). (The last
site of another config would only be written to be replaced.) Every page read back is checked
against its digest; a file the caches no longer hold whole is left out, and the build writes it.
Like the caches, a listing that is missing or damaged costs time, never a wrong file. (A build
that fails once the restoring started leaves the last site in the output folder, whole, with
its manifest.) The folder beside `out` is marked as the build's, like write.py's staging
folder, and only such a folder is deleted.

Every file of the site is listed (its static and data files are kept in the page cache too),
and the listing keeps the last site's manifest beside it: a restore that brings back every file
it names, with its digest, puts that manifest in place, so the output folder holds the last site
as that build left it. A cron run with nothing new on a fresh runner then stops there, as it
does over a site it kept (`restores_whole`).
"""
from __future__ import annotations

import hashlib
import json
import os
from functools import partial
from pathlib import Path, PurePosixPath
from typing import Any, Iterator, Mapping

from builder.cache import PageCache, RenderCache, close_handles, write_atomically
from builder.pagefind_format import unpack_files
from builder.parallel import Running, background, collect
from builder.relpath import parts_inside
from builder.search import CACHE as SEARCH_CACHE, FOLDER as SEARCH
from builder.search import folder_order, shard_list, site_files
from builder.write import (MANIFEST, STAGING_MARK, FileWriter, left_by_a_build, manifest_bytes,
                           nothing_at, read_manifest_bytes, remove_tree, write_file)

LISTING = "site.json"
LAST_MANIFEST = "site-manifest.json"


def remember(folder: Path, config: str, pages: Mapping[str, str], search: Mapping[str, str],
             manifest: bytes = b"") -> None:
    """Where the caches under `folder` hold the site just built from `config` (a digest):
    page path -> page key, and search folder -> the key of its files in the search cache; and
    the site's `manifest` (written first: the listing names the inputs it was built from)."""
    found = read_manifest_bytes(manifest)
    if found is None or not write_atomically(folder / LAST_MANIFEST, manifest):
        found = {}
    listing = {"config": config, "input": found.get("input", ""),
               "pages": dict(sorted(pages.items())), "search": dict(sorted(search.items()))}
    write_atomically(folder / LISTING, json.dumps(listing).encode())


def restores_whole(folder: Path, config: str, input_digest: str) -> bool:
    """Whether the caches under `folder` list the last site of `config` built from these inputs
    (so a restore that finds every file gives the site the build would make)."""
    listing = _load(folder / LISTING)
    return (bool(input_digest) and listing.get("config") == config
            and listing.get("input") == input_digest)


def start(folder: Path, config: str, out: Path) -> Running | None:
    """When there is nothing at `out` and the caches under `folder` list a site: that site,
    if of `config`, written beside `out` on another core (here at once, on one core) and
    renamed to `out`. The worker opens the caches itself, so that the build can start it
    first of all (the caches it reads are the ones the build found; it writes none of them).
    None: nothing to do."""
    if not nothing_at(out) or not (folder / LISTING).is_file():
        return None
    return background(partial(restore_listed, folder, config, out))


def restore_listed(folder: Path, config: str, out: Path) -> int:
    """What `start` has a worker do: the number of files restored (0: none; a folder of that
    name that no build left is not touched, and `write.begin` refuses it)."""
    listing = _load(folder / LISTING)
    staging = restoring_folder(out)
    if listing.get("config") != config or (staging.exists() and not left_by_a_build(staging)):
        return 0
    if staging.exists():
        remove_tree(staging, last=STAGING_MARK)   # left by a build that was killed
    return restore(listing, PageCache(folder / "pages"), RenderCache(folder), out,
                   _read(folder / LAST_MANIFEST))


def finish(running: Running | None) -> int:
    """Wait for `start`'s work: how many files the output folder now holds from the caches."""
    return collect(running)[0] if running is not None else 0


def restoring_folder(out: Path) -> Path:
    return out.with_name(f".{out.name}.restore")


def restore(listing: Mapping[str, Any], pages: PageCache, files: RenderCache, out: Path,
            last: bytes = b"") -> int:
    """The listed site in `out`, from the caches; the number of its files (0: none restored).
    `last`: the manifest of the listed site, put in place when every file it names is restored."""
    staging = restoring_folder(out)
    digests: dict[str, str] = {}
    try:
        write_file(staging / STAGING_MARK, b"")
        with FileWriter() as writer:
            for path, data, digest in _listed_files(listing, pages, files):
                writer.write(os.path.join(staging, path), data)
                digests[path] = digest
        if not digests:
            raise FileNotFoundError("the caches hold none of the listed files")
        write_file(staging / MANIFEST, _manifest(listing, digests, last))  # last: see write.Staging
        (staging / STAGING_MARK).unlink()                                  # not a file of the site
        os.rename(staging, out)
    except OSError:
        remove_tree(staging, last=STAGING_MARK)
        return 0
    return len(digests)


def _manifest(listing: Mapping[str, Any], digests: Mapping[str, str], last: bytes) -> bytes:
    """The manifest of the listed site when `digests` are its files, each as it has it (and it
    names the inputs the listing does); else one of the files restored."""
    found = read_manifest_bytes(last)
    whole = found is not None and found["files"] == digests
    return last if whole and found.get("input") == listing.get("input") else manifest_bytes(digests, {})


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b""


def _load(listing: Path) -> dict[str, Any]:
    """What `remember` wrote, with only the entries of the types it writes ({}: none)."""
    try:
        data = json.loads(listing.read_bytes())
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    parts = {part: {k: v for k, v in value.items() if isinstance(k, str) and isinstance(v, str)}
             for part in ("pages", "search") if isinstance(value := data.get(part), dict)}
    return {**parts, "config": data.get("config"), "input": data.get("input")}


def _listed_files(listing: Mapping[str, Any], pages: PageCache, files: RenderCache
                  ) -> Iterator[tuple[str, bytes, str]]:
    """(path in the site, bytes, sha256) of every listed file the caches hold whole."""
    handles: dict[str, int] = {}
    try:
        for path, key in listing.get("pages", {}).items():
            packed = pages.find(key)
            data = pages.read(packed, handles) if packed is not None and parts_inside(path) else None
            if data is not None:
                yield path, data, packed.digest
    finally:
        close_handles(handles)
    folders = sorted((order, folder, key) for folder, key in listing.get("search", {}).items()
                     if (order := folder_order(folder)) is not None)
    missing: list[str] = []

    def bundle(key: str) -> dict[str, bytes]:
        found = _bundle(files.find(SEARCH_CACHE, key))
        if not found:
            missing.append(key)
        return found

    bundles = ((folder, bundle(key)) for _, folder, key in folders)
    for path, data in site_files(bundles):
        if parts_inside(path):
            yield path, data, hashlib.sha256(data).hexdigest()
    if folders and not missing:                 # the list of shards, when the caches hold them all
        path, data = shard_list(PurePosixPath(folder).name for _, folder, _ in folders
                                if folder != f"{SEARCH}/")
        yield path, data, hashlib.sha256(data).hexdigest()


def _bundle(packed: bytes | None) -> dict[str, bytes]:
    try:
        return unpack_files(packed) if packed is not None else {}
    except ValueError:
        return {}
