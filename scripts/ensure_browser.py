"""Find a Chromium for the browser tests, or install Playwright's own.

Order: $COLLAB_CHROMIUM, a system Chromium (Debian's /usr/bin/chromium and friends), then
`playwright install chromium` (what a laptop or a GitHub runner gets). When that download is
unreachable and we run as root on a Debian-like machine (a CI container whose network reaches
only the package registries), Debian's `chromium` package is the last resort. Prints what it
chose. The tests call `find_chromium()` too, so both agree.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys

SYSTEM_CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def system_chromium() -> str | None:
    explicit = os.environ.get("COLLAB_CHROMIUM")
    if explicit and os.access(explicit, os.X_OK):
        return explicit
    for name in SYSTEM_CANDIDATES:
        path = shutil.which(name)
        if path:
            return path
    return None


def playwright_chromium() -> str | None:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    try:
        with sync_playwright() as p:
            path = p.chromium.executable_path
    except Exception:
        return None
    return path if path and os.path.exists(path) else None


def find_chromium() -> str | None:
    return system_chromium() or playwright_chromium()


def install_playwright_chromium() -> str | None:
    print("no Chromium found: running `playwright install chromium`")
    subprocess.run([sys.executable, "-m", "playwright", "install", "chromium"], check=False)
    return playwright_chromium()


def install_debian_chromium() -> str | None:
    apt_get = shutil.which("apt-get")
    if apt_get is None or os.geteuid() != 0:
        return None
    print("Playwright's download failed: installing Debian's chromium with apt-get")
    subprocess.run([apt_get, "install", "-y", "chromium"], check=False)
    return system_chromium()


def main() -> int:
    path = find_chromium() or install_playwright_chromium() or install_debian_chromium()
    if path is None:
        print("no Chromium available: the browser tests will fail", file=sys.stderr)
        return 1
    print(f"browser tests use {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
