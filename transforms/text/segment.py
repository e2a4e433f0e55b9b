"""Segment plain-text dumps into classified blocks.

The grain moves from one row per document to one row per non-blank line
(a *block*), and every block gets a ``kind``:

``title``, ``summary``, ``byline``, ``date``, ``paragraph``, ``subheadline``,
``caption``, ``credit``, ``duplicate`` (a block printed again, e.g. a caption),
``related_heading``, ``related_item``, ``tags_heading``, ``tag``,
``boilerplate`` and ``noise`` (short fragments of navigation or teasers).

Everything is vectorized: line features are expressions, context comes from
window functions over ``doc_id`` (shift for neighbours, cumulative sums for
regions).
"""

from __future__ import annotations

import re

import polars as pl

from dateline.transforms.fields import bylines, credits, dates
from dateline.transforms.lexicon import load

CUES = load("cues")

# The scraper's optional first token: the date the record was stamped.
HEADER_DATE_PATTERN = r"^\s*date\s+(\d{4}-\d{2}-\d{2})\b[ \t]*\n?"
# Invisible characters that scrapers leave in text (zero-width, soft hyphen, BOM).
INVISIBLE_PATTERN = "[\u200b\u200c\u200d\u2060\ufeff\u00ad]"
WORD_PATTERN = r"\S+"
# Scripts written without spaces: every two characters count as a word for block sizes.
UNSPACED_SCRIPT_PATTERN = r"[\p{Han}\p{Hiragana}\p{Katakana}]"
# A line that is only a desk word ("Redaktion", "Newsroom"): a menu entry, not a byline.
DESK_WORDS_ALONE = sorted({word.lower() for word in bylines.BYLINE_WORDS["desk_words"]})
# A line ends like a sentence: final punctuation, possibly inside closing quotes or brackets
# (the danda "।" ends Devanagari sentences, "؟" and "۔" Arabic-script ones).
SENTENCE_END_PATTERN = r"[.!?…:;。！？।؟۔][\"'”’»)\]」』]*$"
# A line ends like prose: a full stop, question or exclamation mark (quotes allowed).
PROSE_END_PATTERN = r"[.!?…。！？।؟۔][\"'”’»)\]」』]*$"
# A sentence ends inside the line and another begins: a standfirst, not a headline.
INNER_SENTENCE_PATTERN = r"[a-z\p{Ll}]{2}[.!?] +[\p{Lu}]"
# Blocks starting with the same characters are the same text printed again.
REPEAT_PREFIX_CHARS = 60
# Breadcrumb trails: "News / World / Europe", "Home › Politik".
BREADCRUMB_SEPARATOR = r" (?:/|›|»|>|\|) "
# A comment's byline line: "Jane Doe says:".
COMMENTER_PATTERN = (
    r"^\S+(?: \S+){0,3} (?:says|said|wrote|schreibt|dice|escribió|a écrit|scrive|disse):$"
)
# A line ends with a period-like mark, which titles and headings rarely do.
PERIOD_END_PATTERN = r"[.:;。।۔][\"'”’»)\]」』]*$"
# Characters trimmed before comparing a line with the cue lexicons.
CUE_TRIM = " \t:：.-–—|•·>»«*#■□▶►【】"
# "CUE: text" — a cue followed by a colon and the linked title on the same line; East Asian
# pages print a full-width colon or close the cue in lenticular brackets ("【関連記事】...").
CUE_SEPARATOR = "[:：】]"
INLINE_CUE_SEPARATOR = rf"^[^:：】]{{2,40}}{CUE_SEPARATOR}\s*"
# Scraper gaps where a link's text was dropped: ", ," and "( )".
EMPTY_PUNCTUATION_GAP = r",\s*,|\(\s*\)"

# A line holding only what joins two authors: a comma, an ampersand, "and", "und", "y"...
BYLINE_JOINER_PATTERN = r"^(?:[,;&/|+]|" + bylines.CONJUNCTION_WORDS + r")$"
# Block size limits used by the rules below (in words).
MIN_PARAGRAPH_WORDS = 12
MAX_HEADING_WORDS = 16
MAX_TITLE_WORDS = 40
LONG_TITLE_WORDS = 20
# Headlines of up to this many words may hold two short sentences ("X. Y wants Z").
SHORT_TITLE_WORDS = 12
REPEATED_TITLE_BONUS = 1
# A headline shares most of its content words with the article's first paragraphs.
LEAD_WORD_PATTERN = r"[\p{L}\p{N}]{4,}"
LEAD_PARAGRAPHS = 3
LEAD_OVERLAP_WEIGHT = 1.0
MAX_ITEM_WORDS = 30
MAX_TAG_WORDS = 6
# A bare name line counts as a byline within this many blocks of a byline, date or title.
NAME_REACH = 2
# Body blocks this far apart belong to different stretches of prose; a stretch with
# less than this share of the main one's words is page furniture, not the article.
BODY_GAP_BLOCKS = 8
MIN_CLUSTER_SHARE = 0.25
# Captions are short: a long paragraph before a "©" line is body, the line a notice.
MAX_CAPTION_WORDS = 60
MIN_INLINE_CAPTION_WORDS = 3
# Consecutive short blocks without sentence punctuation: a list of teasers or links.
MIN_TEASER_RUN = 3
MAX_TEASER_WORDS = 25
# A byline after this many paragraphs of prose signs a teaser or a quoted item, not the article.
MAX_PROSE_BEFORE_BYLINE = 3
# Bylines and dates belong to the head of an article: this share of its lines.
HEAD_SHARE = 0.5


