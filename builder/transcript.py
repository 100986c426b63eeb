"""Native agent logs (Claude Code, Codex, STS, anything else JSONL) -> one render-ready model.

`parse_log(source, harness)` streams the log line by line (bytes or a binary file object; never
the whole file in memory), detects the harness when it is absent or unknown, and returns a
`Transcript`: a flat, ordered tuple of items in file order, per-turn summaries and stats.
Nothing here does I/O beyond reading the file object it is given, and nothing raises on bad
input: malformed, oversized and unknown lines are counted or kept as inert cards.

Everything that reaches an item is plain text (prompts, tool output, raw records) or markdown
*source* (assistant text, notes): escaping and sanitising are the renderer's job. Every text field
is capped (TEXT_CAP, with a "… N more characters" marker); base64 images are never kept (an
`ImageRef` placeholder says what was there); Codex `encrypted_content` and thinking signatures
are never kept.

The item classes (each has a `kind` class attribute for templates):
  Prompt            a genuine user prompt; starts a turn (turn numbers 1.., anchors #t1..)
  AssistantText     model text, markdown source (`is_error` for synthetic API-error rows)
  Thinking          reasoning: `text`, or `state` "empty" (signature only) / "redacted"
  ToolCall          one call joined to its result (`result` None = no result recorded)
  ToolResultOrphan  a result whose call id matches no call
  InjectedContext   harness plumbing that looks like user input (folded): `context_kind`
  SystemNote        notices: compaction, hooks, aborts, errors (`level`)
  Subagent          an inline sidechain's items (inside its Task call, or alone if unmatched)
  RawRecord         an unrecognised record, pretty JSON, capped
  SkippedLine       a line too large to parse (size and byte offset, for a "view raw" link)
"""
from __future__ import annotations

import difflib
import io
import json
import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timezone
from itertools import chain
from typing import Any, BinaryIO, Callable, ClassVar, Iterable, Iterator, Union

from builder.model import Problem, TokenUsage

TEXT_CAP = 20_000           # characters kept of any one text field
SUMMARY_CAP = 160           # one-line summaries and previews
RAW_CAP = 10_000            # pretty JSON of an unrecognised record
MAX_LINE_BYTES = 1_000_000  # longer lines are not parsed: a SkippedLine stub instead
MAX_ITEMS = 50_000          # items kept per transcript; stats keep counting beyond it
DETECT_LINES = 64           # lines looked at to detect the harness

TextFilter = Callable[[str], "tuple[str, int]"]

KNOWN_HARNESSES = ("claude-code", "codex", "sts", "generic")


# ---------------------------------------------------------------------------------------------
# The model

@dataclass(frozen=True, slots=True)
class ImageRef:
    """An image that was in the log (never embedded): what it was and how big."""

    media_type: str = ""
    size: int | None = None          # decoded bytes, estimated from base64 length
    source: str = "base64"           # base64 | url | unknown

    @property
    def label(self) -> str:
        fmt = self.media_type.split("/")[-1] if self.media_type else "unknown format"
        if self.size is None:
            return f"image ({fmt})"
        return f"image ({max(1, round(self.size / 1024))} KB, {fmt})"


