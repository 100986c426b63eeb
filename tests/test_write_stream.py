"""Writing a site over a previous one: only what changed is written, nothing is ever left half
done, a file touched after the build is written again, and no file a collab-site build did not
write is ever replaced or deleted."""
from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest

from builder import restore, write
from builder.cli import main
from builder.write import begin, commit, write_site
from tests.site_fixtures import REPO


def listing(out):
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def matches_manifest(out) -> bool:
    files = json.loads((out / "manifest.json").read_text())["files"]
    on_disk = {k: hashlib.sha256(v).hexdigest() for k, v in listing(out).items() if k != "manifest.json"}
    return files == on_disk


V1 = {"index.html": b"home 1", "a/index.html": b"a", "b/index.html": b"b", "old/index.html": b"old"}
V2 = {"index.html": b"home 2", "a/index.html": b"a", "b/index.html": b"b", "new/index.html": b"new"}


def test_a_rebuild_writes_only_what_changed_and_removes_what_is_gone(tmp_path):
    out = tmp_path / "site"
    write_site(out, V1)
    inode = (out / "a" / "index.html").stat().st_ino
    report = write_site(out, V2)
    assert sorted(report.written) == ["index.html", "new/index.html"]
    assert report.removed == ("old/index.html",) and report.unchanged == 2
    assert (out / "a" / "index.html").stat().st_ino == inode
    assert not (out / "old").exists()
    assert {k: v for k, v in listing(out).items() if k != "manifest.json"} == V2
    assert matches_manifest(out)
    assert not any(p.name.startswith(".site.") for p in tmp_path.iterdir())


def test_a_build_interrupted_while_moving_files_in_is_completed_by_the_next(tmp_path, monkeypatch):
    out = tmp_path / "site"
    write_site(out, V1)
    staging = begin(out)
    entries = {rel: staging.put(rel, data) for rel, data in V2.items()}
    real, calls = os.replace, []

    def dies_after_one(src, dst):
        calls.append(dst)
        if len(calls) > 1:
            raise KeyboardInterrupt("power cut")
        real(src, dst)

    monkeypatch.setattr(write.os, "replace", dies_after_one)
    with pytest.raises(KeyboardInterrupt):
        commit(staging, entries, write.manifest_bytes({p: e.digest for p, e in entries.items()}, {}))
    monkeypatch.setattr(write.os, "replace", real)
    assert not matches_manifest(out), "half moved: the manifest does not describe the files"

    write_site(out, {**V2, "index.html": b"home 2"})          # the next build
    assert {k: v for k, v in listing(out).items() if k != "manifest.json"} == V2
    assert matches_manifest(out)


def test_a_build_that_fails_before_committing_leaves_the_site_as_it_was(tmp_path):
    out = tmp_path / "site"
    write_site(out, V1)
    before = listing(out)
    staging = begin(out)
    staging.put("index.html", b"never committed")
    assert listing(out) == before
    write_site(out, V1)                                       # a later build starts clean
    assert listing(out) == before


def test_a_file_changed_by_hand_after_the_build_is_written_again(tmp_path):
    out = tmp_path / "site"
    write_site(out, V1)
    manifest_time = (out / "manifest.json").stat().st_mtime_ns
    page = out / "a" / "index.html"
    page.write_bytes(b"x")                                    # same size as "a", edited later
    os.utime(page, ns=(manifest_time + 10**9, manifest_time + 10**9))
    report = write_site(out, V1)
    assert "a/index.html" in report.written
    assert page.read_bytes() == b"a" and matches_manifest(out)


def edited_by_hand(out, rel: str) -> None:
    """`rel` given other bytes of the same size, with a time after the manifest's."""
    manifest_time = (out / "manifest.json").stat().st_mtime_ns
    page = out / rel
    page.write_bytes(bytes(reversed(page.read_bytes())).upper())
    os.utime(page, ns=(manifest_time + 10**9, manifest_time + 10**9))


