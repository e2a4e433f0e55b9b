"""Field scores of Dateline and trafilatura on the same HTML pages of the gold corpora.

    python benchmarks/compare_peers.py [--corpus DIR ...] [--limit N]
        [--dateline-scores FILE] [--without-metadata] [--out FILE]

For each corpus (default: the four sets under ``../shared/corpus``) trafilatura
(``bare_extraction`` with metadata, otherwise its default settings; the ``bench``
extra) extracts every ``<group>/<id>.html.gz`` page, and its output is scored by
``evaluation.score``, the code of ``dateline eval``:

* title: ``title``; published: ``date`` (a bare date, so the published line compares
  calendar dates); body: ``text`` (comments are apart, in ``comments``);
* authors: ``author`` split on ';', trafilatura's separator (it has already split
  bylines on commas, '/', '&' and 'and'/'und' itself);
* topics: ``tags``, each split on ',' (trafilatura keeps a page's keywords meta as one
  comma-joined string). Its ``categories`` (sections) are not topics: adding them lowers
  fundus topics F1 from 0.690 to 0.651.

trafilatura extracts no image captions or credits, so those fields are compared only
where noted. Dateline's scores come from a real ingest of the same pages
(``evaluation.ingest_and_score``: ``run_ingest`` into a temporary DuckDB, with the
``DATELINE_*`` settings) or, with ``--dateline-scores``, from the JSON that
``dateline eval --scores`` wrote (its ``html`` view). Prints both side by side per corpus
and field, the higher one named, then the mean over the corpora; ``--out`` writes both
as JSON.

``--without-metadata`` scores both on copies of the pages without what a page declares
for machines (``<meta>`` tags but its charset, JSON-LD, microdata attributes), as older
pages and many small sites are: titles, dates and authors must then come from what the
page prints.
"""

from __future__ import annotations

import argparse
import dataclasses
import gzip
import json
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

import trafilatura

from dateline.flows import evaluation
from dateline.flows.cli import quiet_prefect
from dateline.flows.settings import load_settings

CORPUS_ROOT = Path(__file__).resolve().parents[2] / "shared" / "corpus"
DEFAULT_CORPORA = ("fundus", "readability", "trafilatura-eval", "dragnet")
VIEW = "html"
# Fields both extractors produce; trafilatura has no captions or image credits.
COMPARED_FIELDS = ("title", "authors", "published", "topics", "body", "body_shingles")
EXTRACTORS = ("Dateline", "trafilatura")


@dataclasses.dataclass
class PeerRun:
    predictions: dict[str, evaluation.Prediction]
    failures: int
    seconds: float


def read_page(path: Path) -> str:
    return gzip.decompress(path.read_bytes()).decode("utf-8", errors="replace")


# What --without-metadata removes: <meta> but charset and http-equiv, JSON-LD, microdata.
META_TAG = re.compile(r"<meta\b(?![^>]*\b(?:charset|http-equiv)\b)[^>]*>", re.IGNORECASE)
JSON_LD = re.compile(
    r"<script[^>]*application/ld\+json[^>]*>.*?</script>", re.IGNORECASE | re.DOTALL
)
MICRODATA = re.compile(
    r"\s(?:itemprop|itemscope|itemtype)(?:=(?:\"[^\"]*\"|'[^']*'|[^\s>]+))?", re.IGNORECASE
)


def without_metadata(html: str) -> str:
    """The page without its declared metadata: what a page prints stays."""
    return MICRODATA.sub("", META_TAG.sub("", JSON_LD.sub("", html)))


def copy_without_metadata(corpus: evaluation.Corpus, root: Path) -> Path:
    """A copy of the corpus folder under ``root``: gold files and manifest as they are,
    HTML pages without their declared metadata."""
    target = root / corpus.name
    target.mkdir(parents=True)
    manifest = corpus.path / evaluation.MANIFEST_NAME
    if manifest.is_file():
        shutil.copy(manifest, target / manifest.name)
    for gold_id in corpus.gold:
        folder = (target / gold_id).parent
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copy(corpus.path / f"{gold_id}{evaluation.GOLD_SUFFIX}", folder)
    for uri, gold_id in corpus.files[VIEW].items():
        page = without_metadata(read_page(Path(uri)))
        (target / f"{gold_id}{evaluation.VIEW_SUFFIXES[VIEW]}").write_bytes(
            gzip.compress(page.encode("utf-8"), mtime=0)
        )
    return target


