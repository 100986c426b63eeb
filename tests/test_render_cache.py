"""The render caches: a build on a fresh runner with the caches restored re-renders only what
changed, gives the same bytes as a build with no cache at all, whatever input changed, and
survives a damaged cache. Every build here has caches of its own (a folder per test)."""
from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Callable

import jinja2
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import builder.pages.context as context
from builder import chart as charts
from builder import chart_cache, pagefind_format, parallel, search
from builder.build import BuildReport, build, code_digest
from builder.cache import PageCache, TextCache, close_handles, text_of
from builder.config import load_config
from builder.emit import CHECK_FINGERPRINTS, StaleFingerprint, page_key
from builder.pages.agents import RECENT_MESSAGES
from builder.pages.spec import PageSpec
from builder.render import CompiledTemplates, make_environment
from builder.search_plan import indexed_part, page_facts, page_search
from scripts.bench import toml_dumps
from tests.conftest import REPO
from tests.html import soup, text_of as html_text
from tests.site_fixtures import shard_fragments, site_files as files

REPLY = """---
type: agent
refs: {parent}.md
agent: kestrel
timestamp: 2099-12-31 23:59 UTC
via: raw
---

@newcomer please re-run artifacts/tools/serve.py on your side.

![throughput plot](https://img.example.org/plot.png)
"""


PAGE_TO_INDEX = (b'<html><body><main data-pagefind-body data-search-time="2026-07-01T00:00">'
                 b'<p>kept words</p><ul data-pagefind-ignore><li>a reply</li></ul></main></body></html>')


def quiet(_line: str) -> None:
    pass


@pytest.fixture
def bucket(tmp_path) -> Path:
    return bucket_of_demo(tmp_path / "bucket")


def bucket_of_demo(copy: Path) -> Path:
    """The demo with its newest 60 messages: every kind of page, a quarter of the builds' time."""
    shutil.copytree(load_config(REPO / "collab.toml", env={}).source_dir(), copy)
    for old in sorted((copy / "message_board").glob("*.md"))[:-60]:
        old.unlink()
    return copy


@pytest.fixture(scope="module")
def compiled_theme(code_caches) -> Path:
    """The templates that a first build compiled into its cache."""
    return code_caches[CompiledTemplates.NAMESPACE]


@pytest.fixture(autouse=True)
def _seeds_in_every_cache(monkeypatch, compiled_theme):
    """Each cache here starts with the theme's compiled templates, as a runner's does after its
    first build: they follow from the code alone (the templates, Jinja's and Python's), and
    compiling them again cost every first build here a fifth of the rest of its time."""
    monkeypatch.setattr(__name__ + ".SEEDS", seeds(compiled_theme))


SEEDS: dict[str, Path] = {}      # render cache namespace -> the entries every new cache starts with


def seeds(compiled_theme: Path) -> dict[str, Path]:
    return {CompiledTemplates.NAMESPACE: compiled_theme}


@dataclass(frozen=True)
class Primed:
    """A folder where `bucket` was built once into `a` with its caches in `cache`."""
    folder: Path
    first: BuildReport

    @property
    def bucket(self) -> Path:
        return self.folder / "bucket"

    @property
    def cache(self) -> Path:
        return self.folder / "cache"


@dataclass(frozen=True)
class Cold:
    """A build with no cache: its report and its files."""
    report: BuildReport
    files: dict[str, bytes]


@pytest.fixture(scope="module")
def _primed_once(tmp_path_factory, compiled_theme) -> tuple[Primed, Path, Cold]:
    """The first build most tests here start from, made once: (its folder, a copy of that
    folder as the build left it, the build without cache of its bucket with `add_reply`).
    The folder's path stays the same for every test: the caches' listing of the last site
    names the bucket's and the caches' folders, and a build restores only from its own."""
    global SEEDS
    SEEDS = seeds(compiled_theme)
    try:
        base = tmp_path_factory.mktemp("primed")
        folder = base / "work"
        bucket_of_demo(folder / "bucket")
        first = run(folder, folder / "bucket", folder / "cache", folder / "a")
        shutil.copytree(folder, base / "as-built", symlinks=True)
        add_reply(folder / "bucket")
        cold = run(folder, folder / "bucket", folder / "empty-cache", folder / "cold")
        return Primed(folder, first), base / "as-built", Cold(cold, files(folder / "cold"))
    finally:
        SEEDS = {}


@pytest.fixture
def primed(_primed_once) -> Primed:
    """The first build's folder, as that build left it (a test's own copy)."""
    done, as_built, _ = _primed_once
    shutil.rmtree(done.folder)
    shutil.copytree(as_built, done.folder, symlinks=True)
    return done


@pytest.fixture
def cold_with_reply(_primed_once) -> Cold:
    """The build without cache of the primed bucket once `add_reply` answered its newest message."""
    return _primed_once[2]


def run(tmp_path: Path, bucket: Path, cache: Path, out: Path, site: dict | None = None,
        source: dict | None = None):
    """A build of `bucket` into `out` with caches under `cache`; site/source settings overridden."""
    path = config_for(tmp_path, bucket, cache, out, site, source)
    return build(load_config(path, env={}), out, log=quiet)


def config_for(tmp_path: Path, bucket: Path, cache: Path, out: Path, site: dict | None = None,
               source: dict | None = None) -> Path:
    for namespace, entries in SEEDS.items():
        if not (cache / "render" / namespace).exists():
            shutil.copytree(entries, cache / "render" / namespace)
    data = tomllib.loads((REPO / "collab.toml").read_text(encoding="utf-8"))
    data["source"].update(location=str(bucket), **(source or {}))
    data["site"].update(site or {})
    data["cache"] = {"dir": str(cache)}
    path = tmp_path / f"{out.name}.toml"
    path.write_text(toml_dumps(data), encoding="utf-8")
    return path


def add_reply(bucket: Path) -> str:
    parent = sorted((bucket / "message_board").glob("2*.md"))[-1].stem
    (bucket / "message_board" / "20991231-235959-000_kestrel.md").write_text(
        REPLY.format(parent=parent), encoding="utf-8")
    return "messages/20991231-235959-000_kestrel/index.html"


def test_a_fresh_runner_with_restored_caches_renders_only_what_a_new_message_changed(
        primed, cold_with_reply):
    tmp_path, bucket, cache = primed.folder, primed.bucket, primed.cache
    cold = primed.first
    assert cold.rendered == cold.pages > 100

    page = add_reply(bucket)
    cron = run(tmp_path, bucket, cache, tmp_path / "fresh-runner")           # no site folder yet
    assert 0 < cron.rendered <= 20, "only the pages the message changed are rendered"
    assert cron.pages > cold.pages

    nocache = cold_with_reply.report
    assert nocache.rendered == nocache.pages
    assert files(tmp_path / "fresh-runner") == cold_with_reply.files
    assert page in files(tmp_path / "fresh-runner")


def test_a_fresh_runner_starts_from_the_last_site_and_writes_only_what_changed(primed, cold_with_reply):
    """With no site folder, the output folder starts as the last site, rebuilt from the caches:
    the build writes the files a new message changed, not every file of the site."""
    tmp_path, bucket, cache = primed.folder, primed.bucket, primed.cache
    page = add_reply(bucket)
    cron = run(tmp_path, bucket, cache, tmp_path / "fresh-runner")
    assert cron.restored > primed.first.files * 0.9, "nearly every file of the last site is in the caches"
    assert page in cron.written.written and len(cron.written.written) < 60
    assert not (tmp_path / ".fresh-runner.restore").exists()
    assert files(tmp_path / "fresh-runner") == cold_with_reply.files


def test_a_fresh_runner_with_nothing_new_restores_the_last_site_and_stops_there(primed):
    """The cron job's run when nothing was posted: the output folder gets the last site whole,
    static files, data files and manifest too, and nothing is planned or rendered."""
    tmp_path, bucket, cache = primed.folder, primed.bucket, primed.cache
    again = run(tmp_path, bucket, cache, tmp_path / "fresh-runner")
    assert again.pages == 0 and not again.written.written
    assert again.restored == again.files                        # what its summary says
    assert files(tmp_path / "fresh-runner") == files(tmp_path / "a")
    assert ((tmp_path / "fresh-runner" / "manifest.json").read_bytes()
            == (tmp_path / "a" / "manifest.json").read_bytes())


