"""Small helpers rules share: evidence lines, segment walks, reference profiles.

Kept out of `kalog.check.findings` (which defines records and loading) so that a
rule author has one place for the conveniences of reading the model's
timeline; nothing here decides what is a violation.
"""

from __future__ import annotations

import contextlib
import itertools
import operator
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from kalog.check.findings import Evidence, NotEvaluable
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


def _cached(ctx: AnalysisContext, name: str, build: Callable[[], Any]) -> Any:
    """A value computed once per analysis context (lost on a frozen context)."""
    cached = getattr(ctx, name, None)
    if cached is not None:
        return cached
    value = build()
    with contextlib.suppress(AttributeError, TypeError):  # a frozen context: no cache
        object.__setattr__(ctx, name, value)
    return value


@dataclass
class _LineLookup:
    """Where each (source, line) sits in the events frame.

    Why not a dict of every line's text: a dense log has millions of events,
    and a dict with a key tuple and a str per row costs hundreds of MB for the
    few dozen lines findings cite.  Lines are sorted per source (stably, so
    of a line read twice the last row wins, as a dict would keep it) and
    searched with numpy.
    """

    sources: dict[str, tuple[int, int]]  # source -> slice of `lines`/`positions`
    lines: np.ndarray
    positions: np.ndarray
    raw: Any  # position -> the frame's raw cell (values fetched on demand)
    raw_column: pd.Series | None = None  # the same cells, for fetching many at once

    def text(self, source: str, line: int) -> str | None:
        where = self.sources.get(source)
        if where is None:
            return None
        lo, hi = where
        found = lo + int(self.lines[lo:hi].searchsorted(line, side="right")) - 1
        if found < lo or int(self.lines[found]) != line:
            return None
        return _raw_text(self.raw(int(self.positions[found])))

    def texts(self, keys: Iterable[tuple[str, int]]) -> dict[tuple[str, int], str | None]:
        """`{key: self.text(*key)}` with one search per source and one fetch of the cells."""
        result: dict[tuple[str, int], str | None] = {}
        by_source: dict[str, list[int]] = {}
        for source, line in keys:
            by_source.setdefault(source, []).append(line)
        found_keys: list[tuple[str, int]] = []
        found_rows: list[np.ndarray] = []
        for source, lines in by_source.items():
            where = self.sources.get(source)
            if where is None or any(not _INT64_MIN < line < _INT64_MAX for line in lines):
                result.update({(source, line): self.text(source, line) for line in lines})
                continue
            lo, hi = where
            wanted = np.array(lines, dtype=np.int64)
            found = lo + self.lines[lo:hi].searchsorted(wanted, side="right") - 1
            hit = found >= lo
            hit[hit] = self.lines[found[hit]] == wanted[hit]
            for line, ok in zip(lines, hit.tolist(), strict=True):
                if ok:
                    found_keys.append((source, line))
                else:
                    result[(source, line)] = None
            found_rows.append(self.positions[found[hit]])
        if found_keys:
            rows = np.concatenate(found_rows).tolist()
            if self.raw_column is not None:
                raws = _python_values(self.raw_column.iloc[rows])
            else:
                raws = [self.raw(row) for row in rows]
            for key, raw in zip(found_keys, raws, strict=True):
                result[key] = _raw_text(raw)
        return result


_INT64_MIN, _INT64_MAX = np.iinfo(np.int64).min, np.iinfo(np.int64).max


def _raw_text(raw: Any) -> str:
    """A raw cell as evidence text: "" for a missing one."""
    if type(raw) is str:
        return raw
    return "" if raw is None or pd.isna(raw) else str(raw)


