"""Structured metadata of HTML pages: sources, repairs and precedence (transforms/html/metadata)."""

from __future__ import annotations

import gzip
import json
from datetime import UTC, date, datetime

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from selectolax.lexbor import LexborHTMLParser

from dateline.transforms.html.metadata.page import extract_metadata
from dateline.transforms.html.metadata.precedence import METADATA_SCHEMA, metadata_frame
from dateline.transforms.html.metadata.structured import parse_json_ld
from tests.conftest import corpus_or_skip, examples


def page(head: str = "", body: str = "", lang: str = "en") -> str:
    return f'<html lang="{lang}"><head>{head}</head><body>{body}</body></html>'


def ld(obj: object) -> str:
    return f'<script type="application/ld+json">{json.dumps(obj)}</script>'


def meta(key: str, content: str, attribute: str = "property") -> str:
    return f'<meta {attribute}="{key}" content="{content}">'


def row(html: str) -> dict:
    """The metadata row of one page."""
    frame = metadata_frame([extract_metadata(LexborHTMLParser(html))], [7])
    assert frame.height == 1
    return frame.row(0, named=True)


ARTICLE = {
    "@context": "https://schema.org",
    "@type": "NewsArticle",
    "headline": "Ld headline",
    "datePublished": "2024-05-03T17:47:00+02:00",
    "author": {"@type": "Person", "name": "Ana Gil"},
}


@pytest.mark.parametrize(
    ("html", "field", "expected"),
    [
        # JSON-LD beats og:title, which beats <title>.
        (
            page(ld(ARTICLE) + meta("og:title", "Og title") + "<title>Tag title</title>"),
            "meta_title",
            "Ld headline",
        ),
        (page(meta("og:title", "Og title") + "<title>Tag title</title>"), "meta_title", "Og title"),
        (page("<title>Tag title</title>", "<h1>Visible</h1>"), "meta_title", "Tag title"),
        (page("", "<h1>Visible headline</h1>"), "meta_title", "Visible headline"),
        # Site names are cut from titles, with trailing dates and one-word labels.
        (
            page(
                meta("og:title", "Big news | Daily Planet") + meta("og:site_name", "Daily Planet")
            ),
            "meta_title",
            "Big news",
        ),
        (
            page(
                meta("og:title", "Big news – DW – 28.04.2023")
                + '<link rel="canonical" href="https://www.dw.com/de/x/a-1">'
            ),
            "meta_title",
            "Big news",
        ),
        (
            page(meta("og:title", "Brand in Lichterfelde – Starke Rauchentwicklung")),
            "meta_title",
            "Brand in Lichterfelde – Starke Rauchentwicklung",
        ),
        # HTML entities inside JSON-LD strings are decoded.
        (page(ld({**ARTICLE, "headline": "Caf&eacute; &quot;X&quot;"})), "meta_title", 'Café "X"'),
        # Microdata.
        (
            page("", '<div itemscope><h2 itemprop="headline">Micro headline</h2></div>'),
            "meta_title",
            "Micro headline",
        ),
        (page(meta("article:section", "Sport")), "meta_section", "Sport"),
        (page(ld({**ARTICLE, "articleSection": "Politik"})), "meta_section", "Politik"),
        (page(meta("og:site_name", "Daily Planet")), "meta_outlet", "Daily Planet"),
        (
            page(ld({**ARTICLE, "publisher": {"@type": "Organization", "name": "Planet"}})),
            "meta_outlet",
            "Planet",
        ),
        (page(meta("description", "Short", "name")), "meta_description", "Short"),
        (page("", "", lang="de-AT"), "meta_language", "de"),
        (page(meta("og:locale", "fr_FR"), "", lang=""), "meta_language", "fr"),
        # The canonical link beats og:url; relative URLs become absolute.
        (
            page('<link rel="canonical" href="/a/b">' + meta("og:url", "https://x.org/a/b?utm=1")),
            "meta_url",
            "https://x.org/a/b",
        ),
        (page('<link rel="canonical" href="//x.org/c">'), "meta_url", "https://x.org/c"),
    ],
)
def test_scalar_fields_and_precedence(html: str, field: str, expected: str) -> None:
    assert row(html)[field] == expected


@pytest.mark.parametrize(
    ("html", "names", "kinds"),
    [
        (page(ld(ARTICLE)), ["Ana Gil"], ["person"]),
        # A list of objects, a nested name list, a plain string.
        (
            page(
                ld(
                    {
                        **ARTICLE,
                        "author": [
                            {"@type": "Person", "name": "Ana Gil"},
                            {"@type": "Organization", "name": ["dpa"]},
                        ],
                    }
                )
            ),
            ["Ana Gil", "dpa"],
            ["person", "organization"],
        ),
        (page(ld({**ARTICLE, "author": "Luis Paz"})), ["Luis Paz"], [None]),
        # Lists inside one string are split like a byline.
        (
            page(ld({**ARTICLE, "author": "Felix Schröder und Jörg Soldwisch, dpa"})),
            ["Felix Schröder", "Jörg Soldwisch", "dpa"],
            [None, None, None],
        ),
        # @id references into @graph are resolved.
        (
            page(
                ld(
                    {
                        "@graph": [
                            {**ARTICLE, "author": {"@id": "#p1"}},
                            {"@id": "#p1", "@type": "Person", "name": "Eva Ruiz"},
                        ]
                    }
                )
            ),
            ["Eva Ruiz"],
            ["person"],
        ),
        # article:author URLs are skipped; name=author is read.
        (
            page(
                meta("article:author", "https://x.org/ana") + meta("author", "By Jane Doe", "name")
            ),
            ["Jane Doe"],
            [None],
        ),
        # Initials in brackets and e-mail addresses go.
        (page(ld({**ARTICLE, "author": "Elena Ober (obe)"})), ["Elena Ober"], [None]),
        (page(meta("author", "a.b@example.org", "name")), None, None),
        # A publishing system's placeholder is nobody: the next source names the author.
        (
            page(ld({**ARTICLE, "author": "admin"}) + meta("author", "Kim Lee", "name")),
            ["Kim Lee"],
            [None],
        ),
        (page(meta("author", "No Author", "name")), None, None),
        # A slug in JSON-LD falls back to the meta name.
        (
            page(ld({**ARTICLE, "author": "chuck-ross"}) + meta("author", "Chuck Ross", "name")),
            ["Chuck Ross"],
            [None],
        ),
        # The site's own name counts only when no source names anyone else.
        (
            page(
                ld({**ARTICLE, "author": {"@type": "Organization", "name": "Planet"}})
                + meta("og:site_name", "Planet")
                + meta("author", "Kim Lee", "name")
            ),
            ["Kim Lee"],
            [None],
        ),
        (
            page(
                ld({**ARTICLE, "author": {"@type": "Organization", "name": "Planet"}})
                + meta("og:site_name", "Planet")
            ),
            ["Planet"],
            ["organization"],
        ),
        (page("", '<a rel="author" href="/u/1">Mo Chen</a>'), ["Mo Chen"], [None]),
        # The first byline's author links: co-authors beside it, not the authors of the
        # stories listed further down, nor a teaser's.
        (
            page(
                "",
                '<article><p class="byline">Von <a rel="author" href="/u/1">Mo Chen</a> und '
                '<a rel="author" href="/u/2">Kim Lee</a></p><p>'
                + "A long paragraph of the story itself. "
                * 5
                + '</p></article><section><h2>Mehr Artikel</h2><div><a href="/s/2">Another '
                'story of the day</a> <a rel="author" href="/u/3">Eva Roth</a></div></section>'
                '<div class="related"><a rel="author" href="/u/4">Tea Ser</a></div>',
            ),
            ["Mo Chen", "Kim Lee"],
            [None, None],
        ),
        # An author box's link to the author's other posts names nobody...
        (
            page(
                "",
                '<a rel="author" href="/u/1">Mo Chen</a> <a rel="author" href="/u/1">Alle Beiträge</a>',
            ),
            ["Mo Chen"],
            [None],
        ),
        # ...nor does a byline's prefix without its name.
        (
            page(
                "",
                '<a rel="author" href="/u/1">Artikel von</a> <a rel="author" href="/u/1">Mo Chen</a>',
            ),
            ["Mo Chen"],
            [None],
        ),
        (page(meta("author", "Auteur", "name")), None, None),
        # A job title before a full name goes; a job title alone beside a name is no name.
        (
            page(meta("author", "Von Online-Experte Robin Tschöpe", "name")),
            ["Robin Tschöpe"],
            [None],
        ),
        (page(meta("author", "Evan Halper, Staff Writer", "name")), ["Evan Halper"], [None]),
        # A name printed twice in its link (for screens and for readers) counts once.
        (page("", '<a rel="author" href="/u/1">Mo Chen Mo Chen</a>'), ["Mo Chen"], [None]),
        # "Site - Person" in one declared name: the site's segment is a label...
        (
            page(meta("og:site_name", "Planet") + meta("author", "Planet - Kim Lee", "name")),
            ["Kim Lee"],
            [None],
        ),
        # A misfilled og:site_name "Headline | Site" names the site at its end.
        (
            page(
                meta("og:site_name", "Calm in a crisis | Die Planet")
                + meta("author", "Die Planet", "name"),
                '<a rel="author" href="/u/2">Kim Lee</a>',
            ),
            ["Kim Lee"],
            [None],
        ),
        # A separator between two persons is no site label.
        (
            page(meta("og:site_name", "Planet") + meta("author", "Kim Lee - Mo Chen", "name")),
            ["Kim Lee - Mo Chen"],
            [None],
        ),
        # A leading article is no part of the site's name ("Die Planet" of planet.com).
        (
            page(
                '<link rel="canonical" href="https://www.planet.com/a/1">'
                + meta("author", "Die Planet", "name"),
                '<a rel="author" href="/u/2">Kim Lee</a>',
            ),
            ["Kim Lee"],
            [None],
        ),
    ],
)
def test_authors(html: str, names: list[str] | None, kinds: list[str | None] | None) -> None:
    result = row(html)
    assert result["meta_authors"] == names
    assert result["meta_author_kinds"] == kinds


