"""Text-path parse throughput of this checkout against an earlier revision, in one process.

The parse is ``build_article_tables`` on batches of text records (``parse_records``, as
the ingest calls it), without reading files, loading or exporting. The batches deal the
fundus dev corpus's ``.txt`` views and the seed dump alternately, as ``bench_ingest.py``
deals its text documents, each record its own article.

With ``--novel`` the batches are instead the distinct ``.txt`` views of all four dev sets,
each dealt once (shuffled with a fixed seed, the same order on both sides): no line repeats
between batches, so the line-feature cache and the per-distinct-text steps save nothing,
as on a real dump. The default batches repeat 148 pages and one seed, which those steps
make cheap: their figure is a bound, not what a new dump costs.

Both sides run in this process, in alternating rounds, so that load from other processes
falls on both alike: this checkout's modules, and the revision's (``--against``, ``main``
by default) extracted with ``git archive`` into a scratch folder and imported as a second
copy of the package. Each side keeps its own line-feature cache, warmed by one batch
before timing. Printed per side: CPU and wall seconds per batch (fastest and median),
documents/s, and the ratios; and whether the two sides gave the same tables.

    python benchmarks/bench_text_parse.py [--against main] [--batches 2000] [--rounds 3]
    python benchmarks/bench_text_parse.py --novel --batch-size 500 --rounds 3
    POLARS_MAX_THREADS=1 python benchmarks/bench_text_parse.py   # steadier CPU figures
"""

from __future__ import annotations

import argparse
import functools
import importlib
import os
import random
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
CORPUS_ROOT = Path(os.environ.get("DATELINE_CORPUS_DIR", SHARED_DIR / "corpus"))
CORPUS_DIR = CORPUS_ROOT / "fundus"
DEV_SETS = ("fundus", "readability", "trafilatura-eval", "dragnet")
# The order the distinct pages of --novel are dealt in (the same on every run).
NOVEL_SEED = 0
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


def novel_texts() -> list[tuple[str, str]]:
    """(name, text) of every distinct ``.txt`` view of the dev sets, in a fixed shuffled order."""
    seen: set[str] = set()
    texts = []
    for name in DEV_SETS:
        for path in sorted((CORPUS_ROOT / name).glob("*/*.txt")):
            text = path.read_text(encoding="utf-8", errors="replace")
            if text not in seen:
                seen.add(text)
                texts.append((path.stem, text))
    random.Random(NOVEL_SEED).shuffle(texts)
    return texts


def novel_records(sources, first: int, n_docs: int, texts: list[tuple[str, str]]):
    """A batch of the ``n_docs`` distinct texts from ``first`` on (each its own article)."""
    rows = []
    for number in range(first, first + n_docs):
        name, text = texts[number]
        uri = f"/bench/novel/{number:07d}_{name}.txt"
        rows.append(sources._record(uri, uri, "text", text=text))
    return sources.records_frame(rows)


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
    parser.add_argument(
        "--novel", action="store_true", help="the dev sets' distinct text views, each once"
    )
    args = parser.parse_args()

    if args.novel:
        texts = novel_texts()
        # Both sides parse the same batches: the warm-up batch, then one per round.
        needed = args.batch_size * (args.rounds + 1)
        if needed > len(texts):
            raise SystemExit(
                f"--novel: {args.rounds} rounds of {args.batch_size} and a warm-up batch need"
                f" {needed} distinct pages; the dev sets hold {len(texts)}"
            )
        make = functools.partial(novel_records, texts=texts)
    else:
        make = functools.partial(records, pages=templates())
    with tempfile.TemporaryDirectory(prefix="dateline-bench-parse-") as scratch:
        root = extract_revision(args.against, Path(scratch))
        sides = {args.against: import_side(root), "this checkout": import_side(None)}
        first_tables = {}
        for name, (sources, parse) in sides.items():
            # Warms imports, compiled patterns and the side's line cache (not timed).
            first_tables[name] = parse(
                make(sources, 0, args.batch_size), "bench", INGESTED_AT, MAX_LINE_CHARS
            )
        timings = {name: [] for name in sides}
        for round_number in range(1, args.rounds + 1):
            for name, (sources, parse) in sides.items():
                batch = make(sources, round_number * args.batch_size, args.batch_size)
                cpu, wall = time.process_time(), time.perf_counter()
                parse(batch, "bench", INGESTED_AT, MAX_LINE_CHARS)
                timings[name].append((time.process_time() - cpu, time.perf_counter() - wall))

    kind = "distinct dev-set texts" if args.novel else "records"
    print(f"text parse, {args.rounds} batches of {args.batch_size} {kind} per side")
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
