"""Find source files and read them into records (the I/O edge of the pipeline).

A *source* is a file; a *record* is one article inside it (a text dump holds
one, a JSON Lines file one per line, a web archive one per HTML ``response`` record with
status 200). Anything that cannot be read becomes a ``Reject`` with a short reason code
and a sentence, never an exception; records a web archive holds that are not articles
(requests, metadata, revisits, other media, other statuses) are counted by kind.

Every file a folder holds is read as what it is: by its suffix when known, else by its
first bytes (HTML, JSON Lines, WARC or ARC, text); a file that is none of these is a
reject ``unsupported_format``. Hidden files and folders (a leading dot) are not walked.
Markdown files (``.md``) are text, read like ``.txt``; but a folder's own documentation
(README, LICENSE, CHANGELOG... whatever the suffix, as in the bundled samples) is no
article: the ingest skips it unread, by name, with the reason ``documentation``, and
counts it in the summary (``is_documentation``).
"""

from __future__ import annotations

import contextlib
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
from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from dateline.flows import objectstore

TEXT_SUFFIXES = (".txt", ".md", ".markdown")
HTML_SUFFIXES = (".html", ".htm")
JSONL_SUFFIXES = (".jsonl", ".ndjson")
# Web archives: WARC (CC-NEWS-20240101123456-00001.warc.gz) and the older ARC format.
WARC_SUFFIXES = (".warc", ".arc")
SUPPORTED_SUFFIXES = TEXT_SUFFIXES + HTML_SUFFIXES + JSONL_SUFFIXES + WARC_SUFFIXES
GZIP_SUFFIX = ".gz"
GZIP_MAGIC = b"\x1f\x8b"
WARC_MAGIC = b"WARC/1."
ARC_MAGIC = b"filedesc://"
# Names (before the first dot, any case) of a folder's documentation, skipped as no article.
DOCUMENTATION_NAMES = frozenset(
    ("readme", "license", "licence", "changelog", "changes", "notice", "copying", "authors")
)
DOCUMENTATION = "documentation"
# Bytes read from a file of unknown suffix to tell what it holds.
SNIFF_BYTES = 65536
# Starts of markup that make a file HTML (looked for, lower case, near its start).
HTML_SNIFF_MARKERS = ("<!doctype html", "<html", "<head", "<body", "<meta ", "<title")
# Formats recognised by their first bytes that Dateline does not read.
BINARY_MAGICS = {
    b"%PDF": "PDF",
    b"\x89PNG": "PNG image",
    b"\xff\xd8\xff": "JPEG image",
    b"GIF8": "GIF image",
    b"PK\x03\x04": "ZIP archive",
    b"\x28\xb5\x2f\xfd": "zstd stream",
    b"BZh": "bzip2 stream",
    b"\xfd7zXZ": "xz stream",
}
# Byte-order marks, longest first (the UTF-32 LE mark begins with the UTF-16 LE one).
BYTE_ORDER_MARKS = (
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\xfe\xff", "utf-16-be"),
    (b"\xff\xfe", "utf-16-le"),
)
# UTF-16 without a mark: ASCII-heavy text has a NUL in nearly every other byte and almost
# none in the others; these shares leave no doubt (binary data has NULs at both parities).
UTF16_NUL_SHARE = 0.4
UTF16_OTHER_NUL_SHARE = 0.02
# Fewer bytes than this say too little to read them as UTF-16 without a mark.
UTF16_MIN_BYTES = 16
# ...and most of its other bytes must be printable ASCII or whitespace.
UTF16_PRINTABLE_SHARE = 0.8
PRINTABLE_ASCII = bytes(range(32, 127)) + b"\t\n\r"
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
# HTTP content types read as HTML pages.
HTML_MEDIA_TYPES = ("text/html", "application/xhtml+xml")
# WARC record types that never hold a page, each counted under its own name when skipped.
WARC_PAGE_TYPE = "response"
# Bytes a web archive may hold after its last record (the blank lines that end it).
WARC_TRAILING_SLACK = 4
# A reader's error message can quote kilobytes of the bad bytes: the detail keeps its start.
ERROR_DETAIL_CHARS = 160


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
    # Records read and set aside as no article, by kind (web archives: ``request``,
    # ``metadata``, ``revisit``, ``not_html``, ``status_404``...).
    skipped: dict[str, int] = field(default_factory=dict)
    # True for a part of a web archive read in parts that more parts follow.
    is_partial: bool = False

    def skip(self, kind: str) -> None:
        self.skipped[kind] = self.skipped.get(kind, 0) + 1


