"""The ingest: discover, read, parse and normalize, load, models and tests, export.

Plain functions, no Prefect: ``dateline ingest`` with no Prefect server configured calls
``run_ingest`` directly (importing Prefect alone costs a second or two, its temporary
server ten or more). ``flows/orchestration.py`` runs the same steps as a Prefect flow
whose tasks wrap the calls of ``IngestSteps``, so a server shows each as a task run.

Steps work on batches of sources (``Settings.batch_size``), never on single documents:
a task run costs milliseconds of orchestration. Reading and parsing run in this
process, in a local process pool (``Settings.workers``) or on Dask
(``Settings.dask_address``, through Prefect's Dask task runner); loading always runs
here, one transaction per batch, in batch order (in this process, each batch's load
runs in a thread of its own while the next batch is read and parsed).
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import os
import shutil
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import polars as pl

from dateline.flows import export as export_module
from dateline.flows import load, parallel, sources, stories, warehouse
from dateline.flows.parallel import BatchJob, ParsedBatch, ReadBatch
from dateline.flows.settings import Settings, samples_dir
from dateline.transforms.assembly.articles import ArticleTables

Progress = Callable[[str], None]
# Stages timed in RunSummary.stage_seconds, in run order.
STAGES = ("discover", "read", "parse", "load", "stories", "models", "export")


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
    # Every file seen, by what became of it (``parallel.ARTICLE``, ``UNCHANGED``,
    # ``reject:<reason>``, ``skipped:<reason>``): the counts add up to ``sources_seen``.
    file_dispositions: dict[str, int] = field(default_factory=dict)
    # Records of web archives set aside as no article, by kind (request, metadata,
    # revisit, not_html, status_404...).
    skipped_records: dict[str, int] = field(default_factory=dict)
    # What the story-cluster update did (None when the run changed nothing).
    stories: stories.StoryCounts | None = None
    test_failures: list[str] = field(default_factory=list)
    models: int = 0
    # True when nothing changed since a run whose data tests passed (see _nothing_changed).
    data_tests_skipped: bool = False
    export_dir: str | None = None
    seconds: float = 0.0
    # Seconds per stage (STAGES). With workers or Dask, read and parse are summed over the
    # workers, so together they may exceed the run's wall time.
    stage_seconds: dict[str, float] = field(default_factory=lambda: dict.fromkeys(STAGES, 0.0))


def _now() -> datetime:
    return datetime.now(UTC)


def load_parsed_batch(con, batch: ParsedBatch, run_id: str) -> load.LoadCounts:
    """Write one parsed batch with its files' bookkeeping and rejects (one transaction)."""
    now = _now()
    rejects = load.rejects_frame(batch.rejects, run_id, now)
    files = load.sources_frame(
        batch.tables, batch.files, run_id, now, earlier_articles=batch.earlier_articles
    )
    # checked_at is when the reads began: a later run trusts a stat only for an mtime well before it.
    stats = (
        pl.concat([batch.files, batch.restat])
        .filter(pl.col("file_mtime_ns").is_not_null() | pl.col("object_etag").is_not_null())
        .select(
            "source_path",
            "file_size",
            "file_mtime_ns",
            checked_at=pl.lit(batch.read_started_at, load.STAT_SCHEMA["checked_at"]),
            object_etag="object_etag",
        )
    )
    return load.load_batch(con, batch.tables, files, rejects, stats)


def build_models_and_test(con) -> tuple[int, list[warehouse.DataTestFailure]]:
    """Rebuild the model views and run the data tests; (views built, failures)."""
    views = warehouse.build_models(con)
    return len(views), warehouse.run_data_tests(con)


def export_tables(con, out_dir: Path, run_id: str) -> dict:
    return export_module.export_parquet(con, out_dir, run_id=run_id)


