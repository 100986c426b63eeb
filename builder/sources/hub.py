"""A Hugging Face bucket (`hf://buckets/ORG/NAME`) read into an on-disk mirror, incrementally.

`open_hub_bucket` lists the bucket (every page of `GET /api/buckets/{id}/tree?recursive=true`),
fetches only the files that are new or whose listed content hash (`xetHash`) or size changed
(through Xet when available, else the resolve URL: see hub_fetch.py), drops the files that
disappeared, and returns a `Bucket` over the mirror folder (layout: mirror.py).

Faults: timeouts, dropped connections and 408/5xx are retried with backoff; a rate limit (429,
`RateLimit`/`Retry-After`) is waited out, saying so in one line, up to `rate_limit_wait` seconds
in all. If the sync cannot complete, the downloads made so far are kept for the next run, the
last complete mirror is used and the Bucket carries `as_of` (the newest upload in that mirror's
listing); with no complete mirror `HubUnavailable` is raised. Either way the message is one
line, never a traceback, and never contains the token or a URL's query string.
"""
from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Callable, Iterable

from builder import format as fmt
from builder import hub_http
from builder.hub_http import HubHttp, RateGate, redactor
from builder.sources import Bucket, name_problem
from builder.sources.hub_fetch import GONE, NOT_SERVED, Fetch, Progress, fetch_all, told
from builder.sources.mirror import STATE_VERSION, Entry, Mirror, is_file_of_size
from builder.urls import REPO_ID

Log = Callable[[str], None]

_BUCKET_ID = re.compile(f"^{REPO_ID}$")
PATHS_INFO_BATCH = 1000      # paths per paths-info request, the Hub's bound


