"""Extraction never depends on a row order that Polars does not promise.

A join, a ``group_by`` aggregation or a ``unique()`` returns its rows in any order unless it
is asked to keep one: Polars documents that the order "might differ across Polars versions
or even between different runs", and on large batches it does. A step that reads rows in
order (``shift``, ``first``, a running position) must therefore ask for one. Here each such
result comes back shuffled, and the golden sample must still extract to its files.
"""

from __future__ import annotations

import itertools

import polars as pl
import pytest
from polars.dataframe.group_by import GroupBy

from tests.conftest import CORPUS_DIR
from tests.golden.regenerate import SAMPLE_VIEWS, extract, golden_record, render, sampled_pages

pytestmark = pytest.mark.corpus

CASES = [(corpus_set, view) for corpus_set, views in SAMPLE_VIEWS.items() for view in views]


@pytest.fixture
def unpromised_order_shuffled(monkeypatch: pytest.MonkeyPatch) -> None:
    """Shuffle every join, aggregation and unique() result whose order was not asked for."""
    seeds = itertools.count(1)

    def shuffled(frame: pl.DataFrame) -> pl.DataFrame:
        if frame.height < 2:
            return frame
        return frame.sample(fraction=1.0, shuffle=True, seed=next(seeds))

    join, agg, unique = pl.DataFrame.join, GroupBy.agg, pl.DataFrame.unique

    def any_order_join(self: pl.DataFrame, *args: object, **kwargs: object) -> pl.DataFrame:
        result = join(self, *args, **kwargs)
        return shuffled(result) if kwargs.get("maintain_order") in (None, "none") else result

    def any_order_agg(self: GroupBy, *args: object, **kwargs: object) -> pl.DataFrame:
        result = agg(self, *args, **kwargs)
        return result if self.maintain_order else shuffled(result)

    def any_order_unique(self: pl.DataFrame, *args: object, **kwargs: object) -> pl.DataFrame:
        result = unique(self, *args, **kwargs)
        return result if kwargs.get("maintain_order") else shuffled(result)

    monkeypatch.setattr(pl.DataFrame, "join", any_order_join)
    monkeypatch.setattr(GroupBy, "agg", any_order_agg)
    monkeypatch.setattr(pl.DataFrame, "unique", any_order_unique)


@pytest.mark.parametrize(("corpus_set", "view"), CASES, ids=[f"{s}-{v}" for s, v in CASES])
@pytest.mark.usefixtures("unpromised_order_shuffled")
def test_golden_sample_extracts_the_same_in_any_row_order(corpus_set: str, view: str) -> None:
    if not (CORPUS_DIR / corpus_set).is_dir():
        pytest.skip(f"gold corpus set {corpus_set} not found under {CORPUS_DIR}")
    pages = [page for page in sampled_pages(corpus_set) if page.view == view]
    tables = extract(pages)
    changed = [
        page.name
        for page in pages
        if render({"page": page.name, **golden_record(tables, page.uri)}) + "\n"
        != page.golden_path.read_text(encoding="utf-8")
    ]
    assert not changed, f"extracted otherwise when Polars returned rows in another order: {changed}"