@dataclass(frozen=True)
class IngestSteps:
    """The calls a run is made of, in run order. Plain functions here; the Prefect flow
    passes the same functions wrapped as tasks (``orchestration.TASK_STEPS``)."""

    discover: Callable[[list[str]], tuple[list[str], list[sources.Reject]]] = sources.discover_files
    # A batch of files (parallel.BATCH_SOURCES_SCHEMA) and the size limit -> ReadBatch.
    read: Callable[[pl.DataFrame, int], ReadBatch] = parallel.read_files
    parse: Callable[[pl.DataFrame, str, datetime, int], ArticleTables] = parallel.parse_records
    load_batch: Callable[..., load.LoadCounts] = load_parsed_batch
    # After the loads: story clusters brought up to date with the run's articles.
    cluster_stories: Callable[..., stories.StoryCounts] = stories.update_story_clusters
    models: Callable[..., tuple[int, list[warehouse.DataTestFailure]]] = build_models_and_test
    export: Callable[..., dict] = export_tables


PLAIN_STEPS = IngestSteps()


def cut_batches(paths: list[str], size: int, workers: int = 1) -> list[list[str]]:
    """``paths`` in consecutive batches (``split_batches``), except that a web archive
    (``.warc``, ``.arc``, gzipped or not) is a batch of its own: one holds thousands of
    pages, so it is read in parts of ``size`` pages (``parallel.read_archive_parts``)."""
    batches: list[list[str]] = []
    run: list[str] = []
    for path in paths:
        if sources.source_kind(path) == "warc":
            batches.extend(split_batches(run, size, workers))
            batches.append([path])
            run = []
        else:
            run.append(path)
    batches.extend(split_batches(run, size, workers))
    return batches


