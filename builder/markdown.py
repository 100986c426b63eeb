"""The only door for untrusted text into HTML: GFM (cmark-gfm) -> site links -> nh3 allow-list.

Agents write GitHub-flavoured markdown, so it is rendered by GitHub's own engine (cmark-gfm, via
cmarkgfm): tables, strikethrough, autolinks, task lists and lists right after a paragraph line
come out as GitHub shows them. Raw HTML passes through the engine and is then cut down by nh3 to
the tags, attributes and URL schemes listed here. On the way:

* terminal escape sequences and control characters are dropped (`fmt.visible_text`): pasted
  terminal output shows its text, not boxes or "[31m", and a feed of it stays XML;
* `@mentions` of known agents, paths in the bucket's `artifacts/`, `shared_resources/` and
  `taskforces/` (a file's bytes, a folder's view on the Hub) and `hf://` locations (their page on
  the Hub) become links, in text only (never inside code, pre or an existing link;
  `artifacts/x.py` written as inline code links as a whole); so does a link to an `hf://` location;
* with `pages`, the bucket path of a file the site has a page for (`results/<file>.md`,
  `message_board/<file>.md`, `agents/<id>.md`, `artifacts/results/<file>.json`) links to that
  page, the same way, and so does inline code that names such a file of the text's folder, or
  by a bare name the linker knows (`20260711-0830_ann.md`); `page_paths` names the paths a text
  may link so, for its cache key;
* a relative link or image (`../docs/plan.md`, `plots/tps.png`) of a text whose bucket folder
  is known points where it points on the Hub: links to the Hub's view of that bucket path (with
  `pages`, to the site's page of the file when there is one), images to its bytes (shown when
  the Hub is an allowed image host);
* fenced code in a language the sanitiser keeps is coloured, as on GitHub (Pygments: classes
  `hl-<token>`, coloured by the theme);
* headings are demoted below the page's own `<h1>` (or the section heading the text sits
  under), and never skip a level;
* a quote that opens with `[!NOTE]`, `[!TIP]`, `[!IMPORTANT]`, `[!WARNING]` or `[!CAUTION]`
  alone on its first line is one of GitHub's alerts, with its title;
* task-list boxes become symbols with a text alternative (no form controls);
* footnotes link both ways, as on GitHub, with ids by their number made unique to their text
  and to the `id_salt` its caller gives (several bodies, the same text among them, share a
  transcript's page); no label, and no other id of the text's own, gets through;
* headings get GitHub's ids (`user-content-<slug>`) and a permalink beside them, and the text's
  own links to `#<slug>` (a table of contents) go to them (not in an agent's log: many of its
  texts share a page, and their headings are no sections of a document);
* secrets in the text the page shows are masked where markup splits them (`hf_<b>abc</b>def…`,
  `hf_**abc**def…`, a token wrapped over two lines), which `redact` could not see in the text
  as written (`mask_shown_secrets`; readers.load reports them, `secrets_shown`), and so are
  those in every URL the door emits (href, src) and in the text it shows, once percent-decoded
  as a browser shows a URL (`?k=hf%5F…`, `%68%66_…`, `hf&#37;5F…`; `mask_url_secrets`), and
  those in every other attribute it keeps (an image's alt, a title's tooltip, an aria-label),
  as a browser reads the value (`mask_attribute_secrets`);
* images load only from the hosts the organizer allows; any other image becomes a plain link
  "image: <alt> (host)" that the visitor may choose to follow. Whatever the rewriting missed, the
  sanitiser drops an image source from any other host, so no agent text can make a visitor's
  browser call a third party.
"""
from __future__ import annotations

import functools
import hashlib
import html
import posixpath
import re
import unicodedata
from bisect import bisect_right
from importlib.metadata import version
from dataclasses import dataclass, replace
from itertools import islice
from typing import Any, Callable, Collection, Iterable
from urllib.parse import unquote

import cmarkgfm
import nh3
from cmarkgfm.cmark import Options
from markupsafe import Markup
from pygments import highlight
from pygments.filter import simplefilter
from pygments.formatters import HtmlFormatter
from pygments.lexer import Lexer
from pygments.lexers import get_lexer_by_name
from pygments.token import (STANDARD_TYPES, Comment, Generic, Keyword, Name, Number, Operator,
                            String, Text)
from pygments.util import ClassNotFound

from builder import format as fmt
from builder.config import DEFAULT_IMAGE_HOSTS
from builder.html_blocks import NAMES as BLOCK_NAMES, TAG_START
from builder.redact import (URL_MASK, Span, add_counts, masked_at, maybe_secret, maybe_url_secret,
                            merged_spans, percent_decoded, percent_spelt_spans, redact_by_kind,
                            secret_spans, shown_secret_spans)
from builder.urls import SHARED_FOLDERS as _SHARED_FOLDERS, url_parts, web_link

# What the rendered HTML depends on besides the text: part of any cache key for it.
ENGINE = (f"cmarkgfm {version('cmarkgfm')}; nh3 {version('nh3')}; pygments {version('pygments')}; "
          "door 17")

_EXTENSIONS = ["table", "strikethrough", "autolink", "tagfilter", "tasklist"]
_OPTIONS = Options.CMARK_OPT_UNSAFE | Options.CMARK_OPT_VALIDATE_UTF8 | Options.CMARK_OPT_FOOTNOTES

# GitHub's own list, but for <picture>/<source> (their srcset would need the image host check).
_TAGS = {
    "a", "abbr", "b", "bdo", "blockquote", "br", "caption", "cite", "code", "dd", "del", "details",
    "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "h2", "h3", "h4", "h5", "h6", "hr", "i",
    "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "rp", "rt", "ruby", "s", "samp",
    "section", "small", "span", "strike", "strong", "sub", "summary", "sup", "table", "tbody", "td",
    "tfoot", "th", "thead", "time", "tr", "tt", "ul", "var", "wbr",
}
_ATTRIBUTES = {
    "a": {"href", "title", "aria-label"},
    "abbr": {"title"},
    "details": {"open"},
    "img": {"src", "alt", "title", "width", "height"},
    "time": {"datetime"},
    "td": {"align", "colspan", "rowspan", "style"},
    "th": {"align", "colspan", "rowspan", "style"},
    "ol": {"start"},
    "span": {"role", "aria-label"},
}
# `<p align="center">`, as agents write it around a figure (the attribute's other values go).
_ALIGNED = {tag: {"align": {"left", "center", "right"}}
            for tag in ("div", "p", "h2", "h3", "h4", "h5", "h6")} | {"bdo": {"dir": {"ltr", "rtl"}}}
_SCHEMES = {"http", "https", "mailto"}
# Added after cleaning (nh3's own way of adding attributes emits them in random order).
_IMG_EXTRA = '<img loading="lazy" referrerpolicy="no-referrer" '

MENTION_RE = re.compile(r"(?<![\w@/.])@([a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?)\b")
# Fenced blocks (to their closing fence or the end) and code spans, where a mention is no mention.
_CODE = re.compile(r"^ {0,3}(`{3,}|~{3,}).*?(?:^ {0,3}\1|\Z)|`+[^`\n]*`+", re.S | re.M)
# A bucket path in text: a shared file's or folder's, or a file's that may have a page of the site.
_PATH_RE = re.compile(r"(?<![\w/.:])((?:artifacts|shared_resources|taskforces)/[\w][\w./+-]*[\w/]"
                      r"|(?:\w[\w.+-]*/)+\w[\w.+-]*\.(?:md|json)\b)")
