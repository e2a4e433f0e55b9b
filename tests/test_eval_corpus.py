"""Regression gate: `dateline eval` on the gold corpus may not fall below the baseline.

The baseline is `tests/baselines/eval_scores.json`, written by
`dateline eval ../shared/corpus/fundus --scores tests/baselines/eval_scores.json`
(both views: `html` and `txt`);
raise it (by regenerating) whenever extraction improves.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dateline.flows.cli import main

BASELINE = Path(__file__).resolve().parent / "baselines" / "eval_scores.json"
# A field may drop by at most this much before the gate fails.
TOLERANCE = 0.02
MEASURES = ("precision", "recall", "f1", "exact", "date")


@pytest.mark.corpus
def test_eval_scores_hold_the_baseline(fundus_dir: Path, tmp_path: Path, capsys) -> None:
    scores_path = tmp_path / "scores.json"
    assert (
        main(
            [
                "eval",
                str(fundus_dir),
                "--db",
                str(tmp_path / "eval.duckdb"),
                "--scores",
                str(scores_path),
            ]
        )
        == 0
    )
    report = capsys.readouterr().out
    print(report)
    assert "data tests: all passed" in report
    baseline = json.loads(BASELINE.read_text())
    current = json.loads(scores_path.read_text())
    drops = []
    for kind, fields in baseline.items():
        for field, measures in fields.items():
            for measure in MEASURES:
                expected = measures.get(measure)
                if expected is None:
                    continue
                got = current[kind][field][measure]
                if got is None or got < expected - TOLERANCE:
                    drops.append(f"{kind} {field} {measure}: {got} < baseline {expected:.3f}")
    assert not drops, "scores fell below the baseline:\n" + "\n".join(drops)
