"""The trace archive's pages: /traces/ (index with a reported-floor totals tile) and one or more
pages per shared session. Pure planning: transcripts arrive through the `load` callable that
build.py hands in (the only I/O), one trace at a time, so a huge archive never sits in memory.

A session's pages (trace-formats.md §7):
  * page 1, /traces/{agent}/{session}/: the header from the manifest (tokens *as reported*, with
    the figure computed from the log beside it: deduplicated for Claude Code, the last cumulative
    event for Codex), the agent's notes, links to the raw log and the Hub's trace viewer, the
    transcript's stats, the turn index (every turn, linked on the page that holds it), then the
    first page of the transcript;
  * page n, /traces/{agent}/{session}/page/n/: a short header, that page's turns.
Everything a template places is computed here, as frozen views; agent text reaches HTML only
as escaped text or through `sm.md.render` (the sanitising markdown door).

Memory: `trace_pages` walks the traces one at a time and builds each page's item views only
when that page is reached; the transcript of one session is the largest thing held.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Callable, Iterator, Sequence

from markupsafe import Markup

from builder.markdown import excerpt_of_html
from builder.model import TokenUsage, Trace
from builder.format import duration as fmt_duration, iso as fmt_iso, offset as fmt_offset, size as fmt_bytes, when as fmt_time
from builder.model import Link as LinkView
from builder.pages.context import SiteContext as SiteMap
from builder.pages.paging import paged_listing
from builder.pages.spec import PageSpec
from builder.readers.traces import trace_totals
from builder.slugs import slugify
from builder.transcript import (AssistantText, ImageRef, InjectedContext, Item, LoadedTranscript,
                                Prompt, RawRecord, SkippedLine, Subagent, SystemNote, Thinking,
                                ToolCall, ToolResultOrphan, Transcript, Turn, paginate, transcript_problems,
                                turn_pages)

TRACES_PER_PAGE = 100
Loader = Callable[[Trace], LoadedTranscript]

DISPLAY_LINES = 200           # lines shown of any one block (input, output, raw record, diff)
DISPLAY_CHARS = 20_000        # characters shown of any one block
PAGE_BYTES = 1_200_000        # a transcript page is split further above about this much HTML
TURN_INDEX_CAP = 2_000        # turns listed in page 1's index (the pages list always follows)
ERROR_LINKS_CAP = 50          # errors listed by name in the header
TOP_TOOLS = 8                 # tools with a bar of their own; the rest are grouped
PAGER_WINDOW = 4              # numbered page links either side of the current page

DEDUP_NOTE = ("Claude Code writes one log row per content block and repeats the response's usage "
              "on each, so summing rows (what the manifest reports) counts a split response "
              "several times. This figure counts each API response (message id + request id) "
              "once, subagent rows included.")
CODEX_NOTE = ("Codex token_count events are cumulative: the session total is the last event's "
              "total_token_usage, never the sum of the events. Codex input includes cached "
              "tokens and output includes reasoning.")


# ---------------------------------------------------------------------------------------------
# The index

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
    excerpt: str = ""


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


def trace_row(sm: SiteMap, t: Trace, excerpt: str = "") -> TraceRow:
    seconds = ((t.ended_at - t.started_at).total_seconds()
               if t.started_at and t.ended_at else None)
    return TraceRow(
        agent=t.agent, agent_url=sm.urls.agent(t.agent), session=t.session_id,
        url=sm.urls.trace(t.agent, t.session_id), harness=t.harness or "—",
        model=t.model or "—",
        started=fmt_time(t.started_at), started_iso=fmt_iso(t.started_at),
        duration=fmt_duration(seconds), duration_seconds=seconds, tokens=t.usage.total,
        tool_calls=t.tool_calls, share=t.share or "—", completeness=t.completeness or "—",
        share_class=slugify(t.share or "unknown"),
        completeness_class=slugify(t.completeness or "unknown"), excerpt=excerpt)


def token_totals(traces: Sequence[Trace]) -> TokenTotals:
    totals = trace_totals(list(traces))
    return TokenTotals(total=totals.tokens.total or 0, sessions=totals.sessions,
                       counted=totals.sessions_counted, missing=totals.sessions_missing_tokens,
                       agents_reporting=totals.agents_reporting, agents=totals.agents,
                       by_harness=totals.by_harness)


PLAN_AHEAD = 8                # session pages are large: planned only a few at a time


def pages(sm: SiteMap) -> Iterator[PageSpec]:
    yield from trace_index_pages(sm)
    for trace in sm.collab.traces:
        yield from _session_page_specs(sm, trace, sm.load_transcript)


def trace_index_pages(sm: SiteMap) -> list[PageSpec]:
    traces = list(reversed(sm.collab.traces))          # oldest first, for stable pages
    totals = token_totals(traces)
    specs = []
    for listing in paged_listing(traces, TRACES_PER_PAGE, sm.urls.traces):
        number = listing.number
        ctx = sm.base_context("Traces" if number == 0 else f"Traces — page {number}", "traces")
        ctx.update(rows=[trace_row(sm, t, _excerpt(sm, t)) for t in reversed(listing.items)],
                   totals=totals, pager=listing.pager)
        specs.append(PageSpec(listing.url, "traces.html", ctx))
    return specs


def _excerpt(sm: SiteMap, t: Trace) -> str:
    """Plain text of the notes' first prose (escaped by the template like any string)."""
    return excerpt_of_html(sm.md.render(t.notes[:4000]), 140) if t.notes.strip() else ""


