"""/messages/ and its listings by agent and by type (paginated from the oldest message, so old
page URLs stay stable), and /messages/<id>/ with the message's thread (its replies paged, see
builder.pages.replies)."""
from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Iterator, Sequence

from markupsafe import Markup

from builder import format as fmt
from builder.assemble import result_refs, unresolved_refs
from builder.model import Link, Message, Thread
from builder.pages.context import SiteContext
from builder.pages.paging import ListingPage, UrlFor, paged_listing
from builder.pages.replies import numbered_pages, replies_shown, reply_listings
from builder.pages.spec import Deferred, PageBlock, PageSpec, deferred
from builder.pages.views import (Correspondent, Counted, Lively, SplitDays, agent_feed,
                                 archive_days, MessageView, body_under_title, drawn, lively,
                                 split_days)


@dataclass(frozen=True, slots=True)
class LatestOnly:
    """What a listing's latest page alone lists: numbered pages must not change when a message
    is posted. The agents of the archive, its days and its lively discussions; the agents an
    agent writes to most, or hears from most (`often`, which `often_label` names)."""
    authors: tuple[Counted, ...] = ()
    days: tuple[Counted, ...] = ()
    often_label: str = ""
    often: tuple[Correspondent, ...] = ()
    activity: Markup = Markup("")        # the archive's messages per day, as bars
    lively: Lively = Lively()            # the archive's discussions with the most new messages


@dataclass(frozen=True, slots=True)
class MessageListing:
    """Which listing of messages: its title, the agent it is about or the type it shows, which
    messages it lists when the title does not say (`scope`), the agent's other listing, and the
    feed that brings what it lists."""
    title: str
    agent: str | None = None
    kind: str = ""
    scope: str = ""
    other: Link | None = None
    feed: Link | None = None


def pages(ctx: SiteContext) -> Iterator[PageBlock]:
    c, urls = ctx.collab, ctx.urls
    by_type: dict[str, list[Message]] = {}
    for m in c.messages:
        by_type.setdefault(m.type, []).append(m)
    types = sorted(by_type)
    authors = tuple(Counted(agent, urls.messages_by_agent(agent), len(msgs))
                    for agent, msgs in sorted(ctx.by_agent_messages.items()))
    days = archive_days(c.messages, urls.messages, ctx.config.limits.messages_per_page)
    feed = Link("Subscribe: every new message (Atom feed)", ctx.site.href.messages_feed)
    every = MessageListing("All messages", feed=feed)
    yield from listing_pages(ctx, c.messages, urls.messages, every, types,
                             LatestOnly(authors, days, activity=drawn(days),
                                        lively=lively(c.messages, c.threads, ctx.message_views)))
    for agent, msgs in sorted(ctx.by_agent_messages.items()):
        to = (Link(f"Messages to {agent}", urls.messages_to_agent(agent))
              if agent in ctx.to_agent_messages else None)
        days = ctx.agent_days(agent)
        yield from listing_pages(ctx, msgs, partial(urls.messages_by_agent, agent),
                                 MessageListing(f"Messages by {agent}", agent, other=to,
                                                feed=agent_feed(urls, agent)), types,
                                 LatestOnly(days=days, often_label="Writes most to",
                                            often=ctx.writes_to(agent),
                                            activity=ctx.agent_activity(agent)))
    for agent, msgs in sorted(ctx.to_agent_messages.items()):
        by = (Link(f"Messages by {agent}", urls.messages_by_agent(agent))
              if agent in ctx.by_agent_messages else None)
        what = MessageListing(f"Messages to {agent}", agent,
                              scope=f"that mention {agent} or answer its messages", other=by)
        yield from listing_pages(ctx, msgs, lambda n, a=agent: urls.messages_to_agent(a, n), what,
                                 types, LatestOnly(often_label="Most often from",
                                                   often=ctx.heard_from(agent)))
    for kind in types:
        yield from listing_pages(ctx, by_type[kind], lambda n, k=kind: urls.messages_by_type(k, n),
                                 MessageListing(f"Messages of type “{kind}”", kind=kind), types)
    around = neighbours(c.messages)
    for first in range(0, len(c.messages), MESSAGE_BLOCK):
        run = slice(first, first + MESSAGE_BLOCK)
        yield PageBlock(messages_fingerprint(ctx, c.messages[run], around[run]),
                        partial(message_pages, ctx, c.messages[run], around[run]))


# Messages whose pages make one PageBlock: a new message changes its own block, its neighbour's
# and those of the messages it answers; the others are taken from the cache as they are.
MESSAGE_BLOCK = 100


def message_pages(ctx: SiteContext, messages: Sequence[Message], around: Sequence[Neighbours]
                  ) -> Iterator[PageSpec | Deferred]:
    """The pages of these messages (`around`: their neighbours), with their numbered pages
    of replies."""
    for m, near in zip(messages, around):
        thread = ctx.collab.threads.get(m.id) or Thread(m.id, (), (), ())
        *numbered, newest = reply_listings(ctx, m, thread.children)
        yield deferred(newest.url, message_fingerprint(ctx, m, thread, newest, near),
                       partial(message_page, ctx, m, newest, near))
        yield from numbered_pages(ctx, m, numbered)


