"""Rules that decide which blocks of an HTML page are the article's body, each shown
from the reader's side on a small page: what the body text keeps and what it drops."""

from __future__ import annotations

import pytest

from tests.test_html import BODY, _page, _tables


def _body_text(body: str) -> str:
    return _tables([_page(body)]).articles["body_text"][0] or ""


def _story(middle: str) -> str:
    """A story with ``middle`` between its first and its last two paragraphs."""
    return (
        f"<article><h1>Council approves the new bridge</h1><p>{BODY[0]}</p>{middle}"
        f"<p>{BODY[1]}</p><p>{BODY[2]}</p></article>"
    )


@pytest.mark.parametrize(
    ("link", "own_words", "kept"),
    [
        # The item's own words beside its link: the story's list (deals, a line-up).
        ("Portable hard drive 2TB", "for $161.99 with free shipping", True),
        ("Rajai Davis", "(R) LF", True),
        # Nothing but a link: a list of other pages, even inside the story.
        ("Another story about roads and other matters", "", False),
    ],
)
def test_list_item_with_words_of_its_own_beside_its_link_is_body(
    link: str, own_words: str, kept: bool
) -> None:
    items = "".join(
        f"<li><a href='/item/{n}'>{link} {n}</a> {own_words}</li>" for n in ("one", "two", "three")
    )
    text = _body_text(_story(f"<ul>{items}</ul>"))
    assert (f"{link} two" in text) is kept
    assert BODY[0] in text and BODY[2] in text


SENTENCE = "The matrix equals its own conjugate transpose, so every one of its eigenvalues is real."
CAPTION = "The bridge seen from the east bank at dawn"


@pytest.mark.parametrize(
    ("middle", "line", "is_body"),
    [
        # A picture set in a sentence (a formula, an emoji): the paragraph is no caption.
        (f"<p>Let <img src='/math/a.svg'> be a square matrix. {SENTENCE}</p>", SENTENCE, True),
        (
            f"<li>If <img src='/math/h.svg'> is Hermitian, so is its inverse. {SENTENCE}</li>",
            SENTENCE,
            True,
        ),
        # A picture that opens a paragraph going on after it on the same line: floated
        # beside the text, not captioned by it.
        (f"<p><img src='/photo.jpg'>{SENTENCE}</p>", SENTENCE, True),
        # The same with the picture's caption printed in a span beside it: the text after
        # the caption is the paragraph's, not more caption.
        (
            f"<p><img src='/photo.jpg'><span class='caption'>{CAPTION}</span> {SENTENCE}</p>",
            SENTENCE,
            True,
        ),
        # A picture that starts its box: the short line after it is its caption.
        (f"<div><img src='/photo.jpg'><p>{CAPTION}</p></div>", CAPTION, False),
        (f"<p><img src='/photo.jpg'><br>{CAPTION}</p>", CAPTION, False),
    ],
)
def test_picture_inside_a_line_of_text_makes_no_caption_of_it(
    middle: str, line: str, is_body: bool
) -> None:
    tables = _tables([_page(_story(middle))])
    assert (line in (tables.articles["body_text"][0] or "")) is is_body
    captions = tables.article_images["caption"].to_list()
    assert any(line in (caption or "") for caption in captions) is not is_body


LONG_PARAGRAPHS = (f"{BODY[0]} {BODY[1]}", f"{BODY[1]} {BODY[2]}")


@pytest.mark.parametrize(
    ("box", "is_body"),
    [
        # Paragraphs of sentences, longer than any caption, in a box whose class says
        # caption: the post's text beside its picture.
        (
            "<div class='caption-image'><img src='/a.jpg'>"
            + "".join(f"<p>{text}</p>" for text in LONG_PARAGRAPHS)
            + "</div>",
            True,
        ),
        # One line of caption under a picture stays the picture's caption.
        (f"<div class='caption-image'><img src='/a.jpg'><p>{LONG_PARAGRAPHS[0]}</p></div>", False),
    ],
)
def test_a_caption_box_holding_paragraphs_is_body(box: str, is_body: bool) -> None:
    # The rest of the story is longer than the box: the box is no wrapper of the story.
    rest = "".join(f"<p>{text}</p>" for text in (*LONG_PARAGRAPHS, *LONG_PARAGRAPHS[::-1]))
    story = f"<article><h1>Council approves the new bridge</h1>{box}{rest}</article>"
    tables = _tables([_page(story)])
    assert (LONG_PARAGRAPHS[0] in (tables.articles["body_text"][0] or "")) is is_body
    assert (tables.article_images["caption"].to_list() == [LONG_PARAGRAPHS[0]]) is not is_body


MENU = (
    "<ul class='menu'>"
    + "".join(f"<li><a href='/s/{n}'>Section number {n} of the site</a></li>" for n in range(30))
    + "</ul>"
)
COMMENTS = (
    "<div class='comments'>"
    + "".join(f"<p>{text} I said so before and I will say it again.</p>" for text in BODY * 2)
    + "</div>"
)
STORY = "".join(f"<p>{text}</p>" for text in BODY)


