"""README.md at the bucket's top: the collaboration's own description (its goal, rules and how
to take part), as the organizers wrote it."""
from __future__ import annotations

import re

from builder.config import Config
from builder.model import Problem, Readme
from builder.readers.frontmatter import normalise_newlines, read_frontmatter
from builder.readers.kinds import Found, InputFile

# A frontmatter block, closed: what a README's text starts after, even when it does not parse.
_BLOCK = re.compile(r"\A---[ \t]*\n.*?\n---[ \t]*(?:\n|\Z)", re.S)


def read_readme(file: InputFile, config: Config) -> Found:
    """The README's text without its frontmatter (a Space card's, say), which is no part of
    the description: a block that does not parse is named, and left out all the same."""
    front = read_frontmatter(file.text)
    if not front.error:
        return Found(readmes=(Readme(file.path, front.body.strip()),),
                     problems=tuple(Problem(file.path, note) for note in front.notes))
    body = _BLOCK.sub("", normalise_newlines(file.text), count=1)
    return Found(readmes=(Readme(file.path, body.strip()),),
                 problems=(Problem(file.path, f"{front.error}; shown without it"),))
