"""Split a markdown file into its YAML frontmatter and body, and render YAML values as text.

Agents and the server write frontmatter in several shapes: PyYAML block output with long strings
folded over several lines, flow and block lists, hand-quoted strings, pretty-printed JSON (trace
manifests), CRLF line endings and a leading BOM. Only a real YAML parser reads all of them.
"""
from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Any, Mapping

import yaml

from builder import format as fmt
from builder.redact import add_counts, masked_reason, redact_by_kind

_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"


def _text_times(loader: type) -> type:
    """`loader` reading unquoted dates and times as plain text: the readers parse times
    themselves, so an impossible date (2026-02-30) costs that field, not the whole block."""
    resolvers = {first: [(tag, rx) for tag, rx in found if tag != _TIMESTAMP_TAG]
                 for first, found in loader.yaml_implicit_resolvers.items()}
    return type(loader.__name__ + "TextTimes", (loader,), {"yaml_implicit_resolvers": resolvers})


_SafeLoader = _text_times(yaml.SafeLoader)
_FastLoader = _text_times(getattr(yaml, "CSafeLoader", yaml.SafeLoader))
# libyaml's composer recurses in C and crashes the process (segfault) somewhere past ~10,000
# nesting levels; the pure-Python loader raises RecursionError instead. Blocks that might nest
# deeper than this go to the slow, safe loader.
_FAST_LOADER_MAX_NESTING = 1000
# A block may stand for at most this many values once its aliases are expanded: a few lines of
# anchors and aliases can otherwise stand for billions ("billion laughs").
MAX_EXPANDED_VALUES = 100_000

_OPENING = re.compile(r"---[ \t]*\n")
_CLOSING = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.MULTILINE)

# to_text visits at most this many values, this deep: YAML aliases can make a small file
# expand enormously, and hostile nesting would exhaust the stack.
_MAX_VALUES_RENDERED = 2000
_MAX_RENDER_DEPTH = 20


