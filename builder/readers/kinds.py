"""What a reader takes and gives, and how an input kind names the bucket files it reads.

Every reader has one signature, `read(file: InputFile, config: Config) -> Found`: the file's
path and text in (already read, bounded and decoded), typed records and Problems out. Readers
do no I/O and never raise on bad input.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, fields
from typing import Callable, Literal

from builder.config import Config, PathsConfig
from builder.model import Agent, Message, Problem, Readme, Result, Taskforce, Trace, Verification


@dataclass(frozen=True)
class InputFile:
    path: str                          # bucket path, posix
    text: str                          # the file's text ("" for kinds loaded by name only)
    omitted_bytes: int = 0             # bytes past the kind's size cap, left unread
    folder: tuple[str, ...] = ()       # names of every file in its folder (for kinds that ask)
    masked: int = 0                    # secrets masked in `text` (see builder.redact)


@dataclass(frozen=True)
class Verdict:
    """One line of the verification index: a result file's name and its verdict."""

    filename: str
    verdict: Verification


@dataclass(frozen=True)
class Found:
    """What one input file yielded."""

    results: tuple[Result, ...] = ()
    messages: tuple[Message, ...] = ()
    agents: tuple[Agent, ...] = ()
    traces: tuple[Trace, ...] = ()
    taskforces: tuple[Taskforce, ...] = ()
    readmes: tuple[Readme, ...] = ()
    verdicts: tuple[Verdict, ...] = ()
    problems: tuple[Problem, ...] = ()


Reader = Callable[[InputFile, Config], Found]
# How a file is loaded for its reader: whole (skipped when over limits.max_file_bytes), its
# start (cut at limits.max_message_bytes, the rest left out and counted), or not opened at all.
Load = Literal["whole", "start", "name"]


@dataclass(frozen=True)
class InputKind:
    """Bucket files matching `pattern` go to `read`.

    `pattern` is a bucket path in which `{field}` is that field of the `paths` config (an empty
    folder means the bucket's top level), `*` matches within one folder and `**` any depth."""

    pattern: str
    read: Reader
    load: Load = "whole"
    folder: bool = False               # the reader is told the names of its folder's files
    readme: bool = False               # it reads README.md files (which no other kind reads)

    def matcher(self, paths: PathsConfig) -> re.Pattern[str] | None:
        """A regex of the bucket paths this kind reads; None when the config turns it off."""
        values = {f.name: getattr(paths, f.name).strip("/") for f in fields(paths)}
        parts: list[str] = []
        for segment in self.pattern.split("/"):
            if segment == "**":
                parts.append("[^/]+(?:/[^/]+)*")
            elif segment.startswith("{") and segment.endswith("}"):
                if values[segment[1:-1]]:
                    parts.append(re.escape(values[segment[1:-1]]))
            else:
                parts.append("[^/]*".join(re.escape(piece) for piece in segment.split("*")))
        return re.compile("/".join(parts)) if parts else None


def claim(files: tuple[str, ...], kinds: tuple[InputKind, ...], paths: PathsConfig
          ) -> list[tuple[InputKind, str]]:
    """(kind, path) for every file some kind reads, in file order; the first matching kind
    wins. A README.md is a folder's documentation, an input only of the kinds that read them
    (a taskforce's charter, the bucket's own description)."""
    matchers = [(kind, m) for kind in kinds if (m := kind.matcher(paths)) is not None]
    claimed = []
    for path in files:
        readme = path.rsplit("/", 1)[-1].lower() == "readme.md"
        kind = next((kind for kind, m in matchers if kind.readme == readme and m.fullmatch(path)),
                    None)
        if kind is not None:
            claimed.append((kind, path))
    return claimed
