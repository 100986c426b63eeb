"""A trace page's cards once opened, as a reader sees them in a real Chromium, light and dark,
on a desktop and on a phone."""
from __future__ import annotations

import pytest

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
