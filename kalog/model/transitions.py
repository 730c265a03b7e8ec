"""Explain every change into or out of MASTER, with the lines that prove it.

"Why did lb-b take the VIP at 03:12?" is a question about one transition.
For each segment boundary into or out of MASTER the explainer looks at the
host's own lines just before it (and its peers' lines, when their logs are
given) and picks the cause keepalived's code allows (docs/model.md):

into MASTER
  `address_owner`        a priority-255 instance takes MASTER at start
  `peer_priority_0`      the master stopped and sent priority 0
  `preemption`           we preempted a lower-priority master
                         (1.x "forcing a new MASTER election", 2.x "received
                         lower priority (N) advert ... discarding")
  `peer_fault`           the master went to FAULT (its log shows it)
  `sync_group`           a sync-group sibling took us along
  `master_down_timeout`  no advert heard for the master-down interval
                         ("Receive advertisement timeout", or a peer log that
                         shows the master vanished / was cut off)
  `startup`              no master heard after our own start
out of MASTER
  `higher_priority_advert`  a peer advertised a higher priority
  `fault`                the instance entered FAULT (which tracker/interface)
  `admin_stop`           keepalived was stopped
  `admin_reload`         a reload
  `sync_group`           a sync-group sibling took us along
  `vip_removed`          a VIP was deleted under a 2.x master
and `unknown` when the log lacks the evidence, with what is missing.
"""

from __future__ import annotations

import bisect
import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from kalog.model.rows import EventColumns
from kalog.model.timeline import InstanceTimeline, Segment, Timeline

#: How far back (seconds) a cause line may stand before the transition it
#: explains: 3 adverts + skew at the usual 1 s advert interval, plus slack for
#: 1-second log resolution and 1.x's two-step Transition -> Entering.
WINDOW_S = 5.0


@dataclass(frozen=True)
class Transition:
    """One change into or out of MASTER on one host."""

    instance: str
    vrid: int | None
    host: str
    ts: pd.Timestamp
    direction: str  # "to_master" | "from_master"
    from_state: str
    to_state: str
    cause: str
    detail: str
    evidence: tuple[tuple[str, int], ...]  # (source, line)
    previous_master: str | None = None  # to_master: who held MASTER just before
    missing: str = ""  # unknown causes: the evidence that would have told

    def to_dict(self) -> dict[str, Any]:
        return {
            "instance": self.instance,
            "vrid": self.vrid,
            "host": self.host,
            "ts": self.ts.isoformat(),
            "direction": self.direction,
            "from": self.from_state,
            "to": self.to_state,
            "cause": self.cause,
            "detail": self.detail,
            "previous_master": self.previous_master,
            "missing": self.missing,
            "evidence": [{"source": s, "line": n} for s, n in self.evidence],
        }


#: The kinds the explainer reads; other rows never decide a cause.
_CAUSE_KINDS = frozenset(
    {
        "advert_timeout",
        "prio0_received",
        "force_election",
        "advert_lower_discard",
        "prio0_sent",
        "stopping",
        "sync_group",
        "start",
        "child_start",
        "fault_cause",
        "interface_state",
        "script_result",
        "track_process",
        "track_bfd",
        "advert_higher",
        "reloading",
        "reload_complete",
        "address",
    }
)


#: The fields the explainer reads from a row.
_FIELDS = (
    "ts",
    "kind",
    "instance",
    "source",
    "line",
    "state",
    "group",
    "prio_ours",
    "prio_peer",
    "peer",
    "script",
    "result",
    "exit_status",
    "interface",
    "action",
    "detail",
)


