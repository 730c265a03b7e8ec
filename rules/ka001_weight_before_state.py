"""A track weight changed the effective priority before the instance entered a state.

## What it flags

A change of an instance's effective priority while it was still in `INIT`
(keepalived had started but the instance had not yet logged `Entering ...
STATE` or `Transition to MASTER STATE`), judged against a *reference
profile*: the log's own keepalived version by default, or the one named with
`--expect`.  The 1.x profiles say a weight cannot count before a state has
been entered; the 2.x profile allows it.

## Why it matters

Failover designs are often written against one keepalived's behaviour.  The
seed experiment (keepalived 1.2.13) showed that weights only count once the
instance has entered a state, so a design may rely on the first election
using the configured base priority.  keepalived 2.x applies a weight the
moment a script reports, even while a weight-0 script still holds the
instance: the first election then uses the weighted priority, and a router
the design expected to lose can win.  Checking a 2.x lab log with
`--expect 1.2` shows exactly where the assumption breaks.

## Log evidence per keepalived version

- 2.x: `(vi_1) Changing effective priority from 99 to 102` logged before the
  first `(vi_1) Entering BACKUP STATE` (with a weight-0 script holding the
  instance), or inferred from `VRRP_Script(pos) succeeded` and the config.
- 1.3/1.4: `VRRP_Instance(vi_1) Changing effective priority from A to B`
  before the first state line (not expected from a real 1.x).
- 1.2: silent; only inferable from the config, and the 1.2 poll timing makes
  it impossible for a real 1.2.

## Example

keepalived 2.2.7, seed setup of router A (scripts +3, 0, -3), checked with
`--expect 1.2`:

```
Keepalived_vrrp[81]: VRRP_Script(pos) succeeded
Keepalived_vrrp[81]: (vi_1) Changing effective priority from 99 to 102
Keepalived_vrrp[81]: VRRP_Script(zero) succeeded
Keepalived_vrrp[81]: (vi_1) Entering BACKUP STATE
```

gives `KA001 weight-before-state: vi_1 priority 99 -> 102 before it entered
a state (BACKUP at ...)`.

## Known false positives

- A log that starts in the middle of a run has no `INIT`, so nothing is
  flagged there (a false negative, not a false positive).
- Priority lines from an address-owner conflict (`reducing local priority`)
  are not weights; they are skipped.

## References

- docs/model.md, "Effective priority and its basis".
- samples/seed/ARTICLE-SUMMARY.md (the 1.2.13 finding); samples/lab/ (2.2.7).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import numpy as np

from kalog.check.api import (
    Evidence,
    Finding,
    Need,
    NoOptions,
    Segment,
    Severity,
    fmt_time,
    host_rows,
    ns,
    reference_profile,
    runs_by_key,
    segment_table,
    timeline_of,
)

if TYPE_CHECKING:  # pragma: no cover
    from kalog.check.api import AnalysisContext


CODE = "KA001"
NAME = "weight-before-state"
SEVERITY = Severity.WARNING
NEEDS: frozenset[Need] = frozenset({Need.TIMELINE})


def check(ctx: AnalysisContext, options: NoOptions) -> Iterator[Finding]:
    timeline = timeline_of(ctx)
    runs = runs_by_key(timeline)
    for item in timeline.instances:
        for segments in _init_runs(ctx, item):
            run = runs.get((item.host, segments[0].run))
            reference = reference_profile(ctx, run)
            if reference.weights_before_state:
                continue
            init = [s for s in segments if s.state == "INIT"]
            changed = [
                s
                for before, s in zip(init, init[1:], strict=False)
                if s.priority is not None
                and before.priority is not None
                and s.priority != before.priority
                and s.cause not in {"owner_conflict"}
            ]
            if not changed:
                continue
            entered = next((s for s in segments if s.state != "INIT"), None)
            first, last = init[0], changed[-1]
            where = (
                f"{entered.state} at {fmt_time(entered.start)}"
                if entered is not None
                else "never, in this log"
            )
            message = (
                f"{item.instance} on {item.host}: effective priority {first.priority} -> "
                f"{last.priority} before the instance entered a state (entered {where}); "
                f"under the {reference.name} reference a track weight only counts once a "
                f"state has been entered"
            )
            if run is not None and run.profile != reference.name:
                message += f" (log written by profile {run.profile})"
            yield Finding(
                message=message,
                host=item.host,
                instance=item.instance,
                start=changed[0].start,
                end=entered.start if entered is not None else last.end,
                evidence=[
                    *changed,
                    *_logged_changes(ctx, item.host, item.instance, init[0], entered),
                    *([entered] if entered else []),
                ],
            )


def _init_runs(ctx: AnalysisContext, item: Any) -> Iterator[list[Segment]]:
    """The runs of `item` (as `runs_of` groups them) that start in INIT and hold
    at least two INIT segments: only those can show a change while in INIT.

    Found on the segment tables' state codes and run numbers: a busy log has
    ten thousand runs, each walked and listed in Python to keep a few
    hundred.  The other runs that start in INIT give no finding whatever
    their reference profile; with --expect that profile is still resolved
    (once), so a bad name fails the rule as the loop over every run did.
    """
    table = segment_table(ctx, item)
    count = len(item.segments)
    if count == 0:
        return
    first = np.flatnonzero(np.append(True, table.runs[1:] != table.runs[:-1]))
    opens = np.zeros(count, dtype=np.int64)
    opens[first] = 1
    group = np.cumsum(opens) - 1  # the run group of each segment
    init = table.states == table.state_code("INIT")
    starts_init = init[first]
    if ctx.expect and starts_init.any():
        reference_profile(ctx, None)
    inits = np.bincount(group[init], minlength=len(first))
    bounds = np.append(first, count).tolist()
    for number in np.flatnonzero(starts_init & (inits >= 2)).tolist():
        yield item.segments[bounds[number] : bounds[number + 1]]


def _logged_changes(
    ctx: AnalysisContext, host: str, instance: str, first: Any, entered: Any
) -> list[Evidence]:
    """The `Changing effective priority` lines logged while the instance was in INIT.

    A segment names only the line that opened it; when a script result opened
    it (the model inferred the weight) and keepalived then logged the change,
    the logged line is the better evidence and must be shown too.
    """
    events = ctx.events
    if events.empty or "prio_new" not in events:
        return []
    times = ctx.times_ns
    changes = host_rows(ctx, ["priority_change"])
    instances, sources, lines = (changes.column(name) for name in ("instance", "source", "line"))
    entered_ns = ns(entered.start) if entered is not None else None
    pairs = []
    # rows after the entry into a state never count: the window ends there
    for row in changes.between(host, ns(first.start), entered_ns).tolist():
        if instances[row] != instance:
            continue
        if entered is not None and not (
            times[row] < entered_ns
            or (
                times[row] == entered_ns
                and entered.source is not None
                and sources[row] == entered.source
                and lines[row] < (entered.line or 0)
            )
        ):
            continue
        pairs.append((sources[row], lines[row]))
    return pairs
