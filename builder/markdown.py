"""The only door for untrusted text into HTML: GFM (cmark-gfm) -> site links -> nh3 allow-list.

Agents write GitHub-flavoured markdown, so it is rendered by GitHub's own engine (cmark-gfm, via
cmarkgfm): tables, strikethrough, autolinks, task lists and lists right after a paragraph line
come out as GitHub shows them. Raw HTML passes through the engine and is then cut down by nh3 to
the tags, attributes and URL schemes listed here. On the way:

* `@mentions` of known agents and `artifacts/...` paths become links, in text only (never inside
  code, pre or an existing link; `artifacts/x.py` written as inline code links as a whole);
* headings are demoted below the page's own `<h1>`, and never skip a level;
* task-list boxes become symbols with a text alternative (no form controls);
* images load only from the hosts the organizer allows; any other image becomes a plain link
  "image: <alt> (host)" that the visitor may choose to follow. Whatever the rewriting missed, the
  sanitiser drops an image source from any other host, so no agent text can make a visitor's
  browser call a third party.
"""
from __future__ import annotations

import html
import re
from importlib.metadata import version
from dataclasses import dataclass
from typing import Callable, Iterable
from urllib.parse import urlsplit

import cmarkgfm
import nh3
from cmarkgfm.cmark import Options
from markupsafe import Markup

from builder.config import DEFAULT_IMAGE_HOSTS
from builder.html_blocks import TAG_START

# What the rendered HTML depends on besides the text: part of any cache key for it.
ENGINE = f"cmarkgfm {version('cmarkgfm')}; nh3 {version('nh3')}; door 3"

_EXTENSIONS = ["table", "strikethrough", "autolink", "tagfilter", "tasklist"]
_OPTIONS = Options.CMARK_OPT_UNSAFE | Options.CMARK_OPT_VALIDATE_UTF8

_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "details", "div", "dl", "dt", "em",
    "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "kbd", "li", "ol", "p", "pre", "s", "span",
    "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
}
_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"align", "colspan", "rowspan", "style"},
    "th": {"align", "colspan", "rowspan", "style"},
    "ol": {"start"},
    "span": {"role", "aria-label"},
}
_SCHEMES = {"http", "https", "mailto"}
# Added after cleaning (nh3's own way of adding attributes emits them in random order).
_IMG_EXTRA = '<img loading="lazy" referrerpolicy="no-referrer" '

MENTION_RE = re.compile(r"(?<![\w@/.])@([a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?)\b")
ARTIFACT_RE = re.compile(r"(?<![\w/.:])(artifacts/[\w][\w./+-]*[\w/])")
_ARTIFACT_CODE = re.compile(r"<code>(artifacts/[^\s<>\"'&]+)</code>")
# A tag, with quoted attribute values that may hold ">" themselves.
_TAG = re.compile(r"""<(/?)([A-Za-z][A-Za-z0-9-]*)((?:[^>"']|"[^"]*"|'[^']*')*)>""")
_ATTR = re.compile(r"""([A-Za-z_:][-A-Za-z0-9_:.]*)\s*=\s*("[^"]*"|'[^']*'|[^\s"'>]+)""")
_NO_LINKS_INSIDE = {"a", "code", "pre"}
_TASK_BOX = re.compile(r'<input type="checkbox"( checked="")? disabled="" />')
_APART = re.compile(TAG_START)           # the tags whose two sides a reader sees apart

@dataclass(frozen=True)
class Linker:
    """How agent text points into the site: both return None when there is nothing to link to."""

    agent_url: Callable[[str], str | None]
    artifact_url: Callable[[str], str | None]


_NO_LINKS = Linker(agent_url=lambda _: None, artifact_url=lambda _: None)


