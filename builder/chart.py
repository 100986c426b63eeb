"""The score-evolution chart as a Vega-Lite spec: pure functions over the model.

What the chart shows
--------------------
* one point per plotted result (x = time, y = score); each agent has its own colour *and* marker
  shape (``agent_styles``: 30 distinct colours, six shapes, so colour is never the only cue);
  agents are styled in the order given, so pass results ranked: the leaders get the first colours;
  points are smaller and lighter where many results share little room (a phone, 2,000 results);
* verified results are outlined in ink, results with status ``negative`` are hollow; records
  (``records_ids``) are drawn again as large ringed points, and the current best is labelled;
* the best-so-far step line with a light fill on the worse side, carried to the last result;
* one dashed horizontal rule per baseline (a Result with a score), labelled with its method;
* tooltips of plain text made here (nothing for Vega to format, so no label reads "NaN");
* no Vega legend: the page lists every agent as HTML buttons that set the ``highlight``
  parameter (agent names; empty = every agent at full strength);
* zoom and pan (``zoom``, bound to the scales; the page sets ``zoom_t`` and ``zoom_score``);
* better is always up (a reversed y axis for ``lower``); ``log_scale=True`` gives a log y axis
  when every score is positive (otherwise the linear chart is returned).

Results without a timestamp or without a finite score cannot be placed and are left out.
Every agent-written string only ever travels as *data*: Vega draws it as SVG text nodes or
escaped tooltip cells, never as markup (tests/test_chart.py proves it with hostile names).

``chart_document`` holds both variants (linear and log) with their data stored once::

    {"version": 2, "empty": bool, "datasets": {name: [row, ...]},
     "linear": {Vega-Lite spec without datasets}, "log": {...} | null}

Data rows (plain text; timestamps ISO-8601 UTC, ``YYYY-MM-DDTHH:MM:SSZ``), results:
``id, agent, score, score_label, method, t, date, note, record, verified, negative`` sorted by
(t, id); best_so_far: ``t, best, best_label, since``; baselines: ``score, score_label, label``;
current_best: ``t, score, text``. ``chart_runtime.py`` compiles the document to Vega for the
browser; ``chart_svg.py`` draws the static SVG.
"""
from __future__ import annotations

import colorsys
import copy
import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Iterable, Sequence

from builder import format as fmt
from builder.config import MetricConfig
from builder.model import Result


class _Altair:
    """altair, imported when a chart is first made: a build whose chart document is cached
    does without it (its import takes a fifth of a second)."""

    def __getattr__(self, name: str) -> Any:
        import altair

        return getattr(altair, name)


alt = _Altair()

CHART_VERSION = 7        # bump when the drawing changes, to invalidate cached SVGs
CHART_HEIGHT = 360
# The static SVG is drawn at this width, then scales with its container: as wide as the live
# chart is at 1280 pixels (at 760 its 460-pixel height cap left a fifth of the card empty). Its
# text is the live chart's, and it is shown only where it is scaled to 1 or more (narrower
# screens get one of SMALL_PICTURES): at 1280 its 11-pixel labels read 12, about the live
# chart's that replaces it (drawn 1.6 times larger for 721 pixels, they read 19 there).
SVG_WIDTH = 900


@dataclass(frozen=True)
class SmallPicture:
    """A picture of the chart drawn for narrower screens than the wide one's, its text as drawn
    (11 pixels or more where it is shown), in a file of its own fetched by those screens alone."""

    name: str          # its file (data/chart-<name>.svg) and its render cache ("chart-svg-<name>")
    width: int         # of its plot, as SVG_WIDTH
    height: int        # of its plot, as CHART_HEIGHT
    up_to: int         # the widest screen (CSS pixels) shown it: index.html's <source>, style.css


