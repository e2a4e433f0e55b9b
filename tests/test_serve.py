"""End to end against a real Prefect server: `dateline ingest` with PREFECT_API_URL set is
a flow run of that server with its task runs and its summary as artifacts, and `dateline
serve` fires scheduled ingests.

Starts `prefect server start` once for the module, on a free loopback port with its own
PREFECT_HOME and SQLite database. The serve test serves the ingest flow on a one-minute
cron, waits for an auto-scheduled flow run of that deployment to complete, then checks
the DuckDB file it wrote. Every process started here is stopped (with its children)
even when a test fails. About one to two minutes: cron fires on minute boundaries.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import duckdb
import httpx
import pytest

pytestmark = [pytest.mark.server, pytest.mark.slow]

REPO_ROOT = Path(__file__).resolve().parents[1]
SAMPLES_DIR = REPO_ROOT / "data" / "samples"
BIN_DIR = Path(sys.executable).parent
FLOW_NAME = "dateline-ingest"
DEPLOYMENT_NAME = "test-serve"
# One task run per step and batch of an ingest of the samples in one batch.
INGEST_TASKS = {
    "discover sources",
    "read batch",
    "parse and normalize",
    "load batch",
    "build models and run data tests",
}
INGEST_SECONDS = 300
EVERY_MINUTE = "* * * * *"

SERVER_BOOT_SECONDS = 120
# One minute to the next cron tick, plus runner polling, a cold flow-run process and the ingest.
RUN_COMPLETE_SECONDS = 180
POLL_SECONDS = 2
STOP_SECONDS = 20
LOG_TAIL_CHARS = 4000
TERMINAL_FAILURES = {"FAILED", "CRASHED", "CANCELLED"}

# Settings shared by the server and the serve process; Prefect reads them at import.
PREFECT_TEST_SETTINGS = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_UI_ENABLED": "false",
    "PREFECT_LOGGING_LEVEL": "WARNING",
    "PREFECT_LOGGING_SERVER_LEVEL": "WARNING",
    "PREFECT_SERVER_LOGGING_LEVEL": "WARNING",
    # The runner looks for due runs every 10 s by default; 2 s trims the wait after the tick.
    "PREFECT_RUNNER_POLL_FREQUENCY": "2",
}


def _prefect_cli() -> Path:
    path = BIN_DIR / "prefect"
    if path.exists():
        return path
    found = shutil.which("prefect")
    if found is None:
        pytest.skip("the `prefect` command line is not installed; cannot start a Prefect server")
    return Path(found)


def _dateline_command() -> list[str]:
    script = BIN_DIR / "dateline"
    # Without the console script (project not pip-installed) the module entry point is the same CLI.
    return [str(script)] if script.exists() else [sys.executable, "-m", "dateline.flows.cli"]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _isolated_env(home: Path) -> dict[str, str]:
    """The caller's environment minus any Prefect or Dateline settings, plus the test's own."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "DATELINE_"))}
    env.update(PREFECT_TEST_SETTINGS)
    env["PREFECT_HOME"] = str(home / "prefect-home")
    env["PREFECT_API_DATABASE_CONNECTION_URL"] = f"sqlite+aiosqlite:///{home / 'prefect.db'}"
    # The flow-run subprocess imports flows.ingest by entrypoint; this works without an install too.
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO_ROOT), env.get("PYTHONPATH")) if p)
    return env


def _tail(log_path: Path) -> str:
    if not log_path.exists():
        return "(no log)"
    text = log_path.read_text(encoding="utf-8", errors="replace")
    return text[-LOG_TAIL_CHARS:] or "(empty log)"


def _stop_group(process: subprocess.Popen, first_signal: int) -> None:
    """Signal the process group, escalating to SIGKILL; the group holds every child it spawned."""
    for sig in (first_signal, signal.SIGKILL):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        try:
            process.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            continue
        # The leader is gone; make sure no orphan of its group lingers.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        return


@contextlib.contextmanager
def _background(
    command: list[str], env: dict[str, str], cwd: Path, log_path: Path, stop_signal: int
) -> Iterator[subprocess.Popen]:
    """Run ``command`` in its own session with output to ``log_path``; always stop it."""
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command,
            env=env,
            cwd=cwd,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            yield process
        finally:
            _stop_group(process, stop_signal)


def _wait_for_health(api_url: str, server: subprocess.Popen, log_path: Path) -> None:
    deadline = time.monotonic() + SERVER_BOOT_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(
                f"prefect server exited with code {server.returncode} before it was healthy:\n"
                f"{_tail(log_path)}"
            )
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{api_url}/health", timeout=5).status_code == 200:
                return
        time.sleep(1)
    pytest.fail(
        f"prefect server not healthy at {api_url}/health after {SERVER_BOOT_SECONDS} s:\n"
        f"{_tail(log_path)}"
    )


def _deployment(client: httpx.Client) -> dict | None:
    response = client.get(f"/deployments/name/{FLOW_NAME}/{DEPLOYMENT_NAME}")
    return response.json() if response.status_code == 200 else None


