"""Trace manifests read through read_inputs, and load_transcript: manifests, log choice, path
safety, modes."""
from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path

import pytest

from builder.config import Config, LimitsConfig, TracesConfig
from builder.model import TokenUsage
from builder.readers import read_inputs
from builder.readers.traces import load_transcript, valid_session_id
from builder.sources import Bucket
from builder.sources.local import open_local
from builder.transcript import ToolCall

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "traces"
ORBIT = "traces/orbit-7/5b0e7c3a-2f41-4d8e-9a6b-c1d2e3f4a5b6"
LUMEN = "traces/lumen-2/019b2c4e-7a10-7d3e-b5f1-2a9c8e6d4f01"
QUILL = "traces/quill-3/sess-20260702-a"
UTC = timezone.utc


def _config(**kw) -> Config:
    config = Config()
    if "transcripts" in kw:
        config = replace(config, traces=TracesConfig(transcripts=kw["transcripts"]))
    if "max_trace_bytes" in kw:
        config = replace(config, limits=LimitsConfig(max_trace_bytes=kw["max_trace_bytes"]))
    return config


def read_traces(bucket: Bucket, config: Config):
    inputs = read_inputs(bucket, config)
    return inputs.traces, inputs.problems


def _fixture_bucket() -> Bucket:
    return open_local(FIXTURES)


def _by_agent(traces):
    return {t.agent: t for t in traces}


def _write(root: Path, path: str, content: str | bytes) -> Path:
    full = root / path
    full.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        content = content.encode("utf-8")
    full.write_bytes(content)
    return full


MINIMAL = """---
schema_version: 1
harness: {harness}
session_id: {session}
share: {share}
{extra}
---

notes
"""


def _manifest(session: str = "s1", harness: str = "claude-code", share: str = "full",
              extra: str = "") -> str:
    return MINIMAL.format(session=session, harness=harness, share=share, extra=extra)


LOG_LINE = ('{"type":"user","uuid":"u1","parentUuid":null,"sessionId":"s1",'
            '"timestamp":"2026-07-02T09:00:00Z","message":{"role":"user","content":"hello"}}\n')


@dataclass(frozen=True)
class RecordingBucket(Bucket):
    """A Bucket that remembers every path it was asked to read, open or size."""

    touched: list = field(default_factory=list)

    def size(self, path):
        self.touched.append(path)
        return super().size(path)

    def read(self, path):
        self.touched.append(path)
        return super().read(path)

    def read_at_most(self, path, limit):
        self.touched.append(path)
        return super().read_at_most(path, limit)

    def open(self, path):
        self.touched.append(path)
        return super().open(path)


# --- the fixtures ------------------------------------------------------------------------------

def test_fixture_manifests_give_reported_figures():
    traces, problems = read_traces(_fixture_bucket(), _config())
    assert [t.agent for t in traces] == ["lumen-2", "orbit-7", "quill-3"]
    t = _by_agent(traces)
    orbit = t["orbit-7"]
    assert orbit.usage == TokenUsage(total=83_095, input=34, output=521, cache_read=78_210,
                                     cache_creation=4_330, reasoning=None)
    assert orbit.tool_calls == 3
    assert orbit.tool_calls_by_name == (("Bash", 2), ("Task", 1))
    assert orbit.harness == "claude-code" and orbit.model == "claude-sonnet-4-5-20250929"
    assert orbit.started_at == datetime(2026, 7, 2, 9, 14, 3, 120_000, tzinfo=UTC)
    assert orbit.ended_at == datetime(2026, 7, 2, 9, 14, 22, 640_000, tzinfo=UTC)
    assert orbit.promoted_at == datetime(2026, 7, 2, 9, 15, tzinfo=UTC)
    assert (orbit.ended_at - orbit.started_at).total_seconds() == pytest.approx(19.52)
    assert orbit.share == "full" and orbit.completeness == "full"
    assert orbit.result_ref == "20260702-091530-412_orbit-7.md"
    assert orbit.log_path == f"{ORBIT}/5b0e7c3a-2f41-4d8e-9a6b-c1d2e3f4a5b6.jsonl"
    assert orbit.log_size == (FIXTURES / orbit.log_path).stat().st_size
    assert orbit.manifest_path == f"{ORBIT}/manifest.md"
    assert orbit.notes.startswith("Measured the baseline compressor")
    assert ("extensions.api_requests", "6") in orbit.extra
    assert ("adapter_version", "1") in orbit.extra

    lumen = t["lumen-2"]
    assert lumen.usage.total == 17_412 and lumen.usage.input == 17_010
    assert lumen.usage.cache_creation is None          # absent = unknown, never 0
    assert lumen.usage.reasoning == 192
    assert lumen.notes == ""
    assert ("extensions.turns", "1") in lumen.extra
    assert lumen.log_path.endswith(".jsonl")

    quill = t["quill-3"]
    assert quill.usage == TokenUsage()                  # every figure unknown
    assert quill.tool_calls is None
    assert quill.share == "stats" and quill.completeness == "partial"
    assert quill.harness == "my-harness" and quill.log_path is None and quill.log_size is None
    assert problems == ()


