"""taskforces/{name}/README.md: a working group's charter, its members and its folder's files.

The charter names its members on a line that starts with "Members:" (or "Team:"), as
@mentions, a "(lead)" after a name marking who leads; a "Lead:" line names leads. Frontmatter
`title`, `members` and `lead` (or `leads`), when present, win over the text. A role line that
holds nothing but names leaves the charter's text: the pages show its members apart.
"""
from __future__ import annotations

import re
from typing import Any

from builder.config import Config
from builder.markdown import MENTION_RE
from builder.model import Problem, Taskforce
from builder.readers.frontmatter import read_frontmatter, to_text
from builder.readers.kinds import Found, InputFile

# A line naming members or leads: "Members: @a, @b (lead)", "**Team:** @a", "- Leads: @b".
_ROLE_LINE = re.compile(r"^[\s>*_-]*(members|team|leads?)[\s*_]*:(.*)$",
                        re.IGNORECASE | re.MULTILINE)
_LEADS = r"\((?:co-)?(?:lead|leads|chair|owner)\)"      # after a name: "@a (lead)"
_LEAD_MARK = re.compile(r"\s*" + _LEADS, re.IGNORECASE)
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,}).*?^ {0,3}\1[`~]*[ \t]*$", re.MULTILINE | re.DOTALL)
_SEPARATORS = re.compile(r"[\s,;]+")
_ONLY_NAMES = re.compile(r"(?:[\s,;&*_]|and\b|" + MENTION_RE.pattern + "|" + _LEADS + ")*",
                         re.IGNORECASE)


def read_taskforce(file: InputFile, config: Config) -> Found:
    """A Taskforce named after its folder. Bad frontmatter degrades to the charter's text."""
    path = file.path
    folder, _, readme = path.rpartition("/")
    front = read_frontmatter(file.text)
    fields: dict[str, Any] = front.data or {}
    problems = [Problem(path, note) for note in front.notes]
    if front.error:
        problems.append(Problem(path, f"{front.error}; taskforce shown from its text only"))
    body = front.body.strip()
    named, named_leads = roles_in(body)
    listed = names_in(fields.get("members"))
    if named and not listed:
        body = without_name_lines(body)
    leads = names_in(fields.get("leads", fields.get("lead"))) or named_leads
    members = listed or named
    taskforce = Taskforce(
        id=folder.rpartition("/")[2],
        title=to_text(fields.get("title", fields.get("name"))).strip(),
        members=tuple(dict.fromkeys((*members, *leads))),
        leads=leads, body=body, source_path=path,
        files=tuple(sorted(name for name in file.folder if name != readme)))
    return Found(taskforces=(taskforce,), problems=tuple(problems))


def roles_in(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(members, leads) that the text's role lines @mention, outside fenced code."""
    members: list[str] = []
    leads: list[str] = []
    for match in _ROLE_LINE.finditer(_FENCE.sub("", text)):
        role, line = match.group(1).lower(), match.group(2)
        for mention in MENTION_RE.finditer(line):
            name = mention.group(1)
            members.append(name)
            if role.startswith("lead") or _LEAD_MARK.match(line, mention.end()):
                leads.append(name)
    return tuple(dict.fromkeys(members)), tuple(dict.fromkeys(leads))


def without_name_lines(text: str) -> str:
    """The text without its role lines that hold nothing but names (code left as it is)."""
    def names_only(m: re.Match[str]) -> str:
        return "" if _ONLY_NAMES.fullmatch(m.group(2)) else m.group(0)

    def outside_code(part: str) -> str:
        return re.sub(r"\n{3,}", "\n\n", _ROLE_LINE.sub(names_only, part))

    kept, start = [], 0
    for fence in _FENCE.finditer(text):
        kept += [outside_code(text[start:fence.start()]), fence.group(0)]
        start = fence.end()
    return ("".join(kept) + outside_code(text[start:])).strip()


def names_in(value: Any) -> tuple[str, ...]:
    """Agent ids from a frontmatter value: a list, or names apart by commas or spaces, with or
    without their "@"."""
    items = value if isinstance(value, (list, tuple)) else _SEPARATORS.split(to_text(value))
    names = (to_text(item).strip().lstrip("@").strip() for item in items)
    return tuple(dict.fromkeys(name for name in names if name))
