"""The Hub bucket source against the fake Hub: the real huggingface_hub client, over HTTP.

What a user would notice: every file of a big bucket arrives; a rebuild fetches only what changed
and forgets what was deleted; flaky networks are ridden out; a Hub that is down gives the last
good data marked as stale, or a clear one-line message; a half-finished sync never passes for a
complete one; the token goes only where it must.
"""
from __future__ import annotations

import hashlib
import re
import time
from pathlib import Path, PurePosixPath

import pytest
from hypothesis import given
from hypothesis import strategies as st

from builder import hub_http
from builder.sources.hub import HubUnavailable, _folders_of, open_hub_bucket
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


def test_a_bucket_is_listed_over_every_page_and_mirrored_completely(hub, cache):
    """(The build test syncs 2,501 files; here pages of 100 show the pagination.)"""
    hub.bucket_page_size = 100
    files = collab_files(200, 40, 10)
    assert len(files) == 251
    hub.add_bucket(BUCKET, files)
    log = Lines()
    bucket = open_hub_bucket(BUCKET, cache, log=log, progress=False)

    pages = hub.requests("bucket_tree")
    assert len(pages) == 3                              # 100 + 100 + 51: Link pagination followed
    assert "cursor=100" in pages[1].path and "recursive=true" in pages[2].path
    assert bucket.files == tuple(sorted(files))
    assert all(bucket.read(p) == files[p].encode() for p in files)
    assert bucket.as_of is None                         # fresh data: no "data as of" notice
    assert len(log) == 1 and "251 files listed" in log[0] and "251 downloaded" in log[0]
    assert len(hub.requests("cdn")) == 251              # the bytes came from the storage host


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
    # the upload time, worded apart from the site's "data as of" (the newest time an input states)
    assert "newest file uploaded 2026-06-01 12:00 UTC" in log[0] and "data as of" not in log[0]
    assert (cache / "state.json").read_bytes() == state


def test_a_file_removed_while_the_listing_is_paged_does_not_take_the_next_one_off_the_site(
        hub, cache, monkeypatch):
    hub.bucket_page_size = 20
    files = collab_files(40, 10, 5)
    hub.add_bucket(BUCKET, files)
    open_hub_bucket(BUCKET, cache, log=Lines())
    listed = sorted(files)
    removed, shifted = listed[0], listed[20]       # page 2's first file moves onto page 1
    pages = hub_http.HubHttp.pages

    def removing_one_after_the_first_page(self, url, params):
        for number, page in enumerate(pages(self, url, params)):
            yield page
            if number == 0:
                hub.remove(BUCKET, removed)

    monkeypatch.setattr(hub_http.HubHttp, "pages", removing_one_after_the_first_page)
    hub.clear_log()
    bucket = open_hub_bucket(BUCKET, cache, log=Lines())

    assert shifted in bucket.files and bucket.read(shifted) == files[shifted].encode()
    assert set(bucket.files) == set(files)             # as listed: the removal is the next run's
    assert resolved(hub) == []                         # nothing changed: nothing fetched
    monkeypatch.setattr(hub_http.HubHttp, "pages", pages)
    assert set(open_hub_bucket(BUCKET, cache, log=Lines()).files) == set(files) - {removed}


def test_files_missing_from_a_listing_are_asked_for_within_the_hubs_bound_per_request(hub, cache):
    files = {f"message_board/m{i:04d}.md": f"m{i}" for i in range(2500)}
    hub.add_bucket(BUCKET, files)
    open_hub_bucket(BUCKET, cache, log=Lines())
    for path in list(files)[:2100]:
        hub.remove(BUCKET, path)
    hub.clear_log()

    bucket = open_hub_bucket(BUCKET, cache, log=Lines())

    assert set(bucket.files) == set(list(files)[2100:])
    assert [r.status for r in hub.requests("bucket_paths_info")] == [200, 200, 200]


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


def test_a_download_whose_connection_keeps_dropping_is_tried_only_as_often_as_the_policy_says(
        hub, cache):
    # A storage host that hangs costs a timeout per try: tries of tries (25 per file) would
    # take a cron run past its 15-minute slot before it falls back to the mirror.
    files = collab_files(10, 2, 1)
    hub.add_bucket(BUCKET, files)
    doomed = sorted(p for p in files if p.startswith("results/"))[0]
    hub.inject("bucket_resolve", "drop", times=1000, match=doomed.split("/")[-1])

    with pytest.raises(HubUnavailable) as info:
        open_hub_bucket(BUCKET, cache, log=Lines(), max_workers=1)

    assert resolved(hub).count(doomed) == hub_http.DEFAULT_POLICY.retries + 1
    assert "connection dropped" in info.value.message


