"""The site map: which pages exist, their URLs and their template contexts.

Everything here is pure: a Collab and a Config in, a list of PageSpecs (template + context) and
data files out. Agent text becomes HTML only through builder.markdown; all URLs come from Urls.

Message lists are paginated from the oldest message on ("/messages/page/1/" holds the first
N messages ever written), so one new message changes only the newest page, never all of them.
"""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from datetime import datetime
from itertools import groupby
from typing import Any, Mapping, Sequence

from markupsafe import Markup

from builder.assemble import (messages_by_agent, result_refs, results_by_agent, results_by_filename,
                              traces_by_agent)
from builder.config import Config
from builder.markdown import Linker, MarkdownRenderer, excerpt_of_html
from builder.parallel import parallel_map
from builder.sparkline import sparkline
from builder.model import Agent, Collab, Message, Problem, RankedEntry, Result, Trace
from builder.slugs import slugify
from builder.urls import Urls


@dataclass(frozen=True)
class PageSpec:
    url: str
    template: str
    context: Mapping[str, Any]


# ---------------------------------------------------------------- views (what templates see)

@dataclass(frozen=True)
class LinkView:
    label: str
    url: str


@dataclass(frozen=True)
class ResultRow:
    rank: int | None
    id: str
    url: str
    agent: str
    agent_url: str
    score: float | None
    score_text: str
    score_exact: str
    secondary: float | None
    secondary_text: str
    method: str
    description: str
    date_text: str
    date_iso: str
    verification: str
    status: str
    is_record: bool
    links: tuple[LinkView, ...]


@dataclass(frozen=True)
class MessageView:
    id: str
    url: str
    agent: str
    agent_url: str
    type: str
    type_class: str
    type_url: str
    topic: str
    title: str
    time_text: str
    iso: str
    day: str
    excerpt: str
    broadcast: bool
    via: str


@dataclass(frozen=True)
class DayGroup:
    day: str
    messages: tuple[MessageView, ...]


@dataclass(frozen=True)
class Pager:
    current: int
    total: int
    newer_url: str | None
    older_url: str | None
    latest_url: str
    numbered: tuple[tuple[int, str], ...]


@dataclass(frozen=True)
class AgentView:
    id: str
    url: str
    model: str
    harness: str
    hf_user: str
    registered: bool
    results: int
    messages: int
    traces: int
    best_text: str


@dataclass(frozen=True)
class Site:
    """Everything every page's base template needs (and nothing that changes every build)."""

    title: str
    tagline: str
    links: tuple[LinkView, ...]
    urls: Urls
    data_as_of: str
    static_version: Mapping[str, str] = field(default_factory=dict)

    def static(self, name: str) -> str:
        version = self.static_version.get(name)
        return self.urls.static(name) + (f"?v={version}" if version else "")


# ---------------------------------------------------------------- formatting

def fmt_time(ts: datetime | None) -> str:
    return ts.strftime("%Y-%m-%d %H:%M UTC") if ts else "—"


def fmt_day(ts: datetime | None) -> str:
    return ts.strftime("%A %d %B %Y") if ts else "Undated"


def fmt_iso(ts: datetime | None) -> str:
    return ts.strftime("%Y-%m-%dT%H:%M:%SZ") if ts else ""


def display_number(value: float | None, text: str) -> str:
    """Scores as people read them: 541.2734418006153 -> "541.273", 14623723 -> "14,623,723",
    1.2244 -> "1.2244". Unparseable or missing values keep the text as written."""
    if value is None or value != value or value in (float("inf"), float("-inf")):
        return text
    if 100_000 <= abs(value) < 1e15:
        return f"{value:,.0f}"
    return f"{value:.6g}"


def score_with_unit(text: str, unit: str) -> str:
    if not text or not unit or unit.lower() in text.lower():
        return text
    return f"{text} {unit}"


# ---------------------------------------------------------------- the context every page gets

