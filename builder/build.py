"""build(config, out) -> BuildReport. Reads like the table of contents of the pipeline:
source -> read -> assemble -> plan -> render -> write.

Nothing here reads the wall clock: the same inputs give the same bytes, whenever built."""
from __future__ import annotations

import hashlib
import re
import time
from dataclasses import dataclass, replace
from functools import partial
from importlib.metadata import version
from pathlib import Path
from typing import Any, Callable, Mapping

from jinja2 import Environment

from builder import chart_runtime
from builder import format as fmt
from builder import restore
from builder.assemble import assemble, leaderboard_of, ranked_results
from builder.cache import PageCache, RenderCache, TextCache, close_handles, digest_of, value_key
from builder.chart_cache import ChartApart, chart_view, start_chart
from builder.config import Config
from builder.emit import Emitter, emit_all, indexed_parts
from builder.finished import FinishedPages
from builder.markdown import MarkdownRenderer
from builder.model import (NOTE, PROBLEM, Collab, Level, Problem, at_level, by_level,
                           levels_counted)
from builder.pages import build_report
from builder.pages.context import (Site, SiteContext, body_salt, linker_for, make_context,
                                   render_bodies)
from builder.pages.spec import PageSpec
from builder.parallel import (Running, WorkerError, background, collect, finished,
                              give_back_free_memory, start, worker_count)
from builder.planning import batch_scale, cheap_in_process, planned, planned_ahead
from builder.readers import read_inputs, read_results
from builder.readers.traces import load_transcript, log_key
from builder.render import (THEME, CompiledTemplates, content_security_policy, fingerprint,
                            inline_stylesheet, make_environment, static_files,
                            theme_override_files)
from builder.search import SearchIndex
from builder.sources import Bucket, FileStates, empty_bucket, file_states
from builder.sources.local import open_local
from builder.urls import Urls, base_path, bucket_web_url
from builder.write import (MANIFEST, Entry, KeptSite, OutputRefused, WriteReport, begin, commit,
                           look_over, manifest_bytes, site_at)

Log = Callable[[str], None]


@dataclass(frozen=True)
class BuildReport:
    out: Path
    pages: int
    files: int
    problems: tuple[Problem, ...]
    written: WriteReport
    seconds: float
    source_note: str
    counts: Mapping[str, int]
    rendered: int = 0                    # pages rendered by templates (the rest came from the cache)
    restored: int = 0                    # files of the last site the output folder started with


def build(config: Config, out: Path, log: Log = print) -> BuildReport:
    started = time.perf_counter()
    last = site_at_output(config, Path(out))
    restoring = restore.start(config.render_cache_dir(), config_key(config), Path(out))
    files = RenderCache(config.render_cache_dir())
    source = open_source(config, log)
    digest = input_digest(source, config)
    if last is None and restore.restores_whole(config.render_cache_dir(), config_key(config),
                                               digest):
        restoring, last = restored_site(restoring, Path(out))
    if last is not None and last.get("input") == digest:
        restored = restore.finish(restoring)
        how = "restored from the render caches" if restored else "left as it is"
        log(f"nothing changed since the last build of {out}: site {how} "
            f"({time.perf_counter() - started:.2f}s)")
        return unchanged_report(Path(out), last, time.perf_counter() - started,
                                source.bucket.note, restored)
    looking = look_over_later(Path(out)) if restoring is None else None
    caches = Caches.open(config.render_cache_dir(), files)     # not read when nothing changed
    theme = static_files(config.theme_path())
    code = code_digest(config.theme_path())
    compiled = CompiledTemplates(caches.files, code)
    env = make_environment(content_security_policy(config.site.image_hosts), config.theme_path(),
                           compiled)
    compiled.keep_current(env)
    pages = render_collaboration(config, source, caches, env, theme, code,
                                 Output(Path(out), restoring, looking))
    give_back_free_memory()                   # what the collaboration took, before the search index
    site = site_files(pages, theme)
    cached = cache_pages(pages)
    manifest = manifest_bytes({p: e.digest for p, e in site.entries.items()}, pages.counts,
                              input_digest=digest,
                              problems=problem_rows(pages.problems, PROBLEM),
                              notes=problem_rows(pages.problems, NOTE),
                              base=base_path(config.site.base_url))
    written = commit(pages.emitter.staging, site.entries, manifest)
    caches.save()
    restore.remember(config.render_cache_dir(), config_key(config), cached,
                     pages.emitter.search.bundles, manifest)
    report = BuildReport(out=Path(out), pages=site.pages, files=len(site.entries) + 1,
                         problems=pages.problems, written=written,
                         seconds=time.perf_counter() - started, source_note=source.bucket.note,
                         counts=pages.counts, rendered=site.rendered, restored=pages.restored)
    log_summary(report, log)
    return report


