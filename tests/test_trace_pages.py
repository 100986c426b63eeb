"""The trace archive as built HTML: the /traces/ index, session headers, transcripts, pagination,
the privacy modes and size limit, and the expected figures of the fixtures (trace-formats.md §7-9).

Pages are read back with tests/html.py and checked by what a reader sees."""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from bs4 import Tag

from builder.check import check_site
from builder.cli import main
from builder.model import TokenUsage, Trace
from builder.pages.traces import token_groups
from builder.transcript import parse_log
from tests.conftest import REPO
from tests.html import count_elements, soup, text_of

DEMO = REPO / "builder" / "demo"
FIXTURE_TRACES = REPO / "tests" / "fixtures" / "traces"
ORBIT = "orbit-7/16a34bab-add2-43b4-a970-3c8cafafee09"
LUMEN = "lumen-2/019f4383-1c40-7412-813b-595aba5f3cb9"
WREN = "wren/aider-20260711-2140"
FX_ORBIT = "orbit-7/5b0e7c3a-2f41-4d8e-9a6b-c1d2e3f4a5b6"
FX_LUMEN = "lumen-2/019b2c4e-7a10-7d3e-b5f1-2a9c8e6d4f01"
FX_QUILL = "quill-3/sess-20260702-a"

def page_file(site: Path, url: str) -> Path:
    return site / url.strip("/") / "index.html"


def trace_page(site: Path, session: str, page: int = 1) -> Path:
    return site / "traces" / session / ("" if page == 1 else f"page/{page}") / "index.html"


def number(text: str) -> int | None:
    text = text.strip()
    return None if text == "—" else int(text.replace(",", ""))


# ---------------------------------------------------------------------------------------------
# Builds

def write_config(folder: Path, *, transcripts: str = "redacted", limits: str = "") -> Path:
    text = (REPO / "collab.toml").read_text(encoding="utf-8")
    assert 'transcripts = "redacted"' in text and "[limits]\n" in text
    text = text.replace('transcripts = "redacted"', f'transcripts = "{transcripts}"')
    text = text.replace("[limits]\n", "[limits]\n" + limits)
    config = folder / "collab.toml"
    config.write_text(text, encoding="utf-8")
    return config


def build(folder: Path, source: Path | None = None, **config) -> Path:
    """The site of `source` (else of `demo_bucket`) built into `folder`/site."""
    folder.mkdir(parents=True, exist_ok=True)
    source = source or demo_bucket(folder / "demo-bucket")
    out = folder / "site"
    cfg = write_config(folder, **config)
    assert main(["build", "--config", str(cfg), "--source", str(source), "--out", str(out)]) == 0
    return out


def demo_bucket(copy: Path, traces: bool = True) -> Path:
    """The demo bucket (without its traces: `traces` False) with its newest 60 messages: the
    trace pages show none of the others, which only cost the builds time."""
    shutil.copytree(DEMO, copy, ignore=None if traces else shutil.ignore_patterns("traces"))
    for old in sorted((copy / "message_board").glob("*.md"))[:-60]:
        old.unlink()
    return copy


def fixture_bucket(tmp: Path) -> Path:
    """The demo bucket with its traces replaced by the reference fixtures."""
    bucket = demo_bucket(tmp / "bucket", traces=False)
    shutil.copytree(FIXTURE_TRACES / "traces", bucket / "traces")
    return bucket


@pytest.fixture(scope="module")
def demo(demo_site):
    """The session's shared demo build (read only)."""
    return demo_site


@pytest.fixture(scope="module")
def paged(tmp_path_factory):
    """The demo with small transcript pages, so orbit-7's 290-line session spans many."""
    return build(tmp_path_factory.mktemp("paged"), limits="trace_records_per_page = 20\n")


@pytest.fixture(scope="module")
def fixtures_site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("fixtures")
    return build(tmp, source=fixture_bucket(tmp))


# ---------------------------------------------------------------------------------------------
# The index

def index_rows(site: Path) -> dict[str, list[Tag]]:
    table = soup(site / "traces" / "index.html").find(id="traces")
    rows = {}
    for tr in table.find("tbody").find_all("tr"):
        cells = tr.find_all("td")
        rows[text_of(cells[1].find("a"))] = cells
    return rows


def test_index_lists_every_session_with_reported_tokens_and_unknown_as_dash(demo):
    rows = index_rows(demo)
    assert len(rows) == 7
    tokens = {session: text_of(cells[6]) for session, cells in rows.items()}
    assert tokens["aider-20260711-2140"] == "—"                        # usage: null
    assert tokens["16a34bab-add2-43b4-a970-3c8cafafee09"] == "16,398,792"
    assert tokens["019f4383-1c40-7412-813b-595aba5f3cb9"] == "55,765"
    assert text_of(rows["aider-20260711-2140"][7]) == "—"             # tool calls unknown too
    assert "0" not in text_of(rows["aider-20260711-2140"][6])
    # the notes' opening words, not the heading they open with ("Session notes. Swept lm_head…")
    notes = text_of(rows["16a34bab-add2-43b4-a970-3c8cafafee09"][10])
    assert notes.startswith("Swept lm_head keepset size × K on copperhead's tree-verify stack.")
    # each session links to its page, which exists
    for cells in rows.values():
        href = cells[1].find("a")["href"]
        assert page_file(demo, href).is_file()
    # badges
    # badges, in words: what each session shared and how complete its figures are
    assert text_of(rows["aider-20260711-2140"][8]) == "534.286"        # its result's score
    wren = rows["aider-20260711-2140"][9]
    classes = {c for badge in wren.find_all("span") for c in badge.get("class", [])}
    assert {"share-stats", "completeness-partial"} <= classes
    assert [text_of(b) for b in wren.find_all("span")] == ["numbers only", "partial"]
    orbit = rows["16a34bab-add2-43b4-a970-3c8cafafee09"][9]
    assert [text_of(b) for b in orbit.find_all("span")] == ["log shared", "complete"]
    assert [b["title"].split(" — ")[0] for b in orbit.find_all("span")] == [
        "share: full", "completeness: full"]


def test_totals_tile_is_a_reported_floor_and_counts_the_sessions_without_tokens(demo):
    page = soup(demo / "traces" / "index.html")
    tile = page.find("dl", class_="tokens")
    assert number(text_of(tile.find("dd", class_="tokens-total"))) == 29_101_382  # the 6 that report
    assert text_of(tile.find("dd", class_="tokens-missing")) == "1"
    floor = text_of(page.find("p", class_="floor"))
    assert "reported floor" in floor
    assert "1 session without token data is not counted" in floor
    assert "not comparable" in floor


def token_group_rows(page, caption: str) -> list[tuple[str, str, int | None]]:
    table = next(t for t in page.select("details.token-groups table")
                 if text_of(t.caption) == caption)
    return [(text_of(tr.th), text_of(tr.find_all("td")[0]), number(text_of(tr.find_all("td")[1])))
            for tr in table.tbody.find_all("tr")]