class SiteMap:
    """Builds views once per build and hands out page specs."""

    def __init__(self, collab: Collab, config: Config, urls: Urls, site: Site, built_at: datetime,
                 chart: Mapping[str, Any]):
        self.collab = collab
        self.chart = chart
        self.config = config
        self.urls = urls
        self.site = site
        self.built_at = built_at
        self.agent_ids = {a.id for a in collab.agents}
        self.md = MarkdownRenderer(Linker(agent_url=self._agent_url_or_none,
                                          artifact_url=urls.bucket_file))
        self.messages_by_id = {m.id: m for m in collab.messages}
        self.results_by_file = results_by_filename(collab.results)
        self.traces_by_result = _traces_by_result(collab.traces, self.results_by_file)
        self.messages_about_result = _messages_about_results(collab.messages, self.results_by_file)
        rendered = parallel_map(self._render_text, [m.body for m in collab.messages]
                                + [r.body for r in collab.results])
        self.bodies = {m.id: Markup(html) for m, html in zip(collab.messages, rendered)}
        self.result_bodies = {r.id: Markup(html)
                              for r, html in zip(collab.results, rendered[len(collab.messages):])}
        self.message_views = {m.id: self._message_view(m) for m in collab.messages}
        self.by_agent_results = results_by_agent(collab)
        self.by_agent_messages = messages_by_agent(collab)
        self.by_agent_traces = traces_by_agent(collab)
        ranked = {e.result.id: e for e in collab.leaderboard.all}
        self.rows_by_result = {r.id: self._result_row(ranked.get(r.id), r) for r in collab.results}
        self.agent_history = {
            agent: sparkline([(r.timestamp, r.score) for r in results
                              if r.timestamp and r.score is not None and r.id in ranked],
                             collab.leaderboard.direction)
            for agent, results in self.by_agent_results.items()}

    def _render_text(self, text: str) -> str:
        return str(self.md.render(text))

    # -- small helpers
    def _agent_url_or_none(self, agent: str) -> str | None:
        return self.urls.agent(agent) if agent in self.agent_ids else None

    def agent_url(self, agent: str) -> str:
        return self.urls.agent(agent)

    def base_context(self, title: str, section: str) -> dict[str, Any]:
        return {"site": self.site, "page_title": title, "section": section}

    # -- views
    def _message_view(self, m: Message) -> MessageView:
        return MessageView(
            id=m.id, url=self.urls.message(m.id), agent=m.agent, agent_url=self.agent_url(m.agent),
            type=m.type, type_class=slugify(m.type), type_url=self.urls.messages_by_type(m.type), topic=m.topic.replace("-", " "),
            time_text=fmt_time(m.timestamp), iso=fmt_iso(m.timestamp), day=fmt_day(m.timestamp),
            title=_message_title(m, self.bodies[m.id]),
            excerpt=excerpt_of_html(self.bodies[m.id]), broadcast=m.broadcast, via=m.via)

    def _result_row(self, entry: RankedEntry | None, r: Result) -> ResultRow:
        metric = self.config.metric
        links = [LinkView("details", self.urls.result(r.id))]
        source = self.urls.bucket_view(r.source_path) if r.source_path else None
        if source:
            links.append(LinkView("file", source))
        links += [LinkView(l.label, url) for l in r.links if (url := web_link(l.url))]
        links += [LinkView("trace", self.urls.trace(t.agent, t.session_id))
                  for t in self.traces_by_result.get(r.id, ())]
        return ResultRow(
            rank=entry.rank if entry else None, id=r.id, url=self.urls.result(r.id), agent=r.agent,
            agent_url=self._agent_url_or_none(r.agent) or "", score=r.score,
            score_text=score_with_unit(display_number(r.score, r.score_text), metric.unit),
            score_exact=r.score_text, secondary=r.secondary,
            secondary_text=display_number(r.secondary, r.secondary_text), method=r.method, description=r.description,
            date_text=fmt_time(r.timestamp), date_iso=fmt_iso(r.timestamp),
            verification=r.verification or "", status=r.status,
            is_record=bool(entry and entry.is_record), links=tuple(links))

    def row(self, entry: RankedEntry) -> ResultRow:
        base = self.rows_by_result.get(entry.result.id) or self._result_row(entry, entry.result)
        if base.rank == entry.rank and base.is_record == entry.is_record:
            return base
        return self._result_row(entry, entry.result)

    def plain_rows(self, results: Sequence[Result]) -> list[ResultRow]:
        return [self.rows_by_result.get(r.id) or self._result_row(None, r) for r in results]

    def day_groups(self, messages: Sequence[Message]) -> list[DayGroup]:
        views = [self.message_views[m.id] for m in sorted(messages, key=lambda m: m.id, reverse=True)]
        return [DayGroup(day, tuple(group)) for day, group in groupby(views, key=lambda v: v.day)]


