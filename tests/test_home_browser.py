"""The home page in a real Chromium, as a visitor uses it: a view is a link (sort, filter, rows,
chart agents, time range, scale in the URL; back and forward), every row has an anchor, the chart
works from the keyboard and downloads as SVG and PNG, small screens get cards and no sideways
scrolling, dark mode and all of it without a console error."""
from __future__ import annotations

import csv
import io
import json
import re
from datetime import datetime
from urllib.parse import parse_qs, urlsplit

import pytest

from builder.cli import main
from tests.browser import PageWatch, save_download, serve_folder, watching_shifts
from tests.conftest import REPO

pytestmark = pytest.mark.browser
DAY_MS = 24 * 3600 * 1000


@pytest.fixture
def visit(browser, served):
    """visit(path, **context options) -> (page, watch); every page must end without errors."""
    origin, _ = served
    opened = []

    def open_page(path, **options):
        context = browser.new_context(**options)
        page = context.new_page()
        watch = PageWatch(page, origin)
        page.goto(origin + path, wait_until="networkidle")
        opened.append((context, watch))
        return page, watch

    yield open_page
    for context, watch in opened:
        assert watch.console_errors == [] and watch.page_errors == [], watch.console_errors
        assert watch.outside == []
        context.close()


def query(page) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(page.url).query).items()}


def shown(page, table_id: str, column: int) -> list[str]:
    return page.eval_on_selector_all(
        f"#{table_id} tbody tr:not([hidden])", f"rows => rows.map(r => r.cells[{column}].textContent.trim())")


def until(page, expression: str, timeout: float = 15.0):
    """Wait until a JavaScript expression is true, evaluated from outside the page (the page's CSP
    forbids the eval that Playwright's own wait_for_function polls with)."""
    for _ in range(int(timeout / 0.05)):
        if page.evaluate(expression):
            return
        page.wait_for_timeout(50)
    raise AssertionError(f"never true: {expression}")


def all_rows_shown(page):
    page.wait_for_selector("#lb-view-all:not([hidden]) #lb-all[data-loaded]")


def go_live(page):
    page.hover("#chart-static")
    page.wait_for_selector("#chart-view svg")
    until(page, "document.getElementById('chart').hasAttribute('data-domain')")


def domain(page) -> tuple[int, int]:
    start, end = page.get_attribute("#chart", "data-domain").split("~")
    return int(start), int(end)


def tab_to(page, selector: str, limit: int = 60) -> None:
    """Press Tab until the focus is on an element matching `selector` (keyboard only)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"document.activeElement.matches({json.dumps(selector)})"):
            return
    raise AssertionError(f"Tab never reached {selector}")


# ------------------------------------------------------------------------------ the table

def test_sort_filter_and_rows_view_are_restored_from_the_url(visit):
    agent = None
    page, _ = visit("/")
    agent = shown(page, "lb-best", 1)[0]
    page, _ = visit(f"/?view=all&sort=agent&dir=desc&q={agent}")
    all_rows_shown(page)
    assert page.is_checked("input[name=lb-view][value=all]") and page.is_hidden("#lb-best")
    assert page.input_value("#lb-filter") == agent
    assert page.get_attribute("#lb-all th[data-key=agent]", "aria-sort") == "descending"
    agents = shown(page, "lb-all", 1)
    assert agents.count(agent) > 1 and agents == sorted(agents, key=str.lower, reverse=True)
    kept = page.locator("#lb-all tbody tr:not([hidden])").all_inner_texts()
    assert all(agent in row for row in kept)                # by name, or in a description
    assert page.inner_text("#lb-count").startswith(f"{len(agents)} of ")


def test_the_filter_marks_its_words_in_the_rows_it_keeps_and_says_when_none_match(visit):
    page, _ = visit("/")
    before = page.inner_html("#lb-best tbody")
    texts = "rows => rows.map(r => [r.dataset.anchor, r.textContent])"
    text_before = dict(page.eval_on_selector_all("#lb-best tbody tr", texts))
    page.fill("#lb-filter", "TREE w2")
    kept = page.locator("#lb-best tbody tr:not([hidden])")
    assert 1 < kept.count() < page.locator("#lb-best tbody tr").count()
    for i in range(kept.count()):
        hits = kept.nth(i).locator("mark.hit").all_inner_texts()
        assert {h.lower() for h in hits} == {"tree", "w2"}, hits
    assert page.locator("#lb-best tbody tr[hidden] mark").count() == 0
    marked = page.eval_on_selector_all("#lb-best tbody tr:not([hidden])", texts)
    assert all(text == text_before[anchor] for anchor, text in marked)   # it reads as before
    page.fill("#lb-filter", "e")                 # one letter filters, and marks nothing
    assert page.locator("mark.hit").count() == 0
    page.fill("#lb-filter", "")
    assert page.inner_html("#lb-best tbody") == before

    page.fill("#lb-filter", "zzz-nothing")
    note = page.locator("#lb-view-best .no-match")
    assert note.is_visible() and note.inner_text().startswith("No agents match “zzz-nothing”.")
    assert query(page) == {"q": "zzz-nothing"}
    note.get_by_role("button", name="Clear the filter").click()
    assert page.input_value("#lb-filter") == "" and query(page) == {}
    assert note.is_hidden() and page.locator("#lb-best tbody tr[hidden]").count() == 0
    assert page.evaluate("document.activeElement.id") == "lb-filter"


def test_back_and_forward_walk_through_the_views(visit):
    page, _ = visit("/")
    page.check("input[name=lb-view][value=all]")
    all_rows_shown(page)
    assert query(page) == {"view": "all"}
    page.click("#lb-all th[data-key=score] button")          # the best first
    assert query(page) == {"view": "all", "sort": "score", "dir": "desc"}
    scores = [float(v) for v in page.eval_on_selector_all(
        "#lb-all tbody tr td.score", "cells => cells.map(c => c.dataset.value)")]
    assert scores == sorted(scores, reverse=True)
    page.go_back()
    until(page, "document.querySelector('#lb-all th[data-key=rank]').ariaSort === 'ascending'")
    assert page.is_visible("#lb-all")
    page.go_back()
    page.wait_for_selector("#lb-best", state="visible")
    assert page.is_hidden("#lb-all") and query(page) == {}
    page.go_forward()
    page.wait_for_selector("#lb-all", state="visible")
    page.reload(wait_until="networkidle")
    all_rows_shown(page)
    assert page.is_checked("input[name=lb-view][value=all]")


def test_row_counter_agrees_with_the_headline(visit):
    page, _ = visit("/")
    best_rows = page.locator("#lb-best tbody tr").count()
    assert page.inner_text("#lb-count") == f"{best_rows} agents"     # baselines not counted
    ranked = re.search(r"\((\d+) ranked", page.inner_text(".count-results")).group(1)
    page.check("input[name=lb-view][value=all]")
    all_rows_shown(page)
    assert page.inner_text("#lb-count") == f"{ranked} ranked results"


def test_the_headline_leads_to_the_results_awaiting_verification(visit, served):
    """Organizers and verifiers look for the ranked results still pending: the headline counts
    them and leads to the leaderboard's view of every ranked result, filtered to them."""
    rows = json.loads((served[1] / "data" / "results.json").read_text(encoding="utf-8"))["rows"]
    pending = sorted(r["anchor"] for r in rows if r["verification"] == "pending")
    page, _ = visit("/")
    link = page.locator(".count-results small a")
    assert link.inner_text() == f"{len(pending)} awaiting verification" and len(pending) > 5
    link.click()
    all_rows_shown(page)
    assert re.search(r"/\?view=all&q=pending#lb-title$", page.url)
    shown = page.locator("#lb-all tbody tr:not([hidden])")
    assert sorted(shown.evaluate_all("rows => rows.map(r => r.dataset.anchor)")) == pending
    assert page.inner_text("#lb-count") == f"{len(pending)} of {len(rows)} ranked results"