# ---------------------------------------------------------------------------------------------
# A session's views

@dataclass(frozen=True)
class Badge:
    text: str
    css: str
    title: str = ""


@dataclass(frozen=True)
class Figure:
    label: str
    value: int | None


@dataclass(frozen=True)
class ToolBar:
    name: str
    count: int
    max: int


@dataclass(frozen=True)
class Block:
    """A text shown in a <pre>, cut for display (the full text stays in the raw log)."""

    text: str
    more: str = ""                   # "… 1,234 more lines (56.7 KB) not shown"


@dataclass(frozen=True)
class DiffLine:
    css: str                         # add | del | hunk | ctx
    text: str


@dataclass(frozen=True)
class SessionHeader:
    agent: str
    agent_url: str
    session: str
    title: str
    harness: str
    adapter_version: str
    model: str
    models: tuple[str, ...]
    subagent_models: tuple[str, ...]
    started: str
    started_iso: str
    ended: str
    ended_iso: str
    duration: str
    active: str
    promoted: str
    promoted_iso: str
    badges: tuple[Badge, ...]
    reported: tuple[Figure, ...]          # total first; None shows as "—"
    computed: tuple[Figure, ...]          # from the log (empty when not parsed)
    computed_label: str
    computed_note: str
    sidechain_total: int | None
    tool_calls_reported: int | None
    tool_calls_parsed: int | None
    errors: int | None
    tool_errors: int | None
    first_error_url: str
    error_links: tuple[LinkView, ...]
    top_tools: tuple[ToolBar, ...]
    activity: tuple[tuple[str, str], ...]
    result: LinkView | None
    result_ref: str
    links: tuple[LinkView, ...]
    log_name: str
    log_size: str
    notes: Markup
    metadata: tuple[tuple[str, str], ...]
    context: tuple[tuple[str, str], ...]  # from the log: cwd, branch, CLI version…


@dataclass(frozen=True)
class TranscriptFacts:
    """What the page says about the log as a whole (the stats block and the footer)."""

    rows: tuple[tuple[str, str], ...]
    notes: tuple[str, ...]                # malformed lines, truncation, omitted items…
    unknown: tuple[tuple[str, int], ...]
    hidden: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class TurnLink:
    number: int
    label: str
    url: str
    preview: str
    tool_calls: int
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
    numbered: tuple[PageLink, ...]        # a window around the current page (None = gap)


# Item views: one class per kind, each with a `kind` for the template's dispatch.

@dataclass(frozen=True)
class PromptView:
    kind = "prompt"
    time: str
    iso: str
    text: str
    images: tuple[str, ...]


@dataclass(frozen=True)
class TextView:
    kind = "assistant"
    time: str
    iso: str
    html: Markup
    model: str
    is_error: bool
    error_id: str


@dataclass(frozen=True)
class ThinkingView:
    kind = "thinking"
    time: str
    iso: str
    preview: str
    body: Block | None                    # None: not recorded (empty or redacted)
    state: str


@dataclass(frozen=True)
class ToolView:
    kind = "tool"
    anchor: str
    time: str
    iso: str
    icon: str
    name: str
    summary: str
    status: str
    status_class: str                     # ok | error | none | interrupted
    is_error: bool
    error_id: str
    duration: str
    change: str                           # "(+3 −1)"
    input: Block | None
    result: Block | None
    diff: tuple[DiffLine, ...]
    diff_more: str
    images: tuple[str, ...]
    stats: tuple[tuple[str, str], ...]
    subagent: "SubagentView | None"
    subagent_missing: bool


