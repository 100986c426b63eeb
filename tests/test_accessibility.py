"""Accessibility as a visitor meets it, in a real Chromium: axe-core finds nothing on any page
kind (light on a desktop screen, dark on a phone), nothing overflows at 320 or 480 px, every
page has one <h1>, headings in order and a title of its own, and the keyboard reaches what
scrolls. axe-core comes inside axe-playwright-python: nothing is fetched from a CDN."""
from __future__ import annotations

import json
import re
from collections import Counter

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser import PageWatch, serve_folder
from tests.html import soup, text_of
from tests.site_fixtures import REPO, build_demo_with

pytestmark = pytest.mark.browser

LIGHT_DESKTOP = {"color_scheme": "light", "viewport": {"width": 1280, "height": 900}}
DARK_PHONE = {"color_scheme": "dark", "viewport": {"width": 390, "height": 844}}
# Pages whose layout must fit small screens; the home page's leaderboard becomes cards there.
NARROW = (320, 480)
PARTIALS = REPO / "builder" / "theme" / "templates" / "_partials"
EDGE_LOG = REPO / "tests" / "fixtures" / "traces" / "edge-cases" / "claude-code-edge.jsonl"


def url_of(site, path):
    return "/" + path.relative_to(site).as_posix().removesuffix("index.html")


def first(site, pattern, needle=""):
    for path in sorted(site.glob(pattern)):
        if needle in path.read_text(encoding="utf-8"):
            return url_of(site, path)
    pytest.fail(f"the demo has no page {pattern} holding {needle!r}")


def widest_code(site):
    """The message whose code block has the longest line (it scrolls on a phone)."""
    def longest(path):
        return max((len(line) for pre in soup(path).select("main pre")
                    for line in pre.get_text().splitlines()), default=0)
    return url_of(site, max(sorted(site.glob("messages/2*/index.html")), key=longest))


def card_kinds(html):
    return set(re.findall(r'class="item (\w+)', html))


def every_card_kind_bucket(bucket):
    """A bucket of one Claude Code session holding the card kinds the demo's sessions never
    show (unrecognised record, orphan result, too large a line, folded and empty thinking,
    compaction, subagent, an error), in pages of 14 records: its 2nd page holds them all."""
    lines = EDGE_LOG.read_bytes().splitlines(keepends=True)
    thinking = {"type": "assistant", "sessionId": "s1", "uuid": "t1", "message": {
        "role": "assistant", "content": [{"type": "thinking", "thinking": "First the cache.\n\nThen the sweep."}]}}
    too_large = {"type": "user", "sessionId": "s1", "message": {"role": "user", "content": "x" * 1_200_000}}
    session = bucket / "traces" / "edge" / "s1"
    session.mkdir(parents=True)
    (session / "s1.jsonl").write_bytes(b"".join(
        lines[:4] + [json.dumps(thinking).encode() + b"\n", json.dumps(too_large).encode() + b"\n"] + lines[4:]))
    (session / "manifest.md").write_text("---\nharness: claude-code\nsession_id: s1\nshare: full\n---\n")
    return bucket


@pytest.fixture(scope="module")
def every_card_kind_site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("cards")
    return build_demo_with(tmp, "[limits]\n", "[limits]\ntrace_records_per_page = 14\n",
                           source=every_card_kind_bucket(tmp / "bucket"))


@pytest.fixture(scope="module")
def cards_origin(every_card_kind_site):
    with serve_folder(every_card_kind_site) as address:
        yield address


@pytest.fixture(scope="module")
def kinds(demo_site, origin, cards_origin):
    """The address of one page of every kind (the richest the demo has, where that matters)."""
    return {kind: (cards_origin if kind.startswith("trace, every") else origin) + path
            for kind, path in kind_paths(demo_site).items()}


def richest_trace(site):
    return max(sorted(site.glob("traces/*/*/index.html")),
               key=lambda p: p.read_text(encoding="utf-8").count('<details class="item'))


def kind_paths(site):
    return {
        "home": "/", "home, filtered": "/?q=tree%20w2", "messages": "/messages/",
        "messages by agent": first(site, "messages/agent/*/index.html"),
        "messages by type": first(site, "messages/type/*/index.html"),
        "numbered messages page": "/messages/page/1/",
        "message": widest_code(site),
        "message with a table": first(site, "messages/2*/index.html", "<table"),
        "agents": "/agents/", "agent": "/agents/kestrel/",
        "taskforces": "/taskforces/", "taskforce": "/taskforces/speculative-decoding/",
        "about": "/about/",
        "results": "/results/", "results, none match": "/results/?q=zzz-no-such-result",
        "result": first(site, "results/*/index.html", 'class="body markdown"'),
        "traces": "/traces/", "trace": url_of(site, richest_trace(site)),
        # the rest of the card kinds, on a page between two others (a pager at both ends)
        "trace, every other card kind": "/traces/edge/s1/page/2/",
        "search": "/search/?q=speculative", "build report": "/build/", "404": "/404.html",
    }