@pytest.mark.parametrize(
    ("html", "published_at", "published_date"),
    [
        # The stated offset is kept: the date is the local one, the instant is UTC.
        (
            page(ld({**ARTICLE, "datePublished": "2024-05-03T00:30:00+02:00"})),
            datetime(2024, 5, 2, 22, 30, tzinfo=UTC),
            date(2024, 5, 3),
        ),
        (
            page(meta("article:published_time", "2024-05-03T17:47:42.389Z")),
            datetime(2024, 5, 3, 17, 47, 42, 389000, tzinfo=UTC),
            date(2024, 5, 3),
        ),
        (
            page(meta("date", "Mon, 05 Aug 2024 12:47:21 GMT", "name")),
            datetime(2024, 8, 5, 12, 47, 21, tzinfo=UTC),
            date(2024, 8, 5),
        ),
        # A bare date has no instant.
        (page(ld({**ARTICLE, "datePublished": "2024-04-22"})), None, date(2024, 4, 22)),
        # JSON-LD beats meta.
        (
            page(
                ld({**ARTICLE, "datePublished": "2024-04-22"})
                + meta("article:published_time", "2024-04-22T06:00+02:00")
            ),
            None,
            date(2024, 4, 22),
        ),
        # A naive time borrows the offset of a candidate stating the same wall clock.
        (
            page(
                ld({**ARTICLE, "datePublished": "2023-04-28 18:11:01.0"})
                + meta("article:published_time", "2023-04-28T18:11:01+02:00")
            ),
            datetime(2023, 4, 28, 16, 11, 1, tzinfo=UTC),
            date(2023, 4, 28),
        ),
        # Without one it is read as UTC.
        (
            page(ld({**ARTICLE, "datePublished": "2025-01-31 11:30:00"})),
            datetime(2025, 1, 31, 11, 30, tzinfo=UTC),
            date(2025, 1, 31),
        ),
        # <time datetime> is the last resort.
        (
            page("", '<time datetime="2024-04-19T13:37:00+02:00">19.4.</time>'),
            datetime(2024, 4, 19, 11, 37, tzinfo=UTC),
            date(2024, 4, 19),
        ),
        (
            page(meta("parsely-pub-date", "1762513252000", "name")),
            datetime(2025, 11, 7, 11, 0, 52, tzinfo=UTC),
            date(2025, 11, 7),
        ),
        (page(meta("date", "not a date", "name")), None, None),
        # Meta names beyond the common ones: Dublin Core with a colon, citation dates.
        (page(meta("DC:date", "2009-09-15", "name")), None, date(2009, 9, 15)),
        (page(meta("citation_publication_date", "2020/04/07", "name")), None, date(2020, 4, 7)),
        # A year-first date in the canonical URL's path.
        (
            page('<link rel="canonical" href="https://example.org/blog/2020/01/13/a-post/">'),
            None,
            date(2020, 1, 13),
        ),
        (
            page(meta("og:url", "https://example.org/news/20220124-subsidies-for-heating")),
            None,
            date(2022, 1, 24),
        ),
        # A number that is no date, a month 13 and a date in the query are not read.
        (page('<link rel="canonical" href="https://example.org/p/20221345-x">'), None, None),
        (page('<link rel="canonical" href="https://example.org/a?d=2020/01/13/">'), None, None),
        # The URL ranks below <time datetime>.
        (
            page(
                '<link rel="canonical" href="https://example.org/2020/01/13/a/">',
                '<time datetime="2020-01-14">14.1.</time>',
            ),
            None,
            date(2020, 1, 14),
        ),
        # ... unless it is dated months after the URL's date: an update stamp.
        (
            page(
                '<link rel="canonical" href="https://example.org/2017/12/15/a/">',
                '<time datetime="2018-07-24T14:15:58-04:00">Jul 24, 2018</time>',
            ),
            None,
            date(2017, 12, 15),
        ),
        # The text of a <time> without datetime, after every other source.
        # It is read in the page language's zone.
        (
            page("", "<time>19. April 2024, 13:37</time>", "de"),
            datetime(2024, 4, 19, 11, 37, tzinfo=UTC),
            date(2024, 4, 19),
        ),
        # A numeric <time> text is read in the page's locale: day first in en-GB.
        (page("", "<time>02/10/2020</time>", "en-GB"), None, date(2020, 10, 2)),
        (page("", "<time>02/10/2020</time>", "en"), None, date(2020, 2, 10)),
        # A stamp in a list of other stories (latest posts, related) dates another story.
        (
            page(
                "",
                '<article><time>19. April 2024</time></article><div class="wp-block-latest-posts">'
                '<ul><li><time datetime="2023-05-01T10:47:10+00:00">1. Mai 2023</time></li></ul>'
                "</div>",
                "de",
            ),
            None,
            date(2024, 4, 19),
        ),
        # A stamp above the headline outside the article (the site's clock, a teaser strip)
        # yields to the first one placed in the article or after the headline.
        (
            page(
                "",
                '<div class="topbar"><time datetime="2022-05-04T08:43:31">4.5.</time></div>'
                "<h1>Headline</h1>"
                '<p class="meta"><time datetime="2022-05-03T05:45:00+02:00">3.5.</time></p>',
            ),
            datetime(2022, 5, 3, 3, 45, tzinfo=UTC),
            date(2022, 5, 3),
        ),
        (
            page(
                "",
                "<div><time>4 May 2022</time></div>"
                "<article><h2>Headline</h2><time>3 May 2022</time></article>",
                "en-GB",
            ),
            None,
            date(2022, 5, 3),
        ),
        # Without a placed stamp, the earlier one stays.
        (
            page("", '<div><time datetime="2022-05-04">4.5.</time></div><p>Text</p>'),
            None,
            date(2022, 5, 4),
        ),
        # A stamp inside a quotation dates the embedded post, not the article.
        (
            page(
                "",
                '<blockquote class="social-embed"><p>A post</p>'
                '<time datetime="2019-04-21T23:47:18+00:00">Apr 21, 2019</time></blockquote>',
            ),
            None,
            None,
        ),
    ],
)
def test_published(html: str, published_at: datetime | None, published_date: date | None) -> None:
    result = row(html)
    assert result["meta_published_at"] == published_at
    assert result["meta_published_date"] == published_date


