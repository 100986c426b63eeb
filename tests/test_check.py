"""`collab-site check` finds what a visitor or a feed reader would hit: a link to nothing, a
#fragment to no element, an inline script, a page with no doctype, lang, charset, title or CSP, an
id used twice, a feed or a JSON file that does not parse."""
from __future__ import annotations

import json
from pathlib import Path

from builder.check import check_site
from builder.cli import main
from tests.site_fixtures import build_demo_with

HEAD = ('<head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="script-src \'self\'">'
        "<title>t</title></head>")


def page(out: Path, rel: str, body: str, head: str = HEAD) -> None:
    path = out / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f'<!doctype html><html lang="en">{head}<body>{body}</body></html>',
                    encoding="utf-8")


def site(tmp_path: Path) -> Path:
    out = tmp_path / "site"
    page(out, "index.html", '<main id="main"><h2 id="day-2026-07-08">Day</h2>'
                            '<div data-src="/data/rows.json?v=1"></div></main>')
    (out / "data").mkdir()
    (out / "data" / "rows.json").write_text(json.dumps({"rows": [{"anchor": "r-built"}]}))
    return out


def test_a_site_whose_links_and_fragments_all_lead_somewhere_has_no_finding(tmp_path):
    out = site(tmp_path)
    page(out, "a/index.html", '<a href="#top" id="top">up</a> <a href="/#day-2026-07-08">day</a>'
                              ' <a href="/#r-built">a row a script shows</a> <a href="/">home</a>'
                              ' <a href="https://example.org/#nowhere">elsewhere</a>')
    assert check_site(out) == []


def test_the_page_folders_of_agents_named_like_files_are_no_finding(tmp_path):
    out = site(tmp_path)
    for name in ("manifest.json", "bio.html", "feed.xml"):
        page(out, f"agents/{name}/index.html", f'<a href="/agents/{name}/">{name}</a>')
    assert check_site(out) == []


def test_a_fragment_with_no_element_on_its_page_is_a_finding(tmp_path):
    out = site(tmp_path)
    page(out, "a/index.html", '<a href="#gone">here</a> <a href="/#day-2026-07-09">a day</a>'
                              ' <a href="/#r-not-built">a row</a> <a href="/a/#day%2D1">x</a>')
    assert check_site(out) == [
        "a/index.html: no #gone where #gone leads",
        "a/index.html: no #day-2026-07-09 where /#day-2026-07-09 leads",
        "a/index.html: no #r-not-built where /#r-not-built leads",
        "a/index.html: no #day-1 where /a/#day%2D1 leads"]


def test_one_fragment_missing_from_a_page_many_pages_link_to_is_one_line(tmp_path):
    out = site(tmp_path)
    for name in ("c", "b", "a"):
        page(out, f"{name}/index.html", '<a href="/#day-2026-07-01">first day</a>')
    page(out, "d/index.html", '<a href="/#day-2026-07-01">first day</a> <a href="#x">x</a>')
    assert check_site(out) == [
        "no #day-2026-07-01 in index.html: from 4 pages (a/index.html, b/index.html, "
        "c/index.html, …)",
        "d/index.html: no #x where #x leads"]


def test_broken_links_scripts_and_missing_basics_are_findings(tmp_path):
    out = site(tmp_path)
    page(out, "b/index.html", '<p id="x" onclick="go()">x</p><p id="x"></p><script>go()</script>'
                              '<a href="/nowhere/">lost</a>', head="<head></head>")
    assert check_site(out) == [
        "b/index.html: no charset (<meta charset>)",
        "b/index.html: no <title>",
        "b/index.html: no Content-Security-Policy meta tag",
        "b/index.html: 2 inline script(s) or event handler(s)",
        "b/index.html: duplicate id 'x'",
        "broken link /nowhere/: from b/index.html"]


def test_check_reads_the_sites_path_from_base_url(tmp_path, capsys):
    out = tmp_path / "site"
    page(out, "index.html", '<a href="/collab/a/">a</a> <a href="/collab/static/site.css">css</a>')
    page(out, "a/index.html", '<a href="/collab/">home</a> <a href="/collab/gone/">lost</a>')
    (out / "static").mkdir()
    (out / "static" / "site.css").write_text("")
    config = tmp_path / "collab.toml"
    config.write_text('[site]\nbase_url = "https://example.org/collab/"\n')
    assert main(["check", "--config", str(config), "--out", str(out)]) == 1
    assert capsys.readouterr().out.splitlines() == [
        "check: broken link /collab/gone/: from a/index.html",
        f"check: 1 finding(s) in {out}"]


