"""collab-site serve: build, serve the site on 127.0.0.1, rebuild when the bucket folder changes."""
from __future__ import annotations

import functools
import http.server
import threading
import time
from pathlib import Path

from builder.config import Config


def serve(config: Config, out: Path, port: int, poll_seconds: float = 2.0) -> int:
    from builder.build import build
    build(config, out)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(out))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    if not config.source_is_hub():
        watcher = threading.Thread(target=_watch, args=(config, out, poll_seconds), daemon=True)
        watcher.start()
    print(f"serving {out} at http://127.0.0.1:{server.server_address[1]}/ (Ctrl-C to stop)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


def _fingerprint(root: Path) -> tuple:
    return tuple(sorted((str(p), p.stat().st_mtime_ns, p.stat().st_size)
                        for p in root.rglob("*") if p.is_file()))


def _watch(config: Config, out: Path, poll_seconds: float) -> None:
    from builder.build import build
    root = config.source_dir()
    seen = _fingerprint(root)
    while True:
        time.sleep(poll_seconds)
        now = _fingerprint(root)
        if now != seen:
            seen = now
            print("change in the bucket folder: rebuilding")
            build(config, out)
