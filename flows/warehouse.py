"""The DuckDB warehouse: connect, create the contract tables, build the views, run the
data tests.

Everything here reads SQL from the package ``dateline.sql`` (the repository's ``sql/``
folder), through ``importlib.resources``:

* ``schema/NN_<table>.sql`` create one table each (idempotent), run in name order;
* ``models/{staging,intermediate,marts}/<view>.sql`` hold one SELECT each; the file name
  is the view name and the header comment (``-- grain: ...``) becomes the view's comment;
* ``tests/assert_<table>__<what>.sql`` hold one query each that must return no row.
"""

from __future__ import annotations

import queue
import re
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import TypeVar

import duckdb

from dateline.transforms.schema import CONTRACT_TABLES

SQL_PACKAGE = "dateline.sql"
# Views are built layer by layer: staging, then intermediate, then marts.
MODEL_LAYERS: tuple[str, ...] = ("staging", "intermediate", "marts")
# The first header line of a model, e.g. "-- grain: one row per article."
GRAIN_COMMENT = re.compile(r"^--\s*grain:\s*(.+?)\s*$", re.MULTILINE)
MEMORY_DATABASE = ":memory:"
SAMPLE_SIZE = 5
Item = TypeVar("Item")
Result = TypeVar("Result")
# Queries run at once by map_on_cursors, at most (and at most DuckDB's threads).
MAX_CURSORS = 2
# DuckDB's IOException text when another process holds the file: the same for a writer
# blocked by a reader or a writer, and for a reader blocked by a writer (duckdb 1.4-2.0).
LOCK_CONFLICT_TEXT = "Could not set lock on file"
# Back-off between attempts to open a file another process holds: doubling, capped.
FIRST_RETRY_SECONDS = 0.2
MAX_RETRY_SECONDS = 5.0


class MissingSqlError(RuntimeError):
    """The installed package holds no schema, model or test files: a broken install."""


class ModelBuildError(RuntimeError):
    """A model's SQL does not bind, even once every other model is built."""


class DatabaseBusy(Exception):
    """Another process held the warehouse file for longer than the caller would wait.

    Carries ``db_path``, ``waited_seconds`` and ``read_only`` (which side was refused).
    """

    def __init__(self, db_path: Path | str, waited_seconds: float, *, read_only: bool) -> None:
        self.db_path = Path(db_path)
        self.waited_seconds = waited_seconds
        self.read_only = read_only
        waited = f" after waiting {waited_seconds:.0f} s" if waited_seconds >= 0.5 else ""
        super().__init__(f"{_in_use(db_path, read_only=read_only)}{waited}")


@dataclass(frozen=True)
class DataTestFailure:
    """One data test that returned rows: its name, how many rows, and up to five of them."""

    name: str
    n_rows: int
    sample: list[tuple] = field(default_factory=list)


