"""The part of an analysis a user asked to see: a time window, hosts, instances.

A postmortem zooms to the incident (`--since 03:05 --until 03:20 --instance
vi_1`).  Filtering must not change what is inferred: a state at 03:05 may
rest on a start at 01:00, a priority on a config read at the last reload.
So the model replays everything and the rules run on everything; a
`Window` then cuts what is *shown*: the timeline (segments cut at the
window's edges, so lanes and time as MASTER are the window's), the
changes of master in it, the findings that overlap it, and for `kalog
events` the lines in it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from kalog.model.timeline import Timeline, clock

__all__ = ["Window", "now_in", "parse_time"]

_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2})(\.\d+)?)?$")
_UNITS = {
    "s": "seconds",
    "sec": "seconds",
    "second": "seconds",
    "m": "minutes",
    "min": "minutes",
    "minute": "minutes",
    "h": "hours",
    "hour": "hours",
    "d": "days",
    "day": "days",
    "w": "weeks",
    "week": "weeks",
}
_MINUS = re.compile(r"^-\s*(\d+)\s*([a-z]+)$")
_AGO = re.compile(r"^(\d+)\s*([a-z]+?)s?\s+ago$")


def now_in(tz: Any) -> pd.Timestamp:
    """The current time as the log's times carry it: in their zone, or naive
    local time for naive logs (what relative forms count back from)."""
    return pd.Timestamp.now(tz="UTC").tz_convert(tz) if tz is not None else pd.Timestamp.now()


def parse_time(text: str, *, day: pd.Timestamp | None, now: pd.Timestamp) -> pd.Timestamp:
    """A `--since`/`--until` value as a time comparable with the log's.

    Accepted, as journalctl and lnav do: ISO 8601 (`2026-11-26T07:34:19`,
    with or without an offset); `HH:MM[:SS]` on `day` (the log's first day);
    `now`; relative forms counted back from `now`: `-2h`, `-30min`, `2 hours
    ago`, `1 day ago`.  `day`/`now` carry the log's zone (none for naive
    times); an ISO time with an offset is converted to it.  ValueError with
    what was not understood.
    """
    value = text.strip().lower()
    tz = now.tz
    if value == "now":
        return now
    relative = _MINUS.match(value) or _AGO.match(value)
    if relative is not None:
        unit = _UNITS.get(relative.group(2).rstrip("s") or relative.group(2))
        if unit is None:
            raise ValueError(f"{text!r}: unknown unit {relative.group(2)!r} (s, min, h, d, w)")
        return now - pd.Timedelta(**{unit: int(relative.group(1))})
    clock = _CLOCK.match(value)
    if clock is not None:
        if day is None:
            raise ValueError(f"{text!r}: the log has no dated line to take the day from")
        hours, minutes = int(clock.group(1)), int(clock.group(2))
        seconds = float((clock.group(3) or "0") + (clock.group(4) or ""))
        if hours > 23 or minutes > 59 or seconds >= 60:
            raise ValueError(f"{text!r} is not a time of day")
        return day.normalize() + pd.Timedelta(hours=hours, minutes=minutes, seconds=seconds)
    try:
        when = pd.Timestamp(text.strip())
    except ValueError:
        when = None
    if when is None or when is pd.NaT:
        raise ValueError(
            f"{text!r} is not a time: ISO 8601, HH:MM[:SS] on the log's day, now, "
            "-2h or '2 hours ago'"
        )
    if tz is not None and when.tz is None:
        return when.tz_localize(tz)
    if tz is None and when.tz is not None:
        return when.tz_convert("UTC").tz_localize(None)
    return when.tz_convert(tz) if tz is not None else when


@dataclass(frozen=True)
class Window:
    """What to show: times in [since, until] (None: open), these hosts and
    instances (empty: all)."""

    since: pd.Timestamp | None = None
    until: pd.Timestamp | None = None
    hosts: frozenset[str] = frozenset()
    instances: frozenset[str] = frozenset()

    @property
    def active(self) -> bool:
        return any((self.since is not None, self.until is not None, self.hosts, self.instances))

    def describe(self) -> str:
        """One line for the summary: what the report is cut to."""
        parts = []
        if self.since is not None or self.until is not None:
            since = "the log's start" if self.since is None else clock(self.since)
            until = "its end" if self.until is None else clock(self.until)
            parts.append(f"{since} -> {until}")
        if self.hosts:
            parts.append("hosts " + ", ".join(sorted(self.hosts)))
        if self.instances:
            parts.append("instances " + ", ".join(sorted(self.instances)))
        return "; ".join(parts)

    def _host(self, host: Any) -> bool:
        return not self.hosts or (host is not None and str(host) in self.hosts)

    def _instance(self, instance: Any) -> bool:
        return not self.instances or (instance is not None and str(instance) in self.instances)

    def overlaps(self, start: Any, end: Any) -> bool:
        """Whether [start, end] meets the window (an unknown time always does)."""
        if start is None or start is pd.NaT:
            return True
        end = start if end is None or end is pd.NaT else end
        if self.since is not None and end < self.since:
            return False
        return not (self.until is not None and start > self.until)

    def events(self, frame: pd.DataFrame) -> pd.DataFrame:
        """The rows in the window: their time in it, of the hosts, and of the
        instances or of no instance (a tracker's result, keepalived's start)."""
        if not self.active or frame.empty:
            return frame
        keep = np.ones(len(frame), dtype=bool)
        ts = frame["ts"]
        if self.since is not None:
            keep &= (ts >= self.since).to_numpy(dtype=bool, na_value=False)
        if self.until is not None:
            keep &= (ts <= self.until).to_numpy(dtype=bool, na_value=False)
        if self.hosts:
            keep &= frame["host"].isin(sorted(self.hosts)).to_numpy(dtype=bool, na_value=False)
        if self.instances:
            names = frame["instance"]
            chosen = names.isin(sorted(self.instances)) | names.isna()
            keep &= chosen.to_numpy(dtype=bool, na_value=False)
        result = frame.iloc[np.flatnonzero(keep)]
        result.attrs = dict(frame.attrs)
        return result

    def timeline(self, timeline: Timeline) -> Timeline:
        """The timeline cut to the window: instances of the hosts and
        instances asked for, their segments that meet the window, cut at its
        edges; the changes of master, runs and observations in it."""
        if not self.active:
            return timeline
        since, until = self.since, self.until
        instances = []
        for item in timeline.instances:
            if not (self._host(item.host) and self._instance(item.instance)):
                continue
            segments = [
                _cut(segment, since, until)
                for segment in item.segments
                if self.overlaps(segment.start, segment.end)
            ]
            instances.append(replace(item, segments=segments))
        hosts = {item.host for item in instances} | {
            h for h in timeline.host_end if self._host(h) and not self.instances
        }
        start = (
            timeline.start
            if since is None or timeline.start is None
            else max(timeline.start, since)
        )
        end = timeline.end if until is None or timeline.end is None else min(timeline.end, until)
        return replace(
            timeline,
            instances=instances,
            runs=[r for r in timeline.runs if r.host in hosts and self.overlaps(r.start, r.end)],
            observations=[
                o
                for o in timeline.observations
                if o.host in hosts and self._instance(o.instance) and self.overlaps(o.ts, o.ts)
            ],
            start=start,
            end=end,
            transitions=self.transitions(timeline.transitions),
            host_end={
                h: (t if until is None or t is None else min(t, until))
                for h, t in timeline.host_end.items()
                if h in hosts
            },
        )

    def transitions(self, transitions: Iterable[Any]) -> list[Any]:
        return [
            t
            for t in transitions
            if self._host(t.host) and self._instance(t.instance) and self.overlaps(t.ts, t.ts)
        ]

    def findings(self, findings: Sequence[Any]) -> list[Any]:
        """The findings that meet the window (a finding of no host, instance
        or time, e.g. about a file or a config, stays)."""
        return [
            f
            for f in findings
            if (f.host is None or self._host(f.host))
            and (f.instance is None or self._instance(f.instance))
            and self.overlaps(f.start, f.end)
        ]


def _cut(segment: Any, since: pd.Timestamp | None, until: pd.Timestamp | None) -> Any:
    start = segment.start if since is None or segment.start >= since else since
    end = segment.end if until is None or segment.end <= until else until
    if start is segment.start and end is segment.end:
        return segment
    return replace(segment, start=start, end=end)
