"""Two processes on one warehouse file: the writer waits, a reader is told the file is busy.

DuckDB lets one read-write process or many read-only ones open a file, never both. These
tests start real second processes (a small Python snippet holding a connection, and the
``dateline`` command line itself) and bound each wait in time.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pytest

from dateline.flows import warehouse
from dateline.flows.settings import Settings, load_settings
from dateline.transforms import schema
from tests.conftest import REPO_ROOT, SAMPLES_DIR, query_db

# Every article-level table, compared between a raced warehouse and a clean one.
CONTENT_TABLES = [t.name for t in schema.ARTICLE_TABLES] + ["ingest_sources"]
# Columns that name the run or its clock: they differ between two otherwise equal runs.
RUN_COLUMNS = ("run_id", "last_run_id", "ingested_at", "loaded_at")
N_SAMPLE_ARTICLES = 9
# One `dateline ingest` starts Prefect's temporary server: slow on a loaded machine.
INGEST_TIMEOUT = 300
QUICK_TIMEOUT = 60
# Opens the file given in argv[1] (read-only when argv[2] is "ro"), says so, and holds it
# until its stdin closes or argv[3] seconds pass, whichever comes first.
HOLDER_SNIPPET = """
import select, sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=sys.argv[2] == "ro")
print("held", flush=True)
select.select([sys.stdin], [], [], float(sys.argv[3]))
con.close()
"""
HOLDER_MAX_SECONDS = 600
WAITING_TEXT = "waiting up to"
WRITER_BUSY = "is in use by another process (another ingest or a read-only connection)"
READER_BUSY = "is in use by another process (an ingest writing to it); retry when it finishes."


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DATELINE_")}
    env.update(PREFECT_SERVER_ANALYTICS_ENABLED="false", PREFECT_LOGGING_LEVEL="WARNING")
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO_ROOT), env.get("PYTHONPATH")) if p)
    return env


def _dateline(*args: str) -> list[str]:
    return [sys.executable, "-m", "dateline.flows.cli", *args]


def _run(args: list[str], timeout: float) -> subprocess.CompletedProcess:
    return subprocess.run(
        args, cwd=REPO_ROOT, env=_env(), capture_output=True, text=True, timeout=timeout
    )


def _start(args: list[str], log_dir: Path, name: str) -> subprocess.Popen:
    """A background process whose stdout and stderr go to files (read while it runs)."""
    return subprocess.Popen(
        args,
        cwd=REPO_ROOT,
        env=_env(),
        stdout=(log_dir / f"{name}.out").open("w"),
        stderr=(log_dir / f"{name}.err").open("w"),
    )


def _logs(log_dir: Path, name: str) -> tuple[str, str]:
    return (log_dir / f"{name}.out").read_text(), (log_dir / f"{name}.err").read_text()


@contextmanager
def _holding(db: Path, *, read_only: bool):
    """Another process holds ``db`` until the block ends (or the yielded release is called)."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER_SNIPPET, str(db), "ro" if read_only else "rw"]
        + [str(HOLDER_MAX_SECONDS)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )

    def release() -> None:
        if holder.stdin and not holder.stdin.closed:
            holder.stdin.close()
        holder.wait(timeout=QUICK_TIMEOUT)

    try:
        # readline returns "" if the holder died, so this cannot hang.
        assert holder.stdout.readline().strip() == "held", "holder could not open the database"
        yield release
    finally:
        release()
        holder.stdout.close()


