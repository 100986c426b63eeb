"""Push a built site to a static Hugging Face Space: the only code that talks to the Space.

    publish(site_dir, space_id, token=..., dry_run=..., force=...) -> PublishOutcome

1. Read the site's manifest.json (written by the build) and check every listed file against its
   sha256: a half-written or hand-edited site folder is refused.
2. Create the Space (`sdk: static`) if it does not exist (not in a dry run). A Space with no
   commit yet is an empty Space, published to like any other.
3. Compare the site with what is live (the Space's file listing: git blob ids, sha256 for LFS
   files) and plan what to add, update and delete (publish_plan.py). `.gitattributes` and
   `README.md` are never deleted. Nothing differs: no commit (and no request that writes). A
   manifest.json that differs only in build details, not in the files and counts it lists
   (compared with the live one), is not sent either.
4. Guards, both lifted by `force`: a Space that is not a collab-site one (another sdk than
   static, or files and no manifest.json of ours: a mistyped Space id) is refused; so is a site
   whose ranked entries or messages dropped by more than half from the live manifest.json.
5. Send the plan in commits within `CommitLimits`, in the order of publish_plan.py, each one
   chained to the previous with `parentCommit`. A publish that is interrupted between commits is
   finished by the next one (it compares with what is live). If someone else commits meanwhile
   (412), the plan is made again once; a 412 answering the repeat of a commit the Hub answered
   with an error (it had landed) makes a new plan too, up to _MAX_LOST_REPLANS times.

Without a `token`, the one `hf auth login` saved is used (huggingface_hub's `get_token`); with
none, only a dry run goes ahead, anonymously, and it cannot tell a private Space from a missing
one (the Hub answers both alike).

Files the Hub wants in LFS (binary or large: it says so when asked, `preupload`) are uploaded
first through huggingface_hub's `preupload_lfs_files` (Xet storage when hf_xet is installed,
else the LFS protocol) and referenced by sha256 in the commit. All other requests go through
`HubHttp`: each one has a timeout, the commit POST a longer one, and only requests that are safe
to repeat are retried. The token is never logged, and error messages are scrubbed of it.
"""
from __future__ import annotations

import base64
import hashlib
import json
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable

from builder import format as fmt
from builder import hub_http
from builder.hub_http import HubHttp, RateGate, describe, interactive, library_bars, redactor
from builder.publish_plan import (MANIFEST, README, Batch, CommitLimits, LocalFile, Plan,
                                  RemoteFile, batches, dangling, diff, foreign_files,
                                  foreign_reason, linked_batches, page_links, payload_size,
                                  same_listing, shrink_reason)
from builder.relpath import parts_inside
from builder.urls import REPO_ID

GUARDED_COUNTS = ("ranked", "messages")
NO_TOKEN = ("no Hugging Face token: set HF_TOKEN (in a workflow: the repository secret "
            "HF_TOKEN) or run `hf auth login`")
_SPACE_ID = re.compile(f"^{REPO_ID}$")
_LIST_LIMIT = 50     # per category, in the dry-run listing, when the plan is long
_PREUPLOAD_CHUNK = 256

Log = Callable[[str], None]


class PublishError(Exception):
    """Publishing failed (bad site folder, Hub error, auth); the message is one line.
    `landed`: the commits of this publish that are live nonetheless."""

    def __init__(self, message: str, landed: tuple["LandedCommit", ...] = ()):
        super().__init__(message)
        self.landed = landed


class _Unfinished(Exception):
    """A publish failed after some of its commits landed (`landed`)."""

    def __init__(self, cause: BaseException, landed: tuple["LandedCommit", ...]):
        super().__init__(str(cause))
        self.cause = cause
        self.landed = landed


class _Stale(Exception):
    """The Space moved on while we were committing (HTTP 412). `ours`: the 412 answered the
    repeat of a commit the Hub had answered with an error: most likely that commit (`sent`)
    landed."""

    def __init__(self, ours: bool, sent: "_Sent"):
        super().__init__()
        self.ours = ours
        self.sent = sent


# New plans after our own commits landed unseen: each one follows a landed commit (progress),
# the bound only stops a Hub that loses every answer.
_MAX_LOST_REPLANS = 5


