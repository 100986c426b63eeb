"""builder/chart.py: the Vega-Lite spec; chart_svg.py: its pre-rendered SVG (safe, deterministic);
chart_runtime.py: the Vega the browser gets; scripts/vega_runtime.py: the runtime bundle.

The interactive side (theme/static/chart.js under a strict CSP) is exercised in a real browser by
the browser suite; here we check its static promises (no eval, ast: true, the page contract ids).
"""
from __future__ import annotations

import json
import math
import re
from datetime import datetime, timedelta, timezone
from html.parser import HTMLParser
from pathlib import Path

import pytest

from builder import chart, chart_runtime, chart_svg
from builder.config import MetricConfig
from builder.model import Result
from scripts import vega_runtime

REPO = Path(__file__).resolve().parents[1]
T0 = datetime(2025, 3, 1, 8, 0, tzinfo=timezone.utc)
HOSTILE_AGENT = "<img src=x onerror=alert(1)>"
HOSTILE_AGENT2 = "</script><script>alert(2)</script>"
HOSTILE_METHOD = '"><svg onload=alert(3)> javascript:alert(4) </script>'
BPB = MetricConfig(label="BPB", unit="bpb", direction="lower")
NUMBER = MetricConfig(label="Number", unit="", direction="higher")


def res(i: int, agent: str, score: float | None, minutes: int | None, *, method: str = "",
        status: str = "agent-run", verification: str | None = None) -> Result:
    return Result(
        id=f"r{i:03d}", agent=agent, score=score, score_text="" if score is None else str(score),
        method=method or f"method-{i}", description="",
        timestamp=None if minutes is None else T0 + timedelta(minutes=minutes),
        status=status, origin="results-md", source_path=f"results/r{i:03d}.md",  # type: ignore[arg-type]
        verification=verification,  # type: ignore[arg-type]
    )


def baseline(score: float | None, method: str = "GPT-2 baseline") -> Result:
    return Result(id=f"baseline-{method}", agent="baseline", score=score, score_text="",
                  method=method, description="", timestamp=None, status="baseline",
                  origin="fallback", source_path="")


def records_of(results: list[Result], direction: str) -> set[str]:
    """Independent reference: results that improved the best-so-far, in time order."""
    best = None
    out = set()
    for r in sorted((r for r in results if r.score is not None and r.timestamp is not None),
                    key=lambda r: (r.timestamp, r.id)):
        if best is None or (r.score < best if direction == "lower" else r.score > best):
            best = r.score
            out.add(r.id)
    return out


def ranked(results: list[Result], direction: str) -> list[Result]:
    scored = [r for r in results if r.score is not None]
    return sorted(scored, key=lambda r: (r.score if direction == "lower" else -r.score, r.id))


@pytest.fixture
def lower_case():
    return lower_collaboration()


def lower_collaboration():
    """A lower-is-better collaboration; the hostile agent holds the current record."""
    results = [
        res(0, "alpha", 3.50, 0),
        res(1, "beta", 3.60, 30, method=HOSTILE_METHOD),
        res(2, "alpha", 3.30, 60, verification="valid"),
        res(3, HOSTILE_AGENT2, 3.40, 120),
        res(4, "gamma", 3.10, 200),
        res(5, "beta", 3.20, 260, status="negative"),
        res(6, HOSTILE_AGENT, 2.90, 400, method=HOSTILE_METHOD),
        res(7, "gamma", 3.00, 600),
        res(8, "delta", 3.05, 900),
        res(9, "nobody", None, 950),          # unscored: never plotted
        res(10, "late", 3.2, None),           # no timestamp: cannot be placed
    ]
    recs = records_of(results, "lower")
    return ranked(results, "lower"), recs, [baseline(3.28, "GPT-2 <b>baseline</b>")]


def layers(spec):
    return spec["layer"]


def layer_with(spec, mark, dataset):
    found = [layer for layer in layers(spec)
             if (layer["mark"]["type"] if isinstance(layer["mark"], dict) else layer["mark"]) == mark
             and layer.get("data", {}).get("name") == dataset]
    assert found, f"no {mark} layer over {dataset}"
    return found


def points_layer(spec):
    for layer in layer_with(spec, "point", "results"):
        if "transform" not in layer:
            return layer
    raise AssertionError("no base points layer")


# ------------------------------------------------------------------------------------- spec

def test_one_point_per_scored_result(lower_case):
    rank, recs, bl = lower_case
    spec = chart.chart_spec(rank, recs, bl, BPB, "lower")
    rows = spec["datasets"]["results"]
    assert sorted(row["id"] for row in rows) == [f"r{i:03d}" for i in range(9)]
    assert len(rows) == len({row["id"] for row in rows})
    # deterministic order: by time then id; ISO UTC strings; plain JSON (no index, no NaN)
    assert [row["t"] for row in rows] == sorted(row["t"] for row in rows)
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", row["t"]) for row in rows)
    json.dumps(spec, allow_nan=False)
    assert set(rows[0]) == {"id", "agent", "score", "score_label", "method", "t", "date", "note",
                            "record", "verified", "negative"}


