"""A session page's header: the manifest's figures as reported, the log's own figures beside
them, badges, links, the agent's notes, and the account of the log as a whole."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from markupsafe import Markup

from builder import format as fmt
from builder.markdown import folder_of
from builder.model import Link, Result, TokenUsage, Trace
from builder.slugs import slugify
from builder.transcript import LoadedTranscript, Transcript, TranscriptStats, transcript_problems
from builder.transcript.items import NO_TYPE

TOP_TOOLS = 8                 # tools with a bar of their own; the rest are grouped
NOTES_TOP = 3                 # the notes' headings sit under the h2 "Agent's notes"


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
class SessionHeader:
    agent: str
    agent_url: str
    session: str
    title: str
    harness: str
    model: str
    models: tuple[str, ...]
    subagent_models: tuple[str, ...]
    started: str
    started_iso: str
    started_day: str                      # "2026-07-09" (the search filter by date)
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
    error_links: tuple[Link, ...]
    top_tools: tuple[ToolBar, ...]
    activity: tuple[tuple[str, str], ...]
    result: Link | None
    result_ref: str
    links: tuple[Link, ...]
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
    unknown: tuple[str, ...]              # "3 of type world_state", "2 without a type"
    hidden: tuple[tuple[str, int], ...]


def session_header(ctx: Any, trace: Trace, loaded: LoadedTranscript,
                   error_links: tuple[Link, ...]) -> SessionHeader:
    """`ctx` is the SiteContext (urls, md, results_by_file, rows_by_result)."""
    transcript = loaded.transcript if loaded.state == "ok" else None
    st = transcript.stats if transcript is not None else None
    extra = dict(trace.extra)
    seconds = ((trace.ended_at - trace.started_at).total_seconds()
               if trace.started_at and trace.ended_at else None)
    computed = transcript is not None and st is not None and st.usage is not None
    counted = st if transcript is not None and transcript.counted else None
    return SessionHeader(
        agent=trace.agent, agent_url=ctx.urls.agent(trace.agent), session=trace.session_id,
        title=transcript.title if transcript is not None else "",
        harness=trace.harness or (transcript.harness if transcript is not None else "") or "—",
        model=trace.model or "—",
        models=st.models if st is not None else (),
        subagent_models=st.subagent_models if st is not None else (),
        started=fmt.when(trace.started_at), started_iso=fmt.iso(trace.started_at),
        started_day=fmt.iso_day(trace.started_at),
        ended=fmt.when(trace.ended_at), ended_iso=fmt.iso(trace.ended_at),
        duration=fmt.duration(seconds),
        active=fmt.duration(st.active_seconds) if st is not None and st.active_seconds else "",
        promoted=fmt.when(trace.promoted_at), promoted_iso=fmt.iso(trace.promoted_at),
        badges=_badges(trace, loaded, st), reported=_figures(trace.usage),
        computed=_figures(st.usage) if computed else (),
        computed_label=transcript.usage_label if computed else "",
        computed_note=transcript.usage_note if computed else "",
        sidechain_total=st.sidechain_usage.total if st and st.sidechain_usage else None,
        tool_calls_reported=trace.tool_calls,
        tool_calls_parsed=counted.tool_calls if counted is not None else None,
        errors=counted.errors if counted is not None else None,
        tool_errors=counted.tool_errors if counted is not None else None,
        first_error_url=error_links[0].url if error_links else "",
        error_links=error_links,
        top_tools=_top_tools(trace.tool_calls_by_name or (st.tool_calls_by_name if st else ())),
        activity=_activity(extra, transcript), result=result_by_score(ctx, trace, with_file=True),
        result_ref=trace.result_ref, links=_links(ctx, trace),
        log_name=trace.log_path.rsplit("/", 1)[-1] if trace.log_path else "",
        log_size=fmt.size(trace.log_size) if trace.log_path else "",
        notes=(ctx.linked_markdown(trace.notes, folder_of(trace.manifest_path), top=NOTES_TOP)
               if trace.notes.strip() else Markup("")),
        metadata=_metadata(trace), context=tuple(transcript.meta) if transcript else ())


# What a manifest's `share` and `completeness` values mean, in words: (badge, its title).
SHARE_WORDS = {"full": ("log shared", "the native log is shared with the manifest"),
               "stats": ("numbers only", "the manifest's figures are shared, not the log")}
COMPLETENESS_WORDS = {"full": ("complete", "harness, tokens and tool calls all reported"),
                      "partial": ("partial", "an unknown harness, or tokens or tool calls "
                                             "not reported")}


def share_badges(trace: Trace) -> tuple[Badge, Badge]:
    """What the session shared and how complete its figures are, in words (the archive showed
    "full full"); each badge's title names the manifest's field and value."""
    return (_field_badge("share", trace.share, SHARE_WORDS),
            _field_badge("completeness", trace.completeness, COMPLETENESS_WORDS))


def _field_badge(name: str, value: str | None, words: dict[str, tuple[str, str]]) -> Badge:
    field = f"{name}: {value or 'unknown'}"
    text, meaning = words.get(value or "", (field, ""))
    return Badge(text, f"{name}-{slugify(value or 'unknown')}",
                 f"{field} — {meaning}" if meaning else field)


def _badges(trace: Trace, loaded: LoadedTranscript, st: TranscriptStats | None
            ) -> tuple[Badge, ...]:
    badges = list(share_badges(trace))
    redactions = loaded.redactions + trace.notes_redactions
    if redactions:
        badges.append(Badge(f"redacted by archive ({fmt.count(redactions)})", "redacted",
                            "this site masked secrets the share left in: each [REDACTED:…] "
                            "marks one"))
    if st is not None and st.truncated_tail:
        badges.append(Badge("log truncated", "truncated", "the last line of the log is cut off"))
    if loaded.state == "too-large":
        badges.append(Badge("transcript too large", "too-large", loaded.note))
    return tuple(badges)


def _links(ctx: Any, trace: Trace) -> tuple[Link, ...]:
    links = []
    if trace.log_path:
        raw = ctx.urls.bucket_file(trace.log_path)
        view = ctx.urls.bucket_view(trace.log_path)
        if raw:
            links.append(Link("Raw log", raw))
        if view:
            links.append(Link("Open in the Hugging Face trace viewer", view))
    manifest = ctx.urls.bucket_file(trace.manifest_path)
    if manifest:
        links.append(Link("manifest.md (raw)", manifest))
    return tuple(links)


def _activity(extra: dict[str, str], transcript: Transcript | None) -> tuple[tuple[str, str], ...]:
    activity = [(label, extra[key]) for key, label in (
        ("extensions.turns", "turns (reported)"),
        ("extensions.api_requests", "API requests (reported)")) if key in extra]
    if transcript is not None and transcript.counted:
        activity.append(("turns in the log", fmt.count(transcript.prompted_turns)))
        if transcript.stats.api_requests is not None:
            activity.append(("API requests (distinct, from the log)",
                             fmt.count(transcript.stats.api_requests)))
    return tuple(activity)


def named_result(ctx: Any, trace: Trace) -> Result | None:
    """The result the trace's manifest names (result_ref: its file name, with or without .md)."""
    if not trace.result_ref:
        return None
    return (ctx.results_by_file.get(trace.result_ref)
            or ctx.results_by_file.get(trace.result_ref.removesuffix(".md")))


