"""Standard input copied to an unnamed temporary file, so that it can be read twice.

Why: the command line reads a big log in bounded memory by reading it
twice.  `kalog events` reads each input once into windows and reads the
lines' text back as it writes them (`kalog.ingest.stream`,
`kalog.ingest.refetch`), and the analysis reads back only the lines it
cites instead of holding every line's text (~107 MB per million dense
lines).  A pipe can be read once: `zcat big.gz | kalog events -` held the
whole frame and every line's text.  So the command line first copies stdin
(as piped: compressed data stays compressed, and is detected when read) to
a temporary file, and "-" is read from the copy until the command ends.
lnav does the same with piped input.

The file is `tempfile.TemporaryFile`: unnamed on Linux (unlinked at once),
so nothing is left behind even when the process is killed; it takes disk
space under $TMPDIR as big as the piped bytes until the command ends.
Each reader of the copy reads with `os.pread` at its own offset, so the
stream's windows and the lines read back can read it at once.

When the copy cannot be made (no space left under $TMPDIR, no `os.pread`)
nothing is lost: what was copied, then the rest of stdin, is read once as
stdin was before (`open_stdin`), only without reading it twice, and the
caller says so in one warning.

Only the command line copies (`copy_stdin`, `release`); a library caller's
`read_events("-")` reads stdin itself, once.
"""

from __future__ import annotations

import io
import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from typing import BinaryIO

from kalog.errors import InputError

#: Bytes copied per read of stdin (kalog.ingest.read's CHUNK_SIZE).
COPY_BYTES = 1 << 22


#: The copy "-" reads while the command runs (an open unnamed file, complete);
#: None: stdin itself.
_copy: BinaryIO | None = None
#: A copy that failed: what was copied then the rest of stdin, to read once.
_rest: BinaryIO | None = None


class _PositionalReader(io.RawIOBase):
    """Reads a file descriptor from its start with `os.pread`: its own offset,
    none shared with other readers of the same file."""

    def __init__(self, fd: int, size: int) -> None:
        self._fd = fd
        self._size = size
        self._at = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._at, io.SEEK_END: self._size}[whence]
        self._at = max(0, base + offset)
        return self._at

    def tell(self) -> int:
        return self._at

    def read(self, size: int | None = -1) -> bytes:
        """Up to `size` bytes (all that are left: None or negative), one `pread`."""
        left = max(0, self._size - self._at)
        size = left if size is None or size < 0 else min(size, left)
        data = os.pread(self._fd, size, self._at) if size else b""
        self._at += len(data)
        return data

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


class _Chained(io.RawIOBase):
    """Several byte streams read one after the other (the failed copy's replay)."""

    def __init__(self, parts: Iterator[bytes]) -> None:
        self._parts = parts
        self._pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        while not self._pending:
            part = next(self._parts, None)
            if part is None:
                return 0
            self._pending = part
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size


def copy_stdin(
    progress: Callable[[int, int | None], None] | None = None,
    *,
    stdin: BinaryIO | None = None,
) -> str | None:
    """Copy stdin to an unnamed temporary file, read as "-" until `release`.

    Returns None when copied, else why not (one line; stdin is then read
    once, what was copied first: nothing is lost).  `progress` is called
    as (bytes copied, None).
    """
    global _copy, _rest
    release()
    source = stdin if stdin is not None else getattr(sys.stdin, "buffer", None)
    if source is None:  # pragma: no cover - stdin replaced by a text-only object
        return "stdin is not readable as bytes"
    if not hasattr(os, "pread"):  # pragma: no cover - not POSIX
        return "no os.pread here"
    try:
        handle: BinaryIO = tempfile.TemporaryFile(prefix="kalog-stdin-")  # noqa: SIM115
    except OSError as exc:
        return f"cannot create a temporary file ({exc.strerror or exc})"
    copied = 0
    while True:
        chunk = source.read(COPY_BYTES)
        if not chunk:
            break
        try:
            handle.write(chunk)
            handle.flush()  # a full disk fails here, with `copied` the bytes that are there
        except OSError as exc:
            _rest = _replay(handle, copied, chunk, source)
            return f"cannot copy stdin to a temporary file ({exc.strerror or exc})"
        copied += len(chunk)
        if progress is not None:
            progress(copied, None)
    _copy = handle
    return None


def _replay(handle: BinaryIO, copied: int, chunk: bytes, source: BinaryIO) -> BinaryIO:
    """What a failed copy read: its first `copied` bytes, `chunk`, then the rest of `source`."""

    def parts() -> Iterator[bytes]:
        try:
            reader = _PositionalReader(handle.fileno(), copied)
            while block := reader.read(COPY_BYTES):
                yield block
        finally:
            handle.close()
        yield chunk
        while block := source.read(COPY_BYTES):
            yield block

    return io.BufferedReader(_Chained(parts()), COPY_BYTES)


def open_stdin() -> BinaryIO:
    """A stream of "-": a new reader of the copy, the failed copy's replay
    (once), or stdin itself (which the caller must not close)."""
    global _rest
    if _copy is not None:
        fd = _copy.fileno()
        return _PositionalReader(fd, os.fstat(fd).st_size)  # type: ignore[return-value]
    if _rest is not None:
        rest, _rest = _rest, None
        return rest
    stream = getattr(sys.stdin, "buffer", None)
    if stream is None:  # pragma: no cover - stdin replaced by a text-only object
        raise InputError("-", "stdin is not readable as bytes")
    return stream


def copied() -> os.stat_result | None:
    """`os.stat` of the copy "-" reads, None when stdin is not copied."""
    return None if _copy is None else os.fstat(_copy.fileno())


def release() -> None:
    """Drop the copy (its disk space goes back): "-" is stdin again."""
    global _copy, _rest
    if _copy is not None:
        _copy.close()
    if _rest is not None:
        _rest.close()
    _copy = _rest = None
