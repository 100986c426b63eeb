"""Publishing a built site to a static Space, against the fake Hub (real huggingface_hub client).

What a user would notice: a new Space appears, static, with the whole site; later publishes
send one commit with only what changed and remove what is gone, keeping the Space card; a dry
run changes nothing; a site that lost most of its entries is not pushed over a good one unless
forced; the token never shows up anywhere.
"""
from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path

import pytest

from builder.publish import PublishError, publish
from builder.publish_plan import CommitLimits
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


def search_files(generation: int, count: int) -> dict[str, str]:
    """A search index whose files are named by their content, as Pagefind names them."""
    files = {"pagefind/pagefind-entry.json": f'{{"generation": {generation}}}'}
    for i in range(count):
        files[f"pagefind/index/en_{generation:03d}{i:04d}.pf_index"] = f"index {generation}/{i}"
    return files


def test_superseded_search_files_stay_on_the_space_until_many_then_go_together(hub, tmp_path, monkeypatch):
    from builder import publish_plan
    monkeypatch.setattr(publish_plan, "KEPT_SEARCH_FILES", 10)
    site = write_site(tmp_path / "site", {**base_pages(), **search_files(0, 4)})
    publish(site, SPACE, token=TOKEN, dry_run=False, force=False, log=Lines())
    for generation in (1, 2):                                  # two rebuilds of the index
        pages = {**base_pages(), **search_files(generation, 4)}
        if generation == 1:                                    # a page gone: deleted at once
            del pages["messages/m7/index.html"]
        write_site(site, pages)
        hub.clear_log()
        log = Lines()
        publish(site, SPACE, token=TOKEN, dry_run=False, force=False, log=log)
        (commit,) = commits_to(hub)
        assert commit.deleted == (["messages/m7/index.html"] if generation == 1 else [])
        assert f"{4 * generation} superseded search files kept" in "".join(log)
    live = hub.space_files(SPACE)
    assert all(p in live for g in (0, 1, 2) for p in search_files(g, 4))

    write_site(site, {**base_pages(), **search_files(3, 4)})   # 12 superseded: past 10
    hub.clear_log()
    publish(site, SPACE, token=TOKEN, dry_run=False, force=False, log=Lines())
    deleted = [p for c in commits_to(hub) for p in c.deleted]
    assert sorted(deleted) == sorted(p for g in (0, 1, 2) for p in search_files(g, 4)
                                     if p != "pagefind/pagefind-entry.json")
    assert sorted(p for p in hub.space_files(SPACE) if p.startswith("pagefind/")) == sorted(search_files(3, 4))
    hub.clear_log()
    assert not publish(site, SPACE, token=TOKEN, dry_run=False, force=False, log=Lines()).committed


def test_an_existing_blank_static_space_gets_our_card_and_keeps_gitattributes(hub, tmp_path):
    hub.add_space(SPACE)                                       # the Hub's README + .gitattributes
    site = write_site(tmp_path / "site", base_pages(3))
    outcome = publish(site, SPACE, token=TOKEN, dry_run=False, force=False, log=Lines())
    assert outcome.committed and not outcome.refused_reason
    assert not outcome.created and not hub.requests("repo_create")
    assert outcome.deleted == () and "README.md" in outcome.updated
    live = hub.space_files(SPACE)
    assert live["README.md"] == CARD.encode() and ".gitattributes" in live


def gradio_app(hub) -> None:
    hub.add_space(SPACE, {".gitattributes": "*.bin filter=lfs diff=lfs merge=lfs -text\n",
                          "README.md": "---\ntitle: Demo\nsdk: gradio\napp_file: app.py\n---\n",
                          "app.py": "import gradio as gr\n", "requirements.txt": "gradio\n"},
                  sdk="gradio")


def test_a_space_that_runs_an_app_is_refused_and_kept_as_it_is(hub, tmp_path):
    gradio_app(hub)
    before = hub.space_files(SPACE)
    site = write_site(tmp_path / "site", base_pages(3))

    dry = Lines()
    assert "would make it static" in publish(site, SPACE, token=TOKEN, dry_run=True, force=False,
                                             log=dry).refused_reason
    assert any(line.startswith("publish (dry run): would refuse: ") and "'gradio'" in line
               for line in dry)
    outcome = publish(site, SPACE, token=TOKEN, dry_run=False, force=False, log=Lines())

    reason = outcome.refused_reason
    assert SPACE in reason and "'gradio'" in reason and "app.py" in reason and "--force" in reason
    assert not outcome.committed and not hub.requests("commit")
    assert hub.space_files(SPACE) == before and hub.repos[("spaces", SPACE)].sdk == "gradio"