def _line_lookup(ctx: AnalysisContext) -> _LineLookup:
    def build() -> _LineLookup:
        events = ctx.events
        empty = np.zeros(0, dtype=np.int64)
        if events.empty or not {"source", "line", "raw"} <= set(events.columns):
            return _LineLookup({}, empty, empty, None)
        codes, uniques = _source_codes(events["source"])
        lines = events["line"].to_numpy(dtype=np.float64, na_value=np.nan)
        keep = np.flatnonzero((codes >= 0) & ~np.isnan(lines))
        kept_codes, kept_lines = codes[keep], lines[keep]
        code_steps, line_steps = np.diff(kept_codes), np.diff(kept_lines)
        if np.all((code_steps > 0) | ((code_steps == 0) & (line_steps >= 0))):
            order = keep  # already sorted by (source, line): the stable sort is the identity
        else:
            order = keep[np.lexsort((kept_lines, kept_codes))]
        sorted_codes = codes[order]
        bounds = np.searchsorted(sorted_codes, np.arange(len(uniques) + 1), side="left")
        sources: dict[str, tuple[int, int]] = {}
        for code, name in enumerate(uniques):
            sources[str(name)] = (int(bounds[code]), int(bounds[code + 1]))
        raw = events["raw"]
        return _LineLookup(sources, lines[order].astype(np.int64), order, _cell_reader(raw), raw)

    return _cached(ctx, "_kalog_line_lookup", build)


def _source_codes(values: pd.Series) -> tuple[np.ndarray, Any]:
    """`pd.factorize(values, use_na_sentinel=True)`, quicker for a log read from one file.

    Hashing a million source cells was half of building the line lookup;
    when the pyarrow-backed column has no missing cell and every cell
    equals the first (one comparison pass), the codes are all 0 and the
    only unique value is that first cell.
    """
    if len(values) and isinstance(values.dtype, pd.StringDtype):
        array = values.array
        if hasattr(array, "__arrow_array__"):
            chunks = array.__arrow_array__()
            first = chunks[0]
            if chunks.null_count == 0 and pc.all(pc.equal(chunks, first)).as_py():
                return np.zeros(len(values), dtype=np.intp), pd.Index([first.as_py()])
    return pd.factorize(values, use_na_sentinel=True)


def _cell_reader(values: pd.Series) -> Callable[[int], Any]:
    """position -> the cell's value, missing as None or a pandas NA value.

    Why not `values.array[i]`: on a pyarrow-backed column each such access
    goes through pandas' indexing machinery (several microseconds); the
    pyarrow scalar gives the same str (None for null) in a fraction of that.
    """
    array = values.array
    if isinstance(values.dtype, pd.StringDtype) and hasattr(array, "__arrow_array__"):
        chunks = array.__arrow_array__()
        if chunks.num_chunks == 1:
            chunk = chunks.chunk(0)
            return lambda position: chunk[position].as_py()
        return lambda position: chunks[position].as_py()
    return array.__getitem__


def _evidence_keys(pairs: Iterable[tuple[Any, Any]]) -> list[tuple[str, int]]:
    """The (source, line) pairs as (str, int), missing ones dropped, deduplicated."""
    seen: set[tuple[str, int]] = set()
    keys: list[tuple[str, int]] = []
    for source, line in pairs:
        if type(source) is str and type(line) is int:
            key = (source, line)  # the usual case, without pd.isna's cost
        elif source is None or line is None or pd.isna(source) or pd.isna(line):
            continue
        else:
            key = (str(source), int(line))
        if key in seen:
            continue
        seen.add(key)
        keys.append(key)
    return keys


def evidence(ctx: AnalysisContext, pairs: Iterable[tuple[Any, Any]]) -> list[Evidence]:
    """Evidence records (with the line's text) for (source, line) pairs, deduplicated."""
    lookup = _line_lookup(ctx)
    return [
        Evidence(source, line, lookup.text(source, line)) for source, line in _evidence_keys(pairs)
    ]


def evidence_many(
    ctx: AnalysisContext, groups: Iterable[Iterable[tuple[Any, Any]]]
) -> list[list[Evidence]]:
    """`[evidence(ctx, pairs) for pairs in groups]`, the lines' text looked up in one go.

    For a rule with thousands of findings citing a few lines each: one
    vectorised search per log file and one fetch of the raw cells instead of
    a binary search and a cell access per line.
    """
    keyed = [_evidence_keys(pairs) for pairs in groups]
    texts = _line_lookup(ctx).texts({key: None for keys in keyed for key in keys})
    return [
        [Evidence(source, line, texts[(source, line)]) for source, line in keys] for keys in keyed
    ]


def segment_evidence(ctx: AnalysisContext, segments: Iterable[Segment]) -> list[Evidence]:
    return evidence(ctx, ((s.source, s.line) for s in segments))


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


