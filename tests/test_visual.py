"""What a demanding visitor sees, in a real Chromium, light and dark, on a desktop and a phone:
no light box glaring in a dark page, agent tables whose numbers stay whole on a phone, the
build report readable on a phone. (Contrast of text is axe-core's: tests/test_accessibility.py.)"""
from __future__ import annotations

import base64
import re

import pytest

from tests.browser import LINES, lines_of_each, serve_folder, watching_shifts
from tests.test_threads import PARENT, ROLL_CALL, add_roll_call, bucket_with_thread, build

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 800}

# The mean relative luminance (0 black, 1 white) of a PNG, decoded by the page itself.
MEAN_LUMINANCE = """async (png) => {
    const image = new Image(); image.src = "data:image/png;base64," + png; await image.decode();
    const canvas = document.createElement("canvas");
    canvas.width = image.width; canvas.height = image.height;
    const context = canvas.getContext("2d"); context.drawImage(image, 0, 0);
    const pixels = context.getImageData(0, 0, image.width, image.height).data;
    const linear = (v) => { v /= 255; return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    let sum = 0;
    for (let i = 0; i < pixels.length; i += 4)
      sum += 0.2126 * linear(pixels[i]) + 0.7152 * linear(pixels[i + 1]) + 0.0722 * linear(pixels[i + 2]);
    return sum / (pixels.length / 4); }"""


@pytest.fixture(scope="module")
def thread_served(tmp_path_factory):
    """The demo with a message of 150 replies (a numbered page of them) and one that answers 30
    of them (its "In reply to" folded), served: its origin."""
    folder = tmp_path_factory.mktemp("thread-of-150")
    bucket = bucket_with_thread(folder, 150)
    add_roll_call(bucket, 30)
    build(bucket, folder / "site")
    with serve_folder(folder / "site") as origin:
        yield origin


def visit(browser, origin, path, scheme="light", viewport=DESKTOP):
    context = browser.new_context(color_scheme=scheme, viewport=viewport)
    page = context.new_page()
    page.goto(origin + path, wait_until="networkidle")
    return page


def painted_luminance(page, selector):
    """How light an element looks on the screen, filters and pictures included."""
    png = page.locator(selector).first.screenshot()
    return page.evaluate(MEAN_LUMINANCE, base64.b64encode(png).decode())


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_chart_is_dark_in_a_dark_page_and_light_in_a_light_one(browser, served, viewport):
    origin, _ = served
    dark = visit(browser, origin, "/", "dark", viewport)
    light = visit(browser, origin, "/", "light", viewport)
    assert painted_luminance(dark, "#chart") < 0.2
    assert painted_luminance(light, "#chart") > 0.7
    dark.context.close()
    light.context.close()


def test_an_agents_table_keeps_its_numbers_and_words_whole_on_a_phone(browser, served):
    origin, site = served
    path = "/messages/20260706-173248_kestrel_profile-decode-step/"
    assert "<table" in (site / path.strip("/") / "index.html").read_text(encoding="utf-8")
    page = visit(browser, origin, path, "dark", PHONE)
    cells = page.locator(".markdown table td, .markdown table th")
    words = [(text, lines) for text, lines in lines_of_each(cells) if " " not in text.strip()]
    assert len(words) > 10
    broken = [text for text, lines in words if lines > 1]
    assert broken == []
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.context.close()


def test_the_build_report_gives_a_file_its_whole_line_on_a_phone(browser, served):
    origin, _ = served
    page = visit(browser, origin, "/build/", "light", PHONE)
    rows = page.locator("table.notes tbody tr")            # the demo's: it has no problems
    assert rows.count() > 0
    for i in range(rows.count()):
        name, reason = rows.nth(i).locator("td").all()
        assert name.locator("code").evaluate(LINES) <= 2
        assert reason.bounding_box()["y"] >= name.bounding_box()["y"] + name.bounding_box()["height"] - 1
    page.context.close()


