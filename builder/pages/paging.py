"""Stable pagination: pages are numbered from the oldest item, so old page URLs never change.

"/messages/page/1/" holds the first N messages ever written: one new message changes only the
newest numbered page and the rolling "latest" page, never all of them."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence, TypeVar

T = TypeVar("T")
UrlFor = Callable[[int | None], str]


@dataclass(frozen=True)
class Pager:
    current: int                              # 0 on the rolling "latest" page
    total: int
    newer_url: str | None
    older_url: str | None
    latest_url: str
    numbered: tuple[tuple[int, str], ...]     # listed on the latest page only


@dataclass(frozen=True)
class ListingPage:
    url: str
    number: int                               # 0 for the rolling "latest" page
    items: Sequence
    pager: Pager


def chunk(items: Sequence[T], size: int) -> list[Sequence[T]]:
    return [items[i:i + size] for i in range(0, len(items), size)] or [items[:0]]


def paged_listing(items: Sequence[T], size: int, url_for: UrlFor) -> list[ListingPage]:
    """Every numbered page (oldest first), then the rolling latest page at url_for(None)."""
    pages = chunk(items, size)
    total = len(pages)
    out = [ListingPage(url_for(n), n, part, _numbered_pager(n, total, url_for))
           for n, part in enumerate(pages, start=1)]
    latest = items[-size:] if items else items[:0]
    older = url_for(total - 1) if total > 1 else None
    if len(pages[-1]) < len(latest):
        older = url_for(total - 1) if total > 2 else None
    numbered = tuple((n, url_for(n)) for n in range(total, 0, -1))
    out.append(ListingPage(url_for(None), 0, latest,
                           Pager(0, total, None, older, url_for(None), numbered)))
    return out


def _numbered_pager(n: int, total: int, url_for: UrlFor) -> Pager:
    # A numbered page links only to its neighbours and knows of no page past the next one:
    # listing every page number here, or the number of pages, would change all pages each time
    # a page is added.
    return Pager(current=n, total=min(total, n + 1),
                 newer_url=url_for(n + 1) if n < total else None,
                 older_url=url_for(n - 1) if n > 1 else None,
                 latest_url=url_for(None), numbered=())