@pytest.mark.parametrize(
    ("body", "kept", "dropped"),
    [
        # The story inside a box named for the share buttons a script adds to it.
        (f"{MENU}<h1>Bridge approved</h1><div class='share_wrapper'>{STORY}</div>", BODY, []),
        (f"{MENU}<h1>Bridge approved</h1><div class='js-social-images'>{STORY}</div>", BODY, []),
        # The post, headline and all, inside an <aside>.
        (f"{MENU}<aside class='blogPost'><h1>Bridge approved</h1>{STORY}</aside>", BODY, []),
        # A comment section holds more prose than the story: it stays out all the same.
        (
            f"{MENU}<article><h1>Bridge approved</h1><p>{BODY[0]}</p></article>{COMMENTS}",
            [BODY[0]],
            ["I said so before"],
        ),
        # The story's text in a box some systems name "teaser" (the lead and what follows),
        # holding most of the page's prose; a box of teasers beside a story holds less.
        (f"{MENU}<h1>Bridge approved</h1><div class='teaser-text'>{STORY}</div>", BODY, []),
        (
            f"{MENU}<article><h1>Bridge approved</h1>{STORY}</article>"
            f"<div class='teasers'><p>{BODY[0]} More on this soon.</p></div>",
            BODY,
            ["More on this soon"],
        ),
    ],
)
def test_story_inside_a_widget_named_box_is_body(
    body: str, kept: list[str], dropped: list[str]
) -> None:
    text = _body_text(body)
    assert all(paragraph in text for paragraph in kept)
    assert not any(line in text for line in dropped)
    assert "Section number" not in text


EXCERPT = "Stack Overflow published the results of its developer survey, summarizing answers."


@pytest.mark.parametrize(
    ("box_class", "kept"),
    [
        # "related" glued to the next word of a class name still names related posts.
        ("jp-relatedposts", False),
        ("relatedArticles", False),
        ("related-stories", False),
        # A class that says nothing of the kind leaves the box in the story.
        ("pullquote-box", True),
    ],
)
def test_related_posts_box_glued_class_stays_out(box_class: str, kept: bool) -> None:
    box = f"<div class='{box_class}'><div class='excerpt'><p>{EXCERPT}</p></div></div>"
    text = _body_text(_story(box))
    assert (EXCERPT in text) is kept
    assert BODY[0] in text and BODY[2] in text


TABLE = (
    "<table><tr><td><p>State</p></td><td><p>Comment</p></td></tr>"
    "<tr><td><p>enqueued</p></td><td><p>Waiting for a free worker to pick it up.</p></td></tr>"
    "</table>"
)
AFTER = "After the table the story goes on with the second half of its explanation here."


@pytest.mark.parametrize(
    ("middle", "after_kept"),
    [
        # "Comment" heading a table's column: the story goes on after the table.
        (TABLE, True),
        # "Comments" heading a section after the story: what follows is the readers'.
        ("<h3>Comments</h3>", False),
    ],
)
def test_comment_column_of_a_table_does_not_end_the_story(middle: str, after_kept: bool) -> None:
    story = (
        "<article><h1>Council approves the new bridge</h1>"
        + "".join(f"<p>{text}</p>" for text in BODY)
        + f"{middle}<p>{AFTER}</p></article>"
    )
    text = _body_text(story)
    assert all(paragraph in text for paragraph in BODY)
    assert (AFTER in text) is after_kept


def _teaser(n: int) -> str:
    return (
        f"<div class='entry'><h5><a href='/post/{n}'>Another post number {n} on this blog</a></h5>"
        f"<p>November {n}</p><p>A short summary of post {n} that tells the reader what it is"
        " about, in a sentence or so.</p></div>"
    )


@pytest.mark.parametrize(
    ("column_links", "kept"),
    [
        # A side column of teasers in the story's wrapper: headlines as links, each with a
        # lone summary.
        (True, False),
        # The same shape without links: boxes of the story's own text.
        (False, True),
    ],
)
def test_side_column_of_teasers_inside_the_root_is_dropped(column_links: bool, kept: bool) -> None:
    column = "".join(_teaser(n) for n in range(1, 6))
    if not column_links:
        column = column.replace("<a href", "<span data-href").replace("</a>", "</span>")
    story = "".join(f"<p>{text}</p>" for text in BODY)
    # The headline above both columns: the root is their wrapper, whose columns this rule
    # weighs (a headline in the story's column would make that column the story).
    page = (
        f"<div class='wrap'><h1>Council approves the new bridge</h1><div class='main-col'>{story}"
        f"</div><div class='second-col'>{column}</div></div>"
    )
    text = _body_text(page)
    assert all(paragraph in text for paragraph in BODY)
    assert ("A short summary of post 3" in text) is kept


DATA_TABLE = (
    "<table><tr><th>Crossing</th><th>Opened</th><th>Length</th></tr>"
    "<tr><td><a href='/old-bridge'>Old bridge</a></td><td>1921</td><td>310 m</td></tr>"
    "<tr><td><a href='/rail-bridge'>Rail bridge</a></td><td>1967</td><td>420 m</td></tr>"
    "</table>"
)
GRID_TABLE = (
    "<table><tr><td>Crossing</td><td>Opened</td></tr>"
    "<tr><td>Old bridge</td><td>1921</td></tr><tr><td>Rail bridge</td><td>1967</td></tr></table>"
)
LAYOUT_TABLE = (
    "<table><tr><td><p>Old bridge</p><p>1921</p><ul><li><a href='/a'>Archive</a></li>"
    "<li><a href='/b'>Blog menu</a></li></ul></td></tr></table>"
)


