"""What a section hands to the build: one output file, to render or to write as is."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

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
    weight: int = 1               # how many items it shows (a listing's messages): see build.planned
