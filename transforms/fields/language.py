"""Language of each article, as an ISO 639-1 code."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache

import numpy as np
import polars as pl

from dateline.transforms import derived_files

# Characters of body text given to the classifier: enough for a stable guess, bounded cost.
SAMPLE_CHARS = 2000
# Fewer letters than this and the guess is noise: the language stays null.
MIN_LETTERS = 20
# Letters (word characters) counted towards MIN_LETTERS.
WORD_CHARACTER = r"\w"
# Characters of a sample whose letters are counted first: most samples have enough there.
HEAD_CHARS = 200
# Texts walked through the n-gram automaton together: bounds the scratch matrix of feature ids.
WALK_CHUNK = 1024
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


# The arrays of _Model, as saved in the cache file (classes and alias pairs included).
MODEL_ARRAYS = ("next_state", "row_base", "feature", "feature_weights", "class_prior")


@cache
def _model() -> _Model | None:
    """py3langid's model as numpy arrays; None for a model layout this module cannot read.

    Decompressing py3langid's model file costs about a second per process, so the arrays
    are kept as a file derived once per py3langid version (``derived_files``).
    """
    from importlib.metadata import version

    def load(path) -> _Model | None:
        with np.load(path, allow_pickle=False) as data:
            if not data["usable"]:
                return None
            arrays = {name: data[name] for name in MODEL_ARRAYS}
            # Stored at the width py3langid ships, widened as _Model holds it. (The float16
            # weights stay widened in the file: widening them again costs 0.4 s per process.)
            arrays["next_state"] = arrays["next_state"].astype(np.int64)
            return _Model(
                **arrays,
                classes=tuple(data["classes"].tolist()),
                alias_pairs=tuple(tuple(pair) for pair in data["alias_pairs"].tolist()),
            )

    def save(model: _Model | None, path) -> None:
        with open(path, "wb") as handle:
            if model is None:
                np.savez(handle, usable=False)
                return
            arrays = {name: getattr(model, name) for name in MODEL_ARRAYS}
            arrays["next_state"] = arrays["next_state"].astype(np.uint32)
            np.savez(
                handle,
                usable=True,
                classes=np.array(model.classes),
                alias_pairs=np.array(model.alias_pairs, dtype=np.int64).reshape(-1, 2),
                **arrays,
            )

    name = f"py3langid-{version('py3langid')}-model-v2.npz"
    return derived_files.derived(name, _model_from_py3langid, load, save)


def _model_from_py3langid() -> _Model | None:
    # Imported lazily: loading the n-gram model costs about a second.
    from py3langid import langid

    identifier = langid._get_identifier()
    try:
        model = _Model(
            next_state=np.frombuffer(identifier.tk_nextmove, dtype=np.uint32).astype(np.int64),
            row_base=np.asarray(identifier._rowbase, dtype=np.int64),
            feature=np.asarray(identifier.tk_output, dtype=np.int32),
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


def _walk(model: _Model, texts: list[bytes]) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per text: the distinct features it visits in order of first visit, and how often it
    visits each (what py3langid's ``Counter`` of visits holds).

    The automaton runs one byte position at a time over all texts of a chunk at once
    (texts sorted longest first, so the texts still running at any position are a prefix
    of the chunk).
    """
    counted: list[tuple[np.ndarray, np.ndarray]] = [_NO_VISITS] * len(texts)
    order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
    for start in range(0, len(order), WALK_CHUNK):
        rows = order[start : start + WALK_CHUNK]
        lengths = np.array([len(texts[i]) for i in rows])
        width = int(lengths[0]) if rows else 0
        if width == 0:
            continue
        letters = np.zeros((width, len(rows)), dtype=np.uint8)
        for column, i in enumerate(rows):
            letters[: lengths[column], column] = np.frombuffer(texts[i], dtype=np.uint8)
        # running[p]: how many texts of the chunk are longer than p.
        running = np.searchsorted(-lengths, -np.arange(width), side="left")
        features = np.full((width, len(rows)), -1, dtype=np.int32)
        states = np.zeros(len(rows), dtype=np.int64)
        for position in range(width):
            n = running[position]
            states[:n] = model.next_state[model.row_base[states[:n]] + letters[position, :n]]
            features[position, :n] = model.feature[states[:n]]
        for column, visits in enumerate(_count_visits(features, len(model.feature_weights))):
            counted[rows[column]] = visits
    return counted


_NO_VISITS = (np.empty(0, np.int64), np.empty(0, np.int64))
# Bits of an int64 sort key that its packed fields may use.
SORT_KEY_BITS = 63


