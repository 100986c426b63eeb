"""What a publish sends, decided without any I/O: the difference between the built site and the
live Space, and the order and size of the commits that carry it.

Order of a publish, so that a visitor never follows a link to a page that is not there yet and
an interrupted publish leaves a consistent site: new files first, then changed ones (a visitor
reaches a new page only through a changed one: a listing, the page it replies to, an agent's
page), each part in the order static assets, pages (deeper ones before the pages that link down
to them), listing pages; then `index.html`, `manifest.json` and the Space card (`README.md`),
and deletions last. Commits are cut from that sequence within `CommitLimits`: a plan that fits
in one commit (a cron run's handful of files) is one commit, so it lands all at once.

A plan too large for one commit (a first publish, a new theme) is ordered by its links as well
(`linked_batches`): a page goes after the new pages it links to, so a publish stopped between
commits leaves no live page linking to a missing one. Pages whose links form a cycle (a reply
and the message it answers, an agent and its messages) go in one commit when they fit; what does
not fit is named by `dangling`, for the run log.

Superseded search files are kept until there are more than `KEPT_SEARCH_FILES`, then deleted
together. Every file of a Pagefind index is named by its content, so a new message renames six
of them: deleted at once, they would double the files of its commit, and a visitor whose search
page loaded the index a minute before could no longer fetch the rest of it.
"""
from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from typing import Iterable, Mapping
from urllib.parse import unquote, urljoin, urlsplit

MANIFEST = "manifest.json"
HEADER_BYTES = 2_000      # the commit's header line: summary, description, parent commit
README = "README.md"
NEVER_DELETE = frozenset({".gitattributes", README})
LAST = ("index.html", MANIFEST, README)
SEARCH_FOLDER = "pagefind/"
KEPT_SEARCH_FILES = 1000

# Pages that list other pages: section indexes, their numbered pages, the message filters, the
# feeds and data files, the 404 page. A session's own numbered pages are not listings.
_LISTING = re.compile(r"""^(?:
      [^/]+/index\.html
    | [^/]+/page/\d+/index\.html
    | messages/(?:agent|type)/[^/]+/(?:page/\d+/)?index\.html
    | feeds/.*
    | [^/]+\.(?:json|csv|xml)
    | 404\.html
)$""", re.VERBOSE)


# A link in a page the site's templates wrote: always a double-quoted attribute (a quote in
# agent text is escaped, so text that looks like an attribute never matches).
_LINK = re.compile(r'\s(?:href|src|data-src)="([^"]*)"')


@dataclass(frozen=True)
class LocalFile:
    path: str
    size: int
    sha256: str
    git_sha1: str        # what the Space lists for a regular file: the git blob id


@dataclass(frozen=True)
class RemoteFile:
    path: str
    size: int
    blob_id: str
    lfs_sha256: str | None = None     # set for files stored through LFS/Xet

    def same_as(self, local: LocalFile) -> bool:
        if self.lfs_sha256 is not None:
            return self.lfs_sha256 == local.sha256
        return self.blob_id == local.git_sha1


@dataclass(frozen=True)
class Plan:
    added: tuple[str, ...]
    updated: tuple[str, ...]
    deleted: tuple[str, ...]
    unchanged: int
    # Only manifest.json differs: send it only if the files or counts it lists are not the
    # live ones (a publish interrupted before its last commit), not for build details alone.
    manifest_only: bool = False
    kept_search_files: int = 0        # superseded search files left on the Space for now

    @property
    def changed(self) -> int:
        return len(self.added) + len(self.updated) + len(self.deleted)


@dataclass(frozen=True)
class CommitLimits:
    """At most `max_files` operations and `max_bytes` of payload (as sent) per commit."""
    max_files: int = 500
    max_bytes: int = 50_000_000


@dataclass(frozen=True)
class Batch:
    add: tuple[str, ...]
    delete: tuple[str, ...]
    bytes: int


