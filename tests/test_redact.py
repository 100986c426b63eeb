"""The archive's second redaction pass: every pattern masked, ordinary text untouched."""
from __future__ import annotations

import json
import re
import string
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from builder import redact as redact_module
from builder.redact import (masked_at, maybe_secret, maybe_url_secret, names_with_secrets, redact,
                            redact_log, redact_name, redact_shown, secret_spans,
                            shown_secret_spans)
from builder.transcript import ToolCall, parse_log

# Fake secrets are assembled at run time so that no scanner mistakes this file for a leak.
HF = "hf_" + "aBcD1234" * 4 + "xy"
OPENAI = "sk-" + "T3stKey0" * 6
OPENAI_PROJ = "sk-proj-" + "Ab12_-Cd" * 8
ANTHROPIC = "sk-ant-api03-" + "Zy98Xw76" * 10
GHP = "gh" + "p_" + "R4nd0mT0k3n" * 3 + "abc"
GHO = "gh" + "o_" + "R4nd0mT0k3n" * 3 + "abc"
GHS = "gh" + "s_" + "R4nd0mT0k3n" * 3 + "abc"
GH_PAT = "github_" + "pat_" + "11ABCDEFG0" + "_abcdefghij" * 6
AWS_ID = "AKIA" + "Q3EXAMPLE7" + "ABCDEF"
AWS_TMP = "ASIA" + "Z9EXAMPLE1" + "QWERTY"
AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCY" + "EXAMPLEKEY"
SLACK = "xo" + "xb-" + "123456789012-abcdefGHIJKL"
GOOGLE = "AI" + "za" + "SyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q"
JWT = "ey" + "JhbGciOiJIUzI1NiJ9" + ".ey" + "JzdWIiOiIxMjM0NTY3ODkwIn0" + ".SflKxwRJSMeKKF2QT4fwpMeJf36"
HF_LETTERS = "hf_" + "abcdefghijklmnopqrstuvwxyz"          # too short for the hf_ token shape
PEM = ("-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7fake7fake7fake\n"
       "anotherlineofbase64==\n-----END RSA PRIVATE KEY-----")


_EXAMPLES = [
    (f"export HF={HF}", HF, "hf-token"),
    (f"OPENAI says {OPENAI} ok", OPENAI, "openai-key"),
    (f"key: {OPENAI_PROJ}", OPENAI_PROJ, "openai-key"),
    (f"x {ANTHROPIC} y", ANTHROPIC, "anthropic-key"),
    (f"git clone https://{GHP}@github.com/o/r", GHP, "github-token"),
    (f"token {GHO}", GHO, "github-token"),
    (f"{GHS}.", GHS, "github-token"),
    (f"pat={GH_PAT}", GH_PAT, "github-token"),
    (f"id {AWS_ID} end", AWS_ID, "aws-access-key-id"),
    (f"{AWS_TMP}", AWS_TMP, "aws-access-key-id"),
    (f"aws_secret_access_key = {AWS_SECRET}\n", AWS_SECRET, "aws-secret-key"),
    ("Authorization: Bearer abcDEF123456ghiJKL789", "abcDEF123456ghiJKL789", "bearer-token"),
    ("curl -H 'authorization: bearer 0123456789abcdefXYZ'", "0123456789abcdefXYZ", "bearer-token"),
    (f"see {SLACK}", SLACK, "slack-token"),
    (f"maps key {GOOGLE}", GOOGLE, "google-api-key"),
    (f"jwt {JWT}", JWT, "jwt"),
    (f"before\n{PEM}\nafter", PEM, "private-key"),
    ("api_key=Q8mz7Lp2Rx5Vn9Tk", "Q8mz7Lp2Rx5Vn9Tk", "secret"),
    ("credentials: Zq8mP2xL9vR4tK7w", "Zq8mP2xL9vR4tK7w", "secret"),
    ("DB_PASSWORD: 'hunter2hunter2X'", "hunter2hunter2X", "secret"),
    ('{"client_secret": "s3cr3tValue99887766"}', "s3cr3tValue99887766", "secret"),
    ("MY_SERVICE_TOKEN=abcd1234efgh5678ijkl", "abcd1234efgh5678ijkl", "secret"),
    ("postgres://admin:pa55w0rdXYZ@db.internal:5432/app", "pa55w0rdXYZ", "url-password"),
    ("glpat-" + "abcdefghij0123456789", "glpat-abcdefghij0123456789", "gitlab-token"),
    ("npm_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8", "npm_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8",
     "npm-token"),
    ("sk_" + "live_" + "4eC39HqLyjWDarjtT1zdp7dc", "sk_live_4eC39HqLyjWDarjtT1zdp7dc", "stripe-key"),
    # .env and shell assignments: short, letters-only and unquoted values too
    ("DB_PASSWORD=s3cretpw", "s3cretpw", "secret"),
    ("DB_PASSWORD=hunter2", "hunter2", "secret"),
    (f"HF_TOKEN={HF_LETTERS}", HF_LETTERS, "secret"),
    (f"export HF_TOKEN={HF_LETTERS} && hf upload", HF_LETTERS, "secret"),
    ("PASSWORD=correcthorsebatterystaple", "correcthorsebatterystaple", "secret"),
    ('OPENAI_API_KEY="abcdefghijklmnopqrstuvwx"', "abcdefghijklmnopqrstuvwx", "secret"),
    ("password: Tr0ub4dor&3", "Tr0ub4dor&3", "password"),
    ('{"password": "hunter2"}', "hunter2", "password"),
    ("mysql -u root -pS3cretPass99 app", "S3cretPass99", "password"),
]


