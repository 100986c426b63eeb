"""collab.toml -> a frozen Config, every problem reported at once with its key's name.

Environment variables override the file (for CI): COLLAB_SOURCE, METRIC_DIRECTION, SPACE_ID,
COLLAB_CACHE_DIR.
A relative path in the file is relative to the file's folder (what its author means); one given
by the environment or the command line, to the current folder (what a user typing it means).
HF_TOKEN is never part of the config: it stays in the environment and is read where it is used.
"""
from __future__ import annotations

import os
import re
import tomllib
from dataclasses import MISSING, dataclass, field, fields, is_dataclass, replace
from difflib import get_close_matches
from pathlib import Path
from typing import Any, Mapping, get_args, get_origin, get_type_hints

from builder.model import Link
from builder.urls import BUCKET_LOCATION, url_parts

# The Hub's own hosts: where agents' plots and artifacts live.
DEFAULT_IMAGE_HOSTS = ("huggingface.co", "*.huggingface.co", "hf.co", "*.hf.co")


class ConfigError(Exception):
    """The config cannot be used; `errors` lists every problem found, each naming its key."""

    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class SiteConfig:
    title: str = "Agent collaboration"
    tagline: str = ""
    base_url: str = "/"
    links: tuple[Link, ...] = ()
    # A folder (relative to the config file) of templates/ and static/ files that replace the
    # package theme's files of the same name; empty: the package theme as it is.
    theme_dir: str = ""
    # Hosts agent markdown may show images from ("*.example.org" allows its subdomains); an
    # image from any other host is shown as a link, so no visitor's browser calls it unasked.
    image_hosts: tuple[str, ...] = DEFAULT_IMAGE_HOSTS


@dataclass(frozen=True)
class SourceConfig:
    # A local directory (relative to the config file) or hf://buckets/ORG/NAME.
    location: str = "demo-bucket"
    cache_dir: str = ".cache/bucket"
    # Web address of the bucket, used to link artifacts; derived from an hf:// location when empty.
    web_url: str = ""


@dataclass(frozen=True)
class MetricConfig:
    field: str = "score"
    label: str = "Score"
    unit: str = ""
    direction: str = "higher"
    secondary_field: str = ""
    secondary_label: str = ""


@dataclass(frozen=True)
class FallbackEntry:
    agent: str
    score: float
    method: str = ""
    description: str = ""


@dataclass(frozen=True)
class FallbackConfig:
    entries: tuple[FallbackEntry, ...] = ()


@dataclass(frozen=True)
class PathsConfig:
    leaderboard: str = "LEADERBOARD.md"
    results: str = "results"
    legacy_results: str = "artifacts/results"
    verification: str = "results/verification_status.json"
    messages: str = "message_board"
    agents: str = "agents"
    traces: str = "traces"
    taskforces: str = "taskforces"


@dataclass(frozen=True)
class TracesConfig:
    transcripts: str = "redacted"


@dataclass(frozen=True)
class LimitsConfig:
    max_file_bytes: int = 2_000_000
    # A message longer than this shows its start, says how much is left out and links to the
    # whole file in the bucket.
    max_message_bytes: int = 1_000_000
    max_trace_bytes: int = 50_000_000
    messages_per_page: int = 50
    # A message's page lists its newest replies, at most this many; numbered pages hold the rest.
    replies_per_page: int = 100
    # A message's page lists this many of what it answers before its body; the others follow
    # behind "and N more" (a message may ref every message of a day).
    in_reply_to_shown: int = 10
    results_per_page: int = 200
    trace_records_per_page: int = 200


@dataclass(frozen=True)
class PublishConfig:
    space_id: str = ""
    # Each commit to the Space carries at most this many files and this much payload.
    max_commit_files: int = 500
    max_commit_mb: int = 50


@dataclass(frozen=True)
class HubConfig:
    # The longest total wait, in seconds, for the Hub's rate limits in one run of the Action (its
    # sync and publish together; by hand, in each): beyond it the sync uses the last complete
    # mirror (downloads made so far are kept) and the publish stops between commits. 20 minutes
    # leave a first run (install, download, build, publish) time within a 60-minute job.
    rate_limit_wait: int = 1200


@dataclass(frozen=True)
class CacheConfig:
    # Where renders that are costly to redo (chart SVGs, templates, markdown) are kept
    # between builds, relative to the config file.
    dir: str = ".cache"