def test_tokens_by_agent_model_and_day_add_up_to_the_floor(demo):
    page = soup(demo / "traces" / "index.html")
    by_agent = token_group_rows(page, "By agent")
    assert by_agent[:2] == [("orbit-7", "1", 16_398_792), ("halcyon", "1", 9_471_727)]  # most first
    assert ("wren", "0 of 1", None) in by_agent          # its session reported no tokens
    assert page.select_one("details.token-groups a[href='/agents/orbit-7/']")
    by_model = token_group_rows(page, "By model")
    assert by_model[0] == ("claude-opus-4-7", "2", 16_398_792 + 9_471_727)
    by_day = token_group_rows(page, "By day")
    assert [day for day, _, _ in by_day] == sorted(day for day, _, _ in by_day)
    assert ("2026-07-11", "2 of 3", 25_870_519) in by_day
    for rows in (by_agent, by_model, by_day):
        assert sum(tokens or 0 for _, _, tokens in rows) == 29_101_382     # the tile's floor
        assert sum(int(s.split(" of ")[-1]) for _, s, _ in rows) == 7       # every session


def test_more_than_ten_agents_or_models_end_in_one_row_of_the_others():
    def session(i: int, tokens: int | None) -> Trace:
        return Trace(agent=f"agent-{i:02d}", session_id=f"s{i}", harness="codex", model=f"model-{i % 12}",
                     started_at=None, ended_at=None, promoted_at=None, share="stats",
                     completeness="full", usage=TokenUsage(total=tokens), tool_calls=None,
                     tool_calls_by_name=(), result_ref="", notes="",
                     manifest_path=f"traces/agent-{i:02d}/s{i}/manifest.md", log_path=None)

    traces = [session(i, 1000 * (i + 1)) for i in range(12)] + [session(12, None)]
    groups = token_groups(traces, lambda agent: f"/agents/{agent}/")
    assert [g.name for g in groups.by_agent][:2] == ["agent-11", "agent-10"]
    others = groups.by_agent[-1]
    assert len(groups.by_agent) == 11 and others.name == "3 other agents" and others.url == ""
    assert (others.sessions, others.without_tokens, others.tokens) == (3, 1, 1000 + 2000)
    assert others.rest and not any(g.rest for g in groups.by_agent[:-1])   # drawn without a bar
    assert {g.most for g in groups.by_agent} == {12_000}
    assert groups.by_model[-1].name == "2 other models"
    even = token_groups([session(i, 1000) for i in range(14)], lambda agent: "")
    assert even.by_agent[-1].tokens == 4000 and {g.most for g in even.by_agent} == {1000}
    assert [(g.name, g.sessions, g.without_tokens) for g in groups.by_day] == [("—", 13, 1)]


def test_agent_and_result_pages_link_to_their_traces(demo):
    agent = soup(demo / "agents" / "orbit-7" / "index.html")
    assert any(a.get("href") == f"/traces/{ORBIT}/" for a in agent.find_all("a"))
    result = soup(demo / "results" / "20260711-092133-145_orbit-7" / "index.html")
    assert any(a.get("href") == f"/traces/{ORBIT}/" and text_of(a) == "trace"
               for a in result.find_all("a"))
    # ... and the trace page links back to the result
    page = soup(trace_page(demo, ORBIT))
    assert any(a.get("href") == "/results/20260711-092133-145_orbit-7/"
               for a in page.find_all("a"))


@pytest.mark.parametrize("which", ["demo", "fixtures_site"])
def test_the_index_leads_from_a_session_to_the_result_it_led_to(which, request):
    """Each session whose result_ref names a result of the site links it, by its score, as its
    page's header does, in the archive (its Result column, only where a session has a result)
    and on its agent's page; the others link none."""
    demo = request.getfixturevalue(which)
    linked, rows = 0, index_rows(demo)
    for cells in rows.values():
        header = soup(page_file(demo, cells[1].find("a")["href"]))
        named = [a for a in header.select(".trace-head dd a") if a["href"].startswith("/results/")]
        result = next((cell.a for cell in cells if "result" in cell.get("class", [])), None)
        assert (result is None) == (not named)
        if result is None:
            continue
        linked += 1
        assert result["href"] == named[0]["href"]
        score = text_of(soup(page_file(demo, result["href"])).h1).split(" by ")[0]
        # under "Result (tok/s)", with the decimals of every table's scores ("412.300")
        assert float(text_of(result)) == float(score.removesuffix(" tok/s"))
        agent = soup(page_file(demo, cells[0].find("a")["href"]))        # its agent's page, too
        listed = [li for li in agent.select("#tr-title ~ ul li")
                  if li.a["href"] == cells[1].find("a")["href"]]
        assert [(a["href"], text_of(a)) for a in listed[0].find_all("a")[1:]] == [(result["href"], score)]
    # the fixtures' sessions name no result, or one that is not in the bucket
    assert linked == (7 if which == "demo" else 0) and len(rows) >= 2
    heads = [text_of(th) for th in soup(demo / "traces" / "index.html").select("#traces th")]
    assert ("Result (tok/s)" in heads) == bool(linked)


def test_the_demo_site_passes_the_checker(demo):
    assert check_site(demo) == []


# ---------------------------------------------------------------------------------------------
# Session headers

def token_card(page: Tag, which: str) -> tuple[int | None, dict[str, int | None]]:
    card = page.find("div", class_=which)
    if card is None:
        return None, {}
    total = number(text_of(card.find("p", class_="token-total")))
    parts = {text_of(dt): number(text_of(dd)) for dt, dd in
             zip(card.find("dl").find_all("dt"), card.find("dl").find_all("dd"))}
    return total, parts


def test_claude_code_header_shows_reported_and_deduplicated_figures(demo):
    page = soup(trace_page(demo, ORBIT))
    reported, parts = token_card(page, "reported")
    assert reported == 16_398_792
    assert parts["cache read"] == 16_139_871 and parts["reasoning"] is None
    computed, cparts = token_card(page, "computed")
    log = next((DEMO / "traces" / ORBIT).glob("*.jsonl"))
    expected = parse_log(log.read_bytes(), "claude-code").stats.usage
    assert computed == expected.total == 13_272_468
    assert computed < reported
    assert "deduplicated by message id + request id" in text_of(page.find("div", class_="computed"))
    assert text_of(page.find("h1").find("code")) == "16a34bab-add2-43b4-a970-3c8cafafee09"
    badges = page.find("p", class_="badges").find_all("span")
    assert [text_of(b) for b in badges[:2]] == ["log shared", "complete"]
    assert badges[0]["title"].startswith("share: full — ")


def test_codex_header_shows_the_last_cumulative_event_not_a_sum(demo):
    page = soup(trace_page(demo, LUMEN))
    log = next((DEMO / "traces" / LUMEN).glob("*.jsonl"))
    totals = []
    for line in log.read_text().splitlines():
        row = json.loads(line)
        info = (row.get("payload") or {}).get("info") if row.get("type") == "event_msg" else None
        if info and info.get("total_token_usage"):
            totals.append(info["total_token_usage"]["total_tokens"])
    assert len(totals) > 1                         # summing would give a different figure
    computed, _ = token_card(page, "computed")
    assert computed == totals[-1] == 55_765
    assert computed != sum(totals)
    assert f"{sum(totals):,}" not in text_of(page)
    assert "last cumulative" in text_of(page.find("div", class_="computed"))


