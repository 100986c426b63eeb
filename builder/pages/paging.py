"""Stable pagination: pages are numbered from the oldest item, so old page URLs never change.

"/messages/page/1/" holds the first N messages ever written, once there are N: one new message
changes the rolling "latest" page only; once in N messages a page fills up and is added, and
its older neighbour then links to it."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Callable, Iterable, Sequence, TypeVar

from builder import format as fmt

T = TypeVar("T")
UrlFor = Callable[[int | None], str]
AnchorOf = Callable[[T], str]          # the id of an item's place on a page ("" for none)
WhenOf = Callable[[T], datetime | None]    # an item's time, which names its page in a pager


@dataclass(frozen=True)
class PageLink:
    number: int                               # 0: a gap between the pages listed
    url: str
    days: str = ""                            # when its items were posted: "6–7 Jul", "25 Jul",
                                              # "17 Aug 09:12–11:40" (a day other pages share)
    name: str = ""                            # its spoken name: "page 12, 17 Aug 09:12–11:40 UTC"


@dataclass(frozen=True)
class Pager:
    current: int                              # 0 on the rolling "latest" page
    total: int
    newer_url: str | None
    older_url: str | None
    latest_url: str
    numbered: tuple[PageLink, ...]            # older pages to jump to, newest first
    newer_days: str = ""                      # when the newer and older pages' items were
    older_days: str = ""                      # posted, as PageLink.days
    newer_name: str = ""                      # and their names, as PageLink.name
    older_name: str = ""


@dataclass(frozen=True)
class ListingPage:
    url: str
    number: int                               # 0 for the rolling "latest" page
    items: Sequence
    pager: Pager
    same_as: str | None = None                # the numbered page the latest page repeats
    # The items either side of the page's, as far as it may know them: the one before its
    # oldest, and the one after its newest once the next numbered page is made (a numbered
    # page changes then, and never for a new item).
    older_item: Any = None
    newer_item: Any = None


def paged_listing(items: Sequence[T], size: int, url_for: UrlFor,
                  anchor: AnchorOf = lambda item: "",
                  when: WhenOf | None = None) -> list[ListingPage]:
    """The full numbered pages (oldest first), then the rolling latest page at url_for(None).

    A numbered page is made once it is full: until then its items are the newest, and the
    latest page shows them. So a new item changes the latest page alone (and, once in `size`
    items, adds a numbered page), and a short listing is one page, not two. The latest page's
    "Older" leads to the newest item it does not show, at its `anchor`: the numbered page that
    holds it mostly repeats the latest page above it. `when`: the items' times, which name the
    pages in a pager by when their items were posted ("6–7 Jul", "17 Aug 09:12–11:40", not
    "page 6")."""
    full = len(items) // size
    names = _Names(items, size, url_for, when)
    tail = len(items) > full * size               # items past the last full page
    out = [_numbered_page(items, n, size, full, url_for, names) for n in range(1, full + 1)]
    latest = items[-size:] if items else items[:0]
    before = len(items) - len(latest)             # items the latest page does not show
    older = (_at(page_of(before - 1, len(items), size, url_for), anchor(items[before - 1]))
             if before else None)
    # the page the latest page repeats is not listed among the older ones
    listed = listed_pages(full)[0 if tail else 1:]
    older_page = page_number(before - 1, size) if before else 0
    links = _named([*listed, older_page], names, _days_of(map(when, latest)) if when else None)
    latest_url = url_for(None)
    older_link = links.get(older_page, _NO_LINK)
    out.append(ListingPage(latest_url, 0, latest,
                           Pager(0, full + tail, None, older, latest_url, _in_order(listed, links),
                                 older_days=older_link.days, older_name=older_link.name),
                           same_as=url_for(full) if full and not tail else None,
                           older_item=items[before - 1] if before else None))
    return out


def page_of(position: int, count: int, size: int, url_for: UrlFor) -> str:
    """The address of the page of `paged_listing` that lists the item at `position` (0: the
    oldest) of `count` items: the latest page when it shows it."""
    if position >= count - size:
        return url_for(None)
    return url_for(page_number(position, size))


def page_number(position: int, size: int) -> int:
    """The numbered page that holds the item at `position` (0: the oldest)."""
    return position // size + 1


Days = tuple[date, date]      # the first and last day (UTC) a page's items were posted
_NO_LINK = PageLink(0, "")


class _Names:
    """How a pager names a listing's numbered pages, from each full page's own items, each
    worked out once (most listings, a message's replies, have no numbered page: a plain class,
    as two functools.cache closures made for each listing took half of its pagination)."""

    def __init__(self, items: Sequence[T], size: int, url_for: UrlFor, when: WhenOf | None):
        self._items, self._size, self._url_for, self._when = items, size, url_for, when
        self._links: dict[tuple[int, bool], PageLink] = {}
        self._days: dict[int, Days | None] = {}

    def link(self, n: int, clock: bool) -> PageLink:
        """Page n's link; `clock`: with its times in one day."""
        found = self._links.get((n, clock))
        if found is None:
            found = self._links[(n, clock)] = self._link(n, clock)
        return found

    def days(self, n: int) -> Days | None:
        if n not in self._days:
            self._days[n] = _days_of(self._times(n))
        return self._days[n]

    def _link(self, n: int, clock: bool) -> PageLink:
        if not self._when:
            return PageLink(n, self._url_for(n))
        posted = self._times(n)
        return PageLink(n, self._url_for(n), fmt.page_span(posted, clock), fmt.page_name(n, posted))

    def _times(self, n: int) -> list[datetime | None]:
        if not self._when:
            return []
        return [self._when(item) for item in self._items[(n - 1) * self._size:n * self._size]]