@dataclass(frozen=True)
class LandedCommit:
    """A commit of this publish that is live, with what it added, updated and deleted."""
    url: str
    added: tuple[str, ...]
    updated: tuple[str, ...]
    deleted: tuple[str, ...]
    answer_lost: bool = False     # the Hub answered it with an error, yet it had landed

    @property
    def changed(self) -> int:
        return len(self.added) + len(self.updated) + len(self.deleted)


@dataclass(frozen=True)
class _Sent:
    """A commit being sent: its files, which of them are new, its place in the publish."""
    batch: Batch
    new: frozenset[str]
    number: int
    total: int

    def landed(self, url: str, live: dict[str, RemoteFile] | None = None,
               local: dict[str, LocalFile] | None = None) -> LandedCommit:
        """As it landed; with `live` and `local`, only what the Space now holds of it."""
        add, delete = self.batch.add, self.batch.delete
        if live is not None and local is not None:
            add = tuple(p for p in add if p in live and live[p].same_as(local[p]))
            delete = tuple(p for p in delete if p not in live)
        return LandedCommit(url, tuple(p for p in add if p in self.new),
                            tuple(p for p in add if p not in self.new), delete,
                            answer_lost=live is not None)


@dataclass(frozen=True)
class PublishOutcome:
    created: bool                 # the Space did not exist (created, or would be in a dry run)
    added: tuple[str, ...]
    updated: tuple[str, ...]
    deleted: tuple[str, ...]
    committed: bool
    refused_reason: str = ""
    commit_url: str = ""
    commits: int = 0
    space_url: str = ""           # the Space's page on the Hub, which shows the site
    landed: tuple[LandedCommit, ...] = ()   # the commits of this publish, in order

    @property
    def changed(self) -> int:
        return len(self.added) + len(self.updated) + len(self.deleted)


@dataclass(frozen=True)
class _Space:
    exists: bool
    sha: str | None               # the head commit; None for a Space with no commit yet
    sdk: str | None


def publish(site_dir: Path, space_id: str, *, token: str | None, dry_run: bool, force: bool,
            log: Log = print, limits: CommitLimits = CommitLimits(),
            rate_limit_wait: float | None = None) -> PublishOutcome:
    site_dir = Path(site_dir)
    space_id = checked_space_id(space_id)
    redact = redactor(token)
    policy = hub_http.DEFAULT_POLICY
    if rate_limit_wait is not None:
        policy = replace(policy, rate_limit_wait=float(rate_limit_wait))
    try:
        token = token or _stored_token()
        redact = redactor(token)
        if token is None and not dry_run:
            raise PublishError(NO_TOKEN)
        manifest, local = _read_site(site_dir)
        http = HubHttp(token, policy, RateGate(policy.rate_limit_wait, log))
        return _publish(http, site_dir, space_id, manifest, local, token=token, dry_run=dry_run,
                        force=force, limits=limits, log=log)
    except _Unfinished as exc:
        cause = exc.cause
        reason = (str(cause) if isinstance(cause, PublishError)
                  else f"Space {space_id}: {cause}" if isinstance(cause, hub_http.RateLimited)
                  else _describe(cause, space_id))
        raise PublishError(redact(f"{reason}; {_left_for_next_run(exc.landed)}"),
                           exc.landed) from None
    except PublishError as exc:
        raise PublishError(redact(str(exc))) from None
    except KeyboardInterrupt:
        raise
    except Exception as exc:  # noqa: BLE001 - one clear line, never a traceback
        raise PublishError(redact(_describe(exc, space_id))) from None


def _publish(http: HubHttp, site_dir: Path, space_id: str, manifest: dict,
             local: dict[str, LocalFile], *, token: str | None, dry_run: bool, force: bool,
             limits: CommitLimits, log: Log) -> PublishOutcome:
    where = f"Space {space_id}"
    space = _space(http, space_id)
    if not space.exists and token is None:
        raise PublishError(f"cannot tell whether {where} exists without a token (a private Space "
                           "looks missing to anonymous requests): set HF_TOKEN or run "
                           "`hf auth login`")
    created = not space.exists
    if created and not dry_run:
        _create(http, space_id)
        log(f"publish: created the static {where}")
        space = _space(http, space_id)
    if force and space.sdk not in (None, "static"):
        log(f"publish: {where} uses sdk {space.sdk!r}; --force: this publish makes it a static "
            "Space")
    landed: list[LandedCommit] = []
    try:
        return _plans(http, site_dir, space_id, manifest, local, space, created, token=token,
                      dry_run=dry_run, force=force, limits=limits, log=log, landed=landed)
    except Exception as exc:
        if landed:                    # said with the failure: what is live, what is left
            raise _Unfinished(exc, tuple(landed)) from exc
        raise


