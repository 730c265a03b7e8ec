"""Replay an event frame into per-instance timelines of state and priority.

The replay walks each host's events in log order, split into *runs* (a
keepalived start or a VRRP child respawn begins a new run, because every
state is forgotten then).  Each run gets a version profile
(`kalog.model.profiles`), and each instance in it a small state machine:

* state lines move it (`Entering X STATE`, 1.x `Transition to MASTER STATE`
  -> GOTO_MASTER, 1.x `Now in FAULT state`, 2.x `entering FAULT state (...)`),
  the parent's `Stopping` or the child's death -> STOPPED, a new run -> INIT;
* the effective priority comes from, in order of trust, a priority the host
  logged itself (`logged`), the config plus tracker results under the
  profile's rules (`inferred`), a priority a peer's log quoted (`advertised`),
  or nothing (`unknown`).  Disagreements become `Observation`s.

Peers' quotes are applied in a second pass, once every host is replayed and
addresses are tied to hosts (`kalog.model.peers`).
"""

from __future__ import annotations

import bisect
import math
import operator
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from kalog.model.clusters import cluster_hosts
from kalog.model.episodes import episodes, replay_apart
from kalog.model.peers import map_peers
from kalog.model.priority import Tracker, effective_priority
from kalog.model.profiles import (
    DEFAULT_PROFILE,
    PROFILES,
    Profile,
    profile_from_wordings,
    profile_name_for_version,
    resolve_profile,
)
from kalog.model.rows import EventColumns, Row, RowTable
from kalog.model.timeline import (
    UNTIMED_BASE,
    InstanceTimeline,
    Observation,
    RunInfo,
    Segment,
    Timeline,
    clock,
)
from kalog.model.transitions import explain_transitions
from kalog.speed.gc_pause import gc_paused

if TYPE_CHECKING:  # pragma: no cover
    from kalog.config.model import KeepalivedConfig, VrrpInstance


#: How far each basis is trusted: a host's own line beats the model's inference,
#: which beats a peer's quote.
_TRUST = {"unknown": 0, "advertised": 1, "inferred": 2, "logged": 3}
_CONFIRM_NS = pd.Timedelta(seconds=1).value  # a confirming line's reach, in ns


# ---------------------------------------------------------------------------
# runs


@dataclass
class _Run:
    host: str
    index: int
    rows: range  # indices into the host's `_HostEvents` (a run is a contiguous stretch)
    start: pd.Timestamp
    started: bool  # True when the run's start is in the log (a Starting line)
    child_start: pd.Timestamp | None = None
    version: str | None = None
    profile: Profile = field(default_factory=lambda: PROFILES[DEFAULT_PROFILE])
    profile_basis: str = "default"
    source: str | None = None
    line: int | None = None


class _HostEvents:
    """One host's events (frame order): their frame positions.

    Python values are made only for the rows a stage reads: the few rows
    that can cut a run (`_split_runs`) and the rows a handler replays.
    """

    def __init__(self, columns: EventColumns, positions: np.ndarray) -> None:
        self.columns = columns
        self.positions = positions

    def __len__(self) -> int:
        return len(self.positions)


def _run_cut_candidates(
    columns: EventColumns, by_host: Mapping[str, _HostEvents]
) -> list[np.ndarray]:
    """Per host (in `by_host` order), the indices into its `positions` where
    `_split_runs` can act.

    `_split_runs` reacts to lifecycle lines (`start`, `child_start`) and to
    a VRRP child's line whose pid differs from the run's VRRP pid.  Every
    other row only joins the current run: a line that is neither lifecycle
    nor VRRP-with-pid changes nothing, and a VRRP line with the same pid as
    the previous VRRP-with-pid line, with no lifecycle line since (that one
    included), finds the run's VRRP pid equal to its own (that previous line
    set it, or matched it).  So only the first row, the lifecycle rows and
    the VRRP-with-pid rows after a pid change or a lifecycle row are visited.

    All hosts are searched at once, their rows one block after another: a
    VRRP-with-pid row whose previous one is another host's is a host's first
    and always visited, and lifecycle counts are compared within a block
    only, so each block's answer is the one a search of that host alone
    gives (numpy calls once, not once per host).
    """
    lengths = [len(rows) for rows in by_host.values()]
    offsets = np.cumsum([0, *lengths])
    if not offsets[-1]:
        return [np.zeros(0, dtype=np.intp) for _ in lengths]
    positions = np.concatenate([rows.positions for rows in by_host.values()])
    block = np.repeat(np.arange(len(lengths)), lengths)
    lifecycle = columns.where_in("kind", {"start", "child_start"})[positions]
    vrrp_codes = [
        code
        for code, program in enumerate(columns.distinct("program")[:-1])
        if _is_vrrp_program(program)
    ]
    pid_codes = columns.codes("pid")[positions]
    with_pid = np.flatnonzero(
        np.isin(columns.codes("program")[positions], vrrp_codes) & (pid_codes >= 0)
    )
    seen = np.cumsum(lifecycle)  # lifecycle rows up to and including each row
    before = seen - lifecycle  # ... strictly before it
    changed = np.ones(len(with_pid), dtype=bool)
    now, previous = with_pid[1:], with_pid[:-1]
    changed[1:] = (
        (pid_codes[now] != pid_codes[previous])
        | (seen[now] - before[previous] > 0)
        | (block[now] != block[previous])
    )
    firsts = offsets[:-1][np.asarray(lengths) > 0]
    chosen = np.unique(
        np.concatenate([firsts, np.flatnonzero(lifecycle), with_pid[changed]]).astype(np.intp)
    )
    cuts = np.searchsorted(chosen, offsets[1:-1], side="left")
    return [
        (part - offset).astype(np.intp)
        for part, offset in zip(np.split(chosen, cuts), offsets[:-1].tolist(), strict=True)
    ]


def _split_hosts(columns: EventColumns, by_host: dict[str, _HostEvents]) -> dict[str, list[_Run]]:
    """`_split_runs` of every host, with the rows it visits converted in one go."""
    visited = dict(zip(by_host, _run_cut_candidates(columns, by_host), strict=True))
    table = RowTable(
        columns,
        np.concatenate([rows.positions[visited[host]] for host, rows in by_host.items()])
        if by_host
        else np.zeros(0, dtype=np.intp),
    )
    runs: dict[str, list[_Run]] = {}
    offset = 0
    for host, rows in by_host.items():
        indices = visited[host].tolist()
        runs[host] = _split_runs(host, len(rows), indices, table, offset)
        offset += len(indices)
    return runs


def _split_runs(
    host: str, length: int, visited: list[int], table: RowTable, offset: int
) -> list[_Run]:
    """Cut one host's events where keepalived (or its VRRP child) restarted.

    Walks only the `_run_cut_candidates` (`visited`, their values at
    `offset` on in `table`): the other rows join the current run and change
    nothing, so each run is the stretch up to the next run's start.
    """
    runs: list[_Run] = []
    current: _Run | None = None
    vrrp_pid: int | None = None
    lists = table.lists
    kinds, programs, pids, details = lists["kind"], lists["program"], lists["pid"], lists["detail"]
    child_pids, versions, times = lists["child_pid"], lists["version"], lists["ts"]
    starts: list[int] = []
    for at, index in enumerate(visited, start=offset):
        kind = kinds[at]
        pid = pids[at]
        is_vrrp = _is_vrrp_program(programs[at])
        is_vrrp_child_start = kind == "child_start" and str(details[at] or "").upper() in {
            "VRRP",
            "",
        }
        new_run = False
        if kind == "start":
            new_run = True
        elif is_vrrp_child_start and current is not None and current.child_start is not None:
            new_run = True  # a respawned VRRP child: all state is lost
        elif (
            current is not None
            and is_vrrp
            and pid is not None
            and vrrp_pid is not None
            and pid != vrrp_pid
        ):
            new_run = True  # a new VRRP child pid without lifecycle lines
        if current is None or new_run:
            current = _Run(
                host=host,
                index=len(runs),
                rows=range(0),
                start=times[at],
                # a respawn's "Starting VRRP child" comes before the new
                # child's lines; but an input whose first line is one says
                # nothing of the child's earlier lines (2.x logs it after the
                # child's first lines, `(init)` included, seen on 2.2.7)
                started=kind == "start" or (kind == "child_start" and current is not None),
                source=lists["source"][at],
                line=lists["line"][at],
            )
            runs.append(current)
            starts.append(index)
            vrrp_pid = None
        if kind == "start" and versions[at]:
            current.version = str(versions[at])
        if is_vrrp_child_start:
            current.child_start = times[at]
            if child_pids[at] is not None:
                vrrp_pid = int(child_pids[at])
        if is_vrrp and pid is not None and vrrp_pid is None:
            vrrp_pid = int(pid)
    for run, begin, end in zip(runs, starts, [*starts[1:], length], strict=True):
        run.rows = range(begin, end)
    return runs


