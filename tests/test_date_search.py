"""The last-resort date search (htmldate) over pages no source of ours dates."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest
from htmldate import extractors as htmldate_extractors

from dateline.transforms.html.metadata import date_search


def _search(*pages: str) -> dict[int, date]:
    frame = pl.DataFrame(
        {"doc_id": range(len(pages)), "html": list(pages), "url": [None] * len(pages)},
        schema={"doc_id": pl.Int64, "html": pl.String, "url": pl.String},
    )
    return dict(date_search.search_published_dates(frame).iter_rows())


FREE_TEXT_DATE = (
    "<html><body><div><p>Some words about the town council and its plans for the park.</p>"
    "<p>The meeting was held on March 12, 2021 and lasted long.</p></div></body></html>"
)


def test_a_date_only_in_the_free_text_is_found_by_the_extensive_search(monkeypatch):
    assert _search(FREE_TEXT_DATE, "<html><body><p>No date here.</p></body></html>") == {
        0: date(2021, 3, 12)
    }
    monkeypatch.setattr(date_search, "EXTENSIVE_SEARCH", False)
    assert _search(FREE_TEXT_DATE) == {}


def test_dates_in_scripts_and_styles_are_not_read():
    page = (
        "<html><head><style>.a{}</style></head><body><p>Words and more words.</p>"
        '<script>var built = "March 12, 2021";</script></body></html>'
    )
    assert "2021" not in date_search._free_text_markup(page)
    assert _search(page) == {}


def test_htmldate_keeps_its_own_dateparser_for_other_callers():
    before = htmldate_extractors.get_external_parser
    _search(FREE_TEXT_DATE)
    assert htmldate_extractors.get_external_parser is before


def test_the_dateparser_stand_in_is_restored_after_an_error(monkeypatch):
    before = htmldate_extractors.get_external_parser

    def broken(_html, *, extensive_search, **_kwargs):
        if extensive_search:  # inside the swap: htmldate sees the stand-in, then fails
            assert htmldate_extractors.get_external_parser is not before
            raise ValueError("no tree")
        return None

    monkeypatch.setattr(date_search, "find_date", broken)
    assert _search(FREE_TEXT_DATE) == {}
    assert htmldate_extractors.get_external_parser is before


@pytest.mark.parametrize("page", ["", "<html></html>", "\x00\x01 not markup"])
def test_pages_htmldate_cannot_read_give_no_date(page):
    assert _search(page) == {}


def test_a_copyright_year_alone_is_no_publication_date():
    page = (
        "<html><body><p>Words about the park and the council.</p>"
        "<footer><p>Copyright 2019 The Town Paper. All rights reserved.</p></footer>"
        "</body></html>"
    )
    assert _search(page) == {}


@pytest.mark.parametrize(
    ("script", "expected"),
    [
        # A data layer's or a page state's publication key, first in the page.
        ("dataLayer = [{'pageType': 'article', 'datePublish': '2022-05-04'}];", date(2022, 5, 4)),
        ('window.state = {"publicationDate":"2023-11-08T16:43:30-06:00"};', date(2023, 11, 8)),
        (
            'var page = {"published": "2020-01-19T12:25:36Z", "modified": "2020-02-01"};',
            date(2020, 1, 19),
        ),
        # Without one, a bare quoted "date" key.
        ("dataLayer = [{ 'author' : 'Ana Gil', 'date' : '2023-10-31' }];", date(2023, 10, 31)),
        # Keys that merely contain the word, and values that are no date, are not read.
        ('var p = {"isPublished": "2021-03-01", "publishDateLabel": "2021-03-02"};', None),
        ('var p = {"publishDate": "20210301"};', None),
    ],
)
def test_a_date_an_inline_script_states(script, expected):
    page = f"<html><head><script>{script}</script></head><body><p>No date here.</p></body></html>"
    assert _search(page) == ({0: expected} if expected else {})


def test_a_publication_key_beats_an_earlier_bare_date_key():
    page = (
        "<html><head><script>var a = {'date': '2019-01-01'};</script>"
        "<script>var b = {'publishDate': '2022-05-04'};</script></head><body></body></html>"
    )
    assert _search(page) == {0: date(2022, 5, 4)}


def test_json_ld_scripts_are_not_searched_here():
    page = (
        '<html><head><script type="application/ld+json">{"datePublished": "2022-05-04"}</script>'
        "</head><body><p>No date here.</p></body></html>"
    )
    assert date_search._script_date(page) is None


@pytest.mark.parametrize(
    "script",
    [
        "dataLayer = [{'pageType': 'article', 'datePublish': '2022-05-04'}];",
        'window.state = {"publicationDate":"2023-11-08T16:43:30-06:00"};',
        'var page = {"published": "2020-01-19T12:25:36Z", "modified": "2020-02-01"};',
        "dataLayer = [{ 'author' : 'Ana Gil', 'date' : '2023-10-31' }];",
    ],
)
def test_the_script_screen_keeps_every_script_a_date_pattern_matches(script):
    assert date_search.SCRIPT_PUBLISHED_DATE.search(script) or date_search.SCRIPT_BARE_DATE.search(
        script
    )
    assert date_search.SCRIPT_DATE_VALUE.search(script)
