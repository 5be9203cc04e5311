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
    ],
)
def test_other_links_are_not(url: str) -> None:
    assert recognise(url) is None


def test_the_path_fetched_skips_the_adult_notice_for_works_only() -> None:
    assert AO3Link("work", 5).path() == "/works/5?view_adult=true"
    assert AO3Link("series", 5).path() == "/series/5"


@pytest.mark.parametrize("url", ["  https://archiveofourown.org/works/8  ", "HTTPS://ArchiveOfOurOwn.org/WORKS/8"])
def test_surrounding_spaces_and_letter_case_do_not_matter(url: str) -> None:
    assert recognise(url) == AO3Link("work", 8)
