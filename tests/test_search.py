"""Search as the build makes it: the index is part of the site, in shards that a change leaves
alone unless it is theirs; pages say what to index; the search page may run WebAssembly and no
other page may; Pagefind's files read back."""
from __future__ import annotations

import gzip
import json
import re
import shutil
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import PurePosixPath
from types import SimpleNamespace
from urllib.parse import parse_qsl, urlsplit

import pytest

from builder import format as fmt, pagefind_format, restore, search
from builder.cache import PageCache, RenderCache
from builder.cli import main
from builder.pages.search import commonest_type
from builder.search import SearchIndex, stable_bundle
from builder.search_plan import (
    LEVELS, LONGEST_WORD, NO_TIME, PageRecord, indexed_part, page_record, plan_shards,
)
from tests.conftest import REPO
from tests.html import soup, text_of
from tests.site_fixtures import fragment_of, shard_fragments


def fragments(site):
    """{URL: what Pagefind keeps of the page (its "content" text, "meta"...)}, every shard's."""
    found = {}
    for files in shard_fragments(site).values():
        for data in map(fragment_of, files):
            found[data["url"]] = data
    return found


def shards_of(site):
    return json.loads((site / "pagefind" / "shards.json").read_text())["shards"]


def test_index_and_runtime_are_files_of_the_site(demo_site):
    manifest = json.loads((demo_site / "manifest.json").read_text())["files"]
    bundle = [p for p in manifest if p.startswith("pagefind/")]
    runtime = {"pagefind/pagefind.js", "pagefind/pagefind-worker.js", "pagefind/wasm.en.pagefind"}
    assert runtime | {"pagefind/shards.json"} <= set(bundle)
    shards = shards_of(demo_site)
    assert len(shards) > 1                      # the demo is large enough to be cut
    pages, shared = 0, []
    for shard in shards:
        entry = json.loads((demo_site / "pagefind" / shard / "pagefind-entry.json").read_text())
        pages += entry["languages"]["en"]["page_count"]
        assert not [p for p in bundle if p.startswith(f"pagefind/{shard}/") and p.endswith(".js")]
        # a page's id names its shard (the search page orders by it) and its fragment, in the
        # folder all shards share
        meta = next((demo_site / "pagefind" / shard).glob("*.pf_meta")).read_bytes()
        ids = [p[0] for p in pagefind_format.decode(gzip.decompress(meta)[len(b"pagefind_dcd"):])[1]]
        own = rf"{shard}/[0-9a-f]{{{search.FRAGMENT_DIGITS}}}"
        assert all(re.fullmatch(own, i) for i in ids)
        assert not (demo_site / "pagefind" / shard / "fragment").exists()
        shared += [f"fragment/en_{i.partition('/')[2]}.pf_fragment" for i in ids]
    assert len([f for f in (demo_site / "pagefind" / "fragment").iterdir()
                if f"fragment/{f.name}" not in shared]) == 1          # the runtime's own page
    messages = len(list((demo_site / "messages").glob("2*/index.html")))
    agents = len(list((demo_site / "agents").glob("*/index.html")))
    results = len(list((demo_site / "results").glob("*/index.html")))
    assert pages >= messages + agents + results
    # Pagefind's own UI bundles are not shipped: the site has its own search page
    assert not [p for p in bundle if "-ui." in p]


def test_header_search_box_is_a_plain_form_on_every_page(demo_site):
    for path in ("index.html", "messages/index.html", "agents/kestrel/index.html", "404.html"):
        form = soup(demo_site / path).select_one("header form[role=search]")
        assert form is not None, path
        assert form["action"] == "/search/" and form.get("method", "get").lower() == "get"
        field = form.select_one("input[name=q]")
        assert field is not None and form.select_one(f"label[for={field['id']}]") is not None


def test_only_the_search_page_may_compile_webassembly(demo_site):
    def csp(path):
        return soup(demo_site / path).select_one("meta[http-equiv=Content-Security-Policy]")["content"]

    assert "'wasm-unsafe-eval'" in csp("search/index.html")
    assert "'unsafe-eval'" not in csp("search/index.html").replace("'wasm-unsafe-eval'", "")
    for path in ("index.html", "messages/index.html", "404.html"):
        assert "wasm" not in csp(path)


