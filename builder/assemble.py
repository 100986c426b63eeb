"""Inputs -> Collab: ranking, best-per-agent, records, threads, the agent roster, fallback baseline.

Everything here is a pure function over frozen data: no I/O, no clock, no randomness. The same
inputs always give the same Collab, in the same order.

Ranking rules (the backend `/v1/leaderboard` semantics, not the reference dashboard's SPA):
- only results with status `agent-run` and a finite score are ranked; `pending` is ranked (the
  table flags it), `valid` and unknown verification too;
- verification `invalid` is listed apart, whatever the status;
- status `baseline` (or agent `baseline`) rows are baselines: shown, never ranked;
- status `negative` is listed apart, never ranked (the SPA ranks it: a bug we do not copy);
- a score that is None, NaN or infinite is "unscored": listed, never ranked or plotted.
"""
from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone

from builder import format as fmt
from builder.config import Config, FallbackConfig, PathsConfig
from builder.model import (NOTE, Agent, Collab, Direction, Leaderboard, Link, Message,
                           Problem, RankedEntry, Result, Taskforce, Thread, Trace)
from builder.readers import Inputs
from builder.readers.frontmatter import brief

BASELINE_AGENT = "baseline"
_EPOCH = datetime.min.replace(tzinfo=timezone.utc)

# ---------------------------------------------------------------- small predicates and keys


def usable_score(score: float | None) -> bool:
    """A real, finite number (None, NaN, +-inf and bools are not scores)."""
    return (isinstance(score, (int, float)) and not isinstance(score, bool)
            and math.isfinite(score))


def is_baseline(result: Result) -> bool:
    return result.status == "baseline" or result.agent == BASELINE_AGENT


def is_rankable(result: Result) -> bool:
    """True for the results a leaderboard ranks: agent-run, not invalid, not a baseline, scored."""
    return (result.status == "agent-run" and result.verification != "invalid"
            and not is_baseline(result) and usable_score(result.score))


def _check_direction(direction: str) -> None:
    if direction not in ("higher", "lower"):
        raise ValueError(f"direction must be 'higher' or 'lower', got {direction!r}")


def _time_key(ts: datetime | None) -> tuple[bool, datetime]:
    """Earlier first, None last; naive datetimes are read as UTC so they never fail to compare."""
    if ts is None:
        return (True, _EPOCH)
    if ts.tzinfo is None:
        ts = ts.replace(tzinfo=timezone.utc)
    return (False, ts)


def _score_key(score: float | None, direction: str) -> float:
    if not usable_score(score):
        return math.inf          # unusable scores sort after every real one
    return -score if direction == "higher" else score  # type: ignore[operator]


def _better(a: float, b: float, direction: str) -> bool:
    """True when score `a` is strictly better than `b`."""
    return a > b if direction == "higher" else a < b


def rank_key(result: Result, direction: str) -> tuple:
    """Best first: score by direction, then the earlier timestamp (None last), then id."""
    return (_score_key(result.score, direction), _time_key(result.timestamp), result.id)


def time_order_key(result: Result, direction: str = "higher") -> tuple:
    """Oldest first (None last); at the same instant the better score first, then id."""
    return (_time_key(result.timestamp), _score_key(result.score, direction), result.id)


def _oldest_first(results: Iterable[Result]) -> tuple[Result, ...]:
    return tuple(sorted(results, key=lambda r: (_time_key(r.timestamp), r.source_path, r.id)))


# ---------------------------------------------------------------- ranking


def find_records(results: Iterable[Result], direction: Direction) -> tuple[Result, ...]:
    """The rankable results that strictly improved the best-so-far, oldest first.

    Results are walked in time order (undated ones last; at one instant the better score first).
    The first rankable result is always a record; an equal score never is.
    """
    _check_direction(direction)
    records: list[Result] = []
    best: float | None = None
    for r in sorted((r for r in results if is_rankable(r)),
                    key=lambda r: time_order_key(r, direction)):
        score = float(r.score)  # type: ignore[arg-type]
        if best is None or _better(score, best, direction):
            best = score
            records.append(r)
    return tuple(records)


