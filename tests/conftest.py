"""Test set-up that must happen before anything imports huggingface_hub.

huggingface_hub freezes its endpoint when first imported, so the fake Hub's address is chosen
here, at collection start: a free port on 127.0.0.1, exported as HF_ENDPOINT. The fake Hub
itself (tests/fakehub.py) is started on that port by the fixtures that need it. HF_HOME points
at a throwaway folder so that a developer's saved token is never sent anywhere.
"""
from __future__ import annotations

import os
import socket
import tempfile
from pathlib import Path


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
os.environ["HF_HOME"] = tempfile.mkdtemp(prefix="collab-site-hf-home-")
os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"
os.environ["NO_PROXY"] = "127.0.0.1,localhost"
# Builds run in-process next to the fake Hub's threads: forking there is safe for our pure
# workers, but one worker keeps the suite's behaviour simple; test_parallel_build covers forks.
os.environ.setdefault("COLLAB_WORKERS", "1")
# Render caches of every build a test makes go to a throwaway folder, never into the checkout.
os.environ["COLLAB_CACHE_DIR"] = tempfile.mkdtemp(prefix="collab-site-cache-")
os.environ.pop("HF_TOKEN", None)
os.environ.pop("HF_HUB_OFFLINE", None)
os.environ.pop("HF_OIDC_RESOURCE", None)

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "agent-collab-corpus"
FIXTURES = Path(__file__).resolve().parent / "fixtures"

# --- fake Hub fixtures (issue 3): `fake_hub_server` (session) and `hub` (per test) ------------
from tests.hub_fixtures import fake_hub_server, hub  # noqa: E402,F401
# --- the demo site, built once per session: `demo_site` ----------------------------------------
from tests.site_fixtures import demo_site  # noqa: E402,F401
# --- browser tests: a Chromium per test module (`browser`), the demo site served (`served`) --
from tests.browser import browser, served  # noqa: E402,F401