@pytest.mark.parametrize("text, secret, kind", _EXAMPLES)
def test_each_pattern_is_masked_and_counted(text, secret, kind):
    masked, count = redact(text)
    assert secret not in masked
    assert f"[REDACTED:{kind}]" in masked
    assert count == 1
    assert redact(masked) == (masked, 0)                 # idempotent


def test_context_around_a_secret_is_kept():
    masked, _ = redact(f"export HF_TOKEN={HF} # for the hub")
    assert masked == "export HF_TOKEN=[REDACTED:hf-token] # for the hub"
    masked, _ = redact("Authorization: Bearer abcDEF123456ghiJKL789\nAccept: */*")
    assert masked == "Authorization: Bearer [REDACTED:bearer-token]\nAccept: */*"
    masked, _ = redact(f"a\n{PEM}\nb")
    assert masked == "a\n[REDACTED:private-key]\nb"


@pytest.mark.parametrize("text, masked", [
    ('PASSWORD="correct horse battery staple"', 'PASSWORD="[REDACTED:secret]"'),
    ("password: 'Tr0ub 4dor&3' # vault", "password: '[REDACTED:password]' # vault"),
    ("mysqldump -p'S3cret Pass' db > db.sql", "mysqldump -p'[REDACTED:password]' db > db.sql"),
])
def test_a_quoted_value_is_masked_whole(text, masked):
    assert redact(text) == (masked, 1)


def test_a_cut_off_private_key_is_masked_to_the_end():
    masked, count = redact("-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAA\n… 900 more")
    assert masked == "[REDACTED:private-key]" and count == 1


def test_counts_add_up_over_several_secrets():
    text = f"{HF} and {GHP} and {AWS_ID} and again {HF}"
    masked, count = redact(text)
    assert count == 4
    assert masked.count("[REDACTED:") == 4


