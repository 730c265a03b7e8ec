"""The inputs' event frame a window of rows at a time, for writers that need not hold it.

Why: `kalog events` writes every row of its logs, and built whole, the frame
of a dense log and the read's transients around it peaked at ~330 MB for a
million lines and ~1.4 GB for ten million (bench/README.md).  A row's
output depends on its own line but for three things that a row cannot
know before the inputs' end:

* the year of a year-less syslog stamp, counted back from the *last*
  line's date against the file's (`kalog.ingest.frame._Times`);
* the merge order: rows are in time order, and a log out of order is sorted;
  several inputs are merged by time;
* the host check (`kalog.ingest.identity`): two keepalived processes of one
  host name at once in one input, or in inputs of one directory, and one
  name in inputs of several directories, are a warning.

So each input is read once, window after window (`frame.reduced_windows`).
Each window is built into its event frame as `read_events` builds the
whole (`frame._assemble`), with its year-less times *provisional* (counted
from `PROVISIONAL_YEAR`), and spooled to a temporary file (pickled into an
lz4 stream: ~30 MB per million dense rows, under `$TMPDIR`).  The order is
checked on the provisional times: a year-less stamp's provisional time and
its final one differ by a whole number of years counted from the same month
drops, so their order within the input is the same.  At an input's end its year is
known; the host check's runs of it are moved to its final years
(`_final_times`: inputs counted back from different file dates have the
same provisional years, not the same final ones), and the check runs on
all inputs' runs once they are read.  `EventStream.windows` then reads
the windows back, their year-less times moved to the final years, one
window at a time for one input, and about one per input for several,
merged as `_assemble` merges (`_merged`).

An input whose lines are out of time order (a central syslog of several
hosts, whose clocks differ a little) is sorted a window at a time as it is
spooled (`_assemble` sorts each), and its windows are merged as sorted
runs when read back; a run is read once the merge reaches its first time,
so about a window is held per run that overlaps the rows being merged.

The zone is applied as the windows are read back (`_zoned`), as the whole
read applies it to the whole (`frame._final_ts`): with `--tz`, times
without a UTC offset are wall-clock time in it, and when some input's
times carry offsets and others' do not, the latter are read as UTC with
the whole read's warning.  The host check compares the times in UTC, so
an input's runs are moved there at its end too (`_wall_clock_in`).

Only inputs whose frame this provably equals stream: local inputs (a file
named twice is read twice, as the whole read reads it; stdin named once,
and only when the command line copied it to a file,
`kalog.ingest.stdin_copy`: an input found not to stream is read again
whole), each one's rows in time order or every one of its lines with a
time (a line without one sorts with its neighbours in the file, as the
whole read places it, which a window's may not be), one kind of timestamp per input
(every one with a year, or every one year-less; with UTC offsets or
without), no date that only the final year makes invalid (29 February),
with `--tz` no time within a day of an hour the zone repeats (which of the
two a time is, the whole read infers from the order of all the inputs'
times: `_near_fold`), and no host-check warning.  Any other input makes `stream_events` return
None, and the caller reads the whole frame as before (`read_events`); the
spools are dropped.  The result is then the same, only not bounded
(tests/test_stream.py compares every output format both ways on real
logs).
"""

from __future__ import annotations

import collections
import functools
import math
import pickle
import shutil
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from kalog.errors import InputError
from kalog.ingest import events, identity, remote, stdin_copy
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
_DAY_NS = 86_400 * 10**9


class _Spool:
    """The windows' frames, each pickled and compressed into a file of its own.

    Pickled into the compressing stream and read back from the
    decompressing one: the pickle's bytes (~10 MB a window of a dense log)
    and their compressed copy are never held whole, at the read's peak.
    """

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="kalog-events-"))
        self.files: list[Path] = []

    def write(self, item: Any) -> None:
        path = self.folder / f"{len(self.files):06d}"
        with pa.CompressedOutputStream(str(path), _CODEC) as out:
            pickle.dump(item, out, protocol=pickle.HIGHEST_PROTOCOL)
        self.files.append(path)

    def read(self) -> Iterator[Any]:
        for at in range(len(self.files)):
            item = self.read_one(at)
            yield item
            del item

    def read_one(self, at: int) -> Any:
        """The window spooled `at`-th."""
        with pa.CompressedInputStream(str(self.files[at]), _CODEC) as data:
            return pickle.load(data)

    def close(self) -> None:
        self.files.clear()
        shutil.rmtree(self.folder, ignore_errors=True)