# An hf:// location in text: a bucket's, a repo's or a path in one.
_HF_RE = re.compile(r"(?<![\w/.:])hf://\w[\w./@+~%-]*[\w/]")
_PATH_CODE = re.compile(r"[^\s<>\"'&]+")             # the text of inline code that may be a path
_PATTERN = re.compile(r"[{}*?\[\]|$]|\.\.\.")        # a placeholder or wildcard, not a file
# The characters of a bucket path that may have a page of the site, as written (a link's target,
# inline code, a path in text); in markdown source, where the name of such a file ends.
_PATH_CHARS = re.compile(r"[\w./+~%-]+")
_PAGE_FILE_END = re.compile(r"\.(?:md|json)(?=_*(?!\w))")   # "_path.md_" is emphasis
MAX_PAGE_PATH = 300                      # a longer path is linked as if it had no page
MAX_PAGE_FILES = 1000                    # file names of a text that may link to pages
# A tag, with quoted attribute values that may hold ">" themselves.
_TAG = re.compile(r"""<(/?)([A-Za-z][A-Za-z0-9-]*)((?:[^>"']|"[^"]*"|'[^']*')*)>""")
_ATTR = re.compile(r"""([A-Za-z_:][-A-Za-z0-9_:.]*)\s*=\s*("[^"]*"|'[^']*'|[^\s"'>]+)""")
_NO_LINKS_INSIDE = {"a", "code", "pre"}
# A table's header cell with no text heads nothing (screen readers announce an empty header):
# it becomes a plain cell, and a header row of such cells ("| | |") leaves the table.
_EMPTY_HEADER_CELL = re.compile(r"<th((?: align=\"\w+\")?)></th>")
_EMPTY_HEAD = re.compile(r"<thead>\n<tr>\n(?:<td(?: align=\"\w+\")?></td>\n)+</tr>\n</thead>\n")
_TASK_BOX = re.compile(r'<input type="checkbox"( checked="")? disabled="" />')
_APART = re.compile(TAG_START)           # the tags whose two sides a reader sees apart
# A footnote's back link's name.
_BACK_LINK = re.compile(r"Back to reference [\w-]+")
_ALERT_KINDS = ("note", "tip", "important", "warning", "caution")
# A quote at the top level that opens with an alert's mark alone on its line, and more after it.
_ALERT_START = re.compile(r"<blockquote>\n<p>\[!(" + "|".join(_ALERT_KINDS) + r")\]"
                          r"(<br />\n|\n|</p>\n(?!</blockquote>))", re.I)
_ALERT_CLASSES = {"alert", *(f"alert-{kind}" for kind in _ALERT_KINDS)}
_CONTAINERS = {"blockquote", "details", "div", "li", "ol", "section", "table", "ul"}
# A fenced code block as cmark-gfm writes it: its language, and its text (escaped, no tag).
_CODE_BLOCK = re.compile(r'<pre><code class="language-([\w+#.-]+)">([^<]*)</code></pre>')
_COLOURS = HtmlFormatter(nowrap=True, classprefix="hl-")
# The kinds of token the theme colours, as GitHub does; any other is plain text (no span).
_COLOURED = (Keyword, String, Comment, Number, Name.Function, Name.Class, Name.Decorator,
             Name.Builtin, Name.Variable, Name.Tag, Name.Attribute, Operator.Word,
             Generic.Deleted, Generic.Inserted, Generic.Prompt, Generic.Heading, Generic.Subheading)
_TOKEN_CLASSES = {f"hl-{STANDARD_TYPES[kind]}" for kind in _COLOURED}
_PLAIN = {"text", "txt", "csv"}
# A markdown block that opens with frontmatter (a result's or a message's file) has it coloured as
# YAML, as GitHub does: Pygments' markdown lexer read its closing "---" as a heading's underline
# and drew the line above it, the last key, as a heading.
_MARKDOWN = {"markdown", "md"}
_FRONTMATTER = re.compile(r"---\n.*?\n---\n", re.S)
# A longer block stays plain: lexing costs build time in proportion (GitHub, too, stops colouring
# large files), and no text an agent writes may hold a build up.
_COLOUR_AT_MOST = 20_000
# Footnote marks and notes (previews leave them out).
_FOOTNOTES = re.compile(r'<sup class="footnote-ref">.*?</sup>'
                        r'|<section class="footnotes">.*?</section>', re.S)
# A heading as the sanitiser writes it (html5ever: headings never nest), and a link to a place
# in the page.
_HEADING = re.compile(r"<h([2-6])((?: [^>]*)?)>(.*?)</h\1>", re.S)
_LINK_START = re.compile(r"<a[ >]")
_TO_FRAGMENT = re.compile(r'href="#([^"]+)"')
_HEADING_ID_PREFIX = "user-content-"
_HEADING_WRAP = '<div class="markdown-heading">'       # a heading and its permalink, together
# Besides letters and digits, what a GitHub slug keeps: marks and connector punctuation ("_").
_SLUG_CATEGORIES = {"Mn", "Mc", "Me", "Pc"}

@dataclass(frozen=True)
class Linker:
    """How agent text points into the site and the bucket: each returns None when there is
    nothing to link to."""

    agent_url: Callable[[str], str | None]
    artifact_url: Callable[[str], str | None]         # a bucket file's bytes
    file_view: Callable[[str], str | None] = lambda _: None   # the Hub's view of a bucket path
    # the site's page of the file at a bucket path, or of the file of a bare name ("a.md")
    page_of: Callable[[str], str | None] = lambda _: None


_NO_LINKS = Linker(agent_url=lambda _: None, artifact_url=lambda _: None)


def host_allowed(url: str, hosts: Iterable[str]) -> bool:
    """An https URL whose host is listed (a "*.example.org" entry allows its subdomains)."""
    parts = url_parts(url)
    host = (parts.hostname or "").lower() if parts else ""
    if parts is None or parts.scheme.lower() != "https" or not host:
        return False
    return any(host == h or (h.startswith("*.") and host.endswith(h[1:])) for h in hosts)


class MarkdownRenderer:
    """One configured door, reused for every text of a build."""

    def __init__(self, linker: Linker = _NO_LINKS, image_hosts: Iterable[str] = DEFAULT_IMAGE_HOSTS):
        self.linker = linker
        self._without_pages = replace(linker, page_of=lambda _: None)
        self.image_hosts = tuple(h.lower() for h in image_hosts)

    def render(self, text: str, folder: str | None = None, anchors: bool = True,
               top: int = 2, pages: Collection[str] = (), titled: bool = False,
               id_salt: str = "") -> Markup:
        """`folder`: the bucket folder of the text's file ("" for the top), against which its
        relative links resolve (None: unknown, they are left as written). `anchors`: its
        headings get ids and permalinks (the only text of its page to have them). `top`: the
        level of its first heading, one below the page's heading the text sits under. `pages`:
        the bucket paths (of `page_paths`) that link to the site's page of their file when it
        has one (the caller's cache key follows from where they lead). `titled`: the text's
        opening heading, when it is its only "#" one, will title its page: the text's "##"
        headings then sit at `top` beside it, as its sections (a README's). `id_salt`: keeps
        its footnotes' ids apart from those of the same text elsewhere on its page (a
        transcript's items)."""
        linker = self._without_pages
        if pages:
            among = functools.partial(_page_among, pages, self.linker.page_of)
            linker = replace(self.linker, page_of=among)
        raw = _to_html(text)
        if folder is not None and ("href=" in raw or "src=" in raw):
            raw = resolve_relative(raw, folder, linker)
        raw = _TASK_BOX.sub(_task_box, raw)
        if "<th></th>" in raw or "<th align" in raw:
            raw = _EMPTY_HEAD.sub("", _EMPTY_HEADER_CELL.sub(r"<td\1></td>", raw))
        if '<code class="language-' in raw:
            raw = _CODE_BLOCK.sub(_coloured, raw)
        if "[!" in raw:
            raw = github_alerts(raw)
        raw = _images_as_links(raw, self.image_hosts)
        one_title = titled and raw.startswith("<h1") and raw.count("<h1") == 1
        raw = demote_headings(raw, top, shift=0 if one_title else 1)
        if ("@" in raw or _names_shared(raw) or "hf://" in raw
                or (pages and (".md" in raw or ".json" in raw))):
            raw = _link_text(raw, linker, folder)
        # (readers.load reports what this masks: `secrets_shown`, with the file's path)
        cleaned = shallow_nesting(mask_secrets(sanitize_html(raw, self.image_hosts, id_salt))[0])
        if anchors and "<h" in cleaned:
            cleaned = heading_anchors(cleaned)
        return Markup(cleaned)


