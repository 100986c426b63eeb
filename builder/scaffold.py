"""collab-site init: a commented collab.toml and a GitHub workflow that rebuilds and publishes the
site with the collab-site Action; with `demo`, a small demo bucket that builds a full site at once.

It asks nothing: flags fill the settings, the rest stays commented with its default. Nothing is
overwritten unless `force`: a directory that already has any of the files is left untouched.
"""
from __future__ import annotations

import json
import re
import shlex
import subprocess
from dataclasses import dataclass
from importlib import metadata, resources
from pathlib import Path
from typing import Any, Mapping

import jinja2

from builder import __version__
from builder.render import resource_files
from builder.urls import bucket_web_url

CONFIG = "collab.toml"
WORKFLOW = ".github/workflows/rebuild.yml"
DEMO_DIR = "demo-bucket"
PACKAGE = "collab-site"

_REPO_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,95}/[A-Za-z0-9][A-Za-z0-9._-]{0,95}")
_FIELD = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]{0,63}")
_GITHUB = re.compile(r"https://github\.com/([A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+?)(?:\.git)?/?")
_GITHUB_REMOTE = re.compile(
    r"(?:https://|ssh://git@|git@)github\.com[/:]([A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+?)(?:\.git)?/?")

# The demo collaboration's settings (the bucket is builder/demo; its score field is tps).
DEMO_SETTINGS: Mapping[str, Any] = {
    "title": "Fast Tiny-LM inference — agent collaboration",
    "tagline": "Thirty agents push decode throughput of a tiny language model, in the open.",
    "links": [{"label": "Bucket", "url": "https://huggingface.co/buckets/demo-org/tinylm-collab"}],
    "location": DEMO_DIR, "field": "tps", "label": "Throughput", "unit": "tok/s",
    "direction": "higher", "secondary_field": "ppl", "secondary_label": "PPL",
    "fallback": [{"agent": "baseline", "score": 182.5, "method": "vLLM defaults, bf16, batch 1",
                  "description": "Organizer reference run"}],
}
DEFAULT_SETTINGS: Mapping[str, Any] = {
    "title": "Agent collaboration", "tagline": "", "links": [], "location": "",
    "field": "score", "label": "Score", "unit": "", "direction": "higher",
    "secondary_field": "", "secondary_label": "", "fallback": [],
}


class InitError(Exception):
    """init cannot go on; nothing was written."""


@dataclass(frozen=True)
class Answers:
    bucket: str = ""        # ORG/NAME (hf://buckets/ORG/NAME accepted)
    space: str = ""         # ORG/NAME
    metric: str = ""        # the results' score field
    direction: str = ""     # higher | lower
    demo: bool = False


def answer_errors(answers: Answers) -> list[str]:
    """What is wrong with the flags, each naming its flag."""
    errors = []
    if answers.bucket and not _REPO_ID.fullmatch(bucket_id(answers.bucket)):
        errors.append(f"--bucket: expected ORG/NAME, got {answers.bucket!r}")
    if answers.space and not _REPO_ID.fullmatch(answers.space):
        errors.append(f"--space: expected ORG/NAME, got {answers.space!r}")
    if answers.metric and not _FIELD.fullmatch(answers.metric):
        errors.append(f"--metric: expected a field name such as tps or val_loss, got {answers.metric!r}")
    if answers.direction not in ("", "higher", "lower"):
        errors.append(f"--direction: expected higher or lower, got {answers.direction!r}")
    return errors


def bucket_id(bucket: str) -> str:
    return bucket.removeprefix("hf://buckets/").strip("/")


