"""HTML extraction speed: Dateline against trafilatura on the same pages, in the same run.

    python benchmarks/bench_html.py [--corpus DIR] [--repeat N] [--batch N]

Reads every ``*.html.gz`` page of the gold corpus (default ``../shared/corpus/fundus``),
decompresses them once, then times:

* Dateline: ``build_article_tables`` on batches of HTML records (everything the
  parse task does: lexbor parse, metadata, tree walk, main content, normalizers,
  assembly), and each stage of it on its own;
* trafilatura: ``trafilatura.bare_extraction`` with metadata on each page
  (needs the ``bench`` extra: ``pip install -e ".[bench]"``).

Prints pages/s for both and the ratio (targets: Dateline >= 5x trafilatura, >= 100 pages/s).
"""

from __future__ import annotations

import argparse
import gzip
import os
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
from selectolax.lexbor import LexborHTMLParser

from dateline.flows import sources
from dateline.transforms.assembly.articles import build_article_tables
from dateline.transforms.html import content as html_content
from dateline.transforms.html import walk as html_blocks
from dateline.transforms.html.metadata import page as html_page
from dateline.transforms.html.metadata import precedence as html_meta

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "fundus"
TARGET_RATIO = 5.0
TARGET_PAGES_PER_SECOND = 100.0


def load_pages(corpus: Path) -> list[str]:
    return [
        gzip.decompress(path.read_bytes()).decode("utf-8", "replace")
        for path in sorted(corpus.glob("*/*.html.gz"))
    ]


def records(pages: list[str]) -> pl.DataFrame:
    rows = [
        {
            **dict.fromkeys(sources.RECORD_COLUMNS),
            "source_uri": f"/bench/{i}.html",
            "source_path": f"/bench/{i}.html",
            "source_format": "html",
            "html": page,
        }
        for i, page in enumerate(pages)
    ]
    return sources.records_frame(rows)


def time_dateline(pages: list[str], batch: int) -> float:
    frames = [records(pages[i : i + batch]) for i in range(0, len(pages), batch)]
    started = time.perf_counter()
    for frame in frames:
        build_article_tables(frame, run_id="bench", ingested_at=datetime.now(UTC))
    return time.perf_counter() - started


def time_stages(pages: list[str]) -> dict[str, float]:
    """Seconds per stage over all pages, run one after the other on one batch."""
    stages: dict[str, float] = {}

    def clock(name: str, started: float) -> float:
        now = time.perf_counter()
        stages[name] = stages.get(name, 0.0) + now - started
        return now

    t = time.perf_counter()
    trees = [LexborHTMLParser(page) for page in pages]
    t = clock("lexbor parse", t)
    found = [html_page.extract_metadata(tree) for tree in trees]
    t = clock("metadata read", t)
    html_meta.metadata_frame(found, list(range(len(pages))))
    t = clock("metadata normalize", t)
    frames = html_blocks.pages_frames(list(enumerate(trees)))
    t = clock("tree walk", t)
    blocks = html_content.classify_html(frames)
    html_content.html_images(blocks, frames.images)
    t = clock("content + figures", t)
    blocks_meta = sum(stages.values())
    time_all = time_dateline(pages, len(pages))
    # The whole batch runs the parse, the metadata and the assembly's dates on threads
    # beside the walk and the rules: what it saves shows as a negative remainder.
    stages["assembly + normalizers, less overlap"] = time_all - blocks_meta
    return stages


def time_trafilatura(pages: list[str]) -> float | None:
    try:
        import trafilatura
    except ImportError:
        return None
    started = time.perf_counter()
    for page in pages:
        trafilatura.bare_extraction(page, with_metadata=True)
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--repeat", type=int, default=1, help="pass over the pages N times")
    parser.add_argument("--batch", type=int, default=2000, help="pages per parse batch")
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="rounds of Dateline then trafilatura; the medians are compared",
    )
    args = parser.parse_args(argv)
    pages = load_pages(args.corpus)
    if not pages:
        print(f"no *.html.gz pages under {args.corpus}", file=sys.stderr)
        return 2
    pages = pages * max(args.repeat, 1)
    megabytes = sum(len(p.encode("utf-8")) for p in pages) / 1e6
    print(f"{len(pages)} pages, {megabytes:.1f} MB of HTML")
    # Other processes on the machine slow both extractors, Dateline's threads the more.
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")

    time_dateline(pages[:5], 5)  # warm-up: imports, regex compilation
    # The machine's speed drifts over a run: both extractors are timed in every round,
    # one right after the other, and the medians are compared.
    rounds = []
    # CPU seconds of this process (all its threads) per side: steadier than wall time when
    # other processes share the cores.
    cpu_rounds = []
    for number in range(1, max(args.rounds, 1) + 1):
        cpu = time.process_time()
        dateline_rate = len(pages) / time_dateline(pages, args.batch)
        dateline_cpu = time.process_time() - cpu
        cpu = time.process_time()
        traf_seconds = time_trafilatura(pages)
        traf_cpu = time.process_time() - cpu
        traf_rate = None if traf_seconds is None else len(pages) / traf_seconds
        rounds.append((dateline_rate, traf_rate))
        cpu_rounds.append((dateline_cpu, traf_cpu))
        shown = "not installed" if traf_rate is None else f"{traf_rate:7.1f} pages/s"
        print(f"round {number}      dateline {dateline_rate:7.1f} pages/s   trafilatura {shown}")
    dateline_rate = statistics.median(rate for rate, _ in rounds)
    verdict = "PASS" if dateline_rate >= TARGET_PAGES_PER_SECOND else "MISS"
    print(
        f"dateline     {dateline_rate:8.1f} pages/s  (median of {len(rounds)}; "
        f"target >= {TARGET_PAGES_PER_SECOND:.0f}: {verdict})"
    )
    if rounds[0][1] is None:
        print('trafilatura  not installed (pip install -e ".[bench]")')
    else:
        traf_rate = statistics.median(rate for _, rate in rounds)
        ratio = dateline_rate / traf_rate
        verdict = "PASS" if ratio >= TARGET_RATIO else "MISS"
        spread = ", ".join(f"{d / t:.2f}x" for d, t in rounds)
        print(f"trafilatura  {traf_rate:8.1f} pages/s  (median of {len(rounds)})")
        print(
            f"ratio        {ratio:8.2f}x  (target >= {TARGET_RATIO:.0f}x: {verdict}; rounds {spread})"
        )
        dateline_cpu = statistics.median(d for d, _ in cpu_rounds)
        traf_cpu = statistics.median(t for _, t in cpu_rounds)
        print(
            f"cpu          dateline {dateline_cpu * 1000 / len(pages):.2f} ms/page, trafilatura "
            f"{traf_cpu * 1000 / len(pages):.2f} ms/page: ratio {traf_cpu / dateline_cpu:.2f}x "
            f"(CPU seconds, all threads; medians of {len(cpu_rounds)})"
        )
    print(f"load average {os.getloadavg()[0]:.1f} after the rounds")
    print("\nDateline time per stage (one batch of all pages):")
    stages = time_stages(pages)
    total = sum(stages.values())
    for name, seconds in stages.items():
        print(f"  {name:<38}{seconds * 1000 / len(pages):7.2f} ms/page  {seconds / total:6.1%}")
    print(f"  {'whole batch':<38}{total * 1000 / len(pages):7.2f} ms/page")
    return 0


if __name__ == "__main__":
    sys.exit(main())
