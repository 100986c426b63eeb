"""/search/: full-text search over messages, results, agents, people, traces and taskforces,
in the browser.

The page is a plain GET form (the header's search box lands here with ?q=); its script loads
the index that builder/search.py writes only once the visitor searches. This page alone may
compile WebAssembly (Pagefind's index reader), so its Content-Security-Policy says so."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Iterator, Sequence

from builder import format as fmt
from builder.assemble import is_person
from builder.model import DEFAULT_MESSAGE_TYPE, Collab, Message
from builder.pages.context import SiteContext
from builder.pages.spec import PageSpec
from builder.render import content_security_policy

KINDS = (("message", "Messages"), ("result", "Results"), ("agent", "Agents"), ("person", "People"),
         ("trace", "Traces"), ("taskforce", "Taskforces"))


def kinds_in(c: Collab) -> list[tuple[str, str]]:
    """The kinds of page the collaboration has, to search among."""
    people = sum(is_person(a.id) for a in c.agents)
    has = {"message": c.messages, "result": c.results, "agent": len(c.agents) > people,
           "person": people, "trace": c.traces, "taskforce": c.taskforces}
    return [(kind, label) for kind, label in KINDS if has[kind]]


@dataclass(frozen=True)
class Example:
    """A search the empty page offers, made of the collaboration's own names and days."""

    words: str          # what the link reads: the query, or the filters in words
    url: str
    finds: str          # what it finds


def examples(ctx: SiteContext) -> list[Example]:
    """Searches to start from: the leader's name and method, the messages of the commonest
    type but the default one, the results of the newest day. (No count of messages: a new
    message would rewrite the page.)"""
    c, urls, found = ctx.collab, ctx.urls, []
    lb = c.leaderboard
    best = lb.best[0].result if lb.best and not lb.fallback else None
    if best:
        found.append(Example(best.agent, urls.search_for(q=best.agent),
                             "the leader: their page first, then the pages that name them"))
        if best.method:
            found.append(Example(best.method, urls.search_for(q=best.method),
                                 "the current best's method, wherever it is named"))
    kind = commonest_type(c.messages)
    if kind:
        found.append(Example(f"type: {kind}",
                             urls.search_for(kind="message", type=kind, sort="newest"),
                             f"every message of type {kind}, newest first, without a word"))
    days = sorted(fmt.iso_day(r.timestamp) for r in c.results if r.timestamp)
    if days:
        day = days[-1]
        found.append(Example(f"results of {day}",
                             urls.search_for(kind="result", from_=day, to=day, sort="newest"),
                             "the results posted on the newest day"))
    return found


def commonest_type(messages: Sequence[Message]) -> str:
    """The type of most messages but the default one ("" if none), a tie going to the first
    name. Counted over the days before the newest message's (every day while there is one):
    two types within a message of each other swapped the example with each new message, a
    search page rewritten; it changes with a new day now, as the page's days do."""
    newest = max((fmt.iso_day(m.timestamp) for m in messages), default="")
    before = [m for m in messages if m.timestamp and fmt.iso_day(m.timestamp) < newest]
    types = Counter(m.type for m in before or messages if m.type != DEFAULT_MESSAGE_TYPE)
    return min(types, key=lambda t: (-types[t], t), default="")


def dated_page_times(c: Collab) -> Iterator[datetime | None]:
    """The times of the pages a search can narrow by day (the days their index filters name)."""
    yield from (m.timestamp for m in c.messages)
    yield from (r.timestamp for r in c.results)
    yield from (t.started_at for t in c.traces)


def pages(ctx: SiteContext) -> Iterator[PageSpec]:
    c = ctx.collab
    searched = fmt.in_words([label.lower() for _, label in kinds_in(c)])
    page = ctx.base_context("Search", "search", ctx.urls.search(), fmt.sentences(
        f"Search the collaboration's {searched or 'pages'}, in the browser"))
    page.update(
        csp=content_security_policy(ctx.config.site.image_hosts, wasm=True),
        bundle=ctx.urls.search_bundle(), kinds=kinds_in(c), searched=searched,
        agents=sorted({a.id for a in c.agents} | {m.agent for m in c.messages}
                       | {r.agent for r in c.results}, key=str.lower),
        types=sorted({m.type for m in c.messages}),
        days=fmt.day_runs(dated_page_times(c)), examples=examples(ctx))
    yield PageSpec(ctx.urls.search(), "search.html", page)
