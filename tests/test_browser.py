"""What a visitor does, in a real Chromium: the home page, sorting, filtering, the toggle,
a message permalink, and the site with JavaScript turned off."""
from __future__ import annotations

import os
import re
import shutil
from datetime import datetime

import pytest

from builder import format as fmt
from builder.cli import main
from tests.browser import LINES, PageWatch, lines_of_each, serve_folder
from tests.site_fixtures import REPO

pytestmark = pytest.mark.browser


def open_page(browser, origin, path, javascript=True):
    context = browser.new_context(java_script_enabled=javascript)
    page = context.new_page()
    watch = PageWatch(page, origin)
    page.goto(origin + path, wait_until="networkidle")
    return page, watch


def column(page, table_id, index):
    return page.eval_on_selector_all(
        f"#{table_id} tbody tr:not([hidden])",
        f"rows => rows.map(r => r.cells[{index}].textContent.trim())")


def test_home_shows_table_and_static_chart_then_the_live_chart_on_demand(browser, served):
    origin, _ = served
    page, watch = open_page(browser, origin, "/")
    assert page.locator("#lb-best tbody tr").count() >= 10
    assert page.is_visible("#chart-static svg") and page.is_hidden("#chart-view")
    # nothing of the interactive chart is fetched before the visitor goes near it
    assert not [u for u in watch.requests if "vega" in u or "/data/" in u]
    page.hover("#chart-static")
    page.wait_for_selector("#chart-view svg", timeout=15000)
    assert page.is_hidden("#chart-static")
    assert [u for u in watch.requests if "/static/vendor/vega-runtime.js" in u]
    assert watch.console_errors == [] and watch.page_errors == []
    assert watch.outside == []
    assert all(u.startswith(origin) for u in watch.requests)


def figure(cell: str) -> float:
    """The score a cell shows, after its badges ("record 541.273 tok/s")."""
    return float(re.findall(r"[0-9][0-9,]*(?:\.[0-9]+)?", cell)[-1].replace(",", ""))


def test_clicking_a_header_resorts_the_table(browser, served):
    origin, _ = served
    page, _ = open_page(browser, origin, "/")
    agents_before = column(page, "lb-best", 1)
    page.click("#lb-best thead th:nth-child(2) button")
    agents_after = column(page, "lb-best", 1)
    assert agents_after == sorted(agents_before, key=str.lower)
    assert agents_after != agents_before
    page.click("#lb-best thead th:nth-child(3) button")   # score: the best first (higher is better)
    scores = [figure(s) for s in column(page, "lb-best", 2)]
    assert scores == sorted(scores, reverse=True)
    page.click("#lb-best thead th:nth-child(3) button")   # again: the worst first
    scores = [figure(s) for s in column(page, "lb-best", 2)]
    assert scores == sorted(scores)
    page.click("#lb-best thead th[data-key=date] button")  # dates: the newest first
    dates = page.eval_on_selector_all("#lb-best tbody td.date", "tds => tds.map(t => t.dataset.value)")
    assert dates == sorted(dates, reverse=True) and dates[0] != dates[-1]


def test_filter_narrows_rows(browser, served):
    origin, _ = served
    page, _ = open_page(browser, origin, "/")
    total = len(column(page, "lb-best", 1))
    first_agent = column(page, "lb-best", 1)[0]
    page.fill("#lb-filter", first_agent)
    shown = column(page, "lb-best", 1)
    assert 1 <= len(shown) < total and first_agent in shown
    kept = page.locator("#lb-best tbody tr:not([hidden])").all_inner_texts()
    assert all(first_agent in row for row in kept)          # by name, or in a description
    assert page.inner_text("#lb-count").startswith(str(len(shown)))
    page.fill("#lb-filter", "")
    assert len(column(page, "lb-best", 1)) == total


def test_a_filter_counts_what_it_keeps_in_the_tables_apart(browser, served):
    """The filter narrows the tables apart too; their summaries said "Negative results (8)" over
    the one row it kept."""
    origin, _ = served
    page, _ = open_page(browser, origin, "/")
    summary = page.locator("details.apart summary", has=page.locator("[data-count-of=lb-negative]"))
    total = page.locator("#lb-negative tbody tr").count()
    assert summary.inner_text() == f"Negative results ({total}), not ranked" and total > 3
    agent = page.locator("#lb-negative tbody tr td.agent").first.text_content().strip()
    page.fill("#lb-filter", agent)
    kept = page.locator("#lb-negative tbody tr:not([hidden])").count()
    assert 1 <= kept < total
    assert summary.inner_text() == f"Negative results ({kept} of {total}), not ranked"
    page.fill("#lb-filter", "")
    assert summary.inner_text() == f"Negative results ({total}), not ranked"


