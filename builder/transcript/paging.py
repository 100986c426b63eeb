"""A transcript's items split into pages of about N items, whole turns when they fit."""
from __future__ import annotations

from builder.transcript.items import Item
from builder.transcript.model import Transcript


def paginate(transcript: Transcript, per_page: int) -> tuple[tuple[Item, ...], ...]:
    """Split the items into pages of about `per_page` items (nested items count), whole turns
    per page when they fit; a turn larger than a page is split. No items: no pages."""
    per_page = max(1, per_page)
    pages: list[list] = []
    current: list = []
    weight = 0
    items = transcript.items
    i = 0
    while i < len(items):
        j = i
        while j < len(items) and items[j].turn == items[i].turn:
            j += 1
        group = items[i:j]
        group_weight = sum(x.weight for x in group)
        if current and weight + group_weight > per_page:
            pages.append(current)
            current, weight = [], 0
        if group_weight <= per_page:
            current.extend(group)
            weight += group_weight
        else:
            for item in group:
                w = item.weight
                if current and weight + w > per_page:
                    pages.append(current)
                    current, weight = [], 0
                current.append(item)
                weight += w
        i = j
    if current:
        pages.append(current)
    return tuple(tuple(p) for p in pages)


def turn_pages(pages: tuple[tuple[Item, ...], ...]) -> dict[int, int]:
    """Turn number -> the 1-based page holding its first item (for the turn index links)."""
    out: dict[int, int] = {}
    for number, page in enumerate(pages, 1):
        for item in page:
            out.setdefault(item.turn, number)
    return out
