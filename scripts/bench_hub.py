"""The end-to-end Hub part of `make bench`: the synthetic collaboration served by the fake Hub.

The bucket the benchmark generated is put in the fake Hub of the tests (tests/fakehub.py, on
127.0.0.1: bucket resolves redirect to a second host, as on the real Hub), and the command line
runs the way the cron job runs it, each run on a "fresh runner" whose Actions cache brings back
what the previous run left: the bucket mirror, the render cache and the site folder (action.yml
keeps the site folder with the render cache):

1. first run: empty caches, a Space that does not exist yet: sync + build, then publish;
2. nothing changed: sync + build + publish again (budget: 0 downloads, 0 commits);
3. one new message in the bucket: the same (budget: 1 download, 1 commit of at most 20 files,
   at most 15% of the first run's build).

Measured: seconds of each build and publish, downloads (resolve requests), listing pages,
commits (count, files and payload of the largest). The fake has no Xet storage, so the sync
fetches every file by its resolve URL (HF_HUB_DISABLE_XET=1): the request counts are those of
a runner without hf_xet. The bench's own process never imports huggingface_hub.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path
from typing import Any, Callable

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from scripts.bench_run import set_aside  # noqa: E402
from tests.fakehub import DEFAULT_TOKEN, FakeHub  # noqa: E402  (stdlib only)

BUCKET = "bench-org/bench-collab"
SPACE = "bench-org/bench-site"
BUDGET_FILES_ONE_MESSAGE = 20
BUDGET_ONE_MESSAGE_RATIO = 0.15
Log = Callable[[str], None]


def bench_hub(out: Path, bucket: Path, new_message: str, base_config: Path, log: Log,
              toml_dumps: Callable[[dict], str]) -> dict[str, Any]:
    """Runs 1-3 above against a fake Hub holding `bucket` (minus `new_message`, a bucket path,
    which arrives before run 3). Everything is written below <out>/hub/."""
    work = out / "hub"
    set_aside(work)
    work.mkdir(parents=True)
    files = {p.relative_to(bucket).as_posix(): p.read_bytes()
             for p in sorted(bucket.rglob("*")) if p.is_file()}
    late = files.pop(new_message, None)
    if late is None:
        return {"error": f"{new_message} is not in {bucket}"}
    hub = FakeHub(_free_port()).start()
    try:
        hub.add_bucket(BUCKET, files)
        config = _write_config(work, base_config, toml_dumps)
        env = _environment(hub, work)
        result: dict[str, Any] = {"bucket_files": len(files), "space": SPACE,
                                  "xet": "off (the fake has no Xet storage)"}
        for name, change in (("first_run", None), ("no_change", None),
                             ("one_new_message", (new_message, late))):
            if change is not None:
                hub.put(BUCKET, *change)
            log(f"hub: {name.replace('_', ' ')}: sync + build, then publish ...")
            run = _cron_run(hub, work, config, env)
            result[name] = run
            if run.get("error"):
                result["error"] = f"{name}: {run['error']}"
                break
            log(f"  build {run['build_seconds']:.1f} s ({run['downloads']:,} downloads), publish "
                f"{run['publish_seconds']:.1f} s ({run['commits']} commit(s), "
                f"{run['files_committed']:,} files)")
        return result
    finally:
        hub.stop()


def _cron_run(hub: FakeHub, work: Path, config: Path, env: dict[str, str]) -> dict[str, Any]:
    """One cron run on a fresh runner: the caches and the site folder as the previous run left
    them (the folders a build makes next to the site are not cached)."""
    site = work / "site"
    for path in (site.with_name(".site.new"), site.with_name(".site.old")):
        set_aside(path)
    hub.clear_log()
    python = [sys.executable, "-m", "builder"]
    build = _timed(python + ["build", "--config", str(config), "--out", str(site)], env,
                   work / "build.log")
    downloads = len(hub.requests("bucket_resolve", "GET"))
    listing = len(hub.requests("bucket_tree"))
    if build["exit_code"] != 0:
        return {"error": f"build exited {build['exit_code']} (see {work / 'build.log'})"}
    with hub.lock:
        hub.commits.clear()
    publish = _timed(python + ["publish", "--config", str(config), "--out", str(site)], env,
                     work / "publish.log")
    commits = [c for c in hub.commits if c.repo == SPACE]
    if publish["exit_code"] != 0:
        return {"error": f"publish exited {publish['exit_code']} (see {work / 'publish.log'})"}
    return {"build_seconds": build["seconds"], "publish_seconds": publish["seconds"],
            "downloads": downloads, "listing_pages": listing,
            "site_files": sum(1 for p in site.rglob("*") if p.is_file()),
            "commits": len(commits),
            "files_committed": sum(len(c.files) + len(c.deleted) for c in commits),
            "largest_commit_files": max((len(c.files) + len(c.deleted) for c in commits), default=0),
            "largest_commit_mb": round(max((c.payload_bytes for c in commits), default=0) / 1e6, 2),
            "committed": sorted({p for c in commits for p in c.files + c.deleted})[:40]}


def _timed(cmd: list[str], env: dict[str, str], log_path: Path) -> dict[str, Any]:
    started = time.perf_counter()
    with open(log_path, "ab") as log:
        code = subprocess.run(cmd, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT).returncode
    return {"seconds": round(time.perf_counter() - started, 3), "exit_code": code}


def _write_config(work: Path, base: Path, toml_dumps: Callable[[dict], str]) -> Path:
    """The bench's collab.toml with the bucket on the (fake) Hub and caches under <work>."""
    data = tomllib.loads(base.read_text(encoding="utf-8"))
    data["source"] = {"location": f"hf://buckets/{BUCKET}", "cache_dir": ".cache/bucket",
                      "web_url": data.get("source", {}).get("web_url", "")}
    data["cache"] = {"dir": ".cache"}
    data["publish"] = {"space_id": SPACE}
    path = work / "collab.toml"
    path.write_text("# Written by scripts/bench_hub.py.\n" + toml_dumps(data), encoding="utf-8")
    return path