def trafilatura_prediction(html: str) -> evaluation.Prediction | None:
    """trafilatura's extraction of one page as a Prediction; None when it gives up."""
    document = trafilatura.bare_extraction(html, with_metadata=True)
    if document is None:
        return None
    authors = [name.strip() for name in (document.author or "").split(";")]
    topics = [tag.strip() for tags in document.tags or [] for tag in tags.split(",")]
    return evaluation.Prediction(
        title=document.title,
        authors=[name for name in authors if name],
        published=document.date,
        topics=[tag for tag in topics if tag],
        body=document.text,
    )


def run_trafilatura(corpus: evaluation.Corpus) -> PeerRun:
    """trafilatura on every HTML page of the corpus; a page it fails on predicts nothing."""
    predictions: dict[str, evaluation.Prediction] = {}
    failures = 0
    started = time.perf_counter()
    for uri, gold_id in corpus.files[VIEW].items():
        try:
            prediction = trafilatura_prediction(read_page(Path(uri)))
        except Exception as error:
            # One page trafilatura cannot handle must not end the benchmark.
            print(f"  trafilatura failed on {gold_id}: {error!r}", file=sys.stderr)
            prediction = None
        if prediction is None:
            failures += 1
        else:
            predictions[gold_id] = prediction
    return PeerRun(predictions, failures, time.perf_counter() - started)


def first_pages(corpus: evaluation.Corpus, limit: int | None) -> evaluation.Corpus:
    """The corpus cut to its first ``limit`` HTML pages (by gold id), gold included."""
    files = dict(sorted(corpus.files[VIEW].items(), key=lambda item: item[1])[:limit])
    gold = {gold_id: corpus.gold[gold_id] for gold_id in files.values()}
    return dataclasses.replace(corpus, gold=gold, files={VIEW: files})


def dateline_scores(
    corpora: list[evaluation.Corpus], scores_file: Path | None
) -> dict[str, dict[str, dict]]:
    """Dateline's field scores (as ``evaluation.scores_json`` writes them) per corpus."""
    if scores_file is not None:
        saved = json.loads(scores_file.read_text())
        missing = [c.name for c in corpora if VIEW not in saved.get(c.name, {})]
        if missing:
            raise SystemExit(f"{scores_file} has no {VIEW} scores of {', '.join(missing)}")
        return {corpus.name: saved[corpus.name][VIEW] for corpus in corpora}
    quiet_prefect()
    summary, reports = evaluation.ingest_and_score(corpora, load_settings())
    print(
        f"Dateline: ingested {sum(len(c.sources) for c in corpora)} pages in "
        f"{summary.seconds:.0f} s, {summary.rejects} rejects",
        file=sys.stderr,
    )
    return {
        name: evaluation.scores_json({name: views})[name][VIEW] for name, views in reports.items()
    }


def higher(dateline: float | None, peer: float | None) -> str:
    if dateline is None or peer is None:
        return ""
    dateline, peer = round(dateline, 3), round(peer, 3)
    return "=" if dateline == peer else EXTRACTORS[dateline < peer]


def format_comparison(name: str, n_pages: int, both: dict[str, dict], run: PeerRun) -> str:
    lines = [
        f"{name}: {n_pages} HTML pages (trafilatura gave up on {run.failures}, "
        f"{run.seconds:.0f} s)",
        "",
        f"{'field':<15}{'measure':<9}{'n':>6}{'Dateline':>10}{'trafilatura':>13}  higher",
        "-" * 61,
    ]
    for field, measure in compared_rows():
        if field not in both["Dateline"]:
            continue
        values = [(both[extractor].get(field) or {}).get(measure) for extractor in EXTRACTORS]
        lines.append(
            f"{field:<15}{evaluation.MEASURE_NAMES[measure]:<9}"
            f"{both['Dateline'][field]['n']:>6}"
            f"{evaluation.format_ratio(values[0]):>10}{evaluation.format_ratio(values[1]):>13}"
            f"  {higher(*values)}"
        )
    return "\n".join(lines) + "\n"