def source_kind(path: str | os.PathLike) -> str | None:
    """``text``, ``html``, ``jsonl`` or ``warc`` from the file name (``.gz`` looked
    through); None when the suffix says nothing (the content is sniffed instead)."""
    name = os.path.basename(path).lower()
    if name.endswith(GZIP_SUFFIX):
        name = name[: -len(GZIP_SUFFIX)]
    for kind, suffixes in (
        ("text", TEXT_SUFFIXES),
        ("html", HTML_SUFFIXES),
        ("jsonl", JSONL_SUFFIXES),
        ("warc", WARC_SUFFIXES),
    ):
        if name.endswith(suffixes):
            return kind
    return None


def discover_files(sources: Iterable[str]) -> tuple[list[str], list[Reject]]:
    """Files named by SOURCE arguments: files, folders (walked recursively), globs or
    ``s3://`` URLs (an object, a prefix, a glob), as absolute path strings (or ``s3://``
    URIs) in path order (a run holds 100k of them: a string is a fraction
    of a Path's size and cost).

    Every file found is returned, whatever its suffix: reading it tells what it is, and
    one that is no supported format becomes a reject then (never a silent skip). A
    SOURCE that matches nothing is a reject ``not_found``.
    """
    found: set[str] = set()
    rejects: list[Reject] = []
    for source in sources:
        if objectstore.is_object_url(source):
            # Listing errors (no bucket, no credentials) stop the run with one sentence.
            objects = objectstore.list_objects(source)
            if not objects:
                rejects.append(Reject(source, "not_found", f"No object matches {source!r}."))
            found.update(objects)
            continue
        path = Path(source).expanduser()
        if path.is_dir():
            found.update(_walk(path))
        elif path.is_file():
            found.add(str(path.resolve()))
        else:
            matches = sorted(glob.glob(os.path.expanduser(source), recursive=True))
            files = [str(Path(m).resolve()) for m in matches if Path(m).is_file()]
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
    """Files below ``directory``, sorted per folder, symlinked folders not followed (so the
    walk cannot loop), hidden files and folders (``.git``, ``.DS_Store``) left out. The folder is resolved once; only a symlinked file is
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
            if entry.name.startswith("."):
                continue
            if entry.is_dir(follow_symlinks=False):
                subfolders.append(entry.path)
            elif entry.is_file():
                yield os.path.realpath(entry.path) if entry.is_symlink() else entry.path
        pending.extend(reversed(subfolders))


def open_source(uri: str):
    """A binary file object for a local path or an ``s3://`` URI (read in blocks)."""
    return objectstore.open_object(uri) if objectstore.is_object_url(uri) else open(uri, "rb")


def read_bytes(path: str | os.PathLike, max_bytes: int) -> bytes:
    """The file's bytes, gunzipped when it is gzip, refusing more than ``max_bytes``."""
    # One read per file; gzip is decompressed from those bytes (streamed when it is huge).
    with open_source(os.fspath(path)) as handle:
        data = _read_up_to(handle, max_bytes + 1)
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


def _read_up_to(handle, limit: int) -> bytes:
    """What ``handle.read(limit)`` gives. A local file is read into a buffer of its size
    (plus one byte, to see its end), not of ``limit``: a read call allocates the whole
    buffer it may fill, and a 64 MB buffer costs more than reading a small file."""
    try:
        size = os.fstat(handle.fileno()).st_size
    except (AttributeError, OSError, io.UnsupportedOperation):
        return handle.read(limit)
    data = handle.read(min(size + 1, limit))
    if len(data) <= size or len(data) == limit:
        return data
    # The file grew since its size was read: the rest, up to the limit.
    return data + handle.read(limit - len(data))


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
    """UTF-8 (BOM dropped), UTF-16 or UTF-32 (with a byte-order mark, or UTF-16 whose NUL
    bytes leave no doubt), else a detected legacy encoding; None for binary data."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    wide = _wide_encoding(data)
    if wide is not None:
        encoding, mark_length = wide
        return _clean_text(data[mark_length:].decode(encoding, errors="replace"))
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


def _wide_encoding(data: bytes) -> tuple[str, int] | None:
    """(encoding, length of its byte-order mark) for UTF-16 or UTF-32 text, else None."""
    for mark, encoding in BYTE_ORDER_MARKS:
        if data.startswith(mark):
            return encoding, len(mark)
    sample = data[: SNIFF_BYTES & ~1]
    # Without a NUL byte neither half of the sample reaches UTF16_NUL_SHARE: one search
    # instead of splitting and counting the sample, for nearly every file.
    if len(sample) < UTF16_MIN_BYTES or b"\x00" not in sample:
        return None
    even, odd = sample[0::2], sample[1::2]
    even_nuls, odd_nuls = even.count(0) / len(odd), odd.count(0) / len(odd)
    if even_nuls > UTF16_NUL_SHARE and odd_nuls < UTF16_OTHER_NUL_SHARE:
        encoding, low_bytes = "utf-16-be", odd
    elif odd_nuls > UTF16_NUL_SHARE and even_nuls < UTF16_OTHER_NUL_SHARE:
        encoding, low_bytes = "utf-16-le", even
    else:
        return None
    # ASCII-heavy text, not 16-bit samples of sound or pixels whose high bytes are zero.
    printable = len(low_bytes) - len(low_bytes.translate(None, PRINTABLE_ASCII))
    return (encoding, 0) if printable / len(low_bytes) > UTF16_PRINTABLE_SHARE else None


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


def is_documentation(name: str) -> bool:
    """True for a folder's README, LICENSE, CHANGELOG... (any suffix, any case)."""
    return name.split(".", 1)[0].lower() in DOCUMENTATION_NAMES


