"""Web archives (WARC, ARC) as sources: each HTML ``response`` with status 200 is one
record; every other record is counted by kind; a truncated record is a reject; the
pages land as the same articles as the same pages saved as ``.html`` files."""

from __future__ import annotations

import gzip
import io
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from dateline.flows import sources
from dateline.flows.ingest import cut_batches, run_ingest
from dateline.flows.settings import Settings
from tests.conftest import corpus_or_skip

LIMIT = 4_000_000
ARTICLE_COLUMNS = "article_id, title, body_text"
# Records besides the pages, each with the kind it is counted under when skipped.
OTHER_RECORDS = {
    "warcinfo": 1,
    "request": 1,
    "metadata": 1,
    "revisit": 1,
    "not_html": 1,
    "status_404": 1,
}
# Synthetic pages: always present, unlike the gold corpus.
PARAGRAPHS = (
    "The harbour authority approved the new ferry timetable on Monday after months of talks "
    "with the island councils and the operators of the three routes.",
    "Under the plan, the first crossing leaves at six in the morning and the last one returns "
    "shortly before midnight, with more sailings on summer weekends.",
    "Residents said the change would let commuters reach the mainland before work, while "
    "shopkeepers hoped that day visitors would stay longer on the islands.",
)


@dataclass(frozen=True)
class Page:
    url: str
    html: bytes
    charset: str = "utf-8"


def synthetic_pages() -> list[Page]:
    pages = []
    for number, headline in enumerate(
        ("Ferries sail earlier from May", "Ferry fares stay the same", "Ñandú spotted near pier")
    ):
        url = f"https://news.example.org/2024/05/0{number + 1}/story-{number}"
        body = "".join(f"<p>{p} ({headline}.)</p>" for p in PARAGRAPHS)
        html = (
            f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{headline}</title>'
            f'<link rel="canonical" href="{url}"></head><body><article><h1>{headline}</h1>'
            f"{body}</article></body></html>"
        )
        pages.append(Page(url, html.encode("utf-8")))
    # A page in Latin-1 whose HTTP header says so and whose own meta claims UTF-8: the
    # header wins, as browsers do.
    latin = pages[2]
    pages[2] = Page(latin.url, latin.html.decode("utf-8").encode("latin-1"), "iso-8859-1")
    return pages


def _http(status: str, content_type: str) -> StatusAndHeaders:
    return StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")


