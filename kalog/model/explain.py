"""The chain of cause of one change of master, oldest first, across all hosts.

A postmortem asks "why did lb-b take the VIP at 03:12?".  The transition's
cause (kalog.model.transitions) answers in one line; an engineer writing the
postmortem wants the story behind it, with every line it rests on: the
tracker results that moved a priority, the priority changes (with the
arithmetic when the config tells it), the adverts each side logged, the
timer that fired, the transition itself, what each peer did just after,
and what the given logs cannot say.

The chain is read from the model and the event frame, never re-inferred:
priorities and their basis come from the replayed segments, causes from
the transitions, lines from the frame.  Only lines of the hosts that run
the instance (its cluster) are steps, and of those only the ones about this
instance or about no instance in particular (a tracker, keepalived's start).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from kalog.ingest import refetch
from kalog.ingest.events import kind_mask
from kalog.model.priority import contribution, effective_priority
from kalog.model.profiles import PROFILES
from kalog.model.replay import tracker_result, trackers_for
from kalog.model.timeline import Timeline, clock, iso_or_none
from kalog.model.transitions import Transition

__all__ = ["CHAIN_KINDS", "Explanation", "Step", "changes_of_master", "explain", "pick_change"]

#: the kinds of line that can be a link of the chain (GARP bursts and
#: housekeeping say nothing about why mastership moved)
CHAIN_KINDS: frozenset[str] = frozenset(
    {
        "enter_state",
        "transition_master",
        "now_in_state",
        "fault_cause",
        "prio_higher_than_advert",
        "advert_timeout",
        "no_peers_fault",
        "priority_change",
        "priority_set",
        "owner_conflict",
        "priority_restored",
        "advert_higher",
        "advert_lower",
        "advert_lower_discard",
        "force_election",
        "prio0_received",
        "prio0_sent",
        "equal_prio_own_ip",
        "master_changed",
        "preempt_delay",
        "script_result",
        "script_reload",
        "interface_state",
        "tracked_interfaces_up",
        "track_process",
        "track_bfd",
        "track_file",
        "vips",
        "sync_group",
        "start",
        "child_start",
        "child_exit",
        "stopping",
        "stopped",
        "reloading",
        "reload_complete",
    }
)

#: seconds before the change that may hold its causes, and after it in which
#: the peers' reactions (a step down, a takeover) belong to it
LEAD_S = 60.0
AFTER_S = 3.0


@dataclass(frozen=True)
class Step:
    """One link of the chain: when, on which host, what, and the line saying so."""

    ts: pd.Timestamp
    host: str
    what: str
    source: str | None = None
    line: int | None = None
    text: str | None = None  # the log line, verbatim (None: an inferred step)

    def to_dict(self) -> dict[str, Any]:
        return {
            "ts": iso_or_none(self.ts),
            "host": self.host,
            "what": self.what,
            "source": self.source,
            "line": self.line,
            "text": self.text,
        }


@dataclass
class Explanation:
    """The chain of cause of one change of master (`explain`)."""

    change: Transition
    hosts: list[str]
    start: pd.Timestamp
    end: pd.Timestamp
    steps: list[Step] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    #: who held MASTER just before (the transition's word, else the host
    #: whose segment was MASTER then; None: no given log shows one)
    previous: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "change": self.change.to_dict(),
            "previous_master": self.previous,
            "hosts": self.hosts,
            "window": {"start": iso_or_none(self.start), "end": iso_or_none(self.end)},
            "steps": [step.to_dict() for step in self.steps],
            "unknown": self.unknown,
        }


def changes_of_master(timeline: Timeline) -> list[Transition]:
    """Every change into MASTER, in time order: what `kalog explain` numbers."""
    return sorted(
        (t for t in timeline.transitions if t.direction == "to_master"),
        key=lambda t: (t.ts, t.instance, t.host),
    )


def pick_change(
    changes: Sequence[Transition],
    *,
    at: pd.Timestamp | None = None,
    index: int | None = None,
) -> Transition:
    """The change `at` names (the nearest one to that time), the `index`-th
    (1-based), or the only one; ValueError with the choices otherwise."""
    if not changes:
        raise ValueError("no change of master in the given logs")
    if index is not None:
        if not 1 <= index <= len(changes):
            raise ValueError(f"--index {index}: there are {len(changes)} changes of master")
        return changes[index - 1]
    if at is not None:
        return min(changes, key=lambda t: abs((t.ts - at).value))
    if len(changes) == 1:
        return changes[0]
    raise ValueError(f"{len(changes)} changes of master: choose one with --at or --index")


def explain(
    events: pd.DataFrame,
    timeline: Timeline,
    change: Transition,
    *,
    configs: Mapping[str, Sequence[Any]] | None = None,
    lead_s: float = LEAD_S,
    after_s: float = AFTER_S,
) -> Explanation:
    """The chain of cause of `change`, oldest first.

    The window opens at the previous change of master of the same instance
    (or `lead_s` before, whichever is later) and closes `after_s` after it.
    `configs`: host -> its configs given, in reload order (the model says
    which was in force when), for the arithmetic of inferred priorities;
    without them priorities are shown with their basis only.
    """
    item = timeline.get(change.host, change.instance)
    peers = timeline.peers_of(item) if item is not None else []
    hosts = sorted({change.host, *(p.host for p in peers)})
    start = change.ts - pd.Timedelta(seconds=lead_s)
    # the previous change of master of this instance among these hosts ends
    # the story before this one
    previous = [
        t.ts
        for t in changes_of_master(timeline)
        if t.ts < change.ts and t.instance == change.instance and t.host in hosts
    ]
    if previous and previous[-1] > start:
        start = previous[-1]
    end = change.ts + pd.Timedelta(seconds=after_s)
    explanation = Explanation(
        change, hosts, start, end, previous=_previous_master(timeline, hosts, change, start)
    )
    steps = _read_back(events, _line_steps(events, hosts, change.instance, start, end))
    steps += _priority_steps(timeline, hosts, change.instance, start, end, events, configs or {})
    transition_step = Step(
        change.ts,
        change.host,
        f"{change.from_state} -> {change.to_state} ({change.cause})",
    )
    steps.append(transition_step)
    # the transition after the lines of its own time (the state line proving it)
    steps.sort(key=lambda s: (s.ts.value, s is transition_step, s.source or "", s.line or 0))
    explanation.steps = steps
    explanation.unknown = _unknown(timeline, hosts, change, start, end)
    return explanation


def _previous_master(
    timeline: Timeline, hosts: list[str], change: Transition, since: pd.Timestamp
) -> str | None:
    """The transition's word for who held MASTER before, else the peer whose
    last MASTER stretch before the change ended latest (within the window)."""
    if change.previous_master:
        return change.previous_master
    best: tuple[pd.Timestamp, str] | None = None
    for host in hosts:
        item = timeline.get(host, change.instance)
        if item is None or host == change.host:
            continue
        for segment in item.segments:
            if segment.start >= change.ts:
                break
            later = best is None or segment.end > best[0]
            if segment.state == "MASTER" and segment.end >= since and later:
                best = (segment.end, host)
    return best[1] if best is not None else None


def _line_steps(
    events: pd.DataFrame, hosts: list[str], instance: str, start: pd.Timestamp, end: pd.Timestamp
) -> list[Step]:
    """The chain's logged lines: the cluster's hosts, this instance or none."""
    if events.empty:
        return []
    ts = events["ts"]
    mask = kind_mask(events, CHAIN_KINDS)
    mask &= events["host"].isin(hosts).to_numpy(dtype=bool)
    mask &= ((ts >= start) & (ts <= end)).to_numpy(dtype=bool, na_value=False)
    names = events["instance"]
    mask &= (names.isna() | (names == instance)).to_numpy(dtype=bool, na_value=False)
    rows = events.iloc[np.flatnonzero(mask)]
    steps = []
    for row in rows.to_dict("records"):
        fields = {k: (None if _missing(v) else v) for k, v in row.items()}
        steps.append(
            Step(
                fields["ts"],
                str(fields["host"]),
                _describe(fields),
                fields.get("source"),
                fields.get("line"),
                fields.get("raw"),
            )
        )
    return steps


def _read_back(events: pd.DataFrame, steps: list[Step]) -> list[Step]:
    """`steps` with the texts of lines whose frame holds none read back from
    their input (`read_events(keep_raw=False)`, `kalog.ingest.refetch`): one
    pass per input for all of them."""
    elsewhere = events.attrs.get(refetch.ATTR)
    if elsewhere is None:
        return steps
    wanted: dict[str, list[int]] = {}
    for step in steps:
        if step.text is None and step.source in elsewhere.inputs and step.line is not None:
            wanted.setdefault(step.source, []).append(int(step.line))
    texts = {
        (source, line): text
        for source, lines in wanted.items()
        for line, text in elsewhere.texts(source, lines).items()
    }
    return [
        replace(step, text=texts[(step.source, step.line)])
        if (step.source, step.line) in texts
        else step
        for step in steps
    ]


def _priority_steps(
    timeline: Timeline,
    hosts: list[str],
    instance: str,
    start: pd.Timestamp,
    end: pd.Timestamp,
    events: pd.DataFrame,
    configs: Mapping[str, Sequence[Any]],
) -> list[Step]:
    """Each change of an instance's priority in the window, as the model knows it."""
    steps = []
    for host in hosts:
        item = timeline.get(host, instance)
        if item is None:
            continue
        previous = None
        for segment in item.segments:
            if segment.start > end:
                break
            changed = previous is not None and segment.priority != previous.priority
            # a logged priority is a line of the chain already
            if changed and segment.start >= start and segment.basis != "logged":
                old = "unknown" if previous.priority is None else str(previous.priority)
                new = "unknown" if segment.priority is None else str(segment.priority)
                how = segment.basis
                if segment.cause == "poll":
                    how += ", at keepalived 1.x's periodic priority check"
                what = f"priority {old} -> {new} ({how})"
                config = timeline.config_at(host, segment.start, configs.get(host, ()))
                arithmetic = _arithmetic(timeline, config, host, instance, segment, events)
                if arithmetic:
                    what += f": {arithmetic}"
                steps.append(Step(segment.start, host, what))
            previous = segment
    return steps