def test_the_kinds_to_search_among_are_those_the_collaboration_has(demo_site, tmp_path):
    """Offered in the filter and named by the search field's label."""
    def kinds(site):
        return [o["value"] for o in soup(site / "search" / "index.html").select("select[name=kind] option")]

    def label(site):
        return soup(site / "search" / "index.html").select_one("label[for=search-q]").get_text()

    assert kinds(demo_site) == ["", "message", "result", "agent", "person", "trace", "taskforce"]
    assert label(demo_site) == "Words to find in messages, results, agents, people, traces and taskforces"
    bucket = tmp_path / "bucket"
    shutil.copytree(REPO / "builder" / "demo", bucket)
    shutil.rmtree(bucket / "taskforces")
    shutil.rmtree(bucket / "traces")
    out = tmp_path / "site"
    assert main(["build", "--config", str(REPO / "collab.toml"), "--source", str(bucket),
                 "--out", str(out)]) == 0
    assert kinds(out) == ["", "message", "result", "agent", "person"]
    assert label(out) == "Words to find in messages, results, agents and people"


def test_an_empty_search_page_says_what_is_searched_and_offers_searches_to_start_from(demo_site):
    """The page without a query was a box and filters: nothing said what could be found, nor how."""
    page = soup(demo_site / "search" / "index.html")
    hints = page.select_one("#search-hints")
    assert text_of(hints).startswith("What you can search Every page of the collaboration's "
                                     "messages, results, agents, people, traces and taskforces: ")
    home = soup(demo_site / "index.html")
    leader = text_of(home.select_one(".headline .leader a"))
    method = home.select_one("#lb-best tbody tr td.method")["data-text"]
    offered = {name: {o.get("value", text_of(o))
                      for o in page.select(f"select[name={name}] option")}
               for name in ("kind", "type", "sort")}
    runs = [(run.split("/")[0], run.split("/")[-1])
            for run in page.select_one("select[name=from]")["data-days"].split()]
    queries = []
    for link in hints.select(".search-examples a"):
        url = urlsplit(link["href"])
        assert url.path == "/search/"
        query = dict(parse_qsl(url.query))
        assert all(query.get(name, "") in values for name, values in offered.items())
        assert all(any(first <= query[end] <= last for first, last in runs)
                   for end in ("from", "to") if end in query)
        queries.append(query)
    assert queries[:2] == [{"q": leader}, {"q": method}]          # the leader, the best's method
    assert queries[2]["type"] and queries[2]["kind"] == "message" and queries[2]["sort"] == "newest"
    assert queries[3]["kind"] == "result" and queries[3]["from"] == queries[3]["to"]


def test_the_example_of_a_type_keeps_to_its_choice_until_a_new_day():
    """Two types within a message of each other swapped the empty page's example "type: …"
    with each new message (and rewrote the search page): a tie goes to the first name, and
    the messages of the newest day count from the next day on."""
    def messages(*typed):
        return [SimpleNamespace(type=kind, timestamp=datetime(2026, 7, day, tzinfo=timezone.utc))
                for day, kind in typed]

    tied = [(6, "status"), (6, "claim"), (7, "claim"), (7, "status"), (7, "agent"), (7, "agent")]
    assert commonest_type(messages(*tied)) == "claim"
    assert commonest_type(messages(*reversed(tied))) == "claim"       # whatever the files' order
    today = tied + [(8, "status"), (8, "status")]
    assert commonest_type(messages(*today)) == "claim"               # the newest day waits
    assert commonest_type(messages(*today, (9, "agent"))) == "status"    # counted the next day
    assert commonest_type(messages((8, "status"), (8, "claim"))) == "claim"    # one day: all
    assert commonest_type(messages((8, "agent"))) == ""


def test_the_date_fields_offer_the_days_of_the_pages_a_search_narrows_by_day(demo_site):
    days = {datetime.fromisoformat(day).replace(tzinfo=timezone.utc)
            for page in demo_site.rglob("*.html")
            for day in re.findall(r'data-pagefind-filter="facet:day:([^"]*)"', page.read_text("utf-8"))}
    fields = soup(demo_site / "search" / "index.html").select("select[name=from], select[name=to]")
    assert [f["name"] for f in fields] == ["from", "to"] and len(days) > 3
    assert {f["data-days"] for f in fields} == {" ".join(fmt.day_runs(days))}


