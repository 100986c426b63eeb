"""Full-text search without a server: Pagefind indexes the rendered pages, and its index and
browser runtime become files of the site under /pagefind/ (in the manifest, written and
published like any page, so the index always matches the pages beside it).

The build hands over the record of every rendered page (search_plan's `page_record`, made where
the page is rendered or kept with it in the page cache) with `extend`; search_plan.py says what
of a page is indexed and cuts the pages into shards.

Each shard is indexed by a Pagefind process of its own (so memory is bounded by a shard). A
Pagefind process takes about five times as much memory while it writes its index as while it
is given the pages, so one shard at a time writes its index while the next is given its pages
(two cores busy), and no more run at once: see `AT_ONCE`. A shard's files are kept
in the render cache under a key made of exactly what it indexes: a build indexes only the
shards whose pages changed, and a shard indexed again from the same pages gives the same bytes.
A shard is served from /pagefind/<shard>/, the runtime from /pagefind/ (with an index of its
own, of one page the search page never shows: Pagefind loads its WebAssembly from where its
first index is), and `shards.json` lists the shards, oldest first, for the search page to
search them all.

The fragments (a page's text, title and filters, what a result shows) of every shard share one
folder, /pagefind/fragment/, each named after its bytes: when small shards merge into a larger
one, or a page moves to another shard, its fragment keeps its name and place, and a merge changes
the shards' few index files, not one file per page (415 files when four shards of 64 pages
merged, about 4,000 for 2,048; at 10,000 messages the run that merges eight shards into one of
2,048 pages changes 81 files of the site, 47 of them superseded index files). A page's id in
its shard's metadata, which a first search loads for every page, is its shard and its
fragment's digits ("s2048/1a2b3c4d": the search page groups results by shard); the runtime is
changed to fetch the fragment from the shared folder (`fragments_shared`), where Pagefind
fetches `<shard>/fragment/<page id>.pf_fragment`.

Within a shard Pagefind numbers pages in the order they arrive and every index file holds page
numbers, so pages go in their time order: a new message comes last, and changes the files of
the newest shard that hold its words, not all of them.

The `pagefind_bin` wheel provides the binary. The `pagefind` package's asyncio client reads one
answer per tenth of a second and its folder indexing numbers pages in directory order, so that
package is not used: the few lines of the service's protocol (base64 JSON requests and
answers, comma-separated, on stdin and stdout) are spoken here. This module runs programs and
reads the render cache: it is an edge of the pipeline, like write.py, and nothing else in
builder/ talks to Pagefind.
"""
from __future__ import annotations

import base64
import gzip
import hashlib
import json
import os
import re
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from itertools import chain
from pathlib import Path, PurePosixPath
from typing import Any, Callable, Iterable, Iterator, Mapping, Sequence

from builder import pagefind_format
from builder.cache import RenderCache
from builder.parallel import worker_count
from builder.search_plan import LEVELS, PageRecord, Shard, plan_shards

FOLDER = "pagefind"
LANGUAGE = "en"
SHARDS = "shards.json"
CACHE = "search-shard"
# Bumped when what is done to Pagefind's output here changes (the cached shards are remade).
FORMAT = "6"
# What the search page loads: the runtime, its worker and wasm, the entry file and the index.
# Pagefind's own UI bundles are left out (the site has its own search page).
RUNTIME = ("pagefind.js", "pagefind-worker.js", f"wasm.{LANGUAGE}.pagefind")
INDEX_PARTS = ("index", "fragment", "filter")
FRAGMENTS = "fragment/"
_FRAGMENT_START, _FRAGMENT_END = f"{FRAGMENTS}{LANGUAGE}_", ".pf_fragment"
# Where Pagefind's runtime fetches a page's fragment (its id is the variable).
_FRAGMENT_URL = re.compile(rb"`\$\{this\.basePath\}fragment/\$\{(\w+)\}\.pf_fragment`")
_BUNDLE_FOLDER = re.compile(rf"{FOLDER}/(?:([us])([0-9]+)/)?")       # see plan_shards
# Of a fragment's name: a clash is rare and handled (`site_files`), each digit adds to the
# metadata a first search loads.
FRAGMENT_DIGITS = 8
# Pagefind's licence asks that its notice travel with the runtime: the theme ships it, and the
# runtime's scripts name it (relative to them, so any base path works).
NOTICE = "vendor/pagefind.LICENSE.txt"
BANNER = f"/*! Pagefind (MIT licence): see ../static/{NOTICE} */\n".encode()

