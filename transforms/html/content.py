"""Classify HTML blocks: find the article's main content and give every block a ``kind``.

Grain in: one row per block, per block element and per image of a page
(``html_blocks.PageFrames``). Grain out: one row per block with the text
path's features and ``kind`` vocabulary (see ``text.classify``), so that the
same assembly serves both inputs; plus one row per image.

How the main content is found, generically:

1. A *prose block* has enough words, few of them inside links, and sits in no
   container whose class or id says navigation, sharing, teasers, comments...
2. Each block element scores the prose words beneath it; the *root* is the
   deepest element that holds ``ROOT_SHARE`` of the page's prose words, or, below
   it, the deepest element around the story's headline (the heading that reads as
   the page's title, else its only ``<h1>``) that holds ``HEADLINE_ROOT_SHARE`` of them
   (``LAYOUT_HEADLINE_ROOT_SHARE`` below a root that is no ``<article>`` or ``<main>``).
3. Inside the root, markup decides first (headings are subheadlines, figures
   hold captions and credits, noise containers and link lists are dropped),
   then the text path's line rules (bylines, dates, "read also" cues, reader
   notices). Before the root, the page head gives title, byline, date and a
   standfirst; a root that holds the headline holds the head's lines under it too
   (``_head_in_root``).
"""

from __future__ import annotations

from concurrent.futures import Future

import polars as pl

from dateline.transforms.fields import credits
from dateline.transforms.fields.tags import MAX_TAG_WORDS
from dateline.transforms.html.walk import LANDMARK_BITS, PageFrames, landmark
from dateline.transforms.lexicon import load
from dateline.transforms.patterns import (
    LETTER_PATTERN,
    STATE_CLASS_PATTERN,
    literal_alternation,
)
from dateline.transforms.text import blocks as text_blocks
from dateline.transforms.text.classify import MAX_CAPTION_WORDS, MIN_CAPTION_WORDS, classify_blocks

HTML_LEXICON = load("html")


def _word_pattern(words: list[str]) -> str:
    # A word before ":" is a utility-class variant ("print:hidden", "dark:bg-x"), not a role.
    return rf"(?:^|[^a-z0-9])(?:{literal_alternation(words)})(?:[^a-z0-9:]|$)"


# Widgets that hold no prose (share bars, toolbars): an element named by one of these words
# and by no other noise word, holding most of the page's sentences, wraps the story.
WIDGET_HINT_PATTERN = _word_pattern(HTML_LEXICON["widget_container_words"])
PROSE_NOISE_HINT_PATTERN = _word_pattern(
    [
        word
        for word in HTML_LEXICON["noise_container_words"]
        if word not in HTML_LEXICON["widget_container_words"]
    ]
)
HIDDEN_CLASS_PATTERN = rf"(?:^|\s)(?:{literal_alternation(HTML_LEXICON['hidden_classes'])})(?:\s|$)"
NOISE_HINT_PATTERN = _word_pattern(HTML_LEXICON["noise_container_words"])
# "sidebar", "sidebar2", "l-col__sidebar", "sidebar--fixed": a few words are noise as the last word of a
# class name only; "sidebar-grid__content" or "has-sidebar" is a layout holding the story.
NOISE_CLASS_END_WORDS = literal_alternation(HTML_LEXICON["noise_class_ends"])
NOISE_CLASS_END_PATTERN = (
    rf"(?:^|\s)(?:[a-z0-9_-]*[_-])?(?:{NOISE_CLASS_END_WORDS})[0-9]?(?:--[a-z0-9_-]+)?(?:\s|$)"
)
# "commentlist", "commentbody": a few noise words also mark the start of a glued class word.
NOISE_PREFIX_PATTERN = (
    rf"(?:^|[^a-z0-9])(?:{literal_alternation(HTML_LEXICON['noise_container_prefixes'])})"
)
NOISE_PREFIX_EXCEPTION_PATTERN = literal_alternation(HTML_LEXICON["noise_prefix_exceptions"])
# A word of three lower-case letters or more before an upper-case letter: two words of a
# class name joined ("InlineDonationPromo"); a shorter stem is a prefix ("adShift", "jsTabs").
# Two passes: matches do not overlap ("locNavContainer" needs both).
CAMEL_CASE_JOINT = r"(\p{L}\p{Ll}{2})(\p{Lu})"
# "category-social-media", "entry-category-sharing", "tag-comments": a post's subjects as
# class names; their slugs are read for no role.
TAXONOMY_CLASS_PATTERN = (
    r"(?:^|\s)(?:(?:entry|post|article)[-_])?"
    rf"(?:{literal_alternation(HTML_LEXICON['taxonomy_class_prefixes'])})[-_]\S*"
)
CAPTION_HINT_PATTERN = _word_pattern(HTML_LEXICON["caption_words"])


def _role_hints(hints: pl.Expr) -> pl.Expr:
    """A block's enclosing class names, lower-cased, without the post's subjects
    (``TAXONOMY_CLASS_PATTERN``): "tag-credit-cards" says what a post is about, not that
    its lines are photo credits."""
    return (
        hints.str.to_lowercase()
        .str.replace_all(TAXONOMY_CLASS_PATTERN, " ")
        .str.replace_all(r"\s+", " ")
        .str.strip_chars()
    )


LEGAL_NOTICE_HINT_PATTERN = _word_pattern(HTML_LEXICON["legal_notice_words"])
# The site's own motto in its header ("site-description", "tagline"): never a standfirst.
SITE_TAGLINE_HINT_PATTERN = _word_pattern(HTML_LEXICON["site_tagline_words"])
CREDIT_HINT_PATTERN = _word_pattern(HTML_LEXICON["credit_words"])
TAG_LIST_HINT_PATTERN = _word_pattern(HTML_LEXICON["tag_list_words"])
RELATED_HINT_PATTERN = _word_pattern(HTML_LEXICON["related_words"])
TEXT_ELEMENT_TAGS = ("p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre")
# A table's frame: the table and its rows, not its cells (row groups are no block elements).
TABLE_FRAME_TAGS = ("table", "tr")
# Lists: the items of one go on with the story as long as the list does.
LIST_TAGS = ("ul", "ol", "dl")
# Landmarks whose content is never the article's prose.
NOISE_LANDMARK_TAGS = ("nav", "footer", "aside", "form")