def own_classes(class_name: str) -> set[str]:
    """A row's classes but for its rank's ("leader") and its view's fold ("beyond")."""
    return set(class_name.split()) - {"leader", "beyond"}


def test_rows_built_in_the_browser_match_the_rows_of_the_page(visit):
    page, _ = visit("/")
    read = """rows => rows.map(r => [r.dataset.anchor, r.className, Array.from(r.cells).map(c =>
        [c.className, c.dataset.label || '', c.dataset.value || '', c.title, c.textContent.replace(/\\s+/g, ' ').trim(),
         Array.from(c.querySelectorAll('a, span, time')).map(e => e.tagName + '|' + e.className + '|' + (e.getAttribute('href') || '') + '|' + e.title + '|' + (e.getAttribute('datetime') || ''))])])"""
    server = page.eval_on_selector_all("#lb-best tbody tr", read)
    page.check("input[name=lb-view][value=all]")
    all_rows_shown(page)
    built = {row[0]: row for row in page.eval_on_selector_all("#lb-all tbody tr", read)}
    assert len(built) > len(server)
    for row in server:                   # the same result: the same cells but for its rank
        twin = built[row[0]]
        assert twin[2][1:] == row[2][1:], row[0]
        assert own_classes(twin[1]) == own_classes(row[1])


def test_a_link_to_a_row_shows_that_row(visit, served):
    _, site = served
    rows = json.loads((site / "data" / "results.json").read_text())["rows"]
    deep = next(r for r in rows if r["rank"] > 30)            # only in the all-results view
    page, _ = visit(f"/#{deep['anchor']}")
    page.wait_for_selector(f"#{deep['anchor']}.is-target", state="visible")
    assert page.is_visible("#lb-all") and query(page).get("view") == "all"
    assert page.evaluate("document.activeElement.id") == deep["anchor"]
    # a row folded away in "Invalid results" opens its section
    invalid = page.get_attribute("#lb-invalid tbody tr", "data-anchor")
    page.goto(page.url.split("#")[0] + "#" + invalid)
    page.wait_for_selector(f"#{invalid}", state="visible")
    assert page.evaluate(f"document.getElementById('{invalid}').closest('details').open")


# The rows of a table a visitor sees (not hidden by the filter nor folded under "Show all").
SEEN = "rows => rows.filter(r => r.getClientRects().length).map(r => r.cells[1].textContent.trim())"


def seen_agents(page) -> list[str]:
    return page.eval_on_selector_all("#lb-best tbody tr", SEEN)