def best_per_agent(results: Iterable[Result], direction: Direction) -> tuple[Result, ...]:
    """Each agent's best rankable result (an exact tie goes to the agent's earlier result),
    ordered best first."""
    _check_direction(direction)
    best: dict[str, Result] = {}
    for r in results:
        if not is_rankable(r):
            continue
        current = best.get(r.agent)
        if current is None or rank_key(r, direction) < rank_key(current, direction):
            best[r.agent] = r
    return tuple(sorted(best.values(), key=lambda r: rank_key(r, direction)))


def _ranked(results: Sequence[Result], direction: str, record_ids: set[str]) -> tuple[RankedEntry, ...]:
    ordered = sorted(results, key=lambda r: rank_key(r, direction))
    return tuple(RankedEntry(rank=i, result=r, is_record=r.id in record_ids)
                 for i, r in enumerate(ordered, start=1))


def fallback_results(fallback: FallbackConfig) -> tuple[Result, ...]:
    """The configured fallback entries as Results, in config order, ids fallback-1, fallback-2..."""
    return tuple(
        Result(id=f"fallback-{n}", agent=e.agent, score=float(e.score), score_text=fmt.exact(e.score),
               method=e.method, description=e.description, timestamp=None, status="baseline",
               origin="fallback", source_path="", verification=None)
        for n, e in enumerate(fallback.entries, start=1))


def rank(results: Iterable[Result], direction: Direction, fallback: FallbackConfig) -> Leaderboard:
    """Sort results into the leaderboard's views.

    Each result lands in exactly one place, checked in this order:
    verification `invalid` -> `invalid`; status `baseline` or agent "baseline" -> `baselines` if its
    score is usable, else `unscored`; any status other than `agent-run` -> `negative`; no usable
    score (None, NaN, inf) -> `unscored`; otherwise ranked (pending included).

    `all` holds every ranked result best first: by score in `direction`, then the earlier timestamp
    (undated last), then id. Ranks are 1..n with no shared places: tied scores get distinct ranks,
    the earlier result first ("got there first"). `best` is each agent's best result (an exact tie
    within an agent goes to its earlier result), ranked the same way. `records` are the ranked
    results that strictly improved the best-so-far when walked in time order (the first counts);
    their entries have `is_record=True` in both views.

    `baselines` are ordered best first; `negative`, `invalid` and `unscored` oldest first.
    When nothing can be ranked, `best` holds the configured fallback entries (rank None, config
    order), `all` and `records` are empty and `fallback` is True.
    """
    _check_direction(direction)
    ranked: list[Result] = []
    baselines: list[Result] = []
    negative: list[Result] = []
    invalid: list[Result] = []
    unscored: list[Result] = []
    for r in results:
        if r.verification == "invalid":
            invalid.append(r)
        elif is_baseline(r):
            (baselines if usable_score(r.score) else unscored).append(r)
        elif r.status != "agent-run":
            negative.append(r)
        elif not usable_score(r.score):
            unscored.append(r)
        else:
            ranked.append(r)

    common = dict(baselines=tuple(sorted(baselines, key=lambda r: rank_key(r, direction))),
                  negative=_oldest_first(negative), invalid=_oldest_first(invalid),
                  unscored=_oldest_first(unscored), direction=direction)
    if not ranked:
        best = tuple(RankedEntry(rank=None, result=r) for r in fallback_results(fallback))
        return Leaderboard(best=best, all=(), records=(), fallback=True, **common)

    records = find_records(ranked, direction)
    record_ids = {r.id for r in records}
    return Leaderboard(best=_ranked(best_per_agent(ranked, direction), direction, record_ids),
                       all=_ranked(ranked, direction, record_ids),
                       records=records, fallback=False, **common)


def unique_ids(ids: Sequence[str]) -> list[str]:
    """The same ids, made unique in the order given: the first keeps its id, later duplicates get
    -2, -3, ... (skipping any suffix that is itself an id in the list). Empty ids become "x"."""
    wanted = [i or "x" for i in ids]
    reserved = set(wanted)
    taken: set[str] = set()
    out: list[str] = []
    for i in wanted:
        if i in taken:
            n = 2
            while f"{i}-{n}" in reserved or f"{i}-{n}" in taken:
                n += 1
            i = f"{i}-{n}"
        taken.add(i)
        out.append(i)
    return out


