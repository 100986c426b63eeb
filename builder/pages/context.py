"""The context every section plans its pages from: the assembled collaboration, the config,
the URLs, rendered markdown bodies and the lookups several sections share, built once per build
and read-only afterwards."""
from __future__ import annotations

import functools
import hashlib
from collections import Counter
from dataclasses import dataclass, field, replace
from itertools import chain, groupby
from typing import Any, Callable, Collection, Iterator, Mapping, Sequence

from markupsafe import Markup

from builder import feeds
from builder import format as fmt
from builder.assemble import (conversations, messages_by_agent, messages_citing_taskforces,
                              messages_to_agent, result_refs, results_by_agent,
                              results_by_filename, taskforces_by_agent, traces_by_agent)
from builder.config import Config
from builder.cache import TextCache, digest_of, text_of, value_key
from builder.markdown import (ENGINE, Linker, MarkdownRenderer, excerpt_of_html, folder_of,
                              heading_of_html, page_paths, title_of_html)
from builder.model import Collab, Link, Message, RankedEntry, Result, Taskforce, Trace
from builder.pages.views import (ColumnFormat, Correspondent, Counted, DayGroup, MessageView,
                                 ResultRow, SplitDays, aligned_rows, archive_days, column_format,
                                 correspondents, day_anchor, drawn, message_view,
                                 result_row, telling_topic)
from builder.parallel import parallel_map
from builder.sparkline import Point, sparkline
from builder.transcript import LoadedTranscript
from builder.urls import Urls, origin_of


@dataclass(frozen=True)
class Site:
    """What the base template needs on every page (and nothing that changes every build)."""

    title: str
    tagline: str
    links: tuple[Link, ...]
    urls: Urls
    # Newest input, as text; set only on the page that shows it (`dated`) and when `stale` (the
    # banner on every page shows it then): it changes with every new message, and a page
    # should change only when what it shows does.
    data_as_of: str
    stale: bool                           # the Hub could not be reached: a previous copy is shown
    static_version: Mapping[str, str] = field(default_factory=dict)
    about: bool = False                   # the bucket has a README: the menu leads to /about/

    def static(self, name: str) -> str:
        version = self.static_version.get(name)
        return self.urls.static(name) + (f"?v={version}" if version else "")

    @functools.cached_property
    def href(self) -> Hrefs:
        """The addresses of the header, menu and footer, worked out once (not a field: a page
        key follows from the fields they are made of)."""
        return Hrefs.of(self.urls, self.static)


@dataclass(frozen=True)
class Hrefs:
    """The addresses every page links to, for the base template: calling the URL methods from
    it on each page took two fifths of a message page's rendering."""

    home: str
    results: str
    messages: str
    agents: str
    taskforces: str
    traces: str
    about: str
    search: str
    build_report: str
    leaderboard_json: str
    leaderboard_csv: str
    messages_feed: str
    results_feed: str
    records_feed: str
    favicon: str
    style: str
    visits: str
    keys: str
    menu: str

    @classmethod
    def of(cls, urls: Urls, static: Callable[[str], str]) -> Hrefs:
        return cls(home=urls.home(), results=urls.results(), messages=urls.messages(),
                   agents=urls.agents(), taskforces=urls.taskforces(), traces=urls.traces(),
                   about=urls.about(), search=urls.search(), build_report=urls.build_report(),
                   leaderboard_json=urls.file("leaderboard.json"),
                   leaderboard_csv=urls.file("leaderboard.csv"),
                   messages_feed=urls.file("feeds/messages.xml"),
                   results_feed=urls.file("feeds/results.xml"),
                   records_feed=urls.file("feeds/records.xml"), favicon=static("favicon.svg"),
                   style=static("style.css"), visits=static("visits.js"),
                   keys=static("keys.js"), menu=static("menu.js"))


@dataclass(frozen=True)
class Bodies:
    """Agent markdown rendered to sanitised HTML, by message, result and taskforce id, the
    bucket's README, and the plain text that previews and titles messages."""

    messages: Mapping[str, Markup]
    results: Mapping[str, Markup]
    previews: Mapping[str, str]          # by message id: the opening of its text, for listings
    openings: Mapping[str, str]          # by message id: its opening heading, or, for one without
                                         # a topic, its opening words: what titles it
    # By id, of the bodies that link to pages of the site: a digest of the pages they link to
    # (a page showing the body follows from them, as well as from the body's file).
    message_links: Mapping[str, str] = field(default_factory=dict)
    result_links: Mapping[str, str] = field(default_factory=dict)
    taskforces: Mapping[str, Markup] = field(default_factory=dict)    # their charters
    about: Markup | None = None          # the bucket's README