def test_the_best_per_agent_table_shows_the_top_10_and_a_button_for_every_agent(visit):
    page, _ = visit("/")
    agents = page.eval_on_selector_all("#lb-best tbody tr", "rows => rows.map(r => r.cells[1].textContent.trim())")
    assert len(agents) > 20 and seen_agents(page) == agents[:10]
    toggle = page.locator("#lb-view-best .top-rows button")
    assert toggle.inner_text() == f"Show all {len(agents)} agents"
    assert toggle.get_attribute("aria-expanded") == "false" and toggle.get_attribute("aria-controls") == "lb-best"
    tab_to(page, "#lb-view-best .top-rows button", limit=200)
    page.keyboard.press("Enter")
    assert seen_agents(page) == agents and toggle.inner_text() == "Show top 10"
    assert toggle.get_attribute("aria-expanded") == "true" and query(page) == {"rows": "all"}
    page.reload(wait_until="networkidle")                      # the open table stays open
    assert seen_agents(page) == agents and toggle.get_attribute("aria-expanded") == "true"
    toggle.focus()
    page.keyboard.press("Space")
    assert seen_agents(page) == agents[:10] and query(page) == {}
    assert toggle.inner_text() == f"Show all {len(agents)} agents"
    assert page.evaluate("document.activeElement.matches('#lb-view-best .top-rows button')")


def test_sorting_the_top_10_shows_the_first_10_of_the_new_order(visit):
    page, _ = visit("/")
    agents = page.eval_on_selector_all("#lb-best tbody tr", "rows => rows.map(r => r.cells[1].textContent.trim())")
    page.click("#lb-best th[data-key=agent] button")
    assert seen_agents(page) == sorted(agents, key=str.lower)[:10]
    page.click("#lb-best th[data-key=agent] button")
    assert seen_agents(page) == sorted(agents, key=str.lower, reverse=True)[:10]


def test_the_filter_looks_through_every_agent_not_only_the_top_10(visit):
    page, _ = visit("/")
    agents = page.eval_on_selector_all("#lb-best tbody tr", "rows => rows.map(r => r.cells[1].textContent.trim())")
    far = agents[-1]
    page.fill("#lb-filter", far)
    assert far in seen_agents(page) and page.is_hidden("#lb-view-best .top-rows")
    page.fill("#lb-filter", "-")                 # more than 10 rows match: every one shows
    matching = page.eval_on_selector_all("#lb-best tbody tr:not([hidden])", "rows => rows.length")
    assert matching > 10 and len(seen_agents(page)) == matching
    page.fill("#lb-filter", "")
    assert seen_agents(page) == agents[:10] and page.is_visible("#lb-view-best .top-rows button")


def test_a_link_to_an_agent_below_the_top_10_opens_the_table_at_its_row(visit):
    page, _ = visit("/")
    anchors = page.eval_on_selector_all("#lb-best tbody tr", "rows => rows.map(r => r.dataset.anchor)")
    page, _ = visit(f"/#{anchors[15]}")
    page.wait_for_selector(f"#{anchors[15]}.is-target", state="visible")
    assert len(seen_agents(page)) == len(anchors) and query(page) == {"rows": "all"}
    assert page.inner_text("#lb-view-best .top-rows button") == "Show top 10"


def test_without_javascript_the_leaderboard_shows_every_agent_and_no_button(visit):
    page, _ = visit("/", java_script_enabled=False)
    rows = page.locator("#lb-best tbody tr").count()
    assert rows > 10 and len(seen_agents(page)) == rows
    assert page.locator(".top-rows").count() == 0


def test_ten_agents_or_fewer_show_no_button(browser, tmp_path):
    bucket = tmp_path / "bucket"
    (bucket / "results").mkdir(parents=True)
    for n in range(10):
        (bucket / "results" / f"20260710-00{n}000-000_agent-{n}.md").write_text(
            f"---\ntps: {100 + n}\nmethod: m{n}\nstatus: agent-run\n---\n", encoding="utf-8")
    site = tmp_path / "site"
    assert main(["build", "--config", str(REPO / "collab.toml"), "--source", str(bucket), "--out", str(site)]) == 0
    with serve_folder(site) as origin:
        context = browser.new_context()
        page = context.new_page()
        watch = PageWatch(page, origin)
        page.goto(origin + "/", wait_until="networkidle")
        assert len(seen_agents(page)) == 10 and page.locator(".top-rows").count() == 0
        assert watch.console_errors == [] and watch.page_errors == []
        context.close()


def test_copy_link_copies_the_view(visit, served):
    origin, _ = served
    page, _ = visit("/", permissions=["clipboard-read", "clipboard-write"])
    page.fill("#lb-filter", "tree")
    page.click("#copy-link")
    until(page, "document.getElementById('view-status').textContent !== ''")
    assert page.inner_text("#view-status") == "Link copied."
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == page.url and copied.startswith(origin) and "q=tree" in copied


