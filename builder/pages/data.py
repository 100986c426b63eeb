"""Files for machines: leaderboard.json and .csv, the Space card README.md, and
the JSON the home page fetches when needed (its table rows)."""
from __future__ import annotations

import csv
import io
import json
import math
from dataclasses import dataclass
from functools import partial
from typing import Any, Callable, Iterator, Sequence

import yaml

from builder import format as fmt
from builder.config import Config, MetricConfig
from builder.model import RankedEntry
from builder.pages.context import SiteContext
from builder.pages.spec import Deferred, PageSpec, deferred
from builder.pages.views import ResultRow
from builder.urls import Urls, origin_of


def pages(ctx: SiteContext) -> Iterator[PageSpec | Deferred]:
    for name, make in (("leaderboard.json", leaderboard_json), ("leaderboard.csv", leaderboard_csv)):
        url = ctx.urls.file(name)
        yield deferred(url, leaderboard_fingerprint(ctx, name), partial(_data_page, ctx, url, make))
    yield PageSpec(ctx.urls.file("README.md"), data=space_card(ctx.config))


def _data_page(ctx: SiteContext, url: str, make: Callable[[SiteContext], bytes]) -> PageSpec:
    return PageSpec(url, data=make(ctx))


def leaderboard_fingerprint(ctx: SiteContext, name: str) -> str | None:
    """A digest of everything the leaderboard's data files show (None when the build cannot
    tell): each entry of the best and of all, with its rank, record flag and result."""
    lb = ctx.collab.leaderboard
    records = [ctx.record_key(e.result) for e in (*lb.best, *lb.all)]
    if not ctx.fingerprint_salt or None in records:
        return None
    places = [(e.rank, e.is_record) for e in (*lb.best, *lb.all)]
    return ctx.fingerprint(name, repr((lb.direction, lb.fallback, len(lb.best), places,
                                       not_ranked(ctx), results_as_of(ctx))), *records)


def not_ranked(ctx: SiteContext) -> dict[str, int]:
    """How many results the leaderboard leaves out, by why (its data files list the ranked)."""
    lb = ctx.collab.leaderboard
    return {"baselines": len(lb.baselines), "negative": len(lb.negative),
            "invalid": len(lb.invalid), "unscored": len(lb.unscored)}


def results_as_of(ctx: SiteContext) -> str:
    """The time of the newest result: what the leaderboard's data is as of (the newest message,
    which the pages give, would rewrite the files at every message)."""
    times = [fmt.utc(r.timestamp) for r in ctx.collab.results if r.timestamp]
    return fmt.iso(max(times)) if times else ""


FIXED_COLUMNS = ("rank", "agent", "score_text", "method", "timestamp", "verification", "status",
                 "record", "id", "url", "source")


@dataclass(frozen=True, slots=True)
class ScoreColumns:
    """The score's and the secondary metric's columns: as a table heads them, and as the data
    files (and a download of a table's view) name them (`metric_columns`)."""
    score_head: str                       # "Throughput (tok/s)"
    secondary_head: str                   # "" when the metric has no secondary field
    names: tuple[str, str]
    best_first: str = "desc"              # the sort that puts the best score first


def score_columns(metric: MetricConfig) -> ScoreColumns:
    unit = f" ({metric.unit})" if metric.unit else ""
    secondary = (metric.secondary_label or metric.secondary_field) if metric.secondary_field else ""
    return ScoreColumns(f"{metric.label}{unit}", secondary, metric_columns(metric),
                        best_first(metric.direction))


def best_first(direction: str) -> str:
    """The way to sort scores so that the best comes first."""
    return "asc" if direction == "lower" else "desc"


def metric_columns(metric: MetricConfig) -> tuple[str, str]:
    """The names of the score and secondary columns in the data files: the metric's labels (as
    the table heads them), else their fields; never a name another column already has."""
    taken = set(FIXED_COLUMNS)
    names = []
    for label, fallback in ((metric.label, metric.field or "score"),
                            (metric.secondary_label, metric.secondary_field or "secondary")):
        name = " ".join((label or fallback).split()) or fallback
        while name.lower() in taken:
            name += " (metric)"
        taken.add(name.lower())
        names.append(name)
    return names[0], names[1]


