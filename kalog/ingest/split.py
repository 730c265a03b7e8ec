"""Read one big log file with two processes, a part each.

Why: finding the keepalived lines of a gigabyte syslog is byte work (read,
search, count newlines) that runs at the speed of one core, and the machines
kalog runs on have at least two.  A plain file is cut at line starts into
segments of about `SEGMENT_BYTES`; a forked child takes segments from the
end while this process takes them from the start, one at a time, until the
two meet.  Neither waits long for the other, whatever either's head start
or speed: a fixed cut left one process idle for up to 0.7 s on the 10M-line
benchmark file, as the two ran at different speeds from run to run.  The
results are joined as if one process had read the whole file:

* each segment's line numbers (and the line numbers in its warnings) start
  after the previous segment's last line;
* the segments' counts (lines read, undecodable bytes) add to the input's;
* every segment uses the layout and primary style sniffed from the file's
  start, as a single reader would;
* the child's arrays come back as Arrow IPC files in memory-backed storage
  (/dev/shm), memory-mapped here rather than pickled through a pipe.

The command line starts the children before it imports pandas
(`prestart`), so the half second pandas takes to load is spent reading.

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
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from kalog.errors import InputError
from kalog.grammar import envelope as env
from kalog.grammar.bulk import Envelopes
from kalog.ingest.read import (
    _MAGIC,
    CHUNK_SIZE,
    Source,
    input_size,
    iter_line_blocks,
    mostly_matching,
)
from kalog.ingest.scan import Gathered, gather, gather_windows, windows_of

#: Files below this size are read by one process (forking costs ~10 ms, and
#: small files are read in a fraction of a second anyway).
SPLIT_MIN_BYTES = 64 << 20


#: Split dense files too (their first block mostly keepalived lines); off:
#: see `start` (tests turn it on to split the real logs, which are dense).
SPLIT_DENSE = False

#: The size of the segments the two processes take turns at: small enough
#: that the one finishing last is never more than a fraction of a second
#: behind, large enough that the per-segment cost (opening the file, one
#: bulk envelope pass: ~2 ms) stays negligible.
SEGMENT_BYTES = 48 << 20


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


def _bounds(name: str, size: int) -> list[int]:
    """Segment boundaries: 0, line starts near every `SEGMENT_BYTES`, `size`.

    At least two segments (one per process); fewer when lines are long.
    """
    count = max(2, round(size / SEGMENT_BYTES))
    cuts = {_cut(name, size, k / count) for k in range(1, count)}
    return [0, *sorted(c for c in cuts if 0 < c < size), size]


class _Claims:
    """Which segments are still unread: [low, high).  This process claims
    `low`, the child `high - 1`, under a lock shared through the fork."""

    def __init__(self, context: Any, segments: int) -> None:
        self.lock = context.Lock()
        self.ends = context.RawArray("q", [0, segments])

    def from_start(self) -> int | None:
        with self.lock:
            low, high = self.ends
            if low >= high:
                return None
            self.ends[0] = low + 1
            return low

    def from_end(self) -> int | None:
        with self.lock:
            low, high = self.ends
            if low >= high:
                return None
            self.ends[1] = high - 1
            return high - 1

    def meeting(self) -> int:
        """The first segment not claimed from the start: where the child's part begins."""
        with self.lock:
            return int(self.ends[0])


@dataclass
class Pending:
    """A file whose segments a child is reading from the end."""

    name: str
    layout: env.FileLayout
    primary: env.Style
    bounds: list[int]
    claims: _Claims
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


def start(source: Source) -> Pending | None:
    """Fork a child that reads the segments of `source` from its end.

    None when there is no second segment (a tiny or one-line file) or when
    the file is dense (`_dense`): there the child's share of byte work is
    small next to the frame this process must build from every line, and
    handing a million lines over cost more than it saved (dense 1M-line
    file: 3.3-4.5 s split, 3.2 s not; measured again with segments and a
    pandas-free child: `kalog events` no faster, +160 MB).  Raises what a
    single reader would on an unreadable input (the first block is read
    here, to sniff the layout every segment uses).
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
    bounds = _bounds(source.name, size)
    if len(bounds) < 3:
        return None

    context = multiprocessing.get_context("fork")
    claims = _Claims(context, len(bounds) - 1)
    shared = context.Value("q", 0, lock=False)
    receiver, sender = context.Pipe(duplex=False)
    spool = _spool_path()

    blocks_pandas = "pandas" not in sys.modules

    def child() -> None:
        if blocks_pandas:
            sys.meta_path.insert(0, _NoPandas())
        try:
            parts: list[tuple[Gathered, Source]] = []
            while (k := claims.from_end()) is not None:
                part = _read_part(source, bounds[k], bounds[k + 1], layout, primary, _adder(shared))
                parts.append(part)
            if not parts:  # this process took every segment: an empty part, typed as usual
                parts.append(_read_part(source, bounds[-1], bounds[-1], layout, primary, None))
            whole = Source(name=source.name, index=source.index)
            _save(_join(whole, parts[::-1]), spool)
            result: Any = ("ok", whole)
        except BaseException as exc:  # noqa: BLE001 - reported to the parent, which retries
            result = ("error", repr(exc))
        sender.send(result)
        sender.close()

    process = context.Process(target=child, daemon=True)
    process.start()
    sender.close()
    pending = Pending(
        source.name, layout, primary, bounds, claims, process, receiver, shared, spool
    )
    _STARTED.append(pending)
    return pending


class _NoPandas:
    """An import hook that makes `import pandas` fail, for the forked child.

    Why: pyarrow imports pandas, when it can, the first time it converts
    from or to Python or numpy (`pa.array`, `to_numpy`, a null scalar), to
    check for pandas objects.  The child never needs pandas; importing it
    cost ~0.4 s of the child's time on every big file, a fifth of its part.
    pyarrow works without pandas (it is an optional dependency), and the
    answers do not change (tests/test_split.py).  Installed only where the
    parent had not imported pandas before forking: otherwise the child has
    it already, and blocking its submodules would break it.
    """

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> None:
        if name == "pandas" or name.startswith("pandas."):
            raise ImportError(f"{name} is not imported in kalog's reading child")
        return None


def _read_part(
    source: Source,
    start: int,
    stop: int,
    layout: env.FileLayout,
    primary: env.Style,
    progress: Callable[[int], None] | None,
) -> tuple[Gathered, Source]:
    """`gather` of bytes [start, stop) of `source`, and that part's own counts and warnings."""
    part = Source(name=source.name, index=source.index, start=start, stop=stop)
    part.progress = progress
    gathered = gather(part, layout, primary)
    part.progress = None  # a closure: not picklable
    return gathered, part


