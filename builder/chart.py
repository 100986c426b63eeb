"""The score-evolution chart: an Altair spec from the model, its pre-rendered SVG, the Vega runtime.

Pure functions over the model; the only "I/O" is vl-convert rendering in-process (no network).

What the chart shows
--------------------
* one point per plotted result (x = time, y = score), coloured by agent (the colour domain is the
  agents in the order given, so pass results ranked and the leaders get the first, most distinct
  colours and the first legend entries; the legend lists at most ``LEGEND_LIMIT`` agents);
  verified results are diamonds, results with status ``negative`` are hollow;
* records (``records_ids``) drawn again as large ringed points, and the current best labelled;
* the best-so-far step line (``interpolate: step-after``) with a light fill on the worse side,
  computed here from the records and carried to the time of the last plotted result;
* one dashed horizontal rule per baseline (a Result with a score), labelled with its method;
* tooltips: agent, score (+ unit), method, date (UTC), and "record"/"verified" flags;
* zoom and pan bound to the scales (wheel / drag; double-click resets); clicking a legend entry
  highlights that agent's points;
* the y axis respects the direction: for ``lower`` it is reversed so that better is always up, and
  the axis title says "lower is better"; ``log_scale=True`` gives a log y axis when every score is
  positive (otherwise the linear chart is returned).

Results without a timestamp or without a finite score cannot be placed and are left out.
Every agent-written string (agent, method, baseline label) only ever travels as *data*: Vega draws
it as SVG text nodes / escaped tooltip cells, never as markup (tests/test_chart.py proves it with
hostile names, and ``chart_svg`` re-checks the SVG it returns).

Page contract (the page template writes exactly this; chart.js relies on the ids)
---------------------------------------------------------------------------------
::

    <figure class="chart" id="chart"><div id="chart-static">{{ chart_svg }}</div><div id="chart-view"></div>
      <div class="chart-controls" hidden><label><input type="checkbox" id="chart-log"> log scale</label> <button type="button" id="chart-reset">Reset zoom</button></div>
    </figure>
    <script type="application/json" id="chart-spec">{{ chart_json }}</script>
    <script src="/static/vendor/vega-bundle.js"></script><script src="/static/chart.js"></script>

* ``chart_svg`` = ``chart_svg(spec_from_document(doc, "linear"))`` (the same bytes as
  ``chart_svg(chart_spec(...))``); already sanitised and verified: insert it with ``|safe``. It
  has a viewBox and no width/height, so it fills its container at the right aspect ratio; its
  root is ``role="img"`` with an ``aria-label`` summary (the table is the text alternative).
* ``chart_json``'s hostile strings are plain JSON string data; nothing is HTML until Vega draws
  it as text.
* ``chart_json`` = ``json.dumps(chart_document(...), sort_keys=True, separators=(",", ":"))`` with
  ``<``, ``>``, ``&`` escaped as ``\\u003c``, ``\\u003e``, ``\\u0026`` by the page template.
* the site writer writes ``vega_bundle()`` to ``/static/vendor/vega-bundle.js`` and
  ``builder/theme/static/chart.js`` to ``/static/chart.js``.
* CSP: ``script-src 'self'`` is enough (no 'unsafe-eval'); vega-tooltip injects one ``<style>``
  element for the tooltip, so ``style-src`` needs ``'unsafe-inline'``.
* CSS: the controls carry ``hidden`` until chart.js runs, so a rule such as
  ``.chart-controls { display: flex }`` must be written ``.chart-controls:not([hidden])``.
  chart.js adds ``chart-live`` to ``#chart`` and ``data-chart-mode="linear|log"`` once live.
* Caching: ``chart_svg.spec_digest(spec)`` keys the SVG across builds (rendering costs ~0.5 s for 2,000
  results plus ~0.6 s of vl-convert start-up, once per process); ``chart_svg`` memoises
  in-process.

JSON shape embedded in ``#chart-spec`` (``chart_document``)
-----------------------------------------------------------
::

    {
      "version": 1,
      "datasets": {"<name>": [ {row}, ... ], ...},   # shared by both specs, stored once
      "linear":   {Vega-Lite v6 spec without "datasets"},
      "log":      {Vega-Lite v6 spec without "datasets"} | null,   # null: log scale impossible
      "empty":    true | false                                      # no plotted result
    }

chart.js embeds ``{...doc[mode], datasets: doc.datasets}`` with vega-embed (``ast: true``, so the
expression interpreter runs instead of ``new Function``: no ``unsafe-eval`` needed), disables the
log checkbox when ``log`` is null, and hides ``#chart-static`` once the interactive view rendered.

Data rows (all strings are plain text; timestamps are ISO-8601 UTC, ``YYYY-MM-DDTHH:MM:SSZ``)
* points: ``id, agent, score, score_label, method, t, date, record, verified, negative``
  sorted by (t, id);
* best-so-far: ``t, best, best_label``; baselines: ``score, score_label, label``;
  current best label: ``t, score, text``.
"""
from __future__ import annotations

