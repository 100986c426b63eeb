"""Where the GitHub Action's caches live and the name the bucket mirror's go by, as the config
resolves them (`python -m builder.action_paths CONFIG`, printed as the step outputs `mirror`,
`render` and `key`). The mirror is named by the bucket it mirrors, not by the config's bytes:
a new title in collab.toml must not cost a download of the whole bucket. COLLAB_SOURCE and
COLLAB_CACHE_DIR apply, as in the build."""
from __future__ import annotations

import hashlib
import sys
from pathlib import Path
from typing import Sequence

from builder.config import Config, ConfigError, load_config


def cache_outputs(config: Config) -> dict[str, str]:
    location = (config.source.location.rstrip("/") if config.source_is_hub()
                else str(config.source_dir()))
    bucket = hashlib.sha256(location.encode("utf-8", "surrogateescape")).hexdigest()[:16]
    return {"mirror": str(config.cache_dir()), "render": str(config.render_cache_dir()),
            "key": f"bucket-mirror-{bucket}"}


def main(argv: Sequence[str] | None = None) -> int:
    (config_path,) = sys.argv[1:] if argv is None else argv
    try:
        config = load_config(Path(config_path))
    except ConfigError as exc:
        for error in exc.errors:
            print(f"config error: {error}", file=sys.stderr)
        return 2
    for name, value in cache_outputs(config).items():
        print(f"{name}={value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