@dataclass(frozen=True)
class OrphanView:
    kind = "orphan"
    time: str
    iso: str
    call_id: str
    body: Block
    is_error: bool
    error_id: str
    images: tuple[str, ...]


@dataclass(frozen=True)
class InjectedView:
    label: str
    body: Block


@dataclass(frozen=True)
class InjectedGroupView:
    kind = "injected"
    label: str
    items: tuple[InjectedView, ...]


@dataclass(frozen=True)
class SystemView:
    kind = "system"
    time: str
    iso: str
    note_kind: str
    text: str
    body: Block | None                    # the rest, when longer than one line
    level: str
    is_error: bool
    error_id: str
    divider: bool                         # compaction: a full-width divider


@dataclass(frozen=True)
class SubagentView:
    kind = "subagent"
    label: str
    facts: str
    items: tuple[Any, ...]


@dataclass(frozen=True)
class RawView:
    kind = "raw"
    time: str
    iso: str
    record_type: str
    body: Block


@dataclass(frozen=True)
class SkippedView:
    kind = "skipped"
    line: int
    size: str
    offset: int
    raw_url: str


@dataclass(frozen=True)
class TurnSection:
    number: int
    anchor: str                           # "" on a continuation
    title: str
    time: str
    iso: str
    tool_calls: int
    errors: int
    tokens: int | None
    items: tuple[Any, ...]


# ---------------------------------------------------------------------------------------------
# Building a session's pages

def session_pages(sm: SiteMap, trace: Trace, load: Loader) -> list[PageSpec]:
    """Every page of one session (page 1 first)."""
    return list(_session_page_specs(sm, trace, load))


def _session_page_specs(sm: SiteMap, trace: Trace, load: Loader) -> Iterator[PageSpec]:
    try:
        loaded = load(trace)
    except Exception as exc:                 # the loader never raises; a bug must not stop a build
        loaded = LoadedTranscript("error",
                                  note=f"The log could not be read ({type(exc).__name__}).")
    transcript = loaded.transcript if loaded.state == "ok" else None
    url_for = lambda n=None: sm.urls.trace(trace.agent, trace.session_id, n)  # noqa: E731
    if transcript is None or not transcript.items:
        pages: tuple[tuple[Item, ...], ...] = ()
    else:
        pages = split_by_size(paginate(transcript, sm.config.limits.trace_records_per_page))
    page_of_turn = turn_pages(pages)
    raw_url = sm.urls.bucket_file(trace.log_path) if trace.log_path else None
    start = _session_start(trace, transcript)
    errors_before, error_links = _error_index(pages, url_for)
    header = session_header(sm, trace, loaded, error_links, url_for)
    facts = transcript_facts(transcript) if transcript is not None else None
    total = max(1, len(pages))
    title = f"{trace.agent} · {trace.session_id}"
    for number in range(1, total + 1):
        items = pages[number - 1] if pages else ()
        viewer = _Viewer(sm, raw_url or "", start, errors_before[number - 1] if pages else 0)
        ctx: dict[str, Any] = sm.base_context(
            title if number == 1 else f"{title} — page {number}", "traces")
        ctx.update(
            h=header, state=loaded.state, note=loaded.note, page=number, pages=total,
            pager=_pager(number, total, url_for), facts=facts if number == 1 else None,
            turn_index=_turn_index(transcript, page_of_turn, url_for, number) if transcript else (),
            turn_index_capped=bool(transcript and number == 1
                                   and len(transcript.turns) > TURN_INDEX_CAP),
            page_list=_page_list(pages, transcript, url_for, number) if number == 1 else (),
            sections=_sections(viewer, transcript, items, page_of_turn, number) if items else (),
            has_transcript=transcript is not None and bool(pages), raw_url=raw_url or "")
        yield PageSpec(url_for(number if number > 1 else None), "trace.html", ctx,
                       problems=tuple(loaded.problems) if number == 1 else ())


def split_by_size(pages: tuple[tuple[Item, ...], ...], limit: int = PAGE_BYTES
                  ) -> tuple[tuple[Item, ...], ...]:
    """Pages of at most about `limit` characters of shown text (a page with one item stays)."""
    out: list[tuple[Item, ...]] = []
    for page in pages:
        current: list[Item] = []
        size = 0
        for item in page:
            weight = _text_weight(item)
            if current and size + weight > limit:
                out.append(tuple(current))
                current, size = [], 0
            current.append(item)
            size += weight
        if current:
            out.append(tuple(current))
    return tuple(out)


