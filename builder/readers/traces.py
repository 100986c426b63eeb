"""traces/{agent}/{session}/manifest.md (+ the native log of a full share) -> Trace records.

`read_trace_manifest` reads one manifest (YAML block style from the server, JSON from the
client), re-validates the folder names and picks the folder's log; `read_trace_file` accounts
for every other file under traces/. A log is opened later, page by page, through
`load_transcript`, which applies the `traces.transcripts` mode and the size limit.

Decisions (documented for the build report and the page authors):
  * A folder with a log but no manifest.md is reported and NOT listed: the manifest is the
    record of a share (and of its share level); a bare log was never promoted, so publishing it
    would go beyond what its agent shared.
  * Path parts win over manifest fields: `agent` and `session_id` come from the folder (after
    validation); a manifest that disagrees is reported and still listed under its folder.
  * A `native_log_file` that is not a plain single file name (a `/` or `\\`, `..`, a leading
    `.`, control characters, or `manifest.md`) is tampering: it is reported and the trace gets
    no log at all (no fallback, nothing is read).
  * Only regular files directly in the trace's own folder are ever opened, never through a
    symlink (checked on the resolved path, whatever the Bucket listed).
  * The manifest, notes (its body) and values, is masked by `redact` whatever
    `traces.transcripts` says, as every bucket file is when it is loaded; the count is kept in
    `Trace.notes_redactions`. Like a transcript's texts, the notes and the manifest's values
    lose terminal escape sequences and control characters (`terminal_text`).
  * Files deeper than traces/a/s/file, or directly under traces/ or traces/a/, are reported.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any, Callable

from builder import format as fmt
from builder.config import Config
from builder.markdown import secrets_shown
from builder.model import NOTE, Problem, TokenUsage, Trace
from builder.readers.frontmatter import brief, read_frontmatter, to_text
from builder.readers.kinds import Found, InputFile
from builder.readers.values import parse_timestamp
from builder.redact import log_masked_reason, redact_log
from builder.sources import Bucket
from builder.transcript import (LoadedTranscript, Transcript, harness_named, parse_log,
                                transcript_problems)
from builder.transcript.text import terminal_text

AGENT_ID = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_LOG_NAME = re.compile(r"^[^/\\\x00-\x1f\x7f]{1,255}$")
_RESULT_REF = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$")
MANIFEST = "manifest.md"
_USAGE_KEYS = (("total_tokens", "total"), ("input_tokens", "input"), ("output_tokens", "output"),
               ("cache_read_tokens", "cache_read"), ("cache_creation_tokens", "cache_creation"),
               ("reasoning_tokens", "reasoning"))
# Frontmatter keys that have a Trace field of their own (everything else goes to `extra`).
_OWN_KEYS = {"agent", "session_id", "harness", "model", "started_at", "ended_at", "promoted_at",
             "share", "completeness", "result_ref"}
Report = Callable[[str], None]


def valid_session_id(session: str) -> bool:
    """One path component: not empty, not . or .., no leading dot, no control chars, no slash."""
    return (bool(session) and len(session) <= 255 and not session.startswith(".")
            and "/" not in session and "\\" not in session and not _CONTROL.search(session))


def _parts(path: str, config: Config) -> list[str]:
    """The path's folders and name below the traces folder."""
    root = config.paths.traces.strip("/")
    return (path[len(root) + 1:] if root else path).split("/")


def read_trace_file(file: InputFile, config: Config) -> Found:
    """Any file under traces/ but a manifest: a trace's log is accounted for by its manifest;
    anything else is reported."""
    parts = _parts(file.path, config)
    root = config.paths.traces.strip("/") or "."
    if len(parts) != 3:
        reason = f"ignored: not at {root}/{{agent}}/{{session}}/{{file}}"
    elif MANIFEST not in file.folder:
        reason = "not listed: a log without a manifest.md in its folder"
    else:
        return Found()
    return Found(problems=(Problem(file.path, reason),))


def read_trace_manifest(file: InputFile, config: Config) -> Found:
    """The Trace of one manifest.md (and its log, picked among the folder's files)."""
    agent, session, _ = _parts(file.path, config)
    where = file.path.rsplit("/", 1)[0]
    problems: list[Problem] = []

    def report(reason: str) -> None:
        problems.append(Problem(file.path, reason))

    if not AGENT_ID.match(agent):
        report(f"skipped: {agent!r} is not a valid agent id")
    elif not valid_session_id(session):
        report(f"skipped: {session!r} is not a valid session id")
    front = read_frontmatter(file.text)
    if not problems and (front.error or front.data is None):
        report(f"skipped: {front.error or 'no frontmatter'}")
    if problems:
        return Found(problems=tuple(problems))
    fm = front.data or {}
    problems += [Problem(file.path, note) for note in front.notes]
    for key, expected in (("session_id", session), ("agent", agent)):
        value = fm.get(key)
        if key == "session_id" and value is None:
            problems.append(Problem(file.path, "manifest has no session_id (listed under its "
                                               "folder name)", NOTE))
        elif value is not None and value != expected:
            report(f"{key} {brief(value, 80)!r} does not match the folder "
                   f"{expected!r} (listed under the folder name)")
    trace = _trace(fm, agent, session, file.path, terminal_text(front.body.strip("\n")), report)
    log_path, log_problems = _pick_log(file.folder, where, trace.share, fm.get("native_log_file"))
    trace = replace(trace, log_path=log_path, notes_redactions=file.masked)
    return Found(traces=(trace,), problems=tuple(problems) + tuple(log_problems))


