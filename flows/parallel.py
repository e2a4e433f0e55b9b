"""The read-and-parse stage of one batch, wherever it runs: in the flow process, in a
local process pool (``--workers N``) or on Dask workers (``--dask ADDRESS``).

Workers never open the warehouse: they stat, read and hash files, run
``build_article_tables`` and hand back frames (pool) or Parquet shards (Dask). The
flow process commits the batches one by one, in batch order, so a parallel run
loads the same rows as a serial one. Grain: one ``BatchJob`` in, one
``ParsedBatch`` out, each covering up to ``batch_size`` source files.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import logging
import multiprocessing
import operator
import os
import shutil
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path

import polars as pl

from dateline.flows import objectstore, sources
from dateline.transforms import schema
from dateline.transforms.assembly.articles import REJECT_SCHEMA, ArticleTables, build_article_tables

# One row per source file that was read and hashed; a local file has an mtime, an object
# of an object store (``s3://``) an ETag instead.
FILE_SCHEMA = {
    "source_path": pl.String,
    "file_hash": pl.String,
    "file_size": pl.Int64,
    "file_mtime_ns": pl.Int64,
    "object_etag": pl.String,
}
# One row per source file of a batch, in batch order, with what the warehouse holds about
# it (all null for a file never loaded). A frame, not a dict: Prefect walks a task's
# dict and list arguments item by item, which costs more than reading the batch.
BATCH_SOURCES_SCHEMA = {
    "source_path": pl.String,
    "file_hash": pl.String,
    "n_records": pl.Int32,
    "file_size": pl.Int64,
    "file_mtime_ns": pl.Int64,
    "object_etag": pl.String,
    "checked_at": schema.UTC_TIMESTAMP,
}
# A stored stat proves nothing for a file modified this close before it was read: a later
# write may land in the same timestamp tick (2 s on FAT, 1 s on HFS+) with the same size.
RACY_MTIME_NS = 2_000_000_000
# Records parsed at once: a web archive is one batch of thousands of pages, and the
# parse's working frames are several times the size of its HTML.
PARSE_CHUNK_RECORDS = 2000
# Batches handed out ahead of the committer, per worker: keeps workers busy while the
# committer loads, and bounds the frames waiting in memory.
BATCHES_AHEAD_PER_WORKER = 2
DASK_LOCAL = "local"
SHARD_META = "batch.json"
SHARD_FRAMES = ("files", "restat", "rejects")
# Dask's own loggers speak at INFO (every worker start and stop); a normal run shows warnings only.
DASK_LOG_ENV = {"DASK_LOGGING__DISTRIBUTED": "warning"}
DASK_LOGGERS = ("distributed", "bokeh", "tornado")
# What became of each file seen (RunSummary.file_dispositions): it gave an article, it was
# unchanged and not read again, it was rejected (``reject:<reason>``) or it held only
# records that are no article (``skipped:<reason>``).
ARTICLE, UNCHANGED, REJECT_PREFIX, SKIPPED_PREFIX = "article", "unchanged", "reject:", "skipped:"
# A web archive whose records are all requests, metadata, other media...: read, no page.
NO_PAGE_RECORDS = "no_page_records"
# A file whose records all repeat articles of other records (same URL, the last one wins).
DUPLICATE_RECORDS = "duplicate_records"
# ``path#N`` (a record of a multi-record file) -> ``path``; the rule of load.sources_frame.
RECORD_SUFFIX = r"#\d+$"


@dataclass(frozen=True)
class ArchivePart:
    """Which part of a web archive read in parts (``read_archive_parts``) a batch holds.

    Only the last part carries the file's bookkeeping row; the committer gathers the
    articles of all parts for it and decides the file's disposition then."""

    path: str
    number: int
    is_last: bool
    # At the last part: whether any part gave records (else the read decided the file's
    # disposition), and the reason of the file's first read reject, if any.
    had_records: bool = False
    read_reason: str | None = None


