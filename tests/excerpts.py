"""Cut windows (excerpts) out of real captures and hold the model on each to the full log's.

Helpers of tests/test_excerpt_windows.py (issue 13).  A *capture* is the set of
files of one incident; a *window* is a contiguous slice of lines of one or more
of its files, written to a temporary directory under the same file names (so
the hosts of bare and console files, named after the file, stay the same),
read with the capture's fixed `year=` and replayed.  Window lines are mapped
back to the full file's numbers with the slice's first line, so every claim
of the window's model can be set beside the full model's claim for the same
line.

The checks (per window; `check_window`):

(a) state agreement.  A host's lines are ordered by (time, file, line) -- the
    frame's own order for ties.  The state "as of line L" in a model is the
    state of the last segment (in segment list order) whose key (start, file,
    line) is <= L's key; a segment that no line opened (implied, poll) has
    key (start, -1, -1): it sorts before every line of the same instant.  For
    every window line L of host h and every instance I of h in the window's
    model: if the window's state as of L is known (a segment of the run in
    force at L -- a new run's start line ends what the window knew of the run
    before -- and its state is not UNKNOWN) it must equal the full model's state as of L (a
    full model with no segment in force, or UNKNOWN, there is a difference
    too: the window then claims more than the whole log).  Where the window
    segment's priority basis is `logged` and the full model's is `logged`
    too, the priorities must be equal.  Times: a line's logged time; a host
    none of whose lines has a time (bare pasted messages) is placed by the
    model's stand-in times (`UNTIMED_BASE` + line ms), renumbered to the full
    file, so its lines are compared in line order; an untimed line of a
    timed host is skipped (the model lends it a neighbour's time, which a
    window may legitimately pick from the other side).  A line that only the
    window's read makes an event of (the reader judges a bare line by its
    neighbours) is placed by the window's time.
(b) transitions kept.  Every full-model transition whose proving lines lie
    inside the window appears among the window model's transitions with the
    same host, instance, direction, to_state and time, and with the same
    cause or cause `unknown` (the weaker "the peer's log is missing").  The
    proving lines are `Transition.evidence` (the peers' lines included; at
    least one) plus the lines that established the states the explanation
    read, as the full model's segments record them (the opener of the first
    segment of the stretch of that state; nothing for an implied one):
    a change out of MASTER, the MASTER it left (a lone "Stopping" line does
    not show that a MASTER stopped); a change into MASTER naming a previous
    master, that peer's MASTER and its first line at or after the change (a
    peer whose log ends first may have stopped since); `peer_fault`, the
    peer's MASTER before its FAULT; `startup` and `address_owner`, the run's
    start line.  A window without those lines cannot know what the full
    model read in them.
(c) nothing past a host's last line.  With `end[h]` the latest time of the
    window's lines of host h (read from the window's frame, not from the
    model): every window segment ends at or before `end[h]`, and every window
    transition of h is at or before it.
(d) no invented changes.  Every window transition matches a full-model
    transition with the same host, instance, time and direction; or it is
    one the window cannot date: a full-model change of the same host,
    instance, direction and state entered, earlier, whose dating line (the
    one that opened the state entered) is outside the window, with no other
    change of the instance between the two times (the window first sees it
    at a later line, e.g. "sent 0 priority" after a "Stopping" it does not
    hold).

A window *holds* when none of the four finds a difference.  The windows of a
capture (`windows`): the whole capture; each file of a multi-file capture
alone (whole, and one random slice); seeded random windows; and windows that
begin or end within 3 lines of each full-model change's proving lines.
"""

from __future__ import annotations

import os
import random
import tempfile
import warnings
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

import kalog
from kalog.model.timeline import Segment, Timeline

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
CORPUS = ROOT / "tests" / "data" / "corpus"

#: Corpus files known to be two hosts of one incident.  001 and 002 are too, but
#: both machines log as vagrant-ubuntu-trusty-64 and kalog merges them into one
#: host (issue 16, host identity): replayed together they are not one story to
#: hold windows to, so they are captures of their own only.
CORPUS_PAIRS = (
    ("020", "097"),
    ("069", "070"),
    ("073", "074"),
    ("009", "039"),
    ("032", "042"),
)

#: What the tests print (pytest_terminal_summary in tests/conftest.py).
SUMMARY: list[str] = []

