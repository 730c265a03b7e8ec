"""An instance entered FAULT.

## What it flags

Every entry of an instance into FAULT, with its reason: the tracker, interface
or condition named by the line before it (`VRRP_Script(x) failed`, `Netlink
reports eth0 down`, `Kernel is reporting: interface eth0 DOWN`, `entering
FAULT state (no IPv4 address for interface)` ...), and how long the FAULT
lasted.

## Why it matters

An instance in FAULT does not take part in elections at all: its router
cannot back up the master.  A FAULT on the master moves the VIP; a FAULT on
the backup silently removes the redundancy.  Either way the cause (a failed
health check, a link down, a missing address) is what to fix.

## Log evidence per keepalived version

- 2.x: cause line, then `(x) Entering FAULT STATE`; at start-up `(x):
  entering FAULT state (reason)` + `(x) entering FAULT state`.
- 1.x: `Kernel is reporting: interface X DOWN` then `Entering FAULT STATE`
  (from MASTER) and `Now in FAULT state`; a script-only fault shows no
  interface line.

## Example

```
VRRP_Script(chk_haproxy) failed (exited with status 1)
(vi_1) Entering FAULT STATE
```

gives `KA110 fault: vi_1 on lb-a in FAULT for 12.0 s: script chk_haproxy
failed (exit 1)`.

## Known false positives

- An interface taken down on purpose (maintenance) is still reported; the
  severity is `warning` so CI can choose with `--fail-on error`.

## References

- docs/model.md, "States".
"""

from __future__ import annotations

import operator
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from kalog.check.api import (
    Finding,
    HostRows,
    Need,
    SegmentTable,
    Severity,
    cells,
    fault_reason,
    fmt_time,
    host_rows,
    ns,
    seconds_between,
    segment_table,
    timeline_of,
)

if TYPE_CHECKING:  # pragma: no cover
    from kalog.check.api import AnalysisContext


CODE = "KA110"
NAME = "fault"
SEVERITY = Severity.WARNING
NEEDS: frozenset[Need] = frozenset({Need.TIMELINE})


@dataclass(frozen=True)
class Options:
    """Set in the settings file: `[tool.kalog.rules.KA110]`."""

    window_seconds: float = 5.0


_CAUSE_KINDS = {
    "fault_cause",
    "interface_state",
    "script_result",
    "track_process",
    "track_bfd",
    "track_file",
    "no_peers_fault",
}


@dataclass
class _Entry:
    """One entry into FAULT, with the cause rows logged in the window before it."""

    item: Any
    segment: Any
    end_segment: Any
    opened: int  # the segment's start, ns
    candidates: np.ndarray  # cause rows of the host in the window, frame positions


def check(ctx: AnalysisContext, options: Options) -> Iterator[Finding]:
    window = pd.Timedelta(seconds=options.window_seconds)
    entries = list(_entries(ctx, host_rows(ctx, _CAUSE_KINDS), window))
    # the cells of the rows looked at, fetched in one go for all entries
    looked_at = np.concatenate([e.candidates for e in entries]) if entries else np.zeros(0, int)
    causes = _Causes(ctx.events, looked_at.tolist(), ctx.times_ns)
    lasts = [causes.last_cause(entry) for entry in entries]
    causes.fetch_reasons(last for last in lasts if last is not None)
    for entry, last in zip(entries, lasts, strict=True):
        _entry, message, end, pairs = _draft(entry, causes.row(last) if last is not None else None)
        yield Finding(
            message=message,
            host=entry.item.host,
            instance=entry.item.instance,
            start=entry.segment.start,
            end=end,
            evidence=pairs,
        )


def _draft(entry: _Entry, last: Mapping[str, Any] | None) -> tuple[_Entry, str, Any, list]:
    """(entry, message, end, evidence pairs) of one finding."""
    item, segment, end_segment = entry.item, entry.segment, entry.end_segment
    reason = fault_reason(last) if last is not None else "cause not logged"
    if end_segment is not None:
        seconds = seconds_between(entry.opened, ns(end_segment.start))
        span = f"for {seconds:.1f} s (until {end_segment.state})"
        end = end_segment.start
    else:
        span = "until the end of the log"
        end = segment.end
    # only the line the reason names: with several instances going down in
    # one burst, the other cause lines belong to the other instances
    pairs = [(last["source"], last["line"])] if last is not None else []
    pairs.append((segment.source, segment.line))
    if end_segment is not None:
        pairs.append((end_segment.source, end_segment.line))
    message = (
        f"{item.instance} on {item.host} in FAULT from {fmt_time(segment.start)} {span}: {reason}"
    )
    return entry, message, end, pairs