def _message_title(m: Message, body_html: str) -> str:
    """Gen 1 names carry a topic; Gen 2 ones do not: then the body's opening words serve."""
    if m.topic:
        return m.topic.replace("-", " ")
    opening = excerpt_of_html(body_html, limit=90)
    return opening or f"Message from {m.agent}"


# ---------------------------------------------------------------- pagination

def chunk(items: Sequence[Any], size: int) -> list[Sequence[Any]]:
    return [items[i:i + size] for i in range(0, len(items), size)] or [items[:0]]


def paged_listing(items: Sequence[Any], size: int, url_for) -> list[tuple[str, int, Sequence[Any], Pager]]:
    """Stable pages numbered from the oldest item, plus a rolling "latest" page at url_for(None).

    Returns (url, page number, items, pager) for every page to write."""
    pages = chunk(items, size)
    total = len(pages)
    numbered = tuple((n, url_for(n)) for n in range(total, 0, -1))
    out = []
    for n, part in enumerate(pages, start=1):
        # A numbered page links only to its neighbours: listing every page number here would
        # change all pages each time a page is added.
        pager = Pager(current=n, total=total,
                      newer_url=url_for(n + 1) if n < total else None,
                      older_url=url_for(n - 1) if n > 1 else None,
                      latest_url=url_for(None), numbered=())
        out.append((url_for(n), n, part, pager))
    latest = items[-size:] if items else items[:0]
    older = url_for(total - 1) if total > 1 else None
    if len(pages[-1]) < len(latest):
        older = url_for(total - 1) if total > 2 else None
    latest_pager = Pager(current=0, total=total, newer_url=None,
                         older_url=older if total > 1 else None,
                         latest_url=url_for(None), numbered=numbered)
    out.append((url_for(None), 0, latest, latest_pager))
    return out


# ---------------------------------------------------------------- the pages

def site_pages(sm: SiteMap) -> list[PageSpec]:
    c = sm.collab
    pages = [home_page(sm), results_index_page(sm), agents_index_page(sm)]
    pages += message_list_pages(sm, c.messages, sm.urls.messages, "All messages", None)
    for agent, msgs in sorted(sm.by_agent_messages.items()):
        pages += message_list_pages(sm, msgs, lambda n, a=agent: sm.urls.messages_by_agent(a, n),
                                    f"Messages by {agent}", agent)
    for kind in sorted({m.type for m in c.messages}):
        msgs = [m for m in c.messages if m.type == kind]
        pages += message_list_pages(sm, msgs, lambda n, k=kind: sm.urls.messages_by_type(k, n),
                                    f"Messages of type “{kind}”", None)
    pages += [message_page(sm, m) for m in c.messages]
    pages += [agent_page(sm, a) for a in c.agents]
    pages += [result_page(sm, r) for r in c.results]
    return pages


