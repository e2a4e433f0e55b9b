"""Load a parsed batch into DuckDB in one transaction.

An article whose ``content_hash`` is already stored is left untouched; a
changed one is replaced with all its child rows; a new one is inserted. The
source bookkeeping (``ingest_sources``) and the batch's rejects land in the
same transaction, so a crash leaves either the whole batch or none of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import duckdb
import polars as pl

from dateline.flows.parallel import BATCH_SOURCES_SCHEMA
from dateline.transforms import schema
from dateline.transforms.assembly.articles import ArticleTables

SOURCE_SCHEMA = {
    "source_path": pl.String,
    "file_hash": pl.String,
    "n_records": pl.Int32,
    "article_ids": pl.List(pl.String),
    "last_run_id": pl.String,
    "loaded_at": schema.UTC_TIMESTAMP,
}
# ingest_source_stats: one row per file hashed, with the stat it had then (an object of
# an object store: its size and ETag).
STAT_SCHEMA = {
    "source_path": pl.String,
    "file_size": pl.Int64,
    "file_mtime_ns": pl.Int64,
    "checked_at": schema.UTC_TIMESTAMP,
    "object_etag": pl.String,
}


@dataclass
class LoadCounts:
    new: int = 0
    updated: int = 0
    unchanged: int = 0

    def __iadd__(self, other: LoadCounts) -> LoadCounts:
        self.new += other.new
        self.updated += other.updated
        self.unchanged += other.unchanged
        return self


def known_sources(con: duckdb.DuckDBPyConnection, paths: list[str]) -> pl.DataFrame:
    """One row per path, in order, with its stored hash, record count and last hashed stat
    (null when never loaded): ``flows.parallel.BATCH_SOURCES_SCHEMA``. Asked one batch at a time."""
    wanted = pl.DataFrame({"source_path": paths}, schema={"source_path": pl.String})
    con.register("wanted_paths", wanted.with_row_index("position"))
    try:
        frame = con.sql(
            """
            SELECT w.source_path, s.file_hash, s.n_records, t.file_size, t.file_mtime_ns,
                   t.object_etag, t.checked_at
            FROM wanted_paths AS w
            LEFT JOIN ingest_sources AS s USING (source_path)
            LEFT JOIN ingest_source_stats AS t USING (source_path)
            ORDER BY w.position
            """
        ).pl()
    finally:
        con.unregister("wanted_paths")
    return frame.cast(BATCH_SOURCES_SCHEMA)


def rejects_frame(rejects: list | pl.DataFrame, run_id: str, rejected_at: datetime) -> pl.DataFrame:
    """One row per reject, shaped like ``ingest_rejects``; ``rejects`` is a list of
    ``sources.Reject`` or a frame with ``source_uri``, ``reason``, ``detail``."""
    frame = (
        rejects.select("source_uri", "reason", "detail")
        if isinstance(rejects, pl.DataFrame)
        else pl.DataFrame(
            {
                "source_uri": [r.source_uri for r in rejects],
                "reason": [r.reason for r in rejects],
                "detail": [r.detail for r in rejects],
            },
            schema={"source_uri": pl.String, "reason": pl.String, "detail": pl.String},
        )
    )
    return schema.conform(
        frame.with_columns(
            run_id=pl.lit(run_id), rejected_at=pl.lit(rejected_at, schema.UTC_TIMESTAMP)
        ),
        schema.INGEST_REJECTS,
    )


def sources_frame(
    tables: ArticleTables,
    files: pl.DataFrame,
    run_id: str,
    loaded_at: datetime,
    earlier_articles: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """One row per source file read in this batch, with the articles it gave.

    ``files`` has one row per file with ``source_path`` and ``file_hash``;
    ``earlier_articles`` (``article_id``, ``source_uri``) adds those that earlier batches
    gave of the same file (a web archive read in parts).
    """
    paths = files.select("source_path", "file_hash")
    articles = tables.articles.select("article_id", "source_uri")
    if earlier_articles is not None:
        articles = pl.concat([earlier_articles.select("article_id", "source_uri"), articles])
    per_file = (
        articles.select("article_id", source_path=pl.col("source_uri").str.replace(r"#\d+$", ""))
        .unique(maintain_order=True)
        .group_by("source_path", maintain_order=True)
        .agg(pl.col("article_id").alias("article_ids"))
    )
    return (
        paths.join(per_file, on="source_path", how="left", maintain_order="left")
        .with_columns(
            article_ids=pl.col("article_ids").fill_null(pl.lit([], pl.List(pl.String))),
            last_run_id=pl.lit(run_id),
            loaded_at=pl.lit(loaded_at, schema.UTC_TIMESTAMP),
        )
        .with_columns(n_records=pl.col("article_ids").list.len().cast(pl.Int32))
        .select(list(SOURCE_SCHEMA))
        .cast(SOURCE_SCHEMA)
    )


# The batch's articles already stored, and whether their content is the same: one hash
# join on the primary key. A batch of new articles gets no row, and skips every delete.
STORED_ARTICLES_SQL = """
    SELECT b.article_id, (s.content_hash = b.content_hash) IS TRUE AS is_unchanged
    FROM batch_articles AS b
    JOIN articles AS s USING (article_id)
