"""What a flow run publishes on its page in the Prefect UI: the run's summary as Markdown,
its rejects by reason and its data tests as tables.

Plain functions from a ``RunSummary`` to artifact content, without Prefect (the plain
ingest path never imports it); ``orchestration.publish_run_artifacts`` sends them. Keys are
stable, so the Artifacts page of the UI lists each one's versions across runs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from dateline.flows import warehouse
from dateline.flows.parallel import ARTICLE, REJECT_PREFIX, SKIPPED_PREFIX, UNCHANGED

if TYPE_CHECKING:
    from dateline.flows.ingest import RunSummary

# Prefect keys: lowercase letters, digits and dashes only.
SUMMARY_KEY = "dateline-ingest-summary"
REJECTS_KEY = "dateline-ingest-rejects"
DATA_TESTS_KEY = "dateline-ingest-data-tests"
PASSED, FAILED, NOT_RUN = "passed", "failed", "not run"


def summary_markdown(summary: RunSummary) -> str:
    """The run in a few lines: sources by outcome, articles, rejects, data tests."""
    counts = summary.counts
    rows = [
        ("status", summary.status),
        ("database", summary.db_path),
        ("seconds", f"{summary.seconds:.1f}"),
        ("sources", f"{summary.sources_seen} seen: {_dispositions(summary.file_dispositions)}"),
        (
            "articles",
            f"{counts.new} new, {counts.updated} updated, {counts.unchanged} unchanged",
        ),
        ("rejects", f"{summary.rejects}" + _reasons(summary.reject_reasons)),
        ("data tests", _data_tests_line(summary)),
    ]
    if summary.export_dir:
        rows.append(("export", summary.export_dir))
    lines = [
        f"# Dateline ingest {_cell(summary.run_id)}",
        "",
        "| | |",
        "| --- | --- |",
        *(f"| {name} | {_cell(value)} |" for name, value in rows),
    ]
    return "\n".join(lines) + "\n"


def rejects_table(summary: RunSummary) -> list[dict[str, object]]:
    """One row per reject reason of the run, most frequent first."""
    return [
        {"reason": reason, "n_sources": n}
        for reason, n in sorted(
            summary.reject_reasons.items(), key=lambda item: (-item[1], item[0])
        )
    ]


def data_tests_table(summary: RunSummary) -> list[dict[str, object]]:
    """One row per data test of ``sql/tests/``: passed, failed (with the rows it found), or
    not run (nothing changed since a run whose tests passed)."""
    rows = []
    for name in data_test_names():
        failure = next((f for f in summary.test_failures if f.startswith(f"{name} (")), None)
        if summary.data_tests_skipped:
            result = NOT_RUN
        else:
            result = FAILED if failure else PASSED
        rows.append({"data_test": name, "result": result, "detail": failure or ""})
    return rows


def data_test_names() -> list[str]:
    return [file.name.removesuffix(".sql") for file in warehouse.sql_files("tests")]


def _data_tests_line(summary: RunSummary) -> str:
    if summary.data_tests_skipped:
        return "not run: no file changed since a run whose data tests passed"
    if summary.test_failures:
        return "FAILED " + ", ".join(summary.test_failures)
    return "all passed"


def _dispositions(dispositions: dict[str, int]) -> str:
    parts = [
        f"{dispositions.get(ARTICLE, 0)} gave articles",
        f"{dispositions.get(UNCHANGED, 0)} unchanged",
    ]
    for prefix, label in ((REJECT_PREFIX, "rejected"), (SKIPPED_PREFIX, "skipped")):
        reasons = {k[len(prefix) :]: n for k, n in dispositions.items() if k.startswith(prefix)}
        parts.append(f"{sum(reasons.values())} {label}" + _reasons(reasons))
    return ", ".join(parts)


def _reasons(reasons: dict[str, int]) -> str:
    if not reasons:
        return ""
    return " (" + ", ".join(f"{reason} {n}" for reason, n in sorted(reasons.items())) + ")"


def _cell(value: str) -> str:
    """A value inside a Markdown table cell: pipes and line breaks would end the cell."""
    return str(value).replace("|", "\\|").replace("\n", " ")
