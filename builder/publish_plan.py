"""What a publish sends, decided without any I/O: the difference between the built site and the
live Space, and the order and size of the commits that carry it.

Order of a publish, so that a visitor never follows a link to a page that is not there yet and
an interrupted publish leaves a consistent site: new files first, then changed ones (a visitor
reaches a new page only through a changed one: a listing, the page it replies to, an agent's
page), each part in the order static assets, pages (deeper ones before the pages that link down
to them), listing pages; then `index.html`, `manifest.json` and the Space card (`README.md`),
and deletions last. Commits are cut from that sequence within `CommitLimits`.

Superseded search files are kept until there are more than `KEPT_SEARCH_FILES`, then deleted
together. Every file of a Pagefind index is named by its content, so a new message renames six
of them: deleted at once, they would double the files of its commit, and a visitor whose search
page loaded the index a minute before could no longer fetch the rest of it.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Iterable, Mapping

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
    ops: list[tuple[str, str, int]] = [("add", p, sizes[p]) for p in uploads]
    ops += [("delete", p, payload_size(p, 0, True)) for p in plan.deleted]
    out: list[Batch] = []
    add: list[str] = []
    delete: list[str] = []
    total = HEADER_BYTES
    for kind, path, size in ops:
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
