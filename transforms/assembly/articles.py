"""Assemble the contract tables from documents and their classified blocks.

Grain in: one row per document (``documents``) and one row per classified
block (``blocks``, from ``segment_text``). Grain out: the seven article-level
tables of ``schema.ARTICLE_TABLES``, plus one row per document that could not
become an article (``rejects``).
"""

from __future__ import annotations

import hashlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import polars as pl

from dateline.transforms import schema
from dateline.transforms.fields import bylines, credits, dates, tags
from dateline.transforms.fields.language import detect_language
from dateline.transforms.html.metadata import date_search
from dateline.transforms.html.metadata import precedence as html_meta
from dateline.transforms.html.parse import parse_html_pages
from dateline.transforms.patterns import (
    DIGIT_PATTERN,
    LETTER_PATTERN,
    URL_HOST_NAME,
    WHITE_SPACE_WORD,
    stage_thread,
)
from dateline.transforms.text.blocks import (
    BREADCRUMB_ARROWS,
    CUES,
    body_word_counts,
    count_words,
    in_document_order,
    inline_tags,
    link_gap_counts,
    near_block,
    related_title,
)
from dateline.transforms.text.segment import MAX_LINE_CHARS, segment_text, strip_header_date

BODY_KINDS = ("subheadline", "paragraph")
PARAGRAPH_KINDS = ("summary", "subheadline", "paragraph")
BLOCK_SEPARATOR = "\n\n"
# Separator between fields when hashing an article's content.
HASH_FIELD_SEPARATOR = "\x1f"
# Values at least this large in all are hashed in two threads.
PARALLEL_HASH_BYTES = 4_000_000
ARTICLE_ID_CHARS = 20
# A document-title suffix after a bar: "Headline | Section | Site".
TITLE_SITE_SUFFIX = r"\s+\|\s.*$"
# A breadcrumb trail before the headline: "Blog » Archiv » Headline", "home / Betrieb / IT /
# Headline", "Forum>iPhone>Headline" (two steps or more; "|" ends a document title instead).
TITLE_BREADCRUMB_TRAIL = rf"^(?:[^{BREADCRUMB_ARROWS}/]+(?:[{BREADCRUMB_ARROWS}]|\s/\s)\s*){{2,}}"
# A host name that names a site: dotted labels ending in a name of letters ("elpais.com",
# "news.bbc.co.uk"), not "localhost" or an IP address. A folder named so names the outlet
# of the files under it, as a mirror of a site is laid out ("www.lemonde.fr/...").
SITE_HOST_NAME = r"^(?:[\p{L}\p{N}](?:[\p{L}\p{N}\-]*[\p{L}\p{N}])?\.)+\p{L}{2,}$"
# Where outlet came from, in precedence order (articles.outlet_source): the record's own
# ``source`` field, the page's declared publisher or site name, the outlet a desk byline
# prints ("Redacción Gestión"), the host of the article's URL, a folder of its source path.
OUTLET_SOURCES = ("record", "declared", "printed", "url_host", "folder")


@dataclass(frozen=True)
class ArticleTables:
    articles: pl.DataFrame
    article_paragraphs: pl.DataFrame
    article_authors: pl.DataFrame
    article_images: pl.DataFrame
    image_credits: pl.DataFrame
    article_tags: pl.DataFrame
    related_links: pl.DataFrame
    rejects: pl.DataFrame

    def by_table(self) -> dict[str, pl.DataFrame]:
        return {t.name: getattr(self, t.name) for t in schema.ARTICLE_TABLES}


REJECT_SCHEMA = {"source_uri": pl.String, "reason": pl.String, "detail": pl.String}


def _sha256(values: pl.Series) -> pl.Series:
    # Stable across library versions (unlike Polars' own hash), so change detection
    # survives upgrades; one call per article, not per line. The UTF-8 bytes are hashed
    # where Arrow holds them: no Python string is built and encoded again per value.
    array = values.rechunk().to_arrow(compat_level=pl.CompatLevel.oldest())
    _, offsets, data = array.buffers()
    bounds = np.frombuffer(offsets, dtype=np.int64)[array.offset : array.offset + len(array) + 1]
    bounds = bounds.tolist()
    held = memoryview(data if data is not None else b"")
    valid = values.is_not_null().to_list()

    def digests(rows: range) -> list[str | None]:
        return [
            hashlib.sha256(held[bounds[i] : bounds[i + 1]]).hexdigest() if valid[i] else None
            for i in rows
        ]

    if len(held) < PARALLEL_HASH_BYTES:
        return pl.Series(digests(range(len(valid))), dtype=pl.String)
    # hashlib lets go of the interpreter lock while it hashes: two threads hash at once.
    half = len(valid) // 2
    with ThreadPoolExecutor(max_workers=1) as pool:
        second = pool.submit(digests, range(half, len(valid)))
        first = digests(range(half))
        return pl.Series(first + second.result(), dtype=pl.String)


def stable_hash(expr: pl.Expr, chars: int | None = None) -> pl.Expr:
    hashed = expr.map_batches(_sha256, return_dtype=pl.String)
    return hashed.str.slice(0, chars) if chars else hashed


def _per_doc_text(blocks: pl.DataFrame, kinds: tuple[str, ...], name: str) -> pl.DataFrame:
    return (
        # The columns read, selected first: the filter and the sort copy what they keep.
        blocks.select("doc_id", "block_no", "kind", "text")
        .filter(pl.col("kind").is_in(kinds))
        .sort("doc_id", "block_no")
        .group_by("doc_id", maintain_order=True)
        # Gathered as lists and joined after: faster than joining within the aggregation.
        .agg(pl.col("text").alias(name))
        .with_columns(pl.col(name).list.join(BLOCK_SEPARATOR))
    )


def _without_breadcrumbs(title: pl.Expr) -> pl.Expr:
    """A headline without the breadcrumb trail printed before it on its line (one value in,
    one out); unchanged when no words are left after the trail ("17 / Oktober / 2022")."""
    rest = title.str.replace(TITLE_BREADCRUMB_TRAIL, "").str.strip_chars()
    return pl.when(rest.str.contains(LETTER_PATTERN)).then(rest).otherwise(title)


def _first_text(blocks: pl.DataFrame, kind: str, name: str) -> pl.DataFrame:
    return (
        blocks.filter(pl.col("kind") == kind)
        .group_by("doc_id")
        .agg(pl.col("text").sort_by("block_no").first().alias(name))
    )


