"""Timestamps, numbers and file names as agents and servers actually write them."""
from __future__ import annotations

import math
import numbers
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any, Mapping

from builder import format as fmt
from builder.model import Problem
from builder.readers.frontmatter import brief, to_text
from builder.urls import url_parts

UTC = timezone.utc

# The grammar both generations share: Gen 1 `20260425-143000_agent-01_status-update.md`,
# Gen 2 `20260613-230441-229_cmpatino-verifier.md` (agent ids cannot contain `_` in Gen 2).
_STAMPED_NAME = re.compile(r"^(\d{8})-(\d{6})(?:-(\d{3}))?_(.+?)(?:_(.+))?\.(?:md|json)$")
_STAMP_PREFIX = re.compile(r"^(\d{8})-(\d{6})(?:-(\d{3}))?(?![0-9])")
_DATE_PREFIX = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?![0-9])")
_ZONE_WORD = re.compile(r"\s*(?:UTC|GMT)$", re.IGNORECASE)
_SLASH_DATE = re.compile(r"^(\d{4})/(\d{2})/(\d{2})")
# Dates as people write them in a table: `27/04/2026`, `4.27.2026`, `Apr 27, 2026`, `27 April
# 2026`, each maybe with a time; and without a year (`Apr 27`, `04-27`, `27/04`).
_NUMERIC_DAY = re.compile(r"^(\d{1,2})([/.-])(\d{1,2})(?:\2(\d{4}))?(?:[ T,]+(.+))?$")
_NAMED_DAY = re.compile(r"^(?:(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]{3,9})\.?"
                        r"|([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?)"
                        r"(?:,?\s+(\d{4}))?(?:[ T,]+(.+))?$")
_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")
_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
           "september", "october", "november", "december")

_MARKDOWN_LINK = re.compile(r"!?\[([^\[\]]*)\]\([^()]*\)")   # linear: no part runs past a bracket
_EMPHASIS = re.compile(r"[*`~\\]")
_LONE_UNDERSCORE = re.compile(r"(?<![0-9])_|_(?![0-9])")
# First number not glued to a word before it (`v2` is not a score): thousands commas, a decimal
# comma (`1,2140`: a comma no thousands group can explain), `1_000` groups, decimals, exponent,
# ASCII or Unicode minus.
_NUMBER = re.compile(
    r"(?<![A-Za-z0-9.])([-+\u2212]?)"
    r"(?:([0-9]{1,3}(?:,[0-9]{3})+(?![0-9])(?:\.[0-9]+)?)"
    r"|([0-9]+),(?![0-9]{3}(?![0-9]))([0-9]+)(?![0-9]|,[0-9])"
    r"|([0-9]+(?:_[0-9]+)*(?:\.[0-9]*)?|\.[0-9]+))"
    r"(?:[eE]([-+]?[0-9]+))?"
)
_LINK_SCHEMES = ("http://", "https://", "hf://")


@dataclass(frozen=True)
class StampedName:
    timestamp: datetime | None
    agent: str
    topic: str


def parse_timestamp(value: Any) -> datetime | None:
    """An aware UTC datetime from what frontmatter, JSON or a table cell holds, else None."""
    if isinstance(value, datetime):
        return _as_utc(value)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    if isinstance(value, str):
        return _parse_timestamp_text(value)
    return None


def _parse_timestamp_text(text: str, year: int | None = None) -> datetime | None:
    text = text.strip()
    if not text or len(text) > 64:
        return None
    text = _ZONE_WORD.sub("", text)
    text = _SLASH_DATE.sub(r"\1-\2-\3", text)
    try:
        return _as_utc(datetime.fromisoformat(text))
    except ValueError:
        return _written_date(text, year)


def parse_table_date(text: str, year: int | None) -> datetime | None:
    """A date cell of an agent's table: any form `parse_timestamp` reads, or a day without a
    year (`Apr 27`, `04-27`, `27/04`) in `year` (None: such a day is not read)."""
    return _parse_timestamp_text(text, year)


def _written_date(text: str, year: int | None) -> datetime | None:
    """`27/04/2026`, `Apr 27, 2026 14:30`... as UTC; a day without a year only in `year`. A day
    that reads both ways (`04/05/2026`) is None, but `04-05` (the ISO order without its year)."""
    numeric, named = _NUMERIC_DAY.match(text), _NAMED_DAY.match(text)
    if numeric:
        first, separator, second, written_year, clock = numeric.groups()
        month_day = _month_and_day(int(first), int(second), month_first=separator == "-"
                                   and not written_year)
    elif named:
        day, month_name, month_name_first, day_after, written_year, clock = named.groups()
        month = _month_named(month_name or month_name_first)
        month_day = (month, int(day or day_after)) if month else None
    else:
        return None
    year = int(written_year) if written_year else year
    if month_day is None or year is None:
        return None
    return _day_and_clock(year, *month_day, clock or "")