def test_message_pages_index_their_text_not_their_thread(demo_site):
    page = next(p for p in sorted((demo_site / "messages").glob("2*/index.html"))
                if 'class="thread parents"' in p.read_text())
    body = soup(page).select_one("[data-pagefind-body]")
    assert body is not None and body["data-pagefind-filter"] == "facet:kind:message"
    author, kind = body.select_one("a.author"), body.select_one("a.type")
    assert author["data-pagefind-filter"] == f"facet:agent:{text_of(author)}"
    assert kind["data-pagefind-filter"] == f"facet:type:{text_of(kind)}"
    # quotes of other messages (the thread) are left out of this page's words
    thread = body.select_one("section.thread.parents")
    assert thread is not None and thread.has_attr("data-pagefind-ignore")
    assert text_of(body.select_one(".body"))
    # ... and out of what Pagefind is given, so a new reply leaves this page's index alone;
    # the ignored line that holds the agent, type and date filters stays
    given = soup(indexed_part(page.read_bytes()).decode())
    assert given.select_one("section.thread") is None
    assert {e["data-pagefind-filter"].split(":")[1] for e in given.select("[data-pagefind-filter]")} == {
        "kind", "agent", "type", "day"}
    assert text_of(given.select_one(".body")) == text_of(body.select_one(".body"))


def test_a_first_reply_leaves_what_the_index_holds_of_the_message_it_answers(tmp_path):
    """The message's page now lists its reply, but what Pagefind is given of it is the same, so
    its shard (a large one, for an old message) is not indexed again for a line break."""
    bucket = tmp_path / "bucket"
    shutil.copytree(REPO / "builder" / "demo", bucket)
    out = tmp_path / "site"
    build = ["build", "--config", str(REPO / "collab.toml"), "--source", str(bucket), "--out", str(out)]
    assert main(build) == 0
    page = next(p for p in sorted((out / "messages").glob("2*/index.html"))
                if 'class="thread' not in p.read_text())
    before = page.read_bytes()
    (bucket / "message_board" / "20991231-235959-000_kestrel.md").write_text(
        f"---\ntype: agent\nrefs: {page.parent.name}.md\nagent: kestrel\n"
        "timestamp: 2099-12-31 23:59 UTC\n---\n\nA first reply.\n", encoding="utf-8")
    assert main(build) == 0
    after = page.read_bytes()
    assert 'class="thread children"' in after.decode()
    assert page_record("m/index.html", after) == page_record("m/index.html", before)


def test_a_message_titled_by_its_opening_words_is_not_indexed_twice(demo_site):
    """Its search result is titled by its heading, and its excerpt does not repeat the heading
    ("Verification for … (throughp… Verification for … (throughput not reproduced)"); a
    message's own title (its topic) is words of its own, and indexed."""
    indexed = fragments(demo_site)
    cut, topics = 0, 0
    for page in sorted((demo_site / "messages").glob("2*/index.html")):
        heading = soup(page).select_one("main h1")
        data = indexed[f"/messages/{page.parent.name}/"]
        assert data["meta"]["title"] == text_of(heading)
        if heading.has_attr("data-pagefind-ignore"):
            if text_of(heading).endswith("…"):          # cut short: not the body's own words
                cut += 1
                assert text_of(heading) not in data["content"]
        else:
            topics += 1
            assert data["content"].startswith(text_of(heading))
    assert cut > 10 and topics > 10


def test_every_dated_page_has_a_date_to_sort_by(demo_site):
    """Pagefind leaves out of a search ordered by date the pages of a dated shard that have no
    sort key: ordered by date, the demo's agents were 7 (the undated ones) of 33."""
    kinds = set()
    for path in sorted(demo_site.rglob("*.html")):
        body = soup(path).select_one("[data-pagefind-body]")
        if body is None or not body.get("data-search-time"):
            continue
        kinds.add(body["data-pagefind-filter"])
        indexed = soup(indexed_part(path.read_bytes()))
        assert indexed.select_one('[data-pagefind-sort^="date["]') is not None, path
    assert kinds == {f"facet:kind:{k}" for k in ("message", "result", "agent", "person", "trace")}


def test_pages_without_a_body_to_index_are_left_out(demo_site):
    for path in ("index.html", "messages/index.html", "search/index.html", "build/index.html"):
        assert soup(demo_site / path).select_one("[data-pagefind-body]") is None, path


PAGE = ('<html lang="en"><body><header>menu</header><main><article data-pagefind-body '
        'data-search-time="{time}"><p data-pagefind-ignore><a data-pagefind-filter="agent">ann</a>'
        '</p><div class="body">{body}</div><section data-pagefind-ignore><h2>Replies</h2>'
        '<ul><li>{reply}</li></ul></section></article></main></body></html>')


