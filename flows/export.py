"""Parquet export of the warehouse: every contract table and every model, plus a manifest.

Layout of ``out_dir``::

    _manifest.json
    articles/published_month=2024-05/data_0.parquet    # article-level: hive-partitioned
    articles/published_month=unknown/data_0.parquet    # articles without a date
    ingest_runs/data.parquet                           # everything else: one file

A dataset is article-level when it has an ``article_id`` column; its rows take the
month of their article (``unknown`` when the article has no date or does not exist).
Datasets that already carry a ``published_month`` column are written as one file, so
their NULL months are not rewritten as ``unknown``.

The export is written into a hidden sibling folder and swapped into place, so a reader
sees the old export or the new one, never a mix (between the two renames ``out_dir``
is briefly absent).

To an object store (``s3://bucket/prefix/``, which has no rename) the same folder is
uploaded under a new ``prefix/_exports/<export id>/`` and then ``prefix/_manifest.json``
is replaced (one PUT, which S3 makes visible whole): it is the export's manifest with each
dataset's ``path`` leading into that folder, and ``export_root`` naming it. A reader goes
through the top manifest, so it sees the old export or the new one. The export before the
new one is kept, for readers that read the old manifest just before the swap; older ones
are deleted.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from dateline.flows import objectstore
from dateline.flows.warehouse import contract_table_names, model_names

PARTITION_COLUMN = "published_month"
UNKNOWN_MONTH = "unknown"
ARTICLE_KEY = "article_id"
MANIFEST_NAME = "_manifest.json"
SINGLE_FILE_NAME = "data.parquet"
# Row groups are bounded in bytes: at the default 122,880 rows a group of article bodies
# outgrows the connection's memory limit and spills to disk (11 s instead of 3 s for one
# dataset of 100k articles under 300 MB).
PARQUET_OPTIONS = "FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE_BYTES '32MB'"
# A partitioned COPY buffers this many rows per partition before writing them (DuckDB's
# default is 524,288: every month of a large table at once, spilled under the memory limit).
PARTITION_FLUSH_ROWS = 4096
DATE_COLUMN = "published_date"
MONTH_FORMAT = "%Y-%m"

# One row per article: its partition. Created inside the export's transaction.
ARTICLE_MONTHS_TABLE = "export_article_months"
ARTICLE_MONTHS_SQL = f"""
    create or replace temp table {ARTICLE_MONTHS_TABLE} as
    select {ARTICLE_KEY},
           coalesce(strftime({DATE_COLUMN}, '{MONTH_FORMAT}'), '{UNKNOWN_MONTH}') as {PARTITION_COLUMN}
    from articles
