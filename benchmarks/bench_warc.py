"""Reading WARC files: fastwarc against warcio on the same file, and Dateline's ingest of a
WARC file against the same pages as ``.html`` files.

Builds a gzipped WARC (one ``response`` record per page, with a ``request`` record before
each, as crawlers write them) from the gold-corpus pages ``corpus/*/**.html.gz`` with
warcio's writer, in a scratch folder that is removed afterwards (nothing is committed):

    python benchmarks/bench_warc.py [--corpus DIR] [--pages N] [--ingest-pages N]

Reader figures count records/s over every record and MB/s over the file's bytes on disk
(compressed) and over the uncompressed WARC stream.

``--stream-mb 1000`` instead writes an uncompressed WARC of about that many megabytes (the
corpus pages repeated, each copy under its own URLs), ingests it whole in a fresh process
(read and parse a part of ``--batch-size`` pages at a time) and prints records/s, MB/s and
the process's peak RSS, beside the pages/s of one copy of the same pages as ``.html``
files; ``--stream-mb 200,1000`` runs several sizes, so the peak RSS shows whether memory
grows with the file:

    python benchmarks/bench_warc.py --stream-mb 200,1000 [--batch-size N]
"""

from __future__ import annotations

import argparse
import gzip
import io
import multiprocessing
import os
import resource
import shutil
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


def corpus_pages(corpus: Path, limit: int | None) -> list[Path]:
    pages = sorted(corpus.glob("*/**/*.html.gz"))
    return pages[:limit] if limit else pages


def page_url(path: Path) -> str:
    return f"https://example.org/{path.parent.name}/{path.name.removesuffix('.html.gz')}"


