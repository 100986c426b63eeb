"""Which pages each section shows, planned in batches for the workers: a page the page cache
knows by its fingerprint stays unplanned (pages.spec.Deferred), and a batch is cut by the pages
and the items it shows, so that a worker copies little of the build's memory.

Pure, but for the page cache's lookups: build.render_pages hands the batches to the emitters."""
from __future__ import annotations

from dataclasses import replace
from functools import partial
from typing import Callable, Iterable, Iterator

from builder.cache import BlockPage, PageCache, PageGroup, block_text
from builder.emit import Emitted, StaleFingerprint, check_fingerprints
from builder.model import Problem
from builder.pages import SECTIONS, PageSpec
from builder.pages.context import SiteContext
from builder.pages.spec import Deferred, DeferredPages, PageBlock, PlannedPages
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


def planned_ahead(batches: Iterable[list[PageSpec | Deferred]], busy: Callable[[], bool],
                  most: int | None = None) -> Iterator[list[PageSpec | Deferred]]:
    """`batches`, the first ones planned at once while `busy()` (the last site is being
    restored into the output folder, or looked over, on another core), holding at most `most`
    (PLAN_AHEAD) planned pages, as one batch may (Deferreds hold little); then as they come."""
    batches, held, planned_pages = iter(batches), [], 0
    for batch in batches:
        held.append(batch)
        planned_pages += sum(isinstance(spec, PageSpec) for spec in batch)
        if planned_pages >= (most or PLAN_AHEAD) or not busy():
            break
    yield from held
    yield from batches


def _resolved(items: Iterable[PageSpec | Deferred | DeferredPages | PageBlock],
              cache: PageCache | None) -> Iterator[PageSpec | Deferred]:
    for item in items:
        if isinstance(item, PageBlock):
            yield from _resolved_block(item, cache)
        elif isinstance(item, DeferredPages):
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


def _resolved_block(block: PageBlock, cache: PageCache | None) -> Iterator[PageSpec | Deferred]:
    """The block's pages, unplanned when the cache knows the block and every page of it; else
    resolved one by one, and remembered when each has a fingerprint and no problem."""
    known = cache.block_for(block.fingerprint) if cache is not None and block.fingerprint else None
    if known is not None:
        if check_fingerprints():
            _check_block(block, known)
        cache.used_blocks[block.fingerprint] = cache.blocks[block.fingerprint]
        again = _Replanned(block.pages)
        yield from (Deferred(p.url, p.fingerprint, partial(again.plan, p.url), key, weight=p.weight)
                    for p, key in known)
        return
    pages: list[BlockPage] | None = []
    for spec in _resolved(block.pages(), cache):
        if pages is not None:
            pages = _with_page(pages, spec)
        yield spec
    if cache is not None and block.fingerprint and pages:
        cache.used_blocks[block.fingerprint] = block_text(pages)


def _with_page(pages: list[BlockPage], spec: PageSpec | Deferred) -> list[BlockPage] | None:
    """`pages` and the page of `spec`; None when a block cannot be remembered with it: it has
    no fingerprint or problems (those are not kept), or a URL the cache's text cannot hold."""
    if spec.fingerprint is None or spec.problems or not _plain(spec.url, spec.fingerprint):
        return None
    pages.append(BlockPage(spec.url, spec.fingerprint, spec.weight))
    return pages


def _plain(*texts: str) -> bool:
    return not any("\t" in t or "\n" in t or "\r" in t for t in texts)


class _Replanned:
    """A known block's pages planned again, all at once, the first time one of them is needed
    (its cached page is gone, or the fingerprints are checked)."""

    def __init__(self, pages: Callable[[], Iterable[PageSpec | Deferred]]):
        self._pages = pages
        self._by_url: dict[str, PageSpec | Deferred] | None = None

    def plan(self, url: str) -> PageSpec:
        if self._by_url is None:
            self._by_url = {spec.url: spec for spec in self._pages()}
        spec = self._by_url.get(url)
        if spec is None:
            raise StaleFingerprint(f"{url}: its block's fingerprint stayed the same while the "
                                   "block's pages changed")
        return spec.plan() if isinstance(spec, Deferred) else spec


def _check_block(block: PageBlock, known: list[tuple[BlockPage, str]]) -> None:
    """Under CHECK_FINGERPRINTS: the block's pages, each fingerprinted again, are those the
    cache knows under the block's fingerprint."""
    now = [(spec.url, spec.fingerprint, spec.weight) for spec in block.pages()]
    if now != [(p.url, p.fingerprint, p.weight) for p, _ in known]:
        raise StaleFingerprint(f"{known[0][0].url}: the fingerprint of its block stayed the same "
                               "while the fingerprints of the block's pages changed")


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