def _bylines(blocks: pl.DataFrame) -> pl.DataFrame:
    """One row per document with a byline: the distinct cleaned byline blocks, one per line.

    Byline blocks, plus the author a date line carries (``bylines.date_line_bylines``).
    """
    columns = ["doc_id", "block_no", "text"]
    # Date lines of the article's head: further down, a date line stamps a comment or a teaser.
    head = pl.col("in_header").fill_null(True)
    named_dates = bylines.date_line_bylines(
        blocks.filter((pl.col("kind") == "date") & head).select(columns),
        dates.DATE_LINE_WORDS_SORTED,
    )
    # A head line with a date among more words ("27. Januar 2014 by Barbara Russ /
    # Kategorien: Event, Fashion"): its author only after a byline prefix.
    # The texts are searched on the short noise lines of the head only, not on every block.
    stamped_lines = bylines.date_line_bylines(
        blocks.filter(
            (pl.col("kind") == "noise")
            & head
            & (pl.col("n_words") <= bylines.MAX_BYLINE_LINE_WORDS)
        )
        .filter(pl.col("text").str.contains(DIGIT_PATTERN))
        .select(columns),
        dates.DATE_LINE_WORDS_SORTED,
        prefixed_only=True,
    )
    named_dates = pl.concat([named_dates, stamped_lines.join(named_dates, on="doc_id", how="anti")])
    # A page whose article prints no byline may print it beside the headline outside the
    # article's root ("Ana Gil | Publicado hace 3 horas" in a header block).
    signed = pl.concat(
        [blocks.filter(pl.col("kind") == "byline").select("doc_id"), named_dates.select("doc_id")]
    )
    headlines = blocks.filter(pl.col("kind") == "title").select("doc_id", title_block="block_no")
    beside_title = (
        blocks.filter((pl.col("kind") == "outside") & pl.col("is_byline").fill_null(False))
        .join(signed, on="doc_id", how="anti", maintain_order="left")
        .join(headlines, on="doc_id", maintain_order="left")
        .filter((pl.col("block_no") - pl.col("title_block")).abs() <= MAX_TITLE_DISTANCE_BLOCKS)
        .unique(["doc_id"], keep="first", maintain_order=True)
    )
    return (
        pl.concat(
            [
                blocks.filter(pl.col("kind") == "byline").select(columns),
                named_dates.select(columns),
                beside_title.select(columns),
            ]
        )
        .with_columns(clean=bylines.clean_byline(pl.col("text")))
        .sort("doc_id", "block_no")
        .unique(["doc_id", "clean"], keep="first", maintain_order=True)
        .group_by("doc_id", maintain_order=True)
        .agg(pl.col("text").str.join("\n").alias("byline_raw"))
    )


RIGHTS_NOTICE_PATTERNS = [f"(?i){p}" for p in CUES["rights_notice_patterns"]["patterns"]]
# Any of them: one pass finds the lines worth extracting from.
ANY_RIGHTS_NOTICE = (
    "(?i:" + "|".join(f"(?:{p})" for p in CUES["rights_notice_patterns"]["patterns"]) + ")"
)
# A final full stop ends the sentence, unless it closes an abbreviation ("El Comercio S.A.").
SENTENCE_FULL_STOP = r"([^.\s]{2,})\.$"
MAX_RIGHTS_HOLDER_CHARS = 120


def _rights_holders(blocks: pl.DataFrame) -> pl.DataFrame:
    """One row per document whose boilerplate names a rights holder: the first one named.

    Only notices after the last body block count: a "©" inside the article is a photo credit.
    """
    holder = pl.coalesce([pl.col("text").str.extract(p, 1) for p in RIGHTS_NOTICE_PATTERNS])
    cleaned = (
        holder.str.strip_chars().str.replace(SENTENCE_FULL_STOP, "${1}").str.strip_chars(" ,;:")
    )
    body_end = (
        pl.when(pl.col("kind").is_in(PARAGRAPH_KINDS)).then(pl.col("block_no")).max().over("doc_id")
    )
    return (
        # The columns read, selected first: the filter copies what it keeps.
        blocks.select("doc_id", "block_no", "kind", "text")
        .filter((pl.col("kind") == "boilerplate") & (pl.col("block_no") > body_end))
        # A line no pattern matches names no holder (null, dropped below).
        .filter(pl.col("text").str.contains(ANY_RIGHTS_NOTICE))
        .sort("doc_id", "block_no")
        .select("doc_id", rights_holder=cleaned)
        .filter(pl.col("rights_holder").str.len_chars().is_between(2, MAX_RIGHTS_HOLDER_CHARS))
        .unique("doc_id", keep="first", maintain_order=True)
    )


MAX_SECTION_WORDS = 3


def _sections(blocks: pl.DataFrame) -> pl.DataFrame:
    """One row per document with a section: the short label printed just above the headline
    ("Entertainment", "Politik", "Économie")."""
    short_noise = (
        (pl.col("kind") == "noise")
        & (pl.col("block_no") < pl.col("title_no"))
        & (pl.col("n_words") <= MAX_SECTION_WORDS)
        & ~pl.col("is_name")
    )
    worded = ~pl.col("text").str.contains(DIGIT_PATTERN) & pl.col("text").str.contains(
        LETTER_PATTERN
    )
    # The texts are searched on the few short noise lines only, not on every block.
    return (
        blocks.filter(short_noise)
        .filter(worded)
        .sort("doc_id", "block_no")
        .group_by("doc_id")
        .agg(section=pl.col("text").last())
    )


# Blocks that may carry the publication date: date lines first, then bylines
# ("Von X, 05.08.2024, 20:59 Uhr"), short unclassified header lines and, last,
# labelled date lines of a page outside its article.
DATE_SOURCE_RANK = {"date": 0, "byline": 0, "noise": 1, "near_title": 2, "outside": 3}
# A declared date and the article's printed stamp this many days apart or more name two
# different days, not one instant read in two zones (a UTC instant late in the evening
# is the next day's in the outlet's zone): the page's whole-page search (``date_search``)
# then decides between them. Set by that reason, not fitted: over 1, 2, 3, 5, 10 and 30
# days the dev pages tie 1 and 2 (1 takes two trafilatura-eval pages, costs a fundus and
# a readability page, each a day apart); leave-one-site-out picks 1 for those two pages
# (held out: fundus 0.986, readability 0.931, trafilatura-eval 0.891).
MIN_DISAGREEING_DAYS = 2
MAX_DATE_NOISE_WORDS = 14
# A date line outside the article's root counts as its stamp when it is printed this close
# to the headline (in blocks, before or after it): "06.12.2022" under an <h1> that sits
# apart from the text. Chosen by leave-one-site-out validation on the dev sets.
MAX_TITLE_DISTANCE_BLOCKS = 3


