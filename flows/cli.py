"""The ``dateline`` command line: ingest, sql, export, report, serve, eval."""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import sys
from datetime import date
from pathlib import Path

from dateline.flows.settings import (
    Settings,
    SettingsError,
    load_settings,
    output_location,
    prefect_api_url,
)

# Prefect reads these at import: set them before any Prefect import. Analytics
# off stops telemetry errors; WARNING keeps flow/task chatter out of a normal run
# while real warnings and errors still show. Users may override either.
PREFECT_QUIET_DEFAULTS = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_LOGGING_LEVEL": "WARNING",
    "PREFECT_LOGGING_SERVER_LEVEL": "WARNING",
    # The temporary server can take long to boot on a busy machine; Prefect's default is 20 s.
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "180",
}
EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_BUSY = 0, 1, 2, 3
# Flags that set a field of Settings: argparse destination -> field. Every other setting
# comes from its DATELINE_* variable or its default (flows/settings.py).
SETTINGS_FLAGS = {
    "db": "db_path",
    "export": "export_dir",
    "batch_size": "batch_size",
    "lock_wait": "lock_wait_seconds",
    "workers": "workers",
    "dask": "dask_address",
    "shard_dir": "shard_dir",
    "cron": "cron",
}


def quiet_prefect() -> None:
    """Prefect's settings for a run from the command line; call before importing Prefect."""
    for name, value in PREFECT_QUIET_DEFAULTS.items():
        os.environ.setdefault(name, value)
    if prefect_api_url() is None:
        # No server configured: Prefect runs a temporary one inside this process, and its
        # own bookkeeping (event flushes into its SQLite file racing its shutdown) logs
        # tracebacks that say nothing about the ingest. Errors of the run itself are
        # raised and reported by Dateline; a real server keeps its logs in its own process.
        os.environ.setdefault("PREFECT_SERVER_LOGGING_LEVEL", "CRITICAL")


def _add_db(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        type=Path,
        help="DuckDB file (default: $DATELINE_DB or data/warehouse/dateline.duckdb)",
    )


