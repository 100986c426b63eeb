"""The archive's second redaction pass: every pattern masked, ordinary text untouched."""
from __future__ import annotations

from pathlib import Path

import pytest

from builder.redact import redact
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
PEM = ("-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7fake7fake7fake\n"
       "anotherlineofbase64==\n-----END RSA PRIVATE KEY-----")


@pytest.mark.parametrize("text, secret, kind", [
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
    ("DB_PASSWORD: 'hunter2hunter2X'", "hunter2hunter2X", "secret"),
    ('{"client_secret": "s3cr3tValue99887766"}', "s3cr3tValue99887766", "secret"),
    ("MY_SERVICE_TOKEN=abcd1234efgh5678ijkl", "abcd1234efgh5678ijkl", "secret"),
    ("postgres://admin:pa55w0rdXYZ@db.internal:5432/app", "pa55w0rdXYZ", "url-password"),
    ("glpat-" + "abcdefghij0123456789", "glpat-abcdefghij0123456789", "gitlab-token"),
    ("npm_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8", "npm_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8",
     "npm-token"),
    ("sk_" + "live_" + "4eC39HqLyjWDarjtT1zdp7dc", "sk_live_4eC39HqLyjWDarjtT1zdp7dc", "stripe-key"),
])
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
