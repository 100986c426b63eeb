"""Work spread over forked workers gives the same results, in order, as in-process."""
import os
import time
from functools import partial
from pathlib import Path

import pytest

from builder import parallel


def test_forked_workers_run_the_job_and_keep_the_order(monkeypatch):
    monkeypatch.setattr(parallel, "MIN_ITEMS", 8)
    items = list(range(40))
    pids = parallel.parallel_map(lambda _: os.getpid(), items, workers=2)
    assert os.getpid() not in pids and len(set(pids)) == 2
    assert parallel.parallel_map(lambda x: x * x, items, workers=3) == [x * x for x in items]


def test_small_jobs_stay_in_process():
    assert set(parallel.parallel_map(lambda _: os.getpid(), list(range(10)), workers=4)) == {os.getpid()}


@pytest.mark.parametrize("failing, chunk", [(13, parallel.CHUNK), (38, 2)],
                         ids=["in-the-only-chunk", "after-chunks-were-sent"])
def test_a_failing_job_fails_the_map_with_the_workers_traceback(monkeypatch, failing, chunk):
    monkeypatch.setattr(parallel, "MIN_ITEMS", 8)
    monkeypatch.setattr(parallel, "CHUNK", chunk)

    def job(x):
        if x == failing:
            raise ValueError(f"item {x} fails")
        return x

    with pytest.raises(parallel.WorkerError, match=f"item {failing} fails"):
        parallel.parallel_map(job, list(range(40)), workers=2)


def test_results_come_back_in_chunks_and_in_order(monkeypatch):
    monkeypatch.setattr(parallel, "MIN_ITEMS", 8)
    monkeypatch.setattr(parallel, "CHUNK", 3)         # each worker's share spans several chunks
    items = list(range(41))
    results = parallel.parallel_map(lambda x: (x, os.getpid()), items, workers=2)
    assert [x for x, _ in results] == items
    assert len({pid for _, pid in results}) == 2


def test_a_long_map_runs_in_rounds_of_fresh_workers(monkeypatch):
    """A worker's memory grows with what it touches of the parent's: no worker lives through
    a whole long map."""
    monkeypatch.setattr(parallel, "MIN_ITEMS", 8)
    monkeypatch.setattr(parallel, "ROUND", 10)
    results = parallel.parallel_map(lambda x: (x, os.getpid()), list(range(40)), workers=2)
    assert [x for x, _ in results] == list(range(40))
    assert len({pid for _, pid in results}) == 8


def waiting_for(gate: Path) -> tuple[bool, int]:
    """Waits for the caller to go on (in the caller's process, it would wait in vain)."""
    deadline = time.monotonic() + 10
    while not gate.exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    return gate.exists(), os.getpid()


def test_a_background_job_runs_in_a_worker_of_its_own_while_the_caller_goes_on(monkeypatch, tmp_path):
    monkeypatch.setenv("COLLAB_WORKERS", "2")
    running = parallel.background(partial(waiting_for, tmp_path / "go"))
    (tmp_path / "go").touch()
    [(waited, pid)] = parallel.collect(running)
    assert waited and pid != os.getpid()


def test_a_background_job_is_finished_once_its_result_is_there(monkeypatch, tmp_path):
    monkeypatch.setenv("COLLAB_WORKERS", "2")
    running = parallel.background(partial(waiting_for, tmp_path / "go"))
    assert not parallel.finished(running)
    (tmp_path / "go").touch()
    deadline = time.monotonic() + 10
    while not parallel.finished(running) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert parallel.finished(running) and parallel.collect(running)[0][0]
    assert parallel.finished(None)


def test_on_one_core_a_background_job_runs_at_once_in_process(monkeypatch):
    monkeypatch.setenv("COLLAB_WORKERS", "1")
    running = parallel.background(os.getpid)
    assert running.done == [os.getpid()] and parallel.collect(running) == [os.getpid()]
    assert parallel.finished(running)