STORY_BITS = LANDMARK_BITS["article"] | LANDMARK_BITS["main"]
# A container whose class says noise, caption, tags... but holds more than this share
# of the page's words is a wrapper: the class is styling, not a role.
MAX_NOISE_CONTAINER_SHARE = 0.4
# A noise-named element holding this share of the page's prose words wraps the story when
# its name is a prose-less widget's or it holds the headline. Chosen by leave-one-site-out
# validation over fundus, readability and dragnet among 0.1 to 0.75 (0.2 in all folds but one).
MIN_WRAPPER_PROSE_SHARE = 0.2
# Some systems name the story's own text "teaser" (its lead and what follows it): an
# element so named that holds this share of the page's prose words, most of it, wraps the
# story; a box of teasers beside a short story holds less. fundus, readability and dragnet
# are flat from 0.2 to 0.7; on trafilatura-eval's must-contain snippets 0.2 to 0.3 find 8
# more, 0.4 to 0.6 find 6, 0.7 finds 3, and none finds a must-not-contain one.
TEASER_WRAPPER_PROSE_SHARE = 0.5
TEASER_HINT_PATTERN = _word_pattern(["teaser", "teasers"])
# An element whose class says caption but that holds this many paragraphs of sentences,
# and more words than a caption has, is a text box beside a picture.
MIN_TEXT_BOX_PARAGRAPHS = 2
# A prose block: at least this many words, at most this share of its characters in links.
MIN_PROSE_WORDS = 8
# Teaser headlines do not end like sentences; prose this long counts even when it does not.
LONG_PROSE_WORDS = 25
MAX_PROSE_LINK_SHARE = 0.3
# Prose by its shape alone, whatever the classes around it say.
PROSE_SHAPED = (
    (pl.col("n_words") >= MIN_PROSE_WORDS)
    & (pl.col("ends_sentence") | (pl.col("n_words") >= LONG_PROSE_WORDS))
    & (pl.col("link_chars") <= pl.col("text").str.len_chars() * MAX_PROSE_LINK_SHARE)
    & (pl.col("heading_level") == 0)
)
# A page with fewer prose words than this is a short post: lines of this many words
# count as prose there, whether or not they end like sentences.
MIN_PAGE_PROSE_WORDS = 200
MIN_SPARSE_PROSE_WORDS = 4
# A short post's few lines link to what they talk about: there, a line counts as prose
# with up to this share of its characters in links. Chosen by leave-one-site-out
# validation over fundus, readability and dragnet among 0.3 to 0.9 (0.7 in 820 of 821
# folds; fundus and readability are flat up to 0.7).
MAX_SPARSE_PROSE_LINK_SHARE = 0.7
# The root holds this share of the page's prose words.
ROOT_SHARE = 0.75
# Below the root, the deepest element around the story's headline that holds this
# share of the page's prose words is the story: the rest of the root's prose is
# furniture beside it (a sidebar's blurbs, a pop-up's sign-up text). Below a root
# that the markup names as the story (``STORY_TAGS``), the rest is the story's own
# boxes: a page of boxed sections, a paywalled story's standfirst box above its text;
# there the headline's element must hold half of the prose. Below a layout's <div> or
# the <body> (a blog's page of post, sidebar and comments), ``LAYOUT_HEADLINE_ROOT_SHARE``.
# Chosen by leave-one-site-out validation over fundus, readability and dragnet among
# 0.2 to 0.5 (0.25 in 820 of 821 folds on token F1, held out 0.9196 against 0.9170
# for 0.5; 0.2 to 0.3 are within 0.0001; fundus is flat).
HEADLINE_ROOT_SHARE = 0.5
LAYOUT_HEADLINE_ROOT_SHARE = 0.25
STORY_TAGS = ("article", "main")
# The story's headline, when the page's metadata names its title, is a heading of at
# most this level: a blog's post title is an <h2> or an <h3> below the blog's name.
HEADLINE_MAX_LEVEL = 3
# Siblings of the root and of its ancestors up to this many levels up may hold the rest
# of the story; one joins it when this share of its words is prose, at most this share
# of its characters are links, and its headings open no other item (teaser cards link
# theirs; a card of a heading and a line is a promotion or a bio).
# Chosen by leave-one-site-out validation over fundus, readability and dragnet.
SIBLING_DEPTH = 1
MIN_SIBLING_PROSE_SHARE = 0.7
# A sibling with headings that link nowhere joins when it holds this many prose blocks
# (the scores are flat from 2 to 6 on fundus, readability and dragnet).
MIN_HEADED_SIBLING_PARAGRAPHS = 3
MAX_SIBLING_LINK_SHARE = 0.2
# An <article> inside the root holding this share of its prose is a story of its own.
MIN_STORY_SHARE = 0.2
# A column of teasers beside the story inside the root: a child of the root, other than the
# one with the most running prose, whose prose comes as at least this many lone blocks (a
# summary between a headline and a date), lone blocks hold this share of its prose, and
# this share of its characters are links (the teasers' headlines). The item count and the
# lone share were set by hand from the columns' statistics; the link share was chosen by
# leave-one-site-out validation over fundus, readability and dragnet.
MIN_TEASER_ITEMS = 3
MIN_TEASER_LONE_SHARE = 0.5
MIN_TEASER_LINK_SHARE = 0.25
# A block under the root that is all but wholly link text is a link list, not prose; an
# item that adds a few words of its own to its link ("Laptop X for $550 with free
# shipping", "1. Jane Doe (R) LF") is the story's own list. Chosen by leave-one-site-out
# validation over fundus, readability and dragnet (0.9 in every fold, of 0.5 to 1).
MAX_BODY_LINK_SHARE = 0.9
# A table inside the story whose text is at most this share links is the story's data
# (figures, a line-up, an infobox): every cell is body, short, numeric or linked as it is.
# A table mostly of links is a list of other pages. Chosen among 0.3 to 1 by leaving out
# one whole set of fundus, readability and dragnet at a time (0.7 in every fold).
MAX_TABLE_LINK_SHARE = 0.7
# A table without headers is data when this share of its lines sit alone in their cell
# (the scores are flat from 0.6 to 0.9 on fundus, readability and dragnet).
MIN_DATA_TABLE_LINE_CELLS = 0.8
MAX_SUBHEADLINE_WORDS = 25
# A heading under the root that is all link (a product's name linked to its shop, a
# section's name to its page) heads the story's next section when a paragraph of at least
# this many words of prose follows it; a teaser's headline has a short summary or none.
# Chosen by leave-one-site-out validation over fundus, readability and dragnet among 20 to
# 80 on body token F1 (50 in 820 of 821 folds; held out 0.94794 against 0.94789 without
# the rule). On shingles the folds choose 30, which takes in a teaser's headline on fundus.
MIN_LINKED_HEADING_PARAGRAPH_WORDS = 50
# After the story's last full sentence, a run of at least this many short paragraphs in
# the element of the story's paragraphs is more of the story (a schedule, a list typed as
# lines); a lone line there is a closing note ("Quelle: dpa"). Chosen by leave-one-site-out
# validation over fundus, readability and dragnet among 1 to 6: the folds chose 1, which
# lowers fundus; 2 is the best value that lowers no set.
MIN_TAIL_RUN_LINES = 2
# A body line ending in a colon ("The following schools are closed:", "Ingredients:")
# leads in a list: the short lines right after it are the list's items, the story's text,
# though each alone reads like furniture.
LEAD_IN_PATTERN = r":\s*$"
# A line that is one web address is a link printed out ("Find this article at:"), no item.
BARE_ADDRESS_PATTERN = r"(?i)^\s*(?:https?://|www\.)\S*\s*$"
# A standfirst in the page head: prose of at least this many words.
MIN_LEAD_WORDS = 10
MAX_CREDIT_WORDS = 20
# Class names of elements that hold an image's credit (matched anywhere in the class).
IMAGE_CREDIT_CLASS_PATTERN = (
    r"credit|copyright|photographer|fotograf|bildquelle"
    r"|(?:image|img|photo|foto|picture|media)[-_]*(?:author|autor|source|quelle)"
)
# "teaser-image", "picture--teaser": the picture that leads the story, not a teaser of
# another story ("teaser" alone marks noise).
LEAD_PICTURE_CLASS_PATTERN = (
    r"teaser[-_]*(?:image|picture|img|bild|media|figure)"
    r"|(?:image|picture|img|bild|media|figure)[-_]*teaser"
)
# A caption or credit in a media player (video, audio, podcast) describes no picture;
# the player's class is among the nearest class names above the line.
PLAYER_HINT_PATTERN = _word_pattern(HTML_LEXICON["player_words"])
PLAYER_HINT_TOKENS = 4
# The words of a caption counted against MIN_CAPTION_WORDS: runs of letters (any script).
CAPTION_WORD_PATTERN = r"\p{L}{2,}"
# A loose image's box holds at most a caption, a credit and a label.
MAX_MEDIA_LINES = 3
MAX_MEDIA_CREDIT_WORDS = 3
MIN_MEDIA_CAPTION_WORDS = 3
# A caption line that opens with one of these marks, right after a credit element, is
# the rest of that credit ("<span class=credit>Photo by X</span> /<span>AP</span>").
# A mark that is a word needs white space after it.
CREDIT_CONTINUATION_START = (
    r"^\s*(?:"
    + "|".join(
        pl.escape_regex(mark) + (r"\s" if mark[-1].isalnum() else "")
        for mark in HTML_LEXICON["credit_continuation_marks"]
    )
    + r")\s*"
)
# The end of an <img> title or alt attribute that may be a credit: after the last bar
# ("Firefighters at work | Bildquelle: WDR/Jane Doe"), or in closing brackets
# ("... the market. (Photo: Gallo Images / Jane Doe)"). Only a credit line counts.
ATTRIBUTE_BAR_TAIL = r"\|\s*([^|]*[^|\s])\s*$"
ATTRIBUTE_BRACKET_TAIL = credits.CAPTION_TRAILING_BRACKETS
# Attributes read for a credit, the first that holds one wins: a title shows as the tooltip.
CREDIT_ATTRIBUTES = ("title", "alt")
# A picture outside any figure that starts its line: the lines after it may be its caption.
# One set in a line of text (a formula, an emoji, an icon) captions nothing.
LOOSE_PICTURE = (pl.col("figure_id") < 0) & ~pl.col("is_inline")
# Without a headline element, the page head is this many blocks before the root.
HEAD_BLOCKS_WITHOUT_H1 = 6


def _container_flags(containers: pl.DataFrame) -> pl.DataFrame:
    """One row per block element in and out: what its tag, class and id say it holds."""
    # "InlineDonationPromo" names its words by case: split them before lower-casing.
    lowered = (
        pl.col("container_hint")
        .str.replace_all(CAMEL_CASE_JOINT, "${1}-${2}")
        .str.replace_all(CAMEL_CASE_JOINT, "${1}-${2}")
        .str.to_lowercase()
    )
    hint = (
        pl.col("_lowered")
        .str.replace_all(TAXONOMY_CLASS_PATTERN, " ")
        .str.replace_all(STATE_CLASS_PATTERN, " ")
        .str.replace_all(LEAD_PICTURE_CLASS_PATTERN, "leadpicture")
    )
    other_noise_word = pl.col("_hint").str.replace_all(
        NOISE_PREFIX_EXCEPTION_PATTERN, " "
    ).str.contains(NOISE_PREFIX_PATTERN) | pl.col("_hint").str.contains(NOISE_CLASS_END_PATTERN)
    # A class on a paragraph or heading is typography ("dropcap", "lead"), not a role.
    text_element = pl.col("container_tag").is_in(TEXT_ELEMENT_TAGS)
    noise_landmark = pl.col("container_tag").is_in(NOISE_LANDMARK_TAGS)
    # Pages repeat their class names: each distinct element description is read once.
    # The rewritten hint and the tests several flags share are staged as columns first,
    # so that each runs once per description, not once per use.
    described = ["container_hint", "container_tag", "container_itemprop"]
    staged = (
        containers.select(described)
        .unique()
        .with_columns(_lowered=lowered)
        .with_columns(_hint=hint)
        .with_columns(
            _other_noise_word=other_noise_word,
            _hidden=pl.col("_hint").str.contains(HIDDEN_CLASS_PATTERN),
        )
    )
    hint = pl.col("_hint")
    other_noise_word = pl.col("_other_noise_word")
    hidden = pl.col("_hidden")
    noise_word = hint.str.contains(NOISE_HINT_PATTERN) | other_noise_word
    flags = staged.select(
        *described,
        is_noise=(noise_word & ~text_element) | hidden | noise_landmark,
        # On a paragraph the class is typography, unless it comes after the story (see _trim_tail).
        is_text_noise=noise_word & text_element,
        is_widget=hint.str.contains(WIDGET_HINT_PATTERN)
        & ~hint.str.contains(PROSE_NOISE_HINT_PATTERN)
        & ~other_noise_word
        & ~hidden
        & ~noise_landmark,
        is_teaser=hint.str.contains(TEASER_HINT_PATTERN),
        is_tag_list=pl.col("_lowered").str.contains(TAG_LIST_HINT_PATTERN),
        is_related=hint.str.contains(RELATED_HINT_PATTERN),
        is_caption=hint.str.contains(CAPTION_HINT_PATTERN)
        | (pl.col("container_tag") == "figcaption"),
        is_credit=hint.str.contains(CREDIT_HINT_PATTERN),
        is_legal_notice=hint.str.contains(LEGAL_NOTICE_HINT_PATTERN) & ~text_element,
        is_site_tagline=hint.str.contains(SITE_TAGLINE_HINT_PATTERN),
        is_body_prop=pl.col("container_itemprop").str.to_lowercase() == "articlebody",
    )
    return containers.join(flags, on=described, how="left", nulls_equal=True, maintain_order="left")


# What the rules read of each enclosing block element of a block (``_block_chain``): its tag
# and the flags its tag, class and id set. Its class, id, itemprop and landmarks are read
# per element, before (``classify_html``): the chain, several rows per block and joined
# again by each rule that reads it, is kept as narrow as its readers.
CHAIN_CONTAINER_COLUMNS = (
    "container_tag",
    "is_noise",
    "is_text_noise",
    "is_tag_list",
    "is_related",
    "is_caption",
    "is_credit",
    "is_site_tagline",
)


def _block_chain(chain: pl.DataFrame, containers: pl.DataFrame) -> pl.DataFrame:
    """One row per (block, enclosing block element), with the element's depth (0 = body)
    and what its tag, class and id say (``CHAIN_CONTAINER_COLUMNS``)."""
    return chain.join(
        containers.select("doc_id", "container", *CHAIN_CONTAINER_COLUMNS),
        on=["doc_id", "container"],
        how="left",
        maintain_order="left",
    )


def _rooted_chain(chain: pl.DataFrame, roots: pl.DataFrame) -> pl.DataFrame:
    """The block chain (``_block_chain``) of the pages with a root, with the page's ``root``
    and ``root_level`` on each row, in the chain's order: joined once, read by each rule
    that weighs blocks against the root."""
    return chain.join(roots, on="doc_id", maintain_order="left")


def find_roots(blocks: pl.DataFrame, chain: pl.DataFrame) -> pl.DataFrame:
    """One row per page with prose: ``root`` (block element id) and its depth."""
    prose = blocks.filter(pl.col("is_prose")).select("doc_id", "block_no", "n_words")
    scored = (
        chain.join(prose, on=["doc_id", "block_no"], maintain_order="left")
        .group_by("doc_id", "container", "level")
        .agg(
            words=pl.col("n_words").sum(),
            first_block=pl.col("block_no").min(),
            is_article=(pl.col("container_tag") == "article").any(),
            names_story=pl.col("container_tag").is_in(STORY_TAGS).any(),
        )
        .with_columns(total=pl.col("words").filter(pl.col("level") == 0).first().over("doc_id"))
    )
    roots = (
        scored.filter(pl.col("words") >= pl.col("total") * ROOT_SHARE)
        .join(
            _data_table_parts(chain), on=["doc_id", "container"], how="anti", maintain_order="left"
        )
        .sort("doc_id", "level", descending=[False, True])
        .unique("doc_id", keep="first")
        .select(
            "doc_id",
            root="container",
            root_level="level",
            root_words="words",
            root_names_story="names_story",
        )
    )
    roots = _headline_roots(blocks, chain, scored, roots)
    # Several stories in one root (an endless-scroll page): the first one is the page's.
    stories = (
        scored.join(roots, on="doc_id", maintain_order="left")
        .filter(
            pl.col("is_article")
            & (pl.col("level") > pl.col("root_level"))
            & (pl.col("words") >= pl.col("root_words") * MIN_STORY_SHARE)
        )
        .with_columns(n_stories=pl.len().over("doc_id"))
        .filter(pl.col("n_stories") >= 2)
        .sort("doc_id", "first_block")
        .unique("doc_id", keep="first")
        .select("doc_id", story="container", story_level="level")
    )
    return roots.join(stories, on="doc_id", how="left", maintain_order="left").select(
        "doc_id",
        root=pl.coalesce("story", "root"),
        root_level=pl.coalesce("story_level", "root_level"),
    )


