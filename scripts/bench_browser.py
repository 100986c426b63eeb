"""A first visit to the home page in Chromium, against a minimal page holding only its table;
and a first search.

What is measured, per site (the bench runs it on the 1k and the 10k collaboration):
- bytes: every response the page loads before anyone interacts (until the network is idle after
  the load event), each compressed with gzip -6 as a static host would send it, summed;
- time to the leaderboard table painted (`#lb-best tbody tr` present with a size, then a frame
  and a task), from navigation start;
- the same time for a minimal page: the home page's best-per-agent table alone in a bare HTML
  document with no CSS or JS, served by the same server, loaded alternately with the home page
  (home, minimal, home, minimal...), each load in a fresh browser context. The ratio of the
  medians is the figure DESIGN.md bounds at 2.5x.
Nothing is throttled: a local server, no network latency, so these are lower bounds of a real
visit; the bytes are the part that does not depend on the network.

A first search (`first_search`): the search page opened with a word in its address, in a fresh
browser context, until its results are shown and the network is idle; gzip bytes as above, in
all and of the index's metadata (every shard's, which a first search loads whatever the word).
"""
from __future__ import annotations

import functools
import gzip
import http.server
import os
import re
import statistics
import tempfile
import threading
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urlparse

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

TABLE_WATCH = """(() => {
  let seen = false;
  const check = () => {
    if (seen) return true;
    const row = document.querySelector('#lb-best tbody tr');
    if (!row || row.getBoundingClientRect().height <= 0) return false;
    seen = true;
    window.__tableInDomAt = performance.now();
    // a frame, then a task: the frame that contains the table has been painted by then
    requestAnimationFrame(() => setTimeout(() => { window.__tablePaintedAt = performance.now(); }, 0));
    return true;
  };
  const obs = new MutationObserver(() => { if (check()) obs.disconnect(); });
  obs.observe(document, {childList: true, subtree: true});
})();"""


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def find_chromium() -> str | None:
    if os.access("/usr/bin/chromium", os.X_OK):
        return "/usr/bin/chromium"
    try:
        from scripts.ensure_browser import find_chromium as find
        return find()
    except Exception:
        return None


def _no_browser() -> str | None:
    """Why no browser can be run here (None: one can)."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed in this Python (make test installs it)"
    if find_chromium() is None:
        return "no Chromium (run scripts/ensure_browser.py or set COLLAB_CHROMIUM)"
    return None


def minimal_page(home: Path) -> str | None:
    """The home page's best-per-agent table alone, in a bare document."""
    html = home.read_text(encoding="utf-8")
    start = re.search(r'<table\b[^>]*\bid="lb-best"', html)
    if not start:
        return None
    end = html.find("</table>", start.start())
    return ('<!doctype html><html lang="en"><head><meta charset="utf-8"><title>table</title></head>'
            f"<body>{html[start.start():end + len('</table>')]}</body></html>\n")


class _Server:
    def __init__(self, root: Path):
        handler = functools.partial(_Quiet, directory=str(root))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"

    def __enter__(self) -> _Server:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def _visit(browser, url: str) -> dict[str, Any]:
    context = browser.new_context()
    try:
        page = context.new_page()
        responses = []
        page.on("response", lambda response: responses.append(response))
        page.add_init_script(TABLE_WATCH)
        page.goto(url, wait_until="load", timeout=120_000)
        page.wait_for_function("window.__tablePaintedAt !== undefined", timeout=120_000)
        try:                                    # what the page fetches by itself, unasked
            page.wait_for_load_state("networkidle", timeout=10_000)
        except Exception:
            pass
        m = page.evaluate("""() => {
            const fcp = performance.getEntriesByName('first-contentful-paint')[0];
            return {painted: window.__tablePaintedAt, fcp: fcp ? fcp.startTime : null};
        }""")
        return {"painted": max(m["painted"], m["fcp"] or 0), "files": _sizes(responses)}
    finally:
        context.close()