def linker_for(collab: Collab, urls: Urls) -> Linker:
    """@mentions link to agents that exist; artifacts/... paths to the bucket file; the paths
    of the files of messages, results, agents and taskforces' charters to their pages, and the
    bare name of a message's or result's file (as `refs` name them) to its page when no other
    file has that name."""
    known = frozenset(a.id for a in collab.agents)
    by_path: dict[str, tuple[Callable[[str], str], str]] = {}     # the URL is made when asked for
    by_name: dict[str, tuple[Callable[[str], str], str] | None] = {}
    for items, page, named in ((collab.messages, urls.message, True),
                               (collab.results, urls.result, True),
                               (collab.agents, urls.agent, False),
                               (collab.taskforces, urls.taskforce, False)):
        for x in (x for x in items if x.source_path):
            by_path[x.source_path] = (page, x.id)
            if named:
                name = x.source_path.rpartition("/")[2]
                by_name[name] = None if name in by_name else (page, x.id)

    def page_of(path: str) -> str | None:
        found = (by_path if "/" in path else by_name).get(path)
        return found[0](found[1]) if found else None

    return Linker(agent_url=lambda agent: urls.agent(agent) if agent in known else None,
                  artifact_url=urls.bucket_file, file_view=urls.bucket_view, page_of=page_of)


def render_bodies(collab: Collab, md: MarkdownRenderer, cache: TextCache | None = None,
                  salt: str = "") -> Bodies:
    """Every message, result, charter and README body through the markdown door, and the
    plain-text previews of the messages': from the cache when the same text was rendered with
    the same `salt` (see `body_salt`; read when a page first shows it), else on every core."""
    cache = cache if cache is not None else TextCache(None)
    described = (collab.readme,) if collab.readme else ()
    texts = ([m.body for m in collab.messages] + [r.body for r in collab.results]
             + [t.body for t in collab.taskforces] + [d.body for d in described])
    folders = [folder_of(x.source_path)
               for x in (*collab.messages, *collab.results, *collab.taskforces, *described)]
    paths = [page_paths(text, folder) for folder, text in zip(folders, texts)]
    links = [linked_pages(md.linker, found) for found in paths]
    keys = [digest_of(salt, "\0" if folder is None else folder, text, *linked)  # "" is the top
            for folder, text, linked in zip(folders, texts, links)]
    titles = len(texts) - 1 if described else None        # the README titles its page
    if titles is not None:
        keys[titles] += ":titles its page"
    markups = _cached(cache, keys, lambda i: str(md.render(texts[i], folders[i], pages=paths[i],
                                                           titled=i == titles)), Markup)
    split = len(collab.messages)
    topics = [bool(telling_topic(m)) for m in collab.messages]
    previews = _cached(cache, [f"{key}:preview" for key in keys[:split]],
                       lambda i: excerpt_of_html(markups[i], PREVIEW))
    # A telling topic titles its message unless the text opens with a heading: words the agent
    # chose to title it with, where a topic is a file name's slug ("kickoff", "results-fp8-kv").
    openings = _cached(cache, [f"{key}:{'heading' if topic else 'opening'}"
                               for key, topic in zip(keys, topics)],
                       lambda i: (heading_of_html if topics[i] else title_of_html)(markups[i], OPENING))
    ids = [m.id for m in collab.messages]
    result_ids = [r.id for r in collab.results]
    linking = {i: digest_of("links", *linked) for i, linked in enumerate(links) if linked}
    return Bodies(messages=ById(ids, markups, kept=feeds.messages_shown(collab.messages)),
                  results=ById(result_ids, markups, split),
                  taskforces=ById([t.id for t in collab.taskforces], markups,
                                  split + len(result_ids)),
                  about=markups[titles] if titles is not None else None,
                  previews=ById(ids, previews), openings=ById(ids, openings),
                  message_links={ids[i]: d for i, d in linking.items() if i < split},
                  result_links={result_ids[i - split]: d for i, d in linking.items()
                                if split <= i < split + len(result_ids)})


def linked_pages(linker: Linker, paths: Sequence[str]) -> list[str]:
    """"path url" of each of a text's `page_paths` that leads to a page of the site: what its
    rendering follows from besides the text."""
    return [f"{path} {url}" for path in paths if (url := linker.page_of(path))]


