"""The timeline at a glance: one lane per host, a shared time axis per instance.

Failovers last seconds inside logs that span hours, so a linear axis would
squeeze every interesting moment into one column.  The axis is therefore
*ordinal with proportional slack*: every moment at which some lane changes
gets its own column, and the remaining width is shared among the gaps in
proportion to the square root of their length.  Labels under the lanes give
the real times.  A busy day has more such moments than columns: the
columns then take moments evenly spaced among them, so the lanes still
span the whole log, and a note says a column shows the state its stretch
ends in (the change list and the JSON have every change).

Each cell is a letter, so the view reads the same without colour (pipes,
NO_COLOR, CI logs): M MASTER, B BACKUP, F FAULT, i INIT, g GOTO_MASTER
(1.x "Transition to MASTER"), . STOPPED, blank before the log knows.  With
colour the letters sit on coloured blocks.  A `^` under a lane marks a
change of that host's priority; the change list under the lanes says what
happened, with priorities, their basis, and the line that shows it.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
from rich.console import Group, RenderableType
from rich.text import Text

from kalog.console import visible
from kalog.model.timeline import InstanceTimeline, Segment, Timeline, clock

LETTERS = {
    "MASTER": "M",
    "BACKUP": "B",
    "FAULT": "F",
    "INIT": "i",
    "GOTO_MASTER": "g",
    "STOPPED": ".",
    "UNKNOWN": "?",
}
STYLES = {
    "MASTER": "bold white on green",
    "BACKUP": "black on cyan",
    "FAULT": "bold white on red",
    "INIT": "black on grey70",
    "GOTO_MASTER": "black on yellow",
    "STOPPED": "white on grey30",
    "UNKNOWN": "dim",
}
LEGEND = (
    "M MASTER B BACKUP g GOTO_MASTER F FAULT i INIT . STOPPED ^ priority change\n"
    "? UNKNOWN (the excerpt does not say yet)  blank: before or after the host's log"
)


def _fmt_ts(ts: pd.Timestamp, with_date: bool) -> str:
    return clock(ts, with_date=with_date)


def _axis(points: Sequence[pd.Timestamp], width: int) -> list[pd.Timestamp]:
    """The time at the left edge of each of `width` columns."""
    if not points:
        return []
    if len(points) == 1 or width < 2:
        return [points[0]] * width
    if width <= len(points):
        # More moments of change than columns (a busy day): every column
        # cannot have its own, so the columns take moments evenly spaced
        # in the list, first and last included, and the lanes still span
        # the whole log.  (They once took the first `width` moments: the
        # lanes of the dense benchmark file covered its first 6 minutes of
        # 33 hours.)  A column then shows the state its stretch ended in.
        last = len(points) - 1
        return [points[k * last // (width - 1)] for k in range(width)]
    gaps = [(b - a).total_seconds() for a, b in zip(points, points[1:], strict=False)]
    weights = [math.sqrt(max(g, 0.0)) for g in gaps]
    spare = width - len(points)
    total = sum(weights) or 1.0
    extra = [int(spare * w / total) for w in weights]
    leftover = spare - sum(extra)
    for position in sorted(range(len(weights)), key=lambda i: -weights[i])[:leftover]:
        extra[position] += 1
    columns: list[pd.Timestamp] = []
    for position, start in enumerate(points[:-1]):
        columns.append(start)
        span = points[position + 1] - start
        steps = extra[position]
        for step in range(1, steps + 1):
            columns.append(start + _part(span, step, steps + 1))
    columns.append(points[-1])
    return columns


def _part(span: pd.Timedelta, step: int, parts: int) -> pd.Timedelta:
    """`span * step / parts`; in Python integers when pandas' int64 nanoseconds
    overflow (logs years apart: a 2014 excerpt next to a 2026 capture)."""
    try:
        return span * step / parts
    except (OverflowError, pd.errors.OutOfBoundsTimedelta):
        return pd.Timedelta(span.value * step // parts, unit="ns")


def _state_at(item: InstanceTimeline, ts: pd.Timestamp, nxt: pd.Timestamp | None) -> str | None:
    """The state to draw for a column: the last state opened before the next column."""
    state = None
    for segment in item.segments:
        if segment.start <= ts or (nxt is not None and segment.start < nxt):
            state = segment.state
        else:
            break
    return state


def _states(item: InstanceTimeline, columns: Sequence[pd.Timestamp]) -> list[str | None]:
    """`_state_at` for every column, by bisection when the segments are in time order.

    (They are, as the replay makes them; a linear scan per column cost
    seconds on a day of 17k segments per host.)  In order, the segments
    `_state_at` walks through are those opened before the next column (at
    or before this one for the last column, or where the next starts at the
    same time): the state is the last of them.
    """
    starts = [segment.start.value for segment in item.segments]
    if any(a > b for a, b in zip(starts, starts[1:], strict=False)):
        return [
            _state_at(item, ts, columns[p + 1] if p + 1 < len(columns) else None)
            for p, ts in enumerate(columns)
        ]
    edges = [ts.value for ts in columns]
    states: list[str | None] = []
    for position, ts in enumerate(edges):
        nxt = edges[position + 1] if position + 1 < len(edges) else None
        opened = (
            bisect_left(starts, nxt) if nxt is not None and nxt > ts else bisect_right(starts, ts)
        )
        states.append(item.segments[opened - 1].state if opened else None)
    return states


def _priority_marks(item: InstanceTimeline, columns: Sequence[pd.Timestamp]) -> set[int]:
    """The columns where the host's priority changes: the column holding each change's start.

    That column is the last one starting at or before the change (the
    columns are in time order), found by bisection: a linear scan per
    change cost seconds on a day of 17k segments per host.
    """
    edges = [ts.value for ts in columns]
    marks: set[int] = set()
    previous: Segment | None = None
    for segment in item.segments:
        if previous is not None and segment.priority != previous.priority:
            position = bisect_right(edges, segment.start.value) - 1
            if position >= 0:
                marks.add(position)
        previous = segment
    return marks


def render_instance(
    instances: Sequence[InstanceTimeline], width: int, *, with_date: bool
) -> list[Text]:
    """Lanes, axis labels and the change list for one VRRP instance."""
    label_width = min(18, max(len(i.host) for i in instances) + 1)
    lane_width = max(10, width - label_width - 1)
    points = sorted({s.start for i in instances for s in i.segments})
    if points:
        last_end = max(s.end for i in instances for s in i.segments)
        if last_end > points[-1]:
            points.append(last_end)
    columns = _axis(points, lane_width)
    lines: list[Text] = []
    for item in instances:
        lane = Text(_fit(visible(item.host), label_width - 1).ljust(label_width))
        # past the host's last line its log says nothing: the lane is blank
        end = item.segments[-1].end.value if item.segments else None
        for column, state in zip(columns, _states(item, columns), strict=True):
            if state is None or (end is not None and column.value > end):
                lane.append(" ")
            else:
                lane.append(LETTERS.get(state, "?"), style=STYLES.get(state, ""))
        lines.append(lane)
        marks = _priority_marks(item, columns)
        if marks:
            mark_line = "".join("^" if p in marks else " " for p in range(len(columns)))
            lines.append(Text(" " * label_width + mark_line.rstrip()))
    if columns:
        first = _fmt_ts(columns[0], with_date)
        last = _fmt_ts(columns[-1], with_date)
        pad = max(1, len(columns) - len(first) - len(last))
        lines.append(Text(" " * label_width + first + " " * pad + last, style="dim"))
    if len(points) > lane_width:
        note = f"  {len(points)} moments of change, {lane_width} columns: each shows the state"
        lines.append(Text(note + " its stretch ends in", style="dim"))
    return lines


#: Rows of the change list shown per instance; a busy day has thousands, and
#: the head and tail tell the story (JSON has every segment).
MAX_CHANGES = 40


def change_list(
    instances: Sequence[InstanceTimeline], *, with_date: bool, max_rows: int = MAX_CHANGES
) -> list[Text]:
    """Every segment, in time order: when, host, state, priority (basis), line.

    The location is the file's name and line (not its path) so a row fits in
    80 columns; the JSON output keeps full paths.
    """
    rows = sorted(  # by the start's nanoseconds: the same order, without Timestamp compares
        ((s, i.host) for i in instances for s in i.segments),
        key=lambda pair: (pair[0].start.value, pair[1]),
    )
    host_width = min(20, max((len(visible(host)) for _s, host in rows), default=4))
    hidden = 0
    if len(rows) > max_rows:
        hidden = len(rows) - max_rows
        half = max_rows // 2
        rows = rows[:half] + [None] + rows[-(max_rows - half) :]  # type: ignore[list-item]
    lines = []
    for pair in rows:
        if pair is None:
            lines.append(
                Text(f"  ... {hidden} more changes (--format json lists all) ...", style="dim")
            )
            continue
        segment, host = pair
        prio = "?" if segment.priority is None else str(segment.priority)
        text = Text(f"  {_fmt_ts(segment.start, with_date)} ")
        text.append(f"{_fit(visible(host), host_width):<{host_width}} ")
        text.append(f"{segment.state:<11}", style=STYLES.get(segment.state, ""))
        text.append(f" {prio:>3} {segment.basis:<10}")
        if segment.cause == "poll":
            text.append(" 1.x priority poll")
        elif segment.source and segment.line:
            text.append(f" {visible(Path(segment.source).name)}:{segment.line}", style="dim")
        if segment.state_basis in {"implied", "evidence"}:
            # the state is not a state line's: say how it is known
            how = "implied" if segment.state_basis == "implied" else f"shown by {segment.cause}"
            text.append(f" [{how}]", style="dim")
        lines.append(text)
    return lines


def _fit(host: str, width: int) -> str:
    """`host` cut to `width` characters; a name kept apart keeps its `@DIR` tail.

    Why: `vagrant-ubuntu-trusty-64@001.log` and `...@002.log` (two machines
    of one name, kalog.ingest.identity) cut to their first 17 characters
    are one label for two lanes.  Names without `@` are cut as before.
    """
    if len(host) <= width:
        return host
    name, mark, tail = host.rpartition("@")
    if mark and len(tail) + 3 <= width:
        return f"{name[: width - len(tail) - 2]}~@{tail}"
    return host[:width]


def render_timeline(timeline: Timeline, width: int = 80) -> RenderableType:
    """The whole timeline: per instance, lanes then the list of changes."""
    items: list[Text] = []
    by_instance: dict[str, list[InstanceTimeline]] = {}
    for item in timeline.instances:
        by_instance.setdefault(item.instance, []).append(item)
    with_date = bool(
        timeline.start is not None
        and timeline.end is not None
        and timeline.start.date() != timeline.end.date()
    )
    for name, instances in by_instance.items():
        profiles = ", ".join(sorted({f"{i.host}: {i.profile}" for i in instances if i.profile}))
        vrid = next((i.vrid for i in instances if i.vrid is not None), None)
        header = Text(f"Instance {visible(name)}", style="bold")
        if vrid is not None:
            header.append(f"  VRID {vrid}")
        if profiles:
            header.append(f"  profile {profiles}", style="dim")
        items.append(header)
        items.extend(render_instance(instances, width, with_date=with_date))
        items.extend(change_list(instances, with_date=with_date))
        items.append(Text(""))
    if not items:
        items.append(Text("No VRRP instance found in the input."))
    else:
        items.append(Text(LEGEND, style="dim"))
    return Group(*items)
