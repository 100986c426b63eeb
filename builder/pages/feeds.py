"""/feeds/: Atom feeds of the messages, of the results, of the records, and of each agent's
messages and results (absolute URLs when site.base_url has a host). Entries carry the full
sanitised body."""
from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime
from functools import partial
from typing import Iterator, Mapping, Sequence

from markupsafe import Markup

from builder import feeds
from builder import format as fmt
from builder.assemble import find_records, result_refs, time_order_key
from builder.model import Collab, Leaderboard, Message, Result
from builder.pages.context import SiteContext
from builder.pages.spec import Deferred, PageSpec, deferred
from builder.pages.views import ResultRow, body_under_title
from builder.urls import Urls, atom_id, atom_tag, origin_of


NEW_RECORD = "New record"      # the label of the records feed's entries
WITHDRAWN = "Record withdrawn"  # that of a record the verifier found invalid
# A record is another event than the result's posting, titled otherwise: its entry gets an Atom id
# of its own. With the result's id, a reader that merges entries by id (across subscriptions, as
# RFC 4287 allows) would show one entry under either title, or take one for an edit of the other.
RECORD_ID = "#record"


def pages(ctx: SiteContext) -> Iterator[PageSpec | Deferred]:
    c, urls = ctx.collab, ctx.urls
    start = collaboration_start(c)
    verdicts = verdict_messages(c.messages, ctx.results_by_file)
    yield deferred_feed(ctx, (urls.file("feeds/messages.xml"), urls.messages()), "messages",
                        c.messages, (), "", start, verdicts)
    yield deferred_feed(ctx, (urls.file("feeds/results.xml"), urls.results()), "results", (),
                        c.results, "Result", start, verdicts)
    yield deferred_feed(ctx, (urls.file("feeds/records.xml"), urls.home()), "records", (),
                        latest_records(records_told(c.leaderboard), verdicts, urls),
                        NEW_RECORD, start, verdicts)
    joined = {a.id: a.joined for a in c.agents}
    agents = sorted({a.id for a in c.agents} | set(ctx.by_agent_messages) | set(ctx.by_agent_results))
    for agent in agents:
        yield deferred_feed(ctx, (urls.agent_feed(agent), urls.agent(agent)), f"{agent}",
                            ctx.by_agent_messages.get(agent, ()),
                            ctx.by_agent_results.get(agent, ()), "Result",
                            joined.get(agent) or start, verdicts)


VERIFICATION = "verification"   # the type of the verifier's messages (its verdict on the results it refs)
GIVEN = ("valid", "invalid")    # the verdicts a verifier gives (pending is its absence)


def verdict_messages(messages: Sequence[Message],
                     by_file: Mapping[str, Result]) -> dict[str, Message]:
    """The verifier's newest message on each result it refs that has a verdict, by result id:
    the date of its verdict (results/verification_status.json holds verdicts, not dates)."""
    out: dict[str, Message] = {}
    for m in messages:                       # filename order: a later message gives a later verdict
        if m.type == VERIFICATION and m.timestamp is not None:
            out.update((r.id, m) for r in result_refs(m, by_file)
                       if r.verification in GIVEN and announces(m, r.verification))
    return out


_VERDICT_WORD = re.compile(r"\b(valid|invalid)\b", re.IGNORECASE)


def announces(message: Message, verdict: str) -> bool:
    """Whether the verifier's message gave the result's verdict: not when it names only the
    other one (an organizer overruled it since, by hand, and no message dates that)."""
    said = {word.lower() for word in _VERDICT_WORD.findall(message.body)}
    return not said or verdict in said


def latest_records(told: Sequence[Result], verdicts: Mapping[str, Message],
                   urls: Urls) -> list[Result]:
    """The records the feed shows, by when they last changed (their posting, or their verdict's
    message), oldest first: a verdict on a record older than the feed's newest brings it back."""
    return sorted(told, key=lambda r: (fmt.iso(verdict_time(r, verdicts.get(r.id))),
                                       urls.result(r.id)))[-feeds.FEED_SIZE:]