def _count_visits(features: np.ndarray, n_features: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per column of ``features`` (positions x texts, -1 where no feature ends): its distinct
    features in order of first visit and their counts, by two sorts of packed int64 keys."""
    position, column = np.nonzero(features >= 0)
    if position.size == 0:
        # No text of the chunk completes a feature ("0001 0001"): nothing to count.
        return [_NO_VISITS] * features.shape[1]
    feature = features[position, column].astype(np.int64)
    text_bits = max(features.shape[1] - 1, 1).bit_length()
    position_bits = max(features.shape[0], 1).bit_length()  # counts fit too
    feature_bits = max(n_features - 1, 1).bit_length()
    if text_bits + 2 * position_bits + feature_bits > SORT_KEY_BITS:
        return [_count_in_order(features[:, c]) for c in range(features.shape[1])]
    # Sort 1 groups the visits of each (text, feature); the first of a group is its first visit.
    visits = (column << (feature_bits + position_bits)) | (feature << position_bits) | position
    visits.sort()
    group = visits >> position_bits
    starts = np.flatnonzero(np.concatenate(([True], group[1:] != group[:-1])))
    first = visits[starts] & ((1 << position_bits) - 1)
    counts = np.diff(np.append(starts, len(visits)))
    text, feature = group[starts] >> feature_bits, group[starts] & ((1 << feature_bits) - 1)
    # Sort 2 puts each text's features in order of first visit, carrying feature and count.
    low = feature_bits + position_bits
    ordered = (text << (position_bits + low)) | (first << low) | (feature << position_bits) | counts
    ordered.sort()
    text = ordered >> (position_bits + low)
    feature = (ordered >> position_bits) & ((1 << feature_bits) - 1)
    counts = ordered & ((1 << position_bits) - 1)
    bounds = np.searchsorted(text, np.arange(features.shape[1] + 1))
    return [
        (feature[bounds[c] : bounds[c + 1]], counts[bounds[c] : bounds[c + 1]])
        for c in range(features.shape[1])
    ]


def _count_in_order(features: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One text's distinct features in order of first visit and their counts (for texts too
    long to pack into a sort key)."""
    visited = features[features >= 0].astype(np.int64)
    ids, first, counts = np.unique(visited, return_index=True, return_counts=True)
    order = np.argsort(first, kind="stable")
    return ids[order], counts[order]


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


def _classify_distinct(values: list[str]) -> list[str]:
    """The language code of each of ``values`` (non-null texts), in order."""
    # The classifier is an n-gram model with no Polars form: the automaton walk is batched
    # over all articles with numpy, the scoring is one small numpy product per article.
    model = _model()
    if model is None:
        from py3langid import classify

        return [classify(t)[0] for t in values]
    counted = _walk(model, [_encode(t) for t in values])
    return [_decide(model, features, counts) for features, counts in counted]


def _classify(texts: pl.Series) -> pl.Series:
    """One text in, one code out (null for null); each distinct text is classified once."""
    distinct = texts.drop_nulls().unique(maintain_order=True)
    codes = pl.Series(_classify_distinct(distinct.to_list()), dtype=pl.String)
    return texts.replace_strict(distinct, codes, default=None, return_dtype=pl.String)


def _has_enough_letters(samples: pl.Series) -> pl.Series:
    """True where a sample holds at least MIN_LETTERS word characters; one sample in, one bool out.

    Letters are counted on the first HEAD_CHARS characters, and over the whole sample only
    where those fall short: a count over a prefix never exceeds the count over the text.
    """
    head = samples.str.slice(0, HEAD_CHARS).str.count_matches(WORD_CHARACTER).fill_null(0)
    enough = head >= MIN_LETTERS
    rows = (~enough & (samples.str.len_chars() > HEAD_CHARS)).fill_null(False).arg_true()
    if rows.len() == 0:
        return enough
    full = samples.gather(rows).str.count_matches(WORD_CHARACTER).fill_null(0)
    return enough.scatter(rows, full >= MIN_LETTERS)


def detect_language(frame: pl.DataFrame, text: str = "text", out: str = "language") -> pl.DataFrame:
    """One row per article in and out: adds ``out``, the ISO 639-1 code of ``text`` (null when too short)."""
    samples = frame.select(pl.col(text).str.slice(0, SAMPLE_CHARS)).to_series()
    kept = pl.select(pl.when(_has_enough_letters(samples)).then(samples)).to_series()
    return frame.with_columns(_classify(kept).alias(out))
