"""collab-site init: a collab.toml that says what the flags said, a workflow that runs the
pinned Action, a demo bucket on request, and never an overwritten file without --force."""
from __future__ import annotations

import re
import subprocess
import tomllib
from dataclasses import fields

import pytest
import yaml

from builder import __version__, scaffold
from builder.cli import main
from builder.config import NOT_SETTINGS, Config, load_config

WORKFLOW = ".github/workflows/rebuild.yml"
RELEASED = "0123456789abcdef0123456789abcdef01234567"


@pytest.fixture(autouse=True)
def _installed_package(monkeypatch):
    """init runs as from the released wheel, which recorded its commit (not from this checkout,
    whose commits and tags vary), unless a test says otherwise."""
    monkeypatch.setattr(scaffold, "_development_checkout", lambda: None)
    monkeypatch.setattr(scaffold, "_recorded_commit", lambda: RELEASED)


def _workflow(root) -> dict:
    data = yaml.safe_load((root / WORKFLOW).read_text(encoding="utf-8"))
    data["on"] = data.pop(True)     # YAML 1.1 reads the bare key `on` as True
    return data


def test_flags_fill_the_config_and_the_workflow_runs_the_pinned_action(tmp_path, capsys):
    assert main(["init", str(tmp_path), "--bucket", "hf://buckets/acme/speed-collab",
                 "--space", "acme/speed-site", "--metric", "val_loss", "--direction", "lower"]) == 0
    config = load_config(tmp_path / "collab.toml", env={})
    assert config.source.location == "hf://buckets/acme/speed-collab"
    assert config.publish.space_id == "acme/speed-site"
    assert (config.metric.field, config.metric.direction) == ("val_loss", "lower")
    assert [(l.label, l.url) for l in config.site.links] == [
        ("Bucket", "https://huggingface.co/buckets/acme/speed-collab")]

    wf = _workflow(tmp_path)
    assert wf["on"]["schedule"] == [{"cron": "*/15 * * * *"}] and "workflow_dispatch" in wf["on"]
    assert wf["permissions"] == {} and wf["concurrency"]
    (job,) = wf["jobs"].values()
    assert job["permissions"] == {"contents": "read"}
    action = job["steps"][-1]
    assert re.fullmatch(rf"[\w.-]+/collab-site@{RELEASED}", action["uses"])
    assert action["env"] == {"HF_TOKEN": "${{ secrets.HF_TOKEN }}"}
    text = (tmp_path / WORKFLOW).read_text(encoding="utf-8")
    assert f"# v{__version__}" in text and len(text.splitlines()) <= 20
    out = capsys.readouterr().out
    assert "HF_TOKEN" in out and "Rebuild site" in out
    assert out.splitlines()[-1] == (f"pinned: the Action to {RELEASED}, the commit collab-site "
                                    f"{__version__} was released from")


def test_init_refuses_to_overwrite_unless_forced(tmp_path, capsys):
    (tmp_path / "collab.toml").write_text("# mine\n", encoding="utf-8")
    assert main(["init", str(tmp_path), "--bucket", "acme/collab"]) == 1
    assert "collab.toml" in capsys.readouterr().err
    assert (tmp_path / "collab.toml").read_text(encoding="utf-8") == "# mine\n"
    assert not (tmp_path / WORKFLOW).exists()       # nothing at all was written
    assert main(["init", str(tmp_path), "--bucket", "acme/collab", "--force"]) == 0
    assert load_config(tmp_path / "collab.toml", env={}).source.location == "hf://buckets/acme/collab"


def test_a_file_where_the_folder_should_be_is_refused_in_one_line(tmp_path, capsys):
    (tmp_path / "afile").write_text("mine", encoding="utf-8")
    assert main(["init", str(tmp_path / "afile")]) == 1
    assert capsys.readouterr().err == f"init: {tmp_path / 'afile'} is a file, not a folder; nothing was written\n"
    assert main(["init", str(tmp_path / "afile" / "below")]) == 1
    assert capsys.readouterr().err.startswith(f"init: cannot write {tmp_path / 'afile' / 'below'}/")
    assert (tmp_path / "afile").read_text(encoding="utf-8") == "mine"