@pytest.mark.parametrize(
    ("table", "kept"),
    [
        # A table of the story's figures: every cell is body, a year or a linked name too.
        (DATA_TABLE, True),
        # A grid of columns whose cells hold a line each is data without headers.
        (GRID_TABLE, True),
        # A table whose cell holds a page part (a sidebar) is layout.
        (LAYOUT_TABLE, False),
    ],
)
def test_cells_of_a_data_table_in_the_story_are_body(table: str, kept: bool) -> None:
    text = _body_text(_story(table))
    # A year alone on its line says nothing as prose; in a data table it is a figure.
    assert ("1921" in text) is kept
    if kept:
        assert "Old bridge" in text
    assert BODY[0] in text and BODY[2] in text


CODE = "result = connect(host)\nresult.send(payload)"
CODE_AGAIN = "result = connect(host)\nresult.send(payload)\nresult.close()"


def test_code_blocks_are_body_even_when_they_repeat_their_opening() -> None:
    story = _story(
        f"<pre>{CODE}</pre><p>{BODY[1]} Then it is closed.</p><pre>{CODE_AGAIN}</pre>"
        "<pre>2, 3, 5, 12</pre>"
    )
    text = _body_text(story)
    assert "result.close()" in text
    assert "2, 3, 5, 12" in text


SECOND_PART = (
    "The second part of the plan widens the road to the bridge on both of its banks.",
    "Work on the eastern approach starts in spring and is due to end before the winter.",
    "The western approach follows a year later, once the new ferry landing is built.",
)
BIO = "Jane Roe covers transport and city politics for the paper and lives by the river."


@pytest.mark.parametrize(
    ("after_figure", "kept"),
    [
        # The story goes on after a wide figure, in a section under a subheading.
        (
            "<div class='section'><h2>The roads</h2>"
            + "".join(f"<p>{text}</p>" for text in SECOND_PART)
            + "</div>",
            SECOND_PART,
        ),
        # A card of a heading and a line beside the story is the author's bio.
        ("<div class='section'><h3>Jane Roe</h3><p>" + BIO + "</p></div>", ()),
    ],
)
def test_section_after_a_figure_with_its_own_subheading_is_body(
    after_figure: str, kept: tuple[str, ...]
) -> None:
    first_part = "".join(f"<p>{text}</p>" for text in BODY * 4)
    story = (
        f"<article><h1>Council approves the new bridge</h1><div class='section'>{first_part}"
        "</div><figure><img src='/wide.jpg'><figcaption>The bridge at dawn</figcaption></figure>"
        f"{after_figure}</article>"
    )
    text = _body_text(story)
    assert all(paragraph in text for paragraph in kept)
    assert BIO not in text


@pytest.mark.parametrize(
    ("heading", "kept"),
    [
        # A subheading that links to its own place in the page (an anchor to copy).
        ("<h2 id='roads'><a href='#roads'>What happens to the roads</a></h2>", True),
        # A heading that links to another page is a teaser's headline.
        ("<h2><a href='/roads-story'>What happens to the roads</a></h2>", False),
    ],
)
def test_subheading_linking_to_its_own_anchor_is_body(heading: str, kept: bool) -> None:
    text = _body_text(_story(heading))
    assert ("What happens to the roads" in text) is kept
    assert BODY[0] in text and BODY[2] in text


TEASER_SUMMARY = (
    "This is the summary of another review on the site, a long sentence that tells the reader "
    "what the review holds and why the car in it is worth a look this year."
)


@pytest.mark.parametrize(
    ("box_headings", "kept"),
    [
        # HTML5 boxes that each open with an <h1>: a side column of teaser cards.
        (("Most popular", "Latest reviews", "Concept cars"), False),
        # One <h1> in the aside: the page's headline, so the aside wraps the story.
        (("Most popular",), True),
    ],
)
def test_aside_of_headed_boxes_holding_article_cards_stays_out(
    box_headings: tuple[str, ...], kept: bool
) -> None:
    cards = "".join(
        f"<article><h3><a href='/review/{n}'>Review {n}</a></h3><p>{TEASER_SUMMARY} {n}.</p>"
        "</article>"
        for n in range(4)
    )
    boxes = "".join(f"<section><h1>{heading}</h1>{cards}</section>" for heading in box_headings)
    story = "".join(f"<p>{text}</p>" for text in BODY)
    # The story's paragraphs in the wrapper itself: the aside's markup alone decides.
    page = (
        f"<div class='content'><h1>Council approves the new bridge</h1>{story}"
        f"<aside class='sidebar'>{boxes}</aside></div>"
    )
    text = _body_text(page)
    assert all(paragraph in text for paragraph in BODY)
    assert (TEASER_SUMMARY in text) is kept


POEM = (
    "I wander often from the way",
    "And sin afflicts me every day",
    "Oh when shall I be pure",
    "Christ leads me to the path again",
)


@pytest.mark.parametrize(
    ("separator", "kept"),
    [
        # A short post's lines set in one element with <br>: a poem, read as text.
        ("<br>", True),
        # The same lines each in an element of its own: headings of a menu or a box.
        ("</div><div>", False),
    ],
)
def test_lines_of_a_short_post_split_at_line_breaks_are_body(separator: str, kept: bool) -> None:
    lines = separator.join(POEM)
    page = f"<div class='post'><h1>A hymn for the week</h1><div class='entry'><div>{lines}</div></div></div>"
    text = _body_text(page)
    assert (POEM[1] in text) is kept


NOTE = (
    "The painter made these portraits of famous scientists and actors for a gallery show, "
    "go and see them there."
)


