"""Every DATELINE_* variable of the README's Settings table, by its effect on a run.

Each test sets one variable and looks at what it changes: the file written, the lines cut,
the files rejected, the batches counted, the export written, the DuckDB connection's
memory limit, the wait for a busy file, and what ``dateline serve`` hands Prefect as the
deployment's parameters. All run in this process without a Prefect server; the ones
marked slow start worker processes or another Python.
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dateline.flows import cli, load
from dateline.flows.cli import main
from dateline.flows.settings import Settings, SettingsError, load_settings, prefect_api_url
from tests.conftest import SAMPLES_DIR, query_db

N_SAMPLE_FILES = 8
N_SAMPLE_ARTICLES = 9
# A paragraph line of about 5,600 characters: words and sentences, as a scraped dump has.
LONG_LINE = "The council met on Tuesday to discuss the harbour budget for next year. " * 78
DUMP_WITH_LONG_LINE = (
    "Harbour budget debated for a second day\n"
    "By Jane Roe\n\n"
    "The city council opened its second day of debate on the harbour budget on Wednesday.\n\n"
    f"{LONG_LINE}\n\n"
    "A vote is expected before the end of the month, officials said.\n"
)


@pytest.fixture(autouse=True)
def no_ambient_settings(monkeypatch, tmp_path: Path) -> None:
    """No DATELINE_* variable or Prefect server of the caller's shell leaks into a test."""
    for name in list(os.environ):
        if name.startswith("DATELINE_") or name in ("PREFECT_API_URL", "PREFECT_PROFILE"):
            monkeypatch.delenv(name)
    # An empty Prefect home: no profile there configures a server either.
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path / "prefect-home"))
    monkeypatch.delenv("PREFECT_PROFILES_PATH", raising=False)
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def samples(tmp_path: Path) -> Path:
    return shutil.copytree(SAMPLES_DIR, tmp_path / "samples")


def _ingest(capsys, *args: str) -> tuple[str, str]:
    code = main(["ingest", *args])
    out = capsys.readouterr()
    assert code == 0, out.err
    return out.out, out.err


# -- DATELINE_DB -------------------------------------------------------------------


def test_db_picks_the_warehouse_file(monkeypatch, capsys, tmp_path, samples) -> None:
    chosen = tmp_path / "chosen" / "news.duckdb"
    monkeypatch.setenv("DATELINE_DB", str(chosen))
    out, _ = _ingest(capsys, str(samples), "--quiet")
    assert f"database   {chosen}" in out
    assert query_db(chosen, "SELECT count(*) FROM articles") == [(N_SAMPLE_ARTICLES,)]
    # Nothing went to the default location.
    assert not (tmp_path / "data" / "warehouse").exists()


def test_db_flag_wins_over_the_variable(monkeypatch, capsys, tmp_path, samples) -> None:
    monkeypatch.setenv("DATELINE_DB", str(tmp_path / "from-env.duckdb"))
    flagged = tmp_path / "from-flag.duckdb"
    _ingest(capsys, str(samples), "--db", str(flagged), "--quiet")
    assert flagged.exists()
    assert not (tmp_path / "from-env.duckdb").exists()


# -- DATELINE_BATCH_SIZE -----------------------------------------------------------


@pytest.mark.parametrize(("batch_size", "n_batches"), [("3", 3), ("8", 1), ("1", 8)])
def test_batch_size_sets_the_batches(
    monkeypatch, capsys, tmp_path, samples, batch_size: str, n_batches: int
) -> None:
    monkeypatch.setenv("DATELINE_BATCH_SIZE", batch_size)
    _, progress = _ingest(capsys, str(samples), "--db", str(tmp_path / "w.duckdb"))
    batch_lines = [line for line in progress.splitlines() if line.startswith("  batch ")]
    assert len(batch_lines) == n_batches, progress
    assert batch_lines[-1].startswith(f"  batch {n_batches}/{n_batches}: ")
    assert f"{N_SAMPLE_FILES}/{N_SAMPLE_FILES} sources" in batch_lines[-1]


