"""Object storage: ``s3://`` sources and exports against a real S3-compatible server.

moto's standalone server runs in its own process on a free loopback port (nothing is
mocked in this process); Dateline reaches it through the standard ``AWS_ENDPOINT_URL``.
The server's request recorder shows which objects a run fetched.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import duckdb
import pytest

from dateline.flows import objectstore
from dateline.flows.cli import main, serve_arguments
from dateline.flows.export import export_parquet
from dateline.flows.ingest import run_ingest
from dateline.flows.settings import Settings
from tests.conftest import SAMPLES_DIR, query_db
from tests.test_warc import synthetic_pages, write_warc

pytest.importorskip("moto", reason="moto[server] is not installed: pip install -e '.[test]'")
s3fs = pytest.importorskip("s3fs", reason="s3fs is not installed: pip install -e .")

SERVER_START_SECONDS = 60
AWS_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    # No profile or credentials file of the machine may leak in.
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    "AWS_EC2_METADATA_DISABLED": "true",
}
# Tables a reader counts in the export, besides the manifest's figure.
COUNTED_TABLES = ("articles", "article_paragraphs", "article_authors", "ingest_runs")


@dataclass(frozen=True)
class S3Server:
    endpoint: str
    recording: Path

    def start_recording(self) -> None:
        for action in ("reset-recording", "start-recording"):
            request = urllib.request.Request(
                f"{self.endpoint}/moto-api/recorder/{action}", method="POST"
            )
            urllib.request.urlopen(request, timeout=10).read()

    def objects_fetched(self, bucket: str) -> set[str]:
        """Keys of ``bucket`` whose bytes were fetched (GET of an object, not a listing)
        since ``start_recording``."""
        keys = set()
        if not self.recording.exists():
            return keys
        for line in self.recording.read_text(encoding="utf-8").splitlines():
            entry = json.loads(line)
            url = urlsplit(entry["url"])
            if entry["method"] != "GET" or "list-type" in url.query:
                continue
            path = url.path.lstrip("/")
            if path.startswith(f"{bucket}/") and len(path) > len(bucket) + 1:
                keys.add(path[len(bucket) + 1 :])
        return keys


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def s3(tmp_path_factory) -> Iterator[S3Server]:
    folder = tmp_path_factory.mktemp("moto")
    port = _free_port()
    endpoint = f"http://127.0.0.1:{port}"
    recording = folder / "requests.jsonl"
    log = open(folder / "server.log", "wb")  # noqa: SIM115 - closed after the server stops
    server = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, "MOTO_RECORDER_FILEPATH": str(recording)},
        cwd=folder,
    )
    deadline = time.monotonic() + SERVER_START_SECONDS
    while True:
        try:
            urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=2).read()
            break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                log.close()
                pytest.fail(f"moto server did not start: {(folder / 'server.log').read_text()}")
            time.sleep(0.2)
    saved = {name: os.environ.get(name) for name in [*AWS_ENV, "AWS_ENDPOINT_URL"]}
    os.environ.update(AWS_ENV, AWS_ENDPOINT_URL=endpoint)
    objectstore.filesystem.cache_clear()
    s3fs.S3FileSystem.clear_instance_cache()
    try:
        yield S3Server(endpoint, recording)
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        objectstore.filesystem.cache_clear()
        s3fs.S3FileSystem.clear_instance_cache()
        server.terminate()
        server.wait(timeout=30)
        log.close()


def _bucket() -> str:
    name = f"dateline-{uuid.uuid4().hex[:12]}"
    objectstore.filesystem().mkdir(name)
    return name


def _upload(folder: Path, url: str) -> None:
    fs = objectstore.filesystem()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            fs.pipe(
                f"{url.removeprefix('s3://')}{path.relative_to(folder).as_posix()}",
                path.read_bytes(),
            )


def _input_folder(tmp_path: Path) -> Path:
    """The bundled samples and a web archive of three pages."""
    folder = tmp_path / "in"
    shutil.copytree(SAMPLES_DIR, folder)
    write_warc(folder / "CC-NEWS-20240501123456-00001.warc.gz", synthetic_pages(), gzipped=True)
    return folder


def _settings(db: Path) -> Settings:
    return Settings(db_path=db, export_dir=None)


ARTICLE_FIELDS = "SELECT title, body_text, url FROM articles ORDER BY title"


@pytest.mark.slow
def test_ingest_s3_skips_unchanged_objects_and_exports_to_s3(s3: S3Server, tmp_path: Path) -> None:
    bucket = _bucket()
    folder = _input_folder(tmp_path)
    source = f"s3://{bucket}/crawl/"
    _upload(folder, source)
    db = tmp_path / "s3.duckdb"

    first = run_ingest([source], _settings(db))
    local = run_ingest([str(folder)], _settings(tmp_path / "local.duckdb"))
    n_files = len(list(folder.iterdir()))
    assert first.sources_seen == local.sources_seen == n_files
    assert first.file_dispositions == local.file_dispositions
    assert first.skipped_records == local.skipped_records
    assert query_db(db, ARTICLE_FIELDS) == query_db(tmp_path / "local.duckdb", ARTICLE_FIELDS)
    uris = {uri for (uri,) in query_db(db, "SELECT source_uri FROM articles")}
    assert f"s3://{bucket}/crawl/en_harbour.txt" in uris
    assert any(uri.startswith(f"s3://{bucket}/crawl/CC-NEWS-") and "#" in uri for uri in uris)

    # Nothing changed: no object is fetched, every one is known by its ETag and size.
    s3.start_recording()
    again = run_ingest([source], _settings(db))
    assert s3.objects_fetched(bucket) == set()
    assert again.file_dispositions == {"unchanged": n_files - 1, "skipped:documentation": 1}
    assert (again.counts.new, again.counts.updated) == (0, 0)

    # One object rewritten: it alone is fetched.
    changed = (folder / "en_harbour.txt").read_bytes().replace(b"Harbour", b"Port", 1)
    assert changed != (folder / "en_harbour.txt").read_bytes()
    objectstore.filesystem().pipe(f"{bucket}/crawl/en_harbour.txt", changed)
    s3.start_recording()
    third = run_ingest([source], _settings(db))
    assert s3.objects_fetched(bucket) == {"crawl/en_harbour.txt"}
    assert third.file_dispositions["unchanged"] == n_files - 2
    assert third.counts.updated == 1

    out = f"s3://{bucket}/export/"
    assert main(["export", "--db", str(db), "--out", out]) == 0
    manifest = json.loads(objectstore.filesystem().cat_file(f"{bucket}/export/_manifest.json"))
    by_name = {dataset["name"]: dataset for dataset in manifest["datasets"]}
    for table in COUNTED_TABLES:
        [(n_rows,)] = query_db(db, f"SELECT count(*) FROM {table}")
        assert by_name[table]["n_rows"] == n_rows
        assert _counts_by_readers(s3, f"s3://{bucket}/export/{by_name[table]['path']}") == {
            "polars": n_rows,
            "pyarrow": n_rows,
            "duckdb": n_rows,
        }, table
    assert by_name["articles"]["partitioned_by"] == ["published_month"]


def _counts_by_readers(s3: S3Server, folder: str) -> dict[str, int]:
    """Rows of one exported dataset as Polars, pyarrow and DuckDB read them from S3."""
    import polars as pl
    import pyarrow.dataset

    pattern = folder + "**/*.parquet"
    storage = {
        "aws_endpoint_url": s3.endpoint,
        "aws_access_key_id": AWS_ENV["AWS_ACCESS_KEY_ID"],
        "aws_secret_access_key": AWS_ENV["AWS_SECRET_ACCESS_KEY"],
        "aws_region": AWS_ENV["AWS_DEFAULT_REGION"],
        "aws_allow_http": "true",
    }
    polars_rows = pl.scan_parquet(pattern, storage_options=storage).select(pl.len()).collect()
    fs = s3fs.S3FileSystem(skip_instance_cache=True, use_listings_cache=False)
    arrow_rows = pyarrow.dataset.dataset(
        folder.removeprefix("s3://"), filesystem=fs, format="parquet", partitioning="hive"
    ).count_rows()
    con = duckdb.connect()
    try:
        # No httpfs extension here: DuckDB reads s3:// through the fsspec filesystem.
        con.register_filesystem(fs)
        [(duckdb_rows,)] = con.execute(
            f"SELECT count(*) FROM read_parquet('{pattern}', hive_partitioning = true)"
        ).fetchall()
    finally:
        con.close()
    return {"polars": polars_rows.item(), "pyarrow": arrow_rows, "duckdb": duckdb_rows}


@pytest.mark.slow
def test_reader_sees_the_old_export_or_the_new_one(s3: S3Server, tmp_path: Path) -> None:
    """While a second export is written, a reader going through the manifest always finds
    every dataset it lists, with the rows it states; the export before the last is kept
    for such readers, older ones are deleted."""
    bucket = _bucket()
    db = tmp_path / "db.duckdb"
    run_ingest([str(SAMPLES_DIR)], _settings(db))
    out = f"s3://{bucket}/export/"
    con = duckdb.connect(str(db), read_only=True)
    try:
        first = export_parquet(con, out, run_id=None)
    finally:
        con.close()
    warc = tmp_path / "crawl.warc.gz"
    write_warc(warc, synthetic_pages(), gzipped=True)
    run_ingest([str(warc)], _settings(db))

    reader_fs = s3fs.S3FileSystem(skip_instance_cache=True, use_listings_cache=False)
    seen: list[tuple[str, str, int, int]] = []
    done = threading.Event()

    def read_through_manifest() -> None:
        import pyarrow.dataset

        while True:
            last = done.is_set()
            manifest = json.loads(reader_fs.cat_file(f"{bucket}/export/_manifest.json"))
            for dataset in manifest["datasets"]:
                if dataset["name"] in ("articles", "article_paragraphs"):
                    rows = pyarrow.dataset.dataset(
                        f"{bucket}/export/{dataset['path']}",
                        filesystem=reader_fs,
                        format="parquet",
                        partitioning="hive",
                    ).count_rows()
                    seen.append((manifest["export_root"], dataset["name"], dataset["n_rows"], rows))
            if last:
                return

    reader = threading.Thread(target=read_through_manifest)
    reader.start()
    con = duckdb.connect(str(db), read_only=True)
    try:
        second = export_parquet(con, out, run_id=None)
    finally:
        con.close()
    done.set()
    reader.join(timeout=120)
    assert not reader.is_alive()
    assert seen and all(stated == counted for _, _, stated, counted in seen), seen
    assert {root for root, *_ in seen} <= {first["export_root"], second["export_root"]}
    assert seen[-1][0] == second["export_root"]
    articles = {d["name"]: d["n_rows"] for d in second["datasets"]}["articles"]
    assert articles == {d["name"]: d["n_rows"] for d in first["datasets"]}["articles"] + 3

    fs = objectstore.filesystem()
    fs.invalidate_cache()
    kept = {path.rsplit("/", 1)[-1] for path in fs.ls(f"{bucket}/export/_exports")}
    assert kept == {
        first["export_root"].strip("/").rsplit("/", 1)[-1],
        second["export_root"].strip("/").rsplit("/", 1)[-1],
    }
    con = duckdb.connect(str(db), read_only=True)
    try:
        third = export_parquet(con, out, run_id=None)
    finally:
        con.close()
    fs.invalidate_cache()
    kept = {path.rsplit("/", 1)[-1] for path in fs.ls(f"{bucket}/export/_exports")}
    assert kept == {
        second["export_root"].strip("/").rsplit("/", 1)[-1],
        third["export_root"].strip("/").rsplit("/", 1)[-1],
    }


def test_export_refuses_a_prefix_that_holds_other_objects(
    s3: S3Server, tmp_path: Path, capsys
) -> None:
    bucket = _bucket()
    objectstore.filesystem().pipe(f"{bucket}/reports/q1.csv", b"a,b\n1,2\n")
    db = tmp_path / "db.duckdb"
    run_ingest([str(SAMPLES_DIR)], _settings(db))
    assert main(["export", "--db", str(db), "--out", f"s3://{bucket}/reports/"]) == 1
    assert "holds objects but no _manifest.json" in capsys.readouterr().err
    assert objectstore.filesystem().cat_file(f"{bucket}/reports/q1.csv") == b"a,b\n1,2\n"


def test_each_run_lists_the_prefix_and_the_glob_again(s3: S3Server, tmp_path: Path) -> None:
    """The SOURCE arguments ``dateline serve`` hands every scheduled run (an s3:// prefix, a
    local glob) are listed again by each run: an object or a file that appeared between two
    runs is read by the next one. Run as plain ingests with those arguments (a real Prefect
    server's schedule is tested in test_serve.py)."""
    import argparse

    bucket = _bucket()
    crawl = tmp_path / "crawls"
    crawl.mkdir()
    pages = synthetic_pages()
    write_warc(crawl / "one.warc.gz", pages[:1], gzipped=True, truncate=False)
    fs = objectstore.filesystem()
    fs.pipe(f"{bucket}/news/en_harbour.txt", (SAMPLES_DIR / "en_harbour.txt").read_bytes())
    args = argparse.Namespace(
        name="test", interval=60, sources=[f"s3://{bucket}/news/", str(crawl / "*.warc.gz")]
    )
    settings = _settings(tmp_path / "db.duckdb")
    source_args = serve_arguments(args, settings)["parameters"]["source_args"]
    assert source_args[0] == f"s3://{bucket}/news/"

    first = run_ingest(source_args, settings)
    assert first.file_dispositions == {"article": 2}
    fs.pipe(f"{bucket}/news/fr_vendanges.txt", (SAMPLES_DIR / "fr_vendanges.txt").read_bytes())
    write_warc(crawl / "two.warc.gz", pages[1:2], gzipped=True, truncate=False)
    second = run_ingest(source_args, settings)
    assert second.file_dispositions == {"article": 2, "unchanged": 2}
    assert second.counts.new == 2


@pytest.mark.parametrize(
    "source",
    ["gs://bucket/news/", "ftp://example.org/news/", "http://example.org/a.html", "file:///tmp/x"],
)
def test_unreadable_scheme_is_a_usage_error(source: str, tmp_path: Path, capsys) -> None:
    code = main(["ingest", source, "--db", str(tmp_path / "db.duckdb"), "--quiet"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and "is not supported" in err
    # Never taken for a local path: no database was even opened.
    assert not (tmp_path / "db.duckdb").exists()


def test_export_to_an_unreadable_scheme_is_a_usage_error(tmp_path: Path, capsys) -> None:
    assert main(["export", "--db", str(tmp_path / "db.duckdb"), "--out", "gs://bucket/x/"]) == 2
    assert "gs:// is not supported" in capsys.readouterr().err


def _cli(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    return subprocess.run(
        [sys.executable, "-m", "dateline.flows.cli", *args],
        env={**clean, "PREFECT_HOME": str(cwd / "prefect"), **env},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("no_bucket", "does not exist"),
        ("no_credentials", "no AWS credentials"),
        ("unreachable", "cannot be reached"),
    ],
)
def test_store_problems_are_one_sentence(
    s3: S3Server, tmp_path: Path, case: str, expected: str
) -> None:
    env = {**AWS_ENV, "AWS_ENDPOINT_URL": s3.endpoint, "AWS_MAX_ATTEMPTS": "1"}
    if case == "no_credentials":
        env = {k: v for k, v in env.items() if not k.startswith("AWS_SECRET")}
        env.pop("AWS_ACCESS_KEY_ID")
    if case == "unreachable":
        env["AWS_ENDPOINT_URL"] = f"http://127.0.0.1:{_free_port()}"
    bucket = "no-such-bucket" if case == "no_bucket" else _bucket()
    result = _cli(["ingest", f"s3://{bucket}/news/", "--db", "db.duckdb", "--quiet"], env, tmp_path)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    [line] = result.stderr.strip().splitlines()
    assert line.startswith(f"dateline: cannot list s3://{bucket}/news/") and expected in line
