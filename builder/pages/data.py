"""Files for machines: leaderboard.json and .csv, the Atom feeds, and the Space card README.md."""
from __future__ import annotations

import csv
import io
import json
from typing import Any, Iterator

import yaml

from builder import feeds
from builder import format as fmt
from builder.config import Config
from builder.model import RankedEntry
from builder.pages.context import SiteContext
from builder.pages.spec import PageSpec
from builder.urls import origin_of


def pages(ctx: SiteContext) -> Iterator[PageSpec]:
    yield PageSpec(ctx.urls.file("leaderboard.json"), data=leaderboard_json(ctx))
    yield PageSpec(ctx.urls.file("leaderboard.csv"), data=leaderboard_csv(ctx))
    yield from feed_pages(ctx)
    yield PageSpec(ctx.urls.file("README.md"), data=space_card(ctx.config))


def leaderboard_json(ctx: SiteContext) -> bytes:
    lb = ctx.collab.leaderboard
    metric = ctx.config.metric

    def entry(e: RankedEntry) -> dict[str, Any]:
        r = e.result
        return {"rank": e.rank, "agent": r.agent, "score": r.score, "score_text": r.score_text,
                "secondary": r.secondary, "method": r.method, "timestamp": fmt.iso(r.timestamp),
                "verification": r.verification, "status": r.status, "record": e.is_record,
                "id": r.id, "url": ctx.urls.result(r.id), "source": r.source_path}

    data = {"metric": {"field": metric.field, "label": metric.label, "unit": metric.unit,
                       "direction": lb.direction},
            "fallback": lb.fallback, "best": [entry(e) for e in lb.best],
            "all": [entry(e) for e in lb.all]}
    return (json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode()


def leaderboard_csv(ctx: SiteContext) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["rank", "agent", "score", "secondary", "method", "timestamp", "verification", "id"])
    for e in ctx.collab.leaderboard.all:
        r = e.result
        writer.writerow([e.rank, _csv_safe(r.agent), r.score, r.secondary if r.secondary is not None else "",
                         _csv_safe(r.method), fmt.iso(r.timestamp), r.verification or "", r.id])
    return buf.getvalue().encode()


def _csv_safe(text: str) -> str:
    """Agent-written cells must not become spreadsheet formulas when the CSV is opened."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def feed_pages(ctx: SiteContext) -> Iterator[PageSpec]:
    """/feeds/messages.xml and /feeds/records.xml (absolute URLs when site.base_url has a host)."""
    origin = origin_of(ctx.config.site.base_url)
    c, urls, views = ctx.collab, ctx.urls, ctx.message_views
    home = origin + urls.home()
    messages = feeds.message_entries(c.messages, lambda i: origin + urls.message(i),
                                     lambda i: views[i].title, lambda i: views[i].excerpt)
    records = feeds.record_entries(c.leaderboard.records, lambda i: origin + urls.result(i),
                                   lambda r: ctx.rows_by_result[r.id].score_text)
    for name, title, entries, newest in (
            ("messages", "messages", messages, c.messages[-1].timestamp if c.messages else None),
            ("records", "records", records,
             c.leaderboard.records[-1].timestamp if c.leaderboard.records else None)):
        url = urls.file(f"feeds/{name}.xml")
        yield PageSpec(url, data=feeds.atom(origin + url, f"{ctx.site.title}: {title}",
                                            origin + url, home, entries, newest))


def space_card(config: Config) -> bytes:
    """The Space's README.md: its front matter is the Space config (a static Space)."""
    front = {"title": config.site.title[:60] or "Agent collaboration", "emoji": "🤝",
             "colorFrom": "indigo", "colorTo": "blue", "sdk": "static", "pinned": False}
    body = f"# {config.site.title}\n\n{config.site.tagline}\n\nBuilt by collab-site.\n"
    return ("---\n" + yaml.safe_dump(front, sort_keys=False, allow_unicode=True) + "---\n\n"
            + body).encode()
