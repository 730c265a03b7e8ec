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
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from kalog.model.rows import EventColumns, Row, RowTable, seconds_between
from kalog.model.timeline import InstanceTimeline, Segment, Timeline, clock, iso_or_none

#: How far back (seconds) a cause line may stand before the transition it
#: explains: 3 adverts + skew at the usual 1 s advert interval, plus slack for
#: 1-second log resolution and 1.x's two-step Transition -> Entering.
WINDOW_S = 5.0


@dataclass(slots=True, unsafe_hash=True)
class Transition:
    """One change into or out of MASTER on one host (immutable by use, as `Segment`)."""

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
            "ts": iso_or_none(self.ts),
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
        "advert_lower",
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


class _Index:
    """Cause lines grouped per host and sorted by time, for window look-ups.

    Sorted (stably, so log order survives within one instant) and searched
    with bisect: a busy log has many transitions and many lines, and a scan
    per transition would make explaining them quadratic.  Only the kinds the
    explainer reads are indexed, all hosts in one `RowTable` (host after
    host): a window is a range of table indices, filtered on plain lists
    (kind, instance, int time), and only the few lines a cause quotes are
    read further (`get`).
    """

    def __init__(self, columns: EventColumns) -> None:
        usable = columns.where_in("kind", _CAUSE_KINDS) & ~columns.isna("ts")
        chosen = np.flatnonzero(usable & ~columns.isna("host"))
        times = columns.times[chosen]
        hosts = columns.codes("host")[chosen]
        by_time = np.argsort(times, kind="stable")
        order = by_time[np.argsort(hosts[by_time], kind="stable")]  # host, then time
        hosts = hosts[order]
        # the explainer reads the kind of every line of every window (a
        # list: the quickest read), the other columns at some lines only
        # (`RowTable`'s picked columns: a few index operations per read, on
        # the frame's own arrays).  Instance, source, the quoted priorities
        # and peer were lists too, ~2 MB each per million dense lines at the
        # replay's peak; picked, the explanation takes as long (dense 1M,
        # alternated twice: 0.84-1.11 s, 0.90-1.20 s before)
        self.table = RowTable(columns, chosen[order], picked=True, listed=("kind",))
        self.sorted_times = times[order]  # int64 ns, for the windows of many ends at once
        # the times and line numbers are read one at a time (bisect, a
        # window's few lines) as Python ints from views of int64 arrays:
        # lists of them held a boxed int per line, ~20 MB per million dense
        # lines at the replay's peak, in small blocks that kept the
        # allocator's arenas from being given back
        self.times: Sequence[int] = memoryview(self.sorted_times)
        self.kind: list[str] = self.table.column("kind")
        self.instance: Sequence[str | None] = self.table.column("instance")
        self.source: Sequence[str | None] = self.table.column("source")
        #: 0 for a line without a number (all its readers take `line or 0`)
        self.line: Sequence[int] = memoryview(_zero_filled(columns, "line", self.table.positions))
        # instance as codes (-1: none) and code by name, for `_matching`
        self.instance_codes = columns.codes("instance")[self.table.positions]
        self.instance_code: dict[Any, int] = {
            value: code for code, value in enumerate(columns.distinct("instance")[:-1].tolist())
        }
        self.bounds: dict[str, tuple[int, int]] = {}
        # one str object per distinct detail (`_transition`): a dense log
        # repeats a few hundred details over ~90k transitions, never changed
        self.details: dict[str, str] = {}
        codes, starts = np.unique(hosts, return_index=True)
        ends = [*starts[1:].tolist(), len(hosts)] if len(hosts) else []
        for code, start, end in zip(codes.tolist(), starts.tolist(), ends, strict=True):
            self.bounds[str(columns.value_of("host", code))] = (start, end)

    def get(self, name: str, index: int) -> Any:
        """The `name` value of the indexed line (None when missing)."""
        return self.table.lists[name][index]

    def window(
        self, host: str, end: pd.Timestamp, seconds: float = WINDOW_S, *, after: float = 0.0
    ) -> range:
        """The host's lines from `seconds` before `end` to `after` seconds past it."""
        bounds = self.bounds.get(host)
        if bounds is None:
            return range(0)
        ns = end.value
        lo = bisect.bisect_left(self.times, ns - _nanoseconds(seconds), *bounds)
        hi = bisect.bisect_right(self.times, ns + _nanoseconds(after), *bounds)
        return range(lo, hi)

    def owns(
        self, host: str, instance: str, ends: Sequence[int], reaches: Sequence[int]
    ) -> list[list[int]]:
        """Per window, its lines about `instance` (or no instance): the host's
        lines from `reaches[k]` to `ends[k]` (int ns, both included).

        Why: every boundary of a timeline needs its window, and one
        searchsorted per timeline is cheaper than two bisects per boundary.
        The host's lines about `instance` (or none) are picked once per
        timeline with numpy (`_matching`), so a window is a slice of them
        instead of a filter over all the host's lines in it; in time order,
        the same lines in the same order.  A reach past its end gives an
        empty window, as a bisect for the end from the reach on would.
        """
        matching = self._matching(host, instance)
        if matching is None:
            return [[] for _ in ends]
        times = self.sorted_times[matching]
        los = np.searchsorted(times, np.asarray(reaches, dtype=np.int64), side="left")
        his = np.searchsorted(times, np.asarray(ends, dtype=np.int64), side="right")
        lines: list[int] = matching.tolist()
        return [
            lines[lo:hi] for lo, hi in zip(los.tolist(), np.maximum(his, los).tolist(), strict=True)
        ]

    def _matching(self, host: str, instance: str) -> np.ndarray | None:
        """The host's line indices (ascending) about `instance` or no instance; None: no lines."""
        bounds = self.bounds.get(host)
        if bounds is None:
            return None
        start, stop = bounds
        codes = self.instance_codes[start:stop]
        wanted = codes < 0  # no instance
        code = self.instance_code.get(instance)
        if code is not None:
            wanted |= codes == code
        return np.flatnonzero(wanted) + start