def test_the_files_a_look_over_finds_touched_are_written_again_and_only_they(tmp_path):
    out = tmp_path / "site"
    write_site(out, V1)
    edited_by_hand(out, "index.html")
    (out / "b" / "index.html").unlink()
    kept = write.look_over(out)
    assert kept.touched == {"index.html", "b/index.html"}
    report = write_site(out, V1, kept=kept)
    assert sorted(report.written) == ["b/index.html", "index.html"] and report.unchanged == 2
    assert {k: v for k, v in listing(out).items() if k != "manifest.json"} == V1


def test_a_look_over_an_earlier_site_is_not_taken_for_the_site_there_now(tmp_path):
    out = tmp_path / "site"
    write_site(out, V1)
    kept = write.look_over(out)
    os.utime(out / "manifest.json", ns=(kept.built_ns + 10**9,) * 2)   # written again since
    edited_by_hand(out, "a/index.html")
    assert "a/index.html" in write_site(out, V1, kept=kept).written
    assert listing(out)["a/index.html"] == V1["a/index.html"]


def test_a_site_that_a_cut_short_build_left_is_not_looked_over(tmp_path):
    out = tmp_path / "site"
    write_site(out, V1)
    assert write.look_over(out) is not None
    (tmp_path / ".site.journal").write_text("{}")
    assert write.look_over(out) is None and write.look_over(tmp_path / "nothing") is None


def test_a_folder_may_become_a_file_and_back(tmp_path):
    out = tmp_path / "site"
    write_site(out, {"x/index.html": b"folder"})
    write_site(out, {"x": b"file"})
    assert (out / "x").read_bytes() == b"file"
    write_site(out, {"x/index.html": b"folder again"})
    assert (out / "x" / "index.html").read_bytes() == b"folder again"


def test_when_most_files_changed_the_few_unchanged_keep_their_inode(tmp_path):
    out = tmp_path / "site"
    old = {f"p{i}/index.html": f"old {i}".encode() for i in range(10)}
    write_site(out, {**old, "same/index.html": b"same", "gone/index.html": b"gone"})
    inode = (out / "same" / "index.html").stat().st_ino
    new = {f"p{i}/index.html": f"new {i}".encode() for i in range(10)}
    report = write_site(out, {**new, "same/index.html": b"same"})
    assert len(report.written) == 10 and report.unchanged == 1
    assert (out / "same" / "index.html").stat().st_ino == inode
    assert {k: v for k, v in listing(out).items() if k != "manifest.json"} == {**new, "same/index.html": b"same"}
    assert matches_manifest(out)


@pytest.mark.parametrize("slow", [0.0, 3600.0], ids=["slow file system", "fast file system"])
def test_the_file_writer_writes_every_file_in_its_thread_or_on_threads(tmp_path, slow):
    """A file system that keeps up is written in the caller's thread; once files take `slow`
    seconds each on average, the rest go to threads. Either way every file is there, whole."""
    files = {f"page-{n}/index.html": f"<p>page {n}</p>".encode() * n for n in range(100)}
    with write.FileWriter(probe=10, slow=slow) as writer:
        for rel, data in files.items():
            writer.write(str(tmp_path / rel), data)
    assert writer.threaded == (slow == 0.0)
    assert {rel: (tmp_path / rel).read_bytes() for rel in files} == files


def test_a_failed_write_is_raised_on_threads_too(tmp_path):
    (tmp_path / "taken").write_text("a file, not a folder")
    with pytest.raises(OSError):
        with write.FileWriter(probe=0, slow=0.0) as writer:
            writer.write(str(tmp_path / "taken" / "index.html"), b"page")
    assert writer.threaded


# A build replaces only files a collab-site build wrote.

def test_files_the_manifest_does_not_list_stay_however_the_site_is_replaced(tmp_path):
    """A CNAME the user put into the site folder outlives a rebuild that moves a few files in
    and one that swaps the whole folder (most files changed); it is not listed as the site's."""
    out = tmp_path / "site"
    write_site(out, V1)
    (out / "CNAME").write_text("collab.example.org")
    (out / "old" / "notes.txt").write_text("mine")
    few = write_site(out, V2)
    most = write_site(out, {rel: data + b" again" for rel, data in V2.items()})
    assert len(few.written) < 3 and len(most.written) == 4
    assert (out / "CNAME").read_text() == "collab.example.org"
    assert (out / "old" / "notes.txt").read_text() == "mine"
    assert not (out / "old" / "index.html").exists()
    assert "CNAME" not in json.loads((out / "manifest.json").read_text())["files"]


