"""Tags: grouping key and per-article cleaning/deduplication (es, en, de, fr, pt, it)."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dateline.transforms.fields.tags import normalize_tags, tag_key
from dateline.transforms.schema import ARTICLE_TAGS
from tests.conftest import examples


def _key(tag: str | None) -> str | None:
    return pl.DataFrame({"tag": [tag]}, schema={"tag": pl.String}).select(tag_key(pl.col("tag")))[
        0, 0
    ]


TAG_KEYS = [
    # es
    ("Unión Europea", "union-europea"),
    ("Elecciones  en España", "elecciones-en-espana"),
    ("Niño", "nino"),
    ("¿Qué pasa?", "que-pasa"),
    # en
    ("#Brexit", "brexit"),
    ("Covid-19", "covid-19"),
    ("U.S. Politics", "u-s-politics"),
    ("  Climate   change ", "climate-change"),
    ("Donald_Trump", "donald-trump"),
    # de
    ("Straße", "straße"),
    ("Bundestagswahl 2025", "bundestagswahl-2025"),
    ("Österreich", "osterreich"),
    # fr
    ("Côte d'Ivoire", "cote-d-ivoire"),
    ("Élysée", "elysee"),
    ("Œuvre", "œuvre"),
    # pt
    ("São Paulo", "sao-paulo"),
    ("Eleições", "eleicoes"),
    # it
    ("Città del Vaticano", "citta-del-vaticano"),
    ("L’Aquila", "l-aquila"),
    # other scripts kept, lower-cased
    ("Россия", "россия"),
    ("Ελλάδα", "ελλαδα"),
    ("東京", "東京"),
    ("서울 시", "서울-시"),
    ("ｆｕｌｌｗｉｄｔｈ", "fullwidth"),
    ("---", ""),
]


@pytest.mark.parametrize(("tag", "expected"), TAG_KEYS)
def test_tag_key(tag: str, expected: str) -> None:
    assert _key(tag) == expected


def test_tag_key_null_stays_null() -> None:
    assert _key(None) is None


def _tags(rows: list[tuple[str, str | None]], positions: list[int] | None = None) -> pl.DataFrame:
    data = {"article_id": [a for a, _ in rows], "tag": [t for _, t in rows]}
    if positions is not None:
        data["position"] = positions
    frame = pl.DataFrame(data, schema_overrides={"tag": pl.String})
    return normalize_tags(frame)


def test_normalize_tags_dedup_and_order() -> None:
    out = _tags(
        [
            ("a", "#Brexit"),
            ("a", "  Unión   Europea "),
            ("a", "brexit"),
            ("a", "UNIÓN EUROPEA"),
            ("a", ""),
            ("a", "#"),
            ("a", None),
            ("a", "«Política»"),
            ("b", "Brexit"),
        ]
    )
    assert out.schema == ARTICLE_TAGS.polars_schema
    assert out.rows() == [
        ("a", 0, "Brexit", "brexit"),
        ("a", 1, "Unión Europea", "union-europea"),
        ("a", 2, "Política", "politica"),
        ("b", 0, "Brexit", "brexit"),
    ]


def test_normalize_tags_follows_given_positions() -> None:
    out = _tags([("a", "Zweite"), ("a", "Erste"), ("a", "erste")], positions=[5, 1, 9])
    assert out.select("position", "tag").rows() == [(0, "Erste"), (1, "Zweite")]


CLEAN_TAGS = [
    ("#Brexit", "Brexit"),
    ("  Unión\tEuropea ", "Unión Europea"),
    ('"Bundestag"', "Bundestag"),
    ("Élysée.", "Élysée"),
    ("(São Paulo)", "São Paulo"),
    ("«Roma»", "Roma"),
    ("Covid-19", "Covid-19"),
    ("Côte d'Ivoire", "Côte d'Ivoire"),
]


@pytest.mark.parametrize(("tag", "expected"), CLEAN_TAGS)
def test_normalize_tags_cleans_one_tag(tag: str, expected: str) -> None:
    assert _tags([("a", tag)])["tag"].to_list() == [expected]


@settings(max_examples=examples(200), deadline=None)
@given(st.lists(st.one_of(st.none(), st.text()), max_size=8))
def test_normalize_tags_never_raises(tags: list[str | None]) -> None:
    out = _tags([("a", t) for t in tags])
    assert out.schema == ARTICLE_TAGS.polars_schema
    assert out["position"].to_list() == list(range(out.height))
    assert out["tag_key"].n_unique() == out.height


@settings(max_examples=examples(300), deadline=None)
@given(st.text())
def test_tag_key_is_idempotent(tag: str) -> None:
    once = _key(tag)
    assert _key(once) == once


@settings(max_examples=examples(200), deadline=None)
@given(st.lists(st.text(), max_size=8))
def test_normalize_tags_is_idempotent(tags: list[str]) -> None:
    once = _tags([("a", t) for t in tags])
    twice = normalize_tags(once.select("article_id", "tag", "position"))
    assert twice.equals(once)
