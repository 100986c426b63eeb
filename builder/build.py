"""build(config, out) -> BuildReport. Reads like the table of contents of the pipeline:
source -> read -> assemble -> plan -> render -> write.

Nothing here reads the wall clock: the same inputs give the same bytes, whenever built."""
from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass, replace
from functools import partial
from itertools import islice
from pathlib import Path
from typing import Callable, Iterable, Iterator, Mapping

from jinja2 import Environment

from builder import chart as charts
from builder import chart_runtime, chart_svg
from builder import format as fmt
from builder.assemble import assemble
from builder.cache import RenderCache
from builder.config import Config
from builder.markdown import MarkdownRenderer
from builder.model import Collab, Problem
from builder.pages import SECTIONS, PageSpec, build_report
from builder.pages.context import Site, SiteContext, linker_for, make_context, render_bodies
from builder.parallel import parallel_map
from builder.readers import read_inputs
from builder.readers.traces import load_transcript
from builder.render import (THEME, content_security_policy, fingerprint, make_environment,
                            render_page, static_files, theme_override_files)
from builder.search import SearchIndex
from builder.sources import Bucket, empty_bucket
from builder.sources.local import open_local
from builder.urls import Urls, base_path, bucket_web_url
from builder.write import MANIFEST, WriteReport, manifest_bytes, write_site

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


def build(config: Config, out: Path, log: Log = print) -> BuildReport:
    started = time.perf_counter()
    bucket, source_problems = open_source(config, log)
    digest = input_digest(bucket, config, source_problems)
    if previous_input_digest(Path(out)) == digest:
        log(f"nothing changed since the last build of {out}: site left as it is "
            f"({time.perf_counter() - started:.2f}s)")
        return unchanged_report(Path(out), time.perf_counter() - started, bucket.note)
    inputs = read_inputs(bucket, config)
    collab = _with_problems(assemble(inputs, config, stale=bucket.as_of is not None), source_problems)
    cache = RenderCache(config.render_cache_dir())
    assets = static_assets(cache, config.theme_path())
    ctx = site_context(collab, config, bucket, cache, fingerprint(assets))
    env = make_environment(content_security_policy(config.site.image_hosts), config.theme_path())
    files, page_count, planning_problems = render_site(ctx, env, assets)
    collab = _with_problems(collab, planning_problems)
    counts = site_counts(collab)
    files[MANIFEST] = manifest_bytes(files, counts, input_digest=digest,
                                     problems=[[p.path, p.reason] for p in collab.problems])
    written = write_site(out, files)
    report = BuildReport(out=Path(out), pages=page_count, files=len(files),
                         problems=collab.problems, written=written,
                         seconds=time.perf_counter() - started, source_note=bucket.note,
                         counts=counts)
    log_summary(report, log)
    return report


def input_digest(bucket: Bucket, config: Config, source_problems: tuple[Problem, ...]) -> str:
    """What the site is made from: every bucket file's path, size and mtime, the config, the
    code and theme, and how the source was obtained. Equal digests give byte-equal sites (but
    for the build time), so the build can stop early. Any path and any file state hash."""
    h = hashlib.sha256()
    h.update(repr((config, bucket.as_of, bucket.files == (), source_problems, bucket.skipped)
                  ).encode("utf-8", "backslashreplace"))
    for path in bucket.files:
        try:
            stat = (bucket.root / path).stat()
            state = f"{stat.st_size}\0{stat.st_mtime_ns}"
        except (OSError, ValueError) as exc:      # gone or unreadable since it was listed
            state = type(exc).__name__
        h.update(f"{path}\0{state}\n".encode("utf-8", "surrogatepass"))
    for code in sorted(code_files(config.theme_path())):
        h.update(code.as_posix().encode() + hashlib.sha256(code.read_bytes()).digest())
    return h.hexdigest()


def code_files(theme_dir: Path | None = None) -> list[Path]:
    package = Path(__file__).resolve().parent
    code = [*package.rglob("*.py"), *THEME.rglob("*")]
    return [p for p in code if p.is_file()] + theme_override_files(theme_dir)


def previous_input_digest(out: Path) -> str | None:
    try:
        return json.loads((out / MANIFEST).read_text(encoding="utf-8")).get("input")
    except (OSError, ValueError, AttributeError):
        return None


def unchanged_report(out: Path, seconds: float, note: str) -> BuildReport:
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    problems = tuple(Problem(path, reason) for path, reason in manifest.get("problems", []))
    return BuildReport(out=out, pages=0, files=len(manifest.get("files", {})), problems=problems,
                       written=WriteReport((), len(manifest.get("files", {})), ()),
                       seconds=seconds, source_note=note, counts=manifest.get("counts", {}))


