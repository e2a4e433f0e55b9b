"""Back-to-back ingests of one prepared text corpus by several checkouts, alternating.

On a shared machine absolute timings drift between minutes: a before/after comparison
is only fair when the two run in the same conditions. This runs each checkout's ingest
(without Prefect, with the Parquet export) in a fresh process, round after round,
alternating the order, and prints for each run the wall seconds, CPU seconds, documents/s,
seconds per stage and peak RSS, then the median of each checkout.

    python benchmarks/bench_ingest.py --docs 20000 --mix txt,seed --keep --workdir /tmp/c20k
    python benchmarks/compare_ingest.py /tmp/c20k/corpus ../before ../after --rounds 3

A checkout is a folder with ``flows/``, ``transforms/`` and ``sql/``, and a ``.shim``
folder holding a ``dateline`` package folder whose ``flows``, ``transforms``, ``sql`` and
``data`` are links to the checkout's own (so ``import dateline`` reads that checkout).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parent
STAGES = ("discover", "read", "parse", "load", "stories", "models", "export")

CHILD = r"""
import json, sys, time
sys.path.insert(0, {benchmarks!r})
import bench_ingest as bench
from pathlib import Path
corpus, workdir = Path({corpus!r}), Path({workdir!r})
bench.warm_up(workdir)
sources = [str(p) for p in sorted(corpus.iterdir()) if p.is_dir()]
n_docs = sum(1 for s in sources for _ in Path(s).rglob("*.txt"))
summary, clock, wall = bench.run_direct(
    sources, bench.fresh_db(workdir / "text.duckdb"), {batch_size}, workdir / "export"
)
stages = bench.recorded_stages(summary, clock)
print("RESULT " + json.dumps({{"docs": n_docs, "wall": wall, "cpu": clock.cpu_seconds,
      "stages": stages, "peak_rss_mb": bench.peak_rss_mb(), "new": summary.counts.new}}))
"""


def run_once(checkout: Path, corpus: Path, batch_size: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="dateline-compare-") as workdir:
        code = CHILD.format(
            benchmarks=str(BENCHMARKS), corpus=str(corpus), workdir=workdir, batch_size=batch_size
        )
        env = {**os.environ, "PYTHONPATH": f"{checkout}/.shim:{checkout}"}
        done = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
        )
    for line in done.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line.removeprefix("RESULT "))
    raise SystemExit(f"{checkout}: run failed\n{done.stderr[-3000:]}")


def line(label: str, result: dict) -> str:
    stages = " ".join(f"{s} {result['stages'].get(s, 0.0):5.2f}" for s in STAGES)
    rate = result["docs"] / result["wall"]
    return (
        f"{label:28s} {rate:6,.0f} docs/s  wall {result['wall']:6.2f}  cpu {result['cpu']:6.1f}  "
        f"rss {result['peak_rss_mb']:5,.0f} MB  | {stages}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "corpus", type=Path, help="a folder of text sources (bench_ingest's corpus)"
    )
    parser.add_argument("checkouts", type=Path, nargs="+")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=2000)
    args = parser.parse_args(argv)
    results: dict[Path, list[dict]] = {c: [] for c in args.checkouts}
    for number in range(args.rounds):
        order = args.checkouts if number % 2 == 0 else list(reversed(args.checkouts))
        for checkout in order:
            result = run_once(checkout, args.corpus, args.batch_size)
            results[checkout].append(result)
            print(line(f"{number + 1}: {checkout.name}", result), flush=True)
    print("median:")
    for checkout, runs in results.items():
        median = {
            "docs": runs[0]["docs"],
            "wall": statistics.median(r["wall"] for r in runs),
            "cpu": statistics.median(r["cpu"] for r in runs),
            "peak_rss_mb": statistics.median(r["peak_rss_mb"] for r in runs),
            "stages": {s: statistics.median(r["stages"].get(s, 0.0) for r in runs) for s in STAGES},
        }
        print(line(f"   {checkout.name}", median))
    return 0


if __name__ == "__main__":
    sys.exit(main())
