import copy
import json
import re
import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

import pytest

from builder import feeds
from builder import format as fmt
from builder.urls import atom_tag
from builder.cli import main
from tests.hostile import PAYLOADS, write_hostile_bucket
from tests.html import soup, text_of
from tests.site_fixtures import REPO

ATOM = "{http://www.w3.org/2005/Atom}"


def test_feeds_are_valid_atom_with_newest_first(demo_site):
    out = demo_site
    messages = ET.parse(out / "feeds" / "messages.xml").getroot()
    entries = messages.findall(f"{ATOM}entry")
    assert len(entries) == 50
    updated = [e.find(f"{ATOM}updated").text for e in entries]
    assert updated == sorted(updated, reverse=True)
    link = entries[0].find(f"{ATOM}link").get("href")
    assert link.startswith("https://") and "/messages/" in link
    records = ET.parse(out / "feeds" / "records.xml").getroot().findall(f"{ATOM}entry")
    assert records and records[0].find(f"{ATOM}title").text.startswith("New record: 541.273")


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    bucket = write_hostile_bucket(root / "bucket")
    out = root / "site"
    assert main(["build", "--source", str(bucket), "--out", str(out)]) == 0
    return out


def test_hostile_text_stays_text_in_feeds(hostile_site):
    out = hostile_site
    feeds = [out / "feeds" / "messages.xml", out / "feeds" / "results.xml",
             out / "feeds" / "records.xml", *sorted((out / "feeds" / "agents").glob("*.xml"))]
    contents = []
    for path in feeds:
        root = ET.parse(path).getroot()                     # well-formed despite the payloads
        contents += [c.text or "" for c in root.iter(f"{ATOM}content")]
    assert contents
    for html in contents:                                   # what a feed reader will render
        page = soup(html)
        assert not page.find_all(["script", "iframe", "object", "embed", "form", "style"])
        assert not [a for tag in page.find_all(True) for a in tag.attrs if a.startswith("on")]
        assert not [t for t in page.find_all(href=True) if t["href"].lower().startswith(("javascript", "data"))]
    texts = " ".join(e.text or "" for e in ET.parse(out / "feeds" / "messages.xml").getroot().iter())
    assert any(p.split(">")[0] in texts for p in PAYLOADS)


def test_pasted_terminal_output_shows_its_text_in_pages_and_feeds(hostile_site):
    out = hostile_site
    control = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
    written = [p for p in out.rglob("*") if p.suffix in (".html", ".xml", ".json", ".csv")]
    assert [p.relative_to(out).as_posix() for p in written
            if control.search(p.read_text(encoding="utf-8"))] == []
    page = next(p for p in (out / "messages").glob("*evil-42/index.html"))
    shown = text_of(soup(page.read_text(encoding="utf-8")).find("main"))
    assert "p43 bell page" in shown and "[31m" not in shown and "p43 title" not in shown
    feed = ET.parse(out / "feeds" / "agents" / "evil-42.xml").getroot()
    assert "p43 bell page" in " ".join(" ".join(e.text.split()) for e in feed.iter(f"{ATOM}content"))


def test_feeds_carry_the_full_sanitised_message(demo_site):
    entries = ET.parse(demo_site / "feeds" / "messages.xml").getroot().findall(f"{ATOM}entry")
    for entry in entries[:10]:
        url = entry.find(f"{ATOM}link").get("href")
        page = demo_site / url.split("://", 1)[-1].split("/", 1)[1] / "index.html"
        body = soup(page).select_one(".body.markdown")
        assert text_of(soup(entry.find(f"{ATOM}content").text)) == text_of(body)


def test_every_agent_has_a_feed_of_its_own_posts_linked_from_its_page(demo_site):
    agent_page = soup(demo_site / "agents" / "kestrel" / "index.html")
    link = agent_page.select_one("link[rel=alternate][href$='/agents/kestrel.xml']")
    assert link is not None and link["href"] == "/feeds/agents/kestrel.xml"
    assert agent_page.select_one("a[href='/feeds/agents/kestrel.xml']") is not None
    root = ET.parse(demo_site / "feeds" / "agents" / "kestrel.xml").getroot()
    entries = root.findall(f"{ATOM}entry")
    assert entries and {e.find(f"{ATOM}author/{ATOM}name").text for e in entries} == {"kestrel"}
    links = [e.find(f"{ATOM}link").get("href") for e in entries]
    assert any("/messages/" in u for u in links) and any("/results/" in u for u in links)
    posted = [e.findtext(f"{ATOM}published") or e.findtext(f"{ATOM}updated") for e in entries]
    assert posted == sorted(posted, reverse=True)


