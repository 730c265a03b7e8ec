"""A change of master whose cause the logs do not show.

## What it flags

Every transition into or out of MASTER that the model could not attribute to
a cause (higher-priority advert, preemption, priority 0 from a stopping peer,
master-down timeout, fault, stop, reload, sync group), naming the evidence
that is missing, for example keepalived's `-D` detail lines or the peer's log.

## Why it matters

"Why did lb-b take the VIP at 03:12?" is the postmortem question.  A
failover without a logged cause is the one to investigate: a master that
froze (CPU starvation, `A thread timer expired`), adverts lost on the
network, or a peer whose log was not collected.  Saying what would have told
the cause is the fastest way to get it next time.

## Log evidence per keepalived version

- 2.2.3+: `Receive advertisement timeout` and `Backup received priority 0
  advertisement` are `-D` lines: without `-D`, a BACKUP -> MASTER change with
  no peer log has no logged cause.
- 1.x: the backup's side of a master-down timeout is silent except for
  `Transition to MASTER STATE`; the peer's log decides.

## Example

```
lb-b: 03:12:04 (vi_1) Entering MASTER STATE
```

with no `-D` lines and no log from lb-a gives `KA103 unexplained-failover:
vi_1 on lb-b BACKUP -> MASTER at 03:12:04: cause unknown (missing: no peer
log, and no -D detail lines ...)`.

## Known false positives

- When only one host's log is analysed, an ordinary failover after the peer
  died is reported: add the peer's log or run keepalived with `-D`.

## References

- docs/model.md, "Changes of master".
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

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


CODE = "KA103"
NAME = "unexplained-failover"
SEVERITY = Severity.WARNING
NEEDS: frozenset[Need] = frozenset({Need.TIMELINE})


def check(ctx: AnalysisContext, options: NoOptions) -> Iterator[Finding]:
    timeline = timeline_of(ctx)
    for transition in timeline.transitions:
        if transition.cause != "unknown":
            continue
        message = (
            f"{transition.instance} on {transition.host} {transition.from_state} -> "
            f"{transition.to_state} at {fmt_time(transition.ts)}: cause unknown"
        )
        if transition.missing:
            message += f" (missing: {transition.missing})"
        yield Finding(
            message=message,
            host=transition.host,
            instance=transition.instance,
            start=transition.ts,
            end=transition.ts,
            evidence=transition.evidence,
        )
