"""Claude Code session logs: one row per content block, usage repeated on each row of a
response (deduplicated by message id + request id), inline sidechains."""
from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import Any, Iterable

from builder import format as fmt
from builder.model import TokenUsage
from builder.transcript.items import (AssistantText, ImageRef, InjectedContext, Prompt,
                                      SystemNote, Thinking)
from builder.transcript.parser import CallDraft, Harness, Parser, SubagentDraft, TextFilter
from builder.transcript.text import as_dict, as_int, as_list, as_str, terminal_text
from builder.transcript.tools import count_patch

_USAGE_KEYS = ("input_tokens", "output_tokens", "cache_read_input_tokens",
               "cache_creation_input_tokens")


@dataclass(frozen=True)
class _Response:
    """The token usage of one API response, counted once however many rows repeat it."""

    input: int
    output: int
    cache_read: int
    cache_creation: int
    turn: int
    block: int | None                # the sidechain block it belongs to (None: main thread)

    @property
    def total(self) -> int:
        return self.input + self.output + self.cache_read + self.cache_creation


def _response(usage: dict, turn: int, block: int | None) -> _Response:
    return _Response(*(as_int(usage.get(key)) or 0 for key in _USAGE_KEYS), turn=turn,
                     block=block)


def _summed(responses: Iterable[_Response]) -> TokenUsage | None:
    rows = list(responses)
    if not rows:
        return None
    return TokenUsage(total=sum(r.total for r in rows), input=sum(r.input for r in rows),
                      output=sum(r.output for r in rows),
                      cache_read=sum(r.cache_read for r in rows),
                      cache_creation=sum(r.cache_creation for r in rows))