def records_told(lb: Leaderboard) -> list[Result]:
    """The records, and the results the records feed told of as records while they were pending
    that the verifier then found invalid (its entry says so: a reader keeps an entry that
    leaves a feed), oldest first."""
    pending = [replace(r, verification="pending") for r in lb.invalid]
    invalid = {r.id: r for r in lb.invalid}
    told = find_records([*(e.result for e in lb.all), *pending], lb.direction)
    withdrawn = [invalid[r.id] for r in told if r.id in invalid]
    return sorted([*lb.records, *withdrawn], key=lambda r: time_order_key(r, lb.direction))


def collaboration_start(c: Collab) -> datetime | None:
    """The earliest time any input carries (a message, a result, a trace, a registration): the
    date of a feed with nothing in it yet, and of an entry without a time of its own. A new
    message does not move it, as it would the newest input's time (every empty feed rewritten
    at every message)."""
    times = [m.timestamp for m in c.messages] + [r.timestamp for r in c.results]
    times += [a.joined for a in c.agents]
    times += [t.started_at or t.promoted_at or t.ended_at for t in c.traces]
    return min((fmt.utc(t) for t in times if t is not None), default=None)


def deferred_feed(ctx: SiteContext, where: tuple[str, str], name: str, messages: Sequence[Message],
                  results: Sequence[Result], label: str, since: datetime | None,
                  verdicts: Mapping[str, Message]) -> PageSpec | Deferred:
    """The feed of the newest of `messages` and `results`, taken from the page cache when its
    fingerprint is known. `where`: the feed's URL and that of the page it follows (a reader's
    link to the site); `since`: the feed's date while it has no entry, and that of its entries
    without one (an agent's registration, else the collaboration's start); `verdicts`: the
    verifier's message on a result, by result id (see `verdict_messages`)."""
    messages, results = messages[-feeds.FEED_SIZE:], results[-feeds.FEED_SIZE:]
    verdicts = {r.id: verdicts[r.id] for r in results if r.id in verdicts}
    plan = partial(_feed_of, ctx, where, name, messages, results, label, since, verdicts)
    fingerprint = feed_fingerprint(ctx, where, name, messages, results, label, since, verdicts)
    # weighed by its entries (their whole bodies, as `feed`): a batch of a thousand agents'
    # feeds held about 60 MiB at 100,000 messages
    return deferred(where[0], fingerprint, plan, weight=max(1, len(messages) + len(results)))


def _feed_of(ctx: SiteContext, where: tuple[str, str], name: str, messages: Sequence[Message],
             results: Sequence[Result], label: str, since: datetime | None,
             verdicts: Mapping[str, Message]) -> PageSpec:
    return feed(ctx, where, name, message_entries(ctx, messages)
                + result_entries(ctx, results, label, verdicts), since,
                latest_first=label == NEW_RECORD)


def feed_fingerprint(ctx: SiteContext, where: tuple[str, str], name: str,
                     messages: Sequence[Message], results: Sequence[Result], label: str,
                     since: datetime | None, verdicts: Mapping[str, Message]) -> str | None:
    """A digest of everything the feed shows (None when the build cannot tell): the files of
    its messages, its results and their rows (the score as shown), the verifier's messages
    that date their verdicts, its date when undated."""
    keys = [ctx.message_keys.get(m.id) for m in messages]
    records = [ctx.record_key(x) for r in results for x in (r, ctx.rows_by_result[r.id])]
    if not ctx.fingerprint_salt or None in keys or None in records:
        return None
    links = [ctx.bodies.result_links.get(r.id, "") for r in results]
    dated = repr(sorted((r, m.id, fmt.iso(m.timestamp)) for r, m in verdicts.items()))
    return ctx.fingerprint("feed", repr((where, name, label, len(keys), fmt.iso(since))),
                           *keys, *records, *links, dated)


def feed(ctx: SiteContext, where: tuple[str, str], name: str, entries: list[feeds.Entry],
         since: datetime | None, latest_first: bool = False) -> PageSpec:
    """The feed of the newest `entries` by when they were posted, or by when they last changed
    (`latest_first`: a feed of events on them, as the records feed's verdicts)."""
    origin = origin_of(ctx.config.site.base_url)
    url, page = where
    dated = [e if e.updated else replace(e, updated=since) for e in entries]
    shown = feeds.latest(dated) if latest_first else feeds.newest(dated)
    return PageSpec(url, data=feeds.atom(feed_atom_id(ctx, url), f"{ctx.site.title}: {name}",
                                         origin + url, origin + ctx.urls.home(), shown,
                                         feeds.last_updated(shown) or since, page=origin + page),
                    weight=max(1, len(shown)))


