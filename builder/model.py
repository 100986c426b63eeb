"""The plain data every stage passes along: frozen dataclasses, no behaviour beyond small helpers.

Readers produce the input records (Result, Message, Agent, Trace, Taskforce, Readme) and Problems;
assemble turns them into a Collab (ranked leaderboard, threads, per-agent views). Nothing here does
I/O.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Iterable, Literal

from builder.format import count, printable

Direction = Literal["higher", "lower"]
Status = Literal["agent-run", "negative", "baseline"]
Verification = Literal["valid", "pending", "invalid"]
ResultOrigin = Literal["results-md", "results-json", "leaderboard", "fallback"]


Level = Literal["problem", "note"]
PROBLEM: Level = "problem"
NOTE: Level = "note"
LEVELS: tuple[Level, ...] = (PROBLEM, NOTE)


@dataclass(frozen=True, slots=True)
class Problem:
    """An input the build report names: where it is and why. Both are kept printable (a file
    name that is not UTF-8, or holds control characters, is shown escaped), so a Problem can
    always be logged and shown.

    Its level says what it costs. A PROBLEM (the default, so that nothing is waved through by
    omission): the site does not show something of the bucket, shows it degraded, or the
    operator must act (a file skipped, unreadable or cut at a limit, a secret masked, a value
    dropped or replaced). A NOTE: the site shows the input as written and loses nothing, and
    the operator has nothing to do (a ref to a message not in the bucket, a hidden entry, a
    value the input does not give). `build --strict` fails on problems only."""

    path: str
    reason: str
    level: Level = PROBLEM

    def __post_init__(self) -> None:
        object.__setattr__(self, "path", printable(self.path))
        object.__setattr__(self, "reason", printable(self.reason))

    @property
    def is_note(self) -> bool:
        return self.level == NOTE


def at_level(problems: Iterable[Problem], level: Level) -> tuple[Problem, ...]:
    return tuple(p for p in problems if p.level == level)


def by_level(problems: Iterable[Problem]) -> tuple[Problem, ...]:
    """The problems first, then the notes, each in the order given."""
    problems = tuple(problems)
    return at_level(problems, PROBLEM) + at_level(problems, NOTE)


def levels_counted(problems: Iterable[Problem]) -> str:
    """How many problems and notes: "3 problem(s), 2 note(s)"."""
    problems = tuple(problems)
    return (f"{count(len(at_level(problems, PROBLEM)))} problem(s), "
            f"{count(len(at_level(problems, NOTE)))} note(s)")


@dataclass(frozen=True, slots=True)
class Link:
    label: str
    url: str


@dataclass(frozen=True, slots=True)
class Result:
    """One scored submission, whatever file it came from.

    `id` is unique across the collaboration: its file's name as written (urls.py alone makes it a
    URL segment, so its address is hashed once when it needs one); `source_path` is the bucket
    path it was read from (empty for fallback entries). `score` is None when the row has no
    usable number (it is then listed, never ranked). Timestamps are timezone-aware UTC.
    """

    id: str
    agent: str
    score: float | None
    score_text: str
    method: str
    description: str
    timestamp: datetime | None
    status: Status
    origin: ResultOrigin
    source_path: str
    secondary: float | None = None
    secondary_text: str = ""
    verification: Verification | None = None
    links: tuple[Link, ...] = ()
    artifacts: tuple[str, ...] = ()
    body: str = ""
    extra: tuple[tuple[str, str], ...] = ()


# The type of a message that names none, and the type nearly every agent's message has
# (bucket-formats.md: `agent | system | user`, default `agent`).
DEFAULT_MESSAGE_TYPE = "agent"


@dataclass(frozen=True, slots=True)
class Message:
    """One message_board file. `id` is the filename stem as written (both generations): urls.py
    alone makes it a URL segment or an anchor."""

    id: str
    filename: str
    agent: str
    type: str
    timestamp: datetime | None
    topic: str
    refs: tuple[str, ...]
    body: str
    source_path: str
    via: str = ""
    broadcast: bool = False
    extra: tuple[tuple[str, str], ...] = ()
    omitted_bytes: int = 0                 # the file's bytes past limits.max_message_bytes: `body`
                                           # is the start only, the whole file is in the bucket
    mentions: tuple[str, ...] = ()         # the names `body` @mentions outside code, sorted


@dataclass(frozen=True, slots=True)
class Agent:
    """A registration from agents/*.md; agents seen only in messages or results get a bare one."""

    id: str
    model: str = ""
    harness: str = ""
    tools: tuple[str, ...] = ()
    hf_user: str = ""
    joined: datetime | None = None
    bio: str = ""
    source_path: str = ""
    registered: bool = False


@dataclass(frozen=True, slots=True)
class Readme:
    """The bucket's own README.md: what the collaboration is, its rules, how to take part."""

    source_path: str
    body: str                              # its markdown, without its frontmatter


@dataclass(frozen=True, slots=True)
class Taskforce:
    """A working group: a folder of taskforces/ with a README.md, its charter."""

    id: str                                # the folder's name
    title: str
    members: tuple[str, ...] = ()          # agent ids, as the charter names them, in its order
    leads: tuple[str, ...] = ()            # those of the members it names as leading
    body: str = ""                         # the README's markdown, without its frontmatter
    source_path: str = ""                  # the README's bucket path
    files: tuple[str, ...] = ()            # the names of the folder's other files


@dataclass(frozen=True, slots=True)
class TokenUsage:
    """Token figures as reported; None means unknown, never zero."""

    total: int | None = None
    input: int | None = None
    output: int | None = None
    cache_read: int | None = None
    cache_creation: int | None = None
    reasoning: int | None = None


@dataclass(frozen=True, slots=True)
class Trace:
    """A shared session under traces/{agent}/{session}/ (its transcript is read lazily, per page)."""

    agent: str
    session_id: str
    harness: str
    model: str
    started_at: datetime | None
    ended_at: datetime | None
    promoted_at: datetime | None
    share: str
    completeness: str
    usage: TokenUsage
    tool_calls: int | None
    tool_calls_by_name: tuple[tuple[str, int], ...]
    result_ref: str
    notes: str
    manifest_path: str
    log_path: str | None
    log_size: int | None = None
    extra: tuple[tuple[str, str], ...] = ()
    notes_redactions: int = 0              # secrets this site masked in the manifest (notes, values)


@dataclass(frozen=True, slots=True)
class RankedEntry:
    """A result's place in one leaderboard view. `rank` is None for entries listed but not ranked."""

    rank: int | None
    result: Result
    is_record: bool = False


@dataclass(frozen=True)
class Leaderboard:
    best: tuple[RankedEntry, ...]          # best scored agent-run per agent, ranked
    all: tuple[RankedEntry, ...]           # every scored agent-run, ranked
    baselines: tuple[Result, ...]          # status baseline (from the bucket), shown greyed, not ranked
    negative: tuple[Result, ...]           # status negative: listed apart, not ranked
    invalid: tuple[Result, ...]            # verification invalid: listed apart, not ranked
    unscored: tuple[Result, ...]           # no usable score
    records: tuple[Result, ...]            # results that improved the best-so-far, oldest first
    direction: Direction
    fallback: bool                         # True when `best` shows the configured fallback entries


@dataclass(frozen=True, slots=True)
class Thread:
    """The reply structure around one message: what it refers to and what refers to it."""

    message_id: str
    parents: tuple[str, ...]               # ids of messages this one refs (that exist)
    children: tuple[str, ...]              # ids of messages that ref this one, oldest first
    missing_refs: tuple[str, ...]          # refs that name no known message


@dataclass(frozen=True)
class Collab:
    """Everything the pages are made from, assembled and ordered."""

    results: tuple[Result, ...]            # every result, oldest first
    messages: tuple[Message, ...]          # every message, oldest first (filename order)
    agents: tuple[Agent, ...]              # by id
    traces: tuple[Trace, ...]              # newest first
    leaderboard: Leaderboard
    threads: dict[str, Thread] = field(default_factory=dict)
    problems: tuple[Problem, ...] = ()
    data_as_of: datetime | None = None     # the newest time any input carries
    stale: bool = False                    # a previous copy: the Hub could not be reached
    taskforces: tuple[Taskforce, ...] = ()  # by id
    readme: Readme | None = None           # the bucket's description