def test_batch_size_flag_wins_over_the_variable(monkeypatch, capsys, tmp_path, samples) -> None:
    monkeypatch.setenv("DATELINE_BATCH_SIZE", "1")
    _, progress = _ingest(
        capsys, str(samples), "--db", str(tmp_path / "w.duckdb"), "--batch-size", "4"
    )
    assert [line[:13] for line in progress.splitlines() if line.startswith("  batch ")] == [
        "  batch 1/2: ",
        "  batch 2/2: ",
    ]


# -- DATELINE_MAX_SOURCE_BYTES -----------------------------------------------------


def test_max_source_bytes_rejects_larger_files(monkeypatch, capsys, tmp_path, samples) -> None:
    # The limit holds for the bytes read: a gzipped file's after decompression.
    sizes = {
        path.name: len(
            gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
        )
        for path in samples.iterdir()
        if path.is_file() and path.name != "README.md"
    }
    limit = sorted(sizes.values())[len(sizes) // 2]
    too_large = {name for name, size in sizes.items() if size > limit}
    assert too_large and len(too_large) < len(sizes)
    monkeypatch.setenv("DATELINE_MAX_SOURCE_BYTES", str(limit))
    db = tmp_path / "w.duckdb"
    out, _ = _ingest(capsys, str(samples), "--db", str(db), "--quiet")
    assert f"too_large: {len(too_large)}" in out
    rejected = query_db(db, "SELECT source_uri, reason FROM ingest_rejects")
    assert {Path(uri).name for uri, _ in rejected} == too_large
    assert {reason for _, reason in rejected} == {"too_large"}
    landed = {
        Path(uri).name.split("#")[0] for (uri,) in query_db(db, "SELECT source_uri FROM articles")
    }
    assert landed == set(sizes) - too_large


# -- DATELINE_MAX_LINE_CHARS -------------------------------------------------------


@pytest.mark.parametrize(
    ("max_line_chars", "longest"), [(None, len(LONG_LINE.strip())), (1000, 1000)]
)
def test_max_line_chars_cuts_long_lines(
    monkeypatch, capsys, tmp_path, max_line_chars: int | None, longest: int
) -> None:
    folder = tmp_path / "dumps"
    folder.mkdir()
    (folder / "budget.txt").write_text(DUMP_WITH_LONG_LINE, encoding="utf-8")
    if max_line_chars is not None:
        monkeypatch.setenv("DATELINE_MAX_LINE_CHARS", str(max_line_chars))
    db = tmp_path / "w.duckdb"
    _ingest(capsys, str(folder), "--db", str(db), "--quiet")
    rows = query_db(db, "SELECT max(length(text)) FROM article_paragraphs")
    assert rows == [(longest,)]
    # The cut line still lands as body text, with the lines around it.
    (body,) = query_db(db, "SELECT body_text FROM articles")[0]
    assert "A vote is expected" in body
    assert LONG_LINE.strip()[:longest] in body


# -- DATELINE_EXPORT_DIR -----------------------------------------------------------


def test_export_dir_writes_an_export_after_the_ingest(
    monkeypatch, capsys, tmp_path, samples
) -> None:
    export_dir = tmp_path / "exports" / "nightly"
    monkeypatch.setenv("DATELINE_EXPORT_DIR", str(export_dir))
    out, _ = _ingest(capsys, str(samples), "--db", str(tmp_path / "w.duckdb"), "--quiet")
    assert f"export     {export_dir}" in out
    manifest = json.loads((export_dir / "_manifest.json").read_text(encoding="utf-8"))
    articles = {d["name"]: d for d in manifest["datasets"]}["articles"]
    assert articles["n_rows"] == N_SAMPLE_ARTICLES


def test_export_flag_wins_over_the_variable(monkeypatch, capsys, tmp_path, samples) -> None:
    monkeypatch.setenv("DATELINE_EXPORT_DIR", str(tmp_path / "from-env"))
    flagged = tmp_path / "from-flag"
    _ingest(capsys, str(samples), "--db", str(tmp_path / "w.duckdb"), "--export", str(flagged))
    assert (flagged / "_manifest.json").exists()
    assert not (tmp_path / "from-env").exists()


# -- DATELINE_DUCKDB_MEMORY_LIMIT --------------------------------------------------


def test_duckdb_memory_limit_holds_for_the_ingest_connection(
    monkeypatch, capsys, tmp_path, samples
) -> None:
    seen: list[int] = []
    real_limit_memory = load.limit_memory

    def limit_and_read_back(con, limit: str) -> None:
        real_limit_memory(con, limit)
        # DuckDB reports the limit back in its own units; compare bytes.
        seen.append(
            con.execute(
                "SELECT value FROM duckdb_settings() WHERE name = 'memory_limit'"
            ).fetchone()[0]
        )

    monkeypatch.setattr(load, "limit_memory", limit_and_read_back)
    for limit in ("200MB", "1GB", "100MB"):
        monkeypatch.setenv("DATELINE_DUCKDB_MEMORY_LIMIT", limit)
        _ingest(capsys, str(samples), "--db", str(tmp_path / f"{limit}.duckdb"), "--quiet")
    # Each run: its limit, the loads' limit (DATELINE_DUCKDB_LOAD_MEMORY_LIMIT), its limit
    # again; a limit below the loads' holds for the loads too.
    assert len(seen) == 9
    assert [_bytes(value) for value in seen] == pytest.approx(
        [200e6, 150e6, 200e6, 1e9, 150e6, 1e9, 100e6, 100e6, 100e6], rel=0.05
    )


# -- DATELINE_DUCKDB_LOAD_MEMORY_LIMIT ---------------------------------------------


def test_duckdb_load_memory_limit_holds_while_batches_load(
    monkeypatch, capsys, tmp_path, samples
) -> None:
    seen: list[str] = []
    real_load_batch = load.load_batch

    def load_and_read_back(con, *args, **kwargs):
        seen.append(
            con.execute(
                "SELECT value FROM duckdb_settings() WHERE name = 'memory_limit'"
            ).fetchone()[0]
        )
        return real_load_batch(con, *args, **kwargs)

    monkeypatch.setattr(load, "load_batch", load_and_read_back)
    monkeypatch.setenv("DATELINE_DUCKDB_LOAD_MEMORY_LIMIT", "120MB")
    _ingest(capsys, str(samples), "--db", str(tmp_path / "w.duckdb"), "--quiet")
    assert seen
    assert [_bytes(value) for value in seen] == pytest.approx([120e6] * len(seen), rel=0.05)


# -- DATELINE_DUCKDB_CHECKPOINT_THRESHOLD ------------------------------------------


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "64MB"),
        ({"DATELINE_DUCKDB_CHECKPOINT_THRESHOLD": "256MB"}, "256MB"),
        ({"DATELINE_DUCKDB_CHECKPOINT_THRESHOLD": " "}, "64MB"),
    ],
)
def test_duckdb_checkpoint_threshold_from_environment(env: dict[str, str], expected: str) -> None:
    assert load_settings(env).duckdb_checkpoint_threshold == expected