#: Key of a line or segment on its host: (time ns, file index, line); (time, -1, -1)
#: for a segment that no line opened.
Key = tuple[int, int, int]


# ---------------------------------------------------------------------------
# captures and windows


@dataclass(frozen=True)
class Capture:
    name: str
    files: tuple[Path, ...]
    year: int | None = None


def captures() -> list[Capture]:
    """Every capture: lab (.log and .console sets apart), seed ex1/ex2, corpus files, pairs."""
    found: list[Capture] = []
    for scenario in sorted((SAMPLES / "lab").iterdir()):
        if not scenario.is_dir():
            continue
        for suffix in ("log", "console"):
            files = tuple(sorted(scenario.glob(f"node-*.{suffix}")))
            if files:
                found.append(Capture(f"lab/{scenario.name}/{suffix}", files))
    for example in ("ex1", "ex2"):
        files = tuple(sorted((SAMPLES / "seed").glob(f"{example}-*.log")))
        found.append(Capture(f"seed/{example}", files, 2014))
    for path in sorted(CORPUS.glob("*.log")):
        found.append(Capture(f"corpus/{path.stem}", (path,), 2020))
    for a, b in CORPUS_PAIRS:
        files = (CORPUS / f"{a}.log", CORPUS / f"{b}.log")
        found.append(Capture(f"corpus/{a}+{b}", files, 2020))
    return found


@dataclass(frozen=True)
class Window:
    """Slices (file name, first line, last line; 1-based, inclusive), in capture file order."""

    capture: str
    kind: str  # whole | host | random | edge
    slices: tuple[tuple[str, int, int], ...]

    def describe(self) -> str:
        parts = " ".join(f"{name}:{a}-{b}" for name, a, b in self.slices)
        return f"{self.capture} [{self.kind}] {parts}"


@dataclass(frozen=True)
class Failure:
    window: Window
    check: str  # "a", "b", "c", "d"
    what: str  # a short class label (for grouping)
    detail: str

    def describe(self) -> str:
        return f"{self.window.describe()}: ({self.check}) {self.what}: {self.detail}"


def _read(paths: Sequence[Path], year: int | None) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # corpus files warn about unparsed lines
        return kalog.read_events([str(p) for p in paths], year=year)


def _ns(ts: Any) -> int | None:
    """A time as int ns (naive taken as is), None for NaT/None."""
    if ts is None or pd.isna(ts):
        return None
    return int(pd.Timestamp(ts).value)


#: The stand-in time of line N of an input without any time is this + N ms
#: (kalog.model.timeline.UNTIMED_BASE; restated so the harness also runs on
#: a kalog that predates it).
_UNTIMED_NS = pd.Timestamp("1678-01-01").value
_MS = 1_000_000


def _untimed(ns: int | None) -> int | None:
    """The line a stand-in time stands for (None for a real time or none)."""
    if ns is None or pd.Timestamp(ns).year != 1678:
        return None
    return (ns - _UNTIMED_NS) // _MS


def _stand_in(line: int) -> int:
    return _UNTIMED_NS + line * _MS


