"""The trace archive's pages: /traces/ (index with a reported-floor totals tile) and one or more
pages per shared session. Pure planning: a session's transcript arrives through the context's
`load_transcript` (the only I/O), one session at a time, so a huge archive never sits in memory.

A session's pages:
  * page 1, /traces/{agent}/{session}/: the header from the manifest (tokens *as reported*, with
    the figure computed from the log beside it, as the harness's parser computes it), the
    agent's notes, links to the raw log and the Hub's trace viewer, the transcript's stats, the
    turn index (every turn, linked on the page that holds it), then the first page of the
    transcript;
  * page n, /traces/{agent}/{session}/page/n/: a short header, that page's turns.
Everything a template places is computed here, as frozen views; agent text reaches HTML only
as escaped text or through `ctx.md.render` (the sanitising markdown door).

Memory: sessions are planned one at a time and each page's item views only when that page is
reached; the transcript of one session is the largest thing held.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from functools import partial
from typing import Any, Callable, Collection, Iterator, Mapping, Sequence

from markupsafe import Markup

from builder import format as fmt
from builder.markdown import excerpt_of_html, folder_of, opening_heading, page_paths
from builder.model import Link, Problem, Trace
from builder.pages.context import DESCRIPTION_SOURCE, Loader, SiteContext
from builder.pages.data import score_columns
from builder.pages.paging import paged_listing
from builder.pages.spec import DeferredPages, PageSpec, PlannedPages
from builder.readers.traces import trace_totals
from builder.pages.trace_header import (Badge, SessionHeader, TranscriptFacts, named_result,
                                        result_by_score, session_header, share_badges,
                                        transcript_facts)
from builder.pages.trace_views import (Pages, UrlFor, Viewer, error_index, sections, split_by_size,
                                       turn_title)
from builder.transcript import Item, LoadedTranscript, Transcript, paginate, turn_pages

TRACES_PER_PAGE = 100
PLAN_AHEAD = 8                # session pages are large: the build plans only a few at a time
TURN_INDEX_CAP = 2_000        # turns listed in page 1's index (the pages list always follows)
PAGER_WINDOW = 4              # numbered page links either side of the current page
LOG_TEXT_TOP = 4              # a turn's text sits under its h3, in the h2 "Transcript"


# ---------------------------------------------------------------------------------------------
# The index

@dataclass(frozen=True)
class TraceRow:
    agent: str
    agent_url: str
    session: str
    url: str
    harness: str
    model: tuple[str, ...]         # a line may break after a "/" (fmt.slash_parts)
    started: str
    started_iso: str
    started_day: str               # "2026-07-09", kept on one line above the time
    started_time: str              # "08:12", under a head that says UTC
    duration: str
    duration_seconds: float | None
    tokens: int | None
    tool_calls: int | None
    badges: tuple[Badge, ...]      # what it shared, how complete its figures are
    excerpt: str = ""
    result: Link | None = None     # the result the session led to (its manifest's result_ref)
    result_score: float | None = None
    result_cell: str = ""          # its score as a column writes it (the head names the unit)


@dataclass(frozen=True)
class TokenTotals:
    """The archive's token figures: a floor (sessions that reported nothing are not counted)."""

    total: int
    sessions: int
    counted: int
    missing: int
    agents_reporting: int
    agents: int = 0
    by_harness: tuple[tuple[str, int, int], ...] = ()   # (harness, sessions counted, tokens)


TOP_GROUPS = 10               # agents or models with a row of their own; the rest are one row


@dataclass(frozen=True)
class TokenGroup:
    """The sessions of one agent, model or day, and the tokens they reported (a floor)."""

    name: str
    url: str                  # the agent's page; "" for a model or a day
    sessions: int
    without_tokens: int       # of them, those that reported no tokens (not counted)
    tokens: int | None        # None when none of them reported any
    most: int                 # the largest group's tokens: a full bar
    rest: bool = False        # the groups past the largest, as one row (no bar: not one group)


@dataclass(frozen=True)
class TokenGroups:
    """Where the reported tokens went: by agent and by model (the most first), by day."""

    by_agent: tuple[TokenGroup, ...]
    by_model: tuple[TokenGroup, ...]
    by_day: tuple[TokenGroup, ...]