def unique_result_ids(results: Iterable[Result]) -> tuple[Result, ...]:
    """Results oldest first (then by source path, then id), with ids made unique in that order,
    so the oldest file keeps the plain id whatever order the inputs came in."""
    ordered = _oldest_first(results)
    ids = unique_ids([r.id for r in ordered])
    return tuple(r if r.id == new else replace(r, id=new) for r, new in zip(ordered, ids))


# ---------------------------------------------------------------- threads


def _ref_key(ref: str) -> str:
    """A ref as a message id: the last path segment without a ".md" suffix."""
    name = ref.strip().rstrip("/").rsplit("/", 1)[-1]
    return name.removesuffix(".md")


def build_threads(messages: Iterable[Message]) -> dict[str, Thread]:
    """One Thread per message id, keyed by id.

    A ref names a message when, stripped of any folder and ".md", it equals a message id (so
    "message_board/X.md", "X.md" and "X" all name message X). `parents` keeps the refs' order,
    without duplicates or self-refs; `children` are the messages that ref this one, in filename
    (= id) order; `missing_refs` are the other refs as written (stripped, deduplicated): result
    filenames land here, see `result_refs`.
    """
    ordered: list[Message] = []
    seen_ids: set[str] = set()
    for m in sorted(messages, key=lambda m: (m.id, m.filename)):
        if m.id not in seen_ids:
            seen_ids.add(m.id)
            ordered.append(m)

    parents: dict[str, list[str]] = {m.id: [] for m in ordered}
    missing: dict[str, list[str]] = {m.id: [] for m in ordered}
    children: dict[str, list[str]] = {m.id: [] for m in ordered}
    for m in ordered:
        for raw in m.refs:
            ref = raw.strip()
            if not ref:
                continue
            target = _ref_key(ref)
            if target in seen_ids:
                if target != m.id and target not in parents[m.id]:
                    parents[m.id].append(target)
                    children[target].append(m.id)
            elif ref not in missing[m.id]:
                missing[m.id].append(ref)
    # children were appended in the referrers' id order already (ordered is sorted by id)
    return {m.id: Thread(message_id=m.id, parents=tuple(parents[m.id]),
                         children=tuple(children[m.id]), missing_refs=tuple(missing[m.id]))
            for m in ordered}


def results_by_filename(results: Iterable[Result]) -> dict[str, Result]:
    """Results by the file name they were read from, with and without ".md" (first one wins)."""
    out: dict[str, Result] = {}
    for r in results:
        if not r.source_path:
            continue
        name = r.source_path.rsplit("/", 1)[-1]
        out.setdefault(name, r)
        stem = name.removesuffix(".md").removesuffix(".json")
        out.setdefault(stem, r)
    return out


def result_refs(message: Message, by_filename: Mapping[str, Result]) -> tuple[Result, ...]:
    """The results a message's refs name (by file name, with or without folder or extension),
    in ref order, without duplicates."""
    found: list[Result] = []
    for ref in message.refs:
        result = _result_named(ref, by_filename)
        if result is not None and result not in found:
            found.append(result)
    return tuple(found)


def _result_named(ref: str, by_filename: Mapping[str, Result]) -> Result | None:
    name = ref.strip().rstrip("/").rsplit("/", 1)[-1]
    if not name:
        return None
    return by_filename.get(name) or by_filename.get(name.removesuffix(".md"))


def unresolved_refs(thread: Thread, by_filename: Mapping[str, Result]) -> tuple[str, ...]:
    """The refs of a thread's message that name neither a message nor a result, as written."""
    return tuple(ref for ref in thread.missing_refs if _result_named(ref, by_filename) is None)


MAX_REFS_NAMED = 5


def unresolved_ref_problems(messages: Iterable[Message], threads: Mapping[str, Thread],
                            by_filename: Mapping[str, Result], paths: PathsConfig
                            ) -> tuple[Problem, ...]:
    """One note per message whose refs name nothing in the bucket: a typo and a deleted
    message look alike on the page ("not in the bucket"), so the organizer is told which. A
    note, not a problem: the message is shown whole and nobody rewrites an old message."""
    folder = paths.messages.strip("/") + "/" if paths.messages.strip("/") else "the bucket"
    problems = []
    for m in messages:
        thread = threads.get(m.id)
        refs = unresolved_refs(thread, by_filename) if thread else ()
        if refs:
            named = ", ".join(brief(ref, 80) for ref in refs[:MAX_REFS_NAMED])
            more = f" and {len(refs) - MAX_REFS_NAMED} more" if len(refs) > MAX_REFS_NAMED else ""
            problems.append(Problem(m.source_path, f"refs {named}{more}: no such message in "
                                                   f"{folder} (nor result); shown unlinked", NOTE))
    return tuple(problems)


