"""Scored submissions: Gen 2 `results/*.md` (YAML frontmatter) and Gen 1 `artifacts/results/*.json`.

A result whose score is missing or unusable is still returned (score None, with a Problem) so the
site can list it as unscored; a file that is not a mapping at all is not a result.
"""
from __future__ import annotations

import json
from typing import Any, Mapping

from builder.config import MetricConfig
from builder.model import Link, Problem, Result, Status
from builder.readers.frontmatter import decode, read_frontmatter, to_text
from builder.readers.values import (
    best_timestamp, is_link_url, parse_number, parse_stamped_filename, stem, strings_in,
)
from builder.slugs import slugify

STATUSES: tuple[Status, ...] = ("agent-run", "negative", "baseline")

_MD_KNOWN_KEYS = frozenset({"method", "status", "description", "artifacts", "agent", "agent_id",
                            "timestamp"})
_JSON_KNOWN_KEYS = frozenset({"agent_id", "agent", "timestamp", "experiment", "method", "status",
                              "notes", "what_worked", "description", "score", "artifacts"})


def read_result_md(path: str, data: bytes | str, metric: MetricConfig
                   ) -> tuple[Result | None, tuple[Problem, ...]]:
    front = read_frontmatter(decode(data))
    if front.error:
        return None, (Problem(path, front.error),)
    if front.data is None:
        return None, (Problem(path, "no frontmatter, so no score: not read as a result"),)
    fields = front.data
    problems: list[Problem] = []
    agent = _agent(fields, path, problems)
    score, score_text = _metric_value(fields, front.sources, metric.field, path, problems)
    secondary, secondary_text = _secondary(fields, front.sources, metric)
    consumed = _MD_KNOWN_KEYS | {metric.field, metric.secondary_field}
    return Result(
        id=slugify(stem(path)),
        agent=agent,
        score=score,
        score_text=score_text,
        method=to_text(fields.get("method")).strip(),
        description=to_text(fields.get("description")).strip(),
        timestamp=best_timestamp(fields.get("timestamp"), path),
        status=_status(fields.get("status"), agent, path, problems),
        origin="results-md",
        source_path=path,
        secondary=secondary,
        secondary_text=secondary_text,
        links=links_in(fields),
        artifacts=strings_in(fields.get("artifacts")),
        body=front.body.strip(),
        extra=extra_fields(fields, consumed),
    ), tuple(problems)


def read_result_json(path: str, data: bytes | str, metric: MetricConfig
                     ) -> tuple[Result | None, tuple[Problem, ...]]:
    try:
        fields = json.loads(decode(data))
    except (ValueError, RecursionError) as exc:
        return None, (Problem(path, f"bad JSON: {' '.join(str(exc).split())[:200]}"),)
    if not isinstance(fields, dict):
        return None, (Problem(path, "JSON is not an object: not read as a result"),)
    fields = {str(key): value for key, value in fields.items()}
    problems: list[Problem] = []
    agent = _agent(fields, path, problems)
    field = metric.field if metric.field in fields else "score"
    score, score_text = _metric_value(fields, {}, field, path, problems, name=metric.field)
    secondary, secondary_text = _secondary(fields, {}, metric)
    consumed = _JSON_KNOWN_KEYS | {metric.field, metric.secondary_field}
    return Result(
        id="legacy-" + slugify(stem(path)),
        agent=agent,
        score=score,
        score_text=score_text,
        method=to_text(_first_present(fields, "experiment", "method")).strip(),
        description=to_text(_first_present(fields, "notes", "what_worked", "description")).strip(),
        timestamp=best_timestamp(fields.get("timestamp"), path),
        status=_status(fields.get("status"), agent, path, problems),
        origin="results-json",
        source_path=path,
        secondary=secondary,
        secondary_text=secondary_text,
        links=links_in(fields),
        artifacts=strings_in(fields.get("artifacts")),
        extra=extra_fields(fields, consumed),
    ), tuple(problems)


def agent_from_filename(path: str) -> str:
    """`20260620-150043-363_mikasa-inbound.md` and Gen 1 `{descriptive}_{agent}.json` name the
    agent; other names (agents' drafts) do not: ""."""
    stamped = parse_stamped_filename(path)
    if stamped:
        return stamped.agent
    name = stem(path)
    return name.rsplit("_", 1)[1] if "_" in name else ""


def _agent(fields: Mapping[str, Any], path: str, problems: list[Problem]) -> str:
    for key in ("agent", "agent_id"):
        text = to_text(fields.get(key)).strip()
        if text:
            return text
    from_name = agent_from_filename(path)
    if from_name:
        return from_name
    problems.append(Problem(path, "no agent in the file or its name; listed as 'unknown'"))
    return "unknown"


def _metric_value(fields: Mapping[str, Any], sources: Mapping[str, str], field: str, path: str,
                  problems: list[Problem], name: str = "") -> tuple[float | None, str]:
    name = name or field
    if field not in fields or fields[field] is None:
        problems.append(Problem(path, f"no {name} value; listed without a score"))
        return None, ""
    value = fields[field]
    text = sources.get(field) or to_text(value)
    number = parse_number(value)
    if number is None:
        problems.append(Problem(path, f"{name} {_short(text)!r} is not a usable number;"
                                      " listed without a score"))
    return number, text


def _secondary(fields: Mapping[str, Any], sources: Mapping[str, str], metric: MetricConfig
               ) -> tuple[float | None, str]:
    # A missing secondary value is normal (early gemma results have no ppl): not a problem.
    if not metric.secondary_field or fields.get(metric.secondary_field) is None:
        return None, ""
    value = fields[metric.secondary_field]
    return parse_number(value), sources.get(metric.secondary_field) or to_text(value)


def _status(value: Any, agent: str, path: str, problems: list[Problem]) -> Status:
    text = to_text(value).strip().lower()
    if agent.lower() == "baseline" and text in ("", "baseline"):
        return "baseline"
    if not text:
        return "agent-run"
    if text in STATUSES:
        return text  # type: ignore[return-value]
    problems.append(Problem(path, f"unknown status {_short(text)!r}; read as agent-run"))
    return "agent-run"


def links_in(fields: Mapping[str, Any]) -> tuple[Link, ...]:
    """Every http(s) or hf:// value (or list item), labelled with its key, in file order."""
    links: dict[str, Link] = {}
    for key, value in fields.items():
        for text in strings_in(value):
            if is_link_url(text):
                links.setdefault(text, Link(label=key, url=text))
    return tuple(links.values())


def extra_fields(fields: Mapping[str, Any], consumed: frozenset[str] | set[str]
                 ) -> tuple[tuple[str, str], ...]:
    """Custom keys as display strings; a key whose values are all links is shown as links only."""
    extra = []
    for key, value in fields.items():
        if key in consumed or value is None:
            continue
        strings = strings_in(value)
        if strings and len(strings) == _item_count(value) and all(map(is_link_url, strings)):
            continue
        text = to_text(value).strip()
        if text:
            extra.append((key, text))
    return tuple(extra)


def _item_count(value: Any) -> int:
    return len(value) if isinstance(value, (list, tuple)) else 1


def _first_present(fields: Mapping[str, Any], *keys: str) -> Any:
    return next((fields[k] for k in keys if fields.get(k) not in (None, "")), None)


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[:limit] + "…"