@pytest.mark.parametrize(
    ("head", "body", "offset"),
    [
        (ld({"@type": "NewsArticle", "datePublished": "2022-11-07T00:00:00+01:00"}), "", 60),
        (ld({"@type": "NewsArticle", "datePublished": "2022-11-06T23:00:00Z"}), "", 0),
        (meta("article:published_time", "2022-11-06T18:00:00-05:00"), "", -300),
        (ld({"@type": "NewsArticle", "datePublished": "2022-11-07"}), "", None),
        # A time without zone takes its instant from another source that states the same
        # wall-clock time with an offset: the offset is that source's.
        (
            meta("article:published_time", "2024-04-19T13:37:00")
            + ld({"@type": "NewsArticle", "datePublished": "2024-04-19T13:37:00+02:00"}),
            "",
            120,
        ),
    ],
)
def test_published_offset_is_the_stated_one(head: str, body: str, offset: int | None) -> None:
    result = row(page(head, body))
    assert result["meta_published_offset_minutes"] == offset


@pytest.mark.parametrize(
    ("head", "offset", "day"),
    [
        # An instant declared in UTC takes the offset another stamp of the page states:
        # the instant stays, its calendar day is the outlet's.
        (
            meta("article:published_time", "2022-05-04T03:37:37Z")
            + meta("article:modified_time", "2022-05-04T10:00:00-04:00"),
            -240,
            date(2022, 5, 3),
        ),
        # Stamps all in UTC: nothing to learn.
        (
            meta("article:published_time", "2022-05-04T03:37:37Z")
            + meta("article:modified_time", "2022-05-04T10:00:00Z"),
            0,
            date(2022, 5, 4),
        ),
        # A stated offset is never replaced.
        (
            meta("article:published_time", "2022-05-04T03:37:37+01:00")
            + meta("article:modified_time", "2022-05-04T10:00:00-04:00"),
            60,
            date(2022, 5, 4),
        ),
    ],
)
def test_utc_instant_is_written_in_the_pages_own_offset(head: str, offset: int, day: date) -> None:
    result = row(page(head, ""))
    assert result["meta_published_at"] is not None
    assert result["meta_published_offset_minutes"] == offset
    assert result["meta_published_date"] == day


@pytest.mark.parametrize(
    ("printed", "offset", "day"),
    [
        # A stamp without zone that writes the same moment's wall clock states the offset.
        (
            '<time datetime="2023-11-08 23:30:59">November 8, 2023, 11:30 p.m.</time>',
            -360,
            date(2023, 11, 8),
        ),
        # One that writes another moment (not whole half hours away) states nothing.
        (
            '<time datetime="2023-11-08 23:12:03">November 8, 2023, 11:12 p.m.</time>',
            0,
            date(2023, 11, 9),
        ),
        # Nor does a stamp without a time of day.
        ('<time datetime="2023-11-08">November 8, 2023</time>', 0, date(2023, 11, 9)),
    ],
)
def test_utc_instant_takes_the_offset_of_a_stamp_without_zone(
    printed: str, offset: int, day: date
) -> None:
    result = row(page(meta("article:published_time", "2023-11-09T05:30:59Z"), printed))
    assert result["meta_published_offset_minutes"] == offset
    assert result["meta_published_date"] == day


@pytest.mark.parametrize(
    ("html", "tags"),
    [
        (
            page(ld({**ARTICLE, "keywords": "Boxen, Tyson Fury;Russland"})),
            ["Boxen", "Tyson Fury", "Russland"],
        ),
        (page(ld({**ARTICLE, "keywords": ["Ahrtal", "Flut", "ahrtal"]})), ["Ahrtal", "Flut"]),
        # Repeated article:tag, each one tag.
        (page(meta("article:tag", "Kajakk") + meta("article:tag", "Tur")), ["Kajakk", "Tur"]),
        (
            page(meta("keywords", "Spain,Europe,World news", "name")),
            ["Spain", "Europe", "World news"],
        ),
        # A bag of words in JSON-LD yields to a structured meta list.
        (
            page(
                ld({**ARTICLE, "keywords": "Boxen Russland Frank Warren Tyson Fury"})
                + meta("keywords", "Boxen,Tyson Fury,Frank Warren", "name")
            ),
            ["Boxen", "Tyson Fury", "Frank Warren"],
        ),
        # Ids, labelled facets, folder prefixes and the site's name are cleaned away.
        (
            page(
                ld(
                    {
                        **ARTICLE,
                        "keywords": ["100312362", "Category: News", "sections/sverige", "KI"],
                    }
                )
                + meta("og:site_name", "KI")
            ),
            ["sverige"],
        ),
        # A source made of upper-case codes is no topic list.
        (page(meta("keywords", "AER,AERO,INDG08,TPT,TRAN,MEAST", "name")), None),
        # A facet labelled as a topic keeps its value; other facets go.
        (
            page(ld({**ARTICLE, "keywords": ["Day: Friday", "Subject: Justice", "Medium"]})),
            ["Justice", "Medium"],
        ),
        # A declared list of which another repeats at most half carries CMS flags.
        (
            page(
                ld({**ARTICLE, "keywords": ["gear", "camping", "sleep", "paywall exclude", "web"]})
                + meta("keywords", "camping,sleep", "name")
            ),
            ["camping", "sleep"],
        ),
        # ... but one that repeats most of it is the same list, shortened.
        (
            page(
                ld({**ARTICLE, "keywords": ["Politika", "Domácí", "Babiš"]})
                + meta("keywords", "Politika,Babiš", "name")
            ),
            ["Politika", "Domácí", "Babiš"],
        ),
    ],
)
def test_tags(html: str, tags: list[str] | None) -> None:
    assert row(html)["meta_tags"] == tags


