"""The Hub bucket source against the fake Hub: the real huggingface_hub client, over HTTP.

What a user would notice: every file of a big bucket arrives; a rebuild fetches only what changed
and forgets what was deleted; flaky networks are ridden out; a Hub that is down gives the last
good data marked as stale, or a clear one-line message; a half-finished sync never passes for a
complete one; the token goes only where it must.
"""
from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from builder import hub_http
from builder.sources.hub import HubUnavailable, open_hub_bucket
from builder.sources.mirror import Mirror
from tests.hub_fixtures import TOKEN, collab_files

BUCKET = "collab-org/big-collab"


def resolved(hub) -> list[str]:
    """Bucket paths whose bytes were requested (GET resolve), in any order."""
    prefix = f"/buckets/{BUCKET}/resolve/"
    from urllib.parse import unquote
    return sorted(unquote(r.path[len(prefix):]) for r in hub.requests("bucket_resolve", "GET"))


class Lines(list):
    def __call__(self, line: str) -> None:
        self.append(line)


@pytest.fixture
def cache(tmp_path) -> Path:
    return tmp_path / "cache"


def test_a_bucket_of_2500_files_is_listed_over_every_page_and_mirrored_completely(hub, cache):
    files = collab_files()
    assert len(files) == 2501
    hub.add_bucket(BUCKET, files)
    log = Lines()
    started = time.perf_counter()
    bucket = open_hub_bucket(BUCKET, cache, log=log, progress=False)
    elapsed = time.perf_counter() - started

    pages = hub.requests("bucket_tree")
    assert len(pages) == 3                              # 1000 + 1000 + 501: Link pagination followed
    assert "cursor=1000" in pages[1].path and "recursive=true" in pages[2].path
    assert bucket.files == tuple(sorted(files))
    assert all(bucket.read(p) == files[p].encode() for p in files)
    assert bucket.as_of is None                         # fresh data: no "data as of" notice
    assert len(log) == 1 and "2,501 files listed" in log[0] and "2,501 downloaded" in log[0]
    assert elapsed < 30, f"first sync of 2,501 files took {elapsed:.1f}s"


def test_a_second_sync_downloads_exactly_the_new_and_changed_files_and_drops_removed_ones(hub, cache):
    files = collab_files(200, 50, 10)
    hub.add_bucket(BUCKET, files)
    open_hub_bucket(BUCKET, cache, log=Lines())
    new_message = "message_board/20260603-120000-000_agent-001.md"
    changed_result = sorted(p for p in files if p.startswith("results/"))[7]
    removed = sorted(p for p in files if p.startswith("message_board/"))[3]
    hub.put(BUCKET, new_message, "---\nagent: agent-001\n---\nA new message\n")
    hub.put(BUCKET, changed_result, "---\nscore: 99.5\nmethod: better\nstatus: agent-run\n---\n")
    hub.remove(BUCKET, removed)
    hub.clear_log()
    log = Lines()

    bucket = open_hub_bucket(BUCKET, cache, log=log)

    assert resolved(hub) == sorted([new_message, changed_result])
    assert bucket.read(changed_result).startswith(b"---\nscore: 99.5")
    assert bucket.has(new_message) and not bucket.has(removed)
    assert not (bucket.root / removed).exists()
    assert "2 downloaded" in log[0] and "1 removed" in log[0]


def test_a_sync_with_nothing_changed_downloads_nothing(hub, cache):
    hub.add_bucket(BUCKET, collab_files(100, 20, 5))
    open_hub_bucket(BUCKET, cache, log=Lines())
    hub.clear_log()
    bucket = open_hub_bucket(BUCKET, cache, log=Lines())
    assert resolved(hub) == [] and len(bucket.files) == 126


