"""Any other JSONL: every record shown as an inert raw card."""
from __future__ import annotations

from builder.transcript.parser import Harness, Parser


class GenericParser(Parser):
    def handle(self, obj: dict) -> None:
        kind = obj.get("type")
        self.note_time(obj.get("timestamp"))
        self.raw_record(kind if isinstance(kind, str) else "", obj)


HARNESS = Harness(name="generic", parser=GenericParser, recognises=lambda obj: False)
