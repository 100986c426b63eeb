"""The pages a build has finished (rendered or taken from the page cache, and staged), kept
compact in the build process until the search index, the manifest and the page cache's index
are made of them.

As `Emitted` records a page took about 900 bytes (its path, four sha256 digests as text, three
small objects), 100 MiB at 100,000 messages, held through the render stage, whose workers are
forked from this process. Here every column is packed: digests as 32 bytes each, numbers in
arrays, texts (paths, search times) in one buffer each, and a None as a byte, about 250 bytes a
page."""
from __future__ import annotations

from array import array
from typing import Iterable, Iterator

from builder.cache import Packed
from builder.emit import Emitted
from builder.search_plan import PageRecord
from builder.write import Entry

DIGEST = 32                             # bytes of a sha256
DIGEST_KIND, NONE, OTHER = 0, 1, 2      # what a value of Digests is


class Digests:
    """Hex sha256 digests (or None), 32 bytes each; any other text is kept as it is (a damaged
    cache index may hold one, a fingerprint may be another text), so that each comes back as
    it came. A None takes a byte, not an entry of a dict (with its number: an object each)."""

    def __init__(self) -> None:
        self._packed = bytearray()
        self._kinds = bytearray()                  # DIGEST_KIND, NONE or OTHER, one per value
        self._other: dict[int, str] = {}

    def append(self, digest: str | None) -> None:
        raw = _raw(digest)
        self._packed += raw if raw is not None else bytes(DIGEST)
        kind = DIGEST_KIND if raw is not None else NONE if digest is None else OTHER
        if kind == OTHER:
            self._other[len(self._kinds)] = digest
        self._kinds.append(kind)

    def __getitem__(self, at: int) -> str | None:
        kind = self._kinds[at]
        if kind != DIGEST_KIND:
            return None if kind == NONE else self._other[at]
        return self._packed[at * DIGEST:(at + 1) * DIGEST].hex()


class Texts:
    """Texts (or None), packed in one buffer as UTF-8 (any string: lone surrogates kept), each
    given back as it came."""

    def __init__(self) -> None:
        self._packed = bytearray()
        self._ends = array("q")
        self._none = bytearray()                   # 1 for a None, one per value

    def append(self, text: str | None) -> None:
        if text is not None:
            self._packed += text.encode("utf-8", "surrogatepass")
        self._none.append(text is None)
        self._ends.append(len(self._packed))

    def __len__(self) -> int:
        return len(self._ends)

    def __getitem__(self, at: int) -> str | None:
        if self._none[at]:
            return None
        start = self._ends[at - 1] if at else 0
        return self._packed[start:self._ends[at]].decode("utf-8", "surrogatepass")

    def __iter__(self) -> Iterator[str | None]:
        return (self[at] for at in range(len(self._ends)))


def _raw(digest: str | None) -> bytes | None:
    if digest is None or len(digest) != 2 * DIGEST:
        return None
    try:
        raw = bytes.fromhex(digest)
    except ValueError:
        return None
    return raw if raw.hex() == digest else None


CHANGED, RENDERED, PACKED, SEARCHED, PACKED_SEARCH = 1, 2, 4, 8, 16     # a page's flags


class FinishedPages:
    """Every `Emitted` added, in order, each column one value a page."""

    def __init__(self) -> None:
        self.paths = Texts()
        self._flags = bytearray()
        self._digests = Digests()              # of the file's bytes
        self._keys = Digests()                 # page cache keys (None: a data file, or no key)
        self._fingerprints = Digests()         # most are digests (pages.spec)
        self._packs: dict[str, int] = {}       # pack name -> its number in _pack_names
        self._pack_names: list[str] = []
        self._pack_of = array("l")             # the page's pack number (-1: not packed)
        self._offsets = array("q")
        self._lengths = array("q")
        self._times = Texts()                  # the search facts: time, size, digest
        self._sizes = array("q")
        self._search_digests = Digests()
        self._packed_digests: dict[int, str] = {}    # those not the file's (see _add)

    def add(self, done: Iterable[Emitted]) -> None:
        for d in done:
            self._add(d)

    def _add(self, d: Emitted) -> None:
        packed, facts = d.packed, d.packed.search if d.packed else None
        if d.search is not None:
            facts = (d.search.time, d.search.size, d.search.digest)
        self.paths.append(d.entry.path)
        self._flags.append(CHANGED * d.entry.changed | RENDERED * d.rendered
                           | PACKED * (packed is not None) | SEARCHED * (d.search is not None)
                           | PACKED_SEARCH * (packed is not None and packed.search is not None))
        self._digests.append(d.entry.digest)
        self._keys.append(d.key)
        self._fingerprints.append(d.fingerprint)
        self._pack_of.append(self._pack_number(packed.pack) if packed else -1)
        self._offsets.append(packed.offset if packed else 0)
        self._lengths.append(packed.length if packed else 0)
        self._times.append(facts[0] if facts else None)
        self._sizes.append(facts[1] if facts else 0)
        self._search_digests.append(facts[2] if facts else None)
        if packed is not None and packed.digest != d.entry.digest:     # a damaged cache index
            self._packed_digests[len(self.paths) - 1] = packed.digest

    def _pack_number(self, pack: str) -> int:
        if pack not in self._packs:
            self._packs[pack] = len(self._pack_names)
            self._pack_names.append(pack)
        return self._packs[pack]

    def __len__(self) -> int:
        return len(self.paths)

    @property
    def rendered(self) -> int:
        return sum(1 for flags in self._flags if flags & RENDERED)

    @property
    def html_pages(self) -> int:
        return sum(1 for path in self.paths if path.endswith(".html"))

    def entries(self) -> dict[str, Entry]:
        """Path -> Entry of each file (the last one at a path, as a dict made of them keeps)."""
        return {path: Entry(path, self._digests[i], bool(self._flags[i] & CHANGED))
                for i, path in enumerate(self.paths)}

    def search_records(self) -> Iterator[PageRecord]:
        for i, path in enumerate(self.paths):
            if self._flags[i] & SEARCHED:
                yield PageRecord(self._times[i], path, self._sizes[i], self._search_digests[i])

    def cached(self) -> Iterator[tuple[str, str, Packed, str | None]]:
        """(path, page key, where the cache holds it, fingerprint) of each page the page cache
        holds."""
        for i, path in enumerate(self.paths):
            key = self._keys[i]
            if key is not None and self._flags[i] & PACKED:
                yield path, key, self._packed(i), self._fingerprints[i]

    def positions(self) -> dict[str, int]:
        """Path -> the number of its file (the last one at a path, as `entries`)."""
        return {path: i for i, path in enumerate(self.paths)}

    def packed(self, i: int) -> Packed | None:
        """Where the page cache holds the `i`th file, if it does."""
        return self._packed(i) if self._flags[i] & PACKED else None

    def _packed(self, i: int) -> Packed:
        search = ((self._times[i], self._sizes[i], self._search_digests[i])
                  if self._flags[i] & PACKED_SEARCH else None)
        return Packed(self._pack_names[self._pack_of[i]], self._offsets[i], self._lengths[i],
                      self._packed_digests.get(i, self._digests[i]), search)