def _is_vrrp_program(program: Any) -> bool:
    return isinstance(program, str) and program.lower().startswith("keepalived_vrrp")


def _choose_profile(run: _Run, override: str | None, rows: _HostEvents) -> None:
    if override:
        run.profile = resolve_profile(override)
        run.profile_basis = "override"
        return
    name = profile_name_for_version(run.version)
    if name:
        run.profile = PROFILES[name]
        run.profile_basis = "logged"
        return
    # each distinct wording votes once: the vote is an intersection of ranges
    # (distinct codes in order of first appearance = dict.fromkeys of the values)
    codes = rows.columns.codes("wording")[rows.positions[run.rows.start : run.rows.stop]]
    wordings = rows.columns.distinct("wording")[pd.unique(codes)].tolist()
    chosen, _candidates = profile_from_wordings([w for w in wordings if w])
    if chosen:
        run.profile = PROFILES[chosen]
        run.profile_basis = "wording"


# ---------------------------------------------------------------------------
# per-instance state machine


@dataclass(slots=True)
class _Draft:
    """A segment being replayed: its end is the next one's start, known at `_close`.

    Mutable (a confirming line upgrades its basis, a later line fills its
    priority) so that each segment becomes a frozen `Segment` once, at the end.
    """

    start: pd.Timestamp
    state: str
    priority: int | None
    basis: str
    source: str | None
    line: int | None
    cause: str
    state_basis: str = "logged"
    #: the lines that implied this state (`imply`), for the evidence of a change
    implied_by: tuple[tuple[str, int], ...] = ()


@dataclass
class _Instance:
    host: str
    name: str
    profile: Profile
    run: int
    base: int | None
    trackers: list[Tracker]
    advert_int: float
    vrid: int | None
    segments: list[_Draft] = field(default_factory=list)
    state: str | None = None
    priority: int | None = None
    basis: str = "unknown"
    inferred: int | None = None
    #: (time, value) of every inferred value, to forgive 1.x's poll lag
    history: list[tuple[pd.Timestamp, int]] = field(default_factory=list)

    def set_inferred(self, ts: pd.Timestamp, value: int | None) -> None:
        self.inferred = value
        if value is not None:
            self.history.append((ts, value))

    def open(
        self,
        ts: pd.Timestamp,
        *,
        state: str | None = None,
        priority: int | None = None,
        basis: str | None = None,
        row: Mapping[str, Any] | Row | None,
        cause: str,
        state_basis: str = "logged",
    ) -> None:
        """Start a new segment if state or priority changes at `ts`.

        `state_basis` says how a given `state` is known (`STATE_BASES`); a
        segment that only changes the priority keeps the state's basis.
        """
        new_state = state if state is not None else self.state
        new_priority = priority if priority is not None else self.priority
        new_basis = basis if basis is not None else self.basis
        if new_state is None:  # state not known yet (log starts mid-run)
            self.priority, self.basis = new_priority, new_basis
            return
        segments = self.segments
        if segments and new_state == self.state and new_priority == self.priority:
            last = segments[-1]
            if new_priority is None or _TRUST[new_basis] <= _TRUST[last.basis]:
                return
            after = ts.value - last.start.value
            if (
                cause == "priority_change"
                and last.cause == "poll"
                and len(segments) >= 2
                and segments[-2].state == last.state
                and 0 < after <= max(_CONFIRM_NS, int(self.advert_int * 1e9))
            ):
                # keepalived logged the change the model's 1.x poll inferred a
                # moment earlier (1.x applies a weight at its next periodic
                # check, up to an advert interval after the script's result;
                # the poll's time is the model's guess): it happened when logged
                last.start = ts
                last.source = None if row is None else row.get("source")
                last.line = None if row is None else _int_or_none(row.get("line"))
                last.cause = cause
                last.basis = self.basis = new_basis
            elif after <= _CONFIRM_NS:  # ts - start <= 1 s
                # a logged line confirms the change that opened the segment:
                # upgrade the basis; a later confirmation says nothing about the past
                last.basis = new_basis
                self.basis = new_basis
            return
        if state is None or (new_state == self.state and segments):
            state_basis = segments[-1].state_basis if segments else "unknown"
        self.state, self.priority, self.basis = new_state, new_priority, new_basis
        segments.append(
            _Draft(
                ts,
                new_state,
                new_priority,
                new_basis if new_priority is not None else "unknown",
                None if row is None else row.get("source"),
                None if row is None else _int_or_none(row.get("line")),
                cause,
                state_basis,
            )
        )

    def forget_priority(self, ts: pd.Timestamp, row: Mapping[str, Any] | Row | None) -> None:
        """From `ts` on the priority is unknown (a reload without its config)."""
        if self.priority is None or not self.segments:
            return
        self.priority, self.basis = None, "unknown"
        last = self.segments[-1]
        self.segments.append(
            _Draft(
                ts,
                last.state,
                None,
                "unknown",
                None if row is None else row.get("source"),
                None if row is None else _int_or_none(row.get("line")),
                "reload",
                last.state_basis,
            )
        )

    def left_unknown(self, states: set[str], ts: pd.Timestamp) -> bool:
        """Whether the instance's first known state is one of `states`, opened
        by a state line at most a second before `ts`, right after the
        UNKNOWN head: the line at `ts` may then tell what came before it."""
        drafts = self.segments
        return (
            len(drafts) >= 2
            and drafts[-2].state == "UNKNOWN"
            and drafts[-1].state in states
            and drafts[-1].state_basis == "logged"
            and ts.value - drafts[-1].start.value <= _CONFIRM_NS
        )

    def may_imply(self, state: str) -> bool:
        """Whether the excerpt's opening can be `state`: nothing but lines
        proving that same state (`evidence`) came after the UNKNOWN head."""
        return all(
            draft.state == "UNKNOWN" or (draft.state == state and draft.state_basis == "evidence")
            for draft in self.segments
        )

    def imply(self, state: str, *by: Mapping[str, Any] | Row | None) -> None:
        """The excerpt's first state line says which state the instance left:
        it held that state since the host's first line of the run (a log is
        contiguous, and every earlier change would have been logged), so the
        UNKNOWN stretch before it becomes that state (`implied`)."""
        lines = tuple(
            (str(row.get("source")), int(row.get("line")))
            for row in by
            if row is not None and row.get("source") is not None and row.get("line") is not None
        )
        for at, draft in enumerate(self.segments):
            if draft.state != "UNKNOWN":
                break
            draft.state, draft.state_basis, draft.implied_by = state, "implied", lines
            if at == 0:
                draft.cause, draft.source, draft.line = "implied", None, None
        self.state = self.segments[-1].state if self.segments else state


def _state_name(value: Any) -> str:
    """A state line's state, upper case: one shared str per spelling (interned,
    as the state literals are).

    Why shared: it is each new segment's `state`, and `str.upper()` makes a
    new string every time (~90k copies of "MASTER" and "BACKUP" held by a
    dense million-line log's timeline, ~5 MB).
    """
    return sys.intern(str(value or "").upper())


def reload_note(ts: pd.Timestamp, quoted_by: str | None = None) -> str:
    """The note of a priority that differs from the config given, after a reload."""
    text = f"the config given is from before the reload at {clock(ts)}"
    return f"quoted by {quoted_by}; {text}" if quoted_by else text


def _int_or_none(value: Any) -> int | None:
    if type(value) is int:  # the usual case, already what `int(value)` gives
        return value
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return None
    return int(value)


def _config_instance(config: KeepalivedConfig | None, name: str) -> VrrpInstance | None:
    return None if config is None else config.instances.get(name)


def trackers_for(
    conf_instance: VrrpInstance | None, profile: Profile, *, weights_apply: bool = True
) -> list[Tracker]:
    """The weighted trackers of a configured instance, as the profile counts them.

    `weights_apply` is False for address owners and for sync-group members
    whose group does not enable weight tracking (the config reader decides,
    `KeepalivedConfig.weights_apply`): their trackers still fault the
    instance but never change its priority.
    """
    trackers: list[Tracker] = []
    if conf_instance is None:
        return trackers
    for refs, kind in (
        (conf_instance.track_scripts, "script"),
        (conf_instance.track_interfaces, "interface"),
        (conf_instance.track_files, "file"),
        (conf_instance.track_processes, "process"),
        (conf_instance.track_bfds, "bfd"),
    ):
        for ref in refs:
            weight = int(ref.weight or 0) if weights_apply else 0
            limit = profile.weight_limit
            weight = max(-limit, min(limit, weight))
            trackers.append(Tracker(kind, str(ref.name), weight, bool(ref.reverse)))
    return trackers