def test_unknown_tokens_are_dashes_and_there_is_no_computed_figure_without_a_log(demo):
    page = soup(trace_page(demo, WREN))
    reported, parts = token_card(page, "reported")
    assert reported is None and set(parts.values()) == {None}
    assert page.find("div", class_="computed") is None
    assert "No log was shared" in text_of(page.find(id="trace-state"))
    assert page.find("section", class_="transcript") is None
    assert "no token counts from this harness" in text_of(page.find("section", class_="notes"))


def test_header_links_raw_log_and_hub_trace_viewer(demo):
    page = soup(trace_page(demo, ORBIT))
    links = {text_of(a): a["href"] for a in page.find("section", class_="trace-links").find_all("a")}
    log = "traces/orbit-7/16a34bab-add2-43b4-a970-3c8cafafee09/16a34bab-add2-43b4-a970-3c8cafafee09.jsonl"
    assert links["Raw log ↗"] == f"https://huggingface.co/buckets/demo-org/tinylm-collab/resolve/{log}"
    assert links["Open in the Hugging Face trace viewer ↗"] == \
        f"https://huggingface.co/buckets/demo-org/tinylm-collab/tree/{log}"


def test_notes_are_rendered_markdown(demo):
    notes = soup(trace_page(demo, ORBIT)).find("section", class_="notes")
    assert notes.find("h2", id="notes-title") is not None
    assert notes.find("li") is not None and notes.find("code") is not None


# ---------------------------------------------------------------------------------------------
# The transcript

def test_an_edit_card_counts_its_changed_lines_once(demo):
    page = soup(trace_page(demo, "kestrel/826c2c77-5939-4612-83a2-82ebed9673a6"))
    edits = [t.find("summary") for t in page.find_all("details", class_="tool")
             if text_of(t.find("span", class_="tool-name")) == "Edit"]
    assert edits
    for line in edits:
        assert text_of(line.find("span", class_="tool-summary")).endswith("verify_attn.py")
        assert text_of(line).count("(+1 −1)") == 1


def test_transcript_items_are_rendered_per_kind(demo):
    page = soup(trace_page(demo, ORBIT))
    transcript = page.find("section", class_="transcript")
    tools = transcript.find_all("details", class_="tool")
    assert len(tools) == 124                    # every call, the subagent's nested ones included
    assert all(t.find("summary").find("span", class_="tool-name") for t in tools)
    assert all(t.get("open") is None for t in tools)                # collapsed
    thinking = transcript.find_all(class_="thinking")          # one-line ones are not cards to open
    assert thinking and all(t.get("open") is None for t in thinking)
    assert transcript.find_all("div", class_="prompt")
    assert transcript.find("div", class_="assistant").find("div", class_="markdown") is not None
    subagent = transcript.find("details", class_="subagent")
    assert subagent is not None and subagent.parent.parent.name == "details"   # inside its Task card
    # the turn index links every turn to its anchor
    index = page.find("nav", class_="turn-index")
    hrefs = [a["href"] for a in index.find("ol").find_all("a")]
    assert hrefs == [f"/traces/{ORBIT}/#t{n}" for n in (1, 2, 3)]
    assert all(page.find(id=f"t{n}") is not None for n in (1, 2, 3))


def test_the_turn_index_counts_a_turns_tool_calls_in_its_headings_words(demo):
    """The index said "9 tools" where the turn's heading said "9 tool calls"."""
    page = soup(trace_page(demo, ORBIT))
    counts = [text_of(li.find("span", class_="counts")).split(" · ")[0]
              for li in page.find("nav", class_="turn-index").find("ol").find_all("li")]
    headings = [text_of(h.small).split(" · ")[1] for h in page.find_all("h3", class_="turn-head")]
    assert counts == headings and all(c.endswith(("tool call", "tool calls")) for c in counts)


def test_the_models_text_links_a_result_it_posted_to_the_results_page(demo):
    """orbit-7's session ends "Posted `20260711-092133-145_orbit-7.md`": the file name leads to
    the page of that result, as in a message."""
    said = [a for a in soup(trace_page(demo, ORBIT)).select("section.transcript div.assistant a")
            if text_of(a) == "20260711-092133-145_orbit-7.md"]
    assert [a["href"] for a in said] == ["/results/20260711-092133-145_orbit-7/"]
    assert page_file(demo, said[0]["href"]).exists()


def test_a_tool_calls_summary_reads_as_words_apart(demo, edge_site):
    """What a screen reader reads, and the search index takes: the call's summary, its status
    and its duration are words apart ("noise4 ok 2.1 s", not "noise4ok2.1 s")."""
    summaries = [d.find("summary") for d in soup(trace_page(demo, ORBIT)).select("details.tool")]
    summaries += [d.find("summary") for d in soup(trace_page(edge_site, "edge-cc/s1")).select(
        "details.orphan")]
    chips = 0
    for summary in summaries:
        words = summary.get_text("").split()
        for part in summary.select(".chip, .duration"):
            assert set(text_of(part).split()) <= set(words), summary
            chips += 1
    assert chips > len(summaries)


def test_tool_errors_are_highlighted_and_counted(demo):
    page = soup(trace_page(demo, LUMEN))
    errors = [t for t in page.find_all("details", class_="tool") if "status-error" in t.get("class", [])]
    assert len(errors) == 1
    chip = errors[0].find("summary").find("span", class_="error")
    assert text_of(chip) == "⚠ error: exit 1" and chip["id"] == "e1"
    assert text_of(errors[0].find("div", class_="result").find("p")) == "error output"
    count = page.find("dd", class_="error-count")
    assert text_of(count).startswith("⚠ 1 error")
    assert count.find("a")["href"] == f"/traces/{LUMEN}/#e1"
    ok = [t for t in page.find_all("details", class_="tool") if "status-ok" in t.get("class", [])]
    assert len(ok) == 4 and not any(t.find("span", class_="error") for t in ok)


def test_codex_prompt_is_shown_once_and_injected_context_folded(demo):
    page = soup(trace_page(demo, LUMEN))
    prompts = page.find_all("div", class_="prompt")
    assert len(prompts) == 1
    injected = page.find("details", class_="injected")
    assert injected is not None and "environment context" in text_of(injected.find("summary"))
    assert "environment_context" not in text_of(prompts[0])