def test_what_pagefind_is_given_leaves_out_the_ignored_parts_only():
    given = indexed_part(PAGE.format(time="2026-07-01T00:00:00Z", body="<p>kept words</p>",
                                     reply="a reply").encode()).decode()
    assert "kept words" in given and 'data-pagefind-filter="agent">ann' in given
    assert "Replies" not in given and "a reply" not in given and "menu" not in given
    # the marker written as text, or inside an attribute's value, marks nothing
    body = ('<p>use data-pagefind-ignore on a section</p>'
            '<p><a href="https://x" title="&lt;section data-pagefind-ignore&gt;">link text</a></p>'
            '<div data-pagefind-ignore><div><img src="x.png" alt="pic"><br>gone</div></div>')
    given = indexed_part(PAGE.format(time="t", body=body, reply="r").encode()).decode()
    assert "use data-pagefind-ignore on a section" in given and "link text" in given
    assert "gone" not in given and "<br>" not in given
    assert given.count("</div>") == 1           # the body's own div, whole


@pytest.mark.parametrize("body", [
    "<p>" + "y" * 1_000_000 + "</p>",
    "<p>" + ("<em>" + "y" * 100 + "</em>" + "y" * 100) * 5000 + "</p>",    # <em> joins them
    "<p>" + "é" * 300_000 + "</p>",
])
def test_pagefind_is_given_the_start_of_a_word_too_long_to_index_in_time(body):
    given = indexed_part(PAGE.format(time="t", body=body, reply="r").encode()).decode()
    words = soup(given).get_text("").split()
    assert max(len(word.encode()) for word in words) <= LONGEST_WORD + 3
    assert any(word.startswith(body[3:50].replace("<em>", "")) for word in words)


def test_what_pagefind_is_given_keeps_words_of_a_usual_length_whole():
    url = "https://huggingface.co/buckets/org/name/tree/results/" + "run-" * 35
    body = f"<p><code>{url}</code> and <em>{'é' * 90}</em><strong>{'é' * 9}</strong></p>"
    given = indexed_part(PAGE.format(time="t", body=body, reply="r").encode()).decode()
    assert url in given and "é" * 99 in soup(given).get_text("")


def test_what_pagefind_is_given_keeps_apart_what_a_browser_shows_apart():
    body = ('<dl><dt>Method</dt><dd>pikarun</dd></dl><table><tr><th>tps</th><th>ppl</th></tr>'
            '</table><details><summary>Bash</summary>ran</details><pre>a</pre><blockquote>b'
            '</blockquote><p>in<code>line</code> <strong>bo</strong>ld</p>')
    given = indexed_part(PAGE.format(time="t", body=body, reply="r").encode()).decode()
    words = set(re.findall(r"\w+", soup(given).get_text("")))      # text nodes as they come
    assert {"Method", "pikarun", "tps", "ppl", "Bash", "ran", "a", "b"} <= words
    assert {"inline", "bold"} <= words                  # inline elements still join their words


# HTML's phrasing content: the elements a browser runs together with the text around them.
INLINE = frozenset("a abbr b bdi bdo cite code data del dfn em i ins kbd mark q s samp small span "
                   "strong sub sup time u var".split())


def visible_words(html: bytes) -> set[str]:
    """The words a visitor reads in what Pagefind is given of a page: its text runs together
    inside inline elements only, and Pagefind leaves out what is marked ignored."""
    body = soup(html.decode()).body
    for ignored in body.select("[data-pagefind-ignore]"):
        ignored.decompose()
    for element in body.find_all(lambda tag: tag.name not in INLINE):
        element.insert_before(" ")
        element.insert_after(" ")
    return set(re.findall(r"\w+", body.get_text("")))


def test_pagefind_indexes_the_words_a_visitor_reads_on_every_page_kind(demo_site):
    """Pagefind runs together the text of the elements it does not know to stand apart (dt and
    dd, th, summary...): a result's "<dt>Method</dt><dd>pikarun</dd>" became the one word
    "Methodpikarun", which no search for "pikarun" finds."""
    indexed = fragments(demo_site)
    for url, data in sorted(indexed.items()):
        page = (demo_site / url.strip("/") / "index.html").read_bytes()
        run_together = set(re.findall(r"\w+", data["content"])) - visible_words(indexed_part(page))
        assert not run_together, url
    assert {"messages", "results", "agents", "traces"} <= {url.split("/")[1] for url in indexed}


def record(i: int, size: int = 100, time: str | None = None) -> PageRecord:
    return PageRecord(time or f"2026-07-01T00:00:{i:06d}", f"m/{i}/index.html", size, f"d{i}")


