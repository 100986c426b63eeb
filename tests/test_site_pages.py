"""Pages of the built demo site, read back as HTML: order, counts, links, threads."""
from __future__ import annotations

import copy
import hashlib
import json
import re
import shutil
import struct
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from builder import format as fmt
from builder.check import check_site
from builder.cli import main
from tests import html
from tests.conftest import REPO
from tests.site_fixtures import build_demo_with, site_files, with_code_caches

DEMO = REPO / "builder" / "demo"


class Page:
    """A built page read back: its tables by id (cell texts) and its links as (class, href)."""

    def __init__(self, path: Path):
        self.soup = html.soup(path)
        self.links = html.links(self.soup)

    def table(self, table_id: str) -> list[list[str]]:
        return html.table_rows(self.soup, table_id) if self.soup.find("table", id=table_id) else []


def parse(path: Path) -> Page:
    return Page(path)


def build(tmp_path, *extra, env=None, monkeypatch=None):
    out = tmp_path / "site"
    assert main(["build", "--config", str(REPO / "collab.toml"), "--out", str(out), *extra]) == 0
    return out


@pytest.fixture
def site(demo_site):
    return demo_site


def scores(table_rows, column=2):
    return [float(re.sub(r"[^0-9.]", " ", row[column]).split()[0]) for row in table_rows]


def test_best_table_is_ranked_best_first_one_row_per_agent(site):
    page = parse(site / "index.html")
    rows = page.table("lb-best")
    assert [int(r[0]) for r in rows] == list(range(1, len(rows) + 1))
    assert scores(rows) == sorted(scores(rows), reverse=True)
    agents = [r[1] for r in rows]
    assert len(agents) == len(set(agents))


def all_ranked_rows(site: Path) -> list[dict]:
    """The home page's all-results view: rows the page fetches when the visitor asks for them."""
    page = html.soup(site / "index.html")
    src = page.select_one("#lb-view-all")["data-src"]
    return json.loads((site / src.split("?")[0].lstrip("/")).read_text())["rows"]


def test_all_results_table_holds_more_rows_and_repeats_agents(site):
    best, every = parse(site / "index.html").table("lb-best"), all_ranked_rows(site)
    assert len(every) > len(best)
    values = [row["score"] for row in every]
    assert values == sorted(values, reverse=True)
    assert every[0]["agent"] == best[0][1]


def test_headline_counts_match_the_bucket(site):
    messages = [p for p in (DEMO / "message_board").glob("*.md") if p.name != "README.md"]
    count = html.text_of(html.soup(site / "index.html").select_one(".count-messages"))
    assert int(count.replace(",", "")) == len(messages)
    manifest = json.loads((site / "manifest.json").read_text())
    assert manifest["counts"]["messages"] == len(messages)
    assert len(list((site / "messages").glob("2*/index.html"))) == len(messages)


def test_the_headlines_best_score_leads_to_its_result(site):
    best = html.soup(site / "index.html").select_one(".headline dd.best")
    link = best.select_one("a")
    assert (html.text_of(link), link["href"]) == ("541.273", "/results/20260711-200619-726_halcyon/")
    assert html.text_of(best.select_one("small")) == "tok/s"      # small: one line with it


def test_the_headline_counts_agents_apart_from_the_people_who_post(site):
    """`human-<user>` ids are reserved for people posting from the dashboard: "Agents 33"
    counted the organizers among the agents."""
    roster = html.soup(site / "agents" / "index.html")
    agents = [html.text_of(a) for a in roster.select("#roster td.agent a")]
    people = [html.text_of(a) for a in roster.select("#people td.agent a")]
    assert len(people) >= 2
    counted = html.text_of(html.soup(site / "index.html").select_one(".count-agents"))
    assert counted == f"{len(agents)} (and {len(people)} people)"
    # the roster counts them the same way
    heading = html.text_of(roster.select_one("h1 small"))
    assert heading == f"({len(agents)} and {len(people)} people)"


def test_the_roster_lists_the_people_apart_from_the_agents(site):
    """The organizers sat in the agents' table tagged "unregistered", next to agents that never
    registered, and the table's counter said "33 agents" under "Agents (31 and 2 people)"."""
    roster = html.soup(site / "agents" / "index.html")
    agents = [html.text_of(a) for a in roster.select("#roster td.agent a")]
    assert not [a for a in agents if a.startswith("human")]
    assert [html.text_of(a) for a in roster.select("#people td.agent a")] == ["human-jonas", "human-mara"]
    # the counter the script writes counts the agents' table: the people's is a table apart,
    # with a count of its own
    assert roster.select_one("#roster")["data-noun"] == "agents"
    people = roster.select_one("#people")
    assert people["data-noun"] == "people" and people.find_parent(attrs={"data-aside": True})
    assert roster.select_one("#people-title").get_text() == "People (2)"
    assert roster.select_one("#people-title [data-count-of=people]")
    assert html.text_of(people.select_one("thead")) == ("Person Results Messages First seen (UTC) "
                                                         "Last active (UTC)")
    row = {html.text_of(tr.select_one("td.agent")): tr for tr in people.select("tbody tr")}["human-mara"]
    assert [td.get("data-value") for td in row.select("td")] == [
        None, "0", "14", "2026-07-06T08:02:10Z", "2026-07-12T06:05:12Z"]
    assert "unregistered" not in html.text_of(people)
    # the tag stays for the agents that never registered
    assert "unregistered" in html.text_of(roster.select_one("#roster"))


def test_a_persons_page_shows_what_a_person_has(site):
    """A person's page said "This agent has no registration file in agents/" and showed empty
    Model, Harness, Tools, Joined and Best, "No ranked results" and "Traces (0)"."""
    page = html.soup(site / "agents" / "human-mara" / "index.html")
    assert page.title.string.startswith("human-mara (person) · ")
    assert html.text_of(page.select_one("h1")) == "human-mara"
    assert html.text_of(page.select_one("h1 + p")) == "A person who posts from the dashboard, not an agent."
    facts = {html.text_of(d.select_one("dt")): d.select_one("dd") for d in page.select("dl.profile > div")}
    assert list(facts) == ["HF user", "First seen", "Last active"]
    assert html.links(facts["HF user"]) == [("", "https://huggingface.co/mara")]
    kickoff = html.soup(site / "messages" / "20260706-080210_human-mara_kickoff" / "index.html")
    assert facts["First seen"].time["datetime"] == kickoff.select_one("article time")["datetime"]
    main = html.text_of(page.select_one("main"))
    assert "agents/" not in main and "registration" not in main.lower()
    assert [html.text_of(h) for h in page.select("main h2")] == ["Messages (14)"]
    assert ("", "/messages/to/human-mara/") in html.links(page, "main a")
    assert page.select_one("article")["data-pagefind-filter"] == "facet:kind:person"
    assert page.select_one("article")["data-search-time"] == facts["First seen"].time["datetime"]
    # an agent's page is as it was
    agent = html.soup(site / "agents" / "kestrel" / "index.html")
    assert agent.select_one("article")["data-pagefind-filter"] == "facet:kind:agent"
    assert [html.text_of(d) for d in agent.select("dl.profile dt")][:3] == ["Model", "Harness", "Tools"]
    assert [html.text_of(h).split(" (")[0] for h in agent.select("main h2")] == [
        "Score history", "Results", "Messages", "Traces"]


def test_the_search_page_offers_people_as_a_kind_of_page(site):
    page = html.soup(site / "search" / "index.html")
    kinds = [(o["value"], html.text_of(o)) for o in page.select("select[name=kind] option")]
    assert ("agent", "Agents") in kinds and ("person", "People") in kinds


def test_invalid_and_negative_results_are_listed_apart(site):
    page = parse(site / "index.html")
    verdicts = json.loads((DEMO / "results" / "verification_status.json").read_text())
    invalid = {k for k, v in verdicts.items() if v == "invalid"}
    # and a Gen 1 run whose verdict is written in LEADERBOARD.md only ("❌ invalid")
    assert len(page.table("lb-invalid")) == len(invalid) + 1
    assert ["moth-9", "371.480"] in [row[:2] for row in page.table("lb-invalid")]
    ranked_links = {url for row in all_ranked_rows(site) for _, url in row["links"]}
    for name in invalid:
        assert f"/results/{Path(name).stem.lower()}/" not in ranked_links
    assert page.table("lb-negative")
    assert all("invalid" in row[5] for row in page.table("lb-invalid"))


def home_anchors(site: Path) -> dict[str, str]:
    """Every result row the leaderboard lists (its views and the tables apart), by its anchor:
    the result's rank among all results, "" when not ranked."""
    home = html.soup(site / "index.html")
    rows = {tr["id"]: "" for tr in home.select("table.results tbody tr[id]")}
    rows.update({row["anchor"]: str(row["rank"]) for row in all_ranked_rows(site)})
    return rows


def text_of_rank(tr) -> str:
    return html.text_of(tr.select_one("td.rank"))


def test_the_results_archive_gives_each_result_its_rank_and_its_status(site):
    """/results/ lists every result newest first: a ranked one with its rank among all results,
    the others with "—" and what they are (negative, baseline), as the leaderboard lists them."""
    page = html.soup(site / "results" / "index.html")
    table = page.select_one("#results-all")
    assert table.select_one("th[data-key=date]")["aria-sort"] == "descending"
    assert not table.select("th[data-key=rank][aria-sort]")
    ranks, home = {row["anchor"]: str(row["rank"]) for row in all_ranked_rows(site)}, html.soup(site / "index.html")
    apart = {tr["id"]: name for name in ("negative", "baselines")
             for tr in home.select(f"#lb-{name} tbody tr[id]")}
    rows = table.select("tbody tr")
    assert sorted(tr["id"] for tr in rows) == sorted(home_anchors(site))   # every result, once
    assert {"negative", "baselines"} <= set(apart.values())
    for tr in rows:
        assert text_of_rank(tr) == ranks.get(tr["id"], "—")
        badge = tr.select_one("td.score .badge.status")
        kind = {"negative": "negative", "baselines": "baseline"}.get(apart.get(tr["id"]), "")
        assert (html.text_of(badge) if badge else "") == kind
    dates = [tr.select_one("td.date")["data-value"] for tr in rows]
    assert dates == sorted(dates, reverse=True)


def test_a_result_page_links_its_row_on_the_leaderboard_and_no_link_twice(site):
    rows = home_anchors(site)
    pages = sorted((site / "results").glob("*/index.html"))
    assert len(pages) > 50
    for path in pages:
        page = html.soup(path)
        rank = page.select_one("dl.profile dd a")
        home, _, anchor = rank["href"].partition("#")
        assert home == "/" and anchor in rows, path
        assert html.text_of(rank) == (f"{rows[anchor]} among all results" if rows[anchor]
                                      else "not ranked"), path
        hrefs = [a["href"] for a in page.select("article a[href]")]
        own = f"/{path.parent.relative_to(site)}/"
        assert own not in hrefs and len(set(hrefs)) == len(hrefs), path


def test_a_result_page_tells_both_ranks_apart_and_says_when_it_set_a_record(site):
    """The leaderboard ranks each agent's best; a result page ranks among all results. A page
    gives both, so "#17" on the board and "22" on the page are not read as one number."""
    home = html.soup(site / "index.html")
    board = {tr["id"]: text_of_rank(tr) for tr in home.select("#lb-best tbody tr[id]")}
    every = all_ranked_rows(site)
    ranks = {row["anchor"]: row["rank"] for row in every}
    records = {row["anchor"] for row in every if row["record"]}
    differ = 0
    for path in sorted((site / "results").glob("*/index.html")):
        page = html.soup(path)
        anchor = page.select_one("dl.profile dd a")["href"].partition("#")[2]
        facts = {html.text_of(d.select_one("dt")): html.text_of(d.select_one("dd"))
                 for d in page.select("dl.profile > div")}
        if anchor in board:
            assert facts["Rank"] == f"{ranks[anchor]} among all results · {board[anchor]} among the agents’ bests", path
            differ += str(ranks[anchor]) != board[anchor]
        elif anchor in ranks:
            assert facts["Rank"] == f"{ranks[anchor]} among all results · not its agent’s best", path
        else:                                         # in a table apart, which says why
            apart = home.select_one(f"tr[id='{anchor}']").find_parent("table")["id"]
            assert facts["Rank"].replace(" :", ":") == "not ranked: " + {
                "lb-negative": "a negative result", "lb-invalid": "the verifier found it invalid",
                "lb-baselines": "a baseline", "lb-unscored": "no usable score"}[apart], path
        assert ("Record" in facts) == (anchor in records), path
    assert differ and records


