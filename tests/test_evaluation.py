"""Tests for flows.evaluation: every rule of shared/corpus/METRICS.md with exact numbers."""

from __future__ import annotations

import gzip
import json
import os
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dateline.flows.cli import main
from dateline.flows.evaluation import (
    AGENCY_ALIASES,
    CREDIT_STOP,
    FIELDS,
    CorpusError,
    ImagePrediction,
    Prediction,
    agency_key,
    credit_tokens,
    format_corpora,
    format_report,
    format_summary,
    gold_body_text,
    load_corpora,
    load_corpus,
    load_gold,
    norm_name,
    norm_tag,
    predictions_from_db,
    published_matches,
    score,
    scores_json,
    shingle_counts,
    shingles,
    token_f1,
    tokens,
    write_corpus_details,
    write_details,
)
from dateline.transforms import schema

CORPUS_DIR = Path(
    os.environ.get("DATELINE_CORPUS_DIR")
    or Path(__file__).resolve().parents[2] / "shared" / "corpus"
)
FUNDUS_DIR = CORPUS_DIR / "fundus"


def gold_item(item_id: str = "xx/Page_2024_01_01", language: str = "en", **fields) -> dict:
    """A gold dict with every field null (not covered) unless given."""
    base = {
        "id": item_id,
        "language": language,
        "title": None,
        "authors": None,
        "published": None,
        "topics": None,
        "summary": None,
        "subheadlines": None,
        "paragraphs": None,
        "images": None,
    }
    return {**base, **fields}


def rows_for(report, field_name: str) -> list:
    return [r for r in report.items if r.field == field_name]


# --------------------------------------------------------------------------
# tokens and token_f1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("El Gobierno aprobó la reforma", ["el", "gobierno", "aprobó", "la", "reforma"]),
        ("Breaking: U.S. stocks fall 3%", ["breaking", "u", "s", "stocks", "fall", "3"]),
        ("Die STRASSE ist gesperrt", ["die", "strasse", "ist", "gesperrt"]),
        ("Straße", ["strasse"]),
        ("L'économie française", ["l", "économie", "française"]),
        ("Governo de São Paulo", ["governo", "de", "são", "paulo"]),
        ("Perché l'Italia?", ["perché", "l", "italia"]),
        ("Cafe\u0301 snake_case", ["café", "snake_case"]),
        ("", []),
        (None, []),
    ],
)
def test_tokens(text, expected):
    assert tokens(text) == expected


@pytest.mark.parametrize(
    ("predicted", "gold", "expected"),
    [
        ("", "", (1.0, 1.0, 1.0)),
        (None, None, (1.0, 1.0, 1.0)),
        ("...", "!!", (1.0, 1.0, 1.0)),
        ("palabra", "", (0.0, 0.0, 0.0)),
        ("", "palabra", (0.0, 0.0, 0.0)),
        (None, "Wort", (0.0, 0.0, 0.0)),
        ("un deux", "trois quatre", (0.0, 0.0, 0.0)),
        # Multiset overlap: pred a a b, gold a b b c -> o = 2.
        ("a a b", "a b b c", (2 / 3, 2 / 4, 4 / 7)),
        ("Hola, mundo!", "hola   MUNDO", (1.0, 1.0, 1.0)),
        ("Olá mundo novo", "Olá mundo", (2 / 3, 1.0, 0.8)),
        ("Ciao a tutti", "ciao", (1 / 3, 1.0, 0.5)),
    ],
)
def test_token_f1(predicted, gold, expected):
    assert token_f1(predicted, gold) == pytest.approx(expected)


def test_token_f1_exact_at_the_caption_threshold():
    # 6 shared tokens, 7 predicted, 8 gold: F1 is exactly 0.8, which 2PR/(P+R) rounds below.
    predicted, gold = "a b c d e f x", "a b c d e f y z"
    assert token_f1(predicted, gold)[2] >= 0.8


# --------------------------------------------------------------------------
# title


@pytest.mark.parametrize(
    ("predicted", "gold", "f1", "exact"),
    [
        ("  el  GOBIERNO aprueba\tla ley ", "El gobierno aprueba la ley", 1.0, True),
        ("Die Straße", "DIE STRASSE", 1.0, True),
        ("Cafe\u0301 de Flore", "Café de Flore", 1.0, True),
        ("Hello World!", "Hello World", 1.0, False),
        ("Notícia", "Notícia urgente", 2 / 3, False),
        ("", "Il titolo", 0.0, False),
        (None, "Il titolo", 0.0, False),
    ],
)
def test_title_item(predicted, gold, f1, exact):
    report = score({"a": gold_item("a", title=gold)}, {"a": Prediction(title=predicted)})
    (row,) = rows_for(report, "title")
    assert (row.f1, row.exact) == (pytest.approx(f1), exact)


def test_title_aggregate_is_mean_f1_and_exact_share():
    gold = {
        "a": gold_item("a", title="Hello World"),
        "b": gold_item("b", title="Hello World"),
        "c": gold_item("c", title=None),
    }
    preds = {"a": Prediction(title="hello  world"), "b": Prediction(title="Hello")}
    result = score(gold, preds).fields["title"]
    assert result.n == 2
    assert result.f1 == pytest.approx((1 + 2 / 3) / 2)
    assert result.exact == pytest.approx(0.5)
    assert (result.precision, result.recall, result.date) == (None, None, None)


# --------------------------------------------------------------------------
# authors


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("José Pérez", "jose perez"),
        ("  Jürgen   Müller ", "jurgen muller"),
        ("François Hollande", "francois hollande"),
        ("João Gonçalves", "joao goncalves"),
        ("Niccolò Ammaniti", "niccolo ammaniti"),
        ("JOHN SMITH.", "john smith"),
        ("— Redacción —", "redaccion"),
        ("@dpa", "dpa"),
        ("«Zoë»", "zoe"),
        ("Miguel A. Ruiz", "miguel a. ruiz"),
        ("O'Connor-Smith", "o'connor-smith"),
        ("山田 ガク", "山田 ガク"),
        # Half-width kana: NFKD gives カ + U+3099, the mark is kept and recomposed.
        ("ｶﾞｸ", "ガク"),
        ("Łukasz", "łukasz"),
        # Agency aliases become the agency's key; a longer name is no alias.
        ("The Associated Press", "ap"),
        ("Associated  Press", "ap"),
        ("AP", "ap"),
        ("Deutsche Presse-Agentur", "dpa"),
        ("— Agencia EFE —", "efe"),
        ("Agence France-Presse", "afp"),
        ("연합뉴스", "yonhap"),
        ("ИТАР-ТАСС", "tass"),
        ("Associated Press Writer", "associated press writer"),
        ("Apa Sherpa", "apa sherpa"),
        ("!!!", ""),
        ("", ""),
        (None, ""),
    ],
)
def test_norm_name(name, expected):
    assert norm_name(name) == expected