def test_a_site_built_under_a_path_is_checked_from_its_folder_alone(tmp_path, monkeypatch, capsys):
    """The build writes the path it built for in manifest.json: check, run where there is no
    collab.toml (or another one), follows the site's links under that path, and says so."""
    out = build_demo_with(tmp_path, 'base_url = "https://demo-org-tinylm-collab.static.hf.space/"',
                          'base_url = "https://example.org/site/"')
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    capsys.readouterr()
    assert main(["check", "--out", str(out)]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "check: links checked under /site/, the path the site was built for (manifest.json); "
        "the config's base_url path is /",
        SUBMIT_SITEMAP, f"check: 0 finding(s) in {out}"]
    assert main(["check", "--config", str(tmp_path / "collab.toml"), "--out", str(out)]) == 0
    assert capsys.readouterr().out.splitlines() == [SUBMIT_SITEMAP, f"check: 0 finding(s) in {out}"]


SUBMIT_SITEMAP = ("check: sitemap.xml: the site is under /site/, where crawlers read no robots.txt; "
                  "submit its sitemap.xml to search engines")


def test_a_manifest_whose_base_is_not_a_path_is_said_and_the_configs_is_used(tmp_path, capsys,
                                                                             monkeypatch):
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "site"
    page(out, "index.html", '<a href="/a/">a</a>')
    (out / "manifest.json").write_text(json.dumps({"version": 1, "files": {}, "base": "site"}))
    assert main(["check", "--out", str(out)]) == 1
    assert capsys.readouterr().out.splitlines() == [
        "check: manifest.json: its base 'site' is not a path like /site/; links checked under /, "
        "the config's base_url path",
        "check: broken link /a/: from index.html",
        f"check: 1 finding(s) in {out}"]


def test_an_agents_link_cannot_write_to_the_terminal_nor_fill_it(tmp_path):
    """Findings quote links and ids an agent wrote: a %1b in a #fragment is an escape sequence
    once decoded, and a link can be as long as a message (longer than a file name may be: it
    stopped check with a traceback)."""
    out = site(tmp_path)
    page(out, "a/index.html", '<a href="#%1b[2Jgone">x</a> <a href="/x\x1b]0;title\x07/">y</a>'
                              f'<a href="/{"z" * 5000}/">z</a> <p id="i\x1b[31m"></p><p id="i\x1b[31m"></p>')
    findings = check_site(out)
    assert findings[:3] == [
        "a/index.html: duplicate id 'i\\x1b[31m'",
        "broken link /x\\x1b]0;title\\x07/: from a/index.html",
        f"broken link /{'z' * 158}…: from a/index.html"]
    assert findings[3:] == ["a/index.html: no #\\x1b[2Jgone where #%1b[2Jgone leads"]


def test_a_page_a_theme_override_left_without_doctype_lang_or_charset_is_a_finding(tmp_path):
    out = site(tmp_path)
    (out / "a").mkdir()
    bare_head = HEAD.replace('<meta charset="utf-8">', "")
    (out / "a" / "index.html").write_text(f"<html>{bare_head}<body></body></html>")
    assert check_site(out) == ["a/index.html: does not start with <!DOCTYPE html>",
                               "a/index.html: no <html lang>",
                               "a/index.html: no charset (<meta charset>)"]


def test_one_missing_file_linked_from_every_page_is_one_line_naming_the_first_pages(tmp_path):
    out = site(tmp_path)
    feed = '<a href="/feeds/records.xml">records</a> <link href="/feeds/records.xml?v=2">'
    page(out, "index.html", feed)
    for name in ("e", "d", "c", "b", "a"):
        page(out, f"{name}/index.html", feed + ' <a href="/gone/">x</a>' * (name == "c"))
    assert check_site(out) == [
        "broken link /feeds/records.xml: from 6 pages (index.html, a/index.html, b/index.html, …)",
        "broken link /gone/: from c/index.html"]


ATOM_ENTRY = "<entry><id>urn:1</id><title>t</title><updated>2026-07-08T10:00:00Z</updated></entry>"


def feed(out: Path, rel: str, text: str) -> None:
    (out / rel).parent.mkdir(parents=True, exist_ok=True)
    (out / rel).write_text(text, encoding="utf-8")