@pytest.mark.parametrize("mine", ["new/index.html", "new"], ids=["the file", "its folder"])
def test_a_new_page_where_the_user_put_a_file_is_refused_and_the_site_left_as_it_was(tmp_path, mine):
    out = tmp_path / "site"
    write_site(out, V1)
    (out / mine).parent.mkdir(exist_ok=True)
    (out / mine).write_text("mine")
    before = listing(out)
    with pytest.raises(write.OutputRefused, match=mine):
        write_site(out, V2)
    assert listing(out) == before and not (tmp_path / ".site.new").exists()


def test_what_site_at_takes_for_a_site_of_ours(tmp_path):
    out = tmp_path / "site"
    assert write.site_at(out) is None                           # nothing there
    out.mkdir()
    assert write.site_at(out) is None                           # an empty folder
    write_site(out, V1)
    assert write.site_at(out)["files"].keys() == V1.keys()
    (out / "manifest.json").write_text(json.dumps({"name": "My app", "icons": []}))
    with pytest.raises(write.OutputRefused, match=r"\(index.html, manifest.json, a/index.html, \.\.\.\)"):
        write.site_at(out)
    (tmp_path / "file").write_text("x")
    with pytest.raises(write.OutputRefused, match="not a folder"):
        write.site_at(tmp_path / "file")


def small_bucket(folder: Path, messages: int = 3) -> Path:
    board = folder / "message_board"
    board.mkdir(parents=True, exist_ok=True)
    for n in range(1, messages + 1):
        (board / f"20260101-12000{n}-000_alpha.md").write_text(
            f"---\nagent: alpha\ntype: update\n---\nMessage {n}\n")
    return folder


def build(bucket: Path, out: Path | str) -> int:
    return main(["build", "--config", str(REPO / "collab.toml"), "--source", str(bucket),
                 "--out", str(out)])


def refusal(capsys) -> str:
    err = capsys.readouterr().err
    assert err.startswith("build: refusing to build into ") and err.count("\n") == 1, err
    return err


@pytest.mark.parametrize("manifest", [None, {"name": "My app", "start_url": "/"}],
                         ids=["no manifest", "another tool's manifest"])
def test_a_folder_of_files_no_build_wrote_is_refused_and_kept(tmp_path, capsys, manifest):
    docs = tmp_path / "mydocs"
    docs.mkdir()
    (docs / "notes.txt").write_text("important")
    if manifest is not None:
        (docs / "manifest.json").write_text(json.dumps(manifest))
    before = listing(docs)
    assert build(small_bucket(tmp_path / "bucket"), docs) == 2
    assert listing(docs) == before
    assert "mydocs" in refusal(capsys) and "notes.txt" in before
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".mydocs")]


@pytest.mark.parametrize("where", ["bucket", "bucket/site", "."],
                         ids=["the bucket", "inside it", "a folder holding it"])
def test_the_bucket_folder_is_never_built_into(tmp_path, capsys, where):
    bucket = small_bucket(tmp_path / "bucket")
    before = listing(bucket)
    assert build(bucket, tmp_path / where) == 2
    assert listing(bucket) == before and not (bucket / "site").exists()
    assert "bucket folder" in refusal(capsys)


@pytest.mark.parametrize("here", [".", "empty"], ids=["holding the bucket", "an empty folder"])
def test_out_dot_is_refused_with_a_line_not_a_traceback(tmp_path, monkeypatch, capsys, here):
    bucket = small_bucket(tmp_path / "bucket")
    (tmp_path / here).mkdir(exist_ok=True)
    monkeypatch.chdir(tmp_path / here)
    assert build(bucket, ".") == 2
    assert refusal(capsys).startswith("build: refusing to build into .: ")
    assert listing(tmp_path) == {"bucket/" + rel: data for rel, data in listing(bucket).items()}


