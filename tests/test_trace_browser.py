"""Trace pages in a real Chromium: a tool call expands, nothing errors, nothing leaves 127.0.0.1;
and hostile content in every trace field (tests/hostile_traces.py) never executes nor reaches
anywhere but the allowed image host."""
from __future__ import annotations

import pytest

from builder import format as fmt
from builder.cli import main
from tests.browser import LINES, PageWatch, lines_of_each, outside_requests, serve_folder
from tests.hostile import INTERACT, MARKER, NO_LIVE_PAYLOAD, PAYLOADS, write_hostile_bucket
from tests.hostile_traces import AGENTS, write_hostile_traces
from tests.test_trace_pages import bash_call_rows, build, one_trace_bucket

pytestmark = pytest.mark.browser

ORBIT = "/traces/orbit-7/16a34bab-add2-43b4-a970-3c8cafafee09/"
LUMEN = "/traces/lumen-2/019f4383-1c40-7412-813b-595aba5f3cb9/"


def test_a_tool_call_expands_without_errors_or_outside_requests(browser, served):
    origin, _ = served
    page = browser.new_page()
    watch = PageWatch(page, origin)
    page.goto(origin + LUMEN, wait_until="networkidle")
    card = page.locator("details.tool.status-error").first
    body = card.locator(".tool-body")
    assert not body.is_visible()
    assert not card.locator("pre").first.is_visible()
    assert card.locator(".chip.error").is_visible()          # the error shows while collapsed
    card.locator("summary").click()
    assert card.evaluate("d => d.open") is True
    assert body.is_visible()
    input_pre = card.locator(".block:not(.result) pre").first
    result_pre = card.locator(".block.result pre")
    assert input_pre.is_visible() and "pytest" in input_pre.inner_text()
    assert result_pre.is_visible() and "IndexError" in result_pre.inner_text()
    # the header's error count jumps to that card's chip
    page.locator(".error-count a").click()
    assert page.evaluate("location.hash") == "#e1"
    page.wait_for_timeout(100)
    assert watch.console_errors == [] and watch.page_errors == [], (watch.console_errors,
                                                                    watch.page_errors)
    assert watch.outside == []
    assert watch.requests and all(u.startswith(origin) for u in watch.requests)
    page.close()


# The lines of what each row of the trace archive shows, read in one call: for each cell's part,
# the LINES of every element found.
ARCHIVE_ROW_LINES = f"""rows => rows.map(r => {{ const td = r.querySelectorAll('td'),
    lines = (cell, selector) => Array.from(cell.querySelectorAll(selector), {LINES});
    return {{agent: lines(td[0], ':scope a'), day: lines(td[4], ':scope time .day'),
             time: lines(td[4], ':scope time'),
             result: lines(r.querySelector('td.result'), ':scope a')}}; }})"""
# Where the decimal point of each result's score in the trace archive is drawn (x, in pixels).
DECIMAL_POINTS = """links => links.map((a) => {
    const text = a.firstChild, range = document.createRange(), at = text.data.indexOf(".");
    range.setStart(text, at); range.setEnd(text, at + 1);
    return Math.round(range.getBoundingClientRect().left); })"""


def test_the_trace_archive_fits_a_desktop_window_with_names_and_days_on_one_line(browser, served):
    """Eleven columns: the table fits 1280 pixels, and a word breaks only where words do (an agent
    was "halcyo / n", a day "2026- / 07-11 20:58 / UTC")."""
    origin, _ = served
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(origin + "/traces/")
    table = page.locator("table.traces")
    assert table.evaluate("t => t.parentElement.scrollWidth <= t.parentElement.clientWidth")
    rows = table.locator("tbody tr").evaluate_all(ARCHIVE_ROW_LINES)
    assert len(rows) >= 7
    for row in rows:                  # one element each (as a locator must find), on its lines
        assert row["agent"] == [1] and row["day"] == [1]
        assert len(row["time"]) == 1 and row["time"][0] <= 2
        assert row["result"] in ([], [1])                                      # "534.286"
    for text, lines in lines_of_each(table.locator("thead th")):
        assert lines <= len(text.split()), text
    # the results' scores line up as in every table: "→ 412.3 tok/s" was under "→ 534.286 tok/s"
    points = table.locator("td.result a").evaluate_all(DECIMAL_POINTS)
    assert len(points) == 7 and len(set(points)) == 1
    page.close()


