"""The view objects templates receive: every URL and every displayed text computed here, so
templates only loop and place. Built from the model by pure functions."""
from __future__ import annotations

import re
from sys import intern
from dataclasses import dataclass, replace
from typing import Callable, Iterable, Mapping, Sequence

from markupsafe import Markup

from builder import format as fmt
from builder.assemble import is_person, lively_discussions
from builder.config import MetricConfig
from builder.markdown import Opening, demote_headings, opening_heading
from builder.model import DEFAULT_MESSAGE_TYPE, Agent, Link, Message, RankedEntry, Result, Taskforce, Thread, Trace
from builder.pages.paging import ListingPage, UrlFor, page_of
from builder.sparkline import DayCount, day_bars
from builder.slugs import slugify
from builder.urls import Urls, web_link


@dataclass(frozen=True, slots=True)
class ResultRow:
    rank: int | None
    id: str
    url: str
    agent: str
    agent_url: str
    score: float | None
    score_text: str               # as the score reads alone, with its unit ("541.273 tok/s")
    score_cell: str               # as its table column writes it, whose head names the unit
    score_exact: str
    secondary: float | None
    secondary_text: str
    method: str
    description: str
    date_text: str                # "2026-07-11 20:06 UTC"
    date_cell: str                # as a column headed "Date (UTC)" writes it: "2026-07-11 20:06"
    date_iso: str
    verification: str
    status: str
    is_record: bool
    links: tuple[Link, ...]

    @property
    def link_context(self) -> str:
        """What a screen reader adds to the name of each of the row's links ("details (halcyon,
        541.273 tok/s, 2026-07-11 20:06 UTC)"): a list of links held many called "details".
        table.js names the rows it builds the same way."""
        return ", ".join(part for part in (self.agent, self.score_text, self.date_text) if part)


@dataclass(frozen=True, slots=True)
class MessageView:
    id: str
    url: str
    anchor: str                   # the id of its card on a listing page
    agent: str
    agent_url: str
    type: str
    type_class: str
    type_url: str
    type_on_card: bool            # its type tells something on a card: not the default type
    topic: str
    title: str
    title_is_opening: bool        # the title is the body's opening words (the search leaves it out)
    time_text: str
    iso: str
    iso_day: str
    day: str
    excerpt: str
    broadcast: bool
    via: str


@dataclass(frozen=True, slots=True)
class DayGroup:
    day: str
    messages: tuple[MessageView, ...]
    anchor: str = ""                      # "day-2026-07-09"; "" on a day's second group of a page
    newer_url: str = ""                   # where the day's newer messages are, on another page
    older_url: str = ""                   # where its older ones are


def day_anchor(iso_day: str) -> str:
    """The id of a day's group of messages on a listing page ("day-undated" for no date)."""
    return f"day-{iso_day or 'undated'}"


@dataclass(frozen=True, slots=True)
class SplitDays:
    """Where the days a listing page shows in part go on: its newest day on the newer page, at
    the day's heading, and its oldest on the older page ("" for a day the page shows whole)."""
    newer_url: str = ""
    older_url: str = ""


def split_days(listing: ListingPage) -> SplitDays:
    """The days of a page of messages that its neighbours' messages share (ListingPage's
    `newer_item` and `older_item`: a page does not change when a message is posted)."""
    if not listing.items:
        return SplitDays()
    newest = fmt.iso_day(listing.items[-1].timestamp)
    oldest = fmt.iso_day(listing.items[0].timestamp)
    newer = _of_day(listing.newer_item, newest)
    older = _of_day(listing.older_item, oldest)
    return SplitDays(f"{listing.pager.newer_url}#{day_anchor(newest)}" if newer else "",
                     (listing.pager.older_url or "") if older else "")


def _of_day(m: Message | None, iso_day: str) -> bool:
    return m is not None and fmt.iso_day(m.timestamp) == iso_day


@dataclass(frozen=True, slots=True)
class Counted:
    """A way into the archive and its number of messages: an agent's listing, or a day (the
    place its newest message is listed)."""
    text: str
    url: str
    messages: int
    day: str = ""                        # a day's: "2026-07-09"


@dataclass(frozen=True, slots=True)
class DiscussionView:
    """A lively discussion (assemble.lively_discussions) as the archive lists it."""

    opening: MessageView
    newest: MessageView
    messages: int
    recent: int
    agents: int


