"""Hostile payloads in every field of a shared trace (the trace half of the hostile bucket).

`write_hostile_traces(bucket_root)` adds, under traces/:
  * evil-cc/<session>: a Claude Code manifest with a payload in every frontmatter field (values,
    unknown keys, key names, tool names, usage and timestamps that are not numbers or times,
    a refused native_log_file, a result_ref) and all payloads in the notes, plus a log carrying
    each payload as a prompt, thinking, assistant markdown (with javascript:/data: links and
    images), a tool name, tool input, tool output (error and not), subagent work, a system
    note, injected context, a summary title and an unknown record type and field;
  * evil-codex/<session>: the same through a Codex rollout (session_meta, prompts, reasoning,
    function calls with payload arguments and outputs, custom tools, events, unknown types);
  * evil-generic/<session>: an unknown harness whose JSONL records are shown as raw cards;
  * evil-names/<payload>: session folders named by payloads (those without a "/").
Every payload either stays inert text or is dropped by the sanitiser; tests check that a real
browser runs none of them and that the text still shows (so the fields really were rendered).
"""
from __future__ import annotations

import json
from pathlib import Path

from tests.hostile import MARKER, PAYLOADS

CC_SESSION = "0e511c0c-0000-4000-8000-00000000e511"
CODEX_SESSION = "019e511c-0000-7000-8000-00000000c0de"
GENERIC_SESSION = "generic-evil-1"
AGENTS = ("evil-cc", "evil-codex", "evil-generic", "evil-names")


def _q(text: str) -> str:
    return json.dumps(text)                   # a JSON string is a valid YAML scalar


def _manifest(agent: str, harness: str, session: str, log_name: str | None, body: str,
              payload_index: int) -> str:
    p = PAYLOADS[payload_index % len(PAYLOADS)]
    names = "\n".join(f"    {_q(x)}: {i + 1}" for i, x in enumerate(PAYLOADS))
    lines = [
        "---", "schema_version: 1", f"adapter_version: {_q(p)}", f"harness: {harness}",
        f"session_id: {_q(session)}", f"model: {_q(p)}",
        "started_at: '2026-07-02T09:00:00Z'", "ended_at: '2026-07-02T10:30:00Z'",
        f"result_ref: {_q(p)}",
    ]
    if log_name:
        lines.append(f"native_log_file: {log_name}")
    lines += [
        "usage:", "  input_tokens: 10", f"  output_tokens: {_q(p)}", "  total_tokens: 1234",
        f"  {_q(p)}: {_q(p)}",
        "activity:", "  tool_calls: 35", "  tool_calls_by_name:", names,
        "extensions:", f"  turns: {_q(p)}", f"  {_q(p)}: {_q(p)}",
        f"{_q(p)}: {_q(p)}", f"weird_key: {_q(PAYLOADS[(payload_index + 1) % len(PAYLOADS)])}",
        f"agent: {agent}", "promoted_at: 2026-07-02 11:00 UTC", "via: bucket",
        "share: full", "completeness: full", "---", "", body, "",
    ]
    return "\n".join(lines)


def _notes() -> str:
    links = "\n".join(f"- [link {i}](javascript:alert('n{i}')) ![img]({MARKER}/n{i}) {p}"
                      for i, p in enumerate(PAYLOADS))
    return "## Notes <script>alert('notes')</script>\n\n" + "\n\n".join(PAYLOADS) + "\n\n" + links


def _cc_row(kind: str, uuid: str, parent: str | None, ts: str, message: dict, **extra) -> str:
    row = {"parentUuid": parent, "isSidechain": False, "userType": "external",
           "cwd": "/home/agent/<script>alert('cwd')</script>", "sessionId": CC_SESSION,
           "version": "1.0.88", "gitBranch": PAYLOADS[2], "uuid": uuid, "timestamp": ts,
           "type": kind, "message": message}
    row.update(extra)
    return json.dumps(row)


