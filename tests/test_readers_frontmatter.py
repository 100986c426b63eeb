from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from builder.readers import frontmatter
from builder.readers.frontmatter import MAX_EXPANDED_VALUES, flat_block, read_frontmatter, to_text


def _parts(text):
    front = read_frontmatter(text)
    return front.data, front.body, front.error


def test_folded_long_description_is_read_whole():
    # PyYAML (width=80) folds long strings over indented lines; a line parser loses them.
    text = (
        "---\n"
        "tps: 481.53\n"
        "description: 'int4 (W4A16) body with an untied, vocabulary-pruned LM head (262144\n"
        "  -> 16384 rows) and a fine-tuned MTP drafter (K=7) under output-neutral greedy\n"
        "  verification. PPL <= 2.42 cap: 2.3772.'\n"
        "agent: senpai\n"
        "---\n"
        "Body text.\n"
    )
    data, body, error = _parts(text)
    assert error is None
    assert data["description"] == (
        "int4 (W4A16) body with an untied, vocabulary-pruned LM head (262144 -> 16384 rows) "
        "and a fine-tuned MTP drafter (K=7) under output-neutral greedy verification. "
        "PPL <= 2.42 cap: 2.3772."
    )
    assert data["agent"] == "senpai"
    assert body == "Body text.\n"


def test_crlf_and_bom_are_tolerated():
    text = "\ufeff---\r\ntype: agent\r\npriority: high\r\n---\r\n# Title\r\n\r\nHello\r\n"
    data, body, error = _parts(text)
    assert error is None
    assert data == {"type": "agent", "priority": "high"}
    assert body == "# Title\n\nHello\n"


def test_pretty_printed_json_frontmatter():
    text = '---\n{\n  "schema_version": 1,\n  "harness": "codex",\n  "usage": {"total_tokens": 12}\n}\n---\nx'
    data, _, error = _parts(text)
    assert error is None
    assert data == {"schema_version": 1, "harness": "codex", "usage": {"total_tokens": 12}}


def test_tab_indented_json_frontmatter_falls_back_to_json():
    text = '---\n{\n\t"harness": "claude-code",\n\t"session_id": "abc"\n}\n---\n'
    data, _, error = _parts(text)
    assert error is None
    assert data == {"harness": "claude-code", "session_id": "abc"}


def test_block_scalar_description_keeps_its_newline():
    data, _, _ = _parts("---\ndescription: |\n  rockai\n---\n")
    assert data["description"] == "rockai\n"


def test_no_frontmatter_is_not_an_error():
    data, body, error = _parts("# Just a heading\n\ntext\n")
    assert (data, error) == (None, None)
    assert body == "# Just a heading\n\ntext\n"


def test_empty_frontmatter_is_an_empty_mapping():
    data, body, error = _parts("---\n---\nbody\n")
    assert (data, body, error) == ({}, "body\n", None)


@pytest.mark.parametrize("block, kind", [("- a\n- b", "list"), ("just words", "string"), ("42", "int")])
def test_non_mapping_frontmatter_is_an_error_and_keeps_the_text(block, kind):
    text = f"---\n{block}\n---\nbody\n"
    data, body, error = _parts(text)
    assert data is None
    assert kind in error and "not a mapping" in error
    assert body == text


@pytest.mark.parametrize("block", [
    "method: [unclosed\n",
    "a: b\n  c: d\n: e\n",
    "key: \"unterminated\n",
    "a: *undefined_alias\n",
])
def test_bad_yaml_is_an_error_not_an_exception(block):
    data, _, error = _parts(f"---\n{block}---\nbody\n")
    assert data is None
    assert error.startswith("bad YAML frontmatter")


def test_bad_yaml_names_the_files_own_line_and_column():
    _, _, error = _parts("---\ntype: agent\nrefs: [unclosed\n---\nbody\n")
    assert error == ("bad YAML frontmatter: line 4, column 1: did not find expected ',' or ']' "
                     "(while parsing a flow sequence, from line 3, column 7)")
    assert "unicode string" not in _parts("---\na: b\n  c: d: e\n---\n")[2]


def test_unclosed_frontmatter_is_an_error():
    data, body, error = _parts("---\ntype: agent\nno closing line\n")
    assert data is None
    assert "closing" in error
    assert "no closing line" in body


def test_an_int_too_long_for_python_is_an_error():
    data, _, error = _parts("---\nn: " + "9" * 5000 + "\n---\n")
    assert data is None and error.startswith("bad YAML")