def _dates(blocks: pl.DataFrame, documents: pl.DataFrame) -> pl.DataFrame:
    """One row per document: published date/instant and updated instant from its date-bearing blocks."""
    kind = pl.col("kind")
    # The columns read here: a filter then copies these, not every feature of the blocks.
    blocks = blocks.select("doc_id", "block_no", "kind", "text", "in_header", "n_words")
    candidates = blocks.filter(
        (kind == "date")
        | (kind == "byline")
        | ((kind == "noise") & pl.col("in_header") & (pl.col("n_words") <= MAX_DATE_NOISE_WORDS))
    )
    # A printed date is read in the page's locale: "02/10/2020" is 2 October on an en-GB page,
    # and on an "en" page of a site under .co.uk.
    locale = (
        pl.when(pl.col("language") == pl.col("meta_language"))
        .then(pl.coalesce("meta_locale", "language"))
        .otherwise("language")
    )
    languages = documents.select(
        "doc_id",
        language=dates.with_domain_region(locale, pl.coalesce("url", "meta_url")),
    )
    stamped = (
        candidates.join(languages, on="doc_id", how="left", maintain_order="left")
        .pipe(dates.parse_distinct_dates, "text", "language")
        .filter(pl.col("date_value").is_not_null())
    )
    # A page whose metadata and article state no date may still print one outside the
    # article's root, or as a stamp the article closes with ("Pubblicato il: 30 Settembre
    # 2020" after the last paragraph, read as boilerplate or as a short paragraph): a date
    # line next to the headline, else the first labelled date line (an info box: "Datum
    # 28.04.2023"), and only then.
    declared = documents.filter(pl.col("meta_published_date").is_not_null()).select("doc_id")
    headlines = blocks.filter(kind == "title").select("doc_id", title_block="block_no")
    outside = (
        blocks.filter(
            kind.is_in(("outside", "boilerplate", "paragraph"))
            & (pl.col("n_words") <= MAX_DATE_NOISE_WORDS)
        )
        .with_columns(kind=pl.lit("outside"))
        # Searched on those lines only, not on every block.
        .filter(pl.col("text").str.contains(DIGIT_PATTERN))
    ).join(
        pl.concat([stamped.select("doc_id"), declared]),
        on="doc_id",
        how="anti",
        maintain_order="left",
    )
    # The distance to the nearest title block (a page may hold a site title and a headline).
    near_title = (
        outside.select("doc_id", "block_no")
        .join(headlines, on="doc_id", maintain_order="left")
        .filter((pl.col("block_no") - pl.col("title_block")).abs() <= MAX_TITLE_DISTANCE_BLOCKS)
        .select("doc_id", "block_no")
        .unique()
        .with_columns(is_near_title=pl.lit(True))
    )
    outside = outside.join(
        near_title, on=["doc_id", "block_no"], how="left", maintain_order="left"
    ).with_columns(kind=pl.when(pl.col("is_near_title")).then(pl.lit("near_title")).otherwise(kind))
    # The date-line test runs once per line: both branches of a when/then are evaluated.
    # Its date pattern, run by the parse above a handful of patterns earlier, is then still
    # in Polars' regex cache: searching these lines with the candidates cost more than it saved.
    date_line = pl.col("_is_date_line")
    beside = (
        outside.with_columns(_is_date_line=dates.is_date_line(pl.col("text")))
        .filter(
            pl.when(kind == "near_title")
            .then(date_line)
            .otherwise(dates.is_labelled_date_line(pl.col("text"), date_line))
        )
        .drop("_is_date_line")
        .join(languages, on="doc_id", how="left", maintain_order="left")
        .pipe(dates.parse_dates, "text", "language")
        .filter(pl.col("date_value").is_not_null())
    )
    stamped = (
        pl.concat([stamped, beside], how="diagonal_relaxed")
        .with_columns(rank=kind.replace_strict(DATE_SOURCE_RANK, return_dtype=pl.Int8))
        .sort("doc_id", "rank", "block_no")
    )
    is_update = pl.col("date_role").fill_null("") == "updated"
    # Publication stamp first; a page that prints only "updated" (or "Stand:") gives
    # that stamp, which still beats a date from an unclassified line.
    priority = (
        pl.when((pl.col("rank") == 0) & ~is_update)
        .then(0)
        .when(pl.col("rank") == 0)
        .then(1)
        .when((pl.col("rank") == 1) & ~is_update)
        .then(2)
        .when(~is_update)
        .then(3)
    )
    published = (
        stamped.with_columns(priority=priority)
        .filter(pl.col("priority").is_not_null())
        .sort("doc_id", "priority", "rank", "block_no")
        .group_by("doc_id")
        .agg(
            published_date=pl.col("date_value").first(),
            published_at=pl.col("date_instant").first(),
            published_offset_minutes=pl.col("date_offset_minutes").first(),
        )
    )
    updated = (
        stamped.filter(is_update).group_by("doc_id").agg(updated_at=pl.col("date_instant").first())
    )
    return published.join(updated, on="doc_id", how="full", coalesce=True, maintain_order="left")


def _first_date_lines(text_blocks: pl.DataFrame, documents: pl.DataFrame) -> pl.DataFrame:
    """One row per text dump with a date line: ``loose_date_value``, ``loose_date_instant``
    and ``loose_date_offset_minutes`` of its first date line, whatever its kind.

    A dump whose head holds no date (a whole page's text, its article's head lost in the
    menus) still prints the article's date on a line of its own further down, before the
    dates of its comments and teasers: the last fallback, after the scraper's own stamp.
    """
    if text_blocks.is_empty():
        return pl.DataFrame(
            schema={
                "doc_id": pl.Int64,
                "loose_date_value": pl.Date,
                "loose_date_instant": schema.UTC_TIMESTAMP,
                "loose_date_offset_minutes": pl.Int32,
            }
        )
    # Only a dump without the scraper's stamp falls back this far: the others' lines are
    # not parsed.
    unstamped = documents.filter(pl.col("header_date").is_null()).select("doc_id", "language")
    first = (
        text_blocks.filter(pl.col("is_date"))
        .sort("doc_id", "block_no")
        .join(unstamped, on="doc_id", maintain_order="left")
        .pipe(dates.parse_distinct_dates, "text", "language")
        .filter(pl.col("date_value").is_not_null())
        .unique("doc_id", keep="first", maintain_order=True)
    )
    return first.select(
        "doc_id",
        loose_date_value="date_value",
        loose_date_instant="date_instant",
        loose_date_offset_minutes="date_offset_minutes",
    )


