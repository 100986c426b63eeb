"""Secrets agents paste into what the site publishes (messages, results, bios, LEADERBOARD.md)
are masked in every file of the built site, and the build report names the files to clean."""
from __future__ import annotations

import contextlib
import gzip
import io
import json
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from builder import format as fmt
from builder.cli import main
from builder.config import Config
from builder.readers import INPUT_KINDS, load, read_inputs
from builder.redact import add_counts, redact_name, redact_shown
from builder.sources import Bucket
from builder.sources.local import open_local
from tests.hub_fixtures import collab_files
from tests.site_fixtures import with_code_caches
from tests import html

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "agent-collab-corpus"
# Fake secrets are assembled at run time so that no scanner mistakes this file for a leak.
HF = "hf_" + "Qx7LmP2vR9tK" * 3
OPENAI = "sk-proj-" + "Zz81Yy72Xx63" * 3
ESCAPED_HF = "hf_" + "Wb4NcJ8sD1fG" * 3           # written with YAML escapes in the file
# spelt so that markdown or HTML shows the token: character references, a backslash escape
SPELT = {"hf&#95;": "Ke3VbT9wQ2mZ" * 3, "&#x68;f_": "Ru5HcD1xL8nY" * 3,
         "hf&lowbar;": "Gi7SaW4pM6kE" * 3, "hf\\_": "Jo2FyN5tB9hU" * 3}
NAMED = "hf_" + "Vd6XeR3qC7jA" * 3                # in file names
# split by markup, which the page leaves out: the page shows (and a visitor copies) each whole
SPLIT = {"hf_<span></span>{}{}": "Ha4JkL7zX1cV" * 3, "hf_<!-- -->{}{}": "Ub8NmQ2wE5rT" * 3,
         "hf_**{}**{}": "Ic6OpA9sD3fG" * 3, "hf_<b>{}</b>{}": "Ye1RtW4qZ7xC" * 3,
         "hf_{}\n{}": "Lo5KiJ8uH2gB" * 3, "[hf_*{}*{}](https://example.org)": "Mv3BnC6xZ9aS" * 3,
         "## Keys: hf_`{}`{}": "Pd7FgH1jK4lQ" * 3}
# percent-encoded in a URL, which a browser's status bar shows decoded: {} is the token's body
PERCENT = {"see https://example.org/x?token=hf%5F{}&page=2": "Sd4GhJ7kL1zX" * 3,
           "[run](https://example.org/run?k=%68%66_{})": "Fa2WsE5rD8tY" * 3,
           "![plot](https://huggingface.co/p.png?k=hf%5f{})": "Gq6UjM9iK3oP" * 3,
           "<https://example.org/hf_{}>": "Nb1VcX4zA7sD" * 3}
PERCENT_WHOLE = "".join(f"%{ord(c):02X}" for c in "hf_" + PERCENT["<https://example.org/hf_{}>"])
PERCENT_BOARD = "Wr5TyU8iO2pQ" * 3               # in LEADERBOARD.md's Notes cell, as a link
PERCENT_ARTIFACT = "Ze3XcV6bN9mL" * 3            # in a result's artifacts
CUT = "hf_" + "Lm8ZuK1sP4gW" * 3                  # cut in two by limits.max_message_bytes
CUT_AT_CONTROL = "hf_" + "Tn3KoV6bY2dQ" * 3       # cut there too, a control character at the cut
MAX_MESSAGE_BYTES = 8_000