@dataclass
class _Input:
    """One input's windows, spooled by `_Reader.read`."""

    index: int  # its position among the inputs (the merge's tie-break)
    spool: _Spool = field(repr=False)
    #: per year-less date code: final minus provisional day start (ns); None: no change
    shift: np.ndarray | None = field(default=None, repr=False)
    #: its first row with a time (final), None when it has none
    first: pd.DataFrame | None = None
    #: the zone its times are read back in (`_zoned`), None: as spooled
    zone: str | None = None
    #: an input whose lines are out of time order: each window's first time
    #: (final, int64 ns), the windows being sorted runs to merge (`_merged`);
    #: None: its windows follow each other in time order
    starts: list[int] | None = None

    def windows(self) -> Iterator[pd.DataFrame]:
        for window, codes in self.spool.read():
            yield self._final(window, codes)
            del window
            give_back()  # the window's memory, before the next is read

    def window(self, at: int) -> Iterator[pd.DataFrame]:
        """The `at`-th window alone (a run of a disordered input)."""
        window, codes = self.spool.read_one(at)
        yield self._final(window, codes)

    def _final(self, window: pd.DataFrame, codes: np.ndarray | None) -> pd.DataFrame:
        return _zoned(window if codes is None else _moved(window, codes, self.shift), self.zone)


@dataclass
class EventStream:
    """The inputs' event frame, spooled window by window (`stream_events`).

    `stats`: `read_events`' `frame.attrs["stats"]`; `hosts`: the hosts of
    its rows; `head`: its columns and dtypes, no rows; `first`: its first timed
    row (no rows when it has none).  `windows()` yields the frame's rows,
    a window at a time, in order (several inputs merged: `_merged`);
    `close()` removes the spools.
    """

    stats: dict[str, Any]
    hosts: set[str]
    head: pd.DataFrame
    first: pd.DataFrame
    rows: int
    _inputs: list[_Input] = field(repr=False)

    def windows(self) -> Iterator[pd.DataFrame]:
        if len(self._inputs) == 1 and self._inputs[0].starts is None:
            return self._inputs[0].windows()
        return _merged(self._inputs)

    def close(self) -> None:
        for item in self._inputs:
            item.spool.close()


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


def _zoned(window: pd.DataFrame, zone: str | None) -> pd.DataFrame:
    """The window's times in `zone` as the whole read makes them
    (`frame._final_ts`): times without a UTC offset are wall-clock time in
    `zone` (DST gaps shift forward; `_Reader._finish` made sure that no
    time is on a repeated hour, which only the whole could infer), times
    with one are converted; None: as they are."""
    if zone is None:
        return window
    ts = window["ts"]
    if ts.dt.tz is None:
        ts = build._localize(ts, zone)
    window["ts"] = ts.dt.tz_convert(zone).astype(f"datetime64[ns, {zone}]")
    return window


#: Hours sampled on each side of a day for `_near_fold` (a day before it, two after).
_FOLD_HOURS = np.arange(-24, 49, dtype=np.int64) * 3_600 * 10**9


def _near_fold(days: np.ndarray, zone: str) -> bool:
    """Whether a day of `days` (naive day starts, int64 ns) is within a day
    of a repeated wall-clock hour in `zone` (the clocks go back).

    Why: the whole read localizes a repeated hour's times by their order
    over all inputs (`ambiguous="infer"`, standard time for all when that
    fails); a window cannot, so such inputs are read whole.  Each day is
    sampled hourly from the day before to the end of the day after: a
    sampled time that is repeated, or a UTC offset that falls from one
    sample to the next, is a fold (gaps shift forward, as the read does,
    and never lower the offset).  Cautious by a day on each side: a fold
    across midnight is found from either day.
    """
    if not len(days):
        return False
    naive = (days[:, None] + _FOLD_HOURS[None, :]).ravel()
    local = pd.DatetimeIndex(naive.view("datetime64[ns]")).tz_localize(
        zone, ambiguous="NaT", nonexistent="shift_forward"
    )
    repeated = np.asarray(local.isna()).reshape(len(days), -1)
    offsets = (naive - local.asi8).reshape(len(days), -1)
    return bool(repeated.any() or (np.diff(offsets, axis=1) < 0).any())


