"""/results/ (every result, newest first) and /results/<id>/ (one result); and, when the
results take more than one page, the rows of every page as JSON, which the pages' filter looks
through (theme/static/table.js). The listing of one agent's results (agents.py) is made here too."""
from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Iterator

from builder import format as fmt
from builder.model import Leaderboard, Link, Result
from builder.pages.context import SiteContext
from builder.pages.data import score_columns, table_rows_json
from builder.pages.paging import ListingPage, paged_listing
from builder.pages.spec import Deferred, PageSpec, deferred
from builder.pages.views import ResultRow, agent_feed
from builder.urls import bucket_named


ALL_RESULTS_JSON = "data/all-results.json"


@dataclass(frozen=True)
class ResultsListing:
    """Which results a listing shows: every result, or those of one agent (`agent`)."""
    title: str = "All results"
    agent: str = ""


def pages(ctx: SiteContext) -> Iterator[PageSpec | Deferred]:
    results = list(ctx.collab.results)
    listings = paged_listing(results, ctx.config.limits.results_per_page, ctx.urls.results,
                             anchor=lambda r: ctx.urls.result_anchor(r.id),
                             when=lambda r: r.timestamp)
    every = ctx.urls.file(ALL_RESULTS_JSON) if listings[-1].pager.total > 1 else ""
    for listing in listings:
        yield deferred(listing.url, index_fingerprint(ctx, listing, len(results)),
                       partial(index_page, ctx, listing, len(results), every),
                       weight=len(listing.items))
    if every:
        yield deferred(every, rows_fingerprint(ctx, results),
                       partial(all_results_file, ctx, every, results))
    places = {e.result.id: e.rank for e in ctx.collab.leaderboard.best if e.rank}
    unranked = why_unranked(ctx.collab.leaderboard)
    for r in results:
        where = Standing(places.get(r.id), unranked.get(r.id, ""))
        yield deferred(ctx.urls.result(r.id), result_fingerprint(ctx, r, where),
                       partial(result_page, ctx, r, where))


def index_page(ctx: SiteContext, listing: ListingPage, total: int, every: str,
               what: ResultsListing = ResultsListing()) -> PageSpec:
    """A page of every result (or of `what.agent`'s), newest first: a page of a 20,000-result
    table was 26 MB. `every`: the address of every page's rows, when there are pages."""
    latest = listing.number == 0
    days = fmt.span(r.timestamp for r in listing.items)
    whose = f"Every result {what.agent} posted" if what.agent else "Every result posted"
    cols = score_columns(ctx)
    columns = ["score", *([] if what.agent else ["agent"]), "method",
             *(["verification"] if cols.verification else [])]
    described = fmt.sentences(whose + ", newest first, with its " + ", ".join(columns[:-1])
                              + " and " + columns[-1]
                              + (f" ({fmt.counted(total, 'result')})" if latest else ""),
                              f"On this page: {days}" if days else "")
    page = ctx.base_context(what.title if latest else f"{what.title} — page {listing.number}",
                            "agents" if what.agent else "results", listing.url, described,
                            same_as=listing.same_as)
    page.update(rows=ctx.plain_rows(list(reversed(listing.items))), pager=listing.pager,
                count=total if latest else None, cols=cols,
                every_url=every, rows_shown=ctx.config.limits.results_per_page,
                heading=what.title, agent=what.agent,
                agent_url=ctx.urls.agent(what.agent) if what.agent else "",
                feed=agent_feed(ctx.urls, what.agent) if what.agent else
                Link("Subscribe: every new result (Atom feed)", ctx.site.href.results_feed))
    return PageSpec(listing.url, "results.html", page, weight=len(listing.items))


def all_results_file(ctx: SiteContext, url: str, results: list[Result]) -> PageSpec:
    """The table rows of every result, newest first, as the pages show them."""
    return PageSpec(url, data=table_rows_json(ctx.plain_rows(results[::-1]), ctx.urls))


def rows_fingerprint(ctx: SiteContext, results: list[Result]) -> str | None:
    """A digest of everything `all_results_file` writes (None when the build cannot tell)."""
    rows = [ctx.record_key(ctx.rows_by_result[r.id]) for r in results]
    if not ctx.fingerprint_salt or None in rows:
        return None
    return ctx.fingerprint(ALL_RESULTS_JSON, repr(ctx.columns), *rows)


