import json
from datetime import datetime, timezone
from pathlib import Path

import pytest

from builder.config import Config, MetricConfig
from builder.model import Link
from builder.slugs import slugify
from builder.urls import Urls
from builder.readers import results
from tests.readers_support import HIDDEN_NAMES, read_one

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "readers"
TPS = MetricConfig(field="tps", label="TPS", unit="tok/s", secondary_field="ppl", secondary_label="PPL")
BPB = MetricConfig(field="val_bpb", label="BPB", direction="lower")
UTC = timezone.utc


def read_result_md(path, data, metric):
    found = read_one(results.read_result_md, path, data, Config(metric=metric))
    return (found.results[0] if found.results else None), found.problems


def read_result_json(path, data, metric):
    found = read_one(results.read_result_json, path, data, Config(metric=metric))
    return (found.results[0] if found.results else None), found.problems


def read_md(name, metric=TPS):
    path = f"results/{name}"
    return read_result_md(path, (FIXTURES / "gen2-bucket" / path).read_bytes(), metric)


def read_json(name, metric=BPB):
    path = f"artifacts/results/{name}"
    return read_result_json(path, (FIXTURES / "gen1-bucket" / path).read_bytes(), metric)


def test_server_written_result_with_folded_description():
    result, problems = read_md("20260613-224956-731_senpai.md")
    assert problems == ()
    assert result.id == "20260613-224956-731_senpai"
    assert (result.agent, result.score, result.score_text) == ("senpai", 481.53, "481.53")
    assert (result.secondary, result.secondary_text) == (2.3772, "2.3772")
    assert result.method == "osoi5-int4-w192-mtp-k7"
    assert result.status == "agent-run"
    assert result.description.startswith("int4 (W4A16) body with an untied, vocabulary-pruned LM head (262144 -> 16384 rows)")
    assert result.description.endswith("concurrency 1. PPL <= 2.42 cap: 2.3772.")
    assert result.timestamp == datetime(2026, 6, 13, 22, 49, 56, 731000, tzinfo=UTC)
    assert result.artifacts == ("submissions/senpai/osoi5-w192-v1",)
    assert result.links == (Link("submission", "hf://buckets/gemma-challenge/gemma-senpai/submissions/senpai/osoi5-w192-v1/"),)
    assert result.extra == ()                     # "via: bucket", the server's stamp, says nothing
    assert result.body == "Output token throughput 481.53 tok/s, ppl 2.3772, 128/128 requests."
    assert (result.origin, result.source_path, result.verification) == ("results-md", "results/20260613-224956-731_senpai.md", None)


def test_negative_result_without_ppl_is_fine():
    result, problems = read_md("20260613-224956-990_kitan.md")
    assert problems == ()
    assert (result.status, result.score, result.secondary, result.secondary_text) == ("negative", 120.4, None, "")


def test_unknown_status_reads_as_agent_run_with_a_problem_and_keeps_custom_keys():
    result, problems = read_md("20260614-120000-500_firfir-cast.md")
    assert result.status == "agent-run"
    assert [p.reason for p in problems] == ["unknown status 'verified-run'; read as agent-run"]
    assert result.secondary_text == "2.00550"       # as written, trailing zero kept
    assert result.description == "firfir-cast W192 CTC=44 noprecache: beats 504.02 by 0.83 TPS"
    assert result.artifacts == ("submissions/firfir-cast/w192-ctk44-v1",
                                "hf://buckets/gemma-challenge/gemma-firfir-cast/results/w192-run1/")
    assert [link.url for link in result.links] == [
        "hf://buckets/gemma-challenge/gemma-firfir-cast/results/w192-run1/",
        "https://huggingface.co/buckets/gemma-challenge/gemma-firfir-cast/tree/submissions/w192-ctk44-v1",
    ]
    assert result.extra == (("priority", "high"),)
    assert result.body == ""


def test_missing_score_is_listed_unscored_with_a_problem():
    result, problems = read_md("20260615-080000-000_vejja.md")
    assert (result.score, result.score_text, result.agent) == (None, "", "vejja")
    assert [p.reason for p in problems] == ["no tps value (the [metric] field); listed without a score"]


