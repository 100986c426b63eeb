"""The score history on agent pages: where each dot is, what it says, and what the picture says
to those who do not see it."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from builder import format as fmt
from builder.sparkline import DayCount, Point, day_bars, sparkline
from tests.html import soup, text_of


def at(day: int) -> datetime:
    return datetime(2026, 7, day, tzinfo=timezone.utc)


def point(day: int, score: float) -> Point:
    return Point(at(day), score, f"{score:g}", f"{score:g} tok/s on 2026-07-{day:02d}",
                 f"2026-07-{day:02d}")


POINTS = [point(6, 201.9), point(7, 334.0), point(10, 488.9)]


def dots(svg) -> list[tuple[float, float, str]]:
    """Each dot's place and tooltip; the tooltip shows over a wider circle than the dot."""
    out = []
    for g in soup(str(svg)).select("svg > g"):
        hit, dot = g.find_all("circle")
        assert (hit["cx"], hit["cy"]) == (dot["cx"], dot["cy"])
        assert float(hit["r"]) >= 3 * float(dot["r"])
        out.append((float(dot["cx"]), float(dot["cy"]), text_of(g.title)))
    return out


def labels(svg, kind: str) -> list[tuple[float, float, str]]:
    return [(float(t["x"]), float(t["y"]), text_of(t)) for t in soup(str(svg)).select(f"text.{kind}")]


def test_each_dot_says_its_score_and_time_and_the_picture_says_where_the_history_goes():
    svg = soup(str(sparkline(POINTS, "higher"))).svg
    assert [title for _, _, title in dots(svg)] == [p.label for p in POINTS]
    assert svg["role"] == "img"
    assert svg["aria-label"] == ("Score history: 3 results, from 201.9 tok/s on 2026-07-06 "
                                 "to 488.9 tok/s on 2026-07-10")
    assert len(dots(sparkline(POINTS[:1], "higher"))) == 1
    assert "1 result, 201.9 tok/s" in sparkline(POINTS[:1], "higher")
    assert sparkline([], "higher") == ""


def test_time_runs_right_and_better_is_up_whatever_the_direction():
    higher = dots(sparkline(POINTS, "higher"))
    assert [x for x, _, _ in higher] == sorted(x for x, _, _ in higher)
    assert [y for _, y, _ in higher] == sorted((y for _, y, _ in higher), reverse=True)  # SVG y: down
    lower = dots(sparkline(POINTS, "lower"))
    assert [y for _, y, _ in lower] == sorted(y for _, y, _ in lower)


def test_the_best_and_worst_scores_are_written_level_with_their_dots_and_the_days_under_the_ends():
    for direction in ("higher", "lower"):
        svg = sparkline(POINTS, direction)
        placed = dots(svg)
        right = max(x for x, _, _ in placed)
        values = labels(svg, "value")
        assert sorted(v for _, _, v in values) == ["201.9", "488.9"]
        for x, y, value in values:
            level = next(dy for _, dy, title in placed if title.startswith(value + " "))
            assert x > right and y == level
        first, last = labels(svg, "day")
        assert (first[0], first[2]) == (placed[0][0], "2026-07-06")
        assert (last[0], last[2]) == (placed[-1][0], "2026-07-10")
        assert first[1] == last[1] > max(y for _, y, _ in placed)
    one = sparkline(POINTS[:1], "higher")
    assert [v for _, _, v in labels(one, "value")] == ["201.9"]
    assert [d for _, _, d in labels(one, "day")] == ["2026-07-06"]
    same_day = sparkline([point(6, 1.0), point(6, 2.0)], "higher")
    assert [d for _, _, d in labels(same_day, "day")] == ["2026-07-06"]


def test_a_label_is_text_whatever_it_holds():
    hostile = '<script>x()</script> "q" & co'
    svg = str(sparkline([Point(at(6), 1.0, hostile, hostile, hostile)], "higher"))
    assert "<script" not in svg and soup(svg).find("script") is None
    assert text_of(soup(svg).find("title")) == hostile
    assert [text_of(t) for t in soup(svg).find_all("text")] == [hostile, hostile]


def test_an_agents_page_dots_its_ranked_results_oldest_first(demo_site):
    page = soup(demo_site / "agents" / "kestrel" / "index.html")
    # the table writes a score with its column's decimals and a time without the zone its head
    # names, the picture both as read alone
    listed = [(f"{fmt.score(float(tr.select_one('td.score')['data-value']))} tok/s",
               f"{text_of(tr.time)} UTC")
              for tr in page.select("#agent-results tbody tr") if text_of(tr.select_one("td.rank")).isdigit()]
    titles = [text_of(t) for t in page.select("svg.sparkline g title")]
    assert len(titles) == len(listed) >= 2
    assert sorted(titles) == sorted(f"{score} on {time}" for score, time in listed)
    times = [re.search(r"on (.*)$", t).group(1) for t in titles]
    assert times == sorted(times)
    assert page.select_one("svg.sparkline")["aria-label"].endswith(titles[-1])
    scores = sorted((float(score.split()[0]), score) for score, _ in listed)
    written = [text_of(t) + " tok/s" for t in page.select("svg.sparkline text.value")]
    assert written == [scores[-1][1], scores[0][1]]                     # the best, the worst