def priority_counting(
    config: KeepalivedConfig,
    instance: str,
    profile: str | None,
    results: Mapping[tuple[str, str], bool | None],
) -> int | None:
    """The effective priority `instance` has under `config` with the tracker
    `results` counted at once (keepalived 2.x's rule, whatever the run's
    profile says of *when* weights count), with the weight limits of the
    run's `profile` (the default profile when unknown).  None when the
    config does not name the instance.

    Why here: rules ask the model what a priority would be rather than
    rebuilding trackers and profiles themselves (KA002).
    """
    conf_instance = _config_instance(config, instance)
    if conf_instance is None or conf_instance.priority is None:
        return None
    chosen = PROFILES.get(profile or DEFAULT_PROFILE, PROFILES[DEFAULT_PROFILE])
    trackers = trackers_for(conf_instance, chosen, weights_apply=config.weights_apply(instance))
    return effective_priority(
        int(conf_instance.priority), trackers, results, unknown_is_failed=False
    )


class _RunReplay:
    """Replays one run of keepalived on one host."""

    def __init__(
        self,
        run: _Run,
        configs: list[KeepalivedConfig],
        cursor: int = 0,
        reloaded: dict[str, tuple[pd.Timestamp, int | None]] | None = None,
        in_force: list[tuple[pd.Timestamp, int | None]] | None = None,
    ) -> None:
        self.run = run
        #: the host's configs in reload order (`--config HOST=PATH` repeated):
        #: each reload moves to the next one, a restart keeps the current one
        self.configs = configs
        self.cursor = min(cursor, len(configs) - 1) if configs else 0
        self.config = configs[self.cursor] if configs else None
        #: the host's (time, index into `configs`) from which each config was
        #: in force, None from a reload past the last one given (Timeline.configs_in_force)
        self.in_force = in_force if in_force is not None else []
        if configs and not self.in_force:
            self.in_force.append((run.start, self.cursor))
        self.last_reload: pd.Timestamp | None = None
        config = self.config
        self.profile = run.profile
        self.instances: dict[str, _Instance] = {}
        # tracker results as keepalived sees them now, and (1.x) as last polled
        self.results: dict[tuple[str, str], bool | None] = {}
        self.polled: dict[tuple[str, str], bool | None] = {}
        self.pending_polls: list[pd.Timestamp] = []
        self.observations: list[Observation] = []
        self.pending: list[tuple[_Instance, Observation]] = []
        #: instance -> its higher-priority advert line (a step down); the row
        #: itself, read for its source and line only if an excerpt needs it
        self.stepped_down: dict[str, Mapping[str, Any] | Row] = {}
        #: the stop line of this run (time, where, kind): an instance first
        #: named after it was stopped there too
        self.stop_line: tuple[pd.Timestamp, dict[str, Any], str] | None = None
        #: the last "Syncing instances to BACKUP" after a member left MASTER:
        #: (time, the member that left); the others leave MASTER with it
        self.synced_down: tuple[pd.Timestamp, str, list[dict[str, Any]]] | None = None
        #: instance -> (the reload after which the given config no longer
        #: tells its priority, the priority that config gave); the host's,
        #: kept across restarts (a restart reads the changed file too)
        self.reloaded: dict[str, tuple[pd.Timestamp, int | None]] = (
            reloaded if reloaded is not None else {}
        )
        self.stopped = False
        if config is not None:
            for name in config.instances:
                inst = self._instance(name, run.start if run.started else None, None)
                if self.profile.weights_polled and inst.trackers:
                    # 1.x: the first recomputation comes one advert after start,
                    # whatever the trackers reported (failed scripts count then)
                    self._schedule_poll(self._poll_epoch(), inst.advert_int)

    # -- instances -----------------------------------------------------------
    def _instance(
        self, name: str, ts: pd.Timestamp | None, row: Mapping[str, Any] | None
    ) -> _Instance:
        """The run's instance `name`, made (and opened) the first time a line names it.

        The handlers look a known instance up in `instances` themselves and
        call this only for a new one: a dense log names a known instance on
        every line, and the call was a tenth of a handler.
        """
        existing = self.instances.get(name)
        if existing is not None:
            return existing
        conf = _config_instance(self.config, name)
        base = conf.priority if conf is not None else None
        if name in self.reloaded:
            base = None  # the config given is from before a reload
        trackers = self._trackers(name, conf)
        for tracker in trackers:
            if tracker.kind != "script":
                self.results.setdefault((tracker.kind, tracker.name), True)
                self.polled.setdefault((tracker.kind, tracker.name), True)
        advert_int = float(conf.advert_int or 1.0) if conf is not None else 1.0
        vrid = conf.vrid if conf is not None else None
        inst = _Instance(
            host=self.run.host,
            name=name,
            profile=self.profile,
            run=self.run.index,
            base=int(base) if base is not None else None,
            trackers=trackers,
            advert_int=advert_int,
            vrid=int(vrid) if vrid is not None else None,
        )
        inst.set_inferred(ts if ts is not None else self.run.start, self._infer(inst, initial=True))
        self.instances[name] = inst
        # keepalived's logged start: INIT; else the excerpt began after it
        # did, and nothing is known of the state until a line proves one
        inst.open(
            self.run.start,
            state="INIT" if self.run.started else "UNKNOWN",
            priority=inst.inferred,
            basis="inferred" if inst.inferred is not None else "unknown",
            row={"source": self.run.source, "line": self.run.line},
            cause="start" if self.run.started else "excerpt",
            state_basis="start" if self.run.started else "unknown",
        )
        if self.stop_line is not None:
            stop_ts, where, kind = self.stop_line
            inst.open(stop_ts, state="STOPPED", row=where, cause=str(kind))
        return inst

    def _trackers(self, name: str, conf: VrrpInstance | None) -> list[Tracker]:
        """The instance's weighted trackers under the current config and the
        run's profile (none for an instance the config does not name)."""
        if conf is None or self.config is None:
            return []
        return trackers_for(conf, self.profile, weights_apply=self.config.weights_apply(name))

    def _infer(self, inst: _Instance, *, initial: bool = False) -> int | None:
        if inst.base is None:
            return None
        if self.profile.weights_polled:
            if initial:
                return inst.base  # 1.x: weights count from the first poll on
            results = self.polled
        else:
            results = self.results
        return effective_priority(
            inst.base,
            inst.trackers,
            results,
            unknown_is_failed=self.profile.scripts_start_failed,
        )

    # -- time ----------------------------------------------------------------
    def _poll_epoch(self) -> pd.Timestamp:
        return self.run.child_start if self.run.child_start is not None else self.run.start

    def _schedule_poll(self, ts: pd.Timestamp, advert_int: float) -> None:
        epoch = self._poll_epoch()
        interval = pd.Timedelta(seconds=advert_int)
        elapsed = (ts - epoch) / interval
        ticks = max(1, math.ceil(elapsed - 1e-9))
        self.pending_polls.append(epoch + ticks * interval)
        self.pending_polls.sort()

    def _run_polls_before(self, ts: pd.Timestamp | None) -> None:
        """Apply 1.x periodic recomputations due strictly before `ts`.

        Strictly: 1.x's scheduler handles expired I/O before timers, so a
        poll that falls in the same instant as a logged event comes after it.
        """
        while self.pending_polls and (ts is None or self.pending_polls[0] < ts):
            tick = self.pending_polls.pop(0)
            if self.stopped:
                continue
            self.polled = dict(self.results)
            for inst in self.instances.values():
                value = self._infer(inst)
                if value is not None and value != inst.inferred:
                    inst.set_inferred(tick, value)
                    inst.open(tick, priority=value, basis="inferred", row=None, cause="poll")

    # -- events ----------------------------------------------------------------
    def feed_rows(self, lists: Mapping[str, list[Any]], indices: Iterable[int]) -> None:
        """Replay the rows of a `RowTable` (its column `lists`) at `indices`, in order:
        the 1.x polls due before each row, then the row's handler.

        One call per run, not per row, with the columns looked up once: a
        dense log replays ~200k rows.
        """
        handlers = _HANDLERS
        times, kinds, names = lists["ts"], lists["kind"], lists["instance"]
        for index in indices:
            ts = times[index]
            if self.pending_polls:
                self._run_polls_before(ts)
            handler = handlers.get(kinds[index])
            if handler is not None:
                handler(self, Row(lists, index), ts, names[index])

    def finish(self, end: pd.Timestamp | None) -> None:
        self._run_polls_before(end)
        # A logged value the model reaches within one advert interval is 1.x's
        # poll lag or 1-second log resolution, not a disagreement.
        for inst, obs in self.pending:
            slack = pd.Timedelta(seconds=inst.advert_int)
            if any(
                value == obs.observed and abs(when - obs.ts) <= slack
                for when, value in inst.history
            ):
                continue
            self.observations.append(obs)

    def _state(self, row: Mapping[str, Any], ts: pd.Timestamp, name: Any, state: str) -> None:
        if not name:
            return
        inst = self.instances.get(name) or self._instance(str(name), ts, row)
        if inst.segments[0].state == "UNKNOWN":
            implied = self._implied_previous(inst, row, ts, state)
            if implied is not None and inst.may_imply(implied):
                # an excerpt that starts mid-run: the first state line still
                # tells where the instance came from, so the change is kept
                # (a zero-length segment when it is the excerpt's first line)
                leader = self.synced_down[2] if self._follows_sync(inst, ts) else []
                inst.imply(implied, row, *leader)
        inst.open(ts, state=state, row=row, cause=str(row["kind"]))

    def _follows_sync(self, inst: _Instance, ts: pd.Timestamp) -> bool:
        """Whether `inst` is a sync-group member that a sibling's step down
        (`synced_down`, within a second of `ts`) took out of MASTER."""
        return (
            self.synced_down is not None
            and inst.name != self.synced_down[1]
            and ts.value - self.synced_down[0].value <= _CONFIRM_NS
        )

    def _implied_previous(
        self, inst: _Instance, row: Mapping[str, Any], ts: pd.Timestamp, state: str
    ) -> str | None:
        """The state an instance must have left, from the first state line of an excerpt.

        Read from keepalived's source (docs/model.md, "Excerpts"): 2.x enters
        MASTER only from BACKUP (but for an address owner); 1.x enters MASTER
        from its Transition (GOTO_MASTER), which it reaches from BACKUP or, at
        a `state MASTER` start, from INIT (so the Transition implies nothing);
        the colon forms of 1.x leave FAULT (2.x "(init)" implies nothing: it
        follows a reload too); a 2.x
        step down to BACKUP after a higher-priority advert, and a sync group's
        followers of one, leave MASTER; 1.x logs "Entering FAULT STATE" only
        when leaving MASTER (a BACKUP logs just "Now in FAULT state").
        """
        kind = row["kind"]
        if kind in {"enter_state", "transition_master"} and row.get("wording") == "1.2.22-1.4.5":
            # 1.x vrrp_leave_fault / vrrp_fault: "VRRP_Instance(x): Entering
            # BACKUP STATE" and ": Transition to MASTER STATE" (with a colon)
            # are only printed when leaving FAULT
            return "FAULT"
        if state == "MASTER" and kind == "enter_state" and self.profile.goto_master_start:
            return "GOTO_MASTER"  # 1.x: "Transition to MASTER STATE" comes first
        if state == "GOTO_MASTER" and kind == "transition_master":
            # 1.x reaches it from BACKUP, and from INIT when an instance
            # configured `state MASTER` starts: which one, the line cannot say
            return None
        if state == "MASTER" and kind == "enter_state" and inst.priority != 255:
            # 2.x enters MASTER only from BACKUP, but for an address owner
            # (straight from INIT, or leaving FAULT)
            return "BACKUP"
        if state == "BACKUP" and inst.name in self.stepped_down:
            return None  # `_on_advert_higher` decided
        if state == "BACKUP" and kind == "enter_state" and self._follows_sync(inst, ts):
            # vrrp_sync_backup moves the members that are not BACKUP with the
            # one that left MASTER: the group, so they too, were MASTER
            return "MASTER"
        if state == "FAULT" and kind == "enter_state" and self.profile.goto_master_start:
            return "MASTER"
        return None

    def _on_enter_state(self, row: Mapping[str, Any], ts: pd.Timestamp, name: Any) -> None:
        state = _state_name(row.get("state"))
        if state in {"MASTER", "BACKUP", "FAULT"}:
            self._state(row, ts, name, state)

    def _on_transition_master(self, row: Mapping[str, Any], ts: pd.Timestamp, name: Any) -> None:
        self._state(row, ts, name, "GOTO_MASTER")

    def _on_now_in_state(self, row: Mapping[str, Any], ts: pd.Timestamp, name: Any) -> None:
        state = _state_name(row.get("state"))
        if state in {"BACKUP", "FAULT"}:
            self._state(row, ts, name, state)

    def _on_fault_cause(self, row: Mapping[str, Any], ts: pd.Timestamp, name: Any) -> None:
        self._state(row, ts, name, "FAULT")

    def _on_no_peers_fault(self, row: Mapping[str, Any], ts: pd.Timestamp, name: Any) -> None:
        self._state(row, ts, name, "FAULT")

    def _on_sync_group(self, row: Mapping[str, Any], ts: pd.Timestamp, name: Any) -> None:
        if str(row.get("state") or "").upper() == "BACKUP":
            left = [
                inst.name
                for inst in self.instances.values()
                if len(inst.segments) >= 2
                and inst.segments[-1].state == "BACKUP"
                and inst.segments[-2].state in {"MASTER", "GOTO_MASTER"}
                and ts.value - inst.segments[-1].start.value <= _CONFIRM_NS
            ]
            if left:
                # the leader's step down, and what showed it MASTER before
                segments = self.instances[left[-1]].segments
                master = segments[-2]
                proof = [{"source": s, "line": n} for s, n in master.implied_by]
                if master.state_basis != "implied":
                    proof.append({"source": master.source, "line": master.line})
                proof.append({"source": segments[-1].source, "line": segments[-1].line})
                self.synced_down = (ts, left[-1], proof)
        # FAULT sync: members that were BACKUP go to FAULT silently
        if str(row.get("state") or "").upper() != "FAULT" or self.config is None:
            return
        group = self.config.sync_groups.get(row.get("group"))
        for member in group.group if group is not None else []:
            inst = self.instances.get(member)
            if inst is not None and inst.state == "BACKUP":
                inst.open(ts, state="FAULT", row=row, cause="sync_group")

    def _stop(self, row: Mapping[str, Any], ts: pd.Timestamp) -> None:
        if self.stopped:
            return
        self.stopped = True
        self.stop_line = (ts, {"source": row.get("source"), "line": row.get("line")}, row["kind"])
        for inst in self.instances.values():
            inst.open(ts, state="STOPPED", row=row, cause=str(row["kind"]))

    def _on_stopping(self, row: Mapping[str, Any], ts: pd.Timestamp, name: Any) -> None:
        self._stop(row, ts)

    def _on_stopped(self, row: Mapping[str, Any], ts: pd.Timestamp, name: Any) -> None:
        self._stop(row, ts)

    def _on_reloading(self, row: Mapping[str, Any], ts: pd.Timestamp, name: Any) -> None:
        """A reload re-reads the config: with the next config given, re-infer.

        keepalived 2.x logs no priority change when a reload changes the
        priority (observed on 2.2.7), so the new config is the only source.
        The parent's "Reloading ..." and the child's "Reloading" are one reload.
        """
        if self.last_reload is not None and ts - self.last_reload <= pd.Timedelta(seconds=2):
            return
        self.last_reload = ts
        if self.cursor + 1 >= len(self.configs):
            if self.configs and self.in_force[-1][1] is not None:
                self.in_force.append((ts, None))
            self._forget_inferred(row, ts)
            return
        self.cursor += 1
        self.config = self.configs[self.cursor]
        self.in_force.append((ts, self.cursor))
        for name_, inst in self.instances.items():
            conf = _config_instance(self.config, name_)
            if conf is None:
                continue
            inst.base = int(conf.priority) if conf.priority is not None else None
            inst.trackers = self._trackers(name_, conf)
            inst.advert_int = float(conf.advert_int or 1.0)
            value = self._infer(inst)
            if value is not None and (value != inst.inferred or inst.priority != value):
                inst.set_inferred(ts, value)
                inst.open(ts, priority=value, basis="inferred", row=row, cause="reload")

    def _forget_inferred(self, row: Mapping[str, Any], ts: pd.Timestamp) -> None:
        """A reload with no later config given: the config may have changed
        (2.x logs no priority change then, seen on 2.2.7), so from here on the
        given config says nothing: the priority is unknown until the host
        logs one or a peer quotes one, and a value that differs from the
        config's is reported naming this reload (`Observation.note`)."""
        for inst in self.instances.values():
            if inst.base is not None:
                self.reloaded.setdefault(inst.name, (ts, inst.inferred))
                inst.base = None
                inst.inferred = None
            if inst.name in self.reloaded:
                inst.forget_priority(ts, row)

    def _on_child_exit(self, row: Mapping[str, Any], ts: pd.Timestamp, name: Any) -> None:
        if str(row.get("detail") or "VRRP").upper().startswith("VRRP"):
            self._stop(row, ts)

    # -- priority --------------------------------------------------------------
    def _logged_priority(
        self, row: Mapping[str, Any], ts: pd.Timestamp, name: Any, value: Any, old: Any = None
    ) -> None:
        if not name or value is None or value is pd.NA:
            return
        inst = self.instances.get(name) or self._instance(str(name), ts, row)
        value = int(value)
        if old is not None and old is not pd.NA and inst.priority is None:
            # the line tells what the priority was before: fill the gap back
            # to the last known value (every change since would have been
            # logged; a reload's is handled by `_on_reloading`)
            inst.priority, inst.basis = int(old), "logged"
            for draft in reversed(inst.segments):
                if draft.priority is not None:
                    break
                draft.priority, draft.basis = int(old), "logged"
        # what the host's own earlier line implies now: the value before a
        # change ("from A"), or the current value for a quote ("ours Q")
        expected_now = int(old) if old is not None and old is not pd.NA else value

        def seen(observed: int, model: int | None, model_basis: str) -> Observation:
            return Observation(
                host=inst.host,
                instance=inst.name,
                ts=ts,
                observed=observed,
                basis="logged",
                model=model,
                model_basis=model_basis,
                source=str(row.get("source")),
                line=int(row.get("line") or 0),
                note=str(row["kind"]),
            )

        if inst.inferred is None and inst.basis == "logged" and inst.priority != expected_now:
            # two of the host's own lines disagree (a change keepalived did not
            # log, e.g. a 2.x reload, or lines missing from the excerpt)
            self.observations.append(seen(expected_now, inst.priority, "logged"))
        if inst.inferred is not None and inst.inferred != value:
            self.pending.append((inst, seen(value, inst.inferred, "inferred")))
        reloaded = self.reloaded.get(inst.name)
        if reloaded is not None and reloaded[1] is not None and reloaded[1] != value:
            observation = seen(value, reloaded[1], "inferred")
            observation.note = reload_note(reloaded[0])
            self.observations.append(observation)
        inst.open(ts, priority=value, basis="logged", row=row, cause=str(row["kind"]))

    def _on_priority_change(self, row: Mapping[str, Any], ts: pd.Timestamp, name: Any) -> None:
        self._logged_priority(row, ts, name, row.get("prio_new"), row.get("prio_old"))

    def _on_priority_set(self, row: Mapping[str, Any], ts: pd.Timestamp, name: Any) -> None:
        self._logged_priority(row, ts, name, row.get("prio_new"))

    def _on_priority_restored(self, row: Mapping[str, Any], ts: pd.Timestamp, name: Any) -> None:
        self._logged_priority(row, ts, name, row.get("prio_new"))

    def _on_advert_higher(self, row: Mapping[str, Any], ts: pd.Timestamp, name: Any) -> None:
        if name:
            # only a MASTER logs this line
            self.stepped_down[str(name)] = row
            inst = self.instances.get(name) or self._instance(str(name), ts, row)
            # a MASTER about to step down (vrrp_state_master_rx): MASTER held
            # up to here, since the excerpt's start.  1.x prints it between
            # "Transition to MASTER" and "Entering MASTER" too (its internal
            # state is MASTER from the Transition, one advert interval long):
            # there the excerpt must cover more than that step before the
            # line, with no Transition line, or the VIPs removed with the
            # step down must show they were set (`_on_vips`)
            # (the window is built only for an UNKNOWN instance: a Timedelta
            # per line was a tenth of the replay's loop on a dense log, where
            # a master logs this line every few seconds)
            if inst.state == "UNKNOWN" and (
                not self.profile.goto_master_start
                or ts - self.run.start > pd.Timedelta(seconds=2 * inst.advert_int + 1)
            ):
                # (1.x: the excerpt's first line shows how long it covers)
                first = {"source": self.run.source, "line": self.run.line}
                inst.imply("MASTER", row, first if self.profile.goto_master_start else None)
        self._logged_priority(row, ts, name, row.get("prio_ours"))

    def _on_advert_lower(self, row: Mapping[str, Any], ts: pd.Timestamp, name: Any) -> None:
        self._evidence(row, ts, name, "MASTER")
        self._logged_priority(row, ts, name, row.get("prio_ours"))

    # -- lines printed in one state only ---------------------------------------
    def _evidence(self, row: Mapping[str, Any], ts: pd.Timestamp, name: Any, state: str) -> None:
        """A line keepalived prints only in `state` (docs/model.md, "Lines
        that prove a state"): while the excerpt has not shown the instance's
        state yet, it opens a segment of that state at the line (`evidence`).
        A known state is left alone: the state lines are the better witness."""
        if not name:
            return
        inst = self.instances.get(name) or self._instance(str(name), ts, row)
        if inst.state == "UNKNOWN":
            inst.open(ts, state=state, row=row, cause=str(row["kind"]), state_basis="evidence")

    def _on_advert_lower_discard(self, row: Mapping[str, Any], ts: pd.Timestamp, name: Any) -> None:
        self._evidence(row, ts, name, "BACKUP")  # 2.x vrrp_state_backup

    def _on_advert_timeout(self, row: Mapping[str, Any], ts: pd.Timestamp, name: Any) -> None:
        self._evidence(row, ts, name, "BACKUP")  # only under `state == VRRP_STATE_BACK`

    def _on_force_election(self, row: Mapping[str, Any], ts: pd.Timestamp, name: Any) -> None:
        self._evidence(row, ts, name, "BACKUP")  # 1.x: only wantstate changes

    def _on_preempt_delay(self, row: Mapping[str, Any], ts: pd.Timestamp, name: Any) -> None:
        self._evidence(row, ts, name, "BACKUP")

    def _on_master_changed(self, row: Mapping[str, Any], ts: pd.Timestamp, name: Any) -> None:
        self._evidence(row, ts, name, "BACKUP")  # 2.3.3+ vrrp_state_backup

    def _on_prio0_received(self, row: Mapping[str, Any], ts: pd.Timestamp, name: Any) -> None:
        state = _state_name(row.get("state"))
        if state in {"MASTER", "BACKUP"}:
            self._evidence(row, ts, name, state)

    def _on_equal_prio_own_ip(self, row: Mapping[str, Any], ts: pd.Timestamp, name: Any) -> None:
        self._evidence(row, ts, name, "MASTER")  # vrrp_state_master_rx

    def _on_owner_conflict(self, row: Mapping[str, Any], ts: pd.Timestamp, name: Any) -> None:
        self._evidence(row, ts, name, "MASTER")  # vrrp_state_master_rx

    def _on_prio_higher_than_advert(
        self, row: Mapping[str, Any], ts: pd.Timestamp, name: Any
    ) -> None:
        self._evidence(row, ts, name, "FAULT")  # 1.x vrrp_leave_fault

    def _on_ah_sync(self, row: Mapping[str, Any], ts: pd.Timestamp, name: Any) -> None:
        self._evidence(row, ts, name, "FAULT")  # 1.x "in FAULT state jump to AH sync"

    def _on_garp(self, row: Mapping[str, Any], ts: pd.Timestamp, name: Any) -> None:
        # only a burst names its instance and needs the VIPs set (MASTER);
        # `refresh` is a unicast instance coming up, not a master
        if str(row.get("action") or "") == "burst":
            self._evidence(row, ts, name, "MASTER")

    def _on_vips(self, row: Mapping[str, Any], ts: pd.Timestamp, name: Any) -> None:
        # "setting (protocol) VIPs." comes with becoming MASTER (or a master's
        # reload); "removing VIPs." alone proves nothing (it is also a fresh
        # start's clean-up)
        action, detail = str(row.get("action") or ""), str(row.get("detail") or "")
        if detail not in {"vips", "evips"}:
            return
        if action == "set":
            self._evidence(row, ts, name, "MASTER")
        elif action == "removed" and name and self.profile.goto_master_start:
            # 1.x: "Received higher prio advert", "Entering BACKUP STATE", then
            # "removing protocol VIPs.": the VIPs were set, so it was MASTER,
            # not between Transition and Entering MASTER (no VIPs yet)
            inst = self.instances.get(str(name))
            if (
                inst is not None
                and inst.name in self.stepped_down
                and inst.left_unknown({"BACKUP"}, ts)
            ):
                inst.imply("MASTER", row, self.stepped_down[inst.name])

    def _on_packet_error(self, row: Mapping[str, Any], ts: pd.Timestamp, name: Any) -> None:
        if str(row.get("detail") or "") == "ignored":
            self._evidence(row, ts, name, "BACKUP")  # 1.x "ignoring received advertisment"

    def _on_prio0_sent(self, row: Mapping[str, Any], ts: pd.Timestamp, name: Any) -> None:
        """ "sent 0 priority": the instance was MASTER up to this line and
        leaves it (keepalived stopping, or an instance a reload deleted; in
        2.x also right after the line that took it to FAULT or BACKUP)."""
        if not name:
            return
        inst = self.instances.get(name) or self._instance(str(name), ts, row)
        if inst.state == "UNKNOWN":
            if (
                not self.profile.goto_master_start
                and row.get("source") == self.run.source
                and row.get("line") == self.run.line
            ):
                # 2.x also prints it right after the line that took a master
                # to FAULT or BACKUP: as an excerpt's first line, which of
                # them (or a stop) came before it is not in the excerpt
                return
            inst.imply("MASTER", row)
            inst.open(ts, state="STOPPED", row=row, cause="prio0_sent")
        elif inst.left_unknown({"FAULT", "BACKUP", "STOPPED"}, ts):
            inst.imply("MASTER", row)  # the state line just before left MASTER

    # -- trackers --------------------------------------------------------------
    def _tracker_result(
        self, row: Mapping[str, Any], ts: pd.Timestamp, kind: str, tracker: str, ok: bool
    ) -> None:
        key = (kind, tracker)
        if self.results.get(key) == ok and key in self.results:
            return
        self.results[key] = ok
        affected = [
            inst
            for inst in self.instances.values()
            if any(t.kind == kind and t.name == tracker for t in inst.trackers)
        ]
        if self.profile.weights_polled:
            for inst in affected:
                self._schedule_poll(ts, inst.advert_int)
            return
        for inst in affected:
            value = self._infer(inst)
            if value is not None and value != inst.inferred:
                inst.set_inferred(ts, value)
                inst.open(ts, priority=value, basis="inferred", row=row, cause=str(row["kind"]))

    def _on_script_result(self, row: Mapping[str, Any], ts: pd.Timestamp, name: Any) -> None:
        result = tracker_result(row)
        if result is not None:
            self._tracker_result(row, ts, *result)

    _on_script_reload = _on_script_result
    _on_interface_state = _on_script_result