@dataclass(frozen=True, slots=True)
class Lively:
    """The archive's lively discussions, and the end of the day they count (its newest message)."""

    discussions: tuple[DiscussionView, ...] = ()
    until_text: str = ""
    until_iso: str = ""


def lively(messages: Sequence[Message], threads: Mapping[str, Thread],
           views: Mapping[str, MessageView]) -> Lively:
    """The archive's lively discussions (assemble.lively_discussions) as its latest page lists
    them: their opening and newest messages as the archive shows them (`views`)."""
    found = lively_discussions(messages, threads)
    if not found.discussions:
        return Lively()
    return Lively(tuple(DiscussionView(views[d.opening], views[d.newest], d.messages, d.recent,
                                       d.agents) for d in found.discussions),
                  fmt.when(found.until), fmt.iso(found.until))


def archive_days(messages: Sequence[Message], url_for: UrlFor, size: int) -> tuple[Counted, ...]:
    """Each day of the listing of `messages` (its pages of `size` at `url_for`), newest first:
    its newest message's page of the listing, at the day's group there, so a visitor reads on
    into the day's older messages."""
    newest: dict[str, int] = {}
    count: dict[str, int] = {}
    for position, m in enumerate(messages):
        key = fmt.iso_day(m.timestamp)
        newest[key] = position
        count[key] = count.get(key, 0) + 1
    return tuple(Counted(fmt.day(messages[at].timestamp),
                     f"{page_of(at, len(messages), size, url_for)}#{day_anchor(key)}",
                     count[key], key)
                 for key, at in sorted(newest.items(), key=lambda kv: kv[1], reverse=True))


def drawn(days: Sequence[Counted]) -> Markup:
    """The messages of each of `days` as bars (none for fewer than two days)."""
    return day_bars([DayCount(d.day, d.text, d.url, d.messages) for d in days])


@dataclass(frozen=True, slots=True)
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
    best: float | None = None             # the best ranked score (what "Best" sorts by)
    active_text: str = ""                 # its newest message or result: "2026-07-12 07:16 UTC"
    active_iso: str = ""
    joined_text: str = ""                 # when it registered: "2026-07-06 08:15 UTC"
    joined_iso: str = ""
    person: bool = False                  # one of the people who post (`human-<user>`), not an agent
    first_seen_text: str = ""             # without a join time: its first message or result
    first_seen_iso: str = ""


@dataclass(frozen=True, slots=True)
class Correspondent:
    """An agent written to or heard from, and how many messages."""
    agent: str
    url: str
    messages: int


@dataclass(frozen=True, slots=True)
class Pair:
    """Two agents that wrote to each other: each with the messages it wrote to the other."""
    first: Correspondent
    second: Correspondent

    @property
    def messages(self) -> int:
        return self.first.messages + self.second.messages


def correspondents(counts: Mapping[str, int], url: Callable[[str], str],
                   top: int) -> tuple[Correspondent, ...]:
    """The `top` agents of `counts` (agent: messages), most messages first."""
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
    return tuple(Correspondent(agent, url(agent), n) for agent, n in ranked)


def top_pairs(written: Mapping[str, Mapping[str, int]], url: Callable[[str], str],
              top: int) -> tuple[Pair, ...]:
    """The `top` pairs of agents that wrote to each other most (writer: {addressee: messages}),
    most messages first; in a pair, the agent that wrote more first."""
    both: dict[tuple[str, str], list[int]] = {}
    for writer, counts in written.items():
        for addressee, n in counts.items():
            first, second = sorted((writer, addressee))
            both.setdefault((first, second), [0, 0])[writer != first] += n
    ranked = sorted(both.items(), key=lambda kv: (-sum(kv[1]), kv[0]))[:top]
    return tuple(Pair(*sorted((Correspondent(a, url(a), ab), Correspondent(b, url(b), ba)),
                              key=lambda c: (-c.messages, c.agent)))
                 for (a, b), (ab, ba) in ranked)


@dataclass(frozen=True, slots=True)
class BestPlace:
    """An agent's best result and its rank among the agents on the leaderboard."""
    score_text: str
    url: str
    rank: int
    of: int
    standing: str                 # "rank 2 of 12 agents"
    leaderboard_url: str


