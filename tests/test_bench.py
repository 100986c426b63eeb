"""Smoke tests of the benchmark (`make bench` = scripts/bench.py), at a tiny size.

The full-size run takes minutes and is not a test; these check that the script still runs end
to end against the current builder and writes the figures the performance bars need."""
from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path

from builder.config import load_config
from scripts import bench
from scripts.bench_run import (SET_ASIDE, Run, alternate, delete_set_aside, processes_text,
                               same_processes, tree_pss_kib)
from tests.conftest import REPO

TINY = ["--messages", "60", "--results", "20", "--agents", "5", "--traces", "2"]


def _tree_digest(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_bench_runs_and_writes_the_figures(tmp_path):
    out = tmp_path / "bench-out"
    proc = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "bench.py"), *TINY, "--out", str(out), "--rounds", "2",
         "--skip-hugo", "--skip-pelican", "--skip-browser"],
        cwd=REPO, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
    data = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert not list(out.rglob(SET_ASIDE))                  # what the runs replaced is deleted

    assert data["size"] == {"messages": 60, "results": 20, "agents": 5, "traces": 2}
    assert data["machine"]["cores"] >= 1
    board = out / "bucket" / "message_board"
    assert len([p for p in board.glob("2*.md")]) == 61          # 60 generated + the new one
    assert len(list((out / "bucket" / "results").glob("*.md"))) == 20
    assert len(list((out / "bucket" / "agents").glob("*.md"))) == 5
    assert len(list((out / "bucket" / "traces").glob("*/*/manifest.md"))) == 2

    cold = data["cold"]["collab"]
    assert cold["exit_code"] == 0 and cold["html_pages"] >= 60   # at least one page per message
    assert cold["peak_tree_pss_mb"] > 10 and cold["peak_rss_mb"] > 10
    assert cold["at_peak"].startswith("build ") or ", build " in cold["at_peak"]
    heaviest = cold["heaviest_pages"]                   # each section's, the home page apart
    assert {"messages", "agents", "results"} <= set(heaviest)
    assert all(0 < h["gzip_bytes"] < h["raw_bytes"] and (out / "site" / h["page"]).is_file()
               and h["page"] != "index.html" for h in heaviest.values())
    runner = data["cold"].get("collab_runner_workers")           # GitHub's runners have four cores
    assert (runner is None) == (data["machine"]["cores"] >= 4)
    assert runner is None or (runner["workers"] == 4 and runner["exit_code"] == 0
                              and runner["peak_tree_pss_mb"] > 10)

    cron = data["cron"]
    assert cron["no_change_site_present"]["changed_files"] == 0
    new_id = Path(cron["one_message_fresh_output"]["message"]).stem
    for run in ("one_message_fresh_output", "one_message_site_restored"):
        one = cron[run]
        assert one["exit_code"] == 0
        assert f"messages/{new_id}/index.html" in one["added"]
        assert one["changed_files"] == len(one["changed"]) + len(one["added"]) + len(one["removed"])
        assert 0 < one["rendered_pages"] <= 20 < cold["html_pages"]   # the rest came from the cache
        assert len(one["samples_seconds"]) == data["rounds"] == 2
        assert 0 <= one["system_seconds"] <= one["cpu_seconds"]     # the kernel's part, reported
    assert cron["nothing_new_fresh_output"]["changed_files"] == 0
    assert cron["nothing_new_fresh_output"]["rendered_pages"] == 0

    assert data["cold"]["hugo"]["measured"] is False and data["cold"]["collab_over_hugo"] is None
    verdicts = {b["name"]: b["verdict"] for b in data["budgets"]}
    assert {"peak memory", "vs Hugo", "vs Pelican", "nothing new, fresh runner",
            "heaviest page"} <= set(verdicts)
    assert set(verdicts.values()) <= {"OK", "MISSED", "NOT MEASURED"}
    assert verdicts["vs Hugo"] == "NOT MEASURED"
    assert "2 cores" in proc.stdout or f"{data['machine']['cores']} cores" in proc.stdout
    assert ("MISSED" in proc.stdout) == ("MISSED" in verdicts.values())
    cron_rows = [r.value for r in bench.build_report(data).rows if r.measure.startswith("Cron run")]
    assert len(cron_rows) == 2 and all("of the cold build's" in v and "of it in the kernel" in v
                                       for v in cron_rows)

    hub = data["hub"]                                  # end to end through the fake Hub
    assert hub["first_run"]["downloads"] == hub["bucket_files"] and hub["first_run"]["commits"] >= 1
    assert (hub["no_change"]["downloads"], hub["no_change"]["commits"]) == (0, 0)
    assert (hub["one_new_message"]["downloads"], hub["one_new_message"]["commits"]) == (1, 1)
    assert verdicts["quiet cron run"] == "OK"