@dataclass(frozen=True)
class Config:
    site: SiteConfig = field(default_factory=SiteConfig)
    source: SourceConfig = field(default_factory=SourceConfig)
    metric: MetricConfig = field(default_factory=MetricConfig)
    fallback: FallbackConfig = field(default_factory=FallbackConfig)
    paths: PathsConfig = field(default_factory=PathsConfig)
    traces: TracesConfig = field(default_factory=TracesConfig)
    limits: LimitsConfig = field(default_factory=LimitsConfig)
    publish: PublishConfig = field(default_factory=PublishConfig)
    cache: CacheConfig = field(default_factory=CacheConfig)
    hub: HubConfig = field(default_factory=HubConfig)
    # Folder the config file sits in: relative paths set in the file are resolved against it.
    root: Path = Path(".")
    # The folder the command ran in, and the settings given there (by the environment or the
    # command line, "source.location"): a relative path in one of them is resolved against it.
    here: Path = Path(".")
    set_here: frozenset[str] = frozenset()

    def source_is_hub(self) -> bool:
        return self.source.location.startswith("hf://")

    def source_dir(self) -> Path:
        return (self._folder_of("source.location") / self.source.location).resolve()

    def cache_dir(self) -> Path:
        return (self.root / self.source.cache_dir).resolve()

    def theme_path(self) -> Path | None:
        return (self.root / self.site.theme_dir).resolve() if self.site.theme_dir else None

    def render_cache_dir(self) -> Path:
        return (self._folder_of("cache.dir") / self.cache.dir / "render").resolve()

    def _folder_of(self, key: str) -> Path:
        """The folder a relative path in the setting `key` is relative to."""
        return self.here if key in self.set_here else self.root


NOT_SETTINGS = ("root", "here", "set_here")      # fields of Config that no file or flag sets
_CHOICES = {
    "metric.direction": ("higher", "lower"),
    "traces.transcripts": ("off", "redacted", "on"),
}
_ENV_OVERRIDES = {
    "COLLAB_SOURCE": ("source", "location"),
    "METRIC_DIRECTION": ("metric", "direction"),
    "SPACE_ID": ("publish", "space_id"),
    "COLLAB_CACHE_DIR": ("cache", "dir"),
}


def load_config(path: Path | None = None, env: Mapping[str, str] | None = None,
                overrides: Mapping[str, Any] | None = None) -> Config:
    """Read `path` (collab.toml; a missing default file means all defaults), apply env and overrides.

    `overrides` are dotted keys from the command line ("source.location": "..."); None values are
    ignored so that a flag only overrides when it was given.
    """
    env = os.environ if env is None else env
    raw: dict[str, Any] = {}
    root = Path(".").resolve()
    if path is not None:
        raw = _read_toml(Path(path))
        root = Path(path).resolve().parent
    origins: dict[str, str] = {}                   # a key set outside the file: where it was
    for var, (section, key) in _ENV_OVERRIDES.items():
        if env.get(var):
            raw.setdefault(section, {})[key] = env[var]
            origins[f"{section}.{key}"] = f"{var} (environment)"
    for dotted, value in (overrides or {}).items():
        if value is not None:
            section, key = dotted.split(".", 1)
            raw.setdefault(section, {})[key] = value
            origins[dotted] = "the command line"
    errors: list[str] = []
    config = _build(Config, raw, "", errors)
    errors += unreadable_urls(config) + unplaceable_base(config) + unreadable_source(config)
    theme_dir = config.site.theme_dir
    if theme_dir and not (root / theme_dir).is_dir():
        errors.append(f"site.theme_dir: folder {theme_dir!r} not found next to the config file")
    if errors:
        raise ConfigError([_where(e, origins, path) for e in errors])
    return replace(config, root=root, here=Path.cwd(), set_here=frozenset(origins))


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError([f"config file {path} not found: give the path of a collab.toml, or "
                           "write one with `collab-site init`"]) from None
    except UnicodeDecodeError as exc:
        raise ConfigError([f"{path}: not UTF-8 text (byte {exc.start}); save it as UTF-8"]) from None
    except OSError as exc:                         # a folder, no permission
        raise ConfigError([f"{path}: cannot be read: {exc.strerror or exc}"]) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError([f"{path}: invalid TOML: {exc}"]) from None


