"""The parser every harness extends: drafts, capped and filtered text, calls, turns, and the
frozen Transcript at the end."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from itertools import groupby, islice
from typing import TYPE_CHECKING, Any, Callable

from builder.model import TokenUsage
from builder.transcript.items import (NO_TYPE, Item, RawRecord, Subagent, Todo, ToolCall,
                                      ToolResultOrphan, tally_of)
from builder.transcript.model import Transcript, TranscriptStats, Turn
from builder.transcript.text import (RAW_CAP, SUMMARY_CAP, TEXT_CAP, as_dict, as_str, cap_text,
                                     compact_json, one_line, parse_timestamp, pretty_json,
                                     terminal_text)
from builder.transcript.tools import (not_in_its_diff, only_its_summary, set_diff, todo_entries,
                                      tool_summary)


if TYPE_CHECKING:
    from builder.transcript.reading import LineReader

TextFilter = Callable[[str], "tuple[str, int]"]
PREVIEW_FIELDS = 6            # fields of an unrecognised record its card's summary line shows
PREVIEW_VALUE_CUT = 400       # characters of each of them
_ANCHOR_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")


class Draft:
    """An item still being filled in while the log is read; frozen at the end."""

    __slots__ = ()

    def freeze(self, parser: Parser, anchors: set[str]) -> Item:  # pragma: no cover
        raise NotImplementedError


class CallDraft(Draft):
    __slots__ = ("turn", "line", "timestamp", "call_id", "name", "summary", "input_text", "input",
                 "result", "failed", "exit_code", "duration_s", "interrupted", "diff", "added",
                 "removed", "images", "subagent", "stats", "todos", "todo_note")

    def __init__(self, **kw: Any):
        self.result = None
        self.failed = False
        self.exit_code = None
        self.duration_s = None
        self.interrupted = False
        self.diff = ""
        self.added = None
        self.removed = None
        self.images = ()
        self.subagent = None
        self.stats = ()
        self.todos = ()
        self.todo_note = ""
        self.input = None
        self.summary = ""
        self.input_text = ""
        for k, v in kw.items():
            setattr(self, k, v)

    def freeze(self, parser: Parser, anchors: set[str]) -> ToolCall:
        anchor = "call-" + (_ANCHOR_UNSAFE.sub("-", self.call_id)[:80].strip("-") or
                            str(len(anchors) + 1))
        base, n = anchor, 2
        while anchor in anchors:
            anchor, n = f"{base}-{n}", n + 1
        anchors.add(anchor)
        sub = self.subagent.freeze(parser, anchors) if self.subagent is not None else None
        return ToolCall(turn=self.turn, line=self.line, timestamp=self.timestamp,
                        call_id=parser.text(self.call_id, 200), name=self.name,
                        summary=self.summary, input_text=self.input_text, result=self.result,
                        failed=self.failed, exit_code=self.exit_code,
                        duration_s=self.duration_s, interrupted=self.interrupted,
                        diff=self.diff, added=self.added, removed=self.removed,
                        images=self.images, subagent=sub, stats=self.stats, todos=self.todos,
                        todo_note=self.todo_note, anchor=anchor)


class SubagentDraft(Draft):
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

    def freeze(self, parser: Parser, anchors: set[str]) -> Subagent:
        return Subagent(turn=self.turn, line=self.line, timestamp=self.timestamp,
                        items=parser.freeze(self.items, anchors), agent_id=self.agent_id,
                        tool_use_id=self.tool_use_id, description=self.description,
                        models=tuple(self.models), usage=parser.block_usage(self.block))


class Parser:
    """Reads one log: `handle` (per harness) is called with every record, in file order."""

    def __init__(self, text_filter: TextFilter | None, max_items: int):
        self.filter = text_filter
        self.max_items = max_items
        self.items: list = []
        self.turn = 0
        self.turn_prompts: dict[int, tuple[str, datetime | None]] = {}
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
        self.unreadable: list[tuple[int, str]] = []     # (line, error): the first records not read

    # -- text ---------------------------------------------------------------------------------
    def text(self, value: Any, limit: int = TEXT_CAP) -> str:
        if not isinstance(value, str):
            return ""
        value = terminal_text(value)          # before the filter: colour codes hide secrets
        if self.filter is not None and value:
            value, n = self.filter(value)
            self.redactions += n
        return cap_text(value, limit)

    def text_again(self, value: Any, limit: int = TEXT_CAP) -> str:
        """`text` of a value another field already holds: its secrets are counted there."""
        counted = self.redactions
        text = self.text(value, limit)
        self.redactions = counted
        return text

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
        self.turn_prompts[self.turn] = (one_line(text), self.ts)

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
        draft.summary = self.summary(tool_summary(name, arguments, raw_input))
        set_diff(draft, name, arguments, raw_input, self)
        draft.input_text = self.input_shown(draft, name, arguments, raw_input)
        self.set_todos(draft, name, arguments)
        if not self.emit(draft, into):
            if call_id:
                self.omitted_calls.add(call_id)
            return None
        if call_id:
            self.calls[call_id] = draft
        return draft

    def input_shown(self, draft: CallDraft, name: str, arguments: Any, raw_input: str | None
                    ) -> str:
        """A call's input as its opened card shows it: without what its line or its diff
        already shows."""
        if draft.diff:
            arguments, raw_input = not_in_its_diff(name, arguments), None
        if raw_input is not None:
            return self.text(raw_input)
        if arguments is None or only_its_summary(arguments, draft.summary):
            return ""
        return self.pretty(arguments)

    def set_todos(self, draft: CallDraft, name: str, arguments: Any) -> None:
        """A to-do list's entries and note (the input's JSON holds them too)."""
        entries = todo_entries(name, arguments)
        if entries:
            draft.todos = tuple(Todo(self.text_again(text), self.text_again(status, 40))
                                for text, status in entries)
            draft.todo_note = self.text_again(as_str(as_dict(arguments).get("explanation")))

    def orphan(self, call_id: str, text: str, failed: bool, images: tuple, into: list | None
               ) -> None:
        self.orphans += 1
        self.emit(ToolResultOrphan(call_id=self.text(call_id, 200), text=text, failed=failed,
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
        """An unrecognised record, shown as its JSON; `record_type` "" when it has none."""
        record_type = record_type or NO_TYPE
        self.unknown[record_type] += 1
        self.emit(RawRecord(record_type=self.text(record_type, 200), raw=self.pretty(obj, RAW_CAP),
                            preview=self.record_preview(obj), **self.base()), into)

    def record_preview(self, obj: Any) -> str:
        """A record's first fields but its type on one line, "key: value · key: value",
        filtered before it is cut (each value is cut well past what the line shows, and past
        any secret's length, so none is cut short of the filter)."""
        if not isinstance(obj, dict):
            return ""
        fields: list[str] = []
        length = 0
        for key, value in islice(obj.items(), PREVIEW_FIELDS + 1):
            if key == "type" or length > SUMMARY_CAP:
                continue
            shown = value if isinstance(value, str) else compact_json(value)
            fields.append(f"{key}: {shown[:PREVIEW_VALUE_CUT]}")
            length += len(fields[-1]) + 3
        text = terminal_text(" · ".join(fields[:PREVIEW_FIELDS]))
        if self.filter is not None:
            text, _ = self.filter(text)          # counted once, in the record's own block
        return one_line(" ".join(text.split()))

    # -- finishing ----------------------------------------------------------------------------
    def freeze(self, items: list, anchors: set[str]) -> tuple[Item, ...]:
        return tuple(i.freeze(self, anchors) if isinstance(i, Draft) else i for i in items)

    def block_usage(self, block: int) -> TokenUsage | None:
        return None

    def turn_tokens(self) -> dict[int, int]:
        return {}

    def usage(self) -> tuple[TokenUsage | None, TokenUsage | None, int | None]:
        return None, None, None

    def finish(self, harness: Harness, reader: LineReader) -> Transcript:
        items = self.freeze(self.items, set())
        turns = _turns(items, self.turn_prompts, self.turn_tokens())
        tally = tally_of(items)
        usage, side_usage, api_requests = self.usage()
        stats = TranscriptStats(
            lines=reader.lines, records=reader.records, malformed_lines=reader.malformed,
            malformed_line_numbers=tuple(reader.malformed_numbers),
            oversized_lines=reader.oversized, invalid_utf8_lines=reader.invalid_utf8,
            truncated_tail=reader.last_failed, unreadable_records=tuple(self.unreadable),
            tool_calls=self.tool_calls, tool_errors=tally.tool_errors + self.omitted_errors,
            tool_calls_by_name=tuple(sorted(self.by_name.items(), key=lambda kv: (-kv[1], kv[0]))),
            orphan_results=self.orphans, calls_without_result=tally.without_result,
            api_requests=api_requests, api_errors=self.api_errors,
            errors=tally.errors + self.omitted_errors, usage=usage, sidechain_usage=side_usage,
            models=tuple(self.models), subagent_models=tuple(self.sub_models),
            first_timestamp=self.first_ts, last_timestamp=self.last_ts,
            active_seconds=(self.active_ms / 1000) if self.has_active else None,
            unknown_types=_plain_counts(self.unknown), hidden_types=_plain_counts(self.hidden),
            items_omitted=self.omitted, redactions=self.redactions)
        meta = tuple((k, self.text(v, 500)) for k, v in self.meta.items() if v)
        return Transcript(harness=harness.name, items=items, turns=turns, stats=stats,
                          title=self.text(self.title, 300), meta=meta,
                          usage_label=harness.usage_label if usage is not None else "",
                          usage_note=harness.usage_note if usage is not None else "")

    def handle(self, obj: dict) -> None:  # pragma: no cover - overridden
        raise NotImplementedError


def _plain_counts(counts: Counter[str]) -> tuple[tuple[str, int], ...]:
    """Counts by kind, sorted; the kinds (the log names them) as plain text."""
    plain: Counter[str] = Counter()
    for kind, n in counts.items():
        plain[terminal_text(kind)] += n
    return tuple(sorted(plain.items()))


def _turns(items: tuple[Item, ...], prompts: dict[int, tuple[str, datetime | None]],
           tokens: dict[int, int]) -> tuple[Turn, ...]:
    """One Turn per run of top-level items with the same turn number."""
    turns = []
    start = 0
    for number, run in groupby(items, key=lambda item: item.turn):
        group = tuple(run)
        tally = tally_of(group)
        preview, ts = prompts.get(number, ("", group[0].timestamp))
        turns.append(Turn(number=number, start=start, count=len(group), preview=preview,
                          tool_calls=tally.tool_calls, errors=tally.errors,
                          tokens=tokens.get(number), timestamp=ts))
        start += len(group)
    return tuple(turns)


@dataclass(frozen=True)
class Harness:
    """A harness whose logs the site reads (each is registered once, in `harnesses.py`)."""

    name: str                                # as manifests spell it: claude-code, codex…
    parser: type[Parser]
    recognises: Callable[[dict], bool]       # does this record come from one of its logs?
    client_adapter: bool = False             # the share client measures its tokens and calls
    usage_label: str = ""                    # how the parser computes the session's tokens
    usage_note: str = ""                     # … and why that differs from summing log rows
