"""The chart's pre-rendered SVG: drawn by vl-convert in-process (no network), then rebuilt from
an allow-list of drawing elements and verified, so that nothing in it can run or load.

Agent text reaches the SVG only as escaped text nodes and attribute values; `markup_of` shows
what a browser reads as markup, for `_verify` and for the tests."""
from __future__ import annotations

import functools
import hashlib
import json
import re
import xml.etree.ElementTree as ET
from importlib.metadata import version
from typing import Any

from builder.chart import (BACKGROUND, CHART_VERSION, SMALL_PICTURES, SOCIAL_HEIGHT, SOCIAL_WIDTH,
                           SVG_WIDTH, dark_style)


class UnsafeSvgError(ValueError):
    """The SVG vl-convert produced contains something that could run or load: refuse it."""


_SVG_NS = "http://www.w3.org/2000/svg"
_XLINK_NS = "http://www.w3.org/1999/xlink"
_ALLOWED_TAGS = {"svg", "g", "path", "rect", "circle", "ellipse", "line", "polyline", "polygon",
                 "text", "tspan", "title", "desc", "defs", "clipPath", "linearGradient",
                 "radialGradient", "stop", "a"}
_SAFE_HREF = re.compile(r"^(?:#|/(?!/)|\./|\.\./|[A-Za-z0-9_-]+/)")


def spec_digest(spec: dict[str, Any]) -> str:
    """A stable key for caching what is rendered from `spec` (e.g. its SVG) across builds. The
    vl-convert version comes from the package's metadata: a build whose renders are cached
    does not load vl-convert."""
    payload = json.dumps(spec, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    salt = (f"{version('vl-convert-python')}|{SVG_WIDTH}|{SMALL_PICTURES}|{SOCIAL_WIDTH}|"
            f"{SOCIAL_HEIGHT}|{CHART_VERSION}|{dark_style()}")
    return hashlib.sha256(f"{salt}\n{payload}".encode("utf-8")).hexdigest()


def chart_svg(spec: dict[str, Any], *, width: int = SVG_WIDTH, height: int | None = None,
              dark: bool = True) -> str:
    """The pre-rendered SVG of `spec` (a ``chart_spec`` dict or ``spec_from_document``).

    Rendered at a fixed `width` (and `height`, when given, instead of the spec's), then made
    responsive (viewBox, no fixed width/height). The SVG is
    parsed and rebuilt: only drawing elements survive; no script, foreignObject, event-handler
    attribute, ``style`` attribute with ``url(``/``expression``, or href leaving the site. Text is
    re-serialised escaped. Deterministic: same spec -> same bytes. With `dark`, the picture
    repaints itself when the visitor's system asks for dark pages (`with_dark_style`).
    """
    fixed = dict(spec)
    if fixed.get("width") == "container":
        fixed["width"] = width
    if height is not None:
        fixed["height"] = height
    fixed.pop("autosize", None)
    svg = _svg_of(json.dumps(fixed, sort_keys=True, separators=(",", ":")))
    return with_dark_style(svg) if dark else svg


def with_dark_style(svg: str) -> str:
    """The picture with the chart's `dark_style` as its first element. Added after the picture
    was checked: the style is made of the chart's own colours alone, never of agent text."""
    head = svg.index(">") + 1
    return f"{svg[:head]}<style>{dark_style()}</style>{svg[head:]}"


@functools.lru_cache(maxsize=32)
def _svg_of(spec_json: str) -> str:
    import vl_convert as vlc

    spec = json.loads(spec_json)
    return _clean_svg(vlc.vegalite_to_svg(spec), spec.get("description", ""))


def picture_size(svg: str) -> tuple[int, int]:
    """The width and height a `chart_svg` picture is drawn at (its viewBox), in whole pixels."""
    width, height = view_box(svg)
    return round(width), round(height)


def view_box(svg: str) -> tuple[float, float]:
    """The width and height of a `chart_svg` picture's viewBox."""
    found = re.search(r'viewBox="-?[\d.]+ -?[\d.]+ ([\d.]+) ([\d.]+)"', svg)
    if not found:
        raise ValueError("not a chart_svg picture: no viewBox")
    return float(found.group(1)), float(found.group(2))


def framed(svg: str, width: int, height: int) -> str:
    """The picture centred in a frame of the proportions `width`:`height`, the room around it in
    the chart's background: a link preview crops whatever does not fit its frame."""
    drawn_width, drawn_height = view_box(svg)
    frame_width = max(drawn_width, drawn_height * width / height)
    frame_height = frame_width * height / width
    x, y = (drawn_width - frame_width) / 2, (drawn_height - frame_height) / 2
    box = f"{_fmt_num(x)} {_fmt_num(y)} {_fmt_num(frame_width)} {_fmt_num(frame_height)}"
    head = svg.index(">") + 1
    ground = (f'<rect x="{_fmt_num(x)}" y="{_fmt_num(y)}" width="{_fmt_num(frame_width)}" '
              f'height="{_fmt_num(frame_height)}" fill="{BACKGROUND}" />')
    opening = re.sub(r'viewBox="[^"]*"', f'viewBox="{box}"', svg[:head], count=1)
    return opening + ground + svg[head:]


def _clean_svg(raw: str, description: str) -> str:
    ET.register_namespace("", _SVG_NS)
    ET.register_namespace("xlink", _XLINK_NS)
    try:
        root = ET.fromstring(raw)
    except ET.ParseError as exc:  # pragma: no cover - vl-convert always emits XML
        raise UnsafeSvgError(f"unparseable SVG: {exc}") from None
    if _local(root.tag) != "svg":
        raise UnsafeSvgError("not an SVG document")

    def clean(el: ET.Element) -> None:
        for child in list(el):
            if not isinstance(child.tag, str) or _local(child.tag) not in _ALLOWED_TAGS:
                el.remove(child)
                continue
            clean(child)
        for name in list(el.attrib):
            local = _local(name).lower()
            value = el.attrib[name]
            if local.startswith("on"):
                del el.attrib[name]
            elif local == "href" and not _SAFE_HREF.match(value.strip()):
                del el.attrib[name]
            elif local == "style" and re.search(r"url\s*\(|expression|javascript:|@import",
                                                value, re.I):
                del el.attrib[name]
            elif local in ("src", "action", "formaction", "xmlns:xlink") and \
                    re.search(r"javascript:|data:", value, re.I):
                del el.attrib[name]
            elif el is not root and local in _CHILD_ARIA:
                # the root is role="img" with a summary label: its children are presentational,
                # and a label per point would only bloat the page (the table is the text view)
                del el.attrib[name]
            elif local in _GEOMETRY:
                el.attrib[name] = _round_numbers(value)

    clean(root)
    width = _num(root.get("width"))
    height = _num(root.get("height"))
    if width and height and not root.get("viewBox"):
        root.set("viewBox", f"0 0 {_fmt_num(width)} {_fmt_num(height)}")
    for attr in ("width", "height"):
        root.attrib.pop(attr, None)
    root.set("preserveAspectRatio", "xMinYMin meet")
    root.set("role", "img")
    root.set("focusable", "false")
    if description:
        root.set("aria-label", description)
    # vl-convert numbers clip paths with a process-wide counter: renumber for determinism, with a
    # prefix of our own, since the live chart's SVG (drawn next to this one) numbers its own.
    out = ET.tostring(root, encoding="unicode")
    # (ElementTree escapes & < > in text and & < > " and newlines in attribute values.)
    out = _renumber_ids(out)
    _verify(out)
    return out


_CHILD_ARIA = {"aria-label", "aria-roledescription", "role", "aria-hidden"}
_GEOMETRY = {"d", "transform", "x", "y", "x1", "x2", "y1", "y2", "width", "height", "points"}
_LONG_DECIMAL = re.compile(r"-?\d+\.\d{3,}")


def _round_numbers(value: str) -> str:
    def short(m: re.Match[str]) -> str:
        text = f"{float(m.group(0)):.2f}".rstrip("0").rstrip(".")
        return "0" if text == "-0" else text

    return _LONG_DECIMAL.sub(short, value)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1] if "}" in tag else tag.split(":")[-1]


