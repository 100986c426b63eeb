"""One module per input kind, listed in one table. Each reader turns one bucket file into typed
records plus Problems and never raises on bad input; `read_inputs` runs the table over a Bucket.

Nothing from the bucket stops the build: a file that cannot be read, is empty, binary or too
large, or makes its reader fail, becomes a Problem naming it, and the rest is read.
"""
from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from functools import partial
from typing import Callable, Iterable, Mapping, Sequence, TypeVar

from builder import format as fmt
from builder.cache import TextCache, digest_of
from builder.codec import CodecError, decoder, encode
from builder.config import Config, LimitsConfig
from builder.markdown import secrets_shown
from builder.model import Agent, Message, Problem, Readme, Result, Taskforce, Trace
from builder.parallel import parallel_map
from builder.readers.agents import read_agent
from builder.readers.kinds import Found, InputFile, InputKind, claim
from builder.readers.leaderboard import read_leaderboard
from builder.readers.messages import read_message
from builder.readers.readme import read_readme
from builder.readers.results import read_result_json, read_result_md
from builder.readers.taskforces import read_taskforce
from builder.readers.traces import read_trace_file, read_trace_manifest, with_log_sizes
from builder.readers.unread import unread_problems
from builder.readers.values import basename, stem
from builder.readers.verification import read_verification
from builder.redact import (add_counts, masked_reason, named_reason, names_with_secrets,
                            redact_name, redact_shown, shown_secret_spans)
from builder.sources import Bucket, FileStates, OutsideBucket

# Every input the site is made from. A file goes to the first kind whose pattern it matches.
INPUT_KINDS: tuple[InputKind, ...] = (
    InputKind("{leaderboard}", read_leaderboard),
    InputKind("{verification}", read_verification),
    InputKind("{results}/*.md", read_result_md),
    InputKind("{legacy_results}/*.json", read_result_json),
    InputKind("{messages}/*.md", read_message, load="start"),
    InputKind("{agents}/*.md", read_agent),
    InputKind("{traces}/*/*/manifest.md", read_trace_manifest, folder=True),
    InputKind("{traces}/**", read_trace_file, load="name", folder=True),
    InputKind("{taskforces}/*/*", read_taskforce, folder=True, readme=True),
    InputKind("*", read_readme, readme=True),            # the bucket's top level
)
# The kinds the results come from: the first of the table, so that they claim the same files
# alone as in it.
RESULT_KINDS = INPUT_KINDS[:4]


@dataclass(frozen=True)
class Inputs:
    results: tuple[Result, ...]
    messages: tuple[Message, ...]
    agents: tuple[Agent, ...]
    traces: tuple[Trace, ...]
    problems: tuple[Problem, ...]
    taskforces: tuple[Taskforce, ...] = ()
    readme: Readme | None = None
    # Bucket path -> input_key of the file: what the records read from it follow from (not
    # part of what Inputs are equal by: the same records read with another salt are equal).
    keys: Mapping[str, str] = field(default_factory=dict, compare=False, repr=False)


