"""The one way tests read HTML: BeautifulSoup over Python's own parser."""
from __future__ import annotations

import os
from collections import OrderedDict
from html.parser import HTMLParser
from pathlib import Path

from bs4 import BeautifulSoup, Tag
from bs4.element import PageElement

# Many tests read every page of the demo site, which a process builds once: each file is parsed
# once while it stays the same file (a rebuild replaces it), and its tree shared. Parsing was a
# third of test_site_pages.py's time. The demo's pages are 5 MB, their trees about 110 MB.
PARSED_BYTES = 8 << 20          # of HTML whose trees are kept, the least recently read dropped
_parsed: OrderedDict[tuple, tuple[BeautifulSoup, int]] = OrderedDict()
_kept = [0]                     # bytes of HTML in _parsed
_shared: set[int] = set()       # id() of the trees in _parsed


def soup(source: Path | str) -> BeautifulSoup:
    """The page's tree. A file's tree is shared with every other reader of that file: read it,
    never change it (copy.copy a tag to take parts away)."""
    if not isinstance(source, Path):
        return BeautifulSoup(source, "html.parser")
    stat = source.stat()
    key = (os.path.abspath(source), stat.st_dev, stat.st_ino, stat.st_mtime_ns, stat.st_size)
    if key in _parsed:
        _parsed.move_to_end(key)
        return _parsed[key][0]
    tree = BeautifulSoup(source.read_text(encoding="utf-8"), "html.parser")
    _parsed[key] = (tree, stat.st_size)
    _shared.add(id(tree))
    _kept[0] += stat.st_size
    while _kept[0] > PARSED_BYTES:
        (dropped, size) = _parsed.popitem(last=False)[1]
        _shared.discard(id(dropped))
        _kept[0] -= size
    return tree


class SharedTreeChanged(AssertionError):
    """A test changed a tree `soup` shares with the other readers of its file."""


def _in_a_shared_tree(element: PageElement) -> bool:
    root = element
    while root.parent is not None:
        root = root.parent
    return id(root) in _shared


def _refused_in_shared_trees(change):
    """`change` (a method of bs4's that changes a tree) raising SharedTreeChanged on a shared
    tree: a test that took a part out of a page's tree made every later reader of that page see
    it missing, and only when the two ran in the same process, in that order."""
    def guarded(element, *args, **kwargs):
        if _in_a_shared_tree(element):
            raise SharedTreeChanged(
                f"{change.__qualname__} on a tree soup() shares with every reader of its file: "
                f"change a copy (copy.copy(tag))")
        return change(element, *args, **kwargs)
    return guarded


# Every change of a tree goes through one of these (append, insert_before, replace_with, wrap,
# unwrap, clear, decompose and `tag.string = ...` call them); only `tag.attrs[...] = ...`
# changes a tag unseen.
for _owner, _name in ((PageElement, "extract"), (Tag, "_insert"), (Tag, "__setitem__"),
                      (Tag, "__delitem__"), (Tag, "smooth")):
    setattr(_owner, _name, _refused_in_shared_trees(getattr(_owner, _name)))


def count_elements(page: Path, name: str, class_: str) -> int:
    """How many `name` elements of class `class_` the page holds, counted by Python's HTML
    parser without making a tree: in a page of escaped text (each character an entity)
    BeautifulSoup makes a call per entity; eight trace pages of 1.2 MB took it 5.4 s of CPU,
    and 1.3 s counted so."""
    counter = _ElementCounter(name, class_)
    counter.feed(page.read_text(encoding="utf-8"))
    counter.close()
    return counter.count


class _ElementCounter(HTMLParser):
    def __init__(self, name: str, class_: str):
        super().__init__(convert_charrefs=True)
        self.name, self.class_, self.count = name, class_, 0

    def handle_starttag(self, tag, attrs):
        if tag == self.name and self.class_ in (dict(attrs).get("class") or "").split():
            self.count += 1


def text_of(node: Tag | None) -> str:
    """The text a reader sees, whitespace collapsed ("" when there is no such node)."""
    return " ".join(node.get_text(" ").split()) if node is not None else ""


def table_rows(page: BeautifulSoup, table_id: str) -> list[list[str]]:
    """The body rows of table #table_id, as the texts of their cells."""
    table = page.find("table", id=table_id)
    assert table is not None, f"no table #{table_id}"
    return [[text_of(td) for td in tr.find_all("td")] for tr in table.tbody.find_all("tr")]


def table_values(page: BeautifulSoup, table_id: str) -> list[list[str]]:
    """The data-value attributes of table #table_id's body cells (what sorting uses)."""
    table = page.find("table", id=table_id)
    assert table is not None, f"no table #{table_id}"
    return [[td.get("data-value", "") for td in tr.find_all("td")] for tr in table.tbody.find_all("tr")]


def links(page: BeautifulSoup, selector: str = "a[href]") -> list[tuple[str, str]]:
    """(class, href) of every link matching a CSS selector."""
    return [(" ".join(a.get("class", [])), a["href"]) for a in page.select(selector)]