def finish(pending: Pending, source: Source) -> Gathered:
    """Read segments of `source` here until the child's are reached, then join both parts."""
    progress = source.progress
    if progress is not None:
        progress = _with_child(progress, pending.shared)
    parts: list[tuple[Gathered, Source]] = []
    theirs: tuple[Gathered, Source] | None = None
    bounds, layout, primary = pending.bounds, pending.layout, pending.primary
    try:
        while (k := pending.claims.from_start()) is not None:
            parts.append(_read_part(source, bounds[k], bounds[k + 1], layout, primary, progress))
            _parse_bodies(parts[-1][0])
        try:
            reply = pending.receiver.recv()
            if reply[0] == "ok":
                theirs = _load(pending.spool), reply[1]
        except (EOFError, OSError, pa.ArrowException):
            theirs = None
    except BaseException:
        pending.abandon()  # this read failed: not waiting for a part that will not be used
        raise
    finally:
        pending.process.join()
        if progress is not None:
            progress(0)  # a last report, now that both parts are read
        pending.abandon()  # the spool files
    if theirs is None:  # the child failed: read its part here
        start = bounds[pending.claims.meeting()]
        theirs = _read_part(source, start, bounds[-1], layout, primary, progress)
    return _join(source, [*parts, theirs])


def _parse_bodies(gathered: Gathered) -> None:
    """Type the distinct message bodies of a segment just read, while the child reads.

    `parse_body` caches per body, so the frame later finds them done.  Done
    after each segment, not after the last: work this process does while
    segments are left is shared with the child (it takes more of them),
    work after the last is not.  (The body grammar itself is built when the
    command line imports `kalog.ingest.frame`, also while the child reads.)
    """
    from kalog.grammar.body import parse_body

    for body in pc.unique(gathered.found.fields["body"]).to_pylist():
        parse_body(body or "")


def gather_in_parts(source: Source, window: int | None = None) -> Iterator[Gathered]:
    """`gather_windows(source, window=window)`, a later part of the file read by a forked child.

    The parts' envelopes arrive whole (read by the segments' `gather`) and
    are handed on in windows; a file not split after all (a dense one, see
    `start`) is read in windows.
    """
    pending = take_early(source.name) or start(source)
    if pending is None:
        return gather_windows(source, window=window)
    return windows_of(finish(pending, source), window)


# -- starting early ----------------------------------------------------------------
#
# `kalog analyze FILE` spends half a second importing pandas before it reads.
# `prestart` (called by the command line before that import) forks the
# children at once; they take segments from the ends of their files
# meanwhile, and `read_events` finds them working (`take_early`).

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
            pending = start(source)
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


def _join(source: Source, parts: list[tuple[Gathered, Source]]) -> Gathered:
    """Consecutive parts of `source`, in file order, as one reader would have found them.

    Their counts and warnings go to `source`.
    """
    kept: list[Gathered] = []
    for gathered, part in parts:
        offset = source.lines_read
        source.lines_read += part.lines_read
        source.undecodable_bytes += part.undecodable_bytes
        source.mtime = source.mtime or part.mtime
        for message in part.warnings:
            found = _LINE_WARNING.match(message)
            if found is not None and found["head"] == f"{source.name}: line ":
                number = int(found["number"]) + offset
                message = f"{found['head']}{number}{found['tail']}"
            source.warnings.append(message)
        if len(gathered.lines):
            kept.append(Gathered(gathered.numbers + offset, gathered.lines, gathered.found))
    if len(kept) <= 1:
        return kept[0] if kept else parts[0][0]
    starts = np.cumsum([0] + [len(g.lines) for g in kept[:-1]]).tolist()
    return Gathered(  # one concatenation: two at a time would copy the first parts again and again
        numbers=np.concatenate([g.numbers for g in kept]),
        lines=pa.concat_arrays([g.lines for g in kept]),
        found=Envelopes.joined([g.found for g in kept], starts),
    )