def test_row_counts_are_written_as_the_pages_write_numbers(browser, served):
    """"2,000 results", as the headline writes "2,000": a 10,000-message site said "2000 rows".
    A count names what the table lists."""
    origin, _ = served
    page, _ = open_page(browser, origin, "/results/")
    total = page.evaluate("""() => { const body = document.querySelector('table[data-filterable] tbody');
        const rows = Array.from(body.rows);
        while (body.rows.length < 1200) rows.forEach(r => body.appendChild(r.cloneNode(true)));
        return body.rows.length; }""")
    page.fill("#lb-filter", "zzz-no-such-row")
    assert page.inner_text("#lb-count") == f"0 of {total:,} results"
    page.fill("#lb-filter", "")
    assert page.inner_text("#lb-count") == f"{total:,} results"
    page.close()
    page, _ = open_page(browser, origin, "/traces/")
    sessions = page.locator("#traces tbody tr").count()
    assert page.inner_text("#lb-count") == f"{sessions} sessions"
    page.close()


def test_all_results_toggle_switches_tables(browser, served):
    origin, _ = served
    page, _ = open_page(browser, origin, "/")
    assert page.is_visible("#lb-best") and page.is_hidden("#lb-all")
    best_rows = page.locator("#lb-best tbody tr").count()
    page.check("input[name=lb-view][value=all]")
    page.wait_for_selector("#lb-all tbody tr")
    assert page.is_hidden("#lb-best") and page.is_visible("#lb-all")
    all_rows = page.locator("#lb-all tbody tr").count()
    assert all_rows > best_rows
    agents = column(page, "lb-all", 1)
    assert len(set(agents)) < len(agents)      # an agent appears more than once
    page.check("input[name=lb-view][value=best]")
    page.wait_for_selector("#lb-best", state="visible")
    assert page.is_hidden("#lb-all")


def test_message_permalink_shows_its_thread(browser, served):
    origin, out = served
    # find a message that both replies to something and has replies
    candidates = sorted((out / "messages").glob("*/index.html"))
    for path in candidates:
        html = path.read_text()
        if 'class="thread-link parent"' in html and 'class="thread-link child"' in html:
            break
    else:
        pytest.fail("the demo has no message with both a parent and a reply")
    page, watch = open_page(browser, origin, f"/messages/{path.parent.name}/")
    parent = page.locator("a.thread-link.parent").first
    child = page.locator("a.thread-link.child").first
    assert parent.is_visible() and child.is_visible()
    href = child.get_attribute("href")
    child.click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith(href)
    # the reply lists the original among what it answers
    assert page.locator(f"a.thread-link.parent[href='/messages/{path.parent.name}/']").count() == 1
    assert watch.console_errors == []


def open_message_with(browser, served, holds, what):
    """The first message page of the demo whose HTML `holds` what the test needs."""
    origin, out = served
    path = next((p for p in sorted((out / "messages").glob("*/index.html")) if holds(p.read_text())),
                None)
    assert path is not None, f"the demo has no message with {what}"
    return open_page(browser, origin, f"/messages/{path.parent.name}/")


def in_view(locator) -> bool:
    return locator.evaluate("e => { const r = e.getBoundingClientRect();"
                            " return r.top >= 0 && r.bottom <= innerHeight; }")


def test_a_visitor_jumps_from_the_archive_to_a_day(browser, served):
    page, watch = open_page(browser, served[0], "/messages/")
    days = page.locator("details.by-day")
    days.locator("summary").click()
    days.get_by_role("link", name="Wednesday 8 July 2026").click()
    page.wait_for_load_state()
    assert re.search(r"/messages/page/\d+/#day-2026-07-08$", page.url)
    heading = page.locator("#day-2026-07-08")
    assert heading.evaluate("e => e.matches(':target')") and in_view(heading)
    assert heading.inner_text() == "WEDNESDAY 8 JULY 2026"         # shown in capitals
    assert watch.console_errors == []


