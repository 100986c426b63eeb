"""collab-site check: internal links resolve (their #fragments too), HTML basics hold, pages
stay within budget."""
from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import SplitResult, unquote

from builder.urls import url_parts

PAGE_BUDGET_BYTES = 2_000_000


class _PageScan(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.has_title = False
        self.has_csp = False
        self.inline_scripts = 0
        self.ids: set[str] = set()
        self.duplicate_ids: set[str] = set()
        self.row_files: list[str] = []         # data-src: JSON rows a script shows, by anchor

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "title":
            self.has_title = True
        if tag == "meta" and (a.get("http-equiv") or "").lower() == "content-security-policy":
            self.has_csp = True
        if tag == "script" and not a.get("src") and a.get("type") != "application/json":
            self.inline_scripts += 1
        if any(k.startswith("on") for k in a):
            self.inline_scripts += 1
        for key in ("href", "src"):
            if a.get(key):
                self.links.append(a[key])
        if a.get("data-src"):
            self.row_files.append(a["data-src"])
        if a.get("id"):
            if a["id"] in self.ids:
                self.duplicate_ids.add(a["id"])
            self.ids.add(a["id"])


def check_site(out: Path, base: str = "/") -> list[str]:
    out = Path(out)
    if not (out / "index.html").is_file():
        return [f"{out}/index.html is missing: build the site first"]
    findings: list[str] = []
    ids: dict[Path, set[str]] = {}
    fragments: list[tuple[str, str, Path, str]] = []     # page, link, target, fragment
    row_files: dict[Path | None, frozenset[str]] = {}
    for page in sorted(out.rglob("*.html")):
        scan = _scan(page)
        findings += _check_page(out, page, scan, base)
        ids[page] = scan.ids | _row_anchors(out, scan.row_files, base, row_files)
        rel = page.relative_to(out).as_posix()
        for link in scan.links:
            parts = url_parts(link)
            if parts is not None and parts.fragment:
                target = page if link.startswith("#") else _internal_target(out, parts, base)
                if target is not None:
                    fragments.append((rel, link, target, unquote(parts.fragment)))
    return findings + [f"{rel}: no #{fragment} where {link} leads"
                       for rel, link, target, fragment in fragments
                       if target in ids and fragment not in ids[target]]


def _scan(page: Path) -> _PageScan:
    scan = _PageScan()
    scan.feed(page.read_bytes().decode("utf-8", errors="replace"))
    return scan


def _row_anchors(out: Path, files: list[str], base: str,
                 read: dict[Path | None, frozenset[str]]) -> set[str]:
    """The anchors of the rows a page's script shows from JSON files ({"rows": [{"anchor"}]}):
    the all-results view of the leaderboard is built in the browser, as the rows of every page
    of /results/ are. `read`: the anchors of each file read so far (each page of /results/
    names the same file)."""
    anchors: set[str] = set()
    for src in files:
        parts = url_parts(src)
        path = _internal_target(out, parts, base) if parts else None
        if path not in read:
            read[path] = _anchors_in(path)
        anchors |= read[path]
    return anchors


def _anchors_in(path: Path | None) -> frozenset[str]:
    try:
        rows = json.loads(path.read_bytes())["rows"] if path else []
        return frozenset(row["anchor"] for row in rows if isinstance(row.get("anchor"), str))
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return frozenset()            # not rows: its own links are checked, not its anchors


def _check_page(out: Path, page: Path, scan: _PageScan, base: str) -> list[str]:
    rel = page.relative_to(out).as_posix()
    size = page.stat().st_size
    findings = []
    if size > PAGE_BUDGET_BYTES:
        findings.append(f"{rel}: {size:,} bytes, over the {PAGE_BUDGET_BYTES:,}-byte page budget")
    if not scan.has_title:
        findings.append(f"{rel}: no <title>")
    if not scan.has_csp:
        findings.append(f"{rel}: no Content-Security-Policy meta tag")
    if scan.inline_scripts:
        findings.append(f"{rel}: {scan.inline_scripts} inline script(s) or event handler(s)")
    for dup in sorted(scan.duplicate_ids):
        findings.append(f"{rel}: duplicate id {dup!r}")
    for link in scan.links:
        parts = url_parts(link)
        if parts is None:
            findings.append(f"{rel}: unreadable link {link}")
            continue
        target = _internal_target(out, parts, base)
        if target is not None and not target.exists():
            findings.append(f"{rel}: broken link {link}")
    return findings


def _internal_target(out: Path, parts: SplitResult, base: str) -> Path | None:
    if parts.scheme or parts.netloc or not parts.path.startswith(base):
        return None
    path = unquote(parts.path[len(base):])
    target = out / path
    return target / "index.html" if path == "" or path.endswith("/") else target