def _add_run_options(parser: argparse.ArgumentParser) -> None:
    """Flags of a run, shared by ``ingest`` and ``serve`` (each scheduled run gets them)."""
    parser.add_argument(
        "--batch-size",
        type=int,
        metavar="N",
        help="sources per batch (default: $DATELINE_BATCH_SIZE or 2000)",
    )
    parser.add_argument(
        "--workers",
        type=int,
        metavar="N",
        help="read and parse in N local processes; loading stays in one process "
        "(default: $DATELINE_WORKERS or 1)",
    )
    parser.add_argument(
        "--dask",
        metavar="ADDRESS",
        help="read and parse on a Dask cluster: a scheduler address (tcp://host:8786) or "
        "'local' for a temporary local cluster (default: $DATELINE_DASK_ADDRESS). Runs "
        "through Prefect's Dask task runner: with no PREFECT_API_URL, Prefect starts its "
        "temporary server (10-20 s)",
    )
    parser.add_argument(
        "--shard-dir",
        type=Path,
        metavar="DIR",
        help="where Dask workers leave their Parquet shards; shared storage on a real cluster "
        "(default: $DATELINE_SHARD_DIR or shards/ beside the database)",
    )
    parser.add_argument(
        "--lock-wait",
        type=int,
        metavar="SECONDS",
        help="wait this long for another process to release the database "
        "(default: $DATELINE_LOCK_WAIT_SECONDS or 300)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dateline", description="Scraped news articles into an analytical DuckDB store."
    )
    commands = parser.add_subparsers(dest="command", required=True)

    ingest = commands.add_parser(
        "ingest",
        help="ingest sources (files, folders, globs; the bundled samples by default)",
        description="Ingest sources into the warehouse. With PREFECT_API_URL set (environment "
        "or Prefect profile) the run is a flow run of that Prefect server, with a task run "
        "per step; without it the same steps run directly, without Prefect.",
    )
    ingest.add_argument(
        "sources",
        nargs="*",
        help="files, folders (walked recursively), globs or s3://bucket/prefix/ URLs",
    )
    _add_db(ingest)
    ingest.add_argument(
        "--export",
        type=output_location,
        metavar="DIR",
        help="also export Parquet to DIR or s3://bucket/prefix/ after loading "
        "(default: $DATELINE_EXPORT_DIR)",
    )
    ingest.add_argument("--quiet", action="store_true", help="no progress lines, only the summary")
    ingest.add_argument(
        "--verbose", action="store_true", help="add the seconds spent per stage to the summary"
    )
    ingest.add_argument(
        "--report",
        type=Path,
        metavar="FILE",
        help="after the run, write the HTML report of the warehouse to FILE (as `dateline report`)",
    )
    _add_run_options(ingest)

    sql = commands.add_parser("sql", help="run one read-only query and print the result")
    _add_db(sql)
    sql.add_argument("--format", choices=("table", "csv", "json"), default="table")
    sql.add_argument("query")

    export = commands.add_parser("export", help="write every table and model to Parquet")
    _add_db(export)
    export.add_argument(
        "--out",
        type=output_location,
        default=Path("data/exports/latest"),
        help="output folder or s3://bucket/prefix/",
    )

    report = commands.add_parser(
        "report",
        help="write one self-contained HTML page of charts and tables from the marts",
        description="Write one HTML page that opens with no network access: articles per "
        "outlet and day, agencies, authors and photographers, tags over time, data quality "
        "and rejects, each a chart (inline SVG) beside its table, read from the SQL marts on "
        "a read-only connection.",
    )
    _add_db(report)
    report.add_argument(
        "--out", type=Path, default=Path("report.html"), help="the page to write (report.html)"
    )
    report.add_argument(
        "--since",
        type=_since_date,
        metavar="DATE",
        help="only rows dated on or after DATE (YYYY-MM-DD); monthly marts from its month",
    )

    serve = commands.add_parser(
        "serve", help="serve the ingest flow on a schedule (needs a Prefect server)"
    )
    serve.add_argument("sources", nargs="*")
    _add_db(serve)
    when = serve.add_mutually_exclusive_group()
    when.add_argument("--cron", help="cron schedule (default: $DATELINE_CRON or hourly)")
    when.add_argument(
        "--interval",
        type=int,
        metavar="SECONDS",
        help="run every SECONDS instead of on a cron schedule",
    )
    serve.add_argument("--name", default="dateline-scheduled-ingest", help="deployment name")
    serve.add_argument(
        "--export",
        type=output_location,
        metavar="DIR",
        help="export Parquet to DIR or s3://bucket/prefix/ after each run "
        "(default: $DATELINE_EXPORT_DIR)",
    )
    _add_run_options(serve)

    evaluate = commands.add_parser(
        "eval",
        help="ingest gold corpora and print field scores",
        description="Ingest the pages of one or more gold corpora (folders laid out like "
        "shared/corpus/fundus) into one scratch database, without a Prefect server, and score "
        "the extraction against their gold: a table per corpus and view, then per view one line "
        "per field with each corpus's figure and their mean. DATELINE_* settings apply to the "
        "ingest.",
    )
    evaluate.add_argument("corpus_dirs", nargs="+", type=Path, metavar="DIR")
    evaluate.add_argument(
        "--db", type=Path, help="keep the scored database in this file (default: a temporary one)"
    )
    evaluate.add_argument(
        "--views",
        type=_eval_views,
        help="views of each page to score, comma-separated: html, txt (default: both)",
    )
    evaluate.add_argument("--details", type=Path, help="write per-item scores as JSON Lines")
    evaluate.add_argument(
        "--scores",
        type=Path,
        help="write the field scores as JSON, by corpus, view and field (for baselines)",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings(**settings_flags(args))
    except SettingsError as error:
        print(f"dateline: {error}", file=sys.stderr)
        return EXIT_USAGE
    handlers = {
        "ingest": cmd_ingest,
        "sql": cmd_sql,
        "export": cmd_export,
        "report": cmd_report,
        "serve": cmd_serve,
        "eval": cmd_eval,
    }
    try:
        return handlers[args.command](args, settings)
    except CommandError as error:
        print(f"dateline: {error}", file=sys.stderr)
        return error.code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


def settings_flags(args: argparse.Namespace) -> dict[str, object]:
    """The Settings fields set by the command's flags (None where a flag was not given)."""
    return {field: getattr(args, dest, None) for dest, field in SETTINGS_FLAGS.items()}


def _print_summary(summary, *, verbose: bool = False) -> None:
    counts = summary.counts
    lines = [
        f"Dateline ingest {summary.run_id}: {summary.status} in {summary.seconds:.1f} s",
        f"  database   {summary.db_path}",
        f"  sources    {summary.sources_seen} seen: {_dispositions_text(summary.file_dispositions)}",
        f"  articles   {counts.new} new, {counts.updated} updated, {counts.unchanged} unchanged",
        f"  rejects    {summary.rejects}"
        + (
            " (" + ", ".join(f"{k}: {v}" for k, v in sorted(summary.reject_reasons.items())) + ")"
            if summary.rejects
            else ""
        ),
        (
            "  models     unchanged (no file changed since a run whose data tests passed)"
            if summary.data_tests_skipped
            else f"  models     {summary.models} views rebuilt, data tests: "
            + (
                "all passed"
                if not summary.test_failures
                else "FAILED " + ", ".join(summary.test_failures)
            )
        ),
    ]
    if summary.skipped_records:
        lines.insert(
            4,
            "  records    skipped in web archives: " + _counts_text(summary.skipped_records),
        )
    if summary.export_dir:
        lines.append(f"  export     {summary.export_dir}")
    if verbose:
        lines.append(
            "  seconds    "
            + ", ".join(
                f"{stage} {seconds:.1f}" for stage, seconds in summary.stage_seconds.items()
            )
        )
    if summary.rejects:
        lines.append(
            '  see: dateline sql "SELECT source_uri, reason, detail FROM ingest_rejects '
            f"WHERE run_id = '{summary.run_id}'\""
        )
    print("\n".join(lines))


def _counts_text(counts: dict[str, int]) -> str:
    return ", ".join(f"{key} {n}" for key, n in sorted(counts.items()))


def _dispositions_text(dispositions: dict[str, int]) -> str:
    """Every file seen by disposition: '8 gave articles, 2 unchanged, 1 rejected
    (binary 1), 1 skipped (no_page_records 1)'."""
    from dateline.flows.parallel import ARTICLE, REJECT_PREFIX, SKIPPED_PREFIX, UNCHANGED

    parts = [
        f"{dispositions.get(ARTICLE, 0)} gave articles",
        f"{dispositions.get(UNCHANGED, 0)} unchanged",
    ]
    for prefix, label in ((REJECT_PREFIX, "rejected"), (SKIPPED_PREFIX, "skipped")):
        reasons = {k[len(prefix) :]: n for k, n in dispositions.items() if k.startswith(prefix)}
        parts.append(
            f"{sum(reasons.values())} {label}" + (f" ({_counts_text(reasons)})" if reasons else "")
        )
    return ", ".join(parts)


class CommandError(Exception):
    """A failure to report in one sentence, with the exit code to return."""

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code


def _check_locations(sources: list[str], export: Path | str | None) -> None:
    """A SOURCE or output URL of a scheme Dateline cannot read is a usage error (never a
    local path)."""
    from dateline.flows import objectstore

    try:
        for source in sources:
            objectstore.check_location(source)
        if export is not None:
            objectstore.check_location(str(export), "output")
    except objectstore.UnsupportedScheme as error:
        raise CommandError(str(error), EXIT_USAGE) from error


def _open_read_only(db_path: Path):
    """A read-only connection, or a CommandError a person can act on."""
    import duckdb

    from dateline.flows import warehouse

    if not Path(db_path).exists():
        raise CommandError(f"no database at {db_path}; run `dateline ingest` first.", EXIT_USAGE)
    try:
        return warehouse.connect_reader(db_path)
    except warehouse.DatabaseBusy as error:
        raise CommandError(f"{error}; retry when it finishes.", EXIT_BUSY) from error
    except duckdb.IOException as error:
        # Not a lock conflict (connect_reader turns those into DatabaseBusy): an empty file,
        # another format, or a newer DuckDB's file.
        raise CommandError(
            f"cannot open {db_path} as a DuckDB database: {error}", EXIT_FAILED
        ) from error


class _HideBusyTraceback(logging.Filter):
    """Drops Prefect's traceback of a flow that stopped on a busy database: the command
    reports that in one sentence."""

    def filter(self, record: logging.LogRecord) -> bool:
        from dateline.flows.warehouse import DatabaseBusy

        return not (record.exc_info and isinstance(record.exc_info[1], DatabaseBusy))


def cmd_ingest(args, settings: Settings) -> int:
    """One ingest: a flow run of the configured Prefect server, else plain function calls
    (no Prefect import, no temporary server). Dask needs Prefect's task runner either way."""
    from dateline.flows.objectstore import ObjectStoreError
    from dateline.flows.warehouse import DatabaseBusy

    sources = [str(s) for s in args.sources]
    _check_locations(sources, settings.export_dir)
    try:
        if prefect_api_url() is None and settings.dask_address is None:
            from dateline.flows.ingest import print_progress, run_ingest

            summary = run_ingest(sources, settings, None if args.quiet else print_progress)
        else:
            summary = _ingest_as_flow_run(sources, settings, show_progress=not args.quiet)
    except DatabaseBusy as error:
        print(
            f"dateline: {error}; retry when it is free, or wait longer with --lock-wait SECONDS.",
            file=sys.stderr,
        )
        return EXIT_BUSY
    except ObjectStoreError as error:
        raise CommandError(str(error), EXIT_FAILED) from error
    _print_summary(summary, verbose=args.verbose)
    if args.report is not None:
        _write_report(settings.db_path, args.report, since=None)
    return EXIT_OK


def _ingest_as_flow_run(sources: list[str], settings: Settings, *, show_progress: bool):
    quiet_prefect()
    from dateline.flows.orchestration import ingest_flow

    flow_logger = logging.getLogger("prefect.flow_runs")
    hide_busy = _HideBusyTraceback()
    flow_logger.addFilter(hide_busy)
    try:
        return ingest_flow(source_args=sources, settings=settings, show_progress=show_progress)
    except RuntimeError as error:
        if "ephemeral Prefect API server" not in str(error):
            raise
        raise CommandError(
            "Prefect's temporary server did not start in time. Start one with\n"
            "`prefect server start` and set PREFECT_API_URL=http://127.0.0.1:4200/api, or raise\n"
            "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS.",
            EXIT_FAILED,
        ) from error
    finally:
        flow_logger.removeFilter(hide_busy)


def cmd_sql(args, settings: Settings) -> int:
    import duckdb

    con = _open_read_only(settings.db_path)
    # Read-only is not enough: COPY TO, ATTACH and INSTALL would still touch the file system.
    con.execute("SET enable_external_access = false")
    con.execute("SET lock_configuration = true")
    try:
        relation = con.sql(args.query)
        if relation is None:
            return EXIT_OK
        frame = relation.pl()
    except duckdb.Error as error:
        print(f"dateline: query failed: {error}", file=sys.stderr)
        return EXIT_FAILED
    finally:
        con.close()
    if args.format == "csv":
        sys.stdout.write(frame.write_csv())
    elif args.format == "json":
        print(json.dumps(frame.to_dicts(), default=str, ensure_ascii=False, indent=1))
    else:
        import polars as pl

        width = shutil.get_terminal_size((160, 40)).columns
        with pl.Config(
            tbl_rows=200,
            tbl_cols=30,
            fmt_str_lengths=60,
            tbl_width_chars=width,
            tbl_hide_dataframe_shape=True,
            tbl_hide_column_data_types=True,
        ):
            print(frame)
        print(f"({frame.height} rows)")
    return EXIT_OK


def cmd_export(args, settings: Settings) -> int:
    from dateline.flows.export import ExportError, export_parquet
    from dateline.flows.objectstore import ObjectStoreError

    _check_locations([], args.out)
    con = _open_read_only(settings.db_path)
    try:
        # fetchall: DuckDB keeps a half-read result open and refuses other work meanwhile.
        rows = con.execute(
            "SELECT run_id FROM ingest_runs ORDER BY started_at DESC LIMIT 1"
        ).fetchall()
        manifest = export_parquet(con, args.out, run_id=rows[0][0] if rows else None)
    except (ExportError, ObjectStoreError) as error:
        print(f"dateline: {error}", file=sys.stderr)
        return EXIT_FAILED
    finally:
        con.close()
    datasets = manifest.get("datasets", [])
    rows = sum(d.get("n_rows", 0) for d in datasets)
    print(f"exported {len(datasets)} datasets ({rows} rows) to {args.out}")
    return EXIT_OK


def _since_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"a date is YYYY-MM-DD; got {text!r}") from None


