import json
from pathlib import Path

import pytest

from builder.readers import verification
from tests.readers_support import read_one

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "readers"
PATH = "results/verification_status.json"


def read_verification(path, data):
    found = read_one(verification.read_verification, path, data)
    return {v.filename: v.verdict for v in found.verdicts}, found.problems


def test_verdicts_with_and_without_the_results_folder_and_unknown_values():
    verdicts, problems = read_verification(PATH, (FIXTURES / "gen2-bucket" / PATH).read_bytes())
    assert verdicts == {
        "20260613-224956-731_senpai.md": "valid",
        "20260614-120000-500_firfir-cast.md": "invalid",
    }
    assert [p.reason for p in problems] == ["20260613-224956-990_kitan.md: unknown verdict 'maybe'; ignored"]


def test_hand_edits_in_odd_case_and_spacing_are_accepted():
    verdicts, problems = read_verification(PATH, json.dumps({" a.md ": " Valid ", "b.md": "PENDING"}))
    assert (verdicts, problems) == ({"a.md": "valid", "b.md": "pending"}, ())


@pytest.mark.parametrize("value", [None, 1, ["valid"], {"status": "valid"}])
def test_non_string_verdicts_are_dropped(value):
    verdicts, problems = read_verification(PATH, json.dumps({"a.md": value}))
    assert verdicts == {} and len(problems) == 1


@pytest.mark.parametrize("data", [b"{", b"[]", b'"valid"', b"\xff\xfe"])
def test_not_an_object_is_one_problem_that_says_what_it_costs(data):
    verdicts, problems = read_verification(PATH, data)
    assert verdicts == {} and len(problems) == 1
    assert problems[0].reason.endswith("none of its verdicts is used: every result shows as "
                                       "pending, and those it found invalid are ranked, until "
                                       "it is mended")


def test_a_result_given_two_verdicts_is_reported_and_the_last_one_used():
    verdicts, problems = read_verification(PATH, '{"a.md": "valid", "b.md": "pending", "a.md": "invalid"}')
    assert verdicts == {"a.md": "invalid", "b.md": "pending"}
    assert [p.reason for p in problems] == ["key 'a.md' is given more than once; its last value is used"]
