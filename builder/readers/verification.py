"""`results/verification_status.json`: a flat `{filename: pending|valid|invalid}` kept apart from
the results (which never change after posting); humans edit it by hand, so expect stray shapes."""
from __future__ import annotations

from builder import format as fmt
from builder.config import Config
from builder.model import Problem
from builder.readers.frontmatter import brief, json_noting_repeats
from builder.readers.kinds import Found, InputFile, Verdict
from builder.readers.values import basename

VERDICTS = ("pending", "valid", "invalid")
# What an unreadable file costs, said where it is reported: the verifier's "invalid" results
# rank again, as pending, until the file is mended (a missing verdict means pending).
NONE_USED = ("; none of its verdicts is used: every result shows as pending, and those it "
             "found invalid are ranked, until it is mended")


def read_verification(file: InputFile, config: Config) -> Found:
    """Verdicts by bare result filename; keys may come with or without the `results/` folder."""
    path = file.path
    try:
        payload, notes = json_noting_repeats(file.text)
    except (ValueError, RecursionError) as exc:
        return Found(problems=(Problem(path, f"bad JSON: {fmt.short(str(exc), 200)}{NONE_USED}"),))
    if not isinstance(payload, dict):
        return Found(problems=(Problem(path, f"not a JSON object of {{filename: verdict}}"
                                             f"{NONE_USED}"),))
    verdicts: list[Verdict] = []
    problems = [Problem(path, note) for note in notes]
    for key, value in payload.items():
        filename = basename(str(key).strip())
        verdict = value.strip().lower() if isinstance(value, str) else ""
        if not filename or verdict not in VERDICTS:
            problems.append(Problem(path, f"{brief(str(key))}: unknown verdict "
                                          f"{brief(value)!r}; ignored"))
            continue
        verdicts.append(Verdict(filename, verdict))  # type: ignore[arg-type]
    return Found(verdicts=tuple(verdicts), problems=tuple(problems))
