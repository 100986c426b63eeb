"""/404.html: what the Space serves for an address with no page.

Its script (notfound.js) offers the page of a bucket file whose path was pasted onto the site's
address (`/message_board/x.md`, `/results/x.md`, `/agents/x.md`), computing the page's address
by the builder's own rules (the readers' ids, builder/urls.py); it lists no ids, so no message
changes the page."""
from __future__ import annotations

import json
from typing import Iterator

from builder.config import PathsConfig
from builder.pages.context import SiteContext
from builder.pages.spec import PageSpec
from builder.urls import Urls


def pages(ctx: SiteContext) -> Iterator[PageSpec]:
    url = ctx.urls.file("404.html")
    page = ctx.base_context("Page not found", "", url, "There is no page at this address.",
                            noindex=True)
    page.update(bucket_pages=json.dumps(bucket_pages(ctx.config.paths, ctx.urls)))
    yield PageSpec(url, "404.html", page)


def bucket_pages(paths: PathsConfig, urls: Urls) -> list[dict[str, object]]:
    """For each kind of bucket file with a page: the rule notfound.js names its page by, the
    folders it is found in (the bucket's, and the site's section, for a file name pasted after
    it), and the address its pages start with."""
    kinds = (("legacy-result", (paths.legacy_results,), urls.results()),
             ("result", (paths.results, _section(urls, urls.results())), urls.results()),
             ("message", (paths.messages, _section(urls, urls.messages())), urls.messages()),
             ("agent", (paths.agents, _section(urls, urls.agents())), urls.agents()),
             ("trace", (paths.traces,), urls.traces()),
             ("taskforce", (paths.taskforces,), urls.taskforces()))
    return [{"rule": rule, "folders": list(dict.fromkeys(f.strip("/") for f in folders if f.strip("/"))),
             "pages": prefix} for rule, folders, prefix in kinds]


def _section(urls: Urls, page: str) -> str:
    """"/base/messages/" -> "messages"."""
    return page.removeprefix(urls.home()).strip("/")