@pytest.mark.parametrize("block", [
    "a: " + "[" * 100_000 + "]" * 100_000,     # crashes libyaml's recursive composer
    "a:\n" + "- " * 100_000 + "x",
    "a: " + "{b: " * 50_000 + "1" + "}" * 50_000,
])
def test_hostile_nesting_is_an_error_not_a_crash(block):
    data, _, error = _parts(f"---\n{block}\n---\n")
    assert data is None and error.startswith("bad YAML")


def test_moderate_nesting_is_read_and_rendered():
    data, _, error = _parts("---\na: " + "[" * 500 + "x" + "]" * 500 + "\n---\n")
    assert error is None
    assert to_text(data["a"]) == "…"   # deeper than anything worth showing


def _alias_bomb(levels: int) -> str:
    """Ten values, then `levels` lists of ten aliases to the list before: 10 ** (levels + 1)."""
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for depth in range(1, levels + 1):
        prev = chr(ord("a") + depth - 1)
        name = chr(ord("a") + depth)
        lines.append(f"{name}: &{name} [{', '.join(['*' + prev] * 10)}]")
    return "---\n" + "\n".join(lines) + "\n---\nbody\n"


def test_alias_bomb_is_refused_with_its_reason_and_the_text_kept():
    text = _alias_bomb(8)                  # a billion values from nine short lines
    data, body, error = _parts(text)
    assert data is None and body == text
    assert "more than 100,000 values" in error and "aliases" in error


def test_aliases_within_the_limit_are_read():
    data, _, error = _parts(_alias_bomb(3))     # 11,110 values
    assert error is None and 10 ** 4 < MAX_EXPANDED_VALUES
    assert to_text(data["d"]).count("x") > 100


def test_a_block_that_contains_itself_is_refused():
    data, _, error = _parts("---\na: &a [x, *a]\n---\n")
    assert data is None and "refers to itself" in error


def test_dates_and_times_stay_text_so_an_impossible_one_costs_only_its_field():
    data, _, error = _parts("---\nwhen: 2026-02-30\nat: 2026-07-02T09:14:03Z\n---\n")
    assert error is None
    assert data == {"when": "2026-02-30", "at": "2026-07-02T09:14:03Z"}


def test_sources_keep_numbers_as_written():
    front = read_frontmatter("---\nppl: 2.00550\ntps: 238.02\nrefs: [a, b]\n---\n")
    assert front.data["ppl"] == 2.0055
    assert front.sources["ppl"] == "2.00550"
    assert "refs" not in front.sources


def test_non_string_keys_become_text():
    data, _, _ = _parts("---\n1.5: one\n2026-06-17: two\n---\n")
    assert data == {"1.5": "one", "2026-06-17": "two"}


@pytest.mark.parametrize("value, text", [
    (None, ""),
    (True, "true"),
    (42, "42"),
    (506.74, "506.74"),
    (float("nan"), "NaN"),
    ("plain", "plain"),
    (["bash", "hf", "python"], "bash, hf, python"),
    ({"n_layers": 11, "d_model": 512}, "n_layers: 11, d_model: 512"),
    (date(2026, 6, 17), "2026-06-17"),
    (datetime(2026, 4, 25, 14, 30, tzinfo=timezone.utc), "2026-04-25 14:30 UTC"),
    (datetime(2026, 4, 25, 16, 30, 5, tzinfo=timezone(timedelta(hours=2))), "2026-04-25 14:30:05 UTC"),
])
def test_to_text(value, text):
    assert to_text(value) == text


def test_to_text_of_an_int_too_long_to_print():
    assert to_text(10 ** 5000) == "<a 5001-digit number>"


# --- flat blocks: read without YAML's parser, exactly as YAML reads them -------------------------

TRICKY = ["1.5", "-3", "0x1F", "1_000", "yes", "No", "on", "OFF", "~", "null", "true", ".inf",
          ".NaN", "2026-07-30", "2026-07-30 00:28 UTC", "2026-07-30T00:28:00Z", "=", "<<", "a: b",
          "a #b", "a#b", "'q'", '"q"', "it's", "-x", "- x", "[a]", "{a: 1}", "a, b", "x:", "x::y",
          "https://h/p?q=1", "@x", "%x", "!x", "&a", "*a", "?x", "|", ">", "`x`", "…", "\u2028",
          "\x85", "\ufeff", "\x07", "\t", " lead", "trail ", "a\tb", "a  b", "---", "..."]
