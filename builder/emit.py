"""From a planned page to a file in the site: rendered, or taken from the page cache when a page
with the same key was rendered before, and streamed to the writer at once.

A page's key is a digest of everything its bytes depend on: the page salt (code, templates,
template engine; see build.page_salt) and its template name and context, pickled. A context
that cannot be pickled has no key: that page is always rendered. A Deferred page comes with the
key its fingerprint had last time, and is neither planned nor keyed (pages.spec). Runs in
worker processes: what goes back to the build is one small `Emitted` per page, never the page
itself.
"""
from __future__ import annotations

import hashlib
import os
import threading
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Callable, Iterable, Mapping

from jinja2 import Environment

from builder.cache import Packed, PageCache, close_handles, digest_of, value_key
from builder.pages.spec import Deferred, PageSpec
from builder.render import render_page
from builder.search import SearchIndex
from builder.search_plan import PageRecord, indexed_part, page_search, record_of
from builder.urls import Urls
from builder.write import Entry, FileWriter, Staging

if TYPE_CHECKING:                          # finished.py imports this module
    from builder.finished import FinishedPages


@dataclass(frozen=True)
class Emitter:
    staging: Staging
    pages: PageCache
    salt: str
    env: Environment
    urls: Urls
    search: SearchIndex
    # Read once, not for each of the site's pages: see CHECK_FINGERPRINTS.
    check_fingerprints: bool = field(default_factory=lambda: check_fingerprints())


@dataclass(frozen=True, slots=True)
class Emitted:
    entry: Entry
    key: str | None = None             # the page's cache key (None: a data file, or no key)
    packed: Packed | None = None       # where the cache holds its bytes
    rendered: bool = False             # rendered by its template now (not from the cache)
    search: PageRecord | None = None   # what the search index takes of the page
    fingerprint: str | None = None     # what the section said the page follows from (Deferred)


def emit_all(em: Emitter, specs: Iterable[PageSpec]) -> list[Emitted]:
    """Every spec, in order; new pages go to one new pack of the cache."""
    writer = em.pages.writer()
    handles: dict[str, int] = {}
    try:
        with FileWriter() as files:
            done = [emit(em, em.urls.file_for(spec.url), spec, handles, writer, files)
                    for spec in specs]
    finally:
        close_handles(handles)
    if writer is not None and not writer.close():        # a pack cut short is never indexed
        done = [replace(d, packed=None) if d.packed and d.packed.pack == writer.name else d
                for d in done]
    return done


def emit(em: Emitter, rel: str, spec: PageSpec | Deferred, handles: dict[str, int], writer,
         files: FileWriter) -> Emitted:
    if isinstance(spec, Deferred):
        if em.check_fingerprints:
            _check_fingerprint(em, spec)
        cached = _from_cache(em, rel, spec.key, handles, files, spec.fingerprint) if spec.key else None
        if cached is not None:
            return cached
        spec = replace(spec.plan(), fingerprint=spec.fingerprint)      # the cached page is gone
    if spec.data is not None:
        return _data_file(em, rel, spec, writer, files)
    key = page_key(em.salt, spec)
    cached = _from_cache(em, rel, key, handles, files, spec.fingerprint) if key else None
    if cached is not None:
        return cached
    data = render_page(em.env, spec.template, spec.context).encode()
    entry = em.staging.put(rel, data, files=files)
    facts, part = page_search(data) or (None, b"")
    stored = writer.add(data, entry.digest, facts, part) if key and writer is not None else None
    return Emitted(entry, key, stored, rendered=True, search=record_of(rel, facts),
                   fingerprint=spec.fingerprint)


def _data_file(em: Emitter, rel: str, spec: PageSpec, writer, files: FileWriter) -> Emitted:
    """A file written as it is (feed, JSON, a static file); it goes to the page cache too, under
    a key of its bytes: the next build may take it by its fingerprint (when it has one), and a
    fresh runner's output folder starts with it (restore.py)."""
    assert spec.data is not None
    entry = em.staging.put(rel, spec.data, files=files)
    if writer is None:
        return Emitted(entry)
    key = data_key(entry.digest)
    packed = em.pages.find(key) or writer.add(spec.data, entry.digest)
    return Emitted(entry, key, packed, fingerprint=spec.fingerprint)


def _from_cache(em: Emitter, rel: str, key: str, handles: dict[str, int], files: FileWriter,
                fingerprint: str | None) -> Emitted | None:
    """The page of `key` from the page cache (not even written when the site has it already),
    or None when the cache does not hold it whole."""
    packed = em.pages.find(key)
    if packed is None:
        return None
    if em.staging.unchanged(rel, packed.digest):
        entry = Entry(rel, packed.digest, False)
    elif (data := em.pages.read(packed, handles)) is not None:
        entry = em.staging.put(rel, data, packed.digest, files)
    else:
        return None
    return Emitted(entry, key, packed, search=record_of(rel, packed.search), fingerprint=fingerprint)


def indexed_parts(em: Emitter, done: FinishedPages, staged: Mapping[str, Entry],
                  handles: dict[str, int]) -> Callable[[str], bytes]:
    """The indexed part of each page in `done`, by its path in the site: from the page cache,
    where the part follows the page (computed when the page was rendered), else from the page
    (`staged`: where each is)."""
    at = done.positions()
    opening = threading.Lock()              # the search index reads from a few threads

    def part(rel: str) -> bytes:
        packed = done.packed(at[rel])
        with opening:
            kept = em.pages.read_part(packed, handles) if packed else None
        return kept if kept is not None else indexed_part(em.staging.read(staged[rel]))

    return part


# When this environment variable is set (the tests set it), every page taken from the cache by
# its fingerprint is planned as well, and the build stops when its key is not the one the
# fingerprint gave: a fingerprint that misses something its page shows would otherwise leave a
# stale page in the site, silently.
CHECK_FINGERPRINTS = "COLLAB_CHECK_FINGERPRINTS"


def check_fingerprints() -> bool:
    return bool(os.environ.get(CHECK_FINGERPRINTS))


class StaleFingerprint(AssertionError):
    """A page's fingerprint stayed the same while what the page shows changed."""


def _check_fingerprint(em: Emitter, spec: Deferred) -> None:
    planned = spec.plan()
    key = (data_key(hashlib.sha256(planned.data).hexdigest()) if planned.data is not None
           else page_key(em.salt, planned))
    if key != spec.key:
        raise StaleFingerprint(f"{spec.url}: its fingerprint gave a page key that its context "
                               "no longer has")


def data_key(digest: str) -> str:
    """The page cache's key of a data file (written as it is) whose bytes have this sha256."""
    return digest_of("data file", digest)


def page_key(salt: str, spec: PageSpec) -> str | None:
    """What the page's bytes follow from besides `salt`: its template and its context's values
    (cache.value_key; None, so always rendered, when the context cannot be pickled)."""
    return value_key(salt, (spec.template, spec.context))
