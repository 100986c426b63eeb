"""Searching the site in a real Chromium: a word from one message finds that message, whichever
shard of the index holds it; filters narrow and dates order across shards; the header's box
leads to results, nothing loads before a search, and a rebuild after a new message finds it."""
from __future__ import annotations

import copy
import functools
import gzip
import json
import re
import shutil
from collections import defaultdict
from urllib.parse import quote

import pytest
from playwright.sync_api import expect

from builder import build
from builder.check import check_site
from builder.cli import main
from builder.search import SearchIndex
from tests.browser import LINES, PageWatch, serve_folder, watching_shifts
from tests.html import soup, text_of
from tests.site_fixtures import REPO, fragment_of, shard_fragments

pytestmark = pytest.mark.browser


def open_page(browser, origin, path, javascript=True):
    page = browser.new_context(java_script_enabled=javascript).new_page()
    watch = PageWatch(page, origin)
    page.goto(origin + path)
    return page, watch


def results_of(page, query=None):
    """(title, href, meta) of every result shown, once the status says how many there are (for
    `query`, when given: the page searched before). (Waits go through locators: the site's CSP
    forbids the eval that wait_for_function uses.)"""
    asked = rf" for “{re.escape(query)}”\.$" if query else ""
    status = page.locator("#search-status", has_text=re.compile(rf"^[\d,]+ results?{asked}"))
    status.wait_for()
    count = int(re.match(r"[\d,]+", status.inner_text()).group().replace(",", ""))
    if count:
        page.locator("#search-results li").nth(min(count, 20) - 1).wait_for()
    return page.eval_on_selector_all(
        "#search-results li", "items => items.map(li => [li.querySelector('a').textContent,"
        " li.querySelector('a').getAttribute('href'), li.querySelector('.search-meta').textContent])")


def test_on_a_phone_a_results_date_stays_whole(browser, served):
    """A result's date read "2026-" / "07-06 17:32 UTC" under its title at 320 pixels."""
    origin, _ = served
    phone = browser.new_context(viewport={"width": 320, "height": 640})
    page = phone.new_page()
    page.goto(origin + "/search/?q=decode")
    results_of(page)
    dates = page.locator("#search-results .search-meta .when").all()
    assert len(dates) >= 10 and {date.evaluate(LINES) for date in dates} == {1}
    phone.close()


def every_result(page):
    """The href of every result, "More results" clicked until there are no more."""
    found = [href for _, href, _ in results_of(page)]
    while page.is_visible("#search-more"):
        shown = len(found)
        page.click("#search-more")
        page.locator("#search-results li").nth(shown).wait_for()
        found = page.eval_on_selector_all("#search-results li a", "as => as.map(a => a.getAttribute('href'))")
    return found


def indexed_words(site):
    """word -> the URLs of the indexed pages whose indexed text holds it, in any case (plain
    words only: Pagefind splits names like cudaProfilerStart or fp8_e4m3 into parts, which are
    put under "" with their first five letters)."""
    where = defaultdict(set)
    for url, text in indexed_texts(site):
        for token in text.split():
            word = token.strip(".,;:!?()[]\"'“”‘’")
            plain = word.isalpha() and (word.islower() or word[1:].islower())
            where[word.lower() if plain else " " + word.lower()[:5]].add(url)
            for part in word.split("-")[1:]:       # Pagefind finds "human-jonas" by "jonas" too
                if part.isalpha() and (part.islower() or part[1:].islower()):
                    where[part.lower()].add(url)
    return where


@functools.cache
def indexed_texts(site) -> tuple[tuple[str, str], ...]:
    """(URL, the text of the indexed element without its ignored parts) of every indexed page,
    read once per site (parsing every page takes seconds; no site here changes once read)."""
    found = []
    for path in site.rglob("*.html"):
        body = soup(path).select_one("[data-pagefind-body]")
        if body is None:
            continue
        body = copy.copy(body)                   # the page's tree is shared (tests.html.soup)
        for ignored in body.select("[data-pagefind-ignore]"):
            ignored.decompose()
        found.append(("/" + path.relative_to(site).as_posix().removesuffix("index.html"), text_of(body)))
    return tuple(found)