def test_a_site_that_a_cut_short_build_left_aside_wins_over_the_caches(primed, cold_with_reply):
    """A swap cut in half leaves the previous site beside the output folder: the next build
    puts it back and builds over it, rather than restoring another copy from the caches."""
    tmp_path, bucket, cache = primed.folder, primed.bucket, primed.cache
    out = tmp_path / "a"
    out.rename(tmp_path / ".a.old")
    add_reply(bucket)
    again = run(tmp_path, bucket, cache, out)
    assert again.restored == 0 and again.written.unchanged > 0
    assert files(out) == cold_with_reply.files


def test_the_last_site_of_another_config_is_not_restored(tmp_path, bucket):
    """Its files would only be written to be replaced, and a report of what the build wrote
    and removed would speak of a site that was never there."""
    cache = tmp_path / "cache"
    run(tmp_path, bucket, cache, tmp_path / "first", site={"title": "Another collaboration"})
    again = run(tmp_path, bucket, cache, tmp_path / "fresh-runner")
    assert again.restored == 0 and again.written.unchanged == 0 and not again.written.removed


LISTING_DAMAGE = {       # each keeps the listing's config, so that the build tries to restore
    "not JSON": lambda listing: "{not json",
    "paths out of the site": lambda listing: json.dumps(
        {"config": listing["config"],
         "pages": {f"../escaped-{n}.html": key for n, key in enumerate(listing["pages"].values())},
         "search": {"../escaped/": key for key in listing["search"].values()}}),
    "a folder that is a file": lambda listing: json.dumps(
        {**listing, "pages": {**listing["pages"],
                              "index.html/inside.html": next(iter(listing["pages"].values()))}}),
    "keys the caches do not hold": lambda listing: json.dumps(
        {"config": listing["config"], "pages": {path: "0" * 64 for path in listing["pages"]},
         "search": {folder: "0" * 64 for folder in listing["search"]}}),
}


@pytest.mark.parametrize("damage", LISTING_DAMAGE)
def test_a_damaged_listing_of_the_last_site_costs_time_never_a_wrong_file(primed, cold_with_reply, damage):
    tmp_path, bucket, cache = primed.folder, primed.bucket, primed.cache
    listing = cache / "render" / "site.json"
    listing.write_text(LISTING_DAMAGE[damage](json.loads(listing.read_text(encoding="utf-8"))),
                       encoding="utf-8")
    add_reply(bucket)
    cron = run(tmp_path, bucket, cache, tmp_path / "fresh-runner")
    assert cron.restored == 0
    assert not (tmp_path / ".fresh-runner.restore").exists()
    assert not list(tmp_path.glob("escaped*"))
    assert files(tmp_path / "fresh-runner") == cold_with_reply.files


def test_a_new_message_changes_one_filter_file_of_the_search_index(primed):
    """Pagefind writes a file per filter of a shard, and a new page changes every filter it has
    a value in: a page's kind, agent, type and day are values of one filter, so a new message
    changes one filter file (written anew, the old one gone), not four."""
    tmp_path, bucket, cache = primed.folder, primed.bucket, primed.cache
    before = files(tmp_path / "a")
    add_reply(bucket)
    run(tmp_path, bucket, cache, tmp_path / "second")
    after = files(tmp_path / "second")
    changed = {p for p in before.keys() | after.keys() if before.get(p) != after.get(p)}
    filters = sorted(p for p in changed if "/filter/" in p)
    assert len(filters) == 2 and filters[0].rsplit("/", 2)[0] == filters[1].rsplit("/", 2)[0]
    (new,) = [p for p in filters if p in after]
    name, values = pagefind_format.decode(gzip.decompress(after[new])[len(search.SIGNATURE):])
    newest = max(page for _, pages in values for page in pages)
    assert name == "facet" and {v for v, pages in values if newest in pages} == {
        "kind:message", "agent:kestrel", "type:agent", "day:2099-12-31"}


def test_the_chart_document_is_made_again_only_when_the_results_change(tmp_path, bucket, monkeypatch):
    """Most runs bring messages, not results: the chart document comes from the cache then."""
    made: list[int] = []
    real = charts.chart_document
    monkeypatch.setattr(charts, "chart_document",
                        lambda ranked, *a, **k: made.append(len(ranked)) or real(ranked, *a, **k))
    cache = tmp_path / "cache"
    run(tmp_path, bucket, cache, tmp_path / "first")
    assert len(made) == 1
    add_reply(bucket)
    run(tmp_path, bucket, cache, tmp_path / "second")
    assert len(made) == 1
    (bucket / "results" / "20991231-235959-000_kestrel.md").write_text(
        "---\ntps: 999.5\nagent: kestrel\nmethod: new idea\ntimestamp: 2099-12-31 23:59 UTC\n---\nfast\n",
        encoding="utf-8")
    run(tmp_path, bucket, cache, tmp_path / "third")
    assert len(made) == 2 and made[1] == made[0] + 1
    run(tmp_path, bucket, tmp_path / "empty-cache", tmp_path / "cold")
    assert files(tmp_path / "third") == files(tmp_path / "cold")
    assert "999.5" in (tmp_path / "third" / "data" / "chart.json").read_text()


def test_a_run_whose_chart_is_cached_loads_neither_altair_nor_vl_convert(primed):
    """Most runs bring messages, not results: their chart comes whole from the cache, and the
    build's process stays without Altair and vl-convert (about 35 MiB of memory between them)."""
    tmp_path, bucket, cache = primed.folder, primed.bucket, primed.cache
    add_reply(bucket)
    assert charting_modules_of_a_build(config_for(tmp_path, bucket, cache, tmp_path / "second"),
                                       tmp_path / "second", workers=1) == []


def test_a_cold_build_on_two_cores_makes_the_chart_in_another_process(tmp_path, bucket):
    """The chart's document, picture and browser document are made on the other core, into
    the cache: the build's process loads neither Altair nor vl-convert, and the site is the
    one a build on one core makes."""
    two = config_for(tmp_path, bucket, tmp_path / "cache-two", tmp_path / "two")
    assert charting_modules_of_a_build(two, tmp_path / "two", workers=2) == []
    run(tmp_path, bucket, tmp_path / "cache-one", tmp_path / "one")
    assert files(tmp_path / "two") == files(tmp_path / "one")
    assert b"<svg" in (tmp_path / "two" / "index.html").read_bytes()


def test_a_cold_build_starts_drawing_the_chart_before_it_reads_the_messages(tmp_path, bucket, monkeypatch):
    """The chart's drawing process takes about 350 MiB at 20,000 results: it runs while the
    messages are read, not beside the workers rendering bodies and pages. A build whose cache
    holds the chart reads the results once."""
    import builder.build as build_module

    events: list[str] = []
    real_read, real_start = build_module.read_inputs, chart_cache.fresh_python
    real_results = build_module.read_results

    def read_inputs(*args, **kwargs):
        events.append("read messages")
        return real_read(*args, **kwargs)

    def read_results(*args, **kwargs):
        events.append("read results")
        return real_results(*args, **kwargs)

    def fresh_python(code, *args, **popen):
        events.append("chart" if code == chart_cache._MAKE_CHART else "runtime")
        return real_start(code, *args, **popen)

    monkeypatch.setenv("COLLAB_WORKERS", "2")
    monkeypatch.setattr(build_module, "read_inputs", read_inputs)
    monkeypatch.setattr(build_module, "read_results", read_results)
    monkeypatch.setattr(chart_cache, "fresh_python", fresh_python)
    run(tmp_path, bucket, tmp_path / "cache", tmp_path / "cold")
    assert [e for e in events if e != "runtime"] == ["read results", "chart", "read messages"]
    events.clear()
    add_reply(bucket)
    run(tmp_path, bucket, tmp_path / "cache", tmp_path / "cron")
    assert events == ["read messages"]
    events.clear()
    monkeypatch.setenv("COLLAB_WORKERS", "1")                  # no other core to draw it on
    run(tmp_path, bucket, tmp_path / "cache-one", tmp_path / "one")
    assert events == ["read messages"]


