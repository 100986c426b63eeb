"""HTTP to the Hugging Face Hub, shared by the bucket mirror and publishing.

Every request has a timeout; only requests that are safe to repeat are retried after a failure;
and when the Hub rate-limits (429, or a `RateLimit` header saying nothing is left), every thread
of the run waits for the reset the Hub names, the wait is said once, and the total wait of a run
is bounded: by `[hub] rate_limit_wait` for the sync and the publish of one run together when
COLLAB_WAIT_LEDGER names a file where they add up their waits (the Action does: a run must end,
with its summary, before the workflow's timeout kills it), else for each one.

Built on huggingface_hub's public HTTP pieces: its shared session (`get_session`), its headers
with the token (`build_hf_headers`), its error mapping (`hf_raise_for_status`) and its parser of
the IETF `RateLimit` headers (`parse_ratelimit_headers`). Its retry helper (`http_backoff`) is
not used: it gives up after five waits, each thread waits on its own, and it cannot give the
commit POST a timeout; a rate-limit window can be minutes long and downloads run in parallel.
"""
from __future__ import annotations

import contextlib
import os
import random
import re
import sys
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Any, Callable, Iterator
from urllib.parse import urljoin, urlsplit

from builder import format as fmt

Log = Callable[[str], None]

_RETRY_STATUS = frozenset({408, 500, 502, 503, 504})
_MAX_REDIRECTS = 5


@dataclass(frozen=True)
class HttpPolicy:
    """Timeouts, retries and the rate-limit allowance of one run (a sync or a publish)."""
    timeout: float = 30.0           # seconds without progress before a request counts as hung
    commit_timeout: float = 300.0   # the commit POST: the Hub may take a while to apply a commit
    retries: int = 4                # retries of a failed idempotent request (waits 1+2+4+8 s)
    backoff: float = 1.0            # first wait; doubles each retry (plus jitter) up to max_backoff
    max_backoff: float = 30.0
    rate_limit_wait: float = 1200.0  # total seconds a run may spend waiting for rate limits


# Read at call time (`hub_http.DEFAULT_POLICY`), so tests can shorten every wait at once.
DEFAULT_POLICY = HttpPolicy()
WAIT_LEDGER = "COLLAB_WAIT_LEDGER"


def waited_earlier() -> float:
    """Seconds the earlier steps of this run waited for rate limits (the WAIT_LEDGER file)."""
    path = os.environ.get(WAIT_LEDGER)
    if not path:
        return 0.0
    try:
        return max(0.0, float(open(path, encoding="utf-8").read().strip() or 0))
    except (OSError, ValueError):
        return 0.0


def _add_to_ledger(seconds: float) -> None:
    """Count a wait in the WAIT_LEDGER file, as it starts: a step killed while it waits has
    spent it too."""
    path = os.environ.get(WAIT_LEDGER)
    if path:
        total = waited_earlier() + seconds
        with contextlib.suppress(OSError), open(path, "w", encoding="utf-8") as out:
            out.write(f"{total:.1f}\n")


class RateLimited(Exception):
    """The Hub kept rate-limiting beyond the run's allowance (`HttpPolicy.rate_limit_wait`)."""


class RetryableStatus(Exception):
    """An answer that says "try again" (408, 5xx), after the retries were spent."""

    def __init__(self, status: int, url: str):
        super().__init__(f"HTTP {status} from {where(url)}")
        self.status = status


