"""A message's replies, paged as /messages/ is (builder.pages.paging): the message's own page
lists the newest `[limits] replies_per_page` of them, and numbered pages
(/messages/<id>/replies/page/N/) hold them all from the oldest, each made once full. So a status
thread every agent answers keeps a light page, a new reply changes the message's page alone, and
once in `replies_per_page` replies it adds a numbered page (its older neighbour then links to it)."""
from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Iterator, Sequence

from builder import format as fmt
from builder.model import Message
from builder.pages.context import SiteContext
from builder.pages.paging import ListingPage, Pager, paged_listing
from builder.pages.spec import Deferred, PageSpec, deferred
from builder.pages.views import MessageView


@dataclass(frozen=True, slots=True)
class Replies:
    """What a page shows of a message's replies: `shown`, oldest first, where they stand among
    all of them (`first` and `last`, from 1; 0 for none) and the pages of the others. How many
    there are (`count`) and which are shown when not all are (`note`) are on the message's page
    alone (None and "" elsewhere): a numbered page must not change when a reply arrives. A
    numbered page marks each reply (`marked`), for the message page's link to the older ones."""
    shown: tuple[MessageView, ...]
    first: int
    last: int
    pager: Pager
    count: int | None = None
    note: str = ""
    marked: bool = False


def reply_listings(ctx: SiteContext, m: Message, children: Sequence[str]) -> list[ListingPage]:
    """The pages of the replies (ids, oldest first): the numbered ones, then the message's own."""
    return paged_listing(list(children), ctx.config.limits.replies_per_page,
                         partial(ctx.urls.message_replies, m.id), anchor=ctx.urls.message_anchor)


def replies_shown(ctx: SiteContext, listing: ListingPage, total: int) -> Replies:
    """What the page `listing` of a message's `total` replies shows of them."""
    size = ctx.config.limits.replies_per_page
    first = (listing.number - 1) * size + 1 if listing.number else total - len(listing.items) + 1
    last = first + len(listing.items) - 1
    views = tuple(ctx.message_views[i] for i in listing.items)
    if listing.number:
        return Replies(views, first, last, listing.pager, marked=True)
    note = (f"Showing {first:,}–{last:,} of {total:,}, the newest; the older ones are on the "
            "numbered pages." if len(views) < total else "")
    return Replies(views, first if views else 0, last, listing.pager, total, note)


def numbered_pages(ctx: SiteContext, m: Message,
                   listings: Sequence[ListingPage]) -> Iterator[PageSpec | Deferred]:
    """The numbered pages of a message's replies (`listings` from `reply_listings`)."""
    for listing in listings:
        if listing.number:
            yield deferred(listing.url, numbered_fingerprint(ctx, m, listing),
                           partial(numbered_page, ctx, m, listing), weight=len(listing.items))


def numbered_fingerprint(ctx: SiteContext, m: Message, listing: ListingPage) -> str | None:
    """A digest of everything `numbered_page` shows (None when the build cannot tell): which
    page it is, the file of the message (its title, author and time) and those of its replies."""
    keys = [ctx.message_keys.get(i) for i in (m.id, *listing.items)]
    if not ctx.fingerprint_salt or None in keys:
        return None
    shown = (listing.url, listing.number, listing.pager, tuple(listing.items))
    return ctx.fingerprint("replies.html", repr(shown), *keys)


def numbered_page(ctx: SiteContext, m: Message, listing: ListingPage) -> PageSpec:
    view = ctx.message_views[m.id]
    replies = replies_shown(ctx, listing, total=0)      # a numbered page does not count them
    heading = f"Replies {replies.first:,}–{replies.last:,}"
    page = ctx.base_context(f"{heading} — {view.title}", "messages", listing.url,
                            fmt.sentences(f"{heading} to “{view.title}” by {m.agent}"))
    page.update(heading=heading, message=view, replies=replies)
    return PageSpec(listing.url, "replies.html", page, weight=len(listing.items))
