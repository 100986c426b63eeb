import os
import shutil
import time
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

import pytest

from builder.cache import TextCache
from builder.config import Config, LimitsConfig, MetricConfig, PathsConfig
from builder.readers import INPUT_KINDS, _cut, read_inputs, read_results
from builder.readers.agents import read_agent
from builder.readers.kinds import InputKind
from builder.sources import Bucket, file_states

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "readers"
TPS = MetricConfig(field="tps", label="TPS", unit="tok/s", secondary_field="ppl", secondary_label="PPL")
BPB = MetricConfig(field="val_bpb", label="BPB", unit="BPB", direction="lower")
UTC = timezone.utc


def bucket_of(root: Path, extra_files: tuple[str, ...] = ()) -> Bucket:
    files = [p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()]
    return Bucket(root=root, files=tuple(sorted([*files, *extra_files])))


@pytest.fixture(scope="module")
def gen2():
    return read_inputs(bucket_of(FIXTURES / "gen2-bucket"), Config(metric=TPS))


@pytest.fixture(scope="module")
def gen1():
    return read_inputs(bucket_of(FIXTURES / "gen1-bucket"), Config(metric=BPB))


def test_gen2_results_are_ordered_and_verdicts_applied(gen2):
    assert [(r.id, r.verification) for r in gen2.results] == [
        ("20260613-224956-731_senpai", "valid"),
        ("20260613-224956-990_kitan", None),
        ("20260614-120000-500_firfir-cast", "invalid"),
        ("20260615-080000-000_vejja", None),
    ]


def test_the_results_read_alone_are_those_read_with_the_rest(gen1, gen2):
    """The build reads the results first, to start drawing the chart, then everything."""
    assert read_results(bucket_of(FIXTURES / "gen2-bucket"), Config(metric=TPS)) == gen2.results
    assert read_results(bucket_of(FIXTURES / "gen1-bucket"), Config(metric=BPB)) == gen1.results
    assert len(gen1.results) > 2 and any(r.verification for r in gen2.results)


def test_gen2_messages_in_time_order_including_the_same_minute(gen2):
    assert [m.id for m in gen2.messages] == [
        "20260613-230441-007_human-cmpatino",
        "20260613-230441-229_cmpatino-verifier",
        "20260614-080000-100_kitan",
        "20260614-090000-000_flowian-powers",
    ]


def test_gen2_agents_by_id_without_the_readme(gen2):
    assert [a.id for a in gen2.agents] == ["kitan", "senpai"]
    assert gen2.traces == ()


def test_gen2_problems_name_each_bad_file(gen2):
    # LEADERBOARD.md there is the Gen 2 redirect note (no table) next to results/: not a problem.
    assert [(p.path, p.reason.split(";")[0].split(":")[0]) for p in gen2.problems] == [
        ("message_board/20260614-090000-000_flowian-powers.md", "bad YAML frontmatter"),
        ("results/20260614-120000-500_firfir-cast.md", "unknown status 'verified-run'"),
        ("results/20260615-080000-000_vejja.md", "no tps value (the [metric] field)"),
        ("results/20260615-090000-000_pupa-agent.md", "bad YAML frontmatter"),
        ("results/verification_status.json", "20260613-224956-990_kitan.md"),
    ]


def test_gen1_reads_leaderboard_json_results_and_top_level_messages(gen1):
    origins = {}
    for result in gen1.results:
        origins.setdefault(result.origin, []).append(result.agent)
    assert sorted(origins["leaderboard"]) == ["Baseline", "agent-01", "agent-02", "agent-03", "agent-05", "agent-07"]
    assert sorted(origins["results-json"]) == ["agent-01", "agent-02", "agent-03"]
    assert [m.id for m in gen1.messages] == [
        "20260425-143000_agent-01_status-update",
        "20260425-151500_agent-02_results-report",
        "20260426-090000_agent-03_build-on",
        "20260426-100000_agent-04_question",
    ]
    assert gen1.agents == ()


def test_gen1_results_oldest_first_with_undated_last(gen1):
    times = [r.timestamp for r in gen1.results]
    dated = [t for t in times if t is not None]
    assert dated == sorted(dated)
    assert times[: len(dated)] == dated
    assert gen1.results[0].timestamp == datetime(2026, 4, 25, tzinfo=UTC)   # the baseline row


