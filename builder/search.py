"""Full-text search without a server: Pagefind indexes the rendered pages, and its index and
browser runtime become files of the site under /pagefind/ (in the manifest, written and
published like any page, so the index always matches the pages beside it).

A page joins the index when its template marks what to index: `data-pagefind-body` (with
`data-pagefind-filter` / `-meta` / `-sort` inside), on messages, results, agents and traces.
The build hands over every rendered page (`add`); marked pages are spooled to a private
temporary folder, and `files()` feeds them to Pagefind's indexing service in a fixed order:
by the time the marked element names (`data-search-time`), then by path. Pagefind numbers
pages in the order they arrive and every index file holds page numbers, so this order makes
the index the same on every machine and puts a new message or result last: one more message
changes the index files that hold its words, not all of them.

The `pagefind` package provides the binary; its asyncio client reads one answer per tenth of a
second and its folder indexing numbers pages in directory order, so the few lines of the
service's protocol (base64 JSON requests and answers, comma-separated, on stdin and stdout)
are spoken here. This module runs a program and uses a temporary folder: it is an edge of the
pipeline, like write.py, and nothing else in builder/ talks to Pagefind.
"""
from __future__ import annotations

import base64
import gzip
import hashlib
import json
import re
import subprocess
import tempfile
import threading
from pathlib import Path, PurePosixPath
from typing import Any, Mapping

from builder import pagefind_format

MARK = b"data-pagefind-body"
TIME = re.compile(rb'data-search-time="([^"]*)"')
FOLDER = "pagefind"
LANGUAGE = "en"
# What the search page loads: the runtime, its worker and wasm, the entry file and the index.
# Pagefind's own UI bundles are left out (the site has its own search page).
RUNTIME = ("pagefind.js", "pagefind-worker.js", "pagefind-entry.json", f"wasm.{LANGUAGE}.pagefind")
INDEX_PARTS = ("index", "fragment", "filter")


class SearchError(RuntimeError):
    """Pagefind could not build the index (its reason is the message)."""


class SearchIndex:
    """Collects the pages to index during one build; `files()` returns the search bundle by
    its path in the site and removes the spool folder (so does garbage collection, if the
    build fails before)."""

    def __init__(self) -> None:
        self._spool = tempfile.TemporaryDirectory(prefix="collab-site-search-")
        self._pages: list[tuple[str, str, Path]] = []      # (time, site path, spooled copy)

    def add(self, path: str, data: bytes) -> None:
        """A rendered output file, by its path in the site; only marked HTML pages are kept."""
        found = self.spool(path, data)
        if found is not None:
            self.extend([found])

    def spool(self, path: str, data: bytes) -> tuple[str, str, Path] | None:
        """Keep a marked page for the index (named by its path, so that forked workers may
        spool pages too); what `extend` then takes. None for a page not to index."""
        if not path.endswith(".html") or MARK not in data:
            return None
        rel = PurePosixPath(path)
        if rel.is_absolute() or ".." in rel.parts:
            raise ValueError(f"not a path in the site: {path!r}")
        spooled = Path(self._spool.name, hashlib.sha256(path.encode()).hexdigest() + ".html")
        spooled.write_bytes(_main_part(data))
        when = TIME.search(data)
        return when.group(1).decode() if when else "", path, spooled

    def extend(self, spooled: list[tuple[str, str, Path]]) -> None:
        self._pages.extend(spooled)

    @property
    def pages(self) -> int:
        return len(self._pages)

    def files(self) -> dict[str, bytes]:
        """The search bundle, {"pagefind/<name>": bytes}: the same bytes for the same pages."""
        try:
            written = _index(sorted(self._pages))
        finally:
            self._spool.cleanup()
        kept = {name: data for name, data in written.items() if _is_served(name)}
        return {f"{FOLDER}/{name}": data for name, data in sorted(stable_bundle(kept).items())}


def _main_part(page: bytes) -> bytes:
    """The page's <main> as a page of its own: the header, menu and footer hold nothing to
    index, and Pagefind parses pages one at a time (a third less to parse)."""
    start, end = page.find(b"<main"), page.rfind(b"</main>")
    if not 0 <= start < end:
        return page
    return b'<!doctype html><html lang="en"><body>' + page[start:end + 7] + b"</body></html>"


def _index(pages: list[tuple[str, str, Path]]) -> dict[str, bytes]:
    from pagefind.service import get_executable

    binary = get_executable()
    if binary is None:
        raise SearchError("the Pagefind program is missing (install collab-site's dependencies)")
    with _Service(binary) as service:
        index = service.ask({"type": "NewIndex", "config": {"force_language": LANGUAGE}})["index_id"]
        sent = [service.send({"type": "AddFile", "index_id": index, "file_path": None,
                              "url": _page_url(path),
                              "file_contents": spooled.read_text(encoding="utf-8")})
                for _, path, spooled in pages]
        for number in sent:
            service.answer(number)
        files = service.ask({"type": "GetFiles", "index_id": index})["files"]
    return {f["path"]: base64.b64decode(f["content"]) for f in files}