class _Index:
    """Events grouped per host and sorted by time, for window look-ups.

    Sorted (stably, so log order survives within one instant) and searched
    with bisect: a busy log has many transitions and many lines, and a scan
    per transition would make explaining them quadratic.  Only the kinds the
    explainer reads are indexed, and a host's rows become dicts (the fields
    above, missing ones left out) the first time a window asks for them.
    """

    def __init__(self, columns: EventColumns) -> None:
        self.columns = columns
        kinds = columns.codes("kind")
        wanted = [
            code
            for code in range(int(kinds.max()) + 1 if len(kinds) else 0)
            if str(columns.value_of("kind", code)) in _CAUSE_KINDS
        ]
        usable = np.isin(kinds, wanted) & ~columns.isna("ts") & ~columns.isna("host")
        chosen = np.flatnonzero(usable)
        times = columns.times[chosen]
        hosts = columns.codes("host")[chosen]
        self.positions: dict[str, np.ndarray] = {}
        self.times: dict[str, list[int]] = {}
        for code in np.unique(hosts):
            mine = hosts == code
            order = np.argsort(times[mine], kind="stable")
            host = str(columns.value_of("host", int(code)))
            self.positions[host] = chosen[mine][order]
            self.times[host] = times[mine][order].tolist()  # ints: bisect beats numpy here
        self._rows: dict[str, list[dict[str, Any]]] = {}

    def _host_rows(self, host: str) -> list[dict[str, Any]]:
        rows = self._rows.get(host)
        if rows is None:
            rows = self.columns.sparse_records(self.positions[host], _FIELDS)
            for row in rows:
                row["kind"] = str(row["kind"])
            self._rows[host] = rows
        return rows

    def window(
        self, host: str, end: pd.Timestamp, seconds: float = WINDOW_S, *, after: float = 0.0
    ) -> list[Mapping[str, Any]]:
        times = self.times.get(host)
        if times is None or not len(times):
            return []
        ns = end.value
        lo = bisect.bisect_left(times, ns - _nanoseconds(seconds))
        hi = bisect.bisect_right(times, ns + _nanoseconds(after))
        return self._host_rows(host)[lo:hi] if hi > lo else []


@functools.lru_cache(maxsize=1024)
def _nanoseconds(seconds: float) -> int:
    """`pd.Timedelta(seconds=seconds).value`, once per distinct window length."""
    return int(pd.Timedelta(seconds=seconds).value)


def _ev(row: Mapping[str, Any]) -> tuple[str, int]:
    return str(row.get("source")), int(row.get("line") or 0)


def _same_instance(row: Mapping[str, Any], instance: str) -> bool:
    name = row.get("instance")
    return name is None or name == instance


def explain_transitions(
    timeline: Timeline, events: pd.DataFrame, *, columns: EventColumns | None = None
) -> list[Transition]:
    """All transitions into/out of MASTER in `timeline`, each with a cause.

    columns: the replay's `EventColumns` of `events`, to share its work.
    """
    index = _Index(columns if columns is not None else EventColumns(events))
    by_name: dict[str, list[InstanceTimeline]] = {}  # cluster -> its hosts' timelines
    for item in timeline.instances:
        by_name.setdefault(item.cluster or item.instance, []).append(item)
    history = _History()

    transitions: list[Transition] = []
    for item in timeline.instances:
        peers = [
            other for other in by_name[item.cluster or item.instance] if other.host != item.host
        ]
        for position, (previous, segment) in enumerate(
            zip(item.segments, item.segments[1:], strict=False)
        ):
            if previous.state == segment.state:
                continue
            if segment.state == "MASTER":
                steps = [previous]
                if previous.state == "GOTO_MASTER":
                    # 1.x: "Transition to MASTER" then "Entering MASTER" one
                    # advert later is one change; it started where GOTO began
                    first = position
                    while first > 0 and item.segments[first].state == "GOTO_MASTER":
                        first -= 1
                    steps = item.segments[first : position + 1]
                transitions.append(_to_master(item, steps, segment, peers, index, history))
            elif previous.state == "MASTER":
                transitions.append(_from_master(item, previous, segment, index))
    transitions.sort(key=lambda t: (t.ts, t.instance, t.host))
    return transitions