def test_hostile_manifest_body_is_kept_verbatim_as_text():
    quill = _by_agent(read_traces(_fixture_bucket(), _config())[0])["quill-3"]
    assert "<script>alert(1)</script>" in quill.notes
    assert "<img src=x onerror=\"alert('manifest')\">" in quill.notes
    assert "[a link that must not be clickable](javascript:alert(2))" in quill.notes


def test_json_frontmatter_variant(tmp_path):
    text = (FIXTURES / "variants" / "scratch-manifest-json-frontmatter.md").read_text()
    _write(tmp_path, f"{LUMEN}/manifest.md", text)
    (trace,), problems = read_traces(open_local(tmp_path), _config())
    assert problems == ()
    assert trace.harness == "codex" and trace.model == "gpt-5-codex"
    assert trace.usage.total == 17_412 and trace.usage.cache_read == 14_208
    assert trace.tool_calls == 2 and trace.tool_calls_by_name == (("shell", 2),)
    assert trace.share == "stats"                       # the client writes no share: stats
    assert trace.completeness == "full"                 # recomputed (§2.3), the server omits none
    assert trace.promoted_at is None and trace.log_path is None
    assert trace.started_at == datetime(2026, 7, 2, 10, 5, 11, 402_000, tzinfo=UTC)


# --- field validation --------------------------------------------------------------------------

def test_bools_floats_and_negatives_are_not_token_counts(tmp_path):
    extra = """usage:
  total_tokens: true
  input_tokens: 1.5
  output_tokens: -3
  cache_read_tokens: null
  cache_creation_tokens: 0
activity:
  tool_calls: false
  tool_calls_by_name: {Bash: 2, Read: 2.0, Edit: yes}"""
    _write(tmp_path, "traces/a1/s1/manifest.md", _manifest(extra=extra))
    (trace,), problems = read_traces(open_local(tmp_path), _config())
    assert trace.usage == TokenUsage(total=None, input=None, output=None, cache_read=None,
                                     cache_creation=0)
    assert trace.tool_calls is None
    assert trace.tool_calls_by_name == (("Bash", 2),)
    reasons = " | ".join(p.reason for p in problems)
    for key in ("usage.total_tokens", "usage.input_tokens", "usage.output_tokens",
                "activity.tool_calls ", "tool_calls_by_name.Read", "tool_calls_by_name.Edit"):
        assert key in reasons
    assert "cache_read" not in reasons                  # null is unknown, not an error
    assert trace.completeness == "partial"


@pytest.mark.parametrize("written, expected", [
    ("'2026-07-02T09:14:03.120Z'", datetime(2026, 7, 2, 9, 14, 3, 120_000, tzinfo=UTC)),
    ("2026-07-02T09:14:03Z", datetime(2026, 7, 2, 9, 14, 3, tzinfo=UTC)),   # YAML datetime
    ("2026-07-02", datetime(2026, 7, 2, tzinfo=UTC)),                        # YAML date
    ("2026-07-02 09:15 UTC", datetime(2026, 7, 2, 9, 15, tzinfo=UTC)),
    ("null", None),
])
def test_timestamps_accept_str_datetime_and_date(tmp_path, written, expected):
    _write(tmp_path, "traces/a1/s1/manifest.md", _manifest(extra=f"started_at: {written}"))
    (trace,), problems = read_traces(open_local(tmp_path), _config())
    assert trace.started_at == expected
    assert problems == ()