def _zone_offset_of_printed_day(articles: pl.DataFrame) -> pl.DataFrame:
    """The UTC offset, in minutes, of the page language's zone (``dates.default_zone``) at
    the declared instant, when the page declares that instant in UTC and prints, without a
    time, the day it falls on in that zone and not in UTC ("2021-11-04T23:00:00Z" beside
    "05.11.2021" on a German page). One row per article in and out, adding
    ``zone_offset_minutes`` (null otherwise): the printed day is the instant's, in the
    outlet's calendar.
    """
    declared_at = pl.col("meta_published_at")
    candidates = articles.filter(
        (pl.col("meta_published_offset_minutes") == 0)
        & declared_at.is_not_null()
        & pl.col("published_at").is_null()
        & (pl.col("published_date") != pl.col("meta_published_date"))
    ).select(
        "doc_id",
        "meta_published_at",
        "published_date",
        zone=dates.default_zone(pl.coalesce("meta_language", "language")),
    )
    zones = candidates.get_column("zone").drop_nulls().unique().sort().to_list()
    utc_wall_clock = declared_at.dt.replace_time_zone(None)
    # convert_time_zone takes one zone per call, so each zone present is read on its own.
    offsets = [
        pl.when(pl.col("zone") == zone).then(
            (declared_at.dt.convert_time_zone(zone).dt.replace_time_zone(None) - utc_wall_clock)
            .dt.total_minutes()
            .cast(pl.Int32)
        )
        for zone in zones
    ]
    offset = pl.coalesce(offsets) if offsets else pl.lit(None, pl.Int32)
    in_zone = (
        candidates.with_columns(zone_offset_minutes=offset)
        .filter(
            (declared_at + pl.duration(minutes=pl.col("zone_offset_minutes"))).dt.date()
            == pl.col("published_date")
        )
        .select("doc_id", "zone_offset_minutes")
    )
    return articles.join(in_zone, on="doc_id", how="left", maintain_order="left")


def _printed_over_declared(articles: pl.DataFrame) -> pl.DataFrame:
    """Whether the article's printed stamp beats its declared date: one row per article in
    and out, adding ``printed_confirmed``.

    When the declared date (``meta_published_date``) and the printed stamp
    (``published_date``) are MIN_DISAGREEING_DAYS or more apart, the whole page is
    searched (``date_search``, htmldate): a search that finds the printed day sides with
    it, two sources against one (a declared date left from an older version, a copied
    template's). Any other finding, or none, keeps the declared date.
    """
    apart = (pl.col("published_date") - pl.col("meta_published_date")).dt.total_days().abs()
    disagree = articles.filter(
        (apart >= MIN_DISAGREEING_DAYS) & pl.col("html").is_not_null()
    ).select("doc_id", "html", "url", "published_date")
    searched = date_search.search_published_dates(disagree.select("doc_id", "html", "url"))
    confirmed = (
        disagree.join(searched, on="doc_id", maintain_order="left")
        .filter(pl.col("searched_date") == pl.col("published_date"))
        .select("doc_id", printed_confirmed=pl.lit(True))
    )
    return articles.join(confirmed, on="doc_id", how="left", maintain_order="left").with_columns(
        pl.col("printed_confirmed").fill_null(False)
    )


def _record_dates(documents: pl.DataFrame) -> pl.DataFrame:
    """One row per document: the record's own ``date`` field parsed (JSON Lines), as a fallback."""
    stated = documents.select("doc_id", pl.col("record_date").alias("text"), "language").filter(
        pl.col("text").is_not_null()
    )
    # Text dumps and pages state none: the parser's fixed cost (its patterns) is skipped.
    if stated.is_empty():
        stated = stated.with_columns(
            date_value=pl.lit(None, pl.Date),
            date_instant=pl.lit(None, schema.UTC_TIMESTAMP),
            date_offset_minutes=pl.lit(None, pl.Int32),
        )
    else:
        stated = stated.pipe(dates.parse_dates, "text", "language")
    return stated.select(
        "doc_id",
        record_date_value="date_value",
        record_date_instant="date_instant",
        record_date_offset_minutes="date_offset_minutes",
    )


def _images(blocks: pl.DataFrame, article_ids: pl.DataFrame) -> pl.DataFrame:
    """One row per image: a caption block (credit inline or on the next block) or a lone credit block."""
    doc = "doc_id"

    def near(column: str, offset: int) -> pl.Expr:
        return near_block(pl.col(column), offset)

    blocks = in_document_order(blocks)
    # A lone credit cue ("Image:") between a caption and its credit is looked through.
    after_cue = near("is_credit_cue", -1).fill_null(False)
    framed = (
        blocks.select(
            doc,
            "block_no",
            "kind",
            "text",
            "in_header",
            "has_inline_credit",
            "caption",
            "caption_label",
            "credit_raw",
            next_kind=pl.when(after_cue).then(near("kind", -2)).otherwise(near("kind", -1)),
            prev_kind=pl.when(near("is_credit_cue", 1).fill_null(False))
            .then(near("kind", 2))
            .otherwise(near("kind", 1)),
            _after_cue=after_cue,
            _next=near("text", -1),
            _next_after_cue=near("text", -2),
        )
        .filter(pl.col("kind").is_in(["caption", "credit"]))
        .with_columns(
            next_text=pl.when(pl.col("_after_cue"))
            .then(pl.concat_str(["_next", "_next_after_cue"], separator=" "))
            .otherwise(pl.col("_next"))
        )
    )
    captions = framed.filter(pl.col("kind") == "caption").select(
        doc,
        "block_no",
        "in_header",
        caption=pl.coalesce(
            pl.when(pl.col("has_inline_credit")).then(pl.col("caption")), pl.col("text")
        )
        # An opening bracket left by a credit printed on the next line: "Ivy is easy to grow (".
        .str.strip_chars_end(" ([|–-"),
        caption_label=pl.col("caption_label"),
        credit_raw=pl.when(pl.col("has_inline_credit"))
        .then(pl.col("credit_raw"))
        .when(pl.col("next_kind") == "credit")
        .then(pl.col("next_text")),
    )
    lone_credits = framed.filter(
        (pl.col("kind") == "credit") & (pl.col("prev_kind") != "caption")
    ).select(
        doc,
        "block_no",
        "in_header",
        caption=pl.lit(None, pl.String),
        caption_label=pl.lit(None, pl.String),
        credit_raw=pl.col("text"),
    )
    images = pl.concat([captions, lone_credits]).sort(doc, "block_no")
    return (
        images.join(article_ids, on=doc, maintain_order="left")
        .with_columns(position=pl.int_range(pl.len(), dtype=pl.Int32).over(doc))
        .with_columns(
            is_cover=(pl.col("position") == 0) & pl.col("in_header"),
            url=pl.lit(None, pl.String),
        )
    )