def test_every_alias_maps_to_its_key():
    for key, aliases in AGENCY_ALIASES.items():
        assert {norm_name(alias) for alias in aliases} == {key}, key
        assert norm_name(key) == key


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("foto: the associated press", "foto: ap"),
        ("ap photo/jane doe", "ap/jane doe"),
        ("getty images/istockphoto", "getty/istock"),
        ("deutsche presse-agentur (dpa)", "dpa (dpa)"),
        ("associated\npress", "ap"),
        # Whole words only: an alias inside a word stays.
        ("mapa de la apa", "mapa de la apa"),
        ("reutersfoto", "reutersfoto"),
        ("keystone-sda", "sda"),
        ("(연합뉴스)", "(yonhap)"),
    ],
)
def test_agency_key(text, expected):
    assert agency_key(text) == expected


def test_authors_agency_alias_matches_its_short_form():
    gold = {"a": gold_item("a", authors=["AP", "Deutsche Presse-Agentur"])}
    preds = {"a": Prediction(authors=["The Associated Press", "dpa"])}
    (row,) = rows_for(score(gold, preds), "authors")
    assert (row.tp, row.fp, row.fn, row.exact) == (2, 0, 0, True)


def test_internal_punctuation_kept_but_edges_stripped():
    assert norm_name("Miguel A. Ruiz") != norm_name("Miguel A Ruiz")
    # The rule strips trailing P*: a final period does not survive.
    assert norm_name("Miguel A.") == norm_name("Miguel A")


def test_authors_item_counts_and_micro():
    gold = {
        "a": gold_item("a", authors=["José Pérez", "Ana Gómez"]),
        "b": gold_item("b", authors=[]),
        "c": gold_item("c", authors=[]),
        "d": gold_item("d", authors=None),
        "e": gold_item("e", authors=["Marie Curie", "marie curie"]),
    }
    preds = {
        "a": Prediction(authors=["Jose Perez", "Redacción"]),
        "b": Prediction(authors=["dpa"]),
        "c": Prediction(authors=["", "---"]),
        "d": Prediction(authors=["Ignored Person"]),
        "e": Prediction(authors=["MARIE CURIE."]),
    }
    report = score(gold, preds)
    rows = {r.id: r for r in rows_for(report, "authors")}
    assert set(rows) == {"a", "b", "c", "e"}
    assert (rows["a"].tp, rows["a"].fp, rows["a"].fn, rows["a"].exact) == (1, 1, 1, False)
    # An empty gold list is scored: every predicted name is a false positive.
    assert (rows["b"].tp, rows["b"].fp, rows["b"].fn, rows["b"].exact) == (0, 1, 0, False)
    # Names that normalise to empty are dropped, so both sets are empty and equal.
    assert (rows["c"].tp, rows["c"].fp, rows["c"].fn, rows["c"].exact) == (0, 0, 0, True)
    assert (rows["e"].tp, rows["e"].fp, rows["e"].fn, rows["e"].exact) == (1, 0, 0, True)
    result = report.fields["authors"]
    # TP 2, FP 2, FN 1.
    assert result.n == 4
    assert result.precision == pytest.approx(2 / 4)
    assert result.recall == pytest.approx(2 / 3)
    assert result.f1 == pytest.approx(4 / 7)
    assert result.exact == pytest.approx(2 / 4)


def test_predicting_nothing_gives_undefined_precision():
    report = score({"a": gold_item("a", authors=["Ana"])}, {})
    result = report.fields["authors"]
    assert (result.precision, result.recall, result.f1) == (None, 0.0, 0.0)
    line = next(x for x in format_report(report, label="t").splitlines() if x.startswith("authors"))
    assert line.split() == ["authors", "1", "-", "0.000", "0.000", "0.000"]


# --------------------------------------------------------------------------
# published


@pytest.mark.parametrize(
    ("predicted", "gold", "expected"),
    [
        # Gold with offset: instants within 60 s.
        ("2024-05-03T13:47:42+00:00", "2024-05-03T15:47:42+02:00", (True, True)),
        ("2024-05-03T13:48:42Z", "2024-05-03T15:47:42+02:00", (True, True)),
        ("2024-05-03T13:48:43Z", "2024-05-03T15:47:42+02:00", (False, True)),
        ("2024-05-03T15:47:42.389Z", "2024-05-03T15:47:42+00:00", (True, True)),
        # A prediction without offset is read as UTC.
        ("2024-05-03T13:47:42", "2024-05-03T15:47:42+02:00", (True, True)),
        ("2024-05-03T15:47:42", "2024-05-03T15:47:42+02:00", (False, True)),
        # Date: converted into the gold's offset first.
        ("2024-05-02T22:30:00Z", "2024-05-03T00:30:00+02:00", (True, True)),
        ("2024-05-02T22:30:00", "2024-05-03T00:30:00+02:00", (True, True)),
        ("2025-10-21T10:00:00+00:00", "2025-10-21T06:00:00-04:00", (True, True)),
        ("2025-10-21T02:00:00Z", "2025-10-21T06:00:00-04:00", (False, False)),
        ("2025-10-22T01:00:00Z", "2025-10-21T06:00:00-04:00", (False, True)),
        # Date-only prediction against a gold with offset: never exact, date as named.
        ("2024-05-03", "2024-05-03T00:30:00+02:00", (False, True)),
        ("2024-05-02", "2024-05-03T00:30:00+02:00", (False, False)),
        # Naive gold: wall clock and written date of the prediction, offset dropped.
        ("2024-04-22", "2024-04-22T00:00:00", (True, True)),
        ("2024-04-23", "2024-04-22T00:00:00", (False, False)),
        ("2024-04-22T00:00:30+02:00", "2024-04-22T00:00:00", (True, True)),
        ("2024-04-21T22:00:00Z", "2024-04-22T00:00:00", (False, False)),
        ("2026-04-20", "2026-04-20T14:09:42.493000", (False, True)),
        ("2026-04-20T14:09:42+03:00", "2026-04-20T14:09:42.493000", (True, True)),
        # Unparsable or null predictions are wrong on both measures.
        ("yesterday", "2024-05-03T15:47:42+02:00", (False, False)),
        ("2024-13-01", "2024-04-22T00:00:00", (False, False)),
        ("", "2024-04-22T00:00:00", (False, False)),
        (None, "2024-04-22T00:00:00", (False, False)),
    ],
)
def test_published_matches(predicted, gold, expected):
    assert published_matches(predicted, gold) == expected


