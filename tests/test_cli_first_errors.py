"""The mistakes an operator makes first (no config, a mistyped bucket): each is one line saying
what is wrong and what to do, never a traceback. (No token for publish: test_publish.py; a typo
in a key: test_config.py.)"""
from __future__ import annotations

import pytest

from builder.cli import main
from tests.hub_fixtures import TOKEN


def lines_of(capsys) -> list[str]:
    """What the command printed, stderr (where it prints before it starts) first."""
    output = capsys.readouterr()
    text = output.err + output.out
    assert "Traceback" not in text
    return text.splitlines()


def source_line(capsys) -> str:
    return next(line for line in lines_of(capsys) if line.startswith("source: "))


@pytest.mark.parametrize("token", [None, TOKEN])
def test_a_bucket_the_hub_does_not_have_says_to_check_its_id_and_the_token(
        hub, tmp_path, monkeypatch, capsys, token):
    """It said "no token with access was given" when one was, and not where the id is set."""
    if token:
        monkeypatch.setenv("HF_TOKEN", token)
    monkeypatch.chdir(tmp_path)
    assert main(["build", "--source", "hf://buckets/org/misspelt"]) == 0
    assert source_line(capsys) == (
        "source: cannot read bucket org/misspelt from the Hub (no such bucket, or it is private "
        "and no token given can read it: check ORG/NAME in [source] location, COLLAB_SOURCE or "
        "--source, and the token in HF_TOKEN or `hf auth login`) and there is no complete "
        f"mirror in {tmp_path / '.cache' / 'bucket'}; showing the fallback baseline")


def test_a_bucket_id_given_as_a_folder_says_how_to_name_the_bucket_on_the_hub(
        tmp_path, monkeypatch, capsys):
    """`--source org/name` (the Action's way of naming a bucket) read a folder that is not
    there, and the build said only that."""
    monkeypatch.chdir(tmp_path)
    assert main(["build", "--source", "org/name"]) == 0
    assert source_line(capsys) == (
        f"source: bucket folder {tmp_path / 'org' / 'name'} does not exist: set [source] "
        "location (or --source, COLLAB_SOURCE) to the bucket's folder, or to "
        "hf://buckets/org/name for a bucket on the Hub; showing the fallback baseline")


def test_a_build_with_no_config_and_no_bucket_folder_says_what_to_set(
        tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["build"]) == 0
    lines = lines_of(capsys)
    assert [line for line in lines if line.startswith(("no collab.toml", "source: "))] == [
        "no collab.toml here: building with the defaults, from the bucket folder 'demo-bucket' "
        "(`collab-site init` writes one; --config names another)",
        f"source: bucket folder {tmp_path / 'demo-bucket'} does not exist: set [source] "
        "location (or --source, COLLAB_SOURCE) to the bucket's folder, or to "
        "hf://buckets/ORG/NAME for a bucket on the Hub; showing the fallback baseline"]