@dataclass
@dataclass
class View:
    """A model (full or window) in the full files' coordinates.

    Lines: the frame's rows with a host, numbered as in the full file, with a
    time: the logged one, or, for a host none of whose lines has a time, the
    stand-in time of its full line number (what the full model gives it);
    None for an untimed line of a timed host (the model lends it a
    neighbour's time, which a window may pick differently).  Model times
    that are stand-ins are renumbered to the full file the same way.
    """

    offsets: dict[str, int]
    order: dict[str, int]
    host: list[str] = field(default_factory=list)
    name: list[str] = field(default_factory=list)
    line: list[int] = field(default_factory=list)
    ts: list[int | None] = field(default_factory=list)
    raw: list[str] = field(default_factory=list)
    files_of: dict[str, list[str]] = field(default_factory=dict)  # host -> its files
    untimed_hosts: set[str] = field(default_factory=set)
    ends: dict[str, int] = field(default_factory=dict)  # host -> its last line's time
    #: (host, instance) -> [(key, segment)] in segment list order
    segments: dict[tuple[str, str], list[tuple[Key | None, Segment]]] = field(default_factory=dict)
    transitions: list[tuple[Any, int | None]] = field(default_factory=list)  # (t, its time)
    #: host -> [(key of the run's first line, run number)] in run order
    runs: dict[str, list[tuple[Key | None, int]]] = field(default_factory=dict)

    @classmethod
    def of(
        cls, frame: pd.DataFrame, timeline: Timeline, offsets: dict[str, int], order: dict[str, int]
    ) -> View:
        view = cls(offsets, order)
        keep = frame["host"].notna()
        logged: list[int | None] = []
        for host, source, line, ts, raw in zip(
            frame["host"][keep],
            frame["source"][keep],
            frame["line"][keep],
            frame["ts"][keep],
            frame["raw"][keep],
            strict=True,
        ):
            name = Path(str(source)).name
            view.host.append(str(host))
            view.name.append(name)
            view.line.append(int(line) + offsets[name])
            logged.append(_ns(ts))
            view.raw.append(str(raw))
            files = view.files_of.setdefault(str(host), [])
            if name not in files:
                files.append(name)
        timed = {h for h, ts in zip(view.host, logged, strict=True) if ts is not None}
        view.untimed_hosts = set(view.files_of) - timed
        for host, line, ts in zip(view.host, view.line, logged, strict=True):
            if host in view.untimed_hosts:
                ts = _stand_in(line)
            view.ts.append(ts)
            if ts is not None and (host not in view.ends or ts > view.ends[host]):
                view.ends[host] = ts
        for item in timeline.instances:
            view.segments[(item.host, item.instance)] = [
                (view.key(segment, item.host), segment) for segment in item.segments
            ]
        view.transitions = [(t, view.time(t.ts, t.host)) for t in timeline.transitions]
        for info in timeline.runs:
            view.runs.setdefault(info.host, []).append(
                (view.line_key(info.start, info.source, info.line, info.host), info.run)
            )
        return view

    def time(self, ts: Any, host: str) -> int | None:
        """A model time in full coordinates (stand-in times renumbered)."""
        ns = _ns(ts)
        line = _untimed(ns)
        if line is None:
            return ns
        files = self.files_of.get(host) or [""]
        return _stand_in(line + self.offsets.get(files[0], 0))

    def key(self, segment: Segment, host: str) -> Key | None:
        return self.line_key(segment.start, segment.source, segment.line, host)

    def line_key(self, ts: Any, source: Any, line: Any, host: str) -> Key | None:
        start = self.time(ts, host)
        if start is None:
            return None
        if source is None or line is None:
            return (start, -1, -1)
        name = Path(str(source)).name
        return (start, self.order[name], int(line) + self.offsets[name])

    def where(self, segment: Segment | None, host: str) -> str:
        """A segment for people: state, priority, what opened it, full line, time."""
        if segment is None:
            return "nothing"
        at = "no line"
        if segment.source is not None and segment.line is not None:
            name = Path(str(segment.source)).name
            at = f"{name}:{int(segment.line) + self.offsets[name]}"
        prio = f" prio {segment.priority} {segment.basis}" if segment.priority is not None else ""
        basis = getattr(segment, "state_basis", None)
        state = f"{segment.state}[{basis}]" if basis else segment.state
        return f"{state}{prio} ({segment.cause}, {at}, {_t(self.time(segment.start, host))})"


def _as_of(keyed: Sequence[tuple[Key | None, Segment]], key: Key) -> Segment | None:
    """The last segment (list order) whose key is <= `key`."""
    found = None
    for segment_key, segment in keyed:
        if segment_key is not None and segment_key <= key:
            found = segment
    return found


def _run_as_of(runs: Sequence[tuple[Key | None, int]], key: Key, default: int) -> int:
    """The run in force at `key`: the last whose first line's key is <= it."""
    found = default
    for run_key, run in runs:
        if run_key is not None and run_key <= key:
            found = run
    return found


def _t(ns: int | None) -> str:
    if ns is None:
        return "no time"
    line = _untimed(ns)
    return f"line {line} (no time)" if line is not None else str(pd.Timestamp(ns).time())