def _arithmetic(
    timeline: Timeline,
    config: Any,
    host: str,
    instance: str,
    segment: Any,
    events: pd.DataFrame,
) -> str:
    """ "base 100 + chk_a +10 - chk_b 20" for an inferred priority, when the
    config in force and the trackers' last results give exactly that value
    (else "": a sum that does not add up would mislead)."""
    if segment.basis != "inferred" or segment.priority is None:
        return ""
    conf = config.instances.get(instance) if config is not None else None
    if conf is None or conf.priority is None:
        return ""
    run = next((r for r in timeline.runs if r.host == host and r.run == segment.run), None)
    profile = PROFILES.get(run.profile if run is not None else "", PROFILES["2"])
    trackers = trackers_for(conf, profile, weights_apply=config.weights_apply(instance))
    results = _results(events, host, run.start if run is not None else None, segment.start)
    base, failed = int(conf.priority), profile.scripts_start_failed
    total = effective_priority(base, trackers, results, unknown_is_failed=failed)
    if total != segment.priority:
        return ""
    terms = []
    for tracker in trackers:
        ok = results.get((tracker.kind, tracker.name))
        part = contribution(tracker, ok, unknown_is_failed=failed and tracker.kind == "script")
        if part:
            terms.append(f"{'+' if part > 0 else '-'} {tracker.name} {abs(part)}")
    return " ".join([f"base {base}", *terms])


