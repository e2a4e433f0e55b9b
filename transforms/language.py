"""Language of each article, as an ISO 639-1 code."""

from __future__ import annotations

from functools import cache

import polars as pl

# Characters of body text given to the classifier: enough for a stable guess, bounded cost.
SAMPLE_CHARS = 2000
# Fewer letters than this and the guess is noise: the language stays null.
MIN_LETTERS = 20


@cache
def _classifier():
    # Imported lazily: loading the n-gram model costs about a second.
    import py3langid

    return py3langid.classify


def _classify(texts: pl.Series) -> pl.Series:
    # The classifier is a Python n-gram model with no vectorized API: one call per
    # article (about 0.25 ms each), never per line.
    classify = _classifier()
    return pl.Series(
        [classify(t)[0] if t is not None else None for t in texts.to_list()], dtype=pl.String
    )


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