def connect(db_path: Path | str, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the warehouse at ``db_path`` (``:memory:`` allowed), in UTC.

    A writable connection creates the parent folder; a read-only one requires the file.
    """
    if str(db_path) != MEMORY_DATABASE and not read_only:
        Path(db_path).parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(db_path), read_only=read_only)
    # Every timestamp in the contract is UTC; keep the session from rendering local time.
    con.execute("SET TimeZone = 'UTC'")
    return con


def connect_writer(
    db_path: Path | str,
    *,
    wait_seconds: float,
    on_wait: Callable[[str], None] | None = None,
) -> duckdb.DuckDBPyConnection:
    """A read-write connection, waiting up to ``wait_seconds`` while another process holds
    the file; ``on_wait`` hears once, in one sentence, that the wait began.

    Raises ``DatabaseBusy`` when the file is still held after the wait.
    """
    return _connect_waiting(db_path, read_only=False, wait_seconds=wait_seconds, on_wait=on_wait)


def connect_reader(
    db_path: Path | str,
    *,
    wait_seconds: float = 0,
    on_wait: Callable[[str], None] | None = None,
) -> duckdb.DuckDBPyConnection:
    """A read-only connection; by default ``DatabaseBusy`` at once while a writer holds the
    file, else after waiting up to ``wait_seconds``."""
    return _connect_waiting(db_path, read_only=True, wait_seconds=wait_seconds, on_wait=on_wait)


def is_lock_conflict(error: BaseException) -> bool:
    """Whether a DuckDB error says another process holds the database file."""
    return isinstance(error, duckdb.IOException) and LOCK_CONFLICT_TEXT in str(error)


def _connect_waiting(
    db_path: Path | str,
    *,
    read_only: bool,
    wait_seconds: float,
    on_wait: Callable[[str], None] | None,
) -> duckdb.DuckDBPyConnection:
    started = time.monotonic()
    deadline = started + max(wait_seconds, 0)
    delay = FIRST_RETRY_SECONDS
    told = False
    while True:
        try:
            return connect(db_path, read_only=read_only)
        except duckdb.IOException as error:
            if not is_lock_conflict(error):
                raise
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise DatabaseBusy(
                    db_path, time.monotonic() - started, read_only=read_only
                ) from error
        if on_wait is not None and not told:
            on_wait(f"{_in_use(db_path, read_only=read_only)}; waiting up to {wait_seconds:.0f} s")
            told = True
        time.sleep(min(delay, remaining))
        delay = min(delay * 2, MAX_RETRY_SECONDS)


def _in_use(db_path: Path | str, *, read_only: bool) -> str:
    # A reader is kept out only by a writer; a writer by any other connection.
    holder = "an ingest writing to it" if read_only else "another ingest or a read-only connection"
    return f"the database {db_path} is in use by another process ({holder})"


def sql_files(folder: str) -> list[Traversable]:
    """The ``*.sql`` files of one folder of ``dateline.sql`` (``schema``, ``tests``,
    ``models/marts`` ...), by name.

    Raises ``MissingSqlError`` when there are none: an install without its SQL would
    otherwise create no table, or report "all passed" over no data test.
    """
    directory = resources.files(SQL_PACKAGE)
    for part in folder.split("/"):
        directory = directory.joinpath(part)
    files = (
        sorted((f for f in directory.iterdir() if f.name.endswith(".sql")), key=lambda f: f.name)
        if directory.is_dir()
        else []
    )
    if not files:
        raise MissingSqlError(
            f"no SQL files in {SQL_PACKAGE}/{folder}: the installed package is incomplete; "
            "reinstall Dateline"
        )
    return files


def _stem(file: Traversable) -> str:
    return file.name.removesuffix(".sql")


def apply_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create every table of ``sql/schema/`` that does not exist yet (idempotent)."""
    for file in sql_files("schema"):
        # execute() runs every statement of the file: the CREATE and its COMMENTs.
        con.execute(file.read_text(encoding="utf-8"))


def model_names() -> list[str]:
    """Names of the views in ``sql/models/``, in build order (staging, intermediate, marts)."""
    return [_stem(file) for file in _model_files()]


def contract_table_names() -> list[str]:
    """Names of the contract tables, in CONTRACT.md order."""
    return [table.name for table in CONTRACT_TABLES]


def build_models(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Create or replace every view of ``sql/models/``; return their names in build order.

    Views are built by layer (``staging/``, ``intermediate/``, then ``marts/``, by name
    within a layer). A view that depends on one later in that order fails to bind and is retried
    after the others, so a mart may read another mart.
    """
    pending = _model_files()
    built: list[str] = []
    while pending:
        deferred: list[Traversable] = []
        last_error: duckdb.Error | None = None
        for file in pending:
            try:
                _create_view(con, file)
            except duckdb.CatalogException as error:
                deferred.append(file)
                last_error = error
            else:
                built.append(_stem(file))
        if len(deferred) == len(pending):
            names = ", ".join(_stem(f) for f in deferred)
            raise ModelBuildError(f"models do not bind: {names}: {last_error}") from last_error
        pending = deferred
    return built


def run_data_tests(con: duckdb.DuckDBPyConnection) -> list[DataTestFailure]:
    """Run every ``sql/tests/*.sql`` query; return the ones that found rows (none = pass).

    Two tests at a time (``map_on_cursors``): one test over a table of one row group runs
    on one thread, and the word count of every article body takes most of the tests' time.
    """
    results = map_on_cursors(con, _run_data_test, sql_files("tests"))
    return [failure for failure in results if failure is not None]


def _run_data_test(con: duckdb.DuckDBPyConnection, file: Traversable) -> DataTestFailure | None:
    query = _strip_statement(file.read_text(encoding="utf-8"))
    # fetchall, not fetchone: duckdb 2 keeps a result open until it is read to its end.
    [(n_rows,)] = con.execute(f"select count(*) from ({query})").fetchall()
    if not n_rows:
        return None
    sample = con.execute(f"select * from ({query}) limit {SAMPLE_SIZE}").fetchall()
    return DataTestFailure(_stem(file), n_rows, sample)


def map_on_cursors(
    con: duckdb.DuckDBPyConnection,
    work: Callable[[duckdb.DuckDBPyConnection, Item], Result],
    items: list[Item],
    *,
    prepare: Callable[[duckdb.DuckDBPyConnection], None] | None = None,
    max_cursors: int = MAX_CURSORS,
) -> list[Result]:
    """``work(cursor, item)`` for every item, in threads each with a cursor of ``con`` of
    its own (as many as DuckDB has threads, at most ``max_cursors``); the results in the
    order of ``items``. DuckDB runs one query over a table of one row group (up to 122,880
    rows) on one thread: two such queries at once use both cores.

    Each cursor is a connection of its own to the same database: it sees what ``con`` has
    committed, with ``con``'s time zone, and ``prepare(cursor)`` runs on it first (to begin
    a transaction, say). The first error stops the other threads after their current item
    and is raised.
    """
    [(threads, time_zone)] = con.execute(
        "select current_setting('threads'), current_setting('TimeZone')"
    ).fetchall()
    n_cursors = max(min(int(threads), max_cursors, len(items)), 1)
    pending: queue.SimpleQueue = queue.SimpleQueue()
    for number, item in enumerate(items):
        pending.put((number, item))
    results: list = [None] * len(items)
    failed = threading.Event()

    def run(cursor: duckdb.DuckDBPyConnection) -> None:
        while not failed.is_set():
            try:
                number, item = pending.get_nowait()
            except queue.Empty:
                return
            try:
                results[number] = work(cursor, item)
            except BaseException:
                failed.set()
                raise

    cursors: list[duckdb.DuckDBPyConnection] = []
    try:
        for _ in range(n_cursors):
            cursor = con.cursor()
            cursors.append(cursor)
            cursor.execute(f"SET TimeZone = {_sql_string(time_zone)}")
            if prepare is not None:
                prepare(cursor)
        with ThreadPoolExecutor(n_cursors, thread_name_prefix="dateline-duckdb") as threads_:
            for future in [threads_.submit(run, cursor) for cursor in cursors]:
                future.result()
    finally:
        for cursor in cursors:
            cursor.close()
    return results


def _model_files() -> list[Traversable]:
    return [file for layer in MODEL_LAYERS for file in sql_files(f"models/{layer}")]


def _create_view(con: duckdb.DuckDBPyConnection, file: Traversable) -> None:
    text = file.read_text(encoding="utf-8")
    name = _stem(file)
    con.execute(f'create or replace view "{name}" as\n{_strip_statement(text)}')
    grain = GRAIN_COMMENT.search(text)
    if grain:
        con.execute(f'comment on view "{name}" is {_sql_string(grain.group(1))}')


def _strip_statement(text: str) -> str:
    """The query without its trailing semicolon, so it can be wrapped in another statement."""
    # The newline ends a trailing "-- comment" before a wrapper's closing parenthesis.
    return text.strip().rstrip(";").rstrip() + "\n"


def _sql_string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"