def claude_code_log() -> str:
    rows = [json.dumps({"type": "summary", "summary": PAYLOADS[0], "leafUuid": "x"})]
    parent = None
    for i, p in enumerate(PAYLOADS):
        ts = f"2026-07-02T09:{i:02d}:00.000Z"
        u = f"u{i:03d}"
        rows.append(_cc_row("user", u + "a", parent, ts, {"role": "user", "content": p}))
        rows.append(_cc_row("user", u + "m", u + "a", ts, {"role": "user", "content":
                            f"<local-command-caveat>{p}</local-command-caveat>"}, isMeta=True))
        msg = {"id": f"msg_{i}", "type": "message", "role": "assistant", "model": p,
               "content": [
                   {"type": "thinking", "thinking": p + "\n" + p, "signature": "c2ln"},
                   {"type": "text", "text": f"{p}\n\n[click {i}](javascript:alert('a{i}')) "
                                            f"[data](data:text/html,<script>alert('d{i}')</script>) "
                                            f"![im]({MARKER}/a{i}) <a href=\"{MARKER}/h{i}\">x</a>\n\n"
                                            f"```html\n{p}\n```\n\n| {p.replace('|', '/')} |\n|---|\n| x |"},
                   {"type": "tool_use", "id": f"toolu_{i}\"><script>alert(1)</script>",
                    "name": p if i % 2 else "Bash",
                    "input": {"command": p, "description": p, p: [p, {"nested": p}]}},
                   {"type": "tool_use", "id": f"toolu_task_{i}", "name": "Task",
                    "input": {"description": p, "prompt": p}},
                   {"type": "tool_use", "id": f"toolu_edit_{i}", "name": "Edit",
                    "input": {"file_path": p, "old_string": p, "new_string": p + "\n" + p}},
               ],
               "usage": {"input_tokens": 1, "output_tokens": 2, "cache_read_input_tokens": 3,
                         "cache_creation_input_tokens": 4}}
        rows.append(_cc_row("assistant", u + "b", u + "a", ts, msg, requestId=f"req_{i}"))
        # the subagent's own rows (inline sidechain)
        rows.append(json.dumps({"parentUuid": None, "isSidechain": True, "sessionId": CC_SESSION,
                                "uuid": u + "s1", "timestamp": ts, "type": "user",
                                "message": {"role": "user", "content": p}}))
        rows.append(json.dumps({"parentUuid": u + "s1", "isSidechain": True,
                                "sessionId": CC_SESSION, "uuid": u + "s2", "timestamp": ts,
                                "type": "assistant", "requestId": f"req_s{i}",
                                "message": {"id": f"msg_s{i}", "role": "assistant", "model": p,
                                            "content": [{"type": "text", "text": p}],
                                            "usage": {"input_tokens": 1, "output_tokens": 1}}}))
        results = [
            {"type": "tool_result", "tool_use_id": f"toolu_{i}\"><script>alert(1)</script>",
             "is_error": bool(i % 2), "content": p + "\n" + p},
            {"type": "tool_result", "tool_use_id": f"toolu_task_{i}",
             "content": [{"type": "text", "text": p}]},
            {"type": "tool_result", "tool_use_id": f"toolu_edit_{i}", "content": p},
            {"type": "tool_result", "tool_use_id": f"orphan_{i}<b>", "is_error": True,
             "content": p},
        ]
        rows.append(_cc_row("user", u + "c", u + "b", ts, {"role": "user", "content": results},
                            toolUseResult={"totalTokens": p, "stdout": p}))
        rows.append(_cc_row("system", u + "d", u + "c", ts, {}, content=p,
                            level="error" if i % 3 == 0 else "info"))
        rows.append(json.dumps({"type": p, "uuid": u + "e", "timestamp": ts, p: p,
                                "payload": {"html": p}}))
        rows.append(json.dumps({"type": "future-widget", "uuid": u + "f", "timestamp": ts,
                                "note": p}))
        parent = u + "d"
    rows.append(json.dumps([PAYLOADS[0]]))                     # an array line: malformed
    rows.append('{"type":"user","message":{"content":"' + PAYLOADS[5][:20])   # truncated
    return "\n".join(rows) + "\n"