@pytest.mark.parametrize(
    ("picture", "is_body"),
    [
        # A picture alone in a paragraph of the post: the next paragraph is its text.
        ("<p><img src='/portrait.jpg'></p>", True),
        # A picture loose in a box: the short line after it is its caption.
        ("<img src='/portrait.jpg'>", False),
    ],
)
def test_paragraph_after_a_picture_set_in_a_paragraph_is_body(picture: str, is_body: bool) -> None:
    story = "".join(f"<p>{text}</p>" for text in BODY)
    page = (
        f"<div class='post'><h1>Portraits of scientists</h1><div class='entry'>{story}</div>"
        f"<div class='gallery'>{picture}<p>{NOTE}</p></div></div>"
    )
    tables = _tables([_page(page)])
    assert (NOTE in (tables.articles["body_text"][0] or "")) is is_body


LEGAL_NOTICE = (
    "Example League is the official web site of the league. All trademarks and logos shown "
    "are the property of their owners and may not be reproduced without the prior written "
    "consent of the league and its clubs, and all other content is the property of the league "
    "and may not be copied, sold or broadcast in any form. Some content is licensed from third "
    "parties and is shown here under the terms of their licenses, as the notice says in full."
)


def test_copyright_notice_beside_a_short_story_stays_out() -> None:
    story = "".join(f"<p>{text}</p>" for text in BODY)
    page = (
        f"<div class='page-body'><div class='wide-col'><h1>Council approves the new bridge</h1>"
        f"{story}</div><div class='site-copyright'>{LEGAL_NOTICE}</div></div>"
    )
    text = _body_text(page)
    assert all(paragraph in text for paragraph in BODY)
    assert "official web site" not in text


NOTICE = "This material may not be published, broadcast, rewritten or redistributed."
REPRODUCING = "Knowing this, we can detect and reproduce the original settings of the encoder."


@pytest.mark.parametrize(
    ("line", "is_body"),
    [
        # A rights notice says what is forbidden or allowed.
        (NOTICE, False),
        ("No part of this article may be reproduced without written permission.", False),
        # A sentence that reproduces something is prose.
        (REPRODUCING, True),
        ("Advocates linked trans rights and reproductive rights in the debate on Tuesday.", True),
    ],
)
def test_rights_notice_needs_a_permission_or_prohibition(line: str, is_body: bool) -> None:
    text = _body_text(_story(f"<p>{line}</p>"))
    assert (line in text) is is_body
    assert BODY[0] in text and BODY[2] in text


JAPANESE_SENTENCE = (
    "フリーWi-Fiプロテクションは、App Storeおよび、Google Playにて販売され、"
    "既に提供しているアプリと併用することで、通信の盗み見を防ぐことができる。"
)


def test_long_sentence_in_an_unspaced_script_naming_an_app_is_no_interface_line() -> None:
    text = _body_text(_story(f"<p>{JAPANESE_SENTENCE}</p>"))
    assert JAPANESE_SENTENCE in text


@pytest.mark.parametrize(
    "last",
    [
        "DeepMind已将其研究结果发表在科学刊物《自然》（Nature）上。（编译/林靖东）",
    ],
)
def test_last_paragraph_ending_in_a_bracketed_note_is_body(last: str) -> None:
    # Enough prose that short lines after the last sentence are trimmed as furniture.
    paragraphs = "".join(f"<p>{n}. {' '.join(BODY)}</p>" for n in range(5))
    page = f"<article><h1>Council approves the new bridge</h1>{paragraphs}<p>{last}</p></article>"
    assert last in _body_text(page)


def _long_story(after: str) -> str:
    """A story with enough prose that short lines after its last sentence are trimmed as
    furniture, then ``after``."""
    paragraphs = "".join(f"<p>{n}. {' '.join(BODY)}</p>" for n in range(5))
    return f"<article><h1>Council approves the new bridge</h1>{paragraphs}{after}</article>"


CHANGE = "Fixed bug {n}: the planner crashed when a second screen was attached (Bug {n})"


@pytest.mark.parametrize(
    ("item", "kept"),
    [
        # An item of the list the story's last prose is in, as long as a sentence: story.
        (CHANGE, True),
        # A short note below the last prose of a list: furniture.
        ("Jane Doe liked this {n}", False),
    ],
)
def test_long_items_of_the_list_holding_the_last_prose_go_on_with_the_story(
    item: str, kept: bool
) -> None:
    items = "".join(f"<li>{item.format(n=n)}</li>" for n in (101, 102))
    text = _body_text(_long_story(f"<ul><li>{BODY[1]} {BODY[2]}</li>{items}</ul>"))
    assert (item.format(n=102) in text) is kept
    assert BODY[1] in text


def test_link_text_counts_its_source_indentation_as_one_space() -> None:
    # Pretty-printed markup: the link's text spans lines and indentation in the source.
    indent = "\n" + " " * 120
    line = "Read the council report on the bridge before the vote on Tuesday."
    linked = line.replace("report on", f"<a href='/report'>report{indent}on</a>")
    assert line in _body_text(_story(f"<p>{linked}</p>"))


FILM_ROWS = "".join(
    f"<tr><th>Film {n}</th><td>19{n}0</td><td>{BODY[n % 3]} {BODY[(n + 1) % 3]}</td></tr>"
    for n in range(1, 8)
)
INTRO = "This list of films features characters who live the same day over and over again."