keys = st.one_of(st.from_regex(r"[A-Za-z_][A-Za-z0-9_-]{0,8}", fullmatch=True),
                 st.sampled_from(["type", "refs", "yes", "null", "on", "1", "a b", "-k", "k:"]))
plain = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9 .,/_@:()'-]{0,20}", fullmatch=True)
unquoted = st.one_of(plain, plain, st.sampled_from(TRICKY), st.text(max_size=8),
                     st.builds(str.__add__, plain, st.sampled_from(TRICKY)),
                     st.builds(str.__add__, st.sampled_from(TRICKY), plain))
values = st.one_of(unquoted, unquoted,
                   st.builds(lambda v, trail: f'"{v}"{trail}', unquoted, st.sampled_from(["", " "])),
                   st.builds(lambda v, trail: f"'{v}'{trail}", unquoted, st.sampled_from(["", " "])))
separators = st.one_of(st.just(": "), st.just(": "), st.sampled_from([":  ", ":", ": \t", " : "]))
lines = st.one_of(st.builds(lambda k, sep, v: f"{k}{sep}{v}", keys, separators, values),
                  st.builds(lambda k: f"{k}:", keys),
                  st.builds(lambda indent, v: f"{indent}- {v}", st.sampled_from(["", "", "  ", " "]),
                            values),
                  st.sampled_from(["", "# note", "  indented", "- item", "-x", "- - x"]))


def yaml_reading(block: str):
    """What the YAML parser makes of a block: (data, sources), or None when it refuses it."""
    try:
        return frontmatter._load_yaml(block)
    except Exception:
        return None


@settings(max_examples=600)
@given(st.lists(lines, max_size=4))
@example(["type: agent", "refs: a.md, b.md", "agent: kestrel", "timestamp: 2026-07-30 00:28 UTC"])
def test_a_flat_block_is_read_as_yaml_reads_it(block_lines):
    block = "\n".join(block_lines) + "\n"
    flat = flat_block(block)
    if flat is not None:
        data, sources = flat
        assert yaml_reading(block) == (data or None, sources)


def test_the_frontmatter_of_a_typical_message_is_flat():
    block = ("type: agent\nrefs:\n- 20260729-221613-043_ferrite-2.md\n- x.md\nagent: kestrel\n"
             "timestamp: 2026-07-30 00:28 UTC\nbroadcast: true\nvia: raw\n")
    assert flat_block(block) == yaml_reading(block)
    assert flat_block(block)[0]["timestamp"] == "2026-07-30 00:28 UTC"


def test_the_frontmatter_of_a_typical_result_is_flat():
    block = ('tps: 120.0\nmethod: cudagraph-v5\nstatus: baseline\n'
             'description: "swept the lm_head: 120.0 tok/s, \'ppl\' 2.29 #3"\n'
             "note: 'said \"no\"'\nrefs:\n- \"a.md\"\n- 'b: c.md'\nagent: baseline\n")
    assert flat_block(block) == yaml_reading(block)
    assert flat_block(block)[0]["description"] == "swept the lm_head: 120.0 tok/s, 'ppl' 2.29 #3"
    assert flat_block(block)[0]["refs"] == ["a.md", "b: c.md"]


def test_a_block_with_more_than_plain_values_goes_to_the_yaml_parser():
    for block in ("refs: [a.md]\n", "k: v # c\n", "a: &x v\nb: *x\n", "a:\n- x\n  - y\n",
                  "k: 'it''s'\n", 'k: "a\\tb"\n', 'k: "a" # c\n'):
        assert flat_block(block) is None
        assert read_frontmatter(f"---\n{block}---\nbody\n").data is not None


def test_a_secret_spelt_with_escapes_is_masked_at_any_depth_and_noted():
    token = "hf_" + "Ab1Cd2Ef3Gh4" * 3
    spelt = "".join(f"\\u{ord(c):04x}" for c in token)
    front = read_frontmatter(f'---\nnotes: "{spelt}"\nextra:\n  deep: ["x {spelt}"]\n---\nbody\n')
    assert front.data == {"notes": "[REDACTED:hf-token]", "extra": {"deep": ["x [REDACTED:hf-token]"]}}
    assert front.notes == ("in escaped values: 2 secret(s) masked on the site (2 hf-token): "
                           "rotate them, the bucket still holds them",)
    value, notes = frontmatter.json_noting_repeats(f'{{"a": [{{"b": "{spelt}"}}]}}')
    assert value == {"a": [{"b": "[REDACTED:hf-token]"}]} and len(notes) == 1
