"""The one formatting module: every display of a value agrees."""
from datetime import datetime, timedelta, timezone

import pytest

from builder import format as fmt

T = datetime(2026, 7, 9, 8, 12, 26, tzinfo=timezone.utc)


def test_times_are_shown_in_utc_whatever_zone_they_came_in():
    paris = T.astimezone(timezone(timedelta(hours=2)))
    assert fmt.when(paris) == "2026-07-09 08:12 UTC"
    assert fmt.iso(paris) == "2026-07-09T08:12:26Z"
    assert fmt.day(paris) == "Thursday 9 July 2026"
    assert fmt.when_in_column(paris) == "2026-07-09 08:12"          # under "Date (UTC)"
    assert fmt.clock_in_column(paris) == "08:12" and fmt.clock_in_column(None) == ""
    assert fmt.when(T.replace(tzinfo=None)) == "2026-07-09 08:12 UTC"


def test_unknown_values_have_one_spelling():
    assert fmt.when(None) == fmt.duration(None) == fmt.size(None) == fmt.count(None) == "—"
    assert fmt.iso(None) == ""


@pytest.mark.parametrize("seconds, text", [
    (0, "0 s"), (42.4, "42 s"), (187, "3 min 07 s"), (7500, "2 h 05 min"), (-1, "—"),
    (float("nan"), "—"), (2700, "45 min"), (2700.4, "45 min"), (60, "1 min"), (7200, "2 h"),
    (7230, "2 h"), (3660, "1 h 01 min"), (61, "1 min 01 s"),
])
def test_durations(seconds, text):
    assert fmt.duration(seconds) == text


@pytest.mark.parametrize("n, text", [
    (0, "0 bytes"), (999, "999 bytes"), (1000, "1.0 kB"), (12_345, "12.3 kB"),
    (4_100_000, "4.1 MB"), (1_234_000_000, "1.2 GB"), (5_000_000_000_000, "5,000.0 GB"),
])
def test_sizes_are_si(n, text):
    assert fmt.size(n) == text


@pytest.mark.parametrize("value, written, shown", [
    (541.2734418006153, "541.2734418006153", "541.273"),
    (123456.7, "123456.7", "123,457"),
    (14623723.0, "**14,623,723**", "14,623,723"),
    (1.2244, "1.2244 BPB", "1.2244"),
    (1e30, "1e30", "1e+30"),
    (1e308, "1e308", "1e+308"),
    (-0.0, "-0.0", "0"),                      # no "-0"
    (1e-320, "1e-320", "1e-320"),             # a subnormal float: not "9.99989e-321"
    (-2.5e-7, "-2.5e-7", "-2.5e-7"),          # no "e-07"
    (None, "~26 M", "~26 M"),                 # no number read: shown as the agent wrote it
    (float("inf"), "inf", "inf"),
    (float("nan"), "n/a", "n/a"),
])
def test_scores_are_shown_as_people_read_them(value, written, shown):
    assert fmt.score(value, written) == shown


def test_units_are_added_once():
    assert fmt.with_unit("541.273", "tok/s") == "541.273 tok/s"
    assert fmt.with_unit("541 tok/s", "tok/s") == "541 tok/s"
    assert fmt.with_unit("", "tok/s") == ""


@pytest.mark.parametrize("written", ["n/a", ".nan", "true", "OOM", "~26 M"])
def test_no_unit_follows_what_is_no_number(written):
    assert fmt.with_unit(written, "tok/s") == written


@pytest.mark.parametrize("written", ["~26", "**14,623,723**", "1e400", "-5", "9" * 400])
def test_a_unit_follows_a_number_as_written(written):
    assert fmt.with_unit(written, "tok/s") == written + " tok/s"


def test_exact_reads_back():
    for value in (3.0, 1.2244, 0.1 + 0.2, 1e20):
        assert float(fmt.exact(value)) == value
    assert fmt.exact(3.0) == "3"


def test_short_collapses_whitespace_and_marks_the_cut():
    assert fmt.short("a\n\n b\tc", 10) == "a b c"
    assert fmt.short("abcdefghij", 5) == "abcd…"
    assert len(fmt.short("x" * 500, 80)) == 80