def test_a_table_of_data_holding_most_prose_is_part_of_the_story_around_it() -> None:
    page = (
        "<h1>List of films featuring time loops</h1><div class='content'>"
        f"<p>{INTRO}</p><table><caption>Films</caption>"
        f"<tr><th>Film</th><th>Year</th><th>Plot</th></tr>{FILM_ROWS}</table></div>"
    )
    text = _body_text(page)
    assert INTRO in text
    assert "Film 3" in text


ITEMS = (
    "two admission tickets to the final game in the capital",
    "three nights of accommodation in a standard double room",
)


@pytest.mark.parametrize(
    ("post_class", "is_body"),
    [
        # A post tagged with a subject ("tag-credit-cards"): the tag names the post's
        # subject, not a photo credit, so its short lines are its text.
        ("post type-post tag-credit-cards category-reviews", True),
        # An element whose own class says credit holds a picture's credit line.
        ("photo-credit", False),
    ],
)
def test_subject_class_of_a_post_makes_no_credit_of_its_lines(
    post_class: str, is_body: bool
) -> None:
    items = "".join(f"<li>{item}</li>" for item in ITEMS)
    text = _body_text(_story(f"<div class='{post_class}'><ul>{items}</ul></div>"))
    assert (ITEMS[0] in text) is is_body
    assert BODY[0] in text and BODY[2] in text


LINKED_LINES = ("Storm forces hospital evacuation", "Doubts about the new tariff plan")
# Paragraphs of sentences enough to outweigh a caption or a row of tags.
STORY_PARAGRAPHS = (
    *BODY,
    "The mayor said that work on the foundations could begin in the spring if the weather"
    " holds and the contractors keep to the schedule they agreed with the city.",
    "Residents of the east bank, who now drive forty minutes to reach the centre, packed the"
    " public gallery and applauded when the result of the vote was read out.",
    "A group of shop owners warned that two years of building work would keep customers away"
    " from the old market street and asked the council for help with their rents.",
    "The regional government has promised to pay half of the cost, and the rest will come"
    " from a loan that the city expects to repay from tolls over twenty years.",
    "Engineers chose a steel arch because it needs no piers in the river, where barges"
    " still carry gravel and timber down to the port every day of the week.",
    "The last bridge built in the city opened in 1962 and was paid for by a tax on petrol"
    " that the older members of the council still remember with some bitterness.",
)


@pytest.mark.parametrize(
    ("post_class", "is_body"),
    [
        # A post whose class names its tags ("tag-storm"): its short linked lines are the
        # post's own list, not a list of tags.
        ("post type-post tag-storm tag-hospitals", True),
        # A row of tags is still one.
        ("post-tags", False),
    ],
)
def test_post_named_for_its_tags_is_no_tag_list(post_class: str, is_body: bool) -> None:
    items = "".join(
        f"<li><a href='/p/{n}'>{line}</a> (ctd)</li>" for n, line in enumerate(LINKED_LINES)
    )
    paragraphs = "".join(f"<p>{text}</p>" for text in STORY_PARAGRAPHS)
    inner = f"<ul>{items}</ul>{paragraphs}" if is_body else f"<ul>{items}</ul>"
    outer = "" if is_body else paragraphs
    # The site's menu outweighs the post: the post is no wrapper of the page.
    page = (
        f"{MENU}<div class='content'><h1>Council approves the new bridge</h1>{outer}"
        f"<div class='{post_class}'>{inner}</div></div>{MENU.replace('/s/', '/t/')}"
    )
    tables = _tables([_page(page)])
    text = tables.articles["body_text"][0] or ""
    assert (LINKED_LINES[0] in text) is is_body
    assert STORY_PARAGRAPHS[2] in text


SCHEDULE = (
    "December 1st",
    "Austin, TX – The Drafthouse (Tickets)",
    "Dallas, TX – Inwood Theatre",
    "December 14th",
)


@pytest.mark.parametrize(
    ("lines", "kept"),
    [
        # Short lines after the last sentence, set as paragraphs beside the story's own:
        # the story goes on as a list typed line by line.
        (SCHEDULE, True),
        # A lone closing line there is a note, not more of the story.
        (SCHEDULE[:1], False),
    ],
)
def test_run_of_short_paragraphs_after_the_story_is_body(
    lines: tuple[str, ...], kept: bool
) -> None:
    after = "".join(f"<p>{line}</p>" for line in lines)
    paragraphs = "".join(f"<p>{text}</p>" for text in STORY_PARAGRAPHS)
    text = _body_text(
        f"<article><h1>Council approves the new bridge</h1>{paragraphs}{after}</article>"
    )
    assert (lines[0] in text) is kept
    assert STORY_PARAGRAPHS[-1] in text


QUOTED = (
    "Only a small number of voters care about the war, and fewer still about a bridge"
    " that most of them will never cross, the professor said on the phone from Berlin,"
    " where he teaches the politics of transport at the university."
)


@pytest.mark.parametrize(
    "earlier",
    [
        # A pull quote prints the opening of a later paragraph: the paragraph, longer, is
        # the text, not a repeat of the quote.
        f"<blockquote><p>{QUOTED[:90]}</p></blockquote>",
        # The same paragraph printed twice is a repeat: the text holds it once.
        f"<p>{QUOTED}</p>",
    ],
)
def test_paragraph_opening_like_an_earlier_pull_quote_is_body(earlier: str) -> None:
    text = _body_text(_story(f"{earlier}<p>{BODY[1]}</p><p>{QUOTED}</p>"))
    assert text.count(QUOTED) == 1