def test_older_leads_past_the_latest_page_to_a_message_in_full_view(browser, served):
    """From the newest 50 messages of a type, "Older" shows the newest one they leave out,
    whole, below the day's heading that stays at the top of the window, and outlined (near a
    page's end it cannot be scrolled to the top)."""
    page, watch = open_page(browser, served[0], "/messages/type/agent/")
    shown = page.locator("li.message-card a.time").evaluate_all("links => links.map(a => a.href)")
    older = page.locator("nav.pager").first.locator("a[rel=next]").get_attribute("href")
    for width in (1280, 320):                # on a phone the day's heading takes three lines
        page.set_viewport_size({"width": width, "height": 800})
        page.goto(served[0] + older, wait_until="networkidle")
        card = page.locator("li.message-card:target")
        assert re.search(r"/messages/type/agent/page/\d+/#message-", page.url)
        assert card.locator("a.time").evaluate("a => a.href") not in shown and in_view(card)
        day = card.locator("xpath=ancestor::section").locator("h2.day-divider")
        assert day.evaluate("h => h.getBoundingClientRect().bottom") <= card.evaluate(
            "c => c.getBoundingClientRect().top"), width
    border = "c => getComputedStyle(c).borderTopColor"
    assert card.evaluate(border) != page.locator("li.message-card:not(:target)").first.evaluate(border)
    assert watch.console_errors == []


def test_a_footnote_mark_leads_to_its_note_and_back(browser, served):
    page, watch = open_message_with(browser, served, lambda html: 'class="footnote-ref"' in html,
                                    "a footnote")
    mark = page.locator("article sup.footnote-ref a").first
    note = page.locator("section.footnotes li").first
    assert not in_view(note)
    mark.click()
    assert in_view(note) and note.evaluate("e => e.matches(':target')")
    note.locator("a.footnote-backref").click()
    assert in_view(mark) and mark.evaluate("e => e.matches(':target')")
    assert watch.console_errors == []


def test_an_agents_contents_lead_to_its_sections_which_offer_their_permalinks(browser, served):
    page, watch = open_message_with(browser, served, lambda html: 'href="#user-content-' in html
                                    and '<p><a href="#user-content-' in html, "a table of contents")
    contents = page.locator(".markdown p a[href^='#user-content-']")
    target = contents.last.get_attribute("href")
    heading = page.locator(f".markdown [id='{target[1:]}']")
    contents.last.click()
    assert page.url.endswith(target) and in_view(heading)
    assert heading.evaluate("e => e.matches(':target') && /^H[2-6]$/.test(e.tagName)")
    permalink = page.locator(f".markdown a.anchor[href='{target}']")
    opacity = "e => getComputedStyle(e).opacity"
    page.mouse.move(0, 0)
    assert permalink.evaluate(opacity) == "0"                      # out of the way while reading
    heading.hover()
    assert permalink.evaluate(opacity) == "1"
    page.mouse.move(0, 0)
    contents.last.focus()
    page.keyboard.press("Tab")                                     # to the next section's permalink
    focused = page.evaluate("document.activeElement.className + ' ' + getComputedStyle("
                            "document.activeElement).opacity")
    assert focused == "anchor 1"
    assert watch.console_errors == []


def test_an_agents_table_reads_as_written_and_aligned_as_asked(browser, served):
    page, watch = open_message_with(
        browser, served, lambda html: re.search(r'<th align="right">[^<]*[a-zµ]', html) is not None,
        "a right-aligned table column")
    table = page.locator(".markdown table").first
    shown = table.locator("th").evaluate_all("hs => hs.map(h => [h.innerText, h.textContent.trim()])")
    assert all(seen == written for seen, written in shown)          # "µs" is not shown "MS"
    aligned = table.locator("[align=right]").evaluate_all(
        "cs => cs.map(c => getComputedStyle(c).textAlign)")
    assert aligned and set(aligned) == {"right"}
    assert watch.console_errors == []


def test_an_agents_code_is_coloured_by_kind_of_token(browser, served):
    page, watch = open_message_with(
        browser, served, lambda html: 'class="language-python"><span class="hl-' in html, "Python code")
    code = page.locator(".markdown code.language-python").first
    colour = "e => getComputedStyle(e).color"
    plain = code.evaluate(colour)
    kinds = {kind: code.locator(f".hl-{kind}").first.evaluate(colour) for kind in ("k", "c", "m")}
    assert len({plain, *kinds.values()}) == 4        # keywords, comments and numbers stand out
    assert watch.console_errors == []


