"""The replay's result: per (host, instance) segments of state and priority.

A `Segment` is a stretch of time during which an instance's state and
effective priority did not change.  Every segment names the event that opened
it (`source`, `line`), so each claim the timeline makes can be checked
against the log.  Where the model has two answers for one moment (it inferred
103 from the config, a peer saw 100) it keeps the segment's best answer and
records the other as an `Observation`: rules decide what a disagreement
means, the model hides nothing.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, fields
from operator import attrgetter
from typing import Any

import pandas as pd

#: States a segment can be in.  INIT: from keepalived's start until the first
#: state is entered (including 2.x's silent hold); GOTO_MASTER: 1.x's step
#: between "Transition to MASTER STATE" and "Entering MASTER STATE"; UNKNOWN:
#: an excerpt that starts after keepalived did, until a line proves a state
#: (the log does not say, and the model does not guess).
STATES = ("INIT", "BACKUP", "GOTO_MASTER", "MASTER", "FAULT", "STOPPED", "UNKNOWN")

#: How a segment's *state* is known (its priority has `basis`):
#: `logged` a state line (or a stop line), `start` keepalived's logged start,
#: `implied` the next state line can only be reached from it (an excerpt's
#: first state line), `evidence` a line keepalived prints only in that state
#: (e.g. "sent 0 priority" by a MASTER), `unknown` nothing tells (UNKNOWN).
STATE_BASES = ("logged", "start", "implied", "evidence", "unknown")

#: Where a segment's priority comes from.
BASES = ("logged", "inferred", "advertised", "unknown")


@dataclass(slots=True, unsafe_hash=True)
class Segment:
    """One stretch of constant state and effective priority.

    Treated as immutable (nothing assigns to a segment's fields: a change
    makes a new one with `dataclasses.replace`), but not `frozen`: a frozen
    dataclass sets each field through `object.__setattr__`, which made
    building the ~170k segments of a dense day cost 3.8 us each instead of
    0.7 us.  Equality and hash are the frozen class's (all fields).
    """

    start: pd.Timestamp
    end: pd.Timestamp
    state: str
    priority: int | None
    basis: str
    source: str | None  # the file of the event that opened the segment
    line: int | None  # its 1-based line (None for a synthetic event, e.g. a 1.x poll)
    run: int  # index of the keepalived run (restart = new run) on this host
    cause: str = ""  # what opened it: the event kind, or "poll", "stop", ...
    state_basis: str = "logged"  # how the state is known (STATE_BASES)
    #: for an `implied` state, the lines that implied it (source, line): not
    #: the segment's own (it has none), but evidence of a change it ends
    implied_by: tuple[tuple[str, int], ...] = ()

    @property
    def duration(self) -> pd.Timedelta:
        return self.end - self.start


@dataclass(slots=True, unsafe_hash=True)
class Observation:
    """A second opinion on an instance's priority at one moment (immutable by use, as `Segment`)."""

    host: str
    instance: str
    ts: pd.Timestamp
    observed: int  # what a log line says
    basis: str  # "logged" (own line) or "advertised" (a peer's line)
    model: int | None  # what the model had at that moment (None: unknown)
    model_basis: str
    source: str
    line: int
    note: str = ""


@dataclass(slots=True, unsafe_hash=True)
class RunInfo:
    """One run of keepalived on a host (a restart or respawn starts another; as `Segment`)."""

    host: str
    run: int
    start: pd.Timestamp
    end: pd.Timestamp
    version: str | None
    profile: str
    profile_basis: str  # "logged", "wording", "override", "default"
    source: str | None
    line: int | None


@dataclass
class InstanceTimeline:
    """The segments of one VRRP instance on one host."""

    host: str
    instance: str
    vrid: int | None
    profile: str
    segments: list[Segment] = field(default_factory=list)
    #: the hosts that run this same instance share a cluster id (the instance
    #: name, or NAME@host when several pairs reuse the name; kalog.model.clusters)
    cluster: str = ""

    def at(self, ts: pd.Timestamp) -> Segment | None:
        """The segment in force at `ts` (the last one starting at or before it)."""
        position = bisect.bisect_right(self.segments, ts, key=lambda s: s.start)
        return self.segments[position - 1] if position else None


