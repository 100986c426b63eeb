"""The files behind the home page and the leaderboard's data files, read back from the demo build:
leaderboard.json's format (its keys, the metric described once, its ranks) and the CSV's, each
row's page URL, row anchors made from slugs, the JSON the page fetches on demand agreeing with
the page itself."""
from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

from tests import html
from tests.site_fixtures import build_demo_with

RESULT_PAGE = re.compile(r"^https://demo-org-tinylm-collab\.static\.hf\.space/results/[a-z0-9._-]+/$")


def fetched(site: Path, selector: str, attribute: str = "data-src") -> dict:
    """A JSON file the home page fetches, found the way the page finds it."""
    src = html.soup(site / "index.html").select_one(selector)[attribute]
    return json.loads((site / src.split("?")[0].lstrip("/")).read_text(encoding="utf-8"))


def test_csv_has_the_jsons_keys_and_links_each_row(demo_site):
    rows = list(csv.DictReader(io.StringIO((demo_site / "leaderboard.csv").read_text())))
    data = json.loads((demo_site / "leaderboard.json").read_text())
    assert list(rows[0]) == ["rank", "agent", "score", "secondary", "method", "timestamp",
                             "verification", "id", "url"]
    assert [(int(r["rank"]), r["id"], float(r["score"])) for r in rows] == \
        [(e["rank"], e["id"], e["score"]) for e in data["all"]]
    assert all(RESULT_PAGE.match(row["url"]) for row in rows)
    # every URL is a page of the site
    for row in rows:
        path = row["url"].split(".hf.space/", 1)[1]
        assert (demo_site / path / "index.html").exists(), row["url"]
    assert float(rows[0]["score"]) >= float(rows[-1]["score"])


def test_json_describes_the_metric_once_and_names_its_values_score_and_secondary(demo_site):
    """leaderboard.json's format: a version, the metric at the top (what `score` and `secondary`
    hold), keys that an organizer renaming the metric's label does not change."""
    data = json.loads((demo_site / "leaderboard.json").read_text())
    assert data["version"] == 1
    assert data["metric"] == {"field": "tps", "label": "Throughput", "unit": "tok/s",
                              "direction": "higher",
                              "secondary": {"field": "ppl", "label": "PPL"}}
    for entry in data["best"] + data["all"]:
        assert {"score", "score_raw", "secondary", "url"} <= set(entry)
        assert not {"Throughput", "PPL", "score_text"} & set(entry)
        assert RESULT_PAGE.match(entry["url"])
    best_table = html.table_rows(html.soup(demo_site / "index.html"), "lb-best")
    assert [e["agent"] for e in data["best"]] == [row[1] for row in best_table]


def test_json_ranks_mean_one_thing_in_both_lists(demo_site):
    """`rank` is a result's place among every ranked result, in `best` as in `all` (and in the
    rows the home page fetches); `agent_rank` is the agent's place among the agents' bests."""
    data = json.loads((demo_site / "leaderboard.json").read_text())
    overall = {e["id"]: e["rank"] for e in data["all"]}
    assert [e["rank"] for e in data["all"]] == list(range(1, len(data["all"]) + 1))
    assert [e["agent_rank"] for e in data["best"]] == list(range(1, len(data["best"]) + 1))
    assert all(e["rank"] == overall[e["id"]] for e in data["best"])
    assert [e["rank"] for e in data["best"]] != [e["agent_rank"] for e in data["best"]]
    rows = fetched(demo_site, "#lb-view-all")["rows"]
    assert [row["rank"] for row in rows] == [e["rank"] for e in data["all"]]


def test_renaming_the_metrics_label_changes_no_key(tmp_path):
    """An organizer renames the metric's label: a consumer's keys stay, the header says it."""
    out = build_demo_with(tmp_path, 'label = "Throughput"', 'label = "Decode speed"')
    data = json.loads((out / "leaderboard.json").read_text())
    assert data["metric"]["label"] == "Decode speed"
    assert "score" in data["all"][0] and "Decode speed" not in data["all"][0]
    assert (out / "leaderboard.csv").read_text().startswith("rank,agent,score,")


def test_json_says_what_it_leaves_out_and_how_new_its_results_are(demo_site):
    """leaderboard.json lists the ranked results; a consumer learns how many it leaves out, and
    why, and the time of the newest result (not of the newest message: that would rewrite the
    file at every message)."""
    data = json.loads((demo_site / "leaderboard.json").read_text())
    home = html.soup(demo_site / "index.html")
    apart = {name: len(home.select(f"#lb-{name} tbody tr")) for name in
             ("baselines", "negative", "invalid", "unscored")}
    assert data["not_ranked"] == apart and apart["negative"] and apart["invalid"]
    archive = html.soup(demo_site / "results" / "index.html")
    newest = archive.select_one("#results-all tbody tr td.date")["data-value"]
    assert data["results_as_of"] == newest
    assert len(data["all"]) + sum(apart.values()) == len(archive.select("#results-all tbody tr"))


