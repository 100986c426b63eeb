"""Secret masking for every text the site publishes from the bucket.

`redact(text) -> (text, count)` replaces every match with `[REDACTED:<kind>]` and counts them;
`redact_by_kind` says how many of each kind. Both are idempotent (a masked text has nothing left
to match) and pure.

Who calls it:
  * `readers.load` masks the text of every bucket file before its reader sees it (messages,
    results, bios, LEADERBOARD.md, README.md, taskforces, verification, trace manifests), and
    `frontmatter` masks again the YAML and JSON values that escapes ("\\u0068f_...") spell
    out. This is whatever `traces.transcripts` says: a message is not a transcript the operator
    chose to publish as shared. Each file with a masked secret is a Problem in the build report
    (`masked_reason`): the site no longer shows it, but the bucket still holds it. `load` masks
    with `redact_shown`: a secret that markdown or HTML spells out (`hf&#95;…`, `hf\\_…`), or
    a URL percent-encoded (`?token=hf%5F…`), is masked too, and a message cut at
    `limits.max_message_bytes` is never cut inside a secret (`shown_secret_spans`), whose
    head no rule would know. A secret that markup splits (`hf_<b>abc</b>def…`) is masked by
    the markdown door in the text the page shows (`markdown.mask_shown_secrets`), as is one
    in a URL the door emits (`mask_url_secrets`), and `load` reports them too.
  * `read_inputs` leaves out the files whose bucket path holds a secret (`names_with_secrets`):
    a name becomes URLs, ids and titles. The report names each with the secret masked
    (`named_reason`).
  * A transcript follows `traces.transcripts` (config): with "redacted" (the default)
    `load_transcript` passes `redact_log` (`redact`, and secrets percent-encoded in a URL) to
    `parse_log` as its text filter, so every text field is masked *before* it is capped (a cap
    can then never cut a secret in half and leak its head), and the page shows a "redacted by
    archive" badge when the counts (with what the door masks) are above zero; with "on"
    the transcript is shown as shared; with "off" it is not rendered at all.
"""
from __future__ import annotations

import html
import re
from bisect import bisect_right
from dataclasses import dataclass
from itertools import accumulate
from typing import Callable, Iterator, Sequence

Validator = Callable[[str], bool]
Span = tuple[int, int, str]             # start, end and kind of a part of a text to mask


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


# The characters other than ASCII letters that a rule's case-insensitive pattern matches as one
# ("ſecret", "authorızation", "api_\u212aey"), as the ASCII letter they stand for there.
_AS_ASCII = str.maketrans({"\u017f": "s", "\u0131": "i", "\u0130": "i", "\u212a": "k"})


def _lowered(text: str) -> str:
    """`text` in lower case, with what `_AS_ASCII` says: what a rule's triggers are looked for
    in, character for character (a name's positions stay those of the name). (`translate`
    looks every character up in the table, twenty times as slow as `lower`: an ASCII text has
    none of the table's characters, and `replace` finds them at the speed of a search.)"""
    if not text.isascii():
        for char, ascii in _AS_ASCII.items():
            text = text.replace(chr(char), ascii)
    return text.lower()


# What a rule's pattern needs in `_lowered` text, checked first (a case-sensitive regex
# is ten times as fast as the rule's case-insensitive one): any of a rule's triggers, each a
# word, a tuple of words that must all be there, or a regex.
Trigger = str | tuple[str, ...] | re.Pattern[str]


def _present(trigger: Trigger, lowered: str) -> bool:
    if isinstance(trigger, str):
        return trigger in lowered
    if isinstance(trigger, tuple):
        return all(word in lowered for word in trigger)
    return trigger.search(lowered) is not None


@dataclass(frozen=True)
class _Rule:
    kind: str
    triggers: tuple[Trigger, ...]
    pattern: re.Pattern[str]
    group: int = 0                     # the group to mask (0: the whole match)
    valid: Validator | None = None     # whether the text to mask is a secret

    def may_match(self, present: Callable[[Trigger], bool]) -> bool:
        return any(map(present, self.triggers))