ReadPart = Callable[[str], bytes]        # a page's path in the site -> its indexed part
# Pagefind's allocator (jemalloc) keeps freed blocks of up to 32 kB per thread and gives larger
# ones back to the system at once: the buffers of 44 and 68 kB it takes for each page are paged
# in afresh for the next page (650,000 page faults, a fifth of its CPU, at 10,000 pages).
# Blocks of up to 128 kB are kept instead, for about 3 MB more per process. An allocator that
# does not read this variable ignores it; one set by the caller wins.
ALLOCATOR = ("_RJEM_MALLOC_CONF", "lg_tcache_max:17")
_WRITING = threading.Lock()             # one shard writes its index at a time (see above)
# Pagefind processes at once, however many cores there are. Writes go one at a time, and a
# shard is given its 2,048 pages (0.41 s) in about the time the one before writes its index
# (0.33 s): a third process could cut the indexing by a fifth at most. But each process that
# waits to write holds the index of its pages (about 33 MiB): with one per core, the 10k
# build's peak grew by 30 MiB per core beyond two (332 MiB with four workers, 272 with two).
AT_ONCE = 2
PIPE_BYTES = 1 << 16                    # what a pipe holds (Linux): a full read leaves more to read
ANSWERS_GATHER = 0.005                  # seconds to let Pagefind's answers gather between reads


class SearchError(RuntimeError):
    """Pagefind could not build the index (its reason is the message)."""


class SearchIndex:
    """Collects the pages to index during one build; `files(read)` returns the search bundle
    by its path in the site, reading (with `read`) the indexed parts of the shards to index. The
    render cache keeps the shards of the latest build only; `bundles` names the entry of each
    folder of the bundle (restore.py lists them)."""

    def __init__(self, cache_dir: Path | None = None,
                 levels: Sequence[tuple[int, int]] = LEVELS) -> None:
        self._cache = RenderCache(cache_dir)
        self._levels = levels
        self._records: list[PageRecord] = []
        self.bundles: dict[str, str] = {}     # folder of the site -> cache key of its files

    def extend(self, records: Iterable[PageRecord | None]) -> None:
        """The records of rendered files (search_plan.page_record; None for what is not indexed)."""
        self._records.extend(r for r in records if r is not None)

    @property
    def pages(self) -> int:
        return len(self._records)

    def files(self, read: ReadPart) -> Iterator[tuple[str, bytes]]:
        """The search bundle (`read` gives a page's indexed part by its path), ("pagefind/<name>", bytes) one file at a time, shard after shard
        (so memory holds a shard's files, not the bundle's): the same bytes for the same pages."""
        shards = plan_shards(self._records, self._levels)
        binary = pagefind_program()
        salt = f"{FORMAT}; {_version(binary)}; {LANGUAGE}"
        runtime = self._cached(f"{FOLDER}/", hashlib.sha256(f"runtime; {salt}".encode()).hexdigest(),
                               lambda: _runtime(binary))
        with ThreadPoolExecutor(max_workers=max(1, min(worker_count(), AT_ONCE, len(shards)))) as pool:
            parts = pool.map(lambda s: self._cached(f"{FOLDER}/{s.name}/", s.key(salt),
                                                    lambda: _index(binary, s, read)),
                             shards)
            yield from site_files(chain([(f"{FOLDER}/", runtime)],
                                        zip((f"{FOLDER}/{s.name}/" for s in shards), parts)))
        yield shard_list(s.name for s in shards)
        self._cache.prune([CACHE])              # the shards of this site only

    def _cached(self, folder: str, key: str, make: Callable[[], dict[str, bytes]]) -> dict[str, bytes]:
        self.bundles[folder] = key
        packed = self._cache.get(CACHE, key, lambda: pagefind_format.pack_files(make()))
        try:
            return pagefind_format.unpack_files(packed)
        except ValueError:                      # a damaged cache entry: make it again
            return make()