def _plans(http: HubHttp, site_dir: Path, space_id: str, manifest: dict,
           local: dict[str, LocalFile], space: _Space, created: bool, *, token: str | None,
           dry_run: bool, force: bool, limits: CommitLimits, log: Log,
           landed: list[LandedCommit]) -> PublishOutcome:
    """Plan, send, and plan again after a 412 (see the module docstring); every commit that
    lands is added to `landed`."""
    where = f"Space {space_id}"
    others = lost = 0             # new plans after another writer's commits, after ours
    unseen: _Sent | None = None   # a commit answered with an error, which most likely landed
    while True:
        remote = _live_files(http, space_id) if space.sha else {}
        if unseen is not None:
            landed += _landed_unseen(http, space_id, space.sha, unseen, remote, local, log)
            unseen = None
        plan = diff(local, remote)
        guarded = plan.changed and not force and others + lost == 0
        needs_live = plan.manifest_only or guarded
        live = _live_manifest(http, space_id) if MANIFEST in remote and needs_live else None
        if plan.manifest_only and not same_listing(live, manifest):
            plan = replace(plan, updated=(MANIFEST,), unchanged=plan.unchanged - 1)
        refused = ""
        if guarded:
            refused = foreign_reason(space_id, space.sdk, foreign_files(local, remote, live))
        if guarded and live is not None and not refused:
            refused = shrink_reason(live.get("counts"), manifest.get("counts") or {},
                                    GUARDED_COUNTS)
        outcome = PublishOutcome(created=created, added=plan.added, updated=plan.updated,
                                 deleted=plan.deleted, committed=False, refused_reason=refused,
                                 space_url=_space_page(http, space_id))
        if dry_run:
            _log_dry_run(where, created, plan, refused, log)
            return outcome
        if refused:                   # said by the caller (the CLI: once, on stderr)
            return outcome
        if not plan.changed and not landed:
            log(f"publish: {where} is up to date ({fmt.count(len(local))} files{_kept(plan)}); "
                "nothing to commit")
            log(f"publish: the site is at {outcome.space_url}")
            return outcome
        try:
            if plan.changed:
                _send(http, site_dir, space_id, plan, local, space.sha, token=token,
                      limits=limits, manifest=manifest, log=log, landed=landed)
        except _Stale as stale:
            others, lost = others + (not stale.ours), lost + stale.ours
            log(_stale_line(where, stale, others, lost))
            space = _space(http, space_id)
            unseen = stale.sent if stale.ours else None
            continue
        log(_published_line(where, landed))
        log(f"publish: the site is at {outcome.space_url}")
        return _with_landed(outcome, landed)


def _left_for_next_run(landed: tuple[LandedCommit, ...]) -> str:
    files = sum(c.changed for c in landed)
    return (f"{fmt.count(len(landed))} commit(s) of this publish landed ({fmt.count(files)} "
            "file(s) changed); the next run sends the rest")


def _every(landed: list[LandedCommit], kind: str) -> tuple[str, ...]:
    """The files the commits added, updated or deleted (`kind`)."""
    return tuple(sorted({p for c in landed for p in getattr(c, kind)}))


def _with_landed(outcome: PublishOutcome, landed: list[LandedCommit]) -> PublishOutcome:
    """The outcome of a publish that committed: what its commits changed, and the commits."""
    return replace(outcome, added=_every(landed, "added"), updated=_every(landed, "updated"),
                   deleted=_every(landed, "deleted"), committed=True,
                   commit_url=landed[-1].url, commits=len(landed), landed=tuple(landed))


def _published_line(where: str, landed: list[LandedCommit]) -> str:
    lost = sum(c.answer_lost for c in landed)
    counts = [fmt.count(len(_every(landed, kind))) for kind in ("added", "updated", "deleted")]
    return (f"publish: {fmt.count(len(landed))} commit(s) to {where} landed in this run: "
            "{} added, {} updated, {} deleted".format(*counts)
            + (f" ({fmt.count(lost)} of them answered with an error, yet live)" if lost else ""))


