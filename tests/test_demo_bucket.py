"""The demo bucket is generated: what is committed must be what the generator writes, or the
next run of the generator silently undoes an edit made by hand."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_the_demo_bucket_is_what_its_generator_writes(tmp_path):
    out = tmp_path / "demo"
    subprocess.run([sys.executable, str(REPO / "scripts" / "generate_demo_bucket.py"), "--out", str(out)],
                   check=True, capture_output=True)
    written, committed = tree(out), tree(REPO / "builder" / "demo")
    assert sorted(written) == sorted(committed)
    assert [path for path in sorted(written) if written[path] != committed[path]] == []
