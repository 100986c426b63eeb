from datetime import date, datetime, timedelta, timezone

import pytest

from builder.readers.values import (
    Dated, best_timestamp, parse_number, parse_stamped_filename, parse_timestamp, timestamp_from_filename,
)

UTC = timezone.utc


@pytest.mark.parametrize("value, expected", [
    ("2026-06-13 23:04 UTC", datetime(2026, 6, 13, 23, 4, tzinfo=UTC)),
    ("2026-06-13 23:04:05 UTC", datetime(2026, 6, 13, 23, 4, 5, tzinfo=UTC)),
    ("2026-04-25T14:30:00Z", datetime(2026, 4, 25, 14, 30, tzinfo=UTC)),
    ("2026-06-21T05:47:25.903Z", datetime(2026, 6, 21, 5, 47, 25, 903000, tzinfo=UTC)),
    ("2026-06-20T17:00:00+02:00", datetime(2026, 6, 20, 15, 0, tzinfo=UTC)),
    ("2026-06-20 15:00", datetime(2026, 6, 20, 15, 0, tzinfo=UTC)),
    ("2026-06-20T15:00", datetime(2026, 6, 20, 15, 0, tzinfo=UTC)),
    ("20260621T170238Z", datetime(2026, 6, 21, 17, 2, 38, tzinfo=UTC)),
    ("2026-06-17", datetime(2026, 6, 17, tzinfo=UTC)),
    ("  2026-06-13 23:04 UTC\n", datetime(2026, 6, 13, 23, 4, tzinfo=UTC)),
    ("27/04/2026", datetime(2026, 4, 27, tzinfo=UTC)),           # dates as tables write them
    ("04/27/2026 14:30", datetime(2026, 4, 27, 14, 30, tzinfo=UTC)),
    ("27.04.2026", datetime(2026, 4, 27, tzinfo=UTC)),
    ("Apr 27, 2026", datetime(2026, 4, 27, tzinfo=UTC)),
    ("27 September 2026 09:05 UTC", datetime(2026, 9, 27, 9, 5, tzinfo=UTC)),
    (datetime(2026, 6, 13, 23, 4), datetime(2026, 6, 13, 23, 4, tzinfo=UTC)),
    (datetime(2026, 6, 14, 1, 4, tzinfo=timezone(timedelta(hours=2))), datetime(2026, 6, 13, 23, 4, tzinfo=UTC)),
    (date(2026, 6, 17), datetime(2026, 6, 17, tzinfo=UTC)),
])
def test_parse_timestamp_reads_every_observed_form(value, expected):
    parsed = parse_timestamp(value)
    assert parsed == expected
    assert parsed.utcoffset() == timedelta(0)


@pytest.mark.parametrize("value", [
    None, "", "yesterday", "2026-13-45 10:00 UTC", "last tuesday at 5", 1718000000, True, ["2026-06-17"],
    "9" * 100, "04/05/2026", "31/02/2026", "Apr 27", "Mayday 3, 2026",
])
def test_parse_timestamp_refuses_what_is_not_a_time(value):
    assert parse_timestamp(value) is None


@pytest.mark.parametrize("name, expected", [
    ("20260613-230441-229_cmpatino-verifier.md", datetime(2026, 6, 13, 23, 4, 41, 229000, tzinfo=UTC)),
    ("message_board/20260425-143000_agent-01_status-update.md", datetime(2026, 4, 25, 14, 30, tzinfo=UTC)),
    ("2026-06-20-hayai-repro-result.md", datetime(2026, 6, 20, tzinfo=UTC)),
    ("hayai-repro-result.md", None),
    ("20261399-250000_agent.md", None),
    ("README.md", None),
])
def test_timestamp_from_filename(name, expected):
    assert timestamp_from_filename(name) == expected


def test_best_timestamp_prefers_the_filenames_milliseconds_within_the_same_minute():
    name = "20260613-230441-229_cmpatino-verifier.md"
    assert best_timestamp("2026-06-13 23:04 UTC", name) == Dated(
        datetime(2026, 6, 13, 23, 4, 41, 229000, tzinfo=UTC))


def test_best_timestamp_trusts_the_frontmatter_when_the_filename_disagrees():
    name = "20260425-143000_agent-01_status-update.md"
    assert best_timestamp("2026-04-26 09:00 UTC", name) == Dated(datetime(2026, 4, 26, 9, 0, tzinfo=UTC))


