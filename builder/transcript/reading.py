"""Lines of a log -> JSON objects, counting everything that is not one."""
from __future__ import annotations

import io
import json
from typing import Any, Iterator

MAX_LINE_BYTES = 1_000_000  # longer lines are not parsed: a SkippedLine stub instead


def read_lines(source: Any) -> Iterator[tuple[int, int, bytes | None, int]]:
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


class LineReader:
    """Turns lines into objects, counting everything that is not one."""

    def __init__(self, source: Any):
        self.source = read_lines(source)
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
