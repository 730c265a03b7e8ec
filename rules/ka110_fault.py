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
from typing import TYPE_CHECKING, Any

import pandas as pd

from kalog.findings import Finding, Need, Severity
from kalog.rulekit import evidence, fmt_time, timeline_of

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
    events = ctx.events
    window = pd.Timedelta(seconds=float(options["window_seconds"]))
    kinds = events["kind"].astype("string")
    candidates = events[kinds.isin(_CAUSE_KINDS)]
    for item in timeline.instances:
        # a log that starts mid-run opens the instance with its first state
        # line: an `Entering FAULT STATE` there is an entry into FAULT too
        for before, segment in zip([None, *item.segments], item.segments, strict=False):
            if segment.state != "FAULT" or (before is not None and before.state == "FAULT"):
                continue
            end_segment = next(
                (s for s in item.segments if s.start > segment.start and s.state != "FAULT"),
                None,
            )
            near = candidates[
                (candidates["host"] == item.host)
                & (candidates["ts"] >= segment.start - window)
                & _not_after(candidates, segment)
                & (candidates["instance"].isna() | (candidates["instance"] == item.instance))
            ]
            near = near[_is_bad(near)]
            reason = _reason(near.iloc[-1]) if not near.empty else "cause not logged"
            if end_segment is not None:
                seconds = (end_segment.start - segment.start).total_seconds()
                span = f"for {seconds:.1f} s (until {end_segment.state})"
                end = end_segment.start
            else:
                span = "until the end of the log"
                end = segment.end
            # only the line the reason names: with several instances going down in
            # one burst, the other cause lines belong to the other instances
            pairs = [(r.source, r.line) for r in near.tail(1).itertuples(index=False)]
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


def _not_after(rows: pd.DataFrame, segment: Any) -> pd.Series:
    """Rows logged up to the line that opened `segment`, not later in its second.

    With 1-second timestamps every line of a burst has the same time; a cause
    line logged *after* the FAULT line (the next instance's interface going
    down) must not be taken for this instance's cause.
    """
    before = rows["ts"] < segment.start
    if segment.source is None or segment.line is None:
        return before | (rows["ts"] == segment.start)
    same = (
        (rows["ts"] == segment.start)
        & (rows["source"] == segment.source)
        & (rows["line"] <= segment.line)
    )
    return before | same.fillna(False)


def _is_bad(rows: pd.DataFrame) -> pd.Series:
    action = rows["action"].astype("string").str.lower()
    result = rows["result"].astype("string")
    kind = rows["kind"].astype("string")
    return (
        kind.isin(["fault_cause", "no_peers_fault", "track_bfd", "track_file"])
        | action.isin(["down", "lost", "fault"]).fillna(False)
        | result.isin(["failure", "timeout"]).fillna(False)
    ).fillna(False)


def _reason(row: pd.Series) -> str:
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