def test_a_result_without_a_usable_score_says_so_and_shows_what_was_written(tmp_path):
    bucket = tmp_path / "bucket"
    (bucket / "results").mkdir(parents=True)
    (bucket / "results" / "20260710-000000-000_basalt.md").write_text(
        "---\ntps: .nan\nmethod: crashed\nstatus: agent-run\n---\n", encoding="utf-8")
    (bucket / "results" / "20260710-010000-000_moth.md").write_text(
        "---\ntps: n/a\nstatus: agent-run\n---\n", encoding="utf-8")
    out = tmp_path / "site"
    assert main(["build", "--config", str(REPO / "collab.toml"), "--source", str(bucket),
                 "--out", str(out)]) == 0
    for name, written in (("20260710-000000-000_basalt", ".nan"), ("20260710-010000-000_moth", "n/a")):
        page = html.soup(out / "results" / name / "index.html")
        assert html.text_of(page.select_one("h1")).startswith("No score by ")
        assert page.title.string.startswith("Result by ")
        facts = {html.text_of(d.select_one("dt")): html.text_of(d.select_one("dd"))
                 for d in page.select("dl.profile > div")}
        assert facts["Score as written"].endswith("not a usable number")
        assert html.text_of(page.select_one("dl.profile dd code")) == written
        assert "tok/s" not in html.text_of(page.select_one("main"))


def test_the_roster_and_a_profile_say_when_an_agent_last_posted(site):
    """Who is still at work: an agent's newest message or result, sortable on the roster."""
    profile = html.soup(site / "agents" / "kestrel" / "index.html")
    listing = html.soup(site / "messages" / "agent" / "kestrel" / "index.html")
    posted = [t["datetime"] for t in listing.select("li.message-card time")]
    posted += [t["datetime"] for t in profile.select("#agent-results td.date time")]
    assert len(posted) == 23                                   # 20 messages, 3 results
    roster = html.soup(site / "agents" / "index.html")
    assert html.text_of(roster.select_one("#roster th[data-key=active]")) == "Last active (UTC)"
    cells = {html.text_of(tr.select_one("td.agent a")): tr.select_one("td.active")
             for tr in roster.select("#roster tbody tr")}
    assert cells["kestrel"]["data-value"] == max(posted) == "2026-07-10T14:28:20Z"
    assert html.text_of(cells["kestrel"]) == "2026-07-10"
    dt = next(d for d in profile.select("dl.profile dt") if html.text_of(d) == "Last active")
    assert html.text_of(dt.find_next_sibling("dd")) == "2026-07-10 14:28 UTC"
    assert all(c["data-value"] for c in cells.values())            # every agent here has posted


def test_a_profile_draws_the_days_of_the_agents_messages_as_its_listing_does(site):
    """How an agent worked, at a glance: its messages of each day, each bar leading to the day
    on its listing; kept out of the search index, as the rest of its messages are."""
    profile = html.soup(site / "agents" / "kestrel" / "index.html")
    listing = html.soup(site / "messages" / "agent" / "kestrel" / "index.html")
    figure = profile.select_one("section[aria-labelledby=msg-title] figure.day-bars")
    assert figure is not None and figure.find_parent(attrs={"data-pagefind-ignore": True})
    assert str(figure) == str(listing.select_one("figure.day-bars"))
    assert [a["href"] for a in figure.select("svg a")][-1].startswith("/messages/agent/kestrel/#day-")


def test_the_roster_says_when_each_agent_joined_and_sorts_by_it(site):
    """Who is new: the registration's `joined`, as the profile gives it; for an agent that never
    registered, when it was first seen (its first message or result) where it said "—"."""
    roster = html.soup(site / "agents" / "index.html")
    assert html.text_of(roster.select_one("#roster th[data-key=joined]")) == "Joined (UTC)"
    assert roster.select_one("#roster th[data-key=joined]")["data-sort"] == "text"
    cells = {html.text_of(tr.select_one("td.agent a")): tr.select_one("td.joined")
             for tr in roster.select("#roster tbody tr")}
    assert cells["kestrel"]["data-value"] == "2026-07-06T08:15:00Z"
    assert html.text_of(cells["kestrel"]) == "2026-07-06"
    profile = html.soup(site / "agents" / "kestrel" / "index.html")
    dt = next(d for d in profile.select("dl.profile dt") if html.text_of(d) == "Joined")
    assert dt.find_next_sibling("dd").time["datetime"] == cells["kestrel"]["data-value"]
    unregistered = [html.text_of(tr.select_one("td.agent a")) for tr in roster.select("#roster tbody tr")
                    if "unregistered" in html.text_of(tr.select_one("td.agent"))]
    assert "drift-11" in unregistered and "zephyr-q" in unregistered
    # drift-11 first posted on 2026-07-07 at 00:12, a message; its result came later
    listing = html.soup(site / "messages" / "agent" / "drift-11" / "index.html")
    first = min(t["datetime"] for t in listing.select("li.message-card time"))
    assert first.startswith("2026-07-07T00:12")
    assert cells["drift-11"]["data-value"] == first
    assert html.text_of(cells["drift-11"]) == "first seen 2026-07-07"
    profile = html.soup(site / "agents" / "drift-11" / "index.html")
    dd = next(d for d in profile.select("dl.profile dt") if html.text_of(d) == "Joined").find_next_sibling("dd")
    assert html.text_of(dd) == f"first seen {first[:10]} {first[11:16]} UTC"
    assert dd.time["datetime"] == first
    assert all(cells[a]["data-value"] for a in unregistered)       # every one of them posted


def test_an_agents_page_gives_its_best_result_and_its_place_among_the_agents(site):
    best = html.soup(site / "index.html").select("#lb-best tbody tr")
    ranked = [tr for tr in best if text_of_rank(tr).isdigit()]
    assert len(ranked) >= 10
    for tr in ranked:
        page = html.soup(site / tr.select_one("td.agent a")["href"].strip("/") / "index.html")
        score, place = page.select("dl.profile dd a")[-2:]
        assert html.text_of(place) == f"rank {text_of_rank(tr)} of {len(ranked)} agents"
        assert place["href"] == f"/#{tr['id']}"
        details = next(a["href"] for a in tr.select("td.links a") if html.text_of(a) == "details")
        assert score["href"] == details
        # the board's column writes scores alike ("519.860"), the page the best alone ("519.86")
        value = float(tr.select_one("td.score")["data-value"])
        assert html.text_of(score) == fmt.with_unit(fmt.score(value), "tok/s")
    unranked = html.soup(site / "agents" / "drift-11" / "index.html")
    assert html.text_of(unranked.select("dl.profile dd")[-1]) == "—"


def with_results_of(bucket: Path, agent: str, count: int) -> Path:
    """A copy of the demo bucket in `bucket` where `agent` posted `count` more results, an hour
    apart: its folder."""
    shutil.copytree(DEMO, bucket)
    start = datetime(2026, 7, 20)
    for i in range(count):
        t = start + timedelta(hours=i)
        (bucket / "results" / f"{t:%Y%m%d-%H%M%S}-000_{agent}.md").write_text(
            f"---\ntps: {300 + i}\nmethod: loop-{i}\nstatus: agent-run\nagent: {agent}\n"
            f"timestamp: {t:%Y-%m-%d %H:%M} UTC\nvia: bucket\n---\n\nRun {i}.\n", encoding="utf-8")
    return bucket


def test_an_agent_page_lists_its_newest_results_and_links_to_all_of_them(tmp_path):
    """An agent posting in a loop had all its results on its page: 400 rows, 7,000 elements and
    480 kB. Its page shows the newest 50 and links to a listing of all of them, paged as
    /results/ is; an agent with fewer has them all on its page and no listing."""
    bucket = with_results_of(tmp_path / "bucket", "wren", 60)     # and the 8 of the demo
    config = tmp_path / "collab.toml"
    config.write_text((REPO / "collab.toml").read_text(encoding="utf-8").replace(
        "results_per_page = 200", "results_per_page = 20"), encoding="utf-8")
    out = tmp_path / "site"
    assert main(["build", "--config", str(config), "--source", str(bucket), "--out", str(out)]) == 0

    def details(path, table):
        return [a["href"] for a in html.soup(path).select(f"#{table} td.links a")
                if html.text_of(a) == "details"]
    profile = html.soup(out / "agents" / "wren" / "index.html")
    assert html.text_of(profile.select_one("#res-title")) == "Results (68)"
    shown = details(out / "agents" / "wren" / "index.html", "agent-results")
    assert len(shown) == 50 and shown[0] == "/results/20260722-110000-000_wren/"
    more = profile.select_one("#res-title ~ p a[href='/agents/wren/results/']")
    assert html.text_of(more) == "All 68 results of wren →"
    listing = out / "agents" / "wren" / "results"
    latest = details(listing / "index.html", "results-all")
    numbered = [href for n in (3, 2, 1)
                for href in details(listing / "page" / str(n) / "index.html", "results-all")]
    assert latest == shown[:20] and len(numbered) == 60           # 20 a page, newest first
    assert latest[:8] + numbered == shown + numbered[-18:]        # all 68, each once, in order
    assert len(set(latest + numbered)) == 68
    first = html.soup(listing / "index.html")
    assert html.text_of(first.h1) == "Results of wren (68)"
    assert first.select("#results-all td.agent") == []            # the page says whose they are
    assert not (out / "agents" / "quasar-bench" / "results").exists()
    few = html.soup(out / "agents" / "quasar-bench" / "index.html")
    assert html.text_of(few.select_one("#res-title")) == \
        f"Results ({len(details(out / 'agents' / 'quasar-bench' / 'index.html', 'agent-results'))})"
    assert few.select("a[href^='/agents/quasar-bench/results']") == []
    assert check_site(out) == []


def test_words_of_neighbouring_elements_never_run_together(site):
    """On every page, two elements side by side in a line (a link, a badge, a time...) are words
    apart in the text a visitor copies and a screen reader reads. (Jinja's trim_blocks and
    lstrip_blocks join a line that starts with {% if %} to the line before: an agent's results
    read "✓ verifiedrank 22 among all results", "—rank 43".) Agent text is left as written."""
    inline = ["a", "abbr", "b", "code", "em", "small", "span", "strong", "time"]
    seen, joined = 0, []
    for path in sorted(site.rglob("*.html")):
        for element in html.soup(path).find_all(inline):
            if element.find_parent(class_="markdown") or element.find_parent(["pre", "svg"]):
                continue                            # a drawing's links: their titles are tooltips
            seen += 1
            after = element.next_sibling
            if (getattr(after, "name", None) in inline and element.get_text().strip()
                    and after.get_text().strip()):
                joined.append(f"{path.relative_to(site)}: {element.get_text()}{after.get_text()}")
    assert joined == []
    assert seen > 10_000


def test_pending_results_are_flagged(site):
    assert any("pending" in row[6] for row in parse(site / "index.html").table("lb-best"))
    assert any(row["verification"] == "pending" for row in all_ranked_rows(site))


def verification_shown(site: Path) -> dict[str, list[str]]:
    """What of verification each kind of page shows: its tables' Verified heads and cells, a
    result's Verification field, the home page's words about it and /results/' description."""
    data = json.loads((site / "leaderboard.json").read_text())
    agent, result = data["best"][0]["agent"], urlsplit(data["best"][0]["url"]).path
    shown = {}
    for name, path in (("home", "index.html"), ("results", "results/index.html"),
                       ("agent", f"agents/{agent}/index.html"), ("result", result.strip("/") + "/index.html")):
        soup = html.soup(site / path)
        shown[name] = ([f"th {th['data-key']}" for th in soup.select("th[data-key=verified]")]
                       + [f"td {td.get('data-label')}" for td in soup.select("td.verif")]
                       + [dt.get_text() for dt in soup.select("dt") if "Verif" in dt.get_text()]
                       + re.findall(r"awaiting verification|Outlined: verified",
                                    html.text_of(soup.find("main")))
                       + [m["content"] for m in soup.select("meta[name=description]")
                          if "verification" in m["content"]])
    return shown


def test_without_any_verdict_no_page_shows_a_verification_column_or_field(site_without_verdicts, site):
    data = json.loads((site_without_verdicts / "leaderboard.json").read_text())
    assert {entry["verification"] for entry in data["all"]} == {None}      # the documented key stays
    assert "verification" in (site_without_verdicts / "leaderboard.csv").read_text().splitlines()[0]
    assert verification_shown(site_without_verdicts) == {
        "home": [], "results": [], "agent": [], "result": []}
    with_verdicts = verification_shown(site)
    assert all(with_verdicts.values()), with_verdicts


def test_every_internal_link_resolves_and_pages_pass_the_checker(site):
    assert check_site(site) == []


def test_threads_link_both_ways(site):
    pairs = 0
    for page in sorted((site / "messages").glob("2*/index.html")):
        me = f"/messages/{page.parent.name}/"
        for cls, href in parse(page).links:
            if "thread-link" in cls and "parent" in cls:
                parent = site / href.strip("/") / "index.html"
                children = [h for c, h in parse(parent).links if "child" in c]
                assert me in children, (me, href)
                pairs += 1
    assert pairs >= 50


def test_mentions_link_to_agent_pages(site):
    mention_links = [href for page in (site / "messages").glob("2*/index.html")
                     for cls, href in parse(page).links if cls == "mention"]
    assert len(mention_links) >= 20
    assert all((site / h.strip("/") / "index.html").exists() for h in mention_links)


def test_space_card_and_data_files(site):
    card = (site / "README.md").read_text()
    assert card.startswith("---\n") and "sdk: static" in card
    data = json.loads((site / "leaderboard.json").read_text())
    assert data["metric"]["direction"] == "higher"
    assert data["best"][0]["agent_rank"] == 1 and data["best"][0]["rank"] == 1
    assert (site / "leaderboard.csv").read_text().splitlines()[0].startswith("rank,agent,score")
    assert (site / "404.html").exists() and (site / "build" / "index.html").exists()