def test_a_static_space_with_files_and_no_manifest_of_ours_is_refused(hub, tmp_path):
    hub.add_space(SPACE)
    hub.repos[("spaces", SPACE)].files.update({"index.html": b"<h1>my page</h1>",
                                               "style.css": b"h1 {color: red}"})
    site = write_site(tmp_path / "site", base_pages(3))
    outcome = publish(site, SPACE, token=TOKEN, dry_run=False, force=False, log=Lines())
    assert "did not publish (index.html, style.css)" in outcome.refused_reason
    assert not hub.requests("commit") and hub.space_files(SPACE)["index.html"] == b"<h1>my page</h1>"
    hub.repos[("spaces", SPACE)].files = {"index.html": b"<h1>my page</h1>",  # a web app's
                                          "manifest.json": b'{"name": "my app"}'}   # manifest
    outcome = publish(site, SPACE, token=TOKEN, dry_run=False, force=False, log=Lines())
    assert "did not publish (index.html, manifest.json)" in outcome.refused_reason
    hub.repos[("spaces", SPACE)].files = {"index.html": b"<h1>my page</h1>",  # pages at our
                                          "404.html": b"<h1>lost</h1>"}       # paths, not ours
    outcome = publish(site, SPACE, token=TOKEN, dry_run=False, force=False, log=Lines())
    assert "did not publish (index.html)" in outcome.refused_reason
    assert not hub.requests("commit")


def first_publish_stopped(site: Path, monkeypatch, stop, max_files: int) -> None:
    """The first publish of `site`, its runner stopped just before the commit `stop(number,
    batch)` picks."""
    from builder import publish as publisher
    real_commit, sent = publisher._commit, []

    def stopping(http, site_dir, space_id, commit, *args, **kwargs):
        if stop(len(sent) + 1, commit.batch):
            raise KeyboardInterrupt("the runner was stopped")
        sent.append(commit)
        return real_commit(http, site_dir, space_id, commit, *args, **kwargs)

    with monkeypatch.context() as patched:
        patched.setattr(publisher, "_commit", stopping)
        with pytest.raises(KeyboardInterrupt):
            publish(site, SPACE, token=TOKEN, dry_run=False, force=False, log=Lines(),
                    limits=CommitLimits(max_files=max_files, max_bytes=1_000_000))


def test_a_first_publish_stopped_midway_is_finished_after_a_rebuild_without_force(hub, tmp_path, monkeypatch):
    site = write_site(tmp_path / "site", {**base_pages(30), **search_files(0, 4)}, messages=30)
    first_publish_stopped(site, monkeypatch, lambda number, batch: number == 2, max_files=38)
    landed = hub.space_files(SPACE)
    assert "messages/index.html" in landed and "index.html" not in landed and "manifest.json" not in landed
    write_site(site, {**base_pages(31), **search_files(1, 4)}, messages=31)   # a new message

    outcome = publish(site, SPACE, token=TOKEN, dry_run=False, force=False, log=Lines())

    assert outcome.committed and not outcome.refused_reason


def test_a_first_publish_stopped_before_its_manifest_is_finished_after_a_rebuild_without_force(
        hub, tmp_path, monkeypatch):
    """Its home page landed, its manifest.json did not: the Space was refused as one with files
    collab-site did not publish (index.html) until --force."""
    site = write_site(tmp_path / "site", base_pages(30), messages=30)
    first_publish_stopped(site, monkeypatch, lambda number, batch: "manifest.json" in batch.add,
                          max_files=35)
    landed = hub.space_files(SPACE)
    assert "index.html" in landed and "manifest.json" not in landed
    write_site(site, base_pages(31), messages=31)              # a new message: a new home page

    outcome = publish(site, SPACE, token=TOKEN, dry_run=False, force=False, log=Lines())

    assert outcome.committed and not outcome.refused_reason
    assert hub.space_files(SPACE)["manifest.json"] == (site / "manifest.json").read_bytes()


def test_force_publishes_over_an_app_space_and_makes_it_static(hub, tmp_path):
    gradio_app(hub)
    site = write_site(tmp_path / "site", base_pages(3))
    log = Lines()
    outcome = publish(site, SPACE, token=TOKEN, dry_run=False, force=True, log=log)
    assert outcome.committed and sorted(outcome.deleted) == ["app.py", "requirements.txt"]
    assert any("uses sdk 'gradio'; --force" in line for line in log)
    assert hub.repos[("spaces", SPACE)].sdk == "static"
    assert hub.space_files(SPACE)["README.md"] == CARD.encode()