@pytest.fixture(scope="module")
def origin(demo_site):
    with serve_folder(demo_site) as address:
        yield address


@pytest.fixture(scope="module")
def axe_findings(browser, origin, kinds):
    """(kind, scheme) -> axe's violations, every page kind loaded once per colour scheme."""
    axe, found = Axe(), {}
    for scheme, options in (("light", LIGHT_DESKTOP), ("dark", DARK_PHONE)):
        context = browser.new_context(**options)
        page = context.new_page()
        for kind, url in kinds.items():
            # the home page fetches its chart and rows after the load: wait for them
            page.goto(url, wait_until="networkidle" if kind.startswith("home") else "load")
            if kind == "search":
                page.locator("#search-results li").first.wait_for()
            # what is folded away is read too: axe passes over closed <details>
            page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
            found[kind, scheme] = [
                f"{v['id']} ({v['impact']}): {v['nodes'][0]['target']} {v['nodes'][0].get('failureSummary', '')}"
                for v in axe.run(page).response["violations"]]
        context.close()
    return found


def test_the_sweep_meets_every_card_kind_a_transcript_can_show(demo_site, every_card_kind_site):
    partials = "".join(p.read_text(encoding="utf-8") for p in PARTIALS.glob("trace_*.html"))
    swept = (richest_trace(demo_site).read_text(encoding="utf-8")
             + (every_card_kind_site / "traces/edge/s1/page/2/index.html").read_text(encoding="utf-8"))
    assert card_kinds(partials) - card_kinds(swept) == set()
    assert {"skipped", "raw", "orphan", "injected", "subagent", "system"} <= card_kinds(partials)
    assert "chip error" in swept and 'class="pager trace-pager"' in swept


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_nothing_on_any_page_kind(axe_findings, kinds, scheme):
    failing = {kind: axe_findings[kind, scheme] for kind in kinds if axe_findings[kind, scheme]}
    assert failing == {}


def test_nothing_overflows_on_small_screens(browser, origin, kinds):
    overflowing = []
    for width in NARROW:
        page = browser.new_page(viewport={"width": width, "height": 800})
        for kind, url in kinds.items():
            page.goto(url, wait_until="networkidle" if kind.startswith("home") else "load")
            for state in ("folded", "unfolded"):
                wide = page.evaluate("() => document.documentElement.scrollWidth")
                if wide > width:
                    overflowing.append(f"{kind} at {width} px, {state}: {wide} px wide")
                page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
        page.close()
    assert overflowing == []


def test_scrolling_code_is_reached_by_keyboard(browser, origin, kinds):
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(kinds["message"])
    scrolling = page.locator("main pre").first
    assert page.evaluate("p => p.scrollWidth > p.clientWidth", scrolling.element_handle())
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("p => document.activeElement === p", scrolling.element_handle()):
            break
    else:
        pytest.fail("Tab never reaches the code block")
    for _ in range(5):
        page.keyboard.press("ArrowRight")
    page.wait_for_timeout(300)                         # keyboard scrolling may be animated
    assert page.evaluate("p => p.scrollLeft", scrolling.element_handle()) > 0


def test_every_page_has_one_h1_headings_in_order_and_a_title_of_its_own(demo_site):
    titles: Counter = Counter()
    problems = []
    for path in sorted(demo_site.rglob("*.html")):
        page = soup(path)
        name = path.relative_to(demo_site).as_posix()
        titles[text_of(page.title)] += 1
        levels = [int(h.name[1]) for h in page.find_all(["h1", "h2", "h3", "h4", "h5", "h6"])]
        if levels.count(1) != 1 or levels[0] != 1:
            problems.append(f"{name}: headings {levels[:5]}")
        if any(b > a + 1 for a, b in zip(levels, levels[1:])):
            problems.append(f"{name}: a heading skips a level in {levels}")
        labels = [nav.get("aria-label", "") for nav in page.find_all("nav")]
        if len(set(labels)) != len(labels):
            problems.append(f"{name}: two navigations named alike in {labels}")
    assert problems == []
    assert [t for t, n in titles.items() if n > 1] == []
    message = soup(next(demo_site.glob("messages/2*_kestrel*/index.html")))
    assert "kestrel" in text_of(message.title) and "UTC" in text_of(message.title)


