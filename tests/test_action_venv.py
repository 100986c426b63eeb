"""The Action's environment, run: its shell steps, in order, on a simulated runner (the files
GitHub gives a step, its `env:` with the expressions it uses filled in), with a real venv and a
real pip. The Action's package is a stand-in whose build backend is in the package itself, so
pip installs it offline, and logs every build: a restored venv must not be installed again.
The cache steps are GitHub's own (actions/cache); what they are given is checked on the YAML."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]

BACKEND = '''\
import base64, hashlib, os, pathlib, zipfile

NAME, DIST = "collab-site", "collab_site-1.2.3.dist-info"


def _digest(data):
    return base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    with open(os.environ["BUILD_LOG"], "a") as log:
        log.write("built\\n")
    files = {p.as_posix(): p.read_bytes() for p in sorted(pathlib.Path("builder").glob("*.py"))}
    files[DIST + "/METADATA"] = b"Metadata-Version: 2.1\\nName: collab-site\\nVersion: 1.2.3\\n"
    files[DIST + "/WHEEL"] = (b"Wheel-Version: 1.0\\nGenerator: test\\nRoot-Is-Purelib: true\\n"
                              b"Tag: py3-none-any\\n")
    files[DIST + "/entry_points.txt"] = b"[console_scripts]\\ncollab-site = builder.cli:run\\n"
    record = "".join(f"{p},sha256={_digest(d)},{len(d)}\\n" for p, d in files.items())
    files[DIST + "/RECORD"] = (record + DIST + "/RECORD,,\\n").encode()
    name = "collab_site-1.2.3-py3-none-any.whl"
    with zipfile.ZipFile(os.path.join(wheel_directory, name), "w") as wheel:
        for path, data in files.items():
            wheel.writestr(path, data)
    return name
'''

PYPROJECT = '''\
[build-system]
requires = []
build-backend = "backend"
backend-path = ["."]
'''


def _action_steps() -> dict[str, dict]:
    action = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
    return {step["name"]: step for step in action["runs"]["steps"]}


STEPS = _action_steps()
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


class Runner:
    """One job's runner: each step runs in bash with GitHub's files and its own `env:`."""

    def __init__(self, root: Path, action: Path):
        self.root, self.action = root, action
        self.temp = root / "runner-temp"
        self.temp.mkdir(exist_ok=True)
        bin_dir = root / "bin"                      # setup-python's `python` on the PATH
        bin_dir.mkdir(exist_ok=True)
        if not (bin_dir / "python").exists():
            (bin_dir / "python").symlink_to(sys.executable)
        self.path = f"{bin_dir}{os.pathsep}/usr/bin{os.pathsep}/bin"
        self.outputs: dict[str, dict[str, str]] = {}

    def expression(self, text: str) -> str:
        if text == "github.action_path":
            return str(self.action)
        if text.startswith("steps.") and ".outputs." in text:
            step, name = text[len("steps."):].split(".outputs.")
            return self.outputs[step][name]
        if text.startswith("inputs."):
            return {"inputs.config": "collab.toml", "inputs.bucket": "acme/collab"}[text]
        raise KeyError(f"the test runner does not know ${{{{ {text} }}}}")

    def run(self, name: str) -> dict[str, str]:
        step = STEPS[name]
        output = self.root / "github-output"
        output.write_text("")
        env = {"PATH": self.path, "HOME": str(self.root), "RUNNER_TEMP": str(self.temp),
               "RUNNER_OS": "Linux", "RUNNER_ARCH": "X64", "GITHUB_OUTPUT": str(output),
               "BUILD_LOG": str(self.root / "builds.log"), "PIP_NO_INDEX": "1",
               "PIP_NO_CACHE_DIR": "1"}
        env |= {key: EXPRESSION.sub(lambda m: self.expression(m.group(1)), str(value))
                for key, value in (step.get("env") or {}).items()}
        result = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", step["run"]], env=env,
                                cwd=self.root, capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stdout + result.stderr
        outputs = dict(line.split("=", 1) for line in output.read_text().splitlines())
        if "id" in step:
            self.outputs[step["id"]] = outputs
        return outputs

    def builds(self) -> int:
        log = self.root / "builds.log"
        return len(log.read_text().splitlines()) if log.exists() else 0


def _stand_in(root: Path) -> Path:
    """The Action's checkout: a package `builder` whose `collab-site --version` says 1.2.3."""
    action = root / "action"
    (action / "builder").mkdir(parents=True)
    (action / "pyproject.toml").write_text(PYPROJECT)
    (action / "setup.py").write_text("")
    (action / "backend.py").write_text(BACKEND)
    (action / "builder" / "__init__.py").write_text("")
    (action / "builder" / "cli.py").write_text("def run():\n    print('collab-site 1.2.3')\n")
    (action / "builder" / "action_paths.py").write_text(   # the real one: tests/test_workflows.py
        "print('mirror=.cache/bucket')\nprint('render=.cache/render')\nprint('key=bucket-mirror-x')\n")
    return action


