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
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from kalog.findings import Finding, Need, Severity
from kalog.rulekit import (
    HostRows,
    event_times,
    evidence,
    fmt_time,
    host_rows,
    seconds_between,
    timeline_of,
    ts_ns,
)

if TYPE_CHECKING:  # pragma: no cover
    from kalog.analysis import AnalysisContext

CODE = "KA110"
NAME = "fault"
SEVERITY = Severity.WARNING
NEEDS: frozenset[Need] = frozenset({Need.TIMELINE})
DEFAULTS: dict[str, Any] = {"window_seconds": 5.0}

_CAUSE_KINDS = {
    "fault_cause",
    "interface_state",
    "script_result",
    "track_process",
    "track_bfd",
    "track_file",
    "no_peers_fault",
}


def check(ctx: AnalysisContext, options: Mapping[str, Any]) -> Iterator[Finding]:
    timeline = timeline_of(ctx)
    window = pd.Timedelta(seconds=float(options["window_seconds"]))
    causes = _Causes(host_rows(ctx, _CAUSE_KINDS), event_times(ctx))
    for item in timeline.instances:
        segments = item.segments
        # a log that starts mid-run opens the instance with its first state
        # line: an `Entering FAULT STATE` there is an entry into FAULT too
        entries = [
            position
            for position, segment in enumerate(segments)
            if segment.state == "FAULT"
            and (position == 0 or segments[position - 1].state != "FAULT")
        ]
        if not entries:
            continue
        starts = [segment.start for segment in segments]
        ordered = all(map(operator.le, starts, starts[1:]))
        for position in entries:
            segment = segments[position]
            # int ns: Timestamp arithmetic costs microseconds per operation
            opened = ts_ns(segment.start)
            since = opened - window.value if window is not pd.NaT else ts_ns(segment.start - window)
            end_segment = next(
                (
                    segments[later]
                    for later in range(position + 1 if ordered else 0, len(segments))
                    if starts[later] > segment.start and segments[later].state != "FAULT"
                ),
                None,
            )
            near = [
                row
                for row in causes.rows.between(item.host, since, opened).tolist()
                if causes.matches(row, item.instance, segment)
            ]
            last = causes.row(near[-1]) if near else None
            reason = _reason(last) if last is not None else "cause not logged"
            if end_segment is not None:
                seconds = seconds_between(opened, ts_ns(end_segment.start))
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
            yield Finding(
                rule=CODE,
                name=NAME,
                severity=SEVERITY,
                message=(
                    f"{item.instance} on {item.host} in FAULT from "
                    f"{fmt_time(segment.start)} {span}: {reason}"
                ),
                host=item.host,
                instance=item.instance,
                start=segment.start,
                end=end,
                evidence=evidence(ctx, pairs),
            )


_REASON_FIELDS = ("kind", "script", "result", "exit_status", "interface", "action", "detail")


class _Causes:
    """The cause rows (`HostRows`) with the cells the rule reads, fetched once."""

    def __init__(self, rows: HostRows, times: np.ndarray) -> None:
        self.rows = rows
        self.times = times
        self.instance = rows.column("instance")
        self.source = rows.column("source")
        self.line = rows.column("line")
        self.kind = rows.column("kind")
        self.action = rows.column("action")
        self.result = rows.column("result")
        self.cells = {name: rows.column(name) for name in (*_REASON_FIELDS, "body")}

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
        if self.times[row] == ts_ns(segment.start) and segment.source is not None:
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

    def row(self, position: int) -> dict[str, Any]:
        """The fields `_reason` reads of one row, missing ones as pd.NA (as `events.iloc`
        has them).

        A row of a 30-column frame costs a millisecond through `iloc`; a busy
        log has thousands of FAULT entries.  The cells come from the cause rows'
        own columns (`HostRows.column`), not whole-frame conversions.
        """
        row = {name: cells[position] for name, cells in self.cells.items()}
        row["source"], row["line"] = self.source[position], self.line[position]
        return {name: pd.NA if value is None else value for name, value in row.items()}


def _reason(row: Mapping[str, Any]) -> str:
    kind = str(row["kind"])
    if kind == "script_result":
        text = f"script {row['script']} {row['result']}"
        if not pd.isna(row.get("exit_status")):
            text += f" (exit {int(row['exit_status'])})"
        return text
    if kind == "interface_state":
        return f"interface {row['interface']} {row['action']}"
    detail = row.get("detail")
    body = row.get("body")
    if not pd.isna(detail):
        return f"{kind.replace('_', ' ')}: {detail}"
    return str(body) if not pd.isna(body) else kind
