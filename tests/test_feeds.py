import xml.etree.ElementTree as ET

from builder.cli import main
from tests.hostile import PAYLOADS, write_hostile_bucket
from tests.html import soup, text_of

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


def test_hostile_text_stays_text_in_feeds(tmp_path):
    bucket = write_hostile_bucket(tmp_path / "bucket")
    out = tmp_path / "site"
    assert main(["build", "--source", str(bucket), "--out", str(out)]) == 0
    feeds = [out / "feeds" / "messages.xml", out / "feeds" / "records.xml",
             *sorted((out / "feeds" / "agents").glob("*.xml"))]
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
    updated = [e.find(f"{ATOM}updated").text for e in entries]
    assert updated == sorted(updated, reverse=True)
