"""Codex rollout logs: response items for content, events for meta, cumulative token counts."""
from __future__ import annotations

import json
import re
from collections import Counter
from datetime import datetime
from types import MappingProxyType
from typing import Any, Callable, Mapping

from builder.model import TokenUsage
from builder.transcript.items import (AssistantText, ImageRef, InjectedContext, Prompt,
                                      SystemNote, Thinking)
from builder.transcript.parser import Harness, Parser, TextFilter
from builder.transcript.text import as_dict, as_int, as_list, as_str, terminal_text

_EXIT_RE = re.compile(r"^(?:Exit code:|Process exited with code)\s*(-?\d+)\s*$", re.M)
_WALL_RE = re.compile(r"^Wall time:\s*([\d.]+)\s*seconds?\s*$", re.M)


def _codex_output(output: Any, p: Parser) -> tuple[str, int | None, float | None,
                                                     tuple[ImageRef, ...]]:
    """(text, exit code, duration, images) from any of the known output shapes."""
    images: list[ImageRef] = []
    if isinstance(output, dict):
        output = [output] if output.get("type") else json.dumps(output)
    if isinstance(output, list):
        parts = []
        for item in output:
            d = as_dict(item)
            kind = as_str(d.get("type"))
            if kind in ("input_text", "output_text", "text"):
                parts.append(as_str(d.get("text")))
            elif kind in ("input_image", "image", "output_image"):
                images.append(image_from_url(d.get("image_url")))
            elif isinstance(item, str):
                parts.append(item)
        return p.text("\n".join(parts)), None, None, tuple(images)
    if not isinstance(output, str):
        return "", None, None, ()
    text = output
    exit_code: int | None = None
    duration: float | None = None
    stripped = text.lstrip()
    if stripped.startswith("{"):
        try:
            parsed = json.loads(stripped)
        except (ValueError, RecursionError):
            parsed = None
        if isinstance(parsed, dict) and "output" in parsed:
            meta = as_dict(parsed.get("metadata"))
            exit_code = as_int(meta.get("exit_code"))
            dur = meta.get("duration_seconds")
            duration = float(dur) if isinstance(dur, (int, float)) and not isinstance(dur, bool) \
                else None
            out = parsed.get("output")
            return p.text(out if isinstance(out, str) else json.dumps(out)), exit_code, \
                duration, ()
    head = text[:2000]
    m = _EXIT_RE.search(head)
    if m:
        exit_code = int(m.group(1))
        w = _WALL_RE.search(head)
        if w:
            try:
                duration = float(w.group(1))
            except ValueError:
                duration = None
        marker = text.find("\nOutput:\n")
        if marker >= 0 and marker < 2000:
            text = text[marker + len("\nOutput:\n"):]
        elif text.startswith("Output:\n"):
            text = text[len("Output:\n"):]
    return p.text(text), exit_code, duration, ()


_CODEX_INJECTED = (
    ("<environment_context>", "environment_context"), ("<user_instructions>", "user_instructions"),
    ("<permissions instructions>", "permissions"), ("# AGENTS.md instructions", "user_instructions"),
    ("<INSTRUCTIONS>", "user_instructions"), ("<user_shell_command>", "local_command"),
    ("<collaboration_mode>", "collaboration_mode"), ("<skill>", "skill"),
    ("<turn_aborted>", "turn_aborted"),
)
_CODEX_HIDDEN_EVENTS = frozenset({
    "web_search_end", "item_completed", "agent_reasoning_raw_content",
    "agent_reasoning_section_break", "thread_rolled_back", "image_generation_end",
    "view_image_tool_call", "exec_command_begin", "mcp_tool_call_begin",
})