def test_gen1_bad_json_files_are_problems(gen1):
    paths = {p.path for p in gen1.problems}
    assert {"artifacts/results/broken_agent-09.json", "artifacts/results/list_agent-08.json"} <= paths


@pytest.fixture
def scratch(tmp_path):
    root = tmp_path / "bucket"
    shutil.copytree(FIXTURES / "gen2-bucket", root)
    return root


def test_oversize_file_is_skipped_with_a_problem(scratch):
    (scratch / "results" / "20260614-100000-000_chatty.md").write_text("---\ntps: 1\n---\n" + "x" * 5000)
    inputs = read_inputs(bucket_of(scratch), Config(metric=TPS, limits=LimitsConfig(max_file_bytes=4000)))
    assert "20260614-100000-000_chatty" not in [r.id for r in inputs.results]
    reasons = {p.path: p.reason for p in inputs.problems}
    assert reasons["results/20260614-100000-000_chatty.md"] == "skipped: 5,015 bytes is over the 4,000-byte limit"


def test_a_message_over_the_limit_keeps_its_start_and_counts_the_rest(scratch):
    lines = "".join(f"line {i:04d} " + "é" * 40 + "\n" for i in range(200))     # 18,200 bytes
    (scratch / "message_board" / "20260614-100000-000_chatty.md").write_text(
        "---\nagent: chatty\n---\n" + lines)
    size = (scratch / "message_board" / "20260614-100000-000_chatty.md").stat().st_size
    limits = LimitsConfig(max_file_bytes=4000, max_message_bytes=10_000)
    inputs = read_inputs(bucket_of(scratch), Config(metric=TPS, limits=limits))
    message = next(m for m in inputs.messages if m.id == "20260614-100000-000_chatty")
    shown = len(message.body.encode()) + len("---\nagent: chatty\n---\n") + 1
    assert message.agent == "chatty"
    assert message.body.startswith("line 0000 ") and message.body.endswith("é")   # whole lines
    assert shown <= 10_000 and shown + message.omitted_bytes == size
    assert message.omitted_bytes > 8_000
    reasons = {p.path: p.reason for p in inputs.problems}
    assert reasons["message_board/20260614-100000-000_chatty.md"] == (
        f"shown in part: the first {size - message.omitted_bytes:,} of {size:,} bytes "
        "(limits.max_message_bytes is 10,000)")


def test_a_message_up_to_the_limit_is_whole(scratch):
    text = "---\nagent: chatty\n---\n" + "word " * 1_990
    (scratch / "message_board" / "20260614-100000-000_chatty.md").write_text(text)
    limits = LimitsConfig(max_message_bytes=len(text))
    inputs = read_inputs(bucket_of(scratch), Config(metric=TPS, limits=limits))
    message = next(m for m in inputs.messages if m.id == "20260614-100000-000_chatty")
    assert message.omitted_bytes == 0 and message.body == text.split("---\n")[2].strip()
    assert not any("chatty" in p.path for p in inputs.problems)


def test_a_cut_never_splits_a_character():
    for limit in range(1, 12):
        head = _cut("a€😀é\u0301x".encode(), limit)
        assert head.decode("utf-8") == "a€😀é\u0301x".encode()[:len(head)].decode("utf-8")
        assert len(head) <= limit and limit - len(head) < 4


@pytest.mark.parametrize("where", ["message_board/20260614-100000-000_e.md", "results/20260614-100000-000_e.md",
                                   "agents/e.md", "LEADERBOARD.md", "results/verification_status.json"])
def test_empty_files_are_named(scratch, where):
    (scratch / where).write_bytes(b"")
    inputs = read_inputs(bucket_of(scratch), Config(metric=TPS))
    assert (where, "skipped: empty file") in {(p.path, p.reason) for p in inputs.problems}


def test_a_reader_that_fails_costs_only_its_file(scratch):
    def broken(file, config):
        raise RuntimeError(f"cannot cope with {file.path}")

    kinds = tuple(InputKind(k.pattern, broken) if k.read is read_agent else k for k in INPUT_KINDS)
    inputs = read_inputs(bucket_of(scratch), Config(metric=TPS), kinds)
    assert inputs.agents == () and len(inputs.messages) == 4
    reasons = {p.path: p.reason for p in inputs.problems}
    assert reasons["agents/senpai.md"] == "unreadable: RuntimeError: cannot cope with agents/senpai.md"