def test_downloads_ride_out_503s_a_429_with_retry_after_a_hung_request_and_dropped_connections(hub, cache):
    files = collab_files(30, 10, 5)
    hub.add_bucket(BUCKET, files)
    slow = sorted(p for p in files if p.startswith("results/"))[2]
    hub.inject("bucket_resolve", "503", times=3)
    hub.inject("bucket_resolve", "429", match=slow, retry_after=1)
    hub.inject("bucket_resolve", "hang", hang=5.0)          # the client gives up after 1 s
    hub.inject("bucket_resolve", "drop", times=2)
    hub.inject("bucket_resolve", "truncate")
    hub.inject("cdn", "503", times=2)
    hub.inject("cdn", "drop")
    log = Lines()
    started = time.perf_counter()

    bucket = open_hub_bucket(BUCKET, cache, log=log)

    assert bucket.files == tuple(sorted(files)) and bucket.as_of is None
    assert all(bucket.read(p) == files[p].encode() for p in files)
    tries = [r for r in hub.requests("bucket_resolve") if r.path.endswith(slow)]
    limited = next(i for i, r in enumerate(tries) if r.status == 429)
    assert tries[-1].status == 302                          # then fetched from the storage host
    assert tries[limited + 1].arrived - tries[limited].arrived >= 1.0, "Retry-After: 1 ignored"
    statuses = [r.status for r in hub.requests("bucket_resolve")]
    assert statuses.count(503) == 3 and {-1, -2, -3} <= set(statuses)
    cdn = [r.status for r in hub.requests("cdn")]
    assert cdn.count(503) == 2 and -2 in cdn                 # the storage host failing is retried too
    assert log[0].startswith("rate limited by the Hub: waiting 1 s; ") and "files fetched" in log[0]
    assert len(log) == 2 and "retried" in log[1]
    assert time.perf_counter() - started < 15


def test_listing_pages_that_fail_transiently_are_retried_by_the_library(hub, cache):
    hub.bucket_page_size = 20
    files = collab_files(40, 10, 5)
    hub.add_bucket(BUCKET, files)
    hub.inject("bucket_tree", "503", match="cursor=20")
    hub.inject("bucket_tree", "429", match="cursor=40", retry_after=0)
    bucket = open_hub_bucket(BUCKET, cache, log=Lines())
    assert bucket.files == tuple(sorted(files))
    statuses = [r.status for r in hub.requests("bucket_tree")]
    assert statuses.count(503) == 1 and statuses.count(429) == 1


def test_a_listing_that_cannot_be_completed_keeps_the_last_complete_mirror(hub, cache):
    hub.bucket_page_size = 20
    first = collab_files(40, 10, 5)
    hub.add_bucket(BUCKET, first)
    open_hub_bucket(BUCKET, cache, log=Lines())
    state = (cache / "state.json").read_bytes()
    hub.put(BUCKET, "message_board/20260605-000000-000_agent-002.md", "late")
    hub.remove(BUCKET, "README.md")
    hub.inject("bucket_tree", "garbage", match="cursor=40")   # page 3 is broken
    hub.clear_log()
    log = Lines()

    bucket = open_hub_bucket(BUCKET, cache, log=log)

    assert bucket.files == tuple(sorted(first))            # not a mix of old and new
    # marked as of the newest upload of the mirrored listing, not of a clock
    assert bucket.as_of is not None and bucket.as_of.strftime("%Y-%m-%d %H:%M") == "2026-06-01 12:00"
    assert resolved(hub) == []
    assert len(log) == 1 and "could not be reached" in log[0] and "\n" not in log[0]
    assert "data as of 2026-06-01 12:00 UTC" in log[0]
    assert (cache / "state.json").read_bytes() == state


def test_a_hub_that_stays_down_gives_the_cached_data_marked_as_of_its_sync(hub, cache):
    files = collab_files(20, 5, 3)
    hub.add_bucket(BUCKET, files)
    fresh = open_hub_bucket(BUCKET, cache, log=Lines())
    hub.down = True
    log = Lines()
    started = time.perf_counter()

    stale = open_hub_bucket(BUCKET, cache, log=log)

    assert stale.files == fresh.files and stale.read("README.md") == files["README.md"].encode()
    assert stale.as_of is not None
    assert stale.note and "\n" not in stale.note       # a one-line account for the build report
    assert len(log) == 1 and "HTTP 503" in log[0] and stale.as_of.strftime("%Y-%m-%d %H:%M") in log[0]
    assert time.perf_counter() - started < 5