def sniff_kind(head: bytes) -> str | None:
    """``warc``, ``html``, ``jsonl`` or ``text`` from a file's first bytes (gunzipped when
    gzip), or None when they are none of these."""
    if head.startswith(GZIP_MAGIC):
        try:
            head = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, SNIFF_BYTES)
        except zlib.error:
            return None
    if head.startswith((WARC_MAGIC, ARC_MAGIC)):
        return "warc"
    if head.startswith(tuple(BINARY_MAGICS)):
        return None
    text = decode_text(head)
    if text is None or not text.strip():
        return None
    start = text.lstrip()[:2048].lower()
    if start.startswith("<") and any(marker in start for marker in HTML_SNIFF_MARKERS):
        return "html"
    first_line = start.split("\n", 1)[0]
    if first_line.startswith("{"):
        try:
            if isinstance(json.loads(text.lstrip().split("\n", 1)[0]), dict):
                return "jsonl"
        except (json.JSONDecodeError, RecursionError):
            pass
    return "text"


def _read_head(path: str) -> bytes:
    with open_source(path) as handle:
        return handle.read(SNIFF_BYTES)


def _unsupported(uri: str, head: bytes) -> Reject:
    name = os.path.basename(uri)
    known = next((label for magic, label in BINARY_MAGICS.items() if head.startswith(magic)), None)
    what = f"a {known}" if known else "binary data or an unknown format"
    return Reject(
        uri,
        "unsupported_format",
        f"{name} is {what}: not text, HTML, JSON Lines or a web archive (WARC, ARC).",
    )


def read_source(path: str | os.PathLike, max_bytes: int) -> SourceRead:
    """Read one source file into records, or rejects; never raises for bad input."""
    # Plain strings: building a Path per file costs more than reading a small one.
    uri = os.fspath(path)
    name = os.path.basename(uri)
    kind = source_kind(uri)
    try:
        if kind is None:
            head = _read_head(uri)
            kind = sniff_kind(head)
            if kind is None and head and not head.isspace():
                # Told from its first bytes: the rest (a video, say) is never read.
                return SourceRead(uri, None, rejects=[_unsupported(uri, head)])
        if kind == "warc":
            return read_web_archive(uri, max_bytes)
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
    if kind == "jsonl":
        _read_json_lines(uri, text, result)
    elif kind == "html":
        result.records.append(_record(uri, uri, "html", html=text))
    else:
        result.records.append(_record(uri, uri, "text", text=text))
    return result


