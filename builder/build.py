"""build(config, clock) -> BuildReport. Reads like the table of contents of the pipeline:
source -> read -> assemble -> plan -> render -> write."""
from __future__ import annotations

import hashlib
import itertools
import json
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Callable, Mapping, Sequence

import vl_convert
import yaml
from markupsafe import Markup

from builder import chart as charts
from builder import pages as site_map
from builder import trace_pages as trace_site
from builder.assemble import assemble
from builder.cache import RenderCache
from builder.config import Config
from builder.model import Collab, Problem
from builder.parallel import parallel_map
from builder.readers import read_inputs
from builder.readers.traces import load_transcript
from builder.render import THEME, fingerprint, make_environment, render_page, static_files
from builder.sources import Bucket, empty_bucket
from builder.sources.local import open_local
from builder.urls import Urls, bucket_web_url
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


def build(config: Config, clock: Callable[[], datetime], out: Path, log: Log = print) -> BuildReport:
    started = time.perf_counter()
    bucket, source_problems = open_source(config, log)
    digest = input_digest(bucket, config, source_problems)
    if previous_input_digest(Path(out)) == digest:
        log(f"nothing changed since the last build of {out}: site left as it is "
            f"({time.perf_counter() - started:.2f}s)")
        return unchanged_report(Path(out), time.perf_counter() - started, bucket.note)
    inputs = read_inputs(bucket, config)
    collab = assemble(inputs, config, data_as_of=bucket.as_of)
    collab = _with_problems(collab, source_problems)
    cache = RenderCache(config.root / ".cache" / "render")
    log_problems: list[Problem] = []

    def load(trace):
        loaded = load_transcript(bucket, trace, config)
        log_problems.extend(loaded.problems)
        return loaded

    files, page_count = plan_and_render(collab, config, built_at=clock(), cache=cache, load=load,
                                        later_problems=log_problems)
    collab = _with_problems(collab, tuple(log_problems))
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
    for code in sorted(code_files()):
        h.update(code.as_posix().encode() + hashlib.sha256(code.read_bytes()).digest())
    return h.hexdigest()


def code_files() -> list[Path]:
    package = Path(__file__).resolve().parent
    return [p for p in [*package.rglob("*.py"), *THEME.rglob("*")] if p.is_file()]


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
            return open_hub_bucket(bucket_id, config.cache_dir(), token=None, log=log), ()
        except HubUnavailable as exc:
            log(f"source: {exc}; showing the fallback baseline")
            return empty_bucket(str(exc)), (Problem(config.source.location, str(exc)),)
    try:
        return open_local(config.source_dir()), ()
    except FileNotFoundError as exc:
        log(f"source: {exc}; showing the fallback baseline")
        return empty_bucket(str(exc)), (Problem(config.source.location, str(exc)),)


def plan_and_render(collab: Collab, config: Config, built_at: datetime,
                    load: trace_site.Loader, cache: RenderCache = RenderCache(None),
                    later_problems: Sequence[Problem] = ()) -> tuple[dict[str, bytes], int]:
    """Every output file of the site, as bytes, keyed by its path in the site folder.

    Pages are planned and rendered one at a time (trace transcripts are loaded per session)."""
    urls = Urls(base=_base_path(config.site.base_url),
                bucket_web=bucket_web_url(config.source.location, config.source.web_url))
    static = {f"static/{name}": data for name, data in static_files().items()}
    static["static/vendor/vega-bundle.js"] = cache.get(
        "vega-bundle", vl_convert.__version__, lambda: charts.vega_bundle().encode())
    site = site_map.Site(
        title=config.site.title, tagline=config.site.tagline,
        links=tuple(site_map.LinkView(l.label, l.url) for l in config.site.links),
        urls=urls, data_as_of=site_map.fmt_time(collab.data_as_of) if collab.data_as_of else "",
        static_version=fingerprint({k.removeprefix("static/"): v for k, v in static.items()}))
    sm = site_map.SiteMap(collab, config, urls, site, built_at, chart=chart_view(collab, config, cache))
    # The build report comes last: reading trace logs page by page may add problems to it.
    specs = itertools.chain(trace_site.trace_pages(sm, load),
                            _deferred(lambda: site_map.build_report_page(sm, later_problems)))
    env = make_environment({})
    files: dict[str, bytes] = dict(static)
    site_specs = site_map.site_pages(sm) + [site_map.not_found_page(sm)]
    rendered = parallel_map(lambda spec: render_page(env, spec.template, spec.context).encode(),
                            site_specs)
    files.update((urls.file_for(spec.url), page) for spec, page in zip(site_specs, rendered))
    page_count = len(site_specs)
    for spec in specs:
        files[urls.file_for(spec.url)] = render_page(env, spec.template, spec.context).encode()
        page_count += 1
    files["leaderboard.json"] = site_map.leaderboard_json(sm)
    files["leaderboard.csv"] = site_map.leaderboard_csv(sm)
    files.update(site_map.feed_files(sm))
    files["README.md"] = space_card(config)
    return files, page_count


def chart_view(collab: Collab, config: Config, cache: RenderCache) -> dict:
    """The chart's JSON document (both scales, data stored once) and its pre-rendered SVG."""
    lb = collab.leaderboard
    doc = charts.chart_document([e.result for e in lb.all], frozenset(r.id for r in lb.records),
                                lb.baselines, config.metric, lb.direction)
    linear = charts.spec_from_document(doc, "linear")
    svg = cache.get("chart-svg", charts.spec_digest(linear),
                    lambda: charts.chart_svg(linear).encode()).decode()
    return {"svg": Markup(svg), "data": doc, "log_possible": doc["log"] is not None}


def space_card(config: Config) -> bytes:
    """The Space's README.md: its front matter is the Space config (a static Space)."""
    front = {"title": config.site.title[:60] or "Agent collaboration", "emoji": "🤝",
             "colorFrom": "indigo", "colorTo": "blue", "sdk": "static", "pinned": False}
    body = f"# {config.site.title}\n\n{config.site.tagline}\n\nBuilt by collab-site.\n"
    return ("---\n" + yaml.safe_dump(front, sort_keys=False, allow_unicode=True) + "---\n\n" + body).encode()


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


def _deferred(make: Callable[[], site_map.PageSpec]):
    """A page planned only when reached, after every page before it was rendered."""
    yield make()


def _with_problems(collab: Collab, extra: tuple[Problem, ...]) -> Collab:
    from dataclasses import replace
    if not extra:
        return collab
    return replace(collab, problems=tuple(sorted(collab.problems + extra, key=lambda p: (p.path, p.reason))))


def _base_path(base_url: str) -> str:
    """"https://x.hf.space/sub/" -> "/sub/"; "/" stays "/"."""
    from urllib.parse import urlparse
    path = urlparse(base_url).path or "/"
    return path if path.endswith("/") else path + "/"