def messages_fingerprint(ctx: SiteContext, messages: Sequence[Message],
                         around: Sequence[Neighbours]) -> str | None:
    """A digest of everything the fingerprints of `message_pages` follow from (None when the
    build cannot tell): each message's thread (what it answers, its replies, the refs that
    name nothing), its neighbours, and the files of all of those and the results it names."""
    parts: list[str | None] = []
    for m, near in zip(messages, around):
        thread = ctx.collab.threads.get(m.id) or Thread(m.id, (), (), ())
        walked = tuple(n.id if n else None for n in (near.older, near.newer))
        parts.append(repr((m.id, thread.parents, thread.children, thread.missing_refs, walked)))
        parts += [ctx.message_keys.get(i) for i in (m.id, *thread.parents, *thread.children)]
        parts += [ctx.message_keys.get(i) for i in walked if i]
        parts += [ctx.record_key(r) for r in result_refs(m, ctx.results_by_file)]
    if not ctx.fingerprint_salt or None in parts:
        return None
    return ctx.fingerprint("message pages", *parts)


@dataclass(frozen=True, slots=True)
class Neighbours:
    """The messages posted just before and just after one (by file name, as the archive
    orders them): its page links them, so a reader walks the archive without going back to it."""
    older: Message | None = None
    newer: Message | None = None


def neighbours(messages: Sequence[Message]) -> list[Neighbours]:
    """Each message's neighbours, in the order of `messages` (oldest first)."""
    padded = [None, *messages, None]
    return [Neighbours(padded[i], padded[i + 2]) for i in range(len(messages))]


@dataclass(frozen=True, slots=True)
class Answered:
    """What a message answers, in the order its page lists them: the messages its refs name,
    the results they name (a link each) and the refs that name nothing in the bucket, as written."""
    messages: tuple[MessageView, ...] = ()
    results: tuple[Link, ...] = ()
    missing: tuple[str, ...] = ()

    def __len__(self) -> int:
        return len(self.messages) + len(self.results) + len(self.missing)


@dataclass(frozen=True, slots=True)
class InReplyTo:
    """What a message's page lists of what it answers: the first ones before its body, the
    others (`more`) folded behind "and N more", so a message that refs every message of a day
    still opens with itself."""
    first: Answered
    more: Answered


def in_reply_to(answered: Answered, shown: int) -> InReplyTo:
    """`answered` split after its first `shown` entries (messages, then results, then missing)."""
    first, more = [], []
    for group in (answered.messages, answered.results, answered.missing):
        first.append(group[:shown])
        more.append(group[shown:])
        shown = max(0, shown - len(group))
    return InReplyTo(Answered(*first), Answered(*more))


def listing_pages(ctx: SiteContext, messages: Sequence[Message], url_for: UrlFor,
                  what: MessageListing, types: Sequence[str],
                  latest: LatestOnly = LatestOnly()) -> Iterator[PageBlock]:
    """The pages of one listing (`what`), as one PageBlock. `types` are every message type
    there is (each page links them); `latest`, what its latest page alone lists."""
    shown = (url_for(None), url_for(1), what, tuple(types), latest, len(messages))
    keys = [ctx.message_keys.get(m.id) for m in messages]
    fingerprint = (ctx.fingerprint("messages.html listing", repr(shown), *keys)
                   if ctx.fingerprint_salt and None not in keys else None)
    yield PageBlock(fingerprint, partial(_listing_pages, ctx, messages, url_for, what, types, latest))


def _listing_pages(ctx: SiteContext, messages: Sequence[Message], url_for: UrlFor,
                   what: MessageListing, types: Sequence[str], latest: LatestOnly
                   ) -> Iterator[PageSpec | Deferred]:
    listings = paged_listing(list(messages), ctx.config.limits.messages_per_page, url_for,
                             anchor=lambda m: ctx.urls.message_anchor(m.id),
                             when=lambda m: m.timestamp)
    for listing in listings:
        shown = (what, tuple(types), latest if listing.number == 0 else LatestOnly(),
                 len(messages), split_days(listing))
        plan = partial(listing_page, ctx, listing, *shown)
        fingerprint = listing_fingerprint(ctx, listing, *shown)
        yield deferred(listing.url, fingerprint, plan, weight=len(listing.items))


