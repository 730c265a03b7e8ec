"""The rule stage's fast paths give exactly what the plain pandas code gave.

Rules run on frames of millions of events, so `kalog.check.rulekit` replaces
per-row pandas access and Timedelta arithmetic with numpy and int
nanoseconds.  Each test here pins one such shortcut against the expression
it stands for.
"""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from kalog.check.citations import _line_lookup, _source_codes, attach_texts, python_values
from kalog.check.context import AnalysisContext
from kalog.check.findings import Evidence, Finding
from kalog.check.rulekit import (
    cells,
    host_rows,
    kind_mask,
    ns,
    runs_of,
    seconds_between,
    segment_table,
)
from kalog.ingest.events import COLUMNS, KINDS
from kalog.ingest.frame import read_events
from kalog.model.timeline import InstanceTimeline, Segment, Timeline
from kalog.pipeline import analyze_events, host_versions, summarize
from kalog.rules import ka001_weight_before_state as ka001
from kalog.rules import ka101_split_brain as ka101
from kalog.rules import ka102_flapping as ka102
from kalog.rules import ka201_slow_takeover as ka201


@pytest.mark.parametrize("unit", ["s", "ms", "us", "ns"])
def test_seconds_between_is_total_seconds(unit: str) -> None:
    rng = np.random.default_rng(5)
    values = rng.integers(0, 2 * 10**18, size=(4000, 2))
    values[:100, 1] = values[:100, 0] + rng.integers(-(10**10), 10**10, size=100)
    for a_ns, b_ns in values.tolist():
        a = pd.Timestamp(a_ns, unit="ns").as_unit(unit)
        b = pd.Timestamp(b_ns, unit="ns").as_unit(unit)
        assert seconds_between(a.value, b.value) == (b - a).total_seconds()


def test_seconds_between_on_arrays_equals_each_pair() -> None:
    rng = np.random.default_rng(6)
    starts = rng.integers(0, 2 * 10**18, size=4000)
    ends = starts + rng.integers(-(10**12), 10**12, size=4000)  # negative deltas too
    on_arrays = seconds_between(starts, ends)
    assert on_arrays.tolist() == [
        seconds_between(a, b) for a, b in zip(starts.tolist(), ends.tolist(), strict=True)
    ]


def test_seconds_between_aware_times() -> None:
    a = pd.Timestamp("2020-01-01", tz="Europe/Paris")
    b = pd.Timestamp("2020-06-01 00:00:00.000000001", tz="Europe/Paris")
    assert seconds_between(a.value, b.value) == (b - a).total_seconds()
    assert ns(pd.NaT) is None and ns(None) is None
    assert ns(a) == a.value and ns(a.to_pydatetime()) == a.value


def test_ns_on_arrays_equals_each_time() -> None:
    times = pd.Series(
        pd.to_datetime(["2024-01-01 00:00:01", None, "2023-05-06 07:08:09.500"], format="ISO8601")
    )
    expected = [ns(t) if ns(t) is not None else np.iinfo(np.int64).min for t in times]
    for form in (times, pd.Index(times), times.to_numpy(), times.array):
        got = ns(form)
        assert got.dtype == np.int64 and got.tolist() == expected
    aware = times.dt.tz_localize("Europe/Paris")
    assert ns(aware).tolist()[0] == ns(aware.iloc[0])


def _frame() -> pd.DataFrame:
    kinds = ["priority_change", "script_result", None, "unknown", "script_result", "garp"]
    frame = pd.DataFrame(
        {
            "ts": pd.to_datetime(
                [
                    "2024-01-01 00:00:01",
                    "2024-01-01 00:00:02",
                    None,
                    "2024-01-01 00:00:02",
                    "2024-01-01 00:00:00",
                    "2024-01-01 00:00:03",
                ]
            ),
            "host": ["a", "b", "a", None, "a", "b"],
            "instance": ["VI_1", None, "VI_2", "VI_1", "VI_1", None],
            "kind": pd.Categorical(kinds, categories=list(KINDS)),
            "exit_status": [None, 1, None, None, 0, None],
            "version": [None, "2.2.8", "2.0.10", "1.3.5", "9", None],
            "source": ["x.log", "x.log", "x.log", None, "y.log", "x.log"],
            "line": [1, 2, 3, 4, 1, 5],
            "raw": ["l1", "l2", None, "l4", "y1", "l5"],
        }
    )
    for name in frame.columns:
        if name not in ("ts", "kind"):
            frame[name] = frame[name].astype(COLUMNS[name])
    return frame