def _first_cased(first: str, prefix: str, value: str) -> re.Pattern[str]:
    """`(?i)(<first><prefix>)<value>`, but for its first character, which `first` spells case
    by case: Python's regex engine tries a case-insensitive pattern at every position of the
    text, and jumps to the next character of `first`'s class otherwise (four to six times as
    fast on a long text). The class holds every character (?i) matches there ("ſ" for "s")."""
    return re.compile(f"({first}(?i:{prefix}))(?i:{value})")


# What (?i)[a-z] matches: the ASCII letters, "İ", "ı", "ſ" and the Kelvin sign.
_ANY_LETTER = "[A-Za-z\u0130\u0131\u017f\u212a]"


def _is_a_mask(value: str) -> bool:
    """Whether `value` is a mask, as written or percent-encoded as markdown writes one in a
    link's target (`%5BREDACTED:…`): a page's text rendered again holds those."""
    return percent_decoded(value[:12]).startswith("[REDACTED")


# the names the assignment rules below look for, then ":" or "="
_ASSIGNED = re.compile(r"(?:key|secret|token|passw(?:or)?d|passphrase|credentials?)[\"']?\s*[:=]")

# Order matters: specific token shapes first, generic "name = value" assignments last (by then
# the specific ones are already masked and no longer match).
_RULES: tuple[_Rule, ...] = (
    _Rule("private-key", ("private key",), re.compile(
        r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----"
        r"(?:[\s\S]*?-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----|[\s\S]*\Z)")),
    _Rule("jwt", ("eyj",), re.compile(
        r"(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}")),
    # (a pattern that starts with its literal, the look-behind after it, is searched for faster)
    _Rule("hf-token", ("hf_",), re.compile(r"hf_(?<![A-Za-z0-9_]hf_)[A-Za-z0-9]{30,}(?![A-Za-z0-9])")),
    _Rule("anthropic-key", ("sk-ant-",), re.compile(r"(?<![A-Za-z0-9_-])sk-ant-[A-Za-z0-9_-]{20,}")),
    _Rule("openai-key", ("sk-",), re.compile(
        r"(?<![A-Za-z0-9_-])sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}"), 0,
        _has_letter_and_digit),
    _Rule("stripe-key", ("_live_",), re.compile(r"(?<![A-Za-z0-9_])(?:sk|rk)_live_[A-Za-z0-9]{16,}")),
    _Rule("github-token", (re.compile(r"g(?:h[pousr]_|ithub_pat_)"),), re.compile(
        r"(?<![A-Za-z0-9_])(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{40,})")),
    _Rule("gitlab-token", ("glpat-",), re.compile(r"(?<![A-Za-z0-9_])glpat-[A-Za-z0-9_-]{20,}")),
    _Rule("npm-token", ("npm_",), re.compile(r"(?<![A-Za-z0-9_])npm_[A-Za-z0-9]{36}(?![A-Za-z0-9])")),
    _Rule("slack-token", ("xox",), re.compile(r"(?<![A-Za-z0-9_])xox[abprs]-[A-Za-z0-9-]{10,}")),
    _Rule("google-api-key", ("aiza",), re.compile(
        r"(?<![A-Za-z0-9_])AIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])")),
    _Rule("aws-access-key-id", (re.compile(r"a(?:kia|sia|roa|ida|npa|gpa)"),), re.compile(
        r"(?<![A-Z0-9])(?:AKIA|ASIA|AROA|AIDA|ANPA|AGPA)[A-Z0-9]{16}(?![A-Z0-9])")),
    _Rule("aws-secret-key", ("aws_secret_access_key",), _first_cased(
        "[Aa]", r"ws_secret_access_key[\"']?\s*[:=]\s*[\"']?",
        r"([A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])"), 2),
    _Rule("bearer-token", ("bearer",), _first_cased(
        r"[Bb](?<!\w.)", r"earer\s+", r"([A-Za-z0-9\-._~+/]{16,}=*)"), 2),
    _Rule("basic-auth", ("authorization",), _first_cased(
        r"[Aa](?<!\w.)", r"uthorization[\"']?\s*[:=]\s*[\"']?(?:basic|token)\s+",
        r"([A-Za-z0-9+/=._-]{8,})"), 2),
    _Rule("url-password", (("://", "@"),), _first_cased(
        _ANY_LETTER + r"(?<!\w.)", r"[a-z0-9+.-]{1,20}://[^\s/:@\"'<>\[\]]{1,100}:",
        r"([^\s/@\"'<>\[\]]{1,200})(?=@)"), 2, lambda v: not _is_a_mask(v)),
    _Rule("secret", (_ASSIGNED,), _first_cased(
        "[AaSs\u017fTtPpCc_-]",
        r"(?:(?<=a)pi[_-]?key|(?<=a)pikey|(?<=s)ecret|(?<=[_-])key|(?<=t)oken|(?<=p)asswd"
        r"|(?<=p)assword|(?<=p)assphrase|(?<=c)redentials?)(?![A-Za-z0-9_])[\"']?\s*[:=]\s*[\"']?",
        r"([A-Za-z0-9_\-./+=:~]{12,})"), 2, _has_letter_and_digit),
    # .env and shell assignments (upper-case names, no spaces around "="): any given value
    _Rule("secret", (_ASSIGNED,), re.compile(
        r"(?<![A-Za-z0-9_$])((?:(?:[A-Z0-9]+_)+(?:TOKEN|KEY|SECRET|PASSWORD|PASSWD|PASSPHRASE)"
        r"|PASSWORD|PASSWD|PASSPHRASE)=[\"']?)" + _VALUE), 2, _is_given),
    # a password in config, JSON or code: a value, not a name or type
    _Rule("password", (_ASSIGNED,), _first_cased(
        "[Pp]", r"(?:assword|asswd|assphrase)[\"']?\s*[:=]\s*[\"']?", _VALUE),
        2, _is_given_password),
    # the MySQL clients take the password glued to -p
    _Rule("password", ("mysql", "mariadb"), re.compile(
        r"(\b(?:mysql|mysqldump|mysqladmin|mariadb)\b[^\n]*?\s-p[\"']?)" + _VALUE), 2, _is_given),
)