def test_published_aggregate():
    gold = {
        "a": gold_item("a", published="2024-05-03T15:47:42+02:00"),
        "b": gold_item("b", published="2024-04-22T00:00:00"),
        "c": gold_item("c", published="2024-04-22T00:00:00"),
        "d": gold_item("d", published=None),
    }
    preds = {
        "a": Prediction(published="2024-05-03T13:47:42Z"),
        "b": Prediction(published="2024-04-22T10:00:00+00:00"),
        "d": Prediction(published="2024-01-01"),
    }
    result = score(gold, preds).fields["published"]
    assert result.n == 3
    assert result.exact == pytest.approx(1 / 3)
    assert result.date == pytest.approx(2 / 3)
    assert (result.precision, result.recall, result.f1) == (None, None, None)


# --------------------------------------------------------------------------
# topics


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ("#UniónEuropea", "unióneuropea"),
        ("  Política   Nacional ", "política nacional"),
        ("#Bundestag", "bundestag"),
        ("Économie.", "économie"),
        ("«Brexit»", "brexit"),
        ("Futebol #", "futebol"),
        ("Serie A", "serie a"),
        ("e-mobility", "e-mobility"),
        ("#", ""),
        (None, ""),
    ],
)
def test_norm_tag(tag, expected):
    assert norm_tag(tag) == expected


def test_topics_micro():
    gold = {
        "a": gold_item("a", topics=["#Politik", "Europa"]),
        "b": gold_item("b", topics=[]),
        "c": gold_item("c", topics=None),
    }
    preds = {
        "a": Prediction(topics=["politik", "EUROPA ", "Wahl"]),
        "b": Prediction(topics=["Sport"]),
        "c": Prediction(topics=["Ignored", "Tags"]),
    }
    result = score(gold, preds).fields["topics"]
    # TP 2, FP 2, FN 0.
    assert result.n == 2
    assert (result.precision, result.recall, result.f1) == (0.5, 1.0, pytest.approx(2 / 3))
    assert result.exact is None


# --------------------------------------------------------------------------
# body


def test_gold_body_text_joins_summary_subheadlines_paragraphs():
    item = gold_item(summary=["Resumen"], subheadlines=["Titular"], paragraphs=["Uno", "Dos"])
    assert gold_body_text(item) == "Resumen\nTitular\nUno\nDos"


def test_body_macro_average():
    gold = {
        "a": gold_item("a", summary=["a b"], subheadlines=[], paragraphs=["c d"]),
        "b": gold_item("b", summary=None, subheadlines=None, paragraphs=["a b"]),
        "c": gold_item("c", paragraphs=["x"]),
        "d": gold_item("d", summary=[], subheadlines=[], paragraphs=[]),
        "e": gold_item("e", paragraphs=["— …"]),
    }
    preds = {
        "a": Prediction(body="a b\nc d"),
        "b": Prediction(body="a x y z"),
        "d": Prediction(body="ignored words"),
    }
    report = score(gold, preds)
    assert {r.id for r in rows_for(report, "body")} == {"a", "b", "c"}
    result = report.fields["body"]
    assert result.n == 3
    assert result.precision == pytest.approx((1 + 1 / 4 + 0) / 3)
    assert result.recall == pytest.approx((1 + 1 / 2 + 0) / 3)
    # Mean of per-item F1, not the F1 of the mean P and R.
    assert result.f1 == pytest.approx((1 + 1 / 3 + 0) / 3)


# --------------------------------------------------------------------------
# body_shingles


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a b c d e", {("a", "b", "c", "d"): 1, ("b", "c", "d", "e"): 1}),
        # Case kept, punctuation dropped.
        ("Hola, mundo! ¿Qué tal?", {("Hola", "mundo", "Qué", "tal"): 1}),
        # Fewer than four words: one shingle of them all.
        ("Ein Satz", {("Ein", "Satz"): 1}),
        ("x y z w x y z w", {("x", "y", "z", "w"): 2, ("y", "z", "w", "x"): 1,
                             ("z", "w", "x", "y"): 1, ("w", "x", "y", "z"): 1}),
        ("— …", {}),
        ("", {}),
        (None, {}),
    ],
)  # fmt: skip
def test_shingles(text, expected):
    assert shingles(text) == expected


@pytest.mark.parametrize(
    ("predicted", "gold", "expected"),
    [
        ("a b c d e", "a b c d e", (2, 0, 0)),
        ("a b c d", "a b c d e", (1, 0, 1)),
        ("A b c d", "a b c d", (0, 1, 1)),
        (None, "a b c d e", (0, 0, 2)),
        # Paragraphs swapped: every word is there (token F1 1), but the seams are new.
        ("e f g h a b c d", "a b c d e f g h", (2, 3, 3)),
        ("a b c d e a b c d", "a b c d e", (2, 4, 0)),
        ("a b", "a b", (1, 0, 0)),
        ("a b", "a b c", (0, 1, 1)),
    ],
)
def test_shingle_counts(predicted, gold, expected):
    assert shingle_counts(predicted, gold) == expected


def test_body_shingles_means_and_f1_of_the_means():
    gold = {
        "a": gold_item("a", paragraphs=["a b c d e"]),
        "b": gold_item("b", summary=["a b c d"], paragraphs=["e f g h"]),
        "c": gold_item("c", paragraphs=["x y z w"]),
        "d": gold_item("d", paragraphs=[]),
        "e": gold_item("e", paragraphs=["uno dos"]),
        "f": gold_item("f", paragraphs=["— …"]),
    }
    preds = {
        "a": Prediction(body="a b c d"),
        "b": Prediction(body="e f g h\na b c d"),
        "d": Prediction(body="ignored words here now"),
        "e": Prediction(body="tres"),
    }
    report = score(gold, preds)
    rows = {r.id: r for r in rows_for(report, "body_shingles")}
    # The same items as body: gold body with at least one token.
    assert set(rows) == {r.id for r in rows_for(report, "body")} == {"a", "b", "c", "e"}
    assert (rows["a"].tp, rows["a"].fp, rows["a"].fn) == (1, 0, 1)
    assert (rows["b"].tp, rows["b"].fp, rows["b"].fn) == (2, 3, 3)
    assert (rows["c"].precision, rows["c"].recall, rows["c"].f1) == (None, 0.0, None)
    assert (rows["e"].precision, rows["e"].recall, rows["e"].f1) == (0.0, 0.0, 0.0)
    assert rows["a"].f1 == pytest.approx(2 / 3)
    # Bag of words cannot see the swapped paragraphs of b; shingles can.
    assert report.fields["body"].n == 4
    assert rows_for(report, "body")[1].f1 == 1.0
    result = report.fields["body_shingles"]
    # P over the items with a prediction (a, b, e); R over all four.
    precision = (1 + 2 / 5 + 0) / 3
    recall = (1 / 2 + 2 / 5 + 0 + 0) / 4
    assert result.n == 4
    assert result.precision == pytest.approx(precision)
    assert result.recall == pytest.approx(recall)
    assert result.f1 == pytest.approx(2 * precision * recall / (precision + recall))
    # P = 7/15, R = 9/40.
    assert result.f1 == pytest.approx(126 / 415)
    assert result.exact is None