def _landed_unseen(http: HubHttp, space_id: str, head: str | None, sent: _Sent,
                   remote: dict[str, RemoteFile], local: dict[str, LocalFile],
                   log: Log) -> list[LandedCommit]:
    """The commit answered with an error, as the Space now shows it (the head commit: nothing
    else committed between its landing and its refused repeat)."""
    commit = sent.landed(f"{http.endpoint}/spaces/{space_id}/commit/{head}", remote, local)
    if not commit.changed:
        return []
    files = len(commit.added) + len(commit.updated)
    log(f"publish: commit {fmt.count(sent.number)} of {fmt.count(sent.total)} to Space "
        f"{space_id} landed though its answer was lost: {fmt.count(files)} file(s), "
        f"{fmt.count(len(commit.deleted))} deleted")
    return [commit]


def _stale_line(where: str, stale: _Stale, others: int, lost: int) -> str:
    """What a 412 means, for the log; PublishError when no new plan is made for it."""
    if others > 1:
        raise PublishError(f"{where} kept changing while publishing (another publish?); "
                           "run publish again")
    if lost > _MAX_LOST_REPLANS:
        raise PublishError(f"{where}: the Hub answered {lost} commits with an error though they "
                           "landed; those commits are live: run publish again, it sends only "
                           "what is not live yet")
    if stale.ours:
        return (f"publish: {where}: a commit answered with an error had landed (its repeat: "
                "HTTP 412); comparing again")
    return f"publish: {where} changed while publishing (HTTP 412); comparing again"


def checked_space_id(text: str) -> str:
    """ORG/NAME as given (--space, SPACE_ID, [publish] space_id), spaces and slashes around it
    dropped; PublishError if it is not one."""
    space_id = (text or "").strip().strip("/")
    if not _SPACE_ID.match(space_id):
        raise PublishError(f"{space_id!r} is not a Space id of the form ORG/NAME")
    return space_id


def _stored_token() -> str | None:
    """HF_TOKEN, else the token `hf auth login` saved (huggingface_hub's own lookup)."""
    from huggingface_hub import get_token
    return get_token()


# --- the local site --------------------------------------------------------------------------

def _read_site(site_dir: Path) -> tuple[dict, dict[str, LocalFile]]:
    """The manifest and every file to publish (manifest.json included), each checked."""
    manifest_path = site_dir / MANIFEST
    try:
        raw = manifest_path.read_bytes()
        manifest = json.loads(raw)
    except FileNotFoundError:
        raise PublishError(f"{manifest_path} not found: build the site first "
                           f"(collab-site build --out {site_dir})") from None
    except ValueError:
        raise PublishError(f"{manifest_path} is not valid JSON: rebuild the site") from None
    files = manifest.get("files") if isinstance(manifest, dict) else None
    if not isinstance(files, dict) or not files:
        raise PublishError(f"{manifest_path} lists no files: rebuild the site")
    local: dict[str, LocalFile] = {}
    for path, expected in sorted(files.items()):
        if not isinstance(path, str) or parts_inside(path) is None or path == MANIFEST:
            raise PublishError(f"{manifest_path} lists an invalid path {path!r}: rebuild the site")
        try:
            data = (site_dir / path).read_bytes()
        except OSError:
            raise PublishError(f"{site_dir / path} is listed in the manifest but missing: "
                               "rebuild the site") from None
        local[path] = _local_file(path, data)
        if local[path].sha256 != expected:
            raise PublishError(f"{site_dir / path} does not match the manifest (changed after the "
                               "build?): rebuild the site")
    local[MANIFEST] = _local_file(MANIFEST, raw)
    if README not in local:
        raise PublishError(f"{site_dir / README} (the Space card) is missing: rebuild the site")
    if not _is_static_card((site_dir / README).read_text(encoding="utf-8", errors="replace")):
        raise PublishError(f"{site_dir / README} has no `sdk: static` front matter; publishing it "
                           "would break the Space's configuration")
    return manifest, local


def _local_file(path: str, data: bytes) -> LocalFile:
    return LocalFile(path, len(data), hashlib.sha256(data).hexdigest(),
                     hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest())


