"""The one door for agent text: what survives sanitising, and what gets linked."""
import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from builder.markdown import (MAX_NESTING, Linker, MarkdownRenderer, excerpt_of_html,
                              heading_of_html, mentioned_names, opening_heading, secrets_shown,
                              title_of_html)
from builder.redact import redact_shown
from tests.html import soup

LINKER = Linker(
    agent_url=lambda a: f"/agents/{a}/" if a in {"kestrel", "orbit-7"} else None,
    artifact_url=lambda p: f"https://huggingface.co/buckets/o/b/resolve/{p}",
    file_view=lambda p: f"https://huggingface.co/buckets/o/b/tree/{p}",
)


@pytest.fixture
def render():
    return MarkdownRenderer(LINKER).render


@pytest.mark.parametrize("payload, forbidden", [
    ("<script>alert(1)</script>", "<script"),
    ("<img src=x onerror=alert(1)>", "onerror"),
    ("[click](javascript:alert(1))", "javascript:"),
    ("<a href='JaVaScRiPt:alert(1)'>x</a>", "alert"),
    ("<a href=\"data:text/html,<script>x</script>\">d</a>", "data:"),
    ("<iframe src=https://evil.example></iframe>", "<iframe"),
    ("<svg onload=alert(1)>", "onload"),
    ("<style>body{display:none}</style>", "<style"),
    ("<div style=\"position:fixed\">x</div>", "position"),
    ("<form action=https://evil.example><input></form>", "<form"),
    ("![x](javascript:alert(1))", "javascript:"),
    ("<object data=x></object>", "<object"),
    ("<meta http-equiv=refresh content=0>", "<meta"),
    ("<base href=https://evil.example/>", "<base"),
])
def test_hostile_markup_is_removed(render, payload, forbidden):
    assert forbidden.lower() not in str(render(payload)).lower()


def test_template_syntax_stays_text(render):
    assert "{{ 7*7 }}" in str(render("{{ 7*7 }} {% if x %}"))


def test_ordinary_markdown_survives(render):
    html = str(render("**bold** and `code`\n\n| a | b |\n|---|--:|\n| 1 | 2 |\n\n```python\nx = 1\n```"))
    assert "<strong>bold</strong>" in html
    assert '<table tabindex="0">' in html and '<th align="right">b</th>' in html
    assert '<pre tabindex="0"><code class="language-python">' in html   # scrolled by keyboard too


def test_links_keep_safe_schemes_and_get_rel(render):
    html = str(render("[a](https://example.org) [b](mailto:x@y.z) [c](/agents/kestrel/)"))
    assert 'href="https://example.org"' in html and 'href="mailto:x@y.z"' in html
    assert 'href="/agents/kestrel/"' in html
    assert 'rel="noopener noreferrer nofollow"' in html


def test_images_are_kept_lazy_and_without_referrer(render):
    html = str(render("![plot](https://huggingface.co/buckets/o/b/resolve/artifacts/p.png)"))
    assert 'src="https://huggingface.co/buckets/o/b/resolve/artifacts/p.png"' in html
    assert 'loading="lazy"' in html and 'referrerpolicy="no-referrer"' in html


def test_mentions_of_known_agents_link_to_their_pages(render):
    html = str(render("thanks @kestrel, and @stranger too; mail me@example.org"))
    assert '<a class="mention" href="/agents/kestrel/"' in html
    assert "@stranger" in html and "/agents/stranger/" not in html
    assert "/agents/example" not in html


@pytest.mark.parametrize("pattern", [
    "`artifacts/results/{name}_{agent}.json`", "`artifacts/runs/*.json`", "`artifacts/run-?/log.txt`",
    "`artifacts/run-[0-9]/log.txt`", "`artifacts/$RUN/log.txt`", "artifacts/runs/.../log.txt",
])
def test_a_pattern_of_artifact_paths_is_not_a_link(render, pattern):
    """It names files to write, not one that exists: a link to it would lead nowhere."""
    assert "<a" not in str(render(f"Put each run in {pattern} please."))


def test_mentions_and_paths_in_code_stay_code(render):
    html = str(render("```\n@kestrel artifacts/x/y.py\n```"))
    assert "<a" not in html


