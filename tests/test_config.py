from pathlib import Path

import pytest

from builder.cli import main
from builder.config import ConfigError, load_config


def write(tmp_path, text):
    path = tmp_path / "collab.toml"
    path.write_text(text)
    return path


def test_defaults_without_a_file():
    config = load_config(None, env={})
    assert config.metric.direction == "higher"
    assert config.traces.transcripts == "redacted"
    assert config.source.location == "demo-bucket"


def test_file_values_and_fallback_entries(tmp_path):
    config = load_config(write(tmp_path, """
[metric]
field = "val_bpb"
unit = "BPB"
direction = "lower"
[[fallback.entries]]
agent = "baseline"
score = 1.2244
method = "naive"
"""), env={})
    assert (config.metric.field, config.metric.unit, config.metric.direction) == ("val_bpb", "BPB", "lower")
    assert config.fallback.entries[0].score == 1.2244
    assert config.root == tmp_path.resolve()


def test_every_problem_is_reported_at_once_with_its_key(tmp_path):
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, """
[metric]
direction = "sideways"
colour = "red"
[limits]
messages_per_page = -3
[traces]
transcripts = "all"
[nonsense]
"""), env={})
    errors = "\n".join(info.value.errors)
    assert "metric.direction" in errors and "metric.colour: unknown key" in errors
    assert "limits.messages_per_page" in errors and "traces.transcripts" in errors
    assert "nonsense: unknown key" in errors
    assert len(info.value.errors) == 5


def test_environment_overrides_the_file(tmp_path):
    path = write(tmp_path, '[metric]\ndirection = "higher"\n[source]\nlocation = "a"\n')
    config = load_config(path, env={"METRIC_DIRECTION": "lower", "COLLAB_SOURCE": "hf://buckets/o/b",
                                    "SPACE_ID": "o/site"})
    assert config.metric.direction == "lower"
    assert config.source_is_hub() and config.publish.space_id == "o/site"


def test_bad_environment_value_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="metric.direction"):
        load_config(None, env={"METRIC_DIRECTION": "up"})


def test_invalid_toml_is_reported(tmp_path):
    with pytest.raises(ConfigError, match="invalid TOML"):
        load_config(write(tmp_path, "[metric\n"), env={})


def test_a_url_no_browser_can_read_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, """
[site]
base_url = "https://[x/"
links = [{ label = "Bucket", url = "https://huggingface.co/buckets/o/b" },
         { label = "Broken", url = "http://[y" }]
[source]
web_url = "//[z"
"""), env={})
    assert sorted(e.split(": ")[1] for e in info.value.errors) == [
        "site.base_url", "site.links[1].url", "source.web_url"]


@pytest.mark.parametrize("base_url", ["example.org/sub", "sub/", "ftp://example.org/",
                                      "https://example.org/sub/?v=1", " /sub/"])
def test_a_base_url_that_is_no_address_nor_root_path_is_a_config_error(tmp_path, base_url):
    """`base_url = "example.org/sub"` (no scheme) built a site whose every link was relative to
    the page it is on ("example.org/sub/static/..."), and `check` found nothing wrong."""
    path = write(tmp_path, f"[site]\nbase_url = {base_url!r}\n")
    with pytest.raises(ConfigError) as info:
        load_config(path, env={})
    assert info.value.errors == [
        f"{path}: site.base_url: {base_url!r} is not where a site is served from: write its "
        "address with the host, like 'https://example.org/sub/', or a path from the host's "
        "root, like '/sub/'"]


@pytest.mark.parametrize("base_url", ["/", "", "/sub", "https://example.org",
                                      "http://localhost:8000/x/"])
def test_a_base_url_with_a_host_or_from_the_root_is_taken(tmp_path, base_url):
    config = load_config(write(tmp_path, f"[site]\nbase_url = {base_url!r}\n"), env={})
    assert config.site.base_url == base_url


def test_each_error_says_where_its_value_was_set(tmp_path):
    path = write(tmp_path, '[metric]\ndirection = "higher"\n[site]\ntitle = 3\n')
    with pytest.raises(ConfigError) as info:
        load_config(path, env={"METRIC_DIRECTION": "desc"},
                    overrides={"source.location": "hf://datasets/org/x"})
    assert info.value.errors == [
        f"{path}: site.title: expected a string",
        "METRIC_DIRECTION (environment): metric.direction: must be one of higher, lower "
        "(got 'desc')",
        "the command line: source.location: 'hf://datasets/org/x' is not a bucket on the Hub: "
        "write hf://buckets/ORG/NAME (or the path of a bucket folder)"]