def tracker_result(row: Mapping[str, Any]) -> tuple[str, str, bool] | None:
    """(tracker kind, name, ok) that a script-result or interface-state line
    reports, None when it reports none: how the replay (and `kalog explain`'s
    arithmetic) read a tracker's result."""
    if row.get("kind") == "interface_state":
        interface = row.get("interface")
        action = str(row.get("action") or "").lower()
        if interface and action in {"up", "down"}:
            return "interface", str(interface), action == "up"
        return None
    script = row.get("script")
    result = str(row.get("result") or "")
    if script and result:
        return "script", str(script), result == "success"
    return None


# ---------------------------------------------------------------------------
# public entry point


def load_configs(
    configs: Mapping[str, Any] | None, versions: Mapping[str, str | None]
) -> dict[str, list[Any]]:
    """host -> its configs in reload order, parsed with the host's keepalived
    defaults (`versions`: host -> its logged version).

    Each value of `configs` is a path, a parsed `KeepalivedConfig`, or a list
    of them (one per reload); paths are parsed strictly (a syntax error or a
    value keepalived rejects raises `kalog.config.ConfigError`), the rest kept.  The parser
    is only imported when a path is given (it costs a quarter second).
    """
    loaded: dict[str, list[Any]] = {}
    for host, value in (configs or {}).items():
        items = list(value) if isinstance(value, list | tuple) else [value]
        parsed = []
        for item in items:
            if isinstance(item, str | Path):
                from kalog.config import load_config

                parsed.append(load_config(item, version=versions.get(host), strict=True))
            else:
                parsed.append(item)
        loaded[host] = parsed
    return loaded