def test_a_chart_process_that_fails_leaves_the_chart_to_the_build(tmp_path, bucket, monkeypatch):
    """The helper that makes the chart on the other core exits with an error: the build makes
    the chart itself, and the site is the one a build on one core makes."""
    started = tmp_path / "helper-started"
    monkeypatch.setenv("COLLAB_WORKERS", "2")
    monkeypatch.setattr(chart_cache, "_MAKE_CHART",
                        f"import pathlib, sys; pathlib.Path({str(started)!r}).touch(); sys.exit(3)")
    made = run(tmp_path, bucket, tmp_path / "cache-failed", tmp_path / "failed")
    assert started.exists() and [p for p in made.problems if not is_dropped_ref(p.reason)] == []
    monkeypatch.setenv("COLLAB_WORKERS", "1")
    run(tmp_path, bucket, tmp_path / "cache-one", tmp_path / "one")
    assert files(tmp_path / "failed") == files(tmp_path / "one")


def charting_modules_of_a_build(config: Path, out: Path, workers: int) -> list[str]:
    """Which of Altair and vl-convert a build by the CLI, in a fresh interpreter, loads."""
    code = ("import sys; from builder.cli import main; "
            "main(['build', '--config', sys.argv[1], '--out', sys.argv[2]]); "
            "import json; print(json.dumps(sorted(m for m in ('altair', 'vl_convert') if m in sys.modules)))")
    env = {k: v for k, v in os.environ.items() if k != "COLLAB_CACHE_DIR"}   # the config's cache
    env["COLLAB_WORKERS"] = str(workers)
    done = subprocess.run([sys.executable, "-c", code, str(config), str(out)],
                          cwd=REPO, env=env, capture_output=True, text=True, check=True)
    problems = [line for line in done.stdout.splitlines() if line.startswith("problem: ")]
    assert [line for line in problems if not is_dropped_ref(line.split(": ", 2)[2])] == []
    return json.loads(done.stdout.splitlines()[-1])


def is_dropped_ref(reason: str) -> bool:
    """The bucket keeps the demo's newest messages only: some answer messages it dropped."""
    return reason.startswith("refs ") and reason.endswith("no such message in message_board/ "
                                                          "(nor result); shown unlinked")


def test_a_runner_with_the_site_folder_restored_gives_the_site_a_cold_build_gives(primed, cold_with_reply):
    """As the Action runs: the site folder comes back with the caches. Unchanged pages are
    neither rendered nor written, and their search records come from the page cache."""
    tmp_path, bucket, cache = primed.folder, primed.bucket, primed.cache
    add_reply(bucket)
    cron = run(tmp_path, bucket, cache, tmp_path / "a")
    assert 0 < cron.rendered <= 20
    assert 0 < len(cron.written.written) <= 30 and cron.written.unchanged > 400
    assert files(tmp_path / "a") == cold_with_reply.files


def test_pages_edited_by_hand_in_the_site_folder_are_written_again(primed):
    """The build looks the site folder over (on another core) before it writes there: a page or
    search file changed or removed since the last build is written again, though the cache has
    it (the files the bucket's change touched are written too, and no other)."""
    tmp_path, bucket, cache = primed.folder, primed.bucket, primed.cache
    site = tmp_path / "a"
    oldest_shard = json.loads((site / "pagefind" / "shards.json").read_text())["shards"][0]
    pages = [*(sorted(site.glob(f"{kind}/2*/index.html"))[0] for kind in ("messages", "results")),
             sorted(shard_fragments(site)[oldest_shard])[0]]
    originals = [page.read_bytes() for page in pages]
    later = (site / "manifest.json").stat().st_mtime_ns + 10**9
    for page in pages[0], pages[2]:
        page.write_bytes(page.read_bytes()[::-1])
        os.utime(page, ns=(later, later))
    pages[1].unlink()
    reply = add_reply(bucket)                 # else nothing changed: the build stops at once
    again = run(tmp_path, bucket, cache, site)
    assert [page.read_bytes() for page in pages] == originals
    assert {page.relative_to(site).as_posix() for page in pages} <= set(again.written.written)
    assert 0 < len(again.written.written) <= 30 and reply in again.written.written


def test_a_rebuild_from_the_caches_takes_the_message_previews_from_them(tmp_path, bucket, monkeypatch):
    """The previews and titles of messages (plain text of their bodies) are cached with the
    bodies: a run with one new message computes that message's alone."""
    made: list[str] = []
    for name in ("excerpt_of_html", "title_of_html", "heading_of_html"):       # previews, titles
        real = getattr(context, name)
        monkeypatch.setattr(context, name, lambda html, limit, real=real: made.append(html) or real(html, limit))
    cache = tmp_path / "cache"
    run(tmp_path, bucket, cache, tmp_path / "first")
    assert len(made) > 60
    made.clear()
    add_reply(bucket)
    run(tmp_path, bucket, cache, tmp_path / "fresh-runner")
    assert len(made) == 2 and all("please re-run" in html for html in made)


def test_a_rebuild_reads_from_the_body_cache_only_the_texts_its_new_pages_show(tmp_path, monkeypatch):
    """Bodies, previews and titles the cache holds are read when a page shows them: a run with
    one new message reads those of the pages it renders, not the collaboration's."""
    demo = tmp_path / "demo"
    shutil.copytree(load_config(REPO / "collab.toml", env={}).source_dir(), demo)
    cache = tmp_path / "cache"
    run(tmp_path, demo, cache, tmp_path / "first")
    held = len(TextCache(cache / "render" / "bodies.tsv").entries)
    read: list[str] = []
    real = context.text_of
    monkeypatch.setattr(context, "text_of", lambda raw: read.append(raw) or real(raw))
    monkeypatch.delenv(CHECK_FINGERPRINTS)        # which plans every page, to check it
    add_reply(demo)
    run(tmp_path, demo, cache, tmp_path / "fresh-runner")
    assert 0 < len(read) < held / 3
    run(tmp_path, demo, tmp_path / "empty-cache", tmp_path / "cold")
    assert files(tmp_path / "fresh-runner") == files(tmp_path / "cold")


def test_a_page_key_follows_the_values_a_page_shows_not_which_of_them_are_one_object():
    """Which equal values are one object depends on what the build process did before (a batch
    rendered in-process fills caches the next batches share): a build with one worker after a
    cold build with two re-rendered 61 pages of the 10k bench for one new message, not 9."""
    shared, equal = "".join(["tok/s "] * 20), "".join(["tok/s "] * 20)
    assert shared == equal and shared is not equal

    def key(heading: str) -> str | None:
        return page_key("salt", PageSpec("/x/", "message.html", {"title": shared, "heading": heading}))

    assert key(shared) == key(equal) is not None
    assert key("something else") != key(shared)


@dataclass(frozen=True, slots=True)
class _Author:
    name: str
    seen: datetime


@dataclass(frozen=True, slots=True)
class _Reader:
    name: str
    seen: datetime


def test_a_page_key_follows_every_field_and_the_class_of_the_values_it_shows():
    when = datetime(2026, 7, 9, tzinfo=timezone.utc)

    def key(value) -> str | None:
        return page_key("salt", PageSpec("/x/", "message.html", {"people": [value], "n": 1}))

    assert key(_Author("ann", when)) == key(_Author("ann", when)) is not None
    assert key(_Author("ann", when)) != key(_Author("bob", when))
    assert key(_Author("ann", when)) != key(_Author("ann", when.replace(day=10)))
    assert key(_Author("ann", when)) != key(_Reader("ann", when))
    assert key(re.compile("a+")) == key(re.compile("a+")) != key(re.compile("b+"))


def test_a_page_whose_context_is_cyclic_gets_no_key_instead_of_stopping_the_build():
    loop: list = []
    loop.append(loop)
    assert page_key("salt", PageSpec("/x/", "message.html", {"loop": loop})) is None


