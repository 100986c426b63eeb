"""A transcript page's body: its items as views, grouped by turn, cut for display.

Every item becomes one generic `ItemView` (its time offset, error anchor, texts cut for display,
rendered markdown, nested views); the item's own partial (`item.template`) places it. Nothing
here knows the kinds of item: what a kind shows and whether it is an error is the item's own
business (builder/transcript/items.py). Neighbours of a folding kind (harness plumbing) are
shown together as one folded card.

Errors are numbered in document order across a session's pages (anchors e1, e2…): the header
lists the first ones, and each page starts counting where the one before stopped.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from itertools import count, groupby
from typing import Callable, Iterator, Mapping, Sequence, Union

from markupsafe import Markup

from builder import format as fmt
from builder.model import Link
from builder.transcript import Item, Transcript, Turn
from builder.transcript.text import line_count, split_cap, utf8_size

DISPLAY_LINES = 200           # lines shown of any one block (input, output, raw record, diff)
DISPLAY_CHARS = 20_000        # characters shown of any one block
PAGE_BYTES = 1_200_000        # a transcript page is split further above about this much HTML
ITEM_MARKUP_BYTES = 300       # about how much HTML an item adds around its texts
ERROR_LINKS_CAP = 50          # errors listed by name in the header

Pages = tuple[tuple[Item, ...], ...]
UrlFor = Callable[[int | None], str]


@dataclass(frozen=True)
class DiffLine:
    css: str                         # add | del | hunk | ctx
    text: str


@dataclass(frozen=True)
class Block:
    """A text shown in a <pre>, cut for display (the full text stays in the raw log)."""

    text: str
    more: str = ""                   # "… 1,234 more lines (56.7 kB) not shown"

    @property
    def diff_lines(self) -> tuple[DiffLine, ...]:
        """The text as a diff: each line with the class that colours it."""
        return tuple(DiffLine(_diff_css(line), line) for line in self.text.split("\n"))


def _diff_css(line: str) -> str:
    if line.startswith(("+++", "---", "@@", "***")):
        return "hunk"
    if line.startswith("+"):
        return "add"
    if line.startswith("-"):
        return "del"
    return "ctx"


def display_block(text: str, raw_url: str = "") -> Block:
    """The first DISPLAY_LINES lines / DISPLAY_CHARS characters of a text, and how much of the
    whole text (not only of what the parser kept of it) they leave out."""
    text, whole = split_cap(text)
    cut = _display_cut(text)
    lines, size = whole or (line_count(text), utf8_size(text))
    shown = text[:cut]
    line_break = int(text.startswith("\n", cut))      # the cut line break is not hidden text
    hidden_lines = lines - shown.count("\n") - line_break
    hidden_size = size - utf8_size(shown) - line_break
    if not hidden_size:
        return Block(text)
    more = (f"… {fmt.count(hidden_lines)} more line{'s' if hidden_lines != 1 else ''} "
            f"({fmt.size(hidden_size)}) not shown" + (" — see the raw log" if raw_url else ""))
    return Block(shown, more)


def _display_cut(text: str) -> int:
    """Where the first DISPLAY_LINES lines / DISPLAY_CHARS characters of `text` end."""
    pos = -1
    for _ in range(DISPLAY_LINES):
        pos = text.find("\n", pos + 1, DISPLAY_CHARS + 1)
        if pos < 0:
            return min(len(text), DISPLAY_CHARS)
    return min(pos, DISPLAY_CHARS)


@dataclass(frozen=True)
class ItemView:
    """One item as its partial places it: `item` for its plain fields, the rest computed."""

    item: Item
    time: str                             # offset from the session's start, "" when unknown
    iso: str
    error_id: str                         # "e3" when the item is an error, else ""
    blocks: Mapping[str, Block]           # the item's shown texts, cut, by name
    html: Markup                          # its markdown, rendered and sanitised
    children: tuple[AnyView, ...]
    raw_url: str

    @property
    def template(self) -> str:
        return self.item.template


@dataclass(frozen=True)
class FoldView:
    """Neighbouring items of a folding kind, shown as one folded card."""

    label: str
    children: tuple[ItemView, ...]
    template: str = "_partials/trace_fold.html"


AnyView = Union[ItemView, FoldView]


@dataclass(frozen=True)
class Numbering:
    """The numbers a page's views take, in the order the page shows them: errors count on
    from the session's pages before, bodies (rendered markdown) from 1 on each page."""

    errors: Iterator[int]
    bodies: Iterator[int] = field(default_factory=lambda: count(1))