def test_images_cover_first_deduplicated() -> None:
    html = page(
        ld(
            {
                **ARTICLE,
                "image": [
                    {
                        "@type": "ImageObject",
                        "url": "https://x.org/1.jpg",
                        "caption": "A harbour",
                        "creditText": "AFP",
                    },
                    "https://x.org/2.jpg",
                ],
            }
        )
        + meta("og:image", "https://x.org/1.jpg")
        + meta("og:image", "https://x.org/3.jpg")
    )
    assert row(html)["meta_images"] == [
        {"url": "https://x.org/1.jpg", "caption": "A harbour", "credit": "AFP"},
        {"url": "https://x.org/2.jpg", "caption": None, "credit": None},
        {"url": "https://x.org/3.jpg", "caption": None, "credit": None},
    ]


def test_article_matching_canonical_wins() -> None:
    teaser = {**ARTICLE, "headline": "Teaser", "url": "https://x.org/other"}
    story = {**ARTICLE, "headline": "Story", "url": "https://x.org/story"}
    html = page('<link rel="canonical" href="https://x.org/story/">' + ld([teaser, story]))
    assert row(html)["meta_title"] == "Story"


def test_same_story_objects_fill_each_other() -> None:
    first = {"@type": "BlogPosting", "headline": "Story", "datePublished": "2024-01-01"}
    second = {"@type": "Article", "headline": "Story", "keywords": ["A", "B"]}
    assert row(page(ld([first, second])))["meta_tags"] == ["A", "B"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"a": 1}', [{"a": 1}]),
        ('{"a": 1}{"b": 2}', [{"a": 1}, {"b": 2}]),
        ('[{"a": 1}]', [[{"a": 1}]]),
        ('<!-- {"a": 1} -->', [{"a": 1}]),
        ('//<![CDATA[\n{"a": 1}\n//]]>', [{"a": 1}]),
        ('{"a": [1, 2,], }', [{"a": [1, 2]}]),
        ('{"a": "line\nbreak\ttab"}', [{"a": "line\nbreak\ttab"}]),
        ('{"a": "it\\\'s"}', [{"a": "it's"}]),
        ('window.data = {"a": 1};', [{"a": 1}]),
        ('{"a": ', []),
        ("", []),
        ("nonsense", []),
    ],
)
def test_parse_json_ld_repairs_or_skips(text: str, expected: list) -> None:
    assert parse_json_ld(text) == expected


def test_broken_json_ld_falls_back_to_meta() -> None:
    html = page('<script type="application/ld+json">{"@type": "NewsArticle", "headline": </script>')
    html = html.replace("<head>", "<head>" + meta("og:title", "Og title"))
    assert row(html)["meta_title"] == "Og title"


@pytest.mark.parametrize(
    ("ld_headline", "og_title", "title_tag", "expected"),
    [
        # <title> repeats the JSON-LD headline: og:title is the other, chosen one.
        ("Ld words here", "Og words here", "Ld words here | Planet", "Og words here"),
        # <title> repeats og:title: the JSON-LD headline wins.
        ("Ld words here", "Og words here", "Og words here - Planet", "Ld words here"),
        # No <title>, or one repeating neither: the fixed precedence (JSON-LD first).
        ("Ld words here", "Og words here", None, "Ld words here"),
        ("Ld words here", "Og words here", "Third words", "Ld words here"),
        # The two agree once the site name is cut.
        ("Same words", "Same words | Planet", "Other words", "Same words"),
    ],
)
def test_title_that_title_tag_does_not_repeat(
    ld_headline: str, og_title: str, title_tag: str | None, expected: str
) -> None:
    head = (
        ld({**ARTICLE, "headline": ld_headline})
        + meta("og:title", og_title)
        + meta("og:site_name", "Planet")
        + (f"<title>{title_tag}</title>" if title_tag else "")
    )
    assert row(page(head))["meta_title"] == expected


@pytest.mark.parametrize(
    ("og_title", "title_tag", "h1", "expected"),
    [
        # A social title that <title> and <h1> both contradict yields to their headline.
        (
            "US couple pack for Olympic trip",
            "Planet - Scott and Kathy Cleveland are coming to the Olympics",
            "Scott and Kathy Cleveland are coming to the Olympics",
            "Scott and Kathy Cleveland are coming to the Olympics",
        ),
        # Without an <h1> to agree with <title>, the declared title stands.
        (
            "US couple pack for Olympic trip",
            "Planet - Scott and Kathy Cleveland are coming to the Olympics",
            None,
            "US couple pack for Olympic trip",
        ),
        (
            "US couple pack for Olympic trip",
            "Planet - Scott and Kathy Cleveland are coming to the Olympics",
            "Olympics 2012",
            "US couple pack for Olympic trip",
        ),
    ],
)
def test_social_title_yields_to_the_printed_headline(
    og_title: str, title_tag: str, h1: str | None, expected: str
) -> None:
    head = (
        meta("og:title", og_title) + meta("og:site_name", "Planet") + f"<title>{title_tag}</title>"
    )
    assert row(page(head, f"<h1>{h1}</h1>" if h1 else ""))["meta_title"] == expected


@pytest.mark.parametrize(
    ("ld_headline", "og_title", "title_tag", "h1", "expected"),
    [
        # <title> repeats the JSON-LD headline and <h1> prints it: og:title, as above.
        (
            "Ld words here",
            "Og words here",
            "Ld words here | Planet",
            "Ld words here",
            "Og words here",
        ),
        # <h1> prints neither: nothing on the page repeats og:title; the headline stands.
        ("Ld words here", "Og words here", "Ld words here | Planet", "Live: more", "Ld words here"),
        # A kicker before a spaced dash goes when og:title is the headline alone...
        (
            "Minority in Syria - Druze ask for a share of power",
            "Druze ask for a share of power",
            "Druze ask for a share of power - News",
            None,
            "Druze ask for a share of power",
        ),
        # ... or the same headline behind another kicker.
        (
            "Escalation - «Restraint has a lot to do with the US»",
            "Iran attack: «Restraint has a lot to do with the US»",
            "Iran attack: «Restraint has a lot to do with the US» - News",
            None,
            "«Restraint has a lot to do with the US»",
        ),
        # A colon often belongs to the headline: it stays.
        (
            "Coach Miller: «Nothing left to lose»",
            "«Nothing left to lose»",
            "«Nothing left to lose» | Planet",
            None,
            "Coach Miller: «Nothing left to lose»",
        ),
    ],
)
def test_title_with_h1_and_kicker(
    ld_headline: str, og_title: str, title_tag: str, h1: str | None, expected: str
) -> None:
    head = (
        ld({**ARTICLE, "headline": ld_headline})
        + meta("og:title", og_title)
        + meta("og:site_name", "Planet")
        + f"<title>{title_tag}</title>"
    )
    assert row(page(head, f"<h1>{h1}</h1>" if h1 else ""))["meta_title"] == expected


TAG_BOX = '<div class="article__tags"><a href="/t/1">Energie</a><a href="/t/2">Berlin</a></div>'