PREVIEW = 280          # characters of a message's preview in listings
OPENING = 90           # of the heading or opening words that title a message
CORRESPONDENTS = 5     # the agents an agent writes to most, or hears from most, that pages name
DESCRIPTION = 200      # characters of a page's description (link previews cut longer ones)
DESCRIPTION_SOURCE = 2 * DESCRIPTION     # of an excerpt that ends one (cut after a word there)


def _cached(cache: TextCache, keys: Sequence[str], make: Callable[[int], str],
            kind: Callable[[str], str] = str) -> CachedTexts:
    """The text of each key, as `kind`: made now (`make(its index)`) on every core where the
    cache has none, else read from the cache when first asked for. The cache keeps them all."""
    held = [cache.keep_as_is(key) for key in keys]
    missing = [i for i, raw in enumerate(held) if raw is None]
    texts: list[Any] = [None] * len(keys)
    for i, text in zip(missing, parallel_map(make, missing)):
        texts[i] = kind(text)
        cache.keep(keys[i], texts[i])         # the very object: one copy of each text
    return CachedTexts(texts, held, make, kind)


class CachedTexts(Sequence[Any]):
    """Texts by index: those made for this build, and those the cache held (`held`, as it
    holds them), read when first asked for: a run that renders a few pages reads the few texts
    they show. One that turns out damaged is made here: time, not a wrong text (see
    TextCache.keep_as_is for a file cut short)."""

    def __init__(self, texts: list[Any], held: list[str | None], make: Callable[[int], str],
                 kind: Callable[[str], Any]):
        self._texts, self._held, self._make, self._kind = texts, held, make, kind

    def __getitem__(self, index: int) -> Any:  # type: ignore[override]
        text = self._texts[index]
        if text is None:
            raw = self._held[index]
            found = text_of(raw) if raw is not None else None
            text = self._texts[index] = self._kind(found if found is not None else self._make(index))
            self._held[index] = None
        return text

    def __len__(self) -> int:
        return len(self._texts)

    def take(self, index: int) -> Any:
        """The text of `index`, let go of: asked for again, it is made again."""
        text = self[index]
        self._texts[index] = None
        return text


class ById(Mapping[str, Any]):
    """The texts of `texts` from index `start` on, by the ids of what they belong to. Given
    `kept`, the texts of the other ids are let go of once handed out (asked for again, they are
    made again): a message's body is shown by its page, planned once, and by the feeds of the
    messages `kept` names. At 100,000 messages, the bodies held to the end of the planning
    took about 100 MiB."""

    def __init__(self, ids: Sequence[str], texts: Sequence[Any], start: int = 0,
                 kept: Collection[str] | None = None):
        self._at = {id_: start + n for n, id_ in enumerate(ids)}
        self._texts = texts
        self._kept = kept if isinstance(texts, CachedTexts) else None

    def __getitem__(self, id_: str) -> Any:
        if self._kept is None or id_ in self._kept:
            return self._texts[self._at[id_]]
        return self._texts.take(self._at[id_])

    def __iter__(self) -> Iterator[str]:
        return iter(self._at)

    def __len__(self) -> int:
        return len(self._at)


def body_salt(collab: Collab, urls: Urls, image_hosts: Sequence[str], code: str) -> str:
    """Everything a rendered body depends on besides its text: the engine, the code, and what the
    linker and the image filter are given (which agents exist, the site's and bucket's URLs,
    the allowed image hosts)."""
    return digest_of(ENGINE, code, repr(urls), "\n".join(sorted(a.id for a in collab.agents)),
                     "\n".join(image_hosts))


Loader = Callable[[Trace], LoadedTranscript]   # a trace's log, read and parsed


