"""Work spread over forked workers gives the same results, in order, as in-process."""
import os

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


def test_a_failing_job_fails_the_map_with_the_workers_traceback(monkeypatch):
    monkeypatch.setattr(parallel, "MIN_ITEMS", 8)

    def job(x):
        if x == 13:
            raise ValueError("thirteen")
        return x

    with pytest.raises(parallel.WorkerError, match="thirteen"):
        parallel.parallel_map(job, list(range(40)), workers=2)