#: The kinds replayed only for the state they prove (`_RunReplay._evidence`,
#: `_on_prio0_sent`): they matter only while an instance is UNKNOWN.
_EVIDENCE_KINDS = frozenset(
    {
        "advert_lower_discard",
        "advert_timeout",
        "force_election",
        "preempt_delay",
        "master_changed",
        "prio0_received",
        "equal_prio_own_ip",
        "owner_conflict",
        "prio_higher_than_advert",
        "ah_sync",
        "garp",
        "vips",
        "packet_error",
        "prio0_sent",
    }
)

#: The kinds that report a tracker's result (`_tracker_result`).
_TRACKER_KINDS = frozenset({"script_result", "script_reload", "interface_state"})
_QUOTE_KINDS = frozenset({"advert_higher", "advert_lower", "advert_lower_discard"})


#: kind -> the `_RunReplay` method that replays it; rows of other kinds change nothing.
_HANDLERS: dict[str, Callable[..., None]] = {
    name[len("_on_") :]: getattr(_RunReplay, name)
    for name in dir(_RunReplay)
    if name.startswith("_on_")
}


def _positions_by_host(columns: EventColumns) -> dict[str, np.ndarray]:
    """host -> positions of its rows with a time, in frame order; hosts by first row."""
    usable = np.flatnonzero(~columns.isna("ts") & ~columns.isna("host"))
    codes = columns.codes("host")[usable]
    order = np.argsort(codes, kind="stable")  # stable: frame order within a host
    grouped = usable[order]
    distinct, starts = np.unique(codes[order], return_index=True)
    ends = [*starts[1:], len(grouped)] if len(starts) else []
    groups = {
        int(code): grouped[start:end]
        for code, start, end in zip(distinct, starts, ends, strict=True)
    }
    first_seen = sorted(groups, key=lambda code: groups[code][0])
    return {str(columns.value_of("host", code)): groups[code] for code in first_seen}


