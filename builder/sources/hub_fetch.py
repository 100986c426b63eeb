"""Fetching the bytes of bucket files into the mirror's incoming/ folder, one object per content.

Two ways, the first one preferred:

* Xet, through `HfApi.download_bucket_files` (huggingface_hub with hf_xet): the bytes come from
  Xet storage after one resolve request for the whole group, so a first sync of thousands of
  files does not spend the Hub's per-file "resolvers" rate limit. Used when the library says Xet
  is available (`HF_HUB_DISABLE_XET=1` turns it off), in groups, so that an interrupted sync
  keeps every finished group.
* the bucket's resolve URL, one request per file (`HubHttp`: timeouts, retries, rate-limit
  waits), in parallel within a bound. Used without Xet, and for whatever Xet could not fetch.

Zero-byte files are written without any request. Objects already in incoming/ (from a sync that
was interrupted) are kept and not fetched again.
"""
from __future__ import annotations

import contextlib
import os
import shutil
import sys
import threading
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable
from urllib.parse import quote

from builder import format as fmt
from builder.hub_http import HubHttp, describe, interactive, rate_limit_wait
from builder.redact import redact_name
from builder.sources.mirror import Entry, Mirror, is_file_of_size, object_key

Log = Callable[[str], None]

XET_GROUP = 500              # files per download_bucket_files call
XET_MIN_SECONDS = 120.0      # a Xet group that makes no end within this (or 1 s per MB) is dropped
GONE = None                  # the object of a file that vanished between listing and download
NOT_SERVED = "not served"    # the Hub sent its download to a storage host that had no bytes


@dataclass
class Progress:
    """Files fetched so far out of those to fetch; read by the rate-limit line."""
    total: int
    done: int = 0
    bytes: int = 0
    via_xet: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, files: int, nbytes: int, xet: bool = False) -> None:
        with self.lock:
            self.done += files
            self.bytes += nbytes
            if xet:
                self.via_xet += files

    def line(self) -> str:
        return f"{fmt.count(self.done)} of {fmt.count(self.total)} files fetched"


@dataclass(frozen=True)
class Fetch:
    """What a sync needs to fetch: entries grouped by content (object key)."""
    bucket_id: str
    groups: dict[str, list[Entry]]

    @staticmethod
    def of(bucket_id: str, todo: list[Entry]) -> "Fetch":
        groups: dict[str, list[Entry]] = {}
        for entry in todo:
            key = object_key(entry.hash) if entry.hash else object_key("path:" + entry.path)
            groups.setdefault(key, []).append(entry)
        return Fetch(bucket_id, groups)


def fetch_all(mirror: Mirror, fetch: Fetch, http: HubHttp, progress: Progress, *, token: str | None,
              max_workers: int, show_bar: bool | None, log: Log) -> dict[str, str | None]:
    """Fetch every object of `fetch` into incoming/. Returns {object key: key, GONE (the Hub
    no longer has the file) or NOT_SERVED (the storage host it sent us to has no bytes for it:
    a file uploaded a moment ago, or a storage fault; not a deletion)}."""
    mirror.incoming.mkdir(parents=True, exist_ok=True)
    done: dict[str, str | None] = {}
    waiting: dict[str, list[Entry]] = {}
    for key, entries in fetch.groups.items():
        obj = mirror.incoming / key
        size = entries[0].size
        if entries[0].hash and is_file_of_size(obj, size):
            done[key] = key                  # finished by an earlier, interrupted sync
        elif size == 0 and entries[0].hash:
            obj.write_bytes(b"")             # nothing to fetch
            done[key] = key
        else:
            waiting[key] = entries
            continue
        progress.add(len(entries), 0)
    if waiting and _xet_available() and all(e[0].hash for e in waiting.values()):
        for key in _fetch_xet(mirror, fetch.bucket_id, waiting, http, progress, token, log):
            done[key] = key
            del waiting[key]
    if waiting:
        done.update(_fetch_http(mirror, fetch.bucket_id, waiting, http, progress,
                                max_workers=max_workers, show_bar=show_bar))
    return done


def told(exc: BaseException) -> str:
    """`describe(exc)` with its secrets masked: the URL that failed names a bucket path, and a
    file's name may hold a secret (the build report names such a file masked too)."""
    return redact_name(describe(exc))[0]


# --- Xet ---------------------------------------------------------------------------------------

def _xet_available() -> bool:
    """hf_xet is installed and not turned off (`HF_HUB_DISABLE_XET`), as the library decides."""
    import importlib.util

    from huggingface_hub import constants
    return not constants.HF_HUB_DISABLE_XET and importlib.util.find_spec("hf_xet") is not None