@dataclass(frozen=True)
class FrontMatter:
    """`data` is None when the file has no frontmatter or it is unusable (then `error` says why
    and `body` is the whole text, so nothing is lost). `sources` holds each top-level scalar
    exactly as written (`ppl: 2.00550` keeps its trailing zero there)."""

    data: dict[str, Any] | None
    body: str
    error: str | None = None
    sources: Mapping[str, str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()        # what was read but is worth a word in the build report


def decode(data: bytes | str) -> str:
    """Bytes as UTF-8 text, undecodable bytes replaced (callers report invalid UTF-8 themselves)."""
    if isinstance(data, str):
        return data
    return data.decode("utf-8", errors="replace")


def normalise_newlines(text: str) -> str:
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def read_frontmatter(text: str) -> FrontMatter:
    text = normalise_newlines(text)
    opening = _OPENING.match(text)
    if not opening:
        return FrontMatter(None, text)
    closing = _CLOSING.search(text, opening.end())
    if not closing:
        return FrontMatter(None, text, "frontmatter has no closing '---' line")
    block = text[opening.end():closing.start()]
    body = text[closing.end():].removeprefix("\n")
    value, sources, error = _load_block(block)
    if error:
        return FrontMatter(None, text, error)
    if value is None:
        return FrontMatter({}, body)
    if not isinstance(value, dict):
        return FrontMatter(None, text, f"frontmatter is a {_kind(value)}, not a mapping of keys")
    masked: dict[str, int] = {}
    if "\\" in block:                       # escapes: "\e", "\x07" and "\u001b" are control
        value = _shown(value, masked)        # characters, "\u0068f_..." may spell a secret
    return FrontMatter(_string_keys(value), body, None, sources,
                       tuple(f"key {key!r} is given more than once; its last value is used"
                             for key in repeated_keys(block)) + _masked_notes(masked))


# A top-level key of a YAML block: a line that starts with it (a value's further lines, a
# list's items and a block scalar's text are indented or start with "-")
_TOP_KEY = re.compile(r"^([A-Za-z_][A-Za-z0-9_.-]*)[ \t]*:(?=[ \t]|$)", re.MULTILINE)


def json_noting_repeats(text: str) -> tuple[Any, tuple[str, ...]]:
    """`json.loads`, and a note for each key an object gives more than once (JSON, like YAML,
    keeps the last without a word)."""
    repeated: list[str] = []

    def mapping(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        found = dict(pairs)
        if len(found) < len(pairs):
            keys = [key for key, _ in pairs]
            repeated.extend(key for key in found if keys.count(key) > 1 and key not in repeated)
        return found

    value = json.loads(text, object_pairs_hook=mapping)
    masked: dict[str, int] = {}
    if "\\" in text:                        # escapes: "\u001b" and "\f" are control characters,
        value = _shown(value, masked)        # "\u0068f_..." may spell a secret
    return value, tuple(f"key {key!r} is given more than once; its last value is used"
                        for key in repeated) + _masked_notes(masked)


def _shown(value: Any, masked: dict[str, int], depth: int = 0) -> Any:
    """`value` with each string in it, key or value, as deep as `to_text` shows them, without
    control characters (`fmt.visible_text`) and its secrets masked (counted into `masked`):
    escapes spell out what the file's text, masked when it was loaded, did not show."""
    if isinstance(value, str):
        text, counts = redact_by_kind(fmt.visible_text(value))
        add_counts(masked, counts)
        return text
    if depth > _MAX_RENDER_DEPTH:
        return value
    if isinstance(value, list):
        return [_shown(v, masked, depth + 1) for v in value]
    if isinstance(value, dict):
        return {_shown(k, masked, depth + 1): _shown(v, masked, depth + 1)
                for k, v in value.items()}
    return value


def _masked_notes(masked: dict[str, int]) -> tuple[str, ...]:
    return (f"in escaped values: {masked_reason(masked)}",) if masked else ()


def repeated_keys(block: str) -> list[str]:
    """The top-level keys a block gives more than once: YAML keeps the last, without a word."""
    seen: set[str] = set()
    repeated: list[str] = []
    for key in _TOP_KEY.findall(block):
        if key in seen and key not in repeated:
            repeated.append(key)
        seen.add(key)
    return repeated


def _load_block(block: str) -> tuple[Any, dict[str, str], str | None]:
    flat = flat_block(block)
    if flat is not None:
        return flat[0] or None, flat[1], None
    try:
        return *_load_yaml(block), None
    # Constructors raise more than YAMLError on hostile input (ValueError for 5000-digit ints,
    # RecursionError for deep nesting), so anything is a bad-YAML verdict here.
    except Exception as exc:
        yaml_error = _yaml_error(exc)
    try:
        # Tab-indented JSON is valid JSON but not valid YAML.
        return json.loads(block), {}, None
    except Exception:
        return None, {}, f"bad YAML frontmatter: {yaml_error}"


# A line of a flat block: a simple key and, unless a list follows, a value YAML reads as a plain
# scalar (it starts with no indicator, holds no comment, and ends with no colon or space) or
# quotes without an escape (so its text is what the quotes hold, a string); or an item of that
# list. (": " in a plain value is checked apart.)
_VALUE = (r"(?:\"([^\"\\]*)\"|'([^']*)'|"
          r"([^\s!&*|>'\"%@`{}\[\],#?:-](?:[^#\t]*[^\s:#])?))[ ]*")
_KEY_LINE = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*):(?:[ ]+" + _VALUE + r"|[ ]*)")
_ITEM_LINE = re.compile(r"( *)-[ ]+" + _VALUE)
# Characters a flat block may not hold at all: what YAML refuses or reads as a line break.
_NOT_FLAT = re.compile("[^\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd"
                       "\U00010000-\U0010ffff]")
_RESOLVER = _text_times(yaml.resolver.Resolver)()
_STR_TAG = "tag:yaml.org,2002:str"


def flat_block(block: str) -> tuple[dict[str, Any], dict[str, str]] | None:
    """A block of `key: value` lines and lists of simple values (the frontmatter of most
    messages and results), read as YAML reads it, data and scalar sources, without YAML's
    parser (ten times as fast); None when the block is anything else."""
    if _NOT_FLAT.search(block):
        return None
    data: dict[str, Any] = {}
    sources: dict[str, str] = {}
    key, items, indent, prior = None, None, None, None
    try:
        for line in block.split("\n"):
            if not line:
                continue
            item = _ITEM_LINE.fullmatch(line) if items is not None else None
            if item is not None and indent in (None, item.group(1)) and _scalar(item, 2):
                if indent is None:                     # a list: its key has no source
                    _restore(sources, key, prior)
                indent = item.group(1)
                items.append(_scalar(item, 2)[0])
                data[key] = items
                continue
            found = _KEY_LINE.fullmatch(line)
            if found is None or _plain_value(found.group(1)) != found.group(1):
                return None
            key, items, indent = found.group(1), None, None
            if found.lastindex == 1:                   # null, unless a list follows
                items, prior = [], sources.get(key)
                data[key], sources[key] = None, ""
            elif (scalar := _scalar(found, 2)) is None:
                return None
            else:
                data[key], sources[key] = scalar
    except Exception:           # a value YAML cannot make (a number past Python's digit limit)
        return None
    return data, sources


def _scalar(match: re.Match, first: int) -> tuple[Any, str] | None:
    """The value and source text of the _VALUE groups from `first` on: quoted text as it is, a
    plain scalar as YAML resolves it; None for a plain scalar holding ": " (not flat)."""
    double, single, plain = match.group(first, first + 1, first + 2)
    if plain is None:
        text = double if double is not None else single
        return text, text
    return None if ": " in plain else (_plain_value(plain), plain)


def _restore(sources: dict[str, str], key: str, prior: str | None) -> None:
    if prior is None:
        del sources[key]
    else:
        sources[key] = prior


def _plain_value(text: str) -> Any:
    """A plain scalar's value, as YAML's resolver and constructor make it (times stay text)."""
    tag = _RESOLVER.resolve(yaml.ScalarNode, text, (True, False))
    if tag == _STR_TAG:
        return text
    return yaml.constructor.SafeConstructor().construct_object(yaml.ScalarNode(tag, text))


def _load_yaml(block: str) -> tuple[Any, dict[str, str]]:
    safe_for_c = _nesting_bound(block) <= _FAST_LOADER_MAX_NESTING
    loader = (_FastLoader if safe_for_c else _SafeLoader)(block)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, {}
        if expanded_size(node, MAX_EXPANDED_VALUES) > MAX_EXPANDED_VALUES:
            raise ValueError(f"it expands to more than {MAX_EXPANDED_VALUES:,} values "
                            "through YAML aliases (or refers to itself)")
        return loader.construct_document(node), _scalar_sources(node)
    finally:
        loader.dispose()


def expanded_size(root: yaml.Node, limit: int) -> int:
    """How many values the node graph stands for with every alias expanded, counting up to just
    past `limit` (a graph that contains itself counts as past it). Each node is visited once."""
    sizes: dict[int, int] = {}
    open_path: set[int] = set()            # nodes whose children are still being counted
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        if children_done:
            open_path.discard(key)
            sizes[key] = min(limit + 1, 1 + sum(sizes[id(c)] for c in _children(node)))
            continue
        if key in sizes:
            continue
        open_path.add(key)
        stack.append((node, True))
        for child in _children(node):
            if id(child) in open_path:
                return limit + 1
            stack.append((child, False))
    return sizes[id(root)]


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return node.value
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def _nesting_bound(block: str) -> int:
    """An upper bound on how deep the YAML in `block` nests: every level opens with `[`, `{`,
    `-`, `?` or a key's `:`, so their count bounds the depth (loosely, but in C-speed time)."""
    return sum(block.count(indicator) for indicator in "[{-?:")


def _scalar_sources(node: yaml.Node) -> dict[str, str]:
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {
        str(key.value): value.value
        for key, value in node.value
        if isinstance(key, yaml.ScalarNode) and isinstance(value, yaml.ScalarNode)
    }


def _string_keys(mapping: dict[Any, Any]) -> dict[str, Any]:
    return {key if isinstance(key, str) else to_text(key): value for key, value in mapping.items()}


def _kind(value: Any) -> str:
    if isinstance(value, list):
        return "list"
    if isinstance(value, str):
        return "string"
    return type(value).__name__


def _yaml_error(exc: Exception) -> str:
    """PyYAML's complaint with the file's own line numbers (the block starts on line 2, after
    "---"), without its "in <unicode string>"."""
    if not isinstance(exc, yaml.MarkedYAMLError) or exc.problem_mark is None:
        return _one_line(exc)
    def at(mark: Any) -> str:
        return f"line {mark.line + 2}, column {mark.column + 1}"
    context = (f" ({exc.context}, from {at(exc.context_mark)})"
               if exc.context and exc.context_mark is not None else "")
    return _one_line(ValueError(f"{at(exc.problem_mark)}: {exc.problem}{context}"))


def _one_line(exc: Exception) -> str:
    text = " ".join(str(exc).split())
    return (text[:200] + "…") if len(text) > 200 else text or type(exc).__name__


def to_text(value: Any) -> str:
    """A display string for a YAML/JSON value: dates as `YYYY-MM-DD HH:MM UTC`, lists joined
    with commas, mappings as `key: value` pairs, None as "", no control characters."""
    budget = [_MAX_VALUES_RENDERED]
    return _render(value, budget, 0)


def brief(value: Any, limit: int = 60) -> str:
    """A YAML/JSON value as one short line of text (for a problem's reason)."""
    return fmt.short(to_text(value), limit)


def _render(value: Any, budget: list[int], depth: int) -> str:
    budget[0] -= 1
    if budget[0] < 0 or depth > _MAX_RENDER_DEPTH:
        return "…"
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return fmt.visible_text(value)
    if isinstance(value, int):
        return _int_text(value)
    if isinstance(value, float):
        return _float_text(value)
    if isinstance(value, datetime):
        return datetime_text(value)
    if isinstance(value, date):
        return value.isoformat()
    depth += 1
    if isinstance(value, Mapping):
        return ", ".join(f"{_render(k, budget, depth)}: {_render(v, budget, depth)}"
                         for k, v in value.items())
    if isinstance(value, (set, frozenset)):
        return ", ".join(sorted(_render(v, budget, depth) for v in value))
    if isinstance(value, (list, tuple)):
        return ", ".join(_render(v, budget, depth) for v in value)
    if isinstance(value, (bytes, bytearray)):
        return f"<{len(value)} bytes>"
    return str(value)


def _int_text(value: int) -> str:
    try:
        return str(value)
    except ValueError:  # beyond Python's int->str digit limit
        return f"<a {int(value.bit_length() * math.log10(2)) + 1}-digit number>"


def _float_text(value: float) -> str:
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return repr(value)


def datetime_text(value: datetime) -> str:
    if value.tzinfo is not None:
        try:
            value = value.astimezone(timezone.utc)
        except OverflowError:  # an offset that pushes year 1 or 9999 out of range
            return value.isoformat()
    pattern = "%Y-%m-%d %H:%M:%S UTC" if value.second or value.microsecond else "%Y-%m-%d %H:%M UTC"
    return value.strftime(pattern)