def _days_of(times: Iterable[datetime | None]) -> Days | None:
    known = [fmt.utc(t).date() for t in times if t]
    return (min(known), max(known)) if known else None


def _named(numbers: Iterable[int], names: _Names, shown: Days | None) -> dict[int, PageLink]:
    """The links of a pager to these pages, by number: each named by its days, and by its times
    too when it is a day's page and another page of the pager holds the same day, the one shown
    (`shown`: its days) included: "17 Aug 09:12–11:40" where "17 Aug" would name three pages,
    "25 Jul" alone. A pager links full pages only, which never change, and a numbered page's
    pager lists no page newer than the next one: its names change only when that one is made."""
    days = {n: names.days(n) for n in set(numbers) if n}
    ranges = [(m, span) for m, span in (*days.items(), (0, shown)) if span]

    def shares_its_day(n: int) -> bool:
        own = days[n]
        return bool(own) and own[0] == own[1] and any(
            first <= own[0] <= last for m, (first, last) in ranges if m != n)
    return {n: names.link(n, shares_its_day(n)) for n in days}


def _in_order(numbers: Sequence[int], links: dict[int, PageLink]) -> tuple[PageLink, ...]:
    return tuple(links[n] if n else _NO_LINK for n in numbers)


def _at(url: str, anchor: str) -> str:
    return f"{url}#{anchor}" if anchor else url


NEWEST_PAGES = 10             # page numbers the latest page lists one by one, newest first
LANDMARKS = 20                # at most this many round numbers below them


def listed_pages(full: int) -> list[int]:
    """The page numbers the latest page lists, newest first, 0 for a gap: all of them up to 30;
    beyond, the newest 10, then every 2nd, 5th, 10th, 20th, ... page below them (the first
    step that makes fewer than 20), and page 1. 200 pages are 30 links, not a wall of 200."""
    if full <= NEWEST_PAGES + LANDMARKS:
        return list(range(full, 0, -1))
    newest = list(range(full, full - NEWEST_PAGES, -1))
    step = next(s * 10 ** k for k in range(len(str(full))) for s in (2, 5, 10)
                if (newest[-1] - 1) // (s * 10 ** k) < LANDMARKS)
    marks = list(range((newest[-1] - 1) // step * step, 0, -step))
    out = newest + ([0] if marks and marks[0] != newest[-1] - 1 else []) + marks
    return out + ([0, 1] if out[-1] > 2 else [1] if out[-1] == 2 else [])


NEAREST_OLDER = 3             # older pages a numbered page lists one by one, past "Older"


def jump_pages(n: int) -> list[int]:
    """The older pages numbered page `n` lists besides its "Older" one, newest first, 0 for a
    gap: the nearest 3, then one round number for each step of 5, 10, 20, 50, 100, ... below
    them, and page 1. Older pages never change, so neither does this list: page 157 lists
    155 154 153 … 150 … 140 … 120 … 100 … 1, and any page is a few clicks from any other."""
    pages = list(range(n - 2, max(n - 2 - NEAREST_OLDER, 0), -1))
    for step in _steps():
        mark = (pages[-1] - 1) // step * step if pages else 0
        if mark < 1:
            break
        pages.append(mark)
    if pages and pages[-1] != 1:
        pages.append(1)
    return _with_gaps(pages)


def _steps():
    for k in range(12):
        yield from (5 * 10 ** k, 10 * 10 ** k, 20 * 10 ** k)


def _with_gaps(pages: list[int]) -> list[int]:
    out: list[int] = []
    for n in pages:
        if out and out[-1] - n > 1:
            out.append(0)
        out.append(n)
    return out


def _numbered_page(items: Sequence[T], n: int, size: int, full: int,
                   url_for: UrlFor, names: _Names) -> ListingPage:
    start, end = (n - 1) * size, n * size
    return ListingPage(url_for(n), n, items[start:end], _numbered_pager(n, full, url_for, names),
                       older_item=items[start - 1] if start else None,
                       newer_item=items[end] if n < full else None)


def _numbered_pager(n: int, full: int, url_for: UrlFor, names: _Names) -> Pager:
    # A numbered page links to its neighbours, the latest page and some older pages, and knows
    # of no page past the next one: listing newer pages here, or the number of pages, would
    # change all pages each time a page is added. So a page changes once, when the next one is
    # made; older pages and their names never change.
    jumps = jump_pages(n)
    links = _named([n + 1 if n < full else 0, n - 1, *jumps], names, names.days(n))
    newer, older = links.get(n + 1, _NO_LINK), links.get(n - 1, _NO_LINK)
    return Pager(current=n, total=n + 1, newer_url=newer.url or None, older_url=older.url or None,
                 latest_url=url_for(None), numbered=_in_order(jumps, links),
                 newer_days=newer.days, older_days=older.days,
                 newer_name=newer.name, older_name=older.name)
