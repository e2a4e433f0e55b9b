"""One settings object for a run, read from flags and ``DATELINE_*`` variables.

Functions receive the values they need; only this module reads the environment.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path

# Relative to the working directory, like any output path: never inside the installed package.
DEFAULT_DB = Path("data") / "warehouse" / "dateline.duckdb"
# ``scheme://`` at the start of an output: a URL (s3://bucket/prefix/), kept as text.
URL_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
ENV_PREFIX = "DATELINE_"
# A DuckDB memory size: a number and a unit (KB, MB, GB, TB: powers of 1000; KiB ... TiB:
# powers of 1024).
MEMORY_SIZE = re.compile(r"(\d+(?:\.\d+)?)\s*([KMGT])(i?)B", re.IGNORECASE)
# Whole-number settings and their smallest allowed value, with the flag that also sets them.
MINIMUMS = {
    "batch_size": (1, "--batch-size", "BATCH_SIZE"),
    "max_source_bytes": (1, None, "MAX_SOURCE_BYTES"),
    "max_line_chars": (1, None, "MAX_LINE_CHARS"),
    "lock_wait_seconds": (0, "--lock-wait", "LOCK_WAIT_SECONDS"),
    "workers": (1, "--workers", "WORKERS"),
}


class SettingsError(SystemExit):
    """A flag or ``DATELINE_*`` variable with an unusable value. Left uncaught it ends the
    program with its message, like a usage error."""


@dataclass(frozen=True)
class Settings:
    """Every setting of a run. It travels whole: from the command line to the ingest, and
    as one parameter of the Prefect flow and of ``dateline serve``'s deployment (Prefect
    stores it as JSON and turns it back into ``Settings`` for each scheduled run)."""

    db_path: Path = DEFAULT_DB
    # Documents parsed and loaded per batch: bounds memory and is the unit of a transaction.
    batch_size: int = 2000
    # Largest source file read, in bytes (compressed files: after decompression).
    max_source_bytes: int = 64 * 1024 * 1024
    # Largest single line kept in a text dump; longer lines are cut (counted in quality flags).
    max_line_chars: int = 200_000
    # A folder, or an object-store URL (s3://bucket/prefix/) kept as text.
    export_dir: Path | str | None = None
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
    # DuckDB's memory_limit while the batches are loaded (duckdb_memory_limit again from the
    # story clusters on). A load needs little of it, but under a larger limit a run's
    # resident memory grew with the warehouse: at 66k text documents its peak was 1.35x
    # that at 6.7k with the loads under 300MB, 1.27x under 150MB (DuckDB's own count of its
    # memory after each load is the same under both: the difference is transient, within
    # the commits).
    # The smaller of the two is used (``load_memory_limit``): a user's lower memory limit holds
    # for the loads too.
    duckdb_load_memory_limit: str = "150MB"
    # DuckDB's checkpoint_threshold for the ingest's connection: how much committed data
    # waits in the write-ahead log before it is written into the database file. Each
    # checkpoint rewrites every partly filled row group whole (an articles row group holds
    # 122,880 rows: dozens of batches), so DuckDB's default of 16MB, a checkpoint every
    # other batch, compressed the same rows again and again: at 66k articles the load took
    # a third more CPU than at 64MB, which holds at most 64MB more in memory.
    duckdb_checkpoint_threshold: str = "64MB"

    def __post_init__(self) -> None:
        # A folder stays a Path however it arrives (Prefect hands JSON text back), a URL text.
        if self.export_dir is not None:
            object.__setattr__(self, "export_dir", output_location(self.export_dir))

    def resolved(self) -> Settings:
        """The same settings with absolute paths: for a run started from another folder
        (a scheduled run of ``dateline serve``)."""
        return replace(
            self,
            db_path=Path(self.db_path).resolve(),
            export_dir=_resolved_location(self.export_dir) if self.export_dir else None,
            shard_dir=Path(self.shard_dir).resolve() if self.shard_dir else None,
        )

    @property
    def load_memory_limit(self) -> str:
        """DuckDB's memory limit while the batches load: ``duckdb_load_memory_limit``, or
        ``duckdb_memory_limit`` when that is smaller."""
        return min(self.duckdb_load_memory_limit, self.duckdb_memory_limit, key=memory_size_bytes)

    def shard_root(self) -> Path:
        """The shard folder: ``shard_dir``, else ``shards/`` beside the database file."""
        return self.shard_dir or Path(self.db_path).resolve().parent / "shards"

    def with_overrides(self, **values: object) -> Settings:
        return replace(self, **{k: v for k, v in values.items() if v is not None})


def output_location(text: str | os.PathLike) -> Path | str:
    """An output folder as a Path; a URL (``s3://bucket/prefix/``) as the text it is (a
    Path would fold its ``//`` into one slash)."""
    text = os.fspath(text)
    return text if URL_SCHEME.match(text) else Path(text)


def _resolved_location(location: Path | str) -> Path | str:
    location = output_location(location)
    return location if isinstance(location, str) else location.resolve()


def _int_env(env: dict[str, str], name: str, default: int) -> int:
    raw = env.get(ENV_PREFIX + name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as error:
        raise SettingsError(f"{ENV_PREFIX}{name} must be a whole number, got {raw!r}") from error


def memory_size_bytes(size: str) -> float:
    """Bytes of a size as DuckDB reads it: "512MB" (10^6 each), "2GiB" (2^30 each)."""
    match = MEMORY_SIZE.fullmatch(size.strip())
    if match is None:
        raise SettingsError(f"not a memory size such as 512MB or 2GB: {size!r}")
    number, unit, binary = match.groups()
    return float(number) * (1024 if binary else 1000) ** ("KMGT".index(unit.upper()) + 1)


def _memory_env(env: dict[str, str], name: str, default: str) -> str:
    raw = (env.get(ENV_PREFIX + name) or "").strip()
    if not raw:
        return default
    if not MEMORY_SIZE.fullmatch(raw):
        raise SettingsError(f"{ENV_PREFIX}{name} must be a size such as 512MB or 2GB, got {raw!r}")
    return raw


def load_settings(env: dict[str, str] | None = None, **flags: object) -> Settings:
    """Settings from ``DATELINE_*`` variables, then command-line flags on top."""
    env = dict(os.environ if env is None else env)
    base = Settings(
        db_path=Path(env.get(ENV_PREFIX + "DB") or DEFAULT_DB),
        batch_size=_int_env(env, "BATCH_SIZE", Settings.batch_size),
        max_source_bytes=_int_env(env, "MAX_SOURCE_BYTES", Settings.max_source_bytes),
        max_line_chars=_int_env(env, "MAX_LINE_CHARS", Settings.max_line_chars),
        export_dir=output_location(env[ENV_PREFIX + "EXPORT_DIR"])
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
        duckdb_load_memory_limit=_memory_env(
            env, "DUCKDB_LOAD_MEMORY_LIMIT", Settings.duckdb_load_memory_limit
        ),
        duckdb_checkpoint_threshold=_memory_env(
            env, "DUCKDB_CHECKPOINT_THRESHOLD", Settings.duckdb_checkpoint_threshold
        ),
    )
    settings = base.with_overrides(**flags)
    _check_minimums(settings)
    return settings


def _check_minimums(settings: Settings) -> None:
    for name, (minimum, flag, variable) in MINIMUMS.items():
        value = getattr(settings, name)
        if value < minimum:
            where = " or ".join(filter(None, (flag, ENV_PREFIX + variable)))
            raise SettingsError(f"{where} must be {minimum} or more, got {value}")


def prefect_api_url(env: dict[str, str] | None = None) -> str | None:
    """The Prefect server an ingest reports to: ``PREFECT_API_URL`` from the environment,
    else from the active profile in Prefect's ``profiles.toml``; None when neither sets one.

    Read without importing Prefect (a second or two): with no server, ``dateline ingest``
    runs its steps as plain functions and never imports it.
    """
    env = dict(os.environ if env is None else env)
    if env.get("PREFECT_API_URL"):
        return env["PREFECT_API_URL"]
    try:
        home = Path(env.get("PREFECT_HOME") or Path.home() / ".prefect")
        profiles_path = Path(env.get("PREFECT_PROFILES_PATH") or home / "profiles.toml")
        profiles = tomllib.loads(profiles_path.read_text(encoding="utf-8"))
    except (OSError, RuntimeError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        # No profiles file (or one Prefect itself would refuse): no server configured there.
        return None
    active = env.get("PREFECT_PROFILE") or profiles.get("active")
    profile = profiles.get("profiles", {}).get(active, {})
    url = profile.get("PREFECT_API_URL") if isinstance(profile, dict) else None
    return str(url) if url else None


def samples_dir() -> Path:
    """The bundled sample sources (package data of ``dateline.data``)."""
    folder = resources.files("dateline.data").joinpath("samples")
    if not isinstance(folder, Path) or not folder.is_dir():
        raise FileNotFoundError(
            "the bundled samples are missing from the installed package; reinstall Dateline"
        )
    return folder
