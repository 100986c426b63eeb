"""An organizer's theme_dir overrides single templates and static files; the rest comes from the
package theme, and the footer names the collab-site version."""
from __future__ import annotations

from pathlib import Path

import pytest

from builder import __version__
from builder.cli import main
from builder.config import ConfigError, load_config
from builder.render import INLINE_STYLE_BYTES, inline_stylesheet
from tests import html
from tests.conftest import FIXTURES

BUCKET = FIXTURES / "readers" / "gen2-bucket"
PACKAGE_STATIC = Path(__file__).resolve().parents[1] / "builder" / "theme" / "static"


def _project(tmp_path: Path) -> Path:
    theme = tmp_path / "my-theme"
    (theme / "templates").mkdir(parents=True)
    (theme / "static").mkdir()
    (theme / "templates" / "404.html").write_text(
        '{% extends "collab-site/404.html" %}\n'
        "{% block content %}<h1>Lost in the collaboration</h1>{% endblock %}\n", encoding="utf-8")
    (theme / "static" / "style.css").write_text("body { background: #fef; }\n", encoding="utf-8")
    config = tmp_path / "collab.toml"
    config.write_text(f'[site]\ntitle = "Themed"\ntheme_dir = "my-theme"\n'
                      f'[source]\nlocation = "{BUCKET.as_posix()}"\n', encoding="utf-8")
    return config


def _build(config: Path, out: Path, capsys) -> str:
    assert main(["build", "--config", str(config), "--out", str(out)]) == 0
    return capsys.readouterr().out


def test_theme_dir_files_win_and_the_rest_comes_from_the_package(tmp_path, capsys):
    config, out = _project(tmp_path), tmp_path / "site"
    _build(config, out, capsys)
    # an override that extends the original keeps the layout around its own content
    not_found = (out / "404.html").read_text(encoding="utf-8")
    assert "<h1>Lost in the collaboration</h1>" in not_found
    assert "<h1>Page not found</h1>" not in not_found
    assert f"collab-site {__version__}" in not_found and 'class="bottom"' in not_found
    assert (out / "static" / "style.css").read_text(encoding="utf-8") == "body { background: #fef; }\n"
    # everything not overridden is the package's
    assert (out / "static" / "chart.js").read_bytes() == (PACKAGE_STATIC / "chart.js").read_bytes()
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "Lost in the collaboration" not in index and f"collab-site {__version__}" in index


def test_a_site_served_under_a_path_links_its_header_menu_and_footer_below_it(tmp_path, capsys):
    config = tmp_path / "collab.toml"
    config.write_text(f'[site]\ntitle = "Under a path"\nbase_url = "https://example.org/collab/"\n'
                      f'[source]\nlocation = "{BUCKET.as_posix()}"\n', encoding="utf-8")
    out = tmp_path / "site"
    _build(config, out, capsys)
    pages = [out / "404.html", out / "agents" / "index.html",
             next((out / "messages").glob("2*/index.html"))]
    for page in pages:
        soup = html.soup(page)
        chrome = [a["href"] for a in soup.select("header.top a[href], footer.bottom a[href]")]
        chrome += [soup.select_one("header.top form")["action"]]
        chrome += [link["href"] for link in soup.select("head link[href]") if link["rel"] != ["canonical"]]
        assert len(chrome) >= 17 and all(href.startswith("/collab/") for href in chrome), page
        assert soup.select_one('link[rel="stylesheet"]')["href"].startswith("/collab/static/style.css?v=")
        assert soup.select_one('link[rel="icon"]')["href"].startswith("/collab/static/favicon.svg?v=")
        assert [a["href"] for a in soup.select("header.top nav a")][:5] == [
            "/collab/", "/collab/results/", "/collab/messages/", "/collab/agents/", "/collab/traces/"]


