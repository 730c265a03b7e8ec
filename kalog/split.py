"""Read one big log file with two processes, a part each.

Why: finding the keepalived lines of a gigabyte syslog is byte work (read,
search, count newlines) that runs at the speed of one core, and the machines
kalog runs on have at least two.  A plain file is cut at a line start (its
middle, or 45% when started early, below); a forked child reads the second
part while this process reads the first, and the two results are joined as
if one process had read the whole file:

* the child's line numbers (and the line numbers in its warnings) start
  after the first part's last line;
* its counts (lines read, undecodable bytes) add to the input's;
* both parts use the layout and primary style sniffed from the file's start,
  as a single reader would;
* the child's arrays come back as Arrow IPC files in memory-backed storage
  (/dev/shm), memory-mapped here rather than pickled through a pipe.

The command line starts the children before it imports pandas
(`prestart`), giving them the larger share, so the half second pandas takes
to load is spent reading.

Only regular, uncompressed, sparse files (see `start`) of at least
`SPLIT_MIN_BYTES` are split, where `fork` exists (the child then needs no
imports), with two or more CPUs.
If the child fails, this process reads its part itself: the answer never
depends on the split (tests/test_split.py compares both).
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from kalog.errors import InputError
from kalog.grammar import envelope as env
from kalog.grammar.bulk import Envelopes
from kalog.read import (
    _MAGIC,
    CHUNK_SIZE,
    Source,
    input_size,
    iter_line_blocks,
    mostly_matching,
)
from kalog.scan import Gathered, gather

#: Files below this size are read by one process (forking costs ~10 ms, and
#: small files are read in a fraction of a second anyway).
SPLIT_MIN_BYTES = 64 << 20


#: Split dense files too (their first block mostly keepalived lines); off:
#: see `start` (tests turn it on to split the real logs, which are dense).
SPLIT_DENSE = False

#: The first part's share of the file.  Even when both parts start together;
#: smaller when the child starts early (`prestart`): this process then
#: imports pandas before reading its part, while the child already reads.
EVEN_SHARE = 0.5
EARLY_SHARE = 0.45


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def worth_splitting(source: Source) -> bool:
    """True for a regular uncompressed file big enough to read in two parts."""
    if source.is_stdin or source.start or source.stop is not None:
        return False
    if "fork" not in multiprocessing.get_all_start_methods() or _cpus() < 2:
        return False
    size = input_size(source.name)
    if size is None or size < SPLIT_MIN_BYTES:
        return False
    try:
        with open(source.name, "rb") as handle:
            head = handle.read(6)
    except OSError:
        return False
    return not any(head.startswith(magic) for magic, _ in _MAGIC)


def _dense(name: str, size: int, samples: int = 5, window: int = 1 << 16) -> bool:
    """True when most of a few windows across the file are `mostly_matching`
    the ident word.

    Not the first block: a log often opens with a burst of start-up lines
    and is sparse after; the windows sit inside the file, and a majority of
    them decides.
    """
    dense = 0
    with open(name, "rb") as handle:
        for k in range(1, samples + 1):
            handle.seek(max(0, (size - window) * k // (samples + 1)))
            dense += mostly_matching(handle.read(window), env.PREFILTER_WORD)
    return dense * 2 > samples


def _cut(name: str, size: int, share: float) -> int:
    """The first line start at or after `share` of the file."""
    with open(name, "rb") as handle:
        handle.seek(int(size * share))
        while True:
            chunk = handle.read(1 << 16)
            if not chunk:
                return size
            newline = chunk.find(b"\n")
            if newline >= 0:
                return handle.tell() - len(chunk) + newline + 1


@dataclass
class Pending:
    """A file whose second part a child is reading."""

    name: str
    layout: env.FileLayout
    primary: env.Style
    cut: int
    process: Any
    receiver: Any
    shared: Any  # bytes the child has read, for progress
    spool: Path
    done: bool = False

    def abandon(self) -> None:
        """Stop the child and remove what it wrote (the part will not be used)."""
        if self.done:
            return
        self.done = True
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self.receiver.close()
        for path in _spool_files(self.spool):
            path.unlink(missing_ok=True)


def start(source: Source, share: float = EVEN_SHARE) -> Pending | None:
    """Fork a child that reads the part of `source` after `share` of its bytes.

    None when there is no second part (a tiny or one-line file) or when the
    file is dense (`_dense`): there the child's share of byte work is small
    next to the frame this process must build from every line, and handing
    a million lines over cost more than it saved (dense 1M-line file:
    3.3-4.5 s split, 3.2 s not).  Raises
    what a single reader would on an unreadable input (the first block is
    read here, to sniff the layout both parts use).
    """
    size = input_size(source.name)
    assert size is not None
    if not SPLIT_DENSE and _dense(source.name, size):
        return None
    probe = Source(name=source.name, index=source.index, stop=min(size, CHUNK_SIZE))
    first_block = next(iter_line_blocks(probe), None)
    if first_block is None:
        return None
    layout, primary = env.sniff(first_block.head(env.SNIFF_LINES * 4), env.match_fast)
    cut = _cut(source.name, size, share)
    if cut >= size:
        return None
    second = Source(name=source.name, index=source.index, start=cut, stop=size)
    second.mtime = source.mtime

    context = multiprocessing.get_context("fork")
    shared = context.Value("q", 0, lock=False)
    receiver, sender = context.Pipe(duplex=False)
    spool = _spool_path()

    def child() -> None:
        second.progress = _adder(shared)
        try:
            _save(gather(second, layout, primary), spool)
            second.progress = None  # a closure: not picklable
            result: Any = ("ok", second)
        except BaseException as exc:  # noqa: BLE001 - reported to the parent, which retries
            result = ("error", repr(exc))
        sender.send(result)
        sender.close()

    process = context.Process(target=child, daemon=True)
    process.start()
    sender.close()
    pending = Pending(source.name, layout, primary, cut, process, receiver, shared, spool)
    _STARTED.append(pending)
    return pending


def finish(pending: Pending, source: Source) -> Gathered:
    """Read the first part of `source` here, then join the child's part to it."""
    own_progress = source.progress
    if own_progress is not None:
        source.progress = _with_child(own_progress, pending.shared)
    source.stop = pending.cut
    part: Source | None = None
    gathered: Gathered | None = None
    try:
        first = gather(source, pending.layout, pending.primary)
        _parse_bodies(first)
        try:
            reply = pending.receiver.recv()
            if reply[0] == "ok":
                part, gathered = reply[1], _load(pending.spool)
        except (EOFError, OSError, pa.ArrowException):
            part = None
    finally:
        pending.process.join()
        if own_progress is not None:
            source.progress(0)  # a last report, now that both parts are read
        source.progress = own_progress
        source.stop = None
        pending.abandon()  # the spool files
    if part is None or gathered is None:  # the child failed: read its part here
        part = Source(
            name=source.name, index=source.index, start=pending.cut, stop=input_size(source.name)
        )
        gathered = gather(part, pending.layout, pending.primary)
    return _join(source, first, gathered, part)


