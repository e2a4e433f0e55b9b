"""HTML pages end to end through the parse step: blocks, main content, figures, records."""

from __future__ import annotations

import gzip
import json
from concurrent.futures import Future
from datetime import UTC, date, datetime
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from selectolax.lexbor import LexborHTMLParser

from dateline.flows import sources
from dateline.transforms.assembly.articles import build_article_tables
from dateline.transforms.html import content as html_content
from dateline.transforms.html import walk as html_blocks
from dateline.transforms.html.parse import _parsed_ahead
from tests.conftest import corpus_or_skip, examples

BODY = [
    "The city council approved the new bridge on Tuesday after a debate that lasted four hours.",
    "Supporters said the crossing would cut commuting times by a third for people in the east.",
    "Opponents argued that the money would be better spent on buses and on repairing old roads.",
]

PAGE = f"""<!doctype html><html lang="en"><head><title>Bridge approved | Daily Example</title>
<meta property="og:site_name" content="Daily Example">
<script type="application/ld+json">{{"@type": "NewsArticle", "headline": "Council approves the new bridge",
 "datePublished": "2024-03-05T09:30:00+01:00", "author": {{"@type": "Person", "name": "Jane Roe"}},
 "keywords": ["Transport", "City council"]}}</script></head>
<body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/politics">Politics</a></li></ul></nav>
<div class="share-bar"><a href="#">Share on Facebook</a> <a href="#">Share on X</a></div>
<main><article>
<header><h1>Council approves the new bridge</h1><p class="byline">By Jane Roe</p></header>
<figure><img src="https://example.org/bridge.jpg" alt="bridge">
<figcaption>The planned bridge seen from the east bank. <span class="credit">Photo: John SMITH / AFP</span></figcaption>
</figure>
<p>{BODY[0]}</p>
<h2>What comes next</h2>
<p>{BODY[1]}</p>
<div class="newsletter-signup"><p>Sign up for our newsletter and get the news every morning in your inbox.</p></div>
<p>{BODY[2]}</p>
<aside class="related"><h3>Read more</h3><ul><li><a href="/a">Another story about roads and other matters</a></li></ul></aside>
</article></main>
<footer><p>© 2024 Daily Example. All rights reserved. Reproduction without permission is prohibited.</p></footer>
</body></html>"""


def _tables(pages: list[str], formats: str = "html"):
    records = pl.DataFrame(
        {
            "source_uri": [f"/pages/{i}.html" for i in range(len(pages))],
            "source_path": [f"/pages/{i}.html" for i in range(len(pages))],
            "source_format": [formats] * len(pages),
            "html": pages,
        }
    )
    for column, dtype in sources.RECORD_COLUMNS.items():
        if column not in records.columns:
            records = records.with_columns(pl.lit(None, dtype).alias(column))
    return build_article_tables(
        records.select(list(sources.RECORD_COLUMNS)), run_id="r", ingested_at=datetime.now(UTC)
    )


def test_page_fields_from_markup_and_metadata() -> None:
    tables = _tables([PAGE])
    article = tables.articles.row(0, named=True)
    assert article["title"] == "Council approves the new bridge"
    assert article["published_at"] == datetime(2024, 3, 5, 8, 30, tzinfo=UTC)
    assert article["outlet"] == "Daily Example"
    assert article["language"] == "en"
    paragraphs = tables.article_paragraphs.sort("position")
    assert paragraphs["text"].to_list() == [BODY[0], "What comes next", BODY[1], BODY[2]]
    assert paragraphs["kind"].to_list() == ["paragraph", "subheadline", "paragraph", "paragraph"]
    assert tables.article_authors["name"].to_list() == ["Jane Roe"]
    assert tables.article_tags["tag"].to_list() == ["Transport", "City council"]
    assert tables.related_links.select("title", "url").rows() == [
        ("Another story about roads and other matters", "/a")
    ]


def test_figure_caption_and_credit_are_separated() -> None:
    tables = _tables([PAGE])
    image = tables.article_images.row(0, named=True)
    assert image["caption"] == "The planned bridge seen from the east bank."
    assert image["credit_raw"] == "Photo: John SMITH / AFP"
    assert image["url"] == "https://example.org/bridge.jpg"
    credits = tables.image_credits.sort("position").select("role", "name").rows()
    assert credits == [("photographer", "John Smith"), ("agency", "AFP")]


@pytest.mark.parametrize(
    "noise",
    [
        "Share on Facebook",
        "Sign up for our newsletter",
        "Another story about roads",
        "All rights reserved",
        "Politics",
    ],
)
def test_page_furniture_stays_out_of_the_body(noise: str) -> None:
    body = _tables([PAGE]).articles["body_text"][0]
    assert noise not in body


