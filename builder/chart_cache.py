"""The home page's chart, made once and kept in the render cache (most runs bring messages, not
results, and find it there), on another core when there is one.

The chart's document comes from Altair, its picture and browser document from vl-convert
(builder.chart and builder.chart_runtime); this module decides when and where they are made."""
from __future__ import annotations

import functools
import json
import os
import pickle
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any, Callable, Mapping

from builder import chart as charts
from builder import chart_runtime, chart_svg
from builder.cache import RenderCache, value_key
from builder.config import Config, MetricConfig
from builder.model import Collab, Leaderboard, Problem, Result
from builder.parallel import fresh_python, worker_count


@dataclass(frozen=True)
class ChartInputs:
    """What the home page's chart is made of (charts.chart_document's arguments) and the code."""

    plotted: tuple[Result, ...]      # ranked best first, then the negative results
    records: frozenset[str]
    baselines: tuple[Result, ...]
    metric: MetricConfig
    direction: str
    code: str

    @functools.cached_property
    def document_key(self) -> str | None:
        """The chart document's key in the cache (20 ms at 2,000 results: worked out once)."""
        return value_key(f"{self.code}; altair {version('altair')}",
                         (self.plotted, sorted(self.records), self.baselines, self.metric, self.direction))


def chart_inputs(lb: Leaderboard, config: Config, code: str) -> ChartInputs:
    # "every scored result over time": an invalid score is not one; a negative result is a
    # measured dead end, drawn hollow
    return ChartInputs(tuple(e.result for e in lb.all) + lb.negative,
                       frozenset(r.id for r in lb.records),
                       tuple(lb.baselines), config.metric, lb.direction, code)


def start_chart(lb: Leaderboard, config: Config, cache: RenderCache, code: str) -> ChartApart | None:
    """`prefetch_chart` of the chart of this leaderboard, for `chart_view` to take on."""
    return prefetch_chart(chart_inputs(lb, config, code), cache)


def chart_view(collab: Collab, config: Config, cache: RenderCache, code: str,
               started: ChartApart | None = None) -> Callable[[], dict]:
    """The home page's chart, from the cache or made now (by the process `started`, when it
    makes this chart); the function returned waits for it."""
    chart = chart_inputs(collab.leaderboard, config, code)
    styles = tuple(charts.agent_styles(chart.plotted))
    if started is not None and started.key != chart.document_key:    # the results changed since
        started.stop()
        started = None
    prefetch = started or prefetch_chart(chart, cache)
    if prefetch is None:
        return chart_renders(chart_document(chart, cache), styles, cache)

    @functools.cache
    def view() -> dict:
        prefetch.wait()
        return chart_renders(chart_document(chart, cache), styles, cache)()
    return view


def prefetch_chart(chart: ChartInputs, cache: RenderCache) -> ChartApart | None:
    """Make the chart (its document with Altair, its picture and browser document with
    vl-convert) into the cache on another core while the site is rendered, so that this
    process never loads either (about 35 MiB, kept to the end of the build, and a third of a
    second); None when its document is cached already (most runs), the chart cannot be keyed
    or there is one core only."""
    key = chart.document_key
    if cache.folder is None or worker_count() < 2 or key is None or cache.has("chart-doc", key):
        return None
    return ChartApart(chart, cache.folder)


class ChartApart:
    """`make_chart` in a fresh interpreter (vl-convert's engine does not survive a fork), given
    the chart's inputs in a file of its own. `wait` returns when it is done, failed or stopped
    after RENDERS_TIMEOUT: whatever it did, the cache is checked after it."""

    def __init__(self, chart: ChartInputs, cache_folder: Path) -> None:
        self.key = chart.document_key
        self.folder = tempfile.TemporaryDirectory(prefix="collab-chart-")
        given = Path(self.folder.name, "chart.pickle")
        try:
            given.write_bytes(pickle.dumps(chart, protocol=pickle.HIGHEST_PROTOCOL))
            self.process: subprocess.Popen | None = fresh_python(
                _MAKE_CHART, str(given), str(cache_folder), str(Path(self.folder.name, "doc.json")),
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        except (OSError, pickle.PicklingError, TypeError):   # then made by this process
            self.process = None

    def wait(self) -> None:
        try:
            if self.process is not None:
                self.process.wait(timeout=chart_runtime.RENDERS_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        finally:
            self.folder.cleanup()

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
        self.wait()


_MAKE_CHART = ("import sys, pathlib, pickle, builder.chart_cache as b; "
               "b.make_chart(pickle.loads(pathlib.Path(sys.argv[1]).read_bytes()), "
               "pathlib.Path(sys.argv[2]), pathlib.Path(sys.argv[3]))")


def make_chart(chart: ChartInputs, cache_folder: Path, doc_file: Path) -> None:
    """The chart's document into the cache (with Altair), then its renders (with vl-convert) by
    the fresh interpreter this process becomes: Altair's memory (about 60 MiB) is gone before
    vl-convert's engine takes its own (about 125 MiB), beside the workers rendering the site."""
    doc_file.write_text(json.dumps(chart_document(chart, RenderCache(cache_folder))), encoding="utf-8")
    os.execv(sys.executable, [sys.executable, "-c", _MAKE_RENDERS, str(doc_file), str(cache_folder)])


_MAKE_RENDERS = ("import sys, builder.chart_runtime as r; "
                 "r.renders_into_cache(sys.argv[1], sys.argv[2])")


def chart_document(chart: ChartInputs, cache: RenderCache) -> dict[str, Any]:
    """charts.chart_document, kept in the cache by what it is made of: most runs bring new
    messages, not results, and making it (with Altair imported for it) takes a third of a
    second."""
    def make() -> dict[str, Any]:
        return charts.chart_document(chart.plotted, chart.records, chart.baselines, chart.metric,
                                     chart.direction)

    key = chart.document_key
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