def test_points_coloured_and_shaped_by_agent_in_rank_order(lower_case):
    rank, recs, bl = lower_case
    spec = chart.chart_spec(rank, recs, bl, BPB, "lower")
    encoding = points_layer(spec)["encoding"]
    styles = chart.agent_styles(rank)
    # the leader first: the most distinct colours go to the best agents
    assert [s.agent for s in styles] == [HOSTILE_AGENT, "gamma", "delta", "beta", "alpha",
                                         HOSTILE_AGENT2]
    for channel, values in (("color", [s.colour for s in styles]),
                            ("shape", [s.shape for s in styles])):
        assert encoding[channel]["field"] == "agent"
        assert encoding[channel]["scale"] == {"domain": [s.agent for s in styles], "range": values}
        assert encoding[channel]["legend"] is None      # the page lists the agents as buttons


def test_agents_are_told_apart_by_colour_and_shape():
    results = [res(i, f"agent-{i:03d}", 100.0 + i, i * 5) for i in range(200)]
    styles = chart.agent_styles(ranked(results, "higher"))
    assert len(styles) == 200
    assert len({s.colour for s in styles[:30]}) == 30              # 30 distinct colours
    assert len({(s.colour, s.shape) for s in styles[:180]}) == 180  # no two alike
    assert all(a.colour != b.colour and a.shape != b.shape for a, b in zip(styles, styles[1:]))
    shapes = dict(chart.SHAPES)
    assert all(shapes[s.shape] == s.path for s in styles)           # the page draws the same


def test_step_line_is_the_best_so_far_series(lower_case):
    rank, recs, bl = lower_case
    spec = chart.chart_spec(rank, recs, bl, BPB, "lower")
    line = layer_with(spec, "line", "best_so_far")[0]
    assert line["mark"]["interpolate"] == "step-after"
    got = [(row["t"], row["best"]) for row in spec["datasets"]["best_so_far"]]
    # records in time order: 3.5 at 0, 3.3 at 60, 3.1 at 200, 2.9 at 400; carried to 900 (last)
    iso = lambda m: (T0 + timedelta(minutes=m)).strftime("%Y-%m-%dT%H:%M:%SZ")  # noqa: E731
    assert got == [(iso(0), 3.5), (iso(60), 3.3), (iso(200), 3.1), (iso(400), 2.9),
                   (iso(900), 2.9)]
    assert spec["datasets"]["best_so_far"][-1]["best_label"] == "2.9 bpb"


def test_best_so_far_higher_and_inconsistent_records():
    results = [res(0, "a", 1.0, 0), res(1, "b", 5.0, 10), res(2, "c", 3.0, 20),
               res(3, "d", 7.0, 30)]
    points = chart.best_so_far(results, {"r000", "r001", "r002", "r003"}, "higher")
    # r002 (3.0 after 5.0) is not an improvement: skipped, the line stays monotonic;
    # the last result is a record, so there is no closing point
    assert [(p.result_id, p.best) for p in points] == [("r000", 1.0), ("r001", 5.0),
                                                      ("r003", 7.0)]
    assert chart.best_so_far(results, set(), "higher") == []


def test_records_flagged_and_highlighted(lower_case):
    rank, recs, bl = lower_case
    spec = chart.chart_spec(rank, recs, bl, BPB, "lower")
    rows = spec["datasets"]["results"]
    assert {row["id"] for row in rows if row["record"]} == recs == {"r000", "r002", "r004",
                                                                     "r006"}
    highlighted = [layer for layer in layer_with(spec, "point", "results") if "transform" in layer]
    assert highlighted and highlighted[0]["transform"][0] == {"filter": "datum.record"}
    # the current best is labelled with its agent and score
    assert spec["datasets"]["current_best"][0]["text"] == f"{HOSTILE_AGENT}  2.9 bpb"
    # verified and negative results are flagged for their shape / hollow fill
    by_id = {row["id"]: row for row in rows}
    assert by_id["r002"]["verified"] and not by_id["r000"]["verified"]
    assert by_id["r005"]["negative"] and not by_id["r004"]["negative"]


def test_baseline_rules(lower_case):
    rank, recs, _ = lower_case
    bls = [baseline(3.28, "GPT-2 <b>baseline</b>"), baseline(None, "unscored"),
           baseline(3.45, "")]
    spec = chart.chart_spec(rank, recs, bls, BPB, "lower")
    rule = layer_with(spec, "rule", "baselines")[0]
    assert rule["encoding"]["y"]["field"] == "score" and "x" not in rule["encoding"]
    layer_with(spec, "text", "baselines")        # the label drawn at the right end
    assert spec["datasets"]["baselines"] == [
        {"score": 3.28, "score_label": "3.28 bpb", "label": "baseline · GPT-2 <b>baseline</b>",
         "caption": "baseline · GPT-2 <b>baseline</b>"},
        {"score": 3.45, "score_label": "3.45 bpb", "label": "baseline · baseline",
         "caption": "baseline · baseline"},
    ]