def _image_block(block: dict) -> ImageRef:
    src = as_dict(block.get("source"))
    media = terminal_text(as_str(src.get("media_type"))[:100])
    if src.get("type") == "base64":
        data = src.get("data")
        return ImageRef(media_type=media, size=len(data) * 3 // 4 if isinstance(data, str) else None)
    if src.get("type") == "url":
        return ImageRef(media_type=media, source="url")
    return ImageRef(source="unknown")


_CC_INJECTED = (
    ("<command-name>", "slash_command"), ("<command-message>", "slash_command"),
    ("<command-args>", "slash_command"),
    ("<local-command-stdout>", "local_command"), ("<local-command-stderr>", "local_command"),
    ("<local-command-caveat>", "local_command"), ("<bash-input>", "local_command"),
    ("<bash-stdout>", "local_command"), ("<bash-stderr>", "local_command"),
    ("<system-reminder>", "system_reminder"), ("<task-notification>", "task_notification"),
    ("<user-prompt-submit-hook>", "hook"),
)
_CC_HIDDEN = frozenset({"file-history-snapshot", "progress", "queue-operation", "attachment",
                        "summary", "ai-title", "custom-title", "last-prompt"})


def _cc_injected_kind(text: str) -> str | None:
    head = text.lstrip()[:64]
    for prefix, kind in _CC_INJECTED:
        if head.startswith(prefix):
            return kind
    return None


class ClaudeCodeParser(Parser):
    def __init__(self, text_filter: TextFilter | None, max_items: int):
        super().__init__(text_filter, max_items)
        self.responses: dict[Any, _Response] = {}   # by message id + request id
        self.blocks: list[SubagentDraft] = []
        self.block_by_key: dict[str, SubagentDraft] = {}
        self.uuid_block: dict[str, SubagentDraft] = {}
        self.current_block: SubagentDraft | None = None
        self.seen_blocks: dict[str, set] = {}
        self.assistant_rows = 0
        self.open_tasks: list[CallDraft] = []
        self.usage_by_block: dict[int, TokenUsage | None] | None = None

    # usage
    def add_usage(self, key: Any, usage: dict, block: int | None) -> None:
        new = _response(usage, self.turn, block)
        old = self.responses.get(key)
        if old is None:
            self.responses[key] = new
        elif new.output >= old.output:         # keep the last/largest record per response
            self.responses[key] = replace(new, turn=old.turn, block=old.block)

    def usage(self) -> tuple[TokenUsage | None, TokenUsage | None, int | None]:
        responses = self.responses.values()
        side = _summed(r for r in responses if r.block is not None)
        return _summed(responses), side, (len(self.responses) if self.assistant_rows else None)

    def block_usage(self, block: int) -> TokenUsage | None:
        if self.usage_by_block is None:
            rows: dict[int, list[_Response]] = {}
            for r in self.responses.values():
                if r.block is not None:
                    rows.setdefault(r.block, []).append(r)
            self.usage_by_block = {b: _summed(rs) for b, rs in rows.items()}
        return self.usage_by_block.get(block)

    def turn_tokens(self) -> dict[int, int]:
        out: dict[int, int] = {}
        for r in self.responses.values():
            out[r.turn] = out.get(r.turn, 0) + r.total
        return out

    # sidechains
    def sidechain_target(self, obj: dict, is_start: bool, prompt: str) -> SubagentDraft:
        agent_id = as_str(obj.get("agentId"))
        parent = as_str(obj.get("parentUuid"))
        block = None
        if agent_id and agent_id in self.block_by_key:
            block = self.block_by_key[agent_id]
        elif not is_start and parent and parent in self.uuid_block:
            block = self.uuid_block[parent]
        elif not is_start and not agent_id and self.current_block is not None:
            block = self.current_block
        if block is None:
            block = SubagentDraft(self.turn, self.line, self.ts, len(self.blocks),
                              agent_id=self.text(agent_id, 200))
            self.blocks.append(block)
            if agent_id:
                self.block_by_key[agent_id] = block
            call = self.task_for(prompt)
            if call is not None:
                call.subagent = block
                block.tool_use_id = call.call_id
                block.description = call.summary
            else:
                self.emit(block)
        uuid = as_str(obj.get("uuid"))
        if uuid:
            self.uuid_block[uuid] = block
        self.current_block = block
        return block

    def task_for(self, prompt: str) -> CallDraft | None:
        """The Task/Agent call a new sidechain belongs to: the open one with the same prompt,
        else the latest open one."""
        pending = [c for c in self.open_tasks if c.result is None and c.subagent is None]
        self.open_tasks = pending
        if prompt:
            for call in reversed(pending):
                if as_str(as_dict(call.input).get("prompt")).strip() == prompt.strip():
                    return call
        return pending[-1] if pending else None

    # rows
    def handle(self, obj: dict) -> None:
        kind = obj.get("type")
        kind = kind if isinstance(kind, str) else ""
        self.note_time(obj.get("timestamp"))
        self.collect_meta(obj)
        if kind == "user":
            self.user(obj)
        elif kind == "assistant":
            self.assistant(obj)
        elif kind == "system":
            self.system(obj)
        elif kind in _CC_HIDDEN:
            self.hidden_row(kind, obj)
        else:
            self.raw_record(kind, obj, self.into(obj))

    def collect_meta(self, obj: dict) -> None:
        if len(self.meta) >= 4 or self.line > 1000:     # the first rows say it all
            return
        for key, name in (("sessionId", "session id"), ("version", "CLI version"),
                          ("cwd", "cwd"), ("gitBranch", "git branch")):
            if name not in self.meta and isinstance(obj.get(key), str) and obj[key]:
                self.meta[name] = obj[key][:500]

    def into(self, obj: dict) -> list | None:
        if obj.get("isSidechain") is True:
            return self.sidechain_target(obj, False, "").items
        return None

    def hidden_row(self, kind: str, obj: dict) -> None:
        if kind == "summary":
            if not self.title:
                self.title = as_str(obj.get("summary"))
        elif kind in ("ai-title", "custom-title"):
            self.title = as_str(obj.get("aiTitle")) or as_str(obj.get("customTitle")) or self.title
        elif kind == "queue-operation" and obj.get("operation") == "remove":
            self.emit(SystemNote(note_kind="queue_remove", level="warning",
                                 text=self.text("queued message removed: " +
                                                as_str(obj.get("content"))), **self.base()))
            return
        elif kind == "attachment":
            att = as_dict(obj.get("attachment"))
            att_type = as_str(att.get("type"))
            if "error" in att_type:
                body = as_str(att.get("content")) or as_str(att.get("stderr")) or \
                    json.dumps(att, ensure_ascii=False)[:2000]
                self.emit(SystemNote(note_kind="hook", level="error",
                                     text=self.text(f"{att_type}: {body}"), **self.base()),
                          self.into(obj))
                return
        self.hidden[kind] += 1

    def user(self, obj: dict) -> None:
        msg = as_dict(obj.get("message"))
        content = msg.get("content")
        sidechain = obj.get("isSidechain") is True
        if isinstance(content, str):
            texts, images, results = [content], [], []
        else:
            texts, images, results = [], [], []
            for block in as_list(content):
                if isinstance(block, str):
                    texts.append(block)
                    continue
                b = as_dict(block)
                btype = b.get("type")
                if btype == "text":
                    texts.append(as_str(b.get("text")))
                elif btype == "image":
                    images.append(_image_block(b))
                elif btype == "tool_result":
                    results.append(b)
                elif b:
                    self.raw_record(f"user block {str(btype)[:50]}", b, self.into(obj))
        text = "\n\n".join(t for t in texts if t)
        into = None
        if sidechain:
            is_start = not obj.get("parentUuid") and not results
            into = self.sidechain_target(obj, is_start, text).items
        for res in results:
            self.tool_result(res, obj, into)
        if results and text.lstrip().startswith("[Request interrupted by user"):
            for res in results:
                call = self.calls.get(as_str(res.get("tool_use_id")))
                if call is not None:
                    call.interrupted = True
        if not text and not images:
            return
        if obj.get("isCompactSummary") is True:
            self.emit(InjectedContext(context_kind="compact_summary", text=self.text(text),
                                      **self.base()), into)
        elif obj.get("isMeta") is True:
            self.emit(InjectedContext(context_kind="meta", text=self.text(text), **self.base()),
                      into)
        elif text.lstrip().startswith("[Request interrupted by user"):
            self.emit(SystemNote(note_kind="interrupted", level="warning",
                                 text=self.summary(text), **self.base()), into)
        elif (kind := _cc_injected_kind(text)) is not None:
            self.emit(InjectedContext(context_kind=kind, text=self.text(text), **self.base()), into)
        elif results and not text.strip():
            pass
        else:
            text = self.text(text)
            if into is None:
                self.start_turn(text)
            self.emit(Prompt(text=text, images=tuple(images), **self.base()), into)

    def tool_result(self, res: dict, obj: dict, into: list | None) -> None:
        call_id = as_str(res.get("tool_use_id"))
        content = res.get("content")
        images: list[ImageRef] = []
        if isinstance(content, str):
            text = content
        else:
            parts = []
            for b in as_list(content):
                if isinstance(b, str):
                    parts.append(b)
                    continue
                b = as_dict(b)
                if b.get("type") == "text":
                    parts.append(as_str(b.get("text")))
                elif b.get("type") == "image":
                    images.append(_image_block(b))
            text = "\n".join(parts)
        tur = obj.get("toolUseResult")
        tur_d = as_dict(tur)
        if not text and tur_d:                       # no content: fall back to the structured copy
            text = "\n".join(x for x in (as_str(tur_d.get("stdout")), as_str(tur_d.get("stderr"))) if x)
        is_error = res.get("is_error") is True
        call = self.calls.get(call_id)
        if call is None:
            if call_id in self.seen_call_ids:       # its call was dropped after MAX_ITEMS
                if is_error and call_id in self.omitted_calls:
                    self.omitted_calls.discard(call_id)
                    self.omitted_errors += 1
                return
            self.orphan(call_id, self.text(text), is_error, tuple(images), into)
            return
        if call.result is not None:                  # a repeated result: keep the first
            return
        call.result = self.text(text)
        call.failed = is_error
        call.images = tuple(images)
        if tur_d.get("interrupted") is True:
            call.interrupted = True
        stats = []
        for key, label in (("status", "status"), ("totalTokens", "tokens"),
                           ("totalToolUseCount", "tool uses"), ("totalDurationMs", "duration ms"),
                           ("agentId", "agent id")):
            value = tur_d.get(key)
            if isinstance(value, (str, int)) and not isinstance(value, bool):
                stats.append((label, self.text(str(value), 200)))
        if stats:
            call.stats = tuple(stats)
        dur = as_int(tur_d.get("totalDurationMs")) or as_int(tur_d.get("durationMs"))
        if dur is not None:
            call.duration_s = dur / 1000
        patch = as_list(tur_d.get("structuredPatch"))
        if patch and call.name in ("Edit", "MultiEdit", "Write"):
            lines = []
            for hunk in patch[:200]:
                h = as_dict(hunk)
                lines.append(f"@@ -{as_int(h.get('oldStart'))},{as_int(h.get('oldLines'))} "
                             f"+{as_int(h.get('newStart'))},{as_int(h.get('newLines'))} @@")
                lines.extend(x for x in as_list(h.get("lines"))[:5000] if isinstance(x, str))
            diff = "\n".join(lines)
            call.diff = self.text(diff)
            call.added, call.removed = count_patch(diff)

    def assistant(self, obj: dict) -> None:
        msg = as_dict(obj.get("message"))
        sidechain = obj.get("isSidechain") is True
        into = self.into(obj)
        block = self.current_block if sidechain else None
        model = msg.get("model")
        is_api_error = obj.get("isApiErrorMessage") is True or model == "<synthetic>"
        self.add_model(model, sidechain)
        if sidechain and block is not None and isinstance(model, str) and model and \
                model != "<synthetic>" and model not in block.models:
            block.models.append(self.short(model))
        msg_id = as_str(msg.get("id"))
        usage = msg.get("usage")
        if is_api_error:
            self.api_errors += 1
        elif isinstance(usage, dict):
            self.assistant_rows += 1
            key: Any = (msg_id, as_str(obj.get("requestId"))) if msg_id else \
                ("row", as_str(obj.get("uuid")) or self.line)
            self.add_usage(key, usage, block.block if block else None)
        content = msg.get("content")
        if isinstance(content, str):
            content = [{"type": "text", "text": content}]
        seen = self.seen_blocks.setdefault(msg_id, set()) if msg_id else set()
        if len(self.seen_blocks) > 64:               # only recent responses can repeat blocks
            for old in list(self.seen_blocks)[:32]:
                if old != msg_id:
                    del self.seen_blocks[old]
        model_s = self.short(model)
        for raw in as_list(content):
            b = as_dict(raw)
            btype = b.get("type")
            if btype == "tool_use":
                draft = self.new_call(as_str(b.get("id")), as_str(b.get("name")), b.get("input"),
                                      into=into)
                if draft is not None and draft.name in ("Task", "Agent"):
                    self.open_tasks.append(draft)
                continue
            sig = (btype, as_str(b.get("text")) or as_str(b.get("thinking")) or as_str(b.get("data")))
            if msg_id and sig in seen:
                continue
            seen.add(sig)
            if btype == "text":
                self.emit(AssistantText(text=self.text(as_str(b.get("text"))), model=model_s,
                                        api_error=is_api_error, **self.base()), into)
            elif btype == "thinking":
                thought = as_str(b.get("thinking"))
                self.emit(Thinking(text=self.text(thought), state="text" if thought.strip()
                                   else "empty", **self.base()), into)
            elif btype == "redacted_thinking":
                self.emit(Thinking(state="redacted", **self.base()), into)
            elif btype == "server_tool_use":
                self.new_call(as_str(b.get("id")), as_str(b.get("name")), b.get("input"), into=into)
            elif isinstance(btype, str) and btype.endswith("_tool_result") and \
                    as_str(b.get("tool_use_id")) in self.calls:
                call = self.calls[as_str(b.get("tool_use_id"))]
                if call.result is None:
                    call.result = self.pretty(b.get("content"))
            elif b or raw is not None:
                self.raw_record(f"assistant block {str(btype)[:50]}", raw, into)

    def system(self, obj: dict) -> None:
        subtype = as_str(obj.get("subtype"))
        level = as_str(obj.get("level")) or "info"
        level = level if level in ("info", "warning", "error") else "info"
        content = as_str(obj.get("content"))
        if subtype == "turn_duration":
            dur = obj.get("durationMs")
            if isinstance(dur, (int, float)) and not isinstance(dur, bool):
                self.active_ms += dur
                self.has_active = True
            self.hidden["system/turn_duration"] += 1
            return
        if subtype == "compact_boundary":
            meta = as_dict(obj.get("compactMetadata"))
            trigger = as_str(meta.get("trigger")) or "auto"
            pre, post = as_int(meta.get("preTokens")), as_int(meta.get("postTokens"))
            sizes = ""
            if pre is not None:
                sizes = f", {fmt.count(pre)} → {fmt.count(post)} tokens" if post is not None \
                    else f", {fmt.count(pre)} tokens before"
            self.emit(SystemNote(note_kind="compaction", level="info",
                                 text=self.text(f"context compacted ({trigger}{sizes})"),
                                 **self.base()), self.into(obj))
            return
        if subtype == "api_error":
            level = "error"
            if not content:
                content = json.dumps(obj.get("error"), ensure_ascii=False)[:2000]
        note_kind = subtype or ("hook" if "hook" in content.lower()[:200] or
                                obj.get("toolUseID") else "system")
        self.emit(SystemNote(note_kind=self.text(note_kind, 100), level=level,
                             text=self.text(content), **self.base()), self.into(obj))


def _recognises(obj: dict) -> bool:
    return "sessionId" in obj or "parentUuid" in obj or obj.get("type") in (
        "user", "assistant", "summary", "file-history-snapshot")


HARNESS = Harness(
    name="claude-code", parser=ClaudeCodeParser, recognises=_recognises, client_adapter=True,
    usage_label="deduplicated by message id + request id",
    usage_note="Claude Code writes one log row per content block and repeats the response's "
               "usage on each, so summing rows (what the manifest reports) counts a split "
               "response several times. This figure counts each API response (message id + "
               "request id) once, subagent rows included.")