def _log_span(
    columns: EventColumns, by_host: Mapping[str, _HostEvents]
) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
    """The first and last time of the hosts' rows: the span of the real
    times; stand-ins (lines without one) only when they are alone.

    A function of its own so its position arrays (8 MB per million rows)
    are freed on return instead of held through the replay's peak.
    """
    if not by_host:
        return None, None
    times = columns.times
    everything = np.concatenate([rows.positions for rows in by_host.values()])
    real = everything[times[everything] >= _UNTIMED_END_NS]
    everything = real if len(real) else everything
    return (
        columns.ts_at(everything[np.argmin(times[everything])]),
        columns.ts_at(everything[np.argmax(times[everything])]),
    )


def replay(
    events: pd.DataFrame,
    configs: Mapping[str, Any] | None = None,
    version: str | None = None,
    peers: Mapping[str, str] | None = None,
) -> Timeline:
    """Replay `events` (a `kalog.read_events` frame) into a `Timeline`.

    configs: host -> `KeepalivedConfig` or a path to keepalived.conf, or a
    list of them in reload order (each reload moves to the next); with a
    config the model can infer priorities keepalived did not log.
    version: a keepalived version or profile name forcing the profile of every
    run (`--keepalived-version`); by default each run's own version is used.
    peers: extra address -> host ties (`--peer IP=HOST`).

    Raises `kalog.errors.KalogError` for a frame that is not an event frame
    and `kalog.config.ConfigError` for a config path that cannot be read.
    An input whose reader kept one host name apart as several machines is
    replayed episode by episode (`kalog.model.episodes`).
    """
    from kalog.ingest.events import check_frame

    check_frame(events)
    with gc_paused():  # kalog.speed.gc_pause says why
        groups = episodes(events)
        if len(groups) > 1:
            return replay_apart(
                events,
                groups,
                configs,
                peers,
                lambda part, own, ties: _replay(part, own, version, ties),
            )
        return _replay(events, configs, version, peers)


