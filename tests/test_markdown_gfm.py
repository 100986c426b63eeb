"""Agent markdown renders as GitHub renders GFM, and the page keeps one <h1>.

Fixtures are written here; the corpus test reads real agents' files from ../shared when present."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dataclasses import replace

from builder.check import check_site
from builder.cli import main
from builder.markdown import (Linker, MarkdownRenderer, demote_headings, excerpt_of_html,
                              opening_heading, page_paths)
from tests import html
from tests.conftest import CORPUS
from tests.hostile import write_hostile_bucket

BUCKET = "https://huggingface.co/buckets/o/b"
LINKER = Linker(agent_url=lambda a: f"/agents/{a}/" if a == "kestrel" else None,
                artifact_url=lambda p: f"{BUCKET}/resolve/{p}",
                file_view=lambda p: f"{BUCKET}/tree/{p}")


def render(text: str, folder: str | None = None, **kw):
    return html.soup(str(MarkdownRenderer(LINKER, **kw).render(text, folder)))


def test_a_list_right_after_a_paragraph_line_is_a_list():
    page = render("**Results:**\n- tps 541.2\n- ppl 2.31\n")
    assert [html.text_of(li) for li in page.select("ul > li")] == ["tps 541.2", "ppl 2.31"]
    assert "- tps" not in page.get_text()


def test_two_space_nesting_nests():
    page = render("- outer\n  - inner one\n  - inner two\n- second\n")
    assert [html.text_of(li) for li in page.select("ul ul > li")] == ["inner one", "inner two"]
    assert len(page.select("ul")[0].find_all("li", recursive=False)) == 2


def test_bare_urls_become_links():
    page = render("see https://example.org/run?id=3 and www.example.com.")
    assert [a["href"] for a in page.find_all("a")] == ["https://example.org/run?id=3",
                                                       "http://www.example.com"]


def test_strikethrough_with_one_or_two_tildes():
    page = render("~~old~~ and ~gone~")
    assert [d.get_text() for d in page.find_all("del")] == ["old", "gone"]


def test_task_lists_show_their_state_in_text_without_form_controls():
    page = render("- [x] baseline\n- [ ] int4\n")
    boxes = page.select("li span.task")
    assert [b["aria-label"] for b in boxes] == ["done", "to do"]
    assert page.find("input") is None


def test_tables_without_outer_pipes():
    page = render("agent | tps\n--- | ---:\nkestrel | 541.2\n")
    assert [html.text_of(th) for th in page.select("thead th")] == ["agent", "tps"]
    assert [html.text_of(td) for td in page.select("tbody td")] == ["kestrel", "541.2"]
    assert page.select("tbody td")[1]["align"] == "right"


@pytest.mark.parametrize("fence", ["```", "~~~"])
def test_fenced_code_with_either_fence_keeps_its_language(fence):
    page = render(f"{fence}python\nx = 1 < 2\n{fence}\n")
    code = page.select_one("pre > code")
    assert code["class"] == ["language-python"] and code.get_text() == "x = 1 < 2\n"


def test_fenced_code_is_coloured_by_kind_of_token_and_keeps_its_text():
    source = 'def f(x):\n    return "<a>" & 1  # @kestrel artifacts/a.py\n'
    code = render(f"```python\n{source}```\n").select_one("pre > code")
    assert code.get_text() == source
    kinds = [(span["class"], span.get_text()) for span in code.find_all("span")]
    assert kinds == [(["hl-k"], "def"), (["hl-nf"], "f"), (["hl-k"], "return"), (["hl-s"], '"<a>"'),
                     (["hl-m"], "1"), (["hl-c"], "# @kestrel artifacts/a.py")]
    assert code.find("a") is None                     # no link inside code


@pytest.mark.parametrize("language", ["markdown", "md"])
def test_a_markdown_files_frontmatter_in_a_code_block_is_coloured_as_yaml_not_as_a_heading(language):
    """The gemma README's example result: Pygments' markdown lexer took the closing "---" for
    the underline of a heading, and drew the last key's line bold; GitHub colours the frontmatter
    as YAML and the body as markdown."""
    source = ("---\ntps: 0   # tokens/sec\nsubmission: hf://buckets/o/n/x/   # recommended\n---\n\n"
              "# Body\nOptional text.\n")
    code = render(f"```{language}\n{source}```\n").select_one("pre > code")
    assert code.get_text() == source
    kinds = [(span["class"], span.get_text()) for span in code.find_all("span")]
    assert (["hl-c"], "# recommended") in kinds and (["hl-gh"], "# Body") in kinds
    assert not [text for cls, text in kinds if cls in (["hl-gu"], ["hl-gh"]) and "submission" in text]


@pytest.mark.parametrize("text", ["```\nx = 1\n```\n", "```text\nreturn 1\n```\n",
                                  "```brainfuck\n+[>]\n```\n", "    return 1\n",
                                  "```python\n" + "return 1\n" * 3000 + "```\n"],
                         ids=["no language", "plain text", "unknown language", "indented", "too long"])
def test_code_stays_plain_in_an_unknown_language_or_when_very_long(text):
    assert render(text).select_one("pre code").find("span") is None


def test_code_that_closes_its_block_stays_text():
    text = "```python\nx = '</code></pre><script>alert(1)</script>'\n```\n"
    page = render(text)
    assert page.find("script") is None
    assert "<script>alert(1)</script>" in page.select_one("pre code").get_text()


def test_headings_never_make_a_second_h1_nor_skip_levels():
    page = render("# Title\n\ntext\n\n#### Deep\n\n## Back\n")
    assert [h.name for h in page.find_all(re.compile(r"^h[1-6]$"))] == ["h2", "h3", "h3"]
    assert demote_headings('<h1 id="a">x</h1><h6>y</h6>') == '<h2 id="a">x</h2><h3>y</h3>'


def test_a_text_under_a_section_heading_starts_its_headings_below_it():
    text = "# Title\n\n#### Deep\n\n###### Deepest\n"
    page = html.soup(str(MarkdownRenderer(LINKER).render(text, top=4)))
    assert [h.name for h in page.find_all(re.compile(r"^h[1-6]$"))] == ["h4", "h5", "h6"]


def test_mentions_and_artifacts_link_in_text_but_not_in_code_pre_or_links():
    page = render("@kestrel wrote artifacts/a.py, not `@kestrel` nor [artifacts/b.py](https://x.org)"
                  "\n\n```\n@kestrel artifacts/c.py\n```\n")
    hrefs = [a["href"] for a in page.find_all("a")]
    assert hrefs == ["/agents/kestrel/", "https://huggingface.co/buckets/o/b/resolve/artifacts/a.py",
                     "https://x.org"]
    assert page.find("a").find("a") is None


def test_raw_html_still_goes_through_the_allow_list():
    page = render('<details><summary>more</summary><b onclick="x()">hi</b></details><script>x()</script>')
    assert page.find("details") and page.find("b").attrs == {}
    assert page.find("script") is None


@pytest.mark.parametrize("tag", ["mark", "small", "ins", "q", "samp", "var", "cite", "dfn", "tt",
                                 "strike", "figcaption", "caption"])
def test_html_that_github_keeps_is_kept(tag):
    inner = f"<{tag}>kept</{tag}>"
    text = f"<table>{inner}<tr><td>x</td></tr></table>" if tag == "caption" else f"<div>{inner}</div>"
    assert html.text_of(render(text).find(tag)) == "kept"


@pytest.mark.parametrize("tag, attribute, value", [
    ("abbr", "title", "tokens per second"), ("details", "open", ""),
    ("time", "datetime", "2026-07-06"), ("bdo", "dir", "rtl")])
def test_the_attributes_that_give_such_html_its_meaning_are_kept(tag, attribute, value):
    element = render(f'<div><{tag} {attribute}="{value}" onclick="x()">t</{tag}></div>').find(tag)
    assert element.attrs == {attribute: value}


def test_an_alignment_github_keeps_is_kept_and_nothing_else():
    page = render('<p align="center">figure</p>\n\n<div align="javascript:x()" onclick="x()">d</div>\n')
    assert page.find("p")["align"] == "center"
    assert page.find("div").attrs == {}


def test_relative_links_and_images_point_into_the_bucket_from_the_files_folder():
    page = render("[plan](../docs/ROADMAP.md#g256), [notes](notes.md), [bench](./tps_bench/)\n\n"
                  "![tps](plots/tps.png)", folder="results", image_hosts=("huggingface.co",))
    assert [a["href"] for a in page.find_all("a")] == [
        f"{BUCKET}/tree/docs/ROADMAP.md#g256", f"{BUCKET}/tree/results/notes.md",
        f"{BUCKET}/tree/results/tps_bench"]
    assert page.find("img")["src"] == f"{BUCKET}/resolve/results/plots/tps.png"


def test_relative_links_of_a_file_at_the_top_of_the_bucket():
    page = render("[bench](shared_resources/tps_bench/README.md)", folder="")
    assert page.find("a")["href"] == f"{BUCKET}/tree/shared_resources/tps_bench/README.md"


PAGES = {"results/20260711-092133-145_orbit-7.md": "/results/20260711-092133-145_orbit-7/",
         "20260705-223405-121_heron-2.md": "/results/20260705-223405-121_heron-2/",   # a bare name
         "message_board/20260711-185031-895_itaca.md": "/messages/20260711-185031-895_itaca/",
         "artifacts/results/fp8_kestrel.json": "/results/legacy-fp8_kestrel/"}


def render_pages(text: str, folder: str | None = None):
    linker = replace(LINKER, page_of=PAGES.get)
    return html.soup(str(MarkdownRenderer(linker).render(text, folder, pages=page_paths(text, folder))))


class AnyPath:
    """Every path, as `render`'s `pages`: it then looks up every path it might link."""

    def __contains__(self, path):
        return True

    def __len__(self):
        return 1

    def __iter__(self):
        return iter(())