def restored_site(restoring: Running | None, out: Path) -> tuple[Running, Mapping[str, Any] | None]:
    """The last site, restored at `out` from the caches (waited for): the restore, done, and
    the site's manifest (the last build's when every file of it was restored)."""
    restored = restore.finish(restoring)
    return Running(done=[restored]), site_at(out) if restored else None


def input_digest(source: Source, config: Config) -> str:
    """What the site is made from: every bucket file's path, size and mtime, the config, the
    code and theme, and how the source was obtained. Equal digests give byte-equal sites (but
    for the build time), so the build can stop early. Any path and any file state hash."""
    bucket, h = source.bucket, hashlib.sha256()
    h.update(repr((config, bucket.as_of, bucket.files == (), source.problems, bucket.skipped,
                   bucket.hidden)).encode("utf-8", "backslashreplace"))
    for path in bucket.files:
        state = source.states.of.get(path, "not looked at")
        text = f"{state[0]}\0{state[1]}" if isinstance(state, tuple) else state
        h.update(f"{path}\0{text}\n".encode("utf-8", "surrogatepass"))
    for name, code in code_files(config.theme_path()):
        h.update(name.encode() + hashlib.sha256(code.read_bytes()).digest())
    return h.hexdigest()


def code_files(theme_dir: Path | None = None) -> list[tuple[str, Path]]:
    """(name, path) of each file of the code and theme, in order of name. The name is the path
    below the package, or below the theme folder for an organizer's theme: where the checkout
    lies changes no page, so a checkout moved elsewhere (or a second one) keeps the caches."""
    package = Path(__file__).resolve().parent
    code = [p for p in (*package.rglob("*.py"), *THEME.rglob("*")) if p.is_file()]
    named = [(p.relative_to(package).as_posix(), p) for p in code]
    if theme_dir is not None:
        named += [(f"theme_dir/{p.relative_to(theme_dir).as_posix()}", p)
                  for p in theme_override_files(theme_dir)]
    return sorted(named)


def site_at_output(config: Config, out: Path) -> Mapping[str, Any] | None:
    """The manifest of the site a build left at `out` (None: nothing there yet), once it is
    sure that the build may write there: not into the bucket folder (nor a folder in it), the
    config file's folder or the current folder, nor a folder holding one of them, nor over
    files no collab-site build wrote (write.site_at). Raises OutputRefused, saying why."""
    where = out.resolve()
    guarded = [("the config file's folder", config.root, False),
               ("the current folder", Path.cwd(), False)]
    if not config.source_is_hub():
        guarded.insert(0, ("the bucket folder the site is built from", config.source_dir(), True))
    for what, folder, nor_inside in guarded:
        how = ("it is" if where == folder else "it holds" if folder.is_relative_to(where)
               else "it is inside" if nor_inside and where.is_relative_to(folder) else "")
        if how:
            raise OutputRefused(f"refusing to build into {out}: {how} {what} ({folder}); "
                                f"choose another --out")
    return site_at(out)


def unchanged_report(out: Path, manifest: Mapping[str, Any], seconds: float,
                     note: str, restored: int = 0) -> BuildReport:
    """`restored`: the files the output folder got from the render caches (0: it held the site)."""
    problems = tuple(Problem(path, reason, level)
                     for level, key in ((PROBLEM, "problems"), (NOTE, "notes"))
                     for path, reason in manifest.get(key, []))
    return BuildReport(out=out, pages=0, files=len(manifest.get("files", {})), problems=problems,
                       written=WriteReport((), len(manifest.get("files", {})), ()),
                       seconds=seconds, source_note=note, counts=manifest.get("counts", {}),
                       restored=restored)


@dataclass(frozen=True)
class Source:
    """The bucket the build reads, what went wrong getting it (the problems the site shows),
    and the state of each of its files, looked at once."""

    bucket: Bucket
    states: FileStates
    problems: tuple[Problem, ...] = ()

    @classmethod
    def of(cls, bucket: Bucket, problems: tuple[Problem, ...] = ()) -> Source:
        return cls(bucket, file_states(bucket), problems)