def _headline_roots(
    blocks: pl.DataFrame, chain: pl.DataFrame, scored: pl.DataFrame, roots: pl.DataFrame
) -> pl.DataFrame:
    """One row per page in (doc_id, root, root_level, root_words, root_names_story) and out
    (doc_id, root, root_level, root_words): the root moves down to the deepest element
    below it that holds the story's headline (``is_headline``, see ``mark_headline``) and
    ``HEADLINE_ROOT_SHARE`` of the page's prose words, or ``LAYOUT_HEADLINE_ROOT_SHARE``
    of them below a root that the markup does not name as the story.

    A story is read from its headline down: an element around the headline with much of
    the prose is the story, and the prose beside it in the root (an about-this-site
    blurb, a sidebar's promotion, a sign-up pop-up) is not, however much there is.
    """
    headline = blocks.filter(pl.col("is_headline")).select("doc_id", "block_no")
    around = (
        chain.join(headline, on=["doc_id", "block_no"], maintain_order="left")
        .join(roots, on="doc_id", maintain_order="left")
        .with_columns(
            in_root=(
                (pl.col("container") == pl.col("root")) & (pl.col("level") == pl.col("root_level"))
            )
            .any()
            .over("doc_id")
        )
        .filter(pl.col("in_root") & (pl.col("level") > pl.col("root_level")))
        .select("doc_id", "container", "level", "root_names_story")
        .join(scored, on=["doc_id", "container", "level"], maintain_order="left")
        .with_columns(
            share=pl.when(pl.col("root_names_story"))
            .then(HEADLINE_ROOT_SHARE)
            .otherwise(LAYOUT_HEADLINE_ROOT_SHARE)
        )
        .filter((pl.col("words") >= pl.col("total") * pl.col("share")) & (pl.col("words") > 0))
        .join(
            _data_table_parts(chain), on=["doc_id", "container"], how="anti", maintain_order="left"
        )
        .sort("doc_id", "level", descending=[False, True])
        .unique("doc_id", keep="first")
        .select("doc_id", headline_root="container", headline_level="level", headline_words="words")
    )
    return roots.join(around, on="doc_id", how="left", maintain_order="left").select(
        "doc_id",
        root=pl.coalesce("headline_root", "root"),
        root_level=pl.coalesce("headline_level", "root_level"),
        root_words=pl.coalesce("headline_words", "root_words"),
    )


def _data_table_parts(chain: pl.DataFrame) -> pl.DataFrame:
    """One row per table that heads its rows or columns (``<th>``, ``<caption>``), and per
    row of it: (doc_id, container).

    A table of data (a list article's films, a line-up) is a part of the story however
    much of its prose it holds: the story is the element around it, with the lines that
    introduce the table and the notes after it.
    """
    tables = chain.filter(pl.col("container_tag") == "table").select(
        "doc_id", "block_no", table="container", table_level="level"
    )
    headed = (
        chain.filter(pl.col("container_tag").is_in(["th", "caption"]))
        .select("doc_id", "block_no")
        .join(tables, on=["doc_id", "block_no"], maintain_order="left")
        .select("doc_id", "table")
        .unique()
    )
    # The table and its rows, not its cells: a layout table's cell may hold a whole story.
    return (
        chain.join(
            tables.join(headed, on=["doc_id", "table"], how="semi", maintain_order="left"),
            on=["doc_id", "block_no"],
            maintain_order="left",
        )
        .filter(
            (pl.col("level") >= pl.col("table_level"))
            & pl.col("container_tag").is_in(TABLE_FRAME_TAGS)
        )
        .select("doc_id", "container")
        .unique()
    )


def comment_headings(blocks: pl.DataFrame, chain: pl.DataFrame) -> pl.DataFrame:
    """One row per heading element (level 2 or deeper) that reads as a comment section's
    title (``text.blocks.comment_section_heading``): doc_id, ``heading_no`` (its block),
    ``sureness`` (2 for a count or a form heading, 1 for a comments word alone),
    ``prose_before`` (words of prose-shaped blocks before it), ``section`` (the nearest
    element around it that holds more blocks than the heading) and ``heads_section``: the
    heading is the section's first block, or no other heading of its rank follows it there
    past some prose, but the comment form's (in the middle of a text, between subheadings
    of its rank, a comments word heads a part of the text: "Comment", "Briefing"...).

    Reads ``text``, ``n_words``, ``ends_sentence``, ``link_chars``, ``heading_level``.
    """
    prose_words = pl.when(PROSE_SHAPED).then(pl.col("n_words")).otherwise(0)
    all_headings = (
        blocks.select(
            "doc_id",
            "block_no",
            "heading_level",
            "text",
            prose_before=prose_words.cum_sum().over("doc_id") - prose_words,
        )
        .filter(pl.col("heading_level") >= 2)
        .with_columns(sureness=text_blocks.comment_section_heading(pl.col("text")))
        .drop("text")
    )
    headings = all_headings.filter(pl.col("sureness") > 0)
    spans = (
        chain.join(headings.select("doc_id"), on="doc_id", how="semi")
        .group_by("doc_id", "container")
        .agg(first_block=pl.col("block_no").min(), last_block=pl.col("block_no").max())
    )
    sections = (
        chain.join(headings, on=["doc_id", "block_no"])
        .join(spans, on=["doc_id", "container"])
        .filter(pl.col("last_block") > pl.col("block_no"))
        .sort("doc_id", "block_no", "level", descending=[False, False, True])
        .unique(["doc_id", "block_no"], keep="first", maintain_order=True)
        .select(
            "doc_id",
            "sureness",
            "prose_before",
            "first_block",
            heading_no="block_no",
            rank="heading_level",
            section="container",
        )
    )
    # Headings of the same rank after it in its section, past some prose, other than
    # comment headings.
    followed = (
        chain.join(
            all_headings.filter(pl.col("sureness") == 0).select(
                "doc_id", "block_no", "heading_level", later_prose="prose_before"
            ),
            on=["doc_id", "block_no"],
        )
        .join(
            sections.select("doc_id", "heading_no", "rank", "prose_before", container="section"),
            on=["doc_id", "container"],
        )
        .filter(
            (pl.col("block_no") > pl.col("heading_no"))
            & (pl.col("heading_level") == pl.col("rank"))
            & (pl.col("later_prose") > pl.col("prose_before"))
        )
        .select("doc_id", "heading_no")
        .unique()
    )
    return sections.join(
        followed.with_columns(followed=pl.lit(True)),
        on=["doc_id", "heading_no"],
        how="left",
        maintain_order="left",
    ).select(
        "doc_id",
        "heading_no",
        "sureness",
        "prose_before",
        "section",
        heads_section=(pl.col("first_block") == pl.col("heading_no"))
        | pl.col("followed").is_null(),
    )


def comment_sections(headings: pl.DataFrame, chain: pl.DataFrame) -> pl.DataFrame:
    """One row (doc_id, block_no) per block of a comment section that the markup shows
    without naming it in a class: a comment heading (``comment_headings``) and every block
    after it in its section. A count or a form heading ("270 Comments", "53 Responses to
    “Title”", "Leave a Reply") is enough; a comments word alone ("Comments") must head its
    section (``heads_section``).

    No amount of prose is asked for before the heading: a photo blog's post may be one
    line above a hundred comments. (Leave-one-site-out over the dev sets and their copies
    without class names, 0 to 400 words of prose tried: 0 chosen for every site.)"""
    sections = headings.filter((pl.col("sureness") == 2) | pl.col("heads_section")).select(
        "doc_id", "heading_no", container="section"
    )
    return (
        chain.join(sections, on=["doc_id", "container"])
        .filter(pl.col("block_no") >= pl.col("heading_no"))
        .select("doc_id", "block_no")
        .unique()
    )


def _block_measures(blocks: pl.DataFrame, *extra: str) -> pl.DataFrame:
    """What the column and section rules weigh of each block: (doc_id, block_no, n_words,
    is_prose, link_chars, the ``extra`` columns, chars)."""
    return blocks.select(
        "doc_id",
        "block_no",
        "n_words",
        "is_prose",
        "link_chars",
        *extra,
        chars=pl.col("text").str.len_chars(),
    )


def teaser_columns(blocks: pl.DataFrame, rooted: pl.DataFrame) -> pl.DataFrame:
    """One row per block of the root that sits in a column of teasers: (doc_id, block_no).
    ``rooted`` is the block chain of the pages with a root, with its ``root`` and
    ``root_level`` (``_rooted_chain``).

    A layout may hold the story and a side column in one element, so that the root (the
    deepest element with most of the prose) holds both. The story's column is the root's
    child with the most running prose (prose blocks next to prose blocks); a sibling
    column whose prose comes as lone summaries between headlines and dates, with much
    of its text in links, lists other stories.
    """
    columns = (
        rooted.filter(pl.col("level") == pl.col("root_level") + 1)
        .select("doc_id", "block_no", column="container")
        .join(_block_measures(blocks), on=["doc_id", "block_no"], maintain_order="left")
        .sort("doc_id", "block_no")
    )
    prose_next_door = pl.col("is_prose").shift(1).over("doc_id", "column").fill_null(
        False
    ) | pl.col("is_prose").shift(-1).over("doc_id", "column").fill_null(False)
    lone = pl.col("is_prose") & ~prose_next_door
    stats = (
        columns.with_columns(lone=lone)
        .group_by("doc_id", "column")
        .agg(
            prose=pl.col("n_words").filter(pl.col("is_prose")).sum(),
            lone_words=pl.col("n_words").filter(pl.col("lone")).sum(),
            lone_items=pl.col("lone").sum(),
            links=pl.col("link_chars").sum() / pl.col("chars").sum().clip(lower_bound=1),
        )
        .with_columns(running=pl.col("prose") - pl.col("lone_words"))
    )
    story_column = pl.col("running") == pl.col("running").max().over("doc_id")
    teasers = stats.filter(
        ~story_column
        & (pl.col("lone_items") >= MIN_TEASER_ITEMS)
        & (pl.col("lone_words") >= pl.col("prose") * MIN_TEASER_LONE_SHARE)
        & (pl.col("links") >= MIN_TEASER_LINK_SHARE)
    )
    return columns.join(teasers, on=["doc_id", "column"], how="semi", maintain_order="left").select(
        "doc_id", "block_no"
    )