def _alternation(phrases: list[str]) -> str:
    return "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True))


BOILERPLATE_EXACT = sorted(set(CUES["boilerplate_exact"]))
BOILERPLATE_PREFIX_PATTERN = rf"^(?:{_alternation(CUES['boilerplate_prefix'])})"
END_OF_ARTICLE = sorted(set(CUES["end_of_article"]))
RELATED_LIST = sorted(set(CUES["related_list"]))
RELATED_INLINE = sorted(set(CUES["related_inline"]))
RELATED_INLINE_PATTERN = rf"^(?:{_alternation(CUES['related_inline'])})\s*{CUE_SEPARATOR}\s*\S"
TAGS_HEADING = sorted(set(CUES["tags_heading"]))
TAGS_INLINE_PATTERN = rf"^(?:{_alternation(CUES['tags_heading'])})\s*{CUE_SEPARATOR}\s*\S"
BYLINE_HEADING = sorted(set(CUES["byline_heading"]))
# A credit cue alone on its line ("Image:"): the credit follows on the next line.
CREDIT_CUE_ONLY = sorted(set(CUES["credit_cue_only"]))
PHOTO_AGENCIES = sorted(set(CUES["photo_agencies"]))
REPRODUCTION_PATTERN = _alternation(CUES["reproduction_stems"])
MAX_NOTICE_WORDS = 60
MAX_CUED_CREDIT_WORDS = 10
COMMENTS_HEADING = sorted(set(CUES["comments_heading"]))
COMMENT_COUNT_PATTERN = rf"^\d+ (?:{_alternation(CUES['comments_heading'])})$"
# A cookie consent text after the article opens the site's cookie tables, not more story;
# it closes the article once this many paragraphs of body have been read.
COOKIE_NOTICE_PATTERN = rf"^(?:{_alternation(CUES['cookie_notice_prefix'])})"
MIN_PARAGRAPHS_BEFORE_COOKIE_NOTICE = 3
UI_WORD_PATTERN = rf"(?:^|[^\w])(?:{_alternation(CUES['ui_words'])})(?:$|[^\w])"
MAX_UI_LINE_WORDS = 4
SOCIAL_PATTERN = rf"(?:^|[^\w])(?:{_alternation(CUES['social_networks'])})(?:$|[^\w])"
LINK_GAP_PATTERN = (
    r"(?i)(?:^|\s)(?:"
    + _alternation(sorted({w for words in CUES["link_gap_function_words"].values() for w in words}))
    + r")\s+(?:"
    + _alternation(CUES["link_gap_followers"])
    + r"|,)\s"
)


def near_block(expr: pl.Expr, offset: int, fill: object = None) -> pl.Expr:
    """``expr`` of the block ``offset`` rows away in the same document, ``fill`` past the
    document's edges. A document's blocks are contiguous rows, so a plain shift masked at
    document edges equals a shift over each document, without partitioning the frame."""
    shifted = pl.when(pl.col("doc_id").shift(offset) == pl.col("doc_id")).then(expr.shift(offset))
    return shifted if fill is None else shifted.otherwise(pl.lit(fill))


def strip_header_date(docs: pl.DataFrame, text: str = "text") -> pl.DataFrame:
    """One row per document in and out: adds ``header_date`` (Date) and drops the token from ``text``."""
    token = pl.col(text).str.extract(HEADER_DATE_PATTERN, 1)
    return docs.with_columns(
        header_date=token.str.to_date("%Y-%m-%d", strict=False),
        **{text: pl.col(text).str.replace(HEADER_DATE_PATTERN, "")},
    )


