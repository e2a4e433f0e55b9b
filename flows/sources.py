"""Find source files and read them into records (the I/O edge of the pipeline).

A *source* is a file; a *record* is one article inside it (a text dump holds
one, a JSON Lines file one per line). Anything that cannot be read becomes a
``Reject`` with a short reason code and a sentence, never an exception.
"""

from __future__ import annotations

import glob
import gzip
import hashlib
import io
import json
import os
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
from charset_normalizer import from_bytes

TEXT_SUFFIXES = (".txt",)
HTML_SUFFIXES = (".html", ".htm")
JSONL_SUFFIXES = (".jsonl", ".ndjson")
SUPPORTED_SUFFIXES = TEXT_SUFFIXES + HTML_SUFFIXES + JSONL_SUFFIXES
GZIP_SUFFIX = ".gz"
GZIP_MAGIC = b"\x1f\x8b"
# Share of NUL or control bytes above which a "text" file is treated as binary.
BINARY_CONTROL_SHARE = 0.05
# Control bytes other than tab, newline, vertical tab, form feed and carriage return.
CONTROL_BYTES = bytes(b for b in range(256) if b < 9 or 13 < b < 32)
# Everything else: deleting these from a sample leaves only its control bytes (C speed).
NON_CONTROL_BYTES = bytes(b for b in range(256) if b not in CONTROL_BYTES)
READ_CHUNK = 1 << 20
# Detector scores closer than these count as a tie between encodings (coherence, a
# language-model score, is noisy on short texts).
ENCODING_TIE = 0.01
COHERENCE_TIE = 0.1
PREFERRED_LEGACY_ENCODINGS = ("cp1252", "latin_1", "iso8859_15")

RECORD_COLUMNS = {
    "source_uri": pl.String,
    "source_path": pl.String,
    "source_format": pl.String,
    "text": pl.String,
    "html": pl.String,
    "url": pl.String,
    "record_date": pl.String,
    "record_title": pl.String,
    "record_outlet": pl.String,
}


@dataclass(frozen=True)
class Reject:
    source_uri: str
    reason: str
    detail: str


@dataclass
class SourceRead:
    """What reading one source file gave: its records, its rejects, its hash."""

    path: str
    file_hash: str | None
    records: list[dict[str, str | None]] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)


def source_kind(path: str | os.PathLike) -> str | None:
    """``text``, ``html`` or ``jsonl`` from the file name (``.gz`` looked through)."""
    name = os.path.basename(path).lower()
    if name.endswith(GZIP_SUFFIX):
        name = name[: -len(GZIP_SUFFIX)]
    for kind, suffixes in (
        ("text", TEXT_SUFFIXES),
        ("html", HTML_SUFFIXES),
        ("jsonl", JSONL_SUFFIXES),
    ):
        if name.endswith(suffixes):
            return kind
    return None


def discover_files(sources: Iterable[str]) -> tuple[list[str], list[Reject]]:
    """Files named by SOURCE arguments: files, folders (walked recursively) or globs, as
    absolute path strings in path order (a run holds 100k of them: a string is a fraction
    of a Path's size and cost).

    Folders contribute only files with a supported suffix; a file named
    explicitly with another suffix, or a SOURCE that matches nothing, is a reject.
    """
    found: set[str] = set()
    rejects: list[Reject] = []
    for source in sources:
        path = Path(source).expanduser()
        if path.is_dir():
            found.update(_walk(path))
        elif path.is_file():
            file = path.resolve()
            if source_kind(file) is None:
                rejects.append(
                    Reject(
                        str(file),
                        "unsupported_format",
                        f"{file.name} is not a .txt, .html, .htm, .jsonl or .ndjson file (optionally .gz).",
                    )
                )
            else:
                found.add(str(file))
        else:
            matches = sorted(glob.glob(os.path.expanduser(source), recursive=True))
            files = [
                str(Path(m).resolve()) for m in matches if Path(m).is_file() and source_kind(m)
            ]
            for directory in (Path(m) for m in matches if Path(m).is_dir()):
                files.extend(_walk(directory))
            if not files:
                rejects.append(
                    Reject(str(path), "not_found", f"No readable source matches {source!r}.")
                )
            found.update(files)
    # Path order (part by part), which differs from plain string order ("a-b/x" < "a/x").
    return sorted(found, key=_path_parts), rejects


def _path_parts(path: str) -> list[str]:
    return path.split(os.sep)


def _walk(directory: Path) -> Iterator[str]:
    """Supported files below ``directory``, sorted per folder, symlinked folders not followed
    (so the walk cannot loop). The folder is resolved once; only a symlinked file is
    resolved on its own, so 100k files cost one directory read each, not a stat and a
    resolve apiece."""
    pending = [str(directory.resolve())]
    while pending:
        folder = pending.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
        except OSError:
            continue
        subfolders = []
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                subfolders.append(entry.path)
            elif source_kind(entry.name) is not None and entry.is_file():
                yield os.path.realpath(entry.path) if entry.is_symlink() else entry.path
        pending.extend(reversed(subfolders))


def read_bytes(path: str | os.PathLike, max_bytes: int) -> bytes:
    """The file's bytes, gunzipped when it is gzip, refusing more than ``max_bytes``."""
    # One read call per file; gzip is decompressed from those bytes (streamed when it is huge).
    with open(path, "rb") as handle:
        data = handle.read(max_bytes + 1)
        if data[:2] == GZIP_MAGIC:
            if len(data) <= max_bytes:
                return _gunzip_bounded(io.BytesIO(data), max_bytes)
            handle.seek(0)
            return _gunzip_bounded(handle, max_bytes)
    if len(data) > max_bytes:
        raise SourceTooLarge(
            f"{os.path.basename(path)} is larger than the {max_bytes:,}-byte limit."
        )
    return data