def _trace(fm: dict[str, Any], agent: str, session: str, manifest_path: str, notes: str,
           report: Report) -> Trace:
    harness = _text(fm.get("harness"), "harness", report)
    if not harness:
        report("manifest has no harness")
    usage = _usage(fm.get("usage"), report)
    activity = fm.get("activity")
    if activity is not None and not isinstance(activity, dict):
        report("activity is not a mapping; ignored")
    activity = activity if isinstance(activity, dict) else {}
    tool_calls = _count(activity.get("tool_calls"), "activity.tool_calls", report)
    share = _text(fm.get("share"), "share", report) or "stats"
    if share not in ("stats", "full"):
        report(f"share {share!r} is neither stats nor full; treated as stats")
        share = "stats"
    completeness = _text(fm.get("completeness"), "completeness", report)
    if completeness not in ("full", "partial"):
        if completeness:
            report(f"completeness {completeness!r} is neither full nor partial; recomputed")
        known = harness_named(harness)
        completeness = "full" if (known is not None and known.client_adapter
                                  and usage.total is not None and tool_calls is not None) \
            else "partial"
    result_ref = _text(fm.get("result_ref"), "result_ref", report)
    if result_ref and (not _RESULT_REF.match(result_ref) or ".." in result_ref):
        report(f"result_ref {brief(result_ref, 80)!r} is not a plain file name; ignored")
        result_ref = ""
    return Trace(
        agent=agent, session_id=session, harness=harness,
        model=_text(fm.get("model"), "model", report),
        started_at=_time(fm.get("started_at"), "started_at", report),
        ended_at=_time(fm.get("ended_at"), "ended_at", report),
        promoted_at=_time(fm.get("promoted_at"), "promoted_at", report),
        share=share, completeness=completeness, usage=usage, tool_calls=tool_calls,
        tool_calls_by_name=_by_name(activity.get("tool_calls_by_name"), report),
        result_ref=result_ref, notes=notes, manifest_path=manifest_path, log_path=None,
        extra=tuple(_extra(fm, usage_raw=fm.get("usage"), activity=activity)))


def with_log_sizes(bucket: Bucket, traces: tuple[Trace, ...]
                   ) -> tuple[tuple[Trace, ...], tuple[Problem, ...]]:
    """Each trace with its log's size; a log that cannot be reached as a regular file directly
    in its folder (gone, or behind a symlink) is dropped and reported."""
    sized: list[Trace] = []
    problems: list[Problem] = []
    for trace in traces:
        size = None
        if trace.log_path is not None:
            folder = trace.manifest_path.rsplit("/", 1)[0]
            try:
                if not _plain_file(bucket, trace.log_path, folder):
                    raise OSError("not a regular file in the trace folder")
                size = bucket.size(trace.log_path)
            except (OSError, ValueError) as exc:
                problems.append(Problem(trace.log_path, f"log not readable: {exc}"))
                trace = replace(trace, log_path=None)
        sized.append(replace(trace, log_size=size))
    return tuple(sized), tuple(problems)


# --- the log --------------------------------------------------------------------------------------

def _pick_log(folder: tuple[str, ...], where: str, share: str, named: Any
              ) -> tuple[str | None, list[Problem]]:
    """The file `native_log_file` names on a full share, else the folder's only .jsonl."""
    problems: list[Problem] = []
    others = sorted(n for n in folder if n != MANIFEST)
    if named is not None:
        if not isinstance(named, str) or not _safe_log_name(named):
            problems.append(Problem(f"{where}/{MANIFEST}",
                                    f"native_log_file {brief(named, 80)!r} refused: "
                                    "not a plain file name in the trace folder; no log is shown"))
            return None, problems
        if share == "full":
            if named in others:
                _report_unused(problems, where, others, named)
                return f"{where}/{named}", problems
            problems.append(Problem(f"{where}/{MANIFEST}",
                                    f"native_log_file {named!r} is not in the folder"))
    logs = [n for n in others if n.endswith(".jsonl")]
    if len(logs) == 1:
        _report_unused(problems, where, others, logs[0])
        return f"{where}/{logs[0]}", problems
    if len(logs) > 1:
        problems.append(Problem(where + "/", f"{len(logs)} logs and none named by the manifest "
                                             "of a full share; no transcript is shown"))
    _report_unused(problems, where, others, None)
    return None, problems