def test_a_long_session_is_split_into_linked_pages(paged):
    first = soup(trace_page(paged, ORBIT))
    pager = first.find("nav", class_="trace-pager")
    assert pager is not None
    # follow "next" from page 1 to the end, checking every page exists and links back
    seen, url, tools = [], f"/traces/{ORBIT}/", 0
    while url:
        page = soup(page_file(paged, url))
        seen.append(url)
        tools += len(page.find("section", class_="transcript").find_all("details", class_="tool"))
        nav = page.find("nav", class_="trace-pager")
        nxt = nav.find("a", rel="next")
        prev = nav.find("a", rel="prev")
        if len(seen) > 1:
            assert prev["href"] == seen[-2]
        url = nxt["href"] if nxt else None
    assert len(seen) >= 5
    assert seen[1] == f"/traces/{ORBIT}/page/2/"
    assert tools == 124                                          # nothing lost, nothing twice
    # page 1 lists every page, and every turn link lands on the page holding its anchor
    page_list = [a["href"] for a in first.find("ol", class_="page-list").find_all("a")]
    assert page_list == seen
    for a in first.find("nav", class_="turn-index").find("ol").find_all("a"):
        target, anchor = a["href"].split("#")
        assert soup(page_file(paged, target)).find(id=anchor) is not None, a["href"]
    assert "Page 2 of" in text_of(soup(page_file(paged, seen[1])).find("header", class_="trace-head"))
    assert check_site(paged) == []


def test_every_page_of_a_long_session_lists_the_turns_it_shows(paged):
    """A page in the middle of a long turn listed no turn under "Turns on this page": it names
    the turn it goes on with, and where that turn began."""
    url, continued = f"/traces/{ORBIT}/page/2/", 0
    while url:
        page = soup(page_file(paged, url))
        links = page.find("nav", class_="turn-index").find("ol").find_all("a")
        assert links, url
        for a in links:
            target, anchor = a["href"].split("#")
            assert soup(page_file(paged, target)).find(id=anchor) is not None, a["href"]
            if target != url:
                assert text_of(a).endswith(f"(from p. {target.rstrip('/').rsplit('/', 1)[-1]})"
                                           if "/page/" in target else "(from p. 1)")
                continued += 1
        nxt = page.find("nav", class_="trace-pager").find("a", rel="next")
        url = nxt["href"] if nxt else None
    assert continued


def test_transcripts_off_renders_no_transcript(tmp_path):
    site = build(tmp_path, transcripts="off")
    for session in (ORBIT, LUMEN):
        page = soup(trace_page(site, session))
        assert page.find("section", class_="transcript") is None
        assert page.find("details", class_="tool") is None
        assert page.find("div", class_="prompt") is None
        assert "not published" in text_of(page.find(id="trace-state"))
        assert token_card(page, "reported")[0] is not None          # the header stays
    text = trace_page(site, ORBIT).read_text()
    assert "Goal for this session" not in text                      # the first prompt


def test_over_the_size_limit_only_header_and_stats_and_the_page_says_so(tmp_path):
    site = build(tmp_path, limits="max_trace_bytes = 1000\n")
    page = soup(trace_page(site, ORBIT))
    assert page.find("section", class_="transcript") is None
    assert page.find("details", class_="tool") is None
    state = text_of(page.find(id="trace-state"))
    assert "only the header and stats are shown" in state
    assert "transcript too large" in text_of(page.find("p", class_="badges"))
    assert token_card(page, "reported")[0] == 16_398_792
    assert "Tool calls (reported)" in text_of(page.find("section", class_="activity"))


# ---------------------------------------------------------------------------------------------
# The reference fixtures (trace-formats.md §9)

def test_fixture_figures(fixtures_site):
    orbit = soup(trace_page(fixtures_site, FX_ORBIT))
    assert token_card(orbit, "reported")[0] == 83_095
    computed, parts = token_card(orbit, "computed")
    assert computed == 68_755
    assert parts == {"input": 30, "output": 425, "cache read": 65_800, "cache write": 2_500,
                     "reasoning": None}
    lumen = soup(trace_page(fixtures_site, FX_LUMEN))
    assert token_card(lumen, "reported")[0] == 17_412
    assert token_card(lumen, "computed")[0] == 17_412
    assert "25,742" not in text_of(lumen)
    # orbit-7's one error is its first Bash call, and the Task card holds the sidechain
    tools = orbit.find_all("details", class_="tool")
    assert [("status-error" in t.get("class", [])) for t in tools[:1]] == [True]
    assert text_of(tools[0].find("span", class_="tool-name")) == "Bash"
    task = next(t for t in tools if text_of(t.find("span", class_="tool-name")) == "Task")
    assert task.find("details", class_="subagent") is not None
    assert "claude-haiku-4-5-20251001" in text_of(orbit.find("dl", class_="profile"))


def test_fixture_hostile_notes_are_escaped(fixtures_site):
    text = trace_page(fixtures_site, FX_QUILL).read_text()
    assert "<script>" not in text.split("</header>")[0].split('<section class="notes"')[-1]
    notes = soup(trace_page(fixtures_site, FX_QUILL)).find("section", class_="notes")
    assert not notes.find_all("script") and not any(
        a.get("href", "").lower().startswith("javascript") for a in notes.find_all("a"))
    assert not any(k.startswith("on") for n in notes.find_all(True) for k in n.attrs)


def edge_bucket(tmp: Path) -> Path:
    bucket = demo_bucket(tmp / "bucket", traces=False)
    edge = FIXTURE_TRACES / "edge-cases"
    for agent, harness, log in (("edge-cc", "claude-code", edge / "claude-code-edge.jsonl"),
                                ("edge-codex", "codex", next(edge.glob("rollout-*.jsonl")))):
        folder = bucket / "traces" / agent / "s1"
        folder.mkdir(parents=True)
        shutil.copy(log, folder / log.name)
        (folder / "manifest.md").write_text(
            f"---\nharness: {harness}\nsession_id: s1\nshare: full\nusage:\n  total_tokens: 0\n---\n")
    big = bucket / "traces" / "edge-big" / "s1"
    big.mkdir(parents=True)
    line = json.dumps({"type": "user", "sessionId": "s1", "message": {"role": "user",
                                                                      "content": "x" * 1_200_000}})
    ok = json.dumps({"type": "user", "sessionId": "s1", "uuid": "a",
                     "message": {"role": "user", "content": "after the big line"}})
    (big / "s1.jsonl").write_text(ok + "\n" + line + "\n" + ok + "\n")
    (big / "manifest.md").write_text("---\nharness: claude-code\nsession_id: s1\nshare: full\n---\n")
    secret = bucket / "traces" / "edge-secret" / "s1"
    secret.mkdir(parents=True)
    key = "hf_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7"
    (secret / "s1.jsonl").write_text(json.dumps(
        {"type": "user", "sessionId": "s1", "uuid": "a",
         "message": {"role": "user", "content": f"my token is {key}"}}) + "\n")
    (secret / "manifest.md").write_text(
        "---\nharness: claude-code\nsession_id: s1\nshare: full\n---\n\nnotes\n")
    headings = bucket / "traces" / "edge-headings" / "s1"
    headings.mkdir(parents=True)
    (headings / "s1.jsonl").write_text("".join(json.dumps(
        {"type": "assistant", "sessionId": "s1", "uuid": f"u{n}",
         "message": {"role": "assistant", "content": [{"type": "text", "text": f"## Summary\n\nturn {n}"}]}}
    ) + "\n" for n in (1, 2)))
    (headings / "manifest.md").write_text(
        "---\nharness: claude-code\nsession_id: s1\nshare: full\n---\n\n## Summary\n\nnotes\n")
    summary = bucket / "traces" / "edge-summary" / "s1"
    summary.mkdir(parents=True)
    (summary / "rollout-2026-07-03T09-00-00-s1.jsonl").write_text(json.dumps(
        {"timestamp": "2026-07-03T09:00:01.000Z", "type": "response_item",
         "payload": {"type": "reasoning", "encrypted_content": "gAAA", "summary": [
             {"type": "summary_text", "text": REASONING_SUMMARY}]}}) + "\n")
    (summary / "manifest.md").write_text("---\nharness: codex\nsession_id: s1\nshare: full\n---\n")
    return bucket


