"""Tiny SVG charts drawn into pages. A score history for agent pages: each result a dot whose
tooltip says its score and time, the best and worst scores beside the line and its first and
last days under it, and a text alternative that says where the history starts and ends. A long
history draws the best score so far as its line, over its results as faint dots. And the
messages of each day, as bars, for the message archive."""
from __future__ import annotations

from datetime import date, datetime
from typing import NamedTuple, Sequence

from markupsafe import Markup, escape

WIDTH, HEIGHT, PAD = 320, 96, 6
GUTTER = 76                    # right of the line: the best and worst scores
FOOT = 18                      # under it: the first and last days
HIT = 9                        # radius around a dot that shows its tooltip
# Results drawn as dots with tooltips, at most: 430 results made 1,300 elements and 65 kB of
# dots closer than a pixel apart, and a line through 300 results is a solid zigzag band. Past
# this, the line is the best score so far, the dots its newest records (the results that beat
# all before them), and every result a faint dot under it.
MAX_DOTS = 60


class Point(NamedTuple):
    time: datetime
    score: float
    value: str                 # the score as the site writes it, without its unit: "488.905"
    label: str                 # what the dot says: "488.905 tok/s on 2026-07-10 03:11 UTC"
    day: str                   # "2026-07-10"
    clock: str = ""            # "03:11 UTC": says when in the day, for a history of one day


def sparkline(points: Sequence[Point], direction: str) -> Markup:
    """Score over time; "better" is always up, whatever the metric's direction."""
    if not points:
        return Markup("")
    times = [p.time.timestamp() for p in points]
    scores = [p.score for p in points]
    t0, t1 = min(times), max(times)
    lo, hi = min(scores), max(scores)
    right, bottom = WIDTH - GUTTER, HEIGHT - FOOT

    def x(t: float) -> float:
        return PAD + (right - 2 * PAD) * ((t - t0) / (t1 - t0) if t1 > t0 else 0.5)

    def y(s: float) -> float:
        frac = (s - lo) / (hi - lo) if hi > lo else 0.5
        if direction == "lower":
            frac = 1 - frac
        return bottom - PAD - (bottom - 2 * PAD) * frac

    coords = [(x(t), y(s)) for t, s in zip(times, scores)]
    long = len(points) > MAX_DOTS
    line = _best_so_far(coords) if long else coords
    # Results all of one time (dates without a clock) have no order to draw: a line through them
    # would be a vertical stroke that claims a change; their dots stand in one column.
    path = " ".join(f"{cx:.1f},{cy:.1f}" for cx, cy in line) if t1 > t0 else ""
    dotted = _records(coords)[-MAX_DOTS:] if long else range(len(coords))
    dots = "".join(_dot(points[i].label, *coords[i]) for i in dotted)
    return Markup(
        f'<svg class="sparkline" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{escape(summary(points, direction if long else ""))}">'
        f'{_faint_dots(coords) if long else ""}{_polyline(path)}{dots}'
        f'{_score_labels(points, x, y, right + PAD)}{_day_labels(points, x)}</svg>')


def _dot(label: str, cx: float, cy: float) -> str:
    return (f'<g><title>{escape(label)}</title><circle class="hit" cx="{cx:.1f}" cy="{cy:.1f}" '
            f'r="{HIT}"/><circle cx="{cx:.1f}" cy="{cy:.1f}" r="3"/></g>')


def _polyline(path: str) -> str:
    return f'<polyline points="{path}" fill="none"/>' if path else ""


def _records(coords: Sequence[tuple[float, float]]) -> list[int]:
    """The results that beat every one before them (better is up: a smaller y), by index."""
    out: list[int] = []
    for i, (_, cy) in enumerate(coords):
        if not out or cy < coords[out[-1]][1]:
            out.append(i)
    return out


def _best_so_far(coords: Sequence[tuple[float, float]]) -> list[tuple[float, float]]:
    """The best score so far as steps: level until a result beats it, on to the last result."""
    line: list[tuple[float, float]] = []
    for i in _records(coords):
        cx, cy = coords[i]
        if line:
            line.append((cx, line[-1][1]))
        line.append((cx, cy))
    return line + [(max(cx for cx, _ in coords), line[-1][1])]


def _faint_dots(coords: Sequence[tuple[float, float]]) -> str:
    """Every result as a faint dot, in one path of round-capped strokes of no length: one
    element, not one per result, and no tooltips to crowd each other."""
    marks = "".join(f"M{cx:.1f} {cy:.1f}h0" for cx, cy in coords)
    return f'<path class="results" d="{marks}" aria-hidden="true"/>'