@pytest.mark.parametrize(
    ("markup", "expected_tags"),
    [
        ("<p>One <b>bold</b> word.</p>", ["p"]),
        ("<div>Loose text<br>after a break</div>", ["div", "div"]),
        ("<ul><li>first</li><li>second</li></ul>", ["li", "li"]),
        ("<p>visible</p><p hidden>hidden</p><p style='display:none'>gone</p>", ["p"]),
        ("<p>text<script>var x = 1;</script></p><noscript>enable js</noscript>", ["p"]),
    ],
)
def test_walk_blocks(markup: str, expected_tags: list[str]) -> None:
    blocks, _, _ = html_blocks.walk_page(LexborHTMLParser(f"<html><body>{markup}</body></html>"))
    assert [block[1] for block in blocks] == expected_tags
    assert not any("var x" in block[0] or "hidden" == block[0] for block in blocks)


SKIPPED_MARKUP = (
    "<p>a<button hidden class=x>b<figure><img src=a.jpg><figcaption>Cap</figcaption></figure>"
    "<button>zz</button></button>c</p><nav>menu</nav><div role=menu>m</div>"
    "<div role=Menu>kept</div><img hidden src=b.jpg><div id='S:1' hidden>streamed</div>"
    "<div id='s:1' hidden>unstreamed</div><p style='display:none'>gone</p><svg><text>t</text></svg>"
    "<button><span>no figure</span></button><div role=dialog><p>pop-up</p></div>"
)


@pytest.mark.parametrize("depth", [1, html_blocks.MAX_DEPTH + 5])
def test_walk_skips_what_the_never_rendered_pass_removes(depth: int) -> None:
    """The walk skips never-rendered elements and never-content subtrees as it reads the
    tree; the same page with them removed first by lexbor reads the same."""
    page = f"<html><body>{'<div>' * depth}{SKIPPED_MARKUP}{'</div>' * depth}</body></html>"
    cleaned = LexborHTMLParser(page)
    html_blocks._drop_never_rendered(cleaned)
    assert html_blocks.walk_page(LexborHTMLParser(page)) == html_blocks.walk_page(cleaned)
    words = " ".join(block[0] for block in html_blocks.walk_page(LexborHTMLParser(page))[0])
    assert {"Cap", "kept", "streamed"} <= set(words.split())
    # Past MAX_DEPTH a subtree is read as text, styles unread; the removed ones stay out.
    assert not {"menu", "m", "zz", "pop-up", "no", "t", "unstreamed"} & set(words.split())


def test_hidden_body_has_no_blocks() -> None:
    assert html_blocks.walk_page(LexborHTMLParser("<body hidden><p>x</p></body>")) == ([], [], [])


def test_deep_nesting_is_read_without_recursion_errors() -> None:
    depth = 5_000
    page = "<html><body>" + "<div>" * depth + "deep text" + "</div>" * depth + "</body></html>"
    blocks, _, _ = html_blocks.walk_page(LexborHTMLParser(page))
    assert [block[0] for block in blocks] == ["deep text"]


