"""Search as the build makes it: the index is part of the site, pages say what to index, the
search page may run WebAssembly and no other page may, and Pagefind's files read back."""
from __future__ import annotations

import gzip
import json

import pytest

from builder import pagefind_format
from builder.search import SearchIndex, stable_bundle
from tests.html import soup, text_of


def test_index_and_runtime_are_files_of_the_site(demo_site):
    manifest = json.loads((demo_site / "manifest.json").read_text())["files"]
    bundle = [p for p in manifest if p.startswith("pagefind/")]
    assert {"pagefind/pagefind.js", "pagefind/pagefind-entry.json", "pagefind/wasm.en.pagefind"} <= set(bundle)
    entry = json.loads((demo_site / "pagefind" / "pagefind-entry.json").read_text())
    pages = entry["languages"]["en"]["page_count"]
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


def test_message_pages_index_their_text_not_their_thread(demo_site):
    page = next(p for p in sorted((demo_site / "messages").glob("2*/index.html"))
                if 'class="thread parents"' in p.read_text())
    body = soup(page).select_one("[data-pagefind-body]")
    assert body is not None and "kind:message" in body["data-pagefind-filter"]
    assert body.select_one("[data-pagefind-filter=agent]") is not None
    assert body.select_one("[data-pagefind-filter=type]") is not None
    # quotes of other messages (the thread) are left out of this page's words
    thread = body.select_one("section.thread.parents")
    assert thread is not None and thread.has_attr("data-pagefind-ignore")
    assert text_of(body.select_one(".body"))


def test_pages_without_a_body_to_index_are_left_out(demo_site):
    for path in ("index.html", "messages/index.html", "search/index.html", "build/index.html"):
        assert soup(demo_site / path).select_one("[data-pagefind-body]") is None, path


def test_the_same_pages_give_the_same_index_whatever_order_they_come_in():
    pages = {f"m/{i}/index.html": (
        f'<html lang="en"><body><article data-pagefind-body data-search-time="2026-07-0{i}">'
        f'<h1>Note {i}</h1><a data-pagefind-filter="agent">agent-{i % 3}</a>'
        f'<span data-pagefind-filter="type">kind-{i % 2}</span><p>word{i} shared</p>'
        f'</article></body></html>').encode() for i in range(1, 8)}

    def bundle(order):
        index = SearchIndex()
        for path in order:
            index.add(path, pages[path])
        index.add("m/plain/index.html", b"<html><body>no body mark</body></html>")
        return index.files()

    first = bundle(sorted(pages))
    assert first == bundle(sorted(pages, reverse=True))
    entry = json.loads(first["pagefind/pagefind-entry.json"])
    assert entry["languages"]["en"]["page_count"] == 7
    assert sum(1 for p in first if p.startswith("pagefind/fragment/")) == 7


def test_stable_bundle_orders_filter_values(demo_site):
    files = {p.relative_to(demo_site / "pagefind").as_posix(): p.read_bytes()
             for p in (demo_site / "pagefind").rglob("*") if p.is_file()}
    assert stable_bundle(files) == files        # already stable: a second pass changes nothing
    for path, data in files.items():
        if path.startswith("filter/"):
            name, values = pagefind_format.decode(gzip.decompress(data)[len(b"pagefind_dcd"):])
            assert values == sorted(values) and name in {"agent", "type", "kind", "day"}


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
