"""ao3/links.py: which fill URLs are AO3 works or series, and the path fetched for each. Pure and fast."""

from __future__ import annotations

import pytest

from ao3.links import AO3Link, recognise


@pytest.mark.parametrize(
    ("url", "kind", "number"),
    [
        ("https://archiveofourown.org/works/123", "work", 123),
        ("http://archiveofourown.org/works/123", "work", 123),
        ("https://www.archiveofourown.org/works/123/chapters/456", "work", 123),
        ("https://archiveofourown.org/collections/summer_fest/works/77", "work", 77),
        ("https://archiveofourown.org/works/123?view_full_work=true#comments", "work", 123),
        ("https://archiveofourown.com/works/9", "work", 9),
        ("https://archive.transformativeworks.org/works/9/", "work", 9),
        ("https://ao3.org/works/9", "work", 9),
        ("https://archiveofourown.org/series/42", "series", 42),
        # Every host and path form AO3 itself uses.
        ("https://archiveofourown.net/works/5", "work", 5),
        ("https://www.archiveofourown.net/works/5", "work", 5),
        ("https://archiveofourown.gay/works/5", "work", 5),
        ("https://secure.archiveofourown.org/works/5", "work", 5),
        ("http://insecure.archiveofourown.org/works/5", "work", 5),
        ("https://archiveofourown.org:443/works/5", "work", 5),
        ("http://archiveofourown.org:80/works/5", "work", 5),
        ("https://archiveofourown.org/works/5/navigate", "work", 5),
        ("https://archiveofourown.org/works/5/bookmarks", "work", 5),
        ("https://archiveofourown.org/works/5/kudos", "work", 5),
        ("https://archiveofourown.org/%77orks/5", "work", 5),
        ("https://archiveofourown.org/works/%35", "work", 5),
        ("https://archiveofourown.org/chapters/987", "chapter", 987),
        ("https://archiveofourown.org/collections/yuletide2025/works/5", "work", 5),
    ],
)
def test_ao3_links_are_recognised(url: str, kind: str, number: int) -> None:
    link = recognise(url)
    assert link is not None and (link.kind, link.id) == (kind, number)


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/works/123",
        "https://archiveofourown.org/users/someone",
        "https://archiveofourown.org/works/abc",
        "https://archiveofourown.org.evil.example/works/1",
        "https://fakearchiveofourown.org/works/1",
        # Pages on the archive that are not works.
        "https://archiveofourown.org/tags/Fluff/works",
        "https://archiveofourown.org/works?tag_id=Fluff",
        "https://archiveofourown.org/works/new",
        "https://archiveofourown.org/works/search?work_search%5Bquery%5D=x",
        "https://archiveofourown.org/users/someone/works",
        "https://archiveofourown.org/works/5/comments",
        # Hostile or broken forms.
        "https://archiveofourown.org:8443/works/5",
        "https://someone@archiveofourown.org/works/5",
        "http://[oops/works/5",
        "ftp://archiveofourown.org/works/5",
        "https://archiveofourown.org/works/5/../../users/x",
    ],
)
def test_other_links_are_not(url: str) -> None:
    assert recognise(url) is None


def test_the_path_fetched_skips_the_adult_notice_for_works_only() -> None:
    assert AO3Link("work", 5).path() == "/works/5?view_adult=true"
    assert AO3Link("series", 5).path() == "/series/5"
    assert AO3Link("chapter", 5).path() == "/chapters/5?view_adult=true"


@pytest.mark.parametrize("url", ["  https://archiveofourown.org/works/8  ", "HTTPS://ArchiveOfOurOwn.org/WORKS/8"])
def test_surrounding_spaces_and_letter_case_do_not_matter(url: str) -> None:
    assert recognise(url) == AO3Link("work", 8)