def test_duckdb_checkpoint_threshold_must_be_a_size() -> None:
    with pytest.raises(SystemExit, match="DATELINE_DUCKDB_CHECKPOINT_THRESHOLD"):
        load_settings({"DATELINE_DUCKDB_CHECKPOINT_THRESHOLD": "16MB'; CHECKPOINT; --"})


def test_duckdb_checkpoint_threshold_holds_for_the_ingest_connection(
    monkeypatch, capsys, tmp_path, samples
) -> None:
    seen: list[str] = []
    real_set_threshold = load.set_checkpoint_threshold

    def set_and_read_back(con, threshold: str) -> None:
        real_set_threshold(con, threshold)
        seen.append(con.execute("SELECT current_setting('checkpoint_threshold')").fetchone()[0])

    monkeypatch.setattr(load, "set_checkpoint_threshold", set_and_read_back)
    monkeypatch.setenv("DATELINE_DUCKDB_CHECKPOINT_THRESHOLD", "200MB")
    _ingest(capsys, str(samples), "--db", str(tmp_path / "w.duckdb"), "--quiet")
    assert len(seen) == 1
    assert _bytes(seen[0]) == pytest.approx(200e6, rel=0.05)


def _bytes(duckdb_size: str) -> float:
    number, unit = duckdb_size.split()
    scale = {"KB": 1e3, "MB": 1e6, "GB": 1e9, "KiB": 2**10, "MiB": 2**20, "GiB": 2**30}
    return float(number) * scale[unit]