def test_readme_files_are_documentation_not_inputs(scratch):
    for folder in ("message_board", "results", "agents", "traces", "traces/a1"):
        (scratch / folder).mkdir(exist_ok=True)
        (scratch / folder / "README.md").write_text("# About this folder")
    inputs = read_inputs(bucket_of(scratch), Config(metric=TPS))
    assert not any(p.path.endswith("README.md") for p in inputs.problems)


def test_names_not_like_messages_are_named(scratch):
    (scratch / "message_board" / "notes.md").write_text("scratch notes")
    inputs = read_inputs(bucket_of(scratch), Config(metric=TPS))
    assert any(p.path == "message_board/notes.md" and p.reason.startswith("ignored: not named like a message")
               for p in inputs.problems)


@pytest.mark.parametrize("pattern, paths, matches", [
    ("{messages}/*.md", PathsConfig(), ["message_board/a.md"]),
    ("{messages}/*.md", PathsConfig(messages=""), ["top.md"]),
    ("{leaderboard}", PathsConfig(leaderboard=""), []),
    ("{traces}/*/*/manifest.md", PathsConfig(), ["traces/a/s/manifest.md"]),
    ("{traces}/**", PathsConfig(), ["traces/x", "traces/a/s/manifest.md", "traces/a/s/deep/log.jsonl"]),
    ("{legacy_results}/*.json", PathsConfig(legacy_results="a.b/(c)"), ["a.b/(c)/r.json"]),
])
def test_kind_patterns(pattern, paths, matches):
    files = ("message_board/a.md", "message_board/sub/b.md", "top.md", "traces/x",
             "traces/a/s/manifest.md", "traces/a/s/deep/log.jsonl", "a.b/(c)/r.json", "aXb/(c)/r.json")
    matcher = InputKind(pattern, read_agent).matcher(paths)
    assert [f for f in files if matcher and matcher.fullmatch(f)] == matches


def test_invalid_utf8_is_reported_but_read(scratch):
    (scratch / "message_board" / "20260614-100000-000_latin.md").write_bytes(
        b"---\nagent: latin\n---\ncaf\xe9 au lait\n")
    inputs = read_inputs(bucket_of(scratch), Config(metric=TPS))
    message = next(m for m in inputs.messages if m.id == "20260614-100000-000_latin")
    assert message.body == "caf\ufffd au lait"
    reasons = {p.path: p.reason for p in inputs.problems}
    assert reasons["message_board/20260614-100000-000_latin.md"] == "invalid UTF-8 at byte 24; undecodable bytes replaced"


def test_binary_junk_is_skipped(scratch):
    (scratch / "results" / "20260614-100000-000_junk.md").write_bytes(bytes(range(256)) * 8)
    inputs = read_inputs(bucket_of(scratch), Config(metric=TPS))
    assert "20260614-100000-000_junk" not in [r.id for r in inputs.results]
    reasons = {p.path: p.reason for p in inputs.problems}
    assert reasons["results/20260614-100000-000_junk.md"] == "skipped: binary content (NUL bytes), not text"


def test_a_listed_file_that_cannot_be_read_costs_only_that_file(scratch):
    inputs = read_inputs(bucket_of(scratch, extra_files=("message_board/20260614-100000-000_gone.md",)),
                         Config(metric=TPS))
    assert len(inputs.messages) == 4
    reasons = {p.path: p.reason for p in inputs.problems}
    assert reasons["message_board/20260614-100000-000_gone.md"].startswith("unreadable: FileNotFoundError: ")