def test_the_rows_in_view_download_as_csv_and_json(visit, served, tmp_path):
    """A filtered, sorted all-results view saves its rows in their order, with the columns and
    values of leaderboard.csv and .json (and each result's status); the best view saves its own."""
    origin, site = served
    data = json.loads((site / "leaderboard.json").read_text())
    entries = {entry["id"]: entry for entry in data["all"]}
    page, _ = visit("/?view=all&q=tree&sort=secondary&dir=desc", accept_downloads=True)
    all_rows_shown(page)
    ids = page.eval_on_selector_all("#lb-all tbody tr:not([hidden])",
                                    "rows => rows.map(r => r.dataset.anchor.slice(2))")
    assert 1 < len(ids) < len(data["all"])

    saved = save_download(page, "button[data-export-view=csv]", tmp_path)
    assert saved.name == "leaderboard-all.csv"
    assert page.inner_text("#view-status") == f"Saved leaderboard-all.csv: {len(ids)} rows."
    rows = list(csv.DictReader(io.StringIO(saved.read_text(encoding="utf-8"))))
    site_columns = (site / "leaderboard.csv").read_text().splitlines()[0].split(",")
    assert list(rows[0]) == [c for c in site_columns if c not in ("id", "url")] + ["status", "id", "url"]
    assert [row["id"] for row in rows] == ids
    assert [float(row["secondary"]) for row in rows] == sorted((entries[i]["secondary"] for i in ids),
                                                              reverse=True)
    for row in rows:
        entry = entries[row["id"]]
        assert (int(row["rank"]), row["agent"], row["method"], row["timestamp"], row["verification"],
                row["status"]) == (entry["rank"], entry["agent"], entry["method"], entry["timestamp"],
                                   entry["verification"], entry["status"])
        assert float(row["score"]) == entry["score"]                   # exact, not as displayed
        assert "tree" in row["method"] + row["agent"]
        assert row["url"] == origin + urlsplit(entry["url"]).path

    records = json.loads(save_download(page, "button[data-export-view=json]", tmp_path).read_text())
    assert [r["id"] for r in records] == ids and list(records[0]) == list(rows[0])
    assert all(r["rank"] == entries[r["id"]]["rank"] and r["secondary"] == entries[r["id"]]["secondary"]
               for r in records)

    page.check("input[name=lb-view][value=best]")
    page.fill("#lb-filter", "")
    page.wait_for_selector("#lb-view-best:not([hidden])")
    best = list(csv.DictReader(io.StringIO(
        save_download(page, "button[data-export-view=csv]", tmp_path).read_text(encoding="utf-8"))))
    assert [row["id"] for row in best] == sorted((e["id"] for e in data["best"]),
                                                 key=lambda i: entries[i]["secondary"], reverse=True)
    agent_ranks = {e["id"]: e["agent_rank"] for e in data["best"]}
    assert all(int(row["agent_rank"]) == agent_ranks[row["id"]] for row in best)


# ------------------------------------------------------------------------------ the chart

def test_legend_lists_every_agent_and_works_by_keyboard(visit, served):
    _, site = served
    doc = json.loads((site / "data" / "chart.json").read_text())
    agents = {row["agent"] for row in doc["datasets"]["results"]}
    page, _ = visit("/")
    buttons = page.locator("#chart-legend button")
    assert buttons.count() == len(agents) > 14
    tab_to(page, "#chart-legend button")
    first = page.evaluate("document.activeElement.dataset.agent")
    page.keyboard.press("ArrowRight")
    second = page.evaluate("document.activeElement.dataset.agent")
    assert second != first
    page.keyboard.press("Space")
    page.wait_for_selector("#chart-view svg")
    focused = page.locator("#chart-legend button:focus")
    until(page, "document.querySelector('#chart-legend button:focus').ariaPressed === 'true'")
    assert query(page)["agents"] == focused.get_attribute("data-key")
    # the chosen agent's points stand out, the others fade
    until(page, "document.getElementById('chart-status').textContent.includes('1 agent')")
    opacities = page.eval_on_selector_all(
        "#chart-view .mark-symbol.role-mark path[aria-label]",
        "els => els.map(e => [e.getAttribute('aria-label'), parseFloat(e.getAttribute('opacity') || '1')])")
    mine = [o for label, o in opacities if f"Agent: {second};" in label]
    others = [o for label, o in opacities if f"Agent: {second};" not in label]
    assert mine and others and min(mine) == 1 and max(others) < 0.5
    page.keyboard.press("Enter")                     # again: highlight off
    until(page, "document.querySelector('#chart-legend button:focus').ariaPressed === 'false'")
    assert "agents" not in query(page)
    # one Tab stop for the whole legend: Tab leaves it
    page.keyboard.press("Tab")
    assert not page.evaluate("document.activeElement.matches('#chart-legend button')")


def test_time_presets_by_keyboard_restored_from_the_url(visit, served):
    origin, _ = served
    page, _ = visit("/")
    tab_to(page, "button[data-range='24h']")
    page.keyboard.press("Enter")
    until(page, "document.getElementById('chart').hasAttribute('data-domain')")
    until(page, "document.querySelector(\"button[data-range='24h']\").ariaPressed === 'true'")
    start, end = domain(page)
    assert DAY_MS <= end - start <= 1.05 * DAY_MS and query(page)["range"] == "24h"
    low_tick = "Math.min(...Array.from(document.querySelectorAll(\"#chart-view .role-axis[aria-label^='Y-axis'] .role-axis-label text\"))" \
        ".map(t => parseFloat(t.textContent)).filter(Number.isFinite))"
    assert page.evaluate(low_tick) > 400       # the score axis fits the last day's results
    page.keyboard.press("Tab")                       # 3 d
    page.keyboard.press("Enter")
    ends = "document.getElementById('chart').dataset.domain.split('~')"
    until(page, f"{ends}[1] - {ends}[0] > {2.9 * DAY_MS}")
    page.go_back()
    until(page, f"document.getElementById('chart').dataset.domain == '{start}~{end}'")
    # a fresh visit to the link shows the same range
    again, _ = visit("/?range=24h")
    until(again, "document.getElementById('chart').hasAttribute('data-domain')")
    assert domain(again) == (start, end)
    assert again.get_attribute("button[data-range='24h']", "aria-pressed") == "true"


