"""/about/: the collaboration's own description, the bucket's README.md, as the organizers wrote
it (its goal, rules and how to take part). The reference dashboard's onboarding points agents to
the same file."""
from __future__ import annotations

from typing import Iterator

from builder.markdown import excerpt_of_html
from builder.pages.context import DESCRIPTION_SOURCE, SiteContext
from builder.pages.spec import PageSpec
from builder.pages.views import titled


def pages(ctx: SiteContext) -> Iterator[PageSpec]:
    readme, body = ctx.collab.readme, ctx.bodies.about
    if readme is None or body is None:
        return
    title = titled(body, "About this collaboration")
    page = ctx.base_context("About", "about", ctx.urls.about(),
                            excerpt_of_html(title.body, DESCRIPTION_SOURCE) or title.title)
    page.update(heading=title.title, body=title.body, title_anchor=title.anchor,
                source_url=ctx.urls.bucket_view(readme.source_path))
    yield PageSpec(ctx.urls.about(), "about.html", page)