@dataclass(frozen=True, slots=True, kw_only=True)
class Item:
    kind: ClassVar[str] = "item"
    turn: int = 0                    # 0 = before the first prompt
    line: int = 0                    # 1-based line number in the log
    timestamp: datetime | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Prompt(Item):
    kind: ClassVar[str] = "prompt"
    text: str
    images: tuple[ImageRef, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class AssistantText(Item):
    kind: ClassVar[str] = "assistant"
    text: str                        # markdown source
    model: str = ""
    is_error: bool = False           # a synthetic API-error message


@dataclass(frozen=True, slots=True, kw_only=True)
class Thinking(Item):
    kind: ClassVar[str] = "thinking"
    text: str = ""
    state: str = "text"              # text | empty (signature only) | redacted (opaque)

    @property
    def preview(self) -> str:
        return one_line(self.text) if self.text else "thinking not recorded"


@dataclass(frozen=True, slots=True, kw_only=True)
class Subagent(Item):
    kind: ClassVar[str] = "subagent"
    items: tuple[Item, ...] = ()
    agent_id: str = ""
    tool_use_id: str = ""            # the Task/Agent call it belongs to ("" when unmatched)
    description: str = ""
    models: tuple[str, ...] = ()
    usage: TokenUsage | None = None  # deduplicated, from this block's own rows


@dataclass(frozen=True, slots=True, kw_only=True)
class ToolCall(Item):
    kind: ClassVar[str] = "tool"
    call_id: str
    name: str
    summary: str = ""                # one line: the command, path, pattern, description…
    input_text: str = ""             # pretty JSON (or raw text for custom tools / bad JSON)
    result: str | None = None        # None: no result recorded
    is_error: bool = False
    exit_code: int | None = None
    duration_s: float | None = None
    interrupted: bool = False
    diff: str = ""                   # unified diff / patch text for edits and apply_patch
    added: int | None = None
    removed: int | None = None
    images: tuple[ImageRef, ...] = ()       # images in the result
    subagent: Subagent | None = None        # inline sidechain work done for this call
    stats: tuple[tuple[str, str], ...] = ()  # e.g. Task: tokens, tool uses, duration
    anchor: str = ""                 # unique, [A-Za-z0-9_-], for #deep-links

    @property
    def has_result(self) -> bool:
        return self.result is not None

    @property
    def status(self) -> str:
        if self.interrupted:
            return "interrupted"
        if self.exit_code not in (None, 0):
            return f"exit {self.exit_code}"
        if self.is_error:
            return "error"
        if self.result is None:
            return "no result"
        return "ok"


@dataclass(frozen=True, slots=True, kw_only=True)
class ToolResultOrphan(Item):
    kind: ClassVar[str] = "orphan_result"
    call_id: str
    text: str = ""
    is_error: bool = False
    images: tuple[ImageRef, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class InjectedContext(Item):
    """Looks like user/system input but was injected by the harness: shown folded."""

    kind: ClassVar[str] = "injected"
    context_kind: str                # environment_context, meta, compact_summary, developer, …
    text: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class SystemNote(Item):
    kind: ClassVar[str] = "system"
    note_kind: str                   # compaction, hook, aborted, interrupted, api_error, cwd, …
    text: str = ""
    level: str = "info"              # info | warning | error

    @property
    def is_error(self) -> bool:
        return self.level == "error"


@dataclass(frozen=True, slots=True, kw_only=True)
class RawRecord(Item):
    kind: ClassVar[str] = "raw"
    record_type: str
    raw: str                         # pretty JSON, capped


@dataclass(frozen=True, slots=True, kw_only=True)
class SkippedLine(Item):
    kind: ClassVar[str] = "skipped"
    reason: str                      # oversized
    size: int = 0
    offset: int = 0                  # byte offset of the line in the log


@dataclass(frozen=True, slots=True)
class Turn:
    """One turn: a genuine prompt and everything until the next (number 0: the preamble)."""

    number: int
    start: int                       # index of its first item in Transcript.items
    count: int                       # how many top-level items it has
    preview: str                     # the prompt's first line
    tool_calls: int = 0
    errors: int = 0
    tokens: int | None = None        # Claude Code: deduplicated; Codex: cumulative delta
    timestamp: datetime | None = None

    @property
    def anchor(self) -> str:
        return f"t{self.number}"


@dataclass(frozen=True)
class TranscriptStats:
    lines: int = 0                   # non-blank lines
    records: int = 0                 # lines parsed to a JSON object
    malformed_lines: int = 0         # not JSON, or not an object
    malformed_line_numbers: tuple[int, ...] = ()   # the first 20
    oversized_lines: int = 0
    invalid_utf8_lines: int = 0
    truncated_tail: bool = False     # the last line did not parse (a log copied while live)
    tool_calls: int = 0
    tool_errors: int = 0
    tool_calls_by_name: tuple[tuple[str, int], ...] = ()
    orphan_results: int = 0
    calls_without_result: int = 0
    api_requests: int | None = None  # Claude Code: distinct responses (message.id + requestId)
    api_errors: int = 0
    errors: int = 0                  # everything highlighted as an error
    usage: TokenUsage | None = None  # Claude Code: deduplicated; Codex: last cumulative event
    sidechain_usage: TokenUsage | None = None
    models: tuple[str, ...] = ()     # main-thread models, in order of appearance
    subagent_models: tuple[str, ...] = ()
    first_timestamp: datetime | None = None
    last_timestamp: datetime | None = None
    active_seconds: float | None = None
    unknown_types: tuple[tuple[str, int], ...] = ()  # shown as RawRecord cards
    hidden_types: tuple[tuple[str, int], ...] = ()   # bookkeeping rows not shown at all
    items_omitted: int = 0           # items dropped after MAX_ITEMS
    redactions: int = 0


@dataclass(frozen=True)
class Transcript:
    harness: str                     # claude-code | codex | sts | generic
    items: tuple[Item, ...]
    turns: tuple[Turn, ...]
    stats: TranscriptStats
    title: str = ""
    meta: tuple[tuple[str, str], ...] = ()   # session id, cwd, branch, CLI version…


@dataclass(frozen=True)
class LoadedTranscript:
    """What the trace page gets: a transcript, or the reason there is none."""

    state: str                       # ok | off | no-log | too-large | error
    transcript: Transcript | None = None
    note: str = ""                   # human sentence for the page when state != ok
    redactions: int = 0
    problems: tuple[Problem, ...] = ()   # for the build report: degraded or skipped parts


AnyItem = Union[Prompt, AssistantText, Thinking, ToolCall, ToolResultOrphan, InjectedContext,
                SystemNote, Subagent, RawRecord, SkippedLine]


# ---------------------------------------------------------------------------------------------
# Small pure helpers

def cap_text(text: str, limit: int = TEXT_CAP) -> str:
    """At most `limit` characters (cut at a nearby space so no token is split), plus a marker."""
    if len(text) <= limit:
        return text
    cut = limit
    space = max(text.rfind(" ", limit - 200, limit), text.rfind("\n", limit - 200, limit))
    if space > 0:
        cut = space
    return text[:cut] + f"\n… {len(text) - cut:,} more characters"


_WS = re.compile(r"\s+")


def one_line(text: str, limit: int = SUMMARY_CAP) -> str:
    """The first non-empty line, whitespace collapsed, at most `limit` characters."""
    for line in text.splitlines():
        line = _WS.sub(" ", line).strip()
        if line:
            return line if len(line) <= limit else line[:limit - 1] + "…"
    return ""


def parse_timestamp(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value or len(value) > 64:
        return None
    try:
        ts = datetime.fromisoformat(value)
    except ValueError:
        return None
    return ts.replace(tzinfo=timezone.utc) if ts.tzinfo is None else ts.astimezone(timezone.utc)


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []


_ANCHOR_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")
_SCALARS = (str, int, float, bool, type(None))


def _pretty_json(value: Any) -> str:
    """json.dumps(value, indent=2, ensure_ascii=False), with a fast path for the common flat
    mapping of scalars (indent=2 otherwise runs json's pure-Python encoder)."""
    if isinstance(value, dict) and value and all(isinstance(v, _SCALARS) for v in value.values()):
        dumps = json.dumps
        body = ",\n".join(f"  {dumps(str(k), ensure_ascii=False)}: {dumps(v, ensure_ascii=False)}"
                          for k, v in value.items())
        return "{\n" + body + "\n}"
    return json.dumps(value, indent=2, ensure_ascii=False)


# ---------------------------------------------------------------------------------------------
# Line reading

def _lines(source: Any) -> Iterator[tuple[int, int, bytes | None, int]]:
    """(line number, byte offset, bytes or None when oversized, size) for every line."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        source = io.BytesIO(bytes(source))
    readline = getattr(source, "readline", None)
    if readline is None:                       # any iterable of byte lines
        offset = 0
        for n, raw in enumerate(source, 1):
            size = len(raw)
            yield n, offset, (raw if size <= MAX_LINE_BYTES else None), size
            offset += size
        return
    n = 0
    offset = 0
    while True:
        chunk = readline(MAX_LINE_BYTES + 1)
        if not chunk:
            return
        n += 1
        size = len(chunk)
        if size > MAX_LINE_BYTES and not chunk.endswith(b"\n"):
            while True:                        # skip the rest of the line, chunk by chunk
                more = readline(1 << 20)
                if not more:
                    break
                size += len(more)
                if more.endswith(b"\n"):
                    break
            yield n, offset, None, size
        else:
            yield n, offset, chunk, size
        offset += size


# ---------------------------------------------------------------------------------------------
# Mutable drafts used while parsing (frozen at the end)

class _CallDraft:
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


class _SubDraft:
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


class _Usage:
    """Deduplicated usage records: key -> (input, output, cache_read, cache_creation, turn, block)."""

    def __init__(self) -> None:
        self.records: dict[Any, list] = {}

    def add(self, key: Any, usage: dict, turn: int, block: int | None) -> None:
        vals = [_int(usage.get(k)) or 0 for k in
                ("input_tokens", "output_tokens", "cache_read_input_tokens",
                 "cache_creation_input_tokens")]
        old = self.records.get(key)
        if old is None:
            self.records[key] = vals + [turn, block]
        elif vals[1] >= old[1]:                # keep the last/largest record per response
            old[:4] = vals

    @staticmethod
    def _usage(rows: Iterable[list]) -> TokenUsage | None:
        rows = list(rows)
        if not rows:
            return None
        i, o, cr, cc = (sum(r[k] for r in rows) for k in range(4))
        return TokenUsage(total=i + o + cr + cc, input=i, output=o, cache_read=cr,
                          cache_creation=cc)


# ---------------------------------------------------------------------------------------------
# The parser

class _Parser:
    def __init__(self, text_filter: TextFilter | None, max_items: int):
        self.filter = text_filter
        self.max_items = max_items
        self.items: list = []
        self.turn = 0
        self.turn_prompts: dict[int, tuple[str, datetime | None, int]] = {}
        self.calls: dict[str, _CallDraft] = {}
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
            return cap_text(_pretty_json(self.shrink(value)), limit)
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
                 into: list | None = None) -> _CallDraft | None:
        """Register a call (deduplicated by id); returns None for a repeated id."""
        if call_id and call_id in self.seen_call_ids:
            return None
        if call_id:
            self.seen_call_ids.add(call_id)
        name = self.text(name or "tool", 200)
        self.tool_calls += 1
        self.by_name[name] += 1
        draft = _CallDraft(call_id=call_id, name=name, **self.base())
        draft.input = arguments
        if raw_input is not None:
            draft.input_text = self.text(raw_input)
        elif arguments is not None:
            draft.input_text = self.pretty(arguments)
        draft.summary = self.summary(_tool_summary(name, arguments, raw_input))
        _set_diff(draft, name, arguments, raw_input, self)
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
        if isinstance(item, _CallDraft):
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
        if isinstance(item, _SubDraft):
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

    def finish(self, harness: str, reader: "_Reader") -> Transcript:
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
            t_calls, t_err, c_err, c_nores = _count(item)
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


def _count(item: Any) -> tuple[int, int, int, int]:
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
            c, e, t, n = _count(item.subagent)
            calls, errs, terrs, nores = calls + c, errs + e, terrs + t, nores + n
    elif isinstance(item, Subagent):
        for sub in item.items:
            c, e, t, n = _count(sub)
            calls, errs, terrs, nores = calls + c, errs + e, terrs + t, nores + n
    elif isinstance(item, (SystemNote, AssistantText)) and item.is_error:
        errs += 1
    elif isinstance(item, ToolResultOrphan) and item.is_error:
        errs += 1
    return calls, errs, terrs, nores


# ---------------------------------------------------------------------------------------------
# Tool summaries and diffs

def _first_str(args: Any, *keys: str) -> str:
    if not isinstance(args, dict):
        return ""
    for key in keys:
        value = args.get(key)
        if isinstance(value, str) and value.strip():
            return value
        if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
            return _shell_list(value)
    return ""


def _shell_list(cmd: list) -> str:
    if len(cmd) >= 3 and cmd[0] in ("bash", "sh", "zsh", "/bin/bash", "/bin/sh") and \
            cmd[1] in ("-lc", "-c") and isinstance(cmd[2], str):
        return cmd[2]
    return " ".join(str(c) for c in cmd)


def _tool_summary(name: str, args: Any, raw: str | None) -> str:
    base = name.rsplit("__", 1)[-1] if name.startswith("mcp__") else name
    key = base.lower()
    if key == "apply_patch":
        text = raw if raw is not None else (args if isinstance(args, str) else
                                             _first_str(args, "input", "patch"))
        for line in text.splitlines():
            line = line.strip()
            if line.startswith("*** ") and not line.startswith(("*** Begin Patch",
                                                                  "*** End Patch")):
                return line[4:]
        return text
    if raw is not None:
        return raw
    if key in ("bash", "shell", "shell_command", "local_shell", "bashoutput"):
        return _first_str(args, "command", "cmd", "description")
    if key in ("exec_command",):
        return _first_str(args, "cmd", "command")
    if key in ("read", "write", "edit", "multiedit", "notebookedit", "notebookread",
               "view_image", "ls"):
        return _first_str(args, "file_path", "notebook_path", "path")
    if key in ("glob", "grep"):
        pattern = _first_str(args, "pattern", "query")
        where = _first_str(args, "path", "glob")
        return f"{pattern}  in {where}" if pattern and where else pattern
    if key in ("task", "agent"):
        return _first_str(args, "description", "subagent_type", "prompt")
    if key in ("todowrite", "update_plan"):
        items = _list(_dict(args).get("todos") or _dict(args).get("plan"))
        done = sum(1 for t in items if _dict(t).get("status") == "completed")
        return f"{len(items)} items, {done} done" if items else ""
    if key in ("webfetch",):
        return _first_str(args, "url")
    if key in ("websearch", "web_search", "web_search_call"):
        return _first_str(args, "query") or _first_str(_dict(args).get("action"), "query")
    if key == "write_stdin":
        return _first_str(args, "chars", "session_id")
    if key == "skill":
        return _first_str(args, "skill", "command", "name")
    if isinstance(args, dict):
        for value in args.values():
            if isinstance(value, str) and value.strip():
                return value
    if isinstance(args, str):
        return args
    return ""


def _count_patch(text: str) -> tuple[int, int]:
    added = removed = 0
    for line in text.splitlines():
        if line.startswith("+") and not line.startswith("+++"):
            added += 1
        elif line.startswith("-") and not line.startswith("---"):
            removed += 1
    return added, removed


def _unified(old: str, new: str, path: str) -> str:
    old_lines = old.splitlines()[:2000]
    new_lines = new.splitlines()[:2000]
    return "\n".join(difflib.unified_diff(old_lines, new_lines, f"a/{path}", f"b/{path}",
                                          lineterm="", n=2))


def _set_diff(draft: _CallDraft, name: str, args: Any, raw: str | None, p: _Parser) -> None:
    key = name.lower()
    text = ""
    if key == "apply_patch":
        text = raw if raw is not None else (args if isinstance(args, str) else
                                             _first_str(args, "input", "patch"))
    elif key == "edit" and isinstance(args, dict):
        text = _unified(_str(args.get("old_string")), _str(args.get("new_string")),
                        _str(args.get("file_path")))
    elif key == "multiedit" and isinstance(args, dict):
        parts = [_unified(_str(_dict(e).get("old_string")), _str(_dict(e).get("new_string")),
                          _str(args.get("file_path"))) for e in _list(args.get("edits"))[:50]]
        text = "\n".join(part for part in parts if part)
    if text:
        draft.diff = p.text(text)
        draft.added, draft.removed = _count_patch(text)
        if draft.summary:
            draft.summary = cap_text(f"{draft.summary} (+{draft.added} −{draft.removed})",
                                     SUMMARY_CAP + 20)


# ---------------------------------------------------------------------------------------------
# Codex output forms

_EXIT_RE = re.compile(r"^(?:Exit code:|Process exited with code)\s*(-?\d+)\s*$", re.M)
_WALL_RE = re.compile(r"^Wall time:\s*([\d.]+)\s*seconds?\s*$", re.M)


def _codex_output(output: Any, p: _Parser) -> tuple[str, int | None, float | None,
                                                     tuple[ImageRef, ...]]:
    """(text, exit code, duration, images) from any of the known output shapes."""
    images: list[ImageRef] = []
    if isinstance(output, dict):
        output = [output] if output.get("type") else json.dumps(output)
    if isinstance(output, list):
        parts = []
        for item in output:
            d = _dict(item)
            kind = _str(d.get("type"))
            if kind in ("input_text", "output_text", "text"):
                parts.append(_str(d.get("text")))
            elif kind in ("input_image", "image", "output_image"):
                images.append(_image_from_url(d.get("image_url")))
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
            meta = _dict(parsed.get("metadata"))
            exit_code = _int(meta.get("exit_code"))
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


def _image_from_url(url: Any) -> ImageRef:
    if isinstance(url, str) and url.startswith("data:"):
        head, _, data = url.partition(",")
        media = head[5:].split(";")[0]
        return ImageRef(media_type=media[:100], size=len(data) * 3 // 4, source="base64")
    if isinstance(url, str):
        return ImageRef(source="url")
    return ImageRef(source="unknown")


def _image_block(block: dict) -> ImageRef:
    src = _dict(block.get("source"))
    if src.get("type") == "base64":
        data = src.get("data")
        return ImageRef(media_type=_str(src.get("media_type"))[:100],
                        size=len(data) * 3 // 4 if isinstance(data, str) else None)
    if src.get("type") == "url":
        return ImageRef(media_type=_str(src.get("media_type"))[:100], source="url")
    return ImageRef(source="unknown")


# ---------------------------------------------------------------------------------------------
# Claude Code

_CC_INJECTED = (
    ("<command-name>", "slash_command"), ("<command-message>", "slash_command"),
    ("<command-args>", "slash_command"),
    ("<local-command-stdout>", "local_command"), ("<local-command-stderr>", "local_command"),
    ("<local-command-caveat>", "local_command"), ("<bash-input>", "local_command"),
    ("<bash-stdout>", "local_command"), ("<bash-stderr>", "local_command"),
    ("<system-reminder>", "system_reminder"), ("<task-notification>", "task_notification"),
    ("<user-prompt-submit-hook>", "hook"),
)
_CC_HIDDEN = {"file-history-snapshot", "progress", "queue-operation", "attachment", "summary",
              "ai-title", "custom-title", "last-prompt"}


def _cc_injected_kind(text: str) -> str | None:
    head = text.lstrip()[:64]
    for prefix, kind in _CC_INJECTED:
        if head.startswith(prefix):
            return kind
    return None


class _ClaudeParser(_Parser):
    def __init__(self, text_filter: TextFilter | None, max_items: int):
        super().__init__(text_filter, max_items)
        self.usage_records = _Usage()
        self.blocks: list[_SubDraft] = []
        self.block_by_key: dict[str, _SubDraft] = {}
        self.uuid_block: dict[str, _SubDraft] = {}
        self.current_block: _SubDraft | None = None
        self.seen_blocks: dict[str, set] = {}
        self.assistant_rows = 0
        self.open_tasks: list[_CallDraft] = []
        self.usage_by_block: dict[int, TokenUsage | None] | None = None

    # usage
    def usage(self) -> tuple[TokenUsage | None, TokenUsage | None, int | None]:
        recs = self.usage_records.records.values()
        total = _Usage._usage(recs)
        side = _Usage._usage(r for r in recs if r[5] is not None)
        return total, side, (len(self.usage_records.records) if self.assistant_rows else None)

    def block_usage(self, block: int) -> TokenUsage | None:
        if self.usage_by_block is None:
            rows: dict[int, list] = {}
            for r in self.usage_records.records.values():
                if r[5] is not None:
                    rows.setdefault(r[5], []).append(r)
            self.usage_by_block = {b: _Usage._usage(rs) for b, rs in rows.items()}
        return self.usage_by_block.get(block)

    def turn_tokens(self) -> dict[int, int]:
        out: dict[int, int] = {}
        for r in self.usage_records.records.values():
            out[r[4]] = out.get(r[4], 0) + r[0] + r[1] + r[2] + r[3]
        return out

    # sidechains
    def sidechain_target(self, obj: dict, is_start: bool, prompt: str) -> _SubDraft:
        agent_id = _str(obj.get("agentId"))
        parent = _str(obj.get("parentUuid"))
        block = None
        if agent_id and agent_id in self.block_by_key:
            block = self.block_by_key[agent_id]
        elif not is_start and parent and parent in self.uuid_block:
            block = self.uuid_block[parent]
        elif not is_start and not agent_id and self.current_block is not None:
            block = self.current_block
        if block is None:
            block = _SubDraft(self.turn, self.line, self.ts, len(self.blocks),
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
        uuid = _str(obj.get("uuid"))
        if uuid:
            self.uuid_block[uuid] = block
        self.current_block = block
        return block

    def task_for(self, prompt: str) -> _CallDraft | None:
        """The Task/Agent call a new sidechain belongs to: the open one with the same prompt,
        else the latest open one."""
        pending = [c for c in self.open_tasks if c.result is None and c.subagent is None]
        self.open_tasks = pending
        if prompt:
            for call in reversed(pending):
                if _str(_dict(call.input).get("prompt")).strip() == prompt.strip():
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
            self.raw_record(kind or "(no type)", obj, self.into(obj))

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
                self.title = _str(obj.get("summary"))
        elif kind in ("ai-title", "custom-title"):
            self.title = _str(obj.get("aiTitle")) or _str(obj.get("customTitle")) or self.title
        elif kind == "queue-operation" and obj.get("operation") == "remove":
            self.emit(SystemNote(note_kind="queue_remove", level="warning",
                                 text=self.text("queued message removed: " +
                                                _str(obj.get("content"))), **self.base()))
            return
        elif kind == "attachment":
            att = _dict(obj.get("attachment"))
            att_type = _str(att.get("type"))
            if "error" in att_type:
                body = _str(att.get("content")) or _str(att.get("stderr")) or \
                    json.dumps(att, ensure_ascii=False)[:2000]
                self.emit(SystemNote(note_kind="hook", level="error",
                                     text=self.text(f"{att_type}: {body}"), **self.base()),
                          self.into(obj))
                return
        self.hidden[kind] += 1

    def user(self, obj: dict) -> None:
        msg = _dict(obj.get("message"))
        content = msg.get("content")
        sidechain = obj.get("isSidechain") is True
        if isinstance(content, str):
            texts, images, results = [content], [], []
        else:
            texts, images, results = [], [], []
            for block in _list(content):
                if isinstance(block, str):
                    texts.append(block)
                    continue
                b = _dict(block)
                btype = b.get("type")
                if btype == "text":
                    texts.append(_str(b.get("text")))
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
                call = self.calls.get(_str(res.get("tool_use_id")))
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
        call_id = _str(res.get("tool_use_id"))
        content = res.get("content")
        images: list[ImageRef] = []
        if isinstance(content, str):
            text = content
        else:
            parts = []
            for b in _list(content):
                if isinstance(b, str):
                    parts.append(b)
                    continue
                b = _dict(b)
                if b.get("type") == "text":
                    parts.append(_str(b.get("text")))
                elif b.get("type") == "image":
                    images.append(_image_block(b))
            text = "\n".join(parts)
        tur = obj.get("toolUseResult")
        tur_d = _dict(tur)
        if not text and tur_d:                       # no content: fall back to the structured copy
            text = "\n".join(x for x in (_str(tur_d.get("stdout")), _str(tur_d.get("stderr"))) if x)
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
        call.is_error = is_error
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
        dur = _int(tur_d.get("totalDurationMs")) or _int(tur_d.get("durationMs"))
        if dur is not None:
            call.duration_s = dur / 1000
        patch = _list(tur_d.get("structuredPatch"))
        if patch and call.name in ("Edit", "MultiEdit", "Write"):
            lines = []
            for hunk in patch[:200]:
                h = _dict(hunk)
                lines.append(f"@@ -{_int(h.get('oldStart'))},{_int(h.get('oldLines'))} "
                             f"+{_int(h.get('newStart'))},{_int(h.get('newLines'))} @@")
                lines.extend(x for x in _list(h.get("lines"))[:5000] if isinstance(x, str))
            diff = "\n".join(lines)
            call.diff = self.text(diff)
            call.added, call.removed = _count_patch(diff)

    def assistant(self, obj: dict) -> None:
        msg = _dict(obj.get("message"))
        sidechain = obj.get("isSidechain") is True
        into = self.into(obj)
        block = self.current_block if sidechain else None
        model = msg.get("model")
        is_api_error = obj.get("isApiErrorMessage") is True or model == "<synthetic>"
        self.add_model(model, sidechain)
        if sidechain and block is not None and isinstance(model, str) and model and \
                model != "<synthetic>" and model not in block.models:
            block.models.append(self.short(model))
        msg_id = _str(msg.get("id"))
        usage = msg.get("usage")
        if is_api_error:
            self.api_errors += 1
        elif isinstance(usage, dict):
            self.assistant_rows += 1
            key: Any = (msg_id, _str(obj.get("requestId"))) if msg_id else \
                ("row", _str(obj.get("uuid")) or self.line)
            self.usage_records.add(key, usage, self.turn, block.block if block else None)
        content = msg.get("content")
        if isinstance(content, str):
            content = [{"type": "text", "text": content}]
        seen = self.seen_blocks.setdefault(msg_id, set()) if msg_id else set()
        if len(self.seen_blocks) > 64:               # only recent responses can repeat blocks
            for old in list(self.seen_blocks)[:32]:
                if old != msg_id:
                    del self.seen_blocks[old]
        model_s = self.short(model)
        for raw in _list(content):
            b = _dict(raw)
            btype = b.get("type")
            if btype == "tool_use":
                draft = self.new_call(_str(b.get("id")), _str(b.get("name")), b.get("input"),
                                      into=into)
                if draft is not None and draft.name in ("Task", "Agent"):
                    self.open_tasks.append(draft)
                continue
            sig = (btype, _str(b.get("text")) or _str(b.get("thinking")) or _str(b.get("data")))
            if msg_id and sig in seen:
                continue
            seen.add(sig)
            if btype == "text":
                self.emit(AssistantText(text=self.text(_str(b.get("text"))), model=model_s,
                                        is_error=is_api_error, **self.base()), into)
            elif btype == "thinking":
                thought = _str(b.get("thinking"))
                self.emit(Thinking(text=self.text(thought), state="text" if thought.strip()
                                   else "empty", **self.base()), into)
            elif btype == "redacted_thinking":
                self.emit(Thinking(state="redacted", **self.base()), into)
            elif btype == "server_tool_use":
                self.new_call(_str(b.get("id")), _str(b.get("name")), b.get("input"), into=into)
            elif isinstance(btype, str) and btype.endswith("_tool_result") and \
                    _str(b.get("tool_use_id")) in self.calls:
                call = self.calls[_str(b.get("tool_use_id"))]
                if call.result is None:
                    call.result = self.pretty(b.get("content"))
            elif b or raw is not None:
                self.raw_record(f"assistant block {str(btype)[:50]}", raw, into)

    def system(self, obj: dict) -> None:
        subtype = _str(obj.get("subtype"))
        level = _str(obj.get("level")) or "info"
        level = level if level in ("info", "warning", "error") else "info"
        content = _str(obj.get("content"))
        if subtype == "turn_duration":
            dur = obj.get("durationMs")
            if isinstance(dur, (int, float)) and not isinstance(dur, bool):
                self.active_ms += dur
                self.has_active = True
            self.hidden["system/turn_duration"] += 1
            return
        if subtype == "compact_boundary":
            meta = _dict(obj.get("compactMetadata"))
            trigger = _str(meta.get("trigger")) or "auto"
            pre, post = _int(meta.get("preTokens")), _int(meta.get("postTokens"))
            sizes = f", {pre:,} → {post:,} tokens" if pre is not None and post is not None else \
                (f", {pre:,} tokens before" if pre is not None else "")
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


# ---------------------------------------------------------------------------------------------
# Codex

_CODEX_INJECTED = (
    ("<environment_context>", "environment_context"), ("<user_instructions>", "user_instructions"),
    ("<permissions instructions>", "permissions"), ("# AGENTS.md instructions", "user_instructions"),
    ("<INSTRUCTIONS>", "user_instructions"), ("<user_shell_command>", "local_command"),
    ("<collaboration_mode>", "collaboration_mode"), ("<skill>", "skill"),
    ("<turn_aborted>", "turn_aborted"),
)
_CODEX_HIDDEN_EVENTS = {
    "token_count", "task_started", "turn_started", "task_complete", "turn_complete",
    "thread_name_updated", "web_search_end", "item_completed", "agent_reasoning_raw_content",
    "agent_reasoning_section_break", "thread_rolled_back", "image_generation_end",
    "view_image_tool_call", "exec_command_begin", "mcp_tool_call_begin",
}


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


class _CodexParser(_Parser):
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
        return TokenUsage(total=_int(t.get("total_tokens")), input=_int(t.get("input_tokens")),
                          output=_int(t.get("output_tokens")),
                          cache_read=_int(t.get("cached_input_tokens")),
                          cache_creation=_int(t.get("cache_write_input_tokens")),
                          reasoning=_int(t.get("reasoning_output_tokens"))), None, None

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
            self.raw_record(kind or "(no type)", obj)
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
                msg = _str(payload.get("message"))
                self.emit(SystemNote(note_kind="compaction", text=self.text(
                    "context compacted" + (f": {msg}" if msg.strip() else "")), **self.base()))
        else:
            self.raw_record(kind or "(no type)", obj)

    def session_meta(self, p: dict) -> None:
        for key, name in (("id", "session id"), ("cli_version", "CLI version"),
                          ("originator", "originator"), ("cwd", "cwd"),
                          ("model_provider", "model provider")):
            if isinstance(p.get(key), str) and name not in self.meta:
                self.meta[name] = p[key][:500]
        if isinstance(p.get("source"), str) and "source" not in self.meta:
            self.meta["source"] = p["source"][:100]
        git = _dict(p.get("git"))
        for key, name in (("branch", "git branch"), ("commit_hash", "git commit"),
                          ("repository_url", "git repository")):
            if isinstance(git.get(key), str) and name not in self.meta:
                self.meta[name] = git[key][:500]
        self.cwd = self.cwd or _str(p.get("cwd"))
        self.add_model(p.get("model"))
        if isinstance(p.get("model"), str):
            self.model = p["model"]
        instructions = _str(_dict(p.get("base_instructions")).get("text")) or \
            _str(p.get("instructions"))
        if instructions.strip():
            self.emit(InjectedContext(context_kind="base_instructions",
                                      text=self.text(instructions), **self.base()))

    def turn_context(self, p: dict) -> None:
        model, cwd = _str(p.get("model")), _str(p.get("cwd"))
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
        for item in _list(content):
            d = _dict(item)
            if d.get("type") in ("input_text", "output_text", "text", "summary_text"):
                parts.append(_str(d.get("text")))
            elif d.get("type") in ("input_image", "output_image"):
                images.append(_image_from_url(d.get("image_url")))
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
        kind = _str(p.get("type"))
        if kind == "message":
            role = _str(p.get("role"))
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
            summary = "\n\n".join(_str(_dict(s).get("text")) for s in _list(p.get("summary"))
                                  if _str(_dict(s).get("text")))
            if not summary:
                summary = "\n\n".join(_str(_dict(s).get("text")) for s in _list(p.get("content"))
                                      if _str(_dict(s).get("text")))
            if summary:
                if self.dual.admit("item", ("reasoning", summary.strip())):
                    self.emit(Thinking(text=self.text(summary), **self.base()))
            else:
                self.emit(Thinking(state="redacted" if p.get("encrypted_content") else "empty",
                                   **self.base()))
        elif kind in ("function_call", "custom_tool_call"):
            name = _str(p.get("name"))
            if kind == "function_call":
                raw_args = p.get("arguments")
                args: Any = raw_args
                raw_input = None
                if isinstance(raw_args, str):
                    try:
                        args = json.loads(raw_args)
                    except (ValueError, RecursionError):
                        args, raw_input = None, raw_args
                self.new_call(_str(p.get("call_id")), name, args, raw_input)
            else:
                raw = p.get("input")
                self.new_call(_str(p.get("call_id")), name, None,
                              raw if isinstance(raw, str) else json.dumps(raw, ensure_ascii=False))
        elif kind in ("local_shell_call", "web_search_call", "image_generation_call",
                      "tool_search_call") or (kind.endswith("_call") and kind):
            name = {"local_shell_call": "local_shell", "web_search_call": "web_search"}.get(
                kind, kind.removesuffix("_call"))
            args = p.get("action") if "action" in p else {k: v for k, v in p.items()
                                                           if k not in ("type", "call_id", "id")}
            call_id = _str(p.get("call_id")) or _str(p.get("id"))
            draft = self.new_call(call_id, name, args)
            if draft is not None and _str(p.get("status")) in ("completed", "failed") and \
                    kind != "local_shell_call":
                draft.result = ""
                draft.is_error = p.get("status") == "failed"
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
        call_id = _str(p.get("call_id"))
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
        call.is_error = exit_code not in (None, 0)

    def event(self, p: dict, obj: dict) -> None:
        kind = _str(p.get("type"))
        if kind == "token_count":
            info = p.get("info")
            total = _dict(_dict(info).get("total_token_usage"))
            if total and _int(total.get("total_tokens")) is not None:
                self.last_total = total           # cumulative: the last one is the session total
                self.turn_totals[self.turn] = _int(total.get("total_tokens")) or 0
            self.hidden["event_msg/token_count"] += 1
        elif kind == "user_message":
            images = tuple(_image_from_url(u) for u in _list(p.get("images")))
            self.user_text(_str(p.get("message")), images, "event")
        elif kind == "agent_message":
            text = _str(p.get("message"))
            if text.strip() and self.dual.admit("event", ("answer", text.strip())):
                self.emit(AssistantText(text=self.text(text), model=self.short(self.model),
                                        **self.base()))
        elif kind == "agent_reasoning":
            text = _str(p.get("text"))
            if text.strip() and self.dual.admit("event", ("reasoning", text.strip())):
                self.emit(Thinking(text=self.text(text), **self.base()))
        elif kind in ("task_started", "turn_started"):
            self.task_start = self.ts
            self.hidden[f"event_msg/{kind}"] += 1
        elif kind in ("task_complete", "turn_complete"):
            if self.task_start is not None and self.ts is not None:
                self.active_ms += (self.ts - self.task_start).total_seconds() * 1000
                self.has_active = True
            self.task_start = None
            self.hidden[f"event_msg/{kind}"] += 1
        elif kind == "turn_aborted":
            self.emit(SystemNote(note_kind="aborted", level="error", text=self.text(
                "turn aborted: " + (_str(p.get("reason")) or "unknown reason")), **self.base()))
        elif kind == "context_compacted":
            if self.dual.admit("event", ("compaction",)):
                self.emit(SystemNote(note_kind="compaction", text="context compacted",
                                     **self.base()))
        elif kind == "error":
            self.emit(SystemNote(note_kind="error", level="error",
                                 text=self.text(_str(p.get("message")) or self.pretty(p)),
                                 **self.base()))
        elif kind in ("entered_review_mode", "exited_review_mode"):
            body = self.pretty(p.get("review_output")) if p.get("review_output") else ""
            self.emit(SystemNote(note_kind="review", text=self.text(
                kind.replace("_", " ") + (f"\n{body}" if body else "")), **self.base()))
        elif kind == "patch_apply_end":
            call = self.calls.get(_str(p.get("call_id")))
            if call is not None:
                if p.get("success") is False:
                    call.is_error = True
                if call.result is None:
                    call.result = self.text("\n".join(x for x in (_str(p.get("stdout")),
                                                                   _str(p.get("stderr"))) if x))
            self.hidden["event_msg/patch_apply_end"] += 1
        elif kind == "exec_command_end":
            call = self.calls.get(_str(p.get("call_id")))
            exit_code = _int(p.get("exit_code"))
            if call is not None:
                if call.result is None:
                    call.result = self.text(_str(p.get("aggregated_output")) or
                                            _str(p.get("stdout")))
                if call.exit_code is None and exit_code is not None:
                    call.exit_code = exit_code
                    call.is_error = call.is_error or exit_code != 0
            self.hidden["event_msg/exec_command_end"] += 1
        elif kind == "mcp_tool_call_end":
            call_id = _str(p.get("call_id"))
            inv = _dict(p.get("invocation"))
            result = p.get("result")
            if call_id in self.calls:
                call = self.calls[call_id]
            else:
                name = ".".join(x for x in (_str(inv.get("server")), _str(inv.get("tool"))) if x)
                call = self.new_call(call_id, name or "mcp", inv.get("arguments"))
            if call is not None and call.result is None:
                err = _dict(result).get("Err")
                call.result = self.pretty(_dict(result).get("Ok", result)) if err is None \
                    else self.text(str(err))
                call.is_error = err is not None
        elif kind in _CODEX_HIDDEN_EVENTS:
            self.hidden[f"event_msg/{kind}"] += 1
            if kind == "thread_name_updated":
                self.title = _str(p.get("thread_name")) or _str(p.get("name")) or self.title
        else:
            self.hidden[f"event_msg/{kind[:50] or '?'}"] += 1


# ---------------------------------------------------------------------------------------------
# STS (Session Trace Simple Format) and generic JSONL

class _StsParser(_Parser):
    def handle(self, obj: dict) -> None:
        kind = _str(obj.get("type"))
        if kind == "session":
            for key in ("harness", "id", "name"):
                if isinstance(obj.get(key), str):
                    self.meta[key] = obj[key][:500]
            self.title = self.title or _str(obj.get("name"))
            return
        if kind != "message":
            self.raw_record(kind or "(no type)", obj)
            return
        msg = _dict(obj.get("message"))
        ts = msg.get("timestamp")
        if isinstance(ts, (int, float)) and not isinstance(ts, bool) and 0 < ts < 1e14:
            self.ts = datetime.fromtimestamp(ts / 1000, timezone.utc)
            self.first_ts = self.first_ts or self.ts
            self.last_ts = self.ts
        role = _str(msg.get("role"))
        content = msg.get("content")
        if isinstance(content, list):
            content = "\n\n".join(_str(_dict(c).get("text")) for c in content)
        text = _str(content)
        self.add_model(msg.get("model"))
        if role == "user":
            if text.strip():
                text = self.text(text)
                self.start_turn(text)
                self.emit(Prompt(text=text, **self.base()))
        elif role == "assistant":
            if _str(msg.get("reasoningContent")).strip():
                self.emit(Thinking(text=self.text(msg["reasoningContent"]), **self.base()))
            if text.strip():
                self.emit(AssistantText(text=self.text(text), **self.base()))
            for call in _list(msg.get("toolCalls")):
                c = _dict(call)
                fn = _dict(c.get("function"))
                raw = fn.get("arguments")
                try:
                    args = json.loads(raw) if isinstance(raw, str) else raw
                    self.new_call(_str(c.get("id")), _str(fn.get("name")), args)
                except (ValueError, RecursionError):
                    self.new_call(_str(c.get("id")), _str(fn.get("name")), None, str(raw))
        elif role == "tool":
            call_id = _str(msg.get("toolCallId"))
            call = self.calls.get(call_id)
            if call is None:
                self.orphan(call_id, self.text(text), False, (), None)
            elif call.result is None:
                call.result = self.text(text)
                call.is_error = msg.get("isError") is True
        elif role in ("system", "developer"):
            self.emit(InjectedContext(context_kind=role, text=self.text(text), **self.base()))
        else:
            self.raw_record(f"message/{role[:50]}", obj)


class _GenericParser(_Parser):
    def handle(self, obj: dict) -> None:
        kind = obj.get("type")
        self.note_time(obj.get("timestamp"))
        self.raw_record(kind if isinstance(kind, str) and kind else "record", obj)


_PARSERS = {"claude-code": _ClaudeParser, "codex": _CodexParser, "sts": _StsParser,
            "generic": _GenericParser}


# ---------------------------------------------------------------------------------------------
# Entry points

class _Reader:
    """Turns lines into objects, counting everything that is not one."""

    def __init__(self, source: Any):
        self.source = _lines(source)
        self.lines = self.records = self.malformed = self.oversized = self.invalid_utf8 = 0
        self.malformed_numbers: list[int] = []
        self.last_failed = False

    def __iter__(self) -> Iterator[tuple[int, int, Any]]:
        """Yields (line number, byte offset, dict | int size of an oversized line)."""
        for n, offset, raw, size in self.source:
            if raw is None:
                self.lines += 1
                self.oversized += 1
                self.last_failed = False
                yield n, offset, size
                continue
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                text = raw.decode("utf-8", errors="replace")
                self.invalid_utf8 += 1
            if n == 1 and text.startswith("\ufeff"):
                text = text[1:]
            if not text.strip():
                continue
            self.lines += 1
            try:
                obj = json.loads(text)
            except (ValueError, RecursionError):
                obj = None
            if not isinstance(obj, dict):
                self.malformed += 1
                if len(self.malformed_numbers) < 20:
                    self.malformed_numbers.append(n)
                self.last_failed = True
                continue
            self.last_failed = False
            self.records += 1
            yield n, offset, obj


def detect_harness(objects: Iterable[dict]) -> str:
    """claude-code | codex | sts | generic, from the first records of a log (§7.6)."""
    for obj in objects:
        kind = obj.get("type")
        if kind == "session_meta" and isinstance(obj.get("payload"), dict):
            return "codex"
        if kind in ("response_item", "event_msg", "turn_context") and \
                isinstance(obj.get("payload"), dict):
            return "codex"
        if kind == "session" and "harness" in obj:
            return "sts"
        if "sessionId" in obj or "parentUuid" in obj or kind in (
                "user", "assistant", "summary", "file-history-snapshot"):
            return "claude-code"
    return "generic"


def parse_log(source: bytes | BinaryIO | Iterable[bytes], harness: str | None = None, *,
              text_filter: TextFilter | None = None, max_items: int = MAX_ITEMS) -> Transcript:
    """Parse a native log into a Transcript. Never raises on bad content.

    `source`: the log's bytes, or a binary file object (read line by line, bounded memory).
    `harness`: the manifest's value; when absent or not one we know, it is detected from the
    first lines (a known value that the records contradict is overridden by the detection).
    `text_filter`: applied to every text before it is capped (pass `redact.redact`).
    `max_items`: top-level items kept; later ones are counted in `stats.items_omitted`.
    """
    reader = _Reader(source)
    stream = iter(reader)
    head: list[tuple[int, int, Any]] = []
    for entry in stream:
        head.append(entry)
        if len(head) >= DETECT_LINES:
            break
    detected = detect_harness(obj for _, _, obj in head if isinstance(obj, dict))
    wanted = (harness or "").strip().lower()
    if wanted not in _PARSERS or (detected != "generic" and detected != wanted):
        wanted = detected
    parser = _PARSERS[wanted](text_filter, max_items)
    for n, offset, obj in chain(head, stream):
        parser.line = n
        if isinstance(obj, int):
            parser.ts = None
            parser.emit(SkippedLine(reason="oversized", size=obj, offset=offset,
                                    **parser.base()))
            continue
        try:
            parser.handle(obj)
        except Exception:                          # a shape we did not foresee: keep it raw
            parser.raw_record(f"unreadable {str(obj.get('type'))[:50]}", obj)
    return parser.finish(wanted, reader)


def transcript_problems(path: str, transcript: Transcript) -> tuple[Problem, ...]:
    """What the build report should say about a parsed log (nothing when it was clean)."""
    st = transcript.stats
    out = []
    if st.malformed_lines:
        lines = ", ".join(str(n) for n in st.malformed_line_numbers)
        more = "…" if st.malformed_lines > len(st.malformed_line_numbers) else ""
        out.append(f"{st.malformed_lines} malformed line(s) skipped (line {lines}{more})")
    if st.truncated_tail:
        out.append("the last line is truncated (log copied while it was written)")
    if st.oversized_lines:
        out.append(f"{st.oversized_lines} line(s) over {MAX_LINE_BYTES:,} bytes not parsed")
    if st.invalid_utf8_lines:
        out.append(f"invalid UTF-8 in {st.invalid_utf8_lines} line(s); bytes replaced")
    if st.items_omitted:
        out.append(f"{st.items_omitted:,} items after the first {len(transcript.items):,} "
                   "not rendered")
    return tuple(Problem(path, reason) for reason in out)


# ---------------------------------------------------------------------------------------------
# Pagination

def _weight(item: Any) -> int:
    if isinstance(item, Subagent):
        return 1 + sum(_weight(i) for i in item.items)
    if isinstance(item, ToolCall) and item.subagent is not None:
        return 1 + _weight(item.subagent)
    return 1


def paginate(transcript: Transcript, per_page: int) -> tuple[tuple[Item, ...], ...]:
    """Split the items into pages of about `per_page` items (nested items count), whole turns
    per page when they fit; a turn larger than a page is split. No items: no pages."""
    per_page = max(1, per_page)
    pages: list[list] = []
    current: list = []
    weight = 0
    items = transcript.items
    i = 0
    while i < len(items):
        j = i
        while j < len(items) and items[j].turn == items[i].turn:
            j += 1
        group = items[i:j]
        group_weight = sum(_weight(x) for x in group)
        if current and weight + group_weight > per_page:
            pages.append(current)
            current, weight = [], 0
        if group_weight <= per_page:
            current.extend(group)
            weight += group_weight
        else:
            for item in group:
                w = _weight(item)
                if current and weight + w > per_page:
                    pages.append(current)
                    current, weight = [], 0
                current.append(item)
                weight += w
        i = j
    if current:
        pages.append(current)
    return tuple(tuple(p) for p in pages)


def turn_pages(pages: tuple[tuple[Item, ...], ...]) -> dict[int, int]:
    """Turn number -> the 1-based page holding its first item (for the turn index links)."""
    out: dict[int, int] = {}
    for number, page in enumerate(pages, 1):
        for item in page:
            out.setdefault(item.turn, number)
    return out