def _parse_bodies(gathered: Gathered) -> None:
    """Type this part's distinct message bodies now, while the child may still read.

    `parse_body` caches per body, so the frame later finds them done; the
    first call also builds the body grammar (~0.2 s), which would otherwise
    wait until both parts are joined.
    """
    from kalog.grammar.body import parse_body

    for body in pc.unique(gathered.found.fields["body"]).to_pylist():
        parse_body(body or "")


def gather_in_parts(source: Source) -> Gathered:
    """`gather(source)`, a later part of the file read by a forked child."""
    pending = take_early(source.name) or start(source)
    if pending is None:
        return gather(source)
    return finish(pending, source)


# -- starting early ----------------------------------------------------------------
#
# `kalog analyze FILE` spends half a second importing pandas before it reads.
# `prestart` (called by the command line before that import) forks the
# children at once, with the larger share of each file; `read_events` then
# finds them waiting (`take_early`).

_STARTED: list[Pending] = []
_EARLY: dict[str, Pending] = {}


def prestart(names: list[str]) -> None:
    """Start the children of the big plain files among `names`, before pandas is imported."""
    atexit.register(abandon_all)  # once is enough; an unused child must not outlive us
    for name in names:
        source = Source(name=str(name))
        if name in _EARLY or not worth_splitting(source):
            continue
        try:
            pending = start(source, EARLY_SHARE)
        except (InputError, OSError):
            continue  # read_events reports it
        if pending is not None:
            _EARLY[name] = pending


