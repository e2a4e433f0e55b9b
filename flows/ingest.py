"""The ingest flow: discover, read, parse and normalize, load, models and tests, export.

Tasks work on batches of sources (``Settings.batch_size``), never on single
documents: a task run costs milliseconds of orchestration.
"""

from __future__ import annotations

import sys
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from flows import export as export_module
from flows import load, sources, warehouse
from flows.settings import SAMPLES_DIR, Settings
from transforms.articles import ArticleTables, build_article_tables

Progress = Callable[[str], None]


@dataclass
class RunSummary:
    run_id: str
    db_path: str
    status: str = "running"
    sources_seen: int = 0
    sources_skipped: int = 0
    counts: load.LoadCounts = field(default_factory=load.LoadCounts)
    rejects: int = 0
    reject_reasons: dict[str, int] = field(default_factory=dict)
    test_failures: list[str] = field(default_factory=list)
    models: int = 0
    export_dir: str | None = None
    seconds: float = 0.0


@dataclass
class ReadBatch:
    records: pl.DataFrame
    files: list[tuple[str, str]]
    rejects: list[sources.Reject]
    skipped_unchanged: int
    unchanged_articles: int


def _now() -> datetime:
    return datetime.now(UTC)


@task(name="discover sources", cache_policy=NO_CACHE)
def discover_sources(source_args: list[str]) -> tuple[list[Path], list[sources.Reject]]:
    return sources.discover(source_args)


@task(name="read batch", retries=2, retry_delay_seconds=1, cache_policy=NO_CACHE)
def read_batch(paths: list[Path], known: dict[str, tuple[str, int]], max_bytes: int) -> ReadBatch:
    """Read a batch of files; files whose bytes match the stored hash are skipped."""
    records: list[dict] = []
    files: list[tuple[str, str]] = []
    rejects: list[sources.Reject] = []
    skipped = unchanged_articles = 0
    for path in paths:
        result = sources.read_source(path, max_bytes)
        previous = known.get(result.path)
        if (
            result.file_hash is not None
            and previous is not None
            and previous[0] == result.file_hash
        ):
            skipped += 1
            unchanged_articles += previous[1]
            continue
        rejects.extend(result.rejects)
        if result.records:
            records.extend(result.records)
            files.append((result.path, result.file_hash))
    return ReadBatch(sources.records_frame(records), files, rejects, skipped, unchanged_articles)


@task(name="parse and normalize", cache_policy=NO_CACHE)
def parse_batch(
    records: pl.DataFrame, run_id: str, ingested_at: datetime, max_line_chars: int
) -> ArticleTables:
    return build_article_tables(
        records, run_id=run_id, ingested_at=ingested_at, max_line_chars=max_line_chars
    )


@task(name="load batch", cache_policy=NO_CACHE)
def load_into_warehouse(
    con, tables: ArticleTables, batch: ReadBatch, run_id: str
) -> tuple[load.LoadCounts, list[sources.Reject]]:
    now = _now()
    parse_rejects = [
        sources.Reject(r["source_uri"], r["reason"], r["detail"])
        for r in tables.rejects.iter_rows(named=True)
    ]
    all_rejects = batch.rejects + parse_rejects
    rejects = load.rejects_frame(all_rejects, run_id, now)
    files = load.sources_frame(tables, batch.files, run_id, now)
    return load.load_batch(con, tables, files, rejects), all_rejects


@task(name="build models and run data tests", cache_policy=NO_CACHE)
def build_models_and_test(con) -> tuple[int, list[warehouse.DataTestFailure]]:
    views = warehouse.build_models(con)
    return len(views), warehouse.run_data_tests(con)


@task(name="export parquet", retries=1, cache_policy=NO_CACHE)
def export_tables(con, out_dir: Path, run_id: str) -> dict:
    return export_module.export_parquet(con, out_dir, run_id=run_id)


def _batches(items: list[Path], size: int) -> list[list[Path]]:
    return [items[i : i + size] for i in range(0, len(items), max(size, 1))]