@dataclass(frozen=True, slots=True)
class TraceSummary:
    """A shared session as listed on an agent's page (the trace archive has richer views)."""

    session: str
    url: str
    harness: str
    model: str
    started: str
    tokens: int | None
    tool_calls: int | None
    result: Link | None = None            # the result the session led to, by its score


def message_view(m: Message, urls: Urls, agent_url: str, preview: str, opening: str) -> MessageView:
    """`preview` and `opening`: see context.Bodies (plain text of the rendered body). What
    many messages share (their agent's, type's and day's texts) is one string for all of them:
    a build keeps every message's view."""
    return MessageView(
        id=m.id, url=urls.message(m.id), anchor=urls.message_anchor(m.id), agent=intern(m.agent),
        agent_url=intern(agent_url), type=intern(m.type),
        type_class=intern(slugify(m.type)), type_url=intern(urls.messages_by_type(m.type)),
        type_on_card=m.type != DEFAULT_MESSAGE_TYPE,
        topic=telling_topic(m), title=message_title(m, opening),
        title_is_opening=bool(opening),
        time_text=intern(fmt.when(m.timestamp)), iso=fmt.iso(m.timestamp),
        iso_day=intern(fmt.iso_day(m.timestamp)), day=intern(fmt.day(m.timestamp)),
        excerpt=preview, broadcast=m.broadcast, via=intern(fmt.posted_via(m.via)))


def message_title(m: Message, opening: str) -> str:
    """`opening`: the heading the body opens with, or the opening words of a body whose message
    has no telling topic (Gen 1 names carry a topic; Gen 2 ones do not)."""
    return opening or topic_words(m.topic) or f"Message from {m.agent}"


def telling_topic(m: Message) -> str:
    """The topic of a message's file name, as words ("results fp8 kv"), unless it only says the
    message's type again ("..._status-update.md" of type status-update): its type shows that."""
    topic = topic_words(m.topic)
    kind = m.type.replace("-", " ").replace("_", " ")
    return "" if topic.casefold() == kind.casefold() else topic


def topic_words(topic: str) -> str:
    """A file name's topic as words: "results-fp8-kv" (or "results_fp8_kv": the name's first
    `_` ends the agent, later ones are the topic's) reads "results fp8 kv", and a reply's
    "re-question-oom" reads "Re: question oom", as a reply's subject does."""
    words = topic.replace("-", " ").replace("_", " ")
    head, _, rest = words.partition(" ")
    return f"Re: {rest}" if head.casefold() == "re" and rest else words


def body_under_title(view: MessageView, body: Markup) -> tuple[Markup, Opening | None]:
    """A message's body as shown under its title, and the heading left out of it: the opening
    heading that titles a message is shown once, as its title (the page's <h1>), and the
    body's other headings move up with it ("## Steps" under "# Plan" is an <h2>, no level
    skipped after the <h1>)."""
    if not view.title_is_opening:
        return body, None
    rest, opening = without_title(body, view.title)
    if opening is None:
        return rest, None
    return Markup(demote_headings(rest, top=2, shift=1 - opening.level)), opening


def without_title(body: Markup, title: str) -> tuple[Markup, Opening | None]:
    """A text shown under a title, and the heading left out of it: its opening heading when that
    says the title again ("# kestrel" under "kestrel")."""
    opening = opening_heading(body)
    if opening is None or opening.text.casefold() != title.casefold():
        return body, None
    return Markup(opening.rest), opening


@dataclass(frozen=True, slots=True)
class Titled:
    """A text that titles its page."""
    title: str
    body: Markup                  # the text without the heading that titles it
    anchor: str                   # that heading's id ("" when none): the page's title takes it


def titled(body: Markup, otherwise: str) -> Titled:
    """The text titled by its opening heading, which then leaves it; else by `otherwise`."""
    opening = opening_heading(body)
    if opening and opening.text:
        return Titled(opening.text, Markup(opening.rest), opening.anchor)
    return Titled(otherwise, body, "")


# "Taskforce: speculative decoding" titles a page of taskforces as "speculative decoding".
_KIND_PREFIX = re.compile(r"^\s*task[ -]?force\s*[:—–-]\s*", re.IGNORECASE)


def charter(t: Taskforce, body: Markup) -> Titled:
    """A taskforce's title and charter: the frontmatter's title, else the charter's opening
    heading, else the folder's name."""
    if t.title:
        rest, heading = without_title(body, t.title)
        return Titled(t.title, rest, heading.anchor if heading else "")
    found = titled(body, t.id)
    return replace(found, title=_KIND_PREFIX.sub("", found.title) or found.title)