def test_a_bodys_links_to_its_own_headings_and_footnotes_name_its_page_in_feeds():
    body = ('<h2 id="user-content-plan">Plan</h2><a class="anchor" href="#user-content-plan"'
            ' aria-label="Permalink: Plan"></a><p>See<sup><a href="#user-content-fn-1" id="r">1'
            '</a></sup> and <a href="/agents/kestrel/">kestrel</a>.</p>'
            '<pre><code>&lt;a href="#top"&gt;up&lt;/a&gt;</code></pre>')
    html = feeds.entry_links(body, "https://h.example/messages/m/")
    assert [a["href"] for a in soup(html).find_all("a")] == [
        "https://h.example/messages/m/#user-content-plan",
        "https://h.example/messages/m/#user-content-fn-1", "/agents/kestrel/"]
    assert soup(html).find("code").text == '<a href="#top">up</a>'   # code shows what it showed


def test_no_link_in_a_feed_points_at_the_home_page_instead_of_its_entry(demo_site):
    fragments = 0
    for path in sorted((demo_site / "feeds").rglob("*.xml")):
        for entry in ET.parse(path).getroot().findall(f"{ATOM}entry"):
            url = entry.find(f"{ATOM}link").get("href")
            content = entry.find(f"{ATOM}content")
            hrefs = [a["href"] for a in soup(content.text).find_all(href=True)] if content is not None else []
            assert not [h for h in hrefs if h.startswith("#")], (path.name, url)
            fragments += sum(h.startswith(url + "#") for h in hrefs)
    assert fragments > 20                                   # headings and footnotes of the demo


def notes_of(row) -> list[str]:
    """What the /results/ table says of a row beside its score: its status badge, a
    verification that is not (yet) valid, its record badge."""
    status = row.select_one("td.score .badge.status")
    notes = [text_of(status)] if status else []
    verification = row.select_one("td.verif")["data-value"]
    if verification in ("invalid", "pending"):
        notes.append(f"verification {verification}")
    return notes + (["new best"] if row.select_one("td.score .badge.record") else [])


def score_alone(td) -> str:
    """A table's score as it reads alone, in a feed's title: the column writes it with the
    column's decimals ("530.370"), a title as format.score does ("530.37")."""
    if td["data-value"]:
        return fmt.score(float(td["data-value"]))
    td = copy.copy(td)                   # the page's tree is shared (tests.html.soup)
    for badge in td.select(".badge"):
        badge.decompose()
    return text_of(td).split()[0]


def test_the_results_feed_lists_the_newest_results_with_what_they_count_for(demo_site):
    """Organizers verify results as they come: the results feed gives the newest 50, newest
    first, as /results/ lists them, each titled with its score and agent, and, as the table
    says, its status when it is not an agent's run, a verification not yet valid, and a
    record: a subscriber must not read an invalid 558 tok/s as the new best."""
    entries = ET.parse(demo_site / "feeds" / "results.xml").getroot().findall(f"{ATOM}entry")
    rows = soup(demo_site / "results" / "index.html").select("#results-all tbody tr")
    newest = [(row.select_one("td.links a")["href"], score_alone(row.select_one("td.score")),
               notes_of(row)) for row in rows][:feeds.FEED_SIZE]
    assert len(entries) == feeds.FEED_SIZE
    assert [urlsplit(e.find(f"{ATOM}link").get("href")).path for e in entries] == \
        [url for url, _, _ in newest]
    titles = [e.find(f"{ATOM}title").text for e in entries]
    for title, (_, shown, notes) in zip(titles, newest):
        assert title.startswith(f"Result: {shown} ")
        assert title.endswith(f" ({', '.join(notes)})") if notes else not title.endswith(")")
    said = " ".join(titles)
    assert all(f"({note}" in said or f", {note}" in said
               for note in ("negative", "verification invalid", "verification pending", "new best"))
    page = soup(demo_site / "index.html")
    assert page.select_one('link[rel=alternate][title=Results]')["href"] == "/feeds/results.xml"
    assert [a["href"] for a in page.select("footer a") if text_of(a) == "results feed"] == \
        ["/feeds/results.xml"]