def test_a_successful_publish_ends_with_the_address_of_the_space(hub, tmp_path, monkeypatch, capsys):
    from builder.cli import main
    site = write_site(tmp_path / "site", base_pages(5))
    monkeypatch.setenv("HF_TOKEN", TOKEN)
    page = f"publish: the site is at {hub.endpoint}/spaces/{SPACE}"
    assert main(["publish", "--out", str(site), "--space", SPACE]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == page
    assert main(["publish", "--out", str(site), "--space", SPACE]) == 0          # up to date
    assert capsys.readouterr().out.splitlines()[-2:] == [
        f"publish: Space {SPACE} is up to date (12 files); nothing to commit", page]
    assert main(["publish", "--out", str(site), "--space", SPACE, "--dry-run"]) == 0
    assert page not in capsys.readouterr().out


def test_nothing_changed_means_no_commit(hub, tmp_path):
    site = write_site(tmp_path / "site", base_pages(5))
    publish(site, SPACE, token=TOKEN, dry_run=False, force=False, log=Lines())
    hub.clear_log()
    log = Lines()
    outcome = publish(site, SPACE, token=TOKEN, dry_run=False, force=False, log=log)
    assert not outcome.committed and outcome.changed == 0
    assert not hub.requests("commit") and "up to date" in log[-2]


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
    assert not hub.requests("commit")

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


def test_without_any_token_publishing_says_so_and_asks_nothing_of_the_hub(hub, tmp_path, monkeypatch, capsys):
    from builder.cli import main
    site = write_site(tmp_path / "site", base_pages(2))
    with pytest.raises(PublishError) as info:
        publish(site, SPACE, token=None, dry_run=False, force=False, log=Lines())
    assert str(info.value) == ("no Hugging Face token: set HF_TOKEN (in a workflow: the repository "
                               "secret HF_TOKEN) or run `hf auth login`")
    assert main(["publish", "--out", str(site), "--space", "me/site"]) == 1
    err = capsys.readouterr().err
    assert f"publish failed: {info.value}\n" in err
    assert "refused the token" not in err and not hub.log and not hub.repos


def test_the_token_hf_auth_login_saved_is_used(hub, tmp_path, monkeypatch):
    from huggingface_hub import constants
    (tmp_path / "token").write_text(TOKEN)
    monkeypatch.setattr(constants, "HF_TOKEN_PATH", str(tmp_path / "token"))
    site = write_site(tmp_path / "site", base_pages(2))
    assert publish(site, SPACE, token=None, dry_run=False, force=False, log=Lines()).committed
    assert all(r.token == TOKEN for r in hub.log)


def test_a_dry_run_without_a_token_cannot_tell_a_private_space_from_a_missing_one(hub, tmp_path):
    site = write_site(tmp_path / "site", base_pages(2))
    publish(site, SPACE, token=TOKEN, dry_run=False, force=False, log=Lines())
    hub.repos[("spaces", SPACE)].private = True
    for space in (SPACE, "collab-org/no-such-space"):
        log = Lines()
        with pytest.raises(PublishError) as info:
            publish(site, space, token=None, dry_run=True, force=False, log=log)
        assert str(info.value).startswith(f"cannot tell whether Space {space} exists without a token")
        assert not any("would be created" in line for line in log)
    hub.repos[("spaces", SPACE)].private = False                # public: read anonymously
    write_site(site, base_pages(3))
    outcome = publish(site, SPACE, token=None, dry_run=True, force=False, log=Lines())
    assert not outcome.created and outcome.added == ("messages/m2/index.html",)


def test_publishing_through_the_cli_maps_a_refusal_to_exit_1(hub, tmp_path, monkeypatch, capsys):
    from builder.cli import main
    site = write_site(tmp_path / "site", base_pages(30), ranked=100, messages=300)
    monkeypatch.setenv("HF_TOKEN", TOKEN)
    assert main(["publish", "--out", str(site), "--space", SPACE]) == 0
    write_site(site, base_pages(3), ranked=10, messages=300)
    capsys.readouterr()
    assert main(["publish", "--out", str(site), "--space", SPACE]) == 1
    out = capsys.readouterr()
    assert (out.out + out.err).count("ranked 100 -> 10") == 1          # said once, on stderr
    assert out.err.startswith("publish refused: the new site lost more than half")
    assert main(["publish", "--out", str(site), "--space", SPACE, "--dry-run"]) == 1
    out = capsys.readouterr()
    assert (out.out + out.err).count("ranked 100 -> 10") == 1
    assert "publish (dry run): would refuse: the new site lost" in out.out
    assert main(["publish", "--out", str(site), "--space", SPACE, "--force"]) == 0
    out = capsys.readouterr()
    assert "refuse" not in out.out + out.err and TOKEN not in out.out + out.err


def test_a_space_id_that_is_not_org_slash_name_is_a_usage_error(hub, tmp_path, monkeypatch, capsys):
    from builder.cli import main
    site = write_site(tmp_path / "site", base_pages(2))
    monkeypatch.setenv("HF_TOKEN", TOKEN)
    assert main(["publish", "--out", str(site), "--space", "not a space"]) == 2
    monkeypatch.setenv("SPACE_ID", "collab-org")
    assert main(["publish", "--out", str(site)]) == 2
    err = capsys.readouterr().err
    assert "'not a space' is not a Space id of the form ORG/NAME" in err and "'collab-org'" in err
    assert not hub.log


# --- batches, interruptions, LFS, races, timeouts ------------------------------------------------

def big_site_pages(n_messages: int = 1900) -> dict[str, str]:
    """A site shaped like ours: assets, message pages, listing pages, filters, feeds, data."""
    pages = {"index.html": "<h1>home</h1>", "404.html": "<h1>not found</h1>",
             "leaderboard.json": "[]", "leaderboard.csv": "rank,agent\n",
             "feeds/messages.xml": "<feed/>", "static/site.css": "body{}", "static/site.js": "1;",
             "messages/index.html": "<ul></ul>", "agents/index.html": "<ul></ul>",
             "messages/agent/a1/index.html": "<ul></ul>", "traces/a1/s1/index.html": "<p>s1</p>",
             "traces/a1/s1/page/2/index.html": "<p>s1 p2</p>"}
    for i in range(n_messages):
        pages[f"messages/m{i:04d}/index.html"] = f"<p>message {i}</p>" + "x" * 300
    for i in range(2, 40):
        pages[f"messages/page/{i}/index.html"] = f"<ul>page {i}</ul>"
    return pages


def group(path: str) -> int:
    """The publish order: assets, pages, listings, then index.html, manifest.json, README.md."""
    last = ["index.html", "manifest.json", "README.md"]
    if path in last:
        return 3 + last.index(path)
    if path.startswith("static/"):
        return 0
    listing = (path.count("/") == 1 or "/page/" in path and not path.startswith("traces/a1/s1/")
               or path.startswith(("messages/agent/", "feeds/")) or path in (
                   "404.html", "leaderboard.json", "leaderboard.csv"))
    return 2 if listing else 1


def test_new_pages_land_before_the_changed_pages_that_link_to_them(hub, tmp_path):
    site = write_site(tmp_path / "site", base_pages(3))
    publish(site, SPACE, token=TOKEN, dry_run=False, force=False, log=Lines())
    pages = base_pages(4)                               # m3 is new, and a reply to m0
    pages["messages/m0/index.html"] = '<p>message 0</p><a href="../m3/">reply: m3</a>'
    pages["static/style.css"] = "body{color:#111}"
    pages["static/reply.css"] = ".reply{}"
    site = write_site(tmp_path / "site", pages)
    hub.clear_log()

    publish(site, SPACE, token=TOKEN, dry_run=False, force=False, log=Lines(),
            limits=CommitLimits(max_files=1, max_bytes=10_000_000))   # a commit per file

    sent = [p for c in commits_to(hub) for p in c.files]
    assert sent == ["static/reply.css", "messages/m3/index.html", "static/style.css",
                    "messages/m0/index.html", "messages/index.html", "index.html",
                    "manifest.json"]


def test_a_first_publish_of_2000_files_arrives_in_commits_within_the_caps_in_order(hub, tmp_path):
    hub.add_space(SPACE)
    old = {f"old/page-{i}.html": b"old" for i in range(3)}   # left over from an older site
    hub.repos[("spaces", SPACE)].files.update({**old, "manifest.json": json.dumps(
        {"version": 1, "files": {p: hashlib.sha256(d).hexdigest() for p, d in old.items()}}).encode()})
    site = write_site(tmp_path / "site", big_site_pages())
    hub.max_commit_files, hub.max_commit_bytes = 500, 300_000  # the Hub refuses anything larger
    limits = CommitLimits(max_files=500, max_bytes=300_000)
    log = Lines()

    outcome = publish(site, SPACE, token=TOKEN, dry_run=False, force=False, log=log, limits=limits)

    commits = commits_to(hub)
    local = sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file())
    assert len(local) > 1950 and outcome.commits == len(commits) >= 5
    assert all(c.lines - 1 <= 500 and c.payload_bytes <= 300_000 for c in commits)
    sent = [p for c in commits for p in c.files]
    assert sorted(sent) == local                                # each file once
    order = [group(p) for p in sent]
    assert order == sorted(order), "pages, then listings, then index, manifest, card"
    assert sent[-3:] == ["index.html", "manifest.json", "README.md"]
    assert sent.index("traces/a1/s1/page/2/index.html") < sent.index("traces/a1/s1/index.html")
    assert [c.deleted for c in commits[:-1]] == [[]] * (len(commits) - 1)
    assert sorted(commits[-1].deleted) == ["old/page-0.html", "old/page-1.html", "old/page-2.html"]
    parents = [c.parent for c in commits]
    assert parents[1:] == [c.oid for c in commits[:-1]]        # each commit chained to the last
    live = hub.space_files(SPACE)
    assert all(live[p] == (site / p).read_bytes() for p in local) and not any(p.startswith("old/") for p in live)
    assert sum(line.startswith("publish: commit ") for line in log) == len(commits)


