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