def test_the_paths_of_files_with_a_page_link_to_it_in_text_code_and_links():
    page = render_pages(
        "Details in results/20260711-092133-145_orbit-7.md, posted at "
        "`message_board/20260711-185031-895_itaca.md`; the JSON `artifacts/results/fp8_kestrel.json`"
        " and artifacts/results/other.json; see [the result](../results/20260711-092133-145_orbit-7.md#ppl)"
        " and [plan](../docs/plan.md); results/gone.md has no page. Answering "
        "`20260711-185031-895_itaca.md`, not `20260711-000000-000_gone.md`; result "
        "`20260705-223405-121_heron-2.md`, not [heron](20260705-223405-121_heron-2.md).\n\n"
        "```\nresults/20260711-092133-145_orbit-7.md\n```\n", folder="message_board")
    assert [(a["href"], html.text_of(a)) for a in page.find_all("a")] == [
        ("/results/20260711-092133-145_orbit-7/", "results/20260711-092133-145_orbit-7.md"),
        ("/messages/20260711-185031-895_itaca/", "message_board/20260711-185031-895_itaca.md"),
        ("/results/legacy-fp8_kestrel/", "artifacts/results/fp8_kestrel.json"),
        (f"{BUCKET}/resolve/artifacts/results/other.json", "artifacts/results/other.json"),
        ("/results/20260711-092133-145_orbit-7/#ppl", "the result"),
        (f"{BUCKET}/tree/docs/plan.md", "plan"),
        ("/messages/20260711-185031-895_itaca/", "20260711-185031-895_itaca.md"),
        ("/results/20260705-223405-121_heron-2/", "20260705-223405-121_heron-2.md"),
        (f"{BUCKET}/tree/message_board/20260705-223405-121_heron-2.md", "heron")]
    assert page.find("pre").find("a") is None


