"""/404.html: what the Space serves for an address with no page."""
from __future__ import annotations

from typing import Iterator

from builder.pages.context import SiteContext
from builder.pages.spec import PageSpec


def pages(ctx: SiteContext) -> Iterator[PageSpec]:
    url = ctx.urls.file("404.html")
    yield PageSpec(url, "404.html", ctx.base_context("Page not found", "", url,
                                                     "There is no page at this address.",
                                                     noindex=True))
