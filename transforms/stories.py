"""Near-duplicate bodies: word shingles, MinHash signatures and LSH band keys.

Pure functions (no I/O, no database): ``flows/stories.py`` stores what they return in
DuckDB and groups articles into story clusters from it. Grain in: one row per article
with ``article_id`` and ``body_text``. Grain out: one row per article whose body is long
enough to compare (``shingle_sets``, ``minhash_signatures``), one row per signature and
band (``band_keys``).

Two bodies are near-duplicates when the estimated Jaccard similarity of their sets of
``SHINGLE_WORDS``-word shingles is at least ``SIMILARITY_THRESHOLD``. LSH finds the
candidate pairs: ``BANDS`` bands of ``ROWS_PER_BAND`` signature values; two signatures
that agree on every value of one band are a candidate, and a candidate pair is kept
when its signatures agree on at least ``SIMILARITY_THRESHOLD`` of all ``NUM_PERM``
values. With 32 bands of 4, a pair of similarity 0.5 is a candidate with probability
0.87, one of 0.6 with 0.988, one of 0.7 with 0.9998; pairs of unrelated stories on the
same topic (0.01-0.05 with 5-word shingles) almost never are.

The parameters are part of every stored signature: ``PARAMETERS_KEY`` changes with any
of them (and with the MinHash library's algorithm version), and a warehouse whose
signatures were made with other parameters computes them all again.
"""

from __future__ import annotations

import hashlib

import numpy as np
import polars as pl
import rensa

from dateline.transforms.text.blocks import UNSPACED_SCRIPT_CHARACTER

# Words per shingle: five keeps shared phrases ("the central bank said on") from making
# unrelated stories on one topic look alike, while an edited sentence only changes the
# five shingles that overlap it.
SHINGLE_WORDS = 5
# Bodies with fewer distinct shingles (about 25 words) are not compared: short notices and
# teasers match each other by chance, and a short body has too few shingles to estimate.
MIN_SHINGLES = 20
# Signature values per body. The standard error of the estimated similarity is about
# sqrt(J(1-J)/NUM_PERM): 0.044 at J = 0.5.
NUM_PERM = 128
BANDS = 32
ROWS_PER_BAND = 4
# Estimated Jaccard similarity of two bodies' shingles from which they are one story.
SIMILARITY_THRESHOLD = 0.5
# Fixed: signatures stored by earlier runs must stay comparable with new ones.
MINHASH_SEED = 20240601

# A word: a run of letters and digits; each character of a script written without spaces
# (Han, Hiragana, Katakana) is a word of its own, so their shingles are runs of characters.
WORD = rf"{UNSPACED_SCRIPT_CHARACTER}|[[\p{{L}}\p{{N}}]--[\p{{Han}}\p{{Hiragana}}\p{{Katakana}}]]+"
SHINGLE_SEPARATOR = " "

# A 64-bit mixer (splitmix64's finalizer) for band keys: signature values of one band in,
# one well-spread key out.
_MIX_1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX_2 = np.uint64(0x94D049BB133111EB)
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)

PARAMETERS_KEY = (
    f"shingle_words={SHINGLE_WORDS};min_shingles={MIN_SHINGLES};num_perm={NUM_PERM};"
    f"bands={BANDS}x{ROWS_PER_BAND};threshold={SIMILARITY_THRESHOLD};seed={MINHASH_SEED};"
    f"rensa={rensa.RMinHash.ALGORITHM_VERSION}"
)

SIGNATURE_SCHEMA = {
    "article_id": pl.String,
    "signature_key": pl.UInt64,
    "signature": pl.Binary,
}
BAND_SCHEMA = {"signature_key": pl.UInt64, "band_key": pl.UInt64}

assert BANDS * ROWS_PER_BAND <= NUM_PERM