def test_kind_mask_equals_string_isin() -> None:
    frame = _frame()
    wanted = {"script_result", "unknown", "not_a_kind"}
    expected = frame["kind"].astype("string").isin(wanted).fillna(False).to_numpy(dtype=bool)
    assert kind_mask(frame, wanted).tolist() == expected.tolist()
    plain = frame.assign(kind=frame["kind"].astype(object))
    assert kind_mask(plain, wanted).tolist() == expected.tolist()


@pytest.mark.parametrize("name", ["host", "instance", "exit_status", "line", "kind", "ts"])
def test_column_values_equal_astype_object(name: str) -> None:
    frame = _frame()
    # a categorical column's missing cell is NaN under astype(object): None too
    expected = [
        None if v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and v != v) else v
        for v in frame[name].astype(object).tolist()
    ]
    got = python_values(frame[name])
    assert [repr(v) for v in got] == [repr(v) for v in expected]
    assert [type(v) for v in got] == [type(v) for v in expected]


def test_host_rows_columns_match_the_frame() -> None:
    frame = _frame()
    ctx = AnalysisContext(events=frame)
    rows = host_rows(ctx, ["script_result", "priority_change"])
    assert rows.positions["a"].tolist() == [0, 4]
    assert rows.positions["b"].tolist() == [1]
    assert rows.ordered["a"] is False
    assert rows.between("a", None, None).tolist() == [0, 4]
    assert rows.between("a", pd.Timestamp("2024-01-01 00:00:01").value, None).tolist() == [0]
    full = python_values(frame["exit_status"])
    cells = rows.column("exit_status")
    assert cells == {p: full[p] for p in (0, 1, 4)}
    assert [cells[p] for p in (4, 0, 1)] == [full[4], full[0], full[1]]
    for not_chosen in (2, 3, -1, len(frame), 10**12):
        with pytest.raises(KeyError):
            cells[not_chosen]
    assert rows.column("kind") == {p: str(frame["kind"].iloc[p]) for p in (0, 1, 4)}


def _cited(ctx: AnalysisContext, locations: list) -> list[tuple]:
    finding = Finding(message="m", evidence=locations)
    attach_texts(ctx, [finding])
    return [(e.source, e.line, e.raw) for e in finding.evidence]


def test_findings_cite_lines_and_get_their_texts() -> None:
    ctx = AnalysisContext(events=_frame())
    segment = Segment(pd.Timestamp(0), pd.Timestamp(1), "MASTER", 100, "logged", "y.log", 1, 0)
    locations = [("x.log", 2), segment, ("x.log", 3), ("x.log", 9), (None, 1), ("x.log", 2)]
    assert _cited(ctx, locations) == [
        ("x.log", 2, "l2"),
        ("y.log", 1, "y1"),
        ("x.log", 3, ""),
        ("x.log", 9, None),
    ]
    # a text the rule gave is kept
    assert _cited(ctx, [Evidence("x.log", 2, "mine")]) == [("x.log", 2, "mine")]


def test_texts_attached_in_bulk_equal_one_lookup_per_line() -> None:
    frame = _frame()
    groups = [
        [("x.log", 2), ("y.log", 1), ("x.log", 2)],
        [],
        [("x.log", 3), ("x.log", 9), (None, 1), ("z.log", 1), ("x.log", 2**70)],
        [("x.log", 1.0), (pd.NA, 4), ("x.log", 5)],
    ]
    findings = [Finding(message="m", evidence=pairs) for pairs in groups]
    attach_texts(AnalysisContext(events=frame), findings)
    lookup = _line_lookup(AnalysisContext(events=frame))
    got = [[(e.source, e.line, e.raw) for e in f.evidence] for f in findings]
    expected = [
        [(e.source, e.line, lookup.text(e.source, e.line)) for e in f.evidence] for f in findings
    ]
    assert got == expected
    assert got[0][0][2] == "l2" and got[2][0][2] == "" and got[2][1][2] is None
    assert got[3] == [("x.log", 1, "l1"), ("x.log", 5, "l5")]


