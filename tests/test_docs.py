"""README.md and the starter collab.toml stay in step with the code: an operator reading them
finds every setting, every environment override and every flag the code has."""
from __future__ import annotations

import re
import tomllib
from dataclasses import fields

from builder.cli import main
from builder.config import FallbackEntry


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