@dataclass(frozen=True)
class Viewer:
    """What item views need from their page."""

    markdown: Callable[[str, str], Markup]  # the sanitising markdown door: (text, id_salt)
    raw_url: str                          # the raw log ("" when there is none)
    start: datetime | None                # the session's start, for time offsets

    def offset(self, ts: datetime | None) -> str:
        if ts is None or self.start is None:
            return ""
        return fmt.offset((ts - self.start).total_seconds())

    def views(self, items: Sequence[Item], numbers: Numbering) -> tuple[AnyView, ...]:
        """Views of `items` in order, numbered on from `numbers`."""
        out: list[AnyView] = []
        for folds, run in groupby(items, key=lambda item: item.folds):
            if folds:
                out.append(self.fold(tuple(run), numbers))
            else:
                out.extend(self.view(item, numbers) for item in run)
        return tuple(out)

    def view(self, item: Item, numbers: Numbering) -> ItemView:
        error_id = f"e{next(numbers.errors)}" if item.is_error else ""
        return ItemView(
            item=item, time=self.offset(item.timestamp), iso=fmt.iso(item.timestamp),
            error_id=error_id,
            blocks={name: display_block(text, self.raw_url) for name, text in item.blocks},
            html=self.body(item.markdown, numbers),
            children=self.views(item.children, numbers), raw_url=self.raw_url)

    def body(self, text: str, numbers: Numbering) -> Markup:
        """A text rendered, its footnotes' ids its own on the page (the same text may be
        another item's too)."""
        return self.markdown(text, f"b{next(numbers.bodies)}") if text else Markup("")

    def fold(self, run: Sequence[Item], numbers: Numbering) -> FoldView:
        views = tuple(self.view(item, numbers) for item in run)
        kinds = ", ".join(sorted({item.label for item in run}))
        label = (f"{len(run)} system items" if len(run) > 1 else "1 system item") + f" ({kinds})"
        return FoldView(label, views)


@dataclass(frozen=True)
class TurnSection:
    number: int
    anchor: str                           # "" on a continuation
    title: str
    time: str
    iso: str
    tool_calls: int | None           # None: unknown (no parser read the log's structure)
    errors: int
    tokens: int | None
    items: tuple[AnyView, ...]


def sections(viewer: Viewer, transcript: Transcript, items: Sequence[Item],
             page_of_turn: Mapping[int, int], page: int, errors_before: int
             ) -> tuple[TurnSection, ...]:
    """One page's items, grouped by turn (a turn begun on an earlier page is "continued")."""
    turns: dict[int, Turn] = {t.number: t for t in transcript.turns}
    numbers = Numbering(count(errors_before + 1))
    out = []
    for number, run in groupby(items, key=lambda item: item.turn):
        group = tuple(run)
        turn = turns.get(number) or Turn(number, 0, len(group), "", timestamp=group[0].timestamp)
        starts_here = page_of_turn.get(number) == page
        out.append(TurnSection(
            number=number, anchor=turn.anchor if starts_here else "",
            title=turn_title(turn, transcript) + ("" if starts_here else " (continued)"),
            time=viewer.offset(turn.timestamp), iso=fmt.iso(turn.timestamp),
            tool_calls=turn.tool_calls if transcript.counted else None, errors=turn.errors,
            tokens=turn.tokens, items=viewer.views(group, numbers)))
    return tuple(out)


def turn_title(turn: Turn, transcript: Transcript) -> str:
    """A turn's title; a log no parser read has no prompts, only its records (turn 0)."""
    return turn.title if transcript.counted else "The log's records"


def split_by_size(pages: Pages, limit: int = PAGE_BYTES) -> Pages:
    """Pages of at most about `limit` bytes of HTML (a page with one item stays)."""
    out: list[tuple[Item, ...]] = []
    for page in pages:
        current: list[Item] = []
        size = 0
        for item in page:
            weight = html_weight(item)
            if current and size + weight > limit:
                out.append(tuple(current))
                current, size = [], 0
            current.append(item)
            size += weight
        if current:
            out.append(tuple(current))
    return tuple(out)


def html_weight(item: Item) -> int:
    """About how many bytes of HTML an item becomes, nested items included."""
    texts = sum(_escaped(text) for _, text in item.blocks) + 2 * _escaped(item.markdown)
    return ITEM_MARKUP_BYTES + texts + sum(html_weight(child) for child in item.children)


def _escaped(text: str) -> int:
    """Length of the shown part of `text` once HTML-escaped (&amp; &lt; &gt; &#34; &#39;)."""
    text = text[:DISPLAY_CHARS]
    return (len(text) + 4 * (text.count("&") + text.count('"') + text.count("'"))
            + 3 * (text.count("<") + text.count(">")))


def error_index(pages: Pages, url_for: UrlFor) -> tuple[tuple[int, ...], tuple[Link, ...]]:
    """(errors before each page, the first errors as links), numbered as the pages number them."""
    before: list[int] = []
    links: list[Link] = []
    errors = 0
    for number, page in enumerate(pages, 1):
        before.append(errors)
        for item in (i for top in page for i in top.walk() if i.is_error):
            errors += 1
            if len(links) < ERROR_LINKS_CAP:
                url = url_for(number if number > 1 else None) + f"#e{errors}"
                links.append(Link(f"turn {item.turn}: {item.label}", url))
    return tuple(before) or (0,), tuple(links)
