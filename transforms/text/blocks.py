"""Blocks, the grain both paths classify: one row per line of a text dump or per text
block of a page, ``doc_id`` and ``block_no`` (0-based, page order) first.

This module holds what the classifier (``text.classify``) reads on each block: the
features of its line alone and of its place in its document (``add_block_features``),
the helpers that look at neighbouring blocks (``near_block``, ``in_document_order``),
and the readers of a block's text that assembly applies to both paths' blocks
(``related_title``, ``inline_tags``, ``count_link_gaps``). Cue words come from
``lexicon/cues.json``.
"""

from __future__ import annotations

import threading

import polars as pl

from dateline.transforms.fields import bylines, credits, dates, names
from dateline.transforms.lexicon import load, social_networks
from dateline.transforms.patterns import DIGIT_PATTERN, WHITE_SPACE_WORD, literal_alternation

CUES = load("cues")

# A character of a script written without spaces: two of them count as a word.
UNSPACED_SCRIPT_CHARACTER = r"[\p{Han}\p{Hiragana}\p{Katakana}]"
# A line that is only a desk word ("Redaktion", "Newsroom"): a menu entry, not a byline.
DESK_WORDS_ALONE = sorted({word.lower() for word in bylines.BYLINE_WORDS["desk_words"]})
# A line ends like a sentence: final punctuation, possibly inside closing quotes or brackets
# (the danda "।" ends Devanagari sentences, "؟" and "۔" Arabic-script ones); a short note in
# full-width brackets may follow the last sentence ("...上。（编译/林靖东）": the translator).
# After a Latin full stop a bracket is a credit or a count ("Attach moss. (Jane Doe)",
# "Best places to advertise? (6)"), not the sentence's.
SENTENCE_END_PATTERN = r"[.!?…:;。！？।؟۔][\"'”’»)\]」』）]*(?:\s*（[^（）]{1,40}）)?$"
# A line ends like prose: a full stop, question or exclamation mark (quotes allowed).
PROSE_END_PATTERN = r"[.!?…。！？।؟۔][\"'”’»)\]」』）]*(?:\s*（[^（）]{1,40}）)?$"
# A sentence ends inside the line and another begins: a standfirst, not a headline.
INNER_SENTENCE_PATTERN = r"[a-z\p{Ll}]{2}[.!?] +[\p{Lu}]"
# Blocks starting with the same characters are the same text printed again.
REPEAT_PREFIX_CHARS = 60
# Breadcrumb trails: "News / World / Europe", "Home › Politik": two separators or more in
# a short line without digits.
# The arrows between a trail's steps; a trail also steps with " / " and " | ".
BREADCRUMB_ARROWS = "›»>"
BREADCRUMB_SEPARATOR = rf" (?:/|[{BREADCRUMB_ARROWS}]|\|) "
MIN_BREADCRUMB_SEPARATORS = 2
MAX_BREADCRUMB_WORDS = 12
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

