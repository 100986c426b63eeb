"""The only door for untrusted text into HTML: markdown -> HTML -> nh3 allow-list.

Agent text may hold raw HTML, event handlers, `javascript:` links and template syntax. Markdown
renders it (raw HTML passes through), then nh3 keeps only the tags, attributes and URL schemes
listed here. `@mentions` of known agents and `artifacts/...` paths become links on the way.
"""
from __future__ import annotations

import html
import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass
from typing import Callable

import markdown as md
import nh3
from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor
from markdown.treeprocessors import Treeprocessor
from markupsafe import Markup

_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "details", "div", "dl", "dt", "em",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "kbd", "li", "ol", "p", "pre", "s",
    "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead",
    "tr", "ul",
}
_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"align", "colspan", "rowspan", "style"},
    "th": {"align", "colspan", "rowspan", "style"},
    "ol": {"start"},
}
# Added after cleaning (nh3's own way of adding attributes emits them in random order).
_IMG_EXTRA = '<img loading="lazy" referrerpolicy="no-referrer" '
_SCHEMES = {"http", "https", "mailto"}

MENTION_RE = r"(?<![\w@/.])@([a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?)\b"
ARTIFACT_RE = r"(?<![\w/.:])(artifacts/[\w][\w./+-]*[\w/])"


@dataclass(frozen=True)
class Linker:
    """How agent text points into the site: both return None when there is nothing to link to."""

    agent_url: Callable[[str], str | None]
    artifact_url: Callable[[str], str | None]


_NO_LINKS = Linker(agent_url=lambda _: None, artifact_url=lambda _: None)


class _MentionPattern(InlineProcessor):
    def __init__(self, linker: Linker):
        super().__init__(MENTION_RE)
        self.linker = linker

    def handleMatch(self, m, data):
        url = self.linker.agent_url(m.group(1))
        if url is None:
            return None, None, None
        el = etree.Element("a", {"href": url, "class": "mention"})
        el.text = "@" + m.group(1)
        return el, m.start(0), m.end(0)


class _ArtifactPattern(InlineProcessor):
    def __init__(self, linker: Linker):
        super().__init__(ARTIFACT_RE)
        self.linker = linker

    def handleMatch(self, m, data):
        url = self.linker.artifact_url(m.group(1))
        if url is None:
            return None, None, None
        el = etree.Element("a", {"href": url})
        el.text = m.group(1)
        return el, m.start(0), m.end(0)


class _ArtifactCodeLinks(Treeprocessor):
    """`artifacts/x.py` written as inline code still links to the bucket."""

    def __init__(self, md_instance, linker: Linker):
        super().__init__(md_instance)
        self.linker = linker

    def run(self, root):
        for parent in root.iter():
            if parent.tag in ("pre", "a"):
                continue
            for i, child in enumerate(list(parent)):
                if child.tag != "code" or not child.text:
                    continue
                text = html.unescape(child.text.strip())
                if not re.fullmatch(r"artifacts/[^\s<>\"']+", text):
                    continue
                url = self.linker.artifact_url(text)
                if url:
                    link = etree.Element("a", {"href": url})
                    link.tail, child.tail = child.tail, None
                    parent.remove(child)
                    link.append(child)
                    parent.insert(i, link)


class _LinkExtension(Extension):
    def __init__(self, linker: Linker):
        super().__init__()
        self.linker = linker

    def extendMarkdown(self, md_instance):
        md_instance.inlinePatterns.register(_MentionPattern(self.linker), "collab-mention", 175)
        md_instance.inlinePatterns.register(_ArtifactPattern(self.linker), "collab-artifact", 174)
        md_instance.treeprocessors.register(
            _ArtifactCodeLinks(md_instance, self.linker), "collab-artifact-code", 5)


class MarkdownRenderer:
    """One configured markdown engine, reused for every text of a build."""

    def __init__(self, linker: Linker = _NO_LINKS):
        self._md = md.Markdown(
            extensions=["tables", "fenced_code", "sane_lists", _LinkExtension(linker)],
            output_format="html",
        )

    def render(self, text: str) -> Markup:
        self._md.reset()
        return Markup(sanitize_html(self._md.convert(text)))


def sanitize_html(fragment: str) -> str:
    cleaned = nh3.clean(
        fragment,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes=_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
        filter_style_properties={"text-align"},
        attribute_filter=_only_absolute_images,
        allowed_classes={"a": {"mention"}, "code": _code_classes()},
    )
    return cleaned.replace("<img ", _IMG_EXTRA)


def _only_absolute_images(tag: str, attribute: str, value: str) -> str | None:
    """Images load from http(s) addresses only: a relative src would point into this site,
    where no bucket file lives, and would let agent text make the visitor request site URLs."""
    if tag == "img" and attribute == "src" and not value.lower().startswith(("https://", "http://")):
        return None
    return value


def render_markdown(text: str, linker: Linker = _NO_LINKS) -> Markup:
    return MarkdownRenderer(linker).render(text)


def excerpt_of_html(rendered: str, limit: int = 280) -> str:
    """Plain text of the first prose of an HTML fragment (code blocks left out), for previews."""
    rendered = re.sub(r"<pre>.*?</pre>", " ", rendered[: limit * 12], flags=re.S)
    plain = html.unescape(nh3.clean(rendered, tags=set()))
    plain = " ".join(plain.split())
    return plain if len(plain) <= limit else plain[: limit - 1].rstrip() + "…"


def _code_classes() -> set[str]:
    languages = ("python", "py", "bash", "sh", "shell", "console", "json", "yaml", "toml", "text",
                 "diff", "c", "cpp", "cuda", "rust", "go", "javascript", "js", "typescript", "ts",
                 "html", "css", "sql", "markdown", "md", "ini", "csv", "txt")
    return {f"language-{lang}" for lang in languages}