# -- DATELINE_LOCK_WAIT_SECONDS ----------------------------------------------------

# Holds a read-only connection on argv[1] until its stdin closes.
HOLDER = """
import sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
print("held", flush=True)
sys.stdin.read()
con.close()
"""


@pytest.mark.slow
@pytest.mark.parametrize("wait_seconds", [0, 3])
def test_lock_wait_bounds_the_wait_for_a_busy_file(
    monkeypatch, capsys, tmp_path, samples, wait_seconds: int
) -> None:
    db = tmp_path / "w.duckdb"
    _ingest(capsys, str(samples), "--db", str(db), "--quiet")
    monkeypatch.setenv("DATELINE_LOCK_WAIT_SECONDS", str(wait_seconds))
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(db)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        started = time.monotonic()
        code = main(["ingest", str(samples), "--db", str(db), "--quiet"])
        waited = time.monotonic() - started
    finally:
        holder.stdin.close()
        holder.wait(timeout=60)
        holder.stdout.close()
    err = capsys.readouterr().err
    assert code == cli.EXIT_BUSY, err
    assert "--lock-wait" in err
    assert waited >= wait_seconds
    # Gives up soon after the wait, not after the 300 s default.
    assert waited < wait_seconds + 30
    assert ("waiting up to" in err) == (wait_seconds > 0)


# -- DATELINE_WORKERS --------------------------------------------------------------


@pytest.mark.slow
def test_workers_read_and_parse_in_worker_processes(monkeypatch, capsys, tmp_path, samples) -> None:
    monkeypatch.setenv("DATELINE_WORKERS", "2")
    monkeypatch.setenv("DATELINE_BATCH_SIZE", "4")
    db = tmp_path / "w.duckdb"
    _, progress = _ingest(capsys, str(samples), "--db", str(db))
    assert "reading and parsing in 2 worker processes" in progress
    assert query_db(db, "SELECT count(*) FROM articles") == [(N_SAMPLE_ARTICLES,)]


def test_one_worker_reads_and_parses_in_process(capsys, tmp_path, samples) -> None:
    _, progress = _ingest(capsys, str(samples), "--db", str(tmp_path / "w.duckdb"))
    assert "worker processes" not in progress


# -- DATELINE_DASK_ADDRESS: the Dask path runs through Prefect --------------------------


def test_dask_address_sends_the_ingest_through_the_prefect_flow(
    monkeypatch, capsys, tmp_path, samples
) -> None:
    routed: list[Settings] = []

    def flow_run(sources, settings, *, show_progress):
        routed.append(settings)
        raise cli.CommandError("stopped before the flow run", cli.EXIT_FAILED)

    monkeypatch.setattr(cli, "_ingest_as_flow_run", flow_run)
    monkeypatch.setenv("DATELINE_DASK_ADDRESS", "tcp://10.0.0.5:8786")
    assert main(["ingest", str(samples), "--db", str(tmp_path / "w.duckdb")]) == cli.EXIT_FAILED
    assert [s.dask_address for s in routed] == ["tcp://10.0.0.5:8786"]
    # Without it (and without a server) the same command runs the plain steps.
    monkeypatch.delenv("DATELINE_DASK_ADDRESS")
    capsys.readouterr()
    assert main(["ingest", str(samples), "--db", str(tmp_path / "w.duckdb"), "--quiet"]) == 0
    assert len(routed) == 1


# -- DATELINE_SHARD_DIR --------------------------------------------------------------


def test_shard_dir_is_where_dask_shards_go(tmp_path) -> None:
    db = tmp_path / "w" / "w.duckdb"
    assert load_settings({}, db_path=db).shard_root() == db.resolve().parent / "shards"
    chosen = tmp_path / "shared" / "shards"
    assert load_settings({"DATELINE_SHARD_DIR": str(chosen)}, db_path=db).shard_root() == chosen


# -- dateline serve: every setting reaches the deployment ------------------------------------

