"""Finding and reading sources: formats, encodings, and bad input as rejects."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dateline.flows import sources
from tests.conftest import examples

LIMIT = 1_000_000


def _write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def test_discover_walks_folders_and_globs(tmp_path: Path) -> None:
    _write(tmp_path / "a" / "one.txt", b"x")
    _write(tmp_path / "a" / "b" / "two.jsonl.gz", b"x")
    # Any suffix is found (reading tells what it is); hidden files and folders are not.
    _write(tmp_path / "a" / "other.json", b"{}")
    _write(tmp_path / "a" / ".DS_Store", b"\x00\x00\x00\x01Bud1")
    _write(tmp_path / "a" / ".git" / "config", b"[core]")
    _write(tmp_path / "c" / "three.TXT", b"x")
    files, rejects = sources.discover_files([str(tmp_path / "a"), str(tmp_path / "c" / "*.TXT")])
    assert [Path(f).relative_to(tmp_path).as_posix() for f in files] == [
        "a/b/two.jsonl.gz",
        "a/one.txt",
        "a/other.json",
        "c/three.TXT",
    ]
    assert rejects == []


def test_missing_source_and_unsupported_file_are_rejects(tmp_path: Path) -> None:
    other = _write(tmp_path / "notes.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj")
    found, rejects = sources.discover_files([str(tmp_path / "nope" / "*.txt"), str(other)])
    assert [r.reason for r in rejects] == ["not_found"]
    assert found == [str(other)]
    result = sources.read_source(other, LIMIT)
    assert result.records == []
    assert [(r.reason, "PDF" in r.detail) for r in result.rejects] == [("unsupported_format", True)]


def test_discover_survives_symlink_loop(tmp_path: Path) -> None:
    folder = tmp_path / "loop"
    _write(folder / "a.txt", b"hello")
    (folder / "self").symlink_to(folder, target_is_directory=True)
    files, _ = sources.discover_files([str(folder)])
    found = [Path(f) for f in files]
    assert [p.name for p in found] == ["a.txt"]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("Añadió el ministro: «sí».".encode(), "Añadió el ministro: «sí»."),
        ("\ufeffBOM first".encode(), "BOM first"),
        ("Müller sagte: Straße".encode("cp1252"), "Müller sagte: Straße"),
        (b"line one\r\nline two\rline three", "line one\nline two\nline three"),
        # UTF-16 and UTF-32 with a byte-order mark, UTF-16 without one.
        ("\ufeffZoë said: «yes»\r\n".encode("utf-16-le"), "Zoë said: «yes»\n"),
        ("\ufeffZoë said: «yes»".encode("utf-16-be"), "Zoë said: «yes»"),
        ("\ufeff東京で会議".encode("utf-32-le"), "東京で会議"),
        ("\ufeff東京で会議".encode("utf-32-be"), "東京で会議"),
        ("Plain ASCII headline, no mark".encode("utf-16-le"), "Plain ASCII headline, no mark"),
        ("Plain ASCII headline, no mark".encode("utf-16-be"), "Plain ASCII headline, no mark"),
    ],
)
def test_decode_text(data: bytes, expected: str) -> None:
    assert sources.decode_text(data) == expected


def test_decode_binary_is_none() -> None:
    assert sources.decode_text(bytes(range(256)) * 10) is None


def test_read_text_and_gzip(tmp_path: Path) -> None:
    text = "date 2025-01-01\nTitle line\nBody."
    plain = _write(tmp_path / "a.txt", text.encode())
    packed = _write(tmp_path / "b.txt.gz", gzip.compress(text.encode()))
    for path in (plain, packed):
        result = sources.read_source(path, LIMIT)
        assert result.rejects == []
        assert result.records[0]["text"] == text
        assert result.records[0]["source_format"] == "text"
    # The hash is of the content, so compressing a file does not make it "changed".
    assert (
        sources.read_source(plain, LIMIT).file_hash == sources.read_source(packed, LIMIT).file_hash
    )


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("empty.txt", b"", "empty"),
        ("blank.txt", b"  \n\n ", "empty"),
        ("image.txt", bytes(range(256)) * 50, "binary"),
        ("cut.txt.gz", gzip.compress(b"some text " * 1000, mtime=0)[:40], "corrupt_gzip"),
        ("big.txt", b"a" * (LIMIT + 1), "too_large"),
        ("bomb.txt.gz", gzip.compress(b"0" * (LIMIT * 5), mtime=0), "too_large"),
    ],
)
def test_bad_files_are_rejects(tmp_path: Path, name: str, data: bytes, reason: str) -> None:
    result = sources.read_source(_write(tmp_path / name, data), LIMIT)
    assert result.records == []
    assert [r.reason for r in result.rejects] == [reason]
    assert result.rejects[0].detail


def test_json_lines_keep_good_lines(tmp_path: Path) -> None:
    lines = [
        json.dumps(
            {"text": "Primera noticia.", "url": "https://example.org/1", "date": "2025-01-02"}
        ),
        "{broken",
        json.dumps({"title": "no body"}),
        json.dumps(["not", "an", "object"]),
        "",
        json.dumps({"html": "<p>solo html</p>", "source": "Ejemplo"}),
    ]
    path = _write(tmp_path / "r.jsonl", "\n".join(lines).encode())
    result = sources.read_source(path, LIMIT)
    assert [r["source_uri"] for r in result.records] == [f"{path}#1", f"{path}#6"]
    assert result.records[0]["url"] == "https://example.org/1"
    assert result.records[0]["record_date"] == "2025-01-02"
    assert result.records[1]["html"] == "<p>solo html</p>"
    assert [(r.source_uri, r.reason) for r in result.rejects] == [
        (f"{path}#2", "bad_json"),
        (f"{path}#3", "no_content"),
        (f"{path}#4", "bad_json"),
    ]


def test_vanished_file_is_a_reject(tmp_path: Path) -> None:
    result = sources.read_source(tmp_path / "gone.txt", LIMIT)
    assert [r.reason for r in result.rejects] == ["unreadable"]


@given(st.binary(max_size=2048))
@settings(max_examples=examples(200), deadline=None)
def test_control_bytes_are_counted_as_byte_by_byte(data: bytes) -> None:
    # The per-byte rule that the translate() count replaced.
    expected = sum(1 for b in data if b < 9 or 13 < b < 32)
    assert len(data.translate(None, sources.NON_CONTROL_BYTES)) == expected


@given(st.text(max_size=300))
@settings(max_examples=examples(200), deadline=None)
def test_decode_utf8_drops_nul_and_normalizes_line_ends(text: str) -> None:
    data = text.encode("utf-8")
    decoded = sources.decode_text(data)
    # Bytes with a NUL in every other position read as UTF-16 (tested above).
    if decoded is not None and sources._wide_encoding(data) is None:
        assert "\x00" not in decoded and "\r" not in decoded
        assert decoded == text.removeprefix("\ufeff").replace("\x00", "").replace(
            "\r\n", "\n"
        ).replace("\r", "\n")


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("spaces.txt", b" \t\r\n\x0b\x0c"),
        ("nul_and_crlf.txt", b"Title\r\n\r\nBody\x00 text\rend"),
        ("latin.txt", "Título\r\nañadió".encode("cp1252")),
    ],
)
def test_read_matches_decode(tmp_path: Path, name: str, data: bytes) -> None:
    result = sources.read_source(_write(tmp_path / name, data), LIMIT)
    if not data.strip():
        assert [r.reason for r in result.rejects] == ["empty"]
    else:
        assert result.records[0]["text"] == sources.decode_text(data)


@pytest.mark.parametrize("size", [0, 1, 9, 10, 11, 5000])
@pytest.mark.parametrize("limit", [1, 10, 11, 100_000])
def test_read_up_to_gives_what_read_of_the_limit_gives(
    tmp_path: Path, size: int, limit: int
) -> None:
    path = _write(tmp_path / "f.txt", bytes(range(7, 107)) * (size // 100) + b"x" * (size % 100))
    with open(path, "rb") as handle:
        expected = handle.read(limit)
    with open(path, "rb") as handle:
        assert sources._read_up_to(handle, limit) == expected


def test_read_up_to_reads_what_a_file_gained_after_its_size_was_taken(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _write(tmp_path / "growing.txt", b"a" * 100)
    real_fstat = sources.os.fstat

    def fstat_before_append(fd: int):
        stat = real_fstat(fd)
        with open(path, "ab") as handle:
            handle.write(b"b" * 50)
        return stat

    monkeypatch.setattr(sources.os, "fstat", fstat_before_append)
    with open(path, "rb") as handle:
        assert sources._read_up_to(handle, 1000) == b"a" * 100 + b"b" * 50
    with open(path, "rb") as handle:
        assert sources._read_up_to(handle, 120) == b"a" * 100 + b"b" * 20


def test_gzip_larger_than_the_limit_compressed_is_streamed(tmp_path: Path) -> None:
    # Compressed bytes beyond the limit are not held at once; the output limit still applies.
    noise = bytes(range(256)) * 64
    path = _write(tmp_path / "big.txt.gz", gzip.compress(noise * 8, compresslevel=0))
    result = sources.read_source(path, 4096)
    assert [r.reason for r in result.rejects] == ["too_large"]


def test_discover_files_keeps_path_order(tmp_path: Path) -> None:
    # "a-b" sorts after "a" part by part, though "-" sorts before "/" in a plain string.
    for folder in ("a-b", "a", "a.b"):
        _write(tmp_path / folder / "x.txt", b"x")
    _write(tmp_path / "a" / "z.txt", b"z")
    files, rejects = sources.discover_files([str(tmp_path)])
    paths = [Path(f) for f in files]
    assert files == [str(p) for p in paths] == [str(p) for p in sorted(paths)]
    assert [Path(f).relative_to(tmp_path).as_posix() for f in files] == [
        "a/x.txt",
        "a/z.txt",
        "a-b/x.txt",
        "a.b/x.txt",
    ]
    assert rejects == []


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"<!DOCTYPE html><html><head><title>T</title></head></html>", "html"),
        (b"\n  <html lang='en'><body><p>x</p></body></html>", "html"),
        (gzip.compress(b"<html><head><title>T</title></head></html>", mtime=0), "html"),
        (b'{"text": "Body", "url": "https://example.org/a"}\n{"text": "Two"}\n', "jsonl"),
        (b"WARC/1.1\r\nWARC-Type: warcinfo\r\n", "warc"),
        (gzip.compress(b"WARC/1.0\r\nWARC-Type: warcinfo\r\n", mtime=0), "warc"),
        (
            gzip.compress(b"filedesc://crawl.arc 0.0.0.0 20240101000000 text/plain 10\n", mtime=0),
            "warc",
        ),
        (b"Council approves budget\nThe city council approved...", "text"),
        ("\ufeffTítulo\nCuerpo".encode("utf-16-le"), "text"),
        (b"<b>bold</b> is not a page", "text"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)), None),
        (b"%PDF-1.4\n", None),
        (bytes(range(256)) * 4, None),
        (gzip.compress(bytes(range(256)) * 4, mtime=0), None),
    ],
)
def test_sniff_kind(data: bytes, kind: str | None) -> None:
    assert sources.sniff_kind(data) == kind


@pytest.mark.parametrize(
    ("name", "data", "source_format"),
    [
        ("page", b"<!doctype html><html><body><p>Hello</p></body></html>", "html"),
        ("export.json", b'{"text": "Body one"}\n{"text": "Body two"}\n', "jsonl"),
        ("notes.md", b"# Council approves budget\n\nThe city council approved...", "text"),
        ("story.dat", "\ufeffZoë said yes".encode("utf-16-le"), "text"),
    ],
)
def test_file_of_unknown_suffix_is_read_as_what_it_holds(
    tmp_path: Path, name: str, data: bytes, source_format: str
) -> None:
    result = sources.read_source(_write(tmp_path / name, data), LIMIT)
    assert result.rejects == []
    assert result.records and {r["source_format"] for r in result.records} == {source_format}
    assert result.file_hash


def test_unknown_binary_file_is_an_unsupported_reject(tmp_path: Path) -> None:
    path = _write(tmp_path / "blob", bytes(range(256)) * 8)
    result = sources.read_source(path, LIMIT)
    assert result.records == []
    assert [(r.source_uri, r.reason) for r in result.rejects] == [(str(path), "unsupported_format")]


def test_every_file_seen_has_a_disposition(tmp_path: Path) -> None:
    """One run over a mixed folder: each file gave an article, was rejected with its reason
    or skipped with its reason, and the counts add up to the files seen; a second run finds
    the files that gave something unchanged."""
    from warcio.warcwriter import WARCWriter

    from dateline.flows.ingest import run_ingest
    from dateline.flows.settings import Settings

    body = (
        "The city council approved a new budget on Tuesday after a long debate about schools.\n"
        "The plan raises spending on schools by four percent and cuts the cost of city offices.\n"
    )
    folder = tmp_path / "in"
    _write(folder / "utf16.txt", ("\ufeffBudget passes\n" + body).encode("utf-16-le"))
    _write(
        folder / "no-suffix",
        f"<html><head><title>Budget</title></head><body><p>{body}</p></body></html>".encode(),
    )
    _write(folder / "picture", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    _write(folder / "empty.txt", b"")
    _write(folder / "README.md", b"# Samples\n\nWhat these files are and where they came from.\n")
    warc = folder / "requests.warc"
    writer = WARCWriter(warc.open("wb"), gzip=False)
    writer.write_record(writer.create_warcinfo_record(warc.name, {"software": "tests"}))
    writer.out.close()
    db = tmp_path / "db.duckdb"
    settings_ = Settings(db_path=db, export_dir=None)
    first = run_ingest([str(folder), str(tmp_path / "missing" / "*.txt")], settings_)
    assert first.file_dispositions == {
        "article": 2,
        "reject:unsupported_format": 1,
        "reject:empty": 1,
        "reject:not_found": 1,
        "skipped:no_page_records": 1,
        "skipped:documentation": 1,
    }
    assert sum(first.file_dispositions.values()) == first.sources_seen == 7
    assert first.counts.new == 2
    second = run_ingest([str(folder)], settings_)
    assert second.file_dispositions == {
        "unchanged": 3,
        "reject:unsupported_format": 1,
        "reject:empty": 1,
        "skipped:documentation": 1,
    }
    assert sum(second.file_dispositions.values()) == second.sources_seen == 6


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("README.md", True),
        ("readme", True),
        ("LICENSE.txt", True),
        ("CHANGELOG.rst", True),
        ("notes.md", False),
        ("readme-of-the-council.txt", False),
        ("2024-license-fees.html", False),
    ],
)
def test_documentation_names(name: str, expected: bool) -> None:
    assert sources.is_documentation(name) is expected


@given(st.binary(max_size=4096))
@settings(max_examples=examples(200), deadline=None)
def test_sniff_never_raises(data: bytes) -> None:
    assert sources.sniff_kind(data) in (None, "html", "jsonl", "warc", "text")


def test_sixteen_bit_samples_are_not_utf16_text() -> None:
    # Quiet 16-bit little-endian audio: every high byte zero, the low bytes anything.
    samples = bytes(b for n in range(2000) for b in ((n * 37) % 251 + 1, 0))
    assert sources._wide_encoding(samples) is None
    assert sources._wide_encoding("Plain ASCII text, no byte-order mark".encode("utf-16-le"))