@dataclass
class ReadBatch:
    """A batch's files read into records; unchanged files are counted, not read again."""

    records: pl.DataFrame
    # Files that gave records (FILE_SCHEMA): their bookkeeping is replaced on load.
    files: pl.DataFrame
    rejects: list[sources.Reject]
    skipped_unchanged: int
    unchanged_articles: int
    # Files whose bytes hash as stored but whose stat was missing, moved or too recent
    # to trust (FILE_SCHEMA).
    restat: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=FILE_SCHEMA))
    # Records read and set aside as no article, by kind (web archives).
    skipped_records: dict[str, int] = field(default_factory=dict)
    # Files whose disposition waits for the parse (they gave records): path -> the reason
    # of their first read reject, if any. Every other file's disposition is final here.
    pending_files: dict[str, str | None] = field(default_factory=dict)
    file_dispositions: dict[str, int] = field(default_factory=dict)
    # Set when the batch is one part of a web archive read in parts.
    archive_part: ArchivePart | None = None


@dataclass(frozen=True)
class BatchJob:
    """One batch of source files to read and parse, with what the warehouse knows of them."""

    number: int
    # BATCH_SOURCES_SCHEMA: the batch's files and their stored hash and stat.
    sources: pl.DataFrame
    run_id: str
    ingested_at: datetime
    max_source_bytes: int
    max_line_chars: int
    # A part of a web archive already read by the committing process (``read_archive_parts``
    # streams the file there, part by part): only the parse remains.
    read_batch: ReadBatch | None = None
    read_seconds: float = 0.0


@dataclass
class ParsedBatch:
    """A batch ready to commit: the article tables plus the files' bookkeeping and rejects."""

    number: int
    n_paths: int
    tables: ArticleTables
    files: pl.DataFrame
    restat: pl.DataFrame
    # Read and parse rejects together (REJECT_SCHEMA: source_uri, reason, detail).
    rejects: pl.DataFrame
    skipped_unchanged: int
    unchanged_articles: int
    # When the batch's reads began: stored as the files' checked_at, the mark a later
    # run compares their mtime with.
    read_started_at: datetime
    read_seconds: float = 0.0
    parse_seconds: float = 0.0
    # Records set aside as no article, by kind; every file of the batch by disposition.
    skipped_records: dict[str, int] = field(default_factory=dict)
    file_dispositions: dict[str, int] = field(default_factory=dict)
    archive_part: ArchivePart | None = None
    # At the last part of a web archive read in parts: the articles its earlier parts gave
    # (article_id, source_uri), set by the committer so the file's bookkeeping lists them all.
    earlier_articles: pl.DataFrame | None = None

    @property
    def is_empty(self) -> bool:
        """Nothing to write: every file unchanged and untouched."""
        return not (
            self.tables.articles.height
            or self.files.height
            or self.restat.height
            or self.rejects.height
        )


@dataclass(frozen=True)
class ShardRef:
    """Where a Dask worker left a batch's shard (its counts are in the shard's JSON)."""

    number: int
    folder: str


def _files_frame(rows: list[tuple]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=FILE_SCHEMA, orient="row")


@dataclass(frozen=True)
class SourceStat:
    """What tells a source unchanged without reading it: size and mtime of a local file,
    size and ETag of an object."""

    size: int
    mtime_ns: int | None = None
    etag: str | None = None


def _stat(path: str) -> SourceStat | None:
    if objectstore.is_object_url(path):
        found = objectstore.stat_object(path)
        return None if found is None else SourceStat(found.size, etag=found.etag)
    try:
        stat = os.stat(path)
    except OSError:
        # read_source turns the same failure into a reject with its reason.
        return None
    return SourceStat(stat.st_size, mtime_ns=stat.st_mtime_ns)


def _is_unchanged(
    stat: SourceStat | None,
    stored_size: int | None,
    stored_mtime_ns: int | None,
    stored_etag: str | None,
    checked_at: datetime | None,
) -> bool:
    """Whether the stored stat proves the source unchanged since it was last hashed: the
    same ETag and size for an object (a new ETag comes with every write), the same size
    and an mtime well before that hash for a local file."""
    if stat is None:
        return False
    if stat.etag is not None:
        return (stat.etag, stat.size) == (stored_etag, stored_size)
    return (stat.size, stat.mtime_ns) == (stored_size, stored_mtime_ns) and _stat_is_trusted(
        stored_mtime_ns, checked_at
    )


