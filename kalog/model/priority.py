"""Inferred effective priority: base priority plus tracker weights.

This is keepalived's arithmetic (docs/model.md section "Effective priority"):
effective = clamp(base + sum of contributions, 1, 254), an address owner
(base 255) never changes, and a tracker contributes

* weight > 0: +weight while it is OK, 0 otherwise;
* weight < 0: +weight (a decrease) while it has failed, 0 otherwise;
* weight 0: nothing (a failure is a FAULT, not a priority change);
* `reverse`: the contribution's sign is flipped.

What differs per version is *which result* a tracker has before its first
report: 1.x starts scripts as failed (negative weights count at once), 2.x
counts nothing until the first result.  Interfaces are assumed up until the
log says otherwise (keepalived reads their state at start).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Tracker:
    """One weighted tracker of one instance, as the config gives it."""

    kind: str  # "script" | "interface" | "file" | "process" | "bfd"
    name: str
    weight: int
    reverse: bool = False


def contribution(tracker: Tracker, ok: bool | None, *, unknown_is_failed: bool) -> int:
    """What one tracker adds to the base priority given its current result."""
    if ok is None:
        if not unknown_is_failed:
            return 0
        ok = False
    weight = tracker.weight
    if weight > 0:
        value = weight if ok else 0
    elif weight < 0:
        value = weight if not ok else 0
    else:
        value = 0
    return -value if tracker.reverse else value


def effective_priority(
    base: int,
    trackers: Iterable[Tracker],
    results: Mapping[tuple[str, str], bool | None],
    *,
    unknown_is_failed: bool,
) -> int:
    """keepalived's effective priority for `base` and the trackers' results."""
    if base >= 255:
        return 255
    total = base + sum(
        contribution(
            tracker,
            results.get((tracker.kind, tracker.name)),
            unknown_is_failed=unknown_is_failed and tracker.kind == "script",
        )
        for tracker in trackers
    )
    return max(1, min(254, total))