class RateGate:
    """One per run: when the Hub says "wait", every request of the run waits until the reset.

    `hold(seconds)` closes the gate, unless another request already closed it until about then;
    `wait_turn()`, called before every request, waits while it is closed, and the first request
    to wait says so in one line (with `progress()`). The total time waited is bounded by
    `budget`, with what the run's earlier steps waited (`waited_earlier`): a hold that would go
    beyond it raises RateLimited.
    """

    def __init__(self, budget: float, log: Log, progress: Callable[[], str] = lambda: ""):
        self.budget = budget
        self.log = log
        self.progress = progress
        self.earlier = waited_earlier()
        self.waited = 0.0
        self.holds = 0
        self._open_at = 0.0
        self._announce = False
        self._refused: float | None = None     # a wait asked for beyond the allowance
        self._lock = threading.Lock()

    def wait_turn(self) -> None:
        if self._refused is not None:
            raise self._too_long(self._refused)
        while True:
            line = ""
            with self._lock:
                left = self._open_at - time.monotonic()
                if left <= 0:
                    return
                if self._announce:          # the first request to wait says so, and counts it
                    self._announce = False
                    self.holds += 1
                    self.waited += left
                    _add_to_ledger(left)
                    progress = self.progress()
                    line = (f"rate limited by the Hub: waiting {fmt.duration(left)}"
                            + (f"; {progress}" if progress else ""))
            if line:
                self.log(line)
            time.sleep(left)

    def hold(self, seconds: float) -> None:
        with self._lock:
            now = time.monotonic()
            until = now + max(0.0, seconds)
            if until <= self._open_at + 1.0:     # already held until then by another request
                return
            if self.earlier + self.waited + (until - now) > self.budget:
                raise self._too_long(seconds)
            self._open_at = until
            self._announce = True

    def hold_next(self, seconds: float) -> None:
        """As `hold`, for an answer that was a success: if the wait is beyond the allowance,
        the answer is kept and the next request is refused instead."""
        try:
            self.hold(seconds)
        except RateLimited:
            self._refused = seconds

    def _too_long(self, seconds: float) -> RateLimited:
        """The refusal of a wait beyond the allowance, with the progress made until now."""
        earlier = (f", {fmt.duration(self.earlier)} of it earlier in this run"
                   if self.earlier else "")
        return RateLimited(
            f"rate limited by the Hub for longer than allowed: waited "
            f"{fmt.duration(self.earlier + self.waited)} of {fmt.duration(self.budget)} "
            f"([hub] rate_limit_wait{earlier}), and it asked for {fmt.duration(seconds)} more"
            + (f"; {progress}" if (progress := self.progress()) else ""))


def rate_limit_wait(headers, attempt: int, policy: HttpPolicy) -> float:
    """Seconds to wait after a 429: the `RateLimit` reset, else `Retry-After`, else a backoff."""
    from huggingface_hub.utils import parse_ratelimit_headers

    info = parse_ratelimit_headers(headers)
    if info is not None and info.remaining == 0:
        return info.reset_in_seconds + 1.0   # the reset is rounded to whole seconds
    retry_after = _retry_after(headers)
    if retry_after is not None:
        return retry_after
    return min(policy.max_backoff, policy.backoff * 2 ** attempt)


def exhausted_after(headers) -> float | None:
    """The reset of a `RateLimit` header that says nothing is left (on any answer), else None."""
    from huggingface_hub.utils import parse_ratelimit_headers

    info = parse_ratelimit_headers(headers)
    if info is not None and info.remaining == 0 and info.reset_in_seconds > 0:
        return info.reset_in_seconds + 1.0
    return None


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
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