def test_a_file_edited_between_the_listing_and_its_download_is_on_the_site_with_its_new_bytes(
        hub, cache, monkeypatch):
    from builder.sources import hub as hub_source

    files = collab_files(10, 2, 1)
    files["notes/copy-of-readme.md"] = files["README.md"]       # the same content twice
    hub.add_bucket(BUCKET, files)
    open_hub_bucket(BUCKET, cache, log=Lines())
    edited = {"LEADERBOARD.md": "| rank | agent |\n| 1 | a |\n",
              "README.md": files["README.md"] + "\nedited while the sync ran\n"}
    hub.put(BUCKET, "LEADERBOARD.md", "| rank |\n")
    hub.put(BUCKET, "notes/copy-of-readme.md", files["README.md"] + "!")  # README's content again:
    hub.put(BUCKET, "README.md", files["README.md"] + "!")                # one object for both
    fetch_all = hub_source.fetch_all

    def editing_meanwhile(*args, **kwargs):
        for path, text in edited.items():
            hub.put(BUCKET, path, text)
        return fetch_all(*args, **kwargs)

    monkeypatch.setattr(hub_source, "fetch_all", editing_meanwhile)
    hub.clear_log()
    bucket = open_hub_bucket(BUCKET, cache, log=Lines())

    assert set(files) | {"LEADERBOARD.md"} == set(bucket.files)    # none dropped as truncated
    assert bucket.read("LEADERBOARD.md") == edited["LEADERBOARD.md"].encode()
    assert resolved(hub) == ["LEADERBOARD.md", "README.md"]    # one download for the shared content
    assert bucket.read("README.md") == edited["README.md"].encode()
    # the copy's listed content is not what README.md's download brought: it keeps its old bytes
    assert bucket.read("notes/copy-of-readme.md") == files["README.md"].encode()
    monkeypatch.setattr(hub_source, "fetch_all", fetch_all)
    hub.clear_log()
    bucket = open_hub_bucket(BUCKET, cache, log=Lines())     # the next run catches up
    assert bucket.read("notes/copy-of-readme.md") == (files["README.md"] + "!").encode()
    assert bucket.read("README.md") == edited["README.md"].encode()


def test_a_file_the_storage_host_cannot_serve_keeps_its_last_version_and_is_not_deleted(
        hub, cache):
    files = collab_files(10, 2, 1)
    hub.add_bucket(BUCKET, files)
    open_hub_bucket(BUCKET, cache, log=Lines())
    changed, new = "README.md", "message_board/20260609-000000-000_agent-000.md"
    update = {changed: "# A collaboration, renamed\n", new: "just uploaded"}
    for path, text in update.items():
        hub.put(BUCKET, path, text)
        hub.inject("cdn", "status", status=404, times=100,
                   match=hashlib.sha256(text.encode()).hexdigest())

    bucket = open_hub_bucket(BUCKET, cache, log=Lines())

    assert bucket.read(changed) == files[changed].encode()      # not taken off the site
    assert new not in bucket.files
    assert [(p.path, "tried again at the next sync" in p.reason) for p in bucket.skipped] == [
        (new, True)]
    hub.faults.clear()
    bucket = open_hub_bucket(BUCKET, cache, log=Lines())
    assert all(bucket.read(p) == text.encode() for p, text in update.items())
    assert bucket.skipped == ()


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


def test_paths_that_would_escape_the_mirror_are_skipped_and_reported_hidden_ones_passed_over(
        hub, cache, tmp_path):
    hub.add_bucket(BUCKET, {
        "message_board/ok.md": "ok",
        "../outside.md": "x", "a/../../outside2.md": "x", "/abs.md": "x", "a//b.md": "x",
        ".hidden/secret.md": "x", "dir/.env": "x", "clash": "file", "clash/inner.md": "deeper",
        "message_board/bell\x07.md": "x",
    })
    log = Lines()
    bucket = open_hub_bucket(BUCKET, cache, log=log)
    assert bucket.files == ("clash/inner.md", "message_board/ok.md")
    assert not (tmp_path / "outside.md").exists() and not (cache / "outside.md").exists()
    assert "6 unusable path(s) skipped" in log[0]
    reasons = {p.path: p.reason for p in bucket.skipped}
    assert reasons["../outside.md"] == reasons["a//b.md"] == "skipped: not a relative path inside the bucket"
    assert reasons["clash"] == "skipped: the bucket also has files below this path"
    assert reasons["message_board/bell\\x07.md"] == "skipped: the name holds control or invisible characters"
    assert not any(".hidden" in p or ".env" in p for p in reasons)
    assert bucket.hidden == (".hidden/", "dir/.env")     # listed apart, as open_local lists them
    # a run that falls back to this mirror still reports them
    hub.down = True
    fallen_back = open_hub_bucket(BUCKET, cache, log=Lines())
    assert {p.path for p in fallen_back.skipped} == set(reasons)
    assert fallen_back.hidden == (".hidden/", "dir/.env")


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