"""
# The batch's files that were loaded before: only they can have left articles behind.
KNOWN_SOURCES_SQL = """
    SELECT source_path FROM batch_sources
    WHERE source_path IN (SELECT source_path FROM ingest_sources)
"""
# Articles a re-read file gave before but no longer holds (a record dropped from a JSON
# Lines file). An equi-join on the file path of source_uri (``path#N`` -> ``path``, the
# rule of sources_frame), so its cost grows with the articles, not articles x files. What
# the files give now is their article_ids: the batch's articles, plus those of earlier
# parts of a web archive read in parts.
DROPPED_ARTICLES_SQL = r"""
    SELECT a.article_id
    FROM articles AS a
    JOIN known_sources AS k ON regexp_replace(a.source_uri, '#\d+$', '') = k.source_path
    WHERE a.article_id NOT IN (SELECT unnest(article_ids) FROM batch_sources)
"""


def load_batch(
    con: duckdb.DuckDBPyConnection,
    tables: ArticleTables,
    sources: pl.DataFrame,
    rejects: pl.DataFrame,
    stats: pl.DataFrame | None = None,
) -> LoadCounts:
    """Write one batch in a single transaction; returns how many articles were new/updated/unchanged.

    ``stats`` (STAT_SCHEMA) replaces the stored stat of every file hashed in the batch, so
    the next run can skip them unread. A batch whose articles and files are all new (a
    first ingest) is inserted as it is: no delete and no look-up of vanished records.
    """
    registered: list[str] = []

    def register(name: str, frame: pl.DataFrame) -> None:
        con.register(name, _arrow(frame))
        registered.append(name)

    con.execute("BEGIN TRANSACTION")
    try:
        register("batch_articles", tables.articles)
        stored = con.sql(STORED_ARTICLES_SQL).pl()
        unchanged = stored.filter("is_unchanged").select("article_id")
        replaced = [stored.filter(~pl.col("is_unchanged")).select("article_id")]
        known = pl.DataFrame(schema={"source_path": pl.String})
        if sources.height:
            register("batch_sources", sources)
            known = con.sql(KNOWN_SOURCES_SQL).pl()
        if known.height:
            # A re-read file replaces all it gave before: records it no longer holds go too.
            register("known_sources", known)
            replaced.append(con.sql(DROPPED_ARTICLES_SQL).pl())
        to_delete = pl.concat(replaced)
        if to_delete.height:
            register("deleted_ids", to_delete)
            for table in reversed(schema.ARTICLE_TABLES):
                con.execute(
                    f"DELETE FROM {table.name} "
                    "WHERE article_id IN (SELECT article_id FROM deleted_ids)"
                )
        # An unchanged article keeps its stored rows (and their ingested_at and run_id).
        frames = tables.by_table()
        for table in schema.ARTICLE_TABLES:
            frame = frames[table.name]
            if unchanged.height:
                frame = frame.join(unchanged, on="article_id", how="anti", maintain_order="left")
            if frame.height:
                _insert(con, table.name, table.names, frame)
        if sources.height:
            if known.height:
                con.execute(
                    "DELETE FROM ingest_sources "
                    "WHERE source_path IN (SELECT source_path FROM known_sources)"
                )
            con.execute(
                f"INSERT INTO ingest_sources ({', '.join(SOURCE_SCHEMA)}) SELECT * FROM batch_sources"
            )
        if stats is not None and stats.height:
            register("batch_stats", stats.select(list(STAT_SCHEMA)))
            con.execute(
                "DELETE FROM ingest_source_stats "
                "WHERE source_path IN (SELECT source_path FROM batch_stats)"
            )
            con.execute(
                f"INSERT INTO ingest_source_stats ({', '.join(STAT_SCHEMA)}) "
                "SELECT * FROM batch_stats"
            )
        if rejects.height:
            _insert(con, "ingest_rejects", schema.INGEST_REJECTS.names, rejects)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    finally:
        for name in registered:
            try:
                con.unregister(name)
            except duckdb.Error:
                pass
    n_unchanged = unchanged.height
    n_updated = stored.height - n_unchanged
    return LoadCounts(
        new=tables.articles.height - stored.height, updated=n_updated, unchanged=n_unchanged
    )


def _arrow(frame: pl.DataFrame):
    """``frame`` as Arrow with string views: DuckDB reads those as they are, where a Polars
    frame handed over directly costs it another conversion (a third of a large insert)."""
    return frame.to_arrow(compat_level=pl.CompatLevel.newest())


def _insert(
    con: duckdb.DuckDBPyConnection, table: str, columns: list[str], frame: pl.DataFrame
) -> None:
    con.register("batch_rows", _arrow(frame))
    try:
        names = ", ".join(columns)
        con.execute(f"INSERT INTO {table} ({names}) SELECT {names} FROM batch_rows")
    finally:
        con.unregister("batch_rows")


def limit_memory(con: duckdb.DuckDBPyConnection, memory_limit: str) -> None:
    """Bound what DuckDB holds for this connection's database (``Settings.duckdb_memory_limit``)."""
    # SET takes no parameters; the value was checked against settings.MEMORY_SIZE or is ours.
    con.execute(f"SET memory_limit = '{memory_limit.replace(chr(39), '')}'")


