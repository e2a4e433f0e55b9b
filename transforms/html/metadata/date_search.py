"""The last resort for a page's publication date: htmldate's search over the whole page.

Dateline's own sources (declared metadata, <time>, the URL, the printed stamp near the
headline; see ``precedence``) come first. A page none of them dates is searched for a
publication date its inline scripts state (a data layer's ``datePublish: '2022-05-04'``,
a page state's ``"publicationDate": "..."``), then handed to htmldate, which scores every
date-like string of the page by where it sits (element classes, link paths, the copyright
line...). It parses the page again with lxml, so it runs only on the pages still without
a date.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import polars as pl
from htmldate import extractors as htmldate_extractors
from htmldate import find_date

from dateline.transforms.html.metadata.structured import LEXICON
from dateline.transforms.patterns import literal_alternation

# htmldate's fast mode reads markup patterns (element classes, link paths, stamps); its
# extensive mode also reads the dates of the free text. Extensive runs only where fast
# finds nothing, on the page without scripts and styles, and without htmldate's last
# resort, dateparser: with every locale tried on every candidate string it took up to 5 s
# a page (0.25 s a string), and added one trafilatura-eval date of 724. On the 231 corpus
# pages fast mode leaves undated, extensive without it takes 6.4 s in all, 0.23 s at most.
# trafilatura-eval published date: fast alone 0.854, then extensive 0.870 (0.872 with
# dateparser); fundus 0.993 and readability 0.966 either way.
EXTENSIVE_SEARCH = True
# Scripts and styles hold no date a reader sees, and most of a slow page's bytes.
SCRIPT_OR_STYLE = re.compile(r"<(script|style)\b[^>]*>.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
MAX_SEARCHED_CHARS = 300_000
YEAR_ONLY_SUFFIX = "-01-01"

# An inline script's key naming the publication date, then its quoted year-first value:
# "datePublish: '2022-05-04'", '"publicationDate":"2023-11-08T16:43:30-06:00"'. The first
# in the page is the article's (a data layer precedes the lists a page state may hold).
SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL)
JSON_LD_TYPE = "ld+json"
# A key's separator is followed by the quoted date: "'2022-05-04'".
QUOTED_DATE = r"""\s*["'](\d{4}-\d{2}-\d{2})(?![\d])"""
SCRIPT_PUBLISHED_DATE = re.compile(
    r"""\b(?:"""
    + literal_alternation(LEXICON["script_published_keys"])
    + r""")["']?\s*[:=]"""
    + QUOTED_DATE,
    re.IGNORECASE,
)

# Failing those, a quoted key that is only "date" ("'date' : '2023-10-31'" in a data layer).
SCRIPT_BARE_DATE = re.compile(r"""["']date["']\s*:""" + QUOTED_DATE, re.IGNORECASE)


# What both script patterns end with: a key's separator, then a quoted year-first date. A
# script without one holds no match of either; the cheap search screens the scripts.
SCRIPT_DATE_VALUE = re.compile(r"[:=]" + QUOTED_DATE)


class _NoDate:
    """A stand-in for htmldate's dateparser: it reads no date."""

    def get_date_data(self, _text: str) -> dict:
        return {"date_obj": None}


@contextmanager
def _without_dateparser() -> Iterator[None]:
    """htmldate's extensive search without its dateparser fallback, for one call; the
    library is left as it was after (other users in the process, trafilatura in the peer
    benchmark, keep theirs)."""
    saved = htmldate_extractors.get_external_parser
    htmldate_extractors.get_external_parser = _NoDate
    try:
        yield
    finally:
        htmldate_extractors.get_external_parser = saved


def _free_text_markup(html: str) -> str:
    """The page without scripts and styles, cut to MAX_SEARCHED_CHARS: what the extensive
    search reads."""
    return SCRIPT_OR_STYLE.sub("", html)[:MAX_SEARCHED_CHARS]


def _script_date(html: str) -> str | None:
    """The publication date (``YYYY-MM-DD`` as written) the first inline script outside
    JSON-LD states under a publication key, else under a bare "date" key; None when none
    does."""
    scripts = [
        match.group(2)
        for match in SCRIPT.finditer(html)
        if JSON_LD_TYPE not in match.group(1).lower()
    ]
    scripts = [script for script in scripts if SCRIPT_DATE_VALUE.search(script)]
    for pattern in (SCRIPT_PUBLISHED_DATE, SCRIPT_BARE_DATE):
        for script in scripts:
            found = pattern.search(script)
            if found:
                return found.group(1)
    return None


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
            value = _script_date(html)
            if not value:
                value = find_date(html, extensive_search=False, original_date=True, url=url)
            if not value and EXTENSIVE_SEARCH:
                with _without_dateparser():
                    value = find_date(
                        _free_text_markup(html), extensive_search=True, original_date=True, url=url
                    )
                # A bare year (a copyright line) comes back as its 1 January: no date.
                if value and value.endswith(YEAR_ONLY_SUFFIX):
                    value = None
        except Exception:  # htmldate raises on markup lxml cannot build a tree from
            value = None
        if value:
            doc_ids.append(doc_id)
            found.append(value)
    return pl.DataFrame(
        {"doc_id": doc_ids, "searched_date": found},
        schema={"doc_id": pl.Int64, "searched_date": pl.String},
    ).with_columns(pl.col("searched_date").str.to_date("%Y-%m-%d", strict=False))