def _hash_file(path: str) -> str:
    """SHA-256 of the file's bytes as stored, read in chunks (web archives run to gigabytes)."""
    digest = hashlib.sha256()
    with open_source(path) as handle:
        while chunk := handle.read(READ_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def read_web_archive(path: str, max_bytes: int) -> SourceRead:
    """A whole web archive as one ``SourceRead``: its parts (``iter_web_archive``) merged.
    Used where an archive is read like any file (one found by its first bytes); archives
    known by their suffix are read part by part (``flows.parallel.read_archive_parts``)."""
    whole = SourceRead(path, None)
    for part in iter_web_archive(path, max_bytes, part_pages=None):
        whole.records.extend(part.records)
        whole.rejects.extend(part.rejects)
        for kind, n in part.skipped.items():
            whole.skipped[kind] = whole.skipped.get(kind, 0) + n
        whole.file_hash = part.file_hash
    return whole


class _HashingReader:
    """Reads a binary file object front to back, hashing every byte it hands on."""

    def __init__(self, handle) -> None:
        self.handle = handle
        self.digest = hashlib.sha256()
        self.position = 0

    def read(self, size: int = -1) -> bytes:
        data = self.handle.read(size)
        self.digest.update(data)
        self.position += len(data)
        return data

    def tell(self) -> int:
        return self.position

    def finish(self) -> str:
        """Read what is left (the hash covers the whole file) and return the hash."""
        while self.read(READ_CHUNK):
            pass
        return self.digest.hexdigest()


def iter_web_archive(path: str, max_bytes: int, part_pages: int | None) -> Iterator[SourceRead]:
    """A WARC or ARC file (gzipped or not) read front to back in parts of at most
    ``part_pages`` page records (all in one part when None): one record per HTML
    ``response`` with HTTP status 200; every other record is counted in ``skipped`` by kind.
    Memory holds one part's pages, never the file. The bytes are hashed as they stream by:
    only the last part carries ``file_hash`` (the hash of the whole file); parts before it
    have None.

    A record's ``source_uri`` is the file path plus ``#`` and the record's byte offset in
    the file (``#0`` for the first): digits, like the ``#N`` of JSON Lines, so the load
    step's per-file bookkeeping recognises it, and ``dd``/warcio can seek straight to it.
    The record's ``WARC-Target-URI`` is its ``url``. Its ``WARC-Date`` is when the page was
    fetched, not published: it is not handed on as ``record_date`` (a fallback publication
    date that would also stop the page-wide date search for undated pages), and the
    contract has no column for a fetch instant yet.

    A truncated or unreadable record is a reject ``corrupt_warc``; the records before it
    land. A file that cannot be opened is one part with a reject ``unreadable``.
    """
    name = os.path.basename(path)
    try:
        handle = open_source(path)
    except OSError as error:
        detail = f"{name} could not be read: {error.strerror or error}."
        yield SourceRead(path, None, rejects=[Reject(path, "unreadable", detail)])
        return
    with handle:
        size = handle.seek(0, os.SEEK_END)
        handle.seek(0)
        if not size:
            empty = SourceRead(path, hashlib.sha256(b"").hexdigest())
            empty.rejects.append(Reject(path, "empty", f"{name} is empty."))
            yield empty
            return
        # ARC records are read as WARC ones only in an ARC file: in a WARC file, bytes that
        # parse as neither are a corrupt record, not an ARC record.
        is_arc = _is_arc(handle.read(SNIFF_BYTES))
        handle.seek(0)
        stream = _HashingReader(handle)
        records = ArchiveIterator(stream, arc2warc=is_arc)
        part = SourceRead(path, None)
        seen_any = False
        # warcio counts (and prints) each record not followed by its blank lines: its
        # Content-Length is wrong, or bytes were added or lost inside it. Its message goes
        # to stderr; the reject below says the same where the run's rejects are read.
        misaligned = 0
        previous: tuple[int, int] | None = None
        try:
            with contextlib.redirect_stderr(io.StringIO()):
                for record in records:
                    # Known only once the next record is found: the previous one is checked
                    # before its part is handed on.
                    if previous is not None and records.err_count > misaligned:
                        _drop_misaligned(path, name, *previous, part)
                    misaligned = records.err_count
                    if part_pages is not None and len(part.records) >= part_pages:
                        seen_any = part.is_partial = True
                        yield part
                        part = SourceRead(path, None)
                    # Where the record starts (get_record_offset would read it to its end).
                    offset = records.offset
                    previous = (offset, len(part.records))
                    _read_archive_record(path, name, offset, record, max_bytes, part)
                if previous is not None and records.err_count > misaligned:
                    _drop_misaligned(path, name, *previous, part)
        except (ArchiveLoadFailed, ValueError, EOFError, zlib.error, OSError) as error:
            # The reader cannot find where the next record starts: the rest is lost.
            at = records.offset
            detail = (str(error).strip() or type(error).__name__)[:ERROR_DETAIL_CHARS]
            part.rejects.append(
                Reject(
                    f"{path}#{at}",
                    "corrupt_warc",
                    f"{name}: the record at byte {at} cannot be read ({detail}); "
                    "the records after it are lost.",
                )
            )
        else:
            # A gzip member cut short ends the iteration as if the file ended there.
            if size - records.offset > WARC_TRAILING_SLACK:
                part.rejects.append(
                    Reject(
                        f"{path}#{records.offset}",
                        "corrupt_warc",
                        f"{name}: the {size - records.offset:,} bytes from byte "
                        f"{records.offset} hold no complete record (truncated).",
                    )
                )
        try:
            part.file_hash = stream.finish()
        except OSError as error:
            part.rejects.append(
                Reject(path, "unreadable", f"{name} could not be read to its end: {error}.")
            )
            part.file_hash = None
    if not seen_any and not part.records and not part.rejects and not part.skipped:
        part.rejects.append(
            Reject(path, "unsupported_format", f"{name} holds no WARC or ARC record.")
        )
    yield part


def _drop_misaligned(path: str, name: str, offset: int, n_pages: int, result: SourceRead) -> None:
    """The record at ``offset`` did not end where its length said: its page (if it gave
    one, the last of ``result.records`` beyond the first ``n_pages``) is dropped as corrupt."""
    del result.records[n_pages:]
    result.rejects.append(
        Reject(
            f"{path}#{offset}",
            "corrupt_warc",
            f"{name}: the record at byte {offset} does not end where its Content-Length says "
            "(bytes added or lost); the record after it may be lost too.",
        )
    )


def _is_arc(head: bytes) -> bool:
    if head.startswith(GZIP_MAGIC):
        try:
            head = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, len(ARC_MAGIC))
        except zlib.error:
            return False
    return head.startswith(ARC_MAGIC)