def secrets_shown(text: str) -> dict[str, int]:
    """How many secrets of each kind the door masks in what the page shows of `text`, where
    markup splits them (`hf_<b>abc</b>def…`, `hf_**abc**def…`, a line break) or a URL spells
    them in two steps (`hf&#37;5F…`): none that `text` holds as written (`redact` masks those).
    A text in which no rule can match, even once its markup is left out or its URLs decoded,
    is not rendered."""
    unescaped = html.unescape(text)
    plain = _MARKUP.sub("", _ANY_TAG.sub("", unescaped))
    # (without its backslashes, a text holds every trigger it holds as markdown shows it:
    # `https:\/\/…` is a URL's "://")
    if not maybe_secret(percent_decoded(_unseen_left_out(plain))) \
            and not maybe_url_secret(percent_decoded(unescaped.replace("\\", ""))):
        return {}
    # (every image kept, whatever its host, with its URL, alt and title: the most a page of
    # any site's configuration shows of it; its alt counts as once as its link's text)
    return mask_secrets(sanitize_html(_to_html(text), image_hosts=None))[1]


# What markdown shows of none of a text's words: a link's target, brackets, escapes, marks of
# emphasis, strikethrough and code.
_MARKUP = re.compile(r"\]\([^)\s]*\)|[\[\]\\*~`]")


def _to_html(text: str) -> str:
    return cmarkgfm.markdown_to_html_with_extensions(fmt.visible_text(text), options=_OPTIONS,
                                                     extensions=_EXTENSIONS)


# Any tag (a ">" in a quoted value may end it early: that leaves text, never hides it).
_ANY_TAG = re.compile(r"<[^>]*>")
# What a visitor sees of the tags that part texts (a block, a cell, <br>: see html_blocks); a
# line break alone (or after a <br>) between two words, and characters no one sees, which a copy
# of a token wrapped over two lines or spelt with a soft hyphen holds: a second look leaves
# them out.
_PARTED = "\n\n"
_BREAK = "\n"                                  # <br>, as the sanitiser writes it
_PARTING = re.compile(r"<(?=/?(?:" + "|".join(n for n in BLOCK_NAMES if n != "br") + r")[\s/>])")
_UNSEEN = re.compile(r"(?<=\S)\n\n?(?=\S)|[\u00ad\u200b-\u200d\u2060\ufeff]")
_UNSEEN_CHARACTER = re.compile(r"[\u00ad\u200b-\u200d\u2060\ufeff]")


def _unseen_left_out(text: str) -> str:
    """`text` without line breaks and unseen characters: a cheap look at whether a rule may
    match it once `_UNSEEN` is left out finds what that finds (and more)."""
    text = text.replace("\n", "")
    return _UNSEEN_CHARACTER.sub("", text) if _UNSEEN_CHARACTER.search(text) else text


def mask_secrets(fragment: str) -> tuple[str, dict[str, int]]:
    """Sanitised HTML with the secrets masked in its URLs (`mask_url_secrets`), in its other
    attributes (`mask_attribute_secrets`) and in the text a visitor sees
    (`mask_shown_secrets`), and how many of each kind."""
    fragment, counts = mask_url_secrets(fragment)
    for mask in (mask_attribute_secrets, mask_shown_secrets):
        fragment, found = mask(fragment)
        add_counts(counts, found)
    return fragment, counts


# A URL the sanitiser keeps, as it writes it: in double quotes, escaped.
_URL_ATTRIBUTE = re.compile(r'( (?:href|src)=")([^"]*)"')


def mask_url_secrets(fragment: str) -> tuple[str, dict[str, int]]:
    """Sanitised HTML with the secrets in its links' and images' URLs masked as written and as
    a browser shows them, decoded (`?k=hf%5F…`, `%68%66_…`), and how many of each kind but
    for those its text shows too (a bare link's: the text's mask counts them). A mask is
    `URL_MASK` (the URL stays one); other URLs keep their bytes."""
    counts: dict[str, int] = {}
    if ' href="' not in fragment and ' src="' not in fragment:
        return fragment, counts
    # (each URL's text, whole, is in their text joined: none of them holds what all lack)
    urls = "\n".join(url for _, url in _URL_ATTRIBUTE.findall(fragment))
    if not maybe_secret(percent_decoded(html.unescape(urls))):
        return fragment, counts
    shown = functools.cache(lambda: percent_decoded(html.unescape(
        _ANY_TAG.sub("", fragment) + "\n".join(_attribute_values(fragment)))))

    def masked(m: re.Match[str]) -> str:
        url = html.unescape(m.group(2))
        spans = shown_secret_spans(url) if maybe_secret(percent_decoded(url)) else []
        if not spans:
            return m.group(0)
        for start, end, kind in spans:
            if percent_decoded(url[start:end]) not in shown():
                add_counts(counts, {kind: 1})
        return f'{m.group(1)}{html.escape(masked_at(url, spans, URL_MASK)[0])}"'

    return _URL_ATTRIBUTE.sub(masked, fragment), counts


def mask_shown_secrets(fragment: str) -> tuple[str, dict[str, int]]:
    """Sanitised HTML with the secrets in the text a visitor sees masked, and how many of each
    kind: its texts joined as a browser shows them (`hf_<b>abc</b>def…` is one token), and
    joined again without line breaks between words and unseen characters, and with a URL's
    percent-escapes decoded (`?k=hf%5F…` in a bare link's text). A mask takes the place of
    the secret's first text; the secret's other texts lose their part of it. Costs a few
    substring tests for a fragment in which no rule can match (an entity, `&amp;`, is no part
    of a rule's trigger), and a few regular expressions when none does."""
    if not maybe_secret(percent_decoded(_unseen_left_out(_ANY_TAG.sub("", fragment)))):
        return fragment, {}
    shown = html.unescape(_TAG.sub("", _PARTING.sub(_PARTED + "<", fragment.replace(
        "<br>", _BREAK + "<br>"))))
    if not _shows_a_secret(shown):
        return fragment, {}
    texts, shown = _shown_texts(fragment)
    spans = _shown_spans(shown)
    return _masked_texts(fragment, texts, spans) if spans else (fragment, {})


def _shown_spans(shown: str) -> list[Span]:
    """The secrets a visitor sees in `shown`: as written, with `_UNSEEN` left out, or
    percent-decoded; in order, those that overlap as one."""
    return merged_spans(secret_spans(shown) + _spans_unseen_left_out(shown)
                        + percent_spelt_spans(shown))


# A tag's attributes as the sanitiser writes them (names in lower case, values in double quotes,
# escaped), but for its URLs (`mask_url_secrets`).
_SHOWN_ATTRIBUTE = re.compile(r' (?!(?:href|src)=)([a-z][a-z0-9-]*)="([^"]*)"')


def _attribute_values(fragment: str) -> list[str]:
    """The values of the fragment's attributes but for its URLs, as written (escaped)."""
    return [value for _, _, attributes in _TAG.findall(fragment) if attributes
            for _, value in _SHOWN_ATTRIBUTE.findall(attributes)]


def mask_attribute_secrets(fragment: str) -> tuple[str, dict[str, int]]:
    """Sanitised HTML with the secrets masked in the values of its attributes but for URLs
    (an image's alt, a tooltip's title, an aria-label: what a browser shows or tells of them)
    as a browser reads each (entities decoded, `hf&#95;…`, and as `mask_shown_secrets` looks
    at a text), and how many of each kind."""
    counts: dict[str, int] = {}
    values = html.unescape("\n".join(_attribute_values(fragment))) if '="' in fragment else ""
    if not maybe_secret(percent_decoded(_unseen_left_out(values))):
        return fragment, counts

    def masked_value(m: re.Match[str]) -> str:
        value = html.unescape(m.group(2))
        spans = _shown_spans(value)
        if not spans:
            return m.group(0)
        value, found = masked_at(value, spans)
        add_counts(counts, found)
        return f' {m.group(1)}="{html.escape(value)}"'

    def masked_tag(tag: re.Match[str]) -> str:
        attributes = _SHOWN_ATTRIBUTE.sub(masked_value, tag.group(3))
        return f"<{tag.group(1)}{tag.group(2)}{attributes}>"

    return _TAG.sub(masked_tag, fragment), counts


