"""A priority logged by keepalived or quoted by a peer differs from what config and trackers give.

## What it flags

Every moment where two sources disagree about an instance's effective
priority: the value keepalived logged (`Changing effective priority from A
to B`, `ours Q` on an advert line) against the value inferred from the
configuration and the tracker results, or the value a peer quoted in its log
(`received lower priority (102) advert from 10.0.0.1`) against what the
model holds for that host.  Consecutive disagreements of the same kind are
merged into one finding.

## Why it matters

A mismatch means one of three things: the config given to kalog is not the
one keepalived ran (stale file, a reload that changed the priority — which
2.x does not log), keepalived departed from the reference behaviour (the
version profile is wrong for this build), or a peer quoted a host kalog tied
to the wrong address.  Each one makes every conclusion drawn from the
inferred priorities suspect, so it is reported rather than averaged away.

## Log evidence per keepalived version

- 1.3+: `Changing effective priority from A to B` (1.2 is silent, so only
  peer quotes can disagree).
- 1.3-1.4 and 2.x advert lines quote both priorities; 1.2 quotes none.
- 2.x reload: `Reloading` then only the peer's `received lower priority (N)`
  shows the new priority.

## Example

```
h2: (vi_1) received lower priority (80) advert from 10.9.0.1 - discarding
```

while h1's config says priority 101 gives `KA004 priority-mismatch: vi_1 on
h1: 80 quoted by h2, model 101 (inferred)`.

## Known false positives

- 1.x recomputes the priority up to one advert interval after a tracker
  changes; the model forgives a logged value it reaches within one advert
  interval, but a peer's quote in that interval can still differ briefly.

## References

- docs/model.md, "Effective priority and its basis".
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from kalog.check.api import (
    Finding,
    Need,
    NoOptions,
    Severity,
    fmt_time,
    timeline_of,
)

if TYPE_CHECKING:  # pragma: no cover
    from kalog.check.api import AnalysisContext


CODE = "KA004"
NAME = "priority-mismatch"
SEVERITY = Severity.WARNING
NEEDS: frozenset[Need] = frozenset({Need.TIMELINE})


def check(ctx: AnalysisContext, options: NoOptions) -> Iterator[Finding]:
    timeline = timeline_of(ctx)
    groups: dict[tuple, list[Any]] = {}
    for obs in timeline.observations:
        key = (obs.host, obs.instance, obs.basis, obs.observed, obs.model)
        groups.setdefault(key, []).append(obs)
    for (host, instance, basis, observed, model), items in groups.items():
        first, last = items[0], items[-1]
        who = "logged" if basis == "logged" else first.note or "quoted by a peer"
        message = (
            f"{instance} on {host}: {observed} {who}, model {model} ({first.model_basis})"
            f" at {fmt_time(first.ts)}"
        )
        if basis == "logged" and "reload" in (first.note or ""):
            message += f" ({first.note})"
        if len(items) > 1:
            message += f" and {len(items) - 1} more time(s) until {fmt_time(last.ts)}"
        yield Finding(
            message=message,
            host=host,
            instance=instance,
            start=first.ts,
            end=last.ts,
            evidence=items[:5],
        )