def cmd_report(args, settings: Settings) -> int:
    _write_report(settings.db_path, args.out, since=args.since)
    return EXIT_OK


def _write_report(db_path: Path, out: Path, *, since: date | None) -> None:
    """Write the report page from the warehouse's marts and say where; a problem is a
    CommandError of one sentence."""
    from dateline.flows import report

    con = _open_read_only(db_path)
    try:
        result = report.write_report(
            con, out, db_name=Path(db_path).name, window=report.Window(since)
        )
    except report.ReportError as error:
        raise CommandError(f"no report: {error}", EXIT_FAILED) from error
    finally:
        con.close()
    missing = f"; not available: {', '.join(result.unavailable)}" if result.unavailable else ""
    print(f"report written to {out} ({result.n_bytes / 1024:.0f} KB){missing}")


def cmd_serve(args, settings: Settings) -> int:
    quiet_prefect()
    if prefect_api_url() is None:
        print(
            "dateline serve needs a running Prefect server, because schedules never fire on the\n"
            "temporary one a plain run starts. In another terminal run:\n"
            "    prefect server start\n"
            "then: export PREFECT_API_URL=http://127.0.0.1:4200/api  and run dateline serve again.",
            file=sys.stderr,
        )
        return EXIT_USAGE
    if args.interval is not None and args.interval <= 0:
        raise CommandError("--interval must be a positive number of seconds.", EXIT_USAGE)
    _check_locations([str(s) for s in args.sources], settings.export_dir)
    deployment = serve_arguments(args, settings)
    from dateline.flows.orchestration import ingest_flow

    when = f"every {args.interval} s" if args.interval else f"on cron '{settings.cron}'"
    print(f"serving '{args.name}' {when} against {settings.db_path}; Ctrl-C stops.")
    ingest_flow.serve(**deployment)
    return EXIT_OK