@pytest.mark.parametrize("direction", ["higher", "lower"])
def test_baselines_too_close_to_read_apart_share_one_caption(direction):
    """Three baselines within 0.84 tok/s of a 120-550 tok/s chart wrote their names over each
    other; they share one caption, over the rule drawn highest, and keep a tooltip each."""
    plotted = [res(i, f"a{i % 3}", 130.0 + 60 * i, 60 * i) for i in range(8)]   # 130-550
    bls = [baseline(120.42, "persistent"), baseline(120.0, "compile"),
           baseline(120.84, "headprune"), baseline(300.0, "vllm")]
    spec = chart.chart_spec(plotted, set(), bls, NUMBER, direction)
    rows = spec["datasets"]["baselines"]
    assert [r["label"] for r in rows] == ["baseline · compile", "baseline · persistent",
                                          "baseline · headprune", "baseline · vllm"]
    shared = "baselines · compile, persistent, headprune"
    top = 0 if direction == "lower" else 2                 # "lower is better" draws low scores high
    assert [r["caption"] for r in rows[:3]] == [shared if i == top else "" for i in range(3)]
    assert rows[3]["caption"] == "baseline · vllm"
    text = layer_with(spec, "text", "baselines")[0]
    assert text["encoding"]["text"]["field"] == "caption"
    rule = layer_with(spec, "rule", "baselines")[0]
    assert [t["field"] for t in rule["encoding"]["tooltip"]] == ["label", "score_label"]
    # two baselines of the same score share a caption even when every score is the same
    twins = [baseline(120.0, "x"), baseline(120.0, "y")]
    same = chart.chart_spec([res(0, "a", 120.0, 0)], set(), twins, NUMBER, direction)
    assert sorted(r["caption"] for r in same["datasets"]["baselines"]) == ["", "baselines · x, y"]


def test_a_baselines_caption_is_cut_to_the_width_of_a_phones_picture():
    """Drawn whole, a long caption ran past the plot's left edge over the axis on a phone."""
    long = "cudagraph-compile-max-autotune-v5, cudagraph-persistent-decode-v2"
    spec = chart.chart_spec([res(i, "a", 130.0 + 60 * i, 60 * i) for i in range(8)], set(),
                            [baseline(120.0, long)], NUMBER, "higher")
    phone = chart.SMALL_PICTURES[0]
    pictures = [chart_svg.chart_svg(spec, width=width) for width in (phone.width, chart.SVG_WIDTH)]
    captions = [re.findall(r">(baseline · [^<]*)</text>", picture)[0] for picture in pictures]
    assert captions[0].endswith("…") and len(captions[0]) < 45 < len(captions[1])


def test_y_axis_respects_direction(lower_case):
    rank, recs, bl = lower_case
    low = chart.chart_spec(rank, recs, bl, BPB, "lower")
    y = points_layer(low)["encoding"]["y"]
    assert y["scale"]["reverse"] is True and y["scale"]["zero"] is False
    assert y["axis"]["title"].startswith("BPB (bpb)") and "lower is better" in y["axis"]["title"]
    results = [res(0, "a", 1.0, 0), res(1, "b", 5.0, 10)]
    high = chart.chart_spec(results, {"r000", "r001"}, [], NUMBER, "higher")
    y = points_layer(high)["encoding"]["y"]
    assert y["scale"]["reverse"] is False and "higher is better" in y["axis"]["title"]
    # every layer uses the same scale definition (shared y)
    assert all(layer["encoding"]["y"]["scale"] == y["scale"] for layer in layers(high)
               if "y" in layer["encoding"])


def test_log_variant_and_fallback(lower_case):
    rank, recs, bl = lower_case
    log = chart.chart_spec(rank, recs, bl, BPB, "lower", log_scale=True)
    for layer in layers(log):
        if "y" in layer["encoding"] and "scale" in layer["encoding"]["y"]:
            assert layer["encoding"]["y"]["scale"]["type"] == "log"
            assert layer["encoding"]["y"]["scale"]["reverse"] is True
    assert chart.log_possible(rank, bl)
    # a narrow range keeps Vega's ticks; a wide one gets readable 1-2-5 ticks
    assert "values" not in points_layer(log)["encoding"]["y"]["axis"]
    wide = [res(i, "a", 10.0 ** (i / 2), i) for i in range(8)]
    wide_log = chart.chart_spec(wide, records_of(wide, "higher"), [], NUMBER, "higher",
                                log_scale=True)
    assert points_layer(wide_log)["encoding"]["y"]["axis"]["values"] == [
        1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0, 1000.0, 2000.0, 5000.0]
    # a zero score (or a non-positive baseline) makes log impossible: linear instead
    with_zero = [*rank, res(20, "zero", 0.0, 1000)]
    assert not chart.log_possible(with_zero, bl)
    assert not chart.log_possible(rank, [baseline(-1.0)])
    fallback = chart.chart_spec(with_zero, recs, bl, BPB, "lower", log_scale=True)
    assert points_layer(fallback)["encoding"]["y"]["scale"]["type"] == "linear"
    doc = chart.chart_document(with_zero, recs, bl, BPB, "lower")
    assert doc["log"] is None and doc["linear"] is not None


