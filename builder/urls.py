"""The one place that computes URLs and the output files they map to.

Every page URL ends in "/" and is written as `<path>/index.html`; `Urls.file_for(url)` gives the
output path. All ids from the bucket pass through `slugify` here, so a hostile id can never
name a path outside the site or break out of an attribute.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import SplitResult, quote, urlencode, urlparse, urlsplit

from builder.slugs import looks_slugged, slugify

# The id of a bucket or a Space on the Hub, and an hf:// location naming a bucket (`source.location`
# naming any other is a folder; a path may follow the bucket in other locations)
REPO_ID = r"[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*"
BUCKET_LOCATION = re.compile(rf"hf://buckets/({REPO_ID})/?")

# The collaboration's folders of shared files in its bucket; any other folder an agent's result
# names (`submissions/…`, a run's `results/<run>/`) is in the agent's own bucket.
SHARED_FOLDERS = ("artifacts/", "shared_resources/", "taskforces/")

# A message id a card's anchor shows as written (the anchors links were made to); other ids are
# slugged, which a kept one can never equal (a slug that differs from its name ends in a hash).
_ANCHOR_AS_WRITTEN = re.compile(r"[A-Za-z0-9._-]+")


@dataclass(frozen=True)
class Urls:
    base: str = "/"                       # site prefix, e.g. "/" or "/collab/"
    bucket_web: str = ""                  # e.g. https://huggingface.co/buckets/org/name

    def _page(self, *parts: str) -> str:
        inner = "/".join(p.strip("/") for p in parts if p)
        return self.base.rstrip("/") + "/" + (inner + "/" if inner else "")

    def home(self) -> str:
        return self._page()

    def static(self, name: str) -> str:
        return self.base.rstrip("/") + "/static/" + name

    def file(self, name: str) -> str:
        """A top-level file of the site (leaderboard.json, feeds/messages.xml, ...)."""
        return self.base.rstrip("/") + "/" + name

    # messages
    def messages(self, page: int | None = None) -> str:
        return self._page("messages", f"page/{page}" if page else "")

    def message(self, message_id: str) -> str:
        return self._page("messages", slugify(message_id))

    def message_replies(self, message_id: str, page: int | None = None) -> str:
        """A message's replies: its own page shows the newest, numbered pages all of them from
        the oldest."""
        if not page:
            return self.message(message_id)
        return self._page("messages", slugify(message_id), "replies", f"page/{page}")

    def message_anchor(self, message_id: str) -> str:
        """The id of a message's card on a listing page: links to it end in "#" + this."""
        kept = _ANCHOR_AS_WRITTEN.fullmatch(message_id) and not looks_slugged(message_id)
        return "message-" + (message_id if kept else slugify(message_id))

    def messages_by_agent(self, agent: str, page: int | None = None) -> str:
        return self._page("messages/agent", slugify(agent), f"page/{page}" if page else "")

    def messages_to_agent(self, agent: str, page: int | None = None) -> str:
        return self._page("messages/to", slugify(agent), f"page/{page}" if page else "")

    def messages_by_type(self, kind: str, page: int | None = None) -> str:
        return self._page("messages/type", slugify(kind), f"page/{page}" if page else "")

    # agents, taskforces, results
    def agents(self) -> str:
        return self._page("agents")

    def agent(self, agent_id: str) -> str:
        return self._page("agents", slugify(agent_id))

    def agent_results(self, agent_id: str, page: int | None = None) -> str:
        """Every result of an agent, when its page shows only the newest."""
        return self._page("agents", slugify(agent_id), "results", f"page/{page}" if page else "")

    def agent_feed(self, agent_id: str) -> str:
        """The Atom feed of an agent's messages and results."""
        return self.file(f"feeds/agents/{slugify(agent_id)}.xml")

    def taskforces(self) -> str:
        return self._page("taskforces")

    def taskforce(self, taskforce_id: str) -> str:
        return self._page("taskforces", slugify(taskforce_id))

    def results(self, page: int | None = None) -> str:
        return self._page("results", f"page/{page}" if page else "")

    def result(self, result_id: str) -> str:
        return self._page("results", slugify(result_id))

    def result_anchor(self, result_id: str) -> str:
        """The id of a result's row in a table: links to it end in "#" + this."""
        return "r-" + slugify(result_id)

    def leaderboard_filtered(self, words: str) -> str:
        """The leaderboard's view of every ranked result, filtered by `words` (table.js)."""
        return self.home() + "?" + urlencode({"view": "all", "q": words}) + "#lb-title"

    def leaderboard_row(self, result_id: str) -> str:
        """A result's row on the leaderboard (in the view or the table apart that lists it)."""
        return self.home() + "#" + self.result_anchor(result_id)

    # traces
    def traces(self, page: int | None = None) -> str:
        return self._page("traces", f"page/{page}" if page else "")

    def trace(self, agent: str, session: str, page: int | None = None) -> str:
        return self._page("traces", slugify(agent), slugify(session),
                          f"page/{page}" if page and page > 1 else "")

    # for search engines
    def sitemap(self) -> str:
        """The sitemap index (search engines also find it in robots.txt)."""
        return self.file("sitemap.xml")

    def sitemap_part(self, name: str) -> str:
        """A sitemap the index lists: "pages", "messages-1", ..."""
        return self.file(f"sitemaps/{slugify(name)}.xml")

    def robots(self) -> str:
        return self.file("robots.txt")

    def build_report(self) -> str:
        return self._page("build")

    def about(self) -> str:
        """The collaboration's own description (the bucket's README)."""
        return self._page("about")

    # search (the page, and the index the build writes beside it)
    def search(self) -> str:
        return self._page("search")

    def search_for(self, **fields: str) -> str:
        """The search page running a search: words (`q`) and filters (`kind`, `agent`, `type`,
        `from`, `to`, `sort`, as search.js reads them; `from` is `from_`)."""
        query = {name.rstrip("_"): value for name, value in fields.items() if value}
        return self.search() + ("?" + urlencode(query) if query else "")

    def search_bundle(self) -> str:
        """The folder of the search index and its runtime (ends in "/")."""
        return self._page("pagefind")

    # the bucket on the Hub
    def bucket_file(self, path: str) -> str | None:
        """Raw bytes of a bucket file on the Hub (None when the bucket has no web address)."""
        if not self.bucket_web:
            return None
        return f"{self.bucket_web}/resolve/{quote(path.lstrip('/'))}"

    def bucket_view(self, path: str) -> str | None:
        """The Hub's own viewer for a bucket path (folders, markdown previews, trace viewer)."""
        if not self.bucket_web:
            return None
        return f"{self.bucket_web}/tree/{quote(path.strip('/'))}"

    def artifact(self, path: str, own_bucket: str = "") -> str | None:
        """Where an entry of a result's `artifacts` leads: a URL or hf:// location to its page, a
        path in the shared folders to this bucket's view of it, any other path to the view of
        the agent's own bucket (`own_bucket`, ORG/NAME) when the result names it: this bucket has
        no `submissions/` (a link there found nothing). Else this bucket's view, as written."""
        if link := web_link(path):
            return link
        relative = path.strip().lstrip("/")
        if own_bucket and not relative.startswith(SHARED_FOLDERS):
            return hub_page(f"buckets/{own_bucket}/{relative}")
        return self.bucket_view(path)

    def file_for(self, url: str) -> str:
        """Output path (relative to the site folder) of a page or file URL made by this class."""
        rel = url[len(self.base.rstrip("/")):].lstrip("/")
        if rel == "" or rel.endswith("/"):
            return rel + "index.html"
        return rel