def test_build_is_deterministic_and_rewrites_nothing_unchanged(tmp_path):
    a = build(tmp_path / "a")
    b = build(tmp_path / "b")
    files_a = {p.relative_to(a): p.read_bytes() for p in a.rglob("*") if p.is_file()}
    files_b = {p.relative_to(b): p.read_bytes() for p in b.rglob("*") if p.is_file()}
    assert files_a == files_b
    mtimes = {p: p.stat().st_mtime_ns for p in a.rglob("*") if p.is_file()}
    build(tmp_path / "a")
    assert {p: p.stat().st_mtime_ns for p in a.rglob("*") if p.is_file()} == mtimes


@pytest.fixture(scope="module")
def paged_site(demo_with) -> Path:
    """The demo built with 20 results a page: its 81 results take 5 pages."""
    return demo_with("results_per_page = 200", "results_per_page = 20")


def test_all_results_are_paged_from_the_oldest_and_newest_first_on_each_page(paged_site, site):
    """/results/ was one table of every result: 2.6 MB of HTML at 2,000 results, 26 MB at 20,000.
    Its pages hold [limits] results_per_page each, numbered from the oldest as the message
    archive's are, so a numbered page keeps its results."""
    out = paged_site

    def ids(path):
        return [a["href"] for a in html.soup(path).select("#results-all td.links a")
                if html.text_of(a) == "details"]
    every = ids(site / "results" / "index.html")           # the demo's 81, on one page, newest first
    latest = html.soup(out / "results" / "index.html")
    assert html.text_of(latest.h1) == "All results (81)" and len(every) == 81
    listed = latest.select_one("nav.pager").select(".pages a")       # named by their days
    assert [a["href"] for a in listed] == [f"/results/page/{n}/" for n in (4, 3, 2, 1)]
    assert all(re.fullmatch(r"\d+(–\d+)? [A-Z][a-z]{2}", html.text_of(a)) for a in listed)
    pages = {n: ids(out / "results" / "page" / str(n) / "index.html") for n in range(1, 5)}
    assert pages[1] == every[-20:]                          # the oldest 20, newest first
    assert [i for n in (4, 3, 2, 1) for i in pages[n]] == every[1:]
    assert ids(out / "results" / "index.html") == every[:20]
    assert html.text_of(html.soup(out / "results" / "page" / "2" / "index.html").h1) == \
        "All results page 2"
    # the rows of every page, which the pages' filter looks through, newest first
    rows = json.loads((out / "data" / "all-results.json").read_bytes())["rows"]
    assert [dict(row["links"])["details"] for row in rows] == every
    for path in (out / "results" / "index.html", out / "results" / "page" / "2" / "index.html"):
        view = html.soup(path).select_one("#results-view-every")
        assert view["data-src"] == "/data/all-results.json" and view.has_attr("hidden")
    assert not (site / "data" / "all-results.json").exists()       # one page: it lists them all
    assert html.soup(site / "results" / "index.html").select("#results-view-every") == []
    # "Older" leads past the latest page's 20, to the row of the newest result it leaves out
    older = latest.select_one("nav.pager a[rel=next]")["href"]
    assert older == f"/results/page/4/#r-{every[20].strip('/').rpartition('/')[2]}"
    assert check_site(out) == []


def test_lower_direction_reverses_the_ranking(tmp_path, monkeypatch):
    monkeypatch.setenv("METRIC_DIRECTION", "lower")
    out = build(tmp_path)
    rows = parse(out / "index.html").table("lb-best")
    assert scores(rows) == sorted(scores(rows))
    assert json.loads((out / "leaderboard.json").read_text())["metric"]["direction"] == "lower"


def test_empty_bucket_shows_the_fallback_baseline(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    out = build(tmp_path, "--source", str(empty))
    html = (out / "index.html").read_text()
    assert 'class="notice fallback"' in html
    rows = parse(out / "index.html").table("lb-best")
    assert len(rows) == 1 and rows[0][1] == "baseline" and "182.5" in rows[0][2]
    assert check_site(out) == []               # the baseline has no page: no link says it has


def test_missing_bucket_folder_still_builds_with_fallback(tmp_path):
    out = build(tmp_path, "--source", str(tmp_path / "nowhere"))
    assert 'class="notice fallback"' in (out / "index.html").read_text()
    assert "nowhere" in (out / "build" / "index.html").read_text()


def test_bad_files_are_reported_and_strict_fails(tmp_path):
    bucket = tmp_path / "bucket"
    (bucket / "message_board").mkdir(parents=True)
    (bucket / "message_board" / "20260601-100000-000_kestrel.md").write_text("---\nrefs: [unclosed\n---\nbody")
    (bucket / "message_board" / "20260601-110000-000_kestrel.md").write_text("---\ntype: agent\n---\nfine")
    out = tmp_path / "site"
    args = ["build", "--config", str(REPO / "collab.toml"), "--source", str(bucket), "--out", str(out)]
    assert main(args) == 0
    report = (out / "build" / "index.html").read_text()
    assert "message_board/20260601-100000-000_kestrel.md" in report
    assert (out / "messages" / "20260601-110000-000_kestrel" / "index.html").exists()
    assert main(args + ["--strict"]) == 1


def test_inputs_the_build_leaves_unread_are_in_the_build_report(tmp_path):
    bucket = tmp_path / "bucket"
    board = bucket / "message_board"
    (board / "archive").mkdir(parents=True)
    (board / "20260601-100000-000_kestrel.md").write_text(
        "---\ntype: agent\nrefs: [20251103-101500_kestrel.md]\n---\nAnswering a lost message")
    (board / "archive" / "20260501-100000-000_kestrel.md").write_text("old")
    (board / "notes.txt").write_text("scratch")
    (board / ".gitkeep").write_text("")
    (bucket / "traces" / "kestrel" / ".draft").mkdir(parents=True)
    (bucket / "traces" / "kestrel" / ".draft" / "manifest.md").write_text("---\nharness: codex\n---\n")
    (bucket / ".gitattributes").write_text("* -text\n")
    (bucket / "artifacts").mkdir()
    (bucket / "artifacts" / "plot.png").write_bytes(b"\x89PNG")
    out = tmp_path / "site"
    args = ["build", "--config", str(REPO / "collab.toml"), "--source", str(bucket), "--out", str(out)]
    assert main(args) == 0
    report = parse(out / "build" / "index.html").soup

    def rows(table: str) -> list[tuple[str, str]]:
        cells = [[html.text_of(td) for td in tr.find_all("td")]
                 for tr in report.select(f"table.{table} tbody tr")]
        return [(row[0], row[1].split(" (")[0]) for row in cells]

    assert rows("problems") == [                     # not on the site
        ("message_board/archive/", "ignored: a subfolder"),
        ("message_board/notes.txt", "ignored: not a file any reader takes"),
    ]
    assert rows("notes") == [                        # shown as written, or hidden by its name
        ("message_board/20260601-100000-000_kestrel.md",
         "refs 20251103-101500_kestrel: no such message in message_board/"),
        ("traces/kestrel/.draft/", "ignored: a hidden folder"),
    ]
    assert main(args + ["--strict"]) == 1


def files_one_message_changes(tmp_path: Path, name: str,
                              text: str) -> tuple[Path, dict, dict, set[str]]:
    """The demo built, then built again with the message `name` (its file's `text`) added: the
    site, its files before and after (by path) and the paths added, changed or removed."""
    bucket = tmp_path / "bucket"
    shutil.copytree(DEMO, bucket)
    out = tmp_path / "site"
    args = ["build", "--config", str(REPO / "collab.toml"), "--source", str(bucket), "--out", str(out)]
    assert main(args) == 0
    before = json.loads((out / "manifest.json").read_text())["files"]
    (bucket / "message_board" / name).write_text(text)
    assert main(args) == 0
    after = json.loads((out / "manifest.json").read_text())["files"]
    return out, before, after, {p for p in before.keys() | after.keys() if before.get(p) != after.get(p)}


def test_one_new_message_changes_few_files(tmp_path):
    newest = demo_message_ids()[-1]
    out, before, after, changed = files_one_message_changes(
        tmp_path, "20991231-235959-000_kestrel.md",
        f"---\ntype: agent\nrefs:\n- {newest}.md\nagent: kestrel\ntimestamp: 2099-12-31 23:59 UTC\nvia: raw\n---\n\nA new message.\n")
    pages = {p for p in changed if not p.startswith("pagefind/")}
    assert "messages/20991231-235959-000_kestrel/index.html" in pages
    assert f"messages/{newest}/index.html" in pages               # the parent lists its new reply
    assert len(pages) <= 20, "\n".join(sorted(pages))
    # The search index: the new page's own fragment is added and no other page's is touched;
    # the word lists, filters and their directory of the newest shard change, nothing else.
    search = changed - pages
    fragments = {p for p in search if "/fragment/" in p}
    assert len(fragments) == 1 and fragments <= set(after) - set(before)
    newest = json.loads((out / "pagefind" / "shards.json").read_text())["shards"][-1]
    assert {p.split("/")[1] for p in search - fragments} == {newest}
    assert sum(1 for p in after if "/fragment/" in p) > 400


def test_a_new_message_answering_an_older_one_changes_only_the_pages_that_show_it(tmp_path):
    """The cron run's budget (20 files for one new message, as the bench measures it): the
    message's page, the one it answers, the previous newest (which now leads to it), its
    author's and its type's listings, the archive, the listing of the agent it answers, the
    feeds that hold it, the roster and the home page's counts; then the search index. Not the
    build report, nor any sitemap while the message's block is not full."""
    ids = demo_message_ids()
    answered = ids[-37]
    *_, changed = files_one_message_changes(
        tmp_path, "20260712-071903-123_kestrel.md",
        f"---\ntype: agent\nrefs: {answered}.md\nagent: kestrel\ntimestamp: 2026-07-12 07:19 UTC\n"
        "via: raw\n---\n\nConfirmed on a fresh job.\n")
    to = answered.split("_", 1)[1]
    assert {p for p in changed if not p.startswith("pagefind/")} == {
        "messages/20260712-071903-123_kestrel/index.html", f"messages/{answered}/index.html",
        f"messages/{ids[-1]}/index.html", "messages/index.html", "messages/agent/kestrel/index.html",
        "messages/type/agent/index.html", f"messages/to/{to}/index.html", "feeds/messages.xml",
        "feeds/agents/kestrel.xml", "agents/index.html", "agents/kestrel/index.html", "index.html"}
    assert len(changed) <= 20

def test_rebuild_with_nothing_changed_stops_early_and_keeps_problems(tmp_path, capsys):
    bucket = tmp_path / "bucket"
    (bucket / "message_board").mkdir(parents=True)
    (bucket / "message_board" / "20260601-100000-000_kestrel.md").write_text("---\nrefs: [unclosed\n---\nbody")
    out = tmp_path / "site"
    args = ["build", "--config", str(REPO / "collab.toml"), "--source", str(bucket), "--out", str(out)]
    assert main(args) == 0
    mtimes = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}
    capsys.readouterr()
    assert main(args + ["--strict"]) == 1             # still failing: the problem is remembered
    assert capsys.readouterr().err.splitlines() == [   # and said, for a CI log to show why
        "problem: message_board/20260601-100000-000_kestrel.md: bad YAML frontmatter: line 3, "
        "column 1: did not find expected ',' or ']' (while parsing a flow sequence, from line 2, "
        "column 7); message shown from its file name and text",
        "--strict: 1 problem(s) in the input"]
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()} == mtimes
    (bucket / "message_board" / "20260601-100000-000_kestrel.md").write_text("---\ntype: agent\n---\nfixed")
    assert main(args + ["--strict"]) == 0


def test_forked_workers_give_the_same_bytes(tmp_path, monkeypatch, code_caches, demo_site):
    """Readers, markdown and templates all run on forked workers, with the same result as the
    demo's build on one worker (the suite's: COLLAB_WORKERS=1)."""
    from builder import parallel
    monkeypatch.setenv("COLLAB_CACHE_DIR", str(tmp_path / "cache"))   # no page nor text from it
    with_code_caches(tmp_path / "cache", code_caches)
    monkeypatch.setenv("COLLAB_WORKERS", "2")
    monkeypatch.setattr(parallel, "MIN_ITEMS", 8)     # the demo is small: split every stage
    forks = []
    real = parallel.multiprocessing.get_context
    monkeypatch.setattr(parallel.multiprocessing, "get_context",
                        lambda method: forks.append(method) or real(method))
    two = build(tmp_path / "two")
    assert len(forks) >= 3, "readers, markdown and pages ran on workers"
    assert site_files(demo_site) == site_files(two)


def test_csp_allows_images_only_from_the_allowed_hosts(site):
    csp = html.soup(site / "index.html").find("meta", attrs={"http-equiv": "Content-Security-Policy"})["content"]
    images = next(d for d in csp.split(";") if d.strip().startswith("img-src")).split()[1:]
    assert images == ["'self'", "data:", "https://huggingface.co", "https://*.huggingface.co",
                      "https://hf.co", "https://*.hf.co"]