def test_artifact_paths_link_to_the_bucket(render):
    html = str(render("see artifacts/run-1/log.txt and `artifacts/kernels/splitk.py`."))
    assert 'href="https://huggingface.co/buckets/o/b/resolve/artifacts/run-1/log.txt"' in html
    assert '<a href="https://huggingface.co/buckets/o/b/resolve/artifacts/kernels/splitk.py" ' \
           'rel="noopener noreferrer nofollow"><code>artifacts/kernels/splitk.py</code></a>' in html


def test_excerpt_is_plain_text_and_short():
    text = "# Title\n\nHello **world** <script>steal()</script> & <b>bold</b>\n\n```\ncode\n```\n" + "more " * 200
    excerpt = excerpt_of_html(str(MarkdownRenderer().render(text)), limit=80)
    assert excerpt.startswith("Title. Hello world")
    assert "<b>" not in excerpt and "code" not in excerpt
    assert len(excerpt) <= 80 and excerpt.endswith("…")


@pytest.mark.parametrize("text, title", [
    ("## Digest — day 6 (2026-07-11)\n\nRecords today: 519.86 → 531.62", "Digest — day 6 (2026-07-11)"),
    ("# 541 tok/s with `fused_argmax` & *graphs*\n\nDetails.", "541 tok/s with fused_argmax & graphs"),
    ("Hello — fennec-5 reporting in.\n\n## Focus\n\nDrafts.", "Hello — fennec-5 reporting in."),
    ("##\n\nNo words in the heading.", "No words in the heading."),
    ("## " + "long " * 30, "long " * 17 + "long…"),                   # 90 characters at most
    # the opening paragraph, not the table after it ("… VALID ✅ metric value · c…")
    ("Verification done for 20260708-211537-204_lumen-2.md: VALID ✅\n\n| metric | value |\n"
     "| --- | --- |\n| tps | 1 |", "Verification done for 20260708-211537-204_lumen-2.md: VALID ✅"),
    # a paragraph that says what follows takes it; a title ends before a row or an item
    ("Results:\n\n- tps 541.2\n- ppl 2.3", "Results: tps 541.2 · ppl 2.3"),
    ("CLAIM:\n\n- KV dtype bf16 / fp8_e4m3 / fp8_e5m2 with static per-head scales\n"
     "- base: compile-maxautotune-static-kv",
     "CLAIM: KV dtype bf16 / fp8_e4m3 / fp8_e5m2 with static per-head scales"),
    # a paragraph that is a sentence in itself titles alone, without its colon: the table or
    # the picture after it ran into the title ("…on one job: metric value · runs 10")
    ("Ten back-to-back runs of the same stack on one job:\n\n| metric | value |\n| --- | --- |\n"
     "| runs | 10 |", "Ten back-to-back runs of the same stack on one job"),
    ("Acceptance vs K from the numbers people posted (×: measured, —: not tried):\n\n"
     "![acceptance](https://huggingface.co/a.png)\n\n| K | 4 |\n| --- | --- |\n| orbit-7 | × |",
     "Acceptance vs K from the numbers people posted (×: measured, —: not tried)"),
    ("**Results:**\n\n- tps 541.2\n- ppl 2.3", "Results: tps 541.2 · ppl 2.3"),
    # …and leaves out the short lead-in it ends with
    ("Hi all, saffron here (gemini-3-pro via gemini-cli). Plan for today:\n\n- KV cache in fp8\n",
     "Hi all, saffron here (gemini-3-pro via gemini-cli)."),
    # a long paragraph ends with its last sentence that fits, else with a whole word
    ("orbit-7 online. Read the kickoff and LEADERBOARD.md. I'll be on speculative decoding "
     "(drafters, trees) today.", "orbit-7 online. Read the kickoff and LEADERBOARD.md."),
    ("Taking this: torch.compile (max-autotune) with a static KV cache (torch.compile modes "
     "(default / reduce-overhead / max-autotune)), ETA 3h",
     "Taking this: torch.compile (max-autotune) with a static KV cache (torch.compile modes…"),
    ("x" * 200, "x" * 89 + "…"),                                   # one long word: cut in it
])
def test_a_text_without_a_title_is_titled_by_its_opening_heading_else_its_opening_words(text, title):
    assert title_of_html(str(MarkdownRenderer().render(text)), limit=90) == title.strip()