def recover_siblings(
    blocks: pl.DataFrame, chain: pl.DataFrame, rooted: pl.DataFrame
) -> pl.DataFrame:
    """One row per block outside the root that belongs to the article: (doc_id, block_no).
    ``rooted`` is ``chain`` for the pages with a root, with its ``root`` and ``root_level``
    (``_rooted_chain``).

    The root holds most of the prose, but a figure, an ad box or a layout split may part
    the story into sibling containers: the lead above, the second half below. A sibling
    of the root (or of an ancestor up to ``SIBLING_DEPTH`` levels up) joins the article
    when it reads like body: most of its words are prose, little of it is links, it holds
    no heading (teaser cards do), and no container in it says noise, related or caption.
    """
    in_root = rooted.filter(pl.col("container") == pl.col("root")).select("doc_id", "block_no")
    # The root's ancestors up to SIBLING_DEPTH levels: (doc_id, level, ancestor).
    ancestors = (
        rooted.join(in_root, on=["doc_id", "block_no"], how="semi", maintain_order="left")
        .filter(
            (pl.col("level") < pl.col("root_level"))
            & (pl.col("level") >= pl.col("root_level") - SIBLING_DEPTH)
            & (pl.col("level") > 0)
        )
        .select("doc_id", "level", ancestor="container", root_level="root_level")
        .unique()
    )
    # Blocks under an ancestor, outside the root: their sibling is the element one level below.
    outside = (
        rooted.join(
            ancestors.drop("root_level"),
            left_on=["doc_id", "level", "container"],
            right_on=["doc_id", "level", "ancestor"],
            how="semi",
            maintain_order="left",
        )
        .select("doc_id", "block_no", anc_level="level")
        .join(in_root, on=["doc_id", "block_no"], how="anti", maintain_order="left")
        .group_by("doc_id", "block_no")
        .agg(pl.col("anc_level").max())
    )
    sibling_of = (
        chain.join(outside, on=["doc_id", "block_no"], maintain_order="left")
        .filter(pl.col("level") == pl.col("anc_level") + 1)
        .select("doc_id", "block_no", sibling="container")
    )
    flags = (
        chain.join(outside, on=["doc_id", "block_no"], maintain_order="left")
        .filter(pl.col("level") > pl.col("anc_level"))
        .group_by("doc_id", "block_no")
        .agg(flagged=(pl.col("is_noise") | pl.col("is_related")).any())
    )
    members = sibling_of.join(
        flags, on=["doc_id", "block_no"], how="left", maintain_order="left"
    ).join(
        _block_measures(blocks, "heading_level"), on=["doc_id", "block_no"], maintain_order="left"
    )
    good = (
        members.group_by("doc_id", "sibling")
        .agg(
            words=pl.col("n_words").sum(),
            prose=pl.col("n_words").filter(pl.col("is_prose")).sum(),
            links=pl.col("link_chars").sum() / pl.col("chars").sum().clip(lower_bound=1),
            flagged=pl.col("flagged").fill_null(False).any(),
            headed=(pl.col("heading_level") > 0).any(),
            # A teaser card's heading links to its story; the story's own subheadings
            # (a section after a wide figure) link nowhere.
            teaser_headed=(
                (pl.col("heading_level") > 0)
                & (pl.col("link_chars") > pl.col("chars") * MAX_PROSE_LINK_SHARE)
            ).any(),
            paragraphs=pl.col("is_prose").sum(),
        )
        .filter(
            (pl.col("prose") >= MIN_PROSE_WORDS)
            & (pl.col("prose") >= pl.col("words") * MIN_SIBLING_PROSE_SHARE)
            & (pl.col("links") <= MAX_SIBLING_LINK_SHARE)
            & ~pl.col("flagged")
            & ~pl.col("teaser_headed")
            # A box of a heading and a paragraph is a card (a promotion, the author's
            # bio); a section of the story goes on for paragraphs under its headings.
            & (~pl.col("headed") | (pl.col("paragraphs") >= MIN_HEADED_SIBLING_PARAGRAPHS))
        )
        .select("doc_id", "sibling")
    )
    return members.join(good, on=["doc_id", "sibling"], how="semi", maintain_order="left").select(
        "doc_id", "block_no"
    )


def mark_headline(blocks: pl.DataFrame, titles: pl.DataFrame | None) -> pl.DataFrame:
    """One row per block in and out: adds ``is_headline``, true on the story's headline.

    The headline is the first heading (``<h1>`` to ``HEADLINE_MAX_LEVEL``) that reads as
    the page's title in its metadata (``titles``: doc_id, meta_title), case and spacing
    aside: a blog prints its name in the page's only ``<h1>`` and the post's title in an
    ``<h2>``. A page that heads its sections as it heads its title (a heading of that rank
    or higher after it, outside furniture, over prose) has no one headline there. Without
    such a heading, the headline is the page's only ``<h1>``.
    """
    heading = pl.col("heading_level")
    sole_h1 = (heading == 1) & ((heading == 1).sum().over("doc_id") == 1)
    if titles is None:
        return blocks.with_columns(is_headline=sole_h1)

    def key(text: pl.Expr) -> pl.Expr:
        return text.str.to_lowercase().str.replace_all(r"\s+", " ").str.strip_chars()

    # Only a heading can read as the title: the headings' texts alone are keyed, once.
    titled_headings = (
        blocks.filter((heading >= 1) & (heading <= HEADLINE_MAX_LEVEL))
        .select("doc_id", "block_no", "text")
        .join(
            titles.select("doc_id", _title_key=key(pl.col("meta_title"))),
            on="doc_id",
            maintain_order="left",
        )
        .filter(key(pl.col("text")) == pl.col("_title_key"))
        .select("doc_id", "block_no", _titled=pl.lit(True))
    )
    keyed = blocks.join(
        titled_headings, on=["doc_id", "block_no"], how="left", maintain_order="left"
    )
    titled = pl.col("_titled").fill_null(False)
    first_titled = titled & (
        pl.col("block_no") == pl.col("block_no").filter(titled).min().over("doc_id")
    )
    keyed = keyed.with_columns(_first_titled=first_titled)
    first_titled = pl.col("_first_titled")
    # Headings of the headline's rank after it, outside furniture, are sections of a
    # page of several parts (each section headed like the first): no one of them heads it.
    title_level = heading.filter(first_titled).first().over("doc_id")
    title_no = pl.col("block_no").filter(first_titled).first().over("doc_id")
    opens_prose = pl.col("is_prose").shift(-1).over("doc_id").fill_null(False)
    peers = (
        (heading >= 1)
        & (heading <= title_level)
        & (pl.col("block_no") > title_no)
        & ~pl.col("in_noise")
        & opens_prose
    )
    first_titled = first_titled & ~peers.any().over("doc_id")
    return keyed.with_columns(
        is_headline=pl.when(titled.any().over("doc_id")).then(first_titled).otherwise(sole_h1)
    ).drop("_titled", "_first_titled")


