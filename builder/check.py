"""collab-site check: what a visitor or a feed reader would hit in a built site.

Every HTML page: internal links resolve (their #fragments too), it starts with <!DOCTYPE html>,
has <html lang>, a charset, a <title> and a Content-Security-Policy meta tag, no inline script
or event handler, no id used twice, and stays within the page budget. Every *.xml is a
well-formed Atom feed whose entries have an id, a title and an updated date, and an entry id
names one title in every feed, or a sitemap whose every address is a file of the site; every
*.json parses; a robots.txt is at the root of the host (crawlers read no other) and names
sitemaps by absolute address. A missing file is one finding however many pages link to it."""
from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import SplitResult, unquote

from builder import format as fmt
from builder.urls import url_parts
from builder.write import MANIFEST, read_manifest

PAGE_BUDGET_BYTES = 2_000_000
WHAT_IS_CHECKED = (
    "Checks a built site. Every HTML page: internal links and their #fragments lead somewhere, "
    "<!DOCTYPE html>, <html lang>, a charset, a <title>, a Content-Security-Policy meta tag, no "
    "inline script or event handler, no id used twice, at most "
    f"{PAGE_BUDGET_BYTES / 1_000_000:g} MB. Every *.xml is a well-formed Atom feed whose entries "
    "have an id, a title and an updated date, an entry's id with one title in every feed, or a "
    "sitemap whose addresses are all files of the site; every *.json parses; a robots.txt only at "
    "the host's root, its Sitemap lines absolute. One line per finding; a "
    "missing file is one line, with how many pages link to it and the first few. Links are "
    "followed under the path the site was built for (its manifest.json says), else under "
    "--config's base_url.")
PAGES_NAMED = 3                  # pages named in a broken link's finding; the others are counted
SHOWN = 160                      # characters of a link, #fragment or id a finding shows
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
RFC3339 = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)")


