"""/build/: every input file that was skipped or degraded, and why.

Not in SECTIONS: the build renders it after every other page, from the problems the inputs
had and those found while planning pages (a trace log read for its pages)."""
from __future__ import annotations

from typing import Iterable

from builder.model import Problem
from builder.pages.context import SiteContext
from builder.pages.spec import PageSpec
from builder.pages.views import agent_counts


def page(ctx: SiteContext, problems: Iterable[Problem]) -> PageSpec:
    c = ctx.collab
    context = ctx.base_context("Build report", "build", dated=True)
    problems = sorted(problems, key=lambda p: (p.path, p.reason))
    context.update(problems=problems, files=len({p.path for p in problems}),
                   counts={"messages": len(c.messages), "results": len(c.results),
                           "traces": len(c.traces), **agent_counts(c.agents)})
    return PageSpec(ctx.urls.build_report(), "build_report.html", context)
