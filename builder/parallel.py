"""Spread pure, CPU-bound work (markdown, templates) over the machine's cores.

Worker processes are forked, so they inherit the build's state (the site map, the Jinja
environment) without pickling it; only the items' results travel back. Order is preserved, so
the output does not depend on how the work was split. Small jobs, one-core machines and
platforms without fork run in-process.
"""
from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from typing import Callable, Sequence, TypeVar

T = TypeVar("T")
R = TypeVar("R")

MIN_ITEMS = 400
_JOB: Callable | None = None


def _run_chunk(chunk: Sequence) -> list:
    assert _JOB is not None
    return [_JOB(item) for item in chunk]


def parallel_map(job: Callable[[T], R], items: Sequence[T], workers: int | None = None) -> list[R]:
    global _JOB
    workers = workers or _worker_count()
    if workers < 2 or len(items) < MIN_ITEMS or "fork" not in multiprocessing.get_all_start_methods():
        return [job(item) for item in items]
    size = max(50, len(items) // (workers * 4))
    chunks = [items[i:i + size] for i in range(0, len(items), size)]
    _JOB = job
    try:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            return [result for part in pool.map(_run_chunk, chunks) for result in part]
    finally:
        _JOB = None


def _worker_count() -> int:
    explicit = os.environ.get("COLLAB_WORKERS", "")
    if explicit.isdigit():
        return int(explicit)
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1
