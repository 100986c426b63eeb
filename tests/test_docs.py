"""README.md and the starter collab.toml stay in step with the code: an operator reading them
finds every setting, every environment override and every flag the code has."""
from __future__ import annotations

import argparse
import re
import tomllib
from dataclasses import fields, is_dataclass
from pathlib import Path
from typing import get_args, get_type_hints

from builder.cli import _parser, main
from builder.config import _ENV_OVERRIDES, NOT_SETTINGS, Config, FallbackEntry

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def _section(title: str) -> str:
    """The README's `## title` section, up to the next heading of its level."""
    return README.split(f"\n## {title}", 1)[1].split("\n## ", 1)[0]


def _keys(cls: type) -> set[str]:
    """A config table's keys, with those of the tables a key holds a list of (fallback entries,
    site links)."""
    keys = set()
    for key, hint in get_type_hints(cls).items():
        if key in NOT_SETTINGS:
            continue
        keys.add(key)
        item = (get_args(hint) or (None,))[0]
        if is_dataclass(item):
            keys |= _keys(item)
    return keys


def test_every_setting_and_its_environment_override_is_in_the_readme():
    """The README's settings named the sections but not `[site] image_hosts`, any of `[paths]`
    or `[limits]` keys, nor a fallback entry's keys; and `COLLAB_CACHE_DIR` read as the
    bucket mirror's folder (`[source] cache_dir`) when it moves the render cache (`[cache] dir`)."""
    settings = _section("Settings")
    missing = []
    for table, hint in get_type_hints(Config).items():
        if table in NOT_SETTINGS:
            continue
        row = next((line for line in settings.splitlines()
                    if re.match(rf"\| `\[\[?{table}[\].]", line)), "")
        missing += [f"[{table}] {key}" for key in sorted(_keys(hint))
                    if not re.search(rf"\b{key}\b", row)]
    assert not missing, f"README.md's settings table does not name: {', '.join(missing)}"
    for var, (table, key) in _ENV_OVERRIDES.items():
        assert f"`{var}` (`[{table}] {key}`" in settings, var


def test_every_flag_is_in_the_readme_synopsis_of_its_command():
    """`publish --config` and `publish --out` were missing from the README's `publish` line."""
    synopsis: dict[str, str] = {}           # each command's first line: the synopsis block's
    for line in _section("The command line").splitlines():
        if line.startswith("collab-site ") and not line.startswith("collab-site --"):
            synopsis.setdefault(line.split()[1], line)
    subparsers = next(a for a in _parser()._actions if isinstance(a, argparse._SubParsersAction))
    missing = []
    for command, parser in subparsers.choices.items():
        line = synopsis.get(command, "")
        for action in parser._actions:
            names = action.option_strings or [action.dest.upper()]
            if "--help" not in names and not any(re.search(rf"\[{n}\b", line) for n in names):
                missing.append(f"{command} {names[-1]}")
    assert not missing, f"README.md's command line does not show: {', '.join(missing)}"


def test_the_starter_config_shows_every_key_of_a_fallback_entry(tmp_path):
    """The commented `[[fallback.entries]]` example left out `description`."""
    assert main(["init", str(tmp_path)]) == 0
    text = (tmp_path / "collab.toml").read_text(encoding="utf-8")
    uncommented = "\n".join(line[2:] if re.match(r"# (\[|[a-z_]+ = )", line) else line
                            for line in text.splitlines())
    (entry,) = tomllib.loads(uncommented)["fallback"]["entries"]
    assert set(entry) == {f.name for f in fields(FallbackEntry)}


def test_the_help_names_every_case_of_exit_code_1(capsys):
    """`collab-site --help` left out the `init` that would overwrite a file, which exits 1."""
    assert main(["--help"]) == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "1 build problems under --strict, a failed check or publish, or an init that" in text
