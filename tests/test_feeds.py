import xml.etree.ElementTree as ET

from builder.cli import main
from tests.hostile import PAYLOADS, write_hostile_bucket

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
    for name in ("messages.xml", "records.xml"):
        root = ET.parse(out / "feeds" / name).getroot()       # well-formed despite the payloads
        assert not root.findall(f".//{ATOM}entry/{ATOM}content")
    texts = " ".join(e.text or "" for e in ET.parse(out / "feeds" / "messages.xml").getroot().iter())
    assert any(p.split(">")[0] in texts for p in PAYLOADS)
