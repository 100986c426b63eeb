"""agents/{agent_id}.md: a registration (model, harness, tools, HF user, join time) and a bio."""
from __future__ import annotations

import re
from typing import Any

from builder import format as fmt
from builder.config import Config
from builder.model import NOTE, Agent, Problem
from builder.readers.frontmatter import brief, read_frontmatter, to_text
from builder.readers.kinds import Found, InputFile
from builder.readers.values import (
    name_in, parse_timestamp, scripts_mixed, stem, visible_name,
)

_TOOL_SEPARATORS = re.compile(r"\s*,\s*")


def read_agent(file: InputFile, config: Config) -> Found:
    """An Agent. Bad frontmatter degrades to id + bio."""
    path = file.path
    front = read_frontmatter(file.text)
    fields: dict[str, Any] = front.data or {}
    problems = [Problem(path, note) for note in front.notes]
    if front.error:
        problems.append(Problem(path, f"{front.error}; agent shown from its file name only"))
    joined = parse_timestamp(fields.get("joined"))
    if joined is None and to_text(fields.get("joined")).strip():
        problems.append(Problem(path, f"joined {brief(fields['joined'])!r} "
                                      "is not a valid time; shown as unknown"))
    named = name_in(fields, "agent_name", path, problems)
    file_name = visible_name(stem(path))[0]
    if named and named != file_name:
        problems.append(Problem(path, f"agent_name {brief(named)!r} is not the file's name "
                                      f"{file_name!r}; registered as {brief(named)!r}"))
    agent_id = named or file_name
    if scripts := scripts_mixed(agent_id):
        problems.append(Problem(path, f"agent id {agent_id!r} mixes "
                                      f"{fmt.in_words([s.title() for s in scripts])} letters: "
                                      "visitors may take it for another agent", NOTE))
    agent = Agent(
        id=agent_id,
        model=to_text(fields.get("agent_model")).strip(),
        harness=to_text(fields.get("agent_harness")).strip(),
        tools=parse_tools(fields.get("agent_tools")),
        hf_user=to_text(fields.get("hf_user")).strip(),
        joined=joined,
        bio=front.body.strip(),
        source_path=path,
        registered=True,
    )
    return Found(agents=(agent,), problems=tuple(problems))


def parse_tools(value: Any) -> tuple[str, ...]:
    """`[bash, hf, python]`, a block list, `bash, hf, python` or `bash hf python`."""
    if isinstance(value, (list, tuple)):
        items = [to_text(item).strip() for item in value]
    else:
        text = to_text(value).strip().strip("[]")
        items = _TOOL_SEPARATORS.split(text) if "," in text else text.split()
    return tuple(dict.fromkeys(item for item in items if item))
