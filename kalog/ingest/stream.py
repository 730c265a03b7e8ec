"""One input's event frame a window of rows at a time, for writers that need not hold it.

Why: `kalog events` writes every row of a log, and built whole, the frame of
a dense log and the read's transients around it peaked at ~330 MB for a
million lines and ~1.4 GB for ten million (bench/README.md).  A row's
output depends on its own line but for three things that a row cannot
know before the input's end:

* the year of a year-less syslog stamp, counted back from the *last*
  line's date against the file's (`kalog.ingest.frame._Times`);
* the merge order: rows are in time order, and a log out of order is sorted;
* the host check (`kalog.ingest.identity`): two keepalived processes of one
  host name at once in one input are a warning.

So the input is read once, window after window (`frame.reduced_windows`).
Each window is built into its event frame as `read_events` builds the
whole (`frame._assemble`), with its year-less times *provisional* (counted
from `PROVISIONAL_YEAR`), and spooled to a temporary file (pickled, lz4:
~27 MB per million dense rows, under `$TMPDIR`).  The order and the host
check are done on the provisional times: a year-less stamp's provisional
time and its final one differ by a whole number of years counted from the
same month drops, so their order is the same.  At the end the year is
known, and `EventStream.windows` reads the windows back one at a time, their
year-less times moved to the final years.  One window is held at a time.

Only an input whose frame this provably equals streams: one local input
(not stdin: it cannot be read again), no `--tz`, its rows already in time
order (a line without a time sorts with its neighbours, as the whole read
places it), one kind of timestamp (every one with a year, or
every one year-less; with UTC offsets or without), no date that only the
final year makes invalid (29 February), and no host-check warning.  Any
other input makes `stream_events` return None, and the caller reads the
whole frame as before (`read_events`); the spool is dropped.  The result
is then the same, only not bounded (tests/test_stream.py compares every
output format both ways on real logs).
"""

from __future__ import annotations

import pickle
import shutil
import tempfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from kalog.errors import InputError
from kalog.ingest import events, identity, remote
from kalog.ingest import frame as build
from kalog.ingest.read import Source
from kalog.speed.allocator import give_back

#: The year that the year-less stamps are counted from until the input's end
#: tells theirs.  A leap year, so that a 29 February line has a provisional
#: time; the end checks that its final year has that day.
PROVISIONAL_YEAR = 2000

#: Candidate lines per window: half the whole read's (`frame.WINDOW_LINES`),
#: as each window is also built into its frame.  Dense 1M lines: the read's
#: peak 240 MB, 0.5 s slower than windows twice as big (311 MB).
WINDOW_LINES = 1 << 16

_CODEC = "lz4"
_NAT = np.iinfo(np.int64).min