class _PageScan(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.has_title = False
        self.has_csp = False
        self.has_lang = False
        self.has_charset = False
        self.inline_scripts = 0
        self.ids: set[str] = set()
        self.duplicate_ids: set[str] = set()
        self.row_files: list[str] = []         # data-src: JSON rows a script shows, by anchor

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html" and (a.get("lang") or "").strip():
            self.has_lang = True
        if tag == "title":
            self.has_title = True
        if tag == "meta":
            equiv = (a.get("http-equiv") or "").lower()
            self.has_csp |= equiv == "content-security-policy"
            self.has_charset |= bool(a.get("charset")) or (
                equiv == "content-type" and "charset=" in (a.get("content") or "").lower())
        if tag == "script" and not a.get("src") and a.get("type") != "application/json":
            self.inline_scripts += 1
        if any(k.startswith("on") for k in a):
            self.inline_scripts += 1
        for key in ("href", "src", "data-src"):
            if a.get(key):
                self.links.append(a[key])
        if a.get("data-src"):
            self.row_files.append(a["data-src"])
        if a.get("id"):
            if a["id"] in self.ids:
                self.duplicate_ids.add(a["id"])
            self.ids.add(a["id"])


def base_to_check(out: Path, configured: str) -> tuple[str, str]:
    """The path the site at `out` is served under, which its links start with: the one its build
    wrote in its manifest, so that a site is checked alike wherever check runs; else
    `configured` (the config's base_url: a site built before manifests said). And a line for
    the operator when that is not the config's."""
    manifest = read_manifest(Path(out) / MANIFEST) or {}
    if "base" not in manifest:
        return configured, ""
    recorded = manifest["base"]
    if not (isinstance(recorded, str) and recorded.startswith("/") and recorded.endswith("/")):
        return configured, (f"{MANIFEST}: its base {recorded!r} is not a path like /site/; "
                            f"links checked under {configured}, the config's base_url path")
    if recorded != configured:
        return recorded, fmt.printable(f"links checked under {recorded}, the path the site was "
                                       f"built for ({MANIFEST}); the config's base_url path is "
                                       f"{configured}")
    return recorded, ""


def check_site(out: Path, base: str = "/") -> list[str]:
    out = Path(out)
    if not (out / "index.html").is_file():
        return [f"{out}/index.html is missing: build the site first"]
    findings: list[str] = []
    json_problems = {path: problem for path in sorted(_files(out, "*.json"))
                     if (problem := _json_problem(path))}
    broken: dict[Path, tuple[str, dict[str, None]]] = {}   # target: (its path, pages linking)
    ids: dict[Path, set[str] | None] = {}                  # None: a rows file it shows is unreadable
    rows_read: dict[Path, frozenset[str] | str] = {}       # anchors, or why they cannot be read
    fragments: list[tuple[str, str, Path, str]] = []       # page, link, target, fragment
    for page in sorted(_files(out, "*.html"), key=lambda p: (len(p.relative_to(out).parts), p)):
        rel = page.relative_to(out).as_posix()
        text = page.read_bytes().decode("utf-8", errors="replace")
        scan = _scan(text)
        findings += _check_page(rel, page.stat().st_size, text, scan)
        for link in scan.links:
            parts = url_parts(link)
            if parts is None:
                findings.append(f"{rel}: unreadable link {_cut(link)}")
                continue
            target = page if link.startswith("#") else _internal_target(out, parts, base)
            if target is not None and not _exists(target):
                broken.setdefault(target, (parts.path, {}))[1][rel] = None
            elif target is not None and parts.fragment:
                fragments.append((rel, link, target, parts.fragment))
        rows = _row_anchors(out, scan.row_files, base, rows_read)
        ids[page] = None if rows is None else scan.ids | rows
    findings += [_broken_link(path, list(pages)) for path, pages in broken.values()]
    findings += [f"{_name(out, path)}: {problem}" for path, problem in rows_read.items()
                 if isinstance(problem, str) and _exists(path) and path not in json_problems]
    findings += _missing_fragments(out, fragments, ids)
    findings += [f"{_name(out, path)}: {problem}" for path, problem in json_problems.items()]
    findings += _robots_problems(out, base)
    titles: dict[str, tuple[str, str]] = {}                # entry id: (title, first feed)
    for feed in sorted(_files(out, "*.xml")):
        problems, entries = _read_feed(feed, out, base)
        findings += [f"{_name(out, feed)}: {problem}" for problem in problems]
        findings += _retitled(_name(out, feed), entries, titles)
    return [fmt.printable(finding) for finding in findings]


def _robots_problems(out: Path, base: str) -> list[str]:
    """A robots.txt crawlers never read (the site is under a path: they read the host's root
    one only), or whose Sitemap lines are not absolute addresses (which crawlers ignore)."""
    robots = out / "robots.txt"
    if not robots.is_file():
        return []
    if base != "/":
        return [f"robots.txt: crawlers read robots.txt only at the root of the host, never "
                f"{base}robots.txt; submit sitemap.xml to search engines instead"]
    lines = robots.read_bytes().decode("utf-8", errors="replace").splitlines()
    sitemaps = [line.split(":", 1)[1].strip() for line in lines
                if line.lower().startswith("sitemap:")]
    return [f"robots.txt: Sitemap {_cut(url)} is not an absolute address" for url in sitemaps
            if not ((parts := url_parts(url)) and parts.scheme in ("http", "https") and parts.netloc)]


def sitemap_note(out: Path, base: str) -> str:
    """A line for the operator of a site under a path that has a sitemap: no robots.txt of the
    host names it, so search engines learn of it only when it is submitted to them."""
    if base == "/" or not (Path(out) / "sitemap.xml").is_file():
        return ""
    return (f"sitemap.xml: the site is under {base}, where crawlers read no robots.txt; "
            "submit its sitemap.xml to search engines")


def _exists(path: Path) -> bool:
    """Whether a link's file is there: a link can be longer than a file name may be."""
    try:
        return path.exists()
    except OSError:                 # ENAMETOOLONG: no such file
        return False


def _cut(text: str) -> str:
    """A link, #fragment or id as a finding shows it: an agent wrote it, so it can be as long as
    a page (and its controls, escaped at the end, would otherwise reach the terminal)."""
    return fmt.short(text, SHOWN)


def _name(out: Path, path: Path) -> str:
    return path.relative_to(out).as_posix() if path.is_relative_to(out) else str(path)


def _scan(text: str) -> _PageScan:
    scan = _PageScan()
    scan.feed(text)
    return scan


def _files(out: Path, pattern: str) -> list[Path]:
    """The files matching `pattern` below `out`, not the folders (an agent named "a.json" has
    the folder agents/a.json/)."""
    return [path for path in out.rglob(pattern) if path.is_file()]


def _broken_link(path: str, pages: list[str]) -> str:
    return f"broken link {_cut(path)}: " + _from_pages(pages)


def _from_pages(pages: list[str]) -> str:
    if len(pages) == 1:
        return f"from {pages[0]}"
    named = ", ".join(pages[:PAGES_NAMED]) + (", …" if len(pages) > PAGES_NAMED else "")
    return f"from {len(pages)} pages ({named})"


def _missing_fragments(out: Path, fragments: list[tuple[str, str, Path, str]],
                       ids: dict[Path, set[str] | None]) -> list[str]:
    """One line per #fragment missing from its page: a page's own link names the link, and a
    fragment many pages link to names how many and the first of them."""
    pages: dict[tuple[Path, str], dict[str, str]] = {}     # (target, fragment): {page: link}
    for rel, link, target, fragment in fragments:
        if ids.get(target) is not None and not _indicates(fragment, ids[target]):
            pages.setdefault((target, unquote(fragment)), {}).setdefault(rel, link)
    lines = []
    for (target, fragment), linking in pages.items():
        if len(linking) == 1:
            [(rel, link)] = linking.items()
            lines.append(f"{rel}: no #{_cut(fragment)} where {_cut(link)} leads")
        else:
            lines.append(f"no #{_cut(fragment)} in {_name(out, target)}: "
                         + _from_pages(list(linking)))
    return lines


def _indicates(fragment: str, ids: set[str]) -> bool:
    """Whether a browser scrolls somewhere for #`fragment` (a URL's, percent-encoded) on a page
    with these ids: HTML's "indicated part" is the element of the fragment as written, else of
    the fragment decoded, else the top of the page for "top"."""
    decoded = unquote(fragment)
    return fragment in ids or decoded in ids or decoded.lower() == "top"


def _row_anchors(out: Path, files: list[str], base: str,
                 read: dict[Path, frozenset[str] | str]) -> set[str] | None:
    """The anchors of the rows a page's script shows from JSON files ({"rows": [{"anchor"}]}):
    the all-results view of the leaderboard is built in the browser, as the rows of every page
    of /results/ are. None when one of the files cannot be read: the page's anchors are then
    unknown. `read`: the anchors of each file read so far, or why it cannot be read (each page
    of /results/ names the same file)."""
    anchors: set[str] = set()
    for src in files:
        parts = url_parts(src)
        path = _internal_target(out, parts, base) if parts else None
        if path is None:
            continue                 # another site's file: its anchors are not ours to know
        if path not in read:
            read[path] = _anchors_in(path)
        if isinstance(read[path], str):
            return None
        anchors |= read[path]
    return anchors


def _anchors_in(path: Path) -> frozenset[str] | str:
    """The anchors of a rows file; none for JSON without rows (the chart's spec); or why its
    rows cannot be read. A file that is missing or not JSON is named by the link and JSON checks."""
    try:
        data = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return "unreadable"
    if not isinstance(data, dict) or "rows" not in data:
        return frozenset()
    try:
        return frozenset(row["anchor"] for row in data["rows"] if isinstance(row.get("anchor"), str))
    except (TypeError, AttributeError):
        return ('its rows are not {"rows": [{"anchor": ...}]}, so the #anchors pages show from '
                "it are not checked")


def _json_problem(path: Path) -> str | None:
    try:
        json.loads(path.read_bytes())
    except (OSError, ValueError) as exc:          # UnicodeDecodeError is a ValueError
        return f"not valid JSON ({exc})"
    return None


def _read_feed(path: Path, out: Path, base: str) -> tuple[list[str], list[tuple[str, str]]]:
    """Why a feed reader would drop or misread `path`: not XML, not Atom, a feed or entries
    without an id, a title or an RFC 3339 updated date; and its entries' ids and titles. A
    sitemap instead: the addresses it lists that lead to no file of the site (at `out`)."""
    from xml.etree import ElementTree
    try:
        root = ElementTree.parse(path).getroot()
    except (OSError, ElementTree.ParseError) as exc:
        return [f"not well-formed XML ({exc})"], []
    if root.tag in (SITEMAP + "urlset", SITEMAP + "sitemapindex"):
        return _missing_from_site(root, out, base), []
    if root.tag != ATOM + "feed":
        return [f"not an Atom feed (its root is <{root.tag}>)"], []
    problems = [f"the feed has no {tag}" for tag in _missing(root)]
    entries = root.findall(ATOM + "entry")
    lacking: dict[str, int] = {}
    for entry in entries:
        for tag in _missing(entry):
            lacking[tag] = lacking.get(tag, 0) + 1
    problems += [f"{count} of {len(entries)} entries have no {tag}" for tag, count in lacking.items()]
    return problems, [((e.findtext(ATOM + "id") or "").strip(), e.findtext(ATOM + "title") or "")
                      for e in entries]


def _retitled(name: str, entries: list[tuple[str, str]],
              seen: dict[str, tuple[str, str]]) -> list[str]:
    """An Atom id names one entry wherever it appears: a reader that meets it in two feeds
    under two titles shows one of them, or takes one for an edit of the other. `seen`: each
    id's title and the feed that gave it first, filled as feeds are read."""
    clashes: dict[str, int] = {}
    for entry_id, title in entries:
        first_title, first_feed = seen.setdefault(entry_id, (title, name))
        if entry_id and first_title != title:
            clashes[first_feed] = clashes.get(first_feed, 0) + 1
    return [f"{name}: {n} of {len(entries)} entries have the id of an entry of {feed} and "
            "another title" for feed, n in clashes.items()]


def _missing_from_site(sitemap, out: Path, base: str) -> list[str]:
    """The addresses a sitemap lists that name no file of the site."""
    problems = []
    for loc in sitemap.iter(SITEMAP + "loc"):
        parts = url_parts(loc.text or "")
        path = parts.path if parts else ""
        target = out / unquote(path[len(base):]) if path.startswith(base) else None
        if target is not None and target.is_dir():
            target = target / "index.html"
        if target is None or not _exists(target):
            problems.append(f"lists {_cut(loc.text or '')}, which is not a file of the site")
    return problems


def _missing(element) -> list[str]:
    """Which of <id>, <title> and an RFC 3339 <updated> an Atom feed or entry lacks."""
    texts = {tag: (element.findtext(ATOM + tag) or "").strip() for tag in ("id", "title", "updated")}
    missing = [f"<{tag}>" for tag in ("id", "title") if not texts[tag]]
    if not RFC3339.fullmatch(texts["updated"]):
        missing.append("<updated> date")
    return missing


def _check_page(rel: str, size: int, text: str, scan: _PageScan) -> list[str]:
    findings = []
    if size > PAGE_BUDGET_BYTES:
        findings.append(f"{rel}: {size:,} bytes, over the {PAGE_BUDGET_BYTES:,}-byte page budget")
    if not text.lstrip("\ufeff \t\r\n").lower().startswith("<!doctype html>"):
        findings.append(f"{rel}: does not start with <!DOCTYPE html>")
    if not scan.has_lang:
        findings.append(f"{rel}: no <html lang>")
    if not scan.has_charset:
        findings.append(f"{rel}: no charset (<meta charset>)")
    if not scan.has_title:
        findings.append(f"{rel}: no <title>")
    if not scan.has_csp:
        findings.append(f"{rel}: no Content-Security-Policy meta tag")
    if scan.inline_scripts:
        findings.append(f"{rel}: {scan.inline_scripts} inline script(s) or event handler(s)")
    for dup in sorted(scan.duplicate_ids):
        findings.append(f"{rel}: duplicate id {_cut(dup)!r}")
    return findings


def _internal_target(out: Path, parts: SplitResult, base: str) -> Path | None:
    if parts.scheme or parts.netloc or not parts.path.startswith(base):
        return None
    path = unquote(parts.path[len(base):])
    target = out / path
    return target / "index.html" if path == "" or path.endswith("/") else target