REASONING_SUMMARY = ("**Checking the keepset cache**\n\nBefore the sweep I will:\n\n"
                     "- reuse `keepset_20k.npy`\n- rerun the ppl guard\n\n<img src=x onerror=alert(1)>")


@pytest.fixture(scope="module")
def edge_site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("edge")
    return build(tmp, source=edge_bucket(tmp))


def test_edge_cases_render_every_kind(edge_site):
    cc = soup(trace_page(edge_site, "edge-cc/s1"))
    text = text_of(cc.find("section", class_="transcript"))
    assert "thinking not recorded" in text
    assert cc.find("details", class_="orphan") is not None and "image (" in text
    assert cc.find("details", class_="raw") is not None and "future-widget" in text
    assert cc.find("div", class_="divider") is not None                     # compaction
    assert cc.find("details", class_="injected") is not None
    assert cc.find("div", class_="assistant", ) is not None
    api_error = [d for d in cc.find_all("div", class_="assistant") if "error" in d.get("class", [])]
    assert api_error and api_error[0].find("span", class_="error")["id"].startswith("e")
    assert "malformed line" in text_of(cc.find("section", class_="transcript-stats"))
    assert "truncated" not in text_of(cc.find("p", class_="badges"))     # its bad line is mid-file
    assert "0" == text_of(cc.find("div", class_="reported").find("p", class_="token-total"))  # 0 is 0
    codex = soup(trace_page(edge_site, "edge-codex/s1"))
    assert codex.find("details", class_="raw") is not None
    assert "log truncated" in text_of(codex.find("p", class_="badges"))  # the last line is cut off
    assert "turn aborted" in text_of(codex.find("section", class_="transcript"))
    assert any("exit 2" in text_of(t) for t in codex.find_all("details", class_="tool"))
    assert check_site(edge_site) == []


def test_a_reasoning_summary_reads_as_the_markdown_it_is(edge_site):
    page = soup(trace_page(edge_site, "edge-summary/s1"))
    thinking = page.find("details", class_="thinking")
    assert text_of(thinking.find("span", class_="preview")) == "Checking the keepset cache"
    shown = thinking.find("div", class_="markdown")
    assert text_of(shown.find("strong")) == "Checking the keepset cache"
    assert [text_of(li) for li in shown.find_all("li")] == ["reuse keepset_20k.npy",
                                                             "rerun the ppl guard"]
    assert text_of(shown.find("code")) == "keepset_20k.npy"
    assert "**" not in text_of(shown) and "onerror" not in str(shown)


def test_agent_headings_sit_below_their_section_and_only_the_notes_have_anchors(edge_site):
    page = soup(trace_page(edge_site, "edge-headings/s1"))
    notes = page.find("section", class_="notes").find("div", class_="markdown")
    assert [(h.name, h.get("id")) for h in notes.find_all(re.compile("^h[1-6]$"))] == [
        ("h3", "user-content-summary")]                            # under the h2 "Agent's notes"
    assert notes.find("a", class_="anchor")["href"] == "#user-content-summary"
    texts = page.select("section.turn div.assistant div.markdown")
    log_headings = [h for text in texts for h in text.find_all(re.compile("^h[1-6]$"))]
    assert [(h.name, text_of(h)) for h in log_headings] == [("h4", "Summary")] * 2   # under the turn's h3
    assert not any(h.get("id") for h in log_headings)              # two turns, one page: no clash
    assert page.find("section", class_="transcript").find("a", class_="anchor") is None


def test_the_build_report_names_each_log_with_what_was_wrong_in_it(edge_site):
    rows = {}
    for tr in soup(edge_site / "build" / "index.html").find("table", class_="problems").find_all("tr")[1:]:
        path, reason = (text_of(td) for td in tr.find_all("td"))
        rows.setdefault(path, []).append(reason)
    cc = rows["traces/edge-cc/s1/claude-code-edge.jsonl"]
    assert any(r.startswith("2 malformed line(s) skipped (line 17, 18)") for r in cc)
    assert any("invalid UTF-8 in 1 line(s)" in r for r in cc)
    codex = next(v for k, v in rows.items() if k.startswith("traces/edge-codex/s1/rollout-"))
    assert any("the last line is truncated" in r for r in codex)
    big = rows["traces/edge-big/s1/s1.jsonl"]
    assert any("1 line(s) over 1,000,000 bytes not parsed" in r for r in big)
    # no record was too strange for its parser (a parser bug would show here)
    assert not any("could not read" in r for reasons in rows.values() for r in reasons)
    manifest = json.loads((edge_site / "manifest.json").read_text())
    assert ["traces/edge-big/s1/s1.jsonl", big[0]] in manifest["problems"]


def test_an_oversized_line_is_noted_and_the_rest_renders(edge_site):
    page = soup(trace_page(edge_site, "edge-big/s1"))
    skipped = page.find("p", class_="skipped")
    assert skipped is not None and "too large to render" in text_of(skipped)
    assert "after the big line" in text_of(page.find("section", class_="transcript"))
    assert trace_page(edge_site, "edge-big/s1").stat().st_size < 200_000


def test_redaction_badge_and_no_secret_in_the_page(edge_site, tmp_path):
    page = trace_page(edge_site, "edge-secret/s1")
    assert "hf_a1B2c3D4" not in page.read_text()
    assert "redacted by archive (1)" in text_of(soup(page).find("p", class_="badges"))
    clean = text_of(soup(trace_page(edge_site, "edge-cc/s1")).find("p", class_="badges"))
    assert "redacted" not in clean
    site_on = build(tmp_path, source=edge_bucket(tmp_path / "b"), transcripts="on")
    page_on = trace_page(site_on, "edge-secret/s1")
    assert "hf_a1B2c3D4" in page_on.read_text()
    assert "redacted" not in text_of(soup(page_on).find("p", class_="badges"))


def test_a_log_that_cannot_be_read_costs_its_transcript_not_the_build(tmp_path):
    bucket = fixture_bucket(tmp_path)
    log = next((bucket / "traces" / FX_ORBIT).glob("*.jsonl"))
    log.unlink()
    log.mkdir()                                     # listed, but not a regular file
    site = build(tmp_path, source=bucket)
    page = soup(trace_page(site, FX_ORBIT))
    assert page.find("section", class_="transcript") is None
    assert token_card(page, "reported")[0] == 83_095


