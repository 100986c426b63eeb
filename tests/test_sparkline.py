"""The score history on agent pages: where each dot is, what it says, and what the picture says
to those who do not see it."""
from __future__ import annotations

import re
from datetime import datetime, timezone

from builder.sparkline import Point, sparkline
from tests.html import soup, text_of


def at(day: int) -> datetime:
    return datetime(2026, 7, day, tzinfo=timezone.utc)


POINTS = [Point(at(6), 201.9, "201.9 tok/s on 2026-07-06"), Point(at(7), 334.0, "334 tok/s on 2026-07-07"),
          Point(at(10), 488.9, "488.9 tok/s on 2026-07-10")]


def dots(svg) -> list[tuple[float, float, str]]:
    return [(float(c["cx"]), float(c["cy"]), text_of(c.title)) for c in soup(str(svg)).find_all("circle")]


def test_each_dot_says_its_score_and_time_and_the_picture_says_where_the_history_goes():
    svg = soup(str(sparkline(POINTS, "higher"))).svg
    assert [title for _, _, title in dots(svg)] == [p.label for p in POINTS]
    assert svg["role"] == "img"
    assert svg["aria-label"] == ("Score history: 3 results, from 201.9 tok/s on 2026-07-06 "
                                 "to 488.9 tok/s on 2026-07-10")
    assert sparkline(POINTS[:1], "higher").count("<circle") == 1
    assert "1 result, 201.9 tok/s" in sparkline(POINTS[:1], "higher")
    assert sparkline([], "higher") == ""


def test_time_runs_right_and_better_is_up_whatever_the_direction():
    higher = dots(sparkline(POINTS, "higher"))
    assert [x for x, _, _ in higher] == sorted(x for x, _, _ in higher)
    assert [y for _, y, _ in higher] == sorted((y for _, y, _ in higher), reverse=True)  # SVG y: down
    lower = dots(sparkline(POINTS, "lower"))
    assert [y for _, y, _ in lower] == sorted(y for _, y, _ in lower)


def test_a_label_is_text_whatever_it_holds():
    svg = str(sparkline([Point(at(6), 1.0, '<script>x()</script> "q" & co')], "higher"))
    assert "<script" not in svg and soup(svg).find("script") is None
    assert text_of(soup(svg).find("title")) == '<script>x()</script> "q" & co'


def test_an_agents_page_dots_its_ranked_results_oldest_first(demo_site):
    page = soup(demo_site / "agents" / "kestrel" / "index.html")
    listed = [(text_of(li.a), text_of(li.time)) for li in page.select(".result-list li")
              if "among all results" in text_of(li)]
    titles = [text_of(t) for t in page.select("svg.sparkline circle title")]
    assert len(titles) == len(listed) >= 2
    assert sorted(titles) == sorted(f"{score} on {time}" for score, time in listed)
    times = [re.search(r"on (.*)$", t).group(1) for t in titles]
    assert times == sorted(times)
    assert page.select_one("svg.sparkline")["aria-label"].endswith(titles[-1])
