"""End to end through the CLI: `collab-site build --source hf://buckets/ORG/NAME` and
`collab-site publish`, against the fake Hub (real huggingface_hub client, real build).

What a user would notice: a big live bucket becomes a complete site; a rebuild fetches only the
files that changed and the site follows the bucket (new pages appear, deleted ones go); when the
Hub is down the site is built from the last mirror and says "data as of"; with no mirror it shows
the fallback baseline; a publish after one new message uploads only the pages that changed.
"""
from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import unquote

import pytest
from freezegun import freeze_time

from builder.cli import main
from tests.hub_fixtures import TOKEN, collab_files

BUCKET = "collab-org/live-collab"
SPACE = "collab-org/live-site"
FALLBACK_AGENT = "fallback-baseline-bot"


@pytest.fixture
def cfg(tmp_path) -> Path:
    path = tmp_path / "collab.toml"
    path.write_text(
        '[site]\ntitle = "Live collab"\n\n'
        f'[source]\ncache_dir = "{(tmp_path / "cache").as_posix()}"\n\n'
        '[metric]\nfield = "score"\nlabel = "Score"\ndirection = "higher"\n\n'
        f'[[fallback.entries]]\nagent = "{FALLBACK_AGENT}"\nscore = 0.5\nmethod = "reference run"\n'
        '\n[publish]\nmax_commit_files = 100\n',
        encoding="utf-8")
    return path


def build(out: Path, cfg: Path) -> int:
    return main(["build", "--source", f"hf://buckets/{BUCKET}", "--out", str(out), "--config", str(cfg)])


def manifest(out: Path) -> dict:
    return json.loads((out / "manifest.json").read_text())


def resolved(hub) -> list[str]:
    prefix = f"/buckets/{BUCKET}/resolve/"
    return sorted(unquote(r.path[len(prefix):]) for r in hub.requests("bucket_resolve", "GET"))


def page_of(path: str) -> str:
    """The site page of a message or result file: messages/<id>/index.html."""
    folder, name = path.split("/", 1)
    kind = {"message_board": "messages", "results": "results"}[folder]
    return f"{kind}/{name.removesuffix('.md')}/index.html"


def test_a_first_sync_through_a_rate_limit_longer_than_any_backoff_builds_the_complete_site(
        hub, hub_clock, tmp_path, cfg, monkeypatch, capsys):
    """121 files through a limit of 40 resolves per 2 s window, said only with RateLimit
    headers: longer than all the fixed backoff waits of the policy together. (The windows run
    on the virtual clock: on a busy machine a window used to end before 40 downloads filled it.)"""
    from builder import hub_http
    policy = hub_http.HttpPolicy(timeout=2.0, retries=4, backoff=0.1, max_backoff=0.4)
    monkeypatch.setattr(hub_http, "DEFAULT_POLICY", policy)
    fixed_backoff = sum(min(policy.max_backoff, policy.backoff * 2 ** i) for i in range(policy.retries))
    window, limit = 2, 40
    assert window > fixed_backoff + policy.retries * policy.backoff / 2      # jitter included
    files = collab_files(90, 20, 10)
    hub.add_bucket(BUCKET, files)
    hub.bucket_page_size = 50                                     # a listing of three pages
    hub.rate_limit("resolvers", limit=limit, window=window)
    out = tmp_path / "site"

    assert build(out, cfg) == 0

    output = capsys.readouterr().out
    waits = [line for line in output.splitlines() if line.startswith("rate limited by the Hub: waiting ")]
    full_windows = len(files) // limit                            # 121 files: 3 full windows
    assert len(waits) == full_windows and all("files fetched" in line for line in waits)
    assert hub_clock.monotonic() >= full_windows * window          # each waited out
    assert len(resolved(hub)) >= len(files)                       # every file, 429s retried
    assert len(hub.requests("bucket_tree")) == 3                  # every page of the listing
    counts = manifest(out)["counts"]
    assert counts["messages"] == 90 and counts["results"] == 20 and counts["agents"] == 10
    assert counts["ranked"] > 0
    messages = sorted(p for p in files if p.startswith("message_board/"))
    assert (out / page_of(messages[0])).is_file() and (out / page_of(messages[-1])).is_file()
    assert "data as of" not in (out / "index.html").read_text(encoding="utf-8")


def test_a_rebuild_downloads_only_the_new_message_and_the_changed_result(hub, tmp_path, cfg):
    files = collab_files(300, 60, 20)
    hub.add_bucket(BUCKET, files)
    out = tmp_path / "site"
    assert build(out, cfg) == 0
    new_message = "message_board/20260620-120000-000_agent-003.md"
    changed = sorted(p for p in files if p.startswith("results/"))[5]
    removed = sorted(p for p in files if p.startswith("message_board/"))[10]
    assert (out / page_of(removed)).is_file()
    hub.put(BUCKET, new_message, "---\ntype: agent\nagent: agent-003\n---\nA brand new finding\n")
    hub.put(BUCKET, changed, files[changed].replace("score: ", "score: 9999"))
    hub.remove(BUCKET, removed)
    hub.clear_log()

    assert build(out, cfg) == 0

    assert resolved(hub) == sorted([new_message, changed])
    assert "A brand new finding" in (out / page_of(new_message)).read_text(encoding="utf-8")
    assert "9999" in (out / page_of(changed)).read_text(encoding="utf-8")
    assert not (out / page_of(removed)).exists()                  # gone from the bucket, gone here
    assert manifest(out)["counts"]["messages"] == 300