# Cheap pre-check: a text holding none of these (`_lowered`), nor "://" and "@" both, nor a
# token of the two families, cannot match any rule above. One alternation regex of them all is
# thirty times slower than these substring tests; a regex starting with a literal is as fast.
_TRIGGERS = (
    "eyj", "hf_", "sk-", "_live_", "glpat-", "npm_", "xox", "aiza", "bearer", "authoriz",
    "key", "secret", "token", "passw", "passphrase", "credential", "mysql", "mariadb",
)                                      # "key" stands for "private key" too
_TOKEN_FAMILIES = (re.compile(r"g(?:h[pousr]_|ithub_pat_)"),
                   re.compile(r"A(?:KIA|SIA|ROA|IDA|NPA|GPA)"))


def maybe_secret(text: str) -> bool:
    """Whether some rule may match `text` (False: none can), at the cost of a few substring
    tests."""
    lowered = _lowered(text)
    return _has_trigger(text, lowered) or ("://" in lowered and "@" in lowered)


def maybe_url_secret(text: str) -> bool:
    """`maybe_secret` for the URLs written in `text` (False: no rule can match one of them): a
    URL's password needs an "@" after its "://", which a text with a link and an @mention
    before it does not have. (Only for URLs: markup can show a text's words in another order.)"""
    lowered = _lowered(text)
    scheme = lowered.find("://")
    return _has_trigger(text, lowered) or (scheme >= 0 and "@" in lowered[scheme:])


def _has_trigger(text: str, lowered: str) -> bool:
    return (any(map(lowered.__contains__, _TRIGGERS))
            or any(family.search(text) for family in _TOKEN_FAMILIES))