def word_of_one_message(site, among=None):
    """A word found in exactly one message page (one of `among`, if given), and nothing else
    indexed shares its first five letters (Pagefind matches stems and prefixes)."""
    where = indexed_words(site)
    prefixes = defaultdict(set)
    for word, urls in where.items():
        prefixes[word.strip()[:5]] |= urls
    for word in sorted(where, key=lambda w: (-len(w), w)):
        url = next(iter(where[word]))
        if (len(word) >= 8 and len(prefixes[word[:5]]) == 1 and url.startswith("/messages/2")
                and (among is None or url in among)):
            return word, url
    pytest.fail("the demo has no word of its own in any message")


def shard_pages(site):
    """{shard name: the URLs it indexes}, oldest shard first (read from its fragments)."""
    return {name: {fragment_of(f)["url"] for f in files} for name, files in shard_fragments(site).items()}


def test_a_word_from_one_message_finds_that_message(browser, served):
    origin, site = served
    word, url = word_of_one_message(site)
    page, watch = open_page(browser, origin, f"/search/?q={word}")
    assert [href for _, href, _ in results_of(page)] == [url]
    assert page.inner_text("#search-status").startswith("1 result")
    page.click("#search-results a")
    page.wait_for_url(origin + url)
    assert watch.console_errors == [] and watch.page_errors == [] and watch.outside == []


def test_a_word_of_an_agents_profile_finds_that_agent(browser, served):
    """A profile's fields are words of their own in the index, not run together with their
    names ("<dt>HF user</dt><dd>lumenworks</dd>" indexed as "userlumenworks" found nothing)."""
    origin, site = served
    word, url = field_word_of_one_page(site, "agents")
    page, watch = open_page(browser, origin, f"/search/?q={word}")
    assert [href for _, href, _ in results_of(page)] == [url]
    assert watch.console_errors == [] and watch.page_errors == []


def test_an_agents_name_finds_its_page_first_in_any_case(browser, served):
    """Pagefind's score alone put other pages first for 9 of the demo's 33 agents (messages
    that name the agent more often than its page does)."""
    origin, site = served
    names = {f"/agents/{p.parent.name}/": text_of(soup(p).select_one("h1"))
             for p in sorted((site / "agents").glob("*/index.html"))}
    assert len(names) > 30
    page, watch = open_page(browser, origin, "/search/")
    for i, (url, name) in enumerate(names.items()):       # typed one after another, as a
        typed = name.upper() if i % 2 else name           # visitor does: the index stays loaded
        page.fill("#search-q", typed)
        page.press("#search-q", "Enter")
        assert results_of(page, typed)[0][1] == url, typed
    # a filter that leaves the agent's page out, or an order by date, is kept
    where = indexed_words(site)
    url, name = next((u, n) for u, n in names.items() if len(where[n]) > 3)
    page.goto(f"{origin}/search/?q={quote(name)}&kind=message")
    assert results_of(page) and not [h for _, h, _ in results_of(page) if h.startswith("/agents/")]
    page.goto(f"{origin}/search/?q={quote(name)}&sort=newest")      # it joined before it posted
    newest = [h for _, h, _ in results_of(page)]
    assert len(newest) > 3 and url in newest[1:]
    assert watch.console_errors == [] and watch.page_errors == []


def test_a_search_without_filters_fetches_no_filter_file_of_the_index(browser, served):
    """The values of the filters are a file of every shard: a search for words that name no
    agent fetched them all to see whether they did (22 more files at 1,000 messages)."""
    origin, _ = served
    page, watch = open_page(browser, origin, "/search/?q=speculative")
    assert results_of(page)
    assert [u for u in watch.requests if "/pagefind/" in u and "/index/" in u]
    assert not [u for u in watch.requests if "/filter/" in u]