def test_the_minimal_page_is_the_home_tables_alone(demo_site):
    from scripts.bench_browser import minimal_page
    page = minimal_page(demo_site / "index.html")
    home = (demo_site / "index.html").read_text(encoding="utf-8")
    assert page.count("<tr") >= 3 and page.count("<tr") < home.count("<tr")
    assert "<script" not in page and "stylesheet" not in page


def test_synthetic_bucket_is_deterministic(tmp_path):
    sizes = dict(messages=40, results=10, agents=4, traces=3)
    first = bench.Generator(tmp_path / "a").generate(**sizes)
    bench.Generator(tmp_path / "b").generate(**sizes)
    assert _tree_digest(tmp_path / "a") == _tree_digest(tmp_path / "b")
    names = [p.name for p in (tmp_path / "a" / "message_board").glob("2*.md")]
    assert len(names) == 40
    assert any(n.count("_") == 2 for n in names) and any(n.count("_") == 1 for n in names)  # both generations
    assert first.trace_logs >= 1


def test_bench_config_keeps_the_repository_metric(tmp_path):
    bench.Generator(tmp_path / "bucket").generate(messages=5, results=2, agents=2, traces=0)
    config = load_config(bench.write_bench_config(tmp_path), env={})
    repo = load_config(REPO / "collab.toml", env={})
    assert config.metric == repo.metric
    assert config.fallback == repo.fallback
    assert config.source_dir() == (tmp_path / "bucket").resolve()
    assert config.root / ".cache" == tmp_path / ".cache"


def test_what_a_run_replaces_is_set_aside_and_deleted_at_the_end(tmp_path):
    site, journal = tmp_path / "site", tmp_path / ".site.journal"
    (site / "a").mkdir(parents=True)
    (site / "a" / "index.html").write_text("old")
    journal.write_text("{}")
    bench.no_site(site)
    assert not site.exists() and not journal.exists()
    kept = sorted(p.name for p in (tmp_path / SET_ASIDE).iterdir())   # not deleted yet
    assert len(kept) == 2 and any(name.endswith("-site") for name in kept)
    site.mkdir()                                                      # the next run's
    bench.no_site(site)
    assert len(list((tmp_path / SET_ASIDE).iterdir())) == 3
    delete_set_aside()
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def _rollup(pss_kib: int, private_kib: int) -> str:
    return f"Rss: {pss_kib + 100} kB\nPss: {pss_kib} kB\nPrivate_Dirty: {private_kib} kB\n"


def test_cold_builds_alternate_round_by_round_with_the_slow_tool_in_its_first_rounds(monkeypatch):
    """Pelican ran after every round of the others, so a machine slowing down or speeding up
    moved its ratio alone (1.2x in one bench, 1.8x in another)."""
    monkeypatch.setattr("scripts.bench_run.settle", lambda: None)
    order: list[str] = []

    def contender(name: str, exit_code: int = 0):
        return (lambda: None,
                lambda: order.append(name) or Run(1.0, 1.0, 1.0, 1.0, exit_code, ""))

    contenders = {"collab": contender("collab"), "hugo": contender("hugo"),
                  "pelican": contender("pelican"), "broken": contender("broken", 1)}
    runs = alternate(3, contenders, lambda line: None)
    assert order == ["collab", "hugo", "pelican", "broken"] + ["collab", "hugo", "pelican"] * 2
    assert [len(runs[name]) for name in contenders] == [3, 3, 3, 1]      # a failed one drops out
    order.clear()
    alternate(3, contenders, lambda line: None, first_rounds={"pelican": 1})
    assert order == ["collab", "hugo", "pelican", "broken", "collab", "hugo", "collab", "hugo"]


