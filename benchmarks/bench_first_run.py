"""First-run wall time: ``dateline ingest`` of the bundled samples, as a user starts it.

    python benchmarks/bench_first_run.py [--rounds N] [--workdir DIR] [--temporary-server]

Each round runs, as subprocesses with no Prefect server configured (no PREFECT_API_URL,
an empty PREFECT_HOME so no profile sets one):

* baseline: ``python -c "import polars, duckdb"``, the floor of any run;
* cold: ``dateline ingest --quiet`` into a new warehouse (every sample parsed, models
  built, data tests run);
* warm: the same command again (every file unchanged, skipped unread).

Prints every round's wall seconds (and the CPU seconds of the cold run: on a machine
busy with other work, wall time grows while CPU time does not), then the medians and
their ratio to the baseline (target: cold <= 3 s wall on an otherwise idle machine). ``--temporary-server`` adds one cold run of the Prefect flow
on Prefect's temporary server, the way every run went before the plain path.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_COLD_SECONDS = 3.0
BASELINE = [sys.executable, "-c", "import polars, duckdb"]
# The flow on Prefect's temporary server, as `dateline ingest` ran before the plain path.
FLOW_ON_TEMPORARY_SERVER = """
import sys
from dateline.flows.cli import quiet_prefect
quiet_prefect()
from dateline.flows.orchestration import ingest_flow
from dateline.flows.settings import Settings
ingest_flow(source_args=[], settings=Settings(db_path=sys.argv[1]))
"""


def dateline_command() -> list[str]:
    script = Path(sys.executable).with_name("dateline")
    return [str(script)] if script.exists() else [sys.executable, "-m", "dateline.flows.cli"]


def plain_env(prefect_home: Path) -> dict[str, str]:
    """This environment without Prefect or Dateline settings: no server configured."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "DATELINE_"))}
    env["PREFECT_HOME"] = str(prefect_home)
    return env


def timed_run(command: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the child: user + system) of one run to completion."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        raise SystemExit(
            f"{' '.join(command)} exited {result.returncode}:\n{result.stderr[-3000:]}"
        )
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return seconds, cpu


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="rounds of baseline, cold, warm")
    parser.add_argument("--workdir", type=Path, help="scratch folder (default: a temporary one)")
    parser.add_argument(
        "--temporary-server",
        action="store_true",
        help="also time one cold run of the Prefect flow on Prefect's temporary server",
    )
    args = parser.parse_args(argv)
    if args.rounds < 1:
        parser.error("--rounds must be 1 or more")
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="dateline-first-run-"))
    workdir.mkdir(parents=True, exist_ok=True)
    env = plain_env(workdir / "prefect-home")
    command = dateline_command()
    print(f"command: {' '.join(command)} ingest --db DB --quiet   (no Prefect server)")
    print(f"{'round':>5}  {'baseline s':>10}  {'cold s':>8}  {'cold cpu s':>10}  {'warm s':>8}")
    figures: dict[str, list[float]] = {"baseline": [], "cold": [], "cold cpu": [], "warm": []}
    for number in range(1, args.rounds + 1):
        round_dir = workdir / f"round-{number}"
        shutil.rmtree(round_dir, ignore_errors=True)
        round_dir.mkdir()
        ingest = [*command, "ingest", "--db", str(round_dir / "w.duckdb"), "--quiet"]
        figures["baseline"].append(timed_run(BASELINE, env, round_dir)[0])
        cold, cold_cpu = timed_run(ingest, env, round_dir)
        figures["cold"].append(cold)
        figures["cold cpu"].append(cold_cpu)
        figures["warm"].append(timed_run(ingest, env, round_dir)[0])
        print(
            f"{number:>5}  {figures['baseline'][-1]:>10.2f}  {cold:>8.2f}  {cold_cpu:>10.2f}  "
            f"{figures['warm'][-1]:>8.2f}"
        )
    medians = {name: statistics.median(values) for name, values in figures.items()}
    baseline = medians["baseline"]
    print()
    print(f"median baseline (import polars, duckdb)  {baseline:.2f} s")
    for name in ("cold", "warm"):
        print(
            f"median {name:<4} dateline ingest          {medians[name]:.2f} s  "
            f"({medians[name] / baseline:.1f}x baseline)"
        )
    print(f"median cold CPU (user + system)          {medians['cold cpu']:.2f} s")
    verdict = "PASS" if medians["cold"] <= TARGET_COLD_SECONDS else "MISS"
    print(f"target cold <= {TARGET_COLD_SECONDS:.0f} s: {verdict}")
    if args.temporary_server:
        flow_dir = workdir / "temporary-server"
        shutil.rmtree(flow_dir, ignore_errors=True)
        flow_dir.mkdir()
        flow = [sys.executable, "-c", FLOW_ON_TEMPORARY_SERVER, str(flow_dir / "w.duckdb")]
        seconds = timed_run(flow, env, flow_dir)[0]
        print(
            f"flow on Prefect's temporary server, cold  {seconds:.2f} s  "
            f"({seconds / baseline:.1f}x baseline)"
        )
    if not args.workdir:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