def _shows_a_secret(shown: str) -> bool:
    """Whether some rule matches `shown`, or `shown` without `_UNSEEN` or its URLs decoded."""
    if redact_by_kind(shown)[1]:
        return True
    joined = _UNSEEN.sub("", shown)
    decoded = percent_decoded(shown)
    return ((joined != shown and bool(redact_by_kind(joined)[1]))
            or (decoded != shown and bool(redact_by_kind(decoded)[1])))


@dataclass(frozen=True)
class _Text:
    start: int          # where it is in the fragment
    end: int
    text: str           # what it shows (unescaped)
    at: int             # where that is in the fragment's shown text


def _shown_texts(fragment: str) -> tuple[list[_Text], str]:
    """The texts between the fragment's tags, and all it shows: its texts, parted where a
    reader sees them apart."""
    texts: list[_Text] = []
    shown: list[str] = []
    length = position = 0
    for tag in _TAG.finditer(fragment):
        if tag.start() > position:
            text = html.unescape(fragment[position:tag.start()])
            texts.append(_Text(position, tag.start(), text, length))
            shown.append(text)
            length += len(text)
        parted = (_BREAK if fragment.startswith("<br>", tag.start())
                  else _PARTED if _PARTING.match(fragment, tag.start()) else "")
        shown.append(parted)
        length += len(parted)
        position = tag.end()
    if position < len(fragment):
        texts.append(_Text(position, len(fragment), html.unescape(fragment[position:]), length))
        shown.append(texts[-1].text)
    return texts, "".join(shown)


def _spans_unseen_left_out(shown: str) -> list[Span]:
    """The secrets of `shown` once `_UNSEEN` is left out of it, as spans of `shown`."""
    kept: list[tuple[int, int]] = []               # (start in `shown`, start in what is kept)
    parts: list[str] = []
    position = removed = 0
    for unseen in _UNSEEN.finditer(shown):
        kept.append((position, position - removed))
        parts.append(shown[position:unseen.start()])
        removed += unseen.end() - unseen.start()
        position = unseen.end()
    if not kept:
        return []
    kept.append((position, position - removed))
    parts.append(shown[position:])
    starts = [start for _, start in kept]

    def in_shown(at: int) -> int:
        origin, start = kept[bisect_right(starts, at) - 1]
        return origin + at - start

    return [(in_shown(start), in_shown(end - 1) + 1, kind)
            for start, end, kind in secret_spans("".join(parts))]


def _masked_texts(fragment: str, texts: list[_Text], spans: list[Span]) -> tuple[str, dict[str, int]]:
    """The fragment with each span of its shown text masked, and how many of each kind."""
    edits: dict[int, list[tuple[int, int, str]]] = {}
    counts: dict[str, int] = {}
    for start, end, kind in spans:
        add_counts(counts, {kind: 1})
        mask = f"[REDACTED:{kind}]"
        for i, text in enumerate(texts):
            if text.at < end and start < text.at + len(text.text):
                edits.setdefault(i, []).append(
                    (max(start - text.at, 0), min(end - text.at, len(text.text)), mask))
                mask = ""
    out: list[str] = []
    position = 0
    for i, changes in sorted(edits.items()):
        text = texts[i]
        out.append(fragment[position:text.start])
        kept, at = [], 0
        for start, end, mask in changes:
            kept += [text.text[at:start], mask]
            at = end
        kept.append(text.text[at:])
        out.append(html.escape("".join(kept), quote=False))
        position = text.end
    out.append(fragment[position:])
    return "".join(out), counts


def sanitize_html(fragment: str, image_hosts: Iterable[str] | None = DEFAULT_IMAGE_HOSTS,
                  id_salt: str = "") -> str:
    """`image_hosts`: None keeps an image from any host (only to count what a page may show)."""
    cleaner = _cleaner(None if image_hosts is None else tuple(image_hosts))
    return footnote_links(cleaner.clean(fragment).replace("<img ", _IMG_EXTRA), id_salt)


@functools.lru_cache(maxsize=16)
def _cleaner(hosts: tuple[str, ...] | None) -> nh3.Cleaner:
    """The sanitiser that keeps images from `hosts` (None: from any host), set up once: setting
    it up for each text (nh3.clean) cost four times as much as the cleaning itself."""

    def keep(tag: str, attribute: str, value: str) -> str | None:
        if tag == "img" and attribute == "src" and hosts is not None \
                and not host_allowed(value, hosts):
            return None
        if tag == "span" and attribute == "role" and value != "img":
            return None
        if attribute in ("href", "src") and url_parts(value) is None:   # no browser can follow it
            return None
        if attribute == "aria-label" and tag == "a" and not _BACK_LINK.fullmatch(value):
            return None
        return value

    return nh3.Cleaner(
        tags=_TAGS, attributes=_ATTRIBUTES, url_schemes=_SCHEMES,
        link_rel="noopener noreferrer nofollow", strip_comments=True,
        filter_style_properties={"text-align"}, attribute_filter=keep,
        allowed_classes={"a": {"mention", "footnote-backref"}, "code": _code_classes(),
                         "div": _ALERT_CLASSES, "p": {"alert-title"}, "section": {"footnotes"},
                         "span": {"task", *_TOKEN_CLASSES}, "sup": {"footnote-ref"}},
        # code blocks and tables may scroll sideways: they take keyboard focus to be scrolled
        set_tag_attribute_values={"pre": {"tabindex": "0"}, "table": {"tabindex": "0"}},
        tag_attribute_values=_ALIGNED,
    )


# A tag cut short where an excerpt's text was cut (the door's text holds no "<" of its own).
_CUT_TAG = re.compile(r"</?[A-Za-z].*", re.S)
_TEXT_ONLY = nh3.Cleaner(tags=set())     # an excerpt's words: every tag left out


def _words_of(fragment: str) -> str:
    """The door's HTML (or a start of it) with every tag left out, as an HTML parser reads it,
    escaped: its tags are whole, their values quoted, and its text holds no "<", so a parser
    keeps the text between them (a tag cut short at its end is none), for 40% of the cost of
    nh3's parse. A text cut just after a "<" is left to nh3: the parser reads that "<" as
    text, which it moves before a table the cut fell into."""
    words = _TAG.sub("", fragment)
    if "<" not in words:
        return words
    if words.endswith(("<", "</")):
        return _TEXT_ONLY.clean(fragment)
    return _CUT_TAG.sub("", words, count=1)


def folder_of(path: str) -> str | None:
    """The bucket folder of a file ("" at the top), against which its text's relative links
    resolve; None when the text comes from no file (a fallback entry)."""
    return path.rpartition("/")[0] if path else None


def resolve_relative(fragment: str, folder: str, linker: Linker) -> str:
    """Relative links and images point into the bucket, from `folder`: `../docs/plan.md` in
    results/ is the Hub's view of docs/plan.md, `plots/a.png` the bytes of results/plots/a.png.
    A path that leaves the bucket, or that the linker cannot place, is left as written."""

    def resolve(m: re.Match[str]) -> str:
        tag = m.group(2).lower()
        name = {"a": "href", "img": "src"}.get(tag) if not m.group(1) else None
        found = next((a for a in _ATTR.finditer(m.group(3)) if a.group(1).lower() == name), None)
        if found is None:
            return m.group(0)
        url = html.unescape(found.group(2).strip("\"'"))
        parts = url_parts(url)
        if parts is not None and parts.scheme == "hf" and tag == "a" and (target := web_link(url)):
            return _with_attribute(m, found, name, target)
        if parts is None or parts.scheme or parts.netloc or not parts.path or url.startswith("/"):
            return m.group(0)
        written = unquote(parts.path)
        path = posixpath.normpath(posixpath.join(folder, written))
        if path == ".." or path.startswith("../"):
            return m.group(0)
        path = "" if path == "." else path
        if tag == "a":
            plain = "/" in path and _PATH_CHARS.fullmatch(written)
            target = (_page_of(path, linker) if plain else None) or linker.file_view(path)
        else:
            target = linker.artifact_url(path)
        if target is None:
            return m.group(0)
        target += f"#{parts.fragment}" if parts.fragment and tag == "a" else ""
        return _with_attribute(m, found, name, target)

    return _TAG.sub(resolve, fragment)