def split_blocks(
    docs: pl.DataFrame, text: str = "text", max_line_chars: int = 200_000
) -> pl.DataFrame:
    """One row per document (``doc_id``, ``text``) in; one row per non-blank line out.

    Columns out: ``doc_id``, ``block_no`` (0-based over non-blank lines),
    ``text`` (trimmed, invisible characters dropped), ``blank_before``,
    ``blank_after`` (a blank line separates it from its neighbour).
    """
    lines = (
        docs.select(
            "doc_id",
            pl.col(text).str.replace_all(INVISIBLE_PATTERN, "").str.split("\n").alias("text"),
        )
        .explode("text")
        .with_columns(pl.col("text").fill_null("").str.strip_chars().str.slice(0, max_line_chars))
    )
    blank = pl.col("text") == ""
    return (
        lines.with_columns(
            blank_before=near_block(blank, 1, False),
            blank_after=near_block(blank, -1, False),
        )
        .filter(~blank)
        .with_columns(block_no=pl.int_range(pl.len(), dtype=pl.Int32).over("doc_id"))
        .select("doc_id", "block_no", "text", "blank_before", "blank_after")
    )


def _unspaced_words(text: pl.Expr) -> pl.Expr:
    """Words that ``WORD_PATTERN`` misses in scripts written without spaces: two characters
    count as one."""
    return text.str.count_matches(UNSPACED_SCRIPT_PATTERN) // 2


def cue_key(text: pl.Expr) -> pl.Expr:
    """A line as cue lists spell it: lower case, trimmed of marks ("LEA TAMBIÉN:" -> "lea también")."""
    return text.str.to_lowercase().str.strip_chars(CUE_TRIM)


# Columns that split_caption_credit adds; they follow the input columns.
CAPTION_COLUMNS = ("caption", "credit_raw", "caption_label")


def _line_features(lines: pl.DataFrame) -> pl.DataFrame:
    """One row per distinct line (``text``) in and out: the features that read the line alone."""
    text = pl.col("text")
    # The cue key and the word count feed many features: computed once, dropped at the end.
    lines = credits.split_caption_credit(lines, "text").with_columns(
        _key=cue_key(text), _tokens=text.str.count_matches(WORD_PATTERN)
    )
    key, tokens = pl.col("_key"), pl.col("_tokens")
    return lines.with_columns(
        n_words=(tokens + _unspaced_words(text)).cast(pl.Int32),
        ends_sentence=text.str.contains(SENTENCE_END_PATTERN),
        ends_period=text.str.contains(PERIOD_END_PATTERN),
        is_boilerplate=key.is_in(BOILERPLATE_EXACT)
        | key.str.contains(BOILERPLATE_PREFIX_PATTERN)
        | (key.str.count_matches(SOCIAL_PATTERN) >= 2)
        | (
            (text.str.count_matches(BREADCRUMB_SEPARATOR) >= 2)
            & (tokens <= 12)
            & ~text.str.contains(r"\d")
        ),
        # Short lines made of interface words: "Teilen Twittern Senden", "Video Loading".
        is_ui_line=(key.str.count_matches(UI_WORD_PATTERN) >= 1) & (tokens <= MAX_UI_LINE_WORDS),
        is_end_marker=key.is_in(END_OF_ARTICLE),
        # "No reproduction without the permission of ...": a rights notice, not prose.
        is_rights_notice=key.str.contains(REPRODUCTION_PATTERN) & (tokens <= MAX_NOTICE_WORDS),
        is_related_list=key.is_in(RELATED_LIST),
        is_related_cue=key.is_in(RELATED_INLINE),
        is_related_inline=key.str.contains(RELATED_INLINE_PATTERN),
        is_tags_heading=key.is_in(TAGS_HEADING),
        is_tags_inline=key.str.contains(TAGS_INLINE_PATTERN),
        is_byline_heading=key.is_in(BYLINE_HEADING),
        is_credit_cue=key.is_in(CREDIT_CUE_ONLY),
        is_credit=credits.is_credit_line(text),
        # A desk word alone ("Redaktion") is a menu entry, not a signature.
        is_byline=bylines.is_byline_line(text) & ~key.is_in(DESK_WORDS_ALONE),
        is_sign_off=bylines.is_sign_off_line(text),
        # A picture agency alone on a line credits a photo; it never signs an article.
        is_name=bylines.is_name_line(text) & ~key.is_in(PHOTO_AGENCIES),
        is_date=dates.is_date_line(text),
        ends_prose=text.str.contains(PROSE_END_PATTERN),
        has_inner_sentence=text.str.contains(INNER_SENTENCE_PATTERN),
        is_comments_heading=key.is_in(COMMENTS_HEADING) | key.str.contains(COMMENT_COUNT_PATTERN),
        is_cookie_notice=key.str.contains(COOKIE_NOTICE_PATTERN),
        is_commenter=text.str.contains(COMMENTER_PATTERN),
    ).drop("_key", "_tokens")