def test_a_loader_failure_costs_one_transcript_and_is_reported(tmp_path, monkeypatch):
    import builder.build
    real = builder.build.load_transcript

    def flaky(bucket, trace, config):
        if trace.agent == "lumen-2":
            raise RuntimeError("disk on fire")
        return real(bucket, trace, config)

    monkeypatch.setattr(builder.build, "load_transcript", flaky)
    site = build(tmp_path)
    page = soup(trace_page(site, LUMEN))
    assert "could not be read (RuntimeError)" in text_of(page.find(id="trace-state"))
    assert page.find("section", class_="transcript") is None
    assert token_card(page, "reported")[0] == 55_765                   # the header stays
    assert soup(trace_page(site, ORBIT)).find("section", class_="transcript") is not None
    report = text_of(soup(site / "build" / "index.html").find("table", class_="problems"))
    assert "transcript not rendered: RuntimeError: disk on fire" in report


def test_transcript_text_never_becomes_markup(edge_site):
    text = trace_page(edge_site, "edge-cc/s1").read_text()
    assert "<script>alert('user')</script>" not in text
    assert "&lt;script&gt;alert(&#39;user&#39;)&lt;/script&gt;" in text      # the prompt, escaped
    assert not re.search(r"<img[^>]*onerror", text)
    assert "javascript:" not in re.sub(r"&[a-z]+;|&#\d+;", "", " ".join(
        re.findall(r'href="([^"]*)"', text)))


# ---------------------------------------------------------------------------------------------
# Display caps

def test_display_block_cuts_long_texts_and_says_how_much_is_hidden():
    from builder.pages.trace_views import DISPLAY_CHARS, DISPLAY_LINES, display_block
    lines = [f"line {i}" for i in range(DISPLAY_LINES + 5)]
    block = display_block("\n".join(lines), raw_url="https://x/raw")
    assert block.text.split("\n") == lines[:DISPLAY_LINES]
    assert block.more.startswith("… 5 more lines") and "raw log" in block.more
    exact = "\n".join(lines[:DISPLAY_LINES]) + "\n"
    assert display_block(exact).text == exact and display_block(exact).more == ""
    one_more = "\n".join(lines[:DISPLAY_LINES + 1])
    assert display_block(one_more).more.startswith("… 1 more line (")
    wide = "x" * (DISPLAY_CHARS + 10)
    assert len(display_block(wide).text) == DISPLAY_CHARS
    assert display_block(wide).more.startswith("… 1 more line (10 bytes)")
    assert display_block("short") == display_block("short", "u") and not display_block("").more


def test_a_text_the_parser_capped_is_said_to_hide_what_the_whole_text_hides():
    from builder.pages.trace_views import DISPLAY_CHARS, display_block
    from builder.transcript.text import cap_text
    block = display_block(cap_text("y" * 50_000))           # one line, no space to cut at
    assert block.text == "y" * DISPLAY_CHARS
    assert block.more == "… 1 more line (30.0 kB) not shown"


def one_trace_bucket(tmp: Path, session: str, rows: list[dict], notes: str = "") -> Path:
    """A bucket of one Claude Code trace (the rest of a site is not at issue), `session` being
    "agent/id"."""
    bucket = tmp / "bucket"
    folder = bucket / "traces" / session
    folder.mkdir(parents=True)
    name = session.split("/")[1]
    (folder / f"{name}.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    (folder / "manifest.md").write_text(
        f"---\nharness: claude-code\nsession_id: {name}\nshare: full\n---\n{notes}")
    return bucket


def bash_call_rows(session: str, output: str) -> list[dict]:
    """A prompt, and one Bash call that printed `output`."""
    return [{"type": "user", "sessionId": session, "uuid": "p",
             "message": {"role": "user", "content": "go"}},
            {"type": "assistant", "sessionId": session, "uuid": "a", "requestId": "r",
             "message": {"id": "m", "role": "assistant", "content": [
                 {"type": "tool_use", "id": "t", "name": "Bash", "input": {"command": "train"}}]}},
            {"type": "user", "sessionId": session, "uuid": "u", "message": {
                "role": "user", "content": [{"type": "tool_result", "tool_use_id": "t",
                                             "content": output}]}}]


def test_a_long_output_says_how_much_of_the_whole_output_is_not_shown(tmp_path):
    # 6,000 lines of 35 bytes: the parser keeps 20,000 characters of them, the page 200 lines
    output = "\n".join(f"step {i:05d} loss=0.{i:05d} lr=3e-4 ok" for i in range(6000))
    site = build(tmp_path, source=one_trace_bucket(tmp_path, "long/s1", bash_call_rows("s1", output)))
    card = soup(trace_page(site, "long/s1")).find("details", class_="tool")
    shown = card.find("div", class_="result").find("pre").get_text()
    assert shown.splitlines() == output.splitlines()[:200]
    hidden = 6000 * 35 - 1 - 200 * 35
    assert text_of(card.find("p", class_="more")) == \
        f"… 5,800 more lines ({hidden / 1000:.1f} kB) not shown — see the raw log"


def test_terminal_escapes_and_controls_never_reach_a_transcript_page(tmp_path):
    esc = "\x1b"
    output = (f"{esc}[32mOK{esc}[0m 12 passed\n{esc}[2K{esc}[1Aepoch 1\r 10%|#   |\r100%|####|\n"
              f"{esc}]0;tests{esc}\\done\x00\x07")
    rows = bash_call_rows("s1", output) + [{"type": f"world{esc}[0m_state", "sessionId": "s1"}]
    rows[0]["message"]["content"] = [
        {"type": "text", "text": f"run the {esc}[1mtests{esc}[0m"},
        {"type": "image", "source": {"type": "base64", "media_type": f"image/png{esc}[0m",
                                     "data": "iVBORw0K"}}]
    notes = f"All {esc}[32mgreen{esc}[0m.\x07\n"
    site = build(tmp_path, source=one_trace_bucket(tmp_path, "esc/s1", rows, notes))
    page = trace_page(site, "esc/s1")
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", page.read_text(encoding="utf-8"))
    html = soup(page)
    result = html.find("details", class_="tool").find("div", class_="result").find("pre")
    assert result.get_text() == "OK 12 passed\n100%|####|\ndone"     # what the terminal showed
    assert text_of(html.find("div", class_="prompt")) == "prompt run the tests image (6 bytes, png)"
    assert text_of(html.find("section", class_="notes").find("div")) == "All green."
    assert "unrecognised record of type world_state" in text_of(html.find("details", class_="raw"))


def test_half_a_surrogate_pair_in_a_log_is_shown_as_a_replacement_character(tmp_path):
    rows = bash_call_rows("s1", "read \ud800 from the pipe")     # JSON's "\ud800": not UTF-8
    site = build(tmp_path, source=one_trace_bucket(tmp_path, "odd/s1", rows))
    card = soup(trace_page(site, "odd/s1")).find("details", class_="tool")
    assert card.find("div", class_="result").find("pre").get_text() == "read \ufffd from the pipe"