def _zero_filled(columns: EventColumns, name: str, positions: np.ndarray) -> np.ndarray:
    """The integer column `name` at `positions` as int64, 0 where missing."""
    plain = columns.plain_ints(name) if name in columns else None
    if plain is None:
        values = columns.values(name, positions) if name in columns else [None] * len(positions)
        return np.array([value or 0 for value in values], dtype=np.int64)
    data, mask = plain
    picked = data[positions].astype(np.int64)
    if mask is not None:
        picked[mask[positions]] = 0
    return picked


@functools.lru_cache(maxsize=1024)
def _nanoseconds(seconds: float) -> int:
    """`pd.Timedelta(seconds=seconds).value`, once per distinct window length."""
    return int(pd.Timedelta(seconds=seconds).value)


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
    on_host: dict[str, list[InstanceTimeline]] = {}
    for item in timeline.instances:
        on_host.setdefault(item.host, []).append(item)

    def sibling_of(item: InstanceTimeline, segment: Segment, sync: int) -> str | None:
        """The instance of the same host whose own change into `segment`'s
        state, logged before the sync line `sync` (and at most `WINDOW_S`
        before it), set the group off: the latest such."""
        best: tuple[int, str] | None = None
        sync_ns = index.times[sync]
        for other in on_host.get(item.host, []):
            if other is item:
                continue
            starts = history.starts(other)  # bisected: only the window's segments
            lo = bisect.bisect_left(starts, sync_ns - _nanoseconds(WINDOW_S))
            for at in range(max(lo, 1), bisect.bisect_right(starts, sync_ns)):
                seg = other.segments[at]
                if (
                    seg.state == segment.state
                    and other.segments[at - 1].state != seg.state
                    and seg.state_basis == "logged"
                    and not _before(index, sync, seg)
                    and (best is None or seg.start.value >= best[0])
                ):
                    best = (seg.start.value, other.instance)
        return best[1] if best else None

    transitions: list[Transition] = []
    for item in timeline.instances:
        peers = [
            other for other in by_name[item.cluster or item.instance] if other.host != item.host
        ]
        segments = item.segments
        states = [segment.state for segment in segments]
        # (steps left, segment entered, into MASTER?) of every boundary
        # (where the state changes into or out of MASTER), then their windows
        # of own lines in one search
        boundaries: list[tuple[Sequence[Segment], Segment, bool]] = []
        for position in [
            at
            for at, (before, after) in enumerate(zip(states, states[1:], strict=False))
            if before != after
            and (after == "MASTER" or before == "MASTER")
            # a change is only proven between two known states: an excerpt's
            # UNKNOWN opening may have been MASTER already
            and "UNKNOWN" not in (before, after)
        ]:
            previous, segment = segments[position], segments[position + 1]
            if segment.state == "MASTER":
                steps = [previous]
                if previous.state == "GOTO_MASTER":
                    # 1.x: "Transition to MASTER" then "Entering MASTER" one
                    # advert later is one change; it started where GOTO began
                    first = position
                    while first > 0 and segments[first].state == "GOTO_MASTER":
                        first -= 1
                    steps = segments[first : position + 1]
                boundaries.append((steps, segment, True))
            else:
                boundaries.append(([previous], segment, False))
        if not boundaries:
            continue
        ends = [segment.start.value for _steps, segment, _into in boundaries]
        reaches = [
            end - _nanoseconds(_window_seconds(steps, segment) if into else WINDOW_S)
            for end, (steps, segment, into) in zip(ends, boundaries, strict=True)
        ]
        owns = index.owns(item.host, item.instance, ends, reaches)
        masters = _masters_before(
            peers,
            [end for end, (_s, _g, into) in zip(ends, boundaries, strict=True) if into],
            history,
            timeline.host_end,
        )
        for (steps, segment, into), own in zip(boundaries, owns, strict=True):
            if into:
                previous_master, ended = next(masters)
                transitions.append(
                    _to_master(
                        item,
                        steps,
                        segment,
                        own,
                        peers,
                        index,
                        history,
                        previous_master,
                        ended,
                        sibling_of,
                    )
                )
            else:
                transitions.append(_from_master(item, steps[0], segment, own, index, sibling_of))
    return _in_order(transitions, timeline.instances)