def test_shards_are_bounded_and_follow_time():
    levels = ((8, 1 << 30), (2, 1000))
    pages = [record(i, size=50_000 if i == 10 else 100) for i in range(14)]
    shards = plan_shards(reversed(pages), levels)
    assert [len(s.pages) for s in shards] == [8, 2, 1, 2, 1]        # the big page on its own
    assert [p for s in shards for p in s.pages] == pages
    assert len({s.name for s in shards}) == len(shards)


def test_a_new_page_leaves_all_shards_but_the_newest_alone():
    levels = ((64, 1 << 30), (16, 1 << 30), (4, 1 << 30))
    reindexed = []
    before = plan_shards([], levels)
    for n in range(1, 400):
        after = plan_shards([record(i) for i in range(n)], levels)
        kept = {(s.name, s.pages) for s in before}
        changed = [s for s in after if (s.name, s.pages) not in kept]
        assert after[:len(after) - len(changed)] == before[:len(after) - len(changed)]
        assert changed and changed[-1].pages[-1] == record(n - 1)
        reindexed.append(sum(len(s.pages) for s in changed))
        before = after
    assert max(reindexed) == 64                 # when 64 pages make a shard of the top level
    assert sum(reindexed) / len(reindexed) < 8  # and most of the time a few


def test_pages_without_a_time_keep_their_shards_when_a_new_page_comes():
    levels = ((4, 1 << 30),)
    timeless = [record(100 + i, time=NO_TIME) for i in range(6)]
    before = plan_shards(timeless + [record(i) for i in range(9)], levels)
    after = plan_shards(timeless + [record(i) for i in range(10)], levels)
    assert [s for s in after if s.name.startswith("u")] == [s for s in before if s.name.startswith("u")]
    assert [s.name for s in after] == ["u0", "u4", "s0", "s4", "s8"]


def page(i: int, words: str) -> bytes:
    return PAGE.format(time=f"2026-07-{i:02d}T00:00:00Z", body=f"<h1>Note {i}</h1><p>{words}</p>",
                       reply=f"reply {i}").encode()


def bundle_of(pages: dict[str, bytes], cache_dir=None, levels=LEVELS) -> dict[str, bytes]:
    index = SearchIndex(cache_dir, levels)
    index.extend(page_record(path, data) for path, data in pages.items())
    index.extend([page_record("m/plain/index.html", b"<html><body>no body mark</body></html>")])
    return dict(index.files(pages.__getitem__))


def test_the_same_pages_give_the_same_index_whatever_order_they_come_in(tmp_path):
    pages = {f"m/{i}/index.html": page(i, f"word{i} shared") for i in range(1, 8)}
    first = bundle_of(pages)
    assert first == bundle_of(dict(reversed(pages.items())))
    assert first == bundle_of(pages, tmp_path / "cache") == bundle_of(pages, tmp_path / "cache")
    (shard,) = json.loads(first["pagefind/shards.json"])["shards"]
    entry = json.loads(first[f"pagefind/{shard}/pagefind-entry.json"])
    assert entry["languages"]["en"]["page_count"] == 7
    assert sum(1 for p in first if p.startswith("pagefind/fragment/")) == 7 + 1     # the runtime's


def test_the_allocator_setting_pagefind_runs_with_changes_no_byte_of_the_index(monkeypatch):
    pages = {f"m/{i}/index.html": page(i, f"word{i} shared " * 40) for i in range(1, 30)}
    tuned = bundle_of(pages)
    monkeypatch.setattr(search, "ALLOCATOR", (search.ALLOCATOR[0], ""))
    assert bundle_of(pages) == tuned


def test_a_new_page_is_indexed_alone_and_changes_only_its_shard(tmp_path, monkeypatch):
    levels = ((4, 1 << 30), (2, 1 << 30))
    indexed = []
    index = search._index
    monkeypatch.setattr(search, "_index", lambda binary, shard, read: (
        indexed.append(len(shard.pages)), index(binary, shard, read))[1])
    pages = {f"m/{i}/index.html": page(i, f"word{i} shared") for i in range(1, 10)}
    cache = tmp_path / "cache"
    before = bundle_of(pages, cache, levels)
    assert sorted(indexed) == [1, 4, 4]
    indexed.clear()
    pages["m/10/index.html"] = page(10, "word10 newest")
    after = bundle_of(pages, cache, levels)
    assert indexed == [2]                       # the newest shard alone, from the cache the rest
    assert after == bundle_of(pages, None, levels)    # as a build without any cache makes it
    changed = {p for p in set(before) | set(after) if before.get(p) != after.get(p)}
    newest = json.loads(after["pagefind/shards.json"])["shards"][-1]
    assert {p.split("/")[1] for p in changed} - {"shards.json", "fragment"} == {newest}
    assert [p for p in changed if p.startswith("pagefind/fragment/")] == [
        p for p in after if p.startswith("pagefind/fragment/") and p not in before]     # its own


