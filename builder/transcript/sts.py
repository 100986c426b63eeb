"""STS (Session Trace Simple Format) logs: a session record, then one record per message."""
from __future__ import annotations

import json
from datetime import datetime, timezone

from builder.transcript.items import AssistantText, InjectedContext, Prompt, Thinking
from builder.transcript.parser import Harness, Parser
from builder.transcript.text import as_dict, as_list, as_str


class StsParser(Parser):
    def handle(self, obj: dict) -> None:
        kind = as_str(obj.get("type"))
        if kind == "session":
            for key in ("harness", "id", "name"):
                if isinstance(obj.get(key), str):
                    self.meta[key] = obj[key][:500]
            self.title = self.title or as_str(obj.get("name"))
            return
        if kind != "message":
            self.raw_record(kind, obj)
            return
        msg = as_dict(obj.get("message"))
        ts = msg.get("timestamp")
        if isinstance(ts, (int, float)) and not isinstance(ts, bool) and 0 < ts < 1e14:
            self.ts = datetime.fromtimestamp(ts / 1000, timezone.utc)
            self.first_ts = self.first_ts or self.ts
            self.last_ts = self.ts
        role = as_str(msg.get("role"))
        content = msg.get("content")
        if isinstance(content, list):
            content = "\n\n".join(as_str(as_dict(c).get("text")) for c in content)
        text = as_str(content)
        self.add_model(msg.get("model"))
        if role == "user":
            if text.strip():
                text = self.text(text)
                self.start_turn(text)
                self.emit(Prompt(text=text, **self.base()))
        elif role == "assistant":
            if as_str(msg.get("reasoningContent")).strip():
                self.emit(Thinking(text=self.text(msg["reasoningContent"]), **self.base()))
            if text.strip():
                self.emit(AssistantText(text=self.text(text), **self.base()))
            for call in as_list(msg.get("toolCalls")):
                c = as_dict(call)
                fn = as_dict(c.get("function"))
                raw = fn.get("arguments")
                try:
                    args = json.loads(raw) if isinstance(raw, str) else raw
                    self.new_call(as_str(c.get("id")), as_str(fn.get("name")), args)
                except (ValueError, RecursionError):
                    self.new_call(as_str(c.get("id")), as_str(fn.get("name")), None, str(raw))
        elif role == "tool":
            call_id = as_str(msg.get("toolCallId"))
            call = self.calls.get(call_id)
            if call is None:
                self.orphan(call_id, self.text(text), False, (), None)
            elif call.result is None:
                call.result = self.text(text)
                call.failed = msg.get("isError") is True
        elif role in ("system", "developer"):
            self.emit(InjectedContext(context_kind=role, text=self.text(text), **self.base()))
        else:
            self.raw_record(f"message/{role[:50]}", obj)


def _recognises(obj: dict) -> bool:
    return obj.get("type") == "session" and "harness" in obj


HARNESS = Harness(name="sts", parser=StsParser, recognises=_recognises)