def test_bad_yaml_is_not_a_result():
    result, problems = read_md("20260615-090000-000_pupa-agent.md")
    assert result is None
    assert problems[0].path == "results/20260615-090000-000_pupa-agent.md"
    assert problems[0].reason.startswith("bad YAML frontmatter")
    assert problems[0].reason.endswith("; not read as a result")        # what it cost


@pytest.mark.parametrize("text, reason", [
    ("just a body, no frontmatter\n", "no frontmatter"),
    ("---\n- tps\n- 500\n---\n", "not a mapping"),
    ("---\njust a string\n---\n", "not a mapping"),
])
def test_files_that_are_not_mappings_are_not_results(text, reason):
    result, problems = read_result_md("results/20260615-000000-000_a.md", text, TPS)
    assert result is None
    assert reason in problems[0].reason


@pytest.mark.parametrize("value, score, text", [
    ("'506.74 tok/s'", 506.74, "506.74 tok/s"),
    ("1e3", 1000.0, "1e3"),
    ("'**14,623,723**'", 14623723.0, "**14,623,723**"),
    ("'~541.2'", 541.2, "~541.2"),
    ("'≈ 541.2 TOK/S'", 541.2, "≈ 541.2 TOK/S"),
])
def test_score_in_text_form(value, score, text):
    result, problems = read_result_md("results/20260615-000000-000_a.md", f"---\ntps: {value}\n---\n", TPS)
    assert (result.score, result.score_text, problems) == (score, text, ())


@pytest.mark.parametrize("value", ["fast", ".nan", ".inf", "true", "[1, 2]", "1" + "0" * 400])
def test_unusable_score_is_reported_with_what_was_written(value):
    result, problems = read_result_md("results/20260615-000000-000_a.md", f"---\ntps: {value}\n---\n", TPS)
    assert result.score is None
    assert "is not a usable number" in problems[0].reason


@pytest.mark.parametrize("value", ["'541.2 ms'", "'2x faster'", "'12 345,6'", "'v2'",
                                   "'481.53 TPS / PPL 2.3772'", "'about 500'"])
def test_a_score_among_other_words_is_not_guessed(value):
    """A number taken out of prose could lead the board (`2x faster` is 2 on a lower-is-better
    board): the result is listed without a score, and the report says what was expected."""
    result, problems = read_result_md("results/20260615-000000-000_a.md", f"---\ntps: {value}\n---\n", TPS)
    assert result.score is None and result.score_text == value.strip("'")
    assert problems[0].reason.endswith("is not a usable number, or a number and 'tok/s';"
                                       " listed without a score")


def test_big_integer_score_keeps_its_digits_for_display():
    number = "9" * 400
    result, _ = read_result_md("results/20260615-000000-000_a.md", f"---\nnumber: {number}\n---\n",
                               MetricConfig(field="number"))
    assert result.score is None and result.score_text == number


def test_agent_and_time_fall_back_to_agent_id_then_filename():
    text = "---\nagent_id: mikasa-inbound\ntps: 233.64\n---\n"
    result, problems = read_result_md("results/20260620-150043-363_someone-else.md", text, TPS)
    assert result.agent == "mikasa-inbound"
    assert result.timestamp == datetime(2026, 6, 20, 15, 0, 43, 363000, tzinfo=UTC)
    result, _ = read_result_md("results/20260620-150043-363_someone-else.md", "---\ntps: 1\n---\n", TPS)
    assert result.agent == "someone-else"
    result, problems = read_result_md("drafts/hayai-repro-result.md", "---\ntps: 1\n---\n", TPS)
    assert result.agent == "unknown"
    assert "no agent" in problems[0].reason


def test_baseline_status_and_baseline_agent():
    result, problems = read_result_md("results/x.md", "---\ntps: 44\nstatus: baseline\nagent: organizers\n---\n", TPS)
    assert result.status == "baseline" and problems == ()
    result, _ = read_result_md("results/y.md", "---\ntps: 44\nagent: baseline\n---\n", TPS)
    assert result.status == "baseline"


def test_an_odd_filename_is_the_id_and_its_address_is_hashed_once():
    result, _ = read_result_md("results/my result (v2).md", "---\ntps: 1\nagent: a\n---\n", TPS)
    assert result.id == "my result (v2)"
    assert Urls().result(result.id) == f"/results/{slugify('my result (v2)')}/"
    assert Urls().result(result.id).count("--") == 1      # one hash, not the hash of a hash