class HubHttp:
    """Requests to the Hub for one run: the token's headers, the policy, the shared RateGate.

    Redirects are followed here, not by the client: to another host (the storage CDN, whose
    URL carries a signed query) the request goes without the Authorization header; a 307 or
    308 (the Hub's answer at a renamed repo's old address) is repeated with its method and body.
    """

    def __init__(self, token: str | None, policy: HttpPolicy, gate: RateGate):
        from huggingface_hub import constants
        from huggingface_hub.utils import build_hf_headers

        self.endpoint = constants.ENDPOINT.rstrip("/")
        self.headers = build_hf_headers(token=token)
        self.policy = policy
        self.gate = gate
        self.retries = 0
        self._lock = threading.Lock()

    def api(self, path: str) -> str:
        return f"{self.endpoint}/{path.lstrip('/')}"

    def is_hub(self, url: str) -> bool:
        """`url` is on the Hub itself (not the storage host a download is redirected to)."""
        return _origin(url) == _origin(self.endpoint)

    # --- requests ---------------------------------------------------------------------------
    def request(self, method: str, url: str, *, idempotent: bool = True,
                retry_busy: bool | None = None, timeout: float | None = None, **kwargs: Any):
        """The answer (any status but 429 and, when retried, 408/5xx), its body read."""
        with self.open(method, url, idempotent=idempotent, retry_busy=retry_busy,
                       timeout=timeout, **kwargs) as response:
            response.read()
            return response

    def json(self, method: str, url: str, **kwargs: Any) -> Any:
        from huggingface_hub.utils import hf_raise_for_status

        response = self.request(method, url, **kwargs)
        hf_raise_for_status(response)
        return response.json()

    def pages(self, url: str, params: dict[str, str]) -> Iterator[list]:
        """Every page of a listing that follows `Link: <...>; rel="next"` (each page retried)."""
        from huggingface_hub.utils import hf_raise_for_status

        next_url: str | None = url
        while next_url:
            response = self.request("GET", next_url, params=params if next_url == url else None)
            hf_raise_for_status(response)
            page = response.json()
            if not isinstance(page, list):
                raise ValueError(f"a listing page of {where(next_url)} is not a list")
            yield page
            next_url = response.links.get("next", {}).get("url")

    @contextlib.contextmanager
    def open(self, method: str, url: str, *, idempotent: bool = True,
             retry_busy: bool | None = None, timeout: float | None = None, **kwargs: Any):
        """A streamed answer, after retries (idempotent requests) and rate-limit waits.

        `retry_busy` (default: `idempotent`): resend after a 408/5xx answer. A request that is
        not safe to repeat when it may have landed unseen (a timeout) can still be safe to
        repeat when the Hub answered "try again" and a repeat of a landed one is refused."""
        if retry_busy is None:
            retry_busy = idempotent
        attempt = 0
        limited = 0
        while True:
            self.gate.wait_turn()
            try:
                response = self._send(method, url, timeout or self.policy.timeout, **kwargs)
            except Exception as exc:  # noqa: BLE001 - classified just below
                if not (idempotent and _transient(exc) and attempt < self.policy.retries):
                    raise _spent(exc) if attempt else exc
                attempt += 1
                self._backoff(attempt)
                continue
            status = response.status_code
            if status == 429:           # not processed: safe to send again, even a commit
                response.close()
                self.gate.hold(rate_limit_wait(response.headers, limited, self.policy))
                limited += 1
                continue
            if status in _RETRY_STATUS and retry_busy:
                response.close()
                if attempt >= self.policy.retries:
                    raise RetryableStatus(status, str(response.request.url))
                attempt += 1
                self._backoff(attempt)
                continue
            try:
                yield response
            finally:
                response.close()
            reset = exhausted_after(response.headers)
            if reset is not None:
                self.gate.hold_next(reset)
            return

    def retry(self, call: Callable[[], Any]) -> Any:
        """Run `call` (which reads an answer to an idempotent request), retrying it when the
        connection fails midway: a dropped or truncated body is fetched again. A failure that
        `open` already retried is not retried again (retries of retries would make a host
        that hangs cost 25 timeouts per file instead of 5)."""
        attempt = 0
        while True:
            try:
                return call()
            except Exception as exc:  # noqa: BLE001 - classified just below
                if (not _transient(exc) or attempt >= self.policy.retries
                        or getattr(exc, _RETRIES_SPENT, False)):
                    raise
                attempt += 1
                self._backoff(attempt)

    def _send(self, method: str, url: str, timeout: float, *, params=None, headers=None,
              **kwargs: Any):
        import httpx2
        from huggingface_hub.utils import get_session

        client = get_session()
        sent = {**self.headers, **(headers or {})}
        for _ in range(_MAX_REDIRECTS):
            request = client.build_request(method, url, params=params, headers=sent,
                                           timeout=httpx2.Timeout(timeout), **kwargs)
            response = client.send(request, stream=True, follow_redirects=False)
            location = response.headers.get("Location")
            if not (response.is_redirect and location):
                return response
            response.close()
            target = urljoin(str(response.request.url), location)
            if not self.is_hub(target):
                sent = {k: v for k, v in sent.items() if k.lower() != "authorization"}
            url, params = target, None
            if response.status_code not in (307, 308):   # those two keep the method and body
                kwargs = {}
                if method not in ("GET", "HEAD"):
                    method = "GET"
        raise ValueError(f"too many redirects from {where(url)}")

    def _backoff(self, attempt: int) -> None:
        with self._lock:
            self.retries += 1
        delay = min(self.policy.max_backoff, self.policy.backoff * 2 ** (attempt - 1))
        time.sleep(delay + random.uniform(0, self.policy.backoff / 2))