def token_groups(traces: Sequence[Trace], agent_url: Callable[[str], str]) -> TokenGroups:
    days = _grouped(traces, lambda t: fmt.iso_day(t.started_at) or fmt.MISSING)
    return TokenGroups(
        by_agent=_largest(_grouped(traces, lambda t: t.agent, agent_url), "agents"),
        by_model=_largest(_grouped(traces, lambda t: t.model or fmt.MISSING), "models"),
        by_day=_with_bars(sorted(days, key=lambda g: g.name)))


def _grouped(traces: Sequence[Trace], key: Callable[[Trace], str],
             url: Callable[[str], str] = lambda name: "") -> list[TokenGroup]:
    members: dict[str, list[Trace]] = {}
    for t in traces:
        members.setdefault(key(t), []).append(t)
    return [_group(name, url(name), group) for name, group in members.items()]


def _group(name: str, url: str, traces: Sequence[Trace]) -> TokenGroup:
    counted = [t.usage.total for t in traces if t.usage.total is not None]
    return TokenGroup(name, url, len(traces), len(traces) - len(counted),
                      sum(counted) if counted else None, 0)


def _largest(groups: list[TokenGroup], noun: str) -> tuple[TokenGroup, ...]:
    """The TOP_GROUPS that reported the most tokens, then the others as one row."""
    ranked = sorted(groups, key=lambda g: (-(g.tokens or 0), g.name))
    top, rest = ranked[:TOP_GROUPS], ranked[TOP_GROUPS:]
    if rest:
        tokens = [g.tokens for g in rest if g.tokens is not None]
        top.append(TokenGroup(f"{len(rest)} other {noun}", "", sum(g.sessions for g in rest),
                              sum(g.without_tokens for g in rest),
                              sum(tokens) if tokens else None, 0, rest=True))
    return _with_bars(top)


def _with_bars(groups: list[TokenGroup]) -> tuple[TokenGroup, ...]:
    most = max((g.tokens or 0 for g in groups if not g.rest), default=0) or 1
    return tuple(replace(g, most=most) for g in groups)


def trace_row(ctx: SiteContext, t: Trace, excerpt: str = "") -> TraceRow:
    seconds = ((t.ended_at - t.started_at).total_seconds()
               if t.started_at and t.ended_at else None)
    return TraceRow(
        agent=t.agent, agent_url=ctx.urls.agent(t.agent), session=t.session_id,
        url=ctx.urls.trace(t.agent, t.session_id), harness=t.harness or fmt.MISSING,
        model=fmt.slash_parts(t.model or fmt.MISSING),
        started=fmt.when(t.started_at), started_iso=fmt.iso(t.started_at),
        started_day=fmt.iso_day(t.started_at), started_time=fmt.clock_in_column(t.started_at),
        duration=fmt.duration(seconds), duration_seconds=seconds, tokens=t.usage.total,
        tool_calls=t.tool_calls, badges=share_badges(t), excerpt=excerpt,
        result=result_by_score(ctx, t), **_result_in_column(ctx, t))


def _result_in_column(ctx: SiteContext, t: Trace) -> dict[str, Any]:
    """The score of the result the session led to, with the decimals of every table's scores, so
    that a column of them lines up."""
    result = named_result(ctx, t)
    if result is None:
        return {}
    row = ctx.table([ctx.rows_by_result[result.id]])[0]
    return {"result_score": row.score, "result_cell": row.score_cell}


def token_totals(traces: Sequence[Trace]) -> TokenTotals:
    totals = trace_totals(list(traces))
    return TokenTotals(total=totals.tokens.total or 0, sessions=totals.sessions,
                       counted=totals.sessions_counted, missing=totals.sessions_missing_tokens,
                       agents_reporting=totals.agents_reporting, agents=totals.agents,
                       by_harness=totals.by_harness)


