"""From a planned page to a file in the site: rendered, or taken from the page cache when a page
with the same key was rendered before, and streamed to the writer at once.

A page's key is a digest of everything its bytes depend on: the page salt (code, templates,
template engine; see build.page_salt) and its template name and context, pickled. A context
that cannot be pickled has no key: that page is always rendered. Runs in worker processes: what
goes back to the build is one small `Emitted` per page, never the page itself.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from jinja2 import Environment

from builder.cache import Packed, PageCache, close_handles, value_key
from builder.pages.spec import PageSpec
from builder.render import render_page
from builder.search import SearchIndex
from builder.search_plan import PageRecord, page_facts, record_of
from builder.urls import Urls
from builder.write import Entry, FileWriter, Staging


@dataclass(frozen=True)
class Emitter:
    staging: Staging
    pages: PageCache
    salt: str
    env: Environment
    urls: Urls
    search: SearchIndex


@dataclass(frozen=True, slots=True)
class Emitted:
    entry: Entry
    key: str | None = None             # the page's cache key (None: a data file, or no key)
    packed: Packed | None = None       # where the cache holds its bytes
    rendered: bool = False             # rendered by its template now (not from the cache)
    search: PageRecord | None = None   # what the search index takes of the page


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
        done = [d if not d.rendered else Emitted(d.entry, d.key, None, True, d.search) for d in done]
    return done


def emit(em: Emitter, rel: str, spec: PageSpec, handles: dict[str, int], writer,
         files: FileWriter) -> Emitted:
    if spec.data is not None:
        return Emitted(em.staging.put(rel, spec.data, files=files))
    key = page_key(em.salt, spec)
    packed = em.pages.find(key) if key else None
    if packed is not None:
        if em.staging.unchanged(rel, packed.digest):
            return Emitted(Entry(rel, packed.digest, False), key, packed,
                           search=record_of(rel, packed.search))
        data = em.pages.read(packed, handles)
        if data is not None:
            return Emitted(em.staging.put(rel, data, packed.digest, files), key, packed,
                           search=record_of(rel, packed.search))
    data = render_page(em.env, spec.template, spec.context).encode()
    entry = em.staging.put(rel, data, files=files)
    facts = page_facts(data)
    stored = writer.add(data, entry.digest, facts) if key and writer is not None else None
    return Emitted(entry, key, stored, rendered=True, search=record_of(rel, facts))


def page_key(salt: str, spec: PageSpec) -> str | None:
    """What the page's bytes follow from besides `salt`: its template and its context's values
    (cache.value_key; None, so always rendered, when the context cannot be pickled)."""
    return value_key(salt, (spec.template, spec.context))