def test_zoom_and_pan_buttons_change_the_range_and_the_url(visit):
    page, _ = visit("/")
    go_live(page)
    start, end = domain(page)
    page.click("button[data-zoom=in]")
    until(page, f"document.getElementById('chart').dataset.domain != '{start}~{end}'")
    zin = domain(page)
    assert abs((zin[1] - zin[0]) * 2 - (end - start)) < 1000
    page.click("button[data-zoom=earlier]")
    until(page, f"document.getElementById('chart').dataset.domain != '{zin[0]}~{zin[1]}'")
    moved = domain(page)
    assert moved[0] < zin[0] and moved[1] - moved[0] == zin[1] - zin[0]
    assert "~" in query(page)["range"]
    zoomed_url = page.url
    page.click("button[data-range=all]")
    until(page, f"document.getElementById('chart').dataset.domain == '{start}~{end}'")
    # the zoomed link, opened afresh, shows the zoomed range
    page.goto(zoomed_url, wait_until="networkidle")
    until(page, "document.getElementById('chart').hasAttribute('data-domain')")
    restored = domain(page)
    assert abs(restored[0] - moved[0]) < 1000 and abs(restored[1] - moved[1]) < 1000


def test_panning_stops_at_the_first_and_the_last_result(visit, served):
    """Seven presses of "Earlier" showed days before the first result, an empty chart."""
    _, site = served
    times = [datetime.fromisoformat(row["t"].replace("Z", "+00:00")).timestamp() * 1000
             for row in json.loads((site / "data" / "chart.json").read_text())["datasets"]["results"]]
    page, _ = visit("/")
    go_live(page)
    start, end = domain(page)
    page.click("button[data-zoom=in]")
    until(page, f"document.getElementById('chart').dataset.domain != '{start}~{end}'")
    width = domain(page)[1] - domain(page)[0]
    for button, edge in (("earlier", lambda d: d[0] == round(min(times))),
                         ("later", lambda d: d[1] == round(max(times)))):
        for _ in range(8):
            if edge(domain(page)):
                break
            before = page.get_attribute("#chart", "data-domain")
            page.click(f"button[data-zoom={button}]")
            until(page, f"document.getElementById('chart').dataset.domain != '{before}'")
        shown = domain(page)
        assert edge(shown) and abs(shown[1] - shown[0] - width) <= 1, (button, shown)
    # from a preset, which ends a little past the last result, "Later" moves nothing back
    page.click("button[data-range='3d']")
    until(page, "document.querySelector(\"button[data-range='3d']\").ariaPressed === 'true'")
    preset = domain(page)
    quarter = (preset[1] - preset[0]) / 4
    page.click("button[data-zoom=later]")            # nothing later: it stays (a move would show below)
    page.click("button[data-zoom=earlier]")
    until(page, f"document.getElementById('chart').dataset.domain.split('~')[0] < {preset[0]}")
    moved = domain(page)
    assert abs(moved[0] - (preset[0] - quarter)) <= 1 and abs(moved[1] - (preset[1] - quarter)) <= 1
    page.click("button[data-zoom=later]")
    until(page, f"document.getElementById('chart').dataset.domain != '{moved[0]}~{moved[1]}'")
    assert domain(page)[1] == round(max(times))


def test_log_scale_is_a_button_and_a_link(visit):
    page, _ = visit("/?scale=log")
    until(page, "document.getElementById('chart').dataset.chartMode === 'log'")
    assert page.get_attribute("#chart-log", "aria-pressed") == "true"
    page.click("#chart-log")
    until(page, "document.getElementById('chart').dataset.chartMode === 'linear'")
    assert "scale" not in query(page)
    page.go_back()
    until(page, "document.getElementById('chart').dataset.chartMode === 'log'")


def test_chart_downloads_as_svg_and_png(visit, tmp_path):
    page, watch = visit("/", accept_downloads=True)
    for kind, magic in (("svg", b"<svg"), ("png", b"\x89PNG\r\n\x1a\n")):
        saved = save_download(page, f"button[data-download={kind}]", tmp_path)
        assert saved.suffix == f".{kind}" and saved.read_bytes().startswith(magic)
        assert saved.stat().st_size > 5_000
    svg = (tmp_path / "score-chart.svg").read_text()
    assert "halcyon" in svg
    assert [u for u in watch.requests if not u.startswith(page.url.split("/?")[0][:20])] == []


def test_no_accessible_name_reads_nan(visit):
    page, _ = visit("/")
    go_live(page)
    names = page.eval_on_selector_all(
        "#chart [aria-label], #chart [aria-description], #chart [title]",
        "els => els.flatMap(e => [e.getAttribute('aria-label'), e.getAttribute('aria-description'), e.getAttribute('title')]).filter(Boolean)")
    assert len(names) > 20
    assert [n for n in names if "NaN" in n or "undefined" in n] == []
    assert any(n.startswith("Best score so far") for n in names)


def test_chart_table_alternative_opens_from_the_link(visit):
    page, _ = visit("/")
    page.click(".chart-key a[href='#best-so-far']")
    page.wait_for_selector("#best-so-far table", state="visible")
    assert page.locator("#best-so-far tbody tr").count() >= 5


def test_what_is_below_the_chart_stays_put_as_it_goes_live(visit):
    """The pointer over the chart brings the interactive chart in, in place of the picture and at
    its height: a press on the caption's link as it comes in follows the link (it moved from
    under the pointer between the press and the release, and the click was lost)."""
    page, _ = visit("/")
    link = page.locator(".chart-key a[href='#best-so-far']")
    link.scroll_into_view_if_needed()
    before = link.bounding_box()
    page.mouse.move(before["x"] + before["width"] / 2, before["y"] + before["height"] / 2)
    page.mouse.down()
    page.wait_for_selector("#chart-static", state="hidden")            # the chart is live
    after = link.bounding_box()
    assert abs(after["y"] - before["y"]) < 1, (before, after)
    page.mouse.up()
    page.wait_for_selector("#best-so-far table", state="visible")