def site_files(bundles: Iterable[tuple[str, Mapping[str, bytes]]]) -> Iterator[tuple[str, bytes]]:
    """The files of the bundle's folders ("pagefind/" of the runtime, then each shard's, in
    `folder_order`), by their path in the site. A fragment whose name a fragment of other bytes
    took in a folder before (one in 2**32 a pair by chance, or two pages made to collide) goes
    under its whole digest: of two pages, the later one, so a fragment's name keeps its bytes
    when shards merge. The build and a restore (restore.py) both lay out the files so."""
    taken: dict[str, str] = {}            # a fragment's name -> the sha256 of its bytes
    for folder, files in bundles:
        files = _apart_from(taken, files, PurePosixPath(folder).name)
        yield from ((site_path(folder, name), data) for name, data in sorted(files.items()))


def shard_list(names: Iterable[str]) -> tuple[str, bytes]:
    """The file that lists the shards (their folders' names, oldest first) for the search page."""
    return f"{FOLDER}/{SHARDS}", json.dumps({"shards": list(names)}).encode()


def folder_order(folder: str) -> tuple[int, int] | None:
    """Where the bundle's folder ("pagefind/s512/") comes in `site_files`: the runtime's first,
    then the shards in plan_shards' order, those without a time ("u") first, each by its first
    page (the number in its name). None: not a folder of the bundle."""
    found = _BUNDLE_FOLDER.fullmatch(folder)
    if found is None:
        return None
    kind, start = found.groups()
    return (0, 0) if kind is None else ((1 if kind == "u" else 2), int(start))


def site_path(folder: str, name: str) -> str:
    """Where the file `name` of the bundle's folder `folder` ("pagefind/s0/") is in the site:
    a fragment in the folder all shards share."""
    return f"{FOLDER}/{name}" if name.startswith(FRAGMENTS) else folder + name


def _apart_from(taken: dict[str, str], part: Mapping[str, bytes], shard: str) -> Mapping[str, bytes]:
    """The shard's files, with a fragment that has the name of one of other bytes in `taken`
    under its whole digest instead; its fragments are added to `taken`."""
    digests = {name: hashlib.sha256(data).hexdigest() for name, data in part.items()
               if name.startswith(FRAGMENTS)}
    clash = {name for name, digest in digests.items() if taken.get(name, digest) != digest}
    taken.update((name, digest) for name, digest in digests.items() if name not in clash)
    if not clash:
        return part
    out = {name: data for name, data in part.items() if name not in clash}
    renamed: dict[str, str] = {}
    for name in clash:
        new = f"{FRAGMENTS}{LANGUAGE}_{digests[name]}.pf_fragment"
        renamed[_page_id(name, shard)] = _page_id(new, shard)
        out[new] = part[name]
        taken[new] = digests[name]

    def rename(meta: list, _: dict[str, bytes]) -> None:
        for page in meta[1]:
            page[0] = renamed.get(page[0], page[0])

    return _with_meta(out, rename)


def _page_id(fragment: str, shard: str) -> str:
    """The id a shard's meta gives the page of this fragment: the shard, then the fragment's
    name without what every fragment's name has ("s2048/1a2b3c4d" for
    "fragment/en_1a2b3c4d.pf_fragment"; the runtime finds it there, see `fragments_shared`)."""
    return f"{shard}/{fragment.removeprefix(_FRAGMENT_START).removesuffix(_FRAGMENT_END)}"


def fragments_shared(runtime: bytes) -> bytes:
    """A script of Pagefind's runtime, made to fetch a page's fragment by its id (`_page_id`)
    from the folder all shards share: the page "s2048/1a2b3c4d" from
    <shard>/../fragment/en_1a2b3c4d.pf_fragment, where Pagefind fetches
    <shard>/fragment/<id>.pf_fragment. (The runtime's own page, never shown, has an id of
    Pagefind's, and its fragment is not where that leads.)"""
    patched, found = _FRAGMENT_URL.subn(
        lambda m: b'`${this.basePath}../%s${%s.slice(%s.indexOf("/") + 1)}%s`'
        % (_FRAGMENT_START.encode(), m[1], m[1], _FRAGMENT_END.encode()), runtime)
    if found != 1:
        raise SearchError("this Pagefind's runtime fetches fragments as the build does not know "
                          "(collab-site needs Pagefind 1.5)")
    return patched


