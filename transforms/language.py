"""Language of each article, as an ISO 639-1 code."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache

import numpy as np
import polars as pl

# Characters of body text given to the classifier: enough for a stable guess, bounded cost.
SAMPLE_CHARS = 2000
# Fewer letters than this and the guess is noise: the language stays null.
MIN_LETTERS = 20
# Texts walked through the n-gram automaton together: bounds the scratch matrix of feature ids.
WALK_CHUNK = 512
# The score py3langid gives the second of two columns that share a label.
ALIAS_FLOOR = float(np.finfo(np.float32).min)


@dataclass(frozen=True)
class _Model:
    """The classifier's n-gram automaton and naive Bayes tables as numpy arrays."""

    next_state: np.ndarray  # flat transition table, indexed by row_base[state] + byte
    row_base: np.ndarray  # per state: the offset of its row in next_state
    feature: np.ndarray  # per state: the feature id it completes, -1 for none
    feature_weights: np.ndarray  # (features, classes), float32
    class_prior: np.ndarray  # (classes,), float32
    classes: tuple[str, ...]
    alias_pairs: tuple[tuple[int, int], ...]


@cache
def _model() -> _Model | None:
    # Imported lazily: loading the n-gram model costs about a second.
    from py3langid import langid

    identifier = langid._get_identifier()
    try:
        model = _Model(
            next_state=np.frombuffer(identifier.tk_nextmove, dtype=np.uint32).astype(np.int64),
            row_base=np.asarray(identifier._rowbase, dtype=np.int64),
            feature=np.asarray(identifier.tk_output, dtype=np.int64),
            # py3langid multiplies float32 counts by these float16 weights in float32:
            # widening them once gives the same products without a cast per call.
            feature_weights=np.asarray(identifier.nb_ptc, dtype=np.float32),
            class_prior=np.asarray(identifier.nb_pc, dtype=np.float32),
            classes=tuple(identifier.nb_classes),
            alias_pairs=tuple(identifier._alias_pairs),
        )
    except (AttributeError, TypeError, ValueError):
        return None  # another py3langid layout: the per-text classifier below still works
    if identifier._norm_probs or identifier.min_confidence is not None:
        return None
    return model


def _encode(text: str) -> bytes:
    """The bytes py3langid classifies for ``text`` (its ``_encode``)."""
    if text.isupper():
        text = text.lower()
    return unicodedata.normalize("NFC", text).encode("utf8", errors="surrogatepass")


def _walk(model: _Model, texts: list[bytes]) -> pl.DataFrame:
    """One row per feature visit: ``text`` (index into ``texts``) and ``feature``, in visit
    order within each text.

    The automaton runs one byte position at a time over all texts of a chunk at once
    (texts sorted longest first, so the texts still running at any position are a prefix
    of the chunk).
    """
    found: list[pl.DataFrame] = []
    order = np.array(sorted(range(len(texts)), key=lambda i: -len(texts[i])), dtype=np.int64)
    for start in range(0, len(order), WALK_CHUNK):
        rows = order[start : start + WALK_CHUNK]
        lengths = np.array([len(texts[i]) for i in rows])
        width = int(lengths[0]) if len(rows) else 0
        if width == 0:
            continue
        letters = np.zeros((width, len(rows)), dtype=np.int64)
        for column, i in enumerate(rows):
            letters[: lengths[column], column] = np.frombuffer(texts[i], dtype=np.uint8)
        # running[p]: how many texts of the chunk are longer than p.
        running = np.searchsorted(-lengths, -np.arange(width), side="left")
        features = np.full((width, len(rows)), -1, dtype=np.int64)
        states = np.zeros(len(rows), dtype=np.int64)
        for position in range(width):
            n = running[position]
            states[:n] = model.next_state[model.row_base[states[:n]] + letters[position, :n]]
            features[position, :n] = model.feature[states[:n]]
        # Text-major, positions in order: each text's visits in the order it made them.
        by_text = features.T.ravel()
        visited = by_text >= 0
        found.append(
            pl.DataFrame(
                {
                    "text": np.repeat(rows, width)[visited],
                    "feature": by_text[visited],
                }
            )
        )
    return (
        pl.concat(found) if found else pl.DataFrame(schema={"text": pl.Int64, "feature": pl.Int64})
    )


def _decide(model: _Model, features: np.ndarray, counts: np.ndarray) -> str:
    """py3langid's ``classify`` given a text's distinct features in order of first visit and
    how often it visited each (the same float32 arithmetic, so the same answer)."""
    if features.size == 0:
        # No features: every class gets the same floor score and the first class wins.
        return model.classes[0]
    weights = np.take(model.feature_weights, features, axis=0)
    scores = np.log1p(counts.astype(np.float32)) @ weights + model.class_prior
    for i, j in model.alias_pairs:
        scores[i] = max(scores[i], scores[j])
        scores[j] = ALIAS_FLOOR
    return model.classes[int(scores.argmax())]


def _visit_counts(visits: pl.DataFrame, n_texts: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distinct features per text in order of first visit, their counts, and each text's
    slice bounds into them (py3langid's Counter, for all texts in one sort)."""
    n_features = int(visits["feature"].max() or 0) + 1
    keys = visits["text"].to_numpy() * n_features + visits["feature"].to_numpy()
    distinct, first, counts = np.unique(keys, return_index=True, return_counts=True)
    text = distinct // n_features
    # py3langid sums features in order of first visit; float32 sums depend on the order.
    order = np.argsort(text * (len(keys) + 1) + first)
    bounds = np.searchsorted(text, np.arange(n_texts + 1))
    return distinct[order] % n_features, counts[order], bounds


def _classify(texts: pl.Series) -> pl.Series:
    # The classifier is an n-gram model with no Polars form: the automaton walk is batched
    # over all articles with numpy, the scoring is one small numpy product per article.
    values = texts.to_list()
    model = _model()
    if model is None:
        from py3langid import classify

        return pl.Series(
            [classify(t)[0] if t is not None else None for t in values], dtype=pl.String
        )
    present = [i for i, t in enumerate(values) if t is not None]
    visits = _walk(model, [_encode(values[i]) for i in present])
    features, counts, bounds = _visit_counts(visits, len(present))
    codes: list[str | None] = [None] * len(values)
    for k, i in enumerate(present):
        start, end = bounds[k], bounds[k + 1]
        codes[i] = _decide(model, features[start:end], counts[start:end])
    return pl.Series(codes, dtype=pl.String)


def detect_language(frame: pl.DataFrame, text: str = "text", out: str = "language") -> pl.DataFrame:
    """One row per article in and out: adds ``out``, the ISO 639-1 code of ``text`` (null when too short)."""
    sample = pl.col(text).str.slice(0, SAMPLE_CHARS)
    enough = sample.str.count_matches(r"\w").fill_null(0) >= MIN_LETTERS
    return frame.with_columns(
        pl.when(enough)
        .then(sample)
        .otherwise(None)
        .map_batches(_classify, return_dtype=pl.String)
        .alias(out)
    )