SMALL_PICTURES = (
    # a phone's: its whole width (axes included) about 270 pixels, so that at 320 (the card 270
    # wide) its labels are shown at 11 pixels or more
    SmallPicture("narrow", 215, CHART_HEIGHT, 720),
    # a tablet's (and a narrow window's): about 635 pixels wide whole, the card's width at 721;
    # flatter, so that it fills the card's width up to about 890 pixels (then the 460-pixel cap
    # of its height holds it: its words at most 14 pixels). Shown up to the screen whose card
    # (74 pixels narrower) is about as wide as the wide picture (about 955 pixels, axes included)
    SmallPicture("mid", 580, 300, 1060),
)
# pixels of the link preview's PNG of the picture: previews show 1.91:1 and crop the rest
SOCIAL_WIDTH, SOCIAL_HEIGHT = 1200, 630
TEXT_LIMIT = 80            # agent-written strings are cut to this many characters in the chart
EMPTY_TITLE = "No scored results yet"
BACKGROUND = "#fbfbfd"     # drawn into the chart, so that downloads read on any background
# x tick labels: the date at UTC midnight, the time of day otherwise
_TIME_LABEL = ("utchours(datum.value) == 0 && utcminutes(datum.value) == 0 "
               "? utcFormat(datum.value, '%b %d') : utcFormat(datum.value, '%H:%M')")
# the page's agent buttons write this parameter (a list of agent names)
HIGHLIGHT = "highlight"
_HIGHLIGHTED = f"indexof({HIGHLIGHT}, datum.agent) >= 0"
# y tick labels past SI's prefixes (yocto to yotta; "~s" wrote 1e307 as "2.0000000000000003e+283Y"):
# scientific, as format.score writes such scores ("2e+307"), and a plain zero
SI_REACH = 1e21
_SCIENTIFIC_LABEL = "datum.value == 0 ? '0' : format(datum.value, '.3~e')"
_SHOWN = f"length({HIGHLIGHT}) == 0 || {_HIGHLIGHTED}"

_ACCENT = "#c2410c"
_INK = "#1f2937"
_MUTED = "#6b7280"
_GRID = "#e5e7eb"
_AXIS = "#9ca3af"
# Glasbey's categorical colours for light backgrounds (colorcet's "glasbey_dark", in its order:
# each as far as possible from all before it), keeping those with at least 3:1 contrast on
# BACKGROUND: the first 30 agents get 30 clearly different colours.
PALETTE = ("#d60000", "#8c3bff", "#018700", "#6b004f", "#573b00", "#005659", "#0000dd",
           "#a17569", "#bf03b8", "#645472", "#790000", "#0774d8", "#729a7c", "#004b00",
           "#8e7b01", "#f2007b", "#a57bb8", "#5901a3", "#a03a52", "#9e4b00", "#546744",
           "#5e7b87", "#60383b", "#380000", "#2f5282", "#c4668e", "#008069", "#cc7407",
           "#7e2a8e", "#4d33ff")
# Vega's symbol names, with the same shapes as SVG paths in a 12 x 12 box (for the page's legend)
SHAPES = (("circle", "M1.5 6a4.5 4.5 0 1 0 9 0a4.5 4.5 0 1 0-9 0Z"),
          ("square", "M2 2h8v8H2Z"),
          ("triangle-up", "M6 1.2 10.9 10H1.1Z"),
          ("diamond", "M6 .6 11.4 6 6 11.4.6 6Z"),
          ("cross", "M4.3 1h3.4v3.3H11v3.4H7.7V11H4.3V7.7H1V4.3h3.3Z"),
          ("triangle-down", "M1.1 2h9.8L6 10.8Z"))
_FONT = "Helvetica, Arial, 'Liberation Sans', sans-serif"  # Arial metrics: as vl-convert measures


# ---------------------------------------------------------------------------- dark mode

DARK_BACKGROUND = "#1c1d25"  # the dark page's card (--card in style.css)


def _luminance(colour: str) -> float:
    def linear(v: float) -> float:
        return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5))
    return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)