def test_a_roster_card_on_a_phone_shows_no_bare_dashes_for_an_unknown_model(browser, served):
    origin, _ = served
    page = visit(browser, origin, "/agents/", "light", PHONE)
    card = page.locator("table.roster tbody tr", has=page.locator("a", has_text="drift-11"))
    assert card.locator("td", has_text="unregistered").is_visible()
    shown = [td.inner_text().strip() for td in card.locator("td.model, td.harness").all() if td.is_visible()]
    assert "—" not in shown
    page.context.close()


def test_with_forced_colours_the_chart_keeps_the_systems_colours_not_their_inverse(browser, served):
    origin, _ = served
    context = browser.new_context(color_scheme="dark", forced_colors="active", viewport=DESKTOP)
    page = context.new_page()
    page.goto(origin + "/", wait_until="networkidle")
    system_background = painted_luminance(page, "footer.bottom")
    assert abs(painted_luminance(page, ".chart-key") - system_background) < 0.1
    context.close()


def test_the_menu_stands_still_from_page_to_page(browser, served):
    """Bold on the current page's link widened the menu, and the search page (no search box in
    its header) moved the menu left and the header up: the links jumped under the pointer."""
    origin, _ = served
    menus = set()
    for path in ("/", "/messages/", "/agents/", "/search/", "/build/"):
        page = visit(browser, origin, path)
        boxes = [link.bounding_box() for link in page.locator("header.top nav a").all()]
        header = page.locator("header.top").bounding_box()
        menus.add((header["height"], *((round(b["x"]), round(b["width"])) for b in boxes)))
        page.context.close()
    assert len(menus) == 1, menus


@pytest.mark.parametrize("path", ["/", "/results/"])
def test_on_a_phone_the_row_of_sort_buttons_is_not_drawn_as_a_card(browser, served, path):
    """The leaderboard's "Sort by" row was boxed as one more card above the first result, where
    the roster's is a plain line: it read as a result with no fields."""
    origin, _ = served
    page = visit(browser, origin, path, "dark", PHONE)
    row = page.locator("main :is(table.cards, table.roster) thead tr >> visible=true").first
    assert row.is_visible()
    looks = row.evaluate("(r) => { const s = getComputedStyle(r); return [s.borderTopWidth, s.backgroundColor]; }")
    assert looks == ["0px", "rgba(0, 0, 0, 0)"]
    page.context.close()


def test_a_page_of_replies_has_its_title_where_every_page_has_it(browser, thread_served):
    """Its title and summary were drawn inside the box of replies, indented and boxed unlike
    the title of any other page."""
    def title_box(path):
        page = visit(browser, thread_served, path, "dark")
        box = page.locator("main h1").bounding_box()
        outside = page.locator("main h1").evaluate("(h) => h.closest('.thread') === null")
        page.context.close()
        return box["x"], outside
    x, outside = title_box(f"/messages/{PARENT}/replies/page/1/")
    assert outside and x == title_box("/messages/")[0]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_leaders_record_badge_stands_out_of_its_highlighted_row(browser, served, scheme):
    """The badge was painted in the leader row's own colour: "record" read as loose words."""
    origin, _ = served
    page = visit(browser, origin, "/", scheme)
    cell = page.locator("table.results tr.leader td.score").first
    badge = cell.locator(".badge.record")
    background = "(e) => getComputedStyle(e).backgroundColor"
    assert badge.evaluate(background) != cell.evaluate(background)
    page.context.close()


@pytest.mark.parametrize("path", ["/results/20260708-185633-241_glyph/", "/agents/kestrel/",
                                  "/traces/kestrel/826c2c77-5939-4612-83a2-82ebed9673a6/"])