def test_cells_equal_column() -> None:
    frame = _frame()
    for name in ("instance", "exit_status", "kind", "line"):
        full = python_values(frame[name])
        got = cells(frame, name, [4, 0, 4, 2])
        assert list(got) == [0, 2, 4]
        assert [repr(v) for v in got.values()] == [repr(full[p]) for p in (0, 2, 4)]


def test_host_versions_first_per_host_sorted() -> None:
    frame = _frame()
    started = frame[frame["version"].notna() & frame["host"].notna()]
    expected = {
        str(host): str(group["version"].iloc[0])
        for host, group in started.groupby("host", sort=True, observed=True)
    }
    assert host_versions(frame) == expected == {"a": "2.0.10", "b": "2.2.8"}


# -- segment tables and the rules' numpy prefilters ------------------------------------

_STATES = ["INIT", "BACKUP", "MASTER", "FAULT", "GOTO_MASTER", "STOPPED", "ODD"]


def _random_timeline(seed: int, hosts: int = 3, count: int = 60) -> Timeline:
    """Instances `vi` on `hosts` hosts with random state runs at 1-second-ish times."""
    rng = np.random.default_rng(seed)
    base = pd.Timestamp("2024-01-01").value
    items = []
    for number in range(hosts):
        steps = np.cumsum(rng.choice([0, 0, 5 * 10**8, 10**9, 7 * 10**9, 10**11], size=count))
        states = rng.choice(_STATES, size=count, p=[0.1, 0.2, 0.3, 0.2, 0.1, 0.05, 0.05])
        starts = [pd.Timestamp(base + int(step)) for step in steps]
        ends = [*starts[1:], starts[-1] + pd.Timedelta(seconds=3)]
        segments = [
            Segment(start, end, str(state), 100, "logged", "x.log", line, 0, "state")
            for line, (start, end, state) in enumerate(zip(starts, ends, states, strict=True))
        ]
        items.append(InstanceTimeline(f"h{number}", "vi", None, "2", segments, "vi"))
    host_end = {item.host: item.segments[-1].end for item in items}
    return Timeline(items, [], [], {}, None, None, [], host_end)


def test_segment_table_equals_the_segments() -> None:
    timeline = _random_timeline(1)
    odd = timeline.instances[1].segments
    odd[3] = Segment(pd.NaT, *list(dataclasses.astuple(odd[3]))[1:])
    ctx = AnalysisContext(events=pd.DataFrame(), timeline=timeline)
    for item in timeline.instances:
        table = segment_table(ctx, item)
        assert table.timed == (item is not timeline.instances[1])
        names = [segment.state for segment in item.segments]
        assert [table.state_code(name) for name in names] == table.states.tolist()
        assert len(set(table.states.tolist())) == len(set(names))
        if table.timed:
            assert table.starts.tolist() == [segment.start.value for segment in item.segments]
            assert table.ends.tolist() == [segment.end.value for segment in item.segments]
    assert segment_table(ctx, timeline.instances[0]) is segment_table(ctx, timeline.instances[0])


@pytest.mark.parametrize("seed", range(40))
def test_flapping_openings_skip_no_burst(seed: int) -> None:
    rng = np.random.default_rng(seed)
    starts = np.cumsum(rng.choice([0, 10**9, 3 * 10**9, 59 * 10**9, 61 * 10**9], size=80))
    window, limit = float(rng.choice([0.5, 10.0, 60.0])), int(rng.integers(1, 6))
    values = starts.tolist()
    plain = list(ka102._bursts(values, window, limit))
    openings = ka102._openings(starts, window, limit)
    assert list(ka102._bursts(values, window, limit, openings)) == plain


@pytest.mark.parametrize("seed", range(20))
def test_next_other_segment_equals_the_scan(seed: int) -> None:
    timeline = _random_timeline(seed, hosts=1, count=200)
    ctx = AnalysisContext(events=pd.DataFrame(), timeline=timeline)
    (item,) = timeline.instances
    table = segment_table(ctx, item)
    fault = table.states == table.state_code("FAULT")
    entries = np.flatnonzero(fault).tolist()
    untimed = dataclasses.replace(table, timed=False)
    fast = table.next_other(item.segments, entries, fault)
    assert fast == untimed.next_other(item.segments, entries, fault)
    starts = [segment.start for segment in item.segments]
    for position, found in zip(entries, fast, strict=True):
        later = [
            segment
            for segment, start in zip(item.segments, starts, strict=True)
            if start > starts[position] and segment.state != "FAULT"
        ]
        assert found == (later[0] if later else None)