@pytest.mark.parametrize("text", [
    "",
    "Ordinary prose about tokens, keys and secrets, nothing to hide.",
    "max_tokens=4096 num_tokens = 123456789012 token_count: 17",
    "tokenizer_path=/data/models/llama2-7b/tokenizer.model",
    "from huggingface_hub import hf_hub_download",
    "task-management-and-scheduling-service is a long-slug-name",
    "scikit-learn sk-learn risk-assessment-framework-v2",
    "def get_token(): return os.environ['HF_TOKEN']",
    "password = getpass.getpass()",
    "The bearer of bad news arrived.",
    "https://huggingface.co/buckets/org/name/resolve/traces/a/b.jsonl",
    "AKIA is a prefix; AKIASHORT is too short",
    "[REDACTED:hf-token] already masked",
    "ratio=0.2880 compressed_bytes=301989",
    "ssh://git@github.com:org/repo.git",
    # code and examples that look like assignments of secrets
    "max_tokens=4096",
    "HF_TOKEN=$HF_TOKEN python train.py",
    "HF_TOKEN=${HF_TOKEN}",
    "API_KEY=<your key>",
    "OPENAI_API_KEY=sk-... ANTHROPIC_API_KEY=sk-...",
    "password: str",
    "def connect(user: str, password: HiddenText | None = None):",
    "login(user, password=password)",
    "password: Optional[str] = None",
    "tokenizer=tok",
    "num_key_value_heads=8",
    "sort_key=lambda",
    "MONKEY=banana",
    "client = OpenAI(api_key=api_key)",
    "SECRET_KEY=get_random_secret_key()",
    "env(HF_TOKEN=DEFAULT_TOKEN, DEBUG=1)",
    "mysql -u root -p",
    "mysql -u root -p$MYSQL_PWD app",
])
def test_ordinary_text_is_untouched(text):
    assert redact(text) == (text, 0)


def test_every_text_of_a_parsed_log_is_masked_and_counted():
    log = (
        '{"type":"user","sessionId":"s","cwd":"/home/me","message":{"content":"my key ' + HF + '"}}\n'
        '{"type":"assistant","sessionId":"s","message":{"id":"m","content":['
        '{"type":"thinking","thinking":"use ' + GHP + '"},'
        '{"type":"text","text":"done with ' + OPENAI + '"},'
        '{"type":"tool_use","id":"t1","name":"Bash","input":{"command":"echo ' + AWS_ID + '"}}]}}\n'
        '{"type":"user","sessionId":"s","message":{"content":[{"type":"tool_result",'
        '"tool_use_id":"t1","content":"' + AWS_ID + '"}]}}\n'
        '{"type":"mystery","blob":"' + SLACK + '"}\n'
    ).encode()
    raw = parse_log(log, None)
    assert HF in repr(raw) and raw.stats.redactions == 0
    clean = parse_log(log, None, text_filter=redact)
    text = repr(clean)
    for secret in (HF, GHP, OPENAI, AWS_ID, SLACK):
        assert secret not in text
    # prompt, thinking, text, call input, summary, result, raw record
    assert clean.stats.redactions == 7
    assert clean.turns[0].preview == "my key [REDACTED:hf-token]"
    call = next(i for i in clean.items if isinstance(i, ToolCall))
    assert call.summary == "echo [REDACTED:aws-access-key-id]"
    assert call.result == "[REDACTED:aws-access-key-id]"
    # a log without secrets parses to the same transcript either way
    orbit = (Path(__file__).parent / "fixtures/traces/traces/orbit-7/"
             "5b0e7c3a-2f41-4d8e-9a6b-c1d2e3f4a5b6/5b0e7c3a-2f41-4d8e-9a6b-c1d2e3f4a5b6.jsonl")
    assert parse_log(orbit.read_bytes(), None, text_filter=redact) == \
        parse_log(orbit.read_bytes(), None)


def test_a_secret_in_colour_codes_is_masked():
    row = {"type": "user", "sessionId": "s", "message": {"content": f"use \x1b[1m{HF}\x1b[0m"}}
    (prompt,) = parse_log(json.dumps(row).encode(), None, text_filter=redact).items
    assert prompt.text == "use [REDACTED:hf-token]"


_FRAGMENTS = st.sampled_from([
    "DB_PASSWORD=", "HF_TOKEN=", "password: ", "PASSWORD=", "_KEY=", "mysql -u root -p", " -p",
    "api_key=", "Bearer ", "://user:", "@", HF, HF_LETTERS, "hunter2", "Tr0ub4dor&3", "str", "$X",
    "${X}", "<key>", '"', "'", " ", "\n", "(", ")", "[REDACTED:secret]", "sk-", "...", "_",
    AWS_ID, GHP, GH_PAT, AWS_SECRET, OPENAI, "aws_secret_access_key=", "Authorization: token ",
    "https://", "u:p4ssw0rd", "Key", "TOKEN", "Secret", "credentials", "=", ":", "-----BEGIN ",
    "PRIVATE KEY-----", "mysql", *(text for text, _, _ in _EXAMPLES)])