@pytest.mark.parametrize("width", [375, 320])
def test_on_a_phone_what_is_below_the_chart_stays_put_as_a_tap_brings_it_in(visit, width):
    """The live chart came in 416 pixels high where the picture was 138 (scaled to the phone's
    width), and the toolbar's "Loading…" took a line of its own: a tap on the chart pushed its
    caption, its legend and the leaderboard down by 300 pixels."""
    page, _ = visit("/", viewport={"width": width, "height": 800}, has_touch=True, is_mobile=True)
    top = "e => e.getBoundingClientRect().top + window.scrollY"
    before = page.locator(".chart-key").evaluate(top)
    page.tap("#chart-static")
    page.wait_for_selector("#chart-static", state="hidden")            # the chart is live
    assert page.locator(".chart-key").evaluate(top) == pytest.approx(before, abs=1)
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("javascript", [True, False])
def test_a_phone_gets_a_picture_of_the_chart_drawn_for_its_width(visit, javascript):
    """At 320 pixels the picture drawn for a desktop was scaled to a third: its 11-pixel axis text
    was 4 pixels high. A phone gets a narrower picture, which a desktop does not fetch."""
    scale = """e => e.getBoundingClientRect().width /
                 (e.tagName === "IMG" ? +e.getAttribute("width") : e.viewBox.baseVal.width)"""
    page, watch = visit("/", viewport={"width": 320, "height": 800}, java_script_enabled=javascript)
    picture = page.locator("#chart-static .chart-narrow img")
    assert picture.is_visible() and page.locator("#chart-static > svg").is_hidden()
    assert picture.evaluate("e => e.complete && e.naturalWidth > 0")           # it loaded
    assert 11 * picture.evaluate(scale) >= 9                                   # pixels of text
    assert picture.get_attribute("alt").startswith("Throughput over time:")
    assert [u for u in watch.requests if "/data/chart-narrow.svg" in u]
    page, watch = visit("/", viewport={"width": 1280, "height": 800}, java_script_enabled=javascript)
    assert page.locator("#chart-static .chart-narrow img").is_hidden()
    assert 11 * page.locator("#chart-static > svg").evaluate(scale) >= 11
    assert not [u for u in watch.requests if "chart-narrow" in u or u.startswith("data:")]


@pytest.mark.parametrize("javascript", [True, False])
def test_a_tablet_gets_a_picture_of_the_chart_drawn_for_its_width(visit, javascript):
    """From 721 to 1060 pixels the desktop's picture was scaled below 1 (its words drawn larger
    to stay readable, too large on a desktop): a tablet gets a picture drawn for its width, which
    neither a phone nor a desktop fetches."""
    for width in (721, 1060):
        page, watch = visit("/", viewport={"width": width, "height": 800}, java_script_enabled=javascript)
        picture = page.locator("#chart-static .chart-mid img")
        assert picture.is_visible() and page.locator("#chart-static > svg").is_hidden()
        assert picture.evaluate("e => e.complete && e.naturalWidth > 0")           # it loaded
        assert picture.get_attribute("alt").startswith("Throughput over time:")
        assert [u for u in watch.requests if "/data/chart-mid.svg" in u]
        assert not [u for u in watch.requests if "chart-narrow" in u]
    for width in (720, 1061):
        page, watch = visit("/", viewport={"width": width, "height": 800}, java_script_enabled=javascript)
        assert page.locator("#chart-static .chart-mid img").is_hidden()
        assert not [u for u in watch.requests if "chart-mid" in u]


# The chart's picture as shown: the file of the image in view ("" for the inline SVG) and its
# scale (its box over the size it was drawn at; a letterboxed image by its tighter side).
PICTURE_SHOWN = """() => {
  const image = Array.from(document.querySelectorAll("#chart-static img"))
    .find(i => i.getBoundingClientRect().width > 0);
  const picture = image || document.querySelector("#chart-static > svg");
  const box = picture.getBoundingClientRect();
  const [width, height] = image ? [+image.getAttribute("width"), +image.getAttribute("height")]
    : [picture.viewBox.baseVal.width, picture.viewBox.baseVal.height];
  return [image ? new URL(image.currentSrc).pathname : "", Math.min(box.width / width, box.height / height)];
}"""
FONT_SIZES = "svg => Array.from(svg.querySelectorAll('text'), t => parseFloat(getComputedStyle(t).fontSize))"


def smallest_words(page, site) -> float:
    """The smallest words of the chart's picture as shown, in CSS pixels: its scale times the
    smallest font size drawn in it (read from the inline SVG, or from the image's file)."""
    file, scale = page.evaluate(PICTURE_SHOWN)
    if file:
        drawn = re.findall(r'font-size="([\d.]+)px"', (site / file.lstrip("/")).read_text())
        return scale * min(float(size) for size in drawn)
    return scale * min(page.locator("#chart-static > svg").evaluate(FONT_SIZES))


