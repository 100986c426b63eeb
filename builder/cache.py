"""On-disk caches of deterministic renders, so a build does work in proportion to what changed.

Every entry is found by a digest of everything its output depends on (the caller's key), never
by a name or a time: an entry can be missing, never stale. A damaged, truncated or unwritable
cache is ignored (the work is done again), never fatal. Each build keeps only the entries it
used (`prune`), so the cache stays the size of one site.

Three shapes, for three kinds of output:
* `RenderCache`: one file per entry (the chart's SVGs and documents, the templates compiled to
  Python: few and large), each starting with its content's sha256;
* `TextCache`: one file of many small texts, a line each (markdown bodies rendered to HTML,
  what each bucket file yields, and the input key of each file by its size and time), added to
  as builds make new ones;
* `PageCache`: rendered pages appended to a few pack files, with a JSON index from page key to
  (pack, offset, length, digest, search facts): thousands of pages cost a few files, not
  thousands, and a page taken from the cache need not be read again for the search index.
  A page's indexed part (search_plan.indexed_part) follows its bytes in the pack, so the search
  index is given it without computing it again (`read_part`).
"""
from __future__ import annotations

import copyreg
import dataclasses
import hashlib
import io
import json
import operator
import os
import pickle
import tempfile
from dataclasses import dataclass
from itertools import chain
from json.decoder import scanstring
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping

from builder.model import LEVELS, Level
from builder.search_plan import SearchFacts


def digest_of(*parts: str | bytes) -> str:
    """sha256 over the parts, each length-prefixed (no two part lists give the same input)."""
    h = hashlib.sha256()
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "big") + data)
    return h.hexdigest()


def value_key(salt: str, value: object) -> str | None:
    """A digest of `salt` and `value` pickled, or None when `value` cannot be pickled. The
    pickler runs without its memo ("fast" mode), so the key does not depend on which equal
    values happen to be one object, which varies with what the process did before (a batch
    rendered in this process fills caches that the next batches' contexts then share)."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=5)
    pickler.fast = True
    pickler.dispatch_table = _REDUCERS
    try:
        pickler.dump(value)
    except (pickle.PicklingError, TypeError, AttributeError, RecursionError, ValueError):
        return None                              # ValueError: a cycle, which fast mode refuses
    return digest_of(salt, buffer.getvalue())


class _Reducers(dict):
    """The key pickler's reducers, one per type as it comes: a dataclass is reduced to its class
    and its fields' values, as pickle does but without looking its fields up every time (which
    was most of a page key's time); any other type as pickle reduces it."""

    def __missing__(self, cls: type) -> Callable[[Any], tuple]:
        if dataclasses.is_dataclass(cls):
            values = _field_values(tuple(f.name for f in dataclasses.fields(cls)))
            reduce = lambda obj: (cls, values(obj))  # noqa: E731
        else:
            reduce = copyreg.dispatch_table.get(cls) or (lambda obj: obj.__reduce_ex__(5))
        self[cls] = reduce
        return reduce


_REDUCERS = _Reducers()


def _field_values(names: tuple[str, ...]) -> Callable[[Any], tuple]:
    """The tuple of an object's values of `names`, got in one call (operator.attrgetter)."""
    if len(names) > 1:
        return operator.attrgetter(*names)
    if names:
        get = operator.attrgetter(names[0])
        return lambda obj: (get(obj),)
    return lambda obj: ()


