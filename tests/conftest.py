"""Test set-up that must happen before anything imports huggingface_hub.

huggingface_hub freezes its endpoint when first imported, so the fake Hub's address is chosen
here, at collection start: a free port on 127.0.0.1, exported as HF_ENDPOINT. The fake Hub
itself (tests/fakehub.py) is started on that port by the fixtures that need it. HF_HOME points
at a throwaway folder so that a developer's saved token is never sent anywhere.

Temporary folders (tmp_path, the caches below, Chromium's profiles) go to memory (/dev/shm)
when the machine has room there: the suite writes about a gigabyte of small files (sites,
caches, a virtualenv), and on a slow disk that is a third of its time. Each test's folder is
removed when it passes (pyproject: tmp_path_retention_policy), so the memory is given back.
"""
from __future__ import annotations

import atexit
import os
import shutil
import socket
import tempfile
from pathlib import Path


MEMORY_TEMP = Path("/dev/shm")
MEMORY_TEMP_ROOM = 4 << 30


def _use_memory_for_temporary_files() -> None:
    if os.environ.get("TMPDIR") or not MEMORY_TEMP.is_dir() or not os.access(MEMORY_TEMP, os.W_OK):
        return
    stats = os.statvfs(MEMORY_TEMP)
    if stats.f_bavail * stats.f_frsize >= MEMORY_TEMP_ROOM:
        os.environ["TMPDIR"] = tempfile.tempdir = str(MEMORY_TEMP)


_use_memory_for_temporary_files()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# Under pytest-xdist every worker runs a fake Hub of its own: a port inherited from the
# controlling process would be taken by its first worker.
_INHERITED_PORT = None if os.environ.get("PYTEST_XDIST_WORKER") else os.environ.get("COLLAB_FAKE_HUB_PORT")
FAKE_HUB_PORT = int(_INHERITED_PORT or _free_port())
os.environ["COLLAB_FAKE_HUB_PORT"] = str(FAKE_HUB_PORT)
os.environ["HF_ENDPOINT"] = f"http://127.0.0.1:{FAKE_HUB_PORT}"


def _throwaway_folder(prefix: str) -> str:
    """A temporary folder that this process removes when it exits."""
    folder = tempfile.mkdtemp(prefix=prefix)
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


os.environ["HF_HOME"] = _throwaway_folder("collab-site-hf-home-")
os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"
os.environ["NO_PROXY"] = "127.0.0.1,localhost"
# Builds run in-process next to the fake Hub's threads: forking there is safe for our pure
# workers, but one worker keeps the suite's behaviour simple; test_parallel_build covers forks.
os.environ.setdefault("COLLAB_WORKERS", "1")
os.environ["COLLAB_CHECK_FINGERPRINTS"] = "1"       # a page's fingerprint must cover what it shows
# Render caches of every build a test makes go to a throwaway folder, never into the checkout.
os.environ["COLLAB_CACHE_DIR"] = _throwaway_folder("collab-site-cache-")
os.environ.pop("HF_TOKEN", None)
os.environ.pop("HF_HUB_OFFLINE", None)
os.environ.pop("HF_OIDC_RESOURCE", None)

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "agent-collab-corpus"
FIXTURES = Path(__file__).resolve().parent / "fixtures"

# --- fake Hub fixtures (issue 3): `fake_hub_server` (session), `hub` and `hub_clock` (per test) 
from tests.hub_fixtures import fake_hub_server, hub, hub_clock  # noqa: E402,F401
# --- the demo site, built once per session (`demo_site`), the code caches its build made
# (`code_caches`), the demo changed (`demo_with`) or without verdicts (`site_without_verdicts`) ---
from tests.site_fixtures import code_caches, demo_site, demo_with  # noqa: E402,F401
from tests.site_fixtures import site_without_verdicts  # noqa: E402,F401
# --- browser tests: one Chromium per process (`browser`), the demo site served (`served`) -----
from tests.browser import _session_chromium, browser, served  # noqa: E402,F401

# --- the order the files run in under pytest-xdist (pyproject: --no-loadscope-reorder) --------
# `--dist loadfile` hands each worker whole files, in collection order. xdist's default order (most
# tests first) put the files of a few long tests (the accessibility sweep, the bench, serve) last,
# and one of them then ran alone at the end while the other core idled. The longest files go
# first instead, longest first; the rest keep their order. The order is the time each file
# kept a worker busy in a whole run (`--durations=0`, summed by file), browsers' time included:
# test_render_cache.py alone is a quarter of the suite, so it starts at once.
LONG_FILES = (
    "test_render_cache.py", "test_site_pages.py", "test_search_browser.py", "test_bench.py",
    "test_visual.py", "test_trace_pages.py", "test_accessibility.py", "test_home_browser.py",
    "test_browser.py", "test_hostile_browser.py", "test_action_venv.py", "test_search.py",
    "test_chart.py", "test_home_budget.py", "test_trace_browser.py", "test_feeds.py",
    "test_threads.py", "test_robust_inputs.py", "test_hub_source.py", "test_redact.py",
    "test_build_memory.py", "test_hub_build.py", "test_results_browser.py", "test_serve.py",
    "test_package.py", "test_workflows.py", "test_markdown_gfm.py", "test_check.py",
)


def _long_files_first(item) -> int:
    name = item.path.name
    return LONG_FILES.index(name) if name in LONG_FILES else len(LONG_FILES)


def pytest_collection_modifyitems(items) -> None:
    items.sort(key=_long_files_first)          # stable: a file's tests keep their order
