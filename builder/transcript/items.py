"""The transcript model: every kind of item a log turns into, turns, stats and the transcript.

Each item kind knows, for itself, what pages and statistics need of it, so nothing else has to
switch on the kind:
  * `is_error`: highlighted and counted as an error (one test per kind, written once here);
  * `children`: the items nested in it (a subagent's work), in the order they are shown;
  * `weight`: how many items it counts as when a transcript is split into pages;
  * `label`: one line naming it (error lists, folded groups);
  * `blocks` / `markdown`: the texts it shows (plain text cut for display / markdown source);
  * `template`: the partial that renders it, named after its `kind`.
Adding a kind is one class here and one partial `_partials/trace_item_<kind>.html`.

The kinds:
  Prompt            a genuine user prompt; starts a turn (turn numbers 1.., anchors #t1..)
  AssistantText     model text, markdown source (`is_error` for synthetic API-error rows)
  Thinking          reasoning: `text`, or `state` "empty" (signature only) / "redacted"
  ToolCall          one call joined to its result (`result` None = no result recorded)
  ToolResultOrphan  a result whose call id matches no call
  InjectedContext   harness plumbing that looks like user input (folded): `context_kind`
  SystemNote        notices: compaction, hooks, aborts, errors (`level`)
  Subagent          an inline sidechain's items (inside its Task call, or alone if unmatched)
  RawRecord         an unrecognised record, pretty JSON, capped
  SkippedLine       a line too large to parse (size and byte offset, for a "view raw" link)
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar, Iterable, Iterator

from builder import format as fmt
from builder.model import TokenUsage
from builder.transcript.text import SUMMARY_CAP, one_line

Blocks = tuple[tuple[str, str], ...]
NO_TYPE = "(no type)"                # the record_type of a record that has none


@dataclass(frozen=True, slots=True)
class ImageRef:
    """An image that was in the log (never embedded): what it was and how big."""

    media_type: str = ""
    size: int | None = None          # decoded bytes, estimated from base64 length
    source: str = "base64"           # base64 | url | unknown

    @property
    def label(self) -> str:
        kind = self.media_type.split("/")[-1] if self.media_type else "unknown format"
        if self.size is None:
            return f"image ({kind})"
        return f"image ({fmt.size(self.size)}, {kind})"


@dataclass(frozen=True, slots=True)
class Tally:
    """What items add to their turn's and the transcript's counts."""

    tool_calls: int = 0
    errors: int = 0
    tool_errors: int = 0
    without_result: int = 0          # tool calls with no result recorded

    def __add__(self, other: Tally) -> Tally:
        return Tally(self.tool_calls + other.tool_calls, self.errors + other.errors,
                     self.tool_errors + other.tool_errors,
                     self.without_result + other.without_result)


@dataclass(frozen=True, slots=True, kw_only=True)
class Item:
    kind: ClassVar[str] = "item"
    folds: ClassVar[bool] = False    # neighbours of a folding kind are shown as one folded card
    turn: int = 0                    # 0 = before the first prompt
    line: int = 0                    # 1-based line number in the log
    timestamp: datetime | None = None

    @property
    def is_error(self) -> bool:
        return False

    @property
    def children(self) -> tuple[Item, ...]:
        return ()

    @property
    def label(self) -> str:
        return self.kind

    @property
    def blocks(self) -> Blocks:
        return ()

    @property
    def markdown(self) -> str:
        return ""

    @property
    def template(self) -> str:
        return f"_partials/trace_item_{self.kind}.html"

    @property
    def tally(self) -> Tally:
        """Its own part of the counts (children not included: `tally_of` adds them)."""
        return Tally(errors=int(self.is_error))

    @property
    def weight(self) -> int:
        return 1 + sum(child.weight for child in self.children)

    def walk(self) -> Iterator[Item]:
        """The item and everything nested in it, in the order a page shows them."""
        yield self
        for child in self.children:
            yield from child.walk()


def tally_of(items: Iterable[Item]) -> Tally:
    """The counts of `items`, nested items included."""
    total = Tally()
    for top in items:
        for item in top.walk():
            total += item.tally
    return total


@dataclass(frozen=True, slots=True, kw_only=True)
class TextItem(Item):
    """An item that shows one plain text, `text`."""

    text: str = ""

    @property
    def blocks(self) -> Blocks:
        return (("text", self.text),)


@dataclass(frozen=True, slots=True, kw_only=True)
class Prompt(TextItem):
    kind: ClassVar[str] = "prompt"
    images: tuple[ImageRef, ...] = ()

    @property
    def label(self) -> str:
        return fmt.short("prompt: " + self.text, 90)


@dataclass(frozen=True, slots=True, kw_only=True)
class AssistantText(Item):
    kind: ClassVar[str] = "assistant"
    text: str                        # markdown source
    model: str = ""
    api_error: bool = False          # a synthetic API-error message

    @property
    def is_error(self) -> bool:
        return self.api_error

    @property
    def label(self) -> str:
        return fmt.short(("API error: " if self.api_error else "") + self.text, 90)

    @property
    def markdown(self) -> str:
        return self.text


@dataclass(frozen=True, slots=True, kw_only=True)
class Thinking(Item):
    kind: ClassVar[str] = "thinking"
    text: str = ""
    state: str = "text"              # text | empty (signature only) | redacted (opaque)

    @property
    def recorded(self) -> bool:
        return self.state == "text" and bool(self.text.strip())

    @property
    def preview(self) -> str:
        if self.state == "redacted":
            return "redacted thinking"
        if not self.recorded:
            return "thinking not recorded"
        preview = one_line(self.text)
        if preview.startswith("**") and preview.endswith("**") and len(preview) > 4 \
                and "**" not in preview[2:-2]:
            preview = preview[2:-2]        # a reasoning summary's bold title
        return preview

    @property
    def label(self) -> str:
        return "thinking: " + self.preview

    @property
    def fits_its_line(self) -> bool:
        """Its whole text is the one line its card shows: there is nothing more to open."""
        text = self.text.strip()
        return self.recorded and "\n" not in text and len(" ".join(text.split())) <= SUMMARY_CAP

    @property
    def markdown(self) -> str:
        """Reasoning is written in markdown (a Codex summary opens with a bold title); a whole
        text of one line reads as its card's line did (a title shown as a line, not in bold)."""
        if not self.recorded:
            return ""
        return self.preview if self.fits_its_line else self.text


