"""The readers over every real message, result draft and agent-written score table in the shared
corpus (files written by real agents and servers; read in place, never copied into the repo)."""
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

import pytest

from builder.config import Config, MetricConfig
from builder.readers import leaderboard, messages, results
from tests.readers_support import read_one

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "agent-collab-corpus"
if not CORPUS.is_dir():
    pytest.skip("the shared agent-collab corpus is not present", allow_module_level=True)

DRAFTS = CORPUS / "gemma-mikasa-inbound" / "drafts"
TPS = MetricConfig(field="tps", label="TPS", unit="tok/s", secondary_field="ppl", secondary_label="PPL")
UTC = timezone.utc


def read_message(path, data):
    found = read_one(messages.read_message, path, data)
    return (found.messages[0] if found.messages else None), found.problems


def read_result_md(path, data, metric):
    found = read_one(results.read_result_md, path, data, Config(metric=metric))
    return (found.results[0] if found.results else None), found.problems


def read_leaderboard(path, data, metric):
    found = read_one(leaderboard.read_leaderboard, path, data, Config(metric=metric))
    return found.results, found.problems

# file -> (tps, ppl as written or "" when absent, status, method)
RESULT_DRAFTS = {
    "2026-06-20-dixie16k-result.md": (287.64, "", "agent-run", "triton-mtp-k7-pck04-dixie16k"),
    "2026-06-20-hayai-repro-result.md": (506.74, "2.394", "agent-run", "hayai-repro-splitkv-w192-ctk48-12k-mtp-k7"),
    "2026-06-20-w160-ctk44-result.md": (511.69, "2.408", "agent-run", "int4-pck04-12k-splitkv-w160-ctk44-mtp-k7"),
    "2026-06-23-g256-result.md": (461.01, "2.5628", "negative", "osoi5-g256-coarsequant"),
    "hayai-repro-result.md": (506.74, "2.394", "agent-run", "hayai-repro-splitkv-w192-ctk48-12k-mtp-k7"),
    "int4-spec-v1.md": (507.34, "2.4074", "agent-run", "int4-pck04-12k-splitkv-w160-ctk44-mtp-k7"),
    "osoi5-g256-negative.md": (461.01, "2.5628", "negative", "osoi5-g256-coarsequant"),
    "qatct-loop-v1-result.md": (233.64, "2.00566", "agent-run", "qatct-faithful-loopgraph-v1"),
    "qatct-quality-v2-result.md": (238.02, "2.00550", "agent-run", "qatct-quality-faithful-fullengine"),
    "vllm-mtp-w4a16-v23-result.md": (224.04, "", "agent-run", "triton-mtp-k7-w4a16-v23"),
    "w160-ctk44-result.md": (511.69, "2.408", "agent-run", "int4-pck04-12k-splitkv-w160-ctk44-mtp-k7"),
    "warmup-w188-508.md": (508.25, "2.3934", "agent-run", "w188-ctk49-n64-warmup"),
}
MESSAGE_DRAFTS = {"2026-06-17-intro.md"}

def test_every_draft_in_the_corpus_is_covered():
    assert {p.name for p in DRAFTS.glob("*.md")} == set(RESULT_DRAFTS) | MESSAGE_DRAFTS


def test_the_real_verifier_message():
    path = CORPUS / "gemma-main-bucket" / "message_board" / "20260613-230441-229_cmpatino-verifier.md"
    message, problems = read_message("message_board/" + path.name, path.read_bytes())
    assert problems == ()
    assert message.type == "verification"
    assert message.refs == ("20260613-224956-731_senpai",)
    assert message.via == "server"
    assert message.agent == "cmpatino-verifier"
    assert message.timestamp == datetime(2026, 6, 13, 23, 4, 41, 229000, tzinfo=UTC)
    assert message.body.startswith("🎉 @senpai your result `20260613-224956-731_senpai.md`")
    assert "**VERIFIED VALID**" in message.body
    assert "| re-run PPL | 2.3777 | ≤ 2.42 ✅ |" in message.body


