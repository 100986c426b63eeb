"""`collab-site serve` as a user runs it: a process that binds 127.0.0.1 before it builds, serves
the site under its base_url path with the site's own 404.html, and rebuilds when the bucket
folder, collab.toml or the theme change, outliving a rebuild that fails and a config that does
not read. Each test waits for what it expects with a deadline, never for a fixed time."""
from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from builder.cli import main
from tests.conftest import FIXTURES, REPO
from tests.hub_fixtures import collab_files

BUCKET = FIXTURES / "readers" / "gen2-bucket"
FIRST_BUILD = 120.0           # seconds; a cold render cache renders the Vega runtime once
CHANGE = 120.0                # seconds for a change to be seen and built (a deadline: a loaded
                              # machine took over 30 s to rebuild with the theme recompiled)


def project(tmp_path: Path, site: str = 'title = "First"') -> Path:
    """collab.toml, a copy of a small bucket and a theme_dir that overrides 404.html."""
    shutil.copytree(BUCKET, tmp_path / "bucket")
    templates = tmp_path / "theme" / "templates"
    templates.mkdir(parents=True)
    (tmp_path / "theme" / "static").mkdir()
    (tmp_path / "theme" / "static" / "style.css").write_text("body { color: navy; }\n")
    not_found(tmp_path, "Lost here")
    config = tmp_path / "collab.toml"
    config.write_text(f'[site]\n{site}\ntheme_dir = "theme"\n[source]\nlocation = "bucket"\n')
    return config


def not_found(root: Path, heading: str, end: str = "{% endblock %}") -> None:
    (root / "theme" / "templates" / "404.html").write_text(
        '{% extends "collab-site/404.html" %}\n'
        f"{{% block content %}}<h1>{heading}</h1>{end}\n", encoding="utf-8")


def new_message(root: Path, n: int) -> None:
    (root / "bucket" / "message_board" / f"20260616-0{n}0000-000_kitan.md").write_text(
        f"---\nagent: kitan\ntimestamp: 2026-06-16 0{n}:00 UTC\n---\nMessage {n}\n")