def listing_page(ctx: SiteContext, listing: ListingPage, what: MessageListing,
                 types: tuple[str, ...], latest: LatestOnly, total: int,
                 split: SplitDays) -> PageSpec:
    title, agent = what.title, what.agent
    # The latest page that shows what a numbered page shows names it: that address and its
    # content stay (so a numbered page never changes for it).
    page = ctx.base_context(title if listing.number == 0 else f"{title} — page {listing.number}",
                            "messages", listing.url, listing_description(what, listing, total),
                            same_as=listing.same_as)
    # The count is shown on the rolling latest page only: a numbered page must not depend
    # on it, or every new message would change (and re-render) every page.
    page.update(heading=title, groups=ctx.day_groups(listing.items, split), pager=listing.pager,
                count=total if listing.number == 0 else None,
                types=[(t, ctx.urls.messages_by_type(t)) for t in types], kind=what.kind,
                all_url=ctx.urls.messages(), all_listed=not agent and not what.kind,
                latest=latest, agent=agent, scope=what.scope, other=what.other, feed=what.feed,
                agent_url=ctx.agent_url(agent) if agent else "")
    return PageSpec(listing.url, "messages.html", page, weight=len(listing.items))


def listing_description(what: MessageListing, listing: ListingPage, total: int) -> str:
    """Which messages a page of a listing lists: the listing's, how many (on its latest page,
    the one that counts them) and the days of the page's own."""
    days = fmt.span(m.timestamp for m in listing.items)
    return fmt.sentences((f"Messages {what.scope}" if what.scope else what.title) + ", newest first"
                         + (f" ({fmt.counted(total, 'message')})" if listing.number == 0 else ""),
                         f"On this page: {days}" if days else "")


def listing_fingerprint(ctx: SiteContext, listing: ListingPage, what: MessageListing,
                        types: tuple[str, ...], latest: LatestOnly, total: int,
                        split: SplitDays) -> str | None:
    """A digest of everything `listing_page` shows (None when the build cannot tell): which
    page of which listing it is (address, pager, and the count on the latest page), the types
    and what else it links to, where the days it shows in part go on, and the files of the
    messages it lists."""
    keys = [ctx.message_keys.get(m.id) for m in listing.items]
    if not ctx.fingerprint_salt or None in keys:
        return None
    shown = (listing.url, listing.number, listing.same_as, listing.pager, what, types, latest,
             total if listing.number == 0 else None, split)
    return ctx.fingerprint("messages.html", repr(shown), *keys)


def message_fingerprint(ctx: SiteContext, m: Message, thread: Thread,
                        replies: ListingPage, around: Neighbours) -> str | None:
    """A digest of everything `message_page` shows (None when the build cannot tell): the
    files of the message, of the messages it answers and of the replies it lists (the page
    shows their author, time and opening words), how many replies there are and the pages of
    the others, its thread, the results it names, and the messages before and after it."""
    walked = tuple(n.id if n else None for n in (around.older, around.newer))
    keys = [ctx.message_keys.get(i) for i in (m.id, *thread.parents, *replies.items)]
    keys += [ctx.message_keys.get(i) for i in walked if i]
    records = [ctx.record_key(r) for r in result_refs(m, ctx.results_by_file)]
    if not ctx.fingerprint_salt or None in keys or None in records:
        return None
    shown = (m.id, thread.parents, tuple(replies.items), len(thread.children), replies.pager,
             thread.missing_refs, walked)
    return ctx.fingerprint("message.html", repr(shown), *keys, *records)


def message_page(ctx: SiteContext, m: Message, replies: ListingPage,
                 around: Neighbours = Neighbours()) -> PageSpec:
    thread = ctx.collab.threads.get(m.id)
    view = ctx.message_views[m.id]
    refs_to_results = result_refs(m, ctx.results_by_file)
    missing = unresolved_refs(thread, ctx.results_by_file) if thread else ()
    unit = ctx.config.metric.unit
    # Its excerpt, as listings and feeds show it, describes it.
    page = ctx.base_context(f"{view.title} — {m.agent}, {view.time_text}", "messages", view.url,
                            view.excerpt or view.title, article=True)
    body, title_heading = body_under_title(view, ctx.bodies.messages[m.id])
    page.update(
        message=view, body=body, title_heading=title_heading,
        in_reply_to=in_reply_to(Answered(
            tuple(ctx.message_views[p] for p in (thread.parents if thread else ())),
            tuple(Link(f"{r.agent}: {fmt.with_unit(r.score_text, unit) or r.id}",
                       ctx.urls.result(r.id)) for r in refs_to_results),
            missing), ctx.config.limits.in_reply_to_shown),
        replies=replies_shown(ctx, replies, len(thread.children) if thread else 0),
        extra=m.extra, source_url=ctx.urls.bucket_view(m.source_path),
        omitted=fmt.size(m.omitted_bytes) if m.omitted_bytes else "",
        raw_url=ctx.urls.bucket_file(m.source_path), source_path=m.source_path,
        older=ctx.message_views[around.older.id] if around.older else None,
        newer=ctx.message_views[around.newer.id] if around.newer else None,
        archive_url=ctx.urls.messages())
    return PageSpec(ctx.urls.message(m.id), "message.html", page)