def _report_unused(problems: list[Problem], where: str, others: list[str], used: str | None
                   ) -> None:
    for name in others:
        if name != used:
            problems.append(Problem(f"{where}/{name}", "ignored: not the trace's log"))


def _safe_log_name(name: str) -> bool:
    return (bool(_LOG_NAME.match(name)) and name not in (".", "..", MANIFEST)
            and not name.startswith(".") and ".." not in name)


def _plain_file(bucket: Bucket, path: str, folder: str) -> bool:
    """True when `path` is a regular file directly in `folder`, reached through no symlink."""
    try:
        root = Path(bucket.root).resolve()
        folder_path = root.joinpath(*folder.split("/"))
        full = folder_path / path.rsplit("/", 1)[-1]
        if path.rsplit("/", 1)[0] != folder:
            return False
        return (full.resolve() == full and not full.is_symlink() and full.is_file()
                and folder_path.resolve() == folder_path)
    except (OSError, ValueError, RuntimeError):
        return False


def load_transcript(bucket: Bucket, trace: Trace, config: Config, *,
                    max_items: int | None = None) -> LoadedTranscript:
    """The trace's transcript as the config allows: never raises, never reads outside the trace's
    folder. States: off (traces.transcripts = off), no-log, too-large (over
    limits.max_trace_bytes: header and stats only), error, ok."""
    mode = config.traces.transcripts
    if mode == "off":
        return LoadedTranscript("off", note="Transcripts are not published on this site.")
    if trace.log_path is None:
        return LoadedTranscript("no-log", note="No log was shared for this session.")
    path = trace.log_path
    folder = trace.manifest_path.rsplit("/", 1)[0]
    if not _plain_file(bucket, path, folder):
        return LoadedTranscript(
            "error", note="The log is not a regular file in the trace folder.",
            problems=(Problem(path, "transcript not rendered: not a regular file in its folder"),))
    try:
        size = bucket.size(path)
        limit = config.limits.max_trace_bytes
        if size > limit:
            return LoadedTranscript(
                "too-large", note=f"The log is {fmt.size(size)}, over this site's "
                                  f"{fmt.size(limit)} limit: only the header and stats are shown.",
                problems=(Problem(path, f"transcript not rendered: {fmt.count(size)} bytes is "
                                        f"over the {fmt.count(limit)}-byte limit"),))
        kwargs: dict[str, Any] = {"text_filter": redact_log if mode == "redacted" else None}
        if max_items is not None:
            kwargs["max_items"] = max_items
        with bucket.open(path) as fh:
            transcript = _shown_secrets_counted(parse_log(fh, trace.harness, **kwargs))
    except Exception as exc:              # one bad log costs its transcript, not the build
        return LoadedTranscript(
            "error", note=f"The log could not be read ({type(exc).__name__}).",
            problems=(Problem(path, f"transcript not rendered: {type(exc).__name__}: {exc}"),))
    return LoadedTranscript("ok", transcript=transcript, redactions=transcript.stats.redactions,
                            problems=_masked(path, transcript) + transcript_problems(path, transcript))


def _masked(path: str, transcript: Transcript) -> tuple[Problem, ...]:
    """The build report's line on the secrets masked in a log's texts, as a message's says
    them: those of the text filter and of the markdown door alike (the badge's count)."""
    count = transcript.stats.redactions
    return (Problem(path, log_masked_reason(count)),) if count else ()


def _shown_secrets_counted(transcript: Transcript) -> Transcript:
    """The transcript, its count of masked secrets with those the markdown door masks in its
    texts (split by markup, `hf_**abc**def…`), which the page's badge tells of too."""
    shown = sum(sum(secrets_shown(item.markdown).values()) for top in transcript.items
                for item in top.walk() if item.markdown)
    if not shown:
        return transcript
    stats = replace(transcript.stats, redactions=transcript.stats.redactions + shown)
    return replace(transcript, stats=stats)


def log_key(bucket: Bucket, trace: Trace, config: Config) -> str | None:
    """What `load_transcript` gives follows from the trace, the config and this: a digest of
    the log's bytes (its size alone when over the limit). None when it cannot be told."""
    if config.traces.transcripts == "off" or trace.log_path is None:
        return "no log"
    try:
        if not _plain_file(bucket, trace.log_path, trace.manifest_path.rsplit("/", 1)[0]):
            return "not a plain file"
        size = bucket.size(trace.log_path)
        if size > config.limits.max_trace_bytes:
            return f"{size} bytes"
        return hashlib.sha256(bucket.read(trace.log_path)).hexdigest()
    except (OSError, ValueError):
        return None