def _file_row(path: str, file_hash: str | None, stat: SourceStat | None) -> tuple:
    if stat is None:
        return (path, file_hash, None, None, None)
    return (path, file_hash, stat.size, stat.mtime_ns, stat.etag)


def _stat_is_trusted(stored_mtime_ns: int | None, checked_at: datetime | None) -> bool:
    if stored_mtime_ns is None or checked_at is None:
        return False
    return stored_mtime_ns < int(checked_at.timestamp() * 1_000_000) * 1000 - RACY_MTIME_NS


def batch_sources(paths: Iterable[str]) -> pl.DataFrame:
    """A batch of files never loaded before (BATCH_SOURCES_SCHEMA, stored columns null)."""
    frame = pl.DataFrame({"source_path": list(paths)}, schema={"source_path": pl.String})
    stored = list(BATCH_SOURCES_SCHEMA.items())[1:]
    return frame.with_columns(pl.lit(None, dtype).alias(name) for name, dtype in stored)


def read_files(batch: pl.DataFrame, max_bytes: int) -> ReadBatch:
    """Read a batch of files into records: one row per file in (BATCH_SOURCES_SCHEMA), one
    row per record out.

    A file whose size and mtime match the stored ones is skipped unread, unless it was
    modified just before it was last hashed (``RACY_MTIME_NS``); so is an object whose
    ETag and size match. Otherwise it is read and hashed, and skipped when its bytes hash
    as stored (its stat goes to ``restat``, so the next run need not hash it again).
    """
    records: list[dict] = []
    files: list[tuple] = []
    restat: list[tuple] = []
    rejects: list[sources.Reject] = []
    skipped = unchanged_articles = 0
    skipped_records: dict[str, int] = {}
    pending: dict[str, str | None] = {}
    dispositions: dict[str, int] = {}
    # One stat (and at most one read) per file: inherent per-file I/O.
    for (
        path,
        stored_hash,
        n_records,
        stored_size,
        stored_mtime_ns,
        stored_etag,
        checked_at,
    ) in batch.select(list(BATCH_SOURCES_SCHEMA)).iter_rows():
        stat = _stat(path)
        if stored_hash is not None and _is_unchanged(
            stat, stored_size, stored_mtime_ns, stored_etag, checked_at
        ):
            skipped += 1
            unchanged_articles += n_records
            _count(dispositions, UNCHANGED)
            continue
        result = sources.read_source(path, max_bytes)
        if stored_hash is not None and result.file_hash == stored_hash:
            skipped += 1
            unchanged_articles += n_records
            _count(dispositions, UNCHANGED)
            if stat is not None:
                restat.append(_file_row(result.path, result.file_hash, stat))
            continue
        rejects.extend(result.rejects)
        for kind, n in result.skipped.items():
            _count(skipped_records, kind, n)
        first_reject = result.rejects[0].reason if result.rejects else None
        if result.records:
            records.extend(result.records)
            files.append(_file_row(result.path, result.file_hash, stat))
            pending[result.path] = first_reject
        elif first_reject is not None:
            _count(dispositions, REJECT_PREFIX + first_reject)
        else:
            # Read whole, and nothing in it is an article (a web archive of other records):
            # its hash is kept like any file's, so it is not read again while unchanged.
            files.append(_file_row(result.path, result.file_hash, stat))
            _count(dispositions, SKIPPED_PREFIX + NO_PAGE_RECORDS)
    return ReadBatch(
        records=sources.records_frame(records),
        files=_files_frame(files),
        rejects=rejects,
        skipped_unchanged=skipped,
        unchanged_articles=unchanged_articles,
        restat=_files_frame(restat),
        skipped_records=skipped_records,
        pending_files=pending,
        file_dispositions=dispositions,
    )