def test_a_listing_of_one_message_says_one_message(tmp_path):
    board = tmp_path / "bucket" / "message_board"
    board.mkdir(parents=True)
    (board / "20260101-000000-000_solo.md").write_text("---\nagent: solo\ntype: note\n---\nHello\n")
    assert main(["build", "--source", str(tmp_path / "bucket"), "--out", str(tmp_path / "site")]) == 0
    listing = html.soup(tmp_path / "site" / "messages" / "agent" / "solo" / "index.html")
    assert html.text_of(listing.select_one("p.summary")).startswith("1 message, newest first.")


def test_relative_links_and_images_of_agent_text_point_into_the_bucket(site):
    bucket = "https://huggingface.co/buckets/demo-org/tinylm-collab"
    kickoff = html.soup(site / "messages" / "20260706-080210_human-mara_kickoff" / "index.html")
    hrefs = [a["href"] for a in kickoff.select(".body a")]
    assert f"{bucket}/tree/shared_resources/tps_bench/bench.py" in hrefs       # ../shared_resources/…
    plot = html.soup(site / "messages" / "20260711-124055-210_human-jonas" / "index.html")
    assert [img["src"] for img in plot.select(".body img")] == [
        f"{bucket}/resolve/artifacts/plots/acceptance-vs-k.png"]                # ../artifacts/…
    bio = html.soup(site / "agents" / "tessellate" / "index.html")
    assert [a["href"] for a in bio.select(".bio a:not(.anchor)")] == [
        f"{bucket}/tree/shared_resources/eagle_head_recipe_tessellate"]        # from agents/
    trace = html.soup(site / "traces" / "orbit-7" / "16a34bab-add2-43b4-a970-3c8cafafee09"
                      / "index.html")
    assert "/results/20260711-092133-145_orbit-7/" in [                        # ../../../results/…
        a["href"] for a in trace.select(".notes .markdown a")]                  # has a page: its page


def test_a_message_that_opens_with_a_heading_is_titled_by_it(site):
    """Not by its opening words run together ("Digest — day 6 (2026-07-11) Records today: …")."""
    page = html.soup(site / "messages" / "20260711-233609-714_ml-intern" / "index.html")
    assert html.text_of(page.select_one("main h1")) == "Digest — day 6 (2026-07-11)"
    assert html.text_of(page.select_one("title")).startswith("Digest — day 6 (2026-07-11) — ml-intern")
    feed = (site / "feeds" / "agents" / "ml-intern.xml").read_text(encoding="utf-8")
    assert "<title>ml-intern: Digest — day 6 (2026-07-11)</title>" in feed


def test_a_message_with_a_topic_is_titled_by_its_opening_heading_when_it_has_one(site):
    """A file's topic is a slug ("kickoff", "results-vllm-bf16-cudagraph"); the heading its text
    opens with is what the agent titled it. Shown once, on its page and in the feeds; listings
    still label the message with its topic."""
    page = html.soup(site / "messages" / "20260706-080210_human-mara_kickoff" / "index.html")
    title = "Welcome to the Fast Tiny-LM inference collab 👋"
    assert html.text_of(page.select_one("main h1")) == title
    assert title not in html.text_of(page.select_one(".body"))
    feed = (site / "feeds" / "agents" / "human-mara.xml").read_text(encoding="utf-8")
    assert f"<title>human-mara: {title}</title>" in feed
    listing = html.soup(site / "messages" / "agent" / "human-mara" / "index.html")
    assert "kickoff" in [html.text_of(p) for p in listing.select("p.topic")]
    plain = html.soup(site / "messages" / "20260708-002026_vireo_claim-ngram" / "index.html")
    assert html.text_of(plain.select_one("main h1")) == "claim ngram"      # no heading: the topic


def test_a_topic_that_only_says_the_type_again_does_not_title_its_message(site):
    """Sixteen messages of type status-update were titled "status update" by their file names
    ("..._status-update.md"): their tabs, search results and feed entries looked alike. Their
    opening words title them, as a message without a topic; the type still shows."""
    path = site / "messages" / "20260706-083232_orbit-7_status-update" / "index.html"
    page = html.soup(path)
    assert html.text_of(page.select_one("main h1")).startswith("orbit-7 online. Read the kickoff")
    assert "status-update" in [html.text_of(a) for a in page.select("a.type")]
    titles = [html.text_of(html.soup(p).select_one("main h1"))
              for p in (site / "messages").glob("*_status-update/index.html")]
    assert len(titles) == 16 and "status update" not in titles
    listing = html.soup(site / "messages" / "agent" / "orbit-7" / "index.html")
    assert "status update" not in [html.text_of(p) for p in listing.select("p.topic")]
    assert "hello" in [html.text_of(html.soup(p).select_one("main h1"))        # says more than
                       for p in (site / "messages").glob("*_hello/index.html")]   # its type


def test_a_reply_topic_reads_as_a_reply_subject(site):
    """"..._re-question-graph-capture-oom.md" was titled "re question graph capture oom"."""
    name = "20260706-125438_moth-9_re-question-graph-capture-oom"
    page = html.soup(site / "messages" / name / "index.html")
    assert html.text_of(page.select_one("main h1")) == "Re: question graph capture oom"
    assert html.text_of(page.select_one("title")).startswith("Re: question graph capture oom — moth-9")
    listing = html.soup(site / "messages" / "agent" / "moth-9" / "index.html")
    topics = [html.text_of(p) for p in listing.select("p.topic")]
    assert "Re: question graph capture oom" in topics
    assert not [t for t in topics if t.startswith("re ")]
    feed = (site / "feeds" / "agents" / "moth-9.xml").read_text(encoding="utf-8")
    assert "<title>moth-9: Re: question graph capture oom</title>" in feed


def test_a_message_titled_by_its_opening_words_does_not_show_them_twice(site):
    """A message with no heading and no topic is titled by its opening words, which its body
    then says again: the title stays for the tab, the feeds, the search and screen readers,
    hidden on screen. A title that is a heading or a topic shows."""
    hidden = shown = 0
    for path in sorted((site / "messages").glob("2*/index.html")):
        page = html.soup(path)
        title = page.select_one("main h1")
        def letters(node) -> str:                 # as written: the title parts table rows
            return "".join(html.text_of(node).removesuffix("…").replace("·", "").split())
        said_again = letters(page.select_one(".body")).startswith(letters(title))
        assert ("visually-hidden" in title.get("class", [])) == said_again, path
        hidden += said_again
        shown += not said_again
    assert hidden >= 100 and shown >= 100
    page = html.soup(site / "messages" / "20260708-174439-395_wren" / "index.html")
    assert html.text_of(page.select_one("title")).startswith("Repro of @orbit-7's")


def test_a_bio_that_opens_with_the_agents_name_does_not_repeat_it_under_the_name(site):
    named = 0
    for path in sorted((site / "agents").glob("*/index.html")):
        page = html.soup(path)
        name, bio = page.select_one("main h1"), page.select_one(".bio")
        first = bio.select_one(":scope > *, :scope > .markdown-heading > *") if bio else None
        assert first is None or html.text_of(first).casefold() != html.text_of(name).casefold()
        named += name.get("id") == f"user-content-{html.text_of(name)}"
    assert named == 2                                                 # kestrel and tessellate


def test_a_heading_that_titles_a_message_is_shown_once_and_keeps_its_anchor(site):
    """The page's title, not a second heading under it; links to the heading go to the title."""
    titled = 0
    for path in sorted((site / "messages").glob("2*/index.html")):
        page = html.soup(path)
        title = page.select_one("main h1")
        headings = [html.text_of(h) for h in page.select(".body :is(h2, h3, h4, h5, h6)")]
        assert html.text_of(title) not in headings, path
        if title.get("id", "").startswith("user-content-"):
            titled += 1
            assert not title.has_attr("data-pagefind-ignore")      # its one copy is searched
    assert titled >= 20
    page = html.soup(site / "messages" / "20260711-233609-714_ml-intern" / "index.html")
    assert page.select_one("main h1")["id"] == "user-content-digest--day-6-2026-07-11"
    assert html.text_of(page.select_one(".body > *")) == "Records today:"
    atom = "{http://www.w3.org/2005/Atom}"
    feed = ET.parse(site / "feeds" / "agents" / "ml-intern.xml").getroot()
    entry = feed.find(f"{atom}entry[{atom}title='ml-intern: Digest — day 6 (2026-07-11)']")
    assert entry.find(f"{atom}content").text.startswith("<p>Records today:</p>")


def test_the_messages_to_an_agent_are_those_that_mention_it_or_answer_it(site):
    """/messages/to/<agent>/ lists the messages of others whose page links the agent as a
    mention, or shows them answering one of its messages; the agent's page links there."""
    expected: dict[str, set[str]] = {}
    for page in sorted((site / "messages").glob("2*/index.html")):
        doc = html.soup(page)
        author = html.text_of(doc.select_one("article header a.author"))
        mentioned = {a["href"].strip("/").split("/")[-1] for a in doc.select(".body a.mention")}
        answered = {html.text_of(html.soup(site / a["href"].strip("/") / "index.html")
                                 .select_one("article header a.author"))
                    for a in doc.select("a.thread-link.parent")}
        for agent in (mentioned | answered) - {author}:
            expected.setdefault(agent, set()).add(f"/messages/{page.parent.name}/")
    listed = {}
    for listing in sorted((site / "messages" / "to").glob("*/index.html")):
        agent = listing.parent.name
        doc = html.soup(listing)
        assert html.text_of(doc.h1) == f"Messages to {agent}"
        assert "that mention" in html.text_of(doc.select_one("p.summary"))
        listed[agent] = {a["href"] for a in doc.select("ol.messages a.time")}
        profile = html.soup(site / "agents" / agent / "index.html")
        assert profile.select_one(f"a[href='/messages/to/{agent}/']")
        own = site / "messages" / "agent" / agent / "index.html"          # the two lead to each other
        assert bool(doc.select_one(f"p.summary a[href='/messages/agent/{agent}/']")) == own.exists()
        if own.exists():
            assert html.soup(own).select_one(f"p.summary a[href='/messages/to/{agent}/']")
    assert listed == expected and len(listed["kestrel"]) == 21


def test_the_message_archive_leads_to_each_day_where_its_newest_message_is_listed(site):
    """With 200 pages at 10,000 messages, a day was found by guessing page numbers. /messages/
    lists the days, newest first, with their numbers of messages; each leads to the page of its
    newest message, at the day's heading. Numbered pages, which must not change when a message
    is posted, do not list them."""
    latest = html.soup(site / "messages" / "index.html")
    days = [(html.text_of(li.a), li.a["href"], int(html.text_of(li.select_one(".muted"))))
            for li in latest.select("details.by-day li")]
    assert html.text_of(latest.select_one("details.by-day summary")) == f"Messages by day ({len(days)})"
    assert [d for d, _, _ in days][:2] == ["Sunday 12 July 2026", "Saturday 11 July 2026"]
    assert days[-1][0] == "Monday 6 July 2026" and len(days) == 7
    assert sum(n for _, _, n in days) == 300
    newest: dict[str, str] = {}                      # "2026-07-12": its newest message's id
    for path in sorted((site / "messages").glob("2026*/index.html")):
        newest[html.soup(path).select_one("p.meta time")["datetime"][:10]] = path.parent.name
    pages_seen = set()
    for day, href, count in days:
        path, _, anchor = href.partition("#")
        pages_seen.add(path)
        heading = html.soup(site / path.strip("/") / "index.html").find(id=anchor)
        assert heading is not None and heading.name == "h2" and day_of(heading) == day
        first = heading.find_parent("section").select_one("li.message-card a.time")
        assert first["href"] == f"/messages/{newest[anchor.removeprefix('day-')]}/", day
    assert "/messages/" in pages_seen and len(pages_seen) > 2
    numbered = sorted((site / "messages" / "page").glob("*/index.html"))
    assert not any(html.soup(p).select("details.by-day") for p in numbered)
    ids = [h["id"] for p in numbered for h in html.soup(p).select("h2.day-divider")]
    assert all(i.startswith("day-2026-07-") for i in ids)


@pytest.fixture(scope="module")
def eight_a_page(tmp_path_factory) -> Path:
    """The demo with 8 messages a page: an agent's listings have pages too."""
    return build_demo_with(tmp_path_factory.mktemp("eight-a-page"), "messages_per_page = 50",
                           "messages_per_page = 8")


def listed_messages(doc) -> list[str]:
    return [a["href"] for a in doc.select("li.message-card a.time")]


@pytest.mark.parametrize("size, listing", [
    (50, "messages/type/agent"), (8, "messages"), (8, "messages/agent/kestrel"),
    (8, "messages/to/kestrel")])
