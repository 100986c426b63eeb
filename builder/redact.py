"""Second-pass secret masking for trace text (defence in depth: the share client redacts too,
but `--raw` skips that and its patterns are few).

`redact(text) -> (text, count)` replaces every match with `[REDACTED:<kind>]` and counts them.
It is idempotent (a masked text has nothing left to match) and pure.

Who calls it, by `traces.transcripts` mode (config):
  * "redacted" (the default): the trace reader masks the manifest notes, and `load_transcript`
    passes `redact` to `parse_log` as its text filter, so every text field is masked *before* it
    is capped (a cap can then never cut a secret in half and leak its head). The page shows a
    "redacted by archive" badge when the counts are above zero.
  * "on": nothing is masked (notes and transcript as shared).
  * "off": no transcript is rendered at all; the notes are still masked.
"""
from __future__ import annotations

import re
from typing import Callable

Validator = Callable[[str], bool]


def _has_letter_and_digit(value: str) -> bool:
    return any(c.isdigit() for c in value) and any(c.isalpha() for c in value)


_NOT_A_VALUE = re.compile(
    r"[$<{(\[%*=].*"                   # a variable, placeholder, template, an expression
    r"|.*(?:[(\[]|\.\.\.|…).*"           # a call, a subscript, an elided example
    r"|(?:(?i:none|null|nil|true|false|undefined|lambda)|[A-Z]+(?:_[A-Z]+)+)[),:;\]}]*")


def _is_given(value: str) -> bool:
    """A value written out, not a variable, placeholder, keyword, constant's name or expression
    standing for it."""
    return not _NOT_A_VALUE.fullmatch(value) and any(c.isalpha() for c in value)


_CODE_WORD = re.compile(r"[A-Za-z_]+(?:\.[A-Za-z_]+)*[?),:;\]}]*")


def _is_given_password(value: str) -> bool:
    """A given value that is not a name without digits either: after "password" in code come
    types and variables (`password: str`, `password=password`, `password: HiddenText`)."""
    return _is_given(value) and not _CODE_WORD.fullmatch(value)


# An assigned value: what the quotes it opens with hold, or a run without spaces and quotes.
_VALUE = r"""((?<=")[^"\n]+|(?<=')[^'\n]+|(?<!["'])[^\s"'`,;]+)"""


