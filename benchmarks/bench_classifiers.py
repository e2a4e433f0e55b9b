"""Throughput of the line classifiers that segmentation runs on every line of every document.

Builds the lines of the fundus corpus text views (``fundus/*/*.txt``, split on newlines,
stripped, blank lines dropped), or of ``data/samples/*.txt`` when the corpus is absent,
and times each classifier over the whole column, best of ``--repeat`` runs. A plain
one-literal ``str.contains`` over the same column is timed in the same run as a floor:
the ratio says how many such passes a classifier costs, which varies less between
machines than lines per second.

    python benchmarks/bench_classifiers.py [--repeat 7] [--scale 1]

The corpus is found at ``../shared/corpus`` beside the repository, or at
``DATELINE_CORPUS_DIR``.
"""

from __future__ import annotations

import argparse
import gzip
import os
import time
from collections.abc import Callable
from pathlib import Path

import polars as pl

from dateline.transforms.fields import bylines, credits

REPOSITORY = Path(__file__).resolve().parents[1]

CORPUS_DIR = Path(
    os.environ.get("DATELINE_CORPUS_DIR", Path(__file__).resolve().parents[2] / "shared" / "corpus")
)
SAMPLES_DIR = REPOSITORY / "data" / "samples"
BASELINE_LITERAL = "the"


def _read_text(path: Path) -> str:
    data = path.read_bytes()
    if path.suffix == ".gz":
        data = gzip.decompress(data)
    return data.decode("utf-8", errors="replace")


def corpus_lines() -> tuple[str, list[str]]:
    """The benchmark lines and where they come from; no lines when neither source exists."""
    sources = [
        ("fundus corpus", sorted((CORPUS_DIR / "fundus").glob("*/*.txt"))),
        ("data/samples", sorted(SAMPLES_DIR.glob("*.txt")) + sorted(SAMPLES_DIR.glob("*.txt.gz"))),
    ]
    for name, paths in sources:
        lines = [
            line.strip() for path in paths for line in _read_text(path).split("\n") if line.strip()
        ]
        if lines:
            return f"{name} ({len(paths)} files)", lines
    return "none", []


def best_seconds(run: Callable[[], object], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=7, help="runs per classifier (best kept)")
    parser.add_argument("--scale", type=int, default=1, help="repeat the lines this many times")
    args = parser.parse_args()

    origin, lines = corpus_lines()
    if not lines:
        print(f"skipped: no corpus at {CORPUS_DIR / 'fundus'} and no samples at {SAMPLES_DIR}")
        return 0
    lines = lines * args.scale
    frame = pl.DataFrame({"doc_id": [0] * len(lines), "text": lines})
    text = pl.col("text")
    classifiers: dict[str, Callable[[], object]] = {
        "split_caption_credit": lambda: credits.split_caption_credit(frame, "text"),
        "is_credit_line": lambda: frame.select(credits.is_credit_line(text)),
        "is_byline_line": lambda: frame.select(bylines.is_byline_line(text)),
        "is_name_line": lambda: frame.select(bylines.is_name_line(text)),
    }
    # Warm-up: the first call compiles the regular expressions.
    for run in classifiers.values():
        run()
    baseline = best_seconds(
        lambda: frame.select(text.str.contains(BASELINE_LITERAL, literal=True)), args.repeat
    )
    n_bytes = frame["text"].str.len_bytes().sum()
    print(f"{len(lines):,} lines, {n_bytes / 1e6:.1f} MB from {origin}; best of {args.repeat}")
    print(f"{'function':<22} {'ms':>9} {'lines/s':>12} {'x baseline':>11}")
    print(
        f"{'baseline contains':<22} {baseline * 1e3:9.2f} {len(lines) / baseline:12,.0f} {1:11.1f}"
    )
    total = 0.0
    for name, run in classifiers.items():
        seconds = best_seconds(run, args.repeat)
        total += seconds
        print(
            f"{name:<22} {seconds * 1e3:9.2f} {len(lines) / seconds:12,.0f} "
            f"{seconds / baseline:11.1f}"
        )
    print(f"{'total (all four)':<22} {total * 1e3:9.2f} {len(lines) / total:12,.0f} "
          f"{total / baseline:11.1f}")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
