"""Real agents' files built as a site and read as a visitor reads them: the gemma collaboration's
README, its verifier's message and one agent's result drafts, put where the server puts them
(read in place from ../shared, never copied into the repository)."""
from __future__ import annotations

from pathlib import Path

import pytest

from builder.cli import main
from tests.browser import LINES, serve_folder
from tests.conftest import CORPUS
from tests.html import soup

if not CORPUS.is_dir():
    pytest.skip("the shared agent-collab corpus is not present", allow_module_level=True)

MAIN = CORPUS / "gemma-main-bucket"
DRAFTS = CORPUS / "gemma-mikasa-inbound" / "drafts"
AGENT = "mikasa-inbound"
CENTRAL = "https://huggingface.co/buckets/gemma-challenge/gemma-main-bucket"
SCRATCH = "https://huggingface.co/buckets/gemma-challenge/gemma-mikasa-inbound"
# draft -> the stamp the server names its result file with
RESULTS = {"2026-06-20-dixie16k-result.md": "20260620-034512-402",
           "2026-06-20-hayai-repro-result.md": "20260620-150043-363",
           "2026-06-23-g256-result.md": "20260623-094402-517",
           "warmup-w188-508.md": "20260624-071233-284"}
CONFIG = f"""[site]
title = "Fast/Efficient Gemma"
[source]
web_url = "{CENTRAL}"
[metric]
field = "tps"
unit = "tok/s"
direction = "higher"
secondary_field = "ppl"
secondary_label = "PPL"
"""


def promoted(draft: str, stamp: str) -> str:
    """A draft as the server writes it to the central bucket: its own frontmatter, then the keys
    the server appends (agent, timestamp, via), then its body byte for byte."""
    text = (DRAFTS / draft).read_text(encoding="utf-8")
    end = text.index("\n---\n", 4) + 1
    when = f"{stamp[:4]}-{stamp[4:6]}-{stamp[6:8]} {stamp[9:11]}:{stamp[11:13]} UTC"
    return f"{text[:end]}agent: {AGENT}\ntimestamp: {when}\nvia: bucket\n{text[end:]}"


def assemble_bucket(bucket: Path) -> None:
    (bucket / "message_board").mkdir(parents=True)
    (bucket / "results").mkdir()
    (bucket / "README.md").write_bytes((MAIN / "README.md").read_bytes())
    for message in (MAIN / "message_board").iterdir():
        (bucket / "message_board" / message.name).write_bytes(message.read_bytes())
    for draft, stamp in RESULTS.items():
        (bucket / "results" / f"{stamp}_{AGENT}.md").write_text(promoted(draft, stamp), encoding="utf-8")