def _with_attribute(tag: re.Match[str], found: re.Match[str], name: str, value: str) -> str:
    """The tag `tag` matched, with the attribute `found` replaced by `name="value"`."""
    attrs = tag.group(3)
    attrs = attrs[:found.start()] + f' {name}="{html.escape(value)}"' + attrs[found.end():]
    return f"<{tag.group(2)}{attrs}>"


def footnote_links(fragment: str, id_salt: str = "") -> str:
    """Footnotes of sanitised HTML linked both ways, as on GitHub, by ids of their own: the
    sanitiser took cmark-gfm's, which held the agent's labels (`[^"><svg…]` made an id of
    markup, `[^a-2]` the id of the second mark of `[^a]`). Note n of the text is
    `fn-<tag>-<n>`, its k-th mark `fnref-<tag>-<n>-<k>` (`fnref-<tag>-<n>` the first), where
    <tag> is a digest of the fragment (and of `id_salt`, which tells apart the same text's
    bodies on one page): the notes of bodies that share a page (a transcript's) keep apart.
    Every id is made here, once, so none repeats; the text's own links to a
    footnote (`#fn-<label>`) follow it, and a link to none leads nowhere: it is left without
    its target, as is a back link to a mark that is not there."""
    if 'class="footnote' not in fragment and 'href="#fn' not in fragment:
        return fragment
    layout = _footnote_layout(fragment)
    salted = f"{id_salt}\0{fragment}" if id_salt else fragment
    tag = hashlib.sha256(salted.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    edits = _footnote_edits(layout, tag)
    out, position = [], 0
    for start, end, replacement in edits:
        out += [fragment[position:start], replacement]
        position = end
    out.append(fragment[position:])
    return "".join(out)


@dataclass(frozen=True)
class _FootnoteLayout:
    """Where the parts of a text's footnotes are, as matches on its sanitised HTML."""
    notes: tuple[re.Match[str], ...]    # each note's <li>, in order (note 1 first)
    notes_end: int                       # where their section ends
    marks: tuple[re.Match[str], ...]     # _FOOTNOTE_MARK: a mark, with its note's number
    backs: tuple[re.Match[str], ...]     # _BACK_LINK_TAG: a link back to a mark
    links: tuple[re.Match[str], ...]     # _TAG: any other link to "#fn-…" or "#fnref-…"


# A footnote's mark, a link back to one (cmark-gfm's, as the sanitiser writes them: one with
# links inside, an agent's, is none), and a link to a place in the page; attribute values are
# in double quotes, their own escaped.
_FOOTNOTE_MARK = re.compile(r'<sup class="footnote-ref"><a href="#([^"]*)"((?:[^>"]|"[^"]*")*)>'
                            r'(\d+)</a></sup>')
_BACK_LINK_TAG = re.compile(r'<a href="#([^"]*)" class="footnote-backref"((?:[^>"]|"[^"]*")*)>'
                            r'((?:(?!<a[ >]).)*?</a>)', re.S)
_FRAGMENT_HREF = re.compile(r' href="#([^"]*)"')
_VOID = frozenset({"area", "br", "col", "embed", "hr", "img", "input", "source", "track", "wbr"})


def _footnote_layout(fragment: str) -> _FootnoteLayout:
    """The notes are the items of the last section of footnotes at the top of the text (cmark-gfm
    writes it last; one the agent wrote in a note's text is not at the top)."""
    notes: list[re.Match[str]] = []
    marks, backs, links = [], [], []
    depth, in_notes, notes_end, inside_part = 0, False, len(fragment), 0
    for m in _TAG.finditer(fragment):
        closing, name = m.group(1), m.group(2).lower()
        if name in _VOID:
            continue
        if closing:
            depth = max(0, depth - 1)
            if depth == 0 and in_notes:
                in_notes, notes_end = False, m.end()
            continue
        if depth == 0:
            in_notes = name == "section" and m.group(3) == ' class="footnotes"'
            notes = [] if in_notes else notes
        elif in_notes and depth == 2 and m.group(0) == "<li>":
            notes.append(m)
        depth += 1
        if m.start() < inside_part or name not in ("sup", "a"):    # in a mark or a back link
            continue
        mark = _FOOTNOTE_MARK.match(fragment, m.start())
        back = None if mark else _BACK_LINK_TAG.match(fragment, m.start())
        if mark or back:
            (marks if mark else backs).append(mark or back)
            inside_part = (mark or back).end()
        elif name == "a" and (href := _FRAGMENT_HREF.search(m.group(3))) and _to_footnote(href[1]):
            links.append(m)
    return _FootnoteLayout(tuple(notes), notes_end, tuple(marks), tuple(backs), tuple(links))


def _to_footnote(target: str) -> bool:
    return target.startswith(("fn-", "fnref-"))


def _footnote_edits(layout: _FootnoteLayout, tag: str) -> list[tuple[int, int, str]]:
    """What replaces each part of a text's footnotes: (start, end, replacement), in order."""
    count = len(layout.notes)
    edits = [(li.start(), li.end(), f'<li id="fn-{tag}-{n}">')
             for n, li in enumerate(layout.notes, 1)]
    marks_of: dict[int, int] = {}
    labels: dict[str, int] = {}                 # "fn-<label>" a mark leads to: its note
    for m in layout.marks:
        n = int(m.group(3))
        if not 1 <= n <= count:                 # no such note: a mark that leads nowhere
            edits.append((m.start(), m.end(),
                          f'<sup class="footnote-ref"><a{m.group(2)}>{n}</a></sup>'))
            continue
        k = marks_of[n] = marks_of.get(n, 0) + 1
        labels.setdefault(m.group(1), n)
        edits.append((m.start(), m.end(), f'<sup class="footnote-ref"><a href="#fn-{tag}-{n}" '
                                          f'id="{_mark_id(tag, n, k)}"{m.group(2)}>{n}</a></sup>'))
    starts = [li.start() for li in layout.notes]
    backs_of: dict[int, int] = {}
    for m in layout.backs:
        n = bisect_right(starts, m.start()) if m.start() < layout.notes_end else 0
        k = backs_of[n] = backs_of.get(n, 0) + 1
        edits.append((m.start(), m.end(), _back_link(m, n, k, marks_of, tag)))
    for m in layout.links:
        href = _FRAGMENT_HREF.search(m.group(3))
        target = _footnote_target(href[1], labels, tag)
        attrs = m.group(3)[:href.start()] + target + m.group(3)[href.end():]
        edits.append((m.start(), m.end(), f"<{m.group(2)}{attrs}>"))
    return sorted(edits)


def _mark_id(tag: str, note: int, k: int) -> str:
    return f"fnref-{tag}-{note}" + (f"-{k}" if k > 1 else "")


def _back_link(m: re.Match[str], note: int, k: int, marks_of: dict[int, int], tag: str) -> str:
    """The k-th link back of a note, to its k-th mark: none when the note has no such mark."""
    if not note or k > marks_of.get(note, 0):
        return ""
    return f'<a href="#{_mark_id(tag, note, k)}" class="footnote-backref"{m.group(2)}>{m.group(3)}'


def _footnote_target(target: str, labels: dict[str, int], tag: str) -> str:
    """A text's own link to a footnote ("#fn-<label>", "#fnref-<label>") as its href attribute:
    to that footnote's note or first mark, else none."""
    kind, _, label = target.partition("-")
    n = labels.get(f"fn-{label}")
    if n is None:
        return ""
    return f' href="#fn-{tag}-{n}"' if kind == "fn" else f' href="#{_mark_id(tag, n, 1)}"'


def github_alerts(fragment: str) -> str:
    """Quotes that are GitHub alerts become `<div class="alert alert-note">` with a title
    ("Note"). As on GitHub, only a quote outside any list, quote or other block is one."""
    out: list[str] = []
    depth, position, in_alert = 0, 0, False
    for m in _TAG.finditer(fragment):
        name = m.group(2).lower()
        if name not in _CONTAINERS:
            continue
        if m.group(1):
            depth = max(0, depth - 1)
            if depth == 0 and in_alert and name == "blockquote":
                out += [fragment[position:m.start()], "</div>"]
                position, in_alert = m.end(), False
            continue
        at_top = depth == 0 and name == "blockquote"
        start = _ALERT_START.match(fragment, m.start()) if at_top else None
        depth += 1
        if start:
            kind = start.group(1).lower()
            out += [fragment[position:m.start()],
                    f'<div class="alert alert-{kind}">\n',
                    f'<p class="alert-title">{kind.title()}</p>\n',
                    "" if start.group(2).startswith("</p>") else "<p>"]
            position, in_alert = start.end(), True
    out.append(fragment[position:])
    return "".join(out)


# Quotes and lists nest at most this deep: each level takes 15 to 40 pixels of a line, so a
# phone's 320 pixels hold about six. A text 10,000 quotes deep made a page 7,600 pixels wide.
MAX_NESTING = 6
_NESTING_TAG = re.compile(r"<(/?)(blockquote|ul|ol|li)\b[^>]*>")


def shallow_nesting(fragment: str) -> str:
    """`fragment` (sanitised: its tags matched) with the quotes and lists nested deeper than
    MAX_NESTING taken into the one above: their text stays, a deeper list's items each a
    block of their own (an item is in a list, or it is not an item)."""
    if sum(fragment.count(t) for t in ("<blockquote", "<ul", "<ol")) <= MAX_NESTING:
        return fragment
    open_tags: list[bool] = []          # of each open quote, list or item: whether it is kept
    depth = 0                           # kept quotes and lists open

    def edit(m: re.Match[str]) -> str:
        nonlocal depth
        closing, name = m.group(1), m.group(2)
        if closing:
            kept = open_tags.pop()
            if kept and name != "li":
                depth -= 1
            return m.group(0) if kept else ("</div>" if name == "li" else "")
        if name == "li":
            kept = not open_tags or open_tags[-1]       # as the list it is in
            open_tags.append(kept)
            return m.group(0) if kept else "<div>"
        kept = depth < MAX_NESTING
        open_tags.append(kept)
        depth += kept
        return m.group(0) if kept else ""

    return _NESTING_TAG.sub(edit, fragment)


def demote_headings(fragment: str, top: int = 2, shift: int = 1) -> str:
    """Agent headings sit below the page's <h1>: "#" becomes <h2> (`shift` levels down, at
    least `top`), and no heading is more than one level deeper than the one before it (h2 then
    "####" gives h3), as screen readers expect."""
    previous = top - 1
    opened: list[int] = []

    def level(m: re.Match[str]) -> str:
        nonlocal previous
        if m.group(1):                                    # a closing tag closes what it opened
            return f"</h{opened.pop() if opened else top}>"
        new = min(max(int(m.group(2)) + shift, top), previous + 1, 6)
        previous = new
        opened.append(new)
        return f"<h{new}{m.group(3)}>"

    return re.sub(r"<(/?)h([1-6])(\b[^>]*)>", level, fragment, flags=re.I)


def heading_anchors(fragment: str) -> str:
    """GitHub's heading anchors, on sanitised HTML (which keeps no id of the text's own but
    footnotes'): each heading gets the id `user-content-<slug of its text>` and a permalink
    after it, and the text's links to `#<slug>` (or to its words, `_slugs_by_words`) go to that
    id; a link to an id the text has (a permalink's) stays. Slugs are GitHub's: "What's new?"
    is whats-new, a second "Results" results-1. A heading inside a link gets no permalink (no
    link may hold another); one of signs or emoji only gets nothing."""
    seen: dict[str, int] = {}
    out: list[str] = []
    position, links_open = 0, 0
    for m in _HEADING.finditer(fragment):
        before = fragment[position:m.start()]
        links_open += len(_LINK_START.findall(before)) - before.count("</a>")
        out.append(before)
        position = m.end()
        slug = _unique_slug(heading_slug(m.group(3)), seen)
        if not slug:
            out.append(m.group(0))
            continue
        level, attributes, inner = m.groups()
        target = _HEADING_ID_PREFIX + slug
        heading = f'<h{level} id="{target}"{attributes}>{inner}</h{level}>'
        if links_open > 0:
            out.append(heading)
            continue
        label = html.escape("Permalink: " + _plain_text(inner))
        out.append(f'{_HEADING_WRAP}{heading}'
                   f'<a class="anchor" href="#{target}" aria-label="{label}"></a></div>')
    out.append(fragment[position:])
    anchored = "".join(out)

    if not seen or 'href="#' not in anchored:
        return anchored
    ids = frozenset(_ID.findall(anchored))
    loosely = _slugs_by_words(seen)

    def to_heading(m: re.Match[str]) -> str:
        named = unquote(html.unescape(m.group(1)))
        if named in ids:                   # a permalink, a footnote: it lands where it points
            return m.group(0)
        if named in seen:
            return f'href="#{_HEADING_ID_PREFIX}{m.group(1)}"'
        slug = loosely.get(_words_of_slug(named))
        return f'href="#{_HEADING_ID_PREFIX}{slug}"' if slug else m.group(0)

    return _TO_FRAGMENT.sub(to_heading, anchored)


def _slugs_by_words(slugs: Iterable[str]) -> dict[str, str]:
    """Slugs by their words alone (`_words_of_slug`), the first heading's when two share them: a
    link to `#launch` goes to "🚀 Launch" (GitHub's `-launch`) and one to `#digest-day-6` to
    "Digest — day 6" (`digest--day-6`), as their writer meant."""
    loose: dict[str, str] = {}
    for slug in slugs:
        loose.setdefault(_words_of_slug(slug), slug)
    return loose


def _words_of_slug(slug: str) -> str:
    return "-".join(part for part in slug.split("-") if part)


def heading_slug(inner: str) -> str:
    """GitHub's slug of a heading's text (github-slugger): lower case, only letters, digits,
    marks, "_", "-" and spaces kept, each space a "-"."""
    kept = (c for c in _plain_text(inner, collapse=False).lower()
            if c.isalnum() or c in " -_" or unicodedata.category(c) in _SLUG_CATEGORIES)
    return "".join(kept).replace(" ", "-")


def _unique_slug(slug: str, seen: dict[str, int]) -> str:
    """github-slugger's way: a slug seen before takes the next free "-<n>" after it. A slug of
    dashes only ("🚀 !!" gives "-") names nothing: none."""
    if not slug.strip("-"):
        return ""
    original = slug
    while slug in seen:
        seen[original] += 1
        slug = f"{original}-{seen[original]}"
    seen[slug] = 0
    return slug


# Bidi embeddings, overrides and isolates: a text's own block ends what they start, but a title
# or an excerpt stands beside other words ("— kestrel, 2026-07-10" after a message's title in a
# tab, a feed, a list), which an override that its text leaves open would turn around.
_DIRECTIONAL = re.compile("[\u202a-\u202e\u2066-\u2069]")


def _plain_text(inner: str, collapse: bool = True) -> str:
    text = _DIRECTIONAL.sub("", html.unescape(re.sub(r"<[^>]*>", "", inner)))
    return " ".join(text.split()) if collapse else text


def excerpt_of_html(rendered: str, limit: int = 280) -> str:
    """Plain text of the first prose of an HTML fragment (code blocks left out), for previews:
    the words of blocks, cells and lines apart, as a reader sees them."""
    rendered = re.sub(r"<pre\b.*?</pre>", " ", rendered[: limit * 12], flags=re.S)
    if "footnote" in rendered:
        rendered = _FOOTNOTES.sub("", rendered)
    if "</h" in rendered:           # (the expression tries every character: most texts have none)
        rendered = _UNENDED_HEADING.sub(r"\1\2.\3", rendered)
    if "<table" in rendered:
        rendered = _TABLE.sub(_table_in_words, rendered)
    if "</li>" in rendered:
        rendered = _UNENDED_ITEM.sub(r"\1 ·\2\3", rendered)
    plain = _DIRECTIONAL.sub("", html.unescape(_words_of(_APART.sub(" <", rendered))))
    return _shortened(" ".join(plain.split()).removesuffix(" ·"), limit)


# A heading whose words end without a stop, which an excerpt gives it: "Results. tps 541.2",
# not "Results tps 541.2".
# (The lookahead says what the rest must start with: most places fail there, not three steps on.)
_UNENDED_HEADING = re.compile(r"([^\s.!?:;,…>])(?=<)((?:</[a-z]+>)*)(</h[1-6]>)")
# The end of a table row, where an excerpt parts the rows of a table it cannot read by its
# column heads (a table in a table); the mark goes in the row's last cell: text between rows
# would be moved out of the table.
_ROW_END = re.compile(r"(</t[dh]>\s*</tr>)")
# A table, up to its end or the end of the excerpt's text; its rows and their cells.
_TABLE = re.compile(r"<table\b[^>]*>(.*?)(?:</table>|$)", re.S)
_HEAD = re.compile(r"<thead\b[^>]*>(.*?)</thead>", re.S)
_ROW = re.compile(r"<tr\b[^>]*>(.*?)</tr>", re.S)
_CELL = re.compile(r"<t([dh])\b[^>]*>(.*?)</t\1>", re.S)
# A cell that opens with a number is a value, not the name of its row ("8", "~541", "−2.6%").
_VALUE = re.compile(r"[-+−±~≈<>≤≥]?\s?\.?\d")


def _table_in_words(m: re.Match[str]) -> str:
    """A table as a preview reads it, each row named by its first cell and its values by their
    column's heads: "int4-awq: tok/s 463.3, ppl 2.3296 · eagle1: tok/s 422.2, ppl 2.3917",
    "batch 8, tps 612.0", "tps: 537.24" (two columns: a list of named values). It read "stack
    tok/s ppl · int4-awq 463.3 2.3296 · …", a run of numbers none of which said what it was."""
    body = m.group(1)
    if "<table" in body:
        return _ROW_END.sub(r" ·\1", m.group(0))
    rows = [_CELL.findall(row) for row in _ROW.findall(body)]
    head = _HEAD.search(body)
    # the rows of its head; without one (an HTML table), a first row of header cells
    heading = (len(_ROW.findall(head.group(1))) if head
               else int(bool(rows) and all(kind == "h" for kind, _ in rows[0])))
    texts = [[_plain_text(cell) for _, cell in row] for row in rows]
    heads = texts[heading - 1] if heading else []
    words = ([_row_in_words(row, heads) for row in texts[heading:]]
             or [", ".join(filter(None, heads))])
    return " " + html.escape(" · ".join(filter(None, words)), quote=False) + " · "


def _row_in_words(cells: list[str], heads: list[str]) -> str:
    """A table's row in words, its cells named by their column's `heads` (see `_table_in_words`)."""
    if not heads:
        return " ".join(cell for cell in cells if cell)
    named = list(zip(heads + [""] * len(cells), cells))
    label, values = cells[0] if cells else "", [(h, c) for h, c in named[1:] if c]
    if not label or _VALUE.match(label):
        return ", ".join(f"{h} {c}" if h else c for h, c in named[:1] + values if c)
    if not values:
        return label
    if len(cells) == 2:
        return f"{label}: {values[0][1]}"
    return f"{label}: " + ", ".join(f"{h} {c}" if h else c for h, c in values)


# A list item whose words end without a stop (before its end or its own list): parted from the
# next as rows are ("greedy verification only · report mean acceptance"); they ran together.
_UNENDED_ITEM = re.compile(r"([^\s.!?:;,…>·])(?=[\s<])((?:\s*</[a-z]+>)*\s*)(</li>|<[ou]l\b)")


def title_of_html(rendered: str, limit: int = 90) -> str:
    """What titles a text that has no title of its own: its first heading, when it opens with one
    ("## Digest, day 6"), else its opening paragraph, as a subject line is a mail's first line.
    It leaves out a short lead-in it ends with ("Plan for today:"): an opening paragraph that is
    no more than one ("Results:") takes the words after it."""
    heading = heading_of_html(rendered, limit)
    if heading:
        return heading
    text = rendered.lstrip()
    if text.startswith("<p>"):
        first = excerpt_of_html(text[:text.find("</p>") + 4], limit * 4)
        said = _without_lead_in(first, limit // 3)
        if said:
            return _subject(said, limit)
    return _subject(excerpt_of_html(rendered, limit * 4), limit)


# The sentence a paragraph ends with, when it ends with ":" (it says what follows).
_LEAD_IN = re.compile(r"(?:^|(?<=[.!?])\s)[^.!?]*:$")


def _without_lead_in(paragraph: str, shorter_than: int) -> str:
    """A paragraph without the colon it ends with, and without the sentence it ends with when
    that is shorter than `shorter_than` and says only that something follows ("Results:"). A
    longer one is a sentence in itself: "Ten back-to-back runs of the same stack on one job:"
    titled its message with the table after it ("…on one job: metric value · runs 10")."""
    lead = _LEAD_IN.search(paragraph)
    if lead is None:
        return paragraph
    if len(lead.group().strip()) < shorter_than:
        return paragraph[:lead.start()].rstrip()
    return paragraph[:-1].rstrip()


def heading_of_html(rendered: str, limit: int = 90) -> str:
    """The words of the heading a text opens with ("" when it opens with none)."""
    opening = opening_heading(rendered)
    return _subject(opening.text, limit) if opening and opening.text else ""


# Where a title may end: after a sentence's stop, or before the mark between a table's rows or
# a list's items ("CLAIM: fp8 KV with per-head scales · base: …").
_TITLE_END = re.compile(r"[.!?](?=\s)|\s·(?=\s)")


def _subject(text: str, limit: int) -> str:
    """A text as a title of at most `limit` characters: whole, else up to the last sentence or
    row it ends past a third of the limit, else up to its last whole word, with "…"."""
    if len(text) <= limit:
        return text
    ends = [m.end() if m.group(0) != " ·" else m.start()
            for m in _TITLE_END.finditer(text, 0, limit + 1)]
    ends = [end for end in ends if end >= limit // 3]
    if ends:
        return text[:ends[-1]]
    cut = text[:limit - 1]
    if not text[limit - 1].isspace() and " " in cut[limit // 3:]:       # not in a word
        cut = cut[:cut.rindex(" ")]
    return cut.rstrip(" ,;:·—–-") + "…"


@dataclass(frozen=True)
class Opening:
    """The heading a rendered text opens with."""
    text: str           # its words, as plain text
    anchor: str         # its id ("" when it has none), the target of the text's links to it
    rest: str           # the rendered text after it
    level: int = 2      # its <h2> to <h6>


_PERMALINK_AFTER = re.compile(r'<a class="anchor"[^>]*></a></div>')     # see heading_anchors
_ID = re.compile(r' id="([^"]*)"')


def opening_heading(rendered: str) -> Opening | None:
    """The heading that opens a rendered text (with its permalink), if it opens with one."""
    text = rendered.lstrip()
    wrapped = text.startswith(_HEADING_WRAP)
    heading = _HEADING.match(text, len(_HEADING_WRAP) if wrapped else 0)
    if heading is None:
        return None
    permalink = _PERMALINK_AFTER.match(text, heading.end()) if wrapped else None
    anchor = _ID.match(heading.group(2))
    inner, rest = heading.group(3), text[(permalink or heading).end():].lstrip()
    if "footnote-ref" in inner:           # its marks leave with it, and the links back to them
        inner, rest = _FOOTNOTES.sub("", inner), _without_back_links(rest, _MARK_ID.findall(inner))
    return Opening(_plain_text(inner), anchor.group(1) if anchor else "", rest,
                   int(heading.group(1)))


_MARK_ID = re.compile(r' id="(fnref-[^"]*)"')


def _without_back_links(rendered: str, marks: list[str]) -> str:
    """A rendered text without its notes' links back to these marks (ids), and its other links
    to them without their target. (Only a link of the door's has a mark's id: it holds a digest
    of the text.)"""
    rendered = _BACK_LINK_TAG.sub(lambda m: "" if m.group(1) in marks else m.group(0), rendered)
    return _FRAGMENT_HREF.sub(lambda m: "" if m.group(1) in marks else m.group(0), rendered)


def _shortened(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _coloured(m: re.Match[str]) -> str:
    """A fenced code block with its tokens in spans Pygments names (its text escaped again)."""
    language = m.group(1).lower()
    lexer = _lexer(language)
    if lexer is None or len(m.group(2)) > _COLOUR_AT_MOST:
        return m.group(0)
    text = html.unescape(m.group(2))
    front = _FRONTMATTER.match(text) if language in _MARKDOWN else None
    if front:
        code = (highlight(front.group(0), _lexer("yaml"), _COLOURS)
                + highlight(text[front.end():], lexer, _COLOURS))
    else:
        code = highlight(text, lexer, _COLOURS)
    return f'<pre><code class="language-{m.group(1)}">{code}</code></pre>'


@functools.cache
def _lexer(language: str) -> Lexer | None:
    """Pygments' lexer of a language the sanitiser keeps (None for plain text and the others)."""
    if f"language-{language}" not in _code_classes() or language in _PLAIN:
        return None
    try:
        lexer = get_lexer_by_name(language, stripnl=False, ensurenl=False)
    except ClassNotFound:
        return None
    lexer.add_filter(_kinds_coloured())
    return lexer


@simplefilter
def _kinds_coloured(self, lexer, stream, options):
    """Each token as the kind of _COLOURED it is ("hl-k" for every keyword), else as text."""
    for token, value in stream:
        yield _kind_of(token), value


@functools.cache
def _kind_of(token: Any) -> Any:
    """The kind of _COLOURED a token type is, else Text (asked once per type, not per token)."""
    return next((kind for kind in _COLOURED if token in kind), Text)


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
        parts = url_parts(src)
        if parts is None or parts.scheme.lower() not in ("http", "https") or not parts.hostname:
            return html.escape(f"[image: {alt}]")     # nothing on the web to point to
        return f'<a href="{html.escape(src)}">{html.escape(f"image: {alt} ({parts.hostname})")}</a>'

    return _TAG.sub(swap, fragment)


def mentioned_names(text: str) -> tuple[str, ...]:
    """The names a text @mentions outside code (fenced blocks and code spans), sorted, once
    each: what a message's readers count as written to an agent, when the name is one."""
    if "@" not in text:
        return ()
    return tuple(sorted(set(MENTION_RE.findall(_CODE.sub(" ", text)))))


def page_paths(text: str, folder: str | None) -> list[str]:
    """Every bucket path a text may link to a page of the site (`render` with `pages`), from the
    run of path characters before each ".md" or ".json" in it: the run as a link's target or
    inline code (as written, with its escapes `%2E` undone, and from the text's folder), and as
    a path in text, from each place in it such a path may start ("x-results/a.md"). Entities
    (`&#46;`) are undone first, as the engine does. Only the first `MAX_PAGE_FILES` file names
    count: a longer list is no message to read."""
    if "&" in text:
        sources = [text, html.unescape(text)]
    elif ".md" in text or ".json" in text:
        sources = [text]
    else:
        return []
    runs: set[str] = set()                # whole: a link's target, inline code
    in_text: set[str] = set()             # a path in text, from the bucket's top
    for source in sources:
        for end in (m.end() for m in islice(_PAGE_FILE_END.finditer(source), MAX_PAGE_FILES)):
            run = _PATH_CHARS.match(source[max(0, end - MAX_PAGE_PATH):end][::-1]).group(0)[::-1]
            runs.add(run)
            in_text.update(run[i + 1:] for i, c in enumerate(run)
                           if c in "+-~%_" and "/" in run[i + 1:])      # "_": emphasis
    runs |= {unquote(run) for run in runs}
    if folder is not None:
        runs |= {posixpath.normpath(posixpath.join(folder, run)) for run in runs}
    return sorted(runs | in_text)


def _page_among(paths: Collection[str], page_of: Callable[[str], str | None],
                path: str) -> str | None:
    return page_of(path) if path in paths else None


def _page_of(path: str, linker: Linker) -> str | None:
    """The site's page of the file at a bucket path: only a .md or .json file of path
    characters may have one (see `page_paths`)."""
    if len(path) > MAX_PAGE_PATH or not path.endswith((".md", ".json")):
        return None
    return linker.page_of(path) if _PATH_CHARS.fullmatch(path) else None


def _path_url(path: str, linker: Linker) -> str | None:
    """Where a bucket path in text leads: the site's page of the file, else a shared file's
    bytes or a shared folder's view (but for a pattern of paths:
    `artifacts/results/{name}_{agent}.json`, `artifacts/*.json`)."""
    if found := _page_of(path, linker):
        return found
    if path.startswith(_SHARED_FOLDERS) and not _PATTERN.search(path):
        folder = path.endswith("/") or "." not in path.rpartition("/")[2]
        return linker.file_view(path) if folder else linker.artifact_url(path)
    return None


def _names_shared(text: str) -> bool:
    return any(map(text.__contains__, _SHARED_FOLDERS))


def _code_url(code: str, linker: Linker, folder: str | None) -> str | None:
    """Where inline code that is a bucket path leads: as a path from the bucket's top, or, for a
    file with a page of the site, from the text's folder (`20260711-0830_ann.md` in a message
    names a message of its folder), or by its bare name (the linker's page of a file of that
    name, as a message's `refs` name results)."""
    if code.startswith("hf://"):
        return None if _PATTERN.search(code) else web_link(code)
    found = _path_url(code, linker) if "/" in code else None
    if found is None and folder is not None and _PATH_CHARS.fullmatch(code):
        found = _page_of(posixpath.normpath(posixpath.join(folder, code)), linker)
    if found is None and "/" not in code:
        found = _page_of(code, linker)
    return found


def _link_text(fragment: str, linker: Linker, folder: str | None = None) -> str:
    """@mentions and bucket paths in text become links; code, pre and links are left be, but
    for inline code that is exactly such a path (or the name of a file with a page of the
    site), which becomes a link as a whole. (The fragment split at its tags once: a match
    object per tag took half of the time.)"""
    parts = _TAG.split(fragment)         # its text, then per tag: "/" or "", name, attributes, text
    out = [_link_words(parts[0], linker)]
    inside = 0                                            # depth of a, code and pre
    at = 1
    while at < len(parts):
        closing, name, attributes, text = parts[at:at + 4]
        at += 4
        if (name, closing, attributes, inside) == ("code", "", "", 0) \
                and parts[at:at + 3] == ["/", "code", ""] and _PATH_CODE.fullmatch(text):
            url = _code_url(html.unescape(text), linker, folder)
            if url is not None:
                out += (_anchor(url, f"<code>{text}</code>"), _link_words(parts[at + 3], linker))
                at += 4
                continue
        if name.lower() in _NO_LINKS_INSIDE:
            inside = max(0, inside - 1) if closing else inside + 1
        out += (f"<{closing}{name}{attributes}>", text if inside else _link_words(text, linker))
    return "".join(out)


def _link_words(text: str, linker: Linker) -> str:
    if len(text) < 2:                     # no mention, path or location is shorter
        return text
    if "@" in text:
        text = MENTION_RE.sub(lambda m: _anchor(linker.agent_url(m.group(1)), m.group(0), "mention"), text)
    if _names_shared(text) or ".md" in text or ".json" in text:
        text = _PATH_RE.sub(lambda m: _anchor(_path_url(m.group(1), linker), m.group(0)), text)
    if "hf://" in text:
        text = _HF_RE.sub(lambda m: _anchor(web_link(m.group(0)), m.group(0)), text)
    return text


def _anchor(url: str | None, inner: str, css: str = "") -> str:
    if url is None:
        return inner
    cls = f'class="{css}" ' if css else ""
    return f'<a {cls}href="{html.escape(url)}">{inner}</a>'


@functools.cache
def _code_classes() -> frozenset[str]:
    languages = ("python", "py", "bash", "sh", "shell", "console", "json", "yaml", "toml", "text",
                 "diff", "c", "cpp", "cuda", "rust", "go", "javascript", "js", "typescript", "ts",
                 "html", "css", "sql", "markdown", "md", "ini", "csv", "txt")
    return frozenset(f"language-{lang}" for lang in languages)