def test_a_newest_first_table_says_so_and_returns_to_it(browser, served):
    """/results/ comes newest first: its Date header says so, "#" sorts by rank (the unranked
    last), and going back restores the page's own order."""
    origin, _ = served
    page, watch = open_page(browser, origin, "/results/")
    date = page.locator("#results-all th[data-key=date]")
    assert date.get_attribute("aria-sort") == "descending"
    dates = page.eval_on_selector_all("#results-all td.date", "tds => tds.map(t => t.dataset.value)")
    assert dates == sorted(dates, reverse=True)
    page.click("#results-all th[data-key=rank] button")
    ranks = column(page, "results-all", 0)
    ranked = [int(r) for r in ranks if r != "—"]
    assert ranked == sorted(ranked) and ranks == [str(r) for r in ranked] + ["—"] * (len(ranks) - len(ranked))
    assert date.get_attribute("aria-sort") is None
    page.go_back()
    page.wait_for_function("() => document.querySelector('#results-all th[data-key=date]')"
                           ".getAttribute('aria-sort') === 'descending'")
    assert page.eval_on_selector_all("#results-all td.date", "tds => tds.map(t => t.dataset.value)") == dates
    date.locator("button").click()
    assert date.get_attribute("aria-sort") == "ascending"
    assert page.eval_on_selector_all("#results-all td.date", "tds => tds.map(t => t.dataset.value)") == sorted(dates)
    assert watch.console_errors == [] and watch.page_errors == []


def test_an_agents_place_leads_to_its_row_on_the_leaderboard(browser, served):
    origin, _ = served
    page, watch = open_page(browser, origin, "/agents/kestrel/")
    place = page.locator("dl.profile a.place")
    text = place.inner_text()
    assert re.fullmatch(r"rank \d+ of \d+ agents", text)
    place.click()
    row = page.locator("#lb-best tr.is-target")
    row.wait_for()
    assert row.locator("td.agent").inner_text() == "kestrel"
    assert row.locator("td.rank").inner_text() == text.split()[1]
    assert row.is_visible()
    assert watch.console_errors == [] and watch.page_errors == []


def test_result_tables_fit_their_page_at_1024_and_1280_pixels(browser, served):
    """The links column kept all its links on one line, so the table overflowed at 1024 pixels
    and squeezed the method to a few letters a line; a rank broke in two ("1 / 8")."""
    origin, _ = served
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    for width in (1280, 1024):
        page.set_viewport_size({"width": width, "height": 900})
        for path in ("/", "/results/", "/agents/kestrel/"):
            page.goto(origin + path)
            fits = page.eval_on_selector("table.results", "t => t.scrollWidth <= t.parentElement.clientWidth")
            assert fits, (width, path)
            ranks = page.locator("table.results td.rank:visible")
            assert [text for text, lines in lines_of_each(ranks) if lines > 1] == []
    page.close()


def test_the_roster_is_a_list_of_cards_on_a_phone_that_still_sorts(browser, served):
    """At 360 pixels the roster was 595 pixels wide in a 334-pixel box, its names and models
    broken a letter from the end ("coppe / rhead", "deepsee / k-v3.2")."""
    origin, _ = served
    page = browser.new_page(viewport={"width": 360, "height": 800})
    page.goto(origin + "/agents/")
    wraps = page.locator(".table-wrap").all()                  # the agents', the people's
    assert len(wraps) == 2 and all(w.evaluate("w => w.scrollWidth <= w.clientWidth") for w in wraps)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 360
    rows = page.locator("#roster tbody tr")
    assert rows.count() >= 30
    for row in rows.all()[:10]:
        assert row.locator("td.agent").evaluate(LINES) == 1, row.inner_text()
        model = row.locator("td.model")                         # left out when unknown ("—")
        assert model.evaluate(LINES) == (0 if model.inner_text() == "—" else 1), row.inner_text()
        count = row.locator("td.count").first                 # labelled, the header being gone
        assert count.evaluate("e => getComputedStyle(e, '::before').content") == '"Results "'
    page.locator("#roster th[data-key=best] button").click()        # the best first
    values = page.eval_on_selector_all("#roster tbody td.best", "tds => tds.map(t => t.dataset.value)")
    ranked = [float(v) for v in values if v]
    assert ranked == sorted(ranked, reverse=True) and values[0]
    page.close()


# The left edge of the decimal point of each best score the roster gives.
POINTS = """tds => tds.filter(td => td.dataset.value).map(td => {
    const text = td.firstChild, at = text.nodeValue.indexOf("."), range = document.createRange();
    range.setStart(text, at); range.setEnd(text, at + 1); return range.getBoundingClientRect().left; })"""


