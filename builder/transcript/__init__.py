"""Native agent logs (Claude Code, Codex, STS, anything else JSONL) -> one render-ready model.

`parse_log(source, harness)` streams the log line by line (bytes or a binary file object; never
the whole file in memory), detects the harness when it is absent or unknown, and returns a
`Transcript`: a flat, ordered tuple of items in file order, per-turn summaries and stats.
Nothing here does I/O beyond reading the file object it is given, and nothing raises on bad
input: malformed, oversized and unknown lines are counted or kept as inert cards.

Everything that reaches an item is plain text (prompts, tool output, raw records) or markdown
*source* (assistant text, notes): escaping and sanitising are the renderer's job. Every text field
is kept as a terminal showed it (`terminal_text`: no escape sequences, no control characters but
tab and line feed) and capped (TEXT_CAP, then a line giving the size of the whole text); base64
images are never kept (an `ImageRef` placeholder says what was there); Codex
`encrypted_content` and thinking signatures are never kept.

Layout: `items` (every kind of item), `model` (transcript, turns, stats), `text`, `tools` and
`reading` (helpers every harness shares), `parser` (the base parser and the `Harness` record),
one module per harness, `harnesses` (the one table of them), `parse` (parse_log), `paging`.
"""
from builder.transcript.harnesses import HARNESSES
from builder.transcript.items import (AssistantText, ImageRef, InjectedContext, Item, Prompt,
                                      RawRecord, SkippedLine, Subagent, SystemNote, Thinking,
                                      ToolCall, ToolResultOrphan)
from builder.transcript.model import LoadedTranscript, Transcript, TranscriptStats, Turn
from builder.transcript.paging import paginate, turn_pages
from builder.transcript.parse import (MAX_ITEMS, detect_harness, harness_named, parse_log,
                                      transcript_problems)
from builder.transcript.parser import Harness
from builder.transcript.text import TEXT_CAP

__all__ = [
    "AssistantText", "HARNESSES", "Harness", "ImageRef", "InjectedContext", "Item",
    "LoadedTranscript", "MAX_ITEMS", "Prompt", "RawRecord", "SkippedLine", "Subagent",
    "SystemNote", "TEXT_CAP", "Thinking", "ToolCall", "ToolResultOrphan", "Transcript",
    "TranscriptStats", "Turn", "detect_harness", "harness_named", "paginate", "parse_log",
    "transcript_problems", "turn_pages",
]
