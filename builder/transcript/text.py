"""Small pure helpers shared by every harness: caps, one-line summaries, defensive field
access, timestamps and pretty JSON."""
from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from typing import Any

from builder import format as fmt

TEXT_CAP = 20_000           # characters kept of any one text field
SUMMARY_CAP = 160           # one-line summaries and previews
RAW_CAP = 10_000            # pretty JSON of an unrecognised record


def cap_text(text: str, limit: int = TEXT_CAP) -> str:
    """At most `limit` characters (cut after a nearby line break, or at a nearby space, so no
    token is split), then a line giving the size of the whole text, which `split_cap` reads
    back: what a page shows of a capped text is then counted against the whole, not the cap."""
    if len(text) <= limit:
        return text
    lines = line_count(text)
    return (text[:_cap_point(text, limit)] + f"\n… cut here: the whole text is {fmt.count(lines)} "
            f"line{'s' if lines != 1 else ''}, {fmt.count(utf8_size(text))} bytes")


def _cap_point(text: str, limit: int) -> int:
    near = max(0, limit - 200)
    newline = text.rfind("\n", near, limit)
    if newline >= 0:
        return newline + 1
    space = text.rfind(" ", near, limit)
    return space if space > 0 else limit


_CAP_LINE = re.compile(r"\n… cut here: the whole text is ([\d,]+) lines?, ([\d,]+) bytes")


def split_cap(text: str) -> tuple[str, tuple[int, int] | None]:
    """(`text` without the line `cap_text` ended it with, (lines, bytes) of the whole text that
    line gives); (text, None) when `text` was not capped."""
    start = text.rfind("\n… cut here: ")
    found = _CAP_LINE.fullmatch(text, start) if start >= 0 else None
    if found is None:
        return text, None
    kept = text[:start]
    lines, size = (int(n.replace(",", "")) for n in found.groups())
    return (kept, (lines, size)) if size > utf8_size(kept) else (text, None)


def line_count(text: str) -> int:
    """Lines of `text` (a last line without a line break counts)."""
    return text.count("\n") + (0 if text.endswith("\n") or not text else 1)


def utf8_size(text: str) -> int:
    return len(text.encode("utf-8", "surrogatepass"))


# Any control character but tab and line feed (a carriage return too), and a lone surrogate:
# what `fmt.visible_text` takes out, and the carriage returns it keeps.
_NOT_PLAIN = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")


def terminal_text(text: str) -> str:
    """`text` as a terminal showed it, in plain text: no escape sequences or control characters,
    of a line that carriage returns wrote over (a progress bar) what was written last, and a
    lone surrogate as the replacement character �."""
    if not _NOT_PLAIN.search(text):
        return text
    text = fmt.visible_text(text)
    if "\r" in text:
        text = "\n".join(_last_written(line) for line in text.replace("\r\n", "\n").split("\n"))
    return text


def _last_written(line: str) -> str:
    return next((part for part in reversed(line.split("\r")) if part), "")


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


def as_int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def as_str(value: Any) -> str:
    return value if isinstance(value, str) else ""


def as_dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list:
    return value if isinstance(value, list) else []


_ANCHOR_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")
_SCALARS = (str, int, float, bool, type(None))


def pretty_json(value: Any) -> str:
    """json.dumps(value, indent=2, ensure_ascii=False), with a fast path for the common flat
    mapping of scalars (indent=2 otherwise runs json's pure-Python encoder)."""
    if isinstance(value, dict) and value and all(isinstance(v, _SCALARS) for v in value.values()):
        dumps = json.dumps
        body = ",\n".join(f"  {dumps(str(k), ensure_ascii=False)}: {dumps(v, ensure_ascii=False)}"
                          for k, v in value.items())
        return "{\n" + body + "\n}"
    return json.dumps(value, indent=2, ensure_ascii=False)


def compact_json(value: Any) -> str:
    """A JSON value on one line (`[785, 3405]`), "…" for one too deep to write."""
    try:
        return json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError, RecursionError):
        return "…"