def test_an_authors_name_finds_every_message_they_wrote(browser, served):
    """A message's author is in the index, not only the words of its body: "human-mara" found
    her page and none of her 14 messages, "kestrel" 8 of its 20. The agent's page stays first."""
    origin, site = served
    by = defaultdict(set)
    for path in (site / "messages").glob("2*/index.html"):
        by[text_of(soup(path).select_one("main a.author"))].add(f"/messages/{path.parent.name}/")
    page, watch = open_page(browser, origin, "/search/")
    for name in ("human-mara", "kestrel", "verifier-bot"):
        assert len(by[name]) > 3, name
        page.goto(f"{origin}/search/?q={quote(name)}")
        found = every_result(page)
        assert found[0] == f"/agents/{name}/", name
        assert by[name] <= set(found), (name, sorted(by[name] - set(found)))
    assert watch.console_errors == [] and watch.page_errors == []


def test_words_with_symbols_find_what_the_words_without_them_find(browser, served):
    """Pagefind cuts the words it indexes into parts at symbols ("K=4": "k", "4") and indexes no
    word "≤", but its runtime keeps symbols in a query's words: "K=4", "ppl ≤ 2.42" and
    "gpu_memory_utilization=0.95" found nothing at all."""
    origin, site = served
    holding = {url for url, text in indexed_texts(site) if "K=4" in text}
    assert holding
    page, watch = open_page(browser, origin, "/search/")
    found = {}
    for query, plain in (("K=4", "K 4"), ("ppl ≤ 2.42", "ppl 2.42"),
                         ("gpu_memory_utilization=0.95", "gpu_memory_utilization 0.95")):
        page.goto(f"{origin}/search/?q={quote(plain)}")
        expected = every_result(page)
        page.goto(f"{origin}/search/?q={quote(query)}")
        found[query] = every_result(page)
        assert found[query] == expected and expected, query
    assert holding <= set(found["K=4"])
    # a symbol alone is no word: it finds nothing, not every page
    page.goto(f"{origin}/search/?q={quote('+')}")
    assert results_of(page) == [] and page.inner_text("#search-status").startswith("0 results")
    assert watch.console_errors == [] and watch.page_errors == []


def test_show_more_moves_focus_and_back_returns_to_every_result_shown(browser, served):
    """"Show more results" left the keyboard's focus on <body> when it hid itself; after a
    result, Back showed the first 20 results only, at the top of the page."""
    origin, _ = served
    page, watch = open_page(browser, origin, "/search/?q=kestrel")
    shown = len(results_of(page))
    count = int(re.match(r"\d+", page.inner_text("#search-status")).group())
    assert count > shown
    items = page.locator("#search-results li")
    while shown < count:                  # the last press hides the button
        page.focus("#search-more")
        page.keyboard.press("Enter")
        expect(items.nth(shown).locator("a")).to_be_focused()
        shown = items.count()
    expect(page.locator("#search-more")).to_be_hidden()
    last = items.nth(count - 1).locator("a")
    href = last.get_attribute("href")
    last.scroll_into_view_if_needed()
    place = page.evaluate("window.scrollY")
    assert place > 0
    last.click()
    page.wait_for_url(origin + href)
    page.go_back()
    expect(items).to_have_count(count)
    expect(last).to_be_in_viewport()
    assert abs(page.evaluate("window.scrollY") - place) <= 1
    assert watch.console_errors == [] and watch.page_errors == []


def field_word_of_one_page(site, kind):
    """(word, URL): the first word of a field (<dd>) of a page of `kind`, a plain word found
    once on that page and on no other."""
    where = indexed_words(site)
    for path in sorted((site / kind).glob("*/index.html")):
        body = soup(path).select_one("[data-pagefind-body]")
        if body is None:
            continue
        body = copy.copy(body)                   # the page's tree is shared (tests.html.soup)
        for ignored in body.select("[data-pagefind-ignore]"):
            ignored.decompose()
        words = text_of(body).lower().split()
        url = f"/{kind}/{path.parent.name}/"
        for field in body.select("dl dd"):
            word = (text_of(field).split() or [""])[0]
            if len(word) >= 5 and word.isalpha() and word.islower() and words.count(word) == 1 \
                    and where[word] == {url}:
                return word, url
    pytest.fail(f"no page of {kind} has a field of a word of its own")


def test_words_from_the_oldest_and_the_newest_shards_find_their_messages(browser, served):
    origin, site = served
    shards = [urls for urls in shard_pages(site).values()
              if any(u.startswith("/messages/2") for u in urls)]
    assert len(shards) >= 2
    for urls in (shards[0], shards[-1]):
        word, url = word_of_one_message(site, among=urls)
        page, watch = open_page(browser, origin, f"/search/?q={word}")
        assert [href for _, href, _ in results_of(page)] == [url], word
        assert watch.console_errors == [] and watch.page_errors == []