def take_early(name: str) -> Pending | None:
    """The child `prestart` started for `name`, if any (each is used once)."""
    return _EARLY.pop(name, None)


def abandon_all() -> None:
    """Stop every child not joined yet and remove its files (an early exit)."""
    _EARLY.clear()
    while _STARTED:
        _STARTED.pop().abandon()


# -- handing the child's arrays over ---------------------------------------------
#
# Pickled through the pipe, a dense part (100 MB of lines and fields) was
# copied three times (pickle, pipe, unpickle: ~1.3 s).  Written as Arrow IPC
# files to memory-backed storage and memory-mapped here, it is not copied.


def _spool_path() -> Path:
    shm = Path("/dev/shm")
    folder = shm if shm.is_dir() and os.access(shm, os.W_OK) else Path(tempfile.gettempdir())
    handle, name = tempfile.mkstemp(prefix="kalog-part-", dir=folder)
    os.close(handle)
    return Path(name)


def _spool_files(spool: Path) -> list[Path]:
    return [spool, spool.with_name(spool.name + ".found")]


def _save(gathered: Gathered, spool: Path) -> None:
    lines_path, found_path = _spool_files(spool)
    lines = pa.table({"numbers": gathered.numbers, "lines": gathered.lines})
    found = pa.table(
        {
            "rows": gathered.found.rows,
            "style": gathered.found.style,
            **gathered.found.fields,
        }
    )
    for table, path in ((lines, lines_path), (found, found_path)):
        with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
            writer.write_table(table)


def _load(spool: Path) -> Gathered:
    lines_path, found_path = _spool_files(spool)
    lines, found = (
        pa.ipc.open_file(pa.memory_map(str(path))).read_all().combine_chunks()
        for path in (lines_path, found_path)
    )
    return Gathered(
        numbers=lines["numbers"].to_numpy(),
        lines=_array(lines["lines"]),
        found=Envelopes(
            rows=found["rows"].to_numpy(),
            style=_array(found["style"]),
            fields={name: _array(found[name]) for name in found.column_names[2:]},
        ),
    )


def _array(column: pa.ChunkedArray) -> pa.Array:
    return column.chunk(0) if column.num_chunks else pa.array([], column.type)


def _adder(shared: Any) -> Callable[[int], None]:
    def add(count: int) -> None:
        shared.value += count

    return add


def _with_child(report: Callable[[int], None], shared: Any) -> Callable[[int], None]:
    """A progress callback that also reports what the child read since the last call."""
    seen = [0]

    def advance(count: int) -> None:
        done = shared.value
        report(count + done - seen[0])
        seen[0] = done

    return advance


_LINE_WARNING = re.compile(r"^(?P<head>.*?: line )(?P<number>[0-9]+)(?P<tail>: .*)$", re.S)


def _join(source: Source, first: Gathered, second: Gathered, part: Source) -> Gathered:
    """The two parts as one reader would have found them."""
    offset = source.lines_read
    source.lines_read += part.lines_read
    source.undecodable_bytes += part.undecodable_bytes
    for message in part.warnings:
        found = _LINE_WARNING.match(message)
        if found is not None and found["head"] == f"{source.name}: line ":
            number = int(found["number"]) + offset
            message = f"{found['head']}{number}{found['tail']}"
        source.warnings.append(message)
    if not len(second.lines):
        return first
    if not len(first.lines):
        return Gathered(second.numbers + offset, second.lines, second.found)
    return Gathered(
        numbers=np.concatenate([first.numbers, second.numbers + offset]),
        lines=pa.concat_arrays([first.lines, second.lines]),
        found=first.found.then(second.found, shift=len(first.lines)),
    )