def test_json_lines_html_records_keep_their_line_number(tmp_path: Path) -> None:
    path = tmp_path / "pages.jsonl"
    lines = [
        json.dumps({"text": "Short record.\n" + BODY[0]}),
        json.dumps({"html": PAGE, "url": "https://example.org/bridge"}),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    read = sources.read_source(path, 1 << 20)
    tables = build_article_tables(
        sources.records_frame(read.records), run_id="r", ingested_at=datetime.now(UTC)
    )
    html_row = tables.articles.filter(pl.col("url") == "https://example.org/bridge")
    assert html_row["source_uri"].to_list() == [f"{path.resolve()}#2"]
    assert html_row["title"].to_list() == ["Council approves the new bridge"]


MARKUP = st.lists(
    st.one_of(
        st.sampled_from(
            [
                "<p>",
                "</p>",
                "<div class='share'>",
                "</div>",
                "<figure>",
                "<figcaption>",
                "<br>",
                "<h2>",
                "<a href='x'>",
                "</a>",
                "<script type='application/ld+json'>{",
                "</script>",
                "<span class='credit'>",
                "<img src='a.jpg'>",
                "<!--",
                "-->",
                "<table><tr><td>",
            ]
        ),
        st.text(max_size=40),
    ),
    max_size=40,
).map("".join)


@settings(max_examples=examples(25), deadline=None)
@given(st.lists(MARKUP, min_size=1, max_size=3))
def test_random_markup_never_raises(pages: list[str]) -> None:
    tables = _tables(pages)
    assert tables.articles.height + tables.rejects.height == len(pages)


def _page(body: str, head: str = "") -> str:
    return f"<html><head>{head}</head><body>{body}</body></html>"


def _info_box_page(article_date: str = "") -> str:
    paragraphs = "".join(f"<p>{text}</p>" for text in BODY)
    return (
        '<html lang="de"><body><main><article><h1>Council approves the new bridge</h1>'
        f"{article_date}{paragraphs}</article><aside><ul><li><a href='/b'>Older bridge debate"
        "</a> 02.03.2024</li></ul><p class='info'>Datum 05.03.2024</p></aside></main></body></html>"
    )


def _headline_apart_page(date_line: str) -> str:
    """A page whose headline and date sit in a header outside the article's root."""
    paragraphs = "".join(f"<p>{text}</p>" for text in BODY)
    return (
        '<html lang="de"><body><div class="head"><h1>Council approves the new bridge</h1>'
        f"<span class='stamp'>{date_line}</span></div><main><article>{paragraphs}</article>"
        "</main><footer><ul><li><a href='/b'>Older bridge debate</a></li><li>11.01.2024</li>"
        "</ul></footer></body></html>"
    )


def test_date_line_next_to_a_headline_outside_the_article_is_its_date() -> None:
    article = _tables([_headline_apart_page("06.12.2022")]).articles.row(0, named=True)
    assert article["published_date"] == date(2022, 12, 6)


@pytest.mark.parametrize(
    ("printed", "offset", "day"),
    [
        # The page prints the declared UTC instant as its own wall clock: its offset.
        ("3 de mayo de 2022, 21:25", -180, date(2022, 5, 3)),
        # A printed time of another moment says nothing of the offset.
        ("3 de mayo de 2022, 21:40", 0, date(2022, 5, 4)),
        # A printed date without a time neither.
        ("3 de mayo de 2022", 0, date(2022, 5, 4)),
        # Twelve hours apart: a twelve-hour clock, not a zone twelve hours from UTC.
        ("3 de mayo de 2022, 12:25", 0, date(2022, 5, 4)),
    ],
)
def test_utc_instant_takes_the_offset_of_the_printed_time(
    printed: str, offset: int, day: date
) -> None:
    paragraphs = "".join(f"<p>{text}</p>" for text in BODY)
    head = '<meta property="article:published_time" content="2022-05-04T00:25:56Z">'
    page = (
        f'<html lang="es"><head>{head}</head><body><main><article><h1>Council approves the '
        f"new bridge</h1><p class='date'>{printed}</p>{paragraphs}</article></main></body></html>"
    )
    article = _tables([page]).articles.row(0, named=True)
    assert article["published_at"] == datetime(2022, 5, 4, 0, 25, 56, tzinfo=UTC)
    assert article["published_offset_minutes"] == offset
    assert article["published_date"] == day


def test_labelled_stamp_closing_the_article_dates_an_otherwise_undated_page() -> None:
    paragraphs = "".join(f"<p>Part {i}. {text}</p>" for i in range(3) for text in BODY)
    page = (
        '<html lang="it"><body><main><article><h1>Council approves the new bridge</h1>'
        f"{paragraphs}<div class='post-meta'><p><i>Pubblicato il:&nbsp;</i><span class='date'>"
        "30 Settembre 2020</span><br><i>Ultimo aggiornamento:&nbsp;</i><span class='date'>"
        "2 Ottobre 2020</span></p></div></article><nav><a href='/p'>Precedente</a>"
        "<a href='/n'>Successivo</a></nav></main></body></html>"
    )
    article = _tables([page]).articles.row(0, named=True)
    assert article["published_date"] == date(2020, 9, 30)


@pytest.mark.parametrize(
    ("page", "authors"),
    [
        # Headline, standfirst and "Name | date" in a header apart from the article's root.
        ("tr/AnadoluAjansi_2025_04_05", ["Sehernur Karsu"]),
        ("pt/ThePortugalNews_2025_02_03", ["TPN"]),
    ],
)
def test_byline_beside_a_headline_outside_the_article_signs_it(page: str, authors: list) -> None:
    path = corpus_or_skip("fundus", f"{page}.html.gz")
    tables = _tables([gzip.decompress(path.read_bytes()).decode("utf-8", "replace")])
    assert tables.article_authors["name"].to_list() == authors


@pytest.mark.parametrize(
    ("html_tag", "day"),
    [
        ("<html lang='en'>", date(2020, 2, 10)),
        ("<html lang='en-GB'>", date(2020, 10, 2)),
        ('<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="en-GB">', date(2020, 10, 2)),
        # A tag without region on a site under a country's domain: that country's way.
        (
            "<html lang='en'><link rel='canonical' href='https://news.example.co.uk/a/b'>",
            date(2020, 10, 2),
        ),
        ("<html lang='en'><link rel='canonical' href='https://example.in/a'>", date(2020, 10, 2)),
        ("<html lang='en'><link rel='canonical' href='https://example.com/a'>", date(2020, 2, 10)),
        ("<html lang='en'><link rel='canonical' href='https://example.us/a'>", date(2020, 2, 10)),
        # A domain sold as a generic name names no country.
        ("<html lang='en'><link rel='canonical' href='https://example.io/a'>", date(2020, 2, 10)),
        (
            "<html lang='en-US'><link rel='canonical' href='https://example.co.uk/a'>",
            date(2020, 2, 10),
        ),
    ],
)
def test_printed_date_is_read_in_the_pages_locale(html_tag: str, day: date) -> None:
    paragraphs = "".join(f"<p>{text}</p>" for text in BODY)
    page = (
        f"{html_tag}<body><main><article><h1>Council approves the new bridge</h1>"
        f"<span class='time'>02/10/2020</span>{paragraphs}</article></main></body></html>"
    )
    assert _tables([page]).articles.row(0, named=True)["published_date"] == day


def test_page_no_source_dates_is_searched_whole() -> None:
    """An <abbr class="published" title=...> stamp is read by the page-wide search only."""
    paragraphs = "".join(f"<p>{text}</p>" for text in BODY)
    page = (
        "<html><body><main><article><h1>Council approves the new bridge</h1>"
        f"{paragraphs}<p class='post-footer'>Posted at <abbr class='published' "
        "title='2019-10-16T14:33:00-07:00'>2:33 PM</abbr></p></article></main></body></html>"
    )
    article = _tables([page]).articles.row(0, named=True)
    assert article["published_date"] == date(2019, 10, 16)
    assert article["published_at"] is None
    assert "date_from_page_search" in article["quality_flags"]


def _declared_and_printed_page(declared: str, meta: str, printed: str) -> str:
    paragraphs = "".join(f"<p>{text}</p>" for text in BODY)
    ld = f'{{"@type": "NewsArticle", "headline": "A bridge", "datePublished": "{declared}"}}'
    return (
        f'<html><head><script type="application/ld+json">{ld}</script>'
        f'<meta property="article:published_time" content="{meta}"></head>'
        "<body><main><article><h1>Council approves the new bridge</h1>"
        f"<p class='date'>{printed}</p>{paragraphs}</article></main></body></html>"
    )


@pytest.mark.parametrize(
    ("meta", "printed", "day"),
    [
        # The page's search (meta article:published_time) sides with the printed stamp.
        ("2022-12-15T09:13:00", "15.12.2022", date(2022, 12, 15)),
        # The search sides with the declared date: it stays.
        ("2021-12-06T14:36:00", "15.12.2022", date(2021, 12, 6)),
        # A day apart is one instant in two zones, not two dates: the declared one stays.
        ("2021-12-07T09:13:00", "07.12.2021", date(2021, 12, 6)),
    ],
)
def test_printed_stamp_the_page_search_confirms_beats_a_declared_date(
    meta: str, printed: str, day: date
) -> None:
    page = _declared_and_printed_page("2021-12-06 14:36", meta, printed)
    assert _tables([page]).articles.row(0, named=True)["published_date"] == day


@pytest.mark.parametrize(
    ("lang", "printed", "day"),
    [
        # 23:00 UTC is past midnight in Berlin: the printed day is the instant's there.
        ("de", "05.11.2021", date(2021, 11, 5)),
        # The printed day is the UTC one: it stays.
        ("de", "04.11.2021", date(2021, 11, 4)),
        # No zone dominates English: the declared day stays.
        ("en", "05.11.2021", date(2021, 11, 4)),
    ],
)
def test_printed_day_of_a_utc_instant_in_the_languages_zone(
    lang: str, printed: str, day: date
) -> None:
    paragraphs = "".join(f"<p>{text}</p>" for text in BODY)
    page = (
        f"<html lang='{lang}'><head>"
        '<meta property="article:published_time" content="2021-11-04T23:00:00Z"></head>'
        "<body><main><article><h1>Council approves the new bridge</h1>"
        f"<p class='date'>{printed}</p>{paragraphs}</article></main></body></html>"
    )
    article = _tables([page]).articles.row(0, named=True)
    assert article["published_date"] == day
    assert article["published_at"] == datetime(2021, 11, 4, 23, tzinfo=UTC)


def test_page_without_any_date_stays_undated() -> None:
    paragraphs = "".join(f"<p>{text}</p>" for text in BODY)
    page = (
        f"<html><body><main><article><h1>A bridge</h1>{paragraphs}</article></main></body></html>"
    )
    article = _tables([page]).articles.row(0, named=True)
    assert article["published_date"] is None


def test_page_without_a_date_takes_the_date_line_beside_the_article() -> None:
    article = _tables([_info_box_page()]).articles.row(0, named=True)
    assert article["published_date"] == date(2024, 3, 5)


def test_date_beside_the_article_never_overrides_the_articles_own() -> None:
    page = _info_box_page("<p class='date'>04.03.2024</p>")
    article = _tables([page]).articles.row(0, named=True)
    assert article["published_date"] == date(2024, 3, 4)


def test_declared_article_body_fills_a_folded_page() -> None:
    declared = " ".join(BODY)
    head = (
        '<script type="application/ld+json">'
        + json.dumps({"@type": "NewsArticle", "headline": "Folded", "articleBody": declared})
        + "</script>"
    )
    page = _page(
        f"<article><h1>Folded</h1><p>{BODY[0]}</p><p>Subscribe to read more.</p></article>", head
    )
    body = _tables([page]).articles["body_text"][0]
    assert all(sentence in body for sentence in BODY)


def test_script_rendered_page_keeps_its_metadata() -> None:
    head = (
        '<meta property="og:title" content="Rendered by scripts"><title>Rendered by scripts</title>'
    )
    tables = _tables([_page("<div id='app'></div>", head)])
    assert tables.rejects.height == 0
    assert tables.articles["title"].to_list() == ["Rendered by scripts"]
    assert "no_body" in tables.articles["quality_flags"][0]


def test_react_streamed_segment_is_read() -> None:
    page = _page(
        '<main><template id="B:0"></template></main>'
        f'<div hidden id="S:0"><article><h1>Streamed</h1><p>{BODY[0]}</p><p>{BODY[1]}</p></article></div>'
        "<div hidden><p>A closed dialog that nobody sees on the page at all.</p></div>"
    )
    body = _tables([page]).articles["body_text"][0]
    assert BODY[0] in body and "closed dialog" not in body


@pytest.mark.parametrize(
    ("markup", "caption", "credit"),
    [
        (
            '<img src="a.jpg"><span class="caption small">Firefighters at the scene.</span>',
            "Firefighters at the scene.",
            None,
        ),
        (
            '<img src="a.jpg"><p class="lead">A tram in the heat of the day.</p>'
            '<p class="image--author">Foto: REUTERS/Nadja Wohlleben</p>',
            "A tram in the heat of the day.",
            "Foto: REUTERS/Nadja Wohlleben",
        ),
        (
            '<figure><img src="a.jpg"><figcaption><i class="article-caption">Protesters gather.'
            ' <span class="caption__credit">Jane Doe/AP</span></i></figcaption></figure>',
            "Protesters gather.",
            "Jane Doe/AP",
        ),
        # The element around a loose image holds its caption and credit, classes or not.
        (
            '<div class="x1"><picture><img src="a.jpg"></picture>'
            '<div class="x2">Former mayor Anna Berg at the opening</div><div class="x3">ES</div></div>',
            "Former mayor Anna Berg at the opening",
            "ES",
        ),
        (
            '<div><span><img src="a.jpg"></span><p><span>Flooded streets in the old town</span></p>'
            "<p>Image: City Council / Facebook</p></div>",
            "Flooded streets in the old town",
            "Image: City Council / Facebook",
        ),
        # A lightbox button around the figure, a picture agency alone in the figure,
        # a credit label before a credit label.
        (
            '<button class="viewer"><figure><img src="a.jpg"><span>Getty Images</span>'
            "<figcaption>Delegates before the vote in the hall</figcaption></figure></button>",
            "Delegates before the vote in the hall",
            "Getty Images",
        ),
        (
            '<figure><img src="a.jpg"><div class="author">Foto: Bild: APA/KEYSTONE/CYRIL ZINGARO</div>'
            "<figcaption>The mayor admitted failures in public</figcaption></figure>",
            "The mayor admitted failures in public",
            "Foto: Bild: APA/KEYSTONE/CYRIL ZINGARO",
        ),
        # A caption made of sibling spans whose classes say nothing: read span by span.
        (
            '<figure><img src="a.jpg"><figcaption class="c-1a2b3c">'
            '<span class="c-4d5e6f">A firefighter at work on the blaze near the coast</span>'
            '<span class="c-7a8b9c">@Fire_Service via X / Reuters</span></figcaption></figure>',
            "A firefighter at work on the blaze near the coast",
            "@Fire_Service via X / Reuters",
        ),
    ],
)
def test_captions_and_credits_outside_plain_figcaptions(
    markup: str, caption: str, credit: str | None
) -> None:
    page = _page(
        f"<article><h1>Headline here</h1><p>{BODY[0]}</p>{markup}<p>{BODY[1]}</p></article>"
    )
    images = _tables([page]).article_images
    rows = images.select("caption", "credit_raw").rows()
    assert (caption, credit) in rows or any(
        row[0] == caption and (credit is None or row[1] == credit) for row in rows
    ), rows


def test_author_card_is_no_caption() -> None:
    card = (
        '<div class="card"><img src="me.jpg"><div>Tobias Berger</div>'
        "<p>Motor racing is my passion and I have covered it for ten years now</p></div>"
    )
    page = _page(f"<article><h1>Headline here</h1>{card}<p>{BODY[0]}</p><p>{BODY[1]}</p></article>")
    captions = _tables([page]).article_images["caption"].drop_nulls().to_list()
    assert not any("passion" in caption or "Berger" in caption for caption in captions), captions


def test_script_carried_article_is_read_when_the_page_prints_none() -> None:
    fragment = "".join(f"<p>{text}</p>" for text in BODY)
    payload = json.dumps([1, f'<div class="caption"><p>Caption</p></div>{fragment}'])
    page = _page(
        '<div id="app"><h1>Council approves the new bridge</h1></div>'
        f"<script>self.__next_f.push({payload})</script>"
    )
    body = _tables([page]).articles["body_text"][0]
    assert all(text in body for text in BODY), body


def test_script_strings_are_ignored_when_the_page_prints_its_text() -> None:
    hidden = json.dumps(
        "".join(f"<p>Script copy {i} of a story that is not shown.</p>" for i in range(4))
    )
    page = _page(
        "<article><h1>Headline here</h1>"
        + "".join(f"<p>{text}</p>" for text in BODY)
        + f"</article><script>var state = {hidden};</script>"
    )
    body = _tables([page]).articles["body_text"][0]
    assert BODY[0] in body and "Script copy" not in body


def _article_page(markup: str) -> str:
    """An article with ``markup`` between its first and second paragraph."""
    return _page(
        f"<article><h1>Headline here</h1><p>{BODY[0]}</p>{markup}<p>{BODY[1]}</p>"
        f"<p>{BODY[2]}</p></article>"
    )


def _article_images(markup: str) -> list[tuple]:
    page = _article_page(markup)
    return _tables([page]).article_images.sort("position").select("caption", "credit_raw").rows()


@pytest.mark.parametrize(
    "markup",
    [
        # A figure holding a video embed, a caption in an audio player, a link card in
        # an aside: none of them is a photo.
        '<figure><iframe src="https://video.example/1"></iframe>'
        "<figcaption>Watch the council debate the bridge</figcaption></figure>",
        '<div class="audio-player"><img src="a.jpg"><div class="caption">'
        "Listen to the whole interview with the mayor</div></div>",
        '<aside><img src="b.jpg"><span class="caption">Read the other story about old roads'
        "</span></aside>",
    ],
)
def test_what_is_not_a_photo_gives_no_image(markup: str) -> None:
    assert _article_images(markup) == []


def test_a_figure_whose_image_has_no_url_yet_keeps_its_caption() -> None:
    markup = (
        '<figure><img data-lazy="1"><figcaption>The old bridge before the works'
        "</figcaption></figure>"
    )
    assert _article_images(markup) == [("The old bridge before the works", None)]


def test_pictures_in_a_row_each_keep_their_own_caption() -> None:
    markup = "".join(
        f'<div><img src="{n}.jpg"></div><p class="imageCaption">{text}</p>'
        for n, text in enumerate(
            ["The bridge seen from the east", "Workers on the north pier", "The mayor at the vote"]
        )
    )
    assert [caption for caption, _ in _article_images(markup)] == [
        "The bridge seen from the east",
        "Workers on the north pier",
        "The mayor at the vote",
    ]


def test_the_lead_picture_of_a_teaser_styled_header_is_the_articles() -> None:
    markup = (
        '<div class="article__picture--teaser"><img src="a.jpg">'
        '<div class="caption">The mayor opens the new bridge</div>'
        '<div class="credit">Foto: IMAGO/Jane Doe</div></div>'
    )
    assert _article_images(markup) == [("The mayor opens the new bridge", "Foto: IMAGO/Jane Doe")]


def test_a_caption_printed_again_in_the_head_is_no_summary() -> None:
    caption = "The mayor at the opening of the new bridge on the east bank of the river"
    page = _page(
        "<article><header><h1>Council approves the new bridge</h1>"
        f'<figure><img src="a.jpg"><figcaption>{caption}</figcaption></figure>'
        f'<p class="image-description">{caption}</p></header>'
        + "".join(f"<p>{text}</p>" for text in BODY)
        + "</article>"
    )
    article = _tables([page]).articles.row(0, named=True)
    assert article["summary"] is None or caption not in article["summary"]
    assert caption not in article["body_text"]


def test_a_tracking_pixel_makes_no_caption_of_the_line_after_it() -> None:
    closing = "The works are due to start in the spring and to last for two years."
    page = _page(
        f"<article><h1>Headline here</h1><p>{BODY[0]}</p><p>{BODY[1]}</p>"
        f'<div><img src="https://count.example/p.gif" width="1" height="1"><p>{closing}</p></div>'
        "</article>"
    )
    tables = _tables([page])
    assert tables.article_images.is_empty()
    assert closing in tables.articles["body_text"][0]


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        # A loose picture whose tooltip ends in a credit after a bar.
        (
            '<div><img src="a.jpg" alt="Firefighters at a drill" title="Firefighters at a drill'
            ' | Bildquelle: WDR/Jane Doe"><p class="caption">Firefighters protest in Essen</p></div>',
            [("Firefighters protest in Essen", "Bildquelle: WDR/Jane Doe")],
        ),
        # A figure whose alt text ends in a bracketed credit.
        (
            '<figure><img src="a.jpg" alt="Traders at the market on Monday.'
            ' (Photo: Gallo Images / Jane Doe)"><figcaption>Traders at the new market'
            "</figcaption></figure>",
            [("Traders at the new market", "Photo: Gallo Images / Jane Doe")],
        ),
        # The credit the figure prints wins over the one in its attributes.
        (
            '<figure><img src="a.jpg" alt="The mayor (Photo: Old Archive)"><figcaption>'
            'The mayor at the opening <span class="credit">Foto: dpa</span></figcaption></figure>',
            [("The mayor at the opening", "Foto: dpa")],
        ),
        # Brackets or a bar that hold no credit give none.
        (
            '<figure><img src="a.jpg" alt="The mayor (left) | City hall"><figcaption>'
            "The mayor at the opening</figcaption></figure>",
            [("The mayor at the opening", None)],
        ),
    ],
)
def test_a_picture_that_prints_no_credit_takes_the_one_in_its_attributes(
    markup: str, expected: list[tuple]
) -> None:
    assert _article_images(markup) == expected


