"""Which pages each section shows, planned in batches for the workers: a page the page cache
knows by its fingerprint stays unplanned (pages.spec.Deferred), and a batch is cut by the pages
and the items it shows, so that a worker copies little of the build's memory.

Pure, but for the page cache's lookups: build.render_pages hands the batches to the emitters."""
from __future__ import annotations

from dataclasses import replace
from functools import partial
from typing import Callable, Iterable, Iterator

from builder.cache import PageCache, PageGroup
from builder.emit import Emitted
from builder.model import Problem
from builder.pages import SECTIONS, PageSpec
from builder.pages.context import SiteContext
from builder.pages.spec import Deferred, DeferredPages, PlannedPages
from builder.write import Staging


def planned(ctx: SiteContext, problems: list[Problem], scale: Callable[[], int] = lambda: 1,
            cache: PageCache | None = None) -> Iterator[list[PageSpec | Deferred]]:
    """Each section's pages, in batches of at most `PLAN_AHEAD` pages (a section may bound its
    memory with a PLAN_AHEAD of its own) times `scale()` when the batch starts, showing at most
    `SHOWN_AHEAD` items in all; their planning problems go to `problems`. A worker copies the
    part of this process's memory its pages touch (copy on write): a batch of listings, each
    showing many messages, would copy most of it. Deferred pages whose fingerprints the page
    `cache` knows stay unplanned; any other is planned now."""
    for section in SECTIONS:
        ahead = getattr(section, "PLAN_AHEAD", PLAN_AHEAD)
        specs = _resolved(section.pages(ctx), cache)
        for batch in _batched(specs, lambda: ahead * scale(), SHOWN_AHEAD):
            for spec in batch:
                problems.extend(spec.problems)
            yield batch


def _resolved(items: Iterable[PageSpec | Deferred | DeferredPages], cache: PageCache | None
              ) -> Iterator[PageSpec | Deferred]:
    for item in items:
        if isinstance(item, DeferredPages):
            yield from _resolved_group(item, cache)
        elif not isinstance(item, Deferred):
            yield item
        elif (key := cache.key_for(item.fingerprint) if cache else None) is not None:
            yield Deferred(item.url, item.fingerprint, item.plan, key, item.problems, item.weight)
        else:
            yield replace(item.plan(), fingerprint=item.fingerprint)


def _resolved_group(item: DeferredPages, cache: PageCache | None) -> Iterator[PageSpec | Deferred]:
    """The group's pages, unplanned when the cache knows every one of them and the paths
    their text cites lead where they led."""
    group = cache.group_for(item.fingerprint) if cache else None
    if group is not None and item.links(group.cited) != group.links:
        group = None
    keys = [cache.key_for(item.page_fingerprint(n)) for n in range(len(group.urls))] if cache and group else []
    if group is None or None in keys:
        planned = item.plan()
        group = PageGroup(tuple(s.url for s in planned.specs),
                          tuple((p.path, p.reason, p.level) for s in planned.specs for p in s.problems),
                          planned.cited, item.links(planned.cited))
        pages: Iterable[PageSpec | Deferred] = [
            replace(spec, fingerprint=item.page_fingerprint(n)) for n, spec in enumerate(planned.specs)]
    else:
        problems = tuple(Problem(path, reason, level) for path, reason, level in group.problems)
        pages = [Deferred(url, item.page_fingerprint(n), partial(_nth_page, item.plan, n), key,
                          problems if n == 0 else ())
                 for n, (url, key) in enumerate(zip(group.urls, keys))]
    if cache is not None:
        cache.used_groups[item.fingerprint] = group
    yield from pages


def _nth_page(plan: Callable[[], PlannedPages], number: int) -> PageSpec:
    return plan().specs[number]


# Each batch forks its workers: at 1,000 pages a batch, the forks of a cold 10k build cost it
# about half a second of its nine. The workers of a batch of listings or agent pages copy the
# memory of what the pages show: at 100,000 messages, batches of 20,000 items shown took the
# build's processes to 940-1,030 MiB together, batches of 10,000 to 782 MiB, in the same time.
PLAN_AHEAD = 2000
SHOWN_AHEAD = 10_000
CACHED_SCALE = 4


def cheap_in_process(batch: list[PageSpec | Deferred], staging: Staging) -> bool:
    """Whether the batch costs less in this process than in forked workers: nine in ten of its
    pages or more are known by their fingerprint and the site folder is there (so a page
    costs one stat), and forking would cost more than the work."""
    known = sum(isinstance(spec, Deferred) and spec.key is not None for spec in batch)
    return staging.in_place and known * 10 >= len(batch) * 9


def batch_scale(collected: list[Emitted]) -> int:
    """How many times its usual number of pages the next batch may hold: CACHED_SCALE after a
    batch that took nine in ten of its pages or more from the cache, as in a cron run (each
    batch forks workers, which costs this process time, and a page from the cache costs a
    worker little memory); else 1, as in a cold build."""
    cached = sum(d.key is not None and not d.rendered for d in collected)
    return CACHED_SCALE if collected and cached * 10 >= len(collected) * 9 else 1


def _batched(specs: Iterable[PageSpec | Deferred], size: Callable[[], int], shown: int
             ) -> Iterator[list[PageSpec | Deferred]]:
    """`specs` cut in batches of at most `size()` pages (asked as each batch starts) and
    `shown` items (PageSpec.weight)."""
    batch: list[PageSpec] = []
    weight, limit = 0, size()
    for spec in specs:
        batch.append(spec)
        weight += spec.weight
        if len(batch) >= limit or weight >= shown:
            yield batch
            batch, weight, limit = [], 0, size()
    if batch:
        yield batch
