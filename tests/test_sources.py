"""Finding and reading sources: formats, encodings, and bad input as rejects."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dateline.flows import sources

LIMIT = 1_000_000


def _write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def test_discover_walks_folders_and_globs(tmp_path: Path) -> None:
    _write(tmp_path / "a" / "one.txt", b"x")
    _write(tmp_path / "a" / "b" / "two.jsonl.gz", b"x")
    _write(tmp_path / "a" / "skip.json", b"{}")
    _write(tmp_path / "c" / "three.TXT", b"x")
    files, rejects = sources.discover_files([str(tmp_path / "a"), str(tmp_path / "c" / "*.TXT")])
    found = [Path(f) for f in files]
    assert [p.name for p in found] == ["one.txt", "two.jsonl.gz", "three.TXT"] or sorted(
        p.name for p in found
    ) == ["one.txt", "three.TXT", "two.jsonl.gz"]
    assert rejects == []


def test_discover_rejects_missing_and_unsupported(tmp_path: Path) -> None:
    other = _write(tmp_path / "notes.pdf", b"%PDF")
    found, rejects = sources.discover_files([str(tmp_path / "nope" / "*.txt"), str(other)])
    assert found == []
    assert sorted(r.reason for r in rejects) == ["not_found", "unsupported_format"]


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
        ("cut.txt.gz", gzip.compress(b"some text " * 1000)[:40], "corrupt_gzip"),
        ("big.txt", b"a" * (LIMIT + 1), "too_large"),
        ("bomb.txt.gz", gzip.compress(b"0" * (LIMIT * 5)), "too_large"),
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
@settings(max_examples=200, deadline=None)
def test_control_bytes_are_counted_as_byte_by_byte(data: bytes) -> None:
    # The per-byte rule that the translate() count replaced.
    expected = sum(1 for b in data if b < 9 or 13 < b < 32)
    assert len(data.translate(None, sources.NON_CONTROL_BYTES)) == expected


@given(st.text(max_size=300))
@settings(max_examples=200, deadline=None)
def test_decode_utf8_drops_nul_and_normalizes_line_ends(text: str) -> None:
    decoded = sources.decode_text(text.encode("utf-8"))
    if decoded is not None:
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