BOILERPLATE_EXACT = sorted(set(CUES["boilerplate_exact"] + social_networks("menu")))
BOILERPLATE_PREFIX_PATTERN = rf"^(?:{literal_alternation(CUES['boilerplate_prefix'])})"
END_OF_ARTICLE = sorted(set(CUES["end_of_article"]))
RELATED_LIST = sorted(set(CUES["related_list"]))
RELATED_INLINE = sorted(set(CUES["related_inline"]))
RELATED_INLINE_PATTERN = (
    rf"^(?:{literal_alternation(CUES['related_inline'])})\s*{CUE_SEPARATOR}\s*\S"
)
TAGS_HEADING = sorted(set(CUES["tags_heading"]))
TAGS_INLINE_PATTERN = rf"^(?:{literal_alternation(CUES['tags_heading'])})\s*{CUE_SEPARATOR}\s*\S"
BYLINE_HEADING = sorted(set(CUES["byline_heading"]))
# A credit cue alone on its line ("Image:"): the credit follows on the next line.
CREDIT_CUE_ONLY = sorted(set(CUES["credit_cue_only"]))
PHOTO_AGENCIES = sorted(set(CUES["photo_agencies"]))
# "No reproduction without the permission of ...": a line holding one of these stems is a
# rights notice when it is short and says what is allowed or forbidden (a permission or
# prohibition cue: whole words, or stems that open a word); "we can reproduce the bug" is prose.
REPRODUCTION_STEMS = sorted(set(CUES["reproduction_stems"]))
NOTICE_CUE_PATTERN = (
    rf"(?:^|[^\w])(?:(?:{literal_alternation(CUES['reproduction_notice_words'])})(?:$|[^\w])"
    rf"|{literal_alternation(CUES['reproduction_notice_stems'])})"
)
MAX_NOTICE_WORDS = 60
COMMENTS_HEADING = sorted(set(CUES["comments_heading"]))
COMMENT_WORDS = literal_alternation(CUES["comments_heading"])
COMMENT_COUNT_PATTERN = rf"^\d+ (?:{COMMENT_WORDS})$"
# A heading that opens a comment section as blogs title it: a count of comments or
# responses, on the post's title or not ("53 Responses to “Title”", "Comments (186)"),
# or the comment form's heading ("Leave a Reply"). A line COMMENT_COUNT_PATTERN matches
# is one.
# Responses and thoughts are counted on the post's quoted title, or alone: "5 thoughts on
# the election" is a listicle's subheading.
COMMENT_SECTION_HEADING_PATTERN = (
    rf"^(?:\d+ (?:{COMMENT_WORDS})(?: .+)?"
    rf"|\d+ (?:{literal_alternation(CUES['comment_count_nouns'])})(?: \S+ [“\"«„‘'].*)?"
    rf"|(?:{COMMENT_WORDS}) \(\d+\)"
    rf"|(?:{literal_alternation(CUES['comment_form_heading'])})(?: .+)?)$"
)
# A cookie consent text: after the article it opens the site's cookie tables, not more story.
COOKIE_NOTICE_PATTERN = rf"^(?:{literal_alternation(CUES['cookie_notice_prefix'])})"
# Short lines made of interface words: "Teilen Twittern Senden", "Video Loading".
UI_WORD_PATTERN = (
    rf"(?:^|[^\w])(?:{literal_alternation(CUES['ui_words'] + social_networks('ui'))})(?:$|[^\w])"
)
MAX_UI_LINE_WORDS = 4
# A share bar: a line naming two share targets or more ("Facebook Twitter E-Mail").
SHARE_TARGET_PATTERN = rf"(?:^|[^\w])(?:{literal_alternation(social_networks('share'))})(?:$|[^\w])"
MIN_SHARE_BAR_TARGETS = 2
# A share bar is mostly its targets: a sentence that names Facebook twice is prose.
MAX_SHARE_BAR_WORDS_PER_TARGET = 4
LINK_GAP_PATTERN = (
    r"(?i)(?:^|\s)(?:"
    + literal_alternation(
        sorted({w for words in CUES["link_gap_function_words"].values() for w in words})
    )
    + r")\s+(?:"
    + literal_alternation(CUES["link_gap_followers"])
    + r"|,)\s"
)


def near_block(expr: pl.Expr, offset: int, fill: object = None) -> pl.Expr:
    """``expr`` of the block ``offset`` rows away in the same document, ``fill`` past the
    document's edges. A document's blocks are contiguous rows, so a plain shift masked at
    document edges equals a shift over each document, without partitioning the frame."""
    shifted = pl.when(pl.col("doc_id").shift(offset) == pl.col("doc_id")).then(expr.shift(offset))
    return shifted if fill is None else shifted.otherwise(pl.lit(fill))


def count_words(text: pl.Expr) -> pl.Expr:
    """The words of a text, as block sizes count them (one value in, one count out): runs
    of characters between white space, plus one word per two characters of the scripts
    written without spaces (Han, Hiragana, Katakana), where a run would be a sentence."""
    return (
        text.str.count_matches(WHITE_SPACE_WORD)
        + text.str.count_matches(UNSPACED_SCRIPT_CHARACTER) // 2
    )