def test_when_the_hub_is_down_the_site_is_built_from_the_mirror_and_says_data_as_of(hub, tmp_path, cfg, capsys):
    files = collab_files(50, 10, 5)
    hub.add_bucket(BUCKET, files)
    out = tmp_path / "site"
    assert build(out, cfg) == 0
    before = manifest(out)["counts"]
    hub.down = True
    capsys.readouterr()

    assert build(out, cfg) == 0

    home = (out / "index.html").read_text(encoding="utf-8")
    assert "data as of" in home
    assert manifest(out)["counts"] == before                      # nothing lost
    output = capsys.readouterr()
    assert "Traceback" not in output.out + output.err
    assert any("could not be reached" in line for line in (output.out + output.err).splitlines())


def test_with_no_mirror_and_no_hub_the_site_shows_the_fallback_baseline(hub, tmp_path, cfg, capsys):
    hub.add_bucket(BUCKET, collab_files(10, 5, 2))
    hub.down = True
    out = tmp_path / "site"

    assert build(out, cfg) == 0

    home = (out / "index.html").read_text(encoding="utf-8")
    assert FALLBACK_AGENT in home
    output = capsys.readouterr()
    text = output.out + output.err
    assert "Traceback" not in text and "no complete mirror" in text


def test_publishing_after_one_new_message_uploads_only_the_changed_pages(hub, tmp_path, cfg, monkeypatch, capsys):
    monkeypatch.setenv("HF_TOKEN", TOKEN)
    files = collab_files(120, 30, 10)
    hub.add_bucket(BUCKET, files, private=True)
    out = tmp_path / "site"
    assert build(out, cfg) == 0
    assert main(["publish", "--out", str(out), "--space", SPACE, "--config", str(cfg)]) == 0
    assert hub.repos[("spaces", SPACE)].sdk == "static"
    first_live = hub.space_files(SPACE)
    new_message = "message_board/20260621-080000-000_agent-004.md"
    hub.put(BUCKET, new_message, "---\ntype: agent\nagent: agent-004\n---\nOne more message\n")
    assert build(out, cfg) == 0
    hub.clear_log()

    assert main(["publish", "--out", str(out), "--space", SPACE, "--config", str(cfg)]) == 0

    (commit,) = [c for c in hub.commits if c.repo == SPACE]
    assert page_of(new_message) in commit.files and "manifest.json" in commit.files
    assert len(commit.files) + len(commit.deleted) <= 20, sorted(commit.files)
    # The search index names its files by their content: a part that changed is a new file, and
    # the one it supersedes stays on the Space for now; the other pages' fragments are not sent.
    assert commit.deleted == []
    superseded = [p for p in first_live if p.startswith("pagefind/") and not (out / p).exists()]
    assert superseded and set(superseded) <= set(hub.space_files(SPACE))
    assert len([p for p in commit.files if p.startswith("pagefind/") and "/fragment/" in p]) == 1
    changed = [p for p in commit.files if first_live.get(p) != (out / p).read_bytes()]
    assert sorted(changed) == sorted(commit.files)                # nothing unchanged re-sent
    output = capsys.readouterr()
    assert TOKEN not in output.out + output.err
    assert not any(TOKEN.encode() in p.read_bytes() for p in out.rglob("*") if p.is_file())


def test_a_quiet_run_on_a_fresh_runner_sends_nothing_to_the_space(hub, tmp_path, cfg, monkeypatch):
    """The cron job: each run starts without a site folder (the caches restored) and at its own
    time. With nothing changed in the bucket, the second run sends no commit."""
    monkeypatch.setenv("HF_TOKEN", TOKEN)
    hub.add_bucket(BUCKET, collab_files(120, 30, 10))
    first, second = tmp_path / "run-1" / "site", tmp_path / "run-2" / "site"
    with freeze_time("2026-06-01 12:00:00", tick=True):
        assert build(first, cfg) == 0
    assert main(["publish", "--out", str(first), "--space", SPACE, "--config", str(cfg)]) == 0
    assert len(hub.commits) >= 2 and all(len(c.files) + len(c.deleted) <= 100 for c in hub.commits)
    hub.clear_log()

    with freeze_time("2026-06-01 12:15:00", tick=True):         # the next cron run
        assert build(second, cfg) == 0
    assert main(["publish", "--out", str(second), "--space", SPACE, "--config", str(cfg)]) == 0

    assert resolved(hub) == []                                    # the mirror was restored
    before, after = manifest(first)["files"], manifest(second)["files"]
    differ = sorted(p for p in before.keys() | after.keys() if before.get(p) != after.get(p))
    assert not hub.requests("commit"), f"files that differ between the two runs: {differ}"
    assert not [r for r in hub.log if r.method in ("POST", "PUT")]
