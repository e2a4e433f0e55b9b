"""Text-path parse throughput of this checkout against an earlier revision, in one process.

The parse is ``build_article_tables`` on batches of text records (``parse_records``, as
the ingest calls it), without reading files, loading or exporting. The batches deal the
fundus dev corpus's ``.txt`` views and the seed dump alternately, as ``bench_ingest.py``
deals its text documents, each record its own article.

Both sides run in this process, in alternating rounds, so that load from other processes
falls on both alike: this checkout's modules, and the revision's (``--against``, ``main``
by default) extracted with ``git archive`` into a scratch folder and imported as a second
copy of the package. Each side keeps its own line-feature cache, warmed by one batch
before timing. Printed per side: CPU and wall seconds per batch (fastest and median),
documents/s, and the ratios; and whether the two sides gave the same tables.

    python benchmarks/bench_text_parse.py [--against main] [--batches 2000] [--rounds 3]
    POLARS_MAX_THREADS=1 python benchmarks/bench_text_parse.py   # steadier CPU figures
"""

from __future__ import annotations

import argparse
import importlib
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[1]
SHARED_DIR = Path(os.environ.get("DATELINE_SHARED_DIR", REPOSITORY.parent / "shared"))
CORPUS_DIR = Path(os.environ.get("DATELINE_CORPUS_DIR", SHARED_DIR / "corpus")) / "fundus"
SEED_PATH = SHARED_DIR / "seeds" / "000_87e5fbe07bd337ee.txt"
PACKAGE_FOLDERS = ("flows", "transforms", "sql", "data")
INGESTED_AT = datetime(2026, 1, 1, tzinfo=UTC)
MAX_LINE_CHARS = 200_000


def extract_revision(revision: str, into: Path) -> Path:
    """The revision's tree under ``into``, with a ``dateline`` package folder of links
    to its code (the layout the package is imported from); returns the import root."""
    archive = subprocess.run(
        ["git", "-C", str(REPOSITORY), "archive", "--format=tar", revision],
        check=True,
        capture_output=True,
    ).stdout
    tree = into / "tree"
    tree.mkdir(parents=True)
    archive_path = into / "revision.tar"
    archive_path.write_bytes(archive)
    with tarfile.open(archive_path) as handle:
        handle.extractall(tree, filter="data")
    package = into / "root" / "dateline"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    for folder in PACKAGE_FOLDERS:
        if (tree / folder).exists():
            (package / folder).symlink_to(tree / folder)
    return into / "root"


def import_side(root: Path | None):
    """``(sources, parse_records)`` of the package imported from ``root`` (None: the
    package as this process finds it). Modules already imported keep working: their
    functions hold their own module's names."""
    for name in [m for m in sys.modules if m == "dateline" or m.startswith("dateline.")]:
        del sys.modules[name]
    if root is not None:
        sys.path.insert(0, str(root))
    importlib.invalidate_caches()
    try:
        from dateline.flows import parallel, sources
    finally:
        if root is not None:
            sys.path.remove(str(root))
    return sources, parallel.parse_records


def templates() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(name, text) of the pages dealt: fundus text views and the seed dump alternately."""
    texts = [(p.stem, p.read_text()) for p in sorted(CORPUS_DIR.glob("*/*.txt"))]
    if not texts:
        raise SystemExit(f"no .txt pages under {CORPUS_DIR}")
    seed = [("seed", SEED_PATH.read_text())] if SEED_PATH.exists() else texts[:1]
    return texts, seed


def records(sources, first: int, n_docs: int, pages):
    """A batch of ``n_docs`` text records, numbered from ``first`` (each its own article)."""
    texts, seed = pages
    rows = []
    for number in range(first, first + n_docs):
        name, text = texts[(number // 2) % len(texts)] if number % 2 == 0 else seed[0]
        uri = f"/bench/text/{number:07d}_{name}.txt"
        rows.append(sources._record(uri, uri, "text", text=text))
    return sources.records_frame(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--against", default="main", help="git revision to compare with")
    parser.add_argument("--batch-size", type=int, default=2000, help="records per batch")
    parser.add_argument("--rounds", type=int, default=3, help="timed batches per side")
    args = parser.parse_args()

    pages = templates()
    with tempfile.TemporaryDirectory(prefix="dateline-bench-parse-") as scratch:
        root = extract_revision(args.against, Path(scratch))
        sides = {args.against: import_side(root), "this checkout": import_side(None)}
        first_tables = {}
        for name, (sources, parse) in sides.items():
            # Warms imports, compiled patterns and the side's line cache (not timed).
            first_tables[name] = parse(
                records(sources, 0, args.batch_size, pages), "bench", INGESTED_AT, MAX_LINE_CHARS
            )
        timings = {name: [] for name in sides}
        for round_number in range(1, args.rounds + 1):
            for name, (sources, parse) in sides.items():
                batch = records(sources, round_number * args.batch_size, args.batch_size, pages)
                cpu, wall = time.process_time(), time.perf_counter()
                parse(batch, "bench", INGESTED_AT, MAX_LINE_CHARS)
                timings[name].append((time.process_time() - cpu, time.perf_counter() - wall))

    print(f"text parse, {args.rounds} batches of {args.batch_size} records per side")
    rates = {}
    for name, runs in timings.items():
        cpu = [c for c, _ in runs]
        wall = [w for _, w in runs]
        rates[name] = (args.batch_size / min(cpu), args.batch_size / min(wall))
        print(
            f"  {name:>14}: cpu/batch {min(cpu):.3f} s (median {statistics.median(cpu):.3f}),"
            f" wall/batch {min(wall):.3f} s (median {statistics.median(wall):.3f});"
            f" {rates[name][0]:,.0f} docs/cpu-s, {rates[name][1]:,.0f} docs/s"
        )
    before, after = rates[args.against], rates["this checkout"]
    print(f"  speed-up: cpu {after[0] / before[0]:.2f}x, wall {after[1] / before[1]:.2f}x")
    tables = [first_tables[name].by_table() for name in sides]
    same = all(tables[0][t].equals(tables[1][t]) for t in tables[0])
    print(f"  same tables on the warm-up batch: {'yes' if same else 'NO'}")


if __name__ == "__main__":
    main()
