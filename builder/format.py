"""How values are shown to people: times, durations, byte sizes, scores and short text.

Pages, the chart, feeds and the command line all format through here, so a value reads the
same wherever it appears. Every function is pure and total: a missing value has one spelling
("—"), never a crash or a "None".
"""
from __future__ import annotations

import math
import re
import sys
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timezone
from decimal import Decimal
from itertools import groupby

MISSING = "—"
# A score written as a number, perhaps with marks ("~26", "**14,623,723**", "1e400")
_WRITTEN_NUMBER = re.compile(r"\W*[-+]?[0-9][0-9,_]*(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?\W*")
_EXPONENT_ZEROS = re.compile(r"(e[-+])0+(?=[0-9])")


# ---------------------------------------------------------------- times (always UTC)

def utc(ts: datetime) -> datetime:
    """A naive time is taken as UTC; an aware one is converted to it."""
    return ts.replace(tzinfo=timezone.utc) if ts.tzinfo is None else ts.astimezone(timezone.utc)


def when(ts: datetime | None) -> str:
    """"2026-07-09 08:12 UTC": how a moment is shown in text."""
    return utc(ts).strftime("%Y-%m-%d %H:%M UTC") if ts else MISSING


def when_in_column(ts: datetime | None) -> str:
    """"2026-07-09 08:12": `when` in a table's column whose head says the times are UTC
    ("Date (UTC)"), so that no cell repeats it."""
    return utc(ts).strftime("%Y-%m-%d %H:%M") if ts else MISSING


def clock(ts: datetime | None) -> str:
    """"08:12 UTC": the time of `when` without its day; "" if unknown."""
    return utc(ts).strftime("%H:%M UTC") if ts else ""


def clock_in_column(ts: datetime | None) -> str:
    """"08:12": `clock` in a table's column whose head says the times are UTC; "" if unknown."""
    return utc(ts).strftime("%H:%M") if ts else ""


def clock_kept_whole(text: str) -> str:
    """A shown moment whose line may break between its day and its time, never inside the time
    ("2026-07-09" / "08:12 UTC", not "2026-07-09 08:12" / "UTC"): for pages, not feeds."""
    return text.replace(" UTC", "\u00a0UTC")


def day(ts: datetime | None) -> str:
    """"Thursday 9 July 2026": the heading of a day's group of messages (its day of the month
    written as the archive's pager writes it, "9 Jul", not "09")."""
    if not ts:
        return "Undated"
    ts = utc(ts)
    return f"{ts:%A} {ts.day} {ts:%B %Y}"


def iso_day(ts: datetime | None) -> str:
    """"2026-07-09": the UTC day, machine-readable (search filters, date inputs); "" if unknown."""
    return utc(ts).date().isoformat() if ts else ""


def iso(ts: datetime | None) -> str:
    """"2026-07-09T08:12:26Z": machine-readable (datetime attributes, JSON, CSV); "" if unknown."""
    return utc(ts).isoformat(timespec="seconds").removesuffix("+00:00") + "Z" if ts else ""


# ---------------------------------------------------------------- durations

def duration(seconds: float | None) -> str:
    """"2 h 05 min", "3 min 07 s", "42 s"; a whole number of hours or minutes says no zeros
    after it: "2 h", "45 min". Unknown or negative -> "—"."""
    if seconds is None or seconds < 0 or not math.isfinite(seconds):
        return MISSING
    hours, rest = divmod(int(round(seconds)), 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes:02d} min" if minutes else f"{hours} h"
    if minutes:
        return f"{minutes} min {secs:02d} s" if secs else f"{minutes} min"
    return f"{secs} s"


def slash_parts(name: str) -> tuple[str, ...]:
    """A name as parts a narrow column may break between, each ending at a "/": a model's
    provider apart from its name ("anthropic/", "claude-sonnet-4-5")."""
    return tuple(re.findall(r"[^/]*/|[^/]+$", name)) or (name,)