def classify_html(
    pages: PageFrames, titles: pl.DataFrame | Future[pl.DataFrame] | None = None
) -> pl.DataFrame:
    """Blocks of a batch of pages in; one row per block with features and ``kind`` out.

    ``titles`` (doc_id, meta_title), the pages' titles in their metadata, tell the
    story's headline among the page's headings (``mark_headline``). Given as a future,
    they are waited for only there: the metadata can be read on another thread meanwhile."""
    containers = _container_flags(pages.containers)
    text = pl.col("text")
    # Same sizes and sentence shape as the text path, before its (costlier) line features.
    blocks = pages.blocks.with_columns(
        n_words=text_blocks.count_words(text).cast(pl.Int32),
        ends_sentence=text.str.contains(text_blocks.SENTENCE_END_PATTERN),
    )
    # A "noise" class on a wrapper of much of the story ("has-ads", "with-sidebar") is
    # styling: a large container inside <article>/<main>, or one holding the headline,
    # an <article> or <main>, is no furniture. A large one beside the story (a consent
    # dialog) still is. Sizes are summed per container, then judged once per container.
    holds_story = (pl.col("heading_level") == 1) | ((pl.col("landmarks") & STORY_BITS) != 0)
    sentence = (pl.col("n_words") >= MIN_PROSE_WORDS) & pl.col("ends_sentence")
    shaped = blocks.select(
        "doc_id",
        "block_no",
        "n_words",
        holds_story=holds_story,
        sentence=sentence,
        headline=pl.col("heading_level") == 1,
        prose_words=pl.when(PROSE_SHAPED).then(pl.col("n_words")).otherwise(0),
    )
    sizes = (
        pages.chain.join(shaped, on=["doc_id", "block_no"], maintain_order="left")
        .group_by("doc_id", "container")
        .agg(
            words=pl.col("n_words").sum(),
            holds_story=pl.col("holds_story").any(),
            sentences=pl.col("sentence").sum(),
            # HTML5 sections may each open with an <h1>: an element holding several
            # holds a stack of headed boxes, not the page's headline.
            holds_headline=pl.col("headline").sum() == 1,
            prose_words=pl.col("prose_words").sum(),
        )
    )
    page_words = shaped.group_by("doc_id").agg(
        page_words=pl.col("n_words").sum(), page_prose_words=pl.col("prose_words").sum()
    )
    small = pl.col("words") < pl.col("page_words") * MAX_NOISE_CONTAINER_SHARE
    in_story = (pl.col("container_landmarks") & STORY_BITS) != 0
    # A large <form> wraps the whole page (ASP.NET pages post back from one form).
    page_form = pl.col("container_tag") == "form"
    # An <aside> or <footer> holding <article> elements lists other stories (teaser cards
    # marked up as articles): only the page's headline inside makes it the story's wrapper.
    holds_story = (
        pl.when(pl.col("container_tag").is_in(NOISE_LANDMARK_TAGS))
        .then(pl.col("holds_headline"))
        .otherwise(pl.col("holds_story"))
    )
    wrapper = ~small & (in_story | holds_story | page_form)
    # Much of the page's prose in an element named as a prose-less widget ("share_wrapper")
    # or holding the headline (an <aside> around the post), or most of it in one named
    # "teaser" ("teaser-text"), is the story, not furniture.
    story_wrapper = (
        (pl.col("prose_words") >= pl.col("page_prose_words") * MIN_WRAPPER_PROSE_SHARE)
        & (pl.col("prose_words") > 0)
        & (
            pl.col("is_widget")
            | pl.col("holds_headline")
            | (
                pl.col("is_teaser")
                & (pl.col("prose_words") >= pl.col("page_prose_words") * TEASER_WRAPPER_PROSE_SHARE)
            )
        )
    )
    # A caption is a line or two: an element that says caption but holds several
    # paragraphs of sentences, longer than any caption, is the text beside a picture.
    # So is a tag list a row of tags: a post whose class names its tags ("tag-sandy")
    # holds the post's paragraphs.
    text_box = (pl.col("sentences") >= MIN_TEXT_BOX_PARAGRAPHS) & (
        pl.col("words") > MAX_CAPTION_WORDS
    )
    containers = (
        containers.join(sizes, on=["doc_id", "container"], how="left", maintain_order="left")
        .join(page_words, on="doc_id", how="left", maintain_order="left")
        # A "copyright" element holding more words than a credit line: the site's legal
        # notice, wherever the layout puts it.
        .with_columns(
            is_noise=pl.col("is_noise")
            | (pl.col("is_legal_notice") & (pl.col("words") > MAX_CREDIT_WORDS)).fill_null(False)
        )
        .with_columns(
            pl.col(flag) & ~wrapper.fill_null(False)
            for flag in ("is_noise", "is_tag_list", "is_related", "is_caption", "is_credit")
        )
        .with_columns(
            is_caption=pl.col("is_caption") & ~text_box.fill_null(False),
            is_tag_list=pl.col("is_tag_list") & ~text_box.fill_null(False),
            is_noise=pl.col("is_noise") & ~story_wrapper.fill_null(False),
        )
        .drop(
            "words",
            "holds_story",
            "page_words",
            "sentences",
            "holds_headline",
            "prose_words",
            "page_prose_words",
            "is_widget",
            "is_teaser",
            "is_legal_notice",
        )
    )
    chain = _block_chain(pages.chain, containers)
    # Inherited flags: any enclosing element of the kind (noise, caption...). And the
    # innermost block element of each block (lines split at <br> share it), and the block
    # element around that one (``parent``), which the tail rule reads: the walk lists each
    # block's enclosing elements outermost first, and the chain keeps that order, so no
    # sort is needed. One pass over the chain reads both.
    inherited = chain.group_by("doc_id", "block_no").agg(
        in_noise=pl.col("is_noise").any(),
        in_tag_list=pl.col("is_tag_list").any(),
        in_related=pl.col("is_related").any(),
        in_caption=pl.col("is_caption").any(),
        in_credit=pl.col("is_credit").any(),
        in_site_tagline=pl.col("is_site_tagline").any(),
        in_text_noise=pl.col("is_text_noise").any(),
        owner=pl.col("container").last(),
        parent=pl.col("container").get(-2, null_on_oob=True),
    )
    link_share = pl.col("link_chars") / pl.col("text").str.len_chars().clip(lower_bound=1)
    headings = comment_headings(blocks, pages.chain)
    in_comments = comment_sections(headings, pages.chain).with_columns(in_comments=pl.lit(True))
    # A comments word alone heading a part of a text is a subheading: it closes no story.
    subheadings = headings.filter((pl.col("sureness") == 1) & ~pl.col("heads_section")).select(
        "doc_id", block_no="heading_no"
    )
    blocks = (
        blocks.join(inherited, on=["doc_id", "block_no"], how="left", maintain_order="left")
        .join(in_comments, on=["doc_id", "block_no"], how="left", maintain_order="left")
        .with_columns(
            link_share=link_share,
            in_figure=landmark("figure") | landmark("figcaption"),
            # A comment section is furniture wherever it sits, inside the root or not.
            in_noise=pl.col("in_noise") | pl.col("in_comments").fill_null(False),
        )
    )
    unmarked_text = (
        ~pl.col("in_noise")
        & ~pl.col("in_figure")
        & ~pl.col("in_caption")
        & (pl.col("heading_level") == 0)
    )
    plain_text = (pl.col("link_share") <= MAX_PROSE_LINK_SHARE) & unmarked_text
    blocks = blocks.with_columns(
        is_prose=(pl.col("n_words") >= MIN_PROSE_WORDS)
        & (pl.col("ends_sentence") | (pl.col("n_words") >= LONG_PROSE_WORDS))
        & plain_text
    )
    # A short post (a picture with two lines, a link with a remark) prints no full
    # sentence: where the page holds too little prose, shorter plain lines count as prose.
    page_prose = pl.col("n_words").filter(pl.col("is_prose")).sum().over("doc_id")
    blocks = blocks.with_columns(
        is_prose=pl.col("is_prose")
        | (
            (page_prose < MIN_PAGE_PROSE_WORDS)
            & (pl.col("n_words") >= MIN_SPARSE_PROSE_WORDS)
            & (pl.col("link_share") <= MAX_SPARSE_PROSE_LINK_SHARE)
            & unmarked_text
        )
    )
    if isinstance(titles, Future):
        titles = titles.result()
    blocks = mark_headline(blocks, titles)
    roots = find_roots(blocks, chain)
    rooted = _rooted_chain(chain, roots)
    in_root = (
        rooted.filter(pl.col("container") == pl.col("root"))
        .select("doc_id", "block_no")
        .join(
            teaser_columns(blocks, rooted),
            on=["doc_id", "block_no"],
            how="anti",
            maintain_order="left",
        )
    )
    # The head (title, byline, lead picture) ends where the root itself starts, not where a
    # sibling recovered before it does.
    root_start = in_root.group_by("doc_id").agg(root_start=pl.col("block_no").min())
    under = (
        pl.concat([in_root, recover_siblings(blocks, chain, rooted)])
        .unique()
        .with_columns(under_root=pl.lit(True))
    )
    # Noise containers count only below the root: a page-wide wrapper may say "sidebar".
    noise_below = (
        rooted.filter(pl.col("level") > pl.col("root_level"))
        .group_by("doc_id", "block_no")
        .agg(noise_below_root=pl.col("is_noise").any())
    )
    blocks = (
        blocks.join(under, on=["doc_id", "block_no"], how="left", maintain_order="left")
        .join(noise_below, on=["doc_id", "block_no"], how="left", maintain_order="left")
        .join(
            _data_table_cells(blocks, rooted),
            on=["doc_id", "block_no"],
            how="left",
            maintain_order="left",
        )
        .join(root_start, on="doc_id", how="left", maintain_order="left")
        .with_columns(
            under_root=pl.col("under_root").fill_null(False),
            noise_below_root=pl.col("noise_below_root").fill_null(False)
            | pl.col("in_comments").fill_null(False),
            in_data_table=pl.col("in_data_table").fill_null(False),
        )
        .drop("in_comments")
    )
    root_end = pl.col("block_no").filter(pl.col("under_root")).max().over("doc_id")
    h1_no = pl.col("block_no").filter(pl.col("heading_level") == 1).first().over("doc_id")
    headline_in_root = ((pl.col("heading_level") == 1) & pl.col("under_root")).any().over("doc_id")
    blocks = blocks.with_columns(root_end=root_end, h1_no=h1_no, headline_in_root=headline_in_root)
    # A headline inside the root opens the story there: nothing before the root is its head.
    head_start = pl.coalesce(
        pl.when(pl.col("h1_no") < pl.col("root_start")).then(pl.col("h1_no")),
        pl.when(~pl.col("headline_in_root").fill_null(False)).then(
            pl.col("root_start") - HEAD_BLOCKS_WITHOUT_H1
        ),
        pl.col("root_start"),
    )
    blocks = blocks.with_columns(
        in_head=(pl.col("block_no") < pl.col("root_start"))
        & (pl.col("block_no") >= head_start)
        & ~pl.col("in_noise"),
    )
    # The text path's line rules run only where the article is: most of a page is furniture.
    # Figures of the article may sit outside the root (a lead image above the headline).
    article_figure = (
        (pl.col("in_figure") | pl.col("in_caption"))
        & (landmark("article") | landmark("main"))
        & (pl.col("block_no") <= pl.col("root_end"))
    )
    blocks = blocks.with_columns(
        article_figure=article_figure.fill_null(False),
        after_image=pl.struct("doc_id", "block_no").is_in(
            pages.images.filter(LOOSE_PICTURE)
            .select(pl.struct("doc_id", block_no="before_block"))
            .to_series()
            .implode()
        ),
    )
    # The root and the elements around it hold the story: an image there has no caption box.
    story_boxes = (
        rooted.join(in_root, on=["doc_id", "block_no"], how="semi", maintain_order="left")
        .filter(pl.col("level") <= pl.col("root_level"))
        .select("doc_id", "container")
        .unique()
    )
    blocks = _media_boxes(blocks, pages, story_boxes)
    relevant = (
        pl.col("under_root")
        | pl.col("in_head")
        | (pl.col("heading_level") == 1)
        | pl.col("article_figure")
    )
    outside = (
        blocks.filter(~relevant.fill_null(False))
        .with_columns(kind=pl.lit("outside"))
        .drop("parent")
    )
    article = (
        blocks.filter(relevant.fill_null(False))
        .drop("n_words", "ends_sentence")
        .with_columns(blank_before=pl.lit(False), blank_after=pl.lit(False))
        .pipe(text_blocks.add_block_features)
        .join(_alone_in_cell(chain), on=["doc_id", "block_no"], how="left", maintain_order="left")
        .join(_innermost_list(chain), on=["doc_id", "block_no"], how="left", maintain_order="left")
        # "Comment" alone in a table cell heads a column, not the page's comment section.
        .with_columns(
            is_comments_heading=pl.col("is_comments_heading")
            & ~pl.col("alone_in_cell").fill_null(False)
            & ~pl.struct("doc_id", "block_no").is_in(
                subheadings.select(pl.struct("doc_id", "block_no")).to_series().implode()
            )
        )
        .drop("alone_in_cell")
        .pipe(_repeats_of_kept_lines)
        .pipe(_full_texts_after_excerpts)
        .pipe(classify_blocks)
        .pipe(_head_in_root)
        .pipe(_markup_kinds)
        .pipe(_trim_tail)
        .pipe(_lists_after_lead_ins)
    )
    return pl.concat([article, outside], how="diagonal_relaxed").sort("doc_id", "block_no")


def _data_table_cells(blocks: pl.DataFrame, rooted: pl.DataFrame) -> pl.DataFrame:
    """One row per block in a data table below the root: (doc_id, block_no, in_data_table).
    ``rooted``: the block chain of the pages with a root (``_rooted_chain``).

    A table nested below the content root is part of the story, not its layout (a layout
    table holds the root). When little of its text is links, it is the story's data.
    """
    innermost = (
        rooted.filter(
            (pl.col("container_tag") == "table") & (pl.col("level") >= pl.col("root_level"))
        )
        .sort("level")
        .group_by("doc_id", "block_no")
        .agg(table=pl.col("container").last())
    )
    headed = (
        rooted.filter(pl.col("container_tag").is_in(["th", "caption"]))
        .select("doc_id", "block_no", is_header=pl.lit(True))
        .unique()
    )
    # Each block's innermost cell and row.
    cells = (
        rooted.filter(pl.col("container_tag").is_in(["td", "th"]))
        .sort("level")
        .group_by("doc_id", "block_no")
        .agg(cell=pl.col("container").last())
    )
    rows = (
        rooted.filter(pl.col("container_tag") == "tr")
        .sort("level")
        .group_by("doc_id", "block_no")
        .agg(row=pl.col("container").last())
    )
    sizes = (
        innermost.join(
            blocks.select("doc_id", "block_no", "link_chars", chars=pl.col("text").str.len_chars()),
            on=["doc_id", "block_no"],
            maintain_order="left",
        )
        .join(headed, on=["doc_id", "block_no"], how="left", maintain_order="left")
        .join(cells, on=["doc_id", "block_no"], how="left", maintain_order="left")
        .join(rows, on=["doc_id", "block_no"], how="left", maintain_order="left")
        .with_columns(
            cell_lines=pl.len().over("doc_id", "cell"),
            row_cells=pl.col("cell").n_unique().over("doc_id", "row"),
        )
    )
    # A table that heads its columns or rows (<th>, <caption>) holds data, and so does a
    # grid of several columns whose cells hold a line each; a table whose cells hold page
    # parts (a sidebar, an advert's feature list) is layout.
    data = (
        sizes.group_by("doc_id", "table")
        .agg(
            links=pl.col("link_chars").sum() / pl.col("chars").sum().clip(lower_bound=1),
            headed=pl.col("is_header").fill_null(False).any(),
            one_line_cells=(pl.col("cell_lines") == 1).mean(),
            columns=pl.col("row_cells").max(),
        )
        .filter(
            (pl.col("links") <= MAX_TABLE_LINK_SHARE)
            & (
                pl.col("headed")
                | (
                    (pl.col("one_line_cells") >= MIN_DATA_TABLE_LINE_CELLS)
                    & (pl.col("columns") >= 2)
                )
            )
        )
    )
    return innermost.join(data, on=["doc_id", "table"], how="semi", maintain_order="left").select(
        "doc_id", "block_no", in_data_table=pl.lit(True)
    )


