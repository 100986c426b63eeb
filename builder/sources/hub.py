"""A Hugging Face bucket (`hf://buckets/ORG/NAME`) read into an on-disk mirror, incrementally.

`open_hub_bucket` lists the bucket with huggingface_hub (`list_bucket_tree(recursive=True)`,
which follows the `Link` pagination), downloads only the files that are new or whose listed
content hash (`xetHash`) changed, drops the files that disappeared, and returns a `Bucket` over
the mirror folder. Downloads use the bucket's plain resolve URL through the library's shared
HTTP session (hf_xet is not needed, and the Authorization header is dropped by httpx on the
production redirect to the CDN), in parallel with a bound, each with its own bounded retry.

Mirror layout (`cache_dir`):

    state.json     the last COMPLETE sync: bucket id, time, {path: {hash, size}}; written last
    files/         the mirror tree: the Bucket root (only paths named in state.json are trusted)
    incoming/      downloads of the current sync, one object per content hash (`.part` while
                   streaming). A sync that dies here leaves state.json untouched; finished
                   objects are reused by the next sync, `.part` files are discarded.
    pending.json   the commit point: written (atomically) once every download of a sync is in
                   incoming/. It names the new state and what to move or delete. Applying it is
                   idempotent, so a sync that dies while applying is finished by the next open,
                   before anything else (no network needed).
    .lock          an flock, so two builds never sync the same mirror at once

Faults: timeouts, 408/429/5xx and dropped connections are retried with backoff (Retry-After is
honoured). If the sync cannot complete, the last complete mirror is used and the Bucket carries
`as_of` (its sync time); with no complete mirror `HubUnavailable` is raised. Either way the
message is one line, never a traceback, and never contains the token.
"""
from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import random
import re
import shutil
import sys
import threading
import time
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from pathlib import Path, PurePosixPath
from typing import Callable, Iterator
from urllib.parse import quote, urlsplit

from builder.sources import Bucket

Log = Callable[[str], None]

STATE_VERSION = 1
_BUCKET_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*$")
_RETRY_STATUS = frozenset({408, 429, 500, 502, 503, 504})