def test_editing_an_override_rebuilds_the_site(tmp_path, capsys):
    config, out = _project(tmp_path), tmp_path / "site"
    _build(config, out, capsys)
    assert "nothing changed" in _build(config, out, capsys)
    (tmp_path / "my-theme" / "static" / "style.css").write_text("body { color: red; }\n")
    assert "nothing changed" not in _build(config, out, capsys)
    assert (out / "static" / "style.css").read_text() == "body { color: red; }\n"
    assert "<style>body { color: red; }\n</style>" in (out / "index.html").read_text()


@pytest.mark.parametrize("body, error", [
    ("{% if %}", "TemplateSyntaxError: Expected an expression, got 'end of statement block'"),
    ("{{ nope.x }}", "UndefinedError: 'nope' is undefined"),
])
def test_a_mistake_in_a_theme_template_is_one_line_naming_its_file_and_line(
        tmp_path, capsys, body, error):
    config, out = _project(tmp_path), tmp_path / "site"
    _build(config, out, capsys)
    page = tmp_path / "my-theme" / "templates" / "404.html"
    page.write_text('{% extends "collab-site/404.html" %}\n{% block content %}\n'
                    f"{body}{{% endblock %}}\n", encoding="utf-8")
    assert main(["build", "--config", str(config), "--out", str(out)]) == 2
    assert capsys.readouterr().err == f"template error: {page}:3: {error}\n"
    assert "Lost in the collaboration" in (out / "404.html").read_text(encoding="utf-8")


def test_the_home_page_carries_the_style_sheet_and_every_other_page_links_it(demo_site):
    """A first visit paints the home page without waiting for a second request."""
    style = (demo_site / "static" / "style.css").read_text(encoding="utf-8")
    index = (demo_site / "index.html").read_text(encoding="utf-8")
    assert index.count(f"<style>{style}</style>") == 1
    assert index.count("<style>") == 2                  # and the chart picture's dark-mode style
    assert 'rel="stylesheet"' not in index
    for page in ("messages/index.html", "results/index.html", "agents/index.html", "404.html"):
        text = (demo_site / page).read_text(encoding="utf-8")
        assert "<style>" not in text and '<link rel="stylesheet" href="/static/style.css?v=' in text


def test_each_page_marks_its_own_section_in_the_menu_and_the_search_page_has_no_header_search(demo_site):
    """The header and footer are rendered once per section (render.shared_parts), not per page:
    pages of different sections rendered one after another each get their own."""
    current = {"index.html": "Leaderboard", "results/index.html": "Results",
               "messages/index.html": "Messages", "agents/index.html": "Agents",
               "traces/index.html": "Traces", "about/index.html": "About", "search/index.html": None}
    for page, section in current.items():
        soup = html.soup(demo_site / page)
        assert [html.text_of(a) for a in soup.select("header.top nav a[aria-current]")] == (
            [section] if section else []), page
        assert (soup.select_one("header.top form.site-search") is None) == (section is None), page
        assert f"collab-site {__version__}" in html.text_of(soup.select_one("footer.bottom")), page


@pytest.mark.parametrize("sheet", [
    b"body { color: red; } </STYLE><script>alert(1)</script>",    # would end the element
    b"body { background: url(paper.png); }",                      # read from the page's folder
    b"@import 'more.css';",
    b"body { content: '\xff'; }",                                # not UTF-8
    b"body { color: red; }" + b" " * INLINE_STYLE_BYTES,           # too large to carry
])
def test_a_style_sheet_the_home_page_cannot_carry_is_linked(sheet):
    assert inline_stylesheet({"style.css": sheet}) == ""
    assert inline_stylesheet({"style.css": b"body { color: red; }"}) == "body { color: red; }"


def test_a_missing_theme_dir_is_a_config_error_naming_the_key(tmp_path):
    config = tmp_path / "collab.toml"
    config.write_text('[site]\ntheme_dir = "nowhere"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(config, env={})
    assert any(e.startswith(f"{config}: site.theme_dir:") for e in caught.value.errors)


def test_version_option_prints_the_package_version(capsys):
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"collab-site {__version__}"
