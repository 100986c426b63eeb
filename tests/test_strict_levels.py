"""Two levels of what the build report names: a problem (the site does not show something of the
bucket, shows it degraded, or the operator must act) and a note (shown as written, nothing lost).
`build --strict` fails on problems only, so a collaboration with an old message whose refs name
a deleted message can run --strict in CI."""
from __future__ import annotations

import json
import tempfile
from pathlib import Path

from builder.assemble import assemble
from builder.cli import main
from builder.config import Config
from builder.model import NOTE, PROBLEM, Problem, by_level, levels_counted
from builder.readers import read_inputs
from builder.sources.local import open_local
from tests import html
from tests.conftest import REPO

DANGLING = "message_board/20260601-100000-000_kestrel.md"
HIDDEN = "message_board/.draft.md"
BAD_YAML = "message_board/20260601-110000-000_kestrel.md"

NOTES_ONLY = {
    DANGLING: "---\ntype: agent\nrefs: [20251103-101500_kestrel.md]\n---\nAnswering a lost message",
    HIDDEN: "not yet",
    "message_board/20260601-090000-000_wren.md": "---\ntype: agent\n---\nfine",
}

EVERY_KIND = {
    **NOTES_ONLY,
    BAD_YAML: "---\nrefs: [unclosed\n---\nbody",
    "message_board/20260601-120000-000_kestrel.md":
        "---\ntype: agent\n---\nmy token hf_abcdefghijklmnopqrstuvwxyzABCDEFGH ok",
    "message_board/notes.txt": "scratch",
    "results/draft.md": "---\nscore: 1.5\n---\n",
    "results/20260601-100000-000_kestrel.md": "---\nscore: 2.5\nstatus: verified-run\n---\n",
    "results/20260601-110000-000_kestrel.md": "---\nmethod: m\n---\n",
    "LEADERBOARD.md": "| Agent | Score |\n|---|---|\n| kestrel | 1.0 |\n|  | 2.0 |\n| wren | fast |\n"
                      "| baseline |  |\n| quasar | ![](badge.svg) |\n",
    "traces/kestrel/s1/manifest.md": "---\nharness: codex\nagent: kestrel\n---\nnotes\n",
}


