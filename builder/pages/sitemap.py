"""/sitemap.xml and /robots.txt, for search engines: a sitemap index over sitemaps/pages.xml
(the sections, agents, results and trace sessions) and one sitemaps/messages-N.xml per full
block of MESSAGES_PER_SITEMAP messages, oldest first (the first block holds half as many).

A new message must not change one more file of the site (the cron run's budget): the block it
starts is listed nowhere until it is full, and robots.txt names the messages' Atom feed, which
search engines read as a sitemap too, for the newest (the feed holds as many as a block, and
changes with every message anyway). A block filling up adds its file and changes the index.
Blocks fill at odd multiples of 25 messages: a page of the archive, of an even number of
messages (50 by default), fills at none of them, so one message never does both (its cron run
changed 22 files, 2 more than its budget, every 50 messages).

A sitemap needs absolute addresses: without a host in site.base_url there is none, nor a
robots.txt (which would only name it). Crawlers read robots.txt at the host's root only: a site
under a path (https://host/sub/) cannot own it, so it gets none, and the build report says to
submit its sitemap to search engines instead."""
from __future__ import annotations

from functools import partial
from typing import Iterator, Sequence
from xml.sax.saxutils import escape

from builder import feeds
from builder import format as fmt
from builder.model import NOTE, Message, Problem
from builder.pages.context import SiteContext
from builder.pages.spec import Deferred, PageSpec, deferred
from builder.urls import base_path, origin_of

MESSAGES_PER_SITEMAP = feeds.FEED_SIZE   # no more than the feed holds: it lists the block not yet full


def pages(ctx: SiteContext) -> Iterator[PageSpec | Deferred]:
    origin = origin_of(ctx.config.site.base_url)
    if not origin:
        return
    urls = ctx.urls
    parts = [urls.sitemap_part("pages")]
    yield PageSpec(parts[0], data=urlset(origin, site_pages(ctx)))
    for number, block in enumerate(full_blocks(ctx.collab.messages, MESSAGES_PER_SITEMAP), 1):
        parts.append(urls.sitemap_part(f"messages-{number}"))
        yield deferred(parts[-1], messages_fingerprint(ctx, origin, block),
                       partial(messages_sitemap, ctx, parts[-1], origin, block))
    base_url = ctx.config.site.base_url
    if base_path(base_url) != "/":
        yield PageSpec(urls.sitemap(), data=sitemap_index(origin, parts),
                       problems=(no_robots_under_a_path(base_url, origin + urls.sitemap()),))
        return
    yield PageSpec(urls.sitemap(), data=sitemap_index(origin, parts))
    yield PageSpec(urls.robots(), data=robots(origin, urls.sitemap(),
                                                        urls.file("feeds/messages.xml")))


def messages_sitemap(ctx: SiteContext, url: str, origin: str, block: Sequence[Message]
                     ) -> PageSpec:
    return PageSpec(url, data=urlset(origin, [(ctx.urls.message(m.id), fmt.iso(m.timestamp))
                                              for m in block]))


def messages_fingerprint(ctx: SiteContext, origin: str, block: Sequence[Message]) -> str | None:
    """A digest of what `messages_sitemap` lists (None when the build cannot tell): the files
    of its messages (their ids and times)."""
    keys = [ctx.message_keys.get(m.id) for m in block]
    if not ctx.fingerprint_salt or None in keys:
        return None
    return ctx.fingerprint("sitemap", origin, *keys)


def no_robots_under_a_path(base_url: str, sitemap: str) -> Problem:
    return Problem("site.base_url", f"the site is under {base_path(base_url)} and crawlers read "
                   "robots.txt only at the root of the host, so none is written: submit "
                   f"{sitemap} to search engines instead (or have the host's /robots.txt name "
                   "it)", NOTE)


def full_blocks(messages: Sequence[Message], size: int) -> list[Sequence[Message]]:
    """`messages` in blocks of `size` after a first one of half as many, oldest first, without
    the last one while it is not full."""
    ends = range(size // 2 or size, len(messages) + 1, size)
    return [messages[max(0, end - size):end] for end in ends]


def site_pages(ctx: SiteContext) -> list[tuple[str, str]]:
    """The address of each page a search engine should know besides the messages', with the
    date of what it shows when one input dates it (a result's posting), else ""."""
    c, urls = ctx.collab, ctx.urls
    listed = [(url, "") for url in (urls.home(), urls.messages(), urls.agents(), urls.results(),
                                    urls.traces())]
    listed += [(urls.agent(a.id), "") for a in c.agents]
    listed += [(urls.result(r.id), fmt.iso(r.timestamp)) for r in c.results]
    listed += [(urls.trace(t.agent, t.session_id), "") for t in c.traces]
    return listed


def urlset(origin: str, pages: Sequence[tuple[str, str]]) -> bytes:
    """A sitemap (sitemaps.org 0.9) of `pages`: (site URL, lastmod or "")."""
    entries = "".join(f"<url><loc>{escape(origin + url)}</loc>"
                      + (f"<lastmod>{escape(lastmod)}</lastmod>" if lastmod else "") + "</url>\n"
                      for url, lastmod in pages)
    return (XML_HEAD + '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            + entries + "</urlset>\n").encode()


def sitemap_index(origin: str, parts: Sequence[str]) -> bytes:
    """The index of the sitemaps `parts`, without dates: a date here would change the index
    whenever a part changes."""
    entries = "".join(f"<sitemap><loc>{escape(origin + url)}</loc></sitemap>\n" for url in parts)
    return (XML_HEAD + '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            + entries + "</sitemapindex>\n").encode()


def robots(origin: str, *sitemaps: str) -> bytes:
    """Every crawler welcome; where the sitemaps are."""
    return ("User-agent: *\nAllow: /\n\n"
            + "".join(f"Sitemap: {origin}{url}\n" for url in sitemaps)).encode()


XML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'
