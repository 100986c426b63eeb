#!/usr/bin/env python3
"""Write the chart's Vega runtime: ``builder/theme/static/vendor/vega-runtime.js``.

The site ships a bundle vl-convert makes, offline, of Vega, vega-interpreter and vega-tooltip
(`runtime_bundle`). It follows from vl-convert's version alone, so it is vendored with the
theme rather than made by every build (a second of one core, in a process of its own of about
100 MiB). A test fails when the file is not the bundle the installed vl-convert makes.

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
# The bundle's first line names the file of its packages' licences (chart_runtime.NOTICES_FILE).
_BANNER = ("/*! Vega, vega-interpreter, vega-tooltip and the packages they bundle: "
           "for their licences see vega-runtime.js.LICENSE.txt */\n")
# vl-convert resolves these module addresses from the copies built into it (nothing is fetched):
# Vega at the version it reports, the interpreter and vega-tooltip at the versions it carries
# next to it (vl-convert 1.9: Vega 6.2).
_RUNTIME_SNIPPET = """\
import * as vegaModule from "https://cdn.jsdelivr.net/npm/vega@{vega}/+esm";
import {{expressionInterpreter}} from "https://cdn.jsdelivr.net/npm/vega-interpreter@2.0.0/+esm";
import {{Handler}} from "https://cdn.jsdelivr.net/npm/vega-tooltip@1.0.0/+esm";
window.vega = vegaModule;
window.vegaExpressionInterpreter = expressionInterpreter;
window.vegaTooltipHandler = Handler;
"""


def runtime_snippet() -> str:
    import vl_convert as vlc

    return _RUNTIME_SNIPPET.format(vega=vlc.get_vega_version())


def runtime_bundle() -> str:
    """Vega, its expression interpreter and vega-tooltip (~600 kB, ~210 kB gzip); no Vega-Lite."""
    import vl_convert as vlc

    return _BANNER + vlc.javascript_bundle(runtime_snippet())


def main() -> None:
    VENDORED.write_text(runtime_bundle(), encoding="utf-8")
    print(f"{VENDORED.relative_to(REPO)}: {VENDORED.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
