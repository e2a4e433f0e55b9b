"""Synthetic warehouse rows shared by test_warehouse.py and test_export.py.

Not a pytest conftest (the lead owns tests/conftest.py): the test modules import these
helpers and declare their own fixtures.

Four articles in es, de, fr and en: one rich (authors, images, credits, tags, links),
one flagged date_from_header with stripped link gaps, one undated and untitled with no
children, one in another month sharing a photographer.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import duckdb
import polars as pl

from dateline.flows import warehouse
from dateline.transforms.schema import (
    ARTICLE_AUTHORS,
    ARTICLE_IMAGES,
    ARTICLE_PARAGRAPHS,
    ARTICLE_TAGS,
    ARTICLES,
    CONTRACT_TABLES,
    IMAGE_CREDITS,
    INGEST_REJECTS,
    INGEST_RUNS,
    RELATED_LINKS,
    STORY_CLUSTERS,
    conform,
)

RUN_ID = "run-0001"
LOADED_AT = datetime(2024, 7, 1, 12, 0, tzinfo=UTC)

_PARAGRAPHS = {
    "es-1": [
        ("summary", "El bloque busca un acuerdo."),
        ("paragraph", "Los ministros se reunieron en Bruselas."),
        ("subheadline", "Próximos pasos"),
        ("paragraph", "La votación será\u00a0en junio."),
    ],
    "de-1": [("paragraph", "Die Regierung  und Russland verhandeln.")],
    "fr-1": [],
    "en-1": [("paragraph", "Markets rallied on Friday."), ("paragraph", "Oil fell.")],
}


def _body(article_id: str) -> str:
    blocks = [text for kind, text in _PARAGRAPHS[article_id] if kind != "summary"]
    return "\n\n".join(blocks)


def _article(article_id: str, **fields: object) -> dict:
    body = _body(article_id)
    row = {
        "article_id": article_id,
        "source_uri": f"/data/{article_id}.txt",
        "source_format": "text",
        "url": None,
        "outlet": None,
        "language": None,
        "title": None,
        "summary": None,
        "section": None,
        "published_date": None,
        "published_at": None,
        "updated_at": None,
        "byline_raw": None,
        "body_text": body,
        "word_count": len(body.split()),
        "stripped_link_gaps": 0,
        "quality_flags": [],
        "content_hash": f"hash-{article_id}",
        "ingested_at": LOADED_AT,
        "run_id": RUN_ID,
        "rights_holder": None,
        "outlet_source": "declared" if fields.get("outlet") else None,
    }
    row.update(fields)
    return row


def synthetic_frames() -> dict[str, pl.DataFrame]:
    """One conformed frame per contract table, keyed by table name; the rows pass every
    data test."""
    articles = [
        _article(
            "es-1",
            url="https://example.pe/economia/acuerdo",
            outlet="Gestión",
            language="es",
            title="La UE busca un acuerdo",
            summary="El bloque busca un acuerdo.",
            section="Economía",
            published_date=date(2024, 5, 3),
            published_at=datetime(2024, 5, 3, 15, 30, tzinfo=UTC),
            byline_raw="Por Brendan Smialowski y Redacción Gestión",
        ),
        _article(
            "de-1",
            outlet="Der Standard",
            language="de",
            title="Verhandlungen gehen weiter",
            published_date=date(2024, 6, 10),
            stripped_link_gaps=1,
            quality_flags=["date_from_header"],
        ),
        _article(
            "fr-1", outlet="Le Monde", language="fr", quality_flags=["no_title", "tags_stripped"]
        ),
        _article(
            "en-1",
            outlet="Gestión",
            language="en",
            title="Markets rally",
            published_date=date(2024, 5, 3),
        ),
    ]
    paragraphs = [
        {"article_id": aid, "position": i, "kind": kind, "text": text}
        for aid, blocks in _PARAGRAPHS.items()
        for i, (kind, text) in enumerate(blocks)
    ]
    authors = [
        ("es-1", 0, "Brendan Smialowski", "person", None),
        ("es-1", 1, "Redacción Gestión", "desk", "Gestión"),
        ("de-1", 0, "dpa", "agency", None),
        ("en-1", 0, "Brendan Smialowski", "person", "Gestión"),
    ]
    images = [
        (
            "es-1",
            0,
            "https://example.pe/a.jpg",
            "Ministros en Bruselas",
            "ARCHIVO",
            True,
            "(Photo by Vincent Thian and Brendan SMIALOWSKI / various sources / AFP)",
        ),
        ("es-1", 1, None, "La sede", None, False, "Foto: EFE"),
        ("de-1", 0, None, "Das Kanzleramt", None, True, "Foto: Jürgen Müller/dpa"),
        ("en-1", 0, None, "Traders", None, True, "Vincent Thian / AFP"),
    ]
    credits = [
        ("es-1", 0, 0, "photographer", "Vincent Thian"),
        ("es-1", 0, 1, "photographer", "Brendan Smialowski"),
        ("es-1", 0, 2, "source", "various sources"),
        ("es-1", 0, 3, "agency", "AFP"),
        ("es-1", 1, 0, "agency", "EFE"),
        ("de-1", 0, 0, "photographer", "Jürgen Müller"),
        ("de-1", 0, 1, "agency", "dpa"),
        ("en-1", 0, 0, "photographer", "Vincent Thian"),
        ("en-1", 0, 1, "agency", "AFP"),
    ]
    tags = [
        ("es-1", 0, "Unión Europea", "union-europea"),
        ("es-1", 1, "China", "china"),
        ("de-1", 0, "Europäische Union", "europaische-union"),
        ("en-1", 0, "china", "china"),
        ("en-1", 1, "Mercados", "mercados"),
    ]
    links = [
        ("es-1", 0, "read_also", "Lo que se sabe del acuerdo", "https://example.pe/x"),
        ("es-1", 1, "recommended", "Otra nota", None),
        ("en-1", 0, "other", "More", None),
    ]
    # es-1 (Gestión, 3 May) republished by de-1 (Der Standard, 10 June): one story, two outlets.
    clusters = [
        {
            "cluster_id": "es-1",
            "article_id": "es-1",
            "similarity": 1.0,
            "is_first": True,
            "first_outlet": "Gestión",
        },
        {
            "cluster_id": "es-1",
            "article_id": "de-1",
            "similarity": 0.8,
            "is_first": False,
            "first_outlet": "Gestión",
        },
    ]
    runs = [
        {
            "run_id": RUN_ID,
            "started_at": datetime(2024, 7, 1, 11, 59, 30, tzinfo=UTC),
            "finished_at": LOADED_AT,
            "status": "completed",
            "sources_seen": 5,
            "articles_new": 4,
            "articles_updated": 0,
            "articles_unchanged": 0,
            "rejects": 1,
        }
    ]
    rejects = [
        {
            "run_id": RUN_ID,
            "source_uri": "/data/empty.txt",
            "reason": "empty",
            "detail": "The file holds no text.",
            "rejected_at": LOADED_AT,
        }
    ]
    rows = {
        ARTICLES: articles,
        ARTICLE_PARAGRAPHS: paragraphs,
        ARTICLE_AUTHORS: [dict(zip(ARTICLE_AUTHORS.names, r, strict=True)) for r in authors],
        ARTICLE_IMAGES: [dict(zip(ARTICLE_IMAGES.names, r, strict=True)) for r in images],
        IMAGE_CREDITS: [dict(zip(IMAGE_CREDITS.names, r, strict=True)) for r in credits],
        ARTICLE_TAGS: [dict(zip(ARTICLE_TAGS.names, r, strict=True)) for r in tags],
        RELATED_LINKS: [dict(zip(RELATED_LINKS.names, r, strict=True)) for r in links],
        INGEST_RUNS: runs,
        INGEST_REJECTS: rejects,
        STORY_CLUSTERS: clusters,
    }
    return {
        table.name: conform(pl.DataFrame(rows[table], schema=table.polars_schema), table)
        for table in CONTRACT_TABLES
    }


def load_frames(
    con: duckdb.DuckDBPyConnection, frames: dict[str, pl.DataFrame], *, constrained: bool = True
) -> None:
    """Put ``frames`` into ``con``: through sql/schema (with its primary keys) when
    ``constrained``, else as plain tables so duplicate keys can be planted."""
    if constrained:
        warehouse.apply_schema(con)
    for name, frame in frames.items():
        con.register("frame_to_load", frame)
        if constrained:
            con.execute(f"insert into {name} select * from frame_to_load")
        else:
            con.execute(f"create table {name} as select * from frame_to_load")
        con.unregister("frame_to_load")


def loaded_warehouse(db_path: str = ":memory:") -> duckdb.DuckDBPyConnection:
    """A warehouse with the schema, the synthetic rows and the models built."""
    con = warehouse.connect(db_path)
    load_frames(con, synthetic_frames())
    warehouse.build_models(con)
    return con
