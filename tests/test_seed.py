"""The seed dump parses to exactly its hand annotation."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pytest

from dateline.flows import sources
from dateline.transforms.assembly.articles import build_article_tables
from dateline.transforms.text import segment as segment_text
from tests.conftest import SEED_DIR

SEED_ID = "000_87e5fbe07bd337ee"


@pytest.fixture(scope="module")
def seed() -> tuple[dict, object]:
    gold_path = SEED_DIR / f"{SEED_ID}.gold.json"
    if not gold_path.exists():
        pytest.skip(f"seed annotation not found at {gold_path}")
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    result = sources.read_source(SEED_DIR / f"{SEED_ID}.txt", 10_000_000)
    tables = build_article_tables(
        sources.records_frame(result.records),
        run_id="test",
        ingested_at=datetime(2026, 1, 1, tzinfo=UTC),
    )
    return gold, tables


def test_article_fields(seed) -> None:
    gold, tables = seed
    article = tables.articles.row(0, named=True)
    assert tables.articles.height == 1
    assert article["title"] == gold["title"]
    assert article["language"] == gold["language"]
    assert article["outlet"] == gold["outlet"]
    assert article["published_date"].isoformat() == gold["published"]
    assert article["published_at"] is None
    assert article["stripped_link_gaps"] == gold["stripped_link_gaps"]
    assert article["rights_holder"] == gold["rights_holder"]
    assert "date_from_header" in article["quality_flags"]
    assert "no_title" in article["quality_flags"]
    # An empty TAGS block is reported, not silently ignored.
    assert gold["tags_section_present"] and "tags_stripped" in article["quality_flags"]


def test_authors(seed) -> None:
    gold, tables = seed
    authors = (
        tables.article_authors.sort("position").select("name", "kind", "organization").to_dicts()
    )
    assert authors == gold["authors"]


def test_body(seed) -> None:
    gold, tables = seed
    paragraphs = tables.article_paragraphs.sort("position")
    assert (
        paragraphs.filter(pl.col("kind") == "subheadline")["text"].to_list() == gold["subheadlines"]
    )
    assert paragraphs.filter(pl.col("kind") == "paragraph")["text"].to_list() == gold["paragraphs"]
    assert paragraphs.filter(pl.col("kind") == "summary").height == 0
    body = tables.articles["body_text"][0]
    # Subheadline in its place, blocks joined by a blank line, nothing else.
    expected = "\n\n".join(gold["paragraphs"][:3] + gold["subheadlines"] + gold["paragraphs"][3:])
    assert body == expected
    assert tables.articles["word_count"][0] == len(expected.split())
    for noise in (
        "Únete a nuestro canal",
        "Newsletter",
        "mailRedacción",
        "Estimado",
        "TE PUEDE",
        "LEA TAMBIÉN",
    ):
        assert noise not in body


def test_images_and_credits(seed) -> None:
    gold, tables = seed
    images = tables.article_images.sort("position")
    assert images.height == len(gold["images"])
    for image, expected in zip(images.iter_rows(named=True), gold["images"], strict=True):
        assert image["position"] == expected["position"]
        assert image["caption"] == expected["caption"]
        assert image["caption_label"] == expected["caption_label"]
        assert image["credit_raw"] == expected["credit_raw"]
        credits = (
            tables.image_credits.filter(pl.col("image_position") == expected["position"])
            .sort("position")
            .select("role", "name")
            .to_dicts()
        )
        assert credits == expected["credits"]
    assert images["is_cover"].to_list() == [True, False]


def test_related_links_and_tags(seed) -> None:
    gold, tables = seed
    related = tables.related_links.sort("position").select("kind", "title").to_dicts()
    assert related == gold["related"]
    assert tables.article_tags.height == len(gold["tags"]) == 0


def test_sample_copy_is_the_seed() -> None:
    sample = Path(__file__).resolve().parents[1] / "data" / "samples" / "es_gestion_seed.txt"
    original = SEED_DIR / f"{SEED_ID}.txt"
    if not original.exists():
        pytest.skip(f"seed not found at {original}")
    assert sample.read_bytes() == original.read_bytes()


def test_boilerplate_blocks(seed) -> None:
    """The gold's boilerplate: channel and newsletter prompts, the icon copy of the byline,
    and the reader notice to the end."""
    gold, _ = seed
    docs = pl.DataFrame(
        {"doc_id": [0], "text": [(SEED_DIR / f"{SEED_ID}.txt").read_text(encoding="utf-8")]}
    )
    blocks = segment_text.segment_text(segment_text.strip_header_date(docs))
    kinds = dict(zip(blocks["text"].to_list(), blocks["kind"].to_list(), strict=False))
    assert kinds["Únete a nuestro canal"] == "boilerplate"
    assert kinds["Newsletter Internacional"] == "boilerplate"
    # The icon copy is kept as a byline block and folded into the one author.
    assert kinds["mailRedacción Gestión"] == "byline"
    notice = blocks.filter(pl.col("text") == "Estimado(a) lector(a)")["block_no"].item()
    after = blocks.filter(pl.col("block_no") >= notice)
    assert set(after["kind"].to_list()) == {"boilerplate"}
    assert after.height == 5
    assert len(gold["boilerplate"]) == 4