def _deployment_runs(client: httpx.Client, deployment_id: str) -> list[dict]:
    body = {"deployments": {"id": {"any_": [deployment_id]}}, "sort": "EXPECTED_START_TIME_ASC"}
    response = client.post("/flow_runs/filter", json=body)
    response.raise_for_status()
    return response.json()


def _wait_for_completed_run(
    client: httpx.Client, serve: subprocess.Popen, logs: dict[str, Path]
) -> tuple[dict, dict]:
    """Poll until a run of the served deployment completes; fail fast on a crash or a dead serve."""
    deadline = time.monotonic() + RUN_COMPLETE_SECONDS
    deployment: dict | None = None
    runs: list[dict] = []

    def diagnostics() -> str:
        started = [(r["name"], r["state_type"]) for r in runs if r["state_type"] != "SCHEDULED"]
        header = f"{len(runs)} runs, {len(runs) - len(started)} still scheduled, others: {started}"
        return "\n".join([header] + [f"--- {name} ---\n{_tail(p)}" for name, p in logs.items()])

    while time.monotonic() < deadline:
        if serve.poll() is not None:
            pytest.fail(f"`dateline serve` exited with code {serve.returncode}:\n{diagnostics()}")
        with contextlib.suppress(httpx.HTTPError):
            deployment = deployment or _deployment(client)
            if deployment is not None:
                runs = _deployment_runs(client, deployment["id"])
        for run in runs:
            if run["state_type"] == "COMPLETED":
                return deployment, run
            if run["state_type"] in TERMINAL_FAILURES:
                pytest.fail(f"flow run {run['name']} ended {run['state_type']}:\n{diagnostics()}")
        time.sleep(POLL_SECONDS)
    pytest.fail(
        f"no completed run of {FLOW_NAME}/{DEPLOYMENT_NAME} after {RUN_COMPLETE_SECONDS} s "
        f"(deployment found: {deployment is not None}):\n{diagnostics()}"
    )


@pytest.fixture(scope="module")
def prefect_server(tmp_path_factory) -> Iterator[tuple[str, dict[str, str]]]:
    """A Prefect server on a free loopback port for this module: (API URL, the environment
    of its clients, with PREFECT_API_URL set)."""
    prefect = _prefect_cli()
    home = tmp_path_factory.mktemp("prefect-server")
    env = _isolated_env(home)
    port = _free_port()
    api_url = f"http://127.0.0.1:{port}/api"
    log_path = home / "server.log"
    command = [
        str(prefect),
        "server",
        "start",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--no-ui",
        "--analytics-off",
    ]
    with _background(command, env, home, log_path, signal.SIGTERM) as server:
        _wait_for_health(api_url, server, log_path)
        yield api_url, {**env, "PREFECT_API_URL": api_url}