def serve_arguments(args: argparse.Namespace, settings: Settings) -> dict:
    """Keyword arguments of ``ingest_flow.serve`` for ``dateline serve``: the schedule, and
    every setting as the deployment's ``settings`` parameter (paths made absolute:
    scheduled runs start in another process). SOURCE arguments travel as given (folders,
    globs and ``s3://`` prefixes are listed again by each run, so what appeared since the
    last run is read)."""
    schedule = {"interval": args.interval} if args.interval else {"cron": settings.cron}
    return {
        "name": args.name,
        **schedule,
        # DuckDB allows one writer process: a run still going when the next is due must not overlap.
        "limit": 1,
        "parameters": {
            "source_args": [_absolute_source(str(s)) for s in args.sources],
            "settings": settings.resolved(),
            "show_progress": False,
        },
        "print_starting_message": False,
    }


def _absolute_source(source: str) -> str:
    """A local SOURCE (file, folder or glob) made absolute; a URL as it is."""
    from dateline.flows.objectstore import url_scheme

    return source if url_scheme(source) else str(Path(source).resolve())


def _eval_views(text: str) -> tuple[str, ...]:
    """``--views``: a comma-separated subset of the views, in their canonical order."""
    from dateline.flows.evaluation import VIEW_SUFFIXES

    wanted = {view.strip() for view in text.split(",") if view.strip()}
    if not wanted or wanted - set(VIEW_SUFFIXES):
        raise argparse.ArgumentTypeError(
            f"views are {' and '.join(VIEW_SUFFIXES)}, comma-separated; got {text!r}"
        )
    return tuple(view for view in VIEW_SUFFIXES if view in wanted)


