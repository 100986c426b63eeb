"""message_board/*.md in both filename grammars: Gen 1 `{YYYYMMDD-HHmmss}_{agent}_{topic}.md`
(agent-written) and Gen 2 `{YYYYMMDD-HHmmss-mmm}_{agent}.md` (server-written, with `agent`,
`timestamp` and `via` stamped into the frontmatter)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from builder.config import Config
from builder.markdown import mentioned_names
from builder.model import DEFAULT_MESSAGE_TYPE, Message, Problem
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
    refs = read_refs(fields.get("refs"))
    problems += [Problem(path, reason) for reason in refs.dropped]
    message = Message(
        id=message_id(filename),
        filename=filename,
        agent=author or named,
        type=name_in(fields, "type", path, problems).lower() or DEFAULT_MESSAGE_TYPE,
        timestamp=dated.time,
        topic=stamped.topic,
        refs=refs.names,
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


@dataclass(frozen=True)
class Refs:
    """What a message's `refs` names (message ids, in order, without duplicates) and why any
    part of it was left out."""
    names: tuple[str, ...] = ()
    dropped: tuple[str, ...] = ()


def read_refs(value: Any) -> Refs:
    """`refs` as the server reads it: a string is split on commas and whitespace; a YAML list
    item is one file name taken whole (trimmed), so a name with a space can be named. A list or
    mapping where a name belongs names no file: it is dropped and said."""
    if isinstance(value, dict):
        return Refs(dropped=(f"refs is a mapping ({brief(value)}), not file names; ignored",))
    if not isinstance(value, (list, tuple)):
        return Refs(names=_unique(_split_ref_words(to_text(value))))
    names: list[str] = []
    dropped: list[str] = []
    for number, item in enumerate(value, 1):
        if isinstance(item, (list, tuple, dict)):
            dropped.append(f"refs item {number} ({brief(item)}) is not a file name; ignored")
        else:
            names.append(_ref_name(to_text(item)))
    return Refs(names=_unique(names), dropped=tuple(dropped))


def _split_ref_words(text: str) -> list[str]:
    return [_ref_name(word) for word in _REF_SEPARATORS.split(text)]


def _ref_name(written: str) -> str:
    return message_id(written.strip().strip("'\"`"))


def _unique(names: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(name for name in names if name))


def is_true(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return to_text(value).strip().lower() in _TRUE_WORDS


def _extra(fields: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    pairs = ((key, to_text(value).strip()) for key, value in fields.items() if key not in _KNOWN_KEYS)
    return tuple((key, text) for key, text in pairs if text)