def test_pages_of_escape_heavy_output_stay_within_the_page_budget(tmp_path):
    from builder.check import PAGE_BUDGET_BYTES
    out = "<'\"&>" * 2000                        # every character grows when escaped
    rows = [{"type": "user", "sessionId": "s1", "uuid": "p",
             "message": {"role": "user", "content": "go"}}]
    for k in range(150):
        rows.append({"type": "assistant", "sessionId": "s1", "uuid": f"a{k}", "requestId": f"r{k}",
                     "message": {"id": f"m{k}", "role": "assistant", "content": [
                         {"type": "tool_use", "id": f"t{k}", "name": "Bash",
                          "input": {"command": out[:3000]}}]}})
        rows.append({"type": "user", "sessionId": "s1", "uuid": f"u{k}", "message": {
            "role": "user", "content": [{"type": "tool_result", "tool_use_id": f"t{k}",
                                         "content": out}]}})
    site = build(tmp_path, source=one_trace_bucket(tmp_path, "heavy/s1", rows))
    pages = sorted((site / "traces" / "heavy" / "s1").rglob("index.html"))
    assert len(pages) >= 5                             # split by size, not only by count
    assert max(p.stat().st_size for p in pages) < PAGE_BUDGET_BYTES
    assert sum(count_elements(p, "details", "tool") for p in pages) == 150
    assert check_site(site) == []


def test_every_item_kind_has_the_partial_that_renders_it():
    from builder import transcript
    from builder.render import make_environment

    env = make_environment("")
    kinds = [cls for cls in vars(transcript).values()
             if isinstance(cls, type) and issubclass(cls, transcript.Item) and cls is not transcript.Item]
    assert len(kinds) == 10
    for cls in kinds:
        assert env.get_template(f"_partials/trace_item_{cls.kind}.html") is not None, cls.__name__


# ---------------------------------------------------------------------------------------------
# Logs no harness recognises

UNKNOWN_ROWS = [{"id": "prompt-0", "completion_token_ids": [785, 3405], "prompt_sha256": "b471"},
                {"id": "prompt-1", "completion_token_ids": [40, 1079], "prompt_sha256": "7ed6"}]


def unknown_log_bucket(tmp: Path) -> Path:
    """Two shares of a log no harness parser recognises: one whose manifest names a harness we
    do not read (unknown/s1), one whose manifest says claude-code (named/s1)."""
    bucket = tmp / "bucket"
    for session, harness in (("unknown/s1", "greedy-verifier"), ("named/s1", "claude-code")):
        folder = bucket / "traces" / session
        folder.mkdir(parents=True)
        (folder / "run.jsonl").write_text("\n".join(json.dumps(r) for r in UNKNOWN_ROWS) + "\n")
        (folder / "manifest.md").write_text(
            f"---\nharness: {harness}\nsession_id: s1\nshare: full\n---\n")
    return bucket


@pytest.fixture(scope="module")
def unknown_site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("unknown")
    return build(tmp, source=unknown_log_bucket(tmp))


def test_a_log_in_no_known_format_is_named_in_the_build_report_and_on_its_page(unknown_site):
    rows = [tuple(text_of(td) for td in tr.find_all("td")) for tr in
            soup(unknown_site / "build" / "index.html").find("table", class_="problems").find_all("tr")[1:]]
    keys = "first record has keys id, completion_token_ids, prompt_sha256"
    assert ("traces/unknown/s1/run.jsonl",
            f"no known log format ({keys}): shown as raw records") in rows
    assert [path for path, _ in rows].count("traces/unknown/s1/run.jsonl") == 1
    assert any(path == "traces/named/s1/run.jsonl" and reason.startswith(f"no known log format ({keys})")
               for path, reason in rows)
    log = soup(trace_page(unknown_site, "unknown/s1")).find("section", class_="transcript-stats")
    assert f"No known log format ({keys}): shown as raw records." in text_of(log)


def test_a_log_no_parser_read_shows_its_counts_as_unknown_not_zero(unknown_site):
    page = soup(trace_page(unknown_site, "unknown/s1"))
    log = {text_of(div.dt): text_of(div.dd) for div in
           page.find("section", class_="transcript-stats").find_all("div")}
    assert log["harness (from the log)"] == "none recognised"
    assert (log["lines"], log["records"]) == ("2", "2")
    assert [log[k] for k in ("turns", "tool calls", "tool errors", "errors (all kinds)")] == ["—"] * 4
    activity = text_of(page.find("section", class_="activity"))
    assert "Tool calls (reported) —" in activity
    assert "in the log" not in activity and "errors" not in activity.lower()
    (turn,) = page.find("nav", class_="turn-index").find_all("li")
    assert text_of(turn) == "The log's records shown raw: no parser read them"
    assert text_of(page.find("h3", class_="turn-head")) == "The log's records"   # no prompt to be before
    assert len(page.find_all("details", class_="raw")) == 2
    # a log its manifest's harness read keeps the counts that parser made
    named = soup(trace_page(unknown_site, "named/s1")).find("section", class_="transcript-stats")
    assert "tool calls 0" in text_of(named)


def test_raw_record_cards_are_told_apart_closed_by_their_first_fields(unknown_site):
    cards = soup(trace_page(unknown_site, "unknown/s1")).find_all("details", class_="raw")
    assert [text_of(card.summary) for card in cards] == [
        "unrecognised record without a type — id: prompt-0 · completion_token_ids: [785, 3405] · "
        "prompt_sha256: b471",
        "unrecognised record without a type — id: prompt-1 · completion_token_ids: [40, 1079] · "
        "prompt_sha256: 7ed6"]
    foot = soup(trace_page(unknown_site, "unknown/s1")).find("footer", class_="transcript-foot")
    assert text_of(foot) == "Unrecognised records (shown as raw cards): 2 without a type."


def test_the_pages_of_a_log_no_parser_read_say_which_of_its_lines_they_hold(tmp_path):
    """Each page of such a log was listed as "page N: turn 0"."""
    bucket = tmp_path / "bucket"
    folder = bucket / "traces" / "unknown" / "s1"
    folder.mkdir(parents=True)
    rows = [{"id": f"prompt-{n}", "completion_token_ids": [n]} for n in range(45)]
    (folder / "run.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    (folder / "manifest.md").write_text("---\nharness: greedy-verifier\nsession_id: s1\n"
                                        "share: full\n---\n")
    site = build(tmp_path, source=bucket, limits="trace_records_per_page = 20\n")
    pages = soup(trace_page(site, "unknown/s1")).find("ol", class_="page-list").find_all("a")
    assert [text_of(a) for a in pages] == ["page 1: lines 1–20", "page 2: lines 21–40",
                                           "page 3: lines 41–45"]


# ---------------------------------------------------------------------------------------------
# Cards that say a thing once, in the words a reader expects

def assistant_rows(session: str, blocks: list[dict]) -> list[dict]:
    """A prompt, then one assistant row per content block."""
    return [{"type": "user", "sessionId": session, "uuid": "p",
             "message": {"role": "user", "content": "go"}}] + [
        {"type": "assistant", "sessionId": session, "uuid": f"a{n}", "requestId": f"r{n}",
         "message": {"id": f"m{n}", "role": "assistant", "content": [block]}}
        for n, block in enumerate(blocks)]


