"""Spread pure, CPU-bound work (parsing, markdown, templates) over the machine's cores.

Each worker is a forked process that inherits the job and its share of the items (nothing is
pickled on the way in: the job may be a closure over the build's state); only results travel
back, through a pipe. Order is preserved, so the output does not depend on how the work was
split. Small jobs, one-core machines and platforms without fork run in-process.
"""
from __future__ import annotations

import multiprocessing
import os
import traceback
from typing import Callable, Sequence, TypeVar

T = TypeVar("T")
R = TypeVar("R")

MIN_ITEMS = 400


class WorkerError(RuntimeError):
    """A job raised in a worker process; the message carries the worker's traceback."""


def parallel_map(job: Callable[[T], R], items: Sequence[T], workers: int | None = None) -> list[R]:
    workers = min(workers or worker_count(), len(items) // (MIN_ITEMS // 4) or 1)
    if workers < 2 or len(items) < MIN_ITEMS or "fork" not in multiprocessing.get_all_start_methods():
        return [job(item) for item in items]
    context = multiprocessing.get_context("fork")
    size = -(-len(items) // workers)
    running = []
    for start in range(0, len(items), size):
        receive, send = context.Pipe(duplex=False)
        process = context.Process(target=_run, args=(job, items[start:start + size], send))
        process.start()
        send.close()
        running.append((process, receive))
    results: list[R] = []
    for process, receive in running:
        ok, value = receive.recv()
        process.join()
        if not ok:
            raise WorkerError(value)
        results.extend(value)
    return results


def _run(job: Callable, part: Sequence, send) -> None:
    try:
        send.send((True, [job(item) for item in part]))
    except BaseException:
        send.send((False, traceback.format_exc()))
    finally:
        send.close()


def worker_count() -> int:
    """COLLAB_WORKERS when set, else the cores this process may use."""
    explicit = os.environ.get("COLLAB_WORKERS", "")
    if explicit.isdigit() and int(explicit) > 0:
        return int(explicit)
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1