def _is_static_card(text: str) -> bool:
    if not text.startswith("---"):
        return False
    end = text.find("\n---", 3)
    if end < 0:
        return False
    import yaml
    try:
        front = yaml.safe_load(text[3:end])
    except yaml.YAMLError:
        return False
    return isinstance(front, dict) and front.get("sdk") == "static"


# --- what is live ------------------------------------------------------------------------------

def _space(http: HubHttp, space_id: str) -> _Space:
    from huggingface_hub.errors import RepositoryNotFoundError

    try:
        info = http.json("GET", http.api(f"api/spaces/{space_id}"))
    except RepositoryNotFoundError:
        return _Space(False, None, None)
    return _Space(True, info.get("sha") or None, info.get("sdk"))


def _space_page(http: HubHttp, space_id: str) -> str:
    """The Space's page on the Hub in use (the URL the Hub gives when it creates a Space): it
    shows the site, and to a signed-in member a private one too."""
    return f"{http.endpoint}/spaces/{space_id}"


def _create(http: HubHttp, space_id: str) -> None:
    """Create the static Space. Repeating it is harmless (409: it exists), so it is retried."""
    from huggingface_hub.utils import hf_raise_for_status

    org, name = space_id.split("/")
    response = http.request("POST", http.api("api/repos/create"),
                            json={"name": name, "organization": org, "type": "space",
                                  "sdk": "static"})
    if response.status_code != 409:
        hf_raise_for_status(response)


def _live_files(http: HubHttp, space_id: str) -> dict[str, RemoteFile]:
    """Every file of the Space's main branch; {} for a Space with no revision yet."""
    from huggingface_hub.errors import RevisionNotFoundError

    remote: dict[str, RemoteFile] = {}
    url = http.api(f"api/spaces/{space_id}/tree/main")
    try:
        for page in http.pages(url, {"recursive": "true", "expand": "false"}):
            for item in page:
                if isinstance(item, dict) and item.get("type") == "file":
                    lfs = item.get("lfs") or {}
                    remote[item["path"]] = RemoteFile(item["path"], int(item.get("size") or 0),
                                                      str(item.get("oid") or ""), lfs.get("oid"))
    except RevisionNotFoundError:
        return {}
    return remote


def _live_manifest(http: HubHttp, space_id: str) -> dict | None:
    """The manifest.json the Space serves now (None if it has none, or it is unreadable)."""
    response = http.request("GET", http.api(f"spaces/{space_id}/resolve/main/{MANIFEST}"))
    if response.status_code == 404:
        return None
    if response.status_code != 200:
        raise PublishError(f"cannot read the live {MANIFEST} of Space {space_id} "
                           f"(HTTP {response.status_code}); the publish guards need it "
                           "(use --force to publish without them)")
    try:
        live = response.json()
    except ValueError:
        return None
    return live if isinstance(live, dict) else None


# --- sending -----------------------------------------------------------------------------------

def _send(http: HubHttp, site_dir: Path, space_id: str, plan: Plan, local: dict[str, LocalFile],
          parent: str | None, *, token: str | None, limits: CommitLimits, manifest: dict,
          log: Log, landed: list[LandedCommit]) -> None:
    """Every commit of the plan, chained, each added to `landed` once the Hub took it. The
    bytes of LFS files go first, all of them: the commits then follow one another quickly."""
    uploads = plan.added + plan.updated
    modes = _upload_modes(http, site_dir, space_id, uploads, local)
    skipped = [p for p in uploads if modes[p] == "ignore"]
    if skipped:
        log(f"publish: the Space ignores {fmt.count(len(skipped))} file(s) (its .gitignore): "
            f"{skipped[0]} ...")
    sendable = {p for p in uploads if modes[p] != "ignore"}
    plan = replace(plan, added=tuple(p for p in plan.added if p in sendable),
                   updated=tuple(p for p in plan.updated if p in sendable))
    sizes = {p: payload_size(p, local[p].size, modes[p] == "lfs") for p in sendable}
    todo = batches(plan, sizes, limits)
    if len(todo) > 1:
        todo = _linked(site_dir, plan, sizes, limits, manifest, log)
    lfs = [p for batch in todo for p in batch.add if modes[p] == "lfs"]
    if lfs:
        _upload_lfs(site_dir, space_id, lfs, token)
    http.gate.progress = lambda: f"{fmt.count(sent)} of {fmt.count(len(todo))} commits sent"
    sent, new = 0, frozenset(plan.added)
    for batch in todo:
        commit = _Sent(batch, new, sent + 1, len(todo))
        message = _message(plan, batch, sent + 1, len(todo))
        parent, url = _commit(http, site_dir, space_id, commit, local, modes, parent, message,
                              manifest)
        landed.append(commit.landed(url))
        sent += 1
        log(f"publish: commit {fmt.count(sent)} of {fmt.count(len(todo))} to Space {space_id}: "
            f"{fmt.count(len(batch.add))} file(s) ({fmt.size(batch.bytes)} sent), "
            f"{fmt.count(len(batch.delete))} deleted" + (_kept(plan) if sent == len(todo) else ""))


