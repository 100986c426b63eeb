"""The site map: one module per section, each with `pages(ctx) -> Iterable[PageSpec]`.

`SECTIONS` is the whole site, in the order the build walks it; the build report
(`build_report.page`) is rendered after all of them. Adding a page kind is one module here, one
template, one URL method in builder/urls.py and one entry in `SECTIONS`.

Everything here is pure: a SiteContext in, PageSpecs (template + context, or data bytes) out.
Agent text becomes HTML only through builder.markdown; all URLs come from builder.urls.
"""
from __future__ import annotations

from builder.pages import (about, agents, data, feeds, home, messages, not_found, results,
                           search, sitemap, taskforces, traces)
from builder.pages.spec import PageSpec

# The home page comes last: its chart is made in another process meanwhile.
SECTIONS = (results, messages, agents, taskforces, traces, about, data, feeds, sitemap, search,
            not_found, home)

__all__ = ["PageSpec", "SECTIONS"]
