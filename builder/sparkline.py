"""A tiny score-history SVG for agent pages: each result a dot whose tooltip says its score and
time, and a text alternative that says where the history starts and ends."""
from __future__ import annotations

from datetime import datetime
from typing import NamedTuple, Sequence

from markupsafe import Markup, escape

WIDTH, HEIGHT, PAD = 320, 80, 6


class Point(NamedTuple):
    time: datetime
    score: float
    label: str                 # what the dot says: "488.905 tok/s on 2026-07-10 03:11 UTC"


def sparkline(points: Sequence[Point], direction: str) -> Markup:
    """Score over time; "better" is always up, whatever the metric's direction."""
    if not points:
        return Markup("")
    times = [p.time.timestamp() for p in points]
    scores = [p.score for p in points]
    t0, t1 = min(times), max(times)
    lo, hi = min(scores), max(scores)

    def x(t: float) -> float:
        return PAD + (WIDTH - 2 * PAD) * ((t - t0) / (t1 - t0) if t1 > t0 else 0.5)

    def y(s: float) -> float:
        frac = (s - lo) / (hi - lo) if hi > lo else 0.5
        if direction == "lower":
            frac = 1 - frac
        return HEIGHT - PAD - (HEIGHT - 2 * PAD) * frac

    coords = [(x(t), y(s)) for t, s in zip(times, scores)]
    path = " ".join(f"{cx:.1f},{cy:.1f}" for cx, cy in coords)
    dots = "".join(f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="3"><title>{escape(p.label)}</title>'
                   f'</circle>' for (cx, cy), p in zip(coords, points))
    return Markup(
        f'<svg class="sparkline" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{escape(summary(points))}">'
        f'<polyline points="{path}" fill="none"/>{dots}</svg>')


def summary(points: Sequence[Point]) -> str:
    """The history in words, for those who do not see it."""
    if len(points) == 1:
        return f"Score history: 1 result, {points[0].label}"
    return f"Score history: {len(points)} results, from {points[0].label} to {points[-1].label}"