import copy
import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Iterable, Sequence

import altair as alt

from builder import format as fmt
from builder.config import MetricConfig
from builder.model import Result

__all__ = [
    "CHART_HEIGHT",
    "LEGEND_LIMIT",
    "BestPoint",
    "best_so_far",
    "log_possible",
    "chart_spec",
    "chart_document",
    "vega_bundle",
    "compile_to_vega",
    "validate_spec",
    "spec_from_document",
]

CHART_VERSION = 1        # bump when the drawing changes, to invalidate cached SVGs
CHART_HEIGHT = 360
SVG_WIDTH = 760            # the static SVG is drawn at this width, then scales with its container
LEGEND_LIMIT = 15          # agents listed in the legend (the rest: "…N entries")
TEXT_LIMIT = 80            # agent-written strings are cut to this many characters in the chart
EMPTY_TITLE = "No scored results yet"
# x tick labels: the date at UTC midnight, the time of day otherwise
_TIME_LABEL = ("utchours(datum.value) == 0 && utcminutes(datum.value) == 0 "
               "? utcFormat(datum.value, '%b %d') : utcFormat(datum.value, '%H:%M')")

_ACCENT = "#c2410c"
_INK = "#1f2937"
_MUTED = "#6b7280"
_GRID = "#e5e7eb"
# Tableau 20 reordered: the ten strong hues first, then their light variants, so that the
# leaders (first in the colour domain) get clearly distinct colours. Colours repeat past 20 agents;
# tooltips and the legend tell agents apart.
_PALETTE = ("#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1",
            "#ff9da7", "#9c755f", "#bab0ac", "#a0cbe8", "#ffbe7d", "#ff9d9a", "#86bcb6",
            "#8cd17d", "#f1ce63", "#d4a6c8", "#fabfd2", "#d7b5a6", "#79706e")
_FONT = "Helvetica, Arial, 'Liberation Sans', sans-serif"  # Arial metrics: as vl-convert measures


# ---------------------------------------------------------------------------- data preparation

@dataclass(frozen=True)
class BestPoint:
    """One corner of the best-so-far step line: from time `t` on, the best score is `best`."""

    t: datetime
    best: float
    result_id: str | None     # the record that set it; None for the closing point


def _plottable(result: Result) -> bool:
    return (result.timestamp is not None and result.score is not None
            and isinstance(result.score, (int, float)) and math.isfinite(result.score))


def _key(result: Result) -> tuple[str, str]:
    return (fmt.iso(result.timestamp), result.id)  # type: ignore[arg-type]


def _label(text: str, limit: int = TEXT_LIMIT) -> str:
    """Agent text as a chart label: one line, at most `limit` characters."""
    return fmt.short(text, limit)


def _score_label(value: float, unit: str) -> str:
    """A score as the table shows it (same rounding), with the unit."""
    return fmt.with_unit(fmt.score(value), unit)


def _better(a: float, b: float, direction: str) -> bool:
    return a < b if direction == "lower" else a > b


def best_so_far(results: Iterable[Result], records_ids: Iterable[str],
                direction: str) -> list[BestPoint]:
    """The step line: the records in time order (each one an improvement), then a closing point at
    the time of the last plotted result (when it is later than the last record).

    Records that would not improve on an earlier record (inconsistent input) are skipped, so the
    line is always monotonic in the better direction.
    """
    plotted = sorted((r for r in results if _plottable(r)), key=_key)
    wanted = set(records_ids)
    points: list[BestPoint] = []
    for r in plotted:
        if r.id in wanted and (not points or _better(r.score, points[-1].best, direction)):  # type: ignore[arg-type]
            points.append(BestPoint(fmt.utc(r.timestamp), float(r.score), r.id))  # type: ignore[arg-type]
    if points:
        last = fmt.utc(plotted[-1].timestamp)  # type: ignore[arg-type]
        if last > points[-1].t:
            points.append(BestPoint(last, points[-1].best, None))
    return points


