"""What the build holds in memory: at 100,000 messages every copy of the collaboration counts
(`make bench --scale 10` measures it; these tests keep the structure that bounds it)."""
from __future__ import annotations

import gc
import weakref

import builder.build as build_module
import builder.pages.messages as messages_section
from builder import parallel, planning, restore
from builder.pages.spec import Deferred, PageSpec
from builder.search import SearchIndex
from tests.test_render_cache import _seeds_in_every_cache, bucket, compiled_theme, run  # noqa: F401


def test_the_collaboration_is_out_of_memory_before_the_search_index_is_made(tmp_path, bucket, monkeypatch):
    """The search index is the build's other large step: at 100,000 messages the collaboration,
    its bodies and the site context are several hundred MiB it must not hold on to."""
    made: list[weakref.ref] = []
    alive_at_search: list[list[str]] = []
    real_context, real_files = build_module.site_context, SearchIndex.files

    def site_context(*args, **kwargs):
        ctx = real_context(*args, **kwargs)
        made.extend(weakref.ref(o) for o in (ctx, ctx.collab, ctx.bodies))
        return ctx

    def files(self, read):
        gc.collect()
        alive_at_search.append([type(ref()).__name__ for ref in made if ref() is not None])
        return real_files(self, read)

    monkeypatch.setattr(build_module, "site_context", site_context)
    monkeypatch.setattr(SearchIndex, "files", files)
    run(tmp_path, bucket, tmp_path / "cache", tmp_path / "site")
    assert len(made) == 3 and alive_at_search == [[]]


def test_a_batch_of_pages_that_show_many_messages_is_cut_short(tmp_path, bucket, monkeypatch):
    """A worker copies the memory its pages touch: a batch of listings, each showing many
    messages, would copy most of it. Pages of weight 1 still go many at a time."""
    batches: list[list[tuple[str, int]]] = []
    real_planned = build_module.planned

    def planned(ctx, problems, scale, cache):
        for batch in real_planned(ctx, problems, scale, cache):
            batches.append([(spec.template, spec.weight) for spec in batch])
            yield batch

    monkeypatch.setattr(build_module, "planned", planned)
    monkeypatch.setattr(planning, "SHOWN_AHEAD", 120)
    run(tmp_path, bucket, tmp_path / "cache", tmp_path / "site")
    weights = {template: max(w for b in batches for t, w in b if t == template)
               for template in ("messages.html", "agent.html", "message.html")}
    assert weights["messages.html"] == 50 and weights["agent.html"] > 1 and weights["message.html"] == 1
    assert all(sum(w for _, w in batch[:-1]) < 120 for batch in batches)
    shown = [sum(w for _, w in batch) for batch in batches]
    assert max(shown) >= 120 and all(sum(w for _, w in batch[:-1]) < 120 for batch in batches)
    assert max(len(batch) for batch in batches) > 50


def template_of(spec: PageSpec | Deferred) -> str:
    return (spec.plan() if isinstance(spec, Deferred) else spec).template


def test_batches_grow_while_pages_come_from_the_cache_and_shrink_back_when_they_do_not(
        tmp_path, bucket, monkeypatch):
    """Each batch forks workers, which costs the build process time; a page from the cache costs
    a worker little memory. So in a cron run (nearly every page from the cache) batches are
    CACHED_SCALE times as long as in a cold build, whose pages are all rendered."""
    sizes: list[tuple[int, bool]] = []
    real_emit_all = build_module.emit_all

    def emit_all(em, specs):
        done = real_emit_all(em, specs)
        if specs and template_of(specs[0]) == "message.html":
            sizes.append((len(specs), all(d.rendered for d in done)))
        return done

    monkeypatch.setattr(messages_section, "PLAN_AHEAD", 8, raising=False)
    monkeypatch.setattr(build_module, "emit_all", emit_all)
    monkeypatch.setattr(parallel, "MIN_ITEMS", 10_000)          # every batch in this process
    run(tmp_path, bucket, tmp_path / "cache", tmp_path / "cold")
    assert sizes and max(n for n, _ in sizes) == 8 and all(rendered for _, rendered in sizes)
    sizes.clear()
    # the same inputs again, every page from the cache: not the restored last site, whole
    monkeypatch.setattr(restore, "restores_whole", lambda *args: False)
    run(tmp_path, bucket, tmp_path / "cache", tmp_path / "cron")
    assert max(n for n, _ in sizes) == 8 * planning.CACHED_SCALE
    assert not any(rendered for _, rendered in sizes)


