"""The agent-maintained LEADERBOARD.md table (Gen 1).

Agents write the table by hand, so nothing about it is fixed: column names (`#`, `agent`,
`tok/s`, `BPB`, `verif`...), alignment rows, ragged rows, escaped pipes, bold/emoji/backtick
cells, links, a `(us)` marker, a baseline row. The reader finds the first table that has a score
column, maps columns to roles by their names, and turns every row into a Result.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Sequence

from builder.config import Config, MetricConfig
from builder.model import NOTE, Link, Problem, Result, Status, Verification
from builder.readers.frontmatter import brief, normalise_newlines
from builder.readers.kinds import Found, InputFile
from builder.readers.values import parse_number, parse_table_date, parse_timestamp, visible_name

_SEPARATOR = re.compile(r"^\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*$")
_UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")
_FENCE = re.compile(r"^\s{0,3}(```|~~~)")

# Every repeated part below stops at the next bracket, parenthesis, quote or underscore, so no
# cell, however hostile, costs more than a pass or two over it.
_MD_LINK = re.compile(r"!?\[([^\[\]]*)\]\(\s*<?([^()\s<>]*)>?(?:\s+\"[^\"()]*\")?\s*\)")
_AUTOLINK = re.compile(r"<(https?://[^>\s]+)>")
_BARE_URL = re.compile(r"https?://[^\s<>()\[\]|\"']+")
_HTML_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>")
_EMPHASIS = re.compile(r"\*\*|__|~~|[*`]")
_UNDERSCORE_ITALIC = re.compile(r"(?<!\w)_([^_\s](?:[^_]*[^_\s])?)_(?!\w)")
_SELF_MARKER = re.compile(r"\s*\((?:us|me|ours|mine|self|you)\)\s*$", re.IGNORECASE)
_BASELINE_WORD = re.compile(r"\bbaseline\b", re.IGNORECASE)

# Checked in this order: "invalid" contains "valid", "unverified" contains "verified".
_VERDICT_MARKERS: tuple[tuple[Verification, tuple[str, ...]], ...] = (
    ("invalid", ("invalid", "❌", "✗", "✘", "rejected", "fail")),
    ("pending", ("pending", "⏳", "⌛", "unverified", "not verified", "awaiting", "tbd")),
    ("valid", ("valid", "verified", "✅", "✓", "✔", "☑")),
)


# A table wider than this is not a leaderboard anyone reads; its other columns are dropped.
MAX_COLUMNS = 50


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    dropped_columns: int = 0


@dataclass(frozen=True)
class Columns:
    """Index of the column playing each role, None when the table has none."""

    score: int | None = None
    secondary: int | None = None
    rank: int | None = None
    agent: int | None = None
    agent_named: bool = False      # found by its header, not guessed as the first free column
    verification: int | None = None
    date: int | None = None
    method: int | None = None
    description: int | None = None
    links: int | None = None

    def used(self) -> set[int]:
        return {i for i in (self.score, self.secondary, self.rank, self.agent, self.verification,
                            self.date, self.method, self.description, self.links) if i is not None}


# (header name, whether it also matches as a word inside a longer header)
_ROLE_NAMES: dict[str, tuple[tuple[str, bool], ...]] = {
    "rank": (("#", False), ("rank", False), ("no", False), ("no.", False), ("pos", False),
             ("position", False), ("place", False)),
    "agent": (("agent", True), ("agent id", True), ("agent_id", True), ("author", True),
              ("submitter", True), ("participant", True), ("team", False), ("who", False),
              ("user", False), ("name", False), ("by", False)),
    "verification": (("verification", True), ("verif", True), ("verified", True), ("status", True),
                     ("validity", True), ("valid", False), ("check", False), ("state", False)),
    "date": (("date", True), ("timestamp", True), ("when", False), ("submitted", True),
             ("time", False), ("day", False), ("updated", False)),
    "method": (("method", True), ("approach", True), ("experiment", False), ("technique", False),
               ("recipe", False), ("stack", False), ("config", False), ("idea", False), ("change", False),
               ("notes", False)),
    "description": (("description", True), ("notes", True), ("summary", True), ("details", False),
                    ("comment", False), ("comments", False)),
    "links": (("links", True), ("link", True), ("artifacts", True), ("artifact", True), ("url", False),
              ("submission", False), ("code", False), ("source", False), ("files", False)),
}


def read_leaderboard(file: InputFile, config: Config) -> Found:
    """Every row of the first table in LEADERBOARD.md that has a score column."""
    metric = config.metric
    tables = find_tables(file.text)
    chosen = _first_suitable(tables, metric)
    if chosen is None:
        reason = ("no markdown table found" if not tables else
                  f"no table has a score column (looked for {', '.join(_score_names(metric))})")
        return Found(problems=(Problem(file.path, reason),))
    table, columns = chosen
    results: list[Result] = []
    problems: list[Problem] = []
    if table.dropped_columns:
        problems.append(Problem(file.path, f"the table's last {table.dropped_columns:,} columns "
                                           f"are ignored (only {MAX_COLUMNS} are read)"))
    year = _table_year(table, columns)
    for number, cells in enumerate(table.rows, start=1):
        result, row_problems = _row_result(file.path, number, cells, table.header, columns, metric,
                                           year)
        problems.extend(row_problems)
        if result is not None:
            results.append(result)
    return Found(results=tuple(results), problems=tuple(problems))


# --- tables --------------------------------------------------------------------------------

def find_tables(text: str) -> tuple[Table, ...]:
    """GitHub-style pipe tables outside code fences, in file order."""
    lines = normalise_newlines(text).split("\n")
    tables: list[Table] = []
    in_fence = False
    index = 0
    while index < len(lines):
        line = lines[index]
        if _FENCE.match(line):
            in_fence = not in_fence
        elif not in_fence and _starts_table(lines, index):
            rows, index = _table_rows(lines, index + 2)
            header = split_cells(line)
            tables.append(Table(header[:MAX_COLUMNS], tuple(r[:MAX_COLUMNS] for r in rows),
                                max(0, len(header) - MAX_COLUMNS)))
            continue
        index += 1
    return tuple(tables)


def _starts_table(lines: Sequence[str], index: int) -> bool:
    if index + 1 >= len(lines):
        return False
    header, separator = lines[index], lines[index + 1]
    return "|" in header and "|" in separator and bool(_SEPARATOR.match(separator))


def _table_rows(lines: Sequence[str], index: int) -> tuple[tuple[tuple[str, ...], ...], int]:
    rows = []
    while index < len(lines) and lines[index].strip() and "|" in lines[index]:
        if not _SEPARATOR.match(lines[index]):
            rows.append(split_cells(lines[index]))
        index += 1
    return tuple(rows), index


def split_cells(line: str) -> tuple[str, ...]:
    """Cells of one table line; `\\|` is a literal pipe, outer pipes are optional."""
    text = line.strip()
    if text.startswith("|"):
        text = text[1:]
    if text.endswith("|") and not text.endswith("\\|"):
        text = text[:-1]
    return tuple(cell.replace("\\|", "|").strip() for cell in _UNESCAPED_PIPE.split(text))


# --- columns -------------------------------------------------------------------------------

def _first_suitable(tables: Sequence[Table], metric: MetricConfig) -> tuple[Table, Columns] | None:
    """The first table with a score and a named agent column, else the first with a score."""
    mapped = [(table, map_columns(table.header, metric)) for table in tables]
    with_score = [(t, c) for t, c in mapped if c.score is not None]
    named = [(t, c) for t, c in with_score if c.agent_named]
    return (named or with_score or [None])[0]


def map_columns(header: Sequence[str], metric: MetricConfig) -> Columns:
    names = [_header_key(cell) for cell in header]
    taken: set[int] = set()

    def pick(candidates: Sequence[tuple[str, bool]]) -> int | None:
        column = _best_column(names, candidates, taken)
        if column is not None:
            taken.add(column)
        return column

    score = pick([(name, True) for name in _score_names(metric)])
    secondary = pick(_secondary_names(metric))
    rank = pick(_ROLE_NAMES["rank"])
    agent = pick(_ROLE_NAMES["agent"])
    agent_named = agent is not None
    verification = pick(_ROLE_NAMES["verification"])
    date = pick(_ROLE_NAMES["date"])
    method = pick(_ROLE_NAMES["method"])
    description = pick(_ROLE_NAMES["description"])
    links = pick(_ROLE_NAMES["links"])
    if agent is None:
        agent = next((i for i, name in enumerate(names) if i not in taken and name), None)
    return Columns(score, secondary, rank, agent, agent_named, verification, date, method,
                   description, links)


def _score_names(metric: MetricConfig) -> tuple[str, ...]:
    names = [metric.field, metric.field.replace("_", " "), metric.label, metric.unit, "score"]
    return tuple(dict.fromkeys(n.strip().lower() for n in names if n.strip()))


def _secondary_names(metric: MetricConfig) -> tuple[tuple[str, bool], ...]:
    names = [metric.secondary_field, metric.secondary_label]
    return tuple((n.strip().lower(), True) for n in dict.fromkeys(names) if n.strip())


def _best_column(names: Sequence[str], candidates: Sequence[tuple[str, bool]],
                 taken: set[int]) -> int | None:
    best: tuple[int, int, int] | None = None
    for rank, (candidate, as_word) in enumerate(candidates):
        for column, name in enumerate(names):
            if column in taken:
                continue
            if name == candidate:
                key = (0, rank, column)
            elif as_word and _contains_word(name, candidate):
                key = (1, rank, column)
            else:
                continue
            best = key if best is None else min(best, key)
    return None if best is None else best[2]


def _contains_word(text: str, word: str) -> bool:
    return re.search(rf"(?<![a-z0-9]){re.escape(word)}(?![a-z0-9])", text) is not None


def _header_key(cell: str) -> str:
    return clean_cell(cell)[0].lower()


# --- cells ---------------------------------------------------------------------------------

def clean_cell(cell: str) -> tuple[str, tuple[Link, ...]]:
    """Display text of a cell without markdown decoration, and the http(s) links it holds."""
    links: list[Link] = []

    def keep_link_text(match: re.Match[str]) -> str:
        text, url = match.group(1), match.group(2)
        _add_link(links, _plain(text) or url, url)
        return text

    text = _MD_LINK.sub(keep_link_text, cell)
    text = _AUTOLINK.sub(lambda m: m.group(1), text)
    for url in _BARE_URL.findall(text):
        url = url.rstrip(".,;:")
        _add_link(links, url, url)
    return _plain(text), tuple(links)


def _plain(text: str) -> str:
    text = html.unescape(_HTML_TAG.sub(" ", text))
    text = _UNDERSCORE_ITALIC.sub(r"\1", _EMPHASIS.sub("", text))
    return " ".join(text.split())


def _add_link(links: list[Link], label: str, url: str) -> None:
    if url.lower().startswith(("http://", "https://")) and all(l.url != url for l in links):
        links.append(Link(label=label, url=url))


def clean_agent(text: str) -> str:
    """`**mikasa-inbound (us)**` -> `mikasa-inbound`; `🥇 @senpai` -> `senpai`."""
    text = _SELF_MARKER.sub("", text)
    text = _strip_decoration(text)
    return _strip_decoration(text.removeprefix("@"))


def _strip_decoration(text: str) -> str:
    start, end = 0, len(text)
    while start < end and not (text[start].isalnum() or text[start] in "(["):
        start += 1
    while end > start and not (text[end - 1].isalnum() or text[end - 1] in ")]"):
        end -= 1
    return text[start:end]


def parse_verdict(text: str) -> Verification | None:
    lowered = text.lower()
    for verdict, markers in _VERDICT_MARKERS:
        if any(marker in lowered for marker in markers):
            return verdict
    return None


# --- rows ----------------------------------------------------------------------------------

def _table_year(table: Table, columns: Columns) -> int | None:
    """The year of the table's dates that name one, when they all name the same: the year of
    its days written without one (`Apr 27`, `07-08`)."""
    if columns.date is None:
        return None
    cells = (row[columns.date] for row in table.rows if columns.date < len(row))
    years = {stamp.year for cell in cells if (stamp := parse_timestamp(clean_cell(cell)[0]))}
    return years.pop() if len(years) == 1 else None


def _row_result(path: str, number: int, cells: Sequence[str], header: Sequence[str],
                columns: Columns, metric: MetricConfig, year: int | None = None
                ) -> tuple[Result | None, list[Problem]]:
    if not any(cell.strip() for cell in cells):
        return None, []
    cleaned = [clean_cell(cell) for cell in cells]
    texts = [text for text, _ in cleaned]

    def cell(column: int | None) -> str:
        return texts[column] if column is not None and column < len(texts) else ""

    problems: list[Problem] = []
    written = cell(columns.agent)
    agent, changed = visible_name(clean_agent(written))
    if changed:
        problems.append(Problem(path, f"row {number}: agent {brief(written)!r} {changed}"))
    if not agent:
        problems.append(Problem(path, f"row {number}: no agent name; listed as 'unknown'", NOTE))
        agent = "unknown"
    score_text = cell(columns.score)
    score = parse_number(score_text)
    if score is None:
        written = cells[columns.score] if columns.score in range(len(cells)) else ""
        problems.append(_unscored(path, f"row {number} ({agent})", written, score_text,
                                  metric.label or "score"))
    method = cell(columns.method)
    status_text = cell(columns.verification)
    status = _row_status(agent, method, status_text)
    secondary_text = cell(columns.secondary)
    date_text = cell(columns.date)
    timestamp = parse_table_date(date_text, year)
    if timestamp is None and date_text.strip("—–- "):
        problems.append(Problem(path, f"row {number} ({agent}): date {brief(date_text)!r} is not "
                                      "read (it needs a day, a month and a year, in an order "
                                      "that reads one way only); the row has no date"))
    return Result(
        id=f"lb-{number}-{agent}",
        agent=agent,
        score=score,
        score_text=score_text,
        method=method,
        description=cell(columns.description),
        timestamp=timestamp,
        status=status,
        origin="leaderboard",
        source_path=path,
        secondary=parse_number(secondary_text),
        secondary_text=secondary_text,
        # In a negative row the ❌ marks the outcome, not a verifier's verdict.
        verification=None if status == "negative" else parse_verdict(status_text),
        links=_row_links(cleaned),
        extra=_row_extra(header, texts, columns),
    ), problems


def _unscored(path: str, row: str, written: str, score_text: str, label: str) -> Problem:
    """Why a row has no score. A cell left empty (or a dash: a baseline, a row not yet scored)
    is shown as written: a note. A cell whose text is no number, or is markup the table does
    not show (an image, a tag), is a problem: the row is not ranked for what it says."""
    if not written.strip("—–-*_ \t"):
        return Problem(path, f"{row}: no {label} given (its cell is empty); listed without a score",
                       NOTE)
    return Problem(path, f"{row}: no usable {label} in {brief(score_text or written)!r}; listed "
                         "without a score")


def _row_status(agent: str, method: str, status_text: str) -> Status:
    if (_BASELINE_WORD.search(agent) or "baseline" in method.lower()
            or "baseline" in status_text.lower()):
        return "baseline"
    if "negative" in status_text.lower():
        return "negative"
    return "agent-run"


def _row_links(cleaned: Sequence[tuple[str, tuple[Link, ...]]]) -> tuple[Link, ...]:
    links: dict[str, Link] = {}
    for _, cell_links in cleaned:
        for link in cell_links:
            links.setdefault(link.url, link)
    return tuple(links.values())


def _row_extra(header: Sequence[str], texts: Sequence[str], columns: Columns
               ) -> tuple[tuple[str, str], ...]:
    used = columns.used()
    extra = []
    for column, name in enumerate(header):
        if column in used or column >= len(texts) or not texts[column]:
            continue
        extra.append((clean_cell(name)[0] or f"column {column + 1}", texts[column]))
    return tuple(extra)

