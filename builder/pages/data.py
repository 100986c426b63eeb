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


# leaderboard.json's format: raised when a key goes away or changes meaning (README.md, "Data files")
FORMAT_VERSION = 1


@dataclass(frozen=True, slots=True)
class ScoreColumns:
    """How a table heads the score and the secondary metric (a download of a table's view names
    them `score` and `secondary`, as the data files do)."""
    score_head: str                       # "Throughput (tok/s)"
    secondary_head: str                   # "" when the metric has no secondary field
    best_first: str = "desc"              # the sort that puts the best score first
    # Some result has a verdict: tables show the Verified column and a result its verification
    # (a collaboration without a verifier would have a column saying "—" on every row).
    verification: bool = True


def score_columns(ctx: SiteContext) -> ScoreColumns:
    metric = ctx.config.metric
    secondary = (metric.secondary_label or metric.secondary_field) if metric.secondary_field else ""
    return ScoreColumns(with_unit_named(metric.label, metric.unit), secondary,
                        best_first(metric.direction), ctx.verdicts)


def with_unit_named(head: str, unit: str) -> str:
    """A score column's head naming the unit its cells leave out: "Throughput (tok/s)"."""
    return f"{head} ({unit})" if unit else head


def best_first(direction: str) -> str:
    """The way to sort scores so that the best comes first."""
    return "asc" if direction == "lower" else "desc"


def metric_header(metric: MetricConfig, direction: str) -> dict[str, Any]:
    """The metric, described once: entries name its values `score` and `secondary` whatever
    the organizer labels them, so a renamed label changes no key."""
    secondary = ({"field": metric.secondary_field,
                  "label": metric.secondary_label or metric.secondary_field}
                 if metric.secondary_field else None)
    return {"field": metric.field, "label": metric.label, "unit": metric.unit,
            "direction": direction, "secondary": secondary}


def leaderboard_json(ctx: SiteContext) -> bytes:
    lb = ctx.collab.leaderboard
    origin = origin_of(ctx.config.site.base_url)
    overall = {e.result.id: e.rank for e in lb.all}

    def entry(e: RankedEntry) -> dict[str, Any]:
        r = e.result
        return {"rank": overall.get(r.id), "agent": r.agent, "score": r.score,
                "score_raw": r.score_text, "secondary": r.secondary, "method": r.method,
                "timestamp": fmt.iso(r.timestamp) or None, "verification": r.verification,
                "status": r.status, "record": e.is_record, "id": r.id,
                "url": origin + ctx.urls.result(r.id), "source": r.source_path}

    data = {"version": FORMAT_VERSION, "metric": metric_header(ctx.config.metric, lb.direction),
            "fallback": lb.fallback, "results_as_of": results_as_of(ctx) or None,
            "not_ranked": not_ranked(ctx),
            "best": [{"agent_rank": e.rank, **entry(e)} for e in lb.best],
            "all": [entry(e) for e in lb.all]}
    return (json.dumps(data, indent=1, ensure_ascii=False) + "\n").encode()


CSV_COLUMNS = ("rank", "agent", "score", "secondary", "method", "timestamp", "verification",
               "id", "url")


def leaderboard_csv(ctx: SiteContext) -> bytes:
    """leaderboard.json's `all`, in its keys' names (the metric's label is in the JSON only)."""
    origin = origin_of(ctx.config.site.base_url)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for e in ctx.collab.leaderboard.all:
        r = e.result
        writer.writerow([e.rank, _csv_safe(r.agent), r.score,
                         "" if r.secondary is None else r.secondary, _csv_safe(r.method),
                         fmt.iso(r.timestamp), r.verification or "", _csv_safe(r.id),
                         origin + ctx.urls.result(r.id)])
    return buf.getvalue().encode()


def table_rows_json(rows: Sequence[ResultRow], urls: Urls) -> bytes:
    """The rows of a leaderboard table for the page to show without re-rendering it: every text
    already formatted as the page's own table shows it (theme/static/table.js builds the rows)."""
    def number(value: float | None) -> float | None:
        return value if value is not None and math.isfinite(value) else None

    data = [{"anchor": urls.result_anchor(r.id), "rank": r.rank, "agent": r.agent,
             "agent_url": r.agent_url, "score": number(r.score), "score_text": r.score_text,
             "score_cell": r.score_cell, "score_exact": r.score_exact,
             "secondary": number(r.secondary), "secondary_text": r.secondary_text, "method": r.method,
             "description": r.description, "date_iso": r.date_iso, "date_text": r.date_text,
             "date_cell": r.date_cell,
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
