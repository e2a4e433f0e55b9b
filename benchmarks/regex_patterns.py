"""The regular expressions a text-path parse runs, and what compiling them costs.

Polars keeps 32 compiled patterns per thread: a batch that runs more distinct patterns
compiles each again on every batch (and on every pool thread that runs it). This parses
batches of text records (``bench_text_parse.records``: fundus ``.txt`` views and the seed
dump dealt alternately, as ``bench_ingest.py`` deals them) and prints, per batch, the
distinct patterns passed to Polars' regex string functions and the CPU seconds; then, for
the last batch's patterns, the time of one compilation each (the thread's cache emptied
first), costliest first, with the places that build them.

    python benchmarks/regex_patterns.py [--batch-size 2000] [--batches 3] [--top 30]
"""

from __future__ import annotations

import argparse
import collections
import sys
import time
from pathlib import Path

import polars as pl
from polars.expr.string import ExprStringNameSpace

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_text_parse  # noqa: E402

# Polars string functions whose pattern is a regular expression unless ``literal``.
REGEX_FUNCTIONS = (
    "contains",
    "replace",
    "replace_all",
    "extract",
    "extract_all",
    "extract_groups",
    "count_matches",
    "find",
)
# Distinct patterns run between two timings, enough to empty a thread's cache of 32.
CACHE_EVICTING_PATTERNS = 40
TIMING_REPEATS = 3

USES: collections.Counter[str] = collections.Counter()
PLACES: dict[str, set[str]] = collections.defaultdict(set)


def _recording(name: str):
    """The namespace function ``name`` that also records its pattern and its caller."""
    function = getattr(ExprStringNameSpace, name)

    def recorded(self, pattern, *args, **kwargs):
        if isinstance(pattern, str) and not kwargs.get("literal", False):
            USES[pattern] += 1
            caller = sys._getframe(1)
            while caller.f_back is not None and "/polars/" in caller.f_code.co_filename:
                caller = caller.f_back  # a Series function calls through Polars' own code
            PLACES[pattern].add(f"{Path(caller.f_code.co_filename).name}:{caller.f_lineno}")
        return function(self, pattern, *args, **kwargs)

    return recorded


def compile_seconds(pattern: str) -> float:
    """Fastest of a few single-row searches with ``pattern``, each after the thread's cache
    was filled with other patterns (so each compiles ``pattern``)."""
    probe = pl.Series(["x"])
    best = float("inf")
    for _ in range(TIMING_REPEATS):
        for number in range(CACHE_EVICTING_PATTERNS):
            probe.str.contains(f"evict{number}_{time.time_ns()}")
        start = time.perf_counter()
        probe.str.contains(pattern)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--batch-size", type=int, default=2000, help="records per batch")
    parser.add_argument("--batches", type=int, default=3, help="batches parsed (the first warms)")
    parser.add_argument("--top", type=int, default=30, help="patterns listed")
    args = parser.parse_args()
    originals = {name: getattr(ExprStringNameSpace, name) for name in REGEX_FUNCTIONS}
    for name in REGEX_FUNCTIONS:
        setattr(ExprStringNameSpace, name, _recording(name))
    from dateline.flows import parallel, sources

    pages = bench_text_parse.templates()
    for number in range(args.batches):
        USES.clear()
        batch = bench_text_parse.records(sources, number * args.batch_size, args.batch_size, pages)
        cpu = time.process_time()
        parallel.parse_records(
            batch, "bench", bench_text_parse.INGESTED_AT, bench_text_parse.MAX_LINE_CHARS
        )
        print(
            f"batch {number}: {time.process_time() - cpu:.2f} cpu-s, {len(USES)} distinct"
            f" patterns, {sum(USES.values())} expressions using one"
        )
    for name, function in originals.items():
        setattr(ExprStringNameSpace, name, function)
    uses = dict(USES)
    timed = sorted(((compile_seconds(p), p) for p in uses), reverse=True)
    total = sum(seconds for seconds, _ in timed)
    print(f"one compilation of each of the last batch's patterns: {total * 1000:.0f} ms")
    for seconds, pattern in timed[: args.top]:
        places = ", ".join(sorted(PLACES[pattern])[:3])
        print(
            f"{seconds * 1000:7.2f} ms  {len(pattern):6d} chars  {uses[pattern]} uses"
            f"  {places}  {pattern[:60]!r}"
        )


if __name__ == "__main__":
    main()