def test_short_post_that_links_what_it_talks_about_is_body() -> None:
    # A post of two lines, half of whose words link to the places and books it names.
    post = (
        "<p>I would love to invite you to <a href='/book'>The Treehouse Heroes</a> book event"
        " at <a href='/shop'>The Reading Bug</a> on Saturday.</p>"
        "<p>Hope to see <a href='/map'>you all there</a>, and bring the kids along.</p>"
    )
    sidebar = "".join(f"<li><a href='/p/{n}'>Older post number {n}</a></li>" for n in range(20))
    text = _body_text(
        f"<div class='post'><h3>Little gifts for friends</h3>{post}</div><ul>{sidebar}</ul>"
    )
    assert "The Treehouse Heroes book event" in text
    assert "Older post" not in text


TAGLINE = "Tips, tricks and help for teachers and bloggers who use technology in class"


@pytest.mark.parametrize(
    ("line_class", "kept"),
    [
        # The site's motto under its name in the header is no standfirst of the post.
        ("site-description", False),
        ("tagline", False),
        # A blog engine's header widget names the motto only "description".
        ("description", False),
        # A standfirst between the headline and the story is.
        ("standfirst", True),
    ],
)
def test_site_tagline_in_the_header_is_no_standfirst(line_class: str, kept: bool) -> None:
    paragraphs = "".join(f"<p>{text}</p>" for text in STORY_PARAGRAPHS)
    tables = _tables(
        [
            _page(
                f"<header><h1><a href='/'>Teaching Blog</a></h1><h2 class='{line_class}'>"
                f"{TAGLINE}</h2></header><div class='post'>{paragraphs}</div>"
            )
        ]
    )
    body = " ".join(filter(None, [tables.articles["summary"][0], tables.articles["body_text"][0]]))
    assert (TAGLINE in body) is kept
    assert STORY_PARAGRAPHS[0] in body


@pytest.mark.parametrize(
    ("box_class", "kept"),
    [
        # A blog engine's box of the other blogs that link to the post is no more of it.
        ("trackbacks", False),
        ("pingbacks-list", False),
        # A box of the post's own notes is.
        ("postscript", True),
    ],
)
def test_trackbacks_box_after_the_story_is_not_body(box_class: str, kept: bool) -> None:
    note = "Listed below are the notes that other weblogs wrote about this very post of ours."
    paragraphs = "".join(f"<p>{text}</p>" for text in STORY_PARAGRAPHS)
    text = _body_text(
        f"<article><h1>Council approves the new bridge</h1>{paragraphs}"
        f"<div class='{box_class}'><p>{note}</p></div></article>"
    )
    assert (note in text) is kept
    assert STORY_PARAGRAPHS[-1] in text


AUTHOR_BIO = (
    "Jane Roe has covered transport and city politics for the paper since 2009, and before "
    "that she reported on courts for a news agency."
)


@pytest.mark.parametrize(
    "box_class",
    ["author-bio", "author_info", "authorInfo", "about-the-author", "post-author bio"],
)
def test_author_bio_box_below_the_story_is_no_body(box_class: str) -> None:
    bio = f"<div class='{box_class}'><p>{AUTHOR_BIO}</p></div>"
    text = _body_text(_story("").replace("</article>", f"{bio}</article>"))
    assert AUTHOR_BIO not in text
    assert BODY[0] in text and BODY[2] in text


SIDE_NOTE = (
    "This blog is written by a small team of volunteers who read every message that the "
    "readers send in."
)


@pytest.mark.parametrize(
    "box_class",
    # A blog engine's text widget, its comment form ("respond"), its post footer; a
    # numbered sidebar; the fine print of a site's terms.
    ["textwidget", "respond", "postmetadata alt", "sidebar2", "fineprint", "site-disclaim"],
)
def test_blog_engine_furniture_beside_the_story_is_no_body(box_class: str) -> None:
    box = f"<div class='{box_class}'><p>{SIDE_NOTE}</p></div>"
    text = _body_text(_story("").replace("</article>", f"{box}</article>"))
    assert SIDE_NOTE not in text
    assert BODY[0] in text and BODY[2] in text


SITE_BLURBS = [
    "This magazine is written for people who love new gadgets and read about them every day.",
    "Our team tests every product it writes about before telling readers what it thinks of it.",
]


def _headed_box(box_class: str, heading: str, paragraphs: list[str]) -> str:
    """A <div> of ``box_class`` opening on ``heading`` (an HTML heading) and its paragraphs."""
    texts = "".join(f"<p>{text}</p>" for text in paragraphs)
    return f"<div class='{box_class}'>{heading}{texts}</div>"


def test_prose_beside_the_box_of_the_headline_is_no_body() -> None:
    # No <article> or <main>: the box around the headline holds most of the prose, and a
    # headed box of the site's own blurbs beside it holds too much for the root to exclude.
    post = _headed_box("post", "<h1>Council approves the new bridge</h1>", BODY)
    about = _headed_box("box", "<h3>About this site</h3>", SITE_BLURBS)
    text = _body_text(f"<div class='wrap'>{post}{about}</div>")
    assert all(blurb not in text for blurb in SITE_BLURBS)
    assert all(paragraph in text for paragraph in BODY)