# The features in the order add_block_features adds them (line and context features mixed).
BLOCK_FEATURES = (
    "n_words", "n_blocks", "ends_sentence", "ends_period", "is_boilerplate", "is_ui_line",
    "is_end_marker", "is_rights_notice", "is_related_list", "is_related_cue",
    "is_related_inline", "is_tags_heading", "is_tags_inline", "is_byline_heading",
    "is_credit_cue", "is_credit", "is_byline", "is_sign_off", "is_name", "is_date",
    "occurrence", "prefix_occurrence", "ends_prose", "has_inner_sentence",
    "is_comments_heading", "is_cookie_notice", "is_commenter", "repeats_previous",
)  # fmt: skip


def add_block_features(blocks: pl.DataFrame) -> pl.DataFrame:
    """One row per block in and out: adds the line features the rules read.

    Features of the line alone are computed once per distinct line of the batch (menus,
    notices and credits repeat across an outlet's pages) and joined back; features of
    the line's place in its document are computed per block.
    """
    text = pl.col("text")
    doc = "doc_id"
    line_features = _line_features(blocks.select("text").unique())
    kept = [c for c in blocks.columns if c not in CAPTION_COLUMNS]
    order = kept + list(CAPTION_COLUMNS)
    order += [c for c in BLOCK_FEATURES if c not in order]
    joined = blocks.select(c for c in kept if c == "text" or c not in line_features.columns).join(
        line_features, on="text", how="left", nulls_equal=True, maintain_order="left"
    )
    return joined.with_columns(
        n_blocks=pl.len().over(doc).cast(pl.Int32),
        # 0 for a block's first occurrence in its document, 1 for a repeat.
        occurrence=(~pl.struct(doc, text).is_first_distinct()).cast(pl.Int64),
        prefix_occurrence=(
            ~pl.struct(doc, text.str.slice(0, REPEAT_PREFIX_CHARS)).is_first_distinct()
        ).cast(pl.Int64),
        repeats_previous=(text == near_block(text, 1)),
    ).select(order)


def in_document_order(blocks: pl.DataFrame) -> pl.DataFrame:
    """One row per block in and out: each document's rows contiguous and in block order,
    as ``near_block`` needs (a no-op for a frame already sorted by document)."""
    doc_step, block_step = pl.col("doc_id").diff(), pl.col("block_no").diff()
    ordered = ((doc_step > 0) | ((doc_step == 0) & (block_step > 0))).fill_null(True).all()
    if blocks.select(ordered).item():
        return blocks
    return blocks.sort("doc_id", "block_no", maintain_order=True)