"""

# Staging folders older than this were left by a killed export (a live one is younger).
STALE_STAGING_SECONDS = 600
# Object stores: each export under its own folder of the prefix, named by when it was made.
EXPORTS_FOLDER = "_exports"


class ExportError(RuntimeError):
    """The export cannot be written where it was asked to go."""


@dataclass(frozen=True)
class _Dataset:
    name: str
    kind: str  # "table" or "model"
    columns: list[tuple[str, str]]

    @property
    def is_partitioned(self) -> bool:
        names = {name for name, _ in self.columns}
        return ARTICLE_KEY in names and PARTITION_COLUMN not in names


def export_parquet(
    con: duckdb.DuckDBPyConnection, out_dir: Path | str, *, run_id: str | None
) -> dict:
    """Write every contract table and model under ``out_dir`` (a folder, or an
    ``s3://bucket/prefix/`` URL) as zstd Parquet; return the manifest (also written to
    ``out_dir/_manifest.json``).

    ``run_id`` is the ingest run the export reflects; when None, the latest run in
    ``ingest_runs`` (or None when there is none). Raises ``ExportError`` when ``out_dir``
    exists, is not empty and holds no previous export.
    """
    if objectstore.is_object_url(str(out_dir)):
        return _export_to_object_store(con, str(out_dir), run_id=run_id)
    out_dir = Path(out_dir).absolute()
    _check_replaceable(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_staging(out_dir)
    staging = out_dir.parent / f".{out_dir.name}.tmp-{uuid.uuid4().hex}"
    staging.mkdir()
    try:
        # One snapshot for every dataset, so row counts agree across them.
        con.execute("begin transaction")
        con.execute(f"set partitioned_write_flush_threshold = {PARTITION_FLUSH_ROWS}")
        try:
            if run_id is None:
                run_id = _latest_run_id(con)
            # Each article's month, computed once for every dataset that takes it from its
            # article (a temporary table of the snapshot, gone with the rollback).
            con.execute(ARTICLE_MONTHS_SQL)
            datasets = [_write_dataset(con, dataset, staging, run_id) for dataset in _datasets(con)]
        finally:
            con.execute("rollback")
            con.execute("reset partitioned_write_flush_threshold")
        manifest = {
            "exported_at": datetime.now(UTC).isoformat(),
            "run_id": run_id,
            "format": "parquet",
            "compression": "zstd",
            "datasets": datasets,
        }
        (staging / MANIFEST_NAME).write_text(
            json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        _swap_into_place(staging, out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return manifest


def _export_to_object_store(
    con: duckdb.DuckDBPyConnection, url: str, *, run_id: str | None
) -> dict:
    """The export written to a local scratch folder, uploaded under a new folder of the
    prefix, then made current by replacing the prefix's ``_manifest.json`` (module doc)."""
    fs = objectstore.filesystem()
    prefix = url[len(objectstore.S3_PREFIX) :].rstrip("/")
    top_manifest = f"{prefix}/{MANIFEST_NAME}"
    with objectstore.access(url, "export to"):
        fs.invalidate_cache()
        previous = _current_export_root(fs, prefix, top_manifest)
        export_id = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ-") + uuid.uuid4().hex[:8]
        root = f"{EXPORTS_FOLDER}/{export_id}/"
        with tempfile.TemporaryDirectory(prefix="dateline-export-") as scratch:
            local = Path(scratch) / "export"
            manifest = export_parquet(con, local, run_id=run_id)
            fs.put(f"{local}/", f"{prefix}/{root}", recursive=True)
        top = {
            **manifest,
            "export_root": root,
            "datasets": [{**d, "path": root + d["path"]} for d in manifest["datasets"]],
        }
        body = json.dumps(top, indent=2, ensure_ascii=False) + "\n"
        fs.pipe(top_manifest, body.encode("utf-8"))
        # The new export and the one it replaced stay; older ones go.
        keep = {_folder_name(name) for name in (root, previous) if name}
        for folder in fs.ls(f"{prefix}/{EXPORTS_FOLDER}", detail=False, refresh=True):
            if _folder_name(folder) not in keep:
                fs.rm(folder, recursive=True)
    return top


def _folder_name(path: str) -> str:
    return path.rstrip("/").rsplit("/", 1)[-1]


def _current_export_root(fs, prefix: str, top_manifest: str) -> str | None:
    """The folder the prefix's manifest points to (None for no export yet); raises
    ``ExportError`` when the prefix holds objects but no manifest: not a Dateline export."""
    if fs.exists(top_manifest):
        try:
            return json.loads(fs.cat_file(top_manifest)).get("export_root")
        except (ValueError, AttributeError):
            return None
    if fs.find(prefix, maxdepth=None, withdirs=False):
        raise ExportError(
            f"s3://{prefix}/ holds objects but no {MANIFEST_NAME}: it is not a previous "
            "Dateline export, so it will not be replaced; choose another --out"
        )
    return None


def _remove_stale_staging(out_dir: Path) -> None:
    """Delete staging and trash folders a killed export left beside ``out_dir``.

    Only old ones: a younger folder may belong to an export running right now.
    """
    cutoff = time.time() - STALE_STAGING_SECONDS
    for pattern in (f".{out_dir.name}.tmp-*", f".{out_dir.name}.trash-*"):
        for leftover in out_dir.parent.glob(pattern):
            if (
                leftover.is_dir()
                and not leftover.is_symlink()
                and leftover.stat().st_mtime < cutoff
            ):
                shutil.rmtree(leftover, ignore_errors=True)