def _in_order(transitions: list[Transition], items: Sequence[InstanceTimeline]) -> list[Transition]:
    """`transitions` stably sorted by (ts, instance, host).

    Why: a Python sort on a tuple key per transition was ~0.1 s on a dense
    day.  Each (instance, host) is ranked once and numpy's stable lexsort
    orders (ts as int ns, rank): the same order, ties kept in list order.
    Names that are not all `str` (not what the replay makes) take the plain
    sort, which is the definition.
    """
    names = {(item.instance, item.host) for item in items}
    if not all(type(i) is str and type(h) is str for i, h in names) or not all(
        type(t.ts) is pd.Timestamp for t in transitions
    ):
        transitions.sort(key=lambda t: (t.ts.value, t.instance, t.host))
        return transitions
    rank = {name: at for at, name in enumerate(sorted(names))}
    times = np.fromiter((t.ts.value for t in transitions), dtype=np.int64, count=len(transitions))
    ranks = np.fromiter(
        (rank[t.instance, t.host] for t in transitions), dtype=np.int64, count=len(transitions)
    )
    return [transitions[at] for at in np.lexsort((ranks, times)).tolist()]


class _History:
    """Per instance timeline, the facts the explainer looks up by time.

    Segment starts as int nanoseconds (what `InstanceTimeline.at` bisects,
    compared as cheaply as ints), and, for timelines whose segments are in
    start order (what the replay produces), what `_last_master_exit` and
    `_just_started` scan for; the plain scans stay as the answer for any
    other order, so the result cannot differ.
    """

    def __init__(self) -> None:
        self._cache: dict[int, _Facts | None] = {}
        self._starts: dict[int, Sequence[int]] = {}
        self._masterish: dict[int, tuple[np.ndarray, np.ndarray] | None] = {}

    def starts(self, item: InstanceTimeline) -> Sequence[int]:
        """The segments' starts as int ns: a view of an int64 array, read as
        Python ints (bisected); not a list of them, a boxed int per segment
        held through the explanation (~7 MB per million dense lines)."""
        key = id(item)
        starts = self._starts.get(key)
        if starts is None:
            segments = item.segments
            starts = self._starts[key] = memoryview(
                np.fromiter((s.start.value for s in segments), dtype=np.int64, count=len(segments))
            )
        return starts

    def at(self, item: InstanceTimeline, ns: int) -> Segment | None:
        """`item.at(ts)` for `ts` given as int nanoseconds."""
        position = bisect.bisect_right(self.starts(item), ns)
        return item.segments[position - 1] if position else None

    def masterish(self, item: InstanceTimeline) -> tuple[np.ndarray, np.ndarray] | None:
        """(int64 starts, MASTER or GOTO_MASTER per segment) for timelines in
        start order; None for others."""
        key = id(item)
        if key not in self._masterish:
            starts = np.asarray(self.starts(item), dtype=np.int64)
            if len(starts) > 1 and bool((starts[1:] < starts[:-1]).any()):
                self._masterish[key] = None
            else:
                states = np.array([s.state in _MASTERISH for s in item.segments], dtype=bool)
                self._masterish[key] = (starts, states)
        return self._masterish[key]

    def of(self, item: InstanceTimeline) -> _Facts | None:
        """For a timeline in start order, its `_Facts`; None for other orders."""
        key = id(item)
        if key not in self._cache:
            starts = np.asarray(self.starts(item), dtype=np.int64)
            if len(starts) > 1 and bool((starts[1:] < starts[:-1]).any()):
                self._cache[key] = None
            else:
                self._cache[key] = _Facts.of(item.segments, starts)
        return self._cache[key]