def test_an_attribute_credit_keeps_the_declared_image_credit_out() -> None:
    head = (
        '<script type="application/ld+json">'
        + json.dumps(
            {
                "@type": "NewsArticle",
                "headline": "Headline here",
                "image": {"@type": "ImageObject", "url": "lead.jpg", "creditText": "Other Person"},
            }
        )
        + "</script>"
    )
    page = _page(
        f"<article><h1>Headline here</h1><p>{BODY[0]}</p>"
        '<figure><img src="a.jpg" title="Traders | Foto: Jane Doe / AFP"><figcaption>'
        f"Traders at the new market</figcaption></figure><p>{BODY[1]}</p></article>",
        head,
    )
    tables = _tables([page])
    assert tables.article_images["credit_raw"].to_list() == ["Foto: Jane Doe / AFP"]
    assert "Other Person" not in tables.image_credits["name"].to_list()


@pytest.mark.parametrize(
    ("credit_markup", "credit"),
    [
        (
            '<span class="credit">Photo by Jane Doe</span> /<span class="distributor">AP</span>',
            "Photo by Jane Doe / AP",
        ),
        (
            '<span class="credit">Photo by Jane Doe</span> via <span class="agency">Getty Images'
            "</span>",
            "Photo by Jane Doe / Getty Images",
        ),
    ],
)
def test_text_after_a_credit_element_in_a_caption_goes_on_with_the_credit(
    credit_markup: str, credit: str
) -> None:
    markup = (
        '<figure><img src="a.jpg"><figcaption><span class="caption">Traders at the new'
        f" market.</span> {credit_markup}</figcaption></figure>"
    )
    assert _article_images(markup) == [("Traders at the new market.", credit)]