def _replay(
    events: pd.DataFrame,
    configs: Mapping[str, Any] | None,
    version: str | None,
    peers: Mapping[str, str] | None,
    known_peers: Mapping[str, str] | None = None,
) -> Timeline:
    """`replay`, with the collector paused.

    known_peers: the address -> host ties of the whole input, when `events`
    are some of its hosts' rows (`kalog.fleet` replays clusters apart).
    """
    events = _timed(events)
    columns = EventColumns(events)
    by_host = {
        host: _HostEvents(columns, positions)
        for host, positions in _positions_by_host(columns).items()
    }

    runs_by_host = _split_hosts(columns, by_host)
    for host, host_runs in runs_by_host.items():
        for run in host_runs:
            _choose_profile(run, version, by_host[host])
    first_versions = {
        host: (host_runs[0].version if host_runs else None)
        for host, host_runs in runs_by_host.items()
    }
    loaded = load_configs(configs, first_versions)

    log_start, log_end = _log_span(columns, by_host)

    # the rows a handler reads, every host's in one table (host by host, frame
    # order, run after run): each column is converted once, for these rows only
    handled = columns.where_in("kind", _HANDLERS)
    # without a config no instance has trackers, so a tracker's result
    # changes nothing (`_tracker_result` finds no instance it affects)
    untracked = columns.where_in("kind", _HANDLERS.keys() - _TRACKER_KINDS)
    fed_of = {
        host: np.flatnonzero((handled if loaded.get(host) else untracked)[rows.positions])
        for host, rows in by_host.items()
    }
    fed = (
        np.concatenate([rows.positions[fed_of[host]] for host, rows in by_host.items()])
        if by_host
        else np.zeros(0, dtype=np.intp)
    )
    kept, slices = _feed_plan(
        columns, fed, [fed_of[host] for host in runs_by_host], list(runs_by_host.values())
    )
    table = RowTable(columns, fed[kept])
    lists = table.lists
    instances: dict[tuple[str, str], InstanceTimeline] = {}
    run_infos: list[RunInfo] = []
    observations: list[Observation] = []
    cursors: dict[str, int] = {}
    reloads: dict[str, dict[str, tuple[pd.Timestamp, int | None]]] = {}
    in_force: dict[str, list[tuple[pd.Timestamp, int | None]]] = {}
    host_end = _host_ends(columns, by_host)
    replayer: _RunReplay | None = None
    for host, host_runs in runs_by_host.items():
        for position, run in enumerate(host_runs):
            # a host's last run ends at its last line, not at the input's
            # end: past it the log says nothing about the host
            run_end = (
                host_runs[position + 1].start
                if position + 1 < len(host_runs)
                else host_end.get(host, log_end)
            )
            replayer = _RunReplay(
                run,
                loaded.get(host, []),
                cursors.get(host, 0),
                reloads.setdefault(host, {}),
                in_force.setdefault(host, []),
            )
            lo, hi = next(slices)
            replayer.feed_rows(lists, range(lo, hi))
            replayer.finish(run_end)
            cursors[host] = replayer.cursor
            observations.extend(replayer.observations)
            run_infos.append(
                RunInfo(
                    host=host,
                    run=run.index,
                    start=run.start,
                    end=run_end,
                    version=run.version,
                    profile=run.profile.name,
                    profile_basis=run.profile_basis,
                    source=run.source,
                    line=run.line,
                )
            )
            for name, inst in replayer.instances.items():
                timeline = instances.setdefault(
                    (host, name),
                    InstanceTimeline(host=host, instance=name, vrid=inst.vrid, profile=""),
                )
                timeline.profile = run.profile.name
                if timeline.vrid is None:
                    timeline.vrid = inst.vrid
                timeline.segments.extend(_close(inst.segments, run_end, run.index))
    # a row a run's replayer keeps (a step down's advert line, a stop line)
    # holds the whole table's lists (~17 MB per million dense lines): the
    # loop's last replayer must not outlive the table
    del table, lists, fed, kept, fed_of, handled, untracked, replayer
    _add_unplaced(columns, by_host, runs_by_host, host_end, instances)

    peer_map = (
        dict(known_peers)
        if known_peers is not None
        else map_peers(
            events,
            {host: items[0] for host, items in loaded.items() if items},
            peers or {},
            columns=columns,
        )
    )
    ordered = sorted(instances.values(), key=lambda t: (t.instance, t.host))
    timeline = Timeline(
        instances=ordered,
        runs=run_infos,
        observations=observations,
        peers=peer_map,
        start=log_start,
        end=log_end,
        host_end=host_end,
        untimed=dict(events.attrs.get("untimed", {})),
        reloads={
            (host, name): value
            for host, by_name in reloads.items()
            for name, value in by_name.items()
        },
        configs_in_force={host: periods for host, periods in in_force.items() if periods},
    )
    first_configs = {host: items[0] for host, items in loaded.items() if items}
    clusters = cluster_hosts(
        [(item.host, item.instance) for item in ordered],
        events,
        first_configs,
        peer_map,
        columns=columns,
    )
    for item in ordered:
        item.cluster = clusters.get((item.host, item.instance), item.instance)
    quoting = columns.where_in("kind", _QUOTE_KINDS)
    quotes = np.sort(
        np.concatenate([rows.positions[quoting[rows.positions]] for rows in by_host.values()])
        if by_host
        else np.zeros(0, dtype=np.intp)
    )
    _apply_peer_quotes(timeline, RowTable(columns, quotes))
    # the hosts' positions (~8 MB per million rows) are not read
    # again: freed before the transitions' index is built, at the replay's peak
    del by_host, quotes
    timeline.observations.sort(key=lambda o: (o.ts, o.host, o.instance))
    timeline.transitions = explain_transitions(timeline, events, columns=columns)
    return timeline


def _feed_plan(
    columns: EventColumns,
    positions: np.ndarray,
    fed: list[np.ndarray],
    runs: list[list[_Run]],
) -> tuple[np.ndarray, Iterator[tuple[int, int]]]:
    """The rows each run replays: (kept, each run's (lo, hi) in `kept`).

    `positions`: the frame positions of every host's fed rows, host after
    host (`fed`: per host, in the order of `runs`, the indices into its
    rows that are fed).  A run replays the fed rows of its stretch of the
    host's rows (`run.rows`), except that a run whose start is logged skips
    the rows that only prove a state (`_EVIDENCE_KINDS`): they change
    nothing there, as no instance is ever UNKNOWN in it.  So run k replays
    `positions[kept[lo:hi]]`, in order.

    Why: the rows skipped are most of a dense log's fed rows (GARP and VIP
    lines: 570k of 776k on dense 1M), so the replay's table holds the kept
    ones only and converts its columns for those; and per run, the search,
    the mask and its test were numpy calls on a few rows each (~10k runs).
    """
    evidence = columns.where_in("kind", _EVIDENCE_KINDS)[positions]
    los, his, started = [], [], []
    offset = 0
    for host_fed, host_runs in zip(fed, runs, strict=True):
        bounds = [bound for run in host_runs for bound in (run.rows.start, run.rows.stop)]
        found = np.searchsorted(host_fed, np.asarray(bounds, dtype=np.intp)) + offset
        los.append(found[0::2])
        his.append(found[1::2])
        started.extend(run.started for run in host_runs)
        offset += len(host_fed)
    lo = np.concatenate(los) if los else np.zeros(0, dtype=np.intp)
    hi = np.concatenate(his) if his else np.zeros(0, dtype=np.intp)
    # +1 where a started run's rows begin, -1 where they end: the running
    # sum is positive on the rows of started runs
    marks = np.zeros(len(positions) + 1, dtype=np.int64)
    chosen = np.asarray(started, dtype=bool)
    np.add.at(marks, lo[chosen], 1)
    np.add.at(marks, hi[chosen], -1)
    in_started = np.cumsum(marks[:-1]) > 0
    kept = np.flatnonzero(~(evidence & in_started))
    slices = zip(
        np.searchsorted(kept, lo).tolist(), np.searchsorted(kept, hi).tolist(), strict=True
    )
    return kept, iter(slices)


def _add_unplaced(
    columns: EventColumns,
    by_host: Mapping[str, _HostEvents],
    runs_by_host: Mapping[str, list[_Run]],
    host_end: Mapping[str, Any],
    instances: dict[tuple[str, str], InstanceTimeline],
) -> None:
    """An instance a line names, but no line of which says anything of its
    state or priority (e.g. only "(VI_1) removing VIPs."), still exists:
    it gets one UNKNOWN segment from the first line that names it to the
    end of the host's log, so every report lists what the log saw."""
    named = columns.codes("instance")
    for host, rows in by_host.items():
        codes = named[rows.positions]
        present = codes >= 0
        if not present.any():
            continue
        distinct, first = np.unique(codes[present], return_index=True)
        where = rows.positions[np.flatnonzero(present)[first]]
        for code, position in zip(distinct.tolist(), where.tolist(), strict=True):
            name = str(columns.value_of("instance", code))
            if (host, name) in instances:
                continue
            start = columns.ts_at(position)
            runs = runs_by_host.get(host) or []
            run = next((r for r in reversed(runs) if r.start <= start), runs[0] if runs else None)
            source, line = (
                columns.values("source", [position])[0],
                columns.values("line", [position])[0],
            )
            end = host_end.get(host, start)
            instances[(host, name)] = InstanceTimeline(
                host=host,
                instance=name,
                vrid=None,
                profile=run.profile.name if run is not None else "",
                segments=[
                    Segment(
                        start,
                        end if end is not None and end >= start else start,
                        "UNKNOWN",
                        None,
                        "unknown",
                        None if source is None else str(source),
                        _int_or_none(line),
                        run.index if run is not None else 0,
                        "excerpt",
                        "unknown",
                    )
                ],
            )


#: Where the stand-in times of lines without one end (int ns, UTC).
_UNTIMED_END_NS = (UNTIMED_BASE + pd.Timedelta(days=400)).value