def redact(text: str) -> tuple[str, int]:
    """Mask secrets in `text`; return the new text and how many secrets were masked."""
    text, counts = redact_by_kind(text)
    return text, sum(counts.values())


def redact_by_kind(text: str) -> tuple[str, dict[str, int]]:
    """Mask secrets in `text`; return the new text and how many of each kind were masked."""
    counts: dict[str, int] = {}
    if not text or not maybe_secret(text):
        return text, counts
    for _ in range(_MAX_PASSES):
        text, found = _masked_once(text)
        add_counts(counts, found)
        if not found:
            break
    return text, counts


# A mask can free the edge of a token glued to the one it replaced (the look-behind of
# "AKIA…ghp_…" fails on "F", not on "]"), so the rules run again until they mask nothing.
_MAX_PASSES = 4


def _masked_once(text: str, origins: _Origins | None = None) -> tuple[str, dict[str, int]]:
    counts: dict[str, int] = {}
    lowered = _lowered(text)
    seen: dict[Trigger, bool] = {}

    def present(trigger: Trigger) -> bool:          # each trigger looked for once
        if trigger not in seen:
            seen[trigger] = _present(trigger, lowered)
        return seen[trigger]

    for rule in _RULES:
        if not rule.may_match(present):
            continue
        kind, pattern, group, valid = rule.kind, rule.pattern, rule.group, rule.valid
        mask = f"[REDACTED:{kind}]"
        count = 0
        spans: list[Span] = []

        def repl(m: re.Match[str]) -> str:
            nonlocal count
            value = m.group(group)
            if valid is not None and not valid(value):
                return m.group(0)
            count += 1
            if origins is not None:
                spans.append((*m.span(group), kind))
            if group == 0:
                return mask
            start, end = m.span(group)
            base = m.start(0)
            whole = m.group(0)
            return whole[:start - base] + mask + whole[end - base:]

        text = pattern.sub(repl, text)
        if count:
            counts[kind] = counts.get(kind, 0) + count
        if spans and origins is not None:
            origins.replace(spans)
    return text, counts


def add_counts(total: dict[str, int], counts: dict[str, int]) -> None:
    for kind, count in counts.items():
        total[kind] = total.get(kind, 0) + count


def secret_spans(text: str) -> list[Span]:
    """The parts of `text` that `redact` masks, in order, each with its kind. What `redact`
    cannot say: where in the text a secret was (a text `text` was decoded from, a window that
    a cut goes through)."""
    if not text or not maybe_secret(text):
        return []
    origins = _Origins(len(text))
    for _ in range(_MAX_PASSES):
        text, found = _masked_once(text, origins)
        if not found:
            break
    return origins.spans()


class _Origins:
    """For each character of a text being masked, the part of the first text it stands for,
    and the kind of the mask it is part of ("" for a character of the first text)."""

    def __init__(self, length: int) -> None:
        self.starts = list(range(length))
        self.ends = list(range(1, length + 1))
        self.kinds = [""] * length

    def replace(self, spans: list[Span]) -> None:
        """Each of `spans` (of the text as it is now, in order) becomes its mask."""
        starts: list[int] = []
        ends: list[int] = []
        kinds: list[str] = []
        at = 0
        for start, end, kind in spans:
            width = len(f"[REDACTED:{kind}]")
            starts += self.starts[at:start] + [self.starts[start]] * width
            ends += self.ends[at:start] + [self.ends[end - 1]] * width
            kinds += self.kinds[at:start] + [kind] * width
            at = end
        self.starts = starts + self.starts[at:]
        self.ends = ends + self.ends[at:]
        self.kinds = kinds + self.kinds[at:]

    def spans(self) -> list[Span]:
        found: list[Span] = []
        for span in zip(self.starts, self.ends, self.kinds):
            if span[2] and (not found or found[-1] != span):
                found.append(span)
        return found