def classify_blocks(blocks: pl.DataFrame) -> pl.DataFrame:
    """One row per block (with features) in and out: adds ``kind``."""
    doc = "doc_id"
    c = pl.col
    blocks = in_document_order(blocks)
    # "caption (" / "Image:" / "Agency)": the line after a lone credit cue is a credit.
    after_cue = near_block(c("is_credit_cue"), 1, False) & (c("n_words") <= MAX_CUED_CREDIT_WORDS)
    blocks = blocks.with_columns(is_credit=c("is_credit") | after_cue)
    uses_blank_lines = c("blank_before").mean().over(doc) > 0.2

    # Regions: the article ends at a reader notice; tags blocks end the body.
    ended = c("is_end_marker").cast(pl.Int32).cum_sum().over(doc) > 0
    blocks = blocks.with_columns(ended=ended)

    # Segments opened by a heading (related list, related cue, tags, byline heading).
    is_heading = (
        c("is_related_list") | c("is_related_cue") | c("is_tags_heading") | c("is_byline_heading")
    )
    blocks = blocks.with_columns(
        segment=is_heading.cast(pl.Int32).cum_sum().over(doc),
        is_heading=is_heading,
    )
    heading_kind = (
        pl.when(c("is_related_list"))
        .then(pl.lit("related_list"))
        .when(c("is_related_cue"))
        .then(pl.lit("related_cue"))
        .when(c("is_tags_heading"))
        .then(pl.lit("tags"))
        .when(c("is_byline_heading"))
        .then(pl.lit("byline"))
    )
    blocks = blocks.with_columns(
        segment_kind=heading_kind.first().over([doc, "segment"]),
        index_in_segment=pl.int_range(pl.len()).over([doc, "segment"]),
        segment_opened=c("is_heading").first().over([doc, "segment"]),
    )
    # An item run stops at the first block that cannot be an item (too long, a
    # blank-line gap after the first item in dumps that use blank lines, boilerplate).
    item_limit = pl.when(c("segment_kind") == "tags").then(MAX_TAG_WORDS).otherwise(MAX_ITEM_WORDS)
    breaks_run = (c("index_in_segment") > 0) & (
        (c("n_words") > item_limit)
        | c("is_boilerplate")
        | c("is_end_marker")
        | (uses_blank_lines & c("blank_before") & (c("index_in_segment") > 1))
        | ((c("segment_kind") == "related_cue") & (c("index_in_segment") > 1))
        | ((c("segment_kind") == "byline") & (c("index_in_segment") > 1))
        # A full sentence after a list of titles is the body resuming.
        | (c("ends_period") & (c("n_words") >= 8))
    )
    blocks = blocks.with_columns(
        in_item_run=c("segment_opened")
        & (c("index_in_segment") > 0)
        & (breaks_run.cast(pl.Int32).cum_sum().over([doc, "segment"]) == 0)
    )
    tags_started = (c("is_tags_heading") | c("is_tags_inline")).cast(pl.Int32).cum_sum().over(
        doc
    ) > 0

    # Captions: inline credit with a cue, or the block before a credit line.
    next_is_credit = near_block(c("is_credit"), -1, False) | (
        near_block(c("is_credit_cue"), -1, False) & near_block(c("is_credit"), -2, False)
    )
    # A caption with its credit on the same line; a bare "Name - Agency" is a credit, not a caption.
    # Words are counted only where a credit was split off (null elsewhere, which is false).
    split_caption = pl.when(c("credit_raw").is_not_null()).then(c("caption"))
    has_inline_credit = (
        c("credit_raw").is_not_null()
        & c("caption").is_not_null()
        & (
            split_caption.str.count_matches(WORD_PATTERN) + _unspaced_words(split_caption)
            >= MIN_INLINE_CAPTION_WORDS
        )
    )
    paragraph_like = (
        (c("n_words") >= MIN_PARAGRAPH_WORDS)
        & ~c("is_boilerplate")
        & ~c("is_rights_notice")
        & ~c("is_credit")
        & ~c("is_heading")
        & ~c("in_item_run")
        & ~c("ended")
        & (c("prefix_occurrence") == 0)
    )
    blocks = blocks.with_columns(
        paragraph_like=paragraph_like,
        next_is_credit=next_is_credit,
        has_inline_credit=has_inline_credit,
    )
    # Materialized once: the rules below read them many times (a regex and windows each).
    has_inline_credit, next_is_credit = c("has_inline_credit"), c("next_is_credit")
    position = c("block_no") / c("n_blocks")
    blocks = blocks.with_columns(
        _in_head=(position < HEAD_SHARE) | (c("block_no") < 8),
        _plain_paragraph=c("paragraph_like")
        & ~c("is_date")
        & ~c("is_byline")
        & ~has_inline_credit
        & ~next_is_credit,
    )
    in_head, plain_paragraph = c("_in_head"), c("_plain_paragraph")
    first_prose = pl.when(plain_paragraph & c("ends_prose")).then(c("block_no")).min().over(doc)
    # Prose already seen: a headline or byline after two paragraphs belongs to something else.
    prose_before = (plain_paragraph & c("ends_prose")).cast(pl.Int32).cum_sum().over(doc) - (
        plain_paragraph & c("ends_prose")
    ).cast(pl.Int32)
    blocks = blocks.with_columns(prose_before=prose_before)
    meta_line = (
        (c("is_byline") | c("is_date")) & in_head & ~c("paragraph_like") & (c("prose_before") <= 1)
    )
    last_meta = (
        pl.when(meta_line & (c("block_no") <= first_prose.fill_null(c("n_blocks")) + 12))
        .then(c("block_no"))
        .max()
        .over(doc)
    )
    blocks = blocks.with_columns(
        first_prose=first_prose.fill_null(c("n_blocks")),
        last_meta=last_meta.fill_null(-1),
    )

    # The title: the most title-like heading before the body, scored on its shape,
    # its position and whether the page printed it twice.
    title_candidate = (
        (c("block_no") <= pl.max_horizontal(c("first_prose"), c("last_meta")))
        & (c("prose_before") <= 1)
        & (c("n_words") >= 2)
        & (c("n_words") <= MAX_TITLE_WORDS)
        & ~c("ends_period")
        & ~c("is_boilerplate")
        & ~c("is_ui_line")
        & ~c("is_byline")
        & ~c("is_date")
        & ~c("is_credit")
        & ~c("is_name")
        & ~c("is_heading")
        & ~c("in_item_run")
        & ~c("is_related_inline")
        & ~has_inline_credit
        # A line before a photo credit (not a byline naming an agency) is a caption.
        & ~(next_is_credit & ~near_block(c("is_byline"), -1, False))
        & ~c("ended")
        & (c("occurrence") == 0)
    )
    title_score = (
        pl.when(c("n_words").is_between(5, 25)).then(2).otherwise(0)
        - pl.when(c("n_words") < 4).then(2).otherwise(0)
        - pl.when(c("has_inner_sentence") & (c("n_words") > SHORT_TITLE_WORDS)).then(2).otherwise(0)
        - pl.when(c("n_words") > LONG_TITLE_WORDS).then(1).otherwise(0)
        # Pages often print the headline twice (document title and heading).
        + pl.when(pl.struct(doc, "text").is_duplicated()).then(REPEATED_TITLE_BONUS).otherwise(0)
        + pl.when(c("block_no") == pl.when(title_candidate).then(c("block_no")).min().over(doc))
        .then(1)
        .otherwise(0)
    )
    blocks = blocks.with_columns(title_candidate=title_candidate).pipe(_add_lead_overlap)
    title_score = title_score + c("lead_overlap") * LEAD_OVERLAP_WEIGHT
    title_candidate = c("title_candidate")
    # Materialized once: the best score and the block holding it both read it.
    blocks = blocks.with_columns(_title_score=pl.when(title_candidate).then(title_score))
    title_score = c("_title_score")
    best_score = title_score.max().over(doc)
    title_no = (
        pl.when(title_candidate & (title_score == best_score)).then(c("block_no")).min().over(doc)
    )
    blocks = blocks.with_columns(title_no=title_no)
    is_title = c("block_no") == c("title_no")

    first_paragraph = (
        pl.when(plain_paragraph & (c("block_no") > c("title_no").fill_null(-1)))
        .then(c("block_no"))
        .min()
        .over(doc)
    )
    blocks = blocks.with_columns(first_paragraph=first_paragraph.fill_null(c("n_blocks")))
    body_start = pl.max_horizontal(
        c("first_paragraph"),
        pl.min_horizontal(c("last_meta") + 1, c("n_blocks")),
        c("title_no").fill_null(-1) + 1,
    )
    in_header = c("block_no") < body_start
    # Comment sections, cookie notices and reader notices close the article once its body
    # has begun.
    # (only past half of the article's prose: "join the conversation" also sits under bylines).
    prose_seen = c("paragraph_like").cast(pl.Int32).cum_sum().over(doc)
    prose_total = c("paragraph_like").cast(pl.Int32).sum().over(doc)
    # A cookie notice never sits inside a story, and the cookie tables after it may be
    # longer than the story itself: a few paragraphs of body are enough.
    closes = ~in_header & (
        (c("is_comments_heading") & (prose_seen * 2 >= prose_total))
        | (c("is_cookie_notice") & (prose_seen >= MIN_PARAGRAPHS_BEFORE_COOKIE_NOTICE))
    )
    closed = (closes.cast(pl.Int32).cum_sum().over(doc) > 0) | c("ended")
    blocks = blocks.with_columns(in_header=in_header, closed=closed, _body_start=body_start)
    in_header, body_start = c("in_header"), c("_body_start")

    next_paragraph_like = near_block(c("paragraph_like"), -1, False) | (
        near_block(c("ends_sentence"), -1, False) & (near_block(c("n_words"), -1, 0) >= 6)
    )
    heading_shaped = (c("n_words") >= 2) & (c("n_words") <= MAX_HEADING_WORDS) & ~c("ends_period")
    is_summary = (
        in_header
        & c("paragraph_like")
        & (c("block_no") > c("title_no").fill_null(c("n_blocks")))
        & (c("occurrence") == 0)
        & ~has_inline_credit
        & ~next_is_credit
        & ~c("is_byline")
        & ~c("is_date")
    )
    # A bare name is a byline after the title, just before a byline or date line or
    # shortly after one (a line right under the headline is more often a kicker).
    meta = c("is_byline") | c("is_date")
    near_meta = pl.any_horizontal(
        [near_block(meta, k, False) for k in (-1, *range(1, NAME_REACH + 1))]
    ) & (c("block_no") > c("title_no").fill_null(-1))
    # Without a byline line, the first bare name just after the title is the byline.
    name_after_title = (
        c("is_name")
        & ~c("is_ui_line")
        # A name over a photo credit captions the photo ("Friedrich Merz" / "Foto: Reuters").
        & ~next_is_credit
        # The line right under the headline is more often a kicker than a name.
        & (c("block_no") > c("title_no").fill_null(c("n_blocks")) + 1)
        # Within reach of the body's start, or before the second paragraph of prose.
        & ((c("block_no") <= body_start + NAME_REACH) | (c("prose_before") <= 1) & in_head)
    )
    blocks = blocks.with_columns(
        first_name_after_title=c("block_no")
        == pl.when(name_after_title).then(c("block_no")).min().over(doc),
        has_head_byline=(c("is_byline") & in_head).any().over(doc),
    )
    # Runs of short unpunctuated blocks in the body are link lists (teasers, timestamps).
    unpunctuated = ~c("ends_prose") & (c("n_words") <= MAX_TEASER_WORDS)
    run_id = (
        (unpunctuated != near_block(unpunctuated, 1))
        .fill_null(True)
        .cast(pl.Int32)
        .cum_sum()
        .over(doc)
    )
    blocks = blocks.with_columns(
        teaser_run=unpunctuated & (pl.len().over([doc, run_id]) >= MIN_TEASER_RUN)
    )
    kind = (
        pl.when(c("closed"))
        .then(pl.lit("boilerplate"))
        .when(c("is_heading") & c("is_related_list"))
        .then(pl.lit("related_heading"))
        .when(c("is_heading") & c("is_related_cue"))
        .then(pl.lit("related_heading"))
        .when(c("is_related_inline"))
        .then(pl.lit("related_item"))
        .when(c("is_heading") & c("is_tags_heading"))
        .then(pl.lit("tags_heading"))
        .when(c("is_tags_inline"))
        .then(pl.lit("tag"))
        .when(c("is_heading"))
        .then(pl.lit("boilerplate"))
        # A name with its date stamp in the head signs the article, even inside a link list.
        .when(
            c("in_item_run")
            & c("is_byline")
            & c("is_date")
            & in_head
            & (c("prose_before") <= MAX_PROSE_BEFORE_BYLINE)
        )
        .then(pl.lit("byline"))
        # "Autorin/Autor X", "(责编：X)": a sign-off cue signs the article wherever it stands.
        .when(c("is_sign_off") & ~c("has_head_byline"))
        .then(pl.lit("byline"))
        .when(c("in_item_run") & (c("segment_kind") == "tags"))
        .then(pl.lit("tag"))
        .when(c("in_item_run") & (c("segment_kind") == "byline"))
        .then(pl.lit("byline"))
        .when(c("in_item_run"))
        .then(pl.lit("related_item"))
        .when(
            c("is_boilerplate")
            | c("is_commenter")
            | c("is_rights_notice")
            | (c("is_ui_line") & ~c("is_byline"))
        )
        .then(pl.lit("boilerplate"))
        .when(c("repeats_previous"))
        .then(pl.lit("duplicate"))
        .when(is_title)
        .then(pl.lit("title"))
        .when(has_inline_credit & (c("occurrence") == 0))
        .then(pl.lit("caption"))
        .when(has_inline_credit)
        .then(pl.lit("duplicate"))
        .when(c("is_byline") & in_head)
        .then(
            pl.when(c("prose_before") <= MAX_PROSE_BEFORE_BYLINE)
            .then(pl.lit("byline"))
            .otherwise(pl.lit("noise"))
        )
        .when(c("is_credit"))
        .then(pl.lit("credit"))
        .when(c("is_date") & in_head)
        .then(pl.lit("date"))
        .when(next_is_credit & c("n_words").is_between(2, MAX_CAPTION_WORDS))
        .then(pl.lit("caption"))
        .when(is_summary)
        .then(pl.lit("summary"))
        .when(
            c("is_name") & near_meta & (in_header | (c("block_no") <= c("last_meta") + NAME_REACH))
        )
        .then(pl.lit("byline"))
        .when(c("is_name") & c("first_name_after_title") & ~c("has_head_byline"))
        .then(pl.lit("byline"))
        .when(in_header)
        .then(pl.lit("noise"))
        .when(tags_started)
        .then(pl.lit("noise"))
        .when((c("occurrence") > 0) | (c("prefix_occurrence") > 0))
        .then(pl.lit("duplicate"))
        .when(c("teaser_run"))
        .then(pl.lit("noise"))
        .when(c("paragraph_like") | (c("ends_sentence") & (c("n_words") >= 3)))
        .then(pl.lit("paragraph"))
        .when(heading_shaped & next_paragraph_like)
        .then(pl.lit("subheadline"))
        .when(c("n_words") >= 6)
        .then(pl.lit("paragraph"))
        .otherwise(pl.lit("noise"))
    )
    blocks = blocks.with_columns(kind=kind)
    # A byline split over lines ("Konstantin Furrer" / "," / "Deutsche Presse-Agentur"): a
    # bare name right after a byline block, or after a lone separator after one, continues it.
    after_byline = (near_block(c("kind"), 1) == "byline") | (
        (near_block(c("kind"), 2) == "byline")
        & near_block(c("text"), 1).str.contains(BYLINE_JOINER_PATTERN)
    )
    continues_byline = c("is_name") & (c("kind") == "noise") & after_byline.fill_null(False)
    return blocks.with_columns(
        kind=pl.when(continues_byline).then(pl.lit("byline")).otherwise(c("kind"))
    ).drop("_in_head", "_plain_paragraph", "_body_start", "_title_score")


