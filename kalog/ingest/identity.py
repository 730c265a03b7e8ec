"""Which machine each line is from: one host name is not always one machine.

Two Vagrant boxes both called `vagrant`, or `node-a` in every scenario of
`samples/lab`, write the same host name into their logs.  Merged under that
name, their lines make one impossible story (a keepalived that enters
MASTER in one scenario and leaves it in another, thirty "state changes" of
a host that never flapped), and every finding built on it is false.  So the
frame builder decides, per host name, which inputs are one machine:

* **inputs in one directory are one machine** (logrotate writes a log's
  rotations beside it: `messages`, `messages.1`, `messages.2.gz`; a log
  split over consecutive files is kept together too), **unless two
  keepalived processes of that name ran at the same time in two of them**:
  the same program (`Keepalived_vrrp`, ...) with different pids, their
  first-to-last lines overlapping.  One machine runs one keepalived
  (different daemons on one machine log under different program names).
  Then each of those files is a machine of its own (`host@FILE`);
* **inputs in different directories are different machines**: that is how
  logs of several machines are collected (`box1/messages`, `box2/messages`,
  one directory per scenario or sosreport), and nothing in the lines can
  prove otherwise: two captures taken one after the other tell the story of
  one machine restarted just as well as of two machines.  Each directory's
  share of the name becomes `host@DIR`.

Never silently: every name kept apart is one warning line (and the
summary's `hosts kept apart`).  The user who knows better names a file's
host with `--host-of PATH=HOST` (`read_events(..., host_of=...)`): every
line of that file is HOST's, and a name given that way is never split
(the user said which files are that machine).  One file with two
keepalived processes of one name at once (two machines logging to one
central syslog under one name) cannot be split by file: that is a warning.

A label is the shortest tail of the directory's (or file's) path that tells
it from the others of that name: `node-a@seed-ex1`, `node-a@seed-ex2`.
The frame's `attrs["hosts_apart"]` maps each name kept apart to its new
names; the replay reads it (`kalog.model.episodes`).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from kalog.ingest.events import category_column, column_codes

#: A directory label for stdin (it has no directory).
STDIN_LABEL = "stdin"


@dataclass(frozen=True, slots=True)
class _Process:
    """One keepalived process seen in one input: its first and last line."""

    source: str
    program: str
    pid: int
    first: int  # ns
    last: int  # ns


def _directory(source: str) -> str:
    if source == "-":
        return "-"
    return os.path.dirname(os.path.abspath(source))


def _labels(paths: Sequence[str]) -> dict[str, str]:
    """path -> the shortest tail of its components that no other path ends with.

    `samples/lab/seed-ex1`, `samples/lab/seed-ex2` -> `seed-ex1`, `seed-ex2`;
    stdin ("-") is `stdin`.
    """
    parts = {
        path: ([STDIN_LABEL] if path == "-" else [p for p in path.split(os.sep) if p] or [os.sep])
        for path in paths
    }
    labels: dict[str, str] = {}
    for path, own in parts.items():
        tail = own
        for size in range(1, len(own) + 1):
            tail = own[-size:]
            if all(other is own or other[-size:] != tail for other in parts.values()):
                break
        labels[path] = "/".join(tail)
    return labels


@dataclass(frozen=True, slots=True)
class _Runs:
    """The frame's runs of consecutive rows of one host, input, program and pid
    (timed or not), reduced to one entry per distinct such key: its first
    and last time and the position of its first row, in order of that row.

    Why runs: a million-line log's rows, each with a packed key and its
    codes as int64, held ~75 MB per million rows at the read's peak (the
    host check was its top).  Rows of one keepalived process follow each
    other in a time-ordered log, so the runs are found by comparing each
    key column with itself shifted (a byte per row).  Why reduced, a
    `_CHUNK` of rows at a time: the runs of a dense log are a third of its
    rows (its hosts' lines interleave), ~50 bytes each when all held (the
    dense 10M file's read peaked there); the keys are few (processes).

    Each column's codes number its values in order of first appearance in
    the frame, as `pd.factorize` of the whole column would: a value's first
    row is the first row of the first entry (in row order) that has it.
    -1: missing.
    """

    hosts: np.ndarray
    host_names: list[str]
    sources: np.ndarray
    source_names: list[str]
    programs: np.ndarray
    program_names: list[str]
    pids: np.ndarray
    pid_values: list[int]
    timed: np.ndarray  # the entry's rows have a time
    first: np.ndarray  # its first and last time (ns)
    last: np.ndarray


#: Rows per step of `_runs`: bounds what it holds, whatever the log's size.
_CHUNK = 1 << 20

_SPAN_KEYS = ["host", "source", "program", "pid", "timed"]

#: Runs of pieces below which `RunsOf` does not join them (`RunsOf._join`).
_JOIN_RUNS = 1 << 16


def _runs(frame: pd.DataFrame, chunk: int = _CHUNK) -> _Runs:
    """The `_Runs` of a non-empty frame."""
    runs = RunsOf()
    for lo in range(0, len(frame), chunk):
        runs.add(frame.iloc[lo : lo + chunk])
    return runs.result()


class RunsOf:
    """`_Runs` of consecutive pieces of a frame, given one after the other.

    A piece's first row starts a run; the reduction joins it to the previous
    piece's last (`_reduced`).  Pieces may carry different categories (the
    windows of `kalog.ingest.stream`): their codes are renumbered into codes
    for the whole, one number per distinct value.
    """

    def __init__(self) -> None:
        self.names: dict[str, dict[str, int]] = {key: {} for key in ("host", "source", "program")}
        self.pieces: list[pd.DataFrame] = []
        self.rows = 0
        self._since = 0  # the last `mark`: the pieces from it on may be joined
        self._joined = 0  # the runs of the last join (`_join`)

    def add(self, piece: pd.DataFrame) -> None:
        """The runs of the next `piece` of rows, reduced to their keys."""
        if piece.empty:
            return
        ts = piece["ts"]
        if ts.array.unit != "ns":  # (the frame's is; a frame built otherwise may not be)
            ts = ts.dt.as_unit("ns")
        times = ts.array.asi8  # int64 ns (UTC for aware times), a view; NaT: int64 min
        keys = [self._codes(name, piece[name]) for name in ("host", "source", "program")]
        pid = piece["pid"]
        pids = pid.to_numpy(dtype=np.int64 if pid.dtype != "Int32" else np.int32, na_value=-1)
        timed = times != np.iinfo(np.int64).min
        change = np.zeros(len(piece), dtype=bool)
        change[:1] = True  # a piece's first row starts a run (the reduction joins them)
        step = np.empty(max(len(piece) - 1, 0), dtype=bool)
        for values in (*keys, pids, timed):
            np.not_equal(values[1:], values[:-1], out=step)
            change[1:] |= step
        starts = np.flatnonzero(change)
        del change, step
        runs = pd.DataFrame(
            {
                "host": keys[0][starts],
                "source": keys[1][starts],
                "program": keys[2][starts],
                "pid": pids[starts],
                "timed": timed[starts],
                "first": np.minimum.reduceat(times, starts),
                "last": np.maximum.reduceat(times, starts),
                "at": starts + self.rows,
            }
        )
        self.pieces.append(_reduced(runs))
        self.rows += len(piece)
        self._join()

    def _join(self) -> None:
        """The pieces since the last mark reduced into one, once the runs added
        since the last join are as many as it left (and all of them at least
        `_JOIN_RUNS`).

        Why: a log of many restarts has a key per process (the dense 10M
        file 227k), in every window's piece that sees it; held to the end,
        the pieces of that file were 808k runs, and joining them all there
        set `kalog events`' peak.  Joined as they come, at most about twice
        the keys are held, and each join costs about the runs added since
        the previous one.  Reducing is associative (earliest first, latest
        last, first row), so the result is the same; pieces before the last
        mark are left as they are (`move_times` moves them by mark).
        """
        pending = self.pieces[self._since :]
        if len(pending) < 2 or sum(map(len, pending)) < max(2 * self._joined, _JOIN_RUNS):
            return
        joined = _reduced(pd.concat(pending, ignore_index=True))
        self.pieces[self._since :] = [joined]
        self._joined = len(joined)

    def mark(self) -> int:
        """Where the runs added from now on begin (`move_times`)."""
        self._since, self._joined = len(self.pieces), 0
        return self._since

    def move_times(self, since: int, move: Callable[[np.ndarray], np.ndarray]) -> None:
        """The first and last times (int64 ns) of the runs added since `since`
        (`mark`), mapped by `move`, which must keep their order: the earliest
        and latest time of a run then stay the earliest and latest."""
        for piece in self.pieces[since:]:
            for name in ("first", "last"):
                piece[name] = move(piece[name].to_numpy(dtype=np.int64, copy=True))

    def _codes(self, name: str, column: pd.Series) -> np.ndarray:
        """The column's codes in the whole's numbering (-1 missing)."""
        codes, values = column_codes(column)
        ids = self.names[name]
        lookup = np.array(
            [ids.setdefault(str(value), len(ids)) for value in values.tolist()] + [-1],
            dtype=np.int64,
        )
        if np.array_equal(lookup[:-1], np.arange(len(lookup) - 1)):
            return codes  # numbered alike already (the chunks of one frame): no copy
        return lookup[codes]  # code -1 (missing) picks the last slot

    def result(self) -> _Runs:
        """The `_Runs` of every piece added (at least one row in all)."""
        spans = _reduced(pd.concat(self.pieces, ignore_index=True)).sort_values("at", kind="stable")
        self.pieces.clear()
        (hosts, host_names), (sources, source_names), (programs, program_names) = (
            _first_seen(spans[name].to_numpy(), list(self.names[name]))
            for name in ("host", "source", "program")
        )
        pid_codes, pid_values = _first_seen(spans["pid"].to_numpy(), None)
        return _Runs(
            hosts,
            host_names,
            sources,
            source_names,
            programs,
            program_names,
            pid_codes,
            pid_values,
            spans["timed"].to_numpy(),
            spans["first"].to_numpy(),
            spans["last"].to_numpy(),
        )


def _reduced(runs: pd.DataFrame) -> pd.DataFrame:
    """One row per distinct key of `runs`, in order of the key's first row: the
    earliest first time, the latest last time and the first row (`at`).

    What `groupby(_SPAN_KEYS, sort=False)` with min, max and min gives
    (`_reduced_plain`), on the keys packed into one int64 and sorted: the
    groupby on five key columns took ~110 bytes a run at its peak, which
    set `kalog events`' peak on the dense 10M file (808k runs joined at the
    input's end); this takes about a third.  Keys too far apart to pack
    into 62 bits go to the groupby.
    """
    key = _packed([runs[name].to_numpy() for name in _SPAN_KEYS])
    if key is None or not len(key):
        return _reduced_plain(runs)
    order = np.argsort(key, kind="stable")
    key = key[order]
    starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
    del key
    rows = order[starts]  # each key's first row: the sort is stable
    shown = np.argsort(rows, kind="stable")  # the keys in order of their first row
    found = {name: runs[name].to_numpy()[rows[shown]] for name in _SPAN_KEYS}
    for name, reduce in (("first", np.minimum), ("last", np.maximum), ("at", np.minimum)):
        found[name] = reduce.reduceat(runs[name].to_numpy()[order], starts)[shown]
    return pd.DataFrame(found)


def _reduced_plain(runs: pd.DataFrame) -> pd.DataFrame:
    """`_reduced` by pandas' groupby (the keys that do not pack)."""
    return runs.groupby(_SPAN_KEYS, sort=False, as_index=False).agg(
        first=("first", "min"), last=("last", "max"), at=("at", "min")
    )