@pytest.mark.parametrize("width", [1440, 1280])
def test_on_a_desktop_a_trace_row_says_each_value_on_one_line(browser, served, width):
    """A row took four lines: "claude- / code" broke at its hyphen, a session id took four
    lines and a start two. A session id shows its start (whole in its title and on its page)."""
    origin, _ = served
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(origin + "/traces/")
    table = page.locator("table.traces")
    assert table.evaluate("t => t.parentElement.scrollWidth <= t.parentElement.clientWidth")
    for row in table.locator("tbody tr").all():
        session = row.locator("td.session a.id")
        assert session.evaluate(LINES) == 1
        assert session.get_attribute("href").rstrip("/").endswith(session.get_attribute("title"))
        assert row.locator("td.harness").evaluate(LINES) == 1
        if width >= 1440:
            assert row.locator("td.model").evaluate(LINES) == 1
            assert row.locator("time").evaluate(LINES) == 1
    page.close()


# What a card test reads of each row and its cells, in one call; "visible" as Playwright's
# is_visible: a box that is not empty, not hidden.
CARDS = """rows => rows.map(r => ({display: getComputedStyle(r).display,
    cells: Array.from(r.querySelectorAll('td'), c => { const box = c.getBoundingClientRect();
        return {label: getComputedStyle(c, '::before').content, text: c.innerText, visible:
                box.width > 0 && box.height > 0 && getComputedStyle(c).visibility !== 'hidden'}; })}))"""


def test_a_phone_gets_the_trace_archive_as_cards_each_value_under_its_label(browser, served):
    """Ten columns were 1,076 pixels wide in a 334-pixel box; each session is a card now."""
    origin, _ = served
    page = browser.new_page(viewport={"width": 360, "height": 800})
    page.goto(origin + "/traces/")
    table = page.locator("table.traces")
    assert table.evaluate("t => t.parentElement.scrollWidth <= t.parentElement.clientWidth")
    headers = table.locator("thead th").evaluate_all("hs => hs.map(h => h.textContent.trim())")
    shown_notes = 0
    for row in table.locator("tbody tr").evaluate_all(CARDS):
        assert row["display"] == "block"
        for cell, header in zip(row["cells"], headers):
            assert cell["label"] == f'"{header}"'
            if header == "Notes":
                empty = cell["text"].strip() == ""
                assert cell["visible"] is not empty               # no label without a value
                shown_notes += not empty
    assert shown_notes >= 3
    page.close()


def test_orbit_page_expands_a_card_and_its_nested_subagent(browser, served):
    origin, _ = served
    page = browser.new_page()
    watch = PageWatch(page, origin)
    page.goto(origin + ORBIT, wait_until="networkidle")
    task = page.locator("details.tool:has(details.subagent)").first
    task.locator(":scope > summary").click()
    sub = task.locator("details.subagent").first
    assert sub.locator(":scope > summary").is_visible()
    assert not sub.locator(".nested").is_visible()
    sub.locator(":scope > summary").click()
    assert sub.locator(".nested").is_visible()
    thinking = page.locator(".item.thinking").first      # one line: read without opening
    assert thinking.locator(".thinking-text").is_visible()
    assert watch.console_errors == [] and watch.page_errors == [] and watch.outside == []
    page.close()


def test_the_raw_metadata_gives_each_value_the_width_of_a_phone(browser, served):
    """At 320 px the longest key took the width and values went two letters a line; each key
    now stands above its value."""
    origin, _ = served
    page = browser.new_page(viewport={"width": 320, "height": 800})
    page.goto(origin + ORBIT)
    metadata = page.locator("details.apart", has_text="Raw metadata")
    metadata.locator("summary").click()
    width = metadata.locator("dl").evaluate("dl => dl.clientWidth")
    values = metadata.locator("dd")
    assert values.count() > 20
    assert min(dd.evaluate("dd => dd.getBoundingClientRect().width") for dd in values.all()) >= width - 1
    session = metadata.locator("dt", has_text="session_id").locator("xpath=following-sibling::dd[1]")
    assert session.inner_text() == ORBIT.split("/")[3] and session.evaluate(LINES) == 1
    page.close()


@pytest.mark.parametrize("width", [320, 1280])
def test_a_cards_time_stays_in_its_card(browser, served, width):
    """A time pushed to a line of its own by a long summary hung below its card, over the next
    one: 38 of orbit-7's 143 cards at 320 px, 4 at 1280."""
    origin, _ = served
    page = browser.new_page(viewport={"width": width, "height": 800})
    page.goto(origin + ORBIT)
    outside = page.evaluate("""() => Array.from(document.querySelectorAll('details.item > summary time.offset'))
        .filter(t => { const card = t.closest('details').getBoundingClientRect(), r = t.getBoundingClientRect();
                       return r.bottom > card.bottom + 0.5 || r.right > card.right + 0.5; }).length""")
    assert page.locator("details.item > summary time.offset").count() > 100 and outside == 0
    page.close()


# ---------------------------------------------------------------------------------------------
# Long inline code on a phone

LONG_PATH = "traces/wide/s1/s1-0123456789abcdef0123456789abcdef.jsonl"
MESSAGE = "/messages/20260706-090000_kestrel_paths/"