def _linked(site_dir: Path, plan: Plan, sizes: dict[str, int], limits: CommitLimits,
            manifest: dict, log: Log) -> list[Batch]:
    """The commits of a plan too large for one, ordered by the links of its pages; the pages
    that may link to a page not there yet until a later commit lands are said."""
    base = manifest.get("base")
    base = base if isinstance(base, str) and base.startswith("/") and base.endswith("/") else "/"
    links = {p: page_links(p, (site_dir / p).read_text(encoding="utf-8", errors="replace"), base)
             for p in plan.added + plan.updated if p.endswith(".html")}
    todo = linked_batches(plan, sizes, limits, links)
    loose = dangling(todo, links, plan.added)
    if loose:
        page, target, _ = loose[0]
        log(f"publish: {fmt.count(len({p for p, _, _ in loose}))} page(s) link to pages of a "
            f"later commit (their links form a cycle larger than one commit, e.g. {page} -> "
            f"{target}): such links lead nowhere until commit "
            f"{fmt.count(max(n for _, _, n in loose))} of {fmt.count(len(todo))} lands")
    return todo


def _upload_modes(http: HubHttp, site_dir: Path, space_id: str, paths: tuple[str, ...],
                  local: dict[str, LocalFile]) -> dict[str, str]:
    """For each upload: "regular" (inline in the commit), "lfs", or "ignore", as the Hub says."""
    modes: dict[str, str] = {}
    for start in range(0, len(paths), _PREUPLOAD_CHUNK):
        chunk = paths[start:start + _PREUPLOAD_CHUNK]
        files = []
        for path in chunk:
            with open(site_dir / path, "rb") as fh:
                sample = fh.read(512)
            files.append({"path": path, "sample": base64.b64encode(sample).decode(),
                          "size": local[path].size})
        answer = http.json("POST", http.api(f"api/spaces/{space_id}/preupload/main"),
                           json={"files": files})
        for item in answer.get("files", []):
            mode = "ignore" if item.get("shouldIgnore") else item.get("uploadMode")
            modes[item["path"]] = mode if mode in ("regular", "lfs", "ignore") else "regular"
    for path in paths:      # as huggingface_hub does: an empty file has no LFS object to send
        if modes.get(path) == "lfs" and local[path].size == 0:
            modes[path] = "regular"
    missing = [p for p in paths if p not in modes]
    if missing:
        raise PublishError(f"the Hub did not say how to upload {missing[0]} (preupload)")
    return modes


def _upload_lfs(site_dir: Path, space_id: str, paths: list[str], token: str | None) -> None:
    """Upload the bytes of LFS files before the commit that names them (Xet or LFS protocol)."""
    from huggingface_hub import CommitOperationAdd, HfApi

    additions = [CommitOperationAdd(path_in_repo=p, path_or_fileobj=str(site_dir / p))
                 for p in paths]
    with library_bars(interactive()):
        HfApi(token=token).preupload_lfs_files(space_id, additions, repo_type="space",
                                               revision="main", token=token)


