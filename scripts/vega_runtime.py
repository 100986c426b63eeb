#!/usr/bin/env python3
"""Write the chart's Vega runtime: ``builder/theme/static/vendor/vega-runtime.js``.

The site ships a bundle vl-convert makes, offline, of Vega, vega-interpreter and vega-tooltip
(builder.chart_runtime.runtime_bundle). It follows from vl-convert's version alone, so it is
vendored with the theme rather than made by every build (a second of one core, in a process of
its own of about 100 MiB). A test fails when the file is not the bundle the installed
vl-convert makes.

Rerun from the repository root after changing vl-convert-python's version (then
scripts/vega_notices.py for the licences)::

    .venv/bin/python scripts/vega_runtime.py
"""
from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from builder import chart_runtime  # noqa: E402

VENDORED = REPO / "builder" / "theme" / "static" / chart_runtime.RUNTIME_FILE


def main() -> None:
    VENDORED.write_text(chart_runtime.runtime_bundle(), encoding="utf-8")
    print(f"{VENDORED.relative_to(REPO)}: {VENDORED.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