SERVE_ENV = {
    "DATELINE_DB": "w/news.duckdb",
    "DATELINE_BATCH_SIZE": "500",
    "DATELINE_MAX_SOURCE_BYTES": "1000000",
    "DATELINE_MAX_LINE_CHARS": "5000",
    "DATELINE_EXPORT_DIR": "exports",
    "DATELINE_CRON": "*/15 * * * *",
    "DATELINE_WORKERS": "3",
    "DATELINE_DASK_ADDRESS": "tcp://10.0.0.5:8786",
    "DATELINE_SHARD_DIR": "shared/shards",
    "DATELINE_DUCKDB_MEMORY_LIMIT": "2GB",
    "DATELINE_DUCKDB_LOAD_MEMORY_LIMIT": "100MB",
    "DATELINE_LOCK_WAIT_SECONDS": "60",
}


def _serve_arguments(argv: list[str]) -> dict:
    args = cli.build_parser().parse_args(["serve", *argv])
    settings = load_settings(**cli.settings_flags(args))
    return cli.serve_arguments(args, settings)


def test_serve_hands_every_variable_to_the_deployment(monkeypatch, tmp_path) -> None:
    for name, value in SERVE_ENV.items():
        monkeypatch.setenv(name, value)
    arguments = _serve_arguments(["sources"])
    assert arguments["cron"] == "*/15 * * * *"
    assert "interval" not in arguments
    assert arguments["limit"] == 1
    parameters = arguments["parameters"]
    assert parameters["source_args"] == [str(tmp_path / "sources")]
    assert parameters["settings"] == Settings(
        db_path=tmp_path / "w" / "news.duckdb",
        batch_size=500,
        max_source_bytes=1_000_000,
        max_line_chars=5000,
        export_dir=tmp_path / "exports",
        cron="*/15 * * * *",
        lock_wait_seconds=60,
        workers=3,
        dask_address="tcp://10.0.0.5:8786",
        shard_dir=tmp_path / "shared" / "shards",
        duckdb_memory_limit="2GB",
        duckdb_load_memory_limit="100MB",
    )


def test_serve_flags_win_over_the_variables(monkeypatch, tmp_path) -> None:
    for name, value in SERVE_ENV.items():
        monkeypatch.setenv(name, value)
    arguments = _serve_arguments(
        [
            "--db",
            "other.duckdb",
            "--interval",
            "90",
            "--workers",
            "2",
            "--dask",
            "local",
            "--shard-dir",
            "here",
            "--batch-size",
            "7",
            "--lock-wait",
            "5",
            "--export",
            "out",
        ]
    )
    assert arguments["interval"] == 90
    assert "cron" not in arguments
    settings = arguments["parameters"]["settings"]
    assert settings.db_path == tmp_path / "other.duckdb"
    assert (settings.workers, settings.dask_address, settings.shard_dir) == (
        2,
        "local",
        tmp_path / "here",
    )
    assert (settings.batch_size, settings.lock_wait_seconds) == (7, 5)
    assert settings.export_dir == tmp_path / "out"
    # Variables without a flag still travel.
    assert (settings.max_line_chars, settings.duckdb_memory_limit) == (5000, "2GB")


def test_serve_deployment_parameters_survive_prefects_json(monkeypatch, tmp_path) -> None:
    """The deployment stores its parameters as JSON. Each scheduled run loads the flow from
    its entrypoint file, runs a pickled copy of it in a fresh process and turns the JSON
    back into ``Settings`` through the flow's parameter validation: done here the same
    way, in this process (imports Prefect; no server)."""
    import cloudpickle
    from prefect.flows import load_flow_from_entrypoint

    from dateline.flows import orchestration

    for name, value in SERVE_ENV.items():
        monkeypatch.setenv(name, value)
    arguments = _serve_arguments(["sources"])
    deployment = orchestration.ingest_flow.to_deployment(
        name="settings-round-trip", cron=arguments["cron"], parameters=arguments["parameters"]
    )
    stored = json.loads(json.dumps(deployment.model_dump(mode="json")["parameters"]))
    assert stored["settings"]["db_path"] == str(tmp_path / "w" / "news.duckdb")
    assert stored["settings"]["workers"] == 3

    flow = load_flow_from_entrypoint(f"{orchestration.__file__}:ingest_flow")
    # The runner's pickle carries the flow's own module by value, with only the globals
    # its code uses.
    cloudpickle.register_pickle_by_value(sys.modules[flow.fn.__module__])
    try:
        copy = cloudpickle.loads(cloudpickle.dumps(flow))
    finally:
        cloudpickle.unregister_pickle_by_value(sys.modules[flow.fn.__module__])
    run_parameters = copy.validate_parameters(stored)
    assert run_parameters["settings"] == arguments["parameters"]["settings"]
    assert run_parameters["source_args"] == [str(tmp_path / "sources")]


