"""No input stops the build. Hypothesis makes bucket trees with any file names (bytes that are not
UTF-8 included) and good, bad or arbitrary bytes for every input kind, then checks what a site
owner would: the build exits 0 and prints no traceback, every bad file is named in the build
report (and the manifest), and every good file has its page.

Run size: the two properties below run 60 + 25 examples (about 10 s of CPU time in all)."""
from __future__ import annotations

import contextlib
import gzip
import io
import json
import os
import re
import tempfile
import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builder.check import check_site
from builder.cli import main
from builder.config import Config, LimitsConfig
from builder.format import printable
from builder.pages.home import CHART_JSON
from builder.readers import read_inputs
from builder.readers.messages import message_id
from builder.readers.values import parse_stamped_filename
from builder.sources.local import open_local
from builder.urls import Urls
from tests import html
from tests.site_fixtures import fragment_of, shard_fragments

LIMITS = {"max_file_bytes": 4096, "max_message_bytes": 2048, "max_trace_bytes": 8192}
URLS = Urls()


@dataclass(frozen=True)
class Entry:
    """One generated bucket entry and what the site must do with it."""

    path: str                            # bucket path; U+DC80..U+DCFF stand for non-UTF-8 bytes
    data: bytes = b""
    link: str | None = None              # a symlink to this target instead of a file
    fifo: bool = False
    reported: bool = False               # the build report names it
    pages: tuple[str, ...] = ()          # URLs of the pages it renders
    accounted: bool = False              # arbitrary bytes: it renders or it is reported

    @property
    def disk_path(self) -> str:
        """The path as the bucket lists it (bytes that happen to be UTF-8 read back as text)."""
        return os.fsdecode(os.fsencode(self.path))


# --- names and text ---------------------------------------------------------------------------

AGENT = st.from_regex(r"\A[a-z0-9][a-z0-9-]{0,8}[a-z0-9]\Z")
SESSION = st.from_regex(r"\A[A-Za-z0-9][A-Za-z0-9-]{0,12}\Z")
# Half the names are printable text of any script; the other half may hold any character,
# including the stand-ins for single bytes that are not UTF-8.
ANY_CHAR = st.one_of(st.characters(exclude_categories=("Cs",), exclude_characters="/\x00"),
                     st.integers(0xDC80, 0xDCFF).map(chr))
TEXT_CHAR = st.characters(exclude_categories=("Cs", "Cc", "Cf", "Zl", "Zp"), exclude_characters="/")
NAME = (st.text(TEXT_CHAR, min_size=1, max_size=24) | st.text(ANY_CHAR, min_size=1, max_size=24)
        ).filter(lambda n: not n.startswith(".") and len(os.fsencode(n)) < 200)
TEXT = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=120)
SCORE = st.floats(min_value=0.001, max_value=1e6, allow_nan=False)


@st.composite
def stamps(draw) -> str:
    day = draw(st.dates(min_value=date(2026, 1, 1), max_value=date(2026, 12, 31)))
    return f"{day:%Y%m%d}-{draw(st.integers(0, 23)):02d}{draw(st.integers(0, 59)):02d}" \
           f"{draw(st.integers(0, 59)):02d}-{draw(st.integers(0, 999)):03d}"