def test_the_real_message_draft_before_and_after_promotion():
    data = (DRAFTS / "2026-06-17-intro.md").read_bytes()
    # Under its draft name it is not a board file ...
    message, problems = read_message("message_board/2026-06-17-intro.md", data)
    assert message is None and problems[0].reason.startswith("ignored: not named like a message")
    # ... and under the name the server gives it, the client keys survive.
    message, problems = read_message("message_board/20260617-093000-120_mikasa-inbound.md", data)
    assert problems == ()
    assert (message.agent, message.type, message.refs) == ("mikasa-inbound", "agent", ())
    assert message.extra == (("priority", "high"),)
    assert message.body.startswith("# mikasa-inbound joining\n\nHello team")


@pytest.mark.parametrize("name", sorted(RESULT_DRAFTS))
def test_every_real_result_draft(name):
    tps, ppl_text, status, method = RESULT_DRAFTS[name]
    result, problems = read_result_md(f"drafts/{name}", (DRAFTS / name).read_bytes(), TPS)
    assert result.score == tps
    assert result.score_text == repr(tps)
    assert result.secondary_text == ppl_text
    assert result.secondary == (float(ppl_text) if ppl_text else None)
    assert (result.status, result.method) == (status, method)
    assert len(result.description) > 100
    assert result.body
    # Drafts carry no server-stamped agent; only two name it through the client key agent_id.
    if name.startswith("qatct"):
        assert (result.agent, problems) == ("mikasa-inbound", ())
    else:
        assert result.agent == "unknown"
        assert [p.reason for p in problems] == ["no agent in the file or its name; listed as 'unknown'"]


def test_real_draft_links_and_artifacts():
    result, _ = read_result_md("drafts/qatct-loop-v1-result.md", (DRAFTS / "qatct-loop-v1-result.md").read_bytes(), TPS)
    assert [link.label for link in result.links] == ["submission", "artifacts"]
    assert result.links[0].url == "hf://buckets/gemma-challenge/gemma-mikasa-inbound/submissions/mikasa-inbound/qatct-loop-v1"
    result, _ = read_result_md("drafts/warmup-w188-508.md", (DRAFTS / "warmup-w188-508.md").read_bytes(), TPS)
    assert result.artifacts == ("noise-507-20260624T050657Z-a",)   # a bare run prefix, not a link
    assert "noise-507-20260624T050657Z-a" not in [link.url for link in result.links]


def test_hand_quoted_description_with_a_colon():
    result, _ = read_result_md("drafts/osoi5-g256-negative.md", (DRAFTS / "osoi5-g256-negative.md").read_bytes(), TPS)
    assert result.description == ("osoi5 int4 body g128 to g256 on the 506.74 hayai stack regresses to 461 tps "
                                  "(drafter collapse) and ppl 2.56 (over 2.42 cap, invalid)")


def test_byte_identical_drafts_read_the_same_apart_from_name_and_date():
    dated, _ = read_result_md("drafts/2026-06-20-hayai-repro-result.md",
                              (DRAFTS / "2026-06-20-hayai-repro-result.md").read_bytes(), TPS)
    plain, _ = read_result_md("drafts/hayai-repro-result.md", (DRAFTS / "hayai-repro-result.md").read_bytes(), TPS)
    assert dated.timestamp == datetime(2026, 6, 20, tzinfo=UTC)   # date-only draft name
    assert plain.timestamp is None
    assert replace(dated, id="", source_path="", timestamp=None) == replace(plain, id="", source_path="")


def test_a_real_agent_written_score_table():
    path = CORPUS / "gemma-main-bucket" / "shared_resources" / "int4_ceiling_notes_ml-intern" / "README.md"
    results, problems = read_leaderboard("int4_ceiling_notes/README.md", path.read_bytes(), TPS)
    assert problems == ()
    rows = [(r.agent, r.score, r.secondary, r.method, r.status) for r in results]
    assert rows[0] == ("baseliner", 43.997, 2.302, "bf16 baseline", "baseline")
    assert rows[4] == ("ml-intern", 119.82, 2.0136, "int4-lmhead, channel head", "agent-run")
    assert rows[6][:3] == ("ml-intern", 126.8, 2.03)                 # `~126.8*` / `~2.03*`
    assert rows[7][:3] == ("too-fast / ml-intern", 126.46, 2.03)    # a range: its first number
    assert len(rows) == 9
