"""Small helpers rules share: evidence lines, segment walks, reference profiles.

Kept out of `kalog.check.findings` (which defines records and loading) so that a
rule author has one place for the conveniences of reading the model's
timeline; nothing here decides what is a violation.
"""

from __future__ import annotations

import bisect
import itertools
import operator
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pyarrow as pa

from kalog.check.citations import python_values
from kalog.check.findings import NotEvaluable
from kalog.ingest.events import kind_mask as kind_mask  # rules import it from here
from kalog.model import rows as model_rows
from kalog.model.profiles import PROFILES, Profile, resolve_profile
from kalog.model.rows import seconds_between as seconds_between  # rules import it from here
from kalog.model.timeline import STATES, InstanceTimeline, RunInfo, Segment, Timeline, clock

if TYPE_CHECKING:  # pragma: no cover
    from kalog.check.context import AnalysisContext


def timeline_of(ctx: AnalysisContext) -> Timeline:
    """The replayed timeline, or NotEvaluable when the analysis has none."""
    timeline = ctx.timeline
    if not isinstance(timeline, Timeline):
        raise NotEvaluable("no replayed timeline")
    return timeline


@dataclass(frozen=True)
class SegmentTable:
    """One instance's segments as numpy columns, for rules that scan every segment.

    Why: a dense day has ~170k segments and several rules (and the summary)
    each walked all of them in Python, comparing Timestamps and state
    strings, to keep a few.  The table is built once per analysis and lets
    a rule find the few segments it needs with numpy, then read those
    segments themselves.

    `starts`/`ends` are the Timestamps' int64 nanoseconds (UTC; their order
    is the Timestamps' order); `timed` is False when some start or end is
    not a Timestamp (never so for the replay's segments: it only makes
    segments of timed events), and the int columns must then not be used.
    `states` holds one code per distinct state string of the timeline
    (`state_code`), so equal codes mean equal strings; `runs` the segments'
    run numbers (ints; values that are not numbers get codes, equal where
    they are equal).
    """

    starts: np.ndarray
    ends: np.ndarray
    states: np.ndarray
    runs: np.ndarray
    timed: bool
    codes: Mapping[str, int]

    def state_code(self, state: str) -> int:
        """The code of `state` (-1, matching no segment, for a state no segment has)."""
        return self.codes.get(state, -1)

    def next_other(
        self, segments: list[Segment], positions: list[int], inside: np.ndarray
    ) -> list[Segment | None]:
        """For each of `positions`: the first segment that starts later and is
        not `inside` (None: none), e.g. where a FAULT stretch ends.

        That is the scan "the next segment, in list order, that starts after
        this one and is not inside"; for segments in start order (what the
        replay makes) it is answered without the scan, which cost a long walk
        per position on a busy log: the later-starting segments are those
        from the right-side search of the start on, and the first one not
        inside at or after any index is known from one backward minimum.
        Other orders, or segments without Timestamps, keep the scan.
        """
        starts = self.starts
        if self.timed and not np.any(starts[1:] < starts[:-1]):
            count = len(segments)
            own = np.where(inside, count, np.arange(count))  # count: inside
            following = np.append(np.minimum.accumulate(own[::-1])[::-1], count)
            found = following[np.searchsorted(starts, starts[positions], side="right")]
            return [segments[index] if index < count else None for index in found.tolist()]
        times = [segment.start for segment in segments]
        ordered = all(map(operator.le, times, times[1:]))
        flags = inside.tolist()

        def scan(position: int) -> Segment | None:
            start = times[position]
            return next(
                (
                    segments[later]
                    for later in range(position + 1 if ordered else 0, len(segments))
                    if times[later] > start and not flags[later]
                ),
                None,
            )

        return [scan(position) for position in positions]


def segment_table(ctx: AnalysisContext, item: InstanceTimeline) -> SegmentTable:
    """`item`'s `SegmentTable`, the whole timeline's built once per context."""
    tables = ctx.cached("segment_tables", lambda: _segment_tables(timeline_of(ctx).instances))
    table = tables.get(id(item))
    if table is None or table[0] is not item:  # not one of the timeline's instances
        return _segment_tables([item])[id(item)][1]
    return table[1]


class _Codes(dict[Any, int]):
    """value -> code, a new code for each value not seen before."""

    def __missing__(self, key: Any) -> int:
        code = self[key] = len(self)
        return code