def test_a_message_body_is_let_go_of_once_its_page_is_planned_and_never_rendered_twice(
        tmp_path, bucket, monkeypatch):
    """At 100,000 messages the rendered bodies are about 100 MiB: each is held until its page
    is planned, and to the end of the build only when a feed shows it too (the newest
    FEED_SIZE overall and of each agent), so that no body goes through markdown twice."""
    from builder import feeds
    from builder.markdown import MarkdownRenderer

    monkeypatch.setattr(feeds, "FEED_SIZE", 1)
    monkeypatch.setattr(parallel, "MIN_ITEMS", 10_000)          # every render in this process
    seen: dict[str, object] = {}
    rendering_pages = []
    rendered_again: list[str] = []
    real_render_pages, real_render = build_module.render_pages, MarkdownRenderer.render

    def render_pages(ctx, *args):
        seen["ctx"] = ctx
        rendering_pages.append(True)
        return real_render_pages(ctx, *args)

    def render(self, text, *args, **kwargs):
        if rendering_pages and text in seen["bodies"]:
            rendered_again.append(text)
        return real_render(self, text, *args, **kwargs)

    real_context = build_module.site_context

    def site_context(collab, *args, **kwargs):
        seen["bodies"] = {m.body for m in collab.messages}
        seen["fed"] = feeds.messages_shown(collab.messages)
        return real_context(collab, *args, **kwargs)

    monkeypatch.setattr(build_module, "render_pages", render_pages)
    monkeypatch.setattr(build_module, "site_context", site_context)
    monkeypatch.setattr(MarkdownRenderer, "render", render)
    run(tmp_path, bucket, tmp_path / "cache", tmp_path / "site")
    bodies = seen["ctx"].bodies.messages
    held = {id_ for id_, at in bodies._at.items() if bodies._texts._texts[at] is not None}
    assert rendered_again == []
    assert held == seen["fed"]
    assert len(held) < len(bodies)


def test_a_batch_of_feeds_is_cut_by_the_entries_they_show(tmp_path, bucket, monkeypatch):
    """A feed carries the whole bodies of its entries (an agent's feed at 100,000 messages,
    about 60 kB): a batch of every agent's feed held about 60 MiB in the build process."""
    feeds: list[list[tuple[str, int]]] = []
    real_planned = build_module.planned

    def planned(ctx, problems, scale, cache):
        for batch in real_planned(ctx, problems, scale, cache):
            shown = [(spec.url, spec.weight) for spec in batch if "/feeds/" in spec.url]
            if shown:
                feeds.append([(spec.url, spec.weight) for spec in batch])
            yield batch

    monkeypatch.setattr(build_module, "planned", planned)
    monkeypatch.setattr(planning, "SHOWN_AHEAD", 40)
    run(tmp_path, bucket, tmp_path / "cache", tmp_path / "site")
    weights = [w for batch in feeds for url, w in batch if "/feeds/" in url]
    assert max(weights) > 1 and len(feeds) > 1
    assert all(sum(w for _, w in batch[:-1]) < 40 for batch in feeds)


def deep_size(root: object) -> int:
    """Bytes of `root` and every object it holds (each counted once; types and modules not)."""
    import sys
    import types

    seen, todo, total = set(), [root], 0
    while todo:
        obj = todo.pop()
        if id(obj) in seen or isinstance(obj, (type, types.ModuleType, types.FunctionType)):
            continue
        seen.add(id(obj))
        total += sys.getsizeof(obj)
        todo.extend(gc.get_referents(obj))
    return total


def test_the_finished_pages_take_a_few_hundred_bytes_each(tmp_path, bucket, monkeypatch):
    """The render stage's workers are forked from the build process while it holds a record of
    every page finished so far: at 100,000 messages, about 900 bytes a page made 100 MiB."""
    import sys

    held: list[int] = []
    real_cache_pages = build_module.cache_pages

    def cache_pages(pages):
        held.append(deep_size(pages.done))
        return real_cache_pages(pages)

    monkeypatch.setattr(build_module, "cache_pages", cache_pages)
    report = run(tmp_path, bucket, tmp_path / "cache", tmp_path / "site")
    paths = [p.relative_to(tmp_path / "site").as_posix() for p in (tmp_path / "site").rglob("*")
             if p.is_file() and not p.relative_to(tmp_path / "site").parts[0] in ("static", "pagefind")]
    besides_paths = held[0] - sum(map(sys.getsizeof, paths))
    assert report.pages > 100 and besides_paths / len(paths) < 300
