"""Shared pieces of the browser tests: a static server on 127.0.0.1 and a real Chromium."""
from __future__ import annotations

import contextlib
import functools
import http.server
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from builder.serve import send_not_found_page
from scripts.ensure_browser import find_chromium

# No host but 127.0.0.1 resolves, so nothing a page asks for can leave the machine. (Blocking
# with page.route would turn the HTTP cache off and refetch every stylesheet on every page.)
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def send_error(self, code, message=None, explain=None):
        """An address with no file gets the site's 404.html, as the Space serves it."""
        if code != 404 or not send_not_found_page(self, Path(self.directory) / "404.html"):
            super().send_error(code, message, explain)

    def end_headers(self):
        # Static files carry their content hash in the query (?v=): cacheable, as on the Space.
        if "?v=" in self.path:
            self.send_header("Cache-Control", "public, max-age=3600, immutable")
        super().end_headers()


@contextlib.contextmanager
def serve_folder(folder: Path):
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@contextlib.contextmanager
def chromium():
    from playwright.sync_api import sync_playwright
    path = find_chromium()
    if path is None:
        pytest.fail("no Chromium: run `make test` (it installs one) or set COLLAB_CHROMIUM")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


# The lines of text an element's words take (evaluate on a locator).
# An init script: the layout shifts a page makes without the visitor's doing, summed (Chromium's
# measure, as Core Web Vitals count it) in window.__shifts.
LAYOUT_SHIFTS = """window.__shifts = 0; new PerformanceObserver((list) => { for (const e of list.getEntries())
    if (!e.hadRecentInput) window.__shifts += e.value; }).observe({type: "layout-shift", buffered: true});"""


def watching_shifts(browser, viewport):
    """A new page of a new context whose layout shifts add up in window.__shifts."""
    context = browser.new_context(viewport=viewport)
    context.add_init_script(LAYOUT_SHIFTS)
    return context.new_page()


LINES = """(e) => { const bottoms = new Set(), walk = document.createTreeWalker(e, NodeFilter.SHOW_TEXT);
    for (let n = walk.nextNode(); n; n = walk.nextNode()) {
      const r = document.createRange(); r.selectNodeContents(n);
      for (const x of r.getClientRects()) if (x.width > 0) bottoms.add(Math.round(x.bottom));
    }
    return bottoms.size; }"""


def lines_of_each(locator) -> list[tuple[str, int]]:
    """(text, LINES) of every element the locator finds, read in one call (a call an element
    took seconds on a page of many rows)."""
    return [tuple(found) for found in
            locator.evaluate_all(f"(elements) => elements.map(e => [e.innerText, ({LINES})(e)])")]


class PageWatch:
    """Records what a visitor would not see but must not happen: console errors, dialogs,
    requests leaving 127.0.0.1 (blocked), uncaught page errors."""

    def __init__(self, page, origin: str):
        self.console_errors: list[str] = []
        self.dialogs: list[str] = []
        self.page_errors: list[str] = []
        self.requests: list[str] = []
        page.on("console", lambda m: m.type == "error" and self.console_errors.append(m.text))
        page.on("pageerror", lambda e: self.page_errors.append(str(e)))
        page.on("dialog", self._dialog)
        page.on("request", lambda request: self.requests.append(request.url))
        self._origin = origin

    def _dialog(self, dialog):
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    @property
    def outside(self) -> list[str]:
        return outside_requests(self.requests, self._origin)


def save_download(page, selector: str, folder: Path) -> Path:
    """Click `selector`, and save the file the page offers into `folder` under its own name."""
    with page.expect_download() as download:
        page.click(selector)
    saved = folder / download.value.suggested_filename
    download.value.save_as(saved)
    return saved


def outside_requests(urls: list[str], origin: str, but: str = "") -> list[str]:
    """Requests to anywhere but the site (the browser cannot reach them: CHROMIUM_ARGS), and
    but the host `but` (the images' allowed host, for agent text)."""
    return [u for u in urls if not u.startswith((origin + "/", "data:", "about:blank"))
            and not (but and urlsplit(u).hostname == but)]


@pytest.fixture(scope="session")
def _session_chromium():
    """One Chromium for every browser test of a process: a launch costs about a second."""
    with chromium() as b:
        yield b


@pytest.fixture(scope="module")
def browser(_session_chromium):
    """The session's Chromium; the contexts and pages a test module opened close with it."""
    before = set(_session_chromium.contexts)
    yield _session_chromium
    for context in _session_chromium.contexts:
        if context not in before:
            context.close()


@pytest.fixture(scope="module")
def served(demo_site):
    """(origin, folder) of the session's demo site, served on 127.0.0.1."""
    with serve_folder(demo_site) as origin:
        yield origin, demo_site
