"""Object storage (``s3://bucket/prefix/``) as a place to read sources from and to export to.

Reached through s3fs (fsspec over aiobotocore): the same file objects as local files
(seekable, read in blocks ahead, so a multi-gigabyte web archive streams), and the
filesystem object that pyarrow, Polars and DuckDB's Python client take for reading an
export back. Credentials, region and endpoint come from the standard AWS variables and
profiles (``AWS_ACCESS_KEY_ID``, ``AWS_PROFILE``, ``AWS_REGION``, ``AWS_ENDPOINT_URL`` for
MinIO-style servers...): botocore reads them, Dateline passes none of its own.

A source URI is ``s3://bucket/key``; its stat is the object's size and ETag (S3 has no
mtime one can trust to the nanosecond, and a new ETag comes with every write of the key).
Every failure to reach the store becomes an ``ObjectStoreError`` of one sentence.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

# ``scheme://`` at the start of a SOURCE or an output: a URL, never a local path.
URL_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")
S3_SCHEME = "s3"
SUPPORTED_SCHEMES = (S3_SCHEME,)
S3_PREFIX = "s3://"
# Errors of botocore that mean the store cannot be reached or refused us, by class name
# (botocore is imported only when an s3:// URL is used).
ACCESS_ERRORS = {
    "NoCredentialsError": "no AWS credentials were found (set AWS_ACCESS_KEY_ID and "
    "AWS_SECRET_ACCESS_KEY, or AWS_PROFILE)",
    "PartialCredentialsError": "the AWS credentials are incomplete",
    "EndpointConnectionError": "the endpoint cannot be reached (check AWS_ENDPOINT_URL and "
    "the network)",
    "ConnectTimeoutError": "the endpoint did not answer in time",
    "ReadTimeoutError": "the endpoint did not answer in time",
    "NoRegionError": "no AWS region is set (set AWS_REGION or AWS_DEFAULT_REGION)",
    "InvalidEndpointError": "AWS_ENDPOINT_URL is not a valid URL",
}


class UnsupportedScheme(ValueError):
    """A URL whose scheme Dateline cannot read or write (a usage error)."""


class ObjectStoreError(RuntimeError):
    """The object store cannot be listed, read or written; the message is one sentence."""


@dataclass(frozen=True)
class ObjectStat:
    size: int
    etag: str


def url_scheme(location: str) -> str | None:
    """The lower-case scheme of a URL (``s3``, ``gs``, ``ftp``...), None for a local path."""
    match = URL_SCHEME.match(location)
    return match.group(1).lower() if match else None


def is_object_url(location: str) -> bool:
    return url_scheme(location) == S3_SCHEME


def check_location(location: str, what: str = "source") -> None:
    """Raise ``UnsupportedScheme`` for a URL of a scheme Dateline does not read."""
    scheme = url_scheme(location)
    if scheme is not None and scheme not in SUPPORTED_SCHEMES:
        raise UnsupportedScheme(
            f"cannot read the {what} {location!r}: {scheme}:// is not supported; give a local "
            "file, folder or glob, or an s3://bucket/prefix/ URL."
        )
    if scheme == S3_SCHEME and not location[len(S3_PREFIX) :].split("/", 1)[0]:
        raise UnsupportedScheme(f"the {what} {location!r} names no bucket (s3://bucket/prefix/).")


@cache
def filesystem():
    """The process's s3fs filesystem, configured from the standard AWS settings."""
    try:
        import s3fs
    except ImportError as error:  # a broken install: s3fs is a dependency
        raise ObjectStoreError(
            "reading or writing s3:// needs s3fs, which is missing: reinstall Dateline "
            "(pip install dateline)."
        ) from error
    return s3fs.S3FileSystem()


@contextlib.contextmanager
def access(location: str, doing: str) -> Iterator[None]:
    """Turn the store's errors while ``doing`` something to ``location`` into an
    ``ObjectStoreError`` of one sentence (a missing key stays ``FileNotFoundError``)."""
    try:
        yield
    except ObjectStoreError:
        raise
    except FileNotFoundError as error:
        if "bucket" in str(error).lower():
            bucket = location[len(S3_PREFIX) :].split("/", 1)[0]
            raise ObjectStoreError(
                f"cannot {doing} {location}: the bucket {bucket!r} does not exist."
            ) from error
        raise
    except PermissionError as error:
        raise ObjectStoreError(
            f"cannot {doing} {location}: access denied ({_first_line(error)})."
        ) from error
    except Exception as error:
        reason = ACCESS_ERRORS.get(type(error).__name__)
        if reason is None and not isinstance(error, OSError):
            raise
        raise ObjectStoreError(
            f"cannot {doing} {location}: {reason or _first_line(error)}."
        ) from error


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return (text[0] if text else type(error).__name__).rstrip(".")


def list_objects(location: str) -> list[str]:
    """``s3://`` URIs of the objects ``location`` names: the object itself, every object
    under it as a prefix, or those a glob (``*``, ``?``, ``[``) matches. Hidden names (a
    path part starting with a dot below the prefix) are left out, as a folder walk does."""
    fs = filesystem()
    path = location[len(S3_PREFIX) :]
    with access(location, "list"):
        # A scheduled run must see objects written since the last one.
        fs.invalidate_cache()
        if any(char in path for char in "*?["):
            found = {
                name: info
                for name, info in fs.glob(path, detail=True).items()
                if info.get("type") == "file"
            }
        else:
            found = fs.find(path, detail=True)
    base = path.rstrip("/")
    uris = []
    for name, info in found.items():
        if info.get("type", "file") != "file" or name.endswith("/"):
            continue
        below = name[len(base) :] if name.startswith(base) else name
        if any(part.startswith(".") for part in below.split("/") if part):
            continue
        uris.append(S3_PREFIX + name)
    return sorted(uris)


def stat_object(uri: str) -> ObjectStat | None:
    """Size and ETag of one object (from this process's last listing when it holds it),
    None when it cannot be had (reading it then says why)."""
    try:
        with access(uri, "read"):
            info = filesystem().info(uri)
    except (ObjectStoreError, OSError):
        return None
    etag = info.get("ETag") or info.get("etag")
    if etag is None or info.get("size") is None:
        return None
    return ObjectStat(int(info["size"]), str(etag).strip('"'))


def open_object(uri: str):
    """A seekable binary file object reading the object in blocks (never whole)."""
    with access(uri, "read"):
        return filesystem().open(uri, "rb")