def day(n: int, count: int) -> DayCount:
    return DayCount(f"2026-07-{n:02d}", f"July {n}", f"/messages/#day-2026-07-{n:02d}", count)


def test_a_bar_for_each_day_with_messages_placed_by_its_calendar_day():
    figure = soup(str(day_bars([day(9, 40), day(6, 10), day(7, 1), DayCount("", "Undated", "/u", 99)])))
    bars = [(float(a.rect["x"]), float(a.rect["height"]), a["href"], text_of(a.title))
            for a in figure.select("svg a")]
    assert bars == [(0, 12, "/messages/#day-2026-07-06", "July 6: 10 messages"),
                    (10, 1.2, "/messages/#day-2026-07-07", "July 7: 1 message"),
                    (30, 48, "/messages/#day-2026-07-09", "July 9: 40 messages")]   # no bar on the 8th
    assert figure.svg["viewbox"] == "0 0 38 48"
    assert figure.svg["aria-hidden"] == "true" and all(a["tabindex"] == "-1" for a in figure.select("svg a"))
    assert figure.figcaption.get_text() == "Messages per day, July 6 to July 9. The busiest: July 9, 40 messages."


def test_one_day_or_none_draws_nothing():
    assert day_bars([]) == "" and day_bars([day(6, 3)]) == ""
    assert day_bars([day(6, 3), DayCount("", "Undated", "/u", 5)]) == ""


def history(count: int) -> list[Point]:
    """An agent's results an hour apart, getting better in fits and starts."""
    scores = [100 + i / 10 + (i * 37) % 23 for i in range(count)]
    return [Point(datetime(2026, 7, 1, tzinfo=timezone.utc) + timedelta(hours=i), s, f"{s:g}",
                  f"{s:g} tok/s, run {i}", "2026-07-01") for i, s in enumerate(scores)]


def test_a_long_history_draws_the_best_so_far_over_its_results_as_faint_dots():
    """300 results drawn through each made a solid zigzag band. A long history's line is the
    best score so far (it only ever rises: better is up, whatever the direction), each result
    a faint dot under it, and its dots with tooltips the results that set a record."""
    many = history(300)
    for direction, better in (("higher", float.__gt__), ("lower", float.__lt__)):
        svg = soup(str(sparkline(many, direction))).svg
        ys = [float(xy.split(",")[1]) for xy in svg.polyline["points"].split()]
        assert ys == sorted(ys, reverse=True) and len(ys) < 100
        assert len(svg.select("path.results")) == 1
        assert svg.select_one("path.results")["d"].count("M") == 300
        records, best = [], None
        for p in many:
            if best is None or better(p.score, best):
                records.append(p.label)
                best = p.score
        assert [label for _, _, label in dots(svg)] == records[-60:]
        assert svg["aria-label"].endswith(f"; the best, {records[-1]}")
        assert len(str(svg)) < 20_000
    short = soup(str(sparkline(many[:60], "higher"))).svg        # a short one: every result
    assert len(dots(short)) == 60 and len(short.polyline["points"].split()) == 60
    assert not short.select("path.results") and "the best" not in short["aria-label"]


def test_results_all_of_one_time_stand_in_a_column_without_a_line_that_claims_a_change():
    svg = sparkline([point(6, 1.0), point(6, 2.0), point(6, 1.5)], "higher")
    assert soup(str(svg)).find("polyline") is None
    assert len({x for x, _, _ in dots(svg)}) == 1 and len(dots(svg)) == 3
    assert soup(str(sparkline(POINTS, "higher"))).find("polyline") is not None


def test_a_history_of_one_day_says_the_hours_it_spans():
    morning, evening = (Point(at(6) + timedelta(hours=h), s, f"{s:g}", f"{s:g} tok/s", "2026-07-06",
                              f"{h:02d}:00 UTC") for h, s in ((3, 1.0), (17, 2.0)))
    days = labels(sparkline([morning, evening], "higher"), "day")
    assert [d for _, _, d in days] == ["2026-07-06 03:00 UTC", "17:00 UTC"]
    assert days[0][0] < days[1][0]


def test_a_guide_leads_from_each_labelled_dot_to_its_value():
    svg = sparkline(POINTS, "higher")
    guides = [(float(g["x1"]), float(g["y1"]), float(g["x2"]), float(g["y2"]))
              for g in soup(str(svg)).select("line.guide")]
    values = labels(svg, "value")
    placed = {title.split()[0]: (x, y) for x, y, title in dots(svg)}
    assert len(guides) == len(values) == 2
    for (x1, y1, x2, y2), (lx, ly, value) in zip(guides, values):
        assert (x1, y1) == placed[value] and y2 == ly == y1 and x1 < x2 < lx