def shingle_sets(articles: pl.DataFrame) -> pl.DataFrame:
    """One row per article whose body has at least ``MIN_SHINGLES`` distinct shingles.

    Reads ``article_id``, ``body_text``; returns ``article_id`` and ``shingles`` (the
    distinct ``SHINGLE_WORDS``-word shingles of the lower-cased body), in input order.
    """
    words = (
        articles.select(
            "article_id",
            word=pl.col("body_text").fill_null("").str.to_lowercase().str.extract_all(WORD),
        )
        .with_row_index("row")
        .explode("word")
    )
    # Long format, not list.eval: a shingle is the word and the next ones of the same row.
    shingles = words.select(
        "row",
        "article_id",
        shingle=pl.concat_str(
            [pl.col("word").shift(-offset) for offset in range(SHINGLE_WORDS)],
            separator=SHINGLE_SEPARATOR,
        ),
        is_whole=pl.col("row").shift(-(SHINGLE_WORDS - 1)) == pl.col("row"),
    ).filter("is_whole")
    return (
        shingles.group_by("row", "article_id")
        .agg(pl.col("shingle").unique().alias("shingles"))
        .filter(pl.col("shingles").list.len() >= MIN_SHINGLES)
        .sort("row")
        .select("article_id", "shingles")
    )


def minhash_signatures(shingled: pl.DataFrame) -> pl.DataFrame:
    """One row per row of ``shingle_sets``: ``article_id``, ``signature`` (``NUM_PERM``
    little-endian uint32 values as bytes) and ``signature_key`` (a 64-bit hash of the
    signature: equal bodies share it, so they are compared once)."""
    if shingled.height == 0:
        return pl.DataFrame(schema=SIGNATURE_SCHEMA)
    matrix = signature_matrix(shingled["shingles"].to_list())
    signatures = [row.tobytes() for row in matrix]
    keys = [
        int.from_bytes(hashlib.blake2b(s, digest_size=8).digest(), "little") for s in signatures
    ]
    return pl.DataFrame(
        {"article_id": shingled["article_id"], "signature_key": keys, "signature": signatures},
        schema=SIGNATURE_SCHEMA,
    )


def signature_matrix(shingle_lists: list[list[str]]) -> np.ndarray:
    """MinHash signatures of sets of strings, one row of ``NUM_PERM`` uint32 per set
    (rensa's ``RMinHash``; ``benchmarks/bench_minhash.py`` compares it with datasketch)."""
    rows = rensa.RMinHash.digest_matrix_from_token_sets(
        shingle_lists, NUM_PERM, MINHASH_SEED
    ).to_rows()
    return np.asarray(rows, dtype="<u4").reshape(len(shingle_lists), NUM_PERM)


def band_keys(signatures: pl.DataFrame) -> pl.DataFrame:
    """One row per distinct ``signature_key`` of ``signatures`` and LSH band: ``signature_key``,
    ``band_key`` (a 64-bit key of the band's number and values; two signatures share a
    key when they agree on the whole band, up to hash collisions, which verification
    against the full signatures removes)."""
    distinct = signatures.unique("signature_key", maintain_order=True)
    if distinct.height == 0:
        return pl.DataFrame(schema=BAND_SCHEMA)
    matrix = signature_array(distinct["signature"])
    bands = matrix[:, : BANDS * ROWS_PER_BAND].astype(np.uint64).reshape(-1, BANDS, ROWS_PER_BAND)
    keys = np.broadcast_to(np.arange(BANDS, dtype=np.uint64) + _GOLDEN, bands.shape[:2]).copy()
    with np.errstate(over="ignore"):
        for row in range(ROWS_PER_BAND):
            keys = _mix(keys ^ bands[:, :, row])
    return pl.DataFrame(
        {
            "signature_key": np.repeat(distinct["signature_key"].to_numpy(), BANDS),
            "band_key": keys.reshape(-1),
        },
        schema=BAND_SCHEMA,
    )


def signature_array(signatures: pl.Series) -> np.ndarray:
    """Stored signatures (``Binary``) as a matrix of ``NUM_PERM`` uint32 per row."""
    if signatures.len() == 0:
        return np.zeros((0, NUM_PERM), dtype="<u4")
    return np.frombuffer(b"".join(signatures.to_list()), dtype="<u4").reshape(-1, NUM_PERM)


def estimated_similarity(left: pl.Series, right: pl.Series) -> np.ndarray:
    """Estimated Jaccard similarity of paired signatures: the share of equal values."""
    return (signature_array(left) == signature_array(right)).mean(axis=1)


def _mix(values: np.ndarray) -> np.ndarray:
    values = values + _GOLDEN
    values = (values ^ (values >> np.uint64(30))) * _MIX_1
    values = (values ^ (values >> np.uint64(27))) * _MIX_2
    return values ^ (values >> np.uint64(31))