def _num(value: str | None) -> float | None:
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def _fmt_num(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:g}"


def _renumber_ids(svg: str) -> str:
    ids: dict[str, str] = {}
    for found in re.findall(r'\bid="([^"]+)"', svg):
        if found not in ids:
            base = re.sub(r"\d+$", "", found) or "id"
            ids[found] = f"static-{base}{len(ids) + 1}"
    if not ids:
        return svg

    def swap_id(m: re.Match[str]) -> str:
        return f'id="{ids.get(m.group(1), m.group(1))}"'

    def swap_ref(m: re.Match[str]) -> str:
        return f"url(#{ids.get(m.group(1), m.group(1))})"

    svg = re.sub(r'\bid="([^"]+)"', swap_id, svg)
    return re.sub(r"url\(#([^)]+)\)", swap_ref, svg)


_FORBIDDEN_MARKUP = re.compile(
    r"<\s*/?\s*(script|foreignObject|iframe|object|embed|img|image|use|animate|set|handler)\b"
    r"|\son[a-z]+\s*=|<!\[CDATA\[|<!ENTITY|<!DOCTYPE|<\?", re.I)


def markup_of(svg: str) -> str:
    """The SVG's tags with every attribute value blanked: what a browser reads as markup.

    Agent text lives in text nodes and attribute values (escaped); what remains here is written
    by Vega alone, so a hostile string showing up in it would be an injection.
    """
    tags = re.findall(r"<[^<>]*>", svg)
    return "".join(re.sub(r'"[^"]*"', '""', tag) for tag in tags)


def _verify(svg: str) -> None:
    found = _FORBIDDEN_MARKUP.search(markup_of(svg))
    if found:
        raise UnsafeSvgError(f"refusing SVG: contains {found.group(0)!r}")
    text = re.sub(r"<[^<>]*>", "", svg)
    if "<" in text or ">" in text:
        raise UnsafeSvgError("refusing SVG: unescaped angle bracket in text")
    for el in ET.fromstring(svg).iter():
        if _local(el.tag) not in _ALLOWED_TAGS:
            raise UnsafeSvgError(f"refusing SVG: element {_local(el.tag)!r}")
        for name, value in el.attrib.items():
            local = _local(name).lower()
            if local.startswith("on") or (local == "href" and not _SAFE_HREF.match(value.strip())):
                raise UnsafeSvgError(f"refusing SVG: attribute {local}={value!r}")