def codex_log() -> str:
    rows = [json.dumps({"timestamp": "2026-07-02T10:00:00.000Z", "type": "session_meta",
                        "payload": {"id": CODEX_SESSION, "cwd": PAYLOADS[0],
                                    "originator": PAYLOADS[1], "cli_version": PAYLOADS[2],
                                    "base_instructions": {"text": PAYLOADS[3]},
                                    "git": {"branch": PAYLOADS[4], "commit_hash": PAYLOADS[5],
                                            "repository_url": "javascript:alert('repo')"}}})]
    for i, p in enumerate(PAYLOADS):
        ts = f"2026-07-02T10:{i:02d}:00.000Z"

        def item(payload: dict, kind: str = "response_item") -> str:
            return json.dumps({"timestamp": ts, "type": kind, "payload": payload})

        rows.append(item({"type": "message", "role": "user",
                          "content": [{"type": "input_text",
                                       "text": f"<environment_context>{p}</environment_context>"}]}))
        rows.append(item({"type": "message", "role": "user",
                          "content": [{"type": "input_text", "text": p}]}))
        rows.append(item({"type": "user_message", "message": p, "images": []}, "event_msg"))
        rows.append(item({"cwd": p, "model": p}, "turn_context"))
        rows.append(item({"type": "reasoning", "summary": [{"type": "summary_text", "text": p}],
                          "encrypted_content": "gAAAA" + p}))
        rows.append(item({"type": "function_call", "name": p if i % 2 else "shell",
                          "arguments": json.dumps({"command": ["bash", "-lc", p], p: p}),
                          "call_id": f"call_{i}<i>"}))
        rows.append(item({"type": "function_call_output", "call_id": f"call_{i}<i>",
                          "output": json.dumps({"output": p, "metadata": {
                              "exit_code": i % 3, "duration_seconds": 1.5}})}))
        rows.append(item({"type": "custom_tool_call", "name": "apply_patch", "call_id": f"cp{i}",
                          "input": f"*** Begin Patch\n*** Add File: {p}\n+{p}\n*** End Patch"}))
        rows.append(item({"type": "custom_tool_call_output", "call_id": f"cp{i}", "output": p}))
        rows.append(item({"type": "function_call", "name": "shell", "call_id": f"bad{i}",
                          "arguments": "{not json " + p}))
        rows.append(item({"type": "message", "role": "assistant",
                          "content": [{"type": "output_text",
                                       "text": f"{p} [go](javascript:alert('c{i}'))"}]}))
        rows.append(item({"type": "agent_message", "message": p}, "event_msg"))
        rows.append(item({"type": "error", "message": p}, "event_msg"))
        rows.append(item({"type": p, "data": p}))
        rows.append(json.dumps({"timestamp": ts, "type": p, "payload": {"x": p}}))
    return "\n".join(rows) + "\n"


def generic_log() -> str:
    return "\n".join(json.dumps({"type": p, "text": p, p: [p]}) for p in PAYLOADS) + "\n"


def write_hostile_traces(bucket_root: Path) -> Path:
    root = Path(bucket_root) / "traces"
    cc = root / "evil-cc" / CC_SESSION
    cc.mkdir(parents=True, exist_ok=True)
    (cc / f"{CC_SESSION}.jsonl").write_text(claude_code_log(), encoding="utf-8")
    (cc / "manifest.md").write_text(
        _manifest("evil-cc", "claude-code", CC_SESSION, f"{CC_SESSION}.jsonl", _notes(), 0), encoding="utf-8")
    codex = root / "evil-codex" / CODEX_SESSION
    codex.mkdir(parents=True, exist_ok=True)
    log_name = f"rollout-2026-07-02T10-00-00-{CODEX_SESSION}.jsonl"
    (codex / log_name).write_text(codex_log(), encoding="utf-8")
    (codex / "manifest.md").write_text(
        _manifest("evil-codex", "codex", CODEX_SESSION, log_name, "\n\n".join(reversed(PAYLOADS)), 1),
        encoding="utf-8")
    generic = root / "evil-generic" / GENERIC_SESSION
    generic.mkdir(parents=True, exist_ok=True)
    (generic / "records.jsonl").write_text(generic_log(), encoding="utf-8")
    (generic / "manifest.md").write_text(
        _manifest("evil-generic", _q(PAYLOADS[1]), GENERIC_SESSION, None, PAYLOADS[6], 2), encoding="utf-8")
    # session folders named by payloads; their manifests name a log outside the folder
    for i, p in enumerate(PAYLOADS):
        if "/" in p or "\\" in p or p.startswith(".") or len(p.encode()) > 200:
            continue
        folder = root / "evil-names" / p
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "manifest.md").write_text(
            _manifest("evil-names", _q(p), p, "../../evil-cc/" + CC_SESSION + "/x.jsonl", p, i)
            .replace("share: full", "share: stats"), encoding="utf-8")
    return Path(bucket_root)