class HubUnavailable(Exception):
    """The bucket could not be read from the Hub and there is no complete mirror to fall back on."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class HttpPolicy:
    """Timeouts and retries of the requests this module makes itself (bucket info, downloads).

    The listing pages are retried by huggingface_hub's own `http_backoff` (5 retries, 1-8 s
    apart, Retry-After honoured); `timeout` also bounds each of their reads.
    """
    timeout: float = 30.0          # seconds without a byte before a request counts as hung
    retries: int = 4               # retries after the first attempt (waits 1+2+4+8 s)
    backoff: float = 1.0           # first wait; doubles each retry (plus jitter) up to max_backoff
    max_backoff: float = 30.0
    max_retry_after: float = 120.0  # a longer Retry-After is capped to this


# Read at call time, so tests (and callers) can shorten waits without threading a parameter
# through the build: `monkeypatch.setattr(hub, "DEFAULT_POLICY", HttpPolicy(...))`.
DEFAULT_POLICY = HttpPolicy()


@dataclass
class _Counters:
    retries: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def retried(self) -> None:
        with self.lock:
            self.retries += 1


@dataclass(frozen=True)
class _Entry:
    path: str
    hash: str
    size: int


# --- the one public entry point --------------------------------------------------------------

def open_hub_bucket(bucket_id: str, cache_dir: Path, *, token: str | None = None,
                    log: Log = print, max_workers: int = 8, policy: HttpPolicy | None = None,
                    progress: bool | None = None) -> Bucket:
    """Sync the mirror of `bucket_id` in `cache_dir` and return a Bucket over it.

    `token`: None means the library's own choice (HF_TOKEN, then the token saved by
    `hf auth login`). `progress`: None means a progress bar only on an interactive terminal
    outside CI. Raises HubUnavailable only when the Hub fails and no complete mirror exists.
    """
    policy = policy or DEFAULT_POLICY
    bucket_id = bucket_id.strip().strip("/")
    if not _BUCKET_ID.match(bucket_id):
        raise HubUnavailable(f"hf://buckets/{bucket_id} is not a bucket id of the form ORG/NAME")
    mirror = _Mirror(Path(cache_dir), bucket_id)
    redact = _redactor(token)
    started = time.monotonic()
    with mirror.locked():
        mirror.recover()
        previous = mirror.load_state()
        try:
            _install_default_timeout(policy.timeout)
            stats = _sync(mirror, previous, bucket_id, token=token, policy=policy,
                          max_workers=max_workers, progress=progress, log=log)
        except KeyboardInterrupt:
            raise
        except Exception as exc:  # noqa: BLE001 - any failure to sync means: fall back, one line
            reason = redact(_describe(exc, bucket_id))
            if mirror.pending_path.exists():
                # Failed after the commit point (while applying): finish it, or trust nothing.
                with contextlib.suppress(Exception):
                    mirror.recover()
                previous = None if mirror.pending_path.exists() else mirror.load_state()
            if previous is None:
                raise HubUnavailable(
                    f"cannot read bucket {bucket_id} from the Hub ({reason}) and there is no "
                    f"complete mirror in {mirror.root}") from None
            as_of = _parse_time(previous["synced_at"])
            note = (f"the Hub could not be reached for bucket {bucket_id} ({reason}); using the "
                    f"mirror synced at {_fmt_time(as_of)}")
            log(f"hub: {note}")
            return mirror.bucket(previous, as_of=as_of, note=note)
        state = mirror.load_state()
        assert state is not None
        seconds = time.monotonic() - started
        summary = (f"bucket {bucket_id}: {len(state['files']):,} files listed; "
                   f"{stats['downloaded']:,} downloaded ({_fmt_bytes(stats['bytes'])}), "
                   f"{stats['removed']:,} removed, {stats['unchanged']:,} unchanged")
        extras = []
        if stats["skipped"]:
            extras.append(f"{stats['skipped']:,} unusable path(s) skipped")
        if stats["retries"]:
            extras.append(f"{stats['retries']:,} request(s) retried")
        if stats["vanished"]:
            extras.append(f"{stats['vanished']:,} file(s) vanished during the sync")
        line = summary + (f" ({'; '.join(extras)})" if extras else "") + f" in {seconds:.2f}s"
        log(f"hub: {line}")
        return mirror.bucket(state, as_of=None, note=f"Hub {line}")


# --- sync ------------------------------------------------------------------------------------

def _sync(mirror: "_Mirror", previous: dict | None, bucket_id: str, *, token: str | None,
          policy: HttpPolicy, max_workers: int, progress: bool | None, log: Log) -> dict:
    from huggingface_hub import HfApi

    api = HfApi(token=token)
    counters = _Counters()
    # bucket_info is not retried by the library: probe with our own (short, configurable)
    # retries, so a Hub that is down is given up on quickly and the mirror is used.
    _with_retries(lambda: api.bucket_info(bucket_id, token=token), policy, counters)
    listed, skipped = _list(api, bucket_id, token)
    old_files: dict = previous["files"] if previous else {}
    todo: list[_Entry] = []
    unchanged = 0
    for entry in listed.values():
        old = old_files.get(entry.path)
        local = mirror.files / entry.path
        if (old and entry.hash and old.get("hash") == entry.hash and old.get("size") == entry.size
                and _is_file_of_size(local, entry.size)):
            unchanged += 1
        else:
            todo.append(entry)
    removed = sorted(set(old_files) - set(listed))
    fetched, nbytes = _download_all(mirror, bucket_id, todo, token=token, policy=policy,
                                    counters=counters, max_workers=max_workers,
                                    progress=progress)
    new_files = {}
    apply: dict[str, str] = {}
    vanished = 0
    for path, entry in sorted(listed.items()):
        if path in fetched:
            key, size, verified = fetched[path]
            if key is None:           # 404 between the listing and the download: it is gone
                vanished += 1
                continue
            apply[path] = key
            new_files[path] = {"hash": entry.hash if verified else "", "size": size}
        else:
            new_files[path] = {"hash": entry.hash, "size": entry.size}
    deletions = removed + [p for p, v in fetched.items() if v[0] is None and p in old_files]
    state = {"version": STATE_VERSION, "bucket": bucket_id, "synced_at": _fmt_iso(_now()),
             "files": new_files}
    mirror.commit(state, apply=apply, delete=sorted(set(deletions)), reset=previous is None)
    return {"downloaded": len(apply), "bytes": nbytes, "removed": len(set(deletions)),
            "unchanged": unchanged, "skipped": skipped, "retries": counters.retries,
            "vanished": vanished}


def _list(api, bucket_id: str, token: str | None) -> tuple[dict[str, _Entry], int]:
    """Every file of the bucket (all pages, or an exception: never a partial listing)."""
    from huggingface_hub import BucketFile

    raw: dict[str, _Entry] = {}
    for item in api.list_bucket_tree(bucket_id, recursive=True, token=token):
        if isinstance(item, BucketFile):
            raw[item.path] = _Entry(item.path, str(item.xet_hash or ""), int(item.size or 0))
    usable = {p: e for p, e in raw.items() if _usable_path(p)}
    # A path that is also a folder of another path ("a" and "a/b") cannot both be on disk:
    # keep the deeper one (the folder's content), skip the other.
    folders = {str(parent) for p in usable for parent in PurePosixPath(p).parents if str(parent) != "."}
    usable = {p: e for p, e in usable.items() if p not in folders}
    return usable, len(raw) - len(usable)


def _usable_path(path: str) -> bool:
    """A relative posix path that stays in the mirror and is not hidden (parity with open_local)."""
    if not path or len(path) > 1024 or "\\" in path or "\x00" in path or path.startswith("/"):
        return False
    parts = path.split("/")
    return all(part and part not in (".", "..") and not part.startswith(".")
               and len(part.encode("utf-8", "surrogatepass")) <= 255 for part in parts)


# --- downloads -------------------------------------------------------------------------------

def _download_all(mirror: "_Mirror", bucket_id: str, todo: list[_Entry], *, token: str | None,
                  policy: HttpPolicy, counters: _Counters, max_workers: int,
                  progress: bool | None) -> tuple[dict[str, tuple[str | None, int, bool]], int]:
    """Fetch `todo` into incoming/. Returns {path: (object key or None if gone, size, verified)}
    and the bytes downloaded. Content shared by several paths is fetched once."""
    from huggingface_hub import constants
    from huggingface_hub.utils import build_hf_headers

    result: dict[str, tuple[str | None, int, bool]] = {}
    if not todo:
        return result, 0
    mirror.incoming.mkdir(parents=True, exist_ok=True)
    headers = build_hf_headers(token=token)
    by_key: dict[str, list[_Entry]] = {}
    for entry in todo:
        key = _object_key(entry.hash) if entry.hash else _object_key("path:" + entry.path)
        by_key.setdefault(key, []).append(entry)
    jobs = []
    for key, entries in by_key.items():
        obj = mirror.incoming / key
        if entries[0].hash and _is_file_of_size(obj, entries[0].size):
            for e in entries:  # finished by an earlier, interrupted sync
                result[e.path] = (key, e.size, True)
        else:
            jobs.append((key, entries))
    total_bytes = 0
    bar = _progress_bar(len(jobs), progress)
    lock = threading.Lock()

    def job(key: str, entries: list[_Entry]) -> None:
        nonlocal total_bytes
        first = entries[0]
        url = f"{constants.ENDPOINT}/buckets/{bucket_id}/resolve/{quote(first.path)}"
        size = _with_retries(lambda: _fetch(url, headers, mirror.incoming / key, policy),
                             policy, counters)
        with lock:
            if size is None:
                for e in entries:
                    result[e.path] = (None, 0, False)
            else:
                total_bytes += size
                for e in entries:
                    result[e.path] = (key, size, size == e.size)
        if bar is not None:
            bar.update(1)

    try:
        workers = max(1, min(max_workers, len(jobs)))
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="hub-download") as pool:
            futures = [pool.submit(job, key, entries) for key, entries in jobs]
            done, not_done = wait(futures, return_when=FIRST_EXCEPTION)
            for f in not_done:
                f.cancel()
            for f in done:
                f.result()   # re-raise the first failure: the sync is not complete
    finally:
        if bar is not None:
            bar.close()
    return result, total_bytes


def _fetch(url: str, headers: dict, dest: Path, policy: HttpPolicy) -> int | None:
    """Stream `url` into `dest` (via a .part file). Returns the size, or None on a 404."""
    import httpx2
    from huggingface_hub.utils import get_session

    part = dest.with_name(f"{dest.name}.{threading.get_ident()}.part")
    try:
        with get_session().stream("GET", url, headers=headers,
                                  timeout=httpx2.Timeout(policy.timeout)) as response:
            if response.status_code == 404:
                return None
            if response.status_code in _RETRY_STATUS:
                raise _RetryableStatus(response.status_code, _retry_after(response.headers))
            response.raise_for_status()
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


class _RetryableStatus(Exception):
    def __init__(self, status: int, retry_after: float | None):
        super().__init__(f"HTTP {status}")
        self.status = status
        self.retry_after = retry_after


def _with_retries(call, policy: HttpPolicy, counters: _Counters):
    """Run `call`, retrying transient failures: timeouts, dropped connections, 408/429/5xx."""
    attempt = 0
    while True:
        try:
            return call()
        except Exception as exc:  # noqa: BLE001 - classified just below
            retry_after, transient = _transient(exc)
            if not transient or attempt >= policy.retries:
                raise
            delay = min(policy.max_backoff, policy.backoff * (2 ** attempt))
            delay += random.uniform(0, policy.backoff / 2)
            if retry_after is not None:
                delay = max(delay, min(retry_after, policy.max_retry_after))
            attempt += 1
            counters.retried()
            time.sleep(delay)


def _transient(exc: BaseException) -> tuple[float | None, bool]:
    import httpx2
    from huggingface_hub.errors import HfHubHTTPError

    if isinstance(exc, _RetryableStatus):
        return exc.retry_after, True
    if isinstance(exc, (httpx2.TimeoutException, httpx2.NetworkError, httpx2.RemoteProtocolError)):
        return None, True
    if isinstance(exc, HfHubHTTPError) and exc.response is not None:
        if exc.response.status_code in _RETRY_STATUS:
            return _retry_after(exc.response.headers), True
        return None, False
    # The library closes its shared client after a connection error (http_backoff), which can
    # break a request another thread is making with it: retry on a fresh client.
    if isinstance(exc, RuntimeError) and "closed" in str(exc).lower():
        return None, True
    return None, False


def _retry_after(headers) -> float | None:
    value = (headers.get("Retry-After") or "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - _now()).total_seconds())


def _progress_bar(total: int, progress: bool | None):
    if progress is None:
        progress = (sys.stderr.isatty() and not os.environ.get("CI")
                    and not os.environ.get("HF_HUB_DISABLE_PROGRESS_BARS"))
    if not progress or total == 0:
        return None
    from tqdm import tqdm
    return tqdm(total=total, unit="file", desc="downloading", file=sys.stderr, leave=False)


# --- default timeout for the library's own GETs ----------------------------------------------

_DEFAULT_TIMEOUT = [30.0]
_TIMEOUT_LOCK = threading.Lock()
_TIMEOUT_INSTALLED = [False]


def _install_default_timeout(seconds: float) -> None:
    """Give the library's GET/HEAD requests a timeout when they were sent without one.

    huggingface_hub 2.4.0's client has `timeout=None`, and `list_bucket_tree`/`bucket_info` pass
    no timeout, so one hung response would hang the build forever. A request event hook (on a
    client made by the library's own factory, installed with its public `set_client_factory`)
    fills in `seconds` for GET/HEAD requests whose timeout is unset; POSTs (commits, uploads)
    and requests that set their own timeout are left alone.
    """
    _DEFAULT_TIMEOUT[0] = float(seconds)
    with _TIMEOUT_LOCK:
        if _TIMEOUT_INSTALLED[0]:
            return
        from huggingface_hub.utils import _http, set_client_factory

        base_factory = getattr(_http, "default_client_factory", None)
        if base_factory is None:  # a future library without it: leave the client alone
            return

        def factory():
            client = base_factory()
            client.event_hooks["request"].append(_fill_timeout)
            return client

        set_client_factory(factory)
        _TIMEOUT_INSTALLED[0] = True


def _fill_timeout(request) -> None:
    if request.method not in ("GET", "HEAD"):
        return
    timeout = request.extensions.get("timeout") or {}
    if all(v is None for v in timeout.values()):
        t = _DEFAULT_TIMEOUT[0]
        request.extensions["timeout"] = {"connect": t, "read": t, "write": t, "pool": t}


# --- the mirror on disk ----------------------------------------------------------------------

class _Mirror:
    def __init__(self, root: Path, bucket_id: str):
        self.root = root
        self.bucket_id = bucket_id
        self.files = root / "files"
        self.incoming = root / "incoming"
        self.state_path = root / "state.json"
        self.pending_path = root / "pending.json"

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / ".lock", "a+") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def load_state(self) -> dict | None:
        """The last complete sync of THIS bucket, or None."""
        try:
            state = json.loads(self.state_path.read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError, OSError):
            return None
        if (not isinstance(state, dict) or state.get("version") != STATE_VERSION
                or state.get("bucket") != self.bucket_id or not isinstance(state.get("files"), dict)
                or _parse_time(state.get("synced_at")) is None):
            return None
        return state

    def bucket(self, state: dict, *, as_of: datetime | None, note: str) -> Bucket:
        files = tuple(sorted(p for p, meta in state["files"].items()
                             if _usable_path(p) and _is_file_of_size(self.files / p, meta.get("size"))))
        return Bucket(root=self.files, files=files, as_of=as_of, note=note)

    def commit(self, state: dict, *, apply: dict[str, str], delete: list[str], reset: bool) -> None:
        """Make `state` the mirror's: the commit point is pending.json; applying is idempotent."""
        pending = {"state": state, "apply": apply, "delete": delete, "reset": reset}
        _atomic_write(self.pending_path, json.dumps(pending).encode())
        self._apply(pending)

    def recover(self) -> None:
        """Finish a sync that died after its commit point; discard one that died before it."""
        if self.pending_path.exists():
            try:
                pending = json.loads(self.pending_path.read_text(encoding="utf-8"))
                ok = all((self.incoming / key).is_file() for key in pending["apply"].values())
            except (ValueError, KeyError, AttributeError, OSError):
                ok = False
            if ok:
                self._apply(pending)
            else:  # cannot happen unless someone edited the cache: trust nothing
                with contextlib.suppress(FileNotFoundError):
                    self.state_path.unlink()
                self.pending_path.unlink()
        if self.incoming.is_dir():
            for part in self.incoming.glob("*.part"):
                with contextlib.suppress(FileNotFoundError):
                    part.unlink()

    def _apply(self, pending: dict) -> None:
        if pending.get("reset"):
            shutil.rmtree(self.files, ignore_errors=True)
        for path in pending["delete"]:
            target = self.files / path
            if target.is_dir() and not target.is_symlink():
                shutil.rmtree(target, ignore_errors=True)
            else:
                with contextlib.suppress(FileNotFoundError):
                    target.unlink()
            self._prune(target.parent)
        for path, key in pending["apply"].items():
            self._place(self.incoming / key, self.files / path)
        _atomic_write(self.state_path, json.dumps(pending["state"], sort_keys=True).encode())
        self.pending_path.unlink()
        shutil.rmtree(self.incoming, ignore_errors=True)

    def _place(self, obj: Path, target: Path) -> None:
        self.files.mkdir(parents=True, exist_ok=True)
        rel = target.relative_to(self.files)
        here = self.files
        for part in rel.parts[:-1]:   # a file (or link) where a folder is needed: remove it
            here = here / part
            if here.is_symlink() or (here.exists() and not here.is_dir()):
                here.unlink()
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.is_dir() and not target.is_symlink():
            shutil.rmtree(target)
        tmp = target.with_name(target.name + ".collab-tmp")
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        try:
            os.link(obj, tmp)
        except OSError:
            shutil.copyfile(obj, tmp)
        os.replace(tmp, target)

    def _prune(self, folder: Path) -> None:
        while folder != self.files and folder.is_relative_to(self.files):
            try:
                folder.rmdir()
            except OSError:
                return
            folder = folder.parent


# --- small helpers ---------------------------------------------------------------------------

def _object_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _is_file_of_size(path: Path, size) -> bool:
    try:
        st = path.lstat()
    except OSError:
        return False
    import stat as _stat
    return _stat.S_ISREG(st.st_mode) and (size is None or st.st_size == size)


def _atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _fmt_iso(when: datetime) -> str:
    return when.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _fmt_time(when: datetime) -> str:
    return when.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def _parse_time(text) -> datetime | None:
    if not isinstance(text, str):
        return None
    try:
        return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc)
    except ValueError:
        return None