def open_source(config: Config, log: Log) -> Source:
    """The bucket as a folder on disk. A Hub that cannot be reached and has no mirror yields an
    empty bucket (so the site shows the fallback baseline), never a crash."""
    if config.source_is_hub():
        from builder.sources.hub import HubUnavailable, open_hub_bucket
        bucket_id = config.source.location.removeprefix("hf://buckets/").strip("/")
        try:
            return Source.of(open_hub_bucket(bucket_id, config.cache_dir(), token=None, log=log,
                                             rate_limit_wait=config.hub.rate_limit_wait))
        except HubUnavailable as exc:
            log(f"source: {exc}; showing the fallback baseline")
            return Source.of(empty_bucket(str(exc)), (Problem(config.source.location, str(exc)),))
    try:
        return Source.of(open_local(config.source_dir()))
    except FileNotFoundError as exc:
        reason = f"{exc}: {_where_a_bucket_is(config.source.location)}"
        log(f"source: {reason}; showing the fallback baseline")
        return Source.of(empty_bucket(reason), (Problem(config.source.location, reason),))


def _where_a_bucket_is(location: str) -> str:
    """What to write instead of a bucket folder that is not there; "org/name" may be meant as
    the bucket of that name on the Hub."""
    hub = (f"hf://buckets/{location}" if re.fullmatch(r"[\w.-]+/[\w.-]+", location)
           else "hf://buckets/ORG/NAME")
    return (f"set [source] location (or --source, COLLAB_SOURCE) to the bucket's folder, or to "
            f"{hub} for a bucket on the Hub")


@dataclass(frozen=True)
class Output:
    """Where the site goes: the last site's restoring there when it had no folder yet, else
    the look over the site it holds."""

    folder: Path
    restoring: Running | None = None
    looking: Running | None = None

    def busy(self) -> bool:
        """Whether the restoring or the look over is still going on."""
        return not (finished(self.restoring) and finished(self.looking))


def look_over_later(out: Path) -> Running | None:
    """The site kept at `out`, looked over on another core while the build reads the bucket
    (write.look_over; collected by `begin`)."""
    return background(partial(look_over, out)) if (out / MANIFEST).is_file() else None


def kept_site(looking: Running | None) -> KeptSite | None:
    """What the look over found (None: the build looks at each file as it stages it)."""
    try:
        return collect(looking)[0] if looking else None
    except WorkerError:
        return None


def render_collaboration(config: Config, source: Source, caches: Caches, env: Environment,
                         theme: Mapping[str, bytes], code: str, output: Output) -> RenderedPages:
    """Read and assemble the collaboration, then render every page of it into the output
    folder, once the last site is restored there. The collaboration, its rendered bodies and the
    site context live in this function only: they are gone before the search index, the build's
    other large step, is made (at 100,000 messages they take several hundred MiB)."""
    bucket, salt = source.bucket, digest_of(code, repr(config))
    started = chart_from_results(source, config, caches, code, salt)
    inputs = read_inputs(bucket, config, cache=caches.inputs, salt=salt, states=source.states)
    caches.inputs.save()                      # written now, so the cache lets go of the texts
    give_back_free_memory()                   # the texts', before workers are forked
    collab = _with_problems(assemble(inputs, config, stale=bucket.as_of is not None), source.problems)
    chart = chart_view(collab, config, caches.files, code, started)
    urls, salt = site_urls(config), page_salt(env, code)
    ctx = site_context(collab, config, bucket, caches, chart, theme, code, urls, inputs.keys, salt)
    caches.bodies.save()                      # written now, so the cache lets go of the bodies

    def emitter() -> tuple[Emitter, int]:
        restored = restore.finish(output.restoring)
        staging = begin(output.folder, written_now=restored > 0, kept=kept_site(output.looking))
        return (Emitter(staging, caches.pages, salt, env, urls,
                        SearchIndex(config.render_cache_dir())), restored)
    return render_pages(ctx, caches.pages, Opening(emitter, output.busy))


def chart_from_results(source: Source, config: Config, caches: Caches, code: str, salt: str
                       ) -> ChartApart | None:
    """In a build whose cache holds no chart yet (a cold build, the one that holds the most
    memory), the home page's chart starts on another core as soon as the results are read (the
    chart is made of them only), before the messages are: its drawing process (vl-convert's
    engine, about 350 MiB at 20,000 results) then runs beside the reading of the messages,
    when this process holds least, not beside the workers that render the bodies and pages
    (at 100,000 messages, 880 MiB of processes together). The results are read again with the
    rest, from the inputs' cache."""
    if worker_count() < 2 or caches.files.holds_any("chart-doc"):
        return None                       # no other core to draw it on, or a warm cache
    results = read_results(source.bucket, config, caches.inputs, salt, source.states)
    return start_chart(leaderboard_of(ranked_results(results), config), config, caches.files, code)


