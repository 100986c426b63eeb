"""Stable pagination: numbered pages hold fixed items from the oldest; the latest page rolls."""
from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, strategies as st

from builder.pages.paging import jump_pages, listed_pages, page_of, paged_listing

REPO = Path(__file__).resolve().parents[1]


def url(n):
    return "/m/" if n is None else f"/m/page/{n}/"


def by_url(items, size=3, when=None):
    return {page.url: page for page in paged_listing(items, size, url, when=when)}


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
    assert [(p.number, p.url) for p in latest.pager.numbered] == [(2, "/m/page/2/"), (1, "/m/page/1/")]
    assert pages["/m/page/2/"].pager.newer_url is None       # the newer items: its "Latest" link
    assert pages["/m/page/2/"].pager.latest_url == "/m/" and pages["/m/page/2/"].pager.total > 1
    assert pages["/m/page/1/"].pager.newer_url == "/m/page/2/"


# items posted 4 minutes apart from 23:30: pages within one day are named by their times, then
# a page across midnight by its days
NIGHT = [datetime(2026, 7, 6, 23, 30) + timedelta(minutes=4 * i) for i in range(12)]


@pytest.mark.parametrize("items, when", [(list(range(12)), None), (NIGHT, lambda t: t)])
def test_a_new_item_changes_only_the_latest_page_until_a_page_fills(items, when):
    """Pages are named by their own items alone, so the name of a full page never changes: a
    new item changes the latest page and no other, however the pages are named."""
    def changed(before, after):
        return [u for u in after if u not in before or after[u] != before[u]]
    for count in range(1, 11):                       # the listing grows to `count` items
        before, after = by_url(items[:count - 1], when=when), by_url(items[:count], when=when)
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
    links |= {p.url for page in pages for p in page.pager.numbered if p.number}
    assert links <= {page.url for page in pages}            # no link to a page that is not made


def test_older_on_the_latest_page_leads_past_what_it_shows():
    """156 items, 50 a page: the latest page shows the newest 50 (106 to 155); page 3 (100 to
    149) repeats 44 of them, so "Older" leads to 105 on it, not to its top."""
    pages = {page.url: page for page in paged_listing(list(range(156)), 50, url, anchor=str)}
    assert pages["/m/"].pager.older_url == "/m/page/3/#105"
    assert list(pages["/m/page/3/"].items) == list(range(100, 150))


@given(st.integers(0, 40), st.integers(1, 7))
def test_older_on_the_latest_page_leads_to_the_newest_item_it_does_not_show(count, size):
    items = list(range(count))
    pages = {page.url: page for page in paged_listing(items, size, url, anchor=lambda i: f"i{i}")}
    latest = pages["/m/"]
    if latest.pager.older_url is None:
        assert list(latest.items) == items
        return
    page, _, anchor = latest.pager.older_url.partition("#")
    left_out = max(set(items) - set(latest.items))
    assert anchor == f"i{left_out}" and left_out in pages[page].items


@given(st.integers(1, 40), st.integers(1, 7), st.data())
def test_page_of_names_a_page_that_lists_the_item(count, size, data):
    """The latest page when it shows the item, else the numbered page that does."""
    position = data.draw(st.integers(0, count - 1))
    pages = {page.url: page for page in paged_listing(list(range(count)), size, url)}
    found = page_of(position, count, size, url)
    assert position in pages[found].items
    if position in pages["/m/"].items:
        assert found == "/m/"


def test_the_latest_page_lists_every_page_of_a_short_listing():
    pages = paged_listing(list(range(30 * 3)), 3, url)          # 30 full pages
    assert [p.number for p in pages[-1].pager.numbered] == list(range(29, 0, -1))    # 30 is the latest page


@given(st.integers(31, 30_000))
def test_a_long_listing_lists_the_newest_pages_round_numbers_and_the_first(full):
    """200 pages listed every number on the latest page: five lines of links at 10,000 messages."""
    listed = listed_pages(full)
    numbers = [n for n in listed if n]
    assert len(numbers) <= 30 and numbers == sorted(set(numbers), reverse=True)
    assert numbers[:10] == list(range(full, full - 10, -1)) and numbers[-1] == 1
    marks = numbers[10:-1]
    steps = {a - b for a, b in zip(marks, marks[1:])}
    assert len(steps) <= 1 and all(m % next(iter(steps), 1) == 0 for m in marks)   # round numbers
    assert listed[0] and listed[-1] and all(a or b for a, b in zip(listed, listed[1:]))
    for i, n in enumerate(listed):                    # a gap, only between pages far apart
        if n == 0:
            assert listed[i - 1] - listed[i + 1] > 1