def test_a_dialog_is_no_part_of_the_body() -> None:
    dialog = (
        '<k-popover role="dialog"><div><p>Only subscribers can save articles to read them later'
        " on their phones and tablets, please log in.</p></div></k-popover>"
    )
    body = _tables([_article_page(dialog)]).articles["body_text"][0]
    assert "subscribers" not in body
    assert BODY[2] in body


def test_a_line_without_letters_is_no_body_text() -> None:
    body = _tables([_article_page("<p>12 / 345</p>")]).articles["body_text"][0]
    assert "12 / 345" not in body
    assert BODY[1] in body


@pytest.mark.parametrize(
    ("meta_author", "byline", "authors"),
    [
        # Metadata naming only the site yields to a printed byline that names a person.
        ("Daily Example", "By Ana Gil", ["Ana Gil"]),
        # A one-word printed name (an agency's short form, a nickname) does not.
        ("Daily Example", "Anadolu", ["Daily Example"]),
        # A person in metadata stands.
        ("Luis Paz", "By Ana Gil", ["Luis Paz"]),
    ],
)
def test_site_named_as_author_yields_to_printed_person(
    meta_author: str, byline: str, authors: list[str]
) -> None:
    head = (
        '<meta property="og:site_name" content="Daily Example">'
        f'<meta name="author" content="{meta_author}">'
    )
    body = (
        f"<article><h1>Headline here</h1><p>{byline}</p><p>{BODY[0]}</p><p>{BODY[1]}</p>"
        f"<p>{BODY[2]}</p></article>"
    )
    tables = _tables([_page(body, head)])
    names = tables.article_authors.sort("position")["name"].to_list()
    assert names == authors