def site_urls(config: Config) -> Urls:
    return Urls(base=base_path(config.site.base_url),
                bucket_web=bucket_web_url(config.source.location, config.source.web_url))


def site_context(collab: Collab, config: Config, bucket: Bucket, caches: Caches, chart: Callable[[], Mapping[str, Any]],
                 theme: Mapping[str, bytes], code: str, urls: Urls,
                 input_keys: Mapping[str, str], page_salt: str) -> SiteContext:
    """Everything the sections plan pages from: URLs, the theme's static files (their versions,
    the home page's inline style sheet), markdown bodies, chart, and what pages' fingerprints
    follow from: the inputs' keys, and (salt) the page salt, the bodies' salt, the site and the
    config."""
    md = MarkdownRenderer(linker_for(collab, urls), image_hosts=config.site.image_hosts)
    site = Site(title=config.site.title, tagline=config.site.tagline, links=config.site.links,
                urls=urls,
                data_as_of=fmt.when(collab.data_as_of) if collab.data_as_of and collab.stale else "",
                stale=collab.stale, static_version=fingerprint(theme),
                about=collab.readme is not None)
    salt = body_salt(collab, urls, config.site.image_hosts, code)
    bodies = render_bodies(collab, md, caches.bodies, salt=salt)
    site_key = value_key("site", (site, config))
    return make_context(collab, config, urls, site, md, bodies, chart=chart,
                        load_transcript=lambda trace: load_transcript(bucket, trace, config),
                        log_key=lambda trace: log_key(bucket, trace, config), input_keys=input_keys,
                        fingerprint_salt=digest_of(page_salt, salt, site_key) if site_key else "",
                        home_style=inline_stylesheet(theme))


@dataclass(frozen=True)
class Caches:
    """The render caches of one build, under config.render_cache_dir()."""

    files: RenderCache                   # chart SVG and Vega document, templates' code
    inputs: TextCache                    # what each bucket file yields, as JSON (builder.codec)
    bodies: TextCache                    # markdown bodies
    pages: PageCache                     # rendered pages

    @classmethod
    def open(cls, folder: Path, files: RenderCache | None = None) -> Caches:
        return cls(files or RenderCache(folder), TextCache(folder / "inputs.tsv"),
                   TextCache(folder / "bodies.tsv"), PageCache(folder / "pages"))

    def save(self) -> None:
        """Keep what this build used, drop the rest."""
        self.files.prune(FILE_NAMESPACES)
        self.inputs.save()
        self.bodies.save()
        self.pages.save()


# "vega-runtime": no longer made (the theme ships it); listed so that older caches drop it
FILE_NAMESPACES = ("vega-runtime", "chart-doc", *chart_runtime.CACHED_RENDERS,
                   CompiledTemplates.NAMESPACE)


def code_digest(theme_dir: Path | None = None) -> str:
    """The builder's code and theme: a rendered page or body depends on them."""
    return digest_of(*(part for name, path in code_files(theme_dir)
                       for part in (name, path.read_bytes())))


def config_key(config: Config) -> str:
    """Which site the config makes (with the bucket and the code): see restore.start."""
    return digest_of("config", repr(config))


def page_salt(env: Environment, code: str) -> str:
    """Everything a rendered page depends on besides its template's name and context: the code,
    the template engine, the templates as the loader finds them (a theme override included) and
    the environment's plain globals (the CSP)."""
    templates = [part for name in sorted(env.list_templates())
                 for part in (name, env.loader.get_source(env, name)[0])]
    plain = sorted((k, repr(v)) for k, v in env.globals.items()
                   if isinstance(v, (str, int, float, bool, tuple)))
    return digest_of(code, f"jinja2 {version('jinja2')}; markupsafe {version('markupsafe')}",
                     repr(plain), *templates)


@dataclass(frozen=True)
class RenderedPages:
    done: FinishedPages                  # every page and data file, written to the staging folder
    problems: tuple[Problem, ...]        # the collaboration's, and those found planning its pages
    counts: Mapping[str, int]            # what the site shows (site_counts)
    emitter: Emitter                     # how they were written (staging folder, caches, search)
    restored: int = 0                    # files of the last site the output folder started with