def test_a_results_summary_keeps_its_descriptions_own_ending():
    from builder.pages.feeds import result_summary
    assert result_summary("tree-w2", "Beats the record…") == "tree-w2. Beats the record…"
    assert result_summary("tree-w2.", "Fast.") == "tree-w2. Fast."
    assert result_summary("", "Fast.") == "Fast." and result_summary("tree-w2", "") == "tree-w2"


def test_a_feed_links_to_the_page_it_follows(demo_site):
    def page_of(feed):
        root = ET.parse(demo_site / "feeds" / feed).getroot()
        (link,) = [a for a in root.findall(f"{ATOM}link") if a.get("rel") is None]
        return urlsplit(link.get("href")).path

    assert page_of("messages.xml") == "/messages/"
    assert page_of("results.xml") == "/results/"
    assert page_of("records.xml") == "/"
    assert page_of("agents/kestrel.xml") == "/agents/kestrel/"


def test_no_feed_or_entry_is_dated_1970(tmp_path):
    """A feed reader shows a feed's and an entry's date: an agent that has not posted yet has
    the date it joined, a feed with nothing in it and an entry without a time of its own the
    collaboration's start (its earliest dated input); none says 1970."""
    bucket = tmp_path / "bucket"
    for folder in ("agents", "message_board"):
        (bucket / folder).mkdir(parents=True)
    (bucket / "agents" / "lurker.md").write_text(
        "---\nagent_name: lurker\njoined: 2026-07-07 09:30 UTC\n---\nWatching.\n", encoding="utf-8")
    (bucket / "agents" / "quiet.md").write_text("---\nagent_name: quiet\n---\nShy.\n", encoding="utf-8")
    (bucket / "message_board" / "20260706-100000_talker_hello.md").write_text(
        "---\nagent: talker\ntype: status-update\ntimestamp: 2026-07-06 10:00 UTC\n---\nHi.\n",
        encoding="utf-8")
    (bucket / "LEADERBOARD.md").write_text(
        "| # | Agent | tok/s | Method |\n|--|--|--|--|\n| 1 | talker | 200.5 | undated-run |\n",
        encoding="utf-8")
    out = tmp_path / "site"
    assert main(["build", "--config", str(REPO / "collab.toml"), "--source", str(bucket),
                 "--out", str(out)]) == 0

    def dates(feed: str) -> tuple[str, list[str]]:
        root = ET.parse(out / "feeds" / feed).getroot()
        return root.findtext(f"{ATOM}updated"), [e.findtext(f"{ATOM}updated")
                                                 for e in root.findall(f"{ATOM}entry")]

    start = "2026-07-06T10:00:00Z"
    assert dates("agents/lurker.xml") == ("2026-07-07T09:30:00Z", [])
    assert dates("agents/quiet.xml") == (start, [])
    assert dates("records.xml")[0] == start
    assert dates("results.xml") == (start, [start])           # the LEADERBOARD.md row has no date
    assert not [p.name for p in (out / "feeds").rglob("*.xml") if "1970" in p.read_text()]


def test_a_record_is_an_entry_of_its_own_beside_its_result(demo_site):
    """records.xml and results.xml both tell of a record-setting result, titled otherwise: two
    entries, two Atom ids (a reader merging by id would show one of the titles); both lead to the
    result's page, and an id keeps one title in every feed."""
    def entries(feed: str) -> dict[str, tuple[str, str]]:
        root = ET.parse(demo_site / "feeds" / feed).getroot()
        return {e.find(f"{ATOM}link").get("href"): (e.findtext(f"{ATOM}id"), e.findtext(f"{ATOM}title"))
                for e in root.findall(f"{ATOM}entry")}

    records, results = entries("records.xml"), entries("results.xml")
    both = set(records) & set(results)
    assert both
    for url in both:
        assert records[url][1].startswith(("New record: ", "Record withdrawn: "))
        assert results[url][1].startswith("Result: ")
        assert records[url][0] != results[url][0] and url in (records[url][0], results[url][0])
    titles: dict[str, set[str]] = {}
    for path in sorted((demo_site / "feeds").rglob("*.xml")):
        for e in ET.parse(path).getroot().findall(f"{ATOM}entry"):
            titles.setdefault(e.findtext(f"{ATOM}id"), set()).add(e.findtext(f"{ATOM}title"))
    assert {i: t for i, t in titles.items() if len(t) > 1} == {}


