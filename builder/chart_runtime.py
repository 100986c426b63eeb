"""What the browser gets for the interactive chart: the Vega-Lite document compiled to Vega at
build time (so the page needs no Vega-Lite compiler), and the Vega runtime the theme ships
(``RUNTIME_FILE``, bundled by vl-convert offline: scripts/vega_runtime.py).

The browser's document (``/data/chart.json``, fetched on the visitor's first interaction with the
chart) is ``chart_document`` with each variant compiled::

    {"version": 2, "empty": bool, "datasets": {name: [row, ...]},
     "linear": {Vega spec}, "log": {Vega spec} | null}

The compiled specs carry no data values: each data entry named like a dataset gets its rows from
``datasets`` in the browser (theme/static/chart.js), so both variants share one copy.

The runtime (``RUNTIME_FILE``) defines ``window.vega``, ``window.vegaExpressionInterpreter`` (Vega
runs expressions through it when parsed with ``ast: true``, so the site's CSP needs no
'unsafe-eval') and ``window.vegaTooltipHandler`` (vega-tooltip; it injects one ``<style>``
element, hence ``style-src 'unsafe-inline'``).
"""
from __future__ import annotations

import base64
import functools
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any, Callable, Sequence

from markupsafe import Markup

from builder.chart import (SMALL_PICTURES, SOCIAL_HEIGHT, SOCIAL_WIDTH, AgentStyle, SmallPicture,
                           spec_from_document)
from builder.parallel import fresh_python

RUNTIME_FILE = "vendor/vega-runtime.js"
# The bundle's packages ask that their copyright notices and licences travel with it: the theme
# ships them in this file (made by scripts/vega_notices.py), and the bundle's first line names it.
NOTICES_FILE = "vendor/vega-runtime.js.LICENSE.txt"

Cached = Callable[[str, str, Callable[[], bytes]], bytes]   # (namespace, key, produce) -> bytes
CACHED_RENDERS = ("chart-svg", *(f"chart-svg-{p.name}" for p in SMALL_PICTURES), "chart-png",
                  "chart-vega")                                                  # keyed by the spec


def compile_to_vega(spec: dict[str, Any]) -> dict[str, Any]:
    """The Vega spec a complete Vega-Lite spec compiles to."""
    import vl_convert as vlc

    return vlc.vegalite_to_vega(spec)


def browser_document(doc: dict[str, Any]) -> dict[str, Any]:
    """``chart_document`` with both variants compiled to Vega, their data values left out."""
    out: dict[str, Any] = {"version": doc["version"], "empty": doc["empty"],
                           "datasets": doc["datasets"]}
    for mode in ("linear", "log"):
        out[mode] = None if doc[mode] is None else _without_values(
            compile_to_vega(spec_from_document(doc, mode)), doc["datasets"])
    return out


def _without_values(vega: dict[str, Any], datasets: dict[str, Any]) -> dict[str, Any]:
    data = []
    for entry in vega.get("data", []):
        if entry.get("name") in datasets and "values" in entry:
            if entry["values"] != datasets[entry["name"]]:  # pragma: no cover - compiler change
                raise ValueError(f"compiled data {entry['name']!r} differs from its dataset")
            entry = {k: v for k, v in entry.items() if k != "values"}
        data.append(entry)
    return {**vega, "data": data}


def validate_spec(spec: dict[str, Any]) -> None:
    """Check a Vega-Lite spec against Altair's schema (raises on error); used by the tests."""
    import altair as alt

    kind = alt.LayerChart if "layer" in spec else alt.Chart
    kind.from_dict(spec, validate=True)


