"""A first visit to the home page is light: what a real Chromium fetches before the visitor touches
anything, counted as the gzip bytes a server would send, stays within 70 kB at 200 results and
350 kB at 2,000 results; the best-per-agent table is in the HTML itself (the first paint), and
the chart's runtime, its data and the all-results rows wait until they are asked for.

These are byte budgets, not timings: the same build gives the same bytes on any machine."""
from __future__ import annotations

import gzip
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from builder.cli import main
from scripts.bench import Generator, write_bench_config
from tests import html
from tests.browser import PageWatch, serve_folder

pytestmark = pytest.mark.browser

BUDGETS = {200: 70_000, 2_000: 350_000}        # results -> gzip bytes before interaction
AGENTS = {200: 20, 2_000: 100}
GZIP_LEVEL = 6                                 # what common web servers use by default


def synthetic_site(root: Path, results: int) -> Path:
    Generator(root / "bucket").generate(messages=60, results=results, agents=AGENTS[results],
                                        traces=0)
    config = write_bench_config(root)
    out = root / "site"
    assert main(["build", "--config", str(config), "--out", str(out)]) == 0
    return out


def first_visit(browser, site: Path, width: int = 1280) -> tuple[dict[str, int], list[str]]:
    """gzip bytes of every response the home page got before any interaction, by URL path."""
    sizes: dict[str, int] = {}
    with serve_folder(site) as origin:
        context = browser.new_context(viewport={"width": width, "height": 800})
        page = context.new_page()
        watch = PageWatch(page, origin)
        finished = []
        page.on("requestfinished", lambda request: finished.append(request))
        page.goto(origin + "/", wait_until="networkidle")
        page.wait_for_timeout(500)               # anything started late would show up here
        for request in finished:
            response = request.response()
            if response is not None and response.ok:
                body = response.body()
                sizes[request.url.removeprefix(origin)] = len(gzip.compress(body, GZIP_LEVEL))
        context.close()
    assert watch.console_errors == [] and watch.page_errors == []
    return sizes, watch.requests


@pytest.mark.parametrize("results", sorted(BUDGETS))
def test_first_visit_to_the_home_page_stays_within_its_byte_budget(browser, tmp_path, results):
    site = synthetic_site(tmp_path, results)
    sizes, requests = first_visit(browser, site)
    total = sum(sizes.values())
    assert total <= BUDGETS[results], (total, sizes)
    # the interactive chart and the all-results rows are not part of a first visit
    assert not [u for u in requests if "/data/" in u or "vega" in u], requests
    # the best-per-agent table arrives with the HTML: painted without waiting for any script
    page = html.soup(site / "index.html")
    assert len(html.table_rows(page, "lb-best")) == AGENTS[results]
    assert page.select_one("#chart-static svg") is not None
    # ... and the page still has everything one step away
    assert (site / "data" / "chart.json").stat().st_size > 10_000
    assert (site / "data" / "results.json").stat().st_size > 10_000
    # a tablet fetches the chart's picture drawn for its width, and stays within the budget
    sizes, requests = first_visit(browser, site, width=900)
    assert sum(sizes.values()) <= BUDGETS[results], (sum(sizes.values()), sizes)
    assert [urlsplit(u).path for u in requests if "/data/" in u or "vega" in u] == ["/data/chart-mid.svg"]