def read_archive_parts(batch: pl.DataFrame, max_bytes: int, part_pages: int) -> Iterator[ReadBatch]:
    """A batch of one web archive (BATCH_SOURCES_SCHEMA, one row) read front to back in
    parts of at most ``part_pages`` pages each, one ``ReadBatch`` per part, each made when
    the caller asks for it: a multi-gigabyte archive is parsed and loaded part by part and
    memory holds one part at a time.

    An archive unchanged since its last read is one batch that skips it, as ``read_files``
    does: by its stat unread, or by its hash (one pass over the bytes, no parse) when only
    its stat moved. The last part carries the file's bookkeeping row (``files``) and its
    ``ArchivePart``; earlier parts carry records, rejects and skip counts only, so a run
    stopped halfway leaves the file unrecorded and the next run reads it again.
    """
    [row] = batch.select(list(BATCH_SOURCES_SCHEMA)).iter_rows()
    path, stored_hash, n_records, stored_size, stored_mtime_ns, stored_etag, checked_at = row
    stat = _stat(path)
    if stored_hash is not None:
        unchanged = _is_unchanged(stat, stored_size, stored_mtime_ns, stored_etag, checked_at)
        restat = []
        if not unchanged and stat is not None:
            try:
                unchanged = sources._hash_file(path) == stored_hash
            except OSError:
                unchanged = False  # reading it below says why
            restat = [_file_row(path, stored_hash, stat)] if unchanged else []
        if unchanged:
            yield ReadBatch(
                records=sources.records_frame([]),
                files=_files_frame([]),
                rejects=[],
                skipped_unchanged=1,
                unchanged_articles=n_records or 0,
                restat=_files_frame(restat),
                file_dispositions={UNCHANGED: 1},
            )
            return
    first_reject: str | None = None
    had_records = False
    for number, part in enumerate(
        sources.iter_web_archive(path, max_bytes, part_pages=part_pages), start=1
    ):
        if first_reject is None and part.rejects:
            first_reject = part.rejects[0].reason
        had_records = had_records or bool(part.records)
        files: list[tuple] = []
        dispositions: dict[str, int] = {}
        if not part.is_partial:
            if had_records or first_reject is None:
                # Kept like any file's hash (also for an archive of no page), so an
                # unchanged one is not read again.
                files.append(_file_row(path, part.file_hash, stat))
            if not had_records:
                reason = REJECT_PREFIX + first_reject if first_reject else None
                _count(dispositions, reason or SKIPPED_PREFIX + NO_PAGE_RECORDS)
        records = sources.records_frame(part.records)
        # The frame holds the pages now: the part's list of them goes before the parse.
        part.records.clear()
        yield ReadBatch(
            records=records,
            files=_files_frame(files),
            rejects=part.rejects,
            skipped_unchanged=0,
            unchanged_articles=0,
            skipped_records=dict(part.skipped),
            file_dispositions=dispositions,
            archive_part=ArchivePart(
                path,
                number,
                is_last=not part.is_partial,
                had_records=had_records,
                read_reason=first_reject,
            ),
        )


def _count(counts: dict[str, int], key: str, n: int = 1) -> None:
    counts[key] = counts.get(key, 0) + n


def file_dispositions(
    read: ReadBatch, tables: ArticleTables, rejects: pl.DataFrame
) -> dict[str, int]:
    """Every file of a read batch by disposition: the read's final ones, plus those of the
    files that gave records, now that the parse has said which of them gave an article
    (else the reason of their first reject, read or parse)."""
    counts = dict(read.file_dispositions)
    if not read.pending_files:
        return counts
    with_article = set(
        tables.articles.get_column("source_uri").str.replace(RECORD_SUFFIX, "").to_list()
    )
    parse_reasons = dict(
        rejects.select(pl.col("source_uri").str.replace(RECORD_SUFFIX, ""), "reason")
        .unique("source_uri", keep="first", maintain_order=True)
        .iter_rows()
    )
    for path, read_reason in read.pending_files.items():
        if path in with_article:
            _count(counts, ARTICLE)
        elif (reason := read_reason or parse_reasons.get(path)) is not None:
            _count(counts, REJECT_PREFIX + reason)
        else:
            _count(counts, SKIPPED_PREFIX + DUPLICATE_RECORDS)
    return counts