@pytest.fixture(scope="module")
def long_code_site(tmp_path_factory):
    """A trace whose notes, and a message whose text, link a long path as inline code and show
    a long line in a code block."""
    tmp = tmp_path_factory.mktemp("long-code")
    text = f"Read [`{LONG_PATH}`](https://huggingface.co/{LONG_PATH}) first.\n\n```\n{'x' * 300}\n```\n"
    bucket = one_trace_bucket(tmp, "wide/s1", bash_call_rows("s1", "ok"), notes=text)
    (bucket / "message_board").mkdir()
    (bucket / "message_board" / "20260706-090000_kestrel_paths.md").write_text(
        f"---\nagent: kestrel\ntype: status-update\ntimestamp: 2026-07-06 09:00 UTC\n---\n\n{text}")
    with serve_folder(build(tmp, source=bucket)) as origin:
        yield origin


@pytest.mark.parametrize("path", ["/traces/wide/s1/", MESSAGE])
def test_long_inline_code_wraps_on_a_320_px_screen(browser, long_code_site, path):
    page = browser.new_page(viewport={"width": 320, "height": 800})
    page.goto(long_code_site + path)
    assert page.evaluate("() => document.documentElement.scrollWidth") == 320
    assert page.locator("main .markdown a code").evaluate(LINES) > 1
    if path == MESSAGE:                     # a message's code block scrolls in its own box
        block = page.locator("main .markdown pre")
        assert block.evaluate("p => p.scrollWidth > p.clientWidth && p.clientWidth < 320")
    page.close()


# ---------------------------------------------------------------------------------------------
# Hostile traces

@pytest.fixture(scope="module")
def hostile_traces_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile-traces")
    bucket = write_hostile_traces(write_hostile_bucket(root / "bucket"))
    config = root / "collab.toml"
    config.write_text('[metric]\nfield = "tps"\nunit = "tok/s"\n\n'
                      '[source]\nweb_url = "https://huggingface.co/buckets/evil/bucket"\n')
    out = root / "site"
    assert main(["build", "--config", str(config), "--source", str(bucket), "--out", str(out)]) == 0
    with serve_folder(out) as origin:
        yield origin, out


def trace_paths(out):
    return sorted("/" + p.relative_to(out).as_posix().removesuffix("index.html")
                  for p in (out / "traces").rglob("index.html"))


def test_hostile_trace_fields_never_execute(browser, hostile_traces_site):
    origin, out = hostile_traces_site
    paths = trace_paths(out)
    agents_seen = {p.split("/")[2] for p in paths if p.count("/") > 3}
    assert set(AGENTS) <= agents_seen
    assert len(paths) >= 15
    context = browser.new_context()
    page = context.new_page()
    watch = PageWatch(page, origin)
    failures = []
    for path in paths:
        page.goto(origin + path, wait_until="load")
        failures += [f"{path}: {bad}" for bad in page.evaluate(NO_LIVE_PAYLOAD)]
        # open every card (a payload may wait for a toggle; nested cards too), focus everything,
        # then look again
        page.keyboard.press("Tab")
        page.evaluate(INTERACT)
        failures += [f"{path} (expanded): {bad}" for bad in page.evaluate(NO_LIVE_PAYLOAD)]
    page.wait_for_timeout(300)
    assert failures == []
    assert watch.dialogs == [], watch.dialogs
    assert [u for u in watch.requests if MARKER in u] == []
    # nowhere but the site and the images' allowed host (the Hub, by default)
    assert outside_requests(watch.requests, origin, but="huggingface.co") == []
    assert watch.page_errors == [], watch.page_errors
    context.close()


def test_hostile_trace_text_is_shown_as_text(browser, hostile_traces_site):
    """The payloads really reached the pages (as visible text), so the test above means something."""
    origin, out = hostile_traces_site
    cc = [p for p in trace_paths(out) if p.startswith("/traces/evil-cc/")]
    codex = [p for p in trace_paths(out) if p.startswith("/traces/evil-codex/")]
    page = browser.new_page()
    PageWatch(page, origin)
    for paths, minimum in ((cc, 3), (codex, 2)):          # split into pages: 35 turns each
        assert len(paths) >= minimum, paths
        shown = ""
        for path in paths:
            page.goto(origin + path, wait_until="load")
            page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")
            shown += page.inner_text("main")
        # as a terminal shows them: escape sequences and control characters taken out
        words = " ".join(shown.split())
        missing = [p for p in PAYLOADS if " ".join(fmt.visible_text(p).split()) not in words]
        assert missing == [], missing
    page.close()
    for path in cc + codex:
        html = (out / path.strip("/") / "index.html").read_text()
        assert "<script>alert(" not in html
        assert "p14p14p14" not in html                   # never run as a template
