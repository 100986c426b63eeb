"""The local bucket listing: what is left out of the bucket, and why, is said in printable words."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from builder.model import Problem
from builder.sources import Bucket, OutsideBucket, name_problem
from builder.sources.local import open_local


def _touch(root: Path, name: str | bytes, data: bytes = b"x") -> Path:
    full = Path(os.fsdecode(os.path.join(os.fsencode(root), os.fsencode(name))))
    full.parent.mkdir(parents=True, exist_ok=True)
    full.write_bytes(data)
    return full


@pytest.fixture
def bucket_dir(tmp_path):
    root = tmp_path / "bucket"
    _touch(root, "message_board/20260101-000000-000_a.md")
    return root


def test_names_that_are_not_utf8_or_hold_controls_are_reported_escaped(bucket_dir):
    _touch(bucket_dir, b"message_board/caf\xe9.md")
    _touch(bucket_dir, "message_board/red\x1b[31m.md")
    _touch(bucket_dir, "message_board/right-to-left\u202egpj.md")
    _touch(bucket_dir, b"agents\xff/x.md")
    bucket = open_local(bucket_dir)
    assert bucket.files == ("message_board/20260101-000000-000_a.md",)
    assert {(p.path, p.reason) for p in bucket.skipped} == {
        ("message_board/caf\\xe9.md", "skipped: the name is not valid UTF-8"),
        ("message_board/red\\x1b[31m.md", "skipped: the name holds control or invisible characters"),
        ("message_board/right-to-left\\u202egpj.md",
         "skipped: the name holds control or invisible characters"),
        ("agents\\xff/", "skipped: the name is not valid UTF-8"),
    }
    assert all(p.path.isprintable() for p in bucket.skipped)


def test_symlinks_are_never_followed_and_each_says_why(bucket_dir, tmp_path):
    _touch(tmp_path, "outside/secret.md")
    board = bucket_dir / "message_board"
    (board / "loop-a.md").symlink_to("loop-b.md")
    (board / "loop-b.md").symlink_to("loop-a.md")
    (board / "dangling.md").symlink_to("nowhere.md")
    (board / "out.md").symlink_to(tmp_path / "outside" / "secret.md")
    (board / "inside.md").symlink_to("20260101-000000-000_a.md")
    (bucket_dir / "linked-folder").symlink_to(tmp_path / "outside")
    bucket = open_local(bucket_dir)
    assert bucket.files == ("message_board/20260101-000000-000_a.md",)
    reasons = {p.path: p.reason for p in bucket.skipped}
    assert reasons == {
        "message_board/loop-a.md": "skipped: a symlink that loops",
        "message_board/loop-b.md": "skipped: a symlink that loops",
        "message_board/dangling.md": "skipped: a symlink to nothing (its target is missing)",
        "message_board/out.md": "skipped: a symlink leading out of the bucket",
        "message_board/inside.md": "skipped: a symlink (links are not followed, even inside the bucket)",
        "linked-folder/": "skipped: a symlink leading out of the bucket",
    }


def test_special_files_are_reported_and_hidden_ones_passed_over(bucket_dir):
    os.mkfifo(bucket_dir / "message_board" / "pipe.md")
    _touch(bucket_dir, ".git/config")
    _touch(bucket_dir, "message_board/.draft.md")
    bucket = open_local(bucket_dir)
    assert bucket.files == ("message_board/20260101-000000-000_a.md",)
    assert [(p.path, p.reason) for p in bucket.skipped] == [
        ("message_board/pipe.md", "skipped: not a regular file (a device, socket or pipe)")]


def test_hidden_entries_are_listed_apart_the_outermost_only(bucket_dir):
    _touch(bucket_dir, ".git/objects/ab/cd")
    _touch(bucket_dir, "traces/kestrel/.draft/manifest.md")
    _touch(bucket_dir, "traces/kestrel/.draft/.inner/log.jsonl")
    _touch(bucket_dir, "message_board/.gitkeep")
    bucket = open_local(bucket_dir)
    assert bucket.files == ("message_board/20260101-000000-000_a.md",)
    assert bucket.hidden == (".git/", "message_board/.gitkeep", "traces/kestrel/.draft/")


def test_reading_refuses_any_path_through_a_symlink(bucket_dir, tmp_path):
    _touch(tmp_path, "outside/secret.md", b"SECRET")
    (bucket_dir / "linked").symlink_to(tmp_path / "outside")
    (bucket_dir / "message_board" / "inside.md").symlink_to("20260101-000000-000_a.md")
    (bucket_dir / "board-link").symlink_to("message_board")
    bucket = Bucket(root=bucket_dir, files=("linked/secret.md", "message_board/inside.md"))
    refused = ("linked/secret.md", "message_board/inside.md", "board-link/20260101-000000-000_a.md",
               "../outside/secret.md", "message_board/../../outside/secret.md", "/etc/passwd", "", ".")
    for path in refused:
        for read in (bucket.read, lambda p: bucket.read_at_most(p, 10), bucket.size, bucket.open):
            with pytest.raises(OutsideBucket):
                read(path)
    assert bucket.read("message_board//./20260101-000000-000_a.md") == bucket.read_at_most(
        "message_board/20260101-000000-000_a.md", 1 << 20)


@pytest.mark.parametrize("name, ok", [
    ("message_board/20260101-000000_a_topic.md", True),
    ("agents/ünïcødé 🎉.md", True),
    ("a\nb.md", False),
    ("bad\udcff.md", False),
    ("zero\u200bwidth.md", False),
])
def test_name_rule(name, ok):
    assert (name_problem(name) is None) == ok


def test_problems_are_always_printable_and_escaping_is_stable():
    problem = Problem("bad\udcff\x1b.md", "reason with \u2028 a line separator")
    assert problem.path == "bad\\xff\\x1b.md"
    assert problem.reason == "reason with \\u2028 a line separator"
    assert Problem(problem.path, problem.reason) == problem
    assert Problem("ünïcødé 🎉 — fine", "ok").path == "ünïcødé 🎉 — fine"


@pytest.mark.parametrize("limit", [0, 1, 65_535, 65_536, 199_999, 200_000, 1_000_000])
def test_reading_at_most_a_limit_gives_one_byte_past_it_when_the_file_is_longer(bucket_dir, limit):
    data = os.urandom(200_000)
    _touch(bucket_dir, "results/big.md", data)
    bucket = Bucket(root=bucket_dir, files=("results/big.md",))
    assert bucket.read_at_most("results/big.md", limit) == data[:limit + 1]
    assert bucket.read("results/big.md") == data and bucket.size("results/big.md") == len(data)