def changed_files(before, after):
    return {p for p in set(before) | set(after) if before.get(p) != after.get(p)}


def test_a_merge_of_shards_changes_their_few_files_and_moves_no_page(tmp_path):
    """Four shards merge into one when a new page fills it: every page's fragment keeps its
    name and place, so the merge sends the shards' index files and the new page's fragment,
    not a file per page (at 256 pages, 415 files changed in one cron run)."""
    levels = ((16, 1 << 30), (4, 1 << 30))
    pages = {f"m/{i}/index.html": page(i, f"word{i} shared") for i in range(1, 16)}
    before = bundle_of(pages, tmp_path / "cache", levels)
    pages["m/16/index.html"] = page(16, "word16 newest")
    after = bundle_of(pages, tmp_path / "cache", levels)
    assert json.loads(before["pagefind/shards.json"])["shards"] == ["s0", "s4", "s8", "s12"]
    assert json.loads(after["pagefind/shards.json"])["shards"] == ["s0"]
    changed = changed_files(before, after)
    fragments = [p for p in changed if "/fragment/" in p]
    assert fragments == [p for p in after if p not in before and "/fragment/" in p]   # the new page's
    assert len(fragments) == 1
    # the files of the four shards (entry, metadata, words, filter) and of the one they make,
    # the list of shards and the new page's fragment: as many for 4 pages a shard as for 2,048
    assert len(changed) <= 5 * 4 + 2


def test_pages_whose_fragment_names_clash_each_keep_their_own(tmp_path, monkeypatch):
    """Fragments are named by a part of their digest: two pages whose names clash (by chance,
    or made to) are each found with their own text, in one shard or in two."""
    monkeypatch.setattr(search, "FRAGMENT_DIGITS", 1)
    pages = {f"m/{i}/index.html": page(i, f"word{i}") for i in range(1, 25)}
    bundle = bundle_of(pages, tmp_path / "cache", ((8, 1 << 30),))
    site = tmp_path / "site"
    for path, data in bundle.items():
        (site / path).parent.mkdir(parents=True, exist_ok=True)
        (site / path).write_bytes(data)
    found = [fragment_of(f)["url"] for files in shard_fragments(site).values() for f in files]
    assert sorted(found) == sorted(f"/m/{i}/" for i in range(1, 25))
    assert len(list((site / "pagefind" / "fragment").iterdir())) == 24 + 1     # and the runtime's


def written(files: dict[str, bytes], site):
    for path, data in files.items():
        (site / path).parent.mkdir(parents=True, exist_ok=True)
        (site / path).write_bytes(data)
    return site


def test_fragment_names_that_clash_across_shards_keep_their_pages_through_merges_and_restores(
        tmp_path, monkeypatch):
    """Of two pages whose fragments have one name, the later one takes its whole digest, in a
    shard of its own or in one with the other: a name keeps its bytes when shards merge (a
    browser's cached fragment stays the page's), and a fresh runner's restore (which has the
    cached shards only) lays out the fragments as the build does."""
    monkeypatch.setattr(search, "FRAGMENT_DIGITS", 1)          # 16 names for 16 pages
    levels = ((16, 1 << 30), (4, 1 << 30))
    pages = {f"m/{i}/index.html": page(i, f"word{i} clash") for i in range(1, 16)}
    cache = tmp_path / "cache"
    index = SearchIndex(cache, levels)
    index.extend(page_record(path, data) for path, data in pages.items())
    before = dict(index.files(pages.__getitem__))
    found = {name: [fragment_of(f)["url"] for f in files]
             for name, files in shard_fragments(written(before, tmp_path / "before")).items()}
    assert list(found) == ["s0", "s4", "s8", "s12"]
    assert [url for urls in found.values() for url in urls] == [f"/m/{i}/" for i in range(1, 16)]
    long_names = [p for p in before if len(PurePosixPath(p).stem) > len("en_0")]
    assert long_names                                          # the clashes were there

    restore.restore({"search": index.bundles}, PageCache(None), RenderCache(cache), tmp_path / "out")
    restored = {p.relative_to(tmp_path / "out").as_posix(): p.read_bytes()
                for p in (tmp_path / "out" / "pagefind").rglob("*") if p.is_file()}
    assert restored == before                                  # the list of shards too

    pages["m/16/index.html"] = page(16, "word16 clash")
    after = bundle_of(pages, cache, levels)
    (urls,) = [[fragment_of(f)["url"] for f in files]
               for files in shard_fragments(written(after, tmp_path / "after")).values()]
    assert urls == [f"/m/{i}/" for i in range(1, 17)]
    assert {p: after[p] for p in before if p in after and "/fragment/" in p} == {
        p: data for p, data in before.items() if "/fragment/" in p}