def chart_view(doc: dict[str, Any], styles: Sequence[AgentStyle], cached: Cached, *,
               has: Callable[[str, str], bool] | None = None, apart: bool = False,
               small: bool = True) -> Callable[[], dict[str, Any]]:
    """What the home page needs: the static SVG (first view and no-JS view), the pictures of
    it for narrower screens (one by SMALL_PICTURES' name, drawn narrower so that their text is
    not scaled down to nothing; b"" when refused, which the wide picture's refusal reports), the
    browser's JSON document, the agents' styles for the HTML legend, and a PNG of the picture
    for link previews ("png", b"" when refused). The renders are cached by the spec.

    Returns a function that gives the view. `apart`, the renders the cache (`has`) lacks start
    now in another process (see `RendersApart`), so the build goes on while they are made, and
    the function waits for them. Without `small`, the small pictures are neither made nor
    looked for (`renders_into_cache` makes them next, each in a fresh process)."""
    from builder import chart_svg

    linear = spec_from_document(doc, "linear")
    digest = chart_svg.spec_digest(linear)
    if apart and not (has and all(has(kind, digest) for kind in CACHED_RENDERS)):
        made = functools.cache(RendersApart(linear, doc).result)
    else:
        made = functools.cache(lambda: renders(linear, doc, small=small))

    def small_picture(name: str) -> bytes:
        return cached(f"chart-svg-{name}", digest, lambda: (made()[name] or "").encode())

    @functools.cache
    def view() -> dict[str, Any]:
        svg = cached("chart-svg", digest, lambda: _svg_of(made()).encode()).decode()
        smalls = {p.name: small_picture(p.name) if small else b"" for p in SMALL_PICTURES}
        png = cached("chart-png", digest, lambda: base64.b64decode(made()["png"] or ""))
        data = cached("chart-vega", digest, lambda: made()["data"].encode())
        return {"svg": Markup(svg), **smalls, "png": png,
                "label": linear.get("description", ""),
                "data": data, "log_possible": doc["log"] is not None, "empty": doc["empty"],
                "legend": tuple(styles)}
    return view


def renders(spec: dict[str, Any], doc: dict[str, Any], *, small: bool = True
            ) -> dict[str, str | None]:
    """The chart's pictures ("svg", the SMALL_PICTURES by name and the link preview's "png",
    base64; or why they were "refused": they hold the same text) and the browser's document.
    Without `small`, the small pictures are left to `small_picture` (each in a fresh process:
    see `_renders_then_small`)."""
    from builder import chart_svg

    try:
        svg, refused = chart_svg.chart_svg(spec), None
    except chart_svg.UnsafeSvgError as exc:
        svg, refused = None, str(exc)
    data = json.dumps(browser_document(doc), sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False, allow_nan=False)
    png = base64.b64encode(social_png(chart_svg.chart_svg(spec, dark=False))).decode() if svg else None
    made = {"svg": svg, **{p.name: None for p in SMALL_PICTURES}, "png": png, "refused": refused,
            "data": data}
    if small:
        for picture in SMALL_PICTURES:
            made = small_picture(spec, made, picture)
    return made


def small_picture(spec: dict[str, Any], made: dict[str, str | None], picture: SmallPicture
                  ) -> dict[str, str | None]:
    """`made` with the `picture` drawn (none when the wide one was refused: same text)."""
    return made if made["svg"] is None else {**made, picture.name: small_svg(spec, picture)}


def small_svg(spec: dict[str, Any], picture: SmallPicture) -> str:
    from builder import chart_svg

    return chart_svg.chart_svg(spec, width=picture.width, height=picture.height)


def social_png(svg: str) -> bytes:
    """The picture as a PNG of SOCIAL_WIDTH x SOCIAL_HEIGHT pixels, framed (not drawn again:
    vl-convert's engine grows with each drawing): link previews show PNG, not SVG, and crop
    the sides of a wider one."""
    import vl_convert

    from builder import chart_svg

    frame = chart_svg.framed(svg, SOCIAL_WIDTH, SOCIAL_HEIGHT)
    return vl_convert.svg_to_png(frame, scale=SOCIAL_WIDTH / chart_svg.view_box(frame)[0])


RENDERS_TIMEOUT = 300              # seconds of waiting; 2,000 results take about one
_RENDERS = "import sys, builder.chart_runtime as c; c._renders_then_small(sys.argv[1], sys.argv[2])"
_SMALL = ("import sys, builder.chart_runtime as c; "
          "c._small_into(sys.argv[1], sys.argv[2], int(sys.argv[3]))")


