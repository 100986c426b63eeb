"""The build's record of its finished pages gives back what the emitters reported: the files
of the site, what the search index takes of them and where the page cache holds them."""
from __future__ import annotations

import hashlib

from builder.cache import Packed
from builder.emit import Emitted
from builder.finished import FinishedPages
from builder.search_plan import PageRecord
from builder.write import Entry


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def emitted() -> list[Emitted]:
    page, data = sha("page"), sha("data")
    facts = ("2026-07-01T08:00:00Z", 321, sha("indexed"))
    return [
        Emitted(Entry("messages/a/index.html", page, True), sha("key a"), Packed("p1", 0, 90, page, facts),
                rendered=True, search=PageRecord(*facts[:1], "messages/a/index.html", *facts[1:]),
                fingerprint="group#0"),
        Emitted(Entry("feeds/messages.xml", data, False), sha("key b"), Packed("p2", 7, 40, data),
                fingerprint="feed"),
        Emitted(Entry("leaderboard.json", sha("json"), True)),
        # a damaged cache index: digests that are not sha256 hex come back as they were
        Emitted(Entry("results/r/index.html", "NOT-HEX", False), "short key",
                Packed("p1", 90, 12, "another", None)),
        Emitted(Entry("messages/a/index.html", sha("again"), True), None, None, rendered=True),
        # any name a bucket may give: not ASCII, a lone surrogate (bytes not UTF-8)
        Emitted(Entry("messages/caf\u00e9-\udcff/index.html", sha("odd"), True)),
    ]


def test_the_finished_pages_give_back_what_was_reported():
    done = emitted()
    finished = FinishedPages()
    finished.add(done[:2])
    finished.add(done[2:])
    assert len(finished) == 6 and finished.rendered == 2 and finished.html_pages == 4
    assert finished.entries() == {d.entry.path: d.entry for d in done}
    assert list(finished.search_records()) == [d.search for d in done if d.search]
    assert list(finished.cached()) == [(d.entry.path, d.key, d.packed, d.fingerprint)
                                       for d in done if d.key is not None and d.packed is not None]