@given(st.lists(st.sampled_from(["word", "é", "🚀", " ", " ", ". ", "! ", "? ", " · ", ",", ":",
                                  "—", "\n", "\n\n", "- "]), max_size=120).map("".join),
       st.integers(12, 140))
@example("aaaa bbbb cccc dddd eeee. ffff gggg hhhh iiii jjjj kkkk", 40)
@example("- wordwordwordword", 12)
def test_a_title_is_the_texts_opening_within_its_limit(text, limit):
    """Whole when it fits; else a prefix of the text's words (list markers are markup; a title
    parts items with "·"), "…" marking a cut mid-sentence."""
    def words(text: str) -> str:
        return " ".join(text.replace("·", " ").split())

    plain = words(re.sub(r"(?m)^(?:[ \t]*- )+", "", text))
    title = title_of_html(str(MarkdownRenderer().render(text)), limit)
    assert len(title) <= limit and title == title.strip()
    if title.endswith("…"):
        assert len(plain) > limit - 1 and plain.startswith(words(title[:-1]))


@pytest.mark.parametrize("text, heading", [
    ("# Welcome to the collab 👋\n\nGoal: decode faster.", "Welcome to the collab 👋"),
    ("Welcome to the collab.\n\n# Goal", ""),                  # opening words are not a heading
    ("##\n\nNo words in the heading.", ""),
])
def test_the_heading_a_text_opens_with_titles_it_over_a_topic(text, heading):
    assert heading_of_html(str(MarkdownRenderer().render(text))) == heading


@pytest.mark.parametrize("text, words, anchor, rest", [
    ("## Digest — day 6\n\nRecords [below](#digest--day-6).", "Digest — day 6",
     "user-content-digest--day-6",
     '<p>Records <a href="#user-content-digest--day-6" rel="noopener noreferrer nofollow">below</a>.</p>'),
    ("# `x` & *y*\n", "x & y", "user-content-x--y", ""),
    ("## 🚀\n\nLaunch.", "🚀", "", "<p>Launch.</p>"),                # no slug: no anchor
    ("[## not a heading](x)\n\n## Later", None, None, None),
    ("Words first.\n\n## Heading", None, None, None),
])
def test_opening_heading_is_split_from_the_text_with_its_permalink(text, words, anchor, rest):
    opening = opening_heading(str(MarkdownRenderer().render(text)))
    if words is None:
        assert opening is None
    else:
        assert (opening.text, opening.anchor, opening.rest.strip()) == (words, anchor, rest)


@pytest.mark.parametrize("text, excerpt", [
    ("## Results\n\ntps 541.2", "Results. tps 541.2"),
    ("## With `fused_argmax`\n\nDone.", "With fused_argmax. Done."),
    ("## Done!\n\nYes.", "Done! Yes."),
    ("## Plan:\n\n- a\n- b", "Plan: a · b"),
])
def test_an_excerpt_ends_a_heading_before_the_words_after_it(text, excerpt):
    assert excerpt_of_html(str(MarkdownRenderer().render(text))) == excerpt


@pytest.mark.parametrize("text, excerpt", [
    ("Results:  \ntps 541", "Results: tps 541"),                    # a hard line break
    ("<table><tr><th>tps</th><th>ppl</th></tr><tr><td>541</td><td>2.4</td></tr></table>",
     "tps 541, ppl 2.4"),                                  # a value with its column's head
    ("Verdict: valid.\n\n| metric | value |\n|---|---|\n| tps | 537.24 |\n| ppl | 2.406 |\n\nok",
     "Verdict: valid. tps: 537.24 · ppl: 2.406 · ok"),     # rows apart, named by their first cell
    ("<details><summary>Logs</summary>all of them</details>", "Logs all of them"),
    ("<dl><dt>Method</dt><dd>eagle1</dd></dl>", "Method eagle1"),
    ("Rules:\n\n- greedy only\n- report acceptance\n\nOpen: x.",
     "Rules: greedy only · report acceptance · Open: x."),            # items apart from items
    ("- done.\n- two\n  - sub\n- `three`\n\nafter", "done. two · sub · three · after"),
    ("a **b**c, `x`y and <sub>2</sub>", "a bc, xy and 2"),           # inline: as written
])
def test_an_excerpt_keeps_apart_the_words_a_reader_sees_apart(text, excerpt):
    assert excerpt_of_html(str(MarkdownRenderer().render(text))) == excerpt