def cmd_eval(args, settings: Settings) -> int:
    """Ingest the corpora's pages into one database (``run_ingest``: no flow run, no
    Prefect server), then score each corpus and view against its gold."""
    # Prefect is imported only when DATELINE_DASK_ADDRESS sends the parsing to Dask.
    quiet_prefect()
    from dateline.flows import evaluation, warehouse

    try:
        corpora = evaluation.load_corpora(args.corpus_dirs, args.views or evaluation.VIEW_SUFFIXES)
    except evaluation.CorpusError as error:
        raise CommandError(str(error), EXIT_USAGE) from error
    try:
        summary, reports = evaluation.ingest_and_score(corpora, settings, args.db)
    except warehouse.DatabaseBusy as error:
        raise CommandError(f"{error}; retry when it is free.", EXIT_BUSY) from error
    n_files = sum(len(corpus.sources) for corpus in corpora)
    n_articles = summary.counts.new + summary.counts.updated + summary.counts.unchanged
    print(
        f"ingested {n_files} files of {len(corpora)} corpora in {summary.seconds:.0f} s: "
        f"{n_articles} articles, {summary.rejects} rejects, data tests: "
        + (
            "all passed"
            if not summary.test_failures
            else "FAILED " + ", ".join(summary.test_failures)
        )
    )
    print()
    print(evaluation.format_corpora(reports), end="")
    if args.scores:
        scores = evaluation.scores_json(reports)
        args.scores.write_text(json.dumps(scores, indent=2, sort_keys=True) + "\n")
    if args.details:
        evaluation.write_corpus_details(reports, args.details)
        print(f"\nper-item details: {args.details}")
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
