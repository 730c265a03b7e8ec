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

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from kalog.check.api import (
    Finding,
    HostRows,
    Need,
    Segment,
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
    from kalog.check.api import AnalysisContext, InstanceTimeline


CODE = "KA110"
NAME = "fault"
SEVERITY = Severity.WARNING
NEEDS: frozenset[Need] = frozenset({Need.TIMELINE})


@dataclass(frozen=True)
class Options:
    """Set in the settings file: `[tool.kalog.rules.KA110]`."""

    window_seconds: float = 5.0  # how far before the FAULT line a cause line may be


#: the kinds of line that can name why an instance went to FAULT
_CAUSE_KINDS = {
    "fault_cause",
    "interface_state",
    "script_result",
    "track_process",
    "track_bfd",
    "track_file",
    "no_peers_fault",
}
#: cause kinds that are bad news whatever their fields say
_ALWAYS_BAD = {"fault_cause", "no_peers_fault", "track_bfd", "track_file"}
#: the fields `fault_reason` words a cause from
_REASON_FIELDS = (
    "kind",
    "script",
    "result",
    "exit_status",
    "interface",
    "action",
    "detail",
    "body",
)


def check(ctx: AnalysisContext, options: Options) -> Iterator[Finding]:
    window = pd.Timedelta(seconds=options.window_seconds).value
    causes = host_rows(ctx, _CAUSE_KINDS)
    entries = [
        (item, segment, end, _cause(causes, item.instance, rows))
        for item in timeline_of(ctx).instances
        for segment, end, rows in _entries(ctx, item, causes, window)
    ]
    # the fields of the chosen cause rows, fetched in one go for all entries
    chosen = [cause for *_rest, cause in entries if cause is not None]
    fields = {name: cells(ctx.events, name, chosen) for name in _REASON_FIELDS}
    for item, segment, end, cause in entries:
        reason = "cause not logged"
        cited: list[Any] = []
        if cause is not None:
            row = {name: fields[name][cause] for name in _REASON_FIELDS}
            reason = fault_reason({k: pd.NA if v is None else v for k, v in row.items()})
            # only the line the reason names: with several instances going down
            # in one burst, the other cause lines belong to the other instances
            cited.append((causes.column("source")[cause], causes.column("line")[cause]))
        if end is not None:
            seconds = seconds_between(ns(segment.start), ns(end.start))
            span = f"for {seconds:.1f} s (until {end.state})"
        else:
            span = "until the end of the log"
        yield Finding(
            message=(
                f"{item.instance} on {item.host} in FAULT from {fmt_time(segment.start)} "
                f"{span}: {reason}"
            ),
            host=item.host,
            instance=item.instance,
            start=segment.start,
            end=end.start if end is not None else segment.end,
            evidence=[*cited, segment, *([end] if end is not None else [])],
        )


def _entries(
    ctx: AnalysisContext, item: InstanceTimeline, causes: HostRows, window: int
) -> Iterator[tuple[Segment, Segment | None, np.ndarray]]:
    """Each entry of `item` into FAULT: (its segment, the first later segment
    that is not FAULT or None, the host's cause rows leading to it)."""
    segments = item.segments
    table = segment_table(ctx, item)
    fault = table.states == table.state_code("FAULT")
    # a log that starts mid-run opens the instance with its first state line:
    # an `Entering FAULT STATE` there is an entry into FAULT too
    opening = fault.copy()
    opening[1:] &= ~fault[:-1]
    # an excerpt's FAULT that no line shows being entered (implied by the
    # next state line, or seen in a FAULT-only line) is not an entry
    entries = [p for p in np.flatnonzero(opening).tolist() if segments[p].state_basis == "logged"]
    if not entries:
        return
    opened = [segments[position] for position in entries]
    ends = table.next_other(segments, entries, fault)
    yield from zip(opened, ends, causes.leading_to(item.host, opened, window), strict=True)


def _cause(causes: HostRows, instance: str, rows: np.ndarray) -> int | None:
    """The last of `rows` that names a bad result for `instance` (or no instance)."""
    names, kinds = causes.column("instance"), causes.column("kind")
    actions, results = causes.column("action"), causes.column("result")
    for row in reversed(rows.tolist()):
        if names[row] is not None and names[row] != instance:
            continue
        action = actions[row]
        if (
            str(kinds[row]) in _ALWAYS_BAD
            or (action is not None and str(action).lower() in {"down", "lost", "fault"})
            or results[row] in {"failure", "timeout"}
        ):
            return row
    return None