def write_atomically(path: Path, data: bytes | Iterable[bytes]) -> bool:
    """Whole file or nothing (temporary file, then rename); False when it could not be written.
    `data` may come in parts, so that a large file is never whole in memory."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        with os.fdopen(fd, "wb") as fh:
            if isinstance(data, bytes):
                fh.write(data)
            else:
                fh.writelines(data)
        os.replace(tmp, path)
        return True
    except OSError:
        return False


class RenderCache:
    """namespace/sha256(key) -> bytes, one file each."""

    def __init__(self, folder: Path | None):
        self.folder = folder
        self.used: set[Path] = set()

    def has(self, namespace: str, key: str) -> bool:
        return self.find(namespace, key) is not None

    def find(self, namespace: str, key: str) -> bytes | None:
        """The entry's bytes when the cache holds it whole, else None."""
        return _checked(self._path(namespace, key)) if self.folder is not None else None

    def get(self, namespace: str, key: str, produce: Callable[[], bytes]) -> bytes:
        if self.folder is None:
            return produce()
        path = self._path(namespace, key)
        self.used.add(path)
        found = _checked(path)
        if found is not None:
            return found
        data = produce()
        write_atomically(path, hashlib.sha256(data).hexdigest().encode() + b"\n" + data)
        return data

    def holds_any(self, namespace: str) -> bool:
        """Whether the cache holds an entry of `namespace` (whole or not)."""
        try:
            return self.folder is not None and any(os.scandir(self.folder / namespace))
        except OSError:
            return False

    def keep(self, namespace: str, key: str) -> None:
        """Keep the entry of `key` (made or read in another process) when the build prunes."""
        if self.folder is not None:
            self.used.add(self._path(namespace, key))

    def _path(self, namespace: str, key: str) -> Path:
        assert self.folder is not None
        return self.folder / namespace / hashlib.sha256(key.encode()).hexdigest()

    def prune(self, namespaces: Iterable[str]) -> None:
        """Delete the entries of these namespaces that this build did not use."""
        if self.folder is None:
            return
        for namespace in namespaces:
            _remove_except(self.folder / namespace, self.used)


class TextCache:
    """key -> text, kept in one file of lines `key<TAB>the text as a JSON string`.

    A build that used every entry of the file adds the ones it made to its end (a cron run adds
    a few to thousands); one that left an entry unused (or found the file damaged) rewrites it
    with the entries it used, so the file keeps only what the last build used."""

    def __init__(self, path: Path | None):
        self.path = path
        self.entries, self.damaged = _load_lines(path) if path else ({}, False)
        self.used: dict[str, str] = {}
        self.kept: set[str] = set()              # entries used as they are, unread (keep_as_is)

    def has(self, key: str) -> bool:
        """Whether this build kept a text for `key`, or the file holds a line for it (`get` may
        still find that damaged)."""
        return key in self.used or key in self.entries

    def get(self, key: str) -> str | None:
        """The text of `key`: the one this build kept (a cold build reads the results for the
        chart first, then with the rest of the bucket), else the file's."""
        if key in self.used:
            return self.used[key]
        raw = self.entries.get(key)
        if raw is None:
            return None
        text = text_of(raw)
        if text is None:                                 # a damaged line: made again, rewritten
            del self.entries[key]
            self.damaged = True
        return text

    def keep(self, key: str, text: str) -> None:
        if "\t" not in key and "\n" not in key:
            self.used[key] = text

    def keep_as_is(self, key: str) -> str | None:
        """The entry of `key` as the file holds it (its text as a JSON string, for `text_of`),
        kept for the next build without being read; None when there is none. In a file found
        damaged (a line cut short by a crash) each entry is read first: a damaged one is not
        kept, so the text is made again and the file written whole."""
        raw = self.entries.get(key)
        if raw is None or (self.damaged and text_of(raw) is None):
            return None
        self.kept.add(key)
        return raw

    def save(self) -> None:
        """Write what this build used (only what it added, when it used all there was), then
        let go of the entries and of the file's (a second save writes nothing)."""
        if self.path is not None:
            unused = self.damaged or any(key not in self.used and key not in self.kept
                                         for key in self.entries)
            added = [(key, text) for key, text in self.used.items() if key not in self.entries]
            if unused or (added and not self.entries):
                write_atomically(self.path, self._used_lines())
            elif added:
                _append(self.path, _lines(added))
        self.entries, self.used, self.kept, self.damaged = {}, {}, set(), False

    def _used_lines(self) -> Iterator[bytes]:
        """Every entry this build used, in key order, one line at a time: the texts it kept, and
        the entries it kept as they are (but those it read and found damaged)."""
        as_is = [key for key in self.kept if key in self.entries and key not in self.used]
        for key in sorted(chain(self.used, as_is)):
            text = self.used.get(key)
            raw = json.dumps(text) if text is not None else self.entries[key]
            yield f"{key}\t{raw}\n".encode()


