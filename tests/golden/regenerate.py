"""Write the golden outputs: what the extraction makes of a fixed sample of gold-corpus pages.

    python -m tests.golden.regenerate      # from the repository root; rewrites every file

The sample: in each corpus set's ``manifest.csv`` (rows sorted by id), every ``SAMPLE_STEP``-th
page starting with the first, 40 pages in all, read in the views of ``SAMPLE_VIEWS`` (fundus
pages both as HTML and as their text dump). The pages of one set in one view go through
``build_article_tables`` together, as an ingest batch (no DuckDB, no Prefect), with a fixed
run stamp; each page's rows become one JSON file, ``tests/golden/<set>/<id>.<view>.json``,
holding what a reviewer reads in a diff: the article's fields, then its paragraphs,
authors, images with their credits, tags and related links, one line per row. The corpus
pages themselves stay outside the repository (``DATELINE_CORPUS_DIR`` or ``../shared/corpus``).

Never edit a golden file by hand: change the extraction, run this module, and review the diff.
"""

from __future__ import annotations

import csv
import functools
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import polars as pl

from dateline.flows import sources
from dateline.flows.settings import Settings
from dateline.transforms.assembly.articles import ArticleTables, build_article_tables
from tests.conftest import CORPUS_DIR

GOLDEN_DIR = Path(__file__).resolve().parent
# Every N-th manifest row of each set: about ten pages per set, spread over its sites.
SAMPLE_STEP = {"fundus": 15, "readability": 10, "trafilatura-eval": 85, "dragnet": 138}
SAMPLE_VIEWS = {
    "fundus": ("html", "txt"),
    "readability": ("html",),
    "trafilatura-eval": ("html",),
    "dragnet": ("html",),
}
VIEW_SUFFIX = {"html": ".html.gz", "txt": ".txt"}
# A fixed stamp: nothing in the output may depend on when it was made.
RUN_ID = "golden"
INGESTED_AT = datetime(2026, 1, 1, tzinfo=UTC)
# Columns that name the page's location or the run, not what was extracted from it.
UNSHOWN_ARTICLE_COLUMNS = {"article_id", "source_uri", "content_hash", "ingested_at", "run_id"}
# body_text is the paragraphs joined: they are shown one a line instead.
UNSHOWN_ARTICLE_COLUMNS.add("body_text")
# Row keys of the child tables: the list order shows the position.
UNSHOWN_CHILD_COLUMNS = {"article_id", "position", "image_position"}


@dataclass(frozen=True)
class GoldenPage:
    """One sampled page in one view, and where its golden output lives."""

    corpus_set: str
    page_id: str
    view: str

    @property
    def name(self) -> str:
        return f"{self.corpus_set}/{self.page_id}.{self.view}"

    @property
    def source(self) -> Path:
        return CORPUS_DIR / self.corpus_set / f"{self.page_id}{VIEW_SUFFIX[self.view]}"

    @property
    def uri(self) -> str:
        """The source as the golden outputs name it: relative to the corpus folder."""
        return f"{self.corpus_set}/{self.page_id}{VIEW_SUFFIX[self.view]}"

    @property
    def golden_path(self) -> Path:
        return GOLDEN_DIR / f"{self.name}.json"


def sampled_pages(corpus_set: str) -> list[GoldenPage]:
    """The sample of one set, read from its manifest (which must exist)."""
    with (CORPUS_DIR / corpus_set / "manifest.csv").open(encoding="utf-8", newline="") as file:
        page_ids = sorted(row["id"] for row in csv.DictReader(file))
    return [
        GoldenPage(corpus_set, page_id, view)
        for page_id in page_ids[:: SAMPLE_STEP[corpus_set]]
        for view in SAMPLE_VIEWS[corpus_set]
    ]


def golden_files() -> list[Path]:
    """Every golden file in the repository, sorted."""
    return sorted(GOLDEN_DIR.rglob("*.json"))


def page_of(golden_path: Path) -> GoldenPage:
    """The sampled page a golden file was written for."""
    corpus_set, rest = golden_path.relative_to(GOLDEN_DIR).as_posix().split("/", 1)
    page_id, view, _json = rest.rsplit(".", 2)
    return GoldenPage(corpus_set, page_id, view)


