"""/agents/ (the roster), /agents/<id>/ (profile, results, messages, traces, history) and, for
an agent with more results than its page shows, /agents/<id>/results/ (all of them, paginated)."""
from __future__ import annotations

from datetime import datetime
from functools import partial
from typing import Iterator, Mapping

from markupsafe import Markup

from builder import format as fmt
from builder.assemble import is_person, person_hf_user
from builder.markdown import excerpt_of_html, folder_of
from builder.model import Agent, RankedEntry, Taskforce
from builder.pages.context import DESCRIPTION_SOURCE, SiteContext
from builder.pages.data import best_first, score_columns, with_unit_named
from builder.pages.paging import paged_listing
from builder.pages.results import ResultsListing, index_fingerprint, index_page
from builder.pages.spec import Deferred, PageSpec, deferred
from builder.pages.trace_header import named_result, result_by_score
from builder.pages.views import (AgentView, BestPlace, LeadLink, ResultRow, agent_counts,
                                 agent_feed, charter, top_pairs, trace_summary,
                                 without_title)
from builder.urls import hf_user_url

RECENT_MESSAGES = 20
# An agent posting in a loop had 400 results on its page (7,000 elements, 480 kB): its page shows
# the newest ones, its results listing all of them.
RECENT_RESULTS = 50
TOP_PAIRS = 12                # pairs of agents the roster shows, that wrote to each other most


def pages(ctx: SiteContext) -> Iterator[PageSpec | Deferred]:
    lb = ctx.collab.leaderboard
    ranked = {e.result.id: e for e in lb.all}
    best: dict[str, RankedEntry] = {}
    for e in lb.best:
        best.setdefault(e.result.agent, e)
    counts = agent_counts(ctx.collab.agents)
    people = f" and {fmt.counted(counts['people'], 'person', 'people')}" if counts["people"] else ""
    page = ctx.base_context("Agents", "agents", ctx.urls.agents(), fmt.sentences(
        f"The {fmt.counted(counts['agents'], 'agent')}{people} of the collaboration, each with "
        "its model, harness, results, messages and best score"))
    views = [agent_view(ctx, a, best.get(a.id)) for a in ctx.collab.agents]
    page.update(agents=[v for v in views if not v.person], people=[v for v in views if v.person],
                taskforces=[taskforce_link(ctx, t, "") for t in ctx.collab.taskforces],
                pairs=top_pairs(ctx.conversations, ctx.urls.agent, TOP_PAIRS),
                best_first=best_first(lb.direction), counts=counts,
                best_head=with_unit_named("Best", ctx.config.metric.unit), unit=ctx.config.metric.unit)
    yield PageSpec(ctx.urls.agents(), "agents.html", page)
    ranked_agents = sum(1 for e in lb.best if e.rank)
    for a in ctx.collab.agents:
        place = best_place(ctx, best.get(a.id), ranked_agents)
        yield deferred(ctx.urls.agent(a.id), agent_fingerprint(ctx, a, ranked, best.get(a.id), place),
                       partial(agent_page, ctx, a, ranked, best.get(a.id), place))
        yield from results_listing(ctx, a.id)


def results_listing(ctx: SiteContext, agent: str) -> Iterator[Deferred]:
    """The pages of every result of the agent, newest first, when its page shows only some."""
    results = list(ctx.by_agent_results.get(agent, ()))
    if len(results) <= RECENT_RESULTS:
        return
    what = ResultsListing(f"Results of {agent}", agent)
    for listing in paged_listing(results, ctx.config.limits.results_per_page,
                                 partial(ctx.urls.agent_results, agent),
                                 anchor=lambda r: ctx.urls.result_anchor(r.id),
                                 when=lambda r: r.timestamp):
        yield deferred(listing.url, index_fingerprint(ctx, listing, len(results), what),
                       partial(index_page, ctx, listing, len(results), "", what),
                       weight=len(listing.items))