def test_a_one_line_thinking_is_shown_once_not_again_in_a_card_to_open(tmp_path):
    """Its closed line and its opened body said the same sentence twice."""
    rows = assistant_rows("s1", [
        {"type": "thinking", "thinking": "Run the `k=6` sweep first.", "signature": "x"},
        {"type": "thinking", "thinking": "**Plan**\n\nSweep k, then post.", "signature": "x"},
        {"type": "thinking", "thinking": "word " * 40, "signature": "x"},
        {"type": "thinking", "thinking": "**Counting tokens**", "signature": "x"},
        {"type": "thinking", "thinking": "**a** then **b**", "signature": "x"}])
    site = build(tmp_path, source=one_trace_bucket(tmp_path, "think/s1", rows))
    cards = soup(trace_page(site, "think/s1")).find_all(class_="thinking")
    one_line, paragraphs, long_line, title, two_bold = cards
    assert one_line.name == "div" and one_line.find("details") is None
    assert text_of(one_line) == "thinking Run the k=6 sweep first."
    assert text_of(one_line.find("code")) == "k=6"                     # read as markdown
    assert [card.name for card in (paragraphs, long_line)] == ["details", "details"]
    assert text_of(paragraphs.summary) == "thinking Plan"
    assert text_of(long_line.summary).endswith("…")                   # cut: more to open
    # a reasoning title alone is that line, as its card's line showed it: not in bold
    assert text_of(title) == "thinking Counting tokens" and title.find("strong") is None
    assert [text_of(b) for b in two_bold.find_all("strong")] == ["a", "b"]


def todo_call(call_id: str, todos: list[dict]) -> dict:
    return {"type": "tool_use", "id": call_id, "name": "TodoWrite", "input": {"todos": todos}}


def test_a_to_do_list_is_a_checklist_saying_each_status_in_words(tmp_path):
    """TodoWrite's input was its raw JSON, though its line already said "3 items, 1 done"."""
    todos = [{"content": "Pull the <b>tree</b> config", "status": "completed", "activeForm": "x"},
             {"content": "Sweep **keepset** x K", "status": "in_progress", "activeForm": "x"},
             {"content": "Post the best result", "status": "pending", "activeForm": "x"}]
    rows = assistant_rows("s1", [todo_call("t1", todos), todo_call("t2", todos[1:2])])
    site = build(tmp_path, source=one_trace_bucket(tmp_path, "todo/s1", rows))
    first, single = soup(trace_page(site, "todo/s1")).find_all("details", class_="tool")
    assert text_of(first.find("span", class_="tool-summary")) == "3 items, 1 done"
    assert text_of(single.find("span", class_="tool-summary")) == "1 item, 0 done"
    assert "todos" not in text_of(first.find("div", class_="tool-body"))   # no JSON
    entries = first.find("ul", class_="todo-list").find_all("li")
    assert [text_of(li) for li in entries] == [
        "☑ done Pull the <b>tree</b> config",                  # agent text stays text
        "◐ in progress Sweep **keepset** x K",
        "☐ pending Post the best result"]
    assert first.find("ul", class_="todo-list").find(["b", "strong"]) is None
    assert all(li.find("span", class_="todo-mark")["aria-hidden"] == "true" for li in entries)


def test_an_input_that_is_only_the_cards_line_is_not_shown_again_opened(tmp_path):
    """Read's opened card showed {"file_path": …}, the path its line already gave."""
    rows = assistant_rows("s1", [
        {"type": "tool_use", "id": "t1", "name": "Read", "input": {"file_path": "/w/serve.py"}},
        {"type": "tool_use", "id": "t2", "name": "Bash",
         "input": {"command": "make bench", "description": "Run the benchmark"}}])
    site = build(tmp_path, source=one_trace_bucket(tmp_path, "input/s1", rows))
    read, bash = soup(trace_page(site, "input/s1")).find_all("details", class_="tool")
    assert text_of(read.summary) == "Read /w/serve.py no result"      # its icon is drawn, no emoji
    assert [text_of(p) for p in read.find_all("p", class_="block-label")] == []
    assert "file_path" not in text_of(read)
    assert [text_of(p) for p in bash.find_all("p", class_="block-label")] == ["input"]
    assert "Run the benchmark" in text_of(bash.find("pre"))     # what the line does not say


def test_an_edit_shows_its_change_once_as_a_diff_with_only_what_the_diff_does_not_say(tmp_path):
    """An opened Edit card showed old_string and new_string as JSON above the same change as a
    diff."""
    edit = {"file_path": "/w/serve.py", "old_string": "k = 4\n", "new_string": "k = 6\n"}
    rows = assistant_rows("s1", [
        {"type": "tool_use", "id": "t1", "name": "Edit", "input": edit},
        {"type": "tool_use", "id": "t2", "name": "Edit", "input": {**edit, "replace_all": True}},
        {"type": "tool_use", "id": "t3", "name": "MultiEdit", "input": {
            "file_path": "/w/serve.py", "edits": [
                {"old_string": "a = 1", "new_string": "a = 2"},
                {"old_string": "b = 1", "new_string": "b = 2", "replace_all": True}]}}])
    site = build(tmp_path, source=one_trace_bucket(tmp_path, "edit/s1", rows))
    plain, everywhere, multi = soup(trace_page(site, "edit/s1")).find_all("details", class_="tool")
    labels = [[text_of(p) for p in card.find_all("p", class_="block-label")]
              for card in (plain, everywhere, multi)]
    assert labels == [["change"], ["input", "change"], ["input", "change"]]
    assert text_of(plain.find("div", class_="diff").pre).count("k = 4") == 1
    assert "old_string" not in text_of(plain) and "k = 6" in text_of(plain.find("div", class_="diff"))
    assert json.loads(text_of(everywhere.find("pre"))) == {"replace_all": True}
    assert json.loads(text_of(multi.find("pre"))) == {"edits": [{}, {"replace_all": True}]}
    assert "a = 1" in text_of(multi.find("div", class_="diff"))


def test_two_items_with_the_same_footnoted_text_each_lead_to_their_own_notes(tmp_path):
    """Identical texts had identical footnote ids: the second item's marks led to the first's
    notes, and the page repeated ids."""
    text = "Sweep K first.[^1] Then post.[^1]\n\n[^1]: tokens/s at batch 1."
    rows = assistant_rows("s1", [{"type": "text", "text": text}, {"type": "text", "text": text}])
    site = build(tmp_path, source=one_trace_bucket(tmp_path, "notes/s1", rows))
    assert check_site(site) == []
    page = soup(trace_page(site, "notes/s1"))
    items = page.find_all("div", class_="assistant")
    assert len(items) == 2
    for item in items:
        links = item.find_all("a", href=re.compile("^#fn"))
        assert len(links) == 4                              # two marks, two links back
        for a in links:
            target = page.find(id=a["href"][1:])
            assert target is not None and item in target.parents, a["href"]