def _text_weight(item: Any) -> int:
    """About how many bytes of HTML an item becomes (shown text, escaped, plus its markup)."""
    if isinstance(item, ToolCall):
        own = (_escaped(item.input_text) + _escaped(item.result or "") + 2 * _escaped(item.diff)
               + 900)
        return own + (_text_weight(item.subagent) if item.subagent is not None else 0)
    if isinstance(item, Subagent):
        return 300 + sum(_text_weight(i) for i in item.items)
    if isinstance(item, AssistantText):
        return 2 * _escaped(item.text) + 300
    if isinstance(item, RawRecord):
        return _escaped(item.raw) + 300
    return _escaped(getattr(item, "text", "")) + 300


def _escaped(text: str) -> int:
    """Length of the shown part of `text` once HTML-escaped (&amp; &lt; &gt; &#34; &#39;)."""
    text = text[:DISPLAY_CHARS]
    return (len(text) + 4 * (text.count("&") + text.count('"') + text.count("'"))
            + 3 * (text.count("<") + text.count(">")))


def _session_start(trace: Trace, transcript: Transcript | None) -> datetime | None:
    if transcript is not None and transcript.stats.first_timestamp is not None:
        return transcript.stats.first_timestamp
    return trace.started_at


# -- errors: numbered in document order (e1, e2… across the pages), listed in the header

def _is_error(item: Any) -> bool:
    if isinstance(item, ToolCall):
        return item.is_error or item.exit_code not in (None, 0)
    if isinstance(item, (SystemNote, AssistantText, ToolResultOrphan)):
        return item.is_error
    return False


def _walk(item: Any) -> Iterator[Any]:
    """The item and everything nested in it, in the order the page shows them."""
    yield item
    if isinstance(item, ToolCall) and item.subagent is not None:
        yield from _walk(item.subagent)
    elif isinstance(item, Subagent):
        for sub in item.items:
            yield from _walk(sub)


def _error_label(item: Any) -> str:
    if isinstance(item, ToolCall):
        what = f"{item.name}: {item.summary}" if item.summary else item.name
        return f"{_short(what, 80)} ({item.status})"
    if isinstance(item, SystemNote):
        return _short(f"{item.note_kind}: {item.text}", 90)
    if isinstance(item, AssistantText):
        return _short("API error: " + item.text, 90)
    return _short("orphan result: " + getattr(item, "text", ""), 90)


def _error_index(pages: tuple[tuple[Item, ...], ...], url_for
                 ) -> tuple[list[int], tuple[LinkView, ...]]:
    """(errors before each page, the first errors as links), numbering as the pages will."""
    before: list[int] = []
    links: list[LinkView] = []
    count = 0
    for number, page in enumerate(pages, 1):
        before.append(count)
        for top in page:
            for item in _walk(top):
                if _is_error(item):
                    count += 1
                    if len(links) < ERROR_LINKS_CAP:
                        url = url_for(number if number > 1 else None) + f"#e{count}"
                        links.append(LinkView(f"turn {item.turn}: {_error_label(item)}", url))
    return before or [0], tuple(links)