def test_feeds_that_are_not_well_formed_atom_are_findings(tmp_path):
    out = site(tmp_path)
    head = '<feed xmlns="http://www.w3.org/2005/Atom"><id>urn:f</id><title>f</title>'
    feed(out, "feeds/good.xml", f"{head}<updated>2026-07-08T10:00:00Z</updated>{ATOM_ENTRY}</feed>")
    feed(out, "feeds/messages.xml", "<feed><entry>")
    feed(out, "feeds/rss.xml", "<rss><channel/></rss>")
    feed(out, "feeds/agents/a.xml", f"{head}{ATOM_ENTRY}<entry><title>t</title>"
                                    "<updated>yesterday</updated></entry><entry><id>urn:3</id>"
                                    "<title>t</title></entry></feed>")
    assert check_site(out) == [
        "feeds/agents/a.xml: the feed has no <updated> date",
        "feeds/agents/a.xml: 1 of 3 entries have no <id>",
        "feeds/agents/a.xml: 2 of 3 entries have no <updated> date",
        "feeds/messages.xml: not well-formed XML (no element found: line 1, column 13)",
        "feeds/rss.xml: not an Atom feed (its root is <rss>)"]


def test_an_entry_id_titled_otherwise_in_another_feed_is_a_finding(tmp_path):
    """A reader that meets one Atom id in two feeds takes them for one entry: under one title."""
    out = site(tmp_path)
    head = ('<feed xmlns="http://www.w3.org/2005/Atom"><id>urn:f</id><title>f</title>'
            "<updated>2026-07-08T10:00:00Z</updated>")
    retitled = ATOM_ENTRY.replace("<title>t</title>", "<title>New record: t</title>")
    feed(out, "feeds/records.xml", f"{head}{retitled}</feed>")
    feed(out, "feeds/results.xml", f"{head}{ATOM_ENTRY}</feed>")
    feed(out, "feeds/agents/a.xml", f"{head}{retitled}</feed>")
    assert check_site(out) == [
        "feeds/results.xml: 1 of 1 entries have the id of an entry of feeds/agents/a.xml and "
        "another title"]


def test_json_files_that_do_not_parse_are_findings(tmp_path):
    out = site(tmp_path)
    (out / "leaderboard.json").write_text('{"rows": [')
    (out / "data" / "chart.json").write_bytes(b'{"t": "\xff"}')
    assert check_site(out) == [
        "data/chart.json: not valid JSON ('utf-8' codec can't decode byte 0xff in position 7: "
        "invalid start byte)",
        "leaderboard.json: not valid JSON (Expecting value: line 1 column 11 (char 10))"]


def test_a_rows_file_that_cannot_be_read_is_named_once_not_as_each_anchor_into_it(tmp_path):
    out = site(tmp_path)
    for name in ("a", "b", "c"):
        page(out, f"{name}/index.html", f'<a href="/#r-{name}">a row</a> <a href="/#r-built">one</a>')
    (out / "data" / "rows.json").write_text('{"rows": [')
    assert check_site(out) == ["data/rows.json: not valid JSON (Expecting value: line 1 column 11 "
                               "(char 10))"]
    (out / "data" / "rows.json").write_text('{"rows": ["r-a", "r-b"]}')
    assert check_site(out) == ['data/rows.json: its rows are not {"rows": [{"anchor": ...}]}, so '
                               "the #anchors pages show from it are not checked"]
    (out / "data" / "rows.json").unlink()
    assert check_site(out) == ["broken link /data/rows.json: from index.html"]


def test_check_help_says_what_is_checked_and_the_exit_code(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "1000")            # no line break inside a word
    assert main(["check", "--help"]) == 0
    text = " ".join(capsys.readouterr().out.split())
    for checked in ("#fragments", "<!DOCTYPE html>", "<html lang>", "charset", "<title>",
                    "Content-Security-Policy", "inline script", "id used twice", "2 MB", "Atom",
                    "*.json", "1 findings"):
        assert checked in text


def test_a_fragment_leads_where_a_browser_scrolls_as_written_decoded_or_to_the_top(tmp_path):
    # HTML's indicated part: the id as the URL writes it, else decoded, else "top" (any case)
    out = site(tmp_path)
    page(out, "a/index.html", '<h2 id="fn%20one">as written</h2><h2 id="day-1">decoded</h2>'
                              '<a href="#fn%20one">1</a> <a href="#day%2D1">2</a> '
                              '<a href="#TOP">up</a> <a href="#gone%21">x</a>')
    assert check_site(out) == ["a/index.html: no #gone! where #gone%21 leads"]