def _add_lead_overlap(blocks: pl.DataFrame) -> pl.DataFrame:
    """Adds ``lead_overlap`` to title candidates: the share of their words that the
    article's first paragraphs repeat (a headline sums up its lead; a kicker or a menu
    item does not)."""
    doc = "doc_id"
    words = pl.col("text").str.to_lowercase().str.extract_all(LEAD_WORD_PATTERN).list.unique()
    # Blocks are in document order: a document's first rows here are its first paragraphs.
    lead = (
        blocks.filter(pl.col("paragraph_like") & pl.col("ends_prose"))
        .group_by(doc, maintain_order=True)
        .head(LEAD_PARAGRAPHS)
        .select(doc, words=words)
        .group_by(doc)
        .agg(lead=pl.col("words").list.explode(keep_nulls=False, empty_as_null=False).unique())
    )
    shared = pl.col("words").list.set_intersection(pl.col("lead")).list.len()
    overlap = (
        blocks.filter(pl.col("title_candidate"))
        .select(doc, "block_no", words=words)
        .join(lead, on=doc, how="left")
        .select(
            doc,
            "block_no",
            lead_overlap=pl.when(pl.col("words").list.len() > 0).then(
                shared / pl.col("words").list.len()
            ),
        )
    )
    return blocks.join(
        overlap, on=[doc, "block_no"], how="left", maintain_order="left"
    ).with_columns(pl.col("lead_overlap").fill_null(0.0))