@dataclass(slots=True)
class _Facts:
    """What `_last_master_exit` and `_just_started` look up in a timeline in
    start order, found with numpy on its int starts.

    Why int views and (lo, hi) ranges rather than a list per run: a dense
    day has ~60k runs of a few segments, and lists of boxed ints per run
    held ~10 MB per million lines through the explanation.
    """

    #: the exits (each segment right after a MASTER one that is not MASTER)
    #: and their starts (int ns)
    exit_starts: Sequence[int]
    exits: list[Segment]
    #: the starts of the MASTER segments
    master_starts: Sequence[int]
    #: segment indices grouped by run (stably: each run's in segment order)
    by_run: Sequence[int]
    #: `by_run`'s starts
    run_starts: Sequence[int]
    #: per run: (lo, hi) of its stretch of `by_run`, and the index of its
    #: first MASTER, FAULT or STOPPED segment (-1: none)
    runs: dict[int, tuple[int, int, int]]
    #: how many of `by_run[:k]` are MASTER, FAULT or STOPPED, for every k
    stale_before: Sequence[int]

    @classmethod
    def of(cls, segments: Sequence[Segment], starts: np.ndarray) -> _Facts:
        count = len(segments)
        states = [s.state for s in segments]
        master = np.fromiter((st == "MASTER" for st in states), dtype=bool, count=count)
        stale = np.fromiter((st in _NOT_FRESH for st in states), dtype=bool, count=count)
        exit_at = np.flatnonzero(master[:-1] & ~master[1:]) + 1
        run_of = np.fromiter((s.run for s in segments), dtype=np.int64, count=count)
        by_run = np.argsort(run_of, kind="stable")
        distinct, first, sizes = np.unique(run_of[by_run], return_index=True, return_counts=True)
        stale_by_run = stale[by_run]
        stale_before = np.zeros(count + 1, dtype=np.int64)
        np.cumsum(stale_by_run, out=stale_before[1:])
        # each run's first MASTER/FAULT/STOPPED segment: the first stale
        # place at or after the run's start (`count`: none), if before its end
        stale_at = np.append(np.flatnonzero(stale_by_run), count)
        candidate = stale_at[np.searchsorted(stale_at, first)]
        inside = candidate < first + sizes
        first_bad = np.where(inside, by_run[np.where(inside, candidate, 0)], -1)
        runs = {
            run: (lo, lo + size, bad)
            for run, lo, size, bad in zip(
                distinct.tolist(), first.tolist(), sizes.tolist(), first_bad.tolist(), strict=True
            )
        }
        return cls(
            exit_starts=memoryview(starts[exit_at]),
            exits=[segments[at] for at in exit_at.tolist()],
            master_starts=memoryview(starts[master]),
            by_run=memoryview(by_run.astype(np.int64, copy=False)),
            run_starts=memoryview(starts[by_run]),
            runs=runs,
            stale_before=memoryview(stale_before),
        )


def _last_master_exit(
    peers: Sequence[InstanceTimeline], ts: pd.Timestamp, history: _History
) -> tuple[str, Segment] | None:
    """The last time a peer left MASTER before `ts`, if no peer was MASTER since.

    However long ago: a backup that was itself in FAULT takes over only when
    it recovers, and the master's FAULT is still the reason it had to.
    """
    best: tuple[str, Segment] | None = None
    ns = ts.value
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
        starts, exits = known.exit_starts, known.exits
        count = bisect.bisect_right(starts, ns)
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
        masters = known.master_starts
        after = bisect.bisect_right(masters, best[1].start.value)
        if after < len(masters) and masters[after] <= ns:
            return None
    return best


#: One microsecond in nanoseconds: "just before" a transition.
_JUST_BEFORE_NS = 1000


#: The states a peer holds when it is the master a change into MASTER took over from.
_MASTERISH = frozenset({"MASTER", "GOTO_MASTER"})