@dataclass(frozen=True)
class SiteContext:
    collab: Collab
    config: Config
    urls: Urls
    site: Site
    md: MarkdownRenderer
    bodies: Bodies
    chart: Callable[[], Mapping[str, Any]]    # the home page's chart (waits until it is made)
    load_transcript: Loader                # the one I/O a section may do: a trace's log
    known_agents: frozenset[str]
    message_views: Mapping[str, MessageView]
    rows_by_result: Mapping[str, ResultRow]
    results_by_file: Mapping[str, Result]
    traces_by_result: Mapping[str, tuple[Trace, ...]]
    messages_about_result: Mapping[str, tuple[str, ...]]
    by_agent_results: Mapping[str, tuple[Result, ...]]
    by_agent_messages: Mapping[str, tuple[Message, ...]]
    to_agent_messages: Mapping[str, tuple[Message, ...]]   # others' mentions of it, answers to it
    conversations: Mapping[str, Mapping[str, int]]         # writer: {addressee: messages}
    by_agent_traces: Mapping[str, tuple[Trace, ...]]
    agent_history: Mapping[str, Markup]
    # What a section may digest to tell that a page shows what it showed before (fingerprint):
    # by id: readers.input_key of its file, and what its body links to (Bodies.message_links)
    message_keys: Mapping[str, str] = field(default_factory=dict)
    log_key: Callable[[Trace], str | None] = lambda trace: None     # readers.traces.log_key
    fingerprint_salt: str = ""            # what every page follows from (code, templates, site, config)
    home_style: str = ""                  # the style sheet the home page carries inline (render.py)
    by_agent_taskforces: Mapping[str, tuple[Taskforce, ...]] = field(default_factory=dict)
    taskforce_citations: Mapping[str, tuple[Message, ...]] = field(default_factory=dict)
    verdicts: bool = True                 # some result has a verdict (data.ScoreColumns.verification)
    columns: ColumnFormat = ColumnFormat()  # how tables write scores: a page with one follows from it
    _record_keys: dict = field(default_factory=dict, repr=False, compare=False)
    _agent_days: dict = field(default_factory=dict, repr=False, compare=False)

    def base_context(self, title: str, section: str, url: str, description: str = "", *,
                     dated: bool = False, article: bool = False, same_as: str | None = None,
                     noindex: bool = False) -> dict[str, Any]:
        """The base template's context for the page at `url`. `description`: what the page
        shows, in plain text made of the page's own content (its fingerprint must cover what
        it is made of), which link previews and search results show (the tagline when none);
        `dated` pages show when the data is from; an `article` is one item (a message, a
        result, a session), not a listing; a page that repeats another names it (`same_as`);
        one that search engines should not keep (`noindex`) names no address of its own."""
        site = self.site
        if dated and self.collab.data_as_of and not site.data_as_of:
            site = replace(site, data_as_of=fmt.when(self.collab.data_as_of))
        address = "" if noindex else self.absolute(same_as or url)
        return {"site": site, "page_title": title, "section": section,
                "description": fmt.clipped(description or site.tagline or site.title, DESCRIPTION),
                "canonical": self.canonical(same_as) if same_as and not noindex else address,
                "og_url": address, "og_type": "article" if article else "website",
                "noindex": noindex, "inline_style": "", "og_image": None}

    def fingerprint(self, *parts: str) -> str:
        """A page's fingerprint: a digest of everything its context follows from, `parts` (a
        section's digests of the page's own inputs) with what all pages follow from."""
        return hashlib.sha256(repr((self.fingerprint_salt, parts)).encode()).hexdigest()

    def record_key(self, record: object) -> str | None:
        """A digest of a record's values (None when they cannot be pickled), worked out once
        per record per build (the record is kept with it, so its id stays its own)."""
        found = self._record_keys.get(id(record))
        if found is None:
            found = self._record_keys[id(record)] = (record, value_key("record", record))
        return found[1]

    def linked_markdown(self, text: str, folder: str | None, **options: Any) -> Markup:
        """Agent text of a page (an agent's bio, a trace's notes) through the door, the bucket
        paths it cites linked to their pages; its page's fingerprint takes `links_key`."""
        return self.md.render(text, folder, pages=page_paths(text, folder), **options)

    def links_key(self, text: str, folder: str | None) -> str:
        """What `linked_markdown` of the text follows from besides the text."""
        return "\n".join(linked_pages(self.md.linker, page_paths(text, folder)))

    def cited_key(self, paths: Sequence[str]) -> str:
        """A digest of where these bucket paths (a transcript's `page_paths`) lead now."""
        return digest_of("cited", *linked_pages(self.md.linker, paths))

    def canonical(self, url: str) -> str:
        """The address search engines should keep for a page reachable by two URLs (absolute
        when the site's base URL names a host)."""
        return origin_of(self.config.site.base_url) + url

    def absolute(self, url: str) -> str:
        """The page's address with the site's host, "" when the base URL names none (a link
        preview and a search engine need the host: a path alone says nothing to them)."""
        origin = origin_of(self.config.site.base_url)
        return origin + url if origin else ""

    def agent_url(self, agent: str) -> str:
        return self.urls.agent(agent)

    def known_agent_url(self, agent: str) -> str:
        """The agent's page when the agent is known, else "" (no dead links)."""
        return self.urls.agent(agent) if agent in self.known_agents else ""

    def row(self, entry: RankedEntry) -> ResultRow:
        """The table row of a ranked entry (its rank and record flag as this view ranks it)."""
        base = self.rows_by_result[entry.result.id]
        if base.rank == entry.rank and base.is_record == entry.is_record:
            return base
        return self._row(entry.result, entry)

    def plain_rows(self, results: Sequence[Result]) -> list[ResultRow]:
        """The rows of a table of these results, as every table writes their scores."""
        return self.table([self.rows_by_result[r.id] for r in results])

    def table(self, rows: Sequence[ResultRow]) -> list[ResultRow]:
        """The rows as a table shows them: scores written with the decimals of `columns`."""
        return aligned_rows(rows, self.columns)

    def score_in_column(self, row: ResultRow) -> str:
        """The row's score as tables write it, for a column whose head names the unit (the
        roster's best scores): "463.30" above "98.70"."""
        return aligned_rows([row], self.columns)[0].score_cell

    def writes_to(self, agent: str) -> tuple[Correspondent, ...]:
        """The agents `agent` wrote to most."""
        return correspondents(self.conversations.get(agent, {}), self.urls.agent, CORRESPONDENTS)

    def agent_days(self, agent: str) -> tuple[Counted, ...]:
        """The days of the agent's messages, each where its listing ("Messages by") lists it."""
        return self._days_drawn(agent)[0]

    def agent_activity(self, agent: str) -> Markup:
        """The agent's messages per day, as bars (views.drawn of its days)."""
        return self._days_drawn(agent)[1]

    def _days_drawn(self, agent: str) -> tuple[tuple[Counted, ...], Markup]:
        """The agent's days and their bars, worked out once per build: its listing, its page
        and their fingerprints show them."""
        found = self._agent_days.get(agent)
        if found is None:
            days = archive_days(self.by_agent_messages.get(agent, ()),
                                functools.partial(self.urls.messages_by_agent, agent),
                                self.config.limits.messages_per_page)
            found = self._agent_days[agent] = (days, drawn(days))
        return found

    def heard_from(self, agent: str) -> tuple[Correspondent, ...]:
        """The agents that wrote to `agent` most."""
        writers = Counter(m.agent for m in self.to_agent_messages.get(agent, ()))
        return correspondents(writers, self.urls.agent, CORRESPONDENTS)

    def day_groups(self, messages: Sequence[Message],
                   split: SplitDays = SplitDays()) -> list[DayGroup]:
        """Messages newest first, by day. A day's first group takes its anchor (a message
        dated out of its file name's order can make a second group of the same day); the
        first and the last group say where their days go on (`split`)."""
        views = [self.message_views[m.id] for m in sorted(messages, key=lambda m: m.id, reverse=True)]
        groups, seen = [], set()
        for day, group in groupby(views, key=lambda v: v.day):
            shown = tuple(group)
            anchor = day_anchor(shown[0].iso_day)
            groups.append(DayGroup(day, shown, "" if anchor in seen else anchor))
            seen.add(anchor)
        if groups:
            groups[0] = replace(groups[0], newer_url=split.newer_url)
            groups[-1] = replace(groups[-1], older_url=split.older_url)
        return groups

    def _row(self, r: Result, entry: RankedEntry | None) -> ResultRow:
        return result_row(r, entry, self.config.metric, self.urls, self.known_agent_url(r.agent),
                          self.traces_by_result.get(r.id, ()))