@cache
def empty_tables() -> ArticleTables:
    """The article tables of no records, from the schema (a batch of unchanged files
    skips the parser and its one-off start-up cost)."""
    frames = {table.name: schema.empty_frame(table) for table in schema.ARTICLE_TABLES}
    return ArticleTables(**frames, rejects=pl.DataFrame(schema=REJECT_SCHEMA))


def parse_records(
    records: pl.DataFrame,
    run_id: str,
    ingested_at: datetime,
    max_line_chars: int,
    chunk_records: int = PARSE_CHUNK_RECORDS,
) -> ArticleTables:
    """``build_article_tables`` for a batch, ``chunk_records`` records at a time (a web
    archive's batch holds all its pages); an empty batch gets empty tables without parsing.

    Each record is parsed on its own (batch-level shortcuts give what one document alone
    gives), so chunks change only the peak memory of the parse's working frames. As within
    one call, of records with the same article id the last one wins.
    """
    if records.height == 0:
        return empty_tables()
    parts = [
        build_article_tables(
            records.slice(start, chunk_records),
            run_id=run_id,
            ingested_at=ingested_at,
            max_line_chars=max_line_chars,
        )
        for start in range(0, records.height, max(chunk_records, 1))
    ]
    return parts[0] if len(parts) == 1 else _concat_tables(parts)


def _concat_tables(parts: list[ArticleTables]) -> ArticleTables:
    """The tables of consecutive chunks as one; an article id in several chunks keeps the
    rows of its last chunk only."""
    kept = (
        pl.concat(
            [part.articles.select("article_id", chunk=pl.lit(n)) for n, part in enumerate(parts)]
        )
        .unique("article_id", keep="last", maintain_order=True)
        .select("chunk", "article_id")
    )
    frames: dict[str, pl.DataFrame] = {}
    for table in schema.ARTICLE_TABLES:
        frames[table.name] = pl.concat(
            [
                getattr(part, table.name).join(
                    kept.filter(pl.col("chunk") == n).select("article_id"),
                    on="article_id",
                    how="semi",
                    maintain_order="left",
                )
                for n, part in enumerate(parts)
            ]
        )
    return ArticleTables(**frames, rejects=pl.concat([part.rejects for part in parts]))


def rejects_rows(rejects: list[sources.Reject]) -> pl.DataFrame:
    """One row per reject (REJECT_SCHEMA)."""
    return pl.DataFrame(
        [(r.source_uri, r.reason, r.detail) for r in rejects], schema=REJECT_SCHEMA, orient="row"
    )


def assemble(
    number: int,
    n_paths: int,
    read_started_at: datetime,
    read: ReadBatch,
    tables: ArticleTables,
    read_seconds: float,
    parse_seconds: float,
) -> ParsedBatch:
    """A read batch and its parsed tables as one committable batch."""
    rejects = pl.concat([rejects_rows(read.rejects), tables.rejects.select(list(REJECT_SCHEMA))])
    return ParsedBatch(
        number=number,
        n_paths=n_paths,
        tables=tables,
        files=read.files,
        restat=read.restat,
        rejects=rejects,
        skipped_unchanged=read.skipped_unchanged,
        unchanged_articles=read.unchanged_articles,
        read_started_at=read_started_at,
        read_seconds=read_seconds,
        parse_seconds=parse_seconds,
        skipped_records=read.skipped_records,
        file_dispositions=file_dispositions(read, tables, rejects),
        archive_part=read.archive_part,
    )


def read_and_parse(
    job: BatchJob,
    read: Callable[..., ReadBatch] | None = None,
    parse: Callable[..., ArticleTables] | None = None,
) -> ParsedBatch:
    """Read and parse one batch (never touches the warehouse): in a worker process, or in
    the flow with ``read`` and ``parse`` given as its tasks (``read_files`` and
    ``parse_records`` by default)."""
    started = time.perf_counter()
    if job.read_batch is not None:
        read = job.read_batch
        started -= job.read_seconds
    else:
        read = (read or read_files)(job.sources, job.max_source_bytes)
    read_done = time.perf_counter()
    # A batch of unchanged files has nothing to parse (nor a parse task to run).
    tables = (
        (parse or parse_records)(read.records, job.run_id, job.ingested_at, job.max_line_chars)
        if read.records.height
        else empty_tables()
    )
    part = read.archive_part
    return assemble(
        job.number,
        # A file is counted done with the last part of it.
        job.sources.height if part is None or part.is_last else 0,
        job.ingested_at,
        read,
        tables,
        read_done - started,
        time.perf_counter() - read_done,
    )