def _masters_before(
    peers: Sequence[InstanceTimeline],
    ends: Sequence[int],
    history: _History,
    host_end: Mapping[str, pd.Timestamp] | None = None,
) -> Iterator[tuple[str | None, tuple[str, pd.Timestamp] | None]]:
    """Per change into MASTER at `ends` (int ns), in that order: the first
    peer that was MASTER (or GOTO_MASTER) one microsecond before it, and,
    when none was, the first peer whose log had ended MASTER (or GOTO_MASTER)
    before then, as (that peer, (that peer, the time of its last line)):
    the last master seen, of whose state since the log says nothing.

    A peer's log says nothing past its last line (`host_end`): a master
    whose log ended is not "still MASTER", it is unknown.

    Why: every change into MASTER asks it; per peer in start order, one
    searchsorted over its int starts answers all of a timeline's changes
    (`bisect_right`'s answer on a sorted list).  A peer whose segments are
    out of start order is asked per change with the plain bisect
    (`_History.at`).
    """
    if not ends:
        return iter(())
    found: list[str | None] = [None] * len(ends)
    ended: list[tuple[str, pd.Timestamp] | None] = [None] * len(ends)
    open_ = np.ones(len(ends), dtype=bool)  # no peer found yet
    points = np.asarray(ends, dtype=np.int64) - _JUST_BEFORE_NS
    for other in peers:
        masterish = history.masterish(other)
        if not other.segments:
            continue
        last = (host_end or {}).get(other.host)
        if last is not None and not pd.isna(last):
            past = points > pd.Timestamp(last).value
            if past.any():
                if other.segments[-1].state in _MASTERISH:
                    for k in np.flatnonzero(past).tolist():
                        if ended[k] is None:
                            ended[k] = (other.host, pd.Timestamp(last))
                points_known = np.where(past, np.iinfo(np.int64).min, points)
            else:
                points_known = points
        else:
            points_known = points
        if masterish is None:
            holds = np.array(
                [
                    open_[k]
                    and (seg := history.at(other, int(ns))) is not None
                    and seg.state in _MASTERISH
                    for k, ns in enumerate(points_known.tolist())
                ],
                dtype=bool,
            )
        else:
            starts, states = masterish
            at = np.searchsorted(starts, points_known, side="right")
            holds = open_ & (at > 0) & states[np.maximum(at - 1, 0)]
        for k in np.flatnonzero(holds).tolist():
            found[k] = other.host
        open_ &= ~holds
    return iter(
        [
            (host, None) if host is not None else (gone[0] if gone else None, gone)
            for host, gone in zip(found, ended, strict=True)
        ]
    )


def _transition(
    item: InstanceTimeline,
    previous: Segment,
    segment: Segment,
    direction: str,
    opener: list[tuple[Any, Any]],
    previous_master: str | None,
    index: _Index,
    cause: str,
    detail: str,
    lines: Sequence[int],
    missing: str = "",
    *,
    first: Sequence[tuple[str, int]] = (),
) -> Transition:
    """This boundary's Transition, given a cause and its evidence lines.

    `lines` are `_Index` indices; `first` is evidence that comes before them
    (a segment's opening line), as (source, line), and `opener` after them;
    repeats are dropped (first one kept).  `_to_master` and `_from_master`
    bind the boundary's arguments once (`functools.partial`: no closure made
    per change) and call it with the cause.
    """
    source, line = index.source, index.line
    # built with appends, not a comprehension in a list display: a change
    # cites one or two lines, and the comprehension's own frame cost more
    # than the lines (~90k changes on a dense day)
    evidence = list(first)
    for i in lines:
        evidence.append((str(source[i]), int(line[i] or 0)))
    evidence += opener
    if previous.state_basis == "implied":
        # the lines that implied the state left (an excerpt's opening) prove the change too
        evidence += previous.implied_by
    return Transition(  # positional: the fields in declaration order
        item.instance,
        item.vrid,
        item.host,
        segment.start,
        direction,
        previous.state,
        segment.state,
        cause,
        index.details.setdefault(detail, detail),
        _first_of_each(evidence),
        previous_master,
        missing,
    )


def _first_of_each(evidence: list[tuple[Any, Any]]) -> tuple[tuple[Any, Any], ...]:
    """`evidence` without repeats, first one kept: `tuple(dict.fromkeys(evidence))`.

    Most changes cite two lines (the cause and the state line): those are
    compared, not hashed into a dict.
    """
    if len(evidence) == 2:
        return (evidence[0],) if evidence[0] == evidence[1] else tuple(evidence)
    return tuple(dict.fromkeys(evidence)) if len(evidence) > 2 else tuple(evidence)


def _window_seconds(steps: Sequence[Segment], segment: Segment) -> float:
    """How far back a change into MASTER looks: 1.x's change began at its first GOTO step."""
    ts = segment.start
    for step in steps:
        if step.state == "GOTO_MASTER":
            if type(ts) is pd.Timestamp and type(step.start) is pd.Timestamp:
                # `(ts - step.start).total_seconds()` (not the correctly
                # rounded ns / 1e9: the window must not move), without a
                # Timedelta per change
                return WINDOW_S + seconds_between(step.start.value, ts.value)
            return WINDOW_S + (ts - step.start).total_seconds()
    return WINDOW_S