@pytest.mark.parametrize("fresh", ["missing", "empty"])
def test_a_missing_or_empty_folder_is_built_into(tmp_path, fresh):
    out = tmp_path / "site"
    if fresh == "empty":
        out.mkdir()
    assert build(small_bucket(tmp_path / "bucket"), out) == 0
    assert (out / "index.html").is_file() and matches_manifest(out)


def test_a_rebuild_removes_the_pages_that_are_gone_and_keeps_the_users_files(tmp_path):
    bucket, out = small_bucket(tmp_path / "bucket"), tmp_path / "site"
    assert build(bucket, out) == 0
    gone = out / "messages" / "20260101-120003-000_alpha" / "index.html"
    assert gone.is_file()
    (out / "CNAME").write_text("collab.example.org")
    (bucket / "message_board" / "20260101-120003-000_alpha.md").unlink()
    assert build(bucket, out) == 0
    assert not gone.exists() and (out / "messages" / "20260101-120002-000_alpha").is_dir()
    assert (out / "CNAME").read_text() == "collab.example.org"


@pytest.mark.parametrize("site_there", [False, True], ids=["first build", "rebuild"])
def test_a_users_folder_named_like_the_staging_folder_is_refused_and_kept(tmp_path, capsys,
                                                                          site_there):
    """`.site.new` next to `site` was deleted by every build, whoever made it."""
    bucket, out = small_bucket(tmp_path / "bucket"), tmp_path / "site"
    if site_there:
        assert build(bucket, out) == 0
    mine = tmp_path / ".site.new"
    mine.mkdir()
    (mine / "draft.md").write_text("mine")
    before = listing(out) if site_there else {}
    assert build(bucket, out) == 2
    assert (mine / "draft.md").read_text() == "mine"
    assert ".site.new" in refusal(capsys)
    assert (listing(out) if site_there else {}) == before


def test_only_a_staging_folder_a_build_left_is_cleared_away(tmp_path):
    out = tmp_path / "site"
    write_site(out, V1)
    begin(out).put("index.html", b"never committed")         # killed before its commit
    assert (tmp_path / ".site.new" / "index.html").is_file()
    write_site(out, V2)
    assert {k: v for k, v in listing(out).items() if k != "manifest.json"} == V2
    assert not any(p.name.startswith(".site.") for p in tmp_path.iterdir())
    (tmp_path / ".site.new").mkdir()
    (tmp_path / ".site.new" / "draft.md").write_text("mine")
    with pytest.raises(write.OutputRefused, match=r"\.site\.new"):
        write_site(out, V1)
    assert (tmp_path / ".site.new" / "draft.md").read_text() == "mine"



def set_aside_by_a_cut_short_swap(out: Path) -> None:
    out.rename(out.with_name(f".{out.name}.old"))


def restoring_killed(out: Path) -> None:
    """A build on a fresh runner (the caches, no site) killed while it restored the last site
    beside `out`."""
    shutil.rmtree(out)

    def killed(*_):
        raise KeyboardInterrupt
    caches = Path(os.environ["COLLAB_CACHE_DIR"]) / "render"
    config = json.loads((caches / restore.LISTING).read_text())["config"]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(restore, "_manifest", killed)
        with pytest.raises(KeyboardInterrupt):
            restore.restore_listed(caches, config, out)
    assert (out.with_name(f".{out.name}.restore") / "index.html").is_file()


@pytest.mark.parametrize("kind, leftover", [("old", set_aside_by_a_cut_short_swap),
                                            ("restore", restoring_killed)], ids=["old", "restore"])
def test_only_a_folder_a_build_left_beside_the_site_is_cleared_away(tmp_path, capsys, monkeypatch,
                                                                    kind, leftover):
    """`.site.old` and `.site.restore` next to `site` were deleted (or moved into `site`) by a
    build with no site there, whoever made them."""
    monkeypatch.setenv("COLLAB_CACHE_DIR", str(tmp_path / "cache"))
    bucket, out = small_bucket(tmp_path / "bucket"), tmp_path / "site"
    assert build(bucket, out) == 0
    leftover(out)
    assert build(bucket, out) == 0
    assert matches_manifest(out) and not any(p.name.startswith(".site.") for p in tmp_path.iterdir())

    shutil.rmtree(out)                       # a fresh runner: the caches and no site
    mine = tmp_path / f".site.{kind}"
    mine.mkdir()
    (mine / "draft.md").write_text("mine")
    assert build(bucket, out) == 2
    assert listing(mine) == {"draft.md": b"mine"} and not out.exists()
    said = refusal(capsys)
    assert f" {mine} " in said.replace(",", " ")
    assert said.endswith("and no collab-site build made what is there; move it away\n")


