"""flows/export.py: every dataset is readable by pyarrow, Polars and DuckDB with the
warehouse's row counts; the manifest describes it; replacement is all-or-nothing."""

from __future__ import annotations

import json
import os
import time
from datetime import datetime
from pathlib import Path

import duckdb
import polars as pl
import pyarrow.dataset as pads
import pyarrow.parquet as pq
import pytest

from dateline.flows import export, warehouse
from dateline.flows.export import ExportError, export_parquet
from dateline.transforms import schema
from tests.conftest_warehouse import RUN_ID, loaded_warehouse

ARTICLE_TABLES = [table.name for table in schema.ARTICLE_TABLES]


@pytest.fixture(scope="module")
def con() -> duckdb.DuckDBPyConnection:
    connection = loaded_warehouse()
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def exported(con: duckdb.DuckDBPyConnection, tmp_path_factory) -> tuple[Path, dict]:
    out_dir = tmp_path_factory.mktemp("export") / "parquet"
    return out_dir, export_parquet(con, out_dir, run_id=None)


def _empty_warehouse() -> duckdb.DuckDBPyConnection:
    con = warehouse.connect(":memory:")
    warehouse.apply_schema(con)
    warehouse.build_models(con)
    return con


def _leftovers(parent: Path, name: str) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if p.name.startswith(f".{name}."))


def _row_counts(path: Path) -> dict[str, int]:
    files = f"{path}/**/*.parquet"
    return {
        "pyarrow": pads.dataset(path, format="parquet", partitioning="hive").count_rows(),
        "polars": pl.scan_parquet(files, hive_partitioning=True).select(pl.len()).collect().item(),
        "duckdb": duckdb.sql(
            f"select count(*) from read_parquet('{files}', hive_partitioning = true)"
        ).fetchall()[0][0],
    }


def test_manifest_lists_every_table_and_model(con, exported) -> None:
    out_dir, manifest = exported
    on_disk = json.loads((out_dir / "_manifest.json").read_text(encoding="utf-8"))
    assert on_disk == manifest
    names = [(d["name"], d["kind"]) for d in manifest["datasets"]]
    assert names == [(n, "table") for n in warehouse.contract_table_names()] + [
        (n, "model") for n in warehouse.model_names()
    ]
    assert manifest["run_id"] == RUN_ID
    assert datetime.fromisoformat(manifest["exported_at"]).utcoffset().total_seconds() == 0
    for dataset in manifest["datasets"]:
        assert dataset["run_id"] == RUN_ID
        assert dataset["path"] == f"{dataset['name']}/"
        described = con.execute(f"describe select * from {dataset['name']}").fetchall()
        assert dataset["columns"] == [{"name": r[0], "type": r[1]} for r in described]
        [(n_rows,)] = con.execute(f"select count(*) from {dataset['name']}").fetchall()
        assert dataset["n_rows"] == n_rows, dataset["name"]


def test_article_tables_are_partitioned_by_month_and_others_are_one_file(exported) -> None:
    out_dir, manifest = exported
    by_name = {d["name"]: d for d in manifest["datasets"]}
    for name in [*ARTICLE_TABLES, "article_overview"]:
        assert by_name[name]["partitioned_by"] == ["published_month"], name
    for name in ["ingest_runs", "ingest_rejects", "daily_articles_by_outlet", "monthly_tag_counts"]:
        assert by_name[name]["partitioned_by"] == [], name
        assert [p.name for p in (out_dir / name).iterdir()] == ["data.parquet"]
    months = sorted(p.name for p in (out_dir / "articles").iterdir())
    assert months == [
        "published_month=2024-05",
        "published_month=2024-06",
        "published_month=unknown",
    ]


@pytest.mark.parametrize("table", ARTICLE_TABLES)
def test_partition_files_leave_out_the_month_and_readers_restore_it(
    con: duckdb.DuckDBPyConnection, exported, table: str
) -> None:
    out_dir, _ = exported
    for data_file in (out_dir / table).glob("*/*.parquet"):
        assert "published_month" not in pq.read_schema(data_file).names
    read_back = pl.read_parquet(f"{out_dir / table}/**/*.parquet", hive_partitioning=True)
    expected = con.execute(
        f"select t.article_id, coalesce(strftime(a.published_date, '%Y-%m'), 'unknown') "
        f"from {table} as t left join articles as a using (article_id) order by all"
    ).fetchall()
    actual = sorted(read_back.select("article_id", "published_month").iter_rows())
    assert actual == expected


def test_every_dataset_reads_back_with_its_row_count_in_three_readers(exported) -> None:
    out_dir, manifest = exported
    for dataset in manifest["datasets"]:
        counts = _row_counts(out_dir / dataset["path"])
        assert set(counts.values()) == {dataset["n_rows"]}, (dataset["name"], counts)