def _packed(columns: list[np.ndarray]) -> np.ndarray | None:
    """One int64 per row that differs where any of `columns` (integers or
    booleans) does; None when their ranges' product passes 2**62."""
    key = np.zeros(len(columns[0]), dtype=np.int64)
    span = 1
    for values in columns:
        values = values.astype(np.int64, copy=False)
        low = int(values.min()) if len(values) else 0
        width = (int(values.max()) if len(values) else 0) - low + 1
        span *= width
        if span >= 1 << 62:
            return None
        key *= width
        key += values - low
    return key


def _first_seen(codes: np.ndarray, values: list[Any] | None) -> tuple[np.ndarray, list[Any]]:
    """`codes` (-1 missing) renumbered in order of first appearance, and the values
    (`values[code]`; None: the codes are the values) in that order."""
    renumbered = np.full(len(codes), -1, dtype=np.int64)
    present = codes >= 0
    renumbered[present], seen = pd.factorize(codes[present])
    found = [int(v) for v in seen.tolist()]
    return renumbered, found if values is None else [values[i] for i in found]


def _processes(runs: _Runs) -> dict[str, list[_Process]]:
    """host -> the keepalived processes (program, pid) of its lines, per input,
    with their spans: those that may run at once with another (`_at_once`).

    One grouping, on integer codes, of the runs whose rows carry a host, a
    program, a pid and a time (a million-line log in ~0.1 s: no Python
    string per row).  Only the processes of a host and program whose spans
    overlap (`_overlapping`) become objects: a log of many restarts has a
    process per restart (the dense 10M file 227k), and one object each held
    ~100 MB at the end of the read, for no pair.
    """
    usable = (runs.hosts >= 0) & (runs.sources >= 0) & (runs.programs >= 0) & (runs.pids >= 0)
    usable &= runs.timed
    if not usable.any():
        return {}
    widths = [len(runs.source_names), len(runs.program_names), len(runs.pid_values)]
    key = runs.hosts[usable].copy()
    for codes, width in zip((runs.sources, runs.programs, runs.pids), widths, strict=True):
        key *= width
        key += codes[usable]
    spans = (
        pd.DataFrame({"min": runs.first[usable], "max": runs.last[usable]})
        .groupby(key, sort=True)
        .agg({"min": "min", "max": "max"})
    )
    packed_keys = spans.index.to_numpy()
    firsts, lasts = spans["min"].to_numpy(), spans["max"].to_numpy()
    # each process' (host, program): the pairs `_at_once` looks for are within one
    rest = packed_keys // widths[2]
    group = rest // widths[1] // widths[0] * widths[1] + rest % widths[1]
    keep = _overlapping(group, firsts, lasts)
    found: dict[str, list[_Process]] = {}
    for packed, first, last in zip(
        packed_keys[keep].tolist(), firsts[keep].tolist(), lasts[keep].tolist(), strict=True
    ):
        rest, pid = divmod(packed, widths[2])
        rest, program = divmod(rest, widths[1])
        host, source = divmod(rest, widths[0])
        found.setdefault(runs.host_names[host], []).append(
            _Process(
                runs.source_names[source],
                runs.program_names[program],
                runs.pid_values[pid],
                first,
                last,
            )
        )
    return found


