"""/feeds/: Atom feeds of the messages, of the records, and of each agent's messages and results
(absolute URLs when site.base_url has a host). Entries carry the full sanitised body."""
from __future__ import annotations

from typing import Iterator, Sequence

from builder import feeds
from builder import format as fmt
from builder.model import Message, Result
from builder.pages.context import SiteContext
from builder.pages.spec import PageSpec
from builder.urls import origin_of


def pages(ctx: SiteContext) -> Iterator[PageSpec]:
    c = ctx.collab
    yield feed(ctx, ctx.urls.file("feeds/messages.xml"), "messages", message_entries(ctx, c.messages))
    yield feed(ctx, ctx.urls.file("feeds/records.xml"), "records",
               result_entries(ctx, c.leaderboard.records, "New record"))
    agents = sorted({a.id for a in c.agents} | set(ctx.by_agent_messages) | set(ctx.by_agent_results))
    for agent in agents:
        entries = (message_entries(ctx, ctx.by_agent_messages.get(agent, ()))
                   + result_entries(ctx, ctx.by_agent_results.get(agent, ()), "Result"))
        yield feed(ctx, ctx.urls.agent_feed(agent), f"{agent}", entries)


def feed(ctx: SiteContext, url: str, name: str, entries: list[feeds.Entry]) -> PageSpec:
    origin = origin_of(ctx.config.site.base_url)
    shown = feeds.newest(entries)
    return PageSpec(url, data=feeds.atom(origin + url, f"{ctx.site.title}: {name}", origin + url,
                                         origin + ctx.urls.home(), shown,
                                         shown[0].updated if shown else None))


def message_entries(ctx: SiteContext, messages: Sequence[Message]) -> list[feeds.Entry]:
    origin = origin_of(ctx.config.site.base_url)
    views = ctx.message_views
    return [feeds.Entry(url=origin + views[m.id].url, title=f"{m.agent}: {views[m.id].title}",
                        updated=m.timestamp, author=m.agent, summary=views[m.id].excerpt,
                        content=str(ctx.bodies.messages[m.id]))
            for m in messages[-feeds.FEED_SIZE:]]


def result_entries(ctx: SiteContext, results: Sequence[Result], label: str) -> list[feeds.Entry]:
    origin = origin_of(ctx.config.site.base_url)
    unit = ctx.config.metric.unit
    out = []
    for r in results[-feeds.FEED_SIZE:]:
        score = fmt.with_unit(ctx.rows_by_result[r.id].score_text, unit) or r.id
        out.append(feeds.Entry(url=origin + ctx.urls.result(r.id), title=f"{label}: {score} by {r.agent}",
                               updated=r.timestamp, author=r.agent,
                               summary=f"{r.method}. {r.description}".strip(". "),
                               content=str(ctx.bodies.results.get(r.id, ""))))
    return out