def test_without_pages_those_paths_keep_the_links_they_had():
    linker = replace(LINKER, page_of=PAGES.get)
    page = html.soup(str(MarkdownRenderer(linker).render(
        "results/20260711-092133-145_orbit-7.md `artifacts/results/fp8_kestrel.json` "
        "[r](../results/20260711-092133-145_orbit-7.md)", "message_board")))
    assert [a["href"] for a in page.find_all("a")] == [
        f"{BUCKET}/resolve/artifacts/results/fp8_kestrel.json",
        f"{BUCKET}/tree/results/20260711-092133-145_orbit-7.md"]


def test_page_paths_names_every_path_a_text_links_to_a_page():
    """What the body cache's key follows from: each path `render` may look up, whatever
    surrounds it in the source (emphasis, a link, punctuation)."""
    text = ("**results/a.md**, _message_board/b.md_ [x](../agents/c.md#bio) (results/d.md). "
            "x,results/e.md `artifacts/results/f.json` results/g%2Emd.md https://h.org/i.md")
    found = set(page_paths(text, "message_board"))
    assert {"results/a.md", "message_board/b.md", "agents/c.md", "results/d.md", "results/e.md",
            "artifacts/results/f.json", "results/g.md.md"} <= found
    assert page_paths("no path here, results/", "x") == []
    looked_up = []
    linker = replace(LINKER, page_of=lambda p: looked_up.append(p) or None)
    MarkdownRenderer(linker).render(text, "message_board", pages=AnyPath())
    assert looked_up and set(looked_up) <= found