class _Ineligible(Exception):
    """Internal: the input's frame cannot be streamed (the module docstring)."""


def streamable(paths: list[str]) -> bool:
    """True when `paths` may stream (more is known only once read): local
    inputs (a file named twice is read twice, as the whole read reads it;
    stdin named twice is not copied, so it is read whole)."""
    if not paths or paths.count("-") > 1:
        return False
    # stdin can be read again once the command line copied it: a stream
    # found ineligible once read is read whole (kalog.ingest.stdin_copy)
    again = stdin_copy.copied() is not None
    return all((again if path == "-" else not remote.is_url(path)) for path in paths)


def stream_events(
    paths: str | Sequence[str],
    *,
    year: int | None = None,
    host: str | None = None,
    tz: str | None = None,
    host_of: Mapping[str, str] | None = None,
    progress: Callable[[int, int | None], None] | None = None,
    why: list[str] | None = None,
) -> EventStream | None:
    """`read_events(paths, year=, host=, tz=, host_of=)`'s frame as an `EventStream`, or
    None when it must be read whole (the module docstring; an input that
    cannot be read is read whole too, which reports why).

    The stats' warnings are what `read_events(on_error="collect")` gives.
    why: a list that is told why the inputs could not stream.
    """
    names = [paths] if isinstance(paths, str) else list(paths)
    if tz is not None:
        build._check_tz(tz)
    sources = [Source(name=name, index=index) for index, name in enumerate(names)]
    if progress is not None:
        build._report_progress(sources, progress)
    shared = _Shared(
        names,
        [host if host is not None else source.default_host for source in sources],
        build._inputs_named(host_of or {}, names),
        tz,
    )
    inputs: list[_Input] = []
    try:
        readers = []
        for source in sources:
            inputs.append(_Input(source.index, _Spool()))
            reader = _Reader(source, year, shared)
            reader.read(inputs[-1])
            readers.append(reader)
        return _joined(readers, inputs, shared)
    except BaseException as exc:
        for item in inputs:
            item.spool.close()
        if not isinstance(exc, (_Ineligible, InputError)):
            raise
        if why is not None:
            why.append(str(exc))
        return None


@dataclass
class _Shared:
    """What the inputs' readers share: every input's name, default host and
    given host (by input), and the host check's runs of all of them."""

    names: list[str]
    defaults: list[str]
    given: dict[str, str]
    tz: str | None = None  # --tz: the zone of the times without a UTC offset
    runs: identity.RunsOf = field(default_factory=identity.RunsOf)


def _joined(readers: list[_Reader], inputs: list[_Input], shared: _Shared) -> EventStream:
    """The inputs read, as one stream: checked as the whole read would check
    them together (`_Ineligible` when they cannot stream), with their stats."""
    rows = sum(reader.rows for reader in readers)
    if rows:
        renamed, _apart, notes = identity.hosts_apart(shared.runs.result(), shared.given)
        if renamed or notes:
            raise _Ineligible("; ".join(notes))  # the whole read warns, in full
    sources = [reader.source for reader in readers]
    notes = _zones(readers, inputs, shared)
    typed = sum(reader.typed for reader in readers)
    stats = build.input_stats(
        sources,
        rows=rows,
        typed=typed,
        unknown=rows - typed,  # the frame's kind is never missing
        files=len(sources),
        warnings=[warning for source in sources for warning in source.warnings] + notes,
        errors=[],
        formats=[
            {
                "source": reader.source.name,
                "compression": reader.source.compression,
                "styles": sorted(reader.styles),
            }
            for reader in readers
        ],
        assumed_years=[reader.assumed for reader in readers if reader.assumed is not None],
    )
    heads = [reader.head for reader in readers if reader.head is not None]
    # (no rows: `events.empty_frame()`, whose times are in --tz's zone if given)
    head = _zoned(heads[0] if heads else events.empty_frame(), inputs[0].zone)
    firsts = [item.first for item in inputs if item.first is not None]
    # the first timed row of the merge: the earliest, the first input's of a tie
    first = min(firsts, key=lambda row: row["ts"].array.asi8[0], default=head)
    hosts = set().union(*(reader.hosts for reader in readers))
    return EventStream(stats, hosts, head, first, rows, inputs)


