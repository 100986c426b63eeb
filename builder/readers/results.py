"""Scored submissions: Gen 2 `results/*.md` (YAML frontmatter) and Gen 1 `artifacts/results/*.json`.

A result whose score is missing or unusable is still returned (score None, with a Problem) so the
site can list it as unscored; a file that is not a mapping at all is not a result.
"""
from __future__ import annotations

from typing import Any, Mapping

from builder import format as fmt
from builder.config import Config, MetricConfig
from builder.model import NOTE, Link, Problem, Result, ResultOrigin, Status
from builder.readers.frontmatter import brief, json_noting_repeats, read_frontmatter, to_text
from builder.readers.kinds import Found, InputFile
from builder.readers.values import (
    best_timestamp, is_link_url, name_in, parse_number, parse_score, parse_stamped_filename, stem,
    strings_in, visible_name,
)

STATUSES: tuple[Status, ...] = ("agent-run", "negative", "baseline")

_MD_KNOWN_KEYS = frozenset({"method", "status", "description", "artifacts", "agent", "agent_id",
                            "timestamp", "via"})
_JSON_KNOWN_KEYS = frozenset({"agent_id", "agent", "timestamp", "experiment", "method", "status",
                              "score", "artifacts"})
_JSON_SUMMARIES = ("notes", "what_worked", "description")      # the first present is its summary
# A Gen 1 result's account of its run, shown as its text: each a paragraph or a list.
_JSON_SECTIONS = (("what_worked", "What worked"), ("what_failed", "What failed"),
                  ("next_steps", "Next steps"))


def read_result_md(file: InputFile, config: Config) -> Found:
    front = read_frontmatter(file.text)
    if front.error:
        return Found(problems=(Problem(file.path, f"{front.error}; not read as a result"),))
    if front.data is None:
        return Found(problems=(Problem(file.path,
                                       "no frontmatter, so no score: not read as a result"),))
    fields = front.data
    return _result(file.path, fields, front.sources, config.metric, config.metric.field,
                   id=stem(file.path), origin="results-md",
                   method=fields.get("method"), description=fields.get("description"),
                   body=front.body.strip(), known=_MD_KNOWN_KEYS, notes=front.notes)


def read_result_json(file: InputFile, config: Config) -> Found:
    try:
        fields, notes = json_noting_repeats(file.text)
    except (ValueError, RecursionError) as exc:
        return Found(problems=(Problem(file.path, f"bad JSON: {fmt.short(str(exc), 200)}"),))
    if not isinstance(fields, dict):
        return Found(problems=(Problem(file.path, "JSON is not an object: not read as a result"),))
    fields = {str(key): value for key, value in fields.items()}
    metric = config.metric
    summary = next((key for key in _JSON_SUMMARIES if _present(fields.get(key))), "")
    sections = [(key, title) for key, title in _JSON_SECTIONS
                if key != summary and _present(fields.get(key))]
    return _result(file.path, fields, {}, metric,
                   metric.field if metric.field in fields else "score",
                   id="legacy-" + stem(file.path), origin="results-json",
                   method=_first_present(fields, "experiment", "method"),
                   description=_one_line(fields.get(summary)),
                   body="\n\n".join(f"## {title}\n\n{_as_markdown(fields[key])}"
                                     for key, title in sections),
                   known=_JSON_KNOWN_KEYS | {summary} | {key for key, _ in sections},
                   notes=notes)


def _present(value: Any) -> bool:
    return value not in (None, "", [], {})


def _one_line(value: Any) -> str:
    """A summary as one line: a list's items ("what_worked": [...]) apart with " · "."""
    if isinstance(value, list):
        return " · ".join(text for text in (to_text(item).strip() for item in value) if text)
    return to_text(value)


def _as_markdown(value: Any) -> str:
    """A list as a list ("- " items, their further lines indented under them), else the text."""
    if isinstance(value, list):
        items = (to_text(item).strip() for item in value)
        return "\n".join("- " + text.replace("\n", "\n  ") for text in items if text)
    return to_text(value).strip()


def _result(path: str, fields: Mapping[str, Any], sources: Mapping[str, str],
            metric: MetricConfig, score_field: str, *, id: str, origin: ResultOrigin,
            method: Any, description: Any, body: str, known: frozenset[str],
            notes: tuple[str, ...] = ()) -> Found:
    problems = [Problem(path, note) for note in notes]
    agent = _agent(fields, path, problems)
    score, score_text = _metric_value(fields, sources, score_field, path, problems,
                                      name=metric.field, unit=metric.unit)
    secondary, secondary_text = _secondary(fields, sources, metric)
    dated = best_timestamp(fields.get("timestamp"), path)
    problems += [Problem(path, note) for note in dated.notes]
    result = Result(
        id=id, agent=agent, score=score, score_text=score_text,
        method=to_text(method).strip(), description=to_text(description).strip(),
        timestamp=dated.time, status=_status(fields.get("status"), agent, path, problems),
        origin=origin, source_path=path, secondary=secondary, secondary_text=secondary_text,
        links=links_in(fields), artifacts=strings_in(fields.get("artifacts")), body=body,
        extra=extra_fields(fields, known | {metric.field, metric.secondary_field}))
    return Found(results=(result,), problems=tuple(problems))


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
        text = name_in(fields, key, path, problems)
        if text:
            return text
    from_name = visible_name(agent_from_filename(path))[0]
    if from_name:
        return from_name
    problems.append(Problem(path, "no agent in the file or its name; listed as 'unknown'", NOTE))
    return "unknown"


def _metric_value(fields: Mapping[str, Any], sources: Mapping[str, str], field: str, path: str,
                  problems: list[Problem], name: str = "", unit: str = ""
                  ) -> tuple[float | None, str]:
    name = name or field
    if field not in fields or fields[field] is None:
        problems.append(Problem(path, f"no {name} value (the [metric] field); listed without a "
                                      "score"))
        return None, ""
    value = fields[field]
    text = sources.get(field) or to_text(value)
    number = parse_score(value, unit)
    if number is None:
        expected = f", or a number and {unit!r}" if unit else ""
        problems.append(Problem(path, f"{name} {brief(text)!r} is not a usable number{expected};"
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
    problems.append(Problem(path, f"unknown status {brief(text)!r}; read as agent-run"))
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