def test_row_anchors_are_slugs_unique_on_the_page(demo_site):
    page = html.soup(demo_site / "index.html")
    anchors = [tr["data-anchor"] for tr in page.select("tr[data-anchor]")]
    assert anchors and all(re.fullmatch(r"r-[a-z0-9._-]+", a) for a in anchors)
    assert len(anchors) == len(set(anchors))
    ids = [el["id"] for el in page.select("[id]")]
    assert len(ids) == len(set(ids))
    # the rows the page fetches for the all-results view use the same anchors
    rows = fetched(demo_site, "#lb-view-all")["rows"]
    fetched_anchors = {row["anchor"] for row in rows}
    assert {tr["data-anchor"] for tr in page.select("#lb-best tr[data-anchor]")} <= fetched_anchors


def test_all_results_rows_carry_the_texts_the_table_shows(demo_site):
    rows = fetched(demo_site, "#lb-view-all")["rows"]
    best = html.table_rows(html.soup(demo_site / "index.html"), "lb-best")
    by_anchor = {row["anchor"]: row for row in rows}
    page = html.soup(demo_site / "index.html")
    for tr, cells in zip(page.select("#lb-best tbody tr"), best):
        row = by_anchor[tr["data-anchor"]]
        assert cells[1] == row["agent"] and cells[2].endswith(row["score_cell"])
        assert cells[5] == row["date_cell"]
    assert [row["rank"] for row in rows] == list(range(1, len(rows) + 1))


def test_chart_data_is_fetched_not_embedded_and_lists_every_agent(demo_site):
    page = html.soup(demo_site / "index.html")
    assert page.select_one("script[type='application/json']") is None
    doc = fetched(demo_site, "#chart")
    assert doc["linear"]["$schema"].startswith("https://vega.github.io/schema/vega/")
    agents = {row["agent"] for row in doc["datasets"]["results"]}
    legend = [b["data-agent"] for b in page.select("#chart-legend button")]
    assert sorted(legend) == sorted(agents) and len(legend) == len(agents) > 14
    keys = [b["data-key"] for b in page.select("#chart-legend button")]
    assert all(re.fullmatch(r"[a-z0-9._-]+", k) for k in keys) and len(set(keys)) == len(keys)
    colours = [b.select_one("path")["fill"] for b in page.select("#chart-legend button")]
    assert len(set(colours[:30])) == min(30, len(colours))
    runtime = page.select_one("#chart")["data-runtime"].split("?")[0]
    assert (demo_site / runtime.lstrip("/")).stat().st_size > 100_000


def test_chart_plots_every_scored_result_but_the_invalid_and_the_negative_hollow(demo_site):
    """The chart's key promises hollow negative results: a measured dead end is a scored
    result, as the table apart lists it; a score the verifier found invalid is not."""
    page = html.soup(demo_site / "index.html")
    ids = {name: {tr["id"].removeprefix("r-") for tr in page.select(f"#lb-{name} tbody tr[id]")}
           for name in ("negative", "invalid")}
    rows = fetched(demo_site, "#chart")["datasets"]["results"]
    negative = {row["id"] for row in rows if row["negative"]}
    assert negative == ids["negative"] and len(negative) > 3
    assert not ids["invalid"] & {row["id"] for row in rows} and ids["invalid"]
    assert "hollow: negative result" in html.text_of(page.select_one(".chart-key"))


def test_chart_has_a_text_alternative_with_every_record(demo_site):
    page = html.soup(demo_site / "index.html")
    link = page.select_one(".chart-key a[href='#best-so-far']")
    assert link is not None
    records = page.select("#best-so-far tbody tr")
    doc = fetched(demo_site, "#chart")
    assert len(records) == sum(1 for row in doc["datasets"]["results"] if row["record"])
    assert "NaN" not in str(page.select_one("#chart-static svg").get("aria-label"))


def test_agents_roster_sorts_best_as_a_number(demo_site):
    page = html.soup(demo_site / "agents" / "index.html")
    head = page.select_one("#roster th[data-key=best]")
    assert head["data-sort"] == "number"
    values = [td.get("data-value") for td in page.select("#roster tbody td.best")]
    numbers = [float(v) for v in values if v]
    assert numbers and all(v == "" or float(v) > 0 for v in values)
    assert len(numbers) < len(values)            # agents without a ranked result sort as blanks


def test_readme_names_exactly_the_keys_of_leaderboard_json_and_the_csv_columns(demo_site):
    """README.md's "Data files" is the contract people download against: its tables name every
    key of leaderboard.json and of its entries, and the CSV's columns in their order."""
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Data files", 1)[1].split("\n## ", 1)[0]
    tables = re.findall(r"\| key \|.*?\n\n|\| entry key \|.*?\n\n", section, re.S)
    named = [{key for row in table.splitlines()[2:] for key in re.findall(r"`(\w+)`",
                                                                        row.split(" | ")[0])}
             for table in tables]
    data = json.loads((demo_site / "leaderboard.json").read_text())
    assert named == [set(data), set(data["best"][0])]
    assert set(data["best"][0]) - set(data["all"][0]) == {"agent_rank"}
    columns = re.search(r"`leaderboard.csv` is `all` with the columns `([^`]+)`", section)[1]
    header = (demo_site / "leaderboard.csv").read_text(encoding="utf-8").splitlines()[0]
    assert re.split(r",\s+", columns) == header.split(",")