def read_inputs(bucket: Bucket, config: Config,
                kinds: tuple[InputKind, ...] = INPUT_KINDS, cache: TextCache | None = None,
                salt: str = "", states: FileStates | None = None) -> Inputs:
    """Every input the site shows, read from `bucket` where `config.paths` says; bad files become
    Problems (never exceptions). Results and messages come oldest first, agents by id, traces
    by folder, taskforces by id. A file read before with the same `salt` (the code, the config)
    is taken from `cache` rather than parsed again; one whose `states` (settled) are those it
    had then is not even read."""
    bucket, problems = _without_secret_names(bucket)
    claimed = list(claim(bucket.files, kinds, config.paths))
    problems.extend(unread_problems(bucket.files, (path for _, path in claimed), bucket.hidden,
                                    config.paths))
    found, keys = _found(claimed, bucket, config, cache if cache is not None else TextCache(None), salt,
                         states or FileStates({}))
    for one in found:
        problems.extend(one.problems)
    results = [r for one in found for r in one.results]
    if any(r.origin != "leaderboard" for r in results):
        problems[:] = [p for p in problems if not _is_leaderboard_redirect(p, config)]
    verdicts = {v.filename: v.verdict for one in found for v in one.verdicts}
    traces, log_problems = with_log_sizes(bucket, tuple(t for one in found for t in one.traces))
    problems.extend(log_problems)
    messages = [m for one in found for m in one.messages]
    agents = [a for one in found for a in one.agents]
    taskforces = sorted((t for one in found for t in one.taskforces), key=lambda t: t.id)
    return Inputs(
        results=tuple(_unique(_by_time(_apply_verdicts(results, verdicts)), "result", problems)),
        messages=tuple(_unique(_by_time(messages), "message", problems)),
        agents=tuple(_unique(sorted(agents, key=_agent_preference), "agent", problems)),
        traces=tuple(sorted(traces, key=lambda t: (t.agent, t.session_id))),
        problems=tuple(sorted(set(problems), key=lambda p: (p.path, p.reason))),
        taskforces=tuple(taskforces),
        readme=min((r for one in found for r in one.readmes), key=lambda r: r.source_path,
                   default=None),
        keys=keys,
    )


def read_results(bucket: Bucket, config: Config, cache: TextCache | None = None, salt: str = "",
                 states: FileStates | None = None) -> tuple[Result, ...]:
    """`read_inputs(...).results`, looking only at the files they come from (not at every
    file's name for secrets: 0.6 s at 10,000 messages)."""
    files = tuple(path for _, path in claim(bucket.files, RESULT_KINDS, config.paths))
    return read_inputs(replace(bucket, files=files), config, RESULT_KINDS, cache, salt,
                       states).results


def _without_secret_names(bucket: Bucket) -> tuple[Bucket, list[Problem]]:
    """The bucket without the files whose path holds a secret, and the problems of listing it:
    each of those files named with its secrets masked, and the entries the listing left out
    (their names masked too)."""
    named = names_with_secrets(bucket.files)
    problems = _named_problems(named)
    skipped = [replace(p, path=redact_name(p.path)[0]) for p in bucket.skipped]
    hidden = tuple(redact_name(entry)[0] for entry in bucket.hidden)
    if named or hidden != bucket.hidden:
        bucket = replace(bucket, files=tuple(p for p in bucket.files if p not in named),
                         hidden=hidden)
    return bucket, skipped + problems


def _named_problems(named: Mapping[str, tuple[str, dict[str, int]]]) -> list[Problem]:
    """A problem for each file whose name holds secrets, but one for each folder whose name
    holds them (with how many of its files are left out): a trace session named with a token
    holds dozens of files. A file whose own name adds secrets still has its own."""
    problems: list[Problem] = []
    folders: dict[str, tuple[dict[str, int], set[str], list[str]]] = {}
    for path, (masked, counts) in named.items():
        folder = _outermost_named_folder(path)
        if folder is None:
            problems.append(Problem(masked, named_reason(counts)))
            continue
        in_folder = redact_name(folder)
        total, seen, files = folders.setdefault(in_folder[0] + "/", ({}, set(), []))
        if folder not in seen:                     # two folders may be masked alike
            seen.add(folder)
            add_counts(total, in_folder[1])
        files.append(path)
        if sum(counts.values()) > sum(in_folder[1].values()):
            problems.append(Problem(masked, named_reason(counts)))
    problems += [Problem(masked, named_reason(counts, files=len(files)))
                 for masked, (counts, _, files) in folders.items()]
    return problems


def _outermost_named_folder(path: str) -> str | None:
    """The outermost folder on `path` whose own path holds a secret, if one does."""
    at = path.find("/")
    while at >= 0:
        if redact_name(path[:at])[1]:
            return path[:at]
        at = path.find("/", at + 1)
    return None