def log_possible(results: Iterable[Result], baselines: Iterable[Result] = ()) -> bool:
    """A log y axis needs every plotted value (results and baselines) to be positive."""
    values = [r.score for r in results if _plottable(r)]
    values += [b.score for b in baselines
               if b.score is not None and math.isfinite(b.score)]
    return bool(values) and all(v > 0 for v in values)  # type: ignore[operator]


# ---------------------------------------------------------------------------- the spec

def _axis_title(metric: MetricConfig, direction: str) -> str:
    title = metric.label or "Score"
    if metric.unit:
        title += f" ({metric.unit})"
    return title + (" · lower is better ↑" if direction == "lower" else " · higher is better ↑")


def _config() -> dict[str, Any]:
    return {
        "background": "transparent",
        "font": _FONT,
        "view": {"stroke": None},
        "axis": {"labelColor": _MUTED, "titleColor": _INK, "gridColor": _GRID,
                 "domainColor": "#9ca3af", "tickColor": "#9ca3af", "labelFontSize": 11,
                 "titleFontSize": 12, "titleFontWeight": 600},
        "legend": {"orient": "right", "symbolLimit": LEGEND_LIMIT, "labelLimit": 130,
                   "labelFontSize": 11, "titleFontSize": 12, "titleColor": _INK,
                   "labelColor": _INK, "symbolType": "circle", "rowPadding": 3,
                   },
        "title": {"color": _INK, "fontSize": 14, "fontWeight": 600, "anchor": "start"},
        "range": {"category": list(_PALETTE)},
        "padding": {"left": 5, "right": 5, "top": 10, "bottom": 5},
        "customFormatTypes": False,
    }