def pagefind_program() -> Path:
    """The Pagefind program of the pagefind_bin wheel. (The pagefind package's own lookup
    imports asyncio for its client: about 40 ms of every build's start.)"""
    try:
        from pagefind_bin import get_executable
        return get_executable()
    except (ImportError, FileNotFoundError) as exc:
        raise SearchError(f"the Pagefind program is missing (install collab-site's "
                          f"dependencies): {exc}") from exc


def _version(binary: Path) -> str:
    """"pagefind 1.5.2" (what the index files follow from, besides the pages)."""
    try:
        run = subprocess.run([str(binary), "--version"], capture_output=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise SearchError(f"the Pagefind program does not run: {exc}") from exc
    return f"{binary.name} {run.stdout.decode(errors='replace').strip()}"


def _index(binary: Path, shard: Shard, read: ReadPart) -> dict[str, bytes]:
    """One shard's files to serve, from a Pagefind process of its own."""
    return _pagefind(binary, ({"type": "AddFile", "file_path": None, "url": page.url,
                               "file_contents": read(page.path).decode("utf-8")}
                              for page in shard.pages), shard=shard.name)


def _runtime(binary: Path) -> dict[str, bytes]:
    """Pagefind's browser runtime, with the index it loads first: one page, the search page,
    without the filter every search of a shard names (so no search ever finds it)."""
    files = _pagefind(binary, [{"type": "AddRecord", "url": "/search/", "content": "Search",
                                "language": LANGUAGE, "meta": {"title": "Search"}}], shard="")
    return {name: BANNER + fragments_shared(data) if name.endswith(".js") else data
            for name, data in files.items()}


def _pagefind(binary: Path, requests: Iterable[Mapping[str, Any]], shard: str) -> dict[str, bytes]:
    """The files to serve of an index of `requests` (of the runtime's own when `shard` is "")."""
    with _Service(binary) as service:
        index = service.ask({"type": "NewIndex", "config": {"force_language": LANGUAGE}})["index_id"]
        for request in requests:
            service.send({**request, "index_id": index})
        service.wait()                          # every page indexed, none refused
        with _WRITING:
            written = service.ask({"type": "GetFiles", "index_id": index})["files"]
    files = {f["path"]: base64.b64decode(f["content"]) for f in written}
    return stable_bundle({name: data for name, data in files.items() if _is_served(name, not shard)},
                         shard)


class _Service:
    """`pagefind --service`: requests go to its stdin and answers come from its stdout, each
    base64-encoded JSON followed by a comma, in the order of the requests.

    Answers are read only while one is awaited, many at a time: Pagefind answers each page as
    it indexes it, and a thread that read each answer as it came woke once a page (about 0.5 s
    of the build's CPU at 10,000 messages, and two in five of the index's context switches).
    Pagefind queues its answers while the pipe is full, so sending every page before reading
    any never blocks."""

    def __init__(self, binary: Path) -> None:
        self._process = subprocess.Popen([str(binary), "--service"], stdin=subprocess.PIPE,
                                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                         env={ALLOCATOR[0]: ALLOCATOR[1], **os.environ})
        self._sent = self._answered = 0       # the numbers of the latest request and answer
        self._pending: list[bytes] = []     # the start of an answer not read in full yet

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
        self._process.stdout.close()

    def send(self, payload: Mapping[str, Any]) -> None:
        self._sent += 1
        message = json.dumps({"message_id": self._sent, "payload": payload}).encode()
        try:
            self._process.stdin.write(base64.b64encode(message) + b",")
        except BrokenPipeError as exc:
            raise SearchError("the Pagefind service stopped") from exc

    def wait(self) -> dict[str, Any]:
        """The answer to the latest request (once every answer before it came, none an error;
        {} when it was answered before)."""
        try:
            self._process.stdin.flush()
        except BrokenPipeError as exc:
            raise SearchError("the Pagefind service stopped") from exc
        payload: dict[str, Any] = {}
        while self._answered < self._sent:
            answers, more = self._read()
            for answer in answers:
                payload = answer["payload"]
                if payload.get("type") == "Error":
                    raise SearchError(f"Pagefind: {payload.get('message', 'unknown error')}")
                self._answered = answer.get("message_id") or self._answered
            if not more and self._answered < self._sent:
                time.sleep(ANSWERS_GATHER)      # let the next answers gather in the pipe
        return payload

    def ask(self, payload: Mapping[str, Any]) -> dict[str, Any]:
        self.send(payload)
        return self.wait()

    def _read(self) -> tuple[list[dict[str, Any]], bool]:
        """The answers that came since the last read (waiting for some), and whether more is
        on its way already: the read took all the pipe holds, or ended inside an answer (the
        files of an index, megabytes long, come through the pipe a part at a time)."""
        chunk = self._process.stdout.read1(PIPE_BYTES)
        if not chunk:
            raise SearchError("the Pagefind service stopped without answering")
        self._pending.append(chunk)
        answers: list[dict[str, Any]] = []
        if b"," in chunk:
            *complete, rest = b"".join(self._pending).split(b",")
            self._pending = [rest]
            answers = [json.loads(base64.b64decode(item)) for item in complete]
        return answers, len(chunk) == PIPE_BYTES or any(self._pending)


def _is_served(name: str, runtime: bool) -> bool:
    top = name.split("/", 1)[0]
    return (runtime and name in RUNTIME or top in INDEX_PARTS or name.endswith(".pf_meta")
            or name == "pagefind-entry.json")


def stable_bundle(files: Mapping[str, bytes], shard: str = "") -> dict[str, bytes]:
    """The bundle with its filter files and metadata in a fixed order, named by their content;
    with `shard`, its fragments are named after their bytes too, for the folder all shards share
    ("fragment/en_1a2b3c4" -> "fragment/en_<8 digits of their sha256>"), and its pages' ids
    name the shard and the fragment (see the module).

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

    def stable(meta: list, files: dict[str, bytes]) -> None:
        ids = _shared_fragments(files, shard, [page[0] for page in meta[1]]) if shard else {}
        meta[3] = sorted([filter_name, names.get(h, h)] for filter_name, h in meta[3])
        meta[4] = sorted(meta[4])
        for page in meta[1]:
            page[0] = ids.get(page[0], page[0])

    return _with_meta(out, stable)


def _shared_fragments(files: dict[str, bytes], shard: str, pages: Sequence[str]) -> dict[str, str]:
    """The fragments in `files` of the pages (Pagefind's ids, in their order: their time order)
    renamed after their bytes (after all of their digest when an earlier page has the short
    name); {Pagefind's id of each page: its id in the shard}."""
    ids: dict[str, str] = {}
    for page in pages:
        data = files.pop(f"{FRAGMENTS}{page}.pf_fragment")
        digest = hashlib.sha256(data).hexdigest()
        name = f"{FRAGMENTS}{LANGUAGE}_{digest[:FRAGMENT_DIGITS]}.pf_fragment"
        if files.get(name, data) != data:
            name = f"{FRAGMENTS}{LANGUAGE}_{digest}.pf_fragment"
        files[name] = data
        ids[page] = _page_id(name, shard)
    return ids


def _with_meta(files: Mapping[str, bytes], edit: Callable[[list, dict[str, bytes]], None]
               ) -> dict[str, bytes]:
    """`files` with the metadata file of each language changed by `edit` (in place, on the
    decoded list; it may change the other files too), named after its new bytes, and the entry
    file naming it."""
    out = dict(files)
    entry_path = "pagefind-entry.json"
    if entry_path not in files:
        return out
    entry = json.loads(files[entry_path])
    for language in entry["languages"].values():
        meta = pagefind_format.decode(_unpack(out.pop(f"pagefind.{language['hash']}.pf_meta")))
        edit(meta, out)
        data = _pack(pagefind_format.encode(meta))
        language["hash"] = _hashed(language["hash"], data)
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