def test_older_on_the_latest_page_leads_to_the_newest_message_it_does_not_show(
        site, eight_a_page, size, listing):
    """/messages/type/agent/ (156 messages, 50 a page) shows the newest 50; its "Older" led to
    the top of a page that repeats 44 of them. It leads to the newest message the latest page
    leaves out, at its card."""
    site = eight_a_page if size == 8 else site
    latest = html.soup(site / listing / "index.html")
    shown = listed_messages(latest)
    page, _, anchor = latest.select_one("nav.pager a[rel=next]")["href"].partition("#")
    older = html.soup(site / page.strip("/") / "index.html")
    card = older.find(id=anchor)
    assert card is not None and "message-card" in card["class"]
    listed = listed_messages(older)
    at = listed.index(card.select_one("a.time")["href"])
    assert listed[at] not in shown and set(listed[:at]) <= set(shown)
    assert len(shown) == size and at > 0          # the latest page shows the ones above it
    for nav in latest.select("nav.pager"):       # it lists the older pages, not the one shown
        assert f"/{listing}/" not in [a["href"] for a in nav.select(".pages a")]


def day_of(heading) -> str:
    """The day a day's heading names, without what it says of the rest of the day."""
    return heading.find(string=True).strip()


def listing_pages(site: Path, listing: str) -> list[Path]:
    """A listing's pages, oldest first: its numbered pages, then its latest page."""
    numbered = sorted((site / listing / "page").glob("*/index.html"),
                      key=lambda p: int(p.parent.name))
    return [*numbered, site / listing / "index.html"]


def days_shown(path: Path) -> list[tuple[str, set[str], dict[str, str]]]:
    """A listing page's day groups, newest first: the ISO day, the messages, and the notes of
    its heading on the rest of the day ({"the older page": its link, ...})."""
    groups = []
    for section in html.soup(path).select("section.day"):
        times = [a.time["datetime"] for a in section.select("li.message-card a.time")]
        notes = {html.text_of(a): a["href"] for a in section.select("h2 small.day-split a")}
        groups.append((times[0][:10], set(listed_messages(section)), notes))
    return groups


@pytest.mark.parametrize("size, listing", [
    (50, "messages"), (50, "messages/type/agent"), (8, "messages"),
    (8, "messages/agent/copperhead"), (8, "messages/to/kestrel")])
def test_a_day_a_page_shows_in_part_says_where_it_goes_on(site, eight_a_page, size, listing):
    """"Thursday 09 July 2026: 51 messages" led to a page holding 38 of them, under the same
    heading as the page holding the rest, with no hint that the day goes on. The heading of a
    day a page shows in part says so, and leads to the rest: on the older page, and on the newer
    one once it is made (a numbered page must not change when a message is posted)."""
    site = eight_a_page if size == 8 else site
    pages = listing_pages(site, listing)
    shown = [days_shown(path) for path in pages]
    numbered = shown[:-1]
    for n, groups in enumerate(shown):
        here = {m for _, messages, _ in groups for m in messages}
        older_pages = numbered[:n] if n < len(numbered) else numbered
        newer_pages = numbered[n + 1:]
        for at, (day, messages, notes) in enumerate(groups):
            older = any(d == day and m - here for page in older_pages for d, m, _ in page)
            newer = any(d == day and m - here for page in newer_pages for d, m, _ in page)
            assert set(notes) == ({"the newer page"} if newer else set()) | (
                {"the older page"} if older else set()), (pages[n], day)
            assert (not older or at == len(groups) - 1) and (not newer or at == 0)
            for href in notes.values():                 # each leads to more of the day
                path, _, anchor = href.partition("#")
                target = site / path.strip("/") / "index.html"
                assert any(d == day and m - here for d, m, _ in days_shown(target))
                assert not anchor or html.soup(target).find(id=anchor)
    assert any(notes for groups in shown for _, _, notes in groups)


def pager_links(nav) -> dict[str, tuple[str, str]]:
    """A pager's links to pages, by address: what each says of its page, and its spoken name."""
    links = {}
    for a in nav.select("a[rel], .pages a"):
        days = a.select_one(".days") if a.get("rel") else a
        if days:
            links[a["href"].partition("#")[0]] = (html.text_of(days).strip("()"),
                                                  a.get("aria-label") or a["title"])
    return links


@pytest.mark.parametrize("listing", ["messages", "messages/type/agent"])
def test_no_pager_names_two_pages_alike_on_a_busy_day(eight_a_page, listing):
    """At 8 messages a page the demo's days fill five or six pages each, as 50 a page do at
    10,000 messages, and a pager read "9 Jul · 9 Jul · 9 Jul". A page that shares its day in a
    pager says its times (UTC), and each link's spoken name says its page and all it holds."""
    with_times = 0
    for path in listing_pages(eight_a_page, listing):
        for nav in html.soup(path).select("nav.pager"):
            links = pager_links(nav)
            shown = [text for text, _ in links.values()]
            assert len(set(shown)) == len(shown), (path, shown)
            for url, (text, name) in links.items():
                number = url.rstrip("/").rpartition("/")[2]
                assert name.startswith(f"page {number}, ") and text in name, (path, name)
                assert name.endswith(" UTC") == (":" in name), name
            with_times += sum(re.fullmatch(r"\d+ [A-Z][a-z]{2} \d\d:\d\d–\d\d:\d\d", text)
                              is not None for text in shown)
    assert with_times > 0


@pytest.mark.parametrize("listing, first, last", [
    ("messages", "Monday 6 July 2026", "Sunday 12 July 2026"),
    ("messages/agent/kestrel", "Monday 6 July 2026", "Friday 10 July 2026")])
def test_the_message_archive_draws_the_messages_of_each_day(site, listing, first, last):
    """The archive's days, and an agent's, as bars, oldest first, each leading where its day is
    listed (the listing's page of its newest message that day, at its heading); under them the
    span and the busiest day. Numbered pages do not draw them."""
    latest = html.soup(site / listing / "index.html")
    days = [(li.a["href"], int(html.text_of(li.select_one(".muted"))))
            for li in latest.select("details.by-day li")][::-1]
    bars = latest.select("figure.day-bars svg a")
    assert [a["href"] for a in bars] == [href for href, _ in days] and len(days) > 2
    heights = [float(a.rect["height"]) for a in bars]
    assert heights == [round(48 * n / max(n for _, n in days), 1) for _, n in days]
    busiest = max(days, key=lambda d: d[1])
    caption = latest.select_one("figure.day-bars figcaption")
    assert caption.get_text() == (f"Messages per day, {first} to {last}. The busiest: "
                                  f"{html.text_of(caption.a)}, {busiest[1]} messages.")
    assert caption.a["href"] == busiest[0]
    for href, count in days:
        path, _, anchor = href.partition("#")
        section = html.soup(site / path.strip("/") / "index.html").find(id=anchor).find_parent("section")
        assert section.select_one("li.message-card") is not None
        if listing != "messages":
            assert {html.text_of(a) for a in section.select("li.message-card a.author")} == {"kestrel"}
    assert not any(html.soup(p).select("figure.day-bars")
                   for p in (site / listing / "page").glob("*/index.html"))


def discussion(site: Path, opening: str) -> dict[str, tuple[str, str]]:
    """The messages of the discussion a message opens, as a reader finds them by following
    "Replies" from page to page (href: author, time)."""
    found: dict[str, tuple[str, str]] = {}
    todo = [opening]
    while todo:
        href = todo.pop()
        if href in found:
            continue
        doc = html.soup(site / href.strip("/") / "index.html")
        found[href] = (html.text_of(doc.select_one("article header a.author")),
                       doc.select_one("article header time")["datetime"])
        todo += [reply["href"] for reply in doc.select("a.thread-link.child")]
    return found


def test_the_archive_lists_the_discussions_with_the_most_messages_in_the_last_day(site):
    """The latest page of /messages/ lists the discussions (a message and the replies that
    descend from it, as its pages lead to them) with the most messages in the 24 hours to the
    newest message, each leading to its opening message and to its newest; the other listings
    do not. A digest citing three threads made them one, which claimed 22 messages by 12 agents
    for a message that 9 by 5 answer, and the digest as its newest."""
    latest = html.soup(site / "messages" / "index.html")
    section = latest.select_one("section.lively")
    until = section.select_one("p time")["datetime"]
    assert until == latest.select_one("li.message-card a.time time")["datetime"]
    items = section.select("ol > li")
    assert 1 < len(items) <= 5
    counts = []
    for li in items:
        opening, newest = li.find_all("a", recursive=False)
        words = re.fullmatch(r".+ by \S+ ?: (\d+) messages by (\d+) agents?, (\d+) in those 24 hours; "
                             r"the newest by .+", html.text_of(li))
        assert words, html.text_of(li)
        total, agents, recent = map(int, words.groups())
        assert 1 <= recent <= total and 2 <= total and 1 <= agents <= total
        counts.append((recent, total))
        messages = discussion(site, opening["href"])
        since = datetime.fromisoformat(until) - timedelta(days=1)
        assert (total, agents, recent) == (
            len(messages), len({a for a, _ in messages.values()}),
            sum(1 for _, t in messages.values() if datetime.fromisoformat(t) > since))
        assert newest["href"] == max(messages, key=lambda m: messages[m][1])
        first = html.soup(site / opening["href"].strip("/") / "index.html")
        assert html.text_of(opening) in html.text_of(first.find("title"))
        assert newest.time["datetime"] <= until
        assert (site / newest["href"].strip("/") / "index.html").exists()
        if total == 2:                   # the newest answers the opening
            assert first.select_one(f'a[href="{newest["href"]}"]') is not None
    assert counts == sorted(counts, reverse=True)           # most in the day, then the larger
    others = [*(site / "messages" / "page").glob("*/index.html"),
              site / "messages" / "agent" / "kestrel" / "index.html"]
    assert not any(html.soup(p).select("section.lively") for p in others)


def _written_to(site: Path) -> dict[tuple[str, str], int]:
    """(writer, addressee): how many of the writer's messages each "Messages to" listing lists."""
    counts: dict[tuple[str, str], int] = {}
    for listing in (site / "messages" / "to").glob("*/index.html"):
        addressee = listing.parent.name
        pages = [listing, *listing.parent.glob("page/*/index.html")]
        ids = {a["href"] for p in pages for a in html.soup(p).select("li.message-card a.time")}
        for message in ids:
            writer = html.text_of(html.soup(site / message.strip("/") / "index.html")
                                  .select_one("p.meta a.author"))
            counts[writer, addressee] = counts.get((writer, addressee), 0) + 1
    return counts


def test_the_roster_and_the_profiles_say_who_writes_to_whom(site):
    """How agents relate: the roster gives the pairs of agents that wrote to each other most, a
    profile and an agent's listing whom it writes to most, the listing of messages to an agent
    whom it hears from most: as many messages as the "Messages to" listings list."""
    counts = _written_to(site)
    roster = html.soup(site / "agents" / "index.html")
    assert html.text_of(roster.select_one("#pairs-title")) == "Who writes to whom"
    pairs = roster.select("ol.pairs li")
    assert len(pairs) == 12
    totals = []
    for li in pairs:
        first, second = (html.text_of(a) for a in li.select("a"))
        ab, ba = counts.get((first, second), 0), counts.get((second, first), 0)
        said = " ".join(li.get_text().split())
        assert ab >= ba > 0 or (ab > 0 and ba == 0 and said == f"{first} to {second}: {ab} messages")
        assert f": {ab + ba} messages" in said
        totals.append(ab + ba)
    both = {}
    for (a, b), n in counts.items():
        both[frozenset((a, b))] = both.get(frozenset((a, b)), 0) + n
    assert totals == sorted(both.values(), reverse=True)[:12]
    assert " ".join(pairs[0].get_text().split()) == \
        "ferrite and sparkle-2: 9 messages (5 from ferrite, 4 from sparkle-2)"

    def shown(path: Path, label: str) -> list[tuple[str, int]]:
        line = next(p for p in html.soup(path).select("p") if html.text_of(p).startswith(label))
        return [(html.text_of(a), int(a.next_sibling.strip(" (),")))
                for a in line.select("a")]
    writes = shown(site / "agents" / "kestrel" / "index.html", "Writes most to:")
    expected = sorted(((b, n) for (a, b), n in counts.items() if a == "kestrel"),
                      key=lambda bn: (-bn[1], bn[0]))[:5]
    assert writes == expected == shown(site / "messages" / "agent" / "kestrel" / "index.html",
                                       "Writes most to:")
    heard = shown(site / "messages" / "to" / "kestrel" / "index.html", "Most often from:")
    assert heard == sorted(((a, n) for (a, b), n in counts.items() if b == "kestrel"),
                           key=lambda an: (-an[1], an[0]))[:5]


def test_the_message_archive_lists_its_agents_and_marks_the_listing_shown(site):
    """/messages/ leads to each agent's messages, with how many there are; the type (or "all")
    a listing shows is marked among the types. A numbered page does not list the agents: it
    must not change when a message is posted."""
    latest = html.soup(site / "messages" / "index.html")
    authors = latest.select("details.by-agent li")
    counted = {html.text_of(li.a): (li.a["href"], html.text_of(li.select_one(".muted")))
               for li in authors}
    assert len(counted) == len(authors) >= 30
    for agent, (href, count) in counted.items():
        profile = html.soup(site / "agents" / agent / "index.html")
        assert html.text_of(profile.select_one("#msg-title")) == f"Messages ({count})"
        listing = html.soup(site / href.strip("/") / "index.html")
        assert html.text_of(listing.h1) == f"Messages by {agent}"
    total = html.text_of(latest.select_one("p.summary")).split()[0]
    assert sum(int(c) for _, c in counted.values()) == int(total) == 300
    numbered = sorted((site / "messages" / "page").glob("*/index.html"))
    assert numbered and not any(html.soup(p).select("details.by-agent") for p in numbered)

    def current(path: Path) -> list[str]:
        return [html.text_of(a) for a in html.soup(path).select("nav.filters a[aria-current]")]
    assert current(site / "messages" / "index.html") == ["all"]
    assert current(numbered[0]) == ["all"]
    assert current(site / "messages" / "type" / "claim" / "index.html") == ["claim"]
    assert current(site / "messages" / "agent" / "kestrel" / "index.html") == []


