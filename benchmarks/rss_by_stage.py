"""Resident memory of a text ingest, stage by stage: where its peak is set.

Builds the same scaled corpus as ``bench_ingest.py`` (text kinds only), warms up, then
ingests it once without Prefect while a thread samples this process's RSS every few
milliseconds and files each sample under the stage running at the time. Prints, per
stage, its seconds and the highest RSS seen in it, and the process's peak (VmHWM).

    python benchmarks/rss_by_stage.py --docs 6667 --mix txt,seed
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_ingest as bench  # noqa: E402

SAMPLE_SECONDS = 0.005


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=6667)
    parser.add_argument("--mix", default="txt,seed")
    parser.add_argument("--batch-size", type=int, default=2000)
    parser.add_argument("--no-export", action="store_true")
    parser.add_argument(
        "--corpus", type=Path, help="a corpus bench_ingest built (--docs is then ignored)"
    )
    parser.add_argument("--duckdb-memory-limit", help="Settings.duckdb_memory_limit")
    args = parser.parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="dateline-rss-"))
    try:
        bench.warm_up(workdir)
        mix = tuple(k for k in args.mix.split(",") if k)
        if args.corpus:
            sources = [str(args.corpus / k) for k in mix if (args.corpus / k).is_dir()]
            args.docs = sum(1 for s in sources for _ in Path(s).rglob("*.txt"))
        else:
            corpus = bench.build_corpus(workdir / "corpus", args.docs, mix)
            sources = [str(corpus.root / k) for k in mix if corpus.paths.get(k)]
        current = ["setup"]
        peaks: dict[str, float] = defaultdict(float)
        done = threading.Event()

        def sample() -> None:
            while not done.wait(SAMPLE_SECONDS):
                stage = current[0]
                peaks[stage] = max(peaks[stage], bench.rss_mb())

        clock = bench.StageClock()
        steps = bench.timed_steps(clock)
        import dataclasses

        def staged(name, function):
            def run(*a, **k):
                before = current[0]
                current[0] = name
                try:
                    return function(*a, **k)
                finally:
                    current[0] = before

            return run

        steps = dataclasses.replace(
            steps,
            **{
                f.name: staged(bench.STEP_STAGES[f.name], getattr(steps, f.name))
                for f in dataclasses.fields(steps)
            },
        )
        duckdb_mb: list[float] = []
        floor_mb: list[float] = []
        load_step = steps.load_batch

        def load_and_measure(con, *a, **k):
            result = load_step(con, *a, **k)
            [(used,)] = con.execute(
                "select sum(memory_usage_bytes) from duckdb_memory()"
            ).fetchall()
            duckdb_mb.append(used / 1e6)
            floor_mb.append(bench.rss_mb())
            return result

        steps = dataclasses.replace(steps, load_batch=load_and_measure)
        from dateline.flows.ingest import run_ingest
        from dateline.flows.settings import Settings

        settings = Settings(
            db_path=bench.fresh_db(workdir / "text.duckdb"),
            batch_size=args.batch_size,
            export_dir=None if args.no_export else workdir / "export",
            **(
                {"duckdb_memory_limit": args.duckdb_memory_limit}
                if args.duckdb_memory_limit
                else {}
            ),
        )
        start_rss = bench.rss_mb()
        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        started = time.perf_counter()
        run_ingest(sources, settings, progress=None, steps=steps)
        wall = time.perf_counter() - started
        done.set()
        sampler.join()
        print(
            f"{args.docs} docs in {wall:.2f} s ({args.docs / wall:,.0f} docs/s); RSS at start {start_rss:,.0f} MB"
        )
        for stage in ("discover", "read", "parse", "load", "stories", "models", "export", "setup"):
            print(
                f"  {stage:9s} {clock.seconds.get(stage, 0.0):7.2f} s  peak RSS {peaks.get(stage, 0.0):8,.0f} MB"
            )
        if duckdb_mb:
            print(
                f"DuckDB memory after each load (MB): max {max(duckdb_mb):,.0f}, last {duckdb_mb[-1]:,.0f}"
            )
        if floor_mb:
            print("RSS after each load (MB): " + " ".join(f"{mb:.0f}" for mb in floor_mb))
            print(
                "DuckDB memory after each load (MB): " + " ".join(f"{mb:.0f}" for mb in duckdb_mb)
            )
        print(f"peak_rss_mb={bench.peak_rss_mb():.1f}")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
