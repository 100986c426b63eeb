"""A fake Hugging Face Hub for the tests: the HTTP surface huggingface_hub 2.4.0 uses for buckets
and static Spaces, on 127.0.0.1, standard library only, as strict as the real one where it
matters to us:

* bucket resolves, and repo resolves of LFS files, answer 302 to a second host (another port:
  the storage CDN) with a signed, expiring query; that host checks the signature and logs the
  token it was sent (it must get none);
* preupload takes at most 256 files per request, paths-info 1000 paths;
* a renamed Space (`hub.renamed[old] = new`) answers every request to its old address with a
  307 to the new one (relative, as the Hub redirects a renamed repo's downloads; for its API
  requests unverified), which keeps its method;
* rate limits per fixed window (`hub.rate_limit(...)`), said only with the IETF `RateLimit` and
  `RateLimit-Policy` headers (no Retry-After), on every answer of the limited routes; the
  windows follow `hub.clock`, the real monotonic clock unless a test gives the fake and the
  client one `VirtualClock` (tests/hub_fixtures.py: `hub_clock`);
* repo tree entries carry `lfs` (sha256) and `xetHash` for binary or large files, preupload
  answers "lfs" for them, the LFS batch/upload/verify endpoints store their bytes, and a commit
  may only reference uploaded LFS objects;
* a commit larger than `hub.max_commit_files` operations or `hub.max_commit_bytes` of payload is
  refused (413), and a stale `parentCommit` gets a 412;
* a Space created with `add_space(..., empty=True)` has no revision yet (tree: RevisionNotFound);
* without a token, a private repo answers 401 RepoNotFound, as a missing one does (with a
  token, a missing repo is a 404): anonymously, "private" and "missing" look the same;
* a Space's sdk is the `sdk:` of its README.md card: a commit of a new card changes it;
* a token of a user in `hub.read_only` (a "read" token) reads what it may see, and every write
  (create a repo, preupload, commit, LFS batch) gets a 403, as the Hub answers a read token.

Importing this module does not import huggingface_hub. State lives in memory behind one lock:
`hub.buckets[id]` ({path: bytes}), `hub.repos[("spaces", id)]` (files, sha, sdk, private),
`hub.commits` (every commit payload, parsed) and `hub.log` (every request, to either host:
method, raw path, route, status, and the bearer token it carried, so tests can check where a
token went).

Faults: `hub.inject(route, kind, times=1, ...)` makes the next `times` requests to `route`
(optionally only those whose path contains `match`, and after letting `skip` of them through)
fail as `kind`:
  "503"      a 503 answer                     "429"   a 429 with Retry-After: `retry_after`
  "hang"     no answer for `hang` seconds, then the connection is closed
  "drop"     the connection is closed without an answer
  "truncate" headers and half the body, then the connection is closed
  "garbage"  a 200 whose JSON body is an entry without required keys (a broken listing page)
  "status"   an answer with status `status` (e.g. 400 for a cursor the server no longer knows)
  "lost"     the request is carried out, but the answer is a 502 (a gateway lost it)
`hub.down = True` answers 503 to everything until set back.

Routes (names used by `inject`): whoami, validate_yaml, harnesses, bucket_info, bucket_tree,
bucket_paths_info, bucket_resolve, xet, repo_create, repo_info, repo_tree, preupload, commit,
repo_resolve, lfs_batch, lfs_upload, lfs_verify, and "cdn" (the storage host); "*" matches every
route of the Hub itself.
"""
from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import json
import math
import os
import re
import socket
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable
from urllib.parse import parse_qs, quote, unquote, urlsplit

DEFAULT_TOKEN = "hf_fake_token_0123456789abcdef"
DEFAULT_USER = "fake-user"
_EPOCH = datetime(2026, 6, 1, 12, 0, tzinfo=timezone.utc)
_LFS_SUFFIXES = (".bin", ".zip", ".gz", ".png", ".jpg", ".ico", ".woff", ".woff2", ".wasm", ".parquet")