def test_gen1_json_result():
    result, problems = read_json("int6-qat_agent-03.json")
    assert problems == ()
    assert result.id == "legacy-int6-qat_agent-03"
    assert (result.agent, result.score, result.score_text) == ("agent-03", 1.1874, "1.1874")
    assert result.method == "int6 QAT + sliding window eval"
    assert result.description == "QAT from step 2000; sliding-window eval"
    assert result.timestamp == datetime(2026, 4, 27, 10, 5, tzinfo=UTC)
    assert result.origin == "results-json"
    extra = dict(result.extra)
    assert extra["model_config"] == "n_layers: 11, d_model: 512, vocab_size: 1024, notes: int6 weights"
    assert extra["artifact_size_bytes"] == "15871234"
    # the rest of its account is its text, under headings, not "Other fields" under key names
    assert result.body == "## What failed\n\nint4 diverged\n\n## Next steps\n\ntry depth recurrence"
    assert not {"what_worked", "what_failed", "next_steps"} & set(extra)


def gen1(fields):
    return read_result_json("artifacts/results/x_a.json", json.dumps({"val_bpb": 1.2, **fields}),
                            BPB)[0]


def test_a_gen1_list_of_what_worked_is_a_summary_of_its_items_and_its_text_a_list():
    result = gen1({"what_worked": ["QAT from step 2000; int6.", "sliding window, stride 64"],
                   "what_failed": ["int4 diverged", "muon lr 0.05:\nloss spikes"]})
    assert result.description == "QAT from step 2000; int6. · sliding window, stride 64"
    assert result.body == ("## What failed\n\n- int4 diverged\n- muon lr 0.05:\n  loss spikes")


def test_gen1_notes_summarise_a_result_whose_what_worked_is_then_its_text():
    """Both were kept: the notes as its summary, and what worked was shown nowhere."""
    result = gen1({"notes": "a sweep", "what_worked": ["lr 0.02"], "description": "d",
                   "next_steps": [], "what_failed": None})
    assert result.description == "a sweep"
    assert result.body == "## What worked\n\n- lr 0.02"
    assert dict(result.extra) == {"description": "d"}


def test_gen1_json_without_agent_id_uses_the_filename_and_generic_score():
    result, problems = read_json("muon-sweep_agent-01.json")
    assert problems == ()
    assert (result.agent, result.score, result.description) == ("agent-01", 1.2015, "lr 0.02 best")


def test_gen1_json_nan_score_is_unscored():
    result, problems = read_json("crashed-run_agent-02.json")
    assert (result.score, result.score_text) == (None, "NaN")
    assert problems[0].reason == "val_bpb 'NaN' is not a usable number; listed without a score"


@pytest.mark.parametrize("name, reason", [("broken_agent-09.json", "bad JSON"), ("list_agent-08.json", "not an object")])
def test_gen1_json_that_is_not_an_object(name, reason):
    result, problems = read_json(name)
    assert result is None
    assert reason in problems[0].reason


REPEATED = "key 'tps' is given more than once; its last value is used"


def test_a_key_given_twice_is_reported_and_its_last_value_used():
    result, problems = read_result_md("results/20260615-000000-000_a.md",
                                      "---\ntps: 999\nmethod: m\ntps: 300\n---\n", TPS)
    assert result.score == 300 and [p.reason for p in problems] == [REPEATED]
    result, problems = read_result_json("artifacts/results/run_a.json",
                                        '{"tps": 999, "notes": "n", "tps": 300}', TPS)
    assert result.score == 300 and [p.reason for p in problems] == [REPEATED]


@pytest.mark.parametrize(("written", "shown", "codes"), HIDDEN_NAMES)
def test_a_results_agent_with_hidden_characters_is_read_without_them_and_reported(
        written, shown, codes):
    result, problems = read_result_md("results/20260105-100001-000_alice.md",
                                      f"---\ntps: 5\nagent: {written}\n---\n", TPS)
    assert result.agent == shown
    assert any(f"({codes}); read without them" in p.reason for p in problems)