def _repeats_of_kept_lines(blocks: pl.DataFrame) -> pl.DataFrame:
    """One row per block in document order, in and out: ``occurrence`` and
    ``prefix_occurrence`` of a block count no earlier copy in a hidden box.

    A layout may print the story twice, first in a box its class hides (a copy for print
    or for another screen size) and that the body drops: the copy on screen is then the
    story's first, not a repeat of it. A copy in a box on screen (an author's card printed
    twice) still makes the second a repeat.
    """
    hidden = pl.col("noise_below_root") & _role_hints(pl.col("hints")).str.contains(
        HIDDEN_CLASS_PATTERN
    )
    kept = (~hidden).fill_null(True).cast(pl.Int32)
    opening = pl.col("text").str.slice(0, text_blocks.REPEAT_PREFIX_CHARS)

    def seen_before(*key: pl.Expr | str) -> pl.Expr:
        return (kept.cum_sum().over("doc_id", *key) - kept) > 0

    return blocks.with_columns(
        occurrence=pl.when(kept == 1)
        .then(seen_before("text").cast(pl.Int64))
        .otherwise(pl.col("occurrence")),
        prefix_occurrence=pl.when(kept == 1)
        .then(seen_before(opening).cast(pl.Int64))
        .otherwise(pl.col("prefix_occurrence")),
    )


def _full_texts_after_excerpts(blocks: pl.DataFrame) -> pl.DataFrame:
    """One row per block in document order, in and out: ``prefix_occurrence`` is 0 for a
    block longer than every earlier block that opens like it.

    A pull quote or a teaser prints the opening of a paragraph before the paragraph
    itself: the longer text that follows is the story's, not a repeat of the excerpt.
    """
    opening = pl.col("text").str.slice(0, text_blocks.REPEAT_PREFIX_CHARS)
    chars = pl.col("text").str.len_chars()
    # Only the openings printed more than once are read (few blocks of a page).
    repeated = blocks.filter(pl.col("prefix_occurrence") > 0).select("doc_id", opening=opening)
    if repeated.is_empty():
        return blocks
    full_texts = (
        blocks.select("doc_id", "block_no", "text", "prefix_occurrence", opening=opening)
        .join(repeated.unique(), on=["doc_id", "opening"], how="semi", maintain_order="left")
        .filter(
            (pl.col("prefix_occurrence") > 0)
            & (chars > chars.cum_max().shift(1).over("doc_id", "opening"))
        )
        .select("doc_id", "block_no", _full_text=pl.lit(True))
    )
    return (
        blocks.join(full_texts, on=["doc_id", "block_no"], how="left", maintain_order="left")
        .with_columns(
            prefix_occurrence=pl.when(pl.col("_full_text").fill_null(False))
            .then(0)
            .otherwise(pl.col("prefix_occurrence"))
        )
        .drop("_full_text")
    )


def _alone_in_cell(chain: pl.DataFrame) -> pl.DataFrame:
    """One row per block that is the only block of its table cell: (doc_id, block_no,
    alone_in_cell). A data table's cell holds a line; a layout table's cell, a page part."""
    cells = (
        chain.filter(pl.col("container_tag").is_in(["td", "th"]))
        .sort("level")
        .group_by("doc_id", "block_no")
        .agg(cell=pl.col("container").last())
    )
    return cells.filter(pl.len().over("doc_id", "cell") == 1).select(
        "doc_id", "block_no", alone_in_cell=pl.lit(True)
    )


def _media_boxes(
    blocks: pl.DataFrame, pages: PageFrames, story_boxes: pl.DataFrame
) -> pl.DataFrame:
    """One row per block in and out: adds ``media_line`` (0, 1, ... for the text lines
    of a loose image's box, null elsewhere).

    A loose image's box is the nearest element around it that holds text. When that text
    is short, all after the image and not links, it is the image's caption and credit
    (``<div><picture/><p>Caption</p><p>Credit</p></div>``), whatever the classes say.
    A box that is the content root or holds it (``story_boxes``: doc_id, container) is
    the story itself: a short post of a picture and a few lines.
    """
    boxes = (
        pages.images.filter(LOOSE_PICTURE)
        .with_row_index("image")
        .unpivot(
            index=["doc_id", "image", "before_block"],
            on=["box_1", "box_2", "box_3"],
            variable_name="rank",
            value_name="container",
        )
        .filter(pl.col("container") > 0)
        .join(
            pages.containers.select("doc_id", "container", "container_tag"),
            on=["doc_id", "container"],
            how="left",
            maintain_order="left",
        )
        # A picture alone in a paragraph is set in the text's flow: the paragraph is its
        # box, and the paragraphs beside it are the text, not its caption.
        .filter(
            (
                pl.col("rank")
                <= pl.col("rank")
                .filter(pl.col("container_tag") == "p")
                .min()
                .over("doc_id", "image")
            ).fill_null(True)
        )
        .drop("container_tag")
    )
    lines = blocks.select("doc_id", "block_no", "n_words", "link_share")
    held = (
        boxes.join(
            pages.chain.select("doc_id", "block_no", "container"),
            on=["doc_id", "container"],
            maintain_order="left",
        )
        .join(lines, on=["doc_id", "block_no"], maintain_order="left")
        # The nearest box with text, per image.
        .filter(pl.col("rank") == pl.col("rank").min().over("doc_id", "image"))
        .join(story_boxes, on=["doc_id", "container"], how="anti", maintain_order="left")
    )
    media = (
        held.filter(
            (pl.col("block_no") >= pl.col("before_block")).all().over("doc_id", "image")
            & (pl.col("n_words").sum().over("doc_id", "image") <= MAX_CAPTION_WORDS)
            & (pl.len().over("doc_id", "image") <= MAX_MEDIA_LINES)
            & (pl.col("link_share") <= MAX_PROSE_LINK_SHARE).all().over("doc_id", "image")
        )
        .sort("doc_id", "block_no")
        .unique(["doc_id", "block_no"], keep="first", maintain_order=True)
        .with_columns(media_line=pl.int_range(pl.len(), dtype=pl.Int32).over("doc_id", "image"))
        .select("doc_id", "block_no", "media_line", media_box="image")
    )
    return blocks.join(media, on=["doc_id", "block_no"], how="left", maintain_order="left")


def _innermost_list(chain: pl.DataFrame) -> pl.DataFrame:
    """One row per block inside a list (``ul``, ``ol``, ``dl``): (doc_id, block_no, list_id),
    the innermost list around it."""
    return (
        chain.filter(pl.col("container_tag").is_in(LIST_TAGS))
        .sort("level")
        .group_by("doc_id", "block_no")
        .agg(list_id=pl.col("container").last())
    )


def _head_in_root(blocks: pl.DataFrame) -> pl.DataFrame:
    """One row per article block in and out: adds ``in_root_head``, true on the lines of
    the root from the head's first byline or date line under the story's headline to its
    last one.

    A root that holds the headline holds the story's head too: between the headline and
    the first paragraph stand the byline, the place, the date line and a share bar, which
    are no part of the body. A standfirst is prose as well: when no byline or date line
    comes between the headline and the first prose block and one follows it, that block
    is the standfirst and the head's lines are those before the next prose block.
    """
    c = pl.col
    doc = "doc_id"
    # The headline as the page head reads it (``classify_html``): the root's first <h1>.
    headline_no = c("block_no").filter((c("heading_level") == 1) & c("under_root")).min().over(doc)
    after_headline = c("under_root") & (c("block_no") > headline_no)
    # A heading that reads like a name is a section's title, not a byline.
    head_line = (
        after_headline
        & ~c("noise_below_root")
        & (c("link_share") <= MAX_BODY_LINK_SHARE)
        & (
            c("is_byline")
            | ((c("is_date") | c("kind").is_in(["byline", "date"])) & (c("heading_level") == 0))
        )
        & (c("n_words") < MIN_LEAD_WORDS)
    )
    # A date line may pass for prose on a short page: it is a line of the head still.
    prose = after_headline & c("is_prose") & ~head_line
    blocks = blocks.with_columns(_first_prose=c("block_no").filter(prose).min().over(doc))
    blocks = blocks.with_columns(
        _next_prose=c("block_no")
        .filter(prose & (c("block_no") > c("_first_prose")))
        .min()
        .over(doc),
        _before_prose=(head_line & (c("block_no") < c("_first_prose"))).any().over(doc),
    )
    head_end = pl.when(c("_before_prose")).then(c("_first_prose")).otherwise(c("_next_prose"))
    in_head = head_line & (c("block_no") < head_end)
    first_line = c("block_no").filter(in_head).min().over(doc)
    last_line = c("block_no").filter(in_head).max().over(doc)
    return blocks.with_columns(
        in_root_head=c("block_no").is_between(first_line, last_line).fill_null(False)
    ).drop("_first_prose", "_next_prose", "_before_prose")


def _trim_tail(blocks: pl.DataFrame) -> pl.DataFrame:
    """After the root's last prose block, short lines are furniture (lists of links,
    dates, "more on this"), not the article's last words; the longer items of a list that
    holds the story's prose go on with the story."""
    # A paragraph whose own class says noise ("subscribe-note", "article-footer") after
    # the story's prose is a notice (reprint, subscription), however much it reads like prose.
    story_prose = pl.col("is_prose") & pl.col("under_root") & ~pl.col("in_text_noise")
    last_prose = pl.col("block_no").filter(story_prose).max().over("doc_id")
    # An item of the list the story's prose is in, with a sentence's worth of words (a
    # changelog's "Fixed X when Y (Bug 123)"), is the story's; a list of short notes
    # ("X liked this") below one comment is not.
    in_prose_list = (
        pl.col("list_id").is_not_null()
        & (pl.col("is_prose") & pl.col("under_root")).any().over("doc_id", "list_id")
        & (pl.col("n_words") >= MIN_PROSE_WORDS)
    )
    blocks = blocks.with_columns(
        _tail=(
            pl.col("kind").is_in(["paragraph", "subheadline"])
            & (pl.col("block_no") > last_prose)
            & ~pl.col("is_prose")
            & ~pl.col("in_data_table")
            & (pl.col("tag") != "pre")
            & ~in_prose_list
        ).fill_null(False)
    )
    # A run of paragraphs beside the story's own paragraphs, in the element that holds
    # them, with few links, goes on with the story (a schedule, a list typed as lines);
    # a lone closing line there ("Source: ...", "Follow us on ...") is furniture.
    beside_prose = (
        pl.col("_tail")
        & pl.col("parent").is_not_null()
        & (pl.col("is_prose") & pl.col("under_root")).any().over("doc_id", "parent")
        & (pl.col("tag") == "p")
        & (pl.col("link_share") <= MAX_PROSE_LINK_SHARE)
    ).fill_null(False)
    blocks = blocks.with_columns(_beside_prose=beside_prose).with_columns(
        _run=(pl.col("_beside_prose") != pl.col("_beside_prose").shift(1).over("doc_id"))
        .fill_null(True)
        .cum_sum()
        .over("doc_id")
    )
    story_run = pl.col("_beside_prose") & (pl.len().over("doc_id", "_run") >= MIN_TAIL_RUN_LINES)
    notice = (
        pl.col("in_text_noise")
        & pl.col("kind").is_in(["paragraph", "subheadline"])
        & (pl.col("block_no") > last_prose)
    ).fill_null(False)
    return blocks.with_columns(
        kind=pl.when((pl.col("_tail") & ~story_run) | notice)
        .then(pl.lit("boilerplate"))
        .otherwise(pl.col("kind"))
    ).drop("_tail", "_beside_prose", "_run", "in_text_noise")