def home_page(sm: SiteMap) -> PageSpec:
    c, lb, metric = sm.collab, sm.collab.leaderboard, sm.config.metric
    best = [sm.row(e) for e in lb.best]
    leader = best[0] if best and not lb.fallback else None
    ctx = sm.base_context(sm.site.title, "home")
    ctx.update(
        headline={
            "best": leader.score_text if leader else "—",
            "leader": leader.agent if leader else "",
            "leader_url": leader.agent_url if leader else "",
            "agents": len(c.agents), "results": len(c.results), "ranked": len(lb.all),
            "messages": len(c.messages), "built": fmt_time(sm.built_at),
            "built_iso": fmt_iso(sm.built_at),
        },
        metric=metric, direction=lb.direction, fallback=lb.fallback,
        best_rows=best, all_rows=[sm.row(e) for e in lb.all],
        baseline_rows=sm.plain_rows(lb.baselines), negative_rows=sm.plain_rows(lb.negative),
        invalid_rows=sm.plain_rows(lb.invalid), unscored_rows=sm.plain_rows(lb.unscored),
        has_secondary=bool(metric.secondary_field),
        latest_messages=[sm.message_views[m.id] for m in reversed(c.messages[-8:])],
        chart=sm.chart,
    )
    return PageSpec(sm.urls.home(), "index.html", ctx)


def message_list_pages(sm: SiteMap, messages: Sequence[Message], url_for, title: str,
                       agent: str | None) -> list[PageSpec]:
    specs = []
    types = sorted({m.type for m in sm.collab.messages})
    for url, number, part, pager in paged_listing(list(messages), sm.config.limits.messages_per_page, url_for):
        ctx = sm.base_context(title if number == 0 else f"{title} — page {number}", "messages")
        ctx.update(heading=title, groups=sm.day_groups(part), pager=pager, count=len(messages),
                   types=[(t, sm.urls.messages_by_type(t)) for t in types],
                   all_url=sm.urls.messages(), agent=agent,
                   agent_url=sm.agent_url(agent) if agent else "")
        specs.append(PageSpec(url, "messages.html", ctx))
    return specs


def message_page(sm: SiteMap, m: Message) -> PageSpec:
    thread = sm.collab.threads.get(m.id)
    parents = [sm.message_views[p] for p in (thread.parents if thread else ())]
    children = [sm.message_views[ch] for ch in (thread.children if thread else ())]
    refs_to_results = result_refs(m, sm.results_by_file)
    named = {r.source_path.rsplit("/", 1)[-1] for r in refs_to_results}
    missing = [ref for ref in (thread.missing_refs if thread else ())
               if ref.rsplit("/", 1)[-1] not in named and ref.rsplit("/", 1)[-1] + ".md" not in named]
    result_links = [LinkView(f"{r.agent}: {score_with_unit(r.score_text, sm.config.metric.unit) or r.id}",
                             sm.urls.result(r.id)) for r in refs_to_results]
    ctx = sm.base_context(f"{m.agent}: {sm.message_views[m.id].title}", "messages")
    ctx.update(message=sm.message_views[m.id], body=sm.bodies[m.id], parents=parents,
               children=children, result_refs=result_links, missing_refs=missing,
               extra=m.extra, source_url=sm.urls.bucket_view(m.source_path))
    return PageSpec(sm.urls.message(m.id), "message.html", ctx)


def agents_index_page(sm: SiteMap) -> PageSpec:
    views = [agent_view(sm, a) for a in sm.collab.agents]
    ctx = sm.base_context("Agents", "agents")
    ctx.update(agents=views)
    return PageSpec(sm.urls.agents(), "agents.html", ctx)


def agent_view(sm: SiteMap, a: Agent) -> AgentView:
    results = sm.by_agent_results.get(a.id, ())
    best = next((e for e in sm.collab.leaderboard.best if e.result.agent == a.id), None)
    return AgentView(id=a.id, url=sm.urls.agent(a.id), model=a.model, harness=a.harness,
                     hf_user=a.hf_user, registered=a.registered, results=len(results),
                     messages=len(sm.by_agent_messages.get(a.id, ())),
                     traces=len(sm.by_agent_traces.get(a.id, ())),
                     best_text=sm.row(best).score_text if best and best.rank else "")