def _environment(hub: FakeHub, work: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("HF_", "HUGGINGFACE_", "COLLAB_"))}
    env.update(HF_ENDPOINT=hub.endpoint, HF_HOME=tempfile.mkdtemp(prefix="hf-home-", dir=work),
               HF_TOKEN=DEFAULT_TOKEN, HF_HUB_DISABLE_TELEMETRY="1", HF_HUB_DISABLE_XET="1",
               HF_HUB_DISABLE_PROGRESS_BARS="1", NO_PROXY="127.0.0.1,localhost")
    return env


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def add_rows(rep, hub: dict[str, Any] | None) -> None:
    """The Hub part's lines of the bench report (`rep` is bench.Report)."""
    if not hub:
        return
    if hub.get("error") and "first_run" not in hub:
        rep.add("Hub end to end FAILED", hub["error"], "", "ERROR")
        return
    first, quiet, one = hub.get("first_run"), hub.get("no_change"), hub.get("one_new_message")
    if first and "build_seconds" in first:
        rep.add("Hub: first run (fake Hub)",
                f"sync + build {first['build_seconds']:.1f} s ({first['downloads']:,} downloads, "
                f"{first['listing_pages']} listing pages), publish {first['publish_seconds']:.1f} s "
                f"in {first['commits']} commits of at most {first['largest_commit_files']} files / "
                f"{first['largest_commit_mb']} MB ({first['site_files']:,} site files)")
    if quiet and "build_seconds" in quiet:
        rep.check("quiet cron run", "Hub: fresh runner, nothing changed",
                  quiet["downloads"] + quiet["commits"],
                  f"{quiet['downloads']} downloads, {quiet['commits']} commits; build "
                  f"{quiet['build_seconds']:.1f} s, publish {quiet['publish_seconds']:.1f} s",
                  "0 downloads, 0 commits", quiet["downloads"] == 0 and quiet["commits"] == 0)
    if one and "build_seconds" in one:
        ratio = one["build_seconds"] / first["build_seconds"] if first and first.get("build_seconds") else None
        ok = (one["downloads"] == 1 and one["commits"] == 1
              and one["files_committed"] <= BUDGET_FILES_ONE_MESSAGE)
        rep.check("one new message through the Hub", "Hub: fresh runner, one new message",
                  one["files_committed"],
                  f"{one['downloads']} download(s), {one['commits']} commit(s) of "
                  f"{one['files_committed']} files; build {one['build_seconds']:.1f} s"
                  + (f" = {ratio:.0%} of the first run's" if ratio is not None else "")
                  + f", publish {one['publish_seconds']:.1f} s",
                  f"1 download, 1 commit <= {BUDGET_FILES_ONE_MESSAGE} files", ok)
        if ratio is not None:
            rep.check("one new message cost", "  its build vs the first run's", ratio, f"{ratio:.0%}",
                      f"<= {BUDGET_ONE_MESSAGE_RATIO:.0%}", ratio <= BUDGET_ONE_MESSAGE_RATIO)
    if hub.get("error"):
        rep.add("Hub end to end FAILED", hub["error"], "", "ERROR")