def _check_replaceable(out_dir: Path) -> None:
    if out_dir.parent == out_dir:
        raise ExportError(f"refusing to export to the filesystem root {out_dir}")
    if out_dir.is_symlink():
        raise ExportError(f"{out_dir} is a symbolic link; give the real folder")
    if not out_dir.exists():
        return
    if not out_dir.is_dir():
        raise ExportError(f"{out_dir} exists and is not a folder")
    if any(out_dir.iterdir()) and not (out_dir / MANIFEST_NAME).is_file():
        raise ExportError(
            f"{out_dir} is not empty and holds no {MANIFEST_NAME}: it is not a previous "
            "Dateline export, so it will not be replaced; choose another --out"
        )


def _latest_run_id(con: duckdb.DuckDBPyConnection) -> str | None:
    rows = con.execute(
        "select run_id from ingest_runs order by started_at desc nulls last limit 1"
    ).fetchall()
    return rows[0][0] if rows else None


def _datasets(con: duckdb.DuckDBPyConnection) -> list[_Dataset]:
    named = [(name, "table") for name in contract_table_names()]
    named += [(name, "model") for name in model_names()]
    return [
        _Dataset(name, kind, _describe(con, f"select * from {_quote(name)}"))
        for name, kind in named
    ]


def _describe(con: duckdb.DuckDBPyConnection, query: str) -> list[tuple[str, str]]:
    rows = con.execute(f"describe {query}").fetchall()
    return [(row[0], row[1]) for row in rows]


def _write_dataset(
    con: duckdb.DuckDBPyConnection, dataset: _Dataset, staging: Path, run_id: str | None
) -> dict:
    folder = staging / dataset.name
    folder.mkdir()
    source = f"select * from {_quote(dataset.name)}"
    # COPY returns the rows it wrote: counting first would run each model twice.
    if not dataset.is_partitioned:
        n_rows = _copy(con, source, folder / SINGLE_FILE_NAME, "")
    else:
        # A dataset with its own publication date (``articles``) needs no join for it.
        dated = DATE_COLUMN in {name for name, _ in dataset.columns}
        month = (
            f"coalesce(strftime(dataset.{DATE_COLUMN}, '{MONTH_FORMAT}'), '{UNKNOWN_MONTH}')"
            if dated
            else f"coalesce(months.{PARTITION_COLUMN}, '{UNKNOWN_MONTH}')"
        ) + f" as {PARTITION_COLUMN}"
        join = (
            ""
            if dated
            else f" left join {ARTICLE_MONTHS_TABLE} as months"
            f" on months.{ARTICLE_KEY} = dataset.{ARTICLE_KEY}"
        )
        with_month = f"select dataset.*, {month} from {_quote(dataset.name)} as dataset{join}"
        n_rows = _copy(con, with_month, folder, f", PARTITION_BY ({PARTITION_COLUMN})")
        if n_rows == 0:
            # A partitioned COPY of no rows writes no file; keep the schema readable.
            empty = folder / f"{PARTITION_COLUMN}={UNKNOWN_MONTH}"
            empty.mkdir()
            _copy(con, source, empty / "data_0.parquet", "")
    return {
        "name": dataset.name,
        "kind": dataset.kind,
        "path": f"{dataset.name}/",
        "n_rows": n_rows,
        "columns": [{"name": name, "type": type_} for name, type_ in dataset.columns],
        "partitioned_by": [PARTITION_COLUMN] if dataset.is_partitioned else [],
        "run_id": run_id,
    }


def _copy(con: duckdb.DuckDBPyConnection, query: str, target: Path, options: str) -> int:
    """Write ``query`` to ``target``; returns the number of rows written."""
    [(n_rows,)] = con.execute(
        f"copy ({query}) to {_literal(str(target))} ({PARQUET_OPTIONS}{options})"
    ).fetchall()
    return n_rows


def _swap_into_place(staging: Path, out_dir: Path) -> None:
    if not out_dir.exists():
        os.rename(staging, out_dir)
        return
    trash = out_dir.parent / f".{out_dir.name}.trash-{uuid.uuid4().hex}"
    os.rename(out_dir, trash)
    try:
        os.rename(staging, out_dir)
    except OSError:
        os.rename(trash, out_dir)
        raise
    shutil.rmtree(trash)


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"
