"""What a visitor does on /results/ when the results take many pages: the filter looks through
every page, in a real Chromium."""
from __future__ import annotations

import json

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser import PageWatch, save_download, serve_folder
from tests.html import soup, text_of

pytestmark = pytest.mark.browser

DETAILS = """rows => rows.map(r => Array.from(r.querySelectorAll('td.links a'))
    .filter(a => a.textContent === 'details').map(a => new URL(a.href).pathname)[0])"""


@pytest.fixture(scope="module")
def paged(demo_with):
    """(origin, folder) of the demo built with 20 results a page: its 81 results take 5 pages."""
    out = demo_with("results_per_page = 200", "results_per_page = 20")
    with serve_folder(out) as origin:
        yield origin, out


# Whether the filter's placeholder fits in its box: "agent, method, date… on e" hid what it does.
HINT_FITS = """() => { const input = document.getElementById('lb-filter'), style = getComputedStyle(input);
    const context = document.createElement('canvas').getContext('2d'); context.font = style.font;
    const room = input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    return context.measureText(input.placeholder).width <= room; }"""


def open_page(browser, origin, path):
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    watch = PageWatch(page, origin)
    page.goto(origin + path, wait_until="networkidle")
    return page, watch


def kept(page, table_id):
    return page.eval_on_selector_all(f"#{table_id} tbody tr:not([hidden])", DETAILS)


def busiest_agent(site) -> str:
    """The agent with the most results in the demo (one page of every result)."""
    agents = [text_of(td) for td in soup(site / "results" / "index.html").select("#results-all td.agent")]
    return max(sorted(set(agents)), key=agents.count)


def test_the_filter_of_a_page_of_results_keeps_the_rows_of_every_page(browser, paged, served, tmp_path):
    """On page 2 of 5 the filter kept only page 2's rows: a visitor looking for an agent's
    results saw a fifth of them, and downloaded that fifth. It now keeps, from every page,
    the rows one page of every result keeps (the demo's own /results/), newest first."""
    origin, _ = paged
    agent = busiest_agent(served[1])
    one_page, _ = open_page(browser, served[0], "/results/")
    one_page.fill("#lb-filter", agent)
    expected = kept(one_page, "results-all")
    page, watch = open_page(browser, origin, "/results/page/2/")
    own = kept(page, "results-all")
    assert len(own) == 20 and page.inner_text("#lb-count") == "20 results"
    assert page.get_attribute("#lb-filter", "placeholder") == "agent, method, date… on every page"
    assert page.evaluate(HINT_FITS), "the filter's hint is cut off"
    assert not [u for u in watch.requests if "/data/" in u]      # nothing fetched until asked

    page.fill("#lb-filter", agent)
    page.wait_for_selector("#results-view-every:not([hidden])")
    shown = kept(page, "results-every")
    assert shown == expected and len(shown) > len(set(shown) & set(own)) > 0
    assert page.inner_text("#lb-count") == f"{len(shown)} of 81 results"
    assert page.is_hidden("#results-view-page") and page.is_hidden("nav.pager")
    assert page.url.endswith(f"/results/page/2/?q={agent}")

    saved = save_download(page, "button[data-export-view=json]", tmp_path)
    assert [r["url"] for r in json.loads(saved.read_text())] == [origin + p for p in shown]

    page.fill("#lb-filter", "")
    page.wait_for_selector("#results-view-page:not([hidden])")
    assert kept(page, "results-all") == own and page.is_visible("nav.pager")
    assert page.inner_text("#lb-count") == "20 results"

    page.goto(f"{origin}/results/page/2/?q={agent}&sort=score&dir=desc", wait_until="networkidle")
    page.wait_for_selector("#results-view-every:not([hidden])")
    scores = page.eval_on_selector_all("#results-every tbody tr:not([hidden]) td.score",
                                       "cells => cells.map(c => c.dataset.value)")
    assert len(scores) == len(expected)
    assert [float(s) for s in scores if s] == sorted((float(s) for s in scores if s), reverse=True)
    assert watch.console_errors == [] and watch.page_errors == [] and watch.outside == []


