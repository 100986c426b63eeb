"""Stable pagination: numbered pages hold fixed items from the oldest; the latest page rolls."""
from __future__ import annotations

from hypothesis import given, strategies as st

from builder.pages.paging import paged_listing


def url(n):
    return "/m/" if n is None else f"/m/page/{n}/"


def by_url(items, size=3):
    return {page.url: page for page in paged_listing(items, size, url)}


def test_a_short_listing_is_one_page_with_no_pager():
    pages = by_url([1, 2])
    assert list(pages) == ["/m/"]
    assert list(pages["/m/"].items) == [1, 2] and pages["/m/"].pager.total == 1


def test_numbered_pages_are_made_only_when_full():
    pages = by_url(list(range(1, 8)))                       # 7 items, 3 per page
    assert list(pages) == ["/m/page/1/", "/m/page/2/", "/m/"]
    assert list(pages["/m/page/2/"].items) == [4, 5, 6]
    latest = pages["/m/"]
    assert list(latest.items) == [5, 6, 7]
    assert latest.pager.older_url == "/m/page/2/"           # 4, not on the latest page, is on page 2
    assert latest.pager.numbered == ((2, "/m/page/2/"), (1, "/m/page/1/"))
    assert pages["/m/page/2/"].pager.newer_url is None       # the newer items: its "Latest" link
    assert pages["/m/page/2/"].pager.latest_url == "/m/" and pages["/m/page/2/"].pager.total > 1
    assert pages["/m/page/1/"].pager.newer_url == "/m/page/2/"


def test_a_new_item_changes_only_the_latest_page_until_a_page_fills():
    def changed(before, after):
        return [u for u in after if u not in before or after[u] != before[u]]
    for count in range(1, 11):                       # the listing grows to `count` items
        before, after = by_url(list(range(count - 1))), by_url(list(range(count)))
        expected = ["/m/"]
        if count % 3 == 0:                           # a page fills: it is made, and the one
            filled = count // 3                      # before it now links to it
            expected = [f"/m/page/{n}/" for n in (filled - 1, filled) if n] + expected
        assert changed(before, after) == expected, count


@given(st.integers(0, 40), st.integers(1, 7))
def test_every_item_is_on_a_page_and_numbered_pages_never_move(count, size):
    items = list(range(count))
    pages = paged_listing(items, size, url)
    shown = {i for page in pages for i in page.items}
    assert shown == set(items)
    for page in pages[:-1]:
        assert len(page.items) == size and list(page.items) == items[(page.number - 1) * size:page.number * size]
    links = {u for page in pages for u in (page.pager.newer_url, page.pager.older_url) if u}
    links |= {u for _, u in pages[-1].pager.numbered}
    assert links <= {page.url for page in pages}            # no link to a page that is not made
