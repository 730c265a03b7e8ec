"""The text of cited lines, read again from their inputs instead of kept in every row.

Why: the event frame's `raw` column (the whole text of every keepalived
line) is half of a dense log's frame (~107 MB per million lines), yet an
analysis shows the text of only the lines it cites: the evidence of its
findings (`kalog.check.citations`) and the steps of `kalog explain`.  With
`read_events(..., keep_raw=False)` the frame keeps `raw` empty (all null)
for the inputs that can be read a second time, and this module reads the
cited lines back, by line number, in one pass per input once they are
known.  `kalog events`, which writes every line, reads them back a slice
of rows at a time as it writes (`SliceTexts`), so it too holds the text of
one slice only.

Which inputs: a local regular file whose identity, size and modification
time (`Fingerprint`) are the same before and after its read, so that the
read saw exactly its first `size` bytes; and standard input that the
command line copied to a temporary file (`kalog.ingest.stdin_copy`).
Standard input read as it comes (a library caller's), pipes, /dev/fd,
fsspec URLs (a second download is not cheap) and a file that changed while
it was read keep their `raw` in the frame as before.

The second read is `kalog.ingest.read.iter_line_blocks` again, so a line's
text is the first read's byte for byte (CRLF, NUL, invalid UTF-8 as
U+FFFD, over-long lines truncated, gzip/bzip2/xz).  A file that changed
between the read and the fetch must not lend a cited line another line's
text; so, compared with its fingerprint:

* the same file (device and inode), the same size and modification time:
  read as before;
* the same file, larger: a log that grew, taken as appended to (as logs
  grow); its first `size` bytes, the ones the first read saw, are read
  again, so a line completed since (the first read's unterminated last
  line) keeps its first text;
* anything else (replaced, e.g. rotated; shorter; the same size rewritten):
  its cited lines are shown without their text, with one warning per
  input.  Rewritten in place to the same size within one mtime tick is
  the case no fingerprint sees.
"""

from __future__ import annotations

import os
import stat
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa

from kalog.errors import InputWarning, KalogError
from kalog.ingest import remote, stdin_copy
from kalog.ingest.read import LineBlock, Source, iter_line_blocks

#: The key of `frame.attrs` that holds the `Refetch` of a frame whose `raw`
#: is missing for some inputs.
ATTR = "raw_refetch"


@dataclass(frozen=True)
class Fingerprint:
    """What identifies a file's content cheaply: `os.stat`'s device, inode, size, mtime."""

    device: int
    inode: int
    size: int
    mtime_ns: int


def fingerprint(name: str) -> Fingerprint | None:
    """The fingerprint of input `name`, None unless it is a local regular file
    (or stdin copied to one by the command line: `kalog.ingest.stdin_copy`)."""
    if remote.is_url(name):
        return None
    try:
        info = stdin_copy.copied() if name == "-" else os.stat(name)
    except OSError:
        return None
    if info is None:
        return None
    if not stat.S_ISREG(info.st_mode):
        return None
    return Fingerprint(info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns)


def readable_again(before: Fingerprint, now: Fingerprint | None) -> bool:
    """True when the first `before.size` bytes of the file are (taken as) the ones read.

    The module docstring gives the cases: the same file unchanged, or grown.
    """
    if now is None or (now.device, now.inode) != (before.device, before.inode):
        return False
    if now.size == before.size:
        return now.mtime_ns == before.mtime_ns
    return now.size > before.size