def _entries(ctx: AnalysisContext, causes: HostRows, window: pd.Timedelta) -> Iterator[_Entry]:
    """Every entry into FAULT, in timeline order, with its end and its window's rows.

    The entries are found on the segment tables' state codes (one numpy
    pass per instance instead of comparing every segment's state), and the
    cause rows of all of an instance's windows with one search.
    """
    for item in timeline_of(ctx).instances:
        segments = item.segments
        table = segment_table(ctx, item)
        fault = table.states == table.state_code("FAULT")
        # a log that starts mid-run opens the instance with its first state
        # line: an `Entering FAULT STATE` there is an entry into FAULT too
        opening = fault.copy()
        opening[1:] &= ~fault[:-1]
        # an excerpt's FAULT that no line shows being entered (implied by
        # the next state line, or seen in a FAULT-only line) is not an entry
        entries = [
            position
            for position in np.flatnonzero(opening).tolist()
            if segments[position].state_basis == "logged"
        ]
        if not entries:
            continue
        ends = _fault_ends(segments, table, fault, entries)
        if table.timed and window is not pd.NaT:  # int ns: Timestamp arithmetic costs microseconds
            opened = table.starts[entries]
            windows = causes.windows(item.host, opened - window.value, opened)
            opened_ns = opened.tolist()
        else:
            opened_ns = [ns(segments[position].start) for position in entries]
            windows = [
                causes.between(
                    item.host,
                    start - window.value
                    if window is not pd.NaT
                    else ns(segments[position].start - window),
                    start,
                )
                for position, start in zip(entries, opened_ns, strict=True)
            ]
        for position, end_segment, start, candidates in zip(
            entries, ends, opened_ns, windows, strict=True
        ):
            yield _Entry(item, segments[position], end_segment, start, candidates)


def _fault_ends(
    segments: list[Any], table: SegmentTable, fault: np.ndarray, entries: list[int]
) -> list[Any]:
    """For each position of `entries`: the first later-starting segment that is
    not FAULT (None: none).

    That is the scan "the next segment, in list order, that starts after
    this one and is not FAULT"; for segments in start order (what the
    replay makes) it is answered without the scan, which cost a long walk
    per FAULT entry on a busy log: the later-starting segments are those
    from the right-side search of the start on (int ns), and the first
    non-FAULT one at or after any index is known from one backward
    minimum.  Other orders, or segments without Timestamps, keep the scan.
    """
    starts = table.starts
    if table.timed and not np.any(starts[1:] < starts[:-1]):
        count = len(segments)
        # first non-FAULT index at or after each index (count: none)
        own = np.where(fault, count, np.arange(count))
        following = np.append(np.minimum.accumulate(own[::-1])[::-1], count)
        found = following[np.searchsorted(starts, starts[entries], side="right")]
        return [segments[index] if index < count else None for index in found.tolist()]
    times = [segment.start for segment in segments]
    ordered = all(map(operator.le, times, times[1:]))

    def scan(position: int) -> Any:
        start = times[position]
        first = position + 1 if ordered else 0
        return next(
            (
                segments[later]
                for later in range(first, len(segments))
                if times[later] > start and segments[later].state != "FAULT"
            ),
            None,
        )

    return [scan(position) for position in entries]


_REASON_FIELDS = ("kind", "script", "result", "exit_status", "interface", "action", "detail")


class _Causes:
    """The cells the rule reads of the cause rows it looks at, fetched once.

    A busy log has tens of thousands of cause rows but the windows before
    FAULT entries hold a few thousand, and only the chosen cause of each
    entry needs the fields of its reason.
    """

    def __init__(self, events: pd.DataFrame, rows: list[int], times: np.ndarray) -> None:
        self.events = events
        self.times = times
        self.instance = cells(events, "instance", rows)
        self.source = cells(events, "source", rows)
        self.line = cells(events, "line", rows)
        self.kind = cells(events, "kind", rows)
        self.action = cells(events, "action", rows)
        self.result = cells(events, "result", rows)
        self.reasons: dict[str, dict[int, Any]] = {}

    def last_cause(self, entry: _Entry) -> int | None:
        """The position of the last matching cause row of `entry`, if any."""
        segment, instance = entry.segment, entry.item.instance
        near = [row for row in entry.candidates.tolist() if self.matches(row, instance, segment)]
        return near[-1] if near else None

    def matches(self, row: int, instance: str, segment: Any) -> bool:
        """A cause row (already on the host, in the window) that names a bad result.

        Rows logged up to the line that opened `segment`, not later in its second:
        with 1-second timestamps every line of a burst has the same time; a cause
        line logged *after* the FAULT line (the next instance's interface going
        down) must not be taken for this instance's cause.
        """
        name = self.instance[row]
        if name is not None and name != instance:
            return False
        if self.times[row] == ns(segment.start) and segment.source is not None:
            if segment.line is None:
                pass
            else:
                source = self.source[row]
                line = self.line[row]
                if source != segment.source or line is None or not line <= segment.line:
                    return False
        return self.is_bad(row)

    def is_bad(self, row: int) -> bool:
        kind = str(self.kind[row])
        action = self.action[row]
        result = self.result[row]
        return (
            kind in {"fault_cause", "no_peers_fault", "track_bfd", "track_file"}
            or (action is not None and str(action).lower() in {"down", "lost", "fault"})
            or result in {"failure", "timeout"}
        )

    def fetch_reasons(self, rows: Iterable[int]) -> None:
        """Fetch the fields `_reason` reads, for the rows `row` will be asked for."""
        wanted = list(rows)
        for name in (*_REASON_FIELDS, "body"):
            self.reasons[name] = cells(self.events, name, wanted)

    def row(self, position: int) -> dict[str, Any]:
        """The fields `_reason` reads of one row, missing ones as pd.NA (as `events.iloc`
        has them).

        A row of a 30-column frame costs a millisecond through `iloc`; a busy
        log has thousands of FAULT entries.  The cells come from `fetch_reasons`.
        """
        row = {name: values[position] for name, values in self.reasons.items()}
        row["source"], row["line"] = self.source[position], self.line[position]
        return {name: pd.NA if value is None else value for name, value in row.items()}
