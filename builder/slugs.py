"""Turn untrusted names into safe URL segments."""
from __future__ import annotations

import hashlib
import re

_UNSAFE = re.compile(r"[^a-z0-9._-]+")


def slugify(name: str, max_length: int = 80) -> str:
    """A lowercase [a-z0-9._-] segment; names that change when slugged get a short hash suffix
    so that two different names never share a slug."""
    slug = _UNSAFE.sub("-", name.lower()).strip("-.")[:max_length] or "x"
    if slug != name:
        slug = f"{slug}-{hashlib.sha256(name.encode('utf-8', 'surrogatepass')).hexdigest()[:6]}"
    return slug