def test_a_text_naming_thousands_of_files_links_the_first_thousand():
    """A bounded cost for every build (the paths are looked for before the cache is asked)."""
    names = [f"results/r{i}.md" for i in range(1200)]
    text = " ".join(names)
    linker = replace(LINKER, page_of=lambda p: f"/results/{p[8:-3]}/")
    page = html.soup(str(MarkdownRenderer(linker).render(text, "", pages=page_paths(text, ""))))
    assert [a["href"] for a in page.find_all("a")] == [f"/results/r{i}/" for i in range(1000)]


_PIECES = ["results/", "message_board/", "../", "./", "a.md", "b.json", "c", ".md", "_", "*", "`",
           "[x](", ")", "<", ">", " ", ",", ":", "#f", "%2E", "&#46;", "&sol;", "-", "~", "/", "x.md",
           "](", '<a href="', '">', "\n", "\n\n", "- ", "> ", "@"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=40).map("".join),
       st.sampled_from([None, "", "message_board", "results/sub"]))
def test_every_path_render_may_link_to_a_page_is_one_page_paths_names(text, folder):
    looked_up = []
    linker = replace(LINKER, page_of=lambda p: looked_up.append(p) or None)
    MarkdownRenderer(linker).render(text, folder, pages=AnyPath())
    assert set(looked_up) <= set(page_paths(text, folder)), text


@pytest.mark.parametrize("href", ["../../outside.md", "/agents/kestrel/", "#top", "?page=2",
                                  "https://example.org/x.md", "mailto:a@example.org"])
def test_links_that_are_not_bucket_paths_stay_as_written(href):
    assert render(f"[x]({href})", folder="results").find("a")["href"] == href


def test_without_a_folder_relative_links_stay_as_written():
    page = render("[notes](notes.md) ![tps](plots/tps.png)")
    assert page.find("a")["href"] == "notes.md" and page.find("img") is None


def test_images_from_allowed_hosts_show_others_become_links():
    page = render("![plot](https://huggingface.co/buckets/o/b/resolve/p.png) "
                  "![pixel](https://tracker.example/p.gif)",
                  image_hosts=("huggingface.co",))
    assert [img["src"] for img in page.find_all("img")] == [
        "https://huggingface.co/buckets/o/b/resolve/p.png"]
    link = page.find("a", href="https://tracker.example/p.gif")
    assert html.text_of(link) == "image: pixel (tracker.example)"


def test_the_sanitiser_drops_images_from_other_hosts_even_in_odd_markup():
    page = render("<IMG SRC=https://tracker.example/a.gif><img src='https://sub.huggingface.co/x.png'>",
                  image_hosts=("*.huggingface.co",))
    assert [img.get("src") for img in page.find_all("img")] == ["https://sub.huggingface.co/x.png"]


def test_footnotes_link_to_their_note_and_back():
    page = render("Fast[^1], and small[^size].\n\n[^1]: Measured on an A100.\n[^size]: 4-bit.\n")
    refs = page.select("p sup a")
    assert [html.text_of(a) for a in refs] == ["1", "2"]
    notes = page.select("section.footnotes ol > li")
    assert [a["href"] for a in refs] == [f"#{li['id']}" for li in notes]
    assert [html.text_of(li.p.contents[0]) for li in notes] == ["Measured on an A100.", "4-bit."]
    backs = [li.find("a", class_="footnote-backref") for li in notes]
    assert [b["href"] for b in backs] == [f"#{a['id']}" for a in refs]
    assert [b["aria-label"] for b in backs] == ["Back to reference 1", "Back to reference 2"]


def test_footnotes_of_bodies_on_one_page_never_take_each_others_place():
    bodies = ["First[^1].\n\n[^1]: note of the first\n", "Second[^1].\n\n[^1]: note of the second\n"]
    page = html.soup("".join(str(MarkdownRenderer(LINKER).render(b)) for b in bodies))
    ids = [e["id"] for e in page.find_all(id=True)]
    assert len(ids) == len(set(ids)) == 4
    notes = [html.text_of(page.find(id=a["href"][1:]).p.contents[0])
             for a in page.select("p sup a")]
    assert notes == ["note of the first", "note of the second"]