def contrast(a: str, b: str) -> float:
    """WCAG's contrast ratio of two colours (#rrggbb), from 1 to 21."""
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _for_dark(colour: str, least: float = 3.5) -> str:
    """A colour drawn for a light background redrawn for DARK_BACKGROUND: its hue and saturation
    kept, its lightness mirrored (dark stays told apart from light), then raised until it stands
    out at `least`:1, as the light palette does on BACKGROUND."""
    r, g, b = (int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5))
    hue, lightness, saturation = colorsys.rgb_to_hls(r, g, b)
    lightness = 1 - lightness
    while True:
        out = "#" + "".join(f"{round(v * 255):02x}"
                            for v in colorsys.hls_to_rgb(hue, lightness, saturation))
        if contrast(out, DARK_BACKGROUND) >= least or lightness >= 1:
            return out
        lightness = min(1.0, lightness + 0.01)


# Every colour the chart draws with, as dark mode draws it: the pictures and the live chart are
# drawn once, light, and `dark_style` repaints them (the agents keep their hues, in the same order).
DARK_COLOURS = {BACKGROUND: DARK_BACKGROUND, _INK: "#e5e7eb", _MUTED: "#a4a7b8", _GRID: "#2c2e3a",
                _AXIS: "#6b7080", _ACCENT: "#fb8a4c", **{c: _for_dark(c) for c in PALETTE}}


def dark_style() -> str:
    """CSS that repaints the chart for a dark page, where the visitor's system asks for one: in
    each picture of it (a picture shown as an image follows the page's colour scheme too), on the
    page for the live chart (Vega's SVG: class "marks") and the legend's markers. Presentation
    attributes give way to any CSS rule, so the drawings themselves need no second copy."""
    scope = ":is(.marks,.legend-item) "
    # (the live chart paints its background in a style attribute, which only !important beats)
    rules = f".marks{{background-color:{DARK_BACKGROUND}!important}}" + "".join(
        f'{scope}[fill="{light}"]{{fill:{dark}}}{scope}[stroke="{light}"]{{stroke:{dark}}}'
        for light, dark in DARK_COLOURS.items())
    return f"@media (prefers-color-scheme:dark){{{rules}}}"


# ---------------------------------------------------------------------------- data preparation

@dataclass(frozen=True)
class BestPoint:
    """One corner of the best-so-far step line: from time `t` on, the best score is `best`."""

    t: datetime
    best: float
    result_id: str | None     # the record that set it; None for the closing point


@dataclass(frozen=True)
class AgentStyle:
    """How one agent is drawn: a colour and a marker shape (Vega's name and an SVG path)."""

    agent: str
    colour: str
    shape: str
    path: str


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