def test_a_results_entry_moves_when_the_verifier_gives_its_verdict(tmp_path):
    """A subscriber learns that a result was verified: its entry's date becomes that of the
    verifier's message on it (verification_status.json has no date), and its content says the
    verdict and links that message. Rebuilt into the same site, as the cron job does."""
    bucket, out = tmp_path / "bucket", tmp_path / "site"
    for folder in ("results", "message_board"):
        (bucket / folder).mkdir(parents=True)
    (bucket / "results" / "20260708-211537-204_lumen-2.md").write_text(
        "---\ntps: 412.3\nmethod: k5\nstatus: agent-run\ndescription: Fast.\nagent: lumen-2\n"
        "timestamp: 2026-07-08 21:15 UTC\n---\nRun.\n", encoding="utf-8")
    verdicts = bucket / "results" / "verification_status.json"

    def build(verdict: str) -> dict[str, tuple[str, str, str]]:
        verdicts.write_text(json.dumps({"20260708-211537-204_lumen-2.md": verdict}), encoding="utf-8")
        assert main(["build", "--config", str(REPO / "collab.toml"), "--source", str(bucket),
                     "--out", str(out)]) == 0
        found = {}
        for feed in ("results.xml", "records.xml", "agents/lumen-2.xml"):
            (entry,) = ET.parse(out / "feeds" / feed).getroot().findall(f"{ATOM}entry")
            found[feed] = (entry.findtext(f"{ATOM}published") or entry.findtext(f"{ATOM}updated"),
                           entry.findtext(f"{ATOM}updated"),
                           soup(entry.findtext(f"{ATOM}content")).get_text())
        return found

    posted = "2026-07-08T21:15:37Z"                  # the time in its file's name
    for published, updated, content in build("pending").values():
        assert published == updated == posted and content.startswith("Verification: pending.")
    (bucket / "message_board" / "20260708-225807-250_verifier-bot.md").write_text(
        "---\ntype: verification\nrefs:\n- 20260708-211537-204_lumen-2.md\nagent: verifier-bot\n"
        "timestamp: 2026-07-08 22:58 UTC\nvia: server\n---\nVALID\n", encoding="utf-8")
    for published, updated, content in build("valid").values():
        assert (published, updated) == (posted, "2026-07-08T22:58:07Z")
        assert content.startswith("Verification: valid (2026-07-08 22:58 UTC).")
    (entry,) = ET.parse(out / "feeds" / "results.xml").getroot().findall(f"{ATOM}entry")
    link = soup(entry.findtext(f"{ATOM}content")).find("a")["href"]
    assert urlsplit(link).path == "/messages/20260708-225807-250_verifier-bot/"
    assert ET.parse(out / "feeds" / "results.xml").getroot().findtext(f"{ATOM}updated") == \
        "2026-07-08T22:58:07Z"
    # Verified again, the verdict file unchanged: the feeds' fingerprints see the new message
    # (the tests' builds check every page taken from the cache).
    (bucket / "message_board" / "20260709-080000-000_verifier-bot.md").write_text(
        "---\ntype: verification\nrefs: 20260708-211537-204_lumen-2\nagent: verifier-bot\n---\n"
        "Still VALID\n", encoding="utf-8")
    assert {updated for _, updated, _ in build("valid").values()} == {"2026-07-09T08:00:00Z"}


def test_a_feeds_links_to_the_site_name_its_host_when_the_site_has_one(demo_site):
    """Many feed readers ignore xml:base, and a mail digest has no base at all: a body's link to
    an agent's page or another message ("/agents/kestrel/") led nowhere there. With a base URL
    that names a host, every link and image in a feed's entries is absolute."""
    relative = []
    for path in sorted((demo_site / "feeds").rglob("*.xml")):
        for content in ET.parse(path).getroot().iter(f"{ATOM}content"):
            for tag in soup(content.text).find_all(["a", "img"]):
                url = tag.get("href") or tag.get("src") or ""
                if not urlsplit(url).netloc:
                    relative.append((path.name, url))
    assert relative == []


