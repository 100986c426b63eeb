"""A tiny score-history SVG for agent pages: numbers only, no text, so nothing to escape."""
from __future__ import annotations

from datetime import datetime
from typing import Sequence

from markupsafe import Markup

WIDTH, HEIGHT, PAD = 320, 80, 6


def sparkline(points: Sequence[tuple[datetime, float]], direction: str) -> Markup:
    """Score over time; "better" is always up, whatever the metric's direction."""
    if not points:
        return Markup("")
    times = [t.timestamp() for t, _ in points]
    scores = [s for _, s in points]
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
    dots = "".join(f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="3"/>' for cx, cy in coords)
    return Markup(
        f'<svg class="sparkline" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="score history, {len(points)} results">'
        f'<polyline points="{path}" fill="none"/>{dots}</svg>')