def test_a_refused_token_says_where_it_comes_from_and_what_it_needs_without_the_token(hub, cache):
    hub.add_bucket(BUCKET, collab_files(3, 1, 1))
    bad = "hf_not_a_real_token_987654321"
    with pytest.raises(HubUnavailable) as info:
        open_hub_bucket(BUCKET, cache, token=bad, log=Lines())
    assert "401" in info.value.message and bad not in info.value.message
    assert "HF_TOKEN" in info.value.message and "read access" in info.value.message


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


# --- rate limits, the cache key, the storage host, Xet --------------------------------------

def test_a_rate_limit_is_waited_out_window_by_window_with_one_line_per_wait(hub, hub_clock, cache):
    files = collab_files(150, 30, 20)                      # 201 files
    hub.add_bucket(BUCKET, files)
    limit = hub.rate_limit("resolvers", limit=80, window=2)
    log = Lines()

    bucket = open_hub_bucket(BUCKET, cache, log=log)

    assert bucket.files == tuple(sorted(files)) and bucket.as_of is None
    waits = [line for line in log if line.startswith("rate limited by the Hub: waiting ")]
    assert len(waits) == 2, log                            # 201 files, 80 per window: 3 windows
    fetched = [int(re.search(r"; (\d+) of 201 files fetched$", line).group(1)) for line in waits]
    assert 80 - 8 <= fetched[0] <= 80 and 160 - 8 <= fetched[1] <= 160   # 8 downloads in flight
    assert all(" waiting 3 s; " in line for line in waits)  # each to its 2 s window's reset
    assert hub_clock.monotonic() >= 2 * 2                  # two windows were waited out
    assert "waited" in log[-1] and "(2 time(s))" in log[-1]
    assert limit.refused <= 2 * 8                          # only requests already in flight


def test_a_rate_limit_beyond_the_allowance_keeps_the_downloads_and_the_next_run_resumes(hub, hub_clock, cache):
    files = collab_files(50, 9, 1)                          # 61 files
    hub.add_bucket(BUCKET, files)
    hub.rate_limit("resolvers", limit=25, window=30)
    log = Lines()

    with pytest.raises(HubUnavailable) as info:             # no mirror yet: nothing to fall back on
        open_hub_bucket(BUCKET, cache, log=log, rate_limit_wait=5)

    message = info.value.message
    assert "rate limited by the Hub for longer than allowed" in message and "\n" not in message
    assert 25 - 8 <= int(re.search(r"; (\d+) of 61 files fetched", message).group(1)) <= 25
    assert len(list((cache / "incoming").iterdir())) == 25   # kept for the next run
    assert (cache / "cache-key").read_text().startswith("partial-")   # so CI saves them too
    hub.rate_limits.clear()
    hub.clear_log()

    bucket = open_hub_bucket(BUCKET, cache, log=Lines())
    assert bucket.files == tuple(sorted(files))
    assert len(resolved(hub)) == 61 - 25


def test_the_cache_key_is_a_digest_of_the_listing_and_changes_only_with_the_data(hub, cache):
    files = collab_files(30, 5, 3)
    hub.add_bucket(BUCKET, files)
    open_hub_bucket(BUCKET, cache, log=Lines())
    expected = hashlib.sha256()
    for path in sorted(files):
        data = files[path].encode()
        expected.update(f"{path}\0{len(data)}\0{hashlib.sha256(data).hexdigest()}\n".encode())
    key = (cache / "cache-key").read_text().strip()
    assert key == expected.hexdigest()
    state = (cache / "state.json").read_bytes()

    time.sleep(0.05)
    open_hub_bucket(BUCKET, cache, log=Lines())              # later, nothing changed
    assert (cache / "cache-key").read_text().strip() == key
    assert (cache / "state.json").read_bytes() == state      # no sync time in it

    hub.put(BUCKET, "README.md", files["README.md"])         # uploaded again, same bytes
    open_hub_bucket(BUCKET, cache, log=Lines())
    assert (cache / "cache-key").read_text().strip() == key
    hub.put(BUCKET, "message_board/20260609-000000-000_agent-001.md", "new")
    open_hub_bucket(BUCKET, cache, log=Lines())
    assert (cache / "cache-key").read_text().strip() not in (key, "")


