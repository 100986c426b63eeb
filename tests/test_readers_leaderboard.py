from datetime import datetime, timezone
from pathlib import Path

import pytest

from builder.config import Config, MetricConfig
from builder.model import NOTE, PROBLEM, Link
from builder.readers import leaderboard
from builder.readers.leaderboard import find_tables, split_cells
from tests.readers_support import read_one

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "readers"
BPB = MetricConfig(field="val_bpb", label="BPB", unit="BPB", direction="lower")
TPS = MetricConfig(field="tps", label="TPS", unit="tok/s", secondary_field="ppl", secondary_label="PPL")
UTC = timezone.utc


def read_leaderboard(path, data, metric):
    found = read_one(leaderboard.read_leaderboard, path, data, Config(metric=metric))
    return found.results, found.problems


@pytest.fixture(scope="module")
def gen1_board():
    data = (FIXTURES / "gen1-bucket" / "LEADERBOARD.md").read_bytes()
    results, problems = read_leaderboard("LEADERBOARD.md", data, BPB)
    return {r.agent: r for r in results}, results, problems


def test_reads_the_first_table_with_a_score_not_the_targets_or_the_code_fence(gen1_board):
    by_agent, results, _ = gen1_board
    assert [r.agent for r in results] == ["agent-03", "agent-01", "agent-07", "Baseline", "agent-02", "agent-05"]
    assert "not-a-row" not in by_agent


def test_bold_units_and_us_marker_are_cleaned(gen1_board):
    top = gen1_board[0]["agent-03"]
    assert top.score == 1.1874
    assert top.score_text == "1.1874 BPB"
    assert top.method == "int6 QAT + sliding window eval"
    assert top.id == "lb-1-agent-03"
    assert top.origin == "leaderboard" and top.source_path == "LEADERBOARD.md"


def test_emoji_status_cells_become_verification(gen1_board):
    by_agent = gen1_board[0]
    assert by_agent["agent-03"].verification == "valid"
    assert by_agent["agent-01"].verification == "pending"
    assert by_agent["agent-07"].verification == "invalid"
    assert by_agent["agent-05"].verification == "pending"
    assert by_agent["Baseline"].verification is None


def test_escaped_pipe_stays_inside_its_cell(gen1_board):
    row = gen1_board[0]["agent-01"]
    assert row.method == "muon | lr sweep"
    assert row.score == 1.2015
    assert row.timestamp == datetime(2026, 4, 26, 14, 30, tzinfo=UTC)


def test_links_are_collected_from_markdown_and_bare_urls(gen1_board):
    by_agent = gen1_board[0]
    assert by_agent["agent-03"].links == (Link(
        "log", "https://huggingface.co/buckets/ml-intern-explorers/parameter-golf-collab/resolve/"
               "artifacts/qat_agent-03/train_log.txt"),)
    assert by_agent["agent-07"].links == (Link("https://example.org/agent-07/run", "https://example.org/agent-07/run"),)


def test_dates_in_several_forms(gen1_board):
    by_agent = gen1_board[0]
    assert by_agent["agent-03"].timestamp == datetime(2026, 4, 27, tzinfo=UTC)
    assert by_agent["agent-07"].timestamp == datetime(2026, 4, 28, 9, 15, tzinfo=UTC)
    assert by_agent["agent-05"].timestamp is None


def test_baseline_rows_by_agent_or_method(gen1_board):
    by_agent = gen1_board[0]
    assert by_agent["Baseline"].status == "baseline"
    assert by_agent["Baseline"].score == 1.2244
    assert by_agent["agent-05"].status == "baseline"   # its method "reproduce the baseline ..."
    assert by_agent["agent-03"].status == "agent-run"


def test_short_row_without_score_is_kept_and_reported(gen1_board):
    by_agent, _, problems = gen1_board
    crashed = by_agent["agent-02"]                      # `🥈 @agent-02`, only four cells
    assert crashed.score is None
    assert crashed.method == "tied embeddings (crashed)"
    assert crashed.id == "lb-5-agent-02"
    assert [p.reason for p in problems] == ["row 5 (agent-02): no usable BPB in 'n/a'; listed without a score"]


def test_an_empty_score_cell_is_a_note_and_a_score_not_read_a_problem():
    """A baseline or a row not yet scored leaves its score cell empty (or a dash): the table shows
    it as written, so it is a note, no longer a problem `--strict` fails on. A cell whose text is
    no number, or that holds only an image, is not shown as written: still a problem, saying what
    was in it."""
    text = ("| Agent | BPB | Method |\n|---|---|---|\n"
            "| Baseline |  | the reference run |\n"
            "| agent-04 | — | queued |\n"
            "| agent-06 | | |\n"
            "| agent-08 | TBD | queued |\n"
            "| agent-09 | ![](badge.svg) | pictured |\n")
    results, problems = read_leaderboard("LEADERBOARD.md", text.encode(), BPB)
    assert [(r.agent, r.score) for r in results] == [
        ("Baseline", None), ("agent-04", None), ("agent-06", None), ("agent-08", None),
        ("agent-09", None)]
    assert [(p.reason, p.level) for p in problems] == [
        ("row 1 (Baseline): no BPB given (its cell is empty); listed without a score", NOTE),
        ("row 2 (agent-04): no BPB given (its cell is empty); listed without a score", NOTE),
        ("row 3 (agent-06): no BPB given (its cell is empty); listed without a score", NOTE),
        ("row 4 (agent-08): no usable BPB in 'TBD'; listed without a score", PROBLEM),
        ("row 5 (agent-09): no usable BPB in '![](badge.svg)'; listed without a score", PROBLEM)]