def test_a_common_word_finds_its_pages_in_every_shard(browser, served):
    origin, site = served
    where = indexed_words(site)
    shards = shard_pages(site)
    word = next(w for w in sorted(where, key=lambda w: (-len(where[w]), w)) if len(w) >= 7
                and len(where[w]) <= 12 and sum(bool(where[w] & urls) for urls in shards.values()) >= 3)
    page, _ = open_page(browser, origin, f"/search/?q={word}")
    found = every_result(page)
    assert set(found) >= where[word], word
    assert len(found) == len(set(found))


def test_newest_and_oldest_first_order_results_across_shards(browser, served):
    origin, site = served
    shards = shard_pages(site)
    orders = {}
    for order in ("newest", "oldest"):
        page, _ = open_page(browser, origin, f"/search/?q=speculative&kind=message&sort={order}")
        found = results_of(page)
        times = [meta.split(" · ")[3] for _, _, meta in found]
        assert times == sorted(times, reverse=order == "newest"), order
        orders[order] = [href for _, href, _ in found]
        assert sum(bool(set(orders[order]) & urls) for urls in shards.values()) >= 2
    assert orders["oldest"] == orders["newest"][::-1]
    page, _ = open_page(browser, origin, "/search/?q=speculative&kind=message")
    assert sorted(href for _, href, _ in results_of(page)) == sorted(orders["newest"])


def test_ordered_by_date_every_agent_is_found_in_the_order_they_joined(browser, served):
    origin, site = served
    joined = {f"/agents/{p.parent.name}/": p.read_text(encoding="utf-8")
              for p in (site / "agents").glob("*/index.html") if not p.parent.name.startswith("human-")}
    page, _ = open_page(browser, origin, "/search/?kind=agent")
    assert sorted(every_result(page)) == sorted(joined)
    page, _ = open_page(browser, origin, "/search/?kind=agent&sort=oldest")
    found = every_result(page)
    assert sorted(found) == sorted(joined)
    dates = [soup(joined[h]).select_one("dl.profile time[data-pagefind-sort]") for h in found]
    dated = [d["datetime"] for d in dates if d is not None]
    assert len(dated) > 20 and dated == sorted(dated)


def test_people_are_found_as_people(browser, served):
    """Search labelled the organizers "Agent · human-mara"."""
    origin, _ = served
    page, watch = open_page(browser, origin, "/search/?kind=person")
    assert sorted(map(tuple, results_of(page))) == [("human-jonas", "/agents/human-jonas/", "Person · human-jonas"),
                                        ("human-mara", "/agents/human-mara/", "Person · human-mara")]
    page.goto(f"{origin}/search/?q=human-mara")                     # a person's name: the page first
    assert results_of(page)[0][1:] == ["/agents/human-mara/", "Person · human-mara"]
    page.goto(f"{origin}/search/?q=kestrel")
    assert results_of(page)[0][1:] == ["/agents/kestrel/", "Agent · kestrel"]
    assert watch.console_errors == [] and watch.page_errors == []


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
    page.select_option("select[name=from]", day)
    page.select_option("select[name=to]", day)
    page.wait_for_url(re.compile(f"to={day}"))
    dated = results_of(page)
    assert dated and all(meta.split(" · ")[3].startswith(day) for _, _, meta in dated)


def test_filters_alone_find_pages_and_a_range_without_days_finds_none(browser, served):
    origin, site = served
    agents = sorted(p.parent.name for p in (site / "agents").glob("*/index.html")
                    if not p.parent.name.startswith("human-"))             # people are their own kind
    page, watch = open_page(browser, origin, "/search/?kind=agent")
    found = results_of(page)                    # the first 20, until "Show more"
    assert page.inner_text("#search-status") == f"{len(agents)} results."
    assert {title for title, _, _ in found} <= set(agents) and len(found) == min(20, len(agents))
    assert all(meta.startswith("Agent · ") for _, _, meta in found)
    page, _ = open_page(browser, origin, "/search/?kind=trace&from=2000-01-01&to=2000-01-02")
    assert results_of(page) == []
    assert watch.console_errors == [] and watch.page_errors == []