def diff(local: Mapping[str, LocalFile], remote: Mapping[str, RemoteFile]) -> Plan:
    """What differs; a plan where only manifest.json differs is marked `manifest_only`."""
    added = sorted(p for p in local if p not in remote)
    updated = sorted(p for p in local if p in remote and not remote[p].same_as(local[p]))
    stale = sorted(p for p in remote if p not in local and p not in NEVER_DELETE)
    superseded = [p for p in stale if p.startswith(SEARCH_FOLDER)]
    kept = len(superseded) if len(superseded) <= KEPT_SEARCH_FILES else 0
    deleted = [p for p in stale if not p.startswith(SEARCH_FOLDER)] if kept else stale
    if updated == [MANIFEST] and not added and not deleted:
        return Plan((), (), (), len(local), manifest_only=True, kept_search_files=kept)
    return Plan(tuple(added), tuple(updated), tuple(deleted),
                len(local) - len(added) - len(updated), kept_search_files=kept)


def same_listing(live: Mapping | None, manifest: Mapping) -> bool:
    """Whether a live manifest.json lists the same files (by sha256) and counts as ours: if so,
    the two differ only in build details that no visitor sees, and sending ours would make a
    run that changed nothing commit."""
    return (isinstance(live, Mapping) and live.get("files") == manifest.get("files")
            and live.get("counts") == manifest.get("counts"))


def rank(path: str) -> tuple[int, int, str]:
    """Sort key of an upload: group (assets, pages, listings, the last three), deeper first."""
    if path in LAST:
        return (3 + LAST.index(path), 0, path)
    if path.startswith("static/"):
        return (0, 0, path)
    group = 2 if _LISTING.match(path) else 1
    return (group, -path.count("/"), path)


def upload_order(path: str, new: frozenset[str]) -> tuple:
    """Sort key of an upload in a plan whose added files are `new` (see the module docstring)."""
    if path in LAST:
        return (1, False, rank(path))
    return (0, path not in new, rank(path))