@pytest.mark.parametrize("text, excerpt", [
    # it read "stack tok/s ppl · int4-awq 463.3 2.3296 · eagle1 422.2 2.3917"
    ("| stack | tok/s | ppl |\n|---|--:|--:|\n"
     "| int4-awq | 463.3 | 2.3296 |\n| eagle1 | 422.2 | 2.3917 |",
     "int4-awq: tok/s 463.3, ppl 2.3296 · eagle1: tok/s 422.2, ppl 2.3917"),
    # ("batch tps · 1 541.2 · 8 612.0"): a row named by a number names it with its head
    ("| batch | tps |\n|--:|--:|\n| 1 | 541.2 |\n| 8 | 612.0 |",
     "batch 1, tps 541.2 · batch 8, tps 612.0"),
    # ("run 1 run 2 · tps 541.2 612.0"): an empty head names nothing, an empty cell says nothing
    ("|  | run 1 | run 2 |\n|---|--:|--:|\n| tps | 541.2 | 612.0 |\n| ppl | | 2.31 |",
     "tps: run 1 541.2, run 2 612.0 · ppl: run 2 2.31"),
    ("| stack | tok/s |\n|---|---|", "stack, tok/s"),                    # a head and no rows
    ("| **<b>a</b>** & `b` | c |\n|---|---|\n| x < y | 1 |", "x < y: 1"),   # escaped, as text
])
def test_an_excerpt_of_a_table_names_each_value_by_its_row_and_column(text, excerpt):
    assert excerpt_of_html(str(MarkdownRenderer().render(text))) == excerpt


def test_relative_images_are_dropped_but_relative_links_kept(render):
    html = str(render("![x](/__pwned__/p.png) <img src='../x.png'> [ok](/agents/kestrel/)"))
    assert "__pwned__" not in html and "../x.png" not in html
    assert "[image: x]" in html and "[image: no description]" in html
    assert 'href="/agents/kestrel/"' in html


# Pieces of the markup the door rewrites, to build texts a model (or an attacker) might write.
PIECES = ["[", "]", "(", ")", "!", "<", ">", '"', "'", " ", "\n", "\n\n", "> ", "- ", "|", "#",
          "`", "```\n", "[^1]", "[^1]: ", "[!NOTE]", "@kestrel", "artifacts/a.py", "../", "./",
          "x.md", "http://[", "https://huggingface.co/", "//", "%", "%zz", "javascript:",
          "<a href=", "<img src=", "<blockquote>", "</blockquote>", "<h1>", "</h2>", " onerror=",
          " id=", "<sup class=\"footnote-ref\">", "&", "&#0;", "\x00", "é"]


@settings(max_examples=300, deadline=None)
@example('<img src="http://[x">', None)           # urlsplit raises on a broken IPv6 host
@example('<a href="http://[x">a</a> ![b](http://[y/p.png)', "results")
@given(st.lists(st.sampled_from(PIECES), max_size=40).map("".join),
       st.sampled_from([None, "", "results", "traces/a/b"]))
def test_no_text_breaks_the_door_nor_gets_a_handler_or_script_through(text, folder):
    linker = Linker(agent_url=LINKER.agent_url, artifact_url=LINKER.artifact_url,
                    file_view=lambda p: f"https://huggingface.co/buckets/o/b/tree/{p}")
    out = str(MarkdownRenderer(linker).render(text, folder))
    excerpt_of_html(out)
    tags = soup(out).find_all(True)
    assert not [t.name for t in tags if t.name in ("script", "h1", "input", "iframe")]
    attributes = [(name, str(value)) for t in tags for name, value in t.attrs.items()]
    assert not [name for name, _ in attributes if name.lower().startswith("on")]
    assert not [v for name, v in attributes
                if name in ("href", "src") and re.sub(r"\s", "", v).lower().startswith("javascript:")]