# --- the index's totals tile ---------------------------------------------------------------------

@dataclass(frozen=True)
class TraceTotals:
    """The archive's token totals as a *reported floor* (what manifests say, summed where known).

    `tokens` sums each field over the sessions that report it (None when none does); sessions
    without an integer usage.total are not counted (`sessions_missing_tokens` says how many).
    Claude Code and Codex totals are not comparable, hence `by_harness`."""

    sessions: int
    agents: int
    sessions_counted: int
    sessions_missing_tokens: int
    agents_reporting: int
    tokens: TokenUsage
    tool_calls: int | None
    by_harness: tuple[tuple[str, int, int], ...]     # (harness, sessions counted, total tokens)


def trace_totals(traces: tuple[Trace, ...] | list[Trace]) -> TraceTotals:
    counted = [t for t in traces if t.usage.total is not None]
    sums: dict[str, int | None] = {}
    for _, name in _USAGE_KEYS:
        values = [getattr(t.usage, name) for t in counted if getattr(t.usage, name) is not None]
        sums[name] = sum(values) if values else None
    harness: dict[str, list[int]] = {}
    for t in counted:
        entry = harness.setdefault(t.harness or "unknown", [0, 0])
        entry[0] += 1
        entry[1] += t.usage.total or 0
    calls = [t.tool_calls for t in traces if t.tool_calls is not None]
    return TraceTotals(
        sessions=len(traces), agents=len({t.agent for t in traces}),
        sessions_counted=len(counted), sessions_missing_tokens=len(traces) - len(counted),
        agents_reporting=len({t.agent for t in counted}), tokens=TokenUsage(**sums),
        tool_calls=sum(calls) if calls else None,
        by_harness=tuple((h, n, total) for h, (n, total) in sorted(harness.items())))


# --- field helpers --------------------------------------------------------------------------------

def _text(value: Any, key: str, report) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return terminal_text(value[:500])
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    report(f"{key} is not text; ignored")
    return ""


def _time(value: Any, key: str, report) -> datetime | None:
    if value is None or value == "":
        return None
    parsed = parse_timestamp(value)
    if parsed is None:
        report(f"{key} {brief(value)!r} is not a timestamp; shown as unknown")
    return parsed


def _count(value: Any, key: str, report) -> int | None:
    """A non-negative int, or None (unknown). Bools, floats and strings are rejected."""
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    report(f"{key} {brief(value)!r} is not a non-negative whole number; shown as unknown")
    return None


def _usage(raw: Any, report) -> TokenUsage:
    if raw is None:
        return TokenUsage()
    if not isinstance(raw, dict):
        report("usage is not a mapping; token counts unknown")
        return TokenUsage()
    return TokenUsage(**{field: _count(raw.get(key), f"usage.{key}", report)
                         for key, field in _USAGE_KEYS})


def _by_name(raw: Any, report) -> tuple[tuple[str, int], ...]:
    if raw is None:
        return ()
    if not isinstance(raw, dict):
        report("activity.tool_calls_by_name is not a mapping; ignored")
        return ()
    pairs = []
    for name, value in list(raw.items())[:500]:
        count = _count(value, f"activity.tool_calls_by_name.{brief(name)}", report)
        if count is not None:
            pairs.append((terminal_text(brief(name)), count))
    return tuple(sorted(pairs, key=lambda kv: (-kv[1], kv[0])))


def _extra(fm: dict, usage_raw: Any, activity: dict) -> list[tuple[str, str]]:
    """Every frontmatter value without a Trace field of its own, as display text, in file order;
    mappings one level deep as `key.sub` (extensions.turns, usage.cache_write_tokens...)."""
    out: list[tuple[str, str]] = []
    known_usage = {key for key, _ in _USAGE_KEYS}
    for key, value in fm.items():
        if key in _OWN_KEYS:
            continue
        if key == "usage":
            if isinstance(usage_raw, dict):
                out.extend((f"usage.{brief(k)}", _value_text(v)) for k, v in usage_raw.items()
                           if k not in known_usage)
            continue
        if key == "activity":
            out.extend((f"activity.{brief(k)}", _value_text(v)) for k, v in activity.items()
                       if k not in ("tool_calls", "tool_calls_by_name"))
            continue
        if isinstance(value, dict):
            out.extend((f"{brief(key)}.{brief(k)}", _value_text(v))
                       for k, v in list(value.items())[:100])
        else:
            out.append((brief(key), _value_text(value)))
        if len(out) > 200:
            break
    return [(terminal_text(key), value) for key, value in out]


def _value_text(value: Any) -> str:
    text = terminal_text(to_text(value))     # budgeted: YAML aliases cannot make it explode
    return text if len(text) <= 1000 else text[:999] + "…"