def _lists_after_lead_ins(blocks: pl.DataFrame) -> pl.DataFrame:
    """One row per block in page order, in and out: replaces ``kind``. A line of the body
    that ends in a colon leads in a list; the short lines right after it (a list typed as
    lines of their own, without list markup: school names, ingredients, an address) are
    the list's items and the story's paragraphs. The lead-in stands in the element that
    holds the story's prose (a box of "Label: value" lines beside the story is no list of
    the story's). The run stops at the first line that is no such item: a paragraph, a
    heading, a link line, boilerplate the line rules name, an item of a marked-up list
    (``_trim_tail`` judges those)."""
    c = pl.col
    in_body = (
        c("under_root")
        & ~c("noise_below_root")
        & (c("heading_level") == 0)
        & (c("link_share") <= MAX_PROSE_LINK_SHARE)
    ).fill_null(False)
    ends_in_colon = c("text").str.contains(LEAD_IN_PATTERN)
    beside_prose = (
        c("parent").is_not_null() & (c("is_prose") & c("under_root")).any().over("doc_id", "parent")
    ).fill_null(False)
    lead_in = in_body & ends_in_colon & beside_prose & c("kind").is_in(["paragraph", "noise"])
    item = (
        in_body
        & ~ends_in_colon
        & c("list_id").is_null()
        & (c("tag") != "li")
        & c("kind").is_in(["noise", "boilerplate"])
        & ~c("is_boilerplate")
        & ~c("is_ui_line")
        & ~c("is_rights_notice")
        & c("text").str.contains(LETTER_PATTERN)
        & ~c("text").str.contains(BARE_ADDRESS_PATTERN)
    ).fill_null(False)
    blocks = blocks.with_columns(_lead_in=lead_in, _item=item).with_columns(
        _run=(~c("_item")).cast(pl.Int32).cum_sum().over("doc_id")
    )
    # The lead-in with its items is the list's head, a line of the story however short.
    led = c("_lead_in").first().over("doc_id", "_run")
    in_list = led & (c("_item") | (c("_item").any().over("doc_id", "_run") & c("_lead_in")))
    # "Hibu said:" over a block quote of the story attributes the quote: the line rules
    # read it as a comment's byline ("Jane Doe says:"), but comments quote no one there.
    quote_follows = (
        landmark("blockquote").shift(-1).over("doc_id")
        & (c("kind").shift(-1).over("doc_id") == "paragraph")
        & ~landmark("blockquote")
    ).fill_null(False)
    attributes_quote = in_body & ends_in_colon & beside_prose & c("is_commenter") & quote_follows
    return blocks.with_columns(
        kind=pl.when(in_list | attributes_quote).then(pl.lit("paragraph")).otherwise(c("kind"))
    ).drop("_lead_in", "_item", "_run", "list_id", "parent")


def _credit_classes(blocks: pl.DataFrame) -> pl.DataFrame:
    """One row per block in and out: adds ``_credit_class``, true where an enclosing class
    name says image credit ("image-copyright", "photo-author"), the post's subjects aside.

    The class names are rewritten (``_role_hints``) only on the few lines whose raw class
    names mention a credit at all."""
    named = pl.col("hints").str.to_lowercase().str.contains(IMAGE_CREDIT_CLASS_PATTERN)
    blocks = blocks.with_columns(_credit_class=named.fill_null(False))
    if not blocks["_credit_class"].any():
        return blocks
    credit_class = blocks.filter(pl.col("_credit_class")).select(
        "doc_id",
        "block_no",
        _role_credit=_role_hints(pl.col("hints")).str.contains(IMAGE_CREDIT_CLASS_PATTERN),
    )
    return (
        blocks.join(credit_class, on=["doc_id", "block_no"], how="left", maintain_order="left")
        .with_columns(_credit_class=pl.col("_role_credit").fill_null(False))
        .drop("_role_credit")
    )


def _markup_kinds(blocks: pl.DataFrame) -> pl.DataFrame:
    """Markup decides where it is sure; the text rules' ``kind`` stands elsewhere."""
    c = pl.col
    text_kind = c("kind")
    # The masks build on each other: each is materialized once (an expression reused
    # in the next would be evaluated again, windows and regexes included).
    # A line right after a loose image that ends in a credit is that image's caption.
    # An inline caption element (<span class="caption">) is a caption where it stands.
    caption_hint = (c("inline_role") == "caption") & (c("n_words") <= MAX_CAPTION_WORDS)
    blocks = _credit_classes(blocks)
    blocks = blocks.with_columns(
        # A line that is all credit: what the credit parser leaves beside it is no caption.
        _credit_only=c("is_credit")
        & (c("caption").str.count_matches(CAPTION_WORD_PATTERN).fill_null(0) < MIN_CAPTION_WORDS),
        # A box that opens with a name is an author's card (photo, name, bio), not a caption.
        _author_card=(c("is_name") | c("is_byline"))
        .filter(c("media_line") == 0)
        .fill_null(False)
        .any()
        .over("doc_id", "media_box"),
    )
    credit_only = c("_credit_only")
    # The lines of a loose image's box: a caption of a few words, a short credit or a label.
    in_box = c("media_line").is_not_null() & (c("heading_level") == 0) & ~c("_author_card")
    blocks = blocks.with_columns(
        _media_credit=in_box
        & (
            credit_only
            | (
                (c("media_line") > 0)
                & (c("n_words") <= MAX_MEDIA_CREDIT_WORDS)
                & ~c("ends_sentence")
            )
        )
    )
    media_caption = (
        in_box & ~c("_media_credit") & (c("n_words") >= MIN_MEDIA_CAPTION_WORDS) & ~c("is_name")
    )
    blocks = blocks.with_columns(
        _figure_text=c("in_figure")
        | c("in_caption")
        | caption_hint
        | media_caption
        | (c("after_image") & c("has_inline_credit") & (c("n_words") <= MAX_CAPTION_WORDS))
    )
    figure_text = c("_figure_text")
    # Markup names the credit; else a figure line that is all credit ("Foto: dpa"), or
    # a picture agency alone on a line in a figure ("Getty Images").
    # A short line whose element says "image copyright" / "photo author" credits the image
    # before it, figure or not; so does a short line below a loose image's caption.
    blocks = blocks.with_columns(
        _credit_text=(
            figure_text
            & (
                (c("inline_role") == "credit")
                | c("in_credit")
                | text_blocks.cue_key(c("text")).is_in(text_blocks.PHOTO_AGENCIES)
                | credit_only
            )
        )
        | c("_media_credit")
        | (c("_credit_class") & (c("n_words") <= MAX_CREDIT_WORDS))
    )
    # The line between a loose image and its credit line is the caption; the credit line
    # may be a plain paragraph that is all credit ("Image: City Council / Facebook").
    credit_line = c("_credit_text") | credit_only
    blocks = blocks.with_columns(
        _caption_before_credit=c("after_image")
        & credit_line.shift(-1).over("doc_id").fill_null(False)
        & (c("n_words") <= MAX_CAPTION_WORDS)
        & (c("heading_level") == 0)
    )
    caption_before_credit = c("_caption_before_credit")
    blocks = blocks.with_columns(
        _credit_text=c("_credit_text")
        | (credit_line & caption_before_credit.shift(1).over("doc_id").fill_null(False))
    )
    # A figure line that opens with "/" or "via" right after a credit element goes on
    # with that credit (the distributor printed beside the photographer).
    previous_block = c("block_no").shift(1).over("doc_id")
    blocks = blocks.with_columns(
        _credit_text=c("_credit_text")
        | (
            figure_text
            & c("text").str.contains(CREDIT_CONTINUATION_START)
            & (c("n_words") <= MAX_CREDIT_WORDS)
            & c("_credit_text").shift(1).over("doc_id").fill_null(False)
            & (previous_block == c("block_no") - 1).fill_null(False)
            & (c("figure_id").shift(1).over("doc_id") == c("figure_id")).fill_null(False)
        )
    )
    credit_text = c("_credit_text")
    figure_text = figure_text | credit_text | caption_before_credit
    # Lines of one element (split at <br>) next to each other, both prose.
    prose_before = (c("is_prose") & (c("owner") == c("owner").shift(1))).shift(1)
    same_after = (c("owner") == c("owner").shift(-1)) & c("is_prose").shift(-1)
    blocks = blocks.with_columns(
        _prose_run=prose_before.over("doc_id").fill_null(False)
        | same_after.over("doc_id").fill_null(False)
    )
    body_ok = c("under_root") & ~c("noise_below_root") & (c("link_share") <= MAX_BODY_LINK_SHARE)
    next_block = c("block_no").shift(-1).over("doc_id")
    section_follows = (
        (next_block == c("block_no") + 1)
        & c("is_prose").shift(-1).over("doc_id")
        & ~c("noise_below_root").shift(-1).over("doc_id")
        & (c("n_words").shift(-1).over("doc_id") >= MIN_LINKED_HEADING_PARAGRAPH_WORDS)
    ).fill_null(False)
    linked_heading = (
        c("under_root")
        & ~c("noise_below_root")
        & (c("heading_level") >= 2)
        & (c("n_words") <= MAX_SUBHEADLINE_WORDS)
        & (c("link_share") > MAX_BODY_LINK_SHARE)
        & section_follows
    )
    head = c("in_head") | (c("in_root_head") & body_ok)
    kind = (
        pl.when(c("heading_level") == 1)
        .then(pl.lit("title"))
        .when(credit_text)
        .then(pl.lit("credit"))
        .when(figure_text)
        .then(pl.lit("caption"))
        .when(c("in_tag_list") & (c("n_words") <= MAX_TAG_WORDS) & (c("link_share") > 0.5))
        .then(pl.lit("tag"))
        .when(head & text_kind.is_in(["byline", "date"]))
        .then(text_kind)
        .when(
            head
            & (c("n_words") >= MIN_LEAD_WORDS)
            & (c("link_share") <= MAX_PROSE_LINK_SHARE)
            & ~text_kind.is_in(["byline", "date", "boilerplate"])
            # A dateline with the outlet's name or a length note is still no standfirst.
            & ~c("is_date")
            # A line repeating an earlier one (a caption printed again) is no standfirst.
            & (c("occurrence") == 0)
            & ~c("in_site_tagline")
        )
        .then(pl.lit("summary"))
        # The rest of the head is furniture, before the root or inside it.
        .when(~c("under_root") | c("in_root_head"))
        .then(pl.lit("outside"))
        .when(c("under_root") & c("in_related") & (c("link_share") > 0.5))
        .then(pl.lit("related_item"))
        # Verbatim text (code) and the cells of a data table are the story's as printed:
        # the line rules (repeats, no letters, link lines) read prose, not these.
        .when(
            c("under_root")
            & ~c("noise_below_root")
            & (c("heading_level") == 0)
            & (c("in_data_table") | (c("tag") == "pre"))
        )
        .then(pl.lit("paragraph"))
        .when(linked_heading & ~text_kind.is_in(["related_heading", "tags_heading"]))
        .then(pl.lit("subheadline"))
        .when(~body_ok)
        .then(pl.lit("boilerplate"))
        # A quoted post's signature ("— Jane Doe (@jane) October 31, 2021") is the quote's.
        .when(landmark("blockquote") & text_kind.is_in(["byline", "date"]))
        .then(pl.lit("paragraph"))
        .when(
            (c("heading_level") >= 2)
            & (c("n_words") <= MAX_SUBHEADLINE_WORDS)
            & ~text_kind.is_in(["related_heading", "tags_heading", "boilerplate"])
        )
        .then(pl.lit("subheadline"))
        .when(
            text_kind.is_in(
                [
                    "byline",
                    "date",
                    "boilerplate",
                    "related_heading",
                    "related_item",
                    "tags_heading",
                    "tag",
                    "duplicate",
                ]
            )
        )
        .then(text_kind)
        # A line without a letter outside headings (a teaser's "23. 12. 2024 13:31") says nothing.
        .when((c("heading_level") == 0) & ~c("text").str.contains(LETTER_PATTERN))
        .then(pl.lit("boilerplate"))
        # A short post's lines that count as prose, in a run of such lines (a poem, an
        # address): text, not headlines, whatever element holds them.
        .when(
            c("tag").is_in(["p", "blockquote", "li", "pre", "dd"])
            | (c("n_words") >= MIN_PROSE_WORDS)
            | (c("is_prose") & c("_prose_run"))
        )
        .then(pl.lit("paragraph"))
        # Without markup saying so, a line is not the headline here: the metadata names it.
        .when(text_kind == "title")
        .then(pl.lit("noise"))
        .otherwise(text_kind)
    )
    return blocks.with_columns(kind=kind).drop(
        "_credit_only",
        "_author_card",
        "_media_credit",
        "_figure_text",
        "_credit_text",
        "_caption_before_credit",
        "_prose_run",
        "_credit_class",
        "in_root_head",
    )