def _short(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


# -- the header

def session_header(sm: SiteMap, trace: Trace, loaded: LoadedTranscript,
                   error_links: tuple[LinkView, ...], url_for) -> SessionHeader:
    transcript = loaded.transcript if loaded.state == "ok" else None
    st = transcript.stats if transcript is not None else None
    extra = dict(trace.extra)
    u = trace.usage
    reported = (Figure("total", u.total), Figure("input", u.input), Figure("output", u.output),
                Figure("cache read", u.cache_read), Figure("cache write", u.cache_creation),
                Figure("reasoning", u.reasoning))
    computed: tuple[Figure, ...] = ()
    computed_label = computed_note = ""
    harness = transcript.harness if transcript is not None else ""
    if st is not None and st.usage is not None and harness in ("claude-code", "codex"):
        computed = _figures(st.usage)
        if harness == "claude-code":
            computed_label, computed_note = "deduplicated by message id + request id", DEDUP_NOTE
        else:
            computed_label = "session total from the last cumulative token_count event"
            computed_note = CODEX_NOTE
    notes_redacted = _int(extra.get("redactions.notes"))
    redactions = loaded.redactions + notes_redacted
    badges = [Badge(f"share: {trace.share or 'unknown'}", "share-" + slugify(trace.share or "x"),
                    "full: the native log is shared; stats: numbers only"),
              Badge(f"completeness: {trace.completeness or 'unknown'}",
                    "completeness-" + slugify(trace.completeness or "x"),
                    "full: harness, tokens and tool calls all reported")]
    if redactions:
        badges.append(Badge(f"redacted by archive ({redactions:,})", "redacted",
                            "this site masked secrets the share left in: each [REDACTED:…] "
                            "marks one"))
    if st is not None and st.truncated_tail:
        badges.append(Badge("log truncated", "truncated", "the last line of the log is cut off"))
    if loaded.state == "too-large":
        badges.append(Badge("transcript too large", "too-large", loaded.note))
    seconds = ((trace.ended_at - trace.started_at).total_seconds()
               if trace.started_at and trace.ended_at else None)
    result = sm.results_by_file.get(trace.result_ref) if trace.result_ref else None
    if result is None and trace.result_ref:
        result = sm.results_by_file.get(trace.result_ref.removesuffix(".md"))
    links: list[LinkView] = []
    log_name = ""
    if trace.log_path:
        log_name = trace.log_path.rsplit("/", 1)[-1]
        raw = sm.urls.bucket_file(trace.log_path)
        view = sm.urls.bucket_view(trace.log_path)
        if raw:
            links.append(LinkView("Raw log", raw))
        if view:
            links.append(LinkView("Open in the Hugging Face trace viewer", view))
    manifest = sm.urls.bucket_file(trace.manifest_path)
    if manifest:
        links.append(LinkView("manifest.md (raw)", manifest))
    activity = []
    for key, label in (("extensions.turns", "turns (reported)"),
                       ("extensions.api_requests", "API requests (reported)")):
        if key in extra:
            activity.append((label, extra[key]))
    if st is not None:
        activity.append(("turns in the log", f"{len(transcript.turns) - _preamble(transcript):,}"))
        if st.api_requests is not None:
            activity.append(("API requests (distinct, from the log)", f"{st.api_requests:,}"))
    context = tuple(transcript.meta) if transcript is not None else ()
    return SessionHeader(
        agent=trace.agent, agent_url=sm.urls.agent(trace.agent), session=trace.session_id,
        title=transcript.title if transcript is not None else "",
        harness=trace.harness or (transcript.harness if transcript is not None else "") or "—",
        adapter_version=extra.get("adapter_version", ""), model=trace.model or "—",
        models=st.models if st is not None else (),
        subagent_models=st.subagent_models if st is not None else (),
        started=fmt_time(trace.started_at), started_iso=fmt_iso(trace.started_at),
        ended=fmt_time(trace.ended_at), ended_iso=fmt_iso(trace.ended_at),
        duration=fmt_duration(seconds),
        active=fmt_duration(st.active_seconds) if st is not None and st.active_seconds else "",
        promoted=fmt_time(trace.promoted_at), promoted_iso=fmt_iso(trace.promoted_at),
        badges=tuple(badges), reported=reported, computed=computed,
        computed_label=computed_label, computed_note=computed_note,
        sidechain_total=(st.sidechain_usage.total if st is not None and st.sidechain_usage
                         and harness == "claude-code" else None),
        tool_calls_reported=trace.tool_calls,
        tool_calls_parsed=st.tool_calls if st is not None else None,
        errors=st.errors if st is not None else None,
        tool_errors=st.tool_errors if st is not None else None,
        first_error_url=error_links[0].url if error_links else "",
        error_links=error_links,
        top_tools=_top_tools(trace.tool_calls_by_name or (st.tool_calls_by_name if st else ())),
        activity=tuple(activity), result=_result_link(sm, result),
        result_ref=trace.result_ref, links=tuple(links), log_name=log_name,
        log_size=fmt_bytes(trace.log_size) if trace.log_path else "",
        notes=sm.md.render(trace.notes) if trace.notes.strip() else Markup(""),
        metadata=_metadata(trace), context=context)


def _result_link(sm: SiteMap, result: Any) -> LinkView | None:
    if result is None:
        return None
    row = sm.rows_by_result.get(result.id)
    score = row.score_text if row is not None else ""
    return LinkView(f"{score} — {result.id}" if score else result.id, sm.urls.result(result.id))


def _preamble(transcript: Transcript) -> int:
    return 1 if transcript.turns and transcript.turns[0].number == 0 else 0


def _figures(u: TokenUsage) -> tuple[Figure, ...]:
    return (Figure("total", u.total), Figure("input", u.input), Figure("output", u.output),
            Figure("cache read", u.cache_read), Figure("cache write", u.cache_creation),
            Figure("reasoning", u.reasoning))


def _int(value: str | None) -> int:
    try:
        return max(0, int(value)) if value else 0
    except ValueError:
        return 0


def _top_tools(by_name: Sequence[tuple[str, int]]) -> tuple[ToolBar, ...]:
    ranked = sorted(by_name, key=lambda kv: (-kv[1], kv[0]))
    if not ranked:
        return ()
    top = list(ranked[:TOP_TOOLS])
    rest = ranked[TOP_TOOLS:]
    if rest:
        top.append((f"{len(rest)} other tools", sum(c for _, c in rest)))
    most = max(c for _, c in top) or 1
    return tuple(ToolBar(name, count, most) for name, count in top)


def _metadata(trace: Trace) -> tuple[tuple[str, str], ...]:
    """Every manifest field, as display text (the template escapes it)."""
    u = trace.usage
    own = [("agent", trace.agent), ("session_id", trace.session_id), ("harness", trace.harness),
           ("model", trace.model), ("started_at", fmt_iso(trace.started_at)),
           ("ended_at", fmt_iso(trace.ended_at)), ("promoted_at", fmt_iso(trace.promoted_at)),
           ("share", trace.share), ("completeness", trace.completeness),
           ("result_ref", trace.result_ref)]
    usage = [("usage.total_tokens", u.total), ("usage.input_tokens", u.input),
             ("usage.output_tokens", u.output), ("usage.cache_read_tokens", u.cache_read),
             ("usage.cache_creation_tokens", u.cache_creation),
             ("usage.reasoning_tokens", u.reasoning), ("activity.tool_calls", trace.tool_calls)]
    out = [(k, v or "—") for k, v in own]
    out += [(k, "—" if v is None else f"{v:,}") for k, v in usage]
    out += [(f"activity.tool_calls_by_name.{name}", f"{count:,}")
            for name, count in trace.tool_calls_by_name]
    out += [(k, v) for k, v in trace.extra if k != "redactions.notes"]
    return tuple(out)


def transcript_facts(transcript: Transcript) -> TranscriptFacts:
    st = transcript.stats
    rows = [("harness (from the log)", transcript.harness),
            ("lines", f"{st.lines:,}"), ("records", f"{st.records:,}"),
            ("turns", f"{len(transcript.turns) - _preamble(transcript):,}"),
            ("tool calls", f"{st.tool_calls:,}"), ("tool errors", f"{st.tool_errors:,}"),
            ("errors (all kinds)", f"{st.errors:,}")]
    if st.api_errors:
        rows.append(("API errors", f"{st.api_errors:,}"))
    if st.calls_without_result:
        rows.append(("calls without a result", f"{st.calls_without_result:,}"))
    if st.orphan_results:
        rows.append(("results without a call", f"{st.orphan_results:,}"))
    if st.first_timestamp and st.last_timestamp:
        rows.append(("span in the log (wall clock)",
                     fmt_duration((st.last_timestamp - st.first_timestamp).total_seconds())))
    if st.active_seconds:
        rows.append(("active time", fmt_duration(st.active_seconds)))
    # The same account the build report gets, phrased for the page.
    notes = [p.reason[:1].upper() + p.reason[1:] + "."
             for p in transcript_problems("", transcript)]
    if st.redactions:
        notes.append(f"{st.redactions:,} secret(s) masked by this site.")
    return TranscriptFacts(rows=tuple(rows), notes=tuple(notes), unknown=st.unknown_types,
                           hidden=st.hidden_types)


# -- navigation

def _turn_title(number: int) -> str:
    return "Before the first prompt" if number == 0 else f"Turn {number}"


def _turn_index(transcript: Transcript, page_of_turn: dict[int, int], url_for, page: int
                ) -> tuple[TurnLink, ...]:
    """Page 1: every turn (up to TURN_INDEX_CAP); other pages: the turns they hold."""
    out = []
    for turn in transcript.turns:
        where = page_of_turn.get(turn.number, 1)
        if page != 1 and where != page:
            continue
        if page == 1 and len(out) >= TURN_INDEX_CAP:
            break
        out.append(TurnLink(number=turn.number, label=_turn_title(turn.number),
                            url=url_for(where if where > 1 else None) + f"#{turn.anchor}",
                            preview=turn.preview or ("harness context" if turn.number == 0 else ""),
                            tool_calls=turn.tool_calls, errors=turn.errors, tokens=turn.tokens,
                            page=where))
    return tuple(out)


def _page_list(pages, transcript: Transcript | None, url_for, current: int
               ) -> tuple[PageLink, ...]:
    if transcript is None or len(pages) < 2:
        return ()
    out = []
    for number, page in enumerate(pages, 1):
        first, last = page[0].turn, page[-1].turn
        label = (f"turn {first}" if first == last else f"turns {first}–{last}")
        out.append(PageLink(number, url_for(number if number > 1 else None),
                            f"page {number}: {label}", number == current))
    return tuple(out)


def _pager(current: int, total: int, url_for) -> TracePager:
    def url(n: int) -> str:
        return url_for(n if n > 1 else None)

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


# -- the transcript

def _sections(viewer: "_Viewer", transcript: Transcript, items: Sequence[Item],
              page_of_turn: dict[int, int], page: int) -> tuple[TurnSection, ...]:
    turns: dict[int, Turn] = {t.number: t for t in transcript.turns}
    out = []
    i = 0
    while i < len(items):
        j = i
        number = items[i].turn
        while j < len(items) and items[j].turn == number:
            j += 1
        turn = turns.get(number)
        starts_here = page_of_turn.get(number) == page
        title = _turn_title(number) + ("" if starts_here else " (continued)")
        ts = turn.timestamp if turn is not None else items[i].timestamp
        out.append(TurnSection(
            number=number, anchor=f"t{number}" if starts_here else "", title=title,
            time=viewer.offset(ts), iso=fmt_iso(ts),
            tool_calls=turn.tool_calls if turn else 0, errors=turn.errors if turn else 0,
            tokens=turn.tokens if turn else None, items=viewer.views(items[i:j])))
        i = j
    return tuple(out)


_ICONS = (
    (("bash", "shell", "exec_command", "shell_command", "local_shell", "run"), "⌨"),
    (("read", "view_image", "notebookread"), "📄"),
    (("edit", "multiedit", "write", "apply_patch", "notebookedit"), "✎"),
    (("grep", "glob", "ls", "find", "search"), "🔍"),
    (("task", "agent"), "🤖"),
    (("todowrite", "update_plan"), "☑"),
    (("webfetch", "websearch", "web_search", "fetch"), "🌐"),
)


def _icon(name: str) -> str:
    low = name.lower()
    for names, icon in _ICONS:
        if low in names:
            return icon
    return "🔧"


def display_block(text: str, raw_url: str = "") -> Block:
    """The first DISPLAY_LINES lines / DISPLAY_CHARS characters of a text, and what was cut."""
    cut = len(text)
    pos = -1
    for _ in range(DISPLAY_LINES):
        pos = text.find("\n", pos + 1, DISPLAY_CHARS + 1)
        if pos < 0:
            break
    else:
        cut = pos
    cut = min(cut, DISPLAY_CHARS)
    rest = text[cut:]
    rest = rest[1:] if rest.startswith("\n") else rest      # the cut line break is not hidden text
    if not rest:
        return Block(text)
    lines = rest.count("\n") + (0 if rest.endswith("\n") else 1)
    size = fmt_bytes(len(rest.encode()))
    more = (f"… {lines:,} more line{'s' if lines != 1 else ''} ({size}) not shown"
            + (" — see the raw log" if raw_url else ""))
    return Block(text[:cut], more)


def _diff(text: str) -> tuple[tuple[DiffLine, ...], str]:
    block = display_block(text)
    out = []
    for line in block.text.split("\n"):
        if line.startswith(("+++", "---", "@@", "***")):
            css = "hunk"
        elif line.startswith("+"):
            css = "add"
        elif line.startswith("-"):
            css = "del"
        else:
            css = "ctx"
        out.append(DiffLine(css, line))
    return tuple(out), block.more


def _images(images: tuple[ImageRef, ...]) -> tuple[str, ...]:
    return tuple(i.label for i in images)


class _Viewer:
    """Turns items into views, numbering errors in document order from `errors_before`."""

    def __init__(self, sm: SiteMap, raw_url: str, start: datetime | None, errors_before: int):
        self.sm = sm
        self.raw_url = raw_url
        self.start = start
        self.errors = errors_before

    def offset(self, ts: datetime | None) -> str:
        if ts is None or self.start is None:
            return ""
        return fmt_offset((ts - self.start).total_seconds())

    def error_id(self, item: Any) -> str:
        if not _is_error(item):
            return ""
        self.errors += 1
        return f"e{self.errors}"

    def block(self, text: str) -> Block:
        return display_block(text, self.raw_url)

    def views(self, items: Sequence[Item]) -> tuple[Any, ...]:
        out: list[Any] = []
        group: list[InjectedView] = []
        for item in items:
            if isinstance(item, InjectedContext):
                group.append(InjectedView(item.context_kind.replace("_", " ") or "context",
                                          self.block(item.text)))
                continue
            if group:
                out.append(self._group(group))
                group = []
            out.append(self.view(item))
        if group:
            out.append(self._group(group))
        return tuple(out)

    @staticmethod
    def _group(group: list[InjectedView]) -> InjectedGroupView:
        kinds = sorted({g.label for g in group})
        label = (f"{len(group)} system items" if len(group) > 1 else "1 system item") + \
            f" ({', '.join(kinds)})"
        return InjectedGroupView(label, tuple(group))

    def view(self, item: Any) -> Any:
        t, iso = self.offset(item.timestamp), fmt_iso(item.timestamp)
        if isinstance(item, Prompt):
            return PromptView(t, iso, item.text, _images(item.images))
        if isinstance(item, AssistantText):
            return TextView(t, iso, self.sm.md.render(item.text), item.model, item.is_error,
                            self.error_id(item))
        if isinstance(item, Thinking):
            if item.state != "text" or not item.text.strip():
                label = "redacted thinking" if item.state == "redacted" else "thinking not recorded"
                return ThinkingView(t, iso, label, None, item.state)
            preview = item.preview
            if preview.startswith("**") and preview.endswith("**") and len(preview) > 4:
                preview = preview[2:-2]        # a Codex reasoning summary's bold title
            return ThinkingView(t, iso, preview, self.block(item.text), item.state)
        if isinstance(item, ToolCall):
            return self.tool(item, t, iso)
        if isinstance(item, ToolResultOrphan):
            return OrphanView(t, iso, item.call_id, self.block(item.text), item.is_error,
                              self.error_id(item), _images(item.images))
        if isinstance(item, SystemNote):
            first, _, rest = item.text.partition("\n")
            return SystemView(t, iso, item.note_kind.replace("_", " "), first,
                              self.block(rest) if rest.strip() else None, item.level,
                              item.is_error, self.error_id(item), item.note_kind == "compaction")
        if isinstance(item, Subagent):
            return self.subagent(item)
        if isinstance(item, RawRecord):
            return RawView(t, iso, item.record_type, self.block(item.raw))
        if isinstance(item, SkippedLine):
            return SkippedView(item.line, fmt_bytes(item.size), item.offset, self.raw_url)
        if isinstance(item, InjectedContext):       # only reached nested in a subagent
            return self._group([InjectedView(item.context_kind, self.block(item.text))])
        return RawView(t, iso, f"item {getattr(item, 'kind', '?')}", Block(repr(item)[:2000]))

    def tool(self, call: ToolCall, t: str, iso: str) -> ToolView:
        status = call.status
        css = {"ok": "ok", "no result": "none", "interrupted": "interrupted"}.get(status, "error")
        error_id = self.error_id(call)
        diff, diff_more = _diff(call.diff) if call.diff else ((), "")
        change = ""
        if call.added is not None or call.removed is not None:
            change = f"(+{call.added or 0} −{call.removed or 0})"
        facts = list(call.stats)
        if call.exit_code is not None:
            facts.append(("exit code", str(call.exit_code)))
        subagent = self.subagent(call.subagent) if call.subagent is not None else None
        return ToolView(
            anchor=call.anchor, time=t, iso=iso, icon=_icon(call.name), name=call.name,
            summary=call.summary, status=status, status_class=css,
            is_error=bool(error_id), error_id=error_id,
            duration=fmt_duration(call.duration_s) if call.duration_s is not None else "",
            change=change, input=self.block(call.input_text) if call.input_text else None,
            result=self.block(call.result) if call.result is not None else None,
            diff=diff, diff_more=diff_more, images=_images(call.images), stats=tuple(facts),
            subagent=subagent,
            subagent_missing=subagent is None and call.name.lower() in ("task", "agent"))

    def subagent(self, sub: Subagent) -> SubagentView:
        label = "subagent" + (f": {sub.description}" if sub.description else "")
        facts = []
        if sub.agent_id:
            facts.append(f"id {sub.agent_id}")
        if sub.models:
            facts.append("model " + ", ".join(sub.models))
        if sub.usage is not None and sub.usage.total is not None:
            facts.append(f"{sub.usage.total:,} tokens (deduplicated)")
        facts.append(f"{len(sub.items):,} item{'s' if len(sub.items) != 1 else ''}")
        return SubagentView(_short(label, 160), " · ".join(facts), self.views(sub.items))