def set_checkpoint_threshold(con: duckdb.DuckDBPyConnection, threshold: str) -> None:
    """Let the write-ahead log grow to ``threshold`` before DuckDB checkpoints
    (``Settings.duckdb_checkpoint_threshold``; the rest is written when the connection closes)."""
    # SET takes no parameters; the value was checked against settings.MEMORY_SIZE or is ours.
    con.execute(f"SET checkpoint_threshold = '{threshold.replace(chr(39), '')}'")


def close_abandoned_runs(con: duckdb.DuckDBPyConnection, now: datetime) -> None:
    """Mark runs left 'running' by a killed process as failed.

    Safe because DuckDB gives the file to one writing process at a time: a
    'running' row seen by the writer belongs to a process that is gone.
    """
    con.execute(
        "UPDATE ingest_runs SET status = 'failed', finished_at = ? WHERE status = 'running'", [now]
    )


def start_run(con: duckdb.DuckDBPyConnection, run_id: str, started_at: datetime) -> None:
    con.execute(
        "INSERT INTO ingest_runs (run_id, started_at, status) VALUES (?, ?, 'running')",
        [run_id, started_at],
    )


def finish_run(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    *,
    finished_at: datetime,
    status: str,
    sources_seen: int,
    counts: LoadCounts,
    rejects: int,
) -> None:
    con.execute(
        """
        UPDATE ingest_runs SET finished_at = ?, status = ?, sources_seen = ?,
               articles_new = ?, articles_updated = ?, articles_unchanged = ?, rejects = ?
        WHERE run_id = ?
        """,
        [
            finished_at,
            status,
            sources_seen,
            counts.new,
            counts.updated,
            counts.unchanged,
            rejects,
            run_id,
        ],
    )
