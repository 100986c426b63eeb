"""/ : the headline, the chart, the leaderboard table and the latest messages."""
from __future__ import annotations

from typing import Iterator

from builder.pages.context import SiteContext
from builder.pages.spec import PageSpec

LATEST_MESSAGES = 8


def pages(ctx: SiteContext) -> Iterator[PageSpec]:
    c, lb, metric = ctx.collab, ctx.collab.leaderboard, ctx.config.metric
    best = [ctx.row(e) for e in lb.best]
    leader = best[0] if best and not lb.fallback else None
    page = ctx.base_context(ctx.site.title, "home", dated=True)
    page.update(
        headline={
            "best": leader.score_text if leader else "—",
            "leader": leader.agent if leader else "",
            "leader_url": leader.agent_url if leader else "",
            "agents": len(c.agents), "results": len(c.results), "ranked": len(lb.all),
            "messages": len(c.messages),
        },
        metric=metric, direction=lb.direction, fallback=lb.fallback,
        best_rows=best, all_rows=[ctx.row(e) for e in lb.all],
        baseline_rows=ctx.plain_rows(lb.baselines), negative_rows=ctx.plain_rows(lb.negative),
        invalid_rows=ctx.plain_rows(lb.invalid), unscored_rows=ctx.plain_rows(lb.unscored),
        has_secondary=bool(metric.secondary_field),
        latest_messages=[ctx.message_views[m.id] for m in reversed(c.messages[-LATEST_MESSAGES:])],
        chart=ctx.chart,
    )
    yield PageSpec(ctx.urls.home(), "index.html", page)