def _segment_tables(
    items: list[InstanceTimeline],
) -> dict[int, tuple[InstanceTimeline, SegmentTable]]:
    """id(item) -> (item, its table) for every instance, from one pass over all segments."""
    everything = [segment for item in items for segment in item.segments]
    count = len(everything)
    try:  # Timestamps (and NaT, whose value is int64 min): the replay's segments
        start_ns = np.fromiter([s.start.value for s in everything], np.int64, count)
        end_ns = np.fromiter([s.end.value for s in everything], np.int64, count)
        timed = (start_ns != _NAT) & (end_ns != _NAT)
    except (AttributeError, TypeError, OverflowError):  # None, datetimes, ... by hand
        timed = np.fromiter(
            [type(s.start) is pd.Timestamp and type(s.end) is pd.Timestamp for s in everything],
            bool,
            count,
        )
        pairs = zip(everything, timed.tolist(), strict=True)
        start_ns, end_ns = np.zeros(count, np.int64), np.zeros(count, np.int64)
        for position, (segment, ok) in enumerate(pairs):
            if ok:
                start_ns[position], end_ns[position] = segment.start.value, segment.end.value
    codes = _Codes({state: code for code, state in enumerate(STATES)})
    states = np.fromiter(map(codes.__getitem__, [s.state for s in everything]), np.int64, count)
    run_numbers = [s.run for s in everything]
    try:
        runs = np.fromiter(run_numbers, np.int64, count)
    except (TypeError, ValueError, OverflowError):  # not ints: codes, equal where they are
        runs = np.fromiter(map(_Codes().__getitem__, run_numbers), np.int64, count)
    tables: dict[int, tuple[InstanceTimeline, SegmentTable]] = {}
    offset = 0
    for item in items:
        stop = offset + len(item.segments)
        tables[id(item)] = (
            item,
            SegmentTable(
                start_ns[offset:stop],
                end_ns[offset:stop],
                states[offset:stop],
                runs[offset:stop],
                bool(timed[offset:stop].all()),
                codes,
            ),
        )
        offset = stop
    return tables


def run_of(timeline: Timeline, host: str, run: int) -> RunInfo | None:
    for info in timeline.runs:
        if info.host == host and info.run == run:
            return info
    return None


def runs_by_key(timeline: Timeline) -> dict[tuple[str, int], RunInfo]:
    """(host, run) -> RunInfo, the first of equal keys as `run_of` finds it.

    For rules that look a run up per segment or transition: `run_of` scans.
    """
    index: dict[tuple[str, int], RunInfo] = {}
    for info in timeline.runs:
        index.setdefault((info.host, info.run), info)
    return index


def instances_by_key(timeline: Timeline) -> dict[tuple[str, str], InstanceTimeline]:
    """(host, instance) -> its timeline, the first of equal keys as `Timeline.get` finds it."""
    index: dict[tuple[str, str], InstanceTimeline] = {}
    for item in timeline.instances:
        index.setdefault((item.host, item.instance), item)
    return index


def reference_profile(ctx: AnalysisContext, run: RunInfo | None) -> Profile:
    """The profile a run is judged against: --expect, else the run's own."""
    if ctx.expect:
        return resolve_profile(ctx.expect)
    if run is not None and run.profile in PROFILES:
        return PROFILES[run.profile]
    return PROFILES["2"]


def runs_of(item: InstanceTimeline) -> Iterator[list[Segment]]:
    """An instance's segments grouped by keepalived run, in order."""
    for _run, segments in itertools.groupby(item.segments, key=operator.attrgetter("run")):
        yield list(segments)


def fmt_time(ts: pd.Timestamp | None) -> str:
    if ts is None or pd.isna(ts):
        return "?"
    return clock(ts)


def advert_interval(
    ctx: AnalysisContext,
    host: str,
    instance: str,
    default: float = 1.0,
    at: pd.Timestamp | None = None,
) -> float:
    """`instance`'s advert interval on `host` (seconds) in the config in force
    `at` (the first given without a time), `default` when no config tells."""
    config = ctx.config_at(host, at)
    inst = config.instances.get(instance) if config is not None else None
    value = inst.advert_int if inst is not None else None
    return float(value) if value else default


_NAT = np.iinfo(np.int64).min


