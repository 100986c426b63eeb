"""A bucket that is only first generation (LEADERBOARD.md, artifacts/results/*.json, topic-named
messages; no agents/, no verification index), read and assembled as the site shows it."""
from __future__ import annotations

import json
from pathlib import Path

from builder.assemble import assemble
from builder.config import Config, MetricConfig
from builder.readers import read_inputs
from builder.sources import Bucket

BPB = MetricConfig(field="val_bpb", label="val BPB", unit="BPB", direction="lower")
BOARD_HEAD = ("| Agent | Approach | val_bpb | # | Submitted | Verified |\n"
              "|-------|----------|--------:|:-:|-----------|----------|\n")


def collab_of(root: Path, board_rows: str, results: dict[str, dict], head: str = BOARD_HEAD):
    (root / "LEADERBOARD.md").write_text("# Leaderboard\n\n" + head + board_rows)
    folder = root / "artifacts" / "results"
    folder.mkdir(parents=True)
    for name, fields in results.items():
        (folder / name).write_text(json.dumps(fields))
    files = tuple(sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()))
    config = Config(metric=BPB)
    inputs = read_inputs(Bucket(root=root, files=files), config)
    return assemble(inputs, config), inputs.problems


def test_a_decimal_comma_score_is_the_files_score_and_its_invalid_verdict_unranks_it(tmp_path):
    collab, _ = collab_of(tmp_path, (
        "| agent-03 | int6 QAT | 1.1748 | 1 | 2026-04-27 | ✅ |\n"
        "| agent-09 | lr warmdown | 1,2140 | 2 | 2026-04-25 | ❌ over budget |\n"
    ), {
        "qat_agent-03.json": {"agent_id": "agent-03", "timestamp": "2026-04-27T09:12:44Z",
                              "experiment": "int6-qat", "val_bpb": 1.1748},
        "warmdown_agent-09.json": {"agent_id": "agent-09", "timestamp": "2026-04-25T20:15:00Z",
                                   "experiment": "lr-warmdown", "val_bpb": 1.2140},
    })
    board = collab.leaderboard
    assert [(e.result.agent, e.result.score) for e in board.all] == [("agent-03", 1.1748)]
    assert [(r.agent, r.score, r.origin) for r in board.invalid] == [
        ("agent-09", 1.214, "results-json")]


def test_table_dates_as_people_write_them_date_the_rows_and_an_unreadable_one_is_reported(tmp_path):
    collab, problems = collab_of(tmp_path, (
        "| agent-03 | int6 QAT | 1.1748 | 1 | 27/04/2026 | ✅ |\n"
        "| agent-07 | muon wd | 1.1801 | 2 | Apr 26, 2026 14:30 | ✅ |\n"
        "| agent-12 | ema | ~1.19 | 3 | Apr 26 | ⏳ |\n"
        "| agent-05 | tied emb | 1.2013 | 4 | 04/05/2026 | |\n"
        "| **Baseline** | 9L 512d | 1.2244 | — | — | — |\n"
    ), {})
    dates = {e.result.agent: e.result.timestamp for e in collab.leaderboard.all}
    assert {agent: t and t.isoformat() for agent, t in dates.items()} == {
        "agent-03": "2026-04-27T00:00:00+00:00",
        "agent-07": "2026-04-26T14:30:00+00:00",
        "agent-12": "2026-04-26T00:00:00+00:00",     # the year of the table's other dates
        "agent-05": None,                            # 4 May or April 5th: not guessed
    }
    assert [p.reason for p in problems] == [
        "row 4 (agent-05): date '04/05/2026' is not read (it needs a day, a month and a year, in "
        "an order that reads one way only); the row has no date"]


def test_a_table_row_repeating_a_result_file_gives_it_the_links_and_columns_only_the_row_has(tmp_path):
    run = "https://huggingface.co/buckets/org/golf/tree/artifacts/int6-qat_agent-03"
    collab, _ = collab_of(tmp_path, f"| 1 | agent-03 | 1.1748 BPB | 15.8 MB | [run]({run}) |\n", {
        "qat_agent-03.json": {"agent_id": "agent-03", "timestamp": "2026-04-27T09:12:44Z",
                              "val_bpb": 1.1748, "log": "https://example.org/log.txt"},
    }, head="| # | Agent | val_bpb | Size | Links |\n|---|---|---|---|---|\n")
    (result,) = collab.results
    assert result.origin == "results-json"
    assert [(link.label, link.url) for link in result.links] == [
        ("log", "https://example.org/log.txt"), ("run", run)]
    assert ("Size", "15.8 MB") in result.extra


def test_a_topic_written_with_underscores_titles_its_message_in_words(tmp_path):
    from builder.pages.views import message_title
    from builder.readers.kinds import InputFile
    from builder.readers.messages import read_message
    path = "message_board/20260427-130000_human-orga_answer_budget_question.md"
    (message,) = read_message(InputFile(path, "Yes, code + weights."), Config()).messages
    assert message.agent == "human-orga"
    assert message_title(message, "") == "answer budget question"