class _History:
    """Per instance timeline, the facts `_last_master_exit` and `_just_started` scan for.

    Computed once per timeline and only for timelines whose segments are in
    start order (what the replay produces); the plain scans stay as the
    answer for any other order, so the result cannot differ.
    """

    def __init__(self) -> None:
        self._cache: dict[int, tuple[Any, ...] | None] = {}

    def of(self, item: InstanceTimeline) -> tuple[Any, ...] | None:
        key = id(item)
        if key not in self._cache:
            segments = item.segments
            if any(a.start > b.start for a, b in zip(segments, segments[1:], strict=False)):
                self._cache[key] = None
            else:
                exits = [
                    after
                    for before, after in zip(segments, segments[1:], strict=False)
                    if before.state == "MASTER" and after.state != "MASTER"
                ]
                masters = [s.start for s in segments if s.state == "MASTER"]
                runs: dict[int, list[Segment]] = {}
                for segment in segments:
                    runs.setdefault(segment.run, []).append(segment)
                self._cache[key] = (
                    [e.start for e in exits],
                    exits,
                    masters,
                    {run: [s.start for s in items] for run, items in runs.items()},
                    runs,
                )
        return self._cache[key]


def _last_master_exit(
    peers: Sequence[InstanceTimeline], ts: pd.Timestamp, history: _History
) -> tuple[str, Segment] | None:
    """The last time a peer left MASTER before `ts`, if no peer was MASTER since.

    However long ago: a backup that was itself in FAULT takes over only when
    it recovers, and the master's FAULT is still the reason it had to.
    """
    best: tuple[str, Segment] | None = None
    for other in peers:
        known = history.of(other)
        if known is None:
            for before, after in zip(other.segments, other.segments[1:], strict=False):
                if after.start > ts:
                    break
                leaves = before.state == "MASTER" and after.state != "MASTER"
                if leaves and (best is None or after.start > best[1].start):
                    best = (other.host, after)
            continue
        starts, exits = known[0], known[1]
        count = bisect.bisect_right(starts, ts)
        if count:
            # the first of the latest exits, as the in-order scan keeps it
            latest = exits[bisect.bisect_left(starts, starts[count - 1])]
            if best is None or latest.start > best[1].start:
                best = (other.host, latest)
    if best is None:
        return None
    for other in peers:
        known = history.of(other)
        if known is None:
            for segment in other.segments:
                if segment.state == "MASTER" and best[1].start < segment.start <= ts:
                    return None
            continue
        masters = known[2]
        after = bisect.bisect_right(masters, best[1].start)
        if after < len(masters) and masters[after] <= ts:
            return None
    return best


def _master_before(peers: Sequence[InstanceTimeline], ts: pd.Timestamp) -> str | None:
    for other in peers:
        segment = other.at(ts - pd.Timedelta(microseconds=1))
        if segment is not None and segment.state in {"MASTER", "GOTO_MASTER"}:
            return other.host
    return None


def _maker(
    item: InstanceTimeline,
    previous: Segment,
    segment: Segment,
    direction: str,
    opener: list[tuple[Any, Any]],
    previous_master: str | None,
) -> Callable[..., Transition]:
    """A builder of this boundary's Transition, given a cause and its evidence rows."""

    def make(
        cause: str, detail: str, rows: Sequence[Mapping[str, Any]], missing: str = ""
    ) -> Transition:
        return Transition(
            instance=item.instance,
            vrid=item.vrid,
            host=item.host,
            ts=segment.start,
            direction=direction,
            from_state=previous.state,
            to_state=segment.state,
            cause=cause,
            detail=detail,
            evidence=tuple(dict.fromkeys([_ev(r) for r in rows] + opener)),
            previous_master=previous_master,
            missing=missing,
        )

    return make