class _Dual:
    """Codex writes prompts, answers and reasoning twice (response_item and event_msg):
    whichever side comes first is shown, its twin on the other side is skipped."""

    def __init__(self) -> None:
        self.pending: dict[str, Counter] = {"item": Counter(), "event": Counter()}

    def admit(self, side: str, key: tuple) -> bool:
        other = self.pending["event" if side == "item" else "item"]
        if other[key] > 0:
            other[key] -= 1
            if not other[key]:
                del other[key]
            return False
        mine = self.pending[side]
        if len(mine) > 256:
            mine.clear()
        mine[key] += 1
        return True


class CodexParser(Parser):
    def __init__(self, text_filter: TextFilter | None, max_items: int):
        super().__init__(text_filter, max_items)
        self.dual = _Dual()
        self.last_total: dict | None = None
        self.turn_totals: dict[int, int] = {}
        self.cwd = ""
        self.model = ""
        self.task_start: datetime | None = None

    def usage(self) -> tuple[TokenUsage | None, TokenUsage | None, int | None]:
        t = self.last_total
        if t is None:
            return None, None, None
        return TokenUsage(total=as_int(t.get("total_tokens")), input=as_int(t.get("input_tokens")),
                          output=as_int(t.get("output_tokens")),
                          cache_read=as_int(t.get("cached_input_tokens")),
                          cache_creation=as_int(t.get("cache_write_input_tokens")),
                          reasoning=as_int(t.get("reasoning_output_tokens"))), None, None

    def turn_tokens(self) -> dict[int, int]:
        out: dict[int, int] = {}
        previous = 0
        for turn in sorted(self.turn_totals):
            total = self.turn_totals[turn]
            out[turn] = max(0, total - previous)
            previous = total
        return out

    def handle(self, obj: dict) -> None:
        kind = obj.get("type")
        kind = kind if isinstance(kind, str) else ""
        payload = obj.get("payload")
        self.note_time(obj.get("timestamp"))
        if not isinstance(payload, dict):
            self.raw_record(kind, obj)
            return
        if kind == "session_meta":
            self.session_meta(payload)
        elif kind == "turn_context":
            self.turn_context(payload)
        elif kind == "response_item":
            self.response_item(payload, obj)
        elif kind == "event_msg":
            self.event(payload, obj)
        elif kind == "compacted":
            if self.dual.admit("item", ("compaction",)):
                msg = as_str(payload.get("message"))
                self.emit(SystemNote(note_kind="compaction", text=self.text(
                    "context compacted" + (f": {msg}" if msg.strip() else "")), **self.base()))
        else:
            self.raw_record(kind, obj)

    def session_meta(self, p: dict) -> None:
        for key, name in (("id", "session id"), ("cli_version", "CLI version"),
                          ("originator", "originator"), ("cwd", "cwd"),
                          ("model_provider", "model provider")):
            if isinstance(p.get(key), str) and name not in self.meta:
                self.meta[name] = p[key][:500]
        if isinstance(p.get("source"), str) and "source" not in self.meta:
            self.meta["source"] = p["source"][:100]
        git = as_dict(p.get("git"))
        for key, name in (("branch", "git branch"), ("commit_hash", "git commit"),
                          ("repository_url", "git repository")):
            if isinstance(git.get(key), str) and name not in self.meta:
                self.meta[name] = git[key][:500]
        self.cwd = self.cwd or as_str(p.get("cwd"))
        self.add_model(p.get("model"))
        if isinstance(p.get("model"), str):
            self.model = p["model"]
        instructions = as_str(as_dict(p.get("base_instructions")).get("text")) or \
            as_str(p.get("instructions"))
        if instructions.strip():
            self.emit(InjectedContext(context_kind="base_instructions",
                                      text=self.text(instructions), **self.base()))

    def turn_context(self, p: dict) -> None:
        model, cwd = as_str(p.get("model")), as_str(p.get("cwd"))
        self.add_model(model)
        if cwd and self.cwd and cwd != self.cwd:
            self.emit(SystemNote(note_kind="cwd", text=self.text(f"working directory: {cwd}"),
                                 **self.base()))
        if model and self.model and model != self.model:
            self.emit(SystemNote(note_kind="model", text=self.text(f"model: {model}"),
                                 **self.base()))
        self.cwd = cwd or self.cwd
        self.model = model or self.model
        self.hidden["turn_context"] += 1

    def message_text(self, content: Any) -> tuple[str, tuple[ImageRef, ...]]:
        if isinstance(content, str):
            return content, ()
        parts, images = [], []
        for item in as_list(content):
            d = as_dict(item)
            if d.get("type") in ("input_text", "output_text", "text", "summary_text"):
                parts.append(as_str(d.get("text")))
            elif d.get("type") in ("input_image", "output_image"):
                images.append(image_from_url(d.get("image_url")))
        return "\n\n".join(x for x in parts if x), tuple(images)

    def user_text(self, text: str, images: tuple, side: str) -> None:
        head = text.lstrip()[:64]
        for prefix, kind in _CODEX_INJECTED:
            if head.startswith(prefix):
                if side == "item":
                    self.emit(InjectedContext(context_kind=kind, text=self.text(text),
                                              **self.base()))
                return
        if not text.strip() and not images:
            return
        if self.dual.admit(side, ("prompt", text.strip())):
            text = self.text(text)
            self.start_turn(text)
            self.emit(Prompt(text=text, images=images, **self.base()))

    def response_item(self, p: dict, obj: dict) -> None:
        kind = as_str(p.get("type"))
        if kind == "message":
            role = as_str(p.get("role"))
            text, images = self.message_text(p.get("content"))
            if role == "user":
                self.user_text(text, images, "item")
            elif role == "assistant":
                if text.strip() and self.dual.admit("item", ("answer", text.strip())):
                    self.emit(AssistantText(text=self.text(text), model=self.short(self.model),
                                            **self.base()))
            elif role in ("developer", "system"):
                self.emit(InjectedContext(context_kind=role, text=self.text(text), **self.base()))
            else:
                self.raw_record(f"message/{role[:50]}", obj)
        elif kind == "reasoning":
            summary = "\n\n".join(as_str(as_dict(s).get("text")) for s in as_list(p.get("summary"))
                                  if as_str(as_dict(s).get("text")))
            if not summary:
                summary = "\n\n".join(as_str(as_dict(s).get("text")) for s in as_list(p.get("content"))
                                      if as_str(as_dict(s).get("text")))
            if summary:
                if self.dual.admit("item", ("reasoning", summary.strip())):
                    self.emit(Thinking(text=self.text(summary), **self.base()))
            else:
                self.emit(Thinking(state="redacted" if p.get("encrypted_content") else "empty",
                                   **self.base()))
        elif kind in ("function_call", "custom_tool_call"):
            name = as_str(p.get("name"))
            if kind == "function_call":
                raw_args = p.get("arguments")
                args: Any = raw_args
                raw_input = None
                if isinstance(raw_args, str):
                    try:
                        args = json.loads(raw_args)
                    except (ValueError, RecursionError):
                        args, raw_input = None, raw_args
                self.new_call(as_str(p.get("call_id")), name, args, raw_input)
            else:
                raw = p.get("input")
                self.new_call(as_str(p.get("call_id")), name, None,
                              raw if isinstance(raw, str) else json.dumps(raw, ensure_ascii=False))
        elif kind in ("local_shell_call", "web_search_call", "image_generation_call",
                      "tool_search_call") or (kind.endswith("_call") and kind):
            name = {"local_shell_call": "local_shell", "web_search_call": "web_search"}.get(
                kind, kind.removesuffix("_call"))
            args = p.get("action") if "action" in p else {k: v for k, v in p.items()
                                                           if k not in ("type", "call_id", "id")}
            call_id = as_str(p.get("call_id")) or as_str(p.get("id"))
            draft = self.new_call(call_id, name, args)
            if draft is not None and as_str(p.get("status")) in ("completed", "failed") and \
                    kind != "local_shell_call":
                draft.result = ""
                draft.failed = p.get("status") == "failed"
        elif kind.endswith("_output") and "call_id" in p:
            self.call_output(p)
        elif kind == "ghost_snapshot":
            self.hidden["response_item/ghost_snapshot"] += 1
        elif kind == "compaction":
            if self.dual.admit("item", ("compaction",)):
                self.emit(SystemNote(note_kind="compaction", text="context compacted",
                                     **self.base()))
        else:
            self.raw_record(f"response_item/{kind[:50] or '?'}", obj)

    def call_output(self, p: dict) -> None:
        call_id = as_str(p.get("call_id"))
        text, exit_code, duration, images = _codex_output(p.get("output"), self)
        call = self.calls.get(call_id)
        if call is None:
            if call_id and call_id in self.seen_call_ids:
                if exit_code not in (None, 0) and call_id in self.omitted_calls:
                    self.omitted_calls.discard(call_id)
                    self.omitted_errors += 1
                return
            self.orphan(call_id, text, exit_code not in (None, 0), images, None)
            return
        if call.result is not None and call.result != "":
            return
        call.result = text
        call.exit_code = exit_code
        call.duration_s = duration
        call.images = images
        call.failed = False                   # a non-zero exit code is the error

    def event(self, p: dict, obj: dict) -> None:
        kind = as_str(p.get("type"))
        handler = _EVENTS.get(kind)
        if handler is not None:
            handler(self, p)
        elif kind in _CODEX_HIDDEN_EVENTS:
            self.hidden[f"event_msg/{kind}"] += 1
        else:
            self.hidden[f"event_msg/{kind[:50] or '?'}"] += 1

    def on_token_count(self, p: dict) -> None:
        total = as_dict(as_dict(p.get("info")).get("total_token_usage"))
        if total and as_int(total.get("total_tokens")) is not None:
            self.last_total = total           # cumulative: the last one is the session total
            self.turn_totals[self.turn] = as_int(total.get("total_tokens")) or 0
        self.hidden["event_msg/token_count"] += 1

    def on_user_message(self, p: dict) -> None:
        images = tuple(image_from_url(u) for u in as_list(p.get("images")))
        self.user_text(as_str(p.get("message")), images, "event")

    def on_agent_message(self, p: dict) -> None:
        text = as_str(p.get("message"))
        if text.strip() and self.dual.admit("event", ("answer", text.strip())):
            self.emit(AssistantText(text=self.text(text), model=self.short(self.model),
                                    **self.base()))

    def on_agent_reasoning(self, p: dict) -> None:
        text = as_str(p.get("text"))
        if text.strip() and self.dual.admit("event", ("reasoning", text.strip())):
            self.emit(Thinking(text=self.text(text), **self.base()))

    def on_task_started(self, p: dict) -> None:
        self.task_start = self.ts
        self.hidden[f"event_msg/{as_str(p.get('type'))}"] += 1

    def on_task_complete(self, p: dict) -> None:
        if self.task_start is not None and self.ts is not None:
            self.active_ms += (self.ts - self.task_start).total_seconds() * 1000
            self.has_active = True
        self.task_start = None
        self.hidden[f"event_msg/{as_str(p.get('type'))}"] += 1

    def on_turn_aborted(self, p: dict) -> None:
        self.emit(SystemNote(note_kind="aborted", level="error", text=self.text(
            "turn aborted: " + (as_str(p.get("reason")) or "unknown reason")), **self.base()))

    def on_context_compacted(self, p: dict) -> None:
        if self.dual.admit("event", ("compaction",)):
            self.emit(SystemNote(note_kind="compaction", text="context compacted",
                                 **self.base()))

    def on_error(self, p: dict) -> None:
        self.emit(SystemNote(note_kind="error", level="error",
                             text=self.text(as_str(p.get("message")) or self.pretty(p)),
                             **self.base()))

    def on_review_mode(self, p: dict) -> None:
        body = self.pretty(p.get("review_output")) if p.get("review_output") else ""
        self.emit(SystemNote(note_kind="review", text=self.text(
            as_str(p.get("type")).replace("_", " ") + (f"\n{body}" if body else "")),
            **self.base()))

    def on_patch_apply_end(self, p: dict) -> None:
        call = self.calls.get(as_str(p.get("call_id")))
        if call is not None:
            if p.get("success") is False:
                call.failed = True
            if call.result is None:
                call.result = self.text("\n".join(x for x in (as_str(p.get("stdout")),
                                                               as_str(p.get("stderr"))) if x))
        self.hidden["event_msg/patch_apply_end"] += 1

    def on_exec_command_end(self, p: dict) -> None:
        call = self.calls.get(as_str(p.get("call_id")))
        exit_code = as_int(p.get("exit_code"))
        if call is not None:
            if call.result is None:
                call.result = self.text(as_str(p.get("aggregated_output")) or
                                        as_str(p.get("stdout")))
            if call.exit_code is None and exit_code is not None:
                call.exit_code = exit_code
        self.hidden["event_msg/exec_command_end"] += 1

    def on_mcp_tool_call_end(self, p: dict) -> None:
        call_id = as_str(p.get("call_id"))
        inv = as_dict(p.get("invocation"))
        result = p.get("result")
        if call_id in self.calls:
            call = self.calls[call_id]
        else:
            name = ".".join(x for x in (as_str(inv.get("server")), as_str(inv.get("tool"))) if x)
            call = self.new_call(call_id, name or "mcp", inv.get("arguments"))
        if call is not None and call.result is None:
            err = as_dict(result).get("Err")
            call.result = self.pretty(as_dict(result).get("Ok", result)) if err is None \
                else self.text(str(err))
            call.failed = err is not None

    def on_thread_name_updated(self, p: dict) -> None:
        self.title = as_str(p.get("thread_name")) or as_str(p.get("name")) or self.title
        self.hidden["event_msg/thread_name_updated"] += 1


