"""/build/: every input file that was skipped or degraded, and why; then the notes (inputs
shown as written, nothing lost: model.Problem's levels). What the site holds, and as of
when, is the home page's headline: a count here would change this page at every message.

Not in SECTIONS: the build renders it after every other page, from the problems the inputs
had and those found while planning pages (a trace log read for its pages)."""
from __future__ import annotations

from typing import Iterable

from builder import format as fmt
from builder.model import NOTE, PROBLEM, Problem, at_level
from builder.pages.context import SiteContext
from builder.pages.spec import PageSpec


def page(ctx: SiteContext, problems: Iterable[Problem]) -> PageSpec:
    ordered = sorted(problems, key=lambda p: (p.path, p.reason))
    problems, notes = at_level(ordered, PROBLEM), at_level(ordered, NOTE)
    files = len({p.path for p in problems})
    context = ctx.base_context("Build report", "build", ctx.urls.build_report(), fmt.sentences(
        "The input files the last build of the site skipped or showed in part, and why: "
        f"{fmt.counted(files, 'file')}"), dated=True, noindex=True)
    context.update(problems=problems, files=files, notes=notes,
                   note_files=len({p.path for p in notes}), home_url=ctx.urls.home())
    return PageSpec(ctx.urls.build_report(), "build_report.html", context)