@pytest.mark.parametrize("seed", range(30))
def test_split_brain_prefilter_drops_no_window(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    timeline = _random_timeline(seed, hosts=2 + seed % 2, count=30)
    options = ka101.Options(min_seconds=0.0)
    ctx = AnalysisContext(events=pd.DataFrame(), timeline=timeline)
    found = [f.to_dict() for f in ka101.check(ctx, options)]
    monkeypatch.setattr(ka101, "_may_overlap", lambda *args: True)
    ctx = AnalysisContext(events=pd.DataFrame(), timeline=timeline)
    assert found == [f.to_dict() for f in ka101.check(ctx, options)]


@pytest.mark.parametrize("seed", range(10))
def test_master_time_equals_the_segment_loop(seed: int) -> None:
    timeline = _random_timeline(seed, hosts=3, count=80)
    timeline.instances.append(_random_timeline(seed + 100, hosts=1).instances[0])  # h0 again
    expected: dict[tuple[str, str], float] = {}
    for item in timeline.instances:
        for segment in item.segments:
            if segment.state == "MASTER":
                seconds = max(0.0, (segment.end - segment.start).total_seconds())
                key = (item.host, item.instance)
                expected[key] = expected.get(key, 0.0) + seconds
    got = summarize(pd.DataFrame(), timeline)["master_time"]
    assert [(h, i, v) for h, by in got.items() for i, v in by.items()] == [
        (host, instance, round(value, 3)) for (host, instance), value in sorted(expected.items())
    ]


@pytest.mark.parametrize("seed", range(20))
def test_slow_takeover_departure_is_the_latest_other_hosts(seed: int) -> None:
    timeline = _random_timeline(seed, hosts=3, count=50)
    ctx = AnalysisContext(events=pd.DataFrame(), timeline=timeline)
    departures = ka201._Departures(ctx, timeline)
    listed = [  # (start, timeline order, host, segment that followed a MASTER segment)
        (b.start.value, number, item.host, b)
        for item in timeline.instances
        for number, (a, b) in enumerate(zip(item.segments, item.segments[1:], strict=False))
        if a.state == "MASTER" and b.state != "MASTER"
    ]
    rng = np.random.default_rng(seed)
    for when in rng.choice([start for start, *_ in listed], size=30).tolist() + [math.inf]:
        for host in ("h0", "h1", "h2"):
            others = [entry for entry in listed if entry[2] != host and entry[0] <= when]
            got = departures.before(host, when, "vi")
            if not others:
                assert got is None
                continue
            latest = max(start for start, *_ in others)
            first = next(entry for entry in others if entry[0] == latest)
            assert got == (first[2], first[3])


@pytest.mark.parametrize("seed", range(20))
def test_weight_before_state_init_runs_are_the_run_groups(seed: int) -> None:
    rng = np.random.default_rng(seed)
    timeline = _random_timeline(seed, hosts=2, count=120)
    for item in timeline.instances:
        runs = np.cumsum(rng.random(len(item.segments)) < 0.15).tolist()
        runs[5:8] = [0, 0, 0]  # a run number seen again later
        item.segments = [
            dataclasses.replace(segment, run=run)
            for segment, run in zip(item.segments, runs, strict=True)
        ]
    ctx = AnalysisContext(events=pd.DataFrame(), timeline=timeline)
    for item in timeline.instances:
        expected = [
            group
            for group in runs_of(item)
            if group[0].state == "INIT" and sum(s.state == "INIT" for s in group) >= 2
        ]
        assert list(ka001._init_runs(ctx, item)) == expected


@pytest.mark.parametrize(
    "values",
    [["a.log"] * 4, ["a.log", "b.log", "a.log"], ["a.log", None], [None, None], ["é"], []],
)
def test_source_codes_equal_factorize(values: list[str | None]) -> None:
    column = pd.Series(values, dtype="string")
    codes, uniques = _source_codes(column)
    expected_codes, expected_uniques = pd.factorize(column, use_na_sentinel=True)
    assert codes.tolist() == expected_codes.tolist()
    assert [str(u) for u in uniques] == [str(u) for u in expected_uniques]
    two_chunks = pd.Series(
        pd.arrays.ArrowStringArray(pa.chunked_array([values, values], pa.string()))
    )
    codes, uniques = _source_codes(two_chunks)
    assert codes.tolist() == pd.factorize(two_chunks, use_na_sentinel=True)[0].tolist()


@pytest.mark.parametrize("enabled", [True, False])
def test_analyze_events_leaves_the_collector_as_it_was(enabled: bool) -> None:
    import gc

    log = Path(__file__).parents[2] / "samples" / "lab" / "interface-fault" / "node-a.log"
    frame = read_events(log)
    was = gc.isenabled()
    try:
        gc.enable() if enabled else gc.disable()
        analyze_events(frame)
        assert gc.isenabled() is enabled
    finally:
        gc.enable() if was else gc.disable()


@pytest.mark.parametrize("seed", range(20))
def test_rows_leading_to_segments_equal_the_plain_filter(seed: int) -> None:
    """HostRows.leading_to == "the host's rows of those kinds in [start -
    window, start], minus those of the start's time logged after the
    segment's line", written row by row."""
    rng = np.random.default_rng(seed)
    count = 60
    seconds = np.sort(rng.integers(0, 12, size=count))
    frame = pd.DataFrame(
        {
            "ts": pd.to_datetime(seconds, unit="s"),
            "host": rng.choice(["a", "b"], size=count).tolist(),
            "kind": pd.Categorical(
                rng.choice(["script_result", "garp"], size=count).tolist(), categories=list(KINDS)
            ),
            "source": rng.choice(["x.log", "y.log"], size=count).tolist(),
            "line": np.arange(1, count + 1),
        }
    )
    for name in ("host", "source", "line"):
        frame[name] = frame[name].astype(COLUMNS[name])
    ctx = AnalysisContext(events=frame)
    rows = host_rows(ctx, ["script_result"])
    segments = [
        Segment(
            pd.Timestamp(int(second), unit="s"),
            pd.Timestamp(int(second) + 1, unit="s"),
            "FAULT",
            None,
            "logged",
            str(rng.choice(["x.log", "y.log"])) if rng.random() < 0.9 else None,
            int(rng.integers(1, count + 1)),
            0,
        )
        for second in rng.integers(0, 12, size=10)
    ]
    window = 3 * 10**9
    got = rows.leading_to("a", segments, window)
    for segment, found in zip(segments, got, strict=True):
        start = segment.start.value
        expected = []
        for position, row in enumerate(frame.itertuples(index=False)):
            if row.host != "a" or row.kind != "script_result":
                continue
            when = row.ts.value
            if not start - window <= when <= start:
                continue
            opened_by = segment.source is not None and segment.line is not None
            if (
                when == start
                and opened_by
                and (row.source != segment.source or not row.line <= segment.line)
            ):
                continue
            expected.append(position)
        assert found.tolist() == expected


@pytest.mark.parametrize("source_dtype", ["category", "string", "object"])
def test_line_texts_equal_a_dict_of_every_row(source_dtype: str) -> None:
    """The line lookup (sorted arrays, the frame's codes when `source` is
    categorical) answers as a dict of (source, line) -> raw built row by row,
    the last row of a line read twice winning; rows out of (source, line) order."""
    rng = np.random.default_rng(3)
    count = 400
    names = np.array(["b.log", "a.log", "c.log", None], dtype=object)
    source = names[rng.integers(0, 4, count)]
    line = rng.integers(1, 60, count)
    raw = [f"text {i}" if i % 7 else None for i in range(count)]
    frame = pd.DataFrame(
        {
            "source": pd.Series(source, dtype=source_dtype if source_dtype != "object" else object),
            "line": pd.Series(line, dtype="int64"),
            "raw": pd.Series(raw, dtype="string"),
        }
    )
    oracle: dict[tuple[str, int], str] = {}
    for s, n, r in zip(source.tolist(), line.tolist(), raw, strict=True):
        if s is not None:
            oracle[(s, n)] = "" if r is None else r
    keys = [(s, n) for s in ("a.log", "b.log", "c.log", "d.log") for n in range(0, 62)]
    got = _line_lookup(AnalysisContext(events=frame)).texts(keys)
    assert got == {key: oracle.get(key) for key in keys}
    assert sum(v is not None for v in got.values()) == len(oracle) > 100
    # already in (source, line) order, one row per line: the path without a sort
    ordered = frame.dropna(subset=["source"]).drop_duplicates(["source", "line"], keep="last")
    ordered = ordered.sort_values(
        ["source", "line"], key=lambda c: c.astype(str) if c.name == "source" else c
    )
    ordered = ordered.reset_index(drop=True).astype({"source": frame["source"].dtype})
    lookup = _line_lookup(AnalysisContext(events=ordered))
    if source_dtype == "category":
        assert lookup.positions is None  # the frame's own order: no positions held
    assert lookup.texts(keys) == {key: oracle.get(key) for key in keys}
    assert {key: lookup.text(*key) for key in keys} == {key: oracle.get(key) for key in keys}


@pytest.mark.parametrize("step", [1, 2, 3, 7, 1 << 20])
def test_order_checked_in_slices_equals_the_whole_columns_test(step: int) -> None:
    """`_in_order` (slices of `step` rows, the pair across two slices
    included) answers as the differences over the whole columns did."""
    from kalog.check.citations import _in_order

    def whole(codes: np.ndarray, lines: np.ndarray) -> bool:
        code_steps = np.diff(codes.astype(np.int64))
        return bool(np.all((code_steps > 0) | ((code_steps == 0) & (np.diff(lines) >= 0))))

    rng = np.random.default_rng(7)
    cases = [(np.zeros(0, np.int8), np.zeros(0, np.int64)), (np.zeros(1, np.int8), np.ones(1))]
    for size in (2, 3, 8, 9, 50):
        codes = np.sort(rng.integers(0, 3, size)).astype(np.int8)
        lines = rng.integers(1, 9, size)
        ordered = np.lexsort((lines, codes))
        cases.append((codes[ordered], lines[ordered]))  # in order
        for at in range(size - 1):  # one pair swapped: out of order unless equal
            swapped_codes, swapped_lines = codes[ordered].copy(), lines[ordered].copy()
            swapped_codes[[at, at + 1]] = swapped_codes[[at + 1, at]]
            swapped_lines[[at, at + 1]] = swapped_lines[[at + 1, at]]
            cases.append((swapped_codes, swapped_lines))
    cases.append((np.array([0, 0, 1, 1], np.int16), np.array([5, 5, 1, 1])))  # ties
    cases.append((np.array([0, 1, 0], np.int8), np.array([1, 2, 3])))  # a source again
    outcomes = [(_in_order(c, n, step), whole(c, n)) for c, n in cases]
    assert all(got == expected for got, expected in outcomes)
    assert {expected for _, expected in outcomes} == {True, False}


def test_slow_takeover_bisects_int64_views_as_lists() -> None:
    """KA201 reads segment and departure starts through `_ints` (views of the
    int64 arrays, each int made when read): bisection finds what it found on
    `tolist()`, for ties, NaT's stand-in (int64 min) and an end past all."""
    import bisect as bisection

    from kalog.rules.ka201_slow_takeover import _ints

    rng = np.random.default_rng(5)
    starts = np.sort(rng.choice([np.iinfo(np.int64).min, 0, 5, 5, 9, 2**62], size=80))[::2]
    assert not starts.flags.c_contiguous  # (a column of a table may be a strided view)
    view, listed = _ints(starts), starts.tolist()
    probes = [*listed, -1, 4, 6, 10, 2**62 + 1, float("inf"), float("-inf")]
    for probe in probes:
        assert bisection.bisect_right(view, probe) == bisection.bisect_right(listed, probe)
        assert bisection.bisect_left(view, probe) == bisection.bisect_left(listed, probe)
    assert list(view) == listed and all(type(v) is int for v in view)


def test_may_contain_on_categorical_text_columns() -> None:
    """On the frame's categorical text columns `may_contain` is exact: the
    distinct values some cell holds, not the unused categories."""
    from kalog.check.rulekit import may_contain

    frame = read_events(sorted((Path(__file__).parents[2] / "samples" / "seed").glob("*.log")))
    body = frame["body"]
    assert isinstance(body.dtype, pd.CategoricalDtype)
    for text in ("Entering MASTER", "VRRP_Script", "no such text", "(vi_1)"):
        expected = any(text in value for value in body.dropna().tolist())
        assert may_contain(body, text) is expected, text
    assert may_contain(body, "Entering MASTER") and not may_contain(body, "no such text")
    some = body.iloc[:3]  # the same categories, most of them unused here
    assert len(some.cat.categories) > 3
    for text in ("Entering MASTER", "Starting"):
        assert may_contain(some, text) is any(text in v for v in some.tolist()), text