def pages(ctx: SiteContext) -> Iterator[PageSpec | DeferredPages]:
    """The index pages, then every session's pages, one session at a time."""
    yield from index_pages(ctx)
    for trace in ctx.collab.traces:
        fingerprint = session_fingerprint(ctx, trace)
        if fingerprint:
            yield DeferredPages(fingerprint, partial(_session_specs, ctx, trace), ctx.cited_key)
        else:
            yield from _session_specs(ctx, trace).specs


def session_fingerprint(ctx: SiteContext, trace: Trace) -> str | None:
    """A digest of everything a session's pages show (None when the build cannot tell): the
    trace, its log's bytes, the result its manifest names (the header links it with its
    score) and the pages its notes link to."""
    result = named_result(ctx, trace)
    parts = [ctx.record_key(trace), ctx.log_key(trace),
             ctx.record_key(ctx.rows_by_result.get(result.id, result)) if result else "no result",
             ctx.links_key(trace.notes, folder_of(trace.manifest_path))]
    if not ctx.fingerprint_salt or None in parts:
        return None
    return ctx.fingerprint("trace.html", *parts)


def _session_specs(ctx: SiteContext, trace: Trace) -> PlannedPages:
    """A session's pages, and the bucket paths their texts cite (the log is read here)."""
    session = plan_session(ctx, trace, _load(ctx.load_transcript, trace))
    return PlannedPages(list(_specs(ctx, session)), session.cited)


def index_pages(ctx: SiteContext) -> list[PageSpec]:
    traces = list(reversed(ctx.collab.traces))          # oldest first, for stable pages
    totals = token_totals(traces)
    # every page has the column when a session of the site led to a result of it: "Result (tok/s)"
    results_column = any(named_result(ctx, t) for t in traces)
    unit = ctx.config.metric.unit
    result_head = f"Result ({unit})" if unit else "Result"
    specs = []
    for listing in paged_listing(traces, TRACES_PER_PAGE, ctx.urls.traces,
                                 when=lambda t: t.started_at):
        number = listing.number
        page = ctx.base_context("Traces" if number == 0 else f"Traces — page {number}", "traces",
                                listing.url, index_description(totals, listing.items, number))
        page.update(rows=[trace_row(ctx, t, _excerpt(ctx, t)) for t in reversed(listing.items)],
                    totals=totals, pager=listing.pager, cols=score_columns(ctx),
                    result_head=result_head if results_column else "",
                    groups=token_groups(traces, ctx.urls.agent) if number == 0 else None)
        specs.append(PageSpec(listing.url, "traces.html", page))
    return specs


def index_description(totals: TokenTotals, traces: Sequence[Trace], number: int) -> str:
    """What a page of the trace archive lists: the sessions (how many in all, on the latest
    page) and the days of the page's own."""
    counted = (f": {fmt.counted(totals.sessions, 'session')} of {fmt.counted(totals.agents, 'agent')}"
               if number == 0 else "")
    days = fmt.span(t.started_at for t in traces)
    return fmt.sentences(f"The agents' shared work sessions{counted}, newest first, with their "
                         "transcripts, tool calls and the tokens they reported",
                         f"On this page: {days}" if days else "")


def _excerpt(ctx: SiteContext, t: Trace) -> str:
    """Plain text of the notes' first prose (escaped by the template like any string)."""
    return notes_excerpt(ctx.md.render(t.notes[:4000]), 140) if t.notes.strip() else ""


def notes_excerpt(notes: Markup, limit: int) -> str:
    """Plain text of a session's notes' first prose, rendered. A heading they open with
    ("## Session notes") is left out when words follow it: the column says what they are, and
    140 characters are few."""
    opening = opening_heading(str(notes))
    after = excerpt_of_html(opening.rest, limit) if opening else ""
    return after or excerpt_of_html(str(notes), limit)


def session_description(trace: Trace, header: SessionHeader) -> str:
    """A session in a few words: whose, with what, how large, then the opening of its notes."""
    figures = [f"{fmt.count(trace.usage.total)} tokens reported" if trace.usage.total is not None
               else "", fmt.counted(trace.tool_calls, "tool call") if trace.tool_calls is not None
               else ""]
    facts = ", ".join(x for x in (trace.harness, trace.model, fmt.iso_day(trace.started_at),
                                  *figures) if x)
    return fmt.sentences(f"Session {trace.session_id} of {trace.agent}"
                         + (f": {facts}" if facts else ""),
                         notes_excerpt(header.notes, DESCRIPTION_SOURCE) if header.notes else "")