def bucket_web_url(location: str, configured: str) -> str:
    """Web address of the bucket: configured, or derived from hf://buckets/ORG/NAME."""
    if configured:
        return configured.rstrip("/")
    if location.startswith("hf://buckets/"):
        return "https://huggingface.co/buckets/" + location.removeprefix("hf://buckets/").strip("/")
    return ""


def url_parts(url: str) -> SplitResult | None:
    """The parts of a URL, or None for one that cannot be read ("http://[x", a broken IPv6
    host: urlsplit raises)."""
    try:
        return urlsplit(url.strip())
    except ValueError:
        return None


def web_link(url: str) -> str | None:
    """A link a browser can open: http(s) as is, hf:// paths to their page on the Hub, anything
    else (javascript:, file:, relative paths, what cannot be read) None."""
    if url_parts(url) is None:
        return None
    if url.startswith(("http://", "https://")):
        return url
    if url.startswith("hf://"):
        return hub_page(url.removeprefix("hf://"))
    return None


def bucket_named(location: str) -> str:
    """The ORG/NAME of the bucket an hf://buckets/ location names ("" for any other)."""
    found = BUCKET_LOCATION.match(location)
    return found.group(1) if found else ""


def hub_page(location: str) -> str:
    """The Hub's page of an hf:// location (without "hf://"): a bucket's path opens in its
    tree view (`buckets/ORG/NAME/tree/PATH`), a repo's at its revision (`[datasets/|spaces/]
    ORG/NAME[@REV]/PATH` -> `.../tree/REV/PATH`, `main` when none is given)."""
    kind = next((k for k in ("buckets/", "datasets/", "spaces/") if location.startswith(k)), "")
    parts = location.removeprefix(kind).split("/", 2)
    if len(parts) < 2 or not parts[0] or not parts[1]:
        return "https://huggingface.co/" + location
    name, _, revision = parts[1].partition("@")
    path = quote(parts[2], safe="/@+~") if len(parts) > 2 else ""
    page = f"https://huggingface.co/{kind}{parts[0]}/{name}"
    if kind == "buckets/":
        return page + (f"/tree/{path}" if path else "")
    if not (path or revision):
        return page
    return f"{page}/tree/{quote(revision, safe='') or 'main'}" + (f"/{path}" if path else "")


