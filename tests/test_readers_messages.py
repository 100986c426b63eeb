import re
from datetime import datetime, timezone
from pathlib import Path

import pytest

from builder.readers import messages
from builder.readers.messages import message_id, read_refs
from builder.urls import Urls
from tests.readers_support import HIDDEN_NAMES, read_one

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "readers"
UTC = timezone.utc


def read_message(path, data):
    found = read_one(messages.read_message, path, data)
    return (found.messages[0] if found.messages else None), found.problems


def read(bucket, name):
    path = f"message_board/{name}"
    return read_message(path, (FIXTURES / bucket / "message_board" / name).read_bytes())


def test_gen2_server_message_with_yaml_list_refs():
    message, problems = read("gen2-bucket", "20260613-230441-229_cmpatino-verifier.md")
    assert problems == ()
    assert message.id == "20260613-230441-229_cmpatino-verifier"
    assert message.filename == "20260613-230441-229_cmpatino-verifier.md"
    assert (message.agent, message.type, message.via, message.topic) == ("cmpatino-verifier", "verification", "server", "")
    assert message.refs == ("20260613-224956-731_senpai",)
    assert message.timestamp == datetime(2026, 6, 13, 23, 4, 41, 229000, tzinfo=UTC)
    assert message.body.startswith("@senpai your result `20260613-224956-731_senpai.md`")
    assert message.source_path == "message_board/20260613-230441-229_cmpatino-verifier.md"


def test_broadcast_from_a_human():
    message, _ = read("gen2-bucket", "20260613-230441-007_human-cmpatino.md")
    assert (message.agent, message.type, message.via, message.broadcast) == ("human-cmpatino", "user", "dashboard", True)


def test_flow_list_refs_and_custom_keys_and_default_type():
    message, _ = read("gen2-bucket", "20260614-080000-100_kitan.md")
    assert message.refs == ("20260613-230441-229_cmpatino-verifier", "20260613-230441-007_human-cmpatino")
    assert message.type == "agent"
    assert message.extra == (("priority", "high"),)


def test_gen1_message_with_topic_and_string_ref():
    message, problems = read("gen1-bucket", "20260425-151500_agent-02_results-report.md")
    assert problems == ()
    assert (message.agent, message.type, message.topic) == ("agent-02", "results-report", "results-report")
    assert message.refs == ("20260425-143000_agent-01_status-update",)
    assert message.timestamp == datetime(2026, 4, 25, 15, 15, tzinfo=UTC)


def test_gen1_comma_list_refs_with_folders():
    message, _ = read("gen1-bucket", "20260426-090000_agent-03_build-on.md")
    assert message.refs == ("20260425-143000_agent-01_status-update", "20260425-151500_agent-02_results-report")


def test_message_without_frontmatter_uses_its_filename():
    message, problems = read("gen1-bucket", "20260426-100000_agent-04_question.md")
    assert problems == ()
    assert (message.agent, message.type, message.topic) == ("agent-04", "agent", "question")
    assert message.timestamp == datetime(2026, 4, 26, 10, 0, tzinfo=UTC)
    assert message.body.startswith("Does anyone have the tokenizer stats?")


def test_bad_frontmatter_degrades_and_keeps_the_text():
    message, problems = read("gen2-bucket", "20260614-090000-000_flowian-powers.md")
    assert message.agent == "flowian-powers"
    assert "The frontmatter above is broken, but this text should still be shown." in message.body
    assert problems[0].reason.startswith("bad YAML frontmatter")


@pytest.mark.parametrize("name", ["notes.md", "2026-06-17-intro.md", "20260613-230441-229.md"])
def test_files_not_named_like_messages_are_reported(name):
    message, problems = read_message(f"message_board/{name}", "---\ntype: agent\n---\nhello")
    assert message is None
    assert [p.reason.split(" (")[0] for p in problems] == ["ignored: not named like a message"]


@pytest.mark.parametrize("name, reason", [
    ("20261345-250000_a_x.md", "the file name's time '20261345-250000' is not a real date and time;"
                               " shown undated"),
    ("20260230-120000-000_a.md", "the file name's time '20260230-120000-000' is not a real date "
                                 "and time; shown undated"),
])
def test_an_impossible_time_in_the_name_is_reported(name, reason):
    message, problems = read_message(f"message_board/{name}", "hello")
    assert message.timestamp is None and message.body == "hello"
    assert [p.reason for p in problems] == [reason]


