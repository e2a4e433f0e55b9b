"""Parallel and distributed ingest: worker processes and Dask load the same rows as one
process; unchanged files are skipped on their stat; a 0.1.0 warehouse still opens."""

from __future__ import annotations

import dataclasses
import os
import shutil
import threading
import time
from concurrent.futures import Future
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dateline.flows import ingest, load, parallel, warehouse
from dateline.flows.cli import main
from dateline.flows.settings import Settings, load_settings
from dateline.transforms import schema
from tests.conftest import CORPUS_DIR, SAMPLES_DIR

# Run bookkeeping differs between runs by design; everything else must match.
RUN_COLUMNS = {"run_id", "ingested_at", "rejected_at", "last_run_id", "loaded_at", "checked_at"}
COMPARED_TABLES = [t.name for t in schema.CONTRACT_TABLES if t.name != "ingest_runs"] + [
    "ingest_sources",
    "ingest_source_stats",
]
CORPUS_TEXTS = 40
BATCH_SIZE = "7"


def _table_rows(db: Path) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = {}
        for table in COMPARED_TABLES:
            columns = [
                name
                for (name,) in con.execute(
                    "SELECT column_name FROM duckdb_columns() WHERE table_name = ? "
                    "ORDER BY column_index",
                    [table],
                ).fetchall()
                if name not in RUN_COLUMNS
            ]
            query = f"SELECT {', '.join(columns)} FROM {table}"
            rows[table] = sorted(con.execute(query).fetchall(), key=repr)
        return rows
    finally:
        con.close()


def _ingest(capsys, folder: Path, db: Path, *extra: str) -> str:
    code = main(["ingest", str(folder), "--db", str(db), "--batch-size", BATCH_SIZE, *extra])
    captured = capsys.readouterr()
    assert code == 0, captured.out + captured.err
    return captured.out