def test_cron_runs_follow_each_rounds_cold_build_with_the_new_message_and_its_caches(
        tmp_path, monkeypatch):
    """The cron runs were timed minutes after the cold builds, so a machine slowing down in
    between moved their ratio to the cold build (17.1% in one bench, 12.0% in another)."""
    monkeypatch.setattr("scripts.bench_run.settle", lambda: None)
    synth = bench.Generator(tmp_path / "bucket").generate(messages=6, results=2, agents=2, traces=0)
    cron = bench.CronRuns(tmp_path, tmp_path / "collab.toml", synth)
    seen: list[tuple[str, bool, bool, str]] = []

    def build(cmd, cwd, log_path, workers=None):          # what each run finds, then "builds"
        site, cache = tmp_path / "site", tmp_path / ".cache"
        seen.append((re.sub(r"[.-]\d+\.log$", "", log_path.name),
                     cron.message_file.exists(), site.exists(),
                     (cache / "mark").read_text() if cache.exists() else ""))
        cache.mkdir(exist_ok=True)
        (cache / "mark").write_text(log_path.name)
        site.mkdir(exist_ok=True)
        (site / "manifest.json").write_text(json.dumps({"files": {"index.html": log_path.name}}))
        return Run(1.0, 1.0, 1.0, 1.0, 0, str(log_path))

    monkeypatch.setattr(bench, "run_collab", build)
    collab = bench.collab_contender(tmp_path, tmp_path / "collab.toml", tmp_path / "logs", cron)
    alternate(2, {"collab": collab, **cron.contenders()}, lambda line: None)
    assert seen == [("collab-cold", False, False, ""),
                    ("collab-one_message_fresh_output", True, False, "collab-cold.1.log"),
                    ("collab-one_message_site_restored", True, True, "collab-cold.1.log"),
                    ("collab-cold", False, False, ""),
                    ("collab-one_message_fresh_output", True, False, "collab-cold.1.log"),
                    ("collab-one_message_site_restored", True, True, "collab-cold.1.log")]
    assert [len(cron.samples[name]) for name in cron.MODES] == [2, 2]
    cron.back_to_cold()                   # the bucket, caches and site of the cold build again
    assert not cron.message_file.exists()
    assert (tmp_path / ".cache" / "mark").read_text() == "collab-cold.1.log"
    assert json.loads((tmp_path / "site" / "manifest.json").read_text())["files"] == {
        "index.html": "collab-cold.1.log"}


def test_a_child_in_its_parents_memory_is_counted_once_and_a_forked_one_for_its_own_share():
    # a build at 500 MiB spawning a tool: between vfork and exec /proc shows the child the
    # parent's very pages, which the machine provides once
    parent = _rollup(512_000, 500_000)
    assert tree_pss_kib({1: None, 2: 1}, {1: parent, 2: parent}) == 512_000
    # a forked worker shares pages too, but PSS splits them already: both shares count
    worker = _rollup(256_000, 10_000)
    assert tree_pss_kib({1: None, 2: 1, 3: 1}, {1: parent, 2: worker, 3: worker}) == 1_024_000
    # a process gone between listing and reading counts nothing
    assert tree_pss_kib({1: None, 2: 1}, {1: parent, 2: ""}) == 512_000


def test_a_sample_read_while_a_worker_ended_or_began_is_left_out():
    parent, worker = _rollup(512_000, 500_000), _rollup(256_000, 10_000)
    read = {1: parent, 2: worker, 3: worker}
    assert same_processes({1, 2, 3}, read, {1, 2, 3})
    # worker 3 ended after its count was read: worker 2's count may hold 3's share too
    assert not same_processes({1, 2, 3}, read, {1, 2})
    # worker 3 ended before its count was read, perhaps after its parent's
    assert not same_processes({1, 2, 3}, {1: parent, 2: worker, 3: ""}, {1, 2})
    # a worker forked while the others were read shares what the parent's count held alone
    assert not same_processes({1, 2, 3}, read, {1, 2, 3, 4})
    # an ended worker not yet reaped, before and after: it holds nothing, the sample stands
    assert same_processes({1, 2}, {1: parent, 2: worker, 3: ""}, {1, 2})


def test_the_peak_names_each_process_counted_with_its_share():
    build = ["/venv/bin/python", "-m", "builder", "build", "--out", "site"]
    chart = ["/venv/bin/python", "-c", "import sys, builder.chart_cache as b; b.make_chart()"]
    pagefind = ["/venv/lib/pagefind_bin/pagefind", "--service"]
    parent, worker = _rollup(102_400, 90_000), _rollup(36_864, 20_000)
    tree = {1: None, 2: 1, 3: 1, 4: 1, 5: 1}
    rollups = {1: parent, 2: worker, 3: _rollup(153_600, 150_000), 4: _rollup(118_784, 110_000),
               5: parent}                             # 5: before its exec, in its parent's memory
    cmdlines = {1: build, 2: build, 3: chart, 4: pagefind, 5: build}
    assert processes_text(tree, rollups, cmdlines) == (
        "python builder.chart_cache 150, pagefind 116, build 100, worker 36")