def _month_named(name: str) -> int | None:
    """`Apr`, `April`, `Sept` -> its number; None for a word that is no month's name."""
    name = name.lower()
    return next((n for n, month in enumerate(_MONTHS, start=1) if month.startswith(name)), None)


def _month_and_day(first: int, second: int, month_first: bool) -> tuple[int, int] | None:
    if month_first or (first <= 12 < second):
        return first, second
    if second <= 12 < first:
        return second, first
    return None


def _day_and_clock(year: int, month: int, day: int, clock: str) -> datetime | None:
    time = _CLOCK.match(clock.strip()) if clock else None
    if clock and time is None:
        return None
    hour, minute, second = (int(part or 0) for part in time.groups()) if time else (0, 0, 0)
    try:
        return datetime(year, month, day, hour, minute, second, tzinfo=UTC)
    except ValueError:
        return None


def _as_utc(value: datetime) -> datetime | None:
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    try:
        return value.astimezone(UTC)
    except OverflowError:
        return None


def timestamp_from_filename(name: str) -> datetime | None:
    """`20260613-230441-229_x.md` -> 2026-06-13 23:04:41.229 UTC; also the date-only names agents
    give drafts (`2026-06-17-intro.md` -> midnight)."""
    return _filename_time(name)[0]


def _filename_time(name: str) -> tuple[datetime | None, str]:
    """The time a file name starts with, and the stamp as written when it is no real time
    (`20261345-250000`), else ""."""
    base = basename(name)
    stamp = _STAMP_PREFIX.match(base)
    if stamp:
        return _stamp_datetime(stamp.group(1), stamp.group(2), stamp.group(3)), stamp.group(0)
    day = _DATE_PREFIX.match(base)
    if day:
        try:
            return datetime(int(day[1]), int(day[2]), int(day[3]), tzinfo=UTC), day.group(0)
        except ValueError:
            return None, day.group(0)
    return None, ""


def _stamp_datetime(day: str, time: str, millis: str | None) -> datetime | None:
    # datetime() directly: strptime is ~10x slower, and this runs for every file of thousands.
    try:
        return datetime(int(day[:4]), int(day[4:6]), int(day[6:]), int(time[:2]), int(time[2:4]),
                        int(time[4:]), int(millis or 0) * 1000, tzinfo=UTC)
    except ValueError:
        return None


@dataclass(frozen=True)
class Dated:
    """A record's time, and what was wrong with the times written for it (each note says which
    time was used instead)."""

    time: datetime | None
    notes: tuple[str, ...] = ()


# A stated time this far from the file name's is a mistake (a hand edit, "2062" for "2026"), not
# a time zone: the server names files as it stamps them, and the archive is in file-name order.
_TIME_APART = timedelta(days=1)


def best_timestamp(value: Any, filename: str, key: str = "timestamp") -> Dated:
    """The frontmatter time, or the filename's when there is none (or it is no real time).

    Server-stamped times have minute precision while the filename has milliseconds; when both
    name the same minute the filename's is the same instant, only sharper, so it wins (this keeps
    results and messages posted in one minute in their real order).
    """
    stated = parse_timestamp(value)
    from_name, name_stamp = _filename_time(filename)
    notes = []
    if from_name is None and name_stamp:
        instead = f"the {key} {fmt.when(stated)} is used" if stated else "shown undated"
        notes.append(f"the file name's time {name_stamp!r} is not a real date and time; {instead}")
    if stated is None and to_text(value).strip():
        instead = f"the file name's time {fmt.when(from_name)} is used" if from_name else "shown undated"
        notes.append(f"{key} {brief(value)!r} is not a valid time; {instead}")
    if stated is None:
        return Dated(from_name, tuple(notes))
    if from_name is not None and from_name.replace(second=0, microsecond=0) == stated:
        return Dated(from_name, tuple(notes))
    if from_name is not None and abs(stated - from_name) > _TIME_APART:
        days = abs(stated - from_name).days
        notes.append(f"{key} {fmt.when(stated)} is {fmt.count(days)} day{'s' * (days > 1)} from the "
                     f"file name's time {fmt.when(from_name)}; the file name's is used")
        return Dated(from_name, tuple(notes))
    return Dated(stated, tuple(notes))


def parse_stamped_filename(name: str) -> StampedName | None:
    """Split `{YYYYMMDD-HHmmss[-mmm]}_{agent}[_{topic}].md` (or .json); None for other names."""
    match = _STAMPED_NAME.match(basename(name))
    if not match:
        return None
    day, time, millis, agent, topic = match.groups()
    return StampedName(_stamp_datetime(day, time, millis), agent, topic or "")