def test_the_roster_names_the_unit_in_its_head_and_lines_its_best_scores_up_at_the_point(browser, served):
    """Every Best cell said "463.3 tok/s"; the head says the unit, as the leaderboard's, and a
    phone's card (no head over its score) still does."""
    origin, _ = served
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(origin + "/agents/")
    assert page.inner_text("#roster th[data-key=best]").lower() == "best (tok/s)"
    best = page.locator("#roster tbody td.best")
    texts = best.all_inner_texts()
    assert len(texts) > 20 and not any("tok/s" in t for t in texts) and "—" in texts
    points = page.eval_on_selector_all("#roster tbody td.best", POINTS)
    assert len(points) > 10 and max(points) - min(points) < 0.5
    page.set_viewport_size({"width": 360, "height": 800})
    ranked = [t for t in best.all_inner_texts() if t != "—"]
    assert ranked and all(re.fullmatch(r"[\d,]+\.\d+ tok/s", t) for t in ranked), ranked
    page.close()


def test_the_roster_filters_by_name_model_or_harness_and_keeps_it_in_the_address(browser, served):
    origin, site = served
    page, watch = open_page(browser, origin, "/agents/")
    everyone = page.locator("#roster tbody tr").count()
    page.fill("#lb-filter", "codex")
    kept = page.locator("#roster tbody tr:not([hidden])")
    shown = kept.count()
    assert 0 < shown < everyone
    assert all("codex" in row.inner_text() for row in kept.all())
    assert page.inner_text("#lb-count") == f"{shown} of {everyone} agents"
    assert page.url.endswith("/agents/?q=codex")
    page.goto(origin + "/", wait_until="networkidle")
    page.goto(origin + "/agents/?q=codex", wait_until="networkidle")        # a link to the view
    assert page.input_value("#lb-filter") == "codex"
    assert page.locator("#roster tbody tr:not([hidden])").count() == shown
    assert watch.console_errors == [] and watch.page_errors == []
    page.close()


def test_the_roster_counts_its_agents_and_its_people_apart(browser, served):
    """The roster's counter said "33 agents" under "Agents (31 and 2 people)"."""
    origin, _ = served
    page, watch = open_page(browser, origin, "/agents/")
    agents = page.locator("#roster tbody tr").count()
    assert page.inner_text("h1 small") == f"({agents} and 2 people)"
    assert page.inner_text("#lb-count") == f"{agents} agents"
    page.fill("#lb-filter", "mara")                            # the people's table counts its own
    assert page.inner_text("#people-title") == "People (1 of 2)"
    assert page.inner_text("#lb-count") == f"0 of {agents} agents"
    assert watch.console_errors == [] and watch.page_errors == []
    page.close()


def test_the_roster_sorts_an_unknown_join_last_both_ways(browser, tmp_path):
    """Sorted by Joined, the agents without a date came first from the oldest, where "Best"
    keeps its blanks last. Here an agent registered without a join time that never posted: its
    Joined is unknown (one that posted is "first seen" then)."""
    bucket = tmp_path / "bucket"
    shutil.copytree(REPO / "builder" / "demo", bucket)
    (bucket / "agents" / "quiet-1.md").write_text(
        "---\nagent_name: quiet-1\nagent_model: m\nagent_harness: h\n---\n\nWatching.\n", encoding="utf-8")
    site = tmp_path / "site"
    assert main(["build", "--config", str(REPO / "collab.toml"), "--source", str(bucket),
                 "--out", str(site)]) == 0
    with serve_folder(site) as origin:
        page, watch = open_page(browser, origin, "/agents/")
        agents = page.locator("#roster tbody tr").count()
        joined = "tds => tds.map(t => t.dataset.value)"
        for direction in ("ascending", "descending"):
            page.locator("#roster th[data-key=joined] button").click()
            assert page.get_attribute("#roster th[data-key=joined]", "aria-sort") == direction
            values = page.eval_on_selector_all("#roster tbody td.joined", joined)
            dated = [v for v in values if v]
            assert values == dated + [""] and len(dated) == agents - 1
            assert dated == sorted(dated, reverse=direction == "descending")
            assert page.locator("#roster tbody tr").last.locator("td.agent").inner_text().startswith("quiet-1")
        assert "sort=joined&dir=desc" in page.url                    # the agents' sort, in the address
        assert watch.console_errors == [] and watch.page_errors == []
        page.close()


# The boxes of a row's cells that are shown (as Playwright's "td:visible" finds them), read at once.
VISIBLE_CELLS = """row => Array.from(row.querySelectorAll('td'))
    .filter(c => c.checkVisibility({visibilityProperty: true})).map(c => c.getBoundingClientRect())
    .filter(r => r.width > 0 && r.height > 0).map(r => ({x: r.x, y: r.y, width: r.width}))"""