def test_a_users_folder_named_like_the_previous_sites_is_kept_when_the_site_is_swapped(tmp_path):
    out, mine = tmp_path / "site", tmp_path / ".site.old"
    write_site(out, V1)
    mine.mkdir()
    (mine / "draft.md").write_text("mine")
    with pytest.raises(write.OutputRefused, match=r"\.site\.old"):
        write_site(out, {"all/index.html": b"new"})              # every file changed: a swap
    assert listing(mine) == {"draft.md": b"mine"}
    assert {k: v for k, v in listing(out).items() if k != "manifest.json"} == V1


def _journal(tmp_path: Path, kind: str) -> Path:
    """What a user (or a disk) left where a build keeps its journal, next to `site`; and the
    user's file `mine.txt` beside it."""
    journal = tmp_path / ".site.journal"
    (tmp_path / "mine.txt").write_text("mine")
    if kind == "folder":
        (journal / "notes").mkdir(parents=True)
    elif kind == "link":
        journal.symlink_to(tmp_path / "mine.txt")
    else:
        journal.write_bytes({"text": b"my journal: day 1\n",
                             "unmarked JSON": b'{"move": [], "remove": ["index.html"]}',
                             "marked, outside the site": write.JOURNAL_MARK
                             + b'{"move": [], "remove": ["../mine.txt"]}'}[kind])
    return journal


@pytest.mark.parametrize("kind", ["text", "unmarked JSON", "marked, outside the site", "folder",
                                  "link"])
def test_a_file_named_like_the_journal_that_no_build_wrote_is_refused_and_kept(tmp_path, capsys,
                                                                              kind):
    """`.site.journal` was read, its moves and removals done, and deleted, whoever wrote it."""
    bucket, out = small_bucket(tmp_path / "bucket"), tmp_path / "site"
    assert build(bucket, out) == 0
    site_before = listing(out)
    journal = _journal(tmp_path, kind)
    journal_before = journal.read_bytes() if journal.is_file() else None
    small_bucket(bucket, messages=4)                    # a new message: the build writes
    assert build(bucket, out) == 2
    said = refusal(capsys)
    assert f" {journal}, " in said and said.endswith("no collab-site build wrote what is there; "
                                                     "move it away\n")
    assert listing(out) == site_before and (tmp_path / "mine.txt").read_text() == "mine"
    if kind == "folder":
        assert (journal / "notes").is_dir()
    else:
        assert journal.read_bytes() == journal_before and journal.is_symlink() == (kind == "link")


@pytest.mark.parametrize("cut", [0, 5, len(write.JOURNAL_MARK) + 10],
                         ids=["empty", "in the mark", "in the list"])
def test_a_journal_cut_short_while_it_was_written_is_dropped_and_the_site_kept(tmp_path, cut):
    """A build stopped while writing its journal had moved no file yet: the next build deletes
    the journal and builds over the previous site as it was."""
    out = tmp_path / "site"
    write_site(out, V1)
    staging = begin(out)
    entries = {rel: staging.put(rel, data) for rel, data in V2.items()}
    whole = write.journal_bytes({"move": sorted(p for p, e in entries.items() if e.changed),
                                 "remove": ["old/index.html"]})
    (tmp_path / ".site.journal").write_bytes(whole[:cut])          # killed here
    assert write.read_journal(tmp_path / ".site.journal") == {}
    report = write_site(out, V2)
    assert {k: v for k, v in listing(out).items() if k != "manifest.json"} == V2
    assert report.removed == ("old/index.html",) and matches_manifest(out)
    assert not any(p.name.startswith(".site.") for p in tmp_path.iterdir())