def _score_labels(points: Sequence[Point], x, y, left: float) -> str:
    """The highest and lowest scores, each level with its dot, and a dotted guide from the dot to
    the label: a best or worst score early in the history is far from its label."""
    high, low = max(points, key=lambda p: p.score), min(points, key=lambda p: p.score)
    shown = [high] if high.score == low.score else [high, low]
    return "".join(f'<line class="guide" x1="{x(p.time.timestamp()):.1f}" y1="{y(p.score):.1f}" '
                   f'x2="{left - 2:.1f}" y2="{y(p.score):.1f}"/>'
                   f'<text class="value" x="{left:.1f}" y="{y(p.score):.1f}" '
                   f'dominant-baseline="middle">{escape(p.value)}</text>' for p in shown)


def _day_labels(points: Sequence[Point], x) -> str:
    """The first and last days under the ends of the line; within one day, the first and last
    times (the line then spans hours, not days); one day under results all of one time."""
    first, last = points[0], points[-1]
    if first.time == last.time:
        ends = [(first, "middle", first.day)]
    elif first.day == last.day:
        ends = [(first, "start", f"{first.day} {first.clock}".strip()), (last, "end", last.clock)]
    else:
        ends = [(first, "start", first.day), (last, "end", last.day)]
    return "".join(f'<text class="day" x="{x(p.time.timestamp()):.1f}" y="{HEIGHT - 4}" '
                   f'text-anchor="{anchor}">{escape(text)}</text>' for p, anchor, text in ends)


def summary(points: Sequence[Point], best_of: str = "") -> str:
    """The history in words, for those who do not see it; with `best_of` (the metric's
    direction), the best result too, which a long history's line leads to."""
    if len(points) == 1:
        return f"Score history: 1 result, {points[0].label}"
    words = f"Score history: {len(points)} results, from {points[0].label} to {points[-1].label}"
    if not best_of:
        return words
    best = (min if best_of == "lower" else max)(points, key=lambda p: p.score)
    return f"{words}; the best, {best.label}"


class DayCount(NamedTuple):
    day: str                   # "2026-07-09"
    label: str                 # "Thursday 9 July 2026"
    url: str                   # where the day's messages are listed
    count: int


BAR, BAR_GAP, BARS_HEIGHT = 10, 2, 48


def day_bars(days: Sequence[DayCount]) -> Markup:
    """The messages of each day as a bar, oldest day on the left, over every calendar day from
    the first to the last (a day without messages has no bar), each bar a link to its day with
    a tooltip; under them, the span and the busiest day in words. The bars say no more than
    the list of days in words beside them: screen readers and the keyboard skip them."""
    dated = sorted((d for d in days if d.day), key=lambda d: d.day)
    if len(dated) < 2:
        return Markup("")
    first = date.fromisoformat(dated[0].day)
    span = (date.fromisoformat(dated[-1].day) - first).days + 1
    top = max(d.count for d in dated)
    bars = []
    for d in dated:
        x = (date.fromisoformat(d.day) - first).days * BAR
        h = max(1.0, BARS_HEIGHT * d.count / top)
        bars.append(f'<a href="{escape(d.url)}" tabindex="-1"><title>{escape(d.label)}: '
                    f'{_messages(d.count)}</title><rect x="{x}" y="{BARS_HEIGHT - h:.1f}" '
                    f'width="{BAR - BAR_GAP}" height="{h:.1f}"/></a>')
    busiest = max(dated, key=lambda d: d.count)              # the first of the busiest days
    return Markup(
        f'<figure class="day-bars"><svg viewBox="0 0 {span * BAR - BAR_GAP} {BARS_HEIGHT}" '
        f'width="{span * BAR * 2}" height="{BARS_HEIGHT}" preserveAspectRatio="none" '
        f'aria-hidden="true" focusable="false">{"".join(bars)}</svg>'
        f'<figcaption>Messages per day, {escape(dated[0].label)} to {escape(dated[-1].label)}. '
        f'The busiest: <a href="{escape(busiest.url)}">{escape(busiest.label)}</a>, '
        f'{_messages(busiest.count)}.</figcaption></figure>')


def _messages(count: int) -> str:
    return f"{count:,} message{'' if count == 1 else 's'}"