def test_body_shingles_every_page_weighs_the_same():
    long_text = " ".join(f"w{i}" for i in range(403))
    gold = {"long": gold_item("long", paragraphs=[long_text]), "short": gold_item("short",
            paragraphs=["a b c d e"])}  # fmt: skip
    preds = {"long": Prediction(body=long_text), "short": Prediction(body="a b c d")}
    result = score(gold, preds).fields["body_shingles"]
    # 400 matched shingles on one page do not outweigh the one missed on the other.
    assert (result.precision, result.recall) == (1.0, pytest.approx(3 / 4))


def test_body_shingles_undefined_without_any_prediction():
    report = score({"a": gold_item("a", paragraphs=["a b c d e"])}, {})
    result = report.fields["body_shingles"]
    assert (result.n, result.precision, result.recall, result.f1) == (1, None, 0.0, None)
    line = next(x for x in format_report(report, label="t").splitlines() if x.startswith("body_s"))
    assert line.split() == ["body_shingles", "1", "-", "0.000", "-"]


# --------------------------------------------------------------------------
# captions


def test_captions_threshold_and_many_to_many():
    gold = {
        "a": gold_item(
            "a",
            images=[
                {"caption": "A B C D E", "credits": []},
                {"caption": "X Y", "credits": []},
                {"caption": None, "credits": []},
                {"caption": "", "credits": []},
            ],
        ),
        "b": gold_item("b", images=[]),
        "c": gold_item("c", images=None),
        "d": gold_item("d", images=[{"caption": None, "credits": ["AFP"]}]),
    }
    preds = {
        "a": Prediction(
            images=[
                ImagePrediction("A B C D E F"),  # F1 10/11 with the first gold caption
                ImagePrediction("a b c d e"),  # matches the same gold caption again
                ImagePrediction("X"),  # F1 2/3 with "X Y": below 0.8
                ImagePrediction(None),
                ImagePrediction(""),
            ]
        ),
        "b": Prediction(images=[ImagePrediction("ignored")]),
        "d": Prediction(images=[ImagePrediction("Spurious caption")]),
    }
    report = score(gold, preds)
    rows = {r.id: r for r in rows_for(report, "captions")}
    assert set(rows) == {"a", "d"}
    assert (rows["a"].tp, rows["a"].fp, rows["a"].recalled, rows["a"].fn) == (2, 1, 1, 1)
    assert (rows["d"].tp, rows["d"].fp, rows["d"].recalled, rows["d"].fn) == (0, 1, 0, 0)
    result = report.fields["captions"]
    assert result.n == 2
    assert result.precision == pytest.approx(2 / 4)
    assert result.recall == pytest.approx(1 / 2)
    assert result.f1 == pytest.approx(0.5)


@pytest.mark.parametrize(
    ("predicted", "matched"),
    [
        ("a b c d e f", True),  # F1 exactly 0.8
        ("a b c d e f g", False),  # F1 8/11
        ("a b c", True),  # F1 6/7
        ("a b", False),  # F1 2/3
    ],
)
def test_caption_threshold_boundary(predicted, matched):
    gold = {"a": gold_item("a", images=[{"caption": "a b c d", "credits": []}])}
    report = score(gold, {"a": Prediction(images=[ImagePrediction(predicted)])})
    (row,) = rows_for(report, "captions")
    expected = token_f1(predicted, "a b c d")[2] >= 0.8
    assert expected == matched
    assert (row.tp == 1, row.recalled == 1) == (matched, matched)


def test_captions_undefined_ratios():
    gold = {"a": gold_item("a", images=[{"caption": "Una foto", "credits": []}])}
    result = score(gold, {}).fields["captions"]
    assert (result.n, result.precision, result.recall, result.f1) == (1, None, 0.0, None)
    gold = {"a": gold_item("a", images=[{"caption": None, "credits": []}])}
    preds = {"a": Prediction(images=[ImagePrediction("Una foto")])}
    result = score(gold, preds).fields["captions"]
    assert (result.n, result.precision, result.recall, result.f1) == (1, 0.0, None, None)


# --------------------------------------------------------------------------
# credits


@pytest.mark.parametrize(
    ("credit", "expected"),
    [
        ("Foto: EFE", {"efe"}),
        ("Fotografía: EFE / Juan Pérez", {"efe", "juan", "perez"}),
        ("(Photo by Vincent Thian / AFP)", {"vincent", "thian", "afp"}),
        ("Bild: dpa/Jürgen Müller", {"dpa", "jurgen", "muller"}),
        ("Photo : AFP / Archives", {"afp"}),
        ("Crédito: João Silva / Arquivo", {"joao", "silva"}),
        ("Foto di Mario Rossi / ANSA", {"mario", "rossi", "ansa"}),
        ("© Getty Images", {"getty"}),
        ("J. Smith/AP", {"smith", "ap"}),
        ("Reuters2024", {"reuters"}),
        ("AP_Photo", {"ap"}),
        ("AP Photo/Jane Doe", {"ap", "jane", "doe"}),
        ("Foto: Agencia EFE", {"efe"}),
        ("Thomson Reuters", {"reuters"}),
        ("Getty Images/iStockphoto", {"getty", "istock"}),
        ("KEYSTONE-SDA/Peter Klaunzer", {"sda", "peter", "klaunzer"}),
        ("Xinhua News Agency/Li Ming", {"xinhua", "li", "ming"}),
        ("Bild: The Associated Press", {"ap"}),
        ("All rights reserved", set()),
        ("", set()),
    ],
)
def test_credit_tokens(credit, expected):
    assert credit_tokens([credit]) == expected


def test_credit_stop_is_the_published_list():
    assert len(CREDIT_STOP) == 91
    assert {"photo", "foto", "bild", "by", "von", "por", "via", "and", "und", "et"} <= CREDIT_STOP