_TEXTS = st.lists(st.one_of(_FRAGMENTS, st.text(max_size=6)), max_size=12).map("".join)


@settings(max_examples=400, deadline=None)
@given(_TEXTS)
def test_masking_twice_masks_nothing_more(text):
    masked, _ = redact(text)
    assert redact(masked) == (masked, 0)


@pytest.mark.parametrize("text", [case(text) for text, _, _ in _EXAMPLES
                                  for case in (str, str.upper, str.lower, str.title)])
def test_the_cheap_checks_pass_every_example(text):
    test_the_cheap_checks_never_change_what_is_masked.hypothesis.inner_test(text)


@settings(max_examples=600, deadline=None)
@given(_TEXTS)
def test_the_cheap_checks_never_change_what_is_masked(text):
    checked = redact(text)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(redact_module, "maybe_secret", lambda _: True)
        patch.setattr(redact_module._Rule, "may_match", lambda self, present: True)
        assert redact(text) == checked


# Each character as a rule's case-insensitive pattern may find it: in either case, and for "s",
# "k" and "i" the characters Unicode folds to them ("ſ", the Kelvin sign, "ı", "İ").
_LETTERS = [x for x in map(chr, range(sys.maxunicode + 1)) if re.fullmatch("(?i)[a-z]", x)]
_FOLDED_TO = {c: [x for x in _LETTERS if re.fullmatch(f"(?i){c}", x)] for c in string.ascii_letters}


def _some_rule_matches(text: str) -> bool:
    return any(rule.valid is None or rule.valid(m.group(rule.group))
               for rule in redact_module._RULES for m in rule.pattern.finditer(text))


@settings(max_examples=300, deadline=None)
@given(st.sampled_from([text for text, _, _ in _EXAMPLES]).flatmap(lambda text: st.tuples(
    *(st.sampled_from(_FOLDED_TO.get(c, [c])) for c in text)).map("".join)))
def test_a_secret_a_rule_finds_in_any_case_is_masked(text):
    """"ſecret = …", "paſſword: …", "authorızation: basic …": the cheap checks let through what
    a rule's case-insensitive pattern matches."""
    if _some_rule_matches(text):
        assert maybe_secret(text) and redact(text)[1]
    test_the_cheap_checks_never_change_what_is_masked.hypothesis.inner_test(text)


@pytest.mark.parametrize("text", ["ſecret = Q8mz7Lp2Rx5Vn9Tk", "paſſword: Tr0ub4dor&3",
                                  "authorızation: basic Q8mz7Lp2Rx5Vn9Tk",
                                  "AUTHORİZATION: Basic Q8mz7Lp2Rx5Vn9Tk"])
def test_a_secret_named_with_a_letter_unicode_folds_to_ascii_is_masked(text):
    assert maybe_secret(text) and redact(text)[1] == 1


def test_a_token_glued_to_another_is_masked_in_the_same_call():
    masked, count = redact(AWS_ID + GHP)
    assert masked == "[REDACTED:aws-access-key-id][REDACTED:github-token]" and count == 2


@settings(max_examples=400, deadline=None)
@given(_TEXTS)
def test_the_spans_of_the_secrets_mask_as_redact_does(text):
    assert masked_at(text, secret_spans(text))[0] == redact(text)[0]


_BODY = "aBcD1234" * 4 + "xy"