def _load_lines(path: Path) -> tuple[dict[str, str], bool]:
    """A TextCache file's entries (key -> the text's JSON, decoded when asked for), and whether
    some line was not an entry (a damaged file, or one of another format)."""
    try:
        data = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}, False
    except (OSError, UnicodeDecodeError):
        return {}, True
    entries, damaged = {}, bool(data) and not data.endswith("\n")
    for line in data.split("\n"):
        key, tab, raw = line.partition("\t")
        if tab:
            entries[key] = raw
        elif line:
            damaged = True
    return entries, damaged


def text_of(raw: str) -> str | None:
    """The text of an entry as the file holds it (TextCache.keep_as_is), or None when `raw` is
    not one JSON string and nothing more (a damaged line). json's own string scanner does it:
    json.loads costs twice as much, most of it around the scan."""
    if not raw.startswith('"'):
        return None
    try:
        text, end = scanstring(raw, 1)
    except ValueError:
        return None
    return text if end == len(raw) else None


def _lines(entries: Iterable[tuple[str, str]]) -> Iterator[bytes]:
    return (f"{key}\t{json.dumps(text)}\n".encode() for key, text in entries)


def _append(path: Path, data: Iterable[bytes]) -> None:
    """Added at the end (the file ends with a line end: see _load_lines); a line cut short by
    a crash is seen as damage by the next build."""
    try:
        with open(path, "ab") as fh:
            fh.writelines(data)
    except OSError:
        pass


SMALL_PACK = 1 << 20          # packs smaller than this are merged into one


@dataclass(frozen=True, slots=True)
class Packed:
    """Where a cached page is: `length` bytes at `offset` of pack file `pack`; its sha256, and
    what the search index takes of it (search_plan.page_facts of its bytes)."""

    pack: str
    offset: int
    length: int
    digest: str
    search: SearchFacts | None = None

    @classmethod
    def load(cls, value: object) -> Packed | None:
        """From the index's JSON, or None when it is not what `save` writes."""
        if not isinstance(value, list) or len(value) != 5:
            return None
        pack, offset, length, digest, search = value
        if search is not None:
            if not (isinstance(search, list) and len(search) == 3
                    and [type(v) for v in search] == [str, int, str]):
                return None
            search = tuple(search)
        if not (isinstance(pack, str) and type(offset) is type(length) is int and isinstance(digest, str)):
            return None
        return cls(pack, offset, length, digest, search)


def member_fingerprint(group: str, number: int) -> str:
    """The fingerprint of the page `number` of a group of pages planned together."""
    return f"{group}#{number}"


@dataclass(frozen=True)
class PageGroup:
    """Pages planned together: their URLs, the problems planning them found (path, reason,
    level), the bucket paths their text cites, and `links`, what those led to
    (pages.spec.DeferredPages)."""

    urls: tuple[str, ...]
    problems: tuple[tuple[str, str, Level], ...]
    cited: tuple[str, ...] = ()
    links: str = ""

    @classmethod
    def load(cls, value: object) -> PageGroup | None:
        if not (isinstance(value, list) and len(value) == 4
                and all(isinstance(v, list) for v in value[:3]) and isinstance(value[3], str)):
            return None
        urls, problems, cited, links = value
        if not (urls and all(isinstance(u, str) for u in urls)
                and all(isinstance(p, list) and len(p) == 3 and all(isinstance(x, str) for x in p)
                        and p[2] in LEVELS for p in problems)
                and all(isinstance(c, str) for c in cited)):
            return None
        return cls(tuple(urls), tuple((path, reason, level) for path, reason, level in problems),
                   tuple(cited), links)

    def saved(self) -> list[Any]:
        return [list(self.urls), [list(p) for p in self.problems], list(self.cited), self.links]


@dataclass(frozen=True, slots=True)
class BlockPage:
    """One page of a block (pages.spec.PageBlock), as the page cache keeps it."""

    url: str
    fingerprint: str
    weight: int


def block_text(pages: Iterable[BlockPage]) -> str:
    """A block's pages as the cache keeps them: a line each, one string for the whole block
    (at 100,000 messages a tuple a page would hold several times as much)."""
    return "".join(f"{p.url}\t{p.fingerprint}\t{p.weight}\n" for p in pages)