def settings(answers: Answers) -> dict[str, Any]:
    """The values collab.toml is written with: the defaults or the demo's, then the flags."""
    values = dict(DEMO_SETTINGS if answers.demo else DEFAULT_SETTINGS)
    if answers.bucket:
        location = "hf://buckets/" + bucket_id(answers.bucket)
        values["location"] = location
        values["links"] = [{"label": "Bucket", "url": bucket_web_url(location, "")}]
        # The operator's own bucket: the demo's title, tagline and baseline would describe the demo.
        values.update(title=bucket_id(answers.bucket).split("/")[1], tagline="", fallback=[])
    if answers.metric:
        values.update(field=answers.metric, label=answers.metric, unit="",
                      secondary_field="", secondary_label="", fallback=[])
    values["direction"] = answers.direction or values["direction"]
    values["space"] = answers.space
    return values


def planned_files(answers: Answers, action: str) -> dict[str, bytes]:
    """Every file init writes, by its path relative to the target directory."""
    env = _starter_environment()
    files = {
        CONFIG: env.get_template("collab.toml").render(settings(answers)).encode(),
        WORKFLOW: env.get_template("rebuild.yml").render(action=action, version=__version__).encode(),
    }
    if answers.demo:
        demo = resource_files(resources.files("builder") / "demo")
        files.update((f"{DEMO_DIR}/{name}", data) for name, data in sorted(demo.items()))
    return files


def write_files(root: Path, files: Mapping[str, bytes], force: bool) -> None:
    if root.exists() and not root.is_dir():
        raise InitError(f"{root} is a file, not a folder; nothing was written")
    existing = sorted(name for name in files if (root / name).exists())
    if existing and not force:
        shown = ", ".join(existing[:3]) + (f" and {len(existing) - 3} more" if len(existing) > 3 else "")
        raise InitError(f"{root} already has {shown}; nothing was written (--force overwrites)")
    for name, data in files.items():
        path = root / name
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        except OSError as exc:                 # a file on the way, no permission, a full disk
            raise InitError(f"cannot write {path}: {exc.strerror or exc}") from None


def next_steps(root: Path, answers: Answers, pin_note: str) -> str:
    where = "" if root == Path(".") else f" in {root}"
    wrote = f"{CONFIG}, {WORKFLOW}" + (f" and {DEMO_DIR}/" if answers.demo else "")
    missing = [key for key, given in (("[source] location", answers.bucket or answers.demo),
                                      ("[publish] space_id", answers.space)) if not given]
    demo_source = f" {DEMO_DIR}" if answers.demo and not answers.bucket else ""
    lines = [f"init: wrote {wrote}{where}.", "Next:"]
    if root != Path("."):
        lines.append(f"  - go there: cd {shlex.quote(str(root))}")
    if answers.demo:
        lines.append("  - preview the demo: collab-site build && collab-site serve")
    if missing:
        lines.append(f"  - set {' and '.join(missing)} in {CONFIG}")
    lines += [
        f"  - commit and push: git add {CONFIG} .github{demo_source} && git commit -m 'Publish the "
        "site' && git push",
        "  - add the repository secret HF_TOKEN (Settings > Secrets and variables > Actions):",
        "    a Hugging Face token that can read the bucket and write the Space",
        "  - run the workflow: Actions > Rebuild site > Run workflow",
    ]
    if pin_note:
        lines.append(pin_note)
    return "\n".join(lines)


def action_reference() -> tuple[str, str]:
    """OWNER/NAME@REF of the GitHub Action that matches this package, and a line saying what REF
    is and why: "pinned: ..." when REF is the full hash of a commit users can fetch, else a
    "note: ..." of what the operator must do about it."""
    repo = _source_repository()
    checkout = _development_checkout()
    if checkout is None:
        commit = _recorded_commit()
        if commit:
            return f"{repo}@{commit}", (f"pinned: the Action to {commit}, the commit collab-site "
                                        f"{__version__} was released from")
        return f"{repo}@v{__version__}", (
            f"note: {WORKFLOW} uses the Action by its tag; pin it to the tag's commit hash")
    commit = _version_tag_commit(checkout)
    if not commit:
        return f"{repo}@v{__version__}", (
            f"note: collab-site runs from a development checkout, whose commits may exist only "
            f"here, without the tag v{__version__}: {WORKFLOW} names the Action by that tag, "
            f"which may not be released yet; point it at a released commit of {repo}")
    branch = _fetched_branch_holding(checkout, commit, repo)
    if not branch:
        return f"{repo}@v{__version__}", (
            f"note: the tag v{__version__} of this development checkout is on no branch fetched "
            f"from {repo}, so its commit {commit} may exist only here: {WORKFLOW} names the "
            f"Action by the tag; once a branch of {repo} holding it is fetched here, "
            f"`collab-site init --force` pins it, else point it at a released commit")
    return f"{repo}@{commit}", (f"pinned: the Action to {commit}, the commit of the tag "
                                f"v{__version__}, which {branch} (fetched from {repo}) holds")