def _timed(events: pd.DataFrame) -> pd.DataFrame:
    """`events` with a time on every row the replay reads.

    Why: a pasted excerpt loses timestamps (a truncated first line, bare
    messages copied from a console), yet its lines are still in order.  A
    line without a time in an input that has times gets its neighbour's
    (the one before it, else the one after: the state it proves held at
    or about then); an input without any time gets stand-in times in line
    order (`UNTIMED_BASE`, shown as "line N" everywhere).  A frame whose
    rows all have times is returned as it is.
    """
    if "ts" not in events.columns or not len(events) or not events["ts"].isna().any():
        return events
    ts = events["ts"]
    sources = events["source"].astype(object).where(events["source"].notna(), "")
    missing = ts.isna()
    per_source = (
        pd.DataFrame({"source": sources, "missing": missing})
        .groupby("source", sort=False)["missing"]
        .agg(["sum", "size"])
    )
    without_time = {
        str(source): (int(row["sum"]), bool(row["sum"] == row["size"]))
        for source, row in per_source.iterrows()
        if row["sum"]
    }
    filled = ts.groupby(sources, sort=False).transform(lambda part: part.ffill().bfill())
    untimed = filled.isna()
    if untimed.any():
        base = UNTIMED_BASE
        if getattr(ts.dt, "tz", None) is not None:
            # the stand-ins count from UNTIMED_BASE in UTC (a zone's 1678
            # offset is local mean time, seconds off the hour)
            base = base.tz_localize("UTC").tz_convert(ts.dt.tz)
        lines = pd.to_numeric(events["line"], errors="coerce").fillna(0).astype("int64")
        filled = filled.where(~untimed, base + pd.to_timedelta(lines, unit="ms"))
    frame = events.copy(deep=False)
    frame["ts"] = filled.astype(ts.dtype)
    frame.attrs = {**events.attrs, "untimed": without_time}
    return frame


def _host_ends(columns: EventColumns, by_host: Mapping[str, _HostEvents]) -> dict[str, Any]:
    """host -> the time of its latest row: every host's boxed in one go (not one call each)."""
    times = columns.times
    latest = [rows.positions[np.argmax(times[rows.positions])] for rows in by_host.values()]
    return dict(zip(by_host, columns.values("ts", latest), strict=True))


def _close(drafts: list[_Draft], end: pd.Timestamp | None, run: int) -> list[Segment]:
    """The run's segments: each ends where the next starts, the last at the run's end."""
    if not drafts:
        return []
    # an UNKNOWN opening that its own line already resolves says nothing:
    # drop it (the zero-length segment of a proven state stays)
    # (UNKNOWN is only ever a run's opening: only its head can be dropped)
    if len(drafts) > 1 and drafts[0].state == "UNKNOWN":
        head, after = drafts[0], drafts[1]
        if (after.start, after.source, after.line) == (head.start, head.source, head.line):
            drafts = drafts[1:]
    last = drafts[-1].start
    stops = [draft.start for draft in drafts[1:]]
    stops.append(end if end is not None and end >= last else last)
    return [
        Segment(
            d.start,
            stop,
            d.state,
            d.priority,
            d.basis,
            d.source,
            d.line,
            run,
            d.cause,
            d.state_basis,
            d.implied_by,
        )
        for d, stop in zip(drafts, stops, strict=True)
    ]


def _apply_peer_quotes(timeline: Timeline, table: RowTable) -> None:
    """Put priorities that peers quoted onto the quoted host's timeline.

    `table`: the quoting lines, in frame order.  A quote lands on
    `target.at(ts)`, found here by bisecting the target's segment starts as
    int nanoseconds (the same search, on cheaper keys); replacing a segment
    keeps its start, so the starts stay valid.  The lines are read from the
    table's column lists (what `row.get(name)` of each row gives).
    """
    items: dict[tuple[str, str], InstanceTimeline] = {}
    hosts_of: dict[str, list[str]] = {}
    starts_of: dict[int, tuple[list[int], bool]] = {}  # id -> (starts, in start order)
    cluster_of: dict[tuple[str, str], str] = {}
    for item in timeline.instances:
        items.setdefault((item.host, item.instance), item)  # the first, as Timeline.get
        hosts_of.setdefault(item.cluster or item.instance, []).append(item.host)
        cluster_of[(item.host, item.instance)] = item.cluster or item.instance
    lists = table.lists
    kinds, values, names, hosts = (
        lists["kind"],
        lists["prio_peer"],
        lists["instance"],
        lists["host"],
    )
    peers = lists["peer"]
    # times as int ns for the search; a line's boxed time, source and line
    # are read only for the observations it makes (a dense log's 34k quotes
    # agree with the model: boxing their times was most of this function)
    times = table.columns.times[table.positions].tolist()
    # (quoting host, instance, peer) -> (target host, its timeline, its int
    # starts, in start order?) or None: the target depends on these three
    # only, and a dense log repeats each triple thousands of times
    targets: dict[tuple[Any, Any, Any], tuple[str, InstanceTimeline, list[int], bool] | None]
    targets = {}
    for at in range(len(table)):
        if kinds[at] not in _QUOTE_KINDS:
            continue
        value = values[at]
        name = names[at]
        if value is None or not name:
            continue
        host = hosts[at]
        key = (host, name, peers[at])
        if key in targets:
            found = targets[key]
        else:
            found = targets[key] = _quote_target(
                timeline, key, items, hosts_of, cluster_of, starts_of
            )
        if found is None:
            continue
        target_host, target, starts, in_order = found
        position = bisect.bisect_right(starts, times[at])  # target.at(ts)
        if not position:
            continue
        segment = target.segments[position - 1]
        value = int(value)
        reloaded = timeline.reloads.get((target_host, str(name)))
        if reloaded is not None and reloaded[1] is not None and reloaded[1] != value:
            ts = lists["ts"][at]
            if ts >= reloaded[0]:
                # the config given says otherwise, but keepalived was reloaded
                note = reload_note(reloaded[0], quoted_by=str(host))
                timeline.observations.append(
                    _quoted(
                        target_host,
                        str(name),
                        ts,
                        value,
                        reloaded[1],
                        "inferred",
                        _where(lists, at),
                        note,
                    )
                )
        if segment.priority is None:
            index = _index_of(target.segments, segment, starts, in_order)
            target.segments[index] = replace(segment, priority=value, basis="advertised")
        elif segment.priority != value:
            timeline.observations.append(
                _quoted(
                    target_host,
                    str(name),
                    lists["ts"][at],
                    value,
                    segment.priority,
                    segment.basis,
                    _where(lists, at),
                    f"quoted by {host}",
                )
            )


def _where(lists: Mapping[str, list[Any]], at: int) -> tuple[str, int]:
    """(source, line) of row `at` of a `RowTable`'s column `lists`, as observations cite it."""
    return str(lists["source"][at]), int(lists["line"][at] or 0)


def _quoted(
    host: str,
    instance: str,
    ts: pd.Timestamp,
    value: int,
    model: int,
    model_basis: str,
    where: tuple[str, int],
    note: str,
) -> Observation:
    """A peer's quote of `value` that the model holds as `model` (`where`: the quoting line)."""
    return Observation(
        host=host,
        instance=instance,
        ts=ts,
        observed=value,
        basis="advertised",
        model=model,
        model_basis=model_basis,
        source=where[0],
        line=where[1],
        note=note,
    )


def _quote_target(
    timeline: Timeline,
    key: tuple[Any, Any, Any],
    items: Mapping[tuple[str, str], InstanceTimeline],
    hosts_of: Mapping[str, list[str]],
    cluster_of: Mapping[tuple[str, str], str],
    starts_of: dict[int, tuple[list[int], bool]],
) -> tuple[str, InstanceTimeline, list[int], bool] | None:
    """The timeline a (quoting host, instance, peer) quote lands on, with its
    segment starts as int ns and whether they are in start order; None: none."""
    host, name, peer = key
    cluster = cluster_of.get((str(host), str(name)), str(name))
    target_host = _quoted_host(timeline, peer, host, hosts_of.get(cluster, []))
    if target_host is None:
        return None
    target = items.get((target_host, str(name)))
    if target is None:
        return None
    known = starts_of.get(id(target))
    if known is None:
        starts = [s.start.value for s in target.segments]
        known = starts_of[id(target)] = (starts, all(map(operator.le, starts, starts[1:])))
    return (target_host, target, *known)


def _index_of(segments: list[Segment], segment: Segment, starts: list[int], in_order: bool) -> int:
    """`segments.index(segment)` for a segment `at()` returned, without a scan.

    Equal segments share their start, and segments are in start order, so
    the first equal one is in the run of segments with that start
    (`starts`: the segments' starts as int nanoseconds).
    """
    if not in_order:
        return segments.index(segment)  # not in start order: the plain search
    start = segment.start.value
    for index in range(bisect.bisect_left(starts, start), len(segments)):
        if starts[index] != start:
            break
        if segments[index] == segment:
            return index
    return segments.index(segment)


def _quoted_host(
    timeline: Timeline, peer: Any, quoting_host: Any, cluster_hosts_: list[str]
) -> str | None:
    """The host a line quoted: by its `peer` address, or the one other host of the cluster."""
    if peer:
        return timeline.peers.get(str(peer))
    # 1.3/1.4 lines quote priorities without an address: with exactly one
    # other host running the instance, that host is the one quoted
    others = {host for host in cluster_hosts_ if host != quoting_host}
    return next(iter(others)) if len(others) == 1 else None