def test_only_links_and_images_of_a_body_are_made_absolute():
    body = ('<p><a href="/agents/kestrel/">k</a> <img src="/static/x.png" alt="x"> '
            '<a href="//cdn.example/y">y</a> <a href="https://h.example/z">z</a></p>'
            '<pre><code>&lt;a href="/top"&gt;up&lt;/a&gt;</code></pre>')
    html = feeds.entry_links(body, "https://h.example/messages/m/", "https://h.example")
    page = soup(html)
    assert [t.get("href") or t.get("src") for t in page.find_all(["a", "img"])] == [
        "https://h.example/agents/kestrel/", "https://h.example/static/x.png",
        "//cdn.example/y", "https://h.example/z"]
    assert page.find("code").text == '<a href="/top">up</a>'
    assert feeds.entry_links(body, "/messages/m/") == body          # no host: paths stay paths


def test_a_record_the_verifier_finds_invalid_is_withdrawn_in_the_records_feed(tmp_path):
    """The records feed told of a pending 450 tok/s as a new record; found invalid, it left the
    feed, and readers, which keep an entry that leaves a feed, went on showing it as the record.
    Its entry stays, under its id, retitled and dated by the verifier's message."""
    bucket, out = tmp_path / "bucket", tmp_path / "site"
    for folder in ("results", "message_board"):
        (bucket / folder).mkdir(parents=True)
    for name, score in (("20260708-100000-000_kestrel", 400.5), ("20260708-120000-000_wren", 450.5)):
        (bucket / "results" / f"{name}.md").write_text(
            f"---\ntps: {score}\nmethod: m\nstatus: agent-run\ndescription: d\n"
            f"agent: {name.split('_')[1]}\n---\nRun.\n", encoding="utf-8")

    def records(verdict: str) -> dict[str, tuple[str, str]]:
        (bucket / "results" / "verification_status.json").write_text(
            json.dumps({"20260708-120000-000_wren.md": verdict}), encoding="utf-8")
        assert main(["build", "--config", str(REPO / "collab.toml"), "--source", str(bucket),
                     "--out", str(out)]) == 0
        root = ET.parse(out / "feeds" / "records.xml").getroot()
        return {e.findtext(f"{ATOM}id"): (e.findtext(f"{ATOM}title"), e.findtext(f"{ATOM}updated"))
                for e in root.findall(f"{ATOM}entry")}

    before = records("pending")
    wren = next(i for i in before if "_wren/" in i)
    assert before[wren] == ("New record: 450.5 tok/s by wren (verification pending)",
                            "2026-07-08T12:00:00Z")
    (bucket / "message_board" / "20260708-150000-000_verifier-bot.md").write_text(
        "---\ntype: verification\nrefs: 20260708-120000-000_wren.md\nagent: verifier-bot\n---\n"
        "INVALID\n", encoding="utf-8")
    after = records("invalid")
    assert after.keys() == before.keys()
    assert after[wren] == ("Record withdrawn: 450.5 tok/s by wren (verification invalid)",
                           "2026-07-08T15:00:00Z")


def write_result(bucket, name: str, score: float, when: str = "") -> None:
    stamp = f"timestamp: {when}\n" if when else ""
    (bucket / "results" / f"{name}.md").write_text(
        f"---\ntps: {score}\nmethod: m\nstatus: agent-run\ndescription: d\n"
        f"agent: {name.split('_')[1]}\n{stamp}---\nRun.\n", encoding="utf-8")


def record_entries(bucket, out, verdicts: dict[str, str]) -> dict[str, tuple[str, str, str]]:
    """The records feed built from `bucket` with these verdicts: id -> (title, updated, content)."""
    (bucket / "results" / "verification_status.json").write_text(json.dumps(verdicts), encoding="utf-8")
    assert main(["build", "--config", str(REPO / "collab.toml"), "--source", str(bucket),
                 "--out", str(out)]) == 0
    root = ET.parse(out / "feeds" / "records.xml").getroot()
    return {e.findtext(f"{ATOM}id"): (e.findtext(f"{ATOM}title"), e.findtext(f"{ATOM}updated"),
                                      soup(e.findtext(f"{ATOM}content")).get_text())
            for e in root.findall(f"{ATOM}entry")}