def test_an_example_of_the_empty_page_runs_its_search_and_the_hints_make_way(browser, served):
    origin, _ = served
    page, watch = open_page(browser, origin, "/search/")
    hints = page.locator("#search-hints")
    assert hints.is_visible()
    page.locator(".search-examples a", has_text="type: ").click()      # filters, without a word
    found = results_of(page)
    assert found and all(meta.startswith("Message · ") for _, _, meta in found)
    assert not hints.is_visible()
    page.fill("#search-q", "")
    for name in ("kind", "type", "sort"):
        page.select_option(f"select[name={name}]", "")
    page.press("#search-q", "Enter")
    expect(hints).to_be_visible()                        # an empty search says what to search again
    assert watch.console_errors == [] and watch.page_errors == []


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


def test_the_date_fields_offer_only_the_days_that_have_pages(browser, rebuilt):
    """A message dated long after the others adds its day, not the years between them: a day
    chosen from the list finds pages."""
    days = sorted({day for page in rebuilt.rglob("*.html")
                   for day in re.findall(r'facet:day:([^"]*)"', page.read_text("utf-8"))})
    assert days[-1] == "2099-12-31" and days[-2] < "2027"
    with serve_folder(rebuilt) as origin:
        page, watch = open_page(browser, origin, "/search/")
        for name in ("from", "to"):
            choices = page.eval_on_selector_all(f"select[name={name}] option", "os => os.map(o => o.value)")
            assert choices == ["", *days], name
        assert watch.console_errors == [] and watch.page_errors == []


@pytest.fixture(scope="module")
def merged(tmp_path_factory, demo_site):
    """(site, its shards before) of the demo built with shards of 64 pages that all merge into
    one when a message comes (as four of 64 pages make one of 256), then built again into the
    same folder after one new message and an edit of the oldest message."""
    timed = sum(len(pages) for name, pages in shard_fragments(demo_site).items() if name[0] == "s")
    levels = ((timed + 1, 1 << 40), (64, 1 << 40))
    root = tmp_path_factory.mktemp("merged")
    bucket = root / "bucket"
    shutil.copytree(REPO / "builder" / "demo", bucket)
    out = root / "site"
    args = ["build", "--config", str(REPO / "collab.toml"), "--source", str(bucket), "--out", str(out)]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(build, "SearchIndex", functools.partial(SearchIndex, levels=levels))
        assert main(args) == 0
        before = shard_fragments(out)
        (bucket / "message_board" / "20991231-235959-000_kestrel.md").write_text(
            "---\ntype: agent\nagent: kestrel\ntimestamp: 2099-12-31 23:59 UTC\n---\n\n"
            "Trying the quokkaplex kernel next.\n")
        oldest = min((bucket / "message_board").glob("2*.md"))
        oldest.write_text(oldest.read_text(encoding="utf-8") + "\nAlso: zorblaxian.\n", encoding="utf-8")
        assert main(args) == 0
    return out, before, f"/messages/{oldest.stem}/"


def test_after_shards_merge_old_new_and_edited_messages_are_found(browser, merged):
    site, before, edited = merged
    after = shard_fragments(site)
    assert len([s for s in before if s[0] == "s"]) >= 4 and [s for s in after if s[0] == "s"] == ["s0"]
    second = {fragment_of(f)["url"] for f in before["s64"]}       # a shard that merged
    old_word, old_url = word_of_one_message(site, among=second)
    with serve_folder(site) as origin:
        for word, url in (("quokkaplex", "/messages/20991231-235959-000_kestrel/"), (old_word, old_url),
                          ("zorblaxian", edited)):
            page, watch = open_page(browser, origin, f"/search/?q={word}")
            assert [href for _, href, _ in results_of(page)] == [url], word
            assert watch.console_errors == [] and watch.page_errors == []