def test_two_pagefind_processes_at_most_index_at_once_however_many_cores(monkeypatch):
    """Each process waiting to write its index holds it: one per core would make memory grow
    with the machine."""
    running, peak = [], []

    class Counted(search._Service):
        def __init__(self, binary):
            super().__init__(binary)
            running.append(self)
            peak.append(len(running))

        def __exit__(self, *exc):
            running.remove(self)
            return super().__exit__(*exc)

    monkeypatch.setattr(search, "_Service", Counted)
    monkeypatch.setenv("COLLAB_WORKERS", "8")
    pages = {f"m/{i}/index.html": page(i, f"word{i}") for i in range(1, 9)}
    bundle = bundle_of(pages, levels=((1, 1 << 30),))
    assert len(json.loads(bundle["pagefind/shards.json"])["shards"]) == 8
    assert len(peak) == 8 + 1 and max(peak) <= 2     # the runtime's too


def test_a_page_pagefind_refuses_among_many_stops_the_index_with_its_reason():
    """Pagefind's answers are read many at a time: one refusal among hundreds of pages still
    stops the build with Pagefind's reason, and leaves no process behind."""
    pages = [{"type": "AddFile", "file_path": None, "url": f"/m/{i}/",
              "file_contents": page(i % 28 + 1, f"word{i} " * 50).decode()} for i in range(600)]
    pages[400] = {**pages[400], "url": None}
    with pytest.raises(search.SearchError, match="url"):
        search._pagefind(search.pagefind_program(), pages, shard="s0")


def test_a_pagefind_that_stops_fails_the_index_instead_of_waiting(tmp_path):
    stops = tmp_path / "pagefind"
    stops.write_text("#!/bin/sh\nhead -c 100 >/dev/null\n")      # reads a little, answers nothing
    stops.chmod(0o755)
    with pytest.raises(search.SearchError, match="stopped"):
        search._pagefind(stops, [{"type": "AddFile", "file_path": None, "url": f"/m/{i}/",
                                  "file_contents": "<html></html>"} for i in range(3)], shard="s0")


def test_a_missing_pagefind_program_is_a_search_error_that_says_so(monkeypatch):
    import pagefind_bin

    def missing():
        raise FileNotFoundError("Could not find any of [pagefind]")
    monkeypatch.setattr(pagefind_bin, "get_executable", missing)
    with pytest.raises(search.SearchError, match="Pagefind program is missing.*pagefind"):
        search.pagefind_program()


def test_finding_the_pagefind_program_loads_no_asyncio():
    """The pagefind package's lookup imported asyncio for its client (about 40 ms of each
    build's start)."""
    found = subprocess.run([sys.executable, "-c", "import sys; from builder.search import "
                            "pagefind_program; print(pagefind_program().is_file(), "
                            "'asyncio' in sys.modules)"], capture_output=True, text=True)
    assert found.stdout.split() == ["True", "False"], found.stderr


def test_the_cache_keeps_the_shards_of_the_latest_build_only(tmp_path):
    levels = ((2, 1 << 30),)
    pages = {f"m/{i}/index.html": page(i, f"word{i}") for i in range(1, 6)}
    bundle_of(pages, tmp_path / "cache", levels)
    pages = {path: data.replace(b"word", b"other") for path, data in pages.items()}
    after = bundle_of(pages, tmp_path / "cache", levels)
    shards = json.loads(after["pagefind/shards.json"])["shards"]
    kept = [f for f in (tmp_path / "cache").rglob("*") if f.is_file()]
    assert len(kept) == len(shards) + 1          # and the runtime


def test_a_damaged_cache_entry_is_made_again(tmp_path):
    pages = {f"m/{i}/index.html": page(i, f"word{i}") for i in range(1, 4)}
    first = bundle_of(pages, tmp_path / "cache")
    for entry in (tmp_path / "cache").rglob("*"):
        if entry.is_file():
            entry.write_bytes(entry.read_bytes()[:100])
    assert bundle_of(pages, tmp_path / "cache") == first


