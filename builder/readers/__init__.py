"""One module per input kind. Each turns bucket bytes into plain records plus Problems and never
raises on bad input. `read_inputs` runs them all over a Bucket."""
from __future__ import annotations

from dataclasses import dataclass

from builder.model import Agent, Message, Problem, Result, Trace


@dataclass(frozen=True)
class Inputs:
    results: tuple[Result, ...]
    messages: tuple[Message, ...]
    agents: tuple[Agent, ...]
    traces: tuple[Trace, ...]
    problems: tuple[Problem, ...]
