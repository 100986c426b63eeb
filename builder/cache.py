"""A small on-disk cache for expensive, deterministic renders (the Vega runtime bundle, chart
SVGs), keyed by a content digest. A damaged or unwritable cache is ignored, never fatal."""
from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from typing import Callable


class RenderCache:
    def __init__(self, folder: Path | None):
        self.folder = folder

    def get(self, namespace: str, key: str, produce: Callable[[], bytes]) -> bytes:
        if self.folder is None:
            return produce()
        path = self.folder / namespace / hashlib.sha256(key.encode()).hexdigest()
        try:
            return path.read_bytes()
        except OSError:
            pass
        data = produce()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent)
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, path)
        except OSError:
            pass
        return data