@dataclass
class Refetch:
    """`frame.attrs[ATTR]`: the inputs whose rows hold no `raw`, and what fetching said.

    `inputs`: input name (as given) -> its fingerprint when it was read.
    `warnings`: the one-line warnings of fetches that could not be made (one
    per input); the command line prints them, `warn_library` also emits them
    as `InputWarning`s (`read_events(on_error="raise")`, the library's way).
    """

    inputs: dict[str, Fingerprint]
    warn_library: bool = False
    warnings: list[str] = field(default_factory=list)
    #: the inputs already warned about: a warning says it once
    warned: set[str] = field(default_factory=set)
    #: how many of `warnings` the command line has printed
    printed: int = 0

    def texts(self, name: str, lines: Iterable[int]) -> dict[int, str | None]:
        """line -> the text of that line of input `name` (None: not found, or the
        file changed since it was read), in one pass over the input."""
        reader = self.lines_of(name)
        try:
            return reader.take(lines)
        finally:
            reader.close()

    def lines_of(self, name: str) -> InputLines:
        """A reader of input `name`'s lines in ascending batches (close it after use)."""
        return InputLines(self, name)

    def _warn(self, name: str, why: str) -> None:
        if name in self.warned:
            return
        self.warned.add(name)
        message = f"{name}: {why}; its cited lines are shown without their text"
        self.warnings.append(message)
        if self.warn_library:
            warnings.warn(message, InputWarning, stacklevel=4)


class InputLines:
    """The lines of one input that can be read again, taken in batches of line numbers.

    Why batches: `kalog events` writes a frame of a million rows a slice at
    a time and needs each slice's text only while it writes it; holding
    the text of every line (~107 MB per million dense lines) is what
    reading back avoids.  Batches that ask for ascending lines, as the rows
    of one input in time order do, are read in one pass; a batch that goes
    back before the pass starts another (rows of one input out of time
    order in the merge).  Every batch first checks the input's fingerprint
    (`readable_again`): a file rewritten while a long write reads it gives
    no text from then on.  The warnings are `Refetch`'s, one per input.
    """

    def __init__(self, refetch: Refetch, name: str) -> None:
        self.refetch = refetch
        self.name = name
        self.gone = False  # the input cannot be read again: no text from it any more
        self._pass: _Pass | None = None

    def take(self, lines: Iterable[int]) -> dict[int, str | None]:
        """line -> text of the `lines` of this input (None: not found, or it changed)."""
        wanted = sorted(set(lines))
        texts = self.texts(np.array(wanted, dtype=np.int64))
        return dict(zip(wanted, texts.to_pylist(), strict=True))

    def texts(self, numbers: np.ndarray) -> pa.Array:
        """The texts of the ascending, distinct line `numbers` (null: not found, or
        the input changed), as an Arrow large_string array."""
        valid = numbers[numbers >= 1]  # no line 0 or below (numbers are 1-based)
        found, texts = np.zeros(0, dtype=np.int64), _NO_TEXT
        if len(valid) and not self.gone:
            # checked before every batch: a pass may last as long as a big write
            before = self.refetch.inputs[self.name]
            if not readable_again(before, fingerprint(self.name)):
                self._lost("changed since it was read")
            elif self._pass is None or valid[0] < self._pass.start:
                self.close()
                self._pass = _Pass(self.name, before.size)
            if self._pass is not None:
                try:
                    found, texts = self._pass.take(valid)
                except (OSError, ValueError, KalogError) as exc:
                    self._lost(f"cannot be read again ({exc})")
                if len(found) < len(valid) and not self.gone:  # the fingerprint did not see it
                    missing = valid[~np.isin(valid, found)]
                    self.refetch._warn(self.name, f"line {missing[0]} is not there any more")
        if len(found) == len(numbers):
            return texts
        at = np.searchsorted(found, numbers).clip(max=max(len(found) - 1, 0))
        hit = found[at] == numbers if len(found) else np.zeros(len(numbers), dtype=bool)
        pick = np.where(hit, at, len(found))  # the null after the texts
        return pa.concat_arrays([texts, _NO_TEXT_ONE]).take(pa.array(pick, type=pa.int64()))

    def close(self) -> None:
        """Close the input (a later batch opens it again)."""
        if self._pass is not None:
            self._pass.close()
            self._pass = None

    def _lost(self, why: str) -> None:
        self.close()
        self.gone = True
        self.refetch._warn(self.name, why)


_NO_TEXT = pa.array([], pa.large_string())
_NO_TEXT_ONE = pa.nulls(1, pa.large_string())


