"""The ingest benchmark harness runs end to end in --quick mode and prints every figure."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import REPO_ROOT, corpus_or_skip

HARNESS = REPO_ROOT / "benchmarks" / "bench_ingest.py"
# Every figure the harness prints for a mix of text and HTML pages, in the first column.
FIGURES = [
    "text: documents/s (end to end)",
    "text: MB/s",
    *(
        f"stage: {stage}"
        for stage in ("discover", "read", "segment", "normalize", "load", "models", "export")
    ),
    "baseline: bare Polars read-and-split",
    "text: Dateline / bare Polars",
    "baseline: DuckDB direct insert (batch 1)",
    "load: Dateline rows/s (batch 1)",
    "load: Dateline / DuckDB direct",
    "unchanged re-run (ingest, no export)",
    "unchanged re-run, projected to 100k",
    "peak RSS",
    "peak RSS 8 / 1 docs",
    "Prefect flow wall time",
    "Prefect share of wall time",
    "baseline: trafilatura pages/s",
    "html: pages/s",
]


@pytest.fixture(scope="module")
def quick_output(tmp_path_factory) -> str:
    corpus_or_skip("fundus")
    workdir = tmp_path_factory.mktemp("bench")
    result = subprocess.run(
        [sys.executable, str(HARNESS), "--quick", "--docs", "12", "--workdir", str(workdir)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


@pytest.mark.parametrize("figure", FIGURES)
def test_prints_figure(quick_output: str, figure: str) -> None:
    rows = [line for line in quick_output.splitlines() if line.startswith(figure + "  ")]
    assert rows, f"{figure!r} missing from:\n{quick_output}"
    assert rows[0].split()[-1] in {"PASS", "MISS", "-"}


def test_every_target_has_a_verdict(quick_output: str) -> None:
    verdicts = [
        line.split()[-1] for line in quick_output.splitlines() if line.endswith(("PASS", "MISS"))
    ]
    # docs/s, bare Polars ratio, load share, re-run, RSS growth, Prefect share, HTML.
    assert len(verdicts) >= 6


def test_workers_option_prints_the_read_parse_speed_up(tmp_path) -> None:
    corpus_or_skip("fundus")
    result = subprocess.run(
        [sys.executable, str(HARNESS), "--quick", "--docs", "8", "--workers", "2", "--batch-size", "2",
         "--no-prefect", "--no-rss-child", "--no-export", "--workdir", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    figures = {
        line.split("  ")[0].split(" (")[0]: line.split()[-1]
        for line in result.stdout.splitlines()
        if line.startswith(("read + parse", "--workers"))
    }
    assert figures.keys() == {
        "read + parse, 1 process",
        "read + parse, 2 processes",
        "--workers 2: speed-up on read + parse",
    }
    assert figures["--workers 2: speed-up on read + parse"] in {"PASS", "MISS"}