def agent_page(sm: SiteMap, a: Agent) -> PageSpec:
    results = sm.by_agent_results.get(a.id, ())
    messages = sm.by_agent_messages.get(a.id, ())
    ranked = {e.result.id: e for e in sm.collab.leaderboard.all}
    rows = [sm.row(ranked[r.id]) if r.id in ranked else sm.plain_rows([r])[0] for r in results]
    ctx = sm.base_context(a.id, "agents")
    ctx.update(agent=agent_view(sm, a), profile=a, joined=fmt_time(a.joined) if a.joined else "",
               bio=sm.md.render(a.bio) if a.bio else Markup(""),
               tools=", ".join(a.tools), rows=list(reversed(rows)),
               messages=[sm.message_views[m.id] for m in reversed(messages[-20:])],
               message_count=len(messages), messages_url=sm.urls.messages_by_agent(a.id),
               traces=[trace_row(sm, t) for t in sm.by_agent_traces.get(a.id, ())],
               history=sm.agent_history.get(a.id, Markup("")),
               hf_profile=f"https://huggingface.co/{a.hf_user}" if a.hf_user and _safe_handle(a.hf_user) else "",
               source_url=sm.urls.bucket_view(a.source_path) if a.source_path else None)
    return PageSpec(sm.urls.agent(a.id), "agent.html", ctx)


def trace_row(sm: SiteMap, t: Trace) -> dict[str, Any]:
    """Minimal trace summary for agent pages (the trace archive has its own, richer views)."""
    return {"session": t.session_id, "url": sm.urls.trace(t.agent, t.session_id),
            "harness": t.harness, "model": t.model, "started": fmt_time(t.started_at),
            "tokens": t.usage.total, "tool_calls": t.tool_calls}


def results_index_page(sm: SiteMap) -> PageSpec:
    rows = sm.plain_rows(list(reversed(sm.collab.results)))
    ctx = sm.base_context("All results", "results")
    ctx.update(rows=rows, metric=sm.config.metric,
               has_secondary=bool(sm.config.metric.secondary_field))
    return PageSpec(sm.urls.results(), "results.html", ctx)


def result_page(sm: SiteMap, r: Result) -> PageSpec:
    row = sm.rows_by_result[r.id]
    referring = [sm.message_views[mid] for mid in sm.messages_about_result.get(r.id, ())]
    ctx = sm.base_context(f"{r.agent}: {row.score_text or r.id}", "results")
    ctx.update(row=row, result=r, metric=sm.config.metric, body=sm.result_bodies[r.id],
               extra=r.extra, artifacts=[(a, _artifact_link(sm.urls, a)) for a in r.artifacts],
               source_url=sm.urls.bucket_view(r.source_path) if r.source_path else None,
               referring=referring)
    return PageSpec(sm.urls.result(r.id), "result.html", ctx)


def build_report_page(sm: SiteMap, later: Sequence[Problem] = ()) -> PageSpec:
    """Rendered last: `later` holds what rendering found (trace logs read page by page)."""
    ctx = sm.base_context("Build report", "build")
    problems = sorted((*sm.collab.problems, *later), key=lambda p: (p.path, p.reason))
    ctx.update(problems=problems, built=fmt_time(sm.built_at),
               counts={"messages": len(sm.collab.messages), "results": len(sm.collab.results),
                       "agents": len(sm.collab.agents), "traces": len(sm.collab.traces)})
    return PageSpec(sm.urls.build_report(), "build_report.html", ctx)


def not_found_page(sm: SiteMap) -> PageSpec:
    return PageSpec(sm.urls.file("404.html"), "404.html", sm.base_context("Page not found", ""))


def _messages_about_results(messages: Sequence[Message], by_file) -> dict[str, list[str]]:
    about: dict[str, list[str]] = {}
    for m in messages:
        for r in result_refs(m, by_file):
            about.setdefault(r.id, []).append(m.id)
    return about