def test_a_publish_interrupted_after_its_first_commit_is_finished_by_the_next_run(hub, tmp_path, monkeypatch):
    from builder import publish as publisher
    site = write_site(tmp_path / "site", big_site_pages(1200))
    limits = CommitLimits(max_files=400, max_bytes=10_000_000)
    real_commit, calls = publisher._commit, []

    def killed_after_one(*args, **kwargs):
        if calls:
            raise KeyboardInterrupt("the runner was stopped")
        calls.append(1)
        return real_commit(*args, **kwargs)

    monkeypatch.setattr(publisher, "_commit", killed_after_one)
    with pytest.raises(KeyboardInterrupt):
        publish(site, SPACE, token=TOKEN, dry_run=False, force=False, log=Lines(), limits=limits)
    (first,) = commits_to(hub)
    assert "index.html" not in first.files and "manifest.json" not in first.files
    monkeypatch.setattr(publisher, "_commit", real_commit)

    outcome = publish(site, SPACE, token=TOKEN, dry_run=False, force=False, log=Lines(), limits=limits)

    sent = [p for c in commits_to(hub) for p in c.files]
    local = sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file())
    assert sorted(sent) == local                                # no duplicate, none missing
    assert len(outcome.added) + len(outcome.updated) == len(local) - len(first.files)
    assert {p: d for p, d in hub.space_files(SPACE).items() if p != ".gitattributes"} == {
        p: (site / p).read_bytes() for p in local}