def test_tooltips(lower_case):
    rank, recs, bl = lower_case
    spec = chart.chart_spec(rank, recs, bl, BPB, "lower")
    tips = points_layer(spec)["encoding"]["tooltip"]
    assert [(t["field"], t["title"]) for t in tips] == [
        ("agent", "Agent"), ("score_label", "BPB"), ("method", "Method"), ("date", "Date (UTC)"),
        ("note", "Note")]
    row = next(r for r in spec["datasets"]["results"] if r["id"] == "r004")
    assert row["score_label"] == "3.1 bpb"
    assert row["date"] == "2025-03-01 11:20 UTC"
    assert row["note"] == "new best"
    notes = {r["id"]: r["note"] for r in spec["datasets"]["results"]}
    assert notes["r002"] == "new best, verified" and notes["r005"] == "negative result"
    # every tooltip shows text made here: nothing for Vega to format (no "NaN" in any label)
    for layer in layers(spec):
        for tip in layer.get("encoding", {}).get("tooltip", []):
            assert tip["type"] == "nominal" and "format" not in tip, tip
    step = spec["datasets"]["best_so_far"][0]
    assert step["since"] == "2025-03-01 08:00 UTC" and step["best_label"] == "3.5 bpb"
    # the agent's method travels as data, cut to a sane length
    assert all(len(r["method"]) <= chart.TEXT_LIMIT for r in spec["datasets"]["results"])


def test_interaction_and_size(lower_case):
    rank, recs, bl = lower_case
    spec = chart.chart_spec(rank, recs, bl, BPB, "lower")
    assert spec["width"] == "container" and spec["height"] == chart.CHART_HEIGHT
    # Altair hoists a layer's params to the top level, naming the layer they apply to
    params = {p["name"]: p for p in spec.get("params", []) + points_layer(spec).get("params", [])}
    assert params["zoom"]["select"] == {"type": "interval", "encodings": ["x", "y"]}
    assert params["zoom"]["bind"] == "scales" and params["zoom"]["views"] == ["points"]
    assert params[chart.HIGHLIGHT]["value"] == []       # the page's agent buttons set it
    opacity = points_layer(spec)["encoding"]["opacity"]
    assert chart.HIGHLIGHT in opacity["condition"]["test"]
    assert points_layer(spec)["name"] == "points"
    x = points_layer(spec)["encoding"]["x"]
    assert x["type"] == "temporal" and x["scale"]["type"] == "utc"


def test_timestamps_are_utc():
    paris = timezone(timedelta(hours=2))
    r = Result(id="x", agent="a", score=1.0, score_text="1", method="m", description="",
               timestamp=datetime(2025, 6, 1, 14, 30, tzinfo=paris), status="agent-run",
               origin="results-md", source_path="")
    row = chart.chart_spec([r], {"x"}, [], NUMBER, "higher")["datasets"]["results"][0]
    assert row["t"] == "2025-06-01T12:30:00Z" and row["date"] == "2025-06-01 12:30 UTC"


def test_non_finite_scores_are_left_out():
    results = [res(0, "a", 1.0, 0), res(1, "b", math.nan, 5), res(2, "c", math.inf, 10)]
    spec = chart.chart_spec(results, {"r000"}, [baseline(math.nan)], NUMBER, "higher")
    assert [r["id"] for r in spec["datasets"]["results"]] == ["r000"]
    assert "baselines" not in spec["datasets"]
    json.dumps(spec, allow_nan=False)


def test_empty_state():
    spec = chart.chart_spec([res(0, "a", None, 0)], set(), [], NUMBER, "higher")
    assert spec["title"] == chart.EMPTY_TITLE
    assert "x" not in spec["encoding"] and spec["encoding"]["y"]["axis"] is None
    assert spec["width"] == "container"
    with_baseline = chart.chart_spec([], set(), [baseline(3.28)], BPB, "lower")
    assert any("3.28 bpb" in row["text"] for row in with_baseline["datasets"]["message"])
    doc = chart.chart_document([], set(), [], NUMBER, "higher")
    assert doc["empty"] is True and doc["log"] is None
    svg = chart_svg.chart_svg(chart.spec_from_document(doc))
    assert chart.EMPTY_TITLE in svg


def test_document_shares_datasets(lower_case):
    rank, recs, bl = lower_case
    doc = chart.chart_document(rank, recs, bl, BPB, "lower")
    assert set(doc) == {"version", "empty", "datasets", "linear", "log"}
    assert doc["version"] == 2 and doc["empty"] is False
    assert "datasets" not in doc["linear"] and "datasets" not in doc["log"]
    assert doc["datasets"] == chart.chart_spec(rank, recs, bl, BPB, "lower")["datasets"]
    full = chart.spec_from_document(doc, "log")
    assert full == chart.chart_spec(rank, recs, bl, BPB, "lower", log_scale=True)