def test_tables_of_records_fit_a_tablet_as_cards_of_two_fields_a_line(browser, served):
    """At 768 pixels the leaderboard scrolled sideways: its methods squeezed to a few letters a
    line, its verification and links out of sight."""
    origin, _ = served
    page = browser.new_page(viewport={"width": 768, "height": 900})
    for width in (800, 768, 600):
        page.set_viewport_size({"width": width, "height": 900})
        for path, table in (("/", "#lb-best"), ("/results/", "#results-all"),
                            ("/agents/kestrel/", "table.results"), ("/traces/", "#traces")):
            page.goto(origin + path)
            wrap = page.locator(table).locator("xpath=..")
            assert wrap.evaluate("w => w.scrollWidth <= w.clientWidth"), (width, path)
            cells = page.locator(f"{table} tbody tr").first.evaluate(VISIBLE_CELLS)
            tops = sorted({round(c["y"]) for c in cells})
            assert cells and len(tops) <= (len(cells) + 1) // 2, (width, path)     # two fields a line
            assert all(c["x"] + c["width"] <= width for c in cells)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 600
    page.close()


# The 10,000-message bench's longest names put into the demo's traces ("copperhead-2" and
# "tessellate-2": 12 letters; its models: "claude-opus-4-7"), beside the demo's own model named
# with its provider; and a desktop's scrollbar, which takes 15 to 17 pixels of a width the media
# queries count (this Chromium's are hidden).
LONGEST_TRACES = """() => { const rows = Array.from(document.querySelectorAll('#traces tbody tr'));
    rows[0].cells[0].querySelector('a').textContent = 'copperhead-2';
    rows[1].cells[0].querySelector('a').textContent = 'tessellate-2';
    const plain = rows.find(r => !r.querySelector('td.model').textContent.includes('/'));
    plain.querySelector('td.model').textContent = 'claude-opus-4-7';
    document.body.style.marginRight = '17px'; }"""
# The width a table needs (its columns at their narrowest) and the width of its box.
NEEDED = """t => { t.style.width = 'min-content'; const need = t.offsetWidth; t.style.width = '';
    return [need, t.parentElement.clientWidth, t.parentElement.scrollWidth]; }"""


def test_the_traces_table_fits_from_901_to_1023_pixels_with_room_to_spare(browser, served):
    """From 901 pixels the traces are a table: with the bench's longest names it needed 864
    pixels of 851 at 901, a desktop's scrollbar taking 17 more, and scrolled sideways."""
    origin, _ = served
    page = browser.new_page(viewport={"width": 901, "height": 900})
    page.goto(origin + "/traces/")
    assert any("/" in m for m in page.locator("#traces td.model").all_inner_texts())
    page.evaluate(LONGEST_TRACES)
    for width in (901, 960, 1023):
        page.set_viewport_size({"width": width, "height": 900})
        need, box, scrolled = page.eval_on_selector("#traces", NEEDED)
        assert scrolled <= box and page.evaluate("document.documentElement.scrollWidth") <= width
        assert box - need >= 24, (width, need, box)            # room for a wider font
    page.close()


def test_the_headlines_ranked_count_reads_whole(browser, served):
    """"2,000 (1,638" on one line and "ranked)" on the next, in a tile 150 pixels wide."""
    origin, _ = served
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    for width in (1280, 360):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(origin + "/")
        ranked = page.locator(".headline .count-results small")
        assert re.fullmatch(r"\([\d,]+ ranked(, [\d,]+ awaiting verification)?\)", ranked.inner_text())
        ranked.evaluate("""s => { s.previousSibling.textContent = "2,000 ";     // the 10k bench's counts
                                  s.textContent = "(1,638 ranked)"; }""")
        assert ranked.evaluate(LINES) == 1
    page.close()


def test_result_and_trace_cards_on_a_phone_can_be_sorted(browser, served):
    """As cards, the tables hid their header, and with it every way to sort them on a phone."""
    origin, _ = served
    page = browser.new_page(viewport={"width": 360, "height": 800})
    page.goto(origin + "/results/")
    buttons = page.locator("#results-all thead button:visible")
    assert "THROUGHPUT (TOK/S)" in [b.inner_text() for b in buttons.all()]          # as styled
    assert page.locator("#results-all thead th[data-key=links]").is_hidden()    # nothing to sort
    page.locator("#results-all th[data-key=score] button").click()   # the best first
    values = page.eval_on_selector_all("#results-all tbody td.score", "tds => tds.map(t => t.dataset.value)")
    scored = [float(v) for v in values if v]
    assert scored == sorted(scored, reverse=True) and len(scored) > 50
    page.goto(origin + "/traces/")
    assert page.locator("#traces thead button:visible").count() == 10
    page.locator("#traces thead button", has_text="Result").click()   # the best result first
    values = page.eval_on_selector_all("#traces tbody td.result",
                                       "tds => tds.map(t => t.dataset.value)")
    assert [float(v) for v in values] == sorted(map(float, values), reverse=True) and len(values) == 7
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 360
    page.close()