#: Bytes per read of a pass (`Source.chunk_size`): a quarter of a mebibyte.
#: Why not the first read's 4 MiB: after reading, the command line lets
#: malloc map every buffer of a mebibyte or more afresh and unmap it when
#: freed (`kalog.speed.allocator.settle`), so each of a pass's 4 MB buffers
#: (the chunk, the block, the newline mask) was paged in and zeroed again,
#: and they stood on the analysis' other memory at once.  Smaller buffers
#: come from, and go back to, malloc's heap.  Dense 1M, the findings' texts
#: (the whole file read back), alternated twice: 0.27-0.37 -> 0.08-0.18 s;
#: the command's peak, alternated three times, 348-352 -> 338-339 MB.
READ_BACK_BYTES = 1 << 18


class _Pass:
    """One pass of `iter_line_blocks` over the first `size` bytes of an input, as
    the first read (its warnings, given once already, are dropped); a block
    without a wanted line is only counted."""

    def __init__(self, name: str, size: int) -> None:
        self._blocks = iter_line_blocks(Source(name=name, stop=size, chunk_size=READ_BACK_BYTES))
        self._block: LineBlock | None = None  # the block the last batch ended in
        self.start = 1  # the first line this pass can still give

    def take(self, numbers: np.ndarray) -> tuple[np.ndarray, pa.Array]:
        """(the lines found, their texts) of the ascending line `numbers`, none
        before `start`; the lines past the input's end are not found."""
        chunks, found = [_NO_TEXT], [numbers[:0]]
        at = 0
        while at < len(numbers):
            block = self._block
            if block is None or numbers[at] >= block.first + block.count:
                after = 1 if block is None else block.first + block.count
                block = self._block = next(self._blocks, None)
                if block is None:  # the end of the input: lines before it need another pass
                    self.start = max(self.start, after)
                    break
                self.start = block.first
                continue
            stop = int(np.searchsorted(numbers, block.first + block.count, side="left"))
            here = numbers[at:stop]
            chunks.append(block.pick_array(here - block.first))
            found.append(here)
            at = stop
        return np.concatenate(found), pa.concat_arrays(chunks)

    def close(self) -> None:
        self._blocks.close()


class SliceTexts:
    """Fills in the `raw` of a read-back frame's rows, a slice of rows at a time.

    `kalog events` reads as `analyze` does (`read_events(keep_raw=False)`)
    and writes its text columns slice by slice (`kalog.report.events`):
    called on each slice in order, this reads that slice's lines back from
    their inputs (`InputLines`, a batch of lines per input per slice), so
    only one slice's text is held, and no line becomes a Python string.
    """

    def __init__(self, refetch: Refetch) -> None:
        self.refetch = refetch
        self.readers: dict[str, InputLines] = {}

    def __call__(self, part: pd.DataFrame) -> pd.DataFrame:
        """`part` (rows of the frame) with the `raw` of its read-back rows filled in."""
        sources = part["source"]
        codes = sources.cat.codes.to_numpy()
        names = sources.cat.categories
        wanted = [int(c) for c in pd.unique(codes) if c >= 0 and names[c] in self.refetch.inputs]
        if not wanted:
            return part
        raw = part["raw"].array.__arrow_array__()  # a ChunkedArray
        pieces = [raw.combine_chunks().cast(pa.large_string())]
        index = np.arange(len(part), dtype=np.int64)
        size = len(part)
        numbers = part["line"].to_numpy()
        for code in wanted:
            name = str(names[code])
            rows = np.flatnonzero(codes == code)
            lines, inverse = np.unique(numbers[rows], return_inverse=True)
            reader = self.readers.get(name)
            if reader is None:
                reader = self.readers[name] = self.refetch.lines_of(name)
            pieces.append(reader.texts(lines))
            index[rows] = size + inverse.reshape(-1)
            size += len(lines)
        raw = pa.concat_arrays(pieces).take(pa.array(index, type=pa.int64()))
        return part.assign(raw=pd.arrays.ArrowStringArray(raw))

    def close(self) -> None:
        for reader in self.readers.values():
            reader.close()
        self.readers.clear()