def test_credits_micro():
    gold = {
        "a": gold_item("a", images=[{"caption": None, "credits": ["Foto: EFE / Juan Pérez"]}]),
        "b": gold_item("b", images=[{"caption": None, "credits": ["Foto: Archivo"]}]),
        "c": gold_item("c", images=None),
        "d": gold_item("d", images=[{"caption": "x", "credits": ["AFP"]}, {"credits": []}]),
    }
    preds = {
        "a": Prediction(images=[ImagePrediction(None, ["EFE"]), ImagePrediction(None, ["Juan"])]),
        "b": Prediction(images=[ImagePrediction(None, ["Ignored Name"])]),
        "c": Prediction(images=[ImagePrediction(None, ["Also Ignored"])]),
        "d": Prediction(images=[ImagePrediction("x", ["Getty Images"])]),
    }
    report = score(gold, preds)
    rows = {r.id: r for r in rows_for(report, "credits")}
    assert set(rows) == {"a", "d"}
    assert (rows["a"].tp, rows["a"].fp, rows["a"].fn) == (2, 0, 1)
    assert (rows["d"].tp, rows["d"].fp, rows["d"].fn) == (0, 1, 1)
    result = report.fields["credits"]
    assert (result.precision, result.recall, result.f1) == (2 / 3, 2 / 4, pytest.approx(4 / 7))


# --------------------------------------------------------------------------
# report, languages, details


def test_per_language_grouping_and_format():
    gold = {
        "es/A": gold_item("es/A", "es", authors=["Ana"], paragraphs=["hola mundo"]),
        "es/B": gold_item("es/B", "es", authors=["Luis"], published="2024-01-02T10:00:00Z"),
        "de/C": gold_item("de/C", "de", authors=["Jörg"], paragraphs=["hallo welt"]),
    }
    preds = {
        "es/A": Prediction(authors=["Ana"], body="hola"),
        "es/B": Prediction(authors=["Pedro"], published="2024-01-02"),
        "de/C": Prediction(authors=["Jorg"], body="hallo welt"),
    }
    report = score(gold, preds)
    # Only the fields this gold annotates are scored.
    assert list(report.fields) == ["authors", "published", "body", "body_shingles"]
    assert (report.n_pages, report.n_articles) == (3, 3)
    assert set(report.by_language) == {"es", "de"}
    es, de = report.by_language["es"], report.by_language["de"]
    assert (es["authors"].n, es["authors"].precision, es["authors"].f1) == (2, 0.5, 0.5)
    assert (de["authors"].n, de["authors"].f1) == (1, 1.0)
    assert (es["body"].n, es["body"].f1) == (1, pytest.approx(2 / 3))
    assert (es["published"].n, es["published"].exact, es["published"].date) == (1, 0.0, 1.0)
    assert (de["published"].n, de["published"].exact) == (0, None)
    text = format_report(report, label="unit")
    lines = text.splitlines()
    assert lines[0] == "Field scores: unit"
    assert [line.split()[0] for line in lines[4:8]] == list(report.fields)
    assert lines[8] == ""
    es_line = next(line for line in lines if line.startswith("es "))
    assert es_line.split() == ["es", "1", "0.667", "2", "0.500", "1", "0.000", "1.000"]
    de_line = next(line for line in lines if line.startswith("de "))
    assert de_line.split() == ["de", "1", "1.000", "1", "1.000", "0", "-", "-"]


def test_fields_the_gold_does_not_annotate_are_not_scored():
    gold = {"a": gold_item("a", paragraphs=["uno dos"]), "b": gold_item("b", title=None)}
    report = score(gold, {"a": Prediction(title="Ignored", body="uno dos")})
    assert list(report.fields) == ["body", "body_shingles"]
    assert {r.field for r in report.items} == {"body", "body_shingles"}
    assert (report.n_pages, report.n_articles) == (2, 1)
    lines = format_report(report, label="body only").splitlines()
    # One language: no language table repeating the field table.
    assert [line.split()[0] for line in lines[4:]] == ["body", "body_shingles"]
    assert FIELDS == (
        "title", "authors", "published", "topics", "body", "body_shingles", "captions", "credits"
    )  # fmt: skip


def test_language_table_leaves_out_languages_without_its_fields():
    gold = {
        "de/A": gold_item("de/A", "de", authors=["Ana"]),
        "ar/B": gold_item("ar/B", "ar", title="عنوان"),
        "en/C": gold_item("en/C", "en", authors=["Luis"], title="Title"),
    }
    report = score(gold, {"de/A": Prediction(authors=["Ana"])})
    assert set(report.by_language) == {"de", "ar", "en"}
    lines = format_report(report, label="t").splitlines()
    header = lines.index(next(line for line in lines if line.startswith("language")))
    assert [line.split() for line in lines[header + 2 :]] == [
        ["de", "1", "1.000"],
        ["en", "1", "0.000"],
    ]


def test_empty_gold_has_nothing_to_score():
    report = score({}, {})
    assert report.fields == {} and report.items == []
    assert format_report(report, label="empty").splitlines()[-1] == "no gold field to score"


def _summary_reports() -> dict:
    return {
        "one": score(
            {"a": gold_item("a", title="Hello World", paragraphs=["a b c d e"])},
            {"a": Prediction(title="Hello", body="a b c d e")},
        ),
        "two": score(
            {"b": gold_item("b", published="2024-05-03", authors=["Ana"])},
            {"b": Prediction(published="2024-05-03", authors=["Ana", "Luis"])},
        ),
        "three-sites": score({"c": gold_item("c", title="Hola")}, {}),
    }


def test_summary_across_corpora():
    text = format_summary(_summary_reports(), label="html")
    lines = text.splitlines()
    assert lines[0] == "Summary across corpora: html"
    assert lines[2].split() == ["field", "measure", "one", "two", "three-sites", "mean"]
    rows = {line.split()[0]: line for line in lines[4:]}
    # Fields no corpus annotates have no line; a corpus that does not annotate a field
    # leaves its cell blank and out of the mean.
    assert list(rows) == ["title", "authors", "published", "body", "body_shingles"]
    assert rows["title"].split() == ["title", "F1", "0.667", "0.000", "0.333"]
    assert rows["authors"].split() == ["authors", "F1", "0.667", "0.667"]
    assert rows["published"].split() == ["published", "date", "1.000", "1.000"]
    assert rows["body_shingles"].split() == ["body_shingles", "F1", "1.000", "1.000"]
    # Cells stay in their corpus's column.
    header = lines[2]
    assert rows["title"].index("0.000") + 5 == header.index("three-sites") + len("three-sites")
    assert rows["authors"].index("0.667") + 5 == header.index(" two") + 4


