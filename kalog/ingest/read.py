"""Open log inputs and turn their bytes into blocks of text lines.

This is the only module that touches files.  It knows about compression
(gzip, bzip2, xz, recognised by their magic bytes because rotated logs are
often renamed), stdin, damaged streams, over-long lines, NUL bytes, CRLF line
ends and bytes that are not UTF-8.  It knows nothing about syslog or
keepalived: it yields `LineBlock`s of decoded lines with their 1-based line
numbers, in large blocks so the parser above can work on many lines at once.

Why blocks and not a line iterator: a gigabyte syslog file has tens of
millions of lines of which ~1% are keepalived's.  Splitting, decoding and
prefiltering a few megabytes at a time keeps the per-line Python work to a
list comprehension.
"""

from __future__ import annotations

import bz2
import codecs
import lzma
import os
import stat
import sys
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO, Protocol

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from kalog.errors import InputError, opening
from kalog.ingest import remote, stdin_copy
from kalog.speed import compiled

#: Bytes read from the input per step (before decompression).
CHUNK_SIZE = 1 << 22
#: Lines longer than this (in bytes) are truncated to it, with a warning.
#: keepalived's own messages are below 1 KiB (1.2.x even truncates at 255).
MAX_LINE_BYTES = 1 << 16
#: Share of control or undecodable bytes in the first 64 KiB above which an
#: input is called binary and refused.
BINARY_THRESHOLD = 0.10
_SNIFF_BYTES = 1 << 16

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x1f\x8b", "gzip"),
    (b"BZh", "bzip2"),
    (b"\xfd7zXZ\x00", "xz"),
    (b"\x28\xb5\x2f\xfd", "zstd"),
)

_undecodable = [0]


def _count_and_replace(exc: UnicodeError) -> tuple[str, int]:
    """Codec error handler: replace each bad byte run by U+FFFD and count it."""
    if not isinstance(exc, UnicodeDecodeError):  # pragma: no cover - decode only
        raise exc
    _undecodable[0] += exc.end - exc.start
    return "\ufffd", exc.end


codecs.register_error("kalog.count", _count_and_replace)


def decode(data: bytes) -> tuple[str, int]:
    """Decode UTF-8, replacing invalid bytes; return (text, invalid byte count)."""
    try:
        return data.decode("utf-8"), 0
    except UnicodeDecodeError:
        before = _undecodable[0]
        text = data.decode("utf-8", "kalog.count")
        return text, _undecodable[0] - before