def test_the_page_cache_keeps_what_the_search_index_takes_of_each_page(primed):
    pages = PageCache(primed.cache / "render" / "pages")
    handles: dict[str, int] = {}
    indexed = 0
    for packed in pages.index.values():
        data = pages.read(packed, handles)
        assert data is not None and packed.search == page_facts(data)
        indexed += packed.search is not None
        # the indexed part follows the page: the search index is given it as it is
        assert pages.read_part(packed, handles) == (indexed_part(data) if packed.search else None)
    assert indexed > 60                     # every message page at least


def test_a_page_cached_without_its_indexed_part_gives_none_so_the_index_computes_it(tmp_path):
    pages = PageCache(tmp_path / "pages")
    page = PAGE_TO_INDEX
    facts, part = page_search(page)
    writer = pages.writer()
    older = writer.add(page, hashlib.sha256(page).hexdigest(), facts)     # as before parts were kept
    newer = writer.add(page, hashlib.sha256(page).hexdigest(), facts, part)
    assert writer.close()
    handles: dict[str, int] = {}
    assert pages.read_part(older, handles) is None          # the next page's bytes: not its part
    assert pages.read_part(newer, handles) == part
    close_handles(handles)


@pytest.mark.parametrize("value", [
    ["p", 0, 10, "d"],                                  # the four fields of an older index
    ["p", 0, 10, "d", ["t", "10", "x"]],                # a size that is not a number
    ["p", "0", 10, "d", None],
    ["p", 0, 10, "d", ["t", 10]],
    "p",
])
def test_a_page_cache_index_entry_that_is_not_what_the_build_writes_is_dropped(tmp_path, value):
    folder = tmp_path / "pages"
    folder.mkdir()
    good = ["p", 0, 10, "d", ["2026-07-01T00:00", 10, "x"]]
    (folder / "index.json").write_text(json.dumps({"bad": value, "good": good}), encoding="utf-8")
    assert list(PageCache(folder).index) == ["good"]


@pytest.mark.parametrize("value", [
    [["/t/"], [["p"]], [], ""],                          # a problem without its reason
    [["/t/"], [["p", "r"]], [], ""],                     # ... without its level
    [["/t/"], [["p", "r", "fatal"]], [], ""],            # ... with no level the build gives
    [[], [], [], ""],                                    # no page
    [["/t/"], [[1, "r"]], [], ""],
    [["/t/"], [], [3], ""],                              # a cited path that is no path
    [["/t/"], [], [], None],                             # no links' digest
    [["/t/"], []],                                       # what its text cites left out
    [["/t/"]],
    "/t/",
])
def test_a_page_group_that_is_not_what_the_build_writes_is_dropped(tmp_path, value):
    folder = tmp_path / "pages"
    folder.mkdir()
    good = [["/t/", "/t/page/2/"], [["traces/a/s/log.jsonl", "line 3: not JSON", "problem"]],
            ["results/a.md"], "d"]
    (folder / "groups.json").write_text(json.dumps({"bad": value, "good": good}), encoding="utf-8")
    assert list(PageCache(folder).groups) == ["good"]


def register_newcomer(bucket: Path) -> None:
    (bucket / "agents" / "newcomer.md").write_text(
        "---\nagent_name: newcomer\nagent_model: m\n---\nHello.\n", encoding="utf-8")


CHANGES = {   # what changes between two builds: (site, source) before, after, and the bucket
    "an agent registers": ({}, {}, register_newcomer),
    "base_url": ({"base_url": "https://one.example.org/"}, {"base_url": "https://two.example.org/c/"}, None),
    "bucket web_url": ({}, {"web_url": "https://example.org/buckets/o/other"}, None),
    "image_hosts": ({"image_hosts": ["hf.co"]}, {"image_hosts": ["img.example.org"]}, None),
}


@pytest.mark.parametrize("change", CHANGES)
def test_a_cached_page_is_never_reused_when_what_it_shows_changed(tmp_path, bucket, change):
    before, after, mutate = CHANGES[change]
    split = lambda d: ({k: v for k, v in d.items() if k != "web_url"},
                       {k: v for k, v in d.items() if k == "web_url"})
    cache = tmp_path / "cache"
    page = add_reply(bucket)
    run(tmp_path, bucket, cache, tmp_path / "a", *split(before))
    if mutate:
        mutate(bucket)
    run(tmp_path, bucket, cache, tmp_path / "b", *split(after))
    cold = run(tmp_path, bucket, tmp_path / "no-cache", tmp_path / "c", *split(after))
    assert cold.rendered == cold.pages
    assert files(tmp_path / "b") == files(tmp_path / "c"), "the cached build equals a build without cache"
    first = (tmp_path / "a" / page).read_text(encoding="utf-8")
    second = (tmp_path / "b" / page).read_text(encoding="utf-8")
    assert first != second, "the change shows on the message's page"
    if change == "an agent registers":
        assert "agents/newcomer/" in second and "agents/newcomer/" not in first
    if change == "image_hosts":
        assert "https://img.example.org/plot.png" in second.split("<img", 1)[-1]
        assert "<img" not in first.split('class="message-body', 1)[-1].split("</article>")[0]


def test_a_template_override_renders_every_page_again(primed):
    """An organizer's theme_dir changes pages as code does: no page comes from the cache."""
    tmp_path, bucket, cache = primed.folder, primed.bucket, primed.cache
    theme = tmp_path / "theme" / "templates"
    theme.mkdir(parents=True)
    (theme / "base.html").write_text(
        '{% extends "collab-site/base.html" %}{% block head %}<meta name="theme" content="changed theme">'
        '{% endblock %}',
        encoding="utf-8")
    again = run(tmp_path, bucket, cache, tmp_path / "b", site={"theme_dir": str(tmp_path / "theme")})
    assert again.rendered == again.pages
    pages = [p.read_text(encoding="utf-8") for p in (tmp_path / "b").rglob("*.html")]
    assert any("changed theme" in page for page in pages)


def test_a_checkout_moved_elsewhere_keeps_the_render_cache(tmp_path):
    """Where the code lies changes no page: the same code in another folder (a second checkout,
    a runner with another workspace path) keys the cache as the first did, so it renders
    nothing again. An organizer's theme moved with its config keys it the same too."""
    moved = tmp_path / "elsewhere"
    shutil.copytree(REPO / "builder", moved / "builder",
                    ignore=shutil.ignore_patterns("__pycache__"))
    here = subprocess.run([sys.executable, "-c", "from builder.build import code_digest; "
                           "import builder; print(builder.__file__, code_digest())"],
                          cwd=moved, capture_output=True, text=True, check=True).stdout.split()
    assert here[0] == str(moved / "builder" / "__init__.py")
    assert here[1] == code_digest()
    theme = tmp_path / "theme" / "templates"
    theme.mkdir(parents=True)
    (theme / "base.html").write_text('{% extends "collab-site/base.html" %}', encoding="utf-8")
    shutil.copytree(tmp_path / "theme", tmp_path / "other" / "theme")
    assert code_digest(tmp_path / "theme") == code_digest(tmp_path / "other" / "theme")
    assert code_digest(tmp_path / "theme") != code_digest()


def compiled_templates(monkeypatch) -> list[str]:
    """The names of the templates Jinja compiles from here on, in this process."""
    names: list[str] = []
    compile_source = jinja2.Environment.compile

    def counted(self, source, name=None, *args, **kwargs):
        names.append(name)
        return compile_source(self, source, name, *args, **kwargs)

    monkeypatch.setattr(jinja2.Environment, "compile", counted)
    return names


def test_a_run_with_the_caches_restored_compiles_no_template(tmp_path, bucket, monkeypatch):
    """The templates compiled by the last build, in its workers too, come from the cache."""
    monkeypatch.delitem(SEEDS, CompiledTemplates.NAMESPACE)      # the first build compiles them
    monkeypatch.setenv("COLLAB_WORKERS", "2")
    monkeypatch.setattr(parallel, "MIN_ITEMS", 4)          # pages are rendered in workers
    cache = tmp_path / "cache"
    compiled = compiled_templates(monkeypatch)
    run(tmp_path, bucket, cache, tmp_path / "first")
    assert "message.html" not in compiled, "the workers rendered the message pages"

    compiled.clear()
    monkeypatch.setenv("COLLAB_WORKERS", "1")
    page = add_reply(bucket)
    cron = run(tmp_path, bucket, cache, tmp_path / "fresh-runner")
    assert 0 < cron.rendered and page in files(tmp_path / "fresh-runner")
    assert compiled == [], compiled
    kept = list((cache / "render" / CompiledTemplates.NAMESPACE).iterdir())
    assert 10 < len(kept) <= len(make_environment("").list_templates())


