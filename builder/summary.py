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
    from builder.publish import LandedCommit, PublishOutcome

MAX_PROBLEMS = 50
MAX_FILES = 50           # files listed per commit of a publish
_URL_SAFE = ":/?#@!$&'*+,;=%~"     # no parentheses or spaces: they would end the link
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|~>])")


def build_markdown(report: BuildReport) -> str:
    lines = ["### collab-site build", "", what_was_built(report)]
    if report.source_note:
        lines += ["", text(report.source_note)]
    lines += ["", *problem_lines(report)]
    return "\n".join(lines) + "\n"


def what_was_built(report: BuildReport) -> str:
    """The build in a line: what it rendered, took from the render cache and wrote. A runner
    without the site folder starts from the last site, restored from the render cache: a site
    restored whole was said to be "left as it is"."""
    w, files = report.written, fmt.count(report.files)
    if report.pages == 0 and not w.written:
        kept = (f"was restored whole from the render cache, as the last build made it ({files} "
                "files written)" if report.restored else f"is left as it is ({files} files)")
        return f"No input changed since the last build: the site {kept}; nothing was rendered."
    line = (f"{fmt.count(report.pages)} pages ({fmt.count(report.rendered)} rendered, "
            f"{fmt.count(report.pages - report.rendered)} from the render cache), {files} files: "
            f"{fmt.count(len(w.written) + 1)} written (the manifest too), "
            f"{fmt.count(w.unchanged)} unchanged, {fmt.count(len(w.removed))} removed.")
    if report.restored:
        line += (f" The output folder started as the last site: {fmt.count(report.restored)} "
                 "files restored from the render cache.")
    return line


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


def publish_markdown(space: str, outcome: PublishOutcome | None, failure: str = "",
                     landed: tuple[LandedCommit, ...] = ()) -> str:
    """What a publish did; after a failure, `landed` are its commits that are live anyway."""
    head = ["### collab-site publish", ""]
    if outcome is None:
        return "\n".join(head + [f"Publishing to {text(space)} failed: {text(failure)}",
                                 *_commit_lines(landed, name_alone=True)]) + "\n"
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
    if len(outcome.landed) == 1 and _is_web(outcome.commit_url):
        line += f" [The commit]({quote(outcome.commit_url, safe=_URL_SAFE)})"
    if len(outcome.landed) > 1:
        line += f" In {fmt.count(len(outcome.landed))} commits:"
    return "\n".join(head + [line, *_commit_lines(outcome.landed, name_alone=False)]) + "\n"


def _commit_lines(landed: tuple[LandedCommit, ...], *, name_alone: bool) -> list[str]:
    """Each commit that landed, linked, with its files (the first MAX_FILES of each). A lone
    commit is named and linked only if `name_alone` (else the line above links it)."""
    if not landed:
        return []
    lines = [""]
    for number, commit in enumerate(landed, 1):
        name = "its files"
        if len(landed) > 1 or name_alone:
            name = f"commit {number} of {len(landed)}"
            if _is_web(commit.url):      # HTML: markdown is not read inside <summary>
                name = f'<a href="{html.escape(quote(commit.url, safe=_URL_SAFE))}">{name}</a>'

        lost = (" (the Hub answered it with an error; it landed all the same)"
                if commit.answer_lost else "")
        lines += [f"<details><summary>{name}: {fmt.count(len(commit.added))} added, "
                  f"{fmt.count(len(commit.updated))} updated, {fmt.count(len(commit.deleted))} "
                  f"deleted{lost}</summary>", ""]
        files = ([f"- added {text(p)}" for p in commit.added]
                 + [f"- updated {text(p)}" for p in commit.updated]
                 + [f"- deleted {text(p)}" for p in commit.deleted])
        lines += files[:MAX_FILES]
        if len(files) > MAX_FILES:
            lines.append(f"- and {fmt.count(len(files) - MAX_FILES)} more")
        lines += ["", "</details>"]
    return lines


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