class Full:
    """The full capture read and replayed once, with what windows are checked against."""

    def __init__(self, capture: Capture) -> None:
        self.capture = capture
        self.names = [p.name for p in capture.files]
        self.order = {name: i for i, name in enumerate(self.names)}
        self.text = {p.name: p.read_bytes().splitlines(keepends=True) for p in capture.files}
        self.frame = _read(capture.files, capture.year)
        self.timeline = kalog.replay(self.frame)
        self.view = View.of(self.frame, self.timeline, dict.fromkeys(self.names, 0), self.order)
        view = self.view
        self.row = {(n, ln): i for i, (n, ln) in enumerate(zip(view.name, view.line, strict=True))}
        # per file: (line, time) of its rows with a logged time (time-aligned slices)
        self.timed: dict[str, list[tuple[int, int]]] = {name: [] for name in self.names}
        for host, name, line, ts in zip(view.host, view.name, view.line, view.ts, strict=True):
            if ts is not None and host not in view.untimed_hosts:
                self.timed[name].append((line, ts))
        self.dating = {id(t): _dating_line(t, self.timeline) for t in self.timeline.transitions}
        self.proof = {
            id(t): _proving_lines(t, self.timeline, view) for t in self.timeline.transitions
        }

    def size(self, name: str) -> int:
        return len(self.text[name])


def _opener(segment: Segment) -> set[tuple[str, int]]:
    """The line that opened the segment, or for an implied state the lines that implied it."""
    lines = {(Path(str(source)).name, int(line)) for source, line in segment.implied_by}
    if segment.source is None or segment.line is None:
        return lines
    return lines | {(Path(str(segment.source)).name, int(segment.line))}


def _state_proof(segments: Sequence[Segment], k: int) -> set[tuple[str, int]]:
    """The line that established segment k's state: the opener of the first segment of
    the stretch of that state (same run) that k ends; none for an implied one."""
    first = k
    while (
        first > 0
        and segments[first - 1].state == segments[k].state
        and segments[first - 1].run == segments[k].run
    ):
        first -= 1  # back over segments that only changed the priority
    return _opener(segments[first])


def _entered(transition: Any, timeline: Timeline) -> tuple[list[Segment], int | None]:
    """The instance's segments and the index of the segment the change entered."""
    item = timeline.get(transition.host, transition.instance)
    segments = item.segments if item is not None else []
    entered = next(
        (
            k
            for k in range(1, len(segments))
            if segments[k].start == transition.ts
            and segments[k].state == transition.to_state
            and segments[k - 1].state != transition.to_state
        ),
        None,
    )
    return segments, entered


def _dating_line(transition: Any, timeline: Timeline) -> tuple[str, int] | None:
    """The line that opened the state a change entered (the line that dates it)."""
    segments, entered = _entered(transition, timeline)
    found = _opener(segments[entered]) if entered is not None else set()
    return next(iter(found)) if found else None


def _proving_lines(transition: Any, timeline: Timeline, view: View) -> set[tuple[str, int]]:
    """A change's proving lines (module docstring, check b): its evidence, plus the
    lines that established the states its explanation read."""
    lines = {(Path(str(s)).name, int(n)) for s, n in transition.evidence}
    segments, entered = _entered(transition, timeline)
    if not lines or entered is None:
        return lines
    if transition.direction == "from_master":
        return lines | _state_proof(segments, entered - 1)
    if transition.cause in {"startup", "address_owner"}:
        run = segments[entered].run
        lines |= _opener(next(s for s in segments if s.run == run))
    mine = timeline.get(transition.host, transition.instance)
    assert mine is not None
    peers = [
        other
        for other in timeline.instances
        if other.host != mine.host
        and (other.cluster or other.instance) == (mine.cluster or mine.instance)
    ]
    for other in peers:
        theirs = other.segments
        if other.host == transition.previous_master:
            before = [k for k, seg in enumerate(theirs) if seg.start < transition.ts]
            if before and theirs[before[-1]].state in {"MASTER", "GOTO_MASTER"}:
                lines |= _state_proof(theirs, before[-1])
            # and that its log goes on past the change (else it is a master
            # whose log ended, whose state since nobody knows)
            at = view.time(transition.ts, transition.host)
            after = [
                (ts, name, line)
                for host, name, line, ts in zip(
                    view.host, view.name, view.line, view.ts, strict=True
                )
                if host == other.host and ts is not None and at is not None and ts >= at
            ]
            if after:
                lines.add(min(after)[1:])
        if transition.cause == "peer_fault":
            for k, seg in enumerate(theirs):
                if k and seg.state == "FAULT" and _opener(seg) & lines:
                    lines |= _state_proof(theirs, k - 1)  # the MASTER it left
    return lines