def leaderboard_json(ctx: SiteContext) -> bytes:
    lb = ctx.collab.leaderboard
    metric = ctx.config.metric
    score_col, secondary_col = metric_columns(metric)
    origin = origin_of(ctx.config.site.base_url)

    def entry(e: RankedEntry) -> dict[str, Any]:
        r = e.result
        row = {"rank": e.rank, "agent": r.agent, score_col: r.score, "score_text": r.score_text,
               "method": r.method, "timestamp": fmt.iso(r.timestamp),
               "verification": r.verification, "status": r.status, "record": e.is_record,
               "id": r.id, "url": origin + ctx.urls.result(r.id), "source": r.source_path}
        if metric.secondary_field:
            row[secondary_col] = r.secondary
        return row

    data = {"metric": {"field": metric.field, "label": metric.label, "unit": metric.unit,
                       "direction": lb.direction, "column": score_col,
                       "secondary_field": metric.secondary_field,
                       "secondary_label": metric.secondary_label,
                       "secondary_column": secondary_col if metric.secondary_field else ""},
            "fallback": lb.fallback, "results_as_of": results_as_of(ctx),
            "not_ranked": not_ranked(ctx), "best": [entry(e) for e in lb.best],
            "all": [entry(e) for e in lb.all]}
    return (json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode()


def leaderboard_csv(ctx: SiteContext) -> bytes:
    metric = ctx.config.metric
    score_col, secondary_col = metric_columns(metric)
    origin = origin_of(ctx.config.site.base_url)
    secondary = [secondary_col] if metric.secondary_field else []
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["rank", "agent", score_col, *secondary, "method", "timestamp",
                     "verification", "id", "url"])
    for e in ctx.collab.leaderboard.all:
        r = e.result
        second = [r.secondary if r.secondary is not None else ""] if metric.secondary_field else []
        writer.writerow([e.rank, _csv_safe(r.agent), r.score, *second, _csv_safe(r.method),
                         fmt.iso(r.timestamp), r.verification or "", r.id,
                         origin + ctx.urls.result(r.id)])
    return buf.getvalue().encode()


def table_rows_json(rows: Sequence[ResultRow], urls: Urls) -> bytes:
    """The rows of a leaderboard table for the page to show without re-rendering it: every text
    already formatted as the page's own table shows it (theme/static/table.js builds the rows)."""
    def number(value: float | None) -> float | None:
        return value if value is not None and math.isfinite(value) else None

    data = [{"anchor": urls.result_anchor(r.id), "rank": r.rank, "agent": r.agent,
             "agent_url": r.agent_url, "score": number(r.score), "score_text": r.score_text,
             "score_exact": r.score_exact, "secondary": number(r.secondary),
             "secondary_text": r.secondary_text, "method": r.method,
             "description": r.description, "date_iso": r.date_iso, "date_text": r.date_text,
             "verification": r.verification, "status": r.status, "record": r.is_record,
             "links": [[link.label, link.url] for link in r.links]} for r in rows]
    return json.dumps({"rows": data}, ensure_ascii=False, separators=(",", ":"),
                      allow_nan=False).encode()


def _csv_safe(text: str) -> str:
    """Agent-written cells must not become spreadsheet formulas when the CSV is opened."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def space_card(config: Config) -> bytes:
    """The Space's README.md: its front matter is the Space config (a static Space)."""
    front = {"title": config.site.title[:60] or "Agent collaboration", "emoji": "🤝",
             "colorFrom": "indigo", "colorTo": "blue", "sdk": "static", "pinned": False}
    body = f"# {config.site.title}\n\n{config.site.tagline}\n\nBuilt by collab-site.\n"
    return ("---\n" + yaml.safe_dump(front, sort_keys=False, allow_unicode=True) + "---\n\n"
            + body).encode()