def test_errors_name_the_key_a_reader_must_fix_once_each(tmp_path):
    path = write(tmp_path, """
[site]
tagLine = "x"
[traces]
transcripts = true
[[fallback.entries]]
score = 1.5
""")
    with pytest.raises(ConfigError) as info:
        load_config(path, env={})
    assert [e.removeprefix(f"{path}: ") for e in info.value.errors] == [
        "site.tagLine: unknown key (did you mean 'tagline'?)",
        "fallback.entries[0]: missing 'agent' (required)",
        "traces.transcripts: expected a string"]


@pytest.mark.parametrize("location", ["hf://buckets/org", "hf://datasets/org/x",
                                      "hf://buckets/hf://buckets/org/x"])
def test_a_hub_location_that_names_no_bucket_is_a_config_error(location):
    with pytest.raises(ConfigError, match="is not a bucket on the Hub"):
        load_config(None, env={"COLLAB_SOURCE": location})
    assert load_config(None, env={"COLLAB_SOURCE": "hf://buckets/org/x"}).source_is_hub()


def test_a_config_file_that_is_not_there_says_how_to_get_one(tmp_path, monkeypatch, capsys):
    """The Action's `config` input, or `--config`, naming no file said only "not found"."""
    monkeypatch.chdir(tmp_path)
    assert main(["build", "--config", "conf/collab.toml"]) == 2
    assert capsys.readouterr().err == (
        "config error: config file conf/collab.toml not found: give the path of a collab.toml, "
        "or write one with `collab-site init`\n")


def test_a_config_that_is_a_folder_or_not_utf8_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="cannot be read"):
        load_config(tmp_path, env={})
    latin = tmp_path / "latin.toml"
    latin.write_bytes('[site]\ntitle = "caf\xe9"\n'.encode("latin-1"))
    with pytest.raises(ConfigError, match="not UTF-8 text"):
        load_config(latin, env={})


def project_in(tmp_path, monkeypatch):
    """A user in `proj` with the config in `proj/conf`, naming a bucket beside it; the current
    folder is `proj`."""
    proj = tmp_path / "proj"
    (proj / "conf").mkdir(parents=True)
    (proj / "conf" / "collab.toml").write_text('[source]\nlocation = "conf-bucket"\n')
    monkeypatch.chdir(proj)
    return proj.resolve()


def test_a_relative_source_from_the_file_is_relative_to_the_files_folder(tmp_path, monkeypatch):
    proj = project_in(tmp_path, monkeypatch)
    assert load_config(Path("conf/collab.toml"), env={}).source_dir() == proj / "conf" / "conf-bucket"


@pytest.mark.parametrize("given", ["--source", "COLLAB_SOURCE"])
def test_a_relative_source_given_outside_the_file_is_relative_to_the_current_folder(
        tmp_path, monkeypatch, given):
    """`--source ./bucket` from /home/u/proj with `--config conf/collab.toml` read
    /home/u/proj/conf/bucket."""
    proj = project_in(tmp_path, monkeypatch)
    env = {"COLLAB_SOURCE": "./bucket"} if given == "COLLAB_SOURCE" else {}
    overrides = {"source.location": "./bucket"} if given == "--source" else {}
    config = load_config(Path("conf/collab.toml"), env=env, overrides=overrides)
    assert config.source_dir() == proj / "bucket"
    assert config.source.location == "./bucket"             # as the user wrote it, in messages


def test_a_relative_cache_dir_from_the_environment_is_relative_to_the_current_folder(
        tmp_path, monkeypatch):
    proj = project_in(tmp_path, monkeypatch)
    config = load_config(Path("conf/collab.toml"), env={"COLLAB_CACHE_DIR": "cache"})
    assert config.render_cache_dir() == proj / "cache" / "render"
    assert load_config(Path("conf/collab.toml"), env={}).render_cache_dir() == \
        proj / "conf" / ".cache" / "render"


def test_build_and_check_take_relative_paths_from_the_current_folder(tmp_path, monkeypatch, capsys):
    proj = project_in(tmp_path, monkeypatch)
    board = proj / "bucket" / "message_board"
    board.mkdir(parents=True)
    (board / "20260101-120001-000_alpha.md").write_text("---\nagent: alpha\n---\nHello\n")
    monkeypatch.setenv("COLLAB_CACHE_DIR", str(tmp_path / "cache"))
    assert main(["build", "--config", "conf/collab.toml", "--source", "./bucket",
                 "--out", "out"]) == 0
    assert (proj / "out" / "messages" / "20260101-120001-000_alpha" / "index.html").is_file()
    assert not (proj / "conf" / "out").exists()
    assert main(["check", "--config", "conf/collab.toml", "--out", "out"]) == 0
    assert "0 finding(s) in out" in capsys.readouterr().out
