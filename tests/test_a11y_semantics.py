"""What a screen-reader, keyboard or high-contrast user meets that axe-core cannot judge, read
from the accessibility tree a real Chromium builds: link names that make sense in a list of
links, tables named by what they hold, states that still show with forced colours."""
from __future__ import annotations

import re
from collections import defaultdict

import pytest

pytestmark = pytest.mark.browser

LINK = re.compile(r'^\s*- \'?link "((?:[^"\\]|\\.)*)"')
URL = re.compile(r"^\s*- /url: (.*)$")


def links_by_name(page, selector: str = "main") -> dict[str, set[str]]:
    """Accessible name -> the addresses the links of that name lead to, as a screen reader's
    list of links shows them."""
    found: dict[str, set[str]] = defaultdict(set)
    name = None
    for line in page.locator(selector).aria_snapshot().splitlines():
        if (link := LINK.match(line)) is not None:
            name = link.group(1)
        elif name is not None and (url := URL.match(line)) is not None:
            found[name].add(url.group(1).strip("'\""))
            name = None
    return found


def ambiguous(links: dict[str, set[str]]) -> dict[str, int]:
    """Link names that lead to more than one place: out of context, a reader cannot tell them
    apart."""
    return {name: len(urls) for name, urls in links.items() if len(urls) > 1}


@pytest.fixture
def page(browser, served):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


def test_every_read_link_of_the_message_archive_names_its_message(page, served):
    origin, _ = served
    page.goto(origin + "/messages/")
    links = links_by_name(page)
    reads = {name: urls for name, urls in links.items() if name.startswith("read")}
    assert len(reads) >= 40                           # one name per message, not "read →" fifty times
    assert ambiguous(reads) == {}
    assert "read vireo’s message of 2026-07-12 07:16 UTC" in reads


def test_the_links_of_a_result_row_name_the_result_they_belong_to(page, served):
    origin, _ = served
    page.goto(origin + "/results/")
    assert ambiguous(links_by_name(page)) == {}
    page.goto(origin + "/?view=all", wait_until="networkidle")     # rows built in the browser
    page.locator("#lb-all tbody tr").nth(40).wait_for()
    links = links_by_name(page, "#lb-view-all")
    assert ambiguous(links) == {}
    assert links["details (halcyon, 541.273 tok/s, 2026-07-11 20:06 UTC)"] == {
        "/results/20260711-200619-726_halcyon/"}


LOOK = "e => { const c = getComputedStyle(e); return [c.backgroundColor, c.color, c.outlineStyle]; }"


def test_with_forced_colours_the_pressed_button_and_the_row_linked_to_still_show(page, served):
    origin, _ = served
    page.emulate_media(forced_colors="active")
    page.goto(origin + "/#r-20260711-200619-726_halcyon", wait_until="networkidle")
    ranges = page.locator(".chart [data-range]")
    ranges.first.wait_for()
    looks = [ranges.nth(i).evaluate(LOOK) for i in range(3)]          # 24 h, 3 d, All (pressed)
    assert looks[0] == looks[1] != looks[2]
    ranges.nth(1).focus()
    page.keyboard.press("Enter")
    page.locator(".chart [data-range='3d'][aria-pressed=true]").wait_for()
    page.locator("body").click(position={"x": 1, "y": 1})             # the focus ring is not the state
    assert ranges.nth(1).evaluate(LOOK) == looks[2] and ranges.nth(2).evaluate(LOOK) == looks[0]
    rows = page.locator("#lb-best tbody tr")
    target = page.locator("#lb-best tr[data-anchor='r-20260711-200619-726_halcyon'] td").first
    assert target.evaluate(LOOK) != rows.nth(1).locator("td").first.evaluate(LOOK)


TABLES = re.compile(r'^\s*- \'?table(?: "((?:[^"\\]|\\.)*)")?', re.M)


@pytest.mark.parametrize(("path", "names"), [
    ("/", ["The best score over time", "Leaderboard: the best result of each agent", "Baselines",
           "Invalid results", "Negative results"]),
    ("/results/", ["Results"]),
    ("/agents/kestrel/", ["Results by kestrel"]),
    ("/agents/", ["The agents", "People"]),
    ("/traces/", ["By agent", "By model", "By day", "Shared sessions"]),
    ("/build/", ["Notes: nothing lost"])])      # the demo has notes, no problems
def test_a_table_is_named_by_what_it_holds(page, served, path, names):
    """A screen reader's list of tables reads each by its name, not "table, 8 columns" five times."""
    origin, _ = served
    page.goto(origin + path, wait_until="networkidle")
    page.evaluate("document.querySelectorAll('main details').forEach(d => { d.open = true; })")
    assert TABLES.findall(page.locator("main").aria_snapshot()) == names


def test_a_sort_buttons_name_is_its_column_and_aria_sort_alone_says_the_order(page, served):
    """The drawn arrow is not read: "Agent", sorted ascending, not "Agent ▲" and then the order."""
    origin, _ = served
    page.goto(origin + "/agents/", wait_until="networkidle")
    head = page.locator("#roster th[data-key=agent]")
    head.locator("button").click()
    assert head.get_attribute("aria-sort") in ("ascending", "descending")
    assert "▲" in head.evaluate("th => getComputedStyle(th.querySelector('.sort-label'), '::after').content") \
        or "▼" in head.evaluate("th => getComputedStyle(th.querySelector('.sort-label'), '::after').content")
    assert page.get_by_role("button", name="Agent", exact=True).count() == 1


def test_a_trace_page_says_where_it_sits_in_a_breadcrumb_landmark(page, served):
    origin, _ = served
    page.goto(origin + "/traces/kestrel/826c2c77-5939-4612-83a2-82ebed9673a6/")
    crumbs = page.get_by_role("navigation", name="Breadcrumb")
    assert [a.inner_text() for a in crumbs.get_by_role("link").all()] == ["Traces", "kestrel"]
    assert "›" not in crumbs.aria_snapshot()                 # the separator is drawn, not read


def test_arrows_on_links_are_drawn_not_read(page, served):
    """"Registration file in the bucket ↗" is read without "north east arrow", "Older →" as
    "Older"; the arrow between a session and its result is read as what it means."""
    origin, _ = served
    page.goto(origin + "/agents/kestrel/")
    snapshot = page.locator("body").aria_snapshot()
    assert not any(arrow in snapshot for arrow in "→↗←"), snapshot
    assert page.get_by_role("link", name="Registration file in the bucket", exact=True).count() == 1
    assert "led to" in snapshot                       # a session, then the result it led to
    page.goto(origin + "/messages/")
    older = re.compile(r"^Older \(\d+(–\d+)? [A-Z][a-z]{2}\)$")           # its days, no arrow
    assert page.get_by_role("link", name=older).count() >= 1
