"""parse_log: detect the harness, run its parser over the lines, say what was wrong."""
from __future__ import annotations

from itertools import chain
from typing import Any, BinaryIO, Iterable

from builder.model import Problem
from builder.transcript.claude_code import ClaudeCodeParser
from builder.transcript.codex import CodexParser
from builder.transcript.generic import GenericParser
from builder.transcript.items import SkippedLine, Transcript
from builder.transcript.parser import TextFilter
from builder.transcript.reading import MAX_LINE_BYTES, LineReader
from builder.transcript.sts import StsParser

MAX_ITEMS = 50_000          # items kept per transcript; stats keep counting beyond it
DETECT_LINES = 64           # lines looked at to detect the harness

_PARSERS = {"claude-code": ClaudeCodeParser, "codex": CodexParser, "sts": StsParser,
            "generic": GenericParser}



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
    reader = LineReader(source)
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