def test_agent_html_keeps_no_id_and_no_link_label_of_its_own():
    page = render('<a id="main" aria-label="Download" href="https://x.org">run</a>'
                  '<p id="fn-1">x</p>\n\nsee[^1]\n\n[^1]: note\n')
    ids = [e["id"] for e in page.find_all(id=True)]
    assert ids == [page.select_one("sup a")["id"], page.select_one("section li")["id"]]
    assert "main" not in ids and "fn-1" not in ids
    assert page.find("a", href="https://x.org").get("aria-label") is None


def footnotes_of(page) -> list[tuple[str, list[str]]]:
    """Each mark's note (its text) and where the note's links back lead, after checking that
    every link to a place in the text leads to one of its ids, that no id repeats, that each
    link back leads to a mark of its note, and that the address a visitor lands on names the
    note by its number ("#fn-<digest>-2"), never by the label the agent wrote."""
    ids = [e["id"] for e in page.find_all(id=True)]
    assert len(ids) == len(set(ids)), ids
    assert all(re.fullmatch(r"fn(ref)?-[0-9a-f]{8}-\d+(-\d+)?", i) for i in ids), ids
    assert [a["href"] for a in page.select("a[href^='#']") if a["href"][1:] not in ids] == []
    notes = []
    for mark in page.select("sup.footnote-ref > a"):
        note = page.find(id=mark["href"][1:])
        backs = [a["href"][1:] for a in note.select("a.footnote-backref")]
        assert mark["id"] in backs
        assert all(page.find(id=b).find_parent("sup")["class"] == ["footnote-ref"] for b in backs)
        notes.append((html.text_of(note.p.contents[0]), backs))
    return notes


HOSTILE_LABEL = "\"><svg/onload=alert('x')>"


@pytest.mark.parametrize("label", ["1", "a100-run", HOSTILE_LABEL])
@pytest.mark.parametrize("text, notes", [
    ("Fast[^L].\n\n[^L]: Measured on an A100.\n", ["Measured on an A100."]),
    ("- first[^L]\n- second\n\n[^L]: In a list.\n", ["In a list."]),
    ("| run | tps |\n|---|---|\n| fp8[^L] | 541 |\n\n[^L]: In a table.\n", ["In a table."]),
    ("See[^L] then[^b].\n\n[^b]: one, after[^L]\n[^L]: two\n", ["two", "one, after", "two"]),
])
def test_each_form_of_footnote_links_its_mark_to_its_note_and_back(text, notes, label):
    page = render(text.replace("[^L]", f"[^{label}]"))
    assert [note for note, _ in footnotes_of(page)] == notes


def test_a_note_marked_three_times_links_back_to_each_mark():
    page = render("a[^n] b[^n] c[^N]\n\n[^n]: the note\n")
    marks = [a["id"] for a in page.select("sup.footnote-ref > a")]
    assert footnotes_of(page) == [("the note", marks)] * 3 and len(set(marks)) == 3
    assert [html.text_of(a) for a in page.select("sup.footnote-ref > a")] == ["1", "1", "1"]


def test_labels_that_read_as_a_repeated_mark_keep_their_ids_apart():
    """cmark-gfm itself gives the second mark of [^a] and the mark of [^a-2] one id."""
    page = render("x[^a] y[^a] z[^a-2]\n\n[^a]: first\n[^a-2]: second\n")
    assert [note for note, _ in footnotes_of(page)] == ["first", "first", "second"]


def test_a_mark_of_no_note_stays_text_as_on_github():
    page = render("Fast[^missing] and[^1].\n\n[^1]: one\n")
    assert "Fast[^missing] and" in page.get_text()
    assert [note for note, _ in footnotes_of(page)] == ["one"]


def test_a_hostile_label_stays_out_of_ids_and_markup():
    page = render(f"a[^{HOSTILE_LABEL}] b[^{HOSTILE_LABEL}]\n\n[^{HOSTILE_LABEL}]: note\n")
    assert [note for note, _ in footnotes_of(page)] == ["note", "note"]
    assert page.find("svg") is None and "onload" not in str(page.select("a"))