def write_bucket(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


def levels_found(files: dict[str, str]) -> dict[tuple[str, str], str]:
    """(path, the reason's first words) -> level, of what reading and assembling found."""
    with tempfile.TemporaryDirectory() as tmp:
        config = Config()
        collab = assemble(read_inputs(open_local(write_bucket(Path(tmp), files)), config), config)
    return {(p.path, " ".join(p.reason.split()[:3])): p.level for p in collab.problems}


def test_each_finding_has_the_level_of_what_it_costs_the_site():
    assert levels_found(EVERY_KIND) == {
        # shown as written, nothing lost, nothing for the operator to do
        (DANGLING, "refs 20251103-101500_kestrel: no"): NOTE,
        (HIDDEN, "ignored: a hidden"): NOTE,                     # hidden by its author
        ("results/draft.md", "no agent in"): NOTE,               # no name to lose
        ("LEADERBOARD.md", "row 2: no"): NOTE,
        ("LEADERBOARD.md", "row 4 (baseline):"): NOTE,          # a score cell left empty
        ("traces/kestrel/s1/manifest.md", "manifest has no"): NOTE,   # its folder names it
        # not shown, shown degraded, or the operator must act
        (BAD_YAML, "bad YAML frontmatter:"): PROBLEM,
        ("message_board/20260601-120000-000_kestrel.md", "1 secret(s) masked"): PROBLEM,
        ("message_board/notes.txt", "ignored: not a"): PROBLEM,
        ("results/20260601-100000-000_kestrel.md", "unknown status 'verified-run';"): PROBLEM,
        ("results/20260601-110000-000_kestrel.md", "no score value"): PROBLEM,  # a wrong [metric] field looks alike
        ("LEADERBOARD.md", "row 3 (wren):"): PROBLEM,
        ("LEADERBOARD.md", "row 5 (quasar):"): PROBLEM,         # an image the table does not show
    }


def test_a_finding_is_a_problem_unless_it_is_made_a_note():
    """Nothing is waved through by omission: a Problem made without a level fails --strict."""
    assert Problem("a.md", "bad").level == PROBLEM and not Problem("a.md", "bad").is_note
    assert Problem("a.md", "fine", NOTE).is_note


def test_problems_come_before_notes_and_both_are_counted():
    found = (Problem("a.md", "x", NOTE), Problem("b.md", "y"), Problem("c.md", "z", NOTE))
    assert [p.path for p in by_level(found)] == ["b.md", "a.md", "c.md"]
    assert levels_counted(found) == "1 problem(s), 2 note(s)"
    assert levels_counted(()) == "0 problem(s), 0 note(s)"


def build_args(bucket: Path, out: Path) -> list[str]:
    return ["build", "--config", str(REPO / "collab.toml"), "--source", str(bucket),
            "--out", str(out)]


def test_strict_passes_with_notes_only_and_fails_on_one_problem(tmp_path, capsys):
    bucket = write_bucket(tmp_path / "bucket", NOTES_ONLY)
    args = build_args(bucket, tmp_path / "site") + ["--strict"]
    assert main(args) == 0
    printed = capsys.readouterr().out.splitlines()
    assert [line.split(": ")[0] for line in printed if line.startswith(("note:", "problem:"))] \
        == ["note", "note"]
    assert printed[-1].endswith("; 0 problem(s), 2 note(s)")
    write_bucket(bucket, {BAD_YAML: EVERY_KIND[BAD_YAML]})
    assert main(args) == 1
    captured = capsys.readouterr()
    printed = [line for line in captured.out.splitlines() if line.startswith(("note:", "problem:"))]
    assert printed[0].startswith(f"problem: {BAD_YAML}: bad YAML")       # problems first
    assert [line.split(": ")[0] for line in printed[1:]] == ["note", "note"]
    assert captured.out.splitlines()[-1].endswith("; 1 problem(s), 2 note(s)")
    assert captured.err.splitlines() == ["--strict: 1 problem(s) in the input"]


def test_the_build_report_lists_problems_then_notes_with_their_counts(tmp_path):
    bucket = write_bucket(tmp_path / "bucket", {**NOTES_ONLY, BAD_YAML: EVERY_KIND[BAD_YAML]})
    assert main(build_args(bucket, tmp_path / "site")) == 0
    report = html.soup(tmp_path / "site" / "build" / "index.html")
    headings = [html.text_of(h) for h in report.select("main h2")]
    assert headings == ["Input files skipped or degraded (1 file, 1 problem)",
                        "Notes: nothing lost (2 files, 2 notes)"]
    assert [html.text_of(code) for code in report.select("table.problems code")] == [BAD_YAML]
    assert [html.text_of(code) for code in report.select("table.notes code")] == [HIDDEN, DANGLING]
    assert "--strict does not fail on them" in html.text_of(report.select_one("main"))


def test_a_rebuild_with_nothing_changed_keeps_each_finding_at_its_level(tmp_path, capsys):
    """An unchanged rebuild reads what it reports from the manifest: notes stay notes there."""
    bucket = write_bucket(tmp_path / "bucket", NOTES_ONLY)
    out = tmp_path / "site"
    assert main(build_args(bucket, out)) == 0
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert (manifest["problems"], [path for path, _ in manifest["notes"]]) == ([], [HIDDEN, DANGLING])
    capsys.readouterr()
    assert main(build_args(bucket, out) + ["--strict"]) == 0          # unchanged: notes only
    assert capsys.readouterr().out.startswith("nothing changed since the last build")
    write_bucket(bucket, {BAD_YAML: EVERY_KIND[BAD_YAML]})
    assert main(build_args(bucket, out)) == 0
    capsys.readouterr()
    assert main(build_args(bucket, out) + ["--strict"]) == 1          # unchanged: one problem
    err = capsys.readouterr().err.splitlines()
    assert [line.split(": ")[:2] for line in err] == [["problem", BAD_YAML],
                                                      ["--strict", "1 problem(s) in the input"]]