def test_specs_are_valid_and_compile_to_vega(lower_case):
    rank, recs, bl = lower_case
    doc = chart.chart_document(rank, recs, bl, BPB, "lower")
    empty = chart.chart_document([], set(), [baseline(3.0)], BPB, "lower")
    for spec in (chart.spec_from_document(doc, "linear"), chart.spec_from_document(doc, "log"),
                 chart.spec_from_document(empty, "linear")):
        chart_runtime.validate_spec(spec)                      # Altair's Vega-Lite schema
        vega = chart_runtime.compile_to_vega(spec)             # and Vega-Lite's own compiler
        assert vega["$schema"].startswith("https://vega.github.io/schema/vega/")


@pytest.fixture(scope="module")
def lower_renders():
    """(spec, document, the renders this process makes) of `lower_collaboration`'s chart."""
    rank, recs, bl = lower_collaboration()
    doc = chart.chart_document(rank, recs, bl, BPB, "lower")
    spec = chart.spec_from_document(doc, "linear")
    return spec, doc, chart_runtime.renders(spec, doc)


def test_the_chart_made_in_another_process_is_the_one_made_here(lower_renders, monkeypatch):
    spec, doc, here = lower_renders
    assert here["svg"].startswith("<svg") and here["refused"] is None
    wide, narrow, mid = (chart_svg.picture_size(here[kind]) for kind in ("svg", "narrow", "mid"))
    assert narrow[0] < wide[0] / 2 and narrow[1] == wide[1]          # a phone's picture, as high
    assert wide[0] * 0.6 < mid[0] < wide[0] * 0.7 and mid[1] < wide[1]   # a tablet's, flatter
    assert chart_runtime.RendersApart(spec, doc).result() == here
    monkeypatch.setattr(chart_runtime, "_RENDERS", "raise SystemExit(3)")   # it fails: made here
    assert chart_runtime.RendersApart(spec, doc).result() == here
    monkeypatch.setattr(chart_runtime, "_RENDERS", "import time; time.sleep(60)")  # it hangs
    monkeypatch.setattr(chart_runtime, "RENDERS_TIMEOUT", 0.5)
    assert chart_runtime.RendersApart(spec, doc).result() == here
    monkeypatch.setattr(chart_runtime, "fresh_python", no_interpreter)             # it cannot start
    assert chart_runtime.RendersApart(spec, doc).result() == here


def test_the_renders_cached_apart_are_the_ones_made_here(lower_renders, tmp_path):
    """The chart's process draws the phone's picture last, in the fresh interpreter it becomes
    (vl-convert's engine grows by a third with a second drawing): every render still reaches
    the cache, each the one this process makes."""
    from builder.cache import RenderCache
    from builder.parallel import fresh_python

    spec, doc, here = lower_renders
    doc_file = tmp_path / "doc.json"
    doc_file.write_text(json.dumps(doc), encoding="utf-8")
    process = fresh_python("import sys, builder.chart_runtime as r; "
                           "r.renders_into_cache(sys.argv[1], sys.argv[2])",
                           str(doc_file), str(tmp_path / "cache"))
    assert process.wait(timeout=120) == 0
    cache, digest = RenderCache(tmp_path / "cache"), chart_svg.spec_digest(spec)
    assert all(cache.has(kind, digest) for kind in chart_runtime.CACHED_RENDERS)
    assert cache.find("chart-svg-narrow", digest).decode() == here["narrow"]
    assert cache.find("chart-svg-mid", digest).decode() == here["mid"]
    assert cache.find("chart-svg", digest).decode() == here["svg"]


def no_interpreter(*args, **kwargs):
    raise FileNotFoundError("no such interpreter")


def test_browser_document_is_vega_with_its_data_stored_once(lower_case):
    rank, recs, bl = lower_case
    doc = chart.chart_document(rank, recs, bl, BPB, "lower")
    out = chart_runtime.browser_document(doc)
    assert out["datasets"] == doc["datasets"] and out["empty"] is False
    for mode in ("linear", "log"):
        vega = out[mode]
        assert vega["$schema"].startswith("https://vega.github.io/schema/vega/")
        named = [d for d in vega["data"] if d["name"] in doc["datasets"]]
        assert {d["name"] for d in named} == set(doc["datasets"])
        assert not any("values" in d for d in named)      # the page puts the rows back
        signals = {s["name"] for s in vega["signals"]}
        assert {chart.HIGHLIGHT, "zoom_t"} <= signals      # what chart.js sets
    scales = {s["name"]: s["type"] for s in out["log"]["scales"]}
    assert scales["y"] == "log" and scales["x"] == "utc"
    json.dumps(out, allow_nan=False)


