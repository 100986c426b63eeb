"""/ : the headline, the chart, the leaderboard table and the latest messages; and the two JSON
files the page fetches only when the visitor needs them (the chart's data and runtime spec, the
all-results rows), so that a first visit transfers the best-per-agent table and little else."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Iterator

from builder import chart_svg, format as fmt
from builder.chart import SMALL_PICTURES
from builder.chart_runtime import RUNTIME_FILE
from builder.pages.context import SiteContext
from builder.pages.data import score_columns, table_rows_json
from builder.pages.views import agent_counts
from builder.pages.spec import PageSpec
from builder.slugs import slugify

LATEST_MESSAGES = 8
TOP_ROWS = 10                                 # the best-per-agent rows shown before "Show all"
CHART_JSON = "data/chart.json"
SMALL_CHART = "data/chart-{}.svg"             # a picture for narrower screens, fetched there alone
SOCIAL_CHART = "data/chart.png"               # the chart's picture in a link preview
RESULTS_JSON = "data/results.json"


@dataclass(frozen=True)
class SmallChart:
    name: str                                 # which one: its class in style.css
    media: str                                # the screens shown it
    url: str
    width: int
    height: int
    label: str


@dataclass(frozen=True)
class PreviewImage:
    url: str                                  # absolute: link previews need the host
    width: int
    height: int
    alt: str


@dataclass(frozen=True)
class LegendItem:
    agent: str
    key: str          # the agent in the page's URL state (a slug, never the raw name)
    colour: str
    path: str         # its marker shape, an SVG path in a 12 x 12 box


def pages(ctx: SiteContext) -> Iterator[PageSpec]:
    c, lb, metric = ctx.collab, ctx.collab.leaderboard, ctx.config.metric
    ranked = [ctx.row(e) for e in lb.all]
    best = ctx.table([ctx.row(e) for e in lb.best])
    leader = best[0] if best and not lb.fallback else None
    chart = ctx.chart()
    chart_data = chart["data"]
    results_data = table_rows_json(ctx.table(ranked), ctx.urls)
    best_text = fmt.score(leader.score, leader.score_exact) if leader else fmt.MISSING
    page = ctx.base_context(ctx.site.title, "home", ctx.urls.home(), ctx.site.tagline, dated=True)
    page.update(
        headline={
            "best": best_text,
            "best_unit": metric.unit if fmt.with_unit(best_text, metric.unit) != best_text else "",
            "best_url": leader.url if leader else "",
            "leader": leader.agent if leader else "",
            "leader_url": leader.agent_url if leader else "",
            **agent_counts(c.agents), "results": len(c.results), "ranked": len(lb.all),
            "pending": sum(e.result.verification == "pending" for e in lb.all),
            "pending_url": ctx.urls.leaderboard_filtered("pending"),
            "messages": len(c.messages),
        },
        metric=metric, direction=lb.direction, fallback=lb.fallback, best_rows=best,
        top_rows=TOP_ROWS if len(best) > TOP_ROWS else 0,
        baseline_rows=ctx.plain_rows(lb.baselines), negative_rows=ctx.plain_rows(lb.negative),
        invalid_rows=ctx.plain_rows(lb.invalid), unscored_rows=ctx.plain_rows(lb.unscored),
        cols=score_columns(ctx),
        latest_messages=[ctx.message_views[m.id] for m in reversed(c.messages[-LATEST_MESSAGES:])],
        chart=chart, runtime_file=RUNTIME_FILE, inline_style=ctx.home_style,
        legend=[LegendItem(s.agent, slugify(s.agent), s.colour, s.path)
                for s in chart["legend"]],
        records=ctx.plain_rows(lb.records),
        chart_url=_versioned(ctx.urls.file(CHART_JSON), chart_data),
        small_charts=_small_pictures(ctx, chart),
        results_url=_versioned(ctx.urls.file(RESULTS_JSON), results_data),
        rows_shown=ctx.config.limits.results_per_page,
        og_image=_preview_image(ctx, chart),
    )
    yield PageSpec(ctx.urls.home(), "index.html", page, problems=chart["problems"])
    yield PageSpec(ctx.urls.file(CHART_JSON), data=chart_data)
    for picture in SMALL_PICTURES:
        if chart[picture.name]:
            yield PageSpec(ctx.urls.file(SMALL_CHART.format(picture.name)), data=chart[picture.name])
    if chart["png"]:
        yield PageSpec(ctx.urls.file(SOCIAL_CHART), data=chart["png"])
    yield PageSpec(ctx.urls.file(RESULTS_JSON), data=results_data)


def _small_pictures(ctx: SiteContext, chart: dict) -> list[SmallChart]:
    """The chart's pictures for narrower screens, as the page names them, each shown from the
    screen after the last one's up (none when they were refused)."""
    out, shown_from = [], 0
    for picture in SMALL_PICTURES:
        svg = chart[picture.name]
        if svg:
            width, height = chart_svg.picture_size(svg.decode())
            shown = f"(max-width: {picture.up_to}px)"
            media = f"(min-width: {shown_from}px) and {shown}" if shown_from else shown
            url = _versioned(ctx.urls.file(SMALL_CHART.format(picture.name)), svg)
            out.append(SmallChart(picture.name, media, url, width, height, chart["label"]))
        shown_from = picture.up_to + 1
    return out


def _preview_image(ctx: SiteContext, chart: dict) -> PreviewImage | None:
    """The chart as the home page's link preview shows it: only with an absolute address (a
    base URL naming a host), and a new one whenever the chart changes (previews are cached by
    address). Other pages keep the small card: their heads would all change with the chart."""
    url = ctx.absolute(ctx.urls.file(SOCIAL_CHART))
    if not chart["png"] or not url:
        return None
    width, height = png_size(chart["png"])
    return PreviewImage(_versioned(url, chart["png"]), width, height, chart["label"])


def png_size(png: bytes) -> tuple[int, int]:
    """A PNG's width and height, from its header (IHDR, the first chunk)."""
    if png[:8] != b"\x89PNG\r\n\x1a\n" or png[12:16] != b"IHDR":
        raise ValueError("not a PNG")
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


def _versioned(url: str, data: bytes) -> str:
    """The file's URL made new whenever its content changes (so no cache serves an old copy)."""
    return f"{url}?v={hashlib.sha256(data).hexdigest()[:10]}"