def test_unparseable_timestamp_is_unknown_and_reported(tmp_path):
    _write(tmp_path, "traces/a1/s1/manifest.md", _manifest(extra="ended_at: yesterday-ish"))
    (trace,), problems = read_traces(open_local(tmp_path), _config())
    assert trace.ended_at is None
    assert any("ended_at" in p.reason for p in problems)


def test_session_id_mismatch_is_reported_and_folder_wins(tmp_path):
    _write(tmp_path, "traces/a1/s1/manifest.md", _manifest(session="other-session"))
    (trace,), problems = read_traces(open_local(tmp_path), _config())
    assert trace.session_id == "s1"
    assert any("does not match the folder" in p.reason and "other-session" in p.reason
               for p in problems)


def test_bad_frontmatter_and_hostile_yaml_tags_are_skipped_without_running(tmp_path):
    sentinel = tmp_path / "PWNED"
    _write(tmp_path, "bucket/traces/a1/s1/manifest.md",
           f"---\nharness: !!python/object/apply:os.system ['touch {sentinel}']\n"
           "session_id: s1\n---\n")
    _write(tmp_path, "bucket/traces/a1/s2/manifest.md", "---\n[not, a, mapping]\n---\n")
    _write(tmp_path, "bucket/traces/a1/s3/manifest.md", "no frontmatter at all\n")
    traces, problems = read_traces(open_local(tmp_path / "bucket"), _config())
    assert traces == ()
    assert not sentinel.exists()
    assert {p.path for p in problems} == {f"traces/a1/s{i}/manifest.md" for i in (1, 2, 3)}
    assert all(p.reason.startswith("skipped") for p in problems)


def test_invalid_utf8_manifest_is_read_and_reported(tmp_path):
    _write(tmp_path, "traces/a1/s1/manifest.md", _manifest().encode() + b"bad \xff byte\n")
    (trace,), problems = read_traces(open_local(tmp_path), _config())
    assert "\ufffd" in trace.notes
    assert any("invalid UTF-8" in p.reason for p in problems)


def test_result_ref_must_be_a_plain_name(tmp_path):
    _write(tmp_path, "traces/a1/s1/manifest.md", _manifest(extra="result_ref: ../../etc/passwd"))
    (trace,), problems = read_traces(open_local(tmp_path), _config())
    assert trace.result_ref == ""
    assert any("result_ref" in p.reason for p in problems)


# --- layout -------------------------------------------------------------------------------------

def test_path_parts_are_revalidated(tmp_path):
    _write(tmp_path, "traces/Bad_Agent/s1/manifest.md", _manifest())
    _write(tmp_path, "traces/a1/.hidden/manifest.md", _manifest(session=".hidden"))
    _write(tmp_path, "traces/a1/s1/deeper/manifest.md", _manifest())
    _write(tmp_path, "traces/notes.txt", "hello")
    traces, problems = read_traces(open_local(tmp_path), _config())
    assert traces == ()
    paths = {p.path for p in problems}
    assert "traces/Bad_Agent/s1/manifest.md" in paths
    assert "traces/a1/s1/deeper/manifest.md" in paths
    assert "traces/notes.txt" in paths
    # open_local skips dot-folders itself; the rule still holds for other sources
    assert not valid_session_id(".hidden") and not valid_session_id("..")
    assert not valid_session_id("a\x07b") and not valid_session_id("")
    assert valid_session_id("5b0e7c3a-2f41-4d8e-9a6b-c1d2e3f4a5b6")


def test_log_without_manifest_is_reported_not_listed(tmp_path):
    _write(tmp_path, "traces/a1/s1/s1.jsonl", LOG_LINE)
    _write(tmp_path, "traces/a1/s2/manifest.md", _manifest(session="s2"))
    traces, problems = read_traces(open_local(tmp_path), _config())
    assert [t.session_id for t in traces] == ["s2"]
    assert ("traces/a1/s1/s1.jsonl", "not listed: a log without a manifest.md in its folder") in {
        (p.path, p.reason) for p in problems}


