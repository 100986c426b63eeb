"""What the search index is made of, and how it is cut into shards (pure functions, no I/O).

A page joins the index when its template marks what to index (`data-pagefind-body`, with
`data-pagefind-filter` / `-meta` / `-sort` inside). What Pagefind is given of it is
`indexed_part`: the page's <main>, without the elements marked `data-pagefind-ignore` that hold
no filter, meta or sort value (a message's replies, an agent's lists of messages and results).
Those add no word to the index, but they change whenever someone replies; left out, a page's
digest changes only when what the index holds of it changes.

The pages, in their time order (`data-search-time`, then path), are cut into shards, each
indexed by its own Pagefind process and searched together in the browser. Shards are
cut greedily from the oldest page, level by level: first as many full shards of the top level
(LEVELS[0]: 2,048 pages or 4 MiB) as there are, then of the next level in what is left, and so
on; what the last level leaves is the newest shard. A shard is full when it reaches its level's
page count or bytes. So the old pages sit in a few large shards (few files for the browser to
fetch) and a new page goes to a small shard (quick to index again, few files changed); every
shard but those after a change keeps its pages, hence its key and its files. Pages without a
time (an agent who never registered a join time) are cut the same way, apart.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Iterable, Sequence

from builder.html_blocks import TAG_START

MARK = b"data-pagefind-body"
TIME = re.compile(rb'data-search-time="([^"]*)"')
# (pages, bytes of indexed HTML) of a full shard, from the oldest level to the newest. The top
# level bounds the memory of one Pagefind process: about 50 MiB per 1,000 message pages while it
# writes its index, a fifth of that while it is given the pages.
LEVELS: tuple[tuple[int, int], ...] = ((2048, 4 << 20), (512, 1 << 20), (256, 512 << 10),
                                       (64, 128 << 10))
NO_TIME = "~"                     # the time of a page without a data-search-time

# In the HTML the templates and the markdown sanitiser write, "<" and ">" are never text nor
# inside an attribute value (both escape them there), and only templates write data-* attributes.
_ATTRIBUTE = rb"\s+([^\s\"'>/=]+)(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s\"'>]+))?"
_TAG = re.compile(rb"<([A-Za-z][A-Za-z0-9-]*)((?:" + _ATTRIBUTE + rb")*)\s*/?>")
_ATTRIBUTES = re.compile(_ATTRIBUTE)
_VOID = frozenset(b"area base br col embed hr img input link meta source track wbr".split())
_IGNORE = b"data-pagefind-ignore"
# Pagefind keeps apart the text of p, div, li, td and headings only; the text of the other
# elements a browser shows apart would run into its neighbours' ("Methodeagle1": no search
# for "eagle1" finds it).
_APART = re.compile(TAG_START.encode())
_KEEP = re.compile(rb"data-pagefind-(?:filter|meta|sort)")
# Pagefind's time grows faster than the length of a word: a message of one million-letter word
# took it 115 s (200,000 letters: 4.5 s, as many in words of 100 letters with <em> between them,
# which join them). A search looks for a word's start, so Pagefind gets the first LONGEST_WORD
# bytes of each word (up to the end of the character there).
LONGEST_WORD = 200
_TOKEN = re.compile(rb"<[^>]*>|\s+|[^\s<]+")
_ANY_TAG = re.compile(rb"<[^>]*>")
_LONG_WORD = re.compile(rb"(?<!\S)\S{%d}" % (LONGEST_WORD + 1))     # from a word's start: fast


@dataclass(frozen=True, slots=True)
class PageRecord:
    """One page to index, as the shard plan and the shard keys need it."""

    time: str                     # its data-search-time, or NO_TIME
    path: str                     # its path in the site ("messages/x/index.html")
    size: int                     # bytes of its indexed part
    digest: str                   # sha256 of its indexed part

    @property
    def url(self) -> str:
        """"messages/x/index.html" -> "/messages/x/" (Pagefind adds the site's base itself)."""
        return "/" + self.path.removesuffix("index.html")


@dataclass(frozen=True)
class Shard:
    name: str                     # its folder under the search bundle ("s2048")
    pages: tuple[PageRecord, ...]

    def key(self, salt: str) -> str:
        """What its index files follow from: its name, the pages (URL and indexed part), in
        order, and `salt` (the Pagefind version and the way it is called)."""
        h = hashlib.sha256(f"{salt}\n{self.name}".encode())
        for page in self.pages:
            h.update(f"\n{page.url}\t{page.digest}".encode())
        return h.hexdigest()


# What the index takes of a page's bytes, whatever its path: (time, size, digest) as in PageRecord.
SearchFacts = tuple[str, int, str]


def page_record(path: str, page: bytes) -> PageRecord | None:
    """The record of a rendered file, or None when it is not a page to index."""
    return record_of(path, page_facts(page))


def page_facts(page: bytes) -> SearchFacts | None:
    """The record of these bytes but for their path (the page cache keeps it with the page), or
    None when they are not a page to index."""
    found = page_search(page)
    return found[0] if found else None


def page_search(page: bytes) -> tuple[SearchFacts, bytes] | None:
    """`page_facts` and the indexed part they describe, or None when it is not a page to index."""
    if MARK not in page:
        return None
    part = indexed_part(page)
    when = TIME.search(page)
    time = when.group(1).decode("utf-8", "replace") if when and when.group(1) else NO_TIME
    return (time, len(part), hashlib.sha256(part).hexdigest()), part


def record_of(path: str, facts: SearchFacts | None) -> PageRecord | None:
    """The record of a file at `path` whose bytes have these facts."""
    if facts is None or not path.endswith(".html"):
        return None
    if path.startswith("/") or ".." in path.split("/"):
        raise ValueError(f"not a path in the site: {path!r}")
    time, size, digest = facts
    return PageRecord(time, path, size, digest)


def indexed_part(page: bytes) -> bytes:
    """The page's <main> as a page of its own, without the ignored elements that hold nothing
    Pagefind reads (the header, menu and footer hold nothing to index either), with a space
    before the tags of each element that a browser shows apart."""
    start, end = page.find(b"<main"), page.rfind(b"</main>")
    main = page[start:end + 7] if 0 <= start < end else page
    part = _APART.sub(b" <", _without_ignored(main))
    if _LONG_WORD.search(_ANY_TAG.sub(b"", part)):
        part = _words_cut(part)
    return b'<!doctype html><html lang="en"><body>' + part + b"</body></html>"


def _words_cut(html: bytes) -> bytes:
    """`html` with each word of its text cut after LONGEST_WORD bytes, a word running on
    through tags (those of elements a browser shows apart have a space before them)."""
    out: list[bytes] = []
    length = 0                            # of the word the text has reached
    for token in _TOKEN.findall(html):
        if token.startswith(b"<") or token[:1].isspace():
            length = 0 if token[:1].isspace() else length
            out.append(token)
            continue
        keep = max(0, LONGEST_WORD - length)
        while keep < len(token) and 0x80 <= token[keep] < 0xC0:     # inside a character
            keep += 1
        out.append(token[:keep])
        length += len(token)
    return b"".join(out)


def _without_ignored(html: bytes) -> bytes:
    """`html` without the elements marked data-pagefind-ignore that hold no filter, meta or sort
    attribute (one inside another goes with it)."""
    cut: list[tuple[int, int]] = []
    at = 0
    while (found := html.find(_IGNORE, at)) >= 0:
        at = found + len(_IGNORE)
        start = html.rfind(b"<", 0, found)
        tag = _TAG.match(html, start) if start > html.rfind(b">", 0, found) else None
        if tag is None or not _has_attribute(tag.group(2), _IGNORE):
            continue              # the words in a text or in an attribute's value
        end = _element_end(html, tag)
        if not _KEEP.search(html, tag.start(), end):
            cut.append((tag.start(), _blank_after(html, tag.start(), end)))
            at = max(at, end)
    return _cut_spans(html, cut)


def _blank_after(html: bytes, start: int, end: int) -> int:
    """Where the cut of the element at html[start:end] ends: with the blank after it when
    there is one before it too. A template's element on a line of its own, shown only at times
    (a message's replies), then leaves what Pagefind is given as it was without it, not one
    line longer: else the first reply to an old message would index its shard again."""
    if start == 0 or not html[start - 1:start].isspace():
        return end
    while end < len(html) and html[end:end + 1].isspace():
        end += 1
    return end


def _has_attribute(attributes: bytes, name: bytes) -> bool:
    return any(m.group(1).lower() == name for m in _ATTRIBUTES.finditer(attributes))


def _element_end(html: bytes, tag: re.Match) -> int:
    """Where the element that `tag` opens ends (after its end tag; the end of `html` if none)."""
    name = tag.group(1).lower()
    if name in _VOID or tag.group(0).endswith(b"/>"):
        return tag.end()
    same = re.compile(rb"<(/?)" + re.escape(name) + rb"[\s/>]", re.I)
    depth = 1
    for m in same.finditer(html, tag.end()):
        depth += -1 if m.group(1) else 1
        if depth == 0:
            close = html.find(b">", m.end() - 1)
            return len(html) if close < 0 else close + 1
    return len(html)


def _cut_spans(html: bytes, spans: Sequence[tuple[int, int]]) -> bytes:
    parts, at = [], 0
    for start, end in sorted(spans):
        if start >= at:
            parts.append(html[at:start])
            at = end
    parts.append(html[at:])
    return b"".join(parts)


def plan_shards(records: Iterable[PageRecord],
                levels: Sequence[tuple[int, int]] = LEVELS) -> list[Shard]:
    """The pages in time order, cut into shards as the module says; oldest shard first. Pages
    without a time are cut apart ("u" shards, before the others), so that a new page with a
    time, which comes after all the others, leaves them where they are."""
    pages = sorted(records, key=lambda r: (r.time, r.path))
    return (_shards_of([p for p in pages if p.time == NO_TIME], "u", levels)
            + _shards_of([p for p in pages if p.time != NO_TIME], "s", levels))


def _shards_of(pages: Sequence[PageRecord], prefix: str, levels: Sequence[tuple[int, int]]
               ) -> list[Shard]:
    shards: list[Shard] = []
    start = 0
    for max_pages, max_bytes in levels:
        while (end := _full_shard_end(pages, start, max_pages, max_bytes)) is not None:
            shards.append(Shard(f"{prefix}{start}", tuple(pages[start:end])))
            start = end
    if start < len(pages):
        shards.append(Shard(f"{prefix}{start}", tuple(pages[start:])))
    return shards


def _full_shard_end(pages: Sequence[PageRecord], start: int, max_pages: int, max_bytes: int
                    ) -> int | None:
    size = 0
    for end in range(start, min(len(pages), start + max_pages)):
        size += pages[end].size
        if size >= max_bytes:
            return end + 1
    return start + max_pages if start + max_pages <= len(pages) else None
