"""The replay's shortcuts give the answers of the plain walks they replace (issue 5).

`_split_runs` visits only the rows that can cut a run; `EventColumns` boxes
each distinct time once; `RowTable` rows read like the row dicts they replace.
Each is checked against the plain code on every real log of the repository.
"""

from __future__ import annotations

import bisect
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from conftest import CORPUS, LAB, SEED

from kalog.ingest.frame import read_events
from kalog.model.replay import _HostEvents, _is_vrrp_program, _positions_by_host, _split_hosts
from kalog.model.rows import EventColumns, RowTable, times_ns

pytestmark = pytest.mark.filterwarnings("ignore::kalog.errors.InputWarning")

FILES = [*sorted(CORPUS.glob("*.log")), *sorted(SEED.glob("*.log")), *sorted(LAB.glob("*/*.log"))]


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return read_events(FILES, year=2024)


def _plain_runs(host: str, records: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """The run split walking every row (the code `_split_runs` stands for)."""
    runs: list[dict[str, Any]] = []
    current: dict[str, Any] | None = None
    vrrp_pid = None
    for index, row in enumerate(records):
        kind, pid = row["kind"], row["pid"]
        is_vrrp = _is_vrrp_program(row["program"])
        child = kind == "child_start" and str(row["detail"] or "").upper() in {"VRRP", ""}
        new_run = False
        if kind == "start" or child and current is not None and current["child_start"] is not None:
            new_run = True
        elif current is not None and is_vrrp and pid is not None and vrrp_pid is not None:
            new_run = pid != vrrp_pid
        if current is None or new_run:
            current = {
                "rows": [],
                "start": row["ts"],
                # an input's first "Starting VRRP child" says nothing of the
                # child's earlier lines; a respawn's does
                "started": kind == "start" or (kind == "child_start" and current is not None),
                "child_start": None,
                "version": None,
                "source": row["source"],
                "line": row["line"],
            }
            runs.append(current)
            vrrp_pid = None
        current["rows"].append(index)
        if kind == "start" and row["version"]:
            current["version"] = str(row["version"])
        if child:
            current["child_start"] = row["ts"]
            if row["child_pid"] is not None:
                vrrp_pid = int(row["child_pid"])
        if is_vrrp and pid is not None and vrrp_pid is None:
            vrrp_pid = int(pid)
    return [
        (
            host,
            r["rows"][0],
            r["rows"][-1] + 1,
            r["start"],
            r["started"],
            r["child_start"],
            r["version"],
            r["source"],
            r["line"],
        )
        for r in runs
    ]


def _split_both(frame: pd.DataFrame) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    columns = EventColumns(frame)
    by_host = {h: _HostEvents(columns, p) for h, p in _positions_by_host(columns).items()}
    fast = [
        (
            host,
            run.rows.start,
            run.rows.stop,
            run.start,
            run.started,
            run.child_start,
            run.version,
            run.source,
            run.line,
        )
        for host, runs in _split_hosts(columns, by_host).items()
        for run in runs
    ]
    plain = [
        item
        for host, rows in by_host.items()
        for item in _plain_runs(host, columns.records(rows.positions))
    ]
    return fast, plain


def test_split_runs_equals_the_walk_over_every_row(frame: pd.DataFrame) -> None:
    fast, plain = _split_both(frame)
    assert fast == plain
    assert len(fast) > 50


def test_split_runs_equals_the_walk_on_shuffled_pids_and_lifecycle_lines(
    frame: pd.DataFrame,
) -> None:
    # pid changes, restarts and child starts at places no real log has them
    rng = np.random.default_rng(5)
    odd = frame.copy()
    pids = pd.Series(rng.choice([1, 2, 3], len(odd)), index=odd.index, dtype="Int64")
    odd["pid"] = pids.where(rng.random(len(odd)) > 0.2)
    kinds = odd["kind"].astype(object)
    for kind, share in (("start", 0.01), ("child_start", 0.03)):
        kinds = kinds.where(rng.random(len(odd)) > share, kind)
    odd["kind"] = kinds.astype(frame["kind"].dtype)
    fast, plain = _split_both(odd)
    assert fast == plain
    assert len(fast) > 200


def test_timestamps_boxed_once_per_time_equal_boxing_each_row(frame: pd.DataFrame) -> None:
    columns = EventColumns(frame)
    positions = np.arange(len(frame))[::-1]
    boxed = frame["ts"].array.take(positions).astype(object)
    expected = [None if value is pd.NaT else value for value in boxed]
    got = columns.values("ts", positions)
    assert got == expected
    assert [type(v) for v in got] == [type(v) for v in expected]
    assert columns.values("ts", []) == []


@pytest.mark.parametrize("tz", [None, "UTC", "Europe/Paris"])
@pytest.mark.parametrize("unit", ["ns", "us", "s"])
def test_times_ns_equal_converting_to_ns(unit: str, tz: str | None) -> None:
    """The view of an ns column's own buffer gives what `dt.as_unit("ns")`
    gives, NaT included, and cannot be written through (it is the frame's)."""
    ts = pd.Series(
        pd.to_datetime(["2024-03-31 00:59:59", None, "2024-03-31 01:00:00", "1969-12-31 23:00:00"])
    ).dt.as_unit(unit)
    if tz is not None:
        ts = ts.dt.tz_localize(tz)
    got = times_ns(ts)
    expected = np.asarray(ts.dt.as_unit("ns").array.asi8, dtype=np.int64)
    assert got.dtype == np.int64
    assert got.tolist() == expected.tolist()
    assert got[1] == np.iinfo(np.int64).min
    if unit == "ns":
        assert np.shares_memory(got, ts.array.asi8)
        with pytest.raises(ValueError):
            got[0] = 0
    if tz in (None, "UTC"):
        assert got[2] == 1_711_846_800_000_000_000  # 2024-03-31T01:00:00Z
    else:
        assert got[2] == 1_711_843_200_000_000_000  # 01:00 in Paris (CET) is 00:00Z


def test_row_views_read_like_row_dicts(frame: pd.DataFrame) -> None:
    columns = EventColumns(frame)
    positions = np.arange(0, len(frame), 3)
    table = RowTable(columns, positions)
    names = ["ts", "kind", "instance", "prio_new", "line", "source", "no_such_column"]
    for row, record in zip(table.rows(), columns.records(positions), strict=True):
        for name in names:
            assert row[name] == record.get(name)
            assert row.get(name) == record.get(name)


def test_integer_columns_read_unfactorized_equal_the_factorized_values(
    frame: pd.DataFrame,
) -> None:
    """`values` of an integer column (int64 `line`, Int64 with missing values)
    read by position equals reading it through its factorized codes."""
    positions = np.arange(len(frame))[::-1]
    for name in ("line", "pid", "child_pid", "prio_new", "exit_status"):
        direct = EventColumns(frame).values(name, positions)
        factorized = EventColumns(frame)
        factorized.codes(name)  # loaded first: `values` takes the codes path
        expected = factorized.values(name, positions)
        assert direct == expected
        assert [type(v) for v in direct] == [type(v) for v in expected]
        assert None in direct or name == "line"


def test_window_lines_found_at_once_equal_the_filter_over_each_window(
    frame: pd.DataFrame,
) -> None:
    """`_Index.owns`: per (reach, end), the host's lines in [reach, end] whose
    instance is the one asked or missing, found for many windows at once."""
    from kalog.model.transitions import _Index

    index = _Index(EventColumns(frame))
    checked = 0
    for host, (start, stop) in index.bounds.items():
        times = index.times[start:stop]
        ends = [*times[::7], times[-1] + 1, times[0] - 1]
        reaches = [end - 5_000_000_000 for end in ends[:-1]] + [ends[-1] + 10]  # last: reach > end
        instances = {index.instance[i] for i in range(start, stop)} - {None}
        for instance in [*instances, "no such instance"]:
            got = index.owns(host, instance, ends, reaches)
            expected = [
                [
                    i
                    for i in range(start, stop)
                    if reach <= index.times[i] <= end and index.instance[i] in (None, instance)
                ]
                for reach, end in zip(reaches, ends, strict=True)
            ]
            assert got == expected
            checked += sum(map(len, got))
    assert checked > 100
    assert index.owns("no such host", "x", [1, 2], [0, 0]) == [[], []]


def test_masters_before_at_once_equal_the_bisect_per_change(frame: pd.DataFrame) -> None:
    """`_masters_before`: per change, the first peer MASTER or GOTO_MASTER one
    microsecond before it, as a bisect per change and peer finds it (also for
    a peer whose segments are out of start order, and one without any)."""
    import dataclasses

    from kalog.model.replay import replay
    from kalog.model.timeline import InstanceTimeline
    from kalog.model.transitions import _History, _masters_before

    def plain(peers: list[InstanceTimeline], ns: int) -> str | None:
        for other in peers:
            starts = [s.start.value for s in other.segments]
            at = bisect.bisect_right(starts, ns - 1000)
            if at and other.segments[at - 1].state in {"MASTER", "GOTO_MASTER"}:
                return other.host
        return None

    items = replay(frame).instances
    shuffled = [dataclasses.replace(item, segments=item.segments[::-1]) for item in items[:3]] + [
        dataclasses.replace(items[0], segments=[])
    ]
    history = _History()
    checked = 0
    for item in items:
        ends = [s.start.value + shift for s in item.segments for shift in (0, 1000, 1001)]
        peers = [other for other in items if other.instance == item.instance and other is not item]
        for group in (peers, [*shuffled, *peers]):
            got = [host for host, _ended in _masters_before(group, ends, history)]
            assert got == [plain(group, end) for end in ends]
            checked += sum(found is not None for found in got)
    assert checked > 50
    assert list(_masters_before(items, [], history)) == []


def test_transitions_ordered_at_once_equal_the_tuple_sort(frame: pd.DataFrame) -> None:
    """`_in_order` (lexsort on int ns and a rank per (instance, host)) gives the
    stable sort on (ts, instance, host), ties included."""
    import dataclasses
    import random

    from kalog.model.replay import replay
    from kalog.model.transitions import _in_order

    timeline = replay(frame)
    transitions = list(timeline.transitions)
    assert len(transitions) > 50
    # ties: the same (ts, instance, host) told apart only by list order
    transitions += [dataclasses.replace(t, detail="copy") for t in transitions[::5]]
    random.Random(3).shuffle(transitions)
    expected = sorted(transitions, key=lambda t: (t.ts.value, t.instance, t.host))
    got = _in_order(list(transitions), timeline.instances)
    assert [id(t) for t in got] == [id(t) for t in expected]


def _as_lists(value: Any) -> Any:
    """`value` with its int views (`memoryview`s of int64 arrays) as lists, for comparing."""
    if isinstance(value, memoryview):
        return value.tolist()
    if isinstance(value, tuple):
        return tuple(_as_lists(v) for v in value)
    if isinstance(value, dict):
        return {k: _as_lists(v) for k, v in value.items()}
    return value


def test_history_facts_equal_the_plain_lists(frame: pd.DataFrame) -> None:
    """`_History.of`: exits, MASTER starts and the per-run facts (numpy on
    int starts) equal the plain list comprehensions over the segments."""
    from kalog.model.replay import replay
    from kalog.model.transitions import _NOT_FRESH, _History

    history = _History()
    checked = 0
    for item in replay(frame).instances:
        segments = item.segments
        exits = [
            after
            for before, after in zip(segments, segments[1:], strict=False)
            if before.state == "MASTER" and after.state != "MASTER"
        ]
        runs: dict[int, list[Any]] = {}
        for segment in segments:
            runs.setdefault(segment.run, []).append(segment)
        expected = (
            [e.start.value for e in exits],
            exits,
            [s.start.value for s in segments if s.state == "MASTER"],
            {run: [s.start.value for s in items] for run, items in runs.items()},
            runs,
            {
                run: [at for at, s in enumerate(items) if s.state in _NOT_FRESH]
                for run, items in runs.items()
            },
        )
        facts = history.of(item)
        assert facts is not None
        by_run = list(facts.by_run)
        got = (
            list(facts.exit_starts),
            facts.exits,
            list(facts.master_starts),
            {run: list(facts.run_starts[lo:hi]) for run, (lo, hi, _) in facts.runs.items()},
            {
                run: [segments[at] for at in by_run[lo:hi]]
                for run, (lo, hi, _) in facts.runs.items()
            },
            {
                run: [
                    at - lo
                    for at in range(lo, hi)
                    if facts.stale_before[at + 1] - facts.stale_before[at]
                ]
                for run, (lo, hi, _) in facts.runs.items()
            },
        )
        assert got == expected
        for run, (lo, _hi, first_bad) in facts.runs.items():
            bad = expected[5][run]
            assert first_bad == (by_run[lo + bad[0]] if bad else -1)
            assert segments[first_bad] is runs[run][bad[0]] if bad else first_bad == -1
        assert _as_lists(history.starts(item)) == [s.start.value for s in segments]
        checked += len(exits)
    assert checked > 20


def _processes_by_groupby(frame: pd.DataFrame) -> dict[str, list[tuple]]:
    """The keepalived processes of each host as their definition says: the rows
    with a host, input, program, pid and time, grouped by those four
    (codes in order of first appearance), first and last time."""
    ts = frame["ts"].dt.tz_convert(None) if frame["ts"].dt.tz else frame["ts"]
    keys = {name: pd.factorize(frame[name]) for name in ("host", "source", "program", "pid")}
    table = pd.DataFrame({name: codes for name, (codes, _) in keys.items()})
    table["ns"] = ts.to_numpy(dtype="datetime64[ns]").view(np.int64)
    table = table[(table[list(keys)] >= 0).all(axis=1) & ts.notna().to_numpy()]
    spans = table.groupby(list(keys), sort=True)["ns"].agg(["min", "max"])
    found: dict[str, list[tuple]] = {}
    for codes, row in spans.iterrows():
        values = [keys[name][1][code] for name, code in zip(keys, codes, strict=True)]
        found.setdefault(str(values[0]), []).append(
            (str(values[1]), str(values[2]), int(values[3]), row["min"], row["max"])
        )
    return found


def test_process_runs_equal_the_groupby_of_every_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`identity._processes` works on runs of rows (`_runs`: a byte per row to
    find them, the runs keyed and reduced a chunk of rows at a time) and
    keeps only the processes whose spans overlap another's of their host and
    program; what it keeps must be those of the groupby of every row, and
    `_at_once` must find the same pairs in them as in all the groupby's, on
    real logs merged (hosts in many inputs, lines without pid or time, two
    machines of one name), on the same rows in no order at all, and whatever
    the chunk (97 rows or all; the pieces joined every few runs, `_JOIN_RUNS`)."""
    import dataclasses
    import warnings

    from kalog.errors import InputWarning
    from kalog.ingest import identity
    from kalog.ingest.identity import _at_once, _Process, _processes, _runs

    monkeypatch.setattr(identity, "_JOIN_RUNS", 5)

    folders = [LAB / name for name in ("script-failover", "split-brain", "seed-ex1")]
    # the split-brain pair as two machines of one name: in two files, in one
    pair = [
        re.sub(r"^(\S+) \S+ ", r"\1 node-a ", line)
        for name in ("node-a", "node-b")
        for line in (LAB / f"split-brain/{name}.log").read_text().splitlines(keepends=True)
    ]
    half = len((LAB / "split-brain/node-a.log").read_text().splitlines())
    (tmp_path / "box1.log").write_text("".join(pair[:half]))
    (tmp_path / "box2.log").write_text("".join(pair[half:]))
    (tmp_path / "messages").write_text("".join(sorted(pair)))
    inputs = [
        sorted(CORPUS.iterdir()),
        [p for folder in folders for p in sorted(folder.glob("*.log"))],
        sorted(SEED.glob("*.log")),
        [tmp_path / "box1.log", tmp_path / "box2.log", *sorted(CORPUS.iterdir())],
        [tmp_path / "messages"],
    ]
    rng = np.random.default_rng(5)
    checked = kept = pairs = 0
    for paths in inputs:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", InputWarning)
            frame = read_events([str(p) for p in paths], year=2024)
        shuffled = frame.iloc[rng.permutation(len(frame))].reset_index(drop=True)
        for rows in (frame, shuffled, frame.iloc[:1]):
            every = _processes_by_groupby(rows)
            expected = {host: _overlapping_plain(items) for host, items in every.items()}
            expected = {host: items for host, items in expected.items() if items}
            for chunk in (97, 1 << 20):  # runs reduced a chunk of rows at a time
                runs = _runs(rows, chunk)
                assert _every_process(runs) == every, chunk
                found = _processes(runs)
                got = {
                    host: [(*dataclasses.astuple(p)[:3], p.first, p.last) for p in processes]
                    for host, processes in found.items()
                }
                assert got == expected, chunk
                for host, items in every.items():
                    assert _at_once(found.get(host, [])) == _at_once(
                        [_Process(*item) for item in items]
                    )
            checked += sum(map(len, every.values()))
            kept += sum(map(len, got.values()))
            pairs += sum(len(_at_once(items)) for items in found.values())
    assert checked > 100 and 0 < kept < checked // 2 and pairs > 0


def test_runs_of_join_their_pieces(monkeypatch: pytest.MonkeyPatch) -> None:
    """`RunsOf` holds few pieces however many are added (`_join`), and never
    joins across a mark: the pieces from a mark on are one input's, whose
    times `move_times` moves (here: by a day, as an input's final year would)."""
    from kalog.ingest import identity

    monkeypatch.setattr(identity, "_JOIN_RUNS", 5)
    frame = read_events([str(p) for p in sorted(CORPUS.iterdir())], year=2024)
    runs, held, day = identity.RunsOf(), 0, 86_400 * 10**9
    half = len(frame) // 2
    for lo in range(0, half, 97):
        runs.add(frame.iloc[lo : min(lo + 97, half)])
        held = max(held, len(runs.pieces))
    since = runs.mark()
    for lo in range(half, len(frame), 97):
        runs.add(frame.iloc[lo : lo + 97])
        held = max(held, len(runs.pieces))
    assert since >= 1 and len(runs.pieces) > since and held < 12
    before = [piece.copy() for piece in runs.pieces]
    runs.move_times(since, lambda ns: ns + day)
    for at, (old, new) in enumerate(zip(before, runs.pieces, strict=True)):
        shift = day if at >= since else 0
        assert (new["first"] - old["first"] == shift).all()
        assert (new["last"] - old["last"] == shift).all()


def _every_process(runs: Any) -> dict[str, list[tuple]]:
    """host -> (source, program, pid, first, last) of each process in `runs`
    (`identity._Runs`), as `_processes_by_groupby` lists them: a walk over the runs."""
    spans: dict[tuple[int, int, int, int], list[int]] = {}
    for at in range(len(runs.first)):
        codes = (runs.hosts[at], runs.sources[at], runs.programs[at], runs.pids[at])
        if min(codes) < 0 or not runs.timed[at]:
            continue
        span = spans.setdefault(tuple(int(c) for c in codes), [runs.first[at], runs.last[at]])
        span[0], span[1] = min(span[0], runs.first[at]), max(span[1], runs.last[at])
    found: dict[str, list[tuple]] = {}
    for (host, source, program, pid), (first, last) in sorted(spans.items()):
        found.setdefault(runs.host_names[host], []).append(
            (runs.source_names[source], runs.program_names[program], runs.pid_values[pid])
            + (first, last)
        )
    return found


def test_reduced_runs_equal_the_groupby() -> None:
    """`identity._reduced` (keys packed into one int64, sorted) gives what the
    groupby on the five key columns gives, row for row and dtype for dtype:
    seeded random runs, missing codes (-1) and untimed runs among them, and
    pids too far apart to pack (the groupby then)."""
    from kalog.ingest.identity import _SPAN_KEYS, _packed, _reduced, _reduced_plain

    rng = np.random.default_rng(3)
    for size, pid_high in ((1, 9), (50, 9), (5_000, 40_000), (2_000, 2**60)):
        runs = pd.DataFrame(
            {
                "host": rng.integers(-1, 5, size),
                "source": rng.integers(-1, 3, size).astype(np.int8),
                "program": rng.integers(-1, 4, size),
                "pid": rng.integers(-1, pid_high, size).astype(
                    np.int32 if pid_high < 2**31 else np.int64
                ),
                "timed": rng.random(size) < 0.8,
                "first": rng.integers(0, 2**62, size),
                "last": rng.integers(0, 2**62, size),
                "at": rng.permutation(size).astype(np.int64),
            }
        )
        if size > 1000:
            runs.loc[::7, "pid"] = runs["pid"].iloc[:7].to_numpy()[0]  # keys repeat
        packs = _packed([runs[name].to_numpy() for name in _SPAN_KEYS]) is not None
        assert packs == (pid_high < 2**31)
        got, plain = _reduced(runs), _reduced_plain(runs)
        pd.testing.assert_frame_equal(got, plain)
        assert len(got) < size or size < 100


def _overlapping_plain(processes: list[tuple]) -> list[tuple]:
    """The processes (source, program, pid, first, last) of the programs in which
    two processes' spans overlap (one's first before the other's last), in order."""
    programs = {
        p[1]
        for p in processes
        for q in processes
        if q is not p and q[1] == p[1] and q[3] < p[4] and p[3] < q[4]
    }
    return [p for p in processes if p[1] in programs]


def test_overlapping_spans_equal_the_pairwise_test() -> None:
    """`identity._overlapping` (sorted, a running latest end per group) marks
    the spans of the groups in which two spans overlap, as comparing every
    pair does: seeded random spans, many ties and one-instant spans among them."""
    from kalog.ingest.identity import _overlapping

    rng = np.random.default_rng(11)
    marked = unmarked = 0
    for size in (0, 1, 2, 3, 10, 40):
        for _ in range(50):
            group = rng.integers(0, 4, size)
            first = rng.integers(0, 30, size)
            last = first + rng.integers(0, 6, size) * (rng.random(size) < 0.7)
            overlaps = {
                int(group[i])
                for i in range(size)
                for j in range(size)
                if i != j and group[i] == group[j] and first[j] < last[i] and first[i] < last[j]
            }
            got = _overlapping(group, first, last)
            assert got.tolist() == [int(g) in overlaps for g in group], (group, first, last)
            marked += int(got.sum())
            unmarked += int((~got).sum())
    assert marked > 500 and unmarked > 500


def _plans(frame: pd.DataFrame) -> tuple[list[list[int]], list[list[int]], int, int]:
    """The frame positions each run replays: `_feed_plan`'s, and the per-run
    search and mask it replaced (every handled kind fed, as with a config)."""
    from kalog.model.replay import _EVIDENCE_KINDS, _HANDLERS, _feed_plan

    columns = EventColumns(frame)
    by_host = {
        host: _HostEvents(columns, positions)
        for host, positions in _positions_by_host(columns).items()
    }
    runs_by_host = _split_hosts(columns, by_host)
    handled = np.isin(columns.codes("kind"), columns.codes_where("kind", _HANDLERS))
    fed_of = [np.flatnonzero(handled[by_host[host].positions]) for host in runs_by_host]
    positions = np.concatenate(
        [by_host[host].positions[fed] for host, fed in zip(runs_by_host, fed_of, strict=True)]
    )
    kept, slices = _feed_plan(columns, positions, fed_of, list(runs_by_host.values()))
    fast = [positions[kept[lo:hi]].tolist() for lo, hi in slices]
    evidence = np.isin(
        columns.codes("kind")[positions], columns.codes_where("kind", _EVIDENCE_KINDS)
    )
    plain: list[list[int]] = []
    offset = skipped = started = 0
    for fed, runs in zip(fed_of, runs_by_host.values(), strict=True):
        for run in runs:
            first, stop = np.searchsorted(fed, [run.rows.start, run.rows.stop]).tolist()
            rows = list(range(offset + first, offset + stop))
            if run.started:
                started += 1
                rows = [i for i in rows if not evidence[i]]
                skipped += stop - first - len(rows)
            plain.append(positions[rows].tolist())
        offset += len(fed)
    return fast, plain, skipped, started


def test_feed_plan_equals_the_search_and_mask_per_run(frame: pd.DataFrame) -> None:
    """`_feed_plan`: the rows a run replays, for all runs at once, are the
    run's fed rows, less the state-proving ones in a run whose start is
    logged (the lab captures' GARP and VIP lines), as a search per run gave;
    the corpus' excerpts (runs not started) keep them."""
    fast, plain, skipped, started = _plans(frame)
    assert fast == plain
    assert len(fast) > 50 and 0 < started < len(fast)
    assert skipped > 100
    # starts at places no real log has them: more runs, more of them started
    rng = np.random.default_rng(7)
    odd = frame.copy()
    kinds = odd["kind"].astype(object)
    kinds = kinds.where(rng.random(len(odd)) > 0.01, "start")
    odd["kind"] = kinds.astype(frame["kind"].dtype)
    fast, plain, skipped, started = _plans(odd)
    assert fast == plain
    assert skipped > 100 and started > 50


def test_where_in_equals_isin_of_the_codes(frame: pd.DataFrame) -> None:
    """`EventColumns.where_in`: the rows whose value is wanted, as
    `np.isin` of their codes finds them and as the values themselves say
    (a missing value is never wanted), on every text column of real logs."""
    columns = EventColumns(frame)
    checked = 0
    for name in ("kind", "host", "instance", "state", "action", "program", "source"):
        values = frame[name].astype(object).where(frame[name].notna(), None).tolist()
        present = sorted({v for v in values if v is not None})
        for wanted in ({present[0]}, set(present[::2]), {"no such value"}, set()):
            got = columns.where_in(name, wanted)
            assert got.tolist() == [v is not None and v in wanted for v in values]
            assert (
                got.tolist()
                == np.isin(columns.codes(name), columns.codes_where(name, wanted)).tolist()
            )
            checked += int(got.sum())
    assert checked > 1000


def test_first_of_each_equals_dict_fromkeys() -> None:
    """`_first_of_each` (a transition's evidence without repeats): the
    first of each line kept, in order, as `dict.fromkeys` keeps them, for
    every list of up to four lines drawn from three (repeats anywhere)."""
    import itertools

    from kalog.model.transitions import _first_of_each

    lines = [("a.log", 1), ("a.log", 2), ("b.log", 1)]
    checked = 0
    for size in range(5):
        for drawn in itertools.product(lines, repeat=size):
            evidence = [(source, line) for source, line in drawn]  # equal, not identical
            assert _first_of_each(evidence) == tuple(dict.fromkeys(evidence))
            checked += 1
    assert checked == 1 + 3 + 9 + 27 + 81


def test_picked_columns_equal_the_converted_lists(frame: pd.DataFrame) -> None:
    """A picked `RowTable` column (each cell boxed when read) gives, at every
    row, the very value the converted list has: the same object for text,
    an equal int (of type int) for numbers, None where missing; a column the
    frame lacks reads as None; a slice is the list's slice."""
    columns = EventColumns(frame)
    rng = np.random.default_rng(7)
    positions = np.sort(rng.choice(len(frame), size=len(frame) // 2, replace=False))
    picked = RowTable(EventColumns(frame), positions, picked=True, listed=("kind",))
    listed = RowTable(columns, positions)
    names = [*frame.columns, "no_such_column"]
    seen_missing = seen_int = 0
    for name in names:
        got, want = picked.lists[name], listed.lists[name]
        assert len(got) == len(want)
        for at in range(len(want)):
            value = got[at]
            assert value == want[at] and type(value) is type(want[at]), (name, at)
            seen_missing += value is None
            seen_int += type(value) is int
        assert got[3:40:3] == want[3:40:3]
    assert type(picked.lists["kind"]) is list  # listed: converted whole
    assert type(picked.lists["line"]).__name__ == "PickedColumn"
    assert seen_missing > 1000 and seen_int > 1000


def test_explainer_index_views_equal_the_lists(frame: pd.DataFrame) -> None:
    """The explainer's index reads times and line numbers from int64 views:
    the same Python ints as the lists it held (a missing line as 0, which
    is how every reader takes it)."""
    from kalog.model.transitions import _Index

    columns = EventColumns(frame)
    index = _Index(columns)
    assert len(index.times) == len(index.kind) == 481
    assert list(index.times) == index.sorted_times.tolist()
    lines = RowTable(columns, index.table.positions).column("line")
    assert [type(v) for v in index.line] == [int] * len(lines)
    assert list(index.line) == [v or 0 for v in lines]
    plain = index.sorted_times.tolist()
    for lo, hi in index.bounds.values():  # sorted per host: bisected within its bounds
        for ns in (plain[lo], plain[(lo + hi) // 2], plain[hi - 1] + 1):
            assert bisect.bisect_left(index.times, ns, lo, hi) == bisect.bisect_left(
                plain, ns, lo, hi
            )


def test_segment_states_are_shared_strings(frame: pd.DataFrame) -> None:
    """Every segment's state is one of a few shared str objects, not a copy
    per segment (`str.upper()` makes a new string each call; a dense day's
    timeline held ~90k of them)."""
    from kalog.model.replay import replay

    states = [s.state for item in replay(frame).instances for s in item.segments]
    assert len(states) == 316
    by_value: dict[str, set[int]] = {}
    for state in states:
        by_value.setdefault(state, set()).add(id(state))
    assert all(len(ids) == 1 for ids in by_value.values()), {
        value: len(ids) for value, ids in by_value.items()
    }


def test_no_replayed_rows_outlive_the_replay_loop(
    frame: pd.DataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When the transitions are explained, no table of the rows the runs were
    fed from is alive: a row a run's replayer keeps (a step down's advert
    line) holds the whole table's column lists, ~17 MB per million dense
    lines at the replay's peak.  The explainer's own index is the only
    table then."""
    import gc
    import sys

    from kalog.model import rows

    module = sys.modules["kalog.model.replay"]
    explain = module.explain_transitions
    alive: list[list[str]] = []

    def counting(*args: Any, **kwargs: Any) -> Any:
        gc.collect()
        alive.extend(
            sorted(lists)
            for lists in gc.get_objects()
            if type(lists) is rows._ColumnLists and lists
        )
        return explain(*args, **kwargs)

    monkeypatch.setattr(module, "explain_transitions", counting)
    timeline = module.replay(frame)
    assert sum(len(item.segments) for item in timeline.instances) == 316
    # a step down's row was kept by some run (what held the table before)
    assert any(kind == "advert_higher" for kind in frame["kind"].astype(str))
    assert alive == []
