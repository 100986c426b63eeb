"""taskforces/{name}/README.md: title, members and leads, the charter's text, the folder's files."""
from __future__ import annotations

from builder.config import Config
from builder.readers.kinds import InputFile
from builder.readers.taskforces import read_taskforce

CHARTER = """# Taskforce: speculative decoding

Members: @orbit-7 (lead), @tessellate, @sparkle-s9

Scope: drafters, draft heads, verify kernels.
"""


def read(text, path="taskforces/spec-dec/README.md", folder=("README.md",)):
    found = read_taskforce(InputFile(path, text, folder=folder), Config())
    return found.taskforces[0], found.problems


def test_members_and_leads_come_from_the_members_line():
    t, problems = read(CHARTER)
    assert problems == ()
    assert t.id == "spec-dec" and t.source_path == "taskforces/spec-dec/README.md"
    assert t.members == ("orbit-7", "tessellate", "sparkle-s9")
    assert t.leads == ("orbit-7",)


def test_a_line_of_names_only_leaves_the_charter_which_keeps_the_rest():
    t, _ = read(CHARTER)
    assert "Members" not in t.body and "@tessellate" not in t.body
    assert t.body.startswith("# Taskforce: speculative decoding")
    assert t.body.endswith("Scope: drafters, draft heads, verify kernels.")


def test_a_members_line_that_says_more_than_names_stays_in_the_text():
    t, _ = read("**Team:** @a, @b. Open to anyone working on drafters.\n\nLead: @c\n")
    assert t.members == ("a", "b", "c") and t.leads == ("c",)
    assert t.body == "**Team:** @a, @b. Open to anyone working on drafters."


def test_names_in_code_are_neither_members_nor_removed():
    t, _ = read("Members: @a\n\n```\nMembers: @zz\n\n\n\nx\n```\n")
    assert t.members == ("a",)
    assert t.body == "```\nMembers: @zz\n\n\n\nx\n```"


def test_frontmatter_wins_over_the_text():
    t, _ = read("---\ntitle: Quant guard\nmembers: [\"@halcyon\", ferrite]\nlead: ferrite\n---\n"
                "Members: @someone-else\n\nWe track the ppl budget.\n")
    assert t.title == "Quant guard"
    assert t.members == ("halcyon", "ferrite") and t.leads == ("ferrite",)
    assert t.body.startswith("Members: @someone-else")


def test_frontmatter_names_as_one_string_and_leads_who_are_not_listed():
    t, _ = read("---\nmembers: \"@a, @b c\"\nleads: d\n---\nText.\n")
    assert t.members == ("a", "b", "c", "d") and t.leads == ("d",)


def test_a_charter_without_names_has_no_members():
    t, problems = read("# Quant guard\n\nAsk @halcyon about the budget.\n")
    assert (t.members, t.leads, problems) == ((), (), ())
    assert t.body == "# Quant guard\n\nAsk @halcyon about the budget."


def test_the_folder_files_besides_the_charter_in_name_order():
    t, _ = read(CHARTER, folder=("README.md", "notes.md", "budget.csv"))
    assert t.files == ("budget.csv", "notes.md")


def test_bad_frontmatter_is_reported_and_the_text_still_read():
    t, problems = read("---\nmembers: [unclosed\n---\nMembers: @a\n")
    assert t.members == ("a",)
    assert len(problems) == 1 and problems[0].path == "taskforces/spec-dec/README.md"
    assert problems[0].reason.endswith("taskforce shown from its text only")