def open_source(config: Config, log: Log) -> tuple[Bucket, tuple[Problem, ...]]:
    """The bucket as a folder on disk. A Hub that cannot be reached and has no mirror yields an
    empty bucket (so the site shows the fallback baseline), never a crash."""
    if config.source_is_hub():
        from builder.sources.hub import HubUnavailable, open_hub_bucket
        bucket_id = config.source.location.removeprefix("hf://buckets/").strip("/")
        try:
            return open_hub_bucket(bucket_id, config.cache_dir(), token=None, log=log,
                                   rate_limit_wait=config.hub.rate_limit_wait), ()
        except HubUnavailable as exc:
            log(f"source: {exc}; showing the fallback baseline")
            return empty_bucket(str(exc)), (Problem(config.source.location, str(exc)),)
    try:
        return open_local(config.source_dir()), ()
    except FileNotFoundError as exc:
        log(f"source: {exc}; showing the fallback baseline")
        return empty_bucket(str(exc)), (Problem(config.source.location, str(exc)),)


def site_context(collab: Collab, config: Config, bucket: Bucket, cache: RenderCache,
                 static_version: Mapping[str, str]) -> SiteContext:
    """Everything the sections plan pages from: URLs, static assets, markdown bodies, chart."""
    urls = Urls(base=base_path(config.site.base_url),
                bucket_web=bucket_web_url(config.source.location, config.source.web_url))
    md = MarkdownRenderer(linker_for(collab, urls), image_hosts=config.site.image_hosts)
    site = Site(title=config.site.title, tagline=config.site.tagline, links=config.site.links,
                urls=urls, data_as_of=fmt.when(collab.data_as_of) if collab.data_as_of else "",
                stale=collab.stale, static_version=static_version)
    return make_context(collab, config, urls, site, md, render_bodies(collab, md),
                        chart=chart_view(collab, config, cache),
                        load_transcript=lambda trace: load_transcript(bucket, trace, config))


def static_assets(cache: RenderCache, theme_dir: Path | None = None) -> dict[str, bytes]:
    """The theme's static files and the vendored Vega runtime, by their name under /static/."""
    assets = static_files(theme_dir)
    assets[chart_runtime.RUNTIME_FILE] = cache.get(
        "vega-runtime", chart_runtime.runtime_key(), lambda: chart_runtime.runtime_bundle().encode())
    return assets


def render_site(ctx: SiteContext, env: Environment, assets: Mapping[str, bytes]
                ) -> tuple[dict[str, bytes], int, tuple[Problem, ...]]:
    """Every output file (by its path in the site folder), the number of HTML pages, and the
    problems found while planning them. The build report comes last, so it lists those too."""
    files = {f"static/{name}": data for name, data in assets.items()}
    found: list[Problem] = []
    pages = 0
    search = SearchIndex(ctx.config.render_cache_dir())
    for section in SECTIONS:
        for batch in _batched(section.pages(ctx), getattr(section, "PLAN_AHEAD", 1000)):
            for spec, data in zip(batch, parallel_map(partial(render_spec, env), batch)):
                files[ctx.urls.file_for(spec.url)] = data
                search.add(ctx.urls.file_for(spec.url), data)
                found.extend(spec.problems)
                pages += bool(spec.template)
    files.update(search.files(files.__getitem__))
    report = build_report.page(ctx, ctx.collab.problems + tuple(found))
    files[ctx.urls.file_for(report.url)] = render_spec(env, report)
    return files, pages + 1, tuple(found)


def render_spec(env: Environment, spec: PageSpec) -> bytes:
    if spec.data is not None:
        return spec.data
    return render_page(env, spec.template, spec.context).encode()


def chart_view(collab: Collab, config: Config, cache: RenderCache) -> dict:
    """The chart's static SVG, its browser document and its agents' styles (for the legend)."""
    lb = collab.leaderboard
    ranked = [e.result for e in lb.all]
    doc = charts.chart_document(ranked, frozenset(r.id for r in lb.records), lb.baselines,
                                config.metric, lb.direction)
    refused: list[Problem] = []

    def cached(kind: str, key: str, make: Callable[[], bytes]) -> bytes:
        try:
            return cache.get(kind, key, make)
        except chart_svg.UnsafeSvgError as exc:    # agent text the picture could not hold safely
            refused.append(Problem("(chart)", f"shown without its pre-rendered picture: {exc}"))
            return b""

    view = chart_runtime.chart_view(doc, charts.agent_styles(ranked), cached)
    return {**view, "problems": tuple(refused)}


def site_counts(collab: Collab) -> dict[str, int]:
    return {"ranked": len(collab.leaderboard.all), "messages": len(collab.messages),
            "results": len(collab.results), "agents": len(collab.agents),
            "traces": len(collab.traces)}


def log_summary(report: BuildReport, log: Log) -> None:
    for p in report.problems:
        log(f"problem: {p.path}: {p.reason}")
    w = report.written
    log(f"built {report.pages} pages ({report.files} files: {len(w.written)} written, "
        f"{w.unchanged} unchanged, {len(w.removed)} removed) in {report.seconds:.2f}s "
        f"into {report.out}; {len(report.problems)} problem(s)")


def _batched(items: Iterable[PageSpec], size: int) -> Iterator[list[PageSpec]]:
    """Pages planned ahead of rendering, `size` at a time (a section bounds its memory so)."""
    it = iter(items)
    while batch := list(islice(it, size)):
        yield batch


def _with_problems(collab: Collab, extra: tuple[Problem, ...]) -> Collab:
    if not extra:
        return collab
    return replace(collab, problems=tuple(sorted(collab.problems + extra, key=lambda p: (p.path, p.reason))))