def test_a_fragment_no_shard_names_is_gone_from_the_site(merged):
    """The edited message's former fragment is removed: the shared folder holds the fragments
    of the shards' pages and the runtime's one page, no more (it would grow with every edit)."""
    site, _, _ = merged
    named = {f.name for files in shard_fragments(site).values() for f in files}
    assert len([f for f in (site / "pagefind" / "fragment").iterdir() if f.name not in named]) == 1
    assert check_site(site) == []


def test_a_word_of_a_taskforce_charter_finds_it_among_the_taskforces(browser, served):
    origin, site = served
    assert "/taskforces/speculative-decoding/" in set().union(*shard_pages(site).values())
    page, watch = open_page(browser, origin, "/search/?q=drafters&kind=taskforce")
    assert [(href, meta) for _, href, meta in results_of(page)] == [
        ("/taskforces/speculative-decoding/", "Taskforce")]
    assert watch.console_errors == [] and watch.page_errors == []


def test_an_address_that_leads_nowhere_offers_a_search_for_its_words(browser, served):
    """A message moved or mistyped: the 404 page's search box (the header's) holds the address's words."""
    origin, _ = served
    page, watch = open_page(browser, origin, "/messages/20250101-000000_kestrel_hello/")
    assert page.title().startswith("Page not found")
    field = page.locator("#site-search-q")
    assert field.input_value() == "kestrel hello"
    page.locator("form[action='/search/'] button", has_text="Search").last.click()
    page.wait_for_url(re.compile(r".*/search/\?q=kestrel\+hello$"))
    assert "/messages/20260706-082259_kestrel_hello/" in [href for _, href, _ in results_of(page)]
    # the one error is the page's own status, 404
    assert watch.console_errors == [
        "Failed to load resource: the server responded with a status of 404 (Not Found)"]
    assert watch.page_errors == [] and watch.outside == []


def test_the_search_page_has_one_search_box_and_repeats_a_long_query_cut(browser, served):
    origin, _ = served
    page, watch = open_page(browser, origin, "/search/?q=" + "speculative%20" * 200)
    expect(page.locator("#search-status")).to_contain_text("for “speculative")
    status = page.inner_text("#search-status")
    assert len(status) < 120 and status.endswith("…”.")
    assert page.locator("input[type=search]").count() == 1      # the header's box is not there
    assert page.locator("#site-search-q").count() == 0
    assert watch.console_errors == [] and watch.page_errors == []



def excerpts_of(page):
    """(title, excerpt, highlighted words) of every result shown."""
    results_of(page)
    return page.eval_on_selector_all(
        "#search-results li", "items => items.map(li => { const e = li.querySelector('.search-excerpt');"
        " return [li.querySelector('a').textContent, e ? e.textContent : '',"
        " e ? [...e.querySelectorAll('mark')].map(m => m.textContent) : []]; })")


def test_an_excerpt_shows_the_words_after_the_title_not_the_title_again(browser, served):
    """A page's text starts with its title (a heading, or a message's opening words): the
    excerpt under the title shows what follows it, and the title's words still find the page."""
    origin, _ = served
    page, watch = open_page(browser, origin, "/search/?q=drafter")
    shown = excerpts_of(page)
    assert len(shown) > 5
    for title, excerpt, _ in shown:
        assert not excerpt.startswith(title.removesuffix("…")[:30]), (title, excerpt)
    assert ["question drafter graph", "For the 160m drafter: does it need its own CUDA graph? "
            "My draft loop looks launch-bound in nsys.", ["drafter:"]] in shown
    opening = [excerpt for title, excerpt, _ in shown if title.startswith("Switching from prompt-lookup")]
    assert opening == ["Nothing more to squeeze out of the former on this GPU."]
    page.goto(origin + "/search/?q=question+drafter+graph")
    assert "question drafter graph" in [title for title, _, _ in excerpts_of(page)]
    assert watch.console_errors == [] and watch.page_errors == []


def guess_of(page):
    """(the bucket file the 404 page names, the page it offers) once it offers one."""
    guess = page.locator("#notfound-guess a")
    guess.wait_for()
    return page.inner_text("#notfound-guess code"), guess.get_attribute("href")