@pytest.mark.parametrize("items, said", [([], ""), (["traces"], "traces"),
                                         (["results", "traces"], "results and traces"),
                                         (["messages", "results", "traces"], "messages, results and traces")])
def test_in_words_lists_items_as_a_sentence_does(items, said):
    assert fmt.in_words(items) == said


@pytest.mark.parametrize("written, shown", [
    ("\x1b[1;31mFAILED\x1b[0m 3 tests", "FAILED 3 tests"),                 # colours
    ("\x1b]0;my title\x07done", "done"),                                     # a window title
    ("a\x07b\x08c\x0cd\x7fe\x85f\ufffeg", "abcdefg"),                        # controls, U+FFFE
    ("half \ud800 a character", "half \ufffd a character"),                  # a lone surrogate
    ("tab\tand\r\nlines\n", "tab\tand\r\nlines\n"),                          # kept as written
    ("plain ünïcode 😀", "plain ünïcode 😀"),
])
def test_visible_text_keeps_what_a_terminal_showed_and_drops_what_it_acted_on(written, shown):
    assert fmt.visible_text(written) == shown


@pytest.mark.parametrize("text, limit, clipped", [
    ("short  enough\n text", 40, "short enough text"),
    ("one two three four", 13, "one two…"),             # "one two three" is 13: no room for "…"
    ("one two three four", 14, "one two three…"),
    ("one, two: three", 13, "one, two…"),               # no comma or colon left before the "…"
    ("a " + "x" * 30, 10, "a xxxxxxx…"),                # a long word is cut inside it
    ("colour \x1b[31mred\x1b[0m", 40, "colour red"),
])
def test_a_description_is_cut_after_a_word(text, limit, clipped):
    assert fmt.clipped(text, limit) == clipped
    assert len(fmt.clipped(text, limit)) <= limit


def test_a_description_is_plain_text_even_of_markup():
    from markupsafe import Markup
    assert type(fmt.clipped(Markup("<b>x</b>"), 20)) is str


def test_sentences_end_in_one_stop_and_leave_out_what_is_empty():
    assert fmt.sentences("541 tok/s by halcyon", "", " fp8  kv.", "Done!") == \
        "541 tok/s by halcyon. fp8 kv. Done!"


def test_counts_and_spans_read_as_words():
    assert (fmt.counted(1, "message"), fmt.counted(1234, "result"),
            fmt.counted(2, "person", "people")) == ("1 message", "1,234 results", "2 people")
    assert fmt.span([T + timedelta(days=2), None, T]) == "2026-07-09 to 2026-07-11"
    assert (fmt.span([T, T]), fmt.span([None])) == ("2026-07-09", "")


def test_day_runs_join_the_days_that_follow_each_other_and_leave_out_days_without_a_time():
    new_year = datetime(2026, 12, 31, 23, 30, tzinfo=timezone.utc)
    assert fmt.day_runs([T + timedelta(days=2), None, T, T + timedelta(days=1, hours=3),
                         T + timedelta(days=9), new_year, new_year + timedelta(hours=1)]) == [
        "2026-07-09/2026-07-11", "2026-07-18", "2026-12-31/2027-01-01"]
    assert fmt.day_runs([None]) == []


def test_a_standing_counts_its_agents_but_not_one_alone():
    assert [fmt.standing(1, 1), fmt.standing(2, 2), fmt.standing(3, 1204)] == [
        "rank 1 of 1", "rank 2 of 2 agents", "rank 3 of 1,204 agents"]


def test_how_a_message_came_in_is_said_only_when_it_tells_a_visitor_something():
    assert fmt.posted_via("dashboard") == "posted from the dashboard"
    assert fmt.posted_via("server") == "posted by the server"
    assert [fmt.posted_via(v) for v in ("raw", "bucket", "", "<b>odd</b>")] == ["", "", "", ""]


def test_a_results_status_reads_as_words():
    assert fmt.status("agent-run") == "a run by the agent"
    assert fmt.status("baseline").startswith("baseline: ")