def test_shared_files_and_folders_link_to_the_bucket(render):
    html = str(render("bench in `shared_resources/tps_bench/bench.py`, recipes in shared_resources/recipes/,"
                      " the budget in taskforces/quant-guard/budget.csv and artifacts/eagle_v1/ too;"
                      " not `shared_resources/*.py`.\n\n```\nshared_resources/a.py\n```\n"))
    hrefs = re.findall(r'href="([^"]+)"', html)
    assert hrefs == ["https://huggingface.co/buckets/o/b/resolve/shared_resources/tps_bench/bench.py",
                     "https://huggingface.co/buckets/o/b/tree/shared_resources/recipes/",
                     "https://huggingface.co/buckets/o/b/resolve/taskforces/quant-guard/budget.csv",
                     "https://huggingface.co/buckets/o/b/tree/artifacts/eagle_v1/"]


def test_hf_locations_link_to_their_page_on_the_hub():
    render = MarkdownRenderer(LINKER).render
    html = str(render("runs in hf://buckets/o/sub/runs/x/, data `hf://datasets/o/d/a.csv`, a "
                      "[config](hf://o/m@v1/cfg.json); not `hf://o/*.json`.\n\n```\nhf://buckets/o/b/x\n```\n",
                      folder="message_board"))
    assert re.findall(r'href="([^"]+)"', html) == [
        "https://huggingface.co/buckets/o/sub/tree/runs/x/",
        "https://huggingface.co/datasets/o/d/tree/main/a.csv",
        "https://huggingface.co/o/m/tree/v1/cfg.json"]
    assert "<code>hf://buckets/o/b/x\n</code>" in html


@pytest.mark.parametrize("text, levels", [
    ("# T\n\n## A\n\n### B\n\n## C", ["h2", "h2", "h3", "h2"]),   # its sections beside its title
    ("# T\n\n## A\n\n# C\n\n## D", ["h2", "h3", "h2", "h3"]),     # two "#": demoted as any text
    ("Intro.\n\n# T\n\n## A", ["h2", "h3"]),                       # no opening title: as any text
])
def test_a_text_that_titles_its_page_keeps_its_sections_beside_the_title(render, text, levels):
    assert re.findall(r"<(h\d)", str(render(text, titled=True))) == levels


def test_a_header_cell_without_text_heads_nothing(render):
    """"| | |" over a table, as the demo's README has: screen readers announced empty headers
    (axe: empty-table-header)."""
    page = soup(str(render("| | |\n|---|--:|\n| a | b |\n\n| | tps |\n|---|---|\n| a | 1 |")))
    blank, corner = page.select("table")
    assert blank.thead is None and [td.get_text() for td in blank.select("td")] == ["a", "b"]
    assert blank.select("td")[1]["align"] == "right"
    assert [(c.name, c.get_text()) for c in corner.thead.select("td, th")] == [("td", ""), ("th", "tps")]


@pytest.mark.parametrize("text, mentioned", [
    ("@carol and @bob, look", ("bob", "carol")),
    ("(@bob) @bob.", ("bob",)),
    ("write to me@bob.example or @Bob", ()),                 # an address; mentions are lower case
    ("`@bob` in code, and\n```\n@carol\n```\nafter", ()),
    ("~~~py\n@bob\n~~~\n@carol", ("carol",)),
    ("```\n@bob, in a fence never closed", ()),
])
def test_mentions_are_the_names_a_text_gives_outside_code(text, mentioned):
    assert mentioned_names(text) == mentioned


# A fake token assembled at run time, so that no scanner mistakes this file for a leak.
_TOKEN = "hf_" + "Qx7LmP2vR9tK" * 3


@pytest.mark.parametrize("written", [
    "hf_<span></span>{head}{tail}", "hf_<!-- -->{head}{tail}", "hf_**{head}**{tail}",
    "h<b>f</b>_{head}{tail}", "hf_{head}\n{tail}", "hf_{head}<br>{tail}", "hf_{head}&shy;{tail}",
    "[hf_*{head}*{tail}](https://example.org)", "# hf_`{head}`{tail}",
    "<table><tr><td>hf_<i>{head}</i>{tail}</td></tr></table>",
])
def test_a_token_that_markup_splits_is_masked_in_what_the_page_shows(render, written):
    body = _TOKEN[3:]
    text = written.format(head=body[:5], tail=body[5:])
    page = render(text)
    assert "[REDACTED:hf-token]" in soup(str(page)).get_text() and body[5:] not in page
    assert secrets_shown(text) == {"hf-token": 1}