def test_templates_compiled_for_another_theme_are_dropped_from_the_cache(primed):
    tmp_path, bucket, cache = primed.folder, primed.bucket, primed.cache
    folder = cache / "render" / CompiledTemplates.NAMESPACE
    first = {p.name for p in folder.iterdir()}
    theme = tmp_path / "theme" / "templates"
    theme.mkdir(parents=True)
    (theme / "message.html").write_text('{% extends "collab-site/message.html" %}', encoding="utf-8")
    run(tmp_path, bucket, cache, tmp_path / "b", site={"theme_dir": str(tmp_path / "theme")})
    second = {p.name for p in folder.iterdir()}
    assert second != first and len(second) <= len(first) + 1
    run(tmp_path, bucket, cache, tmp_path / "c")
    assert {p.name for p in folder.iterdir()} == first


def test_a_damaged_cache_is_ignored(primed):
    tmp_path, bucket, cache = primed.folder, primed.bucket, primed.cache
    render_cache = cache / "render"
    (render_cache / "bodies.tsv").write_text('{"x": [1, 2', encoding="utf-8")
    lines = (render_cache / "inputs.tsv").read_text(encoding="utf-8").splitlines()
    assert len(lines) > 60
    (render_cache / "inputs.tsv").write_text("\n".join(
        line[: len(line) // 2] if i % 2 else line.replace('"', "'")
        for i, line in enumerate(lines)), encoding="utf-8")
    packs = sorted((render_cache / "pages").glob("*.pack"))
    assert packs
    for i, pack in enumerate(packs):
        data = pack.read_bytes()
        pack.write_bytes(data[: len(data) // 2] if i % 2 else b"\0garbage" + data[8:])
    for entry in (render_cache / "chart-svg").iterdir():
        entry.write_bytes(b"")
    for i, entry in enumerate(sorted((render_cache / "template-code").iterdir())):
        data = entry.read_bytes()
        entry.write_bytes(data[: len(data) // 2] if i % 2 else data[:70] + b"garbage" + data[77:])
    damaged = run(tmp_path, bucket, cache, tmp_path / "b")
    assert damaged.rendered > 0
    assert files(tmp_path / "a") == files(tmp_path / "b")
    (render_cache / "pages" / "index.json").write_text("not json", encoding="utf-8")
    run(tmp_path, bucket, cache, tmp_path / "c")
    assert files(tmp_path / "a") == files(tmp_path / "c")


def test_the_cache_keeps_only_what_the_last_build_used(tmp_path, bucket):
    """Entries the last build did not use are dropped (pack files keep their bytes until
    they are mostly unused, then are rewritten), so the cache stays about one site large."""
    cache = tmp_path / "cache"
    secret = "zebra-quartz-unique-phrase"
    message = bucket / "message_board" / "20991231-235959-000_kestrel.md"
    message.write_text(f"---\ntype: agent\nagent: kestrel\n---\n{secret}\n", encoding="utf-8")
    run(tmp_path, bucket, cache, tmp_path / "a")

    def kept() -> bytes:
        """The records read, the bodies and every page the cache's index still lists."""
        pages = PageCache(cache / "render" / "pages")
        handles: dict[str, int] = {}
        texts = [pages.read(p, handles) or b"" for p in pages.index.values()]
        return b"".join([(cache / "render" / "inputs.tsv").read_bytes(),
                         (cache / "render" / "bodies.tsv").read_bytes(), *texts])

    def size() -> int:
        return sum(p.stat().st_size for p in cache.rglob("*") if p.is_file())

    assert secret.encode() in kept()
    first = size()
    message.unlink()
    for i in range(4):                                   # new messages come and go
        (bucket / "message_board" / f"2099123{i}-235959-000_kestrel.md").write_text(
            f"---\ntype: agent\nagent: kestrel\n---\nmessage {i}\n", encoding="utf-8")
        run(tmp_path, bucket, cache, tmp_path / f"b{i}")
        assert size() < 2 * first
    assert secret.encode() not in kept()


# --- pages taken from the cache by their fingerprint (builder.pages.spec.Deferred) --------------

def refs_of(path: Path) -> list[str]:
    head = path.read_text(encoding="utf-8").split("\n---", 1)[0]
    return re.findall(r"^- (\S+\.md)$", head, flags=re.M)


def message_naming(bucket: Path, folder: str) -> tuple[Path, Path]:
    """The newest message that names a file of `folder` the bucket has, and that file."""
    for path in sorted((bucket / "message_board").glob("*.md"), reverse=True):
        for ref in refs_of(path):
            if (bucket / folder / ref).is_file():
                return path, bucket / folder / ref
    raise AssertionError(f"no message names a file of {folder}/")


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def page_of(message: Path) -> str:
    return f"messages/{message.stem}/index.html"


def reply_reworded(bucket: Path) -> str:
    reply, parent = message_naming(bucket, "message_board")
    edit(reply, "\n---\n", "\n---\nReworded opening of this reply.\n")
    return page_of(parent)                   # lists its replies with their opening words


def answered_message_reworded(bucket: Path) -> str:
    reply, parent = message_naming(bucket, "message_board")
    edit(parent, "\n---\n", "\n---\nReworded opening of the message answered.\n")
    return page_of(reply)                    # shows the opening words of the message it answers


def named_result_rescored(bucket: Path) -> str:
    message, result = message_naming(bucket, "results")
    edit(result, "\ntps: ", "\ntps: 9")
    return page_of(message)                  # links the result with its score


NEIGHBOUR_CHANGES = {
    "a reply is reworded": reply_reworded,
    "the message answered is reworded": answered_message_reworded,
    "a result the message names gets another score": named_result_rescored,
}


def test_a_fingerprint_that_misses_what_its_page_shows_stops_a_checked_build(tmp_path, bucket, monkeypatch):
    """The check the tests' builds make is real: with message fingerprints blind to the other
    messages, rewording a reply leaves its parent's fingerprint as it was, and the build stops."""
    import builder.pages.messages as messages
    real = messages.message_fingerprint

    def blind(ctx, m, *thread):
        return real(ctx, m, *thread) and ctx.fingerprint("blind", ctx.message_keys[m.id])
    monkeypatch.setattr(messages, "message_fingerprint", blind)
    a_reworded_reply_stops_a_checked_build(tmp_path, bucket)


def test_a_block_fingerprint_that_misses_what_its_pages_show_stops_a_checked_build(
        tmp_path, bucket, monkeypatch):
    """Pages taken from the cache as a block are checked too: with the fingerprint of a run of
    messages blind to their files, rewording a reply leaves the block as it was, and the build
    stops instead of keeping the reply's old page."""
    import builder.pages.messages as messages

    def blind(ctx, run, around):
        return ctx.fingerprint("blind", *(m.id for m in run))
    monkeypatch.setattr(messages, "messages_fingerprint", blind)
    a_reworded_reply_stops_a_checked_build(tmp_path, bucket)


def a_reworded_reply_stops_a_checked_build(tmp_path: Path, bucket: Path) -> None:
    cache = tmp_path / "cache"
    run(tmp_path, bucket, cache, tmp_path / "a")
    reply_reworded(bucket)
    with pytest.raises(StaleFingerprint):
        run(tmp_path, bucket, cache, tmp_path / "b")


@pytest.mark.parametrize("value", [
    "",                                                  # no page
    "/t/\tfp\n/u/\tfp2\n",                               # no weight
    "/t/\tfp\tone\n",                                    # a weight that is no number
    ["/t/", "fp", 1],
])
def test_a_page_block_that_is_not_what_the_build_writes_is_taken_for_unknown(tmp_path, value):
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "index.json").write_text(json.dumps({"k": ["p", 0, 1, "d", None]}), encoding="utf-8")
    (folder / "fingerprints.json").write_text(json.dumps({"fp": "k"}), encoding="utf-8")
    (folder / "blocks.json").write_text(json.dumps({"bad": value, "good": "/t/\tfp\t3\n"}),
                                        encoding="utf-8")
    cache = PageCache(folder)
    assert cache.block_for("bad") is None
    assert [(p.url, p.weight, key) for p, key in cache.block_for("good")] == [("/t/", 3, "k")]


def test_whom_an_agent_writes_to_most_follows_its_messages_past_the_recent_ones(
        tmp_path, bucket, monkeypatch):
    """A profile lists the agent's newest messages and whom it writes to most: an older message
    that now mentions another agent changes the latter alone. A fingerprint blind to it would
    keep the page as it was, and the checked build would stop."""
    import builder.pages.agents as agents
    monkeypatch.setattr(agents, "RECENT_MESSAGES", 1)
    monkeypatch.setattr(context, "CORRESPONDENTS", 100)
    cache = tmp_path / "cache"
    run(tmp_path, bucket, cache, tmp_path / "a")
    messages = sorted((bucket / "message_board").glob("2*.md"))
    author = next(a for a in map(agent_of, messages) if sum(agent_of(p) == a for p in messages) > 1)
    oldest = next(p for p in messages if agent_of(p) == author)
    texts = "".join(p.read_text(encoding="utf-8") for p in messages if agent_of(p) == author)
    other = next(p.stem for p in sorted((bucket / "agents").glob("*.md"))
                 if p.stem != author and f"@{p.stem}" not in texts)
    oldest.write_text(oldest.read_text(encoding="utf-8") + f"\n@{other} see above.\n",
                      encoding="utf-8")
    run(tmp_path, bucket, cache, tmp_path / "b")
    page = f"agents/{author}/index.html"
    before, after = ((tmp_path / site / page).read_text(encoding="utf-8") for site in "ab")
    assert f'href="/agents/{other}/">{other}</a> (1)' in after.split("Writes most to")[1]
    assert f'href="/agents/{other}/">{other}</a> (1)' not in before


def result_page_of(result: Path) -> str:
    return f"results/{result.stem}/index.html"


def naming_message_reworded(bucket: Path) -> str:
    message, result = message_naming(bucket, "results")
    edit(message, "\n---\n", "\n---\nReworded opening of a message naming a result.\n")
    return result_page_of(result)            # lists the messages naming it, with their opening


def new_message_names_it(bucket: Path) -> str:
    _, result = message_naming(bucket, "results")
    (bucket / "message_board" / "20991231-235958-000_kestrel.md").write_text(
        f"---\ntype: agent\nagent: kestrel\nrefs:\n- {result.name}\n---\nConfirmed.\n", encoding="utf-8")
    return result_page_of(result)


def outranked(bucket: Path) -> str:
    _, result = message_naming(bucket, "results")
    (bucket / "results" / "20991231-000000-000_kestrel.md").write_text(
        "---\ntps: 99999.5\nppl: 2.39\nmethod: outrank\nstatus: agent-run\ndescription: x\n"
        "agent: kestrel\ntimestamp: 2099-12-31 00:00 UTC\n---\nFaster.\n", encoding="utf-8")
    return result_page_of(result)            # shows its rank


def verified_invalid(bucket: Path) -> str:
    _, result = message_naming(bucket, "results")
    verdicts = bucket / "results" / "verification_status.json"
    table = json.loads(verdicts.read_text(encoding="utf-8"))
    table[result.name] = "invalid"
    verdicts.write_text(json.dumps(table), encoding="utf-8")
    return result_page_of(result)


def ranked_method_reworded_in(file: str) -> Callable[[Path], str]:
    """Rewords the method of a ranked result; `file`, which lists it, must change."""
    def change(bucket: Path) -> str:
        _, result = message_naming(bucket, "results")
        edit(result, "\nmethod: ", "\nmethod: reworded ")
        return file
    return change


RESULT_CHANGES = {
    "a message naming the result is reworded": naming_message_reworded,
    "a new message names the result": new_message_names_it,
    "another result outranks it": outranked,
    "the result is verified invalid": verified_invalid,
    "its method is reworded (leaderboard.json)": ranked_method_reworded_in("leaderboard.json"),
    "its method is reworded (leaderboard.csv)": ranked_method_reworded_in("leaderboard.csv"),
    "its method is reworded (the table of all results)": ranked_method_reworded_in("results/index.html"),
}


def newest_message_reworded(bucket: Path) -> str:
    newest = sorted((bucket / "message_board").glob("2*.md"))[-1]
    edit(newest, "\n---\n", "\n---\nReworded opening of the newest message.\n")
    return "messages/index.html"             # lists the newest messages with their opening


def a_new_type_of_message(bucket: Path) -> str:
    (bucket / "message_board" / "20991231-235957-000_kestrel.md").write_text(
        "---\ntype: novel-kind\nagent: kestrel\n---\nA new kind of message.\n", encoding="utf-8")
    return "messages/page/1/index.html"      # a numbered page: links every type there is


def the_readme_reworded(bucket: Path) -> str:
    edit(bucket / "README.md", "Make ", "Make, please, ")
    return "about/index.html"


LISTING_CHANGES = {
    "the bucket's README is reworded": the_readme_reworded,
    "a listed message is reworded": newest_message_reworded,
    "a new type of message appears": a_new_type_of_message,
}


def agent_of(path: Path) -> str:
    return re.search(r"^agent: (\S+)$", path.read_text(encoding="utf-8"), flags=re.M).group(1)


def newest_message_reworded_on(page: str) -> Callable[[Path], str]:
    """Rewords the newest message; `page`, formatted with its author, is what must change."""
    def change(bucket: Path) -> str:
        newest_message_reworded(bucket)
        return page.format(agent_of(sorted((bucket / "message_board").glob("2*.md"))[-1]))
    return change


def named_result_changed_on(mutate: Callable[[Path], str], page: str) -> Callable[[Path], str]:
    """`mutate`s the result a message names; `page`, formatted with its agent, must change."""
    def change(bucket: Path) -> str:
        _, result = message_naming(bucket, "results")
        mutate(bucket)
        return page.format(agent_of(result))
    return change


def traces_result_rescored(bucket: Path) -> str:
    manifest = sorted((bucket / "traces").rglob("manifest.md"))[0]
    ref = re.search(r"^result_ref: (\S+)$", manifest.read_text(encoding="utf-8"), flags=re.M).group(1)
    edit(bucket / "results" / ref, "\ntps: ", "\ntps: 9")
    session = manifest.parent.relative_to(bucket / "traces").as_posix()
    return f"traces/{session}/index.html"     # the header links the result with its score


def new_message_to(name: str, bucket: Path) -> None:
    author = "orbit-7" if name == "kestrel" else "kestrel"
    (bucket / "message_board" / f"20991231-235956-000_{author}.md").write_text(
        f"---\ntype: agent\nagent: {author}\n---\n@{name} have a look.\n", encoding="utf-8")


def a_new_message_mentions_an_agent(bucket: Path) -> str:
    _, parent = message_naming(bucket, "message_board")     # its author has been answered
    new_message_to(agent_of(parent), bucket)
    return f"messages/to/{agent_of(parent)}/index.html"


def first_message_to_an_agent(bucket: Path) -> str:
    """An agent nobody wrote to (no mention, no message to answer) is mentioned: its page
    gains the link to the messages to it."""
    texts = [p.read_text(encoding="utf-8") for p in (bucket / "message_board").glob("*.md")]
    authors = {m.group(1) for t in texts for m in re.finditer(r"^agent: (\S+)$", t, flags=re.M)}
    name = next(p.stem for p in sorted((bucket / "agents").glob("*.md"))
                if p.stem not in authors and not any(f"@{p.stem}" in t for t in texts))
    new_message_to(name, bucket)
    return f"agents/{name}/index.html"


def joins_a_taskforce(bucket: Path) -> str:
    """An agent that is in no taskforce joins one: its page lists it."""
    charter = bucket / "taskforces" / "quant-guard" / "README.md"
    members = {m.group(1) for p in (bucket / "taskforces").glob("*/README.md")
               for m in re.finditer(r"@([\w-]+)", p.read_text(encoding="utf-8"))}
    name = next(p.stem for p in sorted((bucket / "agents").glob("*.md")) if p.stem not in members)
    edit(charter, "\nMembers: ", f"\nMembers: @{name}, ")
    return f"agents/{name}/index.html"


def a_taskforce_retitled(bucket: Path) -> str:
    """A member's page shows its taskforces' titles."""
    edit(bucket / "taskforces" / "speculative-decoding" / "README.md", "# Taskforce: ", "# Taskforce: fast ")
    return "agents/tessellate/index.html"


def new_message_cites_a_taskforce(bucket: Path) -> str:
    (bucket / "message_board" / "20991231-235955-000_kestrel.md").write_text(
        "---\ntype: agent\nagent: kestrel\n---\nSee `taskforces/quant-guard/ppl-budget.csv`.\n",
        encoding="utf-8")
    return "taskforces/quant-guard/index.html"


AGENT_CHANGES = {
    "an agent joins a taskforce": joins_a_taskforce,
    "a taskforce of the agent is retitled": a_taskforce_retitled,
    "a new message cites a taskforce": new_message_cites_a_taskforce,
    "a new message mentions an agent": a_new_message_mentions_an_agent,
    "an agent is written to for the first time": first_message_to_an_agent,
    "a recent message of the agent is reworded": newest_message_reworded_on("agents/{}/index.html"),
    "a result of the agent is outranked": named_result_changed_on(outranked, "agents/{}/index.html"),
    "the result a trace names gets another score": traces_result_rescored,
    "a message in an agent's feed is reworded": newest_message_reworded_on("feeds/agents/{}.xml"),
    "a result in an agent's feed gets another score": named_result_changed_on(named_result_rescored,
                                                                               "feeds/agents/{}.xml"),
}

FINGERPRINT_CHANGES = {**NEIGHBOUR_CHANGES, **RESULT_CHANGES, **LISTING_CHANGES, **AGENT_CHANGES}


@pytest.mark.parametrize("change", FINGERPRINT_CHANGES)
def test_a_page_changes_with_what_it_shows_of_other_files(primed, change):
    """A message page shows parts of other files (its replies, the message it answers, the
    results it names), a result page its rank, verdict and the messages naming it, a listing
    the messages it lists and every type: changing one of those must re-plan the page, though
    its own file is the same. The tests' builds check every fingerprint hit
    (COLLAB_CHECK_FINGERPRINTS), so a fingerprint that missed the change would stop the second
    build."""
    tmp_path, bucket, cache = primed.folder, primed.bucket, primed.cache
    assert json.loads((cache / "render" / "pages" / "fingerprints.json").read_text(encoding="utf-8"))
    page = FINGERPRINT_CHANGES[change](bucket)
    again = run(tmp_path, bucket, cache, tmp_path / "b")
    run(tmp_path, bucket, tmp_path / "no-cache", tmp_path / "c")
    assert files(tmp_path / "b") == files(tmp_path / "c")
    assert (tmp_path / "a" / page).read_bytes() != (tmp_path / "b" / page).read_bytes()
    assert 0 < again.rendered < again.pages // 2


def page_before_and_after(tmp_path: Path, bucket: Path, change: Callable[[], None], page: str):
    """`page` of a build and of a build after `change` that takes the rest from the cache."""
    cache = tmp_path / "cache"
    run(tmp_path, bucket, cache, tmp_path / "a")
    change()
    again = run(tmp_path, bucket, cache, tmp_path / "b")
    assert 0 < again.rendered < again.pages // 2
    return soup(tmp_path / "a" / page), soup(tmp_path / "b" / page)


def post_as_basalt(bucket: Path, times: list[datetime]) -> None:
    """Messages by basalt posted at `times` (UTC), each saying which of them it is."""
    for n, t in enumerate(times, 1):
        (bucket / "message_board" / f"{t:%Y%m%d-%H%M%S}-000_basalt.md").write_text(
            f"---\ntype: agent\nagent: basalt\ntimestamp: {t:%Y-%m-%d %H:%M} UTC\n---\n"
            f"Message {n} of the sweep.\n", encoding="utf-8")


def test_an_agents_page_changes_when_a_message_it_no_longer_lists_moves_to_another_day(tmp_path,
                                                                                      bucket):
    """A profile lists an agent's newest messages and draws the days of all of them: an older
    message dated again must re-plan the page, though none it lists changed (the builds check
    every fingerprint hit)."""
    post_as_basalt(bucket, [datetime(2099, 12, day, 12)                 # the newest ones, a
                            for day in range(1, RECENT_MESSAGES + 2)])    # day apart
    older = sorted((bucket / "message_board").glob("2026*_basalt.md"))[0]
    posted = datetime.strptime(older.name[:15], "%Y%m%d-%H%M%S")
    stamped = posted - timedelta(hours=20)          # the day before (within a day of its name's)
    assert stamped.date() != posted.date()
    before, after = page_before_and_after(
        tmp_path, bucket, lambda: edit(older, f"timestamp: {posted:%Y-%m-%d %H:%M}",
                                       f"timestamp: {stamped:%Y-%m-%d %H:%M}"),
        "agents/basalt/index.html")
    assert [a["href"] for a in before.select("figure.day-bars svg a")] != \
        [a["href"] for a in after.select("figure.day-bars svg a")]
    assert before.select("section[aria-labelledby=msg-title] li") == \
        after.select("section[aria-labelledby=msg-title] li")         # the messages it lists


def test_a_numbered_page_changes_when_the_message_after_it_moves_to_another_day(tmp_path,
                                                                                bucket):
    """A numbered page says that its newest day goes on on the newer page when that page's
    oldest message is of the same day: that message dated again must re-plan the page, though
    none it lists changed (the builds check every fingerprint hit)."""
    post_as_basalt(bucket, [datetime(2099, 12, 1, 12, n) for n in range(45)])   # 104: 2 pages
    last, after = sorted((bucket / "message_board").glob("2*.md"))[49:51]   # of page 1; page 2
    assert last.name[:8] == after.name[:8] == "20260712"
    before, now = page_before_and_after(
        tmp_path, bucket, lambda: edit(after, "timestamp: 2026-07-12", "timestamp: 2026-07-13"),
        "messages/page/1/index.html")
    assert html_text(before.select_one("h2.day-divider")).endswith("continued from the newer page")
    assert html_text(now.select_one("h2.day-divider")) == "Sunday 12 July 2026"
    assert before.select("li.message-card") == now.select("li.message-card")


def cite_in_body(path: Path, words: str) -> None:
    edit(path, "\n---\n", f"\n---\n{words}\n")


def cite_in_log(path: Path, words: str) -> None:
    """In the first text the model wrote (a JSON string: the words hold no quote)."""
    edit(path, '{"type":"text","text":"', '{"type":"text","text":"' + words + " ")


# Texts that may cite a file: (their files, the page that shows the newest one's text, how a
# citation is added to one)
CITING = {
    "a message": ("message_board/2*.md", lambda p: f"messages/{p.stem}/index.html", cite_in_body),
    "a result": ("results/2*.md", lambda p: f"results/{p.stem}/index.html", cite_in_body),
    "an agent's bio": ("agents/*.md", lambda p: f"agents/{p.stem}/index.html", cite_in_body),
    "a trace's notes": ("traces/*/*/manifest.md",
                        lambda p: f"traces/{p.parent.parent.name}/{p.parent.name}/index.html",
                        cite_in_body),
    "a transcript": ("traces/kestrel/*/*.jsonl",
                     lambda p: f"traces/kestrel/{p.parent.name}/index.html", cite_in_log),
}


@pytest.mark.parametrize("named, section", [("results", "results"), ("message_board", "messages")])
@pytest.mark.parametrize("named_file", ["appears", "goes"])
def test_a_text_links_to_the_page_of_a_file_it_names_while_the_file_is_there(
        primed, named, section, named_file):
    """Agent text that names the bucket path of a message or a result links to its page; the
    text's cache key and its pages' fingerprints follow from which of those files exist, so the
    link comes and goes with the file (the tests' builds check every fingerprint hit). Every
    kind of text cites the file in the same builds, each shown on a page of its own: a page
    whose fingerprint missed the file is not planned again for another text's sake, and stops
    the build."""
    tmp_path, bucket, cache = primed.folder, primed.bucket, primed.cache
    target = sorted((bucket / named).glob("2*.md"))[0]
    pages = {}
    for citing, (pattern, page_of_text, cite) in CITING.items():
        text = sorted(bucket.glob(pattern))[-1]
        cite(text, f"Details in `{named}/{target.name}`.")
        pages[citing] = page_of_text(text)
    assert len(set(pages.values())) == len(CITING)
    kept = target.read_bytes()
    if named_file == "appears":
        target.unlink()
    run(tmp_path, bucket, cache, tmp_path / "a")
    if named_file == "appears":
        target.write_bytes(kept)
    else:
        target.unlink()
    again = run(tmp_path, bucket, cache, tmp_path / "b")
    run(tmp_path, bucket, tmp_path / "no-cache", tmp_path / "c")
    assert files(tmp_path / "b") == files(tmp_path / "c")
    link = f'<a href="/{section}/{target.stem}/" rel="noopener noreferrer nofollow"><code>{named}/'
    linked = {citing: [link in (tmp_path / site / page).read_text(encoding="utf-8") for site in "ab"]
              for citing, page in pages.items()}
    expected = [False, True] if named_file == "appears" else [True, False]
    assert linked == {citing: expected for citing in CITING}
    assert 0 < again.rendered < again.pages // 2


# --- TextCache: one line per text, added to at the end ------------------------------------------

def text_cache_run(path: Path, used: dict[str, str]) -> dict[str, str | None]:
    """One build's use of a TextCache: what it found for each key, then it keeps `used`."""
    cache = TextCache(path)
    found = {key: cache.get(key) for key in used}
    for key, text in used.items():
        cache.keep(key, text)
    cache.save()
    return found


def test_a_text_cache_adds_new_texts_at_the_end_and_keeps_the_rest_as_written(tmp_path):
    path = tmp_path / "texts.tsv"
    first = {"a": "<p>one\nline\ttwo</p>", "b": "ünïcode \u2028 \"quoted\""}
    assert text_cache_run(path, first) == {"a": None, "b": None}
    written = path.read_bytes()
    assert text_cache_run(path, {**first, "c": "three"}) == {**first, "c": None}
    assert path.read_bytes().startswith(written) and len(path.read_bytes()) > len(written)
    assert text_cache_run(path, {**first, "c": "three"}) == {**first, "c": "three"}


def test_a_text_cache_keeps_the_entries_a_build_kept_unread(tmp_path):
    path = tmp_path / "texts.tsv"
    text_cache_run(path, {"a": "first", "b": "sécond \"quoted\"", "c": "third"})
    written = path.read_bytes()
    cache = TextCache(path)
    assert text_of(cache.keep_as_is("a")) == "first" and cache.keep_as_is("zz") is None
    cache.keep_as_is("b")
    cache.keep_as_is("c")
    cache.keep("d", "new")
    cache.save()                                   # all kept: "d" is added at the end
    assert path.read_bytes().startswith(written)
    cache = TextCache(path)
    cache.keep_as_is("b")
    cache.keep("d", "new")
    cache.save()                                   # "a" and "c" unused: written again
    assert b"first" not in path.read_bytes() and b"third" not in path.read_bytes()
    assert text_cache_run(path, {"b": "x", "d": "x"}) == {"b": "sécond \"quoted\"", "d": "new"}


def test_a_text_cache_cut_short_is_whole_again_after_a_build_that_kept_it_unread(tmp_path):
    path = tmp_path / "texts.tsv"
    texts = {"a": "first", "b": "second", "c": "third"}
    text_cache_run(path, texts)
    path.write_bytes(path.read_bytes()[:-5])               # the last line cut short by a crash
    cache = TextCache(path)
    held = {key: cache.keep_as_is(key) for key in texts}
    assert [key for key, raw in held.items() if raw is None] == ["c"]
    cache.keep("c", "third")                               # made again
    cache.save()
    assert text_cache_run(path, texts) == texts


def test_a_text_cache_left_with_an_unused_text_forgets_it(tmp_path):
    path = tmp_path / "texts.tsv"
    text_cache_run(path, {"a": "kept", "b": "secret that was deleted"})
    text_cache_run(path, {"a": "kept"})
    assert b"secret" not in path.read_bytes()
    assert text_cache_run(path, {"a": "kept", "b": "x"}) == {"a": "kept", "b": None}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=st.lists(st.text(), max_size=4))
def test_a_text_cache_gives_back_any_text_it_kept(tmp_path, texts):
    path = tmp_path / "any.tsv"
    path.unlink(missing_ok=True)
    used = {f"k{i}": text for i, text in enumerate(texts)}
    text_cache_run(path, used)
    assert text_cache_run(path, used) == used


@pytest.mark.parametrize("damage", [
    lambda data: data[:-5],                              # the last line cut short
    lambda data: data[:-1],                              # no line end after the last line
    lambda data: b'{"a": "old format"}',                 # another format
    lambda data: data.replace(b"\t", b"\t\x01", 1),      # a value that is not JSON
    lambda data: b"\xff\xfe" + data,                     # not UTF-8
])
def test_a_damaged_text_cache_costs_misses_and_is_written_whole_again(tmp_path, damage):
    path = tmp_path / "texts.tsv"
    texts = {"a": "first", "b": "second", "c": "third"}
    text_cache_run(path, texts)
    path.write_bytes(damage(path.read_bytes()))
    found = text_cache_run(path, texts)
    assert all(found[key] in (None, texts[key]) for key in texts), "a miss, never a wrong text"
    assert path.read_text(encoding="utf-8").count("\n") == 3 and path.read_bytes().endswith(b"\n")
    assert text_cache_run(path, texts) == texts


# --- trace sessions: pages planned together, taken from the cache together ----------------------

def a_log(bucket: Path) -> Path:
    return sorted((bucket / "traces").rglob("*.jsonl"))[0]


def test_a_run_with_no_log_changed_reads_no_log(tmp_path, bucket, monkeypatch):
    """A session's pages are many, and how many is known once its log is read: they are taken
    from the cache together, so a run where no log changed parses none."""
    import builder.build as build_module
    monkeypatch.delenv("COLLAB_CHECK_FINGERPRINTS")          # it would read every log to check
    read: list[str] = []
    real = build_module.load_transcript
    monkeypatch.setattr(build_module, "load_transcript",
                        lambda bucket, trace, config: read.append(trace.session_id) or real(bucket, trace, config))
    cache = tmp_path / "cache"
    run(tmp_path, bucket, cache, tmp_path / "a")
    assert len(read) >= 6
    read.clear()
    add_reply(bucket)
    run(tmp_path, bucket, cache, tmp_path / "b")
    assert read == []
    edit(a_log(bucket), "\n", "\nnot json, a broken line\n")
    run(tmp_path, bucket, cache, tmp_path / "c")
    assert len(read) == 1
    run(tmp_path, bucket, tmp_path / "no-cache", tmp_path / "d")
    assert files(tmp_path / "c") == files(tmp_path / "d")


def test_a_session_taken_from_the_cache_still_reports_its_problems(tmp_path, bucket):
    edit(a_log(bucket), "\n", "\nnot json, a broken line\n")
    cache = tmp_path / "cache"
    first = run(tmp_path, bucket, cache, tmp_path / "a")
    found = [p for p in first.problems if p.path.endswith(".jsonl")]
    assert found
    add_reply(bucket)
    again = run(tmp_path, bucket, cache, tmp_path / "b")
    assert [p for p in again.problems if p.path.endswith(".jsonl")] == found
    run(tmp_path, bucket, tmp_path / "no-cache", tmp_path / "c")
    assert files(tmp_path / "b") == files(tmp_path / "c")