@pytest.mark.parametrize("spelt", [
    "hf&#95;" + _BODY, "hf&#x5f;" + _BODY, "hf&#X5F;" + _BODY, "&#104;f_" + _BODY,
    "hf&lowbar;" + _BODY, "hf&UnderBar;" + _BODY, "hf&#95" + _BODY, "hf\\_" + _BODY,
    "&#x68;&#x66;&#x5f;" + _BODY, "h&#102;\\_" + _BODY,
])
def test_a_secret_spelt_for_markdown_or_html_to_show_is_masked(spelt):
    text = f"see `x` {spelt} \\*not emphasis\\* &amp; more"
    assert redact_shown(text) == ("see `x` [REDACTED:hf-token] \\*not emphasis\\* &amp; more",
                                  {"hf-token": 1})


@pytest.mark.parametrize("text", [
    "hf\\&#95;" + _BODY,                   # an escaped "&": the page shows "&#95;"
    "hf&amp;#95;" + _BODY,                   # "&amp;" shows "&", and what follows as written
    "a \\* b &lt;tag&gt; C\\+\\+ &copy; 2026 &unknown; \\_private",
    "token\\_count: 12 and max\\_tokens=4096",
])
def test_escapes_that_spell_no_secret_are_untouched(text):
    assert redact_shown(text) == (text, {})


@pytest.mark.parametrize("url", [
    "https://example.org/x?token=hf%5F{}&page=2", "https://example.org/x?k=hf%5f{}",
    "https://example.org/x?k=%68%66_{}#top", "https://h.example/%68%66%5F{}/run",
])
def test_a_secret_percent_encoded_in_a_url_is_masked_and_the_url_kept(url):
    written = url.format(_BODY)
    head, _, tail = url.partition("{}")
    secret = head[head.rindex("=") + 1 if "=" in head else head.rindex("/") + 1:] + _BODY
    masked = written.replace(secret, "[REDACTED:hf-token]")
    assert redact_shown(f"see {written} ok") == (f"see {masked} ok", {"hf-token": 1})
    assert redact_log(f"see {written} ok") == (f"see {masked} ok", 1)


def test_a_whole_token_percent_encoded_is_masked():
    whole = "".join(f"%{ord(c):02X}" for c in "hf_" + _BODY)
    assert redact_shown(f"https://example.org/?k={whole}&a=1") == (
        "https://example.org/?k=[REDACTED:hf-token]&a=1", {"hf-token": 1})


@pytest.mark.parametrize("text", [
    "https://example.org/a%20b?q=x%2Fy&r=%E2%9C%93 50% off",
    "https://huggingface.co/spaces/x?search=api%20key%3D1 and 100%25 sure",
    "https://example.org/?k=hf%5Fshort and %68%66 and token%3D%20",
])
def test_ordinary_percent_escapes_are_untouched(text):
    assert redact_shown(text) == (text, {}) and redact_log(text) == (text, 0)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(_FRAGMENTS, st.sampled_from(["&#95;", "\\_", "&#x68;", "&amp;", "\\",
                                                        "%5F", "%68%66"])),
                max_size=12).map("".join))
def test_masking_what_is_shown_twice_masks_nothing_more(text):
    masked, _ = redact_shown(text)
    assert redact_shown(masked) == (masked, {})


@pytest.mark.parametrize("name, masked", [
    (f"message_board/20260709-101500_kestrel_{HF}.md",
     "message_board/20260709-101500_kestrel_[REDACTED:hf-token].md"),
    (f"traces/kestrel/{HF}/manifest.md", "traces/kestrel/[REDACTED:hf-token]/manifest.md"),
    (f"results/20260708-1741_{GHP}-run.md", "results/20260708-1741_[REDACTED:github-token]-run.md"),
    (f"artifacts/{AWS_ID}.{OPENAI}.txt",
     "artifacts/[REDACTED:aws-access-key-id].[REDACTED:openai-key].txt"),
])
def test_a_secret_glued_into_a_file_name_is_masked(name, masked):
    assert redact_name(name)[0] == masked