def test_subfolders_and_other_file_kinds_are_not_read_and_each_is_named_once(scratch):
    (scratch / "message_board" / "archive").mkdir()
    for n in range(3):
        (scratch / "message_board" / "archive" / f"2026010{n}-000000-000_old.md").write_text("old")
    (scratch / "message_board" / "20260614-100000-000_img.png").write_bytes(b"\x89PNG\x00")
    (scratch / "results" / "runs").mkdir()
    (scratch / "results" / "runs" / "20260614-100000-000_x.md").write_text("---\ntps: 1\n---\n")
    inputs = read_inputs(bucket_of(scratch), Config(metric=TPS))
    assert len(inputs.messages) == 4 and len(inputs.results) == 4
    reasons = {p.path: p.reason for p in inputs.problems
               if "archive" in p.path or "runs/" in p.path or p.path.endswith(".png")}
    assert reasons == {
        "message_board/archive/": "ignored: a subfolder (3 files) that is not read (message_board/ "
                                  "is read for messages named {YYYYMMDD-HHmmss}_{agent}[_{topic}].md)",
        "message_board/20260614-100000-000_img.png": "ignored: not a file any reader takes "
            "(message_board/ is read for messages named {YYYYMMDD-HHmmss}_{agent}[_{topic}].md)",
        "results/runs/": "ignored: a subfolder (1 file) that is not read (results/ is read for "
                         "results (*.md) and verification_status.json)",
    }


def test_hidden_entries_in_input_folders_are_named_housekeeping_and_the_top_are_not(scratch):
    bucket = replace(bucket_of(scratch), hidden=(
        ".git/", ".gitattributes", "artifacts/.cache/", "message_board/.gitkeep",
        "message_board/.DS_Store", "traces/kestrel/.draft/", "results/.20260614-100000-000_x.md"))
    reasons = {p.path: p.reason for p in read_inputs(bucket, Config(metric=TPS)).problems
               if "/." in p.path or p.path.startswith(".")}
    assert reasons == {
        "traces/kestrel/.draft/": 'ignored: a hidden folder (its name starts with "."), never read',
        "results/.20260614-100000-000_x.md": 'ignored: a hidden file (its name starts with "."), '
                                              'never read',
    }


def test_two_files_claiming_one_agent_keep_the_one_named_after_it(scratch):
    (scratch / "agents" / "impostor.md").write_text("---\nagent_name: senpai\nagent_model: x\n---\n")
    inputs = read_inputs(bucket_of(scratch), Config(metric=TPS))
    senpai = [a for a in inputs.agents if a.id == "senpai"]
    assert [a.source_path for a in senpai] == ["agents/senpai.md"]
    assert any(p.path == "agents/impostor.md" and "already used" in p.reason for p in inputs.problems)


def test_custom_paths_are_honoured(tmp_path):
    root = tmp_path / "bucket"
    (root / "board").mkdir(parents=True)
    (root / "board" / "20260614-100000-000_a.md").write_text("hello")
    config = Config(metric=TPS, paths=PathsConfig(messages="board"))
    inputs = read_inputs(bucket_of(root), config)
    assert [m.id for m in inputs.messages] == ["20260614-100000-000_a"]
    assert inputs.problems == ()


def test_reading_is_deterministic(scratch):
    first = read_inputs(bucket_of(scratch), Config(metric=TPS))
    second = read_inputs(bucket_of(scratch), Config(metric=TPS))
    assert first == second


def test_legacy_results_sharing_the_results_folder_skip_the_verdict_file(scratch):
    (scratch / "results" / "old-run_kitan.json").write_text('{"tps": 99.5, "experiment": "old"}')
    inputs = read_inputs(bucket_of(scratch), Config(metric=TPS, paths=PathsConfig(legacy_results="results")))
    legacy = [r for r in inputs.results if r.origin == "results-json"]
    assert [(r.agent, r.score) for r in legacy] == [("kitan", 99.5)]
    assert not any(p.path == "results/verification_status.json" and "score" in p.reason for p in inputs.problems)


# --- the cache of what each file yields ---------------------------------------------------------

def counted(calls: list[str]) -> tuple[InputKind, ...]:
    """The input kinds, each reader noting the path of every file it parses in `calls`."""
    def counting(read):
        def read_counted(file, config):
            calls.append(file.path)
            return read(file, config)
        return read_counted
    return tuple(replace(kind, read=counting(kind.read)) for kind in INPUT_KINDS)


def cached_read(root: Path, cache_file: Path, salt: str = "code-1", config: Config = Config(metric=TPS)):
    """read_inputs through a cache kept in `cache_file`, as a build does; (inputs, files parsed)."""
    calls: list[str] = []
    cache = TextCache(cache_file)
    inputs = read_inputs(bucket_of(root), config, counted(calls), cache=cache, salt=salt)
    cache.save()
    return inputs, calls


