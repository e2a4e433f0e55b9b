"""The last resort for a page's publication date: htmldate's search over the whole page.

Dateline's own sources (declared metadata, <time>, the URL, the printed stamp near the
headline; see ``precedence``) come first. A page none of them dates is handed to
htmldate, which scores every date-like string of the page by where it sits (element
classes, link paths, the copyright line...). It parses the page again with lxml, so it
runs only on the pages still without a date.
"""

from __future__ import annotations

import polars as pl
from htmldate import find_date

# htmldate's fast mode reads markup patterns (element classes, link paths, stamps); its
# extensive mode also counts the dates of the free text. Extensive is not used: it can
# take seconds on a page the fast mode answers in milliseconds (11.9 s on one dragnet
# page, 10.7 s against 37 ms on a readability page) and reads copyright years as
# 1 January. As a fallback on trafilatura-eval: fast 0.840, extensive (after fast)
# 0.859; fundus 0.993 and readability 0.966 either way.
EXTENSIVE_SEARCH = False


def search_published_dates(pages: pl.DataFrame) -> pl.DataFrame:
    """One row per page (``doc_id``, ``html``, ``url``) in; one row per page that htmldate
    dates out (``doc_id``, ``searched_date``: the original publication date, Date).

    Python, once per page. A page htmldate cannot read or date is left out.
    """
    doc_ids: list[int] = []
    found: list[str] = []
    for doc_id, html, url in pages.select("doc_id", "html", "url").iter_rows():
        if not html:
            continue
        try:
            value = find_date(html, extensive_search=EXTENSIVE_SEARCH, original_date=True, url=url)
        except Exception:  # htmldate raises on markup lxml cannot build a tree from
            value = None
        if value:
            doc_ids.append(doc_id)
            found.append(value)
    return pl.DataFrame(
        {"doc_id": doc_ids, "searched_date": found},
        schema={"doc_id": pl.Int64, "searched_date": pl.String},
    ).with_columns(pl.col("searched_date").str.to_date("%Y-%m-%d", strict=False))