@pytest.mark.parametrize("name", ["../../secret.txt", "sub/log.jsonl", "manifest.md", "..",
                                  ".hidden.jsonl", "..\\..\\x.jsonl", "a\nb.jsonl"])
def test_native_log_file_escaping_the_folder_is_refused_and_never_read(tmp_path, name):
    outside = _write(tmp_path, "secret.txt", '{"type":"user","content":"SENTINEL"}\n')
    root = tmp_path / "bucket"
    import json as _json
    _write(root, "traces/a1/s1/manifest.md",
           _manifest(extra=f"native_log_file: {_json.dumps(name)}"))
    _write(root, "traces/a1/s1/s1.jsonl", LOG_LINE)   # even a fallback is not used
    _write(root, "traces/a1/s1/sub/log.jsonl", LOG_LINE)
    listing = open_local(root)
    bucket = RecordingBucket(root=listing.root, files=listing.files)
    (trace,), problems = read_traces(bucket, _config())
    assert trace.log_path is None
    assert any("native_log_file" in p.reason and "refused" in p.reason for p in problems)
    loaded = load_transcript(bucket, trace, _config())
    assert loaded.state == "no-log" and loaded.transcript is None
    assert bucket.touched == ["traces/a1/s1/manifest.md"]
    assert outside.exists()


def test_symlinks_out_of_the_folder_are_never_followed(tmp_path):
    outside = _write(tmp_path, "outside/secret.jsonl",
                     '{"type":"user","sessionId":"x","message":{"content":"SENTINEL"}}\n')
    _write(tmp_path, "outside/manifest.md", _manifest(session="s2"))
    root = tmp_path / "bucket"
    _write(root, "traces/a1/s1/manifest.md", _manifest(extra="native_log_file: s1.jsonl"))
    (root / "traces/a1/s1/s1.jsonl").symlink_to(outside)           # a log pointing out
    (root / "traces/a1/s2").symlink_to(tmp_path / "outside")        # a folder pointing out
    # A listing that (unlike open_local) names the symlinks, as another source might.
    bucket = RecordingBucket(root=root, files=("traces/a1/s1/manifest.md", "traces/a1/s1/s1.jsonl",
                                               "traces/a1/s2/manifest.md",
                                               "traces/a1/s2/secret.jsonl"))
    traces, problems = read_traces(bucket, _config())
    assert [t.session_id for t in traces] == ["s1"]
    assert traces[0].log_path is None
    assert any(p.path == "traces/a1/s2/manifest.md" and "not a regular file" in p.reason
               for p in problems)
    # a Trace forged to point at the symlink is refused too
    forged = replace(traces[0], log_path="traces/a1/s1/s1.jsonl")
    loaded = load_transcript(bucket, forged, _config())
    assert loaded.state == "error" and loaded.transcript is None
    assert "traces/a1/s2/secret.jsonl" not in bucket.touched
    assert "traces/a1/s1/s1.jsonl" not in bucket.touched


def test_log_choice_follows_the_share_rules(tmp_path):
    # full + named file present: that file, the other log reported as ignored
    _write(tmp_path, "traces/a1/s1/manifest.md", _manifest(extra="native_log_file: new.jsonl"))
    _write(tmp_path, "traces/a1/s1/new.jsonl", LOG_LINE)
    _write(tmp_path, "traces/a1/s1/old.jsonl", LOG_LINE)
    # stats after a full share: the only .jsonl left in the folder (§1.3 rule 2)
    _write(tmp_path, "traces/a1/s2/manifest.md",
           _manifest(session="s2", share="stats", extra="native_log_file: gone.jsonl"))
    _write(tmp_path, "traces/a1/s2/s2.jsonl", LOG_LINE)
    # two logs, none named: no transcript
    _write(tmp_path, "traces/a1/s3/manifest.md", _manifest(session="s3"))
    _write(tmp_path, "traces/a1/s3/x.jsonl", LOG_LINE)
    _write(tmp_path, "traces/a1/s3/y.jsonl", LOG_LINE)
    # full, named file missing, one other log: fallback, reported
    _write(tmp_path, "traces/a1/s4/manifest.md",
           _manifest(session="s4", extra="native_log_file: missing.jsonl"))
    _write(tmp_path, "traces/a1/s4/s4.jsonl", LOG_LINE)
    traces, problems = read_traces(open_local(tmp_path), _config())
    logs = {t.session_id: t.log_path for t in traces}
    assert logs == {"s1": "traces/a1/s1/new.jsonl", "s2": "traces/a1/s2/s2.jsonl", "s3": None,
                    "s4": "traces/a1/s4/s4.jsonl"}
    reasons = {(p.path, p.reason) for p in problems}
    assert ("traces/a1/s1/old.jsonl", "ignored: not the trace's log") in reasons
    assert any(path == "traces/a1/s3/" and "2 logs" in r for path, r in reasons)
    assert any("missing.jsonl" in r for _, r in reasons)