def test_a_bucket_files_path_on_the_sites_address_offers_its_page(browser, served):
    """A path copied from the bucket and pasted after the site's address leads to the file's
    page; the search field holds the file name's words, not the folder's."""
    origin, _ = served
    name = "20260706-082259_kestrel_hello.md"
    page, watch = open_page(browser, origin, "/message_board/" + name)
    assert guess_of(page) == ("message_board/" + name, "/messages/20260706-082259_kestrel_hello/")
    assert page.locator("#site-search-q").input_value() == "kestrel hello"
    page.click("#notfound-guess a")
    page.wait_for_url(origin + "/messages/20260706-082259_kestrel_hello/")
    for path, file, url in (
            ("/results/20260708-174109-383_wren.md", "results/20260708-174109-383_wren.md",
             "/results/20260708-174109-383_wren/"),
            ("/agents/kestrel.md", "agents/kestrel.md", "/agents/kestrel/"),
            ("/buckets/demo-org/tinylm-collab/tree/artifacts/results/awq-int3-g64-try_moth-9.json",
             "artifacts/results/awq-int3-g64-try_moth-9.json", "/results/legacy-awq-int3-g64-try_moth-9/")):
        page.goto(origin + path)
        assert guess_of(page) == (file, url)
    assert watch.page_errors == [] and watch.outside == []


def test_a_bucket_path_with_no_page_offers_only_a_search(browser, served):
    origin, _ = served
    page = browser.new_page()
    watch = PageWatch(page, origin)
    with page.expect_response(lambda r: r.url.endswith("/messages/20250101-000000_nobody_lost/")):
        page.goto(origin + "/message_board/20250101-000000_nobody_lost.md")   # the page it names
    expect(page.locator("#site-search-q")).to_have_value("nobody lost")
    assert page.locator("#notfound-guess").is_hidden()
    assert watch.page_errors == [] and watch.outside == []


def test_the_404_page_leads_to_the_search_without_javascript(browser, served):
    origin, _ = served
    page, _ = open_page(browser, origin, "/message_board/20260706-082259_kestrel_hello.md",
                        javascript=False)
    assert page.locator("#notfound-guess").is_hidden()
    page.click("main a:text-is('search')")
    page.wait_for_url(origin + "/search/")


# Bucket files whose names the builder turns into ids and page addresses: upper case, spaces,
# letters outside ASCII, names longer than a URL segment (cut, with a hash).
HOSTILE_FILES = {
    "message_board/20260101-000001-001_Kestrel.md": "---\nagent: Kestrel\n---\nupper case\n",
    "message_board/20260101-000002_zoë_café au lait.md": "---\nagent: zoë\n---\nunicode\n",
    "message_board/20260101-000003-003_" + "long" * 24 + ".md": "long name\n",
    "results/Run Ü 2.md": "---\ntps: 1.5\nagent: kestrel\n---\n",
    "results/" + "r" * 79 + "Z.md": "---\ntps: 2.5\nagent: kestrel\n---\n",
    "artifacts/results/Legacy Run.json": '{"agent_id": "kestrel", "tps": 3.5}',
    "agents/Nova Star.md": "---\nagent_model: x\n---\nbio\n",
    "taskforces/Spec Dec/README.md": "# Spec Dec\n",
}


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    """The demo bucket with HOSTILE_FILES added, its site and its collaboration as read."""
    from builder.assemble import assemble
    from builder.config import load_config
    from builder.readers import read_inputs
    from builder.sources.local import open_local

    root = tmp_path_factory.mktemp("hostile")
    bucket = root / "bucket"
    shutil.copytree(REPO / "builder" / "demo", bucket)
    for path, text in HOSTILE_FILES.items():
        (bucket / path).parent.mkdir(parents=True, exist_ok=True)
        (bucket / path).write_text(text, encoding="utf-8")
    assert main(["build", "--config", str(REPO / "collab.toml"), "--source", str(bucket),
                 "--out", str(root / "site")]) == 0
    config = load_config(REPO / "collab.toml")
    return root / "site", assemble(read_inputs(open_local(bucket), config), config)