def payload_size(path: str, size: int, lfs: bool) -> int:
    """At least the bytes one operation adds to a commit's NDJSON: its line, with the content
    inline in base64 for a regular file (an LFS file or a deletion is a short line)."""
    line = 200 + len(json.dumps(path))
    return line + (0 if lfs else 4 * ((size + 2) // 3))


def batches(plan: Plan, sizes: Mapping[str, int], limits: CommitLimits) -> list[Batch]:
    """The commits of a plan, in order; `sizes` gives each upload's payload_size."""
    new = frozenset(plan.added)
    uploads = sorted(plan.added + plan.updated, key=lambda path: upload_order(path, new))
    return _pack([[p] for p in uploads], plan.deleted, sizes, limits)


def linked_batches(plan: Plan, sizes: Mapping[str, int], limits: CommitLimits,
                   links: Mapping[str, Iterable[str]]) -> list[Batch]:
    """As `batches`, each upload after the new files it links to (`links`: an upload's links,
    as site paths) and the files of a link cycle in one commit where they fit. The home page,
    manifest.json and the card stay last: links to them are not followed (the home page is live
    already, or nothing of the site can be reached before it lands)."""
    new = frozenset(plan.added)
    uploads = plan.added + plan.updated
    edges = {p: sorted({q for q in links.get(p, ()) if q in new and q != p and q not in LAST})
             for p in uploads}
    units = _cycles(uploads, edges)
    return _pack(_linked_order(units, edges, key=lambda p: upload_order(p, new)),
                 plan.deleted, sizes, limits)


def page_links(path: str, text: str, base: str) -> set[str]:
    """The site files a page at `path` links to (site paths: `x/` is `x/index.html`), for a site
    served under the path `base`."""
    page_url = base + (path[:-len("index.html")] if path.endswith("index.html") else path)
    out = set()
    for raw in set(_LINK.findall(text)):
        link = html.unescape(raw)
        if link.startswith(base) and not link.startswith("//"):   # most links: no join needed
            link_path = link.partition("#")[0].partition("?")[0]
        else:
            try:
                parts = urlsplit(urljoin(page_url, link))
            except ValueError:      # a link an agent wrote that no browser can follow either
                continue
            if parts.scheme or parts.netloc:
                continue
            link_path = parts.path
        if link_path.startswith(base):
            target = unquote(link_path[len(base):])
            out.add(target + "index.html" if target == "" or target.endswith("/") else target)
    return out


def dangling(batches_: list[Batch], links: Mapping[str, Iterable[str]],
             new: Iterable[str]) -> list[tuple[str, str, int]]:
    """(page, the new file it links to, the commit number that file lands in) for every page
    that lands before a file it links to."""
    landing = {p: n for n, batch in enumerate(batches_, 1) for p in batch.add}
    new = frozenset(new)
    return [(page, target, landing[target])
            for n, batch in enumerate(batches_, 1) for page in batch.add
            for target in sorted(set(links.get(page, ())))
            if target in new and landing.get(target, 0) > n]


def _cycles(nodes: Iterable[str], edges: Mapping[str, list[str]]) -> list[list[str]]:
    """The strongly connected components of the link graph (Tarjan's algorithm, iterative:
    a site's link chains can be thousands of pages long)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []
    for root in nodes:
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                index[node] = low[node] = len(index)
                stack.append(node)
                on_stack.add(node)
            targets = edges.get(node, [])
            if i < len(targets):
                work.append((node, i + 1))
                target = targets[i]
                if target not in index:
                    work.append((target, 0))
                elif target in on_stack:
                    low[node] = min(low[node], index[target])
                continue
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                unit = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    unit.append(member)
                    if member == node:
                        break
                out.append(unit)
    return out


def _linked_order(units: list[list[str]], edges: Mapping[str, list[str]], key) -> list[list[str]]:
    """The units (link cycles), each after the units it links to; among those ready, the one
    whose first file comes first in the publish order (`key`)."""
    import heapq

    unit_of = {p: n for n, unit in enumerate(units) for p in unit}
    needs: list[set[int]] = [set() for _ in units]
    needed_by: list[set[int]] = [set() for _ in units]
    for p, targets in edges.items():
        for q in targets:
            if unit_of[p] != unit_of[q]:
                needs[unit_of[p]].add(unit_of[q])
                needed_by[unit_of[q]].add(unit_of[p])
    units = [sorted(unit, key=key) for unit in units]
    ready = [(key(unit[0]), n) for n, unit in enumerate(units) if not needs[n]]
    heapq.heapify(ready)
    order: list[list[str]] = []
    while ready:
        _, n = heapq.heappop(ready)
        order.append(units[n])
        for m in needed_by[n]:
            needs[m].discard(n)
            if not needs[m]:
                heapq.heappush(ready, (key(units[m][0]), m))
    return order


def _pack(units: list[list[str]], deleted: tuple[str, ...], sizes: Mapping[str, int],
          limits: CommitLimits) -> list[Batch]:
    """Commits cut from the units in order, deletions last: a unit starts a new commit when it
    does not fit in the current one but fits in one, and is split only when it fills more than
    one (then it fills the current commit first)."""
    ops = [[("add", p, sizes[p]) for p in unit] for unit in units]
    ops += [[("delete", p, payload_size(p, 0, True))] for p in deleted]
    out: list[Batch] = []
    add: list[str] = []
    delete: list[str] = []
    total = HEADER_BYTES
    for unit in ops:
        unit_bytes = sum(size for _, _, size in unit)
        fits_one = len(unit) <= limits.max_files and HEADER_BYTES + unit_bytes <= limits.max_bytes
        if (add or delete) and len(unit) > 1 and fits_one and (
                len(add) + len(delete) + len(unit) > limits.max_files
                or total + unit_bytes > limits.max_bytes):
            out.append(Batch(tuple(add), tuple(delete), total))
            add, delete, total = [], [], HEADER_BYTES
        for kind, path, size in unit:
            if (add or delete) and (len(add) + len(delete) + 1 > limits.max_files
                                    or total + size > limits.max_bytes):
                out.append(Batch(tuple(add), tuple(delete), total))
                add, delete, total = [], [], HEADER_BYTES
            (add if kind == "add" else delete).append(path)
            total += size
    if add or delete:
        out.append(Batch(tuple(add), tuple(delete), total))
    return out


def shrink_reason(live_counts: Mapping | None, new_counts: Mapping, guarded: Iterable[str]) -> str:
    """Why a site that lost more than half of what is live must not replace it ("" if fine)."""
    if not isinstance(live_counts, Mapping):
        return ""
    drops = []
    for key in guarded:
        before, after = live_counts.get(key), new_counts.get(key)
        if isinstance(before, int) and isinstance(after, int) and after * 2 < before:
            drops.append(f"{key} {before} -> {after}")
    if not drops:
        return ""
    return (f"the new site lost more than half of what is live ({', '.join(drops)}); "
            "if that is intended, publish again with --force")


def foreign_files(local: Mapping[str, LocalFile], remote: Mapping[str, RemoteFile],
                  live_manifest: Mapping | None) -> list[str]:
    """The files of a Space that collab-site did not publish: none if its manifest.json is ours;
    else every file but the card, .gitattributes and what an unfinished first publish of this
    site may have left (see `_maybe_ours`)."""
    if isinstance(live_manifest, Mapping) and isinstance(live_manifest.get("files"), Mapping):
        return []
    pages_sent = _pages_sent(local, remote)
    return sorted(p for p, f in remote.items()
                  if p not in NEVER_DELETE and not _maybe_ours(p, f, local, pages_sent))


def _maybe_ours(path: str, remote: RemoteFile, local: Mapping[str, LocalFile],
                pages_sent: bool) -> bool:
    """A file as this site has it, one of its pages (an earlier build's: the home page and
    manifest.json, sent last, are not), or a file of its search index (named by content). The
    home page is ours too when an earlier publish of this site sent its pages (`_pages_sent`):
    it is sent after them, and a publish stopped before manifest.json leaves it there."""
    if path in local and remote.same_as(local[path]):
        return True
    if path == LAST[0]:
        return pages_sent
    return path.startswith(SEARCH_FOLDER) or (path in local and path not in LAST)


def _pages_sent(local: Mapping[str, LocalFile], remote: Mapping[str, RemoteFile]) -> bool:
    """The Space holds a page of this site byte for byte (not the home page, which any static
    Space has): no other site makes it, so an earlier publish of this one sent it."""
    return any(p.endswith(".html") and p not in LAST and p in local and f.same_as(local[p])
               for p, f in remote.items())


def foreign_reason(space_id: str, sdk: str | None, theirs: list[str]) -> str:
    """Why a Space that is not a collab-site one must not be published over ("" if fine): it
    runs another sdk (an app), or holds files collab-site did not publish (`foreign_files`). An
    empty Space, or one with only the card and .gitattributes the Hub starts with, is fine."""
    if sdk in (None, "static") and not theirs:
        return ""
    named = ", ".join(theirs[:3]) + (f" and {len(theirs) - 3} more" if len(theirs) > 3 else "")
    if sdk not in (None, "static"):
        reason = (f"Space {space_id} is a {sdk!r} Space, not a static one: publishing would "
                  "make it static" + (f" and delete or replace its files ({named})" if theirs else ""))
    else:
        reason = (f"Space {space_id} holds files collab-site did not publish ({named}) and no "
                  f"collab-site {MANIFEST}: publishing would delete or replace them")
    return reason + "; if this is the Space to publish to, publish again with --force"
