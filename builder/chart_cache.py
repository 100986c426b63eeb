"""The home page's chart and the Vega runtime, made once and kept in the render cache (most
runs bring messages, not results, and find both there), on another core when there is one.

The chart's document comes from Altair, its picture and browser document from vl-convert
(builder.chart and builder.chart_runtime); this module decides when and where they are made."""
from __future__ import annotations

import json
import subprocess
from importlib.metadata import version
from typing import Any, Callable, Mapping

from builder import chart as charts
from builder import chart_runtime, chart_svg
from builder.cache import RenderCache, value_key
from builder.config import Config, MetricConfig
from builder.model import Collab, Problem, Result
from builder.parallel import fresh_python, worker_count


def prefetch_vega_runtime(cache: RenderCache) -> subprocess.Popen | None:
    """Make the chart's Vega runtime (seconds of one core, the first time) into the cache on
    another core while the site is read and planned; None when it is cached already or there is
    one core only. A fresh interpreter, not a fork: vl-convert's engine does not survive a fork
    of a process that has used it."""
    if cache.folder is None or worker_count() < 2 or cache.has("vega-runtime", chart_runtime.runtime_key()):
        return None
    return fresh_python(_MAKE_RUNTIME, str(cache.folder), stdin=subprocess.DEVNULL,
                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


_MAKE_RUNTIME = ("import sys, pathlib, builder.chart_cache as b, builder.cache as c; "
                 "b.make_vega_runtime(c.RenderCache(pathlib.Path(sys.argv[1])))")


def vega_runtime(cache: RenderCache, prefetch: subprocess.Popen | None) -> bytes:
    if prefetch is not None:
        prefetch.wait()                           # whatever it did, the cache is checked below
    return make_vega_runtime(cache)


def make_vega_runtime(cache: RenderCache) -> bytes:
    return cache.get("vega-runtime", chart_runtime.runtime_key(),
                     lambda: chart_runtime.runtime_bundle().encode())


def chart_view(collab: Collab, config: Config, cache: RenderCache, code: str) -> Callable[[], dict]:
    lb = collab.leaderboard
    ranked = [e.result for e in lb.all]
    doc = chart_document(ranked, frozenset(r.id for r in lb.records), lb.baselines, config.metric,
                         lb.direction, cache, code)
    return chart_renders(doc, tuple(charts.agent_styles(ranked)), cache)


def chart_document(ranked: list[Result], records: frozenset[str], baselines: tuple[Result, ...],
                   metric: MetricConfig, direction: str, cache: RenderCache, code: str) -> dict[str, Any]:
    """charts.chart_document, kept in the cache by what it is made of: most runs bring new
    messages, not results, and making it (with Altair imported for it) takes a third of a
    second."""
    def make() -> dict[str, Any]:
        return charts.chart_document(ranked, records, baselines, metric, direction)

    key = value_key(f"{code}; altair {version('altair')}",
                    (ranked, sorted(records), baselines, metric, direction))
    if key is None:
        return make()
    return json.loads(cache.get("chart-doc", key, lambda: json.dumps(
        make(), sort_keys=True, ensure_ascii=False).encode()))


def chart_renders(doc: Mapping[str, Any], styles: tuple, cache: RenderCache) -> Callable[[], dict]:
    """The chart's view for the home page, made while the rest of the site is (the function
    returned waits for it); a picture that could not hold agent text safely is left out, as a
    problem of the build."""
    refused: list[Problem] = []

    def cached(kind: str, key: str, make: Callable[[], bytes]) -> bytes:
        try:
            return cache.get(kind, key, make)
        except chart_svg.UnsafeSvgError as exc:    # agent text the picture could not hold safely
            refused.append(Problem("(chart)", f"shown without its pre-rendered picture: {exc}"))
            return b""

    view = chart_runtime.chart_view(dict(doc), styles, cached, has=cache.has,
                                    apart=worker_count() > 1)
    return lambda: {**view(), "problems": tuple(refused)}