def test_an_impossible_name_time_gives_way_to_the_frontmatter():
    message, problems = read_message("message_board/20260230-120000-000_a.md",
                                     "---\ntimestamp: 2026-02-28 12:00 UTC\n---\nhi")
    assert message.timestamp == datetime(2026, 2, 28, 12, 0, tzinfo=UTC)
    assert [p.reason for p in problems] == [
        "the file name's time '20260230-120000-000' is not a real date and time; "
        "the timestamp 2026-02-28 12:00 UTC is used"]


@pytest.mark.parametrize("written", ["2026-02-30 10:00 UTC", "2026-02-30", "yesterday", "99"])
def test_an_impossible_frontmatter_time_says_which_time_is_used_instead(written):
    message, problems = read_message("message_board/20260425-143000_a_x.md",
                                     f"---\ntimestamp: {written}\n---\nhi")
    assert message.timestamp == datetime(2026, 4, 25, 14, 30, tzinfo=UTC)
    assert [p.reason for p in problems] == [
        f"timestamp {written!r} is not a valid time; the file name's time 2026-04-25 14:30 UTC "
        "is used"]


def test_frontmatter_agent_wins_over_the_filename():
    message, _ = read_message("message_board/20260425-143000_agent-01_x.md", "---\nagent: agent-11\n---\n")
    assert message.agent == "agent-11"


def test_timestamp_comes_from_frontmatter_when_it_disagrees_with_the_name():
    message, _ = read_message("message_board/20260425-143000_a_x.md", "---\ntimestamp: 2026-04-25T16:00:00Z\n---\n")
    assert message.timestamp == datetime(2026, 4, 25, 16, 0, tzinfo=UTC)


def test_an_unsafe_filename_is_the_id_and_its_address_is_made_safe_once():
    message, problems = read_message("message_board/20260425-143000_agent-01_héllo wörld.md", b"hi")
    assert problems == ()
    assert message.id == "20260425-143000_agent-01_héllo wörld"
    assert message.filename == "20260425-143000_agent-01_héllo wörld.md"
    assert re.fullmatch(r"/messages/20260425-143000_agent-01_h-llo-w-rld--[0-9a-f]{12}/",
                        Urls().message(message.id))     # one hash, not the hash of a hash
    assert read_refs("message_board/20260425-143000_agent-01_héllo").names == (
        "20260425-143000_agent-01_héllo",)                   # a ref written as the stem names it


@pytest.mark.parametrize("value, refs", [
    (None, ()),
    ("", ()),
    ("20260425-143000_agent-01_status-update.md", ("20260425-143000_agent-01_status-update",)),
    ("a.md,b.md", ("a", "b")),
    ("a.md b.md\tc", ("a", "b", "c")),
    (["message_board/a.md", "b.md", "a"], ("a", "b")),
    (["`a.md`", "'b.md'"], ("a", "b")),
    ([20260425], ("20260425",)),
    (["20260425-143000_agent-01_status update.md"], ("20260425-143000_agent-01_status update",)),
    (["  b.md, c.md "], ("b.md, c",)),            # an item is one name, as the server takes it
    ([None, "", "a.md"], ("a",)),
    ("results/20260708-174109-383_wren.md", ("20260708-174109-383_wren",)),
])
def test_refs_forms(value, refs):
    assert read_refs(value) == messages.Refs(names=refs)


@pytest.mark.parametrize("value, names, dropped", [
    (["a.md", ["b.md", "c.md"]], ("a",), ("refs item 2 (b.md, c.md) is not a file name; ignored",)),
    ([{"reply": "b.md"}], (), ("refs item 1 (reply: b.md) is not a file name; ignored",)),
    ({"reply": "b.md"}, (), ("refs is a mapping (reply: b.md), not file names; ignored",)),
])
def test_refs_that_name_no_file_are_dropped_and_said(value, names, dropped):
    assert read_refs(value) == messages.Refs(names=names, dropped=dropped)


