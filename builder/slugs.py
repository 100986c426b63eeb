"""Turn untrusted names into safe URL segments."""
from __future__ import annotations

import functools
import hashlib
import re

_UNSAFE = re.compile(r"[^a-z0-9._-]+")
# 12 hex digits (48 bits): an agent cannot search out another name whose slug is a victim's
# (6 digits took a laptop seconds), so no name can take over another's page.
_HASH_DIGITS = 12
# A safe name shaped like a slug with a hash suffix could be another name's slug. The suffix
# follows two hyphens: a UUID (a session's id) ends in one and 12 hex digits.
_HASHED_SHAPE = re.compile(rf".*--[0-9a-f]{{{_HASH_DIGITS}}}")
# Names the site's own files take beside slugged folders: /traces/page/2/ is the traces index's
# second page, which a trace of agent "page", session "2", would otherwise overwrite, and the
# folder of a result named "index.html" could not be made beside results/index.html.
_RESERVED = frozenset({"page", "index.html"})
# Names slugged lately, kept with their slugs: planning a message's page, its listings' cards
# and its feed entries slugs its id, agent and type again and again (120,000 times in a 10k
# build). Bounded, so a 100k build keeps a few hundred kB of them, not one per message.
_SLUGS_KEPT = 4096


@functools.lru_cache(maxsize=_SLUGS_KEPT)
def slugify(name: str, max_length: int = 80) -> str:
    """A lowercase [a-z0-9._-] segment; a name that changes when slugged, is reserved or looks
    like a slugged one gets a hash suffix, so that two different names never share a slug."""
    slug = _UNSAFE.sub("-", name.lower()).strip("-.")[:max_length] or "x"
    if slug != name or slug in _RESERVED or looks_slugged(slug):
        digest = hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()
        slug = f"{slug}--{digest[:_HASH_DIGITS]}"
    return slug


def looks_slugged(name: str) -> bool:
    """Whether `name` ends like a slug that `slugify` gave a hash suffix."""
    return _HASHED_SHAPE.fullmatch(name) is not None