def _results(
    events: pd.DataFrame, host: str, since: pd.Timestamp | None, until: pd.Timestamp
) -> dict[tuple[str, str], bool]:
    """(tracker kind, name) -> its last result on `host` in (since, until]."""
    mask = kind_mask(events, {"script_result", "script_reload", "interface_state"})
    mask &= (events["host"] == host).to_numpy(dtype=bool, na_value=False)
    ts = events["ts"]
    window = ts <= until
    if since is not None:
        window &= ts >= since
    mask &= window.to_numpy(dtype=bool, na_value=False)
    results: dict[tuple[str, str], bool] = {}
    for row in events.iloc[np.flatnonzero(mask)].to_dict("records"):
        found = tracker_result({k: (None if _missing(v) else v) for k, v in row.items()})
        if found is not None:
            results[(found[0], found[1])] = found[2]
    return results


def _unknown(
    timeline: Timeline,
    hosts: list[str],
    change: Transition,
    start: pd.Timestamp,
    end: pd.Timestamp,
) -> list[str]:
    """What the given logs cannot tell about this change."""
    notes = []
    if change.missing:
        notes.append(f"the cause: {change.missing}")
    for host in hosts:
        last = timeline.host_end.get(host)
        if last is not None and last < (change.ts if host == change.host else end):
            notes.append(f"{host}: its log ends at {clock(last)}; what it did after is not known")
        item = timeline.get(host, change.instance)
        if item is not None and any(
            s.state == "UNKNOWN" and s.start <= end and s.end >= start for s in item.segments
        ):
            notes.append(f"{host}: its state is not known for part of this window")
    if len(hosts) == 1:
        notes.append("no peer's log was given: what the other routers did is not known")
    return notes