def write_warc(path: Path, pages: list[Page], *, gzipped: bool, truncate: bool = True) -> None:
    """A crawler's WARC: warcinfo, then per page a request and its response; then one record
    of each other kind, and a page whose record is cut short at the end of the file."""
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=gzipped)
    writer.write_record(writer.create_warcinfo_record(path.name, {"software": "tests"}))
    for number, page in enumerate(pages):
        if number == 0:
            request = StatusAndHeaders("GET / HTTP/1.1", [("Host", "news.example.org")], "HTTP/1.1")
            writer.write_record(
                writer.create_warc_record(
                    page.url, "request", payload=io.BytesIO(b""), http_headers=request
                )
            )
        http = _http("200 OK", f"text/html; charset={page.charset}")
        writer.write_record(
            writer.create_warc_record(
                page.url, "response", payload=io.BytesIO(page.html), http_headers=http
            )
        )
    first = pages[0].url
    writer.write_record(
        writer.create_warc_record(
            first,
            "metadata",
            payload=io.BytesIO(b"fetchTimeMs: 120\n"),
            warc_content_type="application/warc-fields",
        )
    )
    writer.write_record(
        writer.create_revisit_record(
            first,
            digest="sha1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            refers_to_uri=first,
            refers_to_date="2024-05-01T00:00:00Z",
            http_headers=_http("200 OK", "text/html"),
        )
    )
    writer.write_record(
        writer.create_warc_record(
            "https://news.example.org/logo.png",
            "response",
            payload=io.BytesIO(b"\x89PNG\r\n\x1a\n" + bytes(200)),
            http_headers=_http("200 OK", "image/png"),
        )
    )
    writer.write_record(
        writer.create_warc_record(
            "https://news.example.org/gone",
            "response",
            payload=io.BytesIO(b"<html><body><p>Not found</p></body></html>"),
            http_headers=_http("404 Not Found", "text/html"),
        )
    )
    complete = buffer.getvalue()
    if truncate:
        writer.write_record(
            writer.create_warc_record(
                "https://news.example.org/cut",
                "response",
                payload=io.BytesIO(pages[0].html.replace(b"Ferries", b"Trains")),
                http_headers=_http("200 OK", "text/html"),
            )
        )
    data = buffer.getvalue()
    # The file ends 300 bytes into the last record's payload.
    path.write_bytes(data[: len(complete) + (len(data) - len(complete)) // 2] if truncate else data)


def _settings(db: Path) -> Settings:
    return Settings(db_path=db, export_dir=None)


def _articles(db: Path) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(f"SELECT {ARTICLE_COLUMNS} FROM articles ORDER BY article_id").fetchall()
    finally:
        con.close()


def _rejects(db: Path) -> list[tuple[str, str]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT source_uri, reason FROM ingest_rejects").fetchall()
    finally:
        con.close()


def _write_html_files(folder: Path, pages: list[Page]) -> None:
    folder.mkdir()
    for number, page in enumerate(pages):
        # A saved page carries no HTTP header: the Latin-1 one states its charset itself.
        html = page.html
        if page.charset != "utf-8":
            html = html.replace(b'charset="utf-8"', f'charset="{page.charset}"'.encode())
        (folder / f"page-{number}.html").write_bytes(html)


@pytest.mark.parametrize("gzipped", [True, False], ids=["warc.gz", "warc"])
def test_warc_pages_land_like_html_files(tmp_path: Path, gzipped: bool) -> None:
    pages = synthetic_pages()
    warc = tmp_path / f"CC-NEWS-20240501123456-00001.warc{'.gz' if gzipped else ''}"
    write_warc(warc, pages, gzipped=gzipped)
    _write_html_files(tmp_path / "html", pages)

    from_warc = run_ingest([str(warc)], _settings(tmp_path / "warc.duckdb"))
    from_html = run_ingest([str(tmp_path / "html")], _settings(tmp_path / "html.duckdb"))

    warc_rows = _articles(tmp_path / "warc.duckdb")
    assert len(warc_rows) == len(pages)
    assert warc_rows == _articles(tmp_path / "html.duckdb")
    assert "Ñandú spotted near pier" in {title for _, title, _ in warc_rows}
    assert from_warc.skipped_records == OTHER_RECORDS
    assert from_html.skipped_records == {}
    # The record cut short is the one reject, named by the file and its byte offset.
    [(uri, reason)] = _rejects(tmp_path / "warc.duckdb")
    assert reason == "corrupt_warc"
    assert re.fullmatch(re.escape(str(warc)) + r"#\d+", uri)
    assert from_warc.reject_reasons == {"corrupt_warc": 1}
    assert from_warc.file_dispositions == {"article": 1}
    assert sum(from_warc.file_dispositions.values()) == from_warc.sources_seen == 1


def test_records_point_into_the_file(tmp_path: Path) -> None:
    pages = synthetic_pages()
    warc = tmp_path / "crawl.warc.gz"
    write_warc(warc, pages, gzipped=True, truncate=False)
    result = sources.read_source(str(warc), LIMIT)
    assert result.rejects == []
    assert [r["url"] for r in result.records] == [p.url for p in pages]
    assert {r["source_format"] for r in result.records} == {"warc"}
    assert result.records[2]["html"] == pages[2].html.decode("latin-1")
    data = warc.read_bytes()
    for record, page in zip(result.records, pages, strict=True):
        # The offset starts the record's own gzip member, which holds that page.
        offset = int(record["source_uri"].rsplit("#", 1)[1])
        member = gzip.GzipFile(fileobj=io.BytesIO(data[offset:])).read(200_000)
        assert member.startswith(b"WARC/1.")
        assert page.url.encode() in member.split(b"\r\n\r\n", 1)[0]


def test_unchanged_warc_is_not_read_again(tmp_path: Path) -> None:
    warc = tmp_path / "crawl.warc.gz"
    write_warc(warc, synthetic_pages(), gzipped=True, truncate=False)
    db = tmp_path / "db.duckdb"
    first = run_ingest([str(warc)], _settings(db))
    second = run_ingest([str(warc)], _settings(db))
    assert first.counts.new == 3
    assert second.sources_skipped == 1
    assert second.file_dispositions == {"unchanged": 1}
    assert (second.counts.new, second.counts.unchanged) == (0, 3)
    assert second.skipped_records == {}


def test_archive_of_no_pages_is_skipped_with_its_reason(tmp_path: Path) -> None:
    warc = tmp_path / "requests-only.warc"
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=False)
    writer.write_record(writer.create_warcinfo_record(warc.name, {"software": "tests"}))
    warc.write_bytes(buffer.getvalue())
    db = tmp_path / "db.duckdb"
    first = run_ingest([str(warc)], _settings(db))
    assert first.file_dispositions == {"skipped:no_page_records": 1}
    assert first.skipped_records == {"warcinfo": 1}
    assert first.rejects == 0
    # Read once: its hash is kept, so an unchanged file is not read again.
    assert run_ingest([str(warc)], _settings(db)).file_dispositions == {"unchanged": 1}


def test_corrupt_record_keeps_the_records_before_it(tmp_path: Path) -> None:
    pages = synthetic_pages()
    warc = tmp_path / "crawl.warc.gz"
    write_warc(warc, pages, gzipped=True, truncate=False)
    good = warc.read_bytes()
    # Garbage where a fourth record would start: the reader cannot go on past it.
    warc.write_bytes(good + b"\x1f\x8b\x08\x00garbage, not a gzip member" * 10)
    result = sources.read_source(str(warc), LIMIT)
    assert [r["url"] for r in result.records] == [p.url for p in pages]
    [reject] = result.rejects
    assert reject.reason == "corrupt_warc"
    assert reject.source_uri == f"{warc}#{len(good)}"


def test_record_longer_than_declared_is_dropped_and_the_next_ones_land(tmp_path: Path) -> None:
    """Bytes added inside a record of an uncompressed WARC: the reader finds the next record
    again, so only the damaged one is lost, as a reject."""
    pages = synthetic_pages()
    warc = tmp_path / "crawl.warc"
    write_warc(warc, pages, gzipped=False, truncate=False)
    data = warc.read_bytes()
    start = data.index(b"WARC/1.", data.index(b"WARC-Type: response") - 20)
    inside = data.index(b"harbour authority")
    warc.write_bytes(data[:inside] + b"BYTES THE CRAWLER NEVER WROTE " * 3 + data[inside:])
    result = sources.read_source(str(warc), LIMIT)
    assert [r["url"] for r in result.records] == [p.url for p in pages[1:]]
    assert [(r.source_uri, r.reason) for r in result.rejects] == [
        (f"{warc}#{start}", "corrupt_warc")
    ]


def test_arc_file_is_read(tmp_path: Path) -> None:
    """The older ARC format (version 1 header, one line per record, then the HTTP response)."""
    page = synthetic_pages()[0]
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n" + page.html
    desc = b"1 0 tests\nURL IP-address Archive-date Content-type Archive-length\n"
    header = f"filedesc://crawl.arc 0.0.0.0 20240501000000 text/plain {len(desc)}\n".encode()
    line = f"{page.url} 192.0.2.1 20240501000000 text/html {len(http)}\n".encode()
    arc = tmp_path / "crawl.arc.gz"
    arc.write_bytes(gzip.compress(header + desc + b"\n") + gzip.compress(line + http + b"\n"))
    result = sources.read_source(str(arc), LIMIT)
    assert result.rejects == []
    assert [r["url"] for r in result.records] == [page.url]
    assert result.records[0]["html"] == page.html.decode()


def test_web_archive_is_a_batch_of_its_own() -> None:
    paths = ["/a/1.html", "/a/2.html", "/a/b.warc.gz", "/a/c.arc", "/a/3.txt"]
    assert cut_batches(paths, 10) == [
        ["/a/1.html", "/a/2.html"],
        ["/a/b.warc.gz"],
        ["/a/c.arc"],
        ["/a/3.txt"],
    ]


@pytest.mark.corpus
def test_corpus_pages_land_like_html_files(tmp_path: Path) -> None:
    """Gold-corpus pages, once saved as .html and once in a WARC whose target URIs are the
    URLs the .html ingest found: same article ids, titles and bodies."""
    corpus = corpus_or_skip("fundus")
    files = sorted(corpus.glob("*/*.html.gz"))[:6]
    folder = tmp_path / "html"
    folder.mkdir()
    for path in files:
        (folder / path.name.removesuffix(".gz")).write_bytes(gzip.decompress(path.read_bytes()))
    html_db = tmp_path / "html.duckdb"
    run_ingest([str(folder)], _settings(html_db))
    con = duckdb.connect(str(html_db), read_only=True)
    try:
        urls = dict(con.execute("SELECT source_uri, url FROM articles").fetchall())
    finally:
        con.close()
    pages = [
        Page(urls[str(folder / path.name.removesuffix(".gz"))], gzip.decompress(path.read_bytes()))
        for path in files
        if urls.get(str(folder / path.name.removesuffix(".gz")))
    ]
    assert len(pages) >= 3, "too few corpus pages state their URL to compare ids"
    warc = tmp_path / "corpus.warc.gz"
    write_warc(warc, pages, gzipped=True)
    warc_db = tmp_path / "warc.duckdb"
    summary = run_ingest([str(warc)], _settings(warc_db))
    html_rows = {row[0]: row for row in _articles(html_db)}
    assert _articles(warc_db) == sorted(html_rows[row[0]] for row in _articles(warc_db))
    assert len(_articles(warc_db)) == len(pages)
    assert summary.skipped_records == OTHER_RECORDS
    assert summary.reject_reasons == {"corrupt_warc": 1}


def test_summary_shows_dispositions_and_skipped_records(tmp_path: Path, capsys) -> None:
    from dateline.flows.cli import main

    folder = tmp_path / "in"
    folder.mkdir()
    write_warc(folder / "crawl.warc.gz", synthetic_pages(), gzipped=True)
    (folder / "README.md").write_text("# Crawl of May\n", encoding="utf-8")
    assert main(["ingest", str(folder), "--db", str(tmp_path / "db.duckdb"), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert (
        "sources    2 seen: 1 gave articles, 0 unchanged, 0 rejected, 1 skipped (documentation 1)"
        in out
    )
    assert (
        "records    skipped in web archives: metadata 1, not_html 1, request 1, revisit 1, "
        "status_404 1, warcinfo 1" in out
    )
    assert "rejects    1 (corrupt_warc: 1)" in out


def test_shard_keeps_dispositions_and_skipped_records(tmp_path: Path) -> None:
    """What a Dask worker hands back through its shard: the counts survive the round trip."""
    from datetime import UTC, datetime

    from dateline.flows import parallel

    warc = tmp_path / "crawl.warc.gz"
    write_warc(warc, synthetic_pages(), gzipped=True)
    job = parallel.BatchJob(
        number=1,
        sources=parallel.batch_sources([str(warc)]),
        run_id="run",
        ingested_at=datetime.now(UTC),
        max_source_bytes=LIMIT,
        max_line_chars=100_000,
    )
    ref = parallel.read_parse_and_shard(job, str(tmp_path / "shards"))
    batch = parallel.read_shard(ref)
    assert batch.file_dispositions == {"article": 1}
    assert batch.skipped_records == OTHER_RECORDS
    assert batch.tables.articles.height == 3


def test_parse_in_chunks_gives_the_tables_of_one_parse(tmp_path: Path) -> None:
    """A web archive's batch is parsed a chunk of records at a time; the tables are those of
    one parse, a repeated URL included (the last record wins across chunks too)."""
    from datetime import UTC, datetime

    from dateline.flows import parallel

    pages = synthetic_pages()
    repeated = Page(pages[0].url, pages[1].html)
    warc = tmp_path / "crawl.warc.gz"
    write_warc(warc, [*pages, repeated], gzipped=True)
    records = sources.records_frame(sources.read_source(str(warc), LIMIT).records)
    assert records.height == 4
    at = datetime(2024, 5, 1, tzinfo=UTC)
    whole = parallel.parse_records(records, "run", at, 100_000)
    chunked = parallel.parse_records(records, "run", at, 100_000, chunk_records=1)
    assert whole.articles.height == 3
    for name, frame in whole.by_table().items():
        assert chunked.by_table()[name].sort(frame.columns).equals(frame.sort(frame.columns)), name


def test_archive_read_in_parts_lands_like_one_batch(tmp_path: Path) -> None:
    """A web archive is read, parsed and loaded a part of ``batch_size`` pages at a time:
    the tables equal a run that takes it in one part, the file is counted once, and an
    unchanged archive is skipped unread."""
    from dataclasses import replace

    pages = synthetic_pages()
    warc = tmp_path / "crawl.warc.gz"
    write_warc(warc, pages, gzipped=True)
    whole = run_ingest([str(warc)], _settings(tmp_path / "whole.duckdb"))
    parts = run_ingest([str(warc)], replace(_settings(tmp_path / "parts.duckdb"), batch_size=1))
    assert _articles(tmp_path / "parts.duckdb") == _articles(tmp_path / "whole.duckdb")
    assert sorted(_rejects(tmp_path / "parts.duckdb")) == sorted(
        _rejects(tmp_path / "whole.duckdb")
    )
    for summary in (whole, parts):
        assert summary.file_dispositions == {"article": 1}
        assert summary.skipped_records == OTHER_RECORDS
        assert summary.counts.new == len(pages)
    con = duckdb.connect(str(tmp_path / "parts.duckdb"), read_only=True)
    try:
        [(n_records, n_ids)] = con.execute(
            "SELECT n_records, len(article_ids) FROM ingest_sources"
        ).fetchall()
    finally:
        con.close()
    # The file's one bookkeeping row lists the articles of every part.
    assert n_records == n_ids == len(pages)
    again = run_ingest([str(warc)], replace(_settings(tmp_path / "parts.duckdb"), batch_size=1))
    assert again.file_dispositions == {"unchanged": 1}
    assert (again.counts.new, again.counts.unchanged) == (0, len(pages))


def test_archive_rewritten_without_a_page_loses_that_article_only(tmp_path: Path) -> None:
    """Read in parts, a changed archive replaces what it gave: the page it no longer holds
    goes, the pages of its earlier parts stay."""
    from dataclasses import replace

    pages = synthetic_pages()
    warc = tmp_path / "crawl.warc"
    write_warc(warc, pages, gzipped=False, truncate=False)
    settings = replace(_settings(tmp_path / "db.duckdb"), batch_size=1)
    run_ingest([str(warc)], settings)
    before = {row[1] for row in _articles(tmp_path / "db.duckdb")}
    write_warc(warc, pages[:2], gzipped=False, truncate=False)
    changed = run_ingest([str(warc)], settings)
    after = {row[1] for row in _articles(tmp_path / "db.duckdb")}
    assert len(before) == 3
    assert after == before - {"Ñandú spotted near pier"}
    assert changed.file_dispositions == {"article": 1}
    assert (changed.counts.new, changed.counts.updated, changed.counts.unchanged) == (0, 0, 2)


def test_parts_of_an_archive_bound_the_pages_held(tmp_path: Path) -> None:
    """The reader hands on parts of at most the batch size; the last alone carries the
    file's hash, the hash of all its bytes."""
    import hashlib

    from dateline.flows import parallel

    pages = synthetic_pages() * 3
    warc = tmp_path / "crawl.warc.gz"
    write_warc(warc, pages, gzipped=True, truncate=False)
    parts = list(parallel.read_archive_parts(parallel.batch_sources([str(warc)]), LIMIT, 2))
    assert [part.records.height for part in parts] == [2, 2, 2, 2, 1]
    assert [part.files.height for part in parts] == [0, 0, 0, 0, 1]
    assert parts[-1].files.item(0, "file_hash") == hashlib.sha256(warc.read_bytes()).hexdigest()
    assert [part.archive_part.is_last for part in parts] == [False] * 4 + [True]