def test_a_latest_page_that_repeats_a_numbered_page_names_it_as_canonical(demo_site):
    def times(page):
        return [text_of(a) for a in page.select("ol.messages a.time")]
    numbered = sorted(demo_site.glob("messages/**/page/*/index.html"))
    assert numbered
    repeats = 0
    for path in numbered:
        latest = soup(path.parents[2] / "index.html")
        page_url = "/" + path.parent.relative_to(demo_site).as_posix() + "/"
        assert soup(path).select_one("link[rel=canonical]")["href"].endswith(page_url), path
        if times(soup(path)) == times(latest):
            repeats += 1
            assert latest.select_one("link[rel=canonical]")["href"].endswith(page_url)
    assert repeats >= 1                   # the demo's 300 messages fill their last page
    assert soup(demo_site / "messages" / "agent" / "kestrel" / "index.html").select_one(
        "link[rel=canonical]")["href"].endswith("/messages/agent/kestrel/")   # its own address


def test_a_first_visit_requests_nothing_that_is_missing(browser, origin):
    page = browser.new_context().new_page()
    failed = []
    page.on("response", lambda r: r.status >= 400 and failed.append(f"{r.status} {r.url}"))
    page.goto(origin + "/", wait_until="networkidle")
    page.wait_for_timeout(300)                # the browser asks for the icon after the load
    icon = page.locator("link[rel=icon]").get_attribute("href")
    assert failed == [] and icon.startswith("/static/")


def test_expand_all_opens_and_closes_every_card_of_a_trace(browser, origin, kinds):
    page = browser.new_page()
    page.goto(kinds["trace"])
    cards = page.locator(".transcript details.item")
    assert cards.count() > 50
    page.get_by_role("button", name="Expand all cards").click()
    assert page.evaluate("() => [...document.querySelectorAll('.transcript details.item')].every(d => d.open)")
    page.get_by_role("button", name="Collapse all cards").click()
    assert page.evaluate("() => [...document.querySelectorAll('.transcript details.item')].every(d => !d.open)")


def test_new_since_the_last_visit_is_marked_and_kept_in_the_browser(browser, origin):
    context = browser.new_context()
    page = context.new_page()
    watch = PageWatch(page, origin)
    page.goto(origin + "/messages/")
    assert page.locator("li.is-new").count() == 0              # a first visit marks nothing
    times = page.eval_on_selector_all("ol.messages > li time[datetime]",
                                      "ts => ts.map(t => t.getAttribute('datetime'))")
    newest_five = sorted(times, reverse=True)[:5]
    # a visit that had seen everything up to the 5th newest message: 4 are new since
    page.evaluate("([key, seen]) => { localStorage.setItem(key, seen); sessionStorage.clear(); }",
                  ["collab-site:seen:/", newest_five[4]])
    page.reload()
    marked = page.eval_on_selector_all("li.is-new time[datetime]", "ts => ts.map(t => t.getAttribute('datetime'))")
    assert sorted(marked, reverse=True) == newest_five[:4]
    assert page.locator("li.is-new .badge.new").first.inner_text() == "new"
    assert "4 new messages" in page.inner_text(".new-note")
    page.goto(origin + "/")                                  # the same visit: the same marks
    assert page.locator("section.latest li.is-new").count() == 4
    context.new_page().goto(origin + "/agents/")
    assert watch.outside == [] and all(u.startswith(origin) for u in watch.requests)
    assert page.evaluate("() => localStorage.getItem('collab-site:seen:/')") == newest_five[0]


FOCUSABLE = """() => [...document.querySelectorAll('a[href], button, summary, input, [tabindex="0"]')]
    .filter(e => e.checkVisibility())"""          # not what a closed card hides
FOCUSED = """() => { const e = document.activeElement, s = getComputedStyle(e), r = e.getBoundingClientRect();
    return {index: (""" + FOCUSABLE + """)().indexOf(e), ring: s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2,
            inside: r.left >= 0 && r.right <= innerWidth, text: e.textContent.trim().slice(0, 40)}; }"""


def test_the_keyboard_reaches_and_works_every_control_of_a_trace_page(browser, kinds):
    """Tab visits every control of a transcript page in order (cards, pager, folds, links), each
    with a focus ring wholly on a phone's screen; Enter and Space open a card, Enter expands all
    cards and follows the pager."""
    page = browser.new_page(viewport={"width": 320, "height": 800})
    page.goto(kinds["trace, every other card kind"])
    controls = page.evaluate(f"() => ({FOCUSABLE})().length")
    walked = []
    for _ in range(controls):
        page.keyboard.press("Tab")
        walked.append(page.evaluate(FOCUSED))
    assert [f["index"] for f in walked] == list(range(controls))
    assert [f["text"] for f in walked if not (f["ring"] and f["inside"])] == []
    card = page.locator(".transcript details.item").first
    card.locator("summary").focus()
    page.keyboard.press("Enter")
    assert card.evaluate("d => d.open")
    page.keyboard.press("Space")
    assert not card.evaluate("d => d.open")
    page.get_by_role("button", name="Expand all cards").focus()
    page.keyboard.press("Enter")
    assert page.evaluate("() => [...document.querySelectorAll('.transcript details.item')].every(d => d.open)")
    page.locator(".trace-pager a[rel=next]").first.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/page/3/")