class _Spool:
    """The windows' frames, each pickled and compressed into a file of its own."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="kalog-events-"))
        self.files: list[tuple[Path, int]] = []  # (file, bytes before compression)
        self.codec = pa.Codec(_CODEC)

    def write(self, item: Any) -> None:
        data = pickle.dumps(item, protocol=pickle.HIGHEST_PROTOCOL)
        path = self.folder / f"{len(self.files):06d}"
        path.write_bytes(self.codec.compress(data, asbytes=True))
        self.files.append((path, len(data)))

    def read(self) -> Iterator[Any]:
        for path, size in self.files:
            data = self.codec.decompress(path.read_bytes(), decompressed_size=size)
            yield pickle.loads(data)
            del data

    def close(self) -> None:
        self.files.clear()
        shutil.rmtree(self.folder, ignore_errors=True)


@dataclass
class EventStream:
    """An input's event frame, spooled window by window (`stream_events`).

    `stats`: `read_events`' `frame.attrs["stats"]`; `hosts`: the hosts of
    its rows; `head`: its columns and dtypes, no rows; `first`: its first timed
    row (no rows when it has none).  `windows()` yields the frame's rows,
    a window at a time, in order; `close()` removes the spool.
    """

    stats: dict[str, Any]
    hosts: set[str]
    head: pd.DataFrame
    first: pd.DataFrame
    rows: int
    _spool: _Spool = field(repr=False)
    #: per year-less date code: final minus provisional day start (ns); None: no change
    _shift: np.ndarray | None = field(default=None, repr=False)

    def windows(self) -> Iterator[pd.DataFrame]:
        for window, codes in self._spool.read():
            yield window if codes is None else _moved(window, codes, self._shift)
            del window
            give_back()  # the window's memory, before the next is read

    def close(self) -> None:
        self._spool.close()


def _moved(window: pd.DataFrame, codes: np.ndarray | int, shift: np.ndarray | None) -> pd.DataFrame:
    """The window with its year-less times moved from provisional to final
    (`codes`: each row's deferred date, -1 none; `shift`: per date, None: no move)."""
    if shift is None:
        return window
    codes = np.broadcast_to(np.asarray(codes), len(window))
    ns = window["ts"].array.asi8.copy()
    rows = np.flatnonzero(codes >= 0)
    ns[rows] += shift[codes[rows]]
    window["ts"] = pd.Series(ns.view("datetime64[ns]"), index=window.index, copy=False)
    return window


class _Ineligible(Exception):
    """Internal: the input's frame cannot be streamed (the module docstring)."""


def streamable(paths: list[str], tz: str | None) -> bool:
    """True when `paths` may stream (more is known only once read): one local input, no zone."""
    if len(paths) != 1 or tz is not None:
        return False
    (path,) = paths
    return path != "-" and not remote.is_url(path)


def stream_events(
    path: str,
    *,
    year: int | None = None,
    host: str | None = None,
    host_of: Mapping[str, str] | None = None,
    progress: Callable[[int, int | None], None] | None = None,
    why: list[str] | None = None,
) -> EventStream | None:
    """`read_events([path], year=, host=, host_of=)`'s frame as an `EventStream`, or
    None when it must be read whole (the module docstring; an input that
    cannot be read is read whole too, which reports why).

    The stats' warnings are what `read_events(on_error="collect")` gives.
    why: a list that is told why the input could not stream.
    """
    source = Source(name=path, index=0)
    if progress is not None:
        build._report_progress([source], progress)
    spool = _Spool()
    try:
        return _Reader(source, year, host, host_of or {}).read(spool)
    except (_Ineligible, InputError) as exc:
        spool.close()
        if why is not None:
            why.append(str(exc))
        return None
    except BaseException:
        spool.close()
        raise


class _Reader:
    """Pass over one input: each window built, checked and spooled (`stream_events`)."""

    def __init__(
        self, source: Source, year: int | None, host: str | None, host_of: Mapping[str, str]
    ) -> None:
        self.source = source
        self.year = year
        self.names = [source.name]
        self.defaults = [host if host is not None else source.default_host]
        self.given = build._inputs_named(host_of, self.names)
        self.times = build._Times()
        self.runs = identity.RunsOf()
        self.stamps: set[str] = set()  # kinds of timestamp: year-less, clock-only, dated
        self.aware: set[bool] = set()  # rows with a UTC offset, rows without
        self.styles: set[str] = set()
        self.hosts: set[str] = set()
        self.last_ns: int | None = None  # the previous window's last time
        self.rows = self.typed = 0
        self.first: pd.DataFrame | None = None  # the first row with a time
        self.first_code = -1  # its deferred date's code (-1: none)
        self.head: pd.DataFrame | None = None
        self.bad = 0  # year-less rows whose date is invalid

    def read(self, spool: _Spool) -> EventStream:
        windows = build.reduced_windows(self.source, self.times, window=WINDOW_LINES)
        for window, text in windows:
            codes = self.times.take_codes()
            built = self._window(window, text, codes)
            del window, text
            if self.head is None:
                self.head = built.iloc[:0].copy()
            timed = np.flatnonzero(built["ts"].notna().to_numpy())
            if self.first is None and len(timed):
                self.first = built.iloc[timed[0] : timed[0] + 1].copy()
                self.first_code = int(codes[timed[0]])
            # the codes of a window with year-less times still to move (`_moved`)
            moving = self.year is None and bool((codes >= 0).any())
            spool.write((built, codes if moving else None))
            del built
            give_back()  # the window's temporaries, before the next is read
        give_back()  # the windows' freed temporaries
        return self._finish(spool)

    def _window(self, window: dict[str, Any], text: pa.Array, codes: np.ndarray) -> pd.DataFrame:
        """The window's event frame, provisional times; `_Ineligible` if it cannot stream."""
        naive = window["naive"]
        offset = window["offset"]
        deferred = codes >= 0
        if deferred.any():
            starts = self.times.starts(build._reference(self.source), self._provisional())
            self.bad += build._Times.complete(naive, codes, starts)
        timed = naive != _NAT
        dates = list(self.times.dates)  # code -> (drops, month, day), None: clock-only
        kinds = {
            "clock-only" if dates[code] is None else "year-less"
            for code in np.unique(codes[deferred & timed]).tolist()
        }
        if (timed & ~deferred).any():
            kinds.add("dated")
        self.stamps |= kinds
        self.aware |= {bool(value) for value in np.unique(~np.isnan(offset[timed])).tolist()}
        if len(self.stamps) > 1 or len(self.aware) > 1:
            raise _Ineligible("timestamps of two kinds")  # their order, or zone, needs the whole
        part = pd.DataFrame(
            {
                **window,
                "naive": naive.view("datetime64[ns]"),
                "raw": build._strings(text),
                "source_index": np.zeros(len(naive), dtype=np.int64),
            },
            copy=False,
        )
        self.styles |= {str(style) for style in part["style"].cat.categories}
        notes: list[str] = []
        built = build._assemble([part], self.names, self.defaults, None, "fast", notes)
        del part
        if notes:  # pragma: no cover - one input in one kind of timestamp has none
            raise _Ineligible("; ".join(notes))
        if self.head is not None and built["ts"].dtype != self.head["ts"].dtype:
            raise _Ineligible("timestamps of two kinds")  # a window of lines without a time
        # in order when the lines are (one input: no merge) and their times never
        # fall back; a line without one sorts with its neighbours (`_assemble`)
        ns = built["ts"].array.asi8
        ns = ns[ns != _NAT]
        if (np.diff(built["line"].to_numpy()) <= 0).any() or (np.diff(ns) < 0).any():
            raise _Ineligible("lines out of time order")  # the merge sorts the whole
        if len(ns):
            if self.last_ns is not None and ns[0] < self.last_ns:
                raise _Ineligible("lines out of time order")
            self.last_ns = int(ns[-1])
        identity.name_inputs(built, self.given)
        self.runs.add(built)
        self.rows += len(built)
        self.typed += int((built["kind"] != events.Kind.UNKNOWN.value).sum())
        hosts = built["host"]
        self.hosts |= {str(name) for name in hosts.cat.categories[np.unique(hosts.array.codes)]}
        return built

    def _provisional(self) -> int:
        return self.year if self.year is not None else PROVISIONAL_YEAR

    def _finish(self, spool: _Spool) -> EventStream:
        source = self.source
        if source.lines_read == 0:
            source.warn("empty input")
        ref = build._reference(source)
        shift = None
        assumed = None
        if self.times.dates:
            final = self.times.starts(ref, self.year)
            provisional = self.times.starts(ref, self._provisional())
            if ((final == _NAT) != (provisional == _NAT)).any():
                raise _Ineligible("a date that is invalid in its year")  # 29 February
            if self.year is None:
                shift = np.where(final == _NAT, 0, final - provisional)
            if self.year is None and "year-less" in self.stamps and self.first_code >= 0:
                # one kind of stamp: the first timed row is the first year-less one
                first_year = pd.Timestamp(int(final[self.first_code])).year
                assumed = {
                    "source": source.name,
                    "year": first_year,
                    "from": "file date" if source.mtime else "today",
                }
        build._time_warnings(self.styles, source, ref, self.times.bad + self.bad)
        if self.rows:
            renamed, _apart, notes = identity.hosts_apart(self.runs.result(), self.given)
            if renamed or notes:
                raise _Ineligible("; ".join(notes))  # the whole read warns, in full
        head = self.head if self.head is not None else events.empty_frame()
        first = head if self.first is None else _moved(self.first, self.first_code, shift)
        return EventStream(self._stats(assumed), self.hosts, head, first, self.rows, spool, shift)

    def _stats(self, assumed: dict[str, Any] | None) -> dict[str, Any]:
        """`assemble_inputs`' stats of the one input."""
        source = self.source
        return build.input_stats(
            [source],
            rows=self.rows,
            typed=self.typed,
            unknown=self.rows - self.typed,  # the frame's kind is never missing
            files=1,
            warnings=list(source.warnings),
            errors=[],
            formats=[
                {
                    "source": source.name,
                    "compression": source.compression,
                    "styles": sorted(self.styles),
                }
            ],
            assumed_years=[] if assumed is None else [assumed],
        )


@dataclass
class Windows:
    """Consecutive event frames that writers take as one frame (`row_slices`).

    `head`: the columns and their dtypes, no rows; `make()`: a fresh iterator
    over the frames (a writer may pass over them twice: the table measures
    its columns first).
    """

    head: pd.DataFrame
    make: Callable[[], Iterator[pd.DataFrame]]

    @property
    def columns(self) -> pd.Index:
        return self.head.columns

    def __iter__(self) -> Iterator[pd.DataFrame]:
        return self.make()


def row_slices(frame: pd.DataFrame | Windows, rows: int) -> Iterator[tuple[int, pd.DataFrame]]:
    """(first row, the next `rows` rows) of a frame, or of `Windows` taken as one frame.

    The slices of the windows are those of their frames joined: the same
    rows in the same slices, so a writer's output does not depend on where
    the windows end.
    """
    if isinstance(frame, pd.DataFrame):
        for start in range(0, len(frame), rows):
            yield start, frame.iloc[start : start + rows]
        return
    start = 0
    held: pd.DataFrame | None = None  # the last window's rows not yet in a slice
    for window in frame:
        at = 0  # the window's first row not yet in a slice
        if held is not None and len(window):
            at = min(rows - len(held), len(window))  # only the slice across the edge is joined
            held = build._concat([held, window.iloc[:at]])
            if len(held) < rows:
                continue
            yield start, held
            start += rows
            held = None
        while len(window) - at >= rows:
            yield start, window.iloc[at : at + rows]
            start += rows
            at += rows
        if at < len(window):
            held = window.iloc[at:]
    if held is not None:
        yield start, held
