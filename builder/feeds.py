"""Atom feeds: the newest messages, every record (a result that beat the best so far), and one
feed per agent of what it posted.

Entries carry the full message or result body as HTML that already went through the markdown
door (sanitised), escaped into the XML; titles, authors and summaries are escaped plain text."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Callable, Iterable, Protocol, Sequence
from xml.sax.saxutils import escape, quoteattr

from builder import format as fmt
from builder.urls import origin_of

FEED_SIZE = 50


class Shown(Protocol):
    id: str
    agent: str


@dataclass(frozen=True)
class Entry:
    url: str                     # absolute when the site's base URL names a host
    title: str
    updated: datetime | None
    author: str
    summary: str                 # plain text
    content: str = ""            # sanitised HTML ("" for none)
    id: str = ""                 # its permanent Atom id (urls.atom_id); `url` when ""
    published: datetime | None = None   # when it was posted, if it changed since (`updated`)

    @property
    def posted(self) -> datetime | None:
        return self.published or self.updated


def messages_shown(messages: Sequence[Shown]) -> set[str]:
    """The ids of the messages some feed shows: the FEED_SIZE newest of `messages` (oldest
    first, as the collaboration orders them), and of each agent's."""
    by_agent: dict[str, list[str]] = {}
    for m in messages:
        by_agent.setdefault(m.agent, []).append(m.id)
    return {m.id for m in messages[-FEED_SIZE:]}.union(
        *(ids[-FEED_SIZE:] for ids in by_agent.values()))


def newest(entries: Iterable[Entry], size: int = FEED_SIZE) -> list[Entry]:
    """The `size` newest entries by when they were posted, newest first (undated ones last,
    ties by URL): a result verified later keeps its place among the results, as pages list it."""
    return _last_by(entries, lambda e: e.posted, size)


def latest(entries: Iterable[Entry], size: int = FEED_SIZE) -> list[Entry]:
    """The `size` entries that changed last, latest first (ties by URL): a feed of events on
    old entries (a verdict on a record) shows the newest event, however old its entry."""
    return _last_by(entries, lambda e: e.updated, size)


def _last_by(entries: Iterable[Entry], when: Callable[[Entry], datetime | None],
             size: int) -> list[Entry]:
    return sorted(entries, key=lambda e: (when(e) is not None, fmt.iso(when(e)), e.url),
                  reverse=True)[:size]


def last_updated(entries: Iterable[Entry]) -> datetime | None:
    """The newest `updated` of the entries: the feed's own."""
    return max((fmt.utc(e.updated) for e in entries if e.updated), default=None)


# What XML 1.0 cannot hold at all, escaped or not: one such character and a reader drops the
# whole feed. The markdown door and the readers drop them already; a value read from JSON may not.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


# Atom needs a date on every feed and entry. A feed or entry without one gets the time the pages
# give it (see pages/feeds.py); this stands in only when no input of the collaboration carries a
# time at all (an empty bucket, the fallback entries alone).
UNKNOWN_TIME = "1970-01-01T00:00:00Z"


def _iso(ts: datetime | None) -> str:
    return fmt.iso(ts) or UNKNOWN_TIME


# An <a> start tag's href that is a fragment only. Sanitised HTML quotes every attribute value
# with " and escapes " inside one, and escapes "<" in text, so this finds tags and nothing else.
_FRAGMENT_HREF = re.compile(r'(<a(?:\s[^>]*?)?\shref=")#')
# An <a>'s href or an <img>'s src that is a path from the site's root (not "//host/...").
_ROOT_PATH = re.compile(r'(<(?:a|img)(?:\s[^>]*?)?\s(?:href|src)=")(?=/(?!/))')


def entry_links(content: str, url: str, origin: str = "") -> str:
    """A body's links to its own headings and footnotes (``#user-content-...``) made to name its
    page: a feed reader would resolve them against the feed's base (the home page). With the
    site's `origin`, its links to the site's pages name it too: a reader that ignores xml:base
    (many do, and mail digests have no base) would lead them nowhere."""
    content = _FRAGMENT_HREF.sub(lambda m: m.group(1) + escape(url, {'"': "&quot;"}) + "#", content)
    return _ROOT_PATH.sub(lambda m: m.group(1) + escape(origin, {'"': "&quot;"}), content) \
        if origin else content


def _entry(e: Entry, origin: str) -> str:
    content = (f'<content type="html">{escape(entry_links(e.content, e.url, origin))}</content>'
               if e.content else "")
    published = f"<published>{_iso(e.published)}</published>" if e.published else ""
    return (f"<entry><id>{escape(e.id or e.url)}</id><title>{escape(e.title)}</title>"
            f"<link href={quoteattr(e.url)}/>{published}<updated>{_iso(e.updated)}</updated>"
            f"<author><name>{escape(e.author)}</name></author>"
            f"<summary>{escape(e.summary)}</summary>{content}</entry>")


def atom(feed_id: str, title: str, self_url: str, site_url: str, entries: Sequence[Entry],
         updated: datetime | None, page: str = "") -> bytes:
    """The feed document. Links inside the entries' HTML are relative to `site_url`; `page` is
    the page of the site the feed follows (a reader's link to it; the site when none)."""
    base = f" xml:base={quoteattr(site_url)}" if "://" in site_url else ""
    head = ('<?xml version="1.0" encoding="utf-8"?>\n'
            f'<feed xmlns="http://www.w3.org/2005/Atom"{base}>'
            f"<id>{escape(feed_id)}</id><title>{escape(title)}</title>"
            f'<link rel="self" href={quoteattr(self_url)}/>'
            f"<link href={quoteattr(page or site_url)}/>"
            f"<updated>{_iso(updated)}</updated>")
    doc = head + "".join(_entry(e, origin_of(site_url)) for e in entries) + "</feed>\n"
    return _NOT_XML.sub("", doc).encode("utf-8")