def _finish(chart: alt.TopLevelMixin, description: str,
            datasets: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    # Validation against the Vega-Lite schema costs ~0.2 s a spec; the constructors above already
    # check every piece, and tests/test_chart.py validates whole specs (validate_spec).
    spec = chart.to_dict(validate=False)
    spec["description"] = description
    spec["datasets"] = {name: datasets[name] for name in sorted(datasets)}
    return spec


def _empty_spec(metric: MetricConfig, baselines: Sequence[Result], height: int) -> dict[str, Any]:
    lines = [f"{metric.label or 'Score'} over time will be plotted here as results arrive."]
    for b in baselines[:3]:
        if b.score is not None and math.isfinite(b.score):
            lines.append(_label(f"baseline · {b.method or b.agent or 'baseline'}: "
                               f"{_score_label(float(b.score), metric.unit)}", 90))
    chart = alt.Chart(alt.Data(name="message")).mark_text(
        fontSize=14, color=_MUTED, font=_FONT,
    ).encode(
        text=alt.Text("text:N"),
        y=alt.Y("row:O", axis=None, scale=alt.Scale(paddingOuter=1)),
    ).properties(
        width="container", height=min(height, 40 + 26 * len(lines)), title=EMPTY_TITLE,
    ).configure(**_config()).configure_view(stroke=None)
    rows = [{"row": i, "text": line} for i, line in enumerate(lines)]
    return _finish(chart, f"{EMPTY_TITLE}.", {"message": rows})


def chart_spec(ranked: Sequence[Result], records_ids: set[str] | frozenset[str],
               baselines: Sequence[Result], metric: MetricConfig, direction: str, *,
               log_scale: bool = False, height: int = CHART_HEIGHT) -> dict[str, Any]:
    """A Vega-Lite (v6) dict of the layered chart; data inlined, deterministic.

    `ranked`: the results to plot (every scored result, best first, e.g. Leaderboard.all);
    `records_ids`: ids of the results that improved the best-so-far (Leaderboard.records);
    `baselines`: baseline results drawn as horizontal rules (those without a score are skipped);
    `direction`: "higher" or "lower" (anything else counts as "higher").
    """
    direction = "lower" if direction == "lower" else "higher"
    plotted = sorted((r for r in ranked if _plottable(r)), key=_key)
    if not plotted:
        return _empty_spec(metric, baselines, height)
    spec = _linear_spec(ranked, plotted, frozenset(records_ids), baselines, metric, direction,
                        height)
    if log_scale and log_possible(plotted, baselines):
        return _as_log(spec, direction)
    return spec


def _as_log(spec: dict[str, Any], direction: str) -> dict[str, Any]:
    """The same chart with a log y scale (the data, layers and everything else unchanged)."""
    out = copy.deepcopy({k: v for k, v in spec.items() if k != "datasets"})
    log_scale = {"type": "log", "nice": False, "padding": 14, "reverse": direction == "lower"}
    values = [row["score"] for row in spec["datasets"].get("results", [])]
    values += [row["score"] for row in spec["datasets"].get("baselines", [])]
    ticks = _log_ticks(min(values), max(values)) if values else []
    if sum(1 for t in ticks if min(values) <= t <= max(values)) < 3:
        ticks = []      # a narrow range: Vega's own ticks label it better
    for layer in out["layer"]:
        y = layer.get("encoding", {}).get("y")
        if isinstance(y, dict) and "scale" in y:
            y["scale"] = dict(log_scale)
            if isinstance(y.get("axis"), dict):
                y["axis"].pop("format", None)
                y["axis"].pop("tickCount", None)
                if ticks:   # 1-2-5 steps: readable labels, a grid line per label only
                    y["axis"]["values"] = ticks
                    y["axis"]["format"] = "~s" if ticks[-1] >= 1e6 or ticks[0] < 1e-3 else "~g"
    out["datasets"] = spec["datasets"]
    return out


def _log_ticks(low: float, high: float) -> list[float]:
    """1, 2, 5 x 10^k from one step below `low` to one step above `high` (at most ~30 values)."""
    k_low, k_high = math.floor(math.log10(low)), math.ceil(math.log10(high))
    step = max(1, (k_high - k_low + 1) // 10)           # very wide ranges: fewer decades
    mults = (1, 2, 5) if k_high - k_low <= 4 else (1,)
    ticks = [float(f"{m}e{k}") for k in range(k_low - 1, k_high + 1, step) for m in mults]
    below = [t for t in ticks if t <= low]
    above = [t for t in ticks if t >= high]
    start = ticks.index(below[-1]) if below else 0
    end = ticks.index(above[0]) if above else len(ticks) - 1
    return ticks[start:end + 1]


def _linear_spec(ranked: Sequence[Result], plotted: list[Result], records: frozenset[str],
                 baselines: Sequence[Result], metric: MetricConfig, direction: str,
                 height: int) -> dict[str, Any]:

    agents: list[str] = []
    seen: set[str] = set()
    for r in ranked:                          # colour/legend order = the given (rank) order
        if _plottable(r) and r.agent not in seen:
            seen.add(r.agent)
            agents.append(r.agent)

    rows = [{
        "id": r.id,
        "agent": r.agent,
        "score": float(r.score),             # type: ignore[arg-type]
        "score_label": _score_label(float(r.score), metric.unit),  # type: ignore[arg-type]
        "method": _label(r.method) or "—",
        "t": fmt.iso(r.timestamp),               # type: ignore[arg-type]
        "date": fmt.when(r.timestamp),     # type: ignore[arg-type]
        "record": r.id in records,
        "verified": r.verification == "valid",
        "negative": r.status == "negative",
    } for r in plotted]
    steps = best_so_far(plotted, records, direction)
    step_rows = [{"t": fmt.iso(p.t), "best": p.best, "best_label": _score_label(p.best, metric.unit)}
                 for p in steps]
    base_rows = sorted(({
        "score": float(b.score),              # type: ignore[arg-type]
        "score_label": _score_label(float(b.score), metric.unit),  # type: ignore[arg-type]
        "label": _label(f"baseline · {b.method or b.agent or 'baseline'}", 60),
    } for b in baselines if b.score is not None and math.isfinite(b.score)),
        key=lambda row: (row["score"], row["label"]))
    has_records = any(row["record"] for row in rows)
    best_row = None
    if steps:
        best_id = [p for p in steps if p.result_id][-1].result_id
        best_row = next(row for row in rows if row["id"] == best_id)

    y_title = _axis_title(metric, direction)
    y_scale = alt.Scale(type="linear", zero=False, nice=True, reverse=direction == "lower",
                        padding=14)
    x_scale = alt.Scale(type="utc", padding=12)
    x_enc = alt.X("t:T", title="Date (UTC)", scale=x_scale,
                  axis=alt.Axis(labelExpr=_TIME_LABEL, labelOverlap=True, tickCount=8,
                                grid=False, labelAngle=0, labelPadding=4))
    y_axis_opts: dict[str, Any] = {"title": y_title, "grid": True, "tickCount": 6}
    if _big(rows):
        y_axis_opts["format"] = "~s"
    y_axis = alt.Axis(**y_axis_opts)

    colour = alt.Color("agent:N", scale=alt.Scale(domain=agents), title="Agent")
    pick = alt.selection_point(name="agentpick", fields=["agent"], bind="legend")
    zoom = alt.selection_interval(name="zoom", bind="scales")
    tooltip = [
        alt.Tooltip("agent:N", title="Agent"),
        alt.Tooltip("score_label:N", title=metric.label or "Score"),
        alt.Tooltip("method:N", title="Method"),
        alt.Tooltip("date:N", title="Date (UTC)"),
    ]

    layers: list[alt.Chart] = []
    if step_rows:
        step_data = alt.Data(name="best_so_far")
        layers.append(alt.Chart(step_data).mark_area(
            interpolate="step-after", color=_ACCENT, opacity=0.07, clip=True,
        ).encode(x=x_enc, y=alt.Y("best:Q", scale=y_scale, axis=y_axis, stack=None),
                 y2=alt.value("height")))
        layers.append(alt.Chart(step_data).mark_line(
            interpolate="step-after", color=_ACCENT, strokeWidth=2, clip=True,
        ).encode(x=x_enc, y=alt.Y("best:Q", scale=y_scale, axis=y_axis),
                 tooltip=[alt.Tooltip("best_label:N", title="Best so far"),
                          alt.Tooltip("t:T", title="Since (UTC)", format="%Y-%m-%d %H:%M",
                                      formatType="utc")]))
    if base_rows:
        base_data = alt.Data(name="baselines")
        layers.append(alt.Chart(base_data).mark_rule(
            color=_MUTED, strokeDash=[6, 4], strokeWidth=1.5, clip=True,
        ).encode(y=alt.Y("score:Q", scale=y_scale, axis=y_axis),
                 tooltip=[alt.Tooltip("label:N", title="Baseline"),
                          alt.Tooltip("score_label:N", title=metric.label or "Score")]))
        layers.append(alt.Chart(base_data).mark_text(
            align="right", baseline="bottom", dx=-4, dy=-3, color=_MUTED, fontSize=11,
            clip=True,
        ).encode(y=alt.Y("score:Q", scale=y_scale, axis=y_axis), x=alt.value("width"),
                 text=alt.Text("label:N")))
    points = alt.Chart(alt.Data(name="results")).mark_point(
        filled=True, size=46, clip=True, cursor="default",
    ).encode(
        x=x_enc,
        y=alt.Y("score:Q", scale=y_scale, axis=y_axis),
        color=colour,
        shape=alt.condition("datum.verified", alt.value("diamond"), alt.value("circle")),
        fillOpacity=alt.condition("datum.negative", alt.value(0), alt.value(0.8)),
        strokeOpacity=alt.value(0.9),
        opacity=alt.condition(pick, alt.value(1), alt.value(0.15)),
        tooltip=tooltip,
    ).add_params(zoom, pick).properties(name="points")  # a fixed name: stable across builds
    layers.append(points)
    if has_records:
        layers.append(alt.Chart(alt.Data(name="results")).transform_filter(
            "datum.record").mark_point(
            filled=True, size=150, stroke=_INK, strokeWidth=1.6, clip=True,
        ).encode(
            x=x_enc, y=alt.Y("score:Q", scale=y_scale, axis=y_axis),
            color=colour,
            shape=alt.condition("datum.verified", alt.value("diamond"), alt.value("circle")),
            opacity=alt.condition(pick, alt.value(1), alt.value(0.2)),
            tooltip=[*tooltip, alt.Tooltip("record_flag:N", title="Record")],
        ).transform_calculate(record_flag="'★ new best'"))
    if best_row is not None:
        # Left of the point (the step line arrives lower from the left), unless the record sits
        # in the first third of the time range: then right of it and below the line.
        span = (fmt.utc(plotted[-1].timestamp) - fmt.utc(plotted[0].timestamp)).total_seconds()  # type: ignore[arg-type]
        at = (datetime.fromisoformat(best_row["t"].replace("Z", "+00:00"))
              - fmt.utc(plotted[0].timestamp)).total_seconds()  # type: ignore[arg-type]
        left = span > 0 and at / span > 0.34
        label_style = dict(align="right" if left else "left",
                           baseline="middle" if left else "top", dx=-12 if left else 10,
                           dy=0 if left else 8, fontSize=12, fontWeight=600, clip=False)
        for halo in (True, False):             # a white halo first, then the text
            extra = dict(stroke="white", strokeWidth=4, strokeJoin="round", strokeOpacity=0.85,
                         color="white") if halo else dict(color=_INK)
            layers.append(alt.Chart(alt.Data(name="current_best")).mark_text(
                **label_style, **extra,
            ).encode(x=x_enc, y=alt.Y("score:Q", scale=y_scale, axis=y_axis),
                     text=alt.Text("text:N")))

    best_txt = f"; best {best_row['score_label']} by {_label(best_row['agent'], 40)}" \
        if best_row else ""
    description = (f"{metric.label or 'Score'} over time: {len(rows)} scored results from "
                   f"{len(agents)} agents{best_txt}.")
    chart = alt.layer(*layers).resolve_scale(color="shared").properties(
        width="container", height=height,
    ).configure(**_config())
    datasets = {"results": rows}
    if step_rows:
        datasets["best_so_far"] = step_rows
    if base_rows:
        datasets["baselines"] = base_rows
    if best_row is not None:
        datasets["current_best"] = [{
            "t": best_row["t"], "score": best_row["score"],
            "text": f"{_label(best_row['agent'], 40)}  {best_row['score_label']}",
        }]
    return _finish(chart, description, datasets)


def _big(rows: list[dict[str, Any]]) -> bool:
    return any(abs(row["score"]) >= 1e6 for row in rows)


def chart_document(ranked: Sequence[Result], records_ids: set[str] | frozenset[str],
                   baselines: Sequence[Result], metric: MetricConfig, direction: str, *,
                   height: int = CHART_HEIGHT) -> dict[str, Any]:
    """The JSON for ``#chart-spec``: both variants, their inline data stored once (see top)."""
    linear = chart_spec(ranked, records_ids, baselines, metric, direction, height=height)
    empty = not any(_plottable(r) for r in ranked)
    log = None
    if not empty and log_possible(ranked, baselines):
        log = _as_log(linear, "lower" if direction == "lower" else "higher")
    datasets: dict[str, Any] = {}
    out: dict[str, Any] = {"version": 1, "empty": empty}
    for name, spec in (("linear", linear), ("log", log)):
        if spec is None:
            out[name] = None
            continue
        spec = dict(spec)
        for key, values in (spec.pop("datasets", {}) or {}).items():
            if datasets.setdefault(key, values) != values:  # pragma: no cover - same input
                raise ValueError(f"dataset {key!r} differs between chart variants")
        out[name] = spec
    out["datasets"] = dict(sorted(datasets.items()))
    return out


def spec_from_document(doc: dict[str, Any], mode: str = "linear") -> dict[str, Any]:
    """One complete Vega-Lite spec out of a ``chart_document`` (what chart.js does in JS)."""
    spec = dict(doc[mode])
    if doc.get("datasets"):
        spec["datasets"] = doc["datasets"]
    return spec


# ---------------------------------------------------------------------------- rendering

def validate_spec(spec: dict[str, Any]) -> None:
    """Check a spec against Altair's Vega-Lite schema (raises on error); used by the tests."""
    kind = alt.LayerChart if "layer" in spec else alt.Chart
    kind.from_dict(spec, validate=True)



# ---------------------------------------------------------------------------- the runtime

def vega_bundle() -> str:
    """The vendored Vega runtime (vega, vega-lite, vega-embed, ~900 KB) from vl-convert: no CDN.

    Defines ``window.vegaEmbed`` (and ``window.vegaLite``; ``window.vega`` is null in the
    vl-convert 1.9 bundle, so chart.js relies on vegaEmbed only). Written by the site writer to
    /static/vendor/vega-bundle.js; deterministic for a given vl-convert version."""
    import vl_convert as vlc

    return vlc.javascript_bundle()


def compile_to_vega(spec: dict[str, Any]) -> dict[str, Any]:
    """The Vega spec a Vega-Lite spec compiles to (for tools and tests; the page ships Vega-Lite,
    which is smaller, and vega-embed compiles it in the browser in a few milliseconds)."""
    import vl_convert as vlc

    return vlc.vegalite_to_vega(spec)
