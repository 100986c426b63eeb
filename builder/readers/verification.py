"""`results/verification_status.json`: a flat `{filename: pending|valid|invalid}` kept apart from
the results (which never change after posting); humans edit it by hand, so expect stray shapes."""
from __future__ import annotations

import json

from builder.model import Problem
from builder.readers.frontmatter import decode, to_text
from builder.readers.values import basename

VERDICTS = ("pending", "valid", "invalid")


def read_verification(path: str, data: bytes | str) -> tuple[dict[str, str], tuple[Problem, ...]]:
    """{bare result filename: verdict}; keys may come with or without the `results/` folder."""
    try:
        payload = json.loads(decode(data))
    except (ValueError, RecursionError) as exc:
        return {}, (Problem(path, f"bad JSON: {' '.join(str(exc).split())[:200]}"),)
    if not isinstance(payload, dict):
        return {}, (Problem(path, "not a JSON object of {filename: verdict}"),)
    verdicts: dict[str, str] = {}
    problems: list[Problem] = []
    for key, value in payload.items():
        filename = basename(str(key).strip())
        verdict = to_text(value).strip().lower() if isinstance(value, str) else ""
        if not filename or verdict not in VERDICTS:
            problems.append(Problem(path, f"{_short(str(key))}: unknown verdict "
                                          f"{_short(to_text(value))!r}; ignored"))
            continue
        verdicts[filename] = verdict
    return verdicts, tuple(problems)


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[:limit] + "…"