def _to_master(
    item: InstanceTimeline,
    steps: Sequence[Segment],
    segment: Segment,
    own: list[int],
    peers: Sequence[InstanceTimeline],
    index: _Index,
    history: _History,
    previous_master: str | None,
    ended: tuple[str, pd.Timestamp] | None = None,
    sibling_of: Callable[[InstanceTimeline, Segment, int], str | None] = lambda *_: None,
) -> Transition:
    """`steps`: the segment left (and, in 1.x, the GOTO_MASTER steps after it);
    `own`: the host's lines about the instance in the window before `segment`
    (`_Index.owns`, `_window_seconds` long); `previous_master`: its
    peer that was MASTER just before (`_masters_before`); `ended`: else the
    peer whose log ended while it was MASTER, and when (nothing is known of
    it since)."""
    previous = steps[0]
    if previous.state == "GOTO_MASTER":
        # the excerpt opens in 1.x's Transition: where it came from (BACKUP,
        # or INIT at a `state MASTER` start) is not in the log
        previous = replace(previous, state="UNKNOWN")
    ts = segment.start
    kind = index.kind
    opener = [(s.source, s.line) for s in steps[1:] if s.source and s.line]
    if steps[0].state == "GOTO_MASTER" and steps[0].source and steps[0].line:
        opener.insert(0, (steps[0].source, steps[0].line))
    if segment.source and segment.line:
        opener.append((segment.source, segment.line))

    make = functools.partial(
        _transition, item, previous, segment, "to_master", opener, previous_master, index
    )

    if segment.priority == 255 and previous.state == "INIT":
        return make("address_owner", "priority 255 owner takes MASTER at start", [])
    follower = _followed(item, segment, own, index, sibling_of)
    if follower is not None:
        return make("sync_group", follower[1], follower[:1])
    timed_out: list[int] = []
    prio0: list[int] = []
    preempt: list[int] = []
    # 1.x: a lower-priority advert seen in GOTO_MASTER ("Received lower prio
    # advert, forcing new election") is the backup preempting that master
    goto = next((s.start.value for s in steps if s.state == "GOTO_MASTER"), None)
    times = index.times
    for i in own:  # the three filters of the window in one pass
        line_kind = kind[i]
        if line_kind == "advert_timeout":
            timed_out.append(i)
        elif line_kind == "prio0_received":
            prio0.append(i)
        elif (
            line_kind == "force_election"
            or line_kind == "advert_lower_discard"
            or line_kind == "advert_lower"
            and goto is not None
            and times[i] >= goto
        ):
            preempt.append(i)
    if prio0:
        return make("peer_priority_0", "the master stopped and sent priority 0", prio0[-1:])
    if preempt:
        quoted = None  # the last preempting line that quotes the peer's priority
        prio_peer = index.table.lists["prio_peer"]
        for i in reversed(preempt):
            if prio_peer[i] is not None:
                quoted = i
                break
        detail = "preempted a lower-priority master"
        if quoted is not None:
            ours = index.get("prio_ours", quoted)
            if ours is not None and ours == prio_peer[quoted]:
                detail = f"same priority {ours}, ours won on the higher address"
            else:
                detail += f" advertising {prio_peer[quoted]}"
            if index.get("peer", quoted):
                detail += f" from {index.get('peer', quoted)}"
        elif previous_master is not None:
            # 1.x lines quote no priority: the master's own timeline may know
            # it (at its last line, when its log ended before the change)
            when = ts.value - _JUST_BEFORE_NS if ended is None else ended[1].value
            theirs = next((history.at(o, when) for o in peers if o.host == previous_master), None)
            detail += f" ({previous_master}"
            if theirs is not None and theirs.priority is not None:
                detail += f" at {theirs.priority}, {theirs.basis}"
            if ended is not None:
                detail += f"; MASTER when its log ended at {_clock(ended[1])}"
            detail += ")"
        if segment.priority is not None:
            detail += f" (ours {segment.priority})"
        return make("preemption", detail, [preempt[0], preempt[-1]])
    left = _last_master_exit(peers, ts, history)
    if left is not None and left[1].state == "FAULT":
        other_host, fault = left
        opened = [(str(fault.source), int(fault.line or 0))] if fault.source else []
        ago = (ts - fault.start).total_seconds()
        how = f" {ago:.1f} s before" if ago > WINDOW_S else ""
        if timed_out:
            how += "; no advert heard since"
        return make("peer_fault", f"{other_host} went to FAULT{how}", timed_out, first=opened)
    names = index.instance
    for other in peers:
        stops = [
            i
            for i in index.window(other.host, ts)
            if kind[i] in {"prio0_sent", "stopping"}
            and (names[i] is None or names[i] == item.instance)
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
        i
        for i in own
        if kind[i] == "sync_group"
        and str(index.get("state", i) or "").upper() == "MASTER"
        and _before(index, i, segment)
    ]
    if sync and not timed_out:
        group = index.get("group", sync[-1])
        return make("sync_group", f"sync group {group} went MASTER", sync[-1:])
    if (previous_master is None or ended is not None) and _just_started(item, segment, history):
        started = [i for i in own if kind[i] in {"start", "child_start"}]
        return make("startup", "no master heard after start", started[-1:] + timed_out)
    if timed_out:
        return make(
            "master_down_timeout", "no advert heard for the master-down interval", timed_out
        )
    if peers and previous_master is not None and ended is None:
        return make(
            "master_down_timeout",
            f"{previous_master} was still MASTER in its log: adverts did not arrive",
            [],
        )
    if ended is not None:
        # the master's log ended before the change: whether it stopped,
        # died or lost its link is not in the given lines
        return make(
            "unknown",
            f"{previous.state} became MASTER after {ended[0]}'s log ended at "
            f"{_clock(ended[1])} (MASTER then)",
            [],
            f"{ended[0]}'s log after {_clock(ended[1])}, or -D detail lines on this host",
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
    return make("unknown", f"{previous.state} became MASTER without a logged cause", [], missing)


#: A MASTER reached this soon after keepalived's start, never having been
#: MASTER before in the run, is the start-up election (3 adverts + skew at the
#: usual interval, with room for slower intervals and 1.x's two steps).
STARTUP_S = 15.0


#: States after which a MASTER is no longer the start-up election.
_NOT_FRESH = frozenset({"MASTER", "FAULT", "STOPPED"})


def _just_started(item: InstanceTimeline, segment: Segment, history: _History) -> bool:
    """The run's segments up to `segment` start with INIT, hold no MASTER, FAULT or
    STOPPED but `segment` itself, and `segment` starts within `STARTUP_S` of the INIT.

    For timelines in start order the run's earlier segments are a prefix
    (bisected on int starts) and their MASTER/FAULT/STOPPED places are
    known (`_History.of`), so no prefix is copied or scanned per change.
    """
    known = history.of(item)
    if known is None:
        earlier = [s for s in item.segments if s.run == segment.run and s.start <= segment.start]
        if not earlier or earlier[0].state != "INIT":
            return False
        if any(s.state in _NOT_FRESH for s in earlier if s is not segment):
            return False
        first = earlier[0]
    else:
        bounds = known.runs.get(segment.run)
        if bounds is None:
            return False
        lo, hi, first_bad = bounds
        # the run's segments that start no later than `segment`: by_run[lo:upto]
        upto = bisect.bisect_right(known.run_starts, segment.start.value, lo, hi)
        first = item.segments[known.by_run[lo]]
        if upto == lo or first.state != "INIT":
            return False
        inside = known.stale_before[upto] - known.stale_before[lo]  # MASTER/FAULT/STOPPED
        if inside > 1 or (inside == 1 and item.segments[first_bad] is not segment):
            return False
    if type(segment.start) is pd.Timestamp and type(first.start) is pd.Timestamp:
        return seconds_between(first.start.value, segment.start.value) <= STARTUP_S
    return (segment.start - first.start).total_seconds() <= STARTUP_S


#: The kinds that can tell why an instance went to FAULT.
_FAULT_KINDS = frozenset(
    {"fault_cause", "interface_state", "script_result", "track_process", "track_bfd"}
)


def _from_master(
    item: InstanceTimeline,
    previous: Segment,
    segment: Segment,
    own: list[int],
    index: _Index,
    sibling_of: Callable[[InstanceTimeline, Segment, int], str | None] = lambda *_: None,
) -> Transition:
    """`own`: the host's lines about the instance in the `WINDOW_S` before `segment`."""
    kind = index.kind
    opener = [(segment.source, segment.line)] if segment.source and segment.line else []

    make = functools.partial(
        _transition, item, previous, segment, "from_master", opener, None, index
    )

    if segment.state == "STOPPED":
        return make("admin_stop", "keepalived was stopped", [])
    follower = _followed(item, segment, own, index, sibling_of)
    if follower is not None:
        return make("sync_group", follower[1], follower[:1])
    if segment.state == "FAULT":
        causes = [
            i
            for i in own
            if kind[i] in _FAULT_KINDS
            and (
                kind[i] == "fault_cause"
                or str(index.get("action", i) or "").lower() in {"down", "lost"}
                or str(index.get("result", i) or "") in {"failure", "timeout"}
                or kind[i] in {"track_bfd", "track_file"}
            )
        ]
        if causes:
            return make("fault", fault_reason(index.table.row(causes[-1])), causes[-1:])
        return make(
            "fault",
            "FAULT (cause not logged)",
            [],
            missing="no tracker or interface line before the FAULT",
        )
    higher = [i for i in own if kind[i] == "advert_higher"]
    if higher:
        last = higher[-1]
        lists = index.table.lists
        detail = "a peer advertised a higher priority"
        if (prio_peer := lists["prio_peer"][last]) is not None:
            prio_ours = lists["prio_ours"][last]
            peer = lists["peer"][last]
            if prio_ours is not None and prio_ours == prio_peer:
                # RFC 3768/5798: on equal priority the higher primary address wins
                detail = f"same priority {prio_ours}, higher address {peer or '(not logged)'} won"
            else:
                detail = f"advert with priority {prio_peer}"
                if peer:
                    detail += f" from {peer}"
                if prio_ours is not None:
                    detail += f" beat ours {prio_ours}"
        return make("higher_priority_advert", detail, higher[-1:])
    reload_rows = [i for i in own if kind[i] in {"reloading", "reload_complete"}]
    if reload_rows:
        return make("admin_reload", "keepalived was reloaded", reload_rows[-1:])
    sync = [
        i
        for i in own
        if kind[i] == "sync_group"
        and str(index.get("state", i) or "").upper() == segment.state
        and _before(index, i, segment)
    ]
    if sync:
        group = index.get("group", sync[-1])
        return make("sync_group", f"sync group {group} left MASTER", sync[-1:])
    removed = [
        i for i in own if kind[i] == "address" and str(index.get("action", i) or "") == "removed"
    ]
    if removed and segment.state == "BACKUP":
        return make("vip_removed", "a virtual address was removed under the master", removed[-1:])
    return make(
        "unknown",
        f"left MASTER for {segment.state} without a logged cause",
        [],
        missing="no advert, fault, stop or reload line before the change",
    )


def _before(index: _Index, i: int, segment: Segment) -> bool:
    """Whether indexed line `i` comes before the line that opened `segment`
    (same input: by line number, as 1-second stamps cannot order them)."""
    if segment.source is None or segment.line is None or index.source[i] != segment.source:
        return index.times[i] < segment.start.value
    return int(index.line[i] or 0) < segment.line


def _followed(
    item: InstanceTimeline,
    segment: Segment,
    own: Sequence[int],
    index: _Index,
    sibling_of: Callable[[InstanceTimeline, Segment, int], str | None],
) -> tuple[int, str] | None:
    """(the sync line, the cause's words) when `segment` is a sync-group
    member following the group: its state line comes after the group's
    "Syncing instances to STATE" line, which a sibling's own change set off
    (that sibling, the leader, keeps its own cause)."""
    kind = index.kind
    for i in reversed(own):
        if kind[i] != "sync_group" or not _before(index, i, segment):
            continue
        if str(index.get("state", i) or "").upper() != segment.state:
            continue
        leader = sibling_of(item, segment, i)
        if leader is None:
            return None
        group = index.get("group", i)
        return i, f"sync group {group} followed {leader}"
    return None


def _clock(ts: pd.Timestamp) -> str:
    """A time in a cause's words (seconds, milliseconds when the log has them)."""
    return clock(ts)


def fault_reason(row: Mapping[str, Any] | Row) -> str:
    """A few words for the line that put an instance in FAULT, the same for
    the change of master it ends (`fault` causes) and for KA110.

    `row`: the line's fields, missing ones as None or NaN (a frame row).
    """

    def given(name: str) -> Any:
        value = row.get(name)
        return None if value is None or (not isinstance(value, str) and pd.isna(value)) else value

    kind = str(row["kind"])
    if kind == "script_result":
        text = f"script {given('script')} {given('result')}"
        if given("exit_status") is not None:
            text += f" (exit {int(given('exit_status'))})"
        return text
    if kind == "interface_state":
        return f"interface {given('interface')} {given('action')}"
    what = given("detail") or given("interface") or given("script")
    if what is not None:
        return f"{kind.replace('_', ' ')}: {what}"
    body = given("body")
    return str(body) if body is not None else kind.replace("_", " ")