def extract(pages: list[GoldenPage]) -> ArticleTables:
    """The pages through the extraction in one batch, as an ingest reads them; each source
    is named relative to the corpus (``GoldenPage.uri``), so nothing depends on where the
    corpus lies. Files that cannot be read become rejects, as in an ingest."""
    defaults = Settings()
    records, rejects = [], []
    for page in pages:
        read = sources.read_source(page.source, defaults.max_source_bytes)
        records += [{**r, "source_uri": page.uri, "source_path": page.uri} for r in read.records]
        rejects += [
            {"source_uri": page.uri, "reason": r.reason, "detail": r.detail} for r in read.rejects
        ]
    tables = build_article_tables(
        sources.records_frame(records),
        run_id=RUN_ID,
        ingested_at=INGESTED_AT,
        max_line_chars=defaults.max_line_chars,
    )
    read_rejects = pl.DataFrame(rejects, schema=tables.rejects.schema)
    return ArticleTables(
        **{**tables.__dict__, "rejects": pl.concat([read_rejects, tables.rejects])}
    )


def _plain(value: object) -> object:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _rows(frame: pl.DataFrame, article_id: str) -> list[dict]:
    """One article's rows of a child table, in position order, without their keys."""
    if "position" in frame.columns:
        frame = frame.sort("position")
    shown = [c for c in frame.columns if c not in UNSHOWN_CHILD_COLUMNS]
    return [
        {column: _plain(value) for column, value in row.items()}
        for row in frame.filter(pl.col("article_id") == article_id).select(shown).to_dicts()
    ]


def golden_record(tables: ArticleTables, uri: str) -> dict:
    """What a reviewer reads of the source ``uri``: each of its articles' fields and child
    rows, and its rejects."""
    articles = []
    for article in tables.articles.filter(pl.col("source_uri") == uri).to_dicts():
        article_id = article["article_id"]
        images = []
        for image in (
            tables.article_images.filter(pl.col("article_id") == article_id)
            .sort("position")
            .to_dicts()
        ):
            credits = tables.image_credits.filter(
                (pl.col("article_id") == article_id)
                & (pl.col("image_position") == image["position"])
            )
            shown = {k: _plain(v) for k, v in image.items() if k not in UNSHOWN_CHILD_COLUMNS}
            images.append({**shown, "credits": _rows(credits, article_id)})
        articles.append(
            {
                **{k: _plain(v) for k, v in article.items() if k not in UNSHOWN_ARTICLE_COLUMNS},
                "paragraphs": _rows(tables.article_paragraphs, article_id),
                "authors": _rows(tables.article_authors, article_id),
                "images": images,
                "tags": _rows(tables.article_tags, article_id),
                "related_links": _rows(tables.related_links, article_id),
            }
        )
    rejects = tables.rejects.filter(pl.col("source_uri") == uri).select("reason", "detail")
    rejects = rejects.to_dicts()
    return {"articles": articles, "rejects": rejects}


def render(value: object, indent: str = "") -> str:
    """JSON with one line per row: a dict or list that holds only scalars is printed on one
    line, anything larger is spread over lines, so a diff shows the rows that changed."""
    inner = indent + "  "
    if isinstance(value, dict) and any(isinstance(v, dict | list) for v in value.values()):
        items = [f"{inner}{json.dumps(k)}: {render(v, inner)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + f"\n{indent}}}"
    if isinstance(value, list) and any(isinstance(v, dict | list) for v in value):
        items = [f"{inner}{render(v, inner)}" for v in value]
        return "[\n" + ",\n".join(items) + f"\n{indent}]"
    return json.dumps(value, ensure_ascii=False)


@functools.cache
def golden_texts(corpus_set: str, view: str) -> dict[str, str]:
    """The golden file text of each sampled page of one set in one view, by page name;
    the pages are extracted together, once per process."""
    pages = [page for page in sampled_pages(corpus_set) if page.view == view]
    tables = extract(pages)
    return {
        page.name: render({"page": page.name, **golden_record(tables, page.uri)}) + "\n"
        for page in pages
    }


def all_sampled_pages() -> Iterator[GoldenPage]:
    for corpus_set in SAMPLE_STEP:
        yield from sampled_pages(corpus_set)


def main() -> int:
    missing = [s for s in SAMPLE_STEP if not (CORPUS_DIR / s / "manifest.csv").exists()]
    if missing:
        print(f"corpus sets not found under {CORPUS_DIR}: {', '.join(missing)}", file=sys.stderr)
        return 2
    pages = list(all_sampled_pages())
    wanted = {page.golden_path for page in pages}
    for stale in set(golden_files()) - wanted:
        stale.unlink()
    changed = 0
    for page in pages:
        text = golden_texts(page.corpus_set, page.view)[page.name]
        page.golden_path.parent.mkdir(parents=True, exist_ok=True)
        if not page.golden_path.exists() or page.golden_path.read_text(encoding="utf-8") != text:
            page.golden_path.write_text(text, encoding="utf-8")
            changed += 1
    print(f"{len(pages)} golden files under {GOLDEN_DIR}, {changed} rewritten")
    return 0


if __name__ == "__main__":
    sys.exit(main())