def body_word_counts(blocks: pl.DataFrame, kinds: tuple[str, ...]) -> pl.DataFrame:
    """One row per document with blocks of ``kinds`` (text-path blocks, which carry
    ``n_words`` and ``n_unspaced``): ``word_count``, ``count_words`` of the blocks' texts
    joined by white space, summed from the blocks' own counts instead of read again."""
    if blocks.is_empty():
        return pl.DataFrame(schema={"doc_id": pl.Int64, "word_count": pl.Int64})
    unspaced = pl.col("n_unspaced").cast(pl.Int64)
    tokens = pl.col("n_words").cast(pl.Int64) - unspaced // 2
    return (
        # The columns read, selected first: the filter copies what it keeps.
        blocks.select("doc_id", "kind", "n_words", "n_unspaced")
        .filter(pl.col("kind").is_in(kinds))
        .group_by("doc_id")
        .agg(word_count=tokens.sum() + unspaced.sum() // 2)
    )


def cue_key(text: pl.Expr) -> pl.Expr:
    """A line as cue lists spell it: lower case, trimmed of marks ("LEA TAMBIÉN:" -> "lea también")."""
    return text.str.to_lowercase().str.strip_chars(CUE_TRIM)


def comment_section_heading(text: pl.Expr) -> pl.Expr:
    """How surely a line titles a comment section: 2 for a count or a comment form's
    heading ("12 comments", "53 Responses to “Title”", "Leave a Reply",
    ``COMMENT_SECTION_HEADING_PATTERN``), 1 for a comments word alone ("Kommentare"; also
    an opinion column's label or a listicle's item), 0 otherwise."""
    key = cue_key(text)
    return (
        pl.when(key.str.contains(COMMENT_SECTION_HEADING_PATTERN))
        .then(2)
        .when(key.is_in(COMMENTS_HEADING))
        .then(1)
        .otherwise(0)
    )


# Columns that split_caption_credit adds; they follow the input columns.
CAPTION_COLUMNS = ("caption", "credit_raw", "caption_label")


def _line_features(lines: pl.DataFrame) -> pl.DataFrame:
    """One row per distinct line (``text``) in and out: the features that read the line alone."""
    text = pl.col("text")
    # The cue key and the word count feed many features: computed once, dropped at the end.
    lines = (
        credits.split_caption_credit(lines, "text")
        .with_columns(
            _key=cue_key(text),
            _tokens=text.str.count_matches(WHITE_SPACE_WORD),
            _unspaced=text.str.count_matches(UNSPACED_SCRIPT_CHARACTER),
        )
        # count_words: the unspaced characters are kept too, so that a document's word
        # count is a sum over its blocks (see body_word_counts).
        .with_columns(_words=pl.col("_tokens") + pl.col("_unspaced") // 2)
    )
    lines = lines.with_columns(
        _share_targets=pl.col("_key").str.count_matches(SHARE_TARGET_PATTERN)
    )
    key, tokens, share_targets = pl.col("_key"), pl.col("_tokens"), pl.col("_share_targets")
    return lines.with_columns(
        n_words=pl.col("_words").cast(pl.Int32),
        n_unspaced=pl.col("_unspaced").cast(pl.Int32),
        n_link_gaps=count_link_gaps(text),
        # The words of a caption printed with its credit on the same line (null without).
        n_caption_words=count_words(
            pl.when(pl.col("credit_raw").is_not_null()).then(pl.col("caption"))
        ).cast(pl.Int32),
        ends_sentence=text.str.contains(SENTENCE_END_PATTERN),
        ends_period=text.str.contains(PERIOD_END_PATTERN),
        is_boilerplate=key.is_in(BOILERPLATE_EXACT)
        | key.str.contains(BOILERPLATE_PREFIX_PATTERN)
        | (
            (share_targets >= MIN_SHARE_BAR_TARGETS)
            & (tokens <= share_targets * MAX_SHARE_BAR_WORDS_PER_TARGET)
        )
        | (
            (text.str.count_matches(BREADCRUMB_SEPARATOR) >= MIN_BREADCRUMB_SEPARATORS)
            & (tokens <= MAX_BREADCRUMB_WORDS)
            & ~text.str.contains(DIGIT_PATTERN)
        ),
        # Words as sizes count them: a sentence in Japanese naming "App Store" is no button.
        is_ui_line=key.str.contains(UI_WORD_PATTERN) & (pl.col("_words") <= MAX_UI_LINE_WORDS),
        is_end_marker=key.is_in(END_OF_ARTICLE),
        # "No reproduction without the permission of ...": a rights notice, not prose (the
        # stems are plain text found anywhere in the line: a substring test), when it says
        # what is forbidden or allowed ("may not", "without permission", "rights reserved").
        is_rights_notice=key.str.contains_any(REPRODUCTION_STEMS)
        & (tokens <= MAX_NOTICE_WORDS)
        & key.str.contains(NOTICE_CUE_PATTERN),
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
        is_role_line=bylines.is_role_line(text),
        # A picture agency alone on a line credits a photo; it never signs an article.
        is_name=bylines.is_name_line(text) & ~key.is_in(PHOTO_AGENCIES),
        # A heading or button shaped like a name ("Neueste Fotos", "Recent Comments").
        has_interface_word=names.has_interface_word(text),
        is_date=dates.is_date_line(text),
        ends_prose=text.str.contains(PROSE_END_PATTERN),
        has_inner_sentence=text.str.contains(INNER_SENTENCE_PATTERN),
        is_comments_heading=key.is_in(COMMENTS_HEADING) | key.str.contains(COMMENT_COUNT_PATTERN),
        is_cookie_notice=key.str.contains(COOKIE_NOTICE_PATTERN),
        is_commenter=text.str.contains(COMMENTER_PATTERN),
    ).drop("_key", "_tokens", "_unspaced", "_words", "_share_targets")


# Line numbers of a batch (and of its prefixes) stay below this; a document's number times
# it plus a line's number names the pair.
LINE_NUMBERS = 1 << 32
# Bytes of distinct lines whose features a process keeps between batches; past this, the
# lines least recently met are dropped until half of it is left.
LINE_CACHE_BYTES = 16_000_000


class LineFeatureCache:
    """The features of lines met in earlier batches of this process, ``_line_features``
    of each (a function of the line alone, so a kept row is what computing it again gives).

    Dumps repeat their menus, notices, credits and bylines across batches of an outlet's
    pages: those are read once per process. Safe to share between threads.
    """

    def __init__(self, max_bytes: int = LINE_CACHE_BYTES) -> None:
        self.max_bytes = max_bytes
        self._lock = threading.Lock()
        self._kept: pl.DataFrame | None = None  # features, and _batch: when last met
        self._batch = 0

    def features(self, lines: pl.DataFrame) -> pl.DataFrame:
        """One row per distinct line (``text``) in and out: ``_line_features`` of each,
        computed only for the lines not kept."""
        with self._lock:
            self._batch += 1
            batch, kept = self._batch, self._kept
        if kept is None:
            missing, found = lines, None
        else:
            missing = lines.join(kept, on="text", how="anti", maintain_order="left")
            found = kept.join(lines, on="text", how="semi", maintain_order="left")
        if found is None:
            computed = features = _line_features(missing)
        else:
            found = found.drop("_batch")
            # Each computation has a fixed cost (its patterns compile on every call).
            computed = _line_features(missing) if missing.height else found.clear()
            features = pl.concat([found, computed])
        with self._lock:
            self._kept = self._updated(computed.drop_nulls("text"), lines, batch)
        return features

    def _updated(self, new: pl.DataFrame, met: pl.DataFrame, batch: int) -> pl.DataFrame:
        """The kept lines with ``new`` added and those in ``met`` marked as met in ``batch``;
        the least recently met dropped down to half of ``max_bytes`` once over it."""
        new = new.with_columns(_batch=pl.lit(batch, pl.Int64))
        if self._kept is None:
            kept = new
        else:
            seen = pl.col("text").is_in(met.get_column("text").implode())
            kept = pl.concat(
                [
                    self._kept.join(new, on="text", how="anti", maintain_order="left").with_columns(
                        _batch=pl.when(seen).then(batch).otherwise(pl.col("_batch"))
                    ),
                    new,
                ]
            )
        size = pl.col("text").str.len_bytes()
        if kept.select(size.sum()).item() > self.max_bytes:
            kept = kept.sort("_batch", descending=True, maintain_order=True).filter(
                size.cum_sum() <= self.max_bytes // 2
            )
        return kept


LINE_FEATURES = LineFeatureCache()


# The features in the order add_block_features adds them (line and context features mixed).
BLOCK_FEATURES = (
    "n_words", "n_blocks", "ends_sentence", "ends_period", "is_boilerplate", "is_ui_line",
    "is_end_marker", "is_rights_notice", "is_related_list", "is_related_cue",
    "is_related_inline", "is_tags_heading", "is_tags_inline", "is_byline_heading",
    "is_credit_cue", "is_credit", "is_byline", "is_sign_off", "is_role_line", "is_name",
    "has_interface_word", "is_date",
    "occurrence", "prefix_occurrence", "ends_prose", "has_inner_sentence",
    "is_comments_heading", "is_cookie_notice", "is_commenter", "repeats_previous",
    "n_unspaced", "n_link_gaps", "n_caption_words", "is_repeated",
)  # fmt: skip


def add_block_features(blocks: pl.DataFrame) -> pl.DataFrame:
    """One row per block in and out: adds the line features the rules read.

    Features of the line alone are computed once per distinct line of the batch, and of
    the process for short lines (``LINE_FEATURES``: menus, notices and credits repeat
    across an outlet's pages), and joined back; features of the line's place in its
    document are computed per block.
    """
    text = pl.col("text")
    doc = "doc_id"
    # Each distinct line, and each distinct prefix, gets a number: repeats within a
    # document are then found on pairs of integers rather than of strings.
    line_features = LINE_FEATURES.features(blocks.select("text").unique()).with_columns(
        _line_no=pl.int_range(pl.len(), dtype=pl.Int64),
    )
    line_features = line_features.with_columns(
        _prefix_no=pl.col("_line_no").first().over(text.str.slice(0, REPEAT_PREFIX_CHARS))
    )
    kept = [c for c in blocks.columns if c not in CAPTION_COLUMNS]
    order = kept + list(CAPTION_COLUMNS)
    order += [c for c in BLOCK_FEATURES if c not in order]
    joined = blocks.select(c for c in kept if c == "text" or c not in line_features.columns).join(
        line_features, on="text", how="left", nulls_equal=True, maintain_order="left"
    )
    # (document, line) packed in one integer: a batch has far fewer than 2**32 distinct lines.
    in_doc_line = pl.col(doc) * LINE_NUMBERS + pl.col("_line_no")
    in_doc_prefix = pl.col(doc) * LINE_NUMBERS + pl.col("_prefix_no")
    return joined.with_columns(
        n_blocks=pl.len().over(doc).cast(pl.Int32),
        # 0 for a block's first occurrence in its document, 1 for a repeat.
        occurrence=(~in_doc_line.is_first_distinct()).cast(pl.Int64),
        prefix_occurrence=(~in_doc_prefix.is_first_distinct()).cast(pl.Int64),
        # The document prints the line more than once (a headline as title and heading).
        is_repeated=in_doc_line.is_duplicated(),
        repeats_previous=(text == near_block(text, 1)),
    ).select(order)


def in_document_order(blocks: pl.DataFrame) -> pl.DataFrame:
    """One row per block in and out: each document's rows contiguous and in block order,
    as ``near_block`` needs (a no-op for a frame already sorted by document). ``doc_id`` is
    flagged sorted, so windows over documents take Polars' path for sorted keys."""
    doc_step, block_step = pl.col("doc_id").diff(), pl.col("block_no").diff()
    ordered = ((doc_step > 0) | ((doc_step == 0) & (block_step > 0))).fill_null(True).all()
    if not blocks.select(ordered).item():
        blocks = blocks.sort("doc_id", "block_no", maintain_order=True)
    return blocks.with_columns(pl.col("doc_id").set_sorted())


def count_link_gaps(text: pl.Expr) -> pl.Expr:
    """Places in ``text`` where a scraper dropped a link's text (``chino, , y``, ``entre y Rusia``)."""
    return (
        text.str.count_matches(EMPTY_PUNCTUATION_GAP) + text.str.count_matches(LINK_GAP_PATTERN)
    ).cast(pl.Int32)


def link_gap_counts(
    blocks: pl.DataFrame, kinds: tuple[str, ...], text_docs: pl.DataFrame
) -> pl.DataFrame:
    """One row per document with blocks of ``kinds``: ``stripped_link_gaps``, the
    ``count_link_gaps`` of those blocks summed. The blocks of the documents in
    ``text_docs`` (``doc_id``; the text path, whose blocks keep their text as their line
    features read it) carry their count in ``n_link_gaps``; the others are counted here."""
    blocks = blocks.filter(pl.col("kind").is_in(kinds))
    from_text = blocks.join(text_docs, on="doc_id", how="semi", maintain_order="left")
    others = blocks.join(text_docs, on="doc_id", how="anti", maintain_order="left")
    counts = [others.select("doc_id", n_link_gaps=count_link_gaps(pl.col("text")))]
    if not from_text.is_empty():
        counts.append(from_text.select("doc_id", "n_link_gaps"))
    return (
        pl.concat(counts)
        .group_by("doc_id")
        .agg(stripped_link_gaps=pl.col("n_link_gaps").sum().cast(pl.Int32))
    )


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