def test_ids_and_links_the_agent_writes_for_footnotes_make_no_twin_and_lead_somewhere():
    forged = '<a id="fn-00000000-1" href="#fn-1">p39</a>'
    page = render(f"{forged}\n\n{forged}\n\n[to the note](#fn-n) [back](#fnref-n) [none](#fn-x)"
                  "\n\nsee[^n]\n\n[^n]: note\n")
    assert [note for note, _ in footnotes_of(page)] == ["note"]
    mark, note = page.select_one("sup.footnote-ref > a"), page.select_one("section li")
    links = {html.text_of(a): a.get("href") for a in page.find_all("a")}
    assert (links["to the note"], links["back"]) == (f"#{note['id']}", f"#{mark['id']}")
    assert links["p39"] is None and links["none"] is None


def test_a_heading_that_titles_its_page_leaves_with_its_marks_and_their_links_back():
    rendered = str(MarkdownRenderer().render("# Plan[^1]\n\nbody[^2], [up](#fnref-1)\n\n"
                                             "[^1]: why\n[^2]: how\n"))
    opening = opening_heading(rendered)
    assert opening.text == "Plan"
    rest = html.soup(opening.rest)
    assert [html.text_of(li.p) for li in rest.select("section li")] == ["why", "how ↩"]
    assert [note for note, _ in footnotes_of(rest)] == ["how"]


# Pieces of footnotes, and of what an agent may write to pass for them.
FOOTNOTE_PIECES = ["[^1]", "[^1]: ", "[^a]", "[^a]: ", "[^a-2]", "[^a-2]: ", "x", " ", "\n", "\n\n",
                   "- ", "| a |\n|---|\n| ", "# ", "> ", "`", '"', "<", ">", "<li>", "</li>",
                   '<a id="fn-00000000-1" href="#fn-1">', "</a>", "[l](#fn-a)", "[m](#fnref-1)",
                   '<sup class="footnote-ref"><a href="#fn-1">1</a></sup>',
                   '<section class="footnotes"><ol><li>', "</li></ol></section>",
                   '<a href="#fnref-a" class="footnote-backref">', '<a title="<li>">t</a>']


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(FOOTNOTE_PIECES), max_size=30).map("".join))
def test_no_text_makes_an_id_twice_or_a_footnote_link_to_nothing(text):
    rendered = str(MarkdownRenderer().render(text))
    opening = opening_heading(rendered)
    for shown in (rendered, opening.rest if opening else rendered):
        page = html.soup(shown)
        ids = [e["id"] for e in page.find_all(id=True)]
        assert len(ids) == len(set(ids)), ids
        to = [a["href"][1:] for a in page.select("a[href^='#fn']")]
        assert [target for target in to if target not in ids] == []

def test_an_excerpt_leaves_footnote_marks_and_notes_out():
    rendered = str(MarkdownRenderer().render("Fast[^1] run.\n\n[^1]: on an A100\n"))
    assert excerpt_of_html(rendered) == "Fast run."


@pytest.mark.parametrize("heading, slug", [
    ("Results", "results"), ("What's new in v2.0?", "whats-new-in-v20"),
    ("Größe & Ärger", "größe--ärger"), ("`fp8_kv` sweep: **226 tok/s**", "fp8_kv-sweep-226-toks"),
    ("  Spaces   inside ", "spaces---inside"), ("[the plan](https://x.org) - draft", "the-plan---draft"),
])
def test_headings_take_githubs_ids_and_a_permalink(heading, slug):
    page = render(f"# {heading}\n\ntext\n")
    h2 = page.select_one("div.markdown-heading > h2")
    assert h2["id"] == f"user-content-{slug}"
    permalink = h2.find_next_sibling("a")
    assert permalink["href"] == f"#user-content-{slug}"
    assert permalink["aria-label"] == f"Permalink: {html.text_of(h2)}"
    assert html.text_of(permalink) == ""              # the theme draws its "#"


def test_a_table_of_contents_goes_to_its_headings_and_repeated_titles_are_numbered():
    page = render("[Setup](#setup) · [first run](#run) · [second run](#run-1) · [Größe](#größe) · "
                  "[elsewhere](#nothing)\n\n## Setup\n## Run\n### Run\n## Run 1\n## Größe\n")
    ids = [h["id"] for h in page.select("h2, h3, h4")]
    assert ids == ["user-content-setup", "user-content-run", "user-content-run-1",
                   "user-content-run-1-1", "user-content-größe"]
    hrefs = [a["href"] for a in page.select("p a")]
    assert hrefs == ["#user-content-setup", "#user-content-run", "#user-content-run-1",
                     "#user-content-gr%C3%B6%C3%9Fe", "#nothing"]