def result_row(r: Result, entry: RankedEntry | None, metric: MetricConfig, urls: Urls,
               agent_url: str, traces: tuple[Trace, ...]) -> ResultRow:
    return ResultRow(
        rank=entry.rank if entry else None, id=r.id, url=urls.result(r.id), agent=r.agent,
        agent_url=agent_url, score=r.score,
        score_text=fmt.with_unit(fmt.score(r.score, r.score_text), metric.unit),
        score_cell=fmt.score(r.score, r.score_text),
        score_exact=r.score_text, secondary=r.secondary,
        secondary_text=fmt.score(r.secondary, r.secondary_text), method=r.method,
        description=r.description, date_text=fmt.when(r.timestamp),
        date_cell=fmt.when_in_column(r.timestamp), date_iso=fmt.iso(r.timestamp),
        verification=r.verification or "", status=r.status,
        is_record=bool(entry and entry.is_record), links=result_links(r, urls, traces))


@dataclass(frozen=True, slots=True)
class ColumnFormat:
    """How every table writes its scores and its secondary values: with the decimals all the
    collaboration's results need (`fmt.decimals_alike`), so that a column's figures line up
    and a result reads the same in every table and on every page of one."""
    score_decimals: int | None = None
    score_grouped: bool = False
    secondary_decimals: int | None = None
    secondary_grouped: bool = False


def column_format(rows: Iterable[ResultRow]) -> ColumnFormat:
    rows = list(rows)
    scores, secondaries = [row.score for row in rows], [row.secondary for row in rows]
    return ColumnFormat(fmt.decimals_alike(scores), fmt.groups_thousands(scores),
                        fmt.decimals_alike(secondaries), fmt.groups_thousands(secondaries))


def aligned_rows(rows: Sequence[ResultRow], columns: ColumnFormat) -> list[ResultRow]:
    """The rows as a table shows them: their scores and secondary values written with the
    decimals of `columns` ("0.9100" above "0.9134", not "0.91"); a result's own page shows its
    score alone."""
    return [replace(row, score_cell=fmt.score_in_column(row.score, row.score_exact,
                                                        columns.score_decimals, columns.score_grouped),
                    secondary_text=fmt.score_in_column(row.secondary, row.secondary_text,
                                                       columns.secondary_decimals,
                                                       columns.secondary_grouped))
            for row in rows]


def result_links(r: Result, urls: Urls, traces: tuple[Trace, ...]) -> tuple[Link, ...]:
    links = [Link("details", urls.result(r.id))] if r.origin != "fallback" else []   # no page of its own
    source = urls.bucket_view(r.source_path) if r.source_path else None
    if source:
        links.append(Link("file", source))
    links += [Link(link.label, url) for link in r.links if (url := web_link(link.url))]
    links += [Link("trace", urls.trace(t.agent, t.session_id)) for t in traces]
    return tuple(links)


def agent_feed(urls: Urls, agent: str) -> Link:
    """The link to subscribe to what an agent posts, where its messages or results are listed."""
    return Link(f"Subscribe: {agent}’s messages and results (Atom feed)", urls.agent_feed(agent))


def agent_counts(agents: Sequence[Agent]) -> dict[str, int]:
    """The agents, and apart from them the people who post (`human-<user>`)."""
    people = sum(is_person(a.id) for a in agents)
    return {"agents": len(agents) - people, "people": people}


def trace_summary(t: Trace, urls: Urls, result: Link | None = None) -> TraceSummary:
    return TraceSummary(session=t.session_id, url=urls.trace(t.agent, t.session_id),
                        harness=t.harness, model=t.model, started=fmt.when(t.started_at),
                        tokens=t.usage.total, tool_calls=t.tool_calls, result=result)


@dataclass(frozen=True, slots=True)
class LeadLink:
    """A taskforce's member, or an agent's taskforce, and whether that agent leads it."""
    text: str
    url: str                      # its page ("" for a member no agent answers to)
    lead: bool


@dataclass(frozen=True, slots=True)
class TaskforceView:
    id: str
    url: str
    title: str
    members: tuple[LeadLink, ...]
    preview: str                  # the opening words of its charter
    files: int                    # the folder's files besides the charter
    citations: int                # messages that name its folder