def test_a_verifier_message_an_organizer_overruled_is_not_cited_as_the_verdict(tmp_path):
    """An organizer's edit of verification_status.json wins over the verifier: the record's
    entry says the verdict the site shows, and no longer cites (nor is dated by) a verifier
    message that said the other one. A verdict set by hand has no date in the inputs: the
    entry keeps its posting's, and a new message leaves the records feed as it was."""
    bucket, out = tmp_path / "bucket", tmp_path / "site"
    for folder in ("results", "message_board"):
        (bucket / folder).mkdir(parents=True)
    write_result(bucket, "20260708-100000-000_kestrel", 400.5)
    write_result(bucket, "20260708-120000-000_wren", 450.5)
    wren = "20260708-120000-000_wren.md"

    def wrens(verdict: str) -> tuple[str, str, str]:
        entries = record_entries(bucket, out, {wren: verdict})
        return next(v for i, v in entries.items() if "_wren/" in i)

    (bucket / "message_board" / "20260708-150000-000_verifier-bot.md").write_text(
        "---\ntype: verification\nrefs: 20260708-120000-000_wren.md\nagent: verifier-bot\n---\n"
        "VALID\n", encoding="utf-8")
    title, updated, content = wrens("valid")
    assert (updated, content.startswith("Verification: valid (2026-07-08 15:00 UTC).")) == (
        "2026-07-08T15:00:00Z", True)
    title, updated, content = wrens("invalid")               # the organizer overrules it
    assert (title, updated) == ("Record withdrawn: 450.5 tok/s by wren (verification invalid)",
                                "2026-07-08T12:00:00Z")
    assert content.startswith("Verification: invalid.")
    before = (out / "feeds" / "records.xml").read_bytes()
    (bucket / "message_board" / "20260708-170000-000_wren.md").write_text(
        "---\ntype: agent\nagent: wren\n---\nWhy?\n", encoding="utf-8")
    record_entries(bucket, out, {wren: "invalid"})
    assert (out / "feeds" / "records.xml").read_bytes() == before


def test_a_verdict_on_an_old_record_surfaces_in_the_records_feed(tmp_path):
    """More records than the feed holds: the verifier finds the oldest invalid. Its entry, dated
    by that verdict, comes first in the feed (entries by when they last changed), which keeps
    its size; the record it pushed out is the one that changed longest ago."""
    bucket, out = tmp_path / "bucket", tmp_path / "site"
    for folder in ("results", "message_board"):
        (bucket / folder).mkdir(parents=True)
    names = [f"20260708-{10 + i // 60:02d}{i % 60:02d}00-000_wren" for i in range(feeds.FEED_SIZE + 5)]
    for i, name in enumerate(names):
        write_result(bucket, name, 100.5 + i)
    before = record_entries(bucket, out, {})
    assert len(before) == feeds.FEED_SIZE and not any(names[0] in i for i in before)
    (bucket / "message_board" / "20260709-090000-000_verifier-bot.md").write_text(
        f"---\ntype: verification\nrefs: {names[0]}.md\nagent: verifier-bot\n---\nINVALID\n",
        encoding="utf-8")
    after = record_entries(bucket, out, {f"{names[0]}.md": "invalid"})
    assert len(after) == feeds.FEED_SIZE
    first_id, (title, updated, _) = next(iter(after.items()))
    assert names[0] in first_id and updated == "2026-07-09T09:00:00Z"
    assert title == "Record withdrawn: 100.5 tok/s by wren (verification invalid)"
    assert set(before) - set(after) == {next(i for i in before if names[5] in i)}
    updated = [u for _, u, _ in after.values()]
    assert updated == sorted(updated, reverse=True)


# RFC 3339 date-time (Atom's dates), an IRI's scheme, and a tag URI (RFC 4151: an authority that
# is a DNS name or an e-mail address, a date YYYY[-MM[-DD]], a specific part of pchars and "/").
RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})")
ABSOLUTE_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:\S+")
TAG_URI = re.compile(r"tag:(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*"
                     r"[A-Za-z0-9])?)*|[^@\s]+@[^@\s]+),\d{4}(?:-\d{2}(?:-\d{2})?)?:"
                     r"(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/]|%[0-9A-Fa-f]{2})*(?:#\S*)?")