def _zones(readers: list[_Reader], inputs: list[_Input], shared: _Shared) -> list[str]:
    """Set each input's zone of reading back as the whole read converts
    (`frame._final_ts`); its warning, if any.

    `--tz`: every input's times in that zone.  Without it, when an input's
    times carry UTC offsets, every input's are UTC: those without offsets
    read as UTC, and a warning names the inputs that have them.
    """
    aware = any(True in reader.aware for reader in readers)
    zone = shared.tz or ("UTC" if aware else None)
    for item in inputs:
        item.zone = zone
        if item.first is not None:
            item.first = _zoned(item.first, zone)
    plain = [reader.source.name for reader in readers if False in reader.aware]
    if shared.tz is not None or not aware or not plain:
        return []
    return [build.read_as_utc(plain)]


class _Reader:
    """Pass over one input: each window built, checked and spooled (`stream_events`)."""

    def __init__(self, source: Source, year: int | None, shared: _Shared) -> None:
        self.source = source
        self.year = year
        self.shared = shared
        self.times = build._Times()
        self.stamps: set[str] = set()  # kinds of timestamp: year-less, clock-only, dated
        self.aware: set[bool] = set()  # rows with a UTC offset, rows without
        self.styles: set[str] = set()
        self.hosts: set[str] = set()
        #: with --tz, the days (provisional day starts, ns) of its times without a UTC offset
        self.days: set[int] = set()
        self.last_ns: int | None = None  # the latest time of the windows before
        #: lines out of time order (each window is then a run of its own,
        #: sorted; `_merged`), lines without a time
        self.disordered = self.untimed = False
        self.starts: list[int] = []  # each window's first time (provisional)
        self.first_key: tuple[int, int] | None = None  # (time, line) of `into.first`
        self.first_row_code = -1  # its deferred date's code
        self.rows = self.typed = 0
        self.first_code = -1  # the first timed row's deferred date's code (-1: none)
        self.head: pd.DataFrame | None = None
        self.bad = 0  # year-less rows whose date is invalid
        self.assumed: dict[str, Any] | None = None  # its entry of the stats' assumed years

    def read(self, into: _Input) -> None:
        """Spool the input's windows into `into`; set its shift and first row."""
        windows = build.reduced_windows(self.source, self.times, window=WINDOW_LINES)
        runs = self.shared.runs.mark()  # the host check's runs of this input from here
        for window, text in windows:
            codes = self.times.take_codes()
            built, order = self._window(window, text, codes)
            del window, text
            if order is not None:  # the window's rows sorted: its codes alike
                codes = codes[order]
            if self.head is None:
                self.head = built.iloc[:0].copy()
            ns = built["ts"].array.asi8
            timed = np.flatnonzero(ns != _NAT)
            self.starts.append(int(ns[timed[0]]) if len(timed) else _NAT)
            if len(timed):  # the input's first timed row: the earliest (time, line)
                key = (int(ns[timed[0]]), int(built["line"].iat[timed[0]]))
                if self.first_key is None or key < self.first_key:
                    into.first = built.iloc[timed[0] : timed[0] + 1].copy()
                    self.first_key, self.first_row_code = key, int(codes[timed[0]])
            # the codes of a window with year-less times still to move (`_moved`)
            moving = self.year is None and bool((codes >= 0).any())
            into.spool.write((built, codes if moving else None))
            del built
            give_back()  # the window's temporaries, before the next is read
        give_back()  # the windows' freed temporaries
        self._finish(into, runs)

    def _window(
        self, window: dict[str, Any], text: pa.Array, codes: np.ndarray
    ) -> tuple[pd.DataFrame, np.ndarray | None]:
        """The window's event frame, provisional times, and where its rows
        were in the window's lines (None: in place) when `_assemble` sorted
        them; `_Ineligible` if it cannot stream."""
        naive = window["naive"]
        offset = window["offset"]
        deferred = codes >= 0
        if deferred.any():
            starts = self.times.starts(build._reference(self.source), self._provisional())
            self.bad += build._Times.complete(naive, codes, starts)
        timed = naive != _NAT
        if self.first_code < 0 and timed.any():  # the first timed line (the assumed year's)
            self.first_code = int(codes[np.argmax(timed)])
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
                "source_index": np.full(len(naive), self.source.index, dtype=np.int64),
            },
            copy=False,
        )
        self.styles |= {str(style) for style in part["style"].cat.categories}
        notes: list[str] = []
        shared = self.shared
        built = build._assemble([part], shared.names, shared.defaults, None, "fast", notes)
        del part
        if notes:  # pragma: no cover - one input in one kind of timestamp has none
            raise _Ineligible("; ".join(notes))
        if self.head is not None and built["ts"].dtype != self.head["ts"].dtype:
            raise _Ineligible("timestamps of two kinds")  # a window of lines without a time
        # Lines out of time order: `_assemble` sorted the window's rows by
        # time (then line), or its first time is before an earlier window's
        # last.  Each window is then a sorted run, merged with the others as
        # they are read back (`_merged`), unless a line has no time: it sorts
        # with its neighbours in the file, which a window's may not be.
        lines = built["line"].to_numpy()
        order = None
        if (np.diff(lines) <= 0).any():
            order = np.searchsorted(np.sort(lines), lines)  # each row's place in the file
        ns = built["ts"].array.asi8
        self.untimed |= bool((ns == _NAT).any())
        ns = ns[ns != _NAT]
        if order is not None or (len(ns) and self.last_ns is not None and ns[0] < self.last_ns):
            self.disordered = True
        if self.disordered and self.untimed:
            raise _Ineligible("lines out of time order")  # the merge sorts the whole
        if len(ns):
            latest = int(ns.max())
            self.last_ns = latest if self.last_ns is None else max(self.last_ns, latest)
            if shared.tz is not None and self.aware == {False}:
                self.days.update(np.unique(ns - ns % _DAY_NS).tolist())
        identity.name_inputs(built, shared.given)
        shared.runs.add(built)
        self.rows += len(built)
        self.typed += int((built["kind"] != events.Kind.UNKNOWN.value).sum())
        hosts = built["host"]
        self.hosts |= {str(name) for name in hosts.cat.categories[np.unique(hosts.array.codes)]}
        return built, order

    def _provisional(self) -> int:
        return self.year if self.year is not None else PROVISIONAL_YEAR

    def _finish(self, into: _Input, runs: int) -> None:
        """The input's end: its final years (`into.shift`, its host-check runs
        moved to them from `runs` on, and with --tz to UTC), its warnings and
        assumed year; `_Ineligible` for times near a repeated hour of --tz."""
        source = self.source
        days = np.array(sorted(self.days), dtype=np.int64)
        if source.lines_read == 0:
            source.warn("empty input")
        ref = build._reference(source)
        moves: list[Callable[[np.ndarray], np.ndarray]] = []  # to final times, then to UTC
        if self.times.dates:
            final = self.times.starts(ref, self.year)
            provisional = self.times.starts(ref, self._provisional())
            if ((final == _NAT) != (provisional == _NAT)).any():
                raise _Ineligible("a date that is invalid in its year")  # 29 February
            if self.year is None:
                into.shift = np.where(final == _NAT, 0, final - provisional)
                moves.append(_final_times(provisional, into.shift))
                days = moves[0](days)
            if self.year is None and "year-less" in self.stamps and self.first_code >= 0:
                # one kind of stamp: the first timed row is the first year-less one
                first_year = pd.Timestamp(int(final[self.first_code])).year
                self.assumed = {
                    "source": source.name,
                    "year": first_year,
                    "from": "file date" if source.mtime else "today",
                }
        zone = self.shared.tz
        if zone is not None and len(days):
            if _near_fold(days, zone):
                # the whole read infers a repeated hour's times from their order
                raise _Ineligible(f"times near an hour repeated in {zone}")
            moves.append(_wall_clock_in(zone))
        for move in moves:
            self.shared.runs.move_times(runs, move)
        build._time_warnings(self.styles, source, ref, self.times.bad + self.bad)
        if into.first is not None:
            into.first = _moved(into.first, self.first_row_code, into.shift)
        if self.disordered:  # the windows' first times as they are read back
            starts = np.array(self.starts, dtype=np.int64)
            for move in moves:
                starts = move(starts)
            into.starts = starts.tolist()