# ---------------------------------------------------------------- agents


def is_person(agent_id: str) -> bool:
    """The ids `human` and `human-<hf user>` (legacy `human:<user>`) are reserved for the people
    who post from the dashboard: they are not agents."""
    return agent_id == "human" or agent_id.startswith(("human-", "human:"))


def person_hf_user(agent_id: str) -> str:
    """The HF user a person's id names: "mara" for `human-mara` ("" for `human`)."""
    return agent_id[len("human-"):] if is_person(agent_id) else ""


def collect_agents(inputs: Inputs) -> tuple[Agent, ...]:
    """Registered agents, plus a bare Agent(id, registered=False) for every agent id seen in a
    message, result or trace without a registration; sorted by id.

    The "baseline" agent is never listed, nor are agents seen only in baseline or fallback
    results. Empty ids are skipped; a duplicated registration keeps the first.
    """
    agents: dict[str, Agent] = {}
    for a in inputs.agents:
        if a.id and a.id != BASELINE_AGENT:
            agents.setdefault(a.id, a)
    seen = [m.agent for m in inputs.messages]
    seen += [r.agent for r in inputs.results if not is_baseline(r) and r.origin != "fallback"]
    seen += [t.agent for t in inputs.traces]
    for agent_id in seen:
        if agent_id and agent_id != BASELINE_AGENT and agent_id not in agents:
            agents[agent_id] = Agent(id=agent_id, registered=False)
    return tuple(agents[k] for k in sorted(agents))


# ---------------------------------------------------------------- the whole collab


def sort_traces(traces: Iterable[Trace]) -> tuple[Trace, ...]:
    """Newest first by promoted_at (else started_at); undated last; then by agent and session."""
    traces = list(traces)
    dated = [t for t in traces if (t.promoted_at or t.started_at) is not None]
    undated = [t for t in traces if (t.promoted_at or t.started_at) is None]
    dated.sort(key=lambda t: (t.agent, t.session_id))
    dated.sort(key=lambda t: _time_key(t.promoted_at or t.started_at)[1], reverse=True)
    undated.sort(key=lambda t: (t.agent, t.session_id))
    return tuple(dated + undated)


def assemble(inputs: Inputs, config: Config, stale: bool = False) -> Collab:
    """Tie it together: unique result ids, orders, leaderboard, threads, agents, problems.
    `stale`: the inputs are a previous copy (the Hub could not be reached)."""
    results = ranked_results(inputs.results)
    messages = tuple(sorted(inputs.messages, key=lambda m: (m.filename, m.id)))
    threads = build_threads(messages)
    problems = inputs.problems + unresolved_ref_problems(messages, threads,
                                                         results_by_filename(results), config.paths)
    return Collab(
        results=results,
        messages=messages,
        agents=collect_agents(inputs),
        traces=sort_traces(inputs.traces),
        leaderboard=leaderboard_of(results, config),
        threads=threads,
        problems=tuple(sorted(problems, key=lambda p: (p.path, p.reason))),
        data_as_of=newest_input_time(inputs),
        stale=stale,
        taskforces=inputs.taskforces,
        readme=inputs.readme,
    )


def ranked_results(results: Sequence[Result]) -> tuple[Result, ...]:
    """The results as the site shows them: the leaderboard's copies of files left out, ids
    made unique."""
    return unique_result_ids(drop_leaderboard_duplicates(results))


def leaderboard_of(results: Sequence[Result], config: Config) -> Leaderboard:
    """The leaderboard of `ranked_results`: the messages play no part in it."""
    return rank(results, config.metric.direction, config.fallback)  # type: ignore[arg-type]


def newest_input_time(inputs: Inputs) -> datetime | None:
    """When the data last changed: the newest time any message, result or trace carries."""
    times = [m.timestamp for m in inputs.messages] + [r.timestamp for r in inputs.results]
    times += [t.ended_at or t.promoted_at or t.started_at for t in inputs.traces]
    return max((t for t in times if t is not None), key=lambda t: _time_key(t)[1], default=None)