def test_bad_flags_are_usage_errors_and_write_nothing(tmp_path, capsys):
    assert main(["init", str(tmp_path), "--bucket", "acme", "--space", "a/b/c",
                 "--metric", "tps = 1"]) == 2
    err = capsys.readouterr().err
    assert "--bucket" in err and "--space" in err and "--metric" in err
    assert list(tmp_path.iterdir()) == []


def test_demo_writes_a_bucket_the_config_reads_and_says_where_to_build_it(tmp_path, capsys):
    assert main(["init", str(tmp_path), "--demo"]) == 0
    steps = capsys.readouterr().out.splitlines()
    assert steps.index(f"  - go there: cd {tmp_path}") < steps.index(
        "  - preview the demo: collab-site build && collab-site serve")
    config = load_config(tmp_path / "collab.toml", env={})
    assert config.source_dir() == (tmp_path / "demo-bucket").resolve()
    assert config.metric.field == "tps"
    assert (tmp_path / "demo-bucket" / "LEADERBOARD.md").is_file()
    assert len(list((tmp_path / "demo-bucket" / "message_board").glob("*.md"))) > 100


def test_without_a_bucket_the_config_leaves_it_to_be_filled(tmp_path, capsys):
    assert main(["init", str(tmp_path)]) == 0
    assert "set [source] location and [publish] space_id" in capsys.readouterr().out
    text = (tmp_path / "collab.toml").read_text(encoding="utf-8")
    assert '# location = "hf://buckets/ORG/NAME"' in text
    assert load_config(tmp_path / "collab.toml", env={}).metric.field == "score"



def test_every_setting_is_in_the_config_init_writes_with_its_real_default(tmp_path):
    assert main(["init", str(tmp_path)]) == 0
    text = (tmp_path / "collab.toml").read_text(encoding="utf-8")
    uncommented = "\n".join(line[2:] if re.match(r"# (\[|[a-z_]+ = )", line) else line
                            for line in text.splitlines())
    written = tomllib.loads(uncommented)
    defaults = Config()
    every = {(table.name, key.name) for table in fields(Config) if table.name not in NOT_SETTINGS
             for key in fields(getattr(defaults, table.name))}
    assert {(s, k) for s, table in written.items() for k in table} == every
    examples = {("fallback", "entries"), ("source", "location"), ("publish", "space_id"),
                ("site", "links"), ("site", "theme_dir")}         # shown as examples
    for section, key in every - examples:
        value = getattr(getattr(defaults, section), key)
        assert written[section][key] == (list(value) if isinstance(value, tuple) else value), key


def test_help_says_what_the_tool_does_and_what_its_exit_codes_mean(capsys):
    """`collab-site --help` began with "argument parsing only; each verb calls one function":
    a note to the code's readers, not to its users."""
    assert main(["--help"]) == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "Build a static website of an agent collaboration from its Hugging Face bucket" in text
    assert "exit codes: 0 ok, 1 build problems under --strict" in text
    assert "argument parsing" not in text


def test_demo_with_a_bucket_titles_the_site_after_the_bucket_not_the_demo(tmp_path, capsys):
    """`init --demo --bucket acme/speed-collab` kept the demo's title, tagline and baseline: the
    operator's site was titled "Fast Tiny-LM inference"."""
    assert main(["init", str(tmp_path), "--demo", "--bucket", "acme/speed-collab"]) == 0
    config = load_config(tmp_path / "collab.toml", env={})
    assert config.source.location == "hf://buckets/acme/speed-collab"
    assert (config.site.title, config.site.tagline) == ("speed-collab", "")
    assert config.fallback.entries == ()
    assert "Tiny-LM" not in (tmp_path / "collab.toml").read_text(encoding="utf-8")


def _git(root, *args) -> str:
    return subprocess.run(["git", "-C", str(root), "-c", "user.name=dev", "-c",
                           "user.email=dev@example.org", *args], check=True,
                          capture_output=True, text=True).stdout.strip()


