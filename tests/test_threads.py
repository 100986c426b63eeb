"""A message with hundreds of replies (a "status" thread every agent answers): its page lists the
newest `[limits] replies_per_page` and says how many there are; numbered pages, made once full,
hold every reply from the oldest, linked without JavaScript; a new reply changes no more files
than a reply to a small thread does. A message that answers hundreds (its refs name every message
of the day) lists the first `[limits] in_reply_to_shown` before its body and folds the others."""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

from builder.check import check_site
from builder.cli import main
from builder.search_plan import MARK
from tests import html
from tests.browser import serve_folder
from tests.conftest import REPO

DEMO = REPO / "builder" / "demo"
PARENT = "20260713-000000-000_orbit-7"
SMALL = "20260712-071603-567_vireo"            # the demo's newest message
AGENTS = ("basalt", "kestrel", "halcyon", "vireo", "sparkle-2", "glyph")
REPLY = "---\ntype: agent\nrefs: {parent}.md\nagent: {agent}\ntimestamp: {time}\nvia: raw\n---\n\n{text}\n"
NEW_REPLY = "20991231-235959-000_kestrel"
ROLL_CALL = "20260714-000000-000_glyph"        # refs every reply, a result and two lost messages
RESULT = "20260708-174109-383_wren"
LOST = ("20260701-000000-000_gone", "20260701-000001-000_gone")


def reply_id(n: int) -> str:
    """The id of the n-th reply (from 1) to PARENT: one a minute after it."""
    return f"20260713-{n // 60:02d}{n % 60:02d}00-000_{AGENTS[n % len(AGENTS)]}"


def bucket_with_thread(folder: Path, replies: int) -> Path:
    """The demo bucket with a status message of orbit-7's and `replies` replies to it."""
    bucket = folder / "bucket"
    shutil.copytree(DEMO, bucket)
    board = bucket / "message_board"
    (board / f"{PARENT}.md").write_text(
        "---\ntype: status-update\nagent: orbit-7\ntimestamp: 2026-07-13 00:00 UTC\n---\n\n"
        "Status thread: everyone reply with what you run today.\n", encoding="utf-8")
    for n in range(1, replies + 1):
        agent = AGENTS[n % len(AGENTS)]
        (board / f"{reply_id(n)}.md").write_text(REPLY.format(
            parent=PARENT, agent=agent, time=f"2026-07-13 {n // 60:02d}:{n % 60:02d} UTC",
            text=f"Reply number {n}: {agent} runs the tree kernels."), encoding="utf-8")
    return bucket


def build(bucket: Path, out: Path) -> dict[str, str]:
    """Build `bucket` into `out`: the manifest's digest of every file."""
    assert main(["build", "--config", str(REPO / "collab.toml"), "--source", str(bucket),
                 "--out", str(out)]) == 0
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))["files"]


def page(site: Path, url: str):
    return html.soup(site / url.strip("/") / "index.html")


def replies_on(doc) -> list[str]:
    return [a["href"].strip("/").rsplit("/", 1)[-1] for a in doc.select("li a.thread-link.child")]


def add_roll_call(bucket: Path, replies: int) -> None:
    """A message of glyph's whose refs name the `replies` replies to PARENT, RESULT and LOST."""
    refs = [reply_id(n) for n in range(1, replies + 1)] + [f"results/{RESULT}.md", *LOST]
    (bucket / "message_board" / f"{ROLL_CALL}.md").write_text(
        f"---\ntype: agent\nagent: glyph\ntimestamp: 2026-07-14 00:00 UTC\nrefs: {', '.join(refs)}\n"
        "---\n\nRoll call: thanks, everyone.\n", encoding="utf-8")


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("thread-of-250")
    bucket = bucket_with_thread(folder, 250)
    add_roll_call(bucket, 250)
    build(bucket, folder / "site")
    return folder / "site"


def test_a_message_with_many_replies_lists_the_newest_and_says_how_many(site):
    doc = page(site, f"/messages/{PARENT}/")
    section = doc.select_one("section.thread.children")
    assert html.text_of(section.h2) == "Replies (250)"
    assert "Showing 151–250 of 250, the newest" in html.text_of(section)
    assert replies_on(doc) == [reply_id(n) for n in range(151, 251)]
    older = section.select_one("nav.pager a[rel=next]")
    assert older["href"] == f"/messages/{PARENT}/replies/page/2/#message-{reply_id(150)}"
    numbers = [html.text_of(a) for a in section.select_one("nav.pager").select(".pages a")]
    assert numbers == ["2", "1"]                     # the older pages (replies have no days)
    assert (site / "messages" / PARENT / "index.html").stat().st_size < 60_000