def _found(claimed: list[tuple[InputKind, str]], bucket: Bucket, config: Config,
           cache: TextCache, salt: str, states: FileStates) -> tuple[list[Found], dict[str, str]]:
    """What each claimed file yields, and the input_key of each file its reader saw. The cache
    remembers the input_key of each file in its settled state: a file in that state again is
    not read. Each worker reads the others (I/O: one read per file) and parses those the cache
    does not hold, on every core; what a file yields comes back as the cache's JSON text,
    cheaper to send than the records. An entry that does not decode (damaged, or records the
    codec cannot carry) is read again here."""
    folders = _folders(bucket.files)
    in_state = [state_key(salt, kind, path, states.settled(path), folders) for kind, path in claimed]
    remembered = [cache.get(key) if key else None for key in in_state]
    unread = [i for i, key in enumerate(remembered) if key is None or not cache.has(key)]
    sent = dict(zip(unread, parallel_map(partial(read_encoded, bucket=bucket, config=config,
                                                 folders=folders, known=cache.has, salt=salt),
                                         [claimed[i] for i in unread])))
    found, keys = [], {}
    for i, (kind, path) in enumerate(claimed):
        key, text = sent[i] if i in sent else (remembered[i], None)
        if key is not None:
            keys[path] = key
            if in_state[i]:
                cache.keep(in_state[i], key)
        if text is None:                          # the cache holds it
            text = cache.get(key) or ""
        try:
            found.append(FOUND(text))
        except CodecError:
            found.append(load_and_read((kind, path), bucket, config, folders))
            continue
        if key is not None:
            cache.keep(key, text)
    return found, keys


FOUND = decoder(Found)


def read_encoded(item: tuple[InputKind, str], bucket: Bucket, config: Config,
                 folders: dict[str, tuple[str, ...]], known: Callable[[str], bool],
                 salt: str) -> tuple[str | None, str | None]:
    """(cache key, JSON text of what the file yields); the text is None when `known` has the
    key, the key None for a file its reader never sees (unreadable, empty, binary...)."""
    kind, path = item
    loaded = load(bucket, kind, path, config.limits, folders)
    if loaded.file is None:
        return None, encode(Found(problems=loaded.problems))
    key = input_key(salt, kind, loaded.file, loaded.problems)
    return key, None if known(key) else encode(read_loaded(kind, loaded, config))


def input_key(salt: str, kind: InputKind, file: InputFile, problems: tuple[Problem, ...]) -> str:
    """A digest of everything a file's records follow from: its reader, what the reader is
    given (the file as loaded), the problems of loading it, and `salt` (code and config)."""
    return digest_of(salt, kind.pattern, _reader_name(kind), file.path, file.text,
                     str(file.omitted_bytes), str(file.masked),
                     "\0".join(file.folder),                # no file name holds a NUL
                     json.dumps([[p.path, p.reason] for p in problems]) if problems else "")


def state_key(salt: str, kind: InputKind, path: str, state: str | None,
              folders: dict[str, tuple[str, ...]]) -> str | None:
    """The cache's key of the input_key of the file at `path` in this (settled) state, with the
    same reader, folder and `salt`; None for a file whose state tells nothing."""
    if state is None:
        return None
    return digest_of(salt, "file state", kind.pattern, _reader_name(kind), path, state,
                     "\0".join(_folder_of(kind, path, folders)))


def _reader_name(kind: InputKind) -> str:
    return f"{getattr(kind.read, '__module__', '')}.{getattr(kind.read, '__qualname__', kind.read)}"


