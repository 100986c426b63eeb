"""/taskforces/ (the working groups) and /taskforces/<id>/ (charter, members, files, messages
that cite it). A charter is rendered like a bio; the folder's other files are linked, not
rendered."""
from __future__ import annotations

from typing import Iterator

from builder import format as fmt
from builder.markdown import excerpt_of_html, folder_of
from builder.model import Taskforce
from builder.pages.context import SiteContext
from builder.pages.spec import PageSpec
from builder.pages.views import LeadLink, TaskforceView, Titled, charter

RECENT_CITATIONS = 20
PREVIEW = 280


def pages(ctx: SiteContext) -> Iterator[PageSpec]:
    charters = [charter(t, ctx.bodies.taskforces[t.id]) for t in ctx.collab.taskforces]
    views = [taskforce_view(ctx, t, c) for t, c in zip(ctx.collab.taskforces, charters)]
    page = ctx.base_context("Taskforces", "agents", ctx.urls.taskforces(), fmt.sentences(
        f"The collaboration's {fmt.counted(len(views), 'taskforce')}: the working groups of its "
        "agents, with their members, charters and the messages that cite them"))
    page.update(taskforces=views)
    yield PageSpec(ctx.urls.taskforces(), "taskforces.html", page)
    for t, c, view in zip(ctx.collab.taskforces, charters, views):
        yield taskforce_page(ctx, t, c, view)


def taskforce_view(ctx: SiteContext, t: Taskforce, c: Titled) -> TaskforceView:
    return TaskforceView(
        id=t.id, url=ctx.urls.taskforce(t.id), title=c.title,
        members=tuple(LeadLink(name, ctx.known_agent_url(name), name in t.leads)
                      for name in t.members),
        preview=excerpt_of_html(c.body, PREVIEW), files=len(t.files),
        citations=len(ctx.taskforce_citations.get(t.id, ())))


def taskforce_page(ctx: SiteContext, t: Taskforce, c: Titled, view: TaskforceView) -> PageSpec:
    cited = ctx.taskforce_citations.get(t.id, ())
    folder = folder_of(t.source_path) or ""
    page = ctx.base_context(view.title, "agents", view.url,
                            view.preview or f"The taskforce {view.title} and its members")
    page.update(
        taskforce=view, charter=c.body, title_anchor=c.anchor,
        files=[(name, ctx.urls.bucket_view(f"{folder}/{name}")) for name in t.files],
        folder_url=ctx.urls.bucket_view(folder), source_url=ctx.urls.bucket_view(t.source_path),
        messages=[ctx.message_views[m.id] for m in reversed(cited[-RECENT_CITATIONS:])])
    return PageSpec(view.url, "taskforce.html", page, weight=1 + len(page["messages"]))