_RESULT = {"success": "succeeded", "failure": "failed", "timeout": "timed out"}

_PHRASES: Mapping[str, Callable[[dict[str, Any]], str]] = {
    "enter_state": lambda f: f"entering {f.get('state') or '?'}",
    "now_in_state": lambda f: f"now in {f.get('state') or '?'}",
    "transition_master": lambda f: "transition to MASTER",
    "script_result": lambda f: (
        f"script {f.get('script')} {_RESULT.get(f.get('result'), f.get('result'))}"
        + (f" (exit {f['exit_status']})" if f.get("exit_status") is not None else "")
    ),
    "script_reload": lambda f: (
        f"script {f.get('script')} {_RESULT.get(f.get('result'), f.get('result'))} (reload)"
    ),
    "interface_state": lambda f: f"interface {f.get('interface')} {f.get('action')}",
    "priority_change": lambda f: f"logged priority {f.get('prio_old')} -> {f.get('prio_new')}",
    "priority_set": lambda f: f"logged priority {f.get('prio_new')}",
    "advert_higher": lambda f: (
        "received a higher-priority advert"
        + (f" ({f['prio_peer']})" if f.get("prio_peer") is not None else "")
    ),
    "advert_lower": lambda f: (
        "received a lower-priority advert"
        + (f" ({f['prio_peer']})" if f.get("prio_peer") is not None else "")
    ),
    "advert_lower_discard": lambda f: (
        "discarded a lower-priority advert"
        + (f" ({f['prio_peer']})" if f.get("prio_peer") is not None else "")
    ),
    "advert_timeout": lambda f: "no advert heard: master-down timer fired",
    "prio0_received": lambda f: "the master sent priority 0 (it is stopping)",
    "prio0_sent": lambda f: "sent priority 0 (stepping down)",
    "force_election": lambda f: "forcing a new MASTER election",
    "preempt_delay": lambda f: "preempt delay",
    "vips": lambda f: f"{f.get('action') or 'setting'} VIPs",
    "start": lambda f: (
        "keepalived started" + (f" ({f['version']})" if f.get("version") is not None else "")
    ),
    "child_start": lambda f: "child process started",
    "child_exit": lambda f: "child process exited",
    "stopping": lambda f: "keepalived stopping",
    "stopped": lambda f: "keepalived stopped",
    "reloading": lambda f: "reloading",
    "reload_complete": lambda f: "reload complete",
}


def _describe(fields: dict[str, Any]) -> str:
    kind = str(fields.get("kind") or "")
    phrase = _PHRASES.get(kind)
    return phrase(fields) if phrase is not None else kind.replace("_", " ")


def _missing(value: Any) -> bool:
    try:
        return value is None or bool(pd.isna(value))
    except (TypeError, ValueError):
        return False