class HubUnavailable(Exception):
    """The bucket could not be read from the Hub and there is no complete mirror to fall back on."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class SyncStats:
    """What one complete sync did."""
    listed: int          # usable files in the listing
    downloaded: int      # paths whose bytes were fetched (or found fetched by an earlier run)
    bytes: int           # bytes fetched by this run
    via_xet: int         # of the files fetched by this run, those that came through Xet
    removed: int
    unchanged: int
    skipped: int         # listed paths that cannot be mirrored (hidden, escaping, clashing)
    vanished: int        # listed, then gone before they could be fetched
    retries: int
    rate_limit_waits: int
    waited: float        # seconds spent waiting for rate limits
    seconds: float

    def summary(self, bucket_id: str) -> str:
        n = fmt.count
        xet = f", {n(self.via_xet)} through Xet" if self.via_xet else ""
        line = (f"bucket {bucket_id}: {n(self.listed)} files listed; {n(self.downloaded)} "
                f"downloaded ({fmt.size(self.bytes)}{xet}), {n(self.removed)} removed, "
                f"{n(self.unchanged)} unchanged")
        extras = [text for count, text in (
            (self.skipped, f"{n(self.skipped)} unusable path(s) skipped"),
            (self.retries, f"{n(self.retries)} request(s) retried"),
            (self.vanished, f"{n(self.vanished)} file(s) vanished during the sync"),
            (self.rate_limit_waits, f"waited {fmt.duration(self.waited)} for the Hub's rate "
                                    f"limit ({n(self.rate_limit_waits)} time(s))")) if count]
        if extras:
            line += f" ({'; '.join(extras)})"
        return f"{line} in {fmt.duration(self.seconds)}"


@dataclass(frozen=True)
class _Listing:
    files: dict[str, Entry]
    skipped: dict[str, str]     # listed paths that cannot be mirrored, and why
    newest: datetime | None
    hidden: tuple[str, ...] = ()   # hidden entries, not mirrored (Bucket.hidden)


def open_hub_bucket(bucket_id: str, cache_dir: Path, *, token: str | None = None,
                    log: Log = print, max_workers: int = 8, rate_limit_wait: float | None = None,
                    progress: bool | None = None) -> Bucket:
    """Sync the mirror of `bucket_id` in `cache_dir` and return a Bucket over it.

    `token`: None means the library's own choice (HF_TOKEN, then the token saved by
    `hf auth login`). `rate_limit_wait`: the most seconds to spend waiting for rate limits
    (default: the policy's, 20 minutes, less what the run's earlier steps waited: see hub_http).
    `progress`: None means a progress bar only on an interactive terminal outside CI. Raises
    HubUnavailable only when the Hub fails and no complete mirror exists.
    """
    policy = hub_http.DEFAULT_POLICY
    if rate_limit_wait is not None:
        policy = replace(policy, rate_limit_wait=float(rate_limit_wait))
    bucket_id = bucket_id.strip().strip("/")
    if not _BUCKET_ID.match(bucket_id):
        raise HubUnavailable(f"hf://buckets/{bucket_id} is not a bucket id of the form ORG/NAME")
    mirror = Mirror(Path(cache_dir), bucket_id)
    redact = redactor(token)
    with mirror.locked():
        try:
            mirror.recover()
            previous = mirror.load_state()
            try:
                stats = _sync(mirror, previous, token=token, policy=policy,
                              max_workers=max_workers, progress=progress, log=log)
            except KeyboardInterrupt:
                raise
            except Exception as exc:  # noqa: BLE001 - any failure to sync: fall back, one line
                return _fall_back(mirror, previous, redact(_reason(exc)), log)
        finally:
            mirror.write_cache_key()
        state = mirror.load_state()
        assert state is not None
        line = stats.summary(bucket_id)
        log(f"hub: {line}")
        return mirror.bucket(state, as_of=None, note=f"Hub {line}", usable=_usable)


def _fall_back(mirror: Mirror, previous: dict | None, reason: str, log: Log) -> Bucket:
    """The last complete mirror, marked as of its newest upload; or HubUnavailable."""
    if mirror.pending_path.exists():
        # Failed after the commit point (while applying): finish it, or trust nothing.
        try:
            mirror.recover()
        except Exception:  # noqa: BLE001 - the mirror is then not trusted below
            pass
        previous = None if mirror.pending_path.exists() else mirror.load_state()
    bucket_id = mirror.bucket_id
    if previous is None:
        raise HubUnavailable(
            f"cannot read bucket {bucket_id} from the Hub ({reason}) and there is no "
            f"complete mirror in {mirror.root}") from None
    as_of = mirror.as_of(previous)
    note = (f"the Hub could not be reached for bucket {bucket_id} ({reason}); using the last "
            f"complete mirror (its newest file uploaded {fmt.when(as_of)})")
    log(f"hub: {note}")
    return mirror.bucket(previous, as_of=as_of, note=note, usable=_usable)


def _reason(exc: BaseException) -> str:
    from huggingface_hub.errors import BucketNotFoundError, HfHubHTTPError

    if isinstance(exc, BucketNotFoundError):
        return ("no such bucket, or it is private and no token given can read it: check "
                "ORG/NAME in [source] location, COLLAB_SOURCE or --source, and the token in "
                "HF_TOKEN or `hf auth login`")
    if isinstance(exc, HfHubHTTPError) and exc.response is not None \
            and exc.response.status_code == 401:
        return (f"{told(exc)}: the token comes from HF_TOKEN (in a workflow, the repository "
                "secret HF_TOKEN), else `hf auth login`; it needs read access to the bucket")
    if isinstance(exc, hub_http.RateLimited):
        return f"{exc}; the next run fetches the rest (the files fetched stay in the cache)"
    return told(exc)


def _sync(mirror: Mirror, previous: dict | None, *, token: str | None,
          policy: hub_http.HttpPolicy, max_workers: int, progress: bool | None,
          log: Log) -> SyncStats:
    started = time.monotonic()
    counts = Progress(total=0)
    gate = RateGate(policy.rate_limit_wait, log, counts.line)
    http = HubHttp(token, policy, gate)
    old_files: dict = previous["files"] if previous else {}
    listing = _list(http, mirror.bucket_id, known=old_files)
    root = str(mirror.files)
    todo = [e for e in listing.files.values() if not _unchanged(root, e, old_files.get(e.path))]
    counts.total = len(todo)
    fetch = Fetch.of(mirror.bucket_id, todo)
    objects = fetch_all(mirror, fetch, http, counts, token=token, max_workers=max_workers,
                        show_bar=progress, log=log)
    key_of = {e.path: key for key, entries in fetch.groups.items() for e in entries}
    new_files, apply, gone, later = {}, {}, [], {}
    for path, entry in sorted(listing.files.items()):
        key = key_of.get(path)
        if key is not None and objects.get(key) is GONE:   # deleted between listing and fetch
            gone.append(path)
            continue
        size = entry.size
        if key is not None:
            size = None if objects.get(key) is NOT_SERVED else \
                _fetched_size(mirror, fetch.groups[key], path, key)
            if size is None:              # not fetched this run: the last version stays
                if path in old_files:
                    new_files[path] = old_files[path]
                elif objects.get(key) is NOT_SERVED:
                    later[path] = ("skipped for now: the Hub's storage had no bytes for it "
                                   "(HTTP 404); tried again at the next sync")
                continue
            apply[path] = key
        new_files[path] = {"hash": entry.hash, "size": size}
    deletions = sorted((set(old_files) - set(listing.files)) | (set(gone) & set(old_files)))
    state = {"version": STATE_VERSION, "bucket": mirror.bucket_id, "files": new_files,
             "newest": fmt.iso(listing.newest) or None,
             "skipped": [[path, why] for path, why in sorted({**listing.skipped, **later}.items())],
             "hidden": list(listing.hidden)}
    mirror.commit(state, apply=apply, delete=deletions, reset=previous is None)
    return SyncStats(listed=len(listing.files), downloaded=len(apply), bytes=counts.bytes,
                     via_xet=counts.via_xet, removed=len(deletions),
                     unchanged=len(listing.files) - len(todo), skipped=len(listing.skipped),
                     vanished=len(gone), retries=http.retries, rate_limit_waits=gate.holds,
                     waited=gate.waited, seconds=time.monotonic() - started)


def _fetched_size(mirror: Mirror, group: list[Entry], path: str, key: str) -> int | None:
    """The size of the bytes fetched for `path`. A file edited between the listing and its
    download comes with another size than listed: its new bytes are kept (with their size, so
    the mirror does not drop them as truncated), unless they were fetched for another path of
    the same listed content (then None: `path` is not known to have them)."""
    size = os.stat(mirror.incoming / key).st_size
    if size != group[0].size and path != group[0].path:
        return None
    return size


def _unchanged(root: str, entry: Entry, old: dict | None) -> bool:
    """The mirror (in `root`) has the file as listed; paths joined as text, as in Mirror.bucket."""
    return bool(old and entry.hash and old.get("hash") == entry.hash
                and old.get("size") == entry.size
                and is_file_of_size(os.path.join(root, entry.path), entry.size))


def _list(http: HubHttp, bucket_id: str, known: Iterable[str]) -> _Listing:
    """Every file of the bucket (all pages, or an exception: never a partial listing). The
    `known` files (the last sync's) that the pages lack are asked for by name: a listing paged
    while files are removed can skip a file that is still there (the rest of the listing moves
    up a page already read), and the site must not lose it for a run."""
    raw: dict[str, Entry] = {}
    newest: datetime | None = None
    for page in http.pages(http.api(f"api/buckets/{bucket_id}/tree"), {"recursive": "true"}):
        newest = _add_files(raw, page, newest)
    missing = sorted(set(known) - set(raw))
    for start in range(0, len(missing), PATHS_INFO_BATCH):
        found = http.json("POST", http.api(f"api/buckets/{bucket_id}/paths-info"),
                          json={"paths": missing[start:start + PATHS_INFO_BATCH]})
        newest = _add_files(raw, found if isinstance(found, list) else [], newest)
    skipped = {p: why for p in raw if (why := _path_problem(p))}
    usable = {p: e for p, e in raw.items() if p not in skipped and not _hidden(p)}
    # A path that is also a folder of another path ("a" and "a/b") cannot both be on disk:
    # keep the deeper one (the folder's content), skip the other.
    folders = _folders_of(usable)
    skipped |= {p: "skipped: the bucket also has files below this path" for p in usable if p in folders}
    usable = {p: e for p, e in usable.items() if p not in folders}
    hidden = {_outermost_hidden(p) for p in raw if p not in skipped and _hidden(p)}
    return _Listing(usable, skipped, newest, tuple(sorted(hidden)))


def _add_files(raw: dict[str, Entry], items: list, newest: datetime | None) -> datetime | None:
    """Add the file entries of a listing page to `raw`; returns the newest upload time so far."""
    from huggingface_hub import BucketFile

    for item in items:
        if not isinstance(item, dict) or item.get("type") != "file":
            continue
        f = BucketFile(**item)
        raw[f.path] = Entry(f.path, str(f.xet_hash or ""), int(f.size or 0))
        for when in (f.uploaded_at, f.mtime):
            if when is not None and (newest is None or when > newest):
                newest = when
    return newest


def _folders_of(paths: Iterable[str]) -> set[str]:
    """Every folder a path is in ("a/b/c" -> "a/b", "a")."""
    folders: set[str] = set()
    for path in paths:
        folder = path.rpartition("/")[0]
        while folder and folder not in folders:     # a folder known has its parents known
            folders.add(folder)
            folder = folder.rpartition("/")[0]
    return folders


def _path_problem(path: str) -> str | None:
    """Why a listed path cannot be mirrored (parity with open_local); None when it can."""
    if not path or len(path) > 1024 or "\\" in path or "\x00" in path or path.startswith("/"):
        return "skipped: not a relative path inside the bucket"
    parts = path.split("/")
    if any(part in ("", ".", "..") for part in parts):
        return "skipped: not a relative path inside the bucket"
    if any(len(part.encode("utf-8", "surrogatepass")) > 255 for part in parts):
        return "skipped: a part of the name is longer than 255 bytes"
    return name_problem(path)


def _hidden(path: str) -> bool:
    """Hidden entries (a leading "." in any part) are not part of the bucket, as on disk."""
    return any(part.startswith(".") for part in path.split("/"))


def _outermost_hidden(path: str) -> str:
    """The hidden entry `path` is (or is in), as open_local names it: "a/.b/" for "a/.b/c"."""
    parts = path.split("/")
    at = next(i for i, part in enumerate(parts) if part.startswith("."))
    return "/".join(parts[:at + 1]) + ("/" if at + 1 < len(parts) else "")


def _usable(path: str) -> bool:
    return _path_problem(path) is None and not _hidden(path)