def test_spec_digest_is_a_stable_cache_key(lower_case):
    rank, recs, bl = lower_case
    a = chart.chart_spec(rank, recs, bl, BPB, "lower")
    assert chart_svg.spec_digest(a) == chart_svg.spec_digest(chart.chart_spec(rank, recs, bl, BPB,
                                                                      "lower"))
    assert chart_svg.spec_digest(a) != chart_svg.spec_digest(chart.chart_spec(rank[:-1], recs, bl, BPB,
                                                                      "lower"))


def test_spec_is_deterministic(lower_case):
    rank, recs, bl = lower_case
    a = chart.chart_document(rank, recs, bl, BPB, "lower")
    b = chart.chart_document(list(rank), set(recs), list(bl), BPB, "lower")
    assert json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


# ------------------------------------------------------------------------------------- SVG

class _Tags(HTMLParser):
    """What an HTML parser (as in a browser, the SVG being inline in the page) reads as tags."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def parse(svg: str) -> _Tags:
    parser = _Tags()
    parser.feed(f"<div id=chart-static>{svg}</div>")
    parser.close()
    return parser


@pytest.fixture
def svg(lower_case):
    rank, recs, bl = lower_case
    return chart_svg.chart_svg(chart.chart_spec(rank, recs, bl, BPB, "lower"))


def test_svg_is_produced_and_responsive(svg):
    assert svg.startswith("<svg ") and svg.endswith("</svg>")
    root = parse(svg).tags[1]
    assert root[0] == "svg"
    assert "width" not in root[1] and "height" not in root[1]
    assert re.fullmatch(r"0 0 \d+(\.\d+)? \d+(\.\d+)?", root[1]["viewbox"] or "")
    assert root[1]["role"] == "img" and "9 scored results" in (root[1]["aria-label"] or "")
    assert "<?xml" not in svg


def test_the_best_so_far_line_is_drawn_over_every_point(svg):
    """Drawn first, the line was hidden at 2,000 results by the points near the best and the
    records' larger, ringed points along it: a seventh of it showed."""
    marks = [cls.split()[0] for cls in re.findall(r'<g class="([^"]*role-mark[^"]*)"', svg)]
    assert marks.count("mark-symbol") == 2            # every result's point, the records'
    assert len(marks) - marks[::-1].index("mark-symbol") - 1 < marks.index("mark-line")


def symbol_sides(svg: str, layer: str) -> dict[str, float]:
    """The width of each symbol a layer of the picture draws (its path's farthest point, twice),
    by where it is drawn."""
    group = re.search(rf'<g class="mark-symbol role-mark {layer}"[^>]*>(.*?)</g>', svg, re.S)
    assert group, f"no symbols of {layer}"
    return {at: 2 * max(abs(float(v)) for v in re.findall(r"-?[\d.]+", d))
            for at, d in re.findall(r'<path transform="([^"]*)" d="([^"]*)"', group.group(1))}


def test_records_are_drawn_larger_than_the_other_points(svg):
    points, records = symbol_sides(svg, "points_marks"), symbol_sides(svg, "layer_4_marks")
    assert len(records) == 4 and all(side > 1.5 * points[at] for at, side in records.items())


def dense_collaboration(n: int = 2000) -> tuple[list[Result], set[str]]:
    """`n` results of 100 agents over a month, under a rising best, as the 10k bench has them."""
    results = []
    for i in range(n):
        frontier = 120 + 420 * (1 - (1 - i / n) ** 2)
        score = round(frontier * (0.55 + (i * 7919 % 480) / 1000), 2)
        results.append(res(i, f"agent-{i * 37 % 100}", score, 20 * i,
                           verification="valid" if i % 3 else None))
    return ranked(results, "higher"), records_of(results, "higher")


@pytest.mark.parametrize("count, most_covered", [(2000, 0.5), (20, 0.05)])
def test_a_phones_picture_of_many_results_leaves_room_between_their_points(count, most_covered):
    """At 2,000 results a phone's chart was one blot (their points took 1.9 times its
    plot): a point takes a share of the room each result has, and few results keep their size."""
    rank, recs = dense_collaboration(count)
    phone = chart.SMALL_PICTURES[0]
    spec = chart.chart_spec(rank, recs, [], NUMBER, "higher")
    picture = chart_svg.chart_svg(spec, width=phone.width, height=phone.height)
    sides = list(symbol_sides(picture, "points_marks").values())
    assert len(sides) == count
    covered = sum(side * side for side in sides) / (phone.width * phone.height)
    assert covered < most_covered
    if count < 100:
        assert min(sides) > 6.5                  # 50 square pixels: as large as they were


def test_svg_shows_agent_names_as_escaped_text(svg):
    parsed = parse(svg)
    text = "".join(parsed.text)
    # the record holder's hostile name is drawn (current best label) as text, escaped in source
    assert f"{HOSTILE_AGENT}  2.9 bpb" in text
    assert "&lt;img src=x onerror=alert(1)&gt;" in svg
    assert "baseline · GPT-2 <b>baseline</b>" in text