class LazyViews(Mapping[str, MessageView]):
    """Every message's view by id, each made when first asked for: a run that takes most pages
    from the cache by their fingerprints needs a few of the views, not every one."""

    def __init__(self, messages: Mapping[str, Message], make: Callable[[Message], MessageView]):
        self._messages = messages
        self._make = make
        self._made: dict[str, MessageView] = {}

    def __getitem__(self, message_id: str) -> MessageView:
        view = self._made.get(message_id)
        if view is None:
            view = self._made[message_id] = self._make(self._messages[message_id])
        return view

    def __iter__(self) -> Iterator[str]:
        return iter(self._messages)

    def __len__(self) -> int:
        return len(self._messages)


def make_context(collab: Collab, config: Config, urls: Urls, site: Site, md: MarkdownRenderer,
                 bodies: Bodies, chart: Callable[[], Mapping[str, Any]], load_transcript: Loader,
                 input_keys: Mapping[str, str] | None = None, fingerprint_salt: str = "",
                 log_key: Callable[[Trace], str | None] = lambda trace: None,
                 home_style: str = "") -> SiteContext:
    known = frozenset(a.id for a in collab.agents)
    by_file = results_by_filename(collab.results)
    traces_by_result = _traces_by_result(collab.traces, by_file)
    ranked = {e.result.id: e for e in collab.leaderboard.all}
    by_agent_results = results_by_agent(collab)
    to_agent = messages_to_agent(collab)

    def agent_link(agent: str) -> str:
        return urls.agent(agent) if agent in known else ""

    rows = {r.id: result_row(r, ranked.get(r.id), config.metric, urls, agent_link(r.agent),
                             traces_by_result.get(r.id, ()))
            for r in _listed_results(collab).values()}
    return SiteContext(
        collab=collab, config=config, urls=urls, site=site, md=md, bodies=bodies, chart=chart,
        load_transcript=load_transcript, known_agents=known,
        message_views=LazyViews({m.id: m for m in collab.messages},
                                lambda m: message_view(m, urls, urls.agent(m.agent), bodies.previews[m.id],
                                                       bodies.openings.get(m.id, ""))),
        rows_by_result=rows, results_by_file=by_file, traces_by_result=traces_by_result,
        messages_about_result=_messages_about_results(collab.messages, by_file),
        by_agent_results=by_agent_results, by_agent_messages=messages_by_agent(collab),
        to_agent_messages=to_agent, conversations=conversations(to_agent),
        by_agent_traces=traces_by_agent(collab),
        agent_history={agent: sparkline(score_history(results, ranked, rows, config.metric.unit),
                                        collab.leaderboard.direction)
                       for agent, results in by_agent_results.items()},
        message_keys={m.id: key + bodies.message_links.get(m.id, "") for m in collab.messages
                      if (key := (input_keys or {}).get(m.source_path))},
        fingerprint_salt=fingerprint_salt, log_key=log_key, home_style=home_style,
        by_agent_taskforces=taskforces_by_agent(collab),
        taskforce_citations=messages_citing_taskforces(collab, config.paths.taskforces),
        verdicts=any(row.verification for row in rows.values()), columns=column_format(rows.values()))


