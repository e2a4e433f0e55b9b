"""Batch-level shortcuts give what one document or one text alone would give.

Line features are computed once per distinct line of a batch and joined back; language is
classified once per distinct sample and letters are counted on a prefix first; bylines are
split once per distinct (byline, outlet) pair. These tests
hold each shortcut to the plain computation.
"""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dateline.transforms.assembly.articles import _split_distinct_bylines
from dateline.transforms.fields import bylines, language
from dateline.transforms.text import blocks as text_blocks
from dateline.transforms.text.blocks import BLOCK_FEATURES, LineFeatureCache, add_block_features
from dateline.transforms.text.segment import split_blocks
from tests.conftest import examples

# Lines that repeat across an outlet's pages, mixed with lines of each page's own.
SHARED_LINES = [
    "Teilen Twittern Senden",
    "Foto: dpa",
    "Por Marta Cañete",
    "14.05.2024, 10:31 Uhr",
    "LEA TAMBIÉN: El precio del cobre sube",
    "© 2024 Example Media. Alle Rechte vorbehalten.",
]


def _blocks(texts: list[str]) -> pl.DataFrame:
    docs = pl.DataFrame(
        {"doc_id": list(range(len(texts))), "text": texts},
        schema={"doc_id": pl.Int64, "text": pl.String},
    )
    return split_blocks(docs)


def _features_one_document_at_a_time(blocks: pl.DataFrame) -> pl.DataFrame:
    parts = [
        add_block_features(part) for part in blocks.partition_by("doc_id", maintain_order=True)
    ]
    return pl.concat(parts) if parts else add_block_features(blocks)


@pytest.mark.parametrize(
    "texts",
    [
        ["\n".join(SHARED_LINES), "\n".join(reversed(SHARED_LINES))],
        ["Título\nFoto: dpa\nFoto: dpa\nUn párrafo largo que cuenta algo.", "Foto: dpa"],
        ["Eine Zeile\n\nEine Zeile\nEine Zeile", "Eine Zeile", "Andere Zeile\nEine Zeile"],
    ],
)
def test_features_of_a_batch_equal_features_per_document(texts: list[str]) -> None:
    blocks = _blocks(texts)
    assert add_block_features(blocks).equals(_features_one_document_at_a_time(blocks))


def test_features_keep_block_order_and_columns() -> None:
    blocks = _blocks(["\n".join(SHARED_LINES), "\n".join(SHARED_LINES[:3])])
    features = add_block_features(blocks)
    assert features.select("doc_id", "block_no", "text").equals(blocks.select(features.columns[:3]))
    assert set(BLOCK_FEATURES) <= set(features.columns)
    assert features.height == blocks.height


@settings(max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.lists(st.sampled_from(SHARED_LINES) | st.text(max_size=40), max_size=6).map("\n".join),
        max_size=4,
    )
)
def test_features_of_any_batch_equal_features_per_document(texts: list[str]) -> None:
    blocks = _blocks(texts)
    assert add_block_features(blocks).equals(_features_one_document_at_a_time(blocks))


def _distinct_lines(texts: list[str]) -> pl.DataFrame:
    return _blocks(texts).select("text").unique()


@settings(max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.lists(st.sampled_from(SHARED_LINES) | st.text(max_size=40), max_size=6).map("\n".join),
        min_size=1,
        max_size=4,
    ),
    st.sampled_from([60, 400, 10**6]),
)
def test_features_kept_between_batches_equal_features_computed_again(
    texts: list[str], max_bytes: int
) -> None:
    # Each text is a batch; small caches drop lines between batches, large ones keep all.
    cache = LineFeatureCache(max_bytes=max_bytes)
    for batch in [*texts, *reversed(texts)]:
        lines = _distinct_lines([batch])
        kept = cache.features(lines).sort("text", nulls_last=True)
        assert kept.equals(text_blocks._line_features(lines).sort("text", nulls_last=True))