@pytest.mark.parametrize(
    ("head", "body", "tags"),
    [
        # A container whose class names tags; its link texts are the tags.
        ("", f"<article><p>Text</p>{TAG_BOX}</article>", ["Energie", "Berlin"]),
        # camelCase and data attributes name containers too.
        ("", '<div data-testid="topicTags"><a>Ukraine</a><a>Putin</a></div>', ["Ukraine", "Putin"]),
        # Links hinted one by one form one list; a comma stays inside its tag.
        (
            "",
            '<ul><li><a data-track-label="tag">Grüne</a></li>'
            '<li><a data-track-label="tag">Business, Finance</a></li></ul>',
            ["Grüne", "Business, Finance"],
        ),
        # Navigation outside the article is no tag list; "instagram" holds no hint word.
        (
            "",
            '<nav><div class="tags"><a>Menu</a></div></nav><a class="icon-instagram">Insta</a>'
            + TAG_BOX,
            ["Energie", "Berlin"],
        ),
        # Long link texts (teasers) and containers of many links (menus) are skipped.
        (
            "",
            '<div class="topics">'
            + "".join(f"<a>Story {i}</a>" for i in range(40))
            + '</div><div class="tags"><a>One two three four five six seven</a></div>',
            None,
        ),
        # Declared keywords win over a printed list that does not hold them all.
        (meta("keywords", "Alpha, Beta", "name"), TAG_BOX, ["Alpha", "Beta"]),
        # A short declared list that the printed list holds, with more: the printed list.
        (meta("keywords", "Berlin", "name"), TAG_BOX, ["Energie", "Berlin"]),
        # Many declared keywords: the printed list is not even read.
        (meta("keywords", "Alpha, Beta, Gamma", "name"), TAG_BOX, ["Alpha", "Beta", "Gamma"]),
        # No class names a list: the links the markup marks as tags (rel="tag"), not the
        # blog's categories (rel="category tag") nor a tag cloud in the sidebar.
        (
            "",
            '<aside><a rel="tag" href="/t/9">Cloud</a></aside><div class="c-1a2b3c">'
            '<a rel="category tag" href="/c/1">Politik</a> <a rel="tag" href="/t/1">Energie</a>'
            ', <a rel="tag" href="/t/2">Berlin</a></div>',
            ["Energie", "Berlin"],
        ),
        # Nor rel="tag": the links to the site's pages of one tag; a site's topic pages
        # are its sections (a menu's "Alle Themen"), no tags.
        (
            "",
            '<div class="c-1a2b3c"><a href="/themen/">Alle Themen</a></div><div class="c-4d5e6f">'
            '<a href="https://www.planet.com/tag/195971-energie">Energie</a>'
            '<a href="/tag/2-berlin">Berlin</a></div>',
            ["Energie", "Berlin"],
        ),
        (
            "",
            '<div><a href="/themen/">Alle Themen</a><a href="/themen/sport">Sport</a></div>',
            None,
        ),
    ],
)
def test_printed_tags_when_none_declared(head: str, body: str, tags: list[str] | None) -> None:
    assert row(page(head, body))["meta_tags"] == tags


CANONICAL = '<link rel="canonical" href="https://www.planet.com/a/1">'


@pytest.mark.parametrize(
    ("head", "body", "authors"),
    [
        # No author metadata: the printed byline, prefix and place handled like a byline.
        ("", '<span class="article__author">Von Seb Dumitru</span>', ["Seb Dumitru"]),
        # Names in separate elements, a lone prefix piece, a date piece and a label.
        (
            "",
            '<div class="article-byline"><span>By</span><span>Ana Gil</span>'
            "<span>Luis Paz</span><time>3 May 2024</time></div>",
            ["Ana Gil", "Luis Paz"],
        ),
        ("", '<p class="author">Autor: Max Muster</p>', ["Max Muster"]),
        # Metadata naming only the site gives way to a printed person's name...
        (
            CANONICAL + meta("author", "Planet (www.planet.com)", "name"),
            '<address><a href="mailto:x@planet.com">David Straub, PLANET Radio</a></address>',
            ["David Straub"],
        ),
        # A name given with a web address is an organisation's, whatever the site's name.
        (
            meta("author", "Globe Radio (www.globe-radio.org)", "name"),
            '<p class="author">Auteur : Kossi Tiasso</p>',
            ["Kossi Tiasso"],
        ),
        # ...but not to a one-word or site-like printed text.
        (
            CANONICAL + meta("author", "planet.com", "name"),
            '<div class="author">Folgen</div>',
            ["planet.com"],
        ),
        # Real author metadata wins; printed bylines are not read.
        (ld(ARTICLE), '<div class="byline">Luis Paz</div>', ["Ana Gil"]),
        # An author box in navigation, or a long biography, is no byline.
        (
            "",
            '<nav><div class="author">Nav Person</div></nav><div class="author-bio">'
            + "word " * 20
            + '</div><span class="byline">Eva Rot</span>',
            ["Eva Rot"],
        ),
        # A teaser's or a comment's byline is another story's; the article's own wins.
        (
            "",
            '<div class="teaser"><span class="author">Tea Ser</span></div>'
            '<ol class="comments"><li><div class="comment-author">Com Menter</div></li></ol>'
            '<article><span class="byline">Eva Rot</span></article>',
            ["Eva Rot"],
        ),
        # The byline inside <article> beats one printed before it.
        (
            "",
            '<div class="byline">Top Banner</div><article><div class="byline">Eva Rot</div></article>',
            ["Eva Rot"],
        ),
        # A byline linking to its author's page names the author, one word or not...
        (
            "",
            '<div class="field-name-author">von <a href="/redaktion/ulrike">Ulrike</a></div>',
            ["Ulrike"],
        ),
        # ...but a link to the list of all authors, or one whose path does not spell the
        # text, names nobody.
        ("", '<p class="byline__author"><a href="/autoren/">Autoren</a></p>', None),
        ("", '<p class="byline__author"><a href="/author/search">Suche</a></p>', None),
        # A label only screen readers get is no part of the printed byline.
        (
            "",
            '<span class="byline"><span class="screen-reader-text">Author</span>'
            '<a href="/u/2">Andreas Kalt</a></span>',
            ["Andreas Kalt"],
        ),
        # A social-media handle printed after the name is no part of it.
        ("", '<span class="byline">Por Ana Gil Paz @anagil</span>', ["Ana Gil Paz"]),
        # A date stamp closing the byline's text is no part of the name.
        ("", '<p class="date-author">Janic Cathomen, 01.12.2021</p>', ["Janic Cathomen"]),
        # A class saying what a container holds ("has-recommendations") names no teaser.
        (
            "",
            '<div class="article has-recommendations"><div class="article-meta__author">'
            '<div class="author__content-name">Tom Arnold</div></div></div>',
            ["Tom Arnold"],
        ),
        # A byline's hCard declares its name: a blog's one-word signature counts...
        (
            "",
            '<span class="byline">von <span class="author vcard"><a class="url fn n" '
            'href="/author/heiko/">Heiko</a></span></span>',
            ["Heiko"],
        ),
        # ...but not a commenter's card, nor a card outside any byline.
        (
            "",
            '<ol class="comments"><li><div class="comment-author vcard"><cite class="fn">'
            'Kommentator</cite></div></li></ol><div class="vcard"><span class="fn">Verein'
            "</span></div>",
            None,
        ),
    ],
)
def test_printed_byline_when_metadata_names_nobody(
    head: str, body: str, authors: list[str]
) -> None:
    assert row(page(head, body))["meta_authors"] == authors