#: A segment's keys in `Timeline.to_dict` (the JSON of `kalog timeline`), in
#: order; the JSON writer's fast path (kalog.report._data) lays out the same.
SEGMENT_DICT_FIELDS = (
    "start",
    "end",
    "state",
    "priority",
    "basis",
    "source",
    "line",
    "state_basis",
)
_TIME_FIELDS = frozenset({"start", "end"})


@dataclass
class Timeline:
    """Everything the replay inferred, for rules and reports."""

    instances: list[InstanceTimeline]
    runs: list[RunInfo]
    observations: list[Observation]
    peers: dict[str, str]  # address -> host
    start: pd.Timestamp | None
    end: pd.Timestamp | None
    transitions: list[Any] = field(default_factory=list)  # see kalog.model.transitions
    #: host -> its last logged line's time: past it, the log says nothing about
    #: the host (an excerpt ends, a quiet master), which rules must not take
    #: as evidence of a state lasting on.
    host_end: dict[str, pd.Timestamp] = field(default_factory=dict)
    #: input -> (lines without a time, whether no line of it has one): the
    #: former take a neighbour's time, the latter are replayed in line order
    untimed: dict[str, tuple[int, bool]] = field(default_factory=dict)
    #: (host, instance) -> (the first reload after which the config given no
    #: longer tells the priority, the priority it gave): from there on the
    #: host's logged values and its peers' quotes stand (kalog.model.replay)
    reloads: dict[tuple[str, str], tuple[pd.Timestamp, int | None]] = field(default_factory=dict)
    #: host -> (time, index into the host's configs given) from which each was
    #: in force: the first from the host's first run, the next from each
    #: reload (`--config HOST=PATH` repeated); index None from a reload past
    #: the last config given, whose config the inputs do not tell
    configs_in_force: dict[str, list[tuple[pd.Timestamp, int | None]]] = field(default_factory=dict)

    def config_at(self, host: str, ts: pd.Timestamp | None, given: Sequence[Any]) -> Any | None:
        """Which of `given` (the host's configs, in reload order) was in force
        on `host` at `ts`, None when none was (see `config_index_at`)."""
        if not given:
            return None
        index = self.config_index_at(host, ts)
        return given[index] if index is not None and index < len(given) else None

    def config_index_at(self, host: str, ts: pd.Timestamp | None) -> int | None:
        """Which of `host`'s configs given was in force at `ts` (see
        `configs_in_force`): the first before the host's first run or without
        a time, None after a reload past the last one given."""
        periods = self.configs_in_force.get(host)
        if not periods:
            return 0
        if ts is None or ts is pd.NaT:
            return periods[0][1]
        position = bisect.bisect_right(periods, ts, key=lambda period: period[0])
        return periods[max(position - 1, 0)][1]

    def peers_of(self, item: InstanceTimeline) -> list[InstanceTimeline]:
        """The other hosts' timelines of the same instance (same cluster)."""
        key = item.cluster or item.instance
        return [
            other
            for other in self.instances
            if (other.cluster or other.instance) == key and other.host != item.host
        ]

    def __iter__(self) -> Iterator[InstanceTimeline]:
        return iter(self.instances)

    def get(self, host: str, instance: str) -> InstanceTimeline | None:
        for item in self.instances:
            if item.host == host and item.instance == instance:
                return item
        return None

    def to_frame(self) -> pd.DataFrame:
        """One row per segment, with host, instance, vrid and profile."""
        # the fields as they are: `asdict` deep-copies every value, which costs
        # seconds on a day of a busy fleet
        names = [f.name for f in fields(Segment)]
        rows = [
            {
                "host": item.host,
                "instance": item.instance,
                "vrid": item.vrid,
                "cluster": item.cluster or item.instance,
                "profile": item.profile,
                **{name: getattr(segment, name) for name in names},
            }
            for item in self.instances
            for segment in item.segments
        ]
        columns = [
            "host",
            "instance",
            "vrid",
            "cluster",
            "profile",
            "start",
            "end",
            "state",
            "priority",
            "basis",
            "source",
            "line",
            "run",
            "cause",
            "state_basis",
        ]
        frame = pd.DataFrame(rows, columns=columns)
        for name in ("vrid", "priority", "line"):
            frame[name] = frame[name].astype("Int64")
        return frame

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of `kalog timeline --format json`."""
        return {
            "instances": [
                {
                    "host": item.host,
                    "instance": item.instance,
                    "vrid": item.vrid,
                    "cluster": item.cluster or item.instance,
                    "profile": item.profile,
                    "segments": [
                        {
                            name: _iso(value) if name in _TIME_FIELDS else value
                            for name, value in zip(
                                SEGMENT_DICT_FIELDS,
                                attrgetter(*SEGMENT_DICT_FIELDS)(segment),
                                strict=True,
                            )
                        }
                        for segment in item.segments
                    ],
                }
                for item in self.instances
            ],
            "runs": [
                {
                    "host": run.host,
                    "run": run.run,
                    "start": _iso(run.start),
                    "end": _iso(run.end),
                    "version": run.version,
                    "profile": run.profile,
                    "profile_basis": run.profile_basis,
                }
                for run in self.runs
            ],
            "observations": [
                {
                    "host": obs.host,
                    "instance": obs.instance,
                    "ts": _iso(obs.ts),
                    "observed": obs.observed,
                    "basis": obs.basis,
                    "model": obs.model,
                    "model_basis": obs.model_basis,
                    "source": obs.source,
                    "line": obs.line,
                    "note": obs.note,
                }
                for obs in self.observations
            ],
            "peers": dict(sorted(self.peers.items())),
        }


#: Lines without any timestamp (bare pasted messages) still have an order:
#: the replay gives the line numbered N of such an input the time
#: `UNTIMED_BASE + N milliseconds` (a paste's lines are close together: the
#: model's "within a second" windows still pair a line with its neighbours), a
#: date no log can carry (pandas' nanosecond range starts in 1677), and every
#: output shows it as "line N", never as a time.
UNTIMED_BASE = pd.Timestamp("1678-01-01")


def untimed_line(ts: Any) -> int | None:
    """The line number an untimed stand-in time stands for; None for a real time."""
    if not isinstance(ts, pd.Timestamp) or pd.isna(ts) or ts.year != UNTIMED_BASE.year:
        return None
    naive = ts.tz_convert(None) if ts.tzinfo is not None else ts
    return int((naive - UNTIMED_BASE) // pd.Timedelta(milliseconds=1))


def iso_or_none(ts: Any) -> str | None:
    """ISO 8601 text of a time; None for a missing one or a stand-in
    (`UNTIMED_BASE`): JSON never shows a time the log did not give."""
    if ts is None or pd.isna(ts) or untimed_line(ts) is not None:
        return None
    return pd.Timestamp(ts).isoformat()


def clock(ts: pd.Timestamp, *, with_date: bool = True) -> str:
    """A timestamp for people: seconds, plus milliseconds when the log has them."""
    if (line := untimed_line(ts)) is not None:
        return f"line {line} (no time)"
    text = ts.strftime("%Y-%m-%d %H:%M:%S" if with_date else "%H:%M:%S")
    if ts.microsecond:
        text += f".{ts.microsecond // 1000:03d}"
    return text


def _iso(ts: pd.Timestamp | None) -> str | None:
    if ts is None or pd.isna(ts) or untimed_line(ts) is not None:
        return None
    return pd.Timestamp(ts).isoformat()
