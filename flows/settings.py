"""One settings object for a run, read from flags and ``DATELINE_*`` variables.

Functions receive the values they need; only this module reads the environment.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path

# Relative to the working directory, like any output path: never inside the installed package.
DEFAULT_DB = Path("data") / "warehouse" / "dateline.duckdb"
ENV_PREFIX = "DATELINE_"
# A DuckDB memory size: a number and a unit (KB, MB, GB, TB, or KiB ... TiB).
MEMORY_SIZE = re.compile(r"\d+(\.\d+)?\s*[KMGT]i?B", re.IGNORECASE)


@dataclass(frozen=True)
class Settings:
    db_path: Path = DEFAULT_DB
    # Documents parsed and loaded per batch: bounds memory and is the unit of a transaction.
    batch_size: int = 2000
    # Largest source file read, in bytes (compressed files: after decompression).
    max_source_bytes: int = 64 * 1024 * 1024
    # Largest single line kept in a text dump; longer lines are cut (counted in quality flags).
    max_line_chars: int = 200_000
    export_dir: Path | None = None
    cron: str = "0 * * * *"
    # How long an ingest waits for another process (ingest or reader) to release the file.
    lock_wait_seconds: int = 300
    # Processes that read and parse batches; 1 keeps everything in the flow process.
    workers: int = 1
    # Dask scheduler address (tcp://host:8786) or "local" for a temporary LocalCluster.
    dask_address: str | None = None
    # Where Dask workers write their Parquet shards; must be shared storage on a real cluster.
    shard_dir: Path | None = None
    # DuckDB's memory_limit for the ingest's connection. Without it DuckDB keeps every block
    # it wrote cached (80% of RAM), so a run's memory grew with the warehouse; past the limit
    # it evicts, and big queries spill to disk.
    duckdb_memory_limit: str = "300MB"

    def shard_root(self) -> Path:
        """The shard folder: ``shard_dir``, else ``shards/`` beside the database file."""
        return self.shard_dir or Path(self.db_path).resolve().parent / "shards"

    def with_overrides(self, **values: object) -> Settings:
        return replace(self, **{k: v for k, v in values.items() if v is not None})


def _int_env(env: dict[str, str], name: str, default: int) -> int:
    raw = env.get(ENV_PREFIX + name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as error:
        raise SystemExit(f"{ENV_PREFIX}{name} must be a whole number, got {raw!r}") from error


def _memory_env(env: dict[str, str], name: str, default: str) -> str:
    raw = (env.get(ENV_PREFIX + name) or "").strip()
    if not raw:
        return default
    if not MEMORY_SIZE.fullmatch(raw):
        raise SystemExit(f"{ENV_PREFIX}{name} must be a size such as 512MB or 2GB, got {raw!r}")
    return raw


def load_settings(env: dict[str, str] | None = None, **flags: object) -> Settings:
    """Settings from ``DATELINE_*`` variables, then command-line flags on top."""
    env = dict(os.environ if env is None else env)
    base = Settings(
        db_path=Path(env.get(ENV_PREFIX + "DB") or DEFAULT_DB),
        batch_size=_int_env(env, "BATCH_SIZE", Settings.batch_size),
        max_source_bytes=_int_env(env, "MAX_SOURCE_BYTES", Settings.max_source_bytes),
        max_line_chars=_int_env(env, "MAX_LINE_CHARS", Settings.max_line_chars),
        export_dir=Path(env[ENV_PREFIX + "EXPORT_DIR"])
        if env.get(ENV_PREFIX + "EXPORT_DIR")
        else None,
        cron=env.get(ENV_PREFIX + "CRON") or Settings.cron,
        lock_wait_seconds=_int_env(env, "LOCK_WAIT_SECONDS", Settings.lock_wait_seconds),
        workers=_int_env(env, "WORKERS", Settings.workers),
        dask_address=env.get(ENV_PREFIX + "DASK_ADDRESS") or None,
        shard_dir=Path(env[ENV_PREFIX + "SHARD_DIR"])
        if env.get(ENV_PREFIX + "SHARD_DIR")
        else None,
        duckdb_memory_limit=_memory_env(env, "DUCKDB_MEMORY_LIMIT", Settings.duckdb_memory_limit),
    )
    return base.with_overrides(**flags)


def samples_dir() -> Path:
    """The bundled sample sources (package data of ``dateline.data``)."""
    folder = resources.files("dateline.data").joinpath("samples")
    if not isinstance(folder, Path) or not folder.is_dir():
        raise FileNotFoundError(
            "the bundled samples are missing from the installed package; reinstall Dateline"
        )
    return folder