def score_history(results: Sequence[Result], ranked: Mapping[str, RankedEntry],
                  rows: Mapping[str, ResultRow], unit: str) -> list[Point]:
    """An agent's ranked, dated results, oldest first, as the points of its score history."""
    shown = sorted((r for r in results if r.timestamp and r.score is not None and r.id in ranked),
                   key=lambda r: fmt.utc(r.timestamp))
    return [Point(r.timestamp, r.score, fmt.score(r.score),
                  f"{fmt.with_unit(rows[r.id].score_text, unit)} on {fmt.when(r.timestamp)}",
                  fmt.iso_day(r.timestamp), fmt.clock(r.timestamp))
            for r in shown]


def _listed_results(collab: Collab) -> dict[str, Result]:
    """Every result a table may list, by id: the bucket's, and the fallback baseline's when
    shown (most are both the bucket's and the leaderboard's: each gets one row)."""
    lb = collab.leaderboard
    return {r.id: r for r in chain(collab.results, (e.result for e in lb.best + lb.all), lb.baselines)}


def _messages_about_results(messages: Sequence[Message], by_file) -> dict[str, tuple[str, ...]]:
    about: dict[str, list[str]] = {}
    for m in messages:
        for r in result_refs(m, by_file):
            about.setdefault(r.id, []).append(m.id)
    return {k: tuple(v) for k, v in about.items()}


def _traces_by_result(traces: Sequence[Trace], by_file) -> dict[str, tuple[Trace, ...]]:
    """The shared sessions whose manifest's result_ref names a result (by file name)."""
    out: dict[str, list[Trace]] = {}
    for t in traces:
        if not t.result_ref:
            continue
        r = by_file.get(t.result_ref) or by_file.get(t.result_ref.removesuffix(".md"))
        if r is not None:
            out.setdefault(r.id, []).append(t)
    return {k: tuple(v) for k, v in out.items()}
