"""`collab-site check` finds what a visitor would hit: a link to nothing, a #fragment to no
element, an inline script, a page with no title or CSP, an id used twice."""
from __future__ import annotations

import json
from pathlib import Path

from builder.check import check_site
from builder.cli import main

HEAD = ('<head><meta http-equiv="Content-Security-Policy" content="script-src \'self\'">'
        "<title>t</title></head>")


def page(out: Path, rel: str, body: str, head: str = HEAD) -> None:
    path = out / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"<!doctype html><html>{head}<body>{body}</body></html>", encoding="utf-8")


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


def test_a_fragment_with_no_element_on_its_page_is_a_finding(tmp_path):
    out = site(tmp_path)
    page(out, "a/index.html", '<a href="#gone">here</a> <a href="/#day-2026-07-09">a day</a>'
                              ' <a href="/#r-not-built">a row</a> <a href="/a/#day%2D1">x</a>')
    assert check_site(out) == [
        "a/index.html: no #gone where #gone leads",
        "a/index.html: no #day-2026-07-09 where /#day-2026-07-09 leads",
        "a/index.html: no #r-not-built where /#r-not-built leads",
        "a/index.html: no #day-1 where /a/#day%2D1 leads"]


def test_broken_links_scripts_and_missing_basics_are_findings(tmp_path):
    out = site(tmp_path)
    page(out, "b/index.html", '<p id="x" onclick="go()">x</p><p id="x"></p><script>go()</script>'
                              '<a href="/nowhere/">lost</a>', head="<head></head>")
    assert check_site(out) == [
        "b/index.html: no <title>",
        "b/index.html: no Content-Security-Policy meta tag",
        "b/index.html: 2 inline script(s) or event handler(s)",
        "b/index.html: duplicate id 'x'",
        "b/index.html: broken link /nowhere/"]


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
        "check: a/index.html: broken link /collab/gone/",
        f"check: 1 finding(s) in {out}"]