def eventually(condition, timeout: float = CHANGE, what: str = ""):
    """The first true value of `condition()` before the deadline (polled every 50 ms)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := condition():
            return value
        time.sleep(0.05)
    raise AssertionError(f"not within {timeout:.0f}s: {what}")


class Served:
    """A `collab-site serve` process; `lines` is what it has printed so far."""

    def __init__(self, config: Path, *flags: str):
        self.lines: list[str] = []
        self.process = subprocess.Popen(
            [sys.executable, "-m", "builder", "serve", "--config", str(config),
             "--out", str(config.parent / "site"), "--port", "0", *flags],
            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1", "HF_HUB_DISABLE_XET": "1"})
        threading.Thread(target=self._read, daemon=True).start()
        self.url = eventually(self._url, FIRST_BUILD, "a 'serving ... at URL' line")

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    def _url(self) -> str | None:
        return next((m[1] for line in self.lines if (m := re.search(r" at (http://\S+)", line))),
                    None)

    def printed(self, text: str) -> bool:
        return any(text in line for line in self.lines)

    def get(self, path: str) -> tuple[int, str]:
        origin = re.match(r"http://[^/]+", self.url)[0]
        try:
            with urllib.request.urlopen(origin + path, timeout=10) as answer:
                return answer.status, answer.read().decode("utf-8")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


@contextlib.contextmanager
def served(config: Path, *flags: str):
    server = Served(config, *flags)
    try:
        yield server
    finally:
        server.stop()


def title(server: Served, path: str = "/") -> str:
    return re.search(r"<title>(.*?)</title>", server.get(path)[1])[1]


def test_the_site_is_served_under_the_base_url_path_with_its_own_404_page(tmp_path):
    config = project(tmp_path, 'title = "First"\nbase_url = "https://example.org/collab/"')
    with served(config) as server:
        assert server.url.endswith("/collab/")
        status, home = server.get("/collab/")
        assert status == 200 and "<title>First" in home
        assert server.get("/collab/agents/kitan/")[0] == 200
        assert server.get("/collab/static/style.css")[1] == "body { color: navy; }\n"
        for lost in ("/collab/nowhere/", "/agents/kitan/", "/collab/static/"):
            status, page = server.get(lost)
            assert status == 404 and "<h1>Lost here</h1>" in page, lost


def test_requests_are_not_printed_but_errors_are(tmp_path):
    """Every request printed a line, and the rebuild messages were lost among them."""
    with served(project(tmp_path)) as server:
        assert server.get("/")[0] == 200 and server.get("/nowhere/")[0] == 404
        host, port = re.match(r"http://([^:/]+):(\d+)", server.url).groups()
        with socket.create_connection((host, int(port)), timeout=10) as bad:
            bad.sendall(b"NONSENSE\r\n\r\n")
            assert b"Error code: 400" in bad.recv(400)
        eventually(lambda: server.printed("code 400"), what="the bad request's error line")
        assert not any('"GET ' in line for line in server.lines), server.lines


def test_log_requests_prints_a_line_per_request_with_its_status(tmp_path, capsys):
    """Requests were no longer printed at all: an operator could not see what a browser asked
    for, nor which addresses answered 404."""
    with served(project(tmp_path), "--log-requests") as server:
        assert server.get("/")[0] == 200 and server.get("/nowhere/")[0] == 404
        eventually(lambda: server.printed('"GET /nowhere/ HTTP/1.1" 404'), what="the 404's line")
        assert server.printed('"GET / HTTP/1.1" 200')
    assert main(["serve", "--help"]) == 0
    assert "--log-requests" in capsys.readouterr().out


def test_a_rebuild_that_fails_is_printed_and_the_next_change_is_built(tmp_path):
    config = project(tmp_path)
    with served(config) as server:
        not_found(tmp_path, "Broken", end="")                 # no endblock: a template error
        new_message(tmp_path, 1)
        eventually(lambda: server.printed("TemplateSyntaxError"), what="the template error")
        failure = next(i for i, line in enumerate(server.lines) if "TemplateSyntaxError" in line)
        assert not any("Traceback" in line for line in server.lines)
        assert "<h1>Lost here</h1>" in server.get("/nowhere/")[1]       # the last site stays
        not_found(tmp_path, "Fixed")
        new_message(tmp_path, 2)
        eventually(lambda: "<h1>Fixed</h1>" in server.get("/nowhere/")[1], what="the fixed 404")
        report = [line for line in server.lines[failure:] if not line.startswith("127.0.0.1 - -")]
        assert "templates/404.html:" in report[0] and report[1].startswith("change in")  # one line


def test_collab_toml_and_the_theme_are_watched_and_a_config_error_keeps_the_last_site(tmp_path):
    config = project(tmp_path)
    with served(config) as server:
        assert title(server).startswith("First")
        config.write_text(config.read_text().replace('"First"', '"Second"'))
        eventually(lambda: title(server).startswith("Second"), what="the new title")

        (tmp_path / "theme" / "static" / "style.css").write_text("body { color: teal; }\n")
        eventually(lambda: server.get("/static/style.css")[1] == "body { color: teal; }\n",
                   what="the theme's new style sheet")

        config.write_text(config.read_text() + "colour = 1\n")          # an unknown key
        eventually(lambda: server.printed(f"config error: {config}: source.colour: unknown key"),
                   what="the config error")
        assert title(server).startswith("Second")
        config.write_text(config.read_text().replace("colour = 1\n", "").replace('"Second"', '"Third"'))
        eventually(lambda: title(server).startswith("Third"), what="the title after the fix")


def test_with_a_hub_bucket_it_says_once_that_the_bucket_is_not_watched(hub, tmp_path):
    hub.add_bucket("collab-org/served", collab_files(n_messages=3, n_results=2, n_agents=2))
    config = tmp_path / "collab.toml"
    config.write_text('[site]\ntitle = "First"\n[source]\nlocation = "hf://buckets/collab-org/served"\n'
                      f'cache_dir = "{(tmp_path / "cache").as_posix()}"\n')
    with served(config) as server:
        config.write_text(config.read_text().replace('"First"', '"Second"'))
        eventually(lambda: title(server).startswith("Second"), what="the new title")
        notes = [line for line in server.lines if "not watched" in line]
    assert notes == ["the bucket hf://buckets/collab-org/served is not watched: restart serve to "
                     "read it again (collab.toml and the theme are watched)"]


def test_a_busy_port_is_one_line_and_exit_2_before_any_build(tmp_path, capsys):
    config = project(tmp_path)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["serve", "--config", str(config), "--out", str(tmp_path / "site"),
                     "--port", str(port)]) == 2
    printed = capsys.readouterr()
    assert printed.err == (f"serve: cannot listen on 127.0.0.1:{port}: Address already in use; "
                           "name another port with --port N (0: any free one)\n")
    assert not (tmp_path / "site").exists()


def test_a_port_out_of_range_is_a_usage_error(tmp_path, capsys):
    assert main(["serve", "--port", "99999"]) == 2
    assert "argument --port: '99999' is not a port (0 to 65535" in capsys.readouterr().err
