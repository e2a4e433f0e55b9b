"""benchmarks/compare_peers.py: trafilatura's output read as predictions, and a smoke run
whose printed verdicts agree with its own figures."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT

pytest.importorskip("trafilatura", reason="the bench extra (trafilatura) is not installed")

SCRIPT = REPO_ROOT / "benchmarks" / "compare_peers.py"


def _load_script():
    spec = importlib.util.spec_from_file_location("compare_peers", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    # Its dataclasses look their module up in sys.modules while the module runs.
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


compare_peers = _load_script()

PAGE = """<html lang="en"><head><title>Harbour reopens after the storm</title>
<meta name="author" content="Ana Gómez and Luis Pérez">
<meta name="keywords" content="harbour, storm, ferries">
<meta property="article:published_time" content="2024-03-04T09:30:00+01:00">
</head><body><article><h1>Harbour reopens after the storm</h1>
<p>The harbour reopened on Monday after three days of repairs to the outer wall, the port
authority said in a statement on its website.</p>
<p>Fishing boats returned to their moorings by noon, and the ferry service to the islands
will resume on Tuesday morning, weather permitting.</p>
<p>Engineers will inspect the lighthouse pier again next week before it opens to walkers.</p>
</article></body></html>"""


def test_trafilatura_output_as_a_prediction():
    prediction = compare_peers.trafilatura_prediction(PAGE)
    assert prediction.title == "Harbour reopens after the storm"
    # trafilatura splits the byline on 'and' and joins names with '; '.
    assert prediction.authors == ["Ana Gómez", "Luis Pérez"]
    # The keywords meta arrives as one comma-joined string.
    assert prediction.topics == ["harbour", "storm", "ferries"]
    assert prediction.published == "2024-03-04"
    # Its text keeps the headline of the article element.
    assert prediction.body.startswith("Harbour reopens after the storm\nThe harbour reopened")
    assert "lighthouse pier" in prediction.body
    assert prediction.images == []


def test_a_page_trafilatura_gives_up_on_predicts_nothing():
    assert compare_peers.trafilatura_prediction("<html><body></body></html>") is None


@pytest.mark.parametrize(
    ("dateline", "peer", "expected"),
    [
        (0.9, 0.8, "Dateline"),
        (0.8, 0.9, "trafilatura"),
        (0.9001, 0.9004, "="),
        (None, 0.5, ""),
    ],
)
def test_higher(dateline, peer, expected):
    assert compare_peers.higher(dateline, peer) == expected


@pytest.mark.slow
@pytest.mark.corpus
def test_smoke_run_on_three_fundus_pages(fundus_dir: Path, tmp_path: Path):
    out = tmp_path / "peers.json"
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--corpus", str(fundus_dir), "--limit", "3"]
        + ["--out", str(out)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("fundus: 3 HTML pages (trafilatura gave up on 0, ")
    rows = {tuple(line.split()[:2]): line.split() for line in lines[4:] if line.strip()}
    names = compare_peers.evaluation.MEASURE_NAMES
    expected = [(field, names[measure]) for field, measure in compare_peers.compared_rows()]
    assert list(rows) == expected
    results = json.loads(out.read_text())["corpora"]["fundus"]
    assert results["pages"] == 3
    for field, measure in compare_peers.compared_rows():
        row = rows[(field, names[measure])]
        dateline = results["Dateline"][field][measure]
        peer = results["trafilatura"][field][measure]
        assert row[3:5] == [f"{dateline:.3f}", f"{peer:.3f}"], field
        assert row[5:] == [compare_peers.higher(dateline, peer)] or (
            row[5:] == [] and compare_peers.higher(dateline, peer) == ""
        ), field
        assert results["Dateline"][field]["n"] == results["trafilatura"][field]["n"] == int(row[2])


def test_without_metadata_keeps_what_the_page_prints():
    page = (
        '<html><head><meta charset="utf-8"><meta property="og:title" content="Declared">'
        '<meta http-equiv="content-type" content="text/html; charset=utf-8">'
        '<script type="application/ld+json">{"headline": "Declared"}</script>'
        "<title>Printed title</title></head><body>"
        '<article itemscope itemtype="https://schema.org/NewsArticle">'
        '<h1 itemprop="headline">Printed</h1><p>Body text.</p></article></body></html>'
    )
    stripped = compare_peers.without_metadata(page)
    assert "Declared" not in stripped
    assert "itemprop" not in stripped and "itemscope" not in stripped
    assert '<meta charset="utf-8">' in stripped and "http-equiv" in stripped
    for printed in ("<title>Printed title</title>", "<h1>Printed</h1>", "<p>Body text.</p>"):
        assert printed in stripped


@pytest.mark.slow
def test_smoke_run_without_metadata(fundus_dir: Path, tmp_path: Path):
    out = tmp_path / "peers.json"
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--corpus", str(fundus_dir), "--limit", "2"]
        + ["--without-metadata", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    payload = json.loads(out.read_text())
    assert payload["without_metadata"] is True
    assert payload["corpora"]["fundus"]["pages"] == 2