def segment_table(ctx: AnalysisContext, item: InstanceTimeline) -> SegmentTable:
    """`item`'s `SegmentTable`, the whole timeline's built once per context."""
    tables = _cached(
        ctx, "_kalog_segment_tables", lambda: _segment_tables(timeline_of(ctx).instances)
    )
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


def advert_interval(ctx: AnalysisContext, host: str, instance: str, default: float = 1.0) -> float:
    config = (ctx.configs or {}).get(host)
    inst = config.instances.get(instance) if config is not None else None
    value = inst.advert_int if inst is not None else None
    return float(value) if value else default


_NAT = np.iinfo(np.int64).min


def times_ns(events: pd.DataFrame) -> np.ndarray:
    """The `ts` column as int64 nanoseconds (UTC for aware times), NaT as int64 min."""
    return model_rows.times_ns(events["ts"])


def event_times(ctx: AnalysisContext) -> np.ndarray:
    """`times_ns(ctx.events)`, computed once per context (rules ask per segment)."""
    return _cached(ctx, "_kalog_times_ns", lambda: times_ns(ctx.events))


def ts_ns(ts: pd.Timestamp) -> int:
    if type(ts) is pd.Timestamp:
        return ts.value  # what pd.Timestamp(ts).value gives, without the call
    return int(pd.Timestamp(ts).value)


def stamp_ns(ts: Any) -> int | None:
    """A timestamp as int nanoseconds (UTC for aware times), None for None/NaT."""
    if type(ts) is pd.Timestamp:
        return ts.value
    if ts is None or ts is pd.NaT:
        return None
    return int(pd.Timestamp(ts).value)


def may_contain(values: pd.Series, text: str) -> bool:
    """False only when no cell of a string column can contain `text`.

    For a pyarrow-backed column the UTF-8 data buffers are searched whole
    (zero-copy), which is several times faster than a per-cell search; a
    cell containing `text` has its bytes in the buffer, so a miss is proof
    of absence.  A hit (possibly across two cells) or any other column type
    answers True: the caller then runs the exact per-cell test.
    """
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


def _python_values(values: pd.Series) -> list[Any]:
    """A column's cells as Python values, None for missing (None, pd.NA, NaT).

    Columns whose missing value is pd.NA (the frame's "string", Int64 and
    boolean columns) convert in one `to_numpy` call, which gives the same
    values as going through `astype(object)`, several times faster.
    """
    if len(values) and getattr(values.dtype, "na_value", None) is pd.NA:
        return values.to_numpy(dtype=object, na_value=None).tolist()
    return [
        None if v is None or v is pd.NA or v is pd.NaT else v
        for v in values.astype(object).tolist()
    ]


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
    _columns: dict[str, dict[int, Any]] = field(default_factory=dict, repr=False)

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

    def column(self, name: str) -> dict[int, Any]:
        """frame position -> the `name` cell of each of these rows, None for missing."""
        cells = self._columns.get(name)
        if cells is None:
            if self.events is None or len(self.chosen) == 0:
                cells = {}
            else:
                values = _python_values(self.events[name].iloc[self.chosen])
                cells = dict(zip(self.chosen.tolist(), values, strict=True))
            self._columns[name] = cells
        return cells


def host_rows(ctx: AnalysisContext, kinds: Iterable[str]) -> HostRows:
    """`HostRows` of the events whose kind is in `kinds` (cached per context)."""
    wanted = frozenset(kinds)

    def build() -> HostRows:
        events = ctx.events
        if events.empty:
            return HostRows({}, {}, {})
        times = event_times(ctx)
        mask = kind_mask(events, wanted) & events["host"].notna().to_numpy(dtype=bool)
        mask &= times != _NAT
        chosen = np.flatnonzero(mask)
        codes, hosts = pd.factorize(events["host"].iloc[chosen])
        result = HostRows({}, {}, {}, events, chosen)
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

    cache = _cached(ctx, "_kalog_host_rows", dict)
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
    values = _python_values(events[name].iloc[wanted])
    return dict(zip(wanted, values, strict=True))


def column(ctx: AnalysisContext, name: str) -> list[Any]:
    """One events column as a list of Python values, None for missing (cached)."""

    def build() -> list[Any]:
        return _python_values(ctx.events[name])

    cache = _cached(ctx, "_kalog_columns", dict)
    if name not in cache:
        cache[name] = build()
    return cache[name]