def test_stable_bundle_orders_filter_values(demo_site):
    for folder in [""] + [f"{s}/" for s in shards_of(demo_site)]:
        root = demo_site / "pagefind" / folder
        files = {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*")
                 if p.is_file() and p.relative_to(root).parts[0] in ("filter", "index", "fragment",
                                                                       "pagefind-entry.json")
                 or p.suffix == ".pf_meta" and p.parent == root}
        assert stable_bundle(files) == files    # already stable: a second pass changes nothing
        for path, data in files.items():
            if path.startswith("filter/"):
                name, values = pagefind_format.decode(gzip.decompress(data)[len(b"pagefind_dcd"):])
                assert values == sorted(values) and name == "facet"
                assert {v.split(":")[0] for v, _ in values} <= {"agent", "type", "kind", "day"}


@pytest.mark.parametrize("value", [0, 23, 24, 255, 256, 65535, 65536, 2**32, 2**64 - 1, "", "é ✓",
                                   "x" * 300, [], [["agent", [1, 2, 300]], ["day", []]],
                                   ["1.5.2", [["en_1a2b3c4", 85]], [[["deep"]]]]])
def test_pagefind_format_reads_back_what_it_writes(value):
    assert pagefind_format.decode(pagefind_format.encode(value)) == value


def test_pagefind_format_refuses_what_pagefind_never_writes():
    with pytest.raises(ValueError):
        pagefind_format.decode(b"\xa1\x01\x02")           # a map
    with pytest.raises(ValueError):
        pagefind_format.decode(b"\x83\x01\x02")           # truncated array
    with pytest.raises(ValueError):
        pagefind_format.encode(-1)


def test_packed_files_read_back_and_a_cut_pack_is_refused():
    files = {"index/en_1.pf_index": b"\x00" * 300, "pagefind-entry.json": b"{}", "é/x": b""}
    packed = pagefind_format.pack_files(files)
    assert pagefind_format.unpack_files(packed) == files
    for cut in (packed[:-1], packed[:40], b"not a pack"):
        with pytest.raises(ValueError):
            pagefind_format.unpack_files(cut)


def test_page_records_name_what_is_indexed():
    assert page_record("a/index.html", b"<html><body>plain</body></html>") is None
    assert page_record("a.xml", b"data-pagefind-body") is None
    r = page_record("m/1/index.html", page(1, "x"))
    assert r is not None and r.url == "/m/1/" and r.time == "2026-07-01T00:00:00Z"
    assert r.digest == page_record("m/1/index.html", page(1, "x").replace(b"reply 1", b"other")).digest
    assert r.digest != page_record("m/1/index.html", page(1, "y")).digest
    with pytest.raises(ValueError):
        page_record("../x/index.html", page(1, "x"))


def test_the_runtime_names_pagefinds_licence_which_ships_beside_it(demo_site):
    """Pagefind's MIT licence asks that its notice go with every copy of the runtime."""
    from importlib.metadata import version
    for script in ("pagefind.js", "pagefind-worker.js"):
        first = (demo_site / "pagefind" / script).read_text(encoding="utf-8").split("\n", 1)[0]
        named = re.search(r"see (\S+\.txt) \*/$", first).group(1)
        notice = (demo_site / "pagefind" / named).resolve()
        assert notice.is_relative_to(demo_site.resolve()) and notice.is_file()
        text = notice.read_text(encoding="utf-8")
        assert "Copyright (c) Pagefind" in text and "MIT License" in text
        assert "The above copyright notice and this permission notice shall be included" in text
    series = ".".join(version("pagefind_bin").split(".")[:2])
    assert f"the browser runtime of Pagefind {series}\n" in text


def test_a_runtime_that_fetches_fragments_in_another_way_stops_the_build():
    """The runtime is made to fetch a page's fragment from the folder all shards share: a
    Pagefind whose runtime does not fetch one as 1.5 does is refused, not shipped with a search
    that finds pages and shows none."""
    runtime = (b"async _loadFragment(hash){"
               b"await this.throttledFetch(`${this.basePath}fragment/${hash}.pf_fragment`)}")
    assert b"`${this.basePath}../fragment/en_${hash.slice(" in search.fragments_shared(runtime)
    for other in (runtime.replace(b"fragment/$", b"fragments/$"), runtime + runtime):
        with pytest.raises(search.SearchError, match="Pagefind 1.5"):
            search.fragments_shared(other)
