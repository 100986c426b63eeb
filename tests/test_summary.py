"""`build --summary FILE` and `publish --summary FILE` append what a CI job summary shows: pages,
files changed, the commit link, the build report's problems (as inert text: they come from the
bucket)."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

from builder.build import BuildReport
from builder.cli import main
from builder.publish import PublishOutcome
from builder.summary import publish_markdown, what_was_built
from builder.write import WriteReport
from tests.conftest import FIXTURES
from tests.hub_fixtures import TOKEN
from tests.test_publish import SPACE, base_pages, write_site

HOSTILE = "[click](https-evil.example) <img src=x> **bold**"


def _bucket_with_a_bad_result(tmp_path):
    bucket = tmp_path / "bucket"
    shutil.copytree(FIXTURES / "readers" / "gen2-bucket", bucket)
    (bucket / "results" / f"{HOSTILE}.md").write_text("---\nscore: [not a number\n---\n")
    config = tmp_path / "collab.toml"
    config.write_text(f'[source]\nlocation = "{bucket.as_posix()}"\n', encoding="utf-8")
    return config


def test_build_summary_counts_pages_and_files_and_lists_problems_as_plain_text(tmp_path, capsys):
    config, summary = _bucket_with_a_bad_result(tmp_path), tmp_path / "summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    args = ["build", "--config", str(config), "--out", str(tmp_path / "site"), "--summary", str(summary)]
    assert main(args) == 0
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("earlier step\n### collab-site build")      # appended, not replaced
    assert " pages (" in text and " written (the manifest too), 0 unchanged, 0 removed" in text
    files, written = re.search(r"([\d,]+) files: ([\d,]+) written", text).groups()
    assert files == written                   # a first build writes every file
    assert re.search(r"<summary>\d+ problem\(s\), 0 note\(s\) in the build report</summary>", text)
    assert "- problem: results/" in text
    assert "<img" not in text and "](" not in text and "**" not in text
    assert r"\[click\]" in text and "&lt;img src=x&gt;" in text

    assert main(args) == 0                                               # nothing changed
    assert "No input changed since the last build" in summary.read_text(encoding="utf-8")


def _report(pages=0, rendered=0, written=(), unchanged=1043, restored=0):
    return BuildReport(out=Path("site"), pages=pages, files=1043, problems=(),
                       written=WriteReport(written, unchanged, ()), seconds=1.0, source_note="",
                       counts={}, rendered=rendered, restored=restored)


def test_build_summary_says_whether_the_site_was_kept_restored_or_rebuilt_from_the_cache():
    """A cron run on a fresh runner writes the last site from the render cache: its summary
    said the site was "left as it is", and a run that rendered 12 pages of 519 gave no hint of
    the 507 it took from the cache."""
    assert what_was_built(_report()) == ("No input changed since the last build: the site is "
                                         "left as it is (1,043 files); nothing was rendered.")
    restored = what_was_built(_report(restored=1043))
    assert "left as it is" not in restored
    assert "restored whole from the render cache, as the last build made it (1,043 files" in restored
    changed = what_was_built(_report(519, 12, tuple(f"p{n}" for n in range(19)), 1023, 1040))
    assert changed == ("519 pages (12 rendered, 507 from the render cache), 1,043 files: "
                       "20 written (the manifest too), 1,023 unchanged, 0 removed. The output "
                       "folder started as the last site: 1,040 files restored from the render "
                       "cache.")


def test_publish_summary_names_the_changes_and_links_the_commit(hub, tmp_path, monkeypatch):
    monkeypatch.setenv("HF_TOKEN", TOKEN)
    site, summary = write_site(tmp_path / "site", base_pages(5)), tmp_path / "summary.md"
    args = ["publish", "--out", str(site), "--space", SPACE, "--summary", str(summary)]
    assert main(args) == 0
    first = summary.read_text(encoding="utf-8")
    assert "### collab-site publish" in first and "files changed" in first
    assert "[The commit](" in first
    assert main(args) == 0
    assert "is up to date: nothing to commit" in summary.read_text(encoding="utf-8")


def test_publish_summary_links_to_the_space_that_shows_the_site(hub, tmp_path, monkeypatch):
    """The job summary named the Space without a link: the operator had to find its page."""
    monkeypatch.setenv("HF_TOKEN", TOKEN)
    site, summary = write_site(tmp_path / "site", base_pages(5)), tmp_path / "summary.md"
    args = ["publish", "--out", str(site), "--space", SPACE, "--summary", str(summary)]
    link = r"[collab\-org/collab\-site]" + f"({hub.endpoint}/spaces/{SPACE})"
    assert main(args) == 0
    assert f"Committed to {link}: " in summary.read_text(encoding="utf-8")
    assert main(args) == 0
    assert f"{link} is up to date" in summary.read_text(encoding="utf-8")


def test_publish_summary_says_why_nothing_was_published():
    refused = PublishOutcome(created=False, added=(), updated=(), deleted=(), committed=False,
                             refused_reason="the new site lost more than half of what is live")
    assert "Refused: the new site lost more than half" in publish_markdown(SPACE, refused)
    failed = publish_markdown(SPACE, None, "the Hub refused the token")
    assert "failed: the Hub refused the token" in failed


def test_a_publish_whose_only_commit_landed_unanswered_reports_that_commit(hub, tmp_path, monkeypatch,
                                                                            capsys):
    """The Hub answered the commit with a 502 though it had landed: the publish planned again,
    found nothing left and said 'nothing to commit', though this run had published."""
    monkeypatch.setenv("HF_TOKEN", TOKEN)
    site, summary = write_site(tmp_path / "site", base_pages(3), messages=3), tmp_path / "summary.md"
    args = ["publish", "--out", str(site), "--space", SPACE, "--summary", str(summary)]
    assert main(args) == 0
    write_site(site, base_pages(4), messages=4)
    summary.write_text("", encoding="utf-8")
    capsys.readouterr()
    hub.inject("commit", "lost")

    assert main(args) == 0

    assert [r.status for r in hub.requests("commit")][-2:] == [502, 412]
    out, text = capsys.readouterr().out, summary.read_text(encoding="utf-8")
    assert "nothing to commit" not in out + text
    assert "landed though its answer was lost" in out
    assert "1 commit(s) to Space collab-org/collab-site landed in this run: 1 added, 3 updated" in out
    assert "4 files changed (1 added, 3 updated, 0 deleted)" in text
    assert "it landed all the same" in text and r"- added messages/m3/index\.html" in text
    assert f"[The commit]({hub.endpoint}/spaces/{SPACE}/commit/{hub.repos[('spaces', SPACE)].sha})" in text


def test_a_publish_in_several_commits_lists_each_linked_with_its_files_also_after_a_failure():
    from builder.publish import LandedCommit
    url = "https://huggingface.co/spaces/collab-org/collab-site/commit/"
    landed = (LandedCommit(url + "a1", ("messages/m9/index.html",), ("index.html",), ()),
              LandedCommit(url + "b2", (), ("manifest.json",), ("old.html",), answer_lost=True))
    outcome = PublishOutcome(created=False, added=("messages/m9/index.html",),
                             updated=("index.html", "manifest.json"), deleted=("old.html",),
                             committed=True, commit_url=url + "b2", commits=2, landed=landed)

    text = publish_markdown(SPACE, outcome)
    assert "4 files changed (1 added, 2 updated, 1 deleted). In 2 commits:" in text
    assert f'<summary><a href="{url}a1">commit 1 of 2</a>: 1 added, 1 updated, 0 deleted</summary>' in text
    assert f'<a href="{url}b2">commit 2 of 2</a>: 0 added, 1 updated, 1 deleted (the Hub' in text
    assert r"- added messages/m9/index\.html" in text and r"- deleted old\.html" in text

    failed = publish_markdown(SPACE, None, "rate limited by the Hub for longer than allowed",
                              landed[:1])
    assert "failed: rate limited" in failed and f'<a href="{url}a1">commit 1 of 1</a>' in failed