def test_taskforces_list_their_titles_members_and_leads(site):
    page = html.soup(site / "taskforces" / "index.html")
    cards = page.select("section.taskforce")
    assert [html.text_of(c.h2) for c in cards] == ["quantisation vs the ppl guard", "speculative decoding"]
    members = " ".join(cards[1].select_one("p.members").get_text().split())
    assert members == "Members: orbit-7 (lead), tessellate, sparkle-s9, copperhead, vireo"
    for card in cards:
        for _, href in html.links(card, "p.members a"):
            assert (site / href.strip("/") / "index.html").exists()
    assert html.text_of(cards[1].select_one("p.meta")) == "1 file besides its charter · cited in 1 message"
    assert html.text_of(cards[0].select_one("p.excerpt")).startswith("We track the ppl budget")


def test_a_taskforce_page_shows_its_charter_files_and_the_messages_citing_it(site):
    page = html.soup(site / "taskforces" / "speculative-decoding" / "index.html")
    assert html.text_of(page.h1) == "speculative decoding"
    charter = page.select_one("section.markdown")
    assert "Rules of thumb we agreed on" in html.text_of(charter)
    assert "Members" not in html.text_of(charter)      # shown once, above it, with the leads
    assert charter.find(["h1", "h2"]) is None           # its title heading titles the page
    bucket = "https://huggingface.co/buckets/demo-org/tinylm-collab/tree/taskforces/speculative-decoding"
    assert (page.select_one("ul.files").get_text().strip(), page.select_one("ul.files a")["href"]) == (
        "acceptance.md ↗", bucket + "/acceptance.md")
    cited = page.select("ol.messages li")
    assert len(cited) == 1 and cited[0].a["href"] == "/messages/20260709-181314-767_orbit-7/"
    assert page.select_one("article")["data-pagefind-filter"] == "facet:kind:taskforce"
    message = html.soup(site / "messages" / "20260709-181314-767_orbit-7" / "index.html")
    assert ("", "/taskforces/speculative-decoding/") in html.links(message, "article a")


def test_agents_lead_to_their_taskforces(site):
    orbit = html.soup(site / "agents" / "orbit-7" / "index.html")
    item = next(div for div in orbit.select("dl.profile > div") if html.text_of(div.dt) == "Taskforces")
    assert " ".join(item.dd.get_text().split()) == "speculative decoding (lead)"
    assert item.dd.a["href"] == "/taskforces/speculative-decoding/"
    kestrel = html.soup(site / "agents" / "kestrel" / "index.html")
    assert "Taskforces" not in [html.text_of(dt) for dt in kestrel.select("dl.profile dt")]
    roster = html.soup(site / "agents" / "index.html")
    assert ("", "/taskforces/") in html.links(roster, "main a")


def test_the_buckets_readme_is_the_about_page_and_the_menu_leads_to_it(site):
    page = html.soup(site / "about" / "index.html")
    assert html.text_of(page.select_one("main h1")) == "Fast Tiny-LM inference — agent collaboration"
    body = page.select_one("main .markdown")
    assert body.find("h1") is None and "Layout" in [html.text_of(h) for h in body.select("h2")]
    assert "Verification" in html.text_of(body.select_one("table"))
    assert page.select_one("main a[href$='/tree/README.md']") is not None
    for path in ("index.html", "messages/index.html", "agents/kestrel/index.html"):
        menu = html.soup(site / path).select_one("header nav")
        assert ("", "/about/") in html.links(menu), path


def test_a_bucket_without_a_readme_has_no_about_page(tmp_path):
    bucket = tmp_path / "bucket"
    shutil.copytree(DEMO, bucket)
    (bucket / "README.md").unlink()
    out = build(tmp_path, "--source", str(bucket))
    assert not (out / "about").exists()
    assert "/about/" not in [href for _, href in html.links(html.soup(out / "index.html"))]


CORPUS = REPO.parent / "shared" / "agent-collab-corpus"


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the shared agent corpus is not beside this checkout")
def test_a_real_buckets_readme_reads_as_on_the_hub(tmp_path):
    """The central README of a real collaboration: its sections, tables and code, and its table of
    contents' links to its own sections."""
    out = build(tmp_path, "--source", str(CORPUS / "gemma-main-bucket"))
    page = html.soup(out / "about" / "index.html")
    assert html.text_of(page.select_one("main h1")) == "Efficient Gemma -- Multi-Agent Collaboration Workspace"
    text = (CORPUS / "gemma-main-bucket" / "README.md").read_text(encoding="utf-8")
    prose = re.sub(r"^```.*?^```", "", text, flags=re.S | re.M)
    body = page.select_one("main .markdown")
    assert len(body.select("h2")) == len(re.findall(r"^## ", prose, flags=re.M))
    assert len(body.select("table")) >= 3 and len(body.select("pre")) >= 10
    targets = [href for cls, href in html.links(body) if href.startswith("#") and cls != "anchor"]
    ids = {element["id"] for element in page.select("[id]")}
    assert len(targets) == 13 and [t for t in targets if t[1:] not in ids] == []


def test_a_score_column_sorts_the_best_first_on_its_first_click_either_way(site, tmp_path):
    """table.js sorts a column by its header's data-first-sort on the first click: the best
    score first whichever way is better, the newest date first."""
    lower = build_demo_with(tmp_path, 'direction = "higher"', 'direction = "lower"')
    for built, first in ((site, "desc"), (lower, "asc")):
        for page, table in (("index.html", "#lb-best"), ("results/index.html", "#results-all")):
            heads = html.soup(built / page).select_one(table).select("th[data-key]")
            said = {th["data-key"]: th.get("data-first-sort") for th in heads}
            assert (said["score"], said["date"]) == (first, "desc"), (built, page)
        roster = html.soup(built / "agents" / "index.html")
        assert roster.select_one("#roster th[data-key=best]")["data-first-sort"] == first


def test_a_build_without_a_config_here_says_so(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["build", "--out", str(tmp_path / "site")]) == 0
    assert capsys.readouterr().err.startswith(
        "no collab.toml here: building with the defaults, from the bucket folder 'demo-bucket' "
        "(`collab-site init` writes one; --config names another)")
# ---------------------------------------------------------------- head: what a page says of itself

BASE = "https://demo-org-tinylm-collab.static.hf.space"


def head(path: Path) -> dict[str, str]:
    """A page's description, its Open Graph and Twitter tags, its canonical address and robots.
    (Only the head is parsed: the tests that read every page's head parsed the whole site.)"""
    text = path.read_text(encoding="utf-8")
    end = text.find("</head>")
    doc = html.soup(text if end < 0 else text[:end + len("</head>")])
    tags = {m.get("name") or m.get("property"): m.get("content", "")
            for m in doc.select("head meta[name], head meta[property]")}
    canonical = doc.select_one("head link[rel=canonical]")
    return {**tags, "canonical": canonical["href"] if canonical else None,
            "title": html.text_of(doc.title)}