def _fmt_bytes(n: int) -> str:
    size = float(n)
    for unit in ("B", "kB", "MB", "GB"):
        if size < 1000 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1000
    return f"{n} B"


def _describe(exc: BaseException, bucket_id: str) -> str:
    """One line naming what failed, without URLs' query strings or headers."""
    import httpx2
    from huggingface_hub.errors import BucketNotFoundError, HfHubHTTPError

    if isinstance(exc, BucketNotFoundError):
        return ("bucket not found, or private and no token with access was given "
                "(set HF_TOKEN or run `hf auth login`)")
    if isinstance(exc, HfHubHTTPError) and exc.response is not None:
        r = exc.response
        status = r.status_code
        where = _where(str(r.request.url)) if r.request is not None else ""
        hint = {401: " (the token was refused)", 403: " (the token has no access)",
                429: " (rate limited)"}.get(status, "")
        return f"HTTP {status}{hint} from {where}".strip()
    if isinstance(exc, _RetryableStatus):
        return f"HTTP {exc.status} after retries"
    if isinstance(exc, httpx2.TimeoutException):
        return f"timed out{_at(exc)}"
    if isinstance(exc, httpx2.ConnectError):
        return f"connection failed{_at(exc)}"
    if isinstance(exc, (httpx2.NetworkError, httpx2.RemoteProtocolError)):
        return f"connection dropped{_at(exc)}"
    first = (str(exc).strip().splitlines() or [""])[0][:200]
    return f"{type(exc).__name__}: {first}" if first else type(exc).__name__


def _at(exc) -> str:
    try:
        return f" at {_where(str(exc.request.url))}"
    except (AttributeError, RuntimeError):
        return ""


def _where(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}"


def _redactor(token: str | None) -> Callable[[str], str]:
    secrets = {token} if token else set()
    with contextlib.suppress(Exception):
        from huggingface_hub import get_token
        implicit = get_token()
        if implicit:
            secrets.add(implicit)
    secrets = {s for s in secrets if isinstance(s, str) and len(s) >= 4}

    def redact(text: str) -> str:
        for s in secrets:
            text = text.replace(s, "***")
        return re.sub(r"(?i)bearer\s+\S+", "Bearer ***", text)

    return redact