@dataclass(frozen=True, slots=True, kw_only=True)
class Subagent(Item):
    kind: ClassVar[str] = "subagent"
    items: tuple[Item, ...] = ()
    agent_id: str = ""
    tool_use_id: str = ""            # the Task/Agent call it belongs to ("" when unmatched)
    description: str = ""
    models: tuple[str, ...] = ()
    usage: TokenUsage | None = None  # deduplicated, from this block's own rows

    @property
    def children(self) -> tuple[Item, ...]:
        return self.items

    @property
    def label(self) -> str:
        return fmt.short("subagent" + (f": {self.description}" if self.description else ""), 160)

    @property
    def facts(self) -> str:
        facts = []
        if self.agent_id:
            facts.append(f"id {self.agent_id}")
        if self.models:
            facts.append("model " + ", ".join(self.models))
        if self.usage is not None and self.usage.total is not None:
            facts.append(f"{fmt.count(self.usage.total)} tokens (deduplicated)")
        n = len(self.items)
        facts.append(f"{fmt.count(n)} item{'' if n == 1 else 's'}")
        return " · ".join(facts)


# A tool's icon, by the tool's name: the theme draws it (trace.css, `.icon-<name>`).
_ICONS = (
    (("bash", "shell", "exec_command", "shell_command", "local_shell", "run"), "terminal"),
    (("read", "view_image", "notebookread"), "file"),
    (("edit", "multiedit", "write", "apply_patch", "notebookedit"), "pencil"),
    (("grep", "glob", "ls", "find", "search"), "search"),
    (("task", "agent"), "agent"),
    (("todowrite", "update_plan"), "checklist"),
    (("webfetch", "websearch", "web_search", "fetch"), "globe"),
)
_STATUS_CSS = (("ok", "ok"), ("no result", "none"), ("interrupted", "interrupted"))

# A to-do's status as the harness wrote it: its mark, the words for it, its class.
_TODO_STATES = {"pending": ("☐", "pending", "pending"),
                "in_progress": ("◐", "in progress", "active"),
                "completed": ("☑", "done", "done")}


@dataclass(frozen=True, slots=True)
class Todo:
    """One entry of a to-do list (TodoWrite, Codex's update_plan), `status` as written."""

    text: str
    status: str

    @property
    def mark(self) -> str:
        return self._shown[0]

    @property
    def state(self) -> str:
        """The status in words: pending, in progress, done (another one as written)."""
        return self._shown[1]

    @property
    def css(self) -> str:
        return self._shown[2]

    @property
    def _shown(self) -> tuple[str, str, str]:
        return _TODO_STATES.get(self.status) or ("–", self.status.replace("_", " ") or "no status",
                                                 "other")