def test_agents_names_and_the_filters_label_stay_whole(browser, served):
    """A column or a control squeezed by its neighbours broke them anywhere: "quasar- / bench",
    "Filte / r"."""
    origin, _ = served
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    for path in ("/", "/results/"):
        page.goto(origin + path)
        names = page.locator("table.results td.agent a:visible")
        assert names.count() >= 10
        assert [text for text, lines in lines_of_each(names) if lines != 1] == []
    page.set_viewport_size({"width": 360, "height": 800})
    for path in ("/", "/results/", "/traces/"):
        page.goto(origin + path)
        label = page.locator(".table-controls .filter:visible").first
        assert label.inner_text().strip() == "Filter" and label.evaluate(LINES) == 1
    page.close()


def test_slash_puts_the_cursor_in_the_pages_filter_else_in_the_search(browser, served):
    origin, _ = served
    active = "document.activeElement.id"
    page, watch = open_page(browser, origin, "/")
    page.keyboard.press("/")
    assert page.evaluate(active) == "lb-filter"
    assert page.get_attribute("#lb-filter", "aria-keyshortcuts") == "/"
    page.keyboard.type("tree/")                          # in a field, "/" is typed
    assert page.input_value("#lb-filter") == "tree/"
    page.click("input[name=lb-view][value=all]")         # a radio button is not a text field
    page.keyboard.press("/")
    assert page.evaluate(active) == "lb-filter"
    selected = "[document.activeElement.selectionStart, document.activeElement.selectionEnd]"
    assert page.evaluate(selected) == [0, 5]             # its text selected, to type over
    assert watch.console_errors == [] and watch.page_errors == []
    page.close()

    page, _ = open_page(browser, origin, "/messages/20260706-090000_kestrel_proposal-compile/")
    page.keyboard.press("Control+/")                     # a browser's shortcut, not ours
    assert page.evaluate(active) == ""
    page.keyboard.press("/")
    assert page.evaluate(active) == "site-search-q" and page.input_value("#site-search-q") == ""
    page.close()

    page, _ = open_page(browser, origin, "/search/?q=kv")
    page.evaluate("document.activeElement.blur()")
    page.keyboard.press("/")
    assert page.evaluate(active) == "search-q" and page.input_value("#search-q") == "kv"
    page.close()


def test_without_javascript_table_and_svg_chart_remain(browser, served):
    origin, _ = served
    page, watch = open_page(browser, origin, "/", javascript=False)
    assert page.locator("#chart-static svg").count() == 1
    assert page.is_visible("#chart-static svg")
    assert page.locator("#lb-best tbody tr").count() >= 10
    assert page.is_hidden(".table-controls") and page.is_hidden(".chart-toolbar")
    # every result is one link away (the all-results view needs the script)
    page.click(".more-results a")
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/results/") and page.locator("#results-all tbody tr").count() >= 60


SORTABLE_TABLES = {"/": "#lb-best", "/results/": "#results-all", "/agents/": "#roster",
                   "/traces/": "#traces"}


def test_without_javascript_no_column_head_offers_a_sort_it_cannot_do(browser, served):
    """The sort buttons were in the HTML: without the script that sorts, a press did nothing, and
    a phone showed a row of them over the cards."""
    origin, _ = served
    for width in (1280, 375):
        context = browser.new_context(java_script_enabled=False, viewport={"width": width, "height": 800})
        page = context.new_page()
        for path, table in SORTABLE_TABLES.items():
            page.goto(origin + path)
            heads = page.locator(f"{table} th[data-sort]")
            assert heads.count() >= 5 and page.locator("thead button").count() == 0, path
            if width == 1280:
                assert heads.first.is_visible() and heads.first.inner_text().strip(), path
            else:
                assert page.locator(f"{table} thead").is_hidden(), path
        context.close()


