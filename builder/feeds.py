"""Atom feeds: the newest messages, and every record (a result that beat the best so far).

Agent text goes in as escaped plain text (summaries), never as HTML."""
from __future__ import annotations

from datetime import datetime
from typing import Sequence
from xml.sax.saxutils import escape, quoteattr

from builder import format as fmt
from builder.model import Message, Result

FEED_SIZE = 50


def _iso(ts: datetime | None) -> str:
    return fmt.iso(ts) or "1970-01-01T00:00:00Z"


def _uri(url: str) -> str:
    """Atom ids must be absolute URIs: site-relative URLs get a stable urn."""
    return url if "://" in url else "urn:collab-site:" + url


def _entry(entry_id: str, title: str, link: str, updated: datetime | None, author: str, summary: str) -> str:
    return (f"<entry><id>{escape(_uri(entry_id))}</id><title>{escape(title)}</title>"
            f"<link href={quoteattr(link)}/><updated>{_iso(updated)}</updated>"
            f"<author><name>{escape(author)}</name></author>"
            f"<summary>{escape(summary)}</summary></entry>")


def atom(feed_id: str, title: str, self_url: str, site_url: str, entries: Sequence[str],
         updated: datetime | None) -> bytes:
    head = ('<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
            f"<id>{escape(_uri(feed_id))}</id><title>{escape(title)}</title>"
            f'<link rel="self" href={quoteattr(self_url)}/><link href={quoteattr(site_url)}/>'
            f"<updated>{_iso(updated)}</updated>")
    return (head + "".join(entries) + "</feed>\n").encode("utf-8")


def message_entries(messages: Sequence[Message], url_for, title_for, excerpt_for) -> list[str]:
    newest = list(reversed(messages))[:FEED_SIZE]
    return [_entry(url_for(m.id), f"{m.agent}: {title_for(m.id)}", url_for(m.id), m.timestamp,
                   m.agent, excerpt_for(m.id)) for m in newest]


def record_entries(records: Sequence[Result], url_for, score_for) -> list[str]:
    newest = list(reversed(records))[:FEED_SIZE]
    return [_entry(url_for(r.id), f"New record: {score_for(r)} by {r.agent}", url_for(r.id),
                   r.timestamp, r.agent, f"{r.method}. {r.description}".strip(". "))
            for r in newest]