def _wall_clock_in(zone: str) -> Callable[[np.ndarray], np.ndarray]:
    """Wall-clock times in `zone` (int64 ns, NaT kept) -> UTC int64 ns, as
    the whole read localizes them, for the host check's runs of an input
    without UTC offsets under --tz: the check compares every input's
    times, and the whole read's are UTC."""

    def move(ns: np.ndarray) -> np.ndarray:
        naive = pd.Series(ns.view("datetime64[ns]"), copy=False)
        return build._localize(naive, zone).array.asi8.copy()

    return move


def _final_times(provisional: np.ndarray, shift: np.ndarray) -> Callable[[np.ndarray], np.ndarray]:
    """Provisional times (int64 ns, NaT kept) of one input -> its final ones, for
    the host check's runs (`identity.RunsOf.move_times`).

    Why: the check compares the runs of several inputs, whose final years may
    differ from one input to the next (each counts back from its own last
    line and file date); within one input the move keeps the order.  A
    time's date is its provisional day's: one per code (an input has one
    kind of stamp); `shift`: per code, final minus provisional day start.
    """
    valid = provisional != _NAT
    order = np.argsort(provisional[valid])
    days, moves = provisional[valid][order], shift[valid][order]

    def move(ns: np.ndarray) -> np.ndarray:
        if not len(days):
            return ns
        timed = np.flatnonzero(ns != _NAT)
        day = ns[timed] - ns[timed] % _DAY_NS
        at = np.minimum(np.searchsorted(days, day), len(days) - 1)
        found = days[at] == day
        ns[timed[found]] += moves[at[found]]
        return ns

    return move