def test_a_second_read_takes_every_file_from_the_cache_and_gives_the_same_inputs(scratch, tmp_path):
    first, parsed = cached_read(scratch, tmp_path / "inputs.tsv")
    again, parsed_again = cached_read(scratch, tmp_path / "inputs.tsv")
    assert len(parsed) > 10 and parsed_again == []
    assert again == first == read_inputs(bucket_of(scratch), Config(metric=TPS))
    assert repr(again) == repr(first)


def test_a_changed_file_is_parsed_again_and_only_it(scratch, tmp_path):
    cached_read(scratch, tmp_path / "inputs.tsv")
    message = scratch / "message_board" / "20260614-080000-100_kitan.md"
    message.write_text(message.read_text(encoding="utf-8").replace("kitan", "senpai", 1), encoding="utf-8")
    inputs, parsed = cached_read(scratch, tmp_path / "inputs.tsv")
    assert parsed == ["message_board/20260614-080000-100_kitan.md"]
    assert inputs == read_inputs(bucket_of(scratch), Config(metric=TPS))


def test_other_code_or_config_parses_every_file_again(scratch, tmp_path):
    _, parsed = cached_read(scratch, tmp_path / "inputs.tsv")
    _, with_other_code = cached_read(scratch, tmp_path / "inputs.tsv", salt="code-2")
    other_limits = Config(metric=TPS, limits=LimitsConfig(max_message_bytes=60))
    inputs, with_other_config = cached_read(scratch, tmp_path / "inputs.tsv", config=other_limits)
    assert sorted(with_other_code) == sorted(parsed)
    assert sorted(with_other_config) == sorted(parsed)
    assert inputs == read_inputs(bucket_of(scratch), other_limits)


def test_a_damaged_cache_entry_is_parsed_again(scratch, tmp_path):
    cache_file = tmp_path / "inputs.tsv"
    first, parsed = cached_read(scratch, cache_file)
    lines = cache_file.read_text(encoding="utf-8").splitlines()
    damage = (lambda line: line, lambda line: line[:-3], lambda line: line.replace("]", "}", 1))
    cache_file.write_text("".join(damage[i % 3](line) + "\n" for i, line in enumerate(lines)),
                          encoding="utf-8")
    again, parsed_again = cached_read(scratch, cache_file)
    assert again == first
    assert 0 < len(parsed_again) < len(parsed)


# --- files in the state they were read in are not read again -----------------------------------

def written_ago(root: Path, seconds: float) -> None:
    """Every file under `root` last written `seconds` ago."""
    when = time.time_ns() - int(seconds * 1e9)
    for path in root.rglob("*"):
        if path.is_file():
            os.utime(path, ns=(when, when))


def counted_reads(monkeypatch) -> list[str]:
    """The bucket paths whose bytes are read from now on (in this process: one worker)."""
    monkeypatch.setenv("COLLAB_WORKERS", "1")
    reads: list[str] = []
    read_at_most = Bucket.read_at_most

    def counting(bucket, path, limit):
        reads.append(path)
        return read_at_most(bucket, path, limit)
    monkeypatch.setattr(Bucket, "read_at_most", counting)
    return reads


def read_with_states(root: Path, cache_file: Path):
    """read_inputs as a build does it: through the cache, with the files' states looked at."""
    bucket = bucket_of(root)
    cache = TextCache(cache_file)
    inputs = read_inputs(bucket, Config(metric=TPS), cache=cache, salt="code-1",
                         states=file_states(bucket))
    cache.save()
    return inputs


def test_files_in_the_state_they_were_read_in_are_not_read_again(scratch, tmp_path, monkeypatch):
    written_ago(scratch, 3600)
    first = read_with_states(scratch, tmp_path / "inputs.tsv")
    reads = counted_reads(monkeypatch)
    again = read_with_states(scratch, tmp_path / "inputs.tsv")
    assert reads == []
    assert repr(again) == repr(first) and again.keys == first.keys
    assert again == read_inputs(bucket_of(scratch), Config(metric=TPS))


def test_a_cold_build_reads_each_result_file_once_though_it_reads_the_results_first(
        scratch, tmp_path, monkeypatch):
    """The chart is drawn from the results, so a cold build reads them before the rest: the
    rest is read after them through the same cache, which holds them already."""
    written_ago(scratch, 3600)
    bucket, cache = bucket_of(scratch), TextCache(tmp_path / "inputs.tsv")
    states = file_states(bucket)
    reads = counted_reads(monkeypatch)
    results = read_results(bucket, Config(metric=TPS), cache, "code-1", states)
    inputs = read_inputs(bucket, Config(metric=TPS), cache=cache, salt="code-1", states=states)
    assert any(path.startswith("results/") for path in reads)
    assert sorted(reads) == sorted(set(reads))
    assert inputs.results == results
    assert inputs == read_inputs(bucket_of(scratch), Config(metric=TPS))