def masked_at(text: str, spans: list[Span], mask: str = "[REDACTED:{}]"
              ) -> tuple[str, dict[str, int]]:
    """`text` with each of `spans` (in order) masked (`mask` with the kind), and how many of
    each kind; a span that overlaps the one before it widens its mask."""
    parts: list[str] = []
    counts: dict[str, int] = {}
    at = 0
    for start, end, kind in spans:
        if start < at:
            at = max(at, end)
            continue
        parts += [text[at:start], mask.format(kind)]
        counts[kind] = counts.get(kind, 0) + 1
        at = end
    parts.append(text[at:])
    return "".join(parts), counts


# What markdown or a browser shows as another character: a backslash escape of ASCII
# punctuation, a character reference (browsers read some without their ";"), and a URL's
# percent-escape of an ASCII character, which a browser's status bar shows decoded
# (`?k=hf%5F…`, `%68%66_…`; the bytes of other characters are no part of a secret).
_PERCENT = r"%[0-7][0-9A-Fa-f]"
_SPELT = re.compile(r"\\[!-/:-@\[-`{-~]"
                    r"|&(?:#[0-9]{1,8}|#[xX][0-9a-fA-F]{1,8}|[A-Za-z][A-Za-z0-9]{1,31});?"
                    r"|" + _PERCENT)
_PERCENT_SPELT = re.compile(_PERCENT)


def _shown(spelt: re.Match[str]) -> str:
    written = spelt.group(0)
    if written[0] == "%":
        return chr(int(written[1:], 16))
    return written[1] if written[0] == "\\" else html.unescape(written)


def percent_decoded(text: str) -> str:
    """`text` with its percent-escapes of ASCII characters decoded, as a URL is shown."""
    return _PERCENT_SPELT.sub(_shown, text) if "%" in text else text


def redact_shown(text: str) -> tuple[str, dict[str, int]]:
    """Mask the secrets in `text` as written (`redact_by_kind`) and those that only show once
    markdown or HTML has read it: spelt with character references (`hf&#95;…`, `&#x68;f_…`)
    or backslash escapes (`hf\\_…`), or that a browser shows in a URL: percent-encoded
    (`?k=hf%5F…`); return the text and how many of each kind were masked."""
    return _redact_spelt(text, _SPELT, "\\&%")


def redact_log(text: str) -> tuple[str, int]:
    """Mask the secrets in a text of an agent's log as written (`redact`) and percent-encoded in
    a URL (`?token=hf%5F…`); return the text and how many were masked."""
    text, counts = _redact_spelt(text, _PERCENT_SPELT, "%")
    return text, sum(counts.values())


def _redact_spelt(text: str, spelling: re.Pattern[str], marks: str) -> tuple[str, dict[str, int]]:
    """`redact_by_kind`, and the secrets `text` spells as `spelling` says (each spelling opens
    with one of `marks`)."""
    text, counts = redact_by_kind(text)
    if not any(mark in text for mark in marks) or spelling.search(text) is None \
            or not redact_by_kind(spelling.sub(_shown, text))[1]:
        return text, counts                     # the common case: nothing spelt is a secret
    text, spelt = masked_at(text, _spelt_spans(text, spelling))
    add_counts(counts, spelt)
    return text, counts


# A mask in a URL: `[REDACTED:<kind>]` percent-encoded, as markdown writes the mask of a link's
# target (the URL stays one).
URL_MASK = "%5BREDACTED:{}%5D"


def shown_secret_spans(text: str) -> list[Span]:
    """Where `text` holds a secret as written or as markdown or HTML shows it, in order, each
    once (both searches find one written as it is shown)."""
    return merged_spans(secret_spans(text) + _spelt_spans(text))


def merged_spans(spans: list[Span]) -> list[Span]:
    """Spans in order, those that overlap as one (with the first one's kind): what several
    searches found, each secret once."""
    merged: list[Span] = []
    for start, end, kind in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]), merged[-1][2])
        else:
            merged.append((start, end, kind))
    return merged


def percent_spelt_spans(text: str) -> list[Span]:
    """The parts of `text` that spell out a secret with a URL's percent-escapes."""
    return _spelt_spans(text, _PERCENT_SPELT) if "%" in text else []


