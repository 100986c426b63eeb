"""Everything about the package is in pyproject.toml; this only records the git commit it is
built from, in builder/ACTION_COMMIT, so that `collab-site init` can pin the GitHub Action to
that commit (workflows must pin third-party actions to a full commit hash). A build from an
sdist keeps the file the sdist carries."""
import subprocess
from pathlib import Path

from setuptools import setup

HERE = Path(__file__).resolve().parent
if (HERE / ".git").exists():
    try:
        COMMIT = subprocess.run(["git", "-C", str(HERE), "rev-parse", "HEAD"], check=True,
                                capture_output=True, text=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        COMMIT = ""
    if len(COMMIT) == 40:
        (HERE / "builder" / "ACTION_COMMIT").write_text(COMMIT + "\n", encoding="ascii")

setup()
