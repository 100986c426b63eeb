"""What a section hands to the build: one output file, to render or to write as is."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping, Sequence

from builder.cache import member_fingerprint
from builder.model import Problem


@dataclass(frozen=True)
class PageSpec:
    """One output file. `url` comes from Urls (its path in the site is `urls.file_for(url)`).

    A page has a `template` rendered with `context`; a data file (feed, JSON, CSV) has `data`,
    written as is. `problems` are input defects found while planning it (a trace log read for
    its pages), listed by the build report with every other problem."""

    url: str
    template: str = ""
    context: Mapping[str, Any] = field(default_factory=dict)
    data: bytes | None = None
    problems: tuple[Problem, ...] = ()
    weight: int = 1               # how many items it shows (a listing's messages): see planning.planned
    fingerprint: str | None = None   # planned from a Deferred with this fingerprint


@dataclass(frozen=True)
class Deferred:
    """A page the build may take from the page cache without planning it. `fingerprint` is a
    digest of everything the page's context follows from (SiteContext.fingerprint over the
    section's digests of the page's inputs); `plan()` gives its PageSpec. The page cache
    remembers which page key each fingerprint gave: when it knows this one, the build sets
    `key` and the page is neither planned nor keyed again (see emit.emit)."""

    url: str
    fingerprint: str
    plan: Callable[[], PageSpec]
    key: str | None = None
    problems: tuple[Problem, ...] = ()
    weight: int = 1


@dataclass(frozen=True)
class PageBlock:
    """Pages a section can fingerprint as a whole, more cheaply than one by one (a run of
    messages, a listing): `fingerprint` is a digest of everything the fingerprints of its pages
    follow from (None: the section cannot tell), `pages()` gives them, PageSpecs and Deferreds.
    The page cache remembers the URL, fingerprint and weight of each page under the block's
    fingerprint: when it knows this one and every page's key, the build neither plans the
    pages nor works out their own fingerprints (planning.planned)."""

    fingerprint: str | None
    pages: Callable[[], Iterable[PageSpec | Deferred]]


def deferred(url: str, fingerprint: str | None, plan: Callable[[], PageSpec], weight: int = 1
             ) -> PageSpec | Deferred:
    """The page as a Deferred when the section could fingerprint it, else planned now."""
    return Deferred(url, fingerprint, plan, weight=weight) if fingerprint else plan()


@dataclass(frozen=True)
class PlannedPages:
    """What DeferredPages.plan gives: the pages, and the bucket paths their agent text may link
    to a page of the site (markdown.page_paths), which they follow from too."""

    specs: list[PageSpec]
    cited: tuple[str, ...] = ()


@dataclass(frozen=True)
class DeferredPages:
    """Pages planned together, and taken from the page cache together when the cache knows
    them all (a trace session's: how many there are is known once its log is read).
    `fingerprint` is a digest of everything their contexts follow from but the pages of the
    paths their text cites, which are known once planned too; `plan()` gives their specs, the
    problems found planning them on the first, and those paths. The cache remembers their URLs,
    problems and cited paths under the fingerprint, with `links(cited)`, and each page's key
    under `page_fingerprint`: they are planned again when a cited path leads elsewhere."""

    fingerprint: str
    plan: Callable[[], PlannedPages]
    links: Callable[[Sequence[str]], str] = lambda cited: ""

    def page_fingerprint(self, number: int) -> str:
        return member_fingerprint(self.fingerprint, number)