def _where(error: str, origins: Mapping[str, str], path: Path | None) -> str:
    """`error` ("metric.direction: ...") prefixed with where its key was set: the environment
    variable or the command line that overrode it, else the config file."""
    key = error.split(":", 1)[0].split("[", 1)[0]
    if key in origins:
        return f"{origins[key]}: {error}"
    return f"{path}: {error}" if path is not None else error


def unreadable_source(config: Config) -> list[str]:
    """A location that names the Hub but no bucket of it ("hf://datasets/org/x")."""
    location = config.source.location
    if location.startswith("hf://") and not BUCKET_LOCATION.fullmatch(location):
        return [f"source.location: {location!r} is not a bucket on the Hub: write "
                "hf://buckets/ORG/NAME (or the path of a bucket folder)"]
    return []


def unplaceable_base(config: Config) -> list[str]:
    """A base_url that is neither a path from the host's root nor an http(s) address with its
    host ("example.org/sub" without its scheme): every link would be relative to the page it is
    on, and the site would link nowhere while `check` could not tell."""
    base = config.site.base_url
    parts = url_parts(base)
    if parts is None:                          # unreadable_urls names it
        return []
    with_host = parts.scheme in ("http", "https") and parts.netloc
    from_root = base == "" or (not parts.scheme and not parts.netloc and base.startswith("/"))
    if (with_host or from_root) and not (parts.query or parts.fragment or base != base.strip()):
        return []
    return [f"site.base_url: {base!r} is not where a site is served from: write its address "
            "with the host, like 'https://example.org/sub/', or a path from the host's root, "
            "like '/sub/'"]


def unreadable_urls(config: Config) -> list[str]:
    """The settings that hold a URL no browser can read ("http://[x"): the pages would link
    nowhere."""
    urls = {"site.base_url": config.site.base_url, "source.web_url": config.source.web_url,
            **{f"site.links[{i}].url": link.url for i, link in enumerate(config.site.links)
               if link is not None}}
    return [f"{name}: {url!r} is not a URL a browser can read" for name, url in urls.items()
            if url_parts(url) is None]


def _build(cls: type, raw: Any, prefix: str, errors: list[str]) -> Any:
    if not isinstance(raw, dict):
        errors.append(f"{prefix.rstrip('.') or 'config'}: expected a table")
        return cls()
    hints = get_type_hints(cls)
    known = [f.name for f in fields(cls) if f.name not in NOT_SETTINGS]
    for key in sorted(set(raw) - set(known)):
        errors.append(f"{prefix}{key}: unknown key{_did_you_mean(str(key), known)}")
    missing = [f.name for f in fields(cls) if f.name not in raw and f.name not in NOT_SETTINGS
               and f.default is MISSING and f.default_factory is MISSING]
    if missing:                   # a required key (a fallback entry's agent)
        errors.append(f"{prefix.rstrip('.')}: missing {', '.join(map(repr, missing))} "
                      "(required)")
        return None
    values: dict[str, Any] = {}
    for f in fields(cls):
        if f.name not in raw or f.name in NOT_SETTINGS:
            continue
        name = f"{prefix}{f.name}"
        before = len(errors)
        values[f.name] = _convert(hints[f.name], raw[f.name], name, errors)
        choices = _CHOICES.get(name)
        if choices and len(errors) == before and values[f.name] not in choices:
            errors.append(f"{name}: must be one of {', '.join(choices)} (got {raw[f.name]!r})")
    return cls(**values)


def _did_you_mean(key: str, known: list[str]) -> str:
    close = get_close_matches(key.lower(), known, n=1, cutoff=0.75)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _convert(hint: Any, value: Any, name: str, errors: list[str]) -> Any:
    if is_dataclass(hint):
        return _build(hint, value, name + ".", errors)
    if get_origin(hint) is tuple:
        item = get_args(hint)[0]
        if not isinstance(value, list):
            errors.append(f"{name}: expected a list")
            return ()
        return tuple(_convert(item, v, f"{name}[{i}]", errors) for i, v in enumerate(value))
    if hint is float:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
        errors.append(f"{name}: expected a number")
        return 0.0
    if hint is int:
        if isinstance(value, int) and not isinstance(value, bool) and value > 0:
            return value
        errors.append(f"{name}: expected a positive whole number")
        return 1
    if hint is str:
        if isinstance(value, str):
            return value
        errors.append(f"{name}: expected a string")
        return ""
    return value