def attribute_credits(images: pl.DataFrame) -> pl.DataFrame:
    """One row per image in and out: adds ``attribute_credit``, the credit that ends the
    image's ``title`` or ``alt`` attribute (null when neither ends in one).

    The credit follows the last bar or sits in closing brackets, and must read as a
    credit line (``credits.is_credit_line``: a cue such as "Bildquelle:" or "Photo:", or
    parts joined around an agency); a caption-like remark in brackets is no credit.
    """
    # Every candidate tail of every image is judged in one batch, not one batch per kind
    # of tail: each call of the credit-line rules has a fixed cost.
    tails = pl.concat(
        [
            images.select(
                row=pl.int_range(pl.len(), dtype=pl.UInt32),
                choice=pl.lit(choice, pl.Int8),
                tail=pl.col(attribute).str.extract(pattern, group),
            ).filter(pl.col("tail").is_not_null())
            for choice, (attribute, (pattern, group)) in enumerate(
                (attribute, tail)
                for attribute in CREDIT_ATTRIBUTES
                for tail in ((ATTRIBUTE_BAR_TAIL, 1), (ATTRIBUTE_BRACKET_TAIL, 2))
            )
        ],
        # One chunk: a batch function is called once per chunk.
        rechunk=True,
    )
    # The first tail (in CREDIT_ATTRIBUTES and then tail order) that is a credit line wins.
    found = (
        tails.filter(credits.is_credit_line(pl.col("tail")))
        .sort("row", "choice")
        .unique("row", keep="first", maintain_order=True)
        .select("row", attribute_credit=pl.col("tail").str.strip_chars())
    )
    return (
        images.with_row_index("row")
        .join(found, on="row", how="left", maintain_order="left")
        .drop("row")
    )


def html_images(blocks: pl.DataFrame, images: pl.DataFrame) -> pl.DataFrame:
    """One row per image of the article (figures, and captions outside figures) in page order.

    Columns: doc_id, block_no (page order), url, caption, caption_label,
    credit_raw, in_head. Markup separates caption from credit where it can;
    otherwise the text path's credit parser splits an inline credit off the caption.
    A caption outside any figure belongs to the nearest image before it. An image that
    prints no credit takes the one at the end of its ``title`` or ``alt`` attribute.
    """
    images = attribute_credits(images)
    texts = blocks.filter(
        pl.col("kind").is_in(["caption", "credit"])
        & (pl.col("under_root") | pl.col("in_head") | pl.col("article_figure")).fill_null(False)
        # A figure around a quote is a pull quote; interface words are no caption
        # (a credit may read like a notice: "picture alliance / ASSOCIATED PRESS").
        & ~landmark("blockquote")
        & ~(pl.col("is_boilerplate") & (pl.col("kind") == "caption"))
        & ~pl.col("is_ui_line")
    )
    # Fragments ("(", "Foto", a date, a byline) are layout debris, not captions.
    debris = (pl.col("kind") == "caption") & (
        (pl.col("text").str.count_matches(CAPTION_WORD_PATTERN) < MIN_CAPTION_WORDS)
        | pl.col("is_date")
        | pl.col("is_byline")
    )
    in_player = (
        _role_hints(pl.col("hints"))
        .str.split(" ")
        .list.head(PLAYER_HINT_TOKENS)
        .list.join(" ")
        .str.contains(PLAYER_HINT_PATTERN)
        .fill_null(False)
    )
    # A figure without an <img> holds a video, a chart script or a quote, not a photo;
    # a caption in an aside or a form belongs to a link card or a sign-up box.
    pictured = images.filter(pl.col("figure_id") >= 0).select("doc_id", "figure_id").unique()
    texts = texts.join(
        pictured.with_columns(_pictured=pl.lit(True)),
        on=["doc_id", "figure_id"],
        how="left",
        maintain_order="left",
    )
    not_a_photo = ((pl.col("figure_id") >= 0) & pl.col("_pictured").is_null()) | (
        (pl.col("kind") == "caption") & (landmark("aside") | landmark("form"))
    )
    texts = (
        texts.filter(~debris & ~in_player & ~not_a_photo)
        .drop("_pictured")
        .sort("doc_id", "block_no")
    )
    # Loose captions: a run of consecutive caption/credit lines is one image, and an
    # image printed between two lines starts a new one (a gallery of pictures each with
    # its caption below).
    loose_pictures = (
        images.filter(pl.col("figure_id") < 0)
        .select("doc_id", at=pl.col("before_block"))
        .sort("doc_id", "at")
        .with_columns(pictures_before=pl.int_range(1, pl.len() + 1).over("doc_id"))
    )
    texts = (
        texts.join_asof(
            loose_pictures,
            left_on="block_no",
            right_on="at",
            by="doc_id",
            strategy="backward",
            check_sortedness=False,
        )
        .with_columns(pl.col("pictures_before").fill_null(0))
        .sort("doc_id", "block_no")
    )
    previous = pl.col("block_no").shift(1).over("doc_id")
    run_start = ((pl.col("block_no") - previous).fill_null(2) != 1) | (
        pl.col("pictures_before") != pl.col("pictures_before").shift(1).over("doc_id")
    ).fill_null(True)
    texts = texts.with_columns(
        run=run_start.cast(pl.Int32).cum_sum().over("doc_id"),
    ).with_columns(
        image_key=pl.when(pl.col("figure_id") >= 0)
        .then(pl.col("figure_id"))
        .otherwise(-pl.col("block_no").min().over("doc_id", "run") - 1),
    )
    # Layouts print a caption twice (one per screen size): once per image is enough.
    texts = texts.unique(["doc_id", "image_key", "text"], keep="first", maintain_order=True)
    grouped = texts.group_by("doc_id", "image_key", maintain_order=True).agg(
        fig_caption=pl.col("text").filter(pl.col("kind") == "caption").str.join(" "),
        # A credit's continuation ("/AP") is joined without its mark: "Photo by X / AP".
        fig_credit=pl.col("text")
        .filter(pl.col("kind") == "credit")
        .str.replace(CREDIT_CONTINUATION_START, "")
        .str.join(" / "),
        block_no=pl.col("block_no").first(),
        in_head=pl.col("in_head").any(),
    )
    figure_urls = (
        images.filter(pl.col("figure_id") >= 0)
        .group_by("doc_id", "figure_id", maintain_order=True)
        .agg(
            figure_url=pl.col("url").drop_nulls().first(),
            figure_attribute_credit=pl.col("attribute_credit").drop_nulls().first(),
        )
        .rename({"figure_id": "image_key"})
    )
    loose_urls = (
        images.filter(pl.col("figure_id") < 0)
        .select("doc_id", "url", "attribute_credit", at=pl.col("before_block"))
        .sort("doc_id", "at")
    )
    grouped = grouped.join(
        figure_urls, on=["doc_id", "image_key"], how="left", maintain_order="left"
    ).sort("doc_id", "block_no")
    grouped = grouped.join_asof(
        loose_urls,
        left_on="block_no",
        right_on="at",
        by="doc_id",
        strategy="backward",
        check_sortedness=False,
    ).with_columns(
        url=pl.when(pl.col("image_key") >= 0).then(pl.col("figure_url")).otherwise(pl.col("url")),
        attribute_credit=pl.when(pl.col("image_key") >= 0)
        .then(pl.col("figure_attribute_credit"))
        .otherwise(pl.col("attribute_credit")),
        fig_caption=pl.when(pl.col("fig_caption") != "").then(pl.col("fig_caption")),
        fig_credit=pl.when(pl.col("fig_credit") != "").then(pl.col("fig_credit")),
    )
    split = credits.split_caption_credit(
        grouped.with_columns(text=pl.col("fig_caption").fill_null("")), "text"
    )
    return (
        split.with_columns(
            caption=pl.when(pl.col("fig_credit").is_not_null() & pl.col("credit_raw").is_null())
            .then(pl.col("fig_caption"))
            .otherwise(pl.col("caption")),
            credit_raw=pl.coalesce("fig_credit", "credit_raw", "attribute_credit"),
        )
        .filter(pl.col("caption").is_not_null() | pl.col("credit_raw").is_not_null())
        .sort("doc_id", "block_no")
        .select("doc_id", "block_no", "url", "caption", "caption_label", "credit_raw", "in_head")
    )
