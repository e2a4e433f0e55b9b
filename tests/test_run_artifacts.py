"""The content a flow run publishes as Prefect artifacts, from a run summary (no Prefect)."""

from __future__ import annotations

import re
import subprocess
import sys

from dateline.flows import run_artifacts
from dateline.flows.ingest import RunSummary
from dateline.flows.load import LoadCounts
from tests.conftest import REPO_ROOT

KEY = re.compile(r"^[a-z0-9-]+$")
DATA_TESTS = sorted(path.stem for path in (REPO_ROOT / "sql" / "tests").glob("*.sql"))


def _summary(**fields) -> RunSummary:
    values = {
        "run_id": "20250101T000000Z-abcd1234",
        "db_path": "/data/a|b.duckdb",
        "status": "completed",
        "sources_seen": 5,
        "counts": LoadCounts(new=2, updated=1, unchanged=0),
        "rejects": 3,
        "reject_reasons": {"binary": 1, "too_large": 2},
        "file_dispositions": {
            "article": 2,
            "unchanged": 0,
            "reject:binary": 1,
            "reject:too_large": 2,
        },
    }
    values.update(fields)
    return RunSummary(**values)


def test_keys_are_what_prefect_accepts() -> None:
    keys = [run_artifacts.SUMMARY_KEY, run_artifacts.REJECTS_KEY, run_artifacts.DATA_TESTS_KEY]
    assert all(KEY.match(key) for key in keys) and len(set(keys)) == 3


def test_summary_markdown_gives_sources_articles_rejects_and_tests() -> None:
    text = run_artifacts.summary_markdown(_summary(test_failures=["assert_x__y (4 rows)"]))
    assert (
        "| sources | 5 seen: 2 gave articles, 0 unchanged, 3 rejected (binary 1, too_large 2), 0 skipped |"
        in text
    )
    assert "| articles | 2 new, 1 updated, 0 unchanged |" in text
    assert "| rejects | 3 (binary 1, too_large 2) |" in text
    assert "| data tests | FAILED assert_x__y (4 rows) |" in text
    # A pipe in a value stays inside its cell.
    assert "| database | /data/a\\|b.duckdb |" in text


def test_rejects_table_most_frequent_first() -> None:
    assert run_artifacts.rejects_table(_summary()) == [
        {"reason": "too_large", "n_sources": 2},
        {"reason": "binary", "n_sources": 1},
    ]
    assert run_artifacts.rejects_table(_summary(rejects=0, reject_reasons={})) == []


def test_data_tests_table_has_every_test_with_its_result() -> None:
    failing = DATA_TESTS[0]
    rows = run_artifacts.data_tests_table(_summary(test_failures=[f"{failing} (7 rows)"]))
    assert [row["data_test"] for row in rows] == DATA_TESTS
    results = {row["data_test"]: (row["result"], row["detail"]) for row in rows}
    assert results[failing] == ("failed", f"{failing} (7 rows)")
    assert {results[name][0] for name in DATA_TESTS[1:]} == {"passed"}
    skipped = run_artifacts.data_tests_table(_summary(data_tests_skipped=True))
    assert {row["result"] for row in skipped} == {"not run"}


def test_building_the_content_never_imports_prefect() -> None:
    code = (
        "import sys; from dateline.flows import run_artifacts, report; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'prefect'))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
