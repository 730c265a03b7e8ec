"""The lane view's pieces: the time axis and the change list's limits."""

from __future__ import annotations

import pandas as pd

import kalog
from kalog.model import replay
from kalog.report.lanes import _axis, change_list
from tests.conftest import SEED


def test_axis_gives_every_change_a_column_and_spreads_the_rest() -> None:
    t0 = pd.Timestamp("2024-01-01 00:00:00")
    points = [t0, t0 + pd.Timedelta(seconds=1), t0 + pd.Timedelta(hours=1)]
    columns = _axis(points, 20)
    assert len(columns) == 20
    assert columns[0] == points[0] and columns[-1] == points[-1]
    assert points[1] in columns
    assert columns == sorted(columns)


def test_change_list_keeps_head_and_tail_when_long() -> None:
    events = kalog.read_events(sorted(SEED.glob("ex1-*.log")), year=2014)
    timeline = replay(events)
    rows = change_list(timeline.instances, with_date=False, max_rows=4)
    text = [row.plain for row in rows]
    assert len(text) == 5
    assert text == [
        "  15:21:35 192_168_173_203 INIT          ? unknown    ex1-A-backup-99.log:1",
        "  15:21:35 192_168_173_203 BACKUP        ? unknown    ex1-A-backup-99.log:20",
        "  ... 5 more changes (--format json lists all) ...",
        "  15:26:30 192_168_173_204 GOTO_MASTER   ? unknown    ex1-B-master-100.log:28",
        "  15:26:31 192_168_173_204 MASTER        ? unknown    ex1-B-master-100.log:29",
    ]


def _marks_by_scanning(item, columns):  # type: ignore[no-untyped-def]
    """The column of each priority change, found by the linear scan `_priority_marks` replaced."""
    marks, previous = set(), None
    for segment in item.segments:
        if previous is not None and segment.priority != previous.priority:
            for position, ts in enumerate(columns):
                nxt = columns[position + 1] if position + 1 < len(columns) else None
                if ts <= segment.start and (nxt is None or segment.start < nxt):
                    marks.add(position)
                    break
        previous = segment
    return marks


def _dense_timeline(tmp_path):  # type: ignore[no-untyped-def]
    import sys

    from tests.conftest import ROOT

    sys.path.insert(0, str(ROOT))
    from bench.generate import main

    path = tmp_path / "dense.log"
    assert main(["--lines", "3000", "--keepalived-share", "1", "--seed", "5", "-o", str(path)]) == 0
    return replay(kalog.read_events([str(path)]))


def test_lane_cells_and_marks_by_bisection_equal_the_scans(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import dataclasses

    from kalog.report.lanes import _priority_marks, _state_at, _states

    timelines = [
        _dense_timeline(tmp_path),
        replay(kalog.read_events(sorted(SEED.glob("ex1-*.log")), year=2014)),
    ]
    checked = 0
    for timeline in timelines:
        for item in timeline.instances:
            points = sorted({s.start for s in item.segments})
            shuffled = dataclasses.replace(item, segments=item.segments[::-1])  # the scan's path
            for width in (3, 10, 80, 400):  # fewer columns than points too (repeated columns)
                columns = _axis(points, width)
                for lane in (item, shuffled):
                    scanned = [
                        _state_at(lane, ts, columns[p + 1] if p + 1 < len(columns) else None)
                        for p, ts in enumerate(columns)
                    ]
                    assert _states(lane, columns) == scanned
                assert _priority_marks(item, columns) == _marks_by_scanning(item, columns)
                checked += len(columns)
    assert checked > 1000


def test_busy_lanes_span_the_whole_log(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """More moments of change than columns: the columns take moments evenly
    spaced, first and last included (they once took the first 60-odd: the
    lanes of a day ended in its first minutes)."""
    from kalog.report.lanes import render_instance

    timeline = _dense_timeline(tmp_path)
    by_instance: dict[str, list] = {}
    for item in timeline.instances:
        by_instance.setdefault(item.instance, []).append(item)
    instances = max(by_instance.values(), key=lambda i: sum(len(x.segments) for x in i))
    points = sorted({s.start for i in instances for s in i.segments})
    assert len(points) > 100
    columns = _axis(points, 40)
    assert len(columns) == 40 and columns == sorted(columns)
    assert columns[0] == points[0] and columns[-1] == points[-1]
    assert set(columns) <= set(points)
    assert _axis(points, len(points)) == points  # every moment its own column, as before
    lines = [line.plain for line in render_instance(instances, 80, with_date=False)]
    label_width = min(18, max(len(i.host) for i in instances) + 1)
    lane_width = 80 - label_width - 1
    assert lines[-1] == (
        f"  {len(points)} moments of change, {lane_width} columns: "
        "each shows the state its stretch ends in"
    )
    end = max(s.end for i in instances for s in i.segments)
    assert lines[-2].split()[-1] == end.strftime("%H:%M:%S")
