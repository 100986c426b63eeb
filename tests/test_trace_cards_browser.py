"""A trace page's cards once opened, as a reader sees them in a real Chromium, light and dark,
on a desktop and on a phone."""
from __future__ import annotations

import pytest

from tests.test_visual import painted_luminance

pytestmark = pytest.mark.browser

ORBIT = "/traces/orbit-7/16a34bab-add2-43b4-a970-3c8cafafee09/"
LUMEN = "/traces/lumen-2/019f4383-1c40-7412-813b-595aba5f3cb9/"

FONT_SIZE = "e => getComputedStyle(e).fontSize"


@pytest.mark.parametrize("path", [ORBIT, LUMEN])
def test_an_opened_thinking_card_reads_at_the_size_of_the_reply(browser, served, path):
    """Thinking rendered as markdown came out at the page's 16 px, larger than the reply it
    leads to (14 px): a Codex reasoning title looked like a heading."""
    origin, _ = served
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(origin + path)
    thinking = page.locator(".item.thinking:not(.empty)").first
    if thinking.evaluate("e => e.tagName") == "DETAILS":
        thinking.locator("summary").click()
    text = thinking.locator(".thinking-text p").first
    assert text.is_visible()
    reply = page.locator(".item.assistant .markdown p").first
    assert text.evaluate(FONT_SIZE) == reply.evaluate(FONT_SIZE)
    page.close()


@pytest.mark.parametrize("width", [320, 375])
def test_a_subagents_cards_keep_most_of_a_phones_width(browser, served, width):
    """Each card inside a card took 22 pixels of margin: at 320 px the subagent's own tool
    output had under three quarters of the transcript's width, 28 characters a line."""
    origin, _ = served
    page = browser.new_page(viewport={"width": width, "height": 800})
    page.goto(origin + ORBIT)
    page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")
    output = page.locator("details.subagent .nested details.tool .block.result pre").first
    assert output.is_visible()
    transcript = page.locator(".transcript").evaluate("e => e.clientWidth")
    assert output.evaluate("e => e.clientWidth") >= 0.8 * transcript
    assert page.evaluate("() => document.documentElement.scrollWidth") == width
    page.close()


# What the icon tests read of every icon, in one call (a call per icon cost the test a minute on
# a busy machine).
ICONS = """icons => icons.map(e => { const box = e.getBoundingClientRect();
    return {mask: getComputedStyle(e).maskImage, width: box.width, height: box.height,
            class: e.getAttribute("class"), "aria-hidden": e.getAttribute("aria-hidden"),
            text: e.innerText}; })"""


@pytest.mark.parametrize("path", [ORBIT, LUMEN])
def test_card_icons_are_drawn_by_the_theme_at_one_size_without_an_emoji_font(browser, served, path):
    """The icons were emoji (📄 🔍 🤖): this Chromium, like a Linux server's, has no emoji font
    and drew them as empty boxes, each of its own width."""
    origin, _ = served
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(origin + path)
    page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")
    icons = page.locator("summary .icon").evaluate_all(ICONS)
    assert len(icons) > 5
    assert all(icon["mask"].startswith('url("data:image/svg+xml') for icon in icons)
    sizes = {(round(icon["width"]), round(icon["height"])) for icon in icons}
    assert len(sizes) == 1 and min(next(iter(sizes))) >= 14
    kinds = {icon["class"] for icon in icons}
    for kind in kinds:                                      # each one drawn: darker than without
        selector = "summary ." + kind.replace(" ", ".")
        drawn = painted_luminance(page, selector)
        page.locator(selector).first.evaluate("e => { e.style.backgroundColor = 'transparent'; }")
        assert painted_luminance(page, selector) - drawn > 0.05, kind
    assert all(icon["aria-hidden"] == "true" and icon["text"] == "" for icon in icons)
    page.close()

