"""The text of cited lines, read again from their inputs instead of kept in every row.

Why: the event frame's `raw` column (the whole text of every keepalived
line) is half of a dense log's frame (~107 MB per million lines), yet an
analysis shows the text of only the lines it cites: the evidence of its
findings (`kalog.check.citations`) and the steps of `kalog explain`.  With
`read_events(..., keep_raw=False)` the frame keeps `raw` empty (all null)
for the inputs that can be read a second time, and this module reads the
cited lines back, by line number, in one pass per input once they are
known.

Which inputs: a local regular file whose identity, size and modification
time (`Fingerprint`) are the same before and after its read, so that the
read saw exactly its first `size` bytes.  Standard input, pipes, /dev/fd,
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

from kalog.errors import InputWarning, KalogError
from kalog.ingest import remote
from kalog.ingest.read import Source, iter_line_blocks

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
    """The fingerprint of input `name`, None unless it is a local regular file."""
    if name == "-" or remote.is_url(name):
        return None
    try:
        info = os.stat(name)
    except OSError:
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
        wanted = sorted(set(lines))
        if wanted and wanted[0] < 1:  # no such line (numbers are 1-based)
            return {**dict.fromkeys(wanted), **self.texts(name, [n for n in wanted if n >= 1])}
        before = self.inputs[name]
        if not readable_again(before, fingerprint(name)):
            self._warn(name, "changed since it was read")
            return dict.fromkeys(wanted)
        try:
            found = read_lines(name, before.size, wanted)
        except (OSError, ValueError, KalogError) as exc:
            self._warn(name, f"cannot be read again ({exc})")
            return dict.fromkeys(wanted)
        missing = [line for line in wanted if line not in found]
        if missing:  # the fingerprint did not see the change
            self._warn(name, f"line {missing[0]} is not there any more")
        return {line: found.get(line) for line in wanted}

    def _warn(self, name: str, why: str) -> None:
        if name in self.warned:
            return
        self.warned.add(name)
        message = f"{name}: {why}; its cited lines are shown without their text"
        self.warnings.append(message)
        if self.warn_library:
            warnings.warn(message, InputWarning, stacklevel=4)


def read_lines(name: str, size: int, lines: list[int]) -> dict[int, str]:
    """line -> text of the (1-based, ascending) `lines` of the first `size` bytes of `name`.

    One pass of `iter_line_blocks`, as the first read (its warnings, given
    once already, are dropped); a block without a wanted line is only
    counted.  Stops after the last wanted line.
    """
    numbers = np.array(lines, dtype=np.int64)
    found: dict[int, str] = {}
    at = 0
    source = Source(name=name, stop=size)
    blocks = iter_line_blocks(source)
    try:
        for block in blocks:
            if at == len(numbers):
                break
            stop = int(np.searchsorted(numbers, block.first + block.count, side="left"))
            if stop > at:
                here = numbers[at:stop]
                texts = block.pick((here - block.first).tolist())
                found.update(zip(here.tolist(), texts, strict=True))
                at = stop
    finally:
        blocks.close()
    return found