def _span(rng: random.Random, size: int) -> tuple[int, int]:
    """A random slice of 1..size lines (length log-uniform), 1-based inclusive."""
    length = max(1, min(size, int(round(size ** rng.random()))))
    start = rng.randint(1, size - length + 1)
    return start, start + length - 1


def _aligned(full: Full, name: str, t0: int, t1: int, rng: random.Random) -> tuple[int, int] | None:
    """The lines of `name` timed within [t0, t1], widened by up to 2 lines each side."""
    inside = [line for line, ts in full.timed[name] if t0 <= ts <= t1]
    if not inside:
        return None
    return min(inside) - rng.randint(0, 2), max(inside) + rng.randint(0, 2)


def _times(full: Full, name: str, a: int, b: int) -> tuple[int, int] | None:
    inside = [ts for line, ts in full.timed[name] if a <= line <= b]
    return (min(inside), max(inside)) if inside else None


class _Windows:
    def __init__(self, full: Full) -> None:
        self.full = full
        self.found: dict[tuple[tuple[str, int, int], ...], Window] = {}

    def add(self, kind: str, slices: dict[str, tuple[int, int]]) -> None:
        full = self.full
        normal = []
        for name in full.names:
            if name not in slices:
                continue
            a, b = slices[name]
            a, b = max(1, a), min(full.size(name), b)
            if a <= b:
                normal.append((name, a, b))
        key = tuple(normal)
        if key and key not in self.found:
            self.found[key] = Window(full.capture.name, kind, key)

    def others(
        self, rng: random.Random, slices: dict[str, tuple[int, int]], anchor: str
    ) -> dict[str, tuple[int, int]]:
        """Slices of the files not in `slices`: time-aligned with `anchor`'s, random, or none."""
        full = self.full
        times = _times(full, anchor, *slices[anchor])
        for name in full.names:
            if name in slices:
                continue
            roll = rng.random()
            if roll < 0.45 and times is not None:
                span = _aligned(full, name, times[0], times[1], rng)
                if span is not None:
                    slices[name] = span
            elif roll < 0.6:
                slices[name] = _span(rng, full.size(name))
        return slices


def windows(full: Full, *, random_count: int = 8, edge_count: int = 4) -> list[Window]:
    """The windows of one capture: the whole capture; in a multi-file capture each file
    alone (whole, and one random slice); `random_count` random windows (a random slice
    of one file, the others time-aligned, random or left out); and `edge_count` per
    full-model change of master that begin or end within 3 lines of its proving lines
    (inside a failover), the other side random.  Each family has its own seed (the
    capture's name; a change's host, instance and time), so a count or a new change
    does not move the others' windows."""

    def seeded(*parts: object) -> random.Random:
        return random.Random(zlib.crc32(repr((full.capture.name, *parts)).encode()))

    made = _Windows(full)
    names = full.names
    made.add("whole", {name: (1, full.size(name)) for name in names})
    if len(names) > 1:
        rng = seeded("host")
        for name in names:
            made.add("host", {name: (1, full.size(name))})
            made.add("host", {name: _span(rng, full.size(name))})
    rng = seeded("random")
    for _ in range(random_count):
        anchor = rng.choice(names)
        made.add("random", made.others(rng, {anchor: _span(rng, full.size(anchor))}, anchor))
    for transition in full.timeline.transitions:
        by_file: dict[str, list[int]] = {}
        for name, line in sorted(full.proof[id(transition)]):
            by_file.setdefault(name, []).append(line)
        if not by_file:
            continue
        rng = seeded("edge", transition.host, transition.instance, str(transition.ts))
        for _ in range(edge_count):
            slices = {}
            for name, lines in by_file.items():
                lo, hi = min(lines), max(lines)
                mode = rng.choice(("start", "end", "both"))
                a = lo + rng.randint(-3, 3) if mode != "end" else lo - rng.randint(0, 30)
                b = hi + rng.randint(-3, 3) if mode != "start" else hi + rng.randint(0, 30)
                slices[name] = (a, max(a, b))
            anchor = next(iter(by_file))
            made.add("edge", made.others(rng, slices, anchor))
    return list(made.found.values())