def block_pages(text: str) -> list[BlockPage] | None:
    """The pages `block_text` wrote, or None when the text is not what it writes."""
    pages = []
    for line in text.splitlines():
        fields = line.split("\t")
        if len(fields) != 3 or not fields[2].isdigit():
            return None
        pages.append(BlockPage(fields[0], fields[1], int(fields[2])))
    return pages


class PageCache:
    """Rendered pages by page key. Reading happens in worker processes (each opens the packs it
    needs); writing happens through `PackWriter`s, one per worker batch; the parent merges what
    the workers report into `used` and saves the index at the end of the build."""

    def __init__(self, folder: Path | None):
        self.folder = folder
        raw = _load_json_object(folder / "index.json") if folder else {}
        self.index = {key: packed for key, value in raw.items()
                      if (packed := Packed.load(value)) is not None}
        self.used: dict[str, Packed] = {}
        fingerprints = _load_json_object(folder / "fingerprints.json") if folder else {}
        self.fingerprints = {fp: key for fp, key in fingerprints.items() if isinstance(key, str)}
        self.used_fingerprints: dict[str, str] = {}
        groups = _load_json_object(folder / "groups.json") if folder else {}
        self.groups = {fp: group for fp, value in groups.items() if (group := PageGroup.load(value))}
        self.used_groups: dict[str, PageGroup] = {}
        blocks = _load_json_object(folder / "blocks.json") if folder else {}
        self.blocks = {fp: text for fp, text in blocks.items() if isinstance(text, str)}
        self.used_blocks: dict[str, str] = {}

    def find(self, key: str) -> Packed | None:
        return self.index.get(key)

    def key_for(self, fingerprint: str) -> str | None:
        """The page key a page of this fingerprint had, when the cache still holds that page."""
        key = self.fingerprints.get(fingerprint)
        return key if key is not None and key in self.index else None

    def group_for(self, fingerprint: str) -> PageGroup | None:
        """The pages planned together under this fingerprint (see pages.spec.DeferredPages)."""
        return self.groups.get(fingerprint)

    def block_for(self, fingerprint: str) -> list[tuple[BlockPage, str]] | None:
        """The pages of the block of this fingerprint (see pages.spec.PageBlock), each with its
        page key, when the cache knows the block and the key of each page (else None)."""
        text = self.blocks.get(fingerprint)
        pages = block_pages(text) if text is not None else None
        keys = [self.key_for(page.fingerprint) for page in pages or ()]
        if not pages or None in keys:
            return None
        return list(zip(pages, keys))

    def read(self, packed: Packed, handles: dict[str, int]) -> bytes | None:
        """The page's bytes, or None when the pack is gone, short or not what the index says."""
        if self.folder is None:
            return None
        try:
            fd = handles.get(packed.pack)
            if fd is None:
                fd = handles[packed.pack] = os.open(self.folder / _pack_name(packed.pack), os.O_RDONLY)
            data = os.pread(fd, packed.length, packed.offset)
        except (OSError, ValueError):
            return None
        if len(data) != packed.length or hashlib.sha256(data).hexdigest() != packed.digest:
            return None
        return data

    def read_part(self, packed: Packed, handles: dict[str, int]) -> bytes | None:
        """The page's indexed part, or None when the pack does not hold it after the page (a
        pack written before parts were kept there, or damaged)."""
        if packed.search is None:
            return None
        _, size, digest = packed.search
        return self.read(Packed(packed.pack, packed.offset + packed.length, size, digest), handles)

    def writer(self) -> PackWriter | None:
        return PackWriter(self.folder) if self.folder is not None else None

    def save(self) -> None:
        """Keep the index of what this build used; drop packs nothing uses any more, and rewrite
        packs mostly made of unused pages (and small ones into one), so the cache stays about
        the size of one site in a few files."""
        if self.folder is None:
            return
        live: dict[str, int] = {}
        for packed in self.used.values():
            live[packed.pack] = live.get(packed.pack, 0) + packed.length + _part_size(packed)
        self.used = self._compacted(live)
        packs = {p.pack for p in self.used.values()}
        _remove_except(self.folder, {self.folder / _pack_name(p) for p in packs}, suffix=".pack")
        index = {k: [p.pack, p.offset, p.length, p.digest, p.search] for k, p in sorted(self.used.items())}
        write_atomically(self.folder / "index.json", json.dumps(index).encode())
        fingerprints = {fp: key for fp, key in sorted(self.used_fingerprints.items()) if key in self.used}
        write_atomically(self.folder / "fingerprints.json", json.dumps(fingerprints).encode())
        groups = {fp: g.saved() for fp, g in sorted(self.used_groups.items())
                  if all(member_fingerprint(fp, n) in fingerprints for n in range(len(g.urls)))}
        write_atomically(self.folder / "groups.json", json.dumps(groups).encode())
        blocks = {fp: text for fp, text in sorted(self.used_blocks.items())
                  if all(page.fingerprint in fingerprints for page in block_pages(text) or [None])}
        write_atomically(self.folder / "blocks.json", json.dumps(blocks).encode())

    def _compacted(self, live: Mapping[str, int]) -> dict[str, Packed]:
        assert self.folder is not None
        sparse, small = set(), set()
        for pack, size in live.items():
            try:
                on_disk = (self.folder / _pack_name(pack)).stat().st_size
            except OSError:
                continue
            if size * 2 < on_disk:
                sparse.add(pack)
            elif on_disk < SMALL_PACK:
                small.add(pack)
        sparse |= small if len(small) > 1 else set()
        if not sparse:
            return dict(self.used)
        writer, handles, kept = PackWriter(self.folder), {}, {}
        for key, packed in self.used.items():
            if packed.pack not in sparse:
                kept[key] = packed
            elif (data := self.read(packed, handles)) is not None:
                part = self.read_part(packed, handles)
                kept[key] = writer.add(data, packed.digest, packed.search, part or b"")
        writer.close()
        close_handles(handles)
        return {k: p for k, p in kept.items() if p is not None}


