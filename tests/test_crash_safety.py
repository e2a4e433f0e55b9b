"""Crash safety: `dateline ingest` killed with SIGKILL at random points never leaves a
half-loaded warehouse or a half-written export, and the next runs converge to a clean run.

One clean run into a fresh database is the reference and measures the timeline (Prefect
start-up, then the stages). Then crash loops: the same database is killed run after run
(up to ``KILLS_PER_DB`` times) at offsets drawn uniformly from ``START_FRACTION`` of the
start-up to the end of the clean run, with a fixed seed. After every kill the database must
open read-only, pass every ``sql/tests`` query, and hold only whole articles that equal the
reference's; the export folder is a complete previous export or absent. Each loop ends with
a run to completion whose tables equal the reference's.

Prefect runs against one server the test starts (its start-up costs ~15 s on a loaded 2-core
machine, once); ``DATELINE_CRASH_EPHEMERAL=1`` makes every run start Prefect's temporary
server instead, in the killed process group (realistic, much slower).
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import httpx
import pytest

from dateline.transforms import schema

pytestmark = pytest.mark.slow

REPO_ROOT = Path(__file__).resolve().parents[1]
SAMPLES_DIR = REPO_ROOT / "data" / "samples"
SHARED_DIR = Path(
    os.environ.get("DATELINE_SHARED_DIR", Path(__file__).resolve().parents[2] / "shared")
)
FUNDUS_DIR = SHARED_DIR / "corpus" / "fundus"
SQL_TESTS_DIR = REPO_ROOT / "sql" / "tests"
MODEL_NAMES = sorted(p.stem for p in (REPO_ROOT / "sql" / "models").glob("*/*.sql"))
BIN_DIR = Path(sys.executable).parent

SEED = 20240607
MIN_KILLS = int(os.environ.get("DATELINE_CRASH_KILLS", "20"))
# Kills on one database before it is run to completion and a fresh one starts.
KILLS_PER_DB = 5
# A safety stop: runs that end on their own before the kill do not count as kills.
MAX_ATTEMPTS = 4 * MIN_KILLS
BATCH_SIZE = 10
# Enough real pages that the stages run several seconds past Prefect's start-up.
N_CORPUS_PAGES = 32
# Without the gold corpus: distinct edited copies of every sample dump.
N_SAMPLE_COPIES = 8
# Kills start this far into Prefect's start-up (earlier ones only kill an import).
START_FRACTION = 0.3
POLL_SECONDS = 0.02
RUN_TIMEOUT_SECONDS = 300
SERVER_BOOT_SECONDS = 120

EPHEMERAL = os.environ.get("DATELINE_CRASH_EPHEMERAL") == "1"
ARTICLE_TABLES = [t.name for t in schema.ARTICLE_TABLES]
CHILD_TABLES = [t.name for t in schema.CHILD_TABLES]
ALL_TABLES = [t.name for t in schema.CONTRACT_TABLES] + ["ingest_sources"]
# Columns that name the run, not the content; they differ between any two runs.
RUN_COLUMNS = ("ingested_at", "run_id")
PREFECT_SETTINGS = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_UI_ENABLED": "false",
    "PREFECT_LOGGING_LEVEL": "WARNING",
    "PREFECT_LOGGING_SERVER_LEVEL": "WARNING",
    "PREFECT_SERVER_LOGGING_LEVEL": "WARNING",
}
PHASES = ("exited before kill", "startup", "batches", "models/tests", "export", "after finish")


@dataclass
class Timeline:
    startup: float
    total: float


@dataclass
class Tally:
    phases: Counter = field(default_factory=Counter)
    kills: int = 0
    leftovers: set[str] = field(default_factory=set)


# ---- corpus and processes -------------------------------------------------------------


def _build_corpus(target: Path) -> str:
    """Copy the sample dumps plus real pages (or edited sample copies) into ``target``."""
    target.mkdir()
    samples = sorted(SAMPLES_DIR.glob("*.txt"))
    for path in samples:
        shutil.copy(path, target / path.name)
    pages = sorted(FUNDUS_DIR.glob("*/*.txt"))
    if pages:
        # Every k-th page, so the subset spans countries and languages.
        step = max(len(pages) // N_CORPUS_PAGES, 1)
        for path in pages[::step][:N_CORPUS_PAGES]:
            shutil.copy(path, target / f"{path.parent.name}_{path.name}")
        return f"{len(samples)} samples + {min(len(pages[::step]), N_CORPUS_PAGES)} gold pages"
    for copy in range(N_SAMPLE_COPIES):
        for path in samples:
            lines = path.read_text(encoding="utf-8").splitlines()
            longest = max(range(len(lines)), key=lambda i: len(lines[i]))
            extra = f"Update {copy}: the review of case {copy * 37 + 11} will take {copy + 2} more weeks."
            lines.insert(longest + 1, extra)
            (target / f"{path.stem}_copy{copy}.txt").write_text(
                "\n".join(lines) + "\n", encoding="utf-8"
            )
    return f"{len(samples)} samples x {N_SAMPLE_COPIES + 1} edited copies (no gold corpus)"


def _dateline() -> list[str]:
    script = BIN_DIR / "dateline"
    return [str(script)] if script.exists() else [sys.executable, "-m", "dateline.flows.cli"]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _tests_passed_or_unchanged(output: str) -> bool:
    """The summary says the data tests passed, or that they were not re-run because no
    file changed since a run whose tests passed (a kill before a run changed anything)."""
    return "data tests: all passed" in output or "models     unchanged" in output


def _kill_group(process: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)


def _tail(path: Path, chars: int = 3000) -> str:
    return path.read_text(encoding="utf-8", errors="replace")[-chars:] if path.exists() else ""


@pytest.fixture
def prefect_env(tmp_path: Path) -> Iterator[dict[str, str]]:
    """Environment for the ingest subprocesses, with a Prefect server of their own."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "DATELINE_"))}
    env.update(PREFECT_SETTINGS)
    env["PREFECT_HOME"] = str(tmp_path / "prefect-home")
    env["PREFECT_API_DATABASE_CONNECTION_URL"] = f"sqlite+aiosqlite:///{tmp_path / 'prefect.db'}"
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO_ROOT), env.get("PYTHONPATH")) if p)
    if EPHEMERAL:
        yield env
        return
    prefect = BIN_DIR / "prefect"
    if not prefect.exists():
        pytest.skip("the `prefect` command line is not installed next to the interpreter")
    port = _free_port()
    api_url = f"http://127.0.0.1:{port}/api"
    log_path = tmp_path / "prefect-server.log"
    with log_path.open("wb") as log:
        server = subprocess.Popen(
            [str(prefect), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            cwd=tmp_path,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + SERVER_BOOT_SECONDS
        while True:
            if server.poll() is not None:
                pytest.fail(f"prefect server exited early:\n{_tail(log_path)}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{api_url}/health", timeout=5).status_code == 200:
                    break
            if time.monotonic() > deadline:
                pytest.fail(f"prefect server not healthy after {SERVER_BOOT_SECONDS} s")
            time.sleep(0.5)
        yield {**env, "PREFECT_API_URL": api_url}
    finally:
        _kill_group(server)


def _spawn(sources: Path, db: Path, out: Path, env: dict[str, str], log: Path) -> subprocess.Popen:
    command = _dateline() + ["ingest", str(sources), "--db", str(db)]
    command += ["--batch-size", str(BATCH_SIZE), "--export", str(out), "--quiet"]
    with log.open("wb") as handle:
        # A session of its own: killpg reaches Prefect's temporary server child too.
        return subprocess.Popen(
            command,
            env=env,
            cwd=log.parent,
            stdout=handle,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )


def _run_to_completion(
    sources: Path, db: Path, out: Path, env: dict[str, str], log: Path
) -> Timeline:
    """One uninterrupted run; returns when the database appeared and when the run ended."""
    started = time.monotonic()
    process = _spawn(sources, db, out, env, log)
    startup = None
    try:
        while process.poll() is None:
            if startup is None and db.exists():
                startup = time.monotonic() - started
            if time.monotonic() - started > RUN_TIMEOUT_SECONDS:
                pytest.fail(f"ingest did not finish in {RUN_TIMEOUT_SECONDS} s:\n{_tail(log)}")
            time.sleep(POLL_SECONDS)
    finally:
        _kill_group(process)
    total = time.monotonic() - started
    output = _tail(log)
    assert process.returncode == 0, f"ingest exited {process.returncode}:\n{output}"
    assert ": completed in " in output and _tests_passed_or_unchanged(output), output
    return Timeline(startup=startup if startup is not None else total, total=total)


# ---- what a database and an export hold ------------------------------------------------


def _connect(db: Path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(db), read_only=True)


def _content_columns(con: duckdb.DuckDBPyConnection, table: str) -> str:
    rows = con.execute(
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_catalog = current_database() AND table_name = ? ORDER BY ordinal_position",
        [table],
    ).fetchall()
    return ", ".join(f'"{name}"' for (name,) in rows if name not in RUN_COLUMNS)


def _table_rows(db: Path, table: str) -> list[tuple]:
    con = _connect(db)
    try:
        columns = _content_columns(con, table)
        return con.execute(f"SELECT {columns} FROM {table} ORDER BY ALL").fetchall()
    finally:
        con.close()


def _source_hashes(db: Path) -> set[tuple[str, str]]:
    con = _connect(db)
    try:
        return set(con.execute("SELECT source_path, file_hash FROM ingest_sources").fetchall())
    finally:
        con.close()


def _run_rows(db: Path) -> dict[str, str]:
    if not db.exists():
        return {}
    con = _connect(db)
    try:
        tables = {
            name for (name,) in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()
        }
        if "ingest_runs" not in tables:
            return {}
        return dict(con.execute("SELECT run_id, status FROM ingest_runs").fetchall())
    finally:
        con.close()


def _sql_tests() -> list[tuple[str, str]]:
    paths = sorted(SQL_TESTS_DIR.glob("*.sql"))
    assert paths, f"no data tests in {SQL_TESTS_DIR}"
    return [(p.stem, p.read_text(encoding="utf-8").strip().rstrip(";") + "\n") for p in paths]


def _check_database(db: Path, reference: Path) -> int | None:
    """Assert a killed run's database is consistent; return its ingest_sources row count
    (None when the schema is not complete yet)."""
    con = _connect(db)  # must open: a SIGKILL may leave a WAL, never an unreadable file
    try:
        tables = {
            name for (name,) in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()
        }
        if not set(ALL_TABLES) <= tables:
            # Killed while creating the schema: no article may exist without the rest.
            assert (
                "articles" not in tables
                or not con.execute("SELECT count(*) FROM articles").fetchall()[0][0]
            ), f"articles loaded before the schema was complete: {tables}"
            return None
        # A run killed before it had built every model view leaves the data tests that
        # read those views to the next run; once every view is there, all must run.
        views = {
            name
            for (name,) in con.execute(
                "SELECT view_name FROM duckdb_views() WHERE NOT internal"
            ).fetchall()
        }
        models_complete = set(MODEL_NAMES) <= views
        failures = []
        for name, query in _sql_tests():
            try:
                [(n_rows,)] = con.execute(f"SELECT count(*) FROM ({query})").fetchall()
            except duckdb.CatalogException as error:
                if models_complete:
                    failures.append(f"{name}: {error}")
                continue
            if n_rows:
                failures.append(f"{name}: {n_rows} rows")
        assert not failures, f"data tests failed after a kill: {failures}"
        for child in CHILD_TABLES:
            [(orphans,)] = con.execute(
                f"SELECT count(*) FROM {child} ANTI JOIN articles USING (article_id)"
            ).fetchall()
            assert orphans == 0, f"{orphans} {child} rows without their article"
        # Articles and their source bookkeeping commit together, batch by batch.
        [(unlisted,)] = con.execute(
            "SELECT count(*) FROM articles ANTI JOIN "
            "(SELECT unnest(article_ids) AS article_id FROM ingest_sources) USING (article_id)"
        ).fetchall()
        assert unlisted == 0, f"{unlisted} articles whose source is not in ingest_sources"
        [(missing,)] = con.execute(
            "SELECT count(*) FROM (SELECT unnest(article_ids) AS article_id FROM ingest_sources) "
            "ANTI JOIN articles USING (article_id)"
        ).fetchall()
        assert missing == 0, f"{missing} articles listed in ingest_sources but not loaded"
        # Every article present is whole: its rows in every table equal the clean run's.
        con.execute(f"ATTACH '{reference}' AS ref (READ_ONLY)")
        for table in ARTICLE_TABLES:
            columns = _content_columns(con, table)
            present = "article_id IN (SELECT article_id FROM main.articles)"
            for left, right in (("main", "ref"), ("ref", "main")):
                [(extra,)] = con.execute(
                    f"SELECT count(*) FROM (SELECT {columns} FROM {left}.{table} WHERE {present} "
                    f"EXCEPT ALL SELECT {columns} FROM {right}.{table} WHERE {present})"
                ).fetchall()
                assert extra == 0, (
                    f"{table}: {extra} rows in {left} and not in {right} for loaded articles"
                )
        [(n_sources,)] = con.execute("SELECT count(*) FROM ingest_sources").fetchall()
        return n_sources
    finally:
        con.close()


def _check_export(out: Path) -> None:
    """The export folder is absent or a complete export, never half-written."""
    if not out.exists():
        return
    manifest_path = out / "_manifest.json"
    assert manifest_path.is_file(), f"{out} exists without a manifest: {sorted(out.iterdir())}"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    assert manifest["datasets"], "manifest lists no dataset"
    for dataset in manifest["datasets"]:
        folder = out / dataset["path"]
        assert folder.is_dir(), f"manifest lists {dataset['path']} but it is missing"
        assert any(folder.rglob("*.parquet")), f"{folder} holds no Parquet file"


def _leftovers(out: Path) -> set[str]:
    return {p.name for p in out.parent.glob(f".{out.name}.*")}


def _assert_same_content(db: Path, reference: Path) -> None:
    for table in ARTICLE_TABLES:
        got, want = _table_rows(db, table), _table_rows(reference, table)
        assert got == want, (
            f"{table}: {len(got)} rows after the crashes, {len(want)} in a clean run"
        )
    assert _source_hashes(db) == _source_hashes(reference)


# ---- the test ---------------------------------------------------------------------------


def _kill_once(
    lane: Path,
    sources: Path,
    reference: Path,
    env: dict[str, str],
    offset: float,
    n_ref: int,
    tally: Tally,
    attempt: int,
) -> float | None:
    """Run an ingest on the lane's database and SIGKILL it ``offset`` seconds in; check what
    it left. Returns the run's duration when it ended on its own first (the database is then
    complete), else None."""
    db, out = lane / "warehouse.duckdb", lane / "export"
    runs_before = _run_rows(db)
    leftovers_before = _leftovers(out)
    log = lane / f"attempt-{attempt:02d}.log"
    started = time.monotonic()
    process = _spawn(sources, db, out, env, log)
    try:
        while process.poll() is None and time.monotonic() - started < offset:
            time.sleep(POLL_SECONDS)
        ended_alone = process.poll() is not None
    finally:
        _kill_group(process)
    if ended_alone:
        output = _tail(log)
        assert process.returncode == 0, f"ingest exited {process.returncode}:\n{output}"
        assert ": completed in " in output and _tests_passed_or_unchanged(output), output
        tally.phases["exited before kill"] += 1
        return time.monotonic() - started
    tally.kills += 1
    n_sources = _check_database(db, reference) if db.exists() else None
    _check_export(out)
    new_leftovers = _leftovers(out) - leftovers_before
    tally.leftovers |= new_leftovers
    new_runs = {k: v for k, v in _run_rows(db).items() if k not in runs_before}
    assert len(new_runs) <= 1, f"one killed run wrote several run rows: {new_runs}"
    if not new_runs:
        phase = "startup"
    elif next(iter(new_runs.values())) != "running":
        phase = "after finish"
    elif any(".tmp-" in name for name in new_leftovers):
        phase = "export"
    elif n_sources is not None and n_sources < n_ref:
        phase = "batches"
    else:
        phase = "models/tests"
    tally.phases[phase] += 1
    return None


def test_sigkill_at_random_points_leaves_consistent_warehouse(
    tmp_path: Path, prefect_env: dict[str, str], capsys
) -> None:
    began = time.monotonic()
    sources = tmp_path / "sources"
    corpus = _build_corpus(sources)
    ref_dir = tmp_path / "reference"
    ref_dir.mkdir()
    reference = ref_dir / "warehouse.duckdb"
    timeline = _run_to_completion(
        sources, reference, ref_dir / "export", prefect_env, ref_dir / "clean.log"
    )
    _check_export(ref_dir / "export")
    n_ref = len(_source_hashes(reference))
    ref_manifest = json.loads((ref_dir / "export" / "_manifest.json").read_text(encoding="utf-8"))
    ref_counts = {
        d["name"]: d["n_rows"] for d in ref_manifest["datasets"] if d["name"] in ARTICLE_TABLES
    }

    rng = random.Random(SEED)
    tally = Tally()
    end = timeline.total
    lanes = attempt = 0
    while tally.kills < MIN_KILLS:
        assert attempt < MAX_ATTEMPTS, f"only {tally.kills} kills in {attempt} attempts"
        lanes += 1
        lane = tmp_path / f"lane-{lanes}"
        lane.mkdir()
        db, out = lane / "warehouse.duckdb", lane / "export"
        completed = False
        for _ in range(KILLS_PER_DB):
            if tally.kills >= MIN_KILLS or attempt >= MAX_ATTEMPTS:
                break
            attempt += 1
            fresh = not db.exists()
            offset = rng.uniform(START_FRACTION * timeline.startup, end)
            ended = _kill_once(lane, sources, reference, prefect_env, offset, n_ref, tally, attempt)
            if ended is not None:
                # A whole run on a fresh database is the best measure of the timeline's end.
                end = ended if fresh else end
                completed = True
                break
        if not completed:
            # The crash loop ends: the next run completes, leftovers or not.
            _run_to_completion(sources, db, out, prefect_env, lane / "complete.log")
        _check_export(out)
        _assert_same_content(db, reference)
        manifest = json.loads((out / "_manifest.json").read_text(encoding="utf-8"))
        counts = {
            d["name"]: d["n_rows"] for d in manifest["datasets"] if d["name"] in ARTICLE_TABLES
        }
        assert counts == ref_counts, f"export after the crashes: {counts}, clean: {ref_counts}"
        stale = [k for k, v in _run_rows(db).items() if v == "running"]

    assert tally.kills >= MIN_KILLS
    with capsys.disabled():
        print(
            f"\ncrash safety: {corpus}; clean run {timeline.total:.1f} s "
            f"(database after {timeline.startup:.1f} s, later clean runs {end:.1f} s); {tally.kills} kills in {attempt} runs "
            f"over {lanes} databases; {len(stale)} 'running' rows left in the last one; "
            f"{len(tally.leftovers)} export leftovers; {time.monotonic() - began:.0f} s in all"
        )
        for phase in PHASES:
            print(f"  {phase:<20} {tally.phases[phase]:>3}")
