"""Inputs named by URL (`s3://bucket/logs/*.gz`, `gs://...`, `memory://...`), read through fsspec.

Months of a fleet's logs live in object storage, not on the machine that
analyses them.  An input whose name has a `PROTOCOL://` is opened with
fsspec (the optional extra `kalog[fleet]`; each protocol's own backend,
e.g. s3fs, installed beside it); everything after the open - compression
found by magic bytes, damaged streams, line splitting - is
`kalog.ingest.read`'s, as for a local file.  The object's modification
time (`mtime`, `LastModified`, `updated` or `created`, whichever the
backend gives) dates year-less lines as a file's does.

A protocol fsspec does not know, a backend or fsspec itself missing, is a
`KalogError` (one line, exit 2) found before any reading (`check_url`).
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any, BinaryIO

from kalog.errors import InputError, KalogError, opening

#: What to install for URL inputs.
FLEET_EXTRA = "pip install 'kalog[fleet]'"
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_GLOB = re.compile(r"[*?\[]")


def is_url(name: str) -> bool:
    """True for `PROTOCOL://...` (not a local path, not stdin)."""
    return bool(_URL.match(name))


def _filesystem(name: str) -> tuple[Any, str]:
    """(fsspec filesystem, path in it) of a URL; KalogError when it cannot be read at all."""
    try:
        import fsspec
    except ImportError:
        raise KalogError(
            f"{name}: URL inputs need fsspec, which is not installed ({FLEET_EXTRA})"
        ) from None
    try:
        return fsspec.core.url_to_fs(name)
    except ImportError as exc:  # the protocol's backend: s3fs, gcsfs, ...
        raise KalogError(f"{name}: {exc}") from None
    except ValueError as exc:  # "Protocol not known: foo"
        raise KalogError(f"{name}: {exc}") from None


def check_url(name: str) -> list[str]:
    """The inputs a URL names: itself, or the objects its glob matches (sorted).

    KalogError for an unknown protocol, a missing backend, or a glob that
    matches nothing.
    """
    fs, path = _filesystem(name)
    if not _GLOB.search(path):
        return [name]
    found = sorted(fs.glob(path))
    if not found:
        raise KalogError(f"{name}: no object matches")
    prefix = name.split("://", 1)[0]
    return [_url_of(fs, prefix, item) for item in found]


def _url_of(fs: Any, protocol: str, path: str) -> str:
    """`protocol://path` as fsspec spells it for this filesystem."""
    unstripped = fs.unstrip_protocol(path)
    return unstripped if unstripped.startswith(f"{protocol}://") else f"{protocol}://{path}"


def open_url(source: Any) -> BinaryIO:
    """Open `source` (a `kalog.ingest.read.Source` named by URL) for binary reading.

    Sets `source.mtime`; InputError for a missing object or a directory.
    """
    try:
        fs, path = _filesystem(source.name)
    except KalogError as exc:
        raise InputError(source.name, str(exc).split(": ", 1)[-1]) from None
    with opening(source.name):
        info = fs.info(path)
        if info.get("type") == "directory":
            raise InputError(source.name, "is a directory")
        handle = fs.open(path, "rb")
    source.mtime = _mtime(info)
    return handle


def url_size(name: str) -> int | None:
    """Bytes in the object (None when it cannot be told)."""
    try:
        fs, path = _filesystem(name)
        size = fs.info(path).get("size")
    except (KalogError, OSError):
        return None
    return int(size) if isinstance(size, int) else None


def _mtime(info: dict[str, Any]) -> datetime | None:
    """The object's last write as local naive time (what `os.stat` gives a file)."""
    for key in ("mtime", "LastModified", "updated", "last_modified", "created"):
        value = info.get(key)
        if value is None:
            continue
        if isinstance(value, int | float):
            return datetime.fromtimestamp(value)
        if isinstance(value, str):
            try:
                value = datetime.fromisoformat(value.replace("Z", "+00:00"))
            except ValueError:
                continue
        if isinstance(value, datetime):
            return value.astimezone().replace(tzinfo=None) if value.tzinfo else value
    return None
