"""The JSON codec the caches keep records in: what comes back is what went in, of the same types;
anything else is refused."""
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from builder.codec import CodecError, decoder, encode
from builder.config import Config, load_config
from builder.model import Agent, Message, Problem, Result, TokenUsage, Trace
from builder.readers import INPUT_KINDS, _folders, load_and_read
from builder.readers.agents import read_agent
from builder.readers.kinds import Found, Verdict, claim
from builder.readers.messages import read_message
from builder.readers.results import read_result_md
from builder.readers.traces import read_trace_manifest
from builder.sources.local import open_local
from tests.conftest import CORPUS
from tests.hostile import write_hostile_bucket
from tests.readers_support import read_one
from tests.test_readers_inputs import BPB, TPS

READERS = Path(__file__).resolve().parent / "fixtures" / "readers"

REPO = Path(__file__).resolve().parents[1]
FOUND = decoder(Found)

# Times as readers make them: with a fixed offset (UTC) or none, so `fold` means nothing.
times = st.one_of(st.datetimes(timezones=st.sampled_from(
    [timezone.utc, timezone(timedelta(hours=-7, minutes=-30))])), st.datetimes())
st.register_type_strategy(datetime, times.map(lambda t: t.replace(fold=0)))


def some(cls):
    return st.lists(st.builds(cls), max_size=3).map(tuple)


@settings(max_examples=300, deadline=None)
@given(st.builds(Found, results=some(Result), messages=some(Message), agents=some(Agent),
                 traces=some(Trace), verdicts=some(Verdict), problems=some(Problem)))
def test_any_found_comes_back_equal_and_of_the_same_types(found):
    assert repr(FOUND(encode(found))) == repr(found)


@given(st.floats(allow_nan=True, allow_infinity=True) | st.integers(-2**70, 2**70))
def test_a_score_keeps_its_number_type(score):
    result = Result("r", "a", score, "t", "m", "d", None, "agent-run", "results-md", "p")
    back = decoder(Result)(encode(result))
    assert type(back.score) is type(score) and repr(back.score) == repr(score)


def _records_of(root: Path, config) -> list[Found]:
    bucket = open_local(root)
    folders = _folders(bucket.files)
    return [load_and_read(item, bucket, config, folders)
            for item in claim(bucket.files, INPUT_KINDS, config.paths)]


def test_every_file_of_the_demo_hostile_and_reader_buckets_comes_back_as_read(tmp_path):
    config = load_config(REPO / "collab.toml")
    found = (_records_of(config.source_dir(), config)
             + _records_of(write_hostile_bucket(tmp_path / "b"), config)
             + _records_of(READERS / "gen2-bucket", Config(metric=TPS))
             + _records_of(READERS / "gen1-bucket", Config(metric=BPB)))
    assert sum(len(f.messages) for f in found) > 20 and sum(len(f.problems) for f in found) > 5
    for one in found:
        assert repr(FOUND(encode(one))) == repr(one)


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the shared agent-collab corpus is not present")
def test_every_markdown_file_of_the_shared_corpus_comes_back_as_read():
    readers = {read_message: "message_board/{}", read_result_md: "results/{}",
               read_agent: "agents/{}", read_trace_manifest: "traces/a/s/manifest.md"}
    found = [read_one(reader, where.format(path.name), path.read_bytes(), Config(metric=TPS))
             for path in sorted(CORPUS.rglob("*.md")) for reader, where in readers.items()]
    assert sum(len(f.results) + len(f.agents) + len(f.traces) for f in found) > 50
    assert sum(len(f.problems) for f in found) > 50
    for one in found:
        assert repr(FOUND(encode(one))) == repr(one)


@pytest.mark.parametrize("cls, text", [
    (Found, "not json"),
    (Found, "[]"),                                        # too few fields
    (Problem, '["a", 1]'),                                # a number for a str
    (Problem, '{"path": "a", "reason": "b"}'),            # an object, not the field list
    (Message, '["m", "f", "a", "t", "yesterday", "", [], "", "p", "", false, [], 0]'),
    (Message, '["m", "f", "a", "t", null, "", ["x.md", 1], "", "p", "", false, [], 0, []]'),  # a ref
    (Message, '["m", "f", "a", "t", null, "", [], "", "p", "", 0, [], 0, []]'),   # 0 for false
    (Message, '["m", "f", "a", "t", null, "", [], "", "p", "", false, [], true, []]'),  # a bool size
    (Message, '["m", "f", "a", "t", null, "", {}, "", "p", "", false, [], 0, []]'),   # refs, not a list
    (Result, '["r", "a", 1.0, "1", "m", "d", null, "promoted", "results-md", "p", null, "", null, [], [], "", []]'),
    (Result, '["r", "a", true, "1", "m", "d", null, "agent-run", "results-md", "p", null, "", null, [], [], "", []]'),
    (TokenUsage, '[1, 2, 3, 4, 5, 6, 7]'),                # one field too many
    (Trace, "[" * 100_000 + "]" * 100_000),               # nested past the parser's depth
])
def test_text_that_is_not_the_type_asked_for_is_refused(cls, text):
    with pytest.raises(CodecError):
        decoder(cls)(text)


def test_a_type_it_cannot_carry_is_said_at_once():
    with pytest.raises(TypeError):
        decoder(dict)
    with pytest.raises(TypeError):
        encode(object())