def publish_600_messages_with_a_commit_fault(hub, tmp_path, kind: str):
    """Publish a small site, then a big one in commits of 200 whose second commit meets `kind`.
    Returns the big site and the outcome."""
    site = write_site(tmp_path / "site", base_pages(3))
    publish(site, SPACE, token=TOKEN, dry_run=False, force=False, log=Lines())
    site = write_site(tmp_path / "site", big_site_pages(600))
    hub.clear_log()
    hub.inject("commit", kind, skip=1)
    return site, publish(site, SPACE, token=TOKEN, dry_run=False, force=False, log=Lines(),
                         limits=CommitLimits(max_files=200, max_bytes=10_000_000))


def live_is(hub, site: Path) -> bool:
    """The Space holds exactly the site's files (and the Hub's .gitattributes)."""
    local = [p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()]
    return {p: d for p, d in hub.space_files(SPACE).items() if p != ".gitattributes"} == {
        p: (site / p).read_bytes() for p in local}


def test_a_commit_the_hub_fails_midway_through_a_publish_is_sent_again_and_the_site_completes(
        hub, tmp_path):
    site, outcome = publish_600_messages_with_a_commit_fault(hub, tmp_path, "503")

    assert outcome.committed
    assert [r.status for r in hub.requests("commit")][:3] == [200, 503, 200]
    assert live_is(hub, site)


def test_a_commit_that_landed_though_the_answer_was_a_502_is_not_sent_twice(hub, tmp_path):
    site, outcome = publish_600_messages_with_a_commit_fault(hub, tmp_path, "lost")

    assert outcome.committed
    # the repeat names a parent that is no longer the head: refused, the plan made again
    assert [r.status for r in hub.requests("commit")][:3] == [200, 502, 412]
    sent = [p for c in commits_to(hub) for p in c.files]
    assert len(sent) == len(set(sent))                           # no file sent twice
    assert live_is(hub, site)


def test_a_second_commit_that_landed_though_the_answer_was_a_502_converges_as_the_first(
        hub, tmp_path):
    site = write_site(tmp_path / "site", base_pages(3))
    publish(site, SPACE, token=TOKEN, dry_run=False, force=False, log=Lines())
    site = write_site(tmp_path / "site", big_site_pages(600))
    hub.clear_log()
    hub.inject("commit", "lost", skip=1)          # the 2nd commit of the first plan
    hub.inject("commit", "lost", skip=3)          # the 2nd commit of the plan made after it
    log = Lines()
    outcome = publish(site, SPACE, token=TOKEN, dry_run=False, force=False, log=log,
                      limits=CommitLimits(max_files=150, max_bytes=10_000_000))

    assert outcome.committed
    assert [r.status for r in hub.requests("commit")][:6] == [200, 502, 412, 200, 502, 412]
    assert live_is(hub, site)
    assert not any("another publish" in line for line in log)
    assert sum("had landed" in line for line in log) == 2


def test_a_hub_that_loses_every_commit_answer_says_so_not_another_publish(hub, tmp_path):
    site = write_site(tmp_path / "site", base_pages(3))
    publish(site, SPACE, token=TOKEN, dry_run=False, force=False, log=Lines())
    site = write_site(tmp_path / "site", big_site_pages(600))
    for commit in range(7):             # every commit lands, answered 502; its repeat: 412
        hub.inject("commit", "lost", skip=commit)

    with pytest.raises(PublishError) as info:
        publish(site, SPACE, token=TOKEN, dry_run=False, force=False, log=Lines(),
                limits=CommitLimits(max_files=100, max_bytes=10_000_000))

    message = str(info.value)
    assert "though they landed" in message and "run publish again" in message
    assert "another publish" not in message
    hub.faults.clear()
    publish(site, SPACE, token=TOKEN, dry_run=False, force=False, log=Lines())
    assert live_is(hub, site)


def test_a_commit_the_hub_keeps_failing_says_to_run_publish_again(hub, tmp_path):
    site = write_site(tmp_path / "site", base_pages(3))
    publish(site, SPACE, token=TOKEN, dry_run=False, force=False, log=Lines())
    hub.inject("commit", "503", times=100)

    with pytest.raises(PublishError) as info:
        publish(site := write_site(tmp_path / "site", base_pages(5)), SPACE, token=TOKEN,
                dry_run=False, force=False, log=Lines())

    assert "run publish again" in str(info.value) and "503" in str(info.value)
    hub.faults.clear()
    publish(site, SPACE, token=TOKEN, dry_run=False, force=False, log=Lines())
    assert hub.space_files(SPACE)["messages/m4/index.html"] == b"<p>message 4</p>"


def test_a_token_that_may_only_read_is_one_line_saying_it_needs_write_access(hub, tmp_path):
    site = write_site(tmp_path / "site", base_pages(3))
    publish(site, SPACE, token=TOKEN, dry_run=False, force=False, log=Lines())
    hub.read_only.add("fake-user")
    for space in (SPACE, "collab-org/not-there-yet"):
        with pytest.raises(PublishError) as info:
            publish(write_site(tmp_path / "site", base_pages(4)), space, token=TOKEN,
                    dry_run=False, force=False, log=Lines())
        message = str(info.value)
        assert "HTTP 403" in message and "needs write access" in message and "\n" not in message
        assert TOKEN not in message
    assert ("spaces", "collab-org/not-there-yet") not in hub.repos


