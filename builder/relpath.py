"""The one rule for a relative path that must stay inside its folder (a bucket path, a file of
the site, a path a manifest lists), checked as text: reading the bucket and writing the site
check it once per file."""
from __future__ import annotations


def parts_inside(path: str) -> list[str] | None:
    """`path`'s parts as PurePosixPath splits it (empty and "." parts dropped), or None when it
    is absolute, climbs out with "..", or names nothing."""
    if path.startswith("/"):
        return None
    parts = [part for part in path.split("/") if part and part != "."]
    return parts if parts and ".." not in parts else None
