"""The HTML path's entry point: parse each page once with lexbor, read its metadata,
walk its tree into blocks and figures, and find its main content.

``parse_html_pages`` takes one row per page and returns three frames: the page's
metadata (``metadata.precedence.METADATA_SCHEMA``, one row per page), its classified
blocks (one row per text block, with the text path's ``kind``) and its figures (one
row per image). The assembly of the contract tables (``assembly.articles``) joins them
with the text path's output.
"""

from __future__ import annotations

import collections
import itertools
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

import polars as pl
from selectolax.lexbor import LexborHTMLParser

from dateline.transforms.html import content, walk
from dateline.transforms.html.metadata import page, precedence
from dateline.transforms.patterns import stage_thread


@dataclass(frozen=True)
class ParsedHtml:
    meta: pl.DataFrame
    blocks: pl.DataFrame
    # The figures are read on a second thread (see ``parse_html_pages``) and waited for
    # where they are first used, after the other parts of the assembly.
    pending_images: Future[pl.DataFrame]

    @property
    def images(self) -> pl.DataFrame:
        return self.pending_images.result()


def _ready(frame: pl.DataFrame) -> Future[pl.DataFrame]:
    done: Future[pl.DataFrame] = Future()
    done.set_result(frame)
    return done


EMPTY_HTML_BLOCKS = {"doc_id": pl.Int64, "block_no": pl.Int32, "text": pl.String, "kind": pl.String}
EMPTY_HTML_IMAGES = {
    "doc_id": pl.Int64,
    "block_no": pl.Int32,
    "url": pl.String,
    "caption": pl.String,
    "caption_label": pl.String,
    "credit_raw": pl.String,
    "in_head": pl.Boolean,
}


# Pages handed to the parsing thread ahead of the one read and walked.
PAGES_AHEAD = 2


def _parsed_ahead(pages: Iterator[tuple[int, bytes]]) -> Iterator[tuple[int, LexborHTMLParser]]:
    """(doc_id, HTML bytes) in; (doc_id, parsed tree) out, in the same order.

    lexbor lets go of the interpreter lock while it parses: the next pages are parsed on
    a second thread while this one's tree is read and walked. That thread needs the lock
    to start and to end a page, and gets it when this thread waits for a page (sooner
    only after the interpreter's switch interval, 5 ms, more than most pages take to
    read and walk). With one page ahead it would start each page only once this thread
    waited for it, and the parse would not overlap the walk; with two, while this thread
    waits for the one, it ends that page and starts the next. A batch holds
    ``PAGES_AHEAD + 1`` trees at most."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="dateline-lexbor") as pool:
        ahead = collections.deque(
            pool.submit(_parse, row) for row in itertools.islice(pages, PAGES_AHEAD)
        )
        while ahead:
            parsed = ahead.popleft().result()
            ahead.extend(pool.submit(_parse, row) for row in itertools.islice(pages, 1))
            yield parsed


def _parse(row: tuple[int, bytes]) -> tuple[int, LexborHTMLParser]:
    doc_id, html = row
    return doc_id, LexborHTMLParser(html)


def parse_html_pages(html_docs: pl.DataFrame) -> ParsedHtml:
    """One row per HTML document (``doc_id``, ``html``) in; its metadata (one row per page),
    classified blocks and figures out. Each page is parsed once and walked once."""
    if html_docs.is_empty():
        return ParsedHtml(
            pl.DataFrame(schema=precedence.METADATA_SCHEMA),
            pl.DataFrame(schema=EMPTY_HTML_BLOCKS),
            _ready(pl.DataFrame(schema=EMPTY_HTML_IMAGES)),
        )
    records: list[dict] = []
    doc_ids: list[int] = []

    def trees():
        # lexbor parses one page at a time; each tree is dropped once walked, so a
        # batch never holds more than a few (see _parsed_ahead). Metadata is read before
        # the walk strips <script>.
        # Bytes, not str: lexbor decodes UTF-8 itself, faster than Python's str conversion.
        pages = html_docs.select("doc_id", pl.col("html").cast(pl.Binary))
        for doc_id, tree in _parsed_ahead(pages.iter_rows()):
            records.append(page.extract_metadata(tree))
            fragment = page.script_body(tree)
            if fragment and tree.body is not None:
                # The text a script would render joins the page as one more article.
                article = LexborHTMLParser(f"<article>{fragment}</article>").css_first("article")
                tree.body.insert_child(article)
            doc_ids.append(doc_id)
            yield doc_id, tree

    pages = walk.pages_frames(trees())
    # Polars lets go of the interpreter lock while it computes: the metadata is read on a
    # second thread while the blocks are classified, up to the headline, which needs the titles.
    pool = stage_thread("metadata")
    meta = pool.submit(precedence.metadata_frame, records, doc_ids)
    if pages.blocks.is_empty():
        return ParsedHtml(
            meta.result(),
            pl.DataFrame(schema=EMPTY_HTML_BLOCKS),
            _ready(pl.DataFrame(schema=EMPTY_HTML_IMAGES)),
        )
    titles = pool.submit(lambda: meta.result().select("doc_id", "meta_title"))
    blocks = content.classify_html(pages, titles)
    images = stage_thread("figures").submit(content.html_images, blocks, pages.images)
    return ParsedHtml(meta.result(), blocks, images)