# (kind, pattern, group to mask (0 = whole match), optional validator of the masked text).
# Order matters: specific token shapes first, generic "name = value" assignments last (by then
# the specific ones are already masked and no longer match).
_RULES: tuple[tuple[str, re.Pattern[str], int, Validator | None], ...] = (
    ("private-key", re.compile(
        r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----"
        r"(?:[\s\S]*?-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----|[\s\S]*\Z)"), 0, None),
    ("jwt", re.compile(
        r"(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"), 0, None),
    ("hf-token", re.compile(r"(?<![A-Za-z0-9_])hf_[A-Za-z0-9]{30,}(?![A-Za-z0-9])"), 0, None),
    ("anthropic-key", re.compile(r"(?<![A-Za-z0-9_-])sk-ant-[A-Za-z0-9_-]{20,}"), 0, None),
    ("openai-key", re.compile(
        r"(?<![A-Za-z0-9_-])sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}"), 0,
     _has_letter_and_digit),
    ("stripe-key", re.compile(r"(?<![A-Za-z0-9_])(?:sk|rk)_live_[A-Za-z0-9]{16,}"), 0, None),
    ("github-token", re.compile(
        r"(?<![A-Za-z0-9_])(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{40,})"), 0, None),
    ("gitlab-token", re.compile(r"(?<![A-Za-z0-9_])glpat-[A-Za-z0-9_-]{20,}"), 0, None),
    ("npm-token", re.compile(r"(?<![A-Za-z0-9_])npm_[A-Za-z0-9]{36}(?![A-Za-z0-9])"), 0, None),
    ("slack-token", re.compile(r"(?<![A-Za-z0-9_])xox[abprs]-[A-Za-z0-9-]{10,}"), 0, None),
    ("google-api-key", re.compile(r"(?<![A-Za-z0-9_])AIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])"),
     0, None),
    ("aws-access-key-id", re.compile(
        r"(?<![A-Z0-9])(?:AKIA|ASIA|AROA|AIDA|ANPA|AGPA)[A-Z0-9]{16}(?![A-Z0-9])"), 0, None),
    ("aws-secret-key", re.compile(
        r"(?i)(aws_secret_access_key[\"']?\s*[:=]\s*[\"']?)([A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])"),
     2, None),
    ("bearer-token", re.compile(
        r"(?i)(\bbearer\s+)([A-Za-z0-9\-._~+/]{16,}=*)"), 2, None),
    ("basic-auth", re.compile(
        r"(?i)(\bauthorization[\"']?\s*[:=]\s*[\"']?(?:basic|token)\s+)([A-Za-z0-9+/=._-]{8,})"),
     2, None),
    ("url-password", re.compile(
        r"(?i)(\b[a-z][a-z0-9+.-]{1,20}://[^\s/:@\"'<>\[\]]{1,100}:)([^\s/@\"'<>\[\]]{1,200})(?=@)"), 2,
     lambda v: not v.startswith("[REDACTED")),
    ("secret", re.compile(
        r"(?i)((?:api[_-]?key|apikey|secret|[_-]key|token|passwd|password|passphrase"
        r"|credentials?)(?![A-Za-z0-9_])[\"']?\s*[:=]\s*[\"']?)"
        r"([A-Za-z0-9_\-./+=:~]{12,})"), 2, _has_letter_and_digit),
    # .env and shell assignments (upper-case names, no spaces around "="): any given value
    ("secret", re.compile(
        r"(?<![A-Za-z0-9_$])((?:(?:[A-Z0-9]+_)+(?:TOKEN|KEY|SECRET|PASSWORD|PASSWD|PASSPHRASE)"
        r"|PASSWORD|PASSWD|PASSPHRASE)=[\"']?)" + _VALUE), 2, _is_given),
    # a password in config, JSON or code: a value, not a name or type
    ("password", re.compile(r"(?i)((?:password|passwd|passphrase)[\"']?\s*[:=]\s*[\"']?)" + _VALUE),
     2, _is_given_password),
    # the MySQL clients take the password glued to -p
    ("password", re.compile(
        r"(\b(?:mysql|mysqldump|mysqladmin|mariadb)\b[^\n]*?\s-p[\"']?)" + _VALUE), 2, _is_given),
)

# Cheap pre-check (plain substring tests on the lowercased text are several times faster than
# one alternation regex): a text containing none of these cannot match any rule above.
_TRIGGERS = (
    "private key", "eyj", "hf_", "sk-", "_live_", "ghp_", "gho_", "ghu_", "ghs_", "ghr_",
    "github_pat_", "glpat-", "npm_", "xox", "aiza", "akia", "asia", "aroa", "aida", "anpa", "agpa",
    "://", "bearer", "authoriz", "key", "secret", "token", "passw", "passphrase", "credential",
    "mysql", "mariadb",
)


def _maybe_secret(text: str) -> bool:
    lowered = text.lower()
    for trigger in _TRIGGERS:
        if trigger in lowered:
            return True
    return False


def redact(text: str) -> tuple[str, int]:
    """Mask secrets in `text`; return the new text and how many secrets were masked."""
    if not text or not _maybe_secret(text):
        return text, 0
    total = 0
    for kind, pattern, group, valid in _RULES:
        mask = f"[REDACTED:{kind}]"
        count = 0

        def repl(m: re.Match[str]) -> str:
            nonlocal count
            value = m.group(group)
            if valid is not None and not valid(value):
                return m.group(0)
            count += 1
            if group == 0:
                return mask
            start, end = m.span(group)
            base = m.start(0)
            whole = m.group(0)
            return whole[:start - base] + mask + whole[end - base:]

        text = pattern.sub(repl, text)
        total += count
    return text, total