def unprintable(path: str) -> bool:
    """The oracle's own rule for a name no bucket may hold: bytes that are not UTF-8, controls,
    line separators and invisible formatting."""
    return any(unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Zl", "Zp") for ch in path)


def front(fields: dict, body: str = "") -> bytes:
    return ("---\n" + yaml.safe_dump(fields, allow_unicode=True) + "---\n" + body).encode()


BOMB = ("---\na: &a [x, x, x, x, x, x, x, x, x, x]\n"
        + "".join(f"{n}: &{n} [{', '.join(['*' + p] * 10)}]\n"
                  for p, n in zip("abcdefgh", "bcdefghi")) + "---\nbody\n").encode()


def damaged(good: bytes) -> st.SearchStrategy[tuple[bytes, bool]]:
    """(bytes, still renders) for each way a file can go wrong that every kind must survive."""
    return st.sampled_from([
        (b"", False),                                    # empty
        (b"---\nx: 1\n---\n\x00\x01binary", False),      # NUL bytes
        (good + b"x" * 5000, None),                      # over the size limit (kind decides)
        (good + b"\n\xff\xfe \xc3\n", True),                # not UTF-8: read, degraded
    ])


# --- one strategy per input kind --------------------------------------------------------------

@st.composite
def messages(draw) -> Entry:
    stamp, agent = draw(stamps()), draw(AGENT)
    topic = draw(st.none() | NAME.filter(lambda t: "\n" not in t))
    name = f"{stamp}_{agent}" + (f"_{topic}" if topic else "") + ".md"
    page = (URLS.message(message_id(os.fsdecode(os.fsencode(name)))),)
    good = front({"agent": agent, "type": draw(st.sampled_from(["agent", "status-update"]))},
                 draw(TEXT) + "\n")
    variant = draw(st.sampled_from(["good", "yaml", "bomb", "time", "long", "damaged", "bytes",
                                    "name-time"]))
    entry = Entry(f"message_board/{name}", good, pages=page)
    if variant == "yaml":
        entry = Entry(entry.path, b"---\nagent: [unclosed\n---\nbody\n", reported=True, pages=page)
    elif variant == "bomb":
        entry = Entry(entry.path, BOMB, reported=True, pages=page)
    elif variant == "time":
        entry = Entry(entry.path, front({"timestamp": "2026-02-30 10:00 UTC"}, "hi"),
                      reported=True, pages=page)
    elif variant == "long":                                # over max_message_bytes: its start
        entry = Entry(entry.path, good + b"many words\n" * 400, reported=True, pages=page)
    elif variant == "damaged":
        data, renders = draw(damaged(good))
        entry = Entry(entry.path, data, reported=True, pages=page if renders is not False else ())
    elif variant == "bytes":
        entry = Entry(entry.path, draw(st.binary(max_size=300)), accounted=True, pages=page)
    elif variant == "name-time":
        bad_name = f"20261345-250000_{agent}.md"
        entry = Entry(f"message_board/{bad_name}", good, reported=True,
                      pages=(URLS.message(message_id(bad_name)),))
    if unprintable(entry.disk_path):
        return Entry(entry.path, entry.data, reported=True)
    return entry


@st.composite
def results(draw) -> Entry:
    stamp, agent = draw(stamps()), draw(AGENT)
    path = f"results/{stamp}_{agent}.md"
    page = (URLS.result(f"{stamp}_{agent}"),)
    good = front({"score": draw(SCORE), "method": draw(TEXT), "status": "agent-run",
                  "description": draw(TEXT)}, draw(TEXT))
    variant = draw(st.sampled_from(["good", "no-score", "yaml", "damaged", "bytes"]))
    if variant == "no-score":
        return Entry(path, front({"method": "m"}), reported=True, pages=page)
    if variant == "yaml":
        return Entry(path, b"---\nscore: [1\n---\n", reported=True)
    if variant == "damaged":
        data, renders = draw(damaged(good))
        return Entry(path, data, reported=True, pages=page if renders else ())
    if variant == "bytes":
        return Entry(path, draw(st.binary(max_size=300)), accounted=True, pages=page)
    return Entry(path, good, pages=page)


@st.composite
def legacy_results(draw) -> Entry:
    name, agent = draw(st.from_regex(r"\A[a-z]{1,8}\Z")), draw(AGENT)
    path = f"artifacts/results/{name}_{agent}.json"
    page = (URLS.result(f"legacy-{name}_{agent}"),)
    variant = draw(st.sampled_from(["good", "bad-json", "list", "bytes"]))
    if variant == "bad-json":
        return Entry(path, b'{"score": 1,', reported=True)
    if variant == "list":
        return Entry(path, b"[1, 2]", reported=True)
    if variant == "bytes":
        return Entry(path, draw(st.binary(max_size=200)), accounted=True, pages=page)
    data = {"agent_id": agent, "score": draw(SCORE), "timestamp": "2026-04-25T14:30:00Z",
            "experiment": draw(TEXT)}
    return Entry(path, json.dumps(data).encode(), pages=page)


@st.composite
def leaderboards(draw) -> Entry:
    # Named unlike any file's agent: a row repeating a result file (same agent and score) is
    # shown through the file, not on a page of its own.
    agents = [f"Team {a}" for a in draw(st.lists(AGENT, min_size=1, max_size=4))]
    rows = "".join(f"| {a} | {draw(SCORE)} |\n" for a in agents)
    good = f"# Leaderboard\n\n| agent | score |\n|---|---:|\n{rows}".encode()
    pages = tuple(URLS.result(f"lb-{n}-{a}") for n, a in enumerate(agents, start=1))
    if draw(st.booleans()):
        return Entry("LEADERBOARD.md", good, pages=pages)
    data, renders = draw(damaged(good))
    return Entry("LEADERBOARD.md", data, reported=True, pages=pages if renders else ())


@st.composite
def verdicts(draw) -> Entry:
    path = "results/verification_status.json"
    return draw(st.sampled_from([
        Entry(path, json.dumps({"20260101-000000-000_a.md": "valid"}).encode()),
        Entry(path, b"{", reported=True),
        Entry(path, json.dumps({"x.md": "maybe"}).encode(), reported=True),
        Entry(path, b"", reported=True),
    ]))


@st.composite
def agents(draw) -> Entry:
    agent = draw(AGENT)
    path, page = f"agents/{agent}.md", (URLS.agent(agent),)
    good = front({"agent_name": agent, "agent_model": draw(TEXT), "agent_tools": ["bash"]},
                 draw(TEXT))
    variant = draw(st.sampled_from(["good", "yaml", "joined", "damaged", "fifo"]))
    if variant == "yaml":
        return Entry(path, b"---\nagent_tools: [bash\n---\n", reported=True, pages=page)
    if variant == "joined":
        return Entry(path, front({"agent_name": agent, "joined": "2026-13-01 10:00 UTC"}),
                     reported=True, pages=page)
    if variant == "damaged":
        data, renders = draw(damaged(good))
        return Entry(path, data, reported=True, pages=page if renders else ())
    if variant == "fifo":
        return Entry(path, fifo=True, reported=True)
    return Entry(path, good, pages=page)


@st.composite
def traces(draw) -> tuple[Entry, ...]:
    agent, session = draw(AGENT), draw(SESSION)
    where = f"traces/{agent}/{session}"
    manifest = front({"schema_version": 1, "session_id": session, "share": "full",
                      "harness": draw(st.sampled_from(["claude-code", "codex", "my-harness"]))},
                     draw(TEXT))
    log = draw(st.one_of(
        st.binary(max_size=400),
        st.lists(st.dictionaries(st.sampled_from(["type", "message", "timestamp", "payload"]),
                                 TEXT | st.integers(), max_size=4), max_size=5)
        .map(lambda lines: "".join(json.dumps(line) + "\n" for line in lines).encode())))
    variant = draw(st.sampled_from(["good", "no-manifest", "bad-agent", "yaml", "deep"]))
    page = (URLS.trace(agent, session),)
    if variant == "no-manifest":
        return (Entry(f"{where}/{session}.jsonl", log, reported=True),)
    if variant == "bad-agent":
        return (Entry(f"traces/Bad_{agent}/{session}/manifest.md", manifest, reported=True),)
    if variant == "yaml":
        return (Entry(f"{where}/manifest.md", b"---\nharness: [x\n---\n", reported=True),)
    if variant == "deep":
        return (Entry(f"{where}/deeper/manifest.md", manifest, reported=True),)
    return (Entry(f"{where}/manifest.md", manifest, pages=page),
            Entry(f"{where}/{session}.jsonl", log))


@st.composite
def odd_names(draw) -> Entry:
    """Any name where only the name can be wrong, or where nothing reads it."""
    name = draw(NAME)
    folder = draw(st.sampled_from(["traces", "message_board", "shared_resources", ""]))
    path = f"{folder}/{name}" if folder else name
    if folder == "message_board":
        path += ".md"
    named_like_input = (name.lower() in ("readme", "readme.md", "leaderboard.md")
                        or parse_stamped_filename(os.fsdecode(os.fsencode(path))) is not None)
    read_by_someone = folder in ("traces", "message_board") and not named_like_input
    # Plain text: nothing but the name or the place can earn this file a problem.
    entry = Entry(path, ("x" + draw(TEXT)).encode())
    return Entry(path, entry.data, reported=unprintable(entry.disk_path) or read_by_someone)


@st.composite
def links(draw) -> Entry:
    name = draw(st.from_regex(r"\A[a-z]{1,8}\Z"))
    folder = draw(st.sampled_from(["message_board", "results", "agents"]))
    target = draw(st.sampled_from(["loop", "missing", "outside", "inside"]))
    path = f"{folder}/link-{name}.md"
    return Entry(path, link=target, reported=True)


@st.composite
def buckets(draw) -> tuple[Entry, ...]:
    """One part of every kind, then up to eight more of any; a trace's files come as one part,
    kept whole or not at all."""
    kinds = [k.map(lambda entry: (entry,)) for k in (messages(), results(), legacy_results(),
                                                     leaderboards(), verdicts(), agents(),
                                                     odd_names(), links())] + [traces()]
    parts = [draw(kind) for kind in kinds] + draw(st.lists(st.one_of(kinds), max_size=8))
    entries: dict[str, Entry] = {}
    for part in parts:
        keys = [entry.disk_path.lower() for entry in part]      # one entry a path, any case
        # A trace part owns its folder; any part owns its paths and the folders they imply.
        owned = [keys[0].rsplit("/", 1)[0] + "/"] if keys[0].count("/") >= 3 else keys
        clash = any(k.startswith(own) or own.startswith(k + "/") or k == own
                    for k in entries for own in owned)
        if not clash:
            entries.update(zip(keys, part))
    return tuple(entries.values())


# --- writing a tree and checking the outcome --------------------------------------------------

def write_bucket(root: Path, entries: tuple[Entry, ...]) -> None:
    outside = root.parent / "outside.md"
    outside.write_bytes(b"---\nagent: intruder\n---\nSECRET\n")
    for entry in entries:
        full = os.path.join(os.fsencode(root), os.fsencode(entry.path))
        os.makedirs(os.path.dirname(full), exist_ok=True)
        if entry.fifo:
            os.mkfifo(full)
        elif entry.link == "loop":
            os.symlink(os.path.basename(full), full)
        elif entry.link == "missing":
            os.symlink(b"nowhere.md", full)
        elif entry.link == "outside":
            os.symlink(os.fsencode(outside), full)
        elif entry.link == "inside":                      # to a (hidden) file beside it
            with open(os.path.join(os.path.dirname(full), b".target"), "wb") as fh:
                fh.write(b"---\nagent: a\n---\nhi\n")
            os.symlink(b".target", full)
        else:
            with open(full, "wb") as fh:
                fh.write(entry.data)


def config_file(folder: Path, cache: Path) -> Path:
    limits = "".join(f"{key} = {value}\n" for key, value in LIMITS.items())
    text = (f'[source]\nlocation = "bucket"\n\n[limits]\n{limits}\n'
            f'[cache]\ndir = "{cache.as_posix()}"\n')
    path = folder / "collab.toml"
    path.write_text(text)
    return path


def check_entries(entries: tuple[Entry, ...], reported: set[str], rendered) -> None:
    for entry in entries:
        named = printable(entry.disk_path) in reported
        pages = all(rendered(url) for url in entry.pages)
        if entry.reported:
            assert named, f"{entry.disk_path!r} is not in the report"
        if entry.accounted:
            assert named or pages, f"{entry.disk_path!r} neither renders nor is reported"
        elif entry.pages:
            assert pages, f"{entry.disk_path!r} does not render {entry.pages}"


@settings(max_examples=60, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(buckets())
def test_the_readers_name_every_bad_file_and_read_every_good_one(entries):
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "bucket"
        root.mkdir()
        write_bucket(root, entries)
        inputs = read_inputs(open_local(root), Config(limits=LimitsConfig(**LIMITS)))
    records = {URLS.message(m.id) for m in inputs.messages} | {URLS.result(r.id) for r in inputs.results} \
        | {URLS.agent(a.id) for a in inputs.agents} | {URLS.trace(t.agent, t.session_id) for t in inputs.traces}
    assert not any(unprintable(p.path + p.reason) for p in inputs.problems)
    check_entries(entries, {p.path for p in inputs.problems}, records.__contains__)


@pytest.fixture(scope="module")
def cache(tmp_path_factory) -> Path:
    """One render cache for every generated build (the Vega runtime is bundled once)."""
    return tmp_path_factory.mktemp("render-cache")


@settings(max_examples=25, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(entries=buckets())
def test_the_build_succeeds_reports_every_bad_file_and_renders_every_good_one(cache, entries):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        write_bucket(folder / "bucket", entries)
        out, printed = folder / "site", io.StringIO()
        with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(printed):
            code = main(["build", "--config", str(config_file(folder, cache)), "--out", str(out)])
        assert code == 0, printed.getvalue()
        assert "Traceback" not in printed.getvalue()
        printed.getvalue().encode("utf-8")                 # every name printed was printable
        manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
        report = html.soup(out / "build" / "index.html")
        on_page = set()
        for level, table, heading in (("problems", "problems", 0), ("notes", "notes", 1)):
            in_manifest = {path for path, _ in manifest[level]}
            listed = {code.get_text() for code in report.select(f"table.{table} code")}
            assert in_manifest == listed
            if listed or level == "problems":
                counted = report.select("h2")[heading].get_text()       # files, then entries
                assert re.findall(r"\d+", counted) == [str(len(listed)), str(len(manifest[level]))]
            on_page |= listed
        check_entries(entries, on_page, lambda url: (out / URLS.file_for(url)).is_file())



def test_a_chart_picture_the_sanitiser_refuses_costs_the_picture_not_the_build(
        tmp_path, monkeypatch, cache):
    from builder import chart_svg

    def refuse(spec, **_):
        raise chart_svg.UnsafeSvgError("refusing SVG: element 'script'")

    monkeypatch.setattr(chart_svg, "chart_svg", refuse)
    # An agent name no generated bucket has, so no cached picture of this chart exists.
    write_bucket(tmp_path / "bucket", (Entry("results/20260101-000000-000_refused-svg.md",
                                             front({"score": 1.5, "agent": "refused-svg"})),))
    out, printed = tmp_path / "site", io.StringIO()
    with contextlib.redirect_stdout(printed):
        code = main(["build", "--config", str(config_file(tmp_path, cache)),
                     "--out", str(out)])
    assert code == 0
    page = html.soup(out / "index.html")
    assert page.select_one("#chart-static svg") is None
    assert (out / CHART_JSON).is_file()                        # the interactive chart remains


def test_a_long_message_shows_its_start_says_how_much_is_left_out_and_links_the_file(
        tmp_path, cache):
    body = "".join(f"line {n}\n" for n in range(3000))              # about 27 kB
    write_bucket(tmp_path / "bucket", (Entry("message_board/20260101-000000-000_a.md",
                                             front({"agent": "a"}, body)),))
    config = config_file(tmp_path, cache)
    config.write_text(config.read_text().replace(
        "[source]\n", '[source]\nweb_url = "https://huggingface.co/buckets/o/b"\n'))
    out = tmp_path / "site"
    with contextlib.redirect_stdout(io.StringIO()):
        assert main(["build", "--config", str(config), "--out", str(out)]) == 0
    page = html.soup(out / "messages" / "20260101-000000-000_a" / "index.html")
    shown = html.text_of(page.select_one(".body"))
    assert shown.startswith("line 0") and "line 2999" not in shown
    notice = html.text_of(page.select_one("p.omitted"))
    assert notice.startswith("The rest of this message (") and "kB) is too long" in notice
    assert page.select_one("p.omitted a")["href"] == (
        "https://huggingface.co/buckets/o/b/resolve/message_board/20260101-000000-000_a.md")


def test_urls_no_browser_can_read_are_shown_as_text_not_links(tmp_path, cache):
    bad = "http://[x"                       # urlsplit raises on it (a broken IPv6 host)
    write_bucket(tmp_path / "bucket", (
        Entry("message_board/20260101-000000-000_a.md",
              front({"agent": "a"}, f'<img src="{bad}"> <a href="//[y">y</a> [z]({bad})')),
        Entry("results/20260101-000000-000_a.md",
              front({"agent": "a", "tps": 1.0, "submission": bad, "artifacts": [bad]}, f"![p]({bad})")),
        Entry("agents/a.md", front({"agent_name": "a", "hf_user": bad}, f"[bio]({bad})"))))
    out = tmp_path / "site"
    with contextlib.redirect_stdout(io.StringIO()):
        assert main(["build", "--config", str(config_file(tmp_path, cache)), "--out", str(out)]) == 0
    assert check_site(out) == []                               # it reads every link of every page
    result = html.soup(out / "results" / "20260101-000000-000_a" / "index.html")
    assert bad in html.text_of(result.select_one("main"))
    assert not [a for a in result.select("main a") if "[" in a.get("href", "")]


def test_a_refused_chart_picture_is_named_in_the_build_report(tmp_path, monkeypatch, cache):
    from builder import chart_svg

    def refuse(spec, **_):
        raise chart_svg.UnsafeSvgError("refusing SVG: element 'script'")

    monkeypatch.setattr(chart_svg, "chart_svg", refuse)
    write_bucket(tmp_path / "bucket", (Entry("results/20260101-000000-000_refused-svg2.md",
                                             front({"score": 2.5, "agent": "refused-svg2"})),))
    out = tmp_path / "site"
    with contextlib.redirect_stdout(io.StringIO()):
        assert main(["build", "--config", str(config_file(tmp_path, cache)),
                     "--out", str(out)]) == 0
    report = html.soup(out / "build" / "index.html")
    rows = [html.text_of(tr) for tr in report.select("table.problems tr")]
    assert rows.count("(chart) shown without its pre-rendered picture: refusing SVG: element 'script'") == 1
    # nor the phone's picture of it, refused alike (said once)
    assert html.soup(out / "index.html").select_one("#chart-static picture") is None
    assert not (out / "data" / "chart-narrow.svg").exists()
    assert not (out / "data" / "chart-mid.svg").exists()


def test_a_result_whose_name_needs_a_hash_is_reached_at_its_one_address(tmp_path, cache):
    odd, plain = "Résultat Final", "20260101-000000-000_plain"
    write_bucket(tmp_path / "bucket", (
        Entry(f"results/{odd}.md", front({"tps": 2.0, "agent": "wren",
                                          "timestamp": "2026-01-01T01:00:00Z"})),
        Entry(f"results/{plain}.md", front({"tps": 1.0, "agent": "wren"}))))
    out = built_site(tmp_path, cache)
    address = URLS.result(odd)
    assert address.count("--") == 1                              # hashed once, not twice
    assert URLS.result(plain) == f"/results/{plain}/"            # a permalink kept as it was
    assert html.soup(out / URLS.file_for(address)).select_one("main")
    linked_from = {"home": out / "index.html",
                   "agent": out / URLS.file_for(URLS.agent("wren")),
                   "feed": out / "feeds" / "results.xml"}
    for where, page in linked_from.items():
        assert address in page.read_text(encoding="utf-8"), where
    assert check_site(out) == []


def test_a_message_whose_name_needs_a_hash_is_reached_at_its_one_address(tmp_path, cache):
    odd, plain = "20260710-101500_wren_café", "20260710-101600_wren_plain"
    reply = "20260710-102000-000_wren"
    write_bucket(tmp_path / "bucket", (
        Entry(f"message_board/{odd}.md", front({"agent": "wren"}, "the odd one\n")),
        Entry(f"message_board/{plain}.md", front({"agent": "wren"}, "the plain one\n")),
        Entry(f"message_board/{reply}.md", front({"agent": "wren", "refs": odd}, "a reply\n"))))
    out = built_site(tmp_path, cache)
    address = URLS.message(odd)
    assert address.count("--") == 1                              # hashed once, not twice
    assert URLS.message(plain) == f"/messages/{plain}/"          # a permalink kept as it was
    assert html.soup(out / URLS.file_for(address)).select_one("main")
    pages = {p.parent.name for p in (out / "messages").glob("2*/index.html")}
    assert pages == {address.split("/")[-2], plain, reply}       # one page each, at one address
    linked_from = {"archive": out / "messages" / "index.html",
                   "agent": out / URLS.file_for(URLS.agent("wren")),
                   "reply": out / URLS.file_for(URLS.message(reply)),
                   "feed": out / "feeds" / "messages.xml",
                   "agent's feed": out / URLS.file_for(URLS.agent_feed("wren"))}
    for where, page in linked_from.items():
        assert address in page.read_text(encoding="utf-8"), where
    in_reply_to = html.soup(out / URLS.file_for(URLS.message(reply))).find("a", href=address)
    assert in_reply_to is not None and "not in the bucket" not in in_reply_to.parent.get_text()
    assert address in searched_pages(out)
    assert check_site(out) == []


def built_site(tmp_path: Path, cache: Path) -> Path:
    """The site of the bucket written in `tmp_path`, built quietly (it must build)."""
    out = tmp_path / "site"
    with contextlib.redirect_stdout(io.StringIO()):
        assert main(["build", "--config", str(config_file(tmp_path, cache)), "--out", str(out)]) == 0
    return out


def searched_pages(site: Path) -> set[str]:
    """The addresses the search index leads to (each shard's page fragments)."""
    return {fragment_of(f)["url"] for files in shard_fragments(site).values() for f in files}


def test_names_shaped_like_another_agents_page_or_a_file_of_the_site_each_get_their_own_page(
        tmp_path, cache):
    impostor = URLS.agent("Bob").split("/")[-2]                 # the page Bob's name is given
    write_bucket(tmp_path / "bucket", (
        Entry("agents/Bob.md", front({"agent_name": "Bob"}, "Bob's own bio")),
        Entry(f"agents/{impostor}.md", front({"agent_name": impostor}, "the impostor's bio")),
        Entry("results/index.html.md", front({"tps": 2.0, "agent": "index.html"})),
        Entry("results/20260101-000000-000_page.md", front({"tps": 1.0, "agent": "page"}))))
    out, printed = tmp_path / "site", io.StringIO()
    with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(printed):
        assert main(["build", "--config", str(config_file(tmp_path, cache)), "--out", str(out)]) == 0
    bios = {name: html.text_of(html.soup(out / URLS.file_for(URLS.agent(name))).select_one("main"))
            for name in ("Bob", impostor, "index.html", "page")}
    assert "Bob's own bio" in bios["Bob"] and "impostor" not in bios["Bob"]
    assert "the impostor's bio" in bios[impostor]
    assert html.soup(out / URLS.file_for(URLS.result("index.html"))).select_one("main")
    assert check_site(out) == []
