"""The parser every harness extends: drafts, capped and filtered text, calls, turns, and the
frozen Transcript at the end."""
from __future__ import annotations

import re
from collections import Counter
from datetime import datetime
from typing import TYPE_CHECKING, Any, Callable

from builder.model import TokenUsage
from builder.transcript.items import (AssistantText, RawRecord, Subagent, SystemNote,
                                      ToolCall, ToolResultOrphan, Transcript, TranscriptStats,
                                      Turn)
from builder.transcript.text import (RAW_CAP, SUMMARY_CAP, TEXT_CAP, cap_text, one_line,
                                     parse_timestamp, pretty_json)
from builder.transcript.tools import set_diff, tool_summary

if TYPE_CHECKING:
    from builder.transcript.reading import LineReader

TextFilter = Callable[[str], "tuple[str, int]"]
_ANCHOR_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")

class CallDraft:
    __slots__ = ("turn", "line", "timestamp", "call_id", "name", "summary", "input_text", "input",
                 "result", "is_error", "exit_code", "duration_s", "interrupted", "diff", "added",
                 "removed", "images", "subagent", "stats")

    def __init__(self, **kw: Any):
        self.result = None
        self.is_error = False
        self.exit_code = None
        self.duration_s = None
        self.interrupted = False
        self.diff = ""
        self.added = None
        self.removed = None
        self.images = ()
        self.subagent = None
        self.stats = ()
        self.input = None
        self.summary = ""
        self.input_text = ""
        for k, v in kw.items():
            setattr(self, k, v)


class SubagentDraft:
    __slots__ = ("turn", "line", "timestamp", "items", "agent_id", "tool_use_id", "description",
                 "models", "block")

    def __init__(self, turn: int, line: int, timestamp: datetime | None, block: int,
                 agent_id: str = ""):
        self.turn, self.line, self.timestamp, self.block = turn, line, timestamp, block
        self.items: list = []
        self.agent_id = agent_id
        self.tool_use_id = ""
        self.description = ""
        self.models: list[str] = []


# ---------------------------------------------------------------------------------------------
# The parser