MESSAGE = "message_board/20260709-101500_kestrel_oops.md"
RESULT = "results/20260708-174109-383_wren.md"
BIO = "agents/kestrel.md"
LEADERBOARD = "LEADERBOARD.md"
SPELT_MESSAGE = "message_board/20260709-103000_kestrel_spelt.md"
NAMED_MESSAGE = f"message_board/20260709-104500_kestrel_{NAMED}.md"
NAMED_TRACE = f"traces/kestrel/{NAMED}/manifest.md"
CUT_MESSAGE = "message_board/20260709-110000_kestrel_long-log.md"
SPLIT_MESSAGE = "message_board/20260709-113000_kestrel_split.md"
PERCENT_MESSAGE = "message_board/20260709-114500_kestrel_links.md"
CUT_AT_CONTROL_MESSAGE = "message_board/20260709-111500_kestrel_long-log-2.md"
TRACE_MANIFEST = "traces/wren/aider-20260711-2140/manifest.md"
NAMED_TRACE_LOGS = ("session.jsonl", "subagent-1.jsonl")   # beside the manifest


def _escaped(text: str) -> str:
    return "".join(f"\\u{ord(c):04x}" for c in text)


def _bucket_with_secrets(root: Path) -> Path:
    bucket = root / "bucket"
    shutil.copytree(REPO / "builder" / "demo", bucket)
    (bucket / MESSAGE).write_text(
        "---\nagent: kestrel\ntype: status-update\ntimestamp: 2026-07-09 10:15 UTC\n---\n\n"
        f"Oops, pasted my env: `export HF_TOKEN={HF}` and `OPENAI_API_KEY={OPENAI}`.\n")
    result = (bucket / RESULT).read_text()
    result = result.replace("---\n", f'---\nnotes: "token {_escaped(ESCAPED_HF)}"\n', 1)
    (bucket / RESULT).write_text(result.replace("description: '", f"description: 'run with {HF} ", 1))
    bio = bucket / BIO
    bio.write_text(bio.read_text() + f"\nMy keys, for the record: {OPENAI} {HF}\n")
    board = bucket / LEADERBOARD
    board.write_text(board.read_text().replace("repro of kestrel |", f"key {OPENAI} |", 1)
                     .replace("| K=4,", f"| [run](https://example.org/r?k=hf%5F{PERCENT_BOARD}) K=4,", 1))
    result = (bucket / RESULT).read_text()
    (bucket / RESULT).write_text(result.replace(
        "artifacts: ", f"artifacts: https://example.org/run?token=hf%5F{PERCENT_ARTIFACT} ", 1))
    header = "---\nagent: kestrel\ntype: status-update\ntimestamp: 2026-07-09 10:30 UTC\n---\n\n"
    (bucket / SPELT_MESSAGE).write_text(
        header + "".join(f"Spelt: {head}{body} and\n\n" for head, body in SPELT.items()))
    (bucket / PERCENT_MESSAGE).write_text(header + "".join(
        f"{shape.format(body)} and\n\n" for shape, body in PERCENT.items()).replace(
        "hf_" + PERCENT["<https://example.org/hf_{}>"], PERCENT_WHOLE))
    (bucket / NAMED_MESSAGE).write_text(header + "A message whose file name holds a token.\n")
    (bucket / SPLIT_MESSAGE).write_text(header + "".join(
        f"{shape.format(body[:5], body[5:])} and\n\n" for shape, body in SPLIT.items()))
    (bucket / NAMED_TRACE).parent.mkdir(parents=True)
    (bucket / NAMED_TRACE).write_text((bucket / TRACE_MANIFEST).read_text())
    for name in NAMED_TRACE_LOGS:
        (bucket / NAMED_TRACE).with_name(name).write_text('{"type": "user"}\n')
    log = header + "A pasted log on one line: " + "step ok; " * 700
    run = MAX_MESSAGE_BYTES - len(log) - 1 - len(CUT[:10])  # the cut leaves "hf_" and 7 more
    (bucket / CUT_MESSAGE).write_text(log + "x" * run + f" {CUT} " + "step ok; " * 100)
    (bucket / CUT_AT_CONTROL_MESSAGE).write_text(
        log + "x" * run + f" {CUT_AT_CONTROL[:10]}\x07{CUT_AT_CONTROL[10:]} " + "step ok; " * 100)
    return bucket


