"""Searching the site in a real Chromium: a word from one message finds that message, filters
narrow, the header's box leads to results, nothing loads before a search, and a rebuild after
a new message finds it."""
from __future__ import annotations

import re
import shutil
from collections import defaultdict

import pytest

from builder.cli import main
from tests.browser import PageWatch, chromium, serve_folder
from tests.html import soup, text_of
from tests.site_fixtures import REPO

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def served(demo_site):
    with serve_folder(demo_site) as origin:
        yield origin, demo_site


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


def open_page(browser, origin, path, javascript=True):
    page = browser.new_context(java_script_enabled=javascript).new_page()
    watch = PageWatch(page, origin)
    page.goto(origin + path)
    return page, watch


def results_of(page):
    """(title, href, meta) of every result shown, once the status says how many there are.
    (Waits go through locators: the site's CSP forbids the eval that wait_for_function uses.)"""
    status = page.locator("#search-status", has_text=re.compile(r"^[\d,]+ results?"))
    status.wait_for()
    count = int(re.match(r"[\d,]+", status.inner_text()).group().replace(",", ""))
    if count:
        page.locator("#search-results li").nth(min(count, 20) - 1).wait_for()
    return page.eval_on_selector_all(
        "#search-results li", "items => items.map(li => [li.querySelector('a').textContent,"
        " li.querySelector('a').getAttribute('href'), li.querySelector('.search-meta').textContent])")


def indexed_words(site):
    """word -> the URLs of the indexed pages whose indexed text holds it (plain lower-case
    words only: Pagefind splits names like cudaProfilerStart or fp8_e4m3 into parts)."""
    where = defaultdict(set)
    for path in site.rglob("*.html"):
        body = soup(path).select_one("[data-pagefind-body]")
        if body is None:
            continue
        for ignored in body.select("[data-pagefind-ignore]"):
            ignored.decompose()
        url = "/" + path.relative_to(site).as_posix().removesuffix("index.html")
        for token in text_of(body).split():
            word = token.strip(".,;:!?()[]\"'“”‘’")
            where[word if word.isalpha() and word.islower() else ""].add(url)
    return where


def word_of_one_message(site):
    """A word found in exactly one message page, and nothing else indexed shares its first
    five letters (Pagefind matches stems and prefixes)."""
    where = indexed_words(site)
    prefixes = defaultdict(set)
    for word, urls in where.items():
        prefixes[word[:5]] |= urls
    for word in sorted(where, key=lambda w: (-len(w), w)):
        urls = where[word]
        if len(word) >= 8 and len(prefixes[word[:5]]) == 1 and next(iter(urls)).startswith("/messages/2"):
            return word, next(iter(urls))
    pytest.fail("the demo has no word of its own in any message")


def test_a_word_from_one_message_finds_that_message(browser, served):
    origin, site = served
    word, url = word_of_one_message(site)
    page, watch = open_page(browser, origin, f"/search/?q={word}")
    assert [href for _, href, _ in results_of(page)] == [url]
    assert page.inner_text("#search-status").startswith("1 result")
    page.click("#search-results a")
    page.wait_for_url(origin + url)
    assert watch.console_errors == [] and watch.page_errors == [] and watch.outside == []


def test_an_agent_filter_narrows_and_lives_in_the_address(browser, served):
    origin, _ = served
    page, watch = open_page(browser, origin, "/search/?q=speculative")
    everyone = results_of(page)
    agents = {meta.split(" · ")[1] for _, _, meta in everyone if meta.startswith("Message")}
    assert len(agents) >= 2
    agent = sorted(agents)[0]
    page.select_option("select[name=agent]", agent)
    page.wait_for_url(re.compile(f"agent={agent}"))
    narrowed = results_of(page)
    assert 0 < len(narrowed) < len(everyone)
    assert all(meta.split(" · ")[1] == agent for _, _, meta in narrowed)
    page.reload()
    assert page.input_value("select[name=agent]") == agent
    assert results_of(page) == narrowed
    assert watch.console_errors == [] and watch.page_errors == []


def test_type_and_date_filters_narrow(browser, served):
    origin, _ = served
    page, _ = open_page(browser, origin, "/search/?q=speculative&kind=message")
    messages = results_of(page)
    assert messages and all(meta.startswith("Message") for _, _, meta in messages)
    kind = messages[0][2].split(" · ")[2]
    day = messages[0][2].split(" · ")[3][:10]
    page.select_option("select[name=type]", kind)
    typed = results_of(page)
    assert typed and all(meta.split(" · ")[2] == kind for _, _, meta in typed)
    page.fill("input[name=from]", day)
    page.fill("input[name=to]", day)
    page.dispatch_event("input[name=to]", "change")
    page.wait_for_url(re.compile(f"to={day}"))
    dated = results_of(page)
    assert dated and all(meta.split(" · ")[3].startswith(day) for _, _, meta in dated)


def test_the_header_box_leads_to_results_with_and_without_javascript(browser, served):
    origin, _ = served
    page, _ = open_page(browser, origin, "/agents/")
    page.fill("#site-search-q", "speculative")
    page.press("#site-search-q", "Enter")
    page.wait_for_url(re.compile(r".*/search/\?q=speculative$"))
    assert page.input_value("#search-q") == "speculative"
    assert len(results_of(page)) > 1
    plain, _ = open_page(browser, origin, "/agents/", javascript=False)
    plain.fill("#site-search-q", "speculative")
    plain.press("#site-search-q", "Enter")
    plain.wait_for_url(re.compile(r".*/search/\?q=speculative$"))
    assert "needs JavaScript" in plain.inner_text("main")


def test_the_index_loads_only_when_the_visitor_searches(browser, served):
    origin, _ = served
    for path in ("/", "/messages/", "/search/"):
        page, watch = open_page(browser, origin, path)
        page.wait_for_load_state("networkidle")
        assert not [u for u in watch.requests if "/pagefind/" in u], path
    page, watch = open_page(browser, origin, "/search/")
    page.fill("#search-q", "speculative")
    assert results_of(page)
    assert any(u.endswith("/pagefind/pagefind.js") for u in watch.requests)


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory):
    """The demo built, then built again into the same folder after one new message."""
    root = tmp_path_factory.mktemp("rebuilt")
    bucket = root / "bucket"
    shutil.copytree(REPO / "builder" / "demo", bucket)
    out = root / "site"
    args = ["build", "--config", str(REPO / "collab.toml"), "--source", str(bucket), "--out", str(out)]
    assert main(args) == 0
    (bucket / "message_board" / "20991231-235959-000_kestrel.md").write_text(
        "---\ntype: agent\nagent: kestrel\ntimestamp: 2099-12-31 23:59 UTC\n---\n\n"
        "Trying the quokkaplex kernel next.\n")
    assert main(args) == 0
    return out


def test_a_rebuild_after_a_new_message_finds_it(browser, rebuilt):
    with serve_folder(rebuilt) as origin:
        page, _ = open_page(browser, origin, "/search/?q=quokkaplex")
        assert [href for _, href, _ in results_of(page)] == ["/messages/20991231-235959-000_kestrel/"]
        page.goto(origin + "/search/?q=speculative")
        assert len(results_of(page)) > 5           # the rest of the index is still there