def _source_repository() -> str:
    try:
        urls = metadata.metadata(PACKAGE).get_all("Project-URL") or []
    except metadata.PackageNotFoundError:
        raise InitError(f"{PACKAGE} is not installed (pip install {PACKAGE})") from None
    for entry in urls:
        label, _, url = entry.partition(",")
        found = _GITHUB.fullmatch(url.strip())
        if label.strip().lower() == "source" and found:
            return found.group(1)
    raise InitError(f"the {PACKAGE} package names no GitHub source repository")


def _development_checkout() -> Path | None:
    """The git checkout this package runs from, or None for an installed package."""
    checkout = Path(__file__).resolve().parents[1]
    return checkout if (checkout / ".git").exists() else None


def _version_tag_commit(checkout: Path) -> str:
    """The commit of this version's release tag in a checkout. Not its HEAD, nor the commit an
    editable install recorded: either may never have been pushed, and a workflow pinned to it
    would fail to fetch the Action."""
    return _full_hash(_git(checkout, "rev-parse", "--verify", "--quiet",
                           f"refs/tags/v{__version__}^{{commit}}"))


def _fetched_branch_holding(checkout: Path, commit: str, repo: str) -> str:
    """A remote-tracking branch of a remote whose URL is `repo`'s on GitHub that holds `commit`
    ("" when none): what tells, without the network, that GitHub has that commit. A tag alone
    does not: it may never have been pushed."""
    urls = _git(checkout, "config", "--get-regexp", r"^remote\..*\.url$").splitlines()
    remotes = [key[len("remote."):-len(".url")] for key, _, url in (u.partition(" ") for u in urls)
               if (found := _GITHUB_REMOTE.fullmatch(url)) and found[1].lower() == repo.lower()]
    holding = _git(checkout, "for-each-ref", "--contains", commit, "--format=%(refname:short)",
                   *(f"refs/remotes/{remote}" for remote in remotes)).split() if remotes else []
    return next((branch for branch in sorted(holding) if not branch.endswith("/HEAD")), "")


def _git(checkout: Path, *args: str) -> str:
    """What git prints for `args` in `checkout` ("" when it fails)."""
    try:
        return subprocess.run(["git", "-C", str(checkout), *args], capture_output=True,
                              text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def _recorded_commit() -> str:
    """The commit the package was built from, recorded by setup.py (the release's tagged commit)."""
    recorded = resources.files("builder") / "ACTION_COMMIT"
    return _full_hash(recorded.read_text(encoding="ascii").strip()) if recorded.is_file() else ""


def _full_hash(commit: str) -> str:
    return commit if re.fullmatch(r"[0-9a-f]{40}", commit) else ""


def _starter_environment() -> jinja2.Environment:
    # << >> for values: GitHub expressions use ${{ }} and TOML tables use [[ ]].
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("builder", "starter"), undefined=jinja2.StrictUndefined,
        variable_start_string="<<", variable_end_string=">>", autoescape=False,
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters["toml"] = toml_value
    return env


def toml_value(value: Any) -> str:
    """A TOML literal for a string, number, list or table (JSON strings are TOML strings)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, Mapping):
        return "{ " + ", ".join(f"{k} = {toml_value(v)}" for k, v in value.items()) + " }"
    return json.dumps(str(value), ensure_ascii=False)