def keep_main_body(blocks: pl.DataFrame) -> pl.DataFrame:
    """One row per classified block in and out: body blocks far from the article's main
    stretch of prose (teaser lists, footers after a long gap) become ``noise``.

    Body blocks separated by ``BODY_GAP_BLOCKS`` or more other blocks form separate
    clusters; clusters with less than ``MIN_CLUSTER_SHARE`` of the largest one's
    words are dropped.
    """
    doc = "doc_id"
    c = pl.col
    blocks = in_document_order(blocks)
    is_body = c("kind").is_in(["paragraph", "subheadline"])
    run_id = (is_body != near_block(is_body, 1)).fill_null(True).cast(pl.Int32).cum_sum().over(doc)
    blocks = blocks.with_columns(_is_body=is_body, _run_len=pl.len().over([doc, run_id]))
    starts_cluster = (
        c("_is_body")
        & ~near_block(c("_is_body"), 1, True)
        & (near_block(c("_run_len"), 1, 0) >= BODY_GAP_BLOCKS)
    )
    blocks = blocks.with_columns(_cluster=starts_cluster.cast(pl.Int32).cum_sum().over(doc))
    cluster_words = (
        pl.when(c("_is_body")).then(c("n_words")).otherwise(0).sum().over([doc, "_cluster"])
    )
    main_words = pl.when(c("_is_body")).then(cluster_words).max().over(doc)
    stray = c("_is_body") & (cluster_words < main_words * MIN_CLUSTER_SHARE)
    return blocks.with_columns(kind=pl.when(stray).then(pl.lit("noise")).otherwise(c("kind"))).drop(
        "_is_body", "_run_len", "_cluster"
    )