def agent_view(ctx: SiteContext, a: Agent, best: RankedEntry | None) -> AgentView:
    active = last_active(ctx, a.id)
    person = is_person(a.id)
    seen = first_seen(ctx, a.id) if person or not a.joined else None
    return AgentView(id=a.id, url=ctx.urls.agent(a.id), model=a.model, harness=a.harness,
                     hf_user=a.hf_user, registered=a.registered,
                     results=len(ctx.by_agent_results.get(a.id, ())),
                     messages=len(ctx.by_agent_messages.get(a.id, ())),
                     traces=len(ctx.by_agent_traces.get(a.id, ())),
                     best_text=ctx.score_in_column(ctx.row(best)) if best and best.rank else "",
                     best=best.result.score if best and best.rank else None,
                     active_text=fmt.when(active) if active else "", active_iso=fmt.iso(active),
                     joined_text=fmt.when(a.joined) if a.joined else "", joined_iso=fmt.iso(a.joined),
                     person=person, first_seen_text=fmt.when(seen) if seen else "",
                     first_seen_iso=fmt.iso(seen))


def last_active(ctx: SiteContext, agent: str) -> datetime | None:
    """When the agent last posted a message or a result (None when neither is dated)."""
    return max(posted(ctx, agent), key=fmt.utc, default=None)


def first_seen(ctx: SiteContext, agent: str) -> datetime | None:
    """When the agent first posted a message or a result (None when neither is dated): what
    stands for a join time where the agent has none."""
    return min(posted(ctx, agent), key=fmt.utc, default=None)


def posted(ctx: SiteContext, agent: str) -> list[datetime]:
    """When the agent posted each of its dated messages and results."""
    return [x.timestamp for x in (*ctx.by_agent_messages.get(agent, ()),
                                  *ctx.by_agent_results.get(agent, ())) if x.timestamp]


def taskforce_link(ctx: SiteContext, t: Taskforce, agent: str) -> LeadLink:
    return LeadLink(charter(t, ctx.bodies.taskforces[t.id]).title, ctx.urls.taskforce(t.id),
                    agent in t.leads)


def memberships(ctx: SiteContext, a: Agent) -> list[LeadLink]:
    return [taskforce_link(ctx, t, a.id) for t in ctx.by_agent_taskforces.get(a.id, ())]


def agent_rows(ctx: SiteContext, a: Agent, ranked: Mapping[str, RankedEntry]) -> list[ResultRow]:
    """The rows of the agent's newest results, oldest first, as its page shows them."""
    return [ctx.row(ranked[r.id]) if r.id in ranked else ctx.rows_by_result[r.id]
            for r in ctx.by_agent_results.get(a.id, ())[-RECENT_RESULTS:]]


def agent_fingerprint(ctx: SiteContext, a: Agent, ranked: Mapping[str, RankedEntry],
                      best: RankedEntry | None, place: BestPlace | None) -> str | None:
    """A digest of everything `agent_page` shows (None when the build cannot tell): the
    registration, the roster's view of the agent (its counts), its recent results' rows, its
    message count, the
    files of its recent messages and the days of all of them (drawn), whether others wrote
    to it (not how often: a link, no count), its taskforces, its traces (and the results they
    led to) and its history."""
    messages = ctx.by_agent_messages.get(a.id, ())
    recent = [ctx.message_keys.get(m.id) for m in messages[-RECENT_MESSAGES:]]
    traces = ctx.by_agent_traces.get(a.id, ())
    led_to = [ctx.rows_by_result[r.id] for t in traces if (r := named_result(ctx, t))]
    records = [ctx.record_key(x) for x in (a, *agent_rows(ctx, a, ranked), *traces, *led_to)]
    if not ctx.fingerprint_salt or None in recent or None in records:
        return None
    shown = (agent_view(ctx, a, best), place, len(messages), str(ctx.agent_history.get(a.id, "")),
             ctx.links_key(a.bio, folder_of(a.source_path)), a.id in ctx.to_agent_messages,
             memberships(ctx, a), ctx.writes_to(a.id), ctx.agent_activity(a.id), ctx.verdicts,
             ctx.columns)
    return ctx.fingerprint("agent.html", repr(shown), str(len(records)), *records, *recent)