def ns(value: Any) -> Any:
    """Times as int nanoseconds (UTC for aware times): the one conversion rules use.

    A scalar (Timestamp, datetime, ISO text) gives an int, None or NaT gives
    None; a Series, Index or array of times gives an int64 array with NaT as
    int64 min (numpy comparisons then treat it as "before everything").
    `ctx.times_ns` is the events' `ts` column converted once.
    """
    if type(value) is pd.Timestamp:
        return value.value  # the common case, without a constructor call
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, pd.Series | pd.Index | np.ndarray | pd.api.extensions.ExtensionArray):
        return model_rows.times_ns(pd.Series(value, copy=False))
    return int(pd.Timestamp(value).value)


def may_contain(values: pd.Series, text: str) -> bool:
    """False only when no cell of a string column can contain `text`.

    For a pyarrow-backed column the UTF-8 data buffers are searched whole
    (zero-copy), which is several times faster than a per-cell search; a
    cell containing `text` has its bytes in the buffer, so a miss is proof
    of absence.  A categorical column (the frame's text columns) is answered
    from the distinct values its cells hold.  A hit (possibly across two
    cells) or any other column type answers True: the caller then runs the
    exact per-cell test.
    """
    if isinstance(values.dtype, pd.CategoricalDtype):  # the frame's text columns: ask the values
        codes = np.unique(values.cat.codes.to_numpy())
        present = values.cat.categories[codes[codes >= 0]]  # the values some cell holds
        return any(text in str(value) for value in present.tolist())
    if not isinstance(values.dtype, pd.StringDtype) or not hasattr(values.array, "__arrow_array__"):
        return True
    pattern = re.compile(re.escape(text.encode("utf-8")))
    for chunk in values.array.__arrow_array__().chunks:
        if not (pa.types.is_string(chunk.type) or pa.types.is_large_string(chunk.type)):
            return True
        data = chunk.buffers()[2]
        if data is not None and pattern.search(memoryview(data)) is not None:
            return True
    return False


@dataclass
class HostRows:
    """Positions (frame order) of the rows of some kinds, per host, with their times.

    Rules ask "this host's cause lines in the seconds before this segment"
    once per segment; filtering the whole frame each time is quadratic on a
    busy log.  Rows without a time never match a time window, so they are
    left out.  Within a host the frame is in time order, so a window is two
    binary searches (a linear scan keeps the answer exact if it is not).
    `column(name)` reads the cells of these rows, converted as the
    module's `column` does, without converting the whole column.
    """

    positions: dict[str, np.ndarray]
    times: dict[str, np.ndarray]
    ordered: dict[str, bool]
    events: pd.DataFrame | None = None
    chosen: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    chosen_times: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    _columns: dict[str, Cells] = field(default_factory=dict, repr=False)

    def between(self, host: Any, start: int | None, end: int | None) -> np.ndarray:
        """Positions of `host`'s rows with start <= ts <= end (ns; None: open)."""
        key = None if host is None else str(host)
        times = self.times.get(key) if key is not None else None
        if times is None:
            return np.zeros(0, dtype=np.int64)
        positions = self.positions[key]
        if self.ordered[key]:
            lo = 0 if start is None else int(np.searchsorted(times, start, side="left"))
            hi = len(times) if end is None else int(np.searchsorted(times, end, side="right"))
            return positions[lo:hi]
        keep = np.ones(len(times), dtype=bool)
        if start is not None:
            keep &= times >= start
        if end is not None:
            keep &= times <= end
        return positions[keep]

    def windows(self, host: Any, starts: np.ndarray, ends: np.ndarray) -> list[np.ndarray]:
        """`[self.between(host, start, end) for start, end in zip(starts, ends, strict=True)]`, with
        one search per side for all windows when the host's rows are in time order."""
        key = None if host is None else str(host)
        times = self.times.get(key) if key is not None else None
        if times is None or not self.ordered[key]:
            return [self.between(host, start, end) for start, end in zip(starts, ends, strict=True)]
        positions = self.positions[key]
        lows = np.searchsorted(times, starts, side="left").tolist()
        highs = np.searchsorted(times, ends, side="right").tolist()
        return [positions[lo:hi] for lo, hi in zip(lows, highs, strict=True)]

    def leading_to(self, host: Any, segments: list[Segment], window_ns: int) -> list[np.ndarray]:
        """For each segment: `host`'s rows from `window_ns` before its start up
        to the line that opened it (the lines that may have caused it).

        Rows of the segment's own time logged after its opening line (same
        file, later line) are left out: with 1-second timestamps every line
        of a burst has the same time, and a line logged after the state line
        (the next instance's interface going down) is not its cause.
        """
        starts = [ns(segment.start) for segment in segments]
        if any(start is None for start in starts):
            return [
                self.leading_to(host, [segment], window_ns)[0]
                if start is not None
                else np.zeros(0, dtype=np.int64)
                for segment, start in zip(segments, starts, strict=True)
            ]
        opened = np.array(starts, dtype=np.int64)
        windows = self.windows(host, opened - window_ns, opened)
        sources, lines = self.column("source"), self.column("line")
        result = []
        for segment, start, rows in zip(segments, starts, windows, strict=True):
            if len(rows) and segment.source is not None and segment.line is not None:
                same_time = self.chosen_times[np.searchsorted(self.chosen, rows)] == start
                if same_time.any():
                    later = [
                        sources[row] != segment.source
                        or lines[row] is None
                        or lines[row] > segment.line
                        for row in rows[same_time].tolist()
                    ]
                    keep = np.ones(len(rows), dtype=bool)
                    keep[np.flatnonzero(same_time)[later]] = False
                    rows = rows[keep]
            result.append(rows)
        return result

    def column(self, name: str) -> Cells:
        """frame position -> the `name` cell of each of these rows, None for missing."""
        cells = self._columns.get(name)
        if cells is None:
            if self.events is None or len(self.chosen) == 0:
                cells = Cells(memoryview(np.zeros(0, dtype=np.int64)), [])
            else:
                chosen = memoryview(np.ascontiguousarray(self.chosen, dtype=np.int64))  # no copy
                cells = Cells(chosen, python_values(self.events[name].iloc[self.chosen]))
            self._columns[name] = cells
        return cells