@pytest.mark.parametrize("column, shown", [
    ([0.9134, 0.91, 1.0], ["0.9134", "0.9100", "1.0000"]),
    ([541.2734418006153, 519.86, 501.83], ["541.273", "519.860", "501.830"]),
    ([123456.7, 1234.5, 1.5], ["123,456.7", "1,234.5", "1.5"]),      # thousands grouped in all
    ([1234.5, 2.25], ["1234.50", "2.25"]),                              # none grouped below 100,000
    ([0.000123457, 0.5], ["0.000123457", "0.500000"]),                  # at most 6 decimals added
    ([12345678.9, 3.25], ["12,345,679", "3.25"]),                       # at most 8 digits, but no
    ([12345678.9, 0.0004], ["12,345,679", "0.0004"]),                   # digit of a score cut
    ([-0.0, 0.25], ["0.00", "0.25"]),                                   # no "-0.00"
    ([123456.78, -0.001], ["123,456.78", "-0.001"]),                    # nor "-0.00" for one below 0
    ([1e-320, 0.25], ["1e-320", "0.25"]),                               # a subnormal keeps its exponent
    ([1e30, 2.5, -2.5e-7], ["1e+30", "2.5", "-2.5e-7"]),                # exponents as `score` writes them
    ([float("nan"), None, 0.5], ["n/a", "n/a", "0.5"]),                 # no number: what was written
    ([float("inf"), None], ["n/a", "n/a"]),
])
def test_a_columns_scores_share_their_decimals(column, shown):
    decimals, grouped = fmt.decimals_alike(column), fmt.groups_thousands(column)
    assert [fmt.score_in_column(v, "n/a", decimals, grouped) for v in column] == shown


@pytest.mark.parametrize("times, shown", [
    ([datetime(2026, 7, 6, 23, 59)], "6 Jul"),
    ([datetime(2026, 7, 7, 1), None, datetime(2026, 7, 6, 23)], "6–7 Jul"),     # in any order
    ([datetime(2026, 7, 31), datetime(2026, 8, 2)], "31 Jul – 2 Aug"),
    ([datetime(2026, 12, 31), datetime(2027, 1, 1)], "31 Dec 2026 – 1 Jan 2027"),
    ([None], ""),
])
def test_days_name_a_page_by_the_days_of_its_items(times, shown):
    assert fmt.days(times) == shown


@pytest.mark.parametrize("times, shown, spoken", [
    # a page within one day: its day and times, as a day's seven pages at 10,000 messages
    ([datetime(2026, 8, 17, 11, 40, 59), datetime(2026, 8, 17, 9, 12)],
     "17 Aug 09:12–11:40", "page 7, 17 Aug 09:12–11:40 UTC"),
    ([datetime(2026, 8, 17, 9, 12, 5), None, datetime(2026, 8, 17, 9, 12, 41)],     # one minute
     "17 Aug 09:12:05–09:12:41", "page 7, 17 Aug 09:12:05–09:12:41 UTC"),
    ([datetime(2026, 8, 17, 9, 12, 5)], "17 Aug 09:12", "page 7, 17 Aug 09:12 UTC"),  # one message
    ([datetime(2026, 8, 17, 9, 12, tzinfo=timezone(timedelta(hours=2)))],             # in UTC
     "17 Aug 07:12", "page 7, 17 Aug 07:12 UTC"),
    # across days, months and years: the days, as before
    ([datetime(2026, 8, 16, 23, 50), datetime(2026, 8, 17, 0, 10)], "16–17 Aug", "page 7, 16–17 Aug"),
    ([datetime(2026, 7, 31, 22), datetime(2026, 8, 1, 2)], "31 Jul – 1 Aug", "page 7, 31 Jul – 1 Aug"),
    ([datetime(2026, 12, 31, 23), datetime(2027, 1, 1, 1)], "31 Dec 2026 – 1 Jan 2027",
     "page 7, 31 Dec 2026 – 1 Jan 2027"),
    ([None], "", "page 7"),
])
def test_a_page_is_named_by_its_times_within_one_day_and_by_its_days_across_days(times, shown, spoken):
    assert fmt.page_span(times) == shown
    assert fmt.page_name(7, times) == spoken
    assert fmt.page_span(times, clock=False) == fmt.days(times)      # a day no other page shares