def test_a_filter_that_matches_nothing_on_any_page_says_so_and_gives_way(browser, paged):
    origin, _ = paged
    page, _ = open_page(browser, origin, "/results/")
    page.fill("#lb-filter", "zzz-no-such-result")
    page.wait_for_selector("#results-view-every:not([hidden])")
    assert page.inner_text("#lb-count") == "0 of 81 results"
    assert page.inner_text("#results-view-every .no-match") == \
        "No results match “zzz-no-such-result”. Clear the filter"
    page.click("#results-view-every .no-match button")
    page.wait_for_selector("#results-view-page:not([hidden])")
    assert len(kept(page, "results-all")) == 20 and page.url.endswith("/results/")


@pytest.mark.parametrize("scheme, viewport", [("light", {"width": 1280, "height": 900}),
                                              ("dark", {"width": 390, "height": 844})])
def test_axe_finds_nothing_in_the_rows_of_every_page(browser, paged, scheme, viewport):
    origin, _ = paged
    context = browser.new_context(color_scheme=scheme, viewport=viewport)
    page = context.new_page()
    page.goto(origin + "/results/page/2/?q=tree", wait_until="networkidle")
    page.wait_for_selector("#results-view-every:not([hidden])")
    violations = Axe().run(page).response["violations"]
    assert [f"{v['id']}: {v['nodes'][0]['target']}" for v in violations] == []
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    context.close()


SHOWN = "rows => rows.filter(r => r.offsetParent).map(r => r.querySelector('td.rank').textContent)"


def test_every_ranked_result_shows_a_page_of_rows_at_a_time_and_nothing_is_out_of_reach(
        browser, paged, tmp_path):
    """At 2,000 results the all-results view laid out 1,638 rows at once: seconds after every
    sort or letter typed, and a phone's column of cards 385,000 px long. It shows as many rows
    as a page of /results/ (20 here), with buttons for the others; sorting, the download and a
    link to a row still reach every row."""
    origin, _ = paged
    page, watch = open_page(browser, origin, "/?view=all")
    page.wait_for_selector("#lb-view-all:not([hidden])")
    ranked = page.eval_on_selector_all("#lb-all tbody tr", "rows => rows.length")
    assert ranked > 40
    assert page.eval_on_selector_all("#lb-all tbody tr", SHOWN) == [str(n) for n in range(1, 21)]
    assert page.inner_text("#lb-view-all .more-rows") == \
        f"Showing 20 of {ranked} ranked results. Show 20 more Show all {ranked}"

    page.click("#lb-view-all .more-rows >> text=Show 20 more")
    assert len(page.eval_on_selector_all("#lb-all tbody tr", SHOWN)) == 40
    page.click("#lb-all th[data-key=rank] button")                 # 1 first: now the last first
    assert page.eval_on_selector_all("#lb-all tbody tr", SHOWN)[:2] == [str(ranked), str(ranked - 1)]
    saved = save_download(page, "button[data-export-view=json]", tmp_path)
    assert len(json.loads(saved.read_text())) == ranked

    page.click("#lb-view-all .more-rows >> text=Show all")
    assert len(page.eval_on_selector_all("#lb-all tbody tr", SHOWN)) == ranked
    assert page.is_hidden("#lb-view-all .more-rows")

    last = page.eval_on_selector("#lb-all tbody tr:last-child", "r => r.dataset.anchor")
    linked, _ = open_page(browser, origin, f"/?view=all#{last}")
    linked.wait_for_selector(f"tr#{last}.is-target")
    assert linked.is_visible(f"tr#{last}")

    every, _ = open_page(browser, origin, "/results/page/2/?q=details")    # every result's row
    every.wait_for_selector("#results-view-every:not([hidden])")
    assert len(every.eval_on_selector_all("#results-every tbody tr", SHOWN)) == 20
    assert every.inner_text("#results-view-every .more-rows") == \
        "Showing 20 of 81 results. Show 20 more Show all 81"
    assert watch.console_errors == [] and watch.page_errors == []