def offset(seconds: float) -> str:
    """"+mm:ss" (or "+h:mm:ss") from a start time."""
    sign = "-" if seconds < 0 else "+"
    hours, rest = divmod(int(abs(seconds)), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{sign}{hours}:{minutes:02d}:{secs:02d}" if hours else f"{sign}{minutes:02d}:{secs:02d}"


# ---------------------------------------------------------------- sizes (SI: 1 kB = 1,000 bytes)

def size(n: int | None) -> str:
    """"512 bytes", "12.3 kB", "4.1 MB", "1.2 GB"."""
    if n is None:
        return MISSING
    if n < 1000:
        return f"{n:,} bytes"
    value = float(n)
    for unit in ("kB", "MB", "GB"):
        value /= 1000
        if value < 1000 or unit == "GB":
            return f"{value:,.1f} {unit}"
    raise AssertionError("unreachable")


# ---------------------------------------------------------------- numbers and scores

def count(value: int | float | None) -> str:
    """12345 -> "12,345"; 0.5 -> "0.50"; None (unknown) -> "—", never 0."""
    if value is None:
        return MISSING
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.2f}"
    return f"{int(value):,}"


def counted(n: int, noun: str, nouns: str = "") -> str:
    """3, "message" -> "3 messages"; 1 -> "1 message"; 12345 -> "12,345 messages"; `nouns`
    when the plural is not the noun and an "s" ("people")."""
    return f"{n:,} " + (noun if n == 1 else nouns or noun + "s")


def standing(rank: int, of: int) -> str:
    """Where one stands among the ranked agents: "rank 2 of 12 agents"; "rank 1 of 1" alone."""
    return f"rank {rank:,} of " + (f"{of:,}" if of == 1 else counted(of, "agent"))


def span(times: Iterable[datetime | None]) -> str:
    """The days of these times: "2026-07-09 to 2026-07-11", "2026-07-09" for one day, "" when
    none is known."""
    days = sorted({iso_day(t) for t in times if t})
    return "" if not days else days[0] if len(days) == 1 else f"{days[0]} to {days[-1]}"


def day_runs(times: Iterable[datetime | None]) -> list[str]:
    """The days of these times, in runs of days that follow each other, each run written as
    ISO 8601 writes an interval ("2026-07-09/2026-07-11"), a day alone as the day: the search
    page's choices of days, short however long the collaboration."""
    ordinals = sorted({utc(t).date().toordinal() for t in times if t})
    runs = [[day for _, day in run]
            for _, run in groupby(enumerate(ordinals), key=lambda pair: pair[1] - pair[0])]
    return [_interval(date.fromordinal(run[0]), date.fromordinal(run[-1])) for run in runs]


def _interval(first: date, last: date) -> str:
    return first.isoformat() if first == last else f"{first.isoformat()}/{last.isoformat()}"


def days(times: Iterable[datetime | None]) -> str:
    """The days of these times, short, with the month's name (never a locale's "06/07"):
    "6 Jul", "6–7 Jul", "31 Jul – 2 Aug", "31 Dec 2026 – 1 Jan 2027" (a year only where the
    days cross one); "" when none is known. A page of an archive by the days it holds."""
    known = [utc(t) for t in times if t]
    if not known:
        return ""
    first, last = min(known).date(), max(known).date()
    if first == last:
        return f"{first.day} {first:%b}"
    if first.year != last.year:
        return f"{first.day} {first:%b %Y} – {last.day} {last:%b %Y}"
    if first.month != last.month:
        return f"{first.day} {first:%b} – {last.day} {last:%b}"
    return f"{first.day}–{last.day} {first:%b}"


def page_span(times: Iterable[datetime | None], clock: bool = True) -> str:
    """When the items of a page of an archive were posted, as a pager names it: its `days`
    ("6–7 Jul", "17 Aug"), and with `clock` its times when they fall within one day ("17 Aug
    09:12–11:40", UTC as everywhere; to the second within one minute, "17 Aug
    09:12:05–09:12:41"): at 350 messages a day, "17 Aug" named seven pages of 50 alike.
    "" when no time is known."""
    known = sorted(utc(t) for t in times if t)
    if not known:
        return ""
    first, last = known[0], known[-1]
    if not clock or first.date() != last.date():
        return days(known)
    return f"{first.day} {first:%b} {_clock_span(first, last)}"


def _clock_span(first: datetime, last: datetime) -> str:
    within_a_minute = first != last and f"{first:%H:%M}" == f"{last:%H:%M}"
    shown = "%H:%M:%S" if within_a_minute else "%H:%M"
    start, end = first.strftime(shown), last.strftime(shown)
    return start if start == end else f"{start}–{end}"