def parse_number(value: Any) -> float | None:
    """A finite float from a number or from text such as `1.2244 BPB`, `**14,623,723**`, `~1.08`,
    `481.53 TPS / PPL 2.3772` (the first number), `1_000`, `12.5%`; None when there is none, when
    it is NaN/infinite, or when it is too big for a float (the caller reports it)."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, numbers.Real):
        try:
            number = float(value)
        except OverflowError:
            return None
        return number if math.isfinite(number) else None
    if isinstance(value, str):
        return _number_in_text(value)
    return None


def parse_score(value: Any, unit: str = "") -> float | None:
    """A score field's value: a number, or text that is one number and nothing more but marks
    around it (`**541.2**`, `~541.2`, `541.2 tok/s` when `unit` is "tok/s"). Text with other
    words (`541.2 ms`, `2x faster`, `12 345,6`) is None: a result file's score is data, and a
    number guessed from prose could lead the board."""
    if not isinstance(value, str):
        return parse_number(value)
    text = _EMPHASIS.sub(" ", value).strip().lstrip("~\u2248").strip()
    if unit and text.lower().endswith(unit.lower()):
        text = text[:-len(unit)].rstrip()
    return _number_in_text(text) if _NUMBER.fullmatch(text) else None


def _number_in_text(text: str) -> float | None:
    text = _MARKDOWN_LINK.sub(r"\1", text)
    text = _LONE_UNDERSCORE.sub(" ", _EMPHASIS.sub(" ", text))
    match = _NUMBER.search(text)
    if not match:
        return None
    sign, grouped, whole, fraction, plain, exponent = match.groups()
    digits = f"{whole}.{fraction}" if whole else (grouped or plain).replace(",", "").replace("_", "")
    literal = ("-" if sign in ("-", "\u2212") else "") + digits
    if exponent:
        literal += "e" + exponent
    number = float(literal)
    return number if math.isfinite(number) else None


# What a file name may not hold either: controls, bidi overrides and isolates, zero-width spaces.
_HIDDEN = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})


def visible_name(text: str) -> tuple[str, str]:
    """A name written in a file (an agent's, a message type) as one way of writing it: without
    the characters a file name may not hold, in Unicode's compatibility form (NFKC, as Python
    reads identifiers); and what changed ("" for nothing). A visitor cannot tell "bo\u200bb"
    from "bob", nor "café" of two code points from "café" of five, "evil\u202egnp.exe" shows
    as "evilexe.png" and turns the text after it."""
    if text.isascii() and text.isprintable():
        return text, ""
    hidden = dict.fromkeys(ch for ch in text if unicodedata.category(ch) in _HIDDEN)
    shown = unicodedata.normalize("NFKC", "".join(ch for ch in text if ch not in hidden)).strip()
    if hidden:
        codes = ", ".join(f"U+{ord(ch):04X}" for ch in hidden)
        return shown, f"holds invisible or control characters ({codes}); read without them"
    if shown != text:
        return shown, f"is written in a decomposed or compatibility form; read as {shown!r}"
    return text, ""


# Scripts with letters that look alike: a name mixing two of them may pass for another name.
_LOOK_ALIKE_SCRIPTS = frozenset({"LATIN", "CYRILLIC", "GREEK", "ARMENIAN", "CHEROKEE", "COPTIC"})


def scripts_mixed(name: str) -> tuple[str, ...]:
    """The scripts of look-alike letters a name mixes ("CYRILLIC", "LATIN"), none when it keeps
    to one: "kеstrel" with a Cyrillic "е" looks like "kestrel" and is another agent."""
    if name.isascii():
        return ()
    scripts = {unicodedata.name(ch, "?").split(" ", 1)[0] for ch in name if ch.isalpha()}
    mixed = scripts & _LOOK_ALIKE_SCRIPTS
    return tuple(sorted(mixed)) if len(mixed) > 1 else ()


def name_in(fields: Mapping[str, Any], key: str, path: str, problems: list[Problem]) -> str:
    """`fields[key]` as a visible name (`visible_name`); a problem in `problems` when that is not
    the name as written."""
    written = to_text(fields.get(key)).strip()
    name, changed = visible_name(written)
    if changed:
        problems.append(Problem(path, f"{key} {brief(written)!r} {changed}"))
    return name


def basename(path: str) -> str:
    return path.rsplit("/", 1)[-1]


def stem(path: str) -> str:
    name = basename(path)
    return name.rsplit(".", 1)[0] if "." in name else name


def is_link_url(text: str) -> bool:
    lowered = text.strip().lower()
    return (lowered.startswith(_LINK_SCHEMES) and len(lowered) > len("hf://") + 1
            and " " not in text.strip() and url_parts(text) is not None)


def strings_in(value: Any) -> tuple[str, ...]:
    """The string items of a scalar-or-list value (for links and artifact lists)."""
    items = value if isinstance(value, (list, tuple)) else [value]
    return tuple(item.strip() for item in items if isinstance(item, str) and item.strip())