def _merged(inputs: list[_Input]) -> Iterator[pd.DataFrame]:
    """The windows of several inputs, or of an input out of time order,
    merged as `_assemble` merges the whole: by time, a line without one at
    its input's previous time (its first time before any), then input, then
    line; an input without a time after all those with one.

    What is merged are runs of rows in that order: an input in time order is
    one run of all its windows, a disordered one a run per window (sorted as
    it was spooled).  A run is read only once the merge reaches its first
    time, so about a window is held per run that overlaps the rows being
    merged: one per input for inputs in order, a few for a file whose lines
    are a little out of order (several hosts' clocks in one syslog).
    """
    runs: list[tuple[int, int, int, Callable[[], Iterator[pd.DataFrame]]]] = []
    for item in inputs:
        if item.first is None:
            continue
        if item.starts is None:
            first = int(item.first["ts"].array.asi8[0])
            runs.append((first, item.index, 0, item.windows))
        else:
            for at, first in enumerate(item.starts):
                runs.append((first, item.index, at, functools.partial(item.window, at)))
    runs.sort(key=lambda run: run[:3])
    waiting = collections.deque(runs)
    held: list[_Pending] = []

    def begin_next() -> None:
        """Start reading the earliest run not started."""
        first, index, _at, make = waiting.popleft()
        held.append(_Pending(index, make(), first))

    while held or waiting:
        for pending in held:
            pending.fill()
        held[:] = [pending for pending in held if pending.rows]
        if not held:
            if waiting:
                begin_next()
            continue
        bound = min(pending.horizon() for pending in held)
        if waiting:
            bound = min(bound, waiting[0][0])
        pieces = [(pending.index, *pending.below(bound)) for pending in held]
        pieces = [piece for piece in pieces if len(piece[1])]
        if pieces:
            yield _in_order(pieces)
        elif waiting and waiting[0][0] == bound:  # the next run's rows are needed
            begin_next()
        else:
            for pending in held:
                if pending.horizon() == bound:
                    pending.more()  # every row held is at the bound: read on
    for item in inputs:
        if item.first is None:
            yield from item.windows()


