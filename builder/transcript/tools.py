"""One-line summaries and diffs of tool calls, whatever the harness named their arguments."""
from __future__ import annotations

import difflib
from typing import TYPE_CHECKING, Any

from builder.transcript.text import as_dict, as_list, as_str


if TYPE_CHECKING:
    from builder.transcript.parser import CallDraft, Parser


def first_str(args: Any, *keys: str) -> str:
    if not isinstance(args, dict):
        return ""
    for key in keys:
        value = args.get(key)
        if isinstance(value, str) and value.strip():
            return value
        if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
            return _shell_list(value)
    return ""


def _shell_list(cmd: list) -> str:
    if len(cmd) >= 3 and cmd[0] in ("bash", "sh", "zsh", "/bin/bash", "/bin/sh") and \
            cmd[1] in ("-lc", "-c") and isinstance(cmd[2], str):
        return cmd[2]
    return " ".join(str(c) for c in cmd)


def tool_summary(name: str, args: Any, raw: str | None) -> str:
    base = name.rsplit("__", 1)[-1] if name.startswith("mcp__") else name
    key = base.lower()
    if key == "apply_patch":
        text = raw if raw is not None else (args if isinstance(args, str) else
                                             first_str(args, "input", "patch"))
        for line in text.splitlines():
            line = line.strip()
            if line.startswith("*** ") and not line.startswith(("*** Begin Patch",
                                                                  "*** End Patch")):
                return line[4:]
        return text
    if raw is not None:
        return raw
    if key in ("bash", "shell", "shell_command", "local_shell", "bashoutput"):
        return first_str(args, "command", "cmd", "description")
    if key in ("exec_command",):
        return first_str(args, "cmd", "command")
    if key in ("read", "write", "edit", "multiedit", "notebookedit", "notebookread",
               "view_image", "ls"):
        return first_str(args, "file_path", "notebook_path", "path")
    if key in ("glob", "grep"):
        pattern = first_str(args, "pattern", "query")
        where = first_str(args, "path", "glob")
        return f"{pattern}  in {where}" if pattern and where else pattern
    if key in ("task", "agent"):
        return first_str(args, "description", "subagent_type", "prompt")
    if key in ("todowrite", "update_plan"):
        items = _todo_list(args)
        done = sum(1 for t in items if as_dict(t).get("status") == "completed")
        return f"{len(items)} item{'' if len(items) == 1 else 's'}, {done} done" if items else ""
    if key in ("webfetch",):
        return first_str(args, "url")
    if key in ("websearch", "web_search", "web_search_call"):
        return first_str(args, "query") or first_str(as_dict(args).get("action"), "query")
    if key == "write_stdin":
        return first_str(args, "chars", "session_id")
    if key == "skill":
        return first_str(args, "skill", "command", "name")
    if isinstance(args, dict):
        for value in args.values():
            if isinstance(value, str) and value.strip():
                return value
    if isinstance(args, str):
        return args
    return ""


def _todo_list(args: Any) -> list:
    return as_list(as_dict(args).get("todos") or as_dict(args).get("plan"))


def todo_entries(name: str, args: Any) -> tuple[tuple[str, str], ...]:
    """A to-do list's (text, status) pairs, TodoWrite's or update_plan's; () when the input is
    not such a list (its JSON is then shown as it is)."""
    if name.lower() not in ("todowrite", "update_plan"):
        return ()
    entries = tuple((as_dict(t).get("content", as_dict(t).get("step")), as_dict(t).get("status"))
                    for t in _todo_list(args))
    if all(isinstance(text, str) and isinstance(status, (str, type(None)))
           for text, status in entries):
        return tuple((text, status or "") for text, status in entries)
    return ()


def only_its_summary(args: Any, summary: str) -> bool:
    """The input is one field, the one line its card already shows (Read's file_path): its JSON
    would say that line again."""
    if not isinstance(args, dict) or len(args) != 1:
        return False
    (value,) = args.values()
    return isinstance(value, str) and "\n" not in value.strip() and \
        " ".join(value.split()) == summary


# What of each tool's input its diff shows: the input's fields, and each edit's of a list of them.
_IN_THE_DIFF = {"edit": ("file_path", "old_string", "new_string"),
                "multiedit": ("file_path", "edits"), "apply_patch": ("input", "patch")}
_EDIT_IN_THE_DIFF = ("old_string", "new_string")
MULTIEDIT_CAP = 50            # edits of one MultiEdit call its diff shows


def not_in_its_diff(name: str, args: Any) -> dict | None:
    """The fields of an edit's input that its diff does not show (MultiEdit's `replace_all`
    of an edit, an unknown field), None when there are none: the path is in the card's line
    and the diff's, the old and new texts are the diff."""
    if not isinstance(args, dict):       # apply_patch's input is the patch, all of it
        return None
    key = name.lower()
    rest = {k: v for k, v in args.items() if k not in _IN_THE_DIFF.get(key, ())}
    if key == "multiedit":
        edits = as_list(args.get("edits"))
        left = [{k: v for k, v in e.items() if k not in _EDIT_IN_THE_DIFF}
                if isinstance(e, dict) and n < MULTIEDIT_CAP else e for n, e in enumerate(edits)]
        if any(left):
            rest["edits"] = left
    return rest or None


def count_patch(text: str) -> tuple[int, int]:
    added = removed = 0
    for line in text.splitlines():
        if line.startswith("+") and not line.startswith("+++"):
            added += 1
        elif line.startswith("-") and not line.startswith("---"):
            removed += 1
    return added, removed


def _unified(old: str, new: str, path: str) -> str:
    old_lines = old.splitlines()[:2000]
    new_lines = new.splitlines()[:2000]
    path = path.lstrip("/")              # "a/home/u/x.py", as git names an absolute path's sides
    return "\n".join(difflib.unified_diff(old_lines, new_lines, f"a/{path}", f"b/{path}",
                                          lineterm="", n=2))


def set_diff(draft: CallDraft, name: str, args: Any, raw: str | None, p: Parser) -> None:
    key = name.lower()
    text = ""
    if key == "apply_patch":
        text = raw if raw is not None else (args if isinstance(args, str) else
                                             first_str(args, "input", "patch"))
    elif key == "edit" and isinstance(args, dict):
        text = _unified(as_str(args.get("old_string")), as_str(args.get("new_string")),
                        as_str(args.get("file_path")))
    elif key == "multiedit" and isinstance(args, dict):
        parts = [_unified(as_str(as_dict(e).get("old_string")), as_str(as_dict(e).get("new_string")),
                          as_str(args.get("file_path"))) for e in as_list(args.get("edits"))[:MULTIEDIT_CAP]]
        text = "\n".join(part for part in parts if part)
    if text:
        draft.diff = p.text(text)
        draft.added, draft.removed = count_patch(text)