def _iso(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%S.000Z")


_DATE = _iso(_EPOCH)


def git_blob_sha1(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def lfs_pointer(data: bytes) -> bytes:
    return (f"version https://git-lfs.github.com/spec/v1\noid sha256:{hashlib.sha256(data).hexdigest()}\n"
            f"size {len(data)}\n").encode()


@dataclass
class Request:
    method: str
    path: str            # raw request target, query included
    route: str
    token: str | None    # the bearer token sent, if any
    status: int = 0      # -1 hung, -2 dropped, -3 truncated
    body: bytes = b""
    arrived: float = 0.0     # hub.clock() when it arrived
    host: str = "hub"    # "hub", or "cdn" for the storage host
    in_flight: bool = True


class VirtualClock:
    """A monotonic clock that moves only when the client waits, and then at once.

    A rate-limit window of the fake and the client's wait for its reset are then the same
    figures on every machine: under load, real time passing between two requests could end a
    window the test needed full. Time moves when every thread inside a request (`busy`, around
    each of the client's requests) is asleep on the clock, to the earliest moment one of them
    waits for: answers already on their way are read in the window they were given in, as on
    an idle machine where a request takes milliseconds and a window seconds.
    """

    PATIENCE = 30.0      # real seconds a sleeper waits for the busy threads before failing

    def __init__(self) -> None:
        self._now = 0.0
        self._read: dict[int, float] = {}       # thread -> the time it last read
        self._busy: dict[int, int] = {}         # thread -> requests it is inside of
        self._sleeping: dict[int, float] = {}   # thread -> the time it sleeps until
        self._changed = threading.Condition()
        self.slept: list[float] = []            # every sleep asked for, in seconds

    def monotonic(self) -> float:
        with self._changed:
            self._read[threading.get_ident()] = self._now
            return self._now

    def sleep(self, seconds: float) -> None:
        me = threading.get_ident()
        with self._changed:
            until = self._read.pop(me, self._now) + max(0.0, seconds)
            self.slept.append(seconds)
            self._sleeping[me] = until
            try:
                while self._now < until:
                    if self._all_busy_asleep() and min(self._sleeping.values()) > self._now:
                        self._now = min(self._sleeping.values())
                        self._changed.notify_all()
                    elif not self._changed.wait(self.PATIENCE):
                        raise TimeoutError("a request of the client never ended while another waited")
            finally:
                del self._sleeping[me]
                self._changed.notify_all()

    def _all_busy_asleep(self) -> bool:
        return self._sleeping.keys() >= self._busy.keys()

    @contextlib.contextmanager
    def busy(self):
        """Around one request of the client: time stands still until it ends or sleeps."""
        me = threading.get_ident()
        with self._changed:
            self._busy[me] = self._busy.get(me, 0) + 1
        try:
            yield
        finally:
            with self._changed:
                self._busy[me] -= 1
                if not self._busy[me]:
                    del self._busy[me]
                self._changed.notify_all()


@dataclass
class Fault:
    route: str
    kind: str
    times: int
    match: str | None = None
    retry_after: int = 1
    hang: float = 5.0
    status: int = 400
    skip: int = 0        # matching requests let through before the fault begins


@dataclass
class Commit:
    repo: str
    summary: str
    description: str
    parent: str | None
    files: list[str]            # paths added or updated ("file" and "lfsFile" lines)
    deleted: list[str]          # "deletedFile" and "deletedFolder" lines
    lines: int                  # NDJSON lines including the header
    token: str | None
    lfs: list[str] = field(default_factory=list)   # the paths of "lfsFile" lines
    payload_bytes: int = 0
    oid: str = ""               # the commit made


@dataclass
class Repo:
    files: dict[str, bytes]
    sha: str | None             # None: no commit yet (an empty repository)
    sdk: str | None = None
    private: bool = False
    lfs: set[str] = field(default_factory=set)     # paths stored through LFS


@dataclass
class Bucket:
    files: dict[str, bytes] = field(default_factory=dict)
    private: bool = False
    times: dict[str, str] = field(default_factory=dict)


@dataclass
class RateLimit:
    name: str                   # the resource named in the headers ("resolvers", "api")
    limit: int                  # requests per window
    window: int                 # seconds
    routes: tuple[str, ...]
    started: float | None = None
    count: int = 0
    refused: int = 0


class FakeHub:
    def __init__(self, port: int, *, tokens: dict[str, str] | None = None, cdn_port: int = 0):
        self.port = port
        self.endpoint = f"http://127.0.0.1:{port}"
        self.lock = threading.RLock()
        self._stop = threading.Event()
        self._secret = os.urandom(16)
        self.tokens = dict(tokens or {DEFAULT_TOKEN: DEFAULT_USER})
        self.reset()
        self._server = _Server(("127.0.0.1", port), _Handler)
        self._server.hub = self
        self._cdn = _Server(("127.0.0.1", cdn_port), _CdnHandler)
        self._cdn.hub = self
        self.cdn_endpoint = f"http://127.0.0.1:{self._cdn.server_address[1]}"
        self._threads = [threading.Thread(target=srv.serve_forever, name=f"fake-{name}", daemon=True)
                         for name, srv in (("hub", self._server), ("cdn", self._cdn))]

    # --- lifecycle -------------------------------------------------------------------------
    def start(self) -> "FakeHub":
        for t in self._threads:
            t.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        for srv in (self._server, self._cdn):
            srv.shutdown()
            srv.server_close()

    def reset(self) -> None:
        with self.lock:
            self.buckets: dict[str, Bucket] = {}
            self.repos: dict[tuple[str, str], Repo] = {}
            self.lfs_objects: dict[str, bytes] = {}
            self.blobs: dict[str, bytes] = {}     # sha256 -> bytes of every bucket file stored
            self.commits: list[Commit] = []
            self.log: list[Request] = []
            self.faults: list[Fault] = []
            self.rate_limits: list[RateLimit] = []
            self.down = False
            self.clock: Callable[[], float] = time.monotonic
            self.bucket_page_size = 1000
            self.repo_page_size = 1000
            self.redirect_resolve = True       # resolves answer 302 to the storage host
            self.renamed: dict[str, str] = {}  # old Space id -> new: its URLs answer 307
            self.lfs_threshold = 10_000_000    # files this large (or binary) are LFS in repos
            self.max_commit_files = 1000
            self.max_commit_bytes = 100_000_000
            self.read_only: set[str] = set()      # users whose token may only read
            self._counter = 0
            self._tick = 0
            self.delay: dict[str, float] = {}     # route -> seconds to wait before answering
            self.inflight: dict[str, int] = {}
            self.max_inflight: dict[str, int] = {}

    # --- state helpers for tests -----------------------------------------------------------
    def add_bucket(self, bucket_id: str, files: dict[str, bytes | str] | None = None, *,
                   private: bool = False) -> Bucket:
        with self.lock:
            b = Bucket({p: _b(d) for p, d in (files or {}).items()}, private)
            b.times = {p: _DATE for p in b.files}
            self.buckets[bucket_id] = b
            for data in b.files.values():
                self.blobs[hashlib.sha256(data).hexdigest()] = data
            return b

    def put(self, bucket_id: str, path: str, data: bytes | str) -> None:
        """Upload one file; its upload time is a minute after the previous upload's."""
        with self.lock:
            self._tick += 1
            b = self.buckets[bucket_id]
            b.files[path] = _b(data)
            self.blobs[hashlib.sha256(b.files[path]).hexdigest()] = b.files[path]
            b.times[path] = _iso(_EPOCH + timedelta(minutes=self._tick))

    def remove(self, bucket_id: str, path: str) -> None:
        with self.lock:
            del self.buckets[bucket_id].files[path]
            self.buckets[bucket_id].times.pop(path, None)

    def add_space(self, space_id: str, files: dict[str, bytes | str] | None = None, *,
                  private: bool = False, sdk: str = "static", empty: bool = False) -> Repo:
        """A Space seeded as the Hub seeds a new one, or with `files`, or with no commit at all."""
        with self.lock:
            content = {} if empty else (files if files is not None else _seed_files(space_id, sdk))
            repo = Repo({p: _b(d) for p, d in content.items()},
                        None if empty else self._next_sha(), sdk, private)
            self.repos[("spaces", space_id)] = repo
            return repo

    def space_files(self, space_id: str) -> dict[str, bytes]:
        with self.lock:
            return dict(self.repos[("spaces", space_id)].files)

    def rate_limit(self, name: str, limit: int, window: int,
                   routes: tuple[str, ...] = ("bucket_resolve",)) -> RateLimit:
        """At most `limit` requests to `routes` per fixed `window` seconds; beyond: 429."""
        with self.lock:
            rl = RateLimit(name, limit, window, routes)
            self.rate_limits.append(rl)
            return rl

    def inject(self, route: str, kind: str, times: int = 1, *, match: str | None = None,
               retry_after: int = 1, hang: float = 5.0, status: int = 400, skip: int = 0) -> None:
        assert kind in {"503", "429", "hang", "drop", "truncate", "garbage", "status", "lost"}, kind
        with self.lock:
            self.faults.append(Fault(route, kind, times, match, retry_after, hang, status, skip))

    def requests(self, route: str | None = None, method: str | None = None) -> list[Request]:
        with self.lock:
            return [r for r in self.log if (route is None or r.route == route)
                    and (method is None or r.method == method)]

    def clear_log(self) -> None:
        with self.lock:
            self.log.clear()
            self.commits.clear()

    def _next_sha(self) -> str:
        self._counter += 1
        return hashlib.sha1(f"commit-{self._counter}-{time.time_ns()}".encode()).hexdigest()

    def _take_fault(self, route: str, path: str) -> Fault | None:
        with self.lock:
            if self.down and route != "cdn":
                return Fault(route, "503", 1)
            for f in self.faults:
                if f.times > 0 and (f.route == route or (f.route == "*" and route != "cdn")) \
                        and (f.match is None or f.match in path):
                    if f.skip > 0:
                        f.skip -= 1
                        continue
                    f.times -= 1
                    return f
        return None

    def _rate(self, route: str) -> tuple[bool, dict[str, str]]:
        """Count a request against the rate limits of its route: (allowed, RateLimit headers)."""
        with self.lock:
            for rl in self.rate_limits:
                if route not in rl.routes:
                    continue
                now = self.clock()
                if rl.started is None or now >= rl.started + rl.window:
                    rl.started, rl.count = now, 0
                reset = max(1, math.ceil(rl.started + rl.window - now))
                headers = {"RateLimit-Policy": f'"fixed window";"{rl.name}";q={rl.limit};w={rl.window}'}
                if rl.count >= rl.limit:
                    rl.refused += 1
                    headers["RateLimit"] = f'"{rl.name}";r=0;t={reset}'
                    return False, headers
                rl.count += 1
                headers["RateLimit"] = f'"{rl.name}";r={rl.limit - rl.count};t={reset}'
                return True, headers
        return True, {}

    # --- the storage host's signed URLs ----------------------------------------------------
    def signed_url(self, sha256: str) -> str:
        expires = str(int(time.time()) + 3600)
        path = f"/xet-bridge/{sha256}"
        sig = hmac.new(self._secret, f"{path}\n{expires}".encode(), "sha256").hexdigest()
        return (f"{self.cdn_endpoint}{path}?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=3600"
                f"&Expires={expires}&X-Amz-Signature={sig}")

    def _signed_ok(self, path: str, query: dict) -> bool:
        expires = query.get("Expires", "")
        sig = hmac.new(self._secret, f"{path}\n{expires}".encode(), "sha256").hexdigest()
        return (expires.isdigit() and int(expires) > time.time()
                and hmac.compare_digest(sig, query.get("X-Amz-Signature", "")))

    def _blob(self, sha256: str) -> bytes | None:
        with self.lock:
            return self.blobs.get(sha256) or self.lfs_objects.get(sha256)


def _b(data: bytes | str) -> bytes:
    return data.encode() if isinstance(data, str) else data


def _seed_files(space_id: str, sdk: str) -> dict[str, bytes]:
    """What the Hub puts in a new Space (approximately: the exact seed is unverified)."""
    name = space_id.split("/")[-1]
    return {
        ".gitattributes": b"*.bin filter=lfs diff=lfs merge=lfs -text\n*.zip filter=lfs diff=lfs merge=lfs -text\n",
        "README.md": (f"---\ntitle: {name}\nemoji: \U0001F680\ncolorFrom: gray\ncolorTo: blue\n"
                      f"sdk: {sdk}\npinned: false\n---\n\nEdit this README.md\n").encode(),
    }


def _card_sdk(card: bytes) -> str | None:
    """The `sdk:` of a Space card's front matter: what the Hub says the Space runs."""
    text = card.decode("utf-8", "replace")
    end = text.find("\n---", 3)
    if not text.startswith("---") or end < 0:
        return None
    found = re.search(r"^sdk:[ \t]*['\"]?([A-Za-z0-9_-]+)", text[3:end], re.MULTILINE)
    return found.group(1) if found else None


def _wants_lfs(hub: FakeHub, path: str, size: int, sample: bytes) -> bool:
    """The Hub's choice, roughly: binary-looking, large, or an LFS file type."""
    return b"\x00" in sample[:512] or size >= hub.lfs_threshold or path.lower().endswith(_LFS_SUFFIXES)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    hub: FakeHub

    def handle_error(self, request, client_address):
        """A client that went away mid-answer (it timed out, or closed a 503 unread) is normal
        for a server, and not printed into the test's output; anything else is."""
        import sys
        if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)


class _Reply(Exception):
    def __init__(self, status: int, body=None, headers: dict | None = None, *,
                 error_code: str | None = None, message: str | None = None):
        super().__init__(status)
        self.status = status
        self.body = body
        self.headers = dict(headers or {})
        if error_code:
            self.headers["X-Error-Code"] = error_code
        if message:
            self.headers["X-Error-Message"] = message
            if body is None:
                self.body = {"error": message}


_ID = r"([^/?]+/[^/?]+)"
_ROUTES: list[tuple[str, str, re.Pattern]] = [
    ("GET", "whoami", re.compile(r"^/api/whoami-v2$")),
    ("POST", "validate_yaml", re.compile(r"^/api/validate-yaml$")),
    ("GET", "harnesses", re.compile(r"^/api/agent-harnesses$")),
    ("GET", "xet", re.compile(rf"^/api/(?:buckets|spaces|models|datasets)/{_ID}/xet-(?:read|write)-token(?:/.*)?$")),
    ("GET", "bucket_tree", re.compile(rf"^/api/buckets/{_ID}/tree(?:/(.*))?$")),
    ("POST", "bucket_paths_info", re.compile(rf"^/api/buckets/{_ID}/paths-info$")),
    ("GET", "bucket_info", re.compile(rf"^/api/buckets/{_ID}$")),
    ("GETHEAD", "bucket_resolve", re.compile(rf"^/buckets/{_ID}/resolve/(.+)$")),
    ("POST", "repo_create", re.compile(r"^/api/repos/create$")),
    ("GET", "repo_tree", re.compile(rf"^/api/(spaces|datasets|models)/{_ID}/tree/([^/]+)(?:/(.*))?$")),
    ("POST", "preupload", re.compile(rf"^/api/(spaces|datasets|models)/{_ID}/preupload/([^/]+)$")),
    ("POST", "commit", re.compile(rf"^/api/(spaces|datasets|models)/{_ID}/commit/([^/]+)$")),
    ("GET", "repo_info", re.compile(rf"^/api/(spaces|datasets|models)/{_ID}(?:/revision/([^/]+))?$")),
    ("GETHEAD", "repo_resolve", re.compile(rf"^/(spaces|datasets)/{_ID}/resolve/([^/]+)/(.+)$")),
    ("POST", "lfs_batch", re.compile(rf"^/(spaces|datasets)/{_ID}\.git/info/lfs/objects/batch$")),
    ("PUT", "lfs_upload", re.compile(r"^/lfs-store/([0-9a-f]{64})$")),
    ("POST", "lfs_verify", re.compile(r"^/lfs-verify/([0-9a-f]{64})$")),
]


class _BaseHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True   # headers and body go out in two writes: no 40 ms stalls
    server: _Server

    def log_message(self, format, *args):  # quiet
        pass

    def _read_request(self) -> tuple[bytes, str | None]:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        auth = self.headers.get("Authorization") or ""
        token = auth[7:].strip() if auth.lower().startswith("bearer ") else None
        return body, token

    def _send(self, reply: _Reply, record: Request, *, head: bool = False) -> None:
        body = reply.body
        headers = dict(reply.headers)
        if isinstance(body, (dict, list)):
            data = json.dumps(body).encode()
            headers.setdefault("Content-Type", "application/json")
        elif body is None:
            data = b""
        else:
            data = _b(body)
        record.status = reply.status
        self._leave(record)
        self.send_response(reply.status)
        for k, v in headers.items():
            self.send_header(k, str(v))
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if not head:
            self.wfile.write(data)

    def _leave(self, record: Request) -> None:
        """The request no longer counts as in flight: called once its answer is decided, before
        the client can read it (a client may send its next request before this thread ends)."""
        hub = self.server.hub
        with hub.lock:
            if record.in_flight:
                record.in_flight = False
                hub.inflight[record.route] = hub.inflight.get(record.route, 1) - 1

    def _fault(self, fault: Fault, record: Request) -> None:
        hub = self.server.hub
        if fault.kind == "503":
            self._send(_Reply(503, {"error": "Service Unavailable (fake)"}), record)
        elif fault.kind == "429":
            self._send(_Reply(429, {"error": "Too Many Requests (fake)"},
                              {"Retry-After": str(fault.retry_after)}), record)
        elif fault.kind == "hang":
            record.status = -1
            hub._stop.wait(fault.hang)
            self._drop()
        elif fault.kind == "drop":
            record.status = -2
            self._drop()
        elif fault.kind == "garbage":
            self._send(_Reply(200, [{"type": "file", "path": "broken-entry"}]), record)
        elif fault.kind == "status":
            where = f"{hub.cdn_endpoint if record.host == 'cdn' else hub.endpoint}{record.path}"
            self._send(_Reply(fault.status, {"error": f"fake {fault.status} for {where}"}), record)
        elif fault.kind == "truncate":
            record.status = -3
            self.send_response(200)
            self.send_header("Content-Length", "1000")
            self.end_headers()
            self.wfile.write(b"x" * 500)
            self.wfile.flush()
            self._drop()

    def _drop(self) -> None:
        self.close_connection = True
        try:
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


class _CdnHandler(_BaseHandler):
    """The storage host bucket resolves redirect to: bytes for a valid signed URL, nothing else."""

    def do_GET(self):
        self._serve(head=False)

    def do_HEAD(self):
        self._serve(head=True)

    def _serve(self, head: bool) -> None:
        hub = self.server.hub
        _, token = self._read_request()
        split = urlsplit(self.path)
        record = Request("HEAD" if head else "GET", self.path, "cdn", token, host="cdn", in_flight=False,
                         arrived=hub.clock())
        with hub.lock:
            hub.log.append(record)
        fault = hub._take_fault("cdn", self.path)
        if fault is not None:
            self._fault(fault, record)
            return
        query = {k: v[-1] for k, v in parse_qs(split.query).items()}
        m = re.match(r"^/xet-bridge/([0-9a-f]{64})$", split.path)
        data = hub._blob(m.group(1)) if m else None
        if not m or not hub._signed_ok(split.path, query):
            self._send(_Reply(403, f"<Error><Code>AccessDenied</Code><Resource>{self.path}</Resource></Error>"),
                       record, head=head)
        elif data is None:
            self._send(_Reply(404, "<Error><Code>NoSuchKey</Code></Error>"), record, head=head)
        else:
            self._send(_Reply(200, data, {"Content-Type": "application/octet-stream"}), record, head=head)


class _Handler(_BaseHandler):
    def do_GET(self):
        self._dispatch("GET")

    def do_HEAD(self):
        self._dispatch("HEAD")

    def do_POST(self):
        self._dispatch("POST")

    def do_PUT(self):
        self._dispatch("PUT")

    def _dispatch(self, method: str) -> None:
        hub = self.server.hub
        raw = self.path
        split = urlsplit(raw)
        body, token = self._read_request()
        route, groups, handler = "unknown", (), None
        for methods, name, pattern in _ROUTES:
            m = pattern.match(split.path)
            if m and method in (methods if methods != "GETHEAD" else ("GET", "HEAD")):
                route = name
                groups = tuple(unquote(g) if g is not None else None for g in m.groups())
                handler = getattr(self, f"_r_{name}")
                break
        record = Request(method, raw, route, token, body=body, arrived=hub.clock())
        with hub.lock:
            hub.log.append(record)
            hub.inflight[route] = hub.inflight.get(route, 0) + 1
            hub.max_inflight[route] = max(hub.max_inflight.get(route, 0), hub.inflight[route])
        try:
            self._answer(hub, method, split, body, token, route, groups, handler, record)
        finally:
            self._leave(record)

    def _answer(self, hub, method, split, body, token, route, groups, handler, record):
        allowed, limit_headers = hub._rate(route)
        if not allowed:
            self._send(_Reply(429, {"error": "Too Many Requests (fake)"}, limit_headers), record,
                       head=(method == "HEAD"))
            return
        fault = hub._take_fault(route, record.path)
        if fault is not None and fault.kind != "lost":
            self._fault(fault, record)
            return
        moved = _moved(hub, split)
        if moved is not None:           # a renamed repo: the same request, at its new path
            self._send(_Reply(307, None, {"Location": moved}), record, head=(method == "HEAD"))
            return
        query = {k: v[-1] for k, v in parse_qs(split.query, keep_blank_values=True).items()}
        if hub.delay.get(route):
            hub._stop.wait(hub.delay[route])
        try:
            if token is not None and token not in hub.tokens:
                raise _Reply(401, message="Invalid credentials in Authorization header")
            if handler is None:
                raise _Reply(404, message=f"no route for {method} {split.path}")
            user = hub.tokens.get(token) if token else None
            with hub.lock:
                result = handler(method, groups, query, body, user)
        except _Reply as reply:
            result = reply
        except Exception as exc:  # a bug in the fake: 400, never 5xx (the client would retry)
            result = _Reply(400, {"error": f"fake hub error: {type(exc).__name__}: {exc}"})
        result.headers.update(limit_headers)
        if fault is not None:       # "lost": done, but the answer is a gateway's 502
            result = _Reply(502, {"error": "Bad Gateway (fake)"})
        self._send(result, record, head=(method == "HEAD"))

    # --- account ---------------------------------------------------------------------------
    def _r_whoami(self, method, groups, query, body, user):
        if user is None:
            raise _Reply(401, message="Invalid credentials in Authorization header")
        return _Reply(200, {"type": "user", "name": user, "fullname": user, "orgs": [],
                            "auth": {"type": "access_token",
                                     "accessToken": {"displayName": "fake", "role": "write"}}})

    def _r_validate_yaml(self, method, groups, query, body, user):
        content = json.loads(body or b"{}").get("content", "")
        if content.startswith("---") and "\n---" not in content[3:]:
            raise _Reply(400, {"errors": [{"message": "unterminated front matter"}], "warnings": []})
        return _Reply(200, {"errors": [], "warnings": []})

    def _r_harnesses(self, method, groups, query, body, user):
        return _Reply(200, {"standardEnvVars": [], "harnesses": {}})

    def _r_xet(self, method, groups, query, body, user):
        raise _Reply(501, {"error": "xet is not faked"})

    # --- buckets ---------------------------------------------------------------------------
    def _bucket(self, bucket_id: str, user) -> Bucket:
        b = self.server.hub.buckets.get(bucket_id)
        if b is None or (b.private and user is None):
            raise _Reply(404, error_code="RepoNotFound", message=f"Bucket {bucket_id} not found")
        return b

    def _r_bucket_info(self, method, groups, query, body, user):
        (bucket_id,) = groups
        b = self._bucket(bucket_id, user)
        return _Reply(200, {"id": bucket_id, "private": b.private, "createdAt": _DATE,
                            "size": sum(len(d) for d in b.files.values()),
                            "totalFiles": len(b.files), "author": bucket_id.split("/")[0]})

    def _r_bucket_tree(self, method, groups, query, body, user):
        bucket_id, prefix = groups
        b = self._bucket(bucket_id, user)
        recursive = query.get("recursive") in ("true", "True")
        prefix = prefix or ""
        entries: list[dict] = []
        if recursive:
            for path in sorted(b.files):
                if path.startswith(prefix):
                    entries.append(_bucket_file(b, path))
        else:
            base = prefix.rstrip("/") + "/" if prefix else ""
            seen_dirs = set()
            for path in sorted(b.files):
                if not path.startswith(base):
                    continue
                rest = path[len(base):]
                if "/" in rest:
                    d = base + rest.split("/", 1)[0]
                    if d not in seen_dirs:
                        seen_dirs.add(d)
                        entries.append({"type": "directory", "path": d, "uploadedAt": _DATE})
                else:
                    entries.append(_bucket_file(b, path))
        if prefix and not entries:
            raise _Reply(404, error_code="EntryNotFound", message=f"{prefix} does not exist")
        return self._page(entries, query, self.server.hub.bucket_page_size)

    def _page(self, entries: list, query: dict, default_size: int) -> _Reply:
        offset = int(query.get("cursor") or 0)
        size = int(query.get("limit") or default_size)
        page = entries[offset:offset + size]
        headers = {}
        if offset + size < len(entries):
            params = {k: v for k, v in query.items() if k != "cursor"}
            params["cursor"] = str(offset + size)
            qs = "&".join(f"{quote(k)}={quote(v)}" for k, v in params.items())
            headers["Link"] = f'<{self.server.hub.endpoint}{urlsplit(self.path).path}?{qs}>; rel="next"'
        return _Reply(200, page, headers)

    def _r_bucket_paths_info(self, method, groups, query, body, user):
        (bucket_id,) = groups
        b = self._bucket(bucket_id, user)
        paths = json.loads(body or b"{}").get("paths", [])
        if len(paths) > 1000:
            raise _Reply(400, message="paths-info takes at most 1000 paths")
        return _Reply(200, [_bucket_file(b, p) for p in paths if p in b.files])

    def _r_bucket_resolve(self, method, groups, query, body, user):
        hub = self.server.hub
        bucket_id, path = groups
        b = self._bucket(bucket_id, user)
        if path not in b.files:
            raise _Reply(404, error_code="EntryNotFound", message=f"{path} does not exist")
        data = b.files[path]
        sha = hashlib.sha256(data).hexdigest()
        headers = {"ETag": f'"{sha}"', "X-Xet-Hash": sha, "X-Linked-Size": str(len(data)),
                   "Link": f'<{hub.endpoint}/api/buckets/{bucket_id}/xet-read-token>; rel="xet-auth"'}
        if hub.redirect_resolve:
            return _Reply(302, None, {**headers, "Location": hub.signed_url(sha)})
        return _Reply(200, data, {**headers, "Content-Type": "application/octet-stream"})

    # --- repos (Spaces) --------------------------------------------------------------------
    def _repo(self, kind: str, repo_id: str, user, *, write: bool = False) -> Repo:
        """The repo, if `user` may see it. Without a token, a private repo and a missing one get
        the same 401 (the library maps it to RepositoryNotFoundError): nobody can tell them apart
        anonymously. With a token, a missing repo is a 404."""
        repo = self.server.hub.repos.get((kind, repo_id))
        if repo is None or (repo.private and user is None):
            raise _Reply(401 if user is None else 404, error_code="RepoNotFound",
                         message=f"Repository {repo_id} not found")
        if write and user is None:
            raise _Reply(401, message="You must be authenticated to write")
        if write:
            self._check_can_write(user)
        return repo

    def _check_can_write(self, user) -> None:
        if user in self.server.hub.read_only:
            raise _Reply(403, message="You have read access but not the required permissions "
                                      "for this operation")

    def _r_repo_create(self, method, groups, query, body, user):
        hub = self.server.hub
        if user is None:
            raise _Reply(401, message="You must be authenticated to create a repo")
        self._check_can_write(user)
        payload = json.loads(body or b"{}")
        kind = {"space": "spaces", "dataset": "datasets"}.get(payload.get("type"), "models")
        repo_id = f"{payload.get('organization') or user}/{payload['name']}"
        prefix = "" if kind == "models" else f"/{kind}"
        url = f"{hub.endpoint}{prefix}/{repo_id}"
        if (kind, repo_id) in hub.repos:
            raise _Reply(409, {"error": "You already created this repo", "url": url})
        if kind == "spaces" and not payload.get("sdk"):
            raise _Reply(400, message="sdk is required for a Space")
        hub.add_space(repo_id, private=payload.get("visibility") == "private"
                      or bool(payload.get("private")), sdk=payload.get("sdk") or "static")
        return _Reply(200, {"url": url, "name": repo_id, "id": repo_id})

    def _r_repo_info(self, method, groups, query, body, user):
        kind, repo_id, rev = groups
        repo = self._repo(kind, repo_id, user)
        if rev not in (None, "main") or (rev and repo.sha is None):
            raise _Reply(404, error_code="RevisionNotFound", message=f"Invalid rev id: {rev}")
        info = {"id": repo_id, "private": repo.private, "sdk": repo.sdk, "lastModified": _DATE,
                "createdAt": _DATE, "siblings": [{"rfilename": p} for p in sorted(repo.files)],
                "tags": [], "likes": 0}
        if repo.sha is not None:
            info["sha"] = repo.sha
        return _Reply(200, info)

    def _r_repo_tree(self, method, groups, query, body, user):
        kind, repo_id, rev, prefix = groups
        repo = self._repo(kind, repo_id, user)
        if rev != "main" or repo.sha is None:
            raise _Reply(404, error_code="RevisionNotFound", message=f"Invalid rev id: {rev}")
        recursive = query.get("recursive") in ("true", "True")
        base = prefix.rstrip("/") + "/" if prefix else ""
        files: list[dict] = []
        dirs: set[str] = set()
        for path in sorted(repo.files):
            if not path.startswith(base):
                continue
            rest = path[len(base):]
            parts = rest.split("/")
            if recursive:
                for i in range(1, len(parts)):
                    dirs.add(base + "/".join(parts[:i]))
                files.append(_repo_file(repo, path))
            elif len(parts) > 1:
                dirs.add(base + parts[0])
            else:
                files.append(_repo_file(repo, path))
        if prefix and not files and not dirs:
            raise _Reply(404, error_code="EntryNotFound", message=f"{prefix} does not exist")
        entries = [{"type": "directory", "path": d, "size": 0,
                    "oid": hashlib.sha1(d.encode()).hexdigest()} for d in sorted(dirs)]
        entries += files
        return self._page(entries, query, self.server.hub.repo_page_size)

    def _r_preupload(self, method, groups, query, body, user):
        hub = self.server.hub
        kind, repo_id, rev = groups
        repo = self._repo(kind, repo_id, user, write=True)
        asked = json.loads(body or b"{}").get("files", [])
        if len(asked) > 256:
            raise _Reply(400, message="preupload takes at most 256 files")
        out = []
        for f in asked:
            sample = base64.b64decode(f.get("sample") or "")
            lfs = _wants_lfs(hub, f["path"], int(f.get("size") or 0), sample)
            item = {"path": f["path"], "uploadMode": "lfs" if lfs else "regular", "shouldIgnore": False}
            existing = repo.files.get(f["path"])
            if existing is not None:
                item["oid"] = (hashlib.sha256(existing).hexdigest() if f["path"] in repo.lfs
                               else git_blob_sha1(existing))
            out.append(item)
        return _Reply(200, {"files": out})

    def _r_commit(self, method, groups, query, body, user):
        hub = self.server.hub
        kind, repo_id, rev = groups
        repo = self._repo(kind, repo_id, user, write=True)
        lines = [json.loads(line) for line in body.splitlines() if line.strip()]
        if not lines or lines[0].get("key") != "header":
            raise _Reply(400, message="commit payload must start with a header")
        if len(lines) - 1 > hub.max_commit_files or len(body) > hub.max_commit_bytes:
            raise _Reply(413, message=f"Commit too large: {len(lines) - 1} operations, {len(body)} bytes "
                                      f"(at most {hub.max_commit_files} and {hub.max_commit_bytes})")
        header = lines[0]["value"]
        parent = header.get("parentCommit")
        if parent and parent != repo.sha:
            raise _Reply(412, message="A commit has happened since. Please refresh and try again.")
        files, lfs = dict(repo.files), set(repo.lfs)
        added, deleted, lfs_added = [], [], []
        for line in lines[1:]:
            key, value = line["key"], line["value"]
            path = value["path"]
            if key == "file":
                data = base64.b64decode(value["content"])
                # an empty file is accepted inline: the library always sends it so
                if data and _wants_lfs(hub, path, len(data), data[:512]):
                    raise _Reply(400, message=f"{path}: binary or large files must be uploaded with LFS")
                files[path] = data
                lfs.discard(path)
                added.append(path)
            elif key == "lfsFile":
                data = hub.lfs_objects.get(value.get("oid", ""))
                if data is None or len(data) != value.get("size"):
                    raise _Reply(422, message=f"{path}: LFS object {value.get('oid')} was not uploaded")
                files[path] = data
                lfs.add(path)
                added.append(path)
                lfs_added.append(path)
            elif key == "deletedFile":
                if path not in files:
                    raise _Reply(404, error_code="EntryNotFound",
                                 message="A file with this name doesn't exist")
                del files[path]
                lfs.discard(path)
                deleted.append(path)
            elif key == "deletedFolder":
                folder = path.rstrip("/") + "/"
                for p in [p for p in files if p.startswith(folder)]:
                    del files[p]
                    lfs.discard(p)
                deleted.append(path)
            else:
                raise _Reply(400, message=f"the fake does not support {key!r} lines")
        repo.files, repo.lfs = files, lfs
        repo.sha = hub._next_sha()
        if kind == "spaces" and "README.md" in added:
            repo.sdk = _card_sdk(files["README.md"])
        hub.commits.append(Commit(repo_id, header.get("summary", ""), header.get("description", ""),
                                  parent, added, deleted, len(lines), self._token(), lfs_added,
                                  len(body), repo.sha))
        prefix = "" if kind == "models" else f"/{kind}"
        return _Reply(200, {"commitUrl": f"{hub.endpoint}{prefix}/{repo_id}/commit/{repo.sha}",
                            "commitOid": repo.sha, "success": True, "hookOutput": ""})

    def _r_repo_resolve(self, method, groups, query, body, user):
        kind, repo_id, rev, path = groups
        repo = self._repo(kind, repo_id, user)
        if rev != "main" or repo.sha is None:
            raise _Reply(404, error_code="RevisionNotFound", message=f"Invalid rev id: {rev}")
        if path not in repo.files:
            raise _Reply(404, error_code="EntryNotFound", message=f"{path} does not exist")
        data = repo.files[path]
        if path in repo.lfs and self.server.hub.redirect_resolve:   # its bytes: on the CDN
            sha = hashlib.sha256(data).hexdigest()
            return _Reply(302, None, {"Location": self.server.hub.signed_url(sha), "ETag": f'"{sha}"',
                                      "X-Linked-Size": str(len(data)), "X-Repo-Commit": repo.sha})
        return _Reply(200, data, {"ETag": f'"{git_blob_sha1(data)}"', "X-Repo-Commit": repo.sha})

    # --- LFS (the library's path for "lfs" files when Xet is off) ---------------------------
    def _r_lfs_batch(self, method, groups, query, body, user):
        hub = self.server.hub
        kind, repo_id = groups
        self._repo(kind, repo_id, user, write=True)
        out = []
        for obj in json.loads(body or b"{}").get("objects", []):
            item = {"oid": obj["oid"], "size": obj["size"]}
            if obj["oid"] not in hub.lfs_objects:
                item["actions"] = {"upload": {"href": f"{hub.endpoint}/lfs-store/{obj['oid']}"},
                                   "verify": {"href": f"{hub.endpoint}/lfs-verify/{obj['oid']}"}}
            out.append(item)
        return _Reply(200, {"transfer": "basic", "objects": out})

    def _r_lfs_upload(self, method, groups, query, body, user):
        (oid,) = groups
        if hashlib.sha256(body).hexdigest() != oid:
            raise _Reply(400, message="content does not match its oid")
        self.server.hub.lfs_objects[oid] = body
        return _Reply(200, {})

    def _r_lfs_verify(self, method, groups, query, body, user):
        (oid,) = groups
        if oid not in self.server.hub.lfs_objects:
            raise _Reply(404, message=f"LFS object {oid} not found")
        return _Reply(200, {})

    def _token(self) -> str | None:
        auth = self.headers.get("Authorization") or ""
        return auth[7:].strip() if auth.lower().startswith("bearer ") else None


def _moved(hub: FakeHub, split) -> str | None:
    """The new address (a path, as the Hub gives it) of a request to a renamed Space."""
    for old, new in hub.renamed.items():
        for prefix in (f"/api/spaces/{old}", f"/spaces/{old}"):
            rest = split.path[len(prefix):]
            if split.path.startswith(prefix) and rest[:1] in ("", "/", "."):
                return f"{prefix[:-len(old)]}{new}{rest}" + (f"?{split.query}" if split.query else "")
    return None


def _bucket_file(b: Bucket, path: str) -> dict:
    data = b.files[path]
    when = b.times.get(path, _DATE)
    return {"type": "file", "path": path, "size": len(data),
            "xetHash": hashlib.sha256(data).hexdigest(), "mtime": when, "uploadedAt": when}


def _repo_file(repo: Repo, path: str) -> dict:
    data = repo.files[path]
    if path in repo.lfs:
        pointer = lfs_pointer(data)
        sha = hashlib.sha256(data).hexdigest()
        return {"type": "file", "path": path, "size": len(data), "oid": git_blob_sha1(pointer),
                "lfs": {"oid": sha, "size": len(data), "pointerSize": len(pointer)}, "xetHash": sha}
    return {"type": "file", "path": path, "size": len(data), "oid": git_blob_sha1(data)}


def serve(port: int, **kwargs) -> FakeHub:
    return FakeHub(port, **kwargs).start()