# ---------------------------------------------------------------------------
# one window


class HarnessError(AssertionError):
    """The harness itself is wrong (a window line does not map to the same full line)."""


def replay_window(full: Full, window: Window, directory: Path) -> View:
    """Write the window's slices under their file names, read, replay, map to full lines."""
    paths = []
    sources = {p.name: p for p in full.capture.files}
    for name, a, b in window.slices:
        path = directory / name
        path.write_bytes(b"".join(full.text[name][a - 1 : b]))
        # the window keeps its file's date: lines without a date (corpus 043's
        # "13:03:21 hostA ...") take the file's, and a window written after
        # midnight would otherwise be read a day later than the full file
        stat = sources[name].stat()
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
        paths.append(path)
    frame = _read(paths, full.capture.year)
    offsets = {name: a - 1 for name, a, _ in window.slices}
    view = View.of(frame, kalog.replay(frame), offsets, full.order)
    for name, line, raw in zip(view.name, view.line, view.raw, strict=True):
        row = full.row.get((name, line))
        text = full.text[name][line - 1].decode("utf-8", "replace")
        if (full.view.raw[row] != raw) if row is not None else (raw.strip() not in text):
            raise HarnessError(f"{window.describe()}: {name}:{line} is not the full file's line")
    return view


def check_window(full: Full, window: Window, view: View) -> list[Failure]:
    """The four checks of the module docstring; one Failure per difference class and instance."""
    failures: list[Failure] = []
    seen: set[tuple[str, str, str, str]] = set()
    whole = full.view

    def fail(check: str, what: str, host: str, instance: str, detail: str) -> None:
        if (check, what, host, instance) in seen:
            return  # the first difference of a kind per instance tells it
        seen.add((check, what, host, instance))
        failures.append(Failure(window, check, what, f"{host}/{instance}: {detail}"))

    instances: dict[str, list[str]] = {}
    for host, instance in view.segments:
        instances.setdefault(host, []).append(instance)

    # (a) state agreement, line by line
    for host, name, line, ts in zip(view.host, view.name, view.line, view.ts, strict=True):
        row = full.row.get((name, line))
        full_ts = whole.ts[row] if row is not None else ts
        if ts is None or full_ts is None:
            continue  # an untimed line of a timed host: its model time is borrowed
        if ts != full_ts:
            fail("a", "line time differs", host, "*", f"{name}:{line} {_t(ts)} vs {_t(full_ts)}")
            continue
        key = (ts, full.order[name], line)
        for instance in instances.get(host, ()):
            got = _as_of(view.segments[(host, instance)], key)
            if got is None or got.state == "UNKNOWN":
                continue
            if got.run != _run_as_of(view.runs.get(host, []), key, got.run):
                continue  # the window's run at L names no such instance: it claims nothing
            want = _as_of(whole.segments.get((host, instance), []), key)
            if want is None or want.state == "UNKNOWN":
                what = "window knows, full does not"
            elif want.state != got.state:
                what = "state differs"
            elif got.basis == "logged" and want.basis == "logged" and got.priority != want.priority:
                what = "logged priority differs"
            else:
                continue
            fail(
                "a",
                what,
                host,
                instance,
                f"as of {name}:{line}: window {view.where(got, host)}, "
                f"full {whole.where(want, host)}",
            )

    # (b) full transitions proven inside the window are kept
    inside = {name: (a, b) for name, a, b in window.slices}

    def within(name: str, line: int) -> bool:
        span = inside.get(name)
        return span is not None and span[0] <= line <= span[1]

    for want, want_ts in whole.transitions:
        proof = full.proof[id(want)]
        if not proof or not all(within(name, line) for name, line in proof):
            continue
        same = [
            t
            for t, ts in view.transitions
            if (t.host, t.instance, t.direction, t.to_state, ts)
            == (want.host, want.instance, want.direction, want.to_state, want_ts)
        ]
        lines = ", ".join(f"{name}:{line}" for name, line in sorted(proof))
        if not same:
            fail(
                "b",
                f"{want.direction} missing",
                want.host,
                want.instance,
                f"{want.from_state}->{want.to_state} at {_t(want_ts)} ({want.cause}; "
                f"proving lines {lines}) not in the window",
            )
        elif not any(t.cause in (want.cause, "unknown") for t in same):
            fail(
                "b",
                f"{want.direction} cause differs",
                want.host,
                want.instance,
                f"at {_t(want_ts)} full {want.cause!r} ({want.detail}), window "
                f"{same[0].cause!r} ({same[0].detail}) (proving lines {lines})",
            )

    # (c) nothing past a host's last line
    for (host, instance), keyed in view.segments.items():
        end = view.ends.get(host)
        for _, segment in keyed:
            stop = view.time(segment.end, host)
            if end is not None and stop is not None and stop > end:
                fail(
                    "c",
                    "segment ends past the host's last line",
                    host,
                    instance,
                    f"{view.where(segment, host)} ends {_t(stop)}, host's last line {_t(end)}",
                )
    for t, at in view.transitions:
        end = view.ends.get(t.host)
        if end is not None and at is not None and at > end:
            fail(
                "c",
                "transition past the host's last line",
                t.host,
                t.instance,
                f"{t.direction} at {_t(at)}, host's last line {_t(end)}",
            )

    # (d) no change of master the full model does not have
    known = {(t.host, t.instance, ts, t.direction) for t, ts in whole.transitions}
    for t, ts in view.transitions:
        if (t.host, t.instance, ts, t.direction) not in known and not _dated_late(
            full, t, ts, within
        ):
            fail(
                "d",
                f"{t.direction} not in the full model",
                t.host,
                t.instance,
                f"{t.from_state}->{t.to_state} at {_t(ts)} ({t.cause}: {t.detail})",
            )
    return failures


