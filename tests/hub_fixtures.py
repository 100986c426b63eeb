"""Fixtures around the fake Hub (tests/fakehub.py), imported at the end of tests/conftest.py.

`fake_hub_server` starts one fake per session on COLLAB_FAKE_HUB_PORT (chosen by conftest before
huggingface_hub is imported, which freezes HF_ENDPOINT); `hub` hands each test a clean one and
shortens the hub source's retry waits so fault tests stay fast.
"""
from __future__ import annotations

import contextlib
import os
import time
from types import SimpleNamespace

import pytest

from tests.fakehub import DEFAULT_TOKEN, FakeHub, VirtualClock

TOKEN = DEFAULT_TOKEN


def collab_files(n_messages: int = 2000, n_results: int = 400, n_agents: int = 100) -> dict[str, str]:
    """A Gen 2 collaboration bucket: README, agents/, message_board/, results/ (1 + n files each)."""
    authors = max(n_agents, 1)
    files: dict[str, str] = {"README.md": "# A collaboration\n"}
    for i in range(n_agents):
        files[f"agents/agent-{i:03d}.md"] = (
            f"---\nagent_name: agent-{i:03d}\nagent_model: model-x\njoined: 2026-06-01 00:00 UTC\n---\nBio {i}\n")
    for i in range(n_messages):
        stamp = f"202606{1 + i // 1440:02d}-{i // 60 % 24:02d}{i % 60:02d}00-{i % 1000:03d}"
        agent = f"agent-{i % authors:03d}"
        files[f"message_board/{stamp}_{agent}.md"] = (
            f"---\ntype: agent\nagent: {agent}\ntimestamp: {_human(stamp)}\nvia: bucket\n---\n"
            f"Message number {i}\n")
    for i in range(n_results):
        stamp = f"202606{10 + i // 1440:02d}-{i // 60 % 24:02d}{i % 60:02d}00-{i % 1000:03d}"
        agent = f"agent-{i % authors:03d}"
        files[f"results/{stamp}_{agent}.md"] = (
            f"---\nscore: {1 + i / 10}\nmethod: method-{i}\nstatus: agent-run\ndescription: run {i}\n"
            f"agent: {agent}\ntimestamp: {_human(stamp)}\nvia: bucket\n---\nNotes {i}\n")
    return files


def _human(stamp: str) -> str:
    """20260601-013000-xxx -> 2026-06-01 01:30 UTC"""
    return f"{stamp[0:4]}-{stamp[4:6]}-{stamp[6:8]} {stamp[9:11]}:{stamp[11:13]} UTC"


@pytest.fixture(scope="session")
def fake_hub_server():
    server = FakeHub(int(os.environ["COLLAB_FAKE_HUB_PORT"])).start()
    yield server
    server.stop()


@pytest.fixture
def hub(fake_hub_server, monkeypatch):
    """A reset fake Hub; requests time out after 1 s and are retried after 20-200 ms; Xet
    transfers are off (the fake cannot serve Xet storage: tests that need them turn them on)."""
    from huggingface_hub import constants

    from builder import hub_http

    fake_hub_server.reset()
    monkeypatch.setattr(hub_http, "DEFAULT_POLICY",
                        hub_http.HttpPolicy(timeout=1.0, commit_timeout=5.0, retries=4,
                                            backoff=0.02, max_backoff=0.2, rate_limit_wait=30.0))
    monkeypatch.setattr(constants, "HF_HUB_DISABLE_XET", True)
    monkeypatch.delenv("HF_TOKEN", raising=False)
    monkeypatch.delenv("COLLAB_WAIT_LEDGER", raising=False)   # each test's waits are its own
    yield fake_hub_server
    fake_hub_server.reset()


@pytest.fixture
def hub_clock(hub, monkeypatch) -> VirtualClock:
    """One virtual clock for the fake Hub's rate-limit windows and the client's waits: a
    window ends only when the client waits it out, however busy the machine (see VirtualClock).
    The client's waits cost no real time. Real timeouts (a hung request) stay real."""
    from builder import hub_http

    clock = VirtualClock()
    hub.clock = clock.monotonic
    send_request = hub_http.HubHttp.open

    @contextlib.contextmanager
    def open_on_the_clock(self, *args, **kwargs):
        with clock.busy(), send_request(self, *args, **kwargs) as response:
            yield response

    monkeypatch.setattr(hub_http.HubHttp, "open", open_on_the_clock)
    functions = {name: getattr(time, name) for name in dir(time) if not name.startswith("_")}
    functions.update(monotonic=clock.monotonic, sleep=clock.sleep)
    monkeypatch.setattr(hub_http, "time", SimpleNamespace(**functions))
    return clock
