"""The DuckDB warehouse: connect, create the contract tables, build the views, run the
data tests.

Everything here reads SQL from the repository's ``sql/`` folder:

* ``sql/schema/NN_<table>.sql`` create one table each (idempotent), run in name order;
* ``sql/models/<view>.sql`` hold one SELECT each; the file name is the view name and the
  header comment (``-- grain: ...``) becomes the view's comment;
* ``sql/tests/assert_<table>__<what>.sql`` hold one query each that must return no row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from transforms.schema import CONTRACT_TABLES

SQL_DIR = Path(__file__).resolve().parents[1] / "sql"
SCHEMA_DIR = SQL_DIR / "schema"
MODELS_DIR = SQL_DIR / "models"
TESTS_DIR = SQL_DIR / "tests"

# Views are built layer by layer: staging, then intermediate, then marts.
MODEL_LAYER_PREFIXES: tuple[str, ...] = ("stg_", "int_")
# The first header line of a model, e.g. "-- grain: one row per article."
GRAIN_COMMENT = re.compile(r"^--\s*grain:\s*(.+?)\s*$", re.MULTILINE)
MEMORY_DATABASE = ":memory:"
SAMPLE_SIZE = 5


class ModelBuildError(RuntimeError):
    """A model's SQL does not bind, even once every other model is built."""


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


def apply_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create every table of ``sql/schema/`` that does not exist yet (idempotent)."""
    for path in sorted(SCHEMA_DIR.glob("*.sql")):
        # execute() runs every statement of the file: the CREATE and its COMMENTs.
        con.execute(path.read_text(encoding="utf-8"))


def model_names() -> list[str]:
    """Names of the views in ``sql/models/``, in build order (staging, intermediate, marts)."""
    return [path.stem for path in _model_paths()]


def contract_table_names() -> list[str]:
    """Names of the contract tables, in CONTRACT.md order."""
    return [table.name for table in CONTRACT_TABLES]


def build_models(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Create or replace every view of ``sql/models/``; return their names in build order.

    Views are built by layer (``stg_``, then ``int_``, then the rest, by name within a
    layer). A view that depends on one later in that order fails to bind and is retried
    after the others, so a mart may read another mart.
    """
    pending = _model_paths()
    built: list[str] = []
    while pending:
        deferred: list[Path] = []
        last_error: duckdb.Error | None = None
        for path in pending:
            try:
                _create_view(con, path)
            except duckdb.CatalogException as error:
                deferred.append(path)
                last_error = error
            else:
                built.append(path.stem)
        if len(deferred) == len(pending):
            names = ", ".join(p.stem for p in deferred)
            raise ModelBuildError(f"models do not bind: {names}: {last_error}") from last_error
        pending = deferred
    return built


def run_data_tests(con: duckdb.DuckDBPyConnection) -> list[DataTestFailure]:
    """Run every ``sql/tests/*.sql`` query; return the ones that found rows (none = pass)."""
    failures: list[DataTestFailure] = []
    for path in sorted(TESTS_DIR.glob("*.sql")):
        query = _strip_statement(path.read_text(encoding="utf-8"))
        # fetchall, not fetchone: duckdb 2 keeps a result open until it is read to its end.
        [(n_rows,)] = con.execute(f"select count(*) from ({query})").fetchall()
        if n_rows:
            sample = con.execute(f"select * from ({query}) limit {SAMPLE_SIZE}").fetchall()
            failures.append(DataTestFailure(path.stem, n_rows, sample))
    return failures


def _model_paths() -> list[Path]:
    def layer(path: Path) -> int:
        for rank, prefix in enumerate(MODEL_LAYER_PREFIXES):
            if path.stem.startswith(prefix):
                return rank
        return len(MODEL_LAYER_PREFIXES)

    return sorted(MODELS_DIR.glob("*.sql"), key=lambda p: (layer(p), p.stem))


def _create_view(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    name = path.stem
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
