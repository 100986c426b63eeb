"""The trace archive's pages: /traces/ (index with a reported-floor totals tile) and one or more
pages per shared session. Pure planning: transcripts arrive through the `load` callable that
build.py hands in (the only I/O), one trace at a time, so a huge archive never sits in memory."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterator, Sequence

from builder.model import Trace
from builder.pages import PageSpec, SiteMap, fmt_iso, fmt_time, paged_listing
from builder.slugs import slugify
from builder.transcript import LoadedTranscript

TRACES_PER_PAGE = 100
Loader = Callable[[Trace], LoadedTranscript]


@dataclass(frozen=True)
class TraceRow:
    agent: str
    agent_url: str
    session: str
    url: str
    harness: str
    model: str
    started: str
    started_iso: str
    duration: str
    duration_seconds: float | None
    tokens: int | None
    tool_calls: int | None
    share: str
    completeness: str
    share_class: str
    completeness_class: str


@dataclass(frozen=True)
class TokenTotals:
    """The archive's token figures: a floor (sessions that reported nothing are not counted)."""

    total: int
    sessions: int
    counted: int
    missing: int
    agents_reporting: int


def fmt_duration(seconds: float | None) -> str:
    if seconds is None or seconds < 0:
        return "—"
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes:02d} min"
    if minutes:
        return f"{minutes} min {secs:02d} s"
    return f"{secs} s"


def trace_row(sm: SiteMap, t: Trace) -> TraceRow:
    seconds = ((t.ended_at - t.started_at).total_seconds()
               if t.started_at and t.ended_at else None)
    return TraceRow(
        agent=t.agent, agent_url=sm.urls.agent(t.agent), session=t.session_id,
        url=sm.urls.trace(t.agent, t.session_id), harness=t.harness or "—", model=t.model or "—",
        started=fmt_time(t.started_at), started_iso=fmt_iso(t.started_at),
        duration=fmt_duration(seconds), duration_seconds=seconds, tokens=t.usage.total,
        tool_calls=t.tool_calls, share=t.share or "—", completeness=t.completeness or "—",
        share_class=slugify(t.share or "unknown"), completeness_class=slugify(t.completeness or "unknown"))


def token_totals(traces: Sequence[Trace]) -> TokenTotals:
    known = [t for t in traces if t.usage.total is not None]
    return TokenTotals(total=sum(t.usage.total for t in known), sessions=len(traces),
                       counted=len(known), missing=len(traces) - len(known),
                       agents_reporting=len({t.agent for t in known}))


def trace_pages(sm: SiteMap, load: Loader) -> Iterator[PageSpec]:
    yield from trace_index_pages(sm)
    for trace in sm.collab.traces:
        yield from session_pages(sm, trace, load)


def trace_index_pages(sm: SiteMap) -> list[PageSpec]:
    traces = list(reversed(sm.collab.traces))          # oldest first, for stable pages
    totals = token_totals(traces)
    specs = []
    for url, number, part, pager in paged_listing(traces, TRACES_PER_PAGE, sm.urls.traces):
        ctx = sm.base_context("Traces" if number == 0 else f"Traces — page {number}", "traces")
        ctx.update(rows=[trace_row(sm, t) for t in reversed(part)], totals=totals, pager=pager)
        specs.append(PageSpec(url, "traces.html", ctx))
    return specs


def session_pages(sm: SiteMap, trace: Trace, load: Loader) -> list[PageSpec]:
    """Placeholder until the transcript pages land: the header and stats of the session."""
    ctx: dict[str, Any] = sm.base_context(f"{trace.agent} · {trace.session_id}", "traces")
    ctx.update(trace=trace, row=trace_row(sm, trace))
    return [PageSpec(sm.urls.trace(trace.agent, trace.session_id), "trace.html", ctx)]