# ---------------------------------------------------------------------------------------------
# A session

@dataclass(frozen=True)
class TurnLink:
    number: int
    label: str
    url: str
    preview: str
    tool_calls: int | None           # None: unknown (no parser read the log's structure)
    errors: int
    tokens: int | None
    page: int


@dataclass(frozen=True)
class PageLink:
    number: int
    url: str
    label: str
    current: bool


@dataclass(frozen=True)
class TracePager:
    current: int
    total: int
    prev_url: str | None
    next_url: str | None
    first_url: str
    numbered: tuple[PageLink, ...]        # a window around the current page (number 0 = gap)


@dataclass(frozen=True)
class Session:
    """What every page of one session shares."""

    trace: Trace
    loaded: LoadedTranscript
    transcript: Transcript | None         # None unless loaded.state == "ok"
    pages: Pages                          # the transcript's items, page by page
    page_of_turn: Mapping[int, int]
    errors_before: tuple[int, ...]        # errors on the pages before each page
    header: SessionHeader
    facts: TranscriptFacts | None
    viewer: Viewer
    url_for: UrlFor
    cited: tuple[str, ...] = ()           # the bucket paths its texts may link to pages of
    description: str = ""                 # what its pages say of it (session_description)

    @property
    def total(self) -> int:
        return max(1, len(self.pages))

    def url(self, number: int) -> str:
        return self.url_for(number if number > 1 else None)


def _specs(ctx: SiteContext, session: Session) -> Iterator[PageSpec]:
    """Every page of one session, page 1 first; page 1 carries what the log's reading found."""
    for number in range(1, session.total + 1):
        yield PageSpec(session.url(number), "trace.html", _page(ctx, session, number),
                       problems=session.loaded.problems if number == 1 else ())


def _load(load: Loader, trace: Trace) -> LoadedTranscript:
    try:
        return load(trace)
    except Exception as exc:        # the loader never raises; if it does, the build goes on
        reason = f"transcript not rendered: {type(exc).__name__}: {exc}"
        return LoadedTranscript(
            "error", note=f"The log could not be read ({type(exc).__name__}).",
            problems=(Problem(trace.log_path or trace.manifest_path, reason),))


def plan_session(ctx: SiteContext, trace: Trace, loaded: LoadedTranscript) -> Session:
    transcript = loaded.transcript if loaded.state == "ok" else None

    def url_for(number: int | None = None) -> str:
        return ctx.urls.trace(trace.agent, trace.session_id, number)

    pages: Pages = ()
    if transcript is not None and transcript.items:
        pages = split_by_size(paginate(transcript, ctx.config.limits.trace_records_per_page))
    errors_before, error_links = error_index(pages, url_for)
    raw_url = ctx.urls.bucket_file(trace.log_path) if trace.log_path else ""
    header = session_header(ctx, trace, loaded, error_links)
    return Session(
        trace=trace, loaded=loaded, transcript=transcript, pages=pages,
        page_of_turn=turn_pages(pages), errors_before=errors_before, header=header,
        description=session_description(trace, header),
        facts=transcript_facts(transcript) if transcript is not None else None,
        viewer=Viewer(partial(_log_text, ctx), raw_url or "", _session_start(trace, transcript)),
        url_for=url_for, cited=cited_paths(transcript) if transcript is not None else ())


def _log_text(ctx: SiteContext, text: str, id_salt: str) -> Markup:
    """A text of the log, the bucket paths it cites (a result it posted) linked to their pages.
    Its folder is the agent's working copy, not the bucket's: only paths from the bucket's top
    and bare file names link."""
    return ctx.linked_markdown(text, None, anchors=False, top=LOG_TEXT_TOP, id_salt=id_salt)


def cited_paths(transcript: Transcript) -> tuple[str, ...]:
    """Every bucket path the transcript's texts may link to a page of the site."""
    return tuple(sorted({path for item in transcript.items for shown in item.walk()
                         if shown.markdown for path in page_paths(shown.markdown, None)}))


