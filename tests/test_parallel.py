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


def test_fan_out_runs_every_share_once_in_its_own_process():
    got = parallel.fan_out(lambda share, shares: [(share, shares, os.getpid())], workers=3)
    assert [(s, n) for s, n, _ in got] == [(0, 3), (1, 3), (2, 3)]
    assert got[0][2] == os.getpid() and len({pid for _, _, pid in got}) == 3


def test_a_failing_share_fails_the_fan_out():
    def job(share, shares):
        if share == 1:
            raise ValueError("share one")
        return [share]

    with pytest.raises(parallel.WorkerError, match="share one"):
        parallel.fan_out(job, workers=2)
