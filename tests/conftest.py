"""Shared fixtures: the corpus location, a quiet Prefect for flow tests, and the hypothesis
profiles (``dev`` by default, ``ci`` with ``HYPOTHESIS_PROFILE=ci``)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DIR = Path(os.environ.get("DATELINE_SHARED_DIR", REPO_ROOT.parent / "shared"))
CORPUS_DIR = Path(os.environ.get("DATELINE_CORPUS_DIR", SHARED_DIR / "corpus"))
SEED_DIR = SHARED_DIR / "seeds"
SAMPLES_DIR = REPO_ROOT / "data" / "samples"

# Prefect reads its settings at import time; tests import flows lazily after this.
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")

# Property tests: a few examples while developing, many (and no deadline, on a shared
# machine) in CI. A test that needs its own count writes @settings(max_examples=
# examples(N)): N in CI, a fifth of it locally.
HYPOTHESIS_PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "dev")
settings.register_profile("dev", max_examples=20)
settings.register_profile("ci", max_examples=300, deadline=None)
settings.load_profile(HYPOTHESIS_PROFILE)
MIN_LOCAL_EXAMPLES = 5


def examples(n: int) -> int:
    """A property test's own example count under the active profile."""
    return n if HYPOTHESIS_PROFILE == "ci" else max(MIN_LOCAL_EXAMPLES, n // 5)


def corpus_or_skip(*parts: str) -> Path:
    path = CORPUS_DIR.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"gold corpus not found at {path} (set DATELINE_CORPUS_DIR)")
    return path


@pytest.fixture
def fundus_dir() -> Path:
    return corpus_or_skip("fundus")


@pytest.fixture
def seed_path() -> Path:
    path = SEED_DIR / "000_87e5fbe07bd337ee.txt"
    if not path.exists():
        path = SAMPLES_DIR / "es_gestion_seed.txt"
    return path


def query_db(db: Path, sql: str) -> list[tuple]:
    """Rows of one query on a read-only connection to the warehouse file ``db``."""
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()