def test_serve_passes_settings_to_prefect(monkeypatch, capsys, tmp_path) -> None:
    """``dateline serve`` itself: the schedule and settings reach ``ingest_flow.serve``
    (replaced here, so no server is contacted)."""
    from dateline.flows import orchestration

    served: list[dict] = []
    monkeypatch.setattr(orchestration.ingest_flow, "serve", lambda **kw: served.append(kw))
    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:9/api")
    monkeypatch.setenv("DATELINE_WORKERS", "4")
    monkeypatch.setenv("DATELINE_MAX_LINE_CHARS", "777")
    assert main(["serve", "sources", "--cron", "5 4 * * *", "--name", "nightly"]) == 0
    assert "serving 'nightly' on cron '5 4 * * *'" in capsys.readouterr().out
    (kwargs,) = served
    assert (kwargs["name"], kwargs["cron"]) == ("nightly", "5 4 * * *")
    settings = kwargs["parameters"]["settings"]
    assert (settings.workers, settings.max_line_chars) == (4, 777)


def test_serve_without_a_server_says_how_to_start_one(capsys) -> None:
    assert main(["serve", "sources"]) == cli.EXIT_USAGE
    assert "prefect server start" in capsys.readouterr().err


# -- reading and checking ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("env", "flags", "message"),
    [
        ({"DATELINE_BATCH_SIZE": "many"}, {}, "DATELINE_BATCH_SIZE must be a whole number"),
        ({"DATELINE_BATCH_SIZE": "0"}, {}, "--batch-size or DATELINE_BATCH_SIZE must be 1"),
        ({}, {"workers": 0}, "--workers or DATELINE_WORKERS must be 1 or more"),
        ({}, {"lock_wait_seconds": -1}, "--lock-wait or DATELINE_LOCK_WAIT_SECONDS must be 0"),
        ({"DATELINE_MAX_LINE_CHARS": "0"}, {}, "DATELINE_MAX_LINE_CHARS must be 1 or more"),
        ({"DATELINE_DUCKDB_MEMORY_LIMIT": "lots"}, {}, "DATELINE_DUCKDB_MEMORY_LIMIT must be a"),
    ],
)
def test_unusable_values_are_refused_by_name(env, flags, message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        load_settings(env, **flags)


def test_the_command_line_reports_an_unusable_value(monkeypatch, capsys, samples) -> None:
    monkeypatch.setenv("DATELINE_MAX_SOURCE_BYTES", "64M")
    assert main(["ingest", str(samples), "--quiet"]) == cli.EXIT_USAGE
    err = capsys.readouterr().err
    assert err.startswith("dateline: DATELINE_MAX_SOURCE_BYTES must be a whole number")
    assert "Traceback" not in err


def test_defaults_without_variables() -> None:
    assert load_settings({}) == Settings()


@pytest.mark.parametrize(
    ("env", "profiles", "expected"),
    [
        ({}, None, None),
        ({"PREFECT_API_URL": "http://h:4200/api"}, None, "http://h:4200/api"),
        ({}, 'active = "ephemeral"\n[profiles.ephemeral]\n', None),
        (
            {},
            'active = "local"\n[profiles.local]\nPREFECT_API_URL = "http://127.0.0.1:4200/api"\n',
            "http://127.0.0.1:4200/api",
        ),
        (
            {"PREFECT_PROFILE": "local"},
            'active = "other"\n[profiles.other]\n[profiles.local]\nPREFECT_API_URL = "http://l/api"\n',
            "http://l/api",
        ),
        ({}, "this is [not toml", None),
    ],
)
def test_prefect_server_from_environment_or_profile(
    tmp_path, env: dict, profiles: str | None, expected: str | None
) -> None:
    home = tmp_path / "prefect-home"
    home.mkdir()
    if profiles is not None:
        (home / "profiles.toml").write_text(profiles, encoding="utf-8")
    assert prefect_api_url({**env, "PREFECT_HOME": str(home)}) == expected