def pages_of(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.html") if not p.relative_to(site).parts[0] == "pagefind")


def test_every_page_describes_itself_for_link_previews(site):
    """og:description says what the description says, in at most ~200 characters cut after a
    word; every page has a type and a summary card, and (the demo's base URL names a host) its
    absolute address, the same as its canonical."""
    tagline = head(site / "index.html")["description"]
    for path in pages_of(site):
        tags, name = head(path), path.relative_to(site).as_posix()
        assert tags["description"] and tags["og:description"] == tags["description"], name
        assert len(tags["description"]) <= 200, name
        assert not tags["description"].endswith(" …"), name
        assert tags["og:type"] in ("website", "article"), name
        assert tags["twitter:card"] == ("summary_large_image" if name == "index.html" else "summary")
        if name in ("404.html", "build/index.html"):
            continue
        assert tags["canonical"].startswith(BASE + "/") and tags["og:url"] == tags["canonical"], name
        if name != "index.html":
            assert tags["description"] != tagline, name


def test_the_home_page_keeps_the_tagline(site):
    tags = head(site / "index.html")
    assert tags["description"] == "Thirty agents push decode throughput of a tiny language model, in the open."
    assert tags["canonical"] == tags["og:url"] == BASE + "/" and tags["og:type"] == "website"


def test_a_link_to_the_home_page_previews_the_chart(site):
    """Pasted into a chat, the home page's link shows the chart as a large picture: an absolute
    address of a PNG as wide and high as the tags say, new whenever the chart changes."""
    tags = head(site / "index.html")
    url = tags["og:image"]
    assert url.startswith(BASE + "/data/chart.png?v=") and tags["twitter:card"] == "summary_large_image"
    png = (site / "data" / "chart.png").read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    size = struct.unpack(">II", png[16:24])              # the IHDR chunk's width and height
    assert size == (int(tags["og:image:width"]), int(tags["og:image:height"]))
    assert size == (1200, 630)           # what previews show (1.91:1): they cropped its sides
    assert url.endswith(hashlib.sha256(png).hexdigest()[:10])
    assert tags["og:image:alt"].startswith("Throughput over time: 70 scored results from 26 agents")
    assert all("og:image" not in head(p) for p in pages_of(site) if p.name != "index.html"
               or p.parent != site)


def test_no_preview_picture_without_a_host_to_name_it_by(demo_with):
    out = demo_with(f'base_url = "{BASE}/"', 'base_url = "/sub/"')
    tags = head(out / "index.html")
    assert "og:image" not in tags and tags["twitter:card"] == "summary"


def test_a_message_is_described_by_the_excerpt_its_listing_shows(site):
    """Pasted into a chat, a message's link previews its own words, as the archive shows them."""
    listing = html.soup(site / "messages" / "index.html")
    cards = listing.select("ol.messages li")
    assert len(cards) > 10
    for card in map(copy.copy, cards):                   # the page's tree is shared (html.soup)
        more = card.select_one("a.more")
        url = more.extract()["href"]                      # "read …": the link, not the excerpt
        excerpt = html.text_of(card.select_one("p.excerpt"))
        tags = head(site / url.strip("/") / "index.html")
        assert tags["og:type"] == "article" and tags["canonical"] == BASE + url
        assert excerpt.startswith(tags["description"].removesuffix("…")), url
    descriptions = {head(p)["description"] for p in (site / "messages").glob("2*/index.html")}
    assert len(descriptions) > 250                         # the demo's 300 messages, each its own


def test_a_result_is_described_by_its_score_agent_standing_method_and_description(site):
    tags = head(site / "results" / "20260711-200619-726_halcyon" / "index.html")
    assert tags["description"].startswith(
        "541.273 tok/s by halcyon (rank 1 on the leaderboard, a new best when posted). "
        "tree-w2-k6-persistent-decode. TinyLM-1.1B-instruct on l4-small")
    assert tags["description"].endswith("…") and tags["og:type"] == "article"
    assert tags["og:url"] == BASE + "/results/20260711-200619-726_halcyon/"


def test_an_agent_is_described_by_its_model_harness_and_best(site):
    tags = head(site / "agents" / "kestrel" / "index.html")
    assert tags["description"].startswith(
        "kestrel: model sonnet-4.5, harness claude-code. Best 488.905 tok/s, rank ")
    assert "3 results, 20 messages. Kernel-level profiling" in tags["description"]


def test_a_trace_is_described_by_its_session_and_its_notes(site):
    first = head(site / "traces" / "wren" / "aider-20260711-2140" / "index.html")
    assert first["description"] == (
        "Session aider-20260711-2140 of wren: aider, anthropic/claude-sonnet-4-5, 2026-07-11. "
        "Re-rolled the persistent-decode stack with aider driving a shell loop; no token counts "
        "from this harness.")
    assert first["og:type"] == "article"
    counted = head(site / "traces" / "halcyon" / "b9d5ed54-5a87-41d0-a40b-2eea599103a5" / "index.html")
    assert "9,471,727 tokens reported, 211 tool calls" in counted["description"]


def test_listings_say_what_they_list(site):
    expected = {
        "messages/index.html": "All messages, newest first (300 messages). On this page: ",
        "messages/page/1/index.html": "All messages, newest first. On this page: 2026-07-06",
        "messages/agent/kestrel/index.html": "Messages by kestrel, newest first (20 messages). ",
        "messages/to/kestrel/index.html": "Messages that mention kestrel or answer its messages, ",
        "results/index.html": "Every result posted, newest first, with its score, agent, method "
                              "and verification (81 results).",
        "agents/index.html": "The 31 agents and 2 people of the collaboration",
        "traces/index.html": "The agents' shared work sessions: 7 sessions of 7 agents",
        "taskforces/index.html": "The collaboration's 2 taskforces",
        "search/index.html": "Search the collaboration's messages, results, agents, people, traces and taskforces",
    }
    for name, start in expected.items():
        assert head(site / name)["description"].startswith(start), name


def test_the_404_and_build_report_pages_are_not_indexed(site):
    for name in ("404.html", "build/index.html"):
        tags = head(site / name)
        assert tags.get("robots") == "noindex", name
        assert tags["canonical"] is None and "og:url" not in tags, name
    others = [p for p in pages_of(site) if p.name != "404.html" and p.parent.name != "build"]
    assert all("robots" not in head(p) for p in others[::25])


def test_a_page_that_repeats_a_numbered_page_gives_its_address_and_others_their_own(site):
    assert head(site / "messages" / "index.html")["canonical"] == BASE + "/messages/page/6/"
    assert head(site / "messages" / "index.html")["og:url"] == BASE + "/messages/page/6/"
    assert head(site / "messages" / "page" / "2" / "index.html")["canonical"] == BASE + "/messages/page/2/"


def test_a_description_is_escaped_text_made_of_agent_words(tmp_path):
    """A message's words reach the head as text in an attribute: quotes and markup stay words."""
    bucket = tmp_path / "bucket"
    shutil.copytree(DEMO, bucket)
    (bucket / "message_board" / "20991231-235959-000_kestrel.md").write_text(
        '---\ntype: agent\nagent: kestrel\ntimestamp: 2099-12-31 23:59 UTC\n---\n\n'
        'Quote " and <b>bold</b> <script>alert(1)</script> end.\n', encoding="utf-8")
    out = build(tmp_path, "--source", str(bucket))
    page = out / "messages" / "20991231-235959-000_kestrel" / "index.html"
    said = 'Quote " and bold <script>alert(1)</script> end.'      # the tag as words, as shown
    assert head(page)["description"] == head(page)["og:description"] == said
    assert ('<meta name="description" content="Quote &#34; and bold &lt;script&gt;alert(1)'
            '&lt;/script&gt; end.">') in page.read_text(encoding="utf-8")


def test_a_base_url_without_a_host_gives_no_address_a_preview_cannot_read(demo_with):
    """og:url must be absolute: with no host it is left out, as is a page's canonical of itself;
    a latest page still names the numbered page it repeats, under the site's path."""
    out = demo_with(f'base_url = "{BASE}/"', 'base_url = "/sub/"')
    for path in pages_of(out)[::10]:
        tags = head(path)
        assert "og:url" not in tags and tags["og:description"] == tags["description"], path
    assert head(out / "messages" / "20260706-082259_kestrel_hello" / "index.html")["canonical"] is None
    assert head(out / "messages" / "index.html")["canonical"] == "/sub/messages/page/6/"


def test_a_new_message_changes_no_page_by_its_head_alone(tmp_path):
    """The cron bar: a page's description is made of its own content, so a new message changes
    the head of no page whose content it leaves as it was."""
    bucket = tmp_path / "bucket"
    shutil.copytree(DEMO, bucket)
    out = build(tmp_path, "--source", str(bucket))
    before = {p.relative_to(out).as_posix(): p.read_text(encoding="utf-8") for p in pages_of(out)}
    newest = sorted((bucket / "message_board").glob("2*.md"))[-1].stem
    (bucket / "message_board" / "20991231-235959-000_kestrel.md").write_text(
        f"---\ntype: agent\nrefs:\n- {newest}.md\nagent: kestrel\ntimestamp: 2099-12-31 23:59 UTC\n"
        "---\n\nA new message.\n", encoding="utf-8")
    build(tmp_path, "--source", str(bucket))
    changed = [name for name, text in before.items() if (out / name).read_text(encoding="utf-8") != text]
    assert changed
    for name in changed:
        bodies = [html.soup(text).body for text in (before[name], (out / name).read_text(encoding="utf-8"))]
        assert bodies[0] != bodies[1], f"{name} changed in its head alone"


def test_an_agents_trace_without_token_counts_says_so(site):
    traces = html.text_of(html.soup(site / "agents" / "wren" / "index.html").select_one(
        "section[aria-labelledby=tr-title]"))
    assert "no token counts reported" in traces and "— tokens" not in traces



@pytest.mark.parametrize("title, words", [("Plan", "plan"), ("🚀 Plan — v2", "plan-v2")])
def test_a_link_to_the_heading_that_titles_a_page_leads_to_the_title(tmp_path, title, words):
    """A message's and the README's opening heading titles its page (a result's is under its
    score): the body's links to it (`#plan`) and to its sections land, and no id is twice."""
    body = f"# {title}\n\n[top](#{words})\n\n## Steps\n[s](#steps)\n"
    bucket = tmp_path / "bucket"
    for folder in ("message_board", "results"):
        (bucket / folder).mkdir(parents=True)
    (bucket / "message_board" / "20260710-000000-000_wren.md").write_text(
        "---\nagent: wren\ntype: plan\ntimestamp: 2026-07-10 00:00 UTC\n---\n\n" + body, encoding="utf-8")
    (bucket / "results" / "20260710-000000-000_wren.md").write_text(
        "---\ntps: 300\nstatus: agent-run\nagent: wren\ntimestamp: 2026-07-10 00:00 UTC\n---\n\n" + body,
        encoding="utf-8")
    (bucket / "README.md").write_text(body, encoding="utf-8")
    out = tmp_path / "site"
    assert main(["build", "--config", str(REPO / "collab.toml"), "--source", str(bucket),
                 "--out", str(out)]) == 0
    assert check_site(out) == []
    for page, heading in (("messages/20260710-000000-000_wren", "h1"), ("about", "h1"),
                          ("results/20260710-000000-000_wren", ".body h2")):
        soup = html.soup(out / page / "index.html")
        top, steps = soup.select(".markdown a[href^='#']:not(.anchor)")[:2]
        assert top["href"] == "#" + soup.select_one(f"main {heading}")["id"], page
        assert html.text_of(soup.find(id=top["href"][1:])).endswith(title.split()[-1]), page
        assert html.text_of(soup.find(id=steps["href"][1:])) == "Steps", page


def test_a_messages_sections_sit_right_under_the_heading_that_titles_it(tmp_path):
    """"# Plan" titles its message as the page's <h1>: its "## Steps" is an <h2> after it, not
    an <h3> with no <h2> before (screen readers list headings by level)."""
    bucket = tmp_path / "bucket"
    (bucket / "message_board").mkdir(parents=True)
    (bucket / "message_board" / "20260710-000000-000_wren.md").write_text(
        "---\nagent: wren\ntype: plan\ntimestamp: 2026-07-10 00:00 UTC\n---\n\n"
        "# Plan\n\nWhat we do.\n\n## Steps\n\nFirst.\n\n### Detail\n\nMore.\n\n## Risks\n",
        encoding="utf-8")
    out = tmp_path / "site"
    assert main(["build", "--config", str(REPO / "collab.toml"), "--source", str(bucket),
                 "--out", str(out)]) == 0
    main_part = html.soup(out / "messages" / "20260710-000000-000_wren" / "index.html").main
    headings = [(h.name, html.text_of(h)) for h in main_part.select("h1, h2, h3, h4")
                if html.text_of(h) in ("Plan", "Steps", "Detail", "Risks")]
    assert headings == [("h1", "Plan"), ("h2", "Steps"), ("h3", "Detail"), ("h2", "Risks")]


def demo_message_ids() -> list[str]:
    return sorted(p.stem for p in (DEMO / "message_board").glob("2*.md"))


def walk_links(site: Path, message_id: str) -> dict[str, str]:
    """The older and newer links of a message's page, by class."""
    nav = parse(site / "messages" / message_id / "index.html").soup.find(
        "nav", attrs={"aria-label": "Older and newer messages"})
    return {a["class"][0]: a["href"] for a in nav.find_all("a") if a.get("rel")}


def test_a_message_page_leads_to_the_messages_posted_before_and_after_it(site):
    ids = demo_message_ids()
    assert walk_links(site, ids[10]) == {"older": f"/messages/{ids[9]}/",
                                         "newer": f"/messages/{ids[11]}/"}
    assert walk_links(site, ids[0]) == {"newer": f"/messages/{ids[1]}/"}
    newest = parse(site / "messages" / ids[-1] / "index.html").soup
    assert walk_links(site, ids[-1]) == {"older": f"/messages/{ids[-2]}/"}
    assert "The newest message" in newest.find("nav", class_="walk").get_text()


def test_search_engines_find_every_message_and_page_in_the_sitemaps(site):
    """robots.txt names the sitemap index and the messages' feed (the newest messages, while
    their block of the sitemap is not full); together they list every message."""
    origin = "https://demo-org-tinylm-collab.static.hf.space"
    robots = (site / "robots.txt").read_text()
    assert f"Sitemap: {origin}/sitemap.xml" in robots and f"Sitemap: {origin}/feeds/messages.xml" in robots
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "a": "http://www.w3.org/2005/Atom"}
    parts = [loc.text for loc in ET.parse(site / "sitemap.xml").getroot().findall("s:sitemap/s:loc", ns)]
    listed = [loc.text for part in parts
              for loc in ET.parse(site / urlsplit(part).path.lstrip("/")).getroot().findall("s:url/s:loc", ns)]
    feed = [a.get("href") for a in ET.parse(site / "feeds" / "messages.xml").getroot()
            .findall("a:entry/a:link", ns)]
    messages = {f"{origin}/messages/{i}/" for i in demo_message_ids()}
    assert messages <= set(listed) | set(feed)
    assert {f"{origin}/", f"{origin}/agents/kestrel/"} <= set(listed)
    assert len(listed) == len(set(listed)) and check_site(site) == []


def test_no_message_fills_both_a_page_of_the_archive_and_a_block_of_the_sitemap():
    """Each fill costs its cron run two files (a page or block added, the one before it or the
    index changed): both came with every 50th message, 22 files for a budget of 20. The
    newest messages, in no full block yet, are all in the messages' feed."""
    from builder.config import LimitsConfig
    from builder.feeds import FEED_SIZE
    from builder.pages.paging import paged_listing
    from builder.pages.sitemap import MESSAGES_PER_SITEMAP, full_blocks

    def fills(count_of):
        return {n for n in range(1, 501) if count_of(n) > count_of(n - 1)}

    per_page = LimitsConfig().messages_per_page
    pages = fills(lambda n: len(paged_listing(range(n), per_page, str)))
    blocks = fills(lambda n: len(full_blocks(range(n), MESSAGES_PER_SITEMAP)))
    assert len(pages) >= 9 and len(blocks) >= 9 and not pages & blocks
    for n in range(500):
        listed = sum(len(block) for block in full_blocks(range(n), MESSAGES_PER_SITEMAP))
        assert n - listed <= FEED_SIZE


def test_a_site_without_a_host_has_no_sitemap(demo_with):
    """A sitemap lists absolute addresses: with a base_url that names no host there is none."""
    out = demo_with('base_url = "https://demo-org-tinylm-collab.static.hf.space/"', 'base_url = "/"')
    assert not (out / "sitemap.xml").exists() and not (out / "robots.txt").exists()
    assert (out / "messages" / "index.html").exists()


def test_a_site_under_a_path_has_a_sitemap_to_submit_and_no_robots_txt(tmp_path, capsys):
    """Crawlers read robots.txt at the root of the host only: a site under /sub/ gets none (it
    would be ignored), keeps its sitemap of absolute addresses, and the build report and check
    say to submit the sitemap instead; check finds a robots.txt left there."""
    sub = "https://demo-org-tinylm-collab.static.hf.space/sub/"
    out = build_demo_with(tmp_path, 'base_url = "https://demo-org-tinylm-collab.static.hf.space/"',
                          f'base_url = "{sub}"')
    assert not (out / "robots.txt").exists()
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    parts = [loc.text for loc in ET.parse(out / "sitemap.xml").getroot().findall("s:sitemap/s:loc", ns)]
    assert parts and all(part.startswith(sub + "sitemaps/") for part in parts)
    report = parse(out / "build" / "index.html").soup
    notes = [html.text_of(tr) for tr in report.select("table.notes tbody tr")]
    assert any("site.base_url" in note and f"submit {sub}sitemap.xml to search engines" in note
               for note in notes)
    capsys.readouterr()
    assert main(["check", "--config", str(tmp_path / "collab.toml"), "--out", str(out)]) == 0
    said = capsys.readouterr().out
    assert "the site is under /sub/, where crawlers read no robots.txt; submit its sitemap.xml" in said
    (out / "robots.txt").write_text(f"User-agent: *\nSitemap: {sub}sitemap.xml\n")
    assert check_site(out, base="/sub/") == [
        "robots.txt: crawlers read robots.txt only at the root of the host, never /sub/robots.txt; "
        "submit sitemap.xml to search engines instead"]


def test_check_finds_a_robots_txt_naming_a_sitemap_by_a_path(tmp_path, site):
    copy = tmp_path / "site"
    shutil.copytree(site, copy)
    (copy / "robots.txt").write_text("User-agent: *\nSitemap: /sitemap.xml\n")
    assert check_site(copy) == ["robots.txt: Sitemap /sitemap.xml is not an absolute address"]


