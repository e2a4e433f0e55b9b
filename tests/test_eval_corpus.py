"""Regression gate: `dateline eval` on the four gold corpora may not fall below the baseline.

The baseline is `tests/baselines/eval_scores.json` (corpus -> view -> field), written from
the repository root by

    dateline eval ../shared/corpus/fundus ../shared/corpus/readability \
        ../shared/corpus/trafilatura-eval ../shared/corpus/dragnet \
        --scores tests/baselines/eval_scores.json

Regenerate it that way whenever extraction improves (or a field's item count changes);
never edit it by hand. One ingest of all four corpora, both views, serves every check.
"""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import pytest

from dateline.flows.cli import main
from tests.conftest import CORPUS_DIR

BASELINE = Path(__file__).resolve().parent / "baselines" / "eval_scores.json"
CORPORA = ("fundus", "readability", "trafilatura-eval", "dragnet")
VIEWS = ("html", "txt")
# A field may drop by at most this much before the gate fails ...
TOLERANCE = 0.02
# ... or by this much when it is measured on this many items or more: a mean over 500+
# pages barely moves unless many of them got worse.
LARGE_SET_ITEMS = 500
LARGE_SET_TOLERANCE = 0.01
MEASURES = ("precision", "recall", "f1", "exact", "date")


def tolerance(n_items: int) -> float:
    return LARGE_SET_TOLERANCE if n_items >= LARGE_SET_ITEMS else TOLERANCE


@pytest.fixture(scope="session")
def eval_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, str, dict]:
    """Exit code, printed report and scores of one `dateline eval` of all four corpora."""
    missing = [name for name in CORPORA if not (CORPUS_DIR / name).is_dir()]
    if missing:
        pytest.skip(
            f"gold corpora not found under {CORPUS_DIR}: {', '.join(missing)} "
            "(set DATELINE_CORPUS_DIR)"
        )
    scratch = tmp_path_factory.mktemp("eval-gate")
    scores_path = scratch / "scores.json"
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        code = main(
            ["eval", *(str(CORPUS_DIR / name) for name in CORPORA)]
            + ["--db", str(scratch / "eval.duckdb"), "--scores", str(scores_path)]
        )
    scores = json.loads(scores_path.read_text()) if code == 0 else {}
    return code, printed.getvalue(), scores


def test_baseline_covers_every_corpus_and_view() -> None:
    baseline = json.loads(BASELINE.read_text())
    assert {name: set(views) for name, views in baseline.items()} == {
        name: set(VIEWS) for name in CORPORA
    }


@pytest.mark.slow
@pytest.mark.corpus
def test_eval_of_the_corpora_passes_its_data_tests(eval_run) -> None:
    code, report, _ = eval_run
    print(report)
    assert code == 0, report
    assert report.splitlines()[0].endswith("data tests: all passed"), report.splitlines()[0]


@pytest.mark.slow
@pytest.mark.corpus
@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("corpus", CORPORA)
def test_eval_scores_hold_the_baseline(eval_run, corpus: str, view: str) -> None:
    code, report, scores = eval_run
    assert code == 0, report
    expected_fields = json.loads(BASELINE.read_text())[corpus][view]
    current_fields = scores[corpus][view]
    assert set(current_fields) == set(expected_fields), (
        "the scored fields changed; regenerate the baseline (see this module's docstring)"
    )
    drops = []
    for field, expected in expected_fields.items():
        current = current_fields[field]
        assert current["n"] == expected["n"], (
            f"{field}: {current['n']} items, the baseline has {expected['n']}; regenerate it"
        )
        allowed = tolerance(expected["n"])
        for measure in MEASURES:
            if expected[measure] is None:
                continue
            got = current[measure]
            if got is None or got < expected[measure] - allowed:
                drops.append(
                    f"{corpus} {view} {field} {measure}: {got} < baseline "
                    f"{expected[measure]:.3f} - {allowed} (n = {expected['n']})"
                )
    assert not drops, "scores fell below the baseline:\n" + "\n".join(drops)
