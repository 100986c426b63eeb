"""The package as a user gets it (marked `package`; about half a minute): the wheel is built and
checked with twine, installed with its dependencies into a fresh virtualenv outside the
checkout, and run from an empty folder: `init --demo`, `build` and `check` give a full site with
its styles and scripts, a theme_dir override wins, and `init` refuses to overwrite.

Dependencies are installed from a wheel cache outside the checkout (~/.cache/collab-site/wheelhouse,
under $XDG_CACHE_HOME when set) with --no-index; it is filled from PyPI only when a wheel is
missing from it. The virtualenv has no access to the checkout's or the system's packages.
"""
from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from builder import __version__
from tests.conftest import REPO

pytestmark = pytest.mark.package

CACHE_HOME = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
WHEELHOUSE = CACHE_HOME / "collab-site" / "wheelhouse"


def _run(args, cwd: Path, env: dict | None = None, check: bool = True, timeout: int = 300):
    # PYTHONPATH naming a checkout (its collab_site.egg-info) makes pip take the package as
    # installed already in the fresh venv
    if env is None:
        env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    result = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True,
                            text=True, timeout=timeout)
    if check and result.returncode != 0:
        pytest.fail(f"{' '.join(map(str, args))} exited {result.returncode}:\n"
                    f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return result


def _pip(*args, cwd: Path):
    return _run([sys.executable, "-m", "pip", "--disable-pip-version-check", *args], cwd=cwd)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    _pip("wheel", "--quiet", "--no-deps", "--no-build-isolation", "--wheel-dir", dist, REPO, cwd=dist)
    (built,) = dist.glob("collab_site-*.whl")
    _run([sys.executable, "-m", "twine", "check", "--strict", built], cwd=dist)
    return built


@pytest.fixture(scope="module")
def tool(wheel, tmp_path_factory):
    """Runs the installed `collab-site` (or another program of the virtualenv) in a folder."""
    home = tmp_path_factory.mktemp("user")
    env_dir = home / "venv"
    venv.create(env_dir, with_pip=False)        # pip is driven from outside with --python
    python = env_dir / "bin" / "python"
    install = ["--python", python, "install", "--quiet", "--no-compile", "--no-index",
               "--find-links", WHEELHOUSE, wheel]
    if _run([sys.executable, "-m", "pip", *install], cwd=home, check=False).returncode != 0:
        WHEELHOUSE.mkdir(parents=True, exist_ok=True)
        _pip("download", "--quiet", "--dest", WHEELHOUSE, "--only-binary", ":all:", wheel, cwd=home)
        for own in WHEELHOUSE.glob("collab_site-*"):
            own.unlink()
        _pip(*install, cwd=home)
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PYTHON", "COLLAB_SOURCE", "SPACE_ID", "METRIC_", "VIRTUAL_ENV"))}
    env["PATH"] = os.pathsep.join([str(env_dir / "bin"), env.get("PATH", "")])

    def run(*args, cwd: Path, check: bool = True):
        return _run([env_dir / "bin" / args[0], *args[1:]], cwd=cwd, env=env, check=check)
    return run


@pytest.fixture(scope="module")
def demo(tool, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("empty")
    tool("collab-site", "init", "--demo", cwd=folder)
    tool("collab-site", "build", cwd=folder)
    return folder


def test_the_installed_package_runs_from_its_own_files(tool, tmp_path):
    where = tool("python", "-c", "import builder; print(builder.__file__)", cwd=tmp_path).stdout
    assert "site-packages" in where and not where.startswith(str(REPO))
    assert tool("collab-site", "--version", cwd=tmp_path).stdout.strip() == f"collab-site {__version__}"


def test_init_demo_then_build_gives_a_full_site_with_its_styles_and_scripts(tool, demo):
    site = demo / "site"
    for asset in ("style.css", "chart.js", "table.js", "vendor/vega-runtime.js"):
        assert (site / "static" / asset).stat().st_size > 500, asset
    index = (site / "index.html").read_text(encoding="utf-8")
    style = (site / "static" / "style.css").read_text(encoding="utf-8")
    assert f"<style>{style}</style>" in index and "/static/chart.js?v=" in index
    assert "/static/style.css?v=" in (site / "messages" / "index.html").read_text(encoding="utf-8")
    assert f"built by collab-site {__version__}" in index
    assert len(list((site / "messages").glob("*/index.html"))) > 100
    check = tool("collab-site", "check", cwd=demo)
    assert "check: 0 finding(s)" in check.stdout


def test_a_theme_dir_template_and_stylesheet_win(tool, demo):
    theme = demo / "theme"
    (theme / "templates").mkdir(parents=True)
    (theme / "static").mkdir()
    (theme / "templates" / "404.html").write_text(
        '{% extends "base.html" %}{% block content %}<h1>Off the map</h1>{% endblock %}\n')
    (theme / "static" / "style.css").write_text("body { background: #fafaf0; }\n")
    config = demo / "collab.toml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "[site]\n", '[site]\ntheme_dir = "theme"\n', 1), encoding="utf-8")
    tool("collab-site", "build", cwd=demo)
    assert "<h1>Off the map</h1>" in (demo / "site" / "404.html").read_text(encoding="utf-8")
    assert (demo / "site" / "static" / "style.css").read_text() == "body { background: #fafaf0; }\n"
    assert "<style>body { background: #fafaf0; }\n</style>" in (demo / "site" / "index.html").read_text()
    assert (demo / "site" / "static" / "chart.js").stat().st_size > 500


def test_init_refuses_to_overwrite(tool, demo):
    before = (demo / "collab.toml").read_bytes()
    again = tool("collab-site", "init", "--demo", cwd=demo, check=False)
    assert again.returncode == 1 and "--force" in again.stderr
    assert (demo / "collab.toml").read_bytes() == before
