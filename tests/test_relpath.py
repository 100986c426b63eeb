from pathlib import PurePosixPath

from hypothesis import example, given, strategies as st

from builder.relpath import parts_inside

segments = st.one_of(st.sampled_from(["", ".", "..", "a", "b.md", "...", ".hidden", " ", "a b"]),
                     st.text(alphabet=st.characters(blacklist_characters="/"), max_size=4))


@given(st.builds("/".join, st.lists(segments, max_size=5)))
@example("/etc/passwd")
@example("//a")
@example("a/../b")
@example("./")
@example("messages/x/index.html")
def test_a_path_is_inside_exactly_when_pathlib_says_so(path):
    pure = PurePosixPath(path)
    outside = pure.is_absolute() or ".." in pure.parts or not pure.parts
    assert parts_inside(path) == (None if outside else list(pure.parts))