def _html_images(
    images: pl.DataFrame, article_ids: pl.DataFrame, docs: pl.DataFrame
) -> pl.DataFrame:
    """One row per HTML figure, numbered in page order; the first one in the page head is the cover.

    A page whose figures print no credit may still declare its images' credits in its
    metadata (JSON-LD ``ImageObject``): those images are added after the figures, without
    their declared captions (often the alt text or the headline, not what the page prints).
    """
    credited = images.filter(pl.col("credit_raw").is_not_null()).select("doc_id").unique()
    declared = (
        docs.select("doc_id", image="meta_images")
        .explode("image")
        .filter(pl.col("image").is_not_null())
        .unnest("image")
        .filter(pl.col("credit").is_not_null())
        .join(credited, on="doc_id", how="anti", maintain_order="left")
        .select(
            "doc_id",
            "url",
            credit_raw="credit",
            block_no=pl.lit(1 << 30, pl.Int32),
            in_head=pl.lit(False),
        )
    )
    return (
        pl.concat([images, declared], how="diagonal_relaxed")
        .join(article_ids, on="doc_id", maintain_order="left")
        .sort("doc_id", "block_no")
        .with_columns(position=pl.int_range(pl.len(), dtype=pl.Int32).over("doc_id"))
        .with_columns(is_cover=(pl.col("position") == 0) & pl.col("in_head").fill_null(False))
    )


def _related(blocks: pl.DataFrame, article_ids: pl.DataFrame) -> pl.DataFrame:
    items = blocks.filter(pl.col("kind") == "related_item").sort("doc_id", "block_no")
    return items.join(article_ids, on="doc_id", maintain_order="left").with_columns(
        position=pl.int_range(pl.len(), dtype=pl.Int32).over("doc_id"),
        kind=pl.when(pl.col("segment_kind") == "related_list")
        .then(pl.lit("recommended"))
        .otherwise(pl.lit("read_also")),
        title=related_title(pl.col("text")),
        # HTML items keep the link they point to; text dumps have lost it.
        url=pl.col("href") if "href" in items.columns else pl.lit(None, pl.String),
    )


def _tags(blocks: pl.DataFrame, article_ids: pl.DataFrame, docs: pl.DataFrame) -> pl.DataFrame:
    """One row per tag: the page's declared keywords; tags printed on the page only when none are declared.

    Printed tag lists mix in section links and newsletter names; declared keywords are the outlet's own list.
    """
    printed = (
        blocks.filter(pl.col("kind") == "tag")
        .sort("doc_id", "block_no")
        .select("doc_id", tag=inline_tags(pl.col("text")), source=pl.lit(1))
    )
    declared = docs.select("doc_id", tag="meta_tags", source=pl.lit(0)).filter(
        pl.col("tag").list.len() > 0
    )
    printed = printed.join(
        declared.select("doc_id"), on="doc_id", how="anti", maintain_order="left"
    )
    found = (
        pl.concat([declared, printed], how="diagonal_relaxed")
        .explode("tag")
        .join(article_ids, on="doc_id", maintain_order="left")
        .sort("doc_id", "source", maintain_order=True)
        .select("article_id", "tag")
        .with_columns(position=pl.int_range(pl.len(), dtype=pl.Int32).over("article_id"))
    )
    return tags.normalize_tags(found)


# A declared articleBody replaces the printed body when the page prints less than this
# share of it (a paywall or a "read more" fold showing the first paragraphs only).
MIN_PRINTED_BODY_SHARE = 0.5
DECLARED_BLOCK_OFFSET = 1_000_000


def _declared_body(blocks: pl.DataFrame, html_docs: pl.DataFrame) -> pl.DataFrame:
    """One row per HTML block in and out, plus the declared body's paragraphs where it wins.

    Where the page declares its full text (JSON-LD ``articleBody``) but prints much less,
    the printed body blocks give way to the declared paragraphs.
    """
    words = pl.col("text").str.count_matches(WHITE_SPACE_WORD)
    printed = (
        blocks.filter(pl.col("kind").is_in(PARAGRAPH_KINDS))
        .group_by("doc_id")
        .agg(printed_words=words.sum())
    )
    declared = (
        html_docs.select("doc_id", text="meta_body")
        .filter(pl.col("text").is_not_null())
        .join(printed, on="doc_id", how="left", maintain_order="left")
        .filter(pl.col("printed_words").fill_null(0) < words * MIN_PRINTED_BODY_SHARE)
    )
    if declared.is_empty():
        return blocks
    paragraphs = (
        declared.select("doc_id", text=pl.col("text").str.split("\n\n"))
        .explode("text")
        .filter(pl.col("text").str.strip_chars() != "")
        .with_columns(
            block_no=(pl.int_range(pl.len()).over("doc_id") + DECLARED_BLOCK_OFFSET).cast(pl.Int32),
            kind=pl.lit("paragraph"),
        )
    )
    replaced = pl.col("doc_id").is_in(declared["doc_id"].implode()) & pl.col("kind").is_in(
        BODY_KINDS
    )
    return pl.concat(
        [
            blocks.with_columns(
                kind=pl.when(replaced).then(pl.lit("replaced")).otherwise(pl.col("kind"))
            ),
            paragraphs,
        ],
        how="diagonal_relaxed",
    )


def _languages(docs: pl.DataFrame, body: pl.DataFrame) -> pl.DataFrame:
    """One row per document in and out: adds ``language``, detected once per document.

    Body language beats the page's: headers and menus can be in English. Where the body
    is too short to tell, a text dump falls back on its whole text and a page on its
    declared language (``doc_language``).
    """
    by_body = detect_language(body, "body_text", "language").select("doc_id", "language")
    docs = docs.join(by_body, on="doc_id", how="left", maintain_order="left")
    undecided = docs.filter(pl.col("language").is_null() & pl.col("doc_language").is_null())
    by_text = detect_language(
        undecided.filter(pl.col("text").is_not_null()).select("doc_id", "text"), "text", "by_text"
    )
    return (
        docs.join(
            by_text.select("doc_id", "by_text"), on="doc_id", how="left", maintain_order="left"
        )
        .with_columns(language=pl.coalesce("language", "doc_language", "by_text"))
        .drop("by_text")
    )