def _page(ctx: SiteContext, s: Session, number: int) -> dict[str, Any]:
    title = f"{s.trace.agent} · {s.trace.session_id}"
    page = ctx.base_context(title if number == 1 else f"{title} — page {number}", "traces",
                            s.url(number), s.description, article=True)
    t = s.transcript
    items = s.pages[number - 1] if s.pages else ()
    page.update(
        h=s.header, state=s.loaded.state, note=s.loaded.note, page=number, pages=s.total,
        pager=_pager(number, s.total, s.url), facts=s.facts if number == 1 else None,
        turn_index=(_turn_index(t, s.page_of_turn, s.url, number, {i.turn for i in items})
                    if t is not None else ()),
        turn_index_capped=bool(t and number == 1 and len(t.turns) > TURN_INDEX_CAP),
        page_list=(_page_list(s.pages, s.url, number, t.counted)
                   if t is not None and number == 1 else ()),
        sections=sections(s.viewer, t, items, s.page_of_turn, number,
                          s.errors_before[number - 1]) if t is not None and items else (),
        has_transcript=t is not None and bool(s.pages), raw_url=s.viewer.raw_url)
    return page


def _session_start(trace: Trace, transcript: Transcript | None) -> datetime | None:
    if transcript is not None and transcript.stats.first_timestamp is not None:
        return transcript.stats.first_timestamp
    return trace.started_at


# ---------------------------------------------------------------------------------------------
# Navigation

def _turn_index(transcript: Transcript, page_of_turn: Mapping[int, int],
                url: Callable[[int], str], page: int, shown: Collection[int] = ()
                ) -> tuple[TurnLink, ...]:
    """Page 1: every turn (up to TURN_INDEX_CAP); other pages: the turns they show (`shown`),
    one that began on a page before included, its link leading to its beginning (a page in the
    middle of a long turn has no other)."""
    out = []
    preamble = "harness context" if transcript.counted else "shown raw: no parser read them"
    for turn in transcript.turns:
        where = page_of_turn.get(turn.number, 1)
        if page != 1 and where != page and turn.number not in shown:
            continue
        if page == 1 and len(out) >= TURN_INDEX_CAP:
            break
        began = "" if page == 1 or where == page else f" (from p. {where})"
        out.append(TurnLink(number=turn.number, label=turn_title(turn, transcript) + began,
                            url=url(where) + f"#{turn.anchor}",
                            preview=turn.preview or (preamble if turn.number == 0 else ""),
                            tool_calls=turn.tool_calls if transcript.counted else None,
                            errors=turn.errors, tokens=turn.tokens,
                            page=where))
    return tuple(out)


def _page_list(pages: Pages, url: Callable[[int], str], current: int, counted: bool
               ) -> tuple[PageLink, ...]:
    if len(pages) < 2:
        return ()
    return tuple(PageLink(number, url(number), f"page {number}: {_page_holds(page, counted)}",
                          number == current) for number, page in enumerate(pages, 1))


def _page_holds(page: Sequence[Item], counted: bool) -> str:
    """"turns 2–4"; a log no parser read has no turns (all its records are "turn 0"): the
    lines of the log its page shows."""
    first, last = (page[0].turn, page[-1].turn) if counted else (page[0].line, page[-1].line)
    noun = "turn" if counted else "line"
    if first == last:
        return f"{noun} {fmt.count(first)}"
    return f"{noun}s {fmt.count(first)}–{fmt.count(last)}"


def _pager(current: int, total: int, url: Callable[[int], str]) -> TracePager:
    shown = sorted({1, total, *range(max(1, current - PAGER_WINDOW),
                                     min(total, current + PAGER_WINDOW) + 1)})
    numbered = []
    previous = 0
    for n in shown:
        if n - previous > 1:
            numbered.append(PageLink(0, "", "…", False))
        numbered.append(PageLink(n, url(n), str(n), n == current))
        previous = n
    return TracePager(current=current, total=total,
                      prev_url=url(current - 1) if current > 1 else None,
                      next_url=url(current + 1) if current < total else None,
                      first_url=url(1), numbered=tuple(numbered))
