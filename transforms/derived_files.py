"""Data derived once per machine from what is installed, kept between processes.

Some tables cost a second to build from their source (the language model's arrays,
decompressed from py3langid's LZMA file) but milliseconds to load once built. They are
written to ``$XDG_CACHE_HOME/dateline`` (``~/.cache/dateline``), named by what they are
derived from (the library's version, the Unicode database's version), so that a new
process, such as every ``dateline ingest``, starts without rebuilding them. A cache that
cannot be read or written only costs the rebuild: the derivation is always the truth.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

CACHE_FOLDER = "dateline"


def cache_dir() -> Path:
    # The XDG base directory convention: the one place a derived, disposable file belongs.
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / CACHE_FOLDER


def derived(
    name: str,
    build: Callable[[], T],
    load: Callable[[Path], T],
    save: Callable[[T, Path], None],
) -> T:
    """The value cached under ``name``, else ``build()``'s, saved for the next process.

    ``name`` must change whenever the source of the derivation changes (put its version
    in it). The file is written under a temporary name and renamed, so a reader never
    sees half of it.
    """
    path = cache_dir() / name
    try:
        return load(path)
    except (OSError, ValueError, KeyError, EOFError):
        pass
    value = build()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, scratch = tempfile.mkstemp(dir=path.parent, prefix=f".{name}.")
        os.close(handle)
        try:
            save(value, Path(scratch))
            os.replace(scratch, path)
        finally:
            if os.path.exists(scratch):
                os.unlink(scratch)
    except OSError:
        pass  # a read-only home: the next process builds it again
    return value