def test_heading_that_reads_as_the_page_title_heads_the_story() -> None:
    # A blog: its name in the page's only <h1>, the post's title in an <h2> that the
    # page's metadata names; the box of the site's blurbs beside the post is no body.
    post = _headed_box("post", "<h2>Little gifts for friends</h2>", BODY)
    about = _headed_box("box", "<h3>About this site</h3>", SITE_BLURBS)
    page = _page(
        f"<div class='top'><h1>Designer Daily</h1></div><div class='wrap'>{post}{about}</div>",
        head="<meta property='og:title' content='Little gifts for friends'>",
    )
    text = _tables([page]).articles["body_text"][0] or ""
    assert all(blurb not in text for blurb in SITE_BLURBS)
    assert all(paragraph in text for paragraph in BODY)


SIDEBAR_BLURBS = [
    "Our newsroom has covered the city and its neighbourhoods for more than forty years now, "
    "and readers can send us their tips, their photographs and their letters at any time.",
    "Every Friday the editors answer the questions that readers have asked during the week, "
    "and subscribers receive the morning briefing and the weekend magazine at no extra charge.",
]
FUNDING = [
    "The bridge will be paid for by the regional transport fund and by a loan that the city "
    "expects to repay over the next twenty five years from the tolls on the old ferry route.",
    "The council said the first cars should cross the river in the spring of the year after "
    "next, provided that the engineers find the riverbed as firm as the early surveys suggest.",
]


def test_layout_box_of_the_headline_with_a_third_of_the_prose_is_the_story() -> None:
    # No <article> or <main>: the box around the headline holds less than half of the
    # page's prose; the headed box of the site's own blurbs beside it holds the rest.
    post = _headed_box("post", "<h1>Council approves the new bridge</h1>", BODY)
    about = _headed_box("box", "<h3>About us</h3>", SIDEBAR_BLURBS)
    text = _body_text(f"<div class='wrap'>{post}{about}</div>")
    assert all(blurb not in text for blurb in SIDEBAR_BLURBS)
    assert all(paragraph in text for paragraph in BODY)


def test_article_is_not_cut_at_the_box_of_its_headline() -> None:
    # The markup names the story (<article>): its second section, shorter than the
    # headline's box and too short to join as a sibling, is still the story's.
    intro = _headed_box("intro", "<h1>Council approves the new bridge</h1>", BODY)
    more = _headed_box("more", "<h2>How it will be paid for</h2>", FUNDING)
    text = _body_text(f"<article>{intro}{more}</article>")
    assert all(paragraph in text for paragraph in BODY + FUNDING)


# A menu of plain links before the story: the page's blocks outnumber the article's.
MENU = "<div><ul>" + "".join(f"<li><a href='/s/{n}'>Section {n}</a></li>" for n in range(30))
MENU += "</ul></div>"


def _headed_story(head_lines: str, standfirst: str = "") -> str:
    """A page without metadata whose article holds its headline, ``standfirst`` and
    ``head_lines`` under it, then the story's paragraphs; a long menu before it."""
    paragraphs = "".join(f"<p>{text}</p>" for text in BODY)
    return _page(
        f"{MENU}<main><article><h1>Council approves the new bridge</h1>{standfirst}"
        f"{head_lines}{paragraphs}</article></main>"
    )


STANDFIRST = "The crossing over the river will be ready in three years, the council says"


@pytest.mark.parametrize(
    ("standfirst", "byline"),
    [
        ("", "By Jane Roe"),
        (f"<h2>{STANDFIRST}</h2>", "Jane Roe"),
        (f"<p>{STANDFIRST}.</p>", "Jane Roe"),
    ],
)
def test_byline_place_and_date_under_a_headline_inside_the_root_are_the_head(
    standfirst: str, byline: str
) -> None:
    head_lines = (
        f"<div><p>{byline}</p><p>Springfield</p></div><div>05/03/2024 Updated at 10:15</div>"
    )
    tables = _tables([_headed_story(head_lines, standfirst)])
    assert tables.article_authors["name"].to_list() == ["Jane Roe"]
    text = tables.articles["body_text"][0] or ""
    assert BODY[0] in text and BODY[2] in text
    assert "Springfield" not in text and "Updated at" not in text and "Jane Roe" not in text


def test_short_lines_under_a_headline_without_a_byline_are_body() -> None:
    # Without a byline or date line under the headline, no line there is the head's.
    head_lines = "<p>Traffic will be slow.</p><p>Work begins in May.</p>"
    text = _body_text(_headed_story(head_lines))
    assert "Traffic will be slow." in text and "Work begins in May." in text


def test_signature_of_a_quoted_post_is_no_date_line() -> None:
    quote = (
        "<blockquote><p>What a day for the city.</p>"
        "<p>— City Council (@council) October 31, 2021</p></blockquote>"
    )
    page = _page(
        f"{MENU}<main><article><h1>Council approves the new bridge</h1><p>{BODY[0]}</p>"
        f"{quote}<p>{BODY[1]}</p><p>{BODY[2]}</p></article></main>"
    )
    paragraphs = _tables([page]).article_paragraphs
    kinds = paragraphs.filter(paragraphs["text"].str.contains("October 31"))["kind"].to_list()
    assert kinds == ["paragraph"]


@pytest.mark.parametrize(("note_class", "kept"), [("entry-footer", False), ("lead", True)])
def test_notice_in_a_paragraph_classed_as_furniture_after_the_story_is_no_body(
    note_class: str, kept: bool
) -> None:
    note = "This entry was posted on Tuesday and is filed under City news and transport."
    text = _body_text(
        _story("").replace("</article>", f"<p class='{note_class}'>{note}</p></article>")
    )
    assert (note in text) is kept
    assert BODY[2] in text