def clicks_at_most(pages) -> int:
    """The most clicks on a pager's links from any page of a listing to any other."""
    links = {page.url: {u.split("#")[0] for u in (page.pager.newer_url, page.pager.older_url,
                                                   page.pager.latest_url) if u}
             | {p.url for p in page.pager.numbered if p.number} for page in pages}
    most = 0
    for start in links:
        clicks, reached = 0, {start}
        while len(reached) < len(links):
            clicks += 1
            reached |= {u for at in reached for u in links[at]}
        most = max(most, clicks)
    return most


def test_any_page_of_200_is_at_most_4_clicks_from_any_other():
    """/messages/page/100/ led only to its neighbours and the latest page: early July was 7
    clicks away at 10,000 messages. Each numbered page lists older pages to jump to."""
    pages = paged_listing(list(range(200 * 2 + 1)), 2, url)               # 200 full pages
    assert clicks_at_most(pages) == 4
    assert [p.number for p in by_url(list(range(200 * 2 + 1)), 2)["/m/page/157/"].pager.numbered] \
        == [155, 154, 153, 0, 150, 0, 140, 0, 120, 0, 100, 0, 1]


def test_a_numbered_page_lists_a_few_older_pages_only():
    """Older pages never change: a numbered page may list them (and still change only when the
    next page is made), never a newer one."""
    for n in range(1, 10_001):
        listed = jump_pages(n)
        numbers = [m for m in listed if m]
        assert numbers == sorted(set(numbers), reverse=True) and all(m < n - 1 for m in numbers)
        assert len(numbers) <= 14 and (numbers[-1:] == [1] or n <= 2)
        for newer, older in zip(listed, listed[1:]):       # a gap between pages far apart only
            assert (newer - older == 1) if newer and older else (newer or older)
        for i, m in enumerate(listed):
            assert m or listed[i - 1] - listed[i + 1] > 1


def test_the_pager_shows_a_gap_as_an_ellipsis_not_a_link():
    from jinja2 import Environment, FileSystemLoader
    from builder.pages.paging import PageLink, Pager
    env = Environment(loader=FileSystemLoader(REPO / "builder" / "theme" / "templates"), autoescape=True)
    numbered = tuple(PageLink(n, url(n) if n else "") for n in listed_pages(200))
    pager = Pager(0, 201, None, url(200), url(None), numbered)
    html = env.get_template("_partials/pager.html").render(pager=pager)
    links = re.findall(r'<a href="/m/page/(\d+)/">\1</a>', html)
    assert len(links) == 30 and links[:3] == ["200", "199", "198"] and links[-1] == "1"
    assert html.count('<span class="gap">…</span>') == 1


