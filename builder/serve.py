"""collab-site serve: bind 127.0.0.1, build, serve the site under its base_url path as the Space
does (unknown addresses get the site's 404.html), and rebuild when the bucket folder, the config
file or the theme_dir change. A failed rebuild or an unreadable config is printed and the last
good site stays served. Requests are printed only when asked (`log_requests`), the server's
errors always."""
from __future__ import annotations

import functools
import http.server
import sys
import threading
import time
from pathlib import Path
from stat import S_ISDIR
from typing import Callable
from urllib.parse import urlsplit

from builder.config import Config, ConfigError
from builder.render import failure_line
from builder.urls import base_path
from builder.write import OutputRefused

POLL_SECONDS = 1.0


class _SiteHandler(http.server.SimpleHTTPRequestHandler):
    """The site's files below the base path; its 404.html for everything else, folders with no
    index.html included."""

    def __init__(self, *args, state: _State, **kwargs):
        self.state = state
        super().__init__(*args, directory=str(state.out), **kwargs)

    def send_head(self):
        base, path = self.state.base, urlsplit(self.path).path
        if base != "/" and path in ("/", base.rstrip("/")):
            self.send_response(302)
            self.send_header("Location", base)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        if not path.startswith(base):
            self.send_error(404)
            return None
        return super().send_head()

    def translate_path(self, path):
        return super().translate_path("/" + urlsplit(path).path[len(self.state.base):])

    def log_request(self, code="-", size="-"):
        """Quiet unless asked: a line per request would drown the rebuild lines (errors are
        logged either way)."""
        if self.state.log_requests:
            super().log_request(code, size)

    def list_directory(self, path):
        self.send_error(404)
        return None

    def send_error(self, code, message=None, explain=None):
        if code != 404 or not send_not_found_page(self, self.state.out / "404.html"):
            super().send_error(code, message, explain)


def send_not_found_page(handler: http.server.BaseHTTPRequestHandler, page: Path) -> bool:
    """Answer 404 with the site's own page, as the Space does; False when there is none."""
    if not page.is_file():
        return False
    body = page.read_bytes()
    handler.send_response(404)
    handler.send_header("Content-Type", "text/html; charset=utf-8")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    if handler.command != "HEAD":
        handler.wfile.write(body)
    return True


class _State:
    """What the server and the watcher share: the config in use and the folder served."""

    def __init__(self, config: Config, out: Path, log_requests: bool = False):
        self.config = config
        self.out = out
        self.log_requests = log_requests

    @property
    def base(self) -> str:
        return base_path(self.config.site.base_url)


def serve(config: Config, out: Path, port: int, config_file: Path | None = None,
          reload: Callable[[], Config] | None = None, poll_seconds: float = POLL_SECONDS,
          log_requests: bool = False) -> int:
    """`reload` reads the config again (from `config_file`) when that file changes;
    `log_requests`: a line per request on stderr."""
    state = _State(config, Path(out), log_requests)
    try:
        server = http.server.ThreadingHTTPServer(
            ("127.0.0.1", port), functools.partial(_SiteHandler, state=state))
    except OSError as exc:
        print(f"serve: cannot listen on 127.0.0.1:{port}: {exc.strerror or exc}; name another "
              "port with --port N (0: any free one)", file=sys.stderr)
        return 2
    try:
        _rebuild(state.config, state.out, first=True)
        _say_what_is_not_watched(config)
        watcher = threading.Thread(target=_watch, daemon=True, name="collab-site-watch",
                                   args=(state, config_file, reload, poll_seconds))
        watcher.start()
        print(f"serving {out} at http://127.0.0.1:{server.server_address[1]}{state.base} "
              "(Ctrl-C to stop)", flush=True)
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


def _rebuild(config: Config, out: Path, first: bool = False) -> None:
    """Build; a failure is printed in a line or two, and the site served stays as it was. An
    output folder the first build refuses stops serve (OutputRefused): no site of ours is there."""
    from builder.build import build
    try:
        build(config, out)
    except OutputRefused as exc:
        if first:
            raise
        print(f"build refused, still serving the last site: {exc}", file=sys.stderr, flush=True)
    except Exception as exc:           # a theme's template error, a bucket folder gone, ...
        print(f"build failed, still serving the last site: {failure_line(exc)}", file=sys.stderr,
              flush=True)


def _say_what_is_not_watched(config: Config) -> None:
    if config.source_is_hub():
        print(f"the bucket {config.source.location} is not watched: restart serve to read it "
              "again (collab.toml and the theme are watched)", flush=True)


def _watched(config: Config, config_file: Path | None) -> list[Path]:
    paths = [config_file, config.theme_path(), None if config.source_is_hub() else config.source_dir()]
    return [p for p in paths if p is not None]


def _fingerprint(paths: list[Path], out: Path) -> tuple:
    """Every file below `paths` (the output folder left out), with its mtime and size."""
    out = out.resolve()
    seen = []
    for root in paths:
        inside = out.is_relative_to(root.resolve())
        for path in root.rglob("*") if root.is_dir() else [root]:
            if inside and path.resolve().is_relative_to(out):
                continue
            try:
                stat = path.stat()
            except OSError:               # gone while looking
                continue
            if not S_ISDIR(stat.st_mode):
                seen.append((str(path), stat.st_mtime_ns, stat.st_size))
    return tuple(sorted(seen))


def _watch(state: _State, config_file: Path | None, reload: Callable[[], Config] | None,
           poll_seconds: float) -> None:
    config_seen = _fingerprint([config_file], state.out) if config_file else ()
    seen = _fingerprint(_watched(state.config, config_file), state.out)
    while True:
        time.sleep(poll_seconds)
        try:
            if config_file and reload and _fingerprint([config_file], state.out) != config_seen:
                config_seen = _fingerprint([config_file], state.out)
                if not _reload(state, reload):
                    continue
            now = _fingerprint(_watched(state.config, config_file), state.out)
            if now != seen:
                seen = now
                print("change in the bucket folder, collab.toml or the theme: rebuilding", flush=True)
                _rebuild(state.config, state.out)
        except Exception as exc:          # the watcher must outlive anything
            print(f"watching failed once: {failure_line(exc)}", file=sys.stderr, flush=True)


def _reload(state: _State, reload: Callable[[], Config]) -> bool:
    """Read the config again; an error is printed and the config in use stays."""
    try:
        config = reload()
    except ConfigError as exc:
        for error in exc.errors:
            print(f"config error: {error}", file=sys.stderr, flush=True)
        print("still serving the last site; fix the config to rebuild", file=sys.stderr, flush=True)
        return False
    if config.source_is_hub() and config.source.location != state.config.source.location:
        _say_what_is_not_watched(config)
    state.config = config
    return True