class LineBlock:
    """Consecutive decoded lines of one input, kept as one string (or ASCII bytes).

    `first` is the 1-based number of the first line, `count` the number of
    lines.  The text is split into `lines` only when asked: a prefilter can
    find the few keepalived lines of a block with `str.find` instead.

    A block of pure ASCII keeps its bytes (`data`) and decodes lazily: most
    of a gigabyte syslog is never looked at, so decoding it all would be
    wasted, and `bytes.find` is as fast as `str.find`.  `count` is computed
    on demand too, so `find_lines` can count the lines in the same pass.

    Lines over `max_line` bytes are truncated (with a warning through
    `warn`) when they are handed out, so a long line nobody looks at (a
    foreign line the prefilter skips) costs no extra pass over the block.
    """

    __slots__ = ("_count", "_data", "_lines", "_text", "first", "max_line", "warn")

    def __init__(
        self,
        first: int,
        text: str | None = None,
        max_line: int = MAX_LINE_BYTES,
        warn: Callable[[str], None] | None = None,
        *,
        data: bytes | None = None,
    ) -> None:
        if (text is None) == (data is None):
            raise ValueError("a LineBlock holds either text or ASCII data")
        self.first = first
        self._text = text
        self._data = data
        self.max_line = max_line
        self.warn = warn
        self._lines: list[str] | None = None
        self._count: int | None = None

    @property
    def text(self) -> str:
        if self._text is None:
            assert self._data is not None
            self._text = self._data.decode("ascii")
        return self._text

    @property
    def data(self) -> bytes | None:
        """The block's bytes when it is pure ASCII and not decoded yet, else None."""
        return self._data if self._text is None else None

    @property
    def count(self) -> int:
        if self._count is None:
            if self._text is not None:
                self._count = self._text.count("\n") + 1
            else:
                assert self._data is not None
                self._count = int(np.count_nonzero(np.frombuffer(self._data, np.uint8) == 10)) + 1
        return self._count

    def _cap(self, index: int, line: str) -> str:
        size = len(line.encode())
        if size <= self.max_line:
            return line
        if self.warn is not None:
            self.warn(f"line {self.first + index}: {size} bytes, truncated to {self.max_line}")
        return line.encode()[: self.max_line].decode("utf-8", "ignore")

    @property
    def lines(self) -> list[str]:
        if self._lines is None:
            lines = self.text.split("\n")
            limit = self.max_line // 4  # a UTF-8 character is at most 4 bytes
            if max(map(len, lines)) > limit:
                lines = [self._cap(i, t) if len(t) > limit else t for i, t in enumerate(lines)]
            self._lines = lines
        return self._lines

    def head(self, count: int) -> list[str]:
        """The first `count` lines (sniffing must not split a 30 MB block)."""
        if self._lines is not None:
            return self._lines[:count]
        if self._text is None:
            assert self._data is not None
            return [t.decode("ascii") for t in self._data.split(b"\n", count)[:count]]
        return self.text.split("\n", count)[:count]

    def dense(self, word: str, sample: int = 1 << 16) -> bool:
        """`mostly_matching` on most of four windows across the block (`sample` bytes in all).

        Decides between `find_lines` (a Python step per match: cheap when
        matches are rare) and `find_lines_bulk` (a fixed cost per line, paid
        in C++: cheaper when most lines match).  Not the block's head alone:
        a burst of keepalived lines there (a restart) sent 16 of the 10M
        benchmark file's 4 MB blocks, 1-2% keepalived, to the bulk search
        at ~8 ms more each.
        """
        text = self._data if self._text is None else self.text
        assert text is not None
        if len(text) <= sample:
            return mostly_matching(text, word)
        size, room = sample // 4, len(text) - sample // 4
        windows = (text[room * k // 3 : room * k // 3 + size] for k in range(4))
        return sum(mostly_matching(window, word) for window in windows) >= 3

    def find_lines_bulk(self, word: str) -> tuple[np.ndarray, pa.Array] | None:
        """(indexes, lines) of the lines containing `word`, split and searched by pyarrow.

        None when the block holds a line over the length cap: `find_lines`
        truncates it (with its warning) one line at a time.
        """
        lines = self._split()
        if lines is None:
            return None
        found = np.flatnonzero(pc.match_substring(lines, word).to_numpy(zero_copy_only=False))
        return found, lines.take(pa.array(found, type=pa.int64()))

    def pick_array(self, indexes: np.ndarray) -> pa.Array:
        """The lines at `indexes` (0-based, ascending) exactly as `lines` gives them,
        as an Arrow large_string array.

        Why: reading a dense log's text back (`kalog events`,
        `kalog.ingest.refetch`) wants lines of every block, and a str per
        line cost ~2 s per million lines; here no line becomes a Python
        object.  Nor is the block split into a new array of all its lines:
        the block's own bytes, wrapped as an array whose items are its lines
        and the newlines between them (offsets from one numpy search for
        the newlines), give the picked lines' bytes to one `take`, so only
        those are copied.  An analysis cites a few lines per block, and the
        split copied every block it read back (and its offsets) into
        Arrow's pool, which keeps what it frees.  Dense 1M, every line
        picked: 0.051 -> 0.046 s; every 200th: 0.047 -> 0.033 s.  A picked
        line over the length cap (rare) comes from `lines`, which truncates
        it with its warning.
        """
        data = self._data if self._text is None else self.text.encode("utf-8")
        assert data is not None
        newlines = np.flatnonzero(np.frombuffer(data, np.uint8) == 10)
        self._count = len(newlines) + 1
        # items: line 0, "\n", line 1, "\n", ..., the last line
        offsets = np.empty(2 * self._count, dtype=np.int64)
        offsets[0] = 0
        offsets[1:-1:2] = newlines
        offsets[2::2] = newlines + 1
        offsets[-1] = len(data)
        picked = np.asarray(indexes, dtype=np.int64)
        longest = (offsets[2 * picked + 1] - offsets[2 * picked]).max() if len(picked) else 0
        if longest > self.max_line:
            lines = self.lines
            return pa.array([lines[i] for i in picked.tolist()], pa.large_string())
        items = pa.LargeStringArray.from_buffers(
            len(offsets) - 1, pa.py_buffer(offsets), pa.py_buffer(data)
        )
        return items.take(pa.array(2 * picked, type=pa.int64()))

    def _split(self) -> pa.Array | None:
        """All the block's lines as an Arrow large_string array (`count` set); None
        when one is over the length cap."""
        data = self._data if self._text is None else self.text.encode("utf-8")
        assert data is not None
        whole = pa.LargeStringArray.from_buffers(
            1, pa.py_buffer(np.array([0, len(data)], dtype=np.int64)), pa.py_buffer(data)
        )
        lines = pc.split_pattern(whole, "\n").flatten()
        if len(lines) and pc.max(pc.binary_length(lines)).as_py() > self.max_line:
            return None
        self._count = len(lines)
        return lines

    def find_lines(self, word: str) -> list[tuple[int, str]]:
        """(index, line) of the lines containing `word`, without splitting the block."""
        if self._text is None:
            assert self._data is not None
            return self._find(self._data, word.encode("ascii"), b"\n", bytes.decode)
        return self._find(self.text, word, "\n", None)

    def _find(self, text: Any, word: Any, newline: Any, decode: Any) -> list[tuple[int, str]]:
        """The lines holding `word`: found with `find`, numbered by counting newlines.

        Why numpy for the numbering: the matches are a percent of the lines,
        but numbering them means counting every newline before them, and
        `bytes.count` walks a byte at a time; one vectorised comparison per
        block and `count_nonzero` between matches are several times faster
        (`np.add.reduceat` with a wider accumulator was slower still).  On
        bytes, `kalog.speed.compiled` finds and numbers them in one pass where it
        is built (~4x faster).
        """
        if isinstance(text, bytes) and compiled.linescan is not None:
            total, hits = compiled.linescan.find_lines(text, word)
        else:
            total, hits = self._find_python(text, word, newline)
        if self._count is None:
            self._count = total + 1
        limit = self.max_line // 4
        found = []
        for index, start, end in hits:
            line = text[start:end]
            if decode is not None:
                line = decode(line, "ascii")
            found.append((index, self._cap(index, line) if len(line) > limit else line))
        return found

    def _find_python(
        self, text: Any, word: Any, newline: Any
    ) -> tuple[int, list[tuple[int, int, int]]]:
        """(newlines in all, (line index, start, end) of each line holding `word`): what
        `kalog.speed._linescan.find_lines` returns."""
        spans: list[tuple[int, int]] = []
        pos = text.find(word)
        while pos >= 0:
            start = text.rfind(newline, 0, pos) + 1
            end = text.find(newline, pos)
            if end < 0:
                end = len(text)
            spans.append((start, end))
            pos = text.find(word, end)
        numbers, total = self._line_numbers(text, newline, [start for start, _ in spans])
        return total, [(n, start, end) for n, (start, end) in zip(numbers, spans, strict=True)]

    @staticmethod
    def _line_numbers(text: Any, newline: Any, starts: list[int]) -> tuple[list[int], int]:
        """(0-based line index of each of the ascending line `starts`, newlines in all)."""
        if isinstance(text, bytes):
            is_newline = np.frombuffer(text, dtype=np.uint8) == ord(newline)

            def count(begin: int, end: int | None) -> int:
                return int(np.count_nonzero(is_newline[begin:end]))
        else:

            def count(begin: int, end: int | None) -> int:
                return text.count(newline, begin, end)

        numbers, index, counted = [], 0, 0
        for start in starts:
            index += count(counted, start)
            counted = start
            numbers.append(index)
        return numbers, index + count(counted, None)


def mostly_matching(text: bytes | str, word: str) -> bool:
    """True when more than 1 line in 20 of `text` contains `word` (counted, not split).

    The one density rule of the reader: above it a block is searched by
    pyarrow line by line, and a file is read by one process (kalog.ingest.split).
    """
    if isinstance(text, bytes):
        return text.count(word.encode("ascii")) * 20 > text.count(b"\n") + 1
    return text.count(word) * 20 > text.count("\n") + 1


@dataclass
class Source:
    """One input as the user named it, plus what the reader learnt about it."""

    name: str  # as given on the command line; '-' is stdin
    index: int = 0  # position among the inputs (merge tie-break)
    compression: str = "none"
    mtime: datetime | None = None  # local time of the last write (None for stdin)
    lines_read: int = 0
    undecodable_bytes: int = 0
    warnings: list[str] = field(default_factory=list)
    #: called with the number of (raw, still compressed) bytes of each read,
    #: for a progress display
    progress: Callable[[int], None] | None = field(default=None, repr=False, compare=False)
    #: Read only bytes [start, stop) of an uncompressed regular file (one part
    #: of a file read by several processes, see kalog.ingest.split); start must be
    #: a line start.  A part after the first is not sniffed for compression
    #: or binary data: the first part decided that for the whole file.
    start: int = 0
    stop: int | None = None
    #: Bytes asked of each read (of the compressed bytes, for a compressed
    #: input); None: `CHUNK_SIZE`.  Reading back cited lines asks for less
    #: (`kalog.ingest.refetch`).
    chunk_size: int | None = None

    @property
    def is_stdin(self) -> bool:
        return self.name == "-"

    @property
    def default_host(self) -> str:
        """Host for lines whose envelope names none: the file name up to its first dot."""
        if self.is_stdin:
            return "stdin"
        base = Path(self.name).name
        return base.split(".", 1)[0] or base

    def warn(self, message: str) -> None:
        self.warnings.append(f"{self.name}: {message}")


class _Decompressor(Protocol):  # pragma: no cover - typing only
    def decompress(self, data: bytes, max_length: int = -1) -> bytes: ...


def open_input(source: Source) -> BinaryIO:
    """Open `source` for binary reading; raise InputError if it cannot be read."""
    if source.is_stdin:  # or the command line's copy of it (kalog.ingest.stdin_copy)
        return stdin_copy.open_stdin()
    if remote.is_url(source.name):
        return remote.open_url(source)
    path = Path(source.name)
    with opening(source.name):
        if path.is_dir():
            raise InputError(source.name, "is a directory")
        handle = path.open("rb")
        source.mtime = datetime.fromtimestamp(os.fstat(handle.fileno()).st_mtime)
    return handle


def _raw_chunks(stream: BinaryIO, source: Source) -> Iterator[bytes]:
    left = None if source.stop is None else source.stop - source.start
    size = source.chunk_size or CHUNK_SIZE
    if source.start:
        stream.seek(source.start)
    while left is None or left > 0:
        try:
            chunk = stream.read(size if left is None else min(size, left))
        except OSError as exc:
            source.warn(f"read error ({exc.strerror or exc}); kept the lines before it")
            return
        if not chunk:
            return
        if left is not None:
            left -= len(chunk)
        if source.progress is not None:
            source.progress(len(chunk))
        yield chunk


def input_size(name: str) -> int | None:
    """Bytes in a regular file (None for stdin, pipes and what cannot be stat'ed;
    the size of stdin's copy, `kalog.ingest.stdin_copy`)."""
    if name == "-":
        info = stdin_copy.copied()
        return None if info is None else info.st_size
    if remote.is_url(name):
        return remote.url_size(name)
    try:
        info = os.stat(name)
    except OSError:
        return None
    return info.st_size if stat.S_ISREG(info.st_mode) else None


def _new_decompressor(kind: str) -> _Decompressor:
    if kind == "gzip":
        return zlib.decompressobj(wbits=47)  # 32 + 15: gzip header, any window
    if kind == "bzip2":
        return bz2.BZ2Decompressor()
    return lzma.LZMADecompressor()


def _decompressed_chunks(raw: Iterator[bytes], kind: str, source: Source) -> Iterator[bytes]:
    """Decompress a stream of compressed chunks, tolerating damage.

    Why not gzip.open(): a truncated or corrupt stream raises in the middle of
    a read and the data decompressed by that read is lost.  Driving the
    decompressor by hand keeps every byte decoded before the damage.
    Concatenated members/streams (as `cat a.gz b.gz` makes) are followed.
    """
    decomp = _new_decompressor(kind)
    done = False  # current member finished
    pending = b""
    try:
        for chunk in raw:
            data = pending + chunk
            pending = b""
            while data:
                if done:
                    if not data.strip(b"\x00"):  # padding after the last member
                        data = b""
                        break
                    decomp, done = _new_decompressor(kind), False
                out = decomp.decompress(data)
                if out:
                    yield out
                if getattr(decomp, "eof", False):
                    done = True
                    data = decomp.unused_data
                else:
                    data = b""
    except (zlib.error, OSError, EOFError, lzma.LZMAError, ValueError) as exc:
        source.warn(f"corrupt {kind} data ({exc}); kept the lines before the damage")
        return
    if not done:
        source.warn(f"truncated {kind} data; kept the lines before the damage")
        raise _Truncated


class _Truncated(Exception):
    """Internal: the compressed stream ended early (drop the partial last line)."""


def _detect(head: bytes) -> str:
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    return "none"


def _looks_binary(sample: bytes) -> bool:
    """True when the sample is not text: many control or undecodable bytes.

    NUL bytes are ignored (syslog files left by a crash start with runs of
    them); a few invalid UTF-8 bytes in a Latin-1 log are fine.
    """
    sample = sample.replace(b"\x00", b"")
    if not sample:
        return False
    controls = sum(sample.count(bytes([b])) for b in range(32) if b not in (9, 10, 11, 12, 13, 27))
    _, bad = decode(sample[:-4] if len(sample) > 4 else sample)
    return (controls + bad) / len(sample) > BINARY_THRESHOLD


def byte_chunks(source: Source) -> Iterator[bytes]:
    """Yield the decompressed bytes of `source` in large chunks.

    Raises InputError for inputs that cannot be read or are not text.  A
    damaged compressed tail ends the iteration early with a warning recorded
    on `source`; the exception `_Truncated` tells the line splitter to drop
    the incomplete last line.
    """
    stream = open_input(source)
    owned = stream is not getattr(sys.stdin, "buffer", None)
    try:
        raw = _raw_chunks(stream, source)
        first = next(raw, b"")
        while 0 < len(first) < 6:  # a pipe may deliver the magic in pieces
            more = next(raw, b"")
            if not more:
                break
            first += more
        kind = _detect(first) if not source.start else "none"
        if kind == "zstd":
            raise InputError(source.name, "zstd-compressed input is not supported (zstd -d it)")
        source.compression = kind

        def replay() -> Iterator[bytes]:
            if first:
                yield first
            yield from raw

        chunks = replay() if kind == "none" else _decompressed_chunks(replay(), kind, source)
        checked = bool(source.start)
        for chunk in chunks:
            if not checked:
                checked = True
                if _looks_binary(chunk[:_SNIFF_BYTES]):
                    raise InputError(source.name, "binary data, not a text log")
            yield chunk
    finally:
        if owned:  # not stdin itself: a later read of "-" (a test's next run) still needs it
            stream.close()


def iter_line_blocks(source: Source, *, max_line: int = MAX_LINE_BYTES) -> Iterator[LineBlock]:
    """Yield the decoded lines of `source` in blocks, counting what was read.

    Every line counts in `source.lines_read` (blank ones too).  CRLF ends
    become LF, NUL bytes are removed, invalid UTF-8 becomes U+FFFD and is
    counted in `source.undecodable_bytes`.  Lines over `max_line` bytes are
    truncated with one warning each: those longer than a chunk here, the
    others when a `LineBlock` hands them out.
    """
    number = 1  # number of the next line to emit
    carry = bytearray()  # the incomplete line at the end of the last chunk
    carry_len = 0  # its true length (carry is capped at max_line)

    def emit(data: bytes) -> LineBlock:
        """A block from `data`: complete lines joined by LF (no final LF).

        The caller accounts for its lines (`account`) once the consumer is
        done with it: a block counts its lines lazily, in the consumer's pass.
        """
        if b"\r" in data:
            data = data.replace(b"\r\n", b"\n")
            if data.endswith(b"\r"):
                data = data[:-1]
        if b"\x00" in data:
            data = data.replace(b"\x00", b"")
        if data.isascii():
            return LineBlock(number, None, max_line, source.warn, data=data)
        text, bad = decode(data)
        source.undecodable_bytes += bad
        return LineBlock(number, text, max_line, source.warn)

    def account(block: LineBlock) -> None:
        nonlocal number
        number += block.count
        source.lines_read += block.count

    truncated = False
    chunks = byte_chunks(source)
    while True:
        try:
            chunk = next(chunks)
        except StopIteration:
            break
        except _Truncated:
            truncated = True
            break
        start = 0
        if carry or carry_len:
            nl = chunk.find(b"\n")
            if nl < 0:
                room = max_line + 1 - len(carry)
                if room > 0:
                    carry += chunk[:room]
                carry_len += len(chunk)
                continue
            room = max_line + 1 - len(carry)
            if room > 0:
                carry += chunk[: min(nl, room)]
            carry_len += nl
            head = bytes(carry)
            if carry_len > max_line:
                source.warn(f"line {number}: {carry_len} bytes, truncated to {max_line}")
                head = head[:max_line]
            carry.clear()
            carry_len = 0
            block = emit(head)
            yield block
            account(block)
            start = nl + 1
        last_nl = chunk.rfind(b"\n")
        if last_nl >= start:
            block = emit(chunk[start:last_nl])
            yield block
            account(block)
            tail = chunk[last_nl + 1 :]
        else:
            tail = chunk[start:]
        carry += tail[: max_line + 1]
        carry_len = len(tail)
    if (carry or carry_len) and not truncated:
        head = bytes(carry)
        if carry_len > max_line:
            source.warn(f"line {number}: {carry_len} bytes, truncated to {max_line}")
            head = head[:max_line]
        block = emit(head)
        yield block
        account(block)


def iter_sources(names: list[str]) -> list[Source]:
    """Sources for the given names, in the given order (merge tie-break)."""
    return [Source(name=str(name), index=i) for i, name in enumerate(names)]