def segment_text(docs: pl.DataFrame, max_line_chars: int = 200_000) -> pl.DataFrame:
    """One row per document (``doc_id``, ``text``) in; one classified row per block out."""
    return (
        split_blocks(docs, "text", max_line_chars)
        .pipe(add_block_features)
        .pipe(classify_blocks)
        .pipe(keep_main_body)
    )


def count_link_gaps(text: pl.Expr) -> pl.Expr:
    """Places in ``text`` where a scraper dropped a link's text (``chino, , y``, ``entre y Rusia``)."""
    return (
        text.str.count_matches(EMPTY_PUNCTUATION_GAP) + text.str.count_matches(LINK_GAP_PATTERN)
    ).cast(pl.Int32)


def related_title(text: pl.Expr) -> pl.Expr:
    """The linked title of a related block: the text after an inline ``CUE:``."""
    return (
        pl.when(cue_key(text).str.contains(RELATED_INLINE_PATTERN))
        .then(text.str.replace(INLINE_CUE_SEPARATOR, ""))
        .otherwise(text)
        .str.strip_chars()
    )


def inline_tags(text: pl.Expr) -> pl.Expr:
    """The tags of a ``Tags: a, b, c`` block as a list (one tag per other block)."""
    return (
        pl.when(cue_key(text).str.contains(TAGS_INLINE_PATTERN))
        .then(text.str.replace(INLINE_CUE_SEPARATOR, "").str.split(","))
        .otherwise(pl.concat_list(text))
    )