def test_line_cache_drops_the_least_recently_met_lines_past_its_size() -> None:
    cache = LineFeatureCache(max_bytes=100)
    old = ["Foto: dpa", "Teilen Twittern Senden"]
    cache.features(_distinct_lines(["\n".join(old)]))
    cache.features(_distinct_lines(["Foto: dpa"]))
    cache.features(_distinct_lines(["\n".join(f"Zeile Nummer {n}" for n in range(6))]))
    kept = cache._kept.get_column("text")
    assert kept.str.len_bytes().sum() <= 50
    assert "Teilen Twittern Senden" not in kept.to_list()
    # Lines met again are computed again, and equal what a fresh cache gives.
    again = _distinct_lines(["\n".join(old)])
    assert (
        cache.features(again).sort("text").equals(LineFeatureCache().features(again).sort("text"))
    )


LANGUAGE_TEXTS = [
    "Der Stadtrat hat am Dienstag über den neuen Haushalt beraten und ihn beschlossen.",
    "El Gobierno aprobó este martes el nuevo presupuesto para el próximo año.",
    "The council approved the new budget on Tuesday after a long debate.",
]


@pytest.mark.parametrize("repeats", [1, 3])
def test_repeated_texts_get_the_language_they_get_alone(repeats: int) -> None:
    texts = [t for t in LANGUAGE_TEXTS for _ in range(repeats)] + [None, "kurz"]

    def detect(values: list[str | None]) -> list[str | None]:
        frame = pl.DataFrame({"text": values}, schema={"text": pl.String})
        return language.detect_language(frame, "text", "lang")["lang"].to_list()

    batch = detect(texts)
    alone = [detect([t])[0] for t in texts]
    assert batch == alone
    assert batch[:repeats] == ["de"] * repeats
    assert batch[-2:] == [None, None]


@settings(max_examples=examples(60), deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(max_size=400)), max_size=8))
def test_letter_prefix_count_equals_a_full_count(texts: list[str | None]) -> None:
    samples = pl.Series("text", texts, dtype=pl.String)
    full = samples.str.count_matches(language.WORD_CHARACTER).fill_null(0) >= language.MIN_LETTERS
    assert language._has_enough_letters(samples).to_list() == full.to_list()


@pytest.mark.parametrize(
    "texts",
    [["00010001000100010001"], ["00010001000100010001", LANGUAGE_TEXTS[0]]],
)
def test_texts_that_complete_no_n_gram_get_what_py3langid_gives(texts: list[str]) -> None:
    from py3langid import classify

    frame = pl.DataFrame({"text": texts})
    found = language.detect_language(frame, "text", "lang")["lang"].to_list()
    assert found == [classify(text)[0] for text in texts]


# Bylines of a batch: agency and desk lines repeat, some with another outlet or none.
BATCH_BYLINES = [
    ("a1", "Por Marta Cañete y Luis Paz", "El Comercio"),
    ("a2", "dpa", None),
    ("a3", "Por Marta Cañete y Luis Paz", "El Comercio"),
    ("a4", "Redacción", "El Comercio"),
    ("a5", None, "El Comercio"),
    ("a6", "Redacción", "La Nación"),
    ("a7", "dpa", None),
    ("a8", "By Jane Doe\nReuters", "The Times"),
    ("a9", "Por Marta Cañete y Luis Paz", "La Nación"),
]


@pytest.mark.parametrize("rows", [BATCH_BYLINES, BATCH_BYLINES[::-1], BATCH_BYLINES[4:5], []])
def test_bylines_split_once_per_distinct_pair_equal_bylines_split_per_article(
    rows: list[tuple[str, str | None, str | None]],
) -> None:
    frame = pl.DataFrame(
        rows,
        schema={"article_id": pl.String, "lines": pl.String, "outlet": pl.String},
        orient="row",
    )
    per_article = bylines.split_bylines(frame, "lines", "outlet")
    assert _split_distinct_bylines(frame, "lines").equals(per_article)