class SourceTooLarge(Exception):
    pass


def _gunzip_bounded(handle, max_bytes: int) -> bytes:
    # Streaming decompression bounds memory against gzip bombs.
    decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
    out = bytearray()
    while chunk := handle.read(READ_CHUNK):
        out += decompressor.decompress(chunk, max_bytes + 1 - len(out))
        if len(out) > max_bytes:
            raise SourceTooLarge(f"decompresses to more than the {max_bytes:,}-byte limit.")
        while decompressor.unconsumed_tail:
            out += decompressor.decompress(decompressor.unconsumed_tail, max_bytes + 1 - len(out))
            if len(out) > max_bytes:
                raise SourceTooLarge(f"decompresses to more than the {max_bytes:,}-byte limit.")
    if not decompressor.eof:
        raise gzip.BadGzipFile("the gzip stream is truncated.")
    return bytes(out)


def decode_text(data: bytes) -> str | None:
    """UTF-8 (BOM dropped), else a detected legacy encoding; None for binary data."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    sample = data[:65536]
    if sample:
        controls = len(sample.translate(None, NON_CONTROL_BYTES))
        if controls / len(sample) > BINARY_CONTROL_SHARE:
            return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = _decode_legacy(data)
        return None if text is None else _clean_text(text)
    # In UTF-8 these bytes only ever encode NUL and CR: searching the bytes is cheaper than
    # replacing in the text, and most files hold neither.
    return _clean_text(text) if b"\x00" in data or b"\r" in data else text


def _clean_text(text: str) -> str:
    """NUL characters dropped, CR LF and lone CR turned into LF."""
    return text.replace("\x00", "").replace("\r\n", "\n").replace("\r", "\n")


def _decode_legacy(data: bytes) -> str | None:
    """Text in a detected legacy encoding. Single-byte code pages often tie on the
    detector's measures; among the tied, Windows-1252 wins (browsers read latin-1 so too)."""
    matches = list(from_bytes(data))
    if not matches:
        return None
    best = matches[0]
    tied = [
        m.encoding
        for m in matches
        if m.chaos <= best.chaos + ENCODING_TIE and m.coherence >= best.coherence - COHERENCE_TIE
    ]
    for encoding in PREFERRED_LEGACY_ENCODINGS:
        if encoding in tied:
            return data.decode(encoding, errors="replace")
    return str(best)


def read_source(path: str | os.PathLike, max_bytes: int) -> SourceRead:
    """Read one source file into records, or rejects; never raises for bad input."""
    # Plain strings: building a Path per file costs more than reading a small one.
    uri = os.fspath(path)
    name = os.path.basename(uri)
    try:
        data = read_bytes(path, max_bytes)
    except SourceTooLarge as error:
        return SourceRead(uri, None, rejects=[Reject(uri, "too_large", f"{name} {error}")])
    except (gzip.BadGzipFile, zlib.error, EOFError) as error:
        return SourceRead(
            uri,
            None,
            rejects=[Reject(uri, "corrupt_gzip", f"{name} is not a readable gzip file: {error}")],
        )
    except OSError as error:
        return SourceRead(
            uri,
            None,
            rejects=[
                Reject(uri, "unreadable", f"{name} could not be read: {error.strerror or error}.")
            ],
        )
    file_hash = hashlib.sha256(data).hexdigest()
    result = SourceRead(uri, file_hash)
    # isspace stops at the first other byte; strip() would copy the whole file first.
    if not data or data.isspace():
        result.rejects.append(Reject(uri, "empty", f"{name} is empty."))
        return result
    text = decode_text(data)
    if text is None:
        result.rejects.append(Reject(uri, "binary", f"{name} holds binary data, not text."))
        return result
    kind = source_kind(uri)
    if kind == "jsonl":
        _read_json_lines(uri, text, result)
    elif kind == "html":
        result.records.append(_record(uri, uri, "html", html=text))
    else:
        result.records.append(_record(uri, uri, "text", text=text))
    return result


def _read_json_lines(path: str, text: str, result: SourceRead) -> None:
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        uri = f"{path}#{number}"
        try:
            item = json.loads(line)
        except (json.JSONDecodeError, RecursionError) as error:
            result.rejects.append(
                Reject(uri, "bad_json", f"Line {number} is not valid JSON: {error}.")
            )
            continue
        if not isinstance(item, dict):
            result.rejects.append(
                Reject(uri, "bad_json", f"Line {number} is JSON but not an object.")
            )
            continue
        text_value, html_value = _str_or_none(item.get("text")), _str_or_none(item.get("html"))
        if not (text_value and text_value.strip()) and not (html_value and html_value.strip()):
            result.rejects.append(
                Reject(uri, "no_content", f"Record {number} has neither 'text' nor 'html'.")
            )
            continue
        result.records.append(
            _record(
                uri,
                path,
                "jsonl",
                text=text_value,
                html=html_value,
                url=_str_or_none(item.get("url")),
                record_date=_str_or_none(item.get("date")),
                record_title=_str_or_none(item.get("title")),
                record_outlet=_str_or_none(item.get("source")),
            )
        )


def _str_or_none(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _record(uri: str, path: str, source_format: str, **values: str | None) -> dict[str, str | None]:
    record = dict.fromkeys(RECORD_COLUMNS)
    record.update(source_uri=uri, source_path=path, source_format=source_format, **values)
    return record


def records_frame(records: list[dict[str, str | None]]) -> pl.DataFrame:
    """One row per record, with the columns of ``RECORD_COLUMNS``."""
    return pl.DataFrame(records, schema=RECORD_COLUMNS)
