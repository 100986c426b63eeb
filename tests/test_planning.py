from builder.pages.spec import Deferred, PageSpec
from builder.planning import planned_ahead


def batches_of(kinds: str, pulled: list[int]):
    """A batch per letter: "p" two planned pages, "d" two pages known by their fingerprint."""
    for n, kind in enumerate(kinds):
        pulled.append(n)
        if kind == "p":
            yield [PageSpec(f"/p{n}/a/"), PageSpec(f"/p{n}/b/")]
        else:
            yield [Deferred(f"/d{n}/a/", "fp", lambda: PageSpec("/")),
                   Deferred(f"/d{n}/b/", "fp", lambda: PageSpec("/"))]


def test_while_the_output_folder_is_restored_the_next_batches_are_planned_at_once():
    pulled: list[int] = []
    ahead = planned_ahead(batches_of("dddd", pulled), busy=lambda: True, most=3)
    first = next(ahead)
    assert pulled == [0, 1, 2, 3] and first[0].url == "/d0/a/"
    assert [b[0].url for b in ahead] == ["/d1/a/", "/d2/a/", "/d3/a/"]


def test_planning_ahead_holds_a_bounded_number_of_planned_pages():
    pulled: list[int] = []
    ahead = planned_ahead(batches_of("dpdppd", pulled), busy=lambda: True, most=3)
    next(ahead)
    assert pulled == [0, 1, 2, 3]                   # the fourth batch brings 4 planned pages
    assert len(list(ahead)) == 5 and pulled == [0, 1, 2, 3, 4, 5]


def test_once_the_output_folder_is_ready_batches_are_planned_as_they_are_emitted():
    pulled: list[int] = []
    ahead = planned_ahead(batches_of("ppp", pulled), busy=lambda: False)
    next(ahead)
    assert pulled == [0]
