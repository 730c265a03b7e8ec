"""`nopreempt` configured together with initial state MASTER, which keepalived ignores.

## What it flags

A VRRP instance configured with `nopreempt` and `state MASTER` (from the
configuration given with `--config`, or from keepalived's own warning in the
log).  keepalived clears `nopreempt` for such instances (2.x) or warns that
it will not work (1.2.20+), so the instance *will* preempt.

## Why it matters

`nopreempt` is chosen to avoid a second failover when a recovered router
comes back.  With `state MASTER` it silently does not apply: the recovered
router takes the VIP back, which is the very disruption the setting was meant
to prevent.  The fix is `state BACKUP` on every router with `nopreempt`.

## Log evidence per keepalived version

- 1.2.20+ and 2.x: `(x): Warning - nopreempt will not work with initial
  state MASTER` / `(x) Warning - nopreempt will not work with initial state
  MASTER` at start-up and reload.
- 1.2.13-1.2.19: no warning; only the configuration shows it.

## Example

```
vrrp_instance VI_1 {
    state MASTER
    nopreempt
    ...
}
```

gives `KA302 nopreempt-with-master-state: VI_1 on lb-a: nopreempt with state
MASTER is ignored; use state BACKUP`.

## Known false positives

- None known: keepalived itself ignores the combination.

## References

- keepalived.conf(5), `nopreempt`.
- tests/data/keepalived-messages.tsv, config rows.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pandas as pd

from kalog.check.api import (
    Evidence,
    Finding,
    Need,
    NoOptions,
    Severity,
    may_contain,
)

if TYPE_CHECKING:  # pragma: no cover
    from kalog.check.api import AnalysisContext


CODE = "KA302"
NAME = "nopreempt-with-master-state"
SEVERITY = Severity.WARNING
NEEDS: frozenset[Need] = frozenset()

#: keepalived's warning (1.2.20+) that the combination does not work.
WARNING = "nopreempt will not work with initial state MASTER"


def check(ctx: AnalysisContext, options: NoOptions) -> Iterator[Finding]:
    reported: set[tuple[str, str]] = set()
    given = [(host, config) for host in sorted(ctx.configs) for config in ctx.configs_of(host)]
    for host, config in given:  # every config given, the reloaded ones too
        for name, instance in sorted(config.instances.items()):
            if instance.nopreempt and instance.state == "MASTER" and (host, name) not in reported:
                reported.add((host, name))
                where = instance.source_file or None
                line = instance.source_line or None
                yield Finding(
                    message=(
                        f"{name} on {host}: nopreempt with state MASTER is ignored by "
                        f"keepalived; use state BACKUP"
                    ),
                    host=host,
                    instance=name,
                    evidence=[Evidence(str(where), int(line))] if where and line else [],
                )
    events = ctx.events
    if events.empty or not may_contain(events["body"], WARNING):
        return
    body = events["body"].astype("string")
    warned = events[body.str.contains(WARNING, regex=False, na=False)]
    for (host, instance), group in warned.groupby(
        ["host", "instance"], dropna=False, observed=True
    ):
        host_name = None if pd.isna(host) else str(host)
        name = None if pd.isna(instance) else str(instance)
        if (host_name, name) in reported:
            continue
        yield Finding(
            message=(
                f"{name} on {host_name}: keepalived warned that nopreempt will not work with "
                f"initial state MASTER ({len(group)} time(s)); use state BACKUP"
            ),
            host=host_name,
            instance=name,
            start=group["ts"].min(),
            end=group["ts"].max(),
            evidence=list(zip(group["source"], group["line"], strict=True)),
        )
