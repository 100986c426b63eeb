"""The demo site, built once per test session and shared by page, feed and browser tests.

Tests read it; none may write into it (build a copy of your own to test a rebuild)."""
from __future__ import annotations

import gzip
import json
import os
import re
import shutil
from pathlib import Path
from typing import Callable

import pytest

from builder import pagefind_format
from builder.cli import main
from builder.render import CompiledTemplates

REPO = Path(__file__).resolve().parents[1]


# Render cache namespaces whose entries follow from the code alone, whatever the bucket.
CODE_NAMESPACES = (CompiledTemplates.NAMESPACE,)


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("demo") / "site"
    assert main(["build", "--config", str(REPO / "collab.toml"), "--out", str(out)]) == 0
    _keep_code_caches(tmp_path_factory.getbasetemp() / "code-caches")
    return out


def _keep_code_caches(folder: Path) -> None:
    """A copy of what the demo's build just left in the suite's render cache of CODE_NAMESPACES
    (the build keeps there only what it used: the theme's compiled templates)."""
    cache = Path(os.environ["COLLAB_CACHE_DIR"]) / "render"
    for namespace in CODE_NAMESPACES:
        shutil.copytree(cache / namespace, folder / namespace)


@pytest.fixture(scope="session")
def code_caches(demo_site, tmp_path_factory) -> dict[str, Path]:
    """{namespace: its entries} of CODE_NAMESPACES, as a runner's render cache holds them after
    its first build: made by the demo's build, which most test processes make anyway (compiling
    the templates again costs a first build a fifth of the rest of its time)."""
    folder = tmp_path_factory.getbasetemp() / "code-caches"
    return {namespace: folder / namespace for namespace in CODE_NAMESPACES}


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


def with_code_caches(cache: Path, code_caches: dict[str, Path]) -> None:
    """The render cache under `cache` (a COLLAB_CACHE_DIR) starts with `code_caches` alone."""
    for namespace, entries in code_caches.items():
        shutil.copytree(entries, cache / "render" / namespace)


@pytest.fixture(scope="session")
def demo_with(tmp_path_factory) -> Callable[[str, str], Path]:
    """`build_demo_with` made once per process for each collab.toml it gives: the tests (and
    files) that read the same changed demo share its site, and none may write into it."""
    built: dict[str, Path] = {}

    def site(old: str, new: str) -> Path:
        config = (REPO / "collab.toml").read_text(encoding="utf-8").replace(old, new)
        if config not in built:
            built[config] = build_demo_with(tmp_path_factory.mktemp("demo-with"), old, new)
        return built[config]
    return site


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


def site_files(site: Path) -> dict[str, bytes]:
    """Every file's bytes; the manifest without the digest of the build's inputs (the config
    names the cache folder, which differs between the builds compared)."""
    found = {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}
    manifest = json.loads(found.pop("manifest.json"))
    manifest.pop("input")
    return {**found, "manifest.json": json.dumps(manifest).encode()}


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