_RETRIES_SPENT = "collab_retries_spent"


def _spent(exc: BaseException) -> BaseException:
    """Mark a failure `open` retried as often as the policy allows (see `retry`)."""
    setattr(exc, _RETRIES_SPENT, True)
    return exc


def _transient(exc: BaseException) -> bool:
    import httpx2

    if isinstance(exc, (httpx2.TimeoutException, httpx2.NetworkError, httpx2.RemoteProtocolError)):
        return True
    # The library closes its shared client after a connection error in its own retry helper,
    # which can break a request another thread is making with it: retry on a fresh client.
    return isinstance(exc, RuntimeError) and "closed" in str(exc).lower()


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme, parts.netloc


def where(url: str) -> str:
    """A URL as it may be shown: no query string (a signed CDN URL carries its key there)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}"


# --- messages --------------------------------------------------------------------------------

def describe(exc: BaseException) -> str:
    """One line naming what failed: no traceback, no query string, no header."""
    import httpx2
    from huggingface_hub.errors import HfHubHTTPError

    if isinstance(exc, (RateLimited, RetryableStatus)):
        return str(exc)
    if isinstance(exc, HfHubHTTPError) and exc.response is not None:
        r = exc.response
        status = r.status_code
        url = where(str(r.request.url)) if r.request is not None else ""
        hint = {401: " (the token was refused)", 403: " (the token has no access)"}.get(status, "")
        return f"HTTP {status}{hint} from {url}".strip()
    if isinstance(exc, httpx2.TimeoutException):
        return f"timed out{_at(exc)}"
    if isinstance(exc, httpx2.ConnectError):
        return f"connection failed{_at(exc)}"
    if isinstance(exc, (httpx2.NetworkError, httpx2.RemoteProtocolError)):
        return f"connection dropped{_at(exc)}"
    first = (str(exc).strip().splitlines() or [""])[0][:200]
    first = re.sub(r"(https?://[^\s?'\"]+)\?[^\s'\"]*", r"\1", first)
    return f"{type(exc).__name__}: {first}" if first else type(exc).__name__


def _at(exc) -> str:
    try:
        return f" at {where(str(exc.request.url))}"
    except (AttributeError, RuntimeError):
        return ""


def redactor(token: str | None) -> Callable[[str], str]:
    """A function that removes the token (given, or the one the library would use) from text."""
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


def interactive() -> bool:
    """Progress bars only on a terminal, never in CI logs."""
    return (sys.stderr.isatty() and not os.environ.get("CI")
            and not os.environ.get("HF_HUB_DISABLE_PROGRESS_BARS"))


@contextlib.contextmanager
def library_bars(show: bool) -> Iterator[None]:
    """huggingface_hub's own progress bars on or off while a library call runs."""
    from huggingface_hub.utils import (are_progress_bars_disabled, disable_progress_bars,
                                       enable_progress_bars)
    was_disabled = are_progress_bars_disabled()
    (enable_progress_bars if show else disable_progress_bars)()
    try:
        yield
    finally:
        (disable_progress_bars if was_disabled else enable_progress_bars)()