def hf_user_url(handle: str) -> str | None:
    """A Hub user's profile, for handles made only of the characters Hub names use."""
    if handle and all(ch.isalnum() or ch in "-_." for ch in handle):
        return f"https://huggingface.co/{handle}"
    return None


def origin_of(base_url: str) -> str:
    """"https://x.hf.space/sub/" -> "https://x.hf.space"; "" when base_url has no host."""
    parts = urlparse(base_url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") and parts.netloc else ""


def base_path(base_url: str) -> str:
    """"https://x.hf.space/sub/" -> "/sub/"; "/" stays "/"."""
    path = urlparse(base_url).path or "/"
    return path if path.endswith("/") else path + "/"


# Atom ids must be permanent, unique IRIs. A site with a host has them: its pages' absolute URLs.
# One without gets tag URIs (RFC 4151) naming its collaboration under a fixed date: a date taken
# from the build (its clock, the earliest input) could change, and every id with it.
ATOM_TAG_DATE = "2026"
# Reserved for names that must never resolve (RFC 2606): nobody else can mint tags under it.
UNOWNED_AUTHORITY = "collab-site.invalid"
_TAG_SPECIFIC_SAFE = "/-._~!$&'()*+,;=:@"


def atom_tag(bucket_web: str, space_id: str, title: str) -> str:
    """The start of a host-less site's Atom ids: "tag:<host>,<date>:<path>/" of the bucket's
    web address (unique on the Hub), else of the Space it is published to, else the
    collaboration's title under an authority nobody owns."""
    parts = url_parts(bucket_web)
    if parts and parts.hostname and parts.path.strip("/"):
        return _tag(parts.hostname, parts.path)
    if space_id.strip("/"):
        return _tag("huggingface.co", "spaces/" + space_id)
    return _tag(UNOWNED_AUTHORITY, slugify(title))


def _tag(authority: str, path: str) -> str:
    return f"tag:{authority},{ATOM_TAG_DATE}:{quote(path.strip('/'), safe=_TAG_SPECIFIC_SAFE)}/"


def atom_id(url: str, base_url: str, tag: str) -> str:
    """The Atom id of a page or file `url` made by Urls (a fragment may follow): its absolute
    URL when the site has a host (the ids its feeds always had), else `tag` and the URL's path
    under the site's base path (moving the site does not change it)."""
    origin = origin_of(base_url)
    if origin:
        return origin + url
    return tag + url.removeprefix(base_path(base_url)).lstrip("/")