@flow(name="dateline-ingest", log_prints=False)
def ingest_flow(
    source_args: list[str] | None = None,
    db_path: str | None = None,
    export_dir: str | None = None,
    batch_size: int | None = None,
    max_source_bytes: int | None = None,
    show_progress: bool = False,
    lock_wait_seconds: int | None = None,
) -> RunSummary:
    """Ingest sources (files, folders, globs; the bundled samples when none) into the warehouse."""
    settings = Settings().with_overrides(
        db_path=Path(db_path) if db_path else None,
        export_dir=Path(export_dir) if export_dir else None,
        batch_size=batch_size,
        max_source_bytes=max_source_bytes,
        lock_wait_seconds=lock_wait_seconds,
    )
    return run_ingest(
        source_args or [], settings, progress=_stderr_progress if show_progress else None
    )


def _stderr_progress(message: str) -> None:
    print(f"  {message}", file=sys.stderr, flush=True)


def run_ingest(source_args: list[str], settings: Settings, progress: Progress | None) -> RunSummary:
    """The ingest steps in order; called inside ``ingest_flow`` (or directly by tests)."""
    started = _now()
    run_id = started.strftime("%Y%m%dT%H%M%SZ-") + uuid.uuid4().hex[:8]
    summary = RunSummary(run_id=run_id, db_path=str(settings.db_path))
    say = progress or (lambda message: None)
    # Another ingest or a reader may hold the file: wait for it (bounded) rather than fail.
    con = warehouse.connect_writer(
        settings.db_path,
        wait_seconds=settings.lock_wait_seconds,
        on_wait=progress or _stderr_progress,
    )
    try:
        warehouse.apply_schema(con)
        load.close_abandoned_runs(con, started)
        load.start_run(con, run_id, started)
        try:
            _run_steps(con, source_args or [str(SAMPLES_DIR)], settings, summary, say)
        except BaseException:
            summary.status = "failed"
            load.finish_run(
                con,
                run_id,
                finished_at=_now(),
                status="failed",
                sources_seen=summary.sources_seen,
                counts=summary.counts,
                rejects=summary.rejects,
            )
            raise
        load.finish_run(
            con,
            run_id,
            finished_at=_now(),
            status=summary.status,
            sources_seen=summary.sources_seen,
            counts=summary.counts,
            rejects=summary.rejects,
        )
    finally:
        con.close()
    summary.seconds = (_now() - started).total_seconds()
    return summary


def _run_steps(
    con, source_args: list[str], settings: Settings, summary: RunSummary, say: Progress
) -> None:
    paths, discover_rejects = discover_sources(source_args)
    summary.sources_seen = len(paths) + len(discover_rejects)
    if discover_rejects:
        rejects = load.rejects_frame(discover_rejects, summary.run_id, _now())
        con.register("discover_rejects", rejects)
        con.execute("INSERT INTO ingest_rejects SELECT * FROM discover_rejects")
        con.unregister("discover_rejects")
        _count_rejects(summary, discover_rejects)
    known = load.known_source_hashes(con)
    batches = _batches(paths, settings.batch_size)
    done = 0
    for number, batch_paths in enumerate(batches, start=1):
        batch = read_batch(batch_paths, known, settings.max_source_bytes)
        summary.sources_skipped += batch.skipped_unchanged
        summary.counts.unchanged += batch.unchanged_articles
        tables = parse_batch(batch.records, summary.run_id, _now(), settings.max_line_chars)
        counts, batch_rejects = load_into_warehouse(con, tables, batch, summary.run_id)
        summary.counts += counts
        _count_rejects(summary, batch_rejects)
        done += len(batch_paths)
        say(
            f"batch {number}/{len(batches)}: {done}/{len(paths)} sources, {summary.counts.new} new, "
            f"{summary.counts.updated} updated, {summary.counts.unchanged} unchanged, {summary.rejects} rejects"
        )
    say("building models and running data tests")
    summary.models, failures = build_models_and_test(con)
    summary.test_failures = [f"{f.name} ({f.n_rows} rows)" for f in failures]
    summary.status = "completed_with_test_failures" if failures else "completed"
    if settings.export_dir is not None:
        say(f"exporting Parquet to {settings.export_dir}")
        export_tables(con, settings.export_dir, summary.run_id)
        summary.export_dir = str(settings.export_dir)


def _count_rejects(summary: RunSummary, rejects: list[sources.Reject]) -> None:
    summary.rejects += len(rejects)
    for reject in rejects:
        summary.reject_reasons[reject.reason] = summary.reject_reasons.get(reject.reason, 0) + 1
