"""A backup took over later than VRRP's master-down interval allows.

## What it flags

A change of master where the new master entered MASTER later than expected
after the old master left (its FAULT, stop or priority-0 line): for a
master-down timeout, more than 3 x advert_int + skew (+1 advert for 1.x's
Transition -> Entering step); after a priority-0 advert, more than the skew
time; plus a tolerance (default 1 s, covering 1-second log timestamps).

## Why it matters

The VIP is unowned between the old master leaving and the new one taking
over.  VRRP bounds that gap; a longer one points at a backup that was busy
(thread timer expiries), in FAULT itself, held by `preempt_delay` or a sync
group waiting for a sibling, or at clocks that disagree between hosts.

## Log evidence per keepalived version

- old master: `Entering FAULT STATE`, `Stopping` / `sent 0 priority`.
- new master: 2.x `(x) Entering MASTER STATE` (with `-D`: `Receive
  advertisement timeout` just before); 1.x `Transition to MASTER STATE` then
  `Entering MASTER STATE` one advert later.

Needs the old and the new master's logs.

## Example

```
h1: 10:00:00.10 (vi_1) Entering FAULT STATE
h2: 10:00:09.80 (vi_1) Entering MASTER STATE
```

with advert_int 1 and priority 100 (skew 0.61 s) gives `KA201 slow-takeover:
vi_1: h2 took over 9.7 s after h1 left (expected at most 4.6 s)`.

## Known false positives

- Unsynchronised clocks between hosts add their skew to the delay.
- `preempt_delay`, `vrrp_startup_delay` and sync groups delay a takeover on
  purpose; raise `tolerance_seconds` where they are used.

## References

- RFC 3768 section 6.1 / RFC 5798 section 6.1 (Master_Down_Interval, Skew_Time).
- docs/model.md.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from kalog.check.api import (
    Finding,
    Need,
    Severity,
    advert_interval,
    fmt_time,
    instances_by_key,
    ns,
    runs_by_key,
    seconds_between,
    segment_table,
    timeline_of,
)

if TYPE_CHECKING:  # pragma: no cover
    from kalog.check.api import AnalysisContext


CODE = "KA201"
NAME = "slow-takeover"
SEVERITY = Severity.WARNING
NEEDS: frozenset[Need] = frozenset({Need.TIMELINE, Need.TWO_HOSTS})


@dataclass(frozen=True)
class Options:
    """Set in the settings file: `[tool.kalog.rules.KA201]`."""

    tolerance_seconds: float = 1.0


_CAUSES = frozenset({"master_down_timeout", "peer_priority_0", "peer_fault"})


def check(ctx: AnalysisContext, options: Options) -> Iterator[Finding]:
    timeline = timeline_of(ctx)
    tolerance = options.tolerance_seconds
    departures = _Departures(ctx, timeline)
    starts_of: dict[int, Sequence[int]] = {}  # id(item) -> its segments' starts in ns
    runs = runs_by_key(timeline)
    items = instances_by_key(timeline)
    for transition in timeline.transitions:
        if transition.direction != "to_master" or transition.cause not in _CAUSES:
            continue
        item = items.get((transition.host, transition.instance))
        if item is None:
            continue
        # a missing time sorts after every time, as bisecting a NaT did
        when = ns(transition.ts)
        when = math.inf if when is None else when
        left = departures.before(transition.host, when, item.cluster or item.instance)
        if left is None:
            continue
        old_host, departure = left
        segment = _at(ctx, item, when, starts_of)
        priority = segment.priority if segment is not None and segment.priority else 100
        adv = advert_interval(ctx, transition.host, transition.instance, at=transition.ts)
        skew = (256 - priority) / 256 * adv
        run = runs.get((transition.host, segment.run)) if segment is not None else None
        two_step = run is not None and run.profile in {"1.2", "1.3"}
        expected = skew if transition.cause == "peer_priority_0" else 3 * adv + skew
        if two_step:
            expected += adv
        if type(when) is int:  # int ns: a Timedelta per takeover cost more than the test
            delay = seconds_between(departure.start.value, when)
        else:
            delay = (transition.ts - departure.start).total_seconds()
        if delay <= expected + tolerance:
            continue
        yield Finding(
            message=(
                f"{transition.instance}: {transition.host} took over {delay:.3f} s after "
                f"{old_host} left ({departure.state} at {fmt_time(departure.start)}); expected "
                f"at most {expected:.3f} s + {tolerance:.3f} s tolerance ({transition.cause})"
            ),
            host=transition.host,
            instance=transition.instance,
            start=departure.start,
            end=transition.ts,
            evidence=[departure, *transition.evidence],
        )


class _Departures:
    """cluster -> the segments that followed a MASTER segment, by start (int ns).

    Computed once per check: looking through every instance's segments
    for every transition is quadratic on a long log.  The segments are
    found on the segment tables' state codes; the sort is stable, so among
    equal starts the timeline's order decides, as the loop it replaces did
    (only a strictly later start replaces the best).  Starts are int ns:
    bisecting Timestamps costs a rich comparison per step (the replay only
    makes segments of timed events, so a start is never NaT).
    """

    def __init__(self, ctx: AnalysisContext, timeline: Any) -> None:
        found: dict[str, tuple[list[int], list[str], list[Any]]] = {}
        for other in timeline.instances:
            table = segment_table(ctx, other)
            master = table.states == table.state_code("MASTER")
            positions = (1 + np.flatnonzero(master[:-1] & ~master[1:])).tolist()
            if not positions:
                continue
            segments = other.segments
            starts, hosts, followers = found.setdefault(
                other.cluster or other.instance, ([], [], [])
            )
            starts.extend(
                table.starts[positions].tolist()
                if table.timed
                else [segments[position].start.value for position in positions]
            )
            hosts.extend([other.host] * len(positions))
            followers.extend([segments[position] for position in positions])
        self.clusters: dict[str, tuple[np.ndarray, list[str], list[Any]]] = {}
        for name, (starts, hosts, followers) in found.items():
            order = np.argsort(np.array(starts, dtype=np.int64), kind="stable")
            self.clusters[name] = (
                np.array(starts, dtype=np.int64)[order],
                [hosts[i] for i in order.tolist()],
                [followers[i] for i in order.tolist()],
            )
        self._others: dict[tuple[str, str], tuple[Sequence[int], list[tuple[str, Any]]]] = {}

    def before(self, host: str, when: float, cluster: str) -> tuple[str, Any] | None:
        """The previous master's segment that ended its MASTER before the takeover.

        Of the other hosts' departures up to the takeover (`when`, ns), the
        latest; among equally late ones the first in timeline order.  The
        other hosts' departures are kept apart per (cluster, host) in the
        same order, so that is one bisection and a step back to the first
        equal start.
        """
        starts, items = self._of_others(cluster, host)
        index = bisect.bisect_right(starts, when) - 1
        if index < 0:
            return None
        return items[bisect.bisect_left(starts, starts[index], 0, index)]

    def _of_others(self, cluster: str, host: str) -> tuple[Sequence[int], list[tuple[str, Any]]]:
        key = (cluster, host)
        others = self._others.get(key)
        if others is None:
            starts, hosts, followers = self.clusters.get(cluster, (np.zeros(0, np.int64), [], []))
            keep = [number for number, name in enumerate(hosts) if name != host]
            others = self._others[key] = (
                _ints(starts[keep]),
                [(hosts[i], followers[i]) for i in keep],
            )
        return others


def _ints(values: np.ndarray) -> Sequence[int]:
    """int64 `values` read as Python ints, each made when read (what `bisect` reads).

    Why not `tolist()`: a boxed int per start, held for the whole check,
    was ~40 bytes a segment (dense 3M: the check's traced peak +32.9 ->
    +13.3 MB, ~65 MB less on dense 10M while it runs).
    """
    return memoryview(np.ascontiguousarray(values, dtype=np.int64))


def _at(ctx: AnalysisContext, item: Any, when: float, starts_of: dict[int, Sequence[int]]) -> Any:
    """`item.at(ts)` for a time in ns, on the item's segment starts read once (int ns).

    `InstanceTimeline.at` bisects with a key over Timestamps each call;
    the same bisection over int starts gives the same segment.
    """
    starts = starts_of.get(id(item))
    if starts is None:
        table = segment_table(ctx, item)
        starts = starts_of[id(item)] = (
            _ints(table.starts)
            if table.timed
            else [segment.start.value for segment in item.segments]
        )
    position = bisect.bisect_right(starts, when)
    return item.segments[position - 1] if position else None