def test_columns_and_values_survive_the_round_trip(
    con: duckdb.DuckDBPyConnection, exported
) -> None:
    out_dir, _ = exported
    read_back = duckdb.sql(
        f"select * exclude (published_month) from read_parquet("
        f"'{out_dir}/article_overview/**/*.parquet', hive_partitioning = true) order by article_id"
    )
    original = con.sql("select * from article_overview order by article_id")
    assert read_back.columns == original.columns
    assert read_back.fetchall() == original.fetchall()


def test_an_empty_warehouse_exports_readable_empty_datasets(tmp_path) -> None:
    con = _empty_warehouse()
    manifest = export_parquet(con, tmp_path / "out", run_id=None)
    assert manifest["run_id"] is None
    for dataset in manifest["datasets"]:
        path = tmp_path / "out" / dataset["path"]
        assert dataset["n_rows"] == 0
        assert set(_row_counts(path).values()) == {0}, dataset["name"]
        schema = pads.dataset(path, format="parquet", partitioning="hive").schema
        columns = [c["name"] for c in dataset["columns"]]
        assert schema.names[: len(columns)] == columns, dataset["name"]


def test_refuses_to_replace_a_folder_that_is_not_an_export(con, tmp_path) -> None:
    out_dir = tmp_path / "precious"
    out_dir.mkdir()
    (out_dir / "thesis.txt").write_text("do not delete")
    with pytest.raises(ExportError, match="not a previous"):
        export_parquet(con, out_dir, run_id="r")
    assert [p.name for p in out_dir.iterdir()] == ["thesis.txt"]
    assert _leftovers(tmp_path, "precious") == []


def test_refuses_a_file_in_place_of_the_folder(con, tmp_path) -> None:
    out_file = tmp_path / "out"
    out_file.write_text("x")
    with pytest.raises(ExportError, match="not a folder"):
        export_parquet(con, out_file, run_id="r")
    assert out_file.read_text() == "x"


def test_an_existing_empty_folder_is_filled(con, tmp_path) -> None:
    (tmp_path / "out").mkdir()
    export_parquet(con, tmp_path / "out", run_id="r")
    assert (tmp_path / "out" / "_manifest.json").is_file()


def test_re_export_replaces_the_previous_one_and_leaves_no_temp_folders(con, tmp_path) -> None:
    out_dir = tmp_path / "out"
    export_parquet(con, out_dir, run_id="first")
    stale = out_dir / "articles" / "published_month=1999-01"
    stale.mkdir()
    (stale / "data_0.parquet").write_bytes(b"stale")
    manifest = export_parquet(con, out_dir, run_id="second")
    assert not stale.exists()
    assert manifest["run_id"] == "second"
    assert json.loads((out_dir / "_manifest.json").read_text())["run_id"] == "second"
    assert _leftovers(tmp_path, "out") == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_a_failed_export_keeps_the_previous_one(con, tmp_path, monkeypatch) -> None:
    out_dir = tmp_path / "out"
    export_parquet(con, out_dir, run_id="good")
    before = sorted(str(p.relative_to(out_dir)) for p in out_dir.rglob("*"))
    written = []

    def fail_on_third(*args, **kwargs):
        if len(written) == 2:
            raise OSError("disk full")
        written.append(args)
        return real_write(*args, **kwargs)

    real_write = export._write_dataset
    monkeypatch.setattr(export, "_write_dataset", fail_on_third)
    with pytest.raises(OSError, match="disk full"):
        export_parquet(con, out_dir, run_id="bad")
    assert sorted(str(p.relative_to(out_dir)) for p in out_dir.rglob("*")) == before
    assert json.loads((out_dir / "_manifest.json").read_text())["run_id"] == "good"
    assert _leftovers(tmp_path, "out") == []
    # The connection is usable again: the export's snapshot transaction was closed.
    assert con.execute("select count(*) from articles").fetchall() == [(4,)]


def test_exports_from_a_read_only_connection(tmp_path) -> None:
    db_path = tmp_path / "dateline.duckdb"
    loaded_warehouse(str(db_path)).close()
    reader = warehouse.connect(db_path, read_only=True)
    manifest = export_parquet(reader, tmp_path / "out", run_id=None)
    reader.close()
    assert {d["name"]: d["n_rows"] for d in manifest["datasets"]}["articles"] == 4


def test_stale_staging_left_by_a_killed_export_is_removed(con, tmp_path: Path) -> None:
    out_dir = tmp_path / "out"
    stale = tmp_path / ".out.tmp-deadbeef"
    fresh = tmp_path / ".out.tmp-cafebabe"
    for folder in (stale, fresh):
        (folder / "articles").mkdir(parents=True)
    old = time.time() - export.STALE_STAGING_SECONDS - 60
    os.utime(stale, (old, old))
    export_parquet(con, out_dir, run_id=RUN_ID)
    assert not stale.exists()
    # A young staging folder may belong to an export running now: left alone.
    assert fresh.exists()
