"""Where the GitHub Action's caches live and the name the bucket mirror's go by, as the config
resolves them (`python -m builder.action_paths CONFIG`, printed as the step outputs `mirror`,
`render` and `key`). The mirror is named by the bucket it mirrors, not by the config's bytes:
a new title in collab.toml must not cost a download of the whole bucket. COLLAB_CACHE_DIR
applies, as in the build. A second argument is the Action's `bucket` input (ORG/NAME): checked
here, where the operator's own words can be named, and printed as the location the build reads
(`source`)."""
from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path
from typing import Sequence

from builder.config import Config, ConfigError, load_config
from builder.urls import BUCKET_LOCATION


def cache_outputs(config: Config) -> dict[str, str]:
    location = (config.source.location.rstrip("/") if config.source_is_hub()
                else str(config.source_dir()))
    bucket = hashlib.sha256(location.encode("utf-8", "surrogateescape")).hexdigest()[:16]
    return {"mirror": str(config.cache_dir()), "render": str(config.render_cache_dir()),
            "key": f"bucket-mirror-{bucket}"}


def bucket_source(bucket: str) -> str:
    """The Action's `bucket` input (ORG/NAME, or hf://buckets/ORG/NAME) as a source location;
    "" when not given. ValueError, in the operator's terms, when it names no bucket."""
    bucket = bucket.strip()
    if not bucket:
        return ""
    location = bucket if bucket.startswith("hf://") else f"hf://buckets/{bucket}"
    if not BUCKET_LOCATION.fullmatch(location):
        raise ValueError(f"the Action's input bucket: {bucket!r} is not a bucket's ORG/NAME: "
                         "write it as ORG/NAME (like acme/collab) under the step's with:")
    return location


def main(argv: Sequence[str] | None = None) -> int:
    config_path, *bucket = sys.argv[1:] if argv is None else argv
    try:
        source = bucket_source(bucket[0] if bucket else "")
        config = load_config(Path(config_path), env={**os.environ, "COLLAB_SOURCE": source})
    except ValueError as exc:
        print(f"input error: {exc}", file=sys.stderr)
        return 2
    except ConfigError as exc:
        for error in exc.errors:
            print(f"config error: {error}", file=sys.stderr)
        return 2
    for name, value in {**cache_outputs(config), "source": source}.items():
        print(f"{name}={value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