@pytest.mark.parametrize("written, url", [
    ("[run](https://example.org/r?k=hf%5F{body})", "https://example.org/r?k=%5BREDACTED:hf-token%5D"),
    ('<a href="https://example.org/r?k=hf&#37;5F{body}&amp;a=1">run</a>',
     "https://example.org/r?k=%5BREDACTED:hf-token%5D&a=1"),
    ("![plot](https://example.org/p.png?k=%68%66%5F{body})",
     "https://example.org/p.png?k=%5BREDACTED:hf-token%5D"),
    ("![plot](https://huggingface.co/p.png?k=%68%66%5F{body})",
     "https://huggingface.co/p.png?k=%5BREDACTED:hf-token%5D"),
])
def test_a_token_percent_encoded_in_a_url_is_masked_in_every_url_the_door_emits(
        render, written, url):
    text = written.format(body=_TOKEN[3:])
    page = soup(str(render(text)))
    assert [tag.get("href") or tag.get("src") for tag in page.select("a, img")] == [url]
    assert _TOKEN[3:] not in str(page) and secrets_shown(text) == {"hf-token": 1}


def test_a_bare_link_with_a_token_percent_encoded_masks_its_text_and_counts_it_once(render):
    text = f"see https://example.org/x?k=hf%5F{_TOKEN[3:]}&a=%20b ok"
    page = soup(str(render(text)))
    assert page.get_text().strip() == "see https://example.org/x?k=[REDACTED:hf-token]&a=%20b ok"
    assert page.a["href"] == "https://example.org/x?k=%5BREDACTED:hf-token%5D&a=%20b"
    assert secrets_shown(text) == {"hf-token": 1}


def test_ordinary_percent_escapes_in_urls_keep_their_bytes(render):
    text = ("[a](https://example.org/a%20b?q=x%2Fy&r=%E2%9C%93) https://example.org/?q=api%20key "
            "![p](https://huggingface.co/p%20q.png)")
    page = str(render(text))
    assert 'href="https://example.org/a%20b?q=x%2Fy&amp;r=%E2%9C%93"' in page
    assert 'href="https://example.org/?q=api%20key"' in page
    assert 'src="https://huggingface.co/p%20q.png"' in page
    assert "REDACTED" not in page and secrets_shown(text) == {}


@pytest.mark.parametrize("written, tag, attribute", [
    ("![hf_**{head}**{tail}](https://huggingface.co/p.png)", "img", "alt"),
    ("![hf_`{head}`{tail}](https://huggingface.co/p.png)", "img", "alt"),
    ("![hf_{head}&shy;{tail}](https://huggingface.co/p.png)", "img", "alt"),
    ('<img src="https://huggingface.co/p.png" alt="hf&#95;{head}{tail}">', "img", "alt"),
    ('![plot](https://huggingface.co/p.png "h&#102;_{head}{tail}")', "img", "title"),
    ('<abbr title="hf&#95;{head}{tail}">HF</abbr>', "abbr", "title"),
    ('[run](https://example.org "hf\\_{head}{tail}")', "a", "title"),
    ('<span role="img" aria-label="hf&#95;{head}{tail}">key</span>', "span", "aria-label"),
    ('<time datetime="hf&#95;{head}{tail}">today</time>', "time", "datetime"),
])
def test_a_token_in_an_attribute_the_page_keeps_is_masked_as_a_browser_reads_it(
        render, written, tag, attribute):
    body = _TOKEN[3:]
    text = written.format(head=body[:5], tail=body[5:])
    page = str(render(text))
    assert soup(page).select_one(tag)[attribute] == "[REDACTED:hf-token]"
    assert body[5:] not in page and secrets_shown(text) == {"hf-token": 1}


@pytest.mark.parametrize("hosts", [("huggingface.co",), ()])
def test_a_token_in_an_images_url_and_its_description_is_masked_in_both_and_counted_once(hosts):
    url = f"https://huggingface.co/p.png?k=hf%5F{_TOKEN[3:]}"
    text = f"![{url}]({url})"
    page = str(MarkdownRenderer(LINKER, image_hosts=hosts).render(text))
    assert _TOKEN[3:] not in page and page.count("REDACTED:hf-token") == 2
    assert secrets_shown(text) == {"hf-token": 1}