def test_a_result_an_agent_or_a_trace_on_a_phone_shows_its_facts_two_a_line(browser, served, path):
    """One fact a line (rank, status, verification...; a session's harness, model, times...)
    filled a phone's first screen before the description, the bio or the session's tokens."""
    origin, _ = served
    page = visit(browser, origin, path, "light", PHONE)
    facts = page.locator("dl.profile > div")
    tops = [round(facts.nth(i).bounding_box()["y"]) for i in range(facts.count())]
    assert facts.count() >= 6 and len(set(tops)) <= (facts.count() + 1) // 2
    times = page.locator("dl.profile dd", has_text=re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d\sUTC$"))
    assert times.count() >= 1 and [lines for _, lines in lines_of_each(times)] == [1] * times.count()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.context.close()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_build_reports_table_sits_in_a_box_as_every_other_table(browser, served, viewport):
    """Its rows floated on the page, unlike the leaderboard's, the roster's or the traces'."""
    origin, _ = served
    box = """(t) => { const s = getComputedStyle(t.parentElement);
        return [s.borderTopWidth, s.borderTopStyle, s.backgroundColor]; }"""
    roster = visit(browser, origin, "/agents/", "dark")
    expected = roster.locator("#roster").evaluate(box)
    roster.context.close()
    page = visit(browser, origin, "/build/", "dark", viewport)
    notes = page.locator("table.notes")
    assert notes.evaluate(box) == expected
    inset = "(t) => t.querySelector('code').getBoundingClientRect().x - t.parentElement.getBoundingClientRect().x"
    assert notes.evaluate(inset) >= 8                          # a name not against the box's edge
    page.context.close()


TABLET = {"width": 768, "height": 900}


@pytest.mark.parametrize("viewport", [PHONE, TABLET], ids=["phone", "tablet"])
@pytest.mark.parametrize("path", ["/", "/results/"])
def test_on_a_phone_or_a_tablet_a_results_card_starts_with_its_rank_and_agent(browser, served,
                                                                               path, viewport):
    """"#" and the rank took a line of their own at the top of every card; on a tablet the agent
    stood in the right-hand column of that line, under the label "Agent", like any other fact."""
    origin, _ = served
    page = visit(browser, origin, path, "light", viewport)
    card = page.locator("table.results.cards tbody tr").first
    rank, agent = card.locator("td.rank").bounding_box(), card.locator("td.agent").bounding_box()
    assert abs(rank["y"] - agent["y"]) < 1 and rank["x"] + rank["width"] <= agent["x"] <= rank["x"] + 60
    assert card.locator("td.rank").evaluate("(td) => getComputedStyle(td, '::before').content") == '"#"'
    assert card.locator("td.agent").evaluate("(td) => getComputedStyle(td, '::before').content") == "none"
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    page.context.close()


def test_a_bodys_prose_keeps_a_reading_width_and_its_code_the_whole_width(browser, served):
    """Paragraphs of messages and results ran to 150 characters a line on a desktop, hard to
    follow back to the next line's start; code blocks and tables may still use the whole width."""
    origin, _ = served
    per_line = f"(e) => e.textContent.length / ({LINES})(e)"
    page = visit(browser, origin, "/results/20260708-185633-241_glyph/")
    assert 0 < max(p.evaluate(per_line) for p in page.locator(".body.markdown p").all()) <= 90
    assert 0 < page.locator("p.description").evaluate(per_line) <= 90      # it ran to 150 too
    page.goto(origin + "/messages/20260706-173248_kestrel_profile-decode-step/")
    body = page.locator(".body.markdown")
    full = body.bounding_box()["width"]
    assert {p.bounding_box()["width"] < full * 0.75 for p in body.locator("p").all()} == {True}
    blocks = body.locator("pre, table").all()
    assert len(blocks) == 4 and {b.bounding_box()["width"] for b in blocks} == {full}
    page.context.close()


@pytest.mark.parametrize("path", ["/", "/?view=all"])
def test_a_verification_badge_draws_its_mark_without_an_emoji_font_and_reads_its_word(browser, served, path):
    """"⏳ pending" was an empty box on a machine without an emoji font, and a screen reader read
    the marks out ("hourglass not done pending"). The full view's rows are built by table.js."""
    origin, _ = served
    page = visit(browser, origin, path)
    badges = page.locator("table.results .badge:is(.valid, .pending, .invalid)")
    assert badges.count() > 20
    read = r"""(b) => { const walk = document.createTreeWalker(b, NodeFilter.SHOW_TEXT); let text = "";
        for (let n = walk.nextNode(); n; n = walk.nextNode())
          if (!n.parentElement.closest("[aria-hidden=true]")) text += n.textContent;
        return [text.trim(), /\p{Emoji_Presentation}/u.test(b.textContent)]; }"""
    seen = {tuple(b) for b in badges.evaluate_all(f"(all) => all.map({read})")}
    assert seen == {("verified", False), ("pending", False), ("invalid", False)}
    page.context.close()


def test_the_404_page_has_one_search_box(browser, served):
    origin, _ = served
    page = visit(browser, origin, "/nowhere/kestrel-hello/")
    boxes = page.locator("input[type=search]")
    assert boxes.count() == 1 and boxes.input_value() == "nowhere kestrel hello"
    page.context.close()


@pytest.mark.parametrize("path", ["/nowhere/", "/results/20260708-185633-241_glyph/", "/build/"])
def test_on_a_short_page_the_footer_sits_at_the_bottom_of_the_window(browser, served, path):
    """It sat halfway up the screen, the page's end in the middle of it."""
    origin, _ = served
    page = visit(browser, origin, path)
    assert page.evaluate("document.documentElement.scrollHeight") == DESKTOP["height"]
    assert page.locator("footer.bottom").bounding_box()["y"] + \
        page.locator("footer.bottom").bounding_box()["height"] == DESKTOP["height"]
    page.context.close()


@pytest.mark.parametrize("path", ["/?view=all", "/results/"])
def test_a_method_name_stays_on_one_line_on_a_desktop(browser, served, path):
    """"tree-w2-k6-persistent-/decode" broke at a hyphen while the links column had room."""
    origin, _ = served
    page = visit(browser, origin, path)
    methods = page.locator("table.results td.method >> visible=true")
    assert methods.count() > 40
    assert [text for text, lines in methods.evaluate_all(METHOD_LINES) if lines > 1] == []
    page.context.close()


# [text, lines] of each method cell's name, the description under it left out.
METHOD_LINES = """tds => tds.map(td => { const range = document.createRange();
    range.selectNodeContents(td.firstChild);
    const bottoms = [...range.getClientRects()].map(r => Math.round(r.bottom));
    return [td.firstChild.data, new Set(bottoms).size]; })"""


# Each described row: [the description's lines, cut with "…" (wider than its box), its tooltip
# the whole text, its width in pixels].
DESCRIPTIONS = f"""spans => spans.map(s => [({LINES})(s), s.scrollWidth > s.clientWidth,
    s.title === s.textContent, s.clientWidth])"""


@pytest.mark.parametrize("width", [1024, 1280, 1920])
def test_a_leaderboard_row_shows_its_description_on_one_line_whole_in_its_tooltip(browser, served,
                                                                                    width):
    """The reference dashboard shows each result's description; ours was only the method's
    tooltip, which a visitor had to find. On a wide screen the table takes the room beside the
    chart's column: the descriptions had about 300 pixels at 1,920, as at 1,280."""
    origin, _ = served
    page = visit(browser, origin, "/?rows=all", viewport={"width": width, "height": 900})   # every agent
    found = page.locator("#lb-best td.method .desc").evaluate_all(DESCRIPTIONS)
    assert len(found) > 15
    assert {lines for lines, _, _, _ in found} == {1}
    assert all(whole for _, _, whole, _ in found)
    assert any(cut for _, cut, _, _ in found)
    if width == 1920:
        assert min(room for _, _, _, room in found) > 450
    assert page.evaluate("document.documentElement.scrollWidth") == width
    page.context.close()


def test_on_a_phone_a_leaderboard_card_shows_its_description_in_up_to_three_lines(browser, served):
    origin, _ = served
    page = visit(browser, origin, "/", viewport=PHONE)
    shown = page.locator("#lb-best td.method .desc").evaluate_all(
        "ss => ss.map(s => Math.round(s.clientHeight / parseFloat(getComputedStyle(s).lineHeight)))"
    )
    assert len(shown) > 15 and max(shown) == 3 and min(shown) < 3    # the longest cut at three
    assert page.evaluate("document.documentElement.scrollWidth") == PHONE["width"]
    page.context.close()


def test_on_a_wide_screen_a_results_row_keeps_its_links_on_one_line(browser, served):
    """A row of /results/ with four links took four lines at 1,440 pixels, beside a page's
    width of empty margins."""
    origin, _ = served
    page = visit(browser, origin, "/results/", viewport={"width": 1440, "height": 900})
    links = page.locator("#results-all td.links")
    assert links.count() > 40
    assert [text for text, lines in lines_of_each(links) if lines > 1] == []
    assert page.evaluate("document.documentElement.scrollWidth") == 1440
    page.context.close()


@pytest.mark.parametrize("width", [1024, 1100, 1280, 1440, 1920])
def test_on_a_desktop_a_leaderboard_row_keeps_its_links_on_one_line(browser, served, width):
    """The home page's leaderboard gave its links 11em: "details · file ·" / "artifacts" made
    every row of 100 agents two lines tall, though the method beside them had room (up to 1,199
    pixels after it was fixed from 1,200)."""
    origin, _ = served
    page = visit(browser, origin, "/", viewport={"width": width, "height": 900})
    cells = [c for c in page.locator("#lb-best td.links").all() if c.locator("a").count() <= 3]
    assert len(cells) > 10
    assert [c.inner_text() for c in cells if c.evaluate(LINES) > 1] == []
    assert page.evaluate("document.documentElement.scrollWidth") == width
    page.context.close()


@pytest.mark.parametrize("width", [901, 1000, 1024, 1279])
def test_between_a_tablet_and_1280_pixels_the_traces_table_fits_its_box(browser, served, width):
    """From 901 to 1,279 pixels the table was 1,194 pixels wide: the page scrolled sideways,
    the Shared and Notes columns past its edge. Below 1,024 the notes are on each session's
    page only."""
    origin, _ = served
    page = visit(browser, origin, "/traces/", viewport={"width": width, "height": 900})
    wrap = page.locator(".table-wrap:has(table.traces)")
    assert wrap.evaluate("(e) => e.scrollWidth <= e.clientWidth")
    assert page.evaluate("document.documentElement.scrollWidth") == width
    assert page.locator("table.traces td.excerpt:visible").count() == (7 if width >= 1024 else 0)
    page.context.close()


@pytest.mark.parametrize("width", [901, 1024, 1100])
def test_between_a_tablet_and_1200_pixels_the_roster_fits_its_box(browser, served, width):
    """From 901 to 1,199 pixels the roster was 1,046 pixels wide: the page scrolled sideways,
    its best scores past the edge, its models and harnesses broken inside a word ("deeps / eek-
    v3.2", "openhan / ds")."""
    origin, _ = served
    page = visit(browser, origin, "/agents/", viewport={"width": width, "height": 900})
    wrap = page.locator(".table-wrap:has(#roster)")
    assert wrap.evaluate("(e) => e.scrollWidth <= e.clientWidth")
    assert page.evaluate("document.documentElement.scrollWidth") == width
    words = lines_of_each(page.locator("#roster :is(td.model, td.harness)"))
    assert [text for text, lines in words if "-" not in text and lines > 1] == []
    page.context.close()


@pytest.mark.parametrize("path", ["/", "/results/"])
def test_on_an_ipad_upright_a_results_table_is_cards_with_nothing_cut_off(browser, served, path):
    """At 834 pixels (an iPad Pro upright; 810 and 820 for the other iPads) the results table
    ran past its box, its links cut off, and split its methods a few letters a line: "persiste /
    nt- / decode-"."""
    origin, _ = served
    page = visit(browser, origin, path, viewport={"width": 834, "height": 1100})
    wrap = page.locator(".table-wrap:has(table.results)").first
    assert wrap.evaluate("(e) => e.scrollWidth <= e.clientWidth")
    methods = page.locator("table.results td.method >> visible=true")
    assert methods.count() > 10
    assert [text for text, lines in methods.evaluate_all(METHOD_LINES) if lines > 2] == []
    page.context.close()


# The lines the id after "— " in a trace header's link to its result takes.
RESULT_ID_LINES = """(a) => { const text = a.firstChild, range = document.createRange();
    range.setStart(text, text.data.indexOf("— ") + 2); range.setEnd(text, text.data.length);
    return new Set([...range.getClientRects()].map((r) => Math.round(r.bottom))).size; }"""


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_trace_headers_result_keeps_its_id_whole(browser, served, viewport):
    """In a column of its own the result's link took three lines, its id broken in two
    ("20260711-200619-" / "726_halcyon")."""
    origin, site = served
    with_result = next(p for p in sorted(site.glob("traces/*/*/index.html"))
                       if "<dt>Result</dt><dd><a " in p.read_text(encoding="utf-8"))
    page = visit(browser, origin, "/" + with_result.parent.relative_to(site).as_posix() + "/",
                 viewport=viewport)
    link = page.locator("dl.profile dd a[href*='/results/']")
    assert "— " in link.inner_text() and link.evaluate(RESULT_ID_LINES) == 1
    assert link.evaluate(LINES) <= 2
    page.context.close()


def test_an_agents_facts_take_one_line_on_a_desktop(browser, served):
    """Seven facts in six columns: "Best" wrapped alone onto a second line."""
    origin, _ = served
    page = visit(browser, origin, "/agents/kestrel/")
    facts = page.locator("dl.profile > div")
    assert facts.count() == 7
    assert len({round(f.bounding_box()["y"]) for f in facts.all()}) == 1
    page.context.close()


@pytest.mark.parametrize("path", ["/traces/", "/about/"])
def test_on_a_phone_the_menu_shows_the_current_pages_link(browser, served, path):
    """The menu is one line that scrolls sideways on a phone: "Traces" and "About" started past
    its right edge, so the menu did not say where the visitor was."""
    origin, _ = served
    page = visit(browser, origin, path, viewport={"width": 320, "height": 700})
    line = page.locator("header.top nav").bounding_box()
    link = page.locator("header.top nav a[aria-current]").bounding_box()
    assert line["x"] <= link["x"] and link["x"] + link["width"] <= line["x"] + line["width"]
    assert page.evaluate("() => window.scrollY") == 0
    page.context.close()


def test_on_a_phone_the_menu_starts_at_its_first_link_when_that_is_the_current_one(browser, served):
    origin, _ = served
    page = visit(browser, origin, "/", viewport={"width": 320, "height": 700})
    assert page.locator("header.top nav").evaluate("(n) => n.scrollLeft") == 0
    page.context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_inline_code_in_agent_text_stands_on_a_tint_as_on_github(browser, served, scheme):
    """In plain monospace on the page's own background, `nvidia-smi` or a file name read as
    more of the sentence; GitHub sets inline code on a tint (code blocks keep their box)."""
    origin, _ = served
    page = visit(browser, origin, "/messages/20260706-173248_kestrel_profile-decode-step/", scheme)
    code = page.locator(".body.markdown p code").first
    assert code.evaluate("(c) => getComputedStyle(c).backgroundColor") != "rgba(0, 0, 0, 0)"
    page.context.close()


def test_a_links_underline_runs_under_the_underscores_of_its_name(browser, served):
    """At 2 px under the baseline the line covered the underscores of a linked file name:
    `data/eval_prompts_sharegpt.json` read "data/eval prompts sharegpt.json". (Where the line
    runs is the stylesheet's to say: a screenshot cannot tell an underscore from the line.)"""
    origin, _ = served
    page = visit(browser, origin, "/about/")
    link = page.locator("main .markdown a").first
    assert link.evaluate("(a) => getComputedStyle(a).textUnderlinePosition") == "under"
    page.context.close()


def test_on_a_tablet_a_leaderboard_cards_links_share_a_line(browser, served):
    """At 768 pixels a card's links stood a word a line ("details", "· file ·", "artifacts"):
    the desktop table's narrow links column held in the cards too."""
    origin, _ = served
    page = visit(browser, origin, "/?rows=all", "light", {"width": 768, "height": 900})   # every agent
    few = page.locator("#lb-best td.links").evaluate_all(      # the lines of cells of 3 links or fewer
        f"cells => cells.filter(c => c.querySelectorAll('a').length <= 3).map({LINES})")
    assert few and set(few) == {1}
    page.context.close()


@pytest.mark.parametrize("width", [768, 1000])
def test_between_a_phone_and_a_desktop_the_home_tiles_stand_three_and_three(browser, served, width):
    """The six tiles stood four and two at 768 pixels, five and one at 1,000: a row half empty."""
    origin, _ = served
    page = visit(browser, origin, "/", "light", {"width": width, "height": 900})
    tiles = page.locator(".headline > div").all()
    tops = [round(tile.bounding_box()["y"]) for tile in tiles]
    assert len(tiles) == 6 and sorted(tops.count(top) for top in set(tops)) == [3, 3]
    page.context.close()


# The times of day ("03:10 UTC") the browser broke over two lines.
_BROKEN_CLOCKS = r"""() => {
  const broken = [];
  for (const time of document.querySelectorAll('main time, main .as-of')) {
    const walk = document.createTreeWalker(time, NodeFilter.SHOW_TEXT);
    for (let n = walk.nextNode(); n; n = walk.nextNode()) {
      for (const m of n.data.matchAll(/\d\d:\d\d\s+UTC/gu)) {
        const r = document.createRange();
        r.setStart(n, m.index); r.setEnd(n, m.index + m[0].length);
        const lines = new Set([...r.getClientRects()].filter(x => x.width > 0).map(x => Math.round(x.top)));
        if (lines.size > 1) broken.push(time.textContent);
      }
    }
  }
  return broken; }"""


@pytest.mark.parametrize("path", ["/results/", "/traces/", "/", "/messages/", "/agents/kestrel/",
                                  "/results/20260708-185633-241_glyph/",
                                  "/traces/kestrel/826c2c77-5939-4612-83a2-82ebed9673a6/"])
def test_on_a_small_phone_a_time_of_day_keeps_its_utc(browser, served, path):
    """Dates read "2026-07-10 03:10" / "UTC" at 320 pixels: a line may break before a date or
    between its day and its time, not inside the time."""
    origin, _ = served
    page = visit(browser, origin, path, "light", {"width": 320, "height": 700})
    assert page.locator("main time").count() > 0
    assert page.evaluate(_BROKEN_CLOCKS) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    page.context.close()


def test_on_a_tablet_the_homes_data_date_keeps_its_utc(browser, served):
    """The "Data as of" tile read "2026-07-12 07:16" / "UTC" at 768 pixels."""
    origin, _ = served
    page = visit(browser, origin, "/", "light", {"width": 768, "height": 900})
    assert page.locator("main .as-of").count() == 1
    assert page.evaluate(_BROKEN_CLOCKS) == []
    page.context.close()


@pytest.mark.parametrize("path", [f"/messages/{ROLL_CALL}/", "/search/?q=awq", "/messages/"])
def test_every_fold_shows_the_pointer_of_something_to_open(browser, thread_served, path):
    """"and 33 more" under "In reply to" showed the text cursor, as if it could not be opened."""
    page = visit(browser, thread_served, path, "light", PHONE)
    folds = page.locator("main summary")
    assert folds.count() >= 1
    assert {fold.evaluate("(e) => getComputedStyle(e).cursor") for fold in folds.all()} == {"pointer"}
    page.context.close()


# The left edge of each line an element's words take.
_LINE_STARTS = """(e) => { const starts = new Map(), walk = document.createTreeWalker(e, NodeFilter.SHOW_TEXT);
    for (let n = walk.nextNode(); n; n = walk.nextNode()) {
      const r = document.createRange(); r.selectNodeContents(n);
      for (const x of r.getClientRects()) if (x.width > 0) {
        const line = Math.round(x.bottom);
        starts.set(line, Math.min(starts.get(line) ?? Infinity, Math.round(x.left)));
      }
    }
    return [...starts.values()]; }"""


def test_on_a_small_phone_the_newer_message_reads_from_the_left_with_its_author_whole(browser, served):
    """The link to a newer message with a long title was set ragged on the left on a phone, and
    its author broke at a hyphen: "(sparkle-" / "mini-3)"."""
    origin, _ = served
    page = visit(browser, origin, "/messages/20260709-123144-606_basalt/", "light",
                 {"width": 320, "height": 700})
    newer = page.locator(".walk .newer")
    assert "sparkle-mini-3" in newer.inner_text()
    starts = newer.evaluate(_LINE_STARTS)
    assert len(starts) >= 2 and len(set(starts)) == 1
    assert newer.locator(".muted").evaluate(LINES) == 1
    page.context.close()


@pytest.mark.parametrize("width", [320, 375])
def test_on_a_phone_the_archives_types_and_discussions_keep_names_whole(browser, served, width):
    """The messages archive broke its types and its lively discussions' agents at a hyphen:
    "experiment-" / "proposal", "by marlin-" / "2", "ferrite-" / "2, 2026-07-29"."""
    origin, _ = served
    page = visit(browser, origin, "/messages/", "light", {"width": width, "height": 700})
    types = lines_of_each(page.locator("nav.filters a"))
    names = lines_of_each(page.locator(".lively .who"))
    assert any("-" in text for text, _ in types) and any("-" in text for text, _ in names)
    assert [text for text, lines in types + names if lines > 1] == []
    assert page.locator(".lively a .who").first.evaluate(
        "e => getComputedStyle(e).textDecorationLine") == "underline"     # a link's, underlined
    page.context.close()


@pytest.mark.parametrize("viewport", [{"width": 320, "height": 640}, PHONE], ids=["320", "phone"])
def test_on_a_phone_the_traces_counts_stand_two_a_line(browser, served, viewport):
    """One count a line (tokens, sessions counted, without token data, agents) took 340 pixels
    of a 320-pixel phone's first screen before the text that says what they are."""
    origin, _ = served
    page = visit(browser, origin, "/traces/", "light", viewport)
    tiles = page.locator("dl.headline.tokens > div")
    tops = [round(tiles.nth(i).bounding_box()["y"]) for i in range(tiles.count())]
    assert tiles.count() == 4 and len(set(tops)) == 2
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    page.context.close()



@pytest.mark.parametrize("viewport", [{"width": 320, "height": 700}, DESKTOP], ids=["320", "desktop"])
@pytest.mark.parametrize("path", ["/", "/results/", "/agents/", "/traces/"])
def test_nothing_moves_when_the_scripts_show_the_tables_and_charts_controls(browser, served,
                                                                               viewport, path):
    """The filter, the row count, the downloads and the chart's buttons are shown by the scripts
    after the first paint: the tables under them moved down (a layout shift of 0.10 on /results/
    at 320 pixels, 0.02 on a desktop, by Chromium's measure). Their room is kept from the start."""
    origin, _ = served
    page = watching_shifts(browser, viewport)
    page.goto(origin + path, wait_until="networkidle")
    assert page.evaluate("window.__shifts") < 0.005
    page.context.close()


# The words of the page (not the chart's, drawn in its own picture) smaller than 11 pixels.
TOO_SMALL = """() => { const small = [], walk = document.createTreeWalker(document.querySelector("main"), NodeFilter.SHOW_TEXT);
    for (let n = walk.nextNode(); n; n = walk.nextNode()) {
      const e = n.parentElement;
      if (!n.textContent.trim() || e.closest("svg, .visually-hidden") || !e.getClientRects().length) continue;
      const size = parseFloat(getComputedStyle(e).fontSize);
      if (size < 11) small.push(n.textContent.trim() + " " + size + "px");
    }
    return small; }"""


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize("path", ["/", "/traces/", "/traces/kestrel/826c2c77-5939-4612-83a2-82ebed9673a6/",
                                  "/agents/", "/results/", "/messages/"])
def test_no_words_are_smaller_than_11_pixels(browser, served, path, viewport):
    """A note under a small heading was a size smaller again: "(a floor)" by the traces' tokens
    read at 9 pixels on a phone, "(higher is better)" by the chart's title at 10.8."""
    origin, _ = served
    page = visit(browser, origin, path, "light", viewport)
    assert page.evaluate(TOO_SMALL) == []
    page.context.close()


def test_on_a_desktop_a_sortable_columns_head_shows_it_is_a_button_under_the_pointer(browser, served):
    """Only the sorted column's head had a mark (its arrow): the others read as the plain labels
    of columns that do not sort, and nothing changed when the pointer came over them."""
    origin, _ = served
    page = visit(browser, origin, "/agents/", "light", DESKTOP)
    head = page.locator("table.roster th button.sort-label").nth(1)
    underline = "(e) => getComputedStyle(e).textDecorationLine"
    assert head.evaluate(underline) == "none"
    head.hover()
    assert head.evaluate(underline) == "underline"
    page.context.close()