def test_italic_agent_and_extra_cell_survive(gen1_board):
    row = gen1_board[0]["agent-07"]
    assert row.score == 1.2101
    assert row.extra == ()   # the stray cell beyond the header is dropped, not shifted in


def test_unit_header_and_self_marker_as_agents_write_them():
    text = (
        "| # | agent | tok/s | verif |\n"
        "|--:|-------|------:|:-----:|\n"
        "| 1 | gemma-slayer | 512.59 | ⏳ pending |\n"
        "| 2 | **mikasa-inbound (us)** | **506.74** | ✅ valid |\n"
        "| 3 | kenyan-duma | 419.34 | ❌ invalid |\n"
    )
    results, problems = read_leaderboard("LEADERBOARD.md", text.encode(), TPS)
    assert problems == ()
    assert [(r.agent, r.score, r.verification) for r in results] == [
        ("gemma-slayer", 512.59, "pending"),
        ("mikasa-inbound", 506.74, "valid"),
        ("kenyan-duma", 419.34, "invalid"),
    ]


def test_thousands_commas_backticks_and_author_in_parentheses():
    # The style of the Hutter README's reference table.
    metric = MetricConfig(field="total_bytes", label="Total size", unit="bytes", direction="lower")
    text = (
        "| Compressor | Total (bytes) | Bpc | Notes |\n"
        "|---|---:|---:|---|\n"
        "| `cmix v21` (Knoll) | **14,623,723** | 1.17 | best known |\n"
        "| `paq8px` | ~15,000,000 | ~1.2 | approx. |\n"
    )
    results, problems = read_leaderboard("LEADERBOARD.md", text, metric)
    assert problems == ()
    assert [(r.agent, r.score) for r in results] == [("cmix v21 (Knoll)", 14623723.0), ("paq8px", 15000000.0)]
    assert results[0].score_text == "14,623,723"
    assert results[0].method == "best known"   # no method column: notes stand in
    assert results[0].extra == (("Bpc", "1.17"),)


def test_secondary_column_and_notes():
    text = (
        "| Rank | Author | TPS | PPL | Approach | When |\n"
        "|---|---|---|---|---|---|\n"
        "| 1 | ml-intern | 119.82 | 2.0136 | int4-lmhead, **channel head** | 2026-06-08 |\n"
    )
    (result,), _ = read_leaderboard("LEADERBOARD.md", text, TPS)
    assert (result.agent, result.score, result.secondary, result.secondary_text) == ("ml-intern", 119.82, 2.0136, "2.0136")
    assert result.method == "int4-lmhead, channel head"
    assert result.timestamp == datetime(2026, 6, 8, tzinfo=UTC)


def test_no_table_is_one_problem_and_no_results():
    results, problems = read_leaderboard("LEADERBOARD.md", b"Deprecated; data lives in results/.\n", TPS)
    assert results == ()
    assert [p.reason for p in problems] == ["no markdown table found"]


def test_tables_without_a_score_column_are_reported():
    text = "| agent | notes |\n|---|---|\n| a | b |\n"
    results, problems = read_leaderboard("LEADERBOARD.md", text, BPB)
    assert results == ()
    assert "no table has a score column" in problems[0].reason


def test_binary_junk_never_raises():
    junk = bytes(range(256)) * 20 + b"|\n|---|\n|\xff|\n"
    results, problems = read_leaderboard("LEADERBOARD.md", junk, BPB)
    assert results == () and len(problems) == 1


def test_html_and_entities_in_cells_become_plain_text():
    text = "| agent | score |\n|---|---|\n| <b>eve</b> &amp; co | 1.5<br>(rerun) |\n"
    (result,), _ = read_leaderboard("LEADERBOARD.md", text, MetricConfig())
    assert (result.agent, result.score, result.score_text) == ("eve & co", 1.5, "1.5 (rerun)")


def test_split_cells_handles_missing_outer_pipes_and_escapes():
    assert split_cells("a | b \\| c | d") == ("a", "b | c", "d")
    assert split_cells("| x |  |") == ("x", "")


def test_find_tables_ignores_fenced_tables():
    text = "~~~\n| a | b |\n|---|---|\n| 1 | 2 |\n~~~\n\n| c | d |\n|---|---|\n| 3 | 4 |\n"
    assert [t.header for t in find_tables(text)] == [("c", "d")]


@pytest.mark.parametrize("junk", ["[" * 200_000, "_a " * 70_000, "[a](b \"" * 30_000])
def test_hostile_cells_cost_one_pass_not_hours(junk):
    # Before linear patterns, 40 kB of "[" took 15 s here (and grew with the cube of the size).
    text = f"| agent | score | notes |\n|---|---|---|\n| senpai | 1.5 | {junk} |\n"
    (row,), problems = read_leaderboard("LEADERBOARD.md", text, TPS)
    assert (row.agent, row.score, problems) == ("senpai", 1.5, ())


def test_a_table_wider_than_anyone_reads_keeps_its_first_columns():
    header = "| agent | score |" + " x |" * 100_000
    text = f"{header}\n|---|---|\n| senpai | 1.5 |\n"
    (row,), problems = read_leaderboard("LEADERBOARD.md", text, TPS)
    assert (row.agent, row.score) == ("senpai", 1.5)
    assert [p.reason for p in problems] == ["the table's last 99,952 columns are ignored (only 50 are read)"]


def test_a_rows_agent_with_a_zero_width_space_is_read_without_it_and_reported():
    found = read_one(leaderboard.read_leaderboard, "LEADERBOARD.md",
                     "| agent | tps |\n|---|---|\n| bo\u200bb | 5 |\n", Config(metric=TPS))
    assert [r.agent for r in found.results] == ["bob"]
    assert any("(U+200B); read without them" in p.reason for p in found.problems)