_EVENTS: Mapping[str, Callable[[CodexParser, dict], None]] = MappingProxyType({
    "token_count": CodexParser.on_token_count, "user_message": CodexParser.on_user_message,
    "agent_message": CodexParser.on_agent_message,
    "agent_reasoning": CodexParser.on_agent_reasoning,
    "task_started": CodexParser.on_task_started, "turn_started": CodexParser.on_task_started,
    "task_complete": CodexParser.on_task_complete,
    "turn_complete": CodexParser.on_task_complete,
    "turn_aborted": CodexParser.on_turn_aborted,
    "context_compacted": CodexParser.on_context_compacted, "error": CodexParser.on_error,
    "entered_review_mode": CodexParser.on_review_mode,
    "exited_review_mode": CodexParser.on_review_mode,
    "patch_apply_end": CodexParser.on_patch_apply_end,
    "exec_command_end": CodexParser.on_exec_command_end,
    "mcp_tool_call_end": CodexParser.on_mcp_tool_call_end,
    "thread_name_updated": CodexParser.on_thread_name_updated,
})


def image_from_url(url: Any) -> ImageRef:
    if isinstance(url, str) and url.startswith("data:"):
        head, _, data = url.partition(",")
        media = terminal_text(head[5:].split(";")[0][:100])
        return ImageRef(media_type=media, size=len(data) * 3 // 4, source="base64")
    if isinstance(url, str):
        return ImageRef(source="url")
    return ImageRef(source="unknown")


def _recognises(obj: dict) -> bool:
    return obj.get("type") in ("session_meta", "response_item", "event_msg", "turn_context") \
        and isinstance(obj.get("payload"), dict)


HARNESS = Harness(
    name="codex", parser=CodexParser, recognises=_recognises, client_adapter=True,
    usage_label="session total from the last cumulative token_count event",
    usage_note="Codex token_count events are cumulative: the session total is the last event's "
               "total_token_usage, never the sum of the events. Codex input includes cached "
               "tokens and output includes reasoning.")