# -- Parquet shards (Dask) ---------------------------------------------------------


def shard_folder(shard_root: Path, run_id: str, number: int) -> Path:
    return shard_root / run_id / f"batch-{number:06d}"


def write_shard(batch: ParsedBatch, folder: Path) -> ShardRef:
    """Write a parsed batch as one Parquet file per frame plus a small JSON of counts.

    Written under a temporary name and renamed, so a retried task never leaves half a shard.
    """
    staging = folder.with_name(folder.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    frames = {**batch.tables.by_table(), "tables_rejects": batch.tables.rejects}
    frames.update({name: getattr(batch, name) for name in SHARD_FRAMES})
    for name, frame in frames.items():
        frame.write_parquet(staging / f"{name}.parquet", compression="zstd")
    meta = {
        "number": batch.number,
        "n_paths": batch.n_paths,
        "skipped_unchanged": batch.skipped_unchanged,
        "unchanged_articles": batch.unchanged_articles,
        "read_started_at": batch.read_started_at.isoformat(),
        "read_seconds": batch.read_seconds,
        "parse_seconds": batch.parse_seconds,
        "skipped_records": batch.skipped_records,
        "file_dispositions": batch.file_dispositions,
        "archive_part": dataclasses.asdict(batch.archive_part) if batch.archive_part else None,
    }
    (staging / SHARD_META).write_text(json.dumps(meta), encoding="utf-8")
    shutil.rmtree(folder, ignore_errors=True)
    staging.rename(folder)
    return ShardRef(batch.number, str(folder))


def read_shard(ref: ShardRef) -> ParsedBatch:
    """The parsed batch a worker wrote to ``ref.folder``."""
    folder = Path(ref.folder)
    meta = json.loads((folder / SHARD_META).read_text(encoding="utf-8"))
    meta["read_started_at"] = datetime.fromisoformat(meta["read_started_at"])
    if meta.get("archive_part"):
        meta["archive_part"] = ArchivePart(**meta["archive_part"])
    table_names = [*ArticleTables.__dataclass_fields__]
    frames = {
        name: pl.read_parquet(folder / f"{'tables_rejects' if name == 'rejects' else name}.parquet")
        for name in table_names
    }
    return ParsedBatch(
        tables=ArticleTables(**frames),
        **{name: pl.read_parquet(folder / f"{name}.parquet") for name in SHARD_FRAMES},
        **meta,
    )


def read_parse_and_shard(job: BatchJob, shard_root: str) -> ShardRef:
    """Read and parse one batch and leave it as a shard under ``shard_root``; runs on a Dask worker."""
    batch = read_and_parse(job)
    return write_shard(batch, shard_folder(Path(shard_root), job.run_id, job.number))


def remove_shard(ref: ShardRef) -> None:
    shutil.rmtree(ref.folder, ignore_errors=True)


# -- running batches ahead of the committer ---------------------------------------------


def in_batch_order(
    submit: Callable[[BatchJob], Future],
    jobs: Iterator[BatchJob],
    ahead: int,
    result: Callable[[Future], object] = operator.methodcaller("result"),
) -> Iterator[object]:
    """Results of ``submit(job)`` in job order, with at most ``ahead`` jobs in flight.

    Workers run ahead of the caller while it commits, and finished results wait at
    most ``ahead`` deep, so memory stays bounded however many batches there are.
    """
    pending: deque = deque()
    for job in jobs:
        pending.append(submit(job))
        if len(pending) >= max(ahead, 1):
            yield result(pending.popleft())
    while pending:
        yield result(pending.popleft())


def available_cores() -> int:
    """The cores this process may run on (its CPU affinity where the platform tells it)."""
    if hasattr(os, "sched_getaffinity"):
        return max(len(os.sched_getaffinity(0)), 1)
    return os.cpu_count() or 1


def worker_threads(workers: int, cores: int | None = None) -> int:
    """Threads of each worker's Polars pool: the cores shared out, at least one each."""
    return max((cores or available_cores()) // max(workers, 1), 1)


@contextlib.contextmanager
def _spawn_environment(values: dict[str, str]) -> Iterator[None]:
    """``values`` in this process's environment while the block runs (a value the user
    set already is kept), for the processes spawned meanwhile to inherit."""
    added = {name: value for name, value in values.items() if name not in os.environ}
    os.environ.update(added)
    try:
        yield
    finally:
        for name in added:
            os.environ.pop(name, None)


@contextlib.contextmanager
def process_pool(workers: int) -> Iterator[ProcessPoolExecutor]:
    """A pool of ``workers`` fresh processes (spawned: Polars' threads do not survive a fork).

    Each worker's Polars pool gets its share of the cores (``worker_threads``), not a
    thread per core: N workers of all-core pools would run N times the threads there are
    cores for. Polars sizes its pool from ``POLARS_MAX_THREADS`` when it is imported, which
    a spawned worker does while it starts (its main module imports it), so the variable
    is set in the environment the workers are spawned with, for the pool's whole life (the
    pool spawns its workers as jobs are submitted). The flow process keeps its own pool.
    """
    threads = {"POLARS_MAX_THREADS": str(worker_threads(workers))}
    with _spawn_environment(threads):
        pool = ProcessPoolExecutor(
            max_workers=workers, mp_context=multiprocessing.get_context("spawn")
        )
        try:
            yield pool
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            raise
        else:
            pool.shutdown(wait=True)


def quiet_dask() -> None:
    """Keep Dask's INFO chatter out of a normal run; warnings and errors still show.

    Set before ``distributed`` is imported so spawned local workers inherit it; a user's
    own DASK_LOGGING__DISTRIBUTED wins.
    """
    for name, value in DASK_LOG_ENV.items():
        os.environ.setdefault(name, value)
    if os.environ.get("DASK_LOGGING__DISTRIBUTED") == DASK_LOG_ENV["DASK_LOGGING__DISTRIBUTED"]:
        for name in DASK_LOGGERS:
            logging.getLogger(name).setLevel(logging.WARNING)


def dask_task_runner(address: str, local_workers: int | None = None):
    """A ``DaskTaskRunner`` for a scheduler address, or for a temporary LocalCluster when
    ``address`` is ``"local"`` (``local_workers`` processes, one thread each)."""
    quiet_dask()
    from prefect_dask import DaskTaskRunner

    if address == DASK_LOCAL:
        cluster = {"processes": True, "threads_per_worker": 1}
        if local_workers and local_workers > 1:
            cluster["n_workers"] = local_workers
        return DaskTaskRunner(cluster_kwargs=cluster)
    return DaskTaskRunner(address=address)


def dask_slots(runner) -> int:
    """Worker threads the Dask cluster offers right now (at least 1)."""
    try:
        return max(sum(runner.client.nthreads().values()), 1)
    except Exception:  # a scheduler that cannot say is still usable; assume two slots
        return 2


@contextlib.contextmanager
def prefect_api_for_workers() -> Iterator[None]:
    """Point task runs started elsewhere at this process's Prefect API.

    Without ``PREFECT_API_URL`` a flow uses a temporary local server; a Dask worker that
    inherits no URL would boot a server of its own (tens of seconds, left behind when the
    worker is killed). Pinning the URL makes local workers report to the flow's server;
    workers on other machines need ``PREFECT_API_URL`` set to a server they can reach.
    """
    from prefect.client.orchestration import get_client
    from prefect.settings import PREFECT_API_URL, temporary_settings

    if PREFECT_API_URL.value():
        yield
        return
    url = str(get_client(sync_client=True).api_url)
    with temporary_settings(updates={PREFECT_API_URL: url}):
        yield