def agent_styles(ranked: Iterable[Result]) -> tuple[AgentStyle, ...]:
    """Every agent with a plotted result, in the order given, with its colour and shape.

    Colour and shape both change from one agent to the next; past 30 agents the colours come
    round again, each time with the next shape, so no two of the first 180 agents look alike."""
    agents: list[str] = []
    for r in ranked:
        if _plottable(r) and r.agent not in agents:
            agents.append(r.agent)
    n = len(PALETTE)
    return tuple(AgentStyle(agent, PALETTE[i % n], *SHAPES[(i + i // n) % len(SHAPES)])
                 for i, agent in enumerate(agents))


def _note(result: Result, records: frozenset[str]) -> str:
    notes = [text for flag, text in ((result.id in records, "new best"),
                                     (result.verification == "valid", "verified"),
                                     (result.status == "negative", "negative result")) if flag]
    return ", ".join(notes) or "—"


def _result_rows(plotted: list[Result], records: frozenset[str],
                 metric: MetricConfig) -> list[dict[str, Any]]:
    return [{
        "id": r.id,
        "agent": r.agent,
        "score": float(r.score),             # type: ignore[arg-type]
        "score_label": _score_label(float(r.score), metric.unit),  # type: ignore[arg-type]
        "method": _label(r.method) or "—",
        "t": fmt.iso(r.timestamp),
        "date": fmt.when(r.timestamp),
        "note": _note(r, records),
        "record": r.id in records,
        "verified": r.verification == "valid",
        "negative": r.status == "negative",
    } for r in plotted]


def _baseline_rows(baselines: Sequence[Result], metric: MetricConfig, direction: str,
                   span: float) -> list[dict[str, Any]]:
    """A rule per baseline; its `label` is its tooltip, its `caption` the words drawn over it
    (see `_captions`)."""
    rows = sorted(({
        "score": float(b.score),              # type: ignore[arg-type]
        "score_label": _score_label(float(b.score), metric.unit),  # type: ignore[arg-type]
        "label": _label(f"baseline · {b.method or b.agent or 'baseline'}", 60),
    } for b in baselines if b.score is not None and math.isfinite(b.score)),
        key=lambda row: (row["score"], row["label"]))
    return _captions(rows, direction, NEAR_BASELINES * span)


NEAR_BASELINES = 0.04        # of the scores' span: closer rules would draw their words as one blot


def _captions(rows: list[dict[str, Any]], direction: str, near: float) -> list[dict[str, Any]]:
    """Baselines closer than `near` to the next share one caption, over the one drawn highest:
    "baselines · a, b, c" (3 baselines of a 10k bucket within 0.84 tok/s wrote over each other)."""
    groups: list[list[dict[str, Any]]] = []
    for row in rows:
        if groups and row["score"] - groups[-1][-1]["score"] <= near:     # equal: always one
            groups[-1].append(row)
        else:
            groups.append([row])
    out = []
    for group in groups:
        top = group[0] if direction == "lower" else group[-1]
        names = ", ".join(row["label"].removeprefix("baseline · ") for row in group)
        caption = top["label"] if len(group) == 1 else _label(f"baselines · {names}", 60)
        out += [{**row, "caption": caption if row is top else ""} for row in group]
    return out


def _datasets(plotted: list[Result], records: frozenset[str], baselines: Sequence[Result],
              metric: MetricConfig, direction: str) -> dict[str, list[dict[str, Any]]]:
    rows = _result_rows(plotted, records, metric)
    data = {"results": rows}
    steps = best_so_far(plotted, records, direction)
    if steps:
        data["best_so_far"] = [{"t": fmt.iso(p.t), "best": p.best, "since": fmt.when(p.t),
                                "best_label": _score_label(p.best, metric.unit)} for p in steps]
        best_id = [p for p in steps if p.result_id][-1].result_id
        best = next(row for row in rows if row["id"] == best_id)
        data["current_best"] = [{"t": best["t"], "score": best["score"],
                                 "text": f"{_label(best['agent'], 40)}  {best['score_label']}"}]
    scores = [row["score"] for row in rows] + [b.score for b in baselines if b.score is not None
                                                and math.isfinite(b.score)]
    if bases := _baseline_rows(baselines, metric, direction, max(scores) - min(scores)):
        data["baselines"] = bases
    return data


# ---------------------------------------------------------------------------- the spec

def _axis_title(metric: MetricConfig, direction: str) -> str:
    title = metric.label or "Score"
    if metric.unit:
        title += f" ({metric.unit})"
    return title + (" · lower is better ↑" if direction == "lower" else " · higher is better ↑")


def _config() -> dict[str, Any]:
    return {
        "background": BACKGROUND,
        "font": _FONT,
        "view": {"stroke": None},
        "axis": {"labelColor": _MUTED, "titleColor": _INK, "gridColor": _GRID,
                 "domainColor": _AXIS, "tickColor": _AXIS, "labelFontSize": 11,
                 "titleFontSize": 12, "titleFontWeight": 600},
        "title": {"color": _INK, "fontSize": 14, "fontWeight": 600, "anchor": "start"},
        "padding": {"left": 5, "right": 5, "top": 10, "bottom": 5},
        "customFormatTypes": False,
    }


def _finish(chart: alt.TopLevelMixin, description: str,
            datasets: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    # Validation against the Vega-Lite schema costs ~0.2 s a spec; the constructors above already
    # check every piece, and tests/test_chart.py validates whole specs.
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

    `ranked`: the results to plot, best first (Leaderboard.all, then its negative results);
    `records_ids`: ids of the results that improved the best-so-far (Leaderboard.records);
    `baselines`: baseline results drawn as horizontal rules (those without a score are skipped);
    `direction`: "higher" or "lower" (anything else counts as "higher").
    """
    direction = "lower" if direction == "lower" else "higher"
    plotted = sorted((r for r in ranked if _plottable(r)), key=_key)
    if not plotted:
        return _empty_spec(metric, baselines, height)
    data = _datasets(plotted, frozenset(records_ids), baselines, metric, direction)
    spec = _linear_spec(data, agent_styles(ranked), metric, direction, height)
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
                y["axis"].pop("labelExpr", None)
                if ticks:   # 1-2-5 steps: readable labels, a grid line per label only
                    y["axis"]["values"] = ticks
                    y["axis"].update(_log_labels(ticks))
    out["datasets"] = spec["datasets"]
    return out


def _log_labels(ticks: list[float]) -> dict[str, str]:
    """How a log axis writes its ticks (positive, ascending)."""
    if ticks[-1] >= SI_REACH or ticks[0] < 1 / SI_REACH:
        return {"labelExpr": _SCIENTIFIC_LABEL}
    return {"format": "~s" if ticks[-1] >= 1e6 or ticks[0] < 1e-3 else "~g"}


def _linear_labels(scores: Iterable[float]) -> dict[str, str]:
    """How a linear axis writes its ticks: as Vega chooses, but in SI units from a million, and
    scientific where the largest magnitude is past SI's prefixes (or all of them below)."""
    largest = max((abs(v) for v in scores), default=0.0)
    if largest >= SI_REACH or 0 < largest < 1 / SI_REACH:
        return {"labelExpr": _SCIENTIFIC_LABEL}
    return {"format": "~s"} if largest >= 1e6 else {}


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


@dataclass(frozen=True)
class _Encodings:
    """The channel definitions every layer shares (one x and one y scale for all layers)."""

    x: alt.X
    y_scale: alt.Scale
    y_axis: alt.Axis
    colour: alt.Color
    stroke: alt.Stroke
    shape: alt.Shape
    tooltip: list[alt.Tooltip]

    def y(self, field: str, **extra: Any) -> alt.Y:
        return alt.Y(f"{field}:Q", scale=self.y_scale, axis=self.y_axis, **extra)


def _encodings(rows: list[dict[str, Any]], styles: Sequence[AgentStyle], metric: MetricConfig,
               direction: str) -> _Encodings:
    agents = [s.agent for s in styles]
    colours = alt.Scale(domain=agents, range=[s.colour for s in styles])
    x_axis = alt.Axis(labelExpr=_TIME_LABEL, labelOverlap=True, tickCount=8, grid=False,
                      labelAngle=0, labelPadding=4)
    y_axis: dict[str, Any] = {"title": _axis_title(metric, direction), "grid": True,
                              "tickCount": 6, **_linear_labels(row["score"] for row in rows)}
    return _Encodings(
        x=alt.X("t:T", title="Date (UTC)", scale=alt.Scale(type="utc", padding=12), axis=x_axis),
        y_scale=alt.Scale(type="linear", zero=False, nice=True, reverse=direction == "lower",
                          padding=14),
        y_axis=alt.Axis(**y_axis),
        colour=alt.Color("agent:N", scale=colours, legend=None),
        stroke=alt.Stroke("agent:N", scale=colours, legend=None),
        shape=alt.Shape("agent:N", scale=alt.Scale(domain=agents, range=[s.shape for s in styles]),
                        legend=None),
        tooltip=[alt.Tooltip("agent:N", title="Agent"),
                 alt.Tooltip("score_label:N", title=metric.label or "Score"),
                 alt.Tooltip("method:N", title="Method"),
                 alt.Tooltip("date:N", title="Date (UTC)"),
                 alt.Tooltip("note:N", title="Note")])


def _step_layers(enc: _Encodings) -> tuple[alt.Chart, alt.Chart]:
    """The area under the best score so far, and its step line."""
    step_data = alt.Data(name="best_so_far")
    area = alt.Chart(step_data).mark_area(
        interpolate="step-after", color=_ACCENT, opacity=0.07, clip=True, aria=False,
    ).encode(x=enc.x, y=enc.y("best", stack=None), y2=alt.value("height"))
    line = alt.Chart(step_data).mark_line(
        interpolate="step-after", color=_ACCENT, strokeWidth=2, clip=True,
        description="Best score so far, as a step line",
    ).encode(x=enc.x, y=enc.y("best"),
             tooltip=[alt.Tooltip("best_label:N", title="Best so far"),
                      alt.Tooltip("since:N", title="Since")])
    return area, line


def _baseline_layers(enc: _Encodings, metric: MetricConfig) -> list[alt.Chart]:
    base_data = alt.Data(name="baselines")
    rule = alt.Chart(base_data).mark_rule(
        color=_MUTED, strokeDash=[6, 4], strokeWidth=1.5, clip=True,
    ).encode(y=enc.y("score"),
             tooltip=[alt.Tooltip("label:N", title="Baseline"),
                      alt.Tooltip("score_label:N", title=metric.label or "Score")])
    text = alt.Chart(base_data).mark_text(
        align="right", baseline="bottom", dx=-4, dy=-3, color=_MUTED, fontSize=11, clip=True,
        aria=False, limit=alt.ExprRef(expr="width - 8"),   # cut with "…" to the plot's width
    ).encode(y=enc.y("score"), x=alt.value("width"), text=alt.Text("caption:N"))
    return [rule, text]


# At 2,000 results a phone's chart was one blot of points: a point's size (its area, in square
# pixels) is a share of the plot's area per result, between these, so that the points leave room
# between them wherever the chart is drawn (the pictures and the live chart, at any width).
POINT_SHARE = 0.3
POINT_SIZES = (8, 50)


def _dense(expr: str, count: int) -> dict[str, Any]:
    """A value that follows the room each of `count` points has (Vega's `dot`: the point's size)."""
    low, high = POINT_SIZES
    dot = f"clamp({POINT_SHARE} * width * height / {max(1, count)}, {low}, {high})"
    return {"expr": expr.replace("dot", f"({dot})")}


def _point_layers(enc: _Encodings, has_records: bool, count: int
                  ) -> tuple[alt.Chart, alt.Chart | None]:
    """Every result's point, and the larger, ringed points of the records (None without any);
    smaller, thinner and lighter where there are many results for the room (`_dense`)."""
    highlight = alt.param(name=HIGHLIGHT, value=[])
    zoom = alt.selection_interval(name="zoom", bind="scales", encodings=["x", "y"])
    faded = alt.condition(_SHOWN, alt.value(1), alt.value(0.12))
    points = alt.Chart(alt.Data(name="results")).mark_point(
        filled=True, clip=True, cursor="default",
    ).encode(
        x=enc.x, y=enc.y("score"), color=enc.colour, shape=enc.shape,
        size=alt.condition(_HIGHLIGHTED, alt.value(110), alt.value(_dense("dot", count))),
        stroke=alt.condition("datum.verified", alt.value(_INK), enc.stroke),
        strokeWidth=alt.condition("datum.verified", alt.value(_dense("sqrt(dot) / 5", count)),
                                  alt.value(_dense("sqrt(dot) / 7", count))),
        fillOpacity=alt.condition("datum.negative", alt.value(0),
                                  alt.value(_dense("0.45 + dot / 125", count))),
        opacity=faded, tooltip=enc.tooltip,
    ).add_params(zoom, highlight).properties(name="points")  # a fixed name: stable across builds
    if not has_records:
        return points, None
    records = alt.Chart(alt.Data(name="results")).transform_filter("datum.record").mark_point(
        filled=True, clip=True,
        size=alt.ExprRef(**_dense("3.4 * dot", count)), stroke=_INK,
        strokeWidth=alt.ExprRef(**_dense("sqrt(dot) / 4.4", count)),
    ).encode(x=enc.x, y=enc.y("score"), color=enc.colour, shape=enc.shape, opacity=faded,
             tooltip=enc.tooltip)
    return points, records


def _best_label_layers(enc: _Encodings, data: dict[str, list[dict[str, Any]]]) -> list[alt.Chart]:
    """The current best's agent and score beside its point: left of it (the step line arrives
    lower from the left), unless it sits in the first third of the time range."""
    times = [datetime.fromisoformat(row["t"].replace("Z", "+00:00")) for row in data["results"]]
    at = datetime.fromisoformat(data["current_best"][0]["t"].replace("Z", "+00:00"))
    span = (times[-1] - times[0]).total_seconds()
    left = span > 0 and (at - times[0]).total_seconds() / span > 0.34
    style = dict(align="right" if left else "left", baseline="middle" if left else "top",
                 dx=-12 if left else 10, dy=0 if left else 8, fontSize=12, fontWeight=600,
                 clip=False, aria=False)
    layers = []
    for halo in (True, False):             # a light halo first, then the text
        extra = dict(stroke=BACKGROUND, strokeWidth=4, strokeJoin="round", strokeOpacity=0.85,
                     color=BACKGROUND) if halo else dict(color=_INK)
        layers.append(alt.Chart(alt.Data(name="current_best")).mark_text(**style, **extra).encode(
            x=enc.x, y=enc.y("score"), text=alt.Text("text:N")))
    return layers


def _linear_spec(data: dict[str, list[dict[str, Any]]], styles: Sequence[AgentStyle],
                 metric: MetricConfig, direction: str, height: int) -> dict[str, Any]:
    rows = data["results"]
    enc = _encodings(rows, styles, metric, direction)
    area, line = _step_layers(enc) if "best_so_far" in data else (None, None)
    points, records = _point_layers(enc, any(row["record"] for row in rows), len(rows))
    layers = [area] if area is not None else []
    if "baselines" in data:
        layers += _baseline_layers(enc, metric)
    # The best-so-far line over every point, the records' too: drawn under them, it was hidden
    # at 2,000 results by the points near the best and by the records' ringed points along it.
    layers += [layer for layer in (points, records, line) if layer is not None]
    if "current_best" in data:
        layers += _best_label_layers(enc, data)
    best = data.get("current_best")
    best_txt = f"; best {best[0]['text'].replace('  ', ': ')}" if best else ""
    description = (f"{metric.label or 'Score'} over time: {fmt.counted(len(rows), 'scored result')}"
                   f" from {fmt.counted(len(styles), 'agent')}{best_txt}.")
    chart = alt.layer(*layers).properties(width="container", height=height).configure(**_config())
    return _finish(chart, description, data)


def chart_document(ranked: Sequence[Result], records_ids: set[str] | frozenset[str],
                   baselines: Sequence[Result], metric: MetricConfig, direction: str, *,
                   height: int = CHART_HEIGHT) -> dict[str, Any]:
    """Both variants of the chart, their inline data stored once (see the top of this module)."""
    linear = chart_spec(ranked, records_ids, baselines, metric, direction, height=height)
    empty = not any(_plottable(r) for r in ranked)
    log = None
    if not empty and log_possible(ranked, baselines):
        log = _as_log(linear, "lower" if direction == "lower" else "higher")
    datasets: dict[str, Any] = {}
    out: dict[str, Any] = {"version": 2, "empty": empty}
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
    """One complete Vega-Lite spec out of a ``chart_document``."""
    spec = dict(doc[mode])
    if doc.get("datasets"):
        spec["datasets"] = doc["datasets"]
    return spec