@pytest.mark.parametrize("stated, days", [("2099-01-01 00:00 UTC", "26,548 days"),
                                           ("2026-04-27 15:00 UTC", "2 days")])
def test_a_time_days_from_the_filenames_is_a_mistake_reported_and_the_filenames_is_used(
        stated, days):
    dated = best_timestamp(stated, "20260425-143000_agent-01_status-update.md")
    assert dated.time == datetime(2026, 4, 25, 14, 30, tzinfo=UTC)
    assert dated.notes == (f"timestamp {stated} is {days} from the file name's time "
                           "2026-04-25 14:30 UTC; the file name's is used",)


def test_best_timestamp_falls_back_to_the_filename_and_says_so():
    assert best_timestamp("not a time", "20260425-143000_a_b.md") == Dated(
        datetime(2026, 4, 25, 14, 30, tzinfo=UTC),
        ("timestamp 'not a time' is not a valid time; the file name's time 2026-04-25 14:30 UTC "
         "is used",))
    assert best_timestamp(None, "notes.md") == Dated(None)
    assert best_timestamp("", "20260425-143000_a_b.md").notes == ()


def test_both_times_impossible_leaves_the_record_undated_with_both_reasons():
    dated = best_timestamp("2026-02-30 10:00 UTC", "20260230-100000_a_b.md")
    assert dated.time is None
    assert dated.notes == (
        "the file name's time '20260230-100000' is not a real date and time; shown undated",
        "timestamp '2026-02-30 10:00 UTC' is not a valid time; shown undated")


@pytest.mark.parametrize("name, agent, topic", [
    ("20260613-230441-229_cmpatino-verifier.md", "cmpatino-verifier", ""),
    ("20260425-143000_agent-01_status-update.md", "agent-01", "status-update"),
    ("20260620-150043-363_sparkgemma-grm-3-1.md", "sparkgemma-grm-3-1", ""),
    # Gen 1 agent ids may contain `_` by accident: the first `_` ends the agent.
    ("20260425-143000_my_agent_status.md", "my", "agent_status"),
])
def test_parse_stamped_filename_both_grammars(name, agent, topic):
    stamped = parse_stamped_filename(name)
    assert (stamped.agent, stamped.topic) == (agent, topic)


@pytest.mark.parametrize("name", ["README.md", "2026-06-17-intro.md", "20260425-143000.md", "20260425_x.md"])
def test_parse_stamped_filename_rejects_other_names(name):
    assert parse_stamped_filename(name) is None


@pytest.mark.parametrize("value, expected", [
    (506.74, 506.74),
    (42, 42.0),
    ("1.2244 BPB", 1.2244),
    ("**14,623,723**", 14623723.0),
    ("~1.08", 1.08),
    ("~26 M", 26.0),
    ("481.53 TPS / PPL 2.3772", 481.53),
    ("1_000", 1000.0),
    ("12.5%", 12.5),
    ("🏆 512.59 ⏳", 512.59),
    ("[1.1874](https://example.org/run/42)", 1.1874),
    ("`1.2011`", 1.2011),
    ("_1.2101_", 1.2101),
    ("−0.5", -0.5),
    ("-3", -3.0),
    ("1e-3", 0.001),
    ("1.5E+3", 1500.0),
    ("v2: 1.30", 1.30),
    ("126.46–126.71", 126.46),
    ("  .5 ", 0.5),
    ("1,2140", 1.214),                 # a decimal comma: no thousands group has four digits
    ("0,95 BPB", 0.95),
    ("**12,5** %", 12.5),
])
def test_parse_number_finds_the_score(value, expected):
    assert parse_number(value) == pytest.approx(expected)


@pytest.mark.parametrize("value", [
    None, True, False, "", "n/a", "—", "TBD", "nan", "NaN", "inf", "-Infinity",
    float("nan"), float("inf"), "1e400", "9" * 400, 10 ** 400, [1.2], {"tps": 1.0},
])
def test_parse_number_returns_none_for_unusable_values(value):
    assert parse_number(value) is None


def test_a_hostile_score_text_costs_one_pass():
    # "[" without "]" made the link pattern rescan the rest of the text from every bracket.
    assert parse_number("[" * 200_000 + " 1.5 BPB") == 1.5
    assert parse_number("[x](" * 50_000 + " 2.5") == 2.5