@dataclass(frozen=True, slots=True, kw_only=True)
class ToolCall(Item):
    kind: ClassVar[str] = "tool"
    call_id: str
    name: str
    summary: str = ""                # one line: the command, path, pattern, description…
    input_text: str = ""             # pretty JSON (or raw text for custom tools / bad JSON)
    result: str | None = None        # None: no result recorded
    failed: bool = False             # the harness marked the result as an error
    exit_code: int | None = None
    duration_s: float | None = None
    interrupted: bool = False
    diff: str = ""                   # unified diff / patch text for edits and apply_patch
    added: int | None = None
    removed: int | None = None
    images: tuple[ImageRef, ...] = ()       # images in the result
    subagent: Subagent | None = None        # inline sidechain work done for this call
    stats: tuple[tuple[str, str], ...] = ()  # e.g. Task: tokens, tool uses, duration
    todos: tuple[Todo, ...] = ()     # a to-do list's entries: shown as a checklist, not as JSON
    todo_note: str = ""              # what the call said of its list (update_plan's explanation)
    anchor: str = ""                 # unique, [A-Za-z0-9_-], for #deep-links

    @property
    def is_error(self) -> bool:
        return self.failed or self.exit_code not in (None, 0)

    @property
    def status(self) -> str:
        if self.interrupted:
            return "interrupted"
        if self.exit_code not in (None, 0):
            return f"exit {self.exit_code}"
        if self.failed:
            return "error"
        if self.result is None:
            return "no result"
        return "ok"

    @property
    def status_class(self) -> str:
        """ok | none | interrupted | error."""
        return dict(_STATUS_CSS).get(self.status, "error")

    @property
    def children(self) -> tuple[Item, ...]:
        return (self.subagent,) if self.subagent is not None else ()

    @property
    def label(self) -> str:
        what = f"{self.name}: {self.summary}" if self.summary else self.name
        return f"{fmt.short(what, 80)} ({self.status})"

    @property
    def blocks(self) -> Blocks:
        shown = tuple((name, text) for name, text in (("input", self.input_text),
                                                      ("diff", self.diff)) if text)
        return shown + ((("result", self.result),) if self.result is not None else ())

    @property
    def tally(self) -> Tally:
        return Tally(tool_calls=1, errors=int(self.is_error), tool_errors=int(self.is_error),
                     without_result=int(self.result is None))

    @property
    def icon(self) -> str:
        """Its icon's name (terminal, file, pencil…; wrench for any other tool)."""
        low = self.name.lower()
        return next((icon for names, icon in _ICONS if low in names), "wrench")

    @property
    def change(self) -> str:
        """"(+3 −1)" for an edit, "" otherwise."""
        if self.added is None and self.removed is None:
            return ""
        return f"(+{self.added or 0} −{self.removed or 0})"

    @property
    def duration(self) -> str:
        return fmt.duration(self.duration_s) if self.duration_s is not None else ""

    @property
    def facts(self) -> tuple[tuple[str, str], ...]:
        exit_code = (("exit code", str(self.exit_code)),) if self.exit_code is not None else ()
        return self.stats + exit_code

    @property
    def subagent_missing(self) -> bool:
        """A Task/Agent call whose subagent's work is not in this log."""
        return self.subagent is None and self.name.lower() in ("task", "agent")


@dataclass(frozen=True, slots=True, kw_only=True)
class ToolResultOrphan(TextItem):
    kind: ClassVar[str] = "orphan_result"
    call_id: str
    failed: bool = False
    images: tuple[ImageRef, ...] = ()

    @property
    def is_error(self) -> bool:
        return self.failed

    @property
    def label(self) -> str:
        return fmt.short("orphan result: " + self.text, 90)


@dataclass(frozen=True, slots=True, kw_only=True)
class InjectedContext(TextItem):
    """Looks like user/system input but was injected by the harness: shown folded."""

    kind: ClassVar[str] = "injected"
    folds: ClassVar[bool] = True
    context_kind: str                # environment_context, meta, compact_summary, developer, …

    @property
    def label(self) -> str:
        return self.context_kind.replace("_", " ") or "context"


@dataclass(frozen=True, slots=True, kw_only=True)
class SystemNote(Item):
    kind: ClassVar[str] = "system"
    note_kind: str                   # compaction, hook, aborted, interrupted, api_error, cwd, …
    text: str = ""
    level: str = "info"              # info | warning | error

    @property
    def is_error(self) -> bool:
        return self.level == "error"

    @property
    def is_divider(self) -> bool:
        """A compaction: shown as a full-width divider."""
        return self.note_kind == "compaction"

    @property
    def headline(self) -> str:
        return self.text.partition("\n")[0]

    @property
    def label(self) -> str:
        return fmt.short(f"{self.note_kind}: {self.text}", 90)

    @property
    def blocks(self) -> Blocks:
        rest = self.text.partition("\n")[2]
        return (("more", rest),) if rest.strip() else ()


@dataclass(frozen=True, slots=True, kw_only=True)
class RawRecord(Item):
    kind: ClassVar[str] = "raw"
    record_type: str                 # NO_TYPE when the record has none
    raw: str                         # pretty JSON, capped
    preview: str = ""                # its first fields on one line: the cards tell apart closed

    @property
    def has_type(self) -> bool:
        return self.record_type != NO_TYPE

    @property
    def label(self) -> str:
        return fmt.short(f"record of type {self.record_type}" if self.has_type
                         else "record without a type", 90)

    @property
    def blocks(self) -> Blocks:
        return (("raw", self.raw),)


@dataclass(frozen=True, slots=True, kw_only=True)
class SkippedLine(Item):
    kind: ClassVar[str] = "skipped"
    reason: str                      # oversized
    size: int = 0
    offset: int = 0                  # byte offset of the line in the log

    @property
    def label(self) -> str:
        return f"line {self.line} not parsed ({self.reason}, {fmt.size(self.size)})"

    @property
    def size_text(self) -> str:
        return fmt.size(self.size)
