"""One module per input kind. Each turns bucket bytes into plain records plus Problems and never
raises on bad input. `read_inputs` runs them all over a Bucket."""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timezone
from functools import partial
from typing import Any, Callable, Iterable, Sequence

from builder.config import Config, MetricConfig
from builder.model import Agent, Message, Problem, Result, Trace
from builder.readers.agents import read_agent
from builder.readers.leaderboard import read_leaderboard
from builder.readers.messages import read_message
from builder.readers.results import read_result_json, read_result_md
from builder.readers.traces import read_traces
from builder.readers.values import basename, stem
from builder.readers.verification import read_verification
from builder.parallel import parallel_map
from builder.sources import Bucket


@dataclass(frozen=True)
class Inputs:
    results: tuple[Result, ...]
    messages: tuple[Message, ...]
    agents: tuple[Agent, ...]
    traces: tuple[Trace, ...]
    problems: tuple[Problem, ...]


def read_inputs(bucket: Bucket, config: Config) -> Inputs:
    """Every input the site shows, read from `bucket` where `config.paths` says; bad files become
    Problems (never exceptions). Results and messages come oldest first, agents by id."""
    paths, metric = config.paths, config.metric
    problems: list[Problem] = list(bucket.skipped)

    def gather(files: Iterable[str], parse: Callable[[str, str], tuple[Any, Sequence[Problem]]]
               ) -> list[Any]:
        """Read the files here (I/O), parse them on every core (pure), in file order."""
        loaded = [(path, *_load_text_safely(bucket, path, config.limits.max_file_bytes))
                  for path in files]
        parsed = parallel_map(partial(_parse_loaded, parse), loaded)
        records = []
        for record, file_problems in parsed:
            problems.extend(file_problems)
            records.extend(_as_list(record))
        return records

    results = gather(_existing(bucket, paths.leaderboard), partial(_leaderboard, metric=metric))
    results += gather(_top_level(bucket, paths.results, ".md"), partial(read_result_md, metric=metric))
    legacy = [p for p in _top_level(bucket, paths.legacy_results, ".json") if p != paths.verification]
    results += gather(legacy, partial(read_result_json, metric=metric))
    verdicts: dict[str, str] = {}
    for found in gather(_existing(bucket, paths.verification), _verification):
        verdicts.update(found)
    messages = gather(_top_level(bucket, paths.messages, ".md"), read_message)
    agents = gather(_top_level(bucket, paths.agents, ".md"), read_agent)

    traces, trace_problems = read_traces(bucket, config)
    problems.extend(trace_problems)
    if results_from_files(results):
        problems[:] = [p for p in problems if not _is_leaderboard_redirect(p, paths.leaderboard)]

    results = _unique(_by_time(_apply_verdicts(results, verdicts)), "result", problems)
    messages = _unique(_by_time(messages), "message", problems)
    agents = _unique(sorted(agents, key=_agent_preference), "agent", problems)
    return Inputs(
        results=tuple(results),
        messages=tuple(messages),
        agents=tuple(agents),
        traces=traces,
        problems=tuple(sorted(problems, key=lambda p: (p.path, p.reason))),
    )


def results_from_files(results: Sequence[Result]) -> bool:
    return any(r.origin != "leaderboard" for r in results)


def _is_leaderboard_redirect(problem: Problem, leaderboard_path: str) -> bool:
    """A LEADERBOARD.md without a table next to result files is the Gen 2 redirect note."""
    return problem.path == leaderboard_path and problem.reason.startswith("no ")


# --- choosing files -----------------------------------------------------------------------------

def _existing(bucket: Bucket, path: str) -> tuple[str, ...]:
    return (path,) if path and bucket.has(path) else ()


def _top_level(bucket: Bucket, folder: str, suffix: str) -> tuple[str, ...]:
    """Files directly in `folder` (not in subfolders) ending in `suffix`, minus README.md."""
    prefix = folder.strip("/") + "/" if folder.strip("/") else ""
    return tuple(
        path for path in bucket.under(folder)
        if "/" not in path[len(prefix):]
        and path.endswith(suffix)
        and basename(path).lower() != "readme.md"
    )


# --- reading one file ---------------------------------------------------------------------------

def _load_text_safely(bucket: Bucket, path: str, limit: int) -> tuple[str | None, tuple[Problem, ...]]:
    try:
        return _load_text(bucket, path, limit)
    except Exception as exc:  # an I/O failure must cost one file, not the build
        return None, (Problem(path, f"unreadable: {type(exc).__name__}: {exc}"),)


def _parse_loaded(parse: Callable[[str, str], tuple[Any, Sequence[Problem]]],
                  loaded: tuple[str, str | None, tuple[Problem, ...]]) -> tuple[Any, tuple[Problem, ...]]:
    path, text, problems = loaded
    if text is None:
        return None, problems
    try:
        record, parse_problems = parse(path, text)
    except Exception as exc:  # a reader bug must cost one file, not the build
        return None, problems + (Problem(path, f"unreadable: {type(exc).__name__}: {exc}"),)
    return record, problems + tuple(parse_problems)


def _load_text(bucket: Bucket, path: str, limit: int) -> tuple[str | None, tuple[Problem, ...]]:
    data = bucket.read_at_most(path, limit)
    if len(data) > limit:
        size = bucket.size(path)
        return None, (Problem(path, f"skipped: {size:,} bytes is over the {limit:,}-byte limit"),)
    if b"\x00" in data:
        return None, (Problem(path, "skipped: binary content (NUL bytes), not text"),)
    try:
        return data.decode("utf-8"), ()
    except UnicodeDecodeError as exc:
        return (data.decode("utf-8", errors="replace"),
                (Problem(path, f"invalid UTF-8 at byte {exc.start}; undecodable bytes replaced"),))


def _leaderboard(path: str, text: str, metric: MetricConfig) -> tuple[list[Result], tuple[Problem, ...]]:
    results, problems = read_leaderboard(path, text, metric)
    return list(results), problems


def _verification(path: str, text: str) -> tuple[list[dict[str, str]], tuple[Problem, ...]]:
    verdicts, problems = read_verification(path, text)
    return [verdicts], problems


def _as_list(record: Any) -> list[Any]:
    if record is None:
        return []
    return list(record) if isinstance(record, list) else [record]


# --- putting records together -------------------------------------------------------------------

def _apply_verdicts(results: Iterable[Result], verdicts: dict[str, str]) -> list[Result]:
    """Verdicts name result files; the leaderboard's rows have no file of their own."""
    def verdict_for(result: Result) -> str | None:
        if result.origin == "leaderboard":
            return None
        return verdicts.get(basename(result.source_path))

    return [replace(r, verification=verdict_for(r)) if verdict_for(r) else r for r in results]


_LONG_AGO = datetime.min.replace(tzinfo=timezone.utc)


def _by_time(records: Iterable[Any]) -> list[Any]:
    """Oldest first; records without a time last; ties by id."""
    return sorted(records, key=lambda r: (r.timestamp is None, r.timestamp or _LONG_AGO, r.id))


def _agent_preference(agent: Agent) -> tuple[str, bool, str]:
    # Of two files claiming one agent_name, the one named after it (agents/{id}.md) wins.
    return agent.id, stem(agent.source_path) != agent.id, agent.source_path


def _unique(records: Iterable[Any], kind: str, problems: list[Problem]) -> list[Any]:
    kept: dict[str, Any] = {}
    for record in records:
        first = kept.setdefault(record.id, record)
        if first is not record:
            problems.append(Problem(record.source_path,
                                    f"skipped: {kind} id {record.id!r} is already used by "
                                    f"{first.source_path}"))
    return list(kept.values())