def _renders_then_small(given: str, out: str) -> None:
    """`renders` but the small pictures into `out`, then each small picture by a fresh
    interpreter this process becomes: vl-convert's engine grows by a third with a second
    drawing (138 -> 167 MiB at 2,000 results), beside the workers rendering the site."""
    a = json.loads(Path(given).read_text(encoding="utf-8"))
    Path(out).write_text(json.dumps(renders(a["spec"], a["doc"], small=False)), encoding="utf-8")
    _become(_SMALL, given, out, 0)


def _small_into(given: str, out: str, index: int) -> None:
    spec = json.loads(Path(given).read_text(encoding="utf-8"))["spec"]
    made = json.loads(Path(out).read_text(encoding="utf-8"))
    Path(out).write_text(json.dumps(small_picture(spec, made, SMALL_PICTURES[index])), encoding="utf-8")
    _become(_SMALL, given, out, index + 1)


def renders_into_cache(doc_file: str, cache_folder: str) -> None:
    """`chart_view`'s renders of the document in `doc_file` into the render cache, the small
    pictures last, each by a fresh interpreter this process becomes (as `_renders_then_small`).
    A picture refused raises before: the build then makes the renders itself, and reports it."""
    from builder.cache import RenderCache

    cache = RenderCache(Path(cache_folder))
    chart_view(json.loads(Path(doc_file).read_text(encoding="utf-8")), (), cache.get,
               has=cache.has, small=False)()
    _become(_SMALL_INTO_CACHE, doc_file, cache_folder, 0)


_SMALL_INTO_CACHE = ("import sys, builder.chart_runtime as c; "
                     "c._small_into_cache(sys.argv[1], sys.argv[2], int(sys.argv[3]))")


def _small_into_cache(doc_file: str, cache_folder: str, index: int) -> None:
    from builder import chart_svg
    from builder.cache import RenderCache

    linear = spec_from_document(json.loads(Path(doc_file).read_text(encoding="utf-8")), "linear")
    picture = SMALL_PICTURES[index]
    RenderCache(Path(cache_folder)).get(
        f"chart-svg-{picture.name}", chart_svg.spec_digest(linear),
        lambda: small_svg(linear, picture).encode())
    _become(_SMALL_INTO_CACHE, doc_file, cache_folder, index + 1)


def _become(code: str, first: str, second: str, index: int) -> None:
    """This process becomes a fresh interpreter running `code` for the small picture `index`
    (one drawing each: vl-convert's engine keeps what each drawing took); done after the last."""
    if index < len(SMALL_PICTURES):
        os.execv(sys.executable, [sys.executable, "-c", code, first, second, str(index)])


class RendersApart:
    """`renders` in a fresh interpreter, started at once; `result` waits for it. vl-convert's
    JavaScript engine keeps about 100 MB for the rest of the process that starts it. Made in
    this process if that one fails or takes too long.

    The spec goes in and the renders come out through files, not pipes: the build forks
    workers meanwhile, and a worker holding a pipe's end would keep the other side waiting."""

    def __init__(self, spec: dict[str, Any], doc: dict[str, Any]) -> None:
        self.spec, self.doc = spec, doc
        self.folder = tempfile.TemporaryDirectory(prefix="collab-chart-")
        given, self.out = Path(self.folder.name, "spec.json"), Path(self.folder.name, "renders.json")
        try:
            given.write_text(json.dumps({"spec": spec, "doc": doc}), encoding="utf-8")
            self.process: subprocess.Popen | None = fresh_python(
                _RENDERS, str(given), str(self.out), stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        except OSError:                          # no room for the spec, or no interpreter
            self.process = None

    def result(self) -> dict[str, str | None]:
        try:
            if self.process is None:
                raise OSError("the other process did not start")
            self.process.wait(timeout=RENDERS_TIMEOUT)
            made = json.loads(self.out.read_bytes()) if self.process.returncode == 0 else None
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            made = None
        except (OSError, ValueError):
            made = None
        finally:
            self.folder.cleanup()
        return made if isinstance(made, dict) else renders(self.spec, self.doc)


def _svg_of(made: dict[str, str | None]) -> str:
    from builder import chart_svg

    if made["svg"] is None:
        raise chart_svg.UnsafeSvgError(made["refused"])
    return made["svg"]