class Parser:
    def __init__(self, text_filter: TextFilter | None, max_items: int):
        self.filter = text_filter
        self.max_items = max_items
        self.items: list = []
        self.turn = 0
        self.turn_prompts: dict[int, tuple[str, datetime | None, int]] = {}
        self.calls: dict[str, CallDraft] = {}
        self.seen_call_ids: set[str] = set()
        self.tool_calls = 0
        self.by_name: Counter[str] = Counter()
        self.orphans = 0
        self.models: list[str] = []
        self.sub_models: list[str] = []
        self.unknown: Counter[str] = Counter()
        self.hidden: Counter[str] = Counter()
        self.redactions = 0
        self.omitted = 0
        self.kept = 0
        self.omitted_calls: set[str] = set()   # ids of calls dropped after max_items
        self.omitted_errors = 0
        self.api_errors = 0
        self.first_ts: datetime | None = None
        self.last_ts: datetime | None = None
        self.title = ""
        self.meta: dict[str, str] = {}
        self.active_ms = 0.0
        self.has_active = False
        self.line = 0
        self.ts: datetime | None = None
        self.short_cache: dict[str, str] = {}

    # -- text ---------------------------------------------------------------------------------
    def text(self, value: Any, limit: int = TEXT_CAP) -> str:
        if not isinstance(value, str):
            return ""
        if self.filter is not None and value:
            value, n = self.filter(value)
            self.redactions += n
        return cap_text(value, limit)

    def summary(self, value: Any) -> str:
        """One line for a card or an index: the first non-empty line, filtered *before* it is
        shortened (a secret is never cut in half and partly shown)."""
        if not isinstance(value, str):
            return ""
        value = value.lstrip()
        end = value.find("\n")
        return one_line(self.text(value if end < 0 else value[:end]), SUMMARY_CAP)

    def shrink(self, value: Any, depth: int = 0) -> Any:
        """A JSON value with every string filtered and capped, lists and depth bounded."""
        if isinstance(value, str):
            return self.text(value)
        if depth > 20:
            return "…"
        if isinstance(value, dict):
            out = {}
            for i, (k, v) in enumerate(value.items()):
                if i >= 500:
                    out["…"] = f"{len(value) - 500} more keys"
                    break
                out[self.text(str(k), 200)] = self.shrink(v, depth + 1)
            return out
        if isinstance(value, list):
            out_list = [self.shrink(v, depth + 1) for v in value[:500]]
            if len(value) > 500:
                out_list.append(f"… {len(value) - 500} more items")
            return out_list
        return value

    def pretty(self, value: Any, limit: int = TEXT_CAP) -> str:
        try:
            return cap_text(pretty_json(self.shrink(value)), limit)
        except (TypeError, ValueError, RecursionError):
            return ""

    # -- items --------------------------------------------------------------------------------
    def emit(self, item: Any, into: list | None = None) -> bool:
        """Append to the top level (or to a subagent's list); False once MAX_ITEMS were kept."""
        if self.max_items and self.kept >= self.max_items:
            self.omitted += 1
            return False
        self.kept += 1
        (self.items if into is None else into).append(item)
        return True

    def base(self) -> dict:
        return {"turn": self.turn, "line": self.line, "timestamp": self.ts}

    def start_turn(self, text: str) -> None:
        """A genuine prompt opens a turn; `text` is the prompt as stored (already filtered)."""
        self.turn += 1
        self.turn_prompts[self.turn] = (one_line(text), self.ts, self.line)

    def new_call(self, call_id: str, name: str, arguments: Any, raw_input: str | None = None,
                 into: list | None = None) -> CallDraft | None:
        """Register a call (deduplicated by id); returns None for a repeated id."""
        if call_id and call_id in self.seen_call_ids:
            return None
        if call_id:
            self.seen_call_ids.add(call_id)
        name = self.text(name or "tool", 200)
        self.tool_calls += 1
        self.by_name[name] += 1
        draft = CallDraft(call_id=call_id, name=name, **self.base())
        draft.input = arguments
        if raw_input is not None:
            draft.input_text = self.text(raw_input)
        elif arguments is not None:
            draft.input_text = self.pretty(arguments)
        draft.summary = self.summary(tool_summary(name, arguments, raw_input))
        set_diff(draft, name, arguments, raw_input, self)
        if not self.emit(draft, into):
            if call_id:
                self.omitted_calls.add(call_id)
            return None
        if call_id:
            self.calls[call_id] = draft
        return draft

    def orphan(self, call_id: str, text: str, is_error: bool, images: tuple, into: list | None
               ) -> None:
        self.orphans += 1
        self.emit(ToolResultOrphan(call_id=self.text(call_id, 200), text=text, is_error=is_error,
                                   images=images, **self.base()), into)

    def note_time(self, value: Any) -> None:
        ts = parse_timestamp(value)
        self.ts = ts
        if ts is not None:
            if self.first_ts is None or ts < self.first_ts:
                self.first_ts = ts
            if self.last_ts is None or ts > self.last_ts:
                self.last_ts = ts

    def short(self, value: Any) -> str:
        """A short, often repeated text (model names): filtered and capped once, then cached."""
        if not isinstance(value, str):
            return ""
        cached = self.short_cache.get(value)
        if cached is None:
            if len(self.short_cache) > 1000:
                self.short_cache.clear()
            cached = self.short_cache[value] = self.text(value, 200)
        return cached

    def add_model(self, model: Any, sidechain: bool = False) -> None:
        if not isinstance(model, str) or not model or model == "<synthetic>":
            return
        model = self.short(model)
        bucket = self.sub_models if sidechain else self.models
        if model not in bucket:
            bucket.append(model)

    def raw_record(self, record_type: str, obj: Any, into: list | None = None) -> None:
        self.unknown[record_type] += 1
        self.emit(RawRecord(record_type=self.text(record_type, 200), raw=self.pretty(obj, RAW_CAP),
                            **self.base()), into)

    # -- finishing ----------------------------------------------------------------------------
    def freeze_list(self, items: list, anchors: set[str]) -> tuple:
        return tuple(self.freeze(i, anchors) for i in items)

    def freeze(self, item: Any, anchors: set[str]) -> Any:
        if isinstance(item, CallDraft):
            anchor = "call-" + (_ANCHOR_UNSAFE.sub("-", item.call_id)[:80].strip("-") or
                                str(len(anchors) + 1))
            base, n = anchor, 2
            while anchor in anchors:
                anchor, n = f"{base}-{n}", n + 1
            anchors.add(anchor)
            sub = self.freeze(item.subagent, anchors) if item.subagent is not None else None
            return ToolCall(turn=item.turn, line=item.line, timestamp=item.timestamp,
                            call_id=self.text(item.call_id, 200), name=item.name,
                            summary=item.summary, input_text=item.input_text, result=item.result,
                            is_error=item.is_error, exit_code=item.exit_code,
                            duration_s=item.duration_s, interrupted=item.interrupted,
                            diff=item.diff, added=item.added, removed=item.removed,
                            images=item.images, subagent=sub, stats=item.stats, anchor=anchor)
        if isinstance(item, SubagentDraft):
            return Subagent(turn=item.turn, line=item.line, timestamp=item.timestamp,
                            items=self.freeze_list(item.items, anchors), agent_id=item.agent_id,
                            tool_use_id=item.tool_use_id, description=item.description,
                            models=tuple(item.models), usage=self.block_usage(item.block))
        return item

    def block_usage(self, block: int) -> TokenUsage | None:
        return None

    def turn_tokens(self) -> dict[int, int]:
        return {}

    def usage(self) -> tuple[TokenUsage | None, TokenUsage | None, int | None]:
        return None, None, None

    def finish(self, harness: str, reader: "LineReader") -> Transcript:
        anchors: set[str] = set()
        items = self.freeze_list(self.items, anchors)
        usage, side_usage, api_requests = self.usage()
        tokens = self.turn_tokens()
        turns: list[Turn] = []
        tool_errors = self.omitted_errors
        without_result = 0
        errors = self.omitted_errors
        acc: list[Any] = []                  # [number, start, count, calls, errors]

        def close() -> None:
            if acc:
                preview, ts, _ = self.turn_prompts.get(acc[0], ("", acc[5], 0))
                turns.append(Turn(number=acc[0], start=acc[1], count=acc[2], preview=preview,
                                  tool_calls=acc[3], errors=acc[4], tokens=tokens.get(acc[0]),
                                  timestamp=ts))

        for idx, item in enumerate(items):
            t_calls, t_err, c_err, c_nores = count_item(item)
            tool_errors += c_err
            without_result += c_nores
            errors += t_err
            if not acc or acc[0] != item.turn:
                close()
                acc = [item.turn, idx, 0, 0, 0, item.timestamp]
            acc[2] += 1
            acc[3] += t_calls
            acc[4] += t_err
        close()
        stats = TranscriptStats(
            lines=reader.lines, records=reader.records, malformed_lines=reader.malformed,
            malformed_line_numbers=tuple(reader.malformed_numbers),
            oversized_lines=reader.oversized, invalid_utf8_lines=reader.invalid_utf8,
            truncated_tail=reader.last_failed,
            tool_calls=self.tool_calls, tool_errors=tool_errors,
            tool_calls_by_name=tuple(sorted(self.by_name.items(), key=lambda kv: (-kv[1], kv[0]))),
            orphan_results=self.orphans, calls_without_result=without_result,
            api_requests=api_requests, api_errors=self.api_errors,
            errors=errors, usage=usage, sidechain_usage=side_usage,
            models=tuple(self.models), subagent_models=tuple(self.sub_models),
            first_timestamp=self.first_ts, last_timestamp=self.last_ts,
            active_seconds=(self.active_ms / 1000) if self.has_active else None,
            unknown_types=tuple(sorted(self.unknown.items())),
            hidden_types=tuple(sorted(self.hidden.items())),
            items_omitted=self.omitted, redactions=self.redactions)
        meta = tuple((k, self.text(v, 500)) for k, v in self.meta.items() if v)
        return Transcript(harness=harness, items=items, turns=tuple(turns), stats=stats,
                          title=self.text(self.title, 300), meta=meta)

    def handle(self, obj: dict) -> None:  # pragma: no cover - overridden
        raise NotImplementedError


def count_item(item: Any) -> tuple[int, int, int, int]:
    """(tool calls, errors, tool errors, calls without result) in an item, nested included."""
    calls = errs = terrs = nores = 0
    if isinstance(item, ToolCall):
        calls += 1
        if item.is_error or item.exit_code not in (None, 0):
            errs += 1
            terrs += 1
        if item.result is None:
            nores += 1
        if item.subagent is not None:
            c, e, t, n = count_item(item.subagent)
            calls, errs, terrs, nores = calls + c, errs + e, terrs + t, nores + n
    elif isinstance(item, Subagent):
        for sub in item.items:
            c, e, t, n = count_item(sub)
            calls, errs, terrs, nores = calls + c, errs + e, terrs + t, nores + n
    elif isinstance(item, (SystemNote, AssistantText)) and item.is_error:
        errs += 1
    elif isinstance(item, ToolResultOrphan) and item.is_error:
        errs += 1
    return calls, errs, terrs, nores