def page_name(number: int, times: Iterable[datetime | None]) -> str:
    """A page of an archive as a screen reader and its tooltip name it: "page 12, 17 Aug
    09:12–11:40 UTC", "page 12, 6–7 Jul"; "page 12" when no time is known."""
    span = page_span(times)
    if not span:
        return f"page {number}"
    return f"page {number}, {span} UTC" if ":" in span else f"page {number}, {span}"   # times


def score(value: float | None, text: str = "") -> str:
    """A score as people read it: 541.2734418006153 -> "541.273", 123456.7 -> "123,457",
    1.2244 -> "1.2244", 1e30 -> "1e+30", 1e-7 -> "1e-7", -0.0 -> "0". A missing or non-finite
    value keeps `text` (what the agent wrote)."""
    if value is None or not math.isfinite(value):
        return text
    value += 0.0                                 # -0.0 + 0.0 is 0.0: no "-0"
    if 100_000 <= abs(value) < 1e15:
        return f"{value:,.0f}"
    if 0 < abs(value) < sys.float_info.min:
        # a subnormal float's binary digits run out: 1e-320 holds 9.99989e-321, so its
        # rounding starts from the shortest text that reads back as it
        return _short_exponent(format(Decimal(repr(value)), ".6g"))
    return _short_exponent(f"{value:.6g}")


# A column's scores share their number of decimals, but never more than these: a long
# fraction (0.000123457) must not write the column's largest score with a dozen digits.
_MOST_DECIMALS = 6
_MOST_DIGITS = 8


def decimals_alike(values: Iterable[float | None]) -> int | None:
    """How many decimals the scores of one column share, so that they line up: as many as the
    column's most precise score shows alone (`score`), at most 6, and at most what keeps its
    largest score to 8 digits. [0.9134, 0.91, 1.0] -> 4; None when no score is written plain
    (none, or all of them with an exponent)."""
    plain = [abs(v) for v in values if v is not None and _written_plain(v)]
    if not plain:
        return None
    whole_digits = len(f"{max(plain):.0f}")
    return min(max(_decimals_shown(v) for v in plain), _MOST_DECIMALS,
               max(0, _MOST_DIGITS - whole_digits))


def score_in_column(value: float | None, text: str, decimals: int | None, grouped: bool) -> str:
    """A score as its column shows it, with the column's `decimals` (`decimals_alike`):
    0.91 -> "0.9100" beside 0.9134. `grouped`: the column holds a score of 100,000 or more,
    so thousands are grouped in all of its scores. A score written with an exponent, or one
    that these decimals would cut, is shown as `score` shows it: the decimals are shared by
    every table of the site, and one huge score among them (12,345,678.9 leaves 0) must not
    turn 3.25 into "3" anywhere. No table rounds away a digit that a result's page shows."""
    if (decimals is None or value is None or not _written_plain(value)
            or decimals < _decimals_shown(value)):
        return score(value, text)
    return f"{value + 0.0:{',' if grouped else ''}.{decimals}f}"


def groups_thousands(values: Iterable[float | None]) -> bool:
    """Whether a column of these scores groups thousands ("123,457"), as `score` writes a
    score of 100,000 or more."""
    return any(v is not None and _written_plain(v) and abs(v) >= 100_000 for v in values)


def _written_plain(value: float) -> bool:
    """`score` writes it without an exponent."""
    return math.isfinite(value) and "e" not in score(value)


def _decimals_shown(value: float) -> int:
    return len(score(value).partition(".")[2])


def _short_exponent(text: str) -> str:
    """"1e-07" -> "1e-7": an exponent without leading zeros, as the chart's axis writes it."""
    return _EXPONENT_ZEROS.sub(r"\1", text)


def with_unit(text: str, unit: str) -> str:
    """"541.273" + "tok/s" -> "541.273 tok/s"; a text that already names the unit, or that is no
    number ("n/a", ".nan"), is kept."""
    if not unit or unit.lower() in text.lower() or not _WRITTEN_NUMBER.fullmatch(text):
        return text
    return f"{text} {unit}"


