"""Push a built site to a static Hugging Face Space: the only code that talks to the Space.

    publish(site_dir, space_id, token=..., dry_run=..., force=...) -> PublishOutcome

1. Read the site's manifest.json (written by the build) and check every listed file against its
   sha256: a half-written or hand-edited site folder is refused.
2. Create the Space (`sdk: static`) if it does not exist (not in a dry run).
3. Compare the site's files with the Space's (`list_repo_tree`, git blob ids; sha256 for LFS
   files) and plan: added, updated, deleted. `.gitattributes` and `README.md` are never deleted;
   our README.md (the Space card with `sdk: static`) is uploaded when it differs.
4. Shrink guard: read the live manifest.json from the Space; if the new site's ranked entries or
   messages dropped by more than half, refuse unless `force`.
5. Send ONE commit (`create_commit`, with `parent_commit` so a concurrent publish fails cleanly
   instead of being overwritten) that adds/updates the changed files and deletes stale ones.

About hf_xet: the Hub decides per file whether an upload is "regular" (inline in the commit) or
LFS (uploaded first, through hf_xet when it is installed). HTML/CSS/JS/JSON/MD stay regular;
binary assets (PNG, ICO, fonts) may go LFS, which works against the real Hub but not against the
tests' fake (it always answers "regular"). `create_commit` makes a single commit whatever the
number of files (unlike `upload_folder` with hf_xet, which splits at 250 files per commit).

The token is passed to huggingface_hub only; it is never logged, and error messages are
scrubbed of it.
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Callable

MANIFEST = "manifest.json"
README = "README.md"
NEVER_DELETE = frozenset({".gitattributes", README})
GUARDED_COUNTS = ("ranked", "messages")
_SPACE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*$")
_LIST_LIMIT = 50   # per category, in the dry-run listing, when the plan is long

Log = Callable[[str], None]


class PublishError(Exception):
    """Publishing failed (bad site folder, Hub error, auth); the message is one line."""


@dataclass(frozen=True)
class PublishOutcome:
    created: bool                 # the Space did not exist (created, or would be in a dry run)
    added: tuple[str, ...]
    updated: tuple[str, ...]
    deleted: tuple[str, ...]
    committed: bool
    refused_reason: str = ""
    commit_url: str = ""

    @property
    def changed(self) -> int:
        return len(self.added) + len(self.updated) + len(self.deleted)


@dataclass(frozen=True)
class _LocalFile:
    path: str
    sha256: str
    git_sha1: str


def publish(site_dir: Path, space_id: str, *, token: str | None, dry_run: bool, force: bool,
            log: Log = print) -> PublishOutcome:
    site_dir = Path(site_dir)
    space_id = (space_id or "").strip().strip("/")
    if not _SPACE_ID.match(space_id):
        raise PublishError(f"{space_id!r} is not a Space id of the form ORG/NAME")
    redact = _redactor(token)
    try:
        return _publish(site_dir, space_id, token=token, dry_run=dry_run, force=force, log=log)
    except PublishError as exc:
        raise PublishError(redact(str(exc))) from None
    except KeyboardInterrupt:
        raise
    except Exception as exc:  # noqa: BLE001 - one clear line, never a traceback
        raise PublishError(redact(_describe(exc, space_id))) from None


def _publish(site_dir: Path, space_id: str, *, token: str | None, dry_run: bool, force: bool,
             log: Log) -> PublishOutcome:
    from huggingface_hub import CommitOperationAdd, CommitOperationDelete, HfApi
    from huggingface_hub.errors import RepositoryNotFoundError

    from builder.sources.hub import DEFAULT_POLICY, _install_default_timeout

    manifest, local = _read_site(site_dir)
    _install_default_timeout(DEFAULT_POLICY.timeout)
    api = HfApi(token=token)
    where = f"Space {space_id}"

    exists = api.repo_exists(space_id, repo_type="space", token=token)
    created = not exists
    if not exists and not dry_run:
        api.create_repo(space_id, repo_type="space", space_sdk="static", exist_ok=True, token=token)
        log(f"publish: created the static {where}")

    remote: dict[str, object] = {}
    parent: str | None = None
    if exists or not dry_run:
        info = api.space_info(space_id, token=token)
        parent = info.sha
        sdk = getattr(info, "sdk", None)
        if exists and sdk and sdk != "static":
            log(f"publish: {where} uses sdk {sdk!r}; this publish makes it a static Space")
        try:
            remote = {f.path: f for f in api.list_repo_tree(space_id, repo_type="space",
                                                            recursive=True, token=token)
                      if hasattr(f, "blob_id") and hasattr(f, "size")}
        except RepositoryNotFoundError:
            remote = {}

    added, updated = [], []
    for path, lf in local.items():
        rf = remote.get(path)
        if rf is None:
            added.append(path)
        elif not _same(lf, rf):
            updated.append(path)
    deleted = sorted(p for p in remote if p not in local and p not in NEVER_DELETE)
    added.sort()
    updated.sort()

    refused = ""
    if exists and not force:
        refused = _shrink_reason(_live_manifest(space_id, token), manifest.get("counts") or {})
    outcome = PublishOutcome(created=created, added=tuple(added), updated=tuple(updated),
                             deleted=tuple(deleted), committed=False, refused_reason=refused)

    summary = (f"{len(added)} to add, {len(updated)} to update, {len(deleted)} to delete, "
               f"{len(local) - len(added) - len(updated)} unchanged")
    if dry_run:
        log(f"publish (dry run): {where}" + (" does not exist and would be created" if created else "")
            + f": {summary}")
        _log_plan(outcome, log)
        if refused:
            log(f"publish (dry run): would refuse: {refused}")
        return outcome
    if refused:
        log(f"publish: refused: {refused}")
        return outcome
    if not outcome.changed:
        log(f"publish: {where} is up to date ({len(local)} files); nothing to commit")
        return outcome

    operations = [CommitOperationAdd(path_in_repo=p, path_or_fileobj=str(site_dir / p))
                  for p in added + updated]
    operations += [CommitOperationDelete(path_in_repo=p) for p in deleted]
    counts = manifest.get("counts") or {}
    message = (f"Update site: {len(added)} added, {len(updated)} updated, {len(deleted)} deleted")
    description = "Published by collab-site. " + ", ".join(
        f"{k}: {v}" for k, v in sorted(counts.items()) if isinstance(v, int))
    commit = api.create_commit(space_id, operations, commit_message=message,
                             commit_description=description, repo_type="space", token=token,
                             parent_commit=parent)
    log(f"publish: committed to {where}: {len(added)} added, {len(updated)} updated, "
        f"{len(deleted)} deleted")
    return PublishOutcome(created=created, added=tuple(added), updated=tuple(updated),
                          deleted=tuple(deleted), committed=True,
                          commit_url=str(getattr(commit, "commit_url", "") or ""))


# --- the local site --------------------------------------------------------------------------

def _read_site(site_dir: Path) -> tuple[dict, dict[str, _LocalFile]]:
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
    local: dict[str, _LocalFile] = {}
    for path, expected in sorted(files.items()):
        pure = PurePosixPath(path)
        if (not isinstance(path, str) or pure.is_absolute() or ".." in pure.parts or not pure.parts
                or path == MANIFEST):
            raise PublishError(f"{manifest_path} lists an invalid path {path!r}: rebuild the site")
        try:
            data = (site_dir / path).read_bytes()
        except OSError:
            raise PublishError(f"{site_dir / path} is listed in the manifest but missing: "
                               "rebuild the site") from None
        sha256 = hashlib.sha256(data).hexdigest()
        if sha256 != expected:
            raise PublishError(f"{site_dir / path} does not match the manifest (changed after the "
                               "build?): rebuild the site")
        local[path] = _LocalFile(path, sha256, _git_sha1(data))
    local[MANIFEST] = _LocalFile(MANIFEST, hashlib.sha256(raw).hexdigest(), _git_sha1(raw))
    if README not in local:
        raise PublishError(f"{site_dir / README} (the Space card) is missing: rebuild the site")
    if not _is_static_card((site_dir / README).read_text(encoding="utf-8", errors="replace")):
        raise PublishError(f"{site_dir / README} has no `sdk: static` front matter; publishing it "
                           "would break the Space's configuration")
    return manifest, local


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


def _git_sha1(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def _same(local: _LocalFile, remote) -> bool:
    lfs = getattr(remote, "lfs", None)
    if lfs is not None:
        return getattr(lfs, "sha256", None) == local.sha256
    return getattr(remote, "blob_id", None) == local.git_sha1


# --- the shrink guard ------------------------------------------------------------------------

def _live_manifest(space_id: str, token: str | None) -> dict | None:
    """The manifest.json the Space serves now, or None if it has none (or it is unreadable)."""
    import httpx2
    from huggingface_hub import constants
    from huggingface_hub.utils import build_hf_headers, get_session

    from builder.sources.hub import DEFAULT_POLICY, _Counters, _RetryableStatus, _retry_after, _with_retries

    url = f"{constants.ENDPOINT}/spaces/{space_id}/resolve/main/{MANIFEST}"
    headers = build_hf_headers(token=token)

    def get():
        r = get_session().get(url, headers=headers, timeout=httpx2.Timeout(DEFAULT_POLICY.timeout))
        if r.status_code in (408, 429, 500, 502, 503, 504):
            raise _RetryableStatus(r.status_code, _retry_after(r.headers))
        return r

    response = _with_retries(get, DEFAULT_POLICY, _Counters())
    if response.status_code == 404:
        return None
    if response.status_code != 200:
        raise PublishError(f"cannot read the live {MANIFEST} of Space {space_id} "
                           f"(HTTP {response.status_code}); the shrink guard needs it "
                           "(use --force to publish without it)")
    try:
        data = response.json()
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def _shrink_reason(live: dict | None, new_counts: dict) -> str:
    if not live or not isinstance(live.get("counts"), dict):
        return ""
    drops = []
    for key in GUARDED_COUNTS:
        before, after = live["counts"].get(key), new_counts.get(key)
        if not isinstance(before, int) or not isinstance(after, int):
            continue
        if after * 2 < before:
            drops.append(f"{key} {before} -> {after}")
    if not drops:
        return ""
    return (f"the new site lost more than half of what is live ({', '.join(drops)}); "
            "if that is intended, publish again with --force")


# --- messages --------------------------------------------------------------------------------

def _log_plan(outcome: PublishOutcome, log: Log) -> None:
    long = outcome.changed > 3 * _LIST_LIMIT
    for sign, paths in (("+", outcome.added), ("~", outcome.updated), ("-", outcome.deleted)):
        shown = paths[:_LIST_LIMIT] if long else paths
        for p in shown:
            log(f"  {sign} {p}")
        if len(paths) > len(shown):
            log(f"  {sign} ... and {len(paths) - len(shown)} more")


def _describe(exc: BaseException, space_id: str) -> str:
    from builder.sources.hub import _describe as describe_http
    from huggingface_hub.errors import HfHubHTTPError, RepositoryNotFoundError

    if isinstance(exc, RepositoryNotFoundError):
        return (f"Space {space_id} not found or not accessible: the token needs write access "
                "to it (set HF_TOKEN or run `hf auth login`)")
    if isinstance(exc, HfHubHTTPError) and exc.response is not None:
        status = exc.response.status_code
        if status == 412:
            return (f"Space {space_id} changed while publishing (another publish?); "
                    "nothing was committed: run publish again")
        if status in (401, 403):
            return (f"the Hub refused the token for Space {space_id} (HTTP {status}): it needs "
                    "write access to the Space")
    if isinstance(exc, ValueError) and "README" in str(exc):
        return f"the Hub rejected the Space card README.md: {str(exc).splitlines()[0]}"
    return f"Space {space_id}: {describe_http(exc, space_id)}"


def _redactor(token: str | None):
    from builder.sources.hub import _redactor as redactor
    return redactor(token)
