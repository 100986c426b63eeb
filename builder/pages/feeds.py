"""/feeds/: Atom feeds of the messages and of the records."""
from __future__ import annotations

from typing import Iterator

from builder import feeds
from builder.pages.context import SiteContext
from builder.pages.spec import PageSpec
from builder.urls import origin_of


def pages(ctx: SiteContext) -> Iterator[PageSpec]:
    yield from feed_pages(ctx)


def feed_pages(ctx: SiteContext) -> Iterator[PageSpec]:
    """/feeds/messages.xml and /feeds/records.xml (absolute URLs when site.base_url has a host)."""
    origin = origin_of(ctx.config.site.base_url)
    c, urls, views = ctx.collab, ctx.urls, ctx.message_views
    home = origin + urls.home()
    messages = feeds.message_entries(c.messages, lambda i: origin + urls.message(i),
                                     lambda i: views[i].title, lambda i: views[i].excerpt)
    records = feeds.record_entries(c.leaderboard.records, lambda i: origin + urls.result(i),
                                   lambda r: ctx.rows_by_result[r.id].score_text)
    for name, title, entries, newest in (
            ("messages", "messages", messages, c.messages[-1].timestamp if c.messages else None),
            ("records", "records", records,
             c.leaderboard.records[-1].timestamp if c.leaderboard.records else None)):
        url = urls.file(f"feeds/{name}.xml")
        yield PageSpec(url, data=feeds.atom(origin + url, f"{ctx.site.title}: {title}",
                                            origin + url, home, entries, newest))