def exact(value: float) -> str:
    """The shortest text that reads back as `value`: 3.0 -> "3", 1.2244 -> "1.2244"."""
    if math.isfinite(value) and float(value).is_integer() and abs(value) < 1e16:
        return str(int(value))
    return repr(float(value))


# ---------------------------------------------------------------- text

def short(text: str, limit: int) -> str:
    """Whitespace collapsed to single spaces, at most `limit` characters (an ellipsis marks a cut)."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def clipped(text: str, limit: int) -> str:
    """Whitespace collapsed, at most `limit` characters, cut after a word (an ellipsis marks a
    cut): a page's description, which a link's preview shows. Always plain text (never Markup:
    the template escapes it)."""
    text = " ".join(str.split(visible_text(str(text))))
    if len(text) <= limit:
        return text
    at = text.rfind(" ", 0, limit)           # the ellipsis takes the place of that space
    words = text[:at] if at >= limit // 2 else text[:limit - 1]    # a long word is cut in it
    return words.rstrip(" ,;:.·—–-=(") + "…"


def sentences(*parts: str) -> str:
    """The parts that say something, each ending in a stop: "kestrel. Best 541 tok/s."."""
    said = (" ".join(str.split(str(p))) for p in parts)
    return " ".join(p if p[-1] in ".!?…" else p + "." for p in said if p)


def in_words(items: Sequence[str]) -> str:
    """"messages, results and traces": items as a sentence lists them."""
    return " and ".join(filter(None, (", ".join(items[:-1]), *items[-1:])))


# The server stamps each message with how it came in: only a person's post from the dashboard
# and the server's own messages tell a visitor something ("raw", the API agents post through,
# and "bucket", promoted from an agent's bucket, are how nearly every message comes).
_POSTED_VIA = {"dashboard": "posted from the dashboard", "server": "posted by the server"}

_STATUS = {"agent-run": "a run by the agent",
           "negative": "negative: an attempt reported as not working",
           "baseline": "baseline: a reference score"}


def posted_via(via: str) -> str:
    """How a message came in, when that tells a visitor something: "dashboard" -> "posted from
    the dashboard"; "raw", "bucket" or an unknown value -> ""."""
    return _POSTED_VIA.get(via.strip().lower(), "")


def status(value: str) -> str:
    """A result's status in words: "agent-run" -> "a run by the agent"."""
    return _STATUS.get(value, value)


# Terminal escape sequences (CSI: colours, cursor moves, erasing; OSC: titles, links; the short
# ones: charsets, saving the cursor), then the control characters but tab, line feed and carriage
# return, and U+FFFE and U+FFFF: a page shows them as boxes or leaves "[31m" behind, and a feed
# that holds one is not XML at all, so a reader drops the whole feed. A lone surrogate (JSON's
# "\ud800") is half a character that UTF-8 cannot write.
ANSI_ESCAPE = re.compile(r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b\n]*(?:\x07|\x1b\\)?"
                         r"|\x1b[ -/]*[0-~]")
_INVISIBLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_NOT_VISIBLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")


def visible_text(text: str) -> str:
    """`text` without terminal escape sequences and control characters (but tab and line
    breaks), a lone surrogate as the replacement character �. Text without them comes back
    as it is."""
    if not _NOT_VISIBLE.search(text):
        return text
    return _INVISIBLE.sub("", _SURROGATE.sub("\ufffd", ANSI_ESCAPE.sub("", text)))


# Characters that would let a name rewrite a terminal line or hide in a page: controls, line
# and paragraph separators, bidi and zero-width formatting, and lone surrogates (the stand-ins
# Python uses for file-name bytes that are not UTF-8).
_UNPRINTABLE = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})


def printable(text: str) -> str:
    """`text` with every unprintable character escaped: an undecodable file-name byte as
    `\\xff`, a control as `\\x1b` or `\\u202e`. Printable text comes back unchanged, so
    escaping twice changes nothing."""
    if text.isprintable() or all(unicodedata.category(ch) not in _UNPRINTABLE for ch in text):
        return text
    return "".join(_escaped(ch) if unicodedata.category(ch) in _UNPRINTABLE else ch for ch in text)


def _escaped(ch: str) -> str:
    code = ord(ch)
    if 0xDC80 <= code <= 0xDCFF:             # os.fsdecode's stand-in for the byte code - 0xDC00
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
