"""Spread pure, CPU-bound work (parsing, markdown, templates) over the machine's cores.

Each worker is a forked process that inherits the job and its share of the items (nothing is
pickled on the way in: the job may be a closure over the build's state); only results travel
back, through a pipe, `CHUNK` at a time as they are made, so a worker holds a chunk of its
results, never its share's. Order is preserved, so the output does not depend on how the work
was split. Small jobs, one-core machines and platforms without fork run in-process.

`start` returns as soon as the workers run, so the caller can go on meanwhile; `collect` waits
for the results. """
from __future__ import annotations

import ctypes
import gc
import multiprocessing
import os
import subprocess
import sys
import traceback
from dataclasses import dataclass
from multiprocessing.connection import wait
from pathlib import Path
from typing import Any, Callable, Sequence, TypeVar

T = TypeVar("T")
R = TypeVar("R")

MIN_ITEMS = 400
ROUND = 10_000                  # items per round of parallel_map
CHUNK = 500                     # results per message from a worker
MORE, LAST, FAILED = "more", "last", "failed"     # what a message from a worker is


class WorkerError(RuntimeError):
    """A job raised in a worker process; the message carries the worker's traceback."""


@dataclass(frozen=True)
class Running:
    """Work started by `start`: either finished in-process (`done`) or running in workers."""

    done: list | None
    workers: tuple[tuple[Any, Any], ...] = ()       # (process, receiving end of its pipe)


def parallel_map(job: Callable[[T], R], items: Sequence[T], workers: int | None = None) -> list[R]:
    """`job` over every item, in rounds of at most `ROUND` items, each with workers of its own:
    a worker copies the part of this process's memory it touches (copy on write), so a long
    map would have each worker end up with a copy of most of it."""
    return [result for first in range(0, len(items), ROUND)
            for result in collect(start(job, items[first:first + ROUND], workers))]


def start(job: Callable, items: Sequence, workers: int | None = None, per_share: bool = False
          ) -> Running:
    """Run `job` over `items`: per item, or (per_share) once over each worker's share (to set
    up once per worker what every item needs)."""
    share_job = job if per_share else (lambda part: (job(item) for item in part))
    workers = min(workers or worker_count(), len(items) // (MIN_ITEMS // 4) or 1)
    if workers < 2 or len(items) < MIN_ITEMS or "fork" not in multiprocessing.get_all_start_methods():
        return Running(done=list(share_job(items)))
    context = multiprocessing.get_context("fork")
    size = -(-len(items) // workers)
    running = []
    for first in range(0, len(items), size):
        running.append(_fork(context, share_job, items[first:first + size]))
    return Running(done=None, workers=tuple(running))


def background(job: Callable[[], R]) -> Running:
    """`job()` in a worker of its own while the caller goes on; `collect` gives [its result].
    Where `start` would run in-process (one core, no fork), it runs here, at once."""
    if worker_count() < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return Running(done=[job()])
    worker = _fork(multiprocessing.get_context("fork"), lambda _part: [job()], [None])
    return Running(done=None, workers=(worker,))


def finished(running: Running | None) -> bool:
    """Whether the work of `background` is done (nothing to wait for: None, or run in-process),
    so that `collect` returns at once. Its worker sends its one result as it ends."""
    return running is None or running.done is not None or all(
        receive.poll() for _, receive in running.workers)


def collect(running: Running) -> list:
    """The results of every worker, in the order of the items; the workers' chunks are read as
    they come from all of them at once (a worker waiting on a full pipe would stall)."""
    if running.done is not None:
        return running.done
    parts: dict[Any, list] = {receive: [] for _, receive in running.workers}
    pids = {receive: process.pid for process, receive in running.workers}
    failure = None
    pending = set(parts)
    while pending:
        for receive in wait(list(pending)):
            try:
                state, value = receive.recv()
            except EOFError:
                state, value = FAILED, f"worker {pids[receive]} died without a result"
            if state == FAILED:
                failure = failure or value
            elif failure is None:
                parts[receive].extend(value)
            if state != MORE:
                pending.discard(receive)
    for process, _ in running.workers:
        process.join()
    if failure is not None:
        raise WorkerError(failure)
    return [result for _, receive in running.workers for result in parts[receive]]


def _fork(context, share_job: Callable, part: Sequence) -> tuple[Any, Any]:
    """One worker over `part`. The objects that exist now are frozen for the garbage collector
    in the worker, so that its collections do not write to (and so copy) the memory it shares
    with this process."""
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=_run, args=(share_job, part, send))
    gc.freeze()
    try:
        process.start()
    finally:
        gc.unfreeze()
    send.close()
    return process, receive


def _run(share_job: Callable, part: Sequence, send) -> None:
    try:
        chunk: list = []
        for result in share_job(part):
            chunk.append(result)
            if len(chunk) == CHUNK:
                send.send((MORE, chunk))
                chunk = []
        send.send((LAST, chunk))
    except BaseException:
        send.send((FAILED, traceback.format_exc()))
    finally:
        send.close()


def fresh_python(code: str, *args: str, **popen: Any) -> subprocess.Popen:
    """A fresh interpreter running `code`, with this package importable. Not a fork: the work
    it suits (vl-convert's JavaScript engine) does not survive a fork of a process that has
    used it, and a fork would bring this process's memory along."""
    package_root = str(Path(__file__).resolve().parents[1])
    path = os.pathsep.join(filter(None, [package_root, os.environ.get("PYTHONPATH")]))
    return subprocess.Popen([sys.executable, "-c", code, *args],
                            env={**os.environ, "PYTHONPATH": path}, **popen)


M_MMAP_THRESHOLD = -3             # glibc's mallopt parameter (malloc.h)
MMAP_THRESHOLD = 128 << 10        # its default starting value


def return_large_blocks() -> None:
    """Have every block of memory of 128 KiB or more taken from the system for itself, and
    given back when freed, for the rest of this process and the workers it forks. glibc
    otherwise raises that size to the largest block freed so far: after the build has held a
    few MiB at once (a page pack, Pagefind's answer), later large blocks come from the heap,
    which keeps its peak size (about 35 MiB more at 10,000 messages). Without glibc, nothing
    changes."""
    try:
        ctypes.CDLL(None).mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)
    except (OSError, AttributeError, TypeError):  # no mallopt here: the allocator's own ways
        pass


YOUNG_COLLECTION_EVERY = 50_000   # objects allocated (Python's default: 700)


def collect_garbage_less_often() -> None:
    """A build makes hundreds of thousands of objects that live until its end (records, views,
    page specs), and with Python's default thresholds its cycle collector went over them again
    and again: 0.18 s of a 1.5 s cron run at 10,000 messages (five full collections took 0.12 s
    of it), against 0.03 s with a young generation of 50,000 objects. What this process and the
    workers it forks make is freed by reference counting as before; only garbage in cycles
    (rare: the model is frozen dataclasses) waits a little longer."""
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_COLLECTION_EVERY, middle, old)


def give_back_free_memory() -> None:
    """Return the free memory of this process's heap to the system (glibc's malloc_trim), as
    after a stage that freed much of what it made: the blocks still in use are scattered over
    the heap, so it would otherwise keep its peak size. Without glibc, nothing happens."""
    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError, TypeError):
        pass


def worker_count() -> int:
    """COLLAB_WORKERS when set, else the cores this process may use."""
    explicit = os.environ.get("COLLAB_WORKERS", "")
    if explicit.isdigit() and int(explicit) > 0:
        return int(explicit)
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1