def _commit(http: HubHttp, site_dir: Path, space_id: str, commit: _Sent,
            local: dict[str, LocalFile], modes: dict[str, str], parent: str | None,
            message: str, manifest: dict) -> tuple[str, str]:
    """POST one commit. Returns its id and URL. A commit that timed out may have landed: it is
    never sent again. One answered with 408/5xx is sent again when it names its parent commit:
    if it had landed after all, the Hub refuses the repeat as stale (412) and the plan is made
    again from what is live."""
    from huggingface_hub.utils import hf_raise_for_status

    batch = commit.batch
    counts = manifest.get("counts") or {}
    header = {"summary": message, "description": "Published by collab-site. " + ", ".join(
        f"{k}: {v}" for k, v in sorted(counts.items()) if isinstance(v, int))}
    if parent:
        header["parentCommit"] = parent
    lines = [{"key": "header", "value": header}]
    for path in batch.add:
        if modes[path] == "lfs":
            lines.append({"key": "lfsFile", "value": {"path": path, "algo": "sha256",
                                                      "oid": local[path].sha256,
                                                      "size": local[path].size}})
        else:
            content = base64.b64encode((site_dir / path).read_bytes()).decode()
            lines.append({"key": "file", "value": {"content": content, "path": path,
                                                   "encoding": "base64"}})
    lines += [{"key": "deletedFile", "value": {"path": p}} for p in batch.delete]
    body = b"".join(json.dumps(line).encode() + b"\n" for line in lines)
    repeats_before = http.retries         # commits are sent one at a time: ours alone
    response = http.request("POST", http.api(f"api/spaces/{space_id}/commit/main"),
                            idempotent=False, retry_busy=parent is not None,
                            timeout=http.policy.commit_timeout,
                            content=body, headers={"Content-Type": "application/x-ndjson"})
    if response.status_code == 412:
        raise _Stale(ours=http.retries > repeats_before, sent=commit)
    hf_raise_for_status(response)
    data = response.json()
    return str(data["commitOid"]), str(data.get("commitUrl") or "")


def _message(plan: Plan, batch: Batch, number: int, total: int) -> str:
    new = set(plan.added)
    added = sum(1 for p in batch.add if p in new)
    updated = len(batch.add) - added
    text = f"Update site: {added} added, {updated} updated, {len(batch.delete)} deleted"
    return text + (f" (part {number} of {total})" if total > 1 else "")


# --- messages --------------------------------------------------------------------------------

def _log_dry_run(where: str, created: bool, plan: Plan, refused: str, log: Log) -> None:
    log(f"publish (dry run): {where}" + (" does not exist and would be created" if created else "")
        + f": {fmt.count(len(plan.added))} to add, {fmt.count(len(plan.updated))} to update, "
          f"{fmt.count(len(plan.deleted))} to delete, {fmt.count(plan.unchanged)} unchanged"
        + _kept(plan))
    long = plan.changed > 3 * _LIST_LIMIT
    for sign, paths in (("+", plan.added), ("~", plan.updated), ("-", plan.deleted)):
        shown = paths[:_LIST_LIMIT] if long else paths
        for p in shown:
            log(f"  {sign} {p}")
        if len(paths) > len(shown):
            log(f"  {sign} ... and {fmt.count(len(paths) - len(shown))} more")
    if refused:
        log(f"publish (dry run): would refuse: {refused}")


def _kept(plan: Plan) -> str:
    if not plan.kept_search_files:
        return ""
    return f", {fmt.count(plan.kept_search_files)} superseded search files kept for now"


def _describe(exc: BaseException, space_id: str) -> str:
    import httpx2
    from huggingface_hub.errors import HfHubHTTPError, RepositoryNotFoundError

    if isinstance(exc, RepositoryNotFoundError):
        return (f"Space {space_id} not found or not accessible: the token needs write access "
                "to it (set HF_TOKEN or run `hf auth login`)")
    if isinstance(exc, HfHubHTTPError) and exc.response is not None:
        status = exc.response.status_code
        if status in (401, 403):
            return (f"the Hub refused the token for Space {space_id} (HTTP {status}): it needs "
                    "write access to the Space")
        if status == 413:
            return ("the Hub refused a commit as too large (HTTP 413): lower [publish] "
                    "max_commit_files or max_commit_mb")
    if isinstance(exc, hub_http.RateLimited):
        return f"Space {space_id}: {exc}; the next run publishes the site"
    if isinstance(exc, hub_http.RetryableStatus) and "/commit/" in str(exc):
        return (f"Space {space_id}: the Hub kept failing a commit ({exc}); the commits before it "
                "are live: run publish again, it sends only what is not live yet")
    if isinstance(exc, httpx2.TimeoutException) and "/commit/" in describe(exc):
        return (f"Space {space_id}: the Hub did not answer a commit in time; it may have "
                "landed: run publish again, it sends only what is not live yet")
    return f"Space {space_id}: {describe(exc)}"