def test_frame_schema_and_grain() -> None:
    pages = [page(ld(ARTICLE)), page(), "", "<p>only text"]
    records = [extract_metadata(LexborHTMLParser(html)) for html in pages]
    frame = metadata_frame(records, [3, 1, 2, 9])
    assert frame.schema == METADATA_SCHEMA
    assert frame.get_column("doc_id").to_list() == [3, 1, 2, 9]
    empty = metadata_frame([], [])
    assert empty.height == 0 and empty.schema == METADATA_SCHEMA


MARKUP_PIECES = st.sampled_from(
    [
        "<html>", "<head>", "</head>", "<body>", "<title>", "</title>", "<h1>", "</h1>",
        '<meta property="og:title" content="', '<meta name="keywords" content="',
        '<meta property="article:published_time" content="', '">', '<link rel="canonical" href="',
        '<script type="application/ld+json">', "</script>", '{"@type": "NewsArticle", ',
        '"headline": "', '"author": [{"name": ', '"datePublished": "2024-13-45T99:99"', "}", "]",
        '"keywords": ', ",", '"', '<time datetime="', '<a rel="author">', "</a>",
        '<div itemscope itemprop="author">', '<span itemprop="name">', "</span>", "</div>",
        "&amp;", "&quot;", "<!--", "-->", "<![CDATA[", " | ", " - ",
        '<div class="tags">', '<a class="tagLink">', '<span class="byline">', "<address>",
        "</address>", "<nav>", "</nav>", "Von ", "By ", "<article>", "</article>",
    ]
)  # fmt: skip
MARKUP = st.lists(st.one_of(MARKUP_PIECES, st.text(max_size=12)), max_size=40).map("".join)


@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(MARKUP, st.text()), min_size=1, max_size=4))
def test_never_raises_on_random_markup(pages: list[str]) -> None:
    records = [extract_metadata(LexborHTMLParser(html)) for html in pages]
    frame = metadata_frame(records, list(range(len(pages))))
    assert frame.height == len(pages)
    assert frame.schema == METADATA_SCHEMA


@settings(max_examples=examples(25), deadline=None)
@given(st.integers(min_value=0, max_value=400))
def test_truncated_json_ld_never_raises(cut: int) -> None:
    full = json.dumps({**ARTICLE, "keywords": ["A", "B"], "image": {"url": "https://x.org/i"}})
    html = page(f'<script type="application/ld+json">{full[:cut]}</script>')
    assert row(html)["doc_id"] == 7


def test_corpus_pages_give_one_row_each() -> None:
    corpus = corpus_or_skip("fundus")
    paths = sorted(corpus.glob("*/*.html.gz"))[:20]
    records = [
        extract_metadata(LexborHTMLParser(gzip.open(p).read().decode("utf-8", "replace")))
        for p in paths
    ]
    frame = metadata_frame(records, list(range(len(records))))
    assert frame.height == len(paths)
    assert frame.get_column("meta_title").null_count() == 0
    assert frame.select(pl.col("meta_published_date").is_not_null().mean()).item() > 0.9


def test_corpus_scores_stay_above_floors() -> None:
    """Metadata alone on the whole dev corpus keeps the measured level (regression floors)."""
    from dateline.flows.evaluation import norm_name, norm_tag, token_f1

    corpus = corpus_or_skip("fundus")
    paths = sorted(corpus.glob("*/*.html.gz"))
    records = [
        extract_metadata(LexborHTMLParser(gzip.open(p).read().decode("utf-8", "replace")))
        for p in paths
    ]
    rows = metadata_frame(records, list(range(len(records)))).to_dicts()
    golds = [
        json.loads(p.with_name(p.name.replace(".html.gz", ".gold.json")).read_text()) for p in paths
    ]
    titles = [
        token_f1(r["meta_title"], g["title"])[2] if r["meta_title"] else 0.0
        for r, g in zip(rows, golds, strict=True)
        if g.get("title") is not None
    ]

    def micro_f1(field: str, gold_key: str, norm) -> float:
        tp = fp = fn = 0
        for r, g in zip(rows, golds, strict=True):
            if g.get(gold_key) is None:
                continue
            gold = {k for k in map(norm, g[gold_key]) if k}
            pred = {k for k in map(norm, r[field] or []) if k}
            tp, fp, fn = tp + len(gold & pred), fp + len(pred - gold), fn + len(gold - pred)
        return 2 * tp / (2 * tp + fp + fn)

    assert sum(titles) / len(titles) >= 0.96
    assert micro_f1("meta_authors", "authors", norm_name) >= 0.91
    assert micro_f1("meta_tags", "topics", norm_tag) >= 0.87


@pytest.mark.parametrize(
    ("head", "body", "expected"),
    [
        # The <h1> prints the leading segment: the rest is the site, whatever its name.
        (
            "<title>Big rain in town - Unknown Gazette</title>",
            "<h1>Big rain in town</h1>",
            "Big rain in town",
        ),
        (
            meta("og:title", "Big rain in town ：Unknown Gazette"),
            "<article><h1>Big rain in town</h1></article>",
            "Big rain in town",
        ),
        # A <title> that opens with the site: its trailing segments, as printed.
        (
            "<title>Unknown Gazette | Big rain floods the town centre</title>",
            "<h1>Big rain floods the town centre</h1>",
            "Big rain floods the town centre",
        ),
        # A shorter <h1> matching the end of <title> is the site's logo: it goes.
        (
            "<title>What a viral campaign is | Dimido</title>",
            "<header><h1>Dimido</h1></header>",
            "What a viral campaign is",
        ),
        # A logo <h1> outside the article yields to the article's own.
        (
            "<title>Stone tools of the Neanderthals | Stone Age</title>",
            "<h1>Stone Age</h1><article><h1>Stone tools of the Neanderthals</h1></article>",
            "Stone tools of the Neanderthals",
        ),
        # An <h1> printing something else leaves the title as declared.
        ("<title>Tag title</title>", "<h1>Visible</h1>", "Tag title"),
        # A site name abbreviated by the host: "nytimes" ~ "The New York Times".
        (
            "<title>Storm hits the coast - The New York Times</title>"
            '<link rel="canonical" href="https://www.nytimes.com/2008/x.html">',
            "",
            "Storm hits the coast",
        ),
        # A declared title that is one word no <h1> prints (a section) ranks last.
        (
            ld({**ARTICLE, "headline": "Climate"})
            + meta("og:title", "Forests kept by their people"),
            "<h1>Forests kept by their people</h1>",
            "Forests kept by their people",
        ),
        # ... but a one-word page title that the <h1> prints stands.
        (meta("og:title", "Impressum"), "<h1>Impressum</h1>", "Impressum"),
        # The site's name alone is no headline.
        (
            ld({**ARTICLE, "headline": "Planet Watch"})
            + meta("og:site_name", "Planet Watch")
            + "<title>Money scheme uncovered – Planet Watch</title>",
            "",
            "Money scheme uncovered",
        ),
        # A site-name <h1> is no last-resort title; CSS inside an <h1> is no text.
        (
            meta("og:site_name", "Time Talks"),
            "<h1>Time Talks</h1><h1><style>.x{color:red}</style>Cinemas go digital</h1>",
            "Cinemas go digital",
        ),
        # An old page without <h1> prints its headline in another element.
        (
            "<title>Daily Planet Online - Storm hits the coast</title>",
            '<table><tr><td class="headline">Storm hits the coast</td></tr></table>',
            "Storm hits the coast",
        ),
        (
            "<title>Storm hits the coast | Daily Planet</title>",
            "<h2>Storm hits the coast</h2>",
            "Storm hits the coast",
        ),
        # Separators of other scripts and styles: "›", a bare hyphen between CJK letters.
        (
            meta("og:title", "Churches stay open › evang.at")
            + '<link rel="canonical" href="https://evang.at/x">',
            "",
            "Churches stay open",
        ),
        (
            meta("og:title", "武汉的声音：有英勇的你，才有英雄的城！-新华网")
            + meta("og:site_name", "新华网"),
            "",
            "武汉的声音：有英勇的你，才有英雄的城！",
        ),
    ],
)
def test_title_as_printed_in_h1(head: str, body: str, expected: str) -> None:
    assert row(page(head, body))["meta_title"] == expected