def _site_host(text: pl.Expr) -> pl.Expr:
    """A host name as an outlet names it: lower case, without "www.", when it names a site."""
    host = text.str.to_lowercase().str.replace(r"^www\d?\.", "")
    return pl.when(host.str.contains(SITE_HOST_NAME)).then(host)


def _fill_outlets(articles: pl.DataFrame) -> pl.DataFrame:
    """Fill ``outlet`` from the first of ``OUTLET_SOURCES`` that names one, and say which in
    ``outlet_source``. One row per article in and out; reads ``record_outlet``,
    ``meta_outlet``, ``desk_outlet``, ``url`` and ``source_uri``; adds ``outlet``,
    ``outlet_source``."""
    url_host = _site_host(pl.col("url").str.to_lowercase().str.extract(URL_HOST_NAME, 1))
    # The folders of the source's path (its record number and file name dropped), nearest
    # first; the first one named like a site.
    folders = (
        pl.col("source_uri")
        .str.replace(r"#[^/]*$", "")
        .str.replace(r"^[a-z][a-z0-9+.\-]*://", "")
        .str.split("/")
    )
    folder_host = (
        folders.list.head(folders.list.len() - 1)
        .list.eval(_site_host(pl.element()).drop_nulls())
        .list.last()
    )
    candidates = {
        "record": pl.col("record_outlet"),
        "declared": pl.col("meta_outlet"),
        "printed": pl.col("desk_outlet"),
        "url_host": url_host,
        "folder": folder_host,
    }
    named = {source: value.str.strip_chars() for source, value in candidates.items()}
    named = {source: pl.when(value != "").then(value) for source, value in named.items()}
    outlet_source = pl.coalesce(
        pl.when(named[source].is_not_null()).then(pl.lit(source)) for source in OUTLET_SOURCES
    )
    return articles.with_columns(
        outlet=pl.coalesce(named[source] for source in OUTLET_SOURCES),
        outlet_source=outlet_source,
    )


def _content_hash(tables: dict[str, pl.DataFrame], articles: pl.DataFrame) -> pl.DataFrame:
    """One row per article: a hash over its own fields and all its child rows."""
    parts = [
        articles.select(
            "article_id",
            part=pl.concat_str(
                [
                    pl.col(c).cast(pl.String).fill_null("")
                    for c in schema.ARTICLES.names
                    if c
                    not in ("article_id", "content_hash", "ingested_at", "run_id", "quality_flags")
                ]
                + [pl.col("quality_flags").list.join(",").fill_null("")],
                separator=HASH_FIELD_SEPARATOR,
            ),
        )
    ]
    # One line per child row, each table's rows in a fixed order; a single grouping then
    # joins an article's lines in the order they were stacked.
    for table in schema.CHILD_TABLES:
        frame = tables[table.name]
        columns = [c for c in table.names if c != "article_id"]
        parts.append(
            frame.sort(columns[:2]).select(
                "article_id",
                part=pl.concat_str(
                    [pl.lit(table.name)]
                    + [pl.col(c).cast(pl.String).fill_null("") for c in columns],
                    separator=HASH_FIELD_SEPARATOR,
                ),
            )
        )
    combined = (
        pl.concat(parts)
        .group_by("article_id", maintain_order=True)
        .agg(pl.col("part"))
        .with_columns(pl.col("part").list.join("\n"))
    )
    return combined.select("article_id", content_hash=stable_hash(pl.col("part")))


def _split_distinct_bylines(articles: pl.DataFrame, byline: str) -> pl.DataFrame:
    """``bylines.split_bylines`` of one row per article (``article_id``, ``byline``,
    ``outlet``): the same rows in the same order, each distinct (byline, outlet) pair split
    once. Agency and desk bylines repeat across a batch's articles, and the split reads
    each article's byline and outlet alone."""
    pairs = [byline, "outlet"]
    distinct = (
        articles.filter(pl.col(byline).is_not_null())
        .select(pairs)
        .unique(maintain_order=True)
        .with_row_index("_pair")
    )
    # On a thread of its own, which keeps the split's patterns compiled across batches
    # (``patterns.stage_thread``): with the main thread's, they outnumber its cache.
    split = (
        stage_thread("bylines")
        .submit(
            bylines.split_bylines,
            distinct.select(pl.col("_pair").cast(pl.String).alias("article_id"), *pairs),
            byline,
            "outlet",
        )
        .result()
    )
    pair_of_article = (
        articles.with_row_index("_row")
        .join(distinct, on=pairs, nulls_equal=True, maintain_order="left")
        .select("_row", "article_id", _pair=pl.col("_pair").cast(pl.String))
    )
    return (
        pair_of_article.join(split.rename({"article_id": "_pair"}), on="_pair")
        .sort("_row", "position")
        .select(split.columns)
    )