def test_binary_files_go_through_lfs_and_are_compared_by_sha256(hub, tmp_path):
    site = write_site(tmp_path / "site", base_pages(3))
    logo = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4
    (site / "static" / "logo.png").write_bytes(logo)
    manifest = json.loads((site / "manifest.json").read_text())
    manifest["files"]["static/logo.png"] = hashlib.sha256(logo).hexdigest()
    (site / "manifest.json").write_text(json.dumps(manifest))

    publish(site, SPACE, token=TOKEN, dry_run=False, force=False, log=Lines())

    (commit,) = commits_to(hub)
    assert commit.lfs == ["static/logo.png"]                    # a pointer line, not inline bytes
    assert [r.route for r in hub.log if r.route.startswith("lfs_")] == ["lfs_batch", "lfs_upload", "lfs_verify"]
    assert hub.space_files(SPACE)["static/logo.png"] == logo
    assert "static/logo.png" in hub.repos[("spaces", SPACE)].lfs
    hub.clear_log()
    again = publish(site, SPACE, token=TOKEN, dry_run=False, force=False, log=Lines())
    assert not again.committed and not hub.requests("commit")   # same sha256: unchanged


def test_an_empty_file_of_a_type_the_hub_keeps_in_lfs_is_published_inline(hub, tmp_path):
    pages = base_pages(3)
    pages["static/empty.ico"] = ""                 # an .ico is LFS to the Hub, but it is empty
    site = write_site(tmp_path / "site", pages)

    assert publish(site, SPACE, token=TOKEN, dry_run=False, force=False, log=Lines()).committed

    assert hub.space_files(SPACE)["static/empty.ico"] == b""
    assert not publish(site, SPACE, token=TOKEN, dry_run=False, force=False,
                       log=Lines()).committed      # and it is not sent again


def test_an_empty_space_without_any_commit_is_a_first_publish(hub, tmp_path):
    hub.add_space(SPACE, empty=True)
    site = write_site(tmp_path / "site", base_pages(4))
    outcome = publish(site, SPACE, token=TOKEN, dry_run=False, force=False, log=Lines())
    (commit,) = commits_to(hub)
    assert outcome.committed and not outcome.created and commit.parent is None
    assert len(outcome.added) == len(base_pages(4)) + 2


def test_a_commit_made_by_someone_else_meanwhile_is_merged_into_a_new_plan_once(hub, tmp_path, monkeypatch):
    from builder import publish as publisher
    site = write_site(tmp_path / "site", base_pages(5), messages=5)
    publish(site, SPACE, token=TOKEN, dry_run=False, force=False, log=Lines())
    write_site(site, base_pages(6), messages=6)
    real_modes, raced = publisher._upload_modes, []

    def someone_commits_first(*args, **kwargs):
        if not raced:
            raced.append(1)
            with hub.lock:                                 # another publisher's commit lands
                repo = hub.repos[("spaces", SPACE)]
                repo.files["messages/m5/index.html"] = b"<p>message 5</p>"
                repo.files["stray.html"] = b"theirs"
                repo.sha = hub._next_sha()
        return real_modes(*args, **kwargs)

    monkeypatch.setattr(publisher, "_upload_modes", someone_commits_first)
    hub.clear_log()
    log = Lines()
    outcome = publish(site, SPACE, token=TOKEN, dry_run=False, force=False, log=log)

    assert [r.status for r in hub.requests("commit")] == [412, 200]
    assert any("changed while publishing (HTTP 412); comparing again" in line for line in log)
    assert outcome.committed and outcome.deleted == ("stray.html",)
    assert "messages/m5/index.html" not in outcome.added       # already live, as the new plan saw
    assert hub.space_files(SPACE)["index.html"] == (site / "index.html").read_bytes()


def test_a_space_that_keeps_changing_fails_the_publish_after_one_new_plan(hub, tmp_path):
    site = write_site(tmp_path / "site", base_pages(5))
    publish(site, SPACE, token=TOKEN, dry_run=False, force=False, log=Lines())
    write_site(site, base_pages(6), messages=100)
    hub.inject("commit", "status", status=412, times=2)
    with pytest.raises(PublishError, match="kept changing while publishing"):
        publish(site, SPACE, token=TOKEN, dry_run=False, force=False, log=Lines())
    assert [r.status for r in hub.requests("commit")][-2:] == [412, 412]


def landed_late(request, patience: float = 30.0) -> None:
    """Wait until the fake Hub has carried out `request`, which the client gave up on."""
    deadline = time.monotonic() + patience
    while request.in_flight:
        assert time.monotonic() < deadline, f"the fake Hub never carried out {request.path}"
        time.sleep(0.05)


def test_the_commit_post_has_a_timeout_and_is_never_sent_twice(hub, tmp_path, monkeypatch):
    from builder import hub_http
    monkeypatch.setattr(hub_http, "DEFAULT_POLICY", hub_http.HttpPolicy(
        timeout=1.0, commit_timeout=1.0, retries=4, backoff=0.02, max_backoff=0.2))
    site = write_site(tmp_path / "site", base_pages(5))
    hub.delay["commit"] = 2.5                                  # the Hub applies it, slowly

    with pytest.raises(PublishError) as info:
        publish(site, SPACE, token=TOKEN, dry_run=False, force=False, log=Lines())

    assert "did not answer a commit in time" in str(info.value) and "run publish again" in str(info.value)
    assert len(hub.requests("commit")) == 1                    # not retried: it may have landed
    landed_late(hub.requests("commit")[0])
    hub.delay.clear()
    hub.clear_log()
    again = publish(site, SPACE, token=TOKEN, dry_run=False, force=False, log=Lines())
    assert not again.committed                                 # it had landed: nothing left to send


