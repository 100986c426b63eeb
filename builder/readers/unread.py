"""The files in the folders the site is read from that no reader takes, and the hidden entries
there: each named in the build report, so that a message, result or trace the organizer looks
for is never missing from the site without a word.

Not named, being normal in any bucket: README.md files (a folder's own description), the
housekeeping files of git and of file managers, the files in a taskforce's folder (its page
lists them), and everything outside those folders: artifacts, the inbox and broadcast copies
of messages, shared resources and hidden entries at the top (`.git/`, `.gitattributes`) are
linked or left alone, never read.
"""
from __future__ import annotations

from collections import Counter
from typing import Iterable

from builder import format as fmt
from builder.config import PathsConfig
from builder.model import NOTE, Problem

HOUSEKEEPING = frozenset({".gitkeep", ".keep", ".gitignore", ".gitattributes", ".DS_Store"})


def unread_problems(files: Iterable[str], claimed: Iterable[str], hidden: Iterable[str],
                    paths: PathsConfig) -> tuple[Problem, ...]:
    """A Problem for each file of an input folder that no input kind claimed (one for each
    subfolder no reader looks into), and a note for each hidden entry in one (hidden by its
    author's choice; a folder's path ends in "/")."""
    folders = input_folders(paths)
    claimed = frozenset(claimed)
    charters = {path.rpartition("/")[0] for path in claimed if _is_readme(path)}
    unread: Counter[str] = Counter()            # file or subfolder: how many files it is
    in_folder: dict[str, str] = {}
    for path in files:
        if path in claimed:
            continue
        folder = _input_folder(path, folders)
        if folder is None or _is_readme(path):
            continue
        entry = _unread_entry(path, folder, paths, charters)
        if entry is None:
            continue
        unread[entry] += 1
        in_folder[entry] = folder
    problems = [Problem(entry, _why_unread(entry, in_folder[entry], folders, paths, files))
                for entry, files in unread.items()]
    for entry in hidden:
        if _input_folder(entry, folders) is not None and _name(entry) not in HOUSEKEEPING:
            what = "folder" if entry.endswith("/") else "file"
            problems.append(Problem(entry, f'ignored: a hidden {what} (its name starts with '
                                           f'"."), never read', NOTE))
    return tuple(problems)


def input_folders(paths: PathsConfig) -> dict[str, str]:
    """Each folder the site reads files from, and what it reads there (a folder set to the
    bucket's top level is left out: the top holds anything)."""
    named = ((paths.messages, "messages named {YYYYMMDD-HHmmss}_{agent}[_{topic}].md"),
             (paths.results, f"results (*.md) and {_name(paths.verification)}"),
             (paths.legacy_results, "results (*.json)"),
             (paths.agents, "registrations named {agent}.md"),
             (paths.traces, "{agent}/{session}/ folders"),
             (paths.taskforces, "{taskforce}/README.md charters"))
    folders: dict[str, str] = {}
    for folder, what in named:
        if folder.strip("/"):
            folders[folder.strip("/")] = " and ".join(filter(None, (folders.get(folder.strip("/")), what)))
    return folders


def _unread_entry(path: str, folder: str, paths: PathsConfig, charters: set[str]) -> str | None:
    """What to name for an unread file: itself, or the subfolder of `folder` it is in (with a
    "/"); None for a file of a taskforce, which its charter's page lists."""
    below = path[len(folder) + 1:]
    if "/" not in below:
        return path
    subfolder = f"{folder}/{below.split('/')[0]}"
    if folder == paths.taskforces.strip("/") and subfolder in charters:
        return None
    return subfolder + "/"


def _why_unread(entry: str, folder: str, folders: dict[str, str], paths: PathsConfig,
                files: int) -> str:
    """Why the file, or the subfolder of `files` files, `entry` of `folder` is not read."""
    read_for = f"({folder}/ is read for {folders[folder]})"
    if not entry.endswith("/"):
        return f"ignored: not a file any reader takes {read_for}"
    if folder == paths.taskforces.strip("/"):
        return f"ignored: {fmt.counted(files, 'file')} and no README.md, so no taskforce"
    return f"ignored: a subfolder ({fmt.counted(files, 'file')}) that is not read {read_for}"


def _input_folder(path: str, folders: dict[str, str]) -> str | None:
    """The innermost input folder `path` is in (artifacts/results/ rather than artifacts/)."""
    inside = [folder for folder in folders if path.startswith(folder + "/")]
    return max(inside, key=len, default=None)


def _is_readme(path: str) -> bool:
    return _name(path).lower() == "readme.md"


def _name(path: str) -> str:
    return path.rstrip("/").rpartition("/")[2]