class _Pending:
    """A run's rows read back and not yet merged (`_merged`), with their keys."""

    def __init__(self, index: int, windows: Iterator[pd.DataFrame], first: int) -> None:
        self.index = index  # its input's
        self.windows = windows
        self.carried = first  # the time an untimed line takes
        self.frame: pd.DataFrame | None = None
        self.keys = np.zeros(0, dtype=np.int64)
        self.done = False

    @property
    def rows(self) -> int:
        return len(self.keys)

    def fill(self) -> None:
        if not self.rows:
            self.more()

    def more(self) -> None:
        """The next window's rows added (none left: `done`)."""
        while not self.done:
            window = next(self.windows, None)
            if window is None:
                self.done = True
                return
            if not len(window):
                continue
            keys = _keys(window["ts"].array.asi8, self.carried)
            self.carried = int(keys[-1])
            if self.frame is None or not len(self.frame):
                self.frame, self.keys = window.reset_index(drop=True), keys
            else:
                self.frame = build._concat([self.frame, window])
                self.keys = np.concatenate([self.keys, keys])
            return

    def horizon(self) -> float:
        """No row of this input still to come has a smaller key than this."""
        return math.inf if self.done else int(self.keys[-1])

    def below(self, bound: float) -> tuple[pd.DataFrame, np.ndarray]:
        """The rows held whose key is under `bound` (all, at infinity), taken out."""
        frame = self.frame
        assert frame is not None
        cut = len(self.keys) if bound == math.inf else int(np.searchsorted(self.keys, bound))
        taken, keys = frame.iloc[:cut], self.keys[:cut]
        self.frame, self.keys = frame.iloc[cut:].reset_index(drop=True), self.keys[cut:]
        return taken, keys


def _keys(ns: np.ndarray, carried: int) -> np.ndarray:
    """The merge keys of a window's times (int64 ns, NaT as int64 min): a row
    without a time takes the previous row's, the first ones `carried`."""
    timed = ns != _NAT
    if timed.all():
        return ns
    last = np.maximum.accumulate(np.where(timed, np.arange(len(ns)), -1))
    return np.where(last >= 0, ns[np.maximum(last, 0)], carried)


def _in_order(pieces: list[tuple[int, pd.DataFrame, np.ndarray]]) -> pd.DataFrame:
    """The rows of several inputs' pieces in merge order: key, input, line."""
    if len(pieces) == 1:
        return pieces[0][1].reset_index(drop=True)
    rows = build._concat([frame for _index, frame, _keys in pieces])
    order = np.lexsort(
        (
            rows["line"].to_numpy(),
            np.concatenate([np.full(len(keys), index) for index, _frame, keys in pieces]),
            np.concatenate([keys for _index, _frame, keys in pieces]),
        )
    )
    return rows.iloc[order].reset_index(drop=True)


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


def row_slices(
    frame: pd.DataFrame | Windows, rows: int, *, exact: bool = True
) -> Iterator[tuple[int, pd.DataFrame]]:
    """(first row, the next `rows` rows) of a frame, or of `Windows` taken as one frame.

    `exact`: the slices of the windows are those of their frames joined: the
    same rows in the same slices, so a writer whose output shows where its
    slices end (parquet's row groups) does not depend on where the windows
    end.  Else, for writers whose output is row by row (jsonl, csv, the
    table), a slice never crosses a window's end: up to `rows` rows, none
    joined.  Why: a join unites two windows' categories, ~40 ms a column
    set, at every window's end (dense 1M: ~0.4 s of a 5.8 s `kalog events`).
    """
    if isinstance(frame, pd.DataFrame):
        for start in range(0, len(frame), rows):
            yield start, frame.iloc[start : start + rows]
        return
    start = 0
    if not exact:
        for window in frame:
            for at in range(0, len(window), rows):
                part = window.iloc[at : at + rows]
                yield start, part
                start += len(part)
        return
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
