"""The demo site, built once per test session and shared by page, feed and browser tests.

Tests read it; none may write into it (build a copy of your own to test a rebuild)."""
from __future__ import annotations

import gzip
import json
import re
import shutil
from pathlib import Path

import pytest

from builder import pagefind_format
from builder.cli import main

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("demo") / "site"
    assert main(["build", "--config", str(REPO / "collab.toml"), "--out", str(out)]) == 0
    return out


def build_demo_with(folder: Path, old: str, new: str, source: Path = REPO / "builder" / "demo") -> Path:
    """The demo (or the bucket `source`) built into `folder`/site with the repository's
    collab.toml changed, `old` to `new` (a setting of [limits], say): its site folder."""
    config = folder / "collab.toml"
    text = (REPO / "collab.toml").read_text(encoding="utf-8")
    assert old in text
    config.write_text(text.replace(old, new), encoding="utf-8")
    out = folder / "site"
    assert main(["build", "--config", str(config), "--source", str(source), "--out", str(out)]) == 0
    return out


def without_verdicts(bucket: Path) -> Path:
    """A copy of the demo bucket in `bucket` as a first collaboration has it: no verification
    index and no verdict in LEADERBOARD.md (its Status cells emptied): its folder."""
    shutil.copytree(REPO / "builder" / "demo", bucket)
    (bucket / "results" / "verification_status.json").unlink()
    board = bucket / "LEADERBOARD.md"
    text = board.read_text(encoding="utf-8")
    board.write_text(re.sub(r"[✅⏳❌]\s*(?:pending|invalid|valid|verified)?", "", text),
                     encoding="utf-8")
    return bucket


@pytest.fixture(scope="session")
def site_without_verdicts(tmp_path_factory) -> Path:
    """The demo site built from `without_verdicts`: no result has a verdict."""
    folder = tmp_path_factory.mktemp("no-verdicts")
    bucket = without_verdicts(folder / "bucket")
    out = folder / "site"
    assert main(["build", "--config", str(REPO / "collab.toml"), "--source", str(bucket),
                 "--out", str(out)]) == 0
    return out


def shard_fragments(site: Path) -> dict[str, list[Path]]:
    """{shard name: the fragment files of its pages, as its metadata names them}, oldest first."""
    bundle = site / "pagefind"
    found = {}
    for name in json.loads((bundle / "shards.json").read_text())["shards"]:
        meta = next((bundle / name).glob("*.pf_meta")).read_bytes()
        pages = pagefind_format.decode(gzip.decompress(meta)[len(b"pagefind_dcd"):])[1]
        found[name] = [bundle / "fragment" / f"en_{page_id.partition('/')[2]}.pf_fragment"
                       for page_id, _ in pages]
    return found


def fragment_of(path: Path) -> dict:
    """What Pagefind keeps of a page (its "url", "content" text, "meta"...)."""
    return json.loads(gzip.decompress(path.read_bytes())[len(b"pagefind_dcd"):])
