"""Tags (topics, keywords) as published, cleaned and deduplicated, with a grouping key."""

from __future__ import annotations

import polars as pl

from dateline.transforms.patterns import WHITE_SPACE_RUN
from dateline.transforms.schema import ARTICLE_TAGS, conform

# Combining marks after a letter of a script where they are accents (café -> cafe); marks of
# other scripts (Devanagari vowel signs, kana voicing) carry meaning and stay.
ACCENT_AFTER_LETTER = r"([\p{Latin}\p{Greek}\p{Cyrillic}])\p{M}+"
# Everything that is not a letter or a digit separates the words of a key.
KEY_SEPARATOR_RUN = r"[^\p{L}\p{N}]+"
# Characters a tag is trimmed of at both ends: white space, punctuation (quotes, '#'), symbols.
TAG_EDGE_CHARACTERS = r"^[\s\p{P}\p{S}]+|[\s\p{P}\p{S}]+$"
# A printed tag is a short link text; a longer one is a teaser or a sentence.
MAX_TAG_WORDS = 6


def tag_key(tag: pl.Expr) -> pl.Expr:
    """Grouping key of a tag (one value in, one value out).

    Compatibility-decomposed, lower case, accents of Latin/Greek/Cyrillic letters
    dropped, every run of non-letters/non-digits folded to one ``-``, trimmed of
    ``-``: ``Unión Europea`` -> ``union-europea``, ``#Brexit`` -> ``brexit``,
    ``Côte d'Ivoire`` -> ``cote-d-ivoire``. Other scripts are kept (lower-cased).
    """
    return (
        tag.str.normalize("NFKD")
        .str.to_lowercase()
        .str.replace_all(ACCENT_AFTER_LETTER, "${1}")
        .str.normalize("NFC")
        .str.replace_all(KEY_SEPARATOR_RUN, "-")
        .str.strip_chars("-")
    )


def clean_tag(tag: pl.Expr) -> pl.Expr:
    """A tag as it should be shown: white space collapsed, edge punctuation and '#' removed."""
    return (
        tag.str.replace_all(WHITE_SPACE_RUN, " ")
        .str.replace_all(TAG_EDGE_CHARACTERS, "")
        .str.strip_chars()
    )


def normalize_tags(frame: pl.DataFrame) -> pl.DataFrame:
    """Clean and deduplicate tags, conforming to ``schema.ARTICLE_TAGS``.

    One row per tag occurrence in (``article_id``, ``tag``, optional ``position``;
    without ``position`` the row order is the published order), one row per
    distinct tag per article out. Empty tags are dropped; of the tags sharing a
    ``tag_key`` within an article the first keeps its place; positions are
    renumbered 0.. in published order.
    """
    order = pl.col("position") if "position" in frame.columns else pl.lit(0)
    tags = (
        frame.with_row_index("_row")
        .with_columns(_order=order)
        .sort(["article_id", "_order", "_row"], nulls_last=True)
        .with_columns(tag=clean_tag(pl.col("tag")))
        .with_columns(tag_key=tag_key(pl.col("tag")))
        .filter(pl.col("tag_key").is_not_null() & (pl.col("tag_key") != ""))
        .unique(subset=["article_id", "tag_key"], keep="first", maintain_order=True)
        .with_columns(position=pl.int_range(pl.len()).over("article_id"))
    )
    return conform(tags, ARTICLE_TAGS)