def drop_leaderboard_duplicates(results: Sequence[Result]) -> tuple[Result, ...]:
    """LEADERBOARD.md rows that repeat a result file (same agent, same score to 6 significant
    digits) are dropped: the file is the richer record, but for what only the row gives, which
    the file takes: its verdict when the file has none (a Gen 1 result's verdict is written in
    the table only), its links (the run, the log) and its other columns (a size, a seed count).
    Rows with no file behind them stay."""
    def key(r: Result) -> tuple[str, str] | None:
        return (r.agent.lower(), f"{r.score:.6g}") if usable_score(r.score) else None

    from_files = {key(r) for r in results if r.origin != "leaderboard"} - {None}
    rows: dict[tuple[str, str], list[Result]] = {}
    for r in results:
        if r.origin == "leaderboard" and key(r) in from_files:
            rows.setdefault(key(r), []).append(r)      # type: ignore[arg-type]
    return tuple(_with_rows(r, rows.get(key(r), ())) for r in results  # type: ignore[arg-type]
                 if r.origin != "leaderboard" or key(r) not in from_files)


def _with_rows(result: Result, rows: Sequence[Result]) -> Result:
    """`result` with the verdict of the first of the table's `rows` that repeat it that gives
    one, when it has none of its own, and with their links and other columns after its own
    (a link or a column name it has already is its own)."""
    if not rows:
        return result
    verdict = result.verification or next((r.verification for r in rows if r.verification), None)
    links: dict[str, Link] = {}
    for link in (*result.links, *(link for r in rows for link in r.links)):
        links.setdefault(link.url, link)
    extra = dict(result.extra)
    for name, text in (pair for r in rows for pair in r.extra):
        extra.setdefault(name, text)
    return replace(result, verification=verdict, links=tuple(links.values()),
                   extra=tuple(extra.items()))


# ---------------------------------------------------------------- per-agent views


def results_by_agent(collab: Collab) -> dict[str, tuple[Result, ...]]:
    """Each agent's results, oldest first (collab order); keys in id order."""
    return _group(collab.results, lambda r: r.agent)


def messages_by_agent(collab: Collab) -> dict[str, tuple[Message, ...]]:
    """Each agent's messages in filename order; keys in id order."""
    return _group(collab.messages, lambda m: m.agent)


@dataclass(frozen=True)
class Discussion:
    """A message and its replies, the replies to those, and so on (see `lively_discussions`):
    the ids of the message it opens with and of its newest in the archive's order, how many
    messages it holds, how many of them were posted in the window asked for, and how many agents
    wrote them."""

    opening: str
    newest: str
    messages: int
    recent: int
    agents: int


@dataclass(frozen=True)
class LivelyDiscussions:
    """`lively_discussions`' answer: the discussions, and the end of the window they count
    (the newest message's time; None when no message is dated)."""

    until: datetime | None
    discussions: tuple[Discussion, ...]


DISCUSSION_WINDOW = timedelta(days=1)


def lively_discussions(messages: Sequence[Message], threads: Mapping[str, Thread],
                       window: timedelta = DISCUSSION_WINDOW, limit: int = 5
                       ) -> LivelyDiscussions:
    """The discussions with the most messages posted in the `window` before the newest message
    (the data's time, never the clock's), most first; then the larger, then the one posted to
    last. `messages` in the archive's order; a discussion holds two messages or more.

    A message is in the discussion of each message it answers (a ref to a message before it in
    the archive: a ref to a later one could close a loop), as its page lists it among their
    replies. So a digest that cites three threads counts in each, and joins no two of them
    into one."""
    stamps = [m.timestamp for m in messages if m.timestamp is not None]
    if not stamps:
        return LivelyDiscussions(None, ())
    until = max(stamps)
    since = until - window
    position = {m.id: n for n, m in enumerate(messages)}
    found = []
    for group in _reply_trees(messages, threads):
        recent = sum(1 for m in group if m.timestamp is not None and m.timestamp > since)
        if len(group) > 1 and recent:
            found.append(Discussion(group[0].id, group[-1].id, len(group), recent,
                                    len({m.agent for m in group})))
    found.sort(key=lambda d: (-d.recent, -d.messages, -position[d.newest]))
    return LivelyDiscussions(until, tuple(found[:limit]))