def test_a_rate_limited_commit_waits_for_the_reset_and_is_then_sent(hub, hub_clock, tmp_path):
    site = write_site(tmp_path / "site", base_pages(40))
    hub.rate_limit("api", limit=1, window=2, routes=("commit",))
    log = Lines()
    outcome = publish(site, SPACE, token=TOKEN, dry_run=False, force=False, log=log,
                      limits=CommitLimits(max_files=20, max_bytes=1_000_000))
    assert outcome.commits == 3 and len(commits_to(hub)) == 3
    waits = [line for line in log if line.startswith("rate limited by the Hub: waiting ")]
    assert waits and "1 of 3 commits sent" in waits[0]


def test_a_manifest_that_differs_only_in_build_details_is_not_sent(hub, tmp_path):
    site = write_site(tmp_path / "site", base_pages(5))
    publish(site, SPACE, token=TOKEN, dry_run=False, force=False, log=Lines())
    manifest = json.loads((site / "manifest.json").read_text())
    manifest["input"] = "a digest of another run's inputs"      # what no visitor sees
    (site / "manifest.json").write_text(json.dumps(manifest))
    hub.clear_log()
    outcome = publish(site, SPACE, token=TOKEN, dry_run=False, force=False, log=Lines())
    assert not outcome.committed and not hub.requests("commit")


def test_a_publish_stopped_before_its_last_commit_sends_the_manifest_next_time(hub, tmp_path):
    """Only manifest.json is left to send (its commit never landed): the next run sends it."""
    site = write_site(tmp_path / "site", base_pages(5), messages=5)
    publish(site, SPACE, token=TOKEN, dry_run=False, force=False, log=Lines())
    write_site(site, base_pages(6), messages=6)
    with hub.lock:                                        # every page landed, not the manifest
        repo = hub.repos[("spaces", SPACE)]
        for p in base_pages(6):
            repo.files[p] = (site / p).read_bytes()
    hub.clear_log()
    outcome = publish(site, SPACE, token=TOKEN, dry_run=False, force=False, log=Lines())
    (commit,) = commits_to(hub)
    assert commit.files == ["manifest.json"] and outcome.updated == ("manifest.json",)
    assert hub.space_files(SPACE)["manifest.json"] == (site / "manifest.json").read_bytes()


# --- links across commits ----------------------------------------------------------------------

def linked_pages() -> dict[str, str]:
    """A site with a reply chain, each page linking to the one named after it (so that the order
    of names would send a page before the page it links to), and two pages linking to each
    other."""
    pages = base_pages(3)
    chain = [f"messages/c{k}/" for k in range(8)]
    for k, url in enumerate(chain):
        after = f'<a href="/{chain[k + 1]}">next</a>' if k + 1 < len(chain) else ""
        pages[url + "index.html"] = f'<p>chain {k}</p>{after}<a href="/messages/">all</a>'
    pages["messages/x1/index.html"] = '<a href="/messages/x2/">x2</a>'
    pages["messages/x2/index.html"] = '<a href="../x1/">x1</a>'
    pages["messages/index.html"] = "".join(f'<a href="/{u}">{u}</a>' for u in chain)
    return pages


def live_links_lead_somewhere(hub) -> list[str]:
    """The links of the live pages whose target is not live: "page -> target"."""
    import re
    from urllib.parse import urljoin
    live = hub.space_files(SPACE)
    broken = []
    for path, data in live.items():
        if not path.endswith(".html"):
            continue
        here = "/" + path[:-len("index.html")]
        for href in re.findall(r'href="([^"]*)"', data.decode()):
            target = urljoin(here, href).lstrip("/")
            target = target + "index.html" if target == "" or target.endswith("/") else target
            if target not in live:
                broken.append(f"{path} -> {target}")
    return broken


def test_a_publish_stopped_between_commits_leaves_no_live_link_to_a_missing_page(hub, tmp_path):
    site = write_site(tmp_path / "site", base_pages(3), messages=3)
    publish(site, SPACE, token=TOKEN, dry_run=False, force=False, log=Lines())
    write_site(site, linked_pages(), messages=13)
    hub.rate_limit("commits", limit=2, window=3600, routes=("commit",))   # then an hour's wait
    hub.clear_log()
    limits = CommitLimits(max_files=3, max_bytes=1_000_000)

    with pytest.raises(PublishError) as info:
        publish(site, SPACE, token=TOKEN, dry_run=False, force=False, log=Lines(), limits=limits)

    assert "2 commit(s) of this publish landed" in str(info.value)
    assert "the next run sends the rest" in str(info.value)
    assert len(info.value.landed) == 2 and live_links_lead_somewhere(hub) == []
    hub.rate_limits.clear()
    publish(site, SPACE, token=TOKEN, dry_run=False, force=False, log=Lines(), limits=limits)
    assert live_is(hub, site) and live_links_lead_somewhere(hub) == []
    assert any({"messages/x1/index.html", "messages/x2/index.html"} <= set(c.files)
               for c in commits_to(hub))                       # a link cycle lands at once