@pytest.fixture(scope="module")
def corpus_site(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    assemble_bucket(folder / "bucket")
    (folder / "collab.toml").write_text(CONFIG, encoding="utf-8")
    out = folder / "site"
    assert main(["build", "--config", str(folder / "collab.toml"), "--source",
                 str(folder / "bucket"), "--out", str(out)]) == 0
    return out


# Words of table cells (runs of letters and digits: a line may end at a hyphen or a "?", as
# anywhere in text) that the browser broke over two lines.
_BROKEN_WORDS = """() => {
  const broken = [];
  for (const cell of document.querySelectorAll('main .markdown td, main .markdown th')) {
    const walk = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let n = walk.nextNode(); n; n = walk.nextNode()) {
      for (const m of n.data.matchAll(/[\\p{L}\\p{N}]+/gu)) {
        const r = document.createRange();
        r.setStart(n, m.index); r.setEnd(n, m.index + m[0].length);
        const lines = new Set([...r.getClientRects()].filter(x => x.width > 0).map(x => Math.round(x.top)));
        if (lines.size > 1) broken.push(m[0]);
      }
    }
  }
  return broken; }"""


@pytest.mark.browser
@pytest.mark.parametrize("path", ["/messages/20260613-230441-229_cmpatino-verifier/", "/about/"])
def test_on_a_phone_table_words_stay_whole_and_a_wide_table_scrolls_in_its_box(browser, corpus_site, path):
    """The verifier's table read "chec / k" in its header at 320 px, the README's "Co / nst /
    rai / nt": cells shrank below their words. GitHub keeps words whole and scrolls the table."""
    with serve_folder(corpus_site) as origin:
        page = browser.new_page(viewport={"width": 320, "height": 800})
        page.goto(origin + path)
        assert page.evaluate(_BROKEN_WORDS) == []
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 320
        page.close()


@pytest.mark.browser
def test_a_leaderboard_of_one_agent_counts_one_agent(browser, corpus_site):
    """One agent has ranked results: the count over the table read "1 agents"."""
    with serve_folder(corpus_site) as origin:
        page = browser.new_page()
        page.goto(origin + "/")
        assert page.locator("#lb-count").text_content() == "1 agent"
        page.fill("#lb-filter", "mikasa")
        assert page.locator("#lb-count").text_content() == "1 of 1 agent"
        page.goto(origin + "/results/")
        assert page.locator("#lb-count").text_content() == "4 results"
        page.close()


def test_with_no_shared_sessions_the_traces_page_says_so_without_an_empty_table(corpus_site):
    """Its one row, "No shared sessions yet.", was counted as "1 sessions" under a filter and
    nine sort buttons; an agent's page listed "No shared sessions." as a bulleted item."""
    traces = soup((corpus_site / "traces" / "index.html").read_text(encoding="utf-8"))
    assert traces.select("main table, #lb-filter, #lb-count") == []
    assert traces.find("main").find("p", string="No shared sessions yet.")
    agent = soup((corpus_site / "agents" / AGENT / "index.html").read_text(encoding="utf-8"))
    section = agent.find("h2", id="tr-title").parent
    assert section.select("li") == [] and section.find("p", string="No shared sessions.")


@pytest.fixture(scope="module")
def bucket_site(tmp_path_factory) -> Path:
    """The central bucket as it is: a README and a message, no result and no baseline."""
    folder = tmp_path_factory.mktemp("central")
    (folder / "collab.toml").write_text(CONFIG, encoding="utf-8")
    out = folder / "site"
    assert main(["build", "--config", str(folder / "collab.toml"), "--source", str(MAIN),
                 "--out", str(out)]) == 0
    return out


def test_with_no_result_the_leaderboard_and_results_say_so_without_empty_tables(bucket_site):
    """The notice said "the table shows the organizers' baseline entries" over a table of no
    rows, and /results/ was a filter, a count of 0 and sort buttons over nothing."""
    home = soup((bucket_site / "index.html").read_text(encoding="utf-8"))
    assert home.select_one("p.notice.fallback").get_text() == "No scored result could be read yet."
    leaderboard = home.find("section", class_="leaderboard")
    assert leaderboard.select("table, #lb-filter") == []
    assert leaderboard.find("p", string="No ranked results yet.")
    results = soup((bucket_site / "results" / "index.html").read_text(encoding="utf-8"))
    assert results.select("main table, #lb-filter") == []
    assert results.find("main").find("p", string="No result files yet.")


def artifact_links(site: Path, stamp: str) -> dict[str, str]:
    page = soup((site / "results" / f"{stamp}_{AGENT}" / "index.html").read_text(encoding="utf-8"))
    listed = page.find("h2", string="Artifacts").find_next("ul")
    return {a.get_text(): a["href"] for a in listed.find_all("a")}


def test_a_results_artifacts_in_the_agents_own_bucket_link_there(corpus_site):
    """`artifacts: submissions/…` and a run's `results/<run>/` are in the agent's scratch bucket
    (its `submission:` names it); they linked to the central bucket, which has no such folder."""
    assert artifact_links(corpus_site, "20260620-150043-363") == {
        "submissions/mikasa-inbound/vllm-hayai-repro-v1":
            f"{SCRATCH}/tree/submissions/mikasa-inbound/vllm-hayai-repro-v1"}
    assert (CORPUS / "gemma-mikasa-inbound" / "results" / "vllm-osoi5-g256-v1").is_dir()
    assert artifact_links(corpus_site, "20260623-094402-517") == {
        "results/vllm-osoi5-g256-v1/": f"{SCRATCH}/tree/results/vllm-osoi5-g256-v1/"}


def test_an_artifact_in_the_shared_folders_stays_in_the_central_bucket():
    from builder.urls import Urls
    urls = Urls(bucket_web=CENTRAL)
    own = "gemma-challenge/gemma-mikasa-inbound"
    assert urls.artifact("artifacts/int4-lmhead_quicksilver/", own) == (
        f"{CENTRAL}/tree/artifacts/int4-lmhead_quicksilver")
    assert urls.artifact("submissions/a/b", "") == f"{CENTRAL}/tree/submissions/a/b"
    assert urls.artifact("hf://buckets/o/n/x", own) == "https://huggingface.co/buckets/o/n/tree/x"


def test_the_one_ranked_agent_is_rank_1_of_1_not_of_1_agents(corpus_site):
    """Its page's "Best" fact read "rank 1 of 1 agents"."""
    page = soup((corpus_site / "agents" / AGENT / "index.html").read_text(encoding="utf-8"))
    assert page.select_one("dl.profile a.place").get_text() == "rank 1 of 1"


@pytest.mark.browser
@pytest.mark.parametrize("width", [1024, 1280, 320])
def test_the_leader_tile_keeps_a_hyphenated_id_whole_where_it_fits(browser, corpus_site, width):
    """At 1280 pixels the Leader tile read "mikasa-" / "inbound": six tiles of a sixth of the
    row each, where the other tiles had room to spare. (At 320 there is no room: no overflow.)"""
    with serve_folder(corpus_site) as origin:
        page = browser.new_page(viewport={"width": width, "height": 800})
        page.goto(origin + "/")
        if width >= 1024:
            assert page.locator(".headline dd.leader").evaluate(LINES) == 1
            assert page.locator(".headline dd.as-of").evaluate(LINES) == 1
        assert page.evaluate("() => document.documentElement.scrollWidth") <= width
        page.close()