def _reply_trees(messages: Sequence[Message],
                 threads: Mapping[str, Thread]) -> list[list[Message]]:
    """The messages by discussion, each in the archive's order, led by the message it opens
    with (one that answers no message before it). A message is in the discussion of each
    message it answers, at most MAX_JOINED of them."""
    openings_of: dict[str, tuple[str, ...]] = {}       # message id: the discussions it is in
    trees: dict[str, list[Message]] = {}
    for m in messages:
        thread = threads.get(m.id)
        answered = [p for p in (thread.parents if thread else ()) if p in openings_of]
        joined = dict.fromkeys(o for p in answered for o in openings_of[p])
        openings = tuple(joined)[:MAX_JOINED] or (m.id,)
        openings_of[m.id] = openings
        for opening in openings:
            trees.setdefault(opening, []).append(m)
    return list(trees.values())


# A message answering many discussions (a digest citing the day's threads) is in each of them;
# a bound keeps a hostile bucket's refs from making every message a member of thousands.
MAX_JOINED = 20


def messages_to_agent(collab: Collab) -> dict[str, tuple[Message, ...]]:
    """The messages others wrote to each agent, in filename order: those that @mention it (as
    the pages link mentions: known agents, outside code) or answer one of its messages (their
    refs); keys in id order."""
    known = frozenset(a.id for a in collab.agents)
    author = {m.id: m.agent for m in collab.messages}
    groups: dict[str, list[Message]] = {}
    for m in collab.messages:
        thread = collab.threads.get(m.id)
        answered = {author[p] for p in thread.parents} if thread else set()
        for agent in sorted((known.intersection(m.mentions) | answered) - {m.agent}):
            groups.setdefault(agent, []).append(m)
    return {k: tuple(groups[k]) for k in sorted(groups)}


def conversations(to_agent: Mapping[str, Sequence[Message]]) -> dict[str, dict[str, int]]:
    """How many messages each agent wrote to each other (`messages_to_agent`): by writer, then
    by addressee, in id order."""
    counts: dict[str, dict[str, int]] = {}
    for addressee, messages in to_agent.items():
        for m in messages:
            written = counts.setdefault(m.agent, {})
            written[addressee] = written.get(addressee, 0) + 1
    return {writer: dict(sorted(counts[writer].items())) for writer in sorted(counts)}


def taskforces_by_agent(collab: Collab) -> dict[str, tuple[Taskforce, ...]]:
    """The taskforces each agent is a member of, in id order; keys in id order."""
    groups: dict[str, list[Taskforce]] = {}
    for t in collab.taskforces:
        for agent in t.members:
            groups.setdefault(agent, []).append(t)
    return {k: tuple(groups[k]) for k in sorted(groups)}


def messages_citing_taskforces(collab: Collab, folder: str) -> dict[str, tuple[Message, ...]]:
    """The messages whose text names a taskforce's folder (`taskforces/quant-guard`, or a file
    in it), by taskforce id, in filename order."""
    ids = {t.id for t in collab.taskforces}
    prefix = folder.strip("/") + "/"
    if not ids or prefix == "/":
        return {}
    named = re.compile(r"(?<![\w/.-])" + re.escape(prefix) + r"([^\s/`'\"()<>\[\]*|]+)")
    groups: dict[str, list[Message]] = {}
    for m in collab.messages:
        if prefix not in m.body:
            continue
        cited = {name for match in named.finditer(m.body)
                 if (name := match.group(1).rstrip(".,;:!?")) in ids}
        for taskforce in sorted(cited):
            groups.setdefault(taskforce, []).append(m)
    return {k: tuple(groups[k]) for k in sorted(groups)}


def traces_by_agent(collab: Collab) -> dict[str, tuple[Trace, ...]]:
    """Each agent's traces, newest first (collab order); keys in id order."""
    return _group(collab.traces, lambda t: t.agent)


def _group(items, key) -> dict:
    groups: dict[str, list] = {}
    for item in items:
        groups.setdefault(key(item), []).append(item)
    return {k: tuple(groups[k]) for k in sorted(groups)}
