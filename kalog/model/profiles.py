"""Version profiles: how each keepalived family decides state and priority.

keepalived 1.x and 2.x do not only word their lines differently, they
*behave* differently (see docs/model.md, which cites keepalived's source):

* **when weights apply** - 1.x recomputes the effective priority on a timer,
  one advert interval after the VRRP child starts and every interval after
  (silently before 1.3.0); 2.x applies a tracker's weight the moment its
  result is known, and logs it.
* **start-up** - 1.x sends a `state MASTER` instance through GOTO_MASTER
  ("Transition to MASTER STATE") with no priority comparison; 2.x starts
  every non-owner in BACKUP "(init)", holding it silently while weight-0
  scripts have no result yet.
* **a track script's first state** - 1.x starts scripts as *failed*
  (`result = rise - 1`), so a negative weight counts until the first success;
  2.x counts nothing until the first result.
* **preemption** - 1.x preempts at once ("forcing a new MASTER election");
  2.x waits for the master-down timer.

A replay must therefore pick a profile per run of keepalived; the version is
read from `Starting Keepalived vX.Y.Z`, else narrowed from the wording of
the run's lines (the `wording` column), else given by the user.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

VersionTuple = tuple[int, int, int]


@dataclass(frozen=True)
class Profile:
    """The behaviour of one keepalived version family."""

    name: str  # "1.2", "1.3" or "2"
    description: str
    weights_polled: bool  # True: weights apply at periodic polls (1.x)
    logs_priority_changes: bool  # "Changing effective priority" is logged (1.3+)
    goto_master_start: bool  # `state MASTER` starts via GOTO_MASTER, no comparison (1.x)
    scripts_start_failed: bool  # a script with no result yet counts as failed (1.x)
    hold_on_unweighted_scripts: bool  # weight-0 scripts hold the instance silently (2.x)
    immediate_preemption: bool  # a backup preempts at once on a lower advert (1.x)
    weight_limit: int  # |weight| accepted by the config parser
    #: Where weights in force before an instance entered a state can change the
    #: priority a peer sees.  The reference for rule KA001.
    weights_before_state: bool


PROFILES: dict[str, Profile] = {
    "1.2": Profile(
        name="1.2",
        description="keepalived 1.2.x: polled, silent priority; GOTO_MASTER start",
        weights_polled=True,
        logs_priority_changes=False,
        goto_master_start=True,
        scripts_start_failed=True,
        hold_on_unweighted_scripts=False,
        immediate_preemption=True,
        weight_limit=254,
        weights_before_state=False,
    ),
    "1.3": Profile(
        name="1.3",
        description="keepalived 1.3-1.4: polled, logged priority; GOTO_MASTER start",
        weights_polled=True,
        logs_priority_changes=True,
        goto_master_start=True,
        scripts_start_failed=True,
        hold_on_unweighted_scripts=False,
        immediate_preemption=True,
        weight_limit=254,
        weights_before_state=False,
    ),
    "2": Profile(
        name="2",
        description="keepalived 2.x: event-driven priority; BACKUP (init) start",
        weights_polled=False,
        logs_priority_changes=True,
        goto_master_start=False,
        scripts_start_failed=False,
        hold_on_unweighted_scripts=True,
        immediate_preemption=False,
        weight_limit=253,
        weights_before_state=True,
    ),
}

#: The profile assumed when a run gives no version signal at all.
DEFAULT_PROFILE = "2"

_VERSION_RE = re.compile(r"v?(\d+)\.(\d+)(?:\.(\d+))?")


def parse_version(text: str | None) -> VersionTuple | None:
    """`"2.2.7"`, `"v1.2.13"`, `"2.2"` -> a comparable tuple, else None."""
    if not text:
        return None
    match = _VERSION_RE.search(str(text))
    if not match:
        return None
    major, minor, patch = match.groups()
    return int(major), int(minor), int(patch or 0)


def profile_name_for_version(version: str | VersionTuple | None) -> str | None:
    """Map a keepalived version to its profile name ("1.2", "1.3", "2")."""
    parsed = version if isinstance(version, tuple) else parse_version(version)
    if parsed is None:
        return None
    major, minor, _ = parsed
    if major >= 2:
        return "2"
    if major == 1 and minor >= 3:
        return "1.3"
    return "1.2"  # 1.2.x, and the older 1.1.x which behaves the same here


def resolve_profile(name_or_version: str) -> Profile:
    """A profile by name (`1.2`, `1.3`, `2`) or by any version (`2.2.7`)."""
    key = name_or_version.strip().lstrip("v")
    if key in PROFILES:
        return PROFILES[key]
    if key in {"1", "1.x"}:
        return PROFILES["1.3"]
    if key in {"2.x"}:
        return PROFILES["2"]
    name = profile_name_for_version(key)
    if name is None:
        raise ValueError(
            f"unknown keepalived version or profile {name_or_version!r} "
            f"(expected one of {', '.join(PROFILES)} or a version like 2.2.7)"
        )
    return PROFILES[name]


def parse_range(text: str) -> list[tuple[VersionTuple, VersionTuple]]:
    """`"1.2.13-1.4.5"` or `"2.0.0-2.0.7,2.1.0-2.4.3"` -> inclusive ranges."""
    ranges: list[tuple[VersionTuple, VersionTuple]] = []
    for part in str(text).split(","):
        lo_text, _, hi_text = part.strip().partition("-")
        lo = parse_version(lo_text)
        hi = parse_version(hi_text or lo_text)
        if lo is not None and hi is not None:
            ranges.append((lo, hi))
    return ranges


#: Versions that the wording table spans, newest last; used to narrow ranges.
_FAMILY_BOUNDS: dict[str, tuple[VersionTuple, VersionTuple]] = {
    "1.2": ((1, 0, 0), (1, 2, 99)),
    "1.3": ((1, 3, 0), (1, 4, 99)),
    "2": ((2, 0, 0), (2, 99, 99)),
}


def profile_from_wordings(wordings: Iterable[str]) -> tuple[str | None, tuple[str, ...]]:
    """Narrow a run's profile from the version ranges of its wordings.

    Each typed line whose wording pins a version range votes for the families
    that range overlaps; the families compatible with every vote remain.
    Returns (chosen, candidates): the newest remaining family (a 1.x log with
    no 1.2-only line is more likely 1.3+ in the field, and 1.3 logs its
    priority changes, so a wrong guess shows up as missing lines rather than
    invented ones), and all candidates so callers can say how sure they are.
    Conflicting votes (hand-edited logs, versions mixed in one run) give
    (None, ()), and the caller falls back to its default.
    """
    candidates = set(_FAMILY_BOUNDS)
    voted = False
    for wording in wordings:
        ranges = parse_range(wording)
        if not ranges:
            continue
        voted = True
        overlapping = {
            family
            for family, (f_lo, f_hi) in _FAMILY_BOUNDS.items()
            if any(lo <= f_hi and hi >= f_lo for lo, hi in ranges)
        }
        candidates &= overlapping
        if not candidates:
            return None, ()
    if not voted:
        return None, ()
    ordered = tuple(name for name in _FAMILY_BOUNDS if name in candidates)
    return ordered[-1], ordered