@pytest.mark.parametrize(
    ("lead_in", "kept"),
    [
        # A line ending in a colon leads in the short lines typed below it: a list.
        ("You need the following for four portions:", True),
        ("Ingredients:", True),
        # Without the lead-in, short lines without a sentence are furniture.
        ("You need the following for four portions.", False),
    ],
)
def test_short_lines_after_a_line_ending_in_a_colon_are_its_list(lead_in: str, kept: bool) -> None:
    items = "".join(
        f"<div>{item}</div>" for item in ("2 tsp vegetable oil", "1 large onion", "4 cloves garlic")
    )
    text = _body_text(_story(f"<div>{lead_in}</div>{items}"))
    assert ("1 large onion" in text) is kept
    assert BODY[0] in text and BODY[2] in text


def test_a_web_address_after_a_lead_in_ends_its_list() -> None:
    middle = (
        "<div>Find this article on the web at:</div><div>https://example.org/a/90871</div>"
        "<div>No ratings yet</div>"
    )
    text = _body_text(_story(middle))
    assert "No ratings yet" not in text


def test_story_printed_first_in_a_hidden_box_is_no_repeat() -> None:
    """The copy on screen of a story printed first in a hidden box (for print, for another
    screen size) is the body, not a repeat of the hidden one."""
    copy = f"<div class='print-copy hidden'><p>{BODY[1]}</p></div>"
    page = (
        f"<article><h1>Council approves the new bridge</h1>{copy}"
        f"<p>{BODY[0]}</p><p>{BODY[1]}</p><p>{BODY[2]}</p></article>"
    )
    assert BODY[1] in _body_text(page)


def test_line_printed_first_in_a_box_on_screen_is_a_repeat_below_the_story() -> None:
    """An author's card printed twice, once in a box the body drops: the second is a repeat."""
    bio = "Jane Doe covers city politics and transport, and has reported on the council for ten years."
    page = (
        f"<article><h1>Council approves the new bridge</h1><div class='author-box'><p>{bio}</p>"
        f"</div><p>{BODY[0]}</p><p>{BODY[1]}</p><p>{BODY[2]}</p><div><p>{bio}</p></div></article>"
    )
    assert bio not in _body_text(page)


LONG_SECTION = " ".join([BODY[1], BODY[2], BODY[0], BODY[1]])


@pytest.mark.parametrize(("after", "kept"), [(LONG_SECTION, True), (BODY[1], False)])
def test_linked_heading_over_a_long_paragraph_heads_a_section(after: str, kept: bool) -> None:
    """A heading that is all link (a product linked to its shop) heads the story's next
    section when a long paragraph follows it; over a short one it is a teaser's headline."""
    heading = "<h3><a href='/shop/rez-infinite'>Rez Infinite ($30)</a></h3>"
    text = _body_text(_story(f"{heading}<p>{after}</p>"))
    assert ("Rez Infinite ($30)" in text) is kept


def test_line_ending_in_said_over_a_block_quote_is_body() -> None:
    """A line like "Hibu said:" over a block quote attributes the quote: no comment's byline."""
    quote = "<blockquote><p>" + BODY[2] + "</p></blockquote>"
    text = _body_text(_story(f"<p>Analyst Jane Doe said:</p>{quote}"))
    assert "Analyst Jane Doe said:" in text


COMMENT = (
    "I read this with great interest, and I think the council made the right call here,"
    " although the cost of the crossing still worries me and many of my neighbours."
)
# The story goes on past the words a comment section needs before it.
MORE_BODY = [
    "Construction is to begin in the spring and should take about two years to complete.",
    "The mayor thanked both sides for a debate she called long but fair and necessary.",
]
LONG_STORY = "".join(f"<p>{text}</p>" for text in BODY + MORE_BODY)


def _commented_story(heading: str, *, heading_level: int = 3, n_comments: int = 8) -> str:
    """A story followed, in a box without a telling class, by a heading and comments
    that outweigh the story's own prose (as on a blog with many readers)."""
    comments = "".join(
        f"<div><div><span>Reader {n}</span> | <a href='#c{n}'>March 5, 2024 10:0{n % 10}</a>"
        f"</div><div><p>{COMMENT} Comment number {n}.</p></div></div>"
        for n in range(n_comments)
    )
    return _page(
        f"<div><div><h1>Council approves the new bridge</h1>{LONG_STORY}</div><div><h{heading_level}>{heading}</h{heading_level}><div>{comments}</div></div></div>"
    )


@pytest.mark.parametrize(
    "heading",
    [
        "270 Comments",
        "53 Responses to “Council approves the new bridge”",
        "Comments (186)",
        "Leave a Reply",
        # A comments word alone, opening its box.
        "Comments",
    ],
)
def test_comment_section_after_a_heading_is_no_body(heading: str) -> None:
    text = _body_text(_commented_story(heading))
    assert BODY[0] in text and MORE_BODY[1] in text
    assert "Comment number" not in text and heading not in text


def test_comments_word_between_subheadings_of_a_text_is_a_subheading() -> None:
    # A list of ideas, one titled "Comment", past half of the text: the text goes on.
    parts = [("Comment", MORE_BODY[0]), ("Briefing", MORE_BODY[1])]
    text = _body_text(
        _page(
            "<div><h1>Council approves the new bridge</h1>"
            + "".join(f"<p>{text}</p>" for text in BODY)
            + "".join(f"<h2>{title}</h2><p>{words}</p>" for title, words in parts)
            + "</div>"
        )
    )
    assert MORE_BODY[0] in text and MORE_BODY[1] in text