def atom_faults(path) -> list[str]:
    """What RFC 4287 forbids in the feed at `path`: a feed and each entry have exactly one id
    (an absolute IRI; a tag: one well formed), title and updated (RFC 3339); entries have an
    author or the feed does; no two entries of the feed share an id."""
    root = ET.parse(path).getroot()
    faults = [] if root.tag == f"{ATOM}feed" else ["not an atom:feed"]
    has_author = root.find(f"{ATOM}author") is not None
    ids = []
    for where, element in [("feed", root)] + [(f"entry {n}", e) for n, e in
                                               enumerate(root.findall(f"{ATOM}entry"), 1)]:
        for name in ("id", "title", "updated"):
            if len(element.findall(f"{ATOM}{name}")) != 1:
                faults.append(f"{where}: not one {name}")
        ident = element.findtext(f"{ATOM}id") or ""
        if not ABSOLUTE_IRI.fullmatch(ident) or (ident[:4] == "tag:" and not TAG_URI.fullmatch(ident)):
            faults.append(f"{where}: id {ident!r} is not an absolute IRI")
        if not RFC3339.fullmatch(element.findtext(f"{ATOM}updated") or ""):
            faults.append(f"{where}: updated is not an RFC 3339 date")
        if element is not root:
            ids.append(ident)
            if not has_author and element.find(f"{ATOM}author/{ATOM}name") is None:
                faults.append(f"{where}: no author")
    return faults + [f"id {i!r} given to two entries" for i in set(ids) if ids.count(i) > 1]


def feed_ids(site) -> dict[str, set[str]]:
    """Every feed's and entry's id in the site's feeds, with the titles given under it."""
    titles: dict[str, set[str]] = {}
    for path in sorted((site / "feeds").rglob("*.xml")):
        root = ET.parse(path).getroot()
        titles.setdefault(root.findtext(f"{ATOM}id"), set()).add(path.name)
        for e in root.findall(f"{ATOM}entry"):
            titles.setdefault(e.findtext(f"{ATOM}id"), set()).add(e.findtext(f"{ATOM}title"))
    return titles


@pytest.fixture(scope="module")
def hostless_sites(demo_with):
    """The demo served from a path with no host, at its root and under /sub/."""
    hosted = 'base_url = "https://demo-org-tinylm-collab.static.hf.space/"'
    return [demo_with(hosted, f'base_url = "{base}"') for base in ("/", "/sub/")]


def test_a_site_without_a_host_has_permanent_tag_ids_naming_its_bucket(hostless_sites):
    """Atom ids must be permanent, unique IRIs: without a host they are tag URIs of the bucket
    (its web address, unique on the Hub) and the page's path under the site, so moving the site
    to another path keeps them; one id is one entry, whatever feed shows it."""
    at_root, under_sub = hostless_sites
    for path in sorted((at_root / "feeds").rglob("*.xml")):
        assert atom_faults(path) == [], path
    ids = feed_ids(at_root)
    tag = "tag:huggingface.co,2026:buckets/demo-org/tinylm-collab/"
    assert all(i.startswith(tag) for i in ids)
    assert tag + "feeds/messages.xml" in ids
    assert tag + "messages/20260712-071603-567_vireo/" in ids
    assert {i for i, titles in ids.items() if len(titles) > 1} == set()     # an id, one title
    assert feed_ids(under_sub) == ids


def test_a_site_with_a_host_keeps_its_pages_addresses_as_ids(demo_site):
    for path in sorted((demo_site / "feeds").rglob("*.xml")):
        assert atom_faults(path) == [], path
    root = ET.parse(demo_site / "feeds" / "messages.xml").getroot()
    host = "https://demo-org-tinylm-collab.static.hf.space"
    assert root.findtext(f"{ATOM}id") == host + "/feeds/messages.xml"
    for e in root.findall(f"{ATOM}entry"):
        assert e.findtext(f"{ATOM}id") == e.find(f"{ATOM}link").get("href")


@pytest.mark.parametrize("bucket_web, space, title, tag", [
    ("https://huggingface.co/buckets/Org/Name/", "", "T", "tag:huggingface.co,2026:buckets/Org/Name/"),
    ("", "org/site", "T", "tag:huggingface.co,2026:spaces/org/site/"),
    ("", "", "tinylm", "tag:collab-site.invalid,2026:tinylm/"),
    ("https://git.example.org/a b", "", "T", "tag:git.example.org,2026:a%20b/"),
])
def test_a_tag_names_the_bucket_else_the_space_else_the_collaboration(bucket_web, space, title, tag):
    assert atom_tag(bucket_web, space, title) == tag
    assert TAG_URI.fullmatch(tag + "x")