def _traces_by_result(traces: Sequence[Trace], by_file) -> dict[str, list[Trace]]:
    """The shared sessions whose manifest's result_ref names a result (by file name)."""
    out: dict[str, list[Trace]] = {}
    for t in traces:
        if not t.result_ref:
            continue
        r = by_file.get(t.result_ref) or by_file.get(t.result_ref.removesuffix(".md"))
        if r is not None:
            out.setdefault(r.id, []).append(t)
    return out


def web_link(url: str) -> str | None:
    """A link a browser can open: http(s) as is, hf://buckets/... on the Hub, nothing else."""
    if url.startswith(("http://", "https://")):
        return url
    for prefix in ("hf://buckets/", "hf://"):
        if url.startswith(prefix):
            return "https://huggingface.co/" + ("buckets/" if prefix == "hf://buckets/" else "") + url.removeprefix(prefix)
    return None


def _artifact_link(urls: Urls, artifact: str) -> str | None:
    return web_link(artifact) or urls.bucket_view(artifact)


def _safe_handle(handle: str) -> bool:
    return all(ch.isalnum() or ch in "-_." for ch in handle)


# ---------------------------------------------------------------- data files

def leaderboard_json(sm: SiteMap) -> bytes:
    lb = sm.collab.leaderboard
    metric = sm.config.metric

    def entry(e: RankedEntry) -> dict[str, Any]:
        r = e.result
        return {"rank": e.rank, "agent": r.agent, "score": r.score, "score_text": r.score_text,
                "secondary": r.secondary, "method": r.method, "timestamp": fmt_iso(r.timestamp),
                "verification": r.verification, "status": r.status, "record": e.is_record,
                "id": r.id, "url": sm.urls.result(r.id), "source": r.source_path}

    data = {"metric": {"field": metric.field, "label": metric.label, "unit": metric.unit,
                       "direction": lb.direction},
            "fallback": lb.fallback, "best": [entry(e) for e in lb.best],
            "all": [entry(e) for e in lb.all]}
    return (json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode()


def leaderboard_csv(sm: SiteMap) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["rank", "agent", "score", "secondary", "method", "timestamp", "verification", "id"])
    for e in sm.collab.leaderboard.all:
        r = e.result
        writer.writerow([e.rank, _csv_safe(r.agent), r.score, r.secondary if r.secondary is not None else "",
                         _csv_safe(r.method), fmt_iso(r.timestamp), r.verification or "", r.id])
    return buf.getvalue().encode()


def _csv_safe(text: str) -> str:
    """Agent-written cells must not become spreadsheet formulas when the CSV is opened."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def feed_files(sm: SiteMap) -> dict[str, bytes]:
    """/feeds/messages.xml and /feeds/records.xml (absolute URLs when site.base_url has a host)."""
    from builder import feeds
    origin = _origin(sm.config.site.base_url)
    c = sm.collab
    views = sm.message_views
    messages = feeds.message_entries(c.messages, lambda i: origin + sm.urls.message(i),
                                     lambda i: views[i].title, lambda i: views[i].excerpt)
    records = feeds.record_entries(c.leaderboard.records, lambda i: origin + sm.urls.result(i),
                                   lambda r: sm.rows_by_result[r.id].score_text)
    home = origin + sm.urls.home()
    newest_message = c.messages[-1].timestamp if c.messages else None
    newest_record = c.leaderboard.records[-1].timestamp if c.leaderboard.records else None
    return {
        "feeds/messages.xml": feeds.atom(home + "feeds/messages.xml", f"{sm.site.title}: messages",
                                         origin + sm.urls.file("feeds/messages.xml"), home, messages,
                                         newest_message),
        "feeds/records.xml": feeds.atom(home + "feeds/records.xml", f"{sm.site.title}: records",
                                        origin + sm.urls.file("feeds/records.xml"), home, records,
                                        newest_record),
    }


def _origin(base_url: str) -> str:
    from urllib.parse import urlparse
    parts = urlparse(base_url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") and parts.netloc else ""