def feed_atom_id(ctx: SiteContext, url: str) -> str:
    """The permanent Atom id of the page or file at `url` (see urls.atom_id)."""
    config = ctx.config
    return atom_id(url, config.site.base_url,
                   atom_tag(ctx.urls.bucket_web, config.publish.space_id, config.site.title))


def message_entries(ctx: SiteContext, messages: Sequence[Message]) -> list[feeds.Entry]:
    origin = origin_of(ctx.config.site.base_url)
    views = ctx.message_views
    return [feeds.Entry(url=origin + views[m.id].url, title=f"{m.agent}: {views[m.id].title}",
                        updated=m.timestamp, author=m.agent, summary=views[m.id].excerpt,
                        content=str(body_under_title(views[m.id], ctx.bodies.messages[m.id])[0]),
                        id=feed_atom_id(ctx, views[m.id].url))
            for m in messages[-feeds.FEED_SIZE:]]


def result_entries(ctx: SiteContext, results: Sequence[Result], label: str,
                   verdicts: Mapping[str, Message]) -> list[feeds.Entry]:
    """A result's entry is dated by its latest event: its posting, or the verifier's message
    on it when its verdict is given (a reader sees the entry change when it is verified)."""
    origin = origin_of(ctx.config.site.base_url)
    unit = ctx.config.metric.unit
    out = []
    for r in results[-feeds.FEED_SIZE:]:
        verdict = verdicts.get(r.id)
        row = ctx.rows_by_result[r.id]
        score = fmt.with_unit(row.score_text, unit) or r.id
        notes = ", ".join(note for note in result_notes(row)
                          if not (label == NEW_RECORD and note == "new best"))
        page = ctx.urls.result(r.id)
        url = origin + page
        said = WITHDRAWN if label == NEW_RECORD and r.verification == "invalid" else label
        out.append(feeds.Entry(url=url,
                               title=f"{said}: {score} by {r.agent}" + (f" ({notes})" if notes else ""),
                               updated=verdict_time(r, verdict),
                               published=r.timestamp if verdict else None, author=r.agent,
                               summary=result_summary(r.method, r.description),
                               content=verdict_note(ctx, r, verdict)
                               + str(ctx.bodies.results.get(r.id, "")),
                               id=feed_atom_id(ctx, page + (RECORD_ID if label == NEW_RECORD else ""))))
    return out


def verdict_time(result: Result, verdict: Message | None) -> datetime | None:
    """When the result last changed: the verifier's message when later than the posting."""
    times = [fmt.utc(t) for t in (result.timestamp, verdict and verdict.timestamp) if t]
    return max(times, default=None)


def verdict_note(ctx: SiteContext, result: Result, verdict: Message | None) -> str:
    """The result's verification as the entry's first line (HTML): its verdict, and when and
    where the verifier gave it."""
    if result.verification is None:
        return ""
    said = Markup("<p>Verification: <strong>{}</strong>").format(result.verification)
    if verdict is not None:
        url = origin_of(ctx.config.site.base_url) + ctx.urls.message(verdict.id)
        said += Markup(' (<a href="{}">{}</a>)').format(url, fmt.when(verdict.timestamp))
    return str(said + Markup(".</p>"))


def result_summary(method: str, description: str) -> str:
    """"method. description", either alone when the other is empty; the description's own
    ending ("…", ".") kept."""
    method, description = method.strip(), description.strip()
    if method and description:
        return f"{method.rstrip('.')}. {description}"
    return method or description


def result_notes(row: ResultRow) -> list[str]:
    """What a feed's reader must know of a result beside its score, in its title: whether it
    counts (a score the verifier found invalid, "new best?" in its text, must not read as a
    record), and whether it set a record."""
    notes = [row.status] if row.status != "agent-run" else []
    if row.verification in ("invalid", "pending"):
        notes.append(f"verification {row.verification}")
    if row.is_record:
        notes.append("new best")
    return notes