@dataclass(frozen=True)
class SiteFiles:
    entries: Mapping[str, Entry]         # every file of the new site (but the manifest)
    pages: int                           # HTML pages
    rendered: int                        # of which rendered now (the others: page cache)


@dataclass(frozen=True)
class Opening:
    """How the pages' emitter is had: `emitter()` waits for the output folder (the last site
    restored there, or looked over) and gives the emitter, with the number of files restored;
    `busy()` says whether that would wait."""

    emitter: Callable[[], tuple[Emitter, int]]
    busy: Callable[[], bool] = lambda: False


def render_pages(ctx: SiteContext, cache: PageCache, opening: Opening) -> RenderedPages:
    """Every page of every section, rendered (or reused) and written as it comes, on every core;
    the next batch is planned while workers render the current one (short-lived workers copy
    little of the memory they share with this process). What a batch's planning freed (its
    pages' contexts, the message bodies they showed) goes back to the system before the next
    workers fork. The first batches are planned while the output folder is still being
    restored or looked over on another core (planning.planned_ahead). The build report comes
    after them, so it lists the problems found while planning too."""
    found: list[Problem] = []
    done = FinishedPages()
    running, last, em, restored = None, [], None, 0
    batches = planned(ctx, found, lambda: batch_scale(last), cache)
    for batch in planned_ahead(batches, opening.busy):
        if em is None:
            em, restored = opening.emitter()
        if running:
            last = collect(running)
            done.add(last)
            give_back_free_memory()
        running = start(partial(emit_all, em), batch, per_share=True,
                        workers=1 if cheap_in_process(batch, em.staging) else None)
    if em is None:
        em, restored = opening.emitter()
    done.add(collect(running) if running else [])
    done.add(emit_all(em, [build_report.page(ctx, ctx.collab.problems + tuple(found))]))
    collab = _with_problems(ctx.collab, tuple(found))
    return RenderedPages(done, collab.problems, site_counts(collab), em, restored)


def site_files(pages: RenderedPages, assets: Mapping[str, bytes]) -> SiteFiles:
    """The rendered pages, with the static files (kept in the page cache like data files, for
    restore.py) and the search index made of the pages."""
    done, em = pages.done, pages.emitter
    done.add(emit_all(em, [PageSpec(em.urls.static(name), data=data)
                           for name, data in assets.items()]))
    em.search.extend(done.search_records())
    staged = done.entries()
    handles: dict[str, int] = {}
    try:
        search = em.search.files(indexed_parts(em, done, staged, handles))
        entries = {path: em.staging.put(path, data) for path, data in search}
    finally:
        close_handles(handles)
    entries.update(staged)
    return SiteFiles(entries, pages=done.html_pages, rendered=done.rendered)


def cache_pages(pages: RenderedPages) -> dict[str, str]:
    """Has the page cache keep every page and data file it holds for this build (by key and by
    fingerprint); returns the path -> key of each."""
    cache, cached = pages.emitter.pages, {}
    for path, key, packed, page_fingerprint in pages.done.cached():
        cache.used[key] = packed
        cached[path] = key
        if page_fingerprint is not None:
            cache.used_fingerprints[page_fingerprint] = key
    return cached


def site_counts(collab: Collab) -> dict[str, int]:
    return {"ranked": len(collab.leaderboard.all), "messages": len(collab.messages),
            "results": len(collab.results), "agents": len(collab.agents),
            "traces": len(collab.traces)}


def problem_rows(problems: tuple[Problem, ...], level: Level) -> list[list[str]]:
    """The manifest's list of the problems of `level`: [path, reason] each."""
    return [[p.path, p.reason] for p in at_level(problems, level)]


def log_summary(report: BuildReport, log: Log) -> None:
    for p in by_level(report.problems):
        log(problem_line(p))
    w = report.written
    if report.restored:
        log(f"the output folder started as the last site: {report.restored} files from the cache")
    log(f"built {report.pages} pages ({report.rendered} rendered, "
        f"{report.pages - report.rendered} from the cache; {report.files} files: "
        f"{len(w.written) + 1} written (the manifest too), {w.unchanged} unchanged, "
        f"{len(w.removed)} removed) in {report.seconds:.2f}s into {report.out}; "
        f"{levels_counted(report.problems)}")


def problem_line(problem: Problem) -> str:
    return f"{problem.level}: {problem.path}: {problem.reason}"


def _with_problems(collab: Collab, extra: tuple[Problem, ...]) -> Collab:
    if not extra:
        return collab
    return replace(collab, problems=tuple(sorted(collab.problems + extra, key=lambda p: (p.path, p.reason))))