def test_svg_hostile_strings_never_become_markup(svg):
    parsed = parse(svg)
    tags = {tag for tag, _ in parsed.tags}
    assert tags <= {"div", "svg", "g", "path", "line", "text", "rect", "defs", "clippath",
                    "title", "desc", "tspan", "circle", "style"}, tags
    # the one style element is the chart's own dark-mode style sheet, nothing else
    assert [tag for tag, _ in parsed.tags].count("style") == 1
    assert svg.count("<style>") == 1 and f"<style>{chart.dark_style()}</style>" in svg
    for _, attrs in parsed.tags:
        assert not any(name.startswith("on") for name in attrs)
        assert not any((v or "").strip().lower().startswith("javascript:")
                       for v in attrs.values())
    markup = chart_svg.markup_of(svg)
    for needle in ("<img", "<script", "</script", "onerror=", "onload=", "<svg onload"):
        assert needle not in markup.lower()
    # nothing agent-written is outside text nodes or quoted attribute values
    assert "<img" not in svg and "<script" not in svg.lower() and "</script" not in svg.lower()


def test_in_dark_mode_each_agent_keeps_a_colour_of_its_own_that_stands_out(svg):
    """A dark page shows the chart drawn dark, not inverted: every colour it draws with has a
    dark-mode one, the agents' told apart and standing out from the dark card as they do from
    the light one, its text readable; and the picture carries the style that repaints it."""
    dark = chart.DARK_COLOURS
    agents = [dark[c] for c in chart.PALETTE]
    assert len(set(agents)) == len(chart.PALETTE)
    assert min(chart.contrast(c, chart.DARK_BACKGROUND) for c in agents) >= 3.5
    for ink in ("#1f2937", "#6b7280"):                   # titles, axis labels and captions
        assert chart.contrast(dark[ink], chart.DARK_BACKGROUND) >= 4.5
    drawn = set(re.findall(r'(?:fill|stroke)="(#[0-9a-f]{6})"', svg))
    assert drawn and drawn <= set(dark)
    style = chart.dark_style()
    assert style.startswith("@media (prefers-color-scheme:dark){") and f"<style>{style}</style>" in svg
    for colour in drawn:
        assert f'[fill="{colour}"]{{fill:{dark[colour]}}}' in style


@pytest.mark.parametrize("width", [chart.SVG_WIDTH, chart.SMALL_PICTURES[0].width, "empty"])
def test_the_link_preview_is_the_whole_picture_at_the_proportions_previews_show(lower_case, width):
    """Link previews show 1200 x 630 pixels and crop what is wider (the picture is 2.2:1): the
    preview's PNG is the whole picture, framed in its background, at that size."""
    rank, recs, bl = lower_case
    spec = chart.chart_spec([] if width == "empty" else rank, recs, bl, BPB, "lower")
    svg = chart_svg.chart_svg(spec, width=chart.SVG_WIDTH if width == "empty" else width,
                              dark=False)
    frame = chart_svg.framed(svg, 1200, 630)
    drawn, shown = chart_svg.view_box(svg), chart_svg.view_box(frame)
    assert shown[0] / shown[1] == pytest.approx(1200 / 630)
    assert shown[0] >= drawn[0] and shown[1] >= drawn[1]           # nothing of it cut off
    png = chart_runtime.social_png(svg)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert (int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")) == (1200, 630)


def test_svg_is_deterministic(lower_case):
    rank, recs, bl = lower_case
    spec = chart.chart_spec(rank, recs, bl, BPB, "lower")
    first = chart_svg.chart_svg(spec)
    chart_svg.chart_svg(chart.chart_spec(rank, recs, bl, NUMBER, "higher"))  # counters move on
    assert chart_svg.chart_svg(spec) == first
    assert chart_svg.chart_svg(chart.chart_spec(rank, recs, bl, BPB, "lower")) == first


def test_svg_cleaner_strips_active_content():
    raw = ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
           'width="100" height="50" onload="alert(1)">'
           '<script>alert(2)</script><foreignObject><div>x</div></foreignObject>'
           '<a href="javascript:alert(3)"><text x="1.23456" onclick="alert(4)">hi</text></a>'
           '<a xlink:href="https://evil.example/"><rect width="5" height="5"/></a>'
           '<a href="/results/r1/"><rect style="fill:url(https://evil.example/x)"/></a>'
           '<image href="https://evil.example/p.png"/><use href="#x"/>'
           '<text>&lt;img src=x onerror=alert(5)&gt;</text></svg>')
    out = chart_svg._clean_svg(raw, "summary")
    low = out.lower()
    for bad in ("<script", "foreignobject", "onload", "onclick", "javascript:", "evil.example",
                "<image", "<use"):
        assert bad not in low, bad
    assert 'href="/results/r1/"' in out
    assert "&lt;img src=x onerror=alert(5)&gt;" in out
    assert 'viewBox="0 0 100 50"' in out and 'x="1.23"' in out


