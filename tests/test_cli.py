"""The command line from a user's side: real files in, SQL on the result."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pyarrow.dataset as ds
import pytest

from dateline.flows.cli import main
from dateline.transforms import schema
from tests.conftest import SAMPLES_DIR, query_db

# Every article-level table, compared whole between runs.
CONTENT_TABLES = [t.name for t in schema.ARTICLE_TABLES] + ["ingest_sources"]
N_SAMPLE_ARTICLES = 9


@pytest.fixture
def workspace(tmp_path: Path) -> dict[str, Path]:
    sources = tmp_path / "sources"
    shutil.copytree(SAMPLES_DIR, sources)
    return {"sources": sources, "db": tmp_path / "warehouse" / "test.duckdb", "root": tmp_path}


def _ingest(capsys, workspace, *extra: str) -> str:
    code = main(
        ["ingest", str(workspace["sources"]), "--db", str(workspace["db"]), "--quiet", *extra]
    )
    out = capsys.readouterr().out
    assert code == 0, out
    return out


def _snapshot(db: Path) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {
            t: sorted(con.execute(f"SELECT * FROM {t}").fetchall(), key=repr)
            for t in CONTENT_TABLES
        }
    finally:
        con.close()


def _age(folder: Path, seconds: float = 3600) -> None:
    """Date every file back, as files written well before an ingest are."""
    stamp = time.time() - seconds
    for path in folder.rglob("*"):
        if path.is_file():
            os.utime(path, (stamp, stamp))


def test_ingest_twice_changes_nothing(capsys, workspace) -> None:
    _age(workspace["sources"])
    first = _ingest(capsys, workspace)
    assert f"{N_SAMPLE_ARTICLES} new, 0 updated, 0 unchanged" in first
    assert "data tests: all passed" in first
    before = _snapshot(workspace["db"])
    second = _ingest(capsys, workspace)
    assert f"0 new, 0 updated, {N_SAMPLE_ARTICLES} unchanged" in second
    # Every file skipped unread after a run whose tests passed: the tests are not re-run.
    assert "models     unchanged" in second
    assert _snapshot(workspace["db"]) == before
    runs = query_db(
        workspace["db"],
        "SELECT status, articles_new, articles_unchanged FROM ingest_runs ORDER BY started_at",
    )
    assert runs == [("completed", N_SAMPLE_ARTICLES, 0), ("completed", 0, N_SAMPLE_ARTICLES)]


def test_changed_source_replaces_its_article(capsys, workspace) -> None:
    _ingest(capsys, workspace)
    dump = workspace["sources"] / "en_harbour.txt"
    text = dump.read_text(encoding="utf-8")
    dump.write_text(
        text.replace("Economists said the strike", "Analysts said the strike"), encoding="utf-8"
    )
    out = _ingest(capsys, workspace)
    assert f"0 new, 1 updated, {N_SAMPLE_ARTICLES - 1} unchanged" in out
    uri = str(dump.resolve())
    paragraphs = [
        row[0]
        for row in query_db(
            workspace["db"],
            f"SELECT p.text FROM article_paragraphs p JOIN articles a USING (article_id) WHERE a.source_uri = '{uri}'",
        )
    ]
    assert any(p.startswith("Analysts said") for p in paragraphs)
    assert not any(p.startswith("Economists said") for p in paragraphs)
    # The replaced article carries the new run; the others keep the first one.
    assert query_db(workspace["db"], "SELECT count(DISTINCT run_id) FROM articles") == [(2,)]


def test_bad_sources_are_rejects_and_good_ones_land(capsys, workspace) -> None:
    bad = workspace["sources"] / "bad"
    bad.mkdir()
    (bad / "empty.txt").write_bytes(b"")
    (bad / "image.txt").write_bytes(bytes(range(256)) * 40)
    (bad / "page.html").write_text(
        "<html><body><nav><p>Home</p></nav><p>Menu only.</p></body></html>", encoding="utf-8"
    )
    (bad / "cut.txt.gz").write_bytes(gzip.compress(b"some words " * 500)[:30])
    (bad / "menu.txt").write_text("Home\nShare\nFacebook\nAdvertisement\n", encoding="utf-8")
    good_record = {
        "text": "Una noticia breve.\nLa ciudad inauguró hoy un nuevo puente sobre el río, según informó el ayuntamiento en un comunicado."
    }
    (bad / "mixed.jsonl").write_text("{broken\n" + json.dumps(good_record) + "\n", encoding="utf-8")
    out = _ingest(capsys, workspace)
    assert f"{N_SAMPLE_ARTICLES + 1} new" in out
    reasons = dict(
        query_db(
            workspace["db"],
            "SELECT regexp_extract(source_uri, '[^/]+$'), reason FROM ingest_rejects",
        )
    )
    assert reasons == {
        "empty.txt": "empty",
        "image.txt": "binary",
        "page.html": "no_article_text",
        "cut.txt.gz": "corrupt_gzip",
        "menu.txt": "no_article_text",
        "mixed.jsonl#1": "bad_json",
    }
    assert all(
        detail for (detail,) in query_db(workspace["db"], "SELECT detail FROM ingest_rejects")
    )
    assert query_db(workspace["db"], "SELECT rejects FROM ingest_runs") == [(6,)]


def test_sql_is_read_only_and_formats(capsys, workspace) -> None:
    _ingest(capsys, workspace)
    db = str(workspace["db"])
    assert main(["sql", "--db", db, "--format", "json", "SELECT count(*) AS n FROM articles"]) == 0
    assert json.loads(capsys.readouterr().out) == [{"n": N_SAMPLE_ARTICLES}]
    assert (
        main(
            [
                "sql",
                "--db",
                db,
                "--format",
                "csv",
                "SELECT language FROM articles ORDER BY 1 LIMIT 1",
            ]
        )
        == 0
    )
    assert capsys.readouterr().out.splitlines() == ["language", "de"]
    assert main(["sql", "--db", db, "DELETE FROM articles"]) != 0
    assert "read-only" in capsys.readouterr().err
    # No way around it through the file system either.
    outside = workspace["root"] / "outside"
    for query in (
        f"COPY (SELECT * FROM articles) TO '{outside}.csv'",
        f"ATTACH '{outside}.duckdb' AS other",
        "SET enable_external_access = true",
        "INSTALL httpfs",
    ):
        assert main(["sql", "--db", db, query]) != 0, query
        assert "Traceback" not in capsys.readouterr().err
    assert not list(workspace["root"].glob("outside*"))
    assert query_db(workspace["db"], "SELECT count(*) FROM articles") == [(N_SAMPLE_ARTICLES,)]


def test_export_matches_tables(capsys, workspace) -> None:
    out_dir = workspace["root"] / "export"
    _ingest(capsys, workspace, "--export", str(out_dir))
    manifest = json.loads((out_dir / "_manifest.json").read_text())
    by_name = {d["name"]: d for d in manifest["datasets"]}
    for table in schema.CONTRACT_TABLES:
        (count,) = query_db(workspace["db"], f"SELECT count(*) FROM {table.name}")[0]
        assert by_name[table.name]["n_rows"] == count
        assert (
            ds.dataset(out_dir / table.name, format="parquet", partitioning="hive").count_rows()
            == count
        )
    months = sorted(p.name for p in (out_dir / "articles").iterdir())
    assert "published_month=2026-02" in months


def test_export_command_reports_the_rows_it_wrote(capsys, workspace) -> None:
    _ingest(capsys, workspace)
    out_dir = workspace["root"] / "export-command"
    assert main(["export", "--db", str(workspace["db"]), "--out", str(out_dir)]) == 0
    manifest = json.loads((out_dir / "_manifest.json").read_text())
    total = sum(d["n_rows"] for d in manifest["datasets"])
    assert total > 0
    assert f"({total} rows)" in capsys.readouterr().out


def test_console_script_is_quiet(tmp_path: Path) -> None:
    """A normal run prints progress and the summary: no tracebacks, no library noise."""
    script = Path(sys.executable).with_name("dateline")
    if not script.exists():
        pytest.skip("the dateline console script is not installed in this environment")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    result = subprocess.run(
        [str(script), "ingest", "--db", str(tmp_path / "w.duckdb")],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Dateline ingest" in result.stdout
    assert f"{N_SAMPLE_ARTICLES} new" in result.stdout
    noise = [
        line
        for line in result.stderr.splitlines()
        if not line.startswith("  batch") and not line.startswith("  building") and line.strip()
    ]
    assert noise == []


# Runs an ingest of the samples into argv[1], then prints its exit code and the Prefect
# and Dask modules it imported.
IMPORTS_OF_AN_INGEST = """
import sys
from dateline.flows.cli import main
code = main(["ingest", "--db", sys.argv[1], "--quiet"])
print(code, sorted(m for m in sys.modules if m.split(".")[0] in ("prefect", "prefect_dask", "distributed")))
"""


def test_ingest_without_a_server_never_imports_prefect(tmp_path: Path) -> None:
    """No Prefect server configured: the steps run as plain functions, without Prefect's
    import (a second or two) or its temporary server (ten seconds or more)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "DATELINE_"))}
    # An empty Prefect home: no profile sets a server either.
    env["PREFECT_HOME"] = str(tmp_path / "prefect-home")
    result = subprocess.run(
        [sys.executable, "-c", IMPORTS_OF_AN_INGEST, str(tmp_path / "w.duckdb")],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "0 []", result.stdout
    assert query_db(tmp_path / "w.duckdb", "SELECT count(*) FROM articles") == [
        (N_SAMPLE_ARTICLES,)
    ]


def test_a_run_left_running_by_a_crash_is_closed(capsys, workspace) -> None:
    _ingest(capsys, workspace)
    con = duckdb.connect(str(workspace["db"]))
    con.execute(
        "INSERT INTO ingest_runs (run_id, started_at, status) VALUES ('crashed', now(), 'running')"
    )
    con.close()
    _ingest(capsys, workspace)
    assert query_db(workspace["db"], "SELECT status FROM ingest_runs WHERE run_id = 'crashed'") == [
        ("failed",)
    ]
    assert query_db(
        workspace["db"], "SELECT count(*) FROM ingest_runs WHERE status = 'running'"
    ) == [(0,)]


def test_record_removed_from_a_changed_file_disappears(capsys, workspace) -> None:
    records = workspace["sources"] / "records.jsonl"
    lines = records.read_text(encoding="utf-8").splitlines()
    _ingest(capsys, workspace)
    uri = str(records.resolve())
    assert query_db(
        workspace["db"], f"SELECT count(*) FROM articles WHERE source_uri LIKE '{uri}#%'"
    ) == [(2,)]
    records.write_text(lines[0] + "\n", encoding="utf-8")
    _ingest(capsys, workspace)
    assert query_db(
        workspace["db"], f"SELECT source_uri FROM articles WHERE source_uri LIKE '{uri}#%'"
    ) == [(f"{uri}#1",)]
    for table in schema.CHILD_TABLES:
        orphans = query_db(
            workspace["db"],
            f"SELECT count(*) FROM {table.name} WHERE article_id NOT IN (SELECT article_id FROM articles)",
        )
        assert orphans == [(0,)], table.name
