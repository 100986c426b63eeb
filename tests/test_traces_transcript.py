"""parse_log over the fixture logs, every edge case of tests/fixtures/traces/README.md, the
robustness rules (§7.6) and pagination."""
from __future__ import annotations

import io
import json
from dataclasses import fields, is_dataclass
from pathlib import Path

import pytest

from builder.model import TokenUsage
from builder.transcript import (
    MAX_ITEMS, TEXT_CAP, AssistantText, InjectedContext, Prompt, RawRecord, SkippedLine, Subagent,
    SystemNote, Thinking, ToolCall, ToolResultOrphan, Transcript, detect_harness, paginate,
    parse_log, transcript_problems, turn_pages,
)

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "traces"
ORBIT_LOG = FIXTURES / "traces/orbit-7/5b0e7c3a-2f41-4d8e-9a6b-c1d2e3f4a5b6" \
    / "5b0e7c3a-2f41-4d8e-9a6b-c1d2e3f4a5b6.jsonl"
LUMEN_LOG = FIXTURES / "traces/lumen-2/019b2c4e-7a10-7d3e-b5f1-2a9c8e6d4f01" \
    / "rollout-2026-07-02T10-05-11-019b2c4e-7a10-7d3e-b5f1-2a9c8e6d4f01.jsonl"
CC_EDGE = FIXTURES / "edge-cases/claude-code-edge.jsonl"
CODEX_EDGE = FIXTURES / "edge-cases/rollout-2026-07-03T09-00-00-019b3d5f-8b21-7e4f-a6c2-3b0d9f7e5a12.jsonl"


def _parse(path: Path, harness: str | None = None) -> Transcript:
    with path.open("rb") as fh:
        transcript = parse_log(fh, harness)
    assert transcript.stats.unreadable_records == ()     # a parser bug would hide in raw cards
    return transcript


def _all_items(items):
    """Every item, nested subagent items included, in order."""
    for item in items:
        yield item
        if isinstance(item, Subagent):
            yield from _all_items(item.items)
        if isinstance(item, ToolCall) and item.subagent is not None:
            yield item.subagent
            yield from _all_items(item.subagent.items)