def write_warc(pages: list[Path], target: Path) -> int:
    """A gzipped WARC of ``pages`` (a request and a response record each); uncompressed bytes."""
    raw = 0
    with open(target, "wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        for path in pages:
            html = gzip.decompress(path.read_bytes())
            url = page_url(path)
            request = writer.create_warc_record(
                url,
                "request",
                payload=io.BytesIO(b""),
                http_headers=StatusAndHeaders(
                    "GET / HTTP/1.1", [("Host", "example.org")], protocol="HTTP/1.1"
                ),
            )
            http = StatusAndHeaders(
                "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
            )
            response = writer.create_warc_record(
                url, "response", payload=io.BytesIO(html), http_headers=http
            )
            writer.write_record(request)
            writer.write_record(response)
            raw += len(html)
    return raw


def write_large_warc(pages: list[Path], target: Path, megabytes: int) -> tuple[int, int]:
    """An uncompressed WARC of about ``megabytes`` MB: the pages repeated, each copy under
    URLs of its own (``?copy=N``); returns (response records, file bytes)."""
    htmls = [(page_url(path), gzip.decompress(path.read_bytes())) for path in pages]
    http = StatusAndHeaders(
        "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
    )
    records = copy = 0
    with open(target, "wb") as handle:
        writer = WARCWriter(handle, gzip=False)
        while handle.tell() < megabytes * 1_000_000:
            copy += 1
            for url, html in htmls:
                writer.write_record(
                    writer.create_warc_record(
                        f"{url}?copy={copy}",
                        "response",
                        payload=io.BytesIO(html),
                        http_headers=http,
                    )
                )
                records += 1
                if handle.tell() >= megabytes * 1_000_000:
                    break
    return records, os.path.getsize(target)


def _ingest_in_child(source: str, db: str, batch_size: int) -> dict:
    """Runs in a fresh process: one ingest, its figures and the process's peak RSS."""
    from dateline.flows.ingest import run_ingest
    from dateline.flows.settings import Settings

    started = time.perf_counter()
    summary = run_ingest(
        [source], Settings(db_path=Path(db), export_dir=None, batch_size=batch_size)
    )
    return {
        "seconds": time.perf_counter() - started,
        "new": summary.counts.new,
        "rejects": summary.rejects,
        "stages": summary.stage_seconds,
        # Linux reports kilobytes.
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def ingest_in_fresh_process(source: Path, db: Path, batch_size: int) -> dict:
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        return pool.submit(_ingest_in_child, str(source), str(db), batch_size).result()


def stream_benchmark(
    pages: list[Path], sizes_mb: list[int], batch_size: int, scratch: Path, *, files: bool = True
) -> None:
    """Whole ingests of large WARC files against the same pages as .html files."""
    print(f"ingest in a fresh process, batches of {batch_size} (one process, parse included):")
    if files:
        folder = scratch / "html"
        folder.mkdir()
        for number, path in enumerate(pages):
            (folder / f"{number:06d}.html").write_bytes(gzip.decompress(path.read_bytes()))
        html_mb = sum(p.stat().st_size for p in folder.iterdir()) / 1e6
        as_files = ingest_in_fresh_process(folder, scratch / "html.duckdb", batch_size)
        print(
            f"  {len(pages):6d} pages as .html files ({html_mb:7.1f} MB): "
            f"{as_files['seconds']:7.1f} s  {len(pages) / as_files['seconds']:6.1f} pages/s  "
            f"{html_mb / as_files['seconds']:5.2f} MB/s  peak RSS {as_files['peak_rss_mb']:6.0f} MB"
        )
        shutil.rmtree(folder)
    for megabytes in sizes_mb:
        warc = scratch / f"large-{megabytes}.warc"
        records, size = write_large_warc(pages, warc, megabytes)
        figures = ingest_in_fresh_process(warc, scratch / f"warc-{megabytes}.duckdb", batch_size)
        seconds = figures["seconds"]
        stages = ", ".join(f"{k} {v:.0f}" for k, v in figures["stages"].items() if v)
        print(
            f"  {records:6d} records in one WARC  ({size / 1e6:7.1f} MB): {seconds:7.1f} s  "
            f"{records / seconds:6.1f} records/s  {size / 1e6 / seconds:5.2f} MB/s  "
            f"peak RSS {figures['peak_rss_mb']:6.0f} MB  ({figures['new']} articles; {stages} s)"
        )
        warc.unlink()
        (scratch / f"warc-{megabytes}.duckdb").unlink(missing_ok=True)


def uncompressed_size(path: Path) -> int:
    size = 0
    with gzip.open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            size += len(chunk)
    return size


def time_fastwarc(path: Path) -> tuple[int, int, float]:
    from fastwarc.warc import ArchiveIterator, WarcRecordType

    started = time.perf_counter()
    records = html = 0
    with open(path, "rb") as handle:
        for record in ArchiveIterator(
            handle, record_types=WarcRecordType.any_type, parse_http=True
        ):
            records += 1
            if record.record_type == WarcRecordType.response:
                html += len(record.reader.read())
    return records, html, time.perf_counter() - started


def time_warcio(path: Path) -> tuple[int, int, float]:
    from warcio.archiveiterator import ArchiveIterator

    started = time.perf_counter()
    records = html = 0
    with open(path, "rb") as handle:
        for record in ArchiveIterator(handle):
            records += 1
            if record.rec_type == "response":
                html += len(record.content_stream().read())
    return records, html, time.perf_counter() - started


def time_ingest(source: str, db: Path) -> tuple[float, int, dict[str, float]]:
    from dateline.flows.ingest import run_ingest
    from dateline.flows.settings import Settings

    started = time.perf_counter()
    summary = run_ingest([source], Settings(db_path=db, export_dir=None))
    return time.perf_counter() - started, summary.counts.new, summary.stage_seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument(
        "--pages", type=int, default=None, help="pages in the reader benchmark (all)"
    )
    parser.add_argument("--ingest-pages", type=int, default=300, help="pages ingested both ways")
    parser.add_argument("--repeat", type=int, default=3, help="best of N reads per library")
    parser.add_argument(
        "--stream-mb",
        type=lambda text: [int(part) for part in text.split(",")],
        help="ingest uncompressed WARC files of these sizes in MB (comma-separated) instead",
    )
    parser.add_argument("--batch-size", type=int, default=2000, help="pages per part (--stream-mb)")
    parser.add_argument(
        "--no-files", action="store_true", help="--stream-mb without the .html files' ingest"
    )
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="dateline-bench-warc-"))
    try:
        pages = corpus_pages(args.corpus, args.pages)
        if not pages:
            raise SystemExit(f"no *.html.gz pages under {args.corpus}")
        if args.stream_mb:
            stream_benchmark(
                pages, args.stream_mb, args.batch_size, scratch, files=not args.no_files
            )
            return
        warc = scratch / "pages.warc.gz"
        html_bytes = write_warc(pages, warc)
        on_disk, stream = os.path.getsize(warc), uncompressed_size(warc)
        print(
            f"WARC of {len(pages)} pages: {on_disk / 1e6:.1f} MB gzipped, "
            f"{stream / 1e6:.1f} MB uncompressed ({html_bytes / 1e6:.1f} MB of HTML)"
        )
        for name, reader in (("fastwarc", time_fastwarc), ("warcio", time_warcio)):
            runs = [reader(warc) for _ in range(args.repeat)]
            records, payload, seconds = min(runs, key=lambda run: run[2])
            assert payload == html_bytes, (name, payload, html_bytes)
            print(
                f"  {name:9s} {records / seconds:9.0f} records/s  "
                f"{on_disk / 1e6 / seconds:7.1f} MB/s on disk  "
                f"{stream / 1e6 / seconds:7.1f} MB/s uncompressed  ({seconds:.2f} s, best of {args.repeat})"
            )

        # --ingest-pages 0 skips the ingest comparison.
        subset = corpus_pages(args.corpus, args.ingest_pages) if args.ingest_pages else []
        if not subset:
            return
        small = scratch / "subset.warc.gz"
        write_warc(subset, small)
        folder = scratch / "html"
        folder.mkdir()
        for number, path in enumerate(subset):
            (folder / f"{number:06d}.html").write_bytes(gzip.decompress(path.read_bytes()))
        print(f"Dateline ingest of {len(subset)} pages (one process, seconds per stage):")
        for label, source, db in (
            ("as one WARC file", small, "warc.duckdb"),
            ("as .html files", folder, "html.duckdb"),
        ):
            seconds, new, stages = time_ingest(str(source), scratch / db)
            per_stage = ", ".join(
                f"{stage} {value:.1f}" for stage, value in stages.items() if value
            )
            print(f"  {label:17s} {seconds:6.1f} s  {new / seconds:6.1f} articles/s  ({per_stage})")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