@pytest.mark.parametrize(
    ("head", "body", "expected"),
    [
        # A page that declares nothing but <title> prints its headline in its <h1>, even
        # where <title> words it otherwise (an older or search-engine wording).
        (
            "<title>Kamala Harris in Canada: her years in Montreal</title>",
            "<h1>Kamala Harris' Canadian connections: what we know</h1>",
            "Kamala Harris' Canadian connections: what we know",
        ),
        (
            "<title>Chronicle: Famous host has died</title>",
            "<h1>Famous host has died</h1>",
            "Famous host has died",
        ),
        # ... but not a one-word <h1> (a section), nor one the <title> prints as another
        # heading (then the <h1> is the site's banner).
        (
            "<title>Storm hits the coast at night</title>",
            "<h1>Weather</h1>",
            "Storm hits the coast at night",
        ),
        (
            "<title>Babies who eat peanuts early may avoid allergy</title>",
            "<h1>Allergies Health Center</h1><h2>Babies who eat peanuts early may avoid"
            " allergy</h2>",
            "Babies who eat peanuts early may avoid allergy",
        ),
        # A declared title keeps its precedence over the <h1>.
        (
            meta("og:title", "Storm hits the coast at night"),
            "<h1>Coastal towns brace for the storm</h1>",
            "Storm hits the coast at night",
        ),
        # The <h1>'s kicker, printed in its own span before a colon, is no heading apart:
        # the whole <h1> is the headline.
        (
            "<title>Storm is back: towns brace for the night | News | DAILY.de</title>"
            '<link rel="canonical" href="https://www.daily.de/a/1">',
            '<h1 class="article-title"><span class="article-title__kicker">Storm is back</span>'
            '<span class="article-title__separator">: </span>'
            '<span class="article-title__headline">towns brace for the night</span></h1>',
            "Storm is back: towns brace for the night",
        ),
        # A declared title that only repeats <title> declares nothing more.
        (
            meta("og:title", "Chronicle: Famous host has died")
            + "<title>Chronicle: Famous host has died</title>",
            "<h1>Famous host has died at 90</h1>",
            "Famous host has died at 90",
        ),
        # Beside a declared title, an <h1> sharing no word with it is a sidebar's heading...
        (
            meta("og:title", "Read, seen, heard: media in October")
            + "<title>Read, seen, heard: media in October</title>",
            "<h1>Latest Comments</h1>",
            "Read, seen, heard: media in October",
        ),
        # ... but an old page's <title> may be no headline at all.
        (
            "<title>www.example.org | Detail</title>",
            "<h1>Word of the bishop</h1>",
            "Word of the bishop",
        ),
        # An <h1> printing <title> behind more words prints a kicker before it.
        (
            "<title>Car dealers expect a slow restart</title>",
            "<h1><span>After the lockdown</span> Car dealers expect a slow restart</h1>",
            "Car dealers expect a slow restart",
        ),
        # A label for screen readers only is no part of the headline.
        (
            "<title>Energy and social change</title>",
            '<h1><span class="visually-hidden">Headline:</span> Energy transition and'
            " social change</h1>",
            "Energy transition and social change",
        ),
        # Nor is an <h1> for screen readers only.
        (
            "<title>Energy and social change</title>",
            '<h1 class="visuallyhidden">Energy and social change | Agency</h1>',
            "Energy and social change",
        ),
    ],
)
def test_h1_over_an_undeclared_title_tag(head: str, body: str, expected: str) -> None:
    assert row(page(head, body))["meta_title"] == expected


@pytest.mark.parametrize(
    ("head", "body", "expected"),
    [
        # On a page declaring nothing but <title>, a colon may end a blog's name: the
        # printed post title shows where ("Blog Name: Post title", "» Post :blogname").
        (
            "<title>Planet Notes: Storm hits the coast</title>",
            '<h3 class="post-title">Storm hits the coast</h3>',
            "Storm hits the coast",
        ),
        (
            "<title>» Storm hits the coast :planetnotes</title>",
            "<h2>Storm hits the coast</h2>",
            "Storm hits the coast",
        ),
        # ... but in a declared title the colon belongs to the headline.
        (
            meta("og:title", "Planet Notes: Storm hits the coast"),
            "<h3>Storm hits the coast</h3>",
            "Planet Notes: Storm hits the coast",
        ),
        # A separator left at a title's edge goes; a dash or guillemet opening a quote stays.
        ("<title>» Storm hits the coast</title>", "", "Storm hits the coast"),
        ("<title>Storm hits the coast |</title>", "", "Storm hits the coast"),
        (meta("og:title", "- Angsten vil øke"), "", "- Angsten vil øke"),
        (
            meta("og:title", "« Les privatisations » continuent"),
            "",
            "« Les privatisations » continuent",
        ),
    ],
)
def test_blog_title_tag_separators(head: str, body: str, expected: str) -> None:
    assert row(page(head, body))["meta_title"] == expected


def test_heading_text_is_what_a_reader_sees() -> None:
    html = page(
        "",
        "<h1><ruby>子<rt>こ</rt></ruby>どもへの<ruby>体罰<rt>たいばつ</rt></ruby>を禁止"
        '<span class="element-invisible"> | Site</span>'
        "<svg><title>Share</title><path/></svg></h1>",
    )
    assert extract_metadata(LexborHTMLParser(html))["title_h1"] == "子どもへの体罰を禁止"


BANNER = '<h1><a href="http://example.org/notes/">Planet Notes</a></h1>'