def _spelt_spans(text: str, spelling: re.Pattern[str] = _SPELT) -> list[Span]:
    """The parts of `text` that spell out a secret as markdown or HTML shows it (or as
    `spelling` says)."""
    shown: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    at = 0
    for spelt in spelling.finditer(text):
        shown.append(text[at:spelt.start()])
        starts += range(at, spelt.start())
        ends += range(at + 1, spelt.start() + 1)
        chars = _shown(spelt)
        shown.append(chars)
        starts += [spelt.start()] * len(chars)
        ends += [spelt.end()] * len(chars)
        at = spelt.end()
    shown.append(text[at:])
    starts += range(at, len(text))
    ends += range(at + 1, len(text) + 1)
    return [(starts[start], ends[end - 1], kind)
            for start, end, kind in secret_spans("".join(shown))]


# The tokens whose rule's look-behind refuses a "_" or "-" before them, as a file name glues
# them to the word before ("…_kestrel_hf_…"): a name is also looked at from each of them on.
_GLUED_TOKEN = re.compile(r"(?<=[_-])(?:hf_|sk-|[sr]k_live_|eyJ|gh[pousr]_|github_pat_|glpat-"
                          r"|npm_|xox[abprs]-|AIza)")


def redact_name(name: str) -> tuple[str, dict[str, int]]:
    """Mask secrets in a file name or bucket path; return the name and how many of each kind
    were masked."""
    name, counts = redact_by_kind(name)
    for glued in reversed(list(_GLUED_TOKEN.finditer(name))):   # the last first: the others
        masked, found = redact_by_kind(name[glued.start():])   # stay where they are
        name = name[:glued.start()] + masked
        add_counts(counts, found)
    return name, counts


def names_with_secrets(names: Sequence[str]) -> dict[str, tuple[str, dict[str, int]]]:
    """`redact_name` of each of `names` that holds a secret. A bucket lists 10,000 names at
    each build: only those holding a trigger are looked at one by one."""
    listing = "\n".join(names)                  # no name holds a line end (sources refuse them)
    lowered = _lowered(listing)
    found = [i for word in (*_TRIGGERS, "://") for i in _occurrences(word, lowered)]
    found += [m.start() for family in _TOKEN_FAMILIES for m in family.finditer(listing)]
    if not found:
        return {}
    starts = list(accumulate((len(name) + 1 for name in names), initial=0))
    suspects = {names[bisect_right(starts, i) - 1] for i in found}
    masked = {name: redact_name(name) for name in suspects}
    return {name: found for name, found in masked.items() if found[1]}


def _occurrences(word: str, text: str) -> Iterator[int]:
    at = text.find(word)
    while at >= 0:
        yield at
        at = text.find(word, at + 1)


def masked_reason(counts: dict[str, int]) -> str:
    """The build report's word on a file in which secrets were masked: how many of which kinds
    (never the secrets), and what to do about them."""
    return _masked_reason(sum(counts.values()), f" ({_kinds(counts)})")


def log_masked_reason(count: int) -> str:
    """`masked_reason` of an agent's log: its parser counts the secrets its texts lose, not
    their kinds."""
    return _masked_reason(count, "")


def _masked_reason(count: int, kinds: str) -> str:
    return f"{count} secret(s) masked on the site{kinds}: rotate them, the bucket still holds them"


def named_reason(counts: dict[str, int], files: int = 0) -> str:
    """The build report's word on a file left out because its name holds secrets (the report
    names it masked): a name reaches URLs, ids and titles, which a mask would not keep. With
    `files`: on a folder whose name holds them, and the files in it left out."""
    said = f"skipped: its name holds {sum(counts.values())} secret(s) ({_kinds(counts)}), masked here"
    if files:
        return (f"{said}, with the {files} file(s) in it: rotate them and rename the folder, "
                "the bucket still holds them")
    return f"{said}: rotate them and rename the file, the bucket still holds them"


def _kinds(counts: dict[str, int]) -> str:
    return ", ".join(f"{count} {kind}" for kind, count in sorted(counts.items()))
