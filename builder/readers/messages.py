"""message_board/*.md in both filename grammars: Gen 1 `{YYYYMMDD-HHmmss}_{agent}_{topic}.md`
(agent-written) and Gen 2 `{YYYYMMDD-HHmmss-mmm}_{agent}.md` (server-written, with `agent`,
`timestamp` and `via` stamped into the frontmatter)."""
from __future__ import annotations

import re
from typing import Any

from builder.config import Config
from builder.markdown import mentioned_names
from builder.model import Message, Problem
from builder.readers.frontmatter import brief, read_frontmatter, to_text
from builder.readers.kinds import Found, InputFile
from builder.readers.values import (
    basename, best_timestamp, name_in, parse_stamped_filename, visible_name,
)

_REF_SEPARATORS = re.compile(r"[,\s]+")
_KNOWN_KEYS = frozenset({"agent", "type", "timestamp", "refs", "via", "broadcast"})
_TRUE_WORDS = frozenset({"true", "yes", "y", "on", "1"})


def read_message(file: InputFile, config: Config) -> Found:
    """A Message, shown from its file name and text when its frontmatter is unusable."""
    path, filename = file.path, basename(file.path)
    stamped = parse_stamped_filename(filename)
    if stamped is None:
        return Found(problems=(Problem(path, "ignored: not named like a message "
                                             "({YYYYMMDD-HHmmss}_{agent}[_{topic}].md)"),))
    front = read_frontmatter(file.text)
    fields: dict[str, Any] = front.data or {}
    dated = best_timestamp(fields.get("timestamp"), filename)
    problems = [Problem(path, note) for note in (*front.notes, *dated.notes)]
    if front.error:
        problems.append(Problem(path, f"{front.error}; message shown from its file name and text"))
    author = name_in(fields, "agent", path, problems)
    named = visible_name(stamped.agent)[0]
    if author and author != named:
        problems.append(Problem(path, f"agent {brief(author)!r} is not the one its file name "
                                      f"gives ({named!r}); credited to {brief(author)!r}"))
    body = front.body.strip()
    message = Message(
        id=message_id(filename),
        filename=filename,
        agent=author or named,
        type=name_in(fields, "type", path, problems).lower() or "agent",
        timestamp=dated.time,
        topic=stamped.topic,
        refs=normalise_refs(fields.get("refs")),
        body=body,
        source_path=path,
        via=to_text(fields.get("via")).strip(),
        broadcast=is_true(fields.get("broadcast")),
        extra=_extra(fields),
        omitted_bytes=file.omitted_bytes,
        mentions=mentioned_names(body),
    )
    return Found(messages=(message,), problems=tuple(problems))


def message_id(name: str) -> str:
    """The filename stem without any folder or `.md`, as written: urls.py alone makes it a URL
    segment (hashed once when it needs a hash), so a ref written as the stem names the message."""
    return basename(name.strip()).removesuffix(".md")


def normalise_refs(value: Any) -> tuple[str, ...]:
    """Message ids from `refs` given as a string, a comma/whitespace list or a YAML list."""
    items = value if isinstance(value, (list, tuple)) else [value]
    refs: dict[str, None] = {}
    for item in items:
        for word in _REF_SEPARATORS.split(to_text(item)):
            ref = message_id(word.strip("'\"`"))
            if ref:
                refs.setdefault(ref, None)
    return tuple(refs)


def is_true(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return to_text(value).strip().lower() in _TRUE_WORDS


def _extra(fields: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    pairs = ((key, to_text(value).strip()) for key, value in fields.items() if key not in _KNOWN_KEYS)
    return tuple((key, text) for key, text in pairs if text)