def test_with_javascript_the_column_heads_become_sort_buttons_where_they_stood(browser, served):
    """What the first paint shows before the script runs (its labels) is where its buttons come."""
    origin, _ = served
    boxes = """heads => heads.map(h => { const t = h.closest("table").getBoundingClientRect(),
                 e = h.firstElementChild.getBoundingClientRect();
                 return [h.firstElementChild.tagName, e.x - t.x, e.y - t.y, e.width, e.height]; })"""
    for width in (1280, 375):
        for path, table in (("/", "#lb-best"), ("/agents/", "#roster"), ("/traces/", "#traces")):
            seen = {}
            for script in (False, True):
                context = browser.new_context(viewport={"width": width, "height": 800})
                page = context.new_page()
                if not script:                      # the page as painted before table.js runs
                    page.route("**/table.js*", lambda route: route.abort())
                page.goto(origin + path, wait_until="networkidle")
                seen[script] = page.eval_on_selector_all(f"{table} th[data-sort]", boxes)
                context.close()
            assert {b[0] for b in seen[False]} == {"SPAN"} and {b[0] for b in seen[True]} == {"BUTTON"}
            assert [b[1:] for b in seen[False]] == [b[1:] for b in seen[True]], (path, width)


def test_a_page_left_open_says_when_the_site_has_newer_data(browser, demo_site, tmp_path):
    """The reference dashboard refreshes itself; a static page asks the site whether its own file
    changed (a HEAD request), each time it is shown again and every few minutes."""
    site = tmp_path / "site"
    shutil.copytree(demo_site, site)
    is_head = lambda response: response.request.method == "HEAD"        # noqa: E731
    shown_again = "() => document.dispatchEvent(new Event('visibilitychange'))"
    with serve_folder(site) as origin:
        page = browser.new_page()
        watch = PageWatch(page, origin)
        for path, file in (("/", "index.html"), ("/messages/", "messages/index.html")):
            with page.expect_response(is_head) as first:
                page.goto(origin + path)
            assert first.value.url == origin + path
            with page.expect_response(is_head):
                page.evaluate(shown_again)
            assert page.locator(".fresh-note").count() == 0          # nothing changed yet
            later = (site / file).stat().st_mtime + 60
            os.utime(site / file, (later, later))                   # the site is rebuilt
            with page.expect_response(is_head):
                page.evaluate(shown_again)
            note = page.locator(".fresh-note")
            note.wait_for()
            assert note.inner_text() == "This page has newer data than when you opened it. Show the new version"
            assert note.locator("a").get_attribute("href") == origin + path
        assert watch.console_errors == [] and watch.page_errors == []
        assert watch.outside == []
        page.close()


def test_a_reader_walks_to_the_newer_and_back_to_the_older_message_by_keyboard(browser, served):
    """From a message, the keyboard reaches "Newer" right before the permalink, Enter opens the
    next message, and its "Older" leads back; the links fit a 320 px screen."""
    origin, _ = served
    ids = sorted(p.stem for p in (REPO / "builder" / "demo" / "message_board").glob("2*.md"))
    page, watch = open_page(browser, origin, f"/messages/{ids[10]}/", javascript=False)
    page.set_viewport_size({"width": 320, "height": 640})

    def walk(back: int) -> str:
        page.locator("article footer a").first.focus()
        for _ in range(back):
            page.keyboard.press("Shift+Tab")
        focused = page.evaluate("document.activeElement.className")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        return focused

    assert walk(1) == "newer"
    assert page.url == f"{origin}/messages/{ids[11]}/"
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    assert walk(2) == "older"
    assert page.url == f"{origin}/messages/{ids[10]}/"
    assert watch.console_errors == []


def test_the_archives_pager_names_each_page_by_the_days_it_holds(browser, served):
    """"Pages: latest 6 5 4 3 2 1" said nothing of what a page holds, and listed as an older
    page the one the latest page repeats: each older page is named by its days, at the
    address it always had, and a page's "Newer" and "Older" say their days too."""
    page, watch = open_page(browser, served[0], "/messages/")
    pager = page.locator("nav.pager").first
    assert "latest" not in pager.inner_text()
    listed = pager.locator(".pages a").evaluate_all(
        "links => links.map(a => [a.textContent, new URL(a.href).pathname])")
    assert [path for _, path in listed] == [f"/messages/page/{n}/" for n in range(5, 0, -1)]
    assert pager.locator("a[rel=next]").inner_text().startswith(f"Older ({listed[0][0]})")
    for text, path in (listed[0], listed[-1]):
        page.goto(served[0] + path, wait_until="networkidle")
        posted = page.locator("li.message-card time").evaluate_all(
            "times => times.map(t => t.getAttribute('datetime'))")
        days = sorted({p[:10] for p in posted})
        first, last = (datetime.fromisoformat(d) for d in (days[0], days[-1]))
        assert text == fmt.days([first, last]), path
    newer = page.locator("nav.pager").first.locator("a[rel=prev]").inner_text()
    assert newer.endswith(f"({listed[-2][0]})")              # page 1's newer is page 2
    assert watch.console_errors == []