def split_batches(items: list[str], size: int, workers: int = 1) -> list[list[str]]:
    """``items`` in consecutive batches of at most ``size``. With several workers the
    batches are evened out to a multiple of the workers, so no worker parses a last batch
    alone while the others wait (10 files, size 4, 2 workers: 3+3+2+2, not 4+4+2)."""
    n_batches = -(-len(items) // max(size, 1))
    if workers > 1:
        n_batches = min(-(-n_batches // workers) * workers, len(items))
    if n_batches == 0:
        return []
    # Sizes differ by at most one: the first ``extra`` batches take one more item.
    base, extra = divmod(len(items), n_batches)
    bounds = [i * base + min(i, extra) for i in range(n_batches + 1)]
    return [items[start:end] for start, end in zip(bounds, bounds[1:], strict=False)]


def print_progress(message: str) -> None:
    """Progress lines go to stderr, so the summary on stdout stays clean to read or pipe."""
    print(f"  {message}", file=sys.stderr, flush=True)


def run_ingest(
    source_args: list[str],
    settings: Settings,
    progress: Progress | None = None,
    *,
    steps: IngestSteps = PLAIN_STEPS,
) -> RunSummary:
    """Ingest sources (files, folders, globs; the bundled samples when none) into the
    warehouse at ``settings.db_path``: the steps in order, one summary out.

    Called directly by ``dateline ingest`` (no Prefect server), and by the Prefect flow
    with its tasks as ``steps``. ``progress`` receives one line per batch and stage.
    """
    started = _now()
    run_id = started.strftime("%Y%m%dT%H%M%SZ-") + uuid.uuid4().hex[:8]
    summary = RunSummary(run_id=run_id, db_path=str(settings.db_path))
    say = progress or (lambda message: None)
    # Another ingest or a reader may hold the file: wait for it (bounded) rather than fail.
    con = warehouse.connect_writer(
        settings.db_path,
        wait_seconds=settings.lock_wait_seconds,
        on_wait=progress or print_progress,
    )
    try:
        load.limit_memory(con, settings.duckdb_memory_limit)
        load.set_checkpoint_threshold(con, settings.duckdb_checkpoint_threshold)
        warehouse.apply_schema(con)
        load.close_abandoned_runs(con, started)
        load.start_run(con, run_id, started)
        try:
            _run_steps(con, source_args or [str(samples_dir())], settings, summary, say, steps)
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


class _StageClock:
    """Adds the seconds spent in each stage to ``RunSummary.stage_seconds``; safe to call
    from the loading thread and this one at once (both add to ``read``)."""

    def __init__(self, summary: RunSummary) -> None:
        self.seconds = summary.stage_seconds
        self._lock = threading.Lock()

    def add(self, stage: str, seconds: float) -> None:
        with self._lock:
            self.seconds[stage] = self.seconds.get(stage, 0.0) + seconds

    @contextlib.contextmanager
    def timed(self, stage: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.add(stage, time.perf_counter() - started)


def _run_steps(
    con,
    source_args: list[str],
    settings: Settings,
    summary: RunSummary,
    say: Progress,
    steps: IngestSteps,
) -> None:
    clock = _StageClock(summary)
    with clock.timed("discover"):
        paths, discover_rejects = steps.discover(source_args)
    summary.sources_seen = len(paths) + len(discover_rejects)
    # A folder's README, LICENSE...: no article, known by name, so never read nor batched.
    documentation = [path for path in paths if sources.is_documentation(os.path.basename(path))]
    if documentation:
        paths = [path for path in paths if not sources.is_documentation(os.path.basename(path))]
        key = parallel.SKIPPED_PREFIX + sources.DOCUMENTATION
        _add_counts(summary.file_dispositions, {key: len(documentation)})
    if discover_rejects:
        rejects = load.rejects_frame(discover_rejects, summary.run_id, _now())
        con.register("discover_rejects", rejects)
        con.execute("INSERT INTO ingest_rejects SELECT * FROM discover_rejects")
        con.unregister("discover_rejects")
        _count_rejects(summary, discover_rejects)
        for reject in discover_rejects:
            _add_counts(summary.file_dispositions, {parallel.REJECT_PREFIX + reject.reason: 1})
    # Dask spreads batches over its own worker threads: only the process pool is evened out.
    pool_workers = settings.workers if not settings.dask_address else 1
    batches = cut_batches(paths, settings.batch_size, pool_workers)
    # The jobs ask the warehouse about their files on a connection of their own: a batch is
    # loaded on ``con`` (in another thread, in this process) while the next one is made.
    job_con = con.cursor()
    jobs = _jobs(job_con, batches, settings, summary.run_id, clock)
    committer = _Committer(
        con,
        summary,
        clock,
        _BatchProgress(len(batches), len(paths), summary, say),
        steps.load_batch,
    )
    # The loads run under a memory limit of their own (Settings.load_memory_limit).
    load.limit_memory(con, settings.load_memory_limit)
    try:
        if settings.dask_address:
            _run_on_dask(jobs, settings, summary.run_id, clock, committer, say)
        elif settings.workers > 1:
            _run_in_processes(jobs, settings, committer, say)
        else:
            _run_here(jobs, steps, committer)
    finally:
        job_con.close()
        load.limit_memory(con, settings.duckdb_memory_limit)
    if _nothing_changed(con, summary, len(paths)):
        # Every file was skipped unread and the last run passed its data tests: the tables
        # are the ones those tests saw, so they are not run again (seconds at 100k articles).
        summary.data_tests_skipped = True
        summary.status = "completed"
    else:
        say("building story clusters")
        with clock.timed("stories"):
            summary.stories = steps.cluster_stories(con)
        say("building models and running data tests")
        with clock.timed("models"):
            summary.models, failures = steps.models(con)
        summary.test_failures = [f"{f.name} ({f.n_rows} rows)" for f in failures]
        summary.status = "completed_with_test_failures" if failures else "completed"
    if settings.export_dir is not None:
        say(f"exporting Parquet to {settings.export_dir}")
        with clock.timed("export"):
            steps.export(con, settings.export_dir, summary.run_id)
        summary.export_dir = str(settings.export_dir)


LAST_FINISHED_RUN_SQL = """
    SELECT status FROM ingest_runs
    WHERE run_id <> $run_id AND finished_at IS NOT NULL
    ORDER BY finished_at DESC LIMIT 1
"""


def _nothing_changed(con, summary: RunSummary, n_paths: int) -> bool:
    """True when this run read no file (all unchanged), rejected nothing, and the run
    before it completed with its data tests passing."""
    if summary.sources_skipped != n_paths or summary.rejects or summary.counts.new:
        return False
    previous = con.execute(LAST_FINISHED_RUN_SQL, {"run_id": summary.run_id}).fetchall()
    return bool(previous) and previous[0][0] == "completed"


def _jobs(
    con, batches: list[list[str]], settings: Settings, run_id: str, clock: _StageClock
) -> Iterator[BatchJob]:
    """One job per batch, made when it is due: the warehouse is asked only about that batch's
    files. A web archive is read here, part by part, one job per part of ``batch_size``
    pages (only the parse is left to the job), so a multi-gigabyte archive streams."""
    numbers = iter(range(1, sys.maxsize))
    for batch_paths in batches:
        with clock.timed("read"):
            known = load.known_sources(con, batch_paths)
        job = functools.partial(
            BatchJob,
            sources=known,
            run_id=run_id,
            max_source_bytes=settings.max_source_bytes,
            max_line_chars=settings.max_line_chars,
        )
        if len(batch_paths) == 1 and sources.source_kind(batch_paths[0]) == "warc":
            parts = parallel.read_archive_parts(
                known, settings.max_source_bytes, settings.batch_size
            )
            while True:
                started = time.perf_counter()
                part = next(parts, None)
                if part is None:
                    break
                yield job(
                    number=next(numbers),
                    ingested_at=_now(),
                    read_batch=part,
                    read_seconds=time.perf_counter() - started,
                )
                # No name holds the part once handed on: memory holds the parts in flight.
                del part
            continue
        yield job(number=next(numbers), ingested_at=_now())


class _BatchProgress:
    """One progress line per committed batch."""

    def __init__(self, n_batches: int, n_paths: int, summary: RunSummary, say: Progress) -> None:
        self.n_batches, self.n_paths, self.summary, self.say = n_batches, n_paths, summary, say
        self.done = self.done_batches = 0

    def batch_done(self, batch: ParsedBatch) -> None:
        self.done += batch.n_paths
        part = batch.archive_part
        if part is None or part.is_last:
            self.done_batches += 1
        where = f" ({os.path.basename(part.path)} part {part.number})" if part else ""
        counts = self.summary.counts
        self.say(
            f"batch {self.done_batches}/{self.n_batches}{where}: {self.done}/{self.n_paths} "
            f"sources, {counts.new} new, {counts.updated} updated, {counts.unchanged} unchanged, "
            f"{self.summary.rejects} rejects"
        )


def _run_here(jobs: Iterator[BatchJob], steps: IngestSteps, committer: _Committer) -> None:
    """Read, parse and commit each batch in this process, each batch's commit in a loading
    thread while the next batch is read and parsed.

    DuckDB and Polars let go of the interpreter lock while they work, so a load and the
    next parse share the machine's cores. Commits stay one at a time and in batch order
    (a commit is handed on only once the one before it has finished), and a run holds at
    most two batches: the one being loaded and the one being made.
    """
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="dateline-load") as loader:
        loading: Future | None = None
        for job in jobs:
            batch = parallel.read_and_parse(job, read=steps.read, parse=steps.parse)
            if loading is not None:
                loading.result()
            # The caller's context goes along: a Prefect flow's load task runs in its flow run.
            loading = loader.submit(contextvars.copy_context().run, committer.commit, batch)
            # Freed once committed: no name here holds the batch being loaded.
            del batch
        if loading is not None:
            loading.result()


def _run_in_processes(
    jobs: Iterator[BatchJob], settings: Settings, committer: _Committer, say: Progress
) -> None:
    say(f"reading and parsing in {settings.workers} worker processes")
    ahead = parallel.BATCHES_AHEAD_PER_WORKER * settings.workers
    with parallel.process_pool(settings.workers) as pool:
        for batch in parallel.in_batch_order(
            lambda job: pool.submit(parallel.read_and_parse, job), jobs, ahead
        ):
            committer.commit(batch)
            # Freed now, not when the next batch has arrived: one committed batch at a time.
            del batch


def _run_on_dask(
    jobs: Iterator[BatchJob],
    settings: Settings,
    run_id: str,
    clock: _StageClock,
    committer: _Committer,
    say: Progress,
) -> None:
    """Read and parse on Dask workers through Prefect's Dask task runner (a Prefect import
    and, with no server configured, Prefect's temporary server)."""
    from dateline.flows.orchestration import read_parse_and_shard

    shard_root = settings.shard_root()
    run_shards = shard_root / run_id
    runner = parallel.dask_task_runner(settings.dask_address, settings.workers)
    try:
        with parallel.prefect_api_for_workers(), runner:
            slots = parallel.dask_slots(runner)
            say(f"reading and parsing on Dask ({slots} worker threads), shards in {run_shards}")

            def submit(job: BatchJob):
                return runner.submit(
                    read_parse_and_shard, {"job": job, "shard_root": str(shard_root)}
                )

            for ref in parallel.in_batch_order(
                submit, jobs, parallel.BATCHES_AHEAD_PER_WORKER * slots
            ):
                with clock.timed("load"):
                    batch = parallel.read_shard(ref)
                committer.commit(batch)
                del batch
                parallel.remove_shard(ref)
    finally:
        shutil.rmtree(run_shards, ignore_errors=True)


class _Committer:
    """Loads parsed batches, one transaction each, and counts them into the summary."""

    def __init__(
        self,
        con,
        summary: RunSummary,
        clock: _StageClock,
        progress: _BatchProgress,
        load_batch: Callable[..., load.LoadCounts],
    ) -> None:
        self.con, self.summary, self.clock, self.progress = con, summary, clock, progress
        self.load_batch = load_batch
        self.archive = _ArchiveParts()

    def commit(self, batch: ParsedBatch) -> None:
        summary = self.summary
        self.clock.add("read", batch.read_seconds)
        self.clock.add("parse", batch.parse_seconds)
        summary.sources_skipped += batch.skipped_unchanged
        summary.counts.unchanged += batch.unchanged_articles
        _add_counts(summary.file_dispositions, batch.file_dispositions)
        _add_counts(summary.skipped_records, batch.skipped_records)
        if batch.archive_part is not None:
            self.archive.before_load(batch)
        if not batch.is_empty:
            with self.clock.timed("load"):
                summary.counts += self.load_batch(self.con, batch, summary.run_id)
            _count_reject_frame(summary, batch.rejects)
        if batch.archive_part is not None:
            _add_counts(summary.file_dispositions, self.archive.after_load(batch))
        self.progress.batch_done(batch)


class _ArchiveParts:
    """What the committed parts of the web archive being read in parts gave so far: its
    articles, for the file's bookkeeping row at its last part, and the first reason of a
    reject, for its disposition (the rule of ``parallel.file_dispositions``, over all parts).
    Parts arrive in order and one archive's parts are consecutive."""

    def __init__(self) -> None:
        self.articles: list[pl.DataFrame] = []
        self.first_reason: str | None = None

    def before_load(self, batch: ParsedBatch) -> None:
        if batch.archive_part.is_last and self.articles:
            batch.earlier_articles = pl.concat(self.articles)

    def after_load(self, batch: ParsedBatch) -> dict[str, int]:
        """The file's disposition once its last part is loaded (else none yet)."""
        part = batch.archive_part
        self.articles.append(batch.tables.articles.select("article_id", "source_uri"))
        if self.first_reason is None and batch.rejects.height:
            self.first_reason = batch.rejects.get_column("reason")[0]
        if not part.is_last:
            return {}
        gave_article = any(frame.height for frame in self.articles)
        reason = part.read_reason or self.first_reason
        self.articles, self.first_reason = [], None
        if not part.had_records:
            return {}  # the read decided it (no page records, or a reject)
        if gave_article:
            return {parallel.ARTICLE: 1}
        if reason is not None:
            return {parallel.REJECT_PREFIX + reason: 1}
        return {parallel.SKIPPED_PREFIX + parallel.DUPLICATE_RECORDS: 1}


def _add_counts(total: dict[str, int], counts: dict[str, int]) -> None:
    for key, n in counts.items():
        total[key] = total.get(key, 0) + n


def _count_reject_frame(summary: RunSummary, rejects: pl.DataFrame) -> None:
    summary.rejects += rejects.height
    for reason, n in rejects.group_by("reason").len().iter_rows():
        summary.reject_reasons[reason] = summary.reject_reasons.get(reason, 0) + n


def _count_rejects(summary: RunSummary, rejects: list[sources.Reject]) -> None:
    summary.rejects += len(rejects)
    for reject in rejects:
        summary.reject_reasons[reject.reason] = summary.reject_reasons.get(reject.reason, 0) + 1