def test_with_no_mirror_a_hub_that_is_down_is_one_clear_message(hub, cache):
    hub.add_bucket(BUCKET, collab_files(5, 1, 1))
    hub.down = True
    with pytest.raises(HubUnavailable) as info:
        open_hub_bucket(BUCKET, cache, log=Lines())
    message = info.value.message
    assert BUCKET in message and "no complete mirror" in message and "\n" not in message
    assert not (cache / "state.json").exists()


def test_an_unreachable_hub_with_no_mirror_is_one_clear_message(fake_hub_server, tmp_path, monkeypatch):
    """Nothing listening at all (connection refused): same outcome, no traceback."""
    from huggingface_hub import constants
    monkeypatch.setattr(hub_http, "DEFAULT_POLICY", hub_http.HttpPolicy(
        timeout=1.0, retries=1, backoff=0.01, max_backoff=0.01))
    monkeypatch.setattr(constants, "ENDPOINT", "http://127.0.0.1:9")   # nothing listens there
    with pytest.raises(HubUnavailable) as info:
        open_hub_bucket(BUCKET, tmp_path / "c", log=Lines())
    assert "connection failed" in info.value.message


def test_a_download_that_keeps_failing_leaves_no_mirror_and_the_next_sync_resumes(hub, cache):
    files = collab_files(30, 5, 3)
    hub.add_bucket(BUCKET, files)
    doomed = sorted(p for p in files if p.startswith("results/"))[0]
    hub.inject("bucket_resolve", "503", times=100, match=doomed.split("/")[-1])

    with pytest.raises(HubUnavailable):
        open_hub_bucket(BUCKET, cache, log=Lines(), max_workers=1)
    assert not (cache / "state.json").exists()              # nothing claims to be complete
    fetched_before = len(resolved(hub)) - 5                 # the doomed file was tried 5 times

    hub.faults.clear()
    hub.clear_log()
    bucket = open_hub_bucket(BUCKET, cache, log=Lines())
    assert bucket.files == tuple(sorted(files))
    # files finished by the failed sync were kept as pending downloads and not fetched again
    assert len(resolved(hub)) == len(files) - fetched_before


def test_a_sync_killed_while_applying_is_finished_by_the_next_open(hub, cache, monkeypatch):
    files = collab_files(20, 5, 3)
    hub.add_bucket(BUCKET, files)
    open_hub_bucket(BUCKET, cache, log=Lines())
    for i in range(5):
        hub.put(BUCKET, f"message_board/20260607-00000{i}-000_agent-001.md", f"new {i}")
    real_place = Mirror._place
    calls = []

    def dying_place(self, obj, target):
        calls.append(target)
        if len(calls) == 3:
            raise KeyboardInterrupt("killed")       # the process dies mid-apply
        real_place(self, obj, target)

    monkeypatch.setattr(Mirror, "_place", dying_place)
    with pytest.raises(KeyboardInterrupt):
        open_hub_bucket(BUCKET, cache, log=Lines())
    monkeypatch.setattr(Mirror, "_place", real_place)
    assert (cache / "pending.json").exists()

    hub.down = True                                  # recovery needs no network
    bucket = open_hub_bucket(BUCKET, cache, log=Lines())
    assert len(bucket.files) == len(files) + 5
    assert bucket.read("message_board/20260607-000004-000_agent-001.md") == b"new 4"
    assert not (cache / "pending.json").exists()


def test_paths_that_would_escape_the_mirror_or_are_hidden_are_skipped(hub, cache, tmp_path):
    hub.add_bucket(BUCKET, {
        "message_board/ok.md": "ok",
        "../outside.md": "x", "a/../../outside2.md": "x", "/abs.md": "x", "a//b.md": "x",
        ".hidden/secret.md": "x", "dir/.env": "x", "clash": "file", "clash/inner.md": "deeper",
    })
    log = Lines()
    bucket = open_hub_bucket(BUCKET, cache, log=log)
    assert bucket.files == ("clash/inner.md", "message_board/ok.md")
    assert not (tmp_path / "outside.md").exists() and not (cache / "outside.md").exists()
    assert "7 unusable path(s) skipped" in log[0]


