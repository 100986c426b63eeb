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


def collab_of(root: Path, board_rows: str, results: dict[str, dict]):
    (root / "LEADERBOARD.md").write_text("# Leaderboard\n\n" + BOARD_HEAD + board_rows)
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
