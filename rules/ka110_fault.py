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

from collections.abc import Iterator, Mapping
from itertools import pairwise
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
    causes = host_rows(ctx, _CAUSE_KINDS)
    times = event_times(ctx)
    for item in timeline.instances:
        ordered = all(a.start <= b.start for a, b in pairwise(item.segments))
        # a log that starts mid-run opens the instance with its first state
        # line: an `Entering FAULT STATE` there is an entry into FAULT too
        for position, (before, segment) in enumerate(
            zip([None, *item.segments], item.segments, strict=False)
        ):
            if segment.state != "FAULT" or (before is not None and before.state == "FAULT"):
                continue
            later = item.segments[position + 1 :] if ordered else item.segments
            end_segment = next(
                (s for s in later if s.start > segment.start and s.state != "FAULT"),
                None,
            )
            near = [
                row
                for row in causes.between(
                    item.host, ts_ns(segment.start - window), ts_ns(segment.start)
                ).tolist()
                if _matches(causes, row, item.instance, segment, times)
            ]
            last = _row(causes, near[-1]) if near else None
            reason = _reason(last) if last is not None else "cause not logged"
            if end_segment is not None:
                seconds = (end_segment.start - segment.start).total_seconds()
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


def _matches(causes: HostRows, row: int, instance: str, segment: Any, times: np.ndarray) -> bool:
    """A cause row (already on the host, in the window) that names a bad result.

    Rows logged up to the line that opened `segment`, not later in its second:
    with 1-second timestamps every line of a burst has the same time; a cause
    line logged *after* the FAULT line (the next instance's interface going
    down) must not be taken for this instance's cause.
    """
    name = causes.column("instance")[row]
    if name is not None and name != instance:
        return False
    if times[row] == ts_ns(segment.start) and segment.source is not None:
        if segment.line is None:
            pass
        else:
            source = causes.column("source")[row]
            line = causes.column("line")[row]
            if source != segment.source or line is None or not line <= segment.line:
                return False
    return _is_bad(causes, row)


def _is_bad(causes: HostRows, row: int) -> bool:
    kind = str(causes.column("kind")[row])
    action = causes.column("action")[row]
    result = causes.column("result")[row]
    return (
        kind in {"fault_cause", "no_peers_fault", "track_bfd", "track_file"}
        or (action is not None and str(action).lower() in {"down", "lost", "fault"})
        or result in {"failure", "timeout"}
    )


def _row(causes: HostRows, position: int) -> dict[str, Any]:
    """The fields `_reason` reads of one row, missing ones as pd.NA (as `events.iloc` has them).

    A row of a 30-column frame costs a millisecond through `iloc`; a busy
    log has thousands of FAULT entries.  The cells come from the cause rows'
    own columns (`HostRows.column`), not whole-frame conversions.
    """
    names = ("kind", "script", "result", "exit_status", "interface", "action", "detail", "body")
    row = {name: causes.column(name)[position] for name in (*names, "source", "line")}
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
