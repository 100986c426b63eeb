"""Hostile payloads in every rendered field of a bucket never execute in a real browser."""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field

import pytest

from builder.cli import main
from tests.browser import PageWatch, outside_requests, save_download, serve_folder
from tests.hostile import INTERACT, MARKER, NO_LIVE_PAYLOAD, PAYLOADS, write_hostile_bucket

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    bucket = write_hostile_bucket(root / "bucket")
    config = root / "collab.toml"
    config.write_text('[metric]\nfield = "tps"\nunit = "tok/s"\nsecondary_field = "ppl"\n')
    out = root / "site"
    assert main(["build", "--config", str(config), "--source", str(bucket), "--out", str(out)]) == 0
    with serve_folder(out) as origin:
        yield origin, out


def all_pages(out):
    return sorted("/" + p.relative_to(out).as_posix().removesuffix("index.html")
                  for p in out.rglob("*.html"))


def test_no_payload_runs_on_any_page(browser, hostile_site):
    origin, out = hostile_site
    pages = all_pages(out)
    assert len(pages) > 100
    seen = _visit_every_page(browser, origin, pages)
    marker_hits = [u for u in seen.requests if MARKER in u]
    assert seen.dialogs == [], seen.dialogs
    assert marker_hits == []
    assert outside_requests(seen.requests, origin, but="huggingface.co") == []
    assert sorted(seen.visited) == pages
    assert seen.failures == []


@dataclass
class _Seen:
    visited: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)


def _visit_every_page(browser, origin: str, paths: list[str], tabs: int = 4) -> _Seen:
    """Each page as a visitor gets it, then after a key press, focus and toggles; a few tabs
    load their pages side by side, since most of a visit is waiting."""
    seen = _Seen()
    context = browser.new_context()
    context.on("request", lambda request: seen.requests.append(request.url))
    pages = [context.new_page() for _ in range(tabs)]
    for page in pages:
        page.on("dialog", lambda dialog: (seen.dialogs.append(dialog.message), dialog.dismiss()))
    for start in range(0, len(paths), tabs):
        batch = list(zip(pages, paths[start:start + tabs]))
        for page, path in batch:
            page.goto(origin + path, wait_until="commit")
        for page, path in batch:
            page.wait_for_load_state("load")
            seen.visited.append(path)
            seen.failures += [f"{path}: {bad}" for bad in page.evaluate(NO_LIVE_PAYLOAD)]
            # payloads waiting for a key, a focus or a toggle, then look again
            page.keyboard.press("Tab")
            page.evaluate(INTERACT)
            seen.failures += [f"{path} (interacted): {bad}" for bad in page.evaluate(NO_LIVE_PAYLOAD)]
    pages[0].wait_for_timeout(300)
    context.close()
    return seen


def test_payload_text_is_shown_escaped(hostile_site):
    _, out = hostile_site
    home = (out / "index.html").read_text()
    # the method cell shows the payload as text, escaped in the attributes and in the text, and
    # so does the description under it
    payload = "&lt;img src=x onerror=alert(&#39;p02&#39;)&gt;"
    assert (f'data-text="{payload}">{payload}<span class="desc" title="{payload}">{payload}'
            "</span></td>") in home
    assert "<script>alert(" not in home
    seen_template_text = False
    for page in out.rglob("*.html"):
        text = page.read_text()
        assert "<script>alert(" not in text, page
        assert "p14p14p14" not in text, page          # agent text is never run as a template
        seen_template_text |= "{{ 7*7 }}" in text
    assert seen_template_text


def test_chart_and_table_data_carry_payloads_as_data(hostile_site):
    import json
    _, out = hostile_site
    home = (out / "index.html").read_text()
    assert '<script type="application/json"' not in home          # no data embedded in the page
    chart = json.loads((out / "data" / "chart.json").read_text())
    methods = {row.get("method") for row in chart["datasets"]["results"]}
    assert PAYLOADS[0] in methods              # the payload is intact, as data
    rows = json.loads((out / "data" / "results.json").read_text())["rows"]
    assert any(row["method"] == PAYLOADS[0] for row in rows)