@pytest.fixture(scope="module")
def built(tmp_path_factory, code_caches) -> tuple[Path, Path, str]:
    """The demo with secrets pasted into it: the site folder, the caches' folder (of this build
    alone: it starts with the code caches), and what the build printed."""
    root = tmp_path_factory.mktemp("secrets")
    bucket = _bucket_with_secrets(root)
    config = root / "collab.toml"
    config.write_text((REPO / "collab.toml").read_text(encoding="utf-8").replace(
        "[limits]\n", f"[limits]\nmax_message_bytes = {MAX_MESSAGE_BYTES}\n"), encoding="utf-8")
    out, caches, printed = root / "site", root / ".cache", io.StringIO()
    with_code_caches(caches, code_caches)
    with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(printed), \
            pytest.MonkeyPatch.context() as patch:
        patch.setenv("COLLAB_CACHE_DIR", str(caches))
        code = main(["build", "--config", str(config), "--source", str(bucket), "--out", str(out)])
    assert code == 0, printed.getvalue()
    assert (caches / "render" / "pages").is_dir()
    return out, caches, printed.getvalue()


def _contents(folder: Path):
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            if data[:2] == b"\x1f\x8b":                  # the search index's gzipped fragments
                data = gzip.decompress(data)
            yield path, data


@pytest.mark.parametrize("secret", [HF, OPENAI, ESCAPED_HF, NAMED, CUT[:10], CUT_AT_CONTROL[:10],
                                    *SPELT.values(), *PERCENT.values(), PERCENT_WHOLE[:30],
                                    PERCENT_BOARD, PERCENT_ARTIFACT])
def test_no_file_of_the_site_nor_of_its_caches_holds_a_pasted_secret(built, secret):
    out, caches, printed = built
    assert secret not in printed
    for folder in (out, caches):
        leaks = [str(path) for path, data in _contents(folder)
                 if secret.encode() in data or json.dumps(secret).encode() in data]
        assert leaks == []


def test_the_pages_show_the_marker_where_the_secret_was(built):
    out = built[0]
    message = html.soup(out / "messages" / "20260709-101500_kestrel_oops" / "index.html")
    assert "export HF_TOKEN=[REDACTED:hf-token]" in message.get_text()
    assert "OPENAI_API_KEY=[REDACTED:openai-key]" in message.get_text()
    bio = html.soup(out / "agents" / "kestrel" / "index.html").get_text()
    assert "[REDACTED:openai-key] [REDACTED:hf-token]" in bio


def test_the_build_report_names_each_file_and_what_to_do_never_the_secret(built):
    out, _, printed = built
    report = html.soup(out / "build" / "index.html")
    rows: dict[str, str] = {}
    for row in report.select("table.problems tbody tr"):
        path = row.select_one("code").get_text()
        rows[path] = rows.get(path, "") + row.get_text(" ")
    for path, kinds in ((MESSAGE, "1 hf-token, 1 openai-key"), (BIO, "1 hf-token, 1 openai-key"),
                        (LEADERBOARD, "1 hf-token, 1 openai-key"), (RESULT, "2 hf-token")):
        assert f"secret(s) masked on the site ({kinds}): rotate them" in rows[path]
        assert f"problem: {path}: " in printed
    assert "in escaped values: 1 secret(s) masked on the site (1 hf-token)" in rows[RESULT]


def test_the_demo_bucket_holds_nothing_that_looks_like_a_secret():
    inputs = read_inputs(open_local(REPO / "builder" / "demo"), Config())
    assert [p for p in inputs.problems if "masked" in p.reason] == []


def test_real_agent_text_masks_nothing():
    if not CORPUS.is_dir():
        pytest.skip("the shared agent-collab corpus is not present")
    masked = {}
    for path in sorted(CORPUS.rglob("*")):
        if path.is_file():
            name = str(path.relative_to(CORPUS))
            text, counts = redact_shown(fmt.visible_text(path.read_text(errors="replace")))
            add_counts(counts, redact_name(name)[1])
            if counts:
                masked[name] = counts
    print(masked)
    assert masked == {}


