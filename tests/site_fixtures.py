"""The demo site, built once per test session and shared by page, feed and browser tests.

Tests read it; none may write into it (build a copy of your own to test a rebuild)."""
from __future__ import annotations

from pathlib import Path

import pytest

from builder.cli import main

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("demo") / "site"
    assert main(["build", "--config", str(REPO / "collab.toml"), "--out", str(out)]) == 0
    return out
