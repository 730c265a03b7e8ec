"""Small helpers rules share: evidence lines, segment walks, reference profiles.

Kept out of `kalog.findings` (which defines records and loading) so that a
rule author has one place for the conveniences of reading the model's
timeline; nothing here decides what is a violation.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from kalog.findings import Evidence, NotEvaluable
from kalog.model.profiles import PROFILES, Profile, resolve_profile
from kalog.model.timeline import InstanceTimeline, RunInfo, Segment, Timeline, clock

if TYPE_CHECKING:  # pragma: no cover
    from kalog.analysis import AnalysisContext


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
    raw: Any  # the frame's raw column (values fetched on demand)

    def text(self, source: str, line: int) -> str | None:
        where = self.sources.get(source)
        if where is None:
            return None
        lo, hi = where
        found = lo + int(np.searchsorted(self.lines[lo:hi], line, side="right")) - 1
        if found < lo or self.lines[found] != line:
            return None
        raw = self.raw[int(self.positions[found])]
        return "" if pd.isna(raw) else str(raw)


def _line_lookup(ctx: AnalysisContext) -> _LineLookup:
    def build() -> _LineLookup:
        events = ctx.events
        empty = np.zeros(0, dtype=np.int64)
        if events.empty or not {"source", "line", "raw"} <= set(events.columns):
            return _LineLookup({}, empty, empty, None)
        codes, uniques = pd.factorize(events["source"].astype(object), use_na_sentinel=True)
        lines = events["line"].to_numpy(dtype=np.float64, na_value=np.nan)
        keep = np.flatnonzero((codes >= 0) & ~np.isnan(lines))
        order = keep[np.lexsort((lines[keep], codes[keep]))]
        sorted_codes = codes[order]
        bounds = np.searchsorted(sorted_codes, np.arange(len(uniques) + 1), side="left")
        sources: dict[str, tuple[int, int]] = {}
        for code, name in enumerate(uniques):
            sources[str(name)] = (int(bounds[code]), int(bounds[code + 1]))
        return _LineLookup(sources, lines[order].astype(np.int64), order, events["raw"].array)

    return _cached(ctx, "_kalog_line_lookup", build)


def evidence(ctx: AnalysisContext, pairs: Iterable[tuple[Any, Any]]) -> list[Evidence]:
    """Evidence records (with the line's text) for (source, line) pairs, deduplicated."""
    lookup = _line_lookup(ctx)
    seen: set[tuple[str, int]] = set()
    result: list[Evidence] = []
    for source, line in pairs:
        if source is None or line is None or pd.isna(source) or pd.isna(line):
            continue
        key = (str(source), int(line))
        if key in seen:
            continue
        seen.add(key)
        result.append(Evidence(key[0], key[1], lookup.text(*key)))
    return result


def segment_evidence(ctx: AnalysisContext, segments: Iterable[Segment]) -> list[Evidence]:
    return evidence(ctx, ((s.source, s.line) for s in segments))


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
    current: list[Segment] = []
    for segment in item.segments:
        if current and segment.run != current[0].run:
            yield current
            current = []
        current.append(segment)
    if current:
        yield current


def fmt_time(ts: pd.Timestamp | None) -> str:
    if ts is None or pd.isna(ts):
        return "?"
    return clock(ts)


def advert_interval(ctx: AnalysisContext, host: str, instance: str, default: float = 1.0) -> float:
    config = (ctx.configs or {}).get(host)
    inst = (getattr(config, "instances", {}) or {}).get(instance) if config is not None else None
    value = getattr(inst, "advert_int", None)
    return float(value) if value else default


_NAT = np.iinfo(np.int64).min


def times_ns(events: pd.DataFrame) -> np.ndarray:
    """The `ts` column as int64 nanoseconds (UTC for aware times), NaT as int64 min."""
    ts = events["ts"]
    if len(ts) == 0:
        return np.zeros(0, dtype=np.int64)
    return np.asarray(ts.dt.as_unit("ns").array.asi8, dtype=np.int64)


def ts_ns(ts: pd.Timestamp) -> int:
    return int(pd.Timestamp(ts).value)


@dataclass
class HostRows:
    """Positions (frame order) of the rows of some kinds, per host, with their times.

    Rules ask "this host's cause lines in the seconds before this segment"
    once per segment; filtering the whole frame each time is quadratic on a
    busy log.  Rows without a time never match a time window, so they are
    left out.  Within a host the frame is in time order, so a window is two
    binary searches (a linear scan keeps the answer exact if it is not).
    """

    positions: dict[str, np.ndarray]
    times: dict[str, np.ndarray]
    ordered: dict[str, bool]

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


def host_rows(ctx: AnalysisContext, kinds: Iterable[str]) -> HostRows:
    """`HostRows` of the events whose kind is in `kinds` (cached per context)."""
    wanted = frozenset(kinds)

    def build() -> HostRows:
        events = ctx.events
        if events.empty:
            return HostRows({}, {}, {})
        times = times_ns(events)
        kinds_ok = events["kind"].astype("string").isin(wanted).fillna(False)
        mask = kinds_ok.to_numpy(dtype=bool) & events["host"].notna().to_numpy(dtype=bool)
        mask &= times != _NAT
        chosen = np.flatnonzero(mask)
        codes, hosts = pd.factorize(events["host"].astype(object).to_numpy()[chosen])
        result = HostRows({}, {}, {})
        for code, host in enumerate(hosts):
            positions = chosen[codes == code]
            host_times = times[positions]
            result.positions[str(host)] = positions
            result.times[str(host)] = host_times
            result.ordered[str(host)] = bool(np.all(host_times[1:] >= host_times[:-1]))
        return result

    cache = _cached(ctx, "_kalog_host_rows", dict)
    if wanted not in cache:
        cache[wanted] = build()
    return cache[wanted]


def column(ctx: AnalysisContext, name: str) -> list[Any]:
    """One events column as a list of Python values, None for missing (cached)."""

    def build() -> list[Any]:
        values = ctx.events[name].astype(object).tolist()
        return [None if v is None or v is pd.NA or v is pd.NaT else v for v in values]

    cache = _cached(ctx, "_kalog_columns", dict)
    if name not in cache:
        cache[name] = build()
    return cache[name]