def test_the_pager_names_the_pages_by_their_days_at_the_same_addresses():
    """"latest 6 5 4 3 2 1" said nothing of what a page holds: a page is named by the days of
    its items, and the page the latest page repeats is not listed as an older one."""
    from jinja2 import Environment, FileSystemLoader
    env = Environment(loader=FileSystemLoader(REPO / "builder" / "theme" / "templates"), autoescape=True)
    times = [datetime(2026, 7, 6 + i // 4, 10, i) for i in range(12)]        # 4 items a day
    pages = paged_listing(times, 3, url, when=lambda t: t)
    assert [p.url for p in pages] == [p.url for p in paged_listing(times, 3, url)]
    latest, third = pages[-1].pager, pages[2].pager
    assert [(p.number, p.days) for p in latest.numbered] == [(3, "7–8 Jul"), (2, "6–7 Jul"),
                                                             (1, "6 Jul 10:00–10:02")]
    assert latest.older_days == "7–8 Jul" and \
        (third.newer_days, third.older_days) == ("8 Jul 10:09–10:11", "6–7 Jul")
    html = " ".join(env.get_template("_partials/pager.html").render(pager=latest).split())
    assert '<a rel="next" href="/m/page/3/" title="page 3, 7–8 Jul">Older <span class="days">' \
        '(7–8 Jul)</span>' in html
    links = r'<a href="/m/page/(\d)/" title="([^"]+)" aria-label="\2">([^<]+)</a>'
    assert re.findall(links, html) == [("3", "page 3, 7–8 Jul", "7–8 Jul"),
                                       ("2", "page 2, 6–7 Jul", "6–7 Jul"),
                                       ("1", "page 1, 6 Jul 10:00–10:02 UTC", "6 Jul 10:00–10:02")]
    assert "latest" not in html
    fourth = " ".join(env.get_template("_partials/pager.html").render(pager=pages[3].pager).split())
    assert [(n, text) for n, _, text in re.findall(links, fourth)] == [
        ("2", "6–7 Jul"), ("1", "6 Jul 10:00–10:02")]


def pager_labels(pager) -> dict[str, str]:
    """What a pager's links say of their pages, by page: its "Newer" and "Older", and the older
    pages (the latest page's "Older" may be the first of them)."""
    return {u.partition("#")[0]: days for u, days in (
        (pager.newer_url, pager.newer_days), (pager.older_url, pager.older_days),
        *((p.url, p.days) for p in pager.numbered if p.number)) if u}


def test_the_pages_of_one_busy_day_are_told_apart_by_their_times():
    """At 10,000 messages a day is seven pages of 50, and a pager read "17 Aug · 17 Aug · 17 Aug":
    a page within a day that another page of the pager shares is named by its times too, so no
    two links of a pager say the same, and each link's spoken name says its page's number."""
    start = datetime(2026, 8, 16, 22, 0)
    times = [start + timedelta(minutes=3 * i) for i in range(50 * 40 + 7)]     # 9.6 pages a day
    pages = paged_listing(times, 50, url, when=lambda t: t)
    for page in pages:
        labels = pager_labels(page.pager).values()
        assert all(labels) and len(set(labels)) == len(labels), page.url
    deep = {page.number: page for page in pages}[31].pager           # 20 Aug 01:00–03:27
    assert (deep.newer_days, deep.older_days) == ("20 Aug 03:30–05:57", "19–20 Aug")
    assert (deep.newer_name, deep.older_name) == ("page 32, 20 Aug 03:30–05:57 UTC",
                                                  "page 30, 19–20 Aug")
    assert [(p.number, p.days, p.name) for p in deep.numbered[:2]] == [
        (29, "19 Aug 20:00–22:27", "page 29, 19 Aug 20:00–22:27 UTC"),
        (28, "19 Aug 17:30–19:57", "page 28, 19 Aug 17:30–19:57 UTC")]


def test_a_page_alone_on_its_day_in_a_pager_is_named_by_its_day_alone():
    """Times only where a day has more than one page in the pager: a quiet day's page stays
    "3 Jul", the busy day's pages beside it read "2 Jul 10:03–10:05" and "2 Jul 10:06–10:08"."""
    days = [1] * 3 + [2] * 6 + [3] * 3 + [4] * 3 + [5] * 3            # 3 a page: 2 Jul fills two
    times = [datetime(2026, 7, day, 10, i) for i, day in enumerate(days)]
    pages = {page.number: page.pager for page in paged_listing(times, 3, url, when=lambda t: t)}
    fifth = pages[5]                                                  # 4 Jul
    assert (fifth.newer_days, fifth.older_days) == ("5 Jul", "3 Jul")
    assert [p.days for p in fifth.numbered] == ["2 Jul 10:06–10:08", "2 Jul 10:03–10:05", "1 Jul"]
    assert fifth.older_name == "page 4, 3 Jul 10:09–10:11 UTC"        # spoken: with its times
    assert pages[3].older_days == "2 Jul 10:03–10:05"                 # the day of the page shown


@given(st.sets(st.integers(0, 3 * 86_400), max_size=60), st.integers(2, 7))
def test_no_pager_names_two_pages_alike_and_a_full_page_never_changes(seconds, size):
    """Whatever the times (each its own second), a pager's links never say the same thing of
    two pages, and the items a page holds decide its names: adding an item changes no full
    page that is not its newest (which then links to the next one)."""
    times = [datetime(2026, 7, 6) + timedelta(seconds=s) for s in sorted(seconds)]
    pages = paged_listing(times, size, url, when=lambda t: t)
    for page in pages:
        labels = list(pager_labels(page.pager).values())
        assert len(set(labels)) == len(labels), (page.url, labels)
    grown = {page.url: page for page in paged_listing([*times, times[-1] + timedelta(hours=1)]
                                                       if times else [], size, url, when=lambda t: t)}
    full = len(pages) - 1
    assert [page for page in pages[:-1] if grown[page.url] != page] in ([], [pages[full - 1]])