def _dated_late(full: Full, t: Any, ts: int | None, within: Any) -> bool:
    """Whether window change `t` at `ts` is a full-model change the window cannot
    date: same host, instance, direction and state entered, earlier, its dating
    line (the line that opened the state entered) outside the window, and no
    other change of the instance between them: the window saw it first at a
    later line (e.g. "sent 0 priority" after a "Stopping" the window lacks)."""
    if ts is None:
        return False
    mine = [
        (other, at)
        for other, at in full.view.transitions
        if (other.host, other.instance) == (t.host, t.instance) and at is not None
    ]
    for other, at in mine:
        if (other.direction, other.to_state) != (t.direction, t.to_state) or at >= ts:
            continue
        dating = full.dating[id(other)]
        if dating is not None and within(*dating):
            continue
        if not any(at < between <= ts for _, between in mine if between != at):
            return True
    return False


# ---------------------------------------------------------------------------
# a whole capture


@dataclass
class Outcome:
    capture: str
    windows: int
    failures: list[Failure]  # every failure of every window
    failed: list[Window]  # windows with at least one failure, in order


def run_capture(capture: Capture, **counts: int) -> Outcome:
    full = Full(capture)
    cut = windows(full, **counts)
    failures: list[Failure] = []
    failed: list[Window] = []
    with tempfile.TemporaryDirectory(prefix="kalog-window-") as tmp:
        for k, window in enumerate(cut):
            directory = Path(tmp) / str(k)
            directory.mkdir()
            found = check_window(full, window, replay_window(full, window, directory))
            if found:
                failed.append(window)
                failures.extend(found)
    return Outcome(capture.name, len(cut), failures, failed)


def run_one(full: Full, window: Window) -> list[Failure]:
    """One window alone (shrinking a failure by hand)."""
    with tempfile.TemporaryDirectory(prefix="kalog-window-") as tmp:
        return check_window(full, window, replay_window(full, window, Path(tmp)))


def run_all(chosen: Iterable[Capture], workers: int = 1, **counts: int) -> Iterator[Outcome]:
    """Every capture's outcome, largest captures first; `workers` > 1 spreads the
    captures over that many processes (spawned: pyarrow's threads do not fork)."""
    chosen = sorted(chosen, key=lambda c: -sum(p.stat().st_size for p in c.files))
    if workers <= 1:
        for capture in chosen:
            yield run_capture(capture, **counts)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        futures = [pool.submit(run_capture, capture, **counts) for capture in chosen]
        for future in futures:
            yield future.result()
