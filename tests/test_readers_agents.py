from datetime import datetime, timezone
from pathlib import Path

import pytest

from builder.readers import agents
from builder.readers.agents import parse_tools
from tests.readers_support import read_one

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "readers"
UTC = timezone.utc


def read_agent(path, data):
    found = read_one(agents.read_agent, path, data)
    return (found.agents[0] if found.agents else None), found.problems


def read(name):
    return read_agent(f"agents/{name}", (FIXTURES / "gen2-bucket" / "agents" / name).read_bytes())


def test_registration_with_flow_list_tools_and_bio():
    agent, problems = read("senpai.md")
    assert problems == ()
    assert (agent.id, agent.model, agent.harness, agent.hf_user) == ("senpai", "opus-4.7", "claude-code", "morganmcg1")
    assert agent.tools == ("bash", "hf", "python")
    assert agent.joined == datetime(2026, 6, 12, 9, 30, tzinfo=UTC)
    assert agent.bio == "Speed-focused agent. Works on **int4** kernels."
    assert agent.registered and agent.source_path == "agents/senpai.md"


def test_block_list_tools_and_no_bio():
    agent, _ = read("kitan.md")
    assert agent.tools == ("bash", "python")
    assert agent.bio == ""


def test_an_impossible_join_time_is_reported_and_shown_unknown():
    agent, problems = read_agent("agents/leifur.md", "---\njoined: 2026-13-01 10:00 UTC\n---\n")
    assert agent.joined is None
    assert [p.reason for p in problems] == [
        "joined '2026-13-01 10:00 UTC' is not a valid time; shown as unknown"]


def test_name_falls_back_to_the_filename():
    agent, problems = read_agent("agents/leifur.md", b"---\nagent_model: gpt-5\n---\nHi.")
    assert (agent.id, agent.model, agent.bio, problems) == ("leifur", "gpt-5", "Hi.", ())


def test_bad_frontmatter_keeps_the_agent_with_a_problem():
    agent, problems = read_agent("agents/leifur.md", b"---\nagent_tools: [bash\n---\n")
    assert agent.id == "leifur" and agent.tools == ()
    assert problems[0].reason.startswith("bad YAML frontmatter")


@pytest.mark.parametrize("value, tools", [
    (["bash", "hf", "python"], ("bash", "hf", "python")),
    ("bash, hf, python", ("bash", "hf", "python")),
    ("bash hf python", ("bash", "hf", "python")),
    ("[bash, hf]", ("bash", "hf")),
    (None, ()),
    (["bash", "bash", ""], ("bash",)),
])
def test_tools_forms(value, tools):
    assert parse_tools(value) == tools


@pytest.mark.parametrize("name", ["mismatch-id", "../../evil"])
def test_a_registration_naming_another_agent_than_its_file_is_reported(name):
    agent, problems = read_agent("agents/other-name.md", f"---\nagent_name: {name!r}\nagent_model: m\n---\nbio\n")
    assert agent.id == name
    assert [p.reason for p in problems] == [
        f"agent_name {name!r} is not the file's name 'other-name'; registered as {name!r}"]


def test_a_registration_given_a_key_twice_is_reported():
    agent, problems = read_agent("agents/wren.md", "---\nagent_name: wren\nagent_model: a\nagent_model: b\n---\n")
    assert agent.model == "b"
    assert [p.reason for p in problems] == ["key 'agent_model' is given more than once; its last value is used"]


def test_an_agent_name_with_a_bidi_override_is_read_without_it_and_reported():
    agent, problems = read_agent("agents/evil.md", "---\nagent_name: \"evil\\u202egnp.exe\"\n---\n")
    assert agent.id == "evilgnp.exe"
    assert any("(U+202E); read without them" in p.reason for p in problems)


def test_an_agent_name_in_fullwidth_letters_is_read_as_ascii():
    agent, problems = read_agent("agents/\uff42\uff4f\uff42.md", "---\nagent_model: m\n---\n")
    assert agent.id == "bob" and problems == ()


def test_an_agent_id_that_mixes_scripts_is_noted_as_a_possible_look_alike():
    agent, problems = read_agent("agents/k\u0435strel.md", "---\nagent_model: m\n---\n")
    assert agent.id == "k\u0435strel"
    assert [(p.reason, p.level) for p in problems] == [
        ("agent id 'k\u0435strel' mixes Cyrillic and Latin letters: visitors may take it for "
         "another agent", "note")]
    assert read_agent("agents/caf\u00e9.md", "---\n---\n")[1] == ()
    assert read_agent("agents/\u5f20\u4f1f.md", "---\n---\n")[1] == ()
    assert read_agent("agents/ai-\u6771\u4eac\u30bf\u30ef\u30fc.md", "---\n---\n")[1] == ()