def _folder_of(kind: InputKind, path: str, folders: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
    """The names of the files in the folder of `path`, for a kind whose reader is told them."""
    return folders.get(path.rpartition("/")[0], ()) if kind.folder else ()


def _is_leaderboard_redirect(problem: Problem, config: Config) -> bool:
    """A LEADERBOARD.md without a table next to result files is the Gen 2 redirect note."""
    return problem.path == config.paths.leaderboard and problem.reason.startswith("no ")


def _folders(files: Sequence[str]) -> dict[str, tuple[str, ...]]:
    names: dict[str, list[str]] = defaultdict(list)
    for path in files:
        folder, _, name = path.rpartition("/")
        names[folder].append(name)
    return {folder: tuple(found) for folder, found in names.items()}


# --- reading one file ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Loaded:
    file: InputFile | None             # None when the file cannot be given to its reader
    problems: tuple[Problem, ...] = ()


def load(bucket: Bucket, kind: InputKind, path: str, limits: LimitsConfig,
         folders: dict[str, tuple[str, ...]]) -> Loaded:
    """The file as its reader takes it: bounded (never inside a secret), decoded, without
    terminal escapes and control characters (`fmt.visible_text`), secrets masked as written
    and as the page would show them (`redact_shown`, reported, with those of a markdown file
    that the markdown door masks where markup splits them), with its folder's names if
    asked."""
    folder = _folder_of(kind, path, folders)
    if kind.load == "name":
        return Loaded(InputFile(path, "", folder=folder))
    limit = limits.max_message_bytes if kind.load == "start" else limits.max_file_bytes
    try:
        data = bucket.read_at_most(path, limit + (_PAST_CUT if kind.load == "start" else 0))
        size = bucket.size(path) if len(data) > limit else len(data)
    except OutsideBucket:
        return _skipped(path, "skipped: not a regular file inside the bucket (a symlink on "
                              "the way)")
    except (OSError, ValueError) as exc:       # gone, a folder, unreadable since listing
        return _skipped(path, f"unreadable: {type(exc).__name__}: {exc}")
    problems: list[Problem] = []
    if size > limit and kind.load == "whole":
        return _skipped(path, f"skipped: {size:,} bytes is over the {limit:,}-byte limit")
    if size > limit:
        data = _cut_outside_secrets(data, limit)
        problems.append(Problem(path, f"shown in part: the first {len(data):,} of {size:,} "
                                      f"bytes (limits.max_message_bytes is {limit:,})"))
    if not data:
        return _skipped(path, "skipped: empty file")
    if b"\x00" in data:
        return _skipped(path, "skipped: binary content (NUL bytes), not text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        text = data.decode("utf-8", errors="replace")
        problems.append(Problem(path, f"invalid UTF-8 at byte {exc.start}; "
                                      "undecodable bytes replaced"))
    # masked after visible_text: a control character inside a secret must not hide it
    text, masked = redact_shown(fmt.visible_text(text))
    if path.endswith(".md"):              # and those the markdown door masks where markup splits them
        add_counts(masked, secrets_shown(text))
    if masked:
        problems.append(Problem(path, masked_reason(masked)))
    return Loaded(InputFile(path, text, omitted_bytes=size - len(data), folder=folder,
                            masked=sum(masked.values())), tuple(problems))


def _skipped(path: str, reason: str) -> Loaded:
    return Loaded(None, (Problem(path, reason),))


# How much of a message is read past its cut, and looked at before it, to see whether the cut
# goes through a secret: the longest a secret's head can be and still be left unmasked.
_PAST_CUT = 4096


def _cut_outside_secrets(data: bytes, limit: int) -> bytes:
    """`_cut`, moved back to before a secret it would go through: the head of a token is too
    short for its rule to know it."""
    head = _cut(data, limit)
    before = head[-_PAST_CUT:].decode("utf-8", errors="surrogateescape")
    after = data[len(head):len(head) + _PAST_CUT].decode("utf-8", errors="surrogateescape")
    # as `load` shows each side: a control character at the cut must not hide a secret
    shown = fmt.visible_text(before)
    cut = len(shown)
    starts = [start for start, end, _ in shown_secret_spans(shown + fmt.visible_text(after))
              if start < cut < end]
    if not starts:
        return head
    start = _at_or_before(before, shown, min(starts))
    return head[:len(head) - len(before[start:].encode("utf-8", errors="surrogateescape"))]


def _at_or_before(text: str, shown: str, index: int) -> int:
    """Where in `text` the character `index` of `shown` (`fmt.visible_text(text)`: the
    characters of `text` in order but for those left out, a lone surrogate shown as U+FFFD)
    comes from, or a place before it: each shown character is matched to the first character
    of `text` it can be, which is never after the one it comes from."""
    at = -1
    for char in shown[:index + 1]:
        at += 1
        while text[at] != char and not (char == "\ufffd" and "\ud800" <= text[at] <= "\udfff"):
            at += 1
    return at


def _cut(data: bytes, limit: int) -> bytes:
    """At most `limit` bytes of `data`, ending at a line end when one is near, and never inside
    a UTF-8 character, so that the start reads well."""
    head = data[:limit]
    line_end = head.rfind(b"\n", max(0, limit - 4096))
    if line_end >= 0:
        return head[:line_end + 1]
    start = len(head) - 1
    while start >= 0 and len(head) - start < 4 and head[start] & 0xC0 == 0x80:
        start -= 1                             # back over continuation bytes to the lead byte
    if start >= 0 and head[start] >= 0xC0:
        width = 2 if head[start] < 0xE0 else 3 if head[start] < 0xF0 else 4
        if len(head) - start < width:
            return head[:start]
    return head


def load_and_read(item: tuple[InputKind, str], bucket: Bucket, config: Config,
                  folders: dict[str, tuple[str, ...]]) -> Found:
    """What the file at `item`'s path yields, with the problems of loading it."""
    kind, path = item
    return read_loaded(kind, load(bucket, kind, path, config.limits, folders), config)


def read_loaded(kind: InputKind, loaded: Loaded, config: Config) -> Found:
    """What the reader makes of the loaded file, with the problems of loading it."""
    if loaded.file is None:
        return Found(problems=loaded.problems)
    found = read_safely((kind, loaded.file), config)
    return replace(found, problems=loaded.problems + found.problems) if loaded.problems else found


def read_safely(item: tuple[InputKind, InputFile], config: Config) -> Found:
    kind, file = item
    try:
        return kind.read(file, config)
    except Exception as exc:  # a reader bug must cost one file, not the build
        return Found(problems=(Problem(file.path, f"unreadable: {type(exc).__name__}: {exc}"),))


# --- putting records together -------------------------------------------------------------------

def _apply_verdicts(results: Iterable[Result], verdicts: dict[str, str]) -> list[Result]:
    """Verdicts name result files; the leaderboard's rows have no file of their own."""
    def verdict_for(result: Result) -> str | None:
        if result.origin == "leaderboard":
            return None
        return verdicts.get(basename(result.source_path))

    return [replace(r, verification=verdict_for(r)) if verdict_for(r) else r for r in results]


_LONG_AGO = datetime.min.replace(tzinfo=timezone.utc)
Record = TypeVar("Record", Result, Message, Agent)


def _by_time(records: Iterable[Record]) -> list[Record]:
    """Oldest first; records without a time last; ties by id."""
    return sorted(records, key=lambda r: (r.timestamp is None, r.timestamp or _LONG_AGO, r.id))


def _agent_preference(agent: Agent) -> tuple[str, bool, str]:
    # Of two files claiming one agent_name, the one named after it (agents/{id}.md) wins.
    return agent.id, stem(agent.source_path) != agent.id, agent.source_path


def _unique(records: Iterable[Record], kind: str, problems: list[Problem]) -> list[Record]:
    kept: dict[str, Record] = {}
    for record in records:
        first = kept.setdefault(record.id, record)
        if first is not record:
            problems.append(Problem(record.source_path,
                                    f"skipped: {kind} id {record.id!r} is already used by "
                                    f"{first.source_path}"))
    return list(kept.values())