def test_a_heading_of_signs_only_gets_no_anchor_and_agent_ids_never_pass():
    page = render("## 🚀 !!\n\n<h2 id=\"main\">Mine</h2>\n\n"
                  "<a id=\"user-content-x\" href=\"#user-content-x\">x</a>\n")
    assert [h.get("id") for h in page.select("h2, h3")] == [None, "user-content-mine"]
    assert page.find(id="main") is None and page.find(id="user-content-x") is None


def test_a_heading_inside_a_link_gets_an_id_but_no_permalink_inside_the_link():
    page = render("<a href=\"https://x.org\"><h3>Linked</h3></a>\n\n<a href=\"https://y.org\"><span>"
                  "<h4>Also linked</h4></span></a>\n")
    for link in page.find_all("a", href=re.compile("^https")):
        assert link.find("a") is None
    assert [h["id"] for h in page.select("h2, h3, h4")] == ["user-content-linked", "user-content-also-linked"]


def test_without_anchors_headings_get_neither_ids_nor_permalinks():
    rendered = str(MarkdownRenderer(LINKER).render("## Summary\n\n[to it](#summary)\n", anchors=False))
    page = html.soup(rendered)
    assert page.find(id=True) is None and page.find(class_="anchor") is None
    assert page.select_one("p a")["href"] == "#summary"


def test_an_excerpt_shows_a_headings_words_and_nothing_of_its_permalink():
    rendered = str(MarkdownRenderer().render("## Results\n\nFast run.\n"))
    assert excerpt_of_html(rendered) == "Results. Fast run."


@pytest.mark.parametrize("mark, title", [("NOTE", "Note"), ("tip", "Tip"), ("IMPORTANT", "Important"),
                                         ("Warning", "Warning"), ("CAUTION", "Caution")])
def test_a_quote_opening_with_an_alert_mark_is_that_alert(mark, title):
    page = render(f"> [!{mark}]\n> Runs need **8 GB**.\n>\n> - one\n")
    alert = page.select_one(f"div.alert.alert-{title.lower()}")
    assert html.text_of(alert.select_one("p.alert-title")) == title
    assert [p.get_text() for p in alert.find_all("p")] == [title, "Runs need 8 GB."]
    assert alert.find("strong") and html.text_of(alert.li) == "one"
    assert page.find("blockquote") is None and "[!" not in page.get_text()


@pytest.mark.parametrize("text", [
    "> [!NOTE] on the same line\n> more\n",          # the mark must stand alone
    "> [!NOTE]\n",                                    # and be followed by something
    "> [!HINT]\n> not a kind GitHub knows\n",
    "- item\n\n  > [!NOTE]\n  > inside a list\n",
    "> > [!NOTE]\n> > inside a quote\n",
])
def test_a_quote_that_is_no_alert_on_github_stays_a_quote(text):
    page = render(text)
    assert page.find(class_="alert") is None
    assert page.find("blockquote") and "[!" in page.get_text()


def test_an_alert_mark_in_code_stays_code():
    page = render("`> [!NOTE]`\n\n```\n> [!NOTE]\n> x\n```\n")
    assert page.find(class_="alert") is None and page.find("blockquote") is None


# ---------------------------------------------------------------- real agents' files

def _lists_after_paragraphs(text: str) -> list[str]:
    """Texts of list items that directly follow a paragraph line (outside code fences)."""
    found, fenced, previous = [], False, ""
    for line in text.splitlines():
        if re.match(r"\s*(```|~~~)", line):
            fenced = not fenced
        item = re.match(r"([-*+]|1[.)]) +(\S.*)", line)
        prose = previous.strip() and not re.match(r"\s*([-*+|#>]|\d+[.)]|```|~~~)", previous)
        if item and prose and not fenced:
            found.append(item.group(2))
        previous = "" if fenced else line
    return found


def _letters(text: str) -> str:
    """Only letters and digits: compares a markdown source line with rendered text."""
    return re.sub(r"[^0-9a-z]", "", re.sub(r"\]\([^)]*\)", "", text.lower()))