def test_check_finds_a_sitemap_address_that_leads_nowhere(tmp_path, site):
    copy = tmp_path / "site"
    shutil.copytree(site, copy)
    pages = copy / "sitemaps" / "pages.xml"
    pages.write_text(pages.read_text().replace("/agents/kestrel/", "/agents/nobody/"))
    assert check_site(copy) == ["sitemaps/pages.xml: lists https://demo-org-tinylm-collab.static.hf.space"
                                "/agents/nobody/, which is not a file of the site"]


@pytest.mark.parametrize("page, feed", [
    ("messages/index.html", "/feeds/messages.xml"),
    ("messages/page/1/index.html", "/feeds/messages.xml"),
    ("results/index.html", "/feeds/results.xml"),
    ("messages/agent/halcyon/index.html", "/feeds/agents/halcyon.xml"),
    ("agents/halcyon/index.html", "/feeds/agents/halcyon.xml"),
])
def test_a_listing_says_where_to_subscribe_to_what_it_lists(site, page, feed):
    """The feeds were named only in the footer, in small type ("records feed"): the archive of
    messages or results said nothing of them, nor did an agent's messages."""
    links = html.soup(site / page).select("main a[type='application/atom+xml']")
    assert [a["href"] for a in links] == [feed]
    assert html.text_of(links[0]).startswith("Subscribe")
    assert (site / feed.lstrip("/")).is_file()


def test_the_home_page_offers_its_three_feeds(site):
    feeds = html.soup(site / "index.html").select_one("main p.feeds")
    assert html.text_of(feeds).startswith("Subscribe")
    hrefs = [a["href"] for a in feeds.select("a")]
    assert hrefs == ["/feeds/messages.xml", "/feeds/results.xml", "/feeds/records.xml"]
    assert all((site / h.lstrip("/")).is_file() for h in hrefs)


def test_the_headlines_counts_lead_to_what_they_count(site):
    """The best score and the leader were links, the counts beside them in the same tiles were
    not: "Messages 300" led nowhere."""
    headline = html.soup(site / "index.html").select_one(".headline")
    counts = headline.select(":is(.count-agents, .count-results, .count-messages) > a")
    assert [(html.text_of(a), a["href"]) for a in counts] == [
        ("31", "/agents/"), ("81", "/results/"), ("300", "/messages/")]


@pytest.mark.parametrize("page", ["index.html", "agents/halcyon/index.html", "messages/index.html"])
def test_a_messages_type_leads_to_the_messages_of_that_type_wherever_it_is_shown(site, page):
    """The same pill ("claim", "status-update") led to the messages of its type in the archive
    and on a message's page, and nowhere on the home page or an agent's page."""
    pills = html.soup(site / page).select("main .type")
    assert pills                                          # the default type "agent" has none
    assert {(p.name, p.get("href")) for p in pills} == {
        ("a", f"/messages/type/{html.text_of(p)}/") for p in pills}


def test_a_message_without_replies_shows_no_replies_section(site):
    """An empty "Replies (0)" box says nothing: only a message with replies has the section."""
    with_replies = without = 0
    for path in sorted((site / "messages").glob("2*/index.html")):
        doc = html.soup(path)
        answered = [c for c, _ in html.links(doc) if "child" in c]
        section = doc.find("section", class_="children")
        assert (section is not None) == bool(answered), path
        assert "No replies" not in doc.get_text()
        with_replies += bool(answered)
        without += not answered
    assert with_replies and without


def test_pages_say_no_internal_words_of_the_server(site):
    """"via raw", "via bucket", "agent-run" or "adapter 1" mean nothing to a visitor: a message
    says how it came in only when it came from the dashboard or the server, a result its status
    in words, a trace page its harness alone."""
    messages = [html.soup(p) for p in sorted((site / "messages").glob("2*/index.html"))]
    metas = [html.text_of(doc.find("p", class_="meta")) for doc in messages]
    assert not [m for m in metas if re.search(r"\bvia\b|\braw\b|\bbucket\b", m)]
    assert any("posted from the dashboard" in m for m in metas)
    for path in sorted((site / "results").glob("*/index.html")):
        doc = html.soup(path)
        status = next(dt.find_next("dd") for dt in doc.select("dl.profile dt") if dt.text == "Status")
        assert "agent-run" not in html.text_of(status), path
        assert "via" not in [html.text_of(dt) for dt in doc.select("dl.extra dt")], path
    for path in sorted((site / "traces").glob("*/*/index.html")):
        harness = next(dt.find_next("dd") for dt in html.soup(path).select("dl.profile dt")
                       if dt.text == "Harness")
        assert "adapter" not in html.text_of(harness), path


def test_a_reply_naming_a_file_with_a_space_in_a_refs_list_is_threaded(tmp_path):
    """A YAML list item is one file name, spaces and all (as the server reads it): the reply
    says what it answers and the answered message lists the reply."""
    board = tmp_path / "bucket" / "message_board"
    board.mkdir(parents=True)
    (board / "20260425-143000_agent-01_status update.md").write_text(
        "---\ntype: status-update\n---\nThe kernels run.")
    (board / "20260425-150000_agent-02_reply.md").write_text(
        "---\ntype: agent\nrefs:\n- message_board/20260425-143000_agent-01_status update.md\n---\n"
        "Thanks.")
    out = build(tmp_path, "--source", str(tmp_path / "bucket"))

    def thread_links(page: Path, kind: str) -> list[str]:
        return [a["href"] for a in parse(page).soup.select(f"a.thread-link.{kind}")]

    reply = "/messages/20260425-150000_agent-02_reply/"
    answered, = (out / "messages").glob("20260425-143000_agent-01_status-update--*")
    assert thread_links(out / reply.strip("/") / "index.html", "parent") == [f"/messages/{answered.name}/"]
    assert thread_links(answered / "index.html", "child") == [reply]
    assert "no such message" not in (out / "build" / "index.html").read_text()


def figures_of(page, table_id: str, column: str) -> list[str]:
    """The numbers a table's column shows ("519.860"), without badges or unit."""
    cells = page.select(f"#{table_id} tbody td.{column}")
    return [re.findall(r"-?[0-9][0-9,]*(?:\.[0-9]+)?", html.text_of(td))[-1]
            for td in cells if td.get("data-value")]


def test_a_columns_scores_line_up_while_a_result_page_shows_its_own(site):
    """0.91 above 0.9134 reads as a different kind of number: a table's column writes its
    scores with the same decimals, and a score's own page as it is."""
    tables = [(site / "index.html", "lb-best"), (site / "results" / "index.html", "results-all"),
              *((p, "agent-results") for p in sorted((site / "agents").glob("*/index.html")))]
    checked = 0
    for path, table_id in tables:
        page = html.soup(path)
        for column in ("score", "secondary"):
            decimals = {len(f.partition(".")[2]) for f in figures_of(page, table_id, column)}
            assert len(decimals) <= 1, (path, column, decimals)
            checked += len(decimals)
    assert checked > 20
    home = html.soup(site / "index.html")
    padded = next(td for td in home.select("#lb-best td.score") if td["data-value"] == "519.86")
    assert html.text_of(padded).endswith(" 519.860")               # after its record badge
    result = html.soup(site / padded.find_parent("tr").select_one("td.links a")["href"].strip("/")
                       / "index.html")
    assert html.text_of(result.select_one("h1")).startswith("519.86 tok/s by")


def test_a_score_column_leaves_the_unit_to_its_head_and_a_score_alone_keeps_it(site):
    """"541.273 tok/s" in every cell of a column headed "Throughput (tok/s)" is noise: a table's
    cells show the figure, its head (and a card's label) the unit, which a screen reader also
    hears in the name of each row's links. A score shown alone keeps its unit."""
    home = html.soup(site / "index.html")
    pages = [home, html.soup(site / "results" / "index.html"),
             html.soup(site / "agents" / "kestrel" / "index.html")]
    cells = [td for page in pages for td in page.select("table.results td.score, table.records td.num")]
    assert len(cells) > 100 and not [td for td in cells if "tok/s" in html.text_of(td)]
    heads = {html.text_of(th) for page in pages for th in page.select("table.results th[data-key=score]")}
    assert heads == {"Throughput (tok/s)"}
    assert {td["data-label"] for td in cells} == {"Throughput (tok/s)"}
    leader = home.select_one("#lb-best tbody tr")
    details = leader.select_one("td.links a")
    assert re.search(r"\(halcyon, 541\.273 tok/s, 2026-", details["aria-label"])
    assert html.text_of(home.select_one(".headline dd.best")) == "541.273 tok/s"
    result = html.soup(site / details["href"].strip("/") / "index.html")
    assert html.text_of(result.select_one("h1")).startswith("541.273 tok/s by halcyon")


def figures_by_row(page, table_id: str, column: str) -> dict[str, str]:
    """What a table's column shows in each row, without its badges, by the row's id."""
    shown = {}
    for tr in page.select(f"#{table_id} tbody tr"):
        cell = copy.copy(tr.select_one(f"td.{column}"))
        for badge in cell.select(".badge"):
            badge.decompose()
        shown[tr["id"]] = html.text_of(cell)
    return shown


def test_a_result_reads_the_same_in_every_table_and_on_every_page(paged_site):
    """A page of the results chose its decimals from its own rows: the same score read "519.86"
    there and "519.860" in the leaderboard. A column's decimals come from every result, so a
    result reads the same in each table, on each page of a listing and on the roster."""
    listing = [paged_site / "results" / "index.html",
               *sorted((paged_site / "results" / "page").glob("*/index.html"))]
    tables = [(paged_site / "index.html", "lb-best"), (paged_site / "index.html", "lb-invalid"),
              *((path, "results-all") for path in listing),
              *((path, "agent-results") for path in sorted((paged_site / "agents").glob("*/index.html")))]
    every = json.loads((paged_site / "data" / "all-results.json").read_bytes())["rows"]
    for column, field in (("score", "score_cell"), ("secondary", "secondary_text")):
        shown = {row["anchor"]: {row[field] or "—"} for row in every}      # as table.js writes it
        for path, table_id in tables:
            for row, text in figures_by_row(html.soup(path), table_id, column).items():
                shown[row].add(text)
        assert len(shown) == 81 and all(len(texts) == 1 for texts in shown.values()), \
            {row: texts for row, texts in shown.items() if len(texts) > 1}
        decimals = {len(text.partition(".")[2]) for (text,) in shown.values() if text[:1].isdigit()}
        assert len(decimals) == 1, (column, decimals)
    home, roster = html.soup(paged_site / "index.html"), html.soup(paged_site / "agents" / "index.html")
    leaders = figures_by_row(home, "lb-best", "score")
    best = {html.text_of(tr.select_one("td.agent a")): f"{leaders[tr['id']]} tok/s"
            for tr in home.select("#lb-best tbody tr")}
    listed = {html.text_of(tr.select_one("td.agent a")): html.text_of(tr.select_one("td.best"))
              for tr in roster.select("#roster tbody tr") if tr.select_one("td.best")["data-value"]}
    assert len(listed) > 10 and listed == {agent: best[agent] for agent in listed}


def test_a_date_column_leaves_utc_to_its_head(site):
    """"2026-07-11 20:06 UTC" on every row of a column headed "Date (UTC)": the head says it,
    a cell (and a card's label) gives the date and the time; a screen reader hears the zone in
    the name of each row's links."""
    home = html.soup(site / "index.html")
    pages = [home, html.soup(site / "results" / "index.html"),
             html.soup(site / "agents" / "kestrel" / "index.html"),
             html.soup(site / "traces" / "index.html")]
    cells = [td for page in pages for td in page.select(
        "table.results td.date, table.records td:first-child, #traces td[data-label^=Started]")]
    assert len(cells) > 100
    assert {td["data-label"] for td in cells} == {"Date (UTC)", "Since (UTC)", "Started (UTC)"}
    assert all(re.fullmatch(r"2026-07-\d\d \d\d:\d\d", html.text_of(td)) for td in cells)
    details = home.select_one("#lb-best td.links a")["aria-label"]
    assert details == "details (halcyon, 541.273 tok/s, 2026-07-11 20:06 UTC)"


def test_a_card_names_a_messages_type_only_when_it_is_not_the_default(site):
    """Nearly every message is of type "agent" (the default): a pill saying so on each card
    is noise. The other types keep theirs, and "agent" stays a filter with its archive."""
    listing = html.soup(site / "messages" / "index.html")
    cards = listing.select("li.message-card")
    typed = [card for card in cards if "type-agent" not in card["class"]]
    assert typed and len(typed) < len(cards)
    assert all(card.select_one("a.type") is None for card in cards if card not in typed)
    assert all(html.text_of(card.select_one("a.type")) for card in typed)
    home = html.soup(site / "index.html")
    assert "agent" not in {html.text_of(a) for a in home.select("section.latest a.type")}
    by_type = {html.text_of(a): a["href"] for a in listing.select("a[href^='/messages/type/']")}
    assert "agent" in by_type and (site / by_type["agent"].strip("/") / "index.html").exists()
    default = next(card for card in cards if card not in typed)
    message = html.soup(site / default.select_one("a.time")["href"].strip("/") / "index.html")
    assert html.text_of(message.select_one("a.type")) == "agent"       # its page says it