def test_live_chart_and_all_results_view_run_no_payload(browser, hostile_site):
    """The chart's data and the all-results rows reach the page only on request: bring both in
    and check nothing of theirs runs."""
    origin, _ = hostile_site
    page = browser.new_context().new_page()
    watch = PageWatch(page, origin)
    page.goto(origin + "/?view=all", wait_until="networkidle")
    page.wait_for_selector("#lb-all tbody tr")
    page.hover("#chart-static")
    page.wait_for_selector("#chart-view svg")
    for point in page.locator("#chart-view .mark-symbol path").all()[:5]:
        point.hover(force=True)
    page.wait_for_timeout(300)
    assert page.evaluate(NO_LIVE_PAYLOAD) == []
    page.context.close()
    assert watch.dialogs == [] and [u for u in watch.requests if MARKER in u] == []
    assert watch.console_errors == [] and watch.page_errors == []


def test_the_filters_marks_in_payloads_run_nothing(browser, hostile_site):
    """The table filter marks its words inside agent text (split text nodes): with words that
    payloads carry, nothing of theirs becomes markup."""
    origin, _ = hostile_site
    page = browser.new_context().new_page()
    watch = PageWatch(page, origin)
    for path, table in (("/?view=all&q=script%20alert%20onerror", "lb-all"),
                        ("/results/?q=img%20src", "results-all")):
        page.goto(origin + path, wait_until="networkidle")
        page.wait_for_selector(f"#{table} tbody tr mark.hit")
        assert page.evaluate(NO_LIVE_PAYLOAD) == []
    page.context.close()
    assert watch.dialogs == [] and [u for u in watch.requests if MARKER in u] == []
    assert watch.console_errors == [] and watch.page_errors == []


def test_search_results_show_payloads_as_text(browser, hostile_site):
    origin, _ = hostile_site
    page = browser.new_page()
    watch = PageWatch(page, origin)
    page.goto(origin + "/search/?q=alert")
    page.locator("#search-results li").first.wait_for()
    page.wait_for_timeout(300)
    shown = page.inner_text("#search-results")
    bad = page.evaluate(NO_LIVE_PAYLOAD)
    page.context.close()
    assert "onerror=alert" in shown or "<script>alert" in shown      # found, and shown as text
    assert bad == [] and watch.dialogs == [] and watch.page_errors == []
    assert [u for u in watch.requests if MARKER in u] == []


FORMULA = next(p for p in PAYLOADS if p.startswith("="))
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def test_no_csv_field_an_agent_wrote_becomes_a_spreadsheet_formula(browser, hostile_site, tmp_path):
    """Neither the site's leaderboard.csv nor a view downloaded from /results/ (every result)
    starts a field with a formula; the JSON download keeps the agent's text as written."""
    origin, out = hostile_site
    page = browser.new_context(accept_downloads=True).new_page()
    watch = PageWatch(page, origin)
    page.goto(origin + "/results/", wait_until="networkidle")
    files = {kind: save_download(page, f"button[data-export-view={kind}]", tmp_path)
             for kind in ("csv", "json")}
    page.context.close()
    assert watch.console_errors == [] and watch.page_errors == []
    for text in (files["csv"].read_text(encoding="utf-8"),
                 (out / "leaderboard.csv").read_text(encoding="utf-8")):
        rows = list(csv.DictReader(io.StringIO(text)))
        assert "'" + FORMULA in {row["method"] for row in rows}
        fields = [value for row in rows for value in row.values()]
        assert [v for v in fields if v.startswith(FORMULA_START)] == []
    records = json.loads(files["json"].read_text(encoding="utf-8"))
    assert FORMULA in {record["method"] for record in records}


def test_a_footnote_whose_label_is_markup_leads_to_its_note_and_back(browser, hostile_site):
    """p37's label (`"><svg/onload=…>`) is no id: its mark still leads to its note, and back."""
    origin, _ = hostile_site
    in_view = ("e => { const r = e.getBoundingClientRect();"
               " return r.top >= 0 && r.bottom <= innerHeight; }")
    page = browser.new_page(viewport={"width": 1280, "height": 400})
    watch = PageWatch(page, origin)
    page.goto(origin + "/messages/20260601-103600-000_evil-36/", wait_until="load")
    mark = page.locator(".body sup.footnote-ref a").first
    note = page.locator(".body section.footnotes li").first
    assert not note.evaluate(in_view)
    mark.click()
    assert note.evaluate(in_view) and note.evaluate("e => e.matches(':target')")
    note.locator("a.footnote-backref").first.click()
    assert mark.evaluate(in_view) and mark.evaluate("e => e.matches(':target')")
    page.context.close()
    assert watch.dialogs == [] and watch.console_errors == [] and watch.page_errors == []