def _report_rows(out: Path) -> dict[str, str]:
    rows: dict[str, str] = {}
    for row in html.soup(out / "build" / "index.html").select("table.problems tbody tr"):
        path = row.select_one("code").get_text()
        rows[path] = rows.get(path, "") + row.get_text(" ")
    return rows


def test_a_secret_spelt_for_markdown_or_html_to_show_is_masked_where_it_was(built):
    out = built[0]
    text = html.soup(out / "messages" / "20260709-103000_kestrel_spelt" / "index.html").get_text()
    assert text.count("Spelt: [REDACTED:hf-token] and") == len(SPELT)
    assert f"secret(s) masked on the site ({len(SPELT)} hf-token): rotate them" in \
        _report_rows(out)[SPELT_MESSAGE]


def test_a_file_whose_name_holds_a_secret_is_left_out_and_named_masked(built):
    out, _, printed = built
    rows = _report_rows(out)
    masked = NAMED_MESSAGE.replace(NAMED, "[REDACTED:hf-token]")
    assert "skipped: its name holds 1 secret(s) (1 hf-token), masked here: rotate them " \
           "and rename the file" in rows[masked]
    assert f"problem: {masked}: " in printed
    assert not list(out.rglob("*kestrel_hf*")) and not list(out.rglob("*REDACTED*"))


def test_a_folder_whose_name_holds_a_secret_is_one_line_of_the_report_with_its_files(built):
    out, _, printed = built
    folder = "traces/kestrel/[REDACTED:hf-token]/"
    assert [path for path in _report_rows(out) if "REDACTED" in path and "traces" in path] == [folder]
    assert "skipped: its name holds 1 secret(s) (1 hf-token), masked here, with the " \
           f"{1 + len(NAMED_TRACE_LOGS)} file(s) in it: rotate them and rename the folder" \
           in _report_rows(out)[folder]
    assert [line.partition(": ")[2].partition(": ")[0] for line in printed.splitlines()
            if "traces/kestrel/[REDACTED" in line] == [folder]


def test_a_message_cut_inside_a_secret_ends_before_it(built):
    out = built[0]
    text = html.soup(out / "messages" / "20260709-110000_kestrel_long-log" / "index.html").get_text()
    assert "step ok; " + "x" * 100 in text and CUT[:3] not in text
    assert "shown in part: the first" in _report_rows(out)[CUT_MESSAGE]


def test_a_message_cut_inside_a_secret_at_a_control_character_ends_before_it(built):
    out = built[0]
    page = out / "messages" / "20260709-111500_kestrel_long-log-2" / "index.html"
    text = html.soup(page).get_text()
    assert "step ok; " + "x" * 100 in text and CUT_AT_CONTROL[:3] not in text


HUB_NAMED = "hf_" + "Pa9WsE4rT6yU" * 3                 # in the name of a file the Hub fails on


def test_a_hub_sync_failing_on_a_file_named_with_a_secret_reports_it_masked(hub, tmp_path, capsys):
    bucket_id = "collab-org/secret-names"
    files = collab_files(10, 2, 2)
    named = f"message_board/20260601-000500-000_agent-000_{HUB_NAMED}.md"
    files[named] = "---\nagent: agent-000\n---\nA message the Hub fails to give.\n"
    hub.add_bucket(bucket_id, files)
    hub.inject("bucket_resolve", "503", times=100, match=HUB_NAMED)
    config = tmp_path / "collab.toml"
    config.write_text(f'[source]\ncache_dir = "{(tmp_path / "cache").as_posix()}"\n',
                      encoding="utf-8")
    out = tmp_path / "site"

    code = main(["build", "--config", str(config), "--source", f"hf://buckets/{bucket_id}",
                 "--out", str(out)])

    printed = capsys.readouterr()
    assert code == 0
    assert "[REDACTED:hf-token]" in printed.out + printed.err         # the failure is told
    assert HUB_NAMED not in printed.out + printed.err
    assert [str(path) for path, data in _contents(out) if HUB_NAMED.encode() in data] == []
    assert "[REDACTED:hf-token]" in html.soup(out / "build" / "index.html").get_text()


