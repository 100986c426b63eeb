"""Publishing a built site to a static Space, against the fake Hub (real huggingface_hub client).

What a user would notice: a new Space appears, static, with the whole site; later publishes
send one commit with only what changed and remove what is gone, keeping the Space card; a dry
run changes nothing; a site that lost most of its entries is not pushed over a good one unless
forced; the token never shows up anywhere.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from builder.publish import PublishError, publish
from tests.hub_fixtures import TOKEN

SPACE = "collab-org/collab-site"
CARD = "---\ntitle: Test collab\nemoji: \U0001F91D\nsdk: static\npinned: false\n---\n\n# Test collab\n"


class Lines(list):
    def __call__(self, line: str) -> None:
        self.append(line)


def write_site(out: Path, pages: dict[str, str], *, ranked: int = 10, messages: int = 100) -> Path:
    """A built site as the build leaves it: files, README.md card, manifest.json of sha256s."""
    if out.exists():
        import shutil
        shutil.rmtree(out)
    files = {"README.md": CARD, **pages}
    for path, text in files.items():
        (out / path).parent.mkdir(parents=True, exist_ok=True)
        (out / path).write_text(text, encoding="utf-8")
    manifest = {"version": 1,
                "counts": {"ranked": ranked, "messages": messages, "results": ranked, "agents": 5},
                "files": {p: hashlib.sha256(t.encode()).hexdigest() for p, t in sorted(files.items())}}
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")
    return out


def base_pages(n_messages: int = 30) -> dict[str, str]:
    pages = {"index.html": f"<h1>home</h1><p>{n_messages} messages</p>",
             "messages/index.html": "<ul>" + "".join(f"<li>m{i}</li>" for i in range(n_messages)) + "</ul>",
             "static/style.css": "body{color:#222}",
             "leaderboard.json": "[]", "404.html": "<h1>not found</h1>"}
    for i in range(n_messages):
        pages[f"messages/m{i}/index.html"] = f"<p>message {i}</p>"
    return pages


def commits_to(hub) -> list:
    return [c for c in hub.commits if c.repo == SPACE]


def test_publishing_to_a_new_space_creates_it_static_and_uploads_everything(hub, tmp_path):
    site = write_site(tmp_path / "site", base_pages())
    log = Lines()
    outcome = publish(site, SPACE, token=TOKEN, dry_run=False, force=False, log=log)

    assert outcome.created and outcome.committed and not outcome.refused_reason
    create = hub.requests("repo_create")
    assert len(create) == 1 and json.loads(create[0].body)["sdk"] == "static"
    assert hub.repos[("spaces", SPACE)].sdk == "static"
    (commit,) = commits_to(hub)
    local = sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file())
    assert sorted(commit.files) == local                      # README.md and manifest.json too
    live = hub.space_files(SPACE)
    assert all(live[p] == (site / p).read_bytes() for p in local)
    assert ".gitattributes" in live and b"sdk: static" in live["README.md"]
    assert any("created the static Space" in line for line in log)


def test_publishing_again_after_one_new_message_commits_only_the_changed_files(hub, tmp_path):
    site = write_site(tmp_path / "site", base_pages(30), messages=30)
    publish(site, SPACE, token=TOKEN, dry_run=False, force=False, log=Lines())
    hub.clear_log()

    write_site(site, base_pages(31), messages=31)             # one new message
    outcome = publish(site, SPACE, token=TOKEN, dry_run=False, force=False, log=Lines())

    (commit,) = commits_to(hub)
    expected = ["index.html", "manifest.json", "messages/index.html", "messages/m30/index.html"]
    assert sorted(commit.files) == expected and commit.deleted == []
    assert commit.lines == 1 + len(expected)                  # header + one line per file
    assert outcome.added == ("messages/m30/index.html",)
    assert outcome.updated == ("index.html", "manifest.json", "messages/index.html")
    assert len(hub.requests("commit", "POST")) == 1           # one commit, not one per file
    assert hub.space_files(SPACE)["messages/m30/index.html"] == b"<p>message 30</p>"


def test_a_stale_file_is_deleted_and_the_space_card_and_gitattributes_are_kept(hub, tmp_path):
    site = write_site(tmp_path / "site", base_pages(30), messages=30)
    publish(site, SPACE, token=TOKEN, dry_run=False, force=False, log=Lines())
    pages = base_pages(30)
    del pages["messages/m7/index.html"]
    write_site(site, pages, messages=29)
    hub.clear_log()

    outcome = publish(site, SPACE, token=TOKEN, dry_run=False, force=False, log=Lines())

    (commit,) = commits_to(hub)
    assert commit.deleted == ["messages/m7/index.html"] and list(outcome.deleted) == commit.deleted
    live = hub.space_files(SPACE)
    assert "messages/m7/index.html" not in live
    assert ".gitattributes" in live and live["README.md"] == CARD.encode()


def test_an_existing_space_with_its_own_card_gets_ours_and_keeps_gitattributes(hub, tmp_path):
    hub.add_space(SPACE, sdk="gradio")                         # seeded README + .gitattributes
    hub.repos[("spaces", SPACE)].files["old-page.html"] = b"old"
    site = write_site(tmp_path / "site", base_pages(3))
    log = Lines()
    outcome = publish(site, SPACE, token=TOKEN, dry_run=False, force=False, log=log)
    assert any("uses sdk 'gradio'" in line for line in log)
    assert not outcome.created and not hub.requests("repo_create")
    assert outcome.deleted == ("old-page.html",) and "README.md" in outcome.updated
    live = hub.space_files(SPACE)
    assert live["README.md"] == CARD.encode() and ".gitattributes" in live


def test_nothing_changed_means_no_commit(hub, tmp_path):
    site = write_site(tmp_path / "site", base_pages(5))
    publish(site, SPACE, token=TOKEN, dry_run=False, force=False, log=Lines())
    hub.clear_log()
    log = Lines()
    outcome = publish(site, SPACE, token=TOKEN, dry_run=False, force=False, log=log)
    assert not outcome.committed and outcome.changed == 0
    assert not hub.requests("commit") and "up to date" in log[-1]


def test_a_dry_run_prints_the_plan_and_changes_nothing(hub, tmp_path):
    site = write_site(tmp_path / "site", base_pages(30), messages=30)
    log = Lines()
    outcome = publish(site, SPACE, token=TOKEN, dry_run=True, force=False, log=log)
    assert outcome.created and not outcome.committed and len(outcome.added) == len(base_pages(30)) + 2
    assert ("spaces", SPACE) not in hub.repos                 # not even created
    assert not [r for r in hub.log if r.method == "POST"]
    assert "would be created" in log[0] and "  + index.html" in log

    publish(site, SPACE, token=TOKEN, dry_run=False, force=False, log=Lines())
    pages = base_pages(31)
    del pages["messages/m0/index.html"]
    write_site(site, pages, messages=30)
    before = hub.space_files(SPACE)
    hub.clear_log()
    log = Lines()
    outcome = publish(site, SPACE, token=TOKEN, dry_run=True, force=False, log=log)
    assert not [r for r in hub.log if r.method == "POST"] and hub.space_files(SPACE) == before
    assert outcome.added == ("messages/m30/index.html",) and outcome.deleted == ("messages/m0/index.html",)
    assert "  + messages/m30/index.html" in log and "  - messages/m0/index.html" in log
    assert "1 to add, 3 to update, 1 to delete" in log[0]


def test_the_shrink_guard_refuses_a_site_that_lost_most_entries_and_force_publishes_it(hub, tmp_path):
    site = write_site(tmp_path / "site", base_pages(30), ranked=120, messages=400)
    publish(site, SPACE, token=TOKEN, dry_run=False, force=False, log=Lines())
    write_site(site, base_pages(3), ranked=40, messages=400)   # ranked entries fell by two thirds
    hub.clear_log()
    log = Lines()

    refused = publish(site, SPACE, token=TOKEN, dry_run=False, force=False, log=log)

    assert refused.refused_reason and not refused.committed
    assert "ranked 120 -> 40" in refused.refused_reason and "--force" in refused.refused_reason
    assert not hub.requests("commit") and any("refused" in line for line in log)

    write_site(site, base_pages(3), ranked=120, messages=150)  # messages fell by more than half
    assert "messages 400 -> 150" in publish(site, SPACE, token=TOKEN, dry_run=False, force=False,
                                            log=Lines()).refused_reason
    write_site(site, base_pages(3), ranked=60, messages=200)   # exactly half: allowed
    assert publish(site, SPACE, token=TOKEN, dry_run=True, force=False, log=Lines()).refused_reason == ""

    write_site(site, base_pages(3), ranked=40, messages=400)
    forced = publish(site, SPACE, token=TOKEN, dry_run=False, force=True, log=Lines())
    assert forced.committed and not forced.refused_reason
    live = json.loads(hub.space_files(SPACE)["manifest.json"])
    assert live["counts"]["ranked"] == 40


def test_a_site_folder_that_does_not_match_its_manifest_is_refused(hub, tmp_path):
    site = write_site(tmp_path / "site", base_pages(3))
    (site / "index.html").write_text("edited after the build")
    with pytest.raises(PublishError, match="does not match the manifest"):
        publish(site, SPACE, token=TOKEN, dry_run=False, force=False, log=Lines())
    with pytest.raises(PublishError, match="build the site first"):
        publish(tmp_path / "nowhere", SPACE, token=TOKEN, dry_run=False, force=False, log=Lines())
    assert not hub.log


def test_a_card_without_sdk_static_is_refused(hub, tmp_path):
    site = write_site(tmp_path / "site", base_pages(2))
    card = (site / "README.md")
    card.write_text("---\ntitle: x\nsdk: gradio\n---\n")
    manifest = json.loads((site / "manifest.json").read_text())
    manifest["files"]["README.md"] = hashlib.sha256(card.read_bytes()).hexdigest()
    (site / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(PublishError, match="sdk: static"):
        publish(site, SPACE, token=TOKEN, dry_run=False, force=False, log=Lines())


def test_the_token_is_never_in_a_request_path_a_log_line_an_error_or_the_site(hub, tmp_path, capsys):
    site = write_site(tmp_path / "site", base_pages(5))
    log = Lines()
    publish(site, SPACE, token=TOKEN, dry_run=False, force=False, log=log)
    write_site(site, base_pages(6), messages=6)
    publish(site, SPACE, token=TOKEN, dry_run=True, force=False, log=log)
    assert all(TOKEN not in r.path for r in hub.log)
    assert all(r.token == TOKEN for r in hub.log if r.method == "POST")   # sent as a header only
    assert all(TOKEN.encode() not in data for data in hub.space_files(SPACE).values())
    bad = "hf_wrong_token_for_this_space_42"
    with pytest.raises(PublishError) as info:
        publish(site, SPACE, token=bad, dry_run=False, force=False, log=log)
    assert bad not in str(info.value) and "token" in str(info.value)
    out = capsys.readouterr()
    text = "\n".join(log) + out.out + out.err
    assert TOKEN not in text and bad not in text


def test_without_a_token_publishing_fails_with_one_clear_line(hub, tmp_path):
    site = write_site(tmp_path / "site", base_pages(2))
    with pytest.raises(PublishError) as info:
        publish(site, SPACE, token=None, dry_run=False, force=False, log=Lines())
    message = str(info.value)
    assert "\n" not in message and SPACE in message
    assert ("spaces", SPACE) not in hub.repos


def test_publishing_through_the_cli_maps_a_refusal_to_exit_1(hub, tmp_path, monkeypatch, capsys):
    from builder.cli import main
    site = write_site(tmp_path / "site", base_pages(30), ranked=100, messages=300)
    monkeypatch.setenv("HF_TOKEN", TOKEN)
    assert main(["publish", "--out", str(site), "--space", SPACE]) == 0
    write_site(site, base_pages(3), ranked=10, messages=300)
    assert main(["publish", "--out", str(site), "--space", SPACE]) == 1
    assert main(["publish", "--out", str(site), "--space", SPACE, "--dry-run"]) == 1
    assert main(["publish", "--out", str(site), "--space", SPACE, "--force"]) == 0
    out = capsys.readouterr()
    assert "refused" in out.err and TOKEN not in out.out + out.err