@pytest.fixture
def runner(tmp_path) -> Runner:
    return Runner(tmp_path, _stand_in(tmp_path))


def _installed(runner: Runner) -> str:
    venv = Path(runner.outputs["venv"]["path"])
    return subprocess.run([str(venv / "bin" / "collab-site"), "--version"], capture_output=True,
                          text=True, check=True, timeout=60, env=_outside_env()).stdout.strip()


def _outside_env() -> dict[str, str]:
    """This process's environment without PYTHONPATH, which would import the checkout's builder
    instead of the one installed in the runner's venv."""
    return {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}


def test_a_first_run_installs_collab_site_in_a_venv_that_later_steps_run(runner):
    located = runner.run("Locate the environment")
    assert located["path"] == str(runner.temp / "collab-site-venv")
    runner.run("Install collab-site")
    assert runner.builds() == 1 and _installed(runner) == "collab-site 1.2.3"
    # the render cache is named by what is installed in that venv, not by the runner's Python
    caches = runner.run("Locate the caches")
    venv_python = Path(located["path"]) / "bin" / "python"
    freeze = subprocess.run([str(venv_python), "-m", "pip", "freeze", "--all"], env=_outside_env(),
                            capture_output=True, text=True, check=True, timeout=60).stdout
    assert "collab-site @ file://" in freeze or "collab-site==1.2.3" in freeze
    digest = subprocess.run(["sha256sum"], input=freeze, capture_output=True, text=True,
                            check=True).stdout[:16]
    version = "py%d.%d.%d" % sys.version_info[:3]
    assert caches["render-key"] == f"render-{version}-{digest}"


def test_a_restored_venv_is_used_as_it_is_and_a_broken_one_is_made_again(runner):
    runner.run("Locate the environment")
    runner.run("Install collab-site")
    runner.run("Install collab-site")                       # the next run, the venv restored
    assert runner.builds() == 1 and _installed(runner) == "collab-site 1.2.3"
    venv = Path(runner.outputs["venv"]["path"])
    (venv / "bin" / "collab-site").unlink()                  # a venv that does not run
    runner.run("Install collab-site")
    assert runner.builds() == 2 and _installed(runner) == "collab-site 1.2.3"


def test_the_venv_is_named_by_runner_python_month_and_the_actions_package(runner):
    key = runner.run("Locate the environment")["key"]
    month = datetime.now(timezone.utc).strftime("%Y-%m")
    python = "%d.%d.%d" % sys.version_info[:3]
    assert key.startswith(f"collab-site-venv-Linux-X64-py{python}-{month}-")
    # what an install writes into the checkout does not rename it
    runner.run("Install collab-site")
    (runner.action / "builder" / "ACTION_COMMIT").write_text("0" * 40 + "\n")
    (runner.action / "builder" / "__pycache__").mkdir(exist_ok=True)
    (runner.action / "builder" / "__pycache__" / "cli.cpython-311.pyc").write_bytes(b"x")
    assert runner.run("Locate the environment")["key"] == key
    # another commit of the Action's package does
    (runner.action / "builder" / "cli.py").write_text("def run():\n    print('collab-site 1.2.4')\n")
    assert runner.run("Locate the environment")["key"] != key
    (runner.action / "builder" / "cli.py").write_text("def run():\n    print('collab-site 1.2.3')\n")
    assert runner.run("Locate the environment")["key"] == key
    (runner.action / "pyproject.toml").write_text(PYPROJECT + "# a new dependency\n")
    assert runner.run("Locate the environment")["key"] != key


def test_the_cache_restores_and_saves_the_venv_under_that_name_once():
    restore, save = STEPS["Restore the environment"], STEPS["Save the environment"]
    assert restore["uses"].startswith("actions/cache/restore@")
    assert save["uses"].startswith("actions/cache/save@")
    named = {"path": "${{ steps.venv.outputs.path }}", "key": "${{ steps.venv.outputs.key }}"}
    assert restore["with"] == named and save["with"] == named          # no partial match
    assert save["if"] == "steps.restore-venv.outputs.cache-hit != 'true'"
    names = list(STEPS)
    assert names.index("Locate the environment") < names.index("Restore the environment") \
        < names.index("Install collab-site") < names.index("Save the environment") \
        < names.index("Build the site")
    # every later step runs the venv's collab-site, not whatever `collab-site` the PATH has
    for name in ("Build the site", "Publish to the Space"):
        assert STEPS[name]["env"]["VENV"] == "${{ steps.venv.outputs.path }}"
        assert re.search(r'(^|\n)\s*"\$VENV/bin/collab-site" (build|publish) ', STEPS[name]["run"])