def _checkout(root, *tags: str) -> str:
    """A git repository standing for a development checkout: a tagged commit, then an unpushed
    HEAD; returns HEAD's hash."""
    _git(root, "init", "-q")
    _git(root, "commit", "-q", "--allow-empty", "-m", "released")
    for tag in tags:
        _git(root, "tag", tag)
    _git(root, "commit", "-q", "--allow-empty", "-m", "work in progress")
    return _git(root, "rev-parse", "HEAD")


def _fetched(root, remote: str, url: str, branch: str, commit: str) -> None:
    """`branch` of `remote` (at `url`) as a fetch would have left it, at `commit`: no network."""
    _git(root, "remote", "add", remote, url)
    _git(root, "update-ref", f"refs/remotes/{remote}/{branch}", commit)


def _source_repo() -> str:
    return scaffold._source_repository()


def test_from_a_development_checkout_the_action_is_pinned_to_the_release_not_head(
        tmp_path, monkeypatch, capsys):
    """init pinned the checkout's HEAD, which may never have been pushed: the operator's
    workflow would fail to fetch the Action."""
    checkout = tmp_path / "checkout"
    checkout.mkdir()
    head = _checkout(checkout, f"v{__version__}")
    released = _git(checkout, "rev-parse", "HEAD~1")
    _fetched(checkout, "origin", f"git@github.com:{_source_repo()}.git", "main", released)
    monkeypatch.setattr(scaffold, "_development_checkout", lambda: checkout)
    assert main(["init", str(tmp_path / "site")]) == 0
    uses = _workflow(tmp_path / "site")["jobs"]["rebuild"]["steps"][-1]["uses"]
    assert uses.endswith(f"/collab-site@{released}") and head not in uses
    assert capsys.readouterr().out.splitlines()[-1] == (
        f"pinned: the Action to {released}, the commit of the tag v{__version__}, which "
        f"origin/main (fetched from {_source_repo()}) holds")


@pytest.mark.parametrize("fetched", [None, "another repository", "a branch without it"])
def test_a_version_tag_on_no_branch_fetched_from_github_is_not_pinned_to(
        tmp_path, monkeypatch, capsys, fetched):
    """A local tag was taken for a release: a tag never pushed pinned the workflow to a commit
    GitHub does not have, and every run failed to fetch the Action."""
    checkout = tmp_path / "checkout"
    checkout.mkdir()
    head = _checkout(checkout, f"v{__version__}")
    tagged = _git(checkout, "rev-parse", "HEAD~1")
    if fetched == "another repository":
        _fetched(checkout, "fork", "https://github.com/someone/collab-site-fork", "main", head)
    elif fetched == "a branch without it":
        _git(checkout, "checkout", "-q", "--orphan", "other")
        _git(checkout, "commit", "-q", "--allow-empty", "-m", "unrelated")
        _fetched(checkout, "origin", f"https://github.com/{_source_repo()}.git", "main",
                 _git(checkout, "rev-parse", "HEAD"))
    monkeypatch.setattr(scaffold, "_development_checkout", lambda: checkout)
    assert main(["init", str(tmp_path / "site")]) == 0
    text = (tmp_path / "site" / WORKFLOW).read_text(encoding="utf-8")
    assert f"/collab-site@v{__version__} " in text and tagged not in text
    note = capsys.readouterr().out.splitlines()[-1]
    assert note.startswith(f"note: the tag v{__version__} of this development checkout is on no "
                           f"branch fetched from {_source_repo()}, so its commit {tagged} may "
                           "exist only here")
    assert "`collab-site init --force` pins it" in note


def test_from_an_untagged_development_checkout_init_says_the_action_is_not_pinned(
        tmp_path, monkeypatch, capsys):
    checkout = tmp_path / "checkout"
    checkout.mkdir()
    head = _checkout(checkout)
    monkeypatch.setattr(scaffold, "_development_checkout", lambda: checkout)
    assert main(["init", str(tmp_path / "site")]) == 0
    text = (tmp_path / "site" / WORKFLOW).read_text(encoding="utf-8")
    assert f"/collab-site@v{__version__} " in text and head not in text
    note = capsys.readouterr().out.splitlines()[-1]
    assert note.startswith("note: collab-site runs from a development checkout")
    assert "point it at a released commit of " in note