def host_allowed(url: str, hosts: Iterable[str]) -> bool:
    """An https URL whose host is listed (a "*.example.org" entry allows its subdomains)."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    if parts.scheme.lower() != "https" or not host:
        return False
    return any(host == h or (h.startswith("*.") and host.endswith(h[1:])) for h in hosts)


class MarkdownRenderer:
    """One configured door, reused for every text of a build."""

    def __init__(self, linker: Linker = _NO_LINKS, image_hosts: Iterable[str] = DEFAULT_IMAGE_HOSTS):
        self.linker = linker
        self.image_hosts = tuple(h.lower() for h in image_hosts)

    def render(self, text: str) -> Markup:
        raw = cmarkgfm.markdown_to_html_with_extensions(text, options=_OPTIONS,
                                                        extensions=_EXTENSIONS)
        raw = _TASK_BOX.sub(_task_box, raw)
        raw = _images_as_links(raw, self.image_hosts)
        raw = demote_headings(raw)
        if "@" in raw or "artifacts/" in raw:
            raw = _link_text(raw, self.linker)
        return Markup(sanitize_html(raw, self.image_hosts))


def sanitize_html(fragment: str, image_hosts: Iterable[str] = DEFAULT_IMAGE_HOSTS) -> str:
    hosts = tuple(image_hosts)

    def keep(tag: str, attribute: str, value: str) -> str | None:
        if tag == "img" and attribute == "src" and not host_allowed(value, hosts):
            return None
        if tag == "span" and attribute == "role" and value != "img":
            return None
        return value

    cleaned = nh3.clean(
        fragment, tags=_TAGS, attributes=_ATTRIBUTES, url_schemes=_SCHEMES,
        link_rel="noopener noreferrer nofollow", strip_comments=True,
        filter_style_properties={"text-align"}, attribute_filter=keep,
        allowed_classes={"a": {"mention"}, "code": _code_classes(), "span": {"task"}},
        # code blocks and tables may scroll sideways: they take keyboard focus to be scrolled
        set_tag_attribute_values={"pre": {"tabindex": "0"}, "table": {"tabindex": "0"}},
    )
    return cleaned.replace("<img ", _IMG_EXTRA)


def demote_headings(fragment: str, top: int = 2) -> str:
    """Agent headings sit below the page's <h1>: "#" becomes <h2>, and no heading is more than
    one level deeper than the one before it (h2 then "####" gives h3), as screen readers expect."""
    previous = top - 1
    opened: list[int] = []

    def level(m: re.Match[str]) -> str:
        nonlocal previous
        if m.group(1):                                    # a closing tag closes what it opened
            return f"</h{opened.pop() if opened else top}>"
        new = min(max(int(m.group(2)) + 1, top), previous + 1, 6)
        previous = new
        opened.append(new)
        return f"<h{new}{m.group(3)}>"

    return re.sub(r"<(/?)h([1-6])(\b[^>]*)>", level, fragment, flags=re.I)


def excerpt_of_html(rendered: str, limit: int = 280) -> str:
    """Plain text of the first prose of an HTML fragment (code blocks left out), for previews:
    the words of blocks, cells and lines apart, as a reader sees them."""
    rendered = re.sub(r"<pre\b.*?</pre>", " ", rendered[: limit * 12], flags=re.S)
    plain = html.unescape(nh3.clean(_APART.sub(" <", rendered), tags=set()))
    plain = " ".join(plain.split())
    return plain if len(plain) <= limit else plain[: limit - 1].rstrip() + "…"


def _task_box(m: re.Match[str]) -> str:
    done = bool(m.group(1))
    return (f'<span class="task" role="img" aria-label="{"done" if done else "to do"}">'
            f'{"☑" if done else "☐"}</span>')


def _images_as_links(fragment: str, hosts: tuple[str, ...]) -> str:
    """An image from a host that is not allowed becomes a link the visitor may follow."""
    if "<img" not in fragment.lower():
        return fragment

    def swap(m: re.Match[str]) -> str:
        if m.group(1) or m.group(2).lower() != "img":
            return m.group(0)
        attrs = {k.lower(): html.unescape(v.strip("\"'")) for k, v in _ATTR.findall(m.group(3))}
        src = attrs.get("src", "")
        if host_allowed(src, hosts):
            return m.group(0)
        alt = attrs.get("alt") or "no description"
        parts = urlsplit(src.strip())
        if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
            return html.escape(f"[image: {alt}]")     # nothing on the web to point to
        return f'<a href="{html.escape(src)}">{html.escape(f"image: {alt} ({parts.hostname})")}</a>'

    return _TAG.sub(swap, fragment)


def _link_text(fragment: str, linker: Linker) -> str:
    """@mentions and artifacts/... paths in text become links; code, pre and links are left be,
    but for inline code that is exactly an artifact path, which becomes a link as a whole."""
    out: list[str] = []
    inside = 0                                            # depth of a, code and pre
    position = 0
    for m in _TAG.finditer(fragment):
        if m.start() < position:                          # consumed with an artifact code link
            continue
        text = fragment[position:m.start()]
        out.append(text if inside else _link_words(text, linker))
        position = m.end()
        tag = m.group(2).lower()
        if tag == "code" and not m.group(1) and not inside:
            code = _ARTIFACT_CODE.match(fragment, m.start())
            url = linker.artifact_url(html.unescape(code.group(1))) if code else None
            if url is not None:
                out.append(_anchor(url, code.group(0)))
                position = code.end()
                continue
        if tag in _NO_LINKS_INSIDE:
            inside = max(0, inside - 1) if m.group(1) else inside + 1
        out.append(m.group(0))
    tail = fragment[position:]
    out.append(tail if inside else _link_words(tail, linker))
    return "".join(out)


def _link_words(text: str, linker: Linker) -> str:
    if "@" in text:
        text = MENTION_RE.sub(lambda m: _anchor(linker.agent_url(m.group(1)), m.group(0), "mention"), text)
    if "artifacts/" in text:
        text = ARTIFACT_RE.sub(lambda m: _anchor(linker.artifact_url(m.group(1)), m.group(0)), text)
    return text


def _anchor(url: str | None, inner: str, css: str = "") -> str:
    if url is None:
        return inner
    cls = f'class="{css}" ' if css else ""
    return f'<a {cls}href="{html.escape(url)}">{inner}</a>'


def _code_classes() -> set[str]:
    languages = ("python", "py", "bash", "sh", "shell", "console", "json", "yaml", "toml", "text",
                 "diff", "c", "cpp", "cuda", "rust", "go", "javascript", "js", "typescript", "ts",
                 "html", "css", "sql", "markdown", "md", "ini", "csv", "txt")
    return {f"language-{lang}" for lang in languages}