def compared_rows() -> list[tuple[str, str]]:
    """(field, measure) per printed row: each field's headline measure, and title exact,
    the measure of the benchmarks that annotate titles."""
    rows = [(field, evaluation.HEADLINE_MEASURES[field]) for field in COMPARED_FIELDS]
    rows.insert(1, ("title", "exact"))
    return rows


def format_means(results: dict[str, dict]) -> str:
    lines = [
        "Mean over the corpora that annotate each field",
        "",
        f"{'field':<15}{'measure':<9}{'sets':>6}{'Dateline':>10}{'trafilatura':>13}  higher",
        "-" * 61,
    ]
    for field, measure in compared_rows():
        annotated = [r for r in results.values() if field in r["Dateline"]]
        if not annotated:
            continue
        means = []
        for extractor in EXTRACTORS:
            values = [(r[extractor].get(field) or {}).get(measure) for r in annotated]
            defined = [v for v in values if v is not None]
            means.append(sum(defined) / len(defined) if defined else None)
        lines.append(
            f"{field:<15}{evaluation.MEASURE_NAMES[measure]:<9}"
            f"{len(annotated):>6}"
            f"{evaluation.format_ratio(means[0]):>10}{evaluation.format_ratio(means[1]):>13}"
            f"  {higher(*means)}"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--corpus",
        type=Path,
        nargs="+",
        metavar="DIR",
        default=[CORPUS_ROOT / name for name in DEFAULT_CORPORA],
        help="gold corpus folders (default: the four sets under ../shared/corpus)",
    )
    parser.add_argument("--limit", type=int, metavar="N", help="only the first N pages of each")
    parser.add_argument(
        "--dateline-scores",
        type=Path,
        metavar="FILE",
        help="Dateline's scores from `dateline eval --scores FILE` instead of a new ingest",
    )
    parser.add_argument(
        "--without-metadata",
        action="store_true",
        help="score both on the pages without their meta tags, JSON-LD and microdata",
    )
    parser.add_argument("--out", type=Path, metavar="FILE", help="write both scores as JSON")
    args = parser.parse_args(argv)
    if args.without_metadata and args.dateline_scores is not None:
        parser.error("--dateline-scores were made on the pages as they are: drop one option")
    if args.limit is not None and args.limit < 1:
        parser.error("--limit must be 1 or more")
    if args.limit is not None and args.dateline_scores is not None:
        parser.error("--dateline-scores holds whole corpora: it cannot be used with --limit")
    try:
        corpora = [
            first_pages(corpus, args.limit)
            for corpus in evaluation.load_corpora(args.corpus, [VIEW])
        ]
    except evaluation.CorpusError as error:
        parser.error(str(error))
    with tempfile.TemporaryDirectory(prefix="dateline-peers-") as scratch:
        if args.without_metadata:
            copies = [copy_without_metadata(corpus, Path(scratch)) for corpus in corpora]
            corpora = [evaluation.load_corpus(path, [VIEW]) for path in copies]
        return compare(corpora, args)


def compare(corpora: list[evaluation.Corpus], args: argparse.Namespace) -> int:
    ours = dateline_scores(corpora, args.dateline_scores)
    results: dict[str, dict] = {}
    for corpus in corpora:
        run = run_trafilatura(corpus)
        peer = evaluation.scores_json(
            {corpus.name: {VIEW: evaluation.score(corpus.gold, run.predictions)}}
        )
        results[corpus.name] = {
            "pages": len(corpus.gold),
            "Dateline": ours[corpus.name],
            "trafilatura": peer[corpus.name][VIEW],
            "trafilatura_gave_up": run.failures,
            "trafilatura_seconds": round(run.seconds, 1),
        }
        print(format_comparison(corpus.name, len(corpus.gold), results[corpus.name], run))
    if len(results) > 1:
        print(format_means(results))
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        payload = {
            "trafilatura_version": trafilatura.__version__,
            "view": VIEW,
            "without_metadata": args.without_metadata,
            "corpora": results,
        }
        args.out.write_text(json.dumps(payload, indent=2, sort_keys=True) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
