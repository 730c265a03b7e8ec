"""Two or more hosts were MASTER for the same VRRP instance at the same time.

## What it flags

Every window in which at least two hosts held MASTER for one instance (same
instance name, or the same VRID when the configs give it) for longer than a
threshold, by default one advert interval.  The window is clipped to the time
each host's own log covers: past a host's last line, kalog does not assume it
is still MASTER.

## Why it matters

Two masters answer ARP for the same VIP: traffic splits, connections reset,
and whatever runs on the VIP (a database primary, a load balancer) may serve
diverging state.  Brief overlaps at handover are normal (the old master steps
down when it hears the new one); a longer overlap means adverts did not
reach the peers: a cut link, a firewall dropping protocol 112, multicast
filtering, a VRID or authentication mismatch, or a stalled process.

## Log evidence per keepalived version

- all: `Entering MASTER STATE` on two hosts without an intervening
  `Entering BACKUP STATE` / FAULT / stop on either.
- 1.x healing: `Received lower prio advert, forcing new election` (1.2) /
  `Received advert with lower priority N, ours M, forcing new election`
  (1.3-1.4); 2.x: `(x) Received advert from A with lower priority N, ours M,
  forcing new election` on the winner, `Master received advert ... higher
  priority` on the loser.

Needs logs from at least two hosts.

## Example

```
h1: 10:00:05 (vi_1) Entering MASTER STATE
h2: 10:01:10 (vi_1) Entering MASTER STATE      <- link cut at 10:01:06
h2: 10:01:40 (vi_1) Master received advert from 10.0.0.1 with higher priority 101, ours 100
h2: 10:01:40 (vi_1) Entering BACKUP STATE
```

gives `KA101 split-brain: vi_1 MASTER on h1, h2 for 30.0 s (10:01:10 -
10:01:40)`.

## Known false positives

- Hosts with unsynchronised clocks shift the window; a skew larger than the
  threshold shows as a short split brain at every handover.
- Pairs that reuse an instance name are told apart by evidence (shared
  VIPs, quoted advert sources, unicast peers; docs/model.md "Clusters"); two
  pairs with no such evidence at all in the log are taken as one.

## References

- RFC 5798 section 6.4.3 (a master steps down on a higher-priority advert).
- docs/model.md, "Changes of master".
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from kalog.check.api import (
    Finding,
    Need,
    Severity,
    advert_interval,
    fmt_time,
    ns,
    segment_table,
    timeline_of,
)

if TYPE_CHECKING:  # pragma: no cover
    from kalog.check.api import AnalysisContext


CODE = "KA101"
NAME = "split-brain"
SEVERITY = Severity.ERROR
NEEDS: frozenset[Need] = frozenset({Need.TIMELINE, Need.TWO_HOSTS})


@dataclass(frozen=True)
class Options:
    """Set in the settings file: `[tool.kalog.rules.KA101]`."""

    min_seconds: float | None = None  # overlap that counts; None: one advert interval


def check(ctx: AnalysisContext, options: Options) -> Iterator[Finding]:
    timeline = timeline_of(ctx)
    groups: dict[str, list[Any]] = {}  # hosts running the same instance (its cluster)
    for item in timeline.instances:
        groups.setdefault(item.cluster or item.instance, []).append(item)
    for items in groups.values():
        instance = items[0].instance
        if len(items) < 2 or not _may_overlap(ctx, timeline, items):
            continue
        intervals = []  # (start, end, host, segment, the segment that ended it)
        for item in items:
            host_end = timeline.host_end.get(item.host)
            for position, segment in enumerate(item.segments):
                if segment.state != "MASTER":
                    continue
                end = min(segment.end, host_end) if host_end is not None else segment.end
                following = item.segments[position + 1 : position + 2]
                closer = following[0] if following and following[0].start == end else None
                if end > segment.start:
                    intervals.append((segment.start, end, item.host, segment, closer))
        if len(intervals) < 2:
            continue
        threshold = options.min_seconds
        if threshold is None:
            threshold = max(advert_interval(ctx, i.host, instance) for i in items)
        yield from _overlaps(ctx, instance, intervals, float(threshold))


def _may_overlap(ctx: AnalysisContext, timeline: Any, items: list[Any]) -> bool:
    """False only when no two of the MASTER intervals `check` would list overlap.

    The same intervals (MASTER segments clipped to their host's last line,
    kept when not empty) on int ns from the segment tables, and the same
    live count as `_overlaps`: a busy fleet has tens of thousands of MASTER
    segments, and building the interval tuples with Timestamp comparisons
    for every instance cost most of the rule, for a handful of instances
    that have a window.  Segments without Timestamps answer True (the exact
    path decides).
    """
    starts, ends = [], []
    for item in items:
        table = segment_table(ctx, item)
        if not table.timed:
            return True
        master = table.states == table.state_code("MASTER")
        item_starts, item_ends = table.starts[master], table.ends[master]
        host_end = ns(timeline.host_end.get(item.host))
        if host_end is not None:  # min(end, host_end): NaT, never smaller, clips nothing
            item_ends = np.minimum(item_ends, host_end)
        kept = item_ends > item_starts
        starts.append(item_starts[kept])
        ends.append(item_ends[kept])
    all_starts, all_ends = np.concatenate(starts), np.concatenate(ends)
    return len(all_starts) >= 2 and len(_busy(all_starts, all_ends)[1]) > 0


def _busy(starts: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(points, indices of the points after which at least two intervals are live)."""
    points = np.unique(np.concatenate([starts, ends]))
    # live intervals over [points[i], points[i + 1]): started at or before, not yet ended
    live_count = np.searchsorted(np.sort(starts), points[:-1], side="right") - np.searchsorted(
        np.sort(ends), points[:-1], side="right"
    )
    return points, np.flatnonzero(live_count >= 2)