def test_dateline_ingest_is_a_flow_run_of_the_configured_server(
    tmp_path: Path, prefect_server: tuple[str, dict[str, str]]
) -> None:
    api_url, env = prefect_server
    db_path = tmp_path / "w.duckdb"
    started = datetime.now().astimezone()
    result = subprocess.run(
        [*_dateline_command(), "ingest", "--db", str(db_path)],
        env={**env, "DATELINE_BATCH_SIZE": "100"},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=INGEST_SECONDS,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    # Progress and summary as without a server, and no Prefect chatter.
    assert "Dateline ingest" in result.stdout
    assert "  batch 1/1: 8/8 sources" in result.stderr
    noise = [line for line in result.stderr.splitlines() if line.strip() and line[:2] != "  "]
    assert noise == [], result.stderr

    flow_run, task_runs = _ingest_runs_since(env, started)
    assert flow_run.state_type.value == "COMPLETED", flow_run.state
    assert flow_run.parameters["settings"]["db_path"] == str(db_path)
    assert flow_run.parameters["settings"]["batch_size"] == 100
    names = {run.name.rsplit("-", 1)[0] for run in task_runs}
    assert INGEST_TASKS <= names, names
    assert {run.state_type.value for run in task_runs} == {"COMPLETED"}


def _ingest_runs_since(env: dict[str, str], since: datetime):
    """The one flow run of the ingest flow started after ``since`` and its task runs, read
    with Prefect's client pointed at the test server for the duration of the call."""
    import asyncio

    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (
        FlowFilter,
        FlowFilterName,
        FlowRunFilter,
        FlowRunFilterStartTime,
        TaskRunFilter,
        TaskRunFilterFlowRunId,
    )
    from prefect.settings import PREFECT_API_URL, temporary_settings

    async def read():
        async with get_client() as client:
            flow_runs = await client.read_flow_runs(
                flow_filter=FlowFilter(name=FlowFilterName(any_=[FLOW_NAME])),
                flow_run_filter=FlowRunFilter(start_time=FlowRunFilterStartTime(after_=since)),
            )
            assert len(flow_runs) == 1, flow_runs
            task_runs = await client.read_task_runs(
                task_run_filter=TaskRunFilter(
                    flow_run_id=TaskRunFilterFlowRunId(any_=[flow_runs[0].id])
                )
            )
            return flow_runs[0], task_runs

    with temporary_settings(updates={PREFECT_API_URL: env["PREFECT_API_URL"]}):
        return asyncio.run(read())


def test_dateline_serve_runs_scheduled_ingest_on_real_server(
    tmp_path: Path, prefect_server: tuple[str, dict[str, str]]
) -> None:
    api_url, serve_env = prefect_server
    sources = shutil.copytree(SAMPLES_DIR, tmp_path / "samples")
    db_path = tmp_path / "w.duckdb"
    logs = {"dateline serve": tmp_path / "serve.log"}
    serve_command = [
        *_dateline_command(),
        "serve",
        str(sources),
        "--db",
        str(db_path),
        "--cron",
        EVERY_MINUTE,
        "--name",
        DEPLOYMENT_NAME,
    ]
    # A setting with no flag travels to every scheduled run too.
    serve_env = {**serve_env, "DATELINE_MAX_LINE_CHARS": "150000"}

    # SIGINT is Ctrl-C: the runner shuts down cleanly and pauses the schedule.
    with (
        _background(
            serve_command, serve_env, tmp_path, logs["dateline serve"], signal.SIGINT
        ) as serve,
        httpx.Client(base_url=api_url, timeout=10) as client,
    ):
        deployment, run = _wait_for_completed_run(client, serve, logs)
    # The serve process group is stopped here, so no flow run still holds the DuckDB file.

    assert run["deployment_id"] == deployment["id"]
    assert run["auto_scheduled"] is True, run
    assert run["created_by"]["type"] == "SCHEDULE", run
    # A cron run is due on a whole minute; a manual or ad-hoc run would not be.
    assert datetime.fromisoformat(run["expected_start_time"]).second == 0, run
    assert [s["schedule"].get("cron") for s in deployment["schedules"]] == [EVERY_MINUTE]
    assert run["parameters"]["settings"]["db_path"] == str(db_path.resolve())
    assert run["parameters"]["settings"]["max_line_chars"] == 150000

    con = duckdb.connect(str(db_path), read_only=True)
    try:
        n_articles = con.execute("SELECT count(*) FROM articles").fetchone()[0]
        completed = con.execute(
            "SELECT count(*) FROM ingest_runs WHERE status = 'completed' AND articles_new > 0"
        ).fetchone()[0]
    finally:
        con.close()
    assert n_articles > 0
    assert completed >= 1


def test_flow_run_publishes_its_summary_as_artifacts(
    tmp_path: Path, prefect_server: tuple[str, dict[str, str]]
) -> None:
    _, env = prefect_server
    sources = shutil.copytree(SAMPLES_DIR, tmp_path / "samples")
    (sources / "junk.bin").write_bytes(bytes(range(256)) * 8)
    started = datetime.now().astimezone()
    result = subprocess.run(
        [*_dateline_command(), "ingest", str(sources), "--db", str(tmp_path / "w.duckdb")],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=INGEST_SECONDS,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    flow_run, _ = _ingest_runs_since(env, started)
    artifacts = {artifact.key: artifact for artifact in _flow_run_artifacts(env, flow_run.id)}

    assert set(artifacts) == {
        "dateline-ingest-summary",
        "dateline-ingest-rejects",
        "dateline-ingest-data-tests",
    }
    summary = artifacts["dateline-ingest-summary"]
    assert summary.type == "markdown"
    assert "| articles | 9 new, 0 updated, 0 unchanged |" in summary.data
    assert (
        "| sources | 10 seen: 8 gave articles, 0 unchanged, 1 rejected (unsupported_format 1)"
        in (summary.data)
    )
    assert "| data tests | all passed |" in summary.data
    rejects = artifacts["dateline-ingest-rejects"]
    assert rejects.type == "table"
    assert json.loads(rejects.data) == [{"reason": "unsupported_format", "n_sources": 1}]
    tests = json.loads(artifacts["dateline-ingest-data-tests"].data)
    expected = sorted(path.stem for path in (REPO_ROOT / "sql" / "tests").glob("*.sql"))
    assert [row["data_test"] for row in tests] == expected
    assert {row["result"] for row in tests} == {"passed"}


def _flow_run_artifacts(env: dict[str, str], flow_run_id) -> list:
    """The artifacts of one flow run, read through Prefect's client from the test server."""
    import asyncio

    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId
    from prefect.settings import PREFECT_API_URL, temporary_settings

    async def read():
        async with get_client() as client:
            return await client.read_artifacts(
                artifact_filter=ArtifactFilter(
                    flow_run_id=ArtifactFilterFlowRunId(any_=[flow_run_id])
                )
            )

    with temporary_settings(updates={PREFECT_API_URL: env["PREFECT_API_URL"]}):
        return asyncio.run(read())
