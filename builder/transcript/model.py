"""A parsed log: its items, its turns, what was counted while reading it, and what a trace page
gets (a transcript, or why there is none)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from builder.model import Problem, TokenUsage
from builder.transcript.items import Item


@dataclass(frozen=True)
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

    @property
    def title(self) -> str:
        return "Before the first prompt" if self.number == 0 else f"Turn {self.number}"


@dataclass(frozen=True)
class TranscriptStats:
    lines: int = 0                   # non-blank lines
    records: int = 0                 # lines parsed to a JSON object
    malformed_lines: int = 0         # not JSON, or not an object
    malformed_line_numbers: tuple[int, ...] = ()   # the first 20
    oversized_lines: int = 0
    invalid_utf8_lines: int = 0
    truncated_tail: bool = False     # the last line did not parse (a log copied while live)
    unreadable_records: tuple[tuple[int, str], ...] = ()  # (line, error): the parser failed
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
    unknown_format_keys: tuple[str, ...] | None = None   # no harness recognised the log: the
                                                         # keys of its first record


@dataclass(frozen=True)
class Transcript:
    harness: str                     # the registered name of the harness that read it
    items: tuple[Item, ...]
    turns: tuple[Turn, ...]
    stats: TranscriptStats
    title: str = ""
    meta: tuple[tuple[str, str], ...] = ()   # session id, cwd, branch, CLI version…
    usage_label: str = ""            # how stats.usage was computed from the log, in a few words
    usage_note: str = ""             # … and why it differs from what the manifest reports
    counted: bool = True             # False: no parser read the log's structure (every record
                                     # is raw), so its turns, tool calls and errors are unknown

    @property
    def prompted_turns(self) -> int:
        """How many turns a prompt opened (the preamble before the first prompt is not one)."""
        return sum(1 for turn in self.turns if turn.number > 0)


@dataclass(frozen=True)
class LoadedTranscript:
    """What the trace page gets: a transcript, or the reason there is none."""

    state: str                       # ok | off | no-log | too-large | error
    transcript: Transcript | None = None
    note: str = ""                   # human sentence for the page when state != ok
    redactions: int = 0
    problems: tuple[Problem, ...] = ()   # for the build report: degraded or skipped parts