def test_short_post_without_full_sentences_keeps_its_lines() -> None:
    # No line ends like a sentence and none is long: the page still has a story, and its
    # plain lines (not the menu, which is links) are the body.
    body = (
        "<ul class='menu'><li><a href='/a'>Home page of the blog</a></li>"
        "<li><a href='/b'>All the posts in the archive</a></li></ul>"
        "<div class='post'><h3>Pixel heroes and villains</h3>"
        "<p>You know me, I love pixels and I love superheroes, drawn by Ana Gil</p>"
        "<p>More of her work in the gallery of the month</p></div>"
    )
    text = _tables([_page(body)]).articles["body_text"][0] or ""
    assert "I love pixels and I love superheroes" in text
    assert "gallery of the month" in text
    assert "archive" not in text


@pytest.mark.parametrize(
    "sentence",
    [
        "I turned on the Facebook integration and found that Facebook had copied every "
        "contact from my phone into its own address book.",
        "Collection: a subset of tasks. If sending an email is a task, then a reset email "
        "and a marketing email are two collections.",
    ],
)
def test_prose_naming_share_targets_is_no_share_bar(sentence: str) -> None:
    body = _tables([_article_page(f"<p>{sentence}</p>")]).articles["body_text"][0]
    assert sentence in body
    assert BODY[1] in body


