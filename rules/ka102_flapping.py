"""An instance changed state too often within a short window.

## What it flags

A host's instance that changed state more than `max_changes` times within any
`window_seconds` (defaults: more than 4 changes in 60 s).  One finding per
burst, covering the burst's first to last change, with every state line as
evidence.

## Why it matters

Each change to MASTER moves the VIP: gratuitous ARPs, broken connections,
notify scripts run again.  A flapping pair usually means a track script that
alternates (a health check on the edge of its timeout, rise/fall of 1), an
interface that bounces, adverts lost intermittently, or two routers whose
weights make each other's priority cross back and forth.

## Log evidence per keepalived version

Any version: the state lines (`Entering MASTER|BACKUP|FAULT STATE`, 1.x
`Transition to MASTER STATE`), usually interleaved with `VRRP_Script(x)
succeeded/failed` or `Netlink reports X down/up` / `Kernel is reporting:
interface X DOWN/UP`.

## Example

```
03:12:01 (vi_1) Entering MASTER STATE
03:12:09 (vi_1) Entering BACKUP STATE
03:12:17 (vi_1) Entering MASTER STATE
03:12:25 (vi_1) Entering BACKUP STATE
03:12:33 (vi_1) Entering MASTER STATE
```

gives `KA102 flapping: vi_1 on lb-a changed state 5 times in 32.0 s`.

## Known false positives

- Leaving INIT, entering STOPPED and 1.x's second step (GOTO_MASTER ->
  MASTER) are not counted, so a start-up, a stop or one fault-and-recovery
  cycle is not flapping; a master that faults and recovers three times a
  minute is.

## References

- docs/model.md, "States".
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from kalog.check.api import (
    Finding,
    Need,
    Severity,
    ns,
    seconds_between,
    segment_table,
    timeline_of,
)

if TYPE_CHECKING:  # pragma: no cover
    from kalog.check.api import AnalysisContext


CODE = "KA102"
NAME = "flapping"
SEVERITY = Severity.WARNING
NEEDS: frozenset[Need] = frozenset({Need.TIMELINE})


@dataclass(frozen=True)
class Options:
    """Set in the settings file: `[tool.kalog.rules.KA102]`."""

    max_changes: int = 4  # more changes than this within the window are flapping
    window_seconds: float = 60.0


def check(ctx: AnalysisContext, options: Options) -> Iterator[Finding]:
    timeline = timeline_of(ctx)
    limit = options.max_changes
    window = options.window_seconds
    for item in timeline.instances:
        table = segment_table(ctx, item)
        codes, code = table.states, table.state_code
        # the changes that count, decided on the state codes (equal codes, equal states)
        counted = (
            1
            + np.flatnonzero(
                (codes[1:] != codes[:-1])
                & (codes[:-1] != code("INIT"))  # start-up is not flapping
                & (codes[:-1] != code("UNKNOWN"))  # an excerpt's first state is no change
                & (codes[1:] != code("STOPPED"))
                & ~((codes[:-1] == code("GOTO_MASTER")) & (codes[1:] == code("MASTER")))  # 1.x
            )
        )
        if len(counted) <= limit:
            continue  # fewer changes than a burst has
        segments = item.segments
        if table.timed:
            starts = table.starts[counted].tolist()
            openings = _openings(table.starts[counted], window, limit)
        else:
            starts = [ns(segments[position].start) for position in counted.tolist()]
            openings = None
        for first, last in _bursts(starts, window, limit, openings):
            burst = [segments[position] for position in counted[first : last + 1].tolist()]
            seconds = (burst[-1].start - burst[0].start).total_seconds()
            states = " -> ".join(s.state for s in burst)
            yield Finding(
                message=(
                    f"{item.instance} on {item.host} changed state {len(burst)} times in "
                    f"{seconds:.1f} s ({states})"
                ),
                host=item.host,
                instance=item.instance,
                start=burst[0].start,
                end=burst[-1].start,
                evidence=burst,
            )


def _openings(starts: np.ndarray, window: float, limit: int) -> np.ndarray | None:
    """The positions where `_bursts` can open a burst, None for "any".

    With changes in time order (int ns), a burst opens at a position only
    if the change `limit` places later is within the window of it: the
    time from the opening grows with each later change, so all between are
    within too, and `seconds_between` is the same float on arrays.  On a busy
    log this skips the window test at every position of the instance, which
    was most of the rule.
    """
    if limit < 1 or np.any(starts[1:] < starts[:-1]):
        return None
    return np.flatnonzero(seconds_between(starts[:-limit], starts[limit:]) <= window)


def _bursts(
    starts: list[int | None], window: float, limit: int, openings: np.ndarray | None = None
) -> Iterator[tuple[int, int]]:
    """(first, last) positions of each burst of more than `limit` changes.

    A burst starts at the first change followed by more than `limit` changes
    within `window` seconds of it, and goes on while each next change comes
    within `window` of the one before.  Times are int nanoseconds (None for
    an unknown time, which is never within the window) and compared with
    `seconds_between`, the same float as Timedelta.total_seconds().
    `openings` (from `_openings`) lists the only positions a burst can open
    at; the others are skipped without testing them.
    """

    def within(earlier: int, later: int) -> bool:
        a, b = starts[earlier], starts[later]
        return a is not None and b is not None and seconds_between(a, b) <= window

    count = len(starts)
    candidates = openings.tolist() if openings is not None else None
    position = 0
    while position < count:
        if candidates is not None:
            index = bisect.bisect_left(candidates, position)
            if index == len(candidates):
                return
            position = candidates[index]
        end = position
        while end + 1 < count and within(position, end + 1):
            end += 1
        if end + 1 - position > limit:
            # extend the burst while changes keep coming within the window
            while end + 1 < count and within(end, end + 1):
                end += 1
            yield position, end
            position = end + 1
        else:
            position += 1