def test_format_corpora_tables_then_summary_per_view():
    reports = _summary_reports()
    by_corpus = {name: {"html": report, "txt": report} for name, report in reports.items()}
    text = format_corpora(by_corpus)
    titles = [line for line in text.splitlines() if line.startswith(("Field", "Summary"))]
    assert titles == [
        "Field scores: one html (1 pages, 1 with an article)",
        "Field scores: one txt (1 pages, 1 with an article)",
        "Field scores: two html (1 pages, 1 with an article)",
        "Field scores: two txt (1 pages, 1 with an article)",
        "Field scores: three-sites html (1 pages, 0 with an article)",
        "Field scores: three-sites txt (1 pages, 0 with an article)",
        "Summary across corpora: html (mean over the corpora)",
        "Summary across corpora: txt (mean over the corpora)",
    ]
    one = format_corpora({"one": {"html": reports["one"]}})
    assert "Summary" not in one


def test_scores_json_by_corpus_view_field():
    reports = _summary_reports()
    scores = scores_json({"one": {"html": reports["one"]}, "two": {"txt": reports["two"]}})
    assert set(scores) == {"one", "two"}
    assert set(scores["one"]) == {"html"}
    assert set(scores["one"]["html"]) == {"title", "body", "body_shingles"}
    assert scores["two"]["txt"]["authors"] == {
        "field": "authors",
        "n": 1,
        "precision": 0.5,
        "recall": 1.0,
        "f1": pytest.approx(2 / 3),
        "exact": 0.0,
        "date": None,
    }
    json.dumps(scores)


def test_write_details(tmp_path):
    gold = {
        "fr/A": gold_item("fr/A", "fr", title="Le titre", authors=["Zoé"], topics=["#Économie"]),
    }
    report = score(gold, {"fr/A": Prediction(title="Le titre", authors=["Zoe"])})
    path = tmp_path / "out" / "details.jsonl"
    write_details({"html": report}, path)
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert [r["field"] for r in rows] == ["title", "authors", "topics"]
    assert rows[1] == {
        "view": "html",
        "id": "fr/A",
        "language": "fr",
        "field": "authors",
        "gold": ["Zoé"],
        "predicted": ["Zoe"],
        "precision": None,
        "recall": None,
        "f1": None,
        "exact": True,
        "date": None,
        "tp": 1,
        "fp": 0,
        "fn": 0,
        "recalled": None,
    }
    assert (rows[2]["tp"], rows[2]["fn"], rows[2]["gold"]) == (0, 1, ["#Économie"])


def test_write_corpus_details(tmp_path):
    reports = _summary_reports()
    path = tmp_path / "details.jsonl"
    write_corpus_details({"one": {"html": reports["one"]}, "two": {"txt": reports["two"]}}, path)
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert [(r["corpus"], r["view"], r["id"], r["field"]) for r in rows] == [
        ("one", "html", "a", "title"),
        ("one", "html", "a", "body"),
        ("one", "html", "a", "body_shingles"),
        ("two", "txt", "b", "authors"),
        ("two", "txt", "b", "published"),
    ]
    assert (rows[2]["tp"], rows[2]["fp"], rows[2]["fn"], rows[2]["f1"]) == (2, 0, 0, 1.0)


# --------------------------------------------------------------------------
# corpus folders


def _write_page(folder: Path, gold_id: str, gold: dict, html: str | None, text: str | None):
    path = folder / gold_id
    path.parent.mkdir(parents=True, exist_ok=True)
    path.with_name(path.name + ".gold.json").write_text(
        json.dumps({"id": gold_id, **gold}), encoding="utf-8"
    )
    if html is not None:
        path.with_name(path.name + ".html.gz").write_bytes(gzip.compress(html.encode()))
    if text is not None:
        path.with_name(path.name + ".txt").write_text(text, encoding="utf-8")


def test_load_corpus_maps_each_view_file_to_its_gold(tmp_path):
    corpus = tmp_path / "alpha"
    _write_page(corpus, "en/A", {"title": "A"}, "<p>A</p>", "A")
    _write_page(corpus, "en/B", {"title": "B"}, None, "B")
    (corpus / "manifest.csv").write_text("id,language\nen/A,en\n", encoding="utf-8")
    loaded = load_corpus(corpus)
    assert (loaded.name, loaded.path) == ("alpha", corpus.resolve())
    assert loaded.gold["en/A"]["language"] == "en"
    assert loaded.gold["en/B"]["language"] == "und"
    root = str(corpus.resolve())
    assert loaded.files == {
        "html": {f"{root}/en/A.html.gz": "en/A"},
        "txt": {f"{root}/en/A.txt": "en/A", f"{root}/en/B.txt": "en/B"},
    }
    assert len(loaded.sources) == 3
    assert load_corpus(corpus, ["txt"]).files.keys() == {"txt"}


