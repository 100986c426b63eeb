"""agents/{agent_id}.md: a registration (model, harness, tools, HF user, join time) and a bio."""
from __future__ import annotations

import re
from typing import Any

from builder.model import Agent, Problem
from builder.readers.frontmatter import decode, read_frontmatter, to_text
from builder.readers.values import basename, parse_timestamp, stem

_TOOL_SEPARATORS = re.compile(r"\s*,\s*")


def read_agent(path: str, data: bytes | str) -> tuple[Agent | None, tuple[Problem, ...]]:
    """An Agent; None (silently) for a folder README. Bad frontmatter degrades to id + bio."""
    if not basename(path).endswith(".md") or basename(path).lower() == "readme.md":
        return None, ()
    front = read_frontmatter(decode(data))
    fields: dict[str, Any] = front.data or {}
    problems: tuple[Problem, ...] = ()
    if front.error:
        problems = (Problem(path, f"{front.error}; agent shown from its file name only"),)
    return Agent(
        id=to_text(fields.get("agent_name")).strip() or stem(path),
        model=to_text(fields.get("agent_model")).strip(),
        harness=to_text(fields.get("agent_harness")).strip(),
        tools=parse_tools(fields.get("agent_tools")),
        hf_user=to_text(fields.get("hf_user")).strip(),
        joined=parse_timestamp(fields.get("joined")),
        bio=front.body.strip(),
        source_path=path,
        registered=True,
    ), problems


def parse_tools(value: Any) -> tuple[str, ...]:
    """`[bash, hf, python]`, a block list, `bash, hf, python` or `bash hf python`."""
    if isinstance(value, (list, tuple)):
        items = [to_text(item).strip() for item in value]
    else:
        text = to_text(value).strip().strip("[]")
        items = _TOOL_SEPARATORS.split(text) if "," in text else text.split()
    return tuple(dict.fromkeys(item for item in items if item))