class PackWriter:
    """Appends pages to one new pack file (opened on first use)."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.fh = None
        self.name = ""
        self.offset = 0
        self.failed = False

    def add(self, data: bytes, digest: str, search: SearchFacts | None = None, part: bytes = b""
            ) -> Packed | None:
        """Appends the page, then its indexed part (`search` describes it)."""
        if self.failed:
            return None
        try:
            if self.fh is None:
                self.folder.mkdir(parents=True, exist_ok=True)
                fd, path = tempfile.mkstemp(dir=self.folder, suffix=".pack")
                self.fh, self.name = os.fdopen(fd, "wb"), Path(path).stem
            self.fh.write(data)
            self.fh.write(part)
        except OSError:
            self.failed = True
            return None
        packed = Packed(self.name, self.offset, len(data), digest, search)
        self.offset += len(data) + len(part)
        return packed

    def close(self) -> bool:
        """False when something could not be written: then nothing from this pack may be used."""
        if self.fh is not None:
            try:
                self.fh.close()
            except OSError:
                self.failed = True
        return not self.failed


def _part_size(packed: Packed) -> int:
    return packed.search[1] if packed.search else 0


def close_handles(handles: dict[str, int]) -> None:
    for fd in handles.values():
        try:
            os.close(fd)
        except OSError:
            pass
    handles.clear()


def _checked(path: Path) -> bytes | None:
    """An entry's bytes when the file is whole (it starts with their sha256), else None."""
    try:
        raw = path.read_bytes()
    except OSError:
        return None
    digest, _, data = raw.partition(b"\n")
    return data if hashlib.sha256(data).hexdigest().encode() == digest else None


def _pack_name(pack: str) -> str:
    if not pack or "/" in pack or pack.startswith("."):
        raise ValueError(f"not a pack name: {pack!r}")
    return pack + ".pack"


def _load_json_object(path: Path) -> dict:
    try:
        data = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _remove_except(folder: Path, keep: set[Path], suffix: str = "") -> None:
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        path = Path(entry.path)
        if entry.is_file(follow_symlinks=False) and path.name.endswith(suffix) and path not in keep:
            try:
                path.unlink()
            except OSError:
                pass