def _to_master(
    item: InstanceTimeline,
    steps: Sequence[Segment],
    segment: Segment,
    peers: Sequence[InstanceTimeline],
    index: _Index,
    history: _History,
) -> Transition:
    """`steps`: the segment left (and, in 1.x, the GOTO_MASTER steps after it)."""
    previous = steps[0]
    ts = segment.start
    began = next((s.start for s in steps if s.state == "GOTO_MASTER"), ts)
    own = [
        r
        for r in index.window(item.host, ts, WINDOW_S + (ts - began).total_seconds())
        if _same_instance(r, item.instance) and r["ts"] <= ts
    ]
    opener = [(s.source, s.line) for s in [*steps[1:], segment] if s.source and s.line]
    previous_master = _master_before(peers, ts)

    make = _maker(item, previous, segment, "to_master", opener, previous_master)

    if segment.priority == 255 and previous.state == "INIT":
        return make("address_owner", "priority 255 owner takes MASTER at start", [])
    timed_out = [r for r in own if r["kind"] == "advert_timeout"]
    prio0 = [r for r in own if r["kind"] == "prio0_received"]
    if prio0:
        return make("peer_priority_0", "the master stopped and sent priority 0", prio0[-1:])
    preempt = [r for r in own if r["kind"] in {"force_election", "advert_lower_discard"}]
    if preempt:
        quoted = next((r for r in reversed(preempt) if r.get("prio_peer") is not None), None)
        detail = "preempted a lower-priority master"
        if quoted is not None:
            detail += f" advertising {quoted['prio_peer']}"
            if quoted.get("peer"):
                detail += f" from {quoted['peer']}"
        elif previous_master is not None:
            # 1.x lines quote no priority: the master's own timeline may know it
            theirs = next(
                (
                    o.at(ts - pd.Timedelta(microseconds=1))
                    for o in peers
                    if o.host == previous_master
                ),
                None,
            )
            detail += f" ({previous_master}"
            if theirs is not None and theirs.priority is not None:
                detail += f" at {theirs.priority}, {theirs.basis}"
            detail += ")"
        if segment.priority is not None:
            detail += f" (ours {segment.priority})"
        return make("preemption", detail, [preempt[0], preempt[-1]])
    left = _last_master_exit(peers, ts, history)
    if left is not None and left[1].state == "FAULT":
        other_host, fault = left
        rows = [{"source": fault.source, "line": fault.line}] if fault.source else []
        ago = (ts - fault.start).total_seconds()
        how = f" {ago:.1f} s before" if ago > WINDOW_S else ""
        if timed_out:
            how += "; no advert heard since"
        return make("peer_fault", f"{other_host} went to FAULT{how}", rows + timed_out)
    for other in peers:
        stops = [
            r
            for r in index.window(other.host, ts)
            if r["kind"] in {"prio0_sent", "stopping"} and _same_instance(r, item.instance)
        ]
        if not stops:
            continue
        if timed_out:
            # -D lines are on and say the backup timed out: the priority 0
            # advert did not arrive (e.g. the master's link was down)
            return make(
                "master_down_timeout",
                f"{other.host} stopped, but no priority 0 advert arrived",
                stops[-1:] + timed_out,
            )
        return make("peer_priority_0", f"{other.host} stopped and sent priority 0", stops[-1:])
    sync = [
        r
        for r in own
        if r["kind"] == "sync_group" and str(r.get("state") or "").upper() == "MASTER"
    ]
    if sync and not any(r["kind"] == "advert_timeout" for r in own):
        return make("sync_group", f"sync group {sync[-1].get('group')} went MASTER", sync[-1:])
    if previous_master is None and _just_started(item, segment, history):
        started = [r for r in own if r["kind"] in {"start", "child_start"}]
        return make("startup", "no master heard after start", started[-1:] + timed_out)
    if timed_out:
        return make(
            "master_down_timeout", "no advert heard for the master-down interval", timed_out
        )
    if peers and previous_master is not None:
        return make(
            "master_down_timeout",
            f"{previous_master} was still MASTER in its log: adverts did not arrive",
            [],
        )
    if peers and previous_master is None:
        return make(
            "master_down_timeout",
            "no peer held MASTER before: no advert to wait for",
            [],
        )
    missing = (
        'no peer log, and no -D detail lines ("Receive advertisement timeout", '
        '"Backup received priority 0 advertisement") to tell a dead master from a stopped one'
    )
    return make("unknown", "BACKUP became MASTER without a logged cause", [], missing)


