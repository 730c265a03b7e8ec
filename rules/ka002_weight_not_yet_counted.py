"""The first election was decided on the unweighted priority though a tracker had reported.

## What it flags

An instance whose first decision after start (1.x: `Transition to MASTER
STATE`, taken with no priority comparison) used its base priority although a
weighted tracker had already reported, and for which the weight would have
changed the outcome: it lost an election it would have won, or won one it
would have lost.  The finding says how the election would have gone with the
weight counted.

## Why it matters

With keepalived 1.x a `state MASTER` instance transitions one advert interval
after start, before the first recomputation of its effective priority.  A
track script that succeeded (or failed) before that moment does not count.
In the seed's example 1 router B is configured to reach 103 and beat A's 102,
yet it advertises 100, loses, enters BACKUP, and only then (weights counted)
forces a new election: one extra transition and two adverts without a
master's VIPs on the wire.  Designs that assume "the weighted priority decides
the first election" are wrong for such versions.

## Log evidence per keepalived version

- 1.2/1.3/1.4: `VRRP_Script(x) succeeded` before `Transition to MASTER
  STATE`, then `Received higher prio advert` (1.2) / `Received advert with
  higher priority P, ours Q` (1.3-1.4.0) / `Master received advert with
  higher priority P, ours Q` (1.4.1+) and `Entering BACKUP STATE`.
- 2.x: weights apply as soon as a script reports, so this is only seen when
  the model is told (`--keepalived-version`) to replay a 2.x log as 1.x.

Needs the configuration (weights) of the host.

## Example

Seed example 1, router B (1.2.13, priority 100, scripts +3/0/-3):

```
15:26:27 VRRP_Script(pos) succeeded
15:26:28 VRRP_Instance(vi_1) Transition to MASTER STATE
15:26:28 VRRP_Instance(vi_1) Received higher prio advert
15:26:28 VRRP_Instance(vi_1) Entering BACKUP STATE
```

gives `KA002 weight-not-yet-counted: vi_1 on 192_168_173_204 decided its
first election at 100 although its trackers had reported (103 with weights);
it lost to 192_168_173_203 at 102 and would have won with 103`.

## Known false positives

- A peer priority inferred from a reconstructed or stale config can be wrong;
  the finding names the peer priority and its basis.
- Equal priorities are decided by address; the rule does not judge ties.

## References

- docs/model.md, "Effective priority and its basis" (1.x polls).
- samples/seed/ARTICLE-SUMMARY.md, example 1.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pandas as pd

from kalog.check.api import (
    Finding,
    Need,
    NoOptions,
    Severity,
    fmt_time,
    priority_counting,
    run_of,
    runs_of,
    timeline_of,
)

if TYPE_CHECKING:  # pragma: no cover
    from kalog.check.api import AnalysisContext


CODE = "KA002"
NAME = "weight-not-yet-counted"
SEVERITY = Severity.WARNING
NEEDS: frozenset[Need] = frozenset({Need.CONFIG, Need.TIMELINE})


def _results_before(
    events: pd.DataFrame, host: str, start: pd.Timestamp, end: pd.Timestamp, source: Any, line: Any
) -> tuple[dict[tuple[str, str], bool], list[tuple[Any, Any]]]:
    rows = events[
        (events["host"] == host)
        & (events["kind"].astype("string") == "script_result")
        & (events["ts"] >= start)
        & (events["ts"] <= end)
    ]
    results: dict[tuple[str, str], bool] = {}
    lines: list[tuple[Any, Any]] = []
    for row in rows.itertuples(index=False):
        if row.ts == end and row.source == source and line is not None and row.line > line:
            continue
        if pd.isna(row.script) or pd.isna(row.result):
            continue
        results[("script", str(row.script))] = str(row.result) == "success"
        lines.append((row.source, row.line))
    return results, lines


def check(ctx: AnalysisContext, options: NoOptions) -> Iterator[Finding]:
    timeline = timeline_of(ctx)
    for item in timeline.instances:
        for segments in runs_of(item):
            if segments[0].state != "INIT":
                continue
            # the config this run started with, as the model replayed reloads
            config = ctx.config_at(item.host, segments[0].start)
            if config is None or item.instance not in config.instances:
                continue
            decision = next((s for s in segments if s.state != "INIT"), None)
            if decision is None or decision.state not in {"GOTO_MASTER", "MASTER"}:
                continue
            if decision.priority is None:
                continue
            run = run_of(timeline, item.host, decision.run)
            results, result_lines = _results_before(
                ctx.events,
                item.host,
                segments[0].start,
                decision.start,
                decision.source,
                decision.line,
            )
            if not results:
                continue
            weighted = priority_counting(
                config, item.instance, run.profile if run is not None else None, results
            )
            if weighted is None or weighted == decision.priority:
                continue
            after = segments[segments.index(decision) + 1 :]
            lost = next((s for s in after if s.state == "BACKUP"), None)
            higher = _advert_higher(ctx.events, item.host, item.instance, decision, lost)
            peer_host, peer_prio, peer_basis = _peer_priority(timeline, item, decision, higher)
            if lost is not None and higher is not None:
                if peer_prio is not None and weighted <= peer_prio:
                    continue
                outcome = f"it lost to {peer_host or 'a peer'}"
                if peer_prio is not None:
                    outcome += f" at {peer_prio} ({peer_basis}) and would have won with {weighted}"
                else:
                    outcome += f" (peer priority unknown); with {weighted} it might have won"
                again = next((s for s in after if s.state == "MASTER"), None)
                if again is not None:
                    outcome += f"; it became MASTER only at {fmt_time(again.start)}"
            elif lost is None and peer_prio is not None and weighted < peer_prio:
                outcome = (
                    f"it won although with {weighted} it would have lost to "
                    f"{peer_host} at {peer_prio} ({peer_basis})"
                )
            else:
                continue
            message = (
                f"{item.instance} on {item.host} decided its first election at "
                f"{decision.priority} ({decision.state} at {fmt_time(decision.start)}) although "
                f"its trackers had reported ({weighted} with weights): {outcome}"
            )
            pairs = [*result_lines, (decision.source, decision.line)]
            if higher is not None:
                pairs.append(higher)
            if lost is not None:
                pairs.append((lost.source, lost.line))
            yield Finding(
                message=message,
                host=item.host,
                instance=item.instance,
                start=decision.start,
                end=lost.start if lost is not None else decision.end,
                evidence=pairs,
            )


def _advert_higher(
    events: pd.DataFrame, host: str, instance: str, decision: Any, lost: Any
) -> tuple[Any, Any] | None:
    if lost is None:
        return None
    rows = events[
        (events["host"] == host)
        & (events["kind"].astype("string") == "advert_higher")
        & (events["instance"] == instance)
        & (events["ts"] >= decision.start)
        & (events["ts"] <= lost.start)
    ]
    if rows.empty:
        return None
    row = rows.iloc[-1]
    return row["source"], int(row["line"])


def _peer_priority(
    timeline: Any, item: Any, decision: Any, higher: Any
) -> tuple[str | None, int | None, str]:
    peers = timeline.peers_of(item)
    for other in peers:
        segment = other.at(decision.start)
        if segment is not None and segment.state in {"MASTER", "GOTO_MASTER"}:
            basis = segment.basis
            ended = timeline.host_end.get(other.host)
            if ended is not None and ended < decision.start:
                # past the peer's last line its log says nothing: what it
                # showed last is all there is, and the message says so
                basis += f", {segment.state} when its log ended at {fmt_time(ended)}"
            return other.host, segment.priority, basis
    return (peers[0].host if len(peers) == 1 else None), None, "unknown"
