"""The transcript model: every item kind a log turns into, turns, stats and the transcript."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar, Union

from builder.model import Problem, TokenUsage
from builder.transcript.text import one_line

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