@pytest.fixture(scope="module")
def source_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled samples plus some corpus text dumps when the corpus is present."""
    folder = tmp_path_factory.mktemp("parallel") / "sources"
    shutil.copytree(SAMPLES_DIR, folder)
    texts = sorted((CORPUS_DIR / "fundus").glob("*/*.txt"))[:CORPUS_TEXTS]
    for text in texts:
        shutil.copy(text, folder / f"{text.parent.name}_{text.name}")
    # An unreadable input must land the same way from every worker.
    (folder / "empty.txt").write_bytes(b"")
    return folder


@pytest.fixture(scope="module")
def serial_rows(source_folder: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    db = tmp_path_factory.mktemp("serial") / "serial.duckdb"
    code = main(
        ["ingest", str(source_folder), "--db", str(db), "--batch-size", BATCH_SIZE, "--quiet"]
    )
    assert code == 0
    rows = _table_rows(db)
    assert rows["articles"], "the serial run loaded nothing to compare"
    return rows


@pytest.mark.slow
def test_worker_processes_load_the_same_rows(
    capsys, source_folder: Path, serial_rows: dict, tmp_path: Path
) -> None:
    db = tmp_path / "workers.duckdb"
    out = _ingest(capsys, source_folder, db, "--workers", "2", "--quiet", "--verbose")
    assert "seconds    discover" in out
    assert _table_rows(db) == serial_rows
    again = _ingest(capsys, source_folder, db, "--workers", "2", "--quiet")
    assert "0 new, 0 updated" in again
    # A rejected file is rejected again in every run (each run lists its own rejects).
    unchanged = {k: v for k, v in _table_rows(db).items() if k != "ingest_rejects"}
    assert unchanged == {k: v for k, v in serial_rows.items() if k != "ingest_rejects"}


@pytest.mark.slow
def test_dask_cluster_loads_the_same_rows(
    capsys, source_folder: Path, serial_rows: dict, tmp_path: Path
) -> None:
    distributed = pytest.importorskip("distributed")
    parallel.quiet_dask()
    db = tmp_path / "dask.duckdb"
    shards = tmp_path / "shards"
    with distributed.LocalCluster(
        n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None
    ) as cluster:
        _ingest(
            capsys,
            source_folder,
            db,
            "--dask",
            cluster.scheduler_address,
            "--shard-dir",
            str(shards),
            "--quiet",
        )
    assert _table_rows(db) == serial_rows
    # Each shard is removed once committed, and the run's folder at the end.
    assert not any(shards.rglob("*.parquet"))


# How long a test waits for the other thread of an ingest before it calls the run stuck.
THREAD_WAIT_SECONDS = 30


def test_a_batch_loads_while_the_next_is_parsed(tmp_path: Path) -> None:
    """One process: batch 1's load runs while batch 2 is parsed, and loads still come one
    at a time, in batch order."""
    parsed_second = threading.Event()
    parses: list[int] = []
    loads: list[int] = []
    in_flight = []
    overlapped = []

    def parse(records, *args):
        parses.append(len(parses) + 1)
        if len(parses) == 2:
            parsed_second.set()
        return parallel.parse_records(records, *args)

    def load_batch(con, batch, run_id):
        in_flight.append(batch.number)
        assert len(in_flight) == 1, f"loads {in_flight} at once"
        if batch.number == 1:
            overlapped.append(parsed_second.wait(THREAD_WAIT_SECONDS))
        loads.append(batch.number)
        in_flight.remove(batch.number)
        return ingest.load_parsed_batch(con, batch, run_id)

    steps = dataclasses.replace(ingest.PLAIN_STEPS, parse=parse, load_batch=load_batch)
    settings = Settings(db_path=tmp_path / "w.duckdb", batch_size=3)
    summary = ingest.run_ingest([str(SAMPLES_DIR)], settings, steps=steps)
    assert summary.status == "completed"
    assert overlapped == [True]
    assert loads == sorted(loads) == list(range(1, len(parses) + 1))


def test_a_failed_load_fails_the_run_and_keeps_the_batches_before_it(tmp_path: Path) -> None:
    def load_batch(con, batch, run_id):
        if batch.number == 2:
            raise RuntimeError("disk full")
        return ingest.load_parsed_batch(con, batch, run_id)

    steps = dataclasses.replace(ingest.PLAIN_STEPS, load_batch=load_batch)
    db = tmp_path / "w.duckdb"
    with pytest.raises(RuntimeError, match="disk full"):
        ingest.run_ingest([str(SAMPLES_DIR)], Settings(db_path=db, batch_size=3), steps=steps)
    con = duckdb.connect(str(db), read_only=True)
    try:
        [(status,)] = con.execute("SELECT status FROM ingest_runs").fetchall()
        [(n_sources,)] = con.execute("SELECT count(*) FROM ingest_sources").fetchall()
    finally:
        con.close()
    assert status == "failed"
    assert n_sources == 3  # batch 1's files only


def _write(path: Path, data: bytes, *, age_seconds: float = 60.0) -> Path:
    path.write_bytes(data)
    stamp = time.time() - age_seconds
    os.utime(path, (stamp, stamp))
    return path


def _stored(
    path: Path, file_hash: str | None, n_records: int = 1, loaded_after_seconds: float = 30.0
) -> pl.DataFrame:
    """A one-file batch whose stored hash is ``file_hash``, whose stored stat is the file's
    own, and which was loaded ``loaded_after_seconds`` after its mtime."""
    stat = path.stat()
    row = {
        "source_path": str(path),
        "file_hash": file_hash,
        "n_records": n_records,
        "file_size": stat.st_size,
        "file_mtime_ns": stat.st_mtime_ns,
        "checked_at": datetime.fromtimestamp(stat.st_mtime + loaded_after_seconds, UTC),
    }
    return pl.DataFrame([row], schema=parallel.BATCH_SOURCES_SCHEMA)


def _hash_of(path: Path) -> str:
    return parallel.read_files(parallel.batch_sources([str(path)]), 1 << 20).files["file_hash"][0]


def test_untouched_file_is_skipped_unread(tmp_path: Path) -> None:
    dump = _write(tmp_path / "a.txt", b"Title\n\nA paragraph of text.\n")
    # A stored hash that cannot match proves the file was not hashed again.
    read = parallel.read_files(_stored(dump, "not-the-hash", n_records=1), 1 << 20)
    assert (read.skipped_unchanged, read.unchanged_articles, read.records.height) == (1, 1, 0)


@pytest.mark.parametrize(
    ("new_bytes", "expect_skipped", "expect_restat"),
    [
        (b"Title\n\nA paragraph of text.\n", 1, 1),  # touched, same bytes: unchanged
        (b"Title\n\nA paragraph of TEXT.\n", 0, 0),  # same size, new bytes: read again
        (b"Title\n\nA longer paragraph of text.\n", 0, 0),  # new size: read again
    ],
)
def test_changed_stat_is_checked_by_hash(
    tmp_path: Path, new_bytes: bytes, expect_skipped: int, expect_restat: int
) -> None:
    dump = _write(tmp_path / "a.txt", b"Title\n\nA paragraph of text.\n", age_seconds=120)
    batch = _stored(dump, _hash_of(dump))
    _write(dump, new_bytes, age_seconds=60)
    read = parallel.read_files(batch, 1 << 20)
    assert read.skipped_unchanged == expect_skipped
    assert read.restat.height == expect_restat
    assert read.files.height == 1 - expect_skipped


@pytest.mark.parametrize(
    ("loaded_after_seconds", "expect_read"),
    [(30.0, False), (0.5, True), (-5.0, True)],
)
def test_stat_is_trusted_only_for_files_settled_before_their_load(
    tmp_path: Path, loaded_after_seconds: float, expect_read: bool
) -> None:
    dump = _write(tmp_path / "a.txt", b"Title\n\nA paragraph of text.\n")
    batch = _stored(dump, "not-the-hash", loaded_after_seconds=loaded_after_seconds)
    read = parallel.read_files(batch, 1 << 20)
    assert read.files.height == int(expect_read)
    assert read.skipped_unchanged == int(not expect_read)


def test_read_files_keep_their_stat(tmp_path: Path) -> None:
    dump = _write(tmp_path / "a.txt", b"Title\n\nA paragraph of text.\n")
    read = parallel.read_files(parallel.batch_sources([str(dump)]), 1 << 20)
    stat = dump.stat()
    assert read.files.select("file_size", "file_mtime_ns").rows() == [
        (stat.st_size, stat.st_mtime_ns)
    ]


class _LateFuture(Future):
    """A future that completes only when its result is asked for, out of submit order."""

    def __init__(self, value: int, log: list[str]) -> None:
        super().__init__()
        self.value, self.log = value, log

    def result(self, timeout: float | None = None) -> int:
        self.log.append(f"result {self.value}")
        return self.value


@given(n_jobs=st.integers(0, 30), ahead=st.integers(1, 6))
def test_results_come_in_job_order_with_bounded_lookahead(n_jobs: int, ahead: int) -> None:
    log: list[str] = []

    def submit(job: int) -> Future:
        log.append(f"submit {job}")
        return _LateFuture(job, log)

    results = list(parallel.in_batch_order(submit, iter(range(n_jobs)), ahead))
    assert results == list(range(n_jobs))
    in_flight = peak = 0
    for entry in log:
        in_flight += 1 if entry.startswith("submit") else -1
        peak = max(peak, in_flight)
    assert peak <= ahead


def test_shard_round_trip_keeps_every_frame(tmp_path: Path) -> None:
    job = parallel.BatchJob(
        number=3,
        sources=parallel.batch_sources(
            str(p) for p in sorted(SAMPLES_DIR.iterdir()) if p.suffix != ".md"
        ),
        run_id="run-1",
        ingested_at=datetime(2024, 1, 1, tzinfo=UTC),
        max_source_bytes=1 << 24,
        max_line_chars=200_000,
    )
    batch = parallel.read_and_parse(job)
    ref = parallel.read_parse_and_shard(job, str(tmp_path))
    back = parallel.read_shard(ref)
    assert back.number == 3 and back.n_paths == batch.n_paths
    for name, frame in batch.tables.by_table().items():
        assert back.tables.by_table()[name].equals(frame), name
    for name in ("files", "rejects", "restat"):
        assert getattr(back, name).equals(getattr(batch, name)), name
    parallel.remove_shard(ref)
    assert not Path(ref.folder).exists()


def test_warehouse_from_010_opens_and_gains_the_stats_table(tmp_path: Path) -> None:
    db = tmp_path / "old.duckdb"
    con = duckdb.connect(str(db))
    # ingest_sources as version 0.1.0 created it, with one loaded file.
    con.execute(
        "CREATE TABLE ingest_sources (source_path VARCHAR, file_hash VARCHAR, n_records INTEGER, "
        "article_ids VARCHAR[], last_run_id VARCHAR, loaded_at TIMESTAMPTZ, PRIMARY KEY (source_path))"
    )
    con.execute("INSERT INTO ingest_sources VALUES ('/x.txt', 'h', 1, ['a'], 'r', now())")
    con.close()
    con = warehouse.connect(db)
    try:
        warehouse.apply_schema(con)
        warehouse.apply_schema(con)
        known = load.known_sources(con, ["/x.txt", "/y.txt"])
    finally:
        con.close()
    # Known by hash, no stat yet: the first run after the upgrade hashes it once.
    assert known.rows() == [("/x.txt", "h", 1, None, None, None, None), ("/y.txt",) + (None,) * 6]


@pytest.mark.parametrize(
    ("env", "workers", "dask_address", "shard_dir"),
    [
        ({}, 1, None, None),
        ({"DATELINE_WORKERS": "4"}, 4, None, None),
        ({"DATELINE_DASK_ADDRESS": "tcp://10.0.0.5:8786"}, 1, "tcp://10.0.0.5:8786", None),
        ({"DATELINE_SHARD_DIR": "/mnt/shared/shards"}, 1, None, Path("/mnt/shared/shards")),
    ],
)
def test_parallel_settings_from_environment(
    env: dict[str, str], workers: int, dask_address: str | None, shard_dir: Path | None
) -> None:
    settings = load_settings(env)
    assert (settings.workers, settings.dask_address, settings.shard_dir) == (
        workers,
        dask_address,
        shard_dir,
    )


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "300MB"),
        ({"DATELINE_DUCKDB_MEMORY_LIMIT": "2GB"}, "2GB"),
        ({"DATELINE_DUCKDB_MEMORY_LIMIT": "1.5 GiB"}, "1.5 GiB"),
        ({"DATELINE_DUCKDB_MEMORY_LIMIT": " "}, "300MB"),
    ],
)
def test_duckdb_memory_limit_from_environment(env: dict[str, str], expected: str) -> None:
    assert load_settings(env).duckdb_memory_limit == expected


@pytest.mark.parametrize("value", ["lots", "512", "1GB'; DROP TABLE articles; --"])
def test_duckdb_memory_limit_must_be_a_size(value: str) -> None:
    with pytest.raises(SystemExit, match="DATELINE_DUCKDB_MEMORY_LIMIT"):
        load_settings({"DATELINE_DUCKDB_MEMORY_LIMIT": value})


def test_ingest_connection_keeps_the_memory_limit(tmp_path: Path) -> None:
    import duckdb

    from dateline.flows import load

    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    load.limit_memory(con, "256MB")
    [(limit,)] = con.execute("SELECT current_setting('memory_limit')").fetchall()
    con.close()
    assert limit.startswith("244.1")  # DuckDB reports 256 MB in MiB


@pytest.mark.parametrize(
    ("env", "expected"),
    [({}, "150MB"), ({"DATELINE_DUCKDB_LOAD_MEMORY_LIMIT": "1GB"}, "1GB")],
)
def test_duckdb_load_memory_limit_from_environment(env: dict[str, str], expected: str) -> None:
    assert load_settings(env).duckdb_load_memory_limit == expected


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "150MB"),
        ({"DATELINE_DUCKDB_MEMORY_LIMIT": "100MB"}, "100MB"),
        ({"DATELINE_DUCKDB_MEMORY_LIMIT": "0.1GB"}, "0.1GB"),
        ({"DATELINE_DUCKDB_MEMORY_LIMIT": "140MiB"}, "140MiB"),
        ({"DATELINE_DUCKDB_MEMORY_LIMIT": "150MiB"}, "150MB"),
        ({"DATELINE_DUCKDB_LOAD_MEMORY_LIMIT": "1GB"}, "300MB"),
    ],
)
def test_loads_never_exceed_the_memory_limit(env: dict[str, str], expected: str) -> None:
    assert load_settings(env).load_memory_limit == expected


def test_batches_load_under_the_load_memory_limit_and_the_rest_under_the_other(
    tmp_path: Path,
) -> None:
    limits: dict[str, set[str]] = {"load": set(), "models": set()}

    def memory_limit(con) -> str:
        [(limit,)] = con.execute("SELECT current_setting('memory_limit')").fetchall()
        return limit

    def load_batch(con, batch, run_id):
        limits["load"].add(memory_limit(con))
        return ingest.load_parsed_batch(con, batch, run_id)

    def models(con):
        limits["models"].add(memory_limit(con))
        return ingest.build_models_and_test(con)

    steps = dataclasses.replace(ingest.PLAIN_STEPS, load_batch=load_batch, models=models)
    settings = Settings(
        db_path=tmp_path / "w.duckdb",
        batch_size=3,
        duckdb_memory_limit="512MB",
        duckdb_load_memory_limit="128MB",
    )
    assert ingest.run_ingest([str(SAMPLES_DIR)], settings, steps=steps).status == "completed"
    # DuckDB reports the limits in MiB.
    assert {limit[:5] for limit in limits["load"]} == {"122.0"}
    assert {limit[:5] for limit in limits["models"]} == {"488.2"}


def test_default_shard_dir_is_beside_the_database(tmp_path: Path) -> None:
    settings = load_settings({"DATELINE_DB": str(tmp_path / "w" / "d.duckdb")})
    assert settings.shard_root() == (tmp_path / "w").resolve() / "shards"


def test_empty_tables_match_the_contract() -> None:
    tables = parallel.empty_tables()
    for table in schema.ARTICLE_TABLES:
        frame = tables.by_table()[table.name]
        assert frame.height == 0 and frame.schema == table.polars_schema
    assert tables.rejects.schema == pl.Schema(
        {"source_uri": pl.String, "reason": pl.String, "detail": pl.String}
    )


@pytest.mark.parametrize(
    ("n_items", "size", "workers", "sizes"),
    [
        (10, 4, 1, [4, 3, 3]),
        (10, 4, 2, [3, 3, 2, 2]),
        (10_000, 2_000, 1, [2_000] * 5),
        (10_000, 2_000, 2, [1_667] * 4 + [1_666] * 2),
        (3, 2_000, 2, [2, 1]),
        (1, 5, 4, [1]),
        (0, 5, 2, []),
    ],
)
def test_split_batches_evens_out_work_across_workers(n_items, size, workers, sizes):
    items = [f"file-{i}" for i in range(n_items)]
    batches = ingest.split_batches(items, size, workers)
    assert [len(b) for b in batches] == sizes
    assert [item for batch in batches for item in batch] == items


@given(st.integers(0, 300), st.integers(1, 50), st.integers(1, 8))
def test_split_batches_keeps_order_and_bounds(n_items, size, workers):
    items = list(range(n_items))
    batches = ingest.split_batches(items, size, workers)
    assert [item for batch in batches for item in batch] == items
    assert all(0 < len(b) <= size for b in batches)
    if batches:
        assert max(map(len, batches)) - min(map(len, batches)) <= 1


@pytest.mark.parametrize(
    ("workers", "cores", "threads"), [(1, 2, 2), (2, 2, 1), (2, 8, 4), (3, 8, 2), (4, 2, 1)]
)
def test_worker_threads_share_out_the_cores(workers: int, cores: int, threads: int) -> None:
    assert parallel.worker_threads(workers, cores) == threads


def _polars_threads() -> tuple[int, str | None]:
    return pl.thread_pool_size(), os.environ.get("POLARS_MAX_THREADS")


def test_pool_workers_get_their_share_of_polars_threads(monkeypatch) -> None:
    monkeypatch.delenv("POLARS_MAX_THREADS", raising=False)
    expected = parallel.worker_threads(2)
    with parallel.process_pool(2) as pool:
        sizes = [pool.submit(_polars_threads).result() for _ in range(2)]
    assert sizes == [(expected, str(expected))] * 2
    # The flow process's own environment is as it was.
    assert "POLARS_MAX_THREADS" not in os.environ


def test_pool_keeps_the_users_polars_threads(monkeypatch) -> None:
    monkeypatch.setenv("POLARS_MAX_THREADS", "3")
    with parallel.process_pool(1) as pool:
        assert pool.submit(_polars_threads).result() == (3, "3")
    assert os.environ["POLARS_MAX_THREADS"] == "3"
