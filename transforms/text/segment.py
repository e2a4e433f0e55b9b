"""The text path: segment plain-text dumps into classified blocks.

The grain moves from one row per document to one row per non-blank line (a *block*):
``split_blocks`` cuts the lines, ``blocks.add_block_features`` reads each one,
``classify.classify_blocks`` gives each a ``kind``, and ``keep_main_body`` drops the
stretches of prose far from the article's own.
"""

from __future__ import annotations

import polars as pl

from dateline.transforms.patterns import INVISIBLE_CHARACTERS
from dateline.transforms.text.blocks import add_block_features, in_document_order, near_block
from dateline.transforms.text.classify import classify_blocks

# The scraper's optional first token: the date the record was stamped.
HEADER_DATE_PATTERN = r"^\s*date\s+(\d{4}-\d{2}-\d{2})\b[ \t]*\n?"
# Longest line kept from a dump by default (settings may say otherwise); longer lines are cut.
MAX_LINE_CHARS = 200_000
# Body blocks this far apart belong to different stretches of prose; a stretch with
# less than this share of the main one's words is page furniture, not the article.
BODY_GAP_BLOCKS = 8
MIN_CLUSTER_SHARE = 0.25


def strip_header_date(docs: pl.DataFrame, text: str = "text") -> pl.DataFrame:
    """One row per document in and out: adds ``header_date`` (Date) and drops the token from ``text``."""
    token = pl.col(text).str.extract(HEADER_DATE_PATTERN, 1)
    return docs.with_columns(
        header_date=token.str.to_date("%Y-%m-%d", strict=False),
        **{text: pl.col(text).str.replace(HEADER_DATE_PATTERN, "")},
    )


def split_blocks(
    docs: pl.DataFrame, text: str = "text", max_line_chars: int = MAX_LINE_CHARS
) -> pl.DataFrame:
    """One row per document (``doc_id``, ``text``) in; one row per non-blank line out.

    Columns out: ``doc_id``, ``block_no`` (0-based over non-blank lines),
    ``text`` (trimmed, invisible characters dropped), ``blank_before``,
    ``blank_after`` (a blank line separates it from its neighbour).
    """
    lines = (
        docs.select(
            "doc_id",
            pl.col(text).str.replace_all(INVISIBLE_CHARACTERS, "").str.split("\n").alias("text"),
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
    # Runs and clusters are numbered over the whole frame (a document's first block opens
    # both), so each number names one stretch of one document: windows over one sorted
    # integer instead of over (document, number) pairs.
    opens_doc = (c(doc) != c(doc).shift(1)).fill_null(True)
    run_id = (is_body != near_block(is_body, 1)).fill_null(True).cast(pl.Int32).cum_sum()
    blocks = blocks.with_columns(_is_body=is_body, _run_len=pl.len().over(run_id.set_sorted()))
    starts_cluster = (
        c("_is_body")
        & ~near_block(c("_is_body"), 1, True)
        & (near_block(c("_run_len"), 1, 0) >= BODY_GAP_BLOCKS)
    )
    blocks = blocks.with_columns(
        _cluster=(starts_cluster | opens_doc).cast(pl.Int32).cum_sum().set_sorted()
    )
    cluster_words = pl.when(c("_is_body")).then(c("n_words")).otherwise(0).sum().over("_cluster")
    main_words = pl.when(c("_is_body")).then(cluster_words).max().over(doc)
    stray = c("_is_body") & (cluster_words < main_words * MIN_CLUSTER_SHARE)
    return blocks.with_columns(kind=pl.when(stray).then(pl.lit("noise")).otherwise(c("kind"))).drop(
        "_is_body", "_run_len", "_cluster"
    )


def segment_text(docs: pl.DataFrame, max_line_chars: int = MAX_LINE_CHARS) -> pl.DataFrame:
    """One row per document (``doc_id``, ``text``) in; one classified row per block out."""
    return (
        split_blocks(docs, "text", max_line_chars)
        .pipe(add_block_features)
        .pipe(classify_blocks)
        .pipe(keep_main_body)
    )