def test_zero_byte_files_are_written_without_a_request(hub, cache):
    hub.add_bucket(BUCKET, {"README.md": "# x\n", "artifacts/empty.log": b"", "results/none.md": ""})
    bucket = open_hub_bucket(BUCKET, cache, log=Lines())
    assert bucket.files == ("README.md", "artifacts/empty.log", "results/none.md")
    assert bucket.read("artifacts/empty.log") == b""
    assert resolved(hub) == ["README.md"]


def test_a_403_from_the_storage_host_says_so_without_the_signed_query_or_the_token(hub, cache, monkeypatch, capsys):
    monkeypatch.setenv("HF_TOKEN", TOKEN)
    hub.add_bucket(BUCKET, collab_files(5, 1, 1), private=True)
    hub.inject("cdn", "status", status=403, times=1000)
    log = Lines()
    with pytest.raises(HubUnavailable) as info:
        open_hub_bucket(BUCKET, cache, log=log)
    message = info.value.message
    assert "HTTP 403" in message and hub.cdn_endpoint in message and "/xet-bridge/" in message
    out = capsys.readouterr()
    for text in (message, *log, out.out, out.err):
        assert "?" not in text.split("xet-bridge", 1)[-1] and "Signature" not in text
        assert TOKEN not in text
    assert all(r.token is None for r in hub.requests("cdn"))


def test_with_xet_on_and_a_hub_whose_xet_storage_fails_the_files_come_by_their_resolve_url(hub, cache, monkeypatch):
    from huggingface_hub import constants
    monkeypatch.setattr(constants, "HF_HUB_DISABLE_XET", False)
    files = collab_files(20, 5, 2)
    hub.add_bucket(BUCKET, files)
    log = Lines()

    bucket = open_hub_bucket(BUCKET, cache, log=log)

    assert bucket.files == tuple(sorted(files))
    assert hub.requests("xet")                                 # Xet was tried first
    assert len(log) == 2 and log[0].startswith("hub: Xet transfer failed (")
    assert log[0].endswith("; fetching the rest over HTTP") and "\n" not in log[0]
    assert len(resolved(hub)) == len(files)


def test_xet_fetches_in_groups_without_a_request_per_file_and_an_interrupted_sync_resumes(hub, cache, monkeypatch):
    """download_bucket_files speaks Xet storage, which the fake cannot serve: it is replaced by a
    stand-in that writes the bytes the fake holds for each Xet hash, as the real one would."""
    from huggingface_hub import HfApi, constants

    from builder.sources import hub_fetch

    monkeypatch.setattr(constants, "HF_HUB_DISABLE_XET", False)
    monkeypatch.setattr(hub_fetch, "XET_GROUP", 50)
    files = {**collab_files(100, 17, 2), "artifacts/a.log": "", "artifacts/b.log": ""}   # 122
    hub.add_bucket(BUCKET, files)
    calls: list[list[str]] = []
    interrupt_at = [2]

    def download_bucket_files(self, bucket_id, items, *, raise_on_missing_files=False, token=None):
        calls.append([f.path for f, _ in items])
        if len(calls) == interrupt_at[0]:
            raise KeyboardInterrupt("killed")
        for f, dest in items:
            Path(dest).write_bytes(hub.blobs[f.xet_hash])

    monkeypatch.setattr(HfApi, "download_bucket_files", download_bucket_files)
    with pytest.raises(KeyboardInterrupt):
        open_hub_bucket(BUCKET, cache, log=Lines())
    assert [len(c) for c in calls] == [50, 50]
    assert not {"artifacts/a.log", "artifacts/b.log"} & {p for c in calls for p in c}

    interrupt_at[0] = 0
    calls.clear()
    log = Lines()
    bucket = open_hub_bucket(BUCKET, cache, log=log)

    assert bucket.files == tuple(sorted(files))
    assert all(bucket.read(p) == files[p].encode() for p in files)
    assert [len(c) for c in calls] == [50, 20]             # the first group was kept
    assert resolved(hub) == []                             # no resolve request per file
    assert "120 downloaded" not in log[-1] and "through Xet" in log[-1]


@given(st.lists(st.lists(st.sampled_from(["a", "b", "c.md", "d e"]), min_size=1, max_size=5)
                .map("/".join), max_size=30))
def test_the_folders_of_listed_paths_are_every_parent_of_each(paths):
    expected = {str(parent) for path in paths for parent in PurePosixPath(path).parents
                if str(parent) != "."}
    assert _folders_of(paths) == expected


def test_a_refused_wait_before_any_transfer_ends_its_sentence():
    gate = hub_http.RateGate(budget=60, log=lambda line: None)
    with pytest.raises(hub_http.RateLimited) as refused:
        gate.hold(7200)
    assert str(refused.value).endswith("and it asked for 2 h more")