def result_by_score(ctx: Any, trace: Trace, with_file: bool = False) -> Link | None:
    """A link to the result the trace's manifest names, labelled by its score (in lists of
    sessions), `with_file`: and its file's name (in the session's header)."""
    result = named_result(ctx, trace)
    if result is None:
        return None
    score = ctx.rows_by_result[result.id].score_text
    label = (f"{score} — {result.id}" if score else result.id) if with_file else score or "result"
    return Link(label, ctx.urls.result(result.id))


def _figures(u: TokenUsage) -> tuple[Figure, ...]:
    return (Figure("total", u.total), Figure("input", u.input), Figure("output", u.output),
            Figure("cache read", u.cache_read), Figure("cache write", u.cache_creation),
            Figure("reasoning", u.reasoning))


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
           ("model", trace.model), ("started_at", fmt.iso(trace.started_at)),
           ("ended_at", fmt.iso(trace.ended_at)), ("promoted_at", fmt.iso(trace.promoted_at)),
           ("share", trace.share), ("completeness", trace.completeness),
           ("result_ref", trace.result_ref)]
    usage = [("usage.total_tokens", u.total), ("usage.input_tokens", u.input),
             ("usage.output_tokens", u.output), ("usage.cache_read_tokens", u.cache_read),
             ("usage.cache_creation_tokens", u.cache_creation),
             ("usage.reasoning_tokens", u.reasoning), ("activity.tool_calls", trace.tool_calls)]
    out = [(k, v or fmt.MISSING) for k, v in own]
    out += [(k, fmt.count(v)) for k, v in usage]
    out += [(f"activity.tool_calls_by_name.{name}", fmt.count(count))
            for name, count in trace.tool_calls_by_name]
    return tuple(out) + trace.extra


def transcript_facts(transcript: Transcript) -> TranscriptFacts:
    st = transcript.stats
    known = transcript.counted           # else "—": a log read as raw records has no known counts
    rows = [("harness (from the log)", transcript.harness if known else "none recognised"),
            ("lines", fmt.count(st.lines)), ("records", fmt.count(st.records)),
            ("turns", fmt.count(transcript.prompted_turns if known else None)),
            ("tool calls", fmt.count(st.tool_calls if known else None)),
            ("tool errors", fmt.count(st.tool_errors if known else None)),
            ("errors (all kinds)", fmt.count(st.errors if known else None))]
    optional = (("API errors", st.api_errors), ("calls without a result", st.calls_without_result),
                ("results without a call", st.orphan_results))
    rows += [(label, fmt.count(n)) for label, n in optional if n]
    if st.first_timestamp and st.last_timestamp:
        rows.append(("span in the log (wall clock)",
                     fmt.duration((st.last_timestamp - st.first_timestamp).total_seconds())))
    if st.active_seconds:
        rows.append(("active time", fmt.duration(st.active_seconds)))
    # The same account the build report gets, phrased for the page.
    notes = [p.reason[:1].upper() + p.reason[1:] + "."
             for p in transcript_problems("", transcript)]
    if st.redactions:
        notes.append(f"{fmt.count(st.redactions)} secret(s) masked by this site.")
    return TranscriptFacts(rows=tuple(rows), notes=tuple(notes),
                           unknown=tuple(_records_of_type(name, n) for name, n in st.unknown_types),
                           hidden=st.hidden_types)


def _records_of_type(record_type: str, n: int) -> str:
    return fmt.count(n) + (f" of type {record_type}" if record_type != NO_TYPE
                           else " without a type")