#: A MASTER reached this soon after keepalived's start, never having been
#: MASTER before in the run, is the start-up election (3 adverts + skew at the
#: usual interval, with room for slower intervals and 1.x's two steps).
STARTUP_S = 15.0


def _just_started(item: InstanceTimeline, segment: Segment, history: _History) -> bool:
    known = history.of(item)
    if known is None:
        earlier = [s for s in item.segments if s.run == segment.run and s.start <= segment.start]
    else:
        run_segments = known[4].get(segment.run, [])
        earlier = run_segments[: bisect.bisect_right(known[3][segment.run], segment.start)]
    if not earlier or earlier[0].state != "INIT":
        return False
    if any(s.state in {"MASTER", "FAULT", "STOPPED"} for s in earlier if s is not segment):
        return False
    return (segment.start - earlier[0].start).total_seconds() <= STARTUP_S


def _from_master(
    item: InstanceTimeline, previous: Segment, segment: Segment, index: _Index
) -> Transition:
    ts = segment.start
    own = [
        r for r in index.window(item.host, ts) if _same_instance(r, item.instance) and r["ts"] <= ts
    ]
    opener = [(segment.source, segment.line)] if segment.source and segment.line else []

    make = _maker(item, previous, segment, "from_master", opener, None)

    if segment.state == "STOPPED":
        return make("admin_stop", "keepalived was stopped", [])
    if segment.state == "FAULT":
        causes = [
            r
            for r in own
            if r["kind"]
            in {"fault_cause", "interface_state", "script_result", "track_process", "track_bfd"}
            and (
                r["kind"] == "fault_cause"
                or str(r.get("action") or "").lower() in {"down", "lost"}
                or str(r.get("result") or "") in {"failure", "timeout"}
                or r["kind"] in {"track_bfd", "track_file"}
            )
        ]
        if causes:
            return make("fault", _fault_reason(causes[-1]), causes[-1:])
        return make(
            "fault",
            "FAULT (cause not logged)",
            [],
            missing="no tracker or interface line before the FAULT",
        )
    higher = [r for r in own if r["kind"] == "advert_higher"]
    if higher:
        last = higher[-1]
        detail = "a peer advertised a higher priority"
        if last.get("prio_peer") is not None:
            detail = f"advert with priority {last['prio_peer']}"
            if last.get("peer"):
                detail += f" from {last['peer']}"
            if last.get("prio_ours") is not None:
                detail += f" beat ours {last['prio_ours']}"
        return make("higher_priority_advert", detail, higher[-1:])
    reload_rows = [r for r in own if r["kind"] in {"reloading", "reload_complete"}]
    if reload_rows:
        return make("admin_reload", "keepalived was reloaded", reload_rows[-1:])
    sync = [
        r
        for r in own
        if r["kind"] == "sync_group" and str(r.get("state") or "").upper() == segment.state
    ]
    if sync:
        return make("sync_group", f"sync group {sync[-1].get('group')} left MASTER", sync[-1:])
    removed = [r for r in own if r["kind"] == "address" and str(r.get("action") or "") == "removed"]
    if removed and segment.state == "BACKUP":
        return make("vip_removed", "a virtual address was removed under the master", removed[-1:])
    return make(
        "unknown",
        f"left MASTER for {segment.state} without a logged cause",
        [],
        missing="no advert, fault, stop or reload line before the change",
    )


def _fault_reason(row: Mapping[str, Any]) -> str:
    """A few words for the line that put an instance in FAULT."""
    kind = row["kind"]
    if kind == "script_result":
        text = f"script {row.get('script')} {row.get('result')}"
        if row.get("exit_status") is not None:
            text += f" (exit {row['exit_status']})"
        return text
    if kind == "interface_state":
        return f"interface {row.get('interface')} {row.get('action')}"
    what = row.get("detail") or row.get("interface") or row.get("script") or ""
    return f"{kind.replace('_', ' ')} {what}".strip()