def _corpus_files() -> list[Path]:
    if not CORPUS.is_dir():
        return []
    return [p for p in sorted(CORPUS.rglob("*.md"))
            if p != CORPUS / "README.md" and _lists_after_paragraphs(p.read_text(encoding="utf-8"))]


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the shared agent corpus is not beside this checkout")
def test_the_corpus_has_lists_after_paragraph_lines():
    assert len(_corpus_files()) >= 10


@pytest.mark.parametrize("path", _corpus_files(), ids=lambda p: p.relative_to(CORPUS).as_posix())
def test_corpus_lists_after_a_paragraph_line_render_as_lists(path):
    text = path.read_text(encoding="utf-8")
    body = re.sub(r"\A---\n.*?\n---\n", "", text, flags=re.S)
    items = [_letters(html.text_of(li)) for li in render(body).find_all("li")]
    for item in _lists_after_paragraphs(body):
        start = _letters(item)[:20]
        assert any(li.startswith(start) for li in items), item


def test_the_sites_linker_finds_pages_by_path_and_by_a_name_no_other_file_has():
    from types import SimpleNamespace as Record

    from builder.pages.context import linker_for
    from builder.urls import Urls

    collab = Record(
        messages=[Record(id="m1", source_path="message_board/m1.md"),
                  Record(id="twin", source_path="message_board/twin.md")],
        results=[Record(id="r1", source_path="results/r1.md"),
                 Record(id="twin-2", source_path="results/twin.md")],
        agents=[Record(id="ann", source_path="agents/ann.md"), Record(id="bob", source_path="")],
        taskforces=[Record(id="tf", source_path="taskforces/tf/README.md")])
    page_of = linker_for(collab, Urls()).page_of
    assert [page_of(p) for p in ("message_board/m1.md", "results/r1.md", "agents/ann.md",
                                 "results/twin.md", "m1.md", "r1.md", "taskforces/tf/README.md")] == [
        "/messages/m1/", "/results/r1/", "/agents/ann/", "/results/twin-2/", "/messages/m1/",
        "/results/r1/", "/taskforces/tf/"]
    assert [page_of(p) for p in ("twin.md", "ann.md", "", "results/none.md", "README.md")] == [None] * 5


def hostile_site(folder: Path) -> Path:
    """The site of `tests.hostile`'s bucket, built into `folder`/site."""
    bucket = write_hostile_bucket(folder / "bucket")
    config = folder / "collab.toml"
    config.write_text('[metric]\nfield = "tps"\nunit = "tok/s"\n')
    out = folder / "site"
    assert main(["build", "--config", str(config), "--source", str(bucket), "--out", str(out)]) == 0
    return out


def test_check_finds_no_footnote_link_astray_on_the_demo_nor_on_the_hostile_site(demo_site,
                                                                                  tmp_path):
    """Bodies of hostile labels, forged ids and links, a heading with a mark that titles its
    page: every footnote link of every page leads to one element."""
    for site in (demo_site, hostile_site(tmp_path)):
        marked = [p for p in site.rglob("*.html") if 'class="footnote-ref"' in p.read_text()]
        assert marked
        assert [f for f in check_site(site) if re.search(r"\bfn(ref)?-", f)] == []


def test_a_link_to_a_headings_words_goes_to_it_whatever_dashes_its_slug_has():
    """GitHub's slug of "🚀 Launch" is `-launch`, of "Digest — day 6" `digest--day-6`: a table of
    contents written `#launch`, `#digest-day-6` leads to them all the same."""
    page = render("[l](#launch) [d](#digest-day-6) [x](#nothing)\n\n## 🚀 Launch\n\n"
                  "## Digest — day 6\n")
    assert [a["href"] for a in page.select("p a")] == [
        "#user-content--launch", "#user-content-digest--day-6", "#nothing"]


def test_a_permalink_leads_to_its_own_heading_when_another_headings_slug_names_it():
    page = render("## Plan\n\n## User content plan\n")
    for heading in page.select("h2, h3"):
        assert heading.find_next_sibling("a", class_="anchor")["href"] == "#" + heading["id"]


def test_check_finds_no_link_into_a_page_astray_on_the_hostile_site(tmp_path):
    """A hostile message opens with "# ## p41 …" (GitHub's `-p41-…`, its page's title) and links
    `#p41-…`: the link leads to the title, as every link of a page to a place in it leads."""
    findings = check_site(hostile_site(tmp_path))
    assert [f for f in findings if " no #" in f or f.startswith("no #")] == []
