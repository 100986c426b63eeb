"""README.md and the starter collab.toml stay in step with the code: an operator reading them
finds every setting, every environment override and every flag the code has."""
from __future__ import annotations

import argparse
import re
import tomllib
from dataclasses import MISSING, fields, is_dataclass
from pathlib import Path
from typing import get_args, get_type_hints

import yaml

from builder.cli import _parser, main
from builder.config import _ENV_OVERRIDES, NOT_SETTINGS, Config, FallbackEntry, load_config

REPO = Path(__file__).resolve().parent.parent
README = (REPO / "README.md").read_text(encoding="utf-8")


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


def _options_of(command: str) -> set[str]:
    subparsers = next(a for a in _parser()._actions if isinstance(a, argparse._SubParsersAction))
    return {name for action in subparsers.choices[command]._actions
            for name in action.option_strings}


def test_every_flag_the_readme_gives_a_command_is_one_of_its_options():
    """A flag named on a `collab-site <command>` line must be one that command takes: an
    operator copies these lines as they are."""
    wrong = []
    for match in re.finditer(r"collab-site (init|build|serve|check|publish)\b(.*?)(?=`|\n|&&| #| \|)",
                             README):
        command, rest = match.groups()
        wrong += [f"{command} {flag}" for flag in re.findall(r"(?<![\w-])--[a-z][a-z-]*", rest)
                  if flag not in _options_of(command)]
    assert not wrong, f"README.md gives commands flags they do not take: {', '.join(wrong)}"


def test_every_config_example_in_the_readme_loads(tmp_path):
    """README's collab.toml examples parse and validate: no unknown key, no bad value."""
    examples = re.findall(r"```toml\n(.*?)```", README, re.S)
    assert examples
    for number, example in enumerate(examples):
        path = tmp_path / f"example-{number}.toml"
        path.write_text(example, encoding="utf-8")
        config = load_config(path, env={})
        assert config.source_is_hub() and config.publish.space_id == "ORG/NAME"


def test_the_readme_gives_each_settings_default():
    """Each key with a default of one value shows it in its row of the settings table, before
    the next key of that table: `"higher"` for `direction`, `1200` for `rate_limit_wait`."""
    settings = _section("Settings")
    wrong = []
    for table, hint in get_type_hints(Config).items():
        if table in NOT_SETTINGS or not is_dataclass(hint):
            continue
        row = next(line for line in settings.splitlines()
                   if re.match(rf"\| `\[\[?{table}[\].]", line))
        names = [f.name for f in fields(hint)]
        for f in fields(hint):
            if f.default in ("", MISSING) or not isinstance(f.default, (str, int)):
                continue
            said = row.split(f"`{f.name}`", 1)[1]
            for other in names:                    # up to the next key of the table
                said = said.split(f"`{other}`", 1)[0] if other != f.name else said
            shown = f'"{f.default}"' if isinstance(f.default, str) else str(f.default)
            if shown not in said:
                wrong.append(f"[{table}] {f.name} = {shown}")
    assert not wrong, f"README.md's settings table does not give: {', '.join(wrong)}"


def test_the_readme_layout_names_every_module_of_the_package():
    """README's map of builder/ left out redact.py, feeds.py, action_paths.py and five others."""
    layout = _section("Development").split("```\nbuilder/", 1)[1].split("```", 1)[0]
    package = REPO / "builder"
    names = [p.name for p in package.iterdir()
             if (p.suffix == ".py" and not p.name.startswith("__")) or (p / "__init__.py").exists()]
    globs = re.findall(r"\b(\w+)\*\.py", layout)
    missing = [name for name in sorted(names) if not re.search(rf"(?<![\w/]){name}\b", layout)
               and not any(name.startswith(glob) for glob in globs)]
    assert not missing, f"README.md's layout of builder/ does not name: {', '.join(missing)}"


def test_the_readme_action_example_takes_the_actions_inputs_with_their_defaults():
    """README's example step lists every input of action.yml, and a value it calls the default
    is action.yml's default."""
    example = _section("The GitHub Action").split("```yaml\n", 1)[1].split("```", 1)[0]
    step = next(s for s in yaml.safe_load(example) if "collab-site@" in s.get("uses", ""))
    inputs = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))["inputs"]
    assert set(step["with"]) == set(inputs)
    said_default = {key for key in step["with"]
                    if re.search(rf"^\s+{key}: .*# the default$", example, re.M)}
    assert said_default and all(str(step["with"][key]) == inputs[key]["default"]
                                for key in said_default)