def test_svg_verifier_refuses_markup():
    with pytest.raises(chart_svg.UnsafeSvgError):
        chart_svg._verify('<svg xmlns="http://www.w3.org/2000/svg"><script>x</script></svg>')
    with pytest.raises(chart_svg.UnsafeSvgError):
        chart_svg._verify('<svg xmlns="http://www.w3.org/2000/svg"><g onclick="x"/></svg>')
    chart_svg._verify('<svg xmlns="http://www.w3.org/2000/svg"><text>&lt;script&gt; onerror=1'
                  '</text></svg>')


# ------------------------------------------------------------------------------------- runtime

def test_the_theme_ships_the_vega_runtime_the_installed_vl_convert_bundles():
    """Fails after a change of vl-convert's version: rerun scripts/vega_runtime.py."""
    vendored = REPO / "builder" / "theme" / "static" / chart_runtime.RUNTIME_FILE
    assert vendored.read_text(encoding="utf-8") == vega_runtime.runtime_bundle()


def test_vega_runtime_is_self_contained_and_has_no_vega_lite():
    bundle = (REPO / "builder" / "theme" / "static" / chart_runtime.RUNTIME_FILE).read_text(encoding="utf-8")
    for name in ("window.vega=", "window.vegaExpressionInterpreter=", "window.vegaTooltipHandler="):
        assert name in bundle
    assert 100_000 < len(bundle) < 700_000
    assert "vega-lite" not in bundle and "vegaLite" not in bundle   # compiled at build time
    assert not re.search(r"""import\s*\(|from\s*["']https?://|cdn\.jsdelivr""", bundle)


def test_chart_js_honours_the_csp_and_the_page_contract():
    js = (REPO / "builder" / "theme" / "static" / "chart.js").read_text(encoding="utf-8")
    code = re.sub(r"/\*.*?\*/|//[^\n]*", "", js, flags=re.S)  # promises in code, not comments
    assert "ast: true" in code and "vegaExpressionInterpreter" in code
    assert 'renderer: "svg"' in code
    for banned in ("eval(", "new Function", "innerHTML", "setTimeout(\"", "console.error",
                   "document.write", "vegaEmbed", "vegaLite"):
        assert banned not in code, banned
    assert "console.warn" in code
    # the ids and data attributes chart.js looks for are on the home page's template
    page = (REPO / "builder" / "theme" / "templates" / "index.html").read_text(encoding="utf-8")
    for element_id in ("chart", "chart-static", "chart-view", "chart-log", "chart-legend",
                       "chart-status"):
        assert f'id="{element_id}"' in page and f'"{element_id}"' in code, element_id
    for attribute in ("data-src", "data-runtime", "data-range", "data-zoom", "data-download",
                      "data-key", "data-agent"):
        assert attribute in page and f'"{attribute}"' in code, attribute


def test_the_description_of_one_result_by_one_agent_reads_in_the_singular():
    """Read aloud as the picture's alt text: "1 scored results from 1 agents" was its wording."""
    one = [res(0, "alpha", 3.5, 0)]
    spec = chart.chart_spec(one, records_of(one, "lower"), [], BPB, "lower")
    assert spec["description"].startswith(f"{BPB.label} over time: 1 scored result from 1 agent;")


def _drawn_texts(spec: dict) -> list[str]:
    return re.findall(r"<text[^>]*>([^<]*)</text>", chart_svg.chart_svg(spec))


@pytest.mark.parametrize("scores, log_scale, labels", [
    ([-0.0, 500.0, 1e308], False, {"0", "2e+307", "1e+308"}),   # were "2.0000000000000003e+283Y"
    ([1e-30, 2e-30, 3e-30], False, {"1e-30", "2e-30", "3e-30"}),  # were "0.000…" or "1e-6y"
    ([1e20, 1e30, 1e40], True, {"1e+21", "1e+31", "1e+39"}),
    ([1e-30, 1e-25, 1e-20], True, {"1e-30", "1e-25", "1e-20"}),
])
def test_axis_labels_of_extreme_magnitudes_read_as_numbers(scores, log_scale, labels):
    results = [res(i, "a", score, 10 * i) for i, score in enumerate(scores)]
    spec = chart.chart_spec(results, records_of(results, "higher"), [], NUMBER, "higher",
                            log_scale=log_scale)
    texts = _drawn_texts(spec)
    assert labels <= set(texts), texts
    numbers = [t for t in texts if re.fullmatch(r"[-0-9.e+]+[a-zA-Zµ]?", t)]
    assert all(re.fullmatch(r"0|-?[0-9](\.[0-9]{1,3})?e[-+][0-9]+", t) for t in numbers), numbers


def test_tooltips_of_extreme_scores_read_as_numbers():
    results = [res(0, "a", -0.0, 0), res(1, "b", 1e-320, 10), res(2, "c", 1e308, 20)]
    spec = chart.chart_spec(results, records_of(results, "higher"), [], NUMBER, "higher")
    assert [row["score_label"] for row in spec["datasets"]["results"]] == ["0", "1e-320",
                                                                           "1e+308"]
