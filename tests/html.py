"""The one way tests read HTML: BeautifulSoup over Python's own parser."""
from __future__ import annotations

from pathlib import Path

from bs4 import BeautifulSoup, Tag


def soup(source: Path | str) -> BeautifulSoup:
    text = source.read_text(encoding="utf-8") if isinstance(source, Path) else source
    return BeautifulSoup(text, "html.parser")


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