def _sizes(responses) -> list[tuple[str, int, int]]:
    """(path, bytes, gzip -6 bytes) of each response whose body was received."""
    files = []
    for r in responses:
        try:
            body = r.body()
        except Exception:
            continue
        files.append((urlparse(r.url).path, len(body), len(gzip.compress(body, 6, mtime=0))))
    return files


def first_visit(site: Path, runs: int, log: Callable[[str], None]) -> dict[str, Any]:
    missing = _no_browser()
    if missing:
        return {"measured": False, "why": missing}
    from playwright.sync_api import sync_playwright
    chromium = find_chromium()
    if not (site / "index.html").exists():
        return {"measured": False, "why": f"no built home page in {site}"}
    minimal = minimal_page(site / "index.html")
    if minimal is None:
        return {"measured": False, "why": "the home page has no #lb-best table"}
    home_visits, minimal_visits = [], []
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "index.html").write_text(minimal, encoding="utf-8")
        try:
            with _Server(site) as home, _Server(Path(tmp)) as bare, sync_playwright() as p:
                browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
                try:
                    _visit(browser, home.url)                  # warms the browser up
                    for _ in range(runs):
                        home_visits.append(_visit(browser, home.url))
                        minimal_visits.append(_visit(browser, bare.url))
                finally:
                    browser.close()
        except Exception as exc:
            return {"measured": False, "why": f"browser run failed: {type(exc).__name__}: {exc}"}
    painted = statistics.median(v["painted"] for v in home_visits)
    bare_painted = statistics.median(v["painted"] for v in minimal_visits)
    files = home_visits[-1]["files"]
    result = {"measured": True, "runs": runs, "chromium": chromium,
              "gzip_bytes": sum(f[2] for f in files), "raw_bytes": sum(f[1] for f in files),
              "files": [{"path": p, "bytes": raw, "gzip_bytes": gz} for p, raw, gz in files],
              "table_painted_ms": round(painted, 1), "minimal_table_painted_ms": round(bare_painted, 1),
              "ratio_to_minimal": round(painted / bare_painted, 2) if bare_painted else None}
    log(f"  {site}: {result['gzip_bytes'] / 1000:.0f} kB gzip in {len(files)} files; table painted "
        f"{painted:.0f} ms vs {bare_painted:.0f} ms for the table alone ({result['ratio_to_minimal']}x)")
    return result


def first_search(site: Path, word: str, log: Callable[[str], None]) -> dict[str, Any]:
    """The bytes of a first search for `word` on the built site (see the module)."""
    missing = _no_browser()
    if missing:
        return {"measured": False, "why": missing}
    from playwright.sync_api import sync_playwright
    chromium = find_chromium()
    try:
        with _Server(site) as server, sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            try:
                files, said = _search(browser, f"{server.url}search/?q={word}")
            finally:
                browser.close()
    except Exception as exc:
        return {"measured": False, "why": f"browser run failed: {type(exc).__name__}: {exc}"}
    meta = sum(gz for path, _, gz in files if path.endswith(".pf_meta"))
    result = {"measured": True, "word": word, "said": said, "gzip_bytes": sum(f[2] for f in files),
              "meta_gzip_bytes": meta, "files": len(files)}
    log(f"  {site}: a first search for {word!r} ({said}): {result['gzip_bytes'] / 1000:.0f} kB gzip "
        f"in {len(files)} files, {meta / 1000:.1f} kB of them the index's metadata")
    return result


def _search(browser, url: str) -> tuple[list[tuple[str, int, int]], str]:
    """(path, bytes, gzip bytes) of every response of a first search at `url`, and what its
    status said."""
    context = browser.new_context()
    try:
        page = context.new_page()
        responses = []
        page.on("response", lambda response: responses.append(response))
        page.goto(url, wait_until="load", timeout=120_000)
        status = page.locator("#search-status", has_text=re.compile(r"^[\d,]+ results?"))
        status.wait_for(timeout=120_000)
        page.wait_for_load_state("networkidle", timeout=30_000)
        return _sizes(responses), status.inner_text()
    finally:
        context.close()