def _strings(value):
    """Every str anywhere in a tree of dataclasses and tuples."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, tuple):
        for v in value:
            yield from _strings(v)
    elif is_dataclass(value) and not isinstance(value, type):
        for f in fields(value):
            yield from _strings(getattr(value, f.name))


def _of(transcript, cls):
    return [i for i in _all_items(transcript.items) if isinstance(i, cls)]


# --- Claude Code fixture (orbit-7) -------------------------------------------------------------

@pytest.fixture(scope="module")
def orbit() -> Transcript:
    return _parse(ORBIT_LOG, "claude-code")


def test_claude_code_dedup_figures(orbit):
    assert orbit.harness == "claude-code"
    assert orbit.stats.usage == TokenUsage(total=68_755, input=30, output=425, cache_read=65_800,
                                           cache_creation=2_500)
    assert orbit.stats.sidechain_usage.total == 9_850
    assert (orbit.stats.sidechain_usage.input, orbit.stats.sidechain_usage.output,
            orbit.stats.sidechain_usage.cache_read) == (12, 38, 9_800)
    assert orbit.stats.usage.total - orbit.stats.sidechain_usage.total == 58_905
    assert orbit.stats.api_requests == 5                 # 6 assistant rows, one split response
    assert orbit.turns[0].tokens == 68_755


def test_claude_code_tool_pairs(orbit):
    calls = {c.call_id: c for c in _of(orbit, ToolCall)}
    assert list(calls) == ["toolu_fx01", "toolu_fx02", "toolu_fx03"]
    bash1, task, bash2 = calls.values()
    assert bash1.name == "Bash" and bash1.is_error and bash1.status == "error"
    assert bash1.summary == "python scripts/baseline.py data/sample.txt"
    assert "can't open file" in bash1.result
    assert json.loads(bash1.input_text)["command"] == "python scripts/baseline.py data/sample.txt"
    assert task.name == "Task" and not task.is_error and task.status == "ok"
    assert task.summary == "Find baseline script"
    assert task.result == "The baseline script is tools/baseline.py."   # list-of-blocks content
    assert ("tokens", "9850") in task.stats and task.duration_s == pytest.approx(4.21)
    assert bash2.result == "original_bytes=1048576\ncompressed_bytes=301989\nratio=0.2880"
    assert bash2.status == "ok"
    assert orbit.stats.tool_calls == 3 and orbit.stats.tool_errors == 1
    assert orbit.stats.tool_calls_by_name == (("Bash", 2), ("Task", 1))
    assert orbit.stats.calls_without_result == 0 and orbit.stats.orphan_results == 0
    assert len({c.anchor for c in calls.values()}) == 3


def test_claude_code_sidechain_nested_in_its_task(orbit):
    task = next(c for c in orbit.items if isinstance(c, ToolCall) and c.name == "Task")
    sub = task.subagent
    assert sub is not None and sub.tool_use_id == "toolu_fx02"
    assert [type(i) for i in sub.items] == [Prompt, AssistantText]
    assert sub.items[1].text.startswith("It is `tools/baseline.py`")
    assert sub.models == ("claude-haiku-4-5-20251001",)
    assert sub.usage.total == 9_850
    assert orbit.stats.models == ("claude-sonnet-4-5-20250929",)
    assert orbit.stats.subagent_models == ("claude-haiku-4-5-20251001",)
    # the sidechain's prompt is not a turn of the session
    assert [t.number for t in orbit.turns] == [1]
    assert not any(isinstance(i, Subagent) for i in orbit.items)


def test_claude_code_order_and_other_rows(orbit):
    kinds = [i.kind for i in orbit.items]
    assert kinds == ["prompt", "thinking", "tool", "tool", "tool", "system", "assistant"]
    thinking = orbit.items[1]
    assert thinking.state == "text" and thinking.text.startswith("I should run")
    note = orbit.items[5]
    assert note.level == "info" and "PostToolUse:Bash" in note.text
    assert orbit.title == "Measure baseline compression ratio"     # the summary row
    assert ("summary", 1) in orbit.stats.hidden_types
    assert orbit.turns[0].preview.startswith("Run the baseline compressor")
    assert orbit.turns[0].tool_calls == 3 and orbit.turns[0].errors == 1
    assert orbit.stats.first_timestamp.isoformat() == "2026-07-02T09:14:03.120000+00:00"
    assert orbit.stats.last_timestamp.isoformat() == "2026-07-02T09:14:22.640000+00:00"
    assert dict(orbit.meta)["git branch"] == "main"
    # no signature, ever
    assert not any("Zml4dHVyZS1zaWduYXR1cmUtMDE=" in s for s in _strings(orbit))


# --- Codex fixture (lumen-2) -------------------------------------------------------------------

@pytest.fixture(scope="module")
def lumen() -> Transcript:
    return _parse(LUMEN_LOG, "codex")


def test_codex_total_is_the_last_cumulative_event(lumen):
    assert lumen.stats.usage == TokenUsage(total=17_412, input=17_010, output=402,
                                           cache_read=14_208, cache_creation=None, reasoning=192)
    assert lumen.stats.usage.total != 8_330 + 17_412       # 25,742 would be summing events


def test_codex_null_token_event_after_the_last_does_not_reset(lumen):
    extra = (b'{"timestamp":"2026-07-02T10:05:22.000Z","type":"event_msg","payload":'
             b'{"type":"token_count","info":null,"rate_limits":null}}\n')
    t = parse_log(LUMEN_LOG.read_bytes() + extra, "codex")
    assert t.stats.usage.total == 17_412


def test_codex_prompt_once_context_folded_tools_and_reasoning(lumen):
    prompts = _of(lumen, Prompt)
    assert [p.text for p in prompts] == [
        "Count the lines in data/sample.txt, then check that the unit tests pass."]
    injected = _of(lumen, InjectedContext)
    assert [i.context_kind for i in injected] == ["environment_context"]
    assert injected[0].turn == 0
    calls = _of(lumen, ToolCall)
    assert [(c.call_id, c.name, c.summary, c.exit_code, c.is_error) for c in calls] == [
        ("call_fx01", "shell", "wc -l data/sample.txt", 0, False),
        ("call_fx02", "shell", "python -m pytest -q", 1, True)]
    assert calls[0].result == "20480 data/sample.txt\n"
    assert "test_roundtrip_empty" in calls[1].result and calls[1].status == "exit 1"
    assert calls[1].duration_s == pytest.approx(2.6)
    assert lumen.stats.tool_calls == 2 and lumen.stats.tool_errors == 1
    thinking = _of(lumen, Thinking)
    assert [t.text for t in thinking] == ["**Counting lines, then running tests**"]
    assert not any("gAAAAABfixture-opaque-reasoning-blob" in s for s in _strings(lumen))
    answers = _of(lumen, AssistantText)
    assert len(answers) == 1 and answers[0].model == "gpt-5-codex"
    assert lumen.stats.models == ("gpt-5-codex",)
    assert [t.number for t in lumen.turns] == [0, 1] and lumen.turns[1].tokens == 17_412
    # rate limits are account data: never kept
    assert not any("used_percent" in s for s in _strings(lumen))


# --- Claude Code edge cases ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def cc_edge() -> Transcript:
    return _parse(CC_EDGE)          # no harness given: detected


def _at(transcript, line):
    found = [i for i in _all_items(transcript.items) if i.line == line]
    assert found, f"nothing from line {line}"
    return found


def test_cc_edge_detected_and_bookkeeping_rows_hidden(cc_edge):
    assert cc_edge.harness == "claude-code"
    hidden = dict(cc_edge.stats.hidden_types)
    for kind in ("file-history-snapshot", "queue-operation", "progress", "attachment", "ai-title"):
        assert hidden.get(kind) == 1, kind
    assert not [i for i in _all_items(cc_edge.items) if i.line in (1, 2, 7, 8, 14)]


def test_cc_edge_meta_caveat_is_injected_context(cc_edge):
    (item,) = _at(cc_edge, 3)
    assert isinstance(item, InjectedContext) and item.context_kind == "meta" and item.turn == 0


def test_cc_edge_hostile_prompt_is_kept_as_plain_text(cc_edge):
    (item,) = _at(cc_edge, 4)
    assert isinstance(item, Prompt) and item.turn == 1
    assert item.text == "Why does index.html contain <script>alert('user')</script> and <b>bold</b>?"


def test_template_and_markup_syntax_stays_inert_text():
    payloads = ["{{ 7*7 }}{% for x in y %}", "<script>alert(1)</script>", "javascript:alert(1)",
                "${jndi:ldap://x}", "</script><!--", "\u202e\u0000"]
    rows = [{"type": "user", "sessionId": "s", "message": {"content": p}} for p in payloads]
    t = parse_log("\n".join(json.dumps(r) for r in rows).encode(), None)
    kept = payloads[:-1] + ["\u202e"]                 # but the NUL: no control character is kept
    assert [i.text for i in t.items] == kept            # kept verbatim: escaping is the renderer's
    assert [turn.preview for turn in t.turns] == kept


def test_cc_edge_thinking_variants_and_hostile_markdown(cc_edge):
    redacted, empty, text = _at(cc_edge, 5)
    assert isinstance(redacted, Thinking) and redacted.state == "redacted" and redacted.text == ""
    assert isinstance(empty, Thinking) and empty.state == "empty"
    assert empty.preview == "thinking not recorded"
    assert isinstance(text, AssistantText)
    assert text.text == "See [this](javascript:alert(3)) and <img src=x onerror=alert(4)>."
    assert not any("ZW5jcnlwdGVkLWZpeHR1cmU=" in s or "c2lnbmF0dXJlLW9ubHk=" in s
                   for s in _strings(cc_edge))


def test_cc_edge_synthetic_api_error(cc_edge):
    (item,) = _at(cc_edge, 6)
    assert isinstance(item, AssistantText) and item.is_error and item.text.startswith("API Error: 529")
    assert cc_edge.stats.api_errors == 1
    assert "<synthetic>" not in cc_edge.stats.models
    assert cc_edge.stats.api_requests == 3            # msg_e3, msg_e8, msg_e11; not the error row


def test_cc_edge_orphan_result_with_image_placeholder(cc_edge):
    (item,) = _at(cc_edge, 9)
    assert isinstance(item, ToolResultOrphan) and item.call_id == "toolu_missing"
    assert item.text == "screenshot attached"
    assert [(i.media_type, i.source) for i in item.images] == [("image/png", "base64")]
    assert "image (" in item.images[0].label and "png" in item.images[0].label
    assert not any("iVBORw0KGgo" in s for s in _strings(cc_edge))
    assert cc_edge.stats.orphan_results == 1


def test_cc_edge_bare_string_content(cc_edge):
    (item,) = _at(cc_edge, 10)
    assert isinstance(item, AssistantText) and item.text == "legacy: content as a bare string"


def test_cc_edge_compaction(cc_edge):
    (boundary,) = _at(cc_edge, 11)
    assert isinstance(boundary, SystemNote) and boundary.note_kind == "compaction"
    assert "auto" in boundary.text and "167,000" in boundary.text
    (summary,) = _at(cc_edge, 12)
    assert isinstance(summary, InjectedContext) and summary.context_kind == "compact_summary"
    assert summary.turn == 1                           # not a new turn


def test_cc_edge_sidechain_with_agent_id(cc_edge):
    sub, text = _at(cc_edge, 13)
    assert isinstance(sub, Subagent) and sub.agent_id == "a1b2c3d" and sub.tool_use_id == ""
    assert sub in cc_edge.items                        # no Task to attach to: on its own
    assert isinstance(text, AssistantText) and text.text == "(subagent) done"
    assert cc_edge.stats.subagent_models == ("claude-haiku-4-5-20251001",)
    assert cc_edge.stats.sidechain_usage.total == 7


def test_cc_edge_title_and_unknown_type(cc_edge):
    assert cc_edge.title == "Investigate <script> in index.html"
    (raw,) = _at(cc_edge, 15)
    assert isinstance(raw, RawRecord) and raw.record_type == "future-widget"
    assert json.loads(raw.raw)["payload"] == {"x": 1}
    assert cc_edge.stats.unknown_types == (("future-widget", 1),)


def test_cc_edge_blank_array_and_truncated_lines(cc_edge):
    assert cc_edge.stats.lines == 18                   # 19 lines, one blank
    assert cc_edge.stats.malformed_lines == 2
    assert cc_edge.stats.malformed_line_numbers == (17, 18)
    assert not [i for i in _all_items(cc_edge.items) if i.line in (16, 17, 18)]


def test_cc_edge_invalid_utf8_last_line_without_newline(cc_edge):
    (item,) = _at(cc_edge, 19)
    assert isinstance(item, Prompt) and item.text == "bad byte -> \ufffd <- here"
    assert item.turn == 2
    assert cc_edge.stats.invalid_utf8_lines == 1
    assert not cc_edge.stats.truncated_tail           # it parsed: not truncated
    assert cc_edge.stats.usage.total == 2_030 + 12 + 7


# --- Codex edge cases ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def codex_edge() -> Transcript:
    return _parse(CODEX_EDGE)


def test_codex_edge_meta_and_null_token_count(codex_edge):
    assert codex_edge.harness == "codex"
    (instr,) = _at(codex_edge, 1)
    assert isinstance(instr, InjectedContext) and instr.context_kind == "base_instructions"
    assert codex_edge.stats.usage is None              # the only token_count had info: null
    assert not _at_lines(codex_edge, 2)


def _at_lines(transcript, *lines):
    return [i for i in _all_items(transcript.items) if i.line in lines]


def test_codex_edge_developer_message_and_cwd_change(codex_edge):
    (dev,) = _at(codex_edge, 3)
    assert isinstance(dev, InjectedContext) and dev.context_kind == "developer"
    (prompt,) = _at(codex_edge, 4)
    assert isinstance(prompt, Prompt) and prompt.text == "Fix the <script> injection in report.html"
    (cwd,) = _at(codex_edge, 5)
    assert isinstance(cwd, SystemNote) and cwd.note_kind == "cwd" and cwd.text.endswith("/sub")
    assert codex_edge.stats.models == ("gpt-5.1-codex-max",)


def test_codex_edge_ghost_snapshot_hidden(codex_edge):
    assert not _at_lines(codex_edge, 6)
    assert ("response_item/ghost_snapshot", 1) in codex_edge.stats.hidden_types


def test_codex_edge_output_forms(codex_edge):
    calls = {c.call_id: c for c in _of(codex_edge, ToolCall) if c.call_id}
    e1 = calls["call_e1"]                              # Chunk ID / Process exited with code 0
    assert e1.name == "exec_command" and e1.exit_code == 0 and not e1.is_error
    assert e1.summary == "grep -n '<script>' report.html"
    assert e1.result == "12:<script>alert('rollout')</script>\n"
    assert e1.duration_s == pytest.approx(0.1)
    e3 = calls["call_e3"]                              # Exit code: 2
    assert e3.exit_code == 2 and e3.is_error and e3.status == "exit 2"
    assert e3.result.startswith("ls: cannot access")
    e4 = calls["call_e4"]                              # a list of content items
    assert e4.name == "view_image" and e4.result == "image attached"
    assert [i.media_type for i in e4.images] == ["image/png"]
    assert not any("iVBORw0KGgo=" in s for s in _strings(codex_edge))


def test_codex_edge_apply_patch(codex_edge):
    (patch,) = [c for c in _of(codex_edge, ToolCall) if c.name == "apply_patch"]
    assert patch.summary == "Update File: report.html"
    assert patch.added == 1 and patch.removed == 1 and patch.change == "(+1 −1)"
    assert patch.diff.startswith("*** Begin Patch")
    assert patch.result.startswith("Success.") and patch.exit_code == 0
    assert not _at_lines(codex_edge, 15)               # patch_apply_end merged, not shown twice


def test_an_applied_patch_is_shown_once_as_its_diff_not_again_as_its_input(codex_edge):
    (patch,) = [c for c in _of(codex_edge, ToolCall) if c.name == "apply_patch"]
    assert patch.input_text == ""
    assert [name for name, _ in patch.blocks] == ["diff", "result"]


def test_codex_edge_web_search_and_orphan_output(codex_edge):
    (search,) = [c for c in _of(codex_edge, ToolCall) if c.name == "web_search"]
    assert search.summary == "content security policy inline script" and search.status == "ok"
    (orphan,) = _of(codex_edge, ToolResultOrphan)
    assert orphan.call_id == "call_orphan" and orphan.text == "no matching call"
    assert codex_edge.stats.tool_calls == 5 and codex_edge.stats.tool_errors == 1


def test_codex_edge_compaction_once_abort_unknown_and_truncated(codex_edge):
    compactions = [n for n in _of(codex_edge, SystemNote) if n.note_kind == "compaction"]
    assert len(compactions) == 1 and compactions[0].line == 18
    assert not any("gAAAAABopaque" in s for s in _strings(codex_edge))
    (aborted,) = _at(codex_edge, 20)
    assert isinstance(aborted, SystemNote) and aborted.level == "error"
    assert "interrupted" in aborted.text
    (raw,) = _at(codex_edge, 21)
    assert isinstance(raw, RawRecord) and raw.record_type == "world_state"
    assert codex_edge.stats.malformed_line_numbers == (22,)
    assert codex_edge.stats.truncated_tail
    assert codex_edge.stats.errors == 2                # exit 2 and the aborted turn


# --- robustness (§7.6) ---------------------------------------------------------------------------

def test_harness_detection():
    assert detect_harness([{"type": "session_meta", "payload": {}}]).name == "codex"
    assert detect_harness([{"type": "file-history-snapshot"}]).name == "claude-code"
    assert detect_harness([{"type": "session", "harness": "pi"}]).name == "sts"
    assert detect_harness([{"foo": 1}]).name == "generic"
    assert detect_harness([{"foo": 1}, {"parentUuid": None}]).name == "claude-code"
    # a known harness contradicted by the log is overridden; an unknown one is detected
    assert parse_log(LUMEN_LOG.read_bytes(), "claude-code").stats.usage.total == 17_412
    assert parse_log(ORBIT_LOG.read_bytes(), "my-harness").harness == "claude-code"


def test_sts_and_generic_logs():
    sts = b"\n".join(json.dumps(x).encode() for x in [
        {"type": "session", "harness": "mine", "id": "x1", "name": "demo"},
        {"type": "message", "message": {"role": "user", "content": "hi <b>", "timestamp": 1782990000000}},
        {"type": "message", "message": {"role": "assistant", "content": "calling", "toolCalls": [
            {"id": "c1", "function": {"name": "grep", "arguments": "{\"pattern\": \"x\"}"}}]}},
        {"type": "message", "message": {"role": "tool", "toolCallId": "c1", "content": "3 hits"}},
    ])
    t = parse_log(sts, None)
    assert t.harness == "sts" and t.title == "demo"
    assert [i.kind for i in t.items] == ["prompt", "assistant", "tool"]
    assert t.items[2].result == "3 hits" and t.items[2].summary == "x"
    g = parse_log(b'{"a": 1}\n{"b": "<script>"}\n', None)
    assert g.harness == "generic" and [i.kind for i in g.items] == ["raw", "raw"]
    assert '"<script>"' in g.items[1].raw


def test_sources_bytes_file_and_iterable_agree():
    data = ORBIT_LOG.read_bytes()
    a = parse_log(data, None)
    b = parse_log(io.BytesIO(data), None)
    c = parse_log(iter(data.splitlines(keepends=True)), None)
    assert a == b == c


def test_bom_non_objects_and_garbage_never_raise():
    data = ("\ufeff" + ORBIT_LOG.read_text()).encode() + b"\n42\nnull\n\"str\"\n{]\n" + \
        b"[" * 100_000 + b"\n"
    t = parse_log(data, None)
    assert t.stats.usage.total == 68_755                # the BOM line still parsed
    assert t.stats.malformed_lines == 5 and t.stats.truncated_tail


def test_unexpected_shapes_in_known_records_become_the_cards_they_resemble():
    rows = [
        {"type": "user", "sessionId": "s", "message": None},
        {"type": "user", "sessionId": "s", "message": {"content": [None, 3, {"type": "tool_result"}]}},
        {"type": "assistant", "sessionId": "s", "message": {"content": [{"type": "tool_use"}],
                                                            "usage": {"input_tokens": True}}},
        {"type": "assistant", "sessionId": "s", "message": {"content": {"weird": 1}, "id": 7}},
        {"type": "system", "sessionId": "s", "compactMetadata": "x", "subtype": "compact_boundary"},
    ]
    t = parse_log("\n".join(json.dumps(r) for r in rows).encode(), "claude-code")
    assert t.stats.unreadable_records == ()              # no parser failure was swallowed
    assert transcript_problems("log", t) == ()
    # line 2: the result without an id is an orphan card; line 3: the id-less call is a call
    # card with no result; line 5: a compaction divider despite its bad metadata
    assert [(i.line, i.kind) for i in t.items] == [(2, "orphan_result"), (3, "tool"),
                                                   (5, "system")]
    assert t.items[1].name == "tool" and t.items[1].status == "no result"
    assert t.items[2].note_kind == "compaction" and t.items[2].text == "context compacted (auto)"
    assert t.stats.usage == TokenUsage(total=0, input=0, output=0, cache_read=0, cache_creation=0)
    codex_rows = [
        {"type": "response_item", "payload": {"type": "function_call", "name": "shell",
                                              "call_id": "c1", "arguments": "{bad json"}},
        {"type": "event_msg", "payload": {"type": "token_count", "info": {"total_token_usage": 5}}},
        {"type": "response_item", "payload": {"type": "message", "role": "user", "content": 7}},
    ]
    c = parse_log("\n".join(json.dumps(r) for r in codex_rows).encode(), "codex")
    assert c.stats.unreadable_records == () and c.stats.usage is None
    (call,) = c.items
    assert call.name == "shell" and call.input_text == "{bad json" and call.result is None


def test_a_parser_failure_is_kept_raw_and_reported(monkeypatch):
    from builder.transcript.claude_code import ClaudeCodeParser

    def broken(self, obj):
        raise KeyError("surprise")

    monkeypatch.setattr(ClaudeCodeParser, "system", broken)
    rows = [{"type": "user", "sessionId": "s", "message": {"content": "hi"}},
            {"type": "system", "sessionId": "s", "subtype": "x", "content": "<b>note</b>"}]
    t = parse_log("\n".join(json.dumps(r) for r in rows).encode(), None)
    prompt, raw = t.items
    assert raw.kind == "raw" and raw.record_type == "unreadable system" and "<b>note</b>" in raw.raw
    assert t.stats.unreadable_records == ((2, "KeyError"),)
    (problem,) = transcript_problems("traces/a/s/log.jsonl", t)
    assert problem.path == "traces/a/s/log.jsonl" and "line 2 (KeyError)" in problem.reason


def test_text_fields_are_capped_with_a_marker():
    long = "word " * 10_000
    rows = [
        {"type": "user", "sessionId": "s", "message": {"content": long}},
        {"type": "assistant", "sessionId": "s", "message": {"id": "m", "content": [
            {"type": "tool_use", "id": "t", "name": "Write", "input": {"file_path": "a", "content": long}}]}},
        {"type": "user", "sessionId": "s", "message": {"content": [
            {"type": "tool_result", "tool_use_id": "t", "content": long}]},
         "toolUseResult": {"originalFile": "ORIGINAL-FILE-COPY " * 5000, "stdout": long}},
    ]
    t = parse_log("\n".join(json.dumps(r) for r in rows).encode(), None)
    prompt, call = t.items
    for text in (prompt.text, call.result):
        assert len(text) <= TEXT_CAP + 60
        assert text.endswith("\n… cut here: the whole text is 1 line, 50,000 bytes")
    assert len(call.input_text) <= TEXT_CAP + 200
    assert call.summary == "a"
    # the structured copy of the output (toolUseResult) is never kept next to the result
    assert not any("ORIGINAL-FILE-COPY" in s for s in _strings(t))
    assert sum(len(s) for s in _strings(t)) < 4 * TEXT_CAP


def test_oversized_line_is_skipped_as_a_stub_and_parsing_goes_on():
    head = b'{"type":"user","sessionId":"s","message":{"content":"before"}}\n'
    huge = b'{"type":"user","sessionId":"s","message":{"content":"' + b"x" * 1_500_000 + b'"}}\n'
    tail = b'{"type":"user","sessionId":"s","message":{"content":"after"}}\n'
    t = parse_log(io.BytesIO(head + huge + tail), "claude-code")
    prompt1, stub, prompt2 = t.items
    assert isinstance(stub, SkippedLine) and stub.reason == "oversized"
    assert stub.size == len(huge) and stub.offset == len(head) and stub.line == 2
    assert prompt2.text == "after" and t.stats.oversized_lines == 1


def test_claude_rows_of_one_response_merge_and_keep_the_largest_usage():
    base = {"type": "assistant", "sessionId": "s", "requestId": "r1"}
    rows = [
        {**base, "message": {"id": "m1", "content": [{"type": "text", "text": "hello"}],
                             "usage": {"input_tokens": 5, "output_tokens": 1}}},
        {**base, "message": {"id": "m1", "content": [{"type": "text", "text": "hello"},
                                                     {"type": "tool_use", "id": "t1", "name": "Read",
                                                      "input": {"file_path": "/x"}}],
                             "usage": {"input_tokens": 5, "output_tokens": 40}}},
        {**base, "message": {"id": "m1", "content": [{"type": "tool_use", "id": "t1", "name": "Read",
                                                      "input": {"file_path": "/x"}}],
                             "usage": {"input_tokens": 5, "output_tokens": 40}}},
    ]
    t = parse_log("\n".join(json.dumps(r) for r in rows).encode(), None)
    assert [i.kind for i in t.items] == ["assistant", "tool"]
    assert t.stats.usage == TokenUsage(total=45, input=5, output=40, cache_read=0, cache_creation=0)
    assert t.stats.api_requests == 1 and t.stats.tool_calls == 1
    assert t.items[1].status == "no result" and t.stats.calls_without_result == 1


def test_codex_duplicate_prompt_either_order_and_repeated_prompts():
    def ev(text):
        return {"type": "event_msg", "payload": {"type": "user_message", "message": text}}

    def ri(text):
        return {"type": "response_item", "payload": {"type": "message", "role": "user",
                                                      "content": [{"type": "input_text", "text": text}]}}
    rows = [{"type": "session_meta", "payload": {"id": "x"}}, ev("one"), ri("one"), ri("two"),
            ev("two"), ri("two"), ev("two")]
    t = parse_log("\n".join(json.dumps(r) for r in rows).encode(), None)
    assert [p.text for p in _of(t, Prompt)] == ["one", "two", "two"]
    assert [turn.number for turn in t.turns] == [1, 2, 3]


def test_interrupted_tool_use():
    rows = [
        {"type": "assistant", "sessionId": "s", "message": {"id": "m", "content": [
            {"type": "tool_use", "id": "t", "name": "Bash", "input": {"command": "sleep 100"}}]}},
        {"type": "user", "sessionId": "s", "message": {"content": [
            {"type": "tool_result", "tool_use_id": "t", "is_error": True,
             "content": "The user doesn't want to proceed with this tool use."},
            {"type": "text", "text": "[Request interrupted by user for tool use]"}]}},
    ]
    call, note = parse_log("\n".join(json.dumps(r) for r in rows).encode(), None).items
    assert call.interrupted and call.status == "interrupted"
    assert isinstance(note, SystemNote) and note.note_kind == "interrupted" and note.level == "warning"


def test_many_inline_sidechains_attach_to_their_own_task():
    rows = []
    for n in range(3):
        rows.append({"type": "assistant", "sessionId": "s", "message": {"id": f"m{n}", "content": [
            {"type": "tool_use", "id": f"task{n}", "name": "Task",
             "input": {"description": f"job {n}", "prompt": f"do job {n}"}}]}})
    for n in (2, 0, 1):                                # sidechains in another order
        rows.append({"type": "user", "sessionId": "s", "isSidechain": True, "parentUuid": None,
                     "uuid": f"s{n}", "message": {"content": f"do job {n}"}})
        rows.append({"type": "assistant", "sessionId": "s", "isSidechain": True,
                     "parentUuid": f"s{n}", "uuid": f"a{n}", "message": {
                         "id": f"sub{n}", "model": "claude-haiku-4-5",
                         "content": [{"type": "text", "text": f"done {n}"}],
                         "usage": {"input_tokens": n + 1, "output_tokens": 0}}})
    t = parse_log("\n".join(json.dumps(r) for r in rows).encode(), None)
    for n, call in enumerate(t.items):
        assert call.subagent.tool_use_id == f"task{n}"
        assert [i.text for i in call.subagent.items] == [f"do job {n}", f"done {n}"]
        assert call.subagent.usage.total == n + 1


def test_edit_tool_gets_a_diff():
    row = {"type": "assistant", "sessionId": "s", "message": {"id": "m", "content": [
        {"type": "tool_use", "id": "t", "name": "Edit",
         "input": {"file_path": "a.py", "old_string": "x = 1\ny = 2", "new_string": "x = 1\ny = 3\nz = 4"}}]}}
    (call,) = parse_log(json.dumps(row).encode(), None).items
    assert call.added == 2 and call.removed == 1
    assert "-y = 2" in call.diff and "+z = 4" in call.diff
    assert call.summary == "a.py" and call.change == "(+2 −1)"


def test_an_edit_of_an_absolute_path_names_its_sides_as_git_does():
    row = {"type": "assistant", "sessionId": "s", "message": {"id": "m", "content": [
        {"type": "tool_use", "id": "t", "name": "Edit",
         "input": {"file_path": "/home/u/a.py", "old_string": "y = 2", "new_string": "y = 3"}}]}}
    (call,) = parse_log(json.dumps(row).encode(), None).items
    assert call.diff.splitlines()[:2] == ["--- a/home/u/a.py", "+++ b/home/u/a.py"]


def test_max_items_bounds_the_items_but_not_the_stats():
    t = parse_log(ORBIT_LOG.read_bytes(), None, max_items=3)
    assert len(list(_all_items(t.items))) <= 4        # 3 items (+ nothing nested beyond)
    assert t.stats.items_omitted > 0
    assert t.stats.tool_calls == 3 and t.stats.tool_errors == 1
    assert t.stats.usage.total == 68_755


def test_text_filter_runs_before_the_cap():
    # the secret straddles the cap with no space before it: capping first would leak its head
    secret = "hf_" + "Zz9" * 12
    text = "a " * ((TEXT_CAP - 320) // 2) + "-" * 300 + secret + " tail"
    assert text.index(secret) < TEXT_CAP < text.index(secret) + len(secret)
    row = {"type": "user", "sessionId": "s", "message": {"content": text}}
    from builder.redact import redact
    (prompt,) = parse_log(json.dumps(row).encode(), None, text_filter=redact).items
    assert "hf_Zz9" not in prompt.text
    assert parse_log(json.dumps(row).encode(), None, text_filter=redact).stats.redactions == 1


# --- pagination ------------------------------------------------------------------------------------

def _turns_log(sizes):
    rows = []
    for n, size in enumerate(sizes):
        rows.append({"type": "user", "sessionId": "s", "message": {"content": f"prompt {n}"}})
        for k in range(size - 1):
            rows.append({"type": "assistant", "sessionId": "s",
                         "message": {"id": f"m{n}-{k}", "content": [{"type": "text", "text": "ok"}]}})
    return parse_log("\n".join(json.dumps(r) for r in rows).encode(), None)


def test_paginate_keeps_turns_whole_and_splits_only_oversized_turns():
    t = _turns_log([3, 3, 3, 7, 2])
    pages = paginate(t, 6)
    assert [[i.turn for i in page] for page in pages] == [
        [1, 1, 1, 2, 2, 2], [3, 3, 3], [4, 4, 4, 4, 4, 4], [4, 5, 5]]
    assert sum(len(p) for p in pages) == len(t.items)
    assert turn_pages(pages) == {1: 1, 2: 1, 3: 2, 4: 3, 5: 4}
    assert paginate(_turns_log([]), 10) == ()
    assert len(paginate(t, 1)) == len(t.items)


def test_paginate_counts_nested_subagent_items():
    t = _parse(ORBIT_LOG)
    assert len(paginate(t, 100)) == 1
    pages = paginate(t, 4)
    assert sum(len(p) for p in pages) == len(t.items)
    task_page = next(p for p in pages if any(getattr(i, "subagent", None) for i in p))
    assert len(task_page) <= 2                         # the Task card weighs 1 + 3 nested


# --- a 200,000-line log ----------------------------------------------------------------------------

def _write_big_log(path: Path, lines: int) -> None:
    """Cycles of 8 lines: prompt, tool call, 4 progress rows (real floods look like this),
    tool result, answer; then a truncated last line."""
    user = ('{"type":"user","uuid":"u%d","sessionId":"s","timestamp":"2026-07-02T09:00:00.000Z",'
            '"message":{"role":"user","content":"prompt %d: run the tests <script>x</script>"}}\n')
    call = ('{"type":"assistant","uuid":"a%d","sessionId":"s","requestId":"r%d","message":{"id":"m%d",'
            '"model":"claude-sonnet-4-5","content":[{"type":"tool_use","id":"t%d","name":"Bash",'
            '"input":{"command":"pytest -q tests/test_%d.py"}}],"usage":{"input_tokens":3,'
            '"output_tokens":50,"cache_read_input_tokens":1000,"cache_creation_input_tokens":10}}}\n')
    progress = ('{"type":"progress","sessionId":"s","timestamp":"2026-07-02T09:00:01.000Z",'
                '"data":{"type":"bash_progress","output":"running..."},"parentToolUseID":"t%d"}\n')
    result = ('{"type":"user","uuid":"r%d","sessionId":"s","message":{"role":"user","content":'
              '[{"type":"tool_result","tool_use_id":"t%d","is_error":%s,"content":"1 failed"}]}}\n')
    answer = ('{"type":"assistant","uuid":"b%d","sessionId":"s","requestId":"rb%d","message":{"id":"mb%d",'
              '"content":[{"type":"text","text":"Test **%d** fails."}],"usage":{"input_tokens":2,'
              '"output_tokens":30,"cache_read_input_tokens":1100,"cache_creation_input_tokens":0}}}\n')
    with path.open("w") as fh:
        for k in range(lines // 8):
            fh.write(user % (k, k))
            fh.write(call % (k, k, k, k, k))
            fh.write((progress % k) * 4)
            fh.write(result % (k, k, "true" if k % 10 == 0 else "false"))
            fh.write(answer % (k, k, k, k))
        fh.write('{"type":"user","message":{"content":"trunc')      # a truncated last line


def test_a_200000_line_log_keeps_its_figures_and_bounds_its_items(tmp_path):
    path = tmp_path / "big.jsonl"
    _write_big_log(path, 200_000)
    with path.open("rb") as fh:
        t = parse_log(fh, "claude-code")
    assert t.stats.lines == 200_001 and t.stats.records == 200_000
    assert t.stats.tool_calls == 25_000 and t.stats.tool_errors == 2_500
    assert t.stats.api_requests == 50_000
    assert t.stats.usage == TokenUsage(total=25_000 * (1063 + 1132), input=125_000,
                                       output=2_000_000, cache_read=52_500_000,
                                       cache_creation=250_000)
    assert dict(t.stats.hidden_types)["progress"] == 100_000
    assert t.stats.truncated_tail and t.stats.malformed_lines == 1
    kept = len(t.items)
    assert kept + t.stats.items_omitted == 75_000      # prompt + call + answer per 8 lines
    assert t.stats.items_omitted == 75_000 - MAX_ITEMS
    assert len(paginate(t, 200)) >= kept // 200


def test_a_log_no_harness_recognises_is_reported_with_its_first_keys():
    unknown = b'{"id": "prompt-0", "completion_token_ids": [785], "prompt_sha256": "b4"}\n{"id": 1}\n'
    (problem,) = transcript_problems("traces/x/run/run.jsonl", parse_log(unknown, "my-tool"))
    assert problem.path == "traces/x/run/run.jsonl"
    assert problem.reason == ("no known log format (first record has keys id, "
                              "completion_token_ids, prompt_sha256): shown as raw records")
    # the manifest names a harness we read: its parser reads the log, and the report says so
    (named,) = transcript_problems("p", parse_log(unknown, "claude-code"))
    assert named.reason.startswith("no known log format (first record has keys id, ")
    assert named.reason.endswith("read as claude-code, as its manifest says; records that "
                                 "harness does not know are shown raw")
    wide = {f"k{i}\x1b[31m": i for i in range(12)}     # hostile keys: plain text, at most 8
    (many,) = transcript_problems("p", parse_log(json.dumps(wide).encode(), None))
    assert "keys k0, k1, k2, k3, k4, k5, k6, k7, …)" in many.reason
    (empty,) = transcript_problems("p", parse_log(b"{}\n", None))
    assert "(first record is an empty object)" in empty.reason
    # a log a harness recognises, or one without a single record, says nothing of its format
    assert transcript_problems("p", parse_log(ORBIT_LOG.read_bytes(), None)) == ()
    assert all("format" not in p.reason for p in transcript_problems("p", parse_log(b"nope\n")))


def test_an_unrecognised_record_is_previewed_by_its_first_fields_masked_once():
    from builder.redact import redact
    rows = [{"id": "prompt-0", "completion_token_ids": [785, 3405], "type": "probe",
             "note": "key hf_a1B2c3D4e5F6g7H8i9J0kLmNoPqRsTuVwX\nnext line"},
            {"x": "y" * 500}, {}]
    t = parse_log("\n".join(json.dumps(r) for r in rows).encode(), None, text_filter=redact)
    first, long, empty = t.items
    assert first.preview == ("id: prompt-0 · completion_token_ids: [785, 3405] · "
                             "note: key [REDACTED:hf-token] next line")
    assert t.stats.redactions == 1                     # the preview repeats the raw block's mask
    assert long.preview.startswith("x: yyy") and len(long.preview) == 160 and long.preview.endswith("…")
    assert empty.preview == "" and empty.record_type == "(no type)"


def test_a_to_do_list_is_read_as_its_entries_whatever_the_harness_named_them():
    from builder.transcript.tools import todo_entries
    plan = {"explanation": "why", "plan": [{"step": "bench", "status": "in_progress"},
                                           {"step": "post", "status": "pending"}]}
    assert todo_entries("update_plan", plan) == (("bench", "in_progress"), ("post", "pending"))
    assert todo_entries("TodoWrite", {"todos": [{"content": "a", "status": "completed"}]}) == \
        (("a", "completed"),)
    assert todo_entries("TodoWrite", {"todos": [{"content": 3}]}) == ()   # shown as its JSON
    assert todo_entries("Bash", {"todos": [{"content": "a"}]}) == ()
