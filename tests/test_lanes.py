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
