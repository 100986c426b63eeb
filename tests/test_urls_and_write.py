import os

import pytest

from builder.slugs import slugify
from builder.urls import Urls, bucket_web_url, web_link
from builder.write import manifest_bytes, write_site


def test_hostile_ids_become_safe_distinct_segments():
    hostile = ["../../etc/passwd", "<script>", "a b", "A", "a"]
    slugs = [slugify(x) for x in hostile]
    assert all("/" not in s and "<" not in s and " " not in s and not s.startswith(".") for s in slugs)
    assert len(set(slugs)) == len(slugs)
    assert slugify("orbit-7") == "orbit-7"
    assert slugify("16a34bab-add2-43b4-a970-3c8cafafee09") == "16a34bab-add2-43b4-a970-3c8cafafee09"


@pytest.mark.parametrize("victim", ["Bob", "a b", "café", "../x"])
def test_an_agent_named_like_another_agents_slug_gets_a_page_of_its_own(victim):
    urls = Urls()
    impostor = urls.agent(victim).split("/")[-2]       # the victim's slug, as a name
    assert urls.agent(impostor) != urls.agent(victim)
    assert urls.agent_feed(impostor) != urls.agent_feed(victim)


@pytest.mark.parametrize("name", ["index.html", "page"])
def test_a_result_agent_or_trace_named_like_a_file_of_its_section_gets_a_folder_of_its_own(name):
    urls = Urls()
    for listing, page in ((urls.results(), urls.result(name)), (urls.agents(), urls.agent(name)),
                          (urls.traces(), urls.trace(name, name))):
        listed_in = urls.file_for(listing)                     # results/index.html
        folder = listed_in.removesuffix("index.html")
        assert not urls.file_for(page).startswith((listed_in + "/", folder + "page/"))


def test_a_trace_never_takes_the_place_of_a_page_of_the_traces_index():
    urls = Urls()
    assert urls.trace("page", "2") != urls.traces(2)
    assert urls.file_for(urls.trace("page", "2")) != urls.file_for(urls.traces(2))


def test_urls_and_their_files():
    urls = Urls(base="/collab/", bucket_web="https://huggingface.co/buckets/o/b")
    assert urls.home() == "/collab/"
    assert urls.message("20260613-230441-229_verifier") == "/collab/messages/20260613-230441-229_verifier/"
    assert urls.messages(3) == "/collab/messages/page/3/"
    assert urls.file_for(urls.messages(3)) == "messages/page/3/index.html"
    assert urls.file_for(urls.home()) == "index.html"
    assert urls.file_for(urls.file("leaderboard.json")) == "leaderboard.json"
    assert urls.bucket_file("artifacts/a b.txt") == "https://huggingface.co/buckets/o/b/resolve/artifacts/a%20b.txt"
    assert Urls().bucket_file("x") is None


def test_bucket_web_url_from_hf_location():
    assert bucket_web_url("hf://buckets/org/name", "") == "https://huggingface.co/buckets/org/name"
    assert bucket_web_url("examples/demo", "") == ""
    assert bucket_web_url("x", "https://h/b/") == "https://h/b"


def test_write_skips_unchanged_prunes_stale_and_keeps_inodes(tmp_path):
    out = tmp_path / "site"
    first = write_site(out, {"index.html": b"one", "a/index.html": b"a", "stale.txt": b"s"})
    assert sorted(first.written) == ["a/index.html", "index.html", "stale.txt"]
    inode = (out / "a/index.html").stat().st_ino
    second = write_site(out, {"index.html": b"two", "a/index.html": b"a"})
    assert second.written == ("index.html",) and second.unchanged == 1
    assert second.removed == ("stale.txt",)
    assert not (out / "stale.txt").exists()
    assert (out / "a/index.html").stat().st_ino == inode
    assert (out / "index.html").read_bytes() == b"two"


def test_failed_build_leaves_the_previous_site(tmp_path):
    out = tmp_path / "site"
    write_site(out, {"index.html": b"good"})
    with pytest.raises(ValueError):
        write_site(out, {"index.html": b"new", "../escape.html": b"x"})
    assert (out / "index.html").read_bytes() == b"good"
    assert not (tmp_path / "escape.html").exists()


def test_interrupted_swap_is_repaired(tmp_path):
    out = tmp_path / "site"
    write_site(out, {"index.html": b"good"})
    os.rename(out, tmp_path / ".site.old")      # as if the process died between the renames
    write_site(out, {"index.html": b"good", "b.html": b"b"})
    assert (out / "index.html").read_bytes() == b"good"


def test_manifest_lists_hashes_and_counts():
    data = manifest_bytes({"b": "d2", "a": "d1"}, {"messages": 3, "ranked": 1})
    assert b'"counts": {\n  "messages": 3,\n  "ranked": 1\n }' in data
    assert data.index(b'"a"') < data.index(b'"b"')


@pytest.mark.parametrize("location, page", [
    ("hf://buckets/o/n", "https://huggingface.co/buckets/o/n"),
    ("hf://buckets/o/n/runs/x/", "https://huggingface.co/buckets/o/n/tree/runs/x/"),
    ("hf://buckets/o/n/a b.txt", "https://huggingface.co/buckets/o/n/tree/a%20b.txt"),
    ("hf://o/m", "https://huggingface.co/o/m"),
    ("hf://o/m@v1.0/cfg.json", "https://huggingface.co/o/m/tree/v1.0/cfg.json"),
    ("hf://datasets/o/d/data/a.csv", "https://huggingface.co/datasets/o/d/tree/main/data/a.csv"),
    ("hf://spaces/o/s@dev", "https://huggingface.co/spaces/o/s/tree/dev"),
    ("https://example.org/x", "https://example.org/x"),
    ("javascript:alert(1)", None), ("results/a.md", None),
])
def test_hf_locations_open_their_page_on_the_hub(location, page):
    """A bucket's path was linked as https://huggingface.co/buckets/o/n/runs/x/: the Hub's pages
    of the paths in a bucket or a repo are under tree/, as the bucket links of the site are."""
    assert web_link(location) == page