@pytest.mark.parametrize(
    ("head", "body", "expected"),
    [
        # A linked <h1> that is one segment of <title>, whose other segment a heading
        # prints, is the site's banner, even where its link's target says nothing.
        (
            "<title>Planet Notes - Storm hits the coast</title>",
            BANNER + '<h2><a href="./storm" rel="bookmark">Storm hits the coast</a></h2>',
            "Storm hits the coast",
        ),
        (
            "<title>Planet Notes: Storm hits the coast</title>",
            BANNER + "<h3>Storm hits the coast</h3><h2>Planet Notes</h2>",
            "Storm hits the coast",
        ),
        # So is one naming the other segment of a <title> whose headline the <h1> prints.
        (
            "<title>Money laundering scheme uncovered – Market Watch</title>"
            + meta("og:title", "Market Watch"),
            "<h1>Money laundering scheme uncovered</h1>",
            "Money laundering scheme uncovered",
        ),
        # A declared title naming only that site is passed over.
        (
            "<title>Planet Notes - Storm hits the coast</title>"
            + meta("DC.title", "Planet Notes", "name"),
            BANNER + "<h2>Storm hits the coast</h2>",
            "Storm hits the coast",
        ),
        # A linked <h1> beside a <title> rest of several segments (the site's name and
        # tagline, printed in its banner) is the post's own headline.
        (
            "<title>Storm hits | Planet Notes - Weather blog - Storms, rain, wind</title>",
            '<h1><a href="http://example.org/storm">Storm hits</a></h1>'
            + "<h2>Planet Notes - Weather blog - Storms, rain, wind</h2>",
            "Storm hits",
        ),
        # An unlinked <h1> is the headline, whatever else is printed.
        (
            "<title>Storm hits - Coast towns flooded overnight</title>",
            "<h1>Storm hits</h1><h2>Coast towns flooded overnight</h2>",
            "Storm hits",
        ),
    ],
)
def test_site_banner_in_title_tag(head: str, body: str, expected: str) -> None:
    assert row(page(head, body))["meta_title"] == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        # Meta tags whose URL is the site's root describe the home page.
        ("http://blogs.example.com/", "Storm hits the coast"),
        ("//blogs.example.com", "Storm hits the coast"),
        ("http://blogs.example.com/2012/11/07/storm-hits/", "Official Blog of the League"),
    ],
)
def test_meta_title_of_the_home_page_is_passed_over(url: str, expected: str) -> None:
    head = (
        "<title>Storm hits the coast - Example.com</title>"
        + meta("og:title", "Official Blog of the League")
        + meta("og:url", url)
    )
    assert row(page(head, ""))["meta_title"] == expected


CANONICAL_POST = '<link rel="canonical" href="http://example.org/blog/2012/09/storm.html">'


@pytest.mark.parametrize(
    ("head", "body", "expected"),
    [
        # An <h1> whose whole text links to the site's home page (its root, or a folder
        # above the page) is the site's logo: its name goes from the title at either end...
        (
            "<title>Storm hits the coast - Planet Notes</title>" + CANONICAL_POST,
            '<h1><a href="http://example.org/blog/">Planet Notes</a></h1>',
            "Storm hits the coast",
        ),
        # ... however long it is, from a declared title too.
        (
            meta("og:title", "Leaf Bunting - Things to Make and Do, Crafts and Games for Kids")
            + CANONICAL_POST,
            '<h1><a href="/">Things to Make and Do, Crafts and Games for Kids</a></h1>',
            "Leaf Bunting",
        ),
        # An <h1> linking to the post itself is the headline.
        (
            "<title>Storm hits the coast - Planet Notes</title>" + CANONICAL_POST,
            '<h1><a href="/blog/2012/09/storm.html">Storm hits the coast</a></h1>',
            "Storm hits the coast",
        ),
        # An <h1> printing what precedes a colon in an old page's <title> is the blog's name.
        (
            "<title>Planet Notes: Storm hits the coast</title>",
            "<h1>Planet Notes</h1>",
            "Storm hits the coast",
        ),
        # A year folder of the URL is no section name to cut.
        (
            "<title>Planet Notes » 2012 storm gala</title>"
            '<link rel="canonical" href="http://example.org/2012/09/storm-gala/">',
            "<h2>2012 storm gala</h2>",
            "2012 storm gala",
        ),
        # A word with digits is no one-word label trailing the headline.
        (
            meta("og:site_name", "Planet Notes")
            + "<title>Phone Software Update - v30.101 | Planet Notes</title>",
            "",
            "Phone Software Update - v30.101",
        ),
    ],
)
def test_blog_logo_and_labels(head: str, body: str, expected: str) -> None:
    assert row(page(head, body))["meta_title"] == expected


@pytest.mark.parametrize(
    ("head", "body", "expected"),
    [
        # A declared headline opening on two words in lower case is a description.
        (
            ld({"@type": "Article", "name": "New Zealand", "headline": "island country in Oceania"})
            + meta("og:title", "New Zealand - Encyclopedia")
            + "<title>New Zealand - Encyclopedia</title>",
            "<h1>New Zealand</h1>",
            "New Zealand",
        ),
        # ... but a brand spelled in lower case, or a lower-case title the page prints,
        # stays.
        (
            ld({"@type": "Article", "headline": "iPhone sales fall for the first time"}),
            "",
            "iPhone sales fall for the first time",
        ),
        (
            meta("og:title", "notes from the road"),
            "<h1>notes from the road</h1>",
            "notes from the road",
        ),
        # <title> may open on a site's name in lower case: it is not demoted for it.
        (
            meta("og:site_name", "daily planet online")
            + "<title>daily planet online - Storm hits the coast</title>",
            "<h1>Weather</h1>",
            "Storm hits the coast",
        ),
    ],
)
def test_lower_case_descriptions_are_not_headlines(head: str, body: str, expected: str) -> None:
    assert row(page(head, body))["meta_title"] == expected


@pytest.mark.parametrize(
    ("head", "body", "expected"),
    [
        # The printed headline's dashes, quotes, apostrophes and ellipsis win over the
        # declared title's typewriter ones.
        (
            meta("og:title", "Energy Rising - 33 Days of Yoga - Studio Blog"),
            "<h1>Energy Rising \u2013 33 Days of Yoga</h1>",
            "Energy Rising \u2013 33 Days of Yoga",
        ),
        (
            '<title>Why I say "belly birth" | Blog</title>',
            "<h1>Why I say \u201ebelly birth\u201c</h1>",
            "Why I say \u201ebelly birth\u201c",
        ),
        (
            meta("og:title", "Editor's Letter: all things end..."),
            "<h1>Editor\u2019s Letter: all things end\u2026</h1>",
            "Editor\u2019s Letter: all things end\u2026",
        ),
        # Soft hyphens in the printed heading are not part of the title.
        (
            meta("og:title", "Messengers are no lawless space"),
            "<h1>Mes\u00adsen\u00adgers are no law\u00adless space</h1>",
            "Messengers are no lawless space",
        ),
        # A heading that drops the declared title's punctuation (a kicker set apart by
        # markup) or adds its own is not the same title: the declared one stays.
        (
            meta("og:title", "Flood inquiry: Two resignations"),
            "<h1><span>Flood inquiry</span> Two resignations</h1>",
            "Flood inquiry: Two resignations",
        ),
        (
            meta("og:title", "Why fight over regions... says the candidate"),
            '<h1>"Why fight over regions"... says the candidate</h1>',
            "Why fight over regions... says the candidate",
        ),
    ],
)
def test_title_in_the_printed_typography(head: str, body: str, expected: str) -> None:
    assert row(page(head, body))["meta_title"] == expected


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        # Output printed before the document (a server warning) moves <title> into <body>:
        # it still names the page.
        (
            "<b>Warning</b>: could not connect<br><!DOCTYPE html><html><head>"
            "<title>Spring cleaning at the library</title></head><body><p>Text</p></body></html>",
            "Spring cleaning at the library",
        ),
        # The <title> of an inline drawing labels the drawing.
        (
            "<html><head></head><body><svg><title>Search icon</title></svg><p>Text</p></body>"
            "</html>",
            None,
        ),
        (
            "<html><head><title>Storm hits the coast</title></head><body><svg><title>Logo"
            "</title></svg></body></html>",
            "Storm hits the coast",
        ),
    ],
)
def test_title_tag_outside_head(html: str, expected: str | None) -> None:
    assert extract_metadata(LexborHTMLParser(html)).get("title_tag") == expected