def test_a_secret_that_markup_splits_is_masked_in_what_the_page_shows(built):
    out = built[0]
    page = out / "messages" / "20260709-113000_kestrel_split" / "index.html"
    text = html.soup(page).get_text()
    assert text.count("[REDACTED:hf-token] and") == len(SPLIT)
    assert "Keys: [REDACTED:hf-token] and" in html.soup(page).select_one("article h2").get_text()
    for body in SPLIT.values():
        leaks = [str(path) for path, data in _contents(out) if body[5:].encode() in data]
        assert leaks == [] and "hf_" + body not in text
    assert f"secret(s) masked on the site ({len(SPLIT)} hf-token): rotate them" in \
        _report_rows(out)[SPLIT_MESSAGE]


def test_a_secret_percent_encoded_in_a_url_is_masked_in_the_link_and_counted(built):
    out = built[0]
    page = html.soup(out / "messages" / "20260709-114500_kestrel_links" / "index.html")
    assert "see https://example.org/x?token=[REDACTED:hf-token]&page=2 and" in page.get_text()
    assert "https://example.org/x?token=%5BREDACTED:hf-token%5D&page=2" in \
        [a["href"] for a in page.select("article a")]
    assert f"secret(s) masked on the site ({len(PERCENT)} hf-token): rotate them" in \
        _report_rows(out)[PERCENT_MESSAGE]
    assert "2 secret(s) masked on the site (1 hf-token, 1 openai-key)" in _report_rows(out)[LEADERBOARD]
    assert "1 secret(s) masked on the site (1 hf-token)" in _report_rows(out)[RESULT]


# --- each secret counted once ------------------------------------------------------------------

# Where a secret may sit in a message, {} its place: a link's target (with its slashes escaped
# for markdown or spelt as a character reference too), a bare URL, the text, an attribute.
_PLACES = ("[run]({url})", "see {url} ok", "[run](https:\\/\\/{rest})", "[run](https&#58;//{rest})",
           '<a href="https&#58;//{rest}">run</a>', "<{url}>", "token {token} here",
           '<abbr title="{token}">HF</abbr>', "![plot]({url})")
_PASSWORDS = st.text("abcdefghkmnpqrstuvwxyz23456789", min_size=8, max_size=12).map(
    lambda letters: letters + "9")


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(_PLACES), _PASSWORDS), max_size=4,
                unique_by=lambda placed: placed[1]))
def test_the_report_counts_each_secret_once_wherever_it_sits(placed):
    """`readers.load` counts what `redact_shown` and the markdown door mask: each secret once."""
    lines = [place.format(url=f"https://bot:{pw}@example.org/x", rest=f"bot:{pw}@example.org/x",
                          token="hf_" + (pw * 4)[:34]) for place, pw in placed]
    with tempfile.TemporaryDirectory() as folder:
        path = "message_board/20260709-101500_kestrel_links.md"
        (Path(folder) / "message_board").mkdir()
        (Path(folder) / path).write_text(
            "---\nagent: kestrel\ntype: status-update\ntimestamp: 2026-07-09 10:15 UTC\n---\n\n"
            + "\n\n".join(lines) + "\n")
        kind = next(kind for kind in INPUT_KINDS if kind.load == "start")
        loaded = load(Bucket(Path(folder), (path,)), kind, path, Config().limits, {})
    assert loaded.file is not None and loaded.file.masked == len(placed)