@pytest.mark.parametrize("width", [320, 480, 601, 700, 721, 830, 1024, 1060, 1061, 1600])
def test_the_chart_pictures_words_are_readable_at_every_width(visit, served, width):
    """Between 601 and 830 pixels the picture drawn for a desktop was scaled to 0.58-0.79: its
    axis labels were read at 7 to 9 pixels (and the phone's at 10 at 320)."""
    _, site = served
    page, _ = visit("/", viewport={"width": width, "height": 900})
    assert smallest_words(page, site) >= 11
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("width", [800, 1280, 1600])
def test_the_words_keep_their_size_as_the_live_chart_replaces_the_picture(visit, served, width):
    """The picture's words were drawn 1.6 times the live chart's so as to be read at 11 pixels
    at 721: at 1280 they were 18.7 pixels next to the page's 13, and shrank to 11 as the live
    chart came in."""
    _, site = served
    page, _ = visit("/", viewport={"width": width, "height": 900})
    pictured = smallest_words(page, site)
    go_live(page)
    live = min(page.locator("#chart-view svg").evaluate(FONT_SIZES))
    assert live <= pictured <= live * 1.2


# ------------------------------------------------------------------------------ screens, themes

@pytest.mark.parametrize("width", [320, 375])
def test_on_a_phone_the_first_screen_shows_the_headline_and_the_chart(visit, width):
    """At 375x667 the header took 166 pixels (the site's name on two lines, the search box, the
    menu on two lines), the headline's six tiles three rows and the chart's buttons three lines:
    the chart itself began a screen and a half down."""
    page, _ = visit("/", viewport={"width": width, "height": 667}, has_touch=True, is_mobile=True)
    assert page.locator("header.top").bounding_box()["height"] <= 100
    assert page.locator("#site-search-q").is_visible()
    for tile in (".headline .best", ".headline .leader"):
        box = page.locator(tile).bounding_box()
        assert box["y"] + box["height"] <= 667, tile
    assert page.locator("#chart-static .chart-narrow img").bounding_box()["y"] <= 667 - 80   # the chart, not only its card
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_on_a_phone_the_menu_is_one_line_that_a_keyboard_scrolls_through(visit):
    page, _ = visit("/", viewport={"width": 320, "height": 667}, has_touch=True, is_mobile=True)
    links = page.locator("header.top nav a")
    assert len({round(box["y"]) for box in (link.bounding_box() for link in links.all())}) == 1
    tab_to(page, "header.top nav a:last-child")
    last = links.last.bounding_box()
    assert 0 <= last["x"] and last["x"] + last["width"] <= 320                 # scrolled into view
    assert page.evaluate("document.documentElement.scrollWidth") <= 320


# The fades the menu's mask draws at its ends, in pixels: "left" where links go on to the left.
MENU_FADES = """(nav) => { const stops = getComputedStyle(nav).maskImage.match(/(?:^|, )rgb\\(0, 0, 0\\) ([^,]+)/g) || [];
    const lengths = stops.map(s => s.match(/(\\d+(?:\\.\\d+)?)px/)).map(m => m ? Number(m[1]) : 0);
    return lengths.length === 2 ? {left: lengths[0], right: lengths[1]} : null; }"""


def test_on_a_phone_the_menus_ends_fade_where_more_links_go_on(browser, served):
    """At 390 pixels "About" and "Bucket ↗" were off-screen with no cue but a clipped word: the
    end where links go on fades, and as the line scrolls the fade moves to the other end;
    nothing moves, and the keyboard still reaches the last link."""
    origin, _ = served
    page = watching_shifts(browser, {"width": 390, "height": 800})
    page.goto(origin + "/results/")
    nav = page.locator("header.top nav")
    assert nav.evaluate("n => n.scrollWidth > n.clientWidth")
    assert nav.evaluate(MENU_FADES) == {"left": 0, "right": 36}
    tab_to(page, "header.top nav a:last-child")
    last = page.locator("header.top nav a").last.bounding_box()
    assert last["x"] + last["width"] <= 390
    page.wait_for_timeout(100)
    assert nav.evaluate(MENU_FADES) == {"left": 36, "right": 0}
    assert page.evaluate("window.__shifts") == 0
    page.context.close()


@pytest.mark.parametrize("width", [320, 480])
def test_small_screens_get_cards_and_nothing_overflows(visit, width):
    page, _ = visit("/", viewport={"width": width, "height": 800}, has_touch=True)
    no_overflow = """() => document.documentElement.scrollWidth <= window.innerWidth &&
        Array.from(document.querySelectorAll('main *')).every(e => e.getBoundingClientRect().right <= window.innerWidth + 0.5
            || e.closest('table.results thead, [hidden], details:not([open])'))"""
    assert page.evaluate(no_overflow)
    assert page.evaluate("getComputedStyle(document.querySelector('#lb-best tbody tr')).display") in ("block", "flex")   # a card
    wrap = page.evaluate("(() => { const w = document.querySelector('#lb-view-best .table-wrap'); return [w.scrollWidth, w.clientWidth]; })()")
    assert wrap[0] <= wrap[1]
    page.tap("#chart-static")
    page.wait_for_selector("#chart-view svg")
    page.check("input[name=lb-view][value=all]")
    all_rows_shown(page)
    assert page.evaluate(no_overflow)
    # the tables folded away too, the best score over time among them: its agents and methods
    # were off to the side of a 294-pixel box
    page.evaluate("document.querySelectorAll('main details').forEach(d => d.open = true)")
    assert page.locator("#best-so-far tbody tr").first.is_visible()
    assert page.evaluate(no_overflow)
    assert page.evaluate("(() => { const w = document.querySelector('#best-so-far'); return w.scrollWidth <= w.clientWidth; })()")


def test_dark_mode_live_chart_and_all_rows_without_errors(visit):
    page, _ = visit("/?view=all&scale=log", color_scheme="dark")
    all_rows_shown(page)
    until(page, "document.getElementById('chart').dataset.chartMode === 'log'")
    card = page.evaluate("getComputedStyle(document.getElementById('chart')).backgroundColor")
    body = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert card != body                                 # the chart keeps its light card