def test_short_post_of_a_picture_and_its_text_is_no_caption() -> None:
    # The picture and the post's one paragraph share the post's box: that box is the
    # story itself, not the picture's caption box.
    post = (
        "Gather around your television sets for an important announcement from fifty "
        "presidents of the movies, who address the nation one after the other."
    )
    body = (
        "<ul class='menu'><li><a href='/a'>Home page of the blog</a></li></ul>"
        f"<div class='post'><img src='p.jpg'><p>{post}</p></div>"
    )
    tables = _tables([_page(body)])
    assert post in (tables.articles["body_text"][0] or "")
    assert tables.article_images.filter(pl.col("caption") == post).is_empty()


def test_pages_parsed_ahead_come_in_their_order() -> None:
    rows = [(i, f"<html><body><p>page {i}</p></body></html>".encode()) for i in range(5)]
    parsed = list(_parsed_ahead(iter(rows)))
    assert [doc_id for doc_id, _ in parsed] == list(range(5))
    assert [tree.css_first("p").text() for _, tree in parsed] == [f"page {i}" for i in range(5)]


def test_chain_lists_each_blocks_enclosing_elements_outermost_first() -> None:
    trees = [
        (7, LexborHTMLParser("<body><div><p>One<br>two</p></div><p>Three</p></body>")),
        # No text block: no chain rows, an image row all the same.
        (8, LexborHTMLParser("<body><img src='a.jpg'></body>")),
        (9, LexborHTMLParser("<body><section><ul><li>Item</li></ul></section></body>")),
    ]
    frames = html_blocks.pages_frames(trees)
    expected = [
        (doc_id, block_no, container, level)
        for doc_id, tree in trees
        for block_no, block in enumerate(html_blocks.walk_page(tree)[0])
        for level, container in enumerate(block[html_blocks.CONTAINERS_FIELD])
    ]
    assert frames.chain.rows() == expected
    assert frames.chain.group_by("doc_id").len().sort("doc_id").rows() == [(7, 8), (9, 4)]
    assert frames.blocks.get_column("text").to_list() == ["One", "two", "Three", "Item"]
    assert frames.images.get_column("doc_id").to_list() == [8]


def test_titles_given_as_a_future_mark_the_headline_as_a_frame_does() -> None:
    pages = html_blocks.pages_frames([(0, LexborHTMLParser(PAGE))])
    titles = pl.DataFrame({"doc_id": [0], "meta_title": ["Council approves the new bridge"]})
    future: Future[pl.DataFrame] = Future()
    future.set_result(titles)
    by_frame = html_content.classify_html(pages, titles)
    assert by_frame.get_column("is_headline").any()
    assert html_content.classify_html(pages, future).equals(by_frame)