def _page_url(path: str) -> str:
    """"messages/x/index.html" -> "/messages/x/" (Pagefind adds the site's base itself)."""
    return "/" + path.removesuffix("index.html")


class _Service:
    """`pagefind --service`: requests go to its stdin and answers come from its stdout, each
    base64-encoded JSON followed by a comma. A thread reads the answers as they come, so the
    pipes never fill up while the pages are sent."""

    def __init__(self, binary: Path) -> None:
        self._process = subprocess.Popen([str(binary), "--service"], stdin=subprocess.PIPE,
                                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self._answers: dict[int, dict[str, Any]] = {}
        self._ready = threading.Condition()
        self._done = False
        self._sent = 0
        self._reader = threading.Thread(target=self._read, name="pagefind-answers", daemon=True)
        self._reader.start()

    def __enter__(self) -> _Service:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._process.stdin:
            self._process.stdin.close()         # the service exits at the end of its input
        try:
            self._process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._reader.join()

    def send(self, payload: Mapping[str, Any]) -> int:
        self._sent += 1
        message = json.dumps({"message_id": self._sent, "payload": payload}).encode()
        try:
            self._process.stdin.write(base64.b64encode(message) + b",")
        except BrokenPipeError as exc:
            raise SearchError("the Pagefind service stopped") from exc
        return self._sent

    def answer(self, number: int) -> dict[str, Any]:
        self._process.stdin.flush()
        with self._ready:
            self._ready.wait_for(lambda: number in self._answers or self._done)
            payload = self._answers.pop(number, None)
        if payload is None:
            raise SearchError("the Pagefind service stopped without answering")
        if payload.get("type") == "Error":
            raise SearchError(f"Pagefind: {payload.get('message', 'unknown error')}")
        return payload

    def ask(self, payload: Mapping[str, Any]) -> dict[str, Any]:
        return self.answer(self.send(payload))

    def _read(self) -> None:
        pending: list[bytes] = []
        try:
            while chunk := self._process.stdout.read1(1 << 16):
                pending.append(chunk)
                if b"," not in chunk:
                    continue
                *complete, rest = b"".join(pending).split(b",")
                pending = [rest]
                answers = [json.loads(base64.b64decode(item)) for item in complete]
                with self._ready:
                    for a in answers:
                        self._answers[a.get("message_id") or 0] = a["payload"]
                    self._ready.notify_all()
        finally:
            with self._ready:
                self._done = True
                self._ready.notify_all()


def _is_served(name: str) -> bool:
    top = name.split("/", 1)[0]
    return name in RUNTIME or top in INDEX_PARTS or name.endswith(".pf_meta")


def stable_bundle(files: Mapping[str, bytes]) -> dict[str, bytes]:
    """The bundle with its filter files and metadata in a fixed order, named by their content.

    Pagefind 1.5 writes the values of each filter, and the lists of filters and sorts, in
    hash-map order, which changes from run to run: the same pages would give different files
    (and a publish of unchanged content). Everything else it writes is already stable."""
    out = dict(files)
    names: dict[str, str] = {}
    for path in sorted(p for p in files if p.startswith("filter/")):
        name, values = pagefind_format.decode(_unpack(files[path]))
        data = _pack(pagefind_format.encode([name, sorted(values)]))
        old = PurePosixPath(path).stem
        names[old] = _hashed(old, data)
        del out[path]
        out[f"filter/{names[old]}.pf_filter"] = data
    entry_path = "pagefind-entry.json"
    if entry_path not in files:
        return out
    entry = json.loads(files[entry_path])
    for language in entry["languages"].values():
        old_meta = f"pagefind.{language['hash']}.pf_meta"
        meta = pagefind_format.decode(_unpack(files[old_meta]))
        meta[3] = sorted([filter_name, names.get(h, h)] for filter_name, h in meta[3])
        meta[4] = sorted(meta[4])
        data = _pack(pagefind_format.encode(meta))
        language["hash"] = _hashed(language["hash"], data)
        del out[old_meta]
        out[f"pagefind.{language['hash']}.pf_meta"] = data
    out[entry_path] = json.dumps(entry, ensure_ascii=False, separators=(",", ":")).encode()
    return out


SIGNATURE = b"pagefind_dcd"


def _unpack(data: bytes) -> bytes:
    raw = gzip.decompress(data)
    if not raw.startswith(SIGNATURE):
        raise SearchError("unexpected Pagefind file format")
    return raw[len(SIGNATURE):]


def _pack(payload: bytes) -> bytes:
    return gzip.compress(SIGNATURE + payload, compresslevel=9, mtime=0)


def _hashed(old: str, data: bytes) -> str:
    """A name like Pagefind's ("en_1a2b3c4"), of the same length, from the file's content."""
    language, _, digits = old.partition("_")
    return f"{language}_{hashlib.sha256(data).hexdigest()[:len(digits)]}"
