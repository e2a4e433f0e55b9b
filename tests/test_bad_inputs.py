"""Bad input is quarantined, never fatal: one folder of hostile files mixed with good ones."""

from __future__ import annotations

import gzip
import json
import os
import random
from pathlib import Path

import duckdb
import pytest

from dateline.flows import sources
from dateline.flows.cli import main

GOOD_BODY = (
    "The city council approved a new budget on Tuesday after a long debate about school funding.\n"
    "The plan raises spending on schools by four percent and cuts the cost of running city offices.\n"
)
LIMIT = 4_000_000


def _good(title: str) -> str:
    return f"{title}\nBy Jane Roe\n{GOOD_BODY}"


def _write(folder: Path, name: str, data: bytes | str) -> Path:
    path = folder / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def _hostile_folder(folder: Path) -> tuple[dict[str, str], set[str]]:
    """Bad files -> expected reject reason, and the names of files that must land as articles."""
    rng = random.Random(7)
    expected_rejects = {
        "empty.txt": "empty",
        "random.txt": "binary",
        "picture.txt": "binary",
        "document.txt": "binary",
        "cut.txt.gz": "corrupt_gzip",
        "bomb.txt.gz": "too_large",
        "huge.txt": "too_large",
        "boilerplate.txt": "no_article_text",
        "page.html": "no_article_text",
        "scripts.htm": "no_article_text",
        "records.jsonl#2": "bad_json",
        "records.jsonl#3": "no_content",
        "records.jsonl#5": "bad_json",
    }
    _write(folder, "empty.txt", b"")
    _write(folder, "random.txt", bytes(rng.randrange(256) for _ in range(4000)))
    _write(
        folder, "picture.txt", b"\x89PNG\r\n\x1a\n" + bytes(rng.randrange(256) for _ in range(3000))
    )
    _write(
        folder,
        "document.txt",
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nstream\n" + bytes(range(256)) * 20,
    )
    _write(folder, "cut.txt.gz", gzip.compress(_good("Cut").encode())[:25])
    _write(folder, "bomb.txt.gz", gzip.compress(b"A" * (LIMIT * 20)))
    _write(folder, "huge.txt", b"word " * (LIMIT // 5 + 10))
    _write(folder, "boilerplate.txt", "Home\nShare\nFacebook\nAdvertisement\nSign up\n")
    _write(
        folder, "page.html", "<html>" + "<div>" * 100_000 + "text" + "</div>" * 100_000 + "</html>"
    )
    _write(
        folder, "scripts.htm", "<html><script>var a = 1;</script><script>alert(2)</script></html>"
    )
    records = [
        json.dumps({"text": _good("Record one keeps its place"), "url": "https://example.org/one"}),
        "{not json",
        json.dumps({"title": "neither text nor html"}),
        json.dumps({"text": _good("Record four lands too"), "url": "https://example.org/four"}),
        # Nested far past the parser's recursion limit.
        "[" * 100_000 + "]" * 100_000,
    ]
    _write(folder, "records.jsonl", "\n".join(records))

    good = {
        "utf8.txt": _good("Plain UTF-8 with accents: Zürich, São Paulo, Kraków").encode("utf-8"),
        "bom.txt": b"\xef\xbb\xbf" + _good("A file that starts with a byte order mark").encode(),
        "cp1252.txt": _good("Müller und Söhne über Straßenbau in Köln").encode("cp1252"),
        "latin1.txt": _good("Señal de alerta en Logroño por la crecida").encode("latin-1"),
        "shift_jis.txt": (
            "東京都の予算案が可決されました\n記者 山田太郎\n"
            "東京都議会は火曜日、来年度の予算案を賛成多数で可決しました。教育費が増額されます。\n"
            "予算の総額は過去最大となり、都は学校の建て替えを進める方針です。\n"
        ).encode("shift_jis"),
        "crlf.txt": _good("Windows line ends everywhere in this file")
        .replace("\n", "\r\n")
        .encode(),
        "cr.txt": _good("Old Mac line ends in this file").replace("\n", "\r").encode(),
        "nul.txt": _good("A few NUL bytes\x00 inside the text").encode(),
        "long line.txt": (_good("A dump with one enormous line") + "x" * 3_000_000 + "\n").encode(),
        "odd name ünïcødé (1) #2.txt": _good("A file with an odd name").encode(),
        "gzipped.txt.gz": gzip.compress(_good("A gzipped dump reads like any other").encode()),
    }
    for name, data in good.items():
        _write(folder, name, data)
    (folder / "loop").symlink_to(folder, target_is_directory=True)
    return expected_rejects, set(good) | {"records.jsonl#1", "records.jsonl#4"}


@pytest.mark.slow
def test_hostile_folder_lands_every_good_article(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("DATELINE_MAX_SOURCE_BYTES", str(LIMIT))
    folder = tmp_path / "in"
    folder.mkdir()
    expected_rejects, expected_good = _hostile_folder(folder)
    db = tmp_path / "w.duckdb"
    code = main(["ingest", str(folder), "--db", str(db), "--quiet"])
    out = capsys.readouterr()
    assert code == 0, out.err
    assert "Traceback" not in out.out + out.err
    con = duckdb.connect(str(db), read_only=True)
    try:
        landed = {
            Path(uri).name for (uri,) in con.execute("SELECT source_uri FROM articles").fetchall()
        }
        rejects = dict(
            (Path(uri).name, reason)
            for uri, reason in con.execute(
                "SELECT source_uri, reason FROM ingest_rejects"
            ).fetchall()
        )
        titles = dict(
            (Path(uri).name, title)
            for uri, title in con.execute("SELECT source_uri, title FROM articles").fetchall()
        )
        (failures,) = con.execute("SELECT status FROM ingest_runs").fetchone()
    finally:
        con.close()
    assert landed == expected_good
    assert rejects == expected_rejects
    assert failures == "completed"
    # Legacy encodings are read, not mangled.
    assert titles["cp1252.txt"] == "Müller und Söhne über Straßenbau in Köln"
    assert titles["latin1.txt"] == "Señal de alerta en Logroño por la crecida"
    assert titles["shift_jis.txt"] == "東京都の予算案が可決されました"
    assert titles["crlf.txt"] == "Windows line ends everywhere in this file"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("Grüße aus Köln".encode("cp1252"), "Grüße aus Köln"),
        ("Ação e reação no Río".encode("latin-1"), "Ação e reação no Río"),
        ("\ufeffcon BOM".encode(), "con BOM"),
        # A stray NUL in text is dropped; many of them make the file binary.
        (b"Some words\x00 and more words. " * 10, "Some words and more words. " * 10),
    ],
)
def test_decode_text(data: bytes, expected: str) -> None:
    assert sources.decode_text(data) == expected


def test_unreadable_file_is_a_reject(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root reads a file whatever its permissions")
    path = tmp_path / "locked.txt"
    path.write_text("text")
    path.chmod(0)
    try:
        result = sources.read_source(path, LIMIT)
    finally:
        path.chmod(0o644)
    assert result.records == []
    assert [r.reason for r in result.rejects] == ["unreadable"]


def test_folder_named_like_a_file_is_an_unreadable_reject(tmp_path: Path) -> None:
    # Unlike a missing permission, this fails for root too.
    path = tmp_path / "folder.txt"
    path.mkdir()
    result = sources.read_source(path, LIMIT)
    assert result.records == []
    assert [(r.reason, r.detail) for r in result.rejects] == [
        ("unreadable", "folder.txt could not be read: Is a directory.")
    ]