def test_numbered_pages_of_replies_hold_them_all_from_the_oldest_and_link_without_js(site):
    """Following the links of the pagers from the message's page reaches every reply; each
    numbered page holds its 100 replies, oldest first, and names the message it answers."""
    seen, todo, visited = [], [f"/messages/{PARENT}/"], set()
    while todo:
        url = todo.pop().split("#")[0]
        if url in visited:
            continue
        visited.add(url)
        doc = page(site, url)
        seen += replies_on(doc)
        todo += [a["href"] for a in doc.select("nav.pager a")]
    assert visited == {f"/messages/{PARENT}/", f"/messages/{PARENT}/replies/page/1/",
                       f"/messages/{PARENT}/replies/page/2/"}
    assert set(seen) == {reply_id(n) for n in range(1, 251)}
    first = page(site, f"/messages/{PARENT}/replies/page/1/")
    assert html.text_of(first.h1) == "Replies 1–100"
    assert replies_on(first) == [reply_id(n) for n in range(1, 101)]
    assert first.select_one("a.thread-link.parent")["href"] == f"/messages/{PARENT}/"
    assert first.select_one(f"li#message-{reply_id(100)}")
    assert "250" not in html.text_of(first.main), "a numbered page must not count the replies"
    assert first.select_one("nav.pager a[rel=prev]")["href"] == f"/messages/{PARENT}/replies/page/2/"


def test_pages_of_replies_stay_out_of_the_search_and_every_link_resolves(site):
    numbered = sorted((site / "messages" / PARENT / "replies").rglob("index.html"))
    assert len(numbered) == 2 and not any(MARK in p.read_bytes() for p in numbered)
    assert MARK in (site / "messages" / PARENT / "index.html").read_bytes()
    assert check_site(site) == []


def test_a_reply_to_a_thread_of_300_changes_no_more_files_than_a_reply_to_a_small_one(tmp_path):
    """The cron bar: a new reply to a big thread changes its message's page (which lists the
    newest replies) and no numbered page of replies: those that exist are full."""
    bucket = bucket_with_thread(tmp_path, 300)
    out = tmp_path / "site"
    before = build(bucket, out)
    assert f"messages/{PARENT}/replies/page/3/index.html" in before

    def changed_by_a_reply_to(parent: str) -> set[str]:
        new = bucket / "message_board" / f"{NEW_REPLY}.md"
        new.write_text(REPLY.format(parent=parent, agent="kestrel", time="2099-12-31 23:59 UTC",
                                    text="Still on it."), encoding="utf-8")
        after = build(bucket, out)
        new.unlink()
        return {p for p in before.keys() | after.keys() if before.get(p) != after.get(p)}

    small, big = changed_by_a_reply_to(SMALL), changed_by_a_reply_to(PARENT)
    assert f"messages/{PARENT}/index.html" in big
    assert not [p for p in big if re.match(rf"messages/{PARENT}/replies/", p)]
    assert len(big) <= len(small), sorted(big ^ small)


def test_a_message_answering_hundreds_lists_the_first_ones_before_its_body_and_folds_the_rest(site):
    """Its "In reply to" listed all 253 before the body; now the first 10, then "and 243 more"
    folded (no JavaScript needed to open it), and every one is reachable from the page."""
    doc = page(site, f"/messages/{ROLL_CALL}/")
    section = doc.select_one("section.thread.parents")
    first = section.find("ul", recursive=False)
    assert [a["href"] for a in first.select("a")] == [f"/messages/{reply_id(n)}/" for n in range(1, 11)]
    folded = section.find("details", recursive=False)
    assert html.text_of(folded.summary) == "and 243 more" and not folded.has_attr("open")
    assert section.find_next_sibling("div")["class"] == ["body", "markdown"]
    parents = [a["href"] for a in section.select("a.thread-link.parent")]
    assert parents == [f"/messages/{reply_id(n)}/" for n in range(1, 251)]
    assert [a["href"] for a in folded.select("a.thread-link.result")] == [f"/results/{RESULT}/"]
    assert [html.text_of(li) for li in folded.select("li.muted")] == [
        f"{ref} (not in the bucket)" for ref in LOST]


def test_a_message_answering_a_few_lists_them_all_with_nothing_folded(site):
    doc = page(site, f"/messages/{reply_id(1)}/")
    section = doc.select_one("section.thread.parents")
    assert [a["href"] for a in section.select("a")] == [f"/messages/{PARENT}/"]
    assert not section.select("details")


@pytest.mark.browser
def test_the_folded_answers_open_by_keyboard_and_axe_finds_nothing(browser, site):
    with serve_folder(site) as origin:
        page = browser.new_page()
        page.goto(f"{origin}/messages/{ROLL_CALL}/")
        summary = page.locator("section.thread.parents details summary")
        for _ in range(40):
            page.keyboard.press("Tab")
            if summary.evaluate("s => document.activeElement === s"):
                break
        else:
            pytest.fail("Tab never reaches “and 243 more”")
        page.keyboard.press("Enter")
        assert page.locator("section.thread.parents details").evaluate("d => d.open")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.getAttribute('href')") == (
            f"/messages/{reply_id(11)}/")
        violations = Axe().run(page).response["violations"]
        page.close()
    assert [v["id"] for v in violations] == []