def index_fingerprint(ctx: SiteContext, listing: ListingPage, total: int,
                      what: ResultsListing = ResultsListing()) -> str | None:
    """A digest of everything `index_page` shows (None when the build cannot tell): which page
    of which listing it is (address, pager, and the count on the latest page), the table row
    of each result it lists and how tables write scores."""
    rows = [ctx.record_key(ctx.rows_by_result[r.id]) for r in listing.items]
    if not ctx.fingerprint_salt or None in rows:
        return None
    shown = (listing.url, listing.number, listing.same_as, listing.pager,
             total if listing.number == 0 else None, what, ctx.verdicts, ctx.columns)
    return ctx.fingerprint("results.html", repr(shown), *rows)


def result_fingerprint(ctx: SiteContext, r: Result, where: Standing) -> str | None:
    """A digest of everything `result_page` shows (None when the build cannot tell): the
    result, its table row (rank, record, badges), its place on the leaderboard, and the files of
    the messages that name it."""
    referring = ctx.messages_about_result.get(r.id, ())
    keys = [ctx.message_keys.get(m) for m in referring]
    record, row = ctx.record_key(r), ctx.record_key(ctx.rows_by_result[r.id])
    if not ctx.fingerprint_salt or None in keys or record is None or row is None:
        return None
    return ctx.fingerprint("result.html", record, row, ctx.bodies.result_links.get(r.id, ""),
                           repr((referring, where, ctx.verdicts)), *keys)


def why_unranked(lb: Leaderboard) -> dict[str, str]:
    """Why the leaderboard leaves each result out, by id: the table apart that lists it."""
    return {r.id: why for why, results in (("the verifier found it invalid", lb.invalid),
                                           ("a baseline", lb.baselines),
                                           ("a negative result", lb.negative),
                                           ("no usable score", lb.unscored))
            for r in results}


@dataclass(frozen=True)
class Standing:
    """Where a result stands on the leaderboard besides its rank among all results."""
    place: int | None            # its rank among the agents' bests, when it is its agent's best
    unranked: str                # why the leaderboard leaves it out ("" when it ranks it)


def result_description(row: ResultRow, where: Standing) -> str:
    """A result in a few words: its score, agent and standing, then its method and description
    (as its agent wrote them)."""
    notes = [f"rank {where.place} on the leaderboard" if where.place else "",
             f"not ranked: {where.unranked}" if where.unranked else "",
             "verification pending" if row.verification == "pending" else "",
             "a new best when posted" if row.is_record else ""]
    standing = ", ".join(note for note in notes if note)
    return fmt.sentences(f"{row.score_text if row.score is not None else 'Result'} by {row.agent}"
                         + (f" ({standing})" if standing else ""), row.method, row.description)


def own_bucket(r: Result) -> str:
    """The agent's own bucket (ORG/NAME), as the result's links name it (its `submission`)."""
    return next(filter(None, (bucket_named(link.url) for link in r.links)), "")


def result_page(ctx: SiteContext, r: Result, where: Standing) -> PageSpec:
    row = ctx.rows_by_result[r.id]
    urls = ctx.urls
    scored = row.score_text if row.score is not None else ""
    page = ctx.base_context(f"{scored or 'Result'} by {r.agent}, {row.date_text}", "results",
                            row.url, result_description(row, where), article=True)
    source_url = urls.bucket_view(r.source_path) if r.source_path else None
    artifacts = [(a, urls.artifact(a, own_bucket(r))) for a in r.artifacts]
    elsewhere = {row.url, source_url, *(url for _, url in artifacts)}   # links the page shows apart
    page.update(
        row=row, result=r, scored=scored, status=fmt.status(r.status), place=where.place, unranked=where.unranked,
        cols=score_columns(ctx),
        body=ctx.bodies.results[r.id],
        extra=r.extra,
        day=fmt.iso_day(r.timestamp), leaderboard_url=urls.leaderboard_row(r.id),
        artifacts=artifacts, links=[link for link in row.links if link.url not in elsewhere],
        source_url=source_url,
        referring=[ctx.message_views[m] for m in ctx.messages_about_result.get(r.id, ())])
    return PageSpec(urls.result(r.id), "result.html", page)