def agent_page(ctx: SiteContext, a: Agent, ranked: Mapping[str, RankedEntry],
               best: RankedEntry | None, place: BestPlace | None) -> PageSpec:
    """`ranked`: the leaderboard's entries by result id; `best`: the agent's best entry and
    `place` its standing."""
    messages = ctx.by_agent_messages.get(a.id, ())
    rows = agent_rows(ctx, a, ranked)
    view = agent_view(ctx, a, best)
    all_results = len(ctx.by_agent_results.get(a.id, ()))
    bio = ctx.linked_markdown(a.bio, folder_of(a.source_path)) if a.bio else Markup("")
    bio, name_heading = without_title(bio, a.id)
    page = ctx.base_context(f"{a.id} (person)" if view.person else a.id, "agents",
                            ctx.urls.agent(a.id),
                            agent_description(a, view.person, place, all_results, len(messages), bio))
    hf_user = a.hf_user or person_hf_user(a.id)
    page.update(
        agent=view, profile=a, place=place,
        search_time=view.joined_iso or view.first_seen_iso,     # the page's date in the search
        feed=agent_feed(ctx.urls, a.id),
        bio=bio, name_anchor=name_heading.anchor if name_heading else "",
        tools=", ".join(a.tools),
        rows=ctx.table(rows[::-1]), cols=score_columns(ctx), result_count=all_results,
        results_url=ctx.urls.agent_results(a.id) if all_results > len(rows) else "",
        messages=[ctx.message_views[m.id] for m in reversed(messages[-RECENT_MESSAGES:])],
        message_count=len(messages), messages_url=ctx.urls.messages_by_agent(a.id),
        activity=ctx.agent_activity(a.id),
        to_url=ctx.urls.messages_to_agent(a.id) if a.id in ctx.to_agent_messages else "",
        # Not whom it hears from most: its page would change with others' messages (the
        # listing of messages to it says).
        writes_to=ctx.writes_to(a.id),
        taskforces=memberships(ctx, a),
        traces=[trace_summary(t, ctx.urls, result_by_score(ctx, t))
                for t in ctx.by_agent_traces.get(a.id, ())],
        history=ctx.agent_history.get(a.id, Markup("")), hf_user=hf_user,
        hf_profile=hf_user_url(hf_user) or "",
        source_url=ctx.urls.bucket_view(a.source_path) if a.source_path else None)
    return PageSpec(ctx.urls.agent(a.id), "agent.html", page,
                    weight=len(page["messages"]) + len(rows) + len(page["traces"]))


def agent_description(a: Agent, person: bool, place: BestPlace | None, results: int,
                      messages: int, bio: Markup) -> str:
    """An agent in a few words: its model and harness (or that it is a person), its best result
    and where it stands, what it posted, and the opening of its bio."""
    runs = ", ".join(f"{what} {name}" for what, name in (("model", a.model), ("harness", a.harness))
                     if name)
    return fmt.sentences(f"{a.id}, a person" if person else f"{a.id}: {runs}" if runs else a.id,
                         f"Best {place.score_text}, rank {place.rank} of {place.of}" if place
                         else "No ranked result" if results else "",
                         f"{fmt.counted(results, 'result')}, {fmt.counted(messages, 'message')}",
                         excerpt_of_html(bio, DESCRIPTION_SOURCE) if bio else "")


def best_place(ctx: SiteContext, best: RankedEntry | None, ranked_agents: int) -> BestPlace | None:
    """Where the agent's best result stands among the agents, or None when it has no rank."""
    if not best or not best.rank:
        return None
    return BestPlace(score_text=ctx.row(best).score_text, url=ctx.urls.result(best.result.id),
                     rank=best.rank, of=ranked_agents, standing=fmt.standing(best.rank, ranked_agents),
                     leaderboard_url=ctx.urls.leaderboard_row(best.result.id))