def test_a_cron_runs_few_files_go_in_one_commit_and_a_cycle_too_large_is_named():
    from builder.publish_plan import Plan, dangling, linked_batches
    few = Plan(added=("messages/a/index.html", "messages/b/index.html"),
               updated=("messages/index.html", "index.html", "manifest.json"), deleted=(),
               unchanged=900)
    links = {"messages/a/index.html": {"messages/b/index.html"},
             "messages/b/index.html": {"messages/a/index.html"},
             "messages/index.html": {"messages/a/index.html", "messages/b/index.html"}}
    sizes = {p: 1_000 for p in few.added + few.updated}
    assert len(linked_batches(few, sizes, CommitLimits(), links)) == 1

    ring = [f"messages/r{k}/index.html" for k in range(4)]      # r0 -> r1 -> r2 -> r3 -> r0
    big = Plan(added=("static/a.css", *ring), updated=(), deleted=(), unchanged=0)
    links = {p: {ring[(k + 1) % 4]} for k, p in enumerate(ring)}
    todo = linked_batches(big, {p: 1_000 for p in big.added}, CommitLimits(max_files=3), links)
    assert [b.add for b in todo] == [("static/a.css", *ring[:2]), tuple(ring[2:])]  # no gap
    assert [(page, n) for page, _, n in dangling(todo, links, ring)] == [(ring[1], 2)]

    pair = Plan(added=("static/a.css", "static/b.css", *ring[:2]), updated=(), deleted=(),
                unchanged=0)
    links = {ring[0]: {ring[1]}, ring[1]: {ring[0]}}             # a cycle that fits one commit
    todo = linked_batches(pair, {p: 1_000 for p in pair.added}, CommitLimits(max_files=3), links)
    assert [b.add for b in todo] == [("static/a.css", "static/b.css"), tuple(ring[:2])]


def test_a_runs_sync_and_publish_wait_for_rate_limits_within_one_allowance(hub, hub_clock, tmp_path,
                                                                          monkeypatch):
    """Each waited up to [hub] rate_limit_wait: a run could outlast the workflow's timeout and
    be killed without its summary. Now the publish waits only what the sync left."""
    from builder.sources.hub import open_hub_bucket
    from tests.hub_fixtures import collab_files
    monkeypatch.setenv("COLLAB_WAIT_LEDGER", str(tmp_path / "waited"))
    hub.add_bucket("collab-org/board", collab_files(20, 5, 2))
    hub.rate_limit("resolvers", limit=20, window=1)          # the sync waits about 2 s
    open_hub_bucket("collab-org/board", tmp_path / "mirror", log=Lines(), rate_limit_wait=4)
    site = write_site(tmp_path / "site", base_pages(40))
    hub.rate_limit("commits", limit=1, window=3, routes=("commit",))
    log = Lines()

    with pytest.raises(PublishError) as info:            # 3 s more would make it 4 s and more
        publish(site, SPACE, token=TOKEN, dry_run=False, force=False, log=log, rate_limit_wait=4,
                limits=CommitLimits(max_files=20, max_bytes=1_000_000))

    message = str(info.value)
    assert "rate limited by the Hub for longer than allowed" in message
    assert "of it earlier in this run" in message and "1 of 3 commits sent" in message
    assert "1 commit(s) of this publish landed" in message and "next run sends the rest" in message
    assert not any(line.startswith("rate limited by the Hub: waiting") for line in log)


def test_a_live_manifest_the_hub_keeps_in_lfs_is_read_from_the_storage_host_without_the_token(
        hub, tmp_path):
    """A large site's manifest.json (over 10 MB at 100k messages) is an LFS file, whose resolve
    URL answers with a redirect to the storage host: the shrink guard reads it there, and the
    token does not follow the redirect."""
    hub.lfs_threshold = 2_000                      # the manifest is large, the pages are not
    site = write_site(tmp_path / "site", base_pages(30), messages=100)
    publish(site, SPACE, token=TOKEN, dry_run=False, force=False, log=Lines())
    assert "manifest.json" in hub.repos[("spaces", SPACE)].lfs
    write_site(site, base_pages(31), messages=10)
    hub.clear_log()

    outcome = publish(site, SPACE, token=TOKEN, dry_run=False, force=False, log=Lines())

    assert "lost more than half of what is live (messages 100 -> 10)" in outcome.refused_reason
    cdn = hub.requests("cdn")
    assert [r.status for r in cdn] == [200] and cdn[0].token is None


def test_publishing_to_a_space_that_was_renamed_follows_the_hub_to_its_new_name(hub, tmp_path):
    """The Hub answers a renamed repo's old address with a 307, which keeps the method: the
    commit POST went to its new address as a GET, and every publish failed."""
    hub.add_space("collab-org/renamed-site")
    hub.renamed[SPACE] = "collab-org/renamed-site"
    site = write_site(tmp_path / "site", base_pages(3))

    outcome = publish(site, SPACE, token=TOKEN, dry_run=False, force=False, log=Lines())

    assert outcome.committed and not outcome.created
    assert hub.space_files("collab-org/renamed-site")["index.html"] == (site / "index.html").read_bytes()
    assert [r.status for r in hub.requests("commit")] == [307, 200]