def _wait_for_text(path: Path, text: str, process: subprocess.Popen, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if text in path.read_text():
            return
        if process.poll() is not None:
            pytest.fail(f"process exited ({process.returncode}) before printing {text!r}")
        time.sleep(0.5)
    pytest.fail(f"{text!r} not printed within {timeout} s")


def _content(db: Path) -> dict[str, list[tuple]]:
    """Every content table's rows, sorted, without the run's id and clock columns."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        snapshot = {}
        for table in CONTENT_TABLES:
            names = [d[0] for d in con.execute(f"SELECT * FROM {table} LIMIT 0").description]
            kept = ", ".join(f'"{n}"' for n in names if n not in RUN_COLUMNS)
            rows = con.execute(f"SELECT {kept} FROM {table}").fetchall()
            snapshot[table] = sorted(rows, key=repr)
        return snapshot
    finally:
        con.close()


@pytest.fixture(scope="module")
def clean_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A copy of the samples and a warehouse from one undisturbed ``dateline ingest`` of it.

    Shared by the slow tests to save Prefect start-ups; a test that edits a source puts
    the bytes back.
    """
    root = tmp_path_factory.mktemp("clean-run")
    sources, db = root / "sources", root / "warehouse" / "dateline.duckdb"
    shutil.copytree(SAMPLES_DIR, sources)
    result = _run(_dateline("ingest", str(sources), "--db", str(db), "--quiet"), INGEST_TIMEOUT)
    assert result.returncode == 0, result.stderr
    return sources, db


@pytest.fixture
def empty_db(tmp_path: Path) -> Path:
    db = tmp_path / "warehouse" / "empty.duckdb"
    warehouse.connect(db).close()
    return db


@pytest.mark.parametrize(
    ("env", "expected"),
    [({}, Settings.lock_wait_seconds), ({"DATELINE_LOCK_WAIT_SECONDS": "7"}, 7)],
)
def test_lock_wait_setting(env: dict[str, str], expected: int) -> None:
    assert load_settings(env).lock_wait_seconds == expected


def test_reader_is_refused_at_once_while_a_writer_holds(empty_db: Path) -> None:
    with _holding(empty_db, read_only=False):
        started = time.monotonic()
        with pytest.raises(warehouse.DatabaseBusy) as caught:
            warehouse.connect_reader(empty_db)
    assert time.monotonic() - started < 5
    assert caught.value.db_path == empty_db
    assert caught.value.read_only
    assert "an ingest writing to it" in str(caught.value)


@pytest.mark.parametrize("holder_read_only", [True, False], ids=["reader holds", "writer holds"])
def test_writer_waits_for_the_holder(empty_db: Path, holder_read_only: bool) -> None:
    heard: list[str] = []
    with _holding(empty_db, read_only=holder_read_only) as release:

        def on_wait(message: str) -> None:
            heard.append(message)
            release()

        con = warehouse.connect_writer(empty_db, wait_seconds=QUICK_TIMEOUT, on_wait=on_wait)
    con.close()
    assert heard == [f"the database {empty_db} {WRITER_BUSY}; waiting up to {QUICK_TIMEOUT} s"]


def test_writer_gives_up_after_the_wait(empty_db: Path) -> None:
    heard: list[str] = []
    with _holding(empty_db, read_only=True):
        with pytest.raises(warehouse.DatabaseBusy) as caught:
            warehouse.connect_writer(empty_db, wait_seconds=1, on_wait=heard.append)
    assert 1 <= caught.value.waited_seconds < 5
    assert not caught.value.read_only
    assert str(caught.value) == f"the database {empty_db} {WRITER_BUSY} after waiting 1 s"
    assert len(heard) == 1


def test_other_io_errors_are_not_waited_on(tmp_path: Path) -> None:
    # A read-only open of a missing file fails at once: nothing to wait for.
    with pytest.raises(duckdb.IOException):
        warehouse.connect_reader(tmp_path / "missing.duckdb", wait_seconds=30)


@pytest.mark.parametrize(
    "command", [["sql", "SELECT 1"], ["export", "--out", "{out}"]], ids=["sql", "export"]
)
def test_reader_command_while_an_ingest_writes(
    empty_db: Path, tmp_path: Path, command: list[str]
) -> None:
    args = [part.format(out=tmp_path / "export") for part in command]
    with _holding(empty_db, read_only=False):
        result = _run(_dateline(args[0], "--db", str(empty_db), *args[1:]), QUICK_TIMEOUT)
    assert result.returncode == 3, result.stderr
    assert result.stderr == f"dateline: the database {empty_db} {READER_BUSY}\n"
    assert "Traceback" not in result.stderr


@pytest.mark.slow
def test_ingest_waits_for_a_reader_then_lands_the_change(
    clean_run: tuple[Path, Path], tmp_path: Path
) -> None:
    sources, clean = clean_run
    db = tmp_path / "dateline.duckdb"
    shutil.copyfile(clean, db)
    dump = sources / "en_harbour.txt"
    original = dump.read_bytes()
    text = original.decode("utf-8")
    dump.write_text(
        text.replace("Economists said the strike", "Analysts said the strike"), encoding="utf-8"
    )
    try:
        with _holding(db, read_only=True) as release:
            ingest = _start(_dateline("ingest", str(sources), "--db", str(db)), tmp_path, "ingest")
            try:
                _wait_for_text(tmp_path / "ingest.err", WAITING_TEXT, ingest, INGEST_TIMEOUT)
                # The writer keeps backing off while the reader lingers a little longer.
                time.sleep(3)
                assert ingest.poll() is None, "ingest did not wait for the reader"
                release()
                ingest.wait(timeout=INGEST_TIMEOUT)
            finally:
                ingest.kill()
    finally:
        dump.write_bytes(original)
    out, err = _logs(tmp_path, "ingest")
    assert ingest.returncode == 0, err
    assert f"{WRITER_BUSY}; waiting up to 300 s" in err
    assert f"0 new, 1 updated, {N_SAMPLE_ARTICLES - 1} unchanged" in out
    uri = str(dump.resolve())
    paragraphs = [
        row[0]
        for row in query_db(
            db,
            "SELECT p.text FROM article_paragraphs p JOIN articles a USING (article_id) "
            f"WHERE a.source_uri = '{uri}'",
        )
    ]
    assert any(p.startswith("Analysts said") for p in paragraphs)
    assert not any(p.startswith("Economists said") for p in paragraphs)


@pytest.mark.slow
def test_two_ingests_at_once_equal_one_clean_run(
    clean_run: tuple[Path, Path], tmp_path: Path
) -> None:
    sources, clean = clean_run
    raced = tmp_path / "raced" / "dateline.duckdb"
    processes = {
        name: _start(_dateline("ingest", str(sources), "--db", str(raced)), tmp_path, name)
        for name in ("first", "second")
    }
    try:
        for process in processes.values():
            process.wait(timeout=INGEST_TIMEOUT)
    finally:
        for process in processes.values():
            process.kill()
    for name, process in processes.items():
        assert process.returncode == 0, f"{name}: {_logs(tmp_path, name)[1]}"
    assert _content(raced) == _content(clean)
    runs = query_db(raced, "SELECT status, articles_new FROM ingest_runs ORDER BY started_at")
    assert [status for status, _ in runs] == ["completed", "completed"]
    # One run loaded every article, the other found them all already there.
    assert sorted(new for _, new in runs) == [0, N_SAMPLE_ARTICLES]


@pytest.mark.slow
def test_ingest_gives_up_with_exit_3_when_the_holder_stays(empty_db: Path) -> None:
    with _holding(empty_db, read_only=True):
        result = _run(
            _dateline(
                "ingest", str(SAMPLES_DIR), "--db", str(empty_db), "--quiet", "--lock-wait", "1"
            ),
            INGEST_TIMEOUT,
        )
    assert result.returncode == 3, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines()[-1] == (
        f"dateline: the database {empty_db} {WRITER_BUSY} after waiting 1 s; "
        "retry when it is free, or wait longer with --lock-wait SECONDS."
    )
    assert f"{WRITER_BUSY}; waiting up to 1 s" in result.stderr