def test_downloads_run_in_parallel_within_the_bound(hub, cache):
    hub.add_bucket(BUCKET, collab_files(40, 0, 0))
    hub.delay["bucket_resolve"] = 0.05
    open_hub_bucket(BUCKET, cache, log=Lines(), max_workers=4)
    assert 2 <= hub.max_inflight["bucket_resolve"] <= 4


def test_a_private_bucket_is_read_with_hf_token_and_the_token_goes_nowhere_else(hub, cache, monkeypatch, capsys):
    hub.add_bucket(BUCKET, collab_files(10, 2, 2), private=True)
    with pytest.raises(HubUnavailable) as info:             # anonymous: not found, with a hint
        open_hub_bucket(BUCKET, cache, log=Lines())
    assert "HF_TOKEN" in info.value.message

    monkeypatch.setenv("HF_TOKEN", TOKEN)
    log = Lines()
    bucket = open_hub_bucket(BUCKET, cache, log=log)
    assert len(bucket.files) == 15
    served = [r for r in hub.log if r.host == "hub" and r.status in (200, 302)]
    assert served and all(r.token == TOKEN for r in served)  # sent as a header, on every request
    cdn = hub.requests("cdn")
    assert len(cdn) == 15 and all(r.token is None for r in cdn)   # never to the storage host
    assert all(TOKEN not in r.path for r in hub.log)         # never in a URL
    hub.down = True
    open_hub_bucket(BUCKET, cache, log=log)
    out = capsys.readouterr()
    assert TOKEN not in "\n".join(log) + out.out + out.err
    assert not any(TOKEN.encode() in p.read_bytes() for p in cache.rglob("*") if p.is_file())


def test_a_refused_token_is_reported_without_the_token(hub, cache):
    hub.add_bucket(BUCKET, collab_files(3, 1, 1))
    bad = "hf_not_a_real_token_987654321"
    with pytest.raises(HubUnavailable) as info:
        open_hub_bucket(BUCKET, cache, token=bad, log=Lines())
    assert "401" in info.value.message and bad not in info.value.message


def test_a_progress_bar_is_shown_only_when_asked_or_on_a_terminal(hub, cache, capsys):
    hub.add_bucket(BUCKET, collab_files(10, 0, 0))
    open_hub_bucket(BUCKET, cache, log=Lines(), progress=True)
    assert "downloading" in capsys.readouterr().err
    hub.put(BUCKET, "message_board/x.md", "x")
    open_hub_bucket(BUCKET, cache, log=Lines())             # pytest's stderr is not a terminal
    assert capsys.readouterr().err == ""


def test_a_private_bucket_is_read_with_the_token_saved_by_hf_auth_login(hub, cache):
    from huggingface_hub import constants
    hub.add_bucket(BUCKET, collab_files(4, 1, 1), private=True)
    saved = Path(constants.HF_TOKEN_PATH)        # under the throwaway HF_HOME set by conftest
    saved.parent.mkdir(parents=True, exist_ok=True)
    saved.write_text(TOKEN)
    try:
        bucket = open_hub_bucket(BUCKET, cache, log=Lines())
    finally:
        saved.unlink()
    assert len(bucket.files) == 7
    assert all(r.token == TOKEN for r in hub.log if r.host == "hub")


def test_a_hung_listing_page_times_out_and_is_retried_instead_of_hanging_the_build(hub, cache):
    """huggingface_hub sends listing requests with no timeout; the source gives them one."""
    hub.bucket_page_size = 10
    files = collab_files(20, 5, 2)
    hub.add_bucket(BUCKET, files)
    hub.inject("bucket_tree", "hang", match="cursor=10", hang=20.0)
    started = time.perf_counter()
    bucket = open_hub_bucket(BUCKET, cache, log=Lines())
    assert bucket.files == tuple(sorted(files))
    assert time.perf_counter() - started < 10                  # 1 s timeout + 1 s library backoff
    assert [r.status for r in hub.requests("bucket_tree") if "cursor=10" in r.path] == [-1, 200]