def _fetch_xet(mirror: Mirror, bucket_id: str, waiting: dict[str, list[Entry]], http: HubHttp,
               progress: Progress, token: str | None, log: Log) -> list[str]:
    """Objects fetched through Xet, group by group; stops (saying why, once) at the first
    failure other than a rate limit, leaving the rest to plain HTTP."""
    from huggingface_hub.errors import HfHubHTTPError

    staging = mirror.incoming / "xet"
    keys = sorted(waiting)
    fetched: list[str] = []
    start = 0
    limited = 0
    while start < len(keys):
        group = keys[start:start + XET_GROUP]
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        try:
            _xet_group(bucket_id, [(waiting[k][0], staging / k) for k in group], token)
        except HfHubHTTPError as exc:
            if exc.response is not None and exc.response.status_code == 429:
                http.gate.hold(rate_limit_wait(exc.response.headers, limited, http.policy))
                limited += 1
                continue
            log(f"hub: Xet transfer failed ({told(exc)}); fetching the rest over HTTP")
            break
        except Exception as exc:  # noqa: BLE001 - any Xet failure: the plain resolve URL remains
            log(f"hub: Xet transfer failed ({told(exc)}); fetching the rest over HTTP")
            break
        for key in group:
            entry = waiting[key][0]
            if is_file_of_size(staging / key, entry.size):
                os.replace(staging / key, mirror.incoming / key)
                fetched.append(key)
                progress.add(len(waiting[key]), entry.size, xet=True)
        start += XET_GROUP
    shutil.rmtree(staging, ignore_errors=True)
    return fetched


def _xet_group(bucket_id: str, files: list[tuple[Entry, Path]], token: str | None) -> None:
    """One `download_bucket_files` call, given a deadline: hf_xet bounds its own requests, but
    the library's first request of the group has no timeout, so the call runs in a daemon
    thread that is abandoned (and its staging folder ignored) if it makes no end."""
    from huggingface_hub import BucketFile, HfApi

    items = [(BucketFile(type="file", path=e.path, size=e.size, xetHash=e.hash), str(dest))
             for e, dest in files]
    outcome: list[BaseException | None] = []

    def run() -> None:
        try:
            HfApi().download_bucket_files(bucket_id, items, token=token)
            outcome.append(None)
        except BaseException as exc:  # noqa: BLE001 - handed to the caller
            outcome.append(exc)

    worker = threading.Thread(target=run, name="hub-xet", daemon=True)
    worker.start()
    worker.join(max(XET_MIN_SECONDS, sum(e.size for e, _ in files) / 1e6))
    if not outcome:
        raise TimeoutError("Xet transfer made no end in time")
    if outcome[0] is not None:
        raise outcome[0]


# --- plain HTTP ----------------------------------------------------------------------------------

def _fetch_http(mirror: Mirror, bucket_id: str, waiting: dict[str, list[Entry]], http: HubHttp,
                progress: Progress, *, max_workers: int, show_bar: bool | None
                ) -> dict[str, str | None]:
    result: dict[str, str | None] = {}
    bar = _progress_bar(len(waiting), show_bar)
    lock = threading.Lock()

    def job(key: str, entries: list[Entry]) -> None:
        url = http.api(f"buckets/{bucket_id}/resolve/{quote(entries[0].path)}")
        try:
            size = http.retry(lambda: _stream(http, url, mirror.incoming / key))
        except _NotServed:
            size, outcome = 0, NOT_SERVED
        else:
            outcome = GONE if size is None else key
        with lock:
            result[key] = outcome
        progress.add(len(entries), size or 0)
        if bar is not None:
            bar.update(1)

    try:
        workers = max(1, min(max_workers, len(waiting)))
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="hub-download") as pool:
            futures = [pool.submit(job, key, entries) for key, entries in waiting.items()]
            finished, not_done = wait(futures, return_when=FIRST_EXCEPTION)
            for f in not_done:
                f.cancel()
            for f in finished:
                f.result()   # re-raise the first failure: the sync is not complete
    finally:
        if bar is not None:
            bar.close()
    return result


def _stream(http: HubHttp, url: str, dest: Path) -> int | None:
    """Stream `url` into `dest` (via a .part file). Returns the size, or None on the Hub's 404;
    raises _NotServed on a 404 from the storage host the Hub redirected to."""
    from huggingface_hub.utils import hf_raise_for_status

    part = dest.with_name(f"{dest.name}.{threading.get_ident()}.part")
    try:
        with http.open("GET", url) as response:
            if response.status_code == 404:
                if http.is_hub(str(response.request.url)):
                    return None
                raise _NotServed()
            if response.status_code >= 400:
                response.read()
                hf_raise_for_status(response)
            size = 0
            with open(part, "wb") as fh:
                for chunk in response.iter_bytes(1 << 16):
                    fh.write(chunk)
                    size += len(chunk)
        os.replace(part, dest)
        return size
    finally:
        with contextlib.suppress(FileNotFoundError):
            part.unlink()


class _NotServed(Exception):
    """The storage host answered 404 for a file the Hub lists."""


def _progress_bar(total: int, show: bool | None):
    if show is None:
        show = interactive()
    if not show or total == 0:
        return None
    from tqdm import tqdm
    return tqdm(total=total, unit="file", desc="downloading", file=sys.stderr, leave=False)