def _overlaps(
    ctx: AnalysisContext, instance: str, intervals: list[tuple], threshold: float
) -> Iterator[Finding]:
    """Sweep over start/end points; a window is where >= 2 hosts are MASTER.

    Why a sweep with an active set: a busy fleet has thousands of MASTER
    segments per instance name, and testing every interval at every point
    (or every segment against the window's list) is quadratic.  Between two
    consecutive points the active intervals are those with start <= here
    and end > here, kept in the input order as the evidence order relies on.

    Only runs of consecutive points where at least two intervals are live
    can hold a window (two hosts need two intervals); numpy counts the live
    intervals at every point and the Python sweep visits those runs only.
    A window never spans a point outside such a run, so each run starts and
    ends with no window open, as the sweep over all points had it.
    """
    starts = np.array([iv[0].value for iv in intervals], dtype=np.int64)
    ends = np.array([iv[1].value for iv in intervals], dtype=np.int64)
    points, busy = _busy(starts, ends)
    if len(busy) == 0:
        return
    run_breaks = np.flatnonzero(np.diff(busy) != 1) + 1
    for run in np.split(busy, run_breaks):
        yield from _sweep(ctx, instance, intervals, starts, ends, points, run, threshold)


def _sweep(
    ctx: AnalysisContext,
    instance: str,
    intervals: list[tuple],
    starts: np.ndarray,
    ends: np.ndarray,
    points: np.ndarray,
    run: np.ndarray,
    threshold: float,
) -> Iterator[Finding]:
    """The sweep over the consecutive point indices `run` (see `_overlaps`)."""
    first, last = int(run[0]), int(run[-1])
    here = int(points[first])
    live = set(np.flatnonzero((starts <= here) & (ends > here)).tolist())
    starting: dict[int, list[int]] = {}
    ending: dict[int, list[int]] = {}
    for number in np.flatnonzero((starts > here) & (starts <= points[last])).tolist():
        starting.setdefault(int(starts[number]), []).append(number)
    for number in np.flatnonzero((ends > here) & (ends <= points[last])).tolist():
        ending.setdefault(int(ends[number]), []).append(number)
    window_start: pd.Timestamp | None = None
    window_end: pd.Timestamp | None = None
    window_hosts: set[str] = set()
    window_segments: list[Any] = []
    seen: set[Any] = set()  # window_segments, for membership by equality
    window_closers: list[Any] = []
    for index in range(first, last + 1):
        here, nxt = int(points[index]), int(points[index + 1])
        if index > first:
            live.difference_update(ending.get(here, ()))
            live.update(starting.get(here, ()))
        active = [intervals[number] for number in sorted(live)]
        hosts = {iv[2] for iv in active}
        if len(hosts) >= 2:
            if window_start is None:
                window_start = _stamp(intervals, starts, ends, here)
                window_hosts, window_segments, window_closers = set(), [], []
                seen = set()
            window_hosts |= hosts
            for iv in active:
                if iv[3] not in seen:
                    seen.add(iv[3])
                    window_segments.append(iv[3])
            window_end = _stamp(intervals, starts, ends, nxt)
            # the line that ended the window (a MASTER stepping down) is evidence too
            window_closers = [iv[4] for iv in active if iv[1].value == nxt and iv[4] is not None]
            continue
        if window_start is not None and window_end is not None:
            yield from _emit(
                ctx,
                instance,
                window_start,
                window_end,
                window_hosts,
                [*window_segments, *window_closers],
                threshold,
            )
            window_start = None
    if window_start is not None and window_end is not None:
        yield from _emit(
            ctx,
            instance,
            window_start,
            window_end,
            window_hosts,
            [*window_segments, *window_closers],
            threshold,
        )


def _stamp(intervals: list[tuple], starts: np.ndarray, ends: np.ndarray, value: int) -> Any:
    """The Timestamp standing for the point `value`: the first one of the intervals'
    starts and ends (in the order start, end of each interval) equal to it, as
    a set of Timestamps built in that order would keep."""
    found = np.flatnonzero((starts == value) | (ends == value))
    number = int(found[0])
    return intervals[number][0] if starts[number] == value else intervals[number][1]


def _emit(
    ctx: AnalysisContext,
    instance: str,
    start: pd.Timestamp,
    end: pd.Timestamp,
    hosts: set[str],
    segments: list[Any],
    threshold: float,
) -> Iterator[Finding]:
    seconds = (end - start).total_seconds()
    if seconds <= threshold:
        return
    names = ", ".join(sorted(hosts))
    yield Finding(
        message=(
            f"{instance} MASTER on {names} at once for {seconds:.1f} s "
            f"({fmt_time(start)} - {fmt_time(end)})"
        ),
        host=None,
        instance=instance,
        start=start,
        end=end,
        evidence=sorted(segments, key=lambda s: s.start),
    )