def test_the_404_page_names_a_bucket_files_page_as_the_builder_does(browser, hostile_site):
    """notfound.js works out a page's address from a bucket path by the builder's rules; for
    every kind of file, hostile names and one of the demo's, it finds the page the builder
    made, the one a link in agent text to that path leads to."""
    from builder.pages.context import linker_for
    from builder.urls import Urls

    site, collab = hostile_site
    page_of = linker_for(collab, Urls()).page_of
    records = (*collab.messages, *collab.results, *collab.agents, *collab.taskforces)
    paths = [r.source_path for r in records if r.source_path in HOSTILE_FILES]
    assert len(paths) == len(HOSTILE_FILES)
    expected = {path: page_of(path) for path in paths}
    for kind in (collab.messages, collab.results, collab.agents, collab.taskforces):
        demo = next(r.source_path for r in kind if r.source_path and r.source_path not in expected)
        expected[demo] = page_of(demo)
    trace = collab.traces[0]
    expected[f"traces/{trace.agent}/{trace.session_id}/manifest.md"] = Urls().trace(
        trace.agent, trace.session_id)
    with serve_folder(site) as origin:
        page = browser.new_page()
        for path, url in expected.items():
            assert (site / Urls().file_for(url)).exists(), path
            page.goto(origin + "/" + quote(path))
            assert guess_of(page) == (path, url)
        page.close()


def test_on_a_phone_the_first_screen_shows_results_and_filters_set_in_the_address(browser, served):
    """At 320 pixels the open "Narrow the results" box took most of the first screen before any
    result. It starts closed on a phone, opens by keyboard, and stays open when the address sets
    a filter, so that a filter in force is seen."""
    origin, _ = served
    phone = browser.new_context(viewport={"width": 320, "height": 640})
    page = phone.new_page()
    page.goto(origin + "/search/?q=decode")
    results_of(page)
    assert page.locator("#search-results li").first.bounding_box()["y"] < 640
    assert not page.locator("select[name=agent]").is_visible()
    page.locator("#search-filters summary").focus()
    page.keyboard.press("Enter")
    expect(page.locator("select[name=agent]")).to_be_visible()
    page.goto(origin + "/search/?q=decode&agent=kestrel")
    results_of(page)
    expect(page.locator("select[name=agent]")).to_have_value("kestrel")
    assert page.locator("select[name=agent]").is_visible()
    phone.close()
    desktop, _ = open_page(browser, origin, "/search/?q=decode")
    assert desktop.locator("select[name=agent]").is_visible()
    desktop.context.close()



@pytest.mark.parametrize("viewport", [{"width": 320, "height": 640}, {"width": 1280, "height": 800}],
                         ids=["phone", "desktop"])
@pytest.mark.parametrize("path", ["/search/?q=decode", "/search/"])
def test_nothing_moves_while_the_search_page_loads_its_results(browser, served, viewport, path):
    """The footer, at the bottom of a short page, was pushed down as the results came (0.22 of
    a phone's screen, 0.10 of a desktop's, by Chromium's measure), and on a phone the filters
    closed after the first paint and pulled everything under them up."""
    origin, _ = served
    page = watching_shifts(browser, viewport)
    page.goto(origin + path)
    if "q=" in path:
        results_of(page)
    page.wait_for_timeout(300)
    assert page.evaluate("window.__shifts") < 0.01
    page.context.close()


def test_the_date_filters_write_days_as_the_site_does_in_any_locale(browser, served):
    """A date input wrote the day in the visitor's locale: "07/08/2026" is 8 July in the US and
    7 August in Britain. The choices are the site's days, written as its pages write them."""
    origin, site = served
    days = sorted({t["datetime"][:10] for t in soup(site / "messages" / "index.html").select("li.message-card time")})
    for locale in ("en-US", "en-GB", "de-DE"):
        context = browser.new_context(locale=locale)
        page = context.new_page()
        page.goto(f"{origin}/search/?q=speculative&from={days[0]}", wait_until="networkidle")
        shown = page.eval_on_selector("select[name=from]", "s => s.selectedOptions[0].textContent")
        assert shown == days[0], locale
        choices = page.eval_on_selector_all("select[name=to] option", "os => os.map(o => o.textContent)")
        assert choices[0] == "any day" and set(days) <= set(choices[1:]), locale
        assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", c) for c in choices[1:]), locale
        assert all(re.search(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}\sUTC", meta) for _, _, meta in results_of(page)
                   if meta.startswith("Message")), locale
        context.close()
