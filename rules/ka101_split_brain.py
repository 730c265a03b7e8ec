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

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

import pandas as pd

from kalog.findings import Finding, Need, Severity
from kalog.rulekit import advert_interval, fmt_time, segment_evidence, timeline_of

if TYPE_CHECKING:  # pragma: no cover
    from kalog.analysis import AnalysisContext

CODE = "KA101"
NAME = "split-brain"
SEVERITY = Severity.ERROR
NEEDS: frozenset[Need] = frozenset({Need.TIMELINE, Need.TWO_HOSTS})
DEFAULTS: dict[str, Any] = {
    "min_seconds": None,  # overlap that counts; None: one advert interval
}


def check(ctx: AnalysisContext, options: Mapping[str, Any]) -> Iterator[Finding]:
    timeline = timeline_of(ctx)
    groups: dict[str, list[Any]] = {}  # hosts running the same instance (its cluster)
    for item in timeline.instances:
        groups.setdefault(item.cluster or item.instance, []).append(item)
    for items in groups.values():
        instance = items[0].instance
        if len(items) < 2:
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
        threshold = options.get("min_seconds")
        if threshold is None:
            threshold = max(advert_interval(ctx, i.host, instance) for i in items)
        yield from _overlaps(ctx, instance, intervals, float(threshold))


def _overlaps(
    ctx: AnalysisContext, instance: str, intervals: list[tuple], threshold: float
) -> Iterator[Finding]:
    """Sweep over start/end points; a window is where >= 2 hosts are MASTER.

    Why a sweep with an active set: a busy fleet has thousands of MASTER
    segments per instance name, and testing every interval at every point
    (or every segment against the window's list) is quadratic.  Between two
    consecutive points the active intervals are those with start <= here
    and end >= next, kept in the input order as the evidence order relies on.
    """
    # Points are keyed by int nanoseconds: hashing a Timestamp costs
    # microseconds, and an instance name has hundreds of thousands of points
    # on a long log.  The first Timestamp seen for a value stands for it (as
    # the set of Timestamps this replaces kept the first).
    stamps: dict[int, pd.Timestamp] = {}
    starting: dict[int, list[int]] = {}
    ending: dict[int, list[int]] = {}
    ends_ns: list[int] = []
    for number, (start, end, *_rest) in enumerate(intervals):
        start_ns, end_ns = start.value, end.value
        stamps.setdefault(start_ns, start)
        stamps.setdefault(end_ns, end)
        starting.setdefault(start_ns, []).append(number)
        ending.setdefault(end_ns, []).append(number)
        ends_ns.append(end_ns)
    points = sorted(stamps)
    live: set[int] = set()
    window_start: pd.Timestamp | None = None
    window_hosts: set[str] = set()
    window_segments: list[Any] = []
    seen: set[Any] = set()  # window_segments, for membership by equality
    window_closers: list[Any] = []
    for here, nxt in zip(points, points[1:], strict=False):
        live.difference_update(ending.get(here, ()))
        live.update(starting.get(here, ()))
        # fewer than two live intervals cannot be two hosts: no need to list them
        hosts = {intervals[number][2] for number in live} if len(live) >= 2 else set()
        if len(hosts) >= 2:
            active = [intervals[number] for number in sorted(live)]
            if window_start is None:
                window_start = stamps[here]
                window_hosts, window_segments, window_closers = set(), [], []
                seen = set()
            window_hosts |= hosts
            for iv in active:
                if iv[3] not in seen:
                    seen.add(iv[3])
                    window_segments.append(iv[3])
            window_end = stamps[nxt]
            # the line that ended the window (a MASTER stepping down) is evidence too
            window_closers = [
                intervals[number][4]
                for number in sorted(live)
                if ends_ns[number] == nxt and intervals[number][4] is not None
            ]
            continue
        if window_start is not None:
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
    if window_start is not None:
        yield from _emit(
            ctx,
            instance,
            window_start,
            window_end,
            window_hosts,
            [*window_segments, *window_closers],
            threshold,
        )


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
        rule=CODE,
        name=NAME,
        severity=SEVERITY,
        message=(
            f"{instance} MASTER on {names} at once for {seconds:.1f} s "
            f"({fmt_time(start)} - {fmt_time(end)})"
        ),
        host=None,
        instance=instance,
        start=start,
        end=end,
        evidence=segment_evidence(ctx, sorted(segments, key=lambda s: s.start)),
    )