# The relative luminance (0 black, 1 white) of an element's computed colour property.
LUMINANCE = """(e, property) => {
    const [r, g, b] = getComputedStyle(e)[property].match(/[\\d.]+/g).slice(0, 3).map(Number);
    const linear = (v) => { v /= 255; return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b); }"""


def rgb(colour: str) -> str:
    return "rgb({}, {}, {})".format(*(int(colour[i:i + 2], 16) for i in (1, 3, 5)))


def test_in_dark_mode_the_chart_its_tooltip_and_legend_are_drawn_dark(visit):
    """The chart card was shown inverted through a filter (its agents' colours shifted) and the
    live chart's tooltip stayed a light box in the dark page. Now the card, the picture, the live
    chart and the tooltip are dark, and an agent's marker in the legend has the colour of its
    points."""
    page, _ = visit("/", viewport={"width": 1280, "height": 900}, color_scheme="dark")
    figure = page.locator("#chart")
    assert figure.evaluate("e => getComputedStyle(e).filter") == "none"
    from builder.chart import DARK_BACKGROUND, DARK_COLOURS, PALETTE
    assert figure.evaluate("e => getComputedStyle(e).backgroundColor") == rgb(DARK_BACKGROUND)
    picture = page.locator("#chart-static > svg > rect").first             # its background
    assert picture.evaluate("e => getComputedStyle(e).fill") == rgb(DARK_BACKGROUND)
    leader = DARK_COLOURS[PALETTE[0]]
    marker = page.locator("#chart-legend button").first.locator("path")
    assert marker.evaluate("e => getComputedStyle(e).fill") == rgb(leader)
    go_live(page)
    assert page.locator("#chart-view > svg").evaluate(
        "e => getComputedStyle(e).backgroundColor") == rgb(DARK_BACKGROUND)
    fills = page.eval_on_selector_all("#chart-view g.mark-symbol path",
                                      "ps => ps.map(p => getComputedStyle(p).fill)")
    assert rgb(leader) in fills and rgb(PALETTE[0]) not in fills
    points = page.locator("#chart-view g.mark-symbol path")
    box = next(b for b in (points.nth(i).bounding_box() for i in range(points.count() - 1, -1, -1))
               if b and b["x"] > 300)
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    tooltip = page.locator("#vg-tooltip-element.visible")
    tooltip.wait_for()
    assert tooltip.evaluate(LUMINANCE, "backgroundColor") < 0.05
    assert tooltip.evaluate(LUMINANCE, "color") > 0.6


def test_agents_roster_sorts_best_by_value_and_keeps_it_in_the_url(visit):
    page, _ = visit("/agents/")
    page.click("#roster th[data-key=best] button")          # one click: the best first
    assert query(page) == {"sort": "best", "dir": "desc"}
    values = page.eval_on_selector_all("#roster tbody td.best", "tds => tds.map(t => t.dataset.value)")
    numbers = [float(v) for v in values if v]
    assert numbers == sorted(numbers, reverse=True) and len(numbers) > 10
    assert values[len(numbers):] == [""] * (len(values) - len(numbers))   # blanks last
    texts = page.eval_on_selector_all("#roster tbody td.best", "tds => tds.map(t => t.textContent)")
    assert texts[0].startswith("541")         # "541.273 tok/s" above "99.5 tok/s": not as text
    page.reload(wait_until="networkidle")
    assert page.get_attribute("#roster th[data-key=best]", "aria-sort") == "descending"


def test_on_a_desktop_the_chart_picture_fills_its_card_and_no_empty_line_sits_above(visit):
    """At 1280 pixels the picture, drawn 760 wide and capped at 460 high, left a fifth of its
    card empty, and the status line took an empty line of its own above it."""
    page, _ = visit("/", viewport={"width": 1280, "height": 900})
    card = page.locator("#chart-static").bounding_box()
    picture = page.locator("#chart-static > svg").bounding_box()
    assert picture["width"] >= 0.95 * card["width"]
    buttons = page.locator(".chart-toolbar button").first.bounding_box()
    status = page.locator("#chart-status").bounding_box()
    assert abs(status["y"] - buttons["y"]) < buttons["height"]          # on the buttons' line


def test_without_any_verdict_the_rows_built_in_the_browser_and_their_download_have_no_verified_column(
        browser, site_without_verdicts, tmp_path):
    """A collaboration without verification: the all-results view's rows, which table.js builds
    from data/results.json, have a cell under each head and none for a verdict; a download of the
    view has the columns the table shows."""
    with serve_folder(site_without_verdicts) as origin:
        context = browser.new_context(accept_downloads=True)
        page = context.new_page()
        watch = PageWatch(page, origin)
        page.goto(origin + "/?view=all", wait_until="networkidle")
        all_rows_shown(page)
        heads = page.eval_on_selector_all("#lb-all thead th", "ths => ths.map(th => th.dataset.key)")
        assert "verified" not in heads
        cells = page.eval_on_selector_all("#lb-all tbody tr", "rows => rows.map(r => r.cells.length)")
        assert len(cells) > 20 and set(cells) == {len(heads)}
        assert page.locator("#lb-all td.verif").count() == 0
        saved = save_download(page, "button[data-export-view=csv]", tmp_path)
        columns = saved.read_text(encoding="utf-8").splitlines()[0].split(",")
        assert "verification" not in columns and "method" in columns
        assert watch.console_errors == [] and watch.page_errors == []
        context.close()
