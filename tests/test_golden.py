"""Golden outputs: each sampled gold-corpus page still extracts to its file in tests/golden/.

A failure prints the diff. When the change is intended, regenerate every file with
``python -m tests.golden.regenerate`` and review the diff; never edit a golden file by hand.
"""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest

from tests.conftest import CORPUS_DIR
from tests.golden.regenerate import (
    GOLDEN_DIR,
    SAMPLE_STEP,
    all_sampled_pages,
    golden_files,
    golden_texts,
    page_of,
)

pytestmark = pytest.mark.corpus
REGENERATE = "python -m tests.golden.regenerate"
# Enough of a diff to see what moved without flooding the report.
MAX_DIFF_LINES = 120


def _skip_without(corpus_set: str) -> None:
    if not (CORPUS_DIR / corpus_set).is_dir():
        pytest.skip(f"gold corpus set {corpus_set} not found under {CORPUS_DIR}")


def test_golden_files_are_the_documented_sample() -> None:
    for corpus_set in SAMPLE_STEP:
        _skip_without(corpus_set)
    expected = sorted(page.golden_path for page in all_sampled_pages())
    assert golden_files() == expected, f"the golden files are not the sample; run {REGENERATE}"


@pytest.mark.parametrize(
    "golden_path",
    golden_files(),
    ids=[path.relative_to(GOLDEN_DIR).as_posix() for path in golden_files()],
)
def test_page_extracts_to_its_golden_file(golden_path: Path) -> None:
    page = page_of(golden_path)
    _skip_without(page.corpus_set)
    expected = golden_path.read_text(encoding="utf-8")
    actual = golden_texts(page.corpus_set, page.view).get(page.name)
    if actual is None:
        pytest.fail(f"{page.name} is not in the documented sample; run {REGENERATE}")
    if actual != expected:
        diff = list(
            difflib.unified_diff(
                expected.splitlines(),
                actual.splitlines(),
                "golden",
                "extracted now",
                lineterm="",
            )
        )
        shown = "\n".join(diff[:MAX_DIFF_LINES])
        more = (
            f"\n... {len(diff) - MAX_DIFF_LINES} more lines" if len(diff) > MAX_DIFF_LINES else ""
        )
        pytest.fail(
            f"{page.name} no longer extracts to its golden file:\n{shown}{more}\n"
            f"If the change is intended, run {REGENERATE} and review the diff."
        )