@pytest.mark.parametrize("name", [
    "message_board/20260709-101500_kestrel_key-findings.md",
    "message_board/20260709-101500_kestrel_token-budget_max_tokens-4096.md",
    "results/20260708-174109-383_wren.md",
    "traces/halcyon/b9d5ed54-5a87-41d0-a40b-2eea599103a5/manifest.md",
    "traces/sparkle-s9/019f4b5f-df07-701f-b6f7-cc2a0632e1dd/manifest.md",
    "artifacts/secret_santa/api_key_rotation.md",
    "message_board/20260709-101500_kestrel_sk-learn-hf_hub-notes.md",
])
def test_ordinary_file_names_are_untouched(name):
    assert redact_name(name) == (name, {})


def test_a_listing_is_masked_as_its_names_are_one_by_one():
    names = [f"message_board/2026070{i}-101500_kestrel_{word}.md"
             for i, word in enumerate(["notes", "tokenizer-key", HF, f"x-{GHP}", "hf_hub"])]
    assert names_with_secrets(names) == {
        name: redact_name(name) for name in names if redact_name(name)[1]} != {}
    assert names_with_secrets(names[:2] + names[4:]) == {}


# The generic rules read a name in any case (their first letter is spelt case by case, for speed):
# the value is masked whatever the case of the name, and never after a letter glued before it.
@pytest.mark.parametrize("text, secret", [
    (case(text), secret) for text, secret in [
        ("Authorization: Bearer abcDEF123456ghiJKL789", "abcDEF123456ghiJKL789"),
        ("authorization: basic QWxhZGRpbjpvcGVu", "QWxhZGRpbjpvcGVu"),
        (f"aws_secret_access_key = {AWS_SECRET}\n", AWS_SECRET),
        ("postgres://admin:pa55w0rdXYZ@db.internal:5432/app", "pa55w0rdXYZ"),
        ("api_key=Q8mz7Lp2Rx5Vn9Tk", "Q8mz7Lp2Rx5Vn9Tk"),
        ("client-key: Q8mz7Lp2Rx5Vn9Tk", "Q8mz7Lp2Rx5Vn9Tk"),
        ("token = Zq8mP2xL9vR4tK7w", "Zq8mP2xL9vR4tK7w"),
        ("passphrase: Zq8mP2xL9vR4tK7w", "Zq8mP2xL9vR4tK7w"),
        ("Password: Tr0ub4dor&3", "Tr0ub4dor&3"),
    ] for case in (str, str.upper, str.lower, str.swapcase)
] + [("API\u212aEY: Zq8mP2xL9vR4tK7w", "Zq8mP2xL9vR4tK7w")])   # a Kelvin sign: (?i) reads it as k
def test_a_generic_rule_masks_a_value_whatever_the_case_of_its_name(text, secret):
    assert secret not in redact_module._masked_once(text)[0]


@pytest.mark.parametrize("text", [
    "xBearer abcDEF123456ghiJKL789", "éauthorization: basic QWxhZGRpbjpvcGVu",
    "éhttps://admin:pa55w0rdXYZ@db.internal/app",
])
def test_a_generic_rule_reads_no_name_glued_to_the_word_before(text):
    assert redact_module._masked_once(text)[1] == {}


@pytest.mark.parametrize("text, maybe", [
    ("@kestrel see https://example.org/x", False),          # an @mention, then a link
    ("see https://bot:pw@example.org/x", True),
    ("https://example.org/x, mail ann@example.org", True),
    ("@kestrel: api_key in https://example.org/x", True),
])
def test_urls_with_no_at_sign_after_their_scheme_cannot_hold_a_password(text, maybe):
    assert maybe_url_secret(text) is maybe


def test_a_password_written_as_it_is_shown_is_one_span():
    """Found as written and as markdown shows it: one secret, to mask and to count once."""
    url = "https://bot:s3cret99@example.org/x"
    assert shown_secret_spans(url) == [(12, 20, "url-password")]


@pytest.mark.parametrize("url", ["https://bot:%5BREDACTED:url-password%5D@example.org/x",
                                 "https://bot:%5bREDACTED:url-password%5d@example.org/x"])
def test_a_mask_as_markdown_writes_it_in_a_link_is_no_password(url):
    assert redact_shown(url) == (url, {}) and redact(url) == (url, 0)