def test_a_list_ref_to_a_name_with_a_space_is_read_whole_and_a_nested_list_is_reported():
    message, problems = read_message(
        "message_board/20260710-120000-000_glyph.md",
        "---\nagent: glyph\nrefs:\n- message_board/20260425-143000_agent-01_status update.md\n"
        "- [a.md]\n---\nhello\n")
    assert message.refs == ("20260425-143000_agent-01_status update",)
    assert [(p.reason, p.level) for p in problems] == [
        ("refs item 2 (a.md) is not a file name; ignored", "problem")]


@pytest.mark.parametrize("value, expected", [(True, True), ("true", True), ("yes", True), ("no", False), (None, False)])
def test_broadcast_forms(value, expected):
    text = "---\n" + ("" if value is None else f"broadcast: {value!r}\n".replace("'", "")) + "---\n"
    message, _ = read_message("message_board/20260613-230441-007_a.md", text)
    assert message.broadcast is expected


def test_invalid_utf8_and_control_characters_never_raise():
    message, _ = read_message("message_board/20260425-143000_a_x.md", b"---\ntype: \xff\xfe\n---\n\x01\x02body")
    assert message.agent == "a"
    assert "body" in message.body


def test_a_message_whose_author_is_not_its_file_names_is_credited_and_reported():
    message, problems = read_message("message_board/20260710-120000-000_glyph.md",
                                     "---\nagent: someone-else\ntype: agent\n---\nhello\n")
    assert message.agent == "someone-else"
    assert [p.reason for p in problems] == [
        "agent 'someone-else' is not the one its file name gives ('glyph'); credited to 'someone-else'"]


def test_a_message_giving_a_key_twice_is_reported():
    message, problems = read_message("message_board/20260710-120000-000_glyph.md",
                                     "---\nagent: glyph\nrefs: a.md\nrefs: b.md\n---\nhello\n")
    assert message.refs == ("b",)         # refs are kept without their .md
    assert [p.reason for p in problems] == ["key 'refs' is given more than once; its last value is used"]


@pytest.mark.parametrize("stem", ["20260103-100000-000_Carol", "20260103-100000_carol_a b"])
def test_a_file_named_like_another_messages_slug_has_its_own_id_and_page(stem):
    urls = Urls()
    impostor = urls.message(message_id(stem + ".md")).split("/")[-2] + ".md"
    assert message_id(impostor) != message_id(stem + ".md")
    assert urls.message(message_id(impostor)) != urls.message(message_id(stem + ".md"))


@pytest.mark.parametrize(("written", "shown", "codes"), HIDDEN_NAMES)
def test_an_author_or_type_with_hidden_characters_is_read_without_them_and_reported(
        written, shown, codes):
    message, problems = read_message("message_board/20260105-100001-000_alice.md",
                                     f"---\nagent: {written}\ntype: {written}\n---\nhi\n")
    assert (message.agent, message.type) == (shown, shown)
    reasons = [p.reason for p in problems if "invisible" in p.reason]
    assert len(reasons) == 2 and all(f"({codes}); read without them" in r for r in reasons)


def test_an_author_written_decomposed_is_the_same_agent_as_written_composed():
    nfd, nfc = "cafe\u0301", "caf\u00e9"
    by_name, problems = read_message(f"message_board/20260105-100001-000_{nfd}.md", "---\n---\nhi\n")
    assert by_name.agent == nfc and problems == ()
    written, problems = read_message(f"message_board/20260105-100002-000_{nfc}.md",
                                     f"---\nagent: {nfd}\n---\nhi\n")
    assert written.agent == nfc
    assert [p.reason for p in problems] == [
        f"agent {nfd!r} is written in a decomposed or compatibility form; read as {nfc!r}"]


@pytest.mark.parametrize(("stem", "anchor"), [
    ("20260103-100000-000_Carol", "message-20260103-100000-000_Carol"),   # as it always was
    ("20260103-100000_carol_café", "message-20260103-100000_carol_caf--"),
    ("20260103-100000_carol_a b", "message-20260103-100000_carol_a-b--"),
])
def test_a_messages_anchor_keeps_a_safe_name_and_slugs_any_other(stem, anchor):
    made = Urls().message_anchor(stem)
    assert made.startswith(anchor) and re.fullmatch(r"[A-Za-z0-9._-]+", made)
