"""Markdown summaries of a build and a publish, for a CI job summary (`--summary FILE`, e.g.
$GITHUB_STEP_SUMMARY): pages, files changed, the commit, the problems in the build report.

Problem paths and reasons come from the bucket, so they are escaped as plain text: they can
neither link nor format, and each is cut short.
"""
from __future__ import annotations

import html
import re
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from builder import format as fmt
from builder.model import by_level, levels_counted

if TYPE_CHECKING:
    from builder.build import BuildReport
    from builder.publish import PublishOutcome

MAX_PROBLEMS = 50
_URL_SAFE = ":/?#@!$&'*+,;=%~"     # no parentheses or spaces: they would end the link
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|~>])")


def build_markdown(report: BuildReport) -> str:
    w = report.written
    if report.pages == 0 and not w.written:
        lines = ["### collab-site build", "", "No input changed since the last build: the site "
                 f"is left as it is ({fmt.count(report.files)} files)."]
    else:
        lines = ["### collab-site build", "",
                 f"{fmt.count(report.pages)} pages, {fmt.count(report.files)} files: "
                 f"{fmt.count(len(w.written) + 1)} written (the manifest too), "
                 f"{fmt.count(w.unchanged)} unchanged, "
                 f"{fmt.count(len(w.removed))} removed."]
    if report.source_note:
        lines += ["", text(report.source_note)]
    lines += ["", *problem_lines(report)]
    return "\n".join(lines) + "\n"


def problem_lines(report: BuildReport) -> list[str]:
    problems = by_level(report.problems)
    if not problems:
        return ["No problems in the build report."]
    lines = [f"<details><summary>{levels_counted(problems)} in the build report</summary>", ""]
    lines += [f"- {p.level}: {text(p.path)}: {text(p.reason)}" for p in problems[:MAX_PROBLEMS]]
    if len(problems) > MAX_PROBLEMS:
        lines.append(f"- and {fmt.count(len(problems) - MAX_PROBLEMS)} more: see the build "
                     "report page")
    return lines + ["", "</details>"]


def publish_markdown(space: str, outcome: PublishOutcome | None, failure: str = "") -> str:
    head = ["### collab-site publish", ""]
    if outcome is None:
        return "\n".join(head + [f"Publishing to {text(space)} failed: {text(failure)}"]) + "\n"
    if outcome.refused_reason:
        return "\n".join(head + [f"Refused: {text(outcome.refused_reason)}"]) + "\n"
    if not outcome.changed:
        line = f"{_space_link(space, outcome.space_url)} is up to date: nothing to commit."
        return "\n".join(head + [line]) + "\n"
    changes = (f"{fmt.count(len(outcome.added))} added, {fmt.count(len(outcome.updated))} "
               f"updated, {fmt.count(len(outcome.deleted))} deleted")
    where = _space_link(space, outcome.space_url) if outcome.committed else text(space)
    verb = "Committed to" if outcome.committed else "Would change"
    line = f"{verb} {where}: {fmt.count(outcome.changed)} files changed ({changes})."
    if _is_web(outcome.commit_url):
        line += f" [The commit]({quote(outcome.commit_url, safe=_URL_SAFE)})"
    return "\n".join(head + [line]) + "\n"


def _space_link(space: str, url: str) -> str:
    """The Space's name, linking to its page (which shows the site) when its address is known."""
    return f"[{text(space)}]({quote(url, safe=_URL_SAFE)})" if _is_web(url) else text(space)


def _is_web(url: str) -> bool:
    return url.startswith(("https://", "http://"))


def text(value: str, limit: int = 300) -> str:
    """Untrusted text as inert markdown: one line, HTML escaped, markdown punctuation escaped."""
    return _MARKDOWN.sub(r"\\\1", html.escape(fmt.short(value, limit), quote=False))


def append(path: Path, markdown: str) -> None:
    with open(path, "a", encoding="utf-8") as out:
        out.write(markdown + "\n")