def test_unusable_corpus_folders_are_clear_errors(tmp_path):
    with pytest.raises(CorpusError, match="is not a folder"):
        load_corpus(tmp_path / "missing")
    (tmp_path / "empty").mkdir()
    with pytest.raises(CorpusError, match="holds no gold files"):
        load_corpus(tmp_path / "empty")
    _write_page(tmp_path / "gold-only", "en/A", {"title": "A"}, None, None)
    with pytest.raises(CorpusError, match=r"no page files \(\.html\.gz, \.txt\)"):
        load_corpus(tmp_path / "gold-only")
    _write_page(tmp_path / "html-only", "en/A", {"title": "A"}, "<p>A</p>", None)
    with pytest.raises(CorpusError, match=r"no page files \(\.txt\)"):
        load_corpus(tmp_path / "html-only", ["txt"])
    broken = tmp_path / "broken" / "en"
    broken.mkdir(parents=True)
    (broken / "A.gold.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(CorpusError, match="A.gold.json is not a JSON gold file"):
        load_gold(tmp_path / "broken")
    _write_page(tmp_path / "other" / "html-only", "en/B", {"title": "B"}, "<p>B</p>", None)
    with pytest.raises(CorpusError, match="two corpora are named 'html-only'"):
        load_corpora([tmp_path / "html-only", tmp_path / "other" / "html-only"], ["html"])


# --------------------------------------------------------------------------
# predictions_from_db


def _load(con, table: schema.Table, rows: list[dict]) -> None:
    full_rows = [{name: row.get(name) for name in table.names} for row in rows]
    frame = pl.DataFrame(full_rows, schema=table.polars_schema)  # noqa: F841 (read by DuckDB)
    con.execute(f"INSERT INTO {table.name} SELECT * FROM frame")


@pytest.fixture
def contract_db():
    con = duckdb.connect()
    for table in schema.ARTICLE_TABLES:
        frame = schema.empty_frame(table)  # noqa: F841 (read by DuckDB's replacement scan)
        con.execute(f"CREATE TABLE {table.name} AS SELECT * FROM frame")
    yield con
    con.close()


def test_predictions_from_db(contract_db):
    article: dict = {}
    _load(
        contract_db,
        schema.ARTICLES,
        [
            {
                **article,
                "article_id": "a1",
                "source_uri": "/c/es/A.txt",
                "title": "Título",
                "summary": "Resumen",
                "body_text": "Uno\n\nDos",
                "published_at": datetime(2024, 5, 3, 13, 47, 42, 389000, tzinfo=UTC),
                "published_date": date(2024, 5, 3),
            },
            {
                **article,
                "article_id": "a2",
                "source_uri": "/c/de/B.txt",
                "body_text": "Nur Text",
                "published_date": date(2024, 4, 22),
            },
            {**article, "article_id": "a3", "source_uri": "/c/fr/C.txt"},
            {**article, "article_id": "zz", "source_uri": "/elsewhere.txt", "title": "Other"},
        ],
    )
    _load(
        contract_db,
        schema.ARTICLE_AUTHORS,
        [
            {"article_id": "a1", "position": 1, "name": "Luis", "kind": "person"},
            {"article_id": "a1", "position": 0, "name": "Ana", "kind": "person"},
            {"article_id": "a1", "position": 2, "name": "EFE", "kind": "agency"},
            {"article_id": "zz", "position": 0, "name": "Nobody", "kind": "person"},
        ],
    )
    _load(
        contract_db,
        schema.ARTICLE_TAGS,
        [
            {"article_id": "a2", "position": 1, "tag": "Wahl", "tag_key": "wahl"},
            {"article_id": "a2", "position": 0, "tag": "#Politik", "tag_key": "politik"},
        ],
    )
    _load(
        contract_db,
        schema.ARTICLE_IMAGES,
        [
            {"article_id": "a1", "position": 1, "caption": "Segunda", "is_cover": False},
            {"article_id": "a1", "position": 0, "caption": "Primera", "is_cover": True},
        ],
    )
    _load(
        contract_db,
        schema.IMAGE_CREDITS,
        [
            {"article_id": "a1", "image_position": 0, "position": 1, "role": "agency",
             "name": "EFE"},
            {"article_id": "a1", "image_position": 0, "position": 0, "role": "photographer",
             "name": "Juan Pérez"},
        ],
    )  # fmt: skip
    mapping = {
        "/c/es/A.txt": "es/A",
        "/c/de/B.txt": "de/B",
        "/c/fr/C.txt": "fr/C",
        "/c/it/missing.txt": "it/D",
    }
    predictions = predictions_from_db(contract_db, mapping)
    assert set(predictions) == {"es/A", "de/B", "fr/C"}
    assert predictions["es/A"] == Prediction(
        title="Título",
        authors=["Ana", "Luis", "EFE"],
        published="2024-05-03T13:47:42.389000+00:00",
        topics=[],
        body="Resumen\nUno\n\nDos",
        images=[ImagePrediction("Primera", ["Juan Pérez", "EFE"]), ImagePrediction("Segunda", [])],
    )
    assert predictions["de/B"] == Prediction(
        published="2024-04-22", topics=["#Politik", "Wahl"], body="Nur Text"
    )
    assert predictions["fr/C"] == Prediction()
    assert predictions_from_db(contract_db, {}) == {}


@pytest.mark.parametrize(
    ("offset", "written"),
    [
        (None, "2022-11-06T23:00:00.000000+00:00"),
        (0, "2022-11-06T23:00:00.000000+00:00"),
        (60, "2022-11-07T00:00:00.000000+01:00"),
        (-300, "2022-11-06T18:00:00.000000-05:00"),
        (330, "2022-11-07T04:30:00.000000+05:30"),
        (-570, "2022-11-06T13:30:00.000000-09:30"),
    ],
)
def test_predicted_instant_is_written_in_its_stated_offset(contract_db, offset, written):
    instant = datetime(2022, 11, 6, 23, 0, tzinfo=UTC)
    _load(
        contract_db,
        schema.ARTICLES,
        [
            {
                "article_id": "a1",
                "source_uri": "/c/de/A.html",
                "published_at": instant,
                "published_date": date(2022, 11, 7),
                "published_offset_minutes": offset,
            }
        ],
    )
    published = predictions_from_db(contract_db, {"/c/de/A.html": "de/A"})["de/A"].published
    assert published == written
    assert datetime.fromisoformat(published) == instant


# --------------------------------------------------------------------------
# properties


@given(st.text())
def test_normalisers_never_raise_and_are_idempotent(text):
    assert norm_name(norm_name(text)) == norm_name(text)
    assert norm_tag(norm_tag(text)) == norm_tag(text)
    assert all(t for t in tokens(text))
    assert not credit_tokens([text]) & CREDIT_STOP


@given(st.text(), st.text())
def test_token_f1_bounded_and_symmetric_f1(a, b):
    precision, recall, f1 = token_f1(a, b)
    assert 0.0 <= min(precision, recall, f1) <= max(precision, recall, f1) <= 1.0
    assert f1 == pytest.approx(token_f1(b, a)[2])


@given(st.one_of(st.none(), st.text()))
def test_published_matches_never_raises(predicted):
    exact, same_date = published_matches(predicted, "2024-05-03T15:47:42+02:00")
    assert isinstance(exact, bool) and isinstance(same_date, bool)


# --------------------------------------------------------------------------
# the real corpus


def _self_predictions(gold: dict[str, dict]) -> dict[str, Prediction]:
    return {
        item_id: Prediction(
            title=item["title"],
            authors=item["authors"] or [],
            published=item["published"],
            topics=item["topics"] or [],
            body=gold_body_text(item),
            images=[
                ImagePrediction(image.get("caption"), image.get("credits") or [])
                for image in item["images"] or []
            ],
        )
        for item_id, item in gold.items()
    }


@pytest.mark.corpus
@pytest.mark.skipif(
    not (FUNDUS_DIR / "manifest.csv").is_file(),
    reason=f"gold corpus not found at {FUNDUS_DIR} (set DATELINE_CORPUS_DIR)",
)
def test_corpus_gold_scores_perfectly_against_itself():
    gold = load_gold(FUNDUS_DIR)
    assert len(gold) == 148
    assert all(item["language"] for item in gold.values())
    assert sum(item["language"] == "de" for item in gold.values()) == 63
    report = score(gold, _self_predictions(gold))
    print(format_report(report, label="fundus gold vs itself"))
    for field_name in (
        "title",
        "authors",
        "topics",
        "body",
        "body_shingles",
        "captions",
        "credits",
    ):
        assert report.fields[field_name].n > 0
        assert report.fields[field_name].f1 == 1.0, field_name
    assert report.fields["published"].exact == 1.0
    assert report.fields["published"].date == 1.0
    assert report.fields["published"].n == 148


# --------------------------------------------------------------------------
# dateline eval

SMALL_CORPUS_PAGES = {
    "alpha": {
        "en/Harbour_2024_03_04": (
            "Harbour reopens after the storm",
            [
                "The harbour reopened on Monday after three days of repairs to the outer wall, "
                "the port authority said in a statement.",
                "Fishing boats returned to their moorings by noon, and the ferry service to the "
                "islands will resume on Tuesday morning.",
            ],
        ),
        "en/Library_2024_03_05": (
            "City library extends its opening hours",
            [
                "The central library will stay open until nine in the evening from April, after "
                "a year in which visitor numbers doubled.",
                "Volunteers will run reading groups for children on Saturday mornings in the "
                "renovated east wing of the building.",
            ],
        ),
    },
    "beta": {
        "en/Orchard_2024_03_06": (
            None,
            [
                "Growers in the valley expect an early apple harvest this year because of the "
                "mild winter and a warm, dry spring.",
                "Pickers will be hired from the middle of August, two weeks sooner than usual, "
                "according to the growers' cooperative.",
            ],
        ),
    },
}


def _small_corpora(root: Path) -> list[Path]:
    """Gold corpora with a title and body (alpha) and a body only (beta), both views."""
    folders = []
    for name, pages in SMALL_CORPUS_PAGES.items():
        for gold_id, (title, paragraphs) in pages.items():
            html = (
                f'<html lang="en"><head><title>{title or ""}</title></head><body><article>'
                + (f"<h1>{title}</h1>" if title else "")
                + "".join(f"<p>{p}</p>" for p in paragraphs)
                + "</article></body></html>"
            )
            text = "\n\n".join([title or "", *paragraphs])
            gold = {"title": title, "paragraphs": paragraphs}
            _write_page(root / name, gold_id, gold, html, text)
        folders.append(root / name)
    return folders


def test_eval_scores_several_corpora_in_one_run(tmp_path, capsys):
    scores_path, details_path = tmp_path / "scores.json", tmp_path / "details.jsonl"
    corpora = [str(folder) for folder in _small_corpora(tmp_path / "corpora")]
    code = main(
        ["eval", *corpora, "--views", "html"]
        + ["--scores", str(scores_path), "--details", str(details_path)]
    )
    out = capsys.readouterr().out
    assert code == 0, out
    lines = out.splitlines()
    assert lines[0].startswith("ingested 3 files of 2 corpora in ")
    assert lines[0].endswith(": 3 articles, 0 rejects, data tests: all passed")
    titles = [line for line in lines if line.startswith(("Field scores", "Summary"))]
    assert titles == [
        "Field scores: alpha html (2 pages, 2 with an article)",
        "Field scores: beta html (1 pages, 1 with an article)",
        "Summary across corpora: html (mean over the corpora)",
    ]
    scores = json.loads(scores_path.read_text())
    assert {name: {view: set(fields) for view, fields in views.items()}
            for name, views in scores.items()} == {
        "alpha": {"html": {"title", "body", "body_shingles"}},
        "beta": {"html": {"body", "body_shingles"}},
    }  # fmt: skip
    assert scores["alpha"]["html"]["title"]["n"] == 2
    assert scores["alpha"]["html"]["title"]["exact"] == 1.0
    for name in ("alpha", "beta"):
        assert scores[name]["html"]["body"]["f1"] > 0.9, name
        assert scores[name]["html"]["body_shingles"]["f1"] > 0.9, name
    rows = [json.loads(line) for line in details_path.read_text(encoding="utf-8").splitlines()]
    assert {(r["corpus"], r["view"]) for r in rows} == {("alpha", "html"), ("beta", "html")}
    assert len(rows) == 2 * 3 + 2


def test_eval_scores_each_page_of_one_canonical_url_on_its_own(tmp_path, capsys):
    # Two saved copies of one article (a set's train and test splits): the warehouse keeps
    # one article per URL, the eval still scores each page on its own extraction.
    corpus = tmp_path / "twice"
    versions = {
        "train/1": ("Harbour reopens after storm", "The harbour reopened on Monday after"),
        "test/1": ("Harbour reopens after the storm", "Ferries sailed again on Tuesday after"),
    }
    for gold_id, (title, opening) in versions.items():
        paragraphs = [
            f"{opening} a week of repairs to the breakwater damaged in the autumn storm.",
            "Fishing boats returned to their moorings and the ferry timetable was restored.",
        ]
        html = (
            '<html lang="en"><head><link rel="canonical" href="https://example.org/harbour">'
            f"<title>{title}</title></head><body><article><h1>{title}</h1>"
            + "".join(f"<p>{p}</p>" for p in paragraphs)
            + "</article></body></html>"
        )
        _write_page(corpus, gold_id, {"title": title, "paragraphs": paragraphs}, html, None)
    scores_path = tmp_path / "scores.json"
    code = main(["eval", str(corpus), "--views", "html", "--scores", str(scores_path)])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "Field scores: twice html (2 pages, 2 with an article)" in out
    scores = json.loads(scores_path.read_text())["twice"]["html"]
    assert scores["title"]["exact"] == 1.0
    assert scores["body"]["f1"] > 0.9


def test_eval_honours_dateline_settings(tmp_path, capsys, monkeypatch):
    # Every page is larger than this: the ingest must reject them all.
    monkeypatch.setenv("DATELINE_MAX_SOURCE_BYTES", "64")
    alpha = _small_corpora(tmp_path / "corpora")[0]
    scores_path = tmp_path / "scores.json"
    code = main(["eval", str(alpha), "--views", "txt", "--scores", str(scores_path)])
    out = capsys.readouterr().out
    assert code == 0, out
    assert ": 0 articles, 2 rejects, " in out.splitlines()[0]
    assert "Field scores: alpha txt (2 pages, 0 with an article)" in out
    scores = json.loads(scores_path.read_text())
    assert scores["alpha"]["txt"]["body"]["f1"] == 0.0
    assert scores["alpha"]["txt"]["title"]["f1"] == 0.0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--views", "pdf"], "views are html and txt, comma-separated; got 'pdf'"),
        (["--views", ","], "views are html and txt"),
    ],
)
def test_eval_rejects_unknown_views(tmp_path, capsys, args, message):
    with pytest.raises(SystemExit) as stopped:
        main(["eval", str(tmp_path), *args])
    assert stopped.value.code == 2
    assert message in capsys.readouterr().err


def test_eval_of_a_folder_without_gold_is_a_usage_error(tmp_path, capsys):
    assert main(["eval", str(tmp_path)]) == 2
    assert capsys.readouterr().err == f"dateline: {tmp_path} holds no gold files " + (
        "(<group>/<id>.gold.json)\n"
    )