@pytest.mark.parametrize("written", [
    "@kestrel see [run](https://bot:{pw}@example.org/x)",
    "[run](https://bot:{pw}@example.org/x) thanks @kestrel",
    '@kestrel <a href="https://bot:{pw}&#64;example.org/x">run</a>',
])
def test_a_password_in_a_link_is_counted_wherever_the_mentions_are(written):
    assert secrets_shown(written.format(pw="s3cret99")) == {"url-password": 1}


@pytest.mark.parametrize("written", [
    "[run](https://bot:{pw}@example.org/x)", "[run](https:\\/\\/bot:{pw}@example.org/x)",
    "[run](https\\://bot:{pw}@example.org/x)", "[run](https&#58;//bot:{pw}@example.org/x)",
    '<a href="https:/&#47;bot:{pw}&#64;example.org/x">run</a>',
])
def test_a_password_in_a_link_markdown_unescapes_is_masked_and_counted_once(render, written):
    text = written.format(pw="s3cret99")
    assert "s3cret99" not in render(text) and secrets_shown(text) == {"url-password": 1}


def test_a_password_masked_before_the_door_is_not_counted_again():
    """`readers.load` counts what `redact_shown` masks, then what the door masks in the rest:
    the door's mask of a link's target (`%5BREDACTED:…%5D`) is no second password."""
    masked, counts = redact_shown("[run](https://bot:s3cret99@example.org/x)")
    assert counts == {"url-password": 1} and secrets_shown(masked) == {}


@pytest.mark.parametrize("text", [
    "tokens/s went **up**; the key\npoint: `max_tokens=256`",
    "see https://example.org and @kestrel's API key docs",
    "```\nx = 1\nhf_download(repo)\n```",
    "<div>hf_</div><div>" + "Qx7LmP2vR9tK" * 3 + "</div>",          # two blocks: apart
])
def test_text_that_only_looks_like_a_split_token_is_shown_as_written(render, text):
    assert "REDACTED" not in render(text) and secrets_shown(text) == {}


def _deepest(html: str) -> int:
    page = soup(html)
    return max(len(tag.find_parents(["blockquote", "ul", "ol"])) + 1
               for tag in page.find_all(["blockquote", "ul", "ol"]))


@pytest.mark.parametrize("text, words", [
    (">" * 10_000 + " deep", ["deep"]),
    ("\n".join("  " * i + f"- x{i}" for i in range(1000)), [f"x{i}" for i in range(1000)]),
    ("\n".join(">" * i + f" - y{i}" for i in range(1, 40)), [f"y{i}" for i in range(1, 40)]),
])
def test_quotes_and_lists_nest_no_deeper_than_a_phone_can_show_and_keep_their_text(
        render, text, words):
    html = str(render(text))
    assert _deepest(html) == MAX_NESTING
    assert all(li.parent.name in ("ul", "ol") for li in soup(html).find_all("li"))
    assert soup(html).get_text().split() == words


def test_quotes_and_lists_nesting_as_deep_as_a_phone_shows_are_as_written(render):
    text = "> - a\n>   > b\n>   > - c\n>   >   1. d\n>   >      - e"
    html = str(render(text))
    assert _deepest(html) == MAX_NESTING and "<div>" not in html


@pytest.mark.parametrize("text, title", [
    ("\u202eevil text, and [a link\u202e](https://x.org)", "evil text, and a link"),
    ("## \u2067heading\n\nbody", "heading"),
    ("\u202dleft \u202bright\u202c", "left right"),
])
def test_a_title_or_excerpt_leaves_no_bidi_override_open_to_turn_the_words_after_it(
        render, text, title):
    html = str(render(text))
    assert title_of_html(html) == title
    assert not re.search("[\u202a-\u202e\u2066-\u2069]", excerpt_of_html(html))


def test_an_excerpt_cut_inside_a_tag_shows_none_of_the_tag():
    """Previews are cut from the rendered text wherever its length falls, inside a tag too,
    and a quoted value may hold a ">"."""
    rendered = ('<p>first words</p>\n<p><img alt="a &gt; b > c" src="https://x.org/a.png" '
                'title=\'t\'> more <a href="https://x.org/">link</a></p>')
    for cut in range(len(rendered) + 1):
        excerpt = excerpt_of_html(rendered[:cut], limit=1000)
        assert not any(part in excerpt for part in ("img", "alt", "src", "href", "=", ">", "p>"))
        assert "first words more link".startswith(excerpt.rstrip("</").strip()), (cut, excerpt)