class Cells(Mapping[int, Any]):
    """frame position -> a column's cell, for the rows a `HostRows` chose.

    Read like the dict it replaces (`cells[position]`, KeyError for a row
    not chosen), but stored as the cells in row order, found by bisecting
    the chosen positions (ascending).  Why: a dict per column held ~88
    bytes per row, ~40 MB per million dense lines at the rules' peak (a
    quarter of the rows for the fault rule's five columns), and the rules
    read a few of them (36k reads on dense 1M); this holds 8 per row.
    """

    __slots__ = ("_positions", "_values")

    def __init__(self, positions: memoryview, values: list[Any]) -> None:
        self._positions = positions  # ascending frame positions, int64
        self._values = values

    def __getitem__(self, position: int) -> Any:
        positions = self._positions
        at = bisect.bisect_left(positions, position)
        if at == len(positions) or positions[at] != position:
            raise KeyError(position)
        return self._values[at]

    def __iter__(self) -> Iterator[int]:
        return iter(self._positions.tolist())

    def __len__(self) -> int:
        return len(self._values)


def host_rows(ctx: AnalysisContext, kinds: Iterable[str]) -> HostRows:
    """`HostRows` of the events whose kind is in `kinds` (cached per context)."""
    wanted = frozenset(kinds)

    def build() -> HostRows:
        events = ctx.events
        if events.empty:
            return HostRows({}, {}, {})
        times = ctx.times_ns
        mask = kind_mask(events, wanted) & events["host"].notna().to_numpy(dtype=bool)
        mask &= times != _NAT
        chosen = np.flatnonzero(mask)
        codes, hosts = pd.factorize(events["host"].iloc[chosen])
        result = HostRows({}, {}, {}, events, chosen, times[chosen])
        if len(hosts) == 0:
            return result
        # one stable sort by host code instead of a pass over the rows per host
        order = np.argsort(codes, kind="stable")
        bounds = np.searchsorted(codes[order], np.arange(len(hosts) + 1), side="left")
        for code, host in enumerate(hosts):
            positions = chosen[order[bounds[code] : bounds[code + 1]]]
            host_times = times[positions]
            result.positions[str(host)] = positions
            result.times[str(host)] = host_times
            result.ordered[str(host)] = bool(np.all(host_times[1:] >= host_times[:-1]))
        return result

    cache = ctx.cached("host_rows", dict)
    if wanted not in cache:
        cache[wanted] = build()
    return cache[wanted]


def cells(events: pd.DataFrame, name: str, positions: Iterable[int]) -> dict[int, Any]:
    """frame position -> the `name` cell of those rows, converted as `column` does.

    For rules that read a few cells of a big frame: one `take` for all the
    rows they need instead of a whole-column conversion or a lookup per cell.
    """
    wanted = sorted(set(positions))
    if not wanted:
        return {}
    values = python_values(events[name].iloc[wanted])
    return dict(zip(wanted, values, strict=True))