def _overlapping(group: np.ndarray, first: np.ndarray, last: np.ndarray) -> np.ndarray:
    """Which spans (`first`-`last`, int ns) are in a `group` where two spans
    overlap (one's first before the other's last, strictly, as `_at_once`
    says at once): a mask.

    Sorted by group, first and last, a span overlaps an earlier one of its
    group when the latest last before it is after its first.  Every pair
    `_at_once` finds is two spans of one group that overlap, so a group
    without such a span has no pair; pids are left to `_at_once`.  Whole
    groups, not single spans: `_at_once` lists its pairs program by program
    in the order of each one's first process, which dropping a program's
    first span alone could change (and with it which pair a warning names).
    """
    if len(group) < 2:
        return np.zeros(len(group), dtype=bool)
    order = np.lexsort((last, first, group))
    ordered = group[order]
    latest = pd.Series(last[order]).groupby(ordered).cummax().to_numpy()
    overlap = (ordered[1:] == ordered[:-1]) & (latest[:-1] > first[order][1:])
    return np.isin(group, ordered[1:][overlap])


def _at_once(processes: list[_Process]) -> list[tuple[_Process, _Process]]:
    """Pairs of processes of one program, different pids, alive at the same time.

    "At the same time": each one's first line before the other's last
    (strictly: a process that stops in the second its successor starts, as
    one-second stamps show a restart, is not a second machine).
    """
    found: list[tuple[_Process, _Process]] = []
    by_program: dict[str, list[_Process]] = {}
    for process in processes:
        by_program.setdefault(process.program, []).append(process)
    for items in by_program.values():
        items.sort(key=lambda p: (p.first, p.last))
        for i, a in enumerate(items):
            for b in items[i + 1 :]:
                if b.first >= a.last:
                    break
                if b.pid != a.pid:
                    found.append((a, b))
    return found