def build_article_tables(
    documents: pl.DataFrame,
    *,
    run_id: str,
    ingested_at: datetime,
    max_line_chars: int = MAX_LINE_CHARS,
) -> ArticleTables:
    """Documents in (one row per record, columns of ``flows.sources.RECORD_COLUMNS``); tables out.

    ``ingested_at`` and ``run_id`` are stamped on every article; they do not
    enter the content hash, so an unchanged article hashes the same in every run.
    """
    docs = documents.with_row_index("doc_id").with_columns(pl.col("doc_id").cast(pl.Int64))
    # A character other than white space (what strip_chars strips): the search stops at the
    # first one, where stripping copied every page's whole HTML.
    has_html = pl.col("html").is_not_null() & pl.col("html").str.contains(WHITE_SPACE_WORD)
    has_text = pl.col("text").is_not_null() & pl.col("text").str.contains(WHITE_SPACE_WORD)
    rejects = [
        docs.filter(~has_html & ~has_text).select(
            "source_uri",
            reason=pl.lit("no_content"),
            detail=pl.lit("The record holds neither HTML nor text."),
        )
    ]
    # A record with both: the HTML carries markup and metadata the text view lost.
    html_docs = docs.filter(has_html)
    text_docs = docs.filter(~has_html & has_text)
    # Text dumps declare no language: it is detected from the body (see _languages).
    text_docs = strip_header_date(text_docs, "text").with_columns(
        doc_language=pl.lit(None, pl.String)
    )
    html_parsed = parse_html_pages(html_docs)
    # Each path has fixed costs (its expressions compile per call): skip the one not needed.
    if text_docs.is_empty() and not html_parsed.blocks.is_empty():
        text_blocks = html_parsed.blocks.clear()
    else:
        text_blocks = segment_text(text_docs.select("doc_id", "text"), max_line_chars)
    html_docs = html_docs.join(
        html_parsed.meta, on="doc_id", how="left", maintain_order="left"
    ).with_columns(header_date=pl.lit(None, pl.Date), doc_language=pl.col("meta_language"))
    docs = pl.concat([text_docs, html_docs], how="diagonal_relaxed").sort("doc_id")
    for column, dtype in html_meta.METADATA_SCHEMA.items():
        if column not in docs.columns:
            docs = docs.with_columns(pl.lit(None, dtype).alias(column))
    html_blocks_ = _declared_body(html_parsed.blocks, html_docs)
    # Sorted only when out of order (a batch of one path is in order already).
    blocks = in_document_order(pl.concat([text_blocks, html_blocks_], how="diagonal_relaxed"))
    body = _per_doc_text(blocks, BODY_KINDS, "body_text")
    # Words as block sizes count them: scripts written without spaces count too. A text
    # dump's blocks carry their counts (summed); a page's body is counted whole.
    word_counts = pl.concat(
        [
            body_word_counts(text_blocks, BODY_KINDS),
            body.join(
                text_docs.select("doc_id"), on="doc_id", how="anti", maintain_order="left"
            ).select("doc_id", word_count=count_words(pl.col("body_text"))),
        ],
        how="vertical_relaxed",
    )
    docs = _languages(docs, body)
    summary = _per_doc_text(blocks, ("summary",), "summary")
    titles = _first_text(blocks, "title", "found_title")
    # A page that declares its headline is an article even when its text is not in the
    # markup (rendered by scripts): its metadata still counts.
    declared_title = docs.filter(pl.col("meta_title").is_not_null()).select("doc_id")
    has_content = pl.concat(
        [body.select("doc_id"), titles.select("doc_id"), declared_title]
    ).unique()
    empty = docs.join(has_content, on="doc_id", how="anti", maintain_order="left")
    rejects.append(
        empty.select(
            "source_uri",
            reason=pl.lit("no_article_text"),
            detail=pl.lit(
                "Neither a title nor article paragraphs were found: the text is empty or only boilerplate."
            ),
        )
    )
    docs = docs.join(has_content, on="doc_id", how="semi", maintain_order="left")

    # Two records with the same canonical URL are one article: the last one read wins.
    ids = (
        docs.select(
            "doc_id",
            article_id=stable_hash(
                pl.coalesce(pl.col("url"), pl.col("meta_url"), pl.col("source_uri")),
                ARTICLE_ID_CHARS,
            ),
        )
        .sort("doc_id")
        .unique("article_id", keep="last", maintain_order=True)
    )
    docs = docs.join(ids.select("doc_id"), on="doc_id", how="semi", maintain_order="left")
    # Filtered only when a document is dropped: the filter copies every column of the blocks.
    kept_doc = pl.col("doc_id").is_in(ids.get_column("doc_id").implode())
    if not blocks.select(kept_doc.all()).item():
        blocks = blocks.filter(kept_doc)
    # Polars lets go of the interpreter lock while it computes: the dates, the costliest
    # part joined below, are read on a second thread while the parts before them are.
    side = stage_thread("assembly")
    dated = side.submit(_dates, blocks, docs)

    gaps = link_gap_counts(blocks, PARAGRAPH_KINDS, text_docs.select("doc_id"))
    tags_heading = blocks.filter(pl.col("kind") == "tags_heading").select("doc_id").unique()
    articles = (
        docs.join(ids, on="doc_id", maintain_order="left")
        .join(body, on="doc_id", how="left", maintain_order="left")
        .join(word_counts, on="doc_id", how="left", maintain_order="left")
        .join(summary, on="doc_id", how="left", maintain_order="left")
        .join(titles, on="doc_id", how="left", maintain_order="left")
        .join(_bylines(blocks), on="doc_id", how="left", maintain_order="left")
        .join(dated.result(), on="doc_id", how="left", maintain_order="left")
        .join(_record_dates(docs), on="doc_id", how="left", maintain_order="left")
        .join(_first_date_lines(text_blocks, docs), on="doc_id", how="left", maintain_order="left")
        .join(gaps, on="doc_id", how="left", maintain_order="left")
        .join(_rights_holders(blocks), on="doc_id", how="left", maintain_order="left")
        .join(_sections(blocks), on="doc_id", how="left", maintain_order="left")
        .join(
            tags_heading.with_columns(has_tags_heading=pl.lit(True)),
            on="doc_id",
            how="left",
            maintain_order="left",
        )
    )

    paragraphs = (
        blocks.select("doc_id", "block_no", "kind", "text")
        .filter(pl.col("kind").is_in(PARAGRAPH_KINDS))
        .sort("doc_id", "block_no")
        .join(ids, on="doc_id", maintain_order="left")
        .with_columns(position=pl.int_range(pl.len(), dtype=pl.Int32).over("doc_id"))
    )
    images = pl.concat(
        [
            _images(
                blocks
                if html_docs.is_empty()
                else blocks.join(
                    text_docs.select("doc_id"), on="doc_id", how="semi", maintain_order="left"
                ),
                ids,
            ),
            _html_images(html_parsed.images, ids, docs),
        ],
        how="diagonal_relaxed",
    )
    # The photo credits are parsed on a thread of their own while the authors are split
    # (their patterns with the dates' would outnumber one thread's cache).
    image_credits = stage_thread("credits").submit(
        credits.parse_photo_credits, images.select("article_id", "position", "credit_raw")
    )
    article_tags = _tags(blocks, ids, docs)
    related = _related(blocks, ids)

    # Declared authors (one name per entry) beat a byline read off the page, unless they
    # name only the site itself and the page's byline names a person in full.
    printed_people = (
        _split_distinct_bylines(
            articles.filter(pl.col("meta_authors_site_only").fill_null(False)).select(
                "article_id", "byline_raw", outlet=pl.col("record_outlet")
            ),
            "byline_raw",
        )
        .filter(
            (pl.col("kind") == "person")
            & (
                (pl.col("name").str.count_matches(r"\S+") >= 2)
                | pl.col("name").str.contains(bylines.UNCASED_NAME)
            )
        )
        .select("article_id", prints_person=pl.lit(True))
        .unique()
    )
    articles = articles.join(printed_people, on="article_id", how="left", maintain_order="left")
    declared = (pl.col("meta_authors").list.len().fill_null(0) > 0) & ~(
        pl.col("meta_authors_site_only").fill_null(False) & pl.col("prints_person").fill_null(False)
    )
    articles = articles.with_columns(
        author_lines=pl.when(declared)
        .then(pl.col("meta_authors").list.join("\n"))
        .otherwise(pl.col("byline_raw")),
        byline_raw=pl.coalesce("byline_raw", pl.col("meta_authors").list.join(", ")),
    )
    authors = _split_distinct_bylines(
        articles.select("article_id", "author_lines", outlet=pl.col("record_outlet")),
        "author_lines",
    )
    desk_outlet = (
        authors.filter(pl.col("kind") == "desk", pl.col("organization").is_not_null())
        .sort("article_id", "position")
        .group_by("article_id")
        .agg(desk_outlet=pl.col("organization").first())
    )
    articles = articles.with_columns(
        date_from_header=pl.col("published_date").is_null()
        & pl.col("record_date_value").is_null()
        & pl.col("header_date").is_not_null()
    )
    # A page that declares its instant in UTC and prints the same moment as a local
    # wall-clock time states its own offset: the instant is kept, written in that offset.
    printed_offset = html_meta.printed_offset_minutes(
        pl.col("meta_published_at"),
        pl.col("meta_published_offset_minutes"),
        pl.col("published_at"),
        pl.col("published_offset_minutes"),
    )
    articles = articles.pipe(_zone_offset_of_printed_day)
    printed_offset = pl.coalesce(printed_offset, "zone_offset_minutes")
    local_day = (pl.col("meta_published_at") + pl.duration(minutes=printed_offset)).dt.date()
    articles = articles.pipe(_printed_over_declared)
    declared_date = pl.col("meta_published_date").is_not_null() & ~pl.col("printed_confirmed")
    articles = articles.join(
        desk_outlet, on="article_id", how="left", maintain_order="left"
    ).with_columns(
        title=pl.coalesce(
            "record_title",
            "meta_title",
            _without_breadcrumbs(pl.col("found_title")).str.replace(TITLE_SITE_SUFFIX, ""),
        ),
        url=pl.coalesce("url", "meta_url"),
        section=pl.coalesce("meta_section", "section"),
        # Declared metadata states the instant with its zone; the page's text may not.
        published_at=pl.when(declared_date)
        .then(pl.col("meta_published_at"))
        .when(pl.col("published_date").is_not_null() | pl.col("record_date_value").is_not_null())
        .then(pl.coalesce("published_at", "record_date_instant"))
        .when(pl.col("header_date").is_null())
        .then(pl.col("loose_date_instant")),
        published_offset_minutes=pl.when(declared_date)
        .then(pl.coalesce(printed_offset, "meta_published_offset_minutes"))
        .when(pl.col("published_at").is_not_null())
        .then(pl.col("published_offset_minutes"))
        .when(pl.col("published_date").is_not_null() | pl.col("record_date_value").is_not_null())
        .then(pl.col("record_date_offset_minutes"))
        .when(pl.col("header_date").is_null())
        .then(pl.col("loose_date_offset_minutes")),
        published_date=pl.coalesce(
            pl.when(declared_date).then(pl.coalesce(local_day, "meta_published_date")),
            "published_date",
            "record_date_value",
            "header_date",
            "loose_date_value",
        ),
        updated_at=pl.coalesce("meta_updated_at", "updated_at"),
        stripped_link_gaps=pl.col("stripped_link_gaps").fill_null(0),
        word_count=pl.col("word_count").fill_null(0).cast(pl.Int32),
        ingested_at=pl.lit(ingested_at, schema.UTC_TIMESTAMP),
        run_id=pl.lit(run_id),
    )
    articles = articles.pipe(_fill_outlets)
    # A page that no source of ours dates is searched whole (htmldate), and only such a page.
    undated = articles.filter(pl.col("published_date").is_null() & pl.col("html").is_not_null())
    searched = date_search.search_published_dates(undated.select("doc_id", "html", "url"))
    articles = articles.join(searched, on="doc_id", how="left", maintain_order="left").with_columns(
        date_from_search=pl.col("published_date").is_null() & pl.col("searched_date").is_not_null(),
        published_date=pl.coalesce("published_date", "searched_date"),
    )
    tagged = article_tags.select("article_id").unique()
    articles = articles.join(
        tagged.with_columns(has_tags=pl.lit(True)),
        on="article_id",
        how="left",
        maintain_order="left",
    )
    flags = [
        pl.when(pl.col("title").is_null()).then(pl.lit("no_title")),
        pl.when(pl.col("body_text").is_null()).then(pl.lit("no_body")),
        pl.when(pl.col("date_from_header")).then(pl.lit("date_from_header")),
        pl.when(pl.col("date_from_search")).then(pl.lit("date_from_page_search")),
        pl.when(pl.col("published_date").is_null()).then(pl.lit("no_date")),
        pl.when(pl.col("byline_raw").is_null()).then(pl.lit("no_byline")),
        pl.when(pl.col("has_tags_heading").fill_null(False) & pl.col("has_tags").is_null()).then(
            pl.lit("tags_stripped")
        ),
        pl.when(pl.col("stripped_link_gaps") > 0).then(pl.lit("stripped_link_gaps")),
    ]
    articles = articles.with_columns(
        quality_flags=pl.concat_list(flags).list.drop_nulls(),
        content_hash=pl.lit(None, pl.String),
    )

    tables = {
        "article_paragraphs": schema.conform(paragraphs, schema.ARTICLE_PARAGRAPHS),
        "article_authors": schema.conform(authors, schema.ARTICLE_AUTHORS),
        "article_images": schema.conform(images, schema.ARTICLE_IMAGES),
        "image_credits": schema.conform(image_credits.result(), schema.IMAGE_CREDITS),
        "article_tags": schema.conform(article_tags, schema.ARTICLE_TAGS),
        "related_links": schema.conform(related, schema.RELATED_LINKS),
    }
    hashes = _content_hash(tables, articles)
    articles = (
        articles.drop("content_hash")
        .join(hashes, on="article_id", how="left", maintain_order="left")
        .sort("doc_id")
    )
    return ArticleTables(
        articles=schema.conform(articles, schema.ARTICLES),
        rejects=pl.concat(rejects).cast(REJECT_SCHEMA),
        **tables,
    )