def _read_archive_record(
    path: str, name: str, offset: int, record, max_bytes: int, result: SourceRead
) -> None:
    """Add one archive record to ``result``: a page record, a skip, or a reject."""
    uri = f"{path}#{offset}"
    if not record.rec_type:
        result.rejects.append(
            Reject(uri, "corrupt_warc", f"{name}: the record at byte {offset} has no WARC-Type.")
        )
        return
    if record.rec_type != WARC_PAGE_TYPE:
        result.skip(record.rec_type)
        return
    http = record.http_headers
    status = http.get_statuscode() if http is not None else None
    target = record.rec_headers.get_header("WARC-Target-URI") or ""
    if not status:
        if not target.lower().startswith(("http:", "https:")):
            # dns:, ftp: and the like: fetches of something other than a web page.
            result.skip("not_http")
            return
        result.rejects.append(
            Reject(
                uri,
                "corrupt_warc",
                f"{name}: the HTTP response at byte {offset} has no readable status line.",
            )
        )
        return
    if status != "200":
        result.skip(f"status_{status}")
        return
    content_type = http.get_header("Content-Type") or ""
    media_type = content_type.split(";", 1)[0].strip().lower()
    if media_type not in HTML_MEDIA_TYPES:
        result.skip("not_html")
        return
    payload = record.content_stream().read(max_bytes + 1)
    if len(payload) > max_bytes:
        result.rejects.append(
            Reject(
                uri,
                "too_large",
                f"{name}: the record at byte {offset} is larger than {max_bytes:,} bytes.",
            )
        )
        return
    # The reader stops short silently when the file ends inside a record.
    if record.raw_stream.limit:
        result.rejects.append(
            Reject(
                uri,
                "corrupt_warc",
                f"{name}: the record at byte {offset} is truncated "
                f"({record.raw_stream.limit:,} bytes of its declared length are missing).",
            )
        )
        return
    html = _decode_declared(payload, _charset(content_type))
    if html is None or not html.strip():
        result.rejects.append(
            Reject(
                uri,
                "binary" if html is None else "empty",
                f"{name}: the record at byte {offset} holds no readable HTML.",
            )
        )
        return
    result.records.append(_record(uri, path, "warc", html=html, url=target))


def _charset(content_type: str) -> str | None:
    """The ``charset`` parameter of an HTTP Content-Type, if any."""
    for parameter in content_type.split(";")[1:]:
        key, _, value = parameter.partition("=")
        if key.strip().lower() == "charset" and value.strip():
            return value.strip().strip("\"'").lower()
    return None


def _decode_declared(payload: bytes, charset: str | None) -> str | None:
    """Text in the charset the HTTP headers declare, before the page's own meta; detected
    as for any file when none is declared, the name is unknown or the bytes do not fit."""
    if charset is not None:
        try:
            text = payload.decode(charset)
        except (LookupError, UnicodeDecodeError):
            pass
        else:
            return _clean_text(text) if "\x00" in text or "\r" in text else text
    return decode_text(payload)


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
    # Built column by column: from rows, Polars looks at every record's keys (a third slower).
    return pl.DataFrame(
        {column: [record[column] for record in records] for column in RECORD_COLUMNS},
        schema=RECORD_COLUMNS,
    )