# --- load_transcript ----------------------------------------------------------------------------

def _orbit(bucket, config):
    return _by_agent(read_traces(bucket, config)[0])["orbit-7"]


def test_load_transcript_ok_and_off():
    bucket = _fixture_bucket()
    config = _config()
    loaded = load_transcript(bucket, _orbit(bucket, config), config)
    assert loaded.state == "ok"
    assert loaded.transcript.stats.usage.total == 68_755
    off = _config(transcripts="off")
    loaded = load_transcript(bucket, _orbit(bucket, off), off)
    assert loaded.state == "off" and loaded.transcript is None and loaded.note


def test_load_transcript_over_the_size_limit_gives_header_only():
    bucket = _fixture_bucket()
    config = _config(max_trace_bytes=1_000)
    trace = _orbit(bucket, config)
    loaded = load_transcript(bucket, trace, config)
    assert loaded.state == "too-large" and loaded.transcript is None
    assert "limit" in loaded.note and "header" in loaded.note
    assert trace.usage.total == 83_095                 # the header figures are still there


def test_load_transcript_survives_a_vanished_log(tmp_path):
    shutil.copytree(FIXTURES / "traces", tmp_path / "traces")
    bucket = open_local(tmp_path)
    trace = _orbit(bucket, _config())
    os.chmod(tmp_path / trace.log_path, 0o644)
    (tmp_path / trace.log_path).unlink()
    loaded = load_transcript(bucket, trace, _config())
    assert loaded.state == "error" and loaded.transcript is None


def test_redacted_mode_masks_notes_and_log_and_on_mode_only_the_notes(tmp_path):
    token = "hf_" + "Ab1" * 12
    log = LOG_LINE.replace("hello", f"use {token} please") + (
        '{"type":"assistant","uuid":"u2","sessionId":"s1","message":{"id":"m1","content":'
        '[{"type":"tool_use","id":"t1","name":"Bash","input":{"command":"curl -H '
        "'Authorization: Bearer abcdefghijklmnopqrstuvwxyz012345' https://x"
        '"}}]}}\n')
    _write(tmp_path, "traces/a1/s1/manifest.md",
           _manifest(extra="native_log_file: s1.jsonl").replace("notes", f"my key is {token}"))
    _write(tmp_path, "traces/a1/s1/s1.jsonl", log)
    bucket = open_local(tmp_path)

    config = _config()                                  # default: redacted
    (trace,), _ = read_traces(bucket, config)
    assert token not in trace.notes and "[REDACTED:hf-token]" in trace.notes
    assert trace.notes_redactions == 1
    loaded = load_transcript(bucket, trace, config)
    # three masks: the prompt, and the command in both the call's input and its summary line
    assert loaded.state == "ok" and loaded.redactions == 3
    texts = repr(loaded.transcript)                   # items, turn previews, meta, title
    assert token not in texts and "abcdefghijklmnopqrstuvwxyz012345" not in texts
    call = next(i for i in loaded.transcript.items if isinstance(i, ToolCall))
    assert "[REDACTED:bearer-token]" in call.summary

    on = _config(transcripts="on")               # the log as shared, the notes still masked
    (trace,), problems = read_traces(bucket, on)
    assert token not in trace.notes and trace.notes_redactions == 1
    assert [p.path for p in problems if "rotate" in p.reason] == ["traces/a1/s1/manifest.md"]
    loaded = load_transcript(bucket, trace, on)
    assert loaded.redactions == 0 and token in repr(loaded.transcript.items)