def test_a_file_written_since_is_read_again_and_only_it(scratch, tmp_path, monkeypatch):
    written_ago(scratch, 3600)
    read_with_states(scratch, tmp_path / "inputs.tsv")
    message = scratch / "message_board" / "20260614-080000-100_kitan.md"
    message.write_text(message.read_text(encoding="utf-8").replace("kitan", "KITAN"), encoding="utf-8")
    later = time.time_ns() - 1800 * 10**9
    os.utime(message, ns=(later, later))                    # same size, written since
    reads = counted_reads(monkeypatch)
    inputs = read_with_states(scratch, tmp_path / "inputs.tsv")
    assert reads == ["message_board/20260614-080000-100_kitan.md"]
    assert inputs == read_inputs(bucket_of(scratch), Config(metric=TPS))


def test_a_file_written_just_before_it_was_looked_at_is_read_every_time(scratch, tmp_path, monkeypatch):
    """Two writes within one tick of the file system's clock leave a file the same size and
    time: the state of a file written just before it was looked at does not tell its bytes."""
    written_ago(scratch, 3600)
    message = scratch / "message_board" / "20260614-080000-100_kitan.md"
    message.write_text(message.read_text(encoding="utf-8"), encoding="utf-8")     # just now
    read_with_states(scratch, tmp_path / "inputs.tsv")
    when = message.stat().st_mtime_ns
    message.write_text(message.read_text(encoding="utf-8").replace("kitan", "KITAN"), encoding="utf-8")
    os.utime(message, ns=(when, when))                      # written again in the same tick
    reads = counted_reads(monkeypatch)
    inputs = read_with_states(scratch, tmp_path / "inputs.tsv")
    assert reads == ["message_board/20260614-080000-100_kitan.md"]
    assert inputs == read_inputs(bucket_of(scratch), Config(metric=TPS))


def test_a_taskforce_is_a_folder_of_taskforces_with_a_readme(scratch):
    for folder, files in (("taskforces/quant-guard", ("README.md", "budget.csv")),
                          ("taskforces/spec-dec", ("readme.md",)),
                          ("taskforces/no-charter", ("notes.md",)),
                          ("taskforces/spec-dec/sub", ("README.md",))):
        (scratch / folder).mkdir(parents=True, exist_ok=True)
        for name in files:
            (scratch / folder / name).write_text("Members: @senpai\n")
    inputs = read_inputs(bucket_of(scratch), Config(metric=TPS))
    assert [(t.id, t.files, t.members) for t in inputs.taskforces] == [
        ("quant-guard", ("budget.csv",), ("senpai",)), ("spec-dec", (), ("senpai",))]
    assert [(p.path, p.reason) for p in inputs.problems if p.path.startswith("taskforces/")] == [
        ("taskforces/no-charter/", "ignored: 1 file and no README.md, so no taskforce")]



def test_the_buckets_own_readme_is_its_description(scratch):
    (scratch / "README.md").write_text("---\nlicense: mit\n---\n# The challenge\n\nGo fast.\n")
    (scratch / "agents" / "README.md").write_text("# agents/\n")
    inputs = read_inputs(bucket_of(scratch), Config(metric=TPS))
    assert (inputs.readme.source_path, inputs.readme.body) == ("README.md", "# The challenge\n\nGo fast.")
    (scratch / "README.md").unlink()
    assert read_inputs(bucket_of(scratch), Config(metric=TPS)).readme is None


def test_a_readme_with_broken_frontmatter_is_named_and_shown_from_its_text(scratch):
    (scratch / "readme.md").write_text("---\ntitle: [unclosed\n---\nGo fast.\n")
    inputs = read_inputs(bucket_of(scratch), Config(metric=TPS))
    assert inputs.readme.body == "Go fast."
    assert [p.reason.endswith("; shown without it") for p in inputs.problems
            if p.path == "readme.md"] == [True]