def _clock(ns: int) -> str:
    return pd.Timestamp(ns).strftime("%Y-%m-%d %H:%M:%S")


def separate_hosts(
    frame: pd.DataFrame, host_of: Mapping[str, str] | None = None
) -> tuple[dict[tuple[str, str], str], dict[str, list[str]], list[str]]:
    """Decide which (input, host) rows are which machine (the module docstring).

    Returns ({(source, host): new name} for the rows renamed, {host: its new
    names} for each name kept apart, the warning lines).  `host_of` names
    the inputs whose host the user gave (those names are never split).
    """
    if frame.empty:
        return {}, {}, []
    return hosts_apart(_runs(frame), host_of)


def hosts_apart(
    runs: _Runs, host_of: Mapping[str, str] | None = None
) -> tuple[dict[tuple[str, str], str], dict[str, list[str]], list[str]]:
    """`separate_hosts` of a frame whose runs are `runs` (`RunsOf`)."""
    named = set((host_of or {}).values())
    present = (runs.hosts >= 0) & (runs.sources >= 0)
    sources_of: dict[str, list[str]] = {}
    width = max(len(runs.source_names), 1)
    for packed in pd.unique(runs.hosts[present] * width + runs.sources[present]).tolist():
        host, source = divmod(packed, width)
        sources_of.setdefault(runs.host_names[host], []).append(runs.source_names[source])
    processes = _processes(runs)
    renamed: dict[tuple[str, str], str] = {}
    apart: dict[str, list[str]] = {}
    notes: list[str] = []
    for host, its_sources in sources_of.items():
        if host in named:
            continue
        clashes = _at_once(processes.get(host, []))
        inside = [(a, b) for a, b in clashes if a.source == b.source]
        if inside:
            a, b = inside[0]
            notes.append(
                f"{host}: two keepalived processes at once in {a.source} "
                f"({a.program}[{a.pid}] and [{b.pid}], from {_clock(b.first)}): "
                "two machines with one name? read as one host"
            )
        if len(its_sources) < 2:
            continue
        between = [(a, b) for a, b in clashes if a.source != b.source]
        by_directory: dict[str, list[str]] = {}
        for source in its_sources:
            by_directory.setdefault(_directory(source), []).append(source)
        groups: list[tuple[str, list[str]]] = []  # (the path labelled, its inputs)
        split_files: list[tuple[_Process, _Process]] = []
        for directory, members in by_directory.items():
            within = [(a, b) for a, b in between if a.source in members and b.source in members]
            if within:
                split_files.extend(within)
                groups.extend((s if s == "-" else os.path.abspath(s), [s]) for s in members)
            else:
                groups.append((directory, members))
        if len(groups) < 2:
            continue
        labels = _labels([path for path, _members in groups])
        names = []
        for path, members in groups:
            name = f"{host}@{labels[path]}"
            names.append(name)
            for source in members:
                renamed[(source, host)] = name
        apart[host] = sorted(names)
        if split_files:
            a, b = split_files[0]
            why = (
                f"two keepalived processes at once: {a.program}[{a.pid}] in {a.source} and "
                f"[{b.pid}] in {b.source}, from {_clock(b.first)}"
            )
        else:
            why = f"files in {len(by_directory)} directories"
        notes.append(
            f"host {host} is {len(names)} machines ({why}): kept apart as "
            f"{', '.join(names)}; --host-of PATH=HOST names a file's host"
        )
    return renamed, apart, notes


def apply_names(frame: pd.DataFrame, renamed: Mapping[tuple[str, str], str]) -> None:
    """Rename the rows of each (source, host) in `renamed`, in place."""
    if not renamed:
        return
    host = frame["host"].astype(object).to_numpy().copy()
    source = frame["source"].astype(object).to_numpy()
    for (from_source, from_host), name in renamed.items():
        host[(source == from_source) & (host == from_host)] = name
    frame["host"] = _like(frame["host"], host)


def name_inputs(frame: pd.DataFrame, host_of: Mapping[str, str]) -> None:
    """Give every row of each input in `host_of` (its name as given) that host, in place."""
    if not host_of or frame.empty:
        return
    host = frame["host"].astype(object).to_numpy().copy()
    source = frame["source"].astype(object).to_numpy()
    for path, name in host_of.items():
        host[source == path] = name
    frame["host"] = _like(frame["host"], host)


def _like(column: pd.Series, values: np.ndarray) -> Any:
    """`values` (objects) in the dtype of `column`: the frame's categorical
    host (new names are new categories, `events.category_column`) or another."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        return category_column(values)
    return pd.array(values, dtype=column.dtype)