def test_load_transcript_reports_what_it_degraded(tmp_path):
    edge = (FIXTURES / "edge-cases" / "claude-code-edge.jsonl").read_bytes()
    _write(tmp_path, "traces/a1/s1/manifest.md", _manifest(extra="native_log_file: s1.jsonl"))
    _write(tmp_path, "traces/a1/s1/s1.jsonl", edge + b'\n{"type":"user","message":{"cont')
    bucket = open_local(tmp_path)
    (trace,), _ = read_traces(bucket, _config())
    loaded = load_transcript(bucket, trace, _config())
    assert loaded.state == "ok"
    reasons = [p.reason for p in loaded.problems]
    assert {p.path for p in loaded.problems} == {"traces/a1/s1/s1.jsonl"}
    assert any("3 malformed line(s)" in r and "17, 18, 20" in r for r in reasons)
    assert any("truncated" in r for r in reasons)
    assert any("invalid UTF-8 in 1 line" in r for r in reasons)
    small = load_transcript(bucket, trace, _config(max_trace_bytes=100))
    assert small.state == "too-large" and "over the 100-byte limit" in small.problems[0].reason


def test_totals_are_a_reported_floor():
    from builder.readers.traces import trace_totals
    traces, _ = read_traces(_fixture_bucket(), _config())
    totals = trace_totals(traces)
    assert (totals.sessions, totals.agents) == (3, 3)
    assert (totals.sessions_counted, totals.sessions_missing_tokens) == (2, 1)
    assert totals.agents_reporting == 2
    assert totals.tokens.total == 83_095 + 17_412
    assert totals.tokens.cache_creation == 4_330          # only orbit-7 reports it
    assert totals.tokens.reasoning == 192
    assert totals.tool_calls == 5
    assert totals.by_harness == (("claude-code", 1, 83_095), ("codex", 1, 17_412))
    empty = trace_totals(())
    assert empty.tokens == TokenUsage() and empty.tool_calls is None


def test_secrets_the_door_masks_in_a_logs_texts_are_counted_for_the_badge(tmp_path):
    body = "Ab1" * 12
    texts = [f"split: hf_**{body[:4]}**{body[4:]}",              # masked by the door
             f"see https://example.org/x?k=hf%5F{body}&a=1"]       # by the filter, decoded
    loaded = _loaded_log_of(tmp_path, texts)
    assert loaded.redactions == 2 and loaded.transcript.stats.redactions == 2
    assert f"hf%5F{body}" not in repr(loaded.transcript)


def test_the_logs_line_in_the_build_report_says_every_secret_masked_in_it(tmp_path):
    body = "Ab1" * 12
    texts = [f"split: hf_**{body[:4]}**{body[4:]}",              # masked by the door
             f"spelt: <abbr title='hf&#95;{body}'>HF</abbr>",     # by the door, in a tooltip
             f"as written: hf_{body}"]                           # by the text filter
    loaded = _loaded_log_of(tmp_path, texts)
    assert loaded.redactions == 3
    assert [p.reason for p in loaded.problems if p.path == "traces/a1/s1/s1.jsonl"] == [
        "3 secret(s) masked on the site: rotate them, the bucket still holds them"]


def _loaded_log_of(tmp_path, texts):
    """The transcript of a shared log of these assistant texts, loaded as the site does."""
    log = LOG_LINE + "".join(json.dumps(
        {"type": "assistant", "uuid": f"a{n}", "sessionId": "s1",
         "message": {"id": f"m{n}", "role": "assistant", "content": [{"type": "text", "text": text}]}})
        + "\n" for n, text in enumerate(texts))
    _write(tmp_path, "traces/a1/s1/manifest.md", _manifest(extra="native_log_file: s1.jsonl"))
    _write(tmp_path, "traces/a1/s1/s1.jsonl", log)
    bucket = open_local(tmp_path)
    (trace,), _ = read_traces(bucket, _config())
    return load_transcript(bucket, trace, _config())
