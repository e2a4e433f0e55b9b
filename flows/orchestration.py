"""The ingest as a Prefect flow: ``run_ingest`` with each of its steps wrapped in a task.

Used when a Prefect server is configured (the flow run and its task runs show in its
UI), for ``dateline serve``'s scheduled deployment, and for reading and parsing on Dask.
Each task wraps one plain function of flows/ (see ``ingest.IngestSteps``) and exists
for visibility and retries; a run without a server calls the same functions directly.
"""

# No `from __future__ import annotations` here: `dateline serve` runs each scheduled flow
# run from a pickled copy of the flow, which keeps only the globals its code uses, so a
# parameter annotated with the string "Settings" could no longer be resolved there.
from prefect import flow, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE

from dateline.flows import parallel, run_artifacts, sources, stories
from dateline.flows.ingest import (
    IngestSteps,
    RunSummary,
    build_models_and_test,
    export_tables,
    load_parsed_batch,
    print_progress,
    run_ingest,
)
from dateline.flows.settings import Settings

# Task names are what the server's UI lists for each task run.
discover_sources = task(name="discover sources", cache_policy=NO_CACHE)(sources.discover_files)
read_batch = task(name="read batch", retries=2, retry_delay_seconds=1, cache_policy=NO_CACHE)(
    parallel.read_files
)
parse_batch = task(name="parse and normalize", cache_policy=NO_CACHE)(parallel.parse_records)
load_batch = task(name="load batch", cache_policy=NO_CACHE)(load_parsed_batch)
cluster_stories = task(name="update story clusters", cache_policy=NO_CACHE)(
    stories.update_story_clusters
)
build_models = task(name="build models and run data tests", cache_policy=NO_CACHE)(
    build_models_and_test
)
export_parquet = task(name="export parquet", retries=1, cache_policy=NO_CACHE)(export_tables)
# Submitted to Dask workers by ingest._run_on_dask.
read_parse_and_shard = task(
    name="read, parse and write shard", retries=2, retry_delay_seconds=1, cache_policy=NO_CACHE
)(parallel.read_parse_and_shard)

TASK_STEPS = IngestSteps(
    discover=discover_sources,
    read=read_batch,
    parse=parse_batch,
    load_batch=load_batch,
    cluster_stories=cluster_stories,
    models=build_models,
    export=export_parquet,
)


@flow(name="dateline-ingest", log_prints=False)
def ingest_flow(
    source_args: list[str], settings: Settings, show_progress: bool = False
) -> RunSummary:
    """Ingest sources (files, folders, globs; the bundled samples when the list is empty)
    with ``settings``; one task run per step and batch. The summary ends up on the flow
    run's page as artifacts."""
    summary = run_ingest(
        source_args, settings, progress=print_progress if show_progress else None, steps=TASK_STEPS
    )
    publish_run_artifacts(summary)
    return summary


def publish_run_artifacts(summary: RunSummary) -> None:
    """The run's summary (Markdown), its rejects by reason and its data tests (tables) as
    artifacts of the current flow run, under the stable keys of ``run_artifacts``."""
    create_markdown_artifact(
        markdown=run_artifacts.summary_markdown(summary),
        key=run_artifacts.SUMMARY_KEY,
        description="Sources, articles, rejects and data tests of the run",
    )
    create_table_artifact(
        table=run_artifacts.rejects_table(summary),
        key=run_artifacts.REJECTS_KEY,
        description=f"Sources rejected by the run, by reason ({summary.rejects} in all)",
    )
    create_table_artifact(
        table=run_artifacts.data_tests_table(summary),
        key=run_artifacts.DATA_TESTS_KEY,
        description="The SQL data tests (queries that must return no row) after the run",
    )
