"""parse_log: detect the harness, run its parser over the lines, say what was wrong."""
from __future__ import annotations

from dataclasses import replace
from itertools import chain
from typing import Any, BinaryIO, Iterable

from builder import format as fmt
from builder.model import Problem
from builder.transcript.harnesses import HARNESSES
from builder.transcript.items import SkippedLine
from builder.transcript.model import Transcript
from builder.transcript.parser import Harness, TextFilter
from builder.transcript.reading import MAX_LINE_BYTES, LineReader

MAX_ITEMS = 50_000          # items kept per transcript; stats keep counting beyond it
DETECT_LINES = 64           # lines looked at to detect the harness
KEYS_NAMED = 8              # keys of an unknown log's first record the report names


def harness_named(name: str | None) -> Harness | None:
    """The registered harness a manifest's `harness` value names (None: not one we read)."""
    wanted = (name or "").strip().lower()
    return next((h for h in HARNESSES if h.name == wanted), None)


def detect_harness(objects: Iterable[dict]) -> Harness:
    """The harness that wrote a log, from its first records; the fallback when none says."""
    for obj in objects:
        for harness in HARNESSES:
            if harness.recognises(obj):
                return harness
    return HARNESSES[-1]


def parse_log(source: bytes | BinaryIO | Iterable[bytes], harness: str | None = None, *,
              text_filter: TextFilter | None = None, max_items: int = MAX_ITEMS) -> Transcript:
    """Parse a native log into a Transcript. Never raises on bad content.

    `source`: the log's bytes, or a binary file object (read line by line, bounded memory).
    `harness`: the manifest's value; when absent or not one we know, it is detected from the
    first lines (a known value that the records contradict is overridden by the detection).
    `text_filter`: applied to every text before it is capped (pass `redact.redact`).
    `max_items`: top-level items kept; later ones are counted in `stats.items_omitted`.
    A record its parser fails on is kept as a raw card and listed in
    `stats.unreadable_records` (so the build report names it).
    """
    reader = LineReader(source)
    stream = iter(reader)
    head: list[tuple[int, int, Any]] = []
    for entry in stream:
        head.append(entry)
        if len(head) >= DETECT_LINES:
            break
    records = [obj for _, _, obj in head if isinstance(obj, dict)]
    detected = detect_harness(records)
    chosen = harness_named(harness)
    if chosen is None or (detected is not HARNESSES[-1] and detected is not chosen):
        chosen = detected
    parser = chosen.parser(text_filter, max_items)
    for n, offset, obj in chain(head, stream):
        parser.line = n
        if isinstance(obj, int):
            parser.ts = None
            parser.emit(SkippedLine(reason="oversized", size=obj, offset=offset,
                                    **parser.base()))
            continue
        try:
            parser.handle(obj)
        except Exception as exc:                   # a shape we did not foresee: keep it raw
            if len(parser.unreadable) < 20:
                parser.unreadable.append((n, type(exc).__name__))
            parser.raw_record(f"unreadable {str(obj.get('type'))[:50]}", obj)
    transcript = parser.finish(chosen, reader)
    if detected is not HARNESSES[-1] or not records:
        return transcript
    keys = tuple(fmt.short(parser.text(str(key), 200), 40)
                 for key in list(records[0])[:KEYS_NAMED + 1])
    return replace(transcript, stats=replace(transcript.stats, unknown_format_keys=keys),
                   counted=chosen is not HARNESSES[-1])


def transcript_problems(path: str, transcript: Transcript) -> tuple[Problem, ...]:
    """What the build report should say about a parsed log (nothing when it was clean)."""
    st = transcript.stats
    out = []
    if st.unknown_format_keys is not None:
        out.append(unknown_format_reason(transcript))
    if st.malformed_lines:
        lines = ", ".join(str(n) for n in st.malformed_line_numbers)
        more = "…" if st.malformed_lines > len(st.malformed_line_numbers) else ""
        out.append(f"{fmt.count(st.malformed_lines)} malformed line(s) skipped "
                   f"(line {lines}{more})")
    if st.truncated_tail:
        out.append("the last line is truncated (log copied while it was written)")
    if st.oversized_lines:
        out.append(f"{fmt.count(st.oversized_lines)} line(s) over {fmt.count(MAX_LINE_BYTES)} "
                   "bytes not parsed")
    if st.invalid_utf8_lines:
        out.append(f"invalid UTF-8 in {fmt.count(st.invalid_utf8_lines)} line(s); "
                   "bytes replaced")
    if st.unreadable_records:
        where = ", ".join(f"line {n} ({error})" for n, error in st.unreadable_records)
        out.append(f"records this site could not read, shown raw: {where}")
    if st.items_omitted:
        out.append(f"{fmt.count(st.items_omitted)} items after the first "
                   f"{fmt.count(len(transcript.items))} "
                   "not rendered")
    return tuple(Problem(path, reason) for reason in out)


def unknown_format_reason(transcript: Transcript) -> str:
    """Why a log no harness recognised is shown as it is, naming its first record's keys (what
    a reader needs to tell which tool wrote it)."""
    keys = transcript.stats.unknown_format_keys or ()
    named = ", ".join(keys[:KEYS_NAMED]) + (", …" if len(keys) > KEYS_NAMED else "")
    found = f"first record has keys {named}" if keys else "first record is an empty object"
    shown = ("shown as raw records" if transcript.harness == HARNESSES[-1].name else
             f"read as {transcript.harness}, as its manifest says; records that harness does "
             "not know are shown raw")
    return f"no known log format ({found}): {shown}"
