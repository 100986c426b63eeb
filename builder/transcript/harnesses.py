"""Every harness whose logs the site reads, in detection order: the first that recognises one
of a log's first records reads it. The last entry recognises nothing and reads anything.

Adding a harness: a module beside this one defining `HARNESS`, and one line below."""
from __future__ import annotations

from builder.transcript import claude_code, codex, generic, sts
from builder.transcript.parser import Harness

HARNESSES: tuple[Harness, ...] = (
    codex.HARNESS,
    sts.HARNESS,
    claude_code.HARNESS,
    generic.HARNESS,
)
