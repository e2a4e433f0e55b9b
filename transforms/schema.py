"""The vocabulary of Dateline's tables: names, Polars dtypes and meanings.

This module mirrors ``CONTRACT.md``. Every frame that ``transforms`` hands to
the loader is checked against it (``conform``), and a test checks that the
DuckDB tables created by ``sql/schema/`` have the same columns in the same
order.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

UTC_TIMESTAMP = pl.Datetime("us", "UTC")


@dataclass(frozen=True)
class Column:
    name: str
    dtype: pl.DataType
    meaning: str


@dataclass(frozen=True)
class Table:
    name: str
    grain: str
    columns: tuple[Column, ...]

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def polars_schema(self) -> pl.Schema:
        return pl.Schema({c.name: c.dtype for c in self.columns})


def _table(name: str, grain: str, *columns: tuple[str, pl.DataType, str]) -> Table:
    return Table(name, grain, tuple(Column(*c) for c in columns))


ARTICLES = _table(
    "articles",
    "one row per article",
    ("article_id", pl.String, "stable id: from the canonical URL when known, else from source_uri"),
    ("source_uri", pl.String, "absolute path of the source file, plus #N for the N-th record"),
    ("source_format", pl.String, "text, html, jsonl, ..."),
    ("url", pl.String, "canonical URL when known"),
    ("outlet", pl.String, "publication name, e.g. Gestión"),
    ("language", pl.String, "ISO 639-1 code of the body"),
    ("title", pl.String, "headline"),
    ("summary", pl.String, "standfirst / lead when separate from the body"),
    ("section", pl.String, "section or desk when stated"),
    ("published_date", pl.Date, "publication date as stated (the outlet's local calendar date)"),
    ("published_at", UTC_TIMESTAMP, "publication instant, only when a time of day is known"),
    ("updated_at", UTC_TIMESTAMP, "last update instant, when stated"),
    ("byline_raw", pl.String, "the byline as printed"),
    ("body_text", pl.String, "subheadlines and paragraphs in order, joined by a blank line"),
    ("word_count", pl.Int32, "words in body_text"),
    ("stripped_link_gaps", pl.Int32, "places where the scraper dropped a link's text"),
    ("quality_flags", pl.List(pl.String), "e.g. no_title, date_from_header, tags_stripped"),
    ("content_hash", pl.String, "hash of the normalized article, for change detection"),
    ("ingested_at", UTC_TIMESTAMP, "when this version was loaded"),
    ("run_id", pl.String, "the ingest run that loaded it"),
    (
        "rights_holder",
        pl.String,
        "holder of the rights named in a copyright or reproduction notice",
    ),
    # Last, not beside outlet: a warehouse made before it gains it by ALTER TABLE, at the end.
    (
        "outlet_source",
        pl.String,
        "where outlet came from: declared, printed, url_host, record or folder",
    ),
    (
        "published_offset_minutes",
        pl.Int32,
        "UTC offset of published_at as the page states it (or its zone implies), in minutes",
    ),
)

ARTICLE_PARAGRAPHS = _table(
    "article_paragraphs",
    "one row per summary, subheadline or paragraph of an article",
    ("article_id", pl.String, "the article"),
    ("position", pl.Int32, "0-based page order within the article"),
    ("kind", pl.String, "summary, subheadline or paragraph"),
    ("text", pl.String, "the block's text"),
)

ARTICLE_AUTHORS = _table(
    "article_authors",
    "one row per author of an article",
    ("article_id", pl.String, "the article"),
    ("position", pl.Int32, "0-based byline order"),
    ("name", pl.String, "name in natural case"),
    ("kind", pl.String, "person, desk or agency"),
    ("organization", pl.String, "employer or outlet when stated"),
)

ARTICLE_IMAGES = _table(
    "article_images",
    "one row per image of an article",
    ("article_id", pl.String, "the article"),
    ("position", pl.Int32, "0-based page order of the image"),
    ("url", pl.String, "image URL when known"),
    ("caption", pl.String, "caption without the credit text"),
    ("caption_label", pl.String, "leading label such as COMBO, FILES, ARCHIVO, else NULL"),
    ("is_cover", pl.Boolean, "true for the lead image"),
    ("credit_raw", pl.String, "the credit as printed"),
)

IMAGE_CREDITS = _table(
    "image_credits",
    "one row per credited party of an image",
    ("article_id", pl.String, "the article"),
    ("image_position", pl.Int32, "position of the image in article_images"),
    ("position", pl.Int32, "0-based order within the credit"),
    ("role", pl.String, "photographer, agency, pool, source or other"),
    ("name", pl.String, "canonical agency name or person in natural case"),
)

ARTICLE_TAGS = _table(
    "article_tags",
    "one row per tag of an article",
    ("article_id", pl.String, "the article"),
    ("position", pl.Int32, "0-based order as published"),
    ("tag", pl.String, "tag as published"),
    ("tag_key", pl.String, "grouping key: lower case, accents and punctuation folded"),
)

RELATED_LINKS = _table(
    "related_links",
    "one row per related-article link of an article",
    ("article_id", pl.String, "the article"),
    ("position", pl.Int32, "0-based page order"),
    ("kind", pl.String, "read_also, recommended or other"),
    ("title", pl.String, "the linked article's title"),
    ("url", pl.String, "the link target when known"),
)

INGEST_RUNS = _table(
    "ingest_runs",
    "one row per ingest run",
    ("run_id", pl.String, "the run"),
    ("started_at", UTC_TIMESTAMP, "when the run started"),
    ("finished_at", UTC_TIMESTAMP, "when the run finished"),
    ("status", pl.String, "running, completed, completed_with_test_failures or failed"),
    ("sources_seen", pl.Int32, "source files discovered"),
    ("articles_new", pl.Int32, "articles loaded for the first time"),
    ("articles_updated", pl.Int32, "articles whose content changed and were replaced"),
    ("articles_unchanged", pl.Int32, "articles seen again with the same content"),
    ("rejects", pl.Int32, "sources rejected in this run"),
)

INGEST_REJECTS = _table(
    "ingest_rejects",
    "one row per source rejected by a run",
    ("run_id", pl.String, "the run"),
    ("source_uri", pl.String, "the rejected source"),
    ("reason", pl.String, "short code, e.g. empty, undecodable, unsupported_format"),
    ("detail", pl.String, "a sentence a person understands"),
    ("rejected_at", UTC_TIMESTAMP, "when it was rejected"),
)

STORY_CLUSTERS = _table(
    "story_clusters",
    "one row per article in a cluster of near-duplicate bodies",
    (
        "cluster_id",
        pl.String,
        "article_id of the cluster's earliest member (by published_at, else published_date, then article_id)",
    ),
    ("article_id", pl.String, "the article"),
    (
        "similarity",
        pl.Float64,
        "estimated Jaccard similarity of the body's word shingles to the earliest member's",
    ),
    ("is_first", pl.Boolean, "true for the earliest published member"),
    ("first_outlet", pl.String, "outlet of the earliest member"),
)

ARTICLE_TABLES: tuple[Table, ...] = (
    ARTICLES,
    ARTICLE_PARAGRAPHS,
    ARTICLE_AUTHORS,
    ARTICLE_IMAGES,
    IMAGE_CREDITS,
    ARTICLE_TAGS,
    RELATED_LINKS,
)
CHILD_TABLES: tuple[Table, ...] = ARTICLE_TABLES[1:]
CONTRACT_TABLES: tuple[Table, ...] = (*ARTICLE_TABLES, INGEST_RUNS, INGEST_REJECTS, STORY_CLUSTERS)


def empty_frame(table: Table) -> pl.DataFrame:
    return pl.DataFrame(schema=table.polars_schema)


def conform(frame: pl.DataFrame, table: Table) -> pl.DataFrame:
    """Select and cast ``frame`` to ``table``'s columns, in contract order.

    Missing columns raise: a transform that forgets a column is a bug, not
    something to paper over with nulls.
    """
    missing = [n for n in table.names if n not in frame.columns]
    if missing:
        raise ValueError(f"{table.name}: frame lacks columns {missing}")
    return frame.select(pl.col(c.name).cast(c.dtype) for c in table.columns)
